// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_KVCALLOC: kvcalloc(), a zeroed array from kmalloc or vmalloc (4.18;
 * RHEL 7 has it backported); before, the callers' arrays come from vzalloc.
 */
#include <linux/mm.h>
#include <linux/slab.h>

void hvlis_probe(void)
{
	unsigned long *p = kvcalloc(4, sizeof(*p), GFP_KERNEL);

	kvfree(p);
}
