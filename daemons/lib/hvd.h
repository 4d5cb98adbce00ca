// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd: what hvlis's userspace daemons (hv_kvp_daemon, hv_vss_daemon)
 * share: logging, option parsing, the device (or, in tests, a unix
 * SOCK_SEQPACKET socket standing in for it), the poll/signalfd event loop,
 * sd_notify by hand, running helper scripts, and checks on strings that
 * come from the host.
 *
 * No global mutable state: every function gets what it works on as an
 * argument (a struct hvd_log, a struct hvd_loop, ...).
 */
#ifndef HVD_H
#define HVD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <syslog.h>

#ifndef HVLIS_VERSION
#define HVLIS_VERSION "unknown"
#endif

#define HVD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* ---- logging ---------------------------------------------------------- */

/* Lines kept back while logging could block (file systems frozen). */
#define HVD_LOG_HELD_LINES 16
struct hvd_log_queue {
	char line[HVD_LOG_HELD_LINES][256];
	int prio[HVD_LOG_HELD_LINES];
	unsigned int n;
	unsigned int dropped;
};

struct hvd_log {
	const char *ident;	/* program name, prefixed to stderr lines */
	bool to_stderr;		/* foreground (-n): stderr; else syslog */
	int max_prio;		/* LOG_INFO, or LOG_DEBUG with -v */
	struct hvd_log_queue *held;	/* non-NULL: queue lines there */
};

void hvd_log_open(struct hvd_log *log, const char *ident, bool to_stderr,
		  bool verbose);
void hvd_log_close(const struct hvd_log *log);
void hvd_log(const struct hvd_log *log, int prio, const char *fmt, ...)
	HVD_PRINTF(3, 4);
/*
 * From hold until release, lines go to q instead of syslog or stderr
 * (either may end up writing to a disk); release writes them out.
 */
void hvd_log_hold(struct hvd_log *log, struct hvd_log_queue *q);
void hvd_log_release(struct hvd_log *log);

/* ---- options ---------------------------------------------------------- */

/* An option of one daemon on top of the common ones. */
struct hvd_opt {
	const char *name;	/* long name, without "--" */
	const char *arg;	/* argument name for --help, NULL: no argument */
	const char *help;
	int id;			/* passed to the callback; >= 256 */
};

struct hvd_common_opts {
	const char *device;	/* --device PATH */
	bool foreground;	/* -n, --no-daemon */
	bool verbose;		/* -v, --verbose */
};

/*
 * Parses argv. Common options: -n/--no-daemon, -d/--device PATH,
 * -v/--verbose, -h/--help, -V/--version. Daemon options go to set(ctx,
 * id, arg), which returns 0 or -1 (bad argument: it prints why).
 * Returns 0 to run, 1 when --help/--version was handled (exit 0), -1 on
 * bad usage (exit 2).
 */
/* The program's name as invoked, without its directory (for logs). */
const char *hvd_progname(const char *argv0);

int hvd_parse_args(int argc, char **argv, const char *summary,
		   const struct hvd_opt *opts, size_t n_opts,
		   struct hvd_common_opts *common,
		   int (*set)(void *ctx, int id, const char *arg), void *ctx);

/* ---- the device ------------------------------------------------------- */

/*
 * Opens PATH read-write. A character device is opened as is; a unix
 * socket (test mode) is connected to as SOCK_SEQPACKET, which keeps
 * message boundaries like the device. Returns the fd or -errno.
 */
int hvd_dev_open(const char *path);

/*
 * One message: reads at most cap bytes. Give cap one larger than the
 * biggest valid message so that an oversized one shows as too long.
 * Returns the length, 0 at end of file, -errno on error (-EAGAIN and
 * -EINTR included).
 */
ssize_t hvd_dev_read(int fd, void *buf, size_t cap);

/* Writes one whole message. Returns 0 or -errno (-EIO if short). */
int hvd_dev_write(int fd, const void *buf, size_t len);

/*
 * Opens DEVICE (hvd_dev_open) and writes the registration message REG of
 * LEN bytes, logging what failed. Returns the fd, or -1 (nothing left open).
 */
int hvd_dev_register(const struct hvd_log *log, const char *device,
		     const void *reg, size_t len);

/* ---- sd_notify -------------------------------------------------------- */

/*
 * Sends state ("READY=1", "WATCHDOG=1", ...) to $NOTIFY_SOCKET. Does
 * nothing and returns 0 when the variable is unset. Returns -errno on
 * failure.
 */
int hvd_notify(const char *state);

/*
 * The watchdog interval systemd asks for ($WATCHDOG_USEC, honouring
 * $WATCHDOG_PID), in microseconds; 0 when there is none.
 */
uint64_t hvd_watchdog_usec(void);

/* ---- the event loop --------------------------------------------------- */

enum hvd_input {
	HVD_INPUT_OK = 0,	/* handled; keep going */
	HVD_INPUT_REOPEN,	/* the device failed: reopen it */
	HVD_INPUT_FATAL,	/* give up; the daemon exits with failure */
};

struct hvd_loop_ops {
	/* The device fd handled by the loop (it may change on reopen). */
	int (*fd)(void *ctx);
	/* The device is readable. */
	enum hvd_input (*input)(void *ctx);
	/* Close and reopen the device (and register again): 0 or -1. */
	int (*reopen)(void *ctx);
	/* SIGHUP: reload what can be reloaded. May be NULL. */
	void (*reload)(void *ctx);
	/*
	 * Milliseconds until the daemon wants timeout() called, or -1 for
	 * never. Both may be NULL.
	 */
	int (*timeout_ms)(void *ctx);
	void (*timeout)(void *ctx);
};

struct hvd_loop {
	const struct hvd_log *log;
	int sigfd;		/* signalfd: SIGTERM, SIGINT, SIGHUP */
	int wdfd;		/* timerfd for WATCHDOG=1, or -1 */
};

/*
 * Blocks SIGTERM/SIGINT/SIGHUP into a signalfd, ignores SIGPIPE, and arms
 * the watchdog timer if systemd asked for one. 0 or -1 (logged).
 */
int hvd_loop_init(struct hvd_loop *loop, const struct hvd_log *log);
void hvd_loop_fini(struct hvd_loop *loop);

/*
 * Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns -1).
 * Sends STOPPING=1 when it ends.
 */
int hvd_loop_run(struct hvd_loop *loop, const struct hvd_loop_ops *ops,
		 void *ctx);

/*
 * The daemon's main loop, start to finish: set up the loop, tell systemd
 * READY=1 with STATUS=status, run until a stop signal or a fatal error,
 * tear down. Returns the process exit status (0 or 1).
 */
int hvd_serve(const struct hvd_log *log, const struct hvd_loop_ops *ops,
	      void *ctx, const char *status);

/*
 * Closes *fd and registers again through reg(ctx) (which opens the device
 * and sets *fd), up to 5 tries 200 ms apart. Returns 0, or -1 after logging
 * that it gave up on the device.
 */
int hvd_reopen(const struct hvd_log *log, const char *device, int *fd,
	       int (*reg)(void *ctx), void *ctx);

/* Restores the signal mask and dispositions in a child before exec. */
void hvd_child_reset_signals(void);

/* ---- running helper scripts ------------------------------------------- */

struct hvd_run_result {
	int status;		/* exit status, or -1 if killed/timed out */
	size_t out_len;		/* bytes of stdout kept (NUL-terminated) */
	bool truncated;		/* stdout was longer than the buffer */
};

/*
 * Runs argv[0] (an absolute path; no shell) with stdin from /dev/null,
 * stdout captured into out (out_size bytes incl. the NUL; out may be NULL),
 * stderr inherited. Kills it after timeout_ms. Returns 0 when it ran (see
 * res->status), -1 if it could not be started (logged).
 */
int hvd_run(const struct hvd_log *log, char *const argv[], char *out,
	    size_t out_size, int timeout_ms, struct hvd_run_result *res);

/* ---- host strings ----------------------------------------------------- */

/*
 * Length of the NUL-terminated string in a fixed-size field, or -1 when
 * the field holds no NUL.
 */
ssize_t hvd_field_strlen(const void *field, size_t size);

/* True if s[0..len) is well-formed UTF-8 without NUL bytes or overlongs. */
bool hvd_utf8_valid(const char *s, size_t len);

/*
 * Copies the string in src[0..src_size) (up to its first NUL, or all of it)
 * into dst (dst_size bytes, zero-filled after the string), cutting at a
 * UTF-8 character boundary if it does not fit and replacing every byte that
 * is not part of well-formed UTF-8 (or is a control character other than
 * tab) by '?'. Returns the length written.
 */
size_t hvd_utf8_sanitize(char *dst, size_t dst_size, const void *src,
			 size_t src_size);

/* Safe to use as one component of a file name: [A-Za-z0-9_.:@-]+, not . or .. */
bool hvd_name_safe(const char *s, size_t max_len);

/*
 * A host string made fit for one log line: every byte of src[0..len) that
 * is a control character (C0, DEL, or a C1 code point U+0080..U+009F) or
 * not part of well-formed UTF-8 becomes \xHH, a backslash becomes \\, the
 * rest is copied. So a host cannot end a log line, start a forged one or
 * send terminal escapes, and the escaped text reads back unambiguously.
 * Cut with "..." if it does not fit in dst (dst_size >= 4). Returns dst, for
 * use as a printf argument:
 *
 *	char e[HVD_ESC_SIZE];
 *	hvd_log(log, LOG_WARNING, "refused '%s'", hvd_esc(e, sizeof(e), name));
 */
#define HVD_ESC_SIZE 1024
const char *hvd_esc_mem(char *dst, size_t dst_size, const void *src, size_t len);
/* The same for a NUL-terminated string. */
const char *hvd_esc(char *dst, size_t dst_size, const char *src);

#endif /* HVD_H */
