// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of VSS (backup).
 *
 *   ic vss freeze | thaw | hot_backup | dm_info
 *   ic vss op <n>          any operation number
 *   ic vss short           a request with a 4-byte body (must fail)
 *
 * A verb succeeds when the guest answered (any status). The ic file shows
 * vss_status (the last answer's) and vss_flags (its flags word).
 */
#include <linux/kernel.h>
#include <hvlis/uapi/vss.h>
#include "hvsim.h"
#include "hvsim_ic.h"

struct vss_state {
	u32 status, flags;
	u64 ops;
};

static int vss_send(struct hvsim_ic *ic, u8 op, u32 len)
{
	struct vss_state *st = ic->priv;
	struct hvlis_ic_vss req = { .operation = op };
	u32 alen;
	u8 *ans;
	int ret;

	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_VSS, &req, len, &ans, &alen);
	if (ret)
		return ret;
	st->ops++;
	st->status = hvsim_ic_status(ans, alen);
	st->flags = 0;
	if (alen >= HVLIS_IC_BODY_OFFSET + sizeof(req))
		st->flags = ((struct hvlis_ic_vss *)(ans + HVLIS_IC_BODY_OFFSET))->flags;
	return 0;
}

static int vss_freeze(struct hvsim_ic *ic, char *args)
{
	return vss_send(ic, VSS_OP_FREEZE, sizeof(struct hvlis_ic_vss));
}

static int vss_thaw(struct hvsim_ic *ic, char *args)
{
	return vss_send(ic, VSS_OP_THAW, sizeof(struct hvlis_ic_vss));
}

static int vss_hot_backup(struct hvsim_ic *ic, char *args)
{
	return vss_send(ic, VSS_OP_HOT_BACKUP, sizeof(struct hvlis_ic_vss));
}

static int vss_dm_info(struct hvsim_ic *ic, char *args)
{
	return vss_send(ic, VSS_OP_GET_DM_INFO, sizeof(struct hvlis_ic_vss));
}

static int vss_op(struct hvsim_ic *ic, char *args)
{
	u8 op;

	if (!args || kstrtou8(args, 0, &op))
		return -EINVAL;
	return vss_send(ic, op, sizeof(struct hvlis_ic_vss));
}

static int vss_short(struct hvsim_ic *ic, char *args)
{
	return vss_send(ic, VSS_OP_FREEZE, 4);
}

static void vss_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct vss_state *st = ic->priv;

	seq_printf(s, "  vss_ops %llu vss_status 0x%08x vss_flags 0x%x\n", st->ops, st->status,
		   st->flags);
}

static const struct hvsim_ic_verb vss_verbs[] = {
	{ "freeze", vss_freeze },
	{ "thaw", vss_thaw },
	{ "hot_backup", vss_hot_backup },
	{ "dm_info", vss_dm_info },
	{ "op", vss_op },
	{ "short", vss_short },
	{ }
};

const struct hvsim_ic_service hvsim_ic_vss = {
	.name = "vss",
	.class_id = HVLIS_GUID_VSS,
	.msgtype = HVLIS_ICMSGTYPE_VSS,
	.fw = { HVLIS_IC_VER(3, 0) },
	.nfw = 1,
	.msg = { HVLIS_IC_VER(5, 0) },
	.nmsg = 1,
	.verbs = vss_verbs,
	.show = vss_show,
	.priv_size = sizeof(struct vss_state),
};
