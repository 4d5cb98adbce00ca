// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of the heartbeat service.
 *
 *   ic heartbeat beat [count]   send count requests (default 1), each with
 *                               the next sequence number; every answer must
 *                               carry that number plus one
 *
 * The ic file shows "heartbeat_sent", "heartbeat_ok" (answers that were
 * right) and "heartbeat_seq" (the last number sent).
 */
#include <linux/kernel.h>
#include "hvsim.h"
#include "hvsim_ic.h"

struct hb_state {
	u64 seq;
	u64 sent;
	u64 ok;
};

static int hb_beat(struct hvsim_ic *ic, char *args)
{
	struct hb_state *st = ic->priv;
	struct hvlis_ic_heartbeat req, *ans;
	unsigned int count = 1, i;
	u32 len;
	u8 *pkt;
	int ret;

	if (args && *args && (kstrtouint(args, 0, &count) || !count || count > 100000))
		return -EINVAL;
	for (i = 0; i < count; i++) {
		memset(&req, 0, sizeof(req));
		req.seq_num = ++st->seq;
		st->sent++;
		ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_HEARTBEAT, &req, sizeof(req),
					&pkt, &len);
		if (ret)
			return ret;
		if (hvsim_ic_status(pkt, len) != HVLIS_IC_S_OK ||
		    len < HVLIS_IC_BODY_OFFSET + sizeof(*ans)) {
			pr_err("heartbeat %llu: answer of %u bytes, status 0x%x\n",
			       req.seq_num, len, hvsim_ic_status(pkt, len));
			return -EPROTO;
		}
		ans = (struct hvlis_ic_heartbeat *)(pkt + HVLIS_IC_BODY_OFFSET);
		if (ans->seq_num != req.seq_num + 1) {
			pr_err("heartbeat %llu: answered %llu\n", req.seq_num, ans->seq_num);
			return -EPROTO;
		}
		st->ok++;
	}
	return 0;
}

static void hb_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct hb_state *st = ic->priv;

	seq_printf(s, "  heartbeat_sent %llu heartbeat_ok %llu heartbeat_seq %llu\n",
		   st->sent, st->ok, st->seq);
}

static const struct hvsim_ic_verb hb_verbs[] = {
	{ "beat", hb_beat },
	{ }
};

const struct hvsim_ic_service hvsim_ic_heartbeat = {
	.name = "heartbeat",
	.class_id = HVLIS_GUID_HEARTBEAT,
	.msgtype = HVLIS_ICMSGTYPE_HEARTBEAT,
	.fw = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) },
	.nfw = 2,
	.msg = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) },
	.nmsg = 2,
	.verbs = hb_verbs,
	.show = hb_show,
	.priv_size = sizeof(struct hb_state),
};
