/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvlis compat shims: the one place where kernel differences are bridged.
 *
 * Driver code calls the modern API; the compat headers supply it on
 * kernels that lack it, keyed by the HAVE_* results of compat/probes
 * (generated into hvlis_config.h for the exact tree being built) or, for
 * plain macros, by whether the macro exists. Nothing tests a kernel
 * version. One header per subsystem, and files include the ones they use:
 *
 *   compat_base.h   probe results, READ_ONCE/WRITE_ONCE, virt_*mb(),
 *                   smp_store_release/smp_load_acquire, the
 *                   case-continuation keyword, pr_warn, __rcu (every file,
 *                   via types.h)
 *   compat_bus.h    sysfs attribute helpers, bus_type callback types
 *   compat_cpu.h    CPU hotplug lock, ordered workqueues (and their names)
 *   compat_power.h  orderly reboot, hibernation_available()
 *   compat_time.h   setting the wall clock
 *   compat_mm.h     kvcalloc() (included by name: hv_netvsc, hvsim)
 *   compat_poll.h   ->poll()'s type and bits
 *   compat_scsi.h   the SCSI midlayer (hv_storvsc only)
 *   compat_x86.h    MSRs, CPUID, read-execute pages, the VMBus vector
 *                   hook (hv_x86.c only: the one file that needs asm/msr.h)
 *
 * This umbrella pulls in the arch-neutral, driver-neutral ones; it brings
 * no arch header but asm/barrier.h. compat_scsi.h and compat_x86.h are
 * included by name where they are needed.
 */
#ifndef HVLIS_COMPAT_H
#define HVLIS_COMPAT_H

#include <hvlis/compat_base.h>
#include <hvlis/compat_bus.h>
#include <hvlis/compat_cpu.h>
#include <hvlis/compat_power.h>
#include <hvlis/compat_time.h>
#include <hvlis/compat_poll.h>
#include <hvlis/compat_fs.h>

#endif
