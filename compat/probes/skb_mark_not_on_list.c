// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SKB_MARK_NOT_ON_LIST: skb_mark_not_on_list(), an skb taken off a
 * segment list (4.20); before, the caller cleared skb->next.
 */
#include <linux/skbuff.h>

void hvlis_probe(void)
{
	skb_mark_not_on_list((struct sk_buff *)0);
}
