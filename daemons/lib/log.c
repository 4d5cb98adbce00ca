// SPDX-License-Identifier: GPL-2.0-only
/* libhvd: logging to syslog, or to stderr in the foreground. */
#include <stdio.h>
#include <string.h>

#include "hvd.h"

void hvd_log_open(struct hvd_log *log, const char *ident, bool to_stderr,
		  bool verbose)
{
	log->ident = ident;
	log->to_stderr = to_stderr;
	log->max_prio = verbose ? LOG_DEBUG : LOG_INFO;
	log->held = NULL;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void hvd_log_close(const struct hvd_log *log)
{
	if (!log->to_stderr)
		closelog();
}

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void emit(const struct hvd_log *log, int prio, const char *line)
{
	if (log->to_stderr)
		fprintf(stderr, "%s: %s: %s\n", log->ident, prio_name(prio), line);
	else
		syslog(prio, "%s", line);
}

void hvd_log(const struct hvd_log *log, int prio, const char *fmt, ...)
{
	struct hvd_log_queue *q = log->held;
	char line[1024];
	va_list ap;

	if (prio > log->max_prio)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!q) {
		emit(log, prio, line);
	} else if (q->n < HVD_LOG_HELD_LINES) {
		size_t len = strnlen(line, sizeof(q->line[0]) - 1);

		memcpy(q->line[q->n], line, len);
		q->line[q->n][len] = '\0';
		q->prio[q->n++] = prio;
	} else {
		q->dropped++;
	}
}

void hvd_log_hold(struct hvd_log *log, struct hvd_log_queue *q)
{
	q->n = 0;
	q->dropped = 0;
	log->held = q;
}

void hvd_log_release(struct hvd_log *log)
{
	struct hvd_log_queue *q = log->held;
	unsigned int i;

	if (!q)
		return;
	log->held = NULL;
	for (i = 0; i < q->n; i++)
		emit(log, q->prio[i], q->line[i]);
	if (q->dropped)
		hvd_log(log, LOG_WARNING, "%u more log lines were dropped", q->dropped);
	q->n = 0;
	q->dropped = 0;
}
