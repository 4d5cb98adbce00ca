// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETDEV_EXTENDED_MTU: RHEL 7.5 and later keep the MTU range in
 * net_device.extended (min_mtu, max_mtu, checked by the core as from 4.10
 * upstream) and the MTU handler in net_device_ops.extended.ndo_change_mtu,
 * which the core reads only up to ndo_size; the top level ndo_change_mtu
 * is renamed ndo_change_mtu_rh74 there (old semantics, no range check).
 */
#include <linux/netdevice.h>

static int hvlis_probe_change_mtu(struct net_device *dev, int mtu)
{
	return 0;
}

static const struct net_device_ops ops = {
	.ndo_size = sizeof(const struct net_device_ops),
	.extended.ndo_change_mtu = hvlis_probe_change_mtu,
};

void hvlis_probe(void)
{
	static struct net_device_extended e;

	e.min_mtu = 68;
	e.max_mtu = 1500;
	(void)ops;
}
