// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_CALL_NOSPEC: CALL_NOSPEC and THUNK_TARGET (asm/nospec-branch.h, 4.15,
 * the retpoline-safe indirect call from inline asm) and ASM_CALL_CONSTRAINT
 * (asm/asm.h, 4.14)
 */
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

void hvlis_probe(void)
{
	void *target = NULL;
	u64 rax;

	if (target)
		asm volatile(CALL_NOSPEC
			     : "=a" (rax), ASM_CALL_CONSTRAINT
			     : THUNK_TARGET(target)
			     : "cc", "memory");
}
