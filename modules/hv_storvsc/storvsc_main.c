// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc: the Hyper-V synthetic SCSI and IDE controllers. Probe opens
 * the channel and runs the VSTOR initialization (version, properties,
 * sub-channels), then adds and scans a SCSI host; the host's ENUMERATE_BUS
 * and REMOVE_DEVICE messages rescan it from a work queue; remove and
 * rescind take the host away with commands in flight.
 */
#define pr_fmt(fmt) "hv_storvsc: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <hvlis/compat_cpu.h>
#include <hvlis/compat_fs.h>
#include "storvsc.h"

static unsigned int ring_size = 128 * 1024;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Bytes of each ring (send and receive) per channel, a multiple of 4096, 16 KiB..2 MiB (default 128 KiB)");

static unsigned int queue_depth = 128;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Commands in flight per channel, 1..1024 (default 128)");

unsigned int stv_completion_budget = 256;
module_param_named(completion_budget, stv_completion_budget, uint, 0444);
MODULE_PARM_DESC(completion_budget, "Packets (completions, host messages) one run of a channel's receive tasklet handles at most before it yields, 1..4096 (default 256)");

static unsigned int max_sub_channels = STV_MAX_CHANS - 1;
module_param(max_sub_channels, uint, 0444);
MODULE_PARM_DESC(max_sub_channels, "Sub-channels to ask for when the host offers multi-channel (default and at most 15; also at most one per CPU beyond the first)");

/**
 * stv_ctl_request() - one control request on the primary channel
 * @host: the host
 * @req: the request (stv_msg_init_request())
 * @resp: receives the host's completion (zero-filled past what it sent)
 * @resp_len: receives the bytes it sent
 *
 * Return: 0 when a completion came; -ETIMEDOUT if none came in time (the
 * request is then forgotten: a late answer is dropped); a send error.
 */
int stv_ctl_request(struct stv_host *host, struct hvlis_vstor_packet *req,
		    struct hvlis_vstor_packet *resp, u32 *resp_len)
{
	struct stv_chan *c = host->chans[0];
	unsigned int i;
	int ret = -EAGAIN;
	u64 tid;

	mutex_lock(&host->ctl_mutex);
	spin_lock_bh(&host->ctl_lock);
	reinit_completion(&host->ctl_done);
	tid = STV_TID_CTL | ++host->ctl_seq;
	host->ctl_tid = tid;
	spin_unlock_bh(&host->ctl_lock);
	for (i = 0; i < 1000 && ret == -EAGAIN; i++) {
		ret = hvlis_sendpacket(c->ch, req, host->pkt_size, tid, HVLIS_PKT_DATA_INBAND,
				       HVLIS_PKT_FLAG_COMPLETION_REQUESTED);
		if (ret == -EAGAIN)
			msleep(20);
	}
	if (!ret && !wait_for_completion_timeout(&host->ctl_done, STV_CTL_TIMEOUT))
		ret = -ETIMEDOUT;
	spin_lock_bh(&host->ctl_lock);
	host->ctl_tid = 0;
	if (!ret) {
		memcpy(resp, &host->ctl_resp, sizeof(*resp));
		*resp_len = host->ctl_len;
	}
	spin_unlock_bh(&host->ctl_lock);
	mutex_unlock(&host->ctl_mutex);
	return ret;
}

static int stv_ctl_simple(struct stv_host *host, u32 op)
{
	struct hvlis_vstor_packet req, resp;
	u32 len;
	int ret;

	stv_msg_init_request(&req, op);
	ret = stv_ctl_request(host, &req, &resp, &len);
	return ret ? ret : stv_msg_ctl_status(&resp, len);
}

static struct stv_chan *stv_chan_alloc(struct stv_host *host, struct hvlis_channel *ch,
				       unsigned int index)
{
	struct stv_chan *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->host = host;
	c->ch = ch;
	c->index = index;
	c->depth = host->depth;
	spin_lock_init(&c->lock);
	tasklet_init(&c->rx_tasklet, stv_rx_tasklet, (unsigned long)c);
	c->slots = kcalloc(c->depth, sizeof(*c->slots), GFP_KERNEL);
	c->slot_tid = kcalloc(c->depth, sizeof(*c->slot_tid), GFP_KERNEL);
	/* about 1 KiB a slot: too much to ask for contiguous pages */
	c->reqs = vmalloc((size_t)c->depth * sizeof(*c->reqs));
	if (!c->slots || !c->slot_tid || !c->reqs) {
		kfree(c->slots);
		kfree(c->slot_tid);
		vfree(c->reqs);
		kfree(c);
		return NULL;
	}
	return c;
}

static void stv_chan_free(struct stv_chan *c)
{
	tasklet_kill(&c->rx_tasklet);
	kfree(c->slots);
	kfree(c->slot_tid);
	vfree(c->reqs);
	kfree(c);
}

static int stv_chan_open(struct stv_chan *c)
{
	struct hvlis_vstor_channel_props props;

	memset(&props, 0, sizeof(props));
	return hvlis_channel_open(c->ch, c->host->ring_bytes, c->host->ring_bytes, &props,
				  sizeof(props), stv_channel_cb, c);
}

/* The host offered a sub-channel (process context): open it, use it. */
static void stv_subchannel(struct hvlis_channel *sub)
{
	struct stv_chan *primary = hvlis_channel_context(hvlis_channel_primary(sub));
	struct stv_host *host = primary ? primary->host : NULL;
	struct stv_chan *c;
	unsigned int n;

	if (!host)
		return;
	mutex_lock(&host->chan_lock);
	n = host->nchans;
	if (host->removing || n == STV_MAX_CHANS) {
		mutex_unlock(&host->chan_lock);
		return;
	}
	c = stv_chan_alloc(host, sub, n);
	if (!c || stv_chan_open(c)) {
		if (c)
			stv_chan_free(c);
		mutex_unlock(&host->chan_lock);
		dev_err(&host->hd->dev, "could not open sub-channel %u\n",
			hvlis_channel_subchannel_index(sub));
		return;
	}
	host->chans[n] = c;
	/* the channel complete before queuecommand can pick it */
	smp_store_release(&host->nchans, n + 1);
	mutex_unlock(&host->chan_lock);
	dev_info(&host->hd->dev, "sub-channel %u open\n", hvlis_channel_subchannel_index(sub));
}

/* BEGIN, versions newest first, properties, sub-channels, END. */
static int stv_init_protocol(struct stv_host *host)
{
	struct hvlis_vstor_packet req, resp;
	unsigned int i;
	u32 len, want;
	int ret;

	/* Until a version is agreed, packets have the oldest size. */
	host->version = HVLIS_VSTOR_WIN6;
	host->pkt_size = hvlis_vstor_packet_size(host->version);
	ret = stv_ctl_simple(host, HVLIS_VSTOR_OP_BEGIN_INITIALIZATION);
	if (ret) {
		dev_err(&host->hd->dev, "BEGIN_INITIALIZATION failed: %d\n", ret);
		return ret;
	}
	for (i = 0; i < stv_nversions; i++) {
		stv_msg_init_request(&req, HVLIS_VSTOR_OP_QUERY_PROTOCOL_VERSION);
		req.version.major_minor = stv_versions[i];
		ret = stv_ctl_request(host, &req, &resp, &len);
		if (!ret)
			ret = stv_msg_ctl_status(&resp, len);
		if (ret != -EPROTONOSUPPORT)
			break;
	}
	if (ret) {
		dev_err(&host->hd->dev, "no protocol version agreed: %d\n", ret);
		return ret == -EPROTONOSUPPORT ? -ENODEV : ret;
	}
	host->version = stv_versions[i];
	host->pkt_size = hvlis_vstor_packet_size(host->version);

	stv_msg_init_request(&req, HVLIS_VSTOR_OP_QUERY_PROPERTIES);
	ret = stv_ctl_request(host, &req, &resp, &len);
	if (!ret)
		ret = stv_msg_props(&resp, len, host->version, &host->max_subch, &host->max_xfer);
	if (ret) {
		dev_err(&host->hd->dev, "QUERY_PROPERTIES failed: %d\n", ret);
		return ret;
	}
	host->max_xfer = min_t(u32, host->max_xfer, STV_MAX_XFER);
	if (host->fc) {
		/* Not fatal: the disks work without the names. */
		stv_msg_init_request(&req, HVLIS_VSTOR_OP_FCHBA_DATA);
		ret = stv_ctl_request(host, &req, &resp, &len);
		if (!ret)
			ret = stv_msg_fc_names(&resp, len, &host->fc_wwpn, &host->fc_wwnn);
		host->fc_names = !ret;
		if (ret)
			dev_warn(&host->hd->dev, "FCHBA_DATA failed: %d; no FC names\n", ret);
	}
	want = min3(host->max_subch, max_sub_channels, (u32)STV_MAX_CHANS - 1);
	want = min_t(u32, want, num_online_cpus() - 1);
	host->nr_hwq = 1;
	if (want) {
		stv_msg_init_request(&req, HVLIS_VSTOR_OP_CREATE_SUB_CHANNELS);
		req.sub_channel_count = want;
		ret = stv_ctl_request(host, &req, &resp, &len);
		if (!ret)
			ret = stv_msg_ctl_status(&resp, len);
		/* Not fatal: the primary channel carries everything. */
		if (ret)
			dev_warn(&host->hd->dev, "CREATE_SUB_CHANNELS(%u) failed: %d\n", want, ret);
		else
			host->nr_hwq = want + 1;
	}
	ret = stv_ctl_simple(host, HVLIS_VSTOR_OP_END_INITIALIZATION);
	if (ret) {
		dev_err(&host->hd->dev, "END_INITIALIZATION failed: %d\n", ret);
		return ret;
	}
	dev_info(&host->hd->dev, "protocol %u.%u, max transfer %u bytes, %u sub-channel(s) asked\n",
		 HVLIS_VSTOR_VERSION_MAJOR(host->version), HVLIS_VSTOR_VERSION_MINOR(host->version),
		 host->max_xfer, ret ? 0 : want);
	return 0;
}

/* ENUMERATE_BUS or REMOVE_DEVICE: find new LUNs, check the known ones. */
static void stv_rescan_fn(struct work_struct *work)
{
	struct stv_host *host = container_of(work, struct stv_host, rescan_work);
	struct scsi_sense_hdr sshdr;
	struct scsi_device *sdev;

	if (READ_ONCE(host->no_rescan))
		return;
	/*
	 * Synchronous: scsi_scan_host() would start an asynchronous scan,
	 * and scans queue behind each other across hosts (holding the scan
	 * mutex a removal needs).
	 */
	if (!host->ide)
		scsi_scan_target(&host->shost->shost_gendev, 0, 0, SCAN_WILD_CARD,
				 SCSI_SCAN_RESCAN);
	/* A LUN that is gone answers INVALID_LUN: the completion removes it. */
	shost_for_each_device(sdev, host->shost) {
		if (sdev->sdev_state == SDEV_RUNNING)
			scsi_test_unit_ready(sdev, 10 * HZ, 1, &sshdr);
	}
}

/* debugfs: hv_storvsc/<device>, one line per channel */
static struct dentry *stv_debugfs;

static int stv_chans_show(struct seq_file *s, void *unused)
{
	struct stv_host *host = s->private;
	/* pairs with stv_subchannel()'s release */
	unsigned int i, n = smp_load_acquire(&host->nchans);
	struct stv_chan *c;

	seq_puts(s, "subchannel ios completions bad_completions unknown_tids late runs budget_exhausted max_batch max_run_ns hwq_ios rearms\n");
	for (i = 0; i < n; i++) {
		c = host->chans[i];
		seq_printf(s, "%u %lld %lld %lld %lld %lld %llu %llu %u %llu %lld %llu\n",
			   hvlis_channel_subchannel_index(c->ch),
			   (long long)atomic64_read(&c->ios),
			   (long long)atomic64_read(&c->completions),
			   (long long)atomic64_read(&c->bad_completions),
			   (long long)atomic64_read(&c->unknown_tids),
			   (long long)atomic64_read(&c->late),
			   (unsigned long long)READ_ONCE(c->runs),
			   (unsigned long long)READ_ONCE(c->budget_exhausted),
			   READ_ONCE(c->max_batch),
			   (unsigned long long)READ_ONCE(c->max_run_ns),
			   (long long)atomic64_read(&c->hwq_ios),
			   (unsigned long long)READ_ONCE(c->rearms));
	}
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(stv_chans);

#ifdef HVLIS_FC_TRANSPORT
static struct fc_function_template stv_fc_functions = {
	.show_host_node_name	= 1,
	.show_host_port_name	= 1,
};

static struct scsi_transport_template *stv_fc_template;
#endif

HVLIS_DEF_SCSI_QUEUECOMMAND(stv_queuecommand)

static struct scsi_host_template stv_template = {
	.module			= THIS_MODULE,
	.name			= "hv_storvsc",
	.proc_name		= "hv_storvsc",
	.queuecommand		= HVLIS_SCSI_QUEUECOMMAND(stv_queuecommand),
	HVLIS_SHT_LOCKLESS
	.eh_abort_handler	= stv_eh_abort,
	.eh_device_reset_handler = stv_eh_device_reset,
	.eh_bus_reset_handler	= stv_eh_bus_reset,
	.eh_host_reset_handler	= stv_eh_host_reset,
	.this_id		= -1,
	.sg_tablesize		= STV_MAX_PFNS,
	.max_sectors		= STV_MAX_XFER >> 9,
	.dma_boundary		= PAGE_SIZE - 1,
	HVLIS_SHT_VIRT_BOUNDARY(PAGE_SIZE - 1)
	/* UNMAP goes through; WRITE SAME is never sent. */
	HVLIS_SHT_NO_WRITE_SAME
};

static void stv_close_all(struct stv_host *host)
{
	unsigned int i, n;

	mutex_lock(&host->chan_lock);
	n = host->nchans;
	mutex_unlock(&host->chan_lock);
	/* sub-channels first, the primary (control requests) last */
	for (i = n; i-- > 0;) {
		hvlis_channel_close(host->chans[i]->ch);
		/* closed: the callback is done, a last run finds -ENODEV */
		tasklet_kill(&host->chans[i]->rx_tasklet);
	}
}

static void stv_free_all(struct stv_host *host)
{
	unsigned int i;

	for (i = 0; i < host->nchans; i++)
		stv_chan_free(host->chans[i]);
	if (host->wq)
		destroy_workqueue(host->wq);
	kfree(host);
}

static int stv_probe(struct hvlis_device *hd, const struct hvlis_device_id *id)
{
	struct Scsi_Host *shost;
	struct stv_host *host;
	struct stv_chan *c;
	int ret;

	host = kzalloc(sizeof(*host), GFP_KERNEL);
	if (!host)
		return -ENOMEM;
	host->hd = hd;
	host->ide = id->driver_data == STV_KIND_IDE;
	host->fc = id->driver_data == STV_KIND_FC;
	host->depth = queue_depth;
	host->ring_bytes = ring_size;
	mutex_init(&host->chan_lock);
	mutex_init(&host->ctl_mutex);
	spin_lock_init(&host->ctl_lock);
	init_completion(&host->ctl_done);
	INIT_WORK(&host->rescan_work, stv_rescan_fn);
	if (host->ide && stv_msg_ide_location(hd->instance_id.b, &host->ide_path,
					      &host->ide_target)) {
		dev_err(&hd->dev, "IDE location in the instance id out of range\n");
		kfree(host);
		return -EINVAL;
	}
	host->wq = hvlis_alloc_ordered_workqueue_fmt("hv_storvsc", "_%s", 0, dev_name(&hd->dev));
	c = host->wq ? stv_chan_alloc(host, hd->channel, 0) : NULL;
	if (!c) {
		stv_free_all(host);
		return -ENOMEM;
	}
	host->chans[0] = c;
	host->nchans = 1;
	hvlis_set_drvdata(hd, host);

	if (!host->ide)
		hvlis_channel_set_subchannel_cb(hd->channel, stv_subchannel);
	ret = stv_chan_open(c);
	if (ret) {
		dev_err(&hd->dev, "could not open the channel: %d\n", ret);
		goto fail_free;
	}
	ret = stv_init_protocol(host);
	if (ret)
		goto fail_close;

	shost = scsi_host_alloc(&stv_template, sizeof(struct stv_host *));
	if (!shost) {
		ret = -ENOMEM;
		goto fail_close;
	}
	*(struct stv_host **)shost_priv(shost) = host;
#ifdef HVLIS_FC_TRANSPORT
	if (host->fc)
		shost->transportt = stv_fc_template;
#endif
	shost->max_cmd_len = HVLIS_VSTOR_CDB_MAX;
	shost->max_channel = 0;
	shost->max_id = 2;		/* SCSI targets 0-1; IDE: the target of the offer */
	shost->max_lun = host->ide ? 1 : 64;
	shost->can_queue = host->depth;
	shost->cmd_per_lun = host->depth;
	shost->max_sectors = host->max_xfer >> 9;
	shost->sg_tablesize = host->max_xfer / HVLIS_HV_PAGE_SIZE + 1;
	/*
	 * One blk-mq hardware queue per channel asked for (the sub-channels
	 * open as the host offers them, maybe after this); the midlayer's
	 * default map spreads the CPUs over them, and each queue's commands
	 * go out on its own channel (stv_pick_chan()).
	 */
	hvlis_shost_set_hw_queues(shost, host->nr_hwq);
	host->shost = shost;
	ret = scsi_add_host(shost, &hd->dev);
	if (ret) {
		host->shost = NULL;
		scsi_host_put(shost);
		goto fail_close;
	}
#ifdef HVLIS_FC_TRANSPORT
	if (host->fc && host->fc_names) {
		fc_host_port_name(shost) = host->fc_wwpn;
		fc_host_node_name(shost) = host->fc_wwnn;
	}
#endif
	if (!IS_ERR_OR_NULL(stv_debugfs))
		host->dbg = debugfs_create_file(dev_name(&hd->dev), 0400, stv_debugfs, host,
						&stv_chans_fops);
	if (host->ide)
		ret = scsi_add_device(shost, 0, host->ide_target, 0);
	else
		scsi_scan_host(shost);
	if (ret)
		dev_warn(&hd->dev, "IDE disk not added: %d\n", ret);
	return 0;

fail_close:
	WRITE_ONCE(host->no_rescan, true);
	WRITE_ONCE(host->removing, true);
	hvlis_channel_set_subchannel_cb(hd->channel, NULL);
	stv_close_all(host);
	stv_reclaim(host, NULL, DID_NO_CONNECT);
fail_free:
	hvlis_channel_set_subchannel_cb(hd->channel, NULL);
	hvlis_set_drvdata(hd, NULL);
	stv_free_all(host);
	return ret;
}

static void stv_remove(struct hvlis_device *hd)
{
	struct stv_host *host = hvlis_get_drvdata(hd);

	/* no reader of the counters from here (debugfs_remove() waits) */
	debugfs_remove(host->dbg);
	host->dbg = NULL;
	hvlis_channel_set_subchannel_cb(hd->channel, NULL);
	/*
	 * Rescinded: the host will answer nothing more. Commands in flight
	 * fail now instead of waiting for their timeouts.
	 */
	if (hvlis_channel_rescinded(hd->channel)) {
		WRITE_ONCE(host->removing, true);
		stv_reclaim(host, NULL, DID_NO_CONNECT);
	}
	/* No new rescans or removals; those queued finish first. */
	WRITE_ONCE(host->no_rescan, true);
	flush_workqueue(host->wq);
	/* Disks go with their caches flushed while the host still answers. */
#ifdef HVLIS_FC_TRANSPORT
	if (host->fc)
		fc_remove_host(host->shost);
#endif
	scsi_remove_host(host->shost);
	WRITE_ONCE(host->removing, true);
	flush_workqueue(host->wq);
	mutex_lock(&host->chan_lock);
	host->removing = true;		/* no sub-channel opens from now */
	mutex_unlock(&host->chan_lock);
	stv_close_all(host);
	/* The channels are closed: nothing can complete what is left. */
	stv_reclaim(host, NULL, DID_NO_CONNECT);
	scsi_host_put(host->shost);
	hvlis_set_drvdata(hd, NULL);
	stv_free_all(host);
}

static const struct hvlis_device_id stv_ids[] = {
	{ .guid = HVLIS_GUID_SCSI, .driver_data = STV_KIND_SCSI },
	{ .guid = HVLIS_GUID_IDE, .driver_data = STV_KIND_IDE },
	{ .guid = HVLIS_GUID_FC, .driver_data = STV_KIND_FC },
	{ },
};

static struct hvlis_driver stv_driver = {
	.name = "hv_storvsc",
	.id_table = stv_ids,
	.probe = stv_probe,
	.remove = stv_remove,
};

static int __init stv_init(void)
{
	int ret;

	if (ring_size < 4 * PAGE_SIZE || ring_size > 2 * 1024 * 1024 || ring_size % PAGE_SIZE) {
		pr_err("ring_size %u: not a multiple of %lu between 16 KiB and 2 MiB\n",
		       ring_size, PAGE_SIZE);
		return -EINVAL;
	}
	if (!stv_completion_budget || stv_completion_budget > 4096) {
		pr_err("completion_budget %u: not within 1..4096\n", stv_completion_budget);
		return -EINVAL;
	}
	if (!queue_depth || queue_depth > 1024) {
		pr_err("queue_depth %u: not within 1..1024\n", queue_depth);
		return -EINVAL;
	}
#ifdef HVLIS_FC_TRANSPORT
	stv_fc_template = fc_attach_transport(&stv_fc_functions);
	if (!stv_fc_template)
		return -ENOMEM;
#endif
	stv_debugfs = debugfs_create_dir("hv_storvsc", NULL);
	ret = hvlis_driver_register(&stv_driver);
	if (ret) {
		debugfs_remove_recursive(stv_debugfs);
#ifdef HVLIS_FC_TRANSPORT
		fc_release_transport(stv_fc_template);
#endif
	}
	return ret;
}

static void __exit stv_exit(void)
{
	hvlis_driver_unregister(&stv_driver);
	debugfs_remove_recursive(stv_debugfs);
#ifdef HVLIS_FC_TRANSPORT
	fc_release_transport(stv_fc_template);
#endif
}

module_init(stv_init);
module_exit(stv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis: Hyper-V synthetic SCSI, IDE and Fibre Channel storage (VSTOR)");
MODULE_VERSION(HVLIS_VERSION);
/* the SCSI, IDE and FC classes in wire order */
MODULE_ALIAS("vmbus:d96361baa104294db60572e2ffb1dc7f");
MODULE_ALIAS("vmbus:32264132cb86a2449b5c50d1417354f5");
MODULE_ALIAS("vmbus:4acc9b2f6900f34ab76b6fd0be528cda");
