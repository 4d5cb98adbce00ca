// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_bench: one fake kernel peer driving two KVP daemons the same way,
 * side by side in one run: hvlis's hv_kvp_daemon and the in-box one (for
 * example Debian's hyperv-daemons build).
 *
 * Per run of a daemon (a fresh, empty pool directory each time):
 *   start-up   from just before execve() to the arrival of its
 *              KVP_OP_REGISTER1 message at the peer;
 *   SET        N new keys on pool 0 (the host's "external" pool);
 *   GET        the N keys back;
 *   ENUMERATE  indexes 0..N-1;
 *   DELETE     the N keys;
 *   memory     VmHWM and VmRSS from /proc/<pid>/status before it stops.
 * Each phase is timed twice: elapsed time at the peer (operations per
 * second, the whole round trip) and the CPU time the daemon itself used
 * (/proc/<pid>/schedstat), which the load of other processes on the
 * machine disturbs much less.
 * Every answer is checked (size, status, value, key at each index, the
 * pool file's records after the SETs, an empty pool after the DELETEs);
 * a wrong answer is a FAIL line and exit status 1. Speed is reported,
 * never judged: the result is the ratio hvlis / in-box of medians.
 *
 * Transport: both daemons talk to the peer over a unix SOCK_SEQPACKET
 * socket. hvlis's daemon is given it with --device; the in-box daemon,
 * which only opens /dev/vmbus/hv_kvp, gets it through devshim.so
 * (LD_PRELOAD). devshim.so is preloaded into both, so both pay for
 * loading it. Both run with the same environment, in a private mount
 * namespace where /var/lib is a bind mount of the run's own directory:
 * the in-box daemon's fixed /var/lib/hyperv is then that directory, and
 * hvlis's daemon uses the same path (its default).
 *
 *   kvp_bench --work DIR --shim devshim.so --ours BIN --inbox BIN
 *             [--keys N] [--value-size B] [--reps R] [--pool-fs disk|tmpfs]
 *             [--label-ours S] [--label-inbox S] [--check] [--prefix P]
 *
 * Needs root (namespaces, mounts). --check: one repetition, correctness
 * lines only (used by make check).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvp_abi.h"

#define TIMEOUT_MS 20000
#define POOL 0
#define MAX_REPS 50

enum { OURS, INBOX, N_DAEMONS };
static const char *const dname[N_DAEMONS] = { "hvlis", "inbox" };

enum {
	M_START, M_START_CPU, M_SET, M_GET, M_ENUM, M_DEL,
	M_SET_CPU, M_GET_CPU, M_ENUM_CPU, M_DEL_CPU, M_HWM, M_RSS, N_METRICS
};
static const char *const mname[N_METRICS] = {
	"start-up (ms)", "start-up daemon CPU (ms)", "SET/s", "GET/s", "ENUMERATE/s", "DELETE/s",
	"SET daemon CPU (us/op)", "GET daemon CPU (us/op)",
	"ENUMERATE daemon CPU (us/op)", "DELETE daemon CPU (us/op)",
	"VmHWM (KiB)", "VmRSS (KiB)",
};
/* true: bigger is better (for the note next to the ratio) */
static const bool mbigger[N_METRICS] = {
	false, false, true, true, true, true, false, false, false, false, false, false,
};
/* digits after the decimal point */
static const int mdigits[N_METRICS] = { 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0 };

struct opts {
	const char *work, *shim, *bin[N_DAEMONS], *label[N_DAEMONS];
	const char *prefix;
	unsigned int keys, value_size, reps;
	bool tmpfs, check;
};

struct run {
	int d;			/* OURS or INBOX */
	unsigned int rep;
	char dir[512];		/* this run's directory */
	char varlib[600];	/* bind-mounted onto /var/lib */
	char sock[600];
	char log[600];
	pid_t pid;
	int lfd, cfd;
	double *exec_ts;	/* shared with the child: time of execve */
	double m[N_METRICS];
	bool ok;
};

static const struct opts *O;
static int failures;
static char reason[512];
static struct kvp_msg msg;
static unsigned char rbuf[KVP_MSG_SIZE + 16];

static double cpu_us(const struct run *r);
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "kvp_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static void why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void why(const char *fmt, ...)
{
	va_list ap;

	if (reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
}

/* One PASS/FAIL line per check and daemon (first repetition only). */
static void report(struct run *r, const char *name, bool ok)
{
	ok = ok && !reason[0];
	if (!ok)
		r->ok = false;
	if (!ok || r->rep == 0)
		printf("%s: %skvp-bench/%s/%s%s%s\n", ok ? "PASS" : "FAIL", O->prefix,
		       dname[r->d], name, ok ? "" : ": ", ok ? "" : (reason[0] ? reason : "check failed"));
	if (!ok)
		failures++;
	reason[0] = '\0';
	fflush(stdout);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

/* ---- the daemon ------------------------------------------------------- */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		die("%s: path too long for a unix socket", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 2) < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static void spawn(struct run *r)
{
	const char *argv[8];
	int n = 0, fd;

	argv[n++] = O->bin[r->d];
	argv[n++] = "-n";
	if (r->d == OURS) {
		argv[n++] = "--device";
		argv[n++] = r->sock;
		argv[n++] = "--pool-dir";
		argv[n++] = KVP_POOL_DIR;
	}
	argv[n] = NULL;
	*r->exec_ts = 0;
	r->pid = fork();
	if (r->pid < 0)
		die("fork: %s", strerror(errno));
	if (r->pid)
		return;
	fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(126);
	setenv("LD_PRELOAD", O->shim, 1);
	setenv("HVLIS_DEVSHIM_SOCKET", r->sock, 1);
	unsetenv("HVLIS_DEVSHIM_PATH");
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	*r->exec_ts = now_ms();
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static void stop(struct run *r)
{
	int st, i;

	if (r->cfd >= 0)
		close(r->cfd);
	r->cfd = -1;
	if (r->pid <= 0)
		return;
	kill(r->pid, SIGTERM);
	for (i = 0; i < 500; i++) {
		if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
			r->pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, &st, 0);
	r->pid = 0;
}

/* One message from the daemon: its length, 0 on timeout, -1 on EOF/error. */
static ssize_t recv_msg(struct run *r)
{
	ssize_t n;

	if (!wait_readable(r->cfd, TIMEOUT_MS))
		return 0;
	n = recv(r->cfd, rbuf, sizeof(rbuf), 0);
	return n > 0 ? n : -1;
}

/* Sends msg, waits for the answer into msg; its status, or -1. */
static long transact(struct run *r)
{
	ssize_t n;

	if (send(r->cfd, &msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg)) {
		why("send failed: %s", strerror(errno));
		return -1;
	}
	n = recv_msg(r);
	if (n != KVP_MSG_SIZE) {
		why("answer: got %zd bytes, want %d (0: none in %d ms, -1: closed)", n,
		    KVP_MSG_SIZE, TIMEOUT_MS);
		return -1;
	}
	memcpy(&msg, rbuf, sizeof(msg));
	return (long)msg.error;
}

/* Starts the daemon and plays the kernel's side of the handshake. */
static bool start(struct run *r)
{
	double t;
	ssize_t n;
	int i, st;

	r->lfd = listen_on(r->sock);
	spawn(r);
	for (i = 0; !wait_readable(r->lfd, 50); i += 50) {
		if (waitpid(r->pid, &st, WNOHANG) == r->pid) {
			r->pid = 0;
			why("the daemon exited (status %#x) before connecting (log: %s)", st, r->log);
			return false;
		}
		if (i >= TIMEOUT_MS) {
			why("the daemon did not connect in %d ms (log: %s)", TIMEOUT_MS, r->log);
			return false;
		}
	}
	r->cfd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (r->cfd < 0) {
		why("accept: %s", strerror(errno));
		return false;
	}
	n = recv_msg(r);
	t = now_ms();
	if (n != KVP_MSG_SIZE || rbuf[0] != KVP_OP_REGISTER1) {
		why("registration: got %zd bytes, operation %u; want %d bytes, operation %d",
		    n, n > 0 ? rbuf[0] : 0, KVP_MSG_SIZE, KVP_OP_REGISTER1);
		return false;
	}
	if (*r->exec_ts <= 0) {
		why("no exec time recorded");
		return false;
	}
	r->m[M_START] = t - *r->exec_ts;
	r->m[M_START_CPU] = cpu_us(r) / 1e3;
	memset(&msg, 0, sizeof(msg));
	msg.hdr.operation = KVP_OP_REGISTER1;
	memcpy(msg.body.reg.version, "3.1", 4);
	if (send(r->cfd, &msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg)) {
		why("sending the registration answer: %s", strerror(errno));
		return false;
	}
	return true;
}

/* ---- requests --------------------------------------------------------- */

static void key_of(char *buf, size_t size, unsigned int i)
{
	snprintf(buf, size, "bench-key-%06u", i);
}

/* A value of O->value_size bytes (without the NUL) that names i. */
static void value_of(char *buf, unsigned int i)
{
	unsigned int j;
	int n = snprintf(buf, KVP_MAX_VALUE_SIZE, "value-%06u-", i);

	for (j = (unsigned int)n; j < O->value_size; j++)
		buf[j] = (char)('a' + (i + j) % 26);
	buf[O->value_size] = '\0';
}

static void req(unsigned int op, const char *key)
{
	memset(&msg, 0, sizeof(msg));
	msg.hdr.operation = (uint8_t)op;
	msg.hdr.pool = POOL;
	if (!key)
		return;
	if (op == KVP_OP_DELETE) {
		memcpy(msg.body.del.key, key, strlen(key) + 1);
		msg.body.del.key_size = (uint32_t)strlen(key) + 1;
	} else {
		memcpy(msg.body.set.key, key, strlen(key) + 1);
		msg.body.set.key_size = (uint32_t)strlen(key) + 1;
	}
}

static bool field_is(const uint8_t *field, size_t size, const char *want)
{
	return strnlen((const char *)field, size) == strlen(want) &&
	       !memcmp(field, want, strlen(want));
}

/*
 * CPU time the daemon has used, in microseconds: the first field of
 * /proc/<pid>/schedstat (nanoseconds on a CPU, all threads). Unlike
 * elapsed time it hardly changes with the load of other processes.
 */
static double cpu_us(const struct run *r)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)r->pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns / 1e3;
}

static double rate(unsigned int n, double t0)
{
	double dt = now_ms() - t0;

	return dt > 0 ? n * 1000.0 / dt : 0;
}

static bool phase_set(struct run *r)
{
	char key[64], value[KVP_MAX_VALUE_SIZE];
	unsigned int i;
	double c0 = cpu_us(r), t0 = now_ms();
	long st;

	for (i = 0; i < O->keys; i++) {
		key_of(key, sizeof(key), i);
		value_of(value, i);
		req(KVP_OP_SET, key);
		msg.body.set.value_type = KVP_REG_SZ;
		memcpy(msg.body.set.value, value, strlen(value) + 1);
		msg.body.set.value_size = (uint32_t)strlen(value) + 1;
		st = transact(r);
		if (st != (long)HV_S_OK) {
			why("SET %s: status %#lx, want HV_S_OK", key, (unsigned long)st);
			return false;
		}
	}
	r->m[M_SET] = rate(O->keys, t0);
	r->m[M_SET_CPU] = (cpu_us(r) - c0) / O->keys;
	return true;
}

static bool phase_get(struct run *r)
{
	char key[64], value[KVP_MAX_VALUE_SIZE];
	unsigned int i;
	double c0 = cpu_us(r), t0 = now_ms();
	long st;

	for (i = 0; i < O->keys; i++) {
		key_of(key, sizeof(key), i);
		value_of(value, i);
		req(KVP_OP_GET, key);
		/* see get_as_kernel() */
		msg.body.get.value_size = KVP_MAX_VALUE_SIZE;
		st = transact(r);
		if (st != (long)HV_S_OK) {
			why("GET %s: status %#lx, want HV_S_OK", key, (unsigned long)st);
			return false;
		}
		if (!field_is(msg.body.get.value, KVP_MAX_VALUE_SIZE, value)) {
			why("GET %s: value '%.40s...' is not the one SET", key,
			    (const char *)msg.body.get.value);
			return false;
		}
	}
	r->m[M_GET] = rate(O->keys, t0);
	r->m[M_GET_CPU] = (cpu_us(r) - c0) / O->keys;
	return true;
}

static bool phase_enum(struct run *r)
{
	char key[64], value[KVP_MAX_VALUE_SIZE];
	unsigned int i;
	double c0 = cpu_us(r), t0 = now_ms();
	long st;

	for (i = 0; i < O->keys; i++) {
		key_of(key, sizeof(key), i);
		value_of(value, i);
		req(KVP_OP_ENUMERATE, NULL);
		msg.body.enumerate.index = i;
		st = transact(r);
		if (st != (long)HV_S_OK) {
			why("ENUMERATE %u: status %#lx, want HV_S_OK", i, (unsigned long)st);
			return false;
		}
		if (!field_is(msg.body.enumerate.data.key, KVP_MAX_KEY_SIZE, key) ||
		    !field_is(msg.body.enumerate.data.value, KVP_MAX_VALUE_SIZE, value)) {
			why("ENUMERATE %u: got key '%.40s', want %s with its value", i,
			    (const char *)msg.body.enumerate.data.key, key);
			return false;
		}
	}
	r->m[M_ENUM] = rate(O->keys, t0);
	r->m[M_ENUM_CPU] = (cpu_us(r) - c0) / O->keys;
	req(KVP_OP_ENUMERATE, NULL);
	msg.body.enumerate.index = O->keys;
	st = transact(r);
	if (st != (long)HV_S_CONT) {
		why("ENUMERATE %u (past the end): status %#lx, want HV_S_CONT", O->keys,
		    (unsigned long)st);
		return false;
	}
	return true;
}

static bool phase_del(struct run *r)
{
	char key[64];
	unsigned int i;
	double c0 = cpu_us(r), t0 = now_ms();
	long st;

	for (i = 0; i < O->keys; i++) {
		key_of(key, sizeof(key), i);
		req(KVP_OP_DELETE, key);
		st = transact(r);
		if (st != (long)HV_S_OK) {
			why("DELETE %s: status %#lx, want HV_S_OK", key, (unsigned long)st);
			return false;
		}
	}
	r->m[M_DEL] = rate(O->keys, t0);
	r->m[M_DEL_CPU] = (cpu_us(r) - c0) / O->keys;
	return true;
}

/*
 * The kernel fills in only the key (and key_size) of a GET; value_size is
 * left 0. The in-box daemon copies value_size bytes of the value into its
 * answer, so it answers such a GET with an empty value; phase_get() asks
 * with value_size 2048 so that both daemons' values can be checked. This
 * shows, without judging, what each answers to the kernel's form.
 */
static void get_as_kernel(struct run *r)
{
	char key[64];
	long st;

	key_of(key, sizeof(key), 0);
	req(KVP_OP_GET, key);
	st = transact(r);
	if (r->rep == 0)
		printf("# %s: GET %s with value_size 0, as the kernel sends it: status %#lx, value '%.24s%s'\n",
		       dname[r->d], key, (unsigned long)st, (const char *)msg.body.get.value,
		       strnlen((const char *)msg.body.get.value, 25) > 24 ? "..." : "");
	reason[0] = '\0';
}

static bool get_missing(struct run *r, const char *key)
{
	long st;

	req(KVP_OP_GET, key);
	st = transact(r);
	if (st != (long)HV_S_CONT) {
		why("GET of missing key %s: status %#lx, want HV_S_CONT", key,
		    (unsigned long)st);
		return false;
	}
	return true;
}

/* ---- files and memory ------------------------------------------------- */

/* The pool file holds exactly n records, record i being key i and value i. */
static bool pool_holds(struct run *r, unsigned int n)
{
	char path[700], key[64], value[KVP_MAX_VALUE_SIZE];
	unsigned char rec[KVP_RECORD_SIZE];
	struct stat st;
	unsigned int i;
	bool ok = true;
	FILE *f;

	snprintf(path, sizeof(path), "%s/hyperv/" KVP_POOL_PREFIX "%d", r->varlib, POOL);
	f = fopen(path, "rb");
	if (!f) {
		why("%s: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fileno(f), &st) < 0 || st.st_size != (off_t)n * KVP_RECORD_SIZE) {
		why("%s is %lld bytes, want %u records of %d", path, (long long)st.st_size, n,
		    KVP_RECORD_SIZE);
		fclose(f);
		return false;
	}
	for (i = 0; ok && i < n; i++) {
		key_of(key, sizeof(key), i);
		value_of(value, i);
		ok = fread(rec, KVP_RECORD_SIZE, 1, f) == 1 &&
		     field_is(rec, KVP_MAX_KEY_SIZE, key) &&
		     field_is(rec + KVP_MAX_KEY_SIZE, KVP_MAX_VALUE_SIZE, value);
		if (!ok)
			why("%s: record %u is not %s and its value", path, i, key);
	}
	fclose(f);
	return ok;
}

static bool memory(struct run *r)
{
	char path[64], line[256];
	bool hwm = false, rss = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)r->pid);
	f = fopen(path, "r");
	if (!f) {
		why("%s: %s", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmHWM: %lf", &r->m[M_HWM]) == 1)
			hwm = true;
		if (sscanf(line, "VmRSS: %lf", &r->m[M_RSS]) == 1)
			rss = true;
	}
	fclose(f);
	if (!hwm || !rss)
		why("%s has no VmHWM/VmRSS", path);
	return hwm && rss;
}

/* ---- one run ---------------------------------------------------------- */

static void mkdirs(const char *path)
{
	char buf[700], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", buf, strerror(errno));
}

static void rmtree(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--one-file-system", path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("rm -rf %s failed", path);
}

static void one_run(struct run *r, double *exec_ts)
{
	char dir[sizeof(r->dir)], hv[700];
	bool ok;

	memset(r->m, 0, sizeof(r->m));
	r->ok = true;
	r->cfd = r->lfd = -1;
	r->pid = 0;
	r->exec_ts = exec_ts;
	snprintf(dir, sizeof(dir), "%s/runs/%s-%u", O->work, dname[r->d], r->rep);
	memcpy(r->dir, dir, sizeof(r->dir));
	snprintf(r->varlib, sizeof(r->varlib), "%s/var-lib", dir);
	snprintf(r->sock, sizeof(r->sock), "%s/dev.sock", dir);
	snprintf(r->log, sizeof(r->log), "%s/daemon.log", dir);
	rmtree(r->dir);
	/* both daemons find an existing, empty /var/lib/hyperv */
	snprintf(hv, sizeof(hv), "%s/var-lib/hyperv", dir);
	mkdirs(hv);
	if (mount(r->varlib, "/var/lib", NULL, MS_BIND, NULL) < 0)
		die("bind mount %s on /var/lib: %s", r->varlib, strerror(errno));

	ok = start(r);
	report(r, "register", ok);
	if (ok) {
		ok = phase_set(r);
		report(r, "set", ok);
	}
	if (ok) {
		report(r, "pool-file-after-set", pool_holds(r, O->keys));
		ok = phase_get(r);
		report(r, "get", ok);
	}
	if (ok) {
		get_as_kernel(r);
		report(r, "get-missing-key", get_missing(r, "bench-no-such-key"));
		ok = phase_enum(r);
		report(r, "enumerate", ok);
	}
	if (ok) {
		ok = phase_del(r);
		report(r, "delete", ok);
	}
	if (ok) {
		report(r, "get-deleted-key", get_missing(r, "bench-key-000000"));
		report(r, "pool-file-after-delete", pool_holds(r, 0));
		report(r, "memory", memory(r));
	}
	if (!ok)
		r->ok = false;
	stop(r);
	if (r->lfd >= 0)
		close(r->lfd);
	if (umount2("/var/lib", MNT_DETACH) < 0)
		die("umount /var/lib: %s", strerror(errno));
	if (r->ok)
		rmtree(r->dir);	/* failed runs keep their log and pool files */
}

/* ---- summary ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void summary(struct run runs[][N_DAEMONS])
{
	double v[MAX_REPS], med[N_DAEMONS][N_METRICS];
	unsigned int rep, n;
	int d, m;

	for (d = 0; d < N_DAEMONS; d++) {
		for (m = 0; m < N_METRICS; m++) {
			for (rep = 0, n = 0; rep < O->reps; rep++)
				if (runs[rep][d].ok)
					v[n++] = runs[rep][d].m[m];
			med[d][m] = n ? median(v, n) : 0;
		}
	}
	printf("\n%u keys of %u-byte values on pool %d, pools on %s, median of %u runs each\n",
	       O->keys, O->value_size, POOL, O->tmpfs ? "tmpfs" : "the work directory's file system",
	       O->reps);
	printf("hvlis: %s\ninbox: %s\n\n", O->label[OURS], O->label[INBOX]);
	printf("| metric | hvlis | in-box | hvlis / in-box |\n|---|---|---|---|\n");
	for (m = 0; m < N_METRICS; m++) {
		printf("| %s | %.*f | %.*f | ", mname[m], mdigits[m], med[OURS][m],
		       mdigits[m], med[INBOX][m]);
		if (med[INBOX][m] > 0)
			printf("%.2f (%s is better) |\n", med[OURS][m] / med[INBOX][m],
			       mbigger[m] ? "higher" : "lower");
		else
			printf("- |\n");
	}
	printf("\nper run (the metrics above, in that order):\n");
	for (rep = 0; rep < O->reps; rep++)
		for (d = 0; d < N_DAEMONS; d++) {
			printf("  %s #%u:", dname[d], rep);
			for (m = 0; m < N_METRICS; m++)
				printf(" %.*f", mdigits[m], runs[rep][d].m[m]);
			printf("%s\n", runs[rep][d].ok ? "" : " (failed)");
		}
}

/* ---- main ------------------------------------------------------------- */

static unsigned int number(const char *s, unsigned int lo, unsigned int hi, const char *what)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		die("%s: '%s' is not a number in %u..%u", what, s, lo, hi);
	return (unsigned int)n;
}

static void usage(void)
{
	fprintf(stderr, "usage: kvp_bench --work DIR --shim devshim.so --ours BIN --inbox BIN\n"
		"       [--keys N] [--value-size B] [--reps R] [--pool-fs disk|tmpfs]\n"
		"       [--label-ours S] [--label-inbox S] [--check] [--prefix P]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "work", 1, NULL, 'w' }, { "shim", 1, NULL, 's' },
		{ "ours", 1, NULL, 'o' }, { "inbox", 1, NULL, 'i' },
		{ "keys", 1, NULL, 'k' }, { "value-size", 1, NULL, 'v' },
		{ "reps", 1, NULL, 'r' }, { "pool-fs", 1, NULL, 'f' },
		{ "label-ours", 1, NULL, 'L' }, { "label-inbox", 1, NULL, 'l' },
		{ "check", 0, NULL, 'c' }, { "prefix", 1, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static struct opts o = {
		.keys = 200, .value_size = 100, .reps = 5, .prefix = "",
		.label = { "hvlis hv_kvp_daemon", "in-box hv_kvp_daemon" },
	};
	static struct run runs[MAX_REPS][N_DAEMONS];
	char path[600];
	double *exec_ts;
	unsigned int rep;
	int c, i, d;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'w': o.work = optarg; break;
		case 's': o.shim = optarg; break;
		case 'o': o.bin[OURS] = optarg; break;
		case 'i': o.bin[INBOX] = optarg; break;
		case 'k': o.keys = number(optarg, 1, 4000, "--keys"); break;
		case 'v': o.value_size = number(optarg, 20, KVP_MAX_VALUE_SIZE - 1, "--value-size"); break;
		case 'r': o.reps = number(optarg, 1, MAX_REPS, "--reps"); break;
		case 'f':
			if (strcmp(optarg, "disk") && strcmp(optarg, "tmpfs"))
				usage();
			o.tmpfs = !strcmp(optarg, "tmpfs");
			break;
		case 'L': o.label[OURS] = optarg; break;
		case 'l': o.label[INBOX] = optarg; break;
		case 'c': o.check = true; break;
		case 'p': o.prefix = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || !o.work || !o.shim || !o.bin[OURS] || !o.bin[INBOX])
		usage();
	if (o.check)
		o.reps = 1;
	O = &o;
	for (d = 0; d < N_DAEMONS; d++)
		if (access(o.bin[d], X_OK) < 0)
			die("%s: %s", o.bin[d], strerror(errno));
	if (access(o.shim, R_OK) < 0 || o.shim[0] != '/')
		die("%s: not a readable absolute path", o.shim);

	/* Our own mount namespace: nothing we mount is seen outside. */
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare(CLONE_NEWNS): %s (needs root)", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making / private: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/runs", o.work);
	mkdirs(path);
	if (o.tmpfs && mount("kvp-bench", path, "tmpfs", 0, "mode=0755") < 0)
		die("tmpfs on %s: %s", path, strerror(errno));

	exec_ts = mmap(NULL, sizeof(double), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (exec_ts == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	/* Alternate which daemon goes first, so drift hits both alike. */
	for (rep = 0; rep < o.reps; rep++) {
		for (i = 0; i < N_DAEMONS; i++) {
			d = (int)((rep + (unsigned int)i) % N_DAEMONS);
			runs[rep][d].d = d;
			runs[rep][d].rep = rep;
			one_run(&runs[rep][d], exec_ts);
		}
	}
	if (!o.check)
		summary(runs);
	printf("%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
