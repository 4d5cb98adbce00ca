/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus wire formats: protocol versions, channel (control) messages, the
 * ring buffer header and packet descriptors, and the GUIDs of the devices
 * hvlis knows. These are protocol facts shared with the Hyper-V host; every
 * structure carries size/offset assertions from the published layouts.
 *
 * All fields are little-endian; hvlis is x86-only, so they are used as is.
 */
#ifndef HVLIS_VMBUS_PROTO_H
#define HVLIS_VMBUS_PROTO_H

#include <hvlis/types.h>
#include <hvlis/hv_tlfs.h>

/* ---- Protocol versions (major << 16 | minor) and the hosts that speak them */
#define HVLIS_VMBUS_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define HVLIS_VMBUS_WS2008	HVLIS_VMBUS_VERSION(0, 13)	/* Windows Server 2008 */
#define HVLIS_VMBUS_WIN7	HVLIS_VMBUS_VERSION(1, 1)	/* 2008 R2 */
#define HVLIS_VMBUS_WIN8	HVLIS_VMBUS_VERSION(2, 4)	/* 2012 */
#define HVLIS_VMBUS_WIN8_1	HVLIS_VMBUS_VERSION(3, 0)	/* 2012 R2 */
#define HVLIS_VMBUS_WIN10	HVLIS_VMBUS_VERSION(4, 0)	/* 2016 */
#define HVLIS_VMBUS_WIN10_V4_1	HVLIS_VMBUS_VERSION(4, 1)
#define HVLIS_VMBUS_WIN10_V5	HVLIS_VMBUS_VERSION(5, 0)	/* 1803+ */
#define HVLIS_VMBUS_WIN10_V5_1	HVLIS_VMBUS_VERSION(5, 1)
#define HVLIS_VMBUS_WIN10_V5_2	HVLIS_VMBUS_VERSION(5, 2)	/* 2019 */
#define HVLIS_VMBUS_WIN10_V5_3	HVLIS_VMBUS_VERSION(5, 3)	/* 2022 */

/* ---- Connection and SINT numbers */
#define HVLIS_VMBUS_MESSAGE_CONNECTION_ID	1	/* before 5.0 */
#define HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4	4	/* 5.0+: INITIATE_CONTACT */
#define HVLIS_VMBUS_EVENT_CONNECTION_ID		2	/* WS2008 channel signals */
#define HVLIS_VMBUS_MONITOR_CONNECTION_ID	3
#define HVLIS_VMBUS_MESSAGE_SINT		2
/* HvPostMessage message_type for VMBus channel messages */
#define HVLIS_VMBUS_POST_MESSAGE_TYPE		1

/* ---- GUIDs: 16 bytes in wire (mixed-endian) order */
struct hvlis_guid {
	u8 b[16];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_guid, 16);

/* Builds the wire bytes of the GUID aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee. */
#define HVLIS_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) { {		\
	(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, \
	(b) & 0xff, ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff,	\
	(d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } }

#define HVLIS_GUID_NETWORK	HVLIS_GUID(0xf8615163, 0xdf3e, 0x46c5, \
	0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e)
#define HVLIS_GUID_IDE		HVLIS_GUID(0x32412632, 0x86cb, 0x44a2, \
	0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5)
#define HVLIS_GUID_SCSI		HVLIS_GUID(0xba6163d9, 0x04a1, 0x4d29, \
	0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f)
#define HVLIS_GUID_SHUTDOWN	HVLIS_GUID(0x0e0b6031, 0x5213, 0x4934, \
	0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb)
#define HVLIS_GUID_TIMESYNC	HVLIS_GUID(0x9527e630, 0xd0ae, 0x497b, \
	0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf)
#define HVLIS_GUID_HEARTBEAT	HVLIS_GUID(0x57164f39, 0x9115, 0x4e78, \
	0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d)
#define HVLIS_GUID_KVP		HVLIS_GUID(0xa9a0f4e7, 0x5a45, 0x4d96, \
	0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6)
#define HVLIS_GUID_VSS		HVLIS_GUID(0x35fa2e29, 0xea23, 0x4236, \
	0x96, 0xae, 0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40)
#define HVLIS_GUID_FCOPY	HVLIS_GUID(0x34d14be3, 0xdee4, 0x41c8, \
	0x9a, 0xe7, 0x6b, 0x17, 0x49, 0x77, 0xc1, 0x92)
#define HVLIS_GUID_DYNMEM	HVLIS_GUID(0x525074dc, 0x8985, 0x46e2, \
	0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02)
#define HVLIS_GUID_FC		HVLIS_GUID(0x2f9bcc4a, 0x0069, 0x4af3, \
	0xb7, 0x6b, 0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda)
#define HVLIS_GUID_ND		HVLIS_GUID(0x8c2eaf3d, 0x32a7, 0x4b09, \
	0xab, 0x99, 0xbd, 0x1f, 0x1c, 0x86, 0xb5, 0x01)
#define HVLIS_GUID_PCI		HVLIS_GUID(0x44c4f61d, 0x4444, 0x4400, \
	0x9d, 0x52, 0x80, 0x2e, 0x27, 0xed, 0xe1, 0x9f)
#define HVLIS_GUID_SYNTHVID	HVLIS_GUID(0xda0a7802, 0xe377, 0x4aac, \
	0x8e, 0x77, 0x05, 0x58, 0xeb, 0x10, 0x73, 0xf8)
#define HVLIS_GUID_KBD		HVLIS_GUID(0xf912ad6d, 0x2b17, 0x48ea, \
	0xbd, 0x65, 0xf9, 0x27, 0xa6, 0x1c, 0x76, 0x84)
#define HVLIS_GUID_MOUSE	HVLIS_GUID(0xcfa8b69e, 0x5b4a, 0x4cc0, \
	0xb9, 0x8b, 0x8b, 0xa1, 0xa1, 0xf3, 0xf9, 0x5a)

/* ---- Channel messages */
enum hvlis_chanmsg_type {
	HVLIS_CHANMSG_INVALID			= 0,
	HVLIS_CHANMSG_OFFERCHANNEL		= 1,
	HVLIS_CHANMSG_RESCIND_CHANNELOFFER	= 2,
	HVLIS_CHANMSG_REQUESTOFFERS		= 3,
	HVLIS_CHANMSG_ALLOFFERS_DELIVERED	= 4,
	HVLIS_CHANMSG_OPENCHANNEL		= 5,
	HVLIS_CHANMSG_OPENCHANNEL_RESULT	= 6,
	HVLIS_CHANMSG_CLOSECHANNEL		= 7,
	HVLIS_CHANMSG_GPADL_HEADER		= 8,
	HVLIS_CHANMSG_GPADL_BODY		= 9,
	HVLIS_CHANMSG_GPADL_CREATED		= 10,
	HVLIS_CHANMSG_GPADL_TEARDOWN		= 11,
	HVLIS_CHANMSG_GPADL_TORNDOWN		= 12,
	HVLIS_CHANMSG_RELID_RELEASED		= 13,
	HVLIS_CHANMSG_INITIATE_CONTACT		= 14,
	HVLIS_CHANMSG_VERSION_RESPONSE		= 15,
	HVLIS_CHANMSG_UNLOAD			= 16,
	HVLIS_CHANMSG_UNLOAD_RESPONSE		= 17,
	HVLIS_CHANMSG_TL_CONNECT_REQUEST	= 21,
	HVLIS_CHANMSG_MODIFYCHANNEL		= 22,
	HVLIS_CHANMSG_TL_CONNECT_RESULT		= 23,
	HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE	= 24,
	HVLIS_CHANMSG_COUNT			= 25,
};

struct hvlis_chanmsg_header {
	u32 msgtype;
	u32 padding;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_chanmsg_header, 8);

#define HVLIS_OFFER_USER_DEFINED_BYTES	120
#define HVLIS_OPEN_USER_DATA_BYTES	120

/* Offer chn_flags */
#define HVLIS_OFFER_FLAG_ENUMERATE_DEVICE_INTERFACE	0x0001
#define HVLIS_OFFER_FLAG_NAMED_PIPE_MODE		0x0010
#define HVLIS_OFFER_FLAG_REQUEST_MONITORED_NOTIFY	0x0400
#define HVLIS_OFFER_FLAG_TLNPI_PROVIDER			0x2000

struct hvlis_offer {
	struct hvlis_guid if_type;	/* device class */
	struct hvlis_guid if_instance;	/* this device */
	u64 reserved1;
	u64 reserved2;
	u16 chn_flags;
	u16 mmio_megabytes;
	u8 user_def[HVLIS_OFFER_USER_DEFINED_BYTES];
	u16 sub_channel_index;
	u16 reserved3;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_offer, 176);

struct hvlis_msg_offer_channel {
	struct hvlis_chanmsg_header header;
	struct hvlis_offer offer;
	u32 child_relid;
	u8 monitor_id;
	u8 monitor_flags;	/* bit 0: monitor_allocated */
	u16 interrupt_flags;	/* bit 0: is_dedicated_interrupt (WIN7+) */
	u32 connection_id;	/* WIN7+ */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_msg_offer_channel, child_relid, 184);
HVLIS_ASSERT_OFFSET(struct hvlis_msg_offer_channel, connection_id, 192);
HVLIS_ASSERT_SIZE(struct hvlis_msg_offer_channel, 196);
#define HVLIS_OFFER_MONITOR_ALLOCATED	0x01
#define HVLIS_OFFER_DEDICATED_INTERRUPT	0x0001

struct hvlis_msg_rescind_offer {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_rescind_offer, 12);

struct hvlis_msg_initiate_contact {
	struct hvlis_chanmsg_header header;
	u32 vmbus_version_requested;
	u32 target_vcpu;
	/*
	 * Before 5.0: guest physical address of the interrupt page.
	 * 5.0+: byte 0 is the SINT for messages, byte 1 the VTL.
	 */
	u64 interrupt_page_or_sint;
	u64 monitor_page1;
	u64 monitor_page2;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_initiate_contact, 40);

struct hvlis_msg_version_response {
	struct hvlis_chanmsg_header header;
	u8 version_supported;
	u8 connection_state;
	u16 padding;
	u32 msg_conn_id;	/* 5.0+: connection id for later messages */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_version_response, 16);

struct hvlis_msg_open_channel {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 open_id;
	u32 ring_gpadl;
	u32 target_vp;
	u32 downstream_ring_page_offset;
	u8 user_data[HVLIS_OPEN_USER_DATA_BYTES];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_open_channel, 148);

struct hvlis_msg_open_result {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 open_id;
	u32 status;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_open_result, 20);

struct hvlis_msg_close_channel {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_close_channel, 12);

struct hvlis_gpa_range {
	u32 byte_count;
	u32 byte_offset;
	u64 pfn_array[];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_gpa_range, 8);

struct hvlis_msg_gpadl_header {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 gpadl;
	u16 range_buflen;
	u16 range_count;
	struct hvlis_gpa_range range[];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_gpadl_header, 20);

struct hvlis_msg_gpadl_body {
	struct hvlis_chanmsg_header header;
	u32 msgnumber;
	u32 gpadl;
	u64 pfn[];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_gpadl_body, 16);

/* PFNs that fit in the first (header) and each further (body) message. */
#define HVLIS_GPADL_HEADER_PFNS \
	((HVLIS_MESSAGE_PAYLOAD_BYTES - sizeof(struct hvlis_msg_gpadl_header) - \
	  sizeof(struct hvlis_gpa_range)) / sizeof(u64))
#define HVLIS_GPADL_BODY_PFNS \
	((HVLIS_MESSAGE_PAYLOAD_BYTES - sizeof(struct hvlis_msg_gpadl_body)) / sizeof(u64))
_Static_assert(HVLIS_GPADL_HEADER_PFNS == 26, "GPADL header capacity");
_Static_assert(HVLIS_GPADL_BODY_PFNS == 28, "GPADL body capacity");

struct hvlis_msg_gpadl_created {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 gpadl;
	u32 creation_status;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_gpadl_created, 20);

struct hvlis_msg_gpadl_teardown {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 gpadl;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_gpadl_teardown, 16);

struct hvlis_msg_gpadl_torndown {
	struct hvlis_chanmsg_header header;
	u32 gpadl;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_gpadl_torndown, 12);

struct hvlis_msg_relid_released {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_relid_released, 12);

struct hvlis_msg_modify_channel {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 target_vp;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_modify_channel, 16);

struct hvlis_msg_modify_channel_response {
	struct hvlis_chanmsg_header header;
	u32 child_relid;
	u32 status;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_modify_channel_response, 16);

struct hvlis_msg_tl_connect_request {
	struct hvlis_chanmsg_header header;
	struct hvlis_guid guest_endpoint_id;
	struct hvlis_guid host_service_id;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_msg_tl_connect_request, 40);

/* ---- Ring buffer */

/*
 * The first page of each ring is this control page; the data area follows.
 * Each packet in the data area is a descriptor, the payload padded to 8
 * bytes, and an 8-byte trailer holding the writer's start index << 32.
 */
struct hvlis_ring_header {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;	/* reader: "don't signal me, I'm polling" */
	u32 pending_send_sz;	/* writer: "signal me when this much is free" */
	u32 reserved1[12];
	u32 feature_bits;	/* bit 0: pending_send_sz is honoured */
	u8 reserved2[4096 - 68];
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_ring_header, interrupt_mask, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_ring_header, pending_send_sz, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_ring_header, feature_bits, 64);
HVLIS_ASSERT_SIZE(struct hvlis_ring_header, 4096);
#define HVLIS_RING_FEAT_PENDING_SEND_SZ	0x1

#define HVLIS_RING_TRAILER_BYTES	8	/* u64 after every packet */

/* Packet types */
enum hvlis_packet_type {
	HVLIS_PKT_INVALID			= 0,
	HVLIS_PKT_SYNCH				= 1,
	HVLIS_PKT_ADD_XFER_PAGESET		= 2,
	HVLIS_PKT_RM_XFER_PAGESET		= 3,
	HVLIS_PKT_ESTABLISH_GPADL		= 4,
	HVLIS_PKT_TEARDOWN_GPADL		= 5,
	HVLIS_PKT_DATA_INBAND			= 6,
	HVLIS_PKT_DATA_USING_XFER_PAGES		= 7,
	HVLIS_PKT_DATA_USING_GPADL		= 8,
	HVLIS_PKT_DATA_USING_GPA_DIRECT		= 9,
	HVLIS_PKT_CANCEL_REQUEST		= 10,
	HVLIS_PKT_COMP				= 11,
	HVLIS_PKT_DATA_USING_ADDITIONAL_PKT	= 12,
	HVLIS_PKT_ADDITIONAL_DATA		= 13,
};

#define HVLIS_PKT_FLAG_COMPLETION_REQUESTED	0x1

/* offset8 and len8 count 8-byte units; len8 includes the descriptor. */
struct hvlis_packet_desc {
	u16 type;
	u16 offset8;
	u16 len8;
	u16 flags;
	u64 trans_id;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_packet_desc, 16);

/* Page buffers for GPA-direct packets. */
struct hvlis_page_buffer {
	u32 len;
	u32 offset;
	u64 pfn;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_page_buffer, 16);

struct hvlis_gpa_direct_header {
	struct hvlis_packet_desc desc;
	u32 reserved;
	u32 range_count;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_gpa_direct_header, 24);

struct hvlis_xfer_page_range {
	u32 byte_count;
	u32 byte_offset;
} __packed;

struct hvlis_xfer_page_header {
	struct hvlis_packet_desc desc;
	u16 xfer_pageset_id;
	u8 sender_owns_set;
	u8 reserved;
	u32 range_count;
	struct hvlis_xfer_page_range ranges[];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_xfer_page_header, 24);

#endif
