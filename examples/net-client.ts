/**
 * The textbook's TCP echo client, written with `node:net`. Each line names
 * the Winsock call it stands for. Run: `npm run example:net-client`
 * (`-- --host 127.0.0.1 --port 9001 --lang ko`); type lines, an empty line ends.
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { inputLines, options } from "./textbook.js";

/**
 * The textbook's recvn(): recv() until exactly `len` bytes are in, or fewer if the server closed first.
 * In paused mode `read(len)` returns null until `len` bytes are buffered.
 */
function recvn(sock: Socket, len: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const tryRead = () => {
      const buf = sock.read(len) as Buffer | null;
      if (buf === null && !sock.readableEnded && !sock.destroyed) return; // wait for the next recv()
      sock.off("readable", tryRead).off("end", tryRead).off("close", tryRead);
      resolve(buf ?? Buffer.alloc(0));
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
// recv()/send() == SOCKET_ERROR: err_display(); recvn() then returns what it has, and the loop ends.
sock.on("error", (err) => console.error(`recv(): ${err.message}`));

// while(1) { fgets(buf, BUFSIZE + 1, stdin); ... if(strlen(buf) == 0) break; ... }
for await (const line of inputLines(lines.prompt)) {
  const buf = Buffer.from(line, "utf8"); // the line without its '\n'
  sock.write(buf); // retval = send(sock, buf, strlen(buf), 0): into the OS's send buffer
  console.log(lines.sent(buf.length)); // printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval)
  const reply = await recvn(sock, buf.length); // retval = recvn(sock, buf, retval, 0)
  if (reply.length === 0) break; // if(retval == 0) break;: the server closed the connection
  console.log(lines.received(reply.length)); // printf("[TCP 클라이언트] %d바이트를 받았습니다.\n", retval)
  console.log(lines.receivedData(reply.toString("utf8"))); // printf("[받은 데이터] %s\n", buf)
}

// closesocket(sock): end() sends FIN; resume() reads on until the server's FIN, then Node closes the socket.
sock.resume().end();
// WSACleanup(): nothing to do; the process ends when nothing is left open.
