// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for GPADL message splitting: random page counts and
 * message indices go to hvlis_gpadl_msg_count and hvlis_gpadl_fill. Every
 * message must fit the 240-byte SynIC payload (the buffer is exactly that
 * big), agree with the message count, and carry the right slice of PFNs.
 *
 * Input layout (little-endian u32s, missing bytes read as 0):
 *   [0..3] npfns  [4..7] idx  [8..11] relid  [12..15] gpadl
 *   [16..19] byte_count  [20] flags: bit 0 = npfns as given (else mod 8300),
 *   bit 1 = idx as given (else mod count + 2)
 */
#include <hvlis/chanmsg.h>

#include <stdio.h>
#include <stdlib.h>

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_gpadl:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

#define PAYLOAD 240u
#define MAX_PFNS 8190u
#define ALLOC_CAP 8300u

static u32 field(const uint8_t *in, size_t size, size_t at)
{
	u8 b[4] = { 0 };
	u32 v;
	size_t i;

	for (i = 0; i < 4; i++)
		if (at + i < size)
			b[i] = in[at + i];
	memcpy(&v, b, 4);
	return v;
}

static u32 oracle_count(u32 n)
{
	if (!n)
		return 0;
	if (n <= 26)
		return 1;
	return 1 + (u32)(((u64)n - 26 + 27) / 28);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u32 npfns = field(in, size, 0), idx = field(in, size, 4);
	u32 relid = field(in, size, 8), gpadl = field(in, size, 12);
	u32 bytes = field(in, size, 16), flags = size > 20 ? in[20] : 0;
	u32 count, len, i, n_alloc, v32;
	u64 *pfns;
	u8 *buf;

	if (!(flags & 1))
		npfns %= ALLOC_CAP;
	count = hvlis_gpadl_msg_count(npfns);
	ASSERT(count == oracle_count(npfns));
	if (!(flags & 2))
		idx %= count + 2;

	/*
	 * Exactly npfns entries when that is plausible; for absurd counts a
	 * single entry, which the code must not read past (it must refuse).
	 */
	n_alloc = npfns <= ALLOC_CAP ? npfns : 1;
	pfns = malloc((n_alloc ? n_alloc : 1) * sizeof(u64));
	buf = malloc(PAYLOAD);
	ASSERT(pfns && buf);
	for (i = 0; i < n_alloc; i++)
		pfns[i] = ((u64)i << 20) ^ relid ^ 0xabc0000000ull;
	memset(buf, 0xcc, PAYLOAD);

	len = hvlis_gpadl_fill(buf, idx, relid, gpadl, bytes, pfns, npfns);
	ASSERT(len <= PAYLOAD);
	if (npfns > MAX_PFNS || idx >= count) {
		ASSERT(len == 0);
	} else if (idx == 0) {
		u32 k = npfns < 26 ? npfns : 26;
		u16 v16;

		ASSERT(len == 28 + 8 * k);
		memcpy(&v32, buf, 4);
		ASSERT(v32 == HVLIS_CHANMSG_GPADL_HEADER);
		memcpy(&v32, buf + 8, 4);
		ASSERT(v32 == relid);
		memcpy(&v32, buf + 12, 4);
		ASSERT(v32 == gpadl);
		memcpy(&v16, buf + 16, 2);
		ASSERT(v16 == 8 + 8 * npfns);
		memcpy(&v16, buf + 18, 2);
		ASSERT(v16 == 1);
		memcpy(&v32, buf + 20, 4);
		ASSERT(v32 == bytes);
		ASSERT(memcmp(buf + 28, pfns, 8 * k) == 0);
	} else {
		u32 first = 26 + (idx - 1) * 28;
		u32 k = npfns - first < 28 ? npfns - first : 28;

		ASSERT(first < npfns);
		ASSERT(len == 16 + 8 * k);
		memcpy(&v32, buf, 4);
		ASSERT(v32 == HVLIS_CHANMSG_GPADL_BODY);
		memcpy(&v32, buf + 8, 4);
		ASSERT(v32 == idx);
		memcpy(&v32, buf + 12, 4);
		ASSERT(v32 == gpadl);
		ASSERT(memcmp(buf + 16, pfns + first, 8 * k) == 0);
		/* Only the last message may be partial. */
		if (idx + 1 < count)
			ASSERT(k == 28);
	}
	/* Every message built has at least its 16-byte header. */
	if (len)
		ASSERT(len >= 16);
	free(pfns);
	free(buf);
	return 0;
}
