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
#include "relay_msg.h"

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
	return hvlis_fcopy_to_daemon(pkt, len, out);
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
