// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_HYPERCALL_PG: the kernel exports its hypercall page pointer */
/* hvlis-probe-export: hv_hypercall_pg */
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
	void *p = hv_hypercall_pg;

	(void)p;
}
