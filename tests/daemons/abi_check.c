// SPDX-License-Identifier: GPL-2.0-only
/*
 * abi_check: the daemons' message layouts (daemons/kvp/kvp_abi.h,
 * vss_abi.h, fcopy_abi.h) against the kernel's own, <linux/hyperv.h> from
 * the system's uapi headers (linux-libc-dev), as the compiler lays both out.
 *
 * The two sets of names clash (both define KVP_OP_GET, HV_S_OK, ...), so
 * this file is compiled twice: with -DUAPI it only fills uapi_layout[]
 * from <linux/hyperv.h>; without, it fills our_layout[] from our headers
 * and compares the two, one PASS/FAIL line per size or offset.
 *
 *   cc -DUAPI -c abi_check.c -o uapi.o && cc abi_check.c uapi.o -o abi_check
 */
#include <stddef.h>

#define N_ITEMS 23

#ifdef UAPI
#include <linux/types.h>
#include <linux/hyperv.h>

const size_t uapi_layout[N_ITEMS] = {
	sizeof(struct hv_kvp_msg),
	offsetof(struct hv_kvp_msg, body),
	offsetof(struct hv_kvp_msg, body.kvp_set.data.value_type),
	offsetof(struct hv_kvp_msg, body.kvp_set.data.key_size),
	offsetof(struct hv_kvp_msg, body.kvp_set.data.value_size),
	offsetof(struct hv_kvp_msg, body.kvp_set.data.key),
	offsetof(struct hv_kvp_msg, body.kvp_set.data.value),
	offsetof(struct hv_kvp_msg, body.kvp_get.data.value),
	offsetof(struct hv_kvp_msg, body.kvp_delete.key_size),
	offsetof(struct hv_kvp_msg, body.kvp_delete.key),
	offsetof(struct hv_kvp_msg, body.kvp_enum_data.index),
	offsetof(struct hv_kvp_msg, body.kvp_enum_data.data.key),
	offsetof(struct hv_kvp_msg, body.kvp_enum_data.data.value),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.addr_family),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.dhcp_enabled),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.ip_addr),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.sub_net),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.gate_way),
	offsetof(struct hv_kvp_msg, body.kvp_ip_val.dns_addr),
	offsetof(struct hv_kvp_msg, body.kvp_register.version),
	sizeof(struct hv_vss_msg),
	sizeof(struct hv_start_fcopy),
	sizeof(struct hv_do_fcopy),
};

#else
#include <stdio.h>

#include "kvp_abi.h"
#include "vss_abi.h"
#include "fcopy_abi.h"

extern const size_t uapi_layout[N_ITEMS];

static const size_t our_layout[N_ITEMS] = {
	sizeof(struct kvp_msg),
	offsetof(struct kvp_msg, body),
	offsetof(struct kvp_msg, body.set.value_type),
	offsetof(struct kvp_msg, body.set.key_size),
	offsetof(struct kvp_msg, body.set.value_size),
	offsetof(struct kvp_msg, body.set.key),
	offsetof(struct kvp_msg, body.set.value),
	offsetof(struct kvp_msg, body.get.value),
	offsetof(struct kvp_msg, body.del.key_size),
	offsetof(struct kvp_msg, body.del.key),
	offsetof(struct kvp_msg, body.enumerate.index),
	offsetof(struct kvp_msg, body.enumerate.data.key),
	offsetof(struct kvp_msg, body.enumerate.data.value),
	offsetof(struct kvp_msg, body.ip.addr_family),
	offsetof(struct kvp_msg, body.ip.dhcp_enabled),
	offsetof(struct kvp_msg, body.ip.ip_addr),
	offsetof(struct kvp_msg, body.ip.sub_net),
	offsetof(struct kvp_msg, body.ip.gate_way),
	offsetof(struct kvp_msg, body.ip.dns_addr),
	offsetof(struct kvp_msg, body.reg.version),
	sizeof(struct vss_msg),
	sizeof(struct fcopy_start),
	sizeof(struct fcopy_data),
};

static const char *const names[N_ITEMS] = {
	"kvp-msg-size", "kvp-body", "kvp-value-type", "kvp-key-size", "kvp-value-size",
	"kvp-key", "kvp-value", "kvp-get-value", "kvp-delete-key-size", "kvp-delete-key",
	"kvp-enum-index", "kvp-enum-key", "kvp-enum-value", "kvp-ip-family",
	"kvp-ip-dhcp", "kvp-ip-addr", "kvp-ip-subnet", "kvp-ip-gateway", "kvp-ip-dns",
	"kvp-register-version", "vss-msg-size", "fcopy-start-size", "fcopy-data-size",
};

int main(void)
{
	int i, bad = 0;

	for (i = 0; i < N_ITEMS; i++) {
		if (our_layout[i] == uapi_layout[i]) {
			printf("PASS: daemons/abi/%s\n", names[i]);
		} else {
			printf("FAIL: daemons/abi/%s: ours %zu, <linux/hyperv.h> %zu\n",
			       names[i], our_layout[i], uapi_layout[i]);
			bad++;
		}
	}
	return bad ? 1 : 0;
}
#endif
