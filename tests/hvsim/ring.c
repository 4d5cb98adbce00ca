// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host's side of a channel's rings (written separately from
 * the guest's ring_core.c on purpose), the events that signal the guest,
 * and the work that takes a channel's packets to its device kind: without
 * the host's lock for a packet operation, in place for packet_locked (see
 * hvsim_dev.h). A channel's rings are its ring_lock's (struct sim_chan):
 * a packet kind's channel is served without the host's lock at all.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

/* ------------------------------------------------------ host ring access */

bool sim_ring_attach(struct sim_ring *r, void *base, u32 bytes)
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

void sim_ring_put(struct sim_ring *r, u32 at, const void *src, u32 len)
{
	u32 first;

	at %= r->size;
	first = min(len, r->size - at);
	memcpy(r->data + at, src, first);
	memcpy(r->data, (const u8 *)src + first, len - first);
}

/* Bytes in the ring, or -1 if the guest's indices make no sense. */
long sim_ring_used(const struct sim_ring *r)
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
	long used = sim_ring_used(r);
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

	free_before = r->size - sim_ring_used(r);
	/* Done with the packet before its space goes back to the guest... */
	mb();
	WRITE_ONCE(r->hdr->read_index, (rd + len + 8) % r->size);
	/* ...and the new index visible before we look at pending_send_sz. */
	mb();
	pending = READ_ONCE(r->hdr->pending_send_sz);
	*signal = pending && free_before <= pending && free_before + len + 8 > pending;
}

/* Write one packet for the guest. Returns 0, -ENOSPC or -EIO; *signal as rule. */
int sim_ring_give(struct sim_ring *r, const void *pkt, u32 len, bool *signal)
{
	long used = sim_ring_used(r);
	u32 wr, padded = (len + 7) & ~7u;
	u64 trailer;
	static const u8 zero[8];

	*signal = false;
	if (used < 0)
		return -EIO;
	if (r->size - used <= padded + 8)
		return -ENOSPC;
	wr = READ_ONCE(r->hdr->write_index);
	sim_ring_put(r, wr, pkt, len);
	sim_ring_put(r, wr + len, zero, padded - len);
	trailer = (u64)wr << 32;
	sim_ring_put(r, wr + padded, &trailer, 8);
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
bool sim_set_event(unsigned int cpu, u32 relid)
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

/* Under the channel's ring_lock. */
void sim_signal_guest(struct sim_chan *c)
{
	unsigned int cpu;

	lockdep_assert_held(&c->ring_lock);
	cpu = sim_vp_to_cpu(c->target_vp);
	if (!sim_set_event(cpu, c->relid))
		return;
	c->signals_out++;
	/*
	 * Bottom halves off around the IPI: when the target is this very CPU
	 * the guest's handler runs here, not in hard interrupt context, and
	 * the tasklet it schedules runs at local_bh_enable(), as it would at
	 * a real interrupt's exit, instead of waking ksoftirqd (a context
	 * switch per signal). Called in process context only.
	 */
	local_bh_disable();
	sim_raise_irq(cpu);
	local_bh_enable();
}

/* Serve a channel (its work looks at what it is then); without locks. */
void sim_chan_kick(struct sim_chan *c)
{
	const struct hvsim_dev_ops *ops = READ_ONCE(c->ops);
	struct workqueue_struct *wq = sim.wq;

	if (!ops)
		return;		/* the slot was just freed */
	if (ops->packet)
		wq = ops->serve_on_signaller ? sim.local_wq : sim.dev_wq;
	/* A per-CPU queue: queue_work() takes the calling CPU's worker. */
	queue_work(wq, &c->work);
}

/*
 * Signal the guest for an answer just given (sig: the ring was empty and
 * not masked), or, in the channel's batch, once when the batch ends.
 * Under the channel's ring_lock.
 */
void sim_chan_answered(struct sim_chan *c, bool sig)
{
	lockdep_assert_held(&c->ring_lock);
	if (!sig)
		return;
	if (c->batching) {
		if (c->batch_signal)
			c->signals_saved++;
		c->batch_signal = true;
		return;
	}
	sim_signal_guest(c);
}

/* The signal a batch owes the guest, now. Under the channel's ring_lock. */
void sim_chan_flush_signal(struct sim_chan *c)
{
	lockdep_assert_held(&c->ring_lock);
	if (!c->batch_signal)
		return;
	c->batch_signal = false;
	if (c->open && !c->rescinded)
		sim_signal_guest(c);
}

/*
 * The next packet the guest wrote on a channel, copied into buf (the ring
 * is left as it was): its length; 0 when there is none, or when the ring
 * is corrupt (counted in the channel's bad).
 */
static long next_packet(struct sim_chan *c, u8 *buf, u32 buf_len)
{
	long len = ring_peek(&c->guest_out, buf, buf_len);

	if (len < 0) {
		c->bad++;
		pr_err_ratelimited("relid %u: guest ring corrupt\n", c->relid);
		return 0;
	}
	return len;
}

/* Packets a batch serves before it signals what it owes the guest. */
#define SIM_BATCH_MAX	32

/*
 * A kind with a packet operation: each packet is taken out of the ring (so the guest
 * gets its room back at once) and handed to the kind without a lock held,
 * since serving it may take long (storage I/O) and sleeps. The kind
 * answers through hvsim_chan_give(). For a serve_on_signaller kind the
 * packets found in one go are a batch: the guest is signalled once for
 * the answers of up to SIM_BATCH_MAX of them, when the ring has no more
 * (a real host's interrupt coalescing), not once per answer that found
 * its ring empty. Called and returns with the channel's ring_lock held
 * (only: the host's lock is not needed for the rings, and a close,
 * rescind or UNLOAD takes ring_lock before it unmaps them); the lock is
 * dropped around each packet's operation, and the loop goes on only if
 * the channel is still open and still the one it was (gen).
 */
static void chan_dev_packets(struct sim_chan *c, u8 *buf, u32 buf_len)
{
	const struct hvsim_dev_ops *ops = c->ops;
	void *priv = c->priv;
	u32 relid = c->relid, gen = c->gen;
	u16 sub = c->sub_index;
	unsigned int noio, n = 0;
	bool sig;
	long len;

	c->batching = ops->serve_on_signaller;
	while (c->open && !c->rescinded && c->gen == gen) {
		len = next_packet(c, buf, buf_len);
		if (!len)
			break;
		ring_consume(&c->guest_out, len, &sig);
		if (sig)
			sim_signal_guest(c);
		c->packets++;
		mutex_unlock(&c->ring_lock);
		/* The guest's I/O may wait on us: no reclaim that needs I/O. */
		noio = memalloc_noio_save();
		ops->packet(priv, relid, sub, buf, len);
		memalloc_noio_restore(noio);
		mutex_lock(&c->ring_lock);
		if (++n % SIM_BATCH_MAX == 0)
			sim_chan_flush_signal(c);
	}
	if (c->batching && n)
		c->batches++;
	c->batching = false;
	sim_chan_flush_signal(c);
}

/*
 * A kind that works in place (packet_locked, e.g. echo) or none (idle: its
 * packets are swallowed): each packet stays in the guest's ring until the
 * kind is done with it; one that waits for room in the guest's inbound
 * ring stays there, and the host asked (pending_send_sz) to be signalled
 * when room frees. Called and returns with sim.lock and the channel's
 * ring_lock held (the kind may look at the host's GPADLs).
 */
static void chan_locked_packets(struct sim_chan *c, u8 *buf, u32 buf_len)
{
	const struct hvsim_dev_ops *ops = c->ops;
	bool sig;
	long len;
	int ret;

	c->want_signal = false;
	while (c->open && !c->rescinded) {
		len = next_packet(c, buf, buf_len);
		if (!len)
			break;
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
		sim_signal_guest(c);
}

/**
 * hvsim_chan_reply_locked() - a kind's answer, in place, to the packet it is given
 * @c: the channel (as packet_locked got it)
 * @pkt: the whole answer, descriptor included
 * @len: its length, a multiple of 8
 *
 * For a packet_locked operation only, under the host's lock and the
 * channel's ring_lock (as packet_locked is called). When the
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
	lockdep_assert_held(&c->ring_lock);
	ret = sim_ring_give(&c->guest_in, pkt, len, &sig);
	if (ret == -ENOSPC) {
		WRITE_ONCE(c->guest_in.hdr->pending_send_sz, len + 16);
		/* The request visible before we look at the room again. */
		mb();
		/* Room may have freed before it saw our request. */
		if (c->guest_in.size - sim_ring_used(&c->guest_in) > len + 16)
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

/*
 * A channel's work: a packet kind's channel under its ring_lock only, a
 * packet_locked (or idle) one under the host's lock too. The slot may have
 * been freed or taken by another channel since the work was queued: its
 * kind (ops, static) says which locks to take, and under them the channel
 * must still be used, open and of that kind.
 */
void sim_chan_work_fn(struct work_struct *work)
{
	struct sim_chan *c = container_of(work, struct sim_chan, work);
	const struct hvsim_dev_ops *ops = READ_ONCE(c->ops);
	u8 *buf;

	if (!ops)
		return;
	/*
	 * The slot's buffer, allocated once: a 32 KiB kmalloc per run is an
	 * order-3 page allocation, zeroed where init_on_alloc is on (Debian),
	 * 8 KiB zeroed per request at 4 requests a run. Taken with xchg, so
	 * two runs of the slot's work (queued on different queues after the
	 * slot changed kinds) never share it: the second allocates its own.
	 */
	buf = xchg(&c->work_buf, NULL);
	if (!buf)
		buf = kmalloc(HVLIS_HV_PAGE_SIZE * 8, GFP_KERNEL);
	if (!buf)
		return;
	if (!ops->packet)
		mutex_lock(&sim.lock);
	mutex_lock(&c->ring_lock);
	if (c->used && c->ops == ops && c->open && !c->rescinded) {
		if (ops->packet)
			chan_dev_packets(c, buf, HVLIS_HV_PAGE_SIZE * 8);
		else
			chan_locked_packets(c, buf, HVLIS_HV_PAGE_SIZE * 8);
	}
	mutex_unlock(&c->ring_lock);
	if (!ops->packet)
		mutex_unlock(&sim.lock);
	if (cmpxchg(&c->work_buf, NULL, buf))
		kfree(buf);
}
