/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvlis compat, the base every file gets (through hvlis/types.h): the probe
 * results and the language-level helpers (READ_ONCE/WRITE_ONCE, the
 * barriers against the hypervisor, acquire/release, the case-continuation
 * keyword, pr_warn, __rcu). Keyed by the HAVE_* results of compat/probes or by whether a
 * macro exists, never by kernel version. Subsystem differences are in the
 * other compat_*.h.
 */
#ifndef HVLIS_COMPAT_BASE_H
#define HVLIS_COMPAT_BASE_H

#include <hvlis_config.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
/* BUILD_BUG_ON_ZERO() for ARRAY_SIZE(): kernel.h does not include it on 3.x */
#include <linux/bug.h>
/* virt_*mb() and the barriers they fall back to */
#ifdef HAVE_ASM_BARRIER_H
#include <asm/barrier.h>
#else
#include <asm/system.h>
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

/*
 * smp_store_release/smp_load_acquire (3.14): before them, a full barrier
 * on the ordered side of a plain access does what they promise.
 */
#ifndef smp_store_release
/* release: a full barrier, then the store */
#define smp_store_release(p, v)						\
	do {								\
		smp_mb(); /* what came before is seen before the store */ \
		WRITE_ONCE(*(p), (v));					\
	} while (0)
#endif
#ifndef smp_load_acquire
/* acquire: the load, then a full barrier */
#define smp_load_acquire(p)						\
	({								\
		typeof(p) ___hvlis_p = (p);				\
		typeof(*___hvlis_p) ___hvlis_v = READ_ONCE(*___hvlis_p); \
		smp_mb(); /* what comes after is read after the load */ \
		___hvlis_v;						\
	})
#endif

#ifndef __rcu
#define __rcu
#endif

#ifndef fallthrough
#define fallthrough	do {} while (0)	/* fallthrough */
#endif

#ifndef pr_warn
#define pr_warn pr_warning
#endif

#endif
