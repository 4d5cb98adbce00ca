// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat: the host sends a sequence number every few seconds and the
 * guest answers with the number plus one; Hyper-V Manager shows the VM as
 * healthy ("OK") while the answers come.
 */
#include "hv_utils.h"

static const u32 hb_fw[] = { HVLIS_IC_FW_CURRENT, HVLIS_IC_FW_WS2008 };
static const u32 hb_msg[] = { HVLIS_IC_HB_3_0, HVLIS_IC_HB_1_0 };

static bool hb_request(struct util_dev *ud, u8 *pkt, u32 len, u32 *status)
{
	struct hvlis_ic_heartbeat *hb;

	if (!hvlis_ic_body_fits(len, sizeof(*hb))) {
		pr_err_ratelimited("heartbeat: request of %u bytes is too short\n", len);
		*status = HVLIS_IC_E_FAIL;
		return true;
	}
	hb = (struct hvlis_ic_heartbeat *)(pkt + HVLIS_IC_BODY_OFFSET);
	hb->seq_num += 1;
	*status = HVLIS_IC_S_OK;
	return true;
}

const struct util_service util_heartbeat = {
	.name = "heartbeat",
	.msgtype = HVLIS_ICMSGTYPE_HEARTBEAT,
	.fw_versions = hb_fw,
	.n_fw = ARRAY_SIZE(hb_fw),
	.msg_versions = hb_msg,
	.n_msg = ARRAY_SIZE(hb_msg),
	.buf_bytes = PAGE_SIZE,
	.request = hb_request,
};
