// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_PTP_CLOCK_GETTIME64_ADJFREQ: a PTP clock with the timespec64
 * operations (gettime64/settime64) and the ppb frequency callback adjfreq,
 * which left the kernel in 6.2; between 4.1 and 4.10 it is the only
 * frequency callback there is (no adjfine). Exported only with PTP support.
 */
/* hvlis-probe-export: ptp_clock_register ptp_clock_unregister ptp_clock_index */
#include <linux/ptp_clock_kernel.h>

static int gt(struct ptp_clock_info *info, struct timespec64 *ts)
{
	return 0;
}

static int st(struct ptp_clock_info *info, const struct timespec64 *ts)
{
	return 0;
}

static int af(struct ptp_clock_info *info, s32 delta)
{
	return 0;
}

static struct ptp_clock_info pi = {
	.gettime64 = gt,
	.settime64 = st,
	.adjfreq = af,
};

void hvlis_probe(void)
{
	struct ptp_clock *c = ptp_clock_register(&pi, NULL);

	if (!IS_ERR_OR_NULL(c))
		ptp_clock_unregister(c);
}
