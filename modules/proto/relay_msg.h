/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host-to-daemon half of KVP, VSS and file copy: a host request (an IC
 * packet, headers included) becomes the message the daemon reads. Only
 * bytes in, bytes out, every length from the caller: this builds in the
 * kernel (hv_utils' kvp.c, vss.c, fcopy.c) and in the userspace unit tests
 * and fuzzers (tests/unit/test_relay_msg.c, tests/fuzz/fuzz_{kvp,vss,fcopy}.c).
 *
 * Each function writes into @out, which the caller zeroed and which holds
 * the service's largest daemon message (KVP_MSG_SIZE, VSS_MSG_SIZE,
 * FCOPY_MAX_MSG), and returns the length of the daemon's message, 0 when
 * the host is answered at once with *@status (VSS), or -EINVAL for a
 * request that is malformed (logged, rate limited, in the kernel).
 */
#ifndef HVLIS_RELAY_MSG_H
#define HVLIS_RELAY_MSG_H

#include <hvlis/ic_proto.h>

#ifdef __KERNEL__
#include <linux/printk.h>
/* pr_warn_ratelimited()'s state; printk.h does not include it before 3.17 */
#include <linux/ratelimit.h>
#define hvlis_relay_warn(...)	pr_warn_ratelimited(__VA_ARGS__)
#else
#include <stdarg.h>
#include <stdio.h>
/* Userspace: format the message (its arguments are checked) and keep it. */
extern char hvlis_relay_last_warning[256];
static inline void hvlis_relay_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hvlis_relay_last_warning, sizeof(hvlis_relay_last_warning), fmt, ap);
	va_end(ap);
}
#endif

int hvlis_kvp_to_daemon(const u8 *pkt, u32 len, u8 *out);
int hvlis_vss_to_daemon(u8 *pkt, u32 len, u8 *out, u32 *status);
int hvlis_fcopy_to_daemon(const u8 *pkt, u32 len, u8 *out);

#endif
