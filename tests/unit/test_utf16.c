// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils' UTF-16LE <-> UTF-8 conversions (modules/proto/utf16.c), as
 * KVP and file copy use them on host strings: exact results for every
 * kind of code point, and every malformed or oversized input refused.
 */
#define HVTEST_SUITE "utf16"
#include "hvtest.h"

#include "../../modules/proto/utf16.h"

/* UTF-16LE bytes of @n units. */
static void put(u8 *b, const u16 *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b[2 * i] = u[i] & 0xff;
		b[2 * i + 1] = u[i] >> 8;
	}
}

TEST(ascii_bmp_and_pair)
{
	static const u16 s[] = { 'a', 0xfc, 0x20ac, 0xd83d, 0xde00, 'z', 0 };
	u8 b[14];
	char out[32];

	put(b, s, 7);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 7, true, out, sizeof(out)), 11);
	CHECK_STR_EQ(out, "a\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80z");
}

TEST(stops_at_nul_or_count)
{
	static const u16 s[] = { 'a', 'b', 0, 'c' };
	u8 b[8];
	char out[8];

	put(b, s, 4);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 4, true, out, sizeof(out)), 2);
	CHECK_STR_EQ(out, "ab");
	/* without a NUL: the count ends it, unless a NUL is required */
	CHECK_EQ(hvlis_utf16_to_utf8(b, 1, false, out, sizeof(out)), 1);
	CHECK_STR_EQ(out, "a");
	CHECK_EQ(hvlis_utf16_to_utf8(b, 2, true, out, sizeof(out)), -EINVAL);
}

TEST(lone_surrogates_refused)
{
	static const u16 hi_end[] = { 'a', 0xd800 };
	static const u16 hi_then_a[] = { 0xd800, 'a', 0 };
	static const u16 lo[] = { 0xdc00, 0 };
	u8 b[8];
	char out[16];

	put(b, hi_end, 2);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 2, false, out, sizeof(out)), -EINVAL);
	put(b, hi_then_a, 3);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 3, false, out, sizeof(out)), -EINVAL);
	put(b, lo, 2);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 2, false, out, sizeof(out)), -EINVAL);
}

TEST(utf8_out_too_small)
{
	static const u16 s[] = { 0x20ac, 0x20ac, 0 };
	u8 b[6];
	char out[7];

	put(b, s, 3);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 3, true, out, 7), 6);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 3, true, out, 6), -ENOSPC);
	CHECK_EQ(hvlis_utf16_to_utf8(b, 3, true, out, 0), -ENOSPC);
}

TEST(utf8_to_utf16)
{
	static const char s[] = "a\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80z";
	static const u16 want[] = { 'a', 0xfc, 0x20ac, 0xd83d, 0xde00, 'z', 0 };
	u8 b[14], w[14];

	put(w, want, 7);
	CHECK_EQ(hvlis_utf8_to_utf16(s, sizeof(s), b, 7), 6);
	CHECK_MEM_EQ(b, w, sizeof(w));
	/* seven units hold six and the NUL; six do not */
	CHECK_EQ(hvlis_utf8_to_utf16(s, sizeof(s), b, 6), -ENOSPC);
}

TEST(utf8_malformed_refused)
{
	static const char *const bad[] = {
		"\xc0\x80",		/* overlong NUL */
		"\xe0\x80\xaf",		/* overlong '/' */
		"\xed\xa0\x80",		/* a surrogate */
		"\xf4\x90\x80\x80",	/* beyond U+10FFFF */
		"\xe2\x82",		/* cut short */
		"\x80",			/* a continuation byte first */
		"\xff",
	};
	u8 b[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!CHECK_EQ(hvlis_utf8_to_utf16(bad[i], strlen(bad[i]) + 1, b, 8), -EINVAL))
			FAILF("case %zu accepted", i);
}

TEST(utf8_needs_nul_in_field)
{
	char f[4] = { 'a', 'b', 'c', 'd' };
	u8 b[16];

	CHECK_EQ(hvlis_utf8_to_utf16(f, sizeof(f), b, 8), -EINVAL);
	f[3] = 0;
	CHECK_EQ(hvlis_utf8_to_utf16(f, sizeof(f), b, 8), 3);
}

/* Every code point there and back. */
TEST(round_trip_all)
{
	u8 b[8], b2[8];
	char out[8];
	u32 c;
	u16 u[3];
	u32 done = 0;
	int n;

	for (c = 1; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		if (c < 0x10000) {
			u[0] = c;
			u[1] = 0;
			n = 1;
		} else {
			u[0] = 0xd800 | ((c - 0x10000) >> 10);
			u[1] = 0xdc00 | ((c - 0x10000) & 0x3ff);
			u[2] = 0;
			n = 2;
		}
		put(b, u, n + 1);
		if (hvlis_utf16_to_utf8(b, n + 1, true, out, sizeof(out)) < 0 ||
		    hvlis_utf8_to_utf16(out, sizeof(out), b2, 4) != n ||
		    memcmp(b, b2, 2 * (n + 1))) {
			FAILF("U+%04X does not round-trip", c);
			return;
		}
		done++;
	}
	CHECK_EQ(done, 0x10ffff - 0x800);
}

HVTEST_MAIN()
