// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hv_storvsc's protocol-only code (modules/hv_storvsc/
 * storvsc_msg.c): request layouts per version, and the checks on every
 * host answer (completions, properties, host messages, sense data). Each
 * host packet lives in a heap buffer of exactly its length, so a read past
 * what the host sent is caught by ASan or valgrind.
 */
#define HVTEST_SUITE "storvsc"
#include "hvtest.h"

#include "storvsc_msg.h"

/* A packet as the host would send it, copied into an exact-size buffer. */
static u8 *host_bytes(const struct hvlis_vstor_packet *p, u32 len)
{
	u8 *b = malloc(len ? len : 1);

	if (b)
		memcpy(b, p, len < sizeof(*p) ? len : sizeof(*p));
	return b;
}

/* What the host would echo for an SRB: the request turned into its answer. */
static void srb_answer(struct hvlis_vstor_packet *p, const struct stv_srb_sent *s, u8 srb_status,
		       u8 scsi_status, u32 moved)
{
	memset(p, 0, sizeof(*p));
	p->operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	p->srb.path_id = s->path_id;
	p->srb.target_id = s->target_id;
	p->srb.lun = s->lun;
	p->srb.srb_status = srb_status;
	p->srb.scsi_status = scsi_status;
	p->srb.data_transfer_length = moved;
}

static const struct stv_srb_sent sent_read = {
	.path_id = 0, .target_id = 1, .lun = 7, .data_in = HVLIS_VSTOR_DATA_IN,
	.transfer_len = 4096,
};

/* Checks a completion after the guest's own copy, as the driver does. */
static int complete(const struct hvlis_vstor_packet *p, u32 len, u16 ver,
		    const struct stv_srb_sent *s, struct stv_srb_result *res)
{
	struct hvlis_vstor_packet copy;
	u8 *b = host_bytes(p, len);
	int ret;

	if (!CHECK(b))
		return -ENOMEM;
	ret = stv_msg_copy(b, len, &copy);
	if (!ret)
		ret = stv_msg_srb_complete(&copy, len, ver, s, res);
	free(b);
	return ret;
}

TEST(versions_newest_first_down_to_ws2008)
{
	unsigned int i;

	CHECK_EQ(stv_nversions, 5);
	CHECK_EQ(stv_versions[0], HVLIS_VSTOR_WIN10);
	CHECK_EQ(stv_versions[stv_nversions - 1], HVLIS_VSTOR_WIN6);
	for (i = 1; i < stv_nversions; i++)
		CHECK(stv_versions[i] < stv_versions[i - 1]);
}

TEST(srb_layout_per_version)
{
	static const u8 cdb[16] = { 0x28, 0, 0, 0, 0, 8, 0, 0, 1, 0 };
	struct hvlis_vstor_packet p;
	struct stv_srb_sent s = sent_read;
	unsigned int i;

	for (i = 0; i < stv_nversions; i++) {
		u16 v = stv_versions[i];
		bool win8 = v >= HVLIS_VSTOR_WIN8;

		memset(&p, 0xaa, sizeof(p));
		stv_msg_build_srb(&p, v, &s, 3, cdb, 10, 60);
		CHECK_EQ(p.operation, HVLIS_VSTOR_OP_EXECUTE_SRB);
		CHECK_EQ(p.flags, HVLIS_VSTOR_FLAG_REQUEST_COMPLETION);
		CHECK_EQ(p.status, 0);
		CHECK_EQ(p.srb.length, win8 ? 52 : 36);
		CHECK_EQ(p.srb.sense_info_length, win8 ? 20 : 18);
		CHECK_EQ(p.srb.port_number, 3);
		CHECK_EQ(p.srb.target_id, 1);
		CHECK_EQ(p.srb.lun, 7);
		CHECK_EQ(p.srb.cdb_length, 10);
		CHECK_MEM_EQ(p.srb.cdb, cdb, 10);
		CHECK_EQ(p.srb.cdb[10], 0);
		CHECK_EQ(p.srb.data_in, HVLIS_VSTOR_DATA_IN);
		CHECK_EQ(p.srb.data_transfer_length, 4096);
		if (win8) {
			CHECK(p.srb.win8.srb_flags & HVLIS_SRB_FLAGS_DATA_IN);
			CHECK(!(p.srb.win8.srb_flags & HVLIS_SRB_FLAGS_DATA_OUT));
			CHECK_EQ(p.srb.win8.time_out_value, 60);
		} else {
			/* nothing beyond the short SRB: those bytes are not sent */
			CHECK_EQ(p.srb.win8.srb_flags, 0);
			CHECK_EQ(p.srb.win8.queue_tag, 0);
		}
		CHECK_EQ(hvlis_vstor_packet_size(v), win8 ? 64 : 48);
	}
	/* a CDB longer than the SRB holds is cut, never overflows */
	stv_msg_build_srb(&p, HVLIS_VSTOR_WIN10, &s, 0, cdb, 200, 0);
	CHECK_EQ(p.srb.cdb_length, 16);
}

TEST(completion_success_and_underrun)
{
	struct hvlis_vstor_packet p;
	struct stv_srb_result r;

	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 4096);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.disp, STV_DONE);
	CHECK_EQ(r.transferred, 4096);
	CHECK_EQ(r.sense_len, 0);
	/* underrun: the host moved less and says so */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_DATA_OVERRUN, 0, 512);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.disp, STV_DONE);
	CHECK_EQ(r.transferred, 512);
	/* the QUEUE_FROZEN flag bit does not change the code */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS | HVLIS_SRB_STATUS_QUEUE_FROZEN, 0, 0);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.srb_status, HVLIS_SRB_STATUS_SUCCESS);
	/* pre-WIN8: 48 bytes are a whole packet */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 4096);
	CHECK_EQ(complete(&p, 48, HVLIS_VSTOR_WIN7, &sent_read, &r), 0);
}

TEST(completion_dispositions)
{
	static const struct { u8 srb; u8 scsi; enum stv_disposition d; } cases[] = {
		{ HVLIS_SRB_STATUS_ERROR, 0x02, STV_DONE },	/* CHECK CONDITION */
		{ HVLIS_SRB_STATUS_ERROR, 0, STV_ERROR },
		{ HVLIS_SRB_STATUS_BUSY, 0, STV_RETRY },
		{ HVLIS_SRB_STATUS_BUS_RESET, 0, STV_RETRY },
		{ HVLIS_SRB_STATUS_ABORTED, 0, STV_RETRY },
		{ HVLIS_SRB_STATUS_REQUEST_FLUSHED, 0, STV_RETRY },
		{ HVLIS_SRB_STATUS_INVALID_LUN, 0, STV_NO_DEVICE },
		{ HVLIS_SRB_STATUS_NO_DEVICE, 0, STV_NO_DEVICE },
		{ HVLIS_SRB_STATUS_SELECTION_TIMEOUT, 0, STV_NO_DEVICE },
		{ HVLIS_SRB_STATUS_INVALID_REQUEST, 0, STV_ERROR },
		{ HVLIS_SRB_STATUS_INTERNAL_ERROR, 0, STV_ERROR },
	};
	struct hvlis_vstor_packet p;
	struct stv_srb_result r;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		srb_answer(&p, &sent_read, cases[i].srb, cases[i].scsi, 4096);
		CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
		CHECK_EQ(r.disp, cases[i].d);
		/* only a DONE command has moved data */
		CHECK_EQ(r.transferred, cases[i].d == STV_DONE ? 4096 : 0);
	}
}

TEST(completion_sense)
{
	struct hvlis_vstor_packet p;
	struct stv_srb_result r;
	u8 sense[20];
	unsigned int i;

	for (i = 0; i < sizeof(sense); i++)
		sense[i] = (u8)(0x70 + i);
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_ERROR | HVLIS_SRB_STATUS_AUTOSENSE_VALID,
		   0x02, 0);
	memcpy(p.srb.sense_data, sense, sizeof(sense));
	p.srb.sense_info_length = 18;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.disp, STV_DONE);
	CHECK_EQ(r.scsi_status, 0x02);
	CHECK_EQ(r.sense_len, 18);
	CHECK_MEM_EQ(r.sense, sense, 18);
	/* 20 bytes: the most WIN8 allows */
	p.srb.sense_info_length = 20;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.sense_len, 20);
	/* more than the version's sense buffer: refused */
	p.srb.sense_info_length = 21;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	p.srb.sense_info_length = 255;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	/* before WIN8 the buffer holds 18 */
	p.srb.sense_info_length = 19;
	CHECK_EQ(complete(&p, 48, HVLIS_VSTOR_WIN7, &sent_read, &r), -EPROTO);
	/* without AUTOSENSE_VALID the bytes are not sense: none taken */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_ERROR, 0x02, 0);
	p.srb.sense_info_length = 200;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), 0);
	CHECK_EQ(r.sense_len, 0);
}

TEST(completion_lies_refused)
{
	struct hvlis_vstor_packet p;
	struct stv_srb_result r;

	/* more bytes moved than the buffer holds */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 4097);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0xffffffffu);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	/* another LUN, target or path than asked */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0);
	p.srb.lun = 8;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0);
	p.srb.target_id = 0;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0);
	p.srb.path_id = 1;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	/* not a completion */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0);
	p.operation = HVLIS_VSTOR_OP_EXECUTE_SRB;
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	/* shorter than the negotiated packet */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_SUCCESS, 0, 0);
	CHECK_EQ(complete(&p, 56, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	CHECK_EQ(complete(&p, 40, HVLIS_VSTOR_WIN7, &sent_read, &r), -EPROTO);
	CHECK_EQ(complete(&p, 11, HVLIS_VSTOR_WIN7, &sent_read, &r), -EINVAL);
	/* PENDING and codes the protocol does not have */
	srb_answer(&p, &sent_read, HVLIS_SRB_STATUS_PENDING, 0, 0);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
	srb_answer(&p, &sent_read, 0x31, 0, 0);
	CHECK_EQ(complete(&p, 64, HVLIS_VSTOR_WIN10, &sent_read, &r), -EPROTO);
}

TEST(control_status)
{
	struct hvlis_vstor_packet p;

	memset(&p, 0, sizeof(p));
	p.operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	CHECK_EQ(stv_msg_ctl_status(&p, 48), 0);
	CHECK_EQ(stv_msg_ctl_status(&p, 64), 0);
	CHECK_EQ(stv_msg_ctl_status(&p, 47), -EPROTO);
	p.status = HVLIS_VSTOR_STATUS_REVISION_MISMATCH;
	CHECK_EQ(stv_msg_ctl_status(&p, 48), -EPROTONOSUPPORT);
	p.status = HVLIS_VSTOR_STATUS_UNSUCCESSFUL;
	CHECK_EQ(stv_msg_ctl_status(&p, 48), -EIO);
	p.status = 0;
	p.operation = HVLIS_VSTOR_OP_ENUMERATE_BUS;
	CHECK_EQ(stv_msg_ctl_status(&p, 48), -EPROTO);
}

TEST(properties)
{
	struct hvlis_vstor_packet p;
	u32 sub = 99, xfer = 99;

	memset(&p, 0, sizeof(p));
	p.operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	p.props.max_transfer_bytes = 1024 * 1024 + 100;
	p.props.max_channel_cnt = 8;
	p.props.flags = HVLIS_VSTOR_PROP_MULTI_CHANNEL;
	CHECK_EQ(stv_msg_props(&p, 64, HVLIS_VSTOR_WIN10, &sub, &xfer), 0);
	CHECK_EQ(sub, 8);
	CHECK_EQ(xfer, 1024 * 1024);		/* rounded down to pages */
	/* no multi-channel before WIN8, or without the flag */
	CHECK_EQ(stv_msg_props(&p, 48, HVLIS_VSTOR_WIN7, &sub, &xfer), 0);
	CHECK_EQ(sub, 0);
	p.props.flags = 0;
	CHECK_EQ(stv_msg_props(&p, 64, HVLIS_VSTOR_WIN10, &sub, &xfer), 0);
	CHECK_EQ(sub, 0);
	/* less than a page per transfer is no disk we can use */
	p.props.max_transfer_bytes = 4095;
	CHECK_EQ(stv_msg_props(&p, 64, HVLIS_VSTOR_WIN10, &sub, &xfer), -EPROTO);
	p.props.max_transfer_bytes = 0;
	CHECK_EQ(stv_msg_props(&p, 64, HVLIS_VSTOR_WIN10, &sub, &xfer), -EPROTO);
	/* a failed request, a short packet */
	p.props.max_transfer_bytes = 65536;
	p.status = HVLIS_VSTOR_STATUS_REVISION_MISMATCH;
	CHECK_EQ(stv_msg_props(&p, 64, HVLIS_VSTOR_WIN10, &sub, &xfer), -EIO);
	p.status = 0;
	CHECK_EQ(stv_msg_props(&p, 20, HVLIS_VSTOR_WIN10, &sub, &xfer), -EPROTO);
}

static void wwn_put(u8 *b, u64 v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		b[i] = (u8)v;
}

TEST(fc_names)
{
	struct hvlis_vstor_packet p;
	u64 port = 1, node = 2;

	memset(&p, 0, sizeof(p));
	p.operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	p.wwn.primary_active = 1;
	wwn_put(p.wwn.primary_port_wwn, 0x5000000068760101ull);
	wwn_put(p.wwn.primary_node_wwn, 0x5000000068760100ull);
	wwn_put(p.wwn.secondary_port_wwn, 0x5000000068760103ull);
	wwn_put(p.wwn.secondary_node_wwn, 0x5000000068760102ull);
	/* big-endian on the wire: byte 0 is the NAA nibble's */
	CHECK_EQ(p.wwn.primary_port_wwn[0], 0x50);
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), 0);
	CHECK_EQ(port, 0x5000000068760101ull);
	CHECK_EQ(node, 0x5000000068760100ull);
	/* the secondary pair when the primary is not active */
	p.wwn.primary_active = 0;
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), 0);
	CHECK_EQ(port, 0x5000000068760103ull);
	CHECK_EQ(node, 0x5000000068760102ull);
	/* 48 bytes (pre-WIN8 packets) hold the names (12 + 36) */
	CHECK_EQ(stv_msg_fc_names(&p, 48, &port, &node), 0);
	/* a packet that ends inside the names */
	port = node = 7;
	CHECK_EQ(stv_msg_fc_names(&p, 47, &port, &node), -EPROTO);
	CHECK_EQ(port, 7);
	CHECK_EQ(node, 7);
	/* neither 0 nor 1 */
	p.wwn.primary_active = 2;
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), -EPROTO);
	/* a zero name in the active pair */
	p.wwn.primary_active = 1;
	wwn_put(p.wwn.primary_node_wwn, 0);
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), -EPROTO);
	CHECK_EQ(port, 7);
	/* a failed request, not a completion */
	wwn_put(p.wwn.primary_node_wwn, 0x5000000068760100ull);
	p.status = HVLIS_VSTOR_STATUS_INVALID_DEVICE_REQUEST;
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), -EIO);
	p.status = 0;
	p.operation = HVLIS_VSTOR_OP_FCHBA_DATA;
	CHECK_EQ(stv_msg_fc_names(&p, 64, &port, &node), -EPROTO);
}

TEST(host_messages)
{
	struct hvlis_vstor_packet p, copy;
	u8 *b;

	memset(&p, 0, sizeof(p));
	p.operation = HVLIS_VSTOR_OP_ENUMERATE_BUS;
	b = host_bytes(&p, 12);
	if (!CHECK(b))
		return;
	/* the op alone (12 bytes) is enough for the bus messages */
	CHECK_EQ(stv_msg_copy(b, 12, &copy), 0);
	CHECK_EQ(stv_msg_host_op(&copy, 12), HVLIS_VSTOR_OP_ENUMERATE_BUS);
	CHECK_EQ(stv_msg_copy(b, 11, &copy), -EINVAL);
	CHECK_EQ(stv_msg_copy(NULL, 64, &copy), -EINVAL);
	free(b);
	p.operation = HVLIS_VSTOR_OP_REMOVE_DEVICE;
	CHECK_EQ(stv_msg_host_op(&p, 64), HVLIS_VSTOR_OP_REMOVE_DEVICE);
	p.operation = HVLIS_VSTOR_OP_FCHBA_DATA;
	CHECK_EQ(stv_msg_host_op(&p, 48), HVLIS_VSTOR_OP_FCHBA_DATA);
	CHECK_EQ(stv_msg_host_op(&p, 47), -EPROTO);	/* names cut off */
	p.operation = HVLIS_VSTOR_OP_EXECUTE_SRB;
	CHECK_EQ(stv_msg_host_op(&p, 64), -EPROTO);
	p.operation = 0xdead;
	CHECK_EQ(stv_msg_host_op(&p, 64), -EPROTO);
}

TEST(copy_zero_fills_and_caps)
{
	struct hvlis_vstor_packet copy;
	u8 big[200];

	memset(big, 0x5a, sizeof(big));
	CHECK_EQ(stv_msg_copy(big, sizeof(big), &copy), 0);	/* longer: capped */
	CHECK_EQ(copy.operation, 0x5a5a5a5au);
	CHECK_EQ(stv_msg_copy(big, 16, &copy), 0);
	CHECK_EQ(copy.srb.length, 0x5a5a);
	CHECK_EQ(copy.srb.data_transfer_length, 0);		/* not sent: zero */
}

TEST(ide_location)
{
	u8 inst[16] = { 0 }, path = 9, target = 9;

	inst[0] = 1;
	inst[4] = 1;
	CHECK_EQ(stv_msg_ide_location(inst, &path, &target), 0);
	CHECK_EQ(path, 1);
	CHECK_EQ(target, 1);
	inst[4] = 2;
	CHECK_EQ(stv_msg_ide_location(inst, &path, &target), -EINVAL);
	inst[4] = 0;
	inst[3] = 1;	/* path 0x01000001 */
	CHECK_EQ(stv_msg_ide_location(inst, &path, &target), -EINVAL);
	inst[3] = 0;
	inst[5] = 1;	/* target 0x100 */
	CHECK_EQ(stv_msg_ide_location(inst, &path, &target), -EINVAL);
}

HVTEST_MAIN()
