// SPDX-License-Identifier: GPL-2.0-only
/*
 * The published half of test_interop.c: the facts of <linux/hyperv.h> as
 * the distribution ships it (Debian: linux-libc-dev), in a translation
 * unit of their own, since its names clash with hvlis's.
 */
#include <stddef.h>
#include <linux/hyperv.h>
#include "interop_pub.h"

#define MEMBER_SIZE(t, m) sizeof(((t *)0)->m)
#define S(label, ours, theirs) { #label ".size", (long long)sizeof(theirs) },
#define F(label, ot, om, tt, tm) { #label ".offset", (long long)offsetof(tt, tm) }, \
	{ #label ".width", (long long)MEMBER_SIZE(tt, tm) },
#define C(label, ours, theirs) { #label, (long long)(theirs) },

const struct interop_fact interop_pub_facts[] = {
#include "interop_facts.h"
};

const size_t interop_pub_count = sizeof(interop_pub_facts) / sizeof(interop_pub_facts[0]);
