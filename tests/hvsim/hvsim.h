/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsim internals shared by the host core and its control interface. */
#ifndef HVSIM_H
#define HVSIM_H

#include <linux/seq_file.h>
#include <hvlis/vmbus_proto.h>

/* The echo device's protocol, which the test driver hvlis_echo speaks too. */
#include <hvsim/echo_proto.h>

/* A class no driver binds: f00dcafe-0000-4000-8000-68766c697332 */
#define HVSIM_GUID_IDLE HVLIS_GUID(0xf00dcafe, 0x0000, 0x4000, \
	0x80, 0x00, 0x68, 0x76, 0x6c, 0x69, 0x73, 0x32)

/* add ... monitored: the next free monitor id; add ... monitor=<id>: that one */
#define HVSIM_MONITOR_NONE	-1
#define HVSIM_MONITOR_ANY	-2

/*
 * Faults a broken or hostile host can commit (the "fault" command of the
 * ctl file, see control.c). The order is the order of the stats lines.
 */
enum hvsim_fault {
	HVSIM_FAULT_SHORT,		/* a message shorter than its type */
	HVSIM_FAULT_LONG,		/* SynIC payload_size > 240 */
	HVSIM_FAULT_BADTYPE,		/* unknown or guest-only message type */
	HVSIM_FAULT_UNSOLICITED,	/* an answer nobody asked for */
	HVSIM_FAULT_GPADL_CREATED_UNKNOWN,
	HVSIM_FAULT_OFFER_RELID,	/* an offer with a given relid */
	HVSIM_FAULT_OFFER_MONITOR,	/* an offer with a given monitor id */
	HVSIM_FAULT_OFFER_DUP,		/* a second primary offer of one instance */
	HVSIM_FAULT_RESCIND_UNKNOWN,
	HVSIM_FAULT_RING_INDEX,		/* a ring index set to any value */
	HVSIM_FAULT_RING_LIE,		/* a packet whose descriptor lies */
	HVSIM_FAULT_OPEN_FAIL,		/* armed: OPENCHANNEL answered with an error */
	HVSIM_FAULT_OPEN_HANG,		/* armed: OPENCHANNEL never answered */
	HVSIM_FAULT_RESCIND_DURING_OPEN, /* armed: OPENCHANNEL answered by a rescind */
	HVSIM_FAULT_GPADL_FAIL,		/* armed: GPADL_CREATED with an error */
	HVSIM_FAULT_TEARDOWN_HANG,	/* armed: GPADL_TEARDOWN never answered */
	HVSIM_FAULT_EARLY_PACKET,	/* armed: a packet before OPENCHANNEL_RESULT */
	HVSIM_FAULT_STORM,		/* interrupts with nothing (or little) to do */
	HVSIM_FAULT_NO_EOM,		/* messages that need an EOM to go on */
	HVSIM_FAULT_GPADL_LATE,		/* armed: GPADL_CREATED after the guest gave up */
	HVSIM_FAULT_RESCIND_AFTER_GPADL, /* armed: GPADL_CREATED, then a rescind at once */
	HVSIM_FAULT_UNLOAD_BEHIND,	/* armed: UNLOAD_RESPONSE queued behind a message */
	HVSIM_FAULT_STORM_THROUGH,	/* interrupts that go on through UNLOAD */
	HVSIM_FAULT_CSUM_SILENT,	/* armed: a checksum request taken, never answered */
	HVSIM_FAULT_IRQ_OTHER,		/* one interrupt on the other CPU, not waited for */
	HVSIM_FAULT_MODIFY_FAIL,	/* armed: MODIFYCHANNEL answered with an error */
	HVSIM_FAULT_COUNT
};

#define HVSIM_FAULT_MAX_ARGS	3

/* ring-index: which index of an open channel's rings */
enum hvsim_ring_index {
	HVSIM_RING_IN_WRITE,		/* guest-inbound ring, the host's index */
	HVSIM_RING_IN_READ,
	HVSIM_RING_OUT_WRITE,
	HVSIM_RING_OUT_READ,		/* guest-outbound ring, the host's index */
};

/* ring-lie: how the descriptor of the planted packet lies */
enum hvsim_ring_lie {
	HVSIM_LIE_OFFSET,		/* offset8 < 2: data inside the descriptor */
	HVSIM_LIE_INVERTED,		/* len8 < offset8 */
	HVSIM_LIE_BEYOND,		/* len8 past the bytes written */
	HVSIM_LIE_HUGE,			/* len8 0xffff */
	HVSIM_LIE_TINY,			/* write index moved less than a packet */
};

const char *hvsim_fault_name(enum hvsim_fault fault);
int hvsim_fault(enum hvsim_fault fault, const u32 *arg, unsigned int nargs, u32 count);
int hvsim_rescind(u32 relid);
int hvsim_add_subchannels(u32 relid, unsigned int count);
void hvsim_show_devices(struct seq_file *s);
void hvsim_show_stats(struct seq_file *s);
unsigned int *hvsim_host_version(void);
u64 hvsim_ref_time(void);
void hvsim_debugfs_init(void);
void hvsim_debugfs_exit(void);
int hvsim_crash(void);

#endif
