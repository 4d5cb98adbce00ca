// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_DO_SETTIMEOFDAY: the wall clock setter of the kernels before
 * do_settimeofday64() (3.17; RHEL 6 and 7 have only this one),
 * do_settimeofday() with a struct timespec, defined and exported by the
 * core timekeeping code: with no export list the declaration decides.
 * Where it is an inline wrapper of the 64-bit setter (RHEL 8's 4.18) it is
 * not exported, and an export list makes it answer no; the 64-bit setter
 * is used there. struct timespec left the kernel in 5.6.
 */
/* hvlis-probe-core-export: do_settimeofday */
#include <linux/time.h>
#include <linux/ktime.h>

void hvlis_probe(void)
{
	struct timespec ts = { 0 };

	do_settimeofday(&ts);
}
