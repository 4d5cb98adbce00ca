/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire formats of the Hyper-V integration components (IC): the messages
 * the host and the guest's hv_utils exchange over the shutdown, time sync,
 * heartbeat, KVP, VSS and file copy channels. Host-to-guest format only;
 * the user ABI between hv_utils and the daemons is in hvlis/uapi/.
 *
 * Facts (layouts, message types, flags, version numbers, the negotiation
 * rules), written here from scratch: the Linux kernel's include/linux/
 * hyperv.h and drivers/hv/hv_util.c, FreeBSD's sys/dev/hyperv/utilities
 * (vmbus_ic.c, hv_utilreg.h), and Microsoft's TLFS.
 *
 * Every IC packet is an in-band VMBus packet whose payload starts with
 * struct hvlis_ic_pipe_hdr, then struct hvlis_ic_hdr, then the message
 * body at offset HVLIS_IC_BODY_OFFSET. The host sends requests (icflags
 * TRANSACTION | REQUEST); the guest answers each with the same buffer,
 * status set and icflags TRANSACTION | RESPONSE, with the request's VMBus
 * transaction id. The first request on every channel is a NEGOTIATE.
 *
 * Kernel and userspace (unit tests, fuzzers) include this header.
 */
#ifndef HVLIS_IC_PROTO_H
#define HVLIS_IC_PROTO_H

#include <hvlis/types.h>

/* ------------------------------------------------------------ framing */

struct hvlis_ic_pipe_hdr {
	u32 flags;
	u32 msgsize;
} __packed;

struct hvlis_ic_version {
	u16 major;
	u16 minor;
} __packed;

struct hvlis_ic_hdr {
	struct hvlis_ic_version icverframe;	/* framework version */
	u16 icmsgtype;
	struct hvlis_ic_version icvermsg;	/* message (service) version */
	u16 icmsgsize;				/* body bytes */
	u32 status;				/* HV_S_OK or an HRESULT */
	u8 ictransaction_id;
	u8 icflags;
	u8 reserved[2];
} __packed;

/* ICMSG_HDR: 8 + 20 = 28 bytes */
#define HVLIS_IC_BODY_OFFSET \
	(sizeof(struct hvlis_ic_pipe_hdr) + sizeof(struct hvlis_ic_hdr))

/* icmsgtype */
#define HVLIS_ICMSGTYPE_NEGOTIATE	0
#define HVLIS_ICMSGTYPE_HEARTBEAT	1
#define HVLIS_ICMSGTYPE_KVPEXCHANGE	2
#define HVLIS_ICMSGTYPE_SHUTDOWN	3
#define HVLIS_ICMSGTYPE_TIMESYNC	4
#define HVLIS_ICMSGTYPE_VSS		5
#define HVLIS_ICMSGTYPE_FCOPY		7

/* icflags */
#define HVLIS_ICFLAG_TRANSACTION	0x01
#define HVLIS_ICFLAG_REQUEST		0x02
#define HVLIS_ICFLAG_RESPONSE		0x04

/* status */
#define HVLIS_IC_S_OK			0x00000000u
#define HVLIS_IC_E_FAIL			0x80004005u

/* Versions as one number: major << 16 | minor. */
#define HVLIS_IC_VER(major, minor)	((u32)(major) << 16 | (minor))
#define HVLIS_IC_VER_MAJOR(v)		((u16)((v) >> 16))
#define HVLIS_IC_VER_MINOR(v)		((u16)((v) & 0xffff))

/* ------------------------------------------------------------ negotiate */

/*
 * The host lists the framework versions it speaks (icframe_vercnt of
 * them), then the message versions (icmsg_vercnt). The guest answers in
 * the same buffer with one of each, the highest the two sides share, and
 * both counts 1; with no common pair it answers both counts 0.
 */
struct hvlis_ic_negotiate {
	u16 icframe_vercnt;
	u16 icmsg_vercnt;
	u32 reserved;
	struct hvlis_ic_version icversion_data[];
} __packed;

/* Framework versions. */
#define HVLIS_IC_FW_WS2008		HVLIS_IC_VER(1, 0)
#define HVLIS_IC_FW_CURRENT		HVLIS_IC_VER(3, 0)

/* Service versions the guest offers, newest first in each driver. */
#define HVLIS_IC_SD_1_0			HVLIS_IC_VER(1, 0)
#define HVLIS_IC_SD_3_0			HVLIS_IC_VER(3, 0)
#define HVLIS_IC_SD_3_1			HVLIS_IC_VER(3, 1)
#define HVLIS_IC_SD_3_2			HVLIS_IC_VER(3, 2)
#define HVLIS_IC_TS_1_0			HVLIS_IC_VER(1, 0)
#define HVLIS_IC_TS_3_0			HVLIS_IC_VER(3, 0)
#define HVLIS_IC_TS_4_0			HVLIS_IC_VER(4, 0)	/* reference time */
#define HVLIS_IC_HB_1_0			HVLIS_IC_VER(1, 0)
#define HVLIS_IC_HB_3_0			HVLIS_IC_VER(3, 0)

/* ------------------------------------------------------------ shutdown */

struct hvlis_ic_shutdown {
	u32 reason_code;
	u32 timeout_seconds;
	u32 flags;
	u8 display_message[2048];
} __packed;

/* flags: the request; bit 0 set means "by force" (Linux always forces). */
#define HVLIS_IC_SHUTDOWN_POWEROFF	0
#define HVLIS_IC_SHUTDOWN_RESTART	2
#define HVLIS_IC_SHUTDOWN_HIBERNATE	4
#define HVLIS_IC_SHUTDOWN_FORCE		1

/* ------------------------------------------------------------ time sync */

/* Times are in 100 ns units since 1601-01-01 (Windows FILETIME). */
#define HVLIS_IC_TIME_UNIX_EPOCH	116444736000000000ull

/* flags */
#define HVLIS_IC_TIMESYNC_PROBE		0
#define HVLIS_IC_TIMESYNC_SYNC		1	/* set the clock now */
#define HVLIS_IC_TIMESYNC_SAMPLE	2	/* a periodic sample */

/* Message versions 1 and 3. */
struct hvlis_ic_timesync {
	u64 parenttime;		/* host time */
	u64 childtime;
	u64 roundtriptime;
	u8 flags;
} __packed;

/*
 * Message version 4: also the partition reference time (100 ns ticks of
 * the Hyper-V reference counter) at which the host read parenttime, so
 * the guest can add the time the message spent in transit.
 */
struct hvlis_ic_timesync_ref {
	u64 parenttime;
	u64 vmreferencetime;
	u8 flags;
	u8 leapflags;
	u8 stratum;
	u8 reserved[3];
} __packed;

/* ------------------------------------------------------------ heartbeat */

/* The guest answers each request with seq_num + 1. */
struct hvlis_ic_heartbeat {
	u64 seq_num;
	u32 reserved[8];
} __packed;

/*
 * KVP, VSS and file copy host messages: below this line (hv_utils'
 * KVP/VSS/fcopy services).
 */

/* ------------------------------------------------------------ checks */

HVLIS_ASSERT_SIZE(struct hvlis_ic_pipe_hdr, 8);
HVLIS_ASSERT_SIZE(struct hvlis_ic_hdr, 20);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, ictransaction_id, 16);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, icmsgtype, 4);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, icvermsg, 6);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, icmsgsize, 10);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, status, 12);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_hdr, icflags, 17);
HVLIS_ASSERT_SIZE(struct hvlis_ic_negotiate, 8);
HVLIS_ASSERT_SIZE(struct hvlis_ic_shutdown, 2060);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_shutdown, flags, 8);
HVLIS_ASSERT_SIZE(struct hvlis_ic_timesync, 25);
HVLIS_ASSERT_SIZE(struct hvlis_ic_timesync_ref, 22);
HVLIS_ASSERT_OFFSET(struct hvlis_ic_timesync_ref, flags, 16);
HVLIS_ASSERT_SIZE(struct hvlis_ic_heartbeat, 40);

#endif /* HVLIS_IC_PROTO_H */
