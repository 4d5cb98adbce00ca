// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS (backup): before the host takes a live backup it asks the guest to
 * freeze its file systems, and to thaw them afterwards. The daemon
 * (hv_vss_daemon, /dev/vmbus/hv_vss) freezes and thaws; FREEZE, THAW and
 * HOT_BACKUP (the host checking whether live backup works) go to it. The
 * others are answered here: GET_DM_INFO with flags 0, the rest with
 * success. A successful HOT_BACKUP answers VSS_HBU_NO_AUTO_RECOVERY.
 *
 * The daemon's messages are 12 bytes both ways; its answer has the status
 * in the header's place. The handshake: the daemon writes VSS_OP_REGISTER1
 * and the kernel answers with its own VSS_OP_REGISTER1 as a u32 (4 bytes);
 * a VSS_OP_REGISTER daemon gets no answer. A FREEZE may take 15 minutes
 * (the daemon waits for the file systems); the rest 30 s.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <hvlis/uapi/vss.h>
#include "devtransport.h"
#include "relay_msg.h"

#define VSS_TIMEOUT_S		30
#define VSS_FREEZE_TIMEOUT_S	(15 * 60)

static const u32 vss_fw[] = { HVLIS_IC_FW_CURRENT };
static const u32 vss_msg_ver[] = { HVLIS_IC_VSS_5_0 };

static int vss_handshake(struct relay *r, const u8 *msg, size_t len)
{
	u32 ours = VSS_OP_REGISTER1;

	if (len != VSS_MSG_SIZE)
		return -EINVAL;
	if (msg[0] == VSS_OP_REGISTER)
		return 0;
	if (msg[0] != VSS_OP_REGISTER1) {
		pr_warn("vss: the daemon registers with operation %u\n", msg[0]);
		return -EINVAL;
	}
	return relay_to_daemon(r, &ours, sizeof(ours));
}

static int vss_to_daemon(struct relay *r, u8 *pkt, u32 len, u8 *out, u32 *status)
{
	return hvlis_vss_to_daemon(pkt, len, out, status);
}

static int vss_from_daemon(struct relay *r, u8 *pkt, u32 len, const u8 *msg, size_t mlen,
			   u32 *status)
{
	struct hvlis_ic_vss *in = (struct hvlis_ic_vss *)(pkt + HVLIS_IC_BODY_OFFSET);
	const struct vss_msg *a = (const void *)msg;

	if (mlen != VSS_MSG_SIZE)
		return -EINVAL;
	*status = a->error;
	if (in->operation == VSS_OP_HOT_BACKUP && !a->error)
		in->flags = VSS_HBU_NO_AUTO_RECOVERY;
	return 0;
}

static unsigned int vss_timeout(struct relay *r, const u8 *pkt, u32 len)
{
	const struct hvlis_ic_vss *in = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);

	return in->operation == VSS_OP_FREEZE ? VSS_FREEZE_TIMEOUT_S : VSS_TIMEOUT_S;
}

static const struct relay_ops vss_relay = {
	.devname = "vmbus/hv_vss",
	.max_in = VSS_MSG_SIZE,
	.max_out = VSS_MSG_SIZE,
	.handshake = vss_handshake,
	.to_daemon = vss_to_daemon,
	.from_daemon = vss_from_daemon,
	.timeout = vss_timeout,
};

const struct util_service util_vss = {
	.name = "vss",
	.msgtype = HVLIS_ICMSGTYPE_VSS,
	.fw_versions = vss_fw,
	.n_fw = ARRAY_SIZE(vss_fw),
	.msg_versions = vss_msg_ver,
	.n_msg = ARRAY_SIZE(vss_msg_ver),
	.buf_bytes = PAGE_SIZE,
	.init = relay_service_init,
	.request = relay_service_request,
	.stop = relay_service_stop,
	.deinit = relay_service_deinit,
	.relay = &vss_relay,
};
