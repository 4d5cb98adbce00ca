// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_HV_DO_HYPERCALL: the kernel owns the hypercall page:
 * hv_do_hypercall() and hv_do_fast_hypercall8() from asm/mshyperv.h
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

void hvlis_probe(void)
{
	u64 s = hv_do_hypercall(0x5c, NULL, NULL);

	s |= hv_do_fast_hypercall8(0x5d, 0);
	(void)s;
}
