/**
 * The textbook's TCP echo server, written with `node:net`. Each line names
 * the Winsock call it stands for. Run: `npm run example:net-server`
 * (`-- --port 9001 --lang ko` to change the port or the language).
 *
 * @module
 */

import { createServer } from "node:net";
import { options } from "./textbook.js";

// WSAStartup(): nothing to do, Node has set up its sockets before this line runs.
const { host, port, lines } = options("0.0.0.0"); // SERVERPORT 9000; INADDR_ANY is "0.0.0.0"

// socket(AF_INET, SOCK_STREAM, 0): the listening socket (대기 소켓). Node opens it inside listen() below.
const listenSock = createServer((clientSock) => {
  // accept(listen_sock, &clientaddr, &addrlen): Node (libuv) has already accepted; this callback
  // gets the communication socket (통신 소켓), and the client's address is on it.
  const ip = clientSock.remoteAddress ?? "?";
  const cport = clientSock.remotePort ?? 0;
  console.log(lines.connected(ip, cport));

  // while(1) { retval = recv(client_sock, buf, BUFSIZE, 0); ... }: Node calls recv() and hands each chunk here.
  clientSock.on("data", (buf) => {
    console.log(lines.data(ip, cport, buf.toString("utf8"))); // printf("[TCP/%s:%d] %s\n", ...)
    // send(client_sock, buf, retval, 0): hands the bytes to the OS's send buffer. Winsock's send() blocks
    // when that buffer is full; here write() returns false, and we stop reading until it drains.
    if (!clientSock.write(buf)) {
      clientSock.pause();
      clientSock.once("drain", () => clientSock.resume());
    }
  });
  // recv() == 0 (the client closed its side): Node answers with its own FIN (allowHalfOpen is false).
  // recv() == SOCKET_ERROR: err_display("recv()"), then leave the loop; "close" follows either way.
  clientSock.on("error", (err) => console.error(`recv(): ${err.message}`));
  // closesocket(client_sock); printf("[TCP 서버] 클라이언트 종료: ...")
  clientSock.on("close", () => console.log(lines.disconnected(ip, cport)));
});

// bind(listen_sock, &serveraddr, ...) + listen(listen_sock, SOMAXCONN): Node does socket(), bind() and
// listen() in this one call. Unlike the textbook's loop, which serves one client at a time, Node
// serves every accepted client at once.
listenSock.listen({ host, port, backlog: 511 });
// if(retval == SOCKET_ERROR) err_quit("bind()"): e.g. EADDRINUSE, or EACCES for ports 0–1023.
listenSock.on("error", (err) => {
  console.error(`listen(): ${err.message}`);
  process.exit(1);
});
// closesocket(listen_sock); WSACleanup(): never reached in the textbook either; Ctrl+C ends the
// process, and the OS closes every socket it held.
