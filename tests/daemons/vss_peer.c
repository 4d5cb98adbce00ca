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
	bool valgrind;
	int timeout_ms;
	char sock[256], notify[256], mounts[256], log[256], mnt[3][256];
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

static void spawn(struct peer *p, const char *timeout)
{
	const char *argv[24];
	int n = 0, fd;

	if (p->valgrind) {
		argv[n++] = "valgrind";
		argv[n++] = "-q";
		argv[n++] = "--error-exitcode=99";
		argv[n++] = "--leak-check=full";
		argv[n++] = "--errors-for-leak-kinds=definite,indirect";
		argv[n++] = "--child-silent-after-fork=yes";
	}
	argv[n++] = p->daemon;
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
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
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

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "daemon", required_argument, NULL, 'd' },
		{ "work", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "valgrind", no_argument, NULL, 'V' },
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
	p.lfd = unix_socket(p.sock, SOCK_SEQPACKET);
	p.nfd = unix_socket(p.notify, SOCK_DGRAM);
	write_mounts(&p, false);
	main_run(&p);
	timeout_run(&p);
	thaw_all(&p);	/* whatever happened, leave nothing frozen */
	return p.failures ? 1 : 0;
}
