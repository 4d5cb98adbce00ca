/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-width types and helpers shared by kernel code and the userspace
 * tests. Protocol code (wire formats, ring arithmetic, message validation)
 * includes only this header, so the same source compiles in both worlds.
 */
#ifndef HVLIS_TYPES_H
#define HVLIS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <hvlis/compat_base.h>
/* Ordering of accesses to memory shared with the host: */
/* full barrier */
#define hvlis_mb()		virt_mb()
/* loads before later loads */
#define hvlis_rmb()		virt_rmb()
/* stores before later stores */
#define hvlis_wmb()		virt_wmb()
#define HVLIS_READ_ONCE(x)	READ_ONCE(x)
#define HVLIS_WRITE_ONCE(x, v)	WRITE_ONCE(x, v)
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
#include <errno.h>
#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define hvlis_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define hvlis_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define hvlis_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define HVLIS_READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define HVLIS_WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#endif

/* C11 _Static_assert: every compiler we build with (gcc >= 4.6) has it. */
#define HVLIS_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ") != " #size)
#define HVLIS_ASSERT_OFFSET(type, member, off) \
	_Static_assert(offsetof(type, member) == (off), \
		       "offsetof(" #type ", " #member ") != " #off)

#endif
