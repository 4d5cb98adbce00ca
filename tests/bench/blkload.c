// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkload: a small block-device load generator for the storage benchmark
 * (tests/bench/vm-stor.sh, `make bench-stor`). It runs in the VM.
 *
 *   blkload DEV PATTERN BS QD JOBS SECS
 *
 * PATTERN is randread, randwrite, read or write (the last two sequential);
 * BS the request size in bytes (a multiple of 4096); QD the requests in
 * flight per job; JOBS threads, job i pinned to CPU i modulo the CPUs.
 * Every job opens DEV with O_DIRECT and keeps QD requests in flight through
 * Linux native AIO (io_setup/io_submit/io_getevents), for SECS seconds,
 * then waits for what is still in flight. Random offsets cover the whole
 * device; sequential jobs each walk their own slice of it and wrap.
 *
 * One line on stdout:
 *   DEV PATTERN BS QD JOBS ios N secs S iops X mbps Y cpu_us_per_io C
 *   ctxt_per_io W intr_per_io I
 * (from /proc/stat over the run, divided by the completed requests: the
 * busy time of all CPUs, the context switches, the interrupts).
 *
 *   blkload --profile
 *
 * prints the buckets of the kernel's tick profile that were hit. A failed or short request, or any
 * failed system call, ends it with exit status 1 and a message on stderr;
 * the speed never does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_QD		256
#define MAX_JOBS	16

struct job {
	pthread_t thr;
	unsigned int index;
	int fd;
	bool write, random;
	uint64_t bs, dev_bytes, slice_start, slice_len, next;
	unsigned int qd;
	uint64_t rnd;
	uint64_t done;
	int err;
	char msg[160];
};

static const char *dev;
static double secs;
static pthread_barrier_t start_barrier;
static struct timespec t_start;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static uint64_t next_offset(struct job *j)
{
	uint64_t off;

	if (j->random)
		return (xorshift(&j->rnd) % (j->dev_bytes / j->bs)) * j->bs;
	off = j->slice_start + j->next;
	j->next += j->bs;
	if (j->next + j->bs > j->slice_len)
		j->next = 0;
	return off;
}

static void prep(struct job *j, struct iocb *cb, void *buf, unsigned int slot)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_data = slot;
	cb->aio_lio_opcode = j->write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	cb->aio_fildes = j->fd;
	cb->aio_buf = (uintptr_t)buf;
	cb->aio_nbytes = j->bs;
	cb->aio_offset = next_offset(j);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	aio_context_t ctx = 0;
	struct iocb cbs[MAX_QD], *ptrs[MAX_QD];
	struct io_event ev[MAX_QD];
	unsigned char *bufs = NULL;
	unsigned int i, inflight = 0;
	bool stopping = false;
	double end;
	cpu_set_t set;
	long n;

	CPU_ZERO(&set);
	CPU_SET(j->index % (unsigned int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (posix_memalign((void **)&bufs, 4096, j->bs * j->qd)) {
		snprintf(j->msg, sizeof(j->msg), "out of memory");
		j->err = 1;
	} else {
		/* not zeros: a write of zeros could be cheaper somewhere */
		for (i = 0; i < j->bs * j->qd; i += 8) {
			uint64_t v = xorshift(&j->rnd);

			memcpy(bufs + i, &v, 8);
		}
	}
	if (!j->err && syscall(SYS_io_setup, j->qd, &ctx)) {
		snprintf(j->msg, sizeof(j->msg), "io_setup: %s", strerror(errno));
		j->err = 1;
	}
	pthread_barrier_wait(&start_barrier);
	if (j->err)
		goto out;
	end = t_start.tv_sec + t_start.tv_nsec / 1e9 + secs;
	for (i = 0; i < j->qd; i++) {
		prep(j, &cbs[i], bufs + (uint64_t)i * j->bs, i);
		ptrs[i] = &cbs[i];
	}
	n = syscall(SYS_io_submit, ctx, (long)j->qd, ptrs);
	if (n != (long)j->qd) {
		snprintf(j->msg, sizeof(j->msg), "io_submit: %ld of %u: %s", n, j->qd,
			 n < 0 ? strerror(errno) : "short");
		j->err = 1;
		inflight = n > 0 ? n : 0;
		stopping = true;
	} else {
		inflight = j->qd;
	}
	while (inflight) {
		unsigned int resub = 0;
		long k;

		n = syscall(SYS_io_getevents, ctx, 1L, (long)MAX_QD, ev, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(j->msg, sizeof(j->msg), "io_getevents: %s", strerror(errno));
			j->err = 1;
			break;
		}
		if (!stopping && now() >= end)
			stopping = true;
		for (k = 0; k < n; k++) {
			unsigned int slot = ev[k].data;

			inflight--;
			if (ev[k].res != (int64_t)j->bs) {
				if (!j->err)
					snprintf(j->msg, sizeof(j->msg), "%s at %llu: result %lld (%s)",
						 j->write ? "write" : "read",
						 (unsigned long long)cbs[slot].aio_offset,
						 (long long)ev[k].res,
						 ev[k].res < 0 ? strerror((int)-ev[k].res) : "short");
				j->err = 1;
				stopping = true;
				continue;
			}
			j->done++;
			if (stopping)
				continue;
			prep(j, &cbs[slot], bufs + (uint64_t)slot * j->bs, slot);
			ptrs[resub++] = &cbs[slot];
		}
		if (resub) {
			n = syscall(SYS_io_submit, ctx, (long)resub, ptrs);
			if (n > 0)
				inflight += n;
			if (n != (long)resub) {
				snprintf(j->msg, sizeof(j->msg), "io_submit: %ld of %u: %s", n, resub,
					 n < 0 ? strerror(errno) : "short");
				j->err = 1;
				stopping = true;
			}
		}
	}
out:
	if (ctx)
		syscall(SYS_io_destroy, ctx);
	free(bufs);
	return NULL;
}

/*
 * From /proc/stat: busy jiffies of all CPUs (everything but idle and
 * iowait), context switches and interrupts so far.
 */
struct sys_counts {
	unsigned long long busy, ctxt, intr;
};

static int sys_counts(struct sys_counts *c)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	int n = 0, got = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4)) {
			n = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
				   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
				   &v[9]);
			if (n >= 8)
				got |= 1;
		} else if (sscanf(line, "ctxt %llu", &c->ctxt) == 1) {
			got |= 2;
		} else if (sscanf(line, "intr %llu", &c->intr) == 1) {
			got |= 4;
		}
	}
	fclose(f);
	c->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return got == 7 ? 0 : -1;
}

/*
 * --profile: the kernel's tick profile (/proc/profile, boot with profile=N)
 * as "BUCKET COUNT" lines for the buckets hit; the first word of the file
 * is the shift, printed as "shift N".
 */
static int profile_dump(void)
{
	FILE *f = fopen("/proc/profile", "r");
	unsigned int v, i = 0;

	if (!f) {
		fprintf(stderr, "blkload: /proc/profile: %s\n", strerror(errno));
		return 1;
	}
	while (fread(&v, sizeof(v), 1, f) == 1) {
		if (i == 0)
			printf("step %u\n", v);
		else if (v)
			printf("%u %u\n", i - 1, v);
		i++;
	}
	printf("buckets %u\n", i ? i - 1 : 0);
	fclose(f);
	return 0;
}

static unsigned long num(const char *s, const char *what, unsigned long min, unsigned long max)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 0);
	if (errno || e == s || *e || v < min || v > max) {
		fprintf(stderr, "blkload: bad %s '%s' (%lu..%lu)\n", what, s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static struct job jobs[MAX_JOBS];
	struct sys_counts c0, c1;
	unsigned int i, njobs, qd;
	uint64_t bs, size, total = 0;
	const char *pat;
	bool write, random;
	double t0, t1, el;
	struct stat st;
	int fd, rc = 0;

	if (argc == 2 && !strcmp(argv[1], "--profile"))
		return profile_dump();
	if (argc != 7) {
		fprintf(stderr, "usage: blkload DEV randread|randwrite|read|write BS QD JOBS SECS\n");
		return 2;
	}
	dev = argv[1];
	pat = argv[2];
	if (!strcmp(pat, "randread") || !strcmp(pat, "randwrite") || !strcmp(pat, "read") ||
	    !strcmp(pat, "write")) {
		random = !strncmp(pat, "rand", 4);
		write = strstr(pat, "write") != NULL;
	} else {
		fprintf(stderr, "blkload: unknown pattern '%s'\n", pat);
		return 2;
	}
	bs = num(argv[3], "block size", 4096, 64UL << 20);
	if (bs % 4096) {
		fprintf(stderr, "blkload: block size %" PRIu64 " is not a multiple of 4096\n", bs);
		return 2;
	}
	qd = num(argv[4], "queue depth", 1, MAX_QD);
	njobs = num(argv[5], "job count", 1, MAX_JOBS);
	secs = num(argv[6], "seconds", 1, 3600);

	fd = open(dev, (write ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		size = st.st_size;		/* a file: for trying it out */
	else if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &size))
		fd = -1;
	if (fd < 0) {
		fprintf(stderr, "blkload: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (size < bs * njobs * 2) {
		fprintf(stderr, "blkload: %s is too small (%" PRIu64 " bytes)\n", dev, size);
		return 1;
	}
	if (pthread_barrier_init(&start_barrier, NULL, njobs + 1))
		return 1;
	for (i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];

		j->index = i;
		j->fd = fd;
		j->write = write;
		j->random = random;
		j->bs = bs;
		j->qd = qd;
		j->dev_bytes = size;
		j->slice_len = size / njobs / bs * bs;
		j->slice_start = j->slice_len * i;
		j->rnd = 0x9e3779b97f4a7c15ULL * (i + 1) ^ (uint64_t)getpid();
		if (pthread_create(&j->thr, NULL, run_job, j)) {
			fprintf(stderr, "blkload: cannot start job %u\n", i);
			return 1;
		}
	}
	if (sys_counts(&c0)) {
		fprintf(stderr, "blkload: cannot read /proc/stat\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	t0 = now();
	pthread_barrier_wait(&start_barrier);
	for (i = 0; i < njobs; i++) {
		pthread_join(jobs[i].thr, NULL);
		total += jobs[i].done;
		if (jobs[i].err) {
			fprintf(stderr, "blkload: %s job %u: %s\n", dev, i, jobs[i].msg);
			rc = 1;
		}
	}
	t1 = now();
	if (sys_counts(&c1)) {
		fprintf(stderr, "blkload: cannot read /proc/stat\n");
		return 1;
	}
	el = t1 - t0;
	printf("%s %s %" PRIu64 " %u %u ios %" PRIu64 " secs %.3f iops %.0f mbps %.1f cpu_us_per_io %.1f ctxt_per_io %.2f intr_per_io %.2f\n",
	       dev, pat, bs, qd, njobs, total, el, total / el, total * (double)bs / el / 1e6,
	       total ? (c1.busy - c0.busy) * 1e6 / sysconf(_SC_CLK_TCK) / total : 0.0,
	       total ? (double)(c1.ctxt - c0.ctxt) / total : 0.0,
	       total ? (double)(c1.intr - c0.intr) / total : 0.0);
	close(fd);
	return rc;
}
