// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_netvsc's checks of what the host sends
 * (modules/proto/netvsc_msg.c). Input layout:
 *   byte 0     which parser: 0 an NVSP message (and the buffer answers),
 *              1 a transfer-page packet (descriptor first), 2 an RNDIS
 *              data message, 3 an RNDIS control message, 4 the
 *              information buffer of an RSS capabilities answer (value % 5)
 *   the rest   the host's bytes, in a heap buffer of exactly their length
 *              (at most NVC_FUZZ_MAX; longer inputs are cut)
 * Whatever passes is held to the protocol's rules, restated here: ranges
 * lie in the receive buffer, frames and information buffers inside their
 * message and past its header, buffer layouts inside the buffer; an
 * 802.1Q tag only from one whole record with a VLAN id of 1..4094.
 */
#include "netvsc_msg.h"
#include <hvlis/ring.h>

#include <stdio.h>
#include <stdlib.h>

#define NVC_FUZZ_MAX	4608	/* a transfer-page packet of 562 ranges */
#define NVC_FUZZ_RBUF	(1u << 20)

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_netvsc:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

static struct nvc_range ranges[NVC_MAX_RANGES];
static u16 tci_out;

static void nvsp(const u8 *b, u32 len)
{
	struct hvlis_nvsp_msg m;
	struct nvc_recv_layout l;
	u32 size, count;

	if (nvc_nvsp_copy(b, len, &m))
		return;
	if (!nvc_recv_buf_answer(&m, len, NVC_FUZZ_RBUF, &l)) {
		ASSERT(l.slot_size >= 64 && l.slot_count);
		ASSERT((u64)l.slot_size * l.slot_count <= NVC_FUZZ_RBUF);
	}
	if (!nvc_send_buf_answer(&m, len, NVC_FUZZ_RBUF, &size, &count)) {
		ASSERT(size >= 128 && count >= 1);
		ASSERT((u64)size * count <= NVC_FUZZ_RBUF);
	}
}

static void xfer(const u8 *b, u32 len)
{
	struct hvlis_packet_desc d;
	struct hvlis_nvsp_msg m;
	u32 n = 0, i;

	if (len < sizeof(d))
		return;
	memcpy(&d, b, sizeof(d));
	/* What the ring iterator guarantees before the driver sees it. */
	if (hvlis_packet_validate(&d, len))
		return;
	len = (u32)d.len8 * 8;
	if (nvc_xfer_parse(&d, b, len, NVC_FUZZ_RBUF, ranges, NVC_MAX_RANGES, &n, &m)) {
		ASSERT(n == 0);
		return;
	}
	ASSERT(n >= 1 && n <= NVC_MAX_RANGES);
	ASSERT(m.type == HVLIS_NVSP1_SEND_RNDIS_PKT);
	for (i = 0; i < n; i++)
		ASSERT(ranges[i].len && (u64)ranges[i].offset + ranges[i].len <= NVC_FUZZ_RBUF);
}

static void vlan_check(const struct nvc_rx_info *info)
{
	enum nvc_rx_vlan v = nvc_rx_vlan_verdict(info, &tci_out);
	u32 vid = (info->vlan & HVLIS_NDIS_VLAN_ID_MASK) >> HVLIS_NDIS_VLAN_ID_SHIFT;

	if (v != NVC_RX_VLAN_TAG) {
		ASSERT(tci_out == 0);
		ASSERT(v != NVC_RX_VLAN_NONE || !info->has_vlan);
		return;
	}
	ASSERT(info->has_vlan && info->vlan_ppis == 1 && !info->vlan_short);
	ASSERT(vid != 0 && vid != NVC_VID_RESERVED);
	ASSERT((tci_out & NVC_TCI_VID_MASK) == vid);
	ASSERT(tci_out >> NVC_TCI_PRI_SHIFT == (info->vlan & HVLIS_NDIS_VLAN_PRI_MASK));
	ASSERT(!(tci_out & NVC_TCI_DEI) == !(info->vlan & HVLIS_NDIS_VLAN_CFI));
	/* What the guest would send back for this tag is the same value. */
	ASSERT(nvc_vlan_info(tci_out) == (info->vlan & 0xffffu));
}

static void data(const u8 *b, u32 len)
{
	struct nvc_rx_info info;
	u32 type, head = len < NVC_RX_HEAD_MAX ? len : NVC_RX_HEAD_MAX;
	int mlen = nvc_rndis_type(b, head, len, &type);

	if (mlen < 0)
		return;
	ASSERT((u32)mlen <= len && mlen >= 8);
	if (head > (u32)mlen)
		head = (u32)mlen;
	if (nvc_rndis_data(b, head, (u32)mlen, &info))
		return;
	ASSERT(type == HVLIS_RNDIS_PACKET_MSG);
	ASSERT(info.data_len && info.data_offset >= sizeof(struct hvlis_rndis_packet));
	ASSERT((u64)info.data_offset + info.data_len <= (u32)mlen);
	/* A checksum "failed" bit is never read as checked. */
	if (nvc_rx_csum_verdict(&info) == NVC_RX_CSUM_OK)
		ASSERT(info.has_csum && !(info.csum & (HVLIS_NDIS_RXCSUM_TCP_FAILED |
						       HVLIS_NDIS_RXCSUM_UDP_FAILED |
						       HVLIS_NDIS_RXCSUM_IP_FAILED)));
	/* 802.1Q: only a single, whole record naming a VLAN id 1..4094 tags a frame. */
	vlan_check(&info);
}

static void ctrl(const u8 *b, u32 len)
{
	struct nvc_rndis_ctrl c;

	if (nvc_rndis_ctrl(b, len, &c))
		return;
	if (c.info_len) {
		ASSERT(c.info_offset >= 20);
		ASSERT((u64)c.info_offset + c.info_len <= len);
	}
}

static void rss_caps(const u8 *b, u32 len)
{
	u32 q = 0;

	if (nvc_rss_caps(b, len, &q))
		return;
	ASSERT(len >= HVLIS_NDIS_RSS_CAPS_SIZE_6_0);
	ASSERT(b[0] == HVLIS_NDIS_OBJ_RSS_CAPS);
	ASSERT(q >= 1 && q <= NVC_RSS_MAX_QUEUES);
}

static void offload_caps(const u8 *b, u32 len)
{
	struct nvc_offload c;
	struct hvlis_ndis_offload_params p;
	struct nvc_offload_want w = { true, true, true, true, true };
	u8 out[sizeof(p)];

	if (nvc_offload_caps(b, len, &c)) {
		ASSERT(!c.tx_tcp4 && !c.lso4_max && !c.lso6_max);
		return;
	}
	ASSERT(len >= HVLIS_NDIS_OFFLOAD_SIZE_6_0 && b[0] == HVLIS_NDIS_OBJ_OFFLOAD);
	ASSERT(!c.lso4_max || (c.tx_tcp4 && c.lso4_max >= NVC_LSO_MIN_SIZE &&
			       c.lso4_max <= NVC_LSO_MAX_SIZE && c.lso4_minsegs >= 1 &&
			       c.lso4_minsegs <= NVC_LSO_MAX_MINSEGS));
	ASSERT(!c.lso6_max || (c.tx_tcp6 && c.lso6_max >= NVC_LSO_MIN_SIZE &&
			       c.lso6_max <= NVC_LSO_MAX_SIZE && c.lso6_minsegs >= 1 &&
			       c.lso6_minsegs <= NVC_LSO_MAX_MINSEGS));
	ASSERT(nvc_offload_params(out, sizeof(out), HVLIS_NDIS_6_30, &c, &w) == sizeof(p));
	memcpy(&p, out, sizeof(p));
	ASSERT((p.lsov2_ip4 == HVLIS_NDIS_OFFLOAD_ENABLED) == !!c.lso4_max);
}

int LLVMFuzzerTestOneInput(const unsigned char *in, unsigned long size);

int LLVMFuzzerTestOneInput(const unsigned char *in, unsigned long size)
{
	u32 len;
	u8 *b;

	if (size < 1)
		return 0;
	len = (u32)(size - 1);
	if (len > NVC_FUZZ_MAX)
		len = NVC_FUZZ_MAX;
	b = malloc(len ? len : 1);
	if (!b)
		return 0;
	memcpy(b, in + 1, len);
	switch (in[0] % 6) {
	case 0:
		nvsp(b, len);
		break;
	case 1:
		xfer(b, len);
		break;
	case 2:
		data(b, len);
		break;
	case 3:
		ctrl(b, len);
		break;
	case 4:
		rss_caps(b, len);
		break;
	default:
		offload_caps(b, len);
		break;
	}
	free(b);
	return 0;
}
