/**
 * Who may connect: `--allow` and `--deny` address ranges. A deny rule always
 * wins; when any allow rule is given, only addresses in one of them pass.
 *
 * @module
 */

import { cidrContains, parseCidr, type Cidr } from "../net/cidr.js";

/**
 * Allow and deny ranges, checked against each client's address.
 *
 * @example
 * ```ts
 * import { AccessRules } from "tcpecho";
 * const rules = new AccessRules(["10.0.0.0/8"], ["10.0.0.13"]);
 * rules.permits("10.1.2.3"); // true
 * rules.permits("10.0.0.13"); // false: deny wins
 * rules.permits("192.168.1.1"); // false: not in any allow range
 * ```
 */
export class AccessRules {
  readonly allow: readonly Cidr[];
  readonly deny: readonly Cidr[];

  /**
   * Ranges as written (`10.0.0.0/8`, `::1`); a bad one throws an EchoError
   * naming its option: `allow` and `deny` unless `names` says otherwise
   * (`proxyTrusted`).
   */
  constructor(
    allow: readonly string[] = [],
    deny: readonly string[] = [],
    names: { allow: string; deny: string } = { allow: "allow", deny: "deny" },
  ) {
    this.allow = allow.map((r) => parseCidr(r, names.allow));
    this.deny = deny.map((r) => parseCidr(r, names.deny));
  }

  /** True when there is no rule at all: every client passes. */
  get empty(): boolean {
    return this.allow.length === 0 && this.deny.length === 0;
  }

  /** Whether a client at `address` may be served. */
  permits(address: string): boolean {
    for (const r of this.deny) if (cidrContains(r, address)) return false;
    if (this.allow.length === 0) return true;
    for (const r of this.allow) if (cidrContains(r, address)) return true;
    return false;
  }
}
