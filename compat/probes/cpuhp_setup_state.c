// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_CPUHP_SETUP_STATE: CPU hotplug state machine (4.10) */
#include <linux/cpuhotplug.h>

static int hvlis_up(unsigned int cpu)
{
	return 0;
}

void hvlis_probe(void)
{
	int r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvlis:probe", hvlis_up, hvlis_up);

	cpuhp_remove_state(r);
}
