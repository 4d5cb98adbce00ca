/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user ABI between the kernel's VSS (backup) driver (hv_utils,
 * /dev/vmbus/hv_vss) and its daemon.
 *
 * Where these facts come from (written here from scratch, not copied):
 *  - message layout, operation codes: the Linux kernel's
 *    include/uapi/linux/hyperv.h (struct hv_vss_msg: an 8-byte header whose
 *    first byte is the operation, overlaid by a 32-bit status in answers,
 *    then a 32-bit flags word; VSS_OP_REGISTER1 = 129; enum hv_vss_op);
 *  - the handshake (the daemon writes a message with operation
 *    VSS_OP_REGISTER1; the kernel answers with 4 bytes, its own
 *    VSS_OP_REGISTER1 as a u32), which operations the kernel forwards
 *    (FREEZE, THAW, HOT_BACKUP), that it times out a FREEZE after 15
 *    minutes and fakes a THAW before hibernation: drivers/hv/hv_snapshot.c;
 *  - the answers (HV_S_OK, HV_E_FAIL when a freeze or thaw fails) and which
 *    file systems are frozen (block-device mounts that are not read-only
 *    or vfat, "/" last, EBUSY from FIFREEZE and EINVAL from FITHAW meaning
 *    "already"): tools/hv/hv_vss_daemon.c, the in-box daemon.
 */
#ifndef HVLIS_UAPI_VSS_H
#define HVLIS_UAPI_VSS_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define VSS_OP_CREATE		0
#define VSS_OP_DELETE		1
#define VSS_OP_HOT_BACKUP	2
#define VSS_OP_GET_DM_INFO	3
#define VSS_OP_BU_COMPLETE	4
#define VSS_OP_FREEZE		5
#define VSS_OP_THAW		6
#define VSS_OP_AUTO_RECOVER	7
#define VSS_OP_REGISTER		128	/* legacy daemons: no answer */
#define VSS_OP_REGISTER1	129	/* the kernel answers with a u32 */

#define VSS_HBU_NO_AUTO_RECOVERY 0x00000005

#define HV_S_OK			0x00000000u
#define HV_E_FAIL		0x80004005u
#define HV_ERROR_NOT_SUPPORTED	0x80070032u

struct vss_msg {
	union {
		struct {
			uint8_t operation;
			uint8_t reserved[7];
		} hdr;			/* kernel -> daemon */
		uint32_t error;		/* daemon -> kernel: the status */
	};
	uint32_t flags;		/* check_feature / dm_info */
} __attribute__((packed));

#define VSS_MSG_SIZE 12
#define VSS_REGISTER_ANSWER_SIZE 4

_Static_assert(sizeof(struct vss_msg) == VSS_MSG_SIZE, "vss_msg size");
_Static_assert(offsetof(struct vss_msg, flags) == 8, "flags offset");

#endif /* HVLIS_UAPI_VSS_H */
