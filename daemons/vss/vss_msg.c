// SPDX-License-Identifier: GPL-2.0-only
/*
 * One message from the kernel in, the answer out (in the same buffer).
 * FREEZE and THAW answer HV_S_OK or HV_E_FAIL, HOT_BACKUP HV_S_OK (the
 * kernel adds the flags), as the in-box daemon; any other operation
 * HV_ERROR_NOT_SUPPORTED (the in-box daemon answers HV_S_OK). The kernel's
 * 4-byte registration answer is taken once per open; any other size is
 * logged and dropped.
 */
#include <string.h>

#include "vss.h"

static void do_register(struct vss_ctx *ctx, const void *buf)
{
	memcpy(&ctx->kernel_version, buf, sizeof(ctx->kernel_version));
	ctx->registered = true;
	hvd_log(ctx->log, LOG_INFO, "registered with the kernel (VSS protocol %u)",
		ctx->kernel_version);
}

enum vss_verdict vss_handle(struct vss_ctx *ctx, void *buf, size_t len)
{
	struct vss_msg *m = buf;
	unsigned int op;
	uint32_t st;

	if (len == VSS_REGISTER_ANSWER_SIZE && !ctx->registered) {
		do_register(ctx, buf);
		return VSS_NO_ANSWER;
	}
	if (len != VSS_MSG_SIZE) {
		hvd_log(ctx->log, LOG_WARNING,
			"dropped a message of %zu bytes (a VSS message has %d)", len, VSS_MSG_SIZE);
		return VSS_NO_ANSWER;
	}
	op = m->hdr.operation;
	switch (op) {
	case VSS_OP_FREEZE:
		st = vss_freeze(ctx);
		break;
	case VSS_OP_THAW:
		st = vss_thaw(ctx, "THAW from the host");
		break;
	case VSS_OP_HOT_BACKUP:
		hvd_log(ctx->log, LOG_INFO, "HOT_BACKUP: backups are supported");
		st = HV_S_OK;
		break;
	default:
		hvd_log(ctx->log, LOG_WARNING, "operation %u is not supported", op);
		st = HV_ERROR_NOT_SUPPORTED;
		break;
	}
	m->error = st;
	return VSS_ANSWER;
}

void vss_registration_msg(struct vss_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.operation = VSS_OP_REGISTER1;
}
