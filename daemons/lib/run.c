// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd: running a helper script without a shell: fork, exec argv
 * directly, capture stdout through a pipe, kill it if it overruns its time.
 *
 * The script runs in a process group of its own, and a timeout kills the
 * whole group: what it started (nmcli, ifup, a sleep) dies with it rather
 * than carrying on after the host was told the request failed. Programs
 * meant to outlive it (a DHCP client) leave the group themselves (setsid).
 *
 * The wait is bounded by the timeout, so the daemon is not hung while it
 * waits: if systemd watches it ($WATCHDOG_USEC), it keeps sending
 * WATCHDOG=1 at half the interval from here, as the event loop would.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvd.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps systemd's watchdog fed while we wait for a child. */
struct watchdog_feed {
	long long every_ms;	/* 0: no watchdog */
	long long next_ms;
};

static void feed_init(struct watchdog_feed *w)
{
	w->every_ms = (long long)(hvd_watchdog_usec() / 2000);
	if (w->every_ms == 0 && hvd_watchdog_usec())
		w->every_ms = 1;
	w->next_ms = now_ms();
}

static void feed(struct watchdog_feed *w)
{
	long long now = now_ms();

	if (w->every_ms && now >= w->next_ms) {
		hvd_notify("WATCHDOG=1");
		w->next_ms = now + w->every_ms;
	}
}

/* How long to sleep in poll(): until the deadline or the next feed. */
static int wait_ms(const struct watchdog_feed *w, long long deadline)
{
	long long now = now_ms(), until = deadline;

	if (w->every_ms && w->next_ms < until)
		until = w->next_ms;
	return until > now ? (int)(until - now) : 0;
}

static void child_exec(char *const argv[], int out_fd)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	setpgid(0, 0);
	hvd_child_reset_signals();
	if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
	    dup2(out_fd >= 0 ? out_fd : devnull, STDOUT_FILENO) < 0)
		_exit(127);
	if (!getenv("PATH"))
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	execv(argv[0], argv);
	_exit(127);
}

/* Reads what the child writes until EOF (true) or the deadline (false). */
static bool collect(int fd, char *out, size_t out_size, long long deadline,
		    struct watchdog_feed *w, struct hvd_run_result *res)
{
	char sink[512];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	for (;;) {
		feed(w);
		if (now_ms() >= deadline)
			return false;
		r = poll(&pfd, 1, wait_ms(w, deadline));
		if (r < 0 && errno != EINTR)
			return false;
		if (r <= 0)
			continue;
		if (out && res->out_len + 1 < out_size) {
			n = read(fd, out + res->out_len, out_size - 1 - res->out_len);
			if (n > 0)
				res->out_len += (size_t)n;
		} else {
			n = read(fd, sink, sizeof(sink));
			if (n > 0 && out)
				res->truncated = true;
		}
		if (n == 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/*
 * Waits for the child until the deadline, then kills its process group
 * (the child and everything it started that stayed in it).
 */
static int reap(pid_t pid, long long deadline, struct watchdog_feed *w)
{
	int st;
	pid_t r;

	for (;;) {
		feed(w);
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		usleep(2000);
	}
}

int hvd_run(const struct hvd_log *log, char *const argv[], char *out,
	    size_t out_size, int timeout_ms, struct hvd_run_result *res)
{
	long long deadline = now_ms() + timeout_ms;
	struct watchdog_feed w;
	bool overran;
	int pipefd[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (out && out_size)
		out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		hvd_log(log, LOG_ERR, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		hvd_log(log, LOG_ERR, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0)
		child_exec(argv, pipefd[1]);
	setpgid(pid, pid);	/* as the child does: whoever runs first */
	close(pipefd[1]);
	feed_init(&w);
	/* still running at the deadline, or something it left holds stdout */
	overran = !collect(pipefd[0], out, out_size, deadline, &w, res) &&
		  now_ms() >= deadline;
	if (overran)
		kill(-pid, SIGKILL);
	close(pipefd[0]);
	if (out && out_size)
		out[res->out_len] = '\0';
	res->status = reap(pid, deadline, &w);
	if (overran)
		res->status = -1;
	if (res->status < 0)
		hvd_log(log, LOG_ERR, "%s: killed, or timed out after %d ms",
			argv[0], timeout_ms);
	else if (res->status == 127)
		hvd_log(log, LOG_ERR, "%s: could not be run", argv[0]);
	return 0;
}

/* The N of the last "status N" line in out, or -1. */
static int last_status(const char *out)
{
	const char *p = out, *line = NULL;
	char *end;
	long v;

	while ((p = strstr(p, "status ")) != NULL) {
		if (p == out || p[-1] == '\n')
			line = p;
		p++;
	}
	if (!line)
		return -1;
	v = strtol(line + 7, &end, 10);
	if (end == line + 7 || (*end && *end != '\n') || v < 0 || v > 255)
		return -1;
	return (int)v;
}

int hvd_ask(const struct hvd_log *log, const char *path, const void *req,
	    size_t len, char *out, size_t out_size, int timeout_ms,
	    struct hvd_run_result *res)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + timeout_ms;
	const char *p = req;
	struct watchdog_feed w;
	char own[256];
	ssize_t n;
	bool eof;
	int fd;

	memset(res, 0, sizeof(*res));
	res->status = -1;
	if (!out || out_size < 2) {
		out = own;
		out_size = sizeof(own);
	}
	out[0] = '\0';
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hvd_log(log, LOG_ERR, "%s: too long for a socket", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		hvd_log(log, LOG_ERR, "cannot reach %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			hvd_log(log, LOG_ERR, "sending to %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	feed_init(&w);
	eof = collect(fd, out, out_size, deadline, &w, res);
	close(fd);
	out[res->out_len] = '\0';
	if (!eof) {
		hvd_log(log, LOG_ERR, "%s: no complete answer within %d ms", path, timeout_ms);
		return 0;
	}
	res->status = last_status(out);
	if (res->status < 0)
		hvd_log(log, LOG_ERR, "%s: the answer has no status line", path);
	return 0;
}
