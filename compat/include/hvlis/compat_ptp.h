/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PTP clock API differences for hv_utils' time sync, keyed by the HAVE_*
 * results of compat/probes (ptp_clock_*.c). Only timesync.c includes this.
 *
 * Three shapes of struct ptp_clock_info are supported:
 *   HAVE_PTP_CLOCK_GETTIME64          gettime64/settime64 and adjfine (4.10+)
 *   HAVE_PTP_CLOCK_GETTIME64_ADJFREQ  gettime64/settime64 and adjfreq only
 *                                     (4.1 to 4.9, and kernels like them)
 *   HAVE_PTP_CLOCK_GETTIME_TS         gettime/settime on struct timespec
 *                                     and adjfreq (before 4.1)
 * HVLIS_PTP_CLOCK is defined when one of them is usable (and the kernel has
 * PTP support); HVLIS_PTP_TIMESPEC64 when the time callbacks take a
 * struct timespec64.
 */
#ifndef HVLIS_COMPAT_PTP_H
#define HVLIS_COMPAT_PTP_H

#include <hvlis/compat_base.h>

#if (defined(HAVE_PTP_CLOCK_GETTIME64) || defined(HAVE_PTP_CLOCK_GETTIME64_ADJFREQ) || \
	defined(HAVE_PTP_CLOCK_GETTIME_TS)) && \
	(defined(CONFIG_PTP_1588_CLOCK) || defined(CONFIG_PTP_1588_CLOCK_MODULE))
#define HVLIS_PTP_CLOCK 1
#include <linux/errno.h>
#include <linux/ptp_clock_kernel.h>

#if defined(HAVE_PTP_CLOCK_GETTIME64) || defined(HAVE_PTP_CLOCK_GETTIME64_ADJFREQ)
#define HVLIS_PTP_TIMESPEC64 1
#endif

#ifdef HAVE_PTP_CLOCK_GETTIME64
static inline int hvlis_ptp_refuse_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}
#else
static inline int hvlis_ptp_refuse_adjfreq(struct ptp_clock_info *info, s32 ppb)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * hvlis_ptp_set_no_freq_adj() - make a PTP clock refuse frequency changes
 * @pi: the clock's operations, before ptp_clock_register()
 *
 * Wires a frequency callback that answers -EOPNOTSUPP into whichever
 * member the kernel has: adjfine where it exists, else adjfreq.
 */
static inline void hvlis_ptp_set_no_freq_adj(struct ptp_clock_info *pi)
{
#ifdef HAVE_PTP_CLOCK_GETTIME64
	pi->adjfine = hvlis_ptp_refuse_adjfine;
#else
	pi->adjfreq = hvlis_ptp_refuse_adjfreq;
#endif
}
#endif /* HVLIS_PTP_CLOCK */

#endif /* HVLIS_COMPAT_PTP_H */
