/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor facts from Microsoft's Hypervisor Top Level Functional
 * Specification (TLFS): CPUID leaves, synthetic MSRs, hypercall codes and
 * the SynIC message and event page layouts. Names carry an HVLIS_ prefix so
 * they never collide with a kernel's own asm/hyperv-tlfs.h.
 */
#ifndef HVLIS_HV_TLFS_H
#define HVLIS_HV_TLFS_H

#include <hvlis/types.h>

/* CPUID leaves */
#define HVLIS_CPUID_VENDOR_MAX		0x40000000	/* EBX,ECX,EDX = "Microsoft Hv" */
#define HVLIS_CPUID_INTERFACE		0x40000001	/* EAX = "Hv#1" */
#define HVLIS_CPUID_VERSION		0x40000002
#define HVLIS_CPUID_FEATURES		0x40000003
#define HVLIS_CPUID_ENLIGHTENMENTS	0x40000004
#define HVLIS_CPUID_IMPL_LIMITS		0x40000005
#define HVLIS_CPUID_ISOLATION		0x4000000C

#define HVLIS_HV_INTERFACE_SIG		0x31237648	/* "Hv#1" */

/* CPUID 0x40000003 EAX: partition privileges (low half) */
#define HVLIS_PRIV_ACCESS_PARTITION_REFCOUNT	(1u << 1)
#define HVLIS_PRIV_ACCESS_SYNIC_MSRS	(1u << 2)
#define HVLIS_PRIV_ACCESS_HYPERCALL_MSRS	(1u << 5)
#define HVLIS_PRIV_ACCESS_VP_INDEX	(1u << 6)
/* CPUID 0x40000003 EBX: partition privileges (high half) */
#define HVLIS_PRIV_ISOLATION		(1u << 22)

/* Synthetic MSRs */
#define HVLIS_MSR_GUEST_OS_ID		0x40000000
#define HVLIS_MSR_HYPERCALL		0x40000001
#define HVLIS_MSR_VP_INDEX		0x40000002
#define HVLIS_MSR_TIME_REF_COUNT	0x40000020
#define HVLIS_MSR_SCONTROL		0x40000080
#define HVLIS_MSR_SVERSION		0x40000081
#define HVLIS_MSR_SIEFP			0x40000082
#define HVLIS_MSR_SIMP			0x40000083
#define HVLIS_MSR_EOM			0x40000084
#define HVLIS_MSR_SINT0			0x40000090

#define HVLIS_MSR_HYPERCALL_ENABLE	(1ull << 0)
#define HVLIS_MSR_SCONTROL_ENABLE	(1ull << 0)
#define HVLIS_MSR_PAGE_ENABLE		(1ull << 0)	/* SIMP, SIEFP */
#define HVLIS_MSR_PAGE_SHIFT		12
#define HVLIS_SINT_VECTOR_MASK		0xffull
#define HVLIS_SINT_MASKED		(1ull << 16)
#define HVLIS_SINT_AUTO_EOI		(1ull << 17)

/* Guest OS ID for an open-source OS: bit 63 set, vendor/OS in 62:48. */
#define HVLIS_GUEST_ID_LINUX_VENDOR	0x8100ull

/* Hypercalls */
#define HVLIS_HVCALL_POST_MESSAGE	0x005c
#define HVLIS_HVCALL_SIGNAL_EVENT	0x005d
#define HVLIS_HVCALL_FAST_BIT		(1ull << 16)

/* Hypercall status codes (low 16 bits of the result) */
#define HVLIS_HV_STATUS_SUCCESS			0x0000
#define HVLIS_HV_STATUS_INVALID_HYPERCALL_CODE	0x0002
#define HVLIS_HV_STATUS_INVALID_ALIGNMENT	0x0004
#define HVLIS_HV_STATUS_INVALID_PARAMETER	0x0005
#define HVLIS_HV_STATUS_INSUFFICIENT_MEMORY	0x000b
#define HVLIS_HV_STATUS_INVALID_CONNECTION_ID	0x0012
#define HVLIS_HV_STATUS_INSUFFICIENT_BUFFERS	0x0013
#define HVLIS_HV_STATUS_MASK			0xffffull

/* Hyper-V's page size is 4 KiB whatever the guest's is. */
#define HVLIS_HV_PAGE_SHIFT	12
#define HVLIS_HV_PAGE_SIZE	(1u << HVLIS_HV_PAGE_SHIFT)

/* SynIC */
#define HVLIS_SINT_COUNT		16
#define HVLIS_MESSAGE_SIZE		256
#define HVLIS_MESSAGE_PAYLOAD_BYTES	240
#define HVLIS_MESSAGE_PAYLOAD_QWORDS	30
#define HVLIS_EVENT_FLAGS_BYTES		256
#define HVLIS_EVENT_FLAGS_BITS		(HVLIS_EVENT_FLAGS_BYTES * 8)

#define HVLIS_HVMSG_NONE		0x00000000
#define HVLIS_HVMSG_TIMER_EXPIRED	0x80000010

#define HVLIS_MSG_FLAG_PENDING		0x01

struct hvlis_hv_message_header {
	u32 message_type;
	u8 payload_size;
	u8 message_flags;
	u8 reserved[2];
	u64 sender;		/* port id or partition id */
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_hv_message_header, 16);

struct hvlis_hv_message {
	struct hvlis_hv_message_header header;
	u64 payload[HVLIS_MESSAGE_PAYLOAD_QWORDS];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_hv_message, HVLIS_MESSAGE_SIZE);

/* The SynIC message page: one 256-byte message slot per SINT. */
struct hvlis_hv_message_page {
	struct hvlis_hv_message sint_message[HVLIS_SINT_COUNT];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_hv_message_page, 4096);

/* The SynIC event flags page: 2048 flag bits per SINT. */
struct hvlis_hv_event_flags {
	u8 flags[HVLIS_EVENT_FLAGS_BYTES];
} __packed;
struct hvlis_hv_event_page {
	struct hvlis_hv_event_flags sint_flags[HVLIS_SINT_COUNT];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_hv_event_page, 4096);

/* Input of HvPostMessage; must not cross a page boundary. */
struct hvlis_hv_post_message {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u64 payload[HVLIS_MESSAGE_PAYLOAD_QWORDS];
} __packed;
HVLIS_ASSERT_SIZE(struct hvlis_hv_post_message, 256);

/* Input of the fast hypercall HvSignalEvent, packed into one register. */
static inline u64 hvlis_signal_event_input(u32 connection_id, u16 flag_number)
{
	return (u64)connection_id | ((u64)flag_number << 32);
}

/*
 * The monitor page: the guest sets a "pending" bit in a trigger group to
 * signal a monitored channel without a hypercall; the host scans them with
 * its own latency.
 */
struct hvlis_hv_monitor_trigger_group {
	u32 pending;
	u32 armed;
} __packed;

struct hvlis_hv_monitor_parameter {
	u32 connection_id;
	u16 flag_number;
	u16 reserved;
} __packed;

struct hvlis_hv_monitor_page {
	u32 trigger_state;	/* bits 0-3: group enable */
	u32 reserved1;
	struct hvlis_hv_monitor_trigger_group trigger_group[4];
	u64 reserved2[3];
	s32 next_check_time[4][32];
	u16 latency[4][32];
	u64 reserved3[32];
	struct hvlis_hv_monitor_parameter parameter[4][32];
	u8 reserved4[1984];
} __packed;
HVLIS_ASSERT_OFFSET(struct hvlis_hv_monitor_page, trigger_group, 8);
HVLIS_ASSERT_OFFSET(struct hvlis_hv_monitor_page, next_check_time, 64);
HVLIS_ASSERT_OFFSET(struct hvlis_hv_monitor_page, latency, 576);
HVLIS_ASSERT_OFFSET(struct hvlis_hv_monitor_page, parameter, 1088);
HVLIS_ASSERT_SIZE(struct hvlis_hv_monitor_page, 4096);

#endif
