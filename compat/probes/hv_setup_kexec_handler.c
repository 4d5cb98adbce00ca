// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_SETUP_KEXEC_HANDLER: arch kexec hook for a clean VMBus unload */
/* hvlis-probe-export: hv_setup_kexec_handler hv_remove_kexec_handler */
/*
 * A kernel built without CONFIG_HYPERV still declares this in its headers
 * but defines none of it: the feature is there only with the option.
 */
#if !defined(CONFIG_HYPERV) && !defined(CONFIG_HYPERV_MODULE)
#error "CONFIG_HYPERV is not set"
#endif
#include <linux/types.h>
#include <asm/mshyperv.h>

static void h(void)
{
}

void hvlis_probe(void)
{
	hv_setup_kexec_handler(h);
	hv_remove_kexec_handler();
}
