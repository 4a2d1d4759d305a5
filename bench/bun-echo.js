/* global Bun */
/**
 * bun-echo: an echo server on Bun's native sockets (`Bun.listen`), a peer for
 * `npm run bench:peers`; run by Bun, not Node. Listens on 127.0.0.1 and
 * argv[2].
 *
 * Bun's `socket.write` returns how many bytes it took. The rest is kept, in
 * order, and the socket stops reading (`pause`) until `drain` has sent it,
 * so no byte is dropped and a client that never reads holds one chunk. On
 * the client's FIN the server sends its own once everything is written
 * (`allowHalfOpen`), so a half-closed client gets every byte back.
 */

const port = Number(process.argv[2] ?? 9000);

/** Writes what is queued; true when nothing is left. */
function flush(socket) {
  const state = socket.data;
  while (state.queue.length > 0) {
    const chunk = state.queue[0];
    const n = socket.write(chunk);
    if (n < 0) return false; // closed: `close` follows
    if (n < chunk.length) {
      state.queue[0] = chunk.subarray(n);
      return false;
    }
    state.queue.shift();
  }
  return true;
}

Bun.listen({
  hostname: "127.0.0.1",
  port,
  allowHalfOpen: true,
  socket: {
    open(socket) {
      socket.setNoDelay(true);
      socket.data = { queue: [], ended: false };
    },
    data(socket, data) {
      const state = socket.data;
      if (state.queue.length > 0) {
        state.queue.push(Buffer.from(data));
        return;
      }
      const n = socket.write(data);
      if (n >= 0 && n < data.length) {
        // Copy: the rest must outlive this call.
        state.queue.push(Buffer.from(data.subarray(n)));
        socket.pause();
      }
    },
    drain(socket) {
      const state = socket.data;
      if (!flush(socket)) return;
      if (state.ended) socket.end();
      else socket.resume();
    },
    end(socket) {
      const state = socket.data;
      state.ended = true;
      if (state.queue.length === 0) socket.end();
    },
    error() {},
  },
});
