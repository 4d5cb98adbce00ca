// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_HYPERCALL_PG: the kernel exports its hypercall page pointer */
/* hvlis-probe-export: hv_hypercall_pg */
#include <linux/types.h>
#include <asm/mshyperv.h>

void hvlis_probe(void)
{
	void *p = hv_hypercall_pg;

	(void)p;
}
