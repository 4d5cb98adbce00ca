// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's control interface for tests, in /sys/kernel/debug/hvsim/:
 *
 *   ctl      write one command per write:
 *              version <major>.<minor>     newest VMBus version to accept
 *              add <kind> [instance-guid] [monitored | monitor=<id>]
 *                                          add (or hot-add) a device
 *              add <class-guid> [instance-guid] [...]  an idle device of any class
 *              sub <relid> <count>         offer sub-channels of a device
 *              rescind <relid>             withdraw a channel
 *              fault <name> [args] [count=N]   commit a fault (below)
 *              lock hold | lock release    hold the host's global lock
 *                                          (sim.lock) in a worker until
 *                                          released (at most 120 s): a
 *                                          channel's data path must go on
 *                                          without it (file lock_held)
 *              crash                       run the guest's kexec/crash
 *                                          handler (the polling UNLOAD) on
 *                                          the message CPU, interrupts off
 *              ic <service|relid> <verb> [args]
 *                                          talk to an integration service
 *                                          (ic_host.c lists the verbs)
 *              stor <relid> <verb> [args]  the storage host (stor_host.c
 *                                          lists the verbs and add options)
 *              net <relid> <verb> [args]   the network host (net_host.c
 *                                          lists the verbs and add options)
 *   devices  read: one line per channel
 *   stats    read: host counters; fault_<name> counts each fault committed
 *   lock_held  read: 1 while "lock hold" has the host's lock (read
 *            without that lock, unlike stats and devices)
 *   ic       read: each integration-service channel (ic_host.c)
 *   stor     read: each storage controller, its LUNs and channels
 *            (stor_host.c)
 *   net      read: each network adapter and its channels (net_host.c)
 *
 * "monitored" offers the device's channel with a monitor id (the lowest
 * free one; "monitor=<id>" names it, 0..127, each id used once): the guest
 * then signals it through the monitor page, not HvSignalEvent. Its
 * sub-channels get monitor ids too. In devices, "monitor" is the id (or -),
 * signals_monitor counts the signals taken from the monitor page and
 * monitored_hypercalls the HvSignalEvents the guest made for it anyway (a
 * protocol violation, still served; not seen with a 2008 host, where all
 * channels share one event); signals_in counts all HvSignalEvents.
 * The stats sum them (monitor_signals, monitored_hypercalls) and count
 * monitor_stray, pending bits of ids that no channel has (bits of a
 * channel that is not open are dropped).
 * csum_requests and csum_errors count the echo device's GPADL checksum
 * requests (see hvsim.h) answered, and those answered with an error.
 *
 * Kinds: echo (sends every packet back, but answers GPADL checksum
 * requests, see hvsim.h), idle, scsi, ide and fc (the storage host,
 * stor_host.c; also any of the storage class GUIDs), net (the network
 * host, net_host.c; also its class GUID), and the idle
 * stand-ins shutdown timesync heartbeat kvp vss fcopy balloon, which
 * carry the real device classes so that the guest sees a familiar bus.
 *
 * Faults: what a broken or hostile host might do. Numbers are decimal or
 * 0x-hex; count=N repeats the fault N times (default 1). Offers that no
 * host channel backs get relids from 1000 up. Message faults need a
 * connected guest; ring faults an open channel. The host logs each fault
 * as it commits it ("hvsim: fault ...").
 *
 *   short <type> [len]         a channel message of <type> (host-to-guest
 *                              types: 1 2 4 6 10 12 15 17 24, or any other
 *                              known number) cut to len bytes (default: one
 *                              byte short)
 *   long [claim] [type]        a message (default OFFERCHANNEL) whose SynIC
 *                              payload_size says claim bytes, 241..255
 *                              (default 255)
 *   badtype <type> [len]       a message of a type the host must not send
 *                              (e.g. 99, or 14 INITIATE_CONTACT), len bytes
 *                              (default the type's size, 16 if unknown)
 *   unsolicited <type> [relid] [extra]
 *                              an answer nobody asked for: OPENCHANNEL_RESULT
 *                              (6), GPADL_CREATED (10), GPADL_TORNDOWN (12),
 *                              VERSION_RESPONSE (15), UNLOAD_RESPONSE (17),
 *                              MODIFYCHANNEL_RESPONSE (24); extra is the
 *                              gpadl or status (default 0xdead0000)
 *   gpadl-created-unknown [relid] [gpadl]
 *                              a GPADL_CREATED for a gpadl nobody asked for
 *   offer-relid <relid>        an idle offer with that relid (0, 2048, 65535,
 *                              or one in use: a duplicate)
 *   offer-monitor <id>         an offer with the monitor allocated and this
 *                              monitor id (> 127 is out of range)
 *   offer-dup <relid>          that channel's class and instance offered
 *                              again as a new primary under a fake relid
 *   rescind-unknown <relid>    a rescind of a relid the guest does not have
 *   ring-index <relid> <which> <value>
 *                              set an index of an open channel's rings and
 *                              signal it; which: in-write (the guest-inbound
 *                              ring's write index), in-read, out-write,
 *                              out-read
 *   ring-lie <relid> [how]     plant a packet in the guest-inbound ring of an
 *                              open channel and signal it; its descriptor
 *                              lies: offset (offset8 < 2, the default),
 *                              inverted (len8 < offset8), beyond (len8 past
 *                              the bytes written), huge (len8 0xffff), tiny
 *                              (the write index moves by 16 bytes only)
 *   open-fail <relid> [status] the next OPENCHANNEL of relid is answered
 *                              with status (default 0xc0000001)
 *   open-hang <relid>          the next OPENCHANNEL of relid gets no answer
 *   modify-fail <relid> [status]
 *                              the next MODIFYCHANNEL of relid is refused
 *                              with status (default 0xc0000001; 5.3+ hosts)
 *   rescind-during-open <relid>
 *                              the next OPENCHANNEL of relid is answered by
 *                              a rescind of the channel
 *   gpadl-fail <relid>         the next GPADL of relid is refused
 *   teardown-hang <relid>      the next GPADL_TEARDOWN of relid gets no answer
 *   early-packet <relid>       at the next OPENCHANNEL of relid the host opens
 *                              the channel, writes a packet (16 bytes of
 *                              payload, transaction id 0xea51) to its inbound
 *                              ring and signals it, and only 20 ms later
 *                              sends OPENCHANNEL_RESULT, as a host may when
 *                              the result waits behind a busy message slot
 *   storm <n> [relid]          raise the VMBus interrupt n times with nothing
 *                              to do, or with relid's event flag set each time
 *   no-eom [n]                 send n harmless messages (ALLOFFERS_DELIVERED,
 *                              default 1), each flagged "more pending", and
 *                              deliver the next only after the guest's EOM;
 *                              the stats' eoms counter shows the EOMs
 *   gpadl-late <relid>         the next GPADL of relid is created, but
 *                              GPADL_CREATED goes out only 11 s later, after
 *                              the guest gave up waiting; then the host
 *                              counts the GPADL's pages that the guest freed
 *                              meanwhile (stats: gpadl_pages_freed)
 *   rescind-after-gpadl <relid>
 *                              the next GPADL of relid is answered, flagged
 *                              "more pending", and the guest's EOM for it
 *                              puts a rescind of the channel in the slot at
 *                              once, on the guest's message CPU (before the
 *                              guest can send its OPENCHANNEL); the host then
 *                              ignores the relid's OPENCHANNEL and GPADL
 *                              messages, counted (requests_after_rescind):
 *                              a guest that knew of the rescind sends none
 *   unload-behind              the next UNLOAD: a message (ALLOFFERS_DELIVERED)
 *                              queued ahead of UNLOAD_RESPONSE, which then
 *                              waits for the guest's EOM, as on Hyper-V
 *                              (stats: unload_responses counts those delivered)
 *   storm-through <n> [relid]  as storm, with WS2008/WIN7's "look at the
 *                              interrupt page" flag (or relid's flag on newer
 *                              hosts), and it goes on through UNLOAD until the
 *                              guest's SynIC is off
 *   irq-other <relid>          relid's event flag and one interrupt on the CPU
 *                              that is neither the message CPU nor the caller's
 *                              (the caller runs on the message CPU), sent as a
 *                              real IPI that nobody waits for
 *   csum-silent <relid>        the next checksum request on echo channel
 *                              relid is taken from the ring and never
 *                              answered (a request waiting for its answer)
 *
 * open-fail ... early-packet, gpadl-late, rescind-after-gpadl, csum-silent
 * and unload-behind are armed for the next count times and counted when they
 * fire; faults_armed says how many firings are left.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/completion.h>
#include <hvlis/compat_base.h>
#include <hvlis/compat_fs.h>
#include <hvlis/chanmsg.h>
#include "hvsim_core.h"

static struct dentry *dir;
static u32 next_instance = 1;

/* The names "add" takes for a device class; the class picks the kind (registry.c). */
struct kind_name {
	const char *name;
	struct hvlis_guid class_id;
};

static const struct kind_name kinds[] = {
	{ "echo", HVSIM_GUID_ECHO },
	{ "idle", HVSIM_GUID_IDLE },
	{ "net", HVLIS_GUID_NETWORK },
	{ "scsi", HVLIS_GUID_SCSI },
	{ "ide", HVLIS_GUID_IDE },
	{ "fc", HVLIS_GUID_FC },
	{ "shutdown", HVLIS_GUID_SHUTDOWN },
	{ "timesync", HVLIS_GUID_TIMESYNC },
	{ "heartbeat", HVLIS_GUID_HEARTBEAT },
	{ "kvp", HVLIS_GUID_KVP },
	{ "vss", HVLIS_GUID_VSS },
	{ "fcopy", HVLIS_GUID_FCOPY },
	{ "balloon", HVLIS_GUID_DYNMEM },
};

/* One hex digit; not hex_to_bin(), which moved to <linux/hex.h> in 6.x. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
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
		hi = hex_digit(s[pos]);
		lo = hex_digit(s[pos + 1]);
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
	char *what = strsep(&args, " "), *inst = NULL, *tok;
	char opts[160] = "";
	struct hvlis_guid class_id, instance;
	const struct hvsim_kind *kind;
	int ret, monitor = HVSIM_MONITOR_NONE;
	unsigned int i, id;
	bool found = false;

	if (!what || !*what)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(what, kinds[i].name)) {
			class_id = kinds[i].class_id;
			found = true;
		}
	}
	if (!found && parse_guid(what, &class_id)) {
		pr_err("add: unknown kind or class GUID '%s'\n", what);
		return -EINVAL;
	}
	while ((tok = strsep(&args, " ")) != NULL) {
		if (!*tok)
			continue;
		if (!strcmp(tok, "monitored")) {
			monitor = HVSIM_MONITOR_ANY;
		} else if (!strncmp(tok, "monitor=", 8)) {
			if (kstrtouint(tok + 8, 0, &id) || id > HVLIS_MAX_MONITOR_ID) {
				pr_err("add: bad monitor id '%s'\n", tok + 8);
				return -EINVAL;
			}
			monitor = id;
		} else if (strchr(tok, '=')) {
			/* key=value options of a device kind (storage) */
			if (strlen(opts) + strlen(tok) + 2 > sizeof(opts))
				return -EINVAL;
			strcat(opts, tok);
			strcat(opts, " ");
		} else if (!inst) {
			inst = tok;
		} else {
			pr_err("add: unexpected '%s'\n", tok);
			return -EINVAL;
		}
	}
	if (inst && *inst) {
		if (parse_guid(inst, &instance)) {
			pr_err("add: bad instance GUID '%s'\n", inst);
			return -EINVAL;
		}
	} else {
		default_instance(&instance);
	}
	/* A class whose host side a kind plays gets it; any other is idle. */
	kind = hvsim_kind_of(&class_id);
	if (kind && kind->add)
		ret = kind->add(&class_id, &instance, inst, monitor, opts);
	else if (kind)
		ret = -EINVAL;
	else if (*opts)
		ret = -EINVAL;
	else
		ret = hvsim_add_dev(&hvsim_idle_ops, NULL, &class_id, &instance, 0, monitor);
	if (ret < 0) {
		pr_err("add: %s device not added: %d\n", what, ret);
		return ret;
	}
	pr_info("added %s device, relid %d%s\n", what, ret,
		monitor == HVSIM_MONITOR_NONE ? "" : ", monitored");
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

static const char *const ring_index_words[] = {
	[HVSIM_RING_IN_WRITE] = "in-write",
	[HVSIM_RING_IN_READ] = "in-read",
	[HVSIM_RING_OUT_WRITE] = "out-write",
	[HVSIM_RING_OUT_READ] = "out-read",
	NULL,
};

static const char *const ring_lie_words[] = {
	[HVSIM_LIE_OFFSET] = "offset",
	[HVSIM_LIE_INVERTED] = "inverted",
	[HVSIM_LIE_BEYOND] = "beyond",
	[HVSIM_LIE_HUGE] = "huge",
	[HVSIM_LIE_TINY] = "tiny",
	NULL,
};

struct fault_cmd {
	const char *name;
	unsigned int min_args, max_args;
	const char *const *words;	/* names allowed for the second argument */
};

static const struct fault_cmd fault_cmds[HVSIM_FAULT_COUNT] = {
	[HVSIM_FAULT_SHORT] = { "short", 1, 2 },
	[HVSIM_FAULT_LONG] = { "long", 0, 2 },
	[HVSIM_FAULT_BADTYPE] = { "badtype", 1, 2 },
	[HVSIM_FAULT_UNSOLICITED] = { "unsolicited", 1, 3 },
	[HVSIM_FAULT_GPADL_CREATED_UNKNOWN] = { "gpadl-created-unknown", 0, 2 },
	[HVSIM_FAULT_OFFER_RELID] = { "offer-relid", 1, 1 },
	[HVSIM_FAULT_OFFER_MONITOR] = { "offer-monitor", 1, 1 },
	[HVSIM_FAULT_OFFER_DUP] = { "offer-dup", 1, 1 },
	[HVSIM_FAULT_RESCIND_UNKNOWN] = { "rescind-unknown", 1, 1 },
	[HVSIM_FAULT_RING_INDEX] = { "ring-index", 3, 3, ring_index_words },
	[HVSIM_FAULT_RING_LIE] = { "ring-lie", 1, 2, ring_lie_words },
	[HVSIM_FAULT_OPEN_FAIL] = { "open-fail", 1, 2 },
	[HVSIM_FAULT_OPEN_HANG] = { "open-hang", 1, 1 },
	[HVSIM_FAULT_RESCIND_DURING_OPEN] = { "rescind-during-open", 1, 1 },
	[HVSIM_FAULT_GPADL_FAIL] = { "gpadl-fail", 1, 1 },
	[HVSIM_FAULT_TEARDOWN_HANG] = { "teardown-hang", 1, 1 },
	[HVSIM_FAULT_EARLY_PACKET] = { "early-packet", 1, 1 },
	[HVSIM_FAULT_STORM] = { "storm", 1, 2 },
	[HVSIM_FAULT_NO_EOM] = { "no-eom", 0, 1 },
	[HVSIM_FAULT_GPADL_LATE] = { "gpadl-late", 1, 1 },
	[HVSIM_FAULT_RESCIND_AFTER_GPADL] = { "rescind-after-gpadl", 1, 1 },
	[HVSIM_FAULT_UNLOAD_BEHIND] = { "unload-behind", 0, 0 },
	[HVSIM_FAULT_STORM_THROUGH] = { "storm-through", 1, 2 },
	[HVSIM_FAULT_CSUM_SILENT] = { "csum-silent", 1, 1 },
	[HVSIM_FAULT_IRQ_OTHER] = { "irq-other", 1, 1 },
	[HVSIM_FAULT_MODIFY_FAIL] = { "modify-fail", 1, 2 },
};

/**
 * hvsim_fault_name() - the ctl name of a fault
 * @fault: the fault
 *
 * Return: e.g. "ring-lie"; "?" for a number that names none.
 */
const char *hvsim_fault_name(enum hvsim_fault fault)
{
	return fault < HVSIM_FAULT_COUNT ? fault_cmds[fault].name : "?";
}

/* One argument: a number, or (second argument) one of the fault's words. */
static int parse_fault_arg(const struct fault_cmd *fc, unsigned int pos, const char *tok,
			   u32 *val)
{
	unsigned int i;

	if (pos == 1 && fc->words) {
		for (i = 0; fc->words[i]; i++) {
			if (!strcmp(tok, fc->words[i])) {
				*val = i;
				return 0;
			}
		}
	}
	return kstrtou32(tok, 0, val);
}

static int cmd_fault(char *args)
{
	char *name = args ? strsep(&args, " ") : NULL, *tok;
	u32 arg[HVSIM_FAULT_MAX_ARGS] = { 0 }, count = 1;
	const struct fault_cmd *fc = NULL;
	unsigned int i, nargs = 0;
	int ret;

	for (i = 0; name && i < HVSIM_FAULT_COUNT; i++)
		if (!strcmp(name, fault_cmds[i].name))
			fc = &fault_cmds[i];
	if (!fc) {
		pr_err("fault: unknown fault '%s'\n", name ? name : "");
		return -EINVAL;
	}
	while ((tok = strsep(&args, " ")) != NULL) {
		if (!*tok)
			continue;
		if (!strncmp(tok, "count=", 6)) {
			if (kstrtou32(tok + 6, 0, &count) || !count)
				return -EINVAL;
			continue;
		}
		if (nargs == fc->max_args || parse_fault_arg(fc, nargs, tok, &arg[nargs])) {
			pr_err("fault %s: bad argument '%s'\n", fc->name, tok);
			return -EINVAL;
		}
		nargs++;
	}
	if (nargs < fc->min_args) {
		pr_err("fault %s: needs %u argument(s)\n", fc->name, fc->min_args);
		return -EINVAL;
	}
	ret = hvsim_fault(fc - fault_cmds, arg, nargs, count);
	if (ret)
		pr_err("fault %s failed: %d\n", fc->name, ret);
	return ret;
}

/*
 * "lock hold": a worker takes the host's global lock and keeps it until
 * "lock release" (or 120 s, so a test that dies cannot leave the host
 * stuck for good); the command returns once the lock is held. Test use:
 * a channel's data path (ring.c) must serve the guest meanwhile.
 */
static struct {
	struct work_struct work;
	struct completion taken, release;
	atomic_t busy;		/* a hold from "hold" until its worker let go */
} lock_hold;

static void lock_hold_fn(struct work_struct *work)
{
	mutex_lock(&sim.lock);
	atomic_set(&sim.lock_held, 1);
	complete(&lock_hold.taken);
	if (!wait_for_completion_timeout(&lock_hold.release, 120 * HZ))
		pr_warn("lock hold: nobody released the host's lock in 120 s; letting go\n");
	atomic_set(&sim.lock_held, 0);
	mutex_unlock(&sim.lock);
	atomic_set(&lock_hold.busy, 0);
}

static int cmd_lock(const char *verb)
{
	if (verb && !strcmp(verb, "hold")) {
		if (atomic_cmpxchg(&lock_hold.busy, 0, 1))
			return -EBUSY;
		reinit_completion(&lock_hold.taken);
		reinit_completion(&lock_hold.release);
		queue_work(system_long_wq, &lock_hold.work);
		wait_for_completion(&lock_hold.taken);
		return 0;
	}
	if (verb && !strcmp(verb, "release")) {
		if (!atomic_read(&lock_hold.busy))
			return -ENOENT;
		complete(&lock_hold.release);
		flush_work(&lock_hold.work);
		return 0;
	}
	return -EINVAL;
}

static int run_command(char *line)
{
	char *cmd = strsep(&line, " ");
	unsigned int a, b, i;

	if (!strcmp(cmd, "version"))
		return cmd_version(line);
	if (!strcmp(cmd, "add"))
		return cmd_add(line);
	if (!strcmp(cmd, "rescind")) {
		if (!line || kstrtouint(line, 0, &a))
			return -EINVAL;
		return hvsim_rescind(a);
	}
	if (!strcmp(cmd, "fault"))
		return cmd_fault(line);
	if (!strcmp(cmd, "crash"))
		return hvsim_crash();
	if (!strcmp(cmd, "lock"))
		return cmd_lock(line);
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->command && !strcmp(cmd, hvsim_kinds[i]->name))
			return hvsim_kinds[i]->command(line);
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

/* A kind's debugfs file (its show operation, the kind in i_private). */
static int kind_show(struct seq_file *s, void *unused)
{
	const struct hvsim_kind *kind = s->private;

	kind->show(s);
	return 0;
}

/* Without sim.lock, which "lock hold" may have. */
static int lock_held_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "%d\n", atomic_read(&sim.lock_held));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(lock_held);
DEFINE_SHOW_ATTRIBUTE(devices);
DEFINE_SHOW_ATTRIBUTE(stats);
DEFINE_SHOW_ATTRIBUTE(kind);

/**
 * hvsim_debugfs_init() - create /sys/kernel/debug/hvsim/
 */
void hvsim_debugfs_init(void)
{
	unsigned int i;

	INIT_WORK(&lock_hold.work, lock_hold_fn);
	init_completion(&lock_hold.taken);
	init_completion(&lock_hold.release);
	dir = debugfs_create_dir("hvsim", NULL);
	debugfs_create_file("ctl", 0200, dir, NULL, &ctl_fops);
	debugfs_create_file("devices", 0444, dir, NULL, &devices_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("lock_held", 0444, dir, NULL, &lock_held_fops);
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->show)
			debugfs_create_file(hvsim_kinds[i]->name, 0444, dir,
					    (void *)hvsim_kinds[i], &kind_fops);
}

/**
 * hvsim_debugfs_exit() - remove /sys/kernel/debug/hvsim/
 */
void hvsim_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
	/* No command comes any more: a hold still on ends now. */
	complete(&lock_hold.release);
	flush_work(&lock_hold.work);
}
