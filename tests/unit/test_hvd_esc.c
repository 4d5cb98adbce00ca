// SPDX-License-Identifier: GPL-2.0-only
/*
 * libhvd's escaping of host strings for log lines (daemons/lib/str.c,
 * hvd_esc): control characters, C1 code points, bad UTF-8 and backslashes
 * become \xHH / \\, well-formed text stays, and long strings are cut with
 * "..." without ever overrunning the buffer or splitting an escape.
 */
#define HVTEST_SUITE "hvd_esc"
#include "hvtest.h"

#include "../../daemons/lib/hvd.h"

TEST(plain_and_utf8_kept)
{
	char e[64];

	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "file.txt"), "file.txt");
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "Gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80"),
		     "Gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80");
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), ""), "");
	/* U+00A0, the first code point after C1, is kept */
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "\xc2\xa0"), "\xc2\xa0");
}

TEST(controls_escaped)
{
	char e[128];

	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "a\nb\rc\td\x1b[2Je\x7f"),
		     "a\\x0ab\\x0dc\\x09d\\x1b[2Je\\x7f");
	/* C1: U+0085 (NEL), U+009B (CSI) */
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "x\xc2\x85y\xc2\x9b"), "x\\xc2\\x85y\\xc2\\x9b");
}

TEST(backslash_escaped)
{
	char e[64];

	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "a\\x0ab\\"), "a\\\\x0ab\\\\");
}

TEST(bad_utf8_escaped)
{
	char e[64];

	/* overlong NUL, a surrogate, a lone continuation, a cut sequence */
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "\xc0\x80"), "\\xc0\\x80");
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "a\x80" "b"), "a\\x80b");
	CHECK_STR_EQ(hvd_esc(e, sizeof(e), "a\xe2\x9c"), "a\\xe2\\x9c");
}

TEST(mem_with_nul)
{
	char e[64];

	CHECK_STR_EQ(hvd_esc_mem(e, sizeof(e), "a\0b", 3), "a\\x00b");
}

TEST(cut_with_dots_never_overrun)
{
	char big[300], e[40];
	size_t size;

	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size = 4; size <= sizeof(e); size++) {
		size_t len;

		memset(e, 'Z', sizeof(e));
		hvd_esc(e, size, big);
		len = strlen(e);
		CHECK(len <= size - 1);
		/* whole escapes only, then "..." */
		CHECK(len >= 3 && !strcmp(e + len - 3, "..."));
		CHECK((len - 3) % 4 == 0);
		CHECK(size == sizeof(e) || e[size] == 'Z');
	}
	/* a string that fits exactly is not cut */
	CHECK_STR_EQ(hvd_esc(e, 4, "abc"), "abc");
	CHECK_STR_EQ(hvd_esc(e, 4, "abcd"), "...");
	CHECK_STR_EQ(hvd_esc(e, 7, "abcdefgh"), "abc...");
	/* too small to say anything: empty */
	CHECK_STR_EQ(hvd_esc(e, 3, "abc"), "");
}

HVTEST_MAIN()
