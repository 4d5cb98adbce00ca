// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interop: hvlis's daemon ABI (hvlis/uapi/{kvp,vss,fcopy}.h) and the host
 * formats in hvlis/ic_proto.h against the published <linux/hyperv.h> of
 * the distribution (interop_pub.c), which the in-box driver and daemons
 * are built from. Every message size, every field's offset and width and
 * every constant listed in interop_facts.h must be equal: then our daemons
 * work with the in-box hv_utils and the distribution's daemons with ours.
 * One case per fact, so a change names what moved.
 */
#define HVTEST_SUITE "interop"
#include "hvtest.h"

#include <hvlis/ic_proto.h>
#include <hvlis/uapi/kvp.h>
#include <hvlis/uapi/vss.h>
#include <hvlis/uapi/fcopy.h>
#include "interop_pub.h"

static long long published(const char *label)
{
	size_t i;

	for (i = 0; i < interop_pub_count; i++)
		if (!strcmp(interop_pub_facts[i].label, label))
			return interop_pub_facts[i].value;
	FAILF("%s: not among the published facts", label);
	return -1;
}

static void same(const char *label, long long ours)
{
	long long theirs = published(label);

	if (!CHECK_EQ(ours, theirs))
		FAILF("%s: hvlis %lld, <linux/hyperv.h> %lld", label, ours, theirs);
}

#define MEMBER_SIZE(t, m) sizeof(((t *)0)->m)
#define S(label, ours, theirs) TEST(size_##label) { same(#label ".size", sizeof(ours)); }
#define F(label, ot, om, tt, tm)						\
	TEST(label) {								\
		same(#label ".offset", offsetof(ot, om));			\
		same(#label ".width", MEMBER_SIZE(ot, om));			\
	}
#define C(label, ours, theirs) TEST(const_##label) { same(#label, (long long)(ours)); }
#include "interop_facts.h"
#undef S
#undef F
#undef C

HVTEST_MAIN()
