/**
 * The plainest Node echo server, `socket.pipe(socket)`: the baseline every
 * Node echo server is measured against. Listens on 127.0.0.1 and argv[2].
 */

import { createServer } from "node:net";

const port = Number(process.argv[2] ?? 9000);
createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  socket.on("error", () => socket.destroy());
  socket.pipe(socket);
}).listen(port, "127.0.0.1");
