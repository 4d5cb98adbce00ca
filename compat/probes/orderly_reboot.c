// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_ORDERLY_REBOOT: orderly_reboot() runs userspace's reboot command (4.1) */
/* hvlis-probe-export: orderly_reboot */
#include <linux/reboot.h>

void hvlis_probe(void)
{
	orderly_reboot();
}
