// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of modules/proto/relay_msg.c: KVP, VSS and file copy
 * requests from the host converted into the messages their daemons read.
 * Packets live in heap buffers of exactly their length, so ASan sees any
 * read past what the host sent; every rejection must also have been logged
 * (hvlis_relay_last_warning).
 */
#define HVTEST_SUITE "relay_msg"
#include "hvtest.h"

#include <hvlis/uapi/kvp.h>
#include <hvlis/uapi/vss.h>
#include <hvlis/uapi/fcopy.h>
#include "relay_msg.h"

#define BODY HVLIS_IC_BODY_OFFSET

/* A request of @blen body bytes (zeroed), in a buffer of exactly its size. */
static u8 *request(u8 type, u32 blen)
{
	u8 *pkt = calloc(1, BODY + blen);
	struct hvlis_ic_hdr *h;

	if (!pkt)
		return NULL;
	((struct hvlis_ic_pipe_hdr *)pkt)->msgsize = sizeof(*h) + blen;
	h = (struct hvlis_ic_hdr *)(pkt + sizeof(struct hvlis_ic_pipe_hdr));
	h->icmsgtype = type;
	h->icmsgsize = blen;
	h->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_REQUEST;
	return pkt;
}

/* ASCII or two-byte UTF-8 @s as UTF-16LE at @dst; returns the bytes with the NUL. */
static u32 utf16(u8 *dst, const char *s)
{
	u32 n = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p++;

		if (c >= 0xc0)
			c = (c & 0x1f) << 6 | (*p++ & 0x3f);
		dst[2 * n] = c & 0xff;
		dst[2 * n + 1] = c >> 8;
		n++;
	}
	dst[2 * n] = dst[2 * n + 1] = 0;
	return 2 * (n + 1);
}

static struct hvlis_ic_kvp_msg *kvp_body(u8 *pkt)
{
	return (struct hvlis_ic_kvp_msg *)(pkt + BODY);
}

TEST(kvp_set_string_converts_key_and_value)
{
	u8 *pkt = request(HVLIS_ICMSGTYPE_KVPEXCHANGE, sizeof(struct hvlis_ic_kvp_msg));
	u8 out[KVP_MSG_SIZE] = { 0 };
	struct kvp_msg *m = (struct kvp_msg *)out;
	struct hvlis_ic_kvp_msg *in;

	if (!CHECK(pkt))
		return;
	in = kvp_body(pkt);
	in->hdr.operation = KVP_OP_SET;
	in->hdr.pool = 3;
	in->body.set.value_type = KVP_REG_SZ;
	in->body.set.key_size = utf16(in->body.set.key, "gr\xc3\xbc\xc3\x9f" "e");
	in->body.set.value_size = utf16(in->body.set.value, "one two");
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, BODY + sizeof(*in), out), KVP_MSG_SIZE);
	CHECK_EQ(m->hdr.operation, KVP_OP_SET);
	CHECK_EQ(m->hdr.pool, 3);
	CHECK_STR_EQ((char *)m->body.set.key, "gr\xc3\xbc\xc3\x9f" "e");
	CHECK_EQ(m->body.set.key_size, 8);
	CHECK_STR_EQ((char *)m->body.set.value, "one two");
	CHECK_EQ(m->body.set.value_size, 8);
	free(pkt);
}

TEST(kvp_set_numbers_become_decimal_strings)
{
	u8 *pkt = request(HVLIS_ICMSGTYPE_KVPEXCHANGE, sizeof(struct hvlis_ic_kvp_msg));
	u8 out[KVP_MSG_SIZE] = { 0 };
	struct kvp_msg *m = (struct kvp_msg *)out;
	struct hvlis_ic_kvp_msg *in;

	if (!CHECK(pkt))
		return;
	in = kvp_body(pkt);
	in->hdr.operation = KVP_OP_SET;
	in->body.set.key_size = utf16(in->body.set.key, "n");
	in->body.set.value_type = KVP_REG_U64;
	in->body.set.value_u64 = 18446744073709551615ull;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, BODY + sizeof(*in), out), KVP_MSG_SIZE);
	CHECK_STR_EQ((char *)m->body.set.value, "18446744073709551615");
	CHECK_EQ(m->body.set.value_size, 21);
	memset(out, 0, sizeof(out));
	in->body.set.value_type = KVP_REG_U32;
	in->body.set.value_u32 = 4000000000u;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, BODY + sizeof(*in), out), KVP_MSG_SIZE);
	CHECK_STR_EQ((char *)m->body.set.value, "4000000000");
	free(pkt);
}

TEST(kvp_rejects_with_a_log_line)
{
	u8 *pkt = request(HVLIS_ICMSGTYPE_KVPEXCHANGE, sizeof(struct hvlis_ic_kvp_msg));
	u8 out[KVP_MSG_SIZE] = { 0 };
	struct hvlis_ic_kvp_msg *in;
	u32 len = BODY + sizeof(*in);

	if (!CHECK(pkt))
		return;
	in = kvp_body(pkt);
	in->hdr.operation = KVP_OP_SET;
	in->body.set.value_type = KVP_REG_SZ;
	in->body.set.key_size = HVLIS_IC_KVP_KEY_BYTES + 2;	/* larger than its field */
	hvlis_relay_last_warning[0] = 0;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, len, out), -EINVAL);
	CHECK_STR_EQ(hvlis_relay_last_warning, "kvp: the host's key is 514 bytes, more than 512\n");
	in->body.set.key_size = 4;
	in->body.set.key[0] = 0x00;
	in->body.set.key[1] = 0xd8;				/* a lone high surrogate */
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, len, out), -EINVAL);
	CHECK(strstr(hvlis_relay_last_warning, "key is not valid UTF-16") != NULL);
	in->body.set.key_size = utf16(in->body.set.key, "k");
	in->body.set.value_type = 7;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, len, out), -EINVAL);
	CHECK_STR_EQ(hvlis_relay_last_warning, "kvp: SET of value type 7\n");
	in->hdr.pool = KVP_POOL_COUNT;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, len, out), -EINVAL);
	CHECK_STR_EQ(hvlis_relay_last_warning, "kvp: request for pool 5\n");
	in->hdr.pool = 0;
	in->hdr.operation = 99;
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, len, out), -EINVAL);
	CHECK_STR_EQ(hvlis_relay_last_warning, "kvp: unknown operation 99\n");
	free(pkt);
}

/* Every length short of a whole request: -EINVAL, logged, no read past it. */
TEST(every_short_request_is_refused_without_overread)
{
	static const u8 kvp_ops[] = { KVP_OP_GET, KVP_OP_SET, KVP_OP_DELETE, KVP_OP_ENUMERATE,
				      KVP_OP_GET_IP_INFO, KVP_OP_SET_IP_INFO };
	static u8 out[FCOPY_MAX_MSG > KVP_MSG_SIZE ? FCOPY_MAX_MSG : KVP_MSG_SIZE];
	u32 full, len, i, status;
	u8 *pkt;
	int ret, bad = 0;

	for (i = 0; i < sizeof(kvp_ops); i++) {
		full = BODY + (kvp_ops[i] >= KVP_OP_SET_IP_INFO ?
			       sizeof(struct hvlis_ic_kvp_ip_msg) : sizeof(struct hvlis_ic_kvp_msg));
		for (len = 0; len < full; len += len < BODY + 64 ? 1 : 61) {
			pkt = request(HVLIS_ICMSGTYPE_KVPEXCHANGE, len > BODY ? len - BODY : 0);
			if (!CHECK(pkt))
				return;
			if (len > BODY)
				pkt[BODY] = kvp_ops[i];
			memset(out, 0, sizeof(out));
			hvlis_relay_last_warning[0] = 0;
			ret = hvlis_kvp_to_daemon(pkt, len, out);
			/* GET, DELETE and ENUMERATE need less than a whole message */
			if (ret != -EINVAL && (kvp_ops[i] >= KVP_OP_GET_IP_INFO || kvp_ops[i] == KVP_OP_SET))
				bad++;
			if (ret == -EINVAL && !hvlis_relay_last_warning[0])
				bad++;
			free(pkt);
		}
	}
	for (len = 0; len < BODY + sizeof(struct hvlis_ic_vss); len++) {
		pkt = request(HVLIS_ICMSGTYPE_VSS, len > BODY ? len - BODY : 0);
		if (!CHECK(pkt))
			return;
		if (len > BODY)
			pkt[BODY] = VSS_OP_FREEZE;
		if (hvlis_vss_to_daemon(pkt, len, out, &status) != -EINVAL)
			bad++;
		free(pkt);
	}
	for (i = 0; i < 3; i++) {
		full = BODY + (i == 0 ? FCOPY_START_SIZE : i == 1 ?
				   (u32)offsetof(struct hvlis_ic_fcopy_data, data) : FCOPY_HDR_SIZE);
		for (len = 0; len < full; len += len < BODY + 64 ? 1 : 29) {
			pkt = request(HVLIS_ICMSGTYPE_FCOPY, len > BODY ? len - BODY : 0);
			if (!CHECK(pkt))
				return;
			if (len > BODY)
				pkt[BODY] = i == 0 ? START_FILE_COPY : i == 1 ? WRITE_TO_FILE :
					    COMPLETE_FCOPY;
			hvlis_relay_last_warning[0] = 0;
			if (hvlis_fcopy_to_daemon(pkt, len, out) != -EINVAL || !hvlis_relay_last_warning[0])
				bad++;
			free(pkt);
		}
	}
	CHECK_EQ(bad, 0);
}

TEST(kvp_ip_info_converts_every_list)
{
	u32 blen = sizeof(struct hvlis_ic_kvp_ip_msg);
	u8 *pkt = request(HVLIS_ICMSGTYPE_KVPEXCHANGE, blen);
	static u8 out[KVP_MSG_SIZE];
	struct kvp_msg *m = (struct kvp_msg *)out;
	struct hvlis_ic_kvp_ip_msg *in;

	if (!CHECK(pkt))
		return;
	in = (struct hvlis_ic_kvp_ip_msg *)(pkt + BODY);
	in->operation = KVP_OP_SET_IP_INFO;
	utf16(in->ip.adapter_id, "{guid}");
	in->ip.addr_family = KVP_ADDR_FAMILY_IPV4;
	in->ip.dhcp_enabled = 1;
	utf16(in->ip.ip_addr, "192.0.2.8");
	utf16(in->ip.sub_net, "255.255.255.0");
	utf16(in->ip.gate_way, "192.0.2.1");
	utf16(in->ip.dns_addr, "192.0.2.53");
	memset(out, 0, sizeof(out));
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, BODY + blen, out), KVP_MSG_SIZE);
	CHECK_EQ(m->hdr.operation, KVP_OP_SET_IP_INFO);
	CHECK_STR_EQ((char *)m->body.ip.adapter_id, "{guid}");
	CHECK_STR_EQ((char *)m->body.ip.ip_addr, "192.0.2.8");
	CHECK_STR_EQ((char *)m->body.ip.sub_net, "255.255.255.0");
	CHECK_STR_EQ((char *)m->body.ip.gate_way, "192.0.2.1");
	CHECK_STR_EQ((char *)m->body.ip.dns_addr, "192.0.2.53");
	CHECK_EQ(m->body.ip.dhcp_enabled, 1);
	CHECK_EQ(m->body.ip.addr_family, KVP_ADDR_FAMILY_IPV4);
	/* An address list filling its field without a NUL is refused. */
	memset(in->ip.ip_addr, 'a', sizeof(in->ip.ip_addr));
	CHECK_EQ(hvlis_kvp_to_daemon(pkt, BODY + blen, out), -EINVAL);
	free(pkt);
}

TEST(vss_relays_freeze_thaw_hot_backup_and_answers_the_rest)
{
	u8 *pkt = request(HVLIS_ICMSGTYPE_VSS, sizeof(struct hvlis_ic_vss));
	u8 out[VSS_MSG_SIZE];
	struct hvlis_ic_vss *in;
	unsigned int op;
	u32 status;

	if (!CHECK(pkt))
		return;
	in = (struct hvlis_ic_vss *)(pkt + BODY);
	for (op = 0; op < 256; op++) {
		in->operation = op;
		in->flags = 0xabcd;
		memset(out, 0, sizeof(out));
		status = 0x12345678;
		if (op == VSS_OP_FREEZE || op == VSS_OP_THAW || op == VSS_OP_HOT_BACKUP) {
			CHECK_EQ(hvlis_vss_to_daemon(pkt, BODY + sizeof(*in), out, &status),
				 VSS_MSG_SIZE);
			CHECK_EQ(out[0], op);
			CHECK_EQ(status, 0x12345678);
		} else {
			CHECK_EQ(hvlis_vss_to_daemon(pkt, BODY + sizeof(*in), out, &status), 0);
			CHECK_EQ(status, HVLIS_IC_S_OK);
			CHECK_EQ(in->flags, op == VSS_OP_GET_DM_INFO ? 0 : 0xabcd);
		}
	}
	free(pkt);
}

TEST(fcopy_start_write_and_others)
{
	u8 *pkt = request(HVLIS_ICMSGTYPE_FCOPY, sizeof(struct hvlis_ic_fcopy_data));
	static u8 out[FCOPY_MAX_MSG];
	struct fcopy_start *ms = (struct fcopy_start *)out;
	struct hvlis_ic_fcopy_start *st;
	struct hvlis_ic_fcopy_data *d;
	u32 len = BODY + sizeof(*d);

	if (!CHECK(pkt))
		return;
	st = (struct hvlis_ic_fcopy_start *)(pkt + BODY);
	d = (struct hvlis_ic_fcopy_data *)(pkt + BODY);
	st->hdr.operation = START_FILE_COPY;
	utf16(st->file_name, "\xc3\xa9t\xc3\xa9.txt");
	utf16(st->path_name, "/tmp/in");
	st->copy_flags = 3;
	st->file_size = 1ull << 40;
	memset(out, 0, sizeof(out));
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, BODY + sizeof(*st), out), FCOPY_START_SIZE);
	CHECK_STR_EQ((char *)ms->file_name, "\xc3\xa9t\xc3\xa9.txt");
	CHECK_STR_EQ((char *)ms->path_name, "/tmp/in");
	CHECK_EQ(ms->copy_flags, 3);
	CHECK_EQ(ms->file_size, 1ull << 40);
	/* A name without its NUL. */
	memset(st->file_name, 'a', sizeof(st->file_name));
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, BODY + sizeof(*st), out), -EINVAL);

	memset(pkt + BODY, 0, sizeof(*d));
	d->hdr.operation = WRITE_TO_FILE;
	d->offset = 12345;
	d->size = 100;
	memset(d->data, 0x5a, 100);
	memset(out, 0, sizeof(out));
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, len, out), FCOPY_DATA_SIZE);
	CHECK_MEM_EQ(out, pkt + BODY, offsetof(struct hvlis_ic_fcopy_data, data) + 100);
	CHECK_EQ(out[offsetof(struct hvlis_ic_fcopy_data, data) + 100], 0);
	d->size = HVLIS_IC_FCOPY_FRAGMENT + 1;
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, len, out), -EINVAL);
	d->size = 100;	/* more than the packet holds */
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, BODY + offsetof(struct hvlis_ic_fcopy_data, data) + 99, out),
		 -EINVAL);

	d->hdr.operation = COMPLETE_FCOPY;
	memset(out, 0, sizeof(out));
	CHECK_EQ(hvlis_fcopy_to_daemon(pkt, BODY + FCOPY_HDR_SIZE, out), FCOPY_HDR_SIZE);
	CHECK_MEM_EQ(out, pkt + BODY, FCOPY_HDR_SIZE);
	free(pkt);
}

HVTEST_MAIN()
