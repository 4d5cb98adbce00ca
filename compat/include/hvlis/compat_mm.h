/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvlis compat, memory allocation: kvcalloc() where the kernel lacks it.
 * Keyed by the HAVE_* results of compat/probes, never by kernel version.
 */
#ifndef HVLIS_COMPAT_MM_H
#define HVLIS_COMPAT_MM_H

#include <hvlis/compat_base.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/*
 * kvcalloc() (4.18): before, the array comes from vzalloc(), which
 * kvfree() releases too. Every caller asks with GFP_KERNEL, which is
 * what vzalloc() uses; the flags are not otherwise honoured.
 */
#ifndef HAVE_KVCALLOC
static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	(void)flags;
	if (size && n > SIZE_MAX / size)
		return NULL;
	return vzalloc(n * size);
}
#endif

#endif /* HVLIS_COMPAT_MM_H */
