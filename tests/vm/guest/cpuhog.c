// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuhog CPU MS [FILE]: take CPU for MS milliseconds at SCHED_FIFO 99, busy in
 * user mode (VM_GUEST_TOOLS="cpuhog", scenario faults-teardown). Nothing
 * of lower priority runs on CPU meanwhile (ksoftirqd, kworkers), while the
 * CPU, being in user mode, does not hold up RCU grace periods (with
 * nohz_full covering CPU). Set /proc/sys/kernel/sched_rt_runtime_us to -1
 * first, or RT throttling lets the others in.
 *
 * It takes the priority before it moves to CPU: a CPU busy with interrupts
 * off runs it before anything else once it can schedule. With FILE, it
 * first waits (up to 60 s) until FILE reads "0", polling each millisecond:
 * a fork or exec at that moment might wait for the busy CPU (TLB flushes).
 * Prints "cpuhog: ..." and exits 0, or "FAIL: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

static int fail(const char *what)
{
	printf("FAIL: cpuhog: %s: %s\n", what, strerror(errno));
	return 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* wait until path reads "0" */
static int wait_zero(const char *path)
{
	struct timespec ms1 = { 0, 1000000 };
	long long end = now_ms() + 60000;
	char c;
	int fd;

	while (now_ms() < end) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail(path);
		if (read(fd, &c, 1) == 1 && c == '0') {
			close(fd);
			return 0;
		}
		close(fd);
		nanosleep(&ms1, NULL);
	}
	errno = ETIMEDOUT;
	return fail(path);
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 99 };
	long long end, ms;
	cpu_set_t set;
	char *e1, *e2;
	long cpu;

	if (argc != 3 && argc != 4)
		return printf("usage: cpuhog CPU MS [FILE]\n"), 2;
	cpu = strtol(argv[1], &e1, 10);
	ms = strtoll(argv[2], &e2, 10);
	if (*e1 || *e2 || cpu < 0 || cpu >= CPU_SETSIZE || ms <= 0 || ms > 60000)
		return printf("usage: cpuhog CPU MS [FILE]\n"), 2;
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return fail("sched_setscheduler");
	if (argc == 4 && wait_zero(argv[3]))
		return 1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail("sched_setaffinity");
	end = now_ms() + ms;
	/* clock_gettime is in the vDSO: no system call, the CPU stays in user mode */
	while (now_ms() < end)
		;
	printf("cpuhog: CPU %d held %lld ms\n", sched_getcpu(), ms);
	return 0;
}
