// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_BUS_REMOVE_VOID: bus_type.remove returns void (5.15) */
#include <linux/device.h>

static void r(struct device *d)
{
}

void hvlis_probe(void)
{
	struct bus_type b = { .remove = r };

	(void)b;
}
