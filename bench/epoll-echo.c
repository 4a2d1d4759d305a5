/* epoll-echo: the project's own minimal C echo server, a peer for
 * `npm run bench:peers`. One thread, level-triggered epoll, one read per
 * readiness event (two syscalls per message). On a short write it keeps the
 * rest, watches for EPOLLOUT instead of EPOLLIN (backpressure), and goes back
 * to reading once the rest is sent.
 *   epoll-echo PORT    (listens on 127.0.0.1) */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn { int fd; size_t len, off; char buf[32768]; };

static void watch(int ep, struct conn *c, unsigned events) {
  struct epoll_event e = {.events = events, .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
}

int main(int argc, char **argv) {
  int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)atoi(argc > 1 ? argv[1] : "9000"));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 4096) < 0) return 1;
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, events[256];
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; i++) {
      struct conn *c = events[i].data.ptr;
      if (c == NULL) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *nc = malloc(sizeof *nc);
          nc->fd = fd;
          nc->len = nc->off = 0;
          struct epoll_event e = {.events = EPOLLIN, .data.ptr = nc};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        }
        continue;
      }
      ssize_t r;
      if (c->len == 0) {
        r = recv(c->fd, c->buf, sizeof c->buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN)) goto gone;
        if (r < 0) continue;
        c->len = (size_t)r;
        c->off = 0;
      }
      r = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
      if (r < 0 && errno != EAGAIN) goto gone;
      if (r > 0) c->off += (size_t)r;
      if (c->off == c->len) {
        if (events[i].events & EPOLLOUT) watch(ep, c, EPOLLIN);
        c->len = c->off = 0;
      } else if (!(events[i].events & EPOLLOUT)) {
        watch(ep, c, EPOLLOUT);
      }
      continue;
    gone:
      close(c->fd);
      free(c);
    }
  }
}
