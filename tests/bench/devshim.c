// SPDX-License-Identifier: GPL-2.0-only
/*
 * devshim: an LD_PRELOAD library that stands in for /dev/vmbus/hv_kvp.
 *
 * A daemon that opens the fixed device path (the in-box hv_kvp_daemon has
 * no option to open anything else) gets a unix SOCK_SEQPACKET socket
 * connected to $HVLIS_DEVSHIM_SOCKET instead. Such a socket keeps message
 * boundaries the way the kernel's character device does: each read()
 * returns one whole message, each write() sends one, poll() says POLLIN
 * when a message waits. It is the same kind of socket hvlis's own daemons
 * connect to when given --device <socket> in tests, so both daemons talk
 * to the fake kernel over identical transports.
 *
 * Only exact matches of $HVLIS_DEVSHIM_PATH (default /dev/vmbus/hv_kvp)
 * are redirected; every other open goes to libc unchanged. When the socket
 * cannot be reached the open fails (ENODEV, like a missing driver).
 *
 * Why not CUSE: a character device in userspace needs /dev/cuse (the cuse
 * module), which the kernels this runs on in CI do not provide and which
 * cannot be loaded there.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_PATH "/dev/vmbus/hv_kvp"

/* Exported; each one looks the real function up on first use. */
int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

static int redirected(const char *path)
{
	const char *dev = getenv("HVLIS_DEVSHIM_PATH");

	return path && strcmp(path, dev && *dev ? dev : DEFAULT_PATH) == 0;
}

/* The stand-in: a connected SOCK_SEQPACKET socket, or -1 with errno. */
static int shim_open(int flags)
{
	const char *sock = getenv("HVLIS_DEVSHIM_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int type = SOCK_SEQPACKET, fd, err;

	if (!sock || !*sock || strlen(sock) >= sizeof(sa.sun_path)) {
		errno = ENODEV;
		return -1;
	}
	if ((flags & O_ACCMODE) != O_RDWR) {
		/* the real device is only ever opened read-write */
		errno = EINVAL;
		return -1;
	}
	if (flags & O_CLOEXEC)
		type |= SOCK_CLOEXEC;
	if (flags & O_NONBLOCK)
		type |= SOCK_NONBLOCK;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		errno = err == ECONNREFUSED ? ENODEV : err;
		return -1;
	}
	return fd;
}

static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f)
		abort();	/* libc without it: nothing sensible to do */
	return f;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
		(mode_t)va_arg(ap, unsigned int) : 0;
}

#define OPEN_LIKE(name)							\
int name(const char *path, int flags, ...)				\
{									\
	static int (*f)(const char *, int, ...);			\
	va_list ap;							\
	mode_t mode;							\
									\
	if (redirected(path))						\
		return shim_open(flags);				\
	va_start(ap, flags);						\
	mode = mode_arg(flags, ap);					\
	va_end(ap);							\
	if (!f)								\
		f = real(#name);					\
	return f(path, flags, mode);					\
}

#define OPENAT_LIKE(name)						\
int name(int dirfd, const char *path, int flags, ...)			\
{									\
	static int (*f)(int, const char *, int, ...);			\
	va_list ap;							\
	mode_t mode;							\
									\
	if (redirected(path))						\
		return shim_open(flags);				\
	va_start(ap, flags);						\
	mode = mode_arg(flags, ap);					\
	va_end(ap);							\
	if (!f)								\
		f = real(#name);					\
	return f(dirfd, path, flags, mode);				\
}

#define OPEN2_LIKE(name)						\
int name(const char *path, int flags)					\
{									\
	static int (*f)(const char *, int);				\
									\
	if (redirected(path))						\
		return shim_open(flags);				\
	if (!f)								\
		f = real(#name);					\
	return f(path, flags);						\
}

#define OPENAT2_LIKE(name)						\
int name(int dirfd, const char *path, int flags)			\
{									\
	static int (*f)(int, const char *, int);			\
									\
	if (redirected(path))						\
		return shim_open(flags);				\
	if (!f)								\
		f = real(#name);					\
	return f(dirfd, path, flags);					\
}

OPEN_LIKE(open)
OPEN_LIKE(open64)
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)
OPEN2_LIKE(__open_2)
OPEN2_LIKE(__open64_2)
OPENAT2_LIKE(__openat_2)
OPENAT2_LIKE(__openat64_2)
