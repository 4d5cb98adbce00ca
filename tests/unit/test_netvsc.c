// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hv_netvsc's protocol-only code (modules/hv_netvsc/
 * netvsc_msg.c): the host's NVSP answers (buffer layouts), transfer-page
 * packets (ranges against the receive buffer), RNDIS data messages and
 * their per-packet info, RNDIS control messages, and the guest's own
 * requests. Every hostile case is built from a good message with one
 * field changed, so a case fails only for the check it names.
 *
 * Host bytes are handed over in heap buffers of exactly their length:
 * ASan reports any read past them.
 */
#define HVTEST_SUITE "netvsc"
#include "hvtest.h"

#include "netvsc_msg.h"

/* Copies @len bytes into a heap buffer of exactly that size. */
static void *hostbuf(const void *p, u32 len)
{
	void *b = malloc(len ? len : 1);

	if (b)
		memcpy(b, p, len);
	return b;
}

/* ---------------------------------------------------------------- NVSP */

TEST(versions_newest_first_down_to_1)
{
	unsigned int i;

	CHECK_EQ(nvc_nversions, 6);
	CHECK_EQ(nvc_versions[0], HVLIS_NVSP_V61);
	CHECK_EQ(nvc_versions[nvc_nversions - 1], HVLIS_NVSP_V1);
	for (i = 1; i < nvc_nversions; i++)
		CHECK(nvc_versions[i] < nvc_versions[i - 1]);
	CHECK_EQ(nvc_ndis_version(HVLIS_NVSP_V1), HVLIS_NDIS_6_1);
	CHECK_EQ(nvc_ndis_version(HVLIS_NVSP_V4), HVLIS_NDIS_6_1);
	CHECK_EQ(nvc_ndis_version(HVLIS_NVSP_V5), HVLIS_NDIS_6_30);
	CHECK_EQ(nvc_ndis_version(HVLIS_NVSP_V61), HVLIS_NDIS_6_30);
}

TEST(nvsp_copy_checks_each_types_length)
{
	struct hvlis_nvsp_msg m, out;
	static const struct {
		u32 type, min;
	} t[] = {
		{ HVLIS_NVSP_INIT_COMPLETE, 16 },
		{ HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE, 28 },
		{ HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE, 12 },
		{ HVLIS_NVSP1_SEND_RNDIS_PKT, 16 },
		{ HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE, 8 },
		{ HVLIS_NVSP5_SUBCHANNEL, 12 },
		{ HVLIS_NVSP5_SEND_INDIRECTION_TABLE, 12 },
		{ 9999, 4 },
	};
	unsigned int i;
	void *b;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		memset(&m, 0x5a, sizeof(m));
		m.type = t[i].type;
		b = hostbuf(&m, t[i].min - 1);
		CHECK_EQ(nvc_nvsp_copy(b, t[i].min - 1, &out), -EINVAL);
		CHECK_EQ(out.type, 0);
		free(b);
		b = hostbuf(&m, t[i].min);
		CHECK_EQ(nvc_nvsp_copy(b, t[i].min, &out), 0);
		CHECK_EQ(out.type, t[i].type);
		/* Bytes the host did not send read as zero. */
		if (t[i].min < sizeof(out))
			CHECK_EQ(((u8 *)&out)[t[i].min], 0);
		free(b);
	}
	CHECK_EQ(nvc_nvsp_copy(NULL, 40, &out), -EINVAL);
}

TEST(nvsp_copy_cuts_long_messages)
{
	u8 big[100];
	struct hvlis_nvsp_msg out;
	u32 type = HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE;

	memset(big, 0x77, sizeof(big));
	memcpy(big, &type, 4);
	CHECK_EQ(nvc_nvsp_copy(big, sizeof(big), &out), 0);
	CHECK_EQ(out.body[sizeof(out.body) - 1], 0x77);
}

static void recv_answer(struct hvlis_nvsp_msg *m, u32 size, u32 count)
{
	nvc_nvsp_init(m, HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE);
	m->recv_buf_complete.status = HVLIS_NVSP_STATUS_SUCCESS;
	m->recv_buf_complete.section_count = 1;
	m->recv_buf_complete.sections[0].offset = 0;
	m->recv_buf_complete.sections[0].slot_size = size;
	m->recv_buf_complete.sections[0].slot_count = count;
	m->recv_buf_complete.sections[0].end_offset = size * count;
}

TEST(recv_buf_answer_good)
{
	struct hvlis_nvsp_msg m;
	struct nvc_recv_layout l;

	recv_answer(&m, 1728, 9709);
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, 16 << 20, &l), 0);
	CHECK_EQ(l.slot_size, 1728);
	CHECK_EQ(l.slot_count, 9709);
}

TEST(recv_buf_answer_hostile)
{
	struct hvlis_nvsp_msg m;
	struct nvc_recv_layout l;
	const u32 buf = 16 << 20;

	recv_answer(&m, 1728, 100);
	CHECK_EQ(nvc_recv_buf_answer(&m, 27, buf, &l), -EINVAL);	/* short */
	m.recv_buf_complete.status = HVLIS_NVSP_STATUS_FAILED;
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EIO);
	recv_answer(&m, 1728, 100);
	m.recv_buf_complete.section_count = 2;
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 1728, 100);
	m.recv_buf_complete.section_count = 0;
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 1728, 100);
	m.recv_buf_complete.sections[0].offset = 64;
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 32, 100);				/* tiny slots */
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 1728, 0);
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 4096, buf / 4096 + 1);			/* past the buffer */
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	/* size * count wraps to a small u32: must still be refused */
	recv_answer(&m, 0x10000, 0x10001);
	m.recv_buf_complete.sections[0].end_offset = 0x10000;
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 1728, 100);
	m.recv_buf_complete.sections[0].end_offset += 8;	/* inconsistent */
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
	recv_answer(&m, 1728, 100);
	m.type = HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE;		/* wrong answer */
	CHECK_EQ(nvc_recv_buf_answer(&m, 28, buf, &l), -EINVAL);
}

TEST(send_buf_answer)
{
	struct hvlis_nvsp_msg m;
	u32 size, count;

	nvc_nvsp_init(&m, HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE);
	m.send_buf_complete.status = HVLIS_NVSP_STATUS_SUCCESS;
	m.send_buf_complete.section_size = 6144;
	CHECK_EQ(nvc_send_buf_answer(&m, 12, 1 << 20, &size, &count), 0);
	CHECK_EQ(size, 6144);
	CHECK_EQ(count, (1 << 20) / 6144);
	CHECK_EQ(nvc_send_buf_answer(&m, 11, 1 << 20, &size, &count), -EINVAL);
	m.send_buf_complete.section_size = 0;
	CHECK_EQ(nvc_send_buf_answer(&m, 12, 1 << 20, &size, &count), -EINVAL);
	m.send_buf_complete.section_size = 100;
	CHECK_EQ(nvc_send_buf_answer(&m, 12, 1 << 20, &size, &count), -EINVAL);
	m.send_buf_complete.section_size = (1 << 20) + 8;
	CHECK_EQ(nvc_send_buf_answer(&m, 12, 1 << 20, &size, &count), -EINVAL);
	m.send_buf_complete.section_size = 6144;
	m.send_buf_complete.status = HVLIS_NVSP_STATUS_FAILED;
	CHECK_EQ(nvc_send_buf_answer(&m, 12, 1 << 20, &size, &count), -EIO);
}

/* ---------------------------------------------------------------- ranges */

struct xfer {
	struct hvlis_xfer_page_header h;
	struct hvlis_xfer_page_range r[4];
	struct hvlis_nvsp_msg msg;
} __packed;

/* A transfer-page packet of @n ranges, each 100 bytes at 2048 * i. */
static void xfer_build(struct xfer *x, u32 n, struct hvlis_packet_desc *d)
{
	u32 i;

	memset(x, 0, sizeof(*x));
	x->h.desc.type = HVLIS_PKT_DATA_USING_XFER_PAGES;
	x->h.desc.offset8 = (u16)(offsetof(struct xfer, msg) / 8);
	x->h.desc.len8 = (u16)(sizeof(*x) / 8);
	x->h.desc.trans_id = 77;
	x->h.xfer_pageset_id = HVLIS_NVSP_RECV_BUF_ID;
	x->h.range_count = n;
	for (i = 0; i < n; i++) {
		x->r[i].byte_offset = 2048 * i;
		x->r[i].byte_count = 100;
	}
	nvc_nvsp_init(&x->msg, HVLIS_NVSP1_SEND_RNDIS_PKT);
	*d = x->h.desc;
}

static int xfer_run(struct xfer *x, const struct hvlis_packet_desc *d, u32 len,
		    struct nvc_range *r, u32 *n)
{
	struct hvlis_nvsp_msg msg;
	void *b = hostbuf(x, len);
	int ret = nvc_xfer_parse(d, b, len, 1 << 20, r, 4, n, &msg);

	free(b);
	return ret;
}

TEST(xfer_good)
{
	struct hvlis_packet_desc d;
	struct nvc_range r[4];
	struct xfer x;
	u32 n;

	xfer_build(&x, 3, &d);
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(r[2].offset, 4096);
	CHECK_EQ(r[2].len, 100);
}

TEST(xfer_hostile)
{
	struct hvlis_packet_desc d;
	struct nvc_range r[4];
	struct xfer x;
	u32 n = 99;

	xfer_build(&x, 3, &d);
	x.h.xfer_pageset_id = 1;				/* not our buffer */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	CHECK_EQ(n, 0);
	xfer_build(&x, 3, &d);
	x.h.range_count = 0;
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.h.range_count = 5;					/* more than room */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.h.range_count = 0x20000000;				/* 8 * n wraps u32 */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	d.offset8 = 4;			/* NVSP message over the ranges */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.r[1].byte_count = 0;
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.r[2].byte_offset = (1 << 20) - 99;			/* one byte past */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.r[2].byte_offset = 0xffffff00;			/* wraps u32 */
	x.r[2].byte_count = 0x200;
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	x.msg.type = HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE;	/* not data */
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	d.type = HVLIS_PKT_DATA_INBAND;
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), -EINVAL);
	xfer_build(&x, 3, &d);
	CHECK_EQ(xfer_run(&x, &d, 20, r, &n), -EINVAL);		/* header cut */
	/* the exact boundary is accepted */
	xfer_build(&x, 3, &d);
	x.r[2].byte_offset = (1 << 20) - 100;
	CHECK_EQ(xfer_run(&x, &d, sizeof(x), r, &n), 0);
}

/* ---------------------------------------------------------------- RNDIS data */

struct rx_msg {
	struct hvlis_rndis_packet pk;
	struct hvlis_rndis_ppi p1;
	u32 v1;
	struct hvlis_rndis_ppi p2;
	u32 v2;
	struct hvlis_rndis_ppi p3;
	u32 v3;
	u8 frame[60];
} __packed;

static void rx_build(struct rx_msg *m)
{
	u32 ppi = offsetof(struct rx_msg, p1);

	memset(m, 0, sizeof(*m));
	m->pk.hdr.type = HVLIS_RNDIS_PACKET_MSG;
	m->pk.hdr.len = sizeof(*m);
	m->pk.ppi_offset = ppi - HVLIS_RNDIS_HDR_SIZE;
	m->pk.ppi_len = 3 * 16;
	m->pk.data_offset = offsetof(struct rx_msg, frame) - HVLIS_RNDIS_HDR_SIZE;
	m->pk.data_len = sizeof(m->frame);
	m->p1.size = 16;
	m->p1.type = HVLIS_PPI_CSUM;
	m->p1.data_offset = 12;
	m->v1 = 0x11;
	m->p2.size = 16;
	m->p2.type = HVLIS_PPI_VLAN;
	m->p2.data_offset = 12;
	m->v2 = 0x22;
	m->p3.size = 16;
	m->p3.type = HVLIS_PPI_HASH_VALUE;
	m->p3.data_offset = 12;
	m->v3 = 0x33;
}

static int rx_run(const struct rx_msg *m, u32 len, struct nvc_rx_info *info)
{
	void *b = hostbuf(m, len);
	u32 type;
	int mlen = nvc_rndis_type(b, len, len, &type), ret;

	ret = mlen < 0 ? mlen : nvc_rndis_data(b, len, (u32)mlen, info);
	free(b);
	return ret;
}

TEST(rndis_data_good)
{
	struct nvc_rx_info i;
	struct rx_msg m;

	rx_build(&m);
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(i.data_offset, offsetof(struct rx_msg, frame));
	CHECK_EQ(i.data_len, 60);
	CHECK(i.has_csum && i.csum == 0x11);
	CHECK(i.has_vlan && i.vlan == 0x22);
	CHECK(i.has_hash && i.hash == 0x33);
	m.pk.ppi_len = 0;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK(!i.has_csum && !i.has_vlan && !i.has_hash);
}

TEST(rndis_data_hostile_frame)
{
	struct nvc_rx_info i;
	struct rx_msg m;

	rx_build(&m);
	m.pk.data_len = 0;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.data_len = 61;					/* one past the end */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.data_offset = 0xfffffff8;				/* 8 + off wraps */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.data_offset = 0;					/* inside the header */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.hdr.len = sizeof(m) + 8;				/* longer than the range */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.hdr.type = HVLIS_RNDIS_INDICATE_STATUS_MSG;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	CHECK_EQ(rx_run(&m, 40, &i), -EINVAL);			/* cut */
}

TEST(rndis_data_hostile_ppi)
{
	struct nvc_rx_info i;
	struct rx_msg m;

	rx_build(&m);
	m.p2.size = 0;				/* would loop forever */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.p3.size = 20;				/* past ppi_len */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.p1.data_offset = 8;			/* inside the record header */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.p1.data_offset = 17;			/* past the record */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.ppi_len = 3 * 16 + 4;		/* a 4-byte tail: no record fits */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.ppi_offset = 0xfffffff0;		/* wraps */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build(&m);
	m.pk.ppi_len = 0xffffffff;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	/* A record whose value is cut short carries nothing, and is no error. */
	rx_build(&m);
	m.p1.data_offset = 16;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK(!i.has_csum);
	/* Internal and unknown types are skipped. */
	rx_build(&m);
	m.p1.type = HVLIS_PPI_CSUM | HVLIS_RNDIS_PPI_INTERNAL;
	m.p2.type = 77;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK(!i.has_csum && !i.has_vlan && i.has_hash);
}

TEST(rndis_data_ppi_must_lie_in_the_copied_head)
{
	struct nvc_rx_info i;
	struct rx_msg m;
	u32 type;
	int mlen;

	rx_build(&m);
	mlen = nvc_rndis_type(&m, sizeof(m), sizeof(m), &type);
	CHECK_EQ(mlen, (int)sizeof(m));
	/* Head of 80 bytes: the third record lies beyond it. */
	CHECK_EQ(nvc_rndis_data(&m, 80, (u32)mlen, &i), -EINVAL);
	CHECK_EQ(nvc_rndis_data(&m, offsetof(struct rx_msg, frame), (u32)mlen, &i), 0);
}

TEST(rndis_type_lengths)
{
	struct hvlis_rndis_hdr h = { HVLIS_RNDIS_PACKET_MSG, 100 };
	u32 type;

	CHECK_EQ(nvc_rndis_type(&h, 8, 100, &type), 100);
	CHECK_EQ(nvc_rndis_type(&h, 8, 99, &type), -EINVAL);
	CHECK_EQ(nvc_rndis_type(&h, 7, 100, &type), -EINVAL);
	h.len = 7;
	CHECK_EQ(nvc_rndis_type(&h, 8, 100, &type), -EINVAL);
	h.len = 0x80000000;
	CHECK_EQ(nvc_rndis_type(&h, 8, 0xffffffff, &type), -EINVAL);
}

/* ---------------------------------------------------------------- RNDIS control */

static int ctrl_run(const void *m, u32 len, struct nvc_rndis_ctrl *c)
{
	void *b = hostbuf(m, len);
	int ret = nvc_rndis_ctrl(b, len, c);

	free(b);
	return ret;
}

TEST(rndis_init_cmplt)
{
	struct hvlis_rndis_init_cmplt m;
	struct nvc_rndis_ctrl c;

	memset(&m, 0, sizeof(m));
	m.hdr.type = HVLIS_RNDIS_INITIALIZE_CMPLT;
	m.hdr.len = sizeof(m);
	m.req_id = 5;
	m.max_pkts_per_msg = 8;
	m.max_xfer_size = 0x4000;
	m.pkt_align_shift = 3;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.type, HVLIS_RNDIS_INITIALIZE_CMPLT);
	CHECK_EQ(c.req_id, 5);
	CHECK_EQ(c.max_pkts, 8);
	CHECK_EQ(c.align_shift, 3);
	m.hdr.len = 40;					/* too short */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
}

struct query_cmplt {
	struct hvlis_rndis_query_cmplt q;
	u8 mac[6];
	u8 pad[2];
} __packed;

TEST(rndis_query_cmplt_info)
{
	struct query_cmplt m;
	struct nvc_rndis_ctrl c;

	memset(&m, 0, sizeof(m));
	m.q.hdr.type = HVLIS_RNDIS_QUERY_CMPLT;
	m.q.hdr.len = sizeof(m);
	m.q.req_id = 9;
	m.q.info_len = 6;
	m.q.info_offset = sizeof(m.q) - HVLIS_RNDIS_HDR_SIZE;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.info_offset, sizeof(m.q));
	CHECK_EQ(c.info_len, 6);
	m.q.info_len = 9;					/* past the end */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
	m.q.info_len = 6;
	m.q.info_offset = 0;					/* in the header */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
	m.q.info_offset = 0xfffffffc;				/* wraps */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
	m.q.info_len = 0;					/* empty: fine */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.info_len, 0);
}

TEST(rndis_indicate_status)
{
	struct {
		struct hvlis_rndis_indicate i;
		u32 buf;
	} __packed m;
	struct nvc_rndis_ctrl c;

	memset(&m, 0, sizeof(m));
	m.i.hdr.type = HVLIS_RNDIS_INDICATE_STATUS_MSG;
	m.i.hdr.len = sizeof(m);
	m.i.status = HVLIS_RNDIS_STATUS_MEDIA_DISCONNECT;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.status, HVLIS_RNDIS_STATUS_MEDIA_DISCONNECT);
	m.i.buf_len = 4;
	m.i.buf_offset = sizeof(m.i) - HVLIS_RNDIS_HDR_SIZE;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.info_offset, sizeof(m.i));
	m.i.buf_len = 5;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
	CHECK_EQ(ctrl_run(&m, 16, &c), -EINVAL);		/* cut */
}

TEST(rndis_ctrl_unknown_and_short)
{
	struct hvlis_rndis_cmplt m = { { HVLIS_RNDIS_SET_CMPLT, 16 }, 3, 0 };
	struct nvc_rndis_ctrl c;

	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), 0);
	CHECK_EQ(c.req_id, 3);
	m.hdr.len = 12;
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EINVAL);
	m.hdr.len = 16;
	m.hdr.type = HVLIS_RNDIS_INITIALIZE_MSG;		/* a request, to us */
	CHECK_EQ(ctrl_run(&m, sizeof(m), &c), -EOPNOTSUPP);
	CHECK_EQ(ctrl_run(&m, 4, &c), -EINVAL);
}

/* ---------------------------------------------------------------- requests */

TEST(data_header_round_trip)
{
	u8 buf[44 + 60];
	struct nvc_rx_info i;
	u32 type;

	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(nvc_rndis_data_header(buf, sizeof(buf), 60), 44);
	CHECK_EQ(nvc_rndis_type(buf, sizeof(buf), sizeof(buf), &type), (int)sizeof(buf));
	CHECK_EQ(type, HVLIS_RNDIS_PACKET_MSG);
	CHECK_EQ(nvc_rndis_data(buf, sizeof(buf), sizeof(buf), &i), 0);
	CHECK_EQ(i.data_offset, 44);
	CHECK_EQ(i.data_len, 60);
	CHECK_EQ(nvc_rndis_data_header(buf, 43, 60), 0);
}

TEST(oid_and_init_requests)
{
	u8 buf[64];
	struct hvlis_rndis_oid_req r;
	struct hvlis_rndis_init_req ir;
	u32 filter = HVLIS_NDIS_PACKET_DIRECTED;

	CHECK_EQ(nvc_rndis_oid_request(buf, sizeof(buf), HVLIS_RNDIS_SET_MSG, 7,
				       HVLIS_OID_GEN_CURRENT_PACKET_FILTER, &filter, 4), 32);
	memcpy(&r, buf, sizeof(r));
	CHECK_EQ(r.hdr.type, HVLIS_RNDIS_SET_MSG);
	CHECK_EQ(r.hdr.len, 32);
	CHECK_EQ(r.req_id, 7);
	CHECK_EQ(r.info_len, 4);
	/* The value sits where info_offset (from byte 8) says. */
	CHECK_MEM_EQ(buf + 8 + r.info_offset, &filter, 4);
	CHECK_EQ(nvc_rndis_oid_request(buf, 31, HVLIS_RNDIS_SET_MSG, 7, 1, &filter, 4), 0);
	CHECK_EQ(nvc_rndis_oid_request(buf, sizeof(buf), HVLIS_RNDIS_QUERY_MSG, 8,
				       HVLIS_OID_802_3_PERMANENT_ADDRESS, NULL, 0), 28);
	CHECK_EQ(nvc_rndis_init_request(buf, sizeof(buf), 1, 0x4000), 24);
	memcpy(&ir, buf, sizeof(ir));
	CHECK_EQ(ir.major, 1);
	CHECK_EQ(ir.minor, 0);
	CHECK_EQ(ir.max_xfer_size, 0x4000);
	CHECK_EQ(nvc_rndis_init_request(buf, 23, 1, 0x4000), 0);
}

TEST(mac_param_network_address)
{
	static const u8 mac[6] = { 0x00, 0x15, 0x5d, 0xab, 0xcd, 0xef };
	static const char name[] = "NetworkAddress", value[] = "00155dabcdef";
	struct hvlis_rndis_config_param p;
	u8 buf[NVC_MAC_PARAM_LEN + 8];
	unsigned int i;

	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(nvc_rndis_mac_param(buf, sizeof(buf), mac), 72);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.name_offset, 20);
	CHECK_EQ(p.name_len, 28);
	CHECK_EQ(p.type, HVLIS_RNDIS_CONFIG_PARAM_STRING);
	CHECK_EQ(p.value_offset, 48);
	CHECK_EQ(p.value_len, 24);
	/* UTF-16LE, no terminator; nothing written past the parameter */
	for (i = 0; i < 14; i++) {
		CHECK_EQ(buf[20 + 2 * i], (u8)name[i]);
		CHECK_EQ(buf[21 + 2 * i], 0);
	}
	for (i = 0; i < 12; i++) {
		CHECK_EQ(buf[48 + 2 * i], (u8)value[i]);
		CHECK_EQ(buf[49 + 2 * i], 0);
	}
	CHECK_EQ(buf[72], 0xee);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(nvc_rndis_mac_param(buf, NVC_MAC_PARAM_LEN - 1, mac), 0);
	CHECK_EQ(buf[0], 0xee);
}

/* ---------------------------------------------------------------- vRSS */

/* A good RSS capabilities answer (revision 2, 18 bytes). */
static void rss_caps_good(struct hvlis_ndis_rss_caps *c, u32 queues)
{
	memset(c, 0, sizeof(*c));
	c->hdr.type = HVLIS_NDIS_OBJ_RSS_CAPS;
	c->hdr.revision = 2;
	c->hdr.size = sizeof(*c);
	c->rx_queues = queues;
	c->table_entries = HVLIS_NDIS_RSS_TABLE_ENTRIES;
}

static int rss_caps_try(const struct hvlis_ndis_rss_caps *c, u32 len, u32 *q)
{
	void *b = hostbuf(c, len);
	int ret = nvc_rss_caps(b, len, q);

	free(b);
	return ret;
}

TEST(rss_caps_good)
{
	struct hvlis_ndis_rss_caps c;
	u32 q = 0;

	rss_caps_good(&c, 5);
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), 0);
	CHECK_EQ(q, 5);
	/* An NDIS 6.0 host: revision 1, 16 bytes, no table size. */
	c.hdr.revision = 1;
	c.hdr.size = HVLIS_NDIS_RSS_CAPS_SIZE_6_0;
	q = 0;
	CHECK_EQ(rss_caps_try(&c, HVLIS_NDIS_RSS_CAPS_SIZE_6_0, &q), 0);
	CHECK_EQ(q, 5);
	/* A longer information buffer than the object is fine. */
	rss_caps_good(&c, 64);
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), 0);
	CHECK_EQ(q, 64);
}

TEST(rss_caps_hostile)
{
	struct hvlis_ndis_rss_caps c;
	u32 q = 77;

	rss_caps_good(&c, 4);
	CHECK_EQ(rss_caps_try(&c, HVLIS_NDIS_RSS_CAPS_SIZE_6_0 - 1, &q), -EINVAL);
	CHECK_EQ(nvc_rss_caps(NULL, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 4);
	c.hdr.type = HVLIS_NDIS_OBJ_RSS_PARAMS;
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 4);
	c.hdr.size = sizeof(c) + 1;		/* claims more than it sent */
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 4);
	c.hdr.size = HVLIS_NDIS_RSS_CAPS_SIZE_6_0 - 1;
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 0);			/* no queue at all */
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, NVC_RSS_MAX_QUEUES + 1);
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 0xffffffff);
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	rss_caps_good(&c, 4);
	c.table_entries = HVLIS_NDIS_RSS_TABLE_ENTRIES - 1;	/* our table won't fit */
	CHECK_EQ(rss_caps_try(&c, sizeof(c), &q), -EINVAL);
	CHECK_EQ(q, 77);			/* untouched by every failure */
}

TEST(rss_table_and_params)
{
	u8 key[HVLIS_NDIS_RSS_KEY_SIZE], buf[40 + 512 + 40 + 8];
	u32 table[HVLIS_NDIS_RSS_TABLE_ENTRIES], got[HVLIS_NDIS_RSS_TABLE_ENTRIES];
	struct hvlis_ndis_rss_params p;
	u32 i, seen = 0;

	nvc_rss_table_fill(table, 3);
	for (i = 0; i < HVLIS_NDIS_RSS_TABLE_ENTRIES; i++) {
		CHECK(table[i] < 3);
		seen |= 1u << table[i];
	}
	CHECK_EQ(seen, 7);			/* every channel gets entries */
	nvc_rss_table_fill(table, 0);
	for (i = 0; i < HVLIS_NDIS_RSS_TABLE_ENTRIES; i++)
		CHECK_EQ(table[i], 0);
	nvc_rss_table_fill(table, 2);
	for (i = 0; i < sizeof(key); i++)
		key[i] = (u8)(i * 7 + 1);
	CHECK_EQ(nvc_rss_params(buf, 40 + 512 + 40 - 1, key, table), 0);
	CHECK_EQ(nvc_rss_params(buf, sizeof(buf), key, table), 40 + 512 + 40);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.hdr.type, HVLIS_NDIS_OBJ_RSS_PARAMS);
	CHECK_EQ(p.hdr.revision, 2);
	CHECK_EQ(p.hdr.size, 40);
	CHECK_EQ(p.flags, 0);
	CHECK(p.hash_info & HVLIS_NDIS_HASH_TOEPLITZ);
	CHECK(p.hash_info & HVLIS_NDIS_HASH_TCP_IPV4);
	CHECK(p.hash_info & HVLIS_NDIS_HASH_TCP_IPV6);
	CHECK_EQ(p.table_size, 512);
	CHECK_EQ(p.key_size, 40);
	memcpy(got, buf + p.table_offset, sizeof(got));
	CHECK_MEM_EQ(got, table, sizeof(got));
	CHECK_MEM_EQ(buf + p.key_offset, key, sizeof(key));
	CHECK((u64)p.key_offset + p.key_size <= 40 + 512 + 40);
	CHECK(p.table_offset >= sizeof(p) && p.table_offset + p.table_size <= p.key_offset);
}

/* ---------------------------------------------------------------- offloads */

/* A good offload capabilities answer: what hvsim's 2016 host offers. */
static void offload_good(struct hvlis_ndis_offload *o)
{
	memset(o, 0, sizeof(*o));
	o->hdr.type = HVLIS_NDIS_OBJ_OFFLOAD;
	o->hdr.revision = HVLIS_NDIS_OFFLOAD_REV_1;
	o->hdr.size = sizeof(*o);
	o->ip4_txenc = o->ip4_rxenc = o->ip6_txenc = o->ip6_rxenc =
		HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o->ip4_txcsum = HVLIS_NDIS_CSUM_CAP_TCP4 | HVLIS_NDIS_CSUM_CAP_UDP4 |
			HVLIS_NDIS_CSUM_CAP_IP4;
	o->ip4_rxcsum = o->ip4_txcsum;
	o->ip6_txcsum = HVLIS_NDIS_CSUM_CAP_TCP6 | HVLIS_NDIS_CSUM_CAP_UDP6;
	o->ip6_rxcsum = o->ip6_txcsum;
	o->lsov2_ip4_encap = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o->lsov2_ip4_maxsz = 62780;
	o->lsov2_ip4_minsg = 2;
	o->lsov2_ip6_encap = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o->lsov2_ip6_maxsz = 62780;
	o->lsov2_ip6_minsg = 2;
}

static int offload_try(const void *o, u32 len, struct nvc_offload *out)
{
	void *b = hostbuf(o, len);
	int ret = nvc_offload_caps(b, len, out);

	free(b);
	return ret;
}

TEST(offload_layout_and_query)
{
	struct hvlis_ndis_offload o;
	u8 buf[128];

	CHECK_EQ(sizeof(struct hvlis_ndis_offload), HVLIS_NDIS_OFFLOAD_SIZE_6_0);
	CHECK_EQ(offsetof(struct hvlis_ndis_offload, lsov2_ip4_maxsz), 84);
	CHECK_EQ(offsetof(struct hvlis_ndis_offload, lsov2_ip6_minsg), 100);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(nvc_offload_query(buf, 111), 0);
	CHECK_EQ(buf[0], 0xee);
	CHECK_EQ(nvc_offload_query(buf, sizeof(buf)), 112);
	memcpy(&o, buf, sizeof(o));
	CHECK_EQ(o.hdr.type, 0xa7);
	CHECK_EQ(o.hdr.revision, 1);
	CHECK_EQ(o.hdr.size, 112);
	CHECK_EQ(o.ip4_txcsum, 0);
	CHECK_EQ(buf[112], 0xee);
}

TEST(offload_caps_good)
{
	struct hvlis_ndis_offload o;
	struct nvc_offload c;
	u8 big[200];

	offload_good(&o);
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	CHECK(c.tx_tcp4 && c.tx_udp4 && c.tx_tcp6 && c.tx_udp6);
	CHECK(c.rx_tcp4 && c.rx_udp4 && c.rx_tcp6 && c.rx_udp6);
	CHECK_EQ(c.lso4_max, 62780);
	CHECK_EQ(c.lso4_minsegs, 2);
	CHECK_EQ(c.lso6_max, 62780);
	CHECK_EQ(c.lso6_minsegs, 2);
	/* A later revision, longer than NDIS 6.0: only the 6.0 part is read. */
	memset(big, 0x5a, sizeof(big));
	o.hdr.revision = 3;
	o.hdr.size = sizeof(big);
	memcpy(big, &o, sizeof(o));
	CHECK_EQ(offload_try(big, sizeof(big), &c), 0);
	CHECK_EQ(c.lso4_max, 62780);
	/* An IPv4-only host (hvsim's 2008 R2). */
	offload_good(&o);
	o.ip6_txcsum = o.ip6_rxcsum = 0;
	o.lsov2_ip4_minsg = 0;			/* read as 1 */
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	CHECK(c.tx_tcp4 && !c.tx_tcp6 && !c.rx_tcp6);
	CHECK_EQ(c.lso4_minsegs, 1);
	CHECK_EQ(c.lso6_max, 0);		/* no LSO without the TCP checksum */
	/* A maximum above 64 KiB is taken down to what a GSO frame can be. */
	offload_good(&o);
	o.lsov2_ip4_maxsz = 0xffffffff;
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	CHECK_EQ(c.lso4_max, NVC_LSO_MAX_SIZE);
}

TEST(offload_caps_hostile)
{
	struct hvlis_ndis_offload o;
	struct nvc_offload c;

	offload_good(&o);
	memset(&c, 0x11, sizeof(c));
	CHECK_EQ(offload_try(&o, sizeof(o) - 1, &c), -EINVAL);
	CHECK(!c.tx_tcp4 && !c.lso4_max);	/* a failure leaves everything off */
	CHECK_EQ(nvc_offload_caps(NULL, sizeof(o), &c), -EINVAL);
	offload_good(&o);
	o.hdr.type = HVLIS_NDIS_OBJ_DEFAULT;
	CHECK_EQ(offload_try(&o, sizeof(o), &c), -EINVAL);
	offload_good(&o);
	o.hdr.revision = 0;
	CHECK_EQ(offload_try(&o, sizeof(o), &c), -EINVAL);
	offload_good(&o);
	o.hdr.size = sizeof(o) - 1;
	CHECK_EQ(offload_try(&o, sizeof(o), &c), -EINVAL);
	offload_good(&o);
	o.hdr.size = sizeof(o) + 1;		/* claims more than it sent */
	CHECK_EQ(offload_try(&o, sizeof(o), &c), -EINVAL);
	/* Insane LSO values turn that LSO off, nothing else. */
	offload_good(&o);
	o.lsov2_ip4_maxsz = NVC_LSO_MIN_SIZE - 1;
	o.lsov2_ip6_minsg = NVC_LSO_MAX_MINSEGS + 1;
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	CHECK_EQ(c.lso4_max, 0);
	CHECK_EQ(c.lso6_max, 0);
	CHECK(c.tx_tcp4 && c.tx_tcp6);
	offload_good(&o);
	o.lsov2_ip4_encap = 0;			/* not Ethernet */
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	CHECK_EQ(c.lso4_max, 0);
	CHECK_EQ(c.lso6_max, 62780);
}

TEST(offload_params)
{
	struct nvc_offload_want w = { true, true, true, true, true };
	struct hvlis_ndis_offload_params p;
	struct hvlis_ndis_offload o;
	struct nvc_offload c;
	u8 buf[64];

	offload_good(&o);
	CHECK_EQ(offload_try(&o, sizeof(o), &c), 0);
	memset(buf, 0xee, sizeof(buf));
	CHECK_EQ(nvc_offload_params(buf, 21, HVLIS_NDIS_6_1, &c, &w), 0);
	CHECK_EQ(buf[0], 0xee);
	CHECK_EQ(nvc_offload_params(buf, sizeof(buf), HVLIS_NDIS_6_1, &c, &w), 22);
	CHECK_EQ(buf[22], 0xee);
	memset(&p, 0, sizeof(p));
	memcpy(&p, buf, 22);
	CHECK_EQ(p.hdr.type, HVLIS_NDIS_OBJ_DEFAULT);
	CHECK_EQ(p.hdr.revision, 2);
	CHECK_EQ(p.hdr.size, 22);
	CHECK_EQ(p.ip4_csum, HVLIS_NDIS_OFFLOAD_NO_CHANGE);
	CHECK_EQ(p.tcp4_csum, HVLIS_NDIS_OFFLOAD_TX_RX);
	CHECK_EQ(p.udp6_csum, HVLIS_NDIS_OFFLOAD_TX_RX);
	CHECK_EQ(p.lsov1, HVLIS_NDIS_OFFLOAD_NO_CHANGE);
	CHECK_EQ(p.lsov2_ip4, HVLIS_NDIS_OFFLOAD_ENABLED);
	CHECK_EQ(p.lsov2_ip6, HVLIS_NDIS_OFFLOAD_ENABLED);
	CHECK_EQ(nvc_offload_params(buf, sizeof(buf), HVLIS_NDIS_6_30, &c, &w), 28);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.hdr.revision, 3);
	CHECK_EQ(p.hdr.size, 28);
	CHECK_EQ(p.rsc_ip4, HVLIS_NDIS_OFFLOAD_NO_CHANGE);
	/* ethtool -K tx off: TX bits off, LSO off with them, RX stays. */
	w.tx_csum4 = false;
	CHECK_EQ(nvc_offload_params(buf, sizeof(buf), HVLIS_NDIS_6_30, &c, &w), 28);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.tcp4_csum, HVLIS_NDIS_OFFLOAD_RX);
	CHECK_EQ(p.tcp6_csum, HVLIS_NDIS_OFFLOAD_TX_RX);
	CHECK_EQ(p.lsov2_ip4, HVLIS_NDIS_OFFLOAD_DISABLED);
	w.rx_csum = false;
	CHECK_EQ(nvc_offload_params(buf, sizeof(buf), HVLIS_NDIS_6_30, &c, &w), 28);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.tcp4_csum, HVLIS_NDIS_OFFLOAD_OFF);
	CHECK_EQ(p.tcp6_csum, HVLIS_NDIS_OFFLOAD_TX);
	/* Nothing on that the host does not offer. */
	memset(&c, 0, sizeof(c));
	w = (struct nvc_offload_want){ true, true, true, true, true };
	CHECK_EQ(nvc_offload_params(buf, sizeof(buf), HVLIS_NDIS_6_30, &c, &w), 28);
	memcpy(&p, buf, sizeof(p));
	CHECK_EQ(p.tcp4_csum, HVLIS_NDIS_OFFLOAD_OFF);
	CHECK_EQ(p.lsov2_ip4, HVLIS_NDIS_OFFLOAD_DISABLED);
}

TEST(tx_ppi_values)
{
	/* IPv4 TCP, transport header at 34: bits 0, 2 and 34 << 16. */
	CHECK_EQ(nvc_txcsum_info(false, true, 34), 0x00220005u);
	CHECK_EQ(nvc_txcsum_info(true, false, 54), 0x0036000au);
	CHECK_EQ(nvc_txcsum_info(false, true, 1023), 0x03ff0005u);
	CHECK_EQ(nvc_txcsum_info(false, true, 1024), 0);
	/* LSOv2: MSS 1448, TCP header at 34 (bits 20..29), type bit 30. */
	CHECK_EQ(nvc_lso2_info(false, 34, 1448), 1448u | 34u << 20 | 0x40000000u);
	CHECK_EQ(nvc_lso2_info(true, 54, 1428), 1428u | 54u << 20 | 0xc0000000u);
	CHECK_EQ(nvc_lso2_info(false, 34, 0), 0);
	CHECK_EQ(nvc_lso2_info(false, 34, 0x100000), 0);
	CHECK_EQ(nvc_lso2_info(false, 1024, 1448), 0);
}

TEST(data_header_with_ppi_round_trip)
{
	struct nvc_tx_info ti = { 0 };
	struct hvlis_rndis_packet pk;
	struct hvlis_rndis_ppi rec;
	u8 buf[NVC_TX_HDR_MAX + 64];
	struct nvc_rx_info i;
	u32 v;

	ti.csum = nvc_txcsum_info(false, true, 34);
	ti.lso = nvc_lso2_info(false, 34, 1448);
	ti.has_vlan = true;
	ti.vlan = nvc_vlan_info(5);
	CHECK_EQ(nvc_tx_hdr_len(&ti), NVC_TX_HDR_MAX);
	CHECK_EQ(nvc_rndis_data_header_info(buf, NVC_TX_HDR_MAX - 1, 64, &ti), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(nvc_rndis_data_header_info(buf, sizeof(buf), 64, &ti), NVC_TX_HDR_MAX);
	memcpy(&pk, buf, sizeof(pk));
	CHECK_EQ(pk.hdr.len, NVC_TX_HDR_MAX + 64);
	CHECK_EQ(pk.ppi_offset, 36);
	CHECK_EQ(pk.ppi_len, 48);
	CHECK_EQ(pk.data_offset + 8, NVC_TX_HDR_MAX);
	CHECK_EQ(pk.data_len, 64);
	memcpy(&rec, buf + 44, sizeof(rec));
	CHECK_EQ(rec.size, 16);
	CHECK_EQ(rec.type, HVLIS_PPI_CSUM);
	CHECK_EQ(rec.data_offset, 12);
	memcpy(&v, buf + 56, 4);
	CHECK_EQ(v, ti.csum);
	memcpy(&rec, buf + 60, sizeof(rec));
	CHECK_EQ(rec.type, HVLIS_PPI_LSO);
	memcpy(&v, buf + 72, 4);
	CHECK_EQ(v, ti.lso);
	memcpy(&rec, buf + 76, sizeof(rec));
	CHECK_EQ(rec.size, 16);
	CHECK_EQ(rec.type, HVLIS_PPI_VLAN);
	CHECK_EQ(rec.data_offset, 12);
	memcpy(&v, buf + 88, 4);
	CHECK_EQ(v, 5u << 4);
	/* The guest's own parser takes it: the same per-packet-info rules. */
	CHECK_EQ(nvc_rndis_data(buf, NVC_TX_HDR_MAX, NVC_TX_HDR_MAX + 64, &i), 0);
	CHECK(i.has_csum);
	CHECK_EQ(i.csum, ti.csum);
	CHECK(i.has_vlan && i.vlan_ppis == 1 && !i.vlan_short);
	CHECK_EQ(i.vlan, 5u << 4);
	CHECK_EQ(i.data_offset, NVC_TX_HDR_MAX);
	/* Only a tag: one record. */
	ti.csum = 0;
	ti.lso = 0;
	CHECK_EQ(nvc_rndis_data_header_info(buf, sizeof(buf), 64, &ti), 60);
	memcpy(&rec, buf + 44, sizeof(rec));
	CHECK_EQ(rec.type, HVLIS_PPI_VLAN);
	/* Only a checksum: one record, the frame right after it. */
	ti.csum = nvc_txcsum_info(false, true, 34);
	ti.has_vlan = false;
	CHECK_EQ(nvc_rndis_data_header_info(buf, sizeof(buf), 64, &ti), 60);
	memcpy(&pk, buf, sizeof(pk));
	CHECK_EQ(pk.ppi_len, 16);
	ti.csum = 0;
	CHECK_EQ(nvc_rndis_data_header_info(buf, sizeof(buf), 64, &ti), 44);
	memcpy(&pk, buf, sizeof(pk));
	CHECK_EQ(pk.ppi_len, 0);
	CHECK_EQ(pk.ppi_offset, 0);
}

TEST(rx_csum_verdict)
{
	struct nvc_rx_info i;

	memset(&i, 0, sizeof(i));
	i.csum = HVLIS_NDIS_RXCSUM_TCP_OK;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_NONE);	/* no record */
	i.has_csum = true;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_OK);
	i.csum = HVLIS_NDIS_RXCSUM_UDP_OK | HVLIS_NDIS_RXCSUM_IP_OK;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_OK);
	i.csum = HVLIS_NDIS_RXCSUM_IP_OK;			/* IP only: not enough */
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_NONE);
	i.csum = 0;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_NONE);
	/* Any failure wins over any success. */
	i.csum = HVLIS_NDIS_RXCSUM_TCP_OK | HVLIS_NDIS_RXCSUM_TCP_FAILED;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_FAILED);
	i.csum = HVLIS_NDIS_RXCSUM_TCP_OK | HVLIS_NDIS_RXCSUM_IP_FAILED;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_FAILED);
	i.csum = HVLIS_NDIS_RXCSUM_UDP_OK | HVLIS_NDIS_RXCSUM_UDP_FAILED;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_FAILED);
	i.csum = 0xffffffff;
	CHECK_EQ(nvc_rx_csum_verdict(&i), NVC_RX_CSUM_FAILED);
}

/* IEEE 802.1Q TCI to the NDIS 802.1Q info and back, every field apart. */
TEST(vlan_info_layout)
{
	struct nvc_rx_info i;
	u16 tci;

	CHECK_EQ(nvc_vlan_info(5), 5u << 4);			/* VLAN id: bits 4..15 */
	CHECK_EQ(nvc_vlan_info(4094), 4094u << 4);
	CHECK_EQ(nvc_vlan_info(5 | 6 << 13), 5u << 4 | 6);	/* priority: bits 0..2 */
	CHECK_EQ(nvc_vlan_info(5 | 0x1000), 5u << 4 | 0x8);	/* DEI/CFI: bit 3 */
	CHECK_EQ(nvc_vlan_info(0xffff), 0xffffu);
	/* Every TCI with a usable id comes back unchanged. */
	memset(&i, 0, sizeof(i));
	i.has_vlan = true;
	i.vlan_ppis = 1;
	for (u32 t = 0; t <= 0xffff; t++) {
		u32 vid = t & 0xfff;

		i.vlan = nvc_vlan_info((u16)t);
		if (vid == 0) {
			CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_PRIO);
		} else if (vid == 4095) {
			CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_BAD_ID);
		} else {
			CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_TAG);
			CHECK_EQ(tci, t);
		}
	}
}

/* struct rx_msg with its second record (p2) an 802.1Q info of @v. */
static void rx_build_vlan(struct rx_msg *m, u32 v)
{
	rx_build(m);
	m->v2 = v;
}

TEST(rx_vlan_good)
{
	struct nvc_rx_info i;
	struct rx_msg m;
	u16 tci = 0xdead;

	/* VLAN id 5, priority 3, CFI set; the reserved upper half not looked at */
	rx_build_vlan(&m, 5u << 4 | 0x8 | 3 | 0xabcd0000u);
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_TAG);
	CHECK_EQ(tci, 5 | 0x1000 | 3 << 13);
	/* No record: nothing. */
	m.p2.type = 77;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_NONE);
	CHECK_EQ(tci, 0);
	/* An internal record of type 6 is not the 802.1Q info. */
	m.p2.type = HVLIS_PPI_VLAN | HVLIS_RNDIS_PPI_INTERNAL;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_NONE);
	/* A value longer than 4 bytes: its first 4 are the info. */
	rx_build_vlan(&m, 9u << 4);
	m.p2.size = 32;				/* swallows p3: 20 bytes of value */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_TAG);
	CHECK_EQ(tci, 9);
}

TEST(rx_vlan_hostile)
{
	struct nvc_rx_info i;
	struct rx_msg m;
	u16 tci;

	/* VLAN id 4095: reserved, the frame is dropped. */
	rx_build_vlan(&m, 0xfffu << 4 | 2);
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_BAD_ID);
	CHECK_EQ(tci, 0);
	/* VLAN id 0: priority only, the record is ignored (no tag). */
	rx_build_vlan(&m, 5);
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_PRIO);
	CHECK_EQ(tci, 0);
	/* Two 802.1Q records, the same value or not: dropped. */
	rx_build_vlan(&m, 5u << 4);
	m.p3.type = HVLIS_PPI_VLAN;
	m.v3 = 5u << 4;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(i.vlan_ppis, 2);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_DUP);
	m.v3 = 7u << 4;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_DUP);
	CHECK_EQ(tci, 0);
	/* Wrong size: 2 bytes of value (data offset 14 of 16), or none. */
	rx_build_vlan(&m, 5u << 4);
	m.p2.data_offset = 14;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_BAD_SIZE);
	m.p2.data_offset = 16;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_BAD_SIZE);
	/* A short record next to a whole one: still two, dropped. */
	m.p3.type = HVLIS_PPI_VLAN;
	CHECK_EQ(rx_run(&m, sizeof(m), &i), 0);
	CHECK_EQ(nvc_rx_vlan_verdict(&i, &tci), NVC_RX_VLAN_DUP);
	/* Out of bounds: the whole message is malformed (counted as rx_bad). */
	rx_build_vlan(&m, 5u << 4);
	m.p2.size = 0x80000000u;		/* claims 2 GiB */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build_vlan(&m, 5u << 4);
	m.p2.data_offset = 17;			/* value past its record */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build_vlan(&m, 5u << 4);
	m.pk.ppi_len = 2 * 16 + 8;		/* the list ends inside the record */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
	rx_build_vlan(&m, 5u << 4);
	m.pk.ppi_offset = m.pk.data_offset + 60 - 16;	/* runs past the message */
	CHECK_EQ(rx_run(&m, sizeof(m), &i), -EINVAL);
}

HVTEST_MAIN()
