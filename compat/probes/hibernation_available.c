// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_HIBERNATION_AVAILABLE: hibernation_available() (4.0: "nohibernate",
 * lockdown), where the kernel exports it to modules
 */
/* hvlis-probe-export: hibernation_available */
#include <linux/suspend.h>

bool hvlis_probe_hib(void);

bool hvlis_probe_hib(void)
{
	return hibernation_available();
}

void hvlis_probe(void)
{
}
