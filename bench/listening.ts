/**
 * What the bench scripts need to start a server on a port of their own and
 * know when it listens: shared by `bench/peers.ts` and
 * `bench/short-connections.ts`.
 *
 * @module
 */

import { once } from "node:events";
import { connect, createServer } from "node:net";

/** A port on 127.0.0.1 that was free a moment ago (the server under test binds it next). */
export async function freePort(): Promise<number> {
  const s = createServer().listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves once something accepts on 127.0.0.1:`port`; throws after 15 s. */
export async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), r(true)));
      s.once("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on ${port} within 15 s`);
}
