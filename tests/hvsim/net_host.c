// SPDX-License-Identifier: GPL-2.0-only
/*
 * The network side of hvsim: a synthetic network adapter's host end (the
 * netvsc class f8615163-df3e-46c5-913f-f2d2f965ed0e) with a host-side
 * netdev, hvsimnet<N>, in this VM standing for the virtual switch port.
 * Frames the guest sends come out of hvsimnet<N> as received frames;
 * frames hvsimnet<N> transmits go to the guest.
 *
 * Control (the ctl file, see control.c):
 *   add net [instance] [monitored] [gen=G] [mac=MAC] [mtu=N] [subch=N] [macspoof=0|1]
 *     an adapter of host generation G (2008r2 2012 2012r2 2016 2019
 *     2022, default 2022) with the guest's MAC address MAC (default
 *     00:15:5d:68:76:<n>), MTU N (default 1500, 576..9000) and at most
 *     N sub-channels (default 4, 0..15); macspoof=1: MAC address
 *     spoofing allowed (default off, as on Hyper-V)
 *
 *   net <relid> link up|down   the link state; the guest gets an RNDIS
 *                              status indication (media connect/disconnect)
 *   net <relid> gen <G>        the generation, for the next initialization
 *   net <relid> macspoof on|off   MAC address spoofing: with it, the guest
 *                              may set its address (NetworkAddress) and
 *                              send from any; without it, the set is
 *                              refused and frames from another source
 *                              address are dropped (src_mac_refused)
 *   net <relid> fault <name> [count=N]   arm a fault for the next N
 *                              (default 1) frames to the guest:
 *     lie-length     the RNDIS message's length 64 KiB past its range
 *     data-offset    the data offset past the message
 *     data-length    the data length past the message
 *     bad-ppi        a per-packet-info record that claims 2 GiB
 *     recv-offset    the range's offset past the receive buffer
 *     recv-count     the range running past the receive buffer's end
 *     section-index  SEND_RNDIS_PKT naming send-buffer section 7
 *     set-id         a transfer page set id the guest never gave
 *     unknown-tid    first a completion of a send the guest never made
 *                    (the frame itself goes through)
 *     rx-csum-failed the next TCP frame with a payload: its last byte
 *                    changed after its checksum, and (receive checksum
 *                    offload on) a checksum info saying "TCP failed"
 *     stale-give     the frame's slots are taken, its give fails (as
 *                    on a channel the guest closed meanwhile: the frame
 *                    is lost) and its slots go back only once a later
 *                    receive buffer has a frame at the same first slot
 *                    (stale_undos): the window of a host thread held up
 *                    across the guest's data-path rebuild, made certain
 *     vlan-dup       the frame with two 802.1Q infos (VLAN ids 5 and 6)
 *     vlan-short     the frame with an 802.1Q info of a 2-byte value
 *     vlan-4095      the frame with an 802.1Q info naming VLAN id 4095
 *     vlan-vid0      the frame with an 802.1Q info of VLAN id 0
 *                    (priority 5 only); each replaces the frame's own tag
 *   (a rescind with traffic flowing: "rescind <relid>", control.c)
 *
 * Protocol (wire formats: hvlis/nvsp_proto.h, hvlis/rndis_proto.h): NVSP
 * INIT (the newest version in the guest's range that the generation has),
 * NDIS config (the guest's MTU: frames to the guest longer than it are
 * dropped and counted, to_guest_too_big; without one, 1500) and version,
 * the receive buffer (its GPADL mapped; one section of 1728-byte slots; a
 * message longer than a slot takes contiguous slots, one transfer range),
 * the send buffer (6144-byte sections), revokes, SUBCHANNEL (5 and later;
 * up to subch); RNDIS INITIALIZE, QUERY (MAC, max frame size, link speed,
 * media connect status, packet filter, RSS and offload capabilities), SET
 * (packet filter, offload parameters, multicast list, the NetworkAddress
 * device parameter (the guest's MAC address, under macspoof), RSS
 * parameters with the indirection table that picks the channel of each
 * frame to the guest), KEEPALIVE, RESET, HALT. Offloads: the NDIS 6.0
 * capabilities per generation (gens[]); a guest frame's checksum and
 * LSOv2 per-packet info are carried out (offload_csum(), offload_lso()),
 * the checksums of hvsimnet<N>'s frames computed and reported to the
 * guest (rx_csum_info()). 802.1Q: a guest frame's 802.1Q info becomes
 * the frame's tag on hvsimnet<N> (a VLAN device on it gets the frame), a
 * tagged frame hvsimnet<N> sends (it offers tag insertion) goes to the
 * guest untagged with the 802.1Q info. Every offset, length, section index
 * and per-packet-info record the guest gives is checked; a bad message is
 * counted (bad_rndis) and completed with a failure status, and the host
 * goes on.
 *
 * The net file: one "<relid> <key> <value>" line per counter of each
 * adapter (see hvsim_net_show()).
 */
#define pr_fmt(fmt) "hvsim: net: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/wait.h>
#include <linux/vmalloc.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include <hvlis/compat_base.h>
#include <hvlis/compat_mm.h>
#include <hvlis/compat_net.h>
#include <hvlis/nvsp_proto.h>
#include <hvlis/rndis_proto.h>
#include "hvsim.h"
#include "hvsim_dev.h"

#define NET_MAX_CHANS		16	/* the primary and 15 sub-channels */
#define NET_DEF_SUBCH		4
#define NET_MIN_MTU		576
#define NET_MAX_MTU		9000
#define NET_LSO_MAX		62780	/* LSOv2 maximum offered (IPv4 and IPv6) */
#define NET_LSO_MINSEGS		2
#define NET_TXQ_MAX		512	/* frames waiting for the guest */

/*
 * NET_SLOT: the receive buffer's slot size the host answers (a frame
 * longer than one slot takes contiguous slots, one transfer range).
 * NET_SEND_SECTION: the send buffer's section size. NET_TID: the top
 * half of the transaction ids of the host's transfer-page packets; in the
 * low half, bits 0-15 are the first slot and bits 16-30 the receive
 * buffer's generation (NET_GEN_MAX: each buffer the guest shares gets the
 * next, 1..NET_GEN_MAX in turn), so that a completion naming a buffer the
 * host no longer has (revoked, or an earlier one) is told apart
 * (late_completions) and never frees a slot of the buffer in use.
 */
#define NET_SLOT		1728u
#define NET_SEND_SECTION	6144u
#define NET_TID			0x6876736e00000000ull	/* "nsvh" */
#define NET_TID_SLOT_MASK	0xffffu
#define NET_TID_GEN_SHIFT	16
#define NET_GEN_MAX		0x7fffu
#define NET_MSG_MAX		(ETH_HLEN + VLAN_HLEN + NET_LSO_MAX + 512)
#define NET_LINK_SPEED		100000000u	/* 10 Gbit/s in 100 bit/s */
#define NET_RX_WAIT		(HZ / 2)	/* a full receive buffer: wait this long */

/*
 * Faults of a hostile host, each armed for the next N frames to the guest
 * (the "net <relid> fault" command). All but unknown-tid spoil the frame
 * they ride on; its slots are taken back at once and its transaction id
 * is NET_TID | NET_TID_FAULT, so the guest's completion of it (if any) is
 * counted apart (fault_completions).
 */
enum net_fault {
	NF_LIE_LENGTH,		/* RNDIS message length 64 KiB past the range */
	NF_DATA_OFFSET,		/* data offset past the message */
	NF_DATA_LENGTH,		/* data length past the message */
	NF_BAD_PPI,		/* a per-packet-info record claiming 2 GiB */
	NF_RECV_OFFSET,		/* range offset past the receive buffer */
	NF_RECV_COUNT,		/* range running past the receive buffer's end */
	NF_SECTION_INDEX,	/* SEND_RNDIS_PKT naming send-buffer section 7 */
	NF_SET_ID,		/* a transfer page set the guest never gave */
	NF_UNKNOWN_TID,		/* first a completion of a send never made */
	NF_RX_CSUM,		/* a TCP frame spoiled and marked "checksum failed" */
	NF_STALE_GIVE,		/* the give fails, its slots go back late (stale_undos) */
	NF_VLAN_DUP,		/* two 802.1Q infos (VLAN ids 5 and 6) */
	NF_VLAN_SHORT,		/* an 802.1Q info with a 2-byte value */
	NF_VLAN_4095,		/* an 802.1Q info naming the reserved VLAN id 4095 */
	NF_VLAN_VID0,		/* an 802.1Q info with VLAN id 0, priority 5 */
	NF_COUNT
};

static const char *const fault_names[NF_COUNT] = {
	"lie-length", "data-offset", "data-length", "bad-ppi", "recv-offset", "recv-count",
	"section-index", "set-id", "unknown-tid", "rx-csum-failed", "stale-give",
	"vlan-dup", "vlan-short", "vlan-4095", "vlan-vid0",
};

/* The 802.1Q faults: a well-formed message whose 802.1Q info is hostile. */
static bool vlan_fault(int f)
{
	return f >= NF_VLAN_DUP && f <= NF_VLAN_VID0;
}

#define NET_TID_FAULT		0xffffffffu

/*
 * A host generation: the newest NVSP version it accepts (as hvsim models
 * it; sub-channels need 5, so they come with 2012 R2 and later).
 */
struct net_gen {
	const char *name;
	u32 nvsp;
	bool ip6_offload;	/* checksum and LSOv2 offload over IPv6 too */
};

/*
 * hvsim's model of the offloads (OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
 * the NDIS 6.0 object): TCP and UDP checksums both ways and LSOv2 (up to
 * NET_LSO_MAX bytes, at least NET_LSO_MINSEGS segments) over IPv4 from
 * 2008 R2 on, over IPv6 too from 2012 on.
 */
static const struct net_gen gens[] = {
	{ "2008r2", HVLIS_NVSP_V2, false },
	{ "2012", HVLIS_NVSP_V4, true },
	{ "2012r2", HVLIS_NVSP_V5, true },
	{ "2016", HVLIS_NVSP_V6, true },
	{ "2019", HVLIS_NVSP_V61, true },
	{ "2022", HVLIS_NVSP_V61, true },
};

static const u32 known_nvsp[] = {
	HVLIS_NVSP_V1, HVLIS_NVSP_V2, HVLIS_NVSP_V4, HVLIS_NVSP_V5, HVLIS_NVSP_V6,
	HVLIS_NVSP_V61,
};

struct net_chan {
	u32 relid;		/* 0: none */
	bool open;
	atomic64_t from_guest_frames, from_guest_bytes;
	atomic64_t to_guest_frames, to_guest_bytes;
};

struct net_dev {
	struct list_head node;
	u32 relid;		/* the primary channel */
	bool dead;		/* primary released: gone for good */
	struct hvlis_guid instance;
	const struct net_gen *gen;
	u8 mac[ETH_ALEN];	/* the guest's */
	u8 guest_mac[ETH_ALEN];	/* the one the guest set (NetworkAddress), or mac */
	bool macspoof;		/* MAC address spoofing allowed */
	u32 mtu;
	u16 max_subch;
	struct net_device *ndev;	/* hvsimnet<N> */

	struct mutex lock;	/* the protocol state below; never held into host.c */
	u32 nvsp;		/* negotiated; 0: none yet */
	u32 ndis;
	u32 guest_mtu;		/* from SEND_NDIS_CONFIG, Ethernet header included; 0: none */
	struct hvsim_map recv, send;
	u16 recv_id;
	u32 slots;		/* in the receive buffer, at most NET_TID_SLOT_MASK */
	u32 recv_gen;		/* the receive buffer's generation (NET_TID) */
	unsigned long *busy;	/* a bit per slot */
	u16 *run;		/* at a packet's first slot: its slots; else 0 */
	u32 cursor;		/* where the next search for free slots starts */
	u32 used;		/* slots taken */
	u64 wraps;		/* messages placed below the last one: the buffer wrapped */
	u32 send_sections;
	bool rndis_up;		/* INITIALIZE answered, no HALT since */
	bool link_up;
	u32 filter;		/* OID_GEN_CURRENT_PACKET_FILTER */
	u16 subch_created;
	u16 sub_want;
	u32 fault_left[NF_COUNT];
	/* stale-give: a frame whose give failed; its slots go back late */
	bool stale_held;
	u32 stale_first, stale_gen;
	u32 rss_table[HVLIS_NDIS_RSS_TABLE_ENTRIES];
	bool rss;		/* the table is set */
	/* OID_TCP_OFFLOAD_PARAMETERS as the guest set them (HVLIS_NDIS_OFFLOAD_*) */
	u8 off_tcp4, off_udp4, off_tcp6, off_udp6, off_lso4, off_lso6;
	wait_queue_head_t slot_wq;	/* slots freed */
	struct work_struct sub_work;	/* offer or rescind sub-channels */

	struct sk_buff_head txq;	/* hvsimnet<N>'s frames for the guest */
	struct work_struct tx_work;

	struct net_chan chans[NET_MAX_CHANS];
	atomic64_t bad_packets, dropped, bad_rndis, unknown_completions, completions;
	atomic64_t late_completions;	/* of a buffer the host no longer has */
	atomic64_t version_refused, inits, rndis_inits, queries, sets, unsupported_oids;
	atomic64_t keepalives, halts, rx_full_waits, not_ready, indications, send_errors;
	atomic64_t send_section_pkts, page_buffer_pkts, revokes, fault_completions;
	atomic64_t faults_fired[NF_COUNT];
	atomic64_t ndis_configs, to_guest_too_big, jumbo_to_guest, jumbo_from_guest;
	atomic64_t mac_changes, mac_refused, src_mac_refused;
	atomic64_t tx_csum, tx_lso, tx_lso_segs, rx_csum_ok, rx_csum_failed, offload_refused;
	atomic64_t offload_sets, stale_undos;
	/* 802.1Q: frames from the guest with the info / with a tag in the frame */
	atomic64_t vlan_from_guest, vlan_inframe_from_guest, vlan_to_guest;
	atomic_t vlan_last_id;	/* the VLAN id of the last guest frame with one */
};

struct net_priv {
	struct net_dev *d;
};

static LIST_HEAD(devs);
static DEFINE_MUTEX(devs_lock);
static u32 instances;

static const struct net_gen *gen_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gens); i++)
		if (!strcmp(gens[i].name, name))
			return &gens[i];
	return NULL;
}

/* ------------------------------------------------------ the host netdev */

static int hn_open(struct net_device *ndev)
{
	netif_start_queue(ndev);
	return 0;
}

static int hn_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	return 0;
}

/* hvsimnet<N> transmits: the frame goes to the guest (tx_work). */
static netdev_tx_t hn_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct net_dev *d = ((struct net_priv *)netdev_priv(ndev))->d;

	if (skb_queue_len(&d->txq) >= NET_TXQ_MAX) {
		atomic64_inc(&d->dropped);
		ndev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	skb_queue_tail(&d->txq, skb);
	schedule_work(&d->tx_work);
	return NETDEV_TX_OK;
}

static const struct net_device_ops hn_ops = {
	.ndo_open = hn_open,
	.ndo_stop = hn_stop,
	.ndo_start_xmit = hn_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/*
 * Without MAC address spoofing the switch port drops a frame from the
 * guest whose source address is not the adapter's (counted).
 */
static bool src_mac_ok(struct net_dev *d, const u8 *frame)
{
	if (READ_ONCE(d->macspoof) || ether_addr_equal(frame + ETH_ALEN, d->mac))
		return true;
	atomic64_inc(&d->src_mac_refused);
	return false;
}

/* ------------------------------------------------------ offloads */

/* What a data message's per-packet info asks of the host. */
struct net_tx_ppi {
	u32 csum;		/* HVLIS_PPI_CSUM value, 0: none */
	u32 lso;		/* HVLIS_PPI_LSO value, 0: none */
	bool has_vlan;
	u32 vlan;		/* HVLIS_PPI_VLAN value */
};

/* Is a checksum offload parameter on for the guest's transmit? */
static bool off_tx(u8 v)
{
	return v == HVLIS_NDIS_OFFLOAD_TX || v == HVLIS_NDIS_OFFLOAD_TX_RX;
}

/* Is a checksum offload parameter on for the guest's receive? */
static bool off_rx(u8 v)
{
	return v == HVLIS_NDIS_OFFLOAD_RX || v == HVLIS_NDIS_OFFLOAD_TX_RX;
}

/* The answer to OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES: the NDIS 6.0 object. */
static int offload_caps(struct net_dev *d, u8 *info, u32 room)
{
	struct hvlis_ndis_offload o;
	u32 c4 = HVLIS_NDIS_CSUM_CAP_TCP4 | HVLIS_NDIS_CSUM_CAP_UDP4 | HVLIS_NDIS_CSUM_CAP_IP4;
	u32 c6 = HVLIS_NDIS_CSUM_CAP_TCP6 | HVLIS_NDIS_CSUM_CAP_UDP6;

	if (room < sizeof(o))
		return -1;
	memset(&o, 0, sizeof(o));
	o.hdr.type = HVLIS_NDIS_OBJ_OFFLOAD;
	o.hdr.revision = HVLIS_NDIS_OFFLOAD_REV_1;
	o.hdr.size = sizeof(o);
	o.ip4_txenc = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o.ip4_rxenc = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o.ip4_txcsum = c4;
	o.ip4_rxcsum = c4;
	o.lsov2_ip4_encap = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
	o.lsov2_ip4_maxsz = NET_LSO_MAX;
	o.lsov2_ip4_minsg = NET_LSO_MINSEGS;
	if (d->gen->ip6_offload) {
		o.ip6_txenc = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
		o.ip6_rxenc = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
		o.ip6_txcsum = c6;
		o.ip6_rxcsum = c6;
		o.lsov2_ip6_encap = HVLIS_NDIS_OFFLOAD_ENCAP_8023;
		o.lsov2_ip6_maxsz = NET_LSO_MAX;
		o.lsov2_ip6_minsg = NET_LSO_MINSEGS;
	}
	memcpy(info, &o, sizeof(o));
	return sizeof(o);
}

/*
 * OID_TCP_OFFLOAD_PARAMETERS: at least the NDIS 6.1 part of a DEFAULT
 * object whose size lies inside the buffer; every checksum field 0..4,
 * every LSO field 0..2, nothing turned on that the generation does not
 * offer. 0 ("no change") keeps a field as it was. Under d->lock.
 */
static u32 offload_set(struct net_dev *d, const u8 *info, u32 len)
{
	struct hvlis_ndis_offload_params p;
	const u8 *cs[4];
	u8 *dst[4] = { &d->off_tcp4, &d->off_udp4, &d->off_tcp6, &d->off_udp6 };
	unsigned int i;

	if (len < HVLIS_NDIS_OFFLOAD_PARAMS_SIZE_6_1)
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	memset(&p, 0, sizeof(p));
	memcpy(&p, info, min_t(u32, len, sizeof(p)));
	if (p.hdr.type != HVLIS_NDIS_OBJ_DEFAULT ||
	    p.hdr.size < HVLIS_NDIS_OFFLOAD_PARAMS_SIZE_6_1 || p.hdr.size > len)
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	cs[0] = &p.tcp4_csum;
	cs[1] = &p.udp4_csum;
	cs[2] = &p.tcp6_csum;
	cs[3] = &p.udp6_csum;
	for (i = 0; i < 4; i++)
		if (*cs[i] > HVLIS_NDIS_OFFLOAD_TX_RX)
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
	if (p.lsov2_ip4 > HVLIS_NDIS_OFFLOAD_ENABLED || p.lsov2_ip6 > HVLIS_NDIS_OFFLOAD_ENABLED)
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	if (!d->gen->ip6_offload &&
	    (p.tcp6_csum > HVLIS_NDIS_OFFLOAD_OFF || p.udp6_csum > HVLIS_NDIS_OFFLOAD_OFF ||
	     p.lsov2_ip6 == HVLIS_NDIS_OFFLOAD_ENABLED))
		return HVLIS_RNDIS_STATUS_NOT_SUPPORTED;
	for (i = 0; i < 4; i++)
		if (*cs[i] != HVLIS_NDIS_OFFLOAD_NO_CHANGE)
			*dst[i] = *cs[i];
	if (p.lsov2_ip4 != HVLIS_NDIS_OFFLOAD_NO_CHANGE)
		d->off_lso4 = p.lsov2_ip4;
	if (p.lsov2_ip6 != HVLIS_NDIS_OFFLOAD_NO_CHANGE)
		d->off_lso6 = p.lsov2_ip6;
	atomic64_inc(&d->offload_sets);
	return HVLIS_RNDIS_STATUS_SUCCESS;
}

/* Offloads back to off: a new RNDIS session. Under d->lock. */
static void offload_reset(struct net_dev *d)
{
	d->off_tcp4 = HVLIS_NDIS_OFFLOAD_OFF;
	d->off_udp4 = HVLIS_NDIS_OFFLOAD_OFF;
	d->off_tcp6 = HVLIS_NDIS_OFFLOAD_OFF;
	d->off_udp6 = HVLIS_NDIS_OFFLOAD_OFF;
	d->off_lso4 = HVLIS_NDIS_OFFLOAD_DISABLED;
	d->off_lso6 = HVLIS_NDIS_OFFLOAD_DISABLED;
}

/*
 * The frame's IP version and transport protocol, if the IP header is
 * whole and the transport header follows it at @thoff (IPv4 options
 * allowed, IPv6 extension headers not): 4 or 6, else 0.
 */
static int frame_l3(struct sk_buff *skb, u32 thoff, u8 *proto)
{
	const struct iphdr *ip4;
	const struct ipv6hdr *ip6;

	if (skb->len < ETH_HLEN + sizeof(*ip6))
		return 0;
	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_IP):
		ip4 = (const void *)(skb->data + ETH_HLEN);
		if (ip4->version != 4 || ip4->ihl < 5 || thoff != ETH_HLEN + ip4->ihl * 4u ||
		    ip_is_fragment(ip4))
			return 0;
		*proto = ip4->protocol;
		return 4;
	case htons(ETH_P_IPV6):
		ip6 = (const void *)(skb->data + ETH_HLEN);
		if (ip6->version != 6 || thoff != ETH_HLEN + sizeof(*ip6))
			return 0;
		*proto = ip6->nexthdr;
		return 6;
	default:
		return 0;
	}
}

/*
 * A checksum the guest left to the host: computed here over the frame as
 * it is (the field holds the pseudo-header sum, as NDIS has it), then the
 * frame goes up as CHECKSUM_NONE, so the host's stack checks what was
 * computed. False: the per-packet info does not match the frame.
 */
static bool offload_csum(struct net_dev *d, struct sk_buff *skb, u32 v)
{
	u32 thoff = (v & HVLIS_NDIS_TXCSUM_THOFF_MASK) >> HVLIS_NDIS_TXCSUM_THOFF_SHIFT;
	bool tcp = v & HVLIS_NDIS_TXCSUM_TCP, udp = v & HVLIS_NDIS_TXCSUM_UDP;
	bool is4, is6;
	int l3;
	u8 proto = 0, mode;
	u32 need;

	if (tcp == udp)
		return false;
	l3 = frame_l3(skb, thoff, &proto);
	is4 = l3 == 4;
	is6 = l3 == 6;
	if (!l3 || is4 != !!(v & HVLIS_NDIS_TXCSUM_IPV4) ||
	    is6 != !!(v & HVLIS_NDIS_TXCSUM_IPV6) ||
	    proto != (tcp ? IPPROTO_TCP : IPPROTO_UDP))
		return false;
	mutex_lock(&d->lock);
	if (l3 == 4)
		mode = tcp ? d->off_tcp4 : d->off_udp4;
	else
		mode = tcp ? d->off_tcp6 : d->off_udp6;
	mutex_unlock(&d->lock);
	if (!off_tx(mode))
		return false;
	need = thoff + (tcp ? sizeof(struct tcphdr) : sizeof(struct udphdr));
	if (skb->len < need)
		return false;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + thoff;
	skb->csum_offset = tcp ? offsetof(struct tcphdr, check) : offsetof(struct udphdr, check);
	if (skb_checksum_help(skb))
		return false;
	if ((v & HVLIS_NDIS_TXCSUM_IP) && l3 == 4)
		ip_send_check((struct iphdr *)(skb->data + ETH_HLEN));
	skb->ip_summed = CHECKSUM_NONE;
	atomic64_inc(&d->tx_csum);
	return true;
}

/*
 * An LSOv2 frame: the IP length fields and the TCP pseudo-header sum are
 * the host's to fill in; the frame is cut into segments of the MSS the
 * per-packet info gives (skb_gso_segment() with no offload feature, so
 * every segment's checksums are computed in software) and each goes up
 * as CHECKSUM_NONE. NULL: the per-packet info does not match the frame.
 */
static struct sk_buff *offload_lso(struct net_dev *d, struct sk_buff *skb, u32 v)
{
	u32 thoff = (v & HVLIS_NDIS_LSO2_THOFF_MASK) >> HVLIS_NDIS_LSO2_THOFF_SHIFT;
	u32 mss = v & HVLIS_NDIS_LSO2_MSS_MASK, tcplen;
	bool ip6 = v & HVLIS_NDIS_LSO2_IPV6;
	struct sk_buff *segs;
	struct tcphdr *th;
	u8 proto = 0, mode;
	int l3;

	l3 = frame_l3(skb, thoff, &proto);
	if (l3 == 6 && !ip6)
		return NULL;
	if (!(v & HVLIS_NDIS_LSO2_TYPE) || !mss || !l3 || (ip6 && l3 != 6) ||
	    proto != IPPROTO_TCP || skb->len < thoff + sizeof(*th))
		return NULL;
	th = (struct tcphdr *)(skb->data + thoff);
	if (th->doff < 5 || skb->len < thoff + th->doff * 4u)
		return NULL;
	tcplen = skb->len - thoff;
	if (tcplen - th->doff * 4u <= mss)
		return NULL;	/* one segment: not what LSO is for */
	mutex_lock(&d->lock);
	mode = ip6 ? d->off_lso6 : d->off_lso4;
	mutex_unlock(&d->lock);
	if (mode != HVLIS_NDIS_OFFLOAD_ENABLED)
		return NULL;
	skb_reset_mac_header(skb);
	skb->mac_len = ETH_HLEN;
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, thoff);
	if (l3 == 4) {
		struct iphdr *iph = ip_hdr(skb);

		if (skb->len - ETH_HLEN > 0xffff)
			return NULL;
		iph->tot_len = htons(skb->len - ETH_HLEN);
		iph->check = 0;
		ip_send_check(iph);
		skb->protocol = htons(ETH_P_IP);
		th->check = ~tcp_v4_check(tcplen, iph->saddr, iph->daddr, 0);
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(tcplen);
		skb->protocol = htons(ETH_P_IPV6);
		th->check = ~tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr, 0);
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
	}
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = 0;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + thoff;
	skb->csum_offset = offsetof(struct tcphdr, check);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return NULL;
	atomic64_inc(&d->tx_lso);
	return segs;
}

/* One frame (or segment) up hvsimnet<N>'s receive path. */
static void host_receive(struct net_dev *d, u16 sub, struct sk_buff *skb)
{
	u32 len = skb->len;

	skb->protocol = eth_type_trans(skb, d->ndev);
	atomic64_inc(&d->chans[sub].from_guest_frames);
	atomic64_add(len, &d->chans[sub].from_guest_bytes);
	if (len > ETH_FRAME_LEN)
		atomic64_inc(&d->jumbo_from_guest);
	d->ndev->stats.rx_packets++;
	d->ndev->stats.rx_bytes += len;
	/* Process context: the receive softirq work runs when bhs come back on. */
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
}

/*
 * A frame the guest sent comes out of hvsimnet<N>, after the offloads its
 * per-packet info asks for: an LSOv2 frame (up to NET_LSO_MAX bytes) as
 * its segments, a checksum-offloaded one with its checksum. Per-packet
 * info for an offload the guest did not turn on, or that does not match
 * the frame, drops the frame (offload_refused). False: not a frame.
 */
static bool to_host(struct net_dev *d, u16 sub, const u8 *frame, u32 len,
		    const struct net_tx_ppi *ppi)
{
	u32 max = ppi->lso ? ETH_HLEN + NET_LSO_MAX : ETH_HLEN + VLAN_HLEN + d->ndev->mtu;
	struct sk_buff *skb, *segs, *next;

	if (len < ETH_HLEN || len > max)
		return false;
	if (!src_mac_ok(d, frame))
		return true;
	skb = netdev_alloc_skb(d->ndev, len + NET_IP_ALIGN);
	if (!skb) {
		atomic64_inc(&d->dropped);
		return true;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put_data(skb, frame, len);
	skb_reset_mac_header(skb);
	if (eth_hdr(skb)->h_proto == htons(ETH_P_8021Q))
		atomic64_inc(&d->vlan_inframe_from_guest);
	if (ppi->has_vlan) {
		u32 vid = (ppi->vlan & HVLIS_NDIS_VLAN_ID_MASK) >> HVLIS_NDIS_VLAN_ID_SHIFT;
		u16 tci = vid | (ppi->vlan & HVLIS_NDIS_VLAN_PRI_MASK) << VLAN_PRIO_SHIFT |
			  (ppi->vlan & HVLIS_NDIS_VLAN_CFI ? VLAN_CFI_MASK : 0);

		atomic64_inc(&d->vlan_from_guest);
		atomic_set(&d->vlan_last_id, vid);
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	}
	if (ppi->lso) {
		segs = offload_lso(d, skb, ppi->lso);
		if (!segs)
			goto refused;
		consume_skb(skb);
		for (; segs; segs = next) {
			next = segs->next;
			skb_mark_not_on_list(segs);
			segs->ip_summed = CHECKSUM_NONE;
			atomic64_inc(&d->tx_lso_segs);
			host_receive(d, sub, segs);
		}
		return true;
	}
	if (ppi->csum && !offload_csum(d, skb, ppi->csum))
		goto refused;
	host_receive(d, sub, skb);
	return true;
refused:
	atomic64_inc(&d->offload_refused);
	d->ndev->stats.rx_dropped++;
	kfree_skb(skb);
	return true;
}

/*
 * A frame hvsimnet<N> sends to the guest: a checksum the host's stack
 * left to the device is computed here. With the guest's receive
 * checksum offload on for the frame's protocol, a TCP or UDP frame whose
 * checksum is known good (computed here, or CHECKSUM_UNNECESSARY) gets a
 * checksum per-packet info saying so; with @spoil (the rx-csum-failed
 * fault) one payload byte is changed after the checksum and the info says
 * "failed". Returns the per-packet-info value, or 0 for none.
 */
static u32 rx_csum_info(struct net_dev *d, struct sk_buff *skb, bool *spoil)
{
	bool good = skb->ip_summed == CHECKSUM_UNNECESSARY;
	u32 thoff = 0, hl;
	u8 proto = 0, mode;
	int l3 = 0;

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		if (skb_checksum_help(skb)) {
			*spoil = false;
			return 0;
		}
		good = true;
	}
	if (skb->len >= ETH_HLEN + sizeof(struct iphdr)) {
		if (eth_hdr(skb)->h_proto == htons(ETH_P_IP))
			thoff = ETH_HLEN + (skb->data[ETH_HLEN] & 0xf) * 4u;
		else if (eth_hdr(skb)->h_proto == htons(ETH_P_IPV6))
			thoff = ETH_HLEN + sizeof(struct ipv6hdr);
		l3 = thoff ? frame_l3(skb, thoff, &proto) : 0;
	}
	if (!l3 || (proto != IPPROTO_TCP && proto != IPPROTO_UDP)) {
		*spoil = false;
		return 0;
	}
	hl = proto == IPPROTO_TCP ? sizeof(struct tcphdr) : sizeof(struct udphdr);
	if (*spoil && (proto != IPPROTO_TCP || skb->len <= thoff + hl + 12 ||
		       skb_ensure_writable(skb, skb->len)))
		*spoil = false;
	if (*spoil)
		skb->data[skb->len - 1] ^= 0x5a;	/* TCP options cover 12 at most */
	mutex_lock(&d->lock);
	if (l3 == 4)
		mode = proto == IPPROTO_TCP ? d->off_tcp4 : d->off_udp4;
	else
		mode = proto == IPPROTO_TCP ? d->off_tcp6 : d->off_udp6;
	mutex_unlock(&d->lock);
	if (!off_rx(mode))
		return 0;
	if (*spoil) {
		atomic64_inc(&d->rx_csum_failed);
		return HVLIS_NDIS_RXCSUM_TCP_FAILED | (l3 == 4 ? HVLIS_NDIS_RXCSUM_IP_OK : 0);
	}
	if (!good)
		return 0;
	atomic64_inc(&d->rx_csum_ok);
	return (proto == IPPROTO_TCP ? HVLIS_NDIS_RXCSUM_TCP_OK : HVLIS_NDIS_RXCSUM_UDP_OK) |
	       (l3 == 4 ? HVLIS_NDIS_RXCSUM_IP_OK : 0);
}

/* Is an rx-csum-failed fault armed? Takes it if so. */
static bool rx_csum_fault(struct net_dev *d)
{
	bool hit = false;

	mutex_lock(&d->lock);
	if (d->fault_left[NF_RX_CSUM]) {
		d->fault_left[NF_RX_CSUM]--;
		hit = true;
	}
	mutex_unlock(&d->lock);
	return hit;
}

/* ------------------------------------------------- the receive buffer */

static void xfer_undo(struct net_dev *d, u32 first, u32 gen);

/* Take n contiguous free slots; the first, or -ENOSPC. Under d->lock. */
static long slots_take(struct net_dev *d, u32 n)
{
	unsigned long at;

	if (!d->busy || !n || n > d->slots)
		return -ENOSPC;
	at = bitmap_find_next_zero_area(d->busy, d->slots, d->cursor, n, 0);
	if (at >= d->slots)
		at = bitmap_find_next_zero_area(d->busy, d->slots, 0, n, 0);
	if (at >= d->slots)
		return -ENOSPC;
	if (at < d->cursor)
		d->wraps++;	/* the end was taken: back to the start */
	bitmap_set(d->busy, at, n);
	d->run[at] = n;
	d->used += n;
	/*
	 * stale-give: the failed give's slots go back now, a frame of a
	 * later buffer just placed where that one was; as a host thread
	 * would that was held up between the failed give and taking
	 * d->lock while the guest brought a new receive buffer.
	 */
	if (d->stale_held && d->recv_gen != d->stale_gen && at == d->stale_first) {
		d->stale_held = false;
		atomic64_inc(&d->stale_undos);
		xfer_undo(d, d->stale_first, d->stale_gen);
	}
	if (at + n < d->slots) {
		d->cursor = at + n;
	} else {
		d->cursor = 0;
		d->wraps++;
	}
	return at;
}

/* Give back the slots of the packet at first; false if none is there. */
static bool slots_put(struct net_dev *d, u32 first)
{
	if (!d->busy || first >= d->slots || !d->run[first])
		return false;
	bitmap_clear(d->busy, first, d->run[first]);
	d->used -= d->run[first];
	d->run[first] = 0;
	return true;
}

/*
 * Take back the slots of a frame of receive buffer generation gen at
 * first whose give failed. Under d->lock, which the give does not hold:
 * meanwhile the guest may have closed the channel, revoked that buffer
 * and shared a new one, whose frame at the same slot is in flight; only
 * a frame of the buffer in use gives its slots back (a buffer that is
 * gone took its slots with it).
 */
static void xfer_undo(struct net_dev *d, u32 first, u32 gen)
{
	if (d->busy && gen == d->recv_gen)
		slots_put(d, first);
}

/* Forget the receive buffer (revoked, closed). Under d->lock. */
static void recv_drop(struct net_dev *d)
{
	hvsim_gpadl_unmap(&d->recv);
	kvfree(d->busy);
	kvfree(d->run);
	d->busy = NULL;
	d->run = NULL;
	d->slots = 0;
	d->used = 0;
	wake_up_all(&d->slot_wq);
}

static void send_drop(struct net_dev *d)
{
	hvsim_gpadl_unmap(&d->send);
	d->send_sections = 0;
}

static void nvsp_answer(struct net_dev *d, u32 relid, u64 tid, u32 type, const void *body,
			u32 blen);

/* The next armed data fault, or -1. */
static int take_fault(struct net_dev *d)
{
	int f, hit = -1;

	mutex_lock(&d->lock);
	for (f = 0; f < NF_COUNT && hit < 0; f++) {
		/* rx-csum-failed waits for a TCP frame (rx_csum_fault()) */
		if (f != NF_RX_CSUM && d->fault_left[f]) {
			d->fault_left[f]--;
			hit = f;
		}
	}
	mutex_unlock(&d->lock);
	if (hit >= 0) {
		atomic64_inc(&d->faults_fired[hit]);
		pr_info("relid %u: fault %s\n", d->relid, fault_names[hit]);
	}
	return hit;
}

/*
 * Spoil a data message in the receive buffer (msg), or its transfer-page
 * packet, as fault f says. Under d->lock.
 */
static void spoil(struct net_dev *d, int f, u8 *msg, u32 *offset, u32 *count,
		  struct hvlis_nvsp_msg *m, u16 *set_id)
{
	struct hvlis_rndis_packet p;
	struct hvlis_rndis_ppi ppi;

	memcpy(&p, msg, sizeof(p));
	switch (f) {
	case NF_LIE_LENGTH:
		p.hdr.len += 65536;
		break;
	case NF_DATA_OFFSET:
		p.data_offset = 0xfffff000u;
		break;
	case NF_DATA_LENGTH:
		p.data_len = p.hdr.len;
		break;
	case NF_BAD_PPI:
		/* the first 12 bytes of the frame become a record */
		p.ppi_offset = p.data_offset;
		p.ppi_len = sizeof(ppi);
		ppi.size = 0x80000000u;
		ppi.type = HVLIS_PPI_CSUM;
		ppi.data_offset = sizeof(ppi);
		memcpy(msg + HVLIS_RNDIS_HDR_SIZE + p.ppi_offset, &ppi, sizeof(ppi));
		break;
	case NF_RECV_OFFSET:
		*offset = d->slots * NET_SLOT + HVLIS_HV_PAGE_SIZE;
		break;
	case NF_RECV_COUNT:
		*count = d->slots * NET_SLOT;
		break;
	case NF_SECTION_INDEX:
		m->rndis_pkt.section_index = 7;
		break;
	case NF_SET_ID:
		*set_id ^= 0x5a5a;
		break;
	}
	memcpy(msg, &p, sizeof(p));
}

/*
 * An RNDIS message to the guest on channel sub: copied into free slots of
 * the receive buffer and announced by a transfer-page packet whose body is
 * SEND_RNDIS_PKT. The message is hdr (hlen bytes) followed by the bytes of
 * skb, if any. wait: a full buffer is waited for (a while), else -ENOSPC.
 * fault: an armed fault to commit with it (take_fault()), or -1.
 */
static int to_guest(struct net_dev *d, u16 sub, u32 chan_type, const void *hdr, u32 hlen,
		    struct sk_buff *skb, bool wait, int fault)
{
	u32 total = hlen + (skb ? skb->len : 0), n = DIV_ROUND_UP(total, NET_SLOT), relid;
	u32 offset, count, tid_low, gen;
	struct hvlis_nvsp_msg m;
	long first;
	u16 set_id;
	u8 *dst;
	int ret;

	for (;;) {
		mutex_lock(&d->lock);
		if (!d->busy || sub >= NET_MAX_CHANS || !d->chans[sub].open) {
			mutex_unlock(&d->lock);
			atomic64_inc(&d->not_ready);
			return -ENODEV;
		}
		first = slots_take(d, n);
		if (first >= 0)
			break;
		mutex_unlock(&d->lock);
		if (!wait)
			return -ENOSPC;
		atomic64_inc(&d->rx_full_waits);
		if (!wait_event_timeout(d->slot_wq, READ_ONCE(d->used) + n <= READ_ONCE(d->slots),
					NET_RX_WAIT))
			return -ENOSPC;
		wait = false;
	}
	dst = (u8 *)d->recv.va + first * NET_SLOT;
	memcpy(dst, hdr, hlen);
	if (skb && skb_copy_bits(skb, 0, dst + hlen, skb->len)) {
		slots_put(d, first);
		mutex_unlock(&d->lock);
		return -EFAULT;
	}
	set_id = d->recv_id;
	gen = d->recv_gen;
	relid = d->chans[sub].relid;
	offset = first * NET_SLOT;
	count = total;
	tid_low = d->recv_gen << NET_TID_GEN_SHIFT | (u32)first;
	memset(&m, 0, sizeof(m));
	m.type = HVLIS_NVSP1_SEND_RNDIS_PKT;
	m.rndis_pkt.channel_type = chan_type;
	m.rndis_pkt.section_index = HVLIS_NVSP_NO_SECTION;
	if (fault == NF_STALE_GIVE) {
		/* the give fails (a closed channel); the slots go back later */
		d->stale_held = true;
		d->stale_first = first;
		d->stale_gen = gen;
		mutex_unlock(&d->lock);
		atomic64_inc(&d->send_errors);
		return -ENODEV;
	}
	if (fault >= 0 && fault != NF_UNKNOWN_TID) {
		spoil(d, fault, dst, &offset, &count, &m, &set_id);
		/* The guest must not use it: the slots are ours again at once. */
		slots_put(d, first);
		tid_low = NET_TID_FAULT;
	}
	mutex_unlock(&d->lock);
	if (fault >= 0)
		wake_up_all(&d->slot_wq);
	if (fault == NF_UNKNOWN_TID)
		nvsp_answer(d, relid, 0xdead00000000beefull, HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE,
			    &tid_low, sizeof(tid_low));
	/*
	 * Not covered: a give waiting for ring room while the guest closes
	 * and opens the same channel again within one of its polls lands in
	 * the new session (hvsim_chan_give() knows the relid, not the
	 * session): the guest reads that range of its new buffer, and its
	 * completion names the old buffer, counted late, freeing nothing.
	 */
	ret = hvsim_chan_give_xfer(relid, set_id, offset, count, &m, 4 + sizeof(m.rndis_pkt),
				   NET_TID | tid_low);
	if (ret && tid_low != NET_TID_FAULT) {
		mutex_lock(&d->lock);
		xfer_undo(d, first, gen);
		mutex_unlock(&d->lock);
		wake_up_all(&d->slot_wq);
		atomic64_inc(&d->send_errors);
		return ret;
	}
	if (ret)
		return ret;
	if (skb && fault < 0) {
		atomic64_inc(&d->chans[sub].to_guest_frames);
		atomic64_add(skb->len, &d->chans[sub].to_guest_bytes);
	}
	return 0;
}

/* The channel a frame goes to the guest on: the guest's RSS table says. */
static u16 rx_channel(struct net_dev *d, struct sk_buff *skb)
{
	u32 c = 0;

	mutex_lock(&d->lock);
	if (d->rss && d->subch_created) {
		c = d->rss_table[skb_get_hash(skb) % HVLIS_NDIS_RSS_TABLE_ENTRIES];
		if (c >= NET_MAX_CHANS || !d->chans[c].open)
			c = 0;
	}
	mutex_unlock(&d->lock);
	return c;
}

/*
 * Does a frame of @len bytes fit the guest's MTU: the one its NDIS
 * configuration gave (NVSP 2 and later), else 1500; a VLAN tag on top.
 * Under d->lock.
 */
static bool frame_fits_guest(struct net_dev *d, u32 len)
{
	u32 max = d->guest_mtu ? d->guest_mtu : ETH_FRAME_LEN;

	return len <= max + VLAN_HLEN;
}

/* One per-packet-info record of @n value bytes at @p; returns its size. */
static u32 host_ppi_put(u8 *p, u32 type, const void *val, u32 n)
{
	struct hvlis_rndis_ppi rec;

	rec.size = sizeof(rec) + n;
	rec.type = type;
	rec.data_offset = sizeof(rec);
	memcpy(p, &rec, sizeof(rec));
	memcpy(p + sizeof(rec), val, n);
	return rec.size;
}

/* The hostile 802.1Q infos of an 802.1Q fault at @p (at most 32 bytes). */
static u32 vlan_fault_ppis(u8 *p, int f)
{
	u32 v5 = 5 << HVLIS_NDIS_VLAN_ID_SHIFT, v6 = 6 << HVLIS_NDIS_VLAN_ID_SHIFT, v;
	u16 half = 5 << HVLIS_NDIS_VLAN_ID_SHIFT;

	switch (f) {
	case NF_VLAN_DUP:
		v = host_ppi_put(p, HVLIS_PPI_VLAN, &v5, 4);
		return v + host_ppi_put(p + v, HVLIS_PPI_VLAN, &v6, 4);
	case NF_VLAN_SHORT:
		return host_ppi_put(p, HVLIS_PPI_VLAN, &half, 2);
	case NF_VLAN_4095:
		v = 0xfff << HVLIS_NDIS_VLAN_ID_SHIFT;
		return host_ppi_put(p, HVLIS_PPI_VLAN, &v, 4);
	default:	/* NF_VLAN_VID0 */
		v = 5;	/* priority 5, VLAN id 0 */
		return host_ppi_put(p, HVLIS_PPI_VLAN, &v, 4);
	}
}

static void tx_work_fn(struct work_struct *work)
{
	struct net_dev *d = container_of(work, struct net_dev, tx_work);
	struct hvlis_rndis_packet p;
	u8 h[sizeof(p) + 3 * 16];
	struct sk_buff *skb;
	bool ready, fits, spoil, want;
	u32 csum, hlen, pl;
	int fault;

	while ((skb = skb_dequeue(&d->txq)) != NULL) {
		mutex_lock(&d->lock);
		ready = d->rndis_up && d->filter && d->link_up;
		fits = frame_fits_guest(d, skb->len);
		mutex_unlock(&d->lock);
		if (!ready) {
			atomic64_inc(&d->not_ready);
			dev_kfree_skb(skb);
			continue;
		}
		if (!fits) {
			/* as a switch port does: larger than the guest's MTU, dropped */
			atomic64_inc(&d->to_guest_too_big);
			d->ndev->stats.tx_dropped++;
			dev_kfree_skb(skb);
			continue;
		}
		if (skb_linearize(skb)) {
			atomic64_inc(&d->dropped);
			dev_kfree_skb(skb);
			continue;
		}
		if (skb->len > ETH_FRAME_LEN)
			atomic64_inc(&d->jumbo_to_guest);
		want = rx_csum_fault(d);
		spoil = want;
		csum = rx_csum_info(d, skb, &spoil);
		if (spoil) {
			atomic64_inc(&d->faults_fired[NF_RX_CSUM]);
			pr_info("relid %u: fault rx-csum-failed\n", d->relid);
		} else if (want) {
			/* not a TCP frame with a payload: the next one gets it */
			mutex_lock(&d->lock);
			d->fault_left[NF_RX_CSUM]++;
			mutex_unlock(&d->lock);
		}
		fault = take_fault(d);
		pl = 0;
		if (csum)
			pl += host_ppi_put(h + sizeof(p) + pl, HVLIS_PPI_CSUM, &csum, 4);
		if (vlan_fault(fault)) {
			pl += vlan_fault_ppis(h + sizeof(p) + pl, fault);
			fault = -1;	/* a well-formed message: given as usual */
		} else if (skb_vlan_tag_present(skb)) {
			u16 tci = skb_vlan_tag_get(skb);
			u32 v = (tci >> VLAN_PRIO_SHIFT) |
				(tci & VLAN_CFI_MASK ? HVLIS_NDIS_VLAN_CFI : 0) |
				(tci & VLAN_VID_MASK) << HVLIS_NDIS_VLAN_ID_SHIFT;

			pl += host_ppi_put(h + sizeof(p) + pl, HVLIS_PPI_VLAN, &v, 4);
			atomic64_inc(&d->vlan_to_guest);
		}
		hlen = sizeof(p) + pl;
		memset(&p, 0, sizeof(p));
		p.hdr.type = HVLIS_RNDIS_PACKET_MSG;
		p.hdr.len = hlen + skb->len;
		p.data_offset = hlen - HVLIS_RNDIS_HDR_SIZE;
		p.data_len = skb->len;
		if (pl) {
			p.ppi_offset = sizeof(p) - HVLIS_RNDIS_HDR_SIZE;
			p.ppi_len = pl;
		}
		memcpy(h, &p, sizeof(p));
		if (to_guest(d, rx_channel(d, skb), HVLIS_NVSP_RNDIS_DATA, h, hlen, skb,
			     true, fault)) {
			atomic64_inc(&d->dropped);
			d->ndev->stats.tx_dropped++;
		} else {
			d->ndev->stats.tx_packets++;
			d->ndev->stats.tx_bytes += skb->len;
		}
		dev_kfree_skb(skb);
	}
}

/* ---------------------------------------------------------------- NVSP */

/* A completion packet with an NVSP message of type and body (blen bytes). */
static void nvsp_answer(struct net_dev *d, u32 relid, u64 tid, u32 type, const void *body,
			u32 blen)
{
	struct {
		struct hvlis_packet_desc desc;
		struct hvlis_nvsp_msg m;
	} __packed pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.desc.type = HVLIS_PKT_COMP;
	pkt.desc.offset8 = sizeof(pkt.desc) / 8;
	pkt.desc.len8 = sizeof(pkt) / 8;
	pkt.desc.trans_id = tid;
	pkt.m.type = type;
	memcpy(pkt.m.body, body, min_t(u32, blen, sizeof(pkt.m.body)));
	if (hvsim_chan_give(relid, &pkt, sizeof(pkt)))
		atomic64_inc(&d->send_errors);
}

static void on_init(struct net_dev *d, u32 relid, u64 tid, const struct hvlis_nvsp_msg *m)
{
	struct hvlis_nvsp_init_complete c;

	memset(&c, 0, sizeof(c));
	c.status = HVLIS_NVSP_STATUS_FAILED;
	atomic64_inc(&d->inits);
	mutex_lock(&d->lock);
	/* The guest names a range; the host takes the newest it has in it. */
	if (m->init.min_version <= m->init.max_version) {
		u32 v = min(m->init.max_version, d->gen->nvsp);
		int i;

		for (i = ARRAY_SIZE(known_nvsp) - 1; i >= 0; i--) {
			if (known_nvsp[i] <= v && known_nvsp[i] >= m->init.min_version) {
				d->nvsp = known_nvsp[i];
				c.negotiated_version = d->nvsp;
				c.status = HVLIS_NVSP_STATUS_SUCCESS;
				break;
			}
		}
	}
	mutex_unlock(&d->lock);
	if (c.status != HVLIS_NVSP_STATUS_SUCCESS)
		atomic64_inc(&d->version_refused);
	nvsp_answer(d, relid, tid, HVLIS_NVSP_INIT_COMPLETE, &c, sizeof(c));
}

static void on_recv_buf(struct net_dev *d, u32 relid, u64 tid, const struct hvlis_nvsp_msg *m)
{
	struct hvlis_nvsp_recv_buf_complete c;
	struct hvsim_map map;
	u32 slots = 0;
	int ret;

	memset(&c, 0, sizeof(c));
	c.status = HVLIS_NVSP_STATUS_FAILED;
	ret = hvsim_gpadl_map(relid, m->buf.gpadl, &map);
	if (ret) {
		pr_warn_ratelimited("relid %u: receive buffer GPADL %#x: %d\n", relid,
				    m->buf.gpadl, ret);
		goto answer;
	}
	mutex_lock(&d->lock);
	if (!d->nvsp || d->busy) {
		mutex_unlock(&d->lock);
		hvsim_gpadl_unmap(&map);
		goto answer;
	}
	/* the first slot must fit the transaction id's 16 bits */
	slots = min_t(u32, map.bytes / NET_SLOT, NET_TID_SLOT_MASK);
	d->busy = kvcalloc(BITS_TO_LONGS(slots), sizeof(long), GFP_KERNEL);
	d->run = kvcalloc(slots, sizeof(u16), GFP_KERNEL);
	if (!slots || !d->busy || !d->run) {
		kvfree(d->busy);
		kvfree(d->run);
		d->busy = NULL;
		d->run = NULL;
		mutex_unlock(&d->lock);
		hvsim_gpadl_unmap(&map);
		goto answer;
	}
	d->recv = map;
	d->slots = slots;
	d->cursor = 0;
	d->recv_gen = d->recv_gen % NET_GEN_MAX + 1;
	d->recv_id = m->buf.id;
	mutex_unlock(&d->lock);
	c.status = HVLIS_NVSP_STATUS_SUCCESS;
	c.section_count = 1;
	c.sections[0].offset = 0;
	c.sections[0].slot_size = NET_SLOT;
	c.sections[0].slot_count = slots;
	c.sections[0].end_offset = slots * NET_SLOT;
answer:
	nvsp_answer(d, relid, tid, HVLIS_NVSP1_SEND_RECV_BUF_COMPLETE, &c, sizeof(c));
}

static void on_send_buf(struct net_dev *d, u32 relid, u64 tid, const struct hvlis_nvsp_msg *m)
{
	struct hvlis_nvsp_send_buf_complete c;
	struct hvsim_map map;
	int ret;

	memset(&c, 0, sizeof(c));
	c.status = HVLIS_NVSP_STATUS_FAILED;
	ret = hvsim_gpadl_map(relid, m->buf.gpadl, &map);
	if (ret) {
		pr_warn_ratelimited("relid %u: send buffer GPADL %#x: %d\n", relid,
				    m->buf.gpadl, ret);
		goto answer;
	}
	mutex_lock(&d->lock);
	if (!d->nvsp || d->send.va || map.bytes < NET_SEND_SECTION) {
		mutex_unlock(&d->lock);
		hvsim_gpadl_unmap(&map);
		goto answer;
	}
	d->send = map;
	d->send_sections = map.bytes / NET_SEND_SECTION;
	mutex_unlock(&d->lock);
	c.status = HVLIS_NVSP_STATUS_SUCCESS;
	c.section_size = NET_SEND_SECTION;
answer:
	nvsp_answer(d, relid, tid, HVLIS_NVSP1_SEND_SEND_BUF_COMPLETE, &c, sizeof(c));
}

static void sub_work_fn(struct work_struct *work)
{
	struct net_dev *d = container_of(work, struct net_dev, sub_work);
	u32 relids[NET_MAX_CHANS];
	unsigned int i, n = 0;
	u16 want;
	int ret;

	mutex_lock(&d->lock);
	want = d->sub_want;
	d->sub_want = 0;
	for (i = 1; !want && i < NET_MAX_CHANS; i++)
		if (d->chans[i].relid)
			relids[n++] = d->chans[i].relid;
	mutex_unlock(&d->lock);
	if (want) {
		ret = hvsim_add_subchannels(d->relid, want);
		if (ret)
			pr_err("relid %u: %u sub-channels not offered: %d\n", d->relid, want, ret);
		return;
	}
	/* The primary closed: its sub-channels go too, as on Hyper-V. */
	for (i = 0; i < n; i++)
		hvsim_rescind(relids[i]);
}

static void on_subchannel(struct net_dev *d, u32 relid, u16 sub, u64 tid,
			  const struct hvlis_nvsp_msg *m)
{
	struct hvlis_nvsp_subchannel_complete c;
	u32 n = m->subchannel_req.count;

	memset(&c, 0, sizeof(c));
	c.status = HVLIS_NVSP_STATUS_FAILED;
	mutex_lock(&d->lock);
	if (!sub && d->nvsp >= HVLIS_NVSP_V5 &&
	    m->subchannel_req.op == HVLIS_NVSP_SUBCHANNEL_ALLOCATE && n && !d->subch_created) {
		n = min_t(u32, n, d->max_subch);
		if (n) {
			d->subch_created = n;
			d->sub_want = n;
			c.status = HVLIS_NVSP_STATUS_SUCCESS;
			c.count = n;
		}
	}
	mutex_unlock(&d->lock);
	nvsp_answer(d, relid, tid, HVLIS_NVSP5_SUBCHANNEL, &c, sizeof(c));
	/* Offers only after the guest has its answer. */
	if (c.status == HVLIS_NVSP_STATUS_SUCCESS)
		schedule_work(&d->sub_work);
}

/* ---------------------------------------------------------------- RNDIS */

/*
 * A control message to the guest (an answer or an indication), on the
 * primary. Not waiting for room: answers are sent from the channel's
 * packet work, which is also where the completions that free room come in.
 */
static void rndis_reply(struct net_dev *d, const void *msg, u32 len)
{
	if (to_guest(d, 0, HVLIS_NVSP_RNDIS_CONTROL, msg, len, NULL, false, -1))
		pr_warn_ratelimited("relid %u: RNDIS message %#x not sent\n", d->relid,
				    *(const u32 *)msg);
}

/* Fill in the answer to a query; its length, or -1: not supported. */
static int query_oid(struct net_dev *d, u32 oid, u8 *info, u32 room)
{
	struct hvlis_ndis_rss_caps caps;
	u32 v;

	switch (oid) {
	case HVLIS_OID_802_3_PERMANENT_ADDRESS:
	case HVLIS_OID_802_3_CURRENT_ADDRESS:
		memcpy(info, d->mac, ETH_ALEN);
		return ETH_ALEN;
	case HVLIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		v = d->mtu;
		break;
	case HVLIS_OID_GEN_LINK_SPEED:
		v = NET_LINK_SPEED;
		break;
	case HVLIS_OID_GEN_MEDIA_CONNECT_STATUS:
		v = d->link_up ? HVLIS_RNDIS_MEDIA_CONNECTED : HVLIS_RNDIS_MEDIA_DISCONNECTED;
		break;
	case HVLIS_OID_GEN_CURRENT_PACKET_FILTER:
		v = d->filter;
		break;
	case HVLIS_OID_GEN_MAC_OPTIONS:
		v = 0;
		break;
	case HVLIS_OID_802_3_MAXIMUM_LIST_SIZE:
		v = 32;
		break;
	case HVLIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES:
		if (d->nvsp < HVLIS_NVSP_V5 || !d->max_subch)
			return -1;
		memset(&caps, 0, sizeof(caps));
		caps.hdr.type = HVLIS_NDIS_OBJ_RSS_CAPS;
		caps.hdr.revision = 2;
		caps.hdr.size = sizeof(caps);
		caps.rx_queues = d->max_subch + 1;
		caps.table_entries = HVLIS_NDIS_RSS_TABLE_ENTRIES;
		memcpy(info, &caps, sizeof(caps));
		return sizeof(caps);
	case HVLIS_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES:
		return offload_caps(d, info, room);
	default:
		return -1;
	}
	memcpy(info, &v, sizeof(v));
	return sizeof(v);
}

/*
 * One hex digit's value, or -1; not hex_to_bin(), which left
 * <linux/kernel.h> for <linux/hex.h> in 7.x.
 */
static int hex_digit(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * OID_GEN_RNDIS_CONFIG_PARAMETER: one device parameter, every offset and
 * length checked against the information buffer. NetworkAddress (12
 * hexadecimal digits, UTF-16LE) becomes the guest's MAC address if MAC
 * address spoofing is allowed, else it is refused (counted); any other
 * parameter is taken and ignored. Under d->lock.
 */
static u32 set_config_param(struct net_dev *d, const u8 *info, u32 len)
{
	static const char name[] = HVLIS_RNDIS_PARAM_NETWORK_ADDRESS;
	struct hvlis_rndis_config_param p;
	u32 i, n = sizeof(name) - 1;
	u8 mac[ETH_ALEN];
	const u8 *v;
	int hi, lo;

	if (len < sizeof(p))
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	memcpy(&p, info, sizeof(p));
	if (p.name_offset > len || p.name_len > len - p.name_offset ||
	    p.value_offset > len || p.value_len > len - p.value_offset)
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	if (p.name_len != 2 * n)
		return HVLIS_RNDIS_STATUS_SUCCESS;
	for (i = 0; i < n; i++)
		if (info[p.name_offset + 2 * i] != name[i] || info[p.name_offset + 2 * i + 1])
			return HVLIS_RNDIS_STATUS_SUCCESS;
	if (p.type != HVLIS_RNDIS_CONFIG_PARAM_STRING || p.value_len != 4 * ETH_ALEN)
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	v = info + p.value_offset;
	for (i = 0; i < ETH_ALEN; i++) {
		hi = hex_digit(v[4 * i]);
		lo = hex_digit(v[4 * i + 2]);
		if (hi < 0 || lo < 0 || v[4 * i + 1] || v[4 * i + 3])
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		mac[i] = hi << 4 | lo;
	}
	if (!is_valid_ether_addr(mac))
		return HVLIS_RNDIS_STATUS_INVALID_DATA;
	if (!d->macspoof) {
		atomic64_inc(&d->mac_refused);
		return HVLIS_RNDIS_STATUS_FAILURE;
	}
	ether_addr_copy(d->guest_mac, mac);
	atomic64_inc(&d->mac_changes);
	return HVLIS_RNDIS_STATUS_SUCCESS;
}

/* A set: its status. */
static u32 set_oid(struct net_dev *d, u32 oid, const u8 *info, u32 len)
{
	struct hvlis_ndis_rss_params rp;
	u32 v, i;

	switch (oid) {
	case HVLIS_OID_GEN_CURRENT_PACKET_FILTER:
		if (len < sizeof(v))
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		memcpy(&v, info, sizeof(v));
		d->filter = v;
		return HVLIS_RNDIS_STATUS_SUCCESS;
	case HVLIS_OID_TCP_OFFLOAD_PARAMETERS:
		return offload_set(d, info, len);
	case HVLIS_OID_802_3_MULTICAST_LIST:
		if (len % ETH_ALEN)
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		return HVLIS_RNDIS_STATUS_SUCCESS;
	case HVLIS_OID_GEN_RNDIS_CONFIG_PARAMETER:
		return set_config_param(d, info, len);
	case HVLIS_OID_GEN_RECEIVE_SCALE_PARAMETERS:
		if (len < sizeof(rp) || d->nvsp < HVLIS_NVSP_V5)
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		memcpy(&rp, info, sizeof(rp));
		if (rp.hdr.type != HVLIS_NDIS_OBJ_RSS_PARAMS || rp.hdr.size > len)
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		if (rp.flags & HVLIS_NDIS_RSS_FLAG_DISABLE) {
			d->rss = false;
			return HVLIS_RNDIS_STATUS_SUCCESS;
		}
		if (rp.flags & HVLIS_NDIS_RSS_FLAG_TABLE_UNCHANGED)
			return HVLIS_RNDIS_STATUS_SUCCESS;
		if (rp.table_size != sizeof(d->rss_table) || rp.table_offset > len ||
		    len - rp.table_offset < rp.table_size)
			return HVLIS_RNDIS_STATUS_INVALID_DATA;
		memcpy(d->rss_table, info + rp.table_offset, sizeof(d->rss_table));
		for (i = 0; i < HVLIS_NDIS_RSS_TABLE_ENTRIES; i++)
			if (d->rss_table[i] > d->subch_created)
				return HVLIS_RNDIS_STATUS_INVALID_DATA;
		d->rss = true;
		return HVLIS_RNDIS_STATUS_SUCCESS;
	default:
		return HVLIS_RNDIS_STATUS_NOT_SUPPORTED;
	}
}

static void on_rndis_init(struct net_dev *d, const u8 *msg, u32 len)
{
	struct hvlis_rndis_init_req req;
	struct hvlis_rndis_init_cmplt c;

	if (len < sizeof(req)) {
		atomic64_inc(&d->bad_rndis);
		return;
	}
	memcpy(&req, msg, sizeof(req));
	memset(&c, 0, sizeof(c));
	c.hdr.type = HVLIS_RNDIS_INITIALIZE_CMPLT;
	c.hdr.len = sizeof(c);
	c.req_id = req.req_id;
	c.status = HVLIS_RNDIS_STATUS_SUCCESS;
	c.major = HVLIS_RNDIS_MAJOR;
	c.minor = HVLIS_RNDIS_MINOR;
	c.dev_flags = HVLIS_RNDIS_DF_CONNECTIONLESS;
	c.medium = HVLIS_RNDIS_MEDIUM_802_3;
	c.max_pkts_per_msg = 8;
	c.max_xfer_size = NET_SEND_SECTION;
	c.pkt_align_shift = 3;
	atomic64_inc(&d->rndis_inits);
	mutex_lock(&d->lock);
	d->rndis_up = true;
	d->filter = 0;
	offload_reset(d);
	ether_addr_copy(d->guest_mac, d->mac);	/* a new session: the adapter's own */
	mutex_unlock(&d->lock);
	rndis_reply(d, &c, sizeof(c));
}

static void on_rndis_oid(struct net_dev *d, bool set, const u8 *msg, u32 len)
{
	struct {
		struct hvlis_rndis_query_cmplt c;
		u8 info[128];
	} __packed q;
	struct hvlis_rndis_oid_req req;
	struct hvlis_rndis_cmplt sc;
	const u8 *info;
	int n;

	if (len < sizeof(req)) {
		atomic64_inc(&d->bad_rndis);
		return;
	}
	memcpy(&req, msg, sizeof(req));
	if (set) {
		atomic64_inc(&d->sets);
		memset(&sc, 0, sizeof(sc));
		sc.hdr.type = HVLIS_RNDIS_SET_CMPLT;
		sc.hdr.len = sizeof(sc);
		sc.req_id = req.req_id;
		/* The information buffer lies inside the message, or the set is bad. */
		if (req.info_offset > len - HVLIS_RNDIS_HDR_SIZE ||
		    req.info_len > len - HVLIS_RNDIS_HDR_SIZE - req.info_offset) {
			atomic64_inc(&d->bad_rndis);
			sc.status = HVLIS_RNDIS_STATUS_INVALID_DATA;
		} else {
			info = msg + HVLIS_RNDIS_HDR_SIZE + req.info_offset;
			mutex_lock(&d->lock);
			sc.status = set_oid(d, req.oid, info, req.info_len);
			mutex_unlock(&d->lock);
		}
		if (sc.status == HVLIS_RNDIS_STATUS_NOT_SUPPORTED)
			atomic64_inc(&d->unsupported_oids);
		rndis_reply(d, &sc, sizeof(sc));
		return;
	}
	atomic64_inc(&d->queries);
	memset(&q, 0, sizeof(q));
	q.c.hdr.type = HVLIS_RNDIS_QUERY_CMPLT;
	q.c.req_id = req.req_id;
	mutex_lock(&d->lock);
	n = query_oid(d, req.oid, q.info, sizeof(q.info));
	mutex_unlock(&d->lock);
	if (n < 0) {
		atomic64_inc(&d->unsupported_oids);
		q.c.status = HVLIS_RNDIS_STATUS_NOT_SUPPORTED;
		n = 0;
	} else {
		q.c.status = HVLIS_RNDIS_STATUS_SUCCESS;
		q.c.info_len = n;
		q.c.info_offset = sizeof(q.c) - HVLIS_RNDIS_HDR_SIZE;
	}
	q.c.hdr.len = sizeof(q.c) + n;
	rndis_reply(d, &q, sizeof(q.c) + n);
}

static void on_rndis_simple(struct net_dev *d, u32 type, const u8 *msg, u32 len)
{
	struct hvlis_rndis_reset_cmplt rc;
	struct hvlis_rndis_cmplt c;
	u32 req_id;

	if (type == HVLIS_RNDIS_RESET_MSG) {
		memset(&rc, 0, sizeof(rc));
		rc.hdr.type = HVLIS_RNDIS_RESET_CMPLT;
		rc.hdr.len = sizeof(rc);
		rc.status = HVLIS_RNDIS_STATUS_SUCCESS;
		rndis_reply(d, &rc, sizeof(rc));
		return;
	}
	if (len < HVLIS_RNDIS_HDR_SIZE + sizeof(req_id)) {
		atomic64_inc(&d->bad_rndis);
		return;
	}
	memcpy(&req_id, msg + HVLIS_RNDIS_HDR_SIZE, sizeof(req_id));
	if (type == HVLIS_RNDIS_HALT_MSG) {
		atomic64_inc(&d->halts);
		mutex_lock(&d->lock);
		d->rndis_up = false;
		d->filter = 0;
		mutex_unlock(&d->lock);
		return;
	}
	if (type == HVLIS_RNDIS_KEEPALIVE_CMPLT)
		return;		/* the answer to one of ours */
	atomic64_inc(&d->keepalives);
	memset(&c, 0, sizeof(c));
	c.hdr.type = HVLIS_RNDIS_KEEPALIVE_CMPLT;
	c.hdr.len = sizeof(c);
	c.req_id = req_id;
	c.status = HVLIS_RNDIS_STATUS_SUCCESS;
	rndis_reply(d, &c, sizeof(c));
}

/*
 * A data message: the frame, after every offset and length the guest gave
 * is checked against the message; per-packet info must lie inside it and
 * be well formed; the checksum, LSOv2 and 802.1Q infos are carried out
 * (to_host()), at most one 802.1Q info.
 */
static bool on_rndis_packet(struct net_dev *d, u16 sub, const u8 *msg, u32 len)
{
	struct hvlis_rndis_packet p;
	struct hvlis_rndis_ppi ppi;
	u32 body = len - HVLIS_RNDIS_HDR_SIZE, pos, v;
	struct net_tx_ppi tx = { 0 };
	const u8 *rec;

	if (len < sizeof(p))
		return false;
	memcpy(&p, msg, sizeof(p));
	if (p.data_offset > body || p.data_len > body - p.data_offset || !p.data_len)
		return false;
	if (p.ppi_len) {
		if (p.ppi_offset > body || p.ppi_len > body - p.ppi_offset)
			return false;
		for (pos = 0; pos < p.ppi_len; pos += ppi.size) {
			if (p.ppi_len - pos < sizeof(ppi))
				return false;
			rec = msg + HVLIS_RNDIS_HDR_SIZE + p.ppi_offset + pos;
			memcpy(&ppi, rec, sizeof(ppi));
			if (ppi.size < sizeof(ppi) || ppi.size > p.ppi_len - pos ||
			    ppi.data_offset < sizeof(ppi) || ppi.data_offset > ppi.size)
				return false;
			if ((ppi.type != HVLIS_PPI_CSUM && ppi.type != HVLIS_PPI_LSO &&
			     ppi.type != HVLIS_PPI_VLAN) ||
			    ppi.size - ppi.data_offset < sizeof(v))
				continue;
			memcpy(&v, rec + ppi.data_offset, sizeof(v));
			if (ppi.type == HVLIS_PPI_CSUM) {
				tx.csum = v;
			} else if (ppi.type == HVLIS_PPI_LSO) {
				tx.lso = v;
			} else {
				/* two 802.1Q infos: not a frame a guest sends */
				if (tx.has_vlan)
					return false;
				tx.has_vlan = true;
				tx.vlan = v;
			}
		}
	}
	return to_host(d, sub, msg + HVLIS_RNDIS_HDR_SIZE + p.data_offset, p.data_len, &tx);
}

/* One transfer from the guest: RNDIS messages back to back. */
static bool on_rndis(struct net_dev *d, u16 sub, u32 chan_type, const u8 *buf, u32 len)
{
	struct hvlis_rndis_hdr h;
	bool ok = true, up;

	if (!len)
		return false;
	while (len) {
		if (len < sizeof(h))
			return false;
		memcpy(&h, buf, sizeof(h));
		if (h.len < sizeof(h) || h.len > len)
			return false;
		mutex_lock(&d->lock);
		up = d->rndis_up;
		mutex_unlock(&d->lock);
		switch (h.type) {
		case HVLIS_RNDIS_PACKET_MSG:
			if (!up || chan_type != HVLIS_NVSP_RNDIS_DATA ||
			    !on_rndis_packet(d, sub, buf, h.len))
				ok = false;
			break;
		case HVLIS_RNDIS_INITIALIZE_MSG:
			on_rndis_init(d, buf, h.len);
			break;
		case HVLIS_RNDIS_QUERY_MSG:
		case HVLIS_RNDIS_SET_MSG:
			if (!up)
				return false;
			on_rndis_oid(d, h.type == HVLIS_RNDIS_SET_MSG, buf, h.len);
			break;
		case HVLIS_RNDIS_HALT_MSG:
		case HVLIS_RNDIS_RESET_MSG:
		case HVLIS_RNDIS_KEEPALIVE_MSG:
		case HVLIS_RNDIS_KEEPALIVE_CMPLT:
			on_rndis_simple(d, h.type, buf, h.len);
			break;
		default:
			ok = false;
			break;
		}
		buf += h.len;
		len -= h.len;
	}
	return ok;
}

/* SEND_RNDIS_PKT: the message from a send-buffer section or page buffers. */
static void on_send_rndis(struct net_dev *d, u32 relid, u16 sub, const u8 *pkt, u32 len,
			  const struct hvlis_nvsp_msg *m)
{
	const struct hvlis_packet_desc *desc = (const void *)pkt;
	struct hvlis_nvsp_rndis_pkt_complete c;
	u32 idx = m->rndis_pkt.section_index, size = m->rndis_pkt.section_size, got = 0;
	bool ok = false;
	u8 *buf;
	int ret;

	buf = kvmalloc(NET_MSG_MAX, GFP_KERNEL);
	if (!buf) {
		atomic64_inc(&d->dropped);
		goto answer;
	}
	if (desc->type == HVLIS_PKT_DATA_USING_GPA_DIRECT) {
		atomic64_inc(&d->page_buffer_pkts);
		ret = hvsim_gpa_gather(pkt, len, buf, NET_MSG_MAX, &got);
		if (ret)
			pr_warn_ratelimited("relid %u: bad page buffers: %d\n", relid, ret);
		else
			ok = true;
	} else if (idx != HVLIS_NVSP_NO_SECTION) {
		atomic64_inc(&d->send_section_pkts);
		/* The guest may change the section while we read it: one copy. */
		mutex_lock(&d->lock);
		if (idx < d->send_sections && size && size <= NET_SEND_SECTION) {
			memcpy(buf, (u8 *)d->send.va + idx * NET_SEND_SECTION, size);
			got = size;
			ok = true;
		}
		mutex_unlock(&d->lock);
	}
	if (ok)
		ok = on_rndis(d, sub, m->rndis_pkt.channel_type, buf, got);
	if (!ok)
		atomic64_inc(&d->bad_rndis);
	kvfree(buf);
answer:
	if (!(desc->flags & HVLIS_PKT_FLAG_COMPLETION_REQUESTED))
		return;
	memset(&c, 0, sizeof(c));
	c.status = ok ? HVLIS_NVSP_STATUS_SUCCESS : HVLIS_NVSP_STATUS_FAILED;
	nvsp_answer(d, relid, desc->trans_id, HVLIS_NVSP1_SEND_RNDIS_PKT_COMPLETE, &c, sizeof(c));
}

/*
 * The guest is done with one of our transfer-page packets. One that names
 * a receive buffer the host no longer has (revoked, or an earlier
 * generation) is late: a real host ignores it, and the guest should not
 * send it (hv_netvsc stops receive before its revoke), so it is counted
 * apart; it frees nothing. One of the buffer in use must name a packet
 * the host has out, else it is unknown.
 */
static void on_completion(struct net_dev *d, const struct hvlis_packet_desc *desc)
{
	u32 low = (u32)desc->trans_id, gen = low >> NET_TID_GEN_SHIFT;
	bool known = false, late = false;

	if (desc->trans_id == (NET_TID | NET_TID_FAULT)) {
		atomic64_inc(&d->fault_completions);
		return;
	}
	mutex_lock(&d->lock);
	if ((desc->trans_id & ~0xffffffffull) == NET_TID && gen && gen <= NET_GEN_MAX) {
		if (!d->busy || gen != d->recv_gen)
			late = true;
		else
			known = slots_put(d, low & NET_TID_SLOT_MASK);
	}
	mutex_unlock(&d->lock);
	if (late) {
		atomic64_inc(&d->late_completions);
		pr_info_ratelimited("relid %u: completion of receive buffer %u, which is gone\n",
				    d->relid, gen);
		return;
	}
	if (!known) {
		atomic64_inc(&d->unknown_completions);
		return;
	}
	atomic64_inc(&d->completions);
	wake_up_all(&d->slot_wq);
}

/* ----------------------------------------------------- channel events */

static void net_offer(void *priv, u32 relid, u16 sub, struct hvlis_offer *offer)
{
	struct net_dev *d = priv;

	if (sub < NET_MAX_CHANS)
		d->chans[sub].relid = relid;
}

static void net_opened(void *priv, u32 relid, u16 sub)
{
	struct net_dev *d = priv;

	if (sub >= NET_MAX_CHANS)
		return;
	mutex_lock(&d->lock);
	d->chans[sub].relid = relid;
	d->chans[sub].open = true;
	if (!sub) {
		/* A new guest driver: everything starts over. */
		d->nvsp = 0;
		d->ndis = 0;
		d->guest_mtu = 0;
		d->rndis_up = false;
		d->filter = 0;
		d->subch_created = 0;
		d->rss = false;
		recv_drop(d);
		send_drop(d);
	}
	mutex_unlock(&d->lock);
}

static void net_closed(void *priv, u32 relid, u16 sub, bool gone)
{
	struct net_dev *d = priv;

	unsigned int i;
	bool subs = false;

	if (sub >= NET_MAX_CHANS)
		return;
	mutex_lock(&d->lock);
	d->chans[sub].open = false;
	if (!sub) {
		/* The guest's buffers are not ours to write any more. */
		d->rndis_up = false;
		d->rss = false;
		recv_drop(d);
		send_drop(d);
		for (i = 1; !gone && i < NET_MAX_CHANS; i++)
			subs |= d->chans[i].relid != 0;
		if (subs) {
			d->sub_want = 0;
			schedule_work(&d->sub_work);
		}
	}
	mutex_unlock(&d->lock);
}

static void net_released(void *priv, u32 relid, u16 sub)
{
	struct net_dev *d = priv;

	if (sub < NET_MAX_CHANS && d->chans[sub].relid == relid)
		d->chans[sub].relid = 0;
	if (!sub)
		d->dead = true;
}

/*
 * SEND_NDIS_CONFIG (no answer): the guest's MTU, Ethernet header included.
 * One outside what a frame can be is not taken (the last good one stays)
 * and counted as a bad packet.
 */
static void on_ndis_config(struct net_dev *d, u16 sub, const struct hvlis_nvsp_msg *m)
{
	u32 mtu = m->ndis_config.mtu;

	if (sub || mtu < ETH_HLEN + ETH_MIN_MTU || mtu > ETH_HLEN + NET_MAX_MTU) {
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: NDIS config with MTU %u ignored\n", d->relid, mtu);
		return;
	}
	atomic64_inc(&d->ndis_configs);
	mutex_lock(&d->lock);
	d->guest_mtu = mtu;
	mutex_unlock(&d->lock);
}

static void net_packet(void *priv, u32 relid, u16 sub, const u8 *pkt, u32 len)
{
	const struct hvlis_packet_desc *desc = (const void *)pkt;
	struct net_dev *d = priv;
	struct hvlis_nvsp_msg m;
	u32 off = desc->offset8 * 8u, blen = len - off;

	if (sub >= NET_MAX_CHANS) {
		atomic64_inc(&d->bad_packets);
		return;
	}
	if (desc->type == HVLIS_PKT_COMP) {
		on_completion(d, desc);
		return;
	}
	if ((desc->type != HVLIS_PKT_DATA_INBAND &&
	     desc->type != HVLIS_PKT_DATA_USING_GPA_DIRECT) || blen < sizeof(m.type)) {
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: packet type %u, %u bytes, ignored\n", relid,
				    desc->type, blen);
		return;
	}
	memset(&m, 0, sizeof(m));
	memcpy(&m, pkt + off, min_t(u32, blen, sizeof(m)));
	if (desc->type == HVLIS_PKT_DATA_USING_GPA_DIRECT && m.type != HVLIS_NVSP1_SEND_RNDIS_PKT) {
		atomic64_inc(&d->bad_packets);
		return;
	}
	if (blen < HVLIS_NVSP_MSG_SIZE_V1) {
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: %u-byte NVSP message\n", relid, blen);
		return;
	}
	switch (m.type) {
	case HVLIS_NVSP_INIT:
		if (!sub)
			on_init(d, relid, desc->trans_id, &m);
		break;
	case HVLIS_NVSP2_SEND_NDIS_CONFIG:
		on_ndis_config(d, sub, &m);
		break;
	case HVLIS_NVSP1_SEND_NDIS_VERSION:
		mutex_lock(&d->lock);
		d->ndis = HVLIS_NDIS_VERSION(m.ndis_version.major, m.ndis_version.minor);
		mutex_unlock(&d->lock);
		break;
	case HVLIS_NVSP1_SEND_RECV_BUF:
		on_recv_buf(d, relid, desc->trans_id, &m);
		break;
	case HVLIS_NVSP1_SEND_SEND_BUF:
		on_send_buf(d, relid, desc->trans_id, &m);
		break;
	case HVLIS_NVSP1_REVOKE_RECV_BUF:
		atomic64_inc(&d->revokes);
		mutex_lock(&d->lock);
		recv_drop(d);
		mutex_unlock(&d->lock);
		break;
	case HVLIS_NVSP1_REVOKE_SEND_BUF:
		atomic64_inc(&d->revokes);
		mutex_lock(&d->lock);
		send_drop(d);
		mutex_unlock(&d->lock);
		break;
	case HVLIS_NVSP1_SEND_RNDIS_PKT:
		on_send_rndis(d, relid, sub, pkt, len, &m);
		break;
	case HVLIS_NVSP5_SUBCHANNEL:
		on_subchannel(d, relid, sub, desc->trans_id, &m);
		break;
	default:
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: NVSP message %u ignored\n", relid, m.type);
		break;
	}
}

static const struct hvsim_dev_ops net_ops = {
	.name = "net",
	.offer = net_offer,
	.opened = net_opened,
	.closed = net_closed,
	.released = net_released,
	.packet = net_packet,
};

/* ------------------------------------------------------------ control */

/* "aa:bb:cc:dd:ee:ff"; not mac_pton(), which left <linux/kernel.h> in 7.x. */
static bool mac_parse(const char *s, u8 *mac)
{
	char end;

	return strlen(s) == 17 &&
	       sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c", &mac[0], &mac[1], &mac[2],
		      &mac[3], &mac[4], &mac[5], &end) == 6;
}

/**
 * hvsim_net_class() - is this the class the network host serves
 * @class_id: a device class
 *
 * Return: true for the synthetic network adapter.
 */
bool hvsim_net_class(const struct hvlis_guid *class_id)
{
	static const struct hvlis_guid netvsc = HVLIS_GUID_NETWORK;

	return !memcmp(class_id, &netvsc, sizeof(netvsc));
}

static struct net_dev *dev_by_relid(u32 relid)
{
	struct net_dev *d;

	list_for_each_entry(d, &devs, node)
		if (!d->dead && d->relid == relid)
			return d;
	return NULL;
}

static void net_free(struct net_dev *d)
{
	if (d->ndev) {
		unregister_netdev(d->ndev);
		free_netdev(d->ndev);
	}
	cancel_work_sync(&d->tx_work);
	cancel_work_sync(&d->sub_work);
	skb_queue_purge(&d->txq);
	recv_drop(d);
	send_drop(d);
	kfree(d);
}

/**
 * hvsim_net_add() - add a network adapter (the "add net" command)
 * @instance: its instance, or NULL to make one
 * @monitor: as for hvsim_add_device()
 * @opts: key=value options, space-separated (see the top of this file)
 *
 * Return: the primary channel's relid, or -errno.
 */
int hvsim_net_add(const struct hvlis_guid *instance, int monitor, char *opts)
{
	static const struct hvlis_guid netvsc = HVLIS_GUID_NETWORK;
	char *tok, *val;
	struct net_dev *d;
	unsigned int v;
	int ret = 0, relid;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->gen = &gens[ARRAY_SIZE(gens) - 1];
	d->max_subch = NET_DEF_SUBCH;
	d->mtu = ETH_DATA_LEN;
	mutex_init(&d->lock);
	skb_queue_head_init(&d->txq);
	INIT_WORK(&d->tx_work, tx_work_fn);
	INIT_WORK(&d->sub_work, sub_work_fn);
	init_waitqueue_head(&d->slot_wq);
	d->link_up = true;
	mutex_lock(&devs_lock);
	v = ++instances;
	mutex_unlock(&devs_lock);
	d->mac[0] = 0x00;
	d->mac[1] = 0x15;
	d->mac[2] = 0x5d;
	d->mac[3] = 0x68;
	d->mac[4] = 0x76;
	d->mac[5] = v;
	while (opts && (tok = strsep(&opts, " ")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val) {
			ret = -EINVAL;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "gen")) {
			d->gen = gen_by_name(val);
			if (!d->gen)
				ret = -EINVAL;
		} else if (!strcmp(tok, "mac")) {
			if (!mac_parse(val, d->mac) || !is_valid_ether_addr(d->mac))
				ret = -EINVAL;
		} else if (!strcmp(tok, "mtu") && !kstrtouint(val, 0, &v) && v >= NET_MIN_MTU &&
			   v <= NET_MAX_MTU) {
			d->mtu = v;
		} else if (!strcmp(tok, "subch") && !kstrtouint(val, 0, &v) &&
			   v < NET_MAX_CHANS) {
			d->max_subch = v;
		} else if (!strcmp(tok, "macspoof") && !kstrtouint(val, 0, &v) && v <= 1) {
			d->macspoof = v;
		} else {
			ret = -EINVAL;
		}
		if (ret) {
			pr_err("add: bad option '%s=%s'\n", tok, val);
			goto fail;
		}
	}
	ether_addr_copy(d->guest_mac, d->mac);
	d->ndev = hvlis_alloc_netdev(sizeof(struct net_priv), "hvsimnet%d", NET_NAME_ENUM,
				     ether_setup);
	if (!d->ndev) {
		ret = -ENOMEM;
		goto fail;
	}
	((struct net_priv *)netdev_priv(d->ndev))->d = d;
	d->ndev->netdev_ops = &hn_ops;
	hvlis_netdev_set_mtu_range(d->ndev, ETH_MIN_MTU, NET_MAX_MTU);
	d->ndev->mtu = d->mtu;
	/* a switch port: the stack may leave checksums to it (tx_work_fn) */
	d->ndev->features = NETIF_F_SG | NETIF_F_HW_CSUM;
	d->ndev->hw_features = d->ndev->features;
	/* and tag insertion: a tagged frame goes to the guest with an 802.1Q info */
	d->ndev->features |= NETIF_F_HW_VLAN_CTAG_TX;
	eth_hw_addr_random(d->ndev);
	ret = register_netdev(d->ndev);
	if (ret) {
		free_netdev(d->ndev);
		d->ndev = NULL;
		goto fail;
	}
	if (instance) {
		d->instance = *instance;
	} else {
		static const struct hvlis_guid base = HVLIS_GUID(0, 0, 0x4000,
			0x80, 0x00, 0x68, 0x76, 0x6e, 0x65, 0x00, 0x00);

		d->instance = base;
		d->instance.b[15] = d->mac[5];
		d->instance.b[14] = d->mac[4];
	}
	mutex_lock(&devs_lock);
	list_add_tail(&d->node, &devs);
	mutex_unlock(&devs_lock);
	relid = hvsim_add_dev(&net_ops, d, &netvsc, &d->instance, 0, monitor);
	mutex_lock(&devs_lock);
	if (relid < 0) {
		list_del(&d->node);
		mutex_unlock(&devs_lock);
		ret = relid;
		goto fail;
	}
	d->relid = relid;
	mutex_unlock(&devs_lock);
	pr_info("relid %u: network adapter %pM (host side %s), host %s, mtu %u\n", relid,
		d->mac, d->ndev->name, d->gen->name, d->mtu);
	return relid;
fail:
	net_free(d);
	return ret;
}

/* The link goes up or down; the guest hears it (if its RNDIS is up). */
static int link_set(struct net_dev *d, bool up)
{
	struct hvlis_rndis_indicate ind;
	bool tell;

	mutex_lock(&d->lock);
	d->link_up = up;
	tell = d->rndis_up;
	mutex_unlock(&d->lock);
	if (!tell)
		return 0;
	memset(&ind, 0, sizeof(ind));
	ind.hdr.type = HVLIS_RNDIS_INDICATE_STATUS_MSG;
	ind.hdr.len = sizeof(ind);
	ind.status = up ? HVLIS_RNDIS_STATUS_MEDIA_CONNECT : HVLIS_RNDIS_STATUS_MEDIA_DISCONNECT;
	atomic64_inc(&d->indications);
	return to_guest(d, 0, HVLIS_NVSP_RNDIS_CONTROL, &ind, sizeof(ind), NULL, true, -1);
}

/**
 * hvsim_net_command() - the "net" command of the ctl file
 * @args: "<relid> <verb> [args]" (see the top of this file)
 *
 * Return: 0 or -errno.
 */
int hvsim_net_command(char *args)
{
	const struct net_gen *g;
	struct net_dev *d;
	unsigned int relid;
	char *verb;
	int ret = hvsim_cmd_args(&args, &relid, &verb);

	if (ret)
		return ret;
	ret = -EINVAL;
	mutex_lock(&devs_lock);
	d = dev_by_relid(relid);
	mutex_unlock(&devs_lock);
	if (!d)
		return -ENOENT;
	/* Adapters are freed only when hvsim unloads: d stays valid. */
	if (!strcmp(verb, "link") && args && (!strcmp(args, "up") || !strcmp(args, "down"))) {
		ret = link_set(d, !strcmp(args, "up"));
	} else if (!strcmp(verb, "fault")) {
		ret = hvsim_fault_arm(fault_names, NF_COUNT, args, &d->lock, d->fault_left);
	} else if (!strcmp(verb, "macspoof") && args &&
		   (!strcmp(args, "on") || !strcmp(args, "off"))) {
		WRITE_ONCE(d->macspoof, !strcmp(args, "on"));
		ret = 0;
	} else if (!strcmp(verb, "gen") && args) {
		g = gen_by_name(args);
		if (g) {
			mutex_lock(&d->lock);
			d->gen = g;
			mutex_unlock(&d->lock);
			ret = 0;
		}
	}
	if (ret)
		pr_err("net %u %s: %d\n", relid, verb, ret);
	return ret;
}

#define SHOW(d, key, val) seq_printf(s, "%u %s %llu\n", (d)->relid, key, \
				     (unsigned long long)(val))

/**
 * hvsim_net_show() - the net file: every adapter's counters
 * @s: the file
 */
void hvsim_net_show(struct seq_file *s)
{
	struct net_dev *d;
	struct net_chan *c;
	unsigned int i, f;
	char key[48];

	mutex_lock(&devs_lock);
	list_for_each_entry(d, &devs, node) {
		if (d->dead)
			continue;
		seq_printf(s, "%u gen %s\n%u host_netdev %s\n%u mac %pM\n", d->relid,
			   d->gen->name, d->relid, d->ndev->name, d->relid, d->mac);
		mutex_lock(&d->lock);
		seq_printf(s, "%u nvsp %u.%u\n%u ndis %u.%u\n", d->relid, d->nvsp >> 16,
			   d->nvsp & 0xffff, d->relid, HVLIS_NDIS_MAJOR(d->ndis),
			   HVLIS_NDIS_MINOR(d->ndis));
		SHOW(d, "mtu", d->mtu);
		seq_printf(s, "%u guest_mac %pM\n", d->relid, d->guest_mac);
		SHOW(d, "macspoof", d->macspoof);
		SHOW(d, "guest_mtu", d->guest_mtu);
		SHOW(d, "rndis_up", d->rndis_up);
		SHOW(d, "link_up", d->link_up);
		SHOW(d, "filter", d->filter);
		SHOW(d, "recv_slots", d->slots);
		SHOW(d, "recv_slots_used", d->used);
		SHOW(d, "recv_wraps", d->wraps);
		SHOW(d, "send_sections", d->send_sections);
		SHOW(d, "subch_max", d->max_subch);
		SHOW(d, "subch_created", d->subch_created);
		SHOW(d, "rss", d->rss);
		SHOW(d, "offload_tcp4", d->off_tcp4);
		SHOW(d, "offload_udp4", d->off_udp4);
		SHOW(d, "offload_tcp6", d->off_tcp6);
		SHOW(d, "offload_udp6", d->off_udp6);
		SHOW(d, "offload_lso4", d->off_lso4);
		SHOW(d, "offload_lso6", d->off_lso6);
		for (f = 0, i = 0; f < NF_COUNT; f++)
			i += d->fault_left[f];
		SHOW(d, "faults_armed", i);
		mutex_unlock(&d->lock);
		for (f = 0; f < NF_COUNT; f++) {
			snprintf(key, sizeof(key), "fault_%s", fault_names[f]);
			SHOW(d, key, atomic64_read(&d->faults_fired[f]));
		}
		SHOW(d, "fault_completions", atomic64_read(&d->fault_completions));
		SHOW(d, "stale_undos", atomic64_read(&d->stale_undos));
		SHOW(d, "inits", atomic64_read(&d->inits));
		SHOW(d, "version_refused", atomic64_read(&d->version_refused));
		SHOW(d, "rndis_inits", atomic64_read(&d->rndis_inits));
		SHOW(d, "queries", atomic64_read(&d->queries));
		SHOW(d, "sets", atomic64_read(&d->sets));
		SHOW(d, "unsupported_oids", atomic64_read(&d->unsupported_oids));
		SHOW(d, "keepalives", atomic64_read(&d->keepalives));
		SHOW(d, "halts", atomic64_read(&d->halts));
		SHOW(d, "revokes", atomic64_read(&d->revokes));
		SHOW(d, "indications", atomic64_read(&d->indications));
		SHOW(d, "send_section_pkts", atomic64_read(&d->send_section_pkts));
		SHOW(d, "page_buffer_pkts", atomic64_read(&d->page_buffer_pkts));
		SHOW(d, "completions", atomic64_read(&d->completions));
		SHOW(d, "unknown_completions", atomic64_read(&d->unknown_completions));
		SHOW(d, "late_completions", atomic64_read(&d->late_completions));
		SHOW(d, "rx_full_waits", atomic64_read(&d->rx_full_waits));
		SHOW(d, "not_ready", atomic64_read(&d->not_ready));
		SHOW(d, "send_errors", atomic64_read(&d->send_errors));
		SHOW(d, "bad_packets", atomic64_read(&d->bad_packets));
		SHOW(d, "bad_rndis", atomic64_read(&d->bad_rndis));
		SHOW(d, "ndis_configs", atomic64_read(&d->ndis_configs));
		SHOW(d, "to_guest_too_big", atomic64_read(&d->to_guest_too_big));
		SHOW(d, "jumbo_to_guest", atomic64_read(&d->jumbo_to_guest));
		SHOW(d, "jumbo_from_guest", atomic64_read(&d->jumbo_from_guest));
		SHOW(d, "mac_changes", atomic64_read(&d->mac_changes));
		SHOW(d, "mac_refused", atomic64_read(&d->mac_refused));
		SHOW(d, "src_mac_refused", atomic64_read(&d->src_mac_refused));
		SHOW(d, "dropped", atomic64_read(&d->dropped));
		SHOW(d, "offload_sets", atomic64_read(&d->offload_sets));
		SHOW(d, "tx_csum", atomic64_read(&d->tx_csum));
		SHOW(d, "tx_lso", atomic64_read(&d->tx_lso));
		SHOW(d, "tx_lso_segs", atomic64_read(&d->tx_lso_segs));
		SHOW(d, "rx_csum_ok", atomic64_read(&d->rx_csum_ok));
		SHOW(d, "rx_csum_failed", atomic64_read(&d->rx_csum_failed));
		SHOW(d, "offload_refused", atomic64_read(&d->offload_refused));
		SHOW(d, "vlan_from_guest", atomic64_read(&d->vlan_from_guest));
		SHOW(d, "vlan_inframe_from_guest", atomic64_read(&d->vlan_inframe_from_guest));
		SHOW(d, "vlan_last_id", atomic_read(&d->vlan_last_id));
		SHOW(d, "vlan_to_guest", atomic64_read(&d->vlan_to_guest));
		for (i = 0; i < NET_MAX_CHANS; i++) {
			c = &d->chans[i];
			if (!c->relid && !atomic64_read(&c->from_guest_frames) &&
			    !atomic64_read(&c->to_guest_frames))
				continue;
#define CSHOW(name, val) do {						\
		snprintf(key, sizeof(key), "chan%u_" name, i);		\
		SHOW(d, key, val);					\
	} while (0)
			CSHOW("relid", c->relid);
			CSHOW("from_guest_frames", atomic64_read(&c->from_guest_frames));
			CSHOW("from_guest_bytes", atomic64_read(&c->from_guest_bytes));
			CSHOW("to_guest_frames", atomic64_read(&c->to_guest_frames));
			CSHOW("to_guest_bytes", atomic64_read(&c->to_guest_bytes));
#undef CSHOW
		}
	}
	mutex_unlock(&devs_lock);
}

/**
 * hvsim_net_exit() - free every adapter (hvsim unloads; no channel runs)
 */
void hvsim_net_exit(void)
{
	struct net_dev *d, *tmp;

	list_for_each_entry_safe(d, tmp, &devs, node) {
		list_del(&d->node);
		net_free(d);
	}
}
