// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the Hyper-V synthetic network adapter. Probe opens the
 * channel, negotiates NVSP (6.1 down to 1), announces the NDIS
 * configuration and version, shares the receive and send buffers, runs
 * RNDIS INITIALIZE and the queries (permanent MAC address, maximum frame
 * size, link speed, media state), asks for sub-channels when the host
 * has RSS (NVSP 5 and later), then registers eth%d. Each sub-channel the
 * host offers afterwards is opened from the sub-channel callback (never
 * waited for in probe, which runs where offers are processed); once all
 * are open, a work item sets the RSS parameters and the queue count.
 * Open sets the packet filter; remove and rescind take it all down in
 * reverse.
 *
 * What is not done yet: see docs/network.md.
 */
#define pr_fmt(fmt) "hv_netvsc: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/delay.h>
#include <linux/io.h>
#include "netvsc.h"

static unsigned int ring_size = 512 * 1024;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Bytes of each ring (send and receive), a multiple of 4096, 64 KiB..4 MiB (default 512 KiB)");

static unsigned int recv_buf_kib = 16 * 1024;
module_param(recv_buf_kib, uint, 0444);
MODULE_PARM_DESC(recv_buf_kib, "KiB of the receive buffer shared with the host, 1024..31744 (default 16384)");

static unsigned int send_buf_kib = 1024;
module_param(send_buf_kib, uint, 0444);
MODULE_PARM_DESC(send_buf_kib, "KiB of the send buffer shared with the host, 64..15360 (default 1024)");

static unsigned int max_channels = NVC_MAX_CHANS;
module_param(max_channels, uint, 0444);
MODULE_PARM_DESC(max_channels, "Channels (queues) to use at most, the primary included, 1..16 (default 16; also at most one per online CPU and what the host offers)");

static unsigned int tx_slots = 1024;
module_param(tx_slots, uint, 0444);
MODULE_PARM_DESC(tx_slots, "Frames in flight to the host at most, 16..16384 (default 1024)");

/* ------------------------------------------------------------ control */

/**
 * nvc_ctl_answer() - an NVSP control answer arrived (from the poll)
 * @nvc: the device
 * @tid: its transaction id
 * @msg: the guest's copy of it
 * @len: its length as received
 *
 * Return: true if it answers the request awaited, false for an id the
 * guest is not waiting for (invented, repeated or too late).
 */
bool nvc_ctl_answer(struct nvc_dev *nvc, u64 tid, const struct hvlis_nvsp_msg *msg, u32 len)
{
	bool ok = false;

	spin_lock_bh(&nvc->ctl_lock);
	if (tid && tid == nvc->ctl_tid) {
		nvc->ctl_resp = *msg;
		nvc->ctl_len = len;
		nvc->ctl_tid = 0;
		complete(&nvc->ctl_done);
		ok = true;
	}
	spin_unlock_bh(&nvc->ctl_lock);
	return ok;
}

/* Sends an NVSP request; with @resp, waits for the host's answer to it. */
static int nvc_nvsp_request(struct nvc_dev *nvc, const struct hvlis_nvsp_msg *req,
			    struct hvlis_nvsp_msg *resp, u32 *resp_len)
{
	unsigned int tries;
	int ret = -EAGAIN;
	u64 tid;

	mutex_lock(&nvc->ctl_mutex);
	spin_lock_bh(&nvc->ctl_lock);
	reinit_completion(&nvc->ctl_done);
	tid = NVC_TID_CTL | ++nvc->ctl_seq;
	nvc->ctl_tid = resp ? tid : 0;
	spin_unlock_bh(&nvc->ctl_lock);
	for (tries = 0; tries < 100 && ret == -EAGAIN; tries++) {
		ret = hvlis_sendpacket(nvc->ch, req, sizeof(*req), tid, HVLIS_PKT_DATA_INBAND,
				       resp ? HVLIS_PKT_FLAG_COMPLETION_REQUESTED : 0);
		if (ret == -EAGAIN)
			msleep(20);
	}
	if (!ret && resp && !wait_for_completion_timeout(&nvc->ctl_done, NVC_CTL_TIMEOUT))
		ret = hvlis_channel_rescinded(nvc->ch) ? -ENODEV : -ETIMEDOUT;
	spin_lock_bh(&nvc->ctl_lock);
	nvc->ctl_tid = 0;
	if (!ret && resp) {
		*resp = nvc->ctl_resp;
		*resp_len = nvc->ctl_len;
	}
	spin_unlock_bh(&nvc->ctl_lock);
	mutex_unlock(&nvc->ctl_mutex);
	return ret;
}

/**
 * nvc_rndis_answer() - an RNDIS control answer arrived (from the poll)
 * @nvc: the device
 * @msg: the guest's copy of it (checked by nvc_rndis_ctrl())
 * @len: its length
 * @req_id: the request id it answers
 */
void nvc_rndis_answer(struct nvc_dev *nvc, const void *msg, u32 len, u32 req_id)
{
	spin_lock_bh(&nvc->ctl_lock);
	if (req_id && req_id == nvc->rndis_id && len <= sizeof(nvc->rndis_resp)) {
		memcpy(nvc->rndis_resp, msg, len);
		nvc->rndis_len = len;
		nvc->rndis_id = 0;
		complete(&nvc->rndis_done);
	}
	spin_unlock_bh(&nvc->ctl_lock);
}

/* Sends the RNDIS message in nvc->rndis_req (@len bytes) as a page buffer. */
static int nvc_rndis_send(struct nvc_dev *nvc, u32 len)
{
	struct hvlis_nvsp_msg msg;
	struct hvlis_page_buffer pb;
	unsigned int tries;
	int ret = -EAGAIN;

	nvc_nvsp_init(&msg, HVLIS_NVSP1_SEND_RNDIS_PKT);
	msg.rndis_pkt.channel_type = HVLIS_NVSP_RNDIS_CONTROL;
	msg.rndis_pkt.section_index = HVLIS_NVSP_NO_SECTION;
	pb.pfn = virt_to_phys(nvc->rndis_req) >> HVLIS_HV_PAGE_SHIFT;
	pb.offset = offset_in_page(nvc->rndis_req);
	pb.len = len;
	for (tries = 0; tries < 100 && ret == -EAGAIN; tries++) {
		ret = hvlis_sendpacket_pagebuffer(nvc->ch, &pb, 1, &msg, sizeof(msg),
						  NVC_TID_RNDIS);
		if (ret == -EAGAIN)
			msleep(20);
	}
	return ret;
}

/*
 * Sends the RNDIS message already in nvc->rndis_req (@len bytes, request
 * id @id) and waits for its answer, checked into @c; the answer's bytes
 * stay in nvc->rndis_resp until the next request. Called with ctl_mutex.
 */
static int nvc_rndis_request(struct nvc_dev *nvc, u32 len, u32 id, struct nvc_rndis_ctrl *c)
{
	int ret;

	spin_lock_bh(&nvc->ctl_lock);
	reinit_completion(&nvc->rndis_done);
	nvc->rndis_id = id;
	spin_unlock_bh(&nvc->ctl_lock);
	ret = nvc_rndis_send(nvc, len);
	if (!ret && !wait_for_completion_timeout(&nvc->rndis_done, NVC_CTL_TIMEOUT))
		ret = hvlis_channel_rescinded(nvc->ch) ? -ENODEV : -ETIMEDOUT;
	spin_lock_bh(&nvc->ctl_lock);
	nvc->rndis_id = 0;
	spin_unlock_bh(&nvc->ctl_lock);
	if (ret)
		return ret;
	if (nvc_rndis_ctrl(nvc->rndis_resp, nvc->rndis_len, c))
		return -EIO;
	return c->status == HVLIS_RNDIS_STATUS_SUCCESS ? 0 : -EIO;
}

static u32 nvc_next_id(struct nvc_dev *nvc)
{
	if (!++nvc->rndis_seq)
		++nvc->rndis_seq;
	return nvc->rndis_seq;
}

/**
 * nvc_rndis_query_info() - an RNDIS query carrying an information buffer
 * @nvc: the device
 * @oid: the object
 * @in: what the query carries (NULL: nothing)
 * @in_len: its length
 * @out: receives at most @len bytes of the answer
 * @len: room at @out
 *
 * Return: the bytes copied, or a negative errno.
 */
int nvc_rndis_query_info(struct nvc_dev *nvc, u32 oid, const void *in, u32 in_len,
			 void *out, u32 len)
{
	struct nvc_rndis_ctrl c;
	u32 id, n;
	int ret;

	mutex_lock(&nvc->ctl_mutex);
	id = nvc_next_id(nvc);
	n = nvc_rndis_oid_request(nvc->rndis_req, NVC_REQ_BYTES, HVLIS_RNDIS_QUERY_MSG, id,
				  oid, in, in_len);
	ret = n ? nvc_rndis_request(nvc, n, id, &c) : -EINVAL;
	if (!ret && c.type != HVLIS_RNDIS_QUERY_CMPLT)
		ret = -EIO;
	if (!ret) {
		n = min(len, c.info_len);
		memcpy(out, nvc->rndis_resp + c.info_offset, n);
		ret = n;
	}
	mutex_unlock(&nvc->ctl_mutex);
	return ret;
}

/* A query: copies at most @len bytes of the answer, returns how many. */
static int nvc_rndis_query(struct nvc_dev *nvc, u32 oid, void *out, u32 len)
{
	return nvc_rndis_query_info(nvc, oid, NULL, 0, out, len);
}

static int nvc_rndis_set(struct nvc_dev *nvc, u32 oid, const void *val, u32 len)
{
	struct nvc_rndis_ctrl c;
	u32 id, n;
	int ret;

	mutex_lock(&nvc->ctl_mutex);
	id = nvc_next_id(nvc);
	n = nvc_rndis_oid_request(nvc->rndis_req, NVC_REQ_BYTES, HVLIS_RNDIS_SET_MSG, id,
				  oid, val, len);
	ret = n ? nvc_rndis_request(nvc, n, id, &c) : -EINVAL;
	if (!ret && c.type != HVLIS_RNDIS_SET_CMPLT)
		ret = -EIO;
	mutex_unlock(&nvc->ctl_mutex);
	return ret;
}

/**
 * nvc_rndis_set_oid() - an RNDIS set
 * @nvc: the device
 * @oid: the object
 * @val: its value
 * @len: the value's length
 *
 * Return: 0, or -EIO if the host refused, or another negative errno.
 */
int nvc_rndis_set_oid(struct nvc_dev *nvc, u32 oid, const void *val, u32 len)
{
	return nvc_rndis_set(nvc, oid, val, len);
}

/**
 * nvc_rndis_set_filter() - set the host's packet filter
 * @nvc: the device
 * @filter: HVLIS_NDIS_PACKET_* bits (0: receive nothing)
 *
 * Return: 0 or a negative errno.
 */
int nvc_rndis_set_filter(struct nvc_dev *nvc, u32 filter)
{
	int ret = nvc_rndis_set(nvc, HVLIS_OID_GEN_CURRENT_PACKET_FILTER, &filter,
				sizeof(filter));

	if (!ret)
		nvc->filter = filter;
	return ret;
}

/* ------------------------------------------------------------ bring-up */

/* NVSP version, NDIS configuration (@mtu, without the Ethernet header), NDIS version. */
static int nvc_negotiate(struct nvc_dev *nvc, u32 mtu)
{
	struct hvlis_nvsp_msg req, resp;
	unsigned int i;
	u32 len;
	int ret = -EPROTO;

	for (i = 0; i < nvc_nversions; i++) {
		nvc_nvsp_init(&req, HVLIS_NVSP_INIT);
		req.init.min_version = nvc_versions[i];
		req.init.max_version = nvc_versions[i];
		ret = nvc_nvsp_request(nvc, &req, &resp, &len);
		if (ret)
			return ret;
		if (resp.type == HVLIS_NVSP_INIT_COMPLETE &&
		    resp.init_complete.status == HVLIS_NVSP_STATUS_SUCCESS) {
			nvc->nvsp_version = nvc_versions[i];
			break;
		}
	}
	if (!nvc->nvsp_version) {
		dev_err(&nvc->hd->dev, "the host speaks no NVSP version from 1 to 6.1\n");
		return -EPROTO;
	}
	if (nvc->nvsp_version < HVLIS_NVSP_V2 && mtu > ETH_DATA_LEN) {
		dev_err(&nvc->hd->dev, "an NVSP 1 host takes no MTU above %u\n", ETH_DATA_LEN);
		return -EOPNOTSUPP;
	}
	if (nvc->nvsp_version >= HVLIS_NVSP_V2) {
		nvc_nvsp_init(&req, HVLIS_NVSP2_SEND_NDIS_CONFIG);
		req.ndis_config.mtu = mtu + ETH_HLEN;
		req.ndis_config.capabilities = HVLIS_NVSP_CAP_IEEE8021Q;
		ret = nvc_nvsp_request(nvc, &req, NULL, NULL);
		if (ret)
			return ret;
	}
	nvc->ndis_version = nvc_ndis_version(nvc->nvsp_version);
	nvc_nvsp_init(&req, HVLIS_NVSP1_SEND_NDIS_VERSION);
	req.ndis_version.major = HVLIS_NDIS_MAJOR(nvc->ndis_version);
	req.ndis_version.minor = HVLIS_NDIS_MINOR(nvc->ndis_version);
	return nvc_nvsp_request(nvc, &req, NULL, NULL);
}

static int nvc_buffers(struct nvc_dev *nvc)
{
	struct hvlis_nvsp_msg req, resp;
	u32 len;
	int ret;

	nvc->recv_buf_size = recv_buf_kib * 1024;
	nvc->recv_buf = vzalloc(nvc->recv_buf_size);
	nvc->send_buf_size = send_buf_kib * 1024;
	nvc->send_buf = vzalloc(nvc->send_buf_size);
	if (!nvc->recv_buf || !nvc->send_buf)
		return -ENOMEM;

	ret = hvlis_gpadl_establish(nvc->ch, nvc->recv_buf, nvc->recv_buf_size,
				    &nvc->recv_gpadl);
	if (ret == -ETIMEDOUT)
		nvc->recv_gpadl_ok = true;	/* the host may have it: never free */
	if (ret)
		return ret;
	nvc->recv_gpadl_ok = true;
	nvc_nvsp_init(&req, HVLIS_NVSP1_SEND_RECV_BUF);
	req.buf.gpadl = nvc->recv_gpadl;
	req.buf.id = HVLIS_NVSP_RECV_BUF_ID;
	ret = nvc_nvsp_request(nvc, &req, &resp, &len);
	if (ret)
		return ret;
	nvc->recv_connected = true;
	ret = nvc_recv_buf_answer(&resp, len, nvc->recv_buf_size, &nvc->rl);
	if (ret) {
		dev_err(&nvc->hd->dev, "the host's receive buffer layout is unusable (%d)\n", ret);
		return -EPROTO;
	}

	ret = hvlis_gpadl_establish(nvc->ch, nvc->send_buf, nvc->send_buf_size,
				    &nvc->send_gpadl);
	if (ret == -ETIMEDOUT)
		nvc->send_gpadl_ok = true;
	if (ret)
		return ret;
	nvc->send_gpadl_ok = true;
	nvc_nvsp_init(&req, HVLIS_NVSP1_SEND_SEND_BUF);
	req.buf.gpadl = nvc->send_gpadl;
	req.buf.id = HVLIS_NVSP_SEND_BUF_ID;
	ret = nvc_nvsp_request(nvc, &req, &resp, &len);
	if (ret)
		return ret;
	nvc->send_connected = true;
	ret = nvc_send_buf_answer(&resp, len, nvc->send_buf_size, &nvc->sec_size,
				  &nvc->sec_count);
	if (ret) {
		dev_err(&nvc->hd->dev, "the host's send buffer sections are unusable (%d)\n", ret);
		return -EPROTO;
	}
	nvc->sec_map = kcalloc(BITS_TO_LONGS(nvc->sec_count), sizeof(unsigned long), GFP_KERNEL);
	return nvc->sec_map ? 0 : -ENOMEM;
}

/*
 * Gives the host @mac as the adapter's address: the NetworkAddress device
 * parameter (OID_GEN_RNDIS_CONFIG_PARAMETER). -EIO: the host refused.
 */
static int nvc_set_hw_mac(struct nvc_dev *nvc, const u8 *mac)
{
	u8 info[NVC_MAC_PARAM_LEN];
	u32 n = nvc_rndis_mac_param(info, sizeof(info), mac);

	return nvc_rndis_set(nvc, HVLIS_OID_GEN_RNDIS_CONFIG_PARAMETER, info, n);
}

/*
 * The data path came back: the host's MAC address should be the one it
 * gave at probe, and the interface keeps its own; an address the user set
 * is given to the host again (a new RNDIS session starts from the host's).
 */
static int nvc_mac_restore(struct nvc_dev *nvc, const u8 *host_mac)
{
	struct net_device *ndev = nvc->ndev;
	int ret;

	if (!ether_addr_equal(host_mac, ndev->perm_addr))
		netdev_warn(ndev, "the host now gives MAC address %pM; keeping %pM\n",
			    host_mac, ndev->dev_addr);
	if (ether_addr_equal(ndev->dev_addr, host_mac))
		return 0;
	ret = nvc_set_hw_mac(nvc, ndev->dev_addr);
	if (ret)
		netdev_warn(ndev, "the host did not take MAC address %pM again (%d)\n",
			    ndev->dev_addr, ret);
	return 0;
}

/*
 * RNDIS INITIALIZE and the queries. @first: at probe, the host's MAC
 * address becomes the interface's; later (the data path brought back)
 * the interface keeps its own, and one set by the user is given to the
 * host again.
 */
static int nvc_rndis_init(struct nvc_dev *nvc, bool first)
{
	struct net_device *ndev = nvc->ndev;
	struct nvc_rndis_ctrl c;
	u32 id, n, val = 0;
	u8 mac[ETH_ALEN];
	int ret;

	mutex_lock(&nvc->ctl_mutex);
	id = nvc_next_id(nvc);
	n = nvc_rndis_init_request(nvc->rndis_req, NVC_REQ_BYTES, id, NVC_RNDIS_MAX_XFER);
	ret = nvc_rndis_request(nvc, n, id, &c);
	if (!ret && c.type != HVLIS_RNDIS_INITIALIZE_CMPLT)
		ret = -EIO;
	mutex_unlock(&nvc->ctl_mutex);
	if (ret) {
		dev_err(&nvc->hd->dev, "RNDIS initialization failed (%d)\n", ret);
		return ret;
	}
	nvc->max_pkts = c.max_pkts;

	ret = nvc_rndis_query(nvc, HVLIS_OID_802_3_PERMANENT_ADDRESS, mac, sizeof(mac));
	if (ret != ETH_ALEN || !is_valid_ether_addr(mac)) {
		dev_err(&nvc->hd->dev, "the host gave no valid MAC address (%d)\n", ret);
		return ret < 0 ? ret : -EPROTO;
	}
	if (first) {
		eth_hw_addr_set(ndev, mac);
		ether_addr_copy(ndev->perm_addr, mac);
	} else {
		ret = nvc_mac_restore(nvc, mac);
		if (ret)
			return ret;
	}

	nvc->max_frame = ETH_DATA_LEN;
	ret = nvc_rndis_query(nvc, HVLIS_OID_GEN_MAXIMUM_FRAME_SIZE, &val, sizeof(val));
	if (ret == sizeof(val) && val >= ETH_MIN_MTU && val <= 65535)
		nvc->max_frame = val;
	ret = nvc_rndis_query(nvc, HVLIS_OID_GEN_LINK_SPEED, &val, sizeof(val));
	if (ret == sizeof(val))
		nvc->link_speed = val;
	ret = nvc_rndis_query(nvc, HVLIS_OID_GEN_MEDIA_CONNECT_STATUS, &val, sizeof(val));
	if (ret == sizeof(val) && val == HVLIS_RNDIS_MEDIA_CONNECTED)
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	return 0;
}

/* ------------------------------------------------------------ vRSS */

/* A channel's receive state; @idx is its sub-channel index. */
static int nvc_chan_init(struct nvc_dev *nvc, u32 idx, struct hvlis_channel *ch)
{
	struct nvc_chan *c = &nvc->chans[idx];

	c->nvc = nvc;
	c->ch = ch;
	c->idx = idx;
	c->bounce_len = 64 * 1024;
	c->bounce = kmalloc(c->bounce_len, GFP_KERNEL);
	c->ranges = kvcalloc(NVC_MAX_RANGES, sizeof(*c->ranges), GFP_KERNEL);
	if (!c->bounce || !c->ranges)
		return -ENOMEM;
	hvlis_netif_napi_add(nvc->ndev, &c->napi, nvc_poll);
	c->napi_added = true;
	return 0;
}

static void nvc_chan_free(struct nvc_chan *c)
{
	if (c->napi_added)
		netif_napi_del(&c->napi);
	c->napi_added = false;
	kfree(c->bounce);
	kvfree(c->ranges);
	c->bounce = NULL;
	c->ranges = NULL;
}

static int nvc_chan_open(struct nvc_chan *c)
{
	int ret;

	napi_enable(&c->napi);
	c->napi_on = true;
	ret = hvlis_channel_open(c->ch, ring_size, ring_size, NULL, 0, nvc_channel_cb, c);
	if (ret) {
		napi_disable(&c->napi);
		c->napi_on = false;
		return ret;
	}
	WRITE_ONCE(c->open, true);
	return 0;
}

/* Channels 0..n-1 all open: n. Called with chan_lock. */
static u32 nvc_chans_contiguous(struct nvc_dev *nvc)
{
	u32 n = 0;

	while (n < NVC_MAX_CHANS && nvc->chans[n].open)
		n++;
	return n;
}

/*
 * The host offered a sub-channel (process context, on the offers
 * workqueue): open it as the channel of its index. Its index must be one
 * the host granted and not yet open; anything else is left closed.
 */
static void nvc_subchannel(struct hvlis_channel *sub)
{
	struct nvc_chan *c0 = hvlis_channel_context(hvlis_channel_primary(sub));
	struct nvc_dev *nvc = c0 ? c0->nvc : NULL;
	u32 idx = hvlis_channel_subchannel_index(sub);
	struct nvc_chan *c;
	bool all;
	int ret;

	if (!nvc)
		return;
	mutex_lock(&nvc->chan_lock);
	if (nvc->no_subch) {
		mutex_unlock(&nvc->chan_lock);
		return;
	}
	if (!idx || idx > nvc->subch_granted || idx >= NVC_MAX_CHANS || nvc->chans[idx].ch) {
		dev_err(&nvc->hd->dev, "sub-channel index %u not asked for; left closed\n", idx);
		mutex_unlock(&nvc->chan_lock);
		return;
	}
	c = &nvc->chans[idx];
	ret = nvc_chan_init(nvc, idx, sub);
	if (!ret)
		ret = nvc_chan_open(c);
	if (ret) {
		nvc_chan_free(c);
		memset(c, 0, sizeof(*c));
		dev_err(&nvc->hd->dev, "could not open sub-channel %u: %d\n", idx, ret);
		mutex_unlock(&nvc->chan_lock);
		return;
	}
	/* The channel complete before a TX queue can pick it. */
	smp_store_release(&nvc->nchans_open, nvc_chans_contiguous(nvc));
	all = nvc->nchans_open >= nvc->subch_granted + 1;
	mutex_unlock(&nvc->chan_lock);
	if (all)
		schedule_work(&nvc->rss_work);
}

/**
 * nvc_set_queues() - spread the host's receive and our TX over @n channels
 * @nvc: the device
 * @n: queues, 1 to the channels open
 *
 * Sets the RSS parameters (key and an indirection table over channels
 * 0..@n-1), then the stack's queue counts. Called with RTNL held.
 *
 * Return: 0 or a negative errno (nothing changed).
 */
int nvc_set_queues(struct nvc_dev *nvc, u32 n)
{
	/* pairs with nvc_subchannel()'s release */
	u32 open = smp_load_acquire(&nvc->nchans_open);
	u8 *buf;
	u32 len;
	int ret;

	ASSERT_RTNL();
	if (!n || n > open)
		return -EINVAL;
	if (READ_ONCE(nvc->removing) || hvlis_channel_rescinded(nvc->ch))
		return -ENODEV;
	if (open > 1) {
		buf = kmalloc(NVC_REQ_BYTES, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		nvc_rss_table_fill(nvc->rss_table, n);
		len = nvc_rss_params(buf, NVC_REQ_BYTES, nvc->rss_key, nvc->rss_table);
		ret = len ? nvc_rndis_set(nvc, HVLIS_OID_GEN_RECEIVE_SCALE_PARAMETERS, buf, len) :
			    -EINVAL;
		kfree(buf);
		if (ret) {
			netdev_err(nvc->ndev, "the host refused the RSS parameters: %d\n", ret);
			return ret;
		}
		nvc->rss_set = true;
	}
	ret = netif_set_real_num_tx_queues(nvc->ndev, n);
	if (!ret)
		ret = netif_set_real_num_rx_queues(nvc->ndev, n);
	if (ret)
		return ret;
	nvc->nqueues = n;
	return 0;
}

/* Every granted sub-channel is open: use them (or what -L asked for). */
static void nvc_rss_fn(struct work_struct *work)
{
	struct nvc_dev *nvc = container_of(work, struct nvc_dev, rss_work);
	u32 n;
	int ret;

	rtnl_lock();
	/* pairs with nvc_subchannel()'s release */
	n = smp_load_acquire(&nvc->nchans_open);
	if (nvc->want_queues)
		n = min(n, nvc->want_queues);
	if (nvc->ndev->reg_state == NETREG_REGISTERED && n != nvc->nqueues) {
		ret = nvc_set_queues(nvc, n);
		if (ret)
			netdev_warn(nvc->ndev, "staying on %u queue(s): %d\n", nvc->nqueues, ret);
		else
			netdev_info(nvc->ndev, "%u queues, RSS over %u channels\n", n, n);
	}
	rtnl_unlock();
}

/* RSS capabilities, then the sub-channels (offered after probe returns). */
static void nvc_vrss_init(struct nvc_dev *nvc)
{
	struct hvlis_nvsp_msg req, resp;
	u8 caps[64];
	u32 queues = 0, want, len;
	int ret;

	if (nvc->nvsp_version < HVLIS_NVSP_V5)
		return;
	want = min3(max_channels, num_online_cpus(), (unsigned int)NVC_MAX_CHANS);
	if (want <= 1)
		return;
	ret = nvc_rndis_query(nvc, HVLIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES, caps,
			      sizeof(caps));
	if (ret < 0 || nvc_rss_caps(caps, ret, &queues)) {
		dev_info(&nvc->hd->dev, "no usable RSS capabilities (%d): one channel\n", ret);
		return;
	}
	want = min(want, queues) - 1;
	if (!want)
		return;
	netdev_rss_key_fill(nvc->rss_key, sizeof(nvc->rss_key));
	/*
	 * Offers may come as soon as the host has answered, before this
	 * thread reads the answer (when probe does not run where offers are
	 * processed, e.g. on a module load): up to @want are accepted now.
	 */
	mutex_lock(&nvc->chan_lock);
	nvc->subch_granted = want;
	mutex_unlock(&nvc->chan_lock);
	hvlis_channel_set_subchannel_cb(nvc->ch, nvc_subchannel);
	nvc_nvsp_init(&req, HVLIS_NVSP5_SUBCHANNEL);
	req.subchannel_req.op = HVLIS_NVSP_SUBCHANNEL_ALLOCATE;
	req.subchannel_req.count = want;
	ret = nvc_nvsp_request(nvc, &req, &resp, &len);
	if (!ret && (resp.type != HVLIS_NVSP5_SUBCHANNEL ||
		     resp.subchannel_complete.status != HVLIS_NVSP_STATUS_SUCCESS ||
		     resp.subchannel_complete.count > want))
		ret = -EPROTO;
	mutex_lock(&nvc->chan_lock);
	nvc->subch_granted = ret ? 0 : resp.subchannel_complete.count;
	mutex_unlock(&nvc->chan_lock);
	if (ret) {
		dev_warn(&nvc->hd->dev, "SUBCHANNEL(%u) failed: %d; one channel\n", want, ret);
		return;
	}
	dev_info(&nvc->hd->dev, "RSS: host has %u queues, %u sub-channel(s) granted\n", queues,
		 nvc->subch_granted);
}

/**
 * nvc_stats_sum() - the counters of every channel added up
 * @nvc: the device
 * @sum: receives the sums
 */
void nvc_stats_sum(struct nvc_dev *nvc, struct nvc_stats *sum)
{
	const u64 *src;
	u64 *dst = (u64 *)sum;
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < NVC_MAX_CHANS; i++) {
		src = (const u64 *)&nvc->chans[i].st;
		for (k = 0; k < sizeof(*sum) / sizeof(u64); k++)
			dst[k] += READ_ONCE(src[k]);
	}
}

/*
 * Waits until the host has read what each open sub-channel sent (its
 * outbound ring empty; at most about a second each): its frames and the
 * last completions of its receives, sent on its own ring, would otherwise
 * reach the host after the HALT or a revoke sent on the primary's.
 * Linux's netvsc waits the same way before it tears the device down.
 */
static void nvc_wait_sent(struct nvc_dev *nvc)
{
	u32 empty = ring_size - HVLIS_HV_PAGE_SIZE - 8;
	struct nvc_chan *c;
	unsigned int i, tries;

	for (i = 1; i < NVC_MAX_CHANS; i++) {
		c = &nvc->chans[i];
		if (!c->open)
			continue;
		for (tries = 0; tries < 200 && !hvlis_channel_rescinded(c->ch) &&
		     hvlis_channel_write_avail(c->ch) < empty; tries++)
			usleep_range(2000, 5000);
	}
}

/*
 * Everything the host has of ours goes back, then the channels close.
 *
 * Receive stops (every channel's NAPI disabled: no poll runs, none will)
 * between HALT and the revokes: a poll sends the host the completions
 * of the transfer-page packets it read, and one sent after
 * REVOKE_RECV_BUF would name a slot of a buffer the host no longer has
 * (the simulated host counts it, late_completions); and the host must
 * have read the sub-channels' last completions before the revoke on the
 * primary (nvc_wait_sent()). HALT goes first, while
 * receive still runs, so that the host stops sending data before the
 * last poll; what the host sends after that poll stays in the ring and
 * the revoke gives it all back.
 */
static void nvc_teardown(struct nvc_dev *nvc)
{
	bool gone = hvlis_channel_rescinded(nvc->ch);
	struct hvlis_rndis_halt_req halt;
	struct hvlis_nvsp_msg req;
	struct nvc_chan *c;
	unsigned int i;

	if (nvc->open && !gone) {
		/* The frames the sub-channels sent (TX is off) reach the host before HALT. */
		nvc_wait_sent(nvc);
		/* HALT has no answer. */
		mutex_lock(&nvc->ctl_mutex);
		halt.hdr.type = HVLIS_RNDIS_HALT_MSG;
		halt.hdr.len = sizeof(halt);
		halt.req_id = nvc_next_id(nvc);
		memcpy(nvc->rndis_req, &halt, sizeof(halt));
		nvc_rndis_send(nvc, sizeof(halt));
		mutex_unlock(&nvc->ctl_mutex);
	}
	/* No sub-channel opens from now; receive stops on every channel. */
	hvlis_channel_set_subchannel_cb(nvc->ch, NULL);
	mutex_lock(&nvc->chan_lock);
	nvc->no_subch = true;
	mutex_unlock(&nvc->chan_lock);
	for (i = NVC_MAX_CHANS; i-- > 0;) {
		c = &nvc->chans[i];
		if (c->napi_on) {
			napi_disable(&c->napi);
			c->napi_on = false;
		}
	}
	/* REVOKE_* have no answer: nothing needs a poll any more. */
	if (nvc->open && !gone) {
		nvc_wait_sent(nvc);
		if (nvc->send_connected) {
			nvc_nvsp_init(&req, HVLIS_NVSP1_REVOKE_SEND_BUF);
			req.revoke.id = HVLIS_NVSP_SEND_BUF_ID;
			nvc_nvsp_request(nvc, &req, NULL, NULL);
		}
		if (nvc->recv_connected) {
			nvc_nvsp_init(&req, HVLIS_NVSP1_REVOKE_RECV_BUF);
			req.revoke.id = HVLIS_NVSP_RECV_BUF_ID;
			nvc_nvsp_request(nvc, &req, NULL, NULL);
		}
	}
	/* The sub-channels close first, then the primary. */
	for (i = NVC_MAX_CHANS; i-- > 1;) {
		c = &nvc->chans[i];
		if (c->open) {
			hvlis_channel_close(c->ch);
			WRITE_ONCE(c->open, false);
		}
	}
	if (nvc->open) {
		hvlis_channel_close(nvc->ch);
		nvc->open = false;
		WRITE_ONCE(nvc->chans[0].open, false);
	}
	nvc_tx_reclaim_all(nvc);
	if (nvc->send_gpadl_ok && hvlis_gpadl_teardown(nvc->ch, nvc->send_gpadl)) {
		dev_err(&nvc->hd->dev, "send buffer GPADL not released; leaking it\n");
		nvc->send_buf = NULL;
	}
	if (nvc->recv_gpadl_ok && hvlis_gpadl_teardown(nvc->ch, nvc->recv_gpadl)) {
		dev_err(&nvc->hd->dev, "receive buffer GPADL not released; leaking it\n");
		nvc->recv_buf = NULL;
	}
	nvc->send_gpadl_ok = false;
	nvc->recv_gpadl_ok = false;
}

/*
 * The data path down: the host gives back everything of ours, the
 * channels close, the buffers are freed (a leaked one is never reused),
 * the sub-channels are forgotten (the host rescinds them with the
 * primary) and so is the state of the last negotiation. The netdev stays,
 * on one queue. Safe to call again, and on a half-made data path.
 */
static void nvc_detach(struct nvc_dev *nvc)
{
	struct nvc_stats keep;
	struct nvc_chan *c;
	unsigned int i;

	WRITE_ONCE(nvc->attached, false);
	/*
	 * Not once remove has unregistered the netdev: a carrier change then
	 * queues a link-watch event holding a netdev that remove frees.
	 */
	if (!READ_ONCE(nvc->unregistering))
		netif_carrier_off(nvc->ndev);
	nvc_teardown(nvc);
	mutex_lock(&nvc->chan_lock);
	for (i = 1; i < NVC_MAX_CHANS; i++) {
		c = &nvc->chans[i];
		if (!c->ch)
			continue;
		keep = c->st;
		nvc_chan_free(c);
		memset(c, 0, sizeof(*c));
		c->st = keep;
	}
	nvc->subch_granted = 0;
	/* pairs with the acquire in nvc_start_xmit(): no channel to pick */
	smp_store_release(&nvc->nchans_open, 0);
	mutex_unlock(&nvc->chan_lock);
	nvc->chans[0].rx_comp_n = 0;
	nvc->rss_set = false;
	if (nvc->nqueues > 1) {
		netif_set_real_num_tx_queues(nvc->ndev, 1);
		netif_set_real_num_rx_queues(nvc->ndev, 1);
	}
	nvc->nqueues = 1;
	kfree(nvc->sec_map);
	nvc->sec_map = NULL;
	vfree(nvc->recv_buf);
	nvc->recv_buf = NULL;
	vfree(nvc->send_buf);
	nvc->send_buf = NULL;
	nvc->recv_connected = false;
	nvc->send_connected = false;
	nvc->nvsp_version = 0;
	nvc->ndis_version = 0;
	nvc->filter = 0;
}

/*
 * The data path up for an MTU of @mtu: the primary opened, NVSP and NDIS
 * negotiated, the buffers shared, RNDIS initialized, sub-channels asked
 * for (they open as the host offers them). On failure all of it is taken
 * down again (nvc_detach()).
 */
static int nvc_attach(struct nvc_dev *nvc, u32 mtu, bool first)
{
	int ret;

	mutex_lock(&nvc->chan_lock);
	nvc->no_subch = false;
	mutex_unlock(&nvc->chan_lock);
	ret = nvc_chan_open(&nvc->chans[0]);
	if (ret) {
		dev_err(&nvc->hd->dev, "could not open the channel: %d\n", ret);
		goto fail;
	}
	nvc->open = true;
	/* pairs with the acquire in nvc_start_xmit(): the primary is ready */
	smp_store_release(&nvc->nchans_open, 1);
	nvc->nqueues = 1;
	ret = nvc_negotiate(nvc, mtu);
	if (!ret)
		ret = nvc_buffers(nvc);
	if (!ret)
		ret = nvc_rndis_init(nvc, first);
	if (ret)
		goto fail;
	nvc_offload_attach(nvc, first);
	nvc_vrss_init(nvc);
	WRITE_ONCE(nvc->attached, true);
	return 0;
fail:
	nvc_detach(nvc);
	return ret;
}

static void nvc_free(struct nvc_dev *nvc)
{
	unsigned int i;

	for (i = 0; i < NVC_MAX_CHANS; i++)
		nvc_chan_free(&nvc->chans[i]);
	nvc_tx_free(nvc);
	kfree(nvc->sec_map);
	vfree(nvc->recv_buf);
	vfree(nvc->send_buf);
	kfree(nvc->rndis_req);
	free_netdev(nvc->ndev);
}

/* ------------------------------------------------------------ netdev */

/* The packet filter the interface's flags ask for. */
static u32 nvc_filter_for(const struct net_device *ndev)
{
	u32 f = HVLIS_NDIS_PACKET_DIRECTED | HVLIS_NDIS_PACKET_MULTICAST |
		HVLIS_NDIS_PACKET_BROADCAST;

	if (ndev->flags & IFF_PROMISC)
		f |= HVLIS_NDIS_PACKET_PROMISCUOUS;
	if (ndev->flags & (IFF_ALLMULTI | IFF_PROMISC) || !netdev_mc_empty(ndev))
		f |= HVLIS_NDIS_PACKET_ALL_MULTICAST;
	return f;
}

/* ndo_set_rx_mode runs in atomic context: the RNDIS set waits, so here. */
static void nvc_rx_mode_fn(struct work_struct *work)
{
	struct nvc_dev *nvc = container_of(work, struct nvc_dev, rx_mode_work);
	u32 f;
	int ret;

	/* Under RTNL, like ndo_open and ndo_stop, which set the filter too. */
	rtnl_lock();
	f = netif_running(nvc->ndev) ? nvc_filter_for(nvc->ndev) : 0;
	if (f != nvc->filter && !READ_ONCE(nvc->removing) && nvc->attached &&
	    !hvlis_channel_rescinded(nvc->ch)) {
		ret = nvc_rndis_set_filter(nvc, f);
		if (ret)
			netdev_err(nvc->ndev, "could not set the packet filter %#x: %d\n",
				   f, ret);
	}
	rtnl_unlock();
}

static void nvc_set_rx_mode(struct net_device *ndev)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	if (!READ_ONCE(nvc->removing))
		schedule_work(&nvc->rx_mode_work);
}

static int nvc_open(struct net_device *ndev)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	u32 f = nvc_filter_for(ndev);
	int ret;

	/* A data path that did not come back after an MTU change: once more. */
	if (!nvc->attached) {
		ret = nvc_attach(nvc, ndev->mtu, false);
		if (ret)
			return ret;
	}
	ret = nvc_rndis_set_filter(nvc, f);
	if (ret) {
		netdev_err(ndev, "could not set the packet filter: %d\n", ret);
		return ret;
	}
	netif_start_queue(ndev);
	return 0;
}

static int nvc_stop(struct net_device *ndev)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	netif_tx_disable(ndev);
	if (nvc->attached && !hvlis_channel_rescinded(nvc->ch))
		nvc_rndis_set_filter(nvc, 0);
	return 0;
}

/*
 * Brings the data path back with @mtu, under RTNL: the netdev stays
 * registered (addresses, routes and sockets survive), its queue is
 * stopped meanwhile, and a running interface gets its packet filter back.
 */
static int nvc_reattach(struct nvc_dev *nvc, u32 mtu)
{
	struct net_device *ndev = nvc->ndev;
	bool running = netif_running(ndev);
	int ret;

	ASSERT_RTNL();
	if (running)
		netif_tx_disable(ndev);
	nvc_detach(nvc);
	nvc->chans[0].st.reattach++;
	WRITE_ONCE(ndev->mtu, mtu);
	ret = nvc_attach(nvc, mtu, false);
	if (!ret && running) {
		ret = nvc_rndis_set_filter(nvc, nvc_filter_for(ndev));
		if (ret)
			nvc_detach(nvc);
	}
	if (ret)
		return ret;
	if (running)
		netif_tx_wake_all_queues(ndev);
	/* sub-channels granted: the queues follow once they are open */
	if (nvc->subch_granted)
		schedule_work(&nvc->rss_work);
	return 0;
}

/*
 * ndo_change_mtu: the data path is torn down and brought back with the new
 * MTU in the NDIS configuration, as the in-box driver does; if the host
 * will not take it, the old MTU is brought back.
 */
static int nvc_change_mtu(struct net_device *ndev, int new_mtu)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	u32 old = ndev->mtu;
	int ret, ret2;

	if (READ_ONCE(nvc->removing) || hvlis_channel_rescinded(nvc->ch))
		return -ENODEV;
	ret = nvc_reattach(nvc, new_mtu);
	if (!ret) {
		netdev_info(ndev, "MTU %u -> %d\n", old, new_mtu);
		return 0;
	}
	netdev_err(ndev, "MTU %d not taken (%d); back to %u\n", new_mtu, ret, old);
	ret2 = nvc_reattach(nvc, old);
	if (ret2)
		netdev_err(ndev, "the data path did not come back (%d)\n", ret2);
	return ret;
}

/*
 * ndo_set_mac_address: the host must take the address first (a Hyper-V
 * host refuses unless MAC address spoofing is allowed for the VM); the
 * interface keeps its address when it does not.
 */
static int nvc_set_mac_address(struct net_device *ndev, void *p)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	const u8 *mac = (const u8 *)((const struct sockaddr *)p)->sa_data;
	int ret;

	if (!is_valid_ether_addr(mac))
		return -EADDRNOTAVAIL;
	if (ether_addr_equal(mac, ndev->dev_addr))
		return 0;
	if (!nvc->attached || READ_ONCE(nvc->removing) || hvlis_channel_rescinded(nvc->ch))
		return -ENODEV;
	ret = nvc_set_hw_mac(nvc, mac);
	if (ret) {
		netdev_err(ndev, "the host refused MAC address %pM (%d); MAC address spoofing off on the host?\n",
			   mac, ret);
		return ret;
	}
	eth_hw_addr_set(ndev, mac);
	return 0;
}

static void nvc_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	struct nvc_stats st;

	nvc_stats_sum(nvc, &st);
	s->rx_packets = st.rx_packets;
	s->rx_bytes = st.rx_bytes;
	s->rx_dropped = st.rx_dropped;
	s->rx_errors = st.rx_bad;
	s->tx_packets = st.tx_packets;
	s->tx_bytes = st.tx_bytes;
	s->tx_dropped = st.tx_dropped;
}

static const struct net_device_ops nvc_netdev_ops = {
	.ndo_open = nvc_open,
	.ndo_stop = nvc_stop,
	.ndo_start_xmit = nvc_start_xmit,
	.ndo_get_stats64 = nvc_get_stats64,
	.ndo_set_rx_mode = nvc_set_rx_mode,
	HVLIS_NDO_CHANGE_MTU(nvc_change_mtu),
	.ndo_set_mac_address = nvc_set_mac_address,
	.ndo_set_features = nvc_set_features,
	.ndo_features_check = nvc_features_check,
	.ndo_validate_addr = eth_validate_addr,
};

/* ------------------------------------------------------------ probe */

static int nvc_probe(struct hvlis_device *hd, const struct hvlis_device_id *id)
{
	struct net_device *ndev;
	struct nvc_dev *nvc;
	int ret;

	ndev = alloc_etherdev_mq(sizeof(*nvc), NVC_MAX_CHANS);
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &hd->dev);
	nvc = netdev_priv(ndev);
	nvc->ndev = ndev;
	nvc->hd = hd;
	nvc->ch = hd->channel;
	mutex_init(&nvc->ctl_mutex);
	mutex_init(&nvc->chan_lock);
	spin_lock_init(&nvc->ctl_lock);
	spin_lock_init(&nvc->tx_lock);
	init_completion(&nvc->ctl_done);
	init_completion(&nvc->rndis_done);
	INIT_WORK(&nvc->rx_mode_work, nvc_rx_mode_fn);
	INIT_WORK(&nvc->rss_work, nvc_rss_fn);
	/* 1024 bytes from kmalloc are 1024-aligned: never cross a page. */
	nvc->rndis_req = kzalloc(NVC_REQ_BYTES, GFP_KERNEL);
	if (nvc_chan_init(nvc, 0, nvc->ch) || !nvc->rndis_req ||
	    nvc_tx_alloc(nvc, tx_slots)) {
		nvc_free(nvc);
		return -ENOMEM;
	}
	hvlis_set_drvdata(hd, nvc);

	ret = nvc_attach(nvc, ETH_DATA_LEN, true);
	if (ret)
		goto fail;
	netif_set_real_num_tx_queues(ndev, 1);
	netif_set_real_num_rx_queues(ndev, 1);

	ndev->netdev_ops = &nvc_netdev_ops;
	ndev->ethtool_ops = &nvc_ethtool_ops;
	/*
	 * 802.1Q tags as per-packet info: insertion can be turned off (the
	 * stack then puts the tag in the frame), stripping is what the host
	 * does and stays on.
	 */
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_VLAN_CTAG_TX;
	ndev->features = NETIF_F_SG | NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX;
	nvc_offload_features(nvc);
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	hvlis_netdev_set_mtu_range(ndev, ETH_MIN_MTU, nvc->nvsp_version >= HVLIS_NVSP_V2 ?
				   NVC_JUMBO_MTU : ETH_DATA_LEN);
	ret = register_netdev(ndev);
	if (ret)
		goto fail;
	/* Sub-channels opened before the netdev was registered: use them now. */
	if (nvc->subch_granted)
		schedule_work(&nvc->rss_work);
	dev_info(&hd->dev, "%s: NVSP %#x, NDIS %#x, %u receive slots of %u bytes, %u send sections of %u bytes\n",
		 ndev->name, nvc->nvsp_version, nvc->ndis_version, nvc->rl.slot_count,
		 nvc->rl.slot_size, nvc->sec_count, nvc->sec_size);
	return 0;

fail:
	WRITE_ONCE(nvc->removing, true);
	nvc_detach(nvc);
	hvlis_set_drvdata(hd, NULL);
	nvc_free(nvc);
	return ret;
}

static void nvc_remove(struct hvlis_device *hd)
{
	struct nvc_dev *nvc = hvlis_get_drvdata(hd);
	unsigned int i;

	/* No sub-channel opens from now (nvc_teardown() closes those open). */
	hvlis_channel_set_subchannel_cb(nvc->ch, NULL);
	mutex_lock(&nvc->chan_lock);
	nvc->no_subch = true;
	mutex_unlock(&nvc->chan_lock);

	/*
	 * No carrier change from a host status after this (rx_status()): a
	 * poll that read the flag before it was set ends before unregistering.
	 */
	WRITE_ONCE(nvc->unregistering, true);
	for (i = 0; i < NVC_MAX_CHANS; i++)
		if (nvc->chans[i].napi_on)
			napi_synchronize(&nvc->chans[i].napi);
	/* Stops the queue and clears the filter (ndo_stop) while it answers. */
	unregister_netdev(nvc->ndev);
	WRITE_ONCE(nvc->removing, true);
	cancel_work_sync(&nvc->rx_mode_work);
	cancel_work_sync(&nvc->rss_work);
	nvc_detach(nvc);
	hvlis_set_drvdata(hd, NULL);
	nvc_free(nvc);
}

static const struct hvlis_device_id nvc_ids[] = {
	{ .guid = HVLIS_GUID_NETWORK },
	{ },
};

static struct hvlis_driver nvc_driver = {
	.name = "hv_netvsc",
	.id_table = nvc_ids,
	.probe = nvc_probe,
	.remove = nvc_remove,
};

static int __init nvc_init(void)
{
	if (ring_size < 64 * 1024 || ring_size > 4 * 1024 * 1024 || ring_size % PAGE_SIZE) {
		pr_err("ring_size %u: not a multiple of %lu between 64 KiB and 4 MiB\n",
		       ring_size, PAGE_SIZE);
		return -EINVAL;
	}
	if (recv_buf_kib < 1024 || recv_buf_kib > NVC_RECV_BUF_KIB_MAX || send_buf_kib < 64 ||
	    send_buf_kib > 15360 || recv_buf_kib % 4 || send_buf_kib % 4) {
		pr_err("recv_buf_kib %u / send_buf_kib %u out of range\n", recv_buf_kib,
		       send_buf_kib);
		return -EINVAL;
	}
	if (!max_channels || max_channels > NVC_MAX_CHANS) {
		pr_err("max_channels %u: not within 1..%u\n", max_channels, NVC_MAX_CHANS);
		return -EINVAL;
	}
	if (tx_slots < 16 || tx_slots > NVC_TX_SLOTS_MAX) {
		pr_err("tx_slots %u: not within 16..16384\n", tx_slots);
		return -EINVAL;
	}
	return hvlis_driver_register(&nvc_driver);
}

static void __exit nvc_exit(void)
{
	hvlis_driver_unregister(&nvc_driver);
}

module_init(nvc_init);
module_exit(nvc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis: Hyper-V synthetic network adapter (NVSP/RNDIS)");
MODULE_VERSION(HVLIS_VERSION);
/* the network class in wire order */
MODULE_ALIAS("vmbus:635161f83edfc546913ff2d2f965ed0e");
