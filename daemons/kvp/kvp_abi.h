// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user ABI between the kernel's KVP driver (hv_utils, /dev/vmbus/hv_kvp)
 * and its daemon, and the daemon's pool file format.
 *
 * Where these facts come from (written here from scratch, not copied):
 *  - message layout, operation codes, pools, status codes, field sizes:
 *    the Linux kernel's include/uapi/linux/hyperv.h (struct hv_kvp_msg,
 *    struct hv_kvp_exchg_msg_value, struct hv_kvp_ipaddr_value,
 *    KVP_OP_REGISTER1 = 100, HV_S_OK, HV_E_FAIL, HV_S_CONT, ...);
 *  - the handshake (the daemon writes a message whose operation is
 *    KVP_OP_REGISTER1; the kernel answers with the same operation and its
 *    version string, HV_DRV_VERSION "3.1", in the register body), the
 *    answer convention (the daemon writes the whole message back with the
 *    32-bit status in place of the header) and which fields the kernel
 *    fills or reads for each operation: drivers/hv/hv_kvp.c;
 *  - the pool files /var/lib/hyperv/.kvp_pool_<0..4> (an array of records,
 *    key[512] then value[2048], each a NUL-terminated UTF-8 string), the
 *    key names and order the host expects for ENUMERATE on the auto pool,
 *    and the status each operation answers: tools/hv/hv_kvp_daemon.c, the
 *    in-box daemon, whose files and answers this daemon keeps.
 *
 * All integers are in the guest's byte order (little-endian on x86).
 */
#ifndef HVLIS_KVP_ABI_H
#define HVLIS_KVP_ABI_H

#include <stddef.h>
#include <stdint.h>

#define KVP_MAX_KEY_SIZE	512	/* HV_KVP_EXCHANGE_MAX_KEY_SIZE */
#define KVP_MAX_VALUE_SIZE	2048	/* HV_KVP_EXCHANGE_MAX_VALUE_SIZE */

/* Registry value types of a SET (the kernel turns numbers into strings). */
#define KVP_REG_SZ	1
#define KVP_REG_U32	4
#define KVP_REG_U64	8

/* Operations. */
#define KVP_OP_GET		0
#define KVP_OP_SET		1
#define KVP_OP_DELETE		2
#define KVP_OP_ENUMERATE	3
#define KVP_OP_GET_IP_INFO	4
#define KVP_OP_SET_IP_INFO	5
#define KVP_OP_COUNT		6
#define KVP_OP_REGISTER		4	/* legacy daemons; we never send it */
#define KVP_OP_REGISTER1	100	/* daemons that do IP injection */

/* Pools. */
#define KVP_POOL_EXTERNAL	0
#define KVP_POOL_GUEST		1
#define KVP_POOL_AUTO		2
#define KVP_POOL_AUTO_EXTERNAL	3
#define KVP_POOL_AUTO_INTERNAL	4
#define KVP_POOL_COUNT		5

/* Status codes the daemon answers with (32-bit, in the header's place). */
#define HV_S_OK				0x00000000u
#define HV_E_FAIL			0x80004005u
#define HV_S_CONT			0x80070103u
#define HV_ERROR_NOT_SUPPORTED		0x80070032u
#define HV_ERROR_MACHINE_LOCKED		0x800704F7u
#define HV_ERROR_DEVICE_NOT_CONNECTED	0x8007048Fu
#define HV_INVALIDARG			0x80070057u
#define HV_GUID_NOTFOUND		0x80041002u
#define HV_ERROR_ALREADY_EXISTS		0x80070050u

/* IP configuration. */
#define KVP_ADDR_FAMILY_NONE	0x00
#define KVP_ADDR_FAMILY_IPV4	0x01
#define KVP_ADDR_FAMILY_IPV6	0x02
#define KVP_MAX_ADAPTER_ID	128	/* in UTF-16 units; the field is twice that in bytes */
#define KVP_MAX_IP_ADDR		1024
#define KVP_MAX_GATEWAY		512

struct kvp_hdr {
	uint8_t operation;
	uint8_t pool;
	uint16_t pad;
} __attribute__((packed));

/* A key and its value, for GET, SET and ENUMERATE. */
struct kvp_keyval {
	uint32_t value_type;
	uint32_t key_size;	/* bytes, including the NUL */
	uint32_t value_size;	/* bytes, including the NUL */
	uint8_t key[KVP_MAX_KEY_SIZE];
	union {
		uint8_t value[KVP_MAX_VALUE_SIZE];
		uint32_t value_u32;
		uint64_t value_u64;
	};
} __attribute__((packed));

struct kvp_enumerate {
	uint32_t index;
	struct kvp_keyval data;
} __attribute__((packed));

struct kvp_delete {
	uint32_t key_size;
	uint8_t key[KVP_MAX_KEY_SIZE];
} __attribute__((packed));

/*
 * IP settings of one adapter. Between kernel and daemon the string fields
 * hold UTF-8 (the kernel converts from and to the host's UTF-16), so only
 * the first half of each field's bytes is used: at most KVP_MAX_* bytes.
 * Lists are separated by ';'.
 */
struct kvp_ip_info {
	uint8_t adapter_id[KVP_MAX_ADAPTER_ID * 2];
	uint8_t addr_family;
	uint8_t dhcp_enabled;
	uint8_t ip_addr[KVP_MAX_IP_ADDR * 2];
	uint8_t sub_net[KVP_MAX_IP_ADDR * 2];
	uint8_t gate_way[KVP_MAX_GATEWAY * 2];
	uint8_t dns_addr[KVP_MAX_IP_ADDR * 2];
} __attribute__((packed));

struct kvp_register {
	uint8_t version[KVP_MAX_KEY_SIZE];
} __attribute__((packed));

/*
 * Every message, both ways, has exactly this size: sizeof(struct
 * hv_kvp_msg) as the uapi header lays it out, 7432 bytes. Its body union
 * is not packed and one member (the enumerate body: a 32-bit index before
 * a packed struct) is 4-byte aligned, so the union is 7428 bytes, two more
 * than its largest member (the IP settings). The kernel sends messages of
 * that size and refuses shorter writes (EINVAL), and its read refuses
 * buffers shorter than the message; the in-box daemon reads and writes
 * 7432 bytes too. KVP_BODY_SIZE keeps the two bytes of tail padding.
 */
#define KVP_BODY_SIZE 7428

struct kvp_msg {
	union {
		struct kvp_hdr hdr;	/* kernel -> daemon */
		uint32_t error;		/* daemon -> kernel: the status */
	};
	union {
		struct kvp_keyval get;
		struct kvp_keyval set;
		struct kvp_delete del;
		struct kvp_enumerate enumerate;
		struct kvp_ip_info ip;
		struct kvp_register reg;
		uint8_t raw[KVP_BODY_SIZE];
	} body;
} __attribute__((packed));

#define KVP_MSG_SIZE 7432

_Static_assert(sizeof(struct kvp_msg) == KVP_MSG_SIZE, "kvp_msg size");
_Static_assert(sizeof(struct kvp_keyval) == 2572, "kvp_keyval size");
_Static_assert(sizeof(struct kvp_ip_info) == 7426, "kvp_ip_info size");
_Static_assert(offsetof(struct kvp_msg, body) == 4, "body offset");
_Static_assert(offsetof(struct kvp_msg, body.set.key) == 16, "key offset");
_Static_assert(offsetof(struct kvp_msg, body.set.value) == 528, "value offset");
_Static_assert(offsetof(struct kvp_msg, body.enumerate.data.key) == 20, "enum key");
_Static_assert(offsetof(struct kvp_msg, body.ip.addr_family) == 260, "family");
_Static_assert(offsetof(struct kvp_msg, body.ip.ip_addr) == 262, "ip_addr");
_Static_assert(offsetof(struct kvp_msg, body.ip.sub_net) == 2310, "sub_net");
_Static_assert(offsetof(struct kvp_msg, body.ip.gate_way) == 4358, "gate_way");
_Static_assert(offsetof(struct kvp_msg, body.ip.dns_addr) == 5382, "dns_addr");

/* Pool files: <dir>/.kvp_pool_<n>, records of key then value. */
#define KVP_POOL_DIR		"/var/lib/hyperv"
#define KVP_POOL_PREFIX		".kvp_pool_"
#define KVP_RECORD_SIZE		(KVP_MAX_KEY_SIZE + KVP_MAX_VALUE_SIZE)

/*
 * ENUMERATE on the auto pool: the index the host asks for and the key name
 * it expects (Microsoft's mapping, also listed in the uapi header).
 */
#define KVP_AUTO_KEYS { \
	"FullyQualifiedDomainName", "IntegrationServicesVersion", \
	"NetworkAddressIPv4", "NetworkAddressIPv6", "OSBuildNumber", \
	"OSName", "OSMajorVersion", "OSMinorVersion", "OSVersion", \
	"ProcessorArchitecture" }
#define KVP_AUTO_COUNT 10

#endif /* HVLIS_KVP_ABI_H */
