// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel management: the host's channel messages, offers (new devices and
 * sub-channels), rescinds (devices going away) and channel lifetimes.
 *
 * Messages arrive in the SynIC tasklet. Answers to our requests are handed
 * to their waiters there; offers and rescinds go, in order, to an ordered
 * workqueue because they create and remove devices and may sleep.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <hvlis/compat_cpu.h>
#include "vmbus_priv.h"

struct offer_work {
	struct work_struct work;
	u32 type;
	u32 len;
	unsigned int slot;	/* its bit in hvlis_vmbus.queued */
	u8 msg[HVLIS_MESSAGE_PAYLOAD_BYTES];
};

#ifdef HVLIS_TEST_HOOKS
/* Test builds only: hold the offers workqueue (hv_vmbus.test_stall_offers). */
static bool test_stall_offers;
module_param(test_stall_offers, bool, 0644);
MODULE_PARM_DESC(test_stall_offers, "test builds: offers and rescinds wait while set");
/*
 * Test builds only: the next sub-channel offer holds its primary's
 * sub-channel callback, once read, test_subch_cb_delay_ms (at most 5000)
 * before it calls it (once; the value reads 0 again after).
 */
static unsigned int test_subch_cb_delay_ms;
module_param(test_subch_cb_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_subch_cb_delay_ms,
		 "test builds: how long the next sub-channel offer holds its callback");

static void test_subch_cb_hold(struct hvlis_channel *primary, struct hvlis_channel *ch)
{
	unsigned int ms = READ_ONCE(test_subch_cb_delay_ms);

	if (!ms || cmpxchg(&test_subch_cb_delay_ms, ms, 0) != ms)
		return;
	pr_info("test: sub-channel relid %u: callback held %u ms\n", ch->relid, ms);
	msleep(min(ms, 5000U));
	pr_info("test: sub-channel relid %u: callback held; the primary's is %s\n", ch->relid,
		READ_ONCE(primary->subchannel_cb) ? "still set" : "cleared meanwhile");
}
#else
static inline void test_subch_cb_hold(struct hvlis_channel *primary, struct hvlis_channel *ch)
{
}
#endif

static void channel_release(struct kref *ref)
{
	struct hvlis_channel *ch = container_of(ref, struct hvlis_channel, ref);

	kfree(ch);
}

/**
 * hvlis_channel_get() - take a reference on a channel
 * @ch: the channel
 *
 * Return: @ch
 */
struct hvlis_channel *hvlis_channel_get(struct hvlis_channel *ch)
{
	kref_get(&ch->ref);
	return ch;
}

/**
 * hvlis_channel_put() - drop a reference on a channel
 * @ch: the channel
 */
void hvlis_channel_put(struct hvlis_channel *ch)
{
	kref_put(&ch->ref, channel_release);
}

static void channel_tasklet_fn(unsigned long data)
{
	struct hvlis_channel *ch = (struct hvlis_channel *)data;
	hvlis_channel_cb cb = READ_ONCE(ch->callback);

	if (cb)
		cb(ch->context);
}

#ifdef HVLIS_TEST_HOOKS
/*
 * Test builds only: hold the next interrupt handler that finds relid
 * hv_vmbus.test_event_delay_relid with a callback for
 * test_event_delay_ms before it schedules the tasklet (once; the relid
 * reads 0 again after).
 */
static unsigned int test_event_delay_relid;
module_param(test_event_delay_relid, uint, 0644);
MODULE_PARM_DESC(test_event_delay_relid,
		 "test builds: relid whose next interrupt waits before its tasklet");
static unsigned int test_event_delay_ms;
module_param(test_event_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_event_delay_ms, "test builds: how long (at most 5000 ms)");
#endif

/**
 * hvlis_channel_event() - the host signalled a channel
 * @ch: the channel
 *
 * Called from the interrupt handler under rcu_read_lock().
 */
void hvlis_channel_event(struct hvlis_channel *ch)
{
#ifdef HVLIS_TEST_HOOKS
	u64 end;

#endif
	ch->interrupts++;
	if (smp_processor_id() != READ_ONCE(ch->target_cpu))
		ch->interrupts_other_cpu++;
	if (READ_ONCE(ch->callback)) {
#ifdef HVLIS_TEST_HOOKS
		if (READ_ONCE(test_event_delay_relid) == ch->relid &&
		    cmpxchg(&test_event_delay_relid, ch->relid, 0) == ch->relid) {
			pr_info("test: relid %u: interrupt held on CPU %d\n", ch->relid,
				smp_processor_id());
			end = ktime_get_ns() +
			      min(READ_ONCE(test_event_delay_ms), 5000U) * NSEC_PER_MSEC;
			/* by the clock: mdelay()'s calibration is far off under TCG */
			while (ktime_get_ns() < end)
				cpu_relax();
			pr_info("test: relid %u: interrupt held; callback %s\n", ch->relid,
				READ_ONCE(ch->callback) ? "still set" : "cleared meanwhile");
		}
#endif
		tasklet_schedule(&ch->tasklet);
	}
}

static u64 response_key(u32 type, const void *msg)
{
	const struct hvlis_msg_open_result *open = msg;
	const struct hvlis_msg_gpadl_created *created = msg;
	const struct hvlis_msg_gpadl_torndown *torndown = msg;
	const struct hvlis_msg_modify_channel_response *modify = msg;

	switch (type) {
	case HVLIS_CHANMSG_OPENCHANNEL_RESULT:
		return ((u64)open->child_relid << 32) | open->open_id;
	case HVLIS_CHANMSG_GPADL_CREATED:
		return ((u64)created->child_relid << 32) | created->gpadl;
	case HVLIS_CHANMSG_GPADL_TORNDOWN:
		return torndown->gpadl;
	case HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		return modify->child_relid;
	default:
		return 0;
	}
}

static void offer_work_fn(struct work_struct *work);

/*
 * A rescind takes effect at once: the device's removal waits its turn on the
 * offers workqueue, but requests that wait for the host's answer about this
 * channel (an open in a driver's probe, itself running on that workqueue)
 * must fail now, or they would wait out their timeout and hold up every
 * later offer and rescind.
 */
static void mark_rescinded(struct hvlis_vmbus *vb, u32 relid)
{
	struct hvlis_channel *ch;

	if (relid > HVLIS_MAX_RELID)
		return;
	rcu_read_lock();
	ch = rcu_dereference(vb->relid_map[relid]);
	if (ch) {
		WRITE_ONCE(ch->rescinded, true);
		/* a driver's request on it ends now (the map holds ch till unlock) */
		hvlis_chan_requests_fail(ch, -ENODEV);
	}
	rcu_read_unlock();
	if (ch)
		hvlis_fail_waiters(vb, relid, -ENODEV);
}

/*
 * Has the guest a channel for @relid, or an offer of it still queued? A
 * queued offer's bit is cleared only after handle_offer() published (or
 * rejected) the channel, so the bit is read first and the map after it.
 */
static bool relid_known(struct hvlis_vmbus *vb, u32 relid)
{
	bool known;

	if (test_bit(HVLIS_QSLOT_OFFER(relid), vb->queued))
		return true;
	smp_rmb();	/* the bit before the map: pairs with clear_bit_unlock() */
	rcu_read_lock();
	known = rcu_access_pointer(vb->relid_map[relid]);
	rcu_read_unlock();
	return known;
}

static void offer_reject(const struct hvlis_msg_offer_channel *m)
{
	char guid[37];

	hvlis_guid_to_string(&m->offer.if_type, guid);
	pr_err_ratelimited("rejected an offer of class %s: relid %u or monitor id %u out of range\n",
			   guid, m->child_relid, m->monitor_id);
}

/*
 * Claim the queue slot of an offer, rescind or ALLOFFERS_DELIVERED. A host
 * has at most one offer and one rescind per relid outstanding and one
 * ALLOFFERS_DELIVERED: a message whose slot is taken duplicates one that
 * waits and is dropped. A rescind of a relid with neither a channel nor a
 * queued offer is rejected here, before it costs memory. Nothing else is
 * dropped, so no flood of one kind crowds out an offer of another relid.
 *
 * Return: the slot, or a negative errno if the message is dropped.
 */
static int queue_slot(struct hvlis_vmbus *vb, u32 type, const void *msg)
{
	const struct hvlis_msg_offer_channel *o = msg;
	const struct hvlis_msg_rescind_offer *r = msg;
	unsigned int slot;

	switch (type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		if (hvlis_offer_check(o)) {
			offer_reject(o);
			return -EPROTO;
		}
		slot = HVLIS_QSLOT_OFFER(o->child_relid);
		break;
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
		if (r->child_relid > HVLIS_MAX_RELID) {
			pr_err_ratelimited("rejected a rescind of relid %u: out of range\n",
					   r->child_relid);
			return -EPROTO;
		}
		slot = HVLIS_QSLOT_RESCIND(r->child_relid);
		break;
	default:
		slot = HVLIS_QSLOT_ALLOFFERS;
	}
	if (test_and_set_bit(slot, vb->queued)) {
		atomic64_inc(&vb->msgs_dup);
		pr_err_ratelimited("dropped a host message of type %u: the same one waits already\n",
				   type);
		return -EEXIST;
	}
	if (type == HVLIS_CHANMSG_RESCIND_CHANNELOFFER && !relid_known(vb, r->child_relid)) {
		clear_bit(slot, vb->queued);
		atomic64_inc(&vb->rescinds_unknown);
		pr_err_ratelimited("rejected a rescind of relid %u: no such channel\n",
				   r->child_relid);
		return -ENOENT;
	}
	return slot;
}

static void queue_offer_work(struct hvlis_vmbus *vb, u32 type, const void *msg, u32 len)
{
	struct offer_work *ow;
	int slot;

	slot = queue_slot(vb, type, msg);
	if (slot < 0) {
		atomic64_inc(&vb->msgs_bad);
		return;
	}
	if (type == HVLIS_CHANMSG_RESCIND_CHANNELOFFER)
		mark_rescinded(vb, ((const struct hvlis_msg_rescind_offer *)msg)->child_relid);
	ow = kmalloc(sizeof(*ow), GFP_ATOMIC);
	if (!ow) {
		clear_bit(slot, vb->queued);
		pr_err_ratelimited("out of memory: lost a host message of type %u\n", type);
		return;
	}
	INIT_WORK(&ow->work, offer_work_fn);
	ow->type = type;
	ow->len = len;
	ow->slot = slot;
	memcpy(ow->msg, msg, len);
	queue_work(vb->wq, &ow->work);
}

/**
 * hvlis_handle_message() - dispatch one channel message from the host
 * @vb: the bus
 * @msg: a copy of the message payload
 * @len: its length
 *
 * Runs in the SynIC tasklet. Anything malformed is logged and dropped.
 */
void hvlis_handle_message(struct hvlis_vmbus *vb, const void *msg, u32 len)
{
	u32 type;
	int ret;

	ret = hvlis_chanmsg_check(msg, len, &type);
	if (ret) {
		atomic64_inc(&vb->msgs_bad);
		pr_err_ratelimited("dropped a malformed host message (type %u, %u bytes): %d\n",
				   len >= 4 ? *(const u32 *)msg : 0, len, ret);
		return;
	}

	switch (type) {
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
	case HVLIS_CHANMSG_OFFERCHANNEL:
	case HVLIS_CHANMSG_ALLOFFERS_DELIVERED:
		queue_offer_work(vb, type, msg, len);
		return;
	default:
		if (!hvlis_complete_waiter(vb, type, response_key(type, msg), msg, len)) {
			atomic64_inc(&vb->msgs_bad);
			pr_warn_ratelimited("host answer of type %u matches no request; dropped\n",
					    type);
		}
	}
}

static bool is_perf_device(const struct hvlis_guid *g)
{
	static const struct hvlis_guid net = HVLIS_GUID_NETWORK;
	static const struct hvlis_guid scsi = HVLIS_GUID_SCSI;
	static const struct hvlis_guid ide = HVLIS_GUID_IDE;

	return !memcmp(g, &net, sizeof(*g)) || !memcmp(g, &scsi, sizeof(*g)) ||
	       !memcmp(g, &ide, sizeof(*g));
}

/* Spread storage and network channels over the CPUs; the rest on CPU 0. */
static unsigned int pick_cpu(struct hvlis_vmbus *vb, const struct hvlis_offer *o)
{
	unsigned int cpu;

	if (vb->version < HVLIS_VMBUS_WIN8 || !is_perf_device(&o->if_type))
		return HVLIS_CONNECT_CPU;
	cpus_read_lock();
	cpu = cpumask_next(vb->next_cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	vb->next_cpu = cpu;
	cpus_read_unlock();
	return cpu;
}

static struct hvlis_channel *find_primary(struct hvlis_vmbus *vb, const struct hvlis_offer *o)
{
	struct hvlis_channel *ch;

	list_for_each_entry(ch, &vb->channels, node) {
		if (!memcmp(&ch->offer.offer.if_type, &o->if_type, sizeof(o->if_type)) &&
		    !memcmp(&ch->offer.offer.if_instance, &o->if_instance,
			    sizeof(o->if_instance)))
			return ch;
	}
	return NULL;
}

static struct hvlis_channel *channel_alloc(struct hvlis_vmbus *vb,
					   const struct hvlis_msg_offer_channel *m)
{
	struct hvlis_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!ch)
		return NULL;
	kref_init(&ch->ref);
	memcpy(&ch->offer, m, sizeof(*m));
	ch->relid = m->child_relid;
	ch->state = HVLIS_CHAN_OFFERED;
	INIT_LIST_HEAD(&ch->subchannels);
	INIT_LIST_HEAD(&ch->sub_node);
	mutex_init(&ch->subchannel_cb_lock);
	INIT_LIST_HEAD(&ch->node);
	spin_lock_init(&ch->out_lock);
	spin_lock_init(&ch->in_lock);
	tasklet_init(&ch->tasklet, channel_tasklet_fn, (unsigned long)ch);
	spin_lock_init(&ch->req_lock);
	INIT_LIST_HEAD(&ch->requests);
	ch->monitored = !!(m->monitor_flags & HVLIS_OFFER_MONITOR_ALLOCATED);
	ch->monitor_grp = m->monitor_id / 32;
	ch->monitor_bit = m->monitor_id % 32;
	if (vb->version == HVLIS_VMBUS_WS2008) {
		ch->sig_conn_id = HVLIS_VMBUS_EVENT_CONNECTION_ID;
	} else {
		ch->sig_conn_id = m->connection_id;
		ch->dedicated_interrupt = !!(m->interrupt_flags & HVLIS_OFFER_DEDICATED_INTERRUPT);
	}
	ch->target_cpu = pick_cpu(vb, &m->offer);
	ch->target_vp = vb->tp->vp_index(ch->target_cpu);
	return ch;
}

static void relid_set(struct hvlis_vmbus *vb, u32 relid, struct hvlis_channel *ch)
{
	spin_lock_bh(&vb->relid_lock);
	rcu_assign_pointer(vb->relid_map[relid], ch);
	spin_unlock_bh(&vb->relid_lock);
}

/* Unmap the relid and, after a rescind, give it back to the host once. */
static void release_relid(struct hvlis_vmbus *vb, struct hvlis_channel *ch)
{
	struct hvlis_msg_relid_released msg;

	if (ch->relid_released)
		return;
	ch->relid_released = true;
	relid_set(vb, ch->relid, NULL);
	synchronize_rcu();
	/* Only a rescinded relid is released; UNLOAD releases the rest. */
	if (!ch->rescinded || !vb->connected || vb->unloading)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = HVLIS_CHANMSG_RELID_RELEASED;
	msg.child_relid = ch->relid;
	if (hvlis_post_msg(vb, &msg, sizeof(msg), true))
		pr_err("could not release relid %u to the host\n", ch->relid);
}

static void handle_offer(struct hvlis_vmbus *vb, const struct hvlis_msg_offer_channel *m)
{
	struct hvlis_channel *ch, *primary = NULL;
	char guid[37];
	int ret;

	/* hvlis_handle_message() checked the relid and monitor id */
	hvlis_guid_to_string(&m->offer.if_type, guid);
	rcu_read_lock();
	ch = rcu_dereference(vb->relid_map[m->child_relid]);
	rcu_read_unlock();
	if (ch) {
		pr_err_ratelimited("rejected a second offer for relid %u (class %s)\n",
				   m->child_relid, guid);
		return;
	}
	ch = channel_alloc(vb, m);
	if (!ch) {
		pr_err_ratelimited("out of memory for the offer of relid %u\n", m->child_relid);
		return;
	}

	mutex_lock(&vb->chan_mutex);
	if (m->offer.sub_channel_index) {
		primary = find_primary(vb, &m->offer);
		if (!primary || primary->rescinded) {
			mutex_unlock(&vb->chan_mutex);
			pr_err_ratelimited("rejected sub-channel %u (relid %u): no primary channel of class %s\n",
					   m->offer.sub_channel_index, m->child_relid, guid);
			hvlis_channel_put(ch);
			return;
		}
		ch->primary = primary;
		list_add_tail(&ch->sub_node, &primary->subchannels);
	} else {
		if (find_primary(vb, &m->offer)) {
			mutex_unlock(&vb->chan_mutex);
			hvlis_guid_to_string(&m->offer.if_instance, guid);
			pr_err_ratelimited("rejected relid %u: device %s is already offered\n",
					   m->child_relid, guid);
			hvlis_channel_put(ch);
			return;
		}
		list_add_tail(&ch->node, &vb->channels);
	}
	relid_set(vb, ch->relid, ch);
	mutex_unlock(&vb->chan_mutex);

	if (primary) {
		void (*cb)(struct hvlis_channel *sub);

		if (primary->device)
			hvlis_channel_sysfs_add(ch);
		/*
		 * Under the lock: a driver that clears its callback (remove)
		 * waits for this call, and never frees what it uses under it.
		 */
		mutex_lock(&primary->subchannel_cb_lock);
		cb = primary->subchannel_cb;
		test_subch_cb_hold(primary, ch);
		if (cb)
			cb(ch);
		mutex_unlock(&primary->subchannel_cb_lock);
		return;
	}
	ret = hvlis_device_add(ch);
	if (ret) {
		pr_err("could not register the device for relid %u (class %s): %d\n",
		       ch->relid, guid, ret);
		mutex_lock(&vb->chan_mutex);
		list_del_init(&ch->node);
		mutex_unlock(&vb->chan_mutex);
		release_relid(vb, ch);
		hvlis_channel_put(ch);
	}
}

/*
 * An interrupt handler that found the channel in the relid map may have read
 * its callback before close cleared it and schedule the tasklet after close
 * killed it. Once the relid is unmapped and a grace period has passed, no
 * handler can: kill the tasklet only then, or it may run on a freed channel.
 */
static void channel_unmap(struct hvlis_vmbus *vb, struct hvlis_channel *ch)
{
	release_relid(vb, ch);
	tasklet_kill(&ch->tasklet);
}

/* Forget a channel that no driver uses any more; the caller holds no lock. */
static void channel_remove(struct hvlis_vmbus *vb, struct hvlis_channel *ch)
{
	hvlis_channel_close(ch);
	hvlis_channel_sysfs_del(ch);
	channel_unmap(vb, ch);
}

static void remove_primary(struct hvlis_vmbus *vb, struct hvlis_channel *ch)
{
	struct hvlis_channel *sub, *tmp;

	/* The driver's remove() closes what it opened. */
	hvlis_device_del(ch);
	list_for_each_entry_safe(sub, tmp, &ch->subchannels, sub_node) {
		channel_remove(vb, sub);
		mutex_lock(&vb->chan_mutex);
		list_del_init(&sub->sub_node);
		mutex_unlock(&vb->chan_mutex);
		hvlis_channel_put(sub);
	}
	channel_remove(vb, ch);
	mutex_lock(&vb->chan_mutex);
	list_del_init(&ch->node);
	mutex_unlock(&vb->chan_mutex);
	hvlis_channel_put(ch);
}

static void handle_rescind(struct hvlis_vmbus *vb, const struct hvlis_msg_rescind_offer *m)
{
	struct hvlis_channel *ch;

	/* hvlis_handle_message() checked the relid's range */
	/* Channels are freed only on this (ordered) workqueue: no race. */
	mutex_lock(&vb->chan_mutex);
	rcu_read_lock();
	ch = rcu_dereference(vb->relid_map[m->child_relid]);
	rcu_read_unlock();
	if (!ch || ch->rescind_handled) {
		mutex_unlock(&vb->chan_mutex);
		atomic64_inc(&vb->rescinds_unknown);
		pr_err_ratelimited("rejected a rescind of relid %u: no such channel\n",
				   m->child_relid);
		return;
	}
	ch->rescind_handled = true;
	WRITE_ONCE(ch->rescinded, true);
	mutex_unlock(&vb->chan_mutex);
	/* Requests that wait for this channel's answers will not get them. */
	hvlis_fail_waiters(vb, ch->relid, -ENODEV);

	if (ch->primary) {
		/*
		 * A sub-channel goes away alone: close it so no more packets
		 * flow. The structure stays on its primary's list until the
		 * primary goes, so a driver's pointer to it stays valid.
		 */
		hvlis_channel_close(ch);
		/*
		 * Out of sysfs before the relid is released: the host may give
		 * the relid to the next sub-channel at once, and its
		 * channels/<relid> directory must not exist by then.
		 */
		hvlis_channel_sysfs_del(ch);
		channel_unmap(vb, ch);
		pr_info_ratelimited("sub-channel relid %u rescinded\n", ch->relid);
		return;
	}
	pr_info_ratelimited("device relid %u rescinded by the host\n", ch->relid);
	remove_primary(vb, ch);
}

static void offer_work_fn(struct work_struct *work)
{
	struct offer_work *ow = container_of(work, struct offer_work, work);
	struct hvlis_vmbus *vb = &hvlis_vmbus;

#ifdef HVLIS_TEST_HOOKS
	while (READ_ONCE(test_stall_offers))
		msleep(20);
#endif

	switch (ow->type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		if (!vb->unloading)
			handle_offer(vb, (const void *)ow->msg);
		break;
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
		handle_rescind(vb, (const void *)ow->msg);
		break;
	case HVLIS_CHANMSG_ALLOFFERS_DELIVERED:
		complete(&vb->offers_done);
		break;
	}
	/* after the channel is in the relid map: see relid_known() */
	clear_bit_unlock(ow->slot, vb->queued);
	kfree(ow);
}

/**
 * hvlis_channels_exit() - remove every device and channel (module unload)
 * @vb: the bus
 */
void hvlis_channels_exit(struct hvlis_vmbus *vb)
{
	struct hvlis_channel *ch;

	vb->unloading = true;
	flush_workqueue(vb->wq);
	for (;;) {
		mutex_lock(&vb->chan_mutex);
		ch = list_empty(&vb->channels) ? NULL :
		     list_first_entry(&vb->channels, struct hvlis_channel, node);
		mutex_unlock(&vb->chan_mutex);
		if (!ch)
			break;
		remove_primary(vb, ch);
	}
}
