// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest: a minimal unit-test harness for the hvlis userspace tests.
 *
 *   #define HVTEST_SUITE "ring"
 *   #include "hvtest.h"
 *
 *   TEST(empty_ring_reads_eagain)
 *   {
 *           CHECK_EQ(hvlis_ring_peek(&r, &d, &len), -EAGAIN);
 *   }
 *
 *   HVTEST_MAIN()
 *
 * Include it before any other header (it selects POSIX declarations).
 *
 * The runner prints exactly one line per case, in source order:
 *   PASS: <prefix><suite>/<case>
 *   FAIL: <prefix><suite>/<case>: <file>:<line>: <what failed>
 * and exits 1 if any case failed. <prefix> comes from the environment
 * variable HVTEST_PREFIX (e.g. "asan/", "valgrind/"), so one binary built
 * several ways reports distinct case names.
 *
 * Each case runs in a forked child, so a case that crashes, trips a
 * sanitizer, makes valgrind report an error, leaks, or hangs (HVTEST_TIMEOUT
 * seconds, default 300) is reported as a FAIL of that case and the others
 * still run. HVTEST_NOFORK=1 runs the cases in-process (for debuggers).
 * A command-line argument selects the cases whose name contains it.
 *
 * Checks do not stop the case; the first failure's location and values are
 * reported, plus how many further checks failed. Every CHECK* evaluates to
 * true when it held, so "if (!CHECK(p)) return;" guards what follows.
 */
#ifndef HVTEST_H
#define HVTEST_H

#ifndef HVTEST_SUITE
#error "define HVTEST_SUITE before including hvtest.h"
#endif

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L	/* fork, pipe, strsignal under -std=c11 */
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hvtest_case {
	const char *name;
	void (*fn)(void);
	int line;
};

#define HVTEST_MAX_CASES 1024
#define HVTEST_REASON_LEN 768

static struct hvtest_case hvtest_cases[HVTEST_MAX_CASES];
static int hvtest_ncases;
static int hvtest_registration_overflow;
static char hvtest_reason[HVTEST_REASON_LEN];
static unsigned long hvtest_nfailed_checks;
static unsigned long hvtest_nchecks;

static inline void hvtest_register(const char *name, void (*fn)(void), int line)
{
	if (hvtest_ncases >= HVTEST_MAX_CASES) {
		hvtest_registration_overflow = 1;
		return;
	}
	hvtest_cases[hvtest_ncases].name = name;
	hvtest_cases[hvtest_ncases].fn = fn;
	hvtest_cases[hvtest_ncases].line = line;
	hvtest_ncases++;
}

/* Defines a case and registers it before main() runs. */
#define TEST(name)							\
	static void hvtest_fn_##name(void);				\
	__attribute__((constructor)) static void hvtest_reg_##name(void) \
	{								\
		hvtest_register(#name, hvtest_fn_##name, __LINE__);	\
	}								\
	static void hvtest_fn_##name(void)

__attribute__((format(printf, 3, 4)))
static inline bool hvtest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	hvtest_nfailed_checks++;
	if (hvtest_nfailed_checks > 1)
		return false;
	n = snprintf(hvtest_reason, sizeof(hvtest_reason), "%s:%d: ", file, line);
	if (n < 0 || (size_t)n >= sizeof(hvtest_reason))
		return false;
	va_start(ap, fmt);
	vsnprintf(hvtest_reason + n, sizeof(hvtest_reason) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static inline bool hvtest_check(bool ok, const char *file, int line, const char *expr)
{
	hvtest_nchecks++;
	if (ok)
		return true;
	return hvtest_fail(file, line, "CHECK(%s) failed", expr);
}

static inline bool hvtest_check_eq(long long a, long long b, const char *file, int line,
			    const char *ea, const char *eb)
{
	hvtest_nchecks++;
	if (a == b)
		return true;
	return hvtest_fail(file, line, "CHECK_EQ(%s, %s) failed: %lld (0x%llx) != %lld (0x%llx)",
			   ea, eb, a, (unsigned long long)a, b, (unsigned long long)b);
}

static inline bool hvtest_check_ne(long long a, long long b, const char *file, int line,
			    const char *ea, const char *eb)
{
	hvtest_nchecks++;
	if (a != b)
		return true;
	return hvtest_fail(file, line, "CHECK_NE(%s, %s) failed: both %lld (0x%llx)",
			   ea, eb, a, (unsigned long long)a);
}

static inline bool hvtest_check_str(const char *a, const char *b, const char *file, int line,
			     const char *ea, const char *eb)
{
	hvtest_nchecks++;
	if (a && b && strcmp(a, b) == 0)
		return true;
	return hvtest_fail(file, line, "CHECK_STR_EQ(%s, %s) failed: \"%s\" != \"%s\"",
			   ea, eb, a ? a : "(null)", b ? b : "(null)");
}

static inline bool hvtest_check_mem(const void *a, const void *b, size_t len, const char *file,
			     int line, const char *ea, const char *eb)
{
	const unsigned char *pa = a, *pb = b;
	size_t i;

	hvtest_nchecks++;
	for (i = 0; i < len; i++)
		if (pa[i] != pb[i])
			return hvtest_fail(file, line,
					   "CHECK_MEM_EQ(%s, %s, %zu) failed: first difference at byte %zu: 0x%02x != 0x%02x",
					   ea, eb, len, i, pa[i], pb[i]);
	return true;
}

#define CHECK(cond) hvtest_check((cond) ? true : false, __FILE__, __LINE__, #cond)
/* Integers of any width and signedness, compared as 64-bit values. */
#define CHECK_EQ(a, b) hvtest_check_eq((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_NE(a, b) hvtest_check_ne((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_STR_EQ(a, b) hvtest_check_str((a), (b), __FILE__, __LINE__, #a, #b)
#define CHECK_MEM_EQ(a, b, len) \
	hvtest_check_mem((a), (b), (len), __FILE__, __LINE__, #a, #b)
/* Records a failure with a printf-style message. */
#define FAILF(...) hvtest_fail(__FILE__, __LINE__, __VA_ARGS__)

/* ---- Seeded pseudo-random numbers (splitmix64), identical on every run */
static uint64_t hvtest_rng_state;

static inline void hvtest_srand(uint64_t seed)
{
	hvtest_rng_state = seed;
}

static inline uint64_t hvtest_rand64(void)
{
	uint64_t z = (hvtest_rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (inclusive); hi >= lo. */
static inline uint32_t hvtest_rand_range(uint32_t lo, uint32_t hi)
{
	uint64_t span = (uint64_t)hi - lo + 1;

	return lo + (uint32_t)(hvtest_rand64() % span);
}

static inline void hvtest_rand_bytes(void *dst, size_t len)
{
	unsigned char *p = dst;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)hvtest_rand64();
}

/* ---- Runner */
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int hvtest_cmp_line(const void *a, const void *b)
{
	const struct hvtest_case *ca = a, *cb = b;

	return (ca->line > cb->line) - (ca->line < cb->line);
}

/* Runs one case in this process; returns 1 on success. */
static inline int hvtest_run_inline(const struct hvtest_case *c)
{
	hvtest_reason[0] = '\0';
	hvtest_nfailed_checks = 0;
	hvtest_nchecks = 0;
	c->fn();
	if (!hvtest_nfailed_checks && !hvtest_nchecks) {
		snprintf(hvtest_reason, sizeof(hvtest_reason),
			 "the case made no checks (a test must assert something)");
		return 0;
	}
	if (hvtest_nfailed_checks > 1) {
		size_t n = strlen(hvtest_reason);

		snprintf(hvtest_reason + n, sizeof(hvtest_reason) - n,
			 " (and %lu more failed checks)", hvtest_nfailed_checks - 1);
	}
	return hvtest_nfailed_checks == 0;
}

static inline void hvtest_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Runs one case in a child process; fills 'reason' on failure. */
static inline int hvtest_run_forked(const struct hvtest_case *c, unsigned int timeout,
			     char *reason, size_t reason_len)
{
	char msg[HVTEST_REASON_LEN + 2];
	size_t got = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds)) {
		snprintf(reason, reason_len, "harness: pipe() failed");
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		snprintf(reason, reason_len, "harness: fork() failed");
		return 0;
	}
	if (pid == 0) {
		int ok;

		close(fds[0]);
		alarm(timeout);
		ok = hvtest_run_inline(c);
		hvtest_write_all(fds[1], ok ? "P" : "F", 1);
		if (!ok)
			hvtest_write_all(fds[1], hvtest_reason, strlen(hvtest_reason));
		close(fds[1]);
		/* exit(), not _exit(): leak checkers run at exit. */
		exit(0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], msg + got, sizeof(msg) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(msg) - 1)
			break;
	}
	msg[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		;

	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		snprintf(reason, reason_len, "crashed with signal %d (%s)%s%s", sig,
			 sig == SIGALRM ? "timeout" : strsignal(sig),
			 got > 1 ? "; " : "", got > 1 ? msg + 1 : "");
		return 0;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(reason, reason_len,
			 "exited with status %d (sanitizer, valgrind or leak report on stderr)%s%s",
			 WEXITSTATUS(status), got > 1 ? "; " : "", got > 1 ? msg + 1 : "");
		return 0;
	}
	if (got == 0) {
		snprintf(reason, reason_len, "case exited without reporting a result");
		return 0;
	}
	if (msg[0] == 'P')
		return 1;
	snprintf(reason, reason_len, "%s", msg + 1);
	return 0;
}

static inline int hvtest_main(int argc, char **argv)
{
	const char *prefix = getenv("HVTEST_PREFIX");
	const char *nofork = getenv("HVTEST_NOFORK");
	const char *tmo = getenv("HVTEST_TIMEOUT");
	unsigned int timeout = tmo ? (unsigned int)strtoul(tmo, NULL, 10) : 300;
	const char *filter = argc > 1 ? argv[1] : NULL;
	static char reason[HVTEST_REASON_LEN + 128];
	int i, failed = 0, ran = 0;

	if (!prefix)
		prefix = "";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (hvtest_registration_overflow) {
		printf("FAIL: %s%s/registration: more than %d cases\n", prefix,
		       HVTEST_SUITE, HVTEST_MAX_CASES);
		return 1;
	}
	qsort(hvtest_cases, (size_t)hvtest_ncases, sizeof(hvtest_cases[0]), hvtest_cmp_line);
	for (i = 0; i < hvtest_ncases; i++) {
		const struct hvtest_case *c = &hvtest_cases[i];
		int ok;

		if (filter && !strstr(c->name, filter))
			continue;
		ran++;
		if (nofork && *nofork && strcmp(nofork, "0")) {
			ok = hvtest_run_inline(c);
			snprintf(reason, sizeof(reason), "%s", hvtest_reason);
		} else {
			ok = hvtest_run_forked(c, timeout, reason, sizeof(reason));
		}
		if (ok) {
			printf("PASS: %s%s/%s\n", prefix, HVTEST_SUITE, c->name);
		} else {
			printf("FAIL: %s%s/%s: %s\n", prefix, HVTEST_SUITE, c->name, reason);
			failed++;
		}
	}
	if (!ran) {
		printf("FAIL: %s%s/selection: no case matches '%s'\n", prefix, HVTEST_SUITE,
		       filter ? filter : "");
		return 1;
	}
	return failed ? 1 : 0;
}

#define HVTEST_MAIN()					\
	int main(int argc, char **argv)			\
	{						\
		return hvtest_main(argc, argv);		\
	}

#endif
