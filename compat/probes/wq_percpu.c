// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_WQ_PERCPU: alloc_workqueue() takes WQ_PERCPU for a queue bound to
 * CPUs; kernels that have it warn about a queue with neither it nor
 * WQ_UNBOUND. Before, a queue without WQ_UNBOUND was per CPU.
 */
#include <linux/workqueue.h>

void hvlis_probe(void)
{
	struct workqueue_struct *w = alloc_workqueue("x", WQ_PERCPU, 0);

	destroy_workqueue(w);
}
