// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the bus's message counters in debugfs (hv_vmbus/stats), for an
 * administrator who wants to know what the host sent and what was dropped.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/bitmap.h>
#include <hvlis/compat_fs.h>
#include "vmbus_priv.h"

static struct dentry *stats_dir;

static int stats_show(struct seq_file *s, void *unused)
{
	struct hvlis_vmbus *vb = s->private;

	seq_printf(s, "messages %lld\n", (long long)atomic64_read(&vb->msgs_in));
	seq_printf(s, "messages_bad %lld\n", (long long)atomic64_read(&vb->msgs_bad));
	seq_printf(s, "rescinds_unknown %lld\n",
		   (long long)atomic64_read(&vb->rescinds_unknown));
	seq_printf(s, "duplicates_dropped %lld\n", (long long)atomic64_read(&vb->msgs_dup));
	seq_printf(s, "offers_rescinds_queued %u\n", bitmap_weight(vb->queued, HVLIS_QSLOTS));
	seq_printf(s, "timer_messages %lld\n", (long long)atomic64_read(&vb->timer_msgs));
	seq_printf(s, "eom_writes %lld\n", (long long)atomic64_read(&vb->eom_writes));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(stats);

/* Optional: without debugfs the file is missing, nothing else. */
void hvlis_stats_init(struct hvlis_vmbus *vb)
{
	stats_dir = debugfs_create_dir("hv_vmbus", NULL);
	if (!IS_ERR_OR_NULL(stats_dir))
		debugfs_create_file("stats", 0400, stats_dir, vb, &stats_fops);
}

void hvlis_stats_exit(void)
{
	debugfs_remove_recursive(stats_dir);
	stats_dir = NULL;
}
