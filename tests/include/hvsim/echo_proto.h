/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The echo device: a test-only VMBus device class that the simulated host
 * plays (tests/hvsim/echo_host.c) and the test driver hvlis_echo binds
 * (tests/drivers/hvlis_echo). This is what the two say to each other
 * besides plain packets, which the host sends back unchanged.
 */
#ifndef HVSIM_ECHO_PROTO_H
#define HVSIM_ECHO_PROTO_H

#include <hvlis/vmbus_proto.h>

/* The test echo device class: f00dcafe-0000-4000-8000-68766c697331 */
#define HVSIM_GUID_ECHO HVLIS_GUID(0xf00dcafe, 0x0000, 0x4000, \
	0x80, 0x00, 0x68, 0x76, 0x6c, 0x69, 0x73, 0x31)

/*
 * GPADL checksum request of the echo device (hvlis_echo's "gpadl" command):
 * an in-band packet whose payload is exactly struct hvsim_csum_req asks the
 * host to checksum bytes [offset, offset + length) of a GPADL of the same
 * channel; the host answers, instead of echoing, with an in-band packet
 * carrying struct hvsim_csum_resp and the request's transaction id. Every
 * other packet is echoed. The magic's upper half lies where an echo packet
 * has its length field, which is never above a few KiB, so echo traffic
 * cannot look like a request.
 */
#define HVSIM_CSUM_REQ_MAGIC	0x6373756d6c617067ull	/* "gpalmusc" */
#define HVSIM_CSUM_RESP_MAGIC	0x7073726d6c617067ull	/* "gpalmrsp" */

struct hvsim_csum_req {
	u64 magic;
	u32 gpadl;
	u32 offset;
	u32 length;
	u32 reserved;
} __packed;

struct hvsim_csum_resp {
	u64 magic;
	u32 gpadl;
	s32 status;		/* 0, or -ENOENT, -EINVAL, -EFAULT, -ENOMEM */
	u32 checksum;		/* hvsim_csum() of the range */
	u32 npages;		/* the GPADL's size in pages */
	u32 offset;
	u32 length;
} __packed;

/*
 * Multi-page-buffer checksum request of the echo device (hvlis_echo's "mpb"
 * command): a GPA-direct packet (hvlis_sendpacket_mpb()) whose in-band
 * payload is exactly struct hvsim_mpb_req asks the host to checksum the
 * bytes of all its ranges, in order, as one stream; the host answers with a
 * completion packet (type COMP) carrying struct hvsim_mpb_resp and the
 * request's transaction id. A malformed GPA-direct packet is answered with
 * a negative status; one without the magic is dropped (not echoed).
 */
#define HVSIM_MPB_REQ_MAGIC	0x71657262706d6c68ull	/* "hlmpbreq" */
#define HVSIM_MPB_RESP_MAGIC	0x70737262706d6c68ull	/* "hlmpbrsp" */

struct hvsim_mpb_req {
	u64 magic;
	u64 reserved;
} __packed;

struct hvsim_mpb_resp {
	u64 magic;
	s32 status;		/* 0, or -EINVAL (malformed ranges), -EFAULT */
	u32 checksum;		/* hvsim_csum() of all ranges' bytes in order */
	u32 ranges;		/* the ranges the host saw */
	u32 reserved;
	u64 bytes;		/* the sum of their byte counts */
} __packed;

/*
 * The checksum both sides compute: 32-bit FNV-1a, so that bytes in the
 * wrong order (pages swapped in the PFN list) give another result.
 */
#define HVSIM_CSUM_SEED		0x811c9dc5u

static inline u32 hvsim_csum(u32 h, const u8 *p, size_t len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x01000193u;
	}
	return h;
}

#endif
