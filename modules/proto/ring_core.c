// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus ring buffer core, shared by hv_vmbus, the simulated host and the
 * userspace tests (see hvlis/ring.h). No locking here: each ring has one
 * writer and one reader on each side, and callers serialise their own side.
 */
#include <hvlis/ring.h>

static bool index_ok(const struct hvlis_ring *r, u32 idx)
{
	return idx < r->size && (idx & 7) == 0;
}

static u32 ring_used(const struct hvlis_ring *r, u32 read, u32 write)
{
	return write >= read ? write - read : r->size - (read - write);
}

static u32 ring_copy_to(struct hvlis_ring *r, u32 off, const void *src, u32 len)
{
	u32 first = len < r->size - off ? len : r->size - off;

	memcpy(r->data + off, src, first);
	memcpy(r->data, (const u8 *)src + first, len - first);
	off += len;
	return off >= r->size ? off - r->size : off;
}

static u32 ring_copy_from(const struct hvlis_ring *r, u32 off, void *dst, u32 len)
{
	u32 first = len < r->size - off ? len : r->size - off;

	memcpy(dst, r->data + off, first);
	memcpy((u8 *)dst + first, r->data, len - first);
	off += len;
	return off >= r->size ? off - r->size : off;
}

/**
 * hvlis_ring_init() - describe a ring laid out in memory
 * @r: the ring to fill in
 * @ring_pages: the control page followed by the data area
 * @total_bytes: size of both, a multiple of the Hyper-V page size, >= 2 pages
 *
 * Does not touch the indices: a new ring must come zeroed, and a peer that
 * attaches to an existing ring must see it as it is.
 *
 * Return: 0, or -EINVAL for a size the protocol cannot describe.
 */
int hvlis_ring_init(struct hvlis_ring *r, void *ring_pages, u32 total_bytes)
{
	if (!ring_pages || total_bytes < 2 * HVLIS_HV_PAGE_SIZE ||
	    total_bytes % HVLIS_HV_PAGE_SIZE)
		return -EINVAL;
	r->hdr = ring_pages;
	r->data = (u8 *)ring_pages + sizeof(struct hvlis_ring_header);
	r->size = total_bytes - sizeof(struct hvlis_ring_header);
	return 0;
}

/*
 * One validated snapshot of both indices. The peer can rewrite the control
 * page at any moment, so an operation reads each index exactly once, checks
 * it, and works only with its copy from then on.
 */
struct ring_snap {
	u32 read;
	u32 write;
	u32 used;
};

static int ring_snapshot(const struct hvlis_ring *r, struct ring_snap *sn)
{
	sn->read = HVLIS_READ_ONCE(r->hdr->read_index);
	sn->write = HVLIS_READ_ONCE(r->hdr->write_index);
	if (!index_ok(r, sn->read) || !index_ok(r, sn->write))
		return -EIO;
	sn->used = ring_used(r, sn->read, sn->write);
	return 0;
}

/**
 * hvlis_ring_space() - how much can be read and written right now
 * @r: the ring
 * @to_read: bytes of complete packets waiting to be read
 * @to_write: bytes free for the writer (it may use all but 8 of them)
 *
 * Return: 0, or -EIO if the peer left an index that is out of range or
 * misaligned; the ring must then no longer be used.
 */
int hvlis_ring_space(const struct hvlis_ring *r, u32 *to_read, u32 *to_write)
{
	struct ring_snap sn;

	if (ring_snapshot(r, &sn))
		return -EIO;
	*to_read = sn.used;
	*to_write = r->size - sn.used;
	return 0;
}

/**
 * hvlis_ring_write() - append one packet
 * @r: the ring (its writer side)
 * @vec: the pieces of the packet, descriptor first; copied in order
 * @nvec: number of pieces
 * @signal: set to whether the reader must be signalled (it had no data
 *	    and has not masked its interrupt)
 *
 * The packet is padded to 8 bytes and followed by the trailer. The write
 * index moves only after every byte is in place, so the reader never sees a
 * partial packet.
 *
 * Return: 0; -EAGAIN if the ring has no room now (nothing written);
 * -EINVAL for an empty packet; -EIO if the ring's indices are corrupt.
 */
int hvlis_ring_write(struct hvlis_ring *r, const struct hvlis_ring_vec *vec,
		     unsigned int nvec, bool *signal)
{
	static const u8 zeros[8];
	struct ring_snap sn;
	u32 write, len = 0, padded;
	u64 trailer;
	unsigned int i;

	*signal = false;
	for (i = 0; i < nvec; i++) {
		if (vec[i].len > r->size)
			return -EINVAL;
		len += vec[i].len;
		if (len > r->size)
			return -EINVAL;
	}
	if (!len)
		return -EINVAL;
	padded = (len + 7) & ~7u;

	if (ring_snapshot(r, &sn))
		return -EIO;
	/* Never fill the ring completely: full would look like empty. */
	if (r->size - sn.used <= padded + HVLIS_RING_TRAILER_BYTES)
		return -EAGAIN;

	write = sn.write;
	for (i = 0; i < nvec; i++)
		write = ring_copy_to(r, write, vec[i].base, vec[i].len);
	write = ring_copy_to(r, write, zeros, padded - len);
	trailer = (u64)sn.write << 32;
	write = ring_copy_to(r, write, &trailer, sizeof(trailer));

	/* The packet must be visible before the index that publishes it. */
	hvlis_mb();
	HVLIS_WRITE_ONCE(r->hdr->write_index, write);
	hvlis_mb();

	if (HVLIS_READ_ONCE(r->hdr->interrupt_mask))
		return 0;
	hvlis_rmb();
	*signal = HVLIS_READ_ONCE(r->hdr->read_index) == sn.write;
	return 0;
}

/**
 * hvlis_packet_validate() - check a descriptor against the bytes it claims
 * @desc: the descriptor, as read from the ring
 * @pkt_len: bytes available for this packet (without the trailer)
 *
 * Return: 0 if the descriptor's data offset and length are consistent and
 * fit in @pkt_len, -EIO otherwise.
 */
int hvlis_packet_validate(const struct hvlis_packet_desc *desc, u32 pkt_len)
{
	u32 off = (u32)desc->offset8 * 8, len = (u32)desc->len8 * 8;

	if (off < sizeof(*desc) || len < off || len > pkt_len)
		return -EIO;
	return 0;
}

/**
 * hvlis_gpa_ranges_check() - validate the ranges of a GPA-direct packet
 * @ranges: the first struct hvlis_gpa_range (each followed by its PFNs)
 * @bytes: bytes available at @ranges
 * @count: number of ranges the packet claims
 * @used: receives the bytes the ranges occupy (a multiple of 8)
 * @total_len: receives the sum of their byte counts (may be NULL)
 *
 * Each range must have a non-zero byte count, a byte offset inside its
 * first page and exactly the PFNs its bytes touch, and all of them must lie
 * inside @bytes. Used by the sender before the packet goes out and by a
 * receiver on its own copy of the packet (never on ring memory the peer
 * can still change).
 *
 * Return: 0, or -EINVAL if any range is malformed or does not fit.
 */
int hvlis_gpa_ranges_check(const void *ranges, u32 bytes, u32 count, u32 *used,
			   u64 *total_len)
{
	const u8 *p = ranges;
	u64 off = 0, total = 0, npfns;
	struct hvlis_gpa_range r;
	u32 i;

	if (!ranges || !count)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		if (off + sizeof(r) > bytes)
			return -EINVAL;
		memcpy(&r, p + off, sizeof(r));
		if (!r.byte_count || r.byte_offset >= HVLIS_HV_PAGE_SIZE)
			return -EINVAL;
		npfns = hvlis_gpa_range_pfns(r.byte_offset, r.byte_count);
		off += sizeof(r) + npfns * sizeof(u64);
		if (off > bytes)
			return -EINVAL;
		total += r.byte_count;
	}
	*used = (u32)off;
	if (total_len)
		*total_len = total;
	return 0;
}

/* The next packet's descriptor and length, from a snapshot. */
static int snap_peek(const struct hvlis_ring *r, const struct ring_snap *sn,
		     struct hvlis_packet_desc *desc, u32 *pkt_len)
{
	if (!sn->used)
		return -EAGAIN;
	if (sn->used < sizeof(*desc) + HVLIS_RING_TRAILER_BYTES)
		return -EIO;
	/* Read the data only after the index that published it. */
	hvlis_rmb();
	ring_copy_from(r, sn->read, desc, sizeof(*desc));
	if (hvlis_packet_validate(desc, sn->used - HVLIS_RING_TRAILER_BYTES))
		return -EIO;
	*pkt_len = (u32)desc->len8 * 8;
	return 0;
}

/**
 * hvlis_ring_peek() - look at the next packet without consuming it
 * @r: the ring (its reader side)
 * @desc: receives a copy of the packet's descriptor
 * @pkt_len: receives the packet's length in bytes, descriptor included
 *
 * Return: 0; -EAGAIN if the ring is empty; -EIO if the indices or the
 * descriptor are inconsistent (the peer wrote garbage).
 */
int hvlis_ring_peek(const struct hvlis_ring *r, struct hvlis_packet_desc *desc,
		    u32 *pkt_len)
{
	struct ring_snap sn;

	if (ring_snapshot(r, &sn))
		return -EIO;
	return snap_peek(r, &sn, desc, pkt_len);
}

/**
 * hvlis_ring_copy_out() - copy bytes of the next packet without consuming it
 * @r: the ring (its reader side)
 * @offset: byte offset from the start of the next packet
 * @dst: destination
 * @len: number of bytes
 *
 * Return: 0, or -EIO if the range is not inside the data written so far.
 */
int hvlis_ring_copy_out(const struct hvlis_ring *r, u32 offset, void *dst, u32 len)
{
	struct ring_snap sn;
	u32 start;

	if (ring_snapshot(r, &sn))
		return -EIO;
	if (offset > sn.used || len > sn.used - offset)
		return -EIO;
	hvlis_rmb();
	start = sn.read + offset;
	if (start >= r->size)
		start -= r->size;
	ring_copy_from(r, start, dst, len);
	return 0;
}

/**
 * hvlis_ring_release() - hand read space back to the writer, in one step
 * @r: the ring (its reader side)
 * @read_start: the read index the freed bytes start at (a snapshot's)
 * @freed: bytes consumed from there, trailers included (one packet or a
 *	   whole batch)
 * @signal: set to whether the writer must be signalled
 *
 * Publishes read_start + @freed as the new read index, then decides
 * whether the writer asked to hear about it: it may have filled the ring
 * and then set pending_send_sz, the room it waits for. Whether this step
 * crossed that threshold is judged with the write index as it is now,
 * after our read index is published, not as an earlier snapshot saw it:
 * with the stale value a full ring looked roomy, the crossing went
 * unnoticed, and both sides waited for each other. The writer is
 * signalled only when the free space went from <= pending to > pending,
 * so a batch of reads signals at most once.
 */
void hvlis_ring_release(struct hvlis_ring *r, u32 read_start, u32 freed, bool *signal)
{
	u32 read, write, pending, now_free;

	*signal = false;
	read = read_start + freed;
	if (read >= r->size)
		read -= r->size;

	/* Finish reading the packets before handing their space back. */
	hvlis_mb();
	HVLIS_WRITE_ONCE(r->hdr->read_index, read);
	/* Publish the index before looking at the writer's request. */
	hvlis_mb();

	pending = HVLIS_READ_ONCE(r->hdr->pending_send_sz);
	if (!pending)
		return;
	/* The writer's index after its request: see the comment above. */
	hvlis_rmb();
	write = HVLIS_READ_ONCE(r->hdr->write_index);
	if (!index_ok(r, write))
		return;
	now_free = r->size - ring_used(r, read, write);
	*signal = now_free > pending && (now_free < freed || now_free - freed <= pending);
}

/* Consume the packet of 'len' bytes at the snapshot's read index. */
static void ring_consume(struct hvlis_ring *r, const struct ring_snap *sn, u32 len,
			 bool *signal)
{
	hvlis_ring_release(r, sn->read, len + HVLIS_RING_TRAILER_BYTES, signal);
}

/**
 * hvlis_ring_read() - consume the next packet
 * @r: the ring (its reader side)
 * @buf: destination for the whole packet, descriptor included
 * @buf_len: size of @buf
 * @pkt_len: receives the packet's length
 * @signal: set to whether the writer must be signalled: it asked (through
 *	    pending_send_sz) to be told when that much room is free, and this
 *	    read crossed the threshold
 *
 * Return: 0; -EAGAIN if empty; -ENOBUFS if @buf is too small (the packet
 * stays in the ring and @pkt_len says how much is needed); -EIO if the ring
 * is corrupt.
 */
int hvlis_ring_read(struct hvlis_ring *r, void *buf, u32 buf_len,
		    u32 *pkt_len, bool *signal)
{
	struct hvlis_packet_desc desc;

	return hvlis_ring_recv(r, false, buf, buf_len, &desc, pkt_len, signal);
}

/**
 * hvlis_ring_recv() - consume the next packet, copying its payload or all of it
 * @r: the ring (its reader side)
 * @payload_only: copy from the descriptor's data offset (else the whole packet)
 * @buf: destination
 * @buf_len: size of @buf
 * @desc: receives the packet's descriptor
 * @len: receives the number of bytes copied (or needed, on -ENOBUFS)
 * @signal: as for hvlis_ring_read()
 *
 * Everything comes from one validated snapshot of the indices. With the
 * whole packet, the descriptor at the start of @buf is the validated copy
 * in @desc, not the ring's bytes read again.
 *
 * Return: 0; -EAGAIN if empty; -ENOBUFS if @buf is too small (the packet
 * stays); -EIO if the ring is corrupt.
 */
int hvlis_ring_recv(struct hvlis_ring *r, bool payload_only, void *buf, u32 buf_len,
		    struct hvlis_packet_desc *desc, u32 *len, bool *signal)
{
	struct ring_snap sn;
	u32 pkt_len, off, start;
	int ret;

	*signal = false;
	if (ring_snapshot(r, &sn))
		return -EIO;
	ret = snap_peek(r, &sn, desc, &pkt_len);
	if (ret)
		return ret;
	off = payload_only ? (u32)desc->offset8 * 8 : 0;
	*len = pkt_len - off;
	if (buf_len < *len)
		return -ENOBUFS;
	if (!payload_only) {
		/*
		 * The descriptor the caller gets is the one validated above,
		 * never a second fetch the host may have rewritten since.
		 */
		memcpy(buf, desc, sizeof(*desc));
		off = sizeof(*desc);
	}
	start = sn.read + off;
	if (start >= r->size)
		start -= r->size;
	ring_copy_from(r, start, (u8 *)buf + (payload_only ? 0 : off), pkt_len - off);
	ring_consume(r, &sn, pkt_len, signal);
	return 0;
}

/**
 * hvlis_ring_skip() - consume the next packet without copying it
 * @r: the ring (its reader side)
 * @signal: as for hvlis_ring_read()
 *
 * For a reader that took what it needed with hvlis_ring_copy_out().
 *
 * Return: 0, -EAGAIN if empty, -EIO if the ring is corrupt.
 */
int hvlis_ring_skip(struct hvlis_ring *r, bool *signal)
{
	struct hvlis_packet_desc desc;
	struct ring_snap sn;
	u32 len;
	int ret;

	*signal = false;
	if (ring_snapshot(r, &sn))
		return -EIO;
	ret = snap_peek(r, &sn, &desc, &len);
	if (ret)
		return ret;
	ring_consume(r, &sn, len, signal);
	return 0;
}

/**
 * hvlis_ring_mask_interrupts() - tell the writer not to signal (we poll)
 * @r: the ring (its reader side)
 */
void hvlis_ring_mask_interrupts(struct hvlis_ring *r)
{
	HVLIS_WRITE_ONCE(r->hdr->interrupt_mask, 1);
	hvlis_mb();
}

/**
 * hvlis_ring_unmask_interrupts() - ask to be signalled again
 * @r: the ring (its reader side)
 *
 * Return: bytes waiting in the ring after unmasking. Data that arrived while
 * masked raised no signal, so a non-zero result means: poll again.
 * A corrupt ring reports 0 here; the next read reports the corruption.
 */
u32 hvlis_ring_unmask_interrupts(struct hvlis_ring *r)
{
	u32 to_read, to_write;

	HVLIS_WRITE_ONCE(r->hdr->interrupt_mask, 0);
	hvlis_mb();
	if (hvlis_ring_space(r, &to_read, &to_write))
		return 0;
	return to_read;
}

/**
 * hvlis_ring_set_pending_send() - ask the reader to signal when room frees
 * @r: the ring (its writer side)
 * @bytes: room wanted; 0 cancels the request
 */
void hvlis_ring_set_pending_send(struct hvlis_ring *r, u32 bytes)
{
	HVLIS_WRITE_ONCE(r->hdr->pending_send_sz, bytes);
	hvlis_mb();
}
