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
	u32 read = HVLIS_READ_ONCE(r->hdr->read_index);
	u32 write = HVLIS_READ_ONCE(r->hdr->write_index);
	u32 used;

	if (!index_ok(r, read) || !index_ok(r, write))
		return -EIO;
	used = ring_used(r, read, write);
	*to_read = used;
	*to_write = r->size - used;
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
	u32 read, write, old_write, free_bytes, len = 0, padded;
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

	read = HVLIS_READ_ONCE(r->hdr->read_index);
	write = HVLIS_READ_ONCE(r->hdr->write_index);
	if (!index_ok(r, read) || !index_ok(r, write))
		return -EIO;
	free_bytes = r->size - ring_used(r, read, write);
	/* Never fill the ring completely: full would look like empty. */
	if (free_bytes <= padded + HVLIS_RING_TRAILER_BYTES)
		return -EAGAIN;

	old_write = write;
	for (i = 0; i < nvec; i++)
		write = ring_copy_to(r, write, vec[i].base, vec[i].len);
	write = ring_copy_to(r, write, zeros, padded - len);
	trailer = (u64)old_write << 32;
	write = ring_copy_to(r, write, &trailer, sizeof(trailer));

	/* The packet must be visible before the index that publishes it. */
	hvlis_mb();
	HVLIS_WRITE_ONCE(r->hdr->write_index, write);
	hvlis_mb();

	if (HVLIS_READ_ONCE(r->hdr->interrupt_mask))
		return 0;
	hvlis_rmb();
	*signal = HVLIS_READ_ONCE(r->hdr->read_index) == old_write;
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
	u32 read = HVLIS_READ_ONCE(r->hdr->read_index);
	u32 write = HVLIS_READ_ONCE(r->hdr->write_index);
	u32 used;

	if (!index_ok(r, read) || !index_ok(r, write))
		return -EIO;
	used = ring_used(r, read, write);
	if (!used)
		return -EAGAIN;
	if (used < sizeof(*desc) + HVLIS_RING_TRAILER_BYTES)
		return -EIO;
	/* Read the data only after the index that published it. */
	hvlis_rmb();
	ring_copy_from(r, read, desc, sizeof(*desc));
	if (hvlis_packet_validate(desc, used - HVLIS_RING_TRAILER_BYTES))
		return -EIO;
	*pkt_len = (u32)desc->len8 * 8;
	return 0;
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
	u32 to_read, to_write, start;

	if (hvlis_ring_space(r, &to_read, &to_write))
		return -EIO;
	if (offset > to_read || len > to_read - offset)
		return -EIO;
	hvlis_rmb();
	start = HVLIS_READ_ONCE(r->hdr->read_index) + offset;
	if (start >= r->size)
		start -= r->size;
	ring_copy_from(r, start, dst, len);
	return 0;
}

/* Hand the space of the packet of 'len' bytes at the read index back. */
static void ring_consume(struct hvlis_ring *r, u32 len, bool *signal)
{
	u32 read, before, after, pending;

	read = HVLIS_READ_ONCE(r->hdr->read_index);
	before = r->size - ring_used(r, read, HVLIS_READ_ONCE(r->hdr->write_index));
	read += len + HVLIS_RING_TRAILER_BYTES;
	if (read >= r->size)
		read -= r->size;

	/* Finish reading the packet before handing its space back. */
	hvlis_mb();
	HVLIS_WRITE_ONCE(r->hdr->read_index, read);
	hvlis_mb();

	pending = HVLIS_READ_ONCE(r->hdr->pending_send_sz);
	if (!pending)
		return;
	after = before + len + HVLIS_RING_TRAILER_BYTES;
	*signal = before <= pending && after > pending;
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
	u32 len;
	int ret;

	*signal = false;
	ret = hvlis_ring_peek(r, &desc, &len);
	if (ret)
		return ret;
	*pkt_len = len;
	if (buf_len < len)
		return -ENOBUFS;
	ring_copy_from(r, HVLIS_READ_ONCE(r->hdr->read_index), buf, len);
	ring_consume(r, len, signal);
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
	u32 len;
	int ret;

	*signal = false;
	ret = hvlis_ring_peek(r, &desc, &len);
	if (ret)
		return ret;
	ring_consume(r, len, signal);
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
