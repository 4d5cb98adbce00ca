// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the VMBus ring buffer core (modules/proto/ring_core.c).
 *
 * Every ring is allocated with exactly its own size, so any access past the
 * data area is caught by ASan or valgrind. The header's reserved bytes are
 * filled with a canary and checked after the operations, which catches
 * stray writes inside the control page.
 */
#define HVTEST_SUITE "ring"
#include "hvtest.h"

#include <hvlis/ring.h>

#define PAGE 4096u

struct tring {
	u8 *mem;
	u32 total;
	u32 size;
	struct hvlis_ring r;	/* writer's view */
	struct hvlis_ring rd;	/* reader's view of the same memory */
};

static const u8 canary_byte = 0x5a;

static bool tring_new(struct tring *t, u32 total)
{
	struct hvlis_ring_header *h;

	t->mem = malloc(total);
	if (!CHECK(t->mem != NULL))
		return false;
	memset(t->mem, 0, total);
	h = (struct hvlis_ring_header *)t->mem;
	memset(h->reserved1, canary_byte, sizeof(h->reserved1));
	memset(h->reserved2, canary_byte, sizeof(h->reserved2));
	t->total = total;
	if (!CHECK_EQ(hvlis_ring_init(&t->r, t->mem, total), 0) ||
	    !CHECK_EQ(hvlis_ring_init(&t->rd, t->mem, total), 0))
		return false;
	t->size = total - PAGE;
	return CHECK_EQ(t->r.size, t->size);
}

/* Checks the control page's reserved bytes and frees the ring. */
static void tring_free(struct tring *t)
{
	const struct hvlis_ring_header *h = (const void *)t->mem;
	size_t i;
	bool ok = true;

	for (i = 0; i < sizeof(h->reserved1); i++)
		ok &= ((const u8 *)h->reserved1)[i] == canary_byte;
	for (i = 0; i < sizeof(h->reserved2); i++)
		ok &= h->reserved2[i] == canary_byte;
	CHECK(ok && "reserved bytes of the ring header were modified");
	CHECK_EQ(h->feature_bits, 0);
	free(t->mem);
	t->mem = NULL;
}

static struct hvlis_ring_header *H(struct tring *t)
{
	return (struct hvlis_ring_header *)t->mem;
}

/* Empty ring whose both indices sit at 'at'. */
static void tring_place(struct tring *t, u32 at)
{
	H(t)->read_index = at;
	H(t)->write_index = at;
}

static int put1(struct hvlis_ring *r, const void *p, u32 len, bool *sig)
{
	struct hvlis_ring_vec v = { p, len };

	return hvlis_ring_write(r, &v, 1, sig);
}

/*
 * Fills buf[0..len) with a packet: a descriptor (offset8 'off8', len8 the
 * padded length in 8-byte units) followed by a recognisable pattern.
 */
static void build_pkt(u8 *buf, u32 len, u16 off8, u32 seed)
{
	struct hvlis_packet_desc d;
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed * 131u + i * 7u + (i >> 8));
	d.type = HVLIS_PKT_DATA_INBAND;
	d.offset8 = off8;
	d.len8 = (u16)((len + 7) / 8);
	d.flags = HVLIS_PKT_FLAG_COMPLETION_REQUESTED;
	d.trans_id = 0x1122334455667700ull + seed;
	memcpy(buf, &d, sizeof(d));
}

static u64 trailer_at(struct tring *t, u32 off)
{
	u64 v;
	u8 b[8];
	u32 i;

	for (i = 0; i < 8; i++)
		b[i] = t->r.data[(off + i) % t->size];
	memcpy(&v, b, 8);
	return v;
}

/* ------------------------------------------------------------------ init */

TEST(init_accepts_page_multiples)
{
	static const u32 sizes[] = { 2 * PAGE, 3 * PAGE, 16 * PAGE, 64 * PAGE };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct hvlis_ring r;
		u8 *mem = calloc(1, sizes[i]);

		if (!CHECK(mem))
			return;
		CHECK_EQ(hvlis_ring_init(&r, mem, sizes[i]), 0);
		CHECK(r.hdr == (void *)mem);
		CHECK(r.data == mem + PAGE);
		CHECK_EQ(r.size, sizes[i] - PAGE);
		free(mem);
	}
}

TEST(init_leaves_indices_alone)
{
	struct hvlis_ring r;
	u8 *mem = calloc(1, 2 * PAGE);
	struct hvlis_ring_header *h = (void *)mem;

	if (!CHECK(mem))
		return;
	h->read_index = 40;
	h->write_index = 96;
	h->interrupt_mask = 1;
	h->pending_send_sz = 77;
	CHECK_EQ(hvlis_ring_init(&r, mem, 2 * PAGE), 0);
	CHECK_EQ(h->read_index, 40);
	CHECK_EQ(h->write_index, 96);
	CHECK_EQ(h->interrupt_mask, 1);
	CHECK_EQ(h->pending_send_sz, 77);
	free(mem);
}

TEST(init_rejects_bad_sizes)
{
	static const u32 bad[] = { 0, 1, 8, PAGE - 1, PAGE, PAGE + 8, 2 * PAGE - 8,
				   2 * PAGE - 1, 2 * PAGE + 1, 2 * PAGE + 8,
				   3 * PAGE - 4096 / 2, 0xffffffffu, 0xfffffff8u };
	struct hvlis_ring r;
	u8 mem[16];
	unsigned int i;

	memset(&r, 0xee, sizeof(r));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(hvlis_ring_init(&r, mem, bad[i]), -EINVAL);
	CHECK_EQ(hvlis_ring_init(&r, NULL, 2 * PAGE), -EINVAL);
	CHECK_EQ(hvlis_ring_init(&r, NULL, 0), -EINVAL);
}

TEST(packet_bytes_rounds_and_adds_trailer)
{
	CHECK_EQ(hvlis_ring_packet_bytes(0), 8);
	CHECK_EQ(hvlis_ring_packet_bytes(1), 16);
	CHECK_EQ(hvlis_ring_packet_bytes(7), 16);
	CHECK_EQ(hvlis_ring_packet_bytes(8), 16);
	CHECK_EQ(hvlis_ring_packet_bytes(9), 24);
	CHECK_EQ(hvlis_ring_packet_bytes(16), 24);
	CHECK_EQ(hvlis_ring_packet_bytes(4095), 4104);
}

/* ------------------------------------------------------- index arithmetic */

TEST(space_index_arithmetic)
{
	struct tring t;
	static const struct { u32 rd, wr, to_read; } cases[] = {
		{ 0, 0, 0 },
		{ 8, 8, 0 },
		{ 4088, 4088, 0 },
		{ 0, 8, 8 },
		{ 0, 4088, 4088 },
		{ 8, 0, 4088 },		/* writer wrapped, one slot short */
		{ 4088, 0, 8 },
		{ 4088, 8, 16 },
		{ 4000, 96, 192 },
		{ 96, 4000, 3904 },
		{ 2048, 2040, 4088 },
		{ 2040, 2048, 8 },
	};
	unsigned int i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u32 tr = 0xdead, tw = 0xbeef;

		H(&t)->read_index = cases[i].rd;
		H(&t)->write_index = cases[i].wr;
		CHECK_EQ(hvlis_ring_space(&t.rd, &tr, &tw), 0);
		CHECK_EQ(tr, cases[i].to_read);
		CHECK_EQ(tw, 4096 - cases[i].to_read);
		CHECK_EQ(tr + tw, t.size);
	}
	tring_free(&t);
}

TEST(space_larger_ring)
{
	struct tring t;
	u32 tr, tw, rd, wr;

	if (!tring_new(&t, 5 * PAGE))
		return;
	for (rd = 0; rd < t.size; rd += 8 * 37) {
		for (wr = 0; wr < t.size; wr += 8 * 41) {
			u32 expect = (wr + t.size - rd) % t.size;

			H(&t)->read_index = rd;
			H(&t)->write_index = wr;
			CHECK_EQ(hvlis_ring_space(&t.r, &tr, &tw), 0);
			CHECK_EQ(tr, expect);
			CHECK_EQ(tw, t.size - expect);
		}
	}
	tring_free(&t);
}

/* --------------------------------------------------------- basic framing */

TEST(write_frames_packet)
{
	struct tring t;
	u8 pkt[40], zeros[8] = { 0 };
	bool sig = false;
	u32 len;

	if (!tring_new(&t, 2 * PAGE))
		return;
	/* 37 bytes at index 64: 40 padded + 8 trailer, ends at 112. */
	tring_place(&t, 64);
	memset(t.r.data, 0xcc, t.size);
	for (len = 0; len < sizeof(pkt); len++)
		pkt[len] = (u8)(len + 1);
	CHECK_EQ(put1(&t.r, pkt, 37, &sig), 0);
	CHECK_EQ(H(&t)->write_index, 112);
	CHECK_EQ(H(&t)->read_index, 64);
	CHECK_MEM_EQ(t.r.data + 64, pkt, 37);
	CHECK_MEM_EQ(t.r.data + 64 + 37, zeros, 3);
	CHECK_EQ(trailer_at(&t, 104), (u64)64 << 32);
	CHECK_EQ(t.r.data[63], 0xcc);
	CHECK_EQ(t.r.data[112], 0xcc);
	tring_free(&t);
}

TEST(write_pads_every_length_and_stamps_trailer)
{
	struct tring t;
	u8 pkt[64], zeros[8] = { 0 };
	u32 len;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (len = 1; len <= 64; len++) {
		u32 start = 8 * (len * 13 % 500), padded = (len + 7) & ~7u;
		bool sig;

		tring_place(&t, start);
		memset(t.r.data, 0xcc, t.size);
		memset(pkt, (int)len, sizeof(pkt));
		CHECK_EQ(put1(&t.r, pkt, len, &sig), 0);
		CHECK_EQ(H(&t)->write_index, start + padded + 8);
		CHECK_MEM_EQ(t.r.data + start, pkt, len);
		CHECK_MEM_EQ(t.r.data + start + len, zeros, padded - len);
		CHECK_EQ(trailer_at(&t, start + padded), (u64)start << 32);
		CHECK_EQ(t.r.data[start + padded + 8], 0xcc);
		if (start)
			CHECK_EQ(t.r.data[start - 1], 0xcc);
	}
	tring_free(&t);
}

TEST(write_gathers_vectors_in_order)
{
	struct tring t;
	u8 a[5] = { 1, 2, 3, 4, 5 }, b[16], c[3] = { 0xa0, 0xa1, 0xa2 }, out[24];
	struct hvlis_ring_vec v[4] = { { a, 5 }, { NULL, 0 }, { b, 16 }, { c, 3 } };
	bool sig;
	u32 i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (i = 0; i < 16; i++)
		b[i] = (u8)(0x10 + i);
	v[1].base = a;	/* zero-length piece in the middle */
	CHECK_EQ(hvlis_ring_write(&t.r, v, 4, &sig), 0);
	CHECK_EQ(H(&t)->write_index, 24 + 8);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 24), 0);
	CHECK_MEM_EQ(out, a, 5);
	CHECK_MEM_EQ(out + 5, b, 16);
	CHECK_MEM_EQ(out + 21, c, 3);
	tring_free(&t);
}

TEST(write_rejects_empty_and_oversized)
{
	struct tring t;
	u8 *big;
	bool sig = true;
	struct hvlis_ring_vec v[3];

	if (!tring_new(&t, 2 * PAGE))
		return;
	big = calloc(1, 2 * t.size);
	if (!CHECK(big)) {
		tring_free(&t);
		return;
	}
	CHECK_EQ(hvlis_ring_write(&t.r, v, 0, &sig), -EINVAL);
	CHECK_EQ(sig, false);
	v[0].base = big;
	v[0].len = 0;
	CHECK_EQ(hvlis_ring_write(&t.r, v, 1, &sig), -EINVAL);
	v[0].len = t.size + 1;
	CHECK_EQ(hvlis_ring_write(&t.r, v, 1, &sig), -EINVAL);
	v[0].len = 0xffffffffu;
	CHECK_EQ(hvlis_ring_write(&t.r, v, 1, &sig), -EINVAL);
	/* Sum overflow attempt: each piece alone looks acceptable. */
	v[0].len = t.size;
	v[1].base = big;
	v[1].len = t.size;
	v[2].base = big;
	v[2].len = 0xffffffffu - 2 * t.size + 2;
	CHECK_EQ(hvlis_ring_write(&t.r, v, 2, &sig), -EINVAL);
	CHECK_EQ(hvlis_ring_write(&t.r, v, 3, &sig), -EINVAL);
	/* A whole-ring packet is well formed but can never fit. */
	CHECK_EQ(hvlis_ring_write(&t.r, v, 1, &sig), -EAGAIN);
	CHECK_EQ(H(&t)->write_index, 0);
	CHECK_EQ(H(&t)->read_index, 0);
	CHECK_EQ(sig, false);
	free(big);
	tring_free(&t);
}

TEST(read_returns_packet_and_advances)
{
	struct tring t;
	u8 pkt[48], out[48];
	struct hvlis_packet_desc d;
	u32 len = 0;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	build_pkt(pkt, 45, 2, 9);
	CHECK_EQ(put1(&t.r, pkt, 45, &sig), 0);
	CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &len), 0);
	CHECK_EQ(len, 48);
	CHECK_EQ(d.len8, 6);
	CHECK_EQ(d.offset8, 2);
	CHECK_EQ(d.trans_id, 0x1122334455667709ull);
	CHECK_EQ(H(&t)->read_index, 0);	/* peek consumes nothing */
	len = 0;
	CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &len, &sig), 0);
	CHECK_EQ(len, 48);
	CHECK_MEM_EQ(out, pkt, 45);
	CHECK_EQ(out[45] | out[46] | out[47], 0);
	CHECK_EQ(H(&t)->read_index, 56);
	CHECK_EQ(H(&t)->write_index, 56);
	CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &len), -EAGAIN);
	tring_free(&t);
}

/* ------------------------------------------------------------ wrap-around */

/* The writer's copy splits at the end of the data area (physical layout). */
TEST(wrap_write_places_bytes_modulo_size)
{
	struct tring t;
	u8 pkt[200];
	u32 start, len, i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (start = t.size - 96; start < t.size; start += 8) {
		for (len = 1; len <= 200; len += 13) {
			u32 padded = (len + 7) & ~7u;
			u32 end = (start + padded + 8) % t.size;
			bool sig;
			bool ok = true;

			tring_place(&t, start);
			memset(t.r.data, 0xcc, t.size);
			for (i = 0; i < len; i++)
				pkt[i] = (u8)(start + i * 3 + len);
			CHECK_EQ(put1(&t.r, pkt, len, &sig), 0);
			CHECK_EQ(H(&t)->write_index, end);
			for (i = 0; i < len; i++)
				ok &= t.r.data[(start + i) % t.size] == pkt[i];
			for (; i < padded; i++)
				ok &= t.r.data[(start + i) % t.size] == 0;
			CHECK(ok);
			CHECK_EQ(trailer_at(&t, (start + padded) % t.size), (u64)start << 32);
			/* Nothing outside the packet moved. */
			ok = true;
			for (i = padded + 8; i < t.size; i++)
				ok &= t.r.data[(start + i) % t.size] == 0xcc;
			CHECK(ok);
		}
	}
	tring_free(&t);
}

/* The reader's copy (descriptor included) splits at the end. */
TEST(wrap_read_reassembles_packets)
{
	struct tring t;
	u8 pkt[256], out[256];
	u32 start, len;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (start = t.size - 128; start < t.size; start += 8) {
		for (len = 16; len <= 256; len += 11) {
			u32 padded = (len + 7) & ~7u, got = 0;
			struct hvlis_packet_desc d;
			bool sig;

			tring_place(&t, start);
			build_pkt(pkt, len, 2, start + len);
			CHECK_EQ(put1(&t.r, pkt, len, &sig), 0);
			CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), 0);
			CHECK_MEM_EQ(&d, pkt, sizeof(d));
			CHECK_EQ(got, padded);
			memset(out, 0xee, sizeof(out));
			CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), 0);
			CHECK_EQ(got, padded);
			CHECK_MEM_EQ(out, pkt, len);
			CHECK_EQ(H(&t)->read_index, (start + padded + 8) % t.size);
			CHECK_EQ(H(&t)->read_index, H(&t)->write_index);
		}
	}
	tring_free(&t);
}

/* Reader behind the writer (write > read) and writer wrapped (write < read). */
TEST(wrap_both_index_orders)
{
	struct tring t;
	u8 pkt[1000], out[1000];
	u32 round, wraps = 0;

	if (!tring_new(&t, 2 * PAGE))
		return;
	tring_place(&t, 3000);
	for (round = 0; round < 40; round++) {
		u32 len = 400 + round * 13, tr, tw, got;
		u32 w0 = H(&t)->write_index, expect_w;
		bool sig;

		build_pkt(pkt, len, 2, round);
		CHECK_EQ(put1(&t.r, pkt, len, &sig), 0);
		expect_w = (w0 + hvlis_ring_packet_bytes(len)) % t.size;
		CHECK_EQ(H(&t)->write_index, expect_w);
		CHECK_EQ(hvlis_ring_space(&t.rd, &tr, &tw), 0);
		CHECK_EQ(tr, hvlis_ring_packet_bytes(len));
		if (expect_w < w0) {
			/* Writer wrapped: write index below read index. */
			CHECK(H(&t)->write_index < H(&t)->read_index);
			wraps++;
		} else {
			CHECK(H(&t)->write_index > H(&t)->read_index);
		}
		CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), 0);
		CHECK_MEM_EQ(out, pkt, len);
	}
	CHECK(wraps >= 5);
	tring_free(&t);
}

/* ---------------------------------------------- randomised FIFO vs model */

/*
 * The reference model: the byte stream the ring must hold, as a plain FIFO
 * (payload, zero padding, trailer for every packet), plus the queue of
 * packet lengths. It knows nothing of ring indices except that they advance
 * by the number of bytes pushed and popped.
 */
struct model {
	u8 *fifo;
	u32 cap, head, count;
	struct mpkt { u32 len, padded; bool has_desc; } *pkts;
	u32 pcap, phead, pcount;
	u32 windex, rindex;	/* expected indices */
};

static void model_push(struct model *m, const u8 *p, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		m->fifo[(m->head + m->count + i) % m->cap] = p[i];
	m->count += n;
	m->windex = (m->windex + n) % m->cap;
}

static u8 model_at(const struct model *m, u32 i)
{
	return m->fifo[(m->head + i) % m->cap];
}

static void model_pop(struct model *m, u32 n)
{
	m->head = (m->head + n) % m->cap;
	m->count -= n;
	m->rindex = (m->rindex + n) % m->cap;
}

struct fifo_stats { u32 wraps, writes, reads, skips, eagain, enobufs, signals, pending_signals; };

static void fifo_random_run(u32 total, u64 seed, u32 want_wraps, struct fifo_stats *st)
{
	struct tring t;
	struct model m;
	u8 *pkt, *out, *snap;
	u32 start, steps = 0;
	int phase = 0;
	bool masked = false;

	memset(st, 0, sizeof(*st));
	if (!tring_new(&t, total))
		return;
	hvtest_srand(seed);
	memset(&m, 0, sizeof(m));
	m.cap = t.size;
	m.fifo = calloc(1, m.cap);
	m.pcap = t.size / 16 + 1;
	m.pkts = calloc(m.pcap, sizeof(*m.pkts));
	pkt = malloc(t.size);
	out = malloc(t.size);
	snap = malloc(t.size);
	if (!CHECK(m.fifo && m.pkts && pkt && out && snap))
		goto done;
	start = 8 * hvtest_rand_range(0, t.size / 8 - 1);
	tring_place(&t, start);
	m.windex = m.rindex = start;

	while (st->wraps < want_wraps && steps++ < 4000000) {
		u32 r = hvtest_rand_range(0, 99);
		bool do_write;

		if (hvtest_rand_range(0, 63) == 0)
			phase ^= 1;
		do_write = phase ? r < 25 : r < 75;

		if (hvtest_rand_range(0, 31) == 0) {
			masked = !masked;
			if (masked) {
				hvlis_ring_mask_interrupts(&t.rd);
				CHECK_EQ(H(&t)->interrupt_mask, 1);
			} else {
				CHECK_EQ(hvlis_ring_unmask_interrupts(&t.rd), m.count);
				CHECK_EQ(H(&t)->interrupt_mask, 0);
			}
		}

		if (do_write) {
			struct hvlis_ring_vec v[4];
			u32 len, padded, nvec, i, off, sel = hvtest_rand_range(0, 9);
			u32 free_before = m.cap - m.count;
			bool has_desc, sig = true;
			int ret;

			if (sel < 3)
				len = hvtest_rand_range(1, 32);
			else if (sel < 7)
				len = hvtest_rand_range(1, t.size / 8);
			else
				len = hvtest_rand_range(1, t.size / 2);
			padded = (len + 7) & ~7u;
			has_desc = len >= 16 && hvtest_rand_range(0, 3) != 0;
			if (has_desc)
				build_pkt(pkt, len,
					  (u16)hvtest_rand_range(2, (len + 7) / 8),
					  (u32)hvtest_rand64());
			else
				hvtest_rand_bytes(pkt, len);
			/* Split into 1..4 pieces, some possibly empty. */
			nvec = hvtest_rand_range(1, 4);
			for (i = 0, off = 0; i < nvec; i++) {
				u32 n = i == nvec - 1 ? len - off : hvtest_rand_range(0, len - off);

				v[i].base = pkt + off;
				v[i].len = n;
				off += n;
			}
			memcpy(snap, t.r.data, t.size);
			ret = hvlis_ring_write(&t.r, v, nvec, &sig);
			if (free_before <= padded + 8) {
				CHECK_EQ(ret, -EAGAIN);
				CHECK_EQ(sig, false);
				CHECK_MEM_EQ(snap, t.r.data, t.size);
				st->eagain++;
			} else if (CHECK_EQ(ret, 0)) {
				u8 tail[8] = { 0 };
				u64 tr = (u64)m.windex << 32;
				u32 w0 = m.windex;
				bool expect_sig = !masked && m.count == 0;
				bool ok = true;

				CHECK_EQ(sig, expect_sig);
				st->signals += sig;
				model_push(&m, pkt, len);
				model_push(&m, tail, padded - len);
				memcpy(tail, &tr, 8);
				model_push(&m, tail, 8);
				m.pkts[(m.phead + m.pcount) % m.pcap] =
					(struct mpkt){ len, padded, has_desc };
				m.pcount++;
				st->writes++;
				if (m.windex < w0)
					st->wraps++;
				/* Only the packet's own bytes changed: [windex, w0) did not. */
				if (m.windex <= w0) {
					ok = !memcmp(snap + m.windex, t.r.data + m.windex,
						     w0 - m.windex);
				} else {
					ok = !memcmp(snap + m.windex, t.r.data + m.windex,
						     t.size - m.windex) &&
					     !memcmp(snap, t.r.data, w0);
				}
				CHECK(ok && "write touched bytes outside its packet");
			}
			CHECK_EQ(H(&t)->write_index, m.windex);
		} else if (!m.pcount) {
			struct hvlis_packet_desc d;
			u32 got = 0x1234;
			bool sig = true;

			CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), -EAGAIN);
			CHECK_EQ(hvlis_ring_read(&t.rd, out, t.size, &got, &sig), -EAGAIN);
			CHECK_EQ(sig, false);
		} else {
			struct mpkt p = m.pkts[m.phead];
			u32 i, got = 0, need = p.padded + 8;
			bool ok = true;

			if (p.has_desc) {
				struct hvlis_packet_desc d;
				u32 before = m.cap - m.count, after = before + need;
				u32 pending = 0, sel = hvtest_rand_range(0, 9);
				bool sig = true, expect;

				if (sel >= 4 && sel < 8)
					pending = before - 16 + hvtest_rand_range(0, need + 32);
				else if (sel >= 8)
					pending = hvtest_rand_range(0, t.size + 64);
				hvlis_ring_set_pending_send(&t.r, pending);
				CHECK_EQ(H(&t)->pending_send_sz, pending);
				if (hvtest_rand_range(0, 9) == 0) {
					u32 small = hvtest_rand_range(0, p.padded - 1);

					CHECK_EQ(hvlis_ring_read(&t.rd, out, small, &got, &sig),
						 -ENOBUFS);
					CHECK_EQ(got, p.padded);
					CHECK_EQ(sig, false);
					CHECK_EQ(H(&t)->read_index, m.rindex);
					st->enobufs++;
				}
				CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), 0);
				CHECK_EQ(got, p.padded);
				/* Trailer through copy_out, then the packet through read. */
				CHECK_EQ(hvlis_ring_copy_out(&t.rd, p.padded, out, 8), 0);
				for (i = 0; i < 8; i++)
					ok &= out[i] == model_at(&m, p.padded + i);
				if (hvtest_rand_range(0, 3) == 0) {
					/* Take the bytes with copy_out, then skip. */
					CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, p.padded), 0);
					CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), 0);
					st->skips++;
				} else {
					CHECK_EQ(hvlis_ring_read(&t.rd, out, t.size, &got, &sig), 0);
					CHECK_EQ(got, p.padded);
				}
				for (i = 0; i < p.padded; i++)
					ok &= out[i] == model_at(&m, i);
				expect = pending && before <= pending && pending < after;
				CHECK_EQ(sig, expect);
				st->pending_signals += sig;
			} else {
				/* A consumer that reads raw bytes and moves the index itself. */
				CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, need), 0);
				for (i = 0; i < need; i++)
					ok &= out[i] == model_at(&m, i);
				H(&t)->read_index = (H(&t)->read_index + need) % t.size;
			}
			CHECK(ok && "bytes read differ from the model");
			model_pop(&m, need);
			m.phead = (m.phead + 1) % m.pcap;
			m.pcount--;
			st->reads++;
			CHECK_EQ(H(&t)->read_index, m.rindex);
		}
		if ((steps & 15) == 0) {
			u32 tr, tw;

			CHECK_EQ(hvlis_ring_space(&t.rd, &tr, &tw), 0);
			CHECK_EQ(tr, m.count);
			CHECK_EQ(tw, t.size - m.count);
			CHECK(tw >= 8);
		}
	}
done:
	free(m.fifo);
	free(m.pkts);
	free(pkt);
	free(out);
	free(snap);
	tring_free(&t);
}

TEST(fifo_random_vs_model_2_pages)
{
	struct fifo_stats st;

	fifo_random_run(2 * PAGE, 0x6876c15ull, 5000, &st);
	CHECK(st.wraps >= 5000);
	/* The run must have exercised every outcome it checks. */
	CHECK(st.eagain > 100);
	CHECK(st.enobufs > 100);
	CHECK(st.skips > 100);
	CHECK(st.signals > 100);
	CHECK(st.pending_signals > 10);
}

TEST(fifo_random_vs_model_5_pages)
{
	struct fifo_stats st;

	fifo_random_run(5 * PAGE, 0xfeedface12ull, 2000, &st);
	CHECK(st.wraps >= 2000);
	CHECK(st.eagain > 10);
	CHECK(st.signals > 10);
	CHECK(st.pending_signals > 10);
}

/* ---------------------------------------------------- full/empty boundary */

static void exact_full_boundary_at(u32 start)
{
	struct tring t;
	u8 *pkt, *snap;
	bool sig;
	u32 tr, tw;

	if (!tring_new(&t, 2 * PAGE))
		return;
	pkt = calloc(1, t.size);
	snap = malloc(t.size);
	if (!CHECK(pkt && snap))
		goto out;
	tring_place(&t, start);
	/*
	 * Empty: 4096 free. A packet takes padded + 8 and must leave at least
	 * 8 free: the largest is 4080 bytes (4080 + 8 = 4088).
	 */
	memcpy(snap, t.r.data, t.size);
	CHECK_EQ(put1(&t.r, pkt, 4088, &sig), -EAGAIN);	/* would fill exactly */
	CHECK_EQ(put1(&t.r, pkt, 4081, &sig), -EAGAIN);	/* pads to 4088 */
	CHECK_EQ(put1(&t.r, pkt, 4096, &sig), -EAGAIN);
	CHECK_EQ(H(&t)->write_index, start);
	CHECK_MEM_EQ(snap, t.r.data, t.size);
	CHECK_EQ(put1(&t.r, pkt, 4080, &sig), 0);
	CHECK_EQ(hvlis_ring_space(&t.r, &tr, &tw), 0);
	CHECK_EQ(tr, 4088);
	CHECK_EQ(tw, 8);
	CHECK_EQ(H(&t)->write_index, (start + 4088) % t.size);
	CHECK_NE(H(&t)->write_index, H(&t)->read_index);
	/* 8 bytes left: nothing fits, not even one byte (8 + 8 > 8 - 8). */
	CHECK_EQ(put1(&t.r, pkt, 1, &sig), -EAGAIN);
	CHECK_EQ(sig, false);

	/* Drain and refill with a second layout: 3 packets, last exact. */
	H(&t)->read_index = H(&t)->write_index;
	CHECK_EQ(put1(&t.r, pkt, 1000, &sig), 0);	/* 1008 */
	CHECK_EQ(put1(&t.r, pkt, 2000, &sig), 0);	/* 2008 -> used 3016, free 1080 */
	CHECK_EQ(put1(&t.r, pkt, 1065, &sig), -EAGAIN);	/* 1072 + 8 = 1080 */
	CHECK_EQ(put1(&t.r, pkt, 1064, &sig), 0);	/* 1064 + 8 = 1072 < 1080 */
	CHECK_EQ(hvlis_ring_space(&t.r, &tr, &tw), 0);
	CHECK_EQ(tw, 8);
out:
	free(pkt);
	free(snap);
	tring_free(&t);
}

TEST(full_boundary_exact_at_zero)
{
	exact_full_boundary_at(0);
}

TEST(full_boundary_exact_wrapped)
{
	exact_full_boundary_at(2056);
}

TEST(full_boundary_exact_at_last_slot)
{
	exact_full_boundary_at(4088);
}

TEST(ring_never_completely_full)
{
	struct tring t;
	u8 pkt[600];
	u32 round;

	if (!tring_new(&t, 2 * PAGE))
		return;
	hvtest_srand(77);
	for (round = 0; round < 300; round++) {
		u32 tr, tw, n = 0;
		bool sig;

		tring_place(&t, 8 * hvtest_rand_range(0, 511));
		for (;;) {
			u32 len = hvtest_rand_range(1, 600);
			int ret = put1(&t.r, pkt, len, &sig);

			if (ret == -EAGAIN) {
				CHECK_EQ(hvlis_ring_space(&t.r, &tr, &tw), 0);
				CHECK(tw <= hvlis_ring_packet_bytes(len));
				break;
			}
			if (!CHECK_EQ(ret, 0))
				break;
			n++;
			CHECK_EQ(hvlis_ring_space(&t.r, &tr, &tw), 0);
			CHECK(tw >= 8);
			CHECK(tr > 0);
			CHECK_NE(H(&t)->write_index, H(&t)->read_index);
		}
		CHECK(n > 0);
	}
	tring_free(&t);
}

TEST(read_empty_is_eagain)
{
	struct tring t;
	struct hvlis_packet_desc d;
	u8 out[64];
	u32 got = 0x77;
	bool sig = true;
	u32 at;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (at = 0; at < t.size; at += 8 * 61) {
		tring_place(&t, at);
		CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), -EAGAIN);
		CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), -EAGAIN);
		CHECK_EQ(sig, false);
		sig = true;
		CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), -EAGAIN);
		CHECK_EQ(sig, false);
		CHECK_EQ(H(&t)->read_index, at);
	}
	tring_free(&t);
}

TEST(read_small_buffer_enobufs_leaves_packet)
{
	struct tring t;
	u8 pkt[64], out[64];
	u32 got = 0;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	build_pkt(pkt, 64, 2, 1);
	tring_place(&t, t.size - 24);
	CHECK_EQ(put1(&t.r, pkt, 64, &sig), 0);
	hvlis_ring_set_pending_send(&t.r, 4096 - 72);	/* would signal on a read */
	CHECK_EQ(hvlis_ring_read(&t.rd, out, 63, &got, &sig), -ENOBUFS);
	CHECK_EQ(got, 64);
	CHECK_EQ(sig, false);
	CHECK_EQ(hvlis_ring_read(&t.rd, NULL, 0, &got, &sig), -ENOBUFS);
	CHECK_EQ(got, 64);
	CHECK_EQ(H(&t)->read_index, t.size - 24);
	CHECK_EQ(hvlis_ring_read(&t.rd, out, 64, &got, &sig), 0);
	CHECK_EQ(got, 64);
	CHECK_MEM_EQ(out, pkt, 64);
	CHECK_EQ(sig, true);
	CHECK_EQ(H(&t)->read_index, 48);
	tring_free(&t);
}

TEST(skip_consumes_one_packet)
{
	struct tring t;
	u8 a[40], b[100], out[104];
	u32 got;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	build_pkt(a, 40, 2, 1);
	build_pkt(b, 100, 3, 2);
	tring_place(&t, t.size - 16);
	CHECK_EQ(put1(&t.r, a, 40, &sig), 0);	/* 48 bytes: wraps */
	CHECK_EQ(put1(&t.r, b, 100, &sig), 0);	/* 112 bytes */
	CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), 0);
	CHECK_EQ(sig, false);
	CHECK_EQ(H(&t)->read_index, 32);
	CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), 0);
	CHECK_EQ(got, 104);
	CHECK_MEM_EQ(out, b, 100);
	CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), -EAGAIN);
	CHECK_EQ(H(&t)->read_index, H(&t)->write_index);
	CHECK_EQ(H(&t)->write_index, 144);
	tring_free(&t);
}

/* ------------------------------------------------------- corrupt indices */

static void check_all_ops_eio(struct tring *t, const char *what)
{
	struct hvlis_packet_desc d;
	u8 *snap = malloc(t->total), pkt[32] = { 0 }, out[64];
	u32 got = 0x99, tr = 0x98, tw = 0x97;
	bool sig = true;

	if (!CHECK(snap))
		return;
	memcpy(snap, t->mem, t->total);
	build_pkt(pkt, 32, 2, 3);
	if (!CHECK_EQ(hvlis_ring_space(&t->rd, &tr, &tw), -EIO))
		FAILF("space accepted %s", what);
	CHECK_EQ(hvlis_ring_peek(&t->rd, &d, &got), -EIO);
	CHECK_EQ(hvlis_ring_read(&t->rd, out, sizeof(out), &got, &sig), -EIO);
	CHECK_EQ(sig, false);
	sig = true;
	CHECK_EQ(hvlis_ring_skip(&t->rd, &sig), -EIO);
	CHECK_EQ(sig, false);
	sig = true;
	CHECK_EQ(put1(&t->r, pkt, sizeof(pkt), &sig), -EIO);
	CHECK_EQ(sig, false);
	CHECK_EQ(hvlis_ring_copy_out(&t->rd, 0, out, 8), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t->rd, 0, out, 0), -EIO);
	/* Nothing moved, nothing written. */
	CHECK_MEM_EQ(snap, t->mem, t->total);
	/* Unmasking reports nothing to read on a corrupt ring. */
	H(t)->interrupt_mask = 1;
	CHECK_EQ(hvlis_ring_unmask_interrupts(&t->rd), 0);
	CHECK_EQ(H(t)->interrupt_mask, 0);
	free(snap);
}

TEST(corrupt_read_index_out_of_range)
{
	static const u32 bad[] = { 4096, 4104, 8192, 0x7ffffff8u, 0xfffffff8u };
	struct tring t;
	unsigned int i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		H(&t)->write_index = 64;
		H(&t)->read_index = bad[i];
		check_all_ops_eio(&t, "read index out of range");
	}
	tring_free(&t);
}

TEST(corrupt_write_index_out_of_range)
{
	static const u32 bad[] = { 4096, 4104, 8192, 0x80000000u, 0xfffffff8u };
	struct tring t;
	unsigned int i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		H(&t)->read_index = 64;
		H(&t)->write_index = bad[i];
		check_all_ops_eio(&t, "write index out of range");
	}
	tring_free(&t);
}

TEST(corrupt_index_misaligned)
{
	static const u32 bad[] = { 1, 4, 7, 12, 4092, 4095, 2049 };
	struct tring t;
	unsigned int i;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		H(&t)->read_index = 0;
		H(&t)->write_index = bad[i];
		check_all_ops_eio(&t, "misaligned write index");
		H(&t)->read_index = bad[i];
		H(&t)->write_index = 64;
		check_all_ops_eio(&t, "misaligned read index");
	}
	tring_free(&t);
}

TEST(corrupt_index_larger_ring_boundary)
{
	struct tring t;
	u32 tr, tw;

	if (!tring_new(&t, 3 * PAGE))
		return;
	/* 8184 is the last valid index of an 8192-byte data area. */
	H(&t)->read_index = 8184;
	H(&t)->write_index = 8184;
	CHECK_EQ(hvlis_ring_space(&t.rd, &tr, &tw), 0);
	H(&t)->write_index = 8192;
	check_all_ops_eio(&t, "write index == size");
	tring_free(&t);
}

/* Fewer bytes published than a descriptor and trailer need. */
TEST(corrupt_used_too_small_for_descriptor)
{
	struct tring t;
	struct hvlis_packet_desc d;
	u8 out[64];
	u32 got, w;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	for (w = 8; w < 24; w += 8) {
		H(&t)->read_index = t.size - 8;
		H(&t)->write_index = (t.size - 8 + w) % t.size;
		CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), -EIO);
		CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), -EIO);
		CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), -EIO);
		CHECK_EQ(H(&t)->read_index, t.size - 8);
	}
	tring_free(&t);
}

/* ------------------------------------------------------ lying descriptors */

/*
 * Publishes 'bytes' (a multiple of 8) of packet at 'at' with the given
 * descriptor, plus a trailer, as a host would: directly in memory.
 */
static void publish_raw(struct tring *t, u32 at, u16 off8, u16 len8, u32 bytes)
{
	struct hvlis_packet_desc d = { HVLIS_PKT_DATA_INBAND, off8, len8, 0, 42 };
	u32 i;

	for (i = 0; i < bytes + 8; i++)
		t->r.data[(at + i) % t->size] = (u8)(0x80 + i);
	for (i = 0; i < sizeof(d); i++)
		t->r.data[(at + i) % t->size] = ((const u8 *)&d)[i];
	H(t)->read_index = at;
	H(t)->write_index = (at + bytes + 8) % t->size;
}

static void expect_desc_rejected(struct tring *t, u32 at, u16 off8, u16 len8, u32 bytes)
{
	struct hvlis_packet_desc d;
	u8 *out = malloc(65536 * 8);
	u32 got = 0, tr, tw;
	bool sig = true;

	if (!CHECK(out))
		return;
	publish_raw(t, at, off8, len8, bytes);
	if (!CHECK_EQ(hvlis_ring_peek(&t->rd, &d, &got), -EIO))
		FAILF("peek accepted offset8=%u len8=%u with %u bytes", off8, len8, bytes);
	CHECK_EQ(hvlis_ring_read(&t->rd, out, 65536 * 8, &got, &sig), -EIO);
	CHECK_EQ(sig, false);
	sig = true;
	CHECK_EQ(hvlis_ring_skip(&t->rd, &sig), -EIO);
	CHECK_EQ(sig, false);
	CHECK_EQ(H(t)->read_index, at);
	/* The indices themselves are fine. */
	CHECK_EQ(hvlis_ring_space(&t->rd, &tr, &tw), 0);
	CHECK_EQ(tr, bytes + 8);
	free(out);
}

static void expect_desc_accepted(struct tring *t, u32 at, u16 off8, u16 len8, u32 bytes)
{
	struct hvlis_packet_desc d;
	u8 *out = malloc(65536 * 8);
	u32 got = 0;
	bool sig;

	if (!CHECK(out))
		return;
	publish_raw(t, at, off8, len8, bytes);
	CHECK_EQ(hvlis_ring_peek(&t->rd, &d, &got), 0);
	CHECK_EQ(got, (u32)len8 * 8);
	CHECK_EQ(hvlis_ring_read(&t->rd, out, 65536 * 8, &got, &sig), 0);
	CHECK_EQ(got, (u32)len8 * 8);
	CHECK_EQ(H(t)->read_index, (at + (u32)len8 * 8 + 8) % t->size);
	free(out);
}

TEST(lying_desc_offset8_below_2)
{
	struct tring t;

	if (!tring_new(&t, 2 * PAGE))
		return;
	expect_desc_rejected(&t, 0, 0, 4, 32);
	expect_desc_rejected(&t, 0, 1, 4, 32);
	expect_desc_rejected(&t, t.size - 8, 1, 2, 16);
	expect_desc_accepted(&t, 0, 2, 4, 32);
	tring_free(&t);
}

TEST(lying_desc_len8_below_offset8)
{
	struct tring t;

	if (!tring_new(&t, 2 * PAGE))
		return;
	expect_desc_rejected(&t, 0, 3, 2, 32);
	expect_desc_rejected(&t, 0, 4, 3, 32);
	expect_desc_rejected(&t, 64, 0xffff, 4, 32);
	expect_desc_rejected(&t, 64, 2, 0, 32);
	/* len8 == offset8: a packet with no data is consistent. */
	expect_desc_accepted(&t, 64, 4, 4, 32);
	tring_free(&t);
}

TEST(lying_desc_len8_beyond_available)
{
	struct tring t;

	if (!tring_new(&t, 2 * PAGE))
		return;
	/* 32 bytes published: len8 5 (40) is too long, 4 is exact. */
	expect_desc_rejected(&t, 0, 2, 5, 32);
	expect_desc_rejected(&t, t.size - 8, 2, 5, 32);
	expect_desc_rejected(&t, 0, 2, 0xffff, 32);
	/* The trailer's 8 bytes are not packet data. */
	expect_desc_rejected(&t, 4000, 2, 5, 32);
	expect_desc_accepted(&t, t.size - 8, 2, 4, 32);
	/* A descriptor claiming more than the whole ring. */
	expect_desc_rejected(&t, 8, 2, 0xffff, 4080);
	expect_desc_accepted(&t, 8, 2, 510, 4080);
	expect_desc_rejected(&t, 8, 2, 511, 4080);
	/* A shorter len8 than published is fine: the rest is another packet. */
	expect_desc_accepted(&t, 128, 2, 3, 32);
	tring_free(&t);
}

TEST(packet_validate_table)
{
	static const struct { u16 off8, len8; u32 avail; int expect; } c[] = {
		{ 0, 2, 16, -EIO },
		{ 1, 2, 16, -EIO },
		{ 2, 2, 16, 0 },
		{ 2, 1, 16, -EIO },
		{ 2, 3, 16, -EIO },
		{ 2, 3, 24, 0 },
		{ 2, 3, 23, -EIO },
		{ 3, 2, 100, -EIO },
		{ 2, 0xffff, 0xffff * 8, 0 },
		{ 2, 0xffff, 0xffff * 8 - 1, -EIO },
		{ 0xffff, 0xffff, 0xffffffffu, 0 },
		{ 0xffff, 0xfffe, 0xffffffffu, -EIO },
		{ 2, 4, 0, -EIO },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct hvlis_packet_desc d = { 6, c[i].off8, c[i].len8, 0, 0 };

		if (!CHECK_EQ(hvlis_packet_validate(&d, c[i].avail), c[i].expect))
			FAILF("validate(offset8=%u, len8=%u, %u) wrong", c[i].off8,
			      c[i].len8, c[i].avail);
	}
}

/* ------------------------------------------------------------ signalling */

TEST(signal_write_into_empty_unmasked)
{
	struct tring t;
	u8 pkt[24] = { 0 };
	bool sig = false;

	if (!tring_new(&t, 2 * PAGE))
		return;
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, true);
	/* Second packet: the reader has data already. */
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, false);
	/* Empty again at a non-zero index. */
	H(&t)->read_index = H(&t)->write_index;
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, true);
	tring_free(&t);
}

TEST(signal_write_suppressed_when_masked)
{
	struct tring t;
	u8 pkt[24] = { 0 };
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	hvlis_ring_mask_interrupts(&t.rd);
	CHECK_EQ(H(&t)->interrupt_mask, 1);
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, false);
	/* Any non-zero mask value counts. */
	H(&t)->read_index = H(&t)->write_index;
	H(&t)->interrupt_mask = 0x80000000u;
	sig = true;
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, false);
	tring_free(&t);
}

TEST(signal_write_not_when_reader_behind)
{
	struct tring t;
	u8 pkt[24] = { 0 };
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	H(&t)->read_index = 8;
	H(&t)->write_index = 64;
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, false);
	/* Wrapped: write < read, still data pending. */
	H(&t)->read_index = 2048;
	H(&t)->write_index = 8;
	sig = true;
	CHECK_EQ(put1(&t.r, pkt, 24, &sig), 0);
	CHECK_EQ(sig, false);
	tring_free(&t);
}

TEST(signal_write_false_on_eagain)
{
	struct tring t;
	u8 *pkt;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	pkt = calloc(1, 4096);
	if (CHECK(pkt)) {
		CHECK_EQ(put1(&t.r, pkt, 4088, &sig), -EAGAIN);
		CHECK_EQ(sig, false);
	}
	free(pkt);
	tring_free(&t);
}

TEST(mask_unmask_reports_pending_bytes)
{
	struct tring t;
	u8 pkt[40] = { 0 };
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	hvlis_ring_mask_interrupts(&t.rd);
	CHECK_EQ(H(&t)->interrupt_mask, 1);
	CHECK_EQ(hvlis_ring_unmask_interrupts(&t.rd), 0);
	CHECK_EQ(H(&t)->interrupt_mask, 0);
	hvlis_ring_mask_interrupts(&t.rd);
	CHECK_EQ(put1(&t.r, pkt, 40, &sig), 0);
	CHECK_EQ(sig, false);
	/* Data arrived while masked: unmask says "poll again". */
	CHECK_EQ(hvlis_ring_unmask_interrupts(&t.rd), 48);
	CHECK_EQ(H(&t)->interrupt_mask, 0);
	tring_free(&t);
}

/*
 * One 64-byte packet (72 with its trailer) in a 4096-byte ring with 'extra'
 * more bytes used: free before = 4096 - 72 - extra, after = before + 72.
 */
static bool pending_case_how(u32 extra, u32 pending, bool skip)
{
	struct tring t;
	u8 pkt[64], out[64];
	u32 got;
	bool sig = false;

	if (!tring_new(&t, 2 * PAGE))
		return false;
	build_pkt(pkt, 64, 2, 5);
	tring_place(&t, 1024);
	CHECK_EQ(put1(&t.r, pkt, 64, &sig), 0);
	H(&t)->write_index = (H(&t)->write_index + extra) % t.size;
	hvlis_ring_set_pending_send(&t.r, pending);
	CHECK_EQ(H(&t)->pending_send_sz, pending);
	if (skip) {
		CHECK_EQ(hvlis_ring_skip(&t.rd, &sig), 0);
	} else {
		CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), 0);
		CHECK_MEM_EQ(out, pkt, 64);
	}
	CHECK_EQ(H(&t)->read_index, 1024 + 72);
	tring_free(&t);
	return sig;
}

static bool pending_case(u32 extra, u32 pending)
{
	return pending_case_how(extra, pending, false);
}

TEST(signal_pending_send_thresholds)
{
	/* extra 0: before = 4024, after = 4096. */
	CHECK_EQ(pending_case(0, 0), false);
	CHECK_EQ(pending_case(0, 1), false);
	CHECK_EQ(pending_case(0, 4023), false);	/* writer already had room */
	CHECK_EQ(pending_case(0, 4024), true);	/* before == pending */
	CHECK_EQ(pending_case(0, 4025), true);
	CHECK_EQ(pending_case(0, 4095), true);	/* after - 1 */
	CHECK_EQ(pending_case(0, 4096), false);	/* after == pending: not yet */
	CHECK_EQ(pending_case(0, 100000), false);
	/* extra 2000: before = 2024, after = 2096. */
	CHECK_EQ(pending_case(2000, 2023), false);
	CHECK_EQ(pending_case(2000, 2024), true);
	CHECK_EQ(pending_case(2000, 2095), true);
	CHECK_EQ(pending_case(2000, 2096), false);
	/* extra 4000 (wrapped writer): before = 24, after = 96. */
	CHECK_EQ(pending_case(4000, 23), false);
	CHECK_EQ(pending_case(4000, 24), true);
	CHECK_EQ(pending_case(4000, 95), true);
	CHECK_EQ(pending_case(4000, 96), false);
	CHECK_EQ(pending_case(4000, 0), false);
}

TEST(skip_signal_pending_send_thresholds)
{
	CHECK_EQ(pending_case_how(0, 0, true), false);
	CHECK_EQ(pending_case_how(0, 4023, true), false);
	CHECK_EQ(pending_case_how(0, 4024, true), true);
	CHECK_EQ(pending_case_how(0, 4095, true), true);
	CHECK_EQ(pending_case_how(0, 4096, true), false);
	CHECK_EQ(pending_case_how(4000, 23, true), false);
	CHECK_EQ(pending_case_how(4000, 24, true), true);
	CHECK_EQ(pending_case_how(4000, 95, true), true);
	CHECK_EQ(pending_case_how(4000, 96, true), false);
}

TEST(signal_pending_send_not_on_errors)
{
	struct tring t;
	struct hvlis_packet_desc d;
	u8 out[64];
	u32 got;
	bool sig = true;

	if (!tring_new(&t, 2 * PAGE))
		return;
	hvlis_ring_set_pending_send(&t.r, 4000);
	CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), -EAGAIN);
	CHECK_EQ(sig, false);
	publish_raw(&t, 0, 1, 4, 32);	/* lying descriptor */
	sig = true;
	CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), -EIO);
	CHECK_EQ(sig, false);
	CHECK_EQ(hvlis_ring_peek(&t.rd, &d, &got), -EIO);
	tring_free(&t);
}

TEST(set_pending_send_writes_header)
{
	struct tring t;

	if (!tring_new(&t, 2 * PAGE))
		return;
	hvlis_ring_set_pending_send(&t.r, 1234);
	CHECK_EQ(H(&t)->pending_send_sz, 1234);
	hvlis_ring_set_pending_send(&t.r, 0);
	CHECK_EQ(H(&t)->pending_send_sz, 0);
	CHECK_EQ(H(&t)->interrupt_mask, 0);
	CHECK_EQ(H(&t)->read_index, 0);
	CHECK_EQ(H(&t)->write_index, 0);
	tring_free(&t);
}

/* --------------------------------------------------------------- copy_out */

TEST(copy_out_bounds)
{
	struct tring t;
	u8 pkt[48], out[128];
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	build_pkt(pkt, 48, 2, 11);
	tring_place(&t, 800);
	CHECK_EQ(put1(&t.r, pkt, 48, &sig), 0);	/* 56 bytes to read */
	memset(out, 0xee, sizeof(out));
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 56), 0);
	CHECK_MEM_EQ(out, pkt, 48);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 57), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 56, out, 0), 0);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 56, out, 1), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 57, out, 0), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 50, out, 6), 0);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 50, out, 7), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 8, out, 0xffffffffu), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0xffffffffu, out, 1), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0xfffffff8u, out, 16), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 4096, out, 0), -EIO);
	memset(out, 0xee, sizeof(out));
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 16, out, 8), 0);
	CHECK_MEM_EQ(out, pkt + 16, 8);
	CHECK_EQ(out[8], 0xee);
	/* Empty ring: only a zero-length copy at 0 is inside. */
	H(&t)->read_index = H(&t)->write_index;
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 0), 0);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 1), -EIO);
	/* copy_out never moves an index. */
	CHECK_EQ(H(&t)->read_index, 856);
	CHECK_EQ(H(&t)->write_index, 856);
	tring_free(&t);
}

TEST(copy_out_wraps_and_spans_packets)
{
	struct tring t;
	u8 a[40], b[72], out[200];
	bool sig;
	u32 off;

	if (!tring_new(&t, 2 * PAGE))
		return;
	build_pkt(a, 40, 2, 1);
	build_pkt(b, 72, 2, 2);
	tring_place(&t, t.size - 32);
	CHECK_EQ(put1(&t.r, a, 40, &sig), 0);	/* 48 */
	CHECK_EQ(put1(&t.r, b, 72, &sig), 0);	/* 80 */
	for (off = 0; off < 40; off++) {
		CHECK_EQ(hvlis_ring_copy_out(&t.rd, off, out, 40 - off), 0);
		CHECK_MEM_EQ(out, a + off, 40 - off);
	}
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 48, out, 72), 0);
	CHECK_MEM_EQ(out, b, 72);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 128), 0);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 0, out, 129), -EIO);
	CHECK_EQ(hvlis_ring_copy_out(&t.rd, 120, out, 8), 0);
	{
		u64 tr;

		memcpy(&tr, out, 8);
		CHECK_EQ(tr, (u64)16 << 32);	/* b's trailer: b began at 16 */
	}
	tring_free(&t);
}

/* The reader never writes into the data area; the writer never moves read_index. */
TEST(roles_touch_only_their_own_index)
{
	struct tring t;
	u8 pkt[100], out[104], *snap;
	u32 got, i;
	bool sig;

	if (!tring_new(&t, 2 * PAGE))
		return;
	snap = malloc(t.size);
	if (!CHECK(snap)) {
		tring_free(&t);
		return;
	}
	for (i = 0; i < 200; i++) {
		u32 r0 = H(&t)->read_index;

		build_pkt(pkt, 100, 2, i);
		CHECK_EQ(put1(&t.r, pkt, 100, &sig), 0);
		CHECK_EQ(H(&t)->read_index, r0);
		CHECK_EQ(H(&t)->pending_send_sz, 0);
		CHECK_EQ(H(&t)->interrupt_mask, 0);
		memcpy(snap, t.r.data, t.size);
		{
			u32 w0 = H(&t)->write_index;

			CHECK_EQ(hvlis_ring_read(&t.rd, out, sizeof(out), &got, &sig), 0);
			CHECK_EQ(H(&t)->write_index, w0);
		}
		CHECK_MEM_EQ(snap, t.r.data, t.size);
	}
	tring_free(&t);
	free(snap);
}

/* ---- GPA ranges of a GPA-direct packet (hvlis_gpa_ranges_check) ---- */

/* Appends a range with 'npfns' PFNs to 'buf' at *pos. */
static void put_range(u8 *buf, u32 *pos, u32 count, u32 offset, u32 npfns)
{
	struct hvlis_gpa_range r = { .byte_count = count, .byte_offset = offset };
	u64 pfn;
	u32 i;

	memcpy(buf + *pos, &r, sizeof(r));
	*pos += sizeof(r);
	for (i = 0; i < npfns; i++) {
		pfn = 0x1000 + i;
		memcpy(buf + *pos, &pfn, sizeof(pfn));
		*pos += sizeof(pfn);
	}
}

TEST(gpa_ranges_good)
{
	u8 buf[512];
	u32 pos = 0, used = 0;
	u64 total = 0;

	put_range(buf, &pos, 1, 0, 1);
	put_range(buf, &pos, 1, 4095, 1);
	put_range(buf, &pos, 2, 4095, 2);		/* one byte on each page */
	put_range(buf, &pos, 8192, 0, 2);
	put_range(buf, &pos, 8193, 100, 3);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 5, &used, &total), 0);
	CHECK_EQ(used, pos);
	CHECK_EQ(total, 1 + 1 + 2 + 8192 + 8193);
	/* fewer ranges than the buffer holds: used says where they end */
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 2, &used, NULL), 0);
	CHECK_EQ(used, 2 * (8 + 8));
	CHECK_EQ(hvlis_gpa_range_pfns(4095, 2), 2);
	CHECK_EQ(hvlis_gpa_range_pfns(0, 4096), 1);
	CHECK_EQ(hvlis_gpa_range_pfns(4095, 0xffffffffu), 0x100001ull);
}

TEST(gpa_ranges_bad)
{
	u8 buf[256];
	u32 pos, used = 77;
	u64 total = 77;

	/* no ranges, no buffer */
	pos = 0;
	put_range(buf, &pos, 1, 0, 1);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 0, &used, &total), -EINVAL);
	CHECK_EQ(hvlis_gpa_ranges_check(NULL, pos, 1, &used, &total), -EINVAL);
	/* a zero byte count */
	pos = 0;
	put_range(buf, &pos, 0, 0, 1);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 1, &used, &total), -EINVAL);
	/* a byte offset outside the first page */
	pos = 0;
	put_range(buf, &pos, 1, 4096, 1);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 1, &used, &total), -EINVAL);
	/* one PFN short: the range's bytes touch two pages */
	pos = 0;
	put_range(buf, &pos, 2, 4095, 1);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 1, &used, &total), -EINVAL);
	/* the header itself does not fit */
	CHECK_EQ(hvlis_gpa_ranges_check(buf, 7, 1, &used, &total), -EINVAL);
	/* more ranges claimed than there are bytes */
	pos = 0;
	put_range(buf, &pos, 1, 0, 1);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 2, &used, &total), -EINVAL);
	/* a huge count whose PFN list would wrap a 32-bit size */
	pos = 0;
	put_range(buf, &pos, 0xffffffffu, 4095, 2);
	CHECK_EQ(hvlis_gpa_ranges_check(buf, pos, 1, &used, &total), -EINVAL);
	/* failures leave the outputs alone */
	CHECK_EQ(used, 77);
	CHECK_EQ(total, 77);
}

HVTEST_MAIN()
