// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_TASKLET_INIT: tasklet_init() with an unsigned long argument */
#include <linux/interrupt.h>

static void f(unsigned long d)
{
}

void hvlis_probe(void)
{
	struct tasklet_struct t;

	tasklet_init(&t, f, 0);
	tasklet_kill(&t);
}
