// go-echo: Go's idiomatic echo server, a peer for `npm run bench:peers`:
// one goroutine per connection doing io.Copy(conn, conn). On the client's FIN
// it sends its own (CloseWrite), so a half-closed client still gets every
// byte back. Standard library only; built at bench time with
// `go build -o OUT main.go`.
//
//	go-echo PORT    (listens on 127.0.0.1)
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	port := "9000"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-echo:", err)
		os.Exit(1)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		go func(c *net.TCPConn) {
			defer c.Close()
			// Go sets TCP_NODELAY on every TCP connection by default.
			if _, err := io.Copy(c, c); err == nil {
				c.CloseWrite()
			}
		}(conn.(*net.TCPConn))
	}
}
