// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regression test for a double fetch (time of check to time of use) of the
 * ring indices, found by this test suite and fixed in ring_core.c.
 *
 * ring.h promises that every index read from the shared control page is
 * validated before use, because the host can write that page at any time.
 * hvlis_ring_copy_out() and hvlis_ring_read() fetch read_index once to
 * validate it and then fetched it again to compute where to copy from. A
 * host that changed read_index between the two fetches made the guest copy
 * from outside the data area. The sweep at the end plays a hostile host at
 * every fetch of every operation; ASan fails the case on any overrun.
 *
 * To hit the window deterministically, this file compiles ring_core.c into
 * itself with HVLIS_READ_ONCE replaced by a hook that plays the host: on the
 * n-th fetch of read_index it first stores a hostile value there. The code
 * under test is not modified.
 */
#define HVTEST_SUITE "ring_toctou"
#include "hvtest.h"

#include <hvlis/types.h>

static const void *watch_addr;
static int watch_fetches, flip_at;
static u32 flip_to;

static u32 host_fetch32(const void *p)
{
	if (p == watch_addr && ++watch_fetches == flip_at)
		*(volatile u32 *)(void *)(uintptr_t)p = flip_to;	/* the host writes */
	return *(const volatile u32 *)p;
}

#undef HVLIS_READ_ONCE
#define HVLIS_READ_ONCE(x) host_fetch32((const void *)&(x))

/*
 * The same for the packet's descriptor, which ring_core.c copies out of the
 * data area with memcpy: on the n-th copy from the descriptor's address
 * the host first rewrites the descriptor (desc_flip_to, 16 bytes).
 */
static const void *desc_addr;
static int desc_fetches, desc_flip_at;
static u8 desc_flip_to[16];

static void *host_memcpy(void *dst, const void *src, size_t n)
{
	if (desc_addr && src == desc_addr && ++desc_fetches == desc_flip_at)
		memmove((void *)(uintptr_t)src, desc_flip_to, sizeof(desc_flip_to));
	return memmove(dst, src, n);
}

#define memcpy(d, s, n) host_memcpy(d, s, n)

#include <ring_core.c>

#define TOTAL (2 * 4096u)

/* A ring with one 32-byte packet at index 0, the hook armed on read_index. */
static u8 *ring_with_packet(struct hvlis_ring *r, u8 pkt[32], int flip_fetch, u32 value)
{
	u8 *mem = calloc(1, TOTAL);	/* exact size: ASan sees any overrun */
	struct hvlis_packet_desc d = { HVLIS_PKT_DATA_INBAND, 2, 4, 0, 7 };
	struct hvlis_ring_vec v = { pkt, 32 };
	bool sig;
	u32 i;

	if (!mem)
		return NULL;
	for (i = 0; i < 32; i++)
		pkt[i] = (u8)(0x40 + i);
	memcpy(pkt, &d, sizeof(d));
	hvlis_ring_init(r, mem, TOTAL);
	if (hvlis_ring_write(r, &v, 1, &sig))
		return NULL;
	watch_addr = (const void *)&r->hdr->read_index;
	watch_fetches = 0;
	flip_at = flip_fetch;
	flip_to = value;
	return mem;
}

/*
 * copy_out: fetch 1 (in hvlis_ring_space) is validated; the host then sets
 * read_index to 8200, out of range. Expected: -EIO, or the packet's bytes
 * from the validated index. Actual: start = 8200 - 4096 = 4104, and the
 * 8-byte copy reads data[4104..4111], past the 4096-byte data area.
 */
TEST(copy_out_uses_validated_read_index)
{
	struct hvlis_ring r;
	u8 pkt[32], out[8];
	u8 *mem = ring_with_packet(&r, pkt, 2, 8200);
	int ret;

	if (!CHECK(mem != NULL))
		return;
	ret = hvlis_ring_copy_out(&r, 0, out, sizeof(out));
	CHECK(ret == -EIO || ret == 0);
	if (ret == 0)
		CHECK_MEM_EQ(out, pkt, sizeof(out));
	free(mem);
}

/*
 * read: fetch 1 (in hvlis_ring_peek) is validated; the host then sets
 * read_index to 4104. Expected: -EIO, or the packet from index 0.
 * Actual: ring_copy_from(r, 4104, buf, 32) reads 32 bytes past the end of
 * the data area.
 */
TEST(read_uses_validated_read_index)
{
	struct hvlis_ring r;
	u8 pkt[32], out[32];
	u8 *mem = ring_with_packet(&r, pkt, 2, 4104);
	u32 len = 0;
	bool sig;
	int ret;

	if (!CHECK(mem != NULL))
		return;
	ret = hvlis_ring_read(&r, out, sizeof(out), &len, &sig);
	CHECK(ret == -EIO || ret == 0);
	if (ret == 0) {
		CHECK_EQ(len, 32);
		CHECK_MEM_EQ(out, pkt, 32);
	}
	free(mem);
}

/*
 * Found by the simulated host (a lost wakeup): the reader's snapshot sees a
 * roomy ring; before the reader hands the packet's space back, the writer
 * fills the ring and asks (pending_send_sz = 100) to be woken when more than
 * 100 bytes are free. Free space before the read: 4096 - 4000 = 96; after:
 * 136. The read crosses the threshold and must signal. Judged with the
 * snapshot's write index (40) it looked like 4056 -> 4096 and stayed silent.
 */
TEST(signal_judged_with_current_write_index)
{
	struct hvlis_ring r;
	u8 pkt[32], out[32];
	u8 *mem = ring_with_packet(&r, pkt, 0, 0);
	u32 len = 0;
	bool sig = false;

	if (!CHECK(mem != NULL))
		return;
	r.hdr->pending_send_sz = 100;
	watch_addr = (const void *)&r.hdr->write_index;
	watch_fetches = 0;
	flip_at = 2;		/* the first fetch is the snapshot */
	flip_to = 4000;		/* the writer filled the ring meanwhile */
	CHECK_EQ(hvlis_ring_read(&r, out, sizeof(out), &len, &sig), 0);
	CHECK_EQ(len, 32);
	CHECK(sig);
	free(mem);
}

/*
 * Every reader operation, with the host rewriting read_index (or
 * write_index) at its 1st..6th fetch to values out of range, misaligned or
 * merely different. Each call must return a defined result and never touch
 * memory outside the ring (ASan).
 */
TEST(hostile_index_at_every_fetch)
{
	static const u32 values[] = { 8200, 4104, 4095, 12, 0, 0xfffffff8u };
	struct hvlis_packet_desc desc;
	struct hvlis_ring r;
	u8 pkt[32], out[64];
	u32 len, a, b;
	unsigned int op, at, v, which;
	bool sig;
	int ret;
	u8 *mem;

	for (which = 0; which < 2; which++)
	for (op = 0; op < 6; op++)
	for (at = 1; at <= 6; at++)
	for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		mem = ring_with_packet(&r, pkt, (int)at, values[v]);
		if (!CHECK(mem != NULL))
			return;
		if (which)
			watch_addr = (const void *)&r.hdr->write_index;
		switch (op) {
		case 0:
			ret = hvlis_ring_space(&r, &a, &b);
			break;
		case 1:
			ret = hvlis_ring_peek(&r, &desc, &len);
			break;
		case 2:
			ret = hvlis_ring_copy_out(&r, 8, out, 24);
			break;
		case 3:
			ret = hvlis_ring_read(&r, out, sizeof(out), &len, &sig);
			break;
		case 4:
			ret = hvlis_ring_recv(&r, true, out, sizeof(out), &desc, &len, &sig);
			break;
		default:
			ret = hvlis_ring_skip(&r, &sig);
			break;
		}
		if (!CHECK(ret == 0 || ret == -EIO || ret == -EAGAIN || ret == -ENOBUFS)) {
			free(mem);
			return;
		}
		free(mem);
	}
}

/*
 * Raw receive (the whole packet, descriptor included): the descriptor is
 * copied and validated, then the packet copied. A host that rewrites the
 * descriptor between the two got its new offset8/len8/trans_id handed to
 * the caller in the buffer, unvalidated: a double fetch. Every field is
 * flipped at every descriptor fetch; the descriptor in the buffer must be
 * the validated one (the same as *desc, consistent with the length).
 */
TEST(raw_recv_hands_out_the_validated_descriptor)
{
	static const struct hvlis_packet_desc hostile[] = {
		{ HVLIS_PKT_DATA_INBAND, 2, 0x7fff, 0, 7 },	/* len8 huge */
		{ HVLIS_PKT_DATA_INBAND, 0x7fff, 4, 0, 7 },	/* offset8 past the end */
		{ HVLIS_PKT_DATA_INBAND, 0, 4, 0, 7 },		/* offset8 inside the descriptor */
		{ HVLIS_PKT_DATA_INBAND, 2, 1, 0, 7 },		/* len8 shorter than offset */
		{ HVLIS_PKT_COMP, 2, 4, 0xffff, 7 },		/* type and flags */
		{ HVLIS_PKT_DATA_INBAND, 2, 4, 0, 0xdeadbeefull },	/* trans_id */
	};
	struct hvlis_packet_desc desc, got;
	struct hvlis_ring r;
	u8 pkt[32], out[64];
	unsigned int h, mode;
	int at, ret;
	u32 len;
	bool sig;
	u8 *mem;

	for (mode = 0; mode < 2; mode++)
	for (h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++)
	for (at = 1; at <= 3; at++) {
		mem = ring_with_packet(&r, pkt, 0, 0);
		if (!CHECK(mem != NULL))
			return;
		desc_addr = r.data;
		desc_fetches = 0;
		desc_flip_at = at;
		memcpy(desc_flip_to, &hostile[h], sizeof(desc_flip_to));
		memset(out, 0, sizeof(out));
		len = 0;
		if (mode)
			ret = hvlis_ring_recv(&r, false, out, sizeof(out), &desc, &len, &sig);
		else
			ret = hvlis_ring_read(&r, out, sizeof(out), &len, &sig);
		desc_addr = NULL;
		if (!CHECK(ret == 0 || ret == -EIO) || ret) {
			free(mem);
			continue;
		}
		memmove(&got, out, sizeof(got));
		if (!CHECK_EQ(got.len8 * 8u, len) || !CHECK(got.offset8 * 8u >= sizeof(got)) ||
		    !CHECK(got.offset8 <= got.len8) ||
		    (mode && !CHECK_MEM_EQ(&got, &desc, sizeof(got)))) {
			free(mem);
			return;
		}
		/* The payload is the packet's, past the validated descriptor. */
		CHECK_MEM_EQ(out + 16, pkt + 16, 16);
		free(mem);
	}
}

HVTEST_MAIN()
