// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_ALLOC_ORDERED_WORKQUEUE: alloc_ordered_workqueue() (2.6.37) */
#include <linux/workqueue.h>

void hvlis_probe(void)
{
	struct workqueue_struct *w = alloc_ordered_workqueue("x", 0);

	destroy_workqueue(w);
}
