// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NET_GSO_H: skb_gso_segment() is declared in <net/gso.h> (6.5);
 * before, in <linux/netdevice.h>.
 */
#include <linux/skbuff.h>
#include <net/gso.h>

void hvlis_probe(void)
{
	struct sk_buff *(*seg)(struct sk_buff *, netdev_features_t) = skb_gso_segment;

	(void)seg;
}
