// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_BUS_MATCH_CONST_DRV: bus_type.match takes a const struct device_driver (6.11) */
#include <linux/device.h>

static int m(struct device *d, const struct device_driver *drv)
{
	return 0;
}

void hvlis_probe(void)
{
	struct bus_type b = { .match = m };

	(void)b;
}
