/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timekeeping differences for hv_utils' time sync, keyed by the HAVE_*
 * results of compat/probes.
 */
#ifndef HVLIS_COMPAT_TIME_H
#define HVLIS_COMPAT_TIME_H

#include <hvlis/compat_base.h>
#include <linux/time.h>
#include <linux/ktime.h>

/* Set the wall clock: do_settimeofday64() (3.17) or do_settimeofday(). */
static inline int hvlis_set_wallclock(s64 sec, long nsec)
{
#ifdef HAVE_DO_SETTIMEOFDAY64
	struct timespec64 ts = { .tv_sec = sec, .tv_nsec = nsec };

	return do_settimeofday64(&ts);
#else
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	return do_settimeofday(&ts);
#endif
}

#endif
