// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC packet checks and version negotiation of hv_utils
 * (modules/proto/ic_msg.c), against the rules of the protocol:
 * the guest answers with the newest framework and the newest message
 * version that both sides list (exact major.minor), both counts 1; with no
 * common pair both counts 0; a request whose lists do not fit in the
 * packet is refused without reading past it. Each request lives in a heap
 * buffer of exactly its length, so ASan and valgrind catch any over-read.
 */
#define HVTEST_SUITE "ic"
#include "hvtest.h"

#include "ic_msg.h"

/* A NEGOTIATE request with these lists, in a buffer of exactly *len bytes. */
static u8 *make_neg(const u32 *fw, unsigned int nfw, const u32 *msg, unsigned int nmsg,
		    u32 extra, u32 *len)
{
	struct hvlis_ic_negotiate *neg;
	struct hvlis_ic_hdr *h;
	unsigned int i;
	u8 *pkt;

	*len = HVLIS_IC_BODY_OFFSET + sizeof(*neg) + (nfw + nmsg) * 4 + extra;
	pkt = calloc(1, *len);
	if (!pkt)
		abort();
	h = hvlis_ic_hdr(pkt);
	h->icmsgtype = HVLIS_ICMSGTYPE_NEGOTIATE;
	h->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_REQUEST;
	neg = (void *)(pkt + HVLIS_IC_BODY_OFFSET);
	neg->icframe_vercnt = nfw;
	neg->icmsg_vercnt = nmsg;
	for (i = 0; i < nfw + nmsg; i++) {
		u32 v = i < nfw ? fw[i] : msg[i - nfw];

		neg->icversion_data[i].major = HVLIS_IC_VER_MAJOR(v);
		neg->icversion_data[i].minor = HVLIS_IC_VER_MINOR(v);
	}
	return pkt;
}

static const u32 g_fw[] = { HVLIS_IC_VER(3, 0), HVLIS_IC_VER(1, 0) };
static const u32 g_ts[] = { HVLIS_IC_VER(4, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(1, 0) };

static struct hvlis_ic_negotiate *body(u8 *pkt)
{
	return (void *)(pkt + HVLIS_IC_BODY_OFFSET);
}

/* Negotiate; check the answer names fw/msg (0: none agreed). */
static void expect_answer(const u32 *hfw, unsigned int nhfw, const u32 *hmsg,
			  unsigned int nhmsg, u32 want_fw, u32 want_msg)
{
	struct hvlis_ic_choice c;
	struct hvlis_ic_negotiate *n;
	u32 len;
	u8 *pkt = make_neg(hfw, nhfw, hmsg, nhmsg, 0, &len);
	int ret = hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c);

	n = body(pkt);
	if (want_fw) {
		CHECK_EQ(ret, 0);
		CHECK_EQ(c.framework, want_fw);
		CHECK_EQ(c.message, want_msg);
		CHECK_EQ(n->icframe_vercnt, 1);
		CHECK_EQ(n->icmsg_vercnt, 1);
		CHECK_EQ(n->icversion_data[0].major, HVLIS_IC_VER_MAJOR(want_fw));
		CHECK_EQ(n->icversion_data[0].minor, HVLIS_IC_VER_MINOR(want_fw));
		CHECK_EQ(n->icversion_data[1].major, HVLIS_IC_VER_MAJOR(want_msg));
		CHECK_EQ(n->icversion_data[1].minor, HVLIS_IC_VER_MINOR(want_msg));
	} else {
		CHECK_EQ(ret, -ENOMSG);
		CHECK_EQ(c.framework, 0);
		CHECK_EQ(c.message, 0);
		CHECK_EQ(n->icframe_vercnt, 0);
		CHECK_EQ(n->icmsg_vercnt, 0);
	}
	/* The answer's size: the negotiate header and two versions. */
	CHECK_EQ(hvlis_ic_hdr(pkt)->icmsgsize, 16);
	free(pkt);
}

TEST(newest_common_pair)
{
	const u32 fw[] = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) };
	const u32 msg[] = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(4, 0) };

	expect_answer(fw, 2, msg, 3, HVLIS_IC_VER(3, 0), HVLIS_IC_VER(4, 0));
}

TEST(older_host_gets_older_versions)
{
	const u32 fw[] = { HVLIS_IC_VER(1, 0) };
	const u32 msg[] = { HVLIS_IC_VER(1, 0) };

	expect_answer(fw, 1, msg, 1, HVLIS_IC_VER(1, 0), HVLIS_IC_VER(1, 0));
}

TEST(host_order_does_not_matter)
{
	const u32 fw[] = { HVLIS_IC_VER(3, 0), HVLIS_IC_VER(9, 9), HVLIS_IC_VER(1, 0) };
	const u32 msg[] = { HVLIS_IC_VER(3, 0), HVLIS_IC_VER(5, 0), HVLIS_IC_VER(1, 0) };

	expect_answer(fw, 3, msg, 3, HVLIS_IC_VER(3, 0), HVLIS_IC_VER(3, 0));
}

TEST(minor_must_match_exactly)
{
	const u32 fw[] = { HVLIS_IC_VER(3, 1) };
	const u32 msg[] = { HVLIS_IC_VER(4, 0) };

	expect_answer(fw, 1, msg, 1, 0, 0);
}

TEST(no_common_message_version)
{
	const u32 fw[] = { HVLIS_IC_VER(3, 0) };
	const u32 msg[] = { HVLIS_IC_VER(2, 0), HVLIS_IC_VER(5, 0) };

	expect_answer(fw, 1, msg, 2, 0, 0);
}

TEST(framework_list_not_searched_for_messages)
{
	/* 4.0 appears, but in the framework list: no message version agrees. */
	const u32 fw[] = { HVLIS_IC_VER(3, 0), HVLIS_IC_VER(4, 0) };
	const u32 msg[] = { HVLIS_IC_VER(2, 0) };

	expect_answer(fw, 2, msg, 1, 0, 0);
}

TEST(empty_lists)
{
	struct hvlis_ic_choice c;
	u32 len;
	u8 *pkt = make_neg(NULL, 0, NULL, 0, 8, &len);	/* room for the answer */

	CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), -ENOMSG);
	CHECK_EQ(body(pkt)->icframe_vercnt, 0);
	CHECK_EQ(body(pkt)->icmsg_vercnt, 0);
	free(pkt);
}

TEST(counts_past_the_packet_are_refused)
{
	const u32 fw[] = { HVLIS_IC_VER(3, 0) };
	const u32 msg[] = { HVLIS_IC_VER(3, 0) };
	struct hvlis_ic_choice c;
	u32 len;
	u8 *pkt = make_neg(fw, 1, msg, 1, 0, &len);

	body(pkt)->icmsg_vercnt = 2;	/* one more than the packet holds */
	CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), -EBADMSG);
	CHECK_EQ(c.framework, 0);
	CHECK_EQ(body(pkt)->icframe_vercnt, 0);
	CHECK_EQ(body(pkt)->icmsg_vercnt, 0);
	free(pkt);

	pkt = make_neg(fw, 1, msg, 1, 0, &len);
	body(pkt)->icframe_vercnt = 0xffff;
	body(pkt)->icmsg_vercnt = 0xffff;
	CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), -EBADMSG);
	free(pkt);
}

TEST(answer_needs_room_for_two_versions)
{
	/* One version listed in all: the two-entry answer does not fit. */
	const u32 fw[] = { HVLIS_IC_VER(3, 0) };
	struct hvlis_ic_choice c;
	u32 len;
	u8 *pkt = make_neg(fw, 1, NULL, 0, 0, &len);

	CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), -EBADMSG);
	free(pkt);
}

TEST(too_short_for_headers)
{
	struct hvlis_ic_choice c;
	u32 len;

	for (len = 0; len < HVLIS_IC_BODY_OFFSET + 8; len++) {
		u8 *pkt = calloc(1, len ? len : 1);

		if (!CHECK(pkt))
			return;
		CHECK_EQ(hvlis_ic_check(pkt, len), len < HVLIS_IC_BODY_OFFSET ? -EBADMSG : 0);
		CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), -EBADMSG);
		free(pkt);
	}
	CHECK_EQ(hvlis_ic_check(NULL, 100), -EBADMSG);
}

TEST(trailing_bytes_are_fine)
{
	const u32 fw[] = { HVLIS_IC_VER(3, 0) };
	const u32 msg[] = { HVLIS_IC_VER(1, 0) };
	struct hvlis_ic_choice c;
	u32 len;
	u8 *pkt = make_neg(fw, 1, msg, 1, 7, &len);	/* VMBus padding */

	CHECK_EQ(hvlis_ic_negotiate(pkt, len, g_fw, 2, g_ts, 3, &c), 0);
	CHECK_EQ(c.message, HVLIS_IC_VER(1, 0));
	free(pkt);
}

TEST(set_response)
{
	u8 pkt[HVLIS_IC_BODY_OFFSET] = { 0 };

	hvlis_ic_hdr(pkt)->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_REQUEST;
	hvlis_ic_set_response(pkt, HVLIS_IC_E_FAIL);
	CHECK_EQ(hvlis_ic_hdr(pkt)->status, HVLIS_IC_E_FAIL);
	CHECK_EQ(hvlis_ic_hdr(pkt)->icflags, HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_RESPONSE);
	/* The status lies at byte 8 + 12 of the packet, little-endian. */
	CHECK_EQ(pkt[20], 0x05);
	CHECK_EQ(pkt[23], 0x80);
	CHECK_EQ(pkt[25], HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_RESPONSE);
}

TEST(body_fits)
{
	CHECK(!hvlis_ic_body_fits(27, 0));
	CHECK(hvlis_ic_body_fits(28, 0));
	CHECK(!hvlis_ic_body_fits(28, 1));
	CHECK(hvlis_ic_body_fits(68, 40));
	CHECK(!hvlis_ic_body_fits(67, 40));
	CHECK(!hvlis_ic_body_fits(30, 0xffffffffu));
}

HVTEST_MAIN()
