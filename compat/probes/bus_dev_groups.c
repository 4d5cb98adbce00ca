// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_BUS_DEV_GROUPS: bus_type.dev_groups (3.11); older kernels have dev_attrs */
#include <linux/device.h>

void hvlis_probe(void)
{
	struct bus_type b = { .dev_groups = NULL };

	(void)b;
}
