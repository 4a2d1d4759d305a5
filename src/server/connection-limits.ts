/**
 * How many clients the server serves at once: in all (`--max-connections`)
 * and from one address (`--max-per-ip`). Clients past a limit are refused;
 * the ones being served are never disturbed.
 *
 * @module
 */

/** Why a client was turned away at the door. */
export type RefusalReason = "max-connections" | "max-per-ip" | "denied";

/**
 * Counts of open connections, overall and per client address.
 *
 * @example
 * ```ts
 * import { ConnectionLimits } from "tcpecho";
 * const limits = new ConnectionLimits({ maxConnections: 100, maxPerIp: 2 });
 * limits.admit("10.0.0.1"); // null: admitted
 * limits.admit("10.0.0.1"); // null
 * limits.admit("10.0.0.1"); // "max-per-ip"
 * limits.release("10.0.0.1");
 * ```
 */
export class ConnectionLimits {
  readonly maxConnections: number;
  readonly maxPerIp: number;
  readonly #perIp = new Map<string, number>();
  #open = 0;

  /** 0 or Infinity (the default) means no limit. */
  constructor(options: { maxConnections?: number; maxPerIp?: number } = {}) {
    this.maxConnections = options.maxConnections || Infinity;
    this.maxPerIp = options.maxPerIp || Infinity;
  }

  /** Connections admitted and not yet released. */
  get open(): number {
    return this.#open;
  }

  /** Counts a new client in and returns null, or returns why it must be refused (and counts nothing). */
  admit(address: string): RefusalReason | null {
    if (this.#open >= this.maxConnections) return "max-connections";
    if (this.maxPerIp !== Infinity) {
      const n = this.#perIp.get(address) ?? 0;
      if (n >= this.maxPerIp) return "max-per-ip";
      this.#perIp.set(address, n + 1);
    }
    this.#open++;
    return null;
  }

  /** An admitted client left. */
  release(address: string): void {
    this.#open--;
    if (this.maxPerIp === Infinity) return;
    const n = (this.#perIp.get(address) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(address);
    else this.#perIp.set(address, n);
  }
}
