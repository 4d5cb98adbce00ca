// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ALLOC_NETDEV_NAME_ASSIGN: alloc_netdev(size, name, name_assign_type,
 * setup) (3.17); before, alloc_netdev(size, name, setup).
 */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>

void hvlis_probe(void)
{
	struct net_device *d = alloc_netdev(0, "hvlis%d", NET_NAME_ENUM, ether_setup);

	(void)d;
}
