// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a VMBus ring in place, in batches, and the writer's view of the
 * room left: the protocol-only half of the batched-read API (see
 * hvlis/ring.h). Like ring_core.c it touches only ring memory, so the
 * userspace tests build it unchanged.
 *
 * A batch never moves the read index until it ends: the host sees the
 * space of the whole batch come back in one step, and is signalled at most
 * once for it (only if it asked, through pending_send_sz, and the step
 * crossed its threshold).
 */
#include <hvlis/ring.h>

static bool iter_index_ok(const struct hvlis_ring *r, u32 idx)
{
	return idx < r->size && (idx & 7) == 0;
}

/**
 * hvlis_ring_iter_begin() - start a batch
 * @r: the ring (its reader side)
 * @it: the batch to start
 *
 * Takes one snapshot of both indices; the batch covers the packets that
 * were complete at that moment, whatever the host writes afterwards.
 *
 * Return: 0 (the batch may be empty), or -EIO if an index is out of range
 * or misaligned.
 */
int hvlis_ring_iter_begin(const struct hvlis_ring *r, struct hvlis_ring_iter *it)
{
	u32 read = HVLIS_READ_ONCE(r->hdr->read_index);
	u32 write = HVLIS_READ_ONCE(r->hdr->write_index);

	it->start = 0;
	it->used = 0;
	it->done = 0;
	if (!iter_index_ok(r, read) || !iter_index_ok(r, write))
		return -EIO;
	it->start = read;
	it->used = write >= read ? write - read : r->size - (read - write);
	return 0;
}

/* Copy @len bytes at ring offset @off, wrapping at the end of the data. */
static void iter_copy(const struct hvlis_ring *r, u32 off, void *dst, u32 len)
{
	u32 first = len < r->size - off ? len : r->size - off;

	memcpy(dst, r->data + off, first);
	memcpy((u8 *)dst + first, r->data, len - first);
}

/**
 * hvlis_ring_iter_next() - the next packet of a batch, in place
 * @r: the ring (its reader side)
 * @it: a batch begun with hvlis_ring_iter_begin()
 * @bounce: where a packet that wraps around the end of the ring is copied
 * @bounce_len: size of @bounce
 * @desc: receives the packet's descriptor, validated (use this copy, not
 *	  the first bytes at @pkt: the host may have rewritten those since)
 * @pkt: receives the packet's first byte (descriptor included): in the
 *	 ring itself, or in @bounce for a packet that wraps
 * @pkt_len: receives the packet's length, descriptor included
 *
 * The bytes at @pkt stay the host's to write until the batch ends: a
 * caller reads each field it needs once, into its own memory, and checks
 * it there.
 *
 * Return: 0; -EAGAIN when the batch has no more packets; -EMSGSIZE when
 * the packet wraps and is longer than @bounce (it is skipped: it counts as
 * read, and the next call goes on after it); -EIO if the descriptor does
 * not fit in what the snapshot saw (the ring is corrupt: end the batch and
 * stop using the channel).
 */
int hvlis_ring_iter_next(const struct hvlis_ring *r, struct hvlis_ring_iter *it,
			 void *bounce, u32 bounce_len, struct hvlis_packet_desc *desc,
			 const void **pkt, u32 *pkt_len)
{
	u32 left, pos, len;

	if (it->done >= it->used)
		return -EAGAIN;
	left = it->used - it->done;
	if (left < sizeof(*desc) + HVLIS_RING_TRAILER_BYTES)
		return -EIO;
	pos = it->start + it->done;
	if (pos >= r->size)
		pos -= r->size;
	/* Read the packet only after the index that published it. */
	hvlis_rmb();
	iter_copy(r, pos, desc, sizeof(*desc));
	if (hvlis_packet_validate(desc, left - HVLIS_RING_TRAILER_BYTES))
		return -EIO;
	len = (u32)desc->len8 * 8;
	it->done += len + HVLIS_RING_TRAILER_BYTES;
	*pkt_len = len;
	if (len <= r->size - pos) {
		*pkt = r->data + pos;
		return 0;
	}
	if (!bounce || bounce_len < len)
		return -EMSGSIZE;
	iter_copy(r, pos, bounce, len);
	*pkt = bounce;
	return 0;
}

/**
 * hvlis_ring_iter_end() - finish a batch: one read-index update
 * @r: the ring (its reader side)
 * @it: the batch
 * @signal: set to whether the writer must be signalled (see
 *	    hvlis_ring_release())
 *
 * Hands back the space of every packet hvlis_ring_iter_next() returned or
 * skipped; packets the batch did not reach stay in the ring.
 */
void hvlis_ring_iter_end(struct hvlis_ring *r, const struct hvlis_ring_iter *it,
			 bool *signal)
{
	*signal = false;
	if (!it->done)
		return;
	hvlis_ring_release(r, it->start, it->done, signal);
}

/**
 * hvlis_ring_write_avail() - the largest packet that fits now
 * @r: the ring (its writer side)
 *
 * Return: ring bytes (hvlis_ring_packet_bytes() of the payload, trailer
 * included) a packet may take right now; 0 if the ring is full or its
 * indices are corrupt. One slot of 8 bytes always stays free: a full ring
 * would look empty.
 */
u32 hvlis_ring_write_avail(const struct hvlis_ring *r)
{
	u32 to_read, to_write;

	if (hvlis_ring_space(r, &to_read, &to_write) || to_write <= 8)
		return 0;
	return to_write - 8;
}
