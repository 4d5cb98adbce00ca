// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of the shutdown service.
 *
 *   ic shutdown request <flags> [message]
 *                  one shutdown request: flags 0/1 power off, 2/3 restart,
 *                  4/5 hibernate (bit 0: forced), anything else is sent
 *                  as given; the message goes in display_message
 *
 * The write succeeds when the guest answered, whatever the status; the ic
 * file shows it as "last_status", and "shutdown_sent", "shutdown_ok",
 * "shutdown_failed", "shutdown_last_flags" on the service's own line.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include "hvsim.h"
#include "hvsim_ic.h"

struct sd_state {
	u64 sent, ok, failed;
	u32 last_flags;
};

static int sd_request(struct hvsim_ic *ic, char *args)
{
	struct sd_state *st = ic->priv;
	struct hvlis_ic_shutdown *req;
	char *flags = args ? strsep(&args, " ") : NULL;
	u32 len, val;
	u8 *pkt;
	int ret;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	ret = -EINVAL;
	/* parsed into a local: the wire struct is packed (no pointers into it) */
	if (!flags || kstrtou32(flags, 0, &val))
		goto out;
	req->flags = val;
	req->reason_code = 0x80000000;	/* "planned" */
	req->timeout_seconds = 60;
	if (args)
		strscpy(req->display_message, args, sizeof(req->display_message));
	st->sent++;
	st->last_flags = req->flags;
	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_SHUTDOWN, req, sizeof(*req), &pkt, &len);
	if (ret)
		goto out;
	if (hvsim_ic_status(pkt, len) == HVLIS_IC_S_OK)
		st->ok++;
	else
		st->failed++;
out:
	kfree(req);
	return ret;
}

static void sd_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct sd_state *st = ic->priv;

	seq_printf(s, "  shutdown_sent %llu shutdown_ok %llu shutdown_failed %llu shutdown_last_flags %u\n",
		   st->sent, st->ok, st->failed, st->last_flags);
}

static const struct hvsim_ic_verb sd_verbs[] = {
	{ "request", sd_request },
	{ }
};

const struct hvsim_ic_service hvsim_ic_shutdown = {
	.name = "shutdown",
	.class_id = HVLIS_GUID_SHUTDOWN,
	.msgtype = HVLIS_ICMSGTYPE_SHUTDOWN,
	.fw = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) },
	.nfw = 2,
	.msg = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(3, 1),
		 HVLIS_IC_VER(3, 2) },
	.nmsg = 4,
	.verbs = sd_verbs,
	.show = sd_show,
	.priv_size = sizeof(struct sd_state),
};
