// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for reading a ring in place, in batches
 * (modules/proto/ring_iter.c), and for the writer's room
 * (hvlis_ring_write_avail()): the read index moves once per batch, by the
 * sum of the packets handed out; a packet that wraps comes through the
 * bounce buffer; the writer is signalled at most once per batch and only
 * when the batch took the free space across its pending_send_sz; a host
 * that rewrites indices or descriptors mid-batch cannot make the reader
 * leave the snapshot it began with.
 *
 * Rings are allocated with exactly their size (ASan catches any access
 * past the data area).
 */
#define HVTEST_SUITE "ring_iter"
#include "hvtest.h"

#include <hvlis/ring.h>

#define PAGE 4096u

struct tring {
	u8 *mem;
	struct hvlis_ring r;
};

static bool tring_new(struct tring *t, u32 total)
{
	t->mem = calloc(1, total);
	if (!CHECK(t->mem != NULL))
		return false;
	return CHECK_EQ(hvlis_ring_init(&t->r, t->mem, total), 0);
}

static void tring_free(struct tring *t)
{
	free(t->mem);
}

/* Empty ring with both indices at @at. */
static void tring_place(struct tring *t, u32 at)
{
	t->r.hdr->read_index = at;
	t->r.hdr->write_index = at;
}

/* Writes one in-band packet of @len bytes (descriptor included). */
static int put(struct tring *t, u32 len, u32 seed)
{
	u8 buf[8192];
	struct hvlis_packet_desc d = {
		.type = HVLIS_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = (u16)((len + 7) / 8),
		.trans_id = 1000 + seed,
	};
	struct hvlis_ring_vec v = { buf, len };
	bool sig;
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + i);
	memcpy(buf, &d, sizeof(d));
	return hvlis_ring_write(&t->r, &v, 1, &sig);
}

static bool payload_ok(const u8 *pkt, u32 len, u32 seed)
{
	u32 i;

	for (i = sizeof(struct hvlis_packet_desc); i < len; i++)
		if (pkt[i] != (u8)(seed + i))
			return false;
	return true;
}

TEST(batch_moves_read_index_once)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len, n = 0;
	bool sig = true;

	if (!tring_new(&t, 4 * PAGE))
		return;
	CHECK_EQ(put(&t, 64, 1), 0);
	CHECK_EQ(put(&t, 104, 2), 0);
	CHECK_EQ(put(&t, 40, 3), 0);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	while (hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len) == 0) {
		n++;
		CHECK_EQ(d.trans_id, 1000 + n);
		CHECK(payload_ok(p, len, n));
		/* Nothing is handed back before the batch ends. */
		CHECK_EQ(t.r.hdr->read_index, 0);
	}
	CHECK_EQ(n, 3);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK(!sig);
	CHECK_EQ(t.r.hdr->read_index, 64 + 8 + 104 + 8 + 40 + 8);
	CHECK_EQ(t.r.hdr->read_index, t.r.hdr->write_index);
	tring_free(&t);
}

TEST(batch_stopped_early_keeps_the_rest)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	CHECK_EQ(put(&t, 64, 1), 0);
	CHECK_EQ(put(&t, 64, 2), 0);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), 0);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, 72);
	/* The next batch starts with the packet the first did not reach. */
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), 0);
	CHECK_EQ(d.trans_id, 1002);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EAGAIN);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, 144);
	tring_free(&t);
}

TEST(empty_batch_changes_nothing)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	tring_place(&t, 256);
	t.r.hdr->pending_send_sz = 8;
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EAGAIN);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK(!sig);
	CHECK_EQ(t.r.hdr->read_index, 256);
	tring_free(&t);
}

TEST(in_place_unless_wrapped)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	u8 bounce[256];
	const void *p;
	u32 len, size;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	size = t.r.size;
	/* The first packet lies before the end of the data area; the second wraps. */
	tring_place(&t, size - 136);
	CHECK_EQ(put(&t, 64, 1), 0);
	CHECK_EQ(put(&t, 200, 2), 0);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, bounce, sizeof(bounce), &d, &p, &len), 0);
	CHECK((const u8 *)p == t.r.data + size - 136);
	CHECK_EQ(len, 64);
	CHECK(payload_ok(p, len, 1));
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, bounce, sizeof(bounce), &d, &p, &len), 0);
	CHECK((const u8 *)p == bounce);
	CHECK_EQ(len, 200);
	CHECK(payload_ok(p, len, 2));
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, t.r.hdr->write_index);
	tring_free(&t);
}

TEST(wrapped_packet_too_big_for_bounce_is_skipped)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	u8 bounce[64];
	const void *p = NULL;
	u32 len, size;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	size = t.r.size;
	tring_place(&t, size - 64);
	CHECK_EQ(put(&t, 200, 1), 0);
	CHECK_EQ(put(&t, 32, 2), 0);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, bounce, sizeof(bounce), &d, &p, &len),
		 -EMSGSIZE);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, bounce, sizeof(bounce), &d, &p, &len), 0);
	CHECK_EQ(d.trans_id, 1002);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, t.r.hdr->write_index);
	tring_free(&t);
}

/*
 * The writer filled the ring and asked for 'pending' bytes; a batch that
 * frees enough signals once, at its end, never per packet.
 */
TEST(pending_send_signalled_once_per_batch)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len, n = 0, ta, tw;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	while (put(&t, 120, n) == 0)
		n++;
	CHECK(n > 4);
	CHECK_EQ(hvlis_ring_space(&t.r, &ta, &tw), 0);
	/* Wants room for three more packets: more than is free now. */
	t.r.hdr->pending_send_sz = 3 * hvlis_ring_packet_bytes(120);
	CHECK(tw <= t.r.hdr->pending_send_sz);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	while (hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len) == 0)
		;
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK(sig);
	tring_free(&t);
}

TEST(pending_send_not_crossed_no_signal)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len, n = 0;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	while (put(&t, 120, n) == 0)
		n++;
	/* Wants more than the whole ring: one packet read does not get there. */
	t.r.hdr->pending_send_sz = t.r.size;
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), 0);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK(!sig);
	tring_free(&t);
}

TEST(pending_send_already_satisfied_no_signal)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	CHECK_EQ(put(&t, 120, 1), 0);
	/* Plenty of room before the batch: the writer is not waiting for it. */
	t.r.hdr->pending_send_sz = 256;
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), 0);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK(!sig);
	tring_free(&t);
}

/* The host moves its write index on mid-batch: the batch keeps its snapshot. */
TEST(batch_ignores_writes_after_begin)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len, n = 0;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	CHECK_EQ(put(&t, 64, 1), 0);
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(put(&t, 64, 2), 0);
	t.r.hdr->write_index = 4000;	/* garbage, after the snapshot */
	while (hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len) == 0)
		n++;
	CHECK_EQ(n, 1);
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, 72);
	tring_free(&t);
}

TEST(corrupt_indices_at_begin)
{
	struct tring t;
	struct hvlis_ring_iter it;

	if (!tring_new(&t, 2 * PAGE))
		return;
	t.r.hdr->write_index = t.r.size;	/* out of range */
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), -EIO);
	t.r.hdr->write_index = 12;		/* misaligned */
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), -EIO);
	t.r.hdr->write_index = 0;
	t.r.hdr->read_index = 4;
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), -EIO);
	tring_free(&t);
}

/* A descriptor claiming more than the snapshot holds, or nonsense offsets. */
TEST(corrupt_descriptor_is_eio)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d, *rd;
	const void *p;
	u32 len;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	CHECK_EQ(put(&t, 64, 1), 0);
	rd = (struct hvlis_packet_desc *)t.r.data;
	rd->len8 = 100;			/* 800 bytes: more than was written */
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EIO);
	rd->len8 = 8;
	rd->offset8 = 1;		/* data inside the descriptor */
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EIO);
	rd->offset8 = 9;		/* data after the end */
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EIO);
	/* Nothing was handed out, so nothing is released. */
	hvlis_ring_iter_end(&t.r, &it, &sig);
	CHECK_EQ(t.r.hdr->read_index, 0);
	tring_free(&t);
}

/* A snapshot with less than a descriptor and trailer: the host lied. */
TEST(short_snapshot_is_eio)
{
	struct tring t;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc d;
	const void *p;
	u32 len;

	if (!tring_new(&t, 2 * PAGE))
		return;
	t.r.hdr->write_index = 16;
	CHECK_EQ(hvlis_ring_iter_begin(&t.r, &it), 0);
	CHECK_EQ(hvlis_ring_iter_next(&t.r, &it, NULL, 0, &d, &p, &len), -EIO);
	tring_free(&t);
}

/* write_avail is exactly the largest packet hvlis_ring_write() accepts. */
static void avail_exact_at(u32 start)
{
	struct tring t;
	u32 avail, payload;

	if (!tring_new(&t, 2 * PAGE))
		return;
	tring_place(&t, start);
	CHECK_EQ(put(&t, 1000, 1), 0);
	avail = hvlis_ring_write_avail(&t.r);
	CHECK_EQ(avail, t.r.size - hvlis_ring_packet_bytes(1000) - 8);
	payload = avail - HVLIS_RING_TRAILER_BYTES;
	/* 8 bytes more does not fit ... */
	CHECK_EQ(put(&t, payload + 8, 2), -EAGAIN);
	/* ... exactly avail does, and leaves nothing. */
	CHECK_EQ(put(&t, payload, 3), 0);
	CHECK_EQ(hvlis_ring_write_avail(&t.r), 0);
	tring_free(&t);
}

TEST(write_avail_exact_from_zero)
{
	avail_exact_at(0);
}

TEST(write_avail_exact_wrapped)
{
	avail_exact_at(2 * PAGE - PAGE - 512);
}

TEST(write_avail_corrupt_is_zero)
{
	struct tring t;

	if (!tring_new(&t, 2 * PAGE))
		return;
	t.r.hdr->read_index = 3;
	CHECK_EQ(hvlis_ring_write_avail(&t.r), 0);
	tring_free(&t);
}

HVTEST_MAIN()
