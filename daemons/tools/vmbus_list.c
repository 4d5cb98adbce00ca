// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus devices through libudev: enumerate subsystem "vmbus", read each
 * device's attributes (id, class_id, device_id, channel_vp_mapping,
 * channels/<relid>/cpu) and the driver bound to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libudev.h>

#include "tools.h"

static const struct vmbus_class vmbus_classes[] = {
#include "vmbus_classes.h"
};

const struct vmbus_class *vmbus_class_find(const char *class_id)
{
	size_t i;

	for (i = 0; class_id && i < sizeof(vmbus_classes) / sizeof(vmbus_classes[0]); i++)
		if (strcmp(class_id, vmbus_classes[i].guid) == 0)
			return &vmbus_classes[i];
	return NULL;
}

const char *vmbus_class_name(const char *class_id)
{
	const struct vmbus_class *c = vmbus_class_find(class_id);

	return c ? c->name : "Unknown device class";
}

static char *attr(struct udev_device *d, const char *name)
{
	const char *v = udev_device_get_sysattr_value(d, name);

	return v ? xstrdup(v) : NULL;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One "relid:vp" line of channel_vp_mapping. */
static void add_chan(struct udev_device *d, struct vmbus_dev *v, const char *line,
		     size_t len)
{
	struct vmbus_chan *c;
	const char *colon = memchr(line, ':', len);
	size_t rl = colon ? (size_t)(colon - line) : len;
	char *cpu = NULL;

	v->chans = xreallocarray(v->chans, v->n_chans + 1, sizeof(*v->chans));
	c = &v->chans[v->n_chans++];
	c->relid = xasprintf("%.*s", (int)rl, line);
	c->vp = colon ? xasprintf("%.*s", (int)(len - rl - 1), colon + 1) : xstrdup("");
	if (all_digits(c->relid)) {
		char *name = xasprintf("channels/%s/cpu", c->relid);

		cpu = attr(d, name);
		free(name);
	}
	c->cpu = cpu ? cpu : xstrdup("?");
}

static void read_chans(struct udev_device *d, struct vmbus_dev *v)
{
	const char *map = udev_device_get_sysattr_value(d, "channel_vp_mapping");
	const char *p, *nl;

	for (p = map; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		add_chan(d, v, p, nl ? (size_t)(nl - p) : strlen(p));
		if (!nl)
			break;
	}
}

static void read_dev(struct udev_device *d, struct vmbus_dev *v)
{
	const char *drv = udev_device_get_driver(d);

	v->syspath = xstrdup(udev_device_get_syspath(d));
	v->id_num = strtoul(v->id, NULL, 10);
	v->class_id = attr(d, "class_id");
	v->device_id = attr(d, "device_id");
	v->driver = drv ? xstrdup(drv) : NULL;
	read_chans(d, v);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct vmbus_dev *x = a, *y = b;

	if (x->id_num != y->id_num)
		return x->id_num < y->id_num ? -1 : 1;
	return strcmp(x->syspath, y->syspath);
}

static void add_path(struct udev *u, struct vmbus_list *list, const char *path)
{
	struct udev_device *d = udev_device_new_from_syspath(u, path);
	struct vmbus_dev *v;
	char *id;

	if (!d)
		return;
	id = attr(d, "id");
	if (id) {
		list->devs = xreallocarray(list->devs, list->n + 1, sizeof(*list->devs));
		v = memset(&list->devs[list->n++], 0, sizeof(*v));
		v->id = id;
		read_dev(d, v);
	}
	udev_device_unref(d);
}

int vmbus_list_read(struct vmbus_list *list)
{
	struct udev_list_entry *e;
	struct udev_enumerate *en;
	struct udev *u;
	struct stat st;
	int rc = -1;

	memset(list, 0, sizeof(*list));
	if (stat(VMBUS_SYSFS_DEVICES, &st) < 0)
		return -1;
	u = udev_new();
	if (!u)
		return -1;
	en = udev_enumerate_new(u);
	if (en && udev_enumerate_add_match_subsystem(en, "vmbus") >= 0 &&
	    udev_enumerate_scan_devices(en) >= 0) {
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
			add_path(u, list, udev_list_entry_get_name(e));
		rc = 0;
	}
	udev_enumerate_unref(en);
	udev_unref(u);
	if (list->n)
		qsort(list->devs, list->n, sizeof(*list->devs), cmp_dev);
	return rc;
}

void vmbus_list_free(struct vmbus_list *list)
{
	size_t i, j;

	for (i = 0; i < list->n; i++) {
		struct vmbus_dev *v = &list->devs[i];

		for (j = 0; j < v->n_chans; j++) {
			free(v->chans[j].relid);
			free(v->chans[j].vp);
			free(v->chans[j].cpu);
		}
		free(v->chans);
		free(v->id);
		free(v->syspath);
		free(v->class_id);
		free(v->device_id);
		free(v->driver);
	}
	free(list->devs);
	memset(list, 0, sizeof(*list));
}
