// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the ring buffer core: the host controls the whole
 * ring (indices and data), so the fuzzer's bytes become a small ring's
 * control page fields and data area, and a short script of operations
 * (space, peek, copy_out, read, skip, and write from the other side) runs
 * on it.
 *
 * Input layout:
 *   [0]       flags: bit 0 set = use the indices as given; clear = reduce
 *             them to valid (in range, 8-aligned) values
 *   [1..16]   write_index, read_index, interrupt_mask, pending_send_sz (LE)
 *   [17]      number of operations (1..16)
 *   [18..]    4 bytes per operation: kind, then three argument bytes
 *   rest      the data area's contents (zero-filled to 4096 bytes)
 *
 * Each result is compared with an oracle computed here from the raw bytes;
 * any disagreement aborts. The ring memory is allocated with its exact size
 * and every destination buffer with its exact length, so ASan catches any
 * access out of bounds.
 */
#include <hvlis/ring.h>

#include <stdio.h>
#include <stdlib.h>

#define DATA_SIZE 4096u
#define TOTAL (sizeof(struct hvlis_ring_header) + DATA_SIZE)

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_ring_read:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static bool idx_valid(u32 i)
{
	return i < DATA_SIZE && i % 8 == 0;
}

/* The oracle's view of the ring: bytes from the reader's index on. */
static void oracle_bytes(const u8 *data, u32 from, void *dst, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		((u8 *)dst)[i] = data[(from + i) % DATA_SIZE];
}

static u32 oracle_used(u32 rd, u32 wr)
{
	return (wr + DATA_SIZE - rd) % DATA_SIZE;
}

/* What peek must return for the ring as it stands. */
static int oracle_peek(const struct hvlis_ring_header *h, const u8 *data,
		       struct hvlis_packet_desc *d, u32 *len)
{
	u32 rd = h->read_index, wr = h->write_index, used, off, plen;

	if (!idx_valid(rd) || !idx_valid(wr))
		return -EIO;
	used = oracle_used(rd, wr);
	if (!used)
		return -EAGAIN;
	if (used < 24)
		return -EIO;
	oracle_bytes(data, rd, d, sizeof(*d));
	off = (u32)d->offset8 * 8;
	plen = (u32)d->len8 * 8;
	if (off < 16 || plen < off || plen > used - 8)
		return -EIO;
	*len = plen;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct hvlis_ring r;
	struct hvlis_ring_header *h;
	u8 *mem, *shadow;
	const u8 *ops;
	u32 nops, i;
	bool raw;

	if (size < 18)
		return 0;
	raw = in[0] & 1;
	nops = in[17] % 16 + 1;
	if (size < 18 + 4 * (size_t)nops)
		return 0;
	ops = in + 18;

	mem = malloc(TOTAL);
	shadow = malloc(DATA_SIZE);
	ASSERT(mem && shadow);
	memset(mem, 0, TOTAL);
	ASSERT(hvlis_ring_init(&r, mem, TOTAL) == 0);
	ASSERT(r.size == DATA_SIZE);
	h = r.hdr;
	h->write_index = le32(in + 1);
	h->read_index = le32(in + 5);
	h->interrupt_mask = le32(in + 9);
	h->pending_send_sz = le32(in + 13);
	if (!raw) {
		h->write_index = h->write_index % DATA_SIZE & ~7u;
		h->read_index = h->read_index % DATA_SIZE & ~7u;
	}
	{
		size_t rest = size - 18 - 4 * (size_t)nops;

		memcpy(r.data, in + 18 + 4 * nops, rest < DATA_SIZE ? rest : DATA_SIZE);
	}

	for (i = 0; i < nops; i++) {
		const u8 *op = ops + 4 * i;
		u32 arg16 = (u32)op[1] | (u32)op[2] << 8;
		u32 rd = h->read_index, wr = h->write_index;
		bool valid = idx_valid(rd) && idx_valid(wr);
		u32 used = valid ? oracle_used(rd, wr) : 0;
		u32 mask = h->interrupt_mask, pending = h->pending_send_sz;

		memcpy(shadow, r.data, DATA_SIZE);
		switch (op[0] % 7) {
		case 0: {	/* space */
			u32 tr = 0, tw = 0;
			int ret = hvlis_ring_space(&r, &tr, &tw);

			ASSERT(ret == (valid ? 0 : -EIO));
			if (!ret) {
				ASSERT(tr == used);
				ASSERT(tr + tw == DATA_SIZE);
			}
			break;
		}
		case 1: {	/* peek */
			struct hvlis_packet_desc d, od;
			u32 len = 0, olen = 0;
			int ret = hvlis_ring_peek(&r, &d, &len);
			int oret = oracle_peek(h, r.data, &od, &olen);

			ASSERT(ret == oret);
			if (!ret) {
				ASSERT(hvlis_packet_validate(&d, len) == 0);
				ASSERT(memcmp(&d, &od, sizeof(d)) == 0);
				ASSERT(len == olen && len == (u32)d.len8 * 8);
				ASSERT(len + 8 <= used);
			}
			break;
		}
		case 2: {	/* copy_out */
			u32 off = arg16 % (DATA_SIZE + 64), len = (u32)op[3] * 17;
			u8 *dst = malloc(len ? len : 1), *exp = malloc(len ? len : 1);
			int ret;

			ASSERT(dst && exp);
			if (op[1] & 0x80 && op[0] & 0x40)
				off = 0xffffffffu - op[2];	/* overflow attempts */
			ret = hvlis_ring_copy_out(&r, off, dst, len);
			ASSERT(ret == ((valid && off <= used && len <= used - off) ? 0 : -EIO));
			if (!ret) {
				oracle_bytes(r.data, rd + off, exp, len);
				ASSERT(memcmp(dst, exp, len) == 0);
			}
			free(dst);
			free(exp);
			break;
		}
		case 3:
		case 4: {	/* read */
			struct hvlis_packet_desc od;
			u32 buf_len = arg16 % (DATA_SIZE + 16), olen = 0, len = 0xabcdef;
			u8 *buf = malloc(buf_len ? buf_len : 1);
			bool sig = true;
			int oret = oracle_peek(h, r.data, &od, &olen);
			int ret;

			ASSERT(buf);
			ret = hvlis_ring_read(&r, buf, buf_len, &len, &sig);
			if (oret == 0 && buf_len < olen) {
				ASSERT(ret == -ENOBUFS);
				ASSERT(len == olen);
			} else {
				ASSERT(ret == oret);
			}
			if (ret == 0) {
				u32 before = DATA_SIZE - used, after = before + len + 8;
				u8 *exp = malloc(len);

				ASSERT(exp);
				ASSERT(len == olen && len <= buf_len);
				oracle_bytes(r.data, rd, exp, len);
				ASSERT(memcmp(buf, exp, len) == 0);
				ASSERT(hvlis_packet_validate((const void *)buf, len) == 0);
				ASSERT(h->read_index == (rd + len + 8) % DATA_SIZE);
				ASSERT(idx_valid(h->read_index));
				ASSERT(sig == (pending && before <= pending && pending < after));
				free(exp);
			} else {
				ASSERT(!sig);
				ASSERT(h->read_index == rd);
			}
			ASSERT(h->write_index == wr);
			free(buf);
			break;
		}
		case 5: {	/* write, as the peer would, on the same ring */
			u32 len = arg16 % 700 + 1, padded = (len + 7) & ~7u;
			u8 *pkt = malloc(len);
			struct hvlis_ring_vec v[2];
			bool sig = true;
			int ret, expect;

			ASSERT(pkt);
			memset(pkt, op[3], len);
			v[0].base = pkt;
			v[0].len = len / 2;
			v[1].base = pkt + len / 2;
			v[1].len = len - len / 2;
			if (!valid)
				expect = -EIO;
			else if (DATA_SIZE - used <= padded + 8)
				expect = -EAGAIN;
			else
				expect = 0;
			ret = hvlis_ring_write(&r, v, 2, &sig);
			ASSERT(ret == expect);
			ASSERT(h->read_index == rd);
			if (!ret) {
				u64 tr;
				u8 got[8];

				ASSERT(h->write_index == (wr + padded + 8) % DATA_SIZE);
				ASSERT(sig == (!mask && rd == wr));
				oracle_bytes(r.data, wr + padded, got, 8);
				memcpy(&tr, got, 8);
				ASSERT(tr == (u64)wr << 32);
				/* The bytes after the packet did not change. */
				for (u32 k = padded + 8; k < DATA_SIZE; k++)
					ASSERT(r.data[(wr + k) % DATA_SIZE] ==
					       shadow[(wr + k) % DATA_SIZE]);
			} else {
				ASSERT(!sig);
				ASSERT(h->write_index == wr);
				ASSERT(memcmp(shadow, r.data, DATA_SIZE) == 0);
			}
			free(pkt);
			break;
		}
		case 6: {	/* skip */
			struct hvlis_packet_desc od;
			u32 olen = 0;
			bool sig = true;
			int oret = oracle_peek(h, r.data, &od, &olen);
			int ret = hvlis_ring_skip(&r, &sig);

			ASSERT(ret == oret);
			if (!ret) {
				u32 before = DATA_SIZE - used, after = before + olen + 8;

				ASSERT(h->read_index == (rd + olen + 8) % DATA_SIZE);
				ASSERT(sig == (pending && before <= pending && pending < after));
			} else {
				ASSERT(!sig);
				ASSERT(h->read_index == rd);
			}
			ASSERT(h->write_index == wr);
			break;
		}
		}
		/* Readers never write the data area. */
		if (op[0] % 7 != 5)
			ASSERT(memcmp(shadow, r.data, DATA_SIZE) == 0);
		/* A valid ring stays valid. */
		if (valid)
			ASSERT(idx_valid(h->read_index) && idx_valid(h->write_index));
		/* Now and then the reader masks or unmasks. */
		if (op[3] == 0xfe) {
			hvlis_ring_mask_interrupts(&r);
			ASSERT(h->interrupt_mask == 1);
		} else if (op[3] == 0xfd) {
			u32 left = hvlis_ring_unmask_interrupts(&r);

			ASSERT(h->interrupt_mask == 0);
			if (idx_valid(h->read_index) && idx_valid(h->write_index))
				ASSERT(left == oracle_used(h->read_index, h->write_index));
			else
				ASSERT(left == 0);
		}
	}
	free(mem);
	free(shadow);
	return 0;
}
