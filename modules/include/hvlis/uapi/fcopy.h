/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user ABI between the kernel's file copy driver (hv_utils,
 * /dev/vmbus/hv_fcopy, kernels before 6.10) and its daemon.
 *
 * Where these facts come from (written here from scratch, not copied):
 *  - message layouts, operation codes, flags, FCOPY_VERSION_1 and
 *    W_MAX_PATH, DATA_FRAGMENT, the status codes: the Linux kernel's
 *    include/uapi/linux/hyperv.h (struct hv_fcopy_hdr, hv_start_fcopy,
 *    hv_do_fcopy with its 32-bit pad since FCOPY_VERSION_1);
 *  - the handshake (the daemon writes its version as a u32; to version 1
 *    the kernel answers with its own, FCOPY_CURRENT_VERSION, as a u32; to
 *    version 0 it does not answer), the names of START_FILE_COPY (the
 *    kernel converts the host's UTF-16 to UTF-8 in the same fields, so the
 *    daemon reads them as NUL-terminated bytes), the lengths it passes on
 *    (START 1088, WRITE 6196 bytes, the others at least the 36-byte header)
 *    and the answers (one int status per message): drivers/hv/hv_fcopy.c;
 *  - ERROR_PATH_NOT_FOUND: the Win32 error 3 as an HRESULT (0x8007xxxx).
 */
#ifndef HVLIS_UAPI_FCOPY_H
#define HVLIS_UAPI_FCOPY_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define FCOPY_VERSION_0		0
#define FCOPY_VERSION_1		1
#define FCOPY_CURRENT_VERSION	FCOPY_VERSION_1

#define W_MAX_PATH		260
#define DATA_FRAGMENT		(6 * 1024)

#define START_FILE_COPY		0
#define WRITE_TO_FILE		1
#define COMPLETE_FCOPY		2
#define CANCEL_FCOPY		3

#define OVER_WRITE		0x1
#define CREATE_PATH		0x2

#define HV_S_OK			0x00000000u
#define HV_E_FAIL		0x80004005u
#define HV_ERROR_NOT_SUPPORTED	0x80070032u
#define HV_ERROR_ALREADY_EXISTS	0x80070050u
#define HV_ERROR_PATH_NOT_FOUND	0x80070003u
#define HV_ERROR_DISK_FULL	0x80070070u

struct fcopy_hdr {
	uint32_t operation;
	uint8_t service_id0[16];	/* unused */
	uint8_t service_id1[16];	/* unused */
} __attribute__((packed));

struct fcopy_start {
	struct fcopy_hdr hdr;
	uint16_t file_name[W_MAX_PATH];	/* UTF-8 bytes from the kernel, NUL-terminated */
	uint16_t path_name[W_MAX_PATH];	/* (UTF-16LE from the host) */
	uint32_t copy_flags;
	uint64_t file_size;
} __attribute__((packed));

struct fcopy_data {
	struct fcopy_hdr hdr;
	uint32_t pad;
	uint64_t offset;
	uint32_t size;
	uint8_t data[DATA_FRAGMENT];
} __attribute__((packed));

#define FCOPY_HDR_SIZE		36
#define FCOPY_START_SIZE	1088
#define FCOPY_DATA_SIZE		6196
#define FCOPY_MAX_MSG		FCOPY_DATA_SIZE

_Static_assert(sizeof(struct fcopy_hdr) == FCOPY_HDR_SIZE, "hdr size");
_Static_assert(sizeof(struct fcopy_start) == FCOPY_START_SIZE, "start size");
_Static_assert(sizeof(struct fcopy_data) == FCOPY_DATA_SIZE, "data size");
_Static_assert(offsetof(struct fcopy_start, copy_flags) == 1076, "copy_flags");
_Static_assert(offsetof(struct fcopy_data, offset) == 40, "offset");
_Static_assert(offsetof(struct fcopy_data, data) == 52, "data");

#endif /* HVLIS_UAPI_FCOPY_H */
