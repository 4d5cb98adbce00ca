/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reboot and hibernation differences for hv_utils' shutdown service, keyed
 * by the HAVE_* results of compat/probes.
 */
#ifndef HVLIS_COMPAT_POWER_H
#define HVLIS_COMPAT_POWER_H

#include <hvlis/compat_base.h>
#include <linux/reboot.h>

/* Userspace's reboot command, as orderly_reboot() (4.1) runs it. */
#ifndef HAVE_ORDERLY_REBOOT
#include <linux/kmod.h>
static inline void hvlis_orderly_reboot(void)
{
	static char *argv[2] = { "/sbin/reboot", NULL };
	static char *envp[3] = { "HOME=/", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL };

	if (call_usermodehelper(argv[0], argv, envp, UMH_WAIT_EXEC)) {
		pr_warn("cannot run /sbin/reboot: restarting at once\n");
		kernel_restart(NULL);
	}
}
#else
#define hvlis_orderly_reboot()	orderly_reboot()
#endif

/* hibernation_available() (4.0): before it, whether the kernel has it. */
#ifndef HAVE_HIBERNATION_AVAILABLE
#ifdef CONFIG_HIBERNATION
#define hibernation_available()	true
#else
#define hibernation_available()	false
#endif
#endif

#endif
