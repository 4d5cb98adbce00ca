/* SPDX-License-Identifier: GPL-2.0-only */
/* The facts interop_pub.c takes from the published <linux/hyperv.h>. */
#ifndef HVLIS_INTEROP_PUB_H
#define HVLIS_INTEROP_PUB_H

#include <stddef.h>

struct interop_fact {
	const char *label;
	long long value;
};

extern const struct interop_fact interop_pub_facts[];
extern const size_t interop_pub_count;

#endif
