/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timekeeping differences for hv_utils' time sync, keyed by the HAVE_*
 * results of compat/probes.
 */
#ifndef HVLIS_COMPAT_TIME_H
#define HVLIS_COMPAT_TIME_H

#include <hvlis/compat_base.h>
#include <linux/errno.h>
#include <linux/time.h>
#include <linux/ktime.h>

/*
 * Set the wall clock: do_settimeofday64() (3.17), else the struct timespec
 * do_settimeofday() of the kernels before it (RHEL 6 and 7), whose time_t
 * is a long: a second count it cannot hold is refused, not wrapped.
 */
static inline int hvlis_set_wallclock(s64 sec, long nsec)
{
#if defined(HAVE_DO_SETTIMEOFDAY64)
	struct timespec64 ts = { .tv_sec = sec, .tv_nsec = nsec };

	return do_settimeofday64(&ts);
#elif defined(HAVE_DO_SETTIMEOFDAY)
	struct timespec ts = { .tv_sec = (long)sec, .tv_nsec = nsec };

	if (ts.tv_sec != sec)
		return -ERANGE;
	return do_settimeofday(&ts);
#else
#error "hvlis: no wall clock setter (probes do_settimeofday64, do_settimeofday)"
#endif
}

#endif
