// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SKB_FRAG_OFF: skb_frag_off(), the offset of a fragment in its page
 * (5.4, when skb_frag_t became a bio_vec); before, frag->page_offset.
 */
#include <linux/skbuff.h>

void hvlis_probe(void)
{
	static skb_frag_t f;
	unsigned int off = skb_frag_off(&f);

	(void)off;
}
