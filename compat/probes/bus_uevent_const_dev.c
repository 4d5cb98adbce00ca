// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_BUS_UEVENT_CONST_DEV: bus_type.uevent takes a const struct device (6.3) */
#include <linux/device.h>

static int ue(const struct device *d, struct kobj_uevent_env *e)
{
	return 0;
}

void hvlis_probe(void)
{
	struct bus_type b = { .uevent = ue };

	(void)b;
}
