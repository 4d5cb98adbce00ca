/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by lsvmbus and hvlis-status: the VMBus devices as libudev sees
 * them (subsystem "vmbus"), the names of the device classes, JSON output.
 */
#ifndef HVLIS_TOOLS_H
#define HVLIS_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VMBUS_SYSFS_DEVICES "/sys/bus/vmbus/devices"

struct vmbus_chan {
	char *relid;		/* as channel_vp_mapping has it */
	char *vp;
	char *cpu;		/* channels/<relid>/cpu, or "?" */
};

struct vmbus_dev {
	char *id;		/* the relid attribute "id", as text */
	unsigned long id_num;	/* for sorting */
	char *syspath;
	char *class_id;
	char *device_id;
	char *driver;		/* NULL: no driver bound */
	struct vmbus_chan *chans;
	size_t n_chans;
};

struct vmbus_list {
	struct vmbus_dev *devs;
	size_t n;
};

/*
 * Fills list with every device of the vmbus bus, sorted by relid.
 * Returns 0, or -1 with errno set (ENOENT: no vmbus bus in sysfs).
 */
int vmbus_list_read(struct vmbus_list *list);
void vmbus_list_free(struct vmbus_list *list);
/* A row of modules/vmbus-classes.list (the one table of device classes). */
struct vmbus_class {
	const char *guid;	/* "{...}", lower case */
	const char *hvlis;	/* hvlis's module for the class, or NULL */
	const char *inbox;	/* the distribution kernel's module, or NULL */
	const char *name;
};

/* The row of a class GUID ("{...}"), or NULL for a class not in the table. */
const struct vmbus_class *vmbus_class_find(const char *class_id);
/* The human name of a device class GUID ("{...}"), never NULL. */
const char *vmbus_class_name(const char *class_id);

/* JSON: s as a quoted string (NULL as null), control and non-ASCII bytes escaped. */
void json_str(FILE *f, const char *s);
/* "key": value-string, with a leading comma unless first. */
void json_kv(FILE *f, bool *first, const char *key, const char *val);
void json_key(FILE *f, bool *first, const char *key);

/* The text of a file, NUL-terminated, at most max bytes; NULL on error. */
char *tools_read_file(const char *path, size_t max, size_t *len);
/* strdup that exits with status 4 when out of memory. */
char *xstrdup(const char *s);
/* asprintf that exits with status 4 when out of memory. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);

#endif /* HVLIS_TOOLS_H */
