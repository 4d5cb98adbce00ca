/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protocol-only half of hv_netvsc: building NVSP and RNDIS requests and
 * checking every byte the host sends (NVSP answers, transfer-page ranges,
 * RNDIS data and control messages, per-packet info). No kernel APIs here:
 * the same source is compiled into the userspace unit tests and fuzzers.
 *
 * Every check works on the guest's own copy of the bytes it judges; the
 * driver copies a header out of host-shared memory once and never reads
 * it there again.
 */
#ifndef HV_NETVSC_MSG_H
#define HV_NETVSC_MSG_H

#include <hvlis/nvsp_proto.h>
#include <hvlis/rndis_proto.h>
#include <hvlis/vmbus_proto.h>

/* NVSP versions to try, newest first. */
extern const u32 nvc_versions[];
extern const unsigned int nvc_nversions;

/* The NDIS version to announce once @nvsp is negotiated. */
u32 nvc_ndis_version(u32 nvsp);

int nvc_nvsp_copy(const void *buf, u32 len, struct hvlis_nvsp_msg *msg);
void nvc_nvsp_init(struct hvlis_nvsp_msg *msg, u32 type);

/* The receive buffer's one section, as the host laid it out. */
struct nvc_recv_layout {
	u32 slot_size;
	u32 slot_count;
};

int nvc_recv_buf_answer(const struct hvlis_nvsp_msg *msg, u32 len, u32 buf_size,
			struct nvc_recv_layout *out);
int nvc_send_buf_answer(const struct hvlis_nvsp_msg *msg, u32 len, u32 buf_size,
			u32 *section_size, u32 *section_count);

/* One RNDIS message in the receive buffer, checked against its size. */
struct nvc_range {
	u32 offset;
	u32 len;
};

/* Most ranges a transfer-page packet may carry (hosts send at most 562). */
#define NVC_MAX_RANGES		562u

int nvc_xfer_parse(const struct hvlis_packet_desc *desc, const void *pkt, u32 pkt_len,
		   u32 recv_buf_size,
		   struct nvc_range *ranges, u32 max_ranges, u32 *count,
		   struct hvlis_nvsp_msg *msg);

/* What the per-packet info of a received data message said. */
struct nvc_rx_info {
	u32 data_offset;	/* from the message start */
	u32 data_len;
	bool has_csum;
	u32 csum;		/* NDIS checksum info, receive bits */
	bool has_vlan;
	u32 vlan;		/* NDIS 802.1Q info (the first record's) */
	u8 vlan_ppis;		/* 802.1Q records seen (stops at 255) */
	bool vlan_short;	/* one of them with fewer than 4 bytes of value */
	bool has_hash;
	u32 hash;
};

/* Bytes of an RNDIS data message's head the driver copies and checks. */
#define NVC_RX_HEAD_MAX		256u

int nvc_rndis_type(const void *head, u32 head_len, u32 msg_len, u32 *type);
int nvc_rndis_data(const void *head, u32 head_len, u32 msg_len, struct nvc_rx_info *info);

/* A control message from the host: a completion, a status, a keepalive. */
struct nvc_rndis_ctrl {
	u32 type;
	u32 req_id;		/* completions and keepalives */
	u32 status;		/* completions and indications */
	u32 info_offset;	/* QUERY_CMPLT info / INDICATE status buffer, */
	u32 info_len;		/* from the message start, inside it */
	/* INITIALIZE_CMPLT */
	u32 max_pkts;
	u32 max_xfer;
	u32 align_shift;
};

int nvc_rndis_ctrl(const void *msg, u32 len, struct nvc_rndis_ctrl *out);

u32 nvc_rndis_data_header(void *buf, u32 room, u32 frame_len);

/* What a frame to the host asks of its offloads (per-packet info). */
struct nvc_tx_info {
	u32 csum;		/* HVLIS_NDIS_TXCSUM_* and offset; 0: none */
	u32 lso;		/* HVLIS_NDIS_LSO2_* and offset and MSS; 0: none */
	bool has_vlan;		/* an 802.1Q info record with vlan */
	u32 vlan;		/* HVLIS_NDIS_VLAN_* (nvc_vlan_info()) */
};

/* Header bytes with every per-packet info a frame may carry. */
#define NVC_TX_HDR_MAX	(44u + 3 * 16u)

u32 nvc_tx_hdr_len(const struct nvc_tx_info *ti);

u32 nvc_rndis_data_header_info(void *buf, u32 room, u32 frame_len,
			       const struct nvc_tx_info *ti);
u32 nvc_txcsum_info(bool ipv6, bool tcp, u32 thoff);
u32 nvc_lso2_info(bool ipv6, u32 thoff, u32 mss);

/* What the checksum per-packet info of a received frame says. */
enum nvc_rx_csum {
	NVC_RX_CSUM_NONE,	/* nothing checked: the stack verifies */
	NVC_RX_CSUM_OK,		/* the host found the TCP or UDP checksum good */
	NVC_RX_CSUM_FAILED,	/* the host found a checksum bad */
};

enum nvc_rx_csum nvc_rx_csum_verdict(const struct nvc_rx_info *info);

/* IEEE 802.1Q tag control information: priority, DEI (was CFI), VLAN id. */
#define NVC_TCI_PRI_SHIFT	13
#define NVC_TCI_DEI		0x1000u
#define NVC_TCI_VID_MASK	0x0fffu
#define NVC_VID_RESERVED	0x0fffu	/* VLAN id 4095: reserved, never on the wire */

u32 nvc_vlan_info(u16 tci);

/* What the 802.1Q per-packet info of a received frame says. */
enum nvc_rx_vlan {
	NVC_RX_VLAN_NONE,	/* no record: the frame as it is */
	NVC_RX_VLAN_TAG,	/* a tag to put on the frame */
	NVC_RX_VLAN_PRIO,	/* VLAN id 0 (priority only): the record is ignored */
	NVC_RX_VLAN_BAD_SIZE,	/* a value shorter than 4 bytes: frame dropped */
	NVC_RX_VLAN_DUP,	/* more than one record: frame dropped */
	NVC_RX_VLAN_BAD_ID,	/* VLAN id 4095: frame dropped */
};

enum nvc_rx_vlan nvc_rx_vlan_verdict(const struct nvc_rx_info *info, u16 *tci);

/* The offloads the host offers (OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES). */
struct nvc_offload {
	bool tx_tcp4, tx_udp4, tx_tcp6, tx_udp6;
	bool rx_tcp4, rx_udp4, rx_tcp6, rx_udp6;
	u32 lso4_max, lso4_minsegs;	/* 0: no LSOv2 over IPv4 */
	u32 lso6_max, lso6_minsegs;	/* 0: no LSOv2 over IPv6 */
};

/* LSOv2 sizes the guest accepts from a host (a GSO frame is at most 64 KiB). */
#define NVC_LSO_MIN_SIZE	4096u
#define NVC_LSO_MAX_SIZE	65535u
#define NVC_LSO_MAX_MINSEGS	16u

u32 nvc_offload_query(void *buf, u32 room);
int nvc_offload_caps(const void *info, u32 len, struct nvc_offload *out);

/* What the guest turns on (each only if offered). */
struct nvc_offload_want {
	bool tx_csum4, tx_csum6, rx_csum, lso4, lso6;
};

u32 nvc_offload_params(void *buf, u32 room, u32 ndis_version,
		       const struct nvc_offload *caps, const struct nvc_offload_want *w);
u32 nvc_rndis_oid_request(void *buf, u32 room, u32 type, u32 req_id, u32 oid,
			  const void *info, u32 info_len);
u32 nvc_rndis_init_request(void *buf, u32 room, u32 req_id, u32 max_xfer);

/* The information buffer of OID_GEN_RNDIS_CONFIG_PARAMETER setting a MAC address. */
#define NVC_MAC_PARAM_LEN	72u
u32 nvc_rndis_mac_param(void *buf, u32 room, const u8 *mac);

/* vRSS: the most receive queues a host may name (the guest uses at most 16). */
#define NVC_RSS_MAX_QUEUES	64u

int nvc_rss_caps(const void *info, u32 len, u32 *queues);
void nvc_rss_table_fill(u32 *table, u32 nqueues);
u32 nvc_rss_params(void *buf, u32 room, const u8 *key, const u32 *table);

#endif
