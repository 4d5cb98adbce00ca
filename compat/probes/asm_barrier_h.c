// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_ASM_BARRIER_H: barriers live in asm/barrier.h (3.4); before, in asm/system.h */
#include <asm/barrier.h>

void hvlis_probe(void)
{
	mb();	/* the probe only needs it to exist */
}
