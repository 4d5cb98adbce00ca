// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_peer: plays the kernel's side of /dev/vmbus/hv_kvp for hv_kvp_daemon.
 *
 * It listens on a unix SOCK_SEQPACKET socket, starts the daemon with
 * --device pointing at it (optionally under valgrind), answers the
 * registration like the kernel (KVP_OP_REGISTER1, version "3.1") and then
 * sends requests, checking every answer and the pool files byte for byte.
 *
 *   kvp_peer --daemon BIN --work DIR [--prefix P] [--valgrind]
 *            [--netns-if IF]          functional tests
 *   kvp_peer --daemon BIN --work DIR --crash N [--seed S]
 *                                     kill -9 at random points, N times
 *
 * Prints "PASS: <P>kvp/<case>" or "FAIL: <P>kvp/<case>: why" per case;
 * exits 1 if any failed. The work directory must exist and be empty; the
 * caller (run.sh) prepares WORK/scripts and WORK/root.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/uapi/kvp.h>

#define REC KVP_RECORD_SIZE
#define GUID "f5bee29c-1741-4aad-a4c2-8fdedb46dcc2"

struct peer {
	const char *daemon;
	const char *work;
	const char *prefix;
	const char *netns_if;
	bool valgrind;
	int timeout_ms;
	char sock_path[256];
	char notify_path[256];
	char pool_dir[256];
	int lfd;		/* listening socket */
	int nfd;		/* notify socket */
	int cfd;		/* connection to the daemon */
	pid_t pid;
	int failures;
	int passes;
	char reason[512];
};

/* ---- reporting -------------------------------------------------------- */

static void why(struct peer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void why(struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->reason[0])
		return;		/* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

static void report(struct peer *p, const char *name, bool ok)
{
	if (ok && !p->reason[0]) {
		printf("PASS: %skvp/%s\n", p->prefix, name);
		p->passes++;
	} else {
		printf("FAIL: %skvp/%s: %s\n", p->prefix, name,
		       p->reason[0] ? p->reason : "check failed");
		p->failures++;
	}
	fflush(stdout);
	p->reason[0] = '\0';
}

#define EXPECT(p, cond, ...) ((cond) ? true : (why(p, __VA_ARGS__), false))

/* ---- files ------------------------------------------------------------ */

static void path_in(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

static void write_str(const char *path, const char *s)
{
	if (write_file(path, s, strlen(s)) < 0) {
		perror(path);
		exit(2);
	}
}

/* Reads a whole file; returns its length or -1. *out is malloc'ed. */
static ssize_t read_file(const char *path, unsigned char **out)
{
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY);

	*out = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0) {
		*out = malloc((size_t)st.st_size + 1);
		if (*out)
			n = read(fd, *out, (size_t)st.st_size);
	}
	close(fd);
	return n;
}

static void pool_path(struct peer *p, char *buf, size_t size, unsigned int pool)
{
	snprintf(buf, size, "%s/" KVP_POOL_PREFIX "%u", p->pool_dir, pool);
}

/* The records a pool file must hold, as key/value pairs. */
struct kv {
	const char *key;
	const char *value;
};

static void make_record(unsigned char *rec, const char *key, const char *value)
{
	memset(rec, 0, REC);
	memcpy(rec, key, strlen(key));
	memcpy(rec + KVP_MAX_KEY_SIZE, value, strlen(value));
}

static bool pool_is(struct peer *p, unsigned int pool, const struct kv *kv, size_t n)
{
	unsigned char *data, *want = calloc(n ? n : 1, REC);
	char path[512];
	ssize_t len;
	size_t i;
	bool ok;

	pool_path(p, path, sizeof(path), pool);
	len = read_file(path, &data);
	for (i = 0; i < n; i++)
		make_record(want + i * REC, kv[i].key, kv[i].value);
	ok = EXPECT(p, len == (ssize_t)(n * REC), "pool %u is %zd bytes, want %zu", pool,
		    len, n * REC) &&
	     EXPECT(p, !memcmp(data, want, n * REC), "pool %u: bytes differ", pool);
	free(data);
	free(want);
	return ok;
}

/* ---- the daemon ------------------------------------------------------- */

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: path too long for a socket\n", path);
		exit(2);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static int notify_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: path too long for a socket\n", path);
		exit(2);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

static void spawn(struct peer *p, const char *const *extra, bool watchdog)
{
	char scripts[512], sysfs[512], osrel[512];
	const char *argv[40];
	int n = 0;

	path_in(scripts, sizeof(scripts), p->work, "scripts");
	path_in(sysfs, sizeof(sysfs), p->work, "sysfs");
	path_in(osrel, sizeof(osrel), p->work, "os-release");
	if (p->valgrind) {
		argv[n++] = "valgrind";
		argv[n++] = "-q";
		argv[n++] = "--error-exitcode=99";
		argv[n++] = "--leak-check=full";
		argv[n++] = "--errors-for-leak-kinds=definite,indirect";
		argv[n++] = "--track-fds=no";
	}
	argv[n++] = p->daemon;
	argv[n++] = "-n";
	argv[n++] = "-v";
	argv[n++] = "--device";
	argv[n++] = p->sock_path;
	argv[n++] = "--pool-dir";
	argv[n++] = p->pool_dir;
	argv[n++] = "--scripts-dir";
	argv[n++] = scripts;
	argv[n++] = "--sysfs-net";
	argv[n++] = sysfs;
	argv[n++] = "--os-release";
	argv[n++] = osrel;
	while (extra && *extra)
		argv[n++] = *extra++;
	argv[n] = NULL;

	p->pid = fork();
	if (p->pid < 0) {
		perror("fork");
		exit(2);
	}
	if (p->pid == 0) {
		setenv("NOTIFY_SOCKET", p->notify_path, 1);
		if (watchdog)
			setenv("WATCHDOG_USEC", "200000", 1);
		else
			unsetenv("WATCHDOG_USEC");
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
}

static int accept_daemon(struct peer *p)
{
	if (!wait_readable(p->lfd, p->timeout_ms * 4))
		return -1;
	p->cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	return p->cfd;
}

/* One message from the daemon: its length, 0 on timeout, -1 on EOF. */
static ssize_t recv_msg(struct peer *p, void *buf, size_t cap, int ms)
{
	ssize_t n;

	if (!wait_readable(p->cfd, ms))
		return 0;
	n = recv(p->cfd, buf, cap, 0);
	return n > 0 ? n : -1;
}

/* The kernel's side of the handshake. */
static bool handshake(struct peer *p)
{
	static struct kvp_msg reg, zero;
	unsigned char buf[KVP_MSG_SIZE + 16];
	ssize_t n = recv_msg(p, buf, sizeof(buf), p->timeout_ms * 4);

	if (!EXPECT(p, n == KVP_MSG_SIZE, "registration: got %zd bytes, want %d", n, KVP_MSG_SIZE))
		return false;
	zero.hdr.operation = KVP_OP_REGISTER1;
	if (!EXPECT(p, !memcmp(buf, &zero, KVP_MSG_SIZE),
		    "registration: not operation %d followed by zeros (op %u)",
		    KVP_OP_REGISTER1, buf[0]))
		return false;
	memset(&reg, 0, sizeof(reg));
	reg.hdr.operation = KVP_OP_REGISTER1;
	memcpy(reg.body.reg.version, "3.1", 4);
	return EXPECT(p, send(p->cfd, &reg, sizeof(reg), MSG_NOSIGNAL) == sizeof(reg),
		      "sending the registration answer failed");
}

static bool start_daemon(struct peer *p, const char *const *extra, bool watchdog)
{
	spawn(p, extra, watchdog);
	if (accept_daemon(p) < 0) {
		why(p, "the daemon did not connect");
		return false;
	}
	return handshake(p);
}

/* SIGTERM; returns the exit status, or -1 if it did not exit in time. */
static int stop_daemon(struct peer *p, int sig)
{
	int st, i;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, sig);
	for (i = 0; i < p->timeout_ms * 2 / 10; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = 0;
			if (p->cfd >= 0)
				close(p->cfd);
			p->cfd = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	p->pid = 0;
	return -1;
}

/* Sends a request and waits for the answer; returns its status or -1. */
static long transact(struct peer *p, struct kvp_msg *m)
{
	unsigned char buf[KVP_MSG_SIZE + 16];
	ssize_t n;

	if (send(p->cfd, m, sizeof(*m), MSG_NOSIGNAL) != sizeof(*m)) {
		why(p, "send failed: %s", strerror(errno));
		return -1;
	}
	n = recv_msg(p, buf, sizeof(buf), p->timeout_ms);
	if (n != KVP_MSG_SIZE) {
		why(p, "answer: got %zd bytes, want %d", n, KVP_MSG_SIZE);
		return -1;
	}
	memcpy(m, buf, sizeof(*m));
	return (long)m->error;
}

/* ---- requests --------------------------------------------------------- */

static void req_init(struct kvp_msg *m, unsigned int op, unsigned int pool)
{
	memset(m, 0, sizeof(*m));
	m->hdr.operation = (uint8_t)op;
	m->hdr.pool = (uint8_t)pool;
}

static long do_set(struct peer *p, unsigned int pool, const char *key, const char *value)
{
	static struct kvp_msg m;

	req_init(&m, KVP_OP_SET, pool);
	memcpy(m.body.set.key, key, strlen(key) + 1);
	memcpy(m.body.set.value, value, strlen(value) + 1);
	m.body.set.key_size = (uint32_t)strlen(key) + 1;
	m.body.set.value_size = (uint32_t)strlen(value) + 1;
	return transact(p, &m);
}

static long do_get(struct peer *p, unsigned int pool, const char *key, char *value)
{
	static struct kvp_msg m;
	long st;

	req_init(&m, KVP_OP_GET, pool);
	memcpy(m.body.get.key, key, strlen(key) + 1);
	m.body.get.key_size = (uint32_t)strlen(key) + 1;
	st = transact(p, &m);
	if (value)
		memcpy(value, m.body.get.value, KVP_MAX_VALUE_SIZE);
	return st;
}

static long do_delete(struct peer *p, unsigned int pool, const char *key)
{
	static struct kvp_msg m;

	req_init(&m, KVP_OP_DELETE, pool);
	memcpy(m.body.del.key, key, strlen(key) + 1);
	m.body.del.key_size = (uint32_t)strlen(key) + 1;
	return transact(p, &m);
}

static long do_enum(struct peer *p, unsigned int pool, uint32_t index, char *key,
		    char *value)
{
	static struct kvp_msg m;
	long st;

	req_init(&m, KVP_OP_ENUMERATE, pool);
	m.body.enumerate.index = index;
	st = transact(p, &m);
	memcpy(key, m.body.enumerate.data.key, KVP_MAX_KEY_SIZE);
	memcpy(value, m.body.enumerate.data.value, KVP_MAX_VALUE_SIZE);
	return st;
}

static bool status_is(struct peer *p, long got, uint32_t want, const char *what)
{
	return EXPECT(p, got == (long)want, "%s: status 0x%lx, want 0x%x", what,
		      (unsigned long)got, want);
}

/* ---- functional cases ------------------------------------------------- */

static void t_pools_created(struct peer *p)
{
	char path[512];
	struct stat st;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < KVP_POOL_COUNT; i++) {
		pool_path(p, path, sizeof(path), i);
		ok &= EXPECT(p, stat(path, &st) == 0 && st.st_size == 0 &&
			     (st.st_mode & 07777) == 0644,
			     "%s missing, not empty or not 0644", path);
	}
	path_in(path, sizeof(path), p->pool_dir, ".kvp_pool_0.tmp");
	ok &= EXPECT(p, access(path, F_OK) < 0, "a stale temp file was not removed");
	report(p, "start/pools-created", ok);
}

static void t_notify(struct peer *p)
{
	char buf[256];
	int ready = 0, wd = 0;
	long long end;
	struct timespec ts;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + 1500 + p->timeout_ms / 5;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 > end || (ready && wd >= 2))
			break;
		if (!wait_readable(p->nfd, 50))
			continue;
		n = recv(p->nfd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		ready += strstr(buf, "READY=1") != NULL;
		wd += strstr(buf, "WATCHDOG=1") != NULL;
	}
	report(p, "notify/ready", EXPECT(p, ready == 1, "READY=1 seen %d times", ready));
	report(p, "notify/watchdog", EXPECT(p, wd >= 2, "WATCHDOG=1 seen %d times in the interval", wd));
}

static void t_set_get_delete(struct peer *p)
{
	char v[KVP_MAX_VALUE_SIZE], k[KVP_MAX_KEY_SIZE];
	const struct kv one[] = { { "Key1", "Value1" } };
	const struct kv two[] = { { "Key1", "Value1" }, { "Key2", "V2" } };
	const struct kv mod[] = { { "Key1", "x" }, { "Key2", "V2" } };
	const struct kv del[] = { { "Key2", "V2" } };
	static struct kvp_msg m;

	report(p, "set/new", status_is(p, do_set(p, 0, "Key1", "Value1"), HV_S_OK, "SET") &&
	       pool_is(p, 0, one, 1));
	report(p, "set/append", status_is(p, do_set(p, 0, "Key2", "V2"), HV_S_OK, "SET") &&
	       pool_is(p, 0, two, 2));
	report(p, "set/modify-shorter",
	       status_is(p, do_set(p, 0, "Key1", "a much longer value than before"), HV_S_OK, "SET") &&
	       status_is(p, do_set(p, 0, "Key1", "x"), HV_S_OK, "SET") && pool_is(p, 0, mod, 2));

	req_init(&m, KVP_OP_GET, 0);
	memcpy(m.body.get.key, "Key2", 5);
	m.body.get.key_size = 5;
	report(p, "get/found", status_is(p, transact(p, &m), HV_S_OK, "GET") &&
	       EXPECT(p, !strcmp((char *)m.body.get.value, "V2"), "value '%s'", m.body.get.value) &&
	       EXPECT(p, m.body.get.value_size == 3, "value_size %u", m.body.get.value_size));
	report(p, "get/missing", status_is(p, do_get(p, 0, "NoSuchKey", v), HV_S_CONT, "GET") &&
	       status_is(p, do_get(p, 0, "Key", v), HV_S_CONT, "GET of a prefix"));
	report(p, "enumerate/pool",
	       status_is(p, do_enum(p, 0, 0, k, v), HV_S_OK, "ENUM 0") &&
	       EXPECT(p, !strcmp(k, "Key1") && !strcmp(v, "x"), "0: '%s'='%s'", k, v) &&
	       status_is(p, do_enum(p, 0, 1, k, v), HV_S_OK, "ENUM 1") &&
	       EXPECT(p, !strcmp(k, "Key2") && !strcmp(v, "V2"), "1: '%s'='%s'", k, v) &&
	       status_is(p, do_enum(p, 0, 2, k, v), HV_S_CONT, "ENUM 2") &&
	       status_is(p, do_enum(p, 0, 0xffffffffu, k, v), HV_S_CONT, "ENUM max") &&
	       status_is(p, do_enum(p, 1, 0, k, v), HV_S_CONT, "ENUM empty pool"));
	report(p, "delete/found", status_is(p, do_delete(p, 0, "Key1"), HV_S_OK, "DELETE") &&
	       pool_is(p, 0, del, 1));
	report(p, "delete/missing", status_is(p, do_delete(p, 0, "Key1"), HV_S_CONT, "DELETE") &&
	       pool_is(p, 0, del, 1));
	report(p, "delete/last", status_is(p, do_delete(p, 0, "Key2"), HV_S_OK, "DELETE") &&
	       pool_is(p, 0, NULL, 0));
}

/*
 * Keys with control characters reach the log escaped: no forged lines, no
 * terminal escapes. The daemon logs to our stderr (run.sh: a file).
 */
static void t_log_escape(struct peer *p)
{
	char v[KVP_MAX_VALUE_SIZE];
	struct stat st;
	char *log = NULL;
	ssize_t n = -1;
	bool ok;
	int fd;

	ok = status_is(p, do_get(p, 0, "nokey\nhvlis-forged: GET", v), HV_S_CONT, "GET") &&
	     status_is(p, do_delete(p, 0, "nokey\r\nhvlis-forged: DELETE\x1b[2J"), HV_S_CONT,
		       "DELETE");
	fd = open("/proc/self/fd/2", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (log = malloc((size_t)st.st_size + 1)))
		n = read(fd, log, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	ok = ok && EXPECT(p, n > 0, "stderr is not a file that holds the daemon's log");
	if (ok) {
		log[n] = '\0';
		ok = EXPECT(p, !strstr(log, "\nhvlis-forged"), "a forged line in the log") &&
		     EXPECT(p, !strchr(log, '\r') && !strchr(log, 0x1b), "CR or ESC in the log") &&
		     EXPECT(p, strstr(log, "nokey\\x0ahvlis-forged: GET"), "the GET key is not logged escaped") &&
		     EXPECT(p, strstr(log, "nokey\\x0d\\x0ahvlis-forged: DELETE\\x1b[2J"),
			    "the DELETE key is not logged escaped");
	}
	free(log);
	report(p, "log/keys-escaped", ok);
}

static void t_utf8_and_limits(struct peer *p)
{
	char key[KVP_MAX_KEY_SIZE], value[KVP_MAX_VALUE_SIZE], got[KVP_MAX_VALUE_SIZE];
	struct kv kv[2] = { { "Grüße-ключ-キー", "値 ✓" } };

	report(p, "set/utf8", status_is(p, do_set(p, 3, kv[0].key, kv[0].value), HV_S_OK, "SET") &&
	       status_is(p, do_get(p, 3, kv[0].key, got), HV_S_OK, "GET") &&
	       EXPECT(p, !strcmp(got, kv[0].value), "got '%s'", got) && pool_is(p, 3, kv, 1));
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	kv[1].key = key;
	kv[1].value = value;
	report(p, "set/largest", status_is(p, do_set(p, 3, key, value), HV_S_OK, "SET") &&
	       status_is(p, do_get(p, 3, key, got), HV_S_OK, "GET") &&
	       EXPECT(p, !strcmp(got, value), "value differs") && pool_is(p, 3, kv, 2));
}

/* A SET whose fields are set by hand; the pool must not change. */
static void bad_set(struct peer *p, const char *name, unsigned int pool,
		    uint32_t key_size, uint32_t value_size, const char *key,
		    size_t key_bytes, const char *value, size_t value_bytes)
{
	static struct kvp_msg m;
	const struct kv none[1] = { { NULL, NULL } };

	req_init(&m, KVP_OP_SET, pool);
	memcpy(m.body.set.key, key, key_bytes);
	memcpy(m.body.set.value, value, value_bytes);
	m.body.set.key_size = key_size;
	m.body.set.value_size = value_size;
	report(p, name, status_is(p, transact(p, &m), HV_S_CONT, name) &&
	       (pool >= KVP_POOL_COUNT || pool_is(p, pool, none, 0)));
}

static void t_bad_requests(struct peer *p)
{
	static char big[KVP_MAX_VALUE_SIZE];
	static struct kvp_msg m;
	char k[KVP_MAX_KEY_SIZE], v[KVP_MAX_VALUE_SIZE], path[512];
	unsigned int ops[] = { 6, 7, 99, 101, 255 }, pools[] = { 5, 6, 200, 255 };
	unsigned int i;
	bool ok;

	memset(big, 'A', sizeof(big));
	bad_set(p, "bad/key-size-0", 0, 0, 2, "k", 2, "v", 2);
	bad_set(p, "bad/key-size-513", 0, 513, 2, "k", 2, "v", 2);
	bad_set(p, "bad/key-size-huge", 0, 0xffffffffu, 2, "k", 2, "v", 2);
	bad_set(p, "bad/value-size-0", 0, 2, 0, "k", 2, "v", 2);
	bad_set(p, "bad/value-size-2049", 0, 2, 2049, "k", 2, "v", 2);
	bad_set(p, "bad/key-unterminated", 0, 4, 2, "abcd", 4, "v", 2);
	bad_set(p, "bad/key-field-full", 0, KVP_MAX_KEY_SIZE, 2, big, KVP_MAX_KEY_SIZE, "v", 2);
	bad_set(p, "bad/value-field-full", 0, 2, KVP_MAX_VALUE_SIZE, "k", 2, big, KVP_MAX_VALUE_SIZE);
	bad_set(p, "bad/key-not-utf8", 0, 4, 2, "a\xffz", 4, "v", 2);
	bad_set(p, "bad/key-overlong-utf8", 0, 4, 2, "\xc0\xaf", 3, "v", 2);
	bad_set(p, "bad/value-not-utf8", 0, 2, 4, "k", 2, "\xed\xa0\x80", 4);

	req_init(&m, KVP_OP_DELETE, 0);
	m.body.del.key_size = 600;
	report(p, "bad/delete-key-size", status_is(p, transact(p, &m), HV_S_CONT, "DELETE"));
	req_init(&m, KVP_OP_GET, 0);
	memset(m.body.get.key, 'x', KVP_MAX_KEY_SIZE);
	m.body.get.key_size = KVP_MAX_KEY_SIZE;
	report(p, "bad/get-key-unterminated", status_is(p, transact(p, &m), HV_S_CONT, "GET"));

	ok = true;
	for (i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
		ok &= status_is(p, do_set(p, pools[i], "k", "v"), HV_S_CONT, "SET bad pool");
		ok &= status_is(p, do_get(p, pools[i], "k", v), HV_S_CONT, "GET bad pool");
		ok &= status_is(p, do_delete(p, pools[i], "k"), HV_S_CONT, "DELETE bad pool");
		ok &= status_is(p, do_enum(p, pools[i], 0, k, v), HV_S_CONT, "ENUM bad pool");
	}
	pool_path(p, path, sizeof(path), 5);
	ok &= EXPECT(p, access(path, F_OK) < 0, "a pool 5 file was created");
	report(p, "bad/pool-numbers", ok);

	ok = true;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		req_init(&m, ops[i], 0);
		ok &= status_is(p, transact(p, &m), HV_ERROR_NOT_SUPPORTED, "unknown op");
	}
	report(p, "bad/unknown-operations", ok);
}

static void t_malformed_sizes(struct peer *p)
{
	static unsigned char junk[KVP_MSG_SIZE + 600];
	size_t sizes[] = { 1, 3, 4, 100, 2576, KVP_MSG_SIZE - 1, KVP_MSG_SIZE + 1,
			   KVP_MSG_SIZE + 512 };
	unsigned char buf[KVP_MSG_SIZE + 16];
	char v[KVP_MAX_VALUE_SIZE];
	bool ok = true;
	size_t i;

	memset(junk, 0, sizeof(junk));
	junk[0] = KVP_OP_SET;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (send(p->cfd, junk, sizes[i], MSG_NOSIGNAL) != (ssize_t)sizes[i]) {
			ok = EXPECT(p, false, "send of %zu bytes failed", sizes[i]);
			continue;
		}
		ok &= EXPECT(p, recv_msg(p, buf, sizeof(buf), 150) == 0,
			     "a %zu-byte message was answered", sizes[i]);
	}
	ok &= status_is(p, do_set(p, 4, "after", "junk"), HV_S_OK, "SET after junk") &&
	      status_is(p, do_get(p, 4, "after", v), HV_S_OK, "GET after junk") &&
	      status_is(p, do_delete(p, 4, "after"), HV_S_OK, "DELETE after junk");
	report(p, "bad/message-sizes", ok);
}

static void t_auto_pool(struct peer *p)
{
	static const char *const keys[KVP_AUTO_COUNT] = KVP_AUTO_KEYS;
	char k[KVP_MAX_KEY_SIZE], v[KVP_MAX_VALUE_SIZE], want[KVP_MAX_VALUE_SIZE];
	char host[256] = "";
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_CANONNAME }, *ai = NULL;
	struct ifaddrs *ifa, *i4;
	struct utsname u;
	bool ok = true;
	unsigned int i;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	for (i = 0; i < KVP_AUTO_COUNT; i++) {
		if (!status_is(p, do_enum(p, KVP_POOL_AUTO, i, k, v), HV_S_OK, keys[i]) ||
		    !EXPECT(p, !strcmp(k, keys[i]), "index %u: key '%s', want '%s'", i, k, keys[i])) {
			ok = false;
			continue;
		}
		want[0] = '\0';
		switch (i) {
		case 0:
			snprintf(want, sizeof(want), "%s", host);
			if (!strchr(host, '.') && !getaddrinfo(host, NULL, &hints, &ai) &&
			    ai->ai_canonname)
				snprintf(want, sizeof(want), "%s", ai->ai_canonname);
			if (ai)
				freeaddrinfo(ai);
			break;
		case 1: strcpy(want, "3.1"); break;
		case 2:
		case 3:
			getifaddrs(&ifa);
			for (i4 = ifa; i4; i4 = i4->ifa_next) {
				int fam = i == 2 ? AF_INET : AF_INET6;
				char a[64];

				if (!i4->ifa_addr || i4->ifa_addr->sa_family != fam ||
				    (i4->ifa_flags & IFF_LOOPBACK))
					continue;
				inet_ntop(fam, fam == AF_INET
					  ? (void *)&((struct sockaddr_in *)i4->ifa_addr)->sin_addr
					  : (void *)&((struct sockaddr_in6 *)i4->ifa_addr)->sin6_addr,
					  a, sizeof(a));
				snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
					 want[0] ? ";" : "", a);
			}
			freeifaddrs(ifa);
			if (p->netns_if)
				ok &= EXPECT(p, !strcmp(want, i == 2 ? "192.0.2.5" : "2001:db8::5"),
					     "netns addresses '%s'", want);
			break;
		case 4: snprintf(want, sizeof(want), "%s", u.release); break;
		case 5: strcpy(want, "hvlis \"Test\" Linux"); break;
		case 6: strcpy(want, "42.1"); break;
		case 7: break;
		case 8:
			snprintf(want, sizeof(want), "%s", u.release);
			want[strcspn(want, "-")] = '\0';
			break;
		case 9: snprintf(want, sizeof(want), "%s", u.machine); break;
		}
		ok &= EXPECT(p, !strcmp(v, want), "%s = '%s', want '%s'", keys[i], v, want);
	}
	ok &= status_is(p, do_enum(p, KVP_POOL_AUTO, KVP_AUTO_COUNT, k, v), HV_S_CONT, "index 10");
	ok &= status_is(p, do_enum(p, KVP_POOL_AUTO, 1000000, k, v), HV_S_CONT, "index 1000000");
	report(p, "enumerate/auto-intrinsics", ok);
}

/* Pool files as the in-box daemon leaves them keep working. */
static void t_existing_pools(struct peer *p)
{
	unsigned char recs[4 * REC + 100], *data;
	char k[KVP_MAX_KEY_SIZE], v[KVP_MAX_VALUE_SIZE], path[512];
	bool ok;
	ssize_t len;

	/* pool 1: three records, the second with an old longer value's tail
	 * behind its NUL (the in-box daemon leaves those) */
	make_record(recs, "VirtualMachineName", "guest-1");
	make_record(recs + REC, "Short", "ab");
	memcpy(recs + REC + KVP_MAX_KEY_SIZE + 3, "old tail", 8);
	make_record(recs + 2 * REC, "Third", "3");
	pool_path(p, path, sizeof(path), 1);
	write_file(path, recs, 3 * REC);
	ok = status_is(p, do_enum(p, 1, 1, k, v), HV_S_OK, "ENUM") &&
	     EXPECT(p, !strcmp(k, "Short") && !strcmp(v, "ab"), "'%s'='%s'", k, v) &&
	     status_is(p, do_get(p, 1, "Third", v), HV_S_OK, "GET") &&
	     status_is(p, do_set(p, 1, "New", "n"), HV_S_OK, "SET");
	len = read_file(path, &data);
	make_record(recs + 3 * REC, "New", "n");
	ok = ok && EXPECT(p, len == 4 * REC && !memcmp(data, recs, 4 * REC),
			  "the old records were not kept byte for byte");
	free(data);
	report(p, "compat/inbox-pool-file", ok);

	/* pool 4: a record and a partial one (a torn write of another tool) */
	make_record(recs, "Whole", "1");
	memset(recs + REC, 'p', 100);
	pool_path(p, path, sizeof(path), 4);
	write_file(path, recs, REC + 100);
	ok = status_is(p, do_enum(p, 4, 0, k, v), HV_S_OK, "ENUM 0") &&
	     status_is(p, do_enum(p, 4, 1, k, v), HV_S_CONT, "ENUM 1") &&
	     status_is(p, do_set(p, 4, "Two", "2"), HV_S_OK, "SET");
	{
		const struct kv want[] = { { "Whole", "1" }, { "Two", "2" } };

		ok = ok && pool_is(p, 4, want, 2);
	}
	report(p, "compat/partial-record", ok);

	/* pool 2 (auto, written by nobody but readable): unterminated and
	 * non-UTF-8 records */
	memset(recs, 'k', REC);
	make_record(recs + REC, "bad\xff", "va\x01lue\xc3");
	pool_path(p, path, sizeof(path), 2);
	write_file(path, recs, 2 * REC);
	report(p, "compat/broken-records",
	       status_is(p, do_enum(p, KVP_POOL_AUTO, 0, k, v), HV_S_OK, "auto pool is intrinsics") &&
	       status_is(p, do_set(p, 2, "x", "y"), HV_S_OK, "SET into pool 2"));
	len = read_file(path, &data);
	ok = EXPECT(p, len == 3 * REC, "pool 2 is %zd bytes", len) &&
	     EXPECT(p, data[KVP_MAX_KEY_SIZE - 1] == 0 && data[REC - 1] == 0,
		    "the unterminated record was not terminated") &&
	     EXPECT(p, !memcmp(data, recs, KVP_MAX_KEY_SIZE - 1), "record 0 changed");
	free(data);
	report(p, "compat/broken-records-repaired", ok);

	/* the same broken records in pool 3, read through ENUMERATE */
	memset(recs, 'k', REC);
	make_record(recs + REC, "bad\xff", "va\x01lue\xc3");
	pool_path(p, path, sizeof(path), 3);
	write_file(path, recs, 2 * REC);
	ok = status_is(p, do_enum(p, 3, 0, k, v), HV_S_OK, "ENUM 0") &&
	     EXPECT(p, strlen(k) == KVP_MAX_KEY_SIZE - 1 && strspn(k, "k") == strlen(k),
		    "unterminated key: %zu bytes", strlen(k)) &&
	     status_is(p, do_enum(p, 3, 1, k, v), HV_S_OK, "ENUM 1") &&
	     EXPECT(p, !strcmp(k, "bad?") && !strcmp(v, "va?lue?"), "'%s'='%s'", k, v);
	report(p, "compat/unterminated-and-not-utf8", ok);
}

static void t_pool_full(struct peer *p)
{
	char key[32];
	bool ok = true;
	int i;

	/* the daemon runs with --max-records 16 */
	for (i = 0; i < 16 && ok; i++) {
		snprintf(key, sizeof(key), "fill%02d", i);
		ok = status_is(p, do_set(p, 0, key, "x"), HV_S_OK, key);
	}
	ok = ok && status_is(p, do_set(p, 0, "one-too-many", "x"), HV_S_CONT, "SET past the limit") &&
	     status_is(p, do_set(p, 0, "fill03", "changed"), HV_S_OK, "modify when full") &&
	     status_is(p, do_delete(p, 0, "fill00"), HV_S_OK, "DELETE") &&
	     status_is(p, do_set(p, 0, "one-too-many", "x"), HV_S_OK, "SET after DELETE");
	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "fill%02d", i);
		do_delete(p, 0, key);
	}
	do_delete(p, 0, "one-too-many");
	report(p, "set/pool-full", ok && pool_is(p, 0, NULL, 0));
}

/* ---- IP settings ------------------------------------------------------ */

static long ip_req(struct peer *p, struct kvp_msg *m, unsigned int op, const char *adapter,
		   const char *ip, const char *mask, const char *gw, const char *dns, int dhcp)
{
	req_init(m, op, 0);
	snprintf((char *)m->body.ip.adapter_id, sizeof(m->body.ip.adapter_id), "%s", adapter);
	snprintf((char *)m->body.ip.ip_addr, KVP_MAX_IP_ADDR, "%s", ip);
	snprintf((char *)m->body.ip.sub_net, KVP_MAX_IP_ADDR, "%s", mask);
	snprintf((char *)m->body.ip.gate_way, KVP_MAX_GATEWAY, "%s", gw);
	snprintf((char *)m->body.ip.dns_addr, KVP_MAX_IP_ADDR, "%s", dns);
	m->body.ip.dhcp_enabled = (uint8_t)dhcp;
	m->body.ip.addr_family = KVP_ADDR_FAMILY_IPV4 | KVP_ADDR_FAMILY_IPV6;
	return transact(p, m);
}

static bool field_is(struct peer *p, const uint8_t *f, const char *want, const char *name)
{
	return EXPECT(p, !strcmp((const char *)f, want), "%s '%s', want '%s'", name,
		      (const char *)f, want);
}

static void t_get_ip_info(struct peer *p)
{
	static struct kvp_msg m;
	char mac[32], path[512];
	bool ok;

	path_in(path, sizeof(path), p->work, "sysfs/v0/address");
	{
		FILE *f = fopen(path, "r");

		if (!f || !fgets(mac, sizeof(mac), f))
			mac[0] = '\0';
		if (f)
			fclose(f);
	}
	mac[strcspn(mac, "\n")] = '\0';
	for (char *c = mac; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	if (p->netns_if) {
		ok = status_is(p, ip_req(p, &m, KVP_OP_GET_IP_INFO, mac, "", "", "", "", 0),
			       HV_S_OK, "GET_IP_INFO") &&
		     field_is(p, m.body.ip.ip_addr, "192.0.2.5;2001:db8::5", "ip_addr") &&
		     field_is(p, m.body.ip.sub_net, "255.255.255.0;/64", "sub_net") &&
		     field_is(p, m.body.ip.gate_way, "192.0.2.1;2001:db8::1", "gate_way") &&
		     field_is(p, m.body.ip.dns_addr, "192.0.2.53;2001:db8::53", "dns_addr") &&
		     EXPECT(p, m.body.ip.dhcp_enabled == 1, "dhcp_enabled %u", m.body.ip.dhcp_enabled) &&
		     EXPECT(p, m.body.ip.addr_family == 3, "addr_family %u", m.body.ip.addr_family) &&
		     field_is(p, m.body.ip.adapter_id, mac, "adapter_id");
		report(p, "get-ip-info/netns-veth", ok);
		for (char *c = mac; *c; c++)
			*c = *c == ':' ? '-' : (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
		report(p, "get-ip-info/mac-forms",
		       status_is(p, ip_req(p, &m, KVP_OP_GET_IP_INFO, mac, "", "", "", "", 0),
				 HV_S_OK, "GET_IP_INFO lower case with dashes"));
	}
	ok = status_is(p, ip_req(p, &m, KVP_OP_GET_IP_INFO, "00:11:22:33:44:55", "", "", "", "", 0),
		       HV_E_FAIL, "unknown MAC") &&
	     field_is(p, m.body.ip.ip_addr, "", "ip_addr");
	report(p, "get-ip-info/unknown-mac", ok);
	report(p, "get-ip-info/not-a-mac",
	       status_is(p, ip_req(p, &m, KVP_OP_GET_IP_INFO, "../../etc/passwd", "", "", "", "", 0),
			 HV_E_FAIL, "not a MAC") &&
	       status_is(p, ip_req(p, &m, KVP_OP_GET_IP_INFO, "00:11:22:33:44:5G", "", "", "", "", 0),
			 HV_E_FAIL, "not hex"));
	req_init(&m, KVP_OP_GET_IP_INFO, 0);
	memset(m.body.ip.adapter_id, 'A', sizeof(m.body.ip.adapter_id));
	report(p, "get-ip-info/unterminated", status_is(p, transact(p, &m), HV_E_FAIL, "unterminated"));
}

static bool settings_are(struct peer *p, const char *want)
{
	char path[512];
	unsigned char *data;
	ssize_t n;
	bool ok;

	path_in(path, sizeof(path), p->work, "out/settings");
	n = read_file(path, &data);
	if (n < 0)
		return EXPECT(p, want == NULL, "hv_set_ifconfig was not run");
	data[n] = '\0';
	ok = EXPECT(p, want != NULL, "hv_set_ifconfig ran") &&
	     EXPECT(p, !strcmp((char *)data, want), "settings:\n%s\nwant:\n%s", data, want);
	free(data);
	unlink(path);
	return ok;
}

static bool no_temp_left(struct peer *p)
{
	DIR *d = opendir(p->pool_dir);
	struct dirent *e;
	bool ok = true;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, ".hv_set_ifconfig", 16))
			ok = EXPECT(p, false, "%s was left behind", e->d_name);
	if (d)
		closedir(d);
	return ok;
}

static void t_set_ip_info(struct peer *p)
{
	static struct kvp_msg m;
	char rc_path[512];
	char mac[32] = "";
	char want[1024];
	FILE *f;
	bool ok;

	path_in(rc_path, sizeof(rc_path), p->work, "sysfs/v0/address");
	f = fopen(rc_path, "r");
	if (f) {
		if (!fgets(mac, sizeof(mac), f))
			mac[0] = '\0';
		fclose(f);
	}
	mac[strcspn(mac, "\n")] = '\0';
	snprintf(want, sizeof(want),
		 "# hvlis hv_kvp_daemon: IP settings from the Hyper-V host (SET_IP_INFO)\n"
		 "DEVICE=v0\nHWADDR=%s\nDHCP=no\n"
		 "IPV4_ADDRESSES=192.0.2.10/24 198.51.100.7/30\nIPV4_GATEWAYS=192.0.2.1\n"
		 "IPV6_ADDRESSES=2001:db8::10/64\nIPV6_GATEWAYS=2001:db8::1\n"
		 "DNS=192.0.2.53 2001:db8::53\n", mac);
	ok = status_is(p, ip_req(p, &m, KVP_OP_SET_IP_INFO, "{F5BEE29C-1741-4AAD-A4C2-8FDEDB46DCC2}",
				 "192.0.2.10; 2001:DB8:0:0::10;198.51.100.7", "255.255.255.0;64;/30",
				 "192.0.2.1;2001:db8::1", "192.0.2.53;2001:db8::53", 0),
		       HV_S_OK, "SET_IP_INFO") &&
	     settings_are(p, want) && no_temp_left(p);
	report(p, "set-ip-info/static", ok);
	snprintf(want, sizeof(want),
		 "# hvlis hv_kvp_daemon: IP settings from the Hyper-V host (SET_IP_INFO)\n"
		 "DEVICE=v0\nHWADDR=%s\nDHCP=yes\nIPV4_ADDRESSES=\nIPV4_GATEWAYS=\n"
		 "IPV6_ADDRESSES=\nIPV6_GATEWAYS=\nDNS=\n", mac);
	report(p, "set-ip-info/dhcp",
	       status_is(p, ip_req(p, &m, KVP_OP_SET_IP_INFO, GUID, "", "", "", "", 1), HV_S_OK,
			 "SET_IP_INFO") && settings_are(p, want));

	report(p, "set-ip-info/unknown-guid",
	       status_is(p, ip_req(p, &m, KVP_OP_SET_IP_INFO, "{00000000-1111-2222-3333-444444444444}",
				   "192.0.2.10", "255.255.255.0", "", "", 0),
			 HV_GUID_NOTFOUND, "SET_IP_INFO") && settings_are(p, NULL));
	struct {
		const char *name, *adapter, *ip, *mask, *gw, *dns;
	} bad[] = {
		{ "shell-metacharacters", GUID, "192.0.2.10;$(reboot)", "255.255.255.0;24", "", "" },
		{ "newline-injection", GUID, "192.0.2.10", "24", "192.0.2.1\nDEVICE=eth9", "" },
		{ "not-an-address", GUID, "300.1.1.1", "24", "", "" },
		{ "mask-count", GUID, "192.0.2.10;192.0.2.11", "24", "", "" },
		{ "mask-not-contiguous", GUID, "192.0.2.10", "255.0.255.0", "", "" },
		{ "prefix-too-long", GUID, "192.0.2.10", "33", "", "" },
		{ "v6-prefix-too-long", GUID, "2001:db8::10", "129", "", "" },
		{ "bad-gateway", GUID, "192.0.2.10", "24", "192.0.2", "" },
		{ "bad-dns", GUID, "192.0.2.10", "24", "", "::g" },
		{ "adapter-path", "../../../etc/passwd", "192.0.2.10", "24", "", "" },
		{ "adapter-not-guid", "{F5BEE29C-1741-4AAD-A4C2-8FDEDB46DCC}", "192.0.2.10", "24", "", "" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[96];

		snprintf(name, sizeof(name), "set-ip-info/bad-%s", bad[i].name);
		report(p, name, status_is(p, ip_req(p, &m, KVP_OP_SET_IP_INFO, bad[i].adapter,
						    bad[i].ip, bad[i].mask, bad[i].gw,
						    bad[i].dns, 0),
					  HV_INVALIDARG, bad[i].name) &&
		       settings_are(p, NULL) && no_temp_left(p));
	}
	req_init(&m, KVP_OP_SET_IP_INFO, 0);
	snprintf((char *)m.body.ip.adapter_id, 64, "%s", GUID);
	memset(m.body.ip.ip_addr, '1', sizeof(m.body.ip.ip_addr));
	report(p, "set-ip-info/bad-unterminated",
	       status_is(p, transact(p, &m), HV_INVALIDARG, "unterminated") && settings_are(p, NULL));

	path_in(rc_path, sizeof(rc_path), p->work, "out/rc");
	write_str(rc_path, "1\n");
	ok = status_is(p, ip_req(p, &m, KVP_OP_SET_IP_INFO, GUID, "192.0.2.10", "24", "", "", 0),
		       HV_E_FAIL, "script fails");
	unlink(rc_path);
	path_in(rc_path, sizeof(rc_path), p->work, "out/settings");
	unlink(rc_path);
	report(p, "set-ip-info/script-fails", ok && no_temp_left(p));
}

/* ---- lifecycle -------------------------------------------------------- */

static void t_reconnect(struct peer *p)
{
	char v[KVP_MAX_VALUE_SIZE];
	bool ok;

	close(p->cfd);
	p->cfd = -1;
	ok = EXPECT(p, accept_daemon(p) >= 0, "the daemon did not reconnect") && handshake(p) &&
	     status_is(p, do_set(p, 0, "after-reopen", "yes"), HV_S_OK, "SET") &&
	     status_is(p, do_get(p, 0, "after-reopen", v), HV_S_OK, "GET") &&
	     status_is(p, do_delete(p, 0, "after-reopen"), HV_S_OK, "DELETE");
	report(p, "lifecycle/reopen", ok);
}

static void t_sighup(struct peer *p)
{
	char k[KVP_MAX_KEY_SIZE], v[KVP_MAX_VALUE_SIZE];

	kill(p->pid, SIGHUP);
	usleep(100000);
	report(p, "lifecycle/sighup",
	       status_is(p, do_enum(p, KVP_POOL_AUTO, 5, k, v), HV_S_OK, "ENUM after SIGHUP"));
}

static void t_sigterm(struct peer *p)
{
	char buf[256];
	int st, stopping = 0;
	ssize_t n;

	/* empty the notify queue so that STOPPING=1 finds room */
	while (recv(p->nfd, buf, sizeof(buf), 0) > 0)
		;
	st = stop_daemon(p, SIGTERM);

	while ((n = recv(p->nfd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		stopping += strstr(buf, "STOPPING=1") != NULL;
	}
	report(p, "lifecycle/sigterm",
	       EXPECT(p, st == 0, "exit status %d (99: valgrind found errors)", st) &&
	       EXPECT(p, stopping == 1, "STOPPING=1 seen %d times", stopping));
}

static void setup_work(struct peer *p)
{
	char path[512];

	path_in(path, sizeof(path), p->work, "os-release");
	write_str(path, "# test\nNAME=\"hvlis \\\"Test\\\" Linux\"\nVERSION_ID='42.1'\nID=hvlistest\n");
	path_in(p->pool_dir, sizeof(p->pool_dir), p->work, "pool");
	mkdir(p->pool_dir, 0755);
	path_in(p->sock_path, sizeof(p->sock_path), p->work, "kvp.sock");
	path_in(p->notify_path, sizeof(p->notify_path), p->work, "notify.sock");
	p->lfd = listen_on(p->sock_path);
	p->nfd = notify_socket(p->notify_path);
}

static int functional(struct peer *p)
{
	const char *extra[] = { "--max-records", "16", NULL };
	char path[512];

	setup_work(p);
	path_in(path, sizeof(path), p->pool_dir, ".kvp_pool_0.tmp");
	write_str(path, "stale");
	if (!start_daemon(p, extra, true)) {
		report(p, "start/register", false);
		stop_daemon(p, SIGKILL);
		return 1;
	}
	report(p, "start/register", true);
	t_notify(p);
	t_pools_created(p);
	t_set_get_delete(p);
	t_log_escape(p);
	t_utf8_and_limits(p);
	t_bad_requests(p);
	t_malformed_sizes(p);
	t_auto_pool(p);
	t_existing_pools(p);
	t_pool_full(p);
	t_get_ip_info(p);
	t_set_ip_info(p);
	t_reconnect(p);
	t_sighup(p);
	t_sigterm(p);
	return p->failures ? 1 : 0;
}

/* ---- crash test ------------------------------------------------------- */

#define CRASH_KEYS 6

struct model {
	char value[CRASH_KEYS][64];	/* "" = absent */
};

/* Checks every pool file's format and pool 0's content against the model:
 * key k must hold its acknowledged value, or (for the one in flight) the
 * value being written. */
static bool crash_verify(struct peer *p, const struct model *acked, int inflight_key,
			 const char *inflight_value)
{
	unsigned char *data;
	char path[512], key[16];
	bool seen[CRASH_KEYS] = { false };
	ssize_t len;
	unsigned int pool;
	bool ok = true;

	for (pool = 0; pool < KVP_POOL_COUNT && ok; pool++) {
		pool_path(p, path, sizeof(path), pool);
		len = read_file(path, &data);
		ok = EXPECT(p, len >= 0 && len % REC == 0, "pool %u is %zd bytes", pool, len);
		for (ssize_t off = 0; ok && off < len; off += REC) {
			const char *k = (char *)data + off, *v = k + KVP_MAX_KEY_SIZE;
			int i;

			ok = EXPECT(p, memchr(k, 0, KVP_MAX_KEY_SIZE) && memchr(v, 0, KVP_MAX_VALUE_SIZE),
				    "pool %u: record %zd not terminated", pool, off / REC);
			if (!ok || pool != 0)
				continue;
			ok = EXPECT(p, sscanf(k, "key%d", &i) == 1 && i >= 0 && i < CRASH_KEYS &&
				    !seen[i], "pool 0: unexpected or repeated key '%s'", k);
			if (!ok)
				continue;
			seen[i] = true;
			ok = EXPECT(p, !strcmp(v, acked->value[i]) ||
				    (i == inflight_key && inflight_value &&
				     !strcmp(v, inflight_value)),
				    "pool 0: %s = '%.20s', acknowledged '%.20s'", k, v, acked->value[i]);
		}
		free(data);
	}
	for (int i = 0; ok && i < CRASH_KEYS; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		ok = EXPECT(p, seen[i] || !acked->value[i][0] ||
			    (i == inflight_key && !inflight_value),
			    "pool 0: acknowledged %s is missing", key);
	}
	return ok;
}

static int crash(struct peer *p, int iterations, unsigned int seed)
{
	struct model acked;
	static struct kvp_msg m;
	unsigned char buf[KVP_MSG_SIZE + 16];
	long long acks = 0;
	int it, j, n_ops, st, k;
	char value[64];
	bool ok = true;

	memset(&acked, 0, sizeof(acked));
	setup_work(p);
	p->timeout_ms = 5000;
	srand(seed);
	for (it = 0; it < iterations && ok; it++) {
		int inflight_key = -1;
		const char *inflight_value = NULL;

		if (!start_daemon(p, NULL, false)) {
			ok = false;
			break;
		}
		n_ops = rand() % 8;
		for (j = 0; j <= n_ops && ok; j++) {
			bool last = j == n_ops, del = rand() % 4 == 0;

			k = rand() % CRASH_KEYS;
			snprintf(value, sizeof(value), "v%d.%d-%0*d", it, j, rand() % 40, 0);
			req_init(&m, del ? KVP_OP_DELETE : KVP_OP_SET, 0);
			if (del) {
				m.body.del.key_size = (uint32_t)snprintf((char *)m.body.del.key,
									 16, "key%d", k) + 1;
			} else {
				m.body.set.key_size = (uint32_t)snprintf((char *)m.body.set.key,
									 16, "key%d", k) + 1;
				m.body.set.value_size = (uint32_t)strlen(value) + 1;
				memcpy(m.body.set.value, value, strlen(value) + 1);
			}
			if (!last) {
				st = (int)transact(p, &m);
				if (st == (int)HV_S_OK) {
					snprintf(acked.value[k], sizeof(acked.value[k]), "%s",
						 del ? "" : value);
					acks++;
				} else {
					ok = EXPECT(p, del && st == (int)HV_S_CONT,
						    "iteration %d: status 0x%x", it, st);
				}
				continue;
			}
			/* the last one: send it and kill the daemon while it works */
			send(p->cfd, &m, sizeof(m), MSG_NOSIGNAL);
			inflight_key = k;
			inflight_value = del ? NULL : value;
			usleep((useconds_t)(rand() % 1500));
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			p->pid = 0;
			/* an answer that made it out is an acknowledgement */
			if (recv(p->cfd, buf, sizeof(buf), MSG_DONTWAIT) == KVP_MSG_SIZE &&
			    ((struct kvp_msg *)buf)->error == HV_S_OK) {
				snprintf(acked.value[k], sizeof(acked.value[k]), "%s",
					 del ? "" : value);
				inflight_key = -1;
				acks++;
			}
		}
		if (p->pid > 0) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			p->pid = 0;
		}
		close(p->cfd);
		p->cfd = -1;
		ok = ok && crash_verify(p, &acked, inflight_key, inflight_value);
		/* whatever was in flight is now the truth, if it landed */
		if (ok && inflight_key >= 0) {
			char path[512], name[16];
			unsigned char *d;
			ssize_t len;

			pool_path(p, path, sizeof(path), 0);
			len = read_file(path, &d);
			snprintf(name, sizeof(name), "key%d", inflight_key);
			acked.value[inflight_key][0] = '\0';
			for (ssize_t off = 0; off + REC <= len; off += REC)
				if (!strcmp((char *)d + off, name))
					snprintf(acked.value[inflight_key], 64, "%s",
						 (char *)d + off + KVP_MAX_KEY_SIZE);
			free(d);
		}
	}
	printf("# crash: %d kills, %lld acknowledged changes\n", it, acks);
	if (ok)
		printf("PASS: %skvp/crash-kill9-x%d\n", p->prefix, iterations);
	else
		printf("FAIL: %skvp/crash-kill9-x%d: iteration %d: %s\n", p->prefix, iterations,
		       it, p->reason);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "daemon", required_argument, NULL, 'd' },
		{ "work", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "valgrind", no_argument, NULL, 'V' },
		{ "netns-if", required_argument, NULL, 'i' },
		{ "crash", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ 0 },
	};
	struct peer p = { .prefix = "", .timeout_ms = 3000, .cfd = -1, .lfd = -1, .nfd = -1 };
	int c, crash_n = 0;
	unsigned int seed = (unsigned int)time(NULL);

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': p.daemon = optarg; break;
		case 'w': p.work = optarg; break;
		case 'p': p.prefix = optarg; break;
		case 'V': p.valgrind = true; p.timeout_ms = 20000; break;
		case 'i': p.netns_if = optarg; break;
		case 'c': crash_n = atoi(optarg); break;
		case 's': seed = (unsigned int)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!p.daemon || !p.work) {
		fprintf(stderr, "usage: kvp_peer --daemon BIN --work DIR [...]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (crash_n > 0) {
		printf("# crash: seed %u\n", seed);
		return crash(&p, crash_n, seed);
	}
	return functional(&p);
}
