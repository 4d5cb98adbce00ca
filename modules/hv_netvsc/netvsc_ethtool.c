// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc's ethtool operations: driver information (-i), counters (-S),
 * channels (-l) and the link settings.
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
#undef NVC_STAT
};

static void nvc_get_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	struct nvc_dev *nvc = netdev_priv(ndev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, HVLIS_VERSION, sizeof(info->version));
	snprintf(info->fw_version, sizeof(info->fw_version), "NVSP %u.%u NDIS %u.%u",
		 nvc->nvsp_version >> 16, nvc->nvsp_version & 0xffff,
		 HVLIS_NDIS_MAJOR(nvc->ndis_version), HVLIS_NDIS_MINOR(nvc->ndis_version));
	strscpy(info->bus_info, dev_name(&nvc->hd->dev), sizeof(info->bus_info));
}

static int nvc_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(nvc_stat_names) : -EINVAL;
}

static void nvc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(nvc_stat_names); i++)
		strscpy(data + i * ETH_GSTRING_LEN, nvc_stat_names[i].name, ETH_GSTRING_LEN);
}

static void nvc_get_ethtool_stats(struct net_device *ndev, struct ethtool_stats *stats,
				  u64 *data)
{
	struct nvc_dev *nvc = netdev_priv(ndev);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nvc_stat_names); i++)
		data[i] = *(const u64 *)((const u8 *)&nvc->st + nvc_stat_names[i].off);
}

static void nvc_get_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	ch->max_combined = 1;
	ch->combined_count = 1;
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
	.get_link_ksettings = nvc_get_link_ksettings,
	.get_ringparam = nvc_get_ringparam,
};
