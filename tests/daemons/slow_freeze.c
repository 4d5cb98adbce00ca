// SPDX-License-Identifier: GPL-2.0-only
/*
 * slow_freeze.so: an LD_PRELOAD shim for the VSS tests (never installed)
 * that makes every successful FIFREEZE slow, as a freeze with a lot of
 * dirty data to write out is. The real ioctl freezes; then, before the
 * call returns, the shim appends the frozen directory's path and a newline
 * to $HVLIS_SLOW_FREEZE_LOG (so the test knows the daemon is inside the
 * call, with the file system already frozen) and sleeps
 * $HVLIS_SLOW_FREEZE_MS milliseconds. Every other ioctl goes straight
 * through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static void note(int fd)
{
	const char *log = getenv("HVLIS_SLOW_FREEZE_LOG");
	char link[64], path[PATH_MAX + 1];
	ssize_t n;
	int lfd;

	if (!log)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		n = 0;
	path[n++] = '\n';
	lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (lfd >= 0) {
		if (write(lfd, path, (size_t)n) != n)
			n = 0;
		close(lfd);
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	static ioctl_fn real;
	const char *ms = getenv("HVLIS_SLOW_FREEZE_MS");
	struct timespec ts;
	va_list ap;
	void *arg;
	long v;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	if (!real)
		abort();
	r = real(fd, req, arg);
	if (req == (unsigned long)FIFREEZE && r == 0 && ms) {
		note(fd);
		v = strtol(ms, NULL, 10);
		ts.tv_sec = v / 1000;
		ts.tv_nsec = (v % 1000) * 1000000;
		while (nanosleep(&ts, &ts) < 0)
			;
	}
	return r;
}
