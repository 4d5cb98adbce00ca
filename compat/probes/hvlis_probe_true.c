// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HVLIS_PROBE_TRUE: engine sentinel; must always be defined */
#include <linux/kernel.h>

void hvlis_probe(void)
{
}
