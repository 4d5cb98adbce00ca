// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_KOBJ_TO_DEV: kobj_to_dev(), the device of an embedded kobject (4.4) */
#include <linux/device.h>

static struct device hvlis_probe_dev;

void hvlis_probe(void)
{
	struct kobject *kobj = &hvlis_probe_dev.kobj;
	struct device *dev = kobj_to_dev(kobj);

	(void)dev;
}
