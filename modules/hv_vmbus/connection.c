// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection: posting messages to the host, matching the host's
 * answers to the requests that wait for them, version negotiation, the
 * initial offer request, and UNLOAD (on removal, kexec and crash).
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <hvlis/compat_base.h>
#include "vmbus_priv.h"

struct hvlis_vmbus hvlis_vmbus;

#ifdef HVLIS_TEST_HOOKS
/*
 * Test builds only (hv_vmbus.test_unload_delay_ms): how long unload keeps
 * the freed connection pages in vb before forgetting them, so a test can
 * see whether an interrupt may still scan the freed interrupt page.
 */
static unsigned int test_unload_delay_ms;
module_param(test_unload_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_unload_delay_ms,
		 "test builds: pause between freeing the connection pages and forgetting them");
#endif

/**
 * hvlis_post_msg() - send a channel message to the host
 * @vb: the bus
 * @msg: the message, starting with struct hvlis_chanmsg_header
 * @len: its length (at most HVLIS_MESSAGE_PAYLOAD_BYTES)
 * @can_sleep: whether we may sleep between retries
 *
 * The hypervisor refuses a message while the host's queue is full; we retry
 * with a growing pause for up to about ten seconds.
 *
 * Return: 0, -EAGAIN if the host stayed busy, -EIO for a hard failure.
 */
int hvlis_post_msg(struct hvlis_vmbus *vb, const void *msg, u32 len, bool can_sleep)
{
	unsigned int tries, pause_ms = 1;
	u16 status = HVLIS_HV_STATUS_SUCCESS;

	for (tries = 0; tries < 100; tries++) {
		status = vb->tp->post_message(vb->msg_conn_id, msg, len);
		switch (status) {
		case HVLIS_HV_STATUS_SUCCESS:
			return 0;
		case HVLIS_HV_STATUS_INSUFFICIENT_BUFFERS:
		case HVLIS_HV_STATUS_INSUFFICIENT_MEMORY:
		case HVLIS_HV_STATUS_INVALID_CONNECTION_ID:
			break;
		default:
			pr_err("HvPostMessage failed with status %#x\n", status);
			return -EIO;
		}
		if (can_sleep) {
			msleep(pause_ms);
			pause_ms = min(pause_ms * 2, 100u);
		} else {
			mdelay(1);
		}
	}
	pr_err("the host stayed busy; HvPostMessage status %#x\n", status);
	return -EAGAIN;
}

/**
 * hvlis_waiter_init() - prepare a request's answer slot
 * @w: the waiter
 */
void hvlis_waiter_init(struct hvlis_waiter *w)
{
	memset(w, 0, sizeof(*w));
	INIT_LIST_HEAD(&w->node);
	init_completion(&w->done);
}

/* Whether the channel of a relid is mapped and was rescinded. */
static bool relid_rescinded(struct hvlis_vmbus *vb, u32 relid)
{
	struct hvlis_channel *ch;
	bool gone;

	if (!relid || relid > HVLIS_MAX_RELID)
		return false;
	rcu_read_lock();
	ch = rcu_dereference(vb->relid_map[relid]);
	gone = ch && READ_ONCE(ch->rescinded);
	rcu_read_unlock();
	return gone;
}

/**
 * hvlis_waiter_arm() - register a waiter before sending its request
 * @vb: the bus
 * @w: an initialised waiter; receives the answer in w->resp
 * @resp_type: the message type of the answer
 * @key: which answer of that type is ours (see response_key())
 * @relid: the channel concerned, so that its rescind fails the request; or 0
 *
 * A rescind fails the waiters armed when it arrives. One that came earlier
 * failed nobody, and the host will not answer about that channel: so we
 * look at the channel once the waiter is armed.
 *
 * Return: 0, or -ENODEV if the channel was rescinded already: then do not
 * send the request, and pass the error to hvlis_waiter_wait().
 */
int hvlis_waiter_arm(struct hvlis_vmbus *vb, struct hvlis_waiter *w,
		     u32 resp_type, u64 key, u32 relid)
{
	unsigned long flags;

	w->resp_type = resp_type;
	w->key = key;
	w->relid = relid;
	spin_lock_irqsave(&vb->waiter_lock, flags);
	list_add_tail(&w->node, &vb->waiters);
	spin_unlock_irqrestore(&vb->waiter_lock, flags);
	/* The rescind marks the channel before it fails waiters (that lock). */
	return relid_rescinded(vb, relid) ? -ENODEV : 0;
}

/**
 * hvlis_waiter_wait() - wait for an armed waiter's answer, then disarm it
 * @vb: the bus
 * @w: the waiter
 * @post_ret: the result of posting the request; if it failed, don't wait
 *
 * Return: 0 with the answer in @w, -ETIMEDOUT, -ENODEV if the channel was
 * rescinded or the bus went away, or @post_ret.
 */
int hvlis_waiter_wait(struct hvlis_vmbus *vb, struct hvlis_waiter *w, int post_ret)
{
	unsigned long flags;
	int ret = post_ret;

	if (!ret && !wait_for_completion_timeout(&w->done,
						 msecs_to_jiffies(HVLIS_REQUEST_TIMEOUT_MS)))
		ret = -ETIMEDOUT;

	spin_lock_irqsave(&vb->waiter_lock, flags);
	if (!list_empty(&w->node))
		list_del_init(&w->node);
	else
		ret = w->error;	/* answered (or failed) after all */
	spin_unlock_irqrestore(&vb->waiter_lock, flags);
	if (ret == -ETIMEDOUT && w->relid)
		pr_err("relid %u: the host did not answer (expected message type %u) within %u ms\n",
		       w->relid, w->resp_type, HVLIS_REQUEST_TIMEOUT_MS);
	else if (ret == -ETIMEDOUT)
		pr_err("the host did not answer (expected message type %u) within %u ms\n",
		       w->resp_type, HVLIS_REQUEST_TIMEOUT_MS);
	return ret;
}

/**
 * hvlis_request() - send a message and wait for the host's answer
 * @vb: the bus
 * @msg: the request
 * @len: its length
 * @w: an initialised waiter; receives the answer in w->resp
 * @resp_type: the message type of the answer
 * @key: which answer of that type is ours
 * @relid: the channel concerned, or 0
 *
 * Return: as hvlis_waiter_wait().
 */
int hvlis_request(struct hvlis_vmbus *vb, const void *msg, u32 len,
		  struct hvlis_waiter *w, u32 resp_type, u64 key, u32 relid)
{
	int ret = hvlis_waiter_arm(vb, w, resp_type, key, relid);

	return hvlis_waiter_wait(vb, w, ret ? ret : hvlis_post_msg(vb, msg, len, true));
}

/**
 * hvlis_complete_waiter() - hand a host answer to the request waiting for it
 * @vb: the bus
 * @type: the answer's message type
 * @key: its key
 * @msg: the answer
 * @len: its length
 *
 * Return: true if a request took it.
 */
bool hvlis_complete_waiter(struct hvlis_vmbus *vb, u32 type, u64 key,
			   const void *msg, u32 len)
{
	struct hvlis_waiter *w;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&vb->waiter_lock, flags);
	list_for_each_entry(w, &vb->waiters, node) {
		if (w->resp_type != type || w->key != key)
			continue;
		memcpy(w->resp, msg, len);
		w->resp_len = len;
		w->error = 0;
		list_del_init(&w->node);
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&vb->waiter_lock, flags);
	return found;
}

/**
 * hvlis_fail_waiters() - fail the requests of a rescinded channel
 * @vb: the bus
 * @relid: the channel, or 0 for every request
 * @error: what they return
 */
void hvlis_fail_waiters(struct hvlis_vmbus *vb, u32 relid, int error)
{
	struct hvlis_waiter *w, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&vb->waiter_lock, flags);
	list_for_each_entry_safe(w, tmp, &vb->waiters, node) {
		if (relid && w->relid != relid)
			continue;
		w->error = error;
		list_del_init(&w->node);
		complete(&w->done);
	}
	spin_unlock_irqrestore(&vb->waiter_lock, flags);
}

static int try_version(struct hvlis_vmbus *vb, u32 version)
{
	struct hvlis_msg_initiate_contact msg;
	struct hvlis_msg_version_response *resp;
	struct hvlis_waiter *w;
	int ret;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvlis_waiter_init(w);
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = HVLIS_CHANMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	msg.target_vcpu = vb->tp->vp_index(HVLIS_CONNECT_CPU);
	if (version >= HVLIS_VMBUS_WIN10_V5) {
		msg.interrupt_page_or_sint = HVLIS_VMBUS_MESSAGE_SINT;
		vb->msg_conn_id = HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page_or_sint = virt_to_phys(vb->int_page);
		vb->msg_conn_id = HVLIS_VMBUS_MESSAGE_CONNECTION_ID;
	}
	msg.monitor_page1 = virt_to_phys(vb->monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(vb->monitor_pages[1]);

	ret = hvlis_request(vb, &msg, sizeof(msg), w,
			    HVLIS_CHANMSG_VERSION_RESPONSE, 0, 0);
	if (!ret) {
		resp = (struct hvlis_msg_version_response *)w->resp;
		if (!resp->version_supported) {
			ret = -EPROTONOSUPPORT;
		} else {
			vb->version = version;
			if (version >= HVLIS_VMBUS_WIN10_V5 && resp->msg_conn_id)
				vb->msg_conn_id = resp->msg_conn_id;
		}
	}
	kfree(w);
	return ret;
}

/**
 * hvlis_connection_free() - free the interrupt and monitor pages
 * @vb: the bus, its SynIC off on every CPU: until then an interrupt may
 *	still scan the interrupt page (WS2008/WIN7 hosts)
 */
void hvlis_connection_free(struct hvlis_vmbus *vb)
{
	free_page((unsigned long)vb->int_page);
	free_page((unsigned long)vb->monitor_pages[0]);
	free_page((unsigned long)vb->monitor_pages[1]);
#ifdef HVLIS_TEST_HOOKS
	if (test_unload_delay_ms)
		msleep(test_unload_delay_ms);
#endif
	vb->int_page = NULL;
	vb->monitor_pages[0] = NULL;
	vb->monitor_pages[1] = NULL;
}

/**
 * hvlis_connect() - negotiate the protocol and ask for the offers
 * @vb: the bus, with the SynIC enabled
 *
 * Offers the host every protocol version we know, newest first, and takes
 * the first it accepts.
 *
 * Return: 0, -ENODEV if the host accepted none, or another negative errno.
 * The pages it allocated stay until hvlis_connection_free(), also on failure.
 */
int hvlis_connect(struct hvlis_vmbus *vb)
{
	struct hvlis_chanmsg_header req;
	unsigned int i;
	u32 version;
	int ret = -ENODEV;

	vb->int_page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	vb->monitor_pages[0] = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	vb->monitor_pages[1] = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	if (!vb->int_page || !vb->monitor_pages[0] || !vb->monitor_pages[1])
		return -ENOMEM;	/* the caller frees them after the SynIC */

	for (i = 0; (version = hvlis_vmbus_version_at(i)) != 0; i++) {
		ret = try_version(vb, version);
		if (ret != -EPROTONOSUPPORT)
			break;
	}
	if (ret) {
		if (ret == -EPROTONOSUPPORT)
			pr_err("the host accepted none of our VMBus protocol versions\n");
		return ret == -EPROTONOSUPPORT ? -ENODEV : ret;
	}
	vb->connected = true;
	pr_info("VMBus protocol %u.%u negotiated (%s host)\n",
		vb->version >> 16, vb->version & 0xffff,
		hvlis_vmbus_version_name(vb->version));

	memset(&req, 0, sizeof(req));
	req.msgtype = HVLIS_CHANMSG_REQUESTOFFERS;
	ret = hvlis_post_msg(vb, &req, sizeof(req), true);
	if (ret) {
		hvlis_disconnect(vb, false);
		return ret;
	}
	if (!wait_for_completion_timeout(&vb->offers_done,
					 msecs_to_jiffies(HVLIS_OFFERS_TIMEOUT_MS)))
		pr_warn("the host did not finish its offers within %u s; continuing\n",
			HVLIS_OFFERS_TIMEOUT_MS / 1000);
	/* Devices for the initial offers exist before module init returns. */
	flush_workqueue(vb->wq);
	return 0;
}

static bool poll_unload_response(struct hvlis_vmbus *vb)
{
	unsigned int cpu;
	bool found = false;

	for_each_possible_cpu(cpu) {
		struct hvlis_hv_message_page *page = per_cpu_ptr(vb->cpu, cpu)->msg_page;
		struct hvlis_hv_message *m = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
		const struct hvlis_chanmsg_header *h = (const void *)m->payload;

		if (READ_ONCE(m->header.message_type) == HVLIS_HVMSG_NONE)
			continue;
		/* read the payload only after seeing that a message is there */
		virt_rmb();
		if (READ_ONCE(h->msgtype) == HVLIS_CHANMSG_UNLOAD_RESPONSE)
			found = true;
		/*
		 * A message queued behind this one (UNLOAD_RESPONSE, maybe) comes
		 * only after an EOM. The EOM reaches this CPU's SynIC only, the
		 * one messages come to unless the host ignored our choice.
		 */
		hvlis_release_message_slot(vb, m);
	}
	return found;
}

/**
 * hvlis_disconnect() - UNLOAD: tell the host we are leaving
 * @vb: the bus
 * @crash: true on the kexec/crash path, where we may not sleep and other
 *	   CPUs may be stopped; the answer is then polled from the message pages
 *
 * After UNLOAD_RESPONSE the host has released every channel and GPADL, so a
 * kexec'd kernel or a reloaded module starts from a clean host state.
 */
void hvlis_disconnect(struct hvlis_vmbus *vb, bool crash)
{
	struct hvlis_chanmsg_header msg;
	struct hvlis_waiter *w;
	unsigned int ms;

	if (!vb->connected)
		return;
	vb->unloading = true;
	memset(&msg, 0, sizeof(msg));
	msg.msgtype = HVLIS_CHANMSG_UNLOAD;
	if (crash) {
		if (hvlis_post_msg(vb, &msg, sizeof(msg), false))
			return;
		for (ms = 0; ms < 10000 && !poll_unload_response(vb); ms++)
			mdelay(1);
		if (ms == 10000)
			pr_err("no UNLOAD_RESPONSE from the host within 10 s (kexec/crash)\n");
		vb->connected = false;
		return;
	}
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (w) {
		hvlis_waiter_init(w);
		if (hvlis_request(vb, &msg, sizeof(msg), w,
				  HVLIS_CHANMSG_UNLOAD_RESPONSE, 0, 0))
			pr_err("no UNLOAD_RESPONSE from the host; its channel state may be stale\n");
		kfree(w);
	}
	vb->connected = false;
}

/**
 * hvlis_signal_host() - tell the host there is something in a channel's ring
 * @ch: the channel
 */
void hvlis_signal_host(struct hvlis_channel *ch)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	u8 *pending;

	ch->sig_events++;
	/*
	 * Hosts before WIN8 look for the relid bit in the send half of the
	 * interrupt page: set for monitored channels and for those without a
	 * dedicated interrupt (newer hosts ignore it).
	 */
	if (vb->int_page && (ch->monitored || !ch->dedicated_interrupt))
		set_bit(ch->relid, (unsigned long *)((u8 *)vb->int_page + PAGE_SIZE / 2));
	if (ch->monitored) {
		/* trigger_group[grp].pending: 8-byte aligned within the page */
		pending = (u8 *)vb->monitor_pages[1] +
			  offsetof(struct hvlis_hv_monitor_page, trigger_group) +
			  ch->monitor_grp * sizeof(struct hvlis_hv_monitor_trigger_group) +
			  offsetof(struct hvlis_hv_monitor_trigger_group, pending);
		set_bit(ch->monitor_bit, (unsigned long *)pending);
		return;
	}
	vb->tp->signal_event(ch->sig_conn_id, 0);
}
