// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of the integration components (IC).
 *
 * When the guest opens an IC channel the host sends NEGOTIATE with the
 * versions it offers (by default what the service's Hyper-V versions
 * speak; the "versions" verb changes them), and records what the guest
 * picked. After that, tests send requests through the ctl file:
 *
 *   ic <service|relid> negotiate            negotiate again, now
 *   ic <service|relid> versions fw=<v,...> msg=<v,...>
 *                                           what the next NEGOTIATE offers
 *                                           (v as major.minor)
 *   ic <service|relid> send <type> <bytes>  a request of any message type
 *                                           with a zeroed body; the answer's
 *                                           status is in the ic file
 *   ic <service|relid> runt <bytes>         a packet too short for the IC
 *                                           headers even padded to VMBus's
 *                                           8 bytes (0..24 bytes): the guest
 *                                           must drop it and not answer
 *   ic <service|relid> flood <n> <gap_ms> <rescind_after>
 *                                           a hostile host: <n> requests of
 *                                           the service's type (zeroed body)
 *                                           without waiting for answers (only
 *                                           counted: flood_answers), <gap_ms>
 *                                           apart; gap 0 writes them as one
 *                                           burst with a single signal at the
 *                                           end; <rescind_after> > 0 rescinds
 *                                           the channel after that many; ends
 *                                           early when the channel closes
 *   ic <service|relid> <verb> [args]        a verb of the service
 *                                           (ic_<service>.c)
 *
 * A write fails with the verb's error: -ETIMEDOUT when the guest did not
 * answer in 5 s, -EPROTO when the answer was wrong, -ENODEV when the
 * channel is not open. Read /sys/kernel/debug/hvsim/ic for each IC
 * channel's state: the versions agreed, counters, the last status.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include "hvsim.h"
#include "hvsim_ic.h"
#include "hvsim_dev.h"

static const struct hvsim_ic_service *services[] = {
	&hvsim_ic_heartbeat,
	&hvsim_ic_shutdown, &hvsim_ic_timesync,
	&hvsim_ic_kvp, &hvsim_ic_vss, &hvsim_ic_fcopy,
};

static LIST_HEAD(ics);
static DEFINE_SPINLOCK(ics_lock);	/* the list; entries live until exit */
static struct workqueue_struct *ic_wq;	/* negotiations */
static atomic64_t next_tid = ATOMIC64_INIT(0x1c000000);

struct neg_work {
	struct work_struct work;
	struct hvsim_ic *ic;
};

static const struct hvsim_ic_service *service_of(const struct hvlis_guid *class_id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(services); i++)
		if (!memcmp(&services[i]->class_id, class_id, sizeof(*class_id)))
			return services[i];
	return NULL;
}

/* Does hvsim play the host side of this device class (an IC service it knows)? */
static bool ic_claims(const struct hvlis_guid *class_id)
{
	return service_of(class_id);
}

static struct hvsim_ic *ic_by_relid(u32 relid)
{
	struct hvsim_ic *ic;

	list_for_each_entry(ic, &ics, node)
		if (ic->relid == relid)
			return ic;
	return NULL;
}

u32 hvsim_ic_status(const u8 *answer, u32 len)
{
	const struct hvlis_ic_hdr *h;

	if (len < HVLIS_IC_BODY_OFFSET)
		return HVLIS_IC_E_FAIL;
	h = (const void *)(answer + sizeof(struct hvlis_ic_pipe_hdr));
	return h->status;
}

static int send_packet(struct hvsim_ic *ic, const void *pkt, u32 len, u64 *tid)
{
	int ret;

	*tid = atomic64_inc_return(&next_tid);
	spin_lock(&ic->rx_lock);
	ic->want_tid = *tid;
	ic->resp_len = 0;
	reinit_completion(&ic->done);
	spin_unlock(&ic->rx_lock);
	ret = hvsim_chan_send(ic->relid, pkt, len, *tid);
	if (ret) {
		spin_lock(&ic->rx_lock);
		ic->want_tid = 0;
		spin_unlock(&ic->rx_lock);
	}
	return ret;
}

/* Wait for the answer to *tid; false on timeout (then none is awaited). */
static bool wait_answer(struct hvsim_ic *ic, unsigned int ms)
{
	bool got;

	wait_for_completion_timeout(&ic->done, msecs_to_jiffies(ms));
	spin_lock(&ic->rx_lock);
	got = !ic->want_tid;
	ic->want_tid = 0;
	spin_unlock(&ic->rx_lock);
	return got;
}

int hvsim_ic_transact(struct hvsim_ic *ic, u8 msgtype, const void *body, u32 len,
		      u8 **answer, u32 *answer_len)
{
	struct hvlis_ic_pipe_hdr *p;
	struct hvlis_ic_hdr *h;
	u32 total = HVLIS_IC_BODY_OFFSET + len;
	u64 tid;
	u8 *pkt;
	int ret;

	if (total > HVSIM_IC_MAX_PKT)
		return -EMSGSIZE;
	if (READ_ONCE(ic->closed))
		return -ENODEV;
	pkt = kzalloc(total, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	p = (void *)pkt;
	h = (void *)(pkt + sizeof(*p));
	p->msgsize = sizeof(*h) + len;
	h->icverframe.major = HVLIS_IC_VER_MAJOR(ic->fw_agreed ? ic->fw_agreed : ic->fw[0]);
	h->icverframe.minor = HVLIS_IC_VER_MINOR(ic->fw_agreed ? ic->fw_agreed : ic->fw[0]);
	h->icvermsg.major = HVLIS_IC_VER_MAJOR(ic->msg_agreed ? ic->msg_agreed : ic->msg[0]);
	h->icvermsg.minor = HVLIS_IC_VER_MINOR(ic->msg_agreed ? ic->msg_agreed : ic->msg[0]);
	h->icmsgtype = msgtype;
	h->icmsgsize = len;
	h->ictransaction_id = ic->tid++;
	h->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_REQUEST;
	if (len)
		memcpy(pkt + HVLIS_IC_BODY_OFFSET, body, len);
	ic->requests++;
	ret = send_packet(ic, pkt, total, &tid);
	kfree(pkt);
	if (ret)
		return ret;
	if (!wait_answer(ic, HVSIM_IC_TIMEOUT_MS)) {
		if (READ_ONCE(ic->closed))
			return -ENODEV;
		ic->timeouts++;
		pr_err("ic %s (relid %u): no answer to message type %u in %u ms\n",
		       ic->svc->name, ic->relid, msgtype, HVSIM_IC_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	ic->answers++;
	ic->last_status = hvsim_ic_status(ic->resp, ic->resp_len);
	if (ic->last_status != HVLIS_IC_S_OK)
		ic->failures++;
	*answer = ic->resp;
	*answer_len = ic->resp_len;
	return 0;
}

/* NEGOTIATE with the versions the host offers now. Caller holds ic->lock. */
static int negotiate(struct hvsim_ic *ic)
{
	struct hvlis_ic_negotiate *neg;
	struct hvlis_ic_version *v;
	unsigned int i, n = ic->nfw + ic->nmsg;
	u32 len = sizeof(*neg) + n * sizeof(*v), alen;
	u8 *body, *ans;
	int ret;

	body = kzalloc(len, GFP_KERNEL);
	if (!body)
		return -ENOMEM;
	neg = (void *)body;
	neg->icframe_vercnt = ic->nfw;
	neg->icmsg_vercnt = ic->nmsg;
	for (i = 0; i < n; i++) {
		u32 ver = i < ic->nfw ? ic->fw[i] : ic->msg[i - ic->nfw];

		neg->icversion_data[i].major = HVLIS_IC_VER_MAJOR(ver);
		neg->icversion_data[i].minor = HVLIS_IC_VER_MINOR(ver);
	}
	ic->fw_agreed = 0;
	ic->msg_agreed = 0;
	ic->negotiated = false;
	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_NEGOTIATE, body, len, &ans, &alen);
	kfree(body);
	if (ret)
		return ret;
	if (alen < HVLIS_IC_BODY_OFFSET + sizeof(*neg)) {
		ic->bad_answers++;
		return -EPROTO;
	}
	neg = (void *)(ans + HVLIS_IC_BODY_OFFSET);
	ic->negotiated = true;
	if (neg->icframe_vercnt == 0 && neg->icmsg_vercnt == 0) {
		pr_info("ic %s (relid %u): the guest shares no version with us\n",
			ic->svc->name, ic->relid);
		return 0;
	}
	if (neg->icframe_vercnt != 1 || neg->icmsg_vercnt != 1 ||
	    alen < HVLIS_IC_BODY_OFFSET + sizeof(*neg) + 2 * sizeof(*v)) {
		ic->bad_answers++;
		pr_err("ic %s: NEGOTIATE answered with %u/%u versions\n", ic->svc->name,
		       neg->icframe_vercnt, neg->icmsg_vercnt);
		return -EPROTO;
	}
	v = neg->icversion_data;
	ic->fw_agreed = HVLIS_IC_VER(v[0].major, v[0].minor);
	ic->msg_agreed = HVLIS_IC_VER(v[1].major, v[1].minor);
	pr_info("ic %s (relid %u): framework %u.%u, message version %u.%u\n",
		ic->svc->name, ic->relid, v[0].major, v[0].minor, v[1].major, v[1].minor);
	return 0;
}

static void neg_work_fn(struct work_struct *work)
{
	struct neg_work *nw = container_of(work, struct neg_work, work);
	struct hvsim_ic *ic = nw->ic;

	mutex_lock(&ic->lock);
	negotiate(ic);
	mutex_unlock(&ic->lock);
	kfree(nw);
}

/*
 * The guest opened a channel (its OPENCHANNEL_RESULT is queued): start the
 * IC exchange. @priv is the service. Called by host.c with its lock held:
 * only queues work.
 */
static void ic_opened(void *priv, u32 relid, u16 sub_index)
{
	const struct hvsim_ic_service *svc = priv;
	struct hvsim_ic *ic, *fresh;
	struct neg_work *nw;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	nw = kzalloc(sizeof(*nw), GFP_KERNEL);
	if (fresh) {
		fresh->priv = kzalloc(svc->priv_size ? svc->priv_size : 1, GFP_KERNEL);
		fresh->resp = kzalloc(HVSIM_IC_MAX_PKT, GFP_KERNEL);
	}
	if (!fresh || !nw || !fresh->priv || !fresh->resp) {
		pr_err("ic %s: out of memory; relid %u gets no IC host\n", svc->name, relid);
		goto free;
	}
	fresh->relid = relid;
	fresh->svc = svc;
	mutex_init(&fresh->lock);
	spin_lock_init(&fresh->rx_lock);
	init_completion(&fresh->done);
	memcpy(fresh->fw, svc->fw, sizeof(fresh->fw));
	fresh->nfw = svc->nfw;
	memcpy(fresh->msg, svc->msg, sizeof(fresh->msg));
	fresh->nmsg = svc->nmsg;

	spin_lock(&ics_lock);
	ic = ic_by_relid(relid);
	if (ic && ic->svc != svc)
		ic->relid = 0;	/* the relid came back as another service */
	else if (ic)
		WRITE_ONCE(ic->closed, false);	/* reopened: keep its counters */
	if (!ic || !ic->relid) {
		list_add_tail(&fresh->node, &ics);
		ic = fresh;
		fresh = NULL;
	}
	spin_unlock(&ics_lock);
	nw->ic = ic;
	INIT_WORK(&nw->work, neg_work_fn);
	queue_work(ic_wq, &nw->work);
	nw = NULL;
free:
	kfree(nw);
	if (fresh) {
		kfree(fresh->priv);
		kfree(fresh->resp);
		kfree(fresh);
	}
}

/* The channel closed or went away: nothing to wait for (host.c's lock held). */
static void ic_closed(void *priv, u32 relid, u16 sub_index, bool gone)
{
	struct hvsim_ic *ic;

	spin_lock(&ics_lock);
	ic = ic_by_relid(relid);
	if (ic) {
		WRITE_ONCE(ic->closed, true);
		spin_lock(&ic->rx_lock);
		ic->want_tid = ~0ull;	/* matches no answer */
		complete(&ic->done);
		spin_unlock(&ic->rx_lock);
	}
	spin_unlock(&ics_lock);
}

/* A packet the guest wrote on an IC channel, descriptor first: only copies and wakes. */
static void ic_packet(void *priv, u32 relid, u16 sub_index, const u8 *pkt, u32 len)
{
	const struct hvlis_packet_desc *d = (const void *)pkt;
	struct hvsim_ic *ic;
	u32 off;

	spin_lock(&ics_lock);
	ic = ic_by_relid(relid);
	if (!ic || len < sizeof(*d)) {
		spin_unlock(&ics_lock);
		return;
	}
	off = d->offset8 * 8;
	spin_lock(&ic->rx_lock);
	if (READ_ONCE(ic->flooding) && d->trans_id != ic->want_tid) {
		ic->flood_answers++;
	} else if (d->type != HVLIS_PKT_DATA_INBAND || off < sizeof(*d) || off > len ||
	    d->trans_id != ic->want_tid || !ic->want_tid) {
		ic->bad_answers++;
		pr_err("ic %s (relid %u): unexpected packet, type %u, tid %llu\n",
		       ic->svc->name, relid, d->type, d->trans_id);
	} else {
		ic->resp_len = min_t(u32, len - off, HVSIM_IC_MAX_PKT);
		memcpy(ic->resp, pkt + off, ic->resp_len);
		ic->want_tid = 0;
		complete(&ic->done);
	}
	spin_unlock(&ic->rx_lock);
	spin_unlock(&ics_lock);
}

/* "3.0,1.0" -> versions; at most HVSIM_IC_MAX_VERSIONS, at least one. */
int hvsim_ic_parse_versions(char *list, u32 *out, unsigned int *n)
{
	char *tok;
	unsigned int major, minor;

	*n = 0;
	while ((tok = strsep(&list, ",")) != NULL) {
		if (*n == HVSIM_IC_MAX_VERSIONS ||
		    sscanf(tok, "%u.%u", &major, &minor) != 2 ||
		    major > 0xffff || minor > 0xffff)
			return -EINVAL;
		out[(*n)++] = HVLIS_IC_VER(major, minor);
	}
	return *n ? 0 : -EINVAL;
}

static int verb_versions(struct hvsim_ic *ic, char *args)
{
	char *tok;
	int ret = -EINVAL;

	while (args && (tok = strsep(&args, " ")) != NULL) {
		if (!strncmp(tok, "fw=", 3))
			ret = hvsim_ic_parse_versions(tok + 3, ic->fw, &ic->nfw);
		else if (!strncmp(tok, "msg=", 4))
			ret = hvsim_ic_parse_versions(tok + 4, ic->msg, &ic->nmsg);
		else if (*tok)
			ret = -EINVAL;
		if (ret)
			return ret;
	}
	return ret;
}

static int verb_send(struct hvsim_ic *ic, char *args)
{
	unsigned int type, bytes;
	u32 alen;
	u8 *body, *ans;
	int ret;

	if (!args || sscanf(args, "%u %u", &type, &bytes) != 2 || type > 0xffff ||
	    bytes > HVSIM_IC_MAX_PKT - HVLIS_IC_BODY_OFFSET)
		return -EINVAL;
	body = kzalloc(bytes + 1, GFP_KERNEL);
	if (!body)
		return -ENOMEM;
	ret = hvsim_ic_transact(ic, type, body, bytes, &ans, &alen);
	kfree(body);
	return ret;
}

static int verb_runt(struct hvsim_ic *ic, char *args)
{
	unsigned int bytes;
	u8 pkt[HVLIS_IC_BODY_OFFSET];
	u64 tid;
	int ret;

	if (!args || kstrtouint(args, 0, &bytes) || ALIGN(bytes, 8) >= HVLIS_IC_BODY_OFFSET)
		return -EINVAL;
	memset(pkt, 0xa5, sizeof(pkt));
	ret = send_packet(ic, pkt, bytes ? bytes : 1, &tid);
	if (ret)
		return ret;
	if (wait_answer(ic, 1000)) {
		ic->bad_answers++;
		pr_err("ic %s: the guest answered a %u-byte runt\n", ic->svc->name, bytes);
		return -EPROTO;
	}
	return 0;
}

static int verb_flood(struct hvsim_ic *ic, char *args)
{
	u32 len = HVLIS_IC_BODY_OFFSET + 64;
	unsigned int n, gap, rescind_at, i, how = 0;
	struct hvlis_ic_hdr *h;
	int ret = 0;
	u8 *pkt;

	if (!args || sscanf(args, "%u %u %u", &n, &gap, &rescind_at) != 3 || !n)
		return -EINVAL;
	pkt = kzalloc(len, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	((struct hvlis_ic_pipe_hdr *)pkt)->msgsize = len - sizeof(struct hvlis_ic_pipe_hdr);
	h = (void *)(pkt + sizeof(struct hvlis_ic_pipe_hdr));
	h->icverframe.major = HVLIS_IC_VER_MAJOR(ic->fw_agreed ? ic->fw_agreed : ic->fw[0]);
	h->icvermsg.major = HVLIS_IC_VER_MAJOR(ic->msg_agreed ? ic->msg_agreed : ic->msg[0]);
	h->icvermsg.minor = HVLIS_IC_VER_MINOR(ic->msg_agreed ? ic->msg_agreed : ic->msg[0]);
	h->icmsgtype = ic->svc->msgtype;
	h->icmsgsize = 64;
	h->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_REQUEST;
	WRITE_ONCE(ic->flooding, true);
	for (i = 0; i < n && ret != -ENODEV; i++) {
		if (!gap)
			how |= i + 1 < n ? HVSIM_SEND_NO_SIGNAL : HVSIM_SEND_SIGNAL;
		h->ictransaction_id = ic->tid++;
		ret = hvsim_chan_send_hostile(ic->relid, pkt, len, atomic64_inc_return(&next_tid),
					      how);
		how = 0;
		if (!ret)
			ic->flood_sent++;
		if (rescind_at && i + 1 == rescind_at)
			hvsim_rescind(ic->relid);
		if (gap)
			msleep(gap);
	}
	if (!gap && ret)	/* the burst ended early (ring full): signal now */
		hvsim_chan_kick(ic->relid);
	kfree(pkt);
	pr_info("ic %s: flood of %u: %llu written\n", ic->svc->name, n, ic->flood_sent);
	return 0;
}

static const struct hvsim_ic_verb common_verbs[] = {
	{ "versions", verb_versions },
	{ "send", verb_send },
	{ "runt", verb_runt },
	{ "flood", verb_flood },
	{ }
};

static const struct hvsim_ic_verb *find_verb(const struct hvsim_ic_verb *v, const char *name)
{
	for (; v && v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/**
 * hvsim_ic_command() - run "ic <service|relid> <verb> [args]"
 * @args: the command line after "ic "
 *
 * Return: 0 or the verb's -errno.
 */
int hvsim_ic_command(char *args)
{
	char *who = strsep(&args, " "), *verb = args ? strsep(&args, " ") : NULL;
	const struct hvsim_ic_verb *v;
	struct hvsim_ic *ic, *found = NULL;
	unsigned int relid = 0;
	int ret;

	if (!who || !*who || !verb || !*verb)
		return -EINVAL;
	if (kstrtouint(who, 0, &relid))
		relid = 0;
	spin_lock(&ics_lock);
	list_for_each_entry(ic, &ics, node) {
		if (!ic->relid)
			continue;
		if (relid ? ic->relid == relid : !strcmp(ic->svc->name, who)) {
			found = ic;
			break;
		}
	}
	spin_unlock(&ics_lock);
	if (!found) {
		pr_err("ic: no open IC channel '%s'\n", who);
		return -ENODEV;
	}
	ic = found;
	mutex_lock(&ic->lock);
	if (!strcmp(verb, "negotiate")) {
		ret = negotiate(ic);
	} else {
		v = find_verb(common_verbs, verb);
		if (!v)
			v = find_verb(ic->svc->verbs, verb);
		ret = v ? v->run(ic, args) : -EINVAL;
		if (!v)
			pr_err("ic %s: unknown verb '%s'\n", ic->svc->name, verb);
	}
	mutex_unlock(&ic->lock);
	return ret;
}

static void show_versions(struct seq_file *s, const u32 *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		seq_printf(s, "%s%u.%u", i ? "," : "", HVLIS_IC_VER_MAJOR(v[i]),
			   HVLIS_IC_VER_MINOR(v[i]));
}

/**
 * hvsim_ic_show() - the ic file: one block per IC channel
 * @s: the file
 */
void hvsim_ic_show(struct seq_file *s)
{
	struct hvsim_ic *ic, **all;
	unsigned int n = 0, i;

	all = kcalloc(HVSIM_IC_MAX_CHANNELS, sizeof(*all), GFP_KERNEL);
	if (!all)
		return;
	/* Entries are never freed before exit: take them one by one after. */
	spin_lock(&ics_lock);
	list_for_each_entry(ic, &ics, node)
		if (ic->relid && n < HVSIM_IC_MAX_CHANNELS)
			all[n++] = ic;
	spin_unlock(&ics_lock);
	for (i = 0; i < n; i++) {
		ic = all[i];
		mutex_lock(&ic->lock);
		seq_printf(s, "%s relid %u open %d negotiated %d fw %u.%u msg %u.%u offered_fw ",
			   ic->svc->name, ic->relid, !READ_ONCE(ic->closed), ic->negotiated,
			   HVLIS_IC_VER_MAJOR(ic->fw_agreed), HVLIS_IC_VER_MINOR(ic->fw_agreed),
			   HVLIS_IC_VER_MAJOR(ic->msg_agreed), HVLIS_IC_VER_MINOR(ic->msg_agreed));
		show_versions(s, ic->fw, ic->nfw);
		seq_puts(s, " offered_msg ");
		show_versions(s, ic->msg, ic->nmsg);
		seq_printf(s, " requests %llu answers %llu failures %llu timeouts %llu bad_answers %llu last_status 0x%08x\n",
			   ic->requests, ic->answers, ic->failures, ic->timeouts,
			   ic->bad_answers, ic->last_status);
		if (ic->flooding)
			seq_printf(s, "  flood_sent %llu flood_answers %llu\n", ic->flood_sent,
				   READ_ONCE(ic->flood_answers));
		if (ic->svc->show)
			ic->svc->show(ic, s);
		mutex_unlock(&ic->lock);
	}
	kfree(all);
}

/* Set up the IC host (module init): 0 or -ENOMEM. */
static int ic_init(void)
{
	ic_wq = alloc_workqueue("hvsim_ic", WQ_UNBOUND, 0);
	return ic_wq ? 0 : -ENOMEM;
}

/* Free every IC channel's state (module exit). */
static void ic_exit(void)
{
	struct hvsim_ic *ic, *tmp;

	if (ic_wq)
		destroy_workqueue(ic_wq);	/* waits for negotiations */
	ic_wq = NULL;
	list_for_each_entry_safe(ic, tmp, &ics, node) {
		list_del(&ic->node);
		kfree(ic->resp);
		kfree(ic->priv);
		kfree(ic);
	}
}

static const struct hvsim_dev_ops ic_ops = {
	.name = "ic",
	.opened = ic_opened,
	.closed = ic_closed,
	.packet = ic_packet,
	.keep_subchannels = true,
};

static int ic_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		  bool given, int monitor, char *opts)
{
	const struct hvsim_ic_service *svc = service_of(class_id);

	if (*opts || !svc)
		return -EINVAL;
	/* the service's table is const; ic_opened() only reads it */
	return hvsim_add_dev(&ic_ops, (void *)svc, class_id, instance, 0, monitor);
}

const struct hvsim_kind hvsim_ic_kind = {
	.name = "ic",
	.claims = ic_claims,
	.add = ic_add,
	.command = hvsim_ic_command,
	.show = hvsim_ic_show,
	.init = ic_init,
	.exit = ic_exit,
};
