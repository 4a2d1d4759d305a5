/**
 * Attacks on a running echo server, the way the real world will make them.
 * Each takes the server's port and a scale, checks what a client can see
 * (every byte back, in order; answers while under attack), and returns what
 * it measured. `test/reliability.test.ts` runs them small (seconds);
 * `npm run soak -- --minutes N` (bench/soak.ts) runs them for longer.
 * Everything talks to 127.0.0.1 only, and every loop is bounded.
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { randomBytesSeeded, rawConnect, readAll, readN, sleep } from "./helpers.js";

/** Resident memory of a process, in bytes (Linux). */
export function residentBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Open descriptors of a process (Linux). */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** One round trip of a fresh client: resolves with its time in ms. */
export async function freshEcho(port: number, text = "still there?"): Promise<number> {
  const t0 = performance.now();
  const s = await rawConnect(port);
  s.write(text);
  const got = await readN(s, text.length, 10_000);
  const ms = performance.now() - t0;
  s.destroy();
  assert.equal(got.toString(), text);
  return ms;
}

/** Waits until `ok()` or `ms` passed; returns whether it became true. */
export async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await sleep(20);
  return ok();
}

/** A schedule for one writer: chunk sizes and the pause after each. */
const scheduleArb = fc.array(
  fc.record({
    size: fc.integer({ min: 1, max: 96 * 1024 }),
    pauseMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
  }),
  { minLength: 64, maxLength: 64 },
);

/** Writes `data` by `schedule` (cycled), honouring backpressure. */
async function writeBySchedule(
  s: Socket,
  data: Buffer,
  schedule: { size: number; pauseMs: number }[],
): Promise<void> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const step = schedule[i % schedule.length] as { size: number; pauseMs: number };
    const ok = s.write(data.subarray(at, at + step.size));
    at += step.size;
    if (!ok) await once(s, "drain");
    if (step.pauseMs > 0) await sleep(step.pauseMs);
  }
}

/**
 * Integrity: `clients` connections at once, each writing `bytes` random bytes
 * in random-sized chunks with random pauses (schedules drawn by fast-check,
 * `runs` times), then a FIN: every byte must come back, in order.
 */
export async function integrity(
  port: number,
  scale: { clients: number; bytes: number; runs: number; seed: number },
): Promise<{ bytes: number }> {
  let total = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(scheduleArb, { minLength: scale.clients, maxLength: scale.clients }),
      async (schedules) => {
        await Promise.all(
          schedules.map(async (schedule, i) => {
            const data = randomBytesSeeded(scale.bytes, scale.seed * 1000 + i);
            const s = await rawConnect(port);
            const back = readAll(s, 60_000);
            await writeBySchedule(s, data, schedule);
            s.end();
            const got = await back;
            assert.equal(
              got.length,
              data.length,
              `client ${i}: ${got.length} of ${data.length} bytes came back`,
            );
            assert.ok(got.equals(data), `client ${i}: bytes differ or are out of order`);
            total += got.length;
          }),
        );
      },
    ),
    { numRuns: scale.runs, seed: scale.seed, endOnFailure: true },
  );
  return { bytes: total };
}

/**
 * Backpressure: `clients` connections write as fast as they can for
 * `seconds`, and longer if need be until the server holds every one of them
 * back (4 MB wait in this process: the kernel takes no more), and never
 * read. Returns how much the server's memory grew and how long a fresh
 * client's echo took meanwhile.
 */
export async function neverReaders(
  port: number,
  pid: number,
  scale: { clients: number; seconds: number },
): Promise<{ growthBytes: number; offeredBytes: number; freshEchoMs: number }> {
  const before = residentBytes(pid);
  const chunk = randomBytesSeeded(64 * 1024, 77);
  const sockets = await Promise.all(Array.from({ length: scale.clients }, () => rawConnect(port)));
  let offered = 0;
  const held = 4 * 1024 * 1024;
  const end = Date.now() + scale.seconds * 1000;
  // A server that never holds a client back is caught by its memory; do not wait for it forever.
  const giveUp = end + 30_000;
  await Promise.all(
    sockets.map(async (s) => {
      s.on("error", () => {});
      s.pause(); // never read
      while ((Date.now() < end || s.writableLength < held) && Date.now() < giveUp) {
        // As fast as the kernel takes it; our own queue is kept short so that the test process stays small.
        if (s.writableLength < held) {
          s.write(chunk);
          offered += chunk.length;
          await sleep(0);
        } else {
          await sleep(10);
        }
      }
    }),
  );
  const growth = residentBytes(pid) - before;
  const freshEchoMs = await freshEcho(port);
  for (const s of sockets) s.destroy();
  return { growthBytes: growth, offeredBytes: offered, freshEchoMs };
}

/** Half-close: `bytes` then FIN; all of it must come back, then the server's FIN. */
export async function halfClose(port: number, bytes: number): Promise<void> {
  const data = randomBytesSeeded(bytes, 42);
  const s = await rawConnect(port);
  s.pause(); // do not read until everything is sent and the FIN is out: the server must hold on
  s.end(data);
  await sleep(100);
  s.resume();
  const got = await readAll(s);
  assert.ok(got.equals(data), "half-close: what came back differs");
  await once(s, "close");
}

/**
 * Resets: `count` connections that send and then reset (SO_LINGER 0, an RST
 * instead of a FIN), `batch` at a time; half of them after their echo came
 * back, half at once.
 */
export async function resets(port: number, scale: { count: number; batch: number }): Promise<void> {
  const payload = randomBytesSeeded(4000, 3);
  for (let done = 0; done < scale.count; done += scale.batch) {
    await Promise.all(
      Array.from({ length: Math.min(scale.batch, scale.count - done) }, async (_, i) => {
        const s = await rawConnect(port);
        s.on("error", () => {});
        const n = 1 + ((done + i) % payload.length);
        s.write(payload.subarray(0, n));
        if (i % 2 === 0) await readN(s, n);
        s.resetAndDestroy();
      }),
    );
  }
}

/**
 * Flood: a storm of `storm` connections (`batch` at a time) at a server with
 * a connection limit, while `served` clients keep echoing: theirs must all
 * come back, in order.
 */
export async function flood(
  port: number,
  scale: { storm: number; batch: number; served: number; servedBytes: number },
): Promise<{ stormConnections: number }> {
  const served = await Promise.all(Array.from({ length: scale.served }, () => rawConnect(port)));
  let stormDone = false;
  const talkers = served.map(async (s, i) => {
    const data = randomBytesSeeded(scale.servedBytes, 500 + i);
    const back = readAll(s, 60_000);
    let at = 0;
    // Keep talking for as long as the storm lasts, then finish.
    while (at < data.length) {
      const n = stormDone ? data.length - at : 4096;
      if (!s.write(data.subarray(at, at + n))) await once(s, "drain");
      at += n;
      await sleep(1);
    }
    s.end();
    const got = await back;
    assert.ok(got.equals(data), `served client ${i} lost or reordered bytes during the storm`);
  });
  let closed = 0;
  for (let done = 0; done < scale.storm; done += scale.batch) {
    await Promise.all(
      Array.from({ length: Math.min(scale.batch, scale.storm - done) }, async () => {
        try {
          const s = await rawConnect(port);
          s.on("error", () => {});
          // Admitted or refused, the connection ends: echoed and closed, or closed unread.
          s.end("storm");
          await readAll(s, 5000).catch(() => Buffer.alloc(0));
          closed++;
          s.destroy();
        } catch {
          closed++; // refused by a full accept queue: the storm's problem, not the server's
        }
      }),
    );
  }
  stormDone = true;
  await Promise.all(talkers);
  return { stormConnections: closed };
}

/** Slow reader: reads the echo of `bytes` one byte per read. */
export async function oneByteReader(port: number, bytes: number): Promise<void> {
  const data = randomBytesSeeded(bytes, 21);
  const s = await rawConnect(port);
  s.pause();
  s.end(data);
  const got = Buffer.alloc(data.length);
  let n = 0;
  const deadline = Date.now() + 60_000;
  while (n < data.length && Date.now() < deadline) {
    const b = s.read(1) as Buffer | null;
    if (b === null) {
      await Promise.race([once(s, "readable"), sleep(50)]);
      continue;
    }
    got[n++] = b[0] as number;
  }
  s.destroy();
  assert.equal(n, data.length, `one byte at a time: ${n} of ${data.length} bytes came back`);
  assert.ok(got.equals(data), "one byte at a time: bytes differ");
}

/** Stalled reader: stops reading for `pauseMs` while sending `bytes`, then reads everything. */
export async function stalledReader(port: number, bytes: number, pauseMs: number): Promise<void> {
  const data = randomBytesSeeded(bytes, 10);
  const s = await rawConnect(port);
  s.pause();
  const writer = (async () => {
    for (let at = 0; at < data.length; at += 256 * 1024) {
      if (!s.write(data.subarray(at, at + 256 * 1024))) await once(s, "drain");
    }
    s.end();
  })();
  await sleep(pauseMs);
  const got = readAll(s, 60_000);
  s.resume();
  await writer;
  const back = await got;
  assert.equal(back.length, data.length);
  assert.ok(back.equals(data), "stalled reader: bytes differ");
}
