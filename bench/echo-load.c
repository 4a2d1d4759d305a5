/* echo-load: the project's own C load generator for echo servers, used by
 * `npm run bench:peers -- --yardstick`. tcpecho bench is a Node program and
 * slower than the servers it drives, so faster servers read alike under it;
 * this one is much faster, so their differences show.
 *
 *   echo-load HOST PORT CONNS LEN SECONDS [DEPTH] [stream]
 *
 * ping-pong (default): every connection keeps DEPTH messages of LEN bytes in
 * flight, one write(2) per message as a request/response client would; a
 * message counts when its last byte is back, and its latency runs from when
 * it was due to be sent. stream: every connection writes LEN-byte chunks
 * (LEN 65536 in the table) as fast as the server takes them, with at most
 * 4 MiB unechoed, and the figure is echoed bytes.
 *
 * Every echoed byte is compared with what was sent: the bytes come from one
 * pseudo-random table, each connection starting at its own place, so a lost,
 * repeated or reordered byte shows. Prints one line:
 *   MODE conns=C len=L depth=D req/s=R MB/s=M p50_us=P p99_us=Q errors=E
 * (MB/s counts echoed bytes). Exit 0, 1 if any connection broke or any byte
 * came back wrong, 2 for a bad command line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A prime period, so message boundaries never line up with the table's. */
#define PERIOD 65521u
#define MAX_LEN 65536u
#define STREAM_WINDOW (4u << 20)
#define LAT_MAX_US 1000000u /* one-microsecond buckets up to 1 s; beyond counts as 1 s */

struct conn {
  int fd;
  int out_on;        /* EPOLLOUT is being watched */
  int broken;
  uint32_t start;    /* this connection's place in the pattern table */
  uint64_t due;      /* bytes that should have been written by now */
  uint64_t sent;     /* bytes written */
  uint64_t echoed;   /* bytes read back and checked */
  uint64_t *stamps;  /* ping-pong: when each in-flight message was due (ring of DEPTH) */
  unsigned head, tail;
};

static uint8_t table[PERIOD + MAX_LEN];
static uint64_t lat[LAT_MAX_US + 1];
static int ep, depth, len, stream_mode;
static uint64_t messages, bytes_back, errors, wrong;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static const uint8_t *pattern_at(const struct conn *c, uint64_t offset) {
  return table + (uint32_t)((c->start + offset) % PERIOD);
}

static void watch(struct conn *c, int out) {
  if (c->out_on == out) return;
  struct epoll_event e = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
  c->out_on = out;
}

static void breaks(struct conn *c, const char *why) {
  if (c->broken) return;
  c->broken = 1;
  errors++;
  fprintf(stderr, "echo-load: connection %d: %s\n", c->fd, why);
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
}

/* Writes what is due; ping-pong writes message by message, as a client
 * sending requests does. Whatever the kernel does not take waits for EPOLLOUT. */
static void flush(struct conn *c) {
  while (c->sent < c->due) {
    uint64_t left = c->due - c->sent;
    if (!stream_mode) left = (uint64_t)len - c->sent % (uint64_t)len;
    if (left > MAX_LEN) left = MAX_LEN;
    ssize_t w = send(c->fd, pattern_at(c, c->sent), (size_t)left, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      breaks(c, strerror(errno));
      return;
    }
    c->sent += (uint64_t)w;
  }
  watch(c, c->sent < c->due);
}

static void stream_refill(struct conn *c) {
  /* Keep the window full, in whole chunks, so each write is LEN bytes. */
  while (c->due - c->echoed + (uint64_t)len <= STREAM_WINDOW) c->due += (uint64_t)len;
}

static void on_readable(struct conn *c) {
  static uint8_t buf[1 << 16];
  for (;;) {
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r == 0) {
      breaks(c, "closed by the server");
      return;
    }
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      breaks(c, strerror(errno));
      return;
    }
    uint64_t n = (uint64_t)r;
    if (c->echoed + n > c->sent) {
      wrong++;
      breaks(c, "more bytes came back than were sent");
      return;
    }
    /* Compare in runs that do not cross the end of the table's period. */
    for (uint64_t done = 0; done < n;) {
      uint64_t pos = (c->start + c->echoed + done) % PERIOD, run = n - done;
      if (run > PERIOD - pos) run = PERIOD - pos;
      if (memcmp(buf + done, table + pos, (size_t)run) != 0) {
        wrong++;
        fprintf(stderr, "echo-load: wrong byte within offsets %llu..%llu\n",
                (unsigned long long)(c->echoed + done), (unsigned long long)(c->echoed + done + run));
        breaks(c, "an echoed byte differs from the one sent");
        return;
      }
      done += run;
    }
    uint64_t before = c->echoed;
    c->echoed += n;
    bytes_back += n;
    if (stream_mode) {
      stream_refill(c);
    } else {
      uint64_t completed = c->echoed / (uint64_t)len - before / (uint64_t)len;
      uint64_t t = now_ns();
      for (uint64_t k = 0; k < completed; k++) {
        uint64_t us = (t - c->stamps[c->head]) / 1000u;
        lat[us > LAT_MAX_US ? LAT_MAX_US : us]++;
        c->head = (c->head + 1) % (unsigned)depth;
        c->stamps[c->tail] = t;
        c->tail = (c->tail + 1) % (unsigned)depth;
        c->due += (uint64_t)len;
      }
      messages += completed;
    }
    if ((size_t)r < sizeof buf) break;
  }
  flush(c);
}

static int positive(const char *s, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *s == '\0' || *end != '\0' || v < 1 || v > max) return 0;
  *out = v;
  return 1;
}

int main(int argc, char **argv) {
  long nconn, l, d = 1;
  char *end = "";
  double secs = argc > 5 ? strtod(argv[5], &end) : 0;
  if (argc < 6 || argc > 8 || !positive(argv[3], 100000, &nconn) || !positive(argv[4], MAX_LEN, &l) ||
      *end != '\0' || !(secs > 0 && secs < 86400) || (argc > 6 && !positive(argv[6], 4096, &d)) ||
      (argc > 7 && strcmp(argv[7], "stream") != 0)) {
    fprintf(stderr, "usage: echo-load HOST PORT CONNS LEN SECONDS [DEPTH] [stream]\n");
    return 2;
  }
  len = (int)l;
  depth = (int)d;
  stream_mode = argc > 7;

  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
  if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) {
    fprintf(stderr, "echo-load: cannot resolve %s port %s\n", argv[1], argv[2]);
    return 2;
  }

  /* xorshift32: enough to make every byte depend on its position. */
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < sizeof table; i++) {
    if (i < PERIOD) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      table[i] = (uint8_t)(x >> 24);
    } else {
      table[i] = table[i - PERIOD];
    }
  }

  ep = epoll_create1(0);
  struct conn *conns = calloc((size_t)nconn, sizeof *conns);
  for (long i = 0; i < nconn; i++) {
    struct conn *c = &conns[i];
    int one = 1;
    c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (c->fd < 0 || connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0) {
      fprintf(stderr, "echo-load: connect %s port %s: %s\n", argv[1], argv[2], strerror(errno));
      return 1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    c->start = (uint32_t)(((uint64_t)i * 7919u) % PERIOD);
    c->stamps = calloc((size_t)depth, sizeof *c->stamps);
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
  }

  uint64_t t0 = now_ns(), t_end = t0 + (uint64_t)(secs * 1e9);
  for (long i = 0; i < nconn; i++) {
    struct conn *c = &conns[i];
    if (stream_mode) {
      stream_refill(c);
    } else {
      for (int k = 0; k < depth; k++) c->stamps[k] = t0;
      c->tail = 0;
      c->due = (uint64_t)len * (uint64_t)depth;
    }
    flush(c);
  }

  struct epoll_event events[512];
  for (;;) {
    uint64_t t = now_ns();
    if (t >= t_end) break;
    uint64_t wait_ms = (t_end - t) / 1000000u + 1;
    int n = epoll_wait(ep, events, 512, wait_ms > 50 ? 50 : (int)wait_ms);
    for (int i = 0; i < n; i++) {
      struct conn *c = events[i].data.ptr;
      if (c->broken) continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
      else if (events[i].events & EPOLLOUT) flush(c);
    }
  }
  double elapsed = (double)(now_ns() - t0) / 1e9;

  uint64_t total = 0, seen = 0, p50 = 0, p99 = 0;
  int have50 = 0;
  for (unsigned k = 0; k <= LAT_MAX_US; k++) total += lat[k];
  for (unsigned k = 0; k <= LAT_MAX_US && total; k++) {
    seen += lat[k];
    if (!have50 && seen * 2 >= total) {
      p50 = k;
      have50 = 1;
    }
    if (seen * 100 >= total * 99) {
      p99 = k;
      break;
    }
  }
  printf("%s conns=%ld len=%d depth=%d req/s=%.0f MB/s=%.1f p50_us=%llu p99_us=%llu errors=%llu\n",
         stream_mode ? "stream" : "pingpong", nconn, len, depth, stream_mode ? 0.0 : (double)messages / elapsed,
         (double)bytes_back / elapsed / 1e6, (unsigned long long)p50, (unsigned long long)p99,
         (unsigned long long)errors);
  return errors || wrong ? 1 : 0;
}
