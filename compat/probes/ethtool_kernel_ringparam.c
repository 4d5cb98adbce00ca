// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ETHTOOL_KERNEL_RINGPARAM: ethtool_ops.get_ringparam takes a
 * struct kernel_ethtool_ringparam and a netlink_ext_ack besides the
 * ethtool_ringparam (5.17); before it, only the device and the
 * ethtool_ringparam.
 */
#include <linux/build_bug.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>

typedef void (*hvlis_probe_ringparam_fn)(struct net_device *, struct ethtool_ringparam *,
					 struct kernel_ethtool_ringparam *,
					 struct netlink_ext_ack *);

static const struct ethtool_ops *hvlis_probe_ops;

void hvlis_probe(void)
{
	BUILD_BUG_ON(!__builtin_types_compatible_p(typeof(hvlis_probe_ops->get_ringparam),
						   hvlis_probe_ringparam_fn));
}
