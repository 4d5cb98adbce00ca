// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETIF_NAPI_ADD_WEIGHT: netif_napi_add_weight() takes the weight
 * (5.19); before it, netif_napi_add() itself took a fourth, weight argument
 * (from 6.1 on netif_napi_add() has three).
 */
#include <linux/netdevice.h>

static int hvlis_probe_poll(struct napi_struct *napi, int budget)
{
	return 0;
}

void hvlis_probe(void)
{
	netif_napi_add_weight((struct net_device *)0, (struct napi_struct *)0,
			      hvlis_probe_poll, NAPI_POLL_WEIGHT);
}
