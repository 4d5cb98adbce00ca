// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vss_daemon: freezes the guest's file systems while the Hyper-V host
 * takes a backup (a live, application-consistent checkpoint), and thaws
 * them afterwards. See hv_vss_daemon(8) and hvlis/uapi/vss.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vss.h"

enum {
	OPT_MOUNTS = 256,
	OPT_SYSFS_BLOCK,
	OPT_THAW_TIMEOUT,
	OPT_STATE_FILE,
};

static const struct hvd_opt vss_opts[] = {
	{ "mounts", "FILE", "mount table (default " VSS_MOUNTS ")", OPT_MOUNTS },
	{ "sysfs-block", "DIR", "block devices (default " VSS_SYSFS_BLOCK ")", OPT_SYSFS_BLOCK },
	{ "thaw-timeout", "SECONDS", "thaw if the host has not within this (default 120)",
	  OPT_THAW_TIMEOUT },
	{ "state-file", "FILE", "what may be frozen, for a restart (default " VSS_STATE_FILE ")",
	  OPT_STATE_FILE },
};

struct vss_daemon {
	struct hvd_log log;
	struct hvd_common_opts common;
	struct vss_ctx ctx;
	int fd;
	unsigned char buf[VSS_MSG_SIZE + 1];	/* +1: sees oversized ones */
};

static int set_opt(void *arg, int id, const char *val)
{
	struct vss_ctx *ctx = arg;
	char *end;
	long n;

	switch (id) {
	case OPT_MOUNTS: ctx->mounts = val; return 0;
	case OPT_SYSFS_BLOCK: ctx->sysfs_block = val; return 0;
	case OPT_STATE_FILE: ctx->state_file = val; return 0;
	case OPT_THAW_TIMEOUT:
		errno = 0;
		n = strtol(val, &end, 10);
		if (errno || *end || n < 1 || n > 3600) {
			fprintf(stderr, "--thaw-timeout: '%s' is not a number in 1..3600\n", val);
			return -1;
		}
		ctx->thaw_timeout_ms = (int)n * 1000;
		return 0;
	}
	return -1;
}

static int dev_register(struct vss_daemon *d)
{
	struct vss_msg reg;

	d->ctx.registered = false;
	vss_registration_msg(&reg);
	d->fd = hvd_dev_register(&d->log, d->common.device, &reg, sizeof(reg));
	return d->fd < 0 ? -1 : 0;
}

static int op_fd(void *arg)
{
	return ((struct vss_daemon *)arg)->fd;
}

static enum hvd_input op_input(void *arg)
{
	struct vss_daemon *d = arg;
	ssize_t n = hvd_dev_read(d->fd, d->buf, sizeof(d->buf));
	int err;

	if (n == -EAGAIN || n == -EINTR)
		return HVD_INPUT_OK;
	if (n <= 0) {
		hvd_log(&d->log, LOG_WARNING, "%s: %s; reopening", d->common.device,
			n == 0 ? "closed" : strerror((int)-n));
		return HVD_INPUT_REOPEN;
	}
	if (vss_handle(&d->ctx, d->buf, (size_t)n) != VSS_ANSWER)
		return HVD_INPUT_OK;
	err = hvd_dev_write(d->fd, d->buf, VSS_MSG_SIZE);
	if (err < 0) {
		hvd_log(&d->log, LOG_WARNING, "answering through %s failed: %s; reopening",
			d->common.device, strerror(-err));
		return HVD_INPUT_REOPEN;
	}
	return HVD_INPUT_OK;
}

static int register_cb(void *arg)
{
	return dev_register(arg);
}

static int op_reopen(void *arg)
{
	struct vss_daemon *d = arg;

	vss_thaw(&d->ctx, "the device is being reopened");
	return hvd_reopen(&d->log, d->common.device, &d->fd, register_cb, d);
}

static int op_timeout_ms(void *arg)
{
	struct vss_daemon *d = arg;
	long long left;

	if (!vss_is_frozen(&d->ctx))
		return -1;
	left = d->ctx.thaw_deadline_ms - vss_now_ms();
	return left < 0 ? 0 : (int)left;
}

static void op_timeout(void *arg)
{
	struct vss_daemon *d = arg;

	if (vss_is_frozen(&d->ctx) && vss_now_ms() >= d->ctx.thaw_deadline_ms)
		vss_thaw(&d->ctx, "no THAW from the host in time");
}

static const struct hvd_loop_ops vss_loop_ops = {
	.fd = op_fd,
	.input = op_input,
	.reopen = op_reopen,
	.timeout_ms = op_timeout_ms,
	.timeout = op_timeout,
};

static void ctx_defaults(struct vss_ctx *ctx, struct hvd_log *log)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->log = log;
	ctx->mounts = VSS_MOUNTS;
	ctx->sysfs_block = VSS_SYSFS_BLOCK;
	ctx->thaw_timeout_ms = VSS_THAW_TIMEOUT_S * 1000;
	ctx->fsctl = vss_fsctl;
	ctx->use_guardian = true;
	ctx->state_file = VSS_STATE_FILE;
	ctx->guardian_fd = -1;
}

int main(int argc, char **argv)
{
	static struct vss_daemon d;
	const char *prog = hvd_progname(argv[0]);
	int rc;

	d.common.device = VSS_DEVICE;
	d.fd = -1;
	ctx_defaults(&d.ctx, &d.log);
	rc = hvd_parse_args(argc, argv,
			    "Hyper-V VSS daemon: freezes file systems while the host takes a backup.",
			    vss_opts, sizeof(vss_opts) / sizeof(vss_opts[0]),
			    &d.common, set_opt, &d.ctx);
	if (rc)
		return rc > 0 ? 0 : 2;
	hvd_log_open(&d.log, prog, d.common.foreground, d.common.verbose);
	hvd_log(&d.log, LOG_INFO, "hvlis %s starting", HVLIS_VERSION);
	rc = 1;
	vss_recover(&d.ctx);
	if (dev_register(&d) == 0 && (d.common.foreground || daemon(0, 0) == 0)) {
		d.ctx.watchdog_usec = hvd_watchdog_usec();
		rc = hvd_serve(&d.log, &vss_loop_ops, &d,
			       "registered with the kernel; ready to freeze");
	}
	if (vss_thaw(&d.ctx, "the daemon is stopping") != HV_S_OK)
		rc = 1;
	if (d.fd >= 0)
		close(d.fd);
	hvd_log(&d.log, rc ? LOG_ERR : LOG_INFO, "exiting (%s)", rc ? "failure" : "success");
	hvd_log_close(&d.log);
	return rc;
}
