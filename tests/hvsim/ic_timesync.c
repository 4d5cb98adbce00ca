// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of the time sync service. The "host clock" is the
 * guest's own wall clock plus an offset the test chooses, so a test can
 * tell what the guest clock must read afterwards.
 *
 *   ic timesync sync <offset_ms> [delay_ms]
 *   ic timesync sample <offset_ms> [delay_ms]
 *                  read the host time (guest wall clock + offset_ms) and
 *                  the reference counter (hvsim_ref_time()), wait
 *                  delay_ms (default 0: the message "in transit"), send
 *                  a SYNC or SAMPLE; message version 4 carries the
 *                  counter, older ones the version 1/3 layout without it
 *   ic timesync probe
 *                  a message with no flag set
 *   ic timesync filetime <flags> <100ns-since-1601>
 *                  a message with exactly this host time
 *
 * A write succeeds when the guest answered, whatever the status (see
 * "last_status"). The ic file adds "timesync_sent", "timesync_ok" and
 * "timesync_layout" (4 or 1: the layout of the last message).
 */
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include "hvsim.h"
#include "hvsim_ic.h"

struct ts_host {
	u64 sent, ok;
	unsigned int layout;
};

static int ts_send(struct hvsim_ic *ic, u8 flags, u64 filetime, u64 ref, unsigned int delay_ms)
{
	struct ts_host *st = ic->priv;
	struct hvlis_ic_timesync_ref v4 = { 0 };
	struct hvlis_ic_timesync old = { 0 };
	const void *body;
	u32 blen, alen;
	u8 *ans;
	int ret;

	if (HVLIS_IC_VER_MAJOR(ic->msg_agreed) >= 4) {
		v4.parenttime = filetime;
		v4.vmreferencetime = ref;
		v4.flags = flags;
		v4.stratum = 2;
		body = &v4;
		blen = sizeof(v4);
		st->layout = 4;
	} else {
		old.parenttime = filetime;
		old.flags = flags;
		body = &old;
		blen = sizeof(old);
		st->layout = 1;
	}
	if (delay_ms)
		msleep(delay_ms);
	st->sent++;
	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_TIMESYNC, body, blen, &ans, &alen);
	if (!ret && hvsim_ic_status(ans, alen) == HVLIS_IC_S_OK)
		st->ok++;
	return ret;
}

/* "<offset_ms> [delay_ms]": host time now = guest wall clock + offset. */
static int ts_timed(struct hvsim_ic *ic, char *args, u8 flags)
{
	char *off = args ? strsep(&args, " ") : NULL;
	unsigned int delay_ms = 0;
	s64 offset_ms, ns;
	u64 ref;

	if (!off || kstrtos64(off, 0, &offset_ms) || abs(offset_ms) > 3000000000000ll ||
	    (args && *args && (kstrtouint(args, 0, &delay_ms) || delay_ms > 10000)))
		return -EINVAL;
	ref = hvsim_ref_time();
	ns = ktime_to_ns(ktime_get_real()) + offset_ms * NSEC_PER_MSEC;
	if (ns < 0)
		return -ERANGE;
	return ts_send(ic, flags, HVLIS_IC_TIME_UNIX_EPOCH + div_u64(ns, 100), ref, delay_ms);
}

static int ts_sync(struct hvsim_ic *ic, char *args)
{
	return ts_timed(ic, args, HVLIS_IC_TIMESYNC_SYNC);
}

static int ts_sample(struct hvsim_ic *ic, char *args)
{
	return ts_timed(ic, args, HVLIS_IC_TIMESYNC_SAMPLE);
}

static int ts_probe(struct hvsim_ic *ic, char *args)
{
	return ts_send(ic, HVLIS_IC_TIMESYNC_PROBE, 0, hvsim_ref_time(), 0);
}

static int ts_filetime(struct hvsim_ic *ic, char *args)
{
	unsigned int flags;
	u64 ft;

	if (!args || sscanf(args, "%u %llu", &flags, &ft) != 2 || flags > 0xff)
		return -EINVAL;
	return ts_send(ic, flags, ft, hvsim_ref_time(), 0);
}

static void ts_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct ts_host *st = ic->priv;

	seq_printf(s, "  timesync_sent %llu timesync_ok %llu timesync_layout %u\n",
		   st->sent, st->ok, st->layout);
}

static const struct hvsim_ic_verb ts_verbs[] = {
	{ "sync", ts_sync },
	{ "sample", ts_sample },
	{ "probe", ts_probe },
	{ "filetime", ts_filetime },
	{ }
};

const struct hvsim_ic_service hvsim_ic_timesync = {
	.name = "timesync",
	.class_id = HVLIS_GUID_TIMESYNC,
	.msgtype = HVLIS_ICMSGTYPE_TIMESYNC,
	.fw = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) },
	.nfw = 2,
	.msg = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(4, 0) },
	.nmsg = 3,
	.verbs = ts_verbs,
	.show = ts_show,
	.priv_size = sizeof(struct ts_host),
};
