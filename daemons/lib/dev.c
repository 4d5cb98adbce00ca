// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd: the device. /dev/vmbus/hv_kvp and friends are character devices
 * (hv_utils_transport in the kernel) where each read() returns one whole
 * message and each write() takes one. For tests, PATH may be a unix socket:
 * we connect to it as SOCK_SEQPACKET, which has the same message semantics.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvd.h"

static int connect_seqpacket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int hvd_dev_open(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode))
		return connect_seqpacket(path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

ssize_t hvd_dev_read(int fd, void *buf, size_t cap)
{
	ssize_t n = read(fd, buf, cap);

	return n < 0 ? -errno : n;
}

int hvd_dev_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int hvd_dev_register(const struct hvd_log *log, const char *device,
		     const void *reg, size_t len)
{
	int fd = hvd_dev_open(device), err;

	if (fd < 0) {
		hvd_log(log, LOG_ERR, "cannot open %s: %s", device, strerror(-fd));
		return -1;
	}
	err = hvd_dev_write(fd, reg, len);
	if (err < 0) {
		hvd_log(log, LOG_ERR, "registering with the kernel through %s failed: %s",
			device, strerror(-err));
		close(fd);
		return -1;
	}
	return fd;
}
