// SPDX-License-Identifier: GPL-2.0-only
/*
 * storverify DEVICE OPS WORKERS SEED: a random read/write verify run on a
 * block device, with O_DIRECT so that every operation reaches the driver.
 * WORKERS processes each own an equal slice of the device and do OPS
 * operations on it: writes and reads (about half each) of 1..512 sectors
 * (512 B..256 KiB) at random sector offsets. A write stamps every sector
 * with its number, the writing pass and the seed; a read checks every
 * sector written before. At the end each worker reads its whole slice
 * back and checks it. Sectors never written are not checked.
 *
 * Prints one line per worker, "storverify: worker W ops N writes X reads Y
 * bytes B mismatches M errors E", and exits 1 on any mismatch or I/O error
 * (the first few are described on stderr). Used by the VM scenarios
 * (VM_GUEST_TOOLS="storverify").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECTOR		512u
#define MAX_SECTORS	512u

static uint64_t rng;

static uint64_t next_rand(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void stamp(uint8_t *buf, uint64_t sector, uint32_t pass, uint64_t seed)
{
	uint64_t w[SECTOR / 8];
	unsigned int i;

	for (i = 0; i < SECTOR / 8; i++)
		w[i] = (sector << 24) ^ ((uint64_t)pass << 8) ^ (seed * 0x9e3779b97f4a7c15ull) ^ i;
	memcpy(buf, w, SECTOR);
}

struct worker {
	int fd, id;
	uint64_t first, count;	/* its sectors */
	uint32_t *pass;		/* per sector: 0 never written */
	uint32_t next_pass;
	uint64_t seed;
	uint8_t *buf, *want;
	unsigned long ops, writes, reads, mismatches, errors;
	unsigned long long bytes;
};

static void complain(struct worker *w, const char *what, uint64_t sector, long err)
{
	if (w->mismatches + w->errors <= 5)
		fprintf(stderr, "storverify: worker %d: %s at sector %" PRIu64 " (%ld)\n", w->id, what,
			sector, err);
}

static void do_write(struct worker *w, uint64_t s, unsigned int n)
{
	unsigned int i;
	ssize_t r;

	w->next_pass++;
	for (i = 0; i < n; i++)
		stamp(w->buf + i * SECTOR, s + i, w->next_pass, w->seed);
	r = pwrite(w->fd, w->buf, n * SECTOR, (off_t)s * SECTOR);
	if (r != (ssize_t)(n * SECTOR)) {
		w->errors++;
		complain(w, "write failed", s, r < 0 ? -errno : r);
		/* The sectors' contents are unknown now. */
		for (i = 0; i < n; i++)
			w->pass[s - w->first + i] = 0;
		return;
	}
	for (i = 0; i < n; i++)
		w->pass[s - w->first + i] = w->next_pass;
	w->writes++;
	w->bytes += n * SECTOR;
}

static void do_read(struct worker *w, uint64_t s, unsigned int n)
{
	unsigned int i;
	uint32_t p;
	ssize_t r;

	r = pread(w->fd, w->buf, n * SECTOR, (off_t)s * SECTOR);
	if (r != (ssize_t)(n * SECTOR)) {
		w->errors++;
		complain(w, "read failed", s, r < 0 ? -errno : r);
		return;
	}
	for (i = 0; i < n; i++) {
		p = w->pass[s - w->first + i];
		if (!p)
			continue;
		stamp(w->want, s + i, p, w->seed);
		if (memcmp(w->want, w->buf + i * SECTOR, SECTOR)) {
			w->mismatches++;
			complain(w, "data mismatch", s + i, p);
		}
	}
	w->reads++;
	w->bytes += n * SECTOR;
}

static int run(struct worker *w, unsigned long ops)
{
	uint64_t s;
	unsigned int n;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		n = 1 + next_rand() % MAX_SECTORS;
		if (n > w->count)
			n = w->count;
		s = w->first + next_rand() % (w->count - n + 1);
		if (next_rand() & 1)
			do_write(w, s, n);
		else
			do_read(w, s, n);
		w->ops++;
	}
	for (s = w->first; s < w->first + w->count; s += n) {
		n = MAX_SECTORS;
		if (s + n > w->first + w->count)
			n = w->first + w->count - s;
		do_read(w, s, n);
	}
	printf("storverify: worker %d ops %lu writes %lu reads %lu bytes %llu mismatches %lu errors %lu\n",
	       w->id, w->ops, w->writes, w->reads, w->bytes, w->mismatches, w->errors);
	fflush(stdout);
	return w->mismatches || w->errors;
}

int main(int argc, char **argv)
{
	unsigned long ops, workers, i;
	uint64_t size, sectors, slice;
	int fd, status, bad = 0;
	struct worker w;
	pid_t pid;

	if (argc != 5) {
		fprintf(stderr, "usage: storverify DEVICE OPS WORKERS SEED\n");
		return 2;
	}
	ops = strtoul(argv[2], NULL, 0);
	workers = strtoul(argv[3], NULL, 0);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size)) {
		fprintf(stderr, "storverify: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	sectors = size / SECTOR;
	if (!workers || workers > 16 || sectors / workers < MAX_SECTORS) {
		fprintf(stderr, "storverify: bad worker count or device too small\n");
		return 2;
	}
	slice = sectors / workers;
	for (i = 0; i < workers; i++) {
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid)
			continue;
		memset(&w, 0, sizeof(w));
		w.fd = fd;
		w.id = i;
		w.first = i * slice;
		w.count = slice;
		w.seed = strtoull(argv[4], NULL, 0) + i;
		rng = w.seed * 0x2545f4914f6cdd1dull + 1;
		w.pass = calloc(slice, sizeof(*w.pass));
		if (!w.pass || posix_memalign((void **)&w.buf, 4096, MAX_SECTORS * SECTOR) ||
		    posix_memalign((void **)&w.want, 4096, SECTOR)) {
			fprintf(stderr, "storverify: out of memory\n");
			_exit(1);
		}
		_exit(run(&w, ops));
	}
	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}
