// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc's offloads: the host's capabilities (the NDIS 6.0 offload
 * object) become the netdev's features; the features on become the
 * offload parameters the host is given, at every RNDIS initialization and
 * on each ethtool -K. On transmit a CHECKSUM_PARTIAL frame gets the
 * checksum per-packet info (TCP or UDP, where offered; any other checksum
 * is computed here), a GSO frame the LSOv2 per-packet info with its IP
 * length fields and TCP pseudo-header sum as NDIS wants them. On receive
 * a frame is CHECKSUM_UNNECESSARY only when the host's per-packet info
 * says its TCP or UDP checksum succeeded and nothing failed. 802.1Q tags
 * travel as per-packet info both ways, never in the frame: a frame with a
 * tag the stack left to the device gets the 802.1Q info, a received
 * frame's 802.1Q info becomes the skb's tag (nvc_rx_vlan()).
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include "netvsc.h"

#define NVC_OFFLOAD_FEATURES	(NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | NETIF_F_TSO | \
				 NETIF_F_TSO6 | NETIF_F_RXCSUM)

/* What the features ask of the host. */
static void want_from(netdev_features_t f, struct nvc_offload_want *w)
{
	w->tx_csum4 = f & NETIF_F_IP_CSUM;
	w->tx_csum6 = f & NETIF_F_IPV6_CSUM;
	w->rx_csum = f & NETIF_F_RXCSUM;
	w->lso4 = f & NETIF_F_TSO;
	w->lso6 = f & NETIF_F_TSO6;
}

/* Gives the host the offload parameters for @f. */
static int offload_set(struct nvc_dev *nvc, netdev_features_t f)
{
	struct hvlis_ndis_offload_params p;
	struct nvc_offload_want w;
	u32 n;

	want_from(f, &w);
	n = nvc_offload_params(&p, sizeof(p), nvc->ndis_version, &nvc->offload, &w);
	if (!n)
		return -EINVAL;
	return nvc_rndis_set_oid(nvc, HVLIS_OID_TCP_OFFLOAD_PARAMETERS, &p, n);
}

/* The features the host's offloads allow. */
static netdev_features_t offload_features(const struct nvc_offload *o)
{
	netdev_features_t f = 0;

	if (o->tx_tcp4)
		f |= NETIF_F_IP_CSUM;
	if (o->tx_tcp6)
		f |= NETIF_F_IPV6_CSUM;
	if (o->lso4_max)
		f |= NETIF_F_TSO;
	if (o->lso6_max)
		f |= NETIF_F_TSO6;
	if (o->rx_tcp4 || o->rx_tcp6)
		f |= NETIF_F_RXCSUM;
	return f;
}

/**
 * nvc_offload_attach() - learn the host's offloads and set them
 * @nvc: the device, its RNDIS session just initialized
 * @first: at probe (every offload offered is wanted); else after a
 *	rebuild of the data path (the netdev's features say what is wanted)
 *
 * A host that does not answer, or answers with a malformed object, offers
 * nothing; a host that refuses the parameters leaves the offloads off
 * (the features are cut to what it took: nothing). Never fails the attach.
 */
void nvc_offload_attach(struct nvc_dev *nvc, bool first)
{
	struct hvlis_ndis_offload q, a;
	netdev_features_t f;
	int ret;

	memset(&nvc->offload, 0, sizeof(nvc->offload));
	if (!nvc_offload_query(&q, sizeof(q)))
		return;
	ret = nvc_rndis_query_info(nvc, HVLIS_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, &q,
				   sizeof(q), &a, sizeof(a));
	if (ret < 0 || nvc_offload_caps(&a, ret, &nvc->offload)) {
		memset(&nvc->offload, 0, sizeof(nvc->offload));
		if (ret != -EIO)
			dev_warn(&nvc->hd->dev, "no usable offload capabilities from the host (%d)\n",
				 ret);
		return;
	}
	f = offload_features(&nvc->offload);
	if (!first)
		f &= nvc->ndev->features;
	if (offload_set(nvc, f)) {
		dev_warn(&nvc->hd->dev, "the host refused the offload parameters\n");
		memset(&nvc->offload, 0, sizeof(nvc->offload));
	}
}

/**
 * nvc_offload_features() - the netdev's offload features (probe, before
 *	register_netdev())
 * @nvc: the device, attached
 *
 * TSO's limits: the smaller LSOv2 maximum of the two IP versions, and the
 * larger minimum segment count (nvc_features_check() has the stack
 * segment smaller GSO frames).
 */
void nvc_offload_features(struct nvc_dev *nvc)
{
	const struct nvc_offload *o = &nvc->offload;
	struct net_device *ndev = nvc->ndev;
	netdev_features_t f = offload_features(o);
	u32 max = 0, minsegs = 1;

	ndev->hw_features |= f;
	ndev->features |= f;
	/*
	 * A VLAN interface on top gets the same checksum and TSO offloads:
	 * its tag travels as 802.1Q info, so the frame the host sees is the
	 * untagged one these offloads are for.
	 */
	ndev->vlan_features = NETIF_F_SG | f;
	if (o->lso4_max) {
		max = o->lso4_max;
		minsegs = o->lso4_minsegs;
	}
	if (o->lso6_max) {
		max = max ? min(max, o->lso6_max) : o->lso6_max;
		minsegs = max(minsegs, o->lso6_minsegs);
	}
	if (max)
		hvlis_netif_set_tso_max(ndev, max, GSO_MAX_SEGS);
	nvc->lso_min_segs = minsegs;
}

/*
 * Whether @skb reaches the device with a VLAN tag in the frame: one there
 * already, or one the stack inserts after the features are settled (an
 * 802.1ad tag, or any with tx-vlan-offload off).
 */
static bool tag_in_frame(const struct sk_buff *skb, netdev_features_t features)
{
	if (skb->protocol == htons(ETH_P_8021Q) || skb->protocol == htons(ETH_P_8021AD))
		return true;
	return skb_vlan_tag_present(skb) &&
	       (skb->vlan_proto != htons(ETH_P_8021Q) || !(features & NETIF_F_HW_VLAN_CTAG_TX));
}

/**
 * nvc_features_check() - ndo_features_check: what the host is not given
 *	to do for a frame
 * @skb: the frame
 * @ndev: the device
 * @features: what the stack would use
 *
 * Return: @features, without GSO or checksum offload for such a frame.
 */
netdev_features_t nvc_features_check(struct sk_buff *skb, struct net_device *ndev,
				     netdev_features_t features)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	/*
	 * GSO frames of fewer segments than the host's LSOv2 minimum. And a
	 * frame with its 802.1Q tag in the frame (tx-vlan-offload off, or a
	 * second tag): the host's checksum and LSOv2 offloads are for a frame
	 * whose IP header follows the Ethernet header.
	 */
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_segs < READ_ONCE(nvc->lso_min_segs))
		features &= ~NETIF_F_GSO_MASK;
	if (tag_in_frame(skb, features))
		features &= ~(NETIF_F_GSO_MASK | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM);
	return features;
}

/**
 * nvc_set_features() - ndo_set_features: ethtool -K
 * @ndev: the device
 * @features: the features wanted
 *
 * The host gets the offload parameters for @features; while the data path
 * is down they wait for the next attach (nvc_offload_attach()).
 *
 * Return: 0, or a negative errno (the features stay as they were).
 */
int nvc_set_features(struct net_device *ndev, netdev_features_t features)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	if (!((ndev->features ^ features) & NVC_OFFLOAD_FEATURES) || !READ_ONCE(nvc->attached))
		return 0;
	return offload_set(nvc, features);
}

/* LSOv2: the IP length fields and the TCP pseudo-header sum as NDIS has them. */
static int tx_lso(struct nvc_chan *c, struct sk_buff *skb, struct nvc_tx_info *ti)
{
	struct nvc_dev *nvc = c->nvc;
	u32 thoff = skb_transport_offset(skb), mss = skb_shinfo(skb)->gso_size;
	bool v6 = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6;

	if ((v6 && !nvc->offload.lso6_max) || (!v6 && !nvc->offload.lso4_max) ||
	    skb_cow_head(skb, 0))
		return -EINVAL;
	if (v6) {
		if (thoff != skb_network_offset(skb) + sizeof(struct ipv6hdr))
			return -EINVAL;
		ipv6_hdr(skb)->payload_len = 0;
		tcp_hdr(skb)->check = ~csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
						       &ipv6_hdr(skb)->daddr, 0, IPPROTO_TCP, 0);
	} else {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = 0;
		iph->check = 0;
		tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
							 IPPROTO_TCP, 0);
	}
	ti->lso = nvc_lso2_info(v6, thoff, mss);
	ti->csum = 0;
	if (!ti->lso)
		return -EINVAL;
	c->st.tx_lso++;
	return 0;
}

/**
 * nvc_tx_offload() - the per-packet info of a frame to the host
 * @c: the frame's channel (its TX queue's lock held)
 * @skb: the frame
 * @ti: receives the checksum and LSOv2 values (0: none) and the 802.1Q
 *	info of a frame whose tag the stack left to the device
 *
 * Return: 0, or a negative errno: the frame cannot be sent (dropped).
 */
int nvc_tx_offload(struct nvc_chan *c, struct sk_buff *skb, struct nvc_tx_info *ti)
{
	const struct nvc_offload *o = &c->nvc->offload;
	u32 thoff = skb_transport_offset(skb);
	bool v6, tcp;
	u8 proto;

	ti->csum = 0;
	ti->lso = 0;
	ti->has_vlan = skb_vlan_tag_present(skb);
	ti->vlan = ti->has_vlan ? nvc_vlan_info(skb_vlan_tag_get(skb)) : 0;
	if (ti->has_vlan)
		c->st.tx_vlan++;
	if (skb_is_gso(skb))
		return tx_lso(c, skb, ti);
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		v6 = false;
		proto = ip_hdr(skb)->protocol;
		break;
	case htons(ETH_P_IPV6):
		v6 = true;
		proto = ipv6_hdr(skb)->nexthdr;
		if (thoff != skb_network_offset(skb) + sizeof(struct ipv6hdr))
			proto = 0;
		break;
	default:
		proto = 0;
		v6 = false;
		break;
	}
	tcp = proto == IPPROTO_TCP;
	if ((tcp && (v6 ? o->tx_tcp6 : o->tx_tcp4)) ||
	    (proto == IPPROTO_UDP && (v6 ? o->tx_udp6 : o->tx_udp4)))
		ti->csum = nvc_txcsum_info(v6, tcp, thoff);
	if (ti->csum) {
		c->st.tx_csum++;
		return 0;
	}
	/* Not one the host computes: here. */
	c->st.tx_csum_sw++;
	return skb_checksum_help(skb);
}

/**
 * nvc_rx_csum() - a received frame's checksum state
 * @c: the channel (its NAPI)
 * @skb: the frame
 * @info: what its per-packet info said
 *
 * CHECKSUM_UNNECESSARY only with RXCSUM on and the host's "succeeded";
 * never after a "failed" (the stack checks the frame and drops it).
 */
void nvc_rx_csum(struct nvc_chan *c, struct sk_buff *skb, const struct nvc_rx_info *info)
{
	switch (nvc_rx_csum_verdict(info)) {
	case NVC_RX_CSUM_OK:
		if (c->nvc->ndev->features & NETIF_F_RXCSUM) {
			skb->ip_summed = CHECKSUM_UNNECESSARY;
			c->st.rx_csum_ok++;
		}
		break;
	case NVC_RX_CSUM_FAILED:
		c->st.rx_csum_bad++;
		break;
	default:
		break;
	}
}

/**
 * nvc_rx_vlan() - a received frame's 802.1Q info, checked
 * @c: the channel (its NAPI)
 * @info: what the frame's per-packet info said
 * @tci: receives the tag to put on the frame (return 1 only)
 *
 * One whole record with a VLAN id of 1..4094 is a tag. A record with VLAN
 * id 0 (priority only) is ignored. More than one record, a record too
 * short for its value, or the reserved VLAN id 4095 come only from a
 * hostile host: the frame is dropped, counted, and logged (rate-limited).
 *
 * Return: 1 with a tag in @tci, 0 without a tag, -EINVAL to drop the frame.
 */
int nvc_rx_vlan(struct nvc_chan *c, const struct nvc_rx_info *info, u16 *tci)
{
	enum nvc_rx_vlan v = nvc_rx_vlan_verdict(info, tci);

	switch (v) {
	case NVC_RX_VLAN_NONE:
		return 0;
	case NVC_RX_VLAN_TAG:
		c->st.rx_vlan++;
		return 1;
	case NVC_RX_VLAN_PRIO:
		c->st.rx_vlan_prio++;
		return 0;
	default:
		c->st.rx_vlan_bad++;
		net_err_ratelimited("%s: frame with a malformed 802.1Q info from the host dropped (%s)\n",
				    c->nvc->ndev->name,
				    v == NVC_RX_VLAN_DUP ? "duplicated" :
				    v == NVC_RX_VLAN_BAD_SIZE ? "wrong size" : "VLAN id 4095");
		return -EINVAL;
	}
}
