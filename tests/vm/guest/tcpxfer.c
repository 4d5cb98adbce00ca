// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcpxfer: move a file over one TCP connection, for the net-* scenarios
 * (VM_GUEST_TOOLS="tcpxfer"; busybox nc stops short and its wget needs a
 * resolver a static binary does not have).
 *
 *   tcpxfer recv ADDR PORT FILE   listen on ADDR:PORT, take one connection,
 *                                 write everything it sends to FILE
 *   tcpxfer send ADDR PORT FILE   connect (retrying for up to 30 s), send
 *                                 FILE, shut down the sending side, wait
 *                                 for the receiver to close
 *
 * ADDR is an IPv4 or an IPv6 address (a colon in it says which).
 * Exits 0 once every byte went through, 1 on any error (said on stderr).
 * The receiver prints the bytes it wrote on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "tcpxfer: %s: %s\n", what, strerror(errno));
	return 1;
}

static int write_all(int fd, const char *p, size_t n)
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

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_storage sa;
	struct sockaddr_in *sa4 = (struct sockaddr_in *)&sa;
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)&sa;
	unsigned short port;
	socklen_t salen;
	long long total = 0;
	int s, c, fd, one = 1, tries, af, ok;
	ssize_t n;

	if (argc != 5 || (strcmp(argv[1], "recv") && strcmp(argv[1], "send"))) {
		fprintf(stderr, "usage: tcpxfer recv|send ADDR PORT FILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	port = htons((unsigned short)atoi(argv[3]));
	af = strchr(argv[2], ':') ? AF_INET6 : AF_INET;
	if (af == AF_INET6) {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = port;
		ok = inet_pton(AF_INET6, argv[2], &sa6->sin6_addr);
		salen = sizeof(*sa6);
	} else {
		sa4->sin_family = AF_INET;
		sa4->sin_port = port;
		ok = inet_pton(AF_INET, argv[2], &sa4->sin_addr);
		salen = sizeof(*sa4);
	}
	if (ok != 1) {
		fprintf(stderr, "tcpxfer: bad address %s\n", argv[2]);
		return 1;
	}
	s = socket(af, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket");
	if (!strcmp(argv[1], "recv")) {
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&sa, salen) || listen(s, 1))
			return die("bind/listen");
		c = accept(s, NULL, NULL);
		if (c < 0)
			return die("accept");
		fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return die(argv[4]);
		while ((n = read(c, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return die("read");
			if (write_all(fd, buf, (size_t)n))
				return die("write");
			total += n;
		}
		if (close(fd))
			return die("close");
		close(c);
		printf("%lld\n", total);
		return 0;
	}
	for (tries = 0; connect(s, (struct sockaddr *)&sa, salen); tries++) {
		if (tries >= 300)
			return die("connect");
		close(s);
		usleep(100000);
		s = socket(af, SOCK_STREAM, 0);
		if (s < 0)
			return die("socket");
	}
	fd = open(argv[4], O_RDONLY);
	if (fd < 0)
		return die(argv[4]);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("read");
		if (write_all(s, buf, (size_t)n))
			return die("send");
	}
	if (shutdown(s, SHUT_WR))
		return die("shutdown");
	/* The receiver closes once it has everything. */
	while ((n = read(s, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		return die("read after shutdown");
	return 0;
}
