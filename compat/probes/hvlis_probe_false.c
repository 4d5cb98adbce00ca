// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HVLIS_PROBE_FALSE: engine sentinel; must never be defined */
#include <linux/kernel.h>

void hvlis_probe(void)
{
	hvlis_no_such_function_in_any_kernel();
}
