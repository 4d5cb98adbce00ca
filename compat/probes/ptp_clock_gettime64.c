// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_PTP_CLOCK_GETTIME64: a PTP clock with the timespec64 operations
 * (gettime64/settime64, 4.1) and adjfine (4.10), registered with a parent
 * device (3.7); exported only when the kernel has PTP support
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

static int af(struct ptp_clock_info *info, long scaled_ppm)
{
	return 0;
}

static struct ptp_clock_info pi = {
	.gettime64 = gt,
	.settime64 = st,
	.adjfine = af,
};

void hvlis_probe(void)
{
	struct ptp_clock *c = ptp_clock_register(&pi, NULL);

	if (!IS_ERR_OR_NULL(c))
		ptp_clock_unregister(c);
}
