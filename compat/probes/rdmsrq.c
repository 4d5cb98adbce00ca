// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_RDMSRQ: rdmsrq()/wrmsrq() (6.16 renamed rdmsrl/wrmsrl) */
#include <asm/msr.h>

void hvlis_probe(void)
{
	u64 v;

	rdmsrq(0x40000000, v);
	wrmsrq(0x40000000, v);
}
