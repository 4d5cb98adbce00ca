/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VSTOR wire formats: the storage protocol a Hyper-V host (StorVSP) and
 * the guest's hv_storvsc speak over the synthetic SCSI, IDE accelerator
 * and Fibre Channel channels.
 *
 * Facts (GUIDs, operation numbers, layouts, version numbers, status and
 * flag values), written here from scratch and each checked against two
 * of: the Linux kernel's drivers/scsi/storvsc_drv.c and include/linux/
 * hyperv.h, FreeBSD's sys/dev/hyperv/storvsc/hv_vstorage.h, and OpenVMM's
 * vm/devices/storage/storvsp_protocol.
 *
 * Every message is one struct hvlis_vstor_packet. The guest sends requests
 * with flags = HVLIS_VSTOR_FLAG_REQUEST_COMPLETION and a nonzero VMBus
 * transaction id; the host answers each with a completion packet (VMBus
 * type COMP, same transaction id) whose operation is COMPLETE_IO and whose
 * status is an NTSTATUS (0 = success). The host's own messages
 * (ENUMERATE_BUS, REMOVE_DEVICE, FCHBA_DATA) are in-band packets with
 * transaction id 0.
 *
 * Initialization, on the primary channel, one request at a time:
 *   BEGIN_INITIALIZATION
 *   QUERY_PROTOCOL_VERSION, newest first; a host that does not speak the
 *     version answers status HVLIS_VSTOR_STATUS_REVISION_MISMATCH and the
 *     guest tries the next older one
 *   QUERY_PROPERTIES -> struct hvlis_vstor_channel_props
 *   CREATE_SUB_CHANNELS (WIN8+ and only when the host set MULTI_CHANNEL;
 *     at most max_channel_cnt); the host then offers that many sub-channels
 *     of the same instance, sub_channel_index 1..n
 *   END_INITIALIZATION
 *
 * Size depends on the negotiated version: before WIN8 the SRB has no
 * win8 extension, so every packet (both ways) is 16 bytes shorter, and
 * the sense buffer holds 18 bytes instead of 20 (see the helpers below).
 *
 * I/O: EXECUTE_SRB. Without data it is an in-band packet. With data it is
 * a GPA-direct packet (HVLIS_PKT_DATA_USING_GPA_DIRECT, vmbus_proto.h):
 * struct hvlis_gpa_direct_header with range_count 1, then one struct
 * hvlis_gpa_range (byte_count = data_transfer_length, byte_offset = offset
 * in the first page, then the PFNs of every page the buffer touches), then
 * the vstor packet at desc.offset8 * 8. The completion carries the SRB back
 * with srb_status, scsi_status, data_transfer_length (bytes moved) and, on
 * CHECK CONDITION with AUTOSENSE_VALID, the sense bytes where the CDB was.
 *
 * All fields are little-endian. Kernel and userspace include this header.
 */
#ifndef HVLIS_VSTOR_PROTO_H
#define HVLIS_VSTOR_PROTO_H

#include <hvlis/types.h>
#include <hvlis/vmbus_proto.h>

/*
 * The class GUIDs (HVLIS_GUID_SCSI, HVLIS_GUID_IDE, HVLIS_GUID_FC) live
 * with the other device classes in vmbus_proto.h.
 */

/* ------------------------------------------------------------ versions */

/* One u16: major in the high byte, minor in the low byte. */
#define HVLIS_VSTOR_VERSION(maj, min) \
	((u16)((((maj) & 0xff) << 8) | ((min) & 0xff)))
#define HVLIS_VSTOR_VERSION_MAJOR(v)	(((v) >> 8) & 0xff)
#define HVLIS_VSTOR_VERSION_MINOR(v)	((v) & 0xff)

#define HVLIS_VSTOR_WIN6	HVLIS_VSTOR_VERSION(2, 0)	/* WS2008 */
#define HVLIS_VSTOR_WIN7	HVLIS_VSTOR_VERSION(4, 2)	/* 2008 R2 */
#define HVLIS_VSTOR_WIN8	HVLIS_VSTOR_VERSION(5, 1)	/* 2012 */
#define HVLIS_VSTOR_WIN8_1	HVLIS_VSTOR_VERSION(6, 0)	/* 2012 R2 */
#define HVLIS_VSTOR_WIN10	HVLIS_VSTOR_VERSION(6, 2)	/* 2016 and later */

/* ------------------------------------------------------------ operations */

enum hvlis_vstor_op {
	HVLIS_VSTOR_OP_COMPLETE_IO		= 1,
	HVLIS_VSTOR_OP_REMOVE_DEVICE		= 2,
	HVLIS_VSTOR_OP_EXECUTE_SRB		= 3,
	HVLIS_VSTOR_OP_RESET_LUN		= 4,
	HVLIS_VSTOR_OP_RESET_ADAPTER		= 5,
	HVLIS_VSTOR_OP_RESET_BUS		= 6,
	HVLIS_VSTOR_OP_BEGIN_INITIALIZATION	= 7,
	HVLIS_VSTOR_OP_END_INITIALIZATION	= 8,
	HVLIS_VSTOR_OP_QUERY_PROTOCOL_VERSION	= 9,
	HVLIS_VSTOR_OP_QUERY_PROPERTIES		= 10,
	HVLIS_VSTOR_OP_ENUMERATE_BUS		= 11,
	HVLIS_VSTOR_OP_FCHBA_DATA		= 12,
	HVLIS_VSTOR_OP_CREATE_SUB_CHANNELS	= 13,
	HVLIS_VSTOR_OP_MAX			= 13,
};

/* Packet flags: the only one a guest sets. */
#define HVLIS_VSTOR_FLAG_REQUEST_COMPLETION	0x1

/* Packet status: NTSTATUS values a host uses. */
#define HVLIS_VSTOR_STATUS_SUCCESS		0x00000000u
#define HVLIS_VSTOR_STATUS_UNSUCCESSFUL		0xc0000001u
#define HVLIS_VSTOR_STATUS_INVALID_PARAMETER	0xc000000du
#define HVLIS_VSTOR_STATUS_INVALID_DEVICE_REQUEST 0xc0000010u
#define HVLIS_VSTOR_STATUS_REVISION_MISMATCH	0xc0000059u
#define HVLIS_VSTOR_STATUS_IO_DEVICE_ERROR	0xc0000185u

/* ------------------------------------------------------------ SRB */

#define HVLIS_VSTOR_CDB_MAX		16	/* CDB bytes the SRB carries */
#define HVLIS_VSTOR_SENSE_WIN8		0x14	/* sense bytes, WIN8 and later */
#define HVLIS_VSTOR_SENSE_PRE_WIN8	0x12	/* sense bytes, WIN6 and WIN7 */
#define HVLIS_VSTOR_SRB_PAYLOAD		0x14	/* CDB / sense area, padded */

/* Added in WIN8; absent from the wire before it. */
struct hvlis_vstor_win8_ext {
	u16 reserved;
	u8 queue_tag;
	u8 queue_action;
	u32 srb_flags;
	u32 time_out_value;
	u32 queue_sort_key;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_vstor_win8_ext, 16);

struct hvlis_vstor_srb {
	u16 length;		/* bytes of this SRB as sent (36 or 52) */
	u8 srb_status;		/* host: HVLIS_SRB_STATUS_* */
	u8 scsi_status;		/* host: SAM status byte */
	u8 port_number;
	u8 path_id;		/* bus */
	u8 target_id;
	u8 lun;
	u8 cdb_length;
	u8 sense_info_length;	/* guest: room; host: sense bytes returned */
	u8 data_in;		/* HVLIS_VSTOR_DATA_* */
	u8 reserved;
	u32 data_transfer_length; /* guest: buffer bytes; host: bytes moved */
	union {
		u8 cdb[HVLIS_VSTOR_CDB_MAX];
		u8 sense_data[HVLIS_VSTOR_SENSE_WIN8];
		u8 payload[HVLIS_VSTOR_SRB_PAYLOAD];
	};
	struct hvlis_vstor_win8_ext win8;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, srb_status, 2);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, scsi_status, 3);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, lun, 7);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, data_in, 10);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, data_transfer_length, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, cdb, 16);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, sense_data, 16);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_srb, win8, 36);
HVLIS_ASSERT_SIZE(struct hvlis_vstor_srb, 52);

#define HVLIS_VSTOR_SRB_SIZE_WIN8	52
#define HVLIS_VSTOR_SRB_SIZE_PRE_WIN8	36
#define HVLIS_VSTOR_WIN8_EXT_SIZE	((u32)sizeof(struct hvlis_vstor_win8_ext))

/* data_in */
#define HVLIS_VSTOR_DATA_OUT		0	/* guest -> host (write) */
#define HVLIS_VSTOR_DATA_IN		1	/* host -> guest (read) */
#define HVLIS_VSTOR_DATA_UNKNOWN	2	/* no data or unspecified */

/* srb_status: a code in the low 6 bits plus two flag bits */
#define HVLIS_SRB_STATUS_PENDING		0x00
#define HVLIS_SRB_STATUS_SUCCESS		0x01
#define HVLIS_SRB_STATUS_ABORTED		0x02
#define HVLIS_SRB_STATUS_ABORT_FAILED		0x03
#define HVLIS_SRB_STATUS_ERROR			0x04
#define HVLIS_SRB_STATUS_BUSY			0x05
#define HVLIS_SRB_STATUS_INVALID_REQUEST	0x06
#define HVLIS_SRB_STATUS_INVALID_PATH_ID	0x07
#define HVLIS_SRB_STATUS_NO_DEVICE		0x08
#define HVLIS_SRB_STATUS_TIMEOUT		0x09
#define HVLIS_SRB_STATUS_SELECTION_TIMEOUT	0x0a
#define HVLIS_SRB_STATUS_COMMAND_TIMEOUT	0x0b
#define HVLIS_SRB_STATUS_BUS_RESET		0x0e
#define HVLIS_SRB_STATUS_DATA_OVERRUN		0x12
#define HVLIS_SRB_STATUS_REQUEST_FLUSHED	0x16
#define HVLIS_SRB_STATUS_INVALID_LUN		0x20
#define HVLIS_SRB_STATUS_INVALID_TARGET_ID	0x21
#define HVLIS_SRB_STATUS_BAD_FUNCTION		0x22
#define HVLIS_SRB_STATUS_INTERNAL_ERROR		0x30
#define HVLIS_SRB_STATUS_QUEUE_FROZEN		0x40	/* flag */
#define HVLIS_SRB_STATUS_AUTOSENSE_VALID	0x80	/* flag: sense_data filled */
#define HVLIS_SRB_STATUS_CODE(s) \
	((s) & ~(HVLIS_SRB_STATUS_QUEUE_FROZEN | HVLIS_SRB_STATUS_AUTOSENSE_VALID))

/* win8.srb_flags */
#define HVLIS_SRB_FLAGS_QUEUE_ACTION_ENABLE	0x00000002
#define HVLIS_SRB_FLAGS_DISABLE_DISCONNECT	0x00000004
#define HVLIS_SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008
#define HVLIS_SRB_FLAGS_BYPASS_FROZEN_QUEUE	0x00000010
#define HVLIS_SRB_FLAGS_DISABLE_AUTOSENSE	0x00000020
#define HVLIS_SRB_FLAGS_DATA_IN			0x00000040
#define HVLIS_SRB_FLAGS_DATA_OUT		0x00000080
#define HVLIS_SRB_FLAGS_NO_QUEUE_FREEZE		0x00000100
#define HVLIS_SRB_FLAGS_ADAPTER_CACHE_ENABLE	0x00000200
#define HVLIS_SRB_FLAGS_FREE_SENSE_BUFFER	0x00000400

/* win8.queue_tag / queue_action */
#define HVLIS_SRB_SIMPLE_TAG_REQUEST		0x20
#define HVLIS_SRB_UNTAGGED			0xff

/* ------------------------------------------------------------ properties */

struct hvlis_vstor_channel_props {
	u32 reserved;
	u16 max_channel_cnt;	/* sub-channels the host can offer */
	u16 reserved1;
	u32 flags;		/* HVLIS_VSTOR_PROP_* */
	u32 max_transfer_bytes;
	u64 reserved2;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_channel_props, max_channel_cnt, 4);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_channel_props, flags, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_channel_props, max_transfer_bytes, 12);
HVLIS_ASSERT_SIZE(struct hvlis_vstor_channel_props, 24);

#define HVLIS_VSTOR_PROP_MULTI_CHANNEL		0x1

struct hvlis_vstor_version {
	u16 major_minor;	/* HVLIS_VSTOR_VERSION() */
	u16 revision;		/* 0 */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_vstor_version, 4);

/* FCHBA_DATA: the Fibre Channel port's names, host to guest. */
struct hvlis_vstor_fc_wwn {
	u8 primary_active;	/* nonzero: the primary names are in use */
	u8 reserved[3];
	u8 primary_port_wwn[8];
	u8 primary_node_wwn[8];
	u8 secondary_port_wwn[8];
	u8 secondary_node_wwn[8];
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_fc_wwn, primary_port_wwn, 4);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_fc_wwn, secondary_node_wwn, 28);
HVLIS_ASSERT_SIZE(struct hvlis_vstor_fc_wwn, 36);

/* ------------------------------------------------------------ packet */

#define HVLIS_VSTOR_PAYLOAD_BYTES	0x34

struct hvlis_vstor_packet {
	u32 operation;		/* enum hvlis_vstor_op */
	u32 flags;		/* HVLIS_VSTOR_FLAG_* */
	u32 status;		/* host: HVLIS_VSTOR_STATUS_* */
	union {
		struct hvlis_vstor_srb srb;
		struct hvlis_vstor_channel_props props;
		struct hvlis_vstor_version version;
		struct hvlis_vstor_fc_wwn wwn;
		u16 sub_channel_count;	/* CREATE_SUB_CHANNELS */
		u8 buffer[HVLIS_VSTOR_PAYLOAD_BYTES];
	};
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, status, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, srb, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, props, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, version, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, wwn, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_packet, sub_channel_count, 12);
HVLIS_ASSERT_SIZE(struct hvlis_vstor_packet, 64);

#define HVLIS_VSTOR_PACKET_SIZE_WIN8		64
#define HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8	48

/* Bytes of a packet, each way, once @version is negotiated. */
static inline u32 hvlis_vstor_packet_size(u16 version)
{
	return version >= HVLIS_VSTOR_WIN8 ? HVLIS_VSTOR_PACKET_SIZE_WIN8 :
		HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8;
}

/* Sense bytes an SRB can carry once @version is negotiated. */
static inline u32 hvlis_vstor_sense_size(u16 version)
{
	return version >= HVLIS_VSTOR_WIN8 ? HVLIS_VSTOR_SENSE_WIN8 :
		HVLIS_VSTOR_SENSE_PRE_WIN8;
}

/* ------------------------------------------------------------ offers */

/*
 * The first 24 bytes of an IDE/SCSI offer's user_def. Older Windows
 * guests read the IDE location from here; Linux reads it from the
 * instance GUID instead: bytes 0..3 are the path (IDE channel), bytes
 * 4..5 the target (device on the channel), both little-endian.
 */
struct hvlis_vstor_offer_props {
	u16 reserved;
	u8 path_id;
	u8 target_id;
	u32 reserved1;
	u32 flags;		/* HVLIS_VSTOR_OFFER_* */
	u32 reserved2[3];
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_offer_props, path_id, 2);
HVLIS_ASSERT_OFFSET(struct hvlis_vstor_offer_props, flags, 8);
HVLIS_ASSERT_SIZE(struct hvlis_vstor_offer_props, 24);

#define HVLIS_VSTOR_OFFER_REMOVABLE		0x1
#define HVLIS_VSTOR_OFFER_EMULATED_IDE		0x2

#endif
