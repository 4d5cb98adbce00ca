// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETIF_SET_TSO_MAX_SIZE: a driver sets its TSO limits with
 * netif_set_tso_max_size() and netif_set_tso_max_segs() (5.19); before,
 * with netif_set_gso_max_size() and the gso_max_segs field (from 6.2 on
 * netif_set_gso_max_size() is no longer a driver's).
 */
#include <linux/netdevice.h>

void hvlis_probe(void)
{
	netif_set_tso_max_size((struct net_device *)0, 65536);
	netif_set_tso_max_segs((struct net_device *)0, 64);
}
