// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc's ethtool operations: driver information (-i), counters (-S:
 * the sums over all channels, then per queue), channels (-l, -L) and the
 * link settings.
 */
#include <linux/ethtool.h>
#include "netvsc.h"

static const struct {
	const char *name;
	size_t off;
} nvc_stat_names[] = {
#define NVC_STAT(f) { #f, offsetof(struct nvc_stats, f) }
	NVC_STAT(rx_packets), NVC_STAT(rx_bytes), NVC_STAT(rx_dropped), NVC_STAT(rx_bad),
	NVC_STAT(rx_comp_busy), NVC_STAT(tx_packets), NVC_STAT(tx_bytes),
	NVC_STAT(tx_dropped), NVC_STAT(tx_busy), NVC_STAT(tx_pagebuf),
	NVC_STAT(tx_no_section), NVC_STAT(tx_bad_tid), NVC_STAT(stop_queue),
	NVC_STAT(wake_queue), NVC_STAT(link_changes), NVC_STAT(reattach),
	NVC_STAT(tx_csum), NVC_STAT(tx_lso), NVC_STAT(tx_csum_sw), NVC_STAT(rx_csum_ok),
	NVC_STAT(rx_csum_bad), NVC_STAT(tx_vlan), NVC_STAT(rx_vlan), NVC_STAT(rx_vlan_prio),
	NVC_STAT(rx_vlan_bad),
#undef NVC_STAT
};

static void nvc_get_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, HVLIS_VERSION, sizeof(info->version));
	scnprintf(info->fw_version, sizeof(info->fw_version), "NVSP %u.%u NDIS %u.%u",
		  nvc->nvsp_version >> 16, nvc->nvsp_version & 0xffff,
		  HVLIS_NDIS_MAJOR(nvc->ndis_version), HVLIS_NDIS_MINOR(nvc->ndis_version));
	strscpy(info->bus_info, dev_name(&nvc->hd->dev), sizeof(info->bus_info));
}

/* Per queue: rx packets, rx bytes, tx packets, tx bytes. */
#define NVC_QSTATS	4

/* Queues shown: nqueues changes only under RTNL, which ethtool holds. */
static u32 nvc_stat_queues(struct nvc_dev *nvc)
{
	return min_t(u32, nvc->nqueues, NVC_MAX_CHANS);
}

static int nvc_get_sset_count(struct net_device *ndev, int sset)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	if (sset != ETH_SS_STATS)
		return -EINVAL;
	return ARRAY_SIZE(nvc_stat_names) + NVC_QSTATS * nvc_stat_queues(nvc);
}

static void nvc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	unsigned int i, q;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(nvc_stat_names); i++) {
		strscpy(data, nvc_stat_names[i].name, ETH_GSTRING_LEN);
		data += ETH_GSTRING_LEN;
	}
	for (q = 0; q < nvc_stat_queues(nvc); q++) {
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_packets", q);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "rx_queue_%u_bytes", q);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_packets", q);
		data += ETH_GSTRING_LEN;
		snprintf(data, ETH_GSTRING_LEN, "tx_queue_%u_bytes", q);
		data += ETH_GSTRING_LEN;
	}
}

static void nvc_get_ethtool_stats(struct net_device *ndev, struct ethtool_stats *stats,
				  u64 *data)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	const struct nvc_stats *qs;
	struct nvc_stats st;
	unsigned int i, q;

	nvc_stats_sum(nvc, &st);
	for (i = 0; i < ARRAY_SIZE(nvc_stat_names); i++)
		*data++ = *(const u64 *)((const u8 *)&st + nvc_stat_names[i].off);
	for (q = 0; q < nvc_stat_queues(nvc); q++) {
		qs = &nvc->chans[q].st;
		*data++ = READ_ONCE(qs->rx_packets);
		*data++ = READ_ONCE(qs->rx_bytes);
		*data++ = READ_ONCE(qs->tx_packets);
		*data++ = READ_ONCE(qs->tx_bytes);
	}
}

/* -l: the channels open are the most; the queues in use the current. */
static void nvc_get_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	/* pairs with nvc_subchannel()'s release */
	ch->max_combined = smp_load_acquire(&nvc->nchans_open);
	ch->combined_count = nvc->nqueues;
}

/*
 * -L combined N: the host's indirection table is set again over channels
 * 0..N-1 and the stack's queue counts follow. Channels stay open (the
 * host offers no way to close one sub-channel), so N is at most the
 * channels open.
 */
static int nvc_set_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	u32 n = ch->combined_count;
	int ret;

	if (ch->rx_count || ch->tx_count || ch->other_count)
		return -EINVAL;
	/* pairs with nvc_subchannel()'s release */
	if (!n || n > smp_load_acquire(&nvc->nchans_open))
		return -EINVAL;
	if (n == nvc->nqueues) {
		nvc->want_queues = n;
		return 0;
	}
	ret = nvc_set_queues(nvc, n);
	if (!ret)
		nvc->want_queues = n;
	return ret;
}

static int nvc_get_link_ksettings(struct net_device *ndev, struct ethtool_link_ksettings *cmd)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	cmd->base.speed = nvc->link_speed / 10000;	/* 100 bit/s -> Mbit/s */
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	return 0;
}

/*
 * ethtool -g: the receive ring is the receive buffer in the host's slots
 * (at most what the largest recv_buf_kib holds), the transmit ring the TX
 * slots (tx_slots). Read-only: both are module parameters. Nothing while
 * the data path is down.
 */
static void nvc_ringparam(struct net_device *ndev, struct ethtool_ringparam *ring)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	u32 slot = nvc->attached ? nvc->rl.slot_size : 0;

	ring->rx_max_pending = slot ? NVC_RECV_BUF_KIB_MAX * 1024u / slot : 0;
	ring->rx_pending = slot ? nvc->rl.slot_count : 0;
	ring->tx_max_pending = NVC_TX_SLOTS_MAX;
	ring->tx_pending = nvc->nslots;
}

HVLIS_DEFINE_GET_RINGPARAM(nvc_get_ringparam, nvc_ringparam)

const struct ethtool_ops nvc_ethtool_ops = {
	.get_drvinfo = nvc_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = nvc_get_sset_count,
	.get_strings = nvc_get_strings,
	.get_ethtool_stats = nvc_get_ethtool_stats,
	.get_channels = nvc_get_channels,
	.set_channels = nvc_set_channels,
	.get_link_ksettings = nvc_get_link_ksettings,
	.get_ringparam = nvc_get_ringparam,
};
