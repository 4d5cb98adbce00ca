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
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/ethtool.h>
#include <linux/string.h>
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

/* eth_hw_addr_set() (5.15): before, the driver wrote dev_addr itself. */
#ifndef HAVE_ETH_HW_ADDR_SET
static inline void eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	memcpy(dev->dev_addr, addr, ETH_ALEN);
}
#endif

/* skb_frag_off() (5.4): before, skb_frag_t had page_offset. */
#ifndef HAVE_SKB_FRAG_OFF
static inline unsigned int skb_frag_off(const skb_frag_t *frag)
{
	return frag->page_offset;
}
#endif

/* skb_mark_not_on_list() (4.20): an skb taken off a list. */
#ifndef HAVE_SKB_MARK_NOT_ON_LIST
static inline void skb_mark_not_on_list(struct sk_buff *skb)
{
	skb->next = NULL;
}
#endif

/*
 * hvlis_alloc_netdev(size, name, assign, setup): alloc_netdev() with the
 * name assignment type where the kernel takes one (3.17).
 */
#ifdef HAVE_ALLOC_NETDEV_NAME_ASSIGN
#define hvlis_alloc_netdev(size, name, assign, setup) alloc_netdev(size, name, assign, setup)
#else
#define hvlis_alloc_netdev(size, name, assign, setup) alloc_netdev(size, name, setup)
#endif

/*
 * The MTU range the core checks before it calls ndo_change_mtu: in
 * net_device (4.10) or in RHEL 7's net_device.extended. A kernel with
 * neither would call ndo_change_mtu with any value: no driver of ours is
 * written for that, so the build stops instead.
 */
static inline void hvlis_netdev_set_mtu_range(struct net_device *dev, unsigned int min,
					      unsigned int max)
{
#if defined(HAVE_NETDEV_MIN_MAX_MTU)
	dev->min_mtu = min;
	dev->max_mtu = max;
#elif defined(HAVE_NETDEV_EXTENDED_MTU)
	dev->extended->min_mtu = min;
	dev->extended->max_mtu = max;
#else
#error "hvlis: no MTU range in net_device (probes netdev_min_max_mtu, netdev_extended_mtu: no)"
#endif
}

/*
 * HVLIS_NDO_CHANGE_MTU(fn): the net_device_ops initializer of the MTU
 * handler that the core calls after its range check; on RHEL 7 that is
 * extended.ndo_change_mtu (read only up to ndo_size), the top level one
 * being its old handler without the check.
 */
#ifdef HAVE_NETDEV_EXTENDED_MTU
#define HVLIS_NDO_CHANGE_MTU(fn)				\
	.ndo_size = sizeof(const struct net_device_ops),		\
	.extended.ndo_change_mtu = (fn)
#else
#define HVLIS_NDO_CHANGE_MTU(fn) .ndo_change_mtu = (fn)
#endif

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
