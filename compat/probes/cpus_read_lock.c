// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_CPUS_READ_LOCK: cpus_read_lock() (4.13); older kernels have get_online_cpus() */
#include <linux/cpu.h>

void hvlis_probe(void)
{
	cpus_read_lock();
	cpus_read_unlock();
}
