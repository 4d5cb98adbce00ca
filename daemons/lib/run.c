// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd: running a helper script without a shell: fork, exec argv
 * directly, capture stdout through a pipe, kill it if it overruns its time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

static void child_exec(char *const argv[], int out_fd)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	hvd_child_reset_signals();
	if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
	    dup2(out_fd >= 0 ? out_fd : devnull, STDOUT_FILENO) < 0)
		_exit(127);
	if (!getenv("PATH"))
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	execv(argv[0], argv);
	_exit(127);
}

/* Reads what the child writes until EOF or the deadline. */
static void collect(int fd, char *out, size_t out_size, long long deadline,
		    struct hvd_run_result *res)
{
	char sink[512];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left;
	ssize_t n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return;
		if (out && res->out_len + 1 < out_size) {
			n = read(fd, out + res->out_len, out_size - 1 - res->out_len);
			if (n > 0)
				res->out_len += (size_t)n;
		} else {
			n = read(fd, sink, sizeof(sink));
			if (n > 0 && out)
				res->truncated = true;
		}
		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

/* Waits for the child until the deadline, then kills it. */
static int reap(pid_t pid, long long deadline)
{
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
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
	close(pipefd[1]);
	collect(pipefd[0], out, out_size, deadline, res);
	close(pipefd[0]);
	if (out && out_size)
		out[res->out_len] = '\0';
	res->status = reap(pid, deadline);
	if (res->status < 0)
		hvd_log(log, LOG_ERR, "%s: killed, or timed out after %d ms",
			argv[0], timeout_ms);
	else if (res->status == 127)
		hvd_log(log, LOG_ERR, "%s: could not be run", argv[0]);
	return 0;
}
