// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_DO_SETTIMEOFDAY64: do_settimeofday64() with struct timespec64 (3.17) */
/*
 * kernel/time/timekeeping.c, built into every kernel, defines and exports
 * it wherever a header declares it: with no export list to check it
 * against, the declaration decides.
 */
/* hvlis-probe-core-export: do_settimeofday64 */
#include <linux/time.h>
#include <linux/ktime.h>

void hvlis_probe(void)
{
	struct timespec64 ts = { 0 };

	do_settimeofday64(&ts);
}
