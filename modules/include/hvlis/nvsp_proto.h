/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NVSP wire formats: the Network Virtual Service Protocol a Hyper-V host
 * (NetVSP) and the guest's hv_netvsc speak over the synthetic network
 * channel (class HVLIS_GUID_NETWORK in vmbus_proto.h). RNDIS, carried
 * inside NVSP, is in rndis_proto.h.
 *
 * Facts (message numbers, layouts, versions, status values, sizes),
 * written here from scratch and each checked against two of: the Linux
 * kernel's drivers/net/hyperv/hyperv_net.h, FreeBSD's sys/dev/hyperv/
 * netvsc/if_hnreg.h, and OpenVMM's vm/devices/net/netvsp/src/protocol.rs.
 * Facts only one of them states are left out.
 *
 * Every NVSP message is a u32 type followed by a type-specific body. The
 * guest sends HVLIS_NVSP_MSG_SIZE bytes (40; hosts ignore short requests
 * below 32, and before 6.1 only the first 28 bytes are meaningful). The
 * host's messages may be shorter than 40: a parser checks each type's own
 * minimum (netvsc_msg.c does).
 *
 * Bring-up, on the primary channel, each request in-band with a nonzero
 * transaction id and the completion flag where an answer is expected:
 *   INIT(min = max = version), newest first  -> INIT_COMPLETE(status)
 *   SEND_NDIS_CONFIG(mtu, capabilities)         (2 and later; no answer)
 *   SEND_NDIS_VERSION(major, minor)             (no answer)
 *   SEND_RECV_BUF(gpadl, id 0xcafe)          -> SEND_RECV_BUF_COMPLETE
 *   SEND_SEND_BUF(gpadl, id)                 -> SEND_SEND_BUF_COMPLETE
 *   RNDIS INITIALIZE, queries and sets (rndis_proto.h) in SEND_RNDIS_PKT
 *   SUBCHANNEL(ALLOCATE, n) (5 and later)    -> SUBCHANNEL completion
 * Teardown: REVOKE_RECV_BUF, REVOKE_SEND_BUF (no answers), then close.
 *
 * Data: both sides send SEND_RNDIS_PKT. The guest's carries the RNDIS
 * message either in a send-buffer section (section index/size set) or in
 * the page buffers of the VMBus packet (index HVLIS_NVSP_NO_SECTION, size
 * 0); the host answers with SEND_RNDIS_PKT_COMPLETE under the same
 * transaction id. The host's data comes as a transfer-page packet
 * (HVLIS_PKT_DATA_USING_XFER_PAGES, vmbus_proto.h) whose ranges index the
 * receive buffer; its body is SEND_RNDIS_PKT and the guest answers with a
 * completion packet carrying SEND_RNDIS_PKT_COMPLETE.
 *
 * All fields are little-endian. Kernel and userspace include this header.
 */
#ifndef HVLIS_NVSP_PROTO_H
#define HVLIS_NVSP_PROTO_H

#include <hvlis/types.h>

/* ------------------------------------------------------------ versions */

/* One u32: major in the high half, minor in the low half. */
#define HVLIS_NVSP_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define HVLIS_NVSP_V1		HVLIS_NVSP_VERSION(0, 2)
#define HVLIS_NVSP_V2		HVLIS_NVSP_VERSION(3, 2)
#define HVLIS_NVSP_V4		HVLIS_NVSP_VERSION(4, 0)
#define HVLIS_NVSP_V5		HVLIS_NVSP_VERSION(5, 0)
#define HVLIS_NVSP_V6		HVLIS_NVSP_VERSION(6, 0)
#define HVLIS_NVSP_V61		HVLIS_NVSP_VERSION(6, 1)

/* The NDIS version the guest announces: 6.1 up to NVSP 4, 6.30 after. */
#define HVLIS_NDIS_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define HVLIS_NDIS_6_1		HVLIS_NDIS_VERSION(6, 1)
#define HVLIS_NDIS_6_30		HVLIS_NDIS_VERSION(6, 30)
#define HVLIS_NDIS_MAJOR(v)	((v) >> 16)
#define HVLIS_NDIS_MINOR(v)	((v) & 0xffff)

/* ------------------------------------------------------------ types */

enum hvlis_nvsp_type {
	HVLIS_NVSP_INIT				= 1,
	HVLIS_NVSP_INIT_COMPLETE		= 2,
	/* version 1 */
	HVLIS_NVSP1_SEND_NDIS_VERSION		= 100,
	HVLIS_NVSP1_SEND_RECV_BUF		= 101,
	HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE	= 102,
	HVLIS_NVSP1_REVOKE_RECV_BUF		= 103,
	HVLIS_NVSP1_SEND_SEND_BUF		= 104,
	HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE	= 105,
	HVLIS_NVSP1_REVOKE_SEND_BUF		= 106,
	HVLIS_NVSP1_SEND_RNDIS_PKT		= 107,
	HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE	= 108,
	/* version 2 (109..124, 126, 127: chimney and VMQ, never used) */
	HVLIS_NVSP2_SEND_NDIS_CONFIG		= 125,
	/* version 4 */
	HVLIS_NVSP4_SEND_VF_ASSOCIATION		= 128,
	HVLIS_NVSP4_SWITCH_DATA_PATH		= 129,
	HVLIS_NVSP4_UPLINK_CONNECT_STATE	= 130,	/* deprecated */
	/* version 5 */
	HVLIS_NVSP5_OID_QUERY_EX		= 131,
	HVLIS_NVSP5_OID_QUERY_EX_COMPLETE	= 132,
	HVLIS_NVSP5_SUBCHANNEL			= 133,	/* request and answer */
	HVLIS_NVSP5_SEND_INDIRECTION_TABLE	= 134,
	/* version 6 (PacketDirect; hvlis does not use it) */
	HVLIS_NVSP6_PD_API			= 135,
	HVLIS_NVSP6_PD_POST_BATCH		= 136,
};

/* Status in every host answer. */
#define HVLIS_NVSP_STATUS_NONE		0
#define HVLIS_NVSP_STATUS_SUCCESS	1
#define HVLIS_NVSP_STATUS_FAILED	2

/* SEND_RNDIS_PKT channel_type: what the RNDIS message is. */
#define HVLIS_NVSP_RNDIS_DATA		0	/* REMOTE_NDIS_PACKET_MSG */
#define HVLIS_NVSP_RNDIS_CONTROL	1	/* everything else */

/* SEND_RNDIS_PKT section index when no send-buffer section is used. */
#define HVLIS_NVSP_NO_SECTION		0xffffffffu

/* The receive buffer's id in SEND_RECV_BUF and REVOKE_RECV_BUF. */
#define HVLIS_NVSP_RECV_BUF_ID		0xcafe
/*
 * The send buffer's id: hosts do not check it (Linux sends 0, FreeBSD
 * 0xface); hvlis sends 0 and the simulated host accepts any value.
 */
#define HVLIS_NVSP_SEND_BUF_ID		0

/* Bytes the guest sends in every NVSP message, and the shortest hosts read. */
#define HVLIS_NVSP_MSG_SIZE		40
#define HVLIS_NVSP_MSG_SIZE_V1		28
#define HVLIS_NVSP_REQ_MIN		32

/* ------------------------------------------------------------ bodies */

struct hvlis_nvsp_init {
	u32 min_version;	/* the guest sets both to the version it tries */
	u32 max_version;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_init, 8);

struct hvlis_nvsp_init_complete {
	u32 negotiated_version;	/* deprecated: meaningful on WS2008 only */
	u32 max_mdl_chain_len;
	u32 status;		/* HVLIS_NVSP_STATUS_* */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_init_complete, status, 8);
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_init_complete, 12);

struct hvlis_nvsp_ndis_version {
	u32 major;
	u32 minor;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_ndis_version, 8);

/* SEND_RECV_BUF and SEND_SEND_BUF */
struct hvlis_nvsp_buf {
	u32 gpadl;
	u16 id;
	u16 reserved;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_buf, id, 4);
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_buf, 8);

/*
 * One section of the receive buffer, in the host's answer: slot_count
 * slots of slot_size bytes from offset to end_offset. Every host sends
 * exactly one section, starting at offset 0.
 */
struct hvlis_nvsp_recv_section {
	u32 offset;
	u32 slot_size;
	u32 slot_count;
	u32 end_offset;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_recv_section, 16);

struct hvlis_nvsp_recv_buf_complete {
	u32 status;
	u32 section_count;
	struct hvlis_nvsp_recv_section sections[1];
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_recv_buf_complete, sections, 8);
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_recv_buf_complete, 24);

struct hvlis_nvsp_send_buf_complete {
	u32 status;
	u32 section_size;	/* the host chooses; the guest divides by it */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_send_buf_complete, 8);

/* REVOKE_RECV_BUF and REVOKE_SEND_BUF */
struct hvlis_nvsp_revoke {
	u16 id;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_revoke, 2);

struct hvlis_nvsp_rndis_pkt {
	u32 channel_type;	/* HVLIS_NVSP_RNDIS_* */
	u32 section_index;	/* or HVLIS_NVSP_NO_SECTION */
	u32 section_size;	/* bytes used in the section, or 0 */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_rndis_pkt, 12);

struct hvlis_nvsp_rndis_pkt_complete {
	u32 status;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_rndis_pkt_complete, 4);

/* SEND_NDIS_CONFIG capability bits */
#define HVLIS_NVSP_CAP_VMQ		0x01ull
#define HVLIS_NVSP_CAP_CHIMNEY		0x02ull
#define HVLIS_NVSP_CAP_SRIOV		0x04ull
#define HVLIS_NVSP_CAP_IEEE8021Q	0x08ull
#define HVLIS_NVSP_CAP_CORRELATION_ID	0x10ull
#define HVLIS_NVSP_CAP_TEAMING		0x20ull
#define HVLIS_NVSP_CAP_VSUBNET_ID	0x40ull
#define HVLIS_NVSP_CAP_RSC		0x80ull

struct hvlis_nvsp_ndis_config {
	u32 mtu;
	u32 reserved;
	u64 capabilities;	/* HVLIS_NVSP_CAP_* */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_ndis_config, capabilities, 8);
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_ndis_config, 16);

struct hvlis_nvsp_vf_association {
	u32 allocated;		/* 1: serial names the VF; 0: no VF */
	u32 serial;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_vf_association, 8);

#define HVLIS_NVSP_DATAPATH_SYNTHETIC	0
#define HVLIS_NVSP_DATAPATH_VF		1

struct hvlis_nvsp_switch_datapath {
	u32 active_datapath;	/* HVLIS_NVSP_DATAPATH_* */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_switch_datapath, 4);

#define HVLIS_NVSP_SUBCHANNEL_ALLOCATE	1

struct hvlis_nvsp_subchannel_req {
	u32 op;			/* HVLIS_NVSP_SUBCHANNEL_ALLOCATE */
	u32 count;		/* sub-channels asked for */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_subchannel_req, 8);

struct hvlis_nvsp_subchannel_complete {
	u32 status;
	u32 count;		/* sub-channels the host will offer */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_subchannel_complete, 8);

/*
 * SEND_INDIRECTION_TABLE, host to guest: count u32 channel numbers at
 * offset bytes from the start of the NVSP message (its type field).
 */
#define HVLIS_NVSP_SEND_TABLE_ENTRIES	16

struct hvlis_nvsp_send_table {
	u32 count;
	u32 offset;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_send_table, 8);

/* ------------------------------------------------------------ message */

#define HVLIS_NVSP_BODY_BYTES		(HVLIS_NVSP_MSG_SIZE - 4)

struct hvlis_nvsp_msg {
	u32 type;		/* enum hvlis_nvsp_type */
	union {
		struct hvlis_nvsp_init init;
		struct hvlis_nvsp_init_complete init_complete;
		struct hvlis_nvsp_ndis_version ndis_version;
		struct hvlis_nvsp_buf buf;
		struct hvlis_nvsp_recv_buf_complete recv_buf_complete;
		struct hvlis_nvsp_send_buf_complete send_buf_complete;
		struct hvlis_nvsp_revoke revoke;
		struct hvlis_nvsp_rndis_pkt rndis_pkt;
		struct hvlis_nvsp_rndis_pkt_complete rndis_pkt_complete;
		struct hvlis_nvsp_ndis_config ndis_config;
		struct hvlis_nvsp_vf_association vf_association;
		struct hvlis_nvsp_switch_datapath switch_datapath;
		struct hvlis_nvsp_subchannel_req subchannel_req;
		struct hvlis_nvsp_subchannel_complete subchannel_complete;
		struct hvlis_nvsp_send_table send_table;
		u8 body[HVLIS_NVSP_BODY_BYTES];
	};
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_msg, init, 4);
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_msg, recv_buf_complete, 4);
HVLIS_ASSERT_OFFSET(struct hvlis_nvsp_msg, rndis_pkt, 4);
HVLIS_ASSERT_SIZE(struct hvlis_nvsp_msg, HVLIS_NVSP_MSG_SIZE);

#endif
