// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus: list the VMBus devices of this Hyper-V guest (libudev,
 * subsystem "vmbus"): relid, class and driver; -v adds the instance GUID
 * and the channels; --json writes all of it as one JSON object.
 */
#include <errno.h>
#include <string.h>

#include "tools.h"

static void usage(FILE *f)
{
	fputs("usage: lsvmbus [-v] [--json] [-h]\n"
	      "  List the VMBus devices from /sys/bus/vmbus/devices.\n"
	      "  -v      also show instance GUIDs and channels (relid:VP and target CPU)\n"
	      "  --json  print every device with its channels as JSON\n", f);
}

static void print_text(const struct vmbus_list *l, bool verbose)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		const struct vmbus_dev *v = &l->devs[i];

		printf("VMBUS ID %3s: Class_ID = %s - %s (driver: %s)\n", v->id,
		       v->class_id ? v->class_id : "", vmbus_class_name(v->class_id),
		       v->driver ? v->driver : "-");
		if (!verbose)
			continue;
		printf("\tDevice_ID = %s\n", v->device_id ? v->device_id : "");
		for (j = 0; j < v->n_chans; j++)
			printf("\tRel_ID=%s, target_cpu=%s (VP %s)\n", v->chans[j].relid,
			       v->chans[j].cpu, v->chans[j].vp);
	}
}

static void print_json_dev(const struct vmbus_dev *v)
{
	bool first = true;
	size_t j;

	fputc('{', stdout);
	json_kv(stdout, &first, "id", v->id);
	json_kv(stdout, &first, "class_id", v->class_id);
	json_kv(stdout, &first, "class_name", vmbus_class_name(v->class_id));
	json_kv(stdout, &first, "device_id", v->device_id);
	json_kv(stdout, &first, "driver", v->driver);
	json_kv(stdout, &first, "syspath", v->syspath);
	json_key(stdout, &first, "channels");
	fputc('[', stdout);
	for (j = 0; j < v->n_chans; j++) {
		bool f2 = true;

		fputs(j ? ",{" : "{", stdout);
		json_kv(stdout, &f2, "relid", v->chans[j].relid);
		json_kv(stdout, &f2, "vp", v->chans[j].vp);
		json_kv(stdout, &f2, "target_cpu", v->chans[j].cpu);
		fputc('}', stdout);
	}
	fputs("]}", stdout);
}

static void print_json(const struct vmbus_list *l)
{
	size_t i;

	fputs("{\"devices\":[", stdout);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', stdout);
		print_json_dev(&l->devs[i]);
	}
	fputs("]}\n", stdout);
}

int main(int argc, char **argv)
{
	bool verbose = false, json = false;
	struct vmbus_list l;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (vmbus_list_read(&l) < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "lsvmbus: %s does not exist: hv_vmbus is not loaded, or this is not a Hyper-V guest\n",
				VMBUS_SYSFS_DEVICES);
		else
			fprintf(stderr, "lsvmbus: cannot list the vmbus devices: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		print_json(&l);
	else
		print_text(&l, verbose);
	vmbus_list_free(&l);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
