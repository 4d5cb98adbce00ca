// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_PTP_CLOCK_GETTIME_TS: a PTP clock with the struct timespec
 * operations (gettime/settime) and adjfreq, before gettime64 (4.1),
 * registered with a parent device; exported only with PTP support
 */
/* hvlis-probe-export: ptp_clock_register ptp_clock_unregister ptp_clock_index */
#include <linux/ptp_clock_kernel.h>

static int gt(struct ptp_clock_info *info, struct timespec *ts)
{
	return 0;
}

static int st(struct ptp_clock_info *info, const struct timespec *ts)
{
	return 0;
}

static int af(struct ptp_clock_info *info, s32 delta)
{
	return 0;
}

static struct ptp_clock_info pi = {
	.gettime = gt,
	.settime = st,
	.adjfreq = af,
};

void hvlis_probe(void)
{
	struct ptp_clock *c = ptp_clock_register(&pi, NULL);

	if (!IS_ERR_OR_NULL(c))
		ptp_clock_unregister(c);
}
