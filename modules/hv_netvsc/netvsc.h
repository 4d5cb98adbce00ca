/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_netvsc's driver state (wire formats are in hvlis/nvsp_proto.h and
 * hvlis/rndis_proto.h, their checks in netvsc_msg.c).
 *
 * The primary channel carries control and data; with vRSS (NVSP 5 and
 * later) each sub-channel the host offers carries data too: one NAPI and
 * one TX queue per channel, queue i on the channel of sub-channel index i
 * (0: the primary). Transaction ids tell what a host completion answers;
 * the driver never takes a pointer from the host:
 *   NVC_TID_CTL | seq      an NVSP control request (one at a time)
 *   NVC_TID_RNDIS          an RNDIS control message (its answer comes
 *                          as a receive, matched by the RNDIS request id)
 *   NVC_TID_TX | seq << 16 | slot   a transmitted frame: slot indexes the
 *                          TX table, and the whole id must equal the one
 *                          the slot was sent with
 */
#ifndef HV_NETVSC_H
#define HV_NETVSC_H

#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <hvlis/vmbus.h>
#include <hvlis/compat_mm.h>
#include <hvlis/compat_net.h>
#include "netvsc_msg.h"

#define NVC_TID_CTL		BIT_ULL(62)
#define NVC_TID_RNDIS		BIT_ULL(61)
#define NVC_TID_TX		BIT_ULL(60)
#define NVC_TID_SLOT_MASK	0xffffull

#define NVC_CTL_TIMEOUT		(5 * HZ)
#define NVC_CTL_BYTES		256	/* an RNDIS control answer */
#define NVC_REQ_BYTES		1024	/* an RNDIS request (RSS parameters: 620) */
#define NVC_MAX_CHANS		16	/* the primary and 15 sub-channels */
#define NVC_RX_COMP_MAX		128	/* receive completions held per poll */
#define NVC_MAX_PB		64	/* page buffers of one large frame (VMBus: 64) */
/*
 * The largest MTU hvlis offers: NVSP 2 and later carry the MTU in the
 * NDIS configuration (jumbo frames), NVSP 1 hosts take 1500 only. 9000
 * is Hyper-V's jumbo setting (9014-byte frames), and a 9000-byte frame
 * with its RNDIS header stays inside the 16 KiB RNDIS transfer the guest
 * announces at INITIALIZE.
 */
#define NVC_JUMBO_MTU		9000
#define NVC_RECV_BUF_KIB_MAX	31744	/* recv_buf_kib at most */
#define NVC_TX_SLOTS_MAX	16384	/* tx_slots at most */
#define NVC_RNDIS_MAX_XFER	0x4000

struct nvc_tx_slot {
	struct sk_buff *skb;
	u64 tid;		/* 0: free */
	u32 section;		/* or HVLIS_NVSP_NO_SECTION */
	void *hdr;		/* RNDIS header of a page-buffer send */
};

struct nvc_stats {
	u64 rx_packets, rx_bytes, rx_dropped, rx_bad, rx_comp_busy;
	u64 tx_packets, tx_bytes, tx_dropped, tx_busy, tx_pagebuf;
	u64 tx_no_section, tx_bad_tid, stop_queue, wake_queue, link_changes;
	u64 reattach;			/* data path torn down and brought back */
	/* offloads */
	u64 tx_csum;			/* frames whose checksum the host computes */
	u64 tx_lso;			/* LSOv2 frames the host segments */
	u64 tx_csum_sw;			/* checksums computed here (not offered) */
	u64 rx_csum_ok;			/* the host checked TCP/UDP: not checked again */
	u64 rx_csum_bad;		/* the host said "failed": left to the stack */
	u64 tx_vlan;			/* frames sent with an 802.1Q info */
	u64 rx_vlan;			/* frames received with an 802.1Q tag */
	u64 rx_vlan_prio;		/* 802.1Q info with VLAN id 0: ignored */
	u64 rx_vlan_bad;		/* malformed 802.1Q info: frame dropped */
};

/*
 * One channel: its NAPI and receive state, and the counters of its
 * receive (its NAPI) and of its TX queue (ndo_start_xmit on that queue).
 */
struct nvc_chan {
	struct nvc_dev *nvc;
	struct hvlis_channel *ch;
	struct napi_struct napi;
	u32 idx;			/* sub-channel index, 0: the primary */
	bool napi_added;
	bool napi_on;
	bool open;			/* channel open (READ_ONCE outside chan_lock) */
	u8 *bounce;
	u32 bounce_len;
	struct nvc_range *ranges;
	/* a large frame's page buffers (ndo_start_xmit on this queue) */
	struct hvlis_page_buffer pb[NVC_MAX_PB];
	u64 rx_comp[NVC_RX_COMP_MAX];
	u32 rx_comp_n;
	struct nvc_stats st;
};

struct nvc_dev {
	struct net_device *ndev;
	struct hvlis_device *hd;
	struct hvlis_channel *ch;	/* the primary: control requests */
	bool open;			/* the primary is open */
	bool removing;
	/* set by nvc_remove() before unregister_netdev(): no carrier change */
	bool unregistering;
	bool attached;			/* the data path is up (nvc_attach()) */

	/* channels, by sub-channel index; [0] the primary */
	struct nvc_chan chans[NVC_MAX_CHANS];
	struct mutex chan_lock;		/* sub-channel opens, no_subch */
	bool no_subch;			/* remove started: open no more */
	u32 subch_granted;		/* sub-channels the host will offer */
	u32 nchans_open;		/* channels 0..n-1 open (release/acquire) */
	u32 nqueues;			/* queues in use (RTNL) */
	u32 want_queues;		/* ethtool -L, 0: all (RTNL) */
	bool rss_set;			/* the host has our table */
	u8 rss_key[HVLIS_NDIS_RSS_KEY_SIZE];
	u32 rss_table[HVLIS_NDIS_RSS_TABLE_ENTRIES];
	struct work_struct rss_work;	/* queues and table once sub-channels open */

	u32 nvsp_version;
	u32 ndis_version;

	/* receive buffer: ours, laid out by the host */
	void *recv_buf;
	u32 recv_buf_size;
	u32 recv_gpadl;
	bool recv_gpadl_ok;
	bool recv_connected;
	struct nvc_recv_layout rl;

	/* send buffer: sections handed out by the bitmap */
	void *send_buf;
	u32 send_buf_size;
	u32 send_gpadl;
	bool send_gpadl_ok;
	bool send_connected;
	u32 sec_size;
	u32 sec_count;
	unsigned long *sec_map;

	/* control requests, one at a time (ctl_mutex) */
	struct mutex ctl_mutex;
	spinlock_t ctl_lock;		/* the awaited ids and their answers */
	struct completion ctl_done;
	u64 ctl_tid;			/* awaited NVSP answer, 0: none */
	u64 ctl_seq;
	struct hvlis_nvsp_msg ctl_resp;
	u32 ctl_len;
	u8 *rndis_req;			/* NVC_REQ_BYTES, never crosses a page */
	u32 rndis_id;			/* awaited RNDIS answer, 0: none */
	u32 rndis_seq;
	u8 rndis_resp[NVC_CTL_BYTES];
	u32 rndis_len;
	struct completion rndis_done;

	/* transmit */
	spinlock_t tx_lock;		/* slots, sections, tx_seq, tx stats */
	struct nvc_tx_slot *slots;
	u32 nslots;
	u32 tx_seq;
	u32 tx_inflight;

	/* what the host said */
	u32 max_pkts;
	u32 link_speed;			/* units of 100 bit/s */
	u32 max_frame;
	u32 filter;
	struct work_struct rx_mode_work;	/* the filter from ndo_set_rx_mode */

	/* offloads the host offers (nvc_offload_attach()); all 0: none */
	struct nvc_offload offload;
	u32 lso_min_segs;		/* GSO frames of fewer go segmented */
};

/* netvsc_main.c */
int nvc_rndis_set_filter(struct nvc_dev *nvc, u32 filter);
void nvc_rndis_answer(struct nvc_dev *nvc, const void *msg, u32 len, u32 req_id);
bool nvc_ctl_answer(struct nvc_dev *nvc, u64 tid, const struct hvlis_nvsp_msg *msg, u32 len);
int nvc_set_queues(struct nvc_dev *nvc, u32 n);
void nvc_stats_sum(struct nvc_dev *nvc, struct nvc_stats *sum);

/* netvsc_offload.c */
int nvc_rndis_query_info(struct nvc_dev *nvc, u32 oid, const void *in, u32 in_len,
			 void *out, u32 len);
int nvc_rndis_set_oid(struct nvc_dev *nvc, u32 oid, const void *val, u32 len);
void nvc_offload_attach(struct nvc_dev *nvc, bool first);
void nvc_offload_features(struct nvc_dev *nvc);
int nvc_set_features(struct net_device *ndev, netdev_features_t features);
netdev_features_t nvc_features_check(struct sk_buff *skb, struct net_device *ndev,
				     netdev_features_t features);
int nvc_tx_offload(struct nvc_chan *c, struct sk_buff *skb, struct nvc_tx_info *ti);
void nvc_rx_csum(struct nvc_chan *c, struct sk_buff *skb, const struct nvc_rx_info *info);
int nvc_rx_vlan(struct nvc_chan *c, const struct nvc_rx_info *info, u16 *tci);

/* netvsc_ethtool.c */
extern const struct ethtool_ops nvc_ethtool_ops;

/* netvsc_tx.c */
netdev_tx_t nvc_start_xmit(struct sk_buff *skb, struct net_device *ndev);
void nvc_tx_complete(struct nvc_chan *c, u64 tid);
void nvc_tx_reclaim_all(struct nvc_dev *nvc);
void nvc_tx_maybe_wake(struct nvc_dev *nvc);
int nvc_tx_alloc(struct nvc_dev *nvc, u32 nslots);
void nvc_tx_free(struct nvc_dev *nvc);

/* netvsc_rx.c */
void nvc_channel_cb(void *context);
int nvc_poll(struct napi_struct *napi, int budget);

#endif
