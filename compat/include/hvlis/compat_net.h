/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network stack differences for hv_netvsc, keyed by the HAVE_* results of
 * compat/probes (netif_*.c, net_gso_h.c). hv_netvsc and the simulated
 * host's network adapter include this.
 */
#ifndef HVLIS_COMPAT_NET_H
#define HVLIS_COMPAT_NET_H

#include <hvlis/compat_base.h>
#include <linux/netdevice.h>
#include <linux/ethtool.h>
#ifdef HAVE_NET_GSO_H
#include <net/gso.h>	/* skb_gso_segment() moved here */
#endif

/* A NAPI context with the default weight: the weight argument moved. */
static inline void hvlis_netif_napi_add(struct net_device *dev, struct napi_struct *napi,
					int (*poll)(struct napi_struct *, int))
{
#ifdef HAVE_NETIF_NAPI_ADD_WEIGHT
	netif_napi_add_weight(dev, napi, poll, NAPI_POLL_WEIGHT);
#else
	netif_napi_add(dev, napi, poll, NAPI_POLL_WEIGHT);
#endif
}

/* The largest TSO frame and the most segments the device takes. */
static inline void hvlis_netif_set_tso_max(struct net_device *dev, unsigned int size,
					   unsigned int segs)
{
#ifdef HAVE_NETIF_SET_TSO_MAX_SIZE
	netif_set_tso_max_size(dev, size);
	netif_set_tso_max_segs(dev, segs);
#else
	netif_set_gso_max_size(dev, size);
	dev->gso_max_segs = segs;
#endif
}

/*
 * HVLIS_DEFINE_GET_RINGPARAM(name, fn): defines name() with the
 * ethtool_ops.get_ringparam signature of this kernel, calling
 * fn(struct net_device *, struct ethtool_ringparam *).
 */
#ifdef HAVE_ETHTOOL_KERNEL_RINGPARAM
#define HVLIS_DEFINE_GET_RINGPARAM(name, fn)					\
static void name(struct net_device *ndev, struct ethtool_ringparam *ring,	\
		 struct kernel_ethtool_ringparam *kring,			\
		 struct netlink_ext_ack *extack)				\
{										\
	fn(ndev, ring);								\
}
#else
#define HVLIS_DEFINE_GET_RINGPARAM(name, fn)					\
static void name(struct net_device *ndev, struct ethtool_ringparam *ring)	\
{										\
	fn(ndev, ring);								\
}
#endif

#endif
