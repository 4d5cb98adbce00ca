// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_VMALLOC_3ARG: __vmalloc(size, gfp, prot) with a page protection (before 5.8) */
#include <linux/vmalloc.h>

void hvlis_probe(void)
{
	void *p = __vmalloc(4096, GFP_KERNEL, PAGE_KERNEL_EXEC);

	vfree(p);
}
