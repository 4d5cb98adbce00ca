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
#include <hvlis/compat_bus.h>
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

/*
 * driver_override: an admin may name the one driver a device may bind to
 * (echo NAME > driver_override, then unbind and drivers_probe). The named
 * driver must still list the device's class: a driver is never handed a
 * device whose protocol it does not speak.
 */
static DEFINE_SPINLOCK(override_lock);

static bool vmbus_override_allows(struct hvlis_device *hd, const char *name)
{
	bool ok;

	spin_lock(&override_lock);
	ok = !hd->driver_override || !strcmp(hd->driver_override, name);
	spin_unlock(&override_lock);
	return ok;
}

static int vmbus_match(struct device *dev, hvlis_match_drv_t *drv)
{
	struct hvlis_device *hd = to_hvlis_device(dev);
	const struct hvlis_driver *hdrv = to_hvlis_driver(drv);

	if (!vmbus_override_allows(hd, hdrv->name))
		return 0;
	return !!hvlis_find_id(hdrv, &hd->class_id);
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

/*
 * Hibernation: the PM core calls freeze (before the image is written) and
 * thaw (after, or when writing failed), poweroff (before the VM goes down)
 * and restore (in the resumed kernel). Each VMBus device is asked to close
 * its channels and to reopen them, as upstream's bus does. A driver that
 * cannot (no hook) stops the hibernation: its device would come back with
 * channels the host no longer knows.
 */
static int vmbus_pm_suspend(struct device *dev)
{
	struct hvlis_driver *drv;

	if (!dev->driver)
		return 0;
	drv = to_hvlis_driver(dev->driver);
	if (!drv->suspend)
		return -EOPNOTSUPP;
	return drv->suspend(to_hvlis_device(dev));
}

static int vmbus_pm_resume(struct device *dev)
{
	struct hvlis_driver *drv;

	if (!dev->driver)
		return 0;
	drv = to_hvlis_driver(dev->driver);
	if (!drv->resume)
		return -EOPNOTSUPP;
	return drv->resume(to_hvlis_device(dev));
}

static const struct dev_pm_ops vmbus_pm_ops = {
	.freeze = vmbus_pm_suspend,
	.thaw = vmbus_pm_resume,
	.poweroff = vmbus_pm_suspend,
	.restore = vmbus_pm_resume,
};

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

/* Microsoft's PCI vendor id, which upstream's bus reports for every device */
#define HVLIS_VENDOR_MICROSOFT	0x1414

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "0x%x\n", HVLIS_VENDOR_MICROSOFT);
}
static DEVICE_ATTR_RO(vendor);

/*
 * The device type number that upstream's bus reports in "device": the
 * position of the class in its list of known classes (IDE 0, SCSI 1, FC 2,
 * network 3, ND 4, PCI 5, video 6, keyboard 7, mouse 8, KVP 9, time sync 10,
 * heartbeat 11, shutdown 12, file copy 13, VSS 14, dynamic memory 15),
 * "unknown" (16) for any other class. Tools pair it with "vendor".
 */
static const struct {
	struct hvlis_guid guid;
	u16 type;
} vmbus_dev_types[] = {
	{ HVLIS_GUID_IDE, 0 },
	{ HVLIS_GUID_SCSI, 1 },
	{ HVLIS_GUID_FC, 2 },
	{ HVLIS_GUID_NETWORK, 3 },
	{ HVLIS_GUID_ND, 4 },
	{ HVLIS_GUID_PCI, 5 },
	{ HVLIS_GUID_SYNTHVID, 6 },
	{ HVLIS_GUID_KBD, 7 },
	{ HVLIS_GUID_MOUSE, 8 },
	{ HVLIS_GUID_KVP, 9 },
	{ HVLIS_GUID_TIMESYNC, 10 },
	{ HVLIS_GUID_HEARTBEAT, 11 },
	{ HVLIS_GUID_SHUTDOWN, 12 },
	{ HVLIS_GUID_FCOPY, 13 },
	{ HVLIS_GUID_VSS, 14 },
	{ HVLIS_GUID_DYNMEM, 15 },
};

#define HVLIS_DEV_TYPE_UNKNOWN	16

static u16 vmbus_dev_type(const struct hvlis_guid *class_id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmbus_dev_types); i++)
		if (!memcmp(&vmbus_dev_types[i].guid, class_id, sizeof(*class_id)))
			return vmbus_dev_types[i].type;
	return HVLIS_DEV_TYPE_UNKNOWN;
}

static ssize_t device_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "0x%x\n",
			 vmbus_dev_type(&to_hvlis_device(dev)->class_id));
}
static DEVICE_ATTR_RO(device);

/* The NUMA node of the CPU the primary channel interrupts. */
static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n",
			 cpu_to_node(to_hvlis_device(dev)->channel->target_cpu));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t driver_override_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	struct hvlis_device *hd = to_hvlis_device(dev);
	ssize_t n;

	spin_lock(&override_lock);
	n = scnprintf(buf, PAGE_SIZE, "%s\n", hd->driver_override ? : "");
	spin_unlock(&override_lock);
	return n;
}

static ssize_t driver_override_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct hvlis_device *hd = to_hvlis_device(dev);
	char *name = NULL, *old;
	size_t len = strnlen(buf, count);

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= HVLIS_DRIVER_NAME_MAX)
		return -EINVAL;
	if (len) {
		name = kstrndup(buf, len, GFP_KERNEL);
		if (!name)
			return -ENOMEM;
	}
	spin_lock(&override_lock);
	old = hd->driver_override;
	hd->driver_override = name;
	spin_unlock(&override_lock);
	kfree(old);
	return count;
}
static DEVICE_ATTR_RW(driver_override);

/*
 * The monitor page entries of a monitored channel: [0] is the host's
 * (server) page, [1] the guest's (client) page. Shown only for channels
 * offered with a monitor id.
 */
static const struct hvlis_hv_monitor_page *vmbus_monitor_page(bool client)
{
	return hvlis_vmbus.monitor_pages[client ? 1 : 0];
}

enum monitor_field { MF_PENDING, MF_LATENCY, MF_CONN_ID };

static ssize_t monitor_show(struct device *dev, char *buf, bool client, enum monitor_field f)
{
	const struct hvlis_channel *ch = to_hvlis_device(dev)->channel;
	const struct hvlis_hv_monitor_page *mp = vmbus_monitor_page(client);
	u32 v;

	if (!ch->monitored || !mp)
		return -EINVAL;
	switch (f) {
	case MF_PENDING:
		v = READ_ONCE(mp->trigger_group[ch->monitor_grp].pending);
		break;
	case MF_LATENCY:
		v = READ_ONCE(mp->latency[ch->monitor_grp][ch->monitor_bit]);
		break;
	default:
		v = READ_ONCE(mp->parameter[ch->monitor_grp][ch->monitor_bit].connection_id);
		break;
	}
	return scnprintf(buf, PAGE_SIZE, "%u\n", v);
}

#define MONITOR_ATTR(_name, _client, _field)				\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr, \
			    char *buf)					\
{									\
	return monitor_show(dev, buf, _client, _field);			\
}									\
static DEVICE_ATTR_RO(_name)

MONITOR_ATTR(server_monitor_pending, false, MF_PENDING);
MONITOR_ATTR(client_monitor_pending, true, MF_PENDING);
MONITOR_ATTR(server_monitor_latency, false, MF_LATENCY);
MONITOR_ATTR(client_monitor_latency, true, MF_LATENCY);
MONITOR_ATTR(server_monitor_conn_id, false, MF_CONN_ID);
MONITOR_ATTR(client_monitor_conn_id, true, MF_CONN_ID);

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

#ifdef HVLIS_TEST_HOOKS
/*
 * Test builds only: a VM under TCG cannot hibernate, so writing 1 to
 * test_pm_cycle runs this device's freeze, then its thaw, through the same
 * functions and under the same device lock as the PM core would.
 */
static ssize_t test_pm_cycle_store(struct device *dev, struct device_attribute *attr,
				   const char *buf, size_t count)
{
	int ret;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	device_lock(dev);
	ret = vmbus_pm_ops.freeze(dev);
	dev_info(dev, "test: freeze: %d\n", ret);
	if (!ret) {
		ret = vmbus_pm_ops.thaw(dev);
		dev_info(dev, "test: thaw: %d\n", ret);
	}
	device_unlock(dev);
	return ret ? ret : count;
}

static struct device_attribute dev_attr_test_pm_cycle =
	__ATTR(test_pm_cycle, 0200, NULL, test_pm_cycle_store);
#endif

/* Set on each device (struct device.groups exists on every kernel we support). */
static struct attribute *vmbus_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_driver_override.attr,
#ifdef HVLIS_TEST_HOOKS
	&dev_attr_test_pm_cycle.attr,
#endif
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
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

static bool vmbus_is_monitor_attr(const struct attribute *a)
{
	return a == &dev_attr_server_monitor_pending.attr ||
	       a == &dev_attr_client_monitor_pending.attr ||
	       a == &dev_attr_server_monitor_latency.attr ||
	       a == &dev_attr_client_monitor_latency.attr ||
	       a == &dev_attr_server_monitor_conn_id.attr ||
	       a == &dev_attr_client_monitor_conn_id.attr;
}

static hvlis_sysfs_mode_t vmbus_dev_attr_visible(struct kobject *kobj, struct attribute *a, int n)
{
	const struct hvlis_device *hd = to_hvlis_device(kobj_to_dev(kobj));

	if (vmbus_is_monitor_attr(a) && !hd->channel->monitored)
		return 0;
	return a->mode;
}

static const struct attribute_group vmbus_dev_group = {
	.attrs = vmbus_dev_attrs,
	.is_visible = vmbus_dev_attr_visible,
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
	.pm = &vmbus_pm_ops,
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
	struct hvlis_device *hd = to_hvlis_device(dev);

	kfree(hd->driver_override);
	kfree(hd);
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
