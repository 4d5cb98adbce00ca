// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc's protocol-only code (see netvsc_msg.h). Every length, offset,
 * count and index the host supplies is checked here in 64-bit arithmetic
 * before the driver uses it; the functions read only the caller's copies,
 * each field once.
 */
#include "netvsc_msg.h"

const u32 nvc_versions[] = {
	HVLIS_NVSP_V61, HVLIS_NVSP_V6, HVLIS_NVSP_V5, HVLIS_NVSP_V4,
	HVLIS_NVSP_V2, HVLIS_NVSP_V1,
};

const unsigned int nvc_nversions = ARRAY_SIZE(nvc_versions);

/**
 * nvc_ndis_version() - the NDIS version a guest announces
 * @nvsp: the negotiated NVSP version
 *
 * Return: NDIS 6.1 up to NVSP 4, NDIS 6.30 from NVSP 5 on.
 */
u32 nvc_ndis_version(u32 nvsp)
{
	return nvsp <= HVLIS_NVSP_V4 ? HVLIS_NDIS_6_1 : HVLIS_NDIS_6_30;
}

/* The fewest bytes (type included) a host message of @type can have. */
static u32 nvsp_min_len(u32 type)
{
	switch (type) {
	case HVLIS_NVSP_INIT_COMPLETE:
		return 4 + sizeof(struct hvlis_nvsp_init_complete);
	case HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE:
		return 4 + sizeof(struct hvlis_nvsp_recv_buf_complete);
	case HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE:
		return 4 + sizeof(struct hvlis_nvsp_send_buf_complete);
	case HVLIS_NVSP1_SEND_RNDIS_PKT:
		return 4 + sizeof(struct hvlis_nvsp_rndis_pkt);
	case HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE:
		return 4 + sizeof(struct hvlis_nvsp_rndis_pkt_complete);
	case HVLIS_NVSP4_SEND_VF_ASSOCIATION:
		return 4 + sizeof(struct hvlis_nvsp_vf_association);
	case HVLIS_NVSP4_SWITCH_DATA_PATH:
		return 4 + sizeof(struct hvlis_nvsp_switch_datapath);
	case HVLIS_NVSP5_SUBCHANNEL:
		return 4 + sizeof(struct hvlis_nvsp_subchannel_complete);
	case HVLIS_NVSP5_SEND_INDIRECTION_TABLE:
		return 4 + sizeof(struct hvlis_nvsp_send_table);
	default:
		return 4;
	}
}

/**
 * nvc_nvsp_copy() - take an NVSP message from the host into a zeroed copy
 * @buf: the message (a VMBus packet's payload)
 * @len: its length
 * @msg: receives at most sizeof(*msg) bytes; the rest stays zero
 *
 * Return: 0, or -EINVAL if @len is shorter than the message's type needs.
 */
int nvc_nvsp_copy(const void *buf, u32 len, struct hvlis_nvsp_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	if (!buf || len < 4)
		return -EINVAL;
	memcpy(msg, buf, len < sizeof(*msg) ? len : sizeof(*msg));
	if (len < nvsp_min_len(msg->type)) {
		memset(msg, 0, sizeof(*msg));
		return -EINVAL;
	}
	return 0;
}

/**
 * nvc_nvsp_init() - a zeroed request of @type
 * @msg: the message (always sent whole: HVLIS_NVSP_MSG_SIZE bytes)
 * @type: enum hvlis_nvsp_type
 */
void nvc_nvsp_init(struct hvlis_nvsp_msg *msg, u32 type)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = type;
}

/**
 * nvc_recv_buf_answer() - check the host's layout of the receive buffer
 * @msg: the host's SEND_RECV_BUF_COMPLETE (nvc_nvsp_copy()'d)
 * @len: its length as received
 * @buf_size: bytes of the receive buffer the guest shared
 * @out: receives the slot size and count
 *
 * Exactly one section, starting at 0, of slots no smaller than a minimum
 * Ethernet frame, ending where its slots end and inside the buffer.
 *
 * Return: 0; -EIO if the host refused; -EINVAL for any other layout.
 */
int nvc_recv_buf_answer(const struct hvlis_nvsp_msg *msg, u32 len, u32 buf_size,
			struct nvc_recv_layout *out)
{
	const struct hvlis_nvsp_recv_buf_complete *c = &msg->recv_buf_complete;
	const struct hvlis_nvsp_recv_section *s = &c->sections[0];
	u64 end;

	if (msg->type != HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE ||
	    len < nvsp_min_len(msg->type))
		return -EINVAL;
	if (c->status != HVLIS_NVSP_STATUS_SUCCESS)
		return -EIO;
	if (c->section_count != 1 || s->offset != 0 || s->slot_size < 64 ||
	    !s->slot_count)
		return -EINVAL;
	end = (u64)s->slot_size * s->slot_count;
	if (end > buf_size || s->end_offset != end)
		return -EINVAL;
	out->slot_size = s->slot_size;
	out->slot_count = s->slot_count;
	return 0;
}

/**
 * nvc_send_buf_answer() - check the host's section size for the send buffer
 * @msg: the host's SEND_SEND_BUF_COMPLETE (nvc_nvsp_copy()'d)
 * @len: its length as received
 * @buf_size: bytes of the send buffer the guest shared
 * @section_size: receives the section size
 * @section_count: receives how many whole sections the buffer holds
 *
 * Return: 0; -EIO if the host refused; -EINVAL for a section smaller than
 * a minimum frame with its RNDIS header, or larger than the buffer.
 */
int nvc_send_buf_answer(const struct hvlis_nvsp_msg *msg, u32 len, u32 buf_size,
			u32 *section_size, u32 *section_count)
{
	const struct hvlis_nvsp_send_buf_complete *c = &msg->send_buf_complete;

	if (msg->type != HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE ||
	    len < nvsp_min_len(msg->type))
		return -EINVAL;
	if (c->status != HVLIS_NVSP_STATUS_SUCCESS)
		return -EIO;
	if (c->section_size < 128 || c->section_size > buf_size)
		return -EINVAL;
	*section_size = c->section_size;
	*section_count = buf_size / c->section_size;
	return 0;
}

/**
 * nvc_xfer_parse() - check a transfer-page packet of RNDIS messages
 * @desc: the packet's descriptor, as the ring iterator validated it
 * @pkt: the packet (descriptor first) of @pkt_len bytes
 * @pkt_len: its length
 * @recv_buf_size: bytes of the receive buffer
 * @ranges: receives the ranges, each read once
 * @max_ranges: room in @ranges
 * @count: receives the number of ranges
 * @msg: receives the NVSP message (must be SEND_RNDIS_PKT)
 *
 * The transfer page set must be the receive buffer's; every range must be
 * non-empty and lie inside the receive buffer.
 *
 * Return: 0, or -EINVAL.
 */
int nvc_xfer_parse(const struct hvlis_packet_desc *desc, const void *pkt, u32 pkt_len,
		   u32 recv_buf_size, struct nvc_range *ranges, u32 max_ranges,
		   u32 *count, struct hvlis_nvsp_msg *msg)
{
	struct hvlis_xfer_page_header hdr;
	struct hvlis_xfer_page_range r;
	u32 data_off = (u32)desc->offset8 * 8, n, i;
	const u8 *p = pkt;

	*count = 0;
	if (desc->type != HVLIS_PKT_DATA_USING_XFER_PAGES ||
	    pkt_len < sizeof(hdr) || data_off > pkt_len)
		return -EINVAL;
	memcpy(&hdr, p, sizeof(hdr));
	n = hdr.range_count;
	if (hdr.xfer_pageset_id != HVLIS_NVSP_RECV_BUF_ID || !n || n > max_ranges)
		return -EINVAL;
	if ((u64)sizeof(hdr) + (u64)n * sizeof(r) > data_off)
		return -EINVAL;
	if (nvc_nvsp_copy(p + data_off, pkt_len - data_off, msg) ||
	    msg->type != HVLIS_NVSP1_SEND_RNDIS_PKT)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		memcpy(&r, p + sizeof(hdr) + i * sizeof(r), sizeof(r));
		if (!r.byte_count || (u64)r.byte_offset + r.byte_count > recv_buf_size)
			return -EINVAL;
		ranges[i].offset = r.byte_offset;
		ranges[i].len = r.byte_count;
	}
	*count = n;
	return 0;
}

/**
 * nvc_rndis_type() - the type and true length of an RNDIS message
 * @head: the guest's copy of the message's first bytes
 * @head_len: bytes in @head (at least 8 for any message)
 * @msg_len: bytes the message has where it lies (the range's length)
 * @type: receives the type
 *
 * Return: the message's own length (8 .. @msg_len), or -EINVAL.
 */
int nvc_rndis_type(const void *head, u32 head_len, u32 msg_len, u32 *type)
{
	struct hvlis_rndis_hdr h;

	if (head_len < sizeof(h) || head_len > msg_len)
		return -EINVAL;
	memcpy(&h, head, sizeof(h));
	if (h.len < sizeof(h) || h.len > msg_len || h.len > 0x7fffffff)
		return -EINVAL;
	*type = h.type;
	return (int)h.len;
}

/* [8 + off, 8 + off + len) inside [min, end): the RNDIS offset rule. */
static bool region_ok(u32 off, u32 len, u32 min, u32 end, u32 *abs)
{
	u64 a = (u64)HVLIS_RNDIS_HDR_SIZE + off;

	if (a < min || a + len > end)
		return false;
	*abs = (u32)a;
	return true;
}

/* Reads one per-packet-info value of 4 bytes, if the record carries one. */
static bool ppi_u32(const u8 *rec, u32 size, u32 data_off, u32 *val)
{
	if (size - data_off < 4)
		return false;
	memcpy(val, rec + data_off, 4);
	return true;
}

/**
 * nvc_rndis_data() - check a data message and read its per-packet info
 * @head: the guest's copy of the message's first bytes
 * @head_len: bytes in @head (at most NVC_RX_HEAD_MAX)
 * @msg_len: the message's length (nvc_rndis_type())
 * @info: receives where the frame lies and what the per-packet info says
 *
 * The frame must be non-empty and lie inside the message after the header;
 * the per-packet info must lie inside the message and inside @head, and
 * each record's size and data offset inside what is left of it.
 *
 * Return: 0, or -EINVAL.
 */
int nvc_rndis_data(const void *head, u32 head_len, u32 msg_len, struct nvc_rx_info *info)
{
	const u8 *h = head;
	struct hvlis_rndis_packet pk;
	struct hvlis_rndis_ppi rec;
	u32 ppi_abs, left, pos, val;

	memset(info, 0, sizeof(*info));
	if (head_len < sizeof(pk) || head_len > msg_len)
		return -EINVAL;
	memcpy(&pk, h, sizeof(pk));
	if (pk.hdr.type != HVLIS_RNDIS_PACKET_MSG || pk.hdr.len != msg_len)
		return -EINVAL;
	if (!pk.data_len ||
	    !region_ok(pk.data_offset, pk.data_len, sizeof(pk), msg_len, &info->data_offset))
		return -EINVAL;
	info->data_len = pk.data_len;
	if (!pk.ppi_len)
		return 0;
	if (!region_ok(pk.ppi_offset, pk.ppi_len, sizeof(pk), head_len, &ppi_abs))
		return -EINVAL;
	pos = ppi_abs;
	left = pk.ppi_len;
	while (left) {
		if (left < sizeof(rec))
			return -EINVAL;
		memcpy(&rec, h + pos, sizeof(rec));
		if (rec.size < sizeof(rec) || rec.size > left ||
		    rec.data_offset < sizeof(rec) || rec.data_offset > rec.size)
			return -EINVAL;
		if (!(rec.type & HVLIS_RNDIS_PPI_INTERNAL)) {
			switch (rec.type) {
			case HVLIS_PPI_CSUM:
				info->has_csum = ppi_u32(h + pos, rec.size, rec.data_offset, &val);
				info->csum = info->has_csum ? val : 0;
				break;
			case HVLIS_PPI_VLAN:
				/* every record counts; the first one's value is kept */
				if (info->vlan_ppis < 255)
					info->vlan_ppis++;
				if (!ppi_u32(h + pos, rec.size, rec.data_offset, &val))
					info->vlan_short = true;
				else if (!info->has_vlan)
					info->vlan = val;
				info->has_vlan = true;
				break;
			case HVLIS_PPI_HASH_VALUE:
				info->has_hash = ppi_u32(h + pos, rec.size, rec.data_offset, &val);
				info->hash = info->has_hash ? val : 0;
				break;
			default:
				break;
			}
		}
		pos += rec.size;
		left -= rec.size;
	}
	return 0;
}

/**
 * nvc_rndis_ctrl() - check a control message from the host
 * @msg: the guest's copy of the whole message
 * @len: bytes in @msg
 * @out: receives its fields; info_offset/info_len are absolute and inside
 *
 * Return: 0; -EINVAL if malformed; -EOPNOTSUPP for a type a host never
 * sends a guest.
 */
int nvc_rndis_ctrl(const void *msg, u32 len, struct nvc_rndis_ctrl *out)
{
	u32 w[13] = { 0 };	/* the longest control message, 52 bytes */
	u32 mlen, type, min, abs;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = nvc_rndis_type(msg, len, len, &type);
	if (ret < 0)
		return ret;
	mlen = (u32)ret;
	memcpy(w, msg, mlen < sizeof(w) ? mlen : sizeof(w));
	out->type = type;
	switch (type) {
	case HVLIS_RNDIS_INITIALIZE_CMPLT:
		min = offsetof(struct hvlis_rndis_init_cmplt, af_list_offset);
		break;
	case HVLIS_RNDIS_QUERY_CMPLT:
		min = sizeof(struct hvlis_rndis_query_cmplt);
		break;
	case HVLIS_RNDIS_SET_CMPLT:
	case HVLIS_RNDIS_KEEPALIVE_CMPLT:
	case HVLIS_RNDIS_RESET_CMPLT:
		min = sizeof(struct hvlis_rndis_cmplt);
		break;
	case HVLIS_RNDIS_INDICATE_STATUS_MSG:
		min = sizeof(struct hvlis_rndis_indicate);
		break;
	case HVLIS_RNDIS_KEEPALIVE_MSG:
		min = sizeof(struct hvlis_rndis_keepalive);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (mlen < min)
		return -EINVAL;
	switch (type) {
	case HVLIS_RNDIS_INDICATE_STATUS_MSG:
		out->status = w[2];
		if (w[3] && !region_ok(w[4], w[3], min, mlen, &abs))
			return -EINVAL;
		out->info_len = w[3];
		out->info_offset = w[3] ? abs : 0;
		return 0;
	case HVLIS_RNDIS_RESET_CMPLT:
		out->status = w[2];
		return 0;
	case HVLIS_RNDIS_KEEPALIVE_MSG:
		out->req_id = w[2];
		return 0;
	}
	out->req_id = w[2];
	out->status = w[3];
	if (type == HVLIS_RNDIS_QUERY_CMPLT) {
		if (w[4] && !region_ok(w[5], w[4], min, mlen, &abs))
			return -EINVAL;
		out->info_len = w[4];
		out->info_offset = w[4] ? abs : 0;
	} else if (type == HVLIS_RNDIS_INITIALIZE_CMPLT) {
		out->max_pkts = w[8];
		out->max_xfer = w[9];
		out->align_shift = w[10];
	}
	return 0;
}

/**
 * nvc_rndis_data_header() - the RNDIS header of one outgoing frame
 * @buf: where the header goes; the frame follows it directly
 * @room: bytes at @buf
 * @frame_len: the frame's length
 *
 * Return: the header's length (the frame's offset from @buf), or 0 if
 * @room is too small.
 */
u32 nvc_rndis_data_header(void *buf, u32 room, u32 frame_len)
{
	static const struct nvc_tx_info none;

	return nvc_rndis_data_header_info(buf, room, frame_len, &none);
}

/* One per-packet-info record of a u32 value at @p; returns its size. */
static u32 ppi_put(u8 *p, u32 type, u32 val)
{
	struct hvlis_rndis_ppi rec;

	rec.size = sizeof(rec) + sizeof(val);
	rec.type = type;
	rec.data_offset = sizeof(rec);
	memcpy(p, &rec, sizeof(rec));
	memcpy(p + sizeof(rec), &val, sizeof(val));
	return rec.size;
}

/**
 * nvc_tx_hdr_len() - the RNDIS header length of a frame with offloads
 * @ti: the per-packet info it carries
 *
 * Return: the data message's header and one 16-byte record per
 * per-packet info (at most NVC_TX_HDR_MAX).
 */
u32 nvc_tx_hdr_len(const struct nvc_tx_info *ti)
{
	return (u32)sizeof(struct hvlis_rndis_packet) + (ti->csum ? 16 : 0) +
	       (ti->lso ? 16 : 0) + (ti->has_vlan ? 16 : 0);
}

/**
 * nvc_rndis_data_header_info() - the RNDIS header of a frame with offloads
 * @buf: where the header goes; the frame follows it directly
 * @room: bytes at @buf
 * @frame_len: the frame's length
 * @ti: the checksum, LSOv2 and 802.1Q per-packet info to send (0 or
 *	!has_vlan: none)
 *
 * The per-packet-info records follow the data message's header, the frame
 * follows them.
 *
 * Return: the header's length (the frame's offset from @buf, at most
 * NVC_TX_HDR_MAX), or 0 if @room is too small.
 */
u32 nvc_rndis_data_header_info(void *buf, u32 room, u32 frame_len,
			       const struct nvc_tx_info *ti)
{
	struct hvlis_rndis_packet pk;
	u8 *o = buf;
	u32 pl = 0, need;

	need = nvc_tx_hdr_len(ti);
	if (room < need || frame_len > 0x7fffffff - need)
		return 0;
	if (ti->csum)
		pl += ppi_put(o + sizeof(pk) + pl, HVLIS_PPI_CSUM, ti->csum);
	if (ti->lso)
		pl += ppi_put(o + sizeof(pk) + pl, HVLIS_PPI_LSO, ti->lso);
	if (ti->has_vlan)
		pl += ppi_put(o + sizeof(pk) + pl, HVLIS_PPI_VLAN, ti->vlan);
	memset(&pk, 0, sizeof(pk));
	pk.hdr.type = HVLIS_RNDIS_PACKET_MSG;
	pk.hdr.len = need + frame_len;
	pk.data_offset = need - HVLIS_RNDIS_HDR_SIZE;
	pk.data_len = frame_len;
	if (pl) {
		pk.ppi_offset = sizeof(pk) - HVLIS_RNDIS_HDR_SIZE;
		pk.ppi_len = pl;
	}
	memcpy(o, &pk, sizeof(pk));
	return need;
}

/**
 * nvc_txcsum_info() - the checksum per-packet info of a frame to the host
 * @ipv6: the frame is IPv6 (else IPv4)
 * @tcp: the host is to compute a TCP checksum (else UDP)
 * @thoff: the transport header's offset from the frame start
 *
 * Return: the value, or 0 if @thoff does not fit its 10 bits.
 */
u32 nvc_txcsum_info(bool ipv6, bool tcp, u32 thoff)
{
	if (thoff > (HVLIS_NDIS_TXCSUM_THOFF_MASK >> HVLIS_NDIS_TXCSUM_THOFF_SHIFT))
		return 0;
	return (ipv6 ? HVLIS_NDIS_TXCSUM_IPV6 : HVLIS_NDIS_TXCSUM_IPV4) |
	       (tcp ? HVLIS_NDIS_TXCSUM_TCP : HVLIS_NDIS_TXCSUM_UDP) |
	       thoff << HVLIS_NDIS_TXCSUM_THOFF_SHIFT;
}

/**
 * nvc_lso2_info() - the LSOv2 per-packet info of a frame to the host
 * @ipv6: the frame is IPv6 (else IPv4)
 * @thoff: the TCP header's offset from the frame start
 * @mss: the segment size
 *
 * Return: the value, or 0 if @thoff or @mss do not fit (or @mss is 0).
 */
u32 nvc_lso2_info(bool ipv6, u32 thoff, u32 mss)
{
	if (!mss || mss > HVLIS_NDIS_LSO2_MSS_MASK ||
	    thoff > (HVLIS_NDIS_LSO2_THOFF_MASK >> HVLIS_NDIS_LSO2_THOFF_SHIFT))
		return 0;
	return mss | thoff << HVLIS_NDIS_LSO2_THOFF_SHIFT | HVLIS_NDIS_LSO2_TYPE |
	       (ipv6 ? HVLIS_NDIS_LSO2_IPV6 : 0);
}

/**
 * nvc_rx_csum_verdict() - what a received frame's checksum info says
 * @info: nvc_rndis_data()'s result
 *
 * Any "failed" bit wins over any "succeeded" bit: a frame the host says
 * is bad is never taken as checked.
 *
 * Return: NVC_RX_CSUM_OK when the TCP or UDP checksum succeeded and
 * nothing failed; NVC_RX_CSUM_FAILED when anything failed; else
 * NVC_RX_CSUM_NONE.
 */
enum nvc_rx_csum nvc_rx_csum_verdict(const struct nvc_rx_info *info)
{
	const u32 failed = HVLIS_NDIS_RXCSUM_TCP_FAILED | HVLIS_NDIS_RXCSUM_UDP_FAILED |
			   HVLIS_NDIS_RXCSUM_IP_FAILED;
	const u32 ok = HVLIS_NDIS_RXCSUM_TCP_OK | HVLIS_NDIS_RXCSUM_UDP_OK;

	if (!info->has_csum)
		return NVC_RX_CSUM_NONE;
	if (info->csum & failed)
		return NVC_RX_CSUM_FAILED;
	return info->csum & ok ? NVC_RX_CSUM_OK : NVC_RX_CSUM_NONE;
}

/**
 * nvc_vlan_info() - the 802.1Q per-packet info of a tagged frame to the host
 * @tci: the tag's control information (priority, DEI, VLAN id)
 *
 * Return: the NDIS value: priority in bits 0..2, DEI (CFI) in bit 3, the
 * VLAN id in bits 4..15, the upper 16 bits zero.
 */
u32 nvc_vlan_info(u16 tci)
{
	u32 pri = tci >> NVC_TCI_PRI_SHIFT, vid = tci & NVC_TCI_VID_MASK;

	return (pri & HVLIS_NDIS_VLAN_PRI_MASK) | (tci & NVC_TCI_DEI ? HVLIS_NDIS_VLAN_CFI : 0) |
	       vid << HVLIS_NDIS_VLAN_ID_SHIFT;
}

/**
 * nvc_rx_vlan_verdict() - what a received frame's 802.1Q info says
 * @info: nvc_rndis_data()'s result
 * @tci: receives the tag's control information (NVC_RX_VLAN_TAG only)
 *
 * A host sends one 4-byte record at most. More than one, or one whose
 * value is cut short, is hostile and the frame is dropped, as is one
 * naming the reserved VLAN id 4095. VLAN id 0 carries only a priority:
 * the record is ignored and the frame delivered as it is. The upper 16
 * bits of the value are reserved and not looked at.
 *
 * Return: the verdict (enum nvc_rx_vlan).
 */
enum nvc_rx_vlan nvc_rx_vlan_verdict(const struct nvc_rx_info *info, u16 *tci)
{
	u32 vid, pri;

	*tci = 0;
	if (!info->has_vlan)
		return NVC_RX_VLAN_NONE;
	if (info->vlan_ppis > 1)
		return NVC_RX_VLAN_DUP;
	if (info->vlan_short)
		return NVC_RX_VLAN_BAD_SIZE;
	vid = (info->vlan & HVLIS_NDIS_VLAN_ID_MASK) >> HVLIS_NDIS_VLAN_ID_SHIFT;
	pri = info->vlan & HVLIS_NDIS_VLAN_PRI_MASK;
	if (vid == NVC_VID_RESERVED)
		return NVC_RX_VLAN_BAD_ID;
	if (!vid)
		return NVC_RX_VLAN_PRIO;
	*tci = (u16)(vid | pri << NVC_TCI_PRI_SHIFT |
		     (info->vlan & HVLIS_NDIS_VLAN_CFI ? NVC_TCI_DEI : 0));
	return NVC_RX_VLAN_TAG;
}

/**
 * nvc_offload_query() - the information buffer of the capabilities query
 * @buf: where it goes
 * @room: bytes at @buf
 *
 * An offload object header asking for the NDIS 6.0 object (revision 1,
 * HVLIS_NDIS_OFFLOAD_SIZE_6_0 bytes), the rest zero.
 *
 * Return: its length, or 0 if @room is too small.
 */
u32 nvc_offload_query(void *buf, u32 room)
{
	struct hvlis_ndis_offload o;

	if (room < sizeof(o))
		return 0;
	memset(&o, 0, sizeof(o));
	o.hdr.type = HVLIS_NDIS_OBJ_OFFLOAD;
	o.hdr.revision = HVLIS_NDIS_OFFLOAD_REV_1;
	o.hdr.size = sizeof(o);
	memcpy(buf, &o, sizeof(o));
	return sizeof(o);
}

/* An LSOv2 direction's sizes, if the host offers it sanely; else 0, 0. */
static void lso_caps(u32 encap, u32 maxsz, u32 minsg, u32 *max, u32 *minsegs)
{
	*max = 0;
	*minsegs = 0;
	if (!(encap & HVLIS_NDIS_OFFLOAD_ENCAP_8023) || maxsz < NVC_LSO_MIN_SIZE ||
	    minsg > NVC_LSO_MAX_MINSEGS)
		return;
	*max = maxsz < NVC_LSO_MAX_SIZE ? maxsz : NVC_LSO_MAX_SIZE;
	*minsegs = minsg ? minsg : 1;
}

/**
 * nvc_offload_caps() - check the host's answer to the capabilities query
 * @info: the query's information buffer (the guest's copy)
 * @len: its length
 * @out: receives what the guest may use
 *
 * The object must be an offload object of revision 1 or later with at
 * least the NDIS 6.0 size, its own size inside @len; only its NDIS 6.0
 * part is read. Checksum offload counts for TCP or UDP only with the
 * matching bit; LSOv2 for a direction only with checksum offload of TCP
 * for it (segments need their checksums), Ethernet encapsulation, a
 * maximum of at least NVC_LSO_MIN_SIZE (taken down to NVC_LSO_MAX_SIZE)
 * and at most NVC_LSO_MAX_MINSEGS minimum segments; anything else leaves
 * that offload off rather than failing.
 *
 * Return: 0, or -EINVAL for a malformed object (no offload then).
 */
int nvc_offload_caps(const void *info, u32 len, struct nvc_offload *out)
{
	struct hvlis_ndis_offload o;

	memset(out, 0, sizeof(*out));
	if (!info || len < sizeof(o))
		return -EINVAL;
	memcpy(&o, info, sizeof(o));
	if (o.hdr.type != HVLIS_NDIS_OBJ_OFFLOAD || o.hdr.revision < HVLIS_NDIS_OFFLOAD_REV_1 ||
	    o.hdr.size < sizeof(o) || o.hdr.size > len)
		return -EINVAL;
	out->tx_tcp4 = o.ip4_txcsum & HVLIS_NDIS_CSUM_CAP_TCP4;
	out->tx_udp4 = o.ip4_txcsum & HVLIS_NDIS_CSUM_CAP_UDP4;
	out->tx_tcp6 = o.ip6_txcsum & HVLIS_NDIS_CSUM_CAP_TCP6;
	out->tx_udp6 = o.ip6_txcsum & HVLIS_NDIS_CSUM_CAP_UDP6;
	out->rx_tcp4 = o.ip4_rxcsum & HVLIS_NDIS_CSUM_CAP_TCP4;
	out->rx_udp4 = o.ip4_rxcsum & HVLIS_NDIS_CSUM_CAP_UDP4;
	out->rx_tcp6 = o.ip6_rxcsum & HVLIS_NDIS_CSUM_CAP_TCP6;
	out->rx_udp6 = o.ip6_rxcsum & HVLIS_NDIS_CSUM_CAP_UDP6;
	if (out->tx_tcp4)
		lso_caps(o.lsov2_ip4_encap, o.lsov2_ip4_maxsz, o.lsov2_ip4_minsg,
			 &out->lso4_max, &out->lso4_minsegs);
	if (out->tx_tcp6)
		lso_caps(o.lsov2_ip6_encap, o.lsov2_ip6_maxsz, o.lsov2_ip6_minsg,
			 &out->lso6_max, &out->lso6_minsegs);
	return 0;
}

/* A checksum field: TX, RX, both or off. */
static u8 csum_param(bool tx, bool rx)
{
	if (tx && rx)
		return HVLIS_NDIS_OFFLOAD_TX_RX;
	if (tx)
		return HVLIS_NDIS_OFFLOAD_TX;
	return rx ? HVLIS_NDIS_OFFLOAD_RX : HVLIS_NDIS_OFFLOAD_OFF;
}

/**
 * nvc_offload_params() - the OID_TCP_OFFLOAD_PARAMETERS value
 * @buf: where it goes
 * @room: bytes at @buf
 * @ndis_version: the NDIS version the guest announced
 * @caps: what the host offers (nvc_offload_caps())
 * @w: what the guest wants on
 *
 * Every checksum and LSOv2 field is set (on only where both @w and @caps
 * say so; "off" otherwise), LSOv1, IPsec and RSC are left unchanged.
 * Revision 2 (NDIS 6.1, HVLIS_NDIS_OFFLOAD_PARAMS_SIZE_6_1 bytes) before
 * NDIS 6.30, revision 3 (the whole object) from it on.
 *
 * Return: its length, or 0 if @room is too small.
 */
u32 nvc_offload_params(void *buf, u32 room, u32 ndis_version,
		       const struct nvc_offload *caps, const struct nvc_offload_want *w)
{
	struct hvlis_ndis_offload_params p;
	u32 size = ndis_version >= HVLIS_NDIS_6_30 ? sizeof(p) : HVLIS_NDIS_OFFLOAD_PARAMS_SIZE_6_1;

	if (room < size)
		return 0;
	memset(&p, 0, sizeof(p));
	p.hdr.type = HVLIS_NDIS_OBJ_DEFAULT;
	p.hdr.revision = ndis_version >= HVLIS_NDIS_6_30 ? HVLIS_NDIS_OFFLOAD_PARAMS_REV_3 :
			 HVLIS_NDIS_OFFLOAD_PARAMS_REV_2;
	p.hdr.size = size;
	p.tcp4_csum = csum_param(w->tx_csum4 && caps->tx_tcp4, w->rx_csum && caps->rx_tcp4);
	p.udp4_csum = csum_param(w->tx_csum4 && caps->tx_udp4, w->rx_csum && caps->rx_udp4);
	p.tcp6_csum = csum_param(w->tx_csum6 && caps->tx_tcp6, w->rx_csum && caps->rx_tcp6);
	p.udp6_csum = csum_param(w->tx_csum6 && caps->tx_udp6, w->rx_csum && caps->rx_udp6);
	p.lsov2_ip4 = w->lso4 && w->tx_csum4 && caps->lso4_max ? HVLIS_NDIS_OFFLOAD_ENABLED :
		      HVLIS_NDIS_OFFLOAD_DISABLED;
	p.lsov2_ip6 = w->lso6 && w->tx_csum6 && caps->lso6_max ? HVLIS_NDIS_OFFLOAD_ENABLED :
		      HVLIS_NDIS_OFFLOAD_DISABLED;
	memcpy(buf, &p, size);
	return size;
}

/**
 * nvc_rndis_oid_request() - a QUERY_MSG or SET_MSG for @oid
 * @buf: where the message goes
 * @room: bytes at @buf
 * @type: HVLIS_RNDIS_QUERY_MSG or HVLIS_RNDIS_SET_MSG
 * @req_id: the guest's request id, echoed in the completion
 * @oid: the object
 * @info: a set's value (NULL for a query)
 * @info_len: its length
 *
 * Return: the message's length, or 0 if it does not fit in @room.
 */
u32 nvc_rndis_oid_request(void *buf, u32 room, u32 type, u32 req_id, u32 oid,
			  const void *info, u32 info_len)
{
	struct hvlis_rndis_oid_req r;

	if (room < sizeof(r) || info_len > room - sizeof(r))
		return 0;
	memset(&r, 0, sizeof(r));
	r.hdr.type = type;
	r.hdr.len = sizeof(r) + info_len;
	r.req_id = req_id;
	r.oid = oid;
	r.info_len = info_len;
	r.info_offset = HVLIS_RNDIS_OID_REQ_INFO_OFFSET;
	memcpy(buf, &r, sizeof(r));
	if (info_len)
		memcpy((u8 *)buf + sizeof(r), info, info_len);
	return r.hdr.len;
}

/**
 * nvc_rndis_init_request() - the RNDIS INITIALIZE_MSG
 * @buf: where the message goes
 * @room: bytes at @buf
 * @req_id: the guest's request id
 * @max_xfer: the largest message the guest accepts
 *
 * Return: the message's length, or 0 if it does not fit in @room.
 */
u32 nvc_rndis_init_request(void *buf, u32 room, u32 req_id, u32 max_xfer)
{
	struct hvlis_rndis_init_req r;

	if (room < sizeof(r))
		return 0;
	memset(&r, 0, sizeof(r));
	r.hdr.type = HVLIS_RNDIS_INITIALIZE_MSG;
	r.hdr.len = sizeof(r);
	r.req_id = req_id;
	r.major = HVLIS_RNDIS_MAJOR;
	r.minor = HVLIS_RNDIS_MINOR;
	r.max_xfer_size = max_xfer;
	memcpy(buf, &r, sizeof(r));
	return sizeof(r);
}

/* Puts the ASCII string @s as UTF-16LE at @dst; returns the bytes written. */
static u32 put_utf16le(u8 *dst, const char *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = (u8)s[i];
		dst[2 * i + 1] = 0;
	}
	return 2 * n;
}

/**
 * nvc_rndis_mac_param() - the device parameter that sets a MAC address
 * @buf: where the information buffer of OID_GEN_RNDIS_CONFIG_PARAMETER goes
 * @room: bytes at @buf
 * @mac: the address (6 bytes)
 *
 * The parameter HVLIS_RNDIS_PARAM_NETWORK_ADDRESS, of string type, whose
 * value is the address as 12 lower-case hexadecimal digits; name and value
 * in UTF-16LE right after the parameter header.
 *
 * Return: its length (NVC_MAC_PARAM_LEN), or 0 if @room is too small.
 */
u32 nvc_rndis_mac_param(void *buf, u32 room, const u8 *mac)
{
	static const char name[] = HVLIS_RNDIS_PARAM_NETWORK_ADDRESS;
	static const char hex[] = "0123456789abcdef";
	struct hvlis_rndis_config_param p;
	char digits[12];
	u8 *o = buf;
	u32 i;

	if (room < NVC_MAC_PARAM_LEN)
		return 0;
	for (i = 0; i < 6; i++) {
		digits[2 * i] = hex[mac[i] >> 4];
		digits[2 * i + 1] = hex[mac[i] & 0xf];
	}
	memset(&p, 0, sizeof(p));
	p.name_offset = sizeof(p);
	p.name_len = 2 * (sizeof(name) - 1);
	p.type = HVLIS_RNDIS_CONFIG_PARAM_STRING;
	p.value_offset = p.name_offset + p.name_len;
	p.value_len = 2 * sizeof(digits);
	memcpy(o, &p, sizeof(p));
	put_utf16le(o + p.name_offset, name, sizeof(name) - 1);
	put_utf16le(o + p.value_offset, digits, sizeof(digits));
	return p.value_offset + p.value_len;
}

/**
 * nvc_rss_caps() - check the host's answer to OID_GEN_RECEIVE_SCALE_CAPABILITIES
 * @info: the query's information buffer (the guest's copy)
 * @len: its length
 * @queues: receives the receive queues the host can spread frames over
 *
 * The object must be an RSS capabilities object of at least the NDIS 6.0
 * size, its own size inside @len, naming 1 to 64 queues; with revision 2
 * and the room for it, the indirection table it supports must hold at
 * least HVLIS_NDIS_RSS_TABLE_ENTRIES entries (the table the guest sends).
 *
 * Return: 0, or -EINVAL for anything else.
 */
int nvc_rss_caps(const void *info, u32 len, u32 *queues)
{
	struct hvlis_ndis_rss_caps c;

	if (!info || len < HVLIS_NDIS_RSS_CAPS_SIZE_6_0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	memcpy(&c, info, len < sizeof(c) ? len : sizeof(c));
	if (c.hdr.type != HVLIS_NDIS_OBJ_RSS_CAPS || c.hdr.size < HVLIS_NDIS_RSS_CAPS_SIZE_6_0 ||
	    c.hdr.size > len)
		return -EINVAL;
	if (!c.rx_queues || c.rx_queues > NVC_RSS_MAX_QUEUES)
		return -EINVAL;
	if (c.hdr.revision >= 2 && c.hdr.size >= sizeof(c) &&
	    c.table_entries < HVLIS_NDIS_RSS_TABLE_ENTRIES)
		return -EINVAL;
	*queues = c.rx_queues;
	return 0;
}

/**
 * nvc_rss_table_fill() - an indirection table spreading over @nqueues
 * @table: HVLIS_NDIS_RSS_TABLE_ENTRIES entries
 * @nqueues: channels to spread over (1 to NVC_RSS_MAX_QUEUES; 0 counts as 1)
 *
 * Entry i names channel i % @nqueues (0 is the primary).
 */
void nvc_rss_table_fill(u32 *table, u32 nqueues)
{
	u32 i;

	if (!nqueues)
		nqueues = 1;
	for (i = 0; i < HVLIS_NDIS_RSS_TABLE_ENTRIES; i++)
		table[i] = i % nqueues;
}

/**
 * nvc_rss_params() - the OID_GEN_RECEIVE_SCALE_PARAMETERS value
 * @buf: where it goes
 * @room: bytes at @buf
 * @key: the Toeplitz key (HVLIS_NDIS_RSS_KEY_SIZE bytes)
 * @table: the indirection table (HVLIS_NDIS_RSS_TABLE_ENTRIES channel numbers)
 *
 * The parameters object (revision 2), the table right after it, then the
 * key; hashing over IPv4 and IPv6 addresses and TCP ports with Toeplitz.
 *
 * Return: its length, or 0 if it does not fit in @room.
 */
u32 nvc_rss_params(void *buf, u32 room, const u8 *key, const u32 *table)
{
	const u32 tsize = HVLIS_NDIS_RSS_TABLE_ENTRIES * 4;
	struct hvlis_ndis_rss_params p;
	u32 total = sizeof(p) + tsize + HVLIS_NDIS_RSS_KEY_SIZE;

	if (room < total)
		return 0;
	memset(&p, 0, sizeof(p));
	p.hdr.type = HVLIS_NDIS_OBJ_RSS_PARAMS;
	p.hdr.revision = HVLIS_NDIS_RSS_PARAMS_REV_2;
	p.hdr.size = sizeof(p);
	p.hash_info = HVLIS_NDIS_HASH_TOEPLITZ | HVLIS_NDIS_HASH_IPV4 |
		      HVLIS_NDIS_HASH_TCP_IPV4 | HVLIS_NDIS_HASH_IPV6 |
		      HVLIS_NDIS_HASH_TCP_IPV6;
	p.table_size = tsize;
	p.table_offset = sizeof(p);
	p.key_size = HVLIS_NDIS_RSS_KEY_SIZE;
	p.key_offset = sizeof(p) + tsize;
	memcpy(buf, &p, sizeof(p));
	memcpy((u8 *)buf + p.table_offset, table, tsize);
	memcpy((u8 *)buf + p.key_offset, key, HVLIS_NDIS_RSS_KEY_SIZE);
	return total;
}
