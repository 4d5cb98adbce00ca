// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ALLOC_ORDERED_WORKQUEUE_FMT: alloc_ordered_workqueue(fmt, flags,
 * args...) formats (and copies) the name; RHEL 6's takes (name, flags) and
 * keeps the pointer.
 */
#include <linux/workqueue.h>

void hvlis_probe(void)
{
	struct workqueue_struct *w = alloc_ordered_workqueue("x%d", 0, 1);

	destroy_workqueue(w);
}
