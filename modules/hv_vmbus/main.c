// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the VMBus transport of hvlis. Module load and unload, the
 * choice of transport, and the kexec/crash hooks.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <hvlis/compat_cpu.h>
#include "vmbus_priv.h"

#if defined(HAVE_HV_SETUP_KEXEC_HANDLER) || defined(HAVE_HV_SETUP_CRASH_HANDLER)
#include <asm/mshyperv.h>
#endif

static char *transport = "hyperv";
module_param(transport, charp, 0444);
MODULE_PARM_DESC(transport,
		 "hypervisor interface: \"hyperv\" (default); test builds name a simulated host module here");

static char transport_sym[64];

static const struct hvlis_transport *transport_get(void)
{
	const struct hvlis_transport *tp;

	if (!strcmp(transport, "hyperv"))
		return &hvlis_hyperv_transport;
	/* A test transport module exports "<name>_transport". */
	snprintf(transport_sym, sizeof(transport_sym), "%s_transport", transport);
	tp = __symbol_get(transport_sym);
	if (!tp)
		pr_err("transport \"%s\" not found: load its module first\n", transport);
	return tp;
}

static void transport_put(const struct hvlis_transport *tp)
{
	if (tp != &hvlis_hyperv_transport)
		__symbol_put(transport_sym);
}

/* kexec and crash: leave the host with no channels of ours. */
static void __maybe_unused vmbus_kexec_unload(void)
{
	hvlis_disconnect(&hvlis_vmbus, true);
	hvlis_synic_crash_disable();
}

static void __maybe_unused vmbus_crash_unload(struct pt_regs *regs)
{
	vmbus_kexec_unload();
}

static void init_state(struct hvlis_vmbus *vb)
{
	spin_lock_init(&vb->relid_lock);
	mutex_init(&vb->chan_mutex);
	init_waitqueue_head(&vb->close_wq);
	INIT_LIST_HEAD(&vb->channels);
	spin_lock_init(&vb->waiter_lock);
	INIT_LIST_HEAD(&vb->waiters);
	init_completion(&vb->offers_done);
	atomic_set(&vb->next_gpadl, 0);
	atomic64_set(&vb->msgs_in, 0);
	atomic64_set(&vb->msgs_bad, 0);
	atomic64_set(&vb->timer_msgs, 0);
	atomic64_set(&vb->eom_writes, 0);
	atomic64_set(&vb->rescinds_unknown, 0);
	atomic64_set(&vb->msgs_dup, 0);
}

static int __init hv_vmbus_init(void)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	const struct hvlis_transport *tp;
	int ret;

	memset(vb, 0, sizeof(*vb));
	init_state(vb);
	tp = transport_get();
	if (!tp)
		return -ENODEV;
	ret = tp->init(hvlis_vmbus_isr);
	if (ret) {
		if (ret == -ENODEV && tp == &hvlis_hyperv_transport)
			pr_info("not running on Hyper-V (no Microsoft hypervisor found); nothing to do\n");
		else
			pr_err("transport %s failed to start: %d\n", tp->name, ret);
		goto fail_put;
	}
	vb->tp = tp;

	ret = hvlis_bus_init();
	if (ret) {
		pr_err("cannot register the vmbus bus (%d): is the kernel's own VMBus driver built in?\n",
		       ret);
		goto fail_tp;
	}
	vb->wq = alloc_ordered_workqueue("hv_vmbus_offers", 0);
	if (!vb->wq) {
		ret = -ENOMEM;
		goto fail_bus;
	}
	ret = hvlis_synic_init(vb);
	if (ret)
		goto fail_wq;
	ret = hvlis_connect(vb);
	if (ret)
		goto fail_synic;

#ifdef HAVE_HV_SETUP_KEXEC_HANDLER
	if (tp == &hvlis_hyperv_transport)
		hv_setup_kexec_handler(vmbus_kexec_unload);
#endif
#ifdef HAVE_HV_SETUP_CRASH_HANDLER
	if (tp == &hvlis_hyperv_transport)
		hv_setup_crash_handler(vmbus_crash_unload);
#endif
	if (tp->set_crash_handler)
		tp->set_crash_handler(vmbus_kexec_unload);
	hvlis_stats_init(vb);
	pr_info("hvlis %s ready on %s\n", HVLIS_VERSION, tp->name);
	return 0;

fail_synic:
	hvlis_channels_exit(vb);
	hvlis_synic_exit(vb);
	hvlis_connection_free(vb);
fail_wq:
	destroy_workqueue(vb->wq);
fail_bus:
	hvlis_bus_exit();
fail_tp:
	tp->exit();
fail_put:
	transport_put(tp);
	return ret;
}

static void __exit hv_vmbus_exit(void)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	const struct hvlis_transport *tp = vb->tp;

#ifdef HAVE_HV_SETUP_KEXEC_HANDLER
	if (tp == &hvlis_hyperv_transport)
		hv_remove_kexec_handler();
#endif
#ifdef HAVE_HV_SETUP_CRASH_HANDLER
	if (tp == &hvlis_hyperv_transport)
		hv_remove_crash_handler();
#endif
	if (tp->set_crash_handler)
		tp->set_crash_handler(NULL);
	hvlis_stats_exit();
	hvlis_channels_exit(vb);
	hvlis_disconnect(vb, false);
	hvlis_fail_waiters(vb, 0, -ENODEV);
	hvlis_synic_exit(vb);
	/* The interrupt page is scanned until the SynIC is off everywhere. */
	hvlis_connection_free(vb);
	destroy_workqueue(vb->wq);
	hvlis_bus_exit();
	tp->exit();
	transport_put(tp);
	pr_info("unloaded\n");
}

module_init(hv_vmbus_init);
module_exit(hv_vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(HVLIS_VERSION);
MODULE_DESCRIPTION("Hyper-V VMBus transport (hvlis)");
/* udev loads us for the ACPI VMBus device that every Hyper-V VM has. */
MODULE_ALIAS("acpi*:VMBUS:*");
MODULE_ALIAS("acpi*:VMBus:*");
