/**
 * The live page's edge cases: two pages following one connection, a
 * followed PROXY connection, a page that asks before the echo listens, and
 * requests for scripts that do not exist.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { get } from "node:http";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createEchoServer, LiveView } from "tcpecho";
import { listenHttp } from "../src/server/http-listener.js";
import { liveRoute, pageListener } from "../src/ui/live-route.js";
import { rawConnect, readN, waitUntil } from "./helpers.js";

const linux = process.platform === "linux";

test("two watchers follow one connection: when one leaves, the other still sees the bytes of each recv", async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const view = new LiveView(server);
  view.start();
  const s = await rawConnect(port);
  try {
    await waitUntil("the connection listed", () => view.snapshot().connections.total === 1);
    const id = view.snapshot().connections.rows[0]!.id;
    const first = view.follow(id);
    const second = view.follow(id);
    first(); // one page leaves (or re-opens its stream); the other still follows
    s.write("hello");
    await readN(s, 5);
    await waitUntil("the recv", () =>
      view.snapshot({ follow: id }).followed!.calls.some((c) => c.call === "recv"),
    );
    const recv = view.snapshot({ follow: id }).followed!.calls.find((c) => c.call === "recv");
    assert.equal(recv?.data, "hello", "the remaining follower lost the bytes");
    second();
  } finally {
    s.destroy();
    view.stop();
    await server.close();
  }
});

test(
  "a followed PROXY connection that is open is not shown as the kernel's CLOSED",
  { skip: !linux && "the kernel's TCP states come from /proc/net/tcp (Linux)" },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0, proxyProtocol: "v1" });
    const { port } = await server.listen();
    const view = new LiveView(server);
    view.start();
    const unfollow = view.follow(1);
    const s = await rawConnect(port);
    try {
      s.write("PROXY TCP4 10.1.2.3 10.0.0.1 5555 7\r\n");
      await waitUntil("the client known", () => view.snapshot().connections.rows[0]?.proxy === "127.0.0.1");
      s.write("hello");
      await readN(s, 5);
      const id = view.snapshot().connections.rows[0]!.id;
      await waitUntil("the send", () =>
        view.snapshot({ follow: id }).followed!.calls.some((c) => c.call === "send"),
      );
      const open = view
        .snapshot({ follow: id })
        .followed!.calls.filter((c) => c.call === "recv" || c.call === "send");
      for (const c of open)
        assert.notEqual(c.state, "CLOSED", `${c.call} of an open connection: ${JSON.stringify(c)}`);
    } finally {
      s.destroy();
      unfollow();
      view.stop();
      await server.close();
    }
  },
);

test("a page asking for /events before the echo server listens gets a stream, not a crash", async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 }); // serve starts --ui before listen()
  const live = liveRoute(server, { control: "off" });
  const http = await listenHttp("127.0.0.1", 0, pageListener(live.route));
  const crashed: unknown[] = [];
  const onCrash = (e: unknown) => crashed.push(e);
  process.on("uncaughtException", onCrash);
  try {
    const req = get({ host: "127.0.0.1", port: http.port, path: "/events", agent: false });
    const answer = await Promise.race([
      once(req, "response").then(([res]) => (res as { statusCode: number }).statusCode),
      once(req, "error").then(([e]) => `error: ${(e as Error).message}`),
    ]);
    req.destroy();
    assert.deepEqual(
      crashed.map((e) => (e as Error).message),
      [],
    );
    assert.equal(answer, 200);
  } finally {
    process.off("uncaughtException", onCrash);
    live.close();
    await http.close();
  }
});

test("requests for scripts that do not exist leave nothing behind (no memory kept per name)", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  await server.listen();
  const live = liveRoute(server, { control: "off" });
  const http = await listenHttp("127.0.0.1", 0, pageListener(live.route));
  const status = (path: string) =>
    new Promise<number>((resolve, reject) => {
      get({ host: "127.0.0.1", port: http.port, path, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      }).on("error", reject);
    });
  try {
    const name = (n: number) =>
      `/page/${"a".repeat(12_000)}-${n.toString(2).replace(/[01]/g, (d) => "xy"[+d]!)}.js`;
    await status(name(0));
    gc();
    const before = process.memoryUsage().heapUsed;
    const N = 2000;
    let next = 1;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next <= N) assert.equal(await status(name(next++)), 404);
      }),
    );
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 2000 names of 12 KB: ~24 MB if each is kept.
    assert.ok(grown < 8e6, `the heap grew by ${(grown / 1e6).toFixed(1)} MB after ${N} missing names`);
  } finally {
    live.close();
    await http.close();
    await server.close();
  }
});
