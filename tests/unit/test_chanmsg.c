// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for VMBus channel-message handling without a kernel
 * (modules/proto/chanmsg.c): host message validation, offer checks, the
 * version ladder, GPADL message splitting and GUID formatting.
 *
 * Messages are passed in heap buffers of exactly the stated length, so a
 * check that reads past the length it was given is caught by ASan/valgrind.
 * Expected sizes are the protocol's numbers, written out, not sizeof().
 */
#define HVTEST_SUITE "chanmsg"
#include "hvtest.h"

#include <hvlis/chanmsg.h>

#define PAYLOAD 240u

/* Runs hvlis_chanmsg_check on a fresh exact-size copy of a message. */
static int check_msg(u32 msgtype, u32 len, u32 *type)
{
	u8 *buf = malloc(len ? len : 1);
	u8 fill[PAYLOAD + 64];
	int ret;

	if (!buf)
		return -12345;
	memset(fill, 0xa5, sizeof(fill));
	memcpy(fill, &msgtype, 4);
	memset(fill + 4, 0, 4);
	memcpy(buf, fill, len < sizeof(fill) ? len : sizeof(fill));
	if (len > sizeof(fill))
		memset(buf + sizeof(fill), 0xa5, len - sizeof(fill));
	ret = hvlis_chanmsg_check(buf, len, type);
	free(buf);
	return ret;
}

/* Minimum lengths of host-to-guest messages, from the protocol. */
static const struct { u32 type; u32 min; const char *name; } host_msgs[] = {
	{ HVLIS_CHANMSG_OFFERCHANNEL, 196, "OFFERCHANNEL" },
	{ HVLIS_CHANMSG_RESCIND_CHANNELOFFER, 12, "RESCIND_CHANNELOFFER" },
	{ HVLIS_CHANMSG_ALLOFFERS_DELIVERED, 8, "ALLOFFERS_DELIVERED" },
	{ HVLIS_CHANMSG_OPENCHANNEL_RESULT, 20, "OPENCHANNEL_RESULT" },
	{ HVLIS_CHANMSG_GPADL_CREATED, 20, "GPADL_CREATED" },
	{ HVLIS_CHANMSG_GPADL_TORNDOWN, 12, "GPADL_TORNDOWN" },
	{ HVLIS_CHANMSG_VERSION_RESPONSE, 16, "VERSION_RESPONSE" },
	{ HVLIS_CHANMSG_UNLOAD_RESPONSE, 8, "UNLOAD_RESPONSE" },
	{ HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE, 16, "MODIFYCHANNEL_RESPONSE" },
};
#define N_HOST_MSGS (sizeof(host_msgs) / sizeof(host_msgs[0]))

/* Types only a guest sends (its requests), plus INVALID. */
static const u32 guest_only[] = {
	HVLIS_CHANMSG_INVALID, HVLIS_CHANMSG_REQUESTOFFERS, HVLIS_CHANMSG_OPENCHANNEL,
	HVLIS_CHANMSG_CLOSECHANNEL, HVLIS_CHANMSG_GPADL_HEADER, HVLIS_CHANMSG_GPADL_BODY,
	HVLIS_CHANMSG_GPADL_TEARDOWN, HVLIS_CHANMSG_RELID_RELEASED,
	HVLIS_CHANMSG_INITIATE_CONTACT, HVLIS_CHANMSG_UNLOAD,
	HVLIS_CHANMSG_TL_CONNECT_REQUEST, HVLIS_CHANMSG_MODIFYCHANNEL,
};

static void host_type_lengths(u32 type, u32 min, const char *name)
{
	u32 got, len;

	/* Too short for the SynIC header of a channel message. */
	for (len = 0; len < 8; len++) {
		got = 0xdead;
		CHECK_EQ(check_msg(type, len, &got), -EMSGSIZE);
		CHECK_EQ(got, 0xdead);
	}
	/* Too short for the type. */
	for (len = 8; len < min; len++) {
		got = 0xdead;
		if (!CHECK_EQ(check_msg(type, len, &got), -EMSGSIZE))
			FAILF("%s accepted at %u bytes (min %u)", name, len, min);
		CHECK_EQ(got, 0xdead);
	}
	/* Exact, and every longer length up to the SynIC payload. */
	for (len = min; len <= PAYLOAD; len++) {
		got = 0xdead;
		if (!CHECK_EQ(check_msg(type, len, &got), 0))
			FAILF("%s rejected at %u bytes", name, len);
		CHECK_EQ(got, type);
	}
	/* Longer than any SynIC message. */
	got = 0xdead;
	CHECK_EQ(check_msg(type, PAYLOAD + 1, &got), -EMSGSIZE);
	CHECK_EQ(check_msg(type, 256, &got), -EMSGSIZE);
	CHECK_EQ(check_msg(type, 4096, &got), -EMSGSIZE);
	CHECK_EQ(got, 0xdead);
}

#define HOST_TYPE_TEST(tname, idx)					\
	TEST(host_msg_##tname##_lengths)				\
	{								\
		CHECK_STR_EQ(host_msgs[idx].name, #tname);		\
		host_type_lengths(host_msgs[idx].type, host_msgs[idx].min, \
				  host_msgs[idx].name);			\
	}

HOST_TYPE_TEST(OFFERCHANNEL, 0)
HOST_TYPE_TEST(RESCIND_CHANNELOFFER, 1)
HOST_TYPE_TEST(ALLOFFERS_DELIVERED, 2)
HOST_TYPE_TEST(OPENCHANNEL_RESULT, 3)
HOST_TYPE_TEST(GPADL_CREATED, 4)
HOST_TYPE_TEST(GPADL_TORNDOWN, 5)
HOST_TYPE_TEST(VERSION_RESPONSE, 6)
HOST_TYPE_TEST(UNLOAD_RESPONSE, 7)
HOST_TYPE_TEST(MODIFYCHANNEL_RESPONSE, 8)

TEST(host_msg_table_covers_every_accepted_type)
{
	u32 t, got;

	/* Exactly the nine host types pass with a full-size message. */
	for (t = 0; t < 64; t++) {
		bool host = false;
		unsigned int i;

		for (i = 0; i < N_HOST_MSGS; i++)
			host |= host_msgs[i].type == t;
		if (!CHECK_EQ(check_msg(t, PAYLOAD, &got) == 0, host))
			FAILF("type %u: accepted=%d, expected %d", t,
			      check_msg(t, PAYLOAD, &got) == 0, host);
	}
}

TEST(guest_only_types_rejected_eproto)
{
	unsigned int i;
	u32 got, len;

	for (i = 0; i < sizeof(guest_only) / sizeof(guest_only[0]); i++) {
		for (len = 8; len <= PAYLOAD; len++) {
			got = 0xdead;
			if (!CHECK_EQ(check_msg(guest_only[i], len, &got), -EPROTO))
				FAILF("guest type %u at %u bytes not -EPROTO", guest_only[i], len);
			CHECK_EQ(got, 0xdead);
		}
		/* The length is judged first. */
		CHECK_EQ(check_msg(guest_only[i], 7, &got), -EMSGSIZE);
		CHECK_EQ(check_msg(guest_only[i], PAYLOAD + 1, &got), -EMSGSIZE);
	}
}

TEST(reserved_and_unknown_types_rejected_eproto)
{
	static const u32 bad[] = { 18, 19, 20, HVLIS_CHANMSG_COUNT, 26, 100, 0x100,
				   0x10001, 0x80000001u, 0xffffffffu };
	unsigned int i;
	u32 got = 0xdead;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!CHECK_EQ(check_msg(bad[i], 8, &got), -EPROTO))
			FAILF("type 0x%x", bad[i]);
		CHECK_EQ(check_msg(bad[i], PAYLOAD, &got), -EPROTO);
	}
	CHECK_EQ(got, 0xdead);
}

/*
 * TL_CONNECT_RESULT (23) is host-to-guest in the protocol, but hvlis does
 * not implement it; chanmsg.c treats it as a type it must not receive.
 * This pins that behaviour so a change is deliberate.
 */
TEST(tl_connect_result_not_accepted)
{
	u32 got = 0xdead;

	CHECK_EQ(check_msg(HVLIS_CHANMSG_TL_CONNECT_RESULT, PAYLOAD, &got), -EPROTO);
	CHECK_EQ(got, 0xdead);
}

TEST(padding_word_is_ignored)
{
	u8 msg[16];
	u32 t = HVLIS_CHANMSG_VERSION_RESPONSE, got = 0, pad = 0xffffffffu;

	memcpy(msg, &t, 4);
	memcpy(msg + 4, &pad, 4);
	memset(msg + 8, 0, 8);
	CHECK_EQ(hvlis_chanmsg_check(msg, 16, &got), 0);
	CHECK_EQ(got, HVLIS_CHANMSG_VERSION_RESPONSE);
}

TEST(unaligned_message_buffer)
{
	u8 *raw = malloc(PAYLOAD + 1);
	u32 t = HVLIS_CHANMSG_GPADL_CREATED, got = 0;

	if (!CHECK(raw))
		return;
	memset(raw, 0, PAYLOAD + 1);
	memcpy(raw + 1, &t, 4);
	CHECK_EQ(hvlis_chanmsg_check(raw + 1, 20, &got), 0);
	CHECK_EQ(got, HVLIS_CHANMSG_GPADL_CREATED);
	free(raw);
}

/* ----------------------------------------------------------------- offers */

static int offer_with(u32 relid, u8 monitor_id, u8 monitor_flags)
{
	struct hvlis_msg_offer_channel *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -12345;
	memset(m, 0, sizeof(*m));
	m->header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m->child_relid = relid;
	m->monitor_id = monitor_id;
	m->monitor_flags = monitor_flags;
	ret = hvlis_offer_check(m);
	free(m);
	return ret;
}

TEST(offer_relid_zero_rejected)
{
	CHECK_EQ(offer_with(0, 0, 0), -EPROTO);
	CHECK_EQ(offer_with(0, 5, HVLIS_OFFER_MONITOR_ALLOCATED), -EPROTO);
}

TEST(offer_relid_range)
{
	u32 relid;

	CHECK_EQ(offer_with(1, 0, 0), 0);
	CHECK_EQ(offer_with(2047, 0, 0), 0);
	CHECK_EQ(offer_with(2048, 0, 0), -EPROTO);
	CHECK_EQ(offer_with(2049, 0, 0), -EPROTO);
	CHECK_EQ(offer_with(65536, 0, 0), -EPROTO);
	CHECK_EQ(offer_with(0x80000000u, 0, 0), -EPROTO);
	CHECK_EQ(offer_with(0xffffffffu, 0, 0), -EPROTO);
	for (relid = 1; relid <= 2047; relid++)
		if (!CHECK_EQ(offer_with(relid, (u8)(relid & 127),
					 HVLIS_OFFER_MONITOR_ALLOCATED), 0))
			FAILF("relid %u", relid);
}

TEST(offer_monitor_id_range)
{
	u32 id;

	for (id = 0; id <= 127; id++)
		CHECK_EQ(offer_with(7, (u8)id, HVLIS_OFFER_MONITOR_ALLOCATED), 0);
	for (id = 128; id <= 255; id++)
		if (!CHECK_EQ(offer_with(7, (u8)id, HVLIS_OFFER_MONITOR_ALLOCATED), -EPROTO))
			FAILF("monitor id %u accepted", id);
	/* Other flag bits do not stop the check. */
	CHECK_EQ(offer_with(7, 128, 0xff), -EPROTO);
}

TEST(offer_monitor_id_ignored_when_not_allocated)
{
	/* Without a monitor, the id field carries no meaning (often 0xff). */
	CHECK_EQ(offer_with(7, 255, 0), 0);
	CHECK_EQ(offer_with(7, 128, 0xfe), 0);
	CHECK_EQ(offer_with(2048, 255, 0), -EPROTO);
}

TEST(offer_message_passes_both_checks)
{
	struct hvlis_msg_offer_channel *m = malloc(sizeof(*m));
	struct hvlis_guid net = HVLIS_GUID_NETWORK;
	u32 got = 0;

	if (!CHECK(m))
		return;
	memset(m, 0, sizeof(*m));
	m->header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m->offer.if_type = net;
	m->child_relid = 14;
	m->monitor_id = 3;
	m->monitor_flags = HVLIS_OFFER_MONITOR_ALLOCATED;
	m->connection_id = 0x2000e;
	CHECK_EQ(hvlis_chanmsg_check(m, 196, &got), 0);
	CHECK_EQ(got, HVLIS_CHANMSG_OFFERCHANNEL);
	CHECK_EQ(hvlis_offer_check(m), 0);
	free(m);
}

/* ---------------------------------------------------------------- versions */

TEST(version_ladder_newest_first_terminated)
{
	static const u32 expect[] = {
		(5u << 16) | 3, (5u << 16) | 2, (5u << 16) | 1, 5u << 16,
		(4u << 16) | 1, 4u << 16, 3u << 16, (2u << 16) | 4,
		(1u << 16) | 1, 13,
	};
	unsigned int i;

	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		if (!CHECK_EQ(hvlis_vmbus_version_at(i), expect[i]))
			FAILF("ladder[%u]", i);
		if (i)
			CHECK(hvlis_vmbus_version_at(i) < hvlis_vmbus_version_at(i - 1));
	}
	CHECK_EQ(hvlis_vmbus_version_at(10), 0);
	CHECK_EQ(hvlis_vmbus_version_at(11), 0);
	CHECK_EQ(hvlis_vmbus_version_at(1000), 0);
	CHECK_EQ(hvlis_vmbus_version_at(0x80000000u), 0);
	CHECK_EQ(hvlis_vmbus_version_at(0xffffffffu), 0);
}

TEST(version_names)
{
	unsigned int i;

	CHECK_STR_EQ(hvlis_vmbus_version_name(13), "Windows Server 2008");
	CHECK_STR_EQ(hvlis_vmbus_version_name((1u << 16) | 1), "Windows Server 2008 R2");
	CHECK_STR_EQ(hvlis_vmbus_version_name((2u << 16) | 4), "Windows Server 2012");
	CHECK_STR_EQ(hvlis_vmbus_version_name(3u << 16), "Windows Server 2012 R2");
	CHECK_STR_EQ(hvlis_vmbus_version_name(4u << 16), "Windows Server 2016");
	CHECK_STR_EQ(hvlis_vmbus_version_name((5u << 16) | 2), "Windows Server 2019");
	CHECK_STR_EQ(hvlis_vmbus_version_name((5u << 16) | 3), "Windows Server 2022");
	CHECK_STR_EQ(hvlis_vmbus_version_name(0), "unknown");
	CHECK_STR_EQ(hvlis_vmbus_version_name((5u << 16) | 4), "unknown");
	CHECK_STR_EQ(hvlis_vmbus_version_name(0xffffffffu), "unknown");
	/* Every rung of the ladder has a distinct name. */
	for (i = 0; hvlis_vmbus_version_at(i); i++) {
		unsigned int j;
		const char *n = hvlis_vmbus_version_name(hvlis_vmbus_version_at(i));

		CHECK(strcmp(n, "unknown") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(n, hvlis_vmbus_version_name(hvlis_vmbus_version_at(j))) != 0);
	}
	CHECK_EQ(i, 10);
}

/* ------------------------------------------------------------------ GPADL */

/* Independent formula: 26 in the header, 28 per body message. */
static u32 expect_msgs(u32 n)
{
	u32 c;

	if (!n)
		return 0;
	for (c = 1, n = n > 26 ? n - 26 : 0; n; c++)
		n = n > 28 ? n - 28 : 0;
	return c;
}

TEST(gpadl_msg_count_boundaries)
{
	CHECK_EQ(hvlis_gpadl_msg_count(0), 0);
	CHECK_EQ(hvlis_gpadl_msg_count(1), 1);
	CHECK_EQ(hvlis_gpadl_msg_count(25), 1);
	CHECK_EQ(hvlis_gpadl_msg_count(26), 1);
	CHECK_EQ(hvlis_gpadl_msg_count(27), 2);
	CHECK_EQ(hvlis_gpadl_msg_count(54), 2);
	CHECK_EQ(hvlis_gpadl_msg_count(55), 3);
	CHECK_EQ(hvlis_gpadl_msg_count(82), 3);
	CHECK_EQ(hvlis_gpadl_msg_count(83), 4);
	CHECK_EQ(hvlis_gpadl_msg_count(8190), 293);
}

TEST(gpadl_msg_count_matches_formula)
{
	u32 n;

	for (n = 0; n <= 9000; n++)
		if (!CHECK_EQ(hvlis_gpadl_msg_count(n), expect_msgs(n))) {
			FAILF("npfns %u", n);
			break;
		}
}

TEST(gpadl_max_pfns_constant)
{
	/* range_buflen (u16) = 8 + 8 * npfns must fit: 8190 pages. */
	CHECK_EQ(HVLIS_GPADL_MAX_PFNS, 8190);
	CHECK(8 + 8 * (u32)HVLIS_GPADL_MAX_PFNS <= 0xffff);
	CHECK(8 + 8 * ((u32)HVLIS_GPADL_MAX_PFNS + 1) > 0xffff);
}

/*
 * Builds every message of an n-page GPADL in an exact 240-byte buffer,
 * parses them back with the protocol's offsets and checks that the PFN list
 * comes back whole and in order.
 */
static void gpadl_roundtrip(u32 n, u64 seed)
{
	u64 *pfns = malloc((n ? n : 1) * sizeof(u64));
	u64 *back = malloc((n ? n : 1) * sizeof(u64));
	u8 *buf = malloc(PAYLOAD);
	u32 count = hvlis_gpadl_msg_count(n), idx, got = 0, i;
	u32 relid = 0x300 + n, gpadl = 0xe1e10000u + n, bytes = n * 4096u - 123;

	if (!CHECK(pfns && back && buf))
		goto out;
	hvtest_srand(seed);
	for (i = 0; i < n; i++)
		pfns[i] = hvtest_rand64() >> 12;
	for (idx = 0; idx < count; idx++) {
		u32 len, k, v32;
		u16 v16;

		memset(buf, 0xcc, PAYLOAD);
		len = hvlis_gpadl_fill(buf, idx, relid, gpadl, bytes, pfns, n);
		if (!CHECK(len > 0 && len <= PAYLOAD)) {
			FAILF("n=%u idx=%u: length %u", n, idx, len);
			goto out;
		}
		if (idx == 0) {
			k = n < 26 ? n : 26;
			CHECK_EQ(len, 28 + 8 * k);
			memcpy(&v32, buf + 0, 4);
			CHECK_EQ(v32, HVLIS_CHANMSG_GPADL_HEADER);
			memcpy(&v32, buf + 4, 4);
			CHECK_EQ(v32, 0);	/* padding */
			memcpy(&v32, buf + 8, 4);
			CHECK_EQ(v32, relid);
			memcpy(&v32, buf + 12, 4);
			CHECK_EQ(v32, gpadl);
			memcpy(&v16, buf + 16, 2);
			CHECK_EQ(v16, 8 + 8 * n);	/* range_buflen */
			memcpy(&v16, buf + 18, 2);
			CHECK_EQ(v16, 1);		/* range_count */
			memcpy(&v32, buf + 20, 4);
			CHECK_EQ(v32, bytes);		/* byte_count */
			memcpy(&v32, buf + 24, 4);
			CHECK_EQ(v32, 0);		/* byte_offset */
			memcpy(back + got, buf + 28, 8 * k);
		} else {
			k = (len - 16) / 8;
			CHECK_EQ((len - 16) % 8, 0);
			CHECK(k >= 1 && k <= 28);
			/* Every body but the last is full. */
			if (idx + 1 < count)
				CHECK_EQ(k, 28);
			memcpy(&v32, buf + 0, 4);
			CHECK_EQ(v32, HVLIS_CHANMSG_GPADL_BODY);
			memcpy(&v32, buf + 4, 4);
			CHECK_EQ(v32, 0);
			memcpy(&v32, buf + 8, 4);
			CHECK_EQ(v32, idx);		/* msgnumber */
			memcpy(&v32, buf + 12, 4);
			CHECK_EQ(v32, gpadl);
			if (!CHECK(got + k <= n))
				goto out;
			memcpy(back + got, buf + 16, 8 * k);
		}
		got += k;
	}
	CHECK_EQ(got, n);
	if (n)
		CHECK_MEM_EQ(back, pfns, n * sizeof(u64));
	/* One past the last message, and far past it, build nothing. */
	memset(buf, 0xcc, PAYLOAD);
	CHECK_EQ(hvlis_gpadl_fill(buf, count, relid, gpadl, bytes, pfns, n), 0);
	CHECK_EQ(hvlis_gpadl_fill(buf, count + 7, relid, gpadl, bytes, pfns, n), 0);
	CHECK_EQ(hvlis_gpadl_fill(buf, 0xffffffffu, relid, gpadl, bytes, pfns, n), 0);
	CHECK_EQ(buf[0], 0xcc);
out:
	free(pfns);
	free(back);
	free(buf);
}

TEST(gpadl_fill_reconstructs_small_sizes)
{
	u32 n;

	for (n = 1; n <= 300; n++)
		gpadl_roundtrip(n, 1000 + n);
}

TEST(gpadl_fill_reconstructs_boundary_sizes)
{
	static const u32 sizes[] = { 26, 27, 54, 55, 82, 83, 512, 1024, 2048, 4096,
				     8189, 8190 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		gpadl_roundtrip(sizes[i], sizes[i]);
}

TEST(gpadl_fill_reconstructs_random_sizes)
{
	u32 sizes[60], i;

	hvtest_srand(424242);
	for (i = 0; i < 60; i++)
		sizes[i] = hvtest_rand_range(1, 8190);
	for (i = 0; i < 60; i++)
		gpadl_roundtrip(sizes[i], 77 + i);
}

TEST(gpadl_fill_rejects_empty_and_oversized)
{
	u8 *buf = malloc(PAYLOAD);
	u64 *pfns = calloc(8191, sizeof(u64));

	if (!CHECK(buf && pfns))
		goto out;
	memset(buf, 0xcc, PAYLOAD);
	CHECK_EQ(hvlis_gpadl_fill(buf, 0, 1, 1, 0, pfns, 0), 0);
	CHECK_EQ(hvlis_gpadl_fill(buf, 0, 1, 1, 4096, pfns, 8191), 0);
	CHECK_EQ(hvlis_gpadl_fill(buf, 1, 1, 1, 4096, pfns, 8191), 0);
	CHECK_EQ(hvlis_gpadl_fill(buf, 0, 1, 1, 4096, pfns, 0xffffffffu), 0);
	CHECK_EQ(buf[0], 0xcc);
	CHECK_EQ(buf[PAYLOAD - 1], 0xcc);
	CHECK(hvlis_gpadl_fill(buf, 0, 1, 1, 4096, pfns, 8190) > 0);
out:
	free(buf);
	free(pfns);
}

TEST(gpadl_fill_lengths_never_exceed_payload)
{
	u8 *buf = malloc(PAYLOAD);
	u64 *pfns = calloc(8190, sizeof(u64));
	u32 n, idx, maxlen = 0;

	if (!CHECK(buf && pfns))
		goto out;
	for (n = 1; n <= 200; n++)
		for (idx = 0; idx < hvlis_gpadl_msg_count(n); idx++) {
			u32 len = hvlis_gpadl_fill(buf, idx, 1, 2, 3, pfns, n);

			CHECK(len >= 16 && len <= PAYLOAD);
			if (len > maxlen)
				maxlen = len;
		}
	/* A full header is 236 bytes, a full body exactly 240. */
	CHECK_EQ(hvlis_gpadl_fill(buf, 0, 1, 2, 3, pfns, 26), 236);
	CHECK_EQ(hvlis_gpadl_fill(buf, 1, 1, 2, 3, pfns, 54), 240);
	CHECK_EQ(hvlis_gpadl_fill(buf, 1, 1, 2, 3, pfns, 27), 24);
	CHECK_EQ(maxlen, 240);
out:
	free(buf);
	free(pfns);
}

/* ------------------------------------------------------------------- GUIDs */

static void guid_is(const struct hvlis_guid *g, const char *expect)
{
	char *out = malloc(37);

	if (!CHECK(out))
		return;
	memset(out, 'X', 37);
	hvlis_guid_to_string(g, out);
	CHECK_STR_EQ(out, expect);
	CHECK_EQ(out[36], '\0');
	free(out);
}

TEST(guid_network_string)
{
	struct hvlis_guid g = HVLIS_GUID_NETWORK;

	guid_is(&g, "f8615163-df3e-46c5-913f-f2d2f965ed0e");
}

TEST(guid_known_devices)
{
	struct hvlis_guid ide = HVLIS_GUID_IDE, scsi = HVLIS_GUID_SCSI,
		shut = HVLIS_GUID_SHUTDOWN, ts = HVLIS_GUID_TIMESYNC,
		hb = HVLIS_GUID_HEARTBEAT, kvp = HVLIS_GUID_KVP, vss = HVLIS_GUID_VSS,
		fc = HVLIS_GUID_FCOPY, dm = HVLIS_GUID_DYNMEM;

	guid_is(&ide, "32412632-86cb-44a2-9b5c-50d1417354f5");
	guid_is(&scsi, "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f");
	guid_is(&shut, "0e0b6031-5213-4934-818b-38d90ced39db");
	guid_is(&ts, "9527e630-d0ae-497b-adce-e80ab0175caf");
	guid_is(&hb, "57164f39-9115-4e78-ab55-382f3bd5422d");
	guid_is(&kvp, "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6");
	guid_is(&vss, "35fa2e29-ea23-4236-96ae-3a6ebacba440");
	guid_is(&fc, "34d14be3-dee4-41c8-9ae7-6b174977c192");
	guid_is(&dm, "525074dc-8985-46e2-8057-a307dc18a502");
}

TEST(guid_wire_byte_order)
{
	struct hvlis_guid g, z, f;
	u32 i;

	for (i = 0; i < 16; i++)
		g.b[i] = (u8)i;
	memset(&z, 0, sizeof(z));
	memset(&f, 0xff, sizeof(f));
	guid_is(&g, "03020100-0504-0706-0809-0a0b0c0d0e0f");
	guid_is(&z, "00000000-0000-0000-0000-000000000000");
	guid_is(&f, "ffffffff-ffff-ffff-ffff-ffffffffffff");
}

HVTEST_MAIN()
