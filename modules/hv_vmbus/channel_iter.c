// SPDX-License-Identifier: GPL-2.0-only
/*
 * The batched, in-place receive path and the send-side flow control a
 * high-rate driver (hv_netvsc) uses: a driver polls with interrupts masked,
 * reads a batch of packets where they lie in the inbound ring, hands their
 * space back with one read-index update and at most one signal, and
 * stops/wakes its queues on the outbound ring's room and pending-send size.
 * The ring arithmetic is ring_iter.c's (userspace-tested); this file adds
 * the channel's state checks, locks and host signals.
 *
 * One reader per channel: between hvlis_channel_iter_begin() and
 * hvlis_channel_iter_end() the caller is the channel's only reader, and it
 * ends the batch before it closes the channel (a NAPI driver disables NAPI
 * first).
 */
#include <linux/module.h>
#include <hvlis/vmbus.h>
#include "vmbus_priv.h"

static void iter_bad(struct hvlis_channel *ch, int ret)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->in_lock, flags);
	ch->bad_packets++;
	spin_unlock_irqrestore(&ch->in_lock, flags);
	if (ret == -EIO)
		pr_err_ratelimited("relid %u: inbound ring holds a corrupt packet; channel unusable\n",
				   ch->relid);
	else
		pr_err_ratelimited("relid %u: dropped a wrapped packet longer than the driver's buffer\n",
				   ch->relid);
}

/**
 * hvlis_channel_iter_begin() - start reading a batch of packets in place
 * @ch: an open channel
 * @it: the batch (the caller's; no allocation)
 *
 * The batch covers the packets complete at this moment.
 *
 * Return: 0 (the batch may be empty); -ENODEV if the channel is not open;
 * -EIO if the host corrupted the ring's indices.
 */
int hvlis_channel_iter_begin(struct hvlis_channel *ch, struct hvlis_ring_iter *it)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&ch->in_lock, flags);
	if (ch->state != HVLIS_CHAN_OPEN) {
		memset(it, 0, sizeof(*it));
		ret = -ENODEV;
	} else {
		ret = hvlis_ring_iter_begin(&ch->in, it);
	}
	spin_unlock_irqrestore(&ch->in_lock, flags);
	if (ret == -EIO)
		iter_bad(ch, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_channel_iter_begin);

/**
 * hvlis_channel_iter_next() - the next packet of the batch, in place
 * @ch: the channel
 * @it: a batch begun with hvlis_channel_iter_begin()
 * @bounce: where a packet that wraps around the ring's end is copied
 * @bounce_len: size of @bounce
 * @desc: receives the validated descriptor (use it, not the bytes at @pkt)
 * @pkt: receives the packet (descriptor first), in the ring or in @bounce
 * @pkt_len: receives its length, descriptor included
 *
 * The host can still write the bytes at @pkt: read each field once into
 * your own memory and check it there.
 *
 * Return: 0; -EAGAIN at the end of the batch; -EMSGSIZE for a wrapping
 * packet longer than @bounce (dropped, counted, and the batch goes on);
 * -EIO if the host corrupted the ring (end the batch, stop using it).
 */
int hvlis_channel_iter_next(struct hvlis_channel *ch, struct hvlis_ring_iter *it,
			    void *bounce, u32 bounce_len,
			    struct hvlis_packet_desc *desc, const void **pkt,
			    u32 *pkt_len)
{
	int ret = hvlis_ring_iter_next(&ch->in, it, bounce, bounce_len, desc, pkt,
				       pkt_len);

	if (ret == -EIO || ret == -EMSGSIZE)
		iter_bad(ch, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_channel_iter_next);

/**
 * hvlis_channel_iter_end() - finish a batch: one read-index update
 * @ch: the channel
 * @it: the batch
 *
 * Hands back the space of every packet the batch returned or dropped and
 * signals the host once if it waits (pending_send_sz) for that room.
 */
void hvlis_channel_iter_end(struct hvlis_channel *ch, struct hvlis_ring_iter *it)
{
	unsigned long flags;
	bool signal = false;

	spin_lock_irqsave(&ch->in_lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN)
		hvlis_ring_iter_end(&ch->in, it, &signal);
	if (signal)
		ch->intr_in_full++;
	spin_unlock_irqrestore(&ch->in_lock, flags);
	it->start = 0;
	it->used = 0;
	it->done = 0;
	if (signal)
		hvlis_signal_host(ch);
}
EXPORT_SYMBOL_GPL(hvlis_channel_iter_end);

/**
 * hvlis_channel_mask_interrupts() - ask the host not to signal (we poll)
 * @ch: an open channel
 */
void hvlis_channel_mask_interrupts(struct hvlis_channel *ch)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->in_lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN)
		hvlis_ring_mask_interrupts(&ch->in);
	spin_unlock_irqrestore(&ch->in_lock, flags);
}
EXPORT_SYMBOL_GPL(hvlis_channel_mask_interrupts);

/**
 * hvlis_channel_unmask_interrupts() - ask to be signalled again
 * @ch: an open channel
 *
 * Return: bytes waiting in the inbound ring after unmasking: data that
 * came while masked raised no signal, so non-zero means poll again. 0 for
 * a channel that is not open.
 */
u32 hvlis_channel_unmask_interrupts(struct hvlis_channel *ch)
{
	unsigned long flags;
	u32 waiting = 0;

	spin_lock_irqsave(&ch->in_lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN)
		waiting = hvlis_ring_unmask_interrupts(&ch->in);
	spin_unlock_irqrestore(&ch->in_lock, flags);
	return waiting;
}
EXPORT_SYMBOL_GPL(hvlis_channel_unmask_interrupts);

/**
 * hvlis_channel_write_avail() - room for the next packet in the outbound ring
 * @ch: an open channel
 *
 * Return: ring bytes a packet may take now (compare with
 * hvlis_ring_packet_bytes() of its length); 0 if full, not open or corrupt.
 */
u32 hvlis_channel_write_avail(struct hvlis_channel *ch)
{
	unsigned long flags;
	u32 avail = 0;

	spin_lock_irqsave(&ch->out_lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN)
		avail = hvlis_ring_write_avail(&ch->out);
	spin_unlock_irqrestore(&ch->out_lock, flags);
	return avail;
}
EXPORT_SYMBOL_GPL(hvlis_channel_write_avail);

/**
 * hvlis_channel_set_pending_send() - be signalled when the host frees room
 * @ch: an open channel
 * @bytes: outbound ring bytes wanted; 0 cancels
 *
 * The host signals the channel (its callback runs) once its reads take the
 * outbound ring's free space above @bytes. A driver that stopped a queue
 * on a full ring sets this, then checks hvlis_channel_write_avail() once
 * more (the host may have read everything before it saw the request).
 */
void hvlis_channel_set_pending_send(struct hvlis_channel *ch, u32 bytes)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->out_lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN)
		hvlis_ring_set_pending_send(&ch->out, bytes);
	spin_unlock_irqrestore(&ch->out_lock, flags);
}
EXPORT_SYMBOL_GPL(hvlis_channel_set_pending_send);
