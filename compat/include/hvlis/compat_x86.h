/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 and Hyper-V arch differences for hv_vmbus's transport (hv_x86.c, the
 * only file that includes this, and the only one that needs asm/msr.h and
 * the CPUID helpers): MSR accessors, read-execute pages, the arch hook for
 * the VMBus callback vector. Keyed by the HAVE_* results of compat/probes.
 */
#ifndef HVLIS_COMPAT_X86_H
#define HVLIS_COMPAT_X86_H

#include <hvlis/compat_base.h>
#include <asm/msr.h>
#ifdef HAVE_ASM_CPUID_API_H
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/* Read-execute kernel pages: PAGE_KERNEL_ROX, PAGE_KERNEL_RX on old x86. */
#include <linux/mm.h>
#if !defined(PAGE_KERNEL_ROX) && defined(PAGE_KERNEL_RX)
#define PAGE_KERNEL_ROX	PAGE_KERNEL_RX
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

#endif
