/**
 * The textbook's TCP echo client, written with the tcpecho library. Run:
 * `npm run example:lib-client` (`-- --host 127.0.0.1 --port 9001 --lang ko`);
 * type lines, an empty line ends.
 *
 * @module
 */

import { connect, EchoError } from "tcpecho";
import { inputLines, options } from "./textbook.js";

// WSAStartup(): nothing to do in Node.
const { host, port, lines } = options("127.0.0.1"); // SERVERIP, SERVERPORT

let client;
try {
  client = await connect({ host, port }); // socket(AF_INET, SOCK_STREAM, 0) + connect(sock, &serveraddr, ...)
} catch (err) {
  console.error(`connect(): ${(err as Error).message}`); // err_quit("connect()")
  process.exit(1);
}

// while(1) { fgets(buf, BUFSIZE + 1, stdin); ... if(strlen(buf) == 0) break; ... }
for await (const line of inputLines(lines.prompt)) {
  const buf = Buffer.from(line, "utf8"); // the line without its '\n'
  // send(sock, buf, strlen(buf), 0) then recvn(sock, buf, retval, 0): echo() is both. It hands the bytes
  // to the OS at once, and resolves once exactly as many came back (readExactly is the library's recvn).
  const echoed = client.echo(buf);
  console.log(lines.sent(buf.length)); // printf("[TCP 클라이언트] %d바이트를 보냈습니다.\n", retval)
  let reply: Buffer;
  try {
    reply = await echoed;
  } catch (err) {
    // recvn() == 0 (the server closed first) or SOCKET_ERROR: err_display(), then leave the loop.
    if (!(err instanceof EchoError && err.code === "ERR_PEER_CLOSED")) console.error(`recv(): ${err}`);
    break;
  }
  console.log(lines.received(reply.length)); // printf("[TCP 클라이언트] %d바이트를 받았습니다.\n", retval)
  console.log(lines.receivedData(reply.toString("utf8"))); // printf("[받은 데이터] %s\n", buf)
}

await client.close(); // closesocket(sock): FIN, then wait for the server's
// WSACleanup(): nothing to do.
