// SPDX-License-Identifier: GPL-2.0-only
/*
 * File copy (Copy-VMFile): the host sends START_FILE_COPY (name, directory,
 * flags, size), WRITE_TO_FILE fragments and COMPLETE_FCOPY or CANCEL_FCOPY;
 * the daemon (hv_fcopy_daemon, /dev/vmbus/hv_fcopy) writes the file and
 * answers each message with a 32-bit status, which goes to the host.
 *
 * What the daemon gets, as from the in-box driver: START with the name and
 * the directory converted to UTF-8 in the same fields (1088 bytes in all);
 * WRITE as the host sent it (6196 bytes, the fragment's size checked here
 * against its field and the packet); COMPLETE, CANCEL and anything else as
 * the 36-byte header. The handshake: the daemon writes its protocol version
 * as a u32; version 1 gets the kernel's (1) back, version 0 nothing.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <hvlis/uapi/fcopy.h>
#include "devtransport.h"
#include "utf16.h"

#define FCOPY_TIMEOUT_S		30

static const u32 fcopy_fw[] = { HVLIS_IC_FW_CURRENT };
static const u32 fcopy_msg_ver[] = { HVLIS_IC_FCOPY_1_1 };

static int fcopy_handshake(struct relay *r, const u8 *msg, size_t len)
{
	u32 ver, ours = FCOPY_CURRENT_VERSION;

	if (len != sizeof(ver))
		return -EINVAL;
	memcpy(&ver, msg, sizeof(ver));
	if (ver == FCOPY_VERSION_0)
		return 0;
	if (ver != FCOPY_VERSION_1) {
		pr_warn("fcopy: the daemon speaks protocol %u; this driver 0 and 1\n", ver);
		return -EINVAL;
	}
	return relay_to_daemon(r, &ours, sizeof(ours));
}

static int fcopy_to_daemon(struct relay *r, u8 *pkt, u32 len, u8 *out, u32 *status)
{
	const u8 *body = pkt + HVLIS_IC_BODY_OFFSET;
	u32 blen = len - HVLIS_IC_BODY_OFFSET;
	const struct hvlis_ic_fcopy_start *st = (const void *)body;
	const struct hvlis_ic_fcopy_data *d = (const void *)body;
	struct fcopy_start *ms = (struct fcopy_start *)out;
	u32 op;

	if (!hvlis_ic_body_fits(len, sizeof(struct hvlis_ic_fcopy_hdr)))
		goto short_msg;
	op = st->hdr.operation;
	switch (op) {
	case START_FILE_COPY:
		if (blen < sizeof(*st))
			goto short_msg;
		ms->hdr.operation = op;
		if (hvlis_utf16_to_utf8(st->file_name, HVLIS_IC_FCOPY_PATH_UNITS, true,
					(char *)ms->file_name, sizeof(ms->file_name)) < 0 ||
		    hvlis_utf16_to_utf8(st->path_name, HVLIS_IC_FCOPY_PATH_UNITS, true,
					(char *)ms->path_name, sizeof(ms->path_name)) < 0) {
			pr_warn_ratelimited("fcopy: a name from the host is not NUL-terminated UTF-16 or too long\n");
			return -EINVAL;
		}
		ms->copy_flags = st->copy_flags;
		ms->file_size = st->file_size;
		return FCOPY_START_SIZE;
	case WRITE_TO_FILE:
		if (blen < offsetof(struct hvlis_ic_fcopy_data, data))
			goto short_msg;
		if (d->size > HVLIS_IC_FCOPY_FRAGMENT ||
		    d->size > blen - offsetof(struct hvlis_ic_fcopy_data, data)) {
			pr_warn_ratelimited("fcopy: a fragment of %u bytes in a request of %u\n",
					    d->size, len);
			return -EINVAL;
		}
		memcpy(out, body, offsetof(struct hvlis_ic_fcopy_data, data) + d->size);
		return FCOPY_DATA_SIZE;
	default:
		memcpy(out, body, FCOPY_HDR_SIZE);
		return FCOPY_HDR_SIZE;
	}
short_msg:
	pr_warn_ratelimited("fcopy: request of %u bytes is too short\n", len);
	return -EINVAL;
}

static int fcopy_from_daemon(struct relay *r, u8 *pkt, u32 len, const u8 *msg, size_t mlen,
			     u32 *status)
{
	if (mlen != sizeof(*status))
		return -EINVAL;
	memcpy(status, msg, sizeof(*status));
	return 0;
}

static unsigned int fcopy_timeout(struct relay *r, const u8 *pkt, u32 len)
{
	return FCOPY_TIMEOUT_S;
}

static const struct relay_ops fcopy_relay = {
	.devname = "vmbus/hv_fcopy",
	.max_in = sizeof(u32),
	.max_out = FCOPY_MAX_MSG,
	.handshake = fcopy_handshake,
	.to_daemon = fcopy_to_daemon,
	.from_daemon = fcopy_from_daemon,
	.timeout = fcopy_timeout,
};

const struct util_service util_fcopy = {
	.name = "fcopy",
	.msgtype = HVLIS_ICMSGTYPE_FCOPY,
	.fw_versions = fcopy_fw,
	.n_fw = ARRAY_SIZE(fcopy_fw),
	.msg_versions = fcopy_msg_ver,
	.n_msg = ARRAY_SIZE(fcopy_msg_ver),
	.buf_bytes = 2 * PAGE_SIZE,
	.init = relay_service_init,
	.request = relay_service_request,
	.stop = relay_service_stop,
	.deinit = relay_service_deinit,
	.relay = &fcopy_relay,
};
