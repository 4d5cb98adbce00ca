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
	u32 vlan;		/* NDIS 802.1Q info */
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
