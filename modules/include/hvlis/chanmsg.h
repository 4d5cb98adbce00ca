/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks and builders for VMBus channel messages that need no kernel:
 * validation of what the host sends, the version ladder, GPADL message
 * splitting. Shared by hv_vmbus, the simulated host and the userspace tests.
 */
#ifndef HVLIS_CHANMSG_H
#define HVLIS_CHANMSG_H

#include <hvlis/vmbus_proto.h>

/* Relids index the 2048 event flags of the VMBus SINT. */
#define HVLIS_MAX_RELID		(HVLIS_EVENT_FLAGS_BITS - 1)
#define HVLIS_MAX_MONITOR_ID	127
/* range_buflen is 16 bits: the largest GPADL one range can describe. */
#define HVLIS_GPADL_MAX_PFNS	((0xffffu - sizeof(struct hvlis_gpa_range)) / sizeof(u64))

int hvlis_chanmsg_check(const void *msg, u32 len, u32 *type);

int hvlis_offer_check(const struct hvlis_msg_offer_channel *m);

u32 hvlis_vmbus_version_at(unsigned int i);

const char *hvlis_vmbus_version_name(u32 version);

u32 hvlis_gpadl_msg_count(u32 npfns);

u32 hvlis_gpadl_fill(void *buf, u32 idx, u32 relid, u32 gpadl, u32 byte_count,
		     const u64 *pfns, u32 npfns);

void hvlis_guid_to_string(const struct hvlis_guid *g, char out[37]);

#endif
