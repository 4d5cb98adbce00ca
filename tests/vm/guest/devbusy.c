// SPDX-License-Identifier: GPL-2.0-only
/*
 * devbusy SERVICE MODE: a daemon's side of /dev/vmbus/hv_vss or hv_fcopy
 * while a second opener knocks (VM_GUEST_TOOLS="devbusy", scenario
 * ic-relay). SERVICE is vss or fcopy.
 *
 *   handshake  register without reading the kernel's answer; a second open
 *              must fail with EBUSY; then the answer must still be there.
 *   request    register and read the answer; wait (up to 60 s) until a host
 *              request is there to read; a second open must fail with EBUSY
 *              (three times); then the request must still be there: read
 *              it and answer it with success.
 *
 * Prints "ok: ..." lines and exits 0, or "FAIL: ..." and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../../../modules/include/hvlis/uapi/vss.h"
#include "../../../modules/include/hvlis/uapi/fcopy.h"

static int fail(const char *what)
{
	printf("FAIL: %s: %s\n", what, errno ? strerror(errno) : "unexpected result");
	return 1;
}

/* A second opener: must be refused with EBUSY, and change nothing. */
static int second_open(const char *dev)
{
	int fd;

	errno = 0;
	fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		errno = 0;
		return fail("a second open succeeded");
	}
	if (errno != EBUSY)
		return fail("a second open did not fail with EBUSY");
	printf("ok: a second open failed with EBUSY\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t reg[VSS_MSG_SIZE], ans[VSS_MSG_SIZE], buf[FCOPY_MAX_MSG];
	uint32_t v, want;
	const char *dev;
	size_t reg_len, ans_len;
	struct pollfd p;
	ssize_t n;
	int fd, i;

	if (argc != 3)
		return fprintf(stderr, "usage: devbusy vss|fcopy handshake|request\n"), 2;
	memset(reg, 0, sizeof(reg));
	memset(ans, 0, sizeof(ans));
	if (!strcmp(argv[1], "vss")) {
		dev = "/dev/vmbus/hv_vss";
		reg[0] = VSS_OP_REGISTER1;
		reg_len = VSS_MSG_SIZE;
		want = VSS_OP_REGISTER1;
		ans_len = VSS_MSG_SIZE;	/* error 0: success */
	} else if (!strcmp(argv[1], "fcopy")) {
		dev = "/dev/vmbus/hv_fcopy";
		v = FCOPY_VERSION_1;
		memcpy(reg, &v, sizeof(v));
		reg_len = sizeof(v);
		want = FCOPY_CURRENT_VERSION;
		ans_len = sizeof(uint32_t);	/* status 0: success */
	} else {
		return fprintf(stderr, "devbusy: unknown service %s\n", argv[1]), 2;
	}
	errno = 0;
	fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fail("open");
	if (write(fd, reg, reg_len) != (ssize_t)reg_len)
		return fail("register");
	if (!strcmp(argv[2], "handshake") && second_open(dev))
		return 1;
	errno = 0;
	n = read(fd, buf, sizeof(buf));
	if (n != sizeof(v))
		return fail("the kernel's answer to the register message is gone");
	memcpy(&v, buf, sizeof(v));
	if (v != want)
		return errno = 0, fail("the kernel's answer is not its version");
	printf("ok: registered, the kernel answered %u\n", v);
	if (strcmp(argv[2], "request"))
		return 0;

	p.fd = fd;
	p.events = POLLIN;
	errno = 0;
	if (poll(&p, 1, 60000) != 1)
		return fail("no host request within 60 s");
	for (i = 0; i < 3; i++)
		if (second_open(dev))
			return 1;
	errno = 0;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return fail("the host request is gone after a second open");
	printf("ok: read a request of %zd bytes, operation %u\n", n, buf[0]);
	if (write(fd, ans, ans_len) != (ssize_t)ans_len)
		return fail("answer");
	printf("ok: answered\n");
	return 0;
}
