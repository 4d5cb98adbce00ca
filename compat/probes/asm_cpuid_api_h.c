// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_ASM_CPUID_API_H: cpuid() moved to asm/cpuid/api.h (6.15); before, asm/processor.h */
#include <asm/cpuid/api.h>

void hvlis_probe(void)
{
	u32 a = cpuid_eax(0);

	(void)a;
}
