// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon: writes the files the Hyper-V host copies into the guest
 * (Copy-VMFile) through the kernel's /dev/vmbus/hv_fcopy. See
 * hv_fcopy_daemon(8) and hvlis/uapi/fcopy.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy.h"

enum { OPT_NO_OPENAT2 = 256, OPT_NO_TMPFILE };

static const struct hvd_opt fcopy_opts[] = {
	{ "no-openat2", NULL, "walk paths with openat(O_NOFOLLOW) even where openat2 exists (tests)",
	  OPT_NO_OPENAT2 },
	{ "no-tmpfile", NULL, "random-named temporary files even where O_TMPFILE works (tests)",
	  OPT_NO_TMPFILE },
};

struct fcopy_daemon {
	struct hvd_log log;
	struct hvd_common_opts common;
	struct fcopy_ctx ctx;
	int fd;
	bool registering;	/* the kernel's version answer is next */
	unsigned char buf[FCOPY_MAX_MSG + 1];	/* +1: sees oversized ones */
};

static int dev_register(struct fcopy_daemon *d)
{
	uint32_t ver = FCOPY_CURRENT_VERSION;

	d->fd = hvd_dev_register(&d->log, d->common.device, &ver, sizeof(ver));
	if (d->fd < 0)
		return -1;
	hvd_log(&d->log, LOG_INFO, "registered with the kernel (fcopy protocol %u)", ver);
	d->registering = true;
	return 0;
}

static int op_fd(void *arg)
{
	return ((struct fcopy_daemon *)arg)->fd;
}

static enum hvd_input op_input(void *arg)
{
	struct fcopy_daemon *d = arg;
	ssize_t n = hvd_dev_read(d->fd, d->buf, sizeof(d->buf));
	int32_t st;
	int err;

	if (n == -EAGAIN || n == -EINTR)
		return HVD_INPUT_OK;
	if (n <= 0) {
		hvd_log(&d->log, LOG_WARNING, "%s: %s; reopening", d->common.device,
			n == 0 ? "closed" : strerror((int)-n));
		return HVD_INPUT_REOPEN;
	}
	if (d->registering && n == (ssize_t)sizeof(uint32_t)) {
		uint32_t kver;

		/* Protocol 1: the kernel answers the registration with its own. */
		memcpy(&kver, d->buf, sizeof(kver));
		hvd_log(&d->log, LOG_INFO, "the kernel speaks fcopy protocol %u", kver);
		d->registering = false;
		return HVD_INPUT_OK;
	}
	d->registering = false;
	st = (int32_t)fcopy_handle(&d->ctx, d->buf, (size_t)n);
	err = hvd_dev_write(d->fd, &st, sizeof(st));
	if (err < 0) {
		hvd_log(&d->log, LOG_WARNING, "answering through %s failed: %s; reopening",
			d->common.device, strerror(-err));
		return HVD_INPUT_REOPEN;
	}
	return HVD_INPUT_OK;
}

static int set_opt(void *arg, int id, const char *val)
{
	struct fcopy_ctx *ctx = arg;

	(void)val;
	switch (id) {
	case OPT_NO_OPENAT2: ctx->use_openat2 = false; return 0;
	case OPT_NO_TMPFILE: ctx->use_tmpfile = false; return 0;
	}
	return -1;
}

static int register_cb(void *arg)
{
	return dev_register(arg);
}

static int op_reopen(void *arg)
{
	struct fcopy_daemon *d = arg;

	fcopy_abort(&d->ctx, "the device is being reopened");
	return hvd_reopen(&d->log, d->common.device, &d->fd, register_cb, d);
}

static const struct hvd_loop_ops fcopy_loop_ops = {
	.fd = op_fd,
	.input = op_input,
	.reopen = op_reopen,
};

int main(int argc, char **argv)
{
	static struct fcopy_daemon d;
	const char *prog = hvd_progname(argv[0]);
	int rc;

	d.common.device = FCOPY_DEVICE;
	d.fd = -1;
	fcopy_init(&d.ctx, &d.log, "");
	rc = hvd_parse_args(argc, argv,
			    "Hyper-V file copy daemon: writes the files the host copies into the guest.",
			    fcopy_opts, sizeof(fcopy_opts) / sizeof(fcopy_opts[0]), &d.common,
			    set_opt, &d.ctx);
	if (rc)
		return rc > 0 ? 0 : 2;
	umask(022);
	hvd_log_open(&d.log, prog, d.common.foreground, d.common.verbose);
	hvd_log(&d.log, LOG_INFO, "hvlis %s starting", HVLIS_VERSION);
	rc = 1;
	if (dev_register(&d) == 0 && (d.common.foreground || daemon(0, 0) == 0))
		rc = hvd_serve(&d.log, &fcopy_loop_ops, &d,
			       "registered with the kernel; ready for file copies");
	fcopy_abort(&d.ctx, "the daemon is stopping");
	if (d.fd >= 0)
		close(d.fd);
	hvd_log(&d.log, rc ? LOG_ERR : LOG_INFO, "exiting (%s)", rc ? "failure" : "success");
	hvd_log_close(&d.log);
	return rc;
}
