// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_SETUP_VMBUS_HANDLER: arch callback vector hook hv_setup_vmbus_handler() (5.12+) */
/* hvlis-probe-export: hv_setup_vmbus_handler hv_remove_vmbus_handler */
/*
 * A kernel built without CONFIG_HYPERV still declares this in its headers
 * but defines none of it: the feature is there only with the option.
 */
#if !defined(CONFIG_HYPERV) && !defined(CONFIG_HYPERV_MODULE)
#error "CONFIG_HYPERV is not set"
#endif
#include <linux/types.h>
#include <asm/mshyperv.h>

static void isr(void)
{
}

void hvlis_probe(void)
{
	hv_setup_vmbus_handler(isr);
	hv_remove_vmbus_handler();
}
