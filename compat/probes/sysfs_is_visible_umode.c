// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SYSFS_IS_VISIBLE_UMODE: attribute_group.is_visible returns umode_t
 * (3.3; mode_t before, as on RHEL 6)
 */
#include <linux/sysfs.h>

static umode_t hvlis_probe_visible(struct kobject *kobj, struct attribute *a, int n)
{
	return a->mode;
}

void hvlis_probe(void)
{
	struct attribute_group g = { .is_visible = hvlis_probe_visible };

	(void)g;
}
