/**
 * The textbook's TCP echo client with the mistake the notes warn about: it
 * reads each echo with one recv() instead of recvn(), and takes what that
 * recv() returned for the whole reply. Otherwise it is net-client.ts, line
 * for line. Run it against `tcpecho serve --fault slice=1-3:50ms` to see the
 * mistake: `node dist/examples/naive-client.js --port 9000` after
 * `npm run build`; type lines, an empty line ends.
 *
 * The mistake has a name in the Korean notes: 데이터 경계 문제 (the data
 * boundary problem). TCP carries a stream of bytes, not messages: the echo of
 * one send() may arrive in several pieces, and one recv() may return part of
 * a reply, or the end of one reply and the start of the next. On loopback the
 * echo of a short line almost always comes in one piece, which is why the
 * mistake goes unnoticed until a real network (or a fault) cuts it up.
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { inputLines, options } from "./textbook.js";

/** The textbook's BUFSIZE: one recv() returns at most this many bytes. */
const BUFSIZE = 512;

/**
 * recv(sock, buf, BUFSIZE, 0): whatever has arrived (at least one byte, at
 * most BUFSIZE), or nothing once the server has closed. Nothing here waits
 * for the rest of a reply: that is recvn()'s job, and the mistake is to skip it.
 */
function recv(sock: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const tryRead = () => {
      const buf = sock.read() as Buffer | null; // everything buffered, however little
      if (buf === null && !sock.readableEnded && !sock.destroyed) return; // nothing yet: recv() blocks
      sock.off("readable", tryRead).off("end", tryRead).off("close", tryRead);
      if (buf !== null && buf.length > BUFSIZE) sock.unshift(buf.subarray(BUFSIZE)); // left for the next recv()
      resolve(buf === null ? Buffer.alloc(0) : buf.subarray(0, BUFSIZE));
    };
    sock.on("readable", tryRead).on("end", tryRead).on("close", tryRead);
    tryRead();
  });
}

// WSAStartup(): nothing to do in Node.
const { host, port, lines } = options("127.0.0.1"); // SERVERIP, SERVERPORT

// socket(AF_INET, SOCK_STREAM, 0) + connect(sock, &serveraddr, ...): one call in Node.
const sock = connect({ host, port });
try {
  await once(sock, "connect");
} catch (err) {
  console.error(`connect(): ${(err as Error).message}`); // err_quit("connect()")
  process.exit(1);
}
// recv()/send() == SOCKET_ERROR: err_display(); recv() then returns nothing, and the loop ends.
sock.on("error", (err) => console.error(`recv(): ${err.message}`));

// while(1) { fgets(buf, BUFSIZE + 1, stdin); ... if(strlen(buf) == 0) break; ... }
for await (const line of inputLines(lines.prompt)) {
  const buf = Buffer.from(line, "utf8"); // the line without its '\n'
  sock.write(buf); // retval = send(sock, buf, strlen(buf), 0)
  console.log(lines.sent(buf.length)); // printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval)
  // The mistake: retval = recv(sock, buf, BUFSIZE, 0) where the notes call recvn(sock, buf, retval, 0).
  const reply = await recv(sock);
  if (reply.length === 0) break; // if(retval == 0) break;: the server closed the connection
  console.log(lines.received(reply.length)); // may be fewer bytes than were sent, or bytes of an earlier reply
  console.log(lines.receivedData(reply.toString("utf8"))); // printf("[받은 데이터] %s\n", buf)
}

// closesocket(sock): end() sends FIN; resume() reads on (and drops) until the server's FIN.
sock.resume().end();
// WSACleanup(): nothing to do; the process ends when nothing is left open.
