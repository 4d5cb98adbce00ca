/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing and answering integration-component (IC) packets: the part of
 * hv_utils that only looks at bytes. It builds in the kernel and in the
 * userspace unit tests and fuzzers (tests/unit, tests/fuzz).
 */
#ifndef HVLIS_IC_MSG_H
#define HVLIS_IC_MSG_H

#include <hvlis/ic_proto.h>

/* What hvlis_ic_negotiate() settled on. */
struct hvlis_ic_choice {
	u32 framework;		/* HVLIS_IC_VER(major, minor) */
	u32 message;
};

int hvlis_ic_check(const u8 *pkt, u32 len);
int hvlis_ic_negotiate(u8 *pkt, u32 len, const u32 *fw, unsigned int nfw,
		       const u32 *msg, unsigned int nmsg,
		       struct hvlis_ic_choice *choice);
void hvlis_ic_set_response(u8 *pkt, u32 status);

/* The IC header of a packet that passed hvlis_ic_check(). */
static inline struct hvlis_ic_hdr *hvlis_ic_hdr(u8 *pkt)
{
	return (struct hvlis_ic_hdr *)(pkt + sizeof(struct hvlis_ic_pipe_hdr));
}

/* Does a body of @size bytes fit in a packet of @len bytes? */
static inline bool hvlis_ic_body_fits(u32 len, u32 size)
{
	return len >= HVLIS_IC_BODY_OFFSET && len - HVLIS_IC_BODY_OFFSET >= size;
}

#endif
