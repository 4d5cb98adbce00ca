// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc transmit. A frame that fits, with its RNDIS header, in a
 * send-buffer section is copied there (sections come from a bitmap) and
 * sent as an in-band SEND_RNDIS_PKT naming the section; a larger one, or
 * one sent when every section is busy, goes as page buffers: the RNDIS
 * header in the slot's own buffer, then the frame's pages in place.
 *
 * Each frame takes a TX slot; its transaction id names the slot and a
 * sequence number, and a completion frees the slot only when the whole id
 * matches what the slot was sent with. The slots are shared by all TX
 * queues; queue i sends on the channel of sub-channel index i. A queue
 * stops when its channel's ring or the slots run out and wakes on
 * completions or when the host, asked through pending_send_sz, frees room.
 */
#include "netvsc.h"

#define NVC_TX_ROOM	2048u	/* outbound ring bytes to wake the queue */
#define NVC_TX_HDR	128u	/* a slot's RNDIS header buffer (NVC_TX_HDR_MAX) */

/**
 * nvc_tx_alloc() - the TX slot table
 * @nvc: the device
 * @nslots: frames in flight at most (at most 65536)
 *
 * Return: 0 or -ENOMEM.
 */
int nvc_tx_alloc(struct nvc_dev *nvc, u32 nslots)
{
	u32 i;

	nvc->slots = kcalloc(nslots, sizeof(*nvc->slots), GFP_KERNEL);
	if (!nvc->slots)
		return -ENOMEM;
	nvc->nslots = nslots;
	for (i = 0; i < nslots; i++) {
		/* 128 bytes from kmalloc never cross a page. */
		nvc->slots[i].hdr = kmalloc(NVC_TX_HDR, GFP_KERNEL);
		if (!nvc->slots[i].hdr) {
			nvc_tx_free(nvc);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * nvc_tx_free() - free the TX slot table (nothing may be in flight)
 * @nvc: the device
 */
void nvc_tx_free(struct nvc_dev *nvc)
{
	u32 i;

	if (!nvc->slots)
		return;
	for (i = 0; i < nvc->nslots; i++)
		kfree(nvc->slots[i].hdr);
	kfree(nvc->slots);
	nvc->slots = NULL;
	nvc->nslots = 0;
}

/* Called with tx_lock held: a free slot, or nslots. */
static u32 slot_find(struct nvc_dev *nvc)
{
	u32 i, s;

	for (i = 0; i < nvc->nslots; i++) {
		s = (nvc->tx_seq + i) % nvc->nslots;
		if (!nvc->slots[s].tid)
			return s;
	}
	return nvc->nslots;
}

/* Called with tx_lock held. */
static void slot_release(struct nvc_dev *nvc, struct nvc_tx_slot *s)
{
	if (s->section != HVLIS_NVSP_NO_SECTION)
		clear_bit(s->section, nvc->sec_map);
	s->section = HVLIS_NVSP_NO_SECTION;
	s->skb = NULL;
	s->tid = 0;
}

/**
 * nvc_tx_maybe_wake() - wake the stopped queues that have room again
 * @nvc: the device
 */
void nvc_tx_maybe_wake(struct nvc_dev *nvc)
{
	struct net_device *ndev = nvc->ndev;
	u32 q, n = min_t(u32, ndev->real_num_tx_queues, NVC_MAX_CHANS);
	struct nvc_chan *c;

	if (READ_ONCE(nvc->removing) || !READ_ONCE(nvc->attached) || !netif_running(ndev) ||
	    READ_ONCE(nvc->tx_inflight) >= nvc->nslots)
		return;
	for (q = 0; q < n; q++) {
		c = &nvc->chans[q];
		if (!__netif_subqueue_stopped(ndev, q) || !READ_ONCE(c->open))
			continue;
		if (hvlis_channel_write_avail(c->ch) < NVC_TX_ROOM)
			continue;
		hvlis_channel_set_pending_send(c->ch, 0);
		c->st.wake_queue++;
		netif_wake_subqueue(ndev, q);
	}
}

/**
 * nvc_tx_complete() - the host completed a frame
 * @c: the channel the completion came on
 * @tid: the completion's transaction id (the host's: checked here)
 */
void nvc_tx_complete(struct nvc_chan *c, u64 tid)
{
	struct nvc_dev *nvc = c->nvc;
	u64 slot = tid & NVC_TID_SLOT_MASK;
	struct sk_buff *skb = NULL;
	struct nvc_tx_slot *s;

	spin_lock_bh(&nvc->tx_lock);
	if (slot >= nvc->nslots || nvc->slots[slot].tid != tid) {
		c->st.tx_bad_tid++;
		spin_unlock_bh(&nvc->tx_lock);
		net_err_ratelimited("%s: completion with unknown id %#llx dropped\n",
				    nvc->ndev->name, tid);
		return;
	}
	s = &nvc->slots[slot];
	skb = s->skb;
	slot_release(nvc, s);
	nvc->tx_inflight--;
	spin_unlock_bh(&nvc->tx_lock);
	if (skb)
		napi_consume_skb(skb, 1);
	nvc_tx_maybe_wake(nvc);
}

/**
 * nvc_tx_reclaim_all() - free every frame in flight (the channel is closed)
 * @nvc: the device
 */
void nvc_tx_reclaim_all(struct nvc_dev *nvc)
{
	u32 i;

	spin_lock_bh(&nvc->tx_lock);
	for (i = 0; i < nvc->nslots; i++) {
		if (!nvc->slots[i].tid)
			continue;
		dev_kfree_skb_any(nvc->slots[i].skb);
		slot_release(nvc, &nvc->slots[i]);
	}
	nvc->tx_inflight = 0;
	spin_unlock_bh(&nvc->tx_lock);
}

/* Adds [pa, pa + len) as page buffers; returns the new count or -E2BIG. */
static int pb_add(struct hvlis_page_buffer *pb, int n, phys_addr_t pa, u32 len)
{
	u32 off, chunk;

	while (len) {
		if (n >= NVC_MAX_PB)
			return -E2BIG;
		off = pa & (HVLIS_HV_PAGE_SIZE - 1);
		chunk = min_t(u32, len, HVLIS_HV_PAGE_SIZE - off);
		pb[n].pfn = pa >> HVLIS_HV_PAGE_SHIFT;
		pb[n].offset = off;
		pb[n].len = chunk;
		n++;
		pa += chunk;
		len -= chunk;
	}
	return n;
}

static int tx_pagebuf(struct nvc_chan *c, struct sk_buff *skb, struct nvc_tx_slot *s,
		      struct hvlis_nvsp_msg *msg, const struct nvc_tx_info *ti)
{
	struct hvlis_page_buffer *pb = c->pb;
	u32 hl, i;
	int n;

	hl = nvc_rndis_data_header_info(s->hdr, NVC_TX_HDR, skb->len, ti);
	n = pb_add(pb, 0, virt_to_phys(s->hdr), hl);
	n = pb_add(pb, n, virt_to_phys(skb->data), skb_headlen(skb));
	for (i = 0; n >= 0 && i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		n = pb_add(pb, n, page_to_phys(skb_frag_page(f)) + skb_frag_off(f),
			   skb_frag_size(f));
	}
	if (n < 0)
		return n;
	msg->rndis_pkt.section_index = HVLIS_NVSP_NO_SECTION;
	msg->rndis_pkt.section_size = 0;
	c->st.tx_pagebuf++;
	return hvlis_sendpacket_pagebuffer(c->ch, pb, n, msg, sizeof(*msg), s->tid);
}

/**
 * nvc_start_xmit() - ndo_start_xmit: send one frame on its queue's channel
 * @skb: the frame
 * @ndev: the device
 *
 * Return: NETDEV_TX_OK (sent or dropped) or NETDEV_TX_BUSY (queue stopped
 * for lack of ring room or slots; the stack retries).
 */
netdev_tx_t nvc_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	u32 len = skb->len, need;
	u16 q = skb_get_queue_mapping(skb);
	struct hvlis_nvsp_msg msg;
	struct nvc_tx_info ti;
	struct nvc_tx_slot *s;
	u32 slot, sec = HVLIS_NVSP_NO_SECTION;
	struct nvc_chan *c;
	int ret;

	/* Queues exist only for open channels; a stale mapping is dropped. */
	if (q >= NVC_MAX_CHANS || q >= smp_load_acquire(&nvc->nchans_open)) {
		c = &nvc->chans[0];
		goto drop;
	}
	c = &nvc->chans[q];
	if (READ_ONCE(nvc->removing) || !READ_ONCE(nvc->attached))
		goto drop;
	/* Before a slot is taken: a TX_BUSY retry comes back here. */
	if (nvc_tx_offload(c, skb, &ti))
		goto drop;
	need = nvc_tx_hdr_len(&ti) + len;
	spin_lock_bh(&nvc->tx_lock);
	slot = slot_find(nvc);
	if (slot >= nvc->nslots) {
		c->st.tx_busy++;
		c->st.stop_queue++;
		netif_stop_subqueue(ndev, q);
		spin_unlock_bh(&nvc->tx_lock);
		return NETDEV_TX_BUSY;
	}
	if (need <= nvc->sec_size) {
		sec = find_first_zero_bit(nvc->sec_map, nvc->sec_count);
		if (sec < nvc->sec_count)
			set_bit(sec, nvc->sec_map);
		else
			sec = HVLIS_NVSP_NO_SECTION;
	}
	if (sec == HVLIS_NVSP_NO_SECTION && need <= nvc->sec_size)
		c->st.tx_no_section++;
	s = &nvc->slots[slot];
	nvc->tx_seq++;
	s->tid = NVC_TID_TX | ((u64)nvc->tx_seq << 16) | slot;
	s->section = sec;
	s->skb = sec == HVLIS_NVSP_NO_SECTION ? skb : NULL;
	nvc->tx_inflight++;
	spin_unlock_bh(&nvc->tx_lock);

	nvc_nvsp_init(&msg, HVLIS_NVSP1_SEND_RNDIS_PKT);
	msg.rndis_pkt.channel_type = HVLIS_NVSP_RNDIS_DATA;
	if (sec != HVLIS_NVSP_NO_SECTION) {
		u8 *dst = (u8 *)nvc->send_buf + (size_t)sec * nvc->sec_size;
		u32 hl = nvc_rndis_data_header_info(dst, nvc->sec_size, len, &ti);

		skb_copy_bits(skb, 0, dst + hl, len);
		msg.rndis_pkt.section_index = sec;
		msg.rndis_pkt.section_size = need;
		ret = hvlis_sendpacket(c->ch, &msg, sizeof(msg), s->tid,
				       HVLIS_PKT_DATA_INBAND,
				       HVLIS_PKT_FLAG_COMPLETION_REQUESTED);
	} else {
		ret = tx_pagebuf(c, skb, s, &msg, &ti);
	}
	if (!ret) {
		/* The queue's lock serializes these with other sends on it. */
		c->st.tx_packets++;
		c->st.tx_bytes += len;
		if (sec != HVLIS_NVSP_NO_SECTION)
			dev_consume_skb_any(skb);
		return NETDEV_TX_OK;
	}

	spin_lock_bh(&nvc->tx_lock);
	slot_release(nvc, s);
	nvc->tx_inflight--;
	spin_unlock_bh(&nvc->tx_lock);
	if (ret == -EAGAIN) {
		c->st.tx_busy++;
		c->st.stop_queue++;
		netif_stop_subqueue(ndev, q);
		hvlis_channel_set_pending_send(c->ch, NVC_TX_ROOM);
		/* The host may have read everything before it saw the request. */
		nvc_tx_maybe_wake(nvc);
		return NETDEV_TX_BUSY;
	}
drop:
	c->st.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}
