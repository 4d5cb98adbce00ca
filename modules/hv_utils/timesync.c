// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time sync: the host sends its wall clock. A SYNC (at boot, after a
 * restore or a live migration) sets the guest clock to it; SAMPLEs come
 * every few seconds and only update what the "hyperv" PTP clock reports
 * (for chrony: refclock PHC /dev/ptp_hyperv), unless the guest clock is
 * off by timesync_step_ms or more, when they set it too.
 *
 * Message version 4 stamps the host time with the partition reference
 * counter, so the guest adds the time the message took to arrive and to
 * be applied; older versions carry no stamp and the guest counts from
 * the moment the sample arrived.
 *
 * Samples arrive in softirq context: the request callback only records
 * them; setting the clock happens in a work item.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/ratelimit.h>
#include <hvlis/compat_time.h>
#include "hv_utils.h"

#include <hvlis/compat_ptp.h>
#ifdef HVLIS_PTP_CLOCK
#define TS_PTP 1
#endif

static unsigned int timesync_step_ms = 5000;
module_param(timesync_step_ms, uint, 0644);
MODULE_PARM_DESC(timesync_step_ms,
		 "Set the clock on a time sample off by this many ms or more (0: only on SYNC; default 5000)");

/*
 * A host may send SYNCs back to back: a line per clock set would flood the
 * log. Ten a minute tell what happens (issue 16 item 10).
 */
static DEFINE_RATELIMIT_STATE(ts_log_rs, 60 * HZ, 10);

static const u32 ts_fw[] = { HVLIS_IC_FW_CURRENT, HVLIS_IC_FW_WS2008 };
static const u32 ts_msg[] = { HVLIS_IC_TS_4_0, HVLIS_IC_TS_3_0, HVLIS_IC_TS_1_0 };

/* Host times past this (2262) do not fit a ktime in ns: refused. */
#define TS_MAX_TICKS	(HVLIS_IC_TIME_UNIX_EPOCH + div_u64(KTIME_MAX, 100))

/* One sample: the host time and where on a local counter it was read. */
struct ts_sample {
	u64 host;		/* 100 ns ticks since 1601 */
	u64 anchor;		/* counter value at @host, 100 ns ticks */
	bool ref;		/* counter: reference time (else monotonic) */
};

struct tsync_state {
	struct util_dev *ud;
	spinlock_t lock;	/* all below */
	struct ts_sample last;
	bool valid;		/* @last holds a sample */
	bool sync;		/* the work item is to set the clock */
	bool sample_step;	/* ... because a sample was far off */
	struct work_struct work;
#ifdef TS_PTP
	struct ptp_clock_info ptp_info;
	struct ptp_clock *ptp;
#endif
};

static u64 mono_ticks(void)
{
	return div_u64(ktime_to_ns(ktime_get()), 100);
}

/* The counter a sample was anchored on, now. */
static u64 counter_now(const struct ts_sample *s)
{
	return s->ref ? hvlis_read_ref_time() : mono_ticks();
}

/* Host time now, extrapolated from @s, as ns since 1970. */
static s64 host_now_ns(const struct ts_sample *s)
{
	u64 now = counter_now(s);
	u64 host = s->host + (now > s->anchor ? now - s->anchor : 0);

	/* s->host is in range; the time since may push it past 2262. */
	return (s64)(min_t(u64, host, TS_MAX_TICKS) - HVLIS_IC_TIME_UNIX_EPOCH) * 100;
}

static void ts_set_clock(struct tsync_state *st)
{
	struct ts_sample s;
	bool sample_step;
	s64 host, guest;
	u32 nsec;
	s64 sec;
	int ret;

	spin_lock_bh(&st->lock);
	s = st->last;
	sample_step = st->sample_step;
	st->sync = false;
	st->sample_step = false;
	spin_unlock_bh(&st->lock);

	host = host_now_ns(&s);
	guest = ktime_to_ns(ktime_get_real());
	sec = div_s64_rem(host, NSEC_PER_SEC, &nsec);
	ret = hvlis_set_wallclock(sec, nsec);
	if (!__ratelimit(&ts_log_rs))
		return;
	if (ret)
		pr_err("time sync: cannot set the clock to %lld: %d\n", sec, ret);
	else
		pr_info("time sync: clock set to the host's time (%s; it was off by %lld ms)\n",
			sample_step ? "a sample far off" : "SYNC",
			div_s64(host - guest, NSEC_PER_MSEC));
}

static void ts_work(struct work_struct *work)
{
	ts_set_clock(container_of(work, struct tsync_state, work));
}

static bool ts_request(struct util_dev *ud, u8 *pkt, u32 len, u32 *status)
{
	struct tsync_state *st = ud->priv;
	struct hvlis_ic_hdr *h = hvlis_ic_hdr(pkt);
	u32 ver = ud->ver.message;
	struct ts_sample s;
	u8 flags;
	u64 ref;

	*status = HVLIS_IC_E_FAIL;
	if (!ver)
		ver = HVLIS_IC_VER(h->icvermsg.major, h->icvermsg.minor);
	if (HVLIS_IC_VER_MAJOR(ver) >= 4) {
		const struct hvlis_ic_timesync_ref *t = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);

		if (!hvlis_ic_body_fits(len, sizeof(*t)))
			goto short_body;
		flags = t->flags;
		s.host = t->parenttime;
		ref = hvlis_read_ref_time();
		/* Without a reference counter here, count from arrival. */
		s.ref = ref != 0;
		s.anchor = s.ref ? min(t->vmreferencetime, ref) : mono_ticks();
	} else {
		const struct hvlis_ic_timesync *t = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);

		if (!hvlis_ic_body_fits(len, sizeof(*t)))
			goto short_body;
		flags = t->flags;
		s.host = t->parenttime;
		s.ref = false;
		s.anchor = mono_ticks();
	}
	if (flags == HVLIS_IC_TIMESYNC_PROBE) {
		*status = HVLIS_IC_S_OK;
		return true;
	}
	if (s.host < HVLIS_IC_TIME_UNIX_EPOCH || s.host > TS_MAX_TICKS) {
		pr_err_ratelimited("time sync: host time %llu is out of range: refused\n", s.host);
		return true;
	}

	spin_lock(&st->lock);
	st->last = s;
	st->valid = true;
	if (flags & HVLIS_IC_TIMESYNC_SYNC) {
		st->sync = true;
	} else if (flags & HVLIS_IC_TIMESYNC_SAMPLE) {
		s64 off = host_now_ns(&s) - ktime_to_ns(ktime_get_real());
		u32 step = READ_ONCE(timesync_step_ms);

		if (off < 0)
			off = -off;
		if (step && div_s64(off, NSEC_PER_MSEC) >= step) {
			st->sync = true;
			st->sample_step = true;
		}
	}
	if (st->sync)
		schedule_work(&st->work);
	spin_unlock(&st->lock);
	*status = HVLIS_IC_S_OK;
	return true;

short_body:
	pr_err_ratelimited("time sync: request of %u bytes is too short for message version %u.%u\n",
			   len, HVLIS_IC_VER_MAJOR(ver), HVLIS_IC_VER_MINOR(ver));
	return true;
}

#ifdef TS_PTP
/* Host time now, in ns since 1970; -ENODATA before the first sample. */
static int ts_ptp_now(struct ptp_clock_info *info, s64 *ns)
{
	struct tsync_state *st = container_of(info, struct tsync_state, ptp_info);
	struct ts_sample s;
	bool valid;

	spin_lock_bh(&st->lock);
	s = st->last;
	valid = st->valid;
	spin_unlock_bh(&st->lock);
	if (!valid)
		return -ENODATA;
	*ns = host_now_ns(&s);
	return 0;
}

/*
 * The host's clock is read-only for the guest: no settime, no adj* (the
 * frequency callback is compat's, as its member differs between kernels).
 */
#ifdef HVLIS_PTP_TIMESPEC64
static int ts_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *ts)
{
	s64 ns;
	int ret = ts_ptp_now(info, &ns);

	if (!ret)
		*ts = ns_to_timespec64(ns);
	return ret;
}

static int ts_ptp_settime(struct ptp_clock_info *info, const struct timespec64 *ts)
{
	return -EOPNOTSUPP;
}
#else
static int ts_ptp_gettime(struct ptp_clock_info *info, struct timespec *ts)
{
	s64 ns;
	int ret = ts_ptp_now(info, &ns);

	if (!ret)
		*ts = ns_to_timespec(ns);
	return ret;
}

static int ts_ptp_settime(struct ptp_clock_info *info, const struct timespec *ts)
{
	return -EOPNOTSUPP;
}
#endif

static int ts_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_enable(struct ptp_clock_info *info, struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

static void ts_ptp_register(struct tsync_state *st)
{
	struct ptp_clock_info *pi = &st->ptp_info;
	struct ptp_clock *ptp;

	pi->owner = THIS_MODULE;
	snprintf(pi->name, sizeof(pi->name), "hyperv");
#ifdef HVLIS_PTP_TIMESPEC64
	pi->gettime64 = ts_ptp_gettime;
	pi->settime64 = ts_ptp_settime;
#else
	pi->gettime = ts_ptp_gettime;
	pi->settime = ts_ptp_settime;
#endif
	hvlis_ptp_set_no_freq_adj(pi);
	pi->adjtime = ts_ptp_adjtime;
	pi->enable = ts_ptp_enable;
	ptp = ptp_clock_register(pi, &st->ud->hd->dev);
	if (IS_ERR_OR_NULL(ptp)) {
		pr_info("time sync: no PTP clock (%ld): the kernel has no PTP support\n",
			PTR_ERR(ptp));
		return;
	}
	st->ptp = ptp;
	pr_info("time sync: PTP clock \"hyperv\" is /dev/ptp%d\n", ptp_clock_index(ptp));
}

static void ts_ptp_unregister(struct tsync_state *st)
{
	if (st->ptp)
		ptp_clock_unregister(st->ptp);
	st->ptp = NULL;
}
#else
static void ts_ptp_register(struct tsync_state *st)
{
	pr_info("time sync: no PTP clock: hv_utils was built without PTP support\n");
}

static void ts_ptp_unregister(struct tsync_state *st)
{
}
#endif

static int ts_init(struct util_dev *ud)
{
	struct tsync_state *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return -ENOMEM;
	st->ud = ud;
	spin_lock_init(&st->lock);
	INIT_WORK(&st->work, ts_work);
	ud->priv = st;
	ts_ptp_register(st);
	return 0;
}

static void ts_deinit(struct util_dev *ud)
{
	struct tsync_state *st = ud->priv;

	ts_ptp_unregister(st);
	cancel_work_sync(&st->work);
	kfree(st);
	ud->priv = NULL;
}

const struct util_service util_timesync = {
	.name = "timesync",
	.msgtype = HVLIS_ICMSGTYPE_TIMESYNC,
	.fw_versions = ts_fw,
	.n_fw = ARRAY_SIZE(ts_fw),
	.msg_versions = ts_msg,
	.n_msg = ARRAY_SIZE(ts_msg),
	.buf_bytes = PAGE_SIZE,
	.init = ts_init,
	.deinit = ts_deinit,
	.request = ts_request,
};
