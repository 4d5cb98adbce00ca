// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_utils' VSS host-to-daemon conversion
 * (hvlis_vss_to_daemon() in modules/proto/relay_msg.c): the fuzzer's
 * bytes are one host request, IC headers included, in a heap buffer of
 * exactly that length. Checked: FREEZE, THAW and HOT_BACKUP become a
 * VSS_MSG_SIZE message with that operation and nothing else; every other
 * operation is answered at once with success and changes nothing in the
 * request but GET_DM_INFO's flags (cleared); a short request is -EINVAL,
 * logged, and untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <hvlis/uapi/vss.h>
#include "relay_msg.h"

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_relay_vss:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static const u8 zero[VSS_MSG_SIZE];
	u32 len = size > 0xffffu ? 0xffffu : (u32)size, status = 0x5a5a5a5au;
	u8 *pkt = malloc(len ? len : 1), *out = calloc(1, VSS_MSG_SIZE);
	const u32 flags_at = HVLIS_IC_BODY_OFFSET + 8;
	int ret;
	u8 op;

	ASSERT(pkt && out);
	memcpy(pkt, in, len);
	hvlis_relay_last_warning[0] = 0;
	ret = hvlis_vss_to_daemon(pkt, len, out, &status);
	if (len < HVLIS_IC_BODY_OFFSET + sizeof(struct hvlis_ic_vss)) {
		ASSERT(ret == -EINVAL && hvlis_relay_last_warning[0]);
		ASSERT(!memcmp(pkt, in, len) && !memcmp(out, zero, VSS_MSG_SIZE));
		goto out;
	}
	op = in[HVLIS_IC_BODY_OFFSET];
	if (op == VSS_OP_FREEZE || op == VSS_OP_THAW || op == VSS_OP_HOT_BACKUP) {
		ASSERT(ret == VSS_MSG_SIZE && out[0] == op && !memcmp(out + 1, zero, VSS_MSG_SIZE - 1));
		ASSERT(status == 0x5a5a5a5au && !memcmp(pkt, in, len));
		goto out;
	}
	ASSERT(ret == 0 && status == HVLIS_IC_S_OK && !memcmp(out, zero, VSS_MSG_SIZE));
	ASSERT(!memcmp(pkt, in, flags_at));
	ASSERT(!memcmp(pkt + flags_at + 4, in + flags_at + 4, len - flags_at - 4));
	if (op == VSS_OP_GET_DM_INFO)
		ASSERT(!memcmp(pkt + flags_at, zero, 4));
	else
		ASSERT(!memcmp(pkt + flags_at, in + flags_at, 4));
out:
	free(pkt);
	free(out);
	return 0;
}
