// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_utils' KVP host-to-daemon conversion
 * (hvlis_kvp_to_daemon() in modules/proto/relay_msg.c): the fuzzer's
 * bytes are one host request, IC headers included, in a heap buffer of
 * exactly that length; the daemon's message goes to a heap buffer of
 * exactly KVP_MSG_SIZE. Checked: the result is KVP_MSG_SIZE or -EINVAL (then
 * something was logged); the request is not written; a message for the
 * daemon has the request's operation and pool, and every string in it is
 * NUL-terminated inside its field with its size (GET/SET/DELETE) counting
 * the NUL; a SET of a number has its decimal value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>
#include <hvlis/uapi/kvp.h>
#include "relay_msg.h"

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_relay_kvp:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

/* A NUL inside the field; returns the string's length. */
static size_t terminated(const u8 *field, size_t size)
{
	const u8 *nul = memchr(field, 0, size);

	ASSERT(nul != NULL);
	return (size_t)(nul - field);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u32 len = size > 0xffffu ? 0xffffu : (u32)size;
	u8 *pkt = malloc(len ? len : 1), *out = calloc(1, KVP_MSG_SIZE);
	struct kvp_msg *m = (struct kvp_msg *)out;
	const struct hvlis_ic_kvp_msg *req;
	char num[32];
	int ret;

	ASSERT(pkt && out);
	memcpy(pkt, in, len);
	hvlis_relay_last_warning[0] = 0;
	ret = hvlis_kvp_to_daemon(pkt, len, out);
	ASSERT(!memcmp(pkt, in, len));
	if (ret < 0) {
		ASSERT(ret == -EINVAL);
		ASSERT(hvlis_relay_last_warning[0]);
		goto out;
	}
	ASSERT(ret == KVP_MSG_SIZE);
	ASSERT(len >= HVLIS_IC_BODY_OFFSET + sizeof(struct hvlis_ic_kvp_hdr));
	req = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);
	ASSERT(m->hdr.operation == req->hdr.operation && m->hdr.pool == req->hdr.pool);
	switch (m->hdr.operation) {
	case KVP_OP_GET:
	case KVP_OP_SET:
		ASSERT(m->hdr.pool < KVP_POOL_COUNT);
		ASSERT(m->body.set.key_size == terminated(m->body.set.key, sizeof(m->body.set.key)) + 1);
		if (m->hdr.operation == KVP_OP_GET) {
			ASSERT(m->body.get.value_size == sizeof(m->body.get.value));
			break;
		}
		ASSERT(m->body.set.value_size ==
		       terminated(m->body.set.value, sizeof(m->body.set.value)) + 1);
		if (req->body.set.value_type == KVP_REG_U32)
			snprintf(num, sizeof(num), "%" PRIu32, req->body.set.value_u32);
		else if (req->body.set.value_type == KVP_REG_U64)
			snprintf(num, sizeof(num), "%" PRIu64, req->body.set.value_u64);
		else
			ASSERT(req->body.set.value_type == KVP_REG_SZ);
		if (req->body.set.value_type != KVP_REG_SZ)
			ASSERT(!strcmp((const char *)m->body.set.value, num));
		break;
	case KVP_OP_DELETE:
		ASSERT(m->body.del.key_size == terminated(m->body.del.key, sizeof(m->body.del.key)) + 1);
		break;
	case KVP_OP_ENUMERATE:
		ASSERT(m->body.enumerate.index == req->body.enumerate.index);
		break;
	case KVP_OP_SET_IP_INFO:
		terminated(m->body.ip.ip_addr, sizeof(m->body.ip.ip_addr));
		terminated(m->body.ip.sub_net, sizeof(m->body.ip.sub_net));
		terminated(m->body.ip.gate_way, sizeof(m->body.ip.gate_way));
		terminated(m->body.ip.dns_addr, sizeof(m->body.ip.dns_addr));
		/* fall through */
	case KVP_OP_GET_IP_INFO:
		terminated(m->body.ip.adapter_id, sizeof(m->body.ip.adapter_id));
		break;
	default:
		ASSERT(!"an operation that is not relayed");
	}
out:
	free(pkt);
	free(out);
	return 0;
}
