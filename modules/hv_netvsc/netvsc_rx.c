// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc receive: the channel callback masks the host's interrupts and
 * schedules NAPI; the poll reads a batch of packets in place
 * (hvlis_channel_iter_*), one read-index update per batch, and returns
 * the receive-buffer completions of the batch together at its end.
 *
 * Host data arrives as transfer-page packets whose ranges index the
 * receive buffer. Each range is checked against the buffer
 * (nvc_xfer_parse()); each RNDIS message's head is copied out once and
 * checked (nvc_rndis_data(), nvc_rndis_ctrl()); the frame is copied into
 * a fresh skb before the range goes back to the host.
 */
#include <linux/if_vlan.h>
#include "netvsc.h"

/**
 * nvc_channel_cb() - a channel's callback (softirq): poll from its NAPI
 * @context: the channel (struct nvc_chan)
 */
void nvc_channel_cb(void *context)
{
	struct nvc_chan *c = context;

	hvlis_channel_mask_interrupts(c->ch);
	napi_schedule(&c->napi);
}

/* Send the completions the batch owes; keep what does not fit for later. */
static void rx_comp_flush(struct nvc_chan *c)
{
	struct hvlis_nvsp_msg msg;
	u32 i;
	int ret = 0;

	nvc_nvsp_init(&msg, HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE);
	msg.rndis_pkt_complete.status = HVLIS_NVSP_STATUS_SUCCESS;
	for (i = 0; i < c->rx_comp_n; i++) {
		ret = hvlis_sendpacket(c->ch, &msg, sizeof(msg), c->rx_comp[i],
				       HVLIS_PKT_COMP, 0);
		if (ret)
			break;
	}
	if (ret == -EAGAIN) {
		c->st.rx_comp_busy++;
		memmove(c->rx_comp, c->rx_comp + i,
			(c->rx_comp_n - i) * sizeof(c->rx_comp[0]));
		c->rx_comp_n -= i;
		return;
	}
	/* Sent, or the channel is gone: nothing more to return. */
	c->rx_comp_n = 0;
}

static void rx_status(struct nvc_chan *c, u32 status)
{
	struct nvc_dev *nvc = c->nvc;

	/* nvc_remove() is unregistering the netdev: leave its carrier alone. */
	if (READ_ONCE(nvc->unregistering))
		return;
	switch (status) {
	case HVLIS_RNDIS_STATUS_MEDIA_CONNECT:
		if (!netif_carrier_ok(nvc->ndev)) {
			c->st.link_changes++;
			netif_carrier_on(nvc->ndev);
		}
		break;
	case HVLIS_RNDIS_STATUS_MEDIA_DISCONNECT:
		if (netif_carrier_ok(nvc->ndev)) {
			c->st.link_changes++;
			netif_carrier_off(nvc->ndev);
		}
		break;
	default:
		break;
	}
}

/* One RNDIS control message from the host, in the guest's copy @head. */
static void rx_control(struct nvc_chan *ch, const u8 *head, u32 len)
{
	struct nvc_dev *nvc = ch->nvc;
	struct nvc_rndis_ctrl c;

	if (nvc_rndis_ctrl(head, len, &c)) {
		ch->st.rx_bad++;
		net_err_ratelimited("%s: malformed RNDIS control message from the host\n",
				    nvc->ndev->name);
		return;
	}
	switch (c.type) {
	case HVLIS_RNDIS_INDICATE_STATUS_MSG:
		rx_status(ch, c.status);
		return;
	case HVLIS_RNDIS_KEEPALIVE_MSG:
		/* Hyper-V hosts do not send these to a guest; ignore. */
		return;
	default:
		nvc_rndis_answer(nvc, head, len, c.req_id);
	}
}

/* One frame: copied into a new skb and handed to the stack. */
static int rx_frame(struct nvc_chan *c, const u8 *msg, const struct nvc_rx_info *info)
{
	struct net_device *ndev = c->nvc->ndev;
	struct sk_buff *skb;
	int tagged;
	u16 tci;

	if (info->data_len > ndev->mtu + VLAN_ETH_HLEN ||
	    info->data_len < ETH_HLEN) {
		c->st.rx_bad++;
		return 0;
	}
	tagged = nvc_rx_vlan(c, info, &tci);
	if (tagged < 0)
		return 0;
	skb = napi_alloc_skb(&c->napi, info->data_len);
	if (!skb) {
		c->st.rx_dropped++;
		return 0;
	}
	skb_put_data(skb, msg + info->data_offset, info->data_len);
	skb->protocol = eth_type_trans(skb, ndev);
	if (tagged)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	nvc_rx_csum(c, skb, info);
	skb_record_rx_queue(skb, c->idx);
	c->st.rx_packets++;
	c->st.rx_bytes += info->data_len;
	napi_gro_receive(&c->napi, skb);
	return 1;
}

/* A transfer-page packet: every range one RNDIS message. Returns frames. */
static int rx_xfer(struct nvc_chan *c, const struct hvlis_packet_desc *desc,
		   const void *pkt, u32 len)
{
	struct nvc_dev *nvc = c->nvc;
	u8 head[NVC_RX_HEAD_MAX];
	struct hvlis_nvsp_msg msg;
	struct nvc_rx_info info;
	u32 n, i, type, hl;
	int frames = 0, mlen;
	const u8 *m;

	if (nvc_xfer_parse(desc, pkt, len, nvc->recv_buf_size, c->ranges,
			   NVC_MAX_RANGES, &n, &msg)) {
		c->st.rx_bad++;
		net_err_ratelimited("%s: malformed receive packet from the host dropped\n",
				    nvc->ndev->name);
		return 0;
	}
	for (i = 0; i < n; i++) {
		m = (const u8 *)nvc->recv_buf + c->ranges[i].offset;
		hl = min_t(u32, c->ranges[i].len, sizeof(head));
		memcpy(head, m, hl);
		mlen = nvc_rndis_type(head, hl, c->ranges[i].len, &type);
		if (mlen < 0) {
			c->st.rx_bad++;
			continue;
		}
		hl = min_t(u32, hl, (u32)mlen);
		if (type != HVLIS_RNDIS_PACKET_MSG) {
			rx_control(c, head, hl);
			continue;
		}
		if (nvc_rndis_data(head, hl, (u32)mlen, &info)) {
			c->st.rx_bad++;
			continue;
		}
		frames += rx_frame(c, m, &info);
	}
	return frames;
}

/* A completion from the host: of a control request or of a frame we sent. */
static void rx_completion(struct nvc_chan *c, const struct hvlis_packet_desc *desc,
			  const u8 *pkt, u32 len)
{
	struct nvc_dev *nvc = c->nvc;
	u32 off = (u32)desc->offset8 * 8;
	struct hvlis_nvsp_msg msg;
	u64 tid = desc->trans_id;

	if (nvc_nvsp_copy(pkt + off, len - off, &msg)) {
		c->st.rx_bad++;
		return;
	}
	if (tid & NVC_TID_CTL) {
		/* an id no request waits for: invented by the host, or too late */
		if (!nvc_ctl_answer(nvc, tid, &msg, len - off))
			c->st.tx_bad_tid++;
		return;
	}
	if (msg.type != HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE)
		return;
	if (tid & NVC_TID_TX)
		nvc_tx_complete(c, tid);
	else if (tid != NVC_TID_RNDIS)
		c->st.tx_bad_tid++;
}

/**
 * nvc_poll() - NAPI poll: one batch read in place
 * @napi: a channel's NAPI context
 * @budget: frames the stack takes now
 *
 * Return: frames delivered (at most @budget).
 */
int nvc_poll(struct napi_struct *napi, int budget)
{
	struct nvc_chan *c = container_of(napi, struct nvc_chan, napi);
	struct nvc_dev *nvc = c->nvc;
	struct hvlis_packet_desc desc;
	struct hvlis_ring_iter it;
	bool broken = false;
	const void *pkt;
	int done = 0, ret;
	u32 len;

	if (c->rx_comp_n)
		rx_comp_flush(c);
	if (hvlis_channel_iter_begin(c->ch, &it)) {
		napi_complete(napi);
		return 0;
	}
	while (done < budget && c->rx_comp_n < NVC_RX_COMP_MAX) {
		ret = hvlis_channel_iter_next(c->ch, &it, c->bounce, c->bounce_len,
					      &desc, &pkt, &len);
		if (ret == -EAGAIN)
			break;
		if (ret == -EMSGSIZE)
			continue;
		if (ret) {
			broken = true;
			break;
		}
		switch (desc.type) {
		case HVLIS_PKT_COMP:
			rx_completion(c, &desc, pkt, len);
			break;
		case HVLIS_PKT_DATA_USING_XFER_PAGES:
			done += rx_xfer(c, &desc, pkt, len);
			/* The ranges go back to the host even when malformed. */
			c->rx_comp[c->rx_comp_n++] = desc.trans_id;
			break;
		default:
			/* In-band host messages: nothing a single queue needs. */
			break;
		}
	}
	hvlis_channel_iter_end(c->ch, &it);
	if (c->rx_comp_n)
		rx_comp_flush(c);
	/* The host may have signalled room for a stopped queue. */
	nvc_tx_maybe_wake(nvc);
	if (broken) {
		net_err_ratelimited("%s: the host corrupted the channel's ring; receive stopped\n",
				    nvc->ndev->name);
		napi_complete(napi);
		return 0;
	}
	if (done >= budget || c->rx_comp_n)
		return budget;
	if (napi_complete_done(napi, done) && hvlis_channel_unmask_interrupts(c->ch))
		napi_schedule(napi);
	return done;
}
