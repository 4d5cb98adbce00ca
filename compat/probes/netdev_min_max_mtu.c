// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETDEV_MIN_MAX_MTU: net_device.min_mtu and max_mtu (4.10), the MTU
 * range the core checks before it calls ndo_change_mtu.
 */
#include <linux/netdevice.h>

void hvlis_probe(void)
{
	static struct net_device d;

	d.min_mtu = 68;
	d.max_mtu = 1500;
}
