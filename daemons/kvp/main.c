// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon: the user side of Hyper-V's key-value pair exchange.
 *
 * It opens /dev/vmbus/hv_kvp, registers (KVP_OP_REGISTER1), then answers
 * each request the kernel forwards from the host: pools on disk, guest
 * intrinsics, IP settings. See hv_kvp_daemon(8) and hvlis/uapi/kvp.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvp.h"

enum {
	OPT_POOL_DIR = 256,
	OPT_SCRIPTS_DIR,
	OPT_SYSFS_NET,
	OPT_OS_RELEASE,
	OPT_MAX_RECORDS,
	OPT_SCRIPT_TIMEOUT,
	OPT_IFCONFIG_SOCKET,
};

static const struct hvd_opt kvp_opts[] = {
	{ "pool-dir", "DIR", "pool files (default " KVP_POOL_DIR ")", OPT_POOL_DIR },
	{ "scripts-dir", "DIR", "helper scripts (default " HVLIS_SCRIPTS_DIR ")", OPT_SCRIPTS_DIR },
	{ "sysfs-net", "DIR", "network interfaces (default " KVP_SYSFS_NET ")", OPT_SYSFS_NET },
	{ "os-release", "FILE", "OS identification (default " KVP_OS_RELEASE ")", OPT_OS_RELEASE },
	{ "max-records", "N", "most records a pool may grow to (default 4096)", OPT_MAX_RECORDS },
	{ "script-timeout", "SECONDS", "kill a helper script after this (1-14, default 12)",
	  OPT_SCRIPT_TIMEOUT },
	{ "ifconfig-socket", "PATH", "SET_IP_INFO through this helper service, not hv_set_ifconfig",
	  OPT_IFCONFIG_SOCKET },
};

struct kvp_daemon {
	struct hvd_log log;
	struct hvd_common_opts common;
	struct kvp_ctx ctx;
	int fd;
	union {
		struct kvp_msg msg;
		unsigned char raw[KVP_MSG_SIZE + 1];	/* +1: sees oversized ones */
	} buf;
};

static int set_opt(void *arg, int id, const char *val)
{
	struct kvp_ctx *ctx = arg;
	char *end;
	unsigned long n;

	switch (id) {
	case OPT_POOL_DIR: ctx->pool_dir = val; return 0;
	case OPT_SCRIPTS_DIR: ctx->scripts_dir = val; return 0;
	case OPT_IFCONFIG_SOCKET: ctx->ifconfig_socket = val; return 0;
	case OPT_SYSFS_NET: ctx->sysfs_net = val; return 0;
	case OPT_OS_RELEASE: ctx->os_release = val; return 0;
	case OPT_MAX_RECORDS:
		errno = 0;
		n = strtoul(val, &end, 10);
		if (errno || *end || n == 0 || n > 1000000) {
			fprintf(stderr, "--max-records: '%s' is not a number in 1..1000000\n", val);
			return -1;
		}
		ctx->max_records = (unsigned int)n;
		return 0;
	case OPT_SCRIPT_TIMEOUT:
		errno = 0;
		n = strtoul(val, &end, 10);
		if (errno || *end || n == 0 || n > KVP_SCRIPT_TIMEOUT_MAX_S) {
			fprintf(stderr, "--script-timeout: '%s' is not a number in 1..%d\n", val,
				KVP_SCRIPT_TIMEOUT_MAX_S);
			return -1;
		}
		ctx->script_timeout_ms = (int)n * 1000;
		return 0;
	}
	return -1;
}

static void ctx_defaults(struct kvp_ctx *ctx, const struct hvd_log *log)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->log = log;
	ctx->pool_dir = KVP_POOL_DIR;
	ctx->pool_dirfd = -1;
	ctx->sysfs_net = KVP_SYSFS_NET;
	ctx->proc_net = KVP_PROC_NET;
	ctx->scripts_dir = HVLIS_SCRIPTS_DIR;
	ctx->os_release = KVP_OS_RELEASE;
	ctx->release_file = "/etc/redhat-release";
	ctx->max_records = KVP_DEFAULT_MAX_RECORDS;
	ctx->lock_timeout_ms = KVP_LOCK_TIMEOUT_MS;
	ctx->script_timeout_ms = KVP_SCRIPT_TIMEOUT_MS;
	ctx->run = kvp_run_script;
}

/* Opens the device and writes our registration. */
static int dev_register(struct kvp_daemon *d)
{
	struct kvp_msg reg;

	d->ctx.registered = false;
	kvp_registration_msg(&reg);
	d->fd = hvd_dev_register(&d->log, d->common.device, &reg, sizeof(reg));
	return d->fd < 0 ? -1 : 0;
}

static int op_fd(void *arg)
{
	return ((struct kvp_daemon *)arg)->fd;
}

static enum hvd_input op_input(void *arg)
{
	struct kvp_daemon *d = arg;
	ssize_t n = hvd_dev_read(d->fd, d->buf.raw, sizeof(d->buf.raw));
	int err;

	if (n == -EAGAIN || n == -EINTR)
		return HVD_INPUT_OK;
	if (n <= 0) {
		hvd_log(&d->log, LOG_WARNING, "%s: %s; reopening", d->common.device,
			n == 0 ? "closed" : strerror((int)-n));
		return HVD_INPUT_REOPEN;
	}
	if (kvp_handle(&d->ctx, &d->buf.msg, (size_t)n) != KVP_ANSWER)
		return HVD_INPUT_OK;
	err = hvd_dev_write(d->fd, &d->buf.msg, KVP_MSG_SIZE);
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
	struct kvp_daemon *d = arg;

	return hvd_reopen(&d->log, d->common.device, &d->fd, register_cb, d);
}

static void op_reload(void *arg)
{
	kvp_os_load(&((struct kvp_daemon *)arg)->ctx);
}

static const struct hvd_loop_ops kvp_loop_ops = {
	.fd = op_fd,
	.input = op_input,
	.reopen = op_reopen,
	.reload = op_reload,
};

static int start(struct kvp_daemon *d)
{
	static char pool_dir[PATH_MAX];

	if (kvp_pool_init(&d->ctx) < 0)
		return -1;
	if (realpath(d->ctx.pool_dir, pool_dir))
		d->ctx.pool_dir = pool_dir;
	kvp_os_load(&d->ctx);
	if (dev_register(d) < 0)
		return -1;
	if (!d->common.foreground && daemon(0, 0) < 0) {
		hvd_log(&d->log, LOG_ERR, "daemon: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct kvp_daemon d;
	const char *prog = hvd_progname(argv[0]);
	int rc;

	d.common.device = KVP_DEVICE;
	d.fd = -1;
	ctx_defaults(&d.ctx, &d.log);
	rc = hvd_parse_args(argc, argv,
			    "Hyper-V key-value pair (KVP) daemon: answers the host's KVP requests.",
			    kvp_opts, sizeof(kvp_opts) / sizeof(kvp_opts[0]),
			    &d.common, set_opt, &d.ctx);
	if (rc)
		return rc > 0 ? 0 : 2;
	hvd_log_open(&d.log, prog, d.common.foreground, d.common.verbose);
	hvd_log(&d.log, LOG_INFO, "hvlis %s starting; pool directory %s", HVLIS_VERSION,
		d.ctx.pool_dir);
	rc = 1;
	if (start(&d) == 0)
		rc = hvd_serve(&d.log, &kvp_loop_ops, &d,
			       "registered with the kernel; serving KVP requests");
	if (d.fd >= 0)
		close(d.fd);
	kvp_pool_fini(&d.ctx);
	hvd_log(&d.log, rc ? LOG_ERR : LOG_INFO, "exiting (%s)", rc ? "failure" : "success");
	hvd_log_close(&d.log);
	return rc;
}
