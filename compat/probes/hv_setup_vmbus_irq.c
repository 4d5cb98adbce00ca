// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_SETUP_VMBUS_IRQ: arch callback vector hook hv_setup_vmbus_irq() (4.x to 5.11) */
/* hvlis-probe-export: hv_setup_vmbus_irq hv_remove_vmbus_irq */
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
