// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd: the event loop. poll() on the device, a signalfd for SIGTERM,
 * SIGINT and SIGHUP, and a timerfd that sends WATCHDOG=1 at half the
 * interval systemd asked for.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "hvd.h"

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static int arm_watchdog(struct hvd_loop *loop)
{
	uint64_t usec = hvd_watchdog_usec() / 2;
	struct itimerspec its;

	loop->wdfd = -1;
	if (!usec)
		return 0;
	loop->wdfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (loop->wdfd < 0) {
		hvd_log(loop->log, LOG_ERR, "timerfd_create: %s", strerror(errno));
		return -1;
	}
	its.it_interval.tv_sec = (time_t)(usec / 1000000);
	its.it_interval.tv_nsec = (long)(usec % 1000000) * 1000;
	its.it_value = its.it_interval;
	if (timerfd_settime(loop->wdfd, 0, &its, NULL) < 0) {
		hvd_log(loop->log, LOG_ERR, "timerfd_settime: %s", strerror(errno));
		return -1;
	}
	hvd_log(loop->log, LOG_DEBUG, "watchdog: pinging every %" PRIu64 " us", usec);
	return 0;
}

int hvd_loop_init(struct hvd_loop *loop, const struct hvd_log *log)
{
	struct sigaction sa;
	sigset_t set;

	loop->log = log;
	loop->sigfd = -1;
	loop->wdfd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	handled_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		hvd_log(log, LOG_ERR, "sigprocmask: %s", strerror(errno));
		return -1;
	}
	loop->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (loop->sigfd < 0) {
		hvd_log(log, LOG_ERR, "signalfd: %s", strerror(errno));
		return -1;
	}
	return arm_watchdog(loop);
}

void hvd_loop_fini(struct hvd_loop *loop)
{
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	if (loop->wdfd >= 0)
		close(loop->wdfd);
	loop->sigfd = -1;
	loop->wdfd = -1;
}

void hvd_child_reset_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	handled_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* 1: stop, 0: go on. */
static int take_signal(struct hvd_loop *loop, const struct hvd_loop_ops *ops,
		       void *ctx)
{
	struct signalfd_siginfo si;
	ssize_t n = read(loop->sigfd, &si, sizeof(si));

	if (n != (ssize_t)sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		hvd_log(loop->log, LOG_INFO, "SIGHUP: reloading");
		if (ops->reload)
			ops->reload(ctx);
		return 0;
	}
	hvd_log(loop->log, LOG_INFO, "%s: shutting down",
		si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return 1;
}

static void ping_watchdog(struct hvd_loop *loop)
{
	uint64_t ticks;

	if (read(loop->wdfd, &ticks, sizeof(ticks)) > 0)
		hvd_notify("WATCHDOG=1");
}

static int loop_step(struct hvd_loop *loop, const struct hvd_loop_ops *ops,
		     void *ctx)
{
	struct pollfd pfd[3] = {
		{ .fd = loop->sigfd, .events = POLLIN },
		{ .fd = loop->wdfd, .events = POLLIN },
		{ .fd = ops->fd(ctx), .events = POLLIN },
	};
	int timeout = ops->timeout_ms ? ops->timeout_ms(ctx) : -1;
	int n = poll(pfd, 3, timeout);

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		hvd_log(loop->log, LOG_ERR, "poll: %s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		if (ops->timeout)
			ops->timeout(ctx);
		return 0;
	}
	if (pfd[0].revents && take_signal(loop, ops, ctx))
		return 1;
	if (pfd[1].revents)
		ping_watchdog(loop);
	if (!pfd[2].revents)
		return 0;
	switch (ops->input(ctx)) {
	case HVD_INPUT_OK:
		return 0;
	case HVD_INPUT_REOPEN:
		return ops->reopen(ctx) < 0 ? -1 : 0;
	default:
		return -1;
	}
}

int hvd_loop_run(struct hvd_loop *loop, const struct hvd_loop_ops *ops,
		 void *ctx)
{
	int rc;

	do {
		rc = loop_step(loop, ops, ctx);
	} while (rc == 0);
	hvd_notify("STOPPING=1");
	return rc < 0 ? -1 : 0;
}

int hvd_serve(const struct hvd_log *log, const struct hvd_loop_ops *ops,
	      void *ctx, const char *status)
{
	struct hvd_loop loop;
	char ready[256];
	int rc;

	if (hvd_loop_init(&loop, log) < 0)
		return 1;
	snprintf(ready, sizeof(ready), "READY=1\nSTATUS=%s", status);
	hvd_notify(ready);
	rc = hvd_loop_run(&loop, ops, ctx) == 0 ? 0 : 1;
	hvd_loop_fini(&loop);
	return rc;
}

int hvd_reopen(const struct hvd_log *log, const char *device, int *fd,
	       int (*reg)(void *ctx), void *ctx)
{
	int tries;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	for (tries = 0; tries < 5; tries++) {
		if (tries)
			usleep(200000);
		if (reg(ctx) == 0)
			return 0;
	}
	hvd_log(log, LOG_ERR, "giving up on %s", device);
	return -1;
}
