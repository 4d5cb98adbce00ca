// SPDX-License-Identifier: GPL-2.0-only
/*
 * netload: TCP and UDP load for the network benchmark
 * (tests/bench/vm-net.sh, `make bench-net`). It runs in the VM, built on
 * the host (the image has no iperf3).
 *
 *   netload tcp-recv ADDR PORT STREAMS [READYFILE]
 *   netload tcp-send ADDR PORT STREAMS SECS
 *   netload udp-recv ADDR PORT SIZE [READYFILE]
 *   netload udp-send ADDR PORT SIZE SECS
 *
 * TCP: the sender opens STREAMS connections (retrying for up to 30 s while
 * the receiver is not listening yet), one thread each writes 128 KiB at a
 * time for SECS seconds, then shuts its side down. Every stream carries the
 * same bytes: a pseudo-random pattern of a prime length (65521), repeated,
 * so a lost, repeated or misplaced piece shows as a mismatch. The receiver
 * accepts STREAMS connections, reads each to its end in its own thread and
 * compares every byte with the pattern at its offset.
 *
 * UDP: the sender sends datagrams of SIZE bytes (>= 16) for SECS seconds
 * (sendmmsg, 64 at a time): a sequence number, a magic word and the pattern
 * at the sequence number's offset; then a few end markers. The receiver
 * counts what arrives until an end marker or 2 s without a datagram,
 * checking each one: the magic, every pattern byte, no sequence number
 * twice. Datagrams may be lost (counted: the highest sequence number seen
 * + 1 - those received), never wrong.
 *
 * The receiver (READYFILE: created once it listens or is bound) prints one
 * line on stdout:
 *   tcp streams N bytes B secs S mbps X cpu_us_per_mb C ctxt_per_mb W intr_per_mb I
 *   udp size N pkts P lost L secs S pps X cpu_us_per_kpkt C ctxt_per_kpkt W intr_per_kpkt I
 * the window from the first accepted connection (TCP) or the first
 * datagram (UDP) to the end of the data; busy CPU time of all CPUs, context
 * switches and interrupts from /proc/stat over that window. The sender
 * prints what it sent on stderr. A wrong byte, a duplicate, a short
 * stream or a failed system call ends either side with exit status 1 and a
 * message on stderr; the speed never does. NETLOAD_CORRUPT=N in the
 * sender's environment sends byte N of the first stream, or datagram N,
 * wrong on purpose: the receiver must fail (tests/bench/net-run.sh checks
 * that before it boots the VM).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PATLEN		65521u		/* a prime: no piece size lines up with it */
#define CHUNK		(128u * 1024)
#define MAX_STREAMS	64
#define UDP_MAGIC	0x6e6c6f61u	/* "nloa" */
#define UDP_END		0x454e4421u	/* end marker */
#define UDP_BATCH	64

static uint8_t pat[PATLEN + CHUNK];	/* the pattern, then its start again */
static atomic_int failed;
/* NETLOAD_CORRUPT=N (self-check): the sender gets byte N of stream 0, or datagram N, wrong */
static long long corrupt_at = -1;

static void make_pattern(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint32_t i;

	for (i = 0; i < PATLEN; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pat[i] = (uint8_t)(x >> 24);
	}
	for (i = PATLEN; i < sizeof(pat); i++)
		pat[i] = pat[i - PATLEN];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "netload: %s: %s\n", what, strerror(errno));
	atomic_store(&failed, 1);
	return 1;
}

struct cpu {
	unsigned long long busy, ctxt, intr;
};

/* Busy jiffies of all CPUs (all but idle and iowait), context switches, interrupts. */
static int cpu_read(struct cpu *c)
{
	unsigned long long v[10] = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int i;

	if (!f)
		return -1;
	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4)) {
			sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
			for (i = 0; i < 8; i++)
				if (i != 3 && i != 4)
					c->busy += v[i];
		} else if (sscanf(line, "ctxt %llu", &c->ctxt) == 1) {
			continue;
		} else {
			sscanf(line, "intr %llu", &c->intr);
		}
	}
	fclose(f);
	return 0;
}

static int sockaddr_of(const char *addr, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
		fprintf(stderr, "netload: bad address %s\n", addr);
		return -1;
	}
	return 0;
}

static void ready(const char *file)
{
	int fd;

	if (!file)
		return;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

/* ---- TCP */

struct stream {
	pthread_t th;
	int fd;
	double secs;		/* sender: how long it sends */
	struct stream *first;	/* sender: stream 0 */
	unsigned long long bytes;
};

static void *tcp_reader(void *arg)
{
	static __thread uint8_t buf[CHUNK];
	struct stream *s = arg;
	unsigned long long off = 0;
	ssize_t n;
	uint32_t at, piece;
	ssize_t i;

	for (;;) {
		n = read(s->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			die("read");
			break;
		}
		if (n == 0)
			break;
		for (i = 0; i < n; i += piece) {
			at = (uint32_t)((off + (unsigned long long)i) % PATLEN);
			piece = (uint32_t)(n - i);
			if (memcmp(buf + i, pat + at, piece)) {
				ssize_t j = 0;

				while (buf[i + j] == pat[at + j])
					j++;
				fprintf(stderr, "netload: stream data wrong at byte %llu\n",
					off + (unsigned long long)(i + j));
				atomic_store(&failed, 1);
				close(s->fd);
				return NULL;
			}
		}
		off += (unsigned long long)n;
	}
	s->bytes = off;
	close(s->fd);
	return NULL;
}

static int tcp_recv(char **argv, int argc)
{
	static struct stream st[MAX_STREAMS];
	struct sockaddr_in sa;
	struct cpu c0, c1;
	unsigned long long total = 0;
	int ls, n = atoi(argv[4]), i, one = 1;
	double t0 = 0, t1, mb;

	if (n < 1 || n > MAX_STREAMS || sockaddr_of(argv[2], argv[3], &sa))
		return 2;
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		return die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, MAX_STREAMS))
		return die("bind/listen");
	ready(argc > 5 ? argv[5] : NULL);
	for (i = 0; i < n; i++) {
		st[i].fd = accept(ls, NULL, NULL);
		if (st[i].fd < 0)
			return die("accept");
		if (!i) {
			t0 = now();
			cpu_read(&c0);
		}
		if (pthread_create(&st[i].th, NULL, tcp_reader, &st[i]))
			return die("pthread_create");
	}
	for (i = 0; i < n; i++) {
		pthread_join(st[i].th, NULL);
		total += st[i].bytes;
	}
	t1 = now();
	cpu_read(&c1);
	close(ls);
	if (atomic_load(&failed))
		return 1;
	for (i = 0; i < n; i++)
		if (st[i].bytes < CHUNK) {
			fprintf(stderr, "netload: stream %d brought only %llu bytes\n", i, st[i].bytes);
			return 1;
		}
	mb = (double)total / 1e6;
	printf("tcp streams %d bytes %llu secs %.3f mbps %.1f cpu_us_per_mb %.1f ctxt_per_mb %.1f intr_per_mb %.1f\n",
	       n, total, t1 - t0, mb / (t1 - t0),
	       (double)(c1.busy - c0.busy) * 1e6 / (double)sysconf(_SC_CLK_TCK) / mb,
	       (double)(c1.ctxt - c0.ctxt) / mb, (double)(c1.intr - c0.intr) / mb);
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *tcp_writer(void *arg)
{
	struct stream *s = arg;
	unsigned long long off = 0;
	double end = now() + s->secs;
	char b;

	static uint8_t bad[CHUNK];
	const uint8_t *src;

	while (now() < end && !atomic_load(&failed)) {
		src = pat + off % PATLEN;
		if (s == s->first && corrupt_at >= 0 && (unsigned long long)corrupt_at >= off &&
		    (unsigned long long)corrupt_at < off + CHUNK) {
			memcpy(bad, src, CHUNK);
			bad[corrupt_at - off] ^= 0x20;
			src = bad;
		}
		if (write_all(s->fd, src, CHUNK)) {
			die("write");
			return NULL;
		}
		off += CHUNK;
	}
	s->bytes = off;
	shutdown(s->fd, SHUT_WR);
	/* the receiver closes once it has read (and checked) everything */
	while (read(s->fd, &b, 1) > 0)
		;
	close(s->fd);
	return NULL;
}

static int tcp_send(char **argv)
{
	static struct stream st[MAX_STREAMS];
	struct sockaddr_in sa;
	unsigned long long total = 0;
	int n = atoi(argv[4]), i, tries;
	double secs = atof(argv[5]);

	if (n < 1 || n > MAX_STREAMS || secs <= 0 || sockaddr_of(argv[2], argv[3], &sa))
		return 2;
	for (i = 0; i < n; i++) {
		for (tries = 0;; tries++) {
			st[i].fd = socket(AF_INET, SOCK_STREAM, 0);
			if (st[i].fd < 0)
				return die("socket");
			if (!connect(st[i].fd, (struct sockaddr *)&sa, sizeof(sa)))
				break;
			close(st[i].fd);
			if (tries >= 300)
				return die("connect");
			usleep(100000);
		}
		st[i].secs = secs;
		st[i].first = &st[0];
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&st[i].th, NULL, tcp_writer, &st[i]))
			return die("pthread_create");
	for (i = 0; i < n; i++) {
		pthread_join(st[i].th, NULL);
		total += st[i].bytes;
	}
	fprintf(stderr, "netload: sent %llu bytes on %d streams\n", total, n);
	return atomic_load(&failed) ? 1 : 0;
}

/* ---- UDP */

struct udp_hdr {
	uint64_t seq;
	uint32_t magic;
	uint32_t kind;		/* 0 data, UDP_END the end */
};

static int udp_recv(char **argv, int argc)
{
	struct sockaddr_in sa;
	struct udp_hdr h;
	struct cpu c0 = { 0 }, c1;
	struct timeval tv = { .tv_sec = 2 };
	uint32_t size = (uint32_t)atoi(argv[4]);
	uint8_t *buf, *seen = NULL;
	uint64_t pkts = 0, maxseq = 0, seen_len = 0, want;
	double t0 = 0, t1 = 0;
	int s, rcvbuf = 4 << 20;
	ssize_t n;

	if (size < sizeof(h) || size > 65000 || sockaddr_of(argv[2], argv[3], &sa))
		return 2;
	buf = malloc(size + 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (!buf || s < 0)
		return die("socket");
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("bind");
	ready(argc > 5 ? argv[5] : NULL);
	/* the first datagram: wait up to 60 s for the sender to start */
	for (int waited = 0;; waited += 2) {
		n = recv(s, buf, size + 1, 0);
		if (n >= 0)
			break;
		if ((errno != EAGAIN && errno != EINTR) || waited >= 60)
			return die("recv (nothing came)");
	}
	t0 = now();
	cpu_read(&c0);
	for (;;) {
		if (n != (ssize_t)size) {
			fprintf(stderr, "netload: datagram of %zd bytes, not %u\n", n, size);
			return 1;
		}
		memcpy(&h, buf, sizeof(h));
		if (h.magic != UDP_MAGIC) {
			fprintf(stderr, "netload: datagram without the magic word\n");
			return 1;
		}
		if (h.kind == UDP_END)
			break;
		if (h.kind || h.seq >= (1ull << 30) ||
		    memcmp(buf + sizeof(h), pat + h.seq % PATLEN, size - sizeof(h))) {
			fprintf(stderr, "netload: datagram %" PRIu64 " wrong\n", h.seq);
			return 1;
		}
		if (h.seq / 8 >= seen_len) {
			uint64_t nl = (h.seq / 8 + 1) * 2;

			seen = realloc(seen, nl);
			if (!seen)
				return die("realloc");
			memset(seen + seen_len, 0, nl - seen_len);
			seen_len = nl;
		}
		if (seen[h.seq / 8] & (1u << (h.seq % 8))) {
			fprintf(stderr, "netload: datagram %" PRIu64 " came twice\n", h.seq);
			return 1;
		}
		seen[h.seq / 8] |= (uint8_t)(1u << (h.seq % 8));
		pkts++;
		if (h.seq > maxseq)
			maxseq = h.seq;
		t1 = now();
		do
			n = recv(s, buf, size + 1, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			if (errno == EAGAIN)
				break;	/* 2 s of silence: the end markers were lost */
			return die("recv");
		}
	}
	cpu_read(&c1);
	if (!pkts || t1 <= t0) {
		fprintf(stderr, "netload: too few datagrams (%" PRIu64 ")\n", pkts);
		return 1;
	}
	want = maxseq + 1;
	printf("udp size %u pkts %" PRIu64 " lost %" PRIu64 " secs %.3f pps %.0f cpu_us_per_kpkt %.1f ctxt_per_kpkt %.2f intr_per_kpkt %.2f\n",
	       size, pkts, want - pkts, t1 - t0, (double)pkts / (t1 - t0),
	       (double)(c1.busy - c0.busy) * 1e6 / (double)sysconf(_SC_CLK_TCK) / ((double)pkts / 1e3),
	       (double)(c1.ctxt - c0.ctxt) / ((double)pkts / 1e3),
	       (double)(c1.intr - c0.intr) / ((double)pkts / 1e3));
	free(seen);
	free(buf);
	close(s);
	return 0;
}

static int udp_send(char **argv)
{
	static uint8_t bufs[UDP_BATCH][65000];
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	struct sockaddr_in sa;
	struct udp_hdr h;
	uint32_t size = (uint32_t)atoi(argv[4]);
	double secs = atof(argv[5]), end;
	uint64_t seq = 0, sent = 0, errs = 0;
	int s, i, r, sndbuf = 4 << 20;

	if (size < sizeof(h) || size > 65000 || secs <= 0 || sockaddr_of(argv[2], argv[3], &sa))
		return 2;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return die("socket");
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return die("connect");
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < UDP_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = size;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	h.magic = UDP_MAGIC;
	h.kind = 0;
	end = now() + secs;
	while (now() < end) {
		for (i = 0; i < UDP_BATCH; i++) {
			h.seq = seq + (uint64_t)i;
			memcpy(bufs[i], &h, sizeof(h));
			memcpy(bufs[i] + sizeof(h), pat + h.seq % PATLEN, size - sizeof(h));
			if ((long long)h.seq == corrupt_at)
				bufs[i][size - 1] ^= 0x20;
		}
		r = sendmmsg(s, mm, UDP_BATCH, 0);
		if (r < 0) {
			/* ENOBUFS/ECONNREFUSED: a full queue or an ICMP; count, go on */
			if (errno != ENOBUFS && errno != ECONNREFUSED && errno != EINTR)
				return die("sendmmsg");
			errs++;
			continue;
		}
		seq += (uint64_t)r;
		sent += (uint64_t)r;
	}
	h.seq = seq;
	h.kind = UDP_END;
	memset(bufs[0], 0, size);
	memcpy(bufs[0], &h, sizeof(h));
	for (i = 0; i < 5; i++) {
		if (send(s, bufs[0], size, 0) < 0 && errno != ENOBUFS && errno != ECONNREFUSED)
			return die("send");
		usleep(20000);
	}
	fprintf(stderr, "netload: sent %" PRIu64 " datagrams of %u bytes (%" PRIu64 " refused sends)\n",
		sent, size, errs);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = getenv("NETLOAD_CORRUPT");

	if (c && *c)
		corrupt_at = atoll(c);
	make_pattern();
	if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "tcp-recv"))
		return tcp_recv(argv, argc);
	if (argc == 6 && !strcmp(argv[1], "tcp-send"))
		return tcp_send(argv);
	if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "udp-recv"))
		return udp_recv(argv, argc);
	if (argc == 6 && !strcmp(argv[1], "udp-send"))
		return udp_send(argv);
	fprintf(stderr, "usage: netload tcp-recv ADDR PORT STREAMS [READYFILE]\n"
			"       netload tcp-send ADDR PORT STREAMS SECS\n"
			"       netload udp-recv ADDR PORT SIZE [READYFILE]\n"
			"       netload udp-send ADDR PORT SIZE SECS\n");
	return 2;
}
