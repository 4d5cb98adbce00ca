// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_SETUP_VMBUS_IRQ: arch callback vector hook hv_setup_vmbus_irq() (4.x to 5.11) */
/* hvlis-probe-export: hv_setup_vmbus_irq hv_remove_vmbus_irq */
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
	hv_setup_vmbus_irq(isr);
	hv_remove_vmbus_irq();
}
