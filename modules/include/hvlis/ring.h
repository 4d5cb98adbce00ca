/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus ring buffer core: index arithmetic, wrap-around copies, packet
 * framing and the interrupt-mask / pending-send-size signalling rules.
 *
 * This code touches only the ring's memory, never the hypervisor, so the
 * same source runs in hv_vmbus, in the simulated host and in the userspace
 * tests. Both indices live in memory the other side can write at any time:
 * every index read from the ring is validated before it is used.
 */
#ifndef HVLIS_RING_H
#define HVLIS_RING_H

#include <hvlis/vmbus_proto.h>

struct hvlis_ring {
	struct hvlis_ring_header *hdr;	/* control page shared with the peer */
	u8 *data;			/* data area, 'size' bytes */
	u32 size;			/* multiple of 8, at least one page */
};

/* A piece of a packet to write (gathered into the ring in order). */
struct hvlis_ring_vec {
	const void *base;
	u32 len;
};

int hvlis_ring_init(struct hvlis_ring *r, void *ring_pages, u32 total_bytes);

int hvlis_ring_space(const struct hvlis_ring *r, u32 *to_read, u32 *to_write);

int hvlis_ring_write(struct hvlis_ring *r, const struct hvlis_ring_vec *vec,
		     unsigned int nvec, bool *signal);

int hvlis_ring_peek(const struct hvlis_ring *r, struct hvlis_packet_desc *desc,
		    u32 *pkt_len);

int hvlis_ring_read(struct hvlis_ring *r, void *buf, u32 buf_len,
		    u32 *pkt_len, bool *signal);

int hvlis_ring_recv(struct hvlis_ring *r, bool payload_only, void *buf, u32 buf_len,
		    struct hvlis_packet_desc *desc, u32 *len, bool *signal);

int hvlis_ring_skip(struct hvlis_ring *r, bool *signal);

int hvlis_ring_copy_out(const struct hvlis_ring *r, u32 offset, void *dst, u32 len);

void hvlis_ring_mask_interrupts(struct hvlis_ring *r);

u32 hvlis_ring_unmask_interrupts(struct hvlis_ring *r);

void hvlis_ring_set_pending_send(struct hvlis_ring *r, u32 bytes);

int hvlis_packet_validate(const struct hvlis_packet_desc *desc, u32 pkt_len);

int hvlis_gpa_ranges_check(const void *ranges, u32 bytes, u32 count, u32 *used,
			   u64 *total_len);

/*
 * PFNs a GPA range of a GPA-direct packet carries: the pages that bytes
 * [byte_offset, byte_offset + byte_count) touch. 64-bit arithmetic: the
 * fields come from the other side and may be anything.
 */
static inline u64 hvlis_gpa_range_pfns(u32 byte_offset, u32 byte_count)
{
	return ((u64)byte_offset + byte_count + HVLIS_HV_PAGE_SIZE - 1) >>
		HVLIS_HV_PAGE_SHIFT;
}

/* Bytes a packet of 'payload' bytes occupies in the ring, trailer included. */
static inline u32 hvlis_ring_packet_bytes(u32 payload)
{
	return ((payload + 7u) & ~7u) + HVLIS_RING_TRAILER_BYTES;
}

/* ---- Reading in place, in batches (ring_iter.c) */

/*
 * A batch of packets read in place: begin takes one snapshot of the
 * indices, next hands out the packets it covers one by one, end publishes
 * the read index once for all of them (hvlis_ring_release()).
 */
struct hvlis_ring_iter {
	u32 start;	/* read index at begin */
	u32 used;	/* bytes of packets the snapshot saw */
	u32 done;	/* bytes (trailers included) handed out so far */
};

void hvlis_ring_release(struct hvlis_ring *r, u32 read_start, u32 freed, bool *signal);

int hvlis_ring_iter_begin(const struct hvlis_ring *r, struct hvlis_ring_iter *it);

int hvlis_ring_iter_next(const struct hvlis_ring *r, struct hvlis_ring_iter *it,
			 void *bounce, u32 bounce_len, struct hvlis_packet_desc *desc,
			 const void **pkt, u32 *pkt_len);

void hvlis_ring_iter_end(struct hvlis_ring *r, const struct hvlis_ring_iter *it,
			 bool *signal);

u32 hvlis_ring_write_avail(const struct hvlis_ring *r);

#endif
