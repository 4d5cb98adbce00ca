/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RNDIS wire formats as a Hyper-V host's NetVSP uses them inside NVSP
 * SEND_RNDIS_PKT messages (nvsp_proto.h): the message header, the data
 * message and its per-packet info, the control messages (initialize,
 * halt, query, set, reset, status indication, keepalive), the OIDs hvlis
 * queries and sets, the device parameter a set of
 * OID_GEN_RNDIS_CONFIG_PARAMETER carries, and the NDIS structures some
 * OIDs carry (offload parameters, RSS capabilities and parameters).
 *
 * Facts, written here from scratch and each checked against two of: the
 * Linux kernel's drivers/net/hyperv/hyperv_net.h and include/linux/
 * rndis.h, FreeBSD's sys/net/rndis.h and sys/dev/hyperv/netvsc/ndis.h, and
 * OpenVMM's vm/devices/net/netvsp/src/rndisprot.rs (the device parameter:
 * Linux's rndis_filter.c and Microsoft's Remote NDIS specification,
 * "Setting Device-Specific Parameters"). Facts only one of them states
 * are left out.
 *
 * Offsets inside messages are NOT from the message start:
 *  - a data message's data, OOB and per-packet-info offsets count from its
 *    data_offset field, i.e. from byte HVLIS_RNDIS_HDR_SIZE (8);
 *  - a query/set information buffer offset and a status buffer offset count
 *    from the field after msg_len, also byte 8;
 *  - a per-packet-info record's data offset counts from the record start.
 * hvlis_rndis_*() helpers in netvsc_msg.c turn them into checked absolute
 * offsets; nothing else may use them.
 *
 * All fields are little-endian. Kernel and userspace include this header.
 */
#ifndef HVLIS_RNDIS_PROTO_H
#define HVLIS_RNDIS_PROTO_H

#include <hvlis/types.h>

#define HVLIS_RNDIS_MAJOR		1
#define HVLIS_RNDIS_MINOR		0

/* ------------------------------------------------------------ types */

#define HVLIS_RNDIS_PACKET_MSG		0x00000001u
#define HVLIS_RNDIS_INITIALIZE_MSG	0x00000002u
#define HVLIS_RNDIS_HALT_MSG		0x00000003u
#define HVLIS_RNDIS_QUERY_MSG		0x00000004u
#define HVLIS_RNDIS_SET_MSG		0x00000005u
#define HVLIS_RNDIS_RESET_MSG		0x00000006u
#define HVLIS_RNDIS_INDICATE_STATUS_MSG	0x00000007u
#define HVLIS_RNDIS_KEEPALIVE_MSG	0x00000008u
/* A completion is its request's type with the top bit set. */
#define HVLIS_RNDIS_CMPLT		0x80000000u
#define HVLIS_RNDIS_INITIALIZE_CMPLT	0x80000002u
#define HVLIS_RNDIS_QUERY_CMPLT		0x80000004u
#define HVLIS_RNDIS_SET_CMPLT		0x80000005u
#define HVLIS_RNDIS_RESET_CMPLT		0x80000006u
#define HVLIS_RNDIS_KEEPALIVE_CMPLT	0x80000008u

/* ------------------------------------------------------------ status */

#define HVLIS_RNDIS_STATUS_SUCCESS		0x00000000u
#define HVLIS_RNDIS_STATUS_PENDING		0x00000103u
#define HVLIS_RNDIS_STATUS_MEDIA_CONNECT	0x4001000bu
#define HVLIS_RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000cu
#define HVLIS_RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013u
#define HVLIS_RNDIS_STATUS_NETWORK_CHANGE	0x40010018u
#define HVLIS_RNDIS_STATUS_TASK_OFFLOAD_CONFIG	0x40020006u
#define HVLIS_RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005u
#define HVLIS_RNDIS_STATUS_FAILURE		0xc0000001u
#define HVLIS_RNDIS_STATUS_RESOURCES		0xc000009au
#define HVLIS_RNDIS_STATUS_NOT_SUPPORTED	0xc00000bbu
#define HVLIS_RNDIS_STATUS_INVALID_DATA		0xc0010015u

/* ------------------------------------------------------------ OIDs */

#define HVLIS_OID_GEN_SUPPORTED_LIST		0x00010101u
#define HVLIS_OID_GEN_HARDWARE_STATUS		0x00010102u
#define HVLIS_OID_GEN_MEDIA_SUPPORTED		0x00010103u
#define HVLIS_OID_GEN_MEDIA_IN_USE		0x00010104u
#define HVLIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106u
#define HVLIS_OID_GEN_LINK_SPEED		0x00010107u	/* u32, 100 bps */
#define HVLIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010eu
#define HVLIS_OID_GEN_MAXIMUM_TOTAL_SIZE	0x00010111u
#define HVLIS_OID_GEN_MAC_OPTIONS		0x00010113u
#define HVLIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114u
#define HVLIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES 0x00010203u
#define HVLIS_OID_GEN_RECEIVE_SCALE_PARAMETERS	0x00010204u
#define HVLIS_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021bu
#define HVLIS_OID_802_3_PERMANENT_ADDRESS	0x01010101u
#define HVLIS_OID_802_3_CURRENT_ADDRESS		0x01010102u
#define HVLIS_OID_802_3_MULTICAST_LIST		0x01010103u
#define HVLIS_OID_802_3_MAXIMUM_LIST_SIZE	0x01010104u
#define HVLIS_OID_TCP_OFFLOAD_PARAMETERS	0xfc01020cu
#define HVLIS_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES 0xfc01020du

/* OID_GEN_MEDIA_CONNECT_STATUS values */
#define HVLIS_RNDIS_MEDIA_CONNECTED		0
#define HVLIS_RNDIS_MEDIA_DISCONNECTED		1

/* INITIALIZE_CMPLT medium and device flags */
#define HVLIS_RNDIS_MEDIUM_802_3		0
#define HVLIS_RNDIS_DF_CONNECTIONLESS		0x00000001u

/* OID_GEN_CURRENT_PACKET_FILTER bits */
#define HVLIS_NDIS_PACKET_DIRECTED		0x00000001u
#define HVLIS_NDIS_PACKET_MULTICAST		0x00000002u
#define HVLIS_NDIS_PACKET_ALL_MULTICAST		0x00000004u
#define HVLIS_NDIS_PACKET_BROADCAST		0x00000008u
#define HVLIS_NDIS_PACKET_SOURCE_ROUTING	0x00000010u
#define HVLIS_NDIS_PACKET_PROMISCUOUS		0x00000020u
#define HVLIS_NDIS_PACKET_SMT			0x00000040u
#define HVLIS_NDIS_PACKET_ALL_LOCAL		0x00000080u

/* ------------------------------------------------------------ header */

struct hvlis_rndis_hdr {
	u32 type;		/* HVLIS_RNDIS_*_MSG / *_CMPLT */
	u32 len;		/* bytes of the whole message, header included */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_hdr, 8);

#define HVLIS_RNDIS_HDR_SIZE		8u

/* ------------------------------------------------------------ data */

struct hvlis_rndis_packet {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_PACKET_MSG */
	u32 data_offset;	/* from byte 8 */
	u32 data_len;
	u32 oob_offset;
	u32 oob_len;
	u32 oob_count;
	u32 ppi_offset;		/* from byte 8 */
	u32 ppi_len;		/* bytes of all per-packet-info records */
	u32 vc_handle;		/* 0 */
	u32 reserved;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_packet, data_offset, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_packet, ppi_offset, 28);
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_packet, ppi_len, 32);
HVLIS_ASSERT_SIZE(struct hvlis_rndis_packet, 44);

/* Per-packet-info record: size includes this 12-byte header. */
struct hvlis_rndis_ppi {
	u32 size;
	u32 type;		/* HVLIS_PPI_*; bit 31 marks an internal type */
	u32 data_offset;	/* from the record start, normally 12 */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_ppi, 12);

#define HVLIS_RNDIS_PPI_INTERNAL	0x80000000u

enum hvlis_ppi_type {
	HVLIS_PPI_CSUM			= 0,	/* TCP/IP checksum info */
	HVLIS_PPI_IPSEC			= 1,
	HVLIS_PPI_LSO			= 2,	/* TCP large send */
	HVLIS_PPI_CLASSIFY		= 3,
	HVLIS_PPI_SGLIST		= 5,
	HVLIS_PPI_VLAN			= 6,	/* IEEE 802.1Q info */
	HVLIS_PPI_ORIGINAL		= 7,
	HVLIS_PPI_HASH_VALUE		= 8,	/* was packet cancel id */
	HVLIS_PPI_HASH_INFO		= 9,	/* was original NBL */
	HVLIS_PPI_CACHED_NBL		= 10,
	HVLIS_PPI_SHORT_PAD		= 11,
};

/*
 * Per-packet-info values (each a u32 right after its 12-byte record).
 *
 * HVLIS_PPI_CSUM, guest to host: what the host is to compute. The TCP or
 * UDP checksum field holds the pseudo-header sum (with the length), as
 * for any checksum offload; the transport header's offset from the frame
 * start is in bits 16..25.
 */
#define HVLIS_NDIS_TXCSUM_IPV4		0x00000001u
#define HVLIS_NDIS_TXCSUM_IPV6		0x00000002u
#define HVLIS_NDIS_TXCSUM_TCP		0x00000004u
#define HVLIS_NDIS_TXCSUM_UDP		0x00000008u
#define HVLIS_NDIS_TXCSUM_IP		0x00000010u
#define HVLIS_NDIS_TXCSUM_THOFF_SHIFT	16
#define HVLIS_NDIS_TXCSUM_THOFF_MASK	0x03ff0000u

/* HVLIS_PPI_CSUM, host to guest: what the host checked. */
#define HVLIS_NDIS_RXCSUM_TCP_FAILED	0x0001u
#define HVLIS_NDIS_RXCSUM_UDP_FAILED	0x0002u
#define HVLIS_NDIS_RXCSUM_IP_FAILED	0x0004u
#define HVLIS_NDIS_RXCSUM_TCP_OK	0x0008u
#define HVLIS_NDIS_RXCSUM_UDP_OK	0x0010u
#define HVLIS_NDIS_RXCSUM_IP_OK		0x0020u

/*
 * HVLIS_PPI_LSO, guest to host (LSOv2): the MSS, the TCP header's offset
 * from the frame start, the LSOv2 type bit and IPv6. The frame's IPv4
 * total length and header checksum are 0 and the TCP checksum field holds
 * the pseudo-header sum without the length (the host fills in each
 * segment's).
 */
#define HVLIS_NDIS_LSO2_MSS_MASK	0x000fffffu
#define HVLIS_NDIS_LSO2_THOFF_SHIFT	20
#define HVLIS_NDIS_LSO2_THOFF_MASK	0x3ff00000u
#define HVLIS_NDIS_LSO2_TYPE		0x40000000u
#define HVLIS_NDIS_LSO2_IPV6		0x80000000u

/* HVLIS_PPI_VLAN: priority bits 0..2, CFI bit 3, VLAN id bits 4..15. */
#define HVLIS_NDIS_VLAN_PRI_MASK	0x0007u
#define HVLIS_NDIS_VLAN_CFI		0x0008u
#define HVLIS_NDIS_VLAN_ID_SHIFT	4
#define HVLIS_NDIS_VLAN_ID_MASK		0xfff0u

/* ------------------------------------------------------------ control */

struct hvlis_rndis_init_req {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_INITIALIZE_MSG */
	u32 req_id;
	u32 major;
	u32 minor;
	u32 max_xfer_size;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_init_req, 24);

struct hvlis_rndis_init_cmplt {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_INITIALIZE_CMPLT */
	u32 req_id;
	u32 status;
	u32 major;
	u32 minor;
	u32 dev_flags;		/* HVLIS_RNDIS_DF_* */
	u32 medium;		/* HVLIS_RNDIS_MEDIUM_* */
	u32 max_pkts_per_msg;
	u32 max_xfer_size;
	u32 pkt_align_shift;	/* alignment of batched packets, log2 */
	u32 af_list_offset;
	u32 af_list_size;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_init_cmplt, status, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_init_cmplt, max_pkts_per_msg, 32);
HVLIS_ASSERT_SIZE(struct hvlis_rndis_init_cmplt, 52);

struct hvlis_rndis_halt_req {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_HALT_MSG, no answer */
	u32 req_id;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_halt_req, 12);

/* QUERY_MSG and SET_MSG; a set's information buffer follows. */
struct hvlis_rndis_oid_req {
	struct hvlis_rndis_hdr hdr;
	u32 req_id;
	u32 oid;
	u32 info_len;
	u32 info_offset;	/* from byte 8: 20 when it follows */
	u32 dev_vc_handle;	/* 0 */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_oid_req, info_offset, 20);
HVLIS_ASSERT_SIZE(struct hvlis_rndis_oid_req, 28);

#define HVLIS_RNDIS_OID_REQ_INFO_OFFSET \
	((u32)sizeof(struct hvlis_rndis_oid_req) - HVLIS_RNDIS_HDR_SIZE)

struct hvlis_rndis_query_cmplt {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_QUERY_CMPLT */
	u32 req_id;
	u32 status;
	u32 info_len;
	u32 info_offset;	/* from byte 8 */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_query_cmplt, 24);

/* SET_CMPLT and KEEPALIVE_CMPLT */
struct hvlis_rndis_cmplt {
	struct hvlis_rndis_hdr hdr;
	u32 req_id;
	u32 status;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_cmplt, 16);

/* RESET_CMPLT has no request id. */
struct hvlis_rndis_reset_cmplt {
	struct hvlis_rndis_hdr hdr;
	u32 status;
	u32 addressing_reset;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_reset_cmplt, 16);

/* KEEPALIVE_MSG from the host: the guest answers KEEPALIVE_CMPLT. */
struct hvlis_rndis_keepalive {
	struct hvlis_rndis_hdr hdr;
	u32 req_id;
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_keepalive, 12);

struct hvlis_rndis_indicate {
	struct hvlis_rndis_hdr hdr;	/* HVLIS_RNDIS_INDICATE_STATUS_MSG */
	u32 status;		/* HVLIS_RNDIS_STATUS_* */
	u32 buf_len;
	u32 buf_offset;		/* from byte 8 */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_rndis_indicate, 20);

/*
 * OID_GEN_RNDIS_CONFIG_PARAMETER (set): one named device parameter. Both
 * offsets count from the start of this structure (the information
 * buffer); the name is UTF-16LE without a terminator, and so is a string
 * value. A guest changes the adapter's MAC address by setting
 * HVLIS_RNDIS_PARAM_NETWORK_ADDRESS to the address as 12 hexadecimal
 * digits (a string); a Hyper-V host refuses it unless MAC address
 * spoofing is allowed for the VM.
 */
#define HVLIS_RNDIS_CONFIG_PARAM_NUMERIC	0
#define HVLIS_RNDIS_CONFIG_PARAM_STRING		2
#define HVLIS_RNDIS_PARAM_NETWORK_ADDRESS	"NetworkAddress"

struct hvlis_rndis_config_param {
	u32 name_offset;
	u32 name_len;		/* bytes */
	u32 type;		/* HVLIS_RNDIS_CONFIG_PARAM_* */
	u32 value_offset;
	u32 value_len;		/* bytes */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_config_param, type, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_rndis_config_param, value_len, 16);
HVLIS_ASSERT_SIZE(struct hvlis_rndis_config_param, 20);

/* ------------------------------------------------------------ NDIS objects */

#define HVLIS_NDIS_OBJ_DEFAULT		0x80
#define HVLIS_NDIS_OBJ_RSS_CAPS		0x88
#define HVLIS_NDIS_OBJ_RSS_PARAMS	0x89
#define HVLIS_NDIS_OBJ_OFFLOAD		0xa7

struct hvlis_ndis_obj_hdr {
	u8 type;		/* HVLIS_NDIS_OBJ_* */
	u8 revision;
	u16 size;		/* bytes of the object, this header included */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_ndis_obj_hdr, 4);

/* OID_TCP_OFFLOAD_PARAMETERS (set), object type DEFAULT */
#define HVLIS_NDIS_OFFLOAD_PARAMS_REV_2	2	/* NDIS 6.1: 22 bytes */
#define HVLIS_NDIS_OFFLOAD_PARAMS_REV_3	3	/* NDIS 6.30: 28 bytes */

/* checksum fields */
#define HVLIS_NDIS_OFFLOAD_NO_CHANGE	0
#define HVLIS_NDIS_OFFLOAD_OFF		1
#define HVLIS_NDIS_OFFLOAD_TX		2
#define HVLIS_NDIS_OFFLOAD_RX		3
#define HVLIS_NDIS_OFFLOAD_TX_RX	4
/* LSOv1, LSOv2 and RSC fields */
#define HVLIS_NDIS_OFFLOAD_DISABLED	1
#define HVLIS_NDIS_OFFLOAD_ENABLED	2

struct hvlis_ndis_offload_params {
	struct hvlis_ndis_obj_hdr hdr;
	u8 ip4_csum;
	u8 tcp4_csum;
	u8 udp4_csum;
	u8 tcp6_csum;
	u8 udp6_csum;
	u8 lsov1;
	u8 ipsecv1;
	u8 lsov2_ip4;
	u8 lsov2_ip6;
	u8 tcp4_conn;		/* 0 */
	u8 tcp6_conn;		/* 0 */
	u8 pad;
	u32 flags;		/* 0 */
	/* NDIS 6.1 */
	u8 ipsecv2;
	u8 ipsecv2_ip4;
	/* NDIS 6.30 */
	u8 rsc_ip4;
	u8 rsc_ip6;
	u8 encap;
	u8 encap_types;
	u16 pad2;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload_params, lsov2_ip4, 11);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload_params, flags, 16);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload_params, rsc_ip4, 22);
HVLIS_ASSERT_SIZE(struct hvlis_ndis_offload_params, 28);

#define HVLIS_NDIS_OFFLOAD_PARAMS_SIZE_6_1 22u

/*
 * OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES (query), object type OFFLOAD. The
 * query carries the header the guest wants filled in (revision and
 * size); the answer is the object. Only its NDIS 6.0 part (revision 1,
 * HVLIS_NDIS_OFFLOAD_SIZE_6_0 bytes) is described here: Linux and FreeBSD
 * disagree on the width of the IPsec v2 fields that follow it (NDIS 6.1),
 * so hvlis neither sends nor reads anything past it.
 */
#define HVLIS_NDIS_OFFLOAD_REV_1	1	/* NDIS 6.0 */
#define HVLIS_NDIS_OFFLOAD_SIZE_6_0	112u

/* encapsulation fields */
#define HVLIS_NDIS_OFFLOAD_ENCAP_8023	0x0002u

/* ip4_txcsum / ip4_rxcsum */
#define HVLIS_NDIS_CSUM_CAP_IP4OPT	0x001u
#define HVLIS_NDIS_CSUM_CAP_TCP4OPT	0x004u
#define HVLIS_NDIS_CSUM_CAP_TCP4	0x010u
#define HVLIS_NDIS_CSUM_CAP_UDP4	0x040u
#define HVLIS_NDIS_CSUM_CAP_IP4		0x100u
/* ip6_txcsum / ip6_rxcsum */
#define HVLIS_NDIS_CSUM_CAP_IP6EXT	0x001u
#define HVLIS_NDIS_CSUM_CAP_TCP6OPT	0x004u
#define HVLIS_NDIS_CSUM_CAP_TCP6	0x010u
#define HVLIS_NDIS_CSUM_CAP_UDP6	0x040u
/* lsov2.ip6_opts */
#define HVLIS_NDIS_LSOV2_CAP_IP6EXT	0x001u
#define HVLIS_NDIS_LSOV2_CAP_TCP6OPT	0x004u

struct hvlis_ndis_offload {
	struct hvlis_ndis_obj_hdr hdr;
	/* checksum */
	u32 ip4_txenc;
	u32 ip4_txcsum;
	u32 ip4_rxenc;
	u32 ip4_rxcsum;
	u32 ip6_txenc;
	u32 ip6_txcsum;
	u32 ip6_rxenc;
	u32 ip6_rxcsum;
	/* LSOv1 */
	u32 lsov1_encap;
	u32 lsov1_maxsize;
	u32 lsov1_minsegs;
	u32 lsov1_opts;
	/* IPsec v1 */
	u32 ipsecv1[7];
	/* LSOv2 */
	u32 lsov2_ip4_encap;
	u32 lsov2_ip4_maxsz;
	u32 lsov2_ip4_minsg;
	u32 lsov2_ip6_encap;
	u32 lsov2_ip6_maxsz;
	u32 lsov2_ip6_minsg;
	u32 lsov2_ip6_opts;
	u32 flags;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, ip4_txcsum, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, ip6_txcsum, 24);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, lsov1_encap, 36);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, ipsecv1, 52);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, lsov2_ip4_encap, 80);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, lsov2_ip6_encap, 92);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_offload, flags, 108);
HVLIS_ASSERT_SIZE(struct hvlis_ndis_offload, 112);

/* OID_GEN_RECEIVE_SCALE_CAPABILITIES (query), object type RSS_CAPS */
struct hvlis_ndis_rss_caps {
	struct hvlis_ndis_obj_hdr hdr;
	u32 flags;
	u32 msi_count;
	u32 rx_queues;		/* queues the host can spread over */
	u16 table_entries;	/* revision 2 (NDIS 6.30) only */
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_caps, rx_queues, 12);
HVLIS_ASSERT_SIZE(struct hvlis_ndis_rss_caps, 18);

#define HVLIS_NDIS_RSS_CAPS_SIZE_6_0	16u

/* OID_GEN_RECEIVE_SCALE_PARAMETERS (set), object type RSS_PARAMS */
#define HVLIS_NDIS_RSS_PARAMS_REV_2	2

#define HVLIS_NDIS_RSS_FLAG_BASE_CPU_UNCHANGED	0x0001
#define HVLIS_NDIS_RSS_FLAG_HASH_UNCHANGED	0x0002
#define HVLIS_NDIS_RSS_FLAG_TABLE_UNCHANGED	0x0004
#define HVLIS_NDIS_RSS_FLAG_KEY_UNCHANGED	0x0008
#define HVLIS_NDIS_RSS_FLAG_DISABLE		0x0010

#define HVLIS_NDIS_HASH_TOEPLITZ	0x00000001u
#define HVLIS_NDIS_HASH_IPV4		0x00000100u
#define HVLIS_NDIS_HASH_TCP_IPV4	0x00000200u
#define HVLIS_NDIS_HASH_IPV6		0x00000400u
#define HVLIS_NDIS_HASH_IPV6_EX		0x00000800u
#define HVLIS_NDIS_HASH_TCP_IPV6	0x00001000u
#define HVLIS_NDIS_HASH_TCP_IPV6_EX	0x00002000u

#define HVLIS_NDIS_RSS_KEY_SIZE		40	/* Toeplitz key bytes */
#define HVLIS_NDIS_RSS_TABLE_ENTRIES	128	/* u32 queue numbers */

/* Naturally aligned on the wire (the pads are the compiler's elsewhere). */
struct hvlis_ndis_rss_params {
	struct hvlis_ndis_obj_hdr hdr;
	u16 flags;		/* HVLIS_NDIS_RSS_FLAG_* */
	u16 base_cpu;
	u32 hash_info;		/* HVLIS_NDIS_HASH_* */
	u16 table_size;		/* bytes of the indirection table */
	u16 pad1;
	u32 table_offset;	/* from this object's start */
	u16 key_size;
	u16 pad2;
	u32 key_offset;		/* from this object's start */
	u32 cpu_mask_offset;	/* NDIS 6.20 and later */
	u32 cpu_mask_count;
	u32 cpu_mask_entry_size;
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_params, hash_info, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_params, table_size, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_params, table_offset, 16);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_params, key_size, 20);
HVLIS_ASSERT_OFFSET(struct hvlis_ndis_rss_params, key_offset, 24);
HVLIS_ASSERT_SIZE(struct hvlis_ndis_rss_params, 40);

#endif
