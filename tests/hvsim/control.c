// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's control interface for tests, in /sys/kernel/debug/hvsim/:
 *
 *   ctl      write one command per write:
 *              version <major>.<minor>     newest VMBus version to accept
 *              add <kind> [instance-guid]  add (or hot-add) a device
 *              add <class-guid> [instance-guid]   an idle device of any class
 *              sub <relid> <count>         offer sub-channels of a device
 *              rescind <relid>             withdraw a channel
 *   devices  read: one line per channel
 *   stats    read: host counters
 *
 * Kinds: echo (sends every packet back), idle, and the idle stand-ins
 * net scsi ide shutdown timesync heartbeat kvp vss fcopy balloon, which
 * carry the real device classes so that the guest sees a familiar bus.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <hvlis/compat.h>
#include "hvsim.h"

static struct dentry *dir;
static u32 next_instance = 1;

struct kind_name {
	const char *name;
	enum sim_kind kind;
	struct hvlis_guid class_id;
};

static const struct kind_name kinds[] = {
	{ "echo", SIM_ECHO, HVSIM_GUID_ECHO },
	{ "idle", SIM_IDLE, HVSIM_GUID_IDLE },
	{ "net", SIM_IDLE, HVLIS_GUID_NETWORK },
	{ "scsi", SIM_IDLE, HVLIS_GUID_SCSI },
	{ "ide", SIM_IDLE, HVLIS_GUID_IDE },
	{ "shutdown", SIM_IDLE, HVLIS_GUID_SHUTDOWN },
	{ "timesync", SIM_IDLE, HVLIS_GUID_TIMESYNC },
	{ "heartbeat", SIM_IDLE, HVLIS_GUID_HEARTBEAT },
	{ "kvp", SIM_IDLE, HVLIS_GUID_KVP },
	{ "vss", SIM_IDLE, HVLIS_GUID_VSS },
	{ "fcopy", SIM_IDLE, HVLIS_GUID_FCOPY },
	{ "balloon", SIM_IDLE, HVLIS_GUID_DYNMEM },
};

/**
 * hvsim_kind_name() - name of a device behaviour
 * @kind: the behaviour
 *
 * Return: "echo" or "idle".
 */
const char *hvsim_kind_name(enum sim_kind kind)
{
	return kind == SIM_ECHO ? "echo" : "idle";
}

/* "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" -> wire order */
static int parse_guid(const char *s, struct hvlis_guid *g)
{
	static const u8 order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
				      8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned int i, pos = 0;
	int hi, lo;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
			if (s[pos] != '-')
				return -EINVAL;
			pos++;
		}
		hi = hex_to_bin(s[pos]);
		lo = hex_to_bin(s[pos + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		g->b[order[i]] = (u8)(hi << 4 | lo);
		pos += 2;
	}
	return 0;
}

static void default_instance(struct hvlis_guid *g)
{
	static const struct hvlis_guid base = HVLIS_GUID(0, 0x5151, 0x4000,
		0x80, 0x00, 0x68, 0x76, 0x73, 0x69, 0x6d, 0x00);

	*g = base;
	g->b[0] = next_instance & 0xff;
	g->b[1] = (next_instance >> 8) & 0xff;
	next_instance++;
}

static int cmd_add(char *args)
{
	char *what = strsep(&args, " "), *inst = args ? strsep(&args, " ") : NULL;
	struct hvlis_guid class_id, instance;
	enum sim_kind kind = SIM_IDLE;
	unsigned int i;
	bool found = false;
	int ret;

	if (!what || !*what)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(what, kinds[i].name)) {
			kind = kinds[i].kind;
			class_id = kinds[i].class_id;
			found = true;
		}
	}
	if (!found && parse_guid(what, &class_id)) {
		pr_err("add: unknown kind or class GUID '%s'\n", what);
		return -EINVAL;
	}
	if (inst && *inst) {
		if (parse_guid(inst, &instance)) {
			pr_err("add: bad instance GUID '%s'\n", inst);
			return -EINVAL;
		}
	} else {
		default_instance(&instance);
	}
	ret = hvsim_add_device(kind, &class_id, &instance, 0);
	if (ret < 0)
		return ret;
	pr_info("added %s device, relid %d\n", what, ret);
	return 0;
}

static int cmd_version(char *args)
{
	unsigned int major, minor;

	if (!args || sscanf(args, "%u.%u", &major, &minor) != 2 || major > 0xffff ||
	    minor > 0xffff)
		return -EINVAL;
	*hvsim_host_version() = HVLIS_VMBUS_VERSION(major, minor);
	return 0;
}

static int run_command(char *line)
{
	char *cmd = strsep(&line, " ");
	unsigned int a, b;

	if (!strcmp(cmd, "version"))
		return cmd_version(line);
	if (!strcmp(cmd, "add"))
		return cmd_add(line);
	if (!strcmp(cmd, "rescind")) {
		if (!line || kstrtouint(line, 0, &a))
			return -EINVAL;
		return hvsim_rescind(a);
	}
	if (!strcmp(cmd, "sub")) {
		if (!line || sscanf(line, "%u %u", &a, &b) != 2)
			return -EINVAL;
		return hvsim_add_subchannels(a, b);
	}
	pr_err("unknown command '%s'\n", cmd);
	return -EINVAL;
}

static ssize_t ctl_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[160];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	ret = run_command(strim(buf));
	return ret < 0 ? ret : len;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.write = ctl_write,
};

static int devices_show(struct seq_file *s, void *unused)
{
	hvsim_show_devices(s);
	return 0;
}

static int stats_show(struct seq_file *s, void *unused)
{
	hvsim_show_stats(s);
	return 0;
}

static int devices_open(struct inode *inode, struct file *file)
{
	return single_open(file, devices_show, NULL);
}

static int stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, stats_show, NULL);
}

static const struct file_operations devices_fops = {
	.owner = THIS_MODULE,
	.open = devices_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.open = stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * hvsim_debugfs_init() - create /sys/kernel/debug/hvsim/
 */
void hvsim_debugfs_init(void)
{
	dir = debugfs_create_dir("hvsim", NULL);
	debugfs_create_file("ctl", 0200, dir, NULL, &ctl_fops);
	debugfs_create_file("devices", 0444, dir, NULL, &devices_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
}

/**
 * hvsim_debugfs_exit() - remove /sys/kernel/debug/hvsim/
 */
void hvsim_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
}
