// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: a simulated Hyper-V host for testing hvlis without a hypervisor.
 * Test-only; never packaged.
 *
 * It implements hv_vmbus's transport seam (struct hvlis_transport) and plays
 * the host side of VMBus: version negotiation as a chosen host generation,
 * offers from a device list that tests configure, GPADLs, channel open and
 * close, rescinds, UNLOAD. It touches guest memory only through the
 * physical addresses the guest hands over (SynIC pages, monitor and
 * interrupt pages, GPADL page lists), as a real host does, and it raises
 * the VMBus interrupt with an IPI to the target CPU, so the guest's handler
 * runs in hard interrupt context.
 *
 * The host-side ring code here is written separately from the guest's
 * ring_core.c on purpose: a shared bug would otherwise go unseen.
 *
 * Control: /sys/kernel/debug/hvsim/ (see the comment at the top of
 * control.c). Besides playing a correct host it can commit, on command, the
 * faults of a broken or hostile one (hvsim_fault()): malformed and
 * unsolicited messages, impossible offers, corrupt rings, OPENCHANNELs
 * refused, never answered or answered by a rescind, interrupt storms.
 *
 * Monitored channels (add ... monitored): the offer carries a monitor id and
 * the guest signals the channel by setting its bit in the second monitor
 * page instead of by HvSignalEvent; we poll that page (monitor_fn()).
 *
 * Every channel belongs to a device kind (hvsim_dev.h: echo, idle, the
 * integration services, storage, network), which speaks for the host
 * through its table of operations; the kinds are listed in registry.c.
 *
 * Load order: insmod hvsim.ko; configure; insmod hv_vmbus.ko transport=hvsim.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/ktime.h>
#include <linux/bitops.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <hvlis/compat_cpu.h>
#include <hvlis/vmbus_proto.h>
#include <hvlis/chanmsg.h>
#include <hvlis/transport.h>
#include "hvsim.h"
#include "hvsim_ic.h"
#include "hvsim_dev.h"
#include <linux/sched/mm.h>

#define SIM_MAX_CHANS		128
#define SIM_MSG_TYPE_VMBUS	1	/* SynIC message type of VMBus messages */
#define SIM_CONN_BASE		0x1000	/* channel connection ids */

static unsigned int host_version = HVLIS_VMBUS_WIN10_V5_3;
module_param(host_version, uint, 0644);
MODULE_PARM_DESC(host_version, "newest VMBus version this host accepts (major << 16 | minor)");

struct sim_msg {
	struct list_head node;
	u32 conn_id;	/* guest -> host: the connection it was posted to */
	u32 len;
	u32 claim;	/* host -> guest: the payload_size stated (faults lie) */
	bool hurry;	/* host -> guest: into the slot in the EOM that frees it */
	u8 data[HVLIS_MESSAGE_PAYLOAD_BYTES];
};

/* A fault that fires when the guest next does something (an OPENCHANNEL...). */
struct sim_armed {
	enum hvsim_fault kind;
	u32 relid;
	u32 arg;
	u32 left;	/* times it still fires; 0: free slot */
};

#define SIM_MAX_ARMED		16
#define SIM_FAKE_RELID_BASE	1000	/* offers that no host channel backs */
#define SIM_STATUS_UNSUCCESSFUL	0xc0000001

/* Host view of one ring: control page at base, data after it. */
struct sim_ring {
	struct hvlis_ring_header *hdr;
	u8 *data;
	u32 size;
};

struct sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u32 npfns;	/* expected */
	u32 have;	/* received so far */
	u32 next_msgnum;
	u64 *pfns;
	bool created;
	bool in_use;	/* by an open channel */
};

struct sim_chan {
	bool used;
	u32 relid;
	u32 conn_id;
	struct hvlis_guid type, instance;
	u16 sub_index;
	bool offered, open, rescinded;
	bool monitored;		/* offered with a monitor id */
	bool mute;		/* rescind-after-gpadl: its requests go unanswered */
	u8 monitor_id;
	u32 target_vp;
	u32 moves;			/* MODIFYCHANNELs taken */
	struct sim_gpadl *ring_gpadl;
	void *ring_va;
	struct sim_ring guest_out;	/* the guest writes, we read */
	struct sim_ring guest_in;	/* we write, the guest reads */
	struct work_struct work;
	const struct hvsim_dev_ops *ops;	/* its kind's operations */
	void *priv;			/* ... and its state */
	u32 gen;			/* opens so far: a packet's channel is still it */
	bool want_signal;		/* packet_locked: an answer needs a signal */
	u64 packets, signals_in, signals_out, bad, waits;
	u64 signals_monitor;		/* pending bits taken from the monitor page */
	u64 monitored_hypercalls;	/* HvSignalEvents although monitored */
};

static struct {
	void (*isr)(void);
	void **msg_page;		/* per CPU */
	void **event_page;		/* per CPU */

	spinlock_t q_lock;		/* the two message queues */
	struct list_head to_host;
	struct list_head to_guest;
	struct workqueue_struct *wq;	/* ordered: host message processing */
	struct workqueue_struct *dev_wq;	/* kinds' packet operations */
	struct work_struct host_work;
	struct delayed_work deliver_work;
	struct delayed_work monitor_work;	/* polls the guest's monitor page */

	struct mutex lock;		/* everything below */
	bool connected;
	u32 version;
	u32 msg_conn_id;
	u32 msg_vp;
	void *int_page;
	void *monitor_page[2];
	struct sim_chan chans[SIM_MAX_CHANS];
	struct list_head gpadls;
	u32 next_instance;

	/* fault injection */
	struct sim_armed armed[SIM_MAX_ARMED];
	u32 next_fake;			/* fake offers: relid and instance */
	atomic_t no_eom_left;		/* messages still to deliver as "pending" */
	atomic_t eom_wait;		/* one of them is out: only an EOM goes on */
	atomic_t hurry_next;		/* rescind-after-gpadl: the next message hurries */
	atomic_t hold;			/* rescind-after-gpadl: queueing two, wait */
	atomic_t hurry_done;		/* rescind-after-gpadl: the rescind went in */
	atomic_t unload_behind;		/* unload-behind firings left */
	struct delayed_work late_work;	/* gpadl-late: the late answer */
	u32 late_handle;
	void (*crash_fn)(void);		/* the guest's kexec/crash handler */

	/* counters */
	atomic_t msgs_from_guest, msgs_to_guest, bad_msgs, unloads, eoms;
	atomic_t gpadls_created, gpadls_torn, opens, closes, relids_released;
	atomic_t teardowns_after_rescind;
	atomic_t monitor_signals, monitor_stray, monitored_hypercalls;
	atomic_t unload_responses, gpadl_pages_freed, requests_after_rescind;
	atomic_t modifies, modifies_refused;	/* MODIFYCHANNEL */
	atomic_t faults[HVSIM_FAULT_COUNT];
	struct dentry *dir;
} sim;

/* ---------------------------------------------------------------- helpers */

static void *gpa_to_va(u64 gpa)
{
	if (!gpa || !pfn_valid(gpa >> PAGE_SHIFT))
		return NULL;
	return phys_to_virt(gpa);
}

static unsigned int vp_to_cpu(u32 vp)
{
	return vp < nr_cpu_ids && cpu_online(vp) ? vp : 0;
}

static void raise_irq_fn(void *unused)
{
	if (sim.isr)
		sim.isr();
}

static void raise_irq(unsigned int cpu)
{
	/* In process context; on the target CPU the handler runs in hardirq. */
	smp_call_function_single(cpu, raise_irq_fn, NULL, 0);
}

/* ------------------------------------------------- host -> guest messages */

/*
 * Deliver messages soon, from a CPU other than the guest's message CPU when
 * there is one: a real IPI, and delivery goes on while that CPU has its
 * interrupts off (the guest's crash path polls for messages so).
 */
static void deliver_soon(unsigned long delay)
{
	unsigned int cpu = vp_to_cpu(sim.msg_vp), other;

	other = cpumask_any_but(cpu_online_mask, cpu);
	mod_delayed_work_on(other < nr_cpu_ids ? other : cpu, system_wq, &sim.deliver_work,
			    delay);
}

/* Queue a message of 'len' bytes whose SynIC header states 'claim' bytes. */
static void queue_msg(const void *msg, u32 len, u32 claim)
{
	struct sim_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned long flags;

	if (!m)
		return;
	m->len = len;
	m->claim = claim;
	m->hurry = atomic_xchg(&sim.hurry_next, 0);
	memcpy(m->data, msg, len);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	deliver_soon(0);
}

static void queue_to_guest(const void *msg, u32 len)
{
	queue_msg(msg, len, len);
}

/*
 * Put a message into the free slot; called with sim.q_lock held. Returns
 * true if a hurrying message follows it (fault rescind-after-gpadl).
 */
static bool put_in_slot(struct hvlis_hv_message *slot, struct sim_msg *m, u8 msg_flags)
{
	struct sim_msg *next = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
	bool hurry = next && next->hurry;

	/* Fault rescind-after-gpadl: the EOM for this one brings the next. */
	if (hurry)
		msg_flags |= HVLIS_MSG_FLAG_PENDING;
	memcpy(slot->payload, m->data, m->len);
	slot->header.payload_size = m->claim;
	slot->header.message_flags = msg_flags;
	slot->header.sender = 0;
	/* The message must be complete before its type says it is there. */
	wmb();
	WRITE_ONCE(slot->header.message_type, SIM_MSG_TYPE_VMBUS);
	if (m->len >= 4 && *(u32 *)m->data == HVLIS_CHANMSG_UNLOAD_RESPONSE)
		atomic_inc(&sim.unload_responses);
	atomic_inc(&sim.msgs_to_guest);
	return hurry;
}

/*
 * Fault rescind-after-gpadl, on the CPU that delivered the answer: keep it
 * (no preemption) until the guest has taken the rescind from the slot and a
 * little longer, so a thread the answer woke runs only after the guest's
 * message CPU handled the rescind.
 */
static void hold_cpu_for_rescind(struct hvlis_hv_message *slot)
{
	unsigned int us;

	preempt_disable();
	for (us = 0; us < 200000; us++) {
		if (atomic_read(&sim.hurry_done) &&
		    READ_ONCE(slot->header.message_type) == HVLIS_HVMSG_NONE)
			break;
		udelay(1);
	}
	mdelay(5);
	preempt_enable();
}

static void deliver_fn(struct work_struct *work)
{
	unsigned int cpu = vp_to_cpu(sim.msg_vp);
	struct hvlis_hv_message_page *page;
	struct hvlis_hv_message *slot;
	struct sim_msg *m;
	unsigned long flags;
	bool hurry;
	u8 msg_flags;

	for (;;) {
		page = sim.msg_page ? sim.msg_page[cpu] : NULL;
		if (!page)
			return;
		slot = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
		spin_lock_irqsave(&sim.q_lock, flags);
		m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
		if (!m || atomic_read(&sim.hold)) {
			spin_unlock_irqrestore(&sim.q_lock, flags);
			return;
		}
		if (READ_ONCE(slot->header.message_type) != HVLIS_HVMSG_NONE) {
			/* Slot busy: ask for an EOM. */
			slot->header.message_flags |= HVLIS_MSG_FLAG_PENDING;
			/* The flag, then a second look: the guest frees, then looks. */
			mb();
			if (READ_ONCE(slot->header.message_type) == HVLIS_HVMSG_NONE) {
				/* Freed before the guest could see the flag. */
				spin_unlock_irqrestore(&sim.q_lock, flags);
				continue;
			}
			spin_unlock_irqrestore(&sim.q_lock, flags);
			/* Look again soon anyway, unless a fault wants the EOM alone. */
			if (!atomic_read(&sim.eom_wait) && !m->hurry)
				deliver_soon(1);
			return;
		}
		list_del(&m->node);

		/* Fault no-eom: "more are queued", as if the guest had to wait. */
		msg_flags = 0;
		if (atomic_add_unless(&sim.no_eom_left, -1, 0)) {
			msg_flags = HVLIS_MSG_FLAG_PENDING;
			atomic_set(&sim.eom_wait, 1);
			atomic_inc(&sim.faults[HVSIM_FAULT_NO_EOM]);
		}
		hurry = put_in_slot(slot, m, msg_flags);
		spin_unlock_irqrestore(&sim.q_lock, flags);
		kfree(m);
		raise_irq(cpu);
		if (hurry && raw_smp_processor_id() != cpu)
			hold_cpu_for_rescind(slot);
	}
}

/* ------------------------------------------------------ host ring access */

static bool ring_attach(struct sim_ring *r, void *base, u32 bytes)
{
	if (bytes < 2 * HVLIS_HV_PAGE_SIZE)
		return false;
	r->hdr = base;
	r->data = (u8 *)base + HVLIS_HV_PAGE_SIZE;
	r->size = bytes - HVLIS_HV_PAGE_SIZE;
	return true;
}

/* Copies at a ring offset; 'at' may be past the end (it wraps). */
static void ring_get(const struct sim_ring *r, u32 at, void *dst, u32 len)
{
	u32 first;

	at %= r->size;
	first = min(len, r->size - at);
	memcpy(dst, r->data + at, first);
	memcpy((u8 *)dst + first, r->data, len - first);
}

static void ring_put(struct sim_ring *r, u32 at, const void *src, u32 len)
{
	u32 first;

	at %= r->size;
	first = min(len, r->size - at);
	memcpy(r->data + at, src, first);
	memcpy(r->data, (const u8 *)src + first, len - first);
}

/* Bytes in the ring, or -1 if the guest's indices make no sense. */
static long ring_used(const struct sim_ring *r)
{
	u32 rd = READ_ONCE(r->hdr->read_index), wr = READ_ONCE(r->hdr->write_index);

	if (rd >= r->size || wr >= r->size || (rd | wr) & 7)
		return -1;
	return wr >= rd ? wr - rd : r->size - rd + wr;
}

/*
 * Look at the next packet the guest wrote, without consuming it. Returns
 * its length, 0 if none, -1 if the guest's ring is corrupt.
 */
static long ring_peek(struct sim_ring *r, void *buf, u32 buf_len)
{
	struct hvlis_packet_desc d;
	long used = ring_used(r);
	u32 rd, len;

	if (used <= 0)
		return used;
	/* Read the packet only after the index that published it. */
	rmb();
	rd = READ_ONCE(r->hdr->read_index);
	ring_get(r, rd, &d, sizeof(d));
	len = d.len8 * 8u;
	if (d.offset8 < 2 || d.len8 < d.offset8 || len + 8 > used || len > buf_len)
		return -1;
	ring_get(r, rd, buf, len);
	return len;
}

/*
 * Consume the packet of 'len' bytes that ring_peek() returned. *signal: the
 * guest asked (pending_send_sz) to hear when room frees up, and now it has.
 */
static void ring_consume(struct sim_ring *r, u32 len, bool *signal)
{
	u32 rd = READ_ONCE(r->hdr->read_index), pending, free_before;

	free_before = r->size - ring_used(r);
	/* Done with the packet before its space goes back to the guest... */
	mb();
	WRITE_ONCE(r->hdr->read_index, (rd + len + 8) % r->size);
	/* ...and the new index visible before we look at pending_send_sz. */
	mb();
	pending = READ_ONCE(r->hdr->pending_send_sz);
	*signal = pending && free_before <= pending && free_before + len + 8 > pending;
}

/* Write one packet for the guest. Returns 0, -ENOSPC or -EIO; *signal as rule. */
static int ring_give(struct sim_ring *r, const void *pkt, u32 len, bool *signal)
{
	long used = ring_used(r);
	u32 wr, padded = (len + 7) & ~7u;
	u64 trailer;
	static const u8 zero[8];

	*signal = false;
	if (used < 0)
		return -EIO;
	if (r->size - used <= padded + 8)
		return -ENOSPC;
	wr = READ_ONCE(r->hdr->write_index);
	ring_put(r, wr, pkt, len);
	ring_put(r, wr + len, zero, padded - len);
	trailer = (u64)wr << 32;
	ring_put(r, wr + padded, &trailer, 8);
	/* The packet in place before the index that publishes it... */
	mb();
	WRITE_ONCE(r->hdr->write_index, (wr + padded + 8) % r->size);
	/* ...and published before we look at the guest's mask and index. */
	mb();
	*signal = !READ_ONCE(r->hdr->interrupt_mask) &&
		  READ_ONCE(r->hdr->read_index) == wr;
	return 0;
}

/* ------------------------------------------------------------- channels */

/* Set a relid's event flag for the guest on a CPU; false if it has no pages. */
static bool set_event(unsigned int cpu, u32 relid)
{
	struct hvlis_hv_event_page *ev = sim.event_page ? sim.event_page[cpu] : NULL;

	if (!ev || relid > HVLIS_MAX_RELID)
		return false;
	if (sim.version >= HVLIS_VMBUS_WIN8) {
		set_bit(relid, (unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	} else {
		if (!sim.int_page)
			return false;
		set_bit(relid, (unsigned long *)sim.int_page);	/* receive half */
		set_bit(0, (unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	}
	return true;
}

static void signal_guest(struct sim_chan *c)
{
	unsigned int cpu = vp_to_cpu(c->target_vp);

	if (!set_event(cpu, c->relid))
		return;
	c->signals_out++;
	raise_irq(cpu);
}

static void *map_pfns(const u64 *pfns, u32 n);

static void chan_kick(struct sim_chan *c)
{
	queue_work(c->ops->packet ? sim.dev_wq : sim.wq, &c->work);
}

/*
 * A kind with a packet operation: each packet is taken out of the ring (so the guest
 * gets its room back at once) and handed to the kind without our lock held,
 * since serving it may take long (storage I/O) and sleeps. The kind
 * answers through hvsim_chan_give(). Called and returns with sim.lock held.
 */
static void chan_dev_packets(struct sim_chan *c, u8 *buf, u32 buf_len)
{
	const struct hvsim_dev_ops *ops = c->ops;
	void *priv = c->priv;
	u32 relid = c->relid, gen = c->gen;
	u16 sub = c->sub_index;
	unsigned int noio;
	bool sig;
	long len;

	while (c->open && !c->rescinded && c->gen == gen) {
		len = ring_peek(&c->guest_out, buf, buf_len);
		if (len == 0)
			break;
		if (len < 0) {
			c->bad++;
			pr_err_ratelimited("relid %u: guest ring corrupt\n", c->relid);
			break;
		}
		ring_consume(&c->guest_out, len, &sig);
		if (sig)
			signal_guest(c);
		c->packets++;
		mutex_unlock(&sim.lock);
		/* The guest's I/O may wait on us: no reclaim that needs I/O. */
		noio = memalloc_noio_save();
		ops->packet(priv, relid, sub, buf, len);
		memalloc_noio_restore(noio);
		mutex_lock(&sim.lock);
	}
}

/*
 * A kind that works in place (packet_locked, e.g. echo) or none (idle: its
 * packets are swallowed): each packet stays in the guest's ring until the
 * kind is done with it; one that waits for room in the guest's inbound
 * ring stays there, and the host asked (pending_send_sz) to be signalled
 * when room frees. Called and returns with sim.lock held.
 */
static void chan_locked_packets(struct sim_chan *c, u8 *buf, u32 buf_len)
{
	const struct hvsim_dev_ops *ops = c->ops;
	bool sig;
	long len;
	int ret;

	c->want_signal = false;
	while (c->open && !c->rescinded) {
		len = ring_peek(&c->guest_out, buf, buf_len);
		if (len == 0)
			break;
		if (len < 0) {
			c->bad++;
			pr_err_ratelimited("relid %u: guest ring corrupt\n", c->relid);
			break;
		}
		ret = ops->packet_locked ? ops->packet_locked(c->priv, c, c->relid, buf, len) : 0;
		if (ret == -EAGAIN)
			continue;	/* room freed meanwhile: answer again */
		if (ret == -EPROTO)
			c->bad++;	/* refused, consumed */
		else if (ret)
			break;		/* waits for room (-ENOSPC), or the ring broke */
		ring_consume(&c->guest_out, len, &sig);
		c->want_signal |= sig;
		c->packets++;
	}
	if (c->want_signal)
		signal_guest(c);
}

/**
 * hvsim_chan_reply_locked() - a kind's answer, in place, to the packet it is given
 * @c: the channel (as packet_locked got it)
 * @pkt: the whole answer, descriptor included
 * @len: its length, a multiple of 8
 *
 * For a packet_locked operation only, under the host's lock. When the
 * guest's inbound ring has no room, asks the guest (pending_send_sz) to
 * signal when it has.
 *
 * Return: 0; -EAGAIN if room freed while we asked (answer again at once);
 * -ENOSPC if the answer must wait for room (the packet stays in the
 * guest's ring); -EIO if the guest corrupted its inbound ring.
 */
int hvsim_chan_reply_locked(struct sim_chan *c, const void *pkt, u32 len)
{
	bool sig;
	int ret;

	lockdep_assert_held(&sim.lock);
	ret = ring_give(&c->guest_in, pkt, len, &sig);
	if (ret == -ENOSPC) {
		WRITE_ONCE(c->guest_in.hdr->pending_send_sz, len + 16);
		/* The request visible before we look at the room again. */
		mb();
		/* Room may have freed before it saw our request. */
		if (c->guest_in.size - ring_used(&c->guest_in) > len + 16)
			return -EAGAIN;
		c->waits++;
		return -ENOSPC;
	}
	if (ret) {
		c->bad++;
		return -EIO;
	}
	WRITE_ONCE(c->guest_in.hdr->pending_send_sz, 0);
	c->want_signal |= sig;
	return 0;
}

static void chan_work_fn(struct work_struct *work)
{
	struct sim_chan *c = container_of(work, struct sim_chan, work);
	u8 *buf;

	buf = kmalloc(HVLIS_HV_PAGE_SIZE * 8, GFP_KERNEL);
	if (!buf)
		return;
	mutex_lock(&sim.lock);
	if (c->ops->packet)
		chan_dev_packets(c, buf, HVLIS_HV_PAGE_SIZE * 8);
	else
		chan_locked_packets(c, buf, HVLIS_HV_PAGE_SIZE * 8);
	mutex_unlock(&sim.lock);
	kfree(buf);
}

static struct sim_chan *chan_by_relid(u32 relid)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && sim.chans[i].relid == relid)
			return &sim.chans[i];
	return NULL;
}

/**
 * hvsim_chan_send() - an in-band packet from the host to the guest
 * @relid: an open channel
 * @payload: the packet's payload
 * @len: its length
 * @tid: the transaction id the guest sees
 *
 * Return: 0; -ENODEV if the channel is not open; -ENOSPC if the guest's
 * inbound ring is full; -EIO if the guest corrupted it; -ENOMEM.
 */
int hvsim_chan_send(u32 relid, const void *payload, u32 len, u64 tid)
{
	return hvsim_chan_send_hostile(relid, payload, len, tid, 0);
}

/**
 * hvsim_chan_send_hostile() - hvsim_chan_send() as a hostile host may send
 * @relid: the channel
 * @payload: the packet's payload
 * @len: its length
 * @tid: the transaction id the guest sees
 * @how: HVSIM_SEND_NO_SIGNAL: do not signal (a burst); HVSIM_SEND_SIGNAL:
 *	 signal whether or not the ring was empty
 *
 * Return: as hvsim_chan_send().
 */
int hvsim_chan_send_hostile(u32 relid, const void *payload, u32 len, u64 tid,
			    unsigned int how)
{
	struct hvlis_packet_desc *d;
	struct sim_chan *c;
	u32 total = sizeof(*d) + ALIGN(len, 8);
	bool sig;
	int ret;
	u8 *pkt;

	if (len > HVLIS_HV_PAGE_SIZE * 8)
		return -EMSGSIZE;
	pkt = kzalloc(total, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	d = (void *)pkt;
	d->type = HVLIS_PKT_DATA_INBAND;
	d->offset8 = sizeof(*d) / 8;
	d->len8 = total / 8;
	d->trans_id = tid;
	memcpy(pkt + sizeof(*d), payload, len);
	mutex_lock(&sim.lock);
	c = chan_by_relid(relid);
	if (!c || !c->open || c->rescinded) {
		ret = -ENODEV;
	} else {
		ret = ring_give(&c->guest_in, pkt, total, &sig);
		if (!ret && ((sig && !(how & HVSIM_SEND_NO_SIGNAL)) || (how & HVSIM_SEND_SIGNAL)))
			signal_guest(c);
	}
	mutex_unlock(&sim.lock);
	kfree(pkt);
	return ret;
}

/**
 * hvsim_chan_kick() - signal the guest about a channel, whatever its ring holds
 * @relid: the channel
 */
void hvsim_chan_kick(u32 relid)
{
	struct sim_chan *c;

	mutex_lock(&sim.lock);
	c = chan_by_relid(relid);
	if (c && c->open)
		signal_guest(c);
	mutex_unlock(&sim.lock);
}

/**
 * hvsim_chan_give() - a whole packet from the host to the guest
 * @relid: an open channel
 * @pkt: the packet, descriptor included, as the guest will read it
 * @len: its length, a multiple of 8
 *
 * Waits (up to 10 s, polling) while the guest's inbound ring is full.
 * May sleep; call without sim.lock.
 *
 * Return: 0; -ENODEV if the channel is not open; -ENOSPC if the ring
 * stayed full; -EIO if the guest corrupted it; -EINVAL for a bad length.
 */
int hvsim_chan_give(u32 relid, const void *pkt, u32 len)
{
	unsigned long until = jiffies + 10 * HZ;
	struct sim_chan *c;
	bool sig, waited = false;
	int ret;

	if (len < sizeof(struct hvlis_packet_desc) || len % 8 || len > HVLIS_HV_PAGE_SIZE * 8)
		return -EINVAL;
	for (;;) {
		mutex_lock(&sim.lock);
		c = chan_by_relid(relid);
		if (!c || !c->open || c->rescinded) {
			ret = -ENODEV;
		} else {
			ret = ring_give(&c->guest_in, pkt, len, &sig);
			if (!ret && sig)
				signal_guest(c);
			if (ret == -ENOSPC && !waited) {
				c->waits++;
				waited = true;
			}
		}
		mutex_unlock(&sim.lock);
		if (ret != -ENOSPC || time_after(jiffies, until))
			return ret;
		usleep_range(100, 500);
	}
}

/**
 * hvsim_chan_give_xfer() - a transfer-page packet from the host to the guest
 * @relid: an open channel
 * @set_id: the transfer page set (the id the guest gave its buffer)
 * @offset: the one range's byte offset in that buffer
 * @count: the range's byte count
 * @payload: the in-band payload after the range (a device message)
 * @len: its length, at most 64 bytes
 * @tid: the transaction id; the packet asks for a completion
 *
 * Builds the packet (type HVLIS_PKT_DATA_USING_XFER_PAGES, one range) and
 * gives it as hvsim_chan_give() does, waiting while the ring is full.
 *
 * Return: as hvsim_chan_give(); -EINVAL for a payload too long.
 */
int hvsim_chan_give_xfer(u32 relid, u16 set_id, u32 offset, u32 count, const void *payload,
			 u32 len, u64 tid)
{
	struct {
		struct hvlis_xfer_page_header h;
		struct hvlis_xfer_page_range r;
		u8 payload[64];
	} __packed pkt;
	u32 hlen = sizeof(pkt.h) + sizeof(pkt.r);

	if (len > sizeof(pkt.payload))
		return -EINVAL;
	memset(&pkt, 0, sizeof(pkt));
	pkt.h.desc.type = HVLIS_PKT_DATA_USING_XFER_PAGES;
	pkt.h.desc.flags = HVLIS_PKT_FLAG_COMPLETION_REQUESTED;
	pkt.h.desc.offset8 = hlen / 8;
	pkt.h.desc.len8 = (hlen + ALIGN(len, 8)) / 8;
	pkt.h.desc.trans_id = tid;
	pkt.h.xfer_pageset_id = set_id;
	pkt.h.range_count = 1;
	pkt.r.byte_count = count;
	pkt.r.byte_offset = offset;
	memcpy(pkt.payload, payload, len);
	return hvsim_chan_give(relid, &pkt, hlen + ALIGN(len, 8));
}

/**
 * hvsim_gpa_gather() - copy out the bytes of a GPA-direct packet's ranges
 * @pkt: the packet, descriptor included (the host's own copy)
 * @len: its length
 * @dst: where the bytes go, all ranges in order
 * @dst_max: room in @dst
 * @copied: set to the bytes copied
 *
 * Walks and checks every range (a byte offset inside the first page, a
 * nonzero count, all its PFNs inside the header area the descriptor's
 * offset gives) before it maps and copies any. May sleep.
 *
 * Return: 0; -EINVAL for a malformed packet; -EMSGSIZE if the ranges hold
 * more than @dst_max bytes; -EFAULT if a PFN is not RAM.
 */
int hvsim_gpa_gather(const u8 *pkt, u32 len, u8 *dst, u32 dst_max, u32 *copied)
{
	const struct hvlis_gpa_direct_header *h = (const void *)pkt;
	struct hvlis_gpa_range r;
	u32 off, i, pos = sizeof(*h), done = 0;
	u64 total = 0, npfns;
	u8 *va;

	*copied = 0;
	if (len < sizeof(*h))
		return -EINVAL;
	off = h->desc.offset8 * 8u;
	if (off < sizeof(*h) || off > len || !h->range_count)
		return -EINVAL;
	for (i = 0; i < h->range_count; i++) {
		if (pos > off || off - pos < sizeof(r))
			return -EINVAL;
		memcpy(&r, pkt + pos, sizeof(r));
		if (!r.byte_count || r.byte_offset >= HVLIS_HV_PAGE_SIZE)
			return -EINVAL;
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		if (npfns > (off - pos - sizeof(r)) / sizeof(u64))
			return -EINVAL;
		pos += sizeof(r) + npfns * sizeof(u64);
		total += r.byte_count;
	}
	if (total > dst_max)
		return -EMSGSIZE;
	pos = sizeof(*h);
	for (i = 0; i < h->range_count; i++) {
		memcpy(&r, pkt + pos, sizeof(r));
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		va = map_pfns((const u64 *)(pkt + pos + sizeof(r)), npfns);
		if (!va)
			return -EFAULT;
		memcpy(dst + done, va + r.byte_offset, r.byte_count);
		vunmap(va);
		done += r.byte_count;
		pos += sizeof(r) + npfns * sizeof(u64);
	}
	*copied = done;
	return 0;
}

/* ------------------------------------------------------ monitored channels */

static struct sim_chan *chan_by_monitor(u8 id)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && sim.chans[i].monitored && sim.chans[i].monitor_id == id)
			return &sim.chans[i];
	return NULL;
}

/* A free monitor id: 'want' if free, or the lowest free for MONITOR_ANY. */
static int monitor_alloc(int want)
{
	int id;

	if (want == HVSIM_MONITOR_ANY) {
		for (id = 0; id <= HVLIS_MAX_MONITOR_ID; id++)
			if (!chan_by_monitor(id))
				return id;
		return -ENOSPC;
	}
	if (want < 0 || want > HVLIS_MAX_MONITOR_ID)
		return -EINVAL;
	return chan_by_monitor(want) ? -EBUSY : want;
}

/*
 * A monitored channel's guest does not call HvSignalEvent: it sets bit
 * (id % 32) of trigger_group[id / 32].pending in the second monitor page
 * (guest -> host), and the host finds it with its own latency. We look
 * every jiffy while a monitored channel is open, take each bit with an
 * atomic test-and-clear (the guest may set it again meanwhile) and run the
 * channel's work. A bit of a channel not open (any more) is dropped: the
 * guest may signal just before its close or before it sees a rescind. A
 * bit of an id that no channel has (stray) is a guest error.
 */
static void monitor_fn(struct work_struct *work)
{
	u8 *page;
	unsigned long *pending, *send_half;
	unsigned int grp, bit, i;
	struct sim_chan *c;
	bool again = false;

	mutex_lock(&sim.lock);
	page = sim.connected ? sim.monitor_page[1] : NULL;
	for (i = 0; page && i < SIM_MAX_CHANS; i++)
		again |= sim.chans[i].used && sim.chans[i].monitored && sim.chans[i].open;
	for (grp = 0; page && grp < 4; grp++) {
		/* pending is the low half of the 8-byte aligned trigger group */
		pending = (unsigned long *)(page +
			offsetof(struct hvlis_hv_monitor_page, trigger_group) +
			grp * sizeof(struct hvlis_hv_monitor_trigger_group));
		if (!(READ_ONCE(*pending) & 0xffffffffUL))
			continue;
		for (bit = 0; bit < 32; bit++) {
			if (!test_and_clear_bit(bit, pending))
				continue;
			c = chan_by_monitor(grp * 32 + bit);
			if (!c) {
				atomic_inc(&sim.monitor_stray);
				pr_warn_ratelimited("monitor page: pending bit of id %u, which no channel has\n",
						    grp * 32 + bit);
				continue;
			}
			if (!c->open || c->rescinded)
				continue;
			/* Before 2012 the guest also sets the relid in the send half. */
			if (sim.version < HVLIS_VMBUS_WIN8 && sim.int_page) {
				send_half = (unsigned long *)((u8 *)sim.int_page +
							      HVLIS_HV_PAGE_SIZE / 2);
				clear_bit(c->relid, send_half);
			}
			c->signals_monitor++;
			atomic_inc(&sim.monitor_signals);
			chan_kick(c);
		}
	}
	if (again)
		queue_delayed_work(system_wq, &sim.monitor_work, 1);
	mutex_unlock(&sim.lock);
}

/**
 * hvsim_armed_take() - an armed fault for this relid: consume one firing
 * @kind: the fault
 * @relid: the channel it was armed for
 * @arg: receives its argument (may be NULL)
 *
 * Called with the host's lock held (a kind's packet_locked operation may).
 *
 * Return: true if it fires now.
 */
bool hvsim_armed_take(enum hvsim_fault kind, u32 relid, u32 *arg)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_ARMED; i++) {
		struct sim_armed *a = &sim.armed[i];

		if (!a->left || a->kind != kind || a->relid != relid)
			continue;
		a->left--;
		if (arg)
			*arg = a->arg;
		atomic_inc(&sim.faults[kind]);
		pr_info("fault %s fires on relid %u\n", hvsim_fault_name(kind), relid);
		return true;
	}
	return false;
}

static void rescind_with_subchannels(struct sim_chan *c);
static void chan_forget(struct sim_chan *c);

/*
 * A monitored channel's entries in both monitor pages, as the host keeps
 * them: its connection id in the parameter slot and a scan latency, which
 * the guest shows as {server,client}_monitor_{conn_id,latency}. The
 * latencies differ per page (0x100 | id host, 0x200 | id guest) so a test
 * can tell the pages apart.
 */
static void monitor_params_set(struct sim_chan *c)
{
	unsigned int p, grp = c->monitor_id / 32, bit = c->monitor_id % 32;
	struct hvlis_hv_monitor_page *mp;

	for (p = 0; p < 2; p++) {
		mp = sim.monitor_page[p];
		if (!mp)
			continue;
		WRITE_ONCE(mp->parameter[grp][bit].connection_id, c->conn_id);
		WRITE_ONCE(mp->latency[grp][bit], (u16)((p ? 0x200 : 0x100) | c->monitor_id));
	}
}

static void send_offer(struct sim_chan *c)
{
	struct hvlis_msg_offer_channel m;

	memset(&m, 0, sizeof(m));
	m.header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m.offer.if_type = c->type;
	m.offer.if_instance = c->instance;
	m.offer.sub_channel_index = c->sub_index;
	m.child_relid = c->relid;
	m.connection_id = c->conn_id;
	m.interrupt_flags = HVLIS_OFFER_DEDICATED_INTERRUPT;
	if (c->monitored) {
		m.monitor_id = c->monitor_id;
		m.monitor_flags = HVLIS_OFFER_MONITOR_ALLOCATED;
		monitor_params_set(c);
	}
	if (c->ops->offer)
		c->ops->offer(c->priv, c->relid, c->sub_index, &m.offer);
	c->offered = true;
	queue_to_guest(&m, sizeof(m));
}

static void unmap_ring(struct sim_chan *c)
{
	if (c->ring_va)
		vunmap(c->ring_va);
	c->ring_va = NULL;
	if (c->ring_gpadl)
		c->ring_gpadl->in_use = false;
	c->ring_gpadl = NULL;
}

static void send_rescind(struct sim_chan *c)
{
	struct hvlis_msg_rescind_offer m;

	c->rescinded = true;
	c->open = false;
	unmap_ring(c);
	if (c->ops->closed)
		c->ops->closed(c->priv, c->relid, c->sub_index, true);
	memset(&m, 0, sizeof(m));
	m.header.msgtype = HVLIS_CHANMSG_RESCIND_CHANNELOFFER;
	m.child_relid = c->relid;
	queue_to_guest(&m, sizeof(m));
}

/* --------------------------------------------------------- host messages */

static struct sim_gpadl *gpadl_find(u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, &sim.gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void gpadl_free(struct sim_gpadl *g)
{
	list_del(&g->node);
	vfree(g->pfns);
	kfree(g);
}

static bool gpadl_fault(struct sim_gpadl *g);

static void gpadl_maybe_created(struct sim_gpadl *g)
{
	struct hvlis_msg_gpadl_created r;

	if (g->created || g->have < g->npfns)
		return;
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
	r.child_relid = g->relid;
	r.gpadl = g->handle;
	if (hvsim_armed_take(HVSIM_FAULT_GPADL_FAIL, g->relid, NULL)) {
		/* Refused: the host keeps nothing of it. */
		r.creation_status = SIM_STATUS_UNSUCCESSFUL;
		gpadl_free(g);
	} else {
		g->created = true;
		atomic_inc(&sim.gpadls_created);
		if (gpadl_fault(g))
			return;
	}
	queue_to_guest(&r, sizeof(r));
}

static void on_gpadl_header(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_header *h = (const void *)msg;
	struct sim_gpadl *g;
	u32 n, in_msg;

	if (len < sizeof(*h) + sizeof(struct hvlis_gpa_range) || h->range_count != 1 ||
	    h->range_buflen < sizeof(struct hvlis_gpa_range) || !chan_by_relid(h->child_relid) ||
	    gpadl_find(h->gpadl)) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_HEADER (relid %u, gpadl %#x)\n", h->child_relid, h->gpadl);
		return;
	}
	if (chan_by_relid(h->child_relid)->mute) {
		/* fault rescind-after-gpadl: never answered */
		atomic_inc(&sim.requests_after_rescind);
		pr_warn("GPADL_HEADER of relid %u after its rescind\n", h->child_relid);
		return;
	}
	n = (h->range_buflen - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	in_msg = (len - sizeof(*h) - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	if (!n || h->range[0].byte_count != n * HVLIS_HV_PAGE_SIZE || in_msg > n) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL %#x: inconsistent sizes\n", h->gpadl);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return;
	g->pfns = vmalloc(n * sizeof(u64));
	if (!g->pfns) {
		kfree(g);
		return;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npfns = n;
	g->have = in_msg;
	g->next_msgnum = 1;
	memcpy(g->pfns, h->range[0].pfn_array, in_msg * sizeof(u64));
	list_add_tail(&g->node, &sim.gpadls);
	gpadl_maybe_created(g);
}

static void on_gpadl_body(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_body *b = (const void *)msg;
	struct sim_gpadl *g = gpadl_find(b->gpadl);
	u32 n = (len - sizeof(*b)) / sizeof(u64);

	if (!g || g->created || b->msgnumber != g->next_msgnum || n > g->npfns - g->have) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_BODY (gpadl %#x, msg %u)\n", b->gpadl, b->msgnumber);
		return;
	}
	memcpy(g->pfns + g->have, b->pfn, n * sizeof(u64));
	g->have += n;
	g->next_msgnum++;
	gpadl_maybe_created(g);
}

static void on_gpadl_teardown(const u8 *msg)
{
	const struct hvlis_msg_gpadl_teardown *t = (const void *)msg;
	struct hvlis_msg_gpadl_torndown r;
	struct sim_gpadl *g = gpadl_find(t->gpadl);
	struct sim_chan *c;

	if (!g || g->in_use) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL_TEARDOWN of %s gpadl %#x\n", g ? "an in-use" : "an unknown",
		       t->gpadl);
		return;
	}
	/*
	 * After a rescind the host drops the channel's GPADLs itself and a
	 * guest must not ask; we answer anyway, but count it.
	 */
	c = chan_by_relid(g->relid);
	if (c && c->rescinded) {
		atomic_inc(&sim.teardowns_after_rescind);
		pr_warn("GPADL_TEARDOWN of gpadl %#x after relid %u was rescinded\n",
			t->gpadl, g->relid);
	}
	if (hvsim_armed_take(HVSIM_FAULT_TEARDOWN_HANG, g->relid, NULL))
		return;	/* never answered; the GPADL stays the host's */
	gpadl_free(g);
	atomic_inc(&sim.gpadls_torn);
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_TORNDOWN;
	r.gpadl = t->gpadl;
	queue_to_guest(&r, sizeof(r));
}

/* Map n guest pages given by PFN contiguously; NULL if one is not RAM. */
static void *map_pfns(const u64 *pfns, u32 n)
{
	return hvsim_map_pfns(pfns, n);
}

/**
 * hvsim_map_pfns() - map guest pages as the host sees them
 * @pfns: their page frame numbers, as the guest gave them
 * @n: how many
 *
 * Return: one virtual mapping of the @n pages in order (vunmap() it), or
 * NULL if a PFN is not RAM or memory ran out.
 */
void *hvsim_map_pfns(const u64 *pfns, u32 n)
{
	struct page **pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	void *va = NULL;
	u32 i;

	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!pfn_valid(pfns[i]))
			goto out;
		pages[i] = pfn_to_page(pfns[i]);
	}
	va = vmap(pages, n, VM_MAP, PAGE_KERNEL);
out:
	kfree(pages);
	return va;
}

/**
 * hvsim_gpadl_pfns_locked() - the page list of a created GPADL of a channel
 * @relid: the channel
 * @handle: the GPADL
 * @pfns: set to its page frame numbers (valid while the lock is held)
 * @npfns: set to their number
 *
 * Called with the host's lock held (a kind's packet_locked operation);
 * map the pages with hvsim_map_pfns().
 *
 * Return: 0; -ENOENT if the channel has no created GPADL of that handle.
 */
int hvsim_gpadl_pfns_locked(u32 relid, u32 handle, const u64 **pfns, u32 *npfns)
{
	struct sim_gpadl *g;

	lockdep_assert_held(&sim.lock);
	g = gpadl_find(handle);
	if (!g || !g->created || g->relid != relid)
		return -ENOENT;
	*pfns = g->pfns;
	*npfns = g->npfns;
	return 0;
}

/**
 * hvsim_gpadl_map() - map a GPADL the guest established for a channel
 * @relid: the channel the GPADL must belong to
 * @handle: the GPADL's handle, as the guest named it (e.g. in a
 *	device's own message)
 * @map: filled in: the mapping of all its pages in order
 *
 * Looks the GPADL up among those the host answered with GPADL_CREATED.
 * Each page is referenced for as long as the mapping lives, so a guest
 * that tears the GPADL down (or frees the pages) while the host still
 * writes through the mapping cannot have the host write into memory
 * reused for something else. May sleep; call without sim.lock.
 *
 * Return: 0; -ENOENT if there is no such created GPADL of @relid; -EFAULT
 * if a page is not RAM; -ENOMEM.
 */
int hvsim_gpadl_map(u32 relid, u32 handle, struct hvsim_map *map)
{
	struct sim_gpadl *g;
	u64 *pfns = NULL;
	u32 i, n = 0;
	int ret = -ENOENT;

	memset(map, 0, sizeof(*map));
	mutex_lock(&sim.lock);
	g = gpadl_find(handle);
	if (g && g->created && g->relid == relid) {
		n = g->npfns;
		pfns = vmalloc(array_size(n, sizeof(u64)));
		if (pfns)
			memcpy(pfns, g->pfns, n * sizeof(u64));
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&sim.lock);
	if (!pfns)
		return ret;
	map->pages = kvcalloc(n, sizeof(*map->pages), GFP_KERNEL);
	ret = -ENOMEM;
	if (!map->pages)
		goto out;
	ret = -EFAULT;
	for (i = 0; i < n; i++) {
		if (!pfn_valid(pfns[i]))
			goto out;
		map->pages[i] = pfn_to_page(pfns[i]);
	}
	map->va = vmap(map->pages, n, VM_MAP, PAGE_KERNEL);
	ret = -ENOMEM;
	if (!map->va)
		goto out;
	for (i = 0; i < n; i++)
		get_page(map->pages[i]);
	map->npages = n;
	map->bytes = n * HVLIS_HV_PAGE_SIZE;
	ret = 0;
out:
	vfree(pfns);
	if (ret) {
		kvfree(map->pages);
		memset(map, 0, sizeof(*map));
	}
	return ret;
}

/**
 * hvsim_gpadl_unmap() - undo hvsim_gpadl_map()
 * @map: the mapping; cleared. An empty (zeroed) one is fine.
 */
void hvsim_gpadl_unmap(struct hvsim_map *map)
{
	u32 i;

	if (map->va)
		vunmap(map->va);
	for (i = 0; map->pages && i < map->npages; i++)
		put_page(map->pages[i]);
	kvfree(map->pages);
	memset(map, 0, sizeof(*map));
}

/**
 * hvsim_parse_fault() - parse a device kind's "fault NAME [count=N]" command
 * @names: the kind's fault names
 * @n: how many there are
 * @args: "NAME [count=N]" (split in place); NULL is refused
 * @count: where the count goes (1 unless count=N, N > 0, says otherwise)
 *
 * Return: the index of NAME in @names, or -EINVAL (an unknown name is logged).
 */
int hvsim_parse_fault(const char *const *names, unsigned int n, char *args,
		      unsigned int *count)
{
	char *name = args ? strsep(&args, " ") : NULL, *tok;
	unsigned int i;

	*count = 1;
	while (args && (tok = strsep(&args, " ")) != NULL) {
		if (!*tok)
			continue;
		if (strncmp(tok, "count=", 6) || kstrtouint(tok + 6, 0, count) || !*count)
			return -EINVAL;
	}
	for (i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	pr_err("unknown fault '%s'\n", name ? name : "");
	return -EINVAL;
}

/*
 * Fault early-packet: data for the guest on a channel just opened, signalled
 * before the open's answer goes out (events overtake messages).
 */
static void early_packet(struct sim_chan *c)
{
	struct {
		struct hvlis_packet_desc d;
		u8 payload[16];
	} __packed pkt;
	bool sig;

	memset(&pkt, 0, sizeof(pkt));
	pkt.d.type = HVLIS_PKT_DATA_INBAND;
	pkt.d.offset8 = sizeof(pkt.d) / 8;
	pkt.d.len8 = sizeof(pkt) / 8;
	pkt.d.trans_id = 0xea51;
	if (ring_give(&c->guest_in, &pkt, sizeof(pkt), &sig))
		return;
	signal_guest(c);
	msleep(20);
}

static void on_open(const u8 *msg)
{
	const struct hvlis_msg_open_channel *o = (const void *)msg;
	struct hvlis_msg_open_result r;
	struct sim_chan *c = chan_by_relid(o->child_relid);
	struct sim_gpadl *g = gpadl_find(o->ring_gpadl);
	u32 status = 0, out_pages;

	if (c && c->mute) {
		/* fault rescind-after-gpadl: never answered */
		atomic_inc(&sim.requests_after_rescind);
		pr_warn("OPENCHANNEL of relid %u after its rescind\n", c->relid);
		return;
	}
	if (c && !c->open && !c->rescinded) {
		if (hvsim_armed_take(HVSIM_FAULT_OPEN_HANG, c->relid, NULL))
			return;
		if (hvsim_armed_take(HVSIM_FAULT_RESCIND_DURING_OPEN, c->relid, NULL)) {
			rescind_with_subchannels(c);
			return;
		}
		if (hvsim_armed_take(HVSIM_FAULT_OPEN_FAIL, c->relid, &status))
			goto answer;
	}
	if (!c || c->open || c->rescinded || !g || !g->created || g->in_use ||
	    o->downstream_ring_page_offset < 2 ||
	    o->downstream_ring_page_offset + 2 > g->npfns) {
		status = 0xc0000001;	/* STATUS_UNSUCCESSFUL */
	} else {
		c->ring_va = map_pfns(g->pfns, g->npfns);
		if (!c->ring_va) {
			status = 0xc0000017;	/* STATUS_NO_MEMORY */
		} else {
			out_pages = o->downstream_ring_page_offset;
			ring_attach(&c->guest_out, c->ring_va, out_pages * HVLIS_HV_PAGE_SIZE);
			ring_attach(&c->guest_in, (u8 *)c->ring_va + out_pages * HVLIS_HV_PAGE_SIZE,
				    (g->npfns - out_pages) * HVLIS_HV_PAGE_SIZE);
			g->in_use = true;
			c->ring_gpadl = g;
			c->target_vp = o->target_vp;
			c->open = true;
			c->gen++;
			atomic_inc(&sim.opens);
			if (c->monitored)
				mod_delayed_work(system_wq, &sim.monitor_work, 0);
			if (hvsim_armed_take(HVSIM_FAULT_EARLY_PACKET, c->relid, NULL))
				early_packet(c);
		}
	}
answer:
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_OPENCHANNEL_RESULT;
	r.child_relid = o->child_relid;
	r.open_id = o->open_id;
	r.status = status;
	queue_to_guest(&r, sizeof(r));
	/* The kind hears of the open once the guest's answer is queued (IC speaks first). */
	if (!status && c && c->ops->opened)
		c->ops->opened(c->priv, c->relid, c->sub_index);
}

static void on_close(const u8 *msg)
{
	const struct hvlis_msg_close_channel *m = (const void *)msg;
	struct sim_chan *c = chan_by_relid(m->child_relid);

	if (!c || !c->open) {
		atomic_inc(&sim.bad_msgs);
		pr_err("CLOSECHANNEL of relid %u, which is not open\n", m->child_relid);
		return;
	}
	c->open = false;
	unmap_ring(c);
	atomic_inc(&sim.closes);
	if (c->ops->closed)
		c->ops->closed(c->priv, c->relid, c->sub_index, false);
}

/*
 * MODIFYCHANNEL (VMBus 4.1+): interrupt an open channel on another VP from
 * now on. A 5.3+ host answers with MODIFYCHANNEL_RESPONSE; an older one
 * moves the channel without a word. Before 4.1 the message does not exist.
 */
static void on_modify_channel(const u8 *msg)
{
	const struct hvlis_msg_modify_channel *m = (const void *)msg;
	struct hvlis_msg_modify_channel_response r;
	struct sim_chan *c = chan_by_relid(m->child_relid);
	u32 status = 0;

	if (sim.version < HVLIS_VMBUS_WIN10_V4_1) {
		atomic_inc(&sim.bad_msgs);
		pr_err("MODIFYCHANNEL of relid %u on VMBus %u.%u, which has none\n",
		       m->child_relid, sim.version >> 16, sim.version & 0xffff);
		return;
	}
	if (!c || !c->open || c->rescinded) {
		status = SIM_STATUS_UNSUCCESSFUL;
		pr_warn("MODIFYCHANNEL of relid %u, which is not open\n", m->child_relid);
	} else if (m->target_vp >= nr_cpu_ids || !cpu_online(m->target_vp)) {
		status = SIM_STATUS_UNSUCCESSFUL;
		pr_warn("MODIFYCHANNEL of relid %u to VP %u, which does not exist\n",
			m->child_relid, m->target_vp);
	} else if (!hvsim_armed_take(HVSIM_FAULT_MODIFY_FAIL, c->relid, &status)) {
		pr_info("relid %u: interrupts now go to VP %u (were VP %u)\n", c->relid,
			m->target_vp, c->target_vp);
		c->target_vp = m->target_vp;
		c->moves++;
		atomic_inc(&sim.modifies);
	}
	if (status)
		atomic_inc(&sim.modifies_refused);
	if (sim.version < HVLIS_VMBUS_WIN10_V5_3)
		return;
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE;
	r.child_relid = m->child_relid;
	r.status = status;
	queue_to_guest(&r, sizeof(r));
}

static void on_relid_released(const u8 *msg)
{
	const struct hvlis_msg_relid_released *m = (const void *)msg;
	struct sim_chan *c = chan_by_relid(m->child_relid);

	struct sim_gpadl *g, *tmp;

	if (!c || !c->rescinded) {
		atomic_inc(&sim.bad_msgs);
		pr_err("RELID_RELEASED for relid %u, which was not rescinded\n", m->child_relid);
		return;
	}
	/* The relid is gone, and with it the GPADLs the guest made for it. */
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		if (g->relid == m->child_relid)
			gpadl_free(g);
	chan_forget(c);
	atomic_inc(&sim.relids_released);
}

/* The channel leaves the host's list (under sim.lock). */
static void chan_forget(struct sim_chan *c)
{
	if (c->ops && c->ops->released)
		c->ops->released(c->priv, c->relid, c->sub_index);
	memset(c, 0, sizeof(*c));
}

static bool version_known(u32 v)
{
	unsigned int i;

	for (i = 0; hvlis_vmbus_version_at(i); i++)
		if (hvlis_vmbus_version_at(i) == v)
			return true;
	return false;
}

static void on_initiate_contact(const u8 *msg, u32 conn_id)
{
	const struct hvlis_msg_initiate_contact *ic = (const void *)msg;
	struct hvlis_msg_version_response r;
	u32 v = ic->vmbus_version_requested;
	u32 want_conn = v >= HVLIS_VMBUS_WIN10_V5 ? HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4 :
			HVLIS_VMBUS_MESSAGE_CONNECTION_ID;

	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_VERSION_RESPONSE;
	if (v <= host_version && version_known(v) && conn_id == want_conn && !sim.connected) {
		sim.monitor_page[0] = gpa_to_va(ic->monitor_page1);
		sim.monitor_page[1] = gpa_to_va(ic->monitor_page2);
		sim.int_page = v < HVLIS_VMBUS_WIN10_V5 ?
			       gpa_to_va(ic->interrupt_page_or_sint) : NULL;
		if (!sim.monitor_page[0] || !sim.monitor_page[1] ||
		    (v < HVLIS_VMBUS_WIN10_V5 && !sim.int_page)) {
			pr_err("INITIATE_CONTACT with unusable page addresses\n");
		} else {
			sim.connected = true;
			sim.version = v;
			sim.msg_vp = ic->target_vcpu;
			sim.msg_conn_id = want_conn;
			r.version_supported = 1;
			r.msg_conn_id = want_conn;
			pr_info("guest connected with VMBus %u.%u\n", v >> 16, v & 0xffff);
		}
	}
	queue_to_guest(&r, sizeof(r));
}

static void on_request_offers(void)
{
	struct hvlis_chanmsg_header done;
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !sim.chans[i].offered && !sim.chans[i].rescinded)
			send_offer(&sim.chans[i]);
	memset(&done, 0, sizeof(done));
	done.msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED;
	queue_to_guest(&done, sizeof(done));
}

static void unload_fault(void);

static void on_unload(void)
{
	struct hvlis_chanmsg_header r;
	struct sim_gpadl *g, *tmp;
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (!c->used)
			continue;
		if (c->ops->closed && (c->open || c->offered))
			c->ops->closed(c->priv, c->relid, c->sub_index, true);
		c->open = false;
		unmap_ring(c);
		/* Sub-channels the guest asked for exist per guest: it asks again. */
		if (c->rescinded || (!c->ops->keep_subchannels && c->sub_index)) {
			chan_forget(c);	/* the guest is gone: relid free */
			continue;
		}
		c->offered = false;	/* offered again to the next guest */
	}
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		gpadl_free(g);
	sim.connected = false;
	sim.version = 0;
	/* A no-eom fault ends with its guest (armed ones stay, per relid). */
	atomic_set(&sim.no_eom_left, 0);
	atomic_set(&sim.eom_wait, 0);
	atomic_inc(&sim.unloads);
	unload_fault();
	memset(&r, 0, sizeof(r));
	r.msgtype = HVLIS_CHANMSG_UNLOAD_RESPONSE;
	queue_to_guest(&r, sizeof(r));
}

static void handle_guest_msg(const u8 *msg, u32 len, u32 conn_id)
{
	const struct hvlis_chanmsg_header *h = (const void *)msg;
	static const u16 min_len[HVLIS_CHANMSG_COUNT] = {
		[HVLIS_CHANMSG_REQUESTOFFERS] = sizeof(struct hvlis_chanmsg_header),
		[HVLIS_CHANMSG_OPENCHANNEL] = sizeof(struct hvlis_msg_open_channel),
		[HVLIS_CHANMSG_CLOSECHANNEL] = sizeof(struct hvlis_msg_close_channel),
		[HVLIS_CHANMSG_GPADL_HEADER] = sizeof(struct hvlis_msg_gpadl_header),
		[HVLIS_CHANMSG_GPADL_BODY] = sizeof(struct hvlis_msg_gpadl_body),
		[HVLIS_CHANMSG_GPADL_TEARDOWN] = sizeof(struct hvlis_msg_gpadl_teardown),
		[HVLIS_CHANMSG_RELID_RELEASED] = sizeof(struct hvlis_msg_relid_released),
		[HVLIS_CHANMSG_INITIATE_CONTACT] = sizeof(struct hvlis_msg_initiate_contact),
		[HVLIS_CHANMSG_UNLOAD] = sizeof(struct hvlis_chanmsg_header),
		[HVLIS_CHANMSG_MODIFYCHANNEL] = sizeof(struct hvlis_msg_modify_channel),
	};

	if (len < sizeof(*h) || h->msgtype >= HVLIS_CHANMSG_COUNT ||
	    !min_len[h->msgtype] || len < min_len[h->msgtype]) {
		atomic_inc(&sim.bad_msgs);
		pr_err("guest sent a bad message: type %u, %u bytes\n",
		       len >= 4 ? h->msgtype : 0, len);
		return;
	}
	if (h->msgtype != HVLIS_CHANMSG_INITIATE_CONTACT &&
	    (!sim.connected || conn_id != sim.msg_conn_id)) {
		atomic_inc(&sim.bad_msgs);
		pr_err("guest sent type %u before connecting or on connection %u\n",
		       h->msgtype, conn_id);
		return;
	}
	switch (h->msgtype) {
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		on_initiate_contact(msg, conn_id);
		break;
	case HVLIS_CHANMSG_REQUESTOFFERS:
		on_request_offers();
		break;
	case HVLIS_CHANMSG_GPADL_HEADER:
		on_gpadl_header(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_BODY:
		on_gpadl_body(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
		on_gpadl_teardown(msg);
		break;
	case HVLIS_CHANMSG_OPENCHANNEL:
		on_open(msg);
		break;
	case HVLIS_CHANMSG_CLOSECHANNEL:
		on_close(msg);
		break;
	case HVLIS_CHANMSG_RELID_RELEASED:
		on_relid_released(msg);
		break;
	case HVLIS_CHANMSG_UNLOAD:
		on_unload();
		break;
	case HVLIS_CHANMSG_MODIFYCHANNEL:
		on_modify_channel(msg);
		break;
	}
}

static void host_fn(struct work_struct *work)
{
	struct sim_msg *m;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&sim.q_lock, flags);
		m = list_first_entry_or_null(&sim.to_host, struct sim_msg, node);
		if (m)
			list_del(&m->node);
		spin_unlock_irqrestore(&sim.q_lock, flags);
		if (!m)
			return;
		mutex_lock(&sim.lock);
		handle_guest_msg(m->data, m->len, m->conn_id);
		mutex_unlock(&sim.lock);
		kfree(m);
	}
}

/* ------------------------------------------------------ the transport */

static ktime_t sim_loaded;	/* the reference counter's zero */

static int sim_init(void (*isr)(void))
{
	unsigned int n = nr_cpu_ids;

	sim.msg_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	sim.event_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	if (!sim.msg_page || !sim.event_page) {
		kfree(sim.msg_page);
		kfree(sim.event_page);
		sim.msg_page = NULL;
		sim.event_page = NULL;
		return -ENOMEM;
	}
	sim.isr = isr;
	return 0;
}

static void sim_exit(void)
{
	unsigned long flags;
	struct sim_msg *m, *tmp;

	sim.isr = NULL;
	cancel_delayed_work_sync(&sim.deliver_work);
	cancel_delayed_work_sync(&sim.monitor_work);
	flush_workqueue(sim.wq);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_for_each_entry_safe(m, tmp, &sim.to_guest, node) {
		list_del(&m->node);
		kfree(m);
	}
	spin_unlock_irqrestore(&sim.q_lock, flags);
	kfree(sim.msg_page);
	kfree(sim.event_page);
	sim.msg_page = NULL;
	sim.event_page = NULL;
}

static void sim_synic_enable(unsigned int cpu, void *msg_page, void *event_page)
{
	sim.msg_page[cpu] = msg_page;
	sim.event_page[cpu] = event_page;
}

static void sim_synic_disable(unsigned int cpu)
{
	sim.msg_page[cpu] = NULL;
	sim.event_page[cpu] = NULL;
}

static u32 sim_vp_index(unsigned int cpu)
{
	return cpu;
}

static u16 sim_post_message(u32 conn_id, const void *payload, u32 len)
{
	struct sim_msg *m;
	unsigned long flags;

	if (len > HVLIS_MESSAGE_PAYLOAD_BYTES)
		return HVLIS_HV_STATUS_INVALID_PARAMETER;
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return HVLIS_HV_STATUS_INSUFFICIENT_MEMORY;
	m->len = len;
	m->conn_id = conn_id;
	memcpy(m->data, payload, len);
	atomic_inc(&sim.msgs_from_guest);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_host);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	queue_work(sim.wq, &sim.host_work);
	return HVLIS_HV_STATUS_SUCCESS;
}

static u16 sim_signal_event(u32 conn_id, u16 flag)
{
	unsigned long *send_half;
	unsigned int i;

	if (conn_id == HVLIS_VMBUS_EVENT_CONNECTION_ID && sim.version == HVLIS_VMBUS_WS2008) {
		/* WS2008: one shared event; the relid bits say which channels. */
		if (!sim.int_page)
			return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
		send_half = (unsigned long *)((u8 *)sim.int_page + HVLIS_HV_PAGE_SIZE / 2);
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *c = &sim.chans[i];

			/* A monitored channel's bit is the monitor scan's. */
			if (c->used && !c->monitored && test_and_clear_bit(c->relid, send_half)) {
				c->signals_in++;
				chan_kick(c);
			}
		}
		return HVLIS_HV_STATUS_SUCCESS;
	}
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (c->used && c->conn_id == conn_id) {
			c->signals_in++;
			if (c->monitored) {
				/* The guest should have used the monitor page. */
				c->monitored_hypercalls++;
				atomic_inc(&sim.monitored_hypercalls);
				pr_warn_ratelimited("relid %u is monitored, yet the guest called HvSignalEvent\n",
						    c->relid);
			}
			chan_kick(c);
			return HVLIS_HV_STATUS_SUCCESS;
		}
	}
	return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
}

/*
 * Fault rescind-after-gpadl: a hurrying message goes into the slot in the
 * EOM itself, on the guest's message CPU, as a hypervisor may deliver a
 * pending message before it returns from the EOM write.
 */
static bool eom_delivers(void)
{
	unsigned int cpu = smp_processor_id();
	struct hvlis_hv_message_page *page;
	struct hvlis_hv_message *slot;
	struct sim_msg *m;
	unsigned long flags;

	if (cpu != vp_to_cpu(sim.msg_vp) || !sim.msg_page || !sim.msg_page[cpu])
		return false;
	page = sim.msg_page[cpu];
	slot = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
	spin_lock_irqsave(&sim.q_lock, flags);
	m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
	if (!m || !m->hurry || READ_ONCE(slot->header.message_type) != HVLIS_HVMSG_NONE) {
		spin_unlock_irqrestore(&sim.q_lock, flags);
		return false;
	}
	list_del(&m->node);
	put_in_slot(slot, m, 0);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	kfree(m);
	atomic_set(&sim.hurry_done, 1);
	/* An interrupt on this CPU: the handler runs now (no IPI from softirq). */
	local_irq_save(flags);
	if (sim.isr)
		sim.isr();
	local_irq_restore(flags);
	return true;
}

static void sim_eom(void)
{
	atomic_inc(&sim.eoms);
	atomic_set(&sim.eom_wait, 0);
	if (!eom_delivers())
		deliver_soon(0);
}

static void sim_set_crash_handler(void (*fn)(void))
{
	WRITE_ONCE(sim.crash_fn, fn);
}

/**
 * hvsim_ref_time() - the simulated partition reference counter
 *
 * 100 ns ticks of the monotonic clock since hvsim loaded: what the guest
 * reads through the transport and what the time sync host stamps its
 * samples with.
 *
 * Return: the counter.
 */
u64 hvsim_ref_time(void)
{
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), sim_loaded)), 100);
}

const struct hvlis_transport hvsim_transport = {
	.name = "hvsim",
	.init = sim_init,
	.exit = sim_exit,
	.synic_enable = sim_synic_enable,
	.synic_disable = sim_synic_disable,
	.vp_index = sim_vp_index,
	.post_message = sim_post_message,
	.signal_event = sim_signal_event,
	.eom = sim_eom,
	.ref_time = hvsim_ref_time,
	.set_crash_handler = sim_set_crash_handler,
	.owner = THIS_MODULE,
};
EXPORT_SYMBOL_GPL(hvsim_transport);

/* ------------------------------------------------------------- control */

/**
 * hvsim_add_dev() - add a channel to the host's list, offer it if a guest
 *	is connected
 * @ops: its device kind's operations (see hvsim_dev.h)
 * @priv: the kind's state for this device, passed to every operation
 * @type: device class
 * @instance: device instance
 * @sub_index: 0 for a primary channel, else the sub-channel's index
 * @monitor: HVSIM_MONITOR_NONE; HVSIM_MONITOR_ANY for a monitored channel
 *	with the lowest free monitor id; or that id (0..127)
 *
 * Return: the relid; -ENOSPC if channels or monitor ids ran out; -EBUSY if
 * the monitor id is taken; -EINVAL for an id out of range.
 */
int hvsim_add_dev(const struct hvsim_dev_ops *ops, void *priv, const struct hvlis_guid *type,
		  const struct hvlis_guid *instance, u16 sub_index, int monitor)
{
	unsigned int i;
	struct sim_chan *c = NULL;
	int id = HVSIM_MONITOR_NONE;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		if (!sim.chans[i].used) {
			c = &sim.chans[i];
			break;
		}
	}
	if (!c) {
		mutex_unlock(&sim.lock);
		return -ENOSPC;
	}
	if (monitor != HVSIM_MONITOR_NONE) {
		id = monitor_alloc(monitor);
		if (id < 0) {
			mutex_unlock(&sim.lock);
			return id;
		}
	}
	memset(c, 0, sizeof(*c));
	if (id >= 0) {
		c->monitored = true;
		c->monitor_id = id;
	}
	c->used = true;
	c->relid = i + 1;
	c->conn_id = SIM_CONN_BASE + c->relid;
	c->type = *type;
	c->instance = *instance;
	c->sub_index = sub_index;
	c->ops = ops;
	c->priv = priv;
	INIT_WORK(&c->work, chan_work_fn);
	if (sim.connected)
		send_offer(c);	/* hot add */
	i = c->relid;
	mutex_unlock(&sim.lock);
	return i;
}

/* A device goes away: its sub-channels first, then the primary. */
static void rescind_with_subchannels(struct sim_chan *c)
{
	unsigned int i;

	if (!c->sub_index) {
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *s = &sim.chans[i];

			if (s->used && s != c && s->sub_index && !s->rescinded && s->offered &&
			    !memcmp(&s->instance, &c->instance, sizeof(s->instance)) &&
			    !memcmp(&s->type, &c->type, sizeof(s->type)))
				send_rescind(s);
		}
	}
	send_rescind(c);
}

int hvsim_rescind(u32 relid)
{
	struct sim_chan *c;
	int ret = 0;

	mutex_lock(&sim.lock);
	c = chan_by_relid(relid);
	if (!c || c->rescinded)
		ret = -ENOENT;
	else if (!sim.connected || !c->offered)
		chan_forget(c);	/* never offered: just forget */
	else
		rescind_with_subchannels(c);
	mutex_unlock(&sim.lock);
	return ret;
}

int hvsim_add_subchannels(u32 relid, unsigned int count)
{
	struct sim_chan *p;
	struct hvlis_guid type, instance;
	const struct hvsim_dev_ops *ops;
	void *priv;
	unsigned int i, next = 1;
	int ret = 0, monitor;

	mutex_lock(&sim.lock);
	p = chan_by_relid(relid);
	if (!p || p->sub_index) {
		mutex_unlock(&sim.lock);
		return -ENOENT;
	}
	type = p->type;
	instance = p->instance;
	ops = p->ops;
	priv = p->priv;
	/* Sub-channels of a monitored device are monitored, each with its id. */
	monitor = p->monitored ? HVSIM_MONITOR_ANY : HVSIM_MONITOR_NONE;
	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !memcmp(&sim.chans[i].instance, &instance, 16) &&
		    sim.chans[i].sub_index >= next)
			next = sim.chans[i].sub_index + 1;
	mutex_unlock(&sim.lock);
	for (i = 0; i < count && ret >= 0; i++)
		ret = hvsim_add_dev(ops, priv, &type, &instance, next + i, monitor);
	return ret < 0 ? ret : 0;
}

/* -------------------------------------------------------- fault injection */

/* Payload length of a channel message type; 0 for numbers VMBus does not use. */
static u32 chanmsg_size(u32 type)
{
	switch (type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		return sizeof(struct hvlis_msg_offer_channel);
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
		return sizeof(struct hvlis_msg_rescind_offer);
	case HVLIS_CHANMSG_REQUESTOFFERS:
	case HVLIS_CHANMSG_ALLOFFERS_DELIVERED:
	case HVLIS_CHANMSG_UNLOAD:
	case HVLIS_CHANMSG_UNLOAD_RESPONSE:
		return sizeof(struct hvlis_chanmsg_header);
	case HVLIS_CHANMSG_OPENCHANNEL:
		return sizeof(struct hvlis_msg_open_channel);
	case HVLIS_CHANMSG_OPENCHANNEL_RESULT:
		return sizeof(struct hvlis_msg_open_result);
	case HVLIS_CHANMSG_CLOSECHANNEL:
		return sizeof(struct hvlis_msg_close_channel);
	case HVLIS_CHANMSG_GPADL_HEADER:
		return sizeof(struct hvlis_msg_gpadl_header);
	case HVLIS_CHANMSG_GPADL_BODY:
		return sizeof(struct hvlis_msg_gpadl_body);
	case HVLIS_CHANMSG_GPADL_CREATED:
		return sizeof(struct hvlis_msg_gpadl_created);
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
		return sizeof(struct hvlis_msg_gpadl_teardown);
	case HVLIS_CHANMSG_GPADL_TORNDOWN:
		return sizeof(struct hvlis_msg_gpadl_torndown);
	case HVLIS_CHANMSG_RELID_RELEASED:
		return sizeof(struct hvlis_msg_relid_released);
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		return sizeof(struct hvlis_msg_initiate_contact);
	case HVLIS_CHANMSG_VERSION_RESPONSE:
		return sizeof(struct hvlis_msg_version_response);
	case HVLIS_CHANMSG_TL_CONNECT_REQUEST:
		return sizeof(struct hvlis_msg_tl_connect_request);
	case HVLIS_CHANMSG_MODIFYCHANNEL:
		return sizeof(struct hvlis_msg_modify_channel);
	case HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		return sizeof(struct hvlis_msg_modify_channel_response);
	default:
		return 0;
	}
}

/* A relid and an instance for an offer no host channel backs. */
static u32 fake_relid(struct hvlis_guid *instance)
{
	static const struct hvlis_guid base = HVLIS_GUID(0, 0xfa17, 0x4000,
		0x80, 0x00, 0x68, 0x76, 0x73, 0x69, 0x6d, 0xfa);
	u32 n = sim.next_fake++;

	*instance = base;
	instance->b[0] = n & 0xff;
	instance->b[1] = (n >> 8) & 0xff;
	return SIM_FAKE_RELID_BASE + n % (HVLIS_MAX_RELID + 1 - SIM_FAKE_RELID_BASE);
}

static void fill_offer(void *buf, u32 relid, const struct hvlis_guid *type,
		       const struct hvlis_guid *instance, u16 sub_index)
{
	struct hvlis_msg_offer_channel *m = buf;

	m->header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m->offer.if_type = *type;
	m->offer.if_instance = *instance;
	m->offer.sub_channel_index = sub_index;
	m->child_relid = relid;
	m->connection_id = SIM_CONN_BASE + relid;
	m->interrupt_flags = HVLIS_OFFER_DEDICATED_INTERRUPT;
}

/*
 * A well-formed message of any type into buf (HVLIS_MESSAGE_PAYLOAD_BYTES),
 * about 'relid', so that a guest that took a truncated one would act on it.
 * 'extra' is the gpadl, status or the like. Returns its natural length.
 */
static u32 build_msg(u8 *buf, u32 type, u32 relid, u32 extra)
{
	static const struct hvlis_guid idle = HVSIM_GUID_IDLE;
	struct hvlis_chanmsg_header *h = (void *)buf;
	struct hvlis_guid instance;
	u32 len = chanmsg_size(type);

	memset(buf, 0, HVLIS_MESSAGE_PAYLOAD_BYTES);
	switch (type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		fill_offer(buf, fake_relid(&instance), &idle, &instance, 0);
		break;
	case HVLIS_CHANMSG_OPENCHANNEL_RESULT: {
		struct hvlis_msg_open_result *m = (void *)buf;

		m->child_relid = relid;
		m->open_id = relid;
		m->status = extra;
		break;
	}
	case HVLIS_CHANMSG_GPADL_CREATED: {
		struct hvlis_msg_gpadl_created *m = (void *)buf;

		m->child_relid = relid;
		m->gpadl = extra;
		break;
	}
	case HVLIS_CHANMSG_GPADL_TORNDOWN:
		((struct hvlis_msg_gpadl_torndown *)buf)->gpadl = extra;
		break;
	case HVLIS_CHANMSG_VERSION_RESPONSE: {
		struct hvlis_msg_version_response *m = (void *)buf;

		m->version_supported = 1;
		m->msg_conn_id = HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4;
		break;
	}
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		((struct hvlis_msg_initiate_contact *)buf)->vmbus_version_requested =
			HVLIS_VMBUS_WIN10_V5_3;
		break;
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
	case HVLIS_CHANMSG_OPENCHANNEL:
	case HVLIS_CHANMSG_CLOSECHANNEL:
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
	case HVLIS_CHANMSG_RELID_RELEASED:
	case HVLIS_CHANMSG_MODIFYCHANNEL:
	case HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		/* child_relid comes first after the header in all of them */
		memcpy(buf + sizeof(*h), &relid, sizeof(relid));
		break;
	}
	h->msgtype = type;
	return len ? len : 16;
}

/* Arm a fault for the next 'count' times its moment comes on 'relid'. */
static int arm(enum hvsim_fault kind, u32 relid, u32 arg, u32 count)
{
	struct sim_armed *a, *free_slot = NULL;
	unsigned int i;

	if (!relid || relid > HVLIS_MAX_RELID)
		return -EINVAL;
	for (i = 0; i < SIM_MAX_ARMED; i++) {
		a = &sim.armed[i];
		if (a->left && a->kind == kind && a->relid == relid) {
			free_slot = a;	/* re-arm: the new count replaces the old */
			break;
		}
		if (!a->left && !free_slot)
			free_slot = a;
	}
	if (!free_slot)
		return -ENOSPC;
	free_slot->kind = kind;
	free_slot->relid = relid;
	free_slot->arg = arg;
	free_slot->left = count;
	pr_info("fault %s armed for relid %u (%u times)\n", hvsim_fault_name(kind), relid, count);
	return 0;
}

/* ring-index: set one index of an open channel's rings, then signal. */
static int ring_set_index(u32 relid, u32 which, u32 value)
{
	struct sim_chan *c = chan_by_relid(relid);
	u32 *idx;

	if (!c || !c->open)
		return -ENOENT;
	/*
	 * The ring header is packed, but each index sits at a 4-byte aligned
	 * offset of a page-aligned header, so the pointer is aligned; it is
	 * computed from the offset because gcc cannot know that.
	 */
	switch (which) {
	case HVSIM_RING_IN_WRITE:
		idx = (u32 *)((u8 *)c->guest_in.hdr +
			      offsetof(struct hvlis_ring_header, write_index));
		break;
	case HVSIM_RING_IN_READ:
		idx = (u32 *)((u8 *)c->guest_in.hdr +
			      offsetof(struct hvlis_ring_header, read_index));
		break;
	case HVSIM_RING_OUT_WRITE:
		idx = (u32 *)((u8 *)c->guest_out.hdr +
			      offsetof(struct hvlis_ring_header, write_index));
		break;
	case HVSIM_RING_OUT_READ:
		idx = (u32 *)((u8 *)c->guest_out.hdr +
			      offsetof(struct hvlis_ring_header, read_index));
		break;
	default:
		return -EINVAL;
	}
	pr_info("fault: relid %u: ring index %u: %#x -> %#x\n", relid, which, READ_ONCE(*idx),
		value);
	/* Whatever the host wrote before lands first, the signal comes after. */
	mb();
	WRITE_ONCE(*idx, value);
	mb();	/* see above */
	signal_guest(c);
	return 0;
}

/*
 * ring-lie: plant one packet in the guest's inbound ring whose descriptor
 * does not match what was written, move the write index past it and signal.
 */
static int ring_lie(u32 relid, u32 how)
{
	struct {
		struct hvlis_packet_desc d;
		u8 payload[16];
	} __packed pkt;
	struct sim_chan *c = chan_by_relid(relid);
	struct sim_ring *r;
	u32 wr, advance = sizeof(pkt) + 8;
	u64 trailer;
	long used;

	if (!c || !c->open)
		return -ENOENT;
	r = &c->guest_in;
	used = ring_used(r);
	if (used < 0 || r->size - used <= 2 * sizeof(pkt))
		return -ENOSPC;
	memset(&pkt, 0x5a, sizeof(pkt));
	pkt.d.type = HVLIS_PKT_DATA_INBAND;
	pkt.d.flags = 0;
	pkt.d.trans_id = 0xbadbadbadull;
	pkt.d.offset8 = sizeof(pkt.d) / 8;
	pkt.d.len8 = sizeof(pkt) / 8;
	switch (how) {
	case HVSIM_LIE_OFFSET:
		pkt.d.offset8 = 1;
		break;
	case HVSIM_LIE_INVERTED:
		pkt.d.offset8 = 4;
		pkt.d.len8 = 3;
		break;
	case HVSIM_LIE_BEYOND:
		pkt.d.len8 = sizeof(pkt) / 8 + 2;
		break;
	case HVSIM_LIE_HUGE:
		pkt.d.len8 = 0xffff;
		break;
	case HVSIM_LIE_TINY:
		advance = sizeof(pkt.d);
		break;
	default:
		return -EINVAL;
	}
	wr = READ_ONCE(r->hdr->write_index);
	ring_put(r, wr, &pkt, sizeof(pkt));
	trailer = (u64)wr << 32;
	ring_put(r, wr + sizeof(pkt), &trailer, sizeof(trailer));
	/* As ring_give(): the packet, then the index, then the signal. */
	mb();
	WRITE_ONCE(r->hdr->write_index, (wr + advance) % r->size);
	mb();	/* see above */
	pr_info("fault: relid %u: planted a packet with offset8 %u len8 %u, write index +%u\n",
		relid, pkt.d.offset8, pkt.d.len8, advance);
	signal_guest(c);
	return 0;
}

struct storm_args {
	u32 n;
	bool with_relid;
	u32 relid;
};

/*
 * storm: raise the VMBus interrupt n times, each time waiting for the
 * handler; with a relid, set that relid's event flag first each time.
 */
static long storm_fn(void *data)
{
	const struct storm_args *a = data;
	u32 n = a->n, relid = a->relid, i = 0, chunk;
	bool with_relid = a->with_relid;
	struct sim_chan *c;
	unsigned int cpu;

	while (i < n) {
		mutex_lock(&sim.lock);
		if (!sim.connected || !sim.isr) {
			mutex_unlock(&sim.lock);
			return i ? 0 : -ENOTCONN;
		}
		c = with_relid ? chan_by_relid(relid) : NULL;
		cpu = vp_to_cpu(c && c->open ? c->target_vp : sim.msg_vp);
		for (chunk = 0; chunk < 256 && i < n; chunk++, i++) {
			if (with_relid && !set_event(cpu, relid))
				break;
			smp_call_function_single(cpu, raise_irq_fn, NULL, 1);
		}
		atomic_add(chunk, &sim.faults[HVSIM_FAULT_STORM]);
		mutex_unlock(&sim.lock);
		if (chunk < 256 && i < n)
			return -ENOTCONN;
		cond_resched();
	}
	pr_info("fault: %u interrupts raised%s\n", n, with_relid ? " with an event flag" : "");
	return 0;
}

static int storm(u32 n, bool with_relid, u32 relid)
{
	struct storm_args a = { .n = n, .with_relid = with_relid, .relid = relid };
	unsigned int from;

	if (!n || n > 10000000 || (with_relid && (!relid || relid > HVLIS_MAX_RELID)))
		return -EINVAL;
	/* Real IPIs: send from a CPU other than the one messages go to. */
	from = cpumask_any_but(cpu_online_mask, vp_to_cpu(sim.msg_vp));
	if (from >= nr_cpu_ids)
		return storm_fn(&a);
	return work_on_cpu(from, storm_fn, &a);
}

/* Message faults; called with sim.lock held, the guest connected. */
static int fault_msg(enum hvsim_fault kind, const u32 *arg, unsigned int nargs)
{
	static const struct hvlis_guid idle = HVSIM_GUID_IDLE;
	u8 buf[HVLIS_MESSAGE_PAYLOAD_BYTES];
	struct hvlis_msg_offer_channel *offer = (void *)buf;
	struct hvlis_guid instance;
	struct sim_chan *c;
	u32 len, claim, relid;

	switch (kind) {
	case HVSIM_FAULT_SHORT:
		len = chanmsg_size(arg[0]);
		if (!len)
			return -EINVAL;
		build_msg(buf, arg[0], 1, 0);
		if (nargs > 1) {
			if (arg[1] >= len)
				return -EINVAL;
			len = arg[1];
		} else {
			len--;
		}
		queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_LONG:
		claim = nargs > 0 ? arg[0] : 255;
		if (claim <= HVLIS_MESSAGE_PAYLOAD_BYTES || claim > 255)
			return -EINVAL;
		len = build_msg(buf, nargs > 1 ? arg[1] : HVLIS_CHANMSG_OFFERCHANNEL, 1, 0);
		queue_msg(buf, len, claim);
		return 0;
	case HVSIM_FAULT_BADTYPE:
		len = build_msg(buf, arg[0], 1, 0);
		if (nargs > 1) {
			if (arg[1] > HVLIS_MESSAGE_PAYLOAD_BYTES)
				return -EINVAL;
			len = arg[1];
		}
		queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_UNSOLICITED:
		len = build_msg(buf, arg[0], nargs > 1 ? arg[1] : 1,
				nargs > 2 ? arg[2] : 0xdead0000);
		queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_GPADL_CREATED_UNKNOWN:
		len = build_msg(buf, HVLIS_CHANMSG_GPADL_CREATED, nargs > 0 ? arg[0] : 1,
				nargs > 1 ? arg[1] : 0xdead0000 + sim.next_fake++);
		queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_OFFER_RELID:
	case HVSIM_FAULT_OFFER_MONITOR:
		memset(buf, 0, sizeof(buf));
		relid = fake_relid(&instance);
		if (kind == HVSIM_FAULT_OFFER_RELID)
			relid = arg[0];
		fill_offer(buf, relid, &idle, &instance, 0);
		if (kind == HVSIM_FAULT_OFFER_MONITOR) {
			if (arg[0] > 255)
				return -EINVAL;
			offer->monitor_id = arg[0];
			offer->monitor_flags = HVLIS_OFFER_MONITOR_ALLOCATED;
		}
		queue_to_guest(buf, sizeof(*offer));
		return 0;
	case HVSIM_FAULT_OFFER_DUP:
		c = chan_by_relid(arg[0]);
		if (!c || !c->offered || c->rescinded)
			return -ENOENT;
		memset(buf, 0, sizeof(buf));
		fill_offer(buf, fake_relid(&instance), &c->type, &c->instance, c->sub_index);
		queue_to_guest(buf, sizeof(*offer));
		return 0;
	case HVSIM_FAULT_RESCIND_UNKNOWN:
		len = build_msg(buf, HVLIS_CHANMSG_RESCIND_CHANNELOFFER, arg[0], 0);
		queue_to_guest(buf, len);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------ teardown and unload faults */

/* gpadl-late: the answer, long after the guest stopped waiting for it. */
static void late_fn(struct work_struct *work)
{
	struct hvlis_msg_gpadl_created r;
	struct sim_gpadl *g;
	u32 i, freed = 0;

	mutex_lock(&sim.lock);
	g = gpadl_find(sim.late_handle);
	if (g) {
		/* The host holds these pages: the guest must not have freed any. */
		for (i = 0; i < g->npfns; i++)
			freed += pfn_valid(g->pfns[i]) && !page_count(pfn_to_page(g->pfns[i]));
		atomic_add(freed, &sim.gpadl_pages_freed);
		if (freed)
			pr_err("GPADL %#x: the guest freed %u of its %u pages while the host holds them\n",
			       g->handle, freed, g->npfns);
		memset(&r, 0, sizeof(r));
		r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
		r.child_relid = g->relid;
		r.gpadl = g->handle;
		queue_to_guest(&r, sizeof(r));
	}
	mutex_unlock(&sim.lock);
}

/*
 * A GPADL was just created: gpadl-late holds its answer back, and
 * rescind-after-gpadl rescinds the channel right behind it. Returns true if
 * the answer is not to go out now. Called with sim.lock held.
 */
static bool gpadl_fault(struct sim_gpadl *g)
{
	struct sim_chan *c = chan_by_relid(g->relid);

	if (hvsim_armed_take(HVSIM_FAULT_GPADL_LATE, g->relid, NULL)) {
		sim.late_handle = g->handle;
		mod_delayed_work(system_wq, &sim.late_work,
				 msecs_to_jiffies(HVLIS_REQUEST_TIMEOUT_MS + 1000));
		return true;
	}
	if (c && !c->rescinded &&
	    hvsim_armed_take(HVSIM_FAULT_RESCIND_AFTER_GPADL, g->relid, NULL)) {
		struct hvlis_msg_gpadl_created r;

		memset(&r, 0, sizeof(r));
		r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
		r.child_relid = g->relid;
		r.gpadl = g->handle;
		/* Both queued before the first goes out: it says "more pending". */
		atomic_set(&sim.hold, 1);
		atomic_set(&sim.hurry_done, 0);
		queue_to_guest(&r, sizeof(r));
		c->mute = true;
		atomic_set(&sim.hurry_next, 1);
		rescind_with_subchannels(c);
		atomic_set(&sim.hold, 0);
		deliver_soon(0);
		return true;
	}
	return false;
}

/* unload-behind: a message ahead of UNLOAD_RESPONSE, which then needs an EOM. */
static void unload_fault(void)
{
	struct sim_msg *m;
	unsigned long flags;

	if (!atomic_add_unless(&sim.unload_behind, -1, 0))
		return;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->len = sizeof(struct hvlis_chanmsg_header);
	m->claim = m->len;
	((struct hvlis_chanmsg_header *)m->data)->msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED;
	atomic_inc(&sim.faults[HVSIM_FAULT_UNLOAD_BEHIND]);
	pr_info("fault unload-behind: UNLOAD_RESPONSE waits behind a message and for an EOM\n");
	/* Both queued before either goes out, and only an EOM brings the second. */
	atomic_set(&sim.eom_wait, 1);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	spin_unlock_irqrestore(&sim.q_lock, flags);
}

struct storm_through_args {
	u32 n, relid;
	bool old_host;		/* WS2008/WIN7: the interrupt page flag */
	bool stop;
};

/* On the target CPU, interrupts off, like the SynIC. */
static void storm_through_ipi(void *data)
{
	struct storm_through_args *a = data;
	unsigned int cpu = smp_processor_id();
	struct hvlis_hv_event_page *ev;

	/*
	 * The guest frees its event page only after its SynIC is off here,
	 * and hv_vmbus forgets sim.isr only after that.
	 */
	ev = sim.event_page ? READ_ONCE(sim.event_page[cpu]) : NULL;
	if (!ev || !READ_ONCE(sim.isr)) {
		a->stop = true;
		return;
	}
	set_bit(a->old_host ? 0 : a->relid,
		(unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	sim.isr();
}

static long storm_through_fn(void *data)
{
	struct storm_through_args *a = data;
	unsigned int cpu = vp_to_cpu(sim.msg_vp);
	u32 i;

	for (i = 0; i < a->n && !a->stop; i++) {
		smp_call_function_single(cpu, storm_through_ipi, a, 1);
		/* Bursts with gaps: the guest is to go on unloading, not starve. */
		if (!(i % 64))
			usleep_range(200, 400);
	}
	atomic_add(i, &sim.faults[HVSIM_FAULT_STORM_THROUGH]);
	pr_info("fault storm-through: %u interrupts raised%s\n", i,
		a->stop ? ", then the guest's SynIC was off" : "");
	return 0;
}

/*
 * irq-other: one interrupt with relid's event flag on the CPU that is not
 * the message CPU, raised from the message CPU and not waited for, so both
 * CPUs go on while the guest's handler runs there.
 */
static int irq_other(u32 relid)
{
	unsigned int cpu, self;
	int ret = 0;

	if (!relid || relid > HVLIS_MAX_RELID)
		return -EINVAL;
	mutex_lock(&sim.lock);
	if (!sim.connected || !sim.isr || sim.version < HVLIS_VMBUS_WIN8) {
		mutex_unlock(&sim.lock);
		return -ENOTCONN;
	}
	self = get_cpu();
	cpu = cpumask_any_but(cpu_online_mask, vp_to_cpu(sim.msg_vp));
	if (cpu >= nr_cpu_ids || cpu == self || !set_event(cpu, relid))
		ret = -EBUSY;
	else
		raise_irq(cpu);
	put_cpu();
	if (!ret)
		atomic_inc(&sim.faults[HVSIM_FAULT_IRQ_OTHER]);
	mutex_unlock(&sim.lock);
	return ret;
}

static int storm_through(u32 n, bool with_relid, u32 relid)
{
	struct storm_through_args a = { .n = n, .relid = relid };
	unsigned int from;

	if (!n || n > 10000000 || (with_relid && (!relid || relid > HVLIS_MAX_RELID)))
		return -EINVAL;
	mutex_lock(&sim.lock);
	a.old_host = sim.version < HVLIS_VMBUS_WIN8;
	if (!sim.connected || (!a.old_host && !with_relid)) {
		mutex_unlock(&sim.lock);
		return -EINVAL;
	}
	mutex_unlock(&sim.lock);
	from = cpumask_any_but(cpu_online_mask, vp_to_cpu(sim.msg_vp));
	if (from >= nr_cpu_ids)
		return -ENODEV;
	return work_on_cpu(from, storm_through_fn, &a);
}

static long crash_on_cpu(void *unused)
{
	unsigned long flags;

	/* hv_vmbus forgets its handler before it goes (test use only) */
	if (!READ_ONCE(sim.crash_fn))
		return -ENODEV;
	pr_info("running the guest's crash handler on CPU %u, interrupts off\n",
		smp_processor_id());
	local_irq_save(flags);
	sim.crash_fn();
	local_irq_restore(flags);
	return 0;
}

/**
 * hvsim_crash() - run the guest's kexec/crash handler as a crash would
 * On the CPU that takes the guest's messages, with interrupts off there, so
 * the guest's handler must poll for UNLOAD_RESPONSE as after a panic.
 *
 * Return: 0, or -ENODEV if hv_vmbus registered no handler.
 */
int hvsim_crash(void)
{
	return work_on_cpu(vp_to_cpu(sim.msg_vp), crash_on_cpu, NULL);
}

/**
 * hvsim_fault() - commit a fault of a broken or hostile host
 * @kind: which (see enum hvsim_fault and the ctl commands in control.c)
 * @arg: its numeric arguments
 * @nargs: how many of them were given (the rest take defaults)
 * @count: how many times: messages sent, or moments an armed fault fires
 *
 * Message and ring faults happen now; open-fail, open-hang,
 * rescind-during-open, gpadl-fail, teardown-hang and early-packet are armed
 * and fire when the guest next asks for that on that relid. Every fault committed is
 * counted in the stats ("fault_<name>").
 *
 * Return: 0; -ENOTCONN without a connected guest; -ENOENT if the channel
 * does not exist or is not open; -ENOSPC if no more faults can be armed
 * or the ring has no room; -EINVAL for bad arguments.
 */
int hvsim_fault(enum hvsim_fault kind, const u32 *arg, unsigned int nargs, u32 count)
{
	int ret = 0;
	u32 i, n;

	if (kind >= HVSIM_FAULT_COUNT || !count)
		return -EINVAL;
	switch (kind) {
	case HVSIM_FAULT_STORM:
		if ((u64)arg[0] * count > 10000000)
			return -EINVAL;
		return storm(arg[0] * count, nargs > 1, nargs > 1 ? arg[1] : 0);
	case HVSIM_FAULT_STORM_THROUGH:
		if ((u64)arg[0] * count > 10000000)
			return -EINVAL;
		return storm_through(arg[0] * count, nargs > 1, nargs > 1 ? arg[1] : 0);
	case HVSIM_FAULT_UNLOAD_BEHIND:
		atomic_add(count, &sim.unload_behind);
		return 0;
	case HVSIM_FAULT_IRQ_OTHER:
		return irq_other(arg[0]);
	case HVSIM_FAULT_NO_EOM:
		/* Harmless messages, each delivered as "more are pending". */
		if ((u64)(nargs ? arg[0] : 1) * count > 1000)
			return -EINVAL;
		n = (nargs ? arg[0] : 1) * count;
		if (!n)
			return -EINVAL;
		mutex_lock(&sim.lock);
		if (!sim.connected) {
			mutex_unlock(&sim.lock);
			return -ENOTCONN;
		}
		atomic_add(n, &sim.no_eom_left);
		for (i = 0; i < n; i++) {
			struct hvlis_chanmsg_header done = {
				.msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED,
			};

			queue_to_guest(&done, sizeof(done));
		}
		mutex_unlock(&sim.lock);
		return 0;
	default:
		break;
	}

	mutex_lock(&sim.lock);
	switch (kind) {
	case HVSIM_FAULT_OPEN_FAIL:
	case HVSIM_FAULT_MODIFY_FAIL:
		ret = arm(kind, arg[0], nargs > 1 ? arg[1] : SIM_STATUS_UNSUCCESSFUL, count);
		break;
	case HVSIM_FAULT_OPEN_HANG:
	case HVSIM_FAULT_RESCIND_DURING_OPEN:
	case HVSIM_FAULT_GPADL_FAIL:
	case HVSIM_FAULT_TEARDOWN_HANG:
	case HVSIM_FAULT_EARLY_PACKET:
	case HVSIM_FAULT_GPADL_LATE:
	case HVSIM_FAULT_RESCIND_AFTER_GPADL:
	case HVSIM_FAULT_CSUM_SILENT:
		ret = arm(kind, arg[0], 0, count);
		break;
	case HVSIM_FAULT_RING_INDEX:
		for (i = 0; i < count && !ret; i++)
			ret = ring_set_index(arg[0], arg[1], arg[2]);
		if (!ret)
			atomic_add(count, &sim.faults[kind]);
		break;
	case HVSIM_FAULT_RING_LIE:
		for (i = 0; i < count && !ret; i++)
			ret = ring_lie(arg[0], arg[1]);
		if (!ret)
			atomic_add(count, &sim.faults[kind]);
		break;
	default:
		if (!sim.connected) {
			ret = -ENOTCONN;
			break;
		}
		for (i = 0; i < count && !ret; i++)
			ret = fault_msg(kind, arg, nargs);
		if (!ret) {
			atomic_add(count, &sim.faults[kind]);
			pr_info("fault %s: %u message(s) sent\n", hvsim_fault_name(kind), count);
		}
		break;
	}
	mutex_unlock(&sim.lock);
	return ret;
}

void hvsim_show_devices(struct seq_file *s)
{
	unsigned int i;
	char t[37], in[37];

	mutex_lock(&sim.lock);
	seq_puts(s, "relid sub kind class instance offered open rescinded packets signals_in signals_out bad waits monitor signals_monitor monitored_hypercalls conn_id vp moves\n");
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (!c->used)
			continue;
		hvlis_guid_to_string(&c->type, t);
		hvlis_guid_to_string(&c->instance, in);
		seq_printf(s, "%u %u %s %s %s %d %d %d %llu %llu %llu %llu %llu ", c->relid,
			   c->sub_index, c->ops->name, t, in,
			   c->offered, c->open,
			   c->rescinded, c->packets, c->signals_in, c->signals_out, c->bad,
			   c->waits);
		if (c->monitored)
			seq_printf(s, "%u", c->monitor_id);
		else
			seq_putc(s, '-');
		seq_printf(s, " %llu %llu %u %u %u\n", c->signals_monitor,
			   c->monitored_hypercalls, c->conn_id, c->target_vp, c->moves);
	}
	mutex_unlock(&sim.lock);
}

void hvsim_show_stats(struct seq_file *s)
{
	unsigned int i, nchan = 0, nopen = 0, ngpadl = 0, nfaults = 0, narmed = 0;
	struct sim_gpadl *g;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		nchan += sim.chans[i].used;
		nopen += sim.chans[i].used && sim.chans[i].open;
	}
	list_for_each_entry(g, &sim.gpadls, node)
		ngpadl++;
	seq_printf(s, "connected %d\nversion %u.%u\nhost_version %u.%u\n", sim.connected,
		   sim.version >> 16, sim.version & 0xffff, host_version >> 16,
		   host_version & 0xffff);
	seq_printf(s, "channels %u\nchannels_open %u\ngpadls_live %u\n", nchan, nopen, ngpadl);
	mutex_unlock(&sim.lock);
	seq_printf(s, "msgs_from_guest %d\nmsgs_to_guest %d\nbad_msgs %d\neoms %d\n",
		   atomic_read(&sim.msgs_from_guest), atomic_read(&sim.msgs_to_guest),
		   atomic_read(&sim.bad_msgs), atomic_read(&sim.eoms));
	seq_printf(s, "gpadls_created %d\ngpadls_torn %d\nopens %d\ncloses %d\n",
		   atomic_read(&sim.gpadls_created), atomic_read(&sim.gpadls_torn),
		   atomic_read(&sim.opens), atomic_read(&sim.closes));
	seq_printf(s, "relids_released %d\nunloads %d\n", atomic_read(&sim.relids_released),
		   atomic_read(&sim.unloads));
	seq_printf(s, "teardowns_after_rescind %d\n", atomic_read(&sim.teardowns_after_rescind));
	seq_printf(s, "monitor_signals %d\nmonitor_stray %d\nmonitored_hypercalls %d\n",
		   atomic_read(&sim.monitor_signals), atomic_read(&sim.monitor_stray),
		   atomic_read(&sim.monitored_hypercalls));
	seq_printf(s, "modifies %d\nmodifies_refused %d\n", atomic_read(&sim.modifies),
		   atomic_read(&sim.modifies_refused));
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->stats)
			hvsim_kinds[i]->stats(s);
	seq_printf(s, "unload_responses %d\ngpadl_pages_freed %d\nrequests_after_rescind %d\n",
		   atomic_read(&sim.unload_responses), atomic_read(&sim.gpadl_pages_freed),
		   atomic_read(&sim.requests_after_rescind));
	for (i = 0; i < HVSIM_FAULT_COUNT; i++)
		nfaults += atomic_read(&sim.faults[i]);
	seq_printf(s, "faults_injected %u\n", nfaults);
	for (i = 0; i < HVSIM_FAULT_COUNT; i++)
		seq_printf(s, "fault_%s %d\n", hvsim_fault_name(i), atomic_read(&sim.faults[i]));
	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_ARMED; i++)
		narmed += sim.armed[i].left;
	narmed += atomic_read(&sim.unload_behind);
	mutex_unlock(&sim.lock);
	seq_printf(s, "faults_armed %u\n", narmed);
}

unsigned int *hvsim_host_version(void)
{
	return &host_version;
}

static int __init hvsim_init(void)
{
	unsigned int i;
	int ret;

	sim_loaded = ktime_get();
	spin_lock_init(&sim.q_lock);
	INIT_LIST_HEAD(&sim.to_host);
	INIT_LIST_HEAD(&sim.to_guest);
	INIT_LIST_HEAD(&sim.gpadls);
	mutex_init(&sim.lock);
	INIT_WORK(&sim.host_work, host_fn);
	INIT_DELAYED_WORK(&sim.deliver_work, deliver_fn);
	INIT_DELAYED_WORK(&sim.monitor_work, monitor_fn);
	INIT_DELAYED_WORK(&sim.late_work, late_fn);
	sim.wq = alloc_ordered_workqueue("hvsim_host", 0);
	if (!sim.wq)
		return -ENOMEM;
	/* Device kinds serve their channels in parallel; I/O may depend on it. */
	sim.dev_wq = alloc_workqueue("hvsim_dev", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!sim.dev_wq) {
		destroy_workqueue(sim.wq);
		return -ENOMEM;
	}
	for (i = 0; i < hvsim_nkinds; i++) {
		ret = hvsim_kinds[i]->init ? hvsim_kinds[i]->init() : 0;
		if (ret) {
			while (i--)
				if (hvsim_kinds[i]->exit)
					hvsim_kinds[i]->exit();
			destroy_workqueue(sim.dev_wq);
			destroy_workqueue(sim.wq);
			return ret;
		}
	}
	hvsim_debugfs_init();
	pr_info("simulated Hyper-V host ready (accepts VMBus up to %u.%u)\n",
		host_version >> 16, host_version & 0xffff);
	return 0;
}

static void __exit hvsim_exit(void)
{
	unsigned int i;
	struct sim_gpadl *g, *tmp;

	hvsim_debugfs_exit();
	cancel_delayed_work_sync(&sim.late_work);
	cancel_delayed_work_sync(&sim.monitor_work);
	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used)
			cancel_work_sync(&sim.chans[i].work);
	destroy_workqueue(sim.wq);
	destroy_workqueue(sim.dev_wq);
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->exit)
			hvsim_kinds[i]->exit();
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		gpadl_free(g);
	for (i = 0; i < SIM_MAX_CHANS; i++)
		unmap_ring(&sim.chans[i]);
}

module_init(hvsim_init);
module_exit(hvsim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis test: simulated Hyper-V host (never for production)");
MODULE_VERSION(HVLIS_VERSION);
