/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvlis compat shims: the one place where kernel differences are bridged.
 *
 * Driver code calls the modern API; this header supplies it on kernels that
 * lack it, keyed by the HAVE_* results of compat/probes (generated into
 * hvlis_config.h for the exact tree being built) or, for plain macros, by
 * whether the macro exists. Nothing here tests a kernel version.
 */
#ifndef HVLIS_COMPAT_H
#define HVLIS_COMPAT_H

#include <hvlis_config.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/device.h>
#include <linux/cpu.h>
#include <linux/workqueue.h>
#ifdef HAVE_ASM_BARRIER_H
#include <asm/barrier.h>
#else
#include <asm/system.h>
#endif
#include <asm/msr.h>
#ifdef HAVE_ASM_CPUID_API_H
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

#ifndef HAVE_HVLIS_PROBE_TRUE
#error "hvlis_config.h is not a complete probe result; rebuild with the top-level Makefile"
#endif

/*
 * READ_ONCE/WRITE_ONCE (3.19); before that ACCESS_ONCE. Some backports of
 * READ_ONCE reject const objects; ACCESS_ONCE does what we need there.
 */
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, v)	(ACCESS_ONCE(x) = (v))
#endif
#if !defined(READ_ONCE) || !defined(HAVE_READ_ONCE_CONST)
#undef READ_ONCE
#define READ_ONCE(x)		ACCESS_ONCE(x)
#endif

/* virt_*mb (4.6): ordering against another VM or the hypervisor. */
#ifndef virt_mb
/* full barrier against the hypervisor: a guest is never UP to its host */
#define virt_mb()	mb()
#endif
#ifndef virt_rmb
/* read barrier against the hypervisor */
#define virt_rmb()	rmb()
#endif
#ifndef virt_wmb
/* write barrier against the hypervisor */
#define virt_wmb()	wmb()
#endif

#ifndef __rcu
#define __rcu
#endif

/* Read-execute kernel pages: PAGE_KERNEL_ROX, PAGE_KERNEL_RX on old x86. */
#include <linux/mm.h>
#if !defined(PAGE_KERNEL_ROX) && defined(PAGE_KERNEL_RX)
#define PAGE_KERNEL_ROX	PAGE_KERNEL_RX
#endif

#ifndef fallthrough
#define fallthrough	do {} while (0)	/* fallthrough */
#endif

#ifndef pr_warn
#define pr_warn pr_warning
#endif

/* MSR accessors: 6.16 renamed rdmsrl/wrmsrl to rdmsrq/wrmsrq. */
#ifdef HAVE_RDMSRQ
#define hvlis_rdmsr(msr, val)	rdmsrq(msr, val)
#define hvlis_wrmsr(msr, val)	wrmsrq(msr, val)
#else
#define hvlis_rdmsr(msr, val)	rdmsrl(msr, val)
#define hvlis_wrmsr(msr, val)	wrmsrl(msr, val)
#endif

/*
 * The arch hook for the Hyper-V callback vector (use after including
 * asm/mshyperv.h). The irq argument of 5.8-5.11 only matters on arm64.
 */
#if defined(HAVE_HV_SETUP_VMBUS_HANDLER)
#define HVLIS_ARCH_VMBUS_VECTOR 1
#define hvlis_setup_vmbus_handler(fn)	hv_setup_vmbus_handler(fn)
#define hvlis_remove_vmbus_handler()	hv_remove_vmbus_handler()
#elif defined(HAVE_HV_SETUP_VMBUS_IRQ_IRQARG)
#define HVLIS_ARCH_VMBUS_VECTOR 1
#define hvlis_setup_vmbus_handler(fn)	((void)hv_setup_vmbus_irq(0, fn))
#define hvlis_remove_vmbus_handler()	hv_remove_vmbus_irq()
#elif defined(HAVE_HV_SETUP_VMBUS_IRQ)
#define HVLIS_ARCH_VMBUS_VECTOR 1
#define hvlis_setup_vmbus_handler(fn)	hv_setup_vmbus_irq(fn)
#define hvlis_remove_vmbus_handler()	hv_remove_vmbus_irq()
#endif

#ifndef HAVE_CPUS_READ_LOCK
#define cpus_read_lock()	get_online_cpus()
#define cpus_read_unlock()	put_online_cpus()
#endif

#ifndef HAVE_ALLOC_ORDERED_WORKQUEUE
#define alloc_ordered_workqueue(name, flags) create_singlethread_workqueue(name)
#endif

/* Attribute helpers (3.11). */
#ifndef DEVICE_ATTR_RO
#define DEVICE_ATTR_RO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, 0444, _name##_show, NULL)
#endif
#ifndef __ATTR_RO_MODE
#define __ATTR_RO_MODE(_name, _mode) __ATTR(_name, _mode, _name##_show, NULL)
#endif

/*
 * bus_type callback signatures. The driver writes its callbacks against
 * these typedef'd parameter types, so one definition fits every kernel.
 */
#ifdef HAVE_BUS_UEVENT_CONST_DEV
#define hvlis_uevent_dev_t const struct device
#else
#define hvlis_uevent_dev_t struct device
#endif
#ifdef HAVE_BUS_MATCH_CONST_DRV
#define hvlis_match_drv_t const struct device_driver
#else
#define hvlis_match_drv_t struct device_driver
#endif
/* bus_type.remove returns void (5.15+) or int: "return HVLIS_BUS_REMOVE_OK;" */
#ifdef HAVE_BUS_REMOVE_VOID
#define hvlis_bus_remove_ret_t void
#define HVLIS_BUS_REMOVE_OK
#else
#define hvlis_bus_remove_ret_t int
#define HVLIS_BUS_REMOVE_OK 0
#endif

/* ---- hv_utils shutdown and time sync ---- */

/* Userspace's reboot command, as orderly_reboot() (4.1) runs it. */
#ifndef HAVE_ORDERLY_REBOOT
#include <linux/kmod.h>
#include <linux/reboot.h>
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

/* Set the wall clock: do_settimeofday64() (3.17) or do_settimeofday(). */
#include <linux/time.h>
#include <linux/ktime.h>
static inline int hvlis_set_wallclock(s64 sec, long nsec)
{
#ifdef HAVE_DO_SETTIMEOFDAY64
	struct timespec64 ts = { .tv_sec = sec, .tv_nsec = nsec };

	return do_settimeofday64(&ts);
#else
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	return do_settimeofday(&ts);
#endif
}

/* ---- hv_utils daemon devices (icdev helper) ---- */
/* ->poll()'s type and bits: __poll_t/EPOLL* (4.16+) or unsigned int/POLL*. */
#ifdef HAVE_POLL_T
#define hvlis_poll_t __poll_t
#define HVLIS_POLL_IN	(EPOLLIN | EPOLLRDNORM)
#define HVLIS_POLL_OUT	(EPOLLOUT | EPOLLWRNORM)
#define HVLIS_POLL_HUP	(EPOLLHUP | EPOLLERR)
#else
#define hvlis_poll_t unsigned int
#define HVLIS_POLL_IN	(POLLIN | POLLRDNORM)
#define HVLIS_POLL_OUT	(POLLOUT | POLLWRNORM)
#define HVLIS_POLL_HUP	(POLLHUP | POLLERR)
#endif

#endif
