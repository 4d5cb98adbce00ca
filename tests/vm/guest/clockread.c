// SPDX-License-Identifier: GPL-2.0-only
/*
 * clockread [DEVICE]: print the wall clock and the monotonic clock as
 * "real_ms R mono_ms M" (milliseconds; busybox date has only seconds);
 * with a PTP device (/dev/ptpN), read that clock first and print
 * "ptp_ms P real_ms R mono_ms M offset_ms O" (O: PTP minus wall clock).
 * Exits 1 with a message when a clock cannot be read. Used by the VM
 * scenarios (VM_GUEST_TOOLS="clockread").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A dynamic POSIX clock id from a file descriptor (clock_gettime(2)). */
#define FD_TO_CLOCKID(fd)	((~(clockid_t)(fd) << 3) | 3)

static long long ms(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct timespec p, r, m;
	int fd = -1;

	if (argc > 2) {
		fprintf(stderr, "usage: clockread [/dev/ptpN]\n");
		return 2;
	}
	if (argc == 2) {
		fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "clockread: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		if (clock_gettime(FD_TO_CLOCKID(fd), &p)) {
			fprintf(stderr, "clockread: %s: clock_gettime: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
	}
	if (clock_gettime(CLOCK_REALTIME, &r) || clock_gettime(CLOCK_MONOTONIC, &m)) {
		fprintf(stderr, "clockread: clock_gettime: %s\n", strerror(errno));
		return 1;
	}
	if (fd >= 0)
		printf("ptp_ms %lld real_ms %lld mono_ms %lld offset_ms %lld\n", ms(&p), ms(&r),
		       ms(&m), ms(&p) - ms(&r));
	else
		printf("real_ms %lld mono_ms %lld\n", ms(&r), ms(&m));
	return 0;
}
