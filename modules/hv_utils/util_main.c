// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: the Hyper-V integration services. One VMBus driver binds every
 * IC device class; each device gets its service (struct util_service) from
 * the id table. This file is the IC framework they share: open the
 * channel, drain it on every host signal, answer NEGOTIATE with the newest
 * versions both sides speak, refuse what the service does not know, and
 * hand the rest to the service.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <hvlis/compat_fs.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>	/* ktime_get() on 2.6.32 */
#include "hv_utils.h"

#define UTIL_RING_BYTES		(4 * PAGE_SIZE)	/* control page included */

#ifdef HVLIS_TEST_HOOKS
unsigned int hv_utils_test_delay_ms;
module_param_named(test_delay_ms, hv_utils_test_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_delay_ms, "test builds: widen teardown windows by this many ms");
#endif

static LIST_HEAD(util_devs);
static DEFINE_MUTEX(util_devs_lock);
static struct dentry *util_debugfs;

static void util_handle(struct util_dev *ud, u8 *pkt, u32 len, u64 tid)
{
	const struct util_service *svc = ud->svc;
	struct hvlis_ic_hdr *h;
	u32 status = HVLIS_IC_E_FAIL;
	int ret;

	if (hvlis_ic_check(pkt, len)) {
		/* Not even a header to answer in: say so and drop it. */
		pr_err_ratelimited("%s: dropped a packet of %u bytes\n", svc->name, len);
		return;
	}
	h = hvlis_ic_hdr(pkt);
	if (h->icmsgtype == HVLIS_ICMSGTYPE_NEGOTIATE) {
		struct hvlis_ic_choice was = ud->ver;

		ret = hvlis_ic_negotiate(pkt, len, svc->fw_versions, svc->n_fw,
					 svc->msg_versions, svc->n_msg, &ud->ver);
		if (!ret) {
			status = HVLIS_IC_S_OK;
			/* Once per outcome: a host may negotiate in a loop. */
			if (was.framework != ud->ver.framework || was.message != ud->ver.message)
				pr_info("%s: IC framework %u.%u, message version %u.%u\n",
					svc->name, HVLIS_IC_VER_MAJOR(ud->ver.framework),
					HVLIS_IC_VER_MINOR(ud->ver.framework),
					HVLIS_IC_VER_MAJOR(ud->ver.message),
					HVLIS_IC_VER_MINOR(ud->ver.message));
		} else if (ret == -ENOMSG) {
			/* A valid answer that lists nothing: the host gives up. */
			status = HVLIS_IC_S_OK;
			pr_warn_ratelimited("%s: the host offers no version we speak\n", svc->name);
		} else {
			pr_err_ratelimited("%s: malformed NEGOTIATE (%u bytes)\n",
					   svc->name, len);
		}
		if (!ret && svc->negotiated)
			svc->negotiated(ud);
	} else if (h->icmsgtype == svc->msgtype) {
		if (!ud->ver.message)
			pr_warn_ratelimited("%s: request before NEGOTIATE\n", svc->name);
		ud->tid = tid;
		if (!svc->request(ud, pkt, len, &status)) {
			ud->held = true;	/* until util_done() */
			return;
		}
	} else {
		pr_err_ratelimited("%s: unexpected message type %u\n", svc->name,
				   h->icmsgtype);
	}
	util_answer(ud, pkt, len, tid, status);
}

/*
 * Drain the channel, at most UTIL_DRAIN_BUDGET packets per run: a host that
 * refills the ring as fast as the guest empties it must not keep this CPU in
 * softirq. Over budget, the rest is taken by drain_work, which runs this
 * again from a worker (the host signals only an empty ring, so nothing else
 * would).
 */
static void util_callback(void *context)
{
	struct util_dev *ud = context;
	unsigned int taken = 0;
	u64 start, ns;
	u32 len;
	u64 tid;
	int ret;

	spin_lock_bh(&ud->drain_lock);
	start = ktime_to_ns(ktime_get());
	while (!ud->held) {
		if (taken == UTIL_DRAIN_BUDGET) {
			ud->deferred++;
			schedule_work(&ud->drain_work);
			break;
		}
		ret = hvlis_recvpacket(ud->ch, ud->buf, ud->svc->buf_bytes, &len, &tid);
		/*
		 * -ENODEV: a packet signalled before the open completed (the
		 * callback runs again once it has) or while the channel closes.
		 */
		if (ret == -EAGAIN || ret == -ENODEV)
			break;
		if (ret == -ENOBUFS) {
			/* Larger than any request we know: take it and refuse it. */
			pr_err_ratelimited("%s: dropped a packet of %u bytes (too long)\n",
					   ud->svc->name, len);
			ret = hvlis_skippacket(ud->ch);
			if (ret)
				break;
			continue;
		}
		if (ret) {
			pr_err_ratelimited("%s: receive failed: %d\n", ud->svc->name, ret);
			break;
		}
		taken++;
		util_handle(ud, ud->buf, len, tid);
	}
	if (taken) {
		ns = ktime_to_ns(ktime_get()) - start;
		ud->runs++;
		ud->packets += taken;
		ud->max_batch = max_t(u32, ud->max_batch, taken);
		ud->max_run_ns = max(ud->max_run_ns, ns);
	}
	spin_unlock_bh(&ud->drain_lock);
}

static void util_drain_work(struct work_struct *work)
{
	util_callback(container_of(work, struct util_dev, drain_work));
}

static int util_stats_show(struct seq_file *s, void *unused)
{
	struct util_dev *ud;

	mutex_lock(&util_devs_lock);
	list_for_each_entry(ud, &util_devs, node) {
		spin_lock_bh(&ud->drain_lock);
		seq_printf(s, "%s %s requests %llu runs %llu ", ud->svc->name,
			   dev_name(&ud->hd->dev), ud->requests, ud->runs);
		seq_printf(s, "packets %llu deferred %llu ", ud->packets, ud->deferred);
		seq_printf(s, "max_batch %u max_run_us %llu\n", ud->max_batch,
			   div_u64(ud->max_run_ns, 1000));
		spin_unlock_bh(&ud->drain_lock);
	}
	mutex_unlock(&util_devs_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(util_stats);

/**
 * util_done() - a request answered later is answered: read the channel again
 * @ud: the device
 *
 * The service calls it after util_answer() for a request its ->request()
 * kept. Any context that may take a spinlock with bottom halves disabled.
 */
void util_done(struct util_dev *ud)
{
	spin_lock_bh(&ud->drain_lock);
	ud->held = false;
	spin_unlock_bh(&ud->drain_lock);
	util_callback(ud);
}

/**
 * util_answer() - send the answer to an IC request
 * @ud: the device
 * @pkt: the request packet, rewritten into the answer by the service
 * @len: its length
 * @tid: the request's VMBus transaction id
 * @status: HVLIS_IC_S_OK or an HRESULT for the host
 *
 * Return: 0 or the errno of the send.
 */
int util_answer(struct util_dev *ud, u8 *pkt, u32 len, u64 tid, u32 status)
{
	int ret;

	hvlis_ic_set_response(pkt, status);
	ret = hvlis_sendpacket(ud->ch, pkt, len, tid, HVLIS_PKT_DATA_INBAND, 0);
	if (ret)
		pr_err_ratelimited("%s: answer not sent: %d\n", ud->svc->name, ret);
	else
		ud->requests++;
	return ret;
}

static int util_probe(struct hvlis_device *hd, const struct hvlis_device_id *id)
{
	const struct util_service *svc = (const void *)id->driver_data;
	struct util_dev *ud;
	int ret;

	ud = kzalloc(sizeof(*ud), GFP_KERNEL);
	if (!ud)
		return -ENOMEM;
	ud->hd = hd;
	ud->ch = hd->channel;
	ud->svc = svc;
	spin_lock_init(&ud->drain_lock);
	INIT_WORK(&ud->drain_work, util_drain_work);
	INIT_LIST_HEAD(&ud->node);
	ud->buf = kmalloc(svc->buf_bytes, GFP_KERNEL);
	if (!ud->buf) {
		ret = -ENOMEM;
		goto free_ud;
	}
	hvlis_set_drvdata(hd, ud);
	if (svc->init) {
		ret = svc->init(ud);
		if (ret)
			goto free_buf;
	}
	ret = hvlis_channel_open(ud->ch, UTIL_RING_BYTES, UTIL_RING_BYTES, NULL, 0,
				 util_callback, ud);
	if (ret) {
		dev_err(&hd->dev, "%s: cannot open the channel: %d\n", svc->name, ret);
		goto deinit;
	}
	mutex_lock(&util_devs_lock);
	list_add_tail(&ud->node, &util_devs);
	mutex_unlock(&util_devs_lock);
	return 0;

deinit:
	if (svc->deinit)
		svc->deinit(ud);
free_buf:
	kfree(ud->buf);
free_ud:
	kfree(ud);
	return ret;
}

static void util_remove(struct hvlis_device *hd)
{
	struct util_dev *ud = hvlis_get_drvdata(hd);

	mutex_lock(&util_devs_lock);
	list_del(&ud->node);
	mutex_unlock(&util_devs_lock);
	if (ud->svc->stop)
		ud->svc->stop(ud);
	UTIL_TEST_DELAY(1);
	hvlis_channel_close(ud->ch);
	/* The channel callback no longer runs: nothing queues this again. */
	cancel_work_sync(&ud->drain_work);
	if (ud->svc->deinit)
		ud->svc->deinit(ud);
	kfree(ud->buf);
	kfree(ud);
}

#define UTIL_ID(g, svc) { .guid = g, .driver_data = (unsigned long)&(svc) }

static const struct hvlis_device_id util_ids[] = {
	UTIL_ID(HVLIS_GUID_HEARTBEAT, util_heartbeat),
	UTIL_ID(HVLIS_GUID_SHUTDOWN, util_shutdown),
	UTIL_ID(HVLIS_GUID_TIMESYNC, util_timesync),
	UTIL_ID(HVLIS_GUID_KVP, util_kvp),
	UTIL_ID(HVLIS_GUID_VSS, util_vss),
	UTIL_ID(HVLIS_GUID_FCOPY, util_fcopy),
	{ }
};

static struct hvlis_driver util_driver = {
	.name = "hv_utils",
	.id_table = util_ids,
	.probe = util_probe,
	.remove = util_remove,
};

static int __init util_init(void)
{
	int ret;

	/* Optional: without debugfs the stats file is missing, nothing else. */
	util_debugfs = debugfs_create_dir("hv_utils", NULL);
	if (!IS_ERR_OR_NULL(util_debugfs))
		debugfs_create_file("stats", 0400, util_debugfs, NULL, &util_stats_fops);
	ret = hvlis_driver_register(&util_driver);
	if (ret)
		debugfs_remove_recursive(util_debugfs);
	return ret;
}

static void __exit util_exit(void)
{
	hvlis_driver_unregister(&util_driver);
	debugfs_remove_recursive(util_debugfs);
}

module_init(util_init);
module_exit(util_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V integration services (hvlis)");
MODULE_VERSION(HVLIS_VERSION);
/* Device classes, as hv_vmbus writes them in MODALIAS. */
MODULE_ALIAS("vmbus:394f16571591784eab55382f3bd5422d");	/* heartbeat */
MODULE_ALIAS("vmbus:31600b0e13523449818b38d90ced39db");	/* shutdown */
MODULE_ALIAS("vmbus:30e62795aed07b49adcee80ab0175caf");	/* timesync */
MODULE_ALIAS("vmbus:e7f4a0a9455a964db8278a841e8c03e6");	/* kvp */
MODULE_ALIAS("vmbus:292efa3523ea364296ae3a6ebacba440");	/* vss */
MODULE_ALIAS("vmbus:e34bd134e4dec8419ae76b174977c192");	/* fcopy */
