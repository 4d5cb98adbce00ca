/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU hotplug locking and workqueue differences, keyed by the HAVE_*
 * results of compat/probes.
 */
#ifndef HVLIS_COMPAT_CPU_H
#define HVLIS_COMPAT_CPU_H

#include <hvlis/compat_base.h>
#include <linux/cpu.h>
#include <linux/workqueue.h>

#ifndef HAVE_CPUS_READ_LOCK
#define cpus_read_lock()	get_online_cpus()
#define cpus_read_unlock()	put_online_cpus()
#endif

#ifndef HAVE_ALLOC_ORDERED_WORKQUEUE
#define alloc_ordered_workqueue(name, flags) create_singlethread_workqueue(name)
#endif

/*
 * An ordered workqueue named by PREFIX and a format: alloc_ordered_workqueue()
 * formats the name where it can (HAVE_ALLOC_ORDERED_WORKQUEUE_FMT); RHEL 6's
 * keeps the name by pointer and takes no arguments, so there PREFIX (a
 * string constant) alone names it.
 */
#ifdef HAVE_ALLOC_ORDERED_WORKQUEUE_FMT
#define hvlis_alloc_ordered_workqueue_fmt(prefix, fmt, flags, ...)	\
	alloc_ordered_workqueue(prefix fmt, flags, __VA_ARGS__)
#else
#define hvlis_alloc_ordered_workqueue_fmt(prefix, fmt, flags, ...)	\
	alloc_ordered_workqueue(prefix, flags)
#endif

/*
 * The flag of a per-CPU workqueue: WQ_PERCPU where the kernel has it
 * (HAVE_WQ_PERCPU; such kernels warn about a queue with neither it nor
 * WQ_UNBOUND); before, a queue without WQ_UNBOUND was per CPU.
 */
#ifdef HAVE_WQ_PERCPU
#define HVLIS_WQ_PERCPU		WQ_PERCPU
#else
#define HVLIS_WQ_PERCPU		0
#endif

#endif
