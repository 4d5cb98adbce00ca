// SPDX-License-Identifier: GPL-2.0-only
/*
 * vss_peer: plays the kernel's side of /dev/vmbus/hv_vss for hv_vss_daemon
 * and checks what really happens to file systems.
 *
 *   vss_peer --daemon BIN --work DIR [--prefix P] [--valgrind]
 *
 * Run it in a private mount namespace where run.sh has mounted, under
 * WORK/mnt: a (ext4 on a loop device), a-bind (a bind mount of a), b (ext4
 * on a loop device whose image lives on a: nested) and ro (read-only). The
 * daemon is given WORK/mounts, a mount table with only those, so nothing
 * else is ever frozen. Whether a file system is frozen is probed with
 * FIFREEZE (EBUSY: it is; success: it was not, and it is thawed again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fs.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/uapi/vss.h>

struct peer {
	const char *daemon, *work, *prefix;
	const char *plain, *shim;	/* for the slow-freeze runs (--shim) */
	bool valgrind;
	int timeout_ms;
	char sock[256], notify[256], mounts[256], log[256], mnt[3][256];
	char stack_s[256], stack_alias[256], stack2_t[256], stack2_ro[256], slow_log[256];
	int lfd, nfd, cfd;
	pid_t pid;
	int failures;
	char reason[512];
};

static void why(struct peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

#define EXPECT(p, cond, ...) ((cond) ? true : (why(p, __VA_ARGS__), false))

static void report(struct peer *p, const char *name, bool ok)
{
	if (ok && !p->reason[0]) {
		printf("PASS: %svss/%s\n", p->prefix, name);
	} else {
		printf("FAIL: %svss/%s: %s\n", p->prefix, name, p->reason[0] ? p->reason : "check failed");
		p->failures++;
	}
	fflush(stdout);
	p->reason[0] = '\0';
}

static int unix_socket(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: too long for a socket\n", path);
		exit(2);
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_SEQPACKET && listen(fd, 4) < 0)) {
		perror(path);
		exit(2);
	}
	return fd;
}

static bool readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

/* Is the file system at dir frozen? */
static bool frozen(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), r;
	bool busy;

	if (fd < 0)
		return false;
	r = ioctl(fd, FIFREEZE, 0);
	busy = r < 0 && errno == EBUSY;
	if (r == 0)
		ioctl(fd, FITHAW, 0);
	close(fd);
	return busy;
}

static bool states(struct peer *p, bool a, bool b, bool ro)
{
	bool fa = frozen(p->mnt[0]), fb = frozen(p->mnt[1]), fro = frozen(p->mnt[2]);

	return EXPECT(p, fa == a && fb == b && fro == ro,
		      "frozen: a=%d b=%d ro=%d, want %d %d %d", fa, fb, fro, a, b, ro);
}

static void thaw_all(struct peer *p)
{
	for (int i = 0; i < 3; i++) {
		int fd = open(p->mnt[i], O_RDONLY | O_DIRECTORY);

		if (fd >= 0) {
			ioctl(fd, FITHAW, 0);
			close(fd);
		}
	}
}

/*
 * Starts a daemon: BIN (under valgrind if p->valgrind and bin is
 * p->daemon) with --thaw-timeout timeout, and env ("NAME=value" strings,
 * NULL-terminated; may be NULL) added to its environment.
 */
static void spawn_env(struct peer *p, const char *bin, const char *timeout,
		      const char *const *env)
{
	const char *argv[24];
	int n = 0, fd;

	if (p->valgrind && bin == p->daemon) {
		argv[n++] = "valgrind";
		argv[n++] = "-q";
		argv[n++] = "--error-exitcode=99";
		argv[n++] = "--leak-check=full";
		argv[n++] = "--errors-for-leak-kinds=definite,indirect";
		argv[n++] = "--child-silent-after-fork=yes";
	}
	argv[n++] = bin;
	argv[n++] = "-n";
	argv[n++] = "-v";
	argv[n++] = "--device";
	argv[n++] = p->sock;
	argv[n++] = "--mounts";
	argv[n++] = p->mounts;
	argv[n++] = "--thaw-timeout";
	argv[n++] = timeout;
	argv[n] = NULL;
	p->pid = fork();
	if (p->pid == 0) {
		fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		setenv("NOTIFY_SOCKET", p->notify, 1);
		while (env && *env)
			putenv((char *)*env++);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
}

static void spawn(struct peer *p, const char *timeout)
{
	spawn_env(p, p->daemon, timeout, NULL);
}

static bool handshake(struct peer *p)
{
	unsigned char buf[64], zero[VSS_MSG_SIZE] = { VSS_OP_REGISTER1 };
	uint32_t ver = VSS_OP_REGISTER1;
	ssize_t n;

	if (!EXPECT(p, readable(p->lfd, p->timeout_ms * 4), "the daemon did not connect"))
		return false;
	p->cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (!EXPECT(p, readable(p->cfd, p->timeout_ms), "no registration"))
		return false;
	n = recv(p->cfd, buf, sizeof(buf), 0);
	return EXPECT(p, n == VSS_MSG_SIZE && !memcmp(buf, zero, VSS_MSG_SIZE),
		      "registration: %zd bytes, op %u", n, buf[0]) &&
	       EXPECT(p, send(p->cfd, &ver, sizeof(ver), MSG_NOSIGNAL) == sizeof(ver),
		      "send failed");
}

static long request(struct peer *p, unsigned int op)
{
	struct vss_msg m = { .hdr.operation = (uint8_t)op };
	unsigned char buf[64];
	ssize_t n;

	if (send(p->cfd, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
		return -1;
	if (!readable(p->cfd, p->timeout_ms)) {
		why(p, "op %u: no answer", op);
		return -1;
	}
	n = recv(p->cfd, buf, sizeof(buf), 0);
	if (n != VSS_MSG_SIZE) {
		why(p, "op %u: answer of %zd bytes", op, n);
		return -1;
	}
	memcpy(&m, buf, sizeof(m));
	return (long)m.error;
}

static bool status(struct peer *p, long got, uint32_t want, const char *what)
{
	return EXPECT(p, got == (long)want, "%s: 0x%lx, want 0x%x", what, (unsigned long)got, want);
}

static int stop(struct peer *p, int sig)
{
	int st, i;

	kill(p->pid, sig);
	for (i = 0; i < p->timeout_ms / 10; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			close(p->cfd);
			p->cfd = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	return -1;
}

static off_t log_size(struct peer *p)
{
	struct stat st;

	return stat(p->log, &st) == 0 ? st.st_size : -1;
}

static bool log_has(struct peer *p, const char *s)
{
	char buf[65536];
	FILE *f = fopen(p->log, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

static void write_mounts(struct peer *p, bool with_bad)
{
	char src[512], bad[512];
	FILE *in, *out;
	char line[1024];

	snprintf(src, sizeof(src), "%s/mounts.good", p->work);
	in = fopen(src, "r");
	out = fopen(p->mounts, "w");
	while (in && out && fgets(line, sizeof(line), in))
		fputs(line, out);
	if (with_bad && out) {
		snprintf(bad, sizeof(bad), "/dev/loop-none %s/no-such-dir ext4 rw 0 0\n", p->work);
		fputs(bad, out);
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/* The mount table becomes WORK/NAME without the lines containing skip. */
static void write_mounts_from(struct peer *p, const char *name, const char *skip)
{
	char src[512], line[1024];
	FILE *in, *out;

	snprintf(src, sizeof(src), "%s/%s", p->work, name);
	in = fopen(src, "r");
	out = fopen(p->mounts, "w");
	while (in && out && fgets(line, sizeof(line), in))
		if (!skip || !strstr(line, skip))
			fputs(line, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/*
 * Stacked mounts (run.sh): c on WORK/stack/s, a bind mount of it on
 * WORK/stack/alias, then d mounted over WORK/stack/s. c is frozen through
 * its alias; without the alias it cannot be reached, and the FREEZE must
 * fail rather than skip it.
 */
static void stacked(struct peer *p)
{
	char alias_line[300];

	write_mounts_from(p, "mounts.stack", NULL);
	report(p, "stacked/frozen-through-alias",
	       status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") &&
	       EXPECT(p, frozen(p->stack_s) && frozen(p->stack_alias),
		      "frozen: upper %d, lower (through its alias) %d, want both",
		      frozen(p->stack_s), frozen(p->stack_alias)) &&
	       status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW") &&
	       EXPECT(p, !frozen(p->stack_s) && !frozen(p->stack_alias), "still frozen after THAW"));
	snprintf(alias_line, sizeof(alias_line), " %s ", p->stack_alias);
	write_mounts_from(p, "mounts.stack", alias_line);
	report(p, "stacked/hidden-fails",
	       status(p, request(p, VSS_OP_FREEZE), HV_E_FAIL, "FREEZE with a hidden file system") &&
	       EXPECT(p, !frozen(p->stack_s) && !frozen(p->stack_alias), "left frozen") &&
	       EXPECT(p, log_has(p, "is hidden by a later mount"), "not logged"));
	status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW");
	/* e's only visible mount is a read-only bind: FIFREEZE reaches it there */
	write_mounts_from(p, "mounts.stack2", NULL);
	report(p, "stacked/frozen-through-read-only-alias",
	       status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") &&
	       EXPECT(p, frozen(p->stack2_t) && frozen(p->stack2_ro),
		      "frozen: upper %d, lower (through its read-only alias) %d, want both",
		      frozen(p->stack2_t), frozen(p->stack2_ro)) &&
	       status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW") &&
	       EXPECT(p, !frozen(p->stack2_t) && !frozen(p->stack2_ro), "still frozen after THAW"));
	status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW");
	write_mounts(p, false);
}

static void main_run(struct peer *p)
{
	off_t before;
	bool ok;

	spawn(p, "120");
	report(p, "start/register", handshake(p));
	report(p, "start/ready", EXPECT(p, readable(p->nfd, p->timeout_ms), "no READY=1"));
	report(p, "hot-backup", status(p, request(p, VSS_OP_HOT_BACKUP), HV_S_OK, "HOT_BACKUP") &&
	       states(p, false, false, false));
	report(p, "thaw-when-thawed", status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW"));

	ok = status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") && states(p, true, true, false);
	report(p, "freeze", ok);
	before = log_size(p);
	report(p, "frozen/unknown-ops",
	       status(p, request(p, VSS_OP_CREATE), HV_ERROR_NOT_SUPPORTED, "CREATE") &&
	       status(p, request(p, VSS_OP_GET_DM_INFO), HV_ERROR_NOT_SUPPORTED, "DM_INFO") &&
	       status(p, request(p, VSS_OP_AUTO_RECOVER), HV_ERROR_NOT_SUPPORTED, "AUTO_RECOVER") &&
	       status(p, request(p, 200), HV_ERROR_NOT_SUPPORTED, "200") &&
	       status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE again") &&
	       states(p, true, true, false));
	usleep(100000);
	report(p, "frozen/no-log-writes",
	       EXPECT(p, log_size(p) == before, "the log grew by %lld bytes while frozen",
		      (long long)(log_size(p) - before)));
	report(p, "thaw", status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW") &&
	       states(p, false, false, false) &&
	       EXPECT(p, log_size(p) > before && log_has(p, "froze 2 file systems") &&
		      log_has(p, "operation 200 is not supported"),
		      "the held log lines were not written after the thaw"));

	write_mounts(p, true);
	report(p, "freeze-fails-and-rolls-back",
	       status(p, request(p, VSS_OP_FREEZE), HV_E_FAIL, "FREEZE") &&
	       states(p, false, false, false) && EXPECT(p, log_has(p, "no-such-dir"),
							"the failure was not logged"));
	write_mounts(p, false);
	stacked(p);

	{
		size_t sizes[] = { 1, 4, 11, 13, 100 };
		unsigned char junk[100] = { VSS_OP_FREEZE };
		unsigned char buf[64];

		ok = true;
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			send(p->cfd, junk, sizes[i], MSG_NOSIGNAL);
			ok &= EXPECT(p, !readable(p->cfd, 150) || recv(p->cfd, buf, sizeof(buf), 0) < 0,
				     "a %zu-byte message was answered", sizes[i]);
		}
		report(p, "bad/message-sizes", ok && states(p, false, false, false) &&
		       status(p, request(p, VSS_OP_HOT_BACKUP), HV_S_OK, "HOT_BACKUP after junk"));
	}

	/* the device goes away while frozen: thaw, reopen, register again */
	ok = status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE");
	close(p->cfd);
	ok = ok && handshake(p) && states(p, false, false, false) &&
	     status(p, request(p, VSS_OP_HOT_BACKUP), HV_S_OK, "after reopen");
	report(p, "reopen-thaws", ok);

	ok = status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE");
	{
		char buf[256];

		while (recv(p->nfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	int st = stop(p, SIGTERM);
	report(p, "sigterm-thaws", ok && states(p, false, false, false) &&
	       EXPECT(p, st == 0, "exit status %d (99: valgrind found errors)", st));
}

static void timeout_run(struct peer *p)
{
	long long t0;
	bool ok;
	int st, gst;
	pid_t g;

	spawn(p, "1");
	ok = handshake(p) && status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") &&
	     states(p, true, true, false);
	usleep(1600000);
	report(p, "thaw-timeout", ok && states(p, false, false, false) &&
	       EXPECT(p, log_has(p, "no THAW from the host in time"), "not logged"));

	/* SIGKILL while frozen: the guardian thaws */
	ok = status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") && states(p, true, true, false);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	t0 = time(NULL);
	while (time(NULL) - t0 < 5 && (frozen(p->mnt[0]) || frozen(p->mnt[1])))
		usleep(20000);
	g = waitpid(-1, &gst, 0);	/* we are the subreaper of the guardian */
	report(p, "sigkill-guardian-thaws",
	       ok && states(p, false, false, false) &&
	       EXPECT(p, g > 0 && WIFEXITED(gst) && WEXITSTATUS(gst) == 0,
		      "guardian: pid %d status 0x%x", (int)g, gst) &&
	       EXPECT(p, log_has(p, "guardian: the daemon died with file systems frozen; thawed 2"),
		      "the guardian did not say so"));
	close(p->cfd);
	p->cfd = -1;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_until(long long t)
{
	long long now = mono_ms();

	if (t > now)
		usleep((useconds_t)(t - now) * 1000);
}

static bool send_op(struct peer *p, unsigned int op)
{
	struct vss_msg m = { .hdr.operation = (uint8_t)op };

	return send(p->cfd, &m, sizeof(m), MSG_NOSIGNAL) == sizeof(m);
}

/* Waits up to ms for nothing to be frozen (a, b). */
static bool thawed_within(struct peer *p, int ms)
{
	long long end = mono_ms() + ms;

	while (frozen(p->mnt[0]) || frozen(p->mnt[1])) {
		if (mono_ms() > end)
			return false;
		usleep(50000);
	}
	return true;
}

/*
 * The thaw deadline (--thaw-timeout 2): a repeated FREEZE must not push it
 * out, and the guardian holds it itself: with the daemon stopped (SIGSTOP,
 * a daemon that hangs) it thaws in time.
 */
static void deadline_run(struct peer *p)
{
	long long t0;
	bool ok;
	int st;

	spawn(p, "2");
	ok = handshake(p);
	t0 = mono_ms();
	ok = ok && status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") &&
	     states(p, true, true, false);
	sleep_until(t0 + 800);
	ok = ok && status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE again (0.8 s)");
	sleep_until(t0 + 1600);
	ok = ok && status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE again (1.6 s)");
	sleep_until(t0 + 2800);
	report(p, "deadline/repeated-freeze-does-not-extend",
	       ok && EXPECT(p, !frozen(p->mnt[0]) && !frozen(p->mnt[1]),
			    "still frozen 2.8 s after the first FREEZE (thaw timeout 2 s)"));
	status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW");
	thaw_all(p);
	p->reason[0] = '\0';

	ok = status(p, request(p, VSS_OP_FREEZE), HV_S_OK, "FREEZE") && states(p, true, true, false);
	kill(p->pid, SIGSTOP);
	ok = ok && EXPECT(p, thawed_within(p, 2000 + 3000),
			  "a stopped daemon's file systems stayed frozen past the deadline");
	kill(p->pid, SIGCONT);
	report(p, "deadline/guardian-thaws-when-daemon-hangs",
	       ok && EXPECT(p, log_has(p, "guardian: no thaw by the deadline; thawed 2"),
			    "the guardian did not say so") &&
	       status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW after the deadline"));
	thaw_all(p);
	{
		char buf[256];

		while (recv(p->nfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	st = stop(p, SIGTERM);
	report(p, "deadline/sigterm", EXPECT(p, st == 0, "exit status %d", st));
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int lines_in(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Starts the plain daemon with the slow-freeze shim; env may add one more. */
static bool spawn_slow(struct peer *p, const char *ms, const char *extra_env)
{
	static char pre[300], slow[64], logv[300];
	const char *env[] = { pre, slow, logv, extra_env, NULL };

	snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", p->shim);
	snprintf(slow, sizeof(slow), "HVLIS_SLOW_FREEZE_MS=%s", ms);
	snprintf(logv, sizeof(logv), "HVLIS_SLOW_FREEZE_LOG=%s", p->slow_log);
	unlink(p->slow_log);
	spawn_env(p, p->plain, "120", env);
	return handshake(p);
}

/* Waits until the daemon is inside a slow FIFREEZE (one done, it sleeps). */
static bool inside_freeze(struct peer *p)
{
	long long end = mono_ms() + p->timeout_ms;

	while (lines_in(p->slow_log) < 1) {
		if (mono_ms() > end)
			return EXPECT(p, false, "the daemon did not start freezing");
		usleep(10000);
	}
	return true;
}

/* The daemon's child (the guardian), from /proc. */
static pid_t child_of(pid_t pid)
{
	char path[96];
	FILE *f;
	int c = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &c) != 1)
			c = -1;
		fclose(f);
	}
	return c;
}

/* Reaps everything (the guardian is ours as subreaper) for up to ms. */
static void reap_all(int ms)
{
	long long end = mono_ms() + ms;

	while (mono_ms() < end) {
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(20000);
	}
}

/*
 * Slow freezes (the shim sleeps 2 s inside each successful FIFREEZE, after
 * the file system is frozen):
 *  - SIGKILL of the daemon in the middle: the guardian, told before the
 *    ioctl, thaws what the daemon never heard was frozen;
 *  - SIGKILL of the guardian and then of the daemon: a restarted daemon
 *    thaws what the state file lists;
 *  - the watchdog (WATCHDOG_USEC 1 s) across a 3 s freeze: checked as
 *    systemd would, honouring WATCHDOG_USEC= changes.
 */
static void slow_run(struct peer *p)
{
	pid_t g;
	bool ok;
	int st;

	ok = spawn_slow(p, "2000", NULL) && send_op(p, VSS_OP_FREEZE) && inside_freeze(p);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	reap_all(5000);
	report(p, "slow/sigkill-mid-freeze-guardian-thaws",
	       ok && states(p, false, false, false) &&
	       EXPECT(p, log_has(p, "guardian: the daemon died with file systems frozen; thawed 1"),
		      "the guardian did not thaw the file system being frozen"));
	thaw_all(p);
	close(p->cfd);
	p->cfd = -1;

	ok = spawn_slow(p, "2000", NULL) && send_op(p, VSS_OP_FREEZE) && inside_freeze(p);
	g = child_of(p->pid);
	ok = ok && EXPECT(p, g > 0, "no guardian found");
	if (g > 0)
		kill(g, SIGKILL);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	reap_all(1000);
	ok = ok && EXPECT(p, frozen(p->mnt[0]) || frozen(p->mnt[1]),
			  "nothing was left frozen: the test did not test");
	close(p->cfd);
	p->cfd = -1;
	spawn(p, "120");
	ok = ok && handshake(p) && states(p, false, false, false) &&
	     EXPECT(p, log_has(p, "was left frozen by a previous run"), "not logged");
	report(p, "slow/restart-thaws-what-a-dead-run-left", ok);
	thaw_all(p);
	{
		char buf[256];

		while (recv(p->nfd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	st = stop(p, SIGTERM);
	report(p, "slow/restart-sigterm", EXPECT(p, st == 0, "exit status %d", st));

	/* the watchdog across a slow freeze, as systemd checks it */
	ok = spawn_slow(p, "1500", "WATCHDOG_USEC=1000000");
	{
		long long usec = 1000000, last, now, worst = 0, end;
		char buf[256], *w;
		bool answered = false;
		ssize_t n;

		/* start right after a ping */
		end = mono_ms() + p->timeout_ms;
		while (ok && mono_ms() < end) {
			if (!readable(p->nfd, 100))
				continue;
			n = recv(p->nfd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				if (strstr(buf, "WATCHDOG=1"))
					break;
			}
		}
		last = mono_ms();
		ok = ok && send_op(p, VSS_OP_FREEZE);
		end = last + 3 * 1500 + p->timeout_ms;
		while (ok && mono_ms() < end && !answered) {
			struct pollfd pfd[2] = { { .fd = p->cfd, .events = POLLIN },
						 { .fd = p->nfd, .events = POLLIN } };

			if (poll(pfd, 2, 100) <= 0)
				continue;
			now = mono_ms();
			if (pfd[1].revents && (n = recv(p->nfd, buf, sizeof(buf) - 1, 0)) > 0) {
				buf[n] = '\0';
				if (now - last > worst)
					worst = now - last;
				ok = EXPECT(p, (now - last) * 1000 <= usec,
					    "%lld ms without a ping; the watchdog was %lld ms",
					    now - last, usec / 1000);
				w = strstr(buf, "WATCHDOG_USEC=");
				if (w)
					usec = strtoll(w + 14, NULL, 10);
				if (w || strstr(buf, "WATCHDOG=1"))
					last = now;
			}
			if (pfd[0].revents) {
				unsigned char a[64];

				answered = recv(p->cfd, a, sizeof(a), 0) == VSS_MSG_SIZE;
				ok = ok && EXPECT(p, (now - last) * 1000 <= usec,
						  "%lld ms without a ping when FREEZE was answered; the watchdog was %lld ms",
						  now - last, usec / 1000);
			}
		}
		ok = ok && EXPECT(p, answered, "FREEZE was not answered") &&
		     EXPECT(p, usec == 1000000, "the watchdog stayed at %lld us after the freeze", usec);
		printf("# vss slow/watchdog: longest gap %lld ms\n", worst);
	}
	ok = ok && states(p, true, true, false);
	report(p, "slow/watchdog-across-freeze",
	       ok && status(p, request(p, VSS_OP_THAW), HV_S_OK, "THAW") &&
	       states(p, false, false, false));
	st = stop(p, SIGTERM);
	report(p, "slow/watchdog-sigterm", EXPECT(p, st == 0, "exit status %d", st));
	thaw_all(p);
	reap_all(1000);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "daemon", required_argument, NULL, 'd' },
		{ "work", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "valgrind", no_argument, NULL, 'V' },
		{ "plain", required_argument, NULL, 'P' },
		{ "shim", required_argument, NULL, 'S' },
		{ 0 },
	};
	struct peer p = { .prefix = "", .timeout_ms = 3000, .cfd = -1 };
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': p.daemon = optarg; break;
		case 'w': p.work = optarg; break;
		case 'p': p.prefix = optarg; break;
		case 'V': p.valgrind = true; p.timeout_ms = 20000; break;
		case 'P': p.plain = optarg; break;
		case 'S': p.shim = optarg; break;
		default: return 2;
		}
	}
	if (!p.daemon || !p.work)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(p.sock, sizeof(p.sock), "%s/vss.sock", p.work);
	snprintf(p.notify, sizeof(p.notify), "%s/notify.sock", p.work);
	snprintf(p.mounts, sizeof(p.mounts), "%s/mounts", p.work);
	snprintf(p.log, sizeof(p.log), "%s/daemon.log", p.work);
	snprintf(p.mnt[0], sizeof(p.mnt[0]), "%s/mnt/a", p.work);
	snprintf(p.mnt[1], sizeof(p.mnt[1]), "%s/mnt/b", p.work);
	snprintf(p.mnt[2], sizeof(p.mnt[2]), "%s/mnt/ro", p.work);
	snprintf(p.stack_s, sizeof(p.stack_s), "%s/stack/s", p.work);
	snprintf(p.stack_alias, sizeof(p.stack_alias), "%s/stack/alias", p.work);
	snprintf(p.stack2_t, sizeof(p.stack2_t), "%s/stack2/t", p.work);
	snprintf(p.stack2_ro, sizeof(p.stack2_ro), "%s/stack2/t-ro", p.work);
	snprintf(p.slow_log, sizeof(p.slow_log), "%s/slow-freeze.log", p.work);
	p.lfd = unix_socket(p.sock, SOCK_SEQPACKET);
	p.nfd = unix_socket(p.notify, SOCK_DGRAM);
	write_mounts(&p, false);
	main_run(&p);
	timeout_run(&p);
	deadline_run(&p);
	if (p.shim && p.plain)
		slow_run(&p);
	thaw_all(&p);	/* whatever happened, leave nothing frozen */
	return p.failures ? 1 : 0;
}
