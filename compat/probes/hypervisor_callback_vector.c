// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HYPERVISOR_CALLBACK_VECTOR: the x86 Hyper-V callback vector HYPERVISOR_CALLBACK_VECTOR */
#include <asm/irq_vectors.h>

void hvlis_probe(void)
{
	int v = HYPERVISOR_CALLBACK_VECTOR;

	(void)v;
}
