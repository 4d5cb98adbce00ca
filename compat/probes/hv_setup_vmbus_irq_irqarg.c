// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_HV_SETUP_VMBUS_IRQ_IRQARG: hv_setup_vmbus_irq(int irq, handler) (5.8 to 5.11) */
/* hvlis-probe-export: hv_setup_vmbus_irq hv_remove_vmbus_irq */
#include <linux/types.h>
#include <asm/mshyperv.h>

static void isr(void)
{
}

void hvlis_probe(void)
{
	int r = hv_setup_vmbus_irq(0, isr);

	(void)r;
	hv_remove_vmbus_irq();
}
