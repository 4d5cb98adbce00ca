// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "vmbus" bus: one device per primary channel, named by its instance
 * GUID, with the sysfs attributes that lsvmbus and udev rules read, and
 * uevents carrying MODALIAS=vmbus:<class GUID bytes in hex> so that udev
 * loads the matching driver.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/device.h>
#include <hvlis/compat.h>
#include "vmbus_priv.h"

static void hvlis_guid_hex(const struct hvlis_guid *g, char out[33])
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", g->b[i]);
}

static bool hvlis_guid_null(const struct hvlis_guid *g)
{
	static const struct hvlis_guid null_guid;

	return !memcmp(g, &null_guid, sizeof(*g));
}

static const struct hvlis_device_id *
hvlis_find_id(const struct hvlis_driver *drv, const struct hvlis_guid *class_id)
{
	const struct hvlis_device_id *id = drv->id_table;

	for (; id && !hvlis_guid_null(&id->guid); id++)
		if (!memcmp(&id->guid, class_id, sizeof(*class_id)))
			return id;
	return NULL;
}

static int vmbus_match(struct device *dev, hvlis_match_drv_t *drv)
{
	return !!hvlis_find_id(to_hvlis_driver(drv), &to_hvlis_device(dev)->class_id);
}

static int vmbus_probe(struct device *dev)
{
	struct hvlis_device *hd = to_hvlis_device(dev);
	struct hvlis_driver *drv = to_hvlis_driver(dev->driver);
	const struct hvlis_device_id *id = hvlis_find_id(drv, &hd->class_id);

	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(hd, id);
}

static hvlis_bus_remove_ret_t vmbus_remove(struct device *dev)
{
	struct hvlis_driver *drv = to_hvlis_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_hvlis_device(dev));
	return HVLIS_BUS_REMOVE_OK;
}

static void vmbus_shutdown(struct device *dev)
{
	struct hvlis_driver *drv;

	if (!dev->driver)
		return;
	drv = to_hvlis_driver(dev->driver);
	if (drv->shutdown)
		drv->shutdown(to_hvlis_device(dev));
}

static int vmbus_uevent(hvlis_uevent_dev_t *dev, struct kobj_uevent_env *env)
{
	const struct hvlis_device *hd = to_hvlis_device(dev);
	char hex[33];

	hvlis_guid_hex(&hd->class_id, hex);
	return add_uevent_var(env, "MODALIAS=vmbus:%s", hex);
}

/* ---- device attributes */

static ssize_t id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "%u\n", to_hvlis_device(dev)->channel->relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", to_hvlis_device(dev)->channel->state);
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "%u\n",
			 to_hvlis_device(dev)->channel->offer.monitor_id);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t class_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	char s[37];

	hvlis_guid_to_string(&to_hvlis_device(dev)->class_id, s);
	return scnprintf(buf, PAGE_SIZE, "{%s}\n", s);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	char s[37];

	hvlis_guid_to_string(&to_hvlis_device(dev)->instance_id, s);
	return scnprintf(buf, PAGE_SIZE, "{%s}\n", s);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	char hex[33];

	hvlis_guid_hex(&to_hvlis_device(dev)->class_id, hex);
	return scnprintf(buf, PAGE_SIZE, "vmbus:%s\n", hex);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t channel_vp_mapping_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	struct hvlis_channel *ch = to_hvlis_device(dev)->channel, *sub;
	ssize_t n;

	mutex_lock(&hvlis_vmbus.chan_mutex);
	n = scnprintf(buf, PAGE_SIZE, "%u:%u\n", ch->relid, ch->target_vp);
	list_for_each_entry(sub, &ch->subchannels, sub_node)
		n += scnprintf(buf + n, PAGE_SIZE - n, "%u:%u\n", sub->relid, sub->target_vp);
	mutex_unlock(&hvlis_vmbus.chan_mutex);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

/* Ring state of the primary channel, as lsvmbus -vv shows it. */
enum ring_field { RF_MASK, RF_READ_INDEX, RF_WRITE_INDEX, RF_TO_READ, RF_TO_WRITE };

static ssize_t ring_show(struct device *dev, char *buf, bool out, enum ring_field f)
{
	struct hvlis_channel *ch = to_hvlis_device(dev)->channel;
	struct hvlis_ring *r = out ? &ch->out : &ch->in;
	spinlock_t *lock = out ? &ch->out_lock : &ch->in_lock;
	u32 to_read = 0, to_write = 0, v = 0;
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	if (ch->state != HVLIS_CHAN_OPEN) {
		spin_unlock_irqrestore(lock, flags);
		return -EINVAL;
	}
	hvlis_ring_space(r, &to_read, &to_write);
	switch (f) {
	case RF_MASK:
		v = READ_ONCE(r->hdr->interrupt_mask);
		break;
	case RF_READ_INDEX:
		v = READ_ONCE(r->hdr->read_index);
		break;
	case RF_WRITE_INDEX:
		v = READ_ONCE(r->hdr->write_index);
		break;
	case RF_TO_READ:
		v = to_read;
		break;
	case RF_TO_WRITE:
		v = to_write;
		break;
	}
	spin_unlock_irqrestore(lock, flags);
	return scnprintf(buf, PAGE_SIZE, "%u\n", v);
}

#define RING_ATTR(_name, _out, _field)					\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr, \
			    char *buf)					\
{									\
	return ring_show(dev, buf, _out, _field);			\
}									\
static DEVICE_ATTR_RO(_name)

RING_ATTR(out_intr_mask, true, RF_MASK);
RING_ATTR(out_read_index, true, RF_READ_INDEX);
RING_ATTR(out_write_index, true, RF_WRITE_INDEX);
RING_ATTR(out_read_bytes_avail, true, RF_TO_READ);
RING_ATTR(out_write_bytes_avail, true, RF_TO_WRITE);
RING_ATTR(in_intr_mask, false, RF_MASK);
RING_ATTR(in_read_index, false, RF_READ_INDEX);
RING_ATTR(in_write_index, false, RF_WRITE_INDEX);
RING_ATTR(in_read_bytes_avail, false, RF_TO_READ);
RING_ATTR(in_write_bytes_avail, false, RF_TO_WRITE);

/* Set on each device (struct device.groups exists on every kernel we support). */
static struct attribute *vmbus_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	NULL,
};

static const struct attribute_group vmbus_dev_group = {
	.attrs = vmbus_dev_attrs,
};

static const struct attribute_group *vmbus_dev_groups[] = {
	&vmbus_dev_group,
	NULL,
};

struct bus_type hvlis_bus = {
	.name = "vmbus",
	.match = vmbus_match,
	.probe = vmbus_probe,
	.remove = vmbus_remove,
	.shutdown = vmbus_shutdown,
	.uevent = vmbus_uevent,
};

/**
 * __hvlis_driver_register() - register a VMBus device driver
 * @drv: the driver, with name, id_table and probe set
 * @owner: the module that contains it (THIS_MODULE)
 *
 * Use the hvlis_driver_register() macro.
 *
 * Return: 0 or a negative errno from the driver core.
 */
int __hvlis_driver_register(struct hvlis_driver *drv, struct module *owner)
{
	if (!drv->name || !drv->id_table || !drv->probe)
		return -EINVAL;
	drv->driver.name = drv->name;
	drv->driver.bus = &hvlis_bus;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvlis_driver_register);

/**
 * hvlis_driver_unregister() - unregister a VMBus device driver
 * @drv: the driver
 */
void hvlis_driver_unregister(struct hvlis_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(hvlis_driver_unregister);

static void device_release(struct device *dev)
{
	kfree(to_hvlis_device(dev));
}

/**
 * hvlis_device_add() - create and register the device of a primary channel
 * @ch: the primary channel
 *
 * A matching driver, if loaded, probes the device before this returns.
 *
 * Return: 0 or a negative errno.
 */
int hvlis_device_add(struct hvlis_channel *ch)
{
	struct hvlis_device *hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	char name[37];
	int ret;

	if (!hd)
		return -ENOMEM;
	hd->channel = ch;
	hd->class_id = ch->offer.offer.if_type;
	hd->instance_id = ch->offer.offer.if_instance;
	hd->dev.bus = &hvlis_bus;
	hd->dev.groups = vmbus_dev_groups;
	hd->dev.release = device_release;
	hvlis_guid_to_string(&hd->instance_id, name);
	ret = dev_set_name(&hd->dev, "%s", name);
	if (ret) {
		kfree(hd);
		return ret;
	}
	ch->device = hd;
	ret = device_register(&hd->dev);
	if (ret) {
		ch->device = NULL;
		put_device(&hd->dev);
		return ret;
	}
	hd->channels_kobj = kobject_create_and_add("channels", &hd->dev.kobj);
	if (hd->channels_kobj)
		hvlis_channel_sysfs_add(ch);
	return 0;
}

/**
 * hvlis_device_del() - unbind and remove the device of a primary channel
 * @ch: the primary channel
 *
 * The driver's remove() runs first and closes the channels it opened.
 */
void hvlis_device_del(struct hvlis_channel *ch)
{
	struct hvlis_device *hd = ch->device;
	struct hvlis_channel *sub;

	if (!hd)
		return;
	device_release_driver(&hd->dev);
	list_for_each_entry(sub, &ch->subchannels, sub_node)
		hvlis_channel_sysfs_del(sub);
	hvlis_channel_sysfs_del(ch);
	kobject_put(hd->channels_kobj);
	hd->channels_kobj = NULL;
	device_unregister(&hd->dev);
	ch->device = NULL;
}

/**
 * hvlis_bus_init() - register the vmbus bus type
 *
 * Return: 0, or -EEXIST-like errors when another VMBus driver (the kernel's
 * own, built in) already owns the bus name.
 */
int hvlis_bus_init(void)
{
	return bus_register(&hvlis_bus);
}

/**
 * hvlis_bus_exit() - unregister the vmbus bus type
 */
void hvlis_bus_exit(void)
{
	bus_unregister(&hvlis_bus);
}
