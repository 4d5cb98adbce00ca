/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver-model differences for the "vmbus" bus: sysfs attribute helpers
 * and the bus_type callback signatures. Keyed by the HAVE_* results of
 * compat/probes (bus_*.c) or by whether a macro exists.
 */
#ifndef HVLIS_COMPAT_BUS_H
#define HVLIS_COMPAT_BUS_H

#include <hvlis/compat_base.h>
#include <linux/device.h>

/* Attribute helpers (3.11). */
#ifndef DEVICE_ATTR_RO
#define DEVICE_ATTR_RO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, 0444, _name##_show, NULL)
#endif
#ifndef __ATTR_RO_MODE
#define __ATTR_RO_MODE(_name, _mode) __ATTR(_name, _mode, _name##_show, NULL)
#endif

/* kobj_to_dev() (4.4): the device a sysfs kobject is embedded in. */
#ifndef HAVE_KOBJ_TO_DEV
static inline struct device *kobj_to_dev(struct kobject *kobj)
{
	return container_of(kobj, struct device, kobj);
}
#endif

/*
 * The mode an attribute_group's is_visible() returns: umode_t (3.3), mode_t
 * before. The driver declares its callback as returning hvlis_sysfs_mode_t.
 */
#ifdef HAVE_SYSFS_IS_VISIBLE_UMODE
#define hvlis_sysfs_mode_t umode_t
#else
#define hvlis_sysfs_mode_t mode_t
#endif

/*
 * bus_type callback signatures. The driver writes its callbacks against
 * these typedef'd parameter types, so one definition fits every kernel.
 */
#ifdef HAVE_BUS_UEVENT_CONST_DEV
#define hvlis_uevent_dev_t const struct device
#else
#define hvlis_uevent_dev_t struct device
#endif
#ifdef HAVE_BUS_MATCH_CONST_DRV
#define hvlis_match_drv_t const struct device_driver
#else
#define hvlis_match_drv_t struct device_driver
#endif
/* bus_type.remove returns void (5.15+) or int: "return HVLIS_BUS_REMOVE_OK;" */
#ifdef HAVE_BUS_REMOVE_VOID
#define hvlis_bus_remove_ret_t void
#define HVLIS_BUS_REMOVE_OK
#else
#define hvlis_bus_remove_ret_t int
#define HVLIS_BUS_REMOVE_OK 0
#endif

#endif
