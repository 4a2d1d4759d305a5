/**
 * The textbook's TCP echo server, written with the tcpecho library: the
 * library does the socket calls and the echo loop; this program prints the
 * textbook's lines from its events. Run: `npm run example:lib-server`
 * (`-- --port 9001 --lang ko`).
 *
 * @module
 */

import { createEchoServer } from "tcpecho";
import { options } from "./textbook.js";

// WSAStartup(): nothing to do in Node.
const { host, port, lines } = options("0.0.0.0"); // SERVERPORT 9000; INADDR_ANY is "0.0.0.0"

// socket(AF_INET, SOCK_STREAM, 0): the listening socket (대기 소켓), opened by listen() below.
const server = createEchoServer({ host, port, backlog: 511 });

// accept(listen_sock, &clientaddr, &addrlen): the communication socket (통신 소켓) and the client's address.
server.on("connection", (c) => console.log(lines.connected(c.remoteAddress, c.remotePort)));
// recv(client_sock, buf, BUFSIZE, 0) then printf("[TCP/%s:%d] %s\n", ...); the library then calls
// send(client_sock, buf, retval, 0) itself, and stops reading while the OS's send buffer is full.
server.on("data", (c, buf) => console.log(lines.data(c.remoteAddress, c.remotePort, buf.toString("utf8"))));
// recv() == 0 or SOCKET_ERROR, then closesocket(client_sock): the library closes it and says why.
server.on("disconnect", (d) => console.log(lines.disconnected(d.remoteAddress, d.remotePort)));

// bind(listen_sock, &serveraddr, ...) + listen(listen_sock, SOMAXCONN): one call; it serves every
// client at once, where the textbook's loop serves one at a time.
try {
  await server.listen();
} catch (err) {
  console.error(`listen(): ${(err as Error).message}`); // err_quit("bind()"): EADDRINUSE, EACCES for 0–1023
  process.exit(1);
}
// closesocket(listen_sock); WSACleanup(): Ctrl+C ends the process, and the OS closes its sockets.
