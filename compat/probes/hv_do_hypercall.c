// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_HV_DO_HYPERCALL: the kernel owns the hypercall page:
 * hv_do_hypercall() and hv_do_fast_hypercall8() from asm/mshyperv.h
 */
/*
 * A kernel built without CONFIG_HYPERV still declares this in its headers
 * but defines none of it: the feature is there only with the option.
 */
#if !defined(CONFIG_HYPERV) && !defined(CONFIG_HYPERV_MODULE)
#error "CONFIG_HYPERV is not set"
#endif
#include <linux/types.h>
#include <asm/mshyperv.h>

void hvlis_probe(void)
{
	u64 s = hv_do_hypercall(0x5c, NULL, NULL);

	s |= hv_do_fast_hypercall8(0x5d, 0);
	(void)s;
}
