// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the checks applied to channel messages from the
 * host: the fuzzer's bytes are one SynIC message payload (its length is the
 * input's length), passed to hvlis_chanmsg_check and, for offers that
 * pass, to hvlis_offer_check. The message lives in a heap buffer of exactly
 * that length so any over-read is caught. Results are compared with the
 * protocol's rules, restated here.
 */
#include <hvlis/chanmsg.h>

#include <stdio.h>
#include <stdlib.h>

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_chanmsg:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

/* Host-to-guest types and their minimum lengths; 0: not sent by a host. */
static u32 host_min_len(u32 type)
{
	switch (type) {
	case 1: return 196;	/* OFFERCHANNEL */
	case 2: return 12;	/* RESCIND_CHANNELOFFER */
	case 4: return 8;	/* ALLOFFERS_DELIVERED */
	case 6: return 20;	/* OPENCHANNEL_RESULT */
	case 10: return 20;	/* GPADL_CREATED */
	case 12: return 12;	/* GPADL_TORNDOWN */
	case 15: return 16;	/* VERSION_RESPONSE */
	case 17: return 8;	/* UNLOAD_RESPONSE */
	case 24: return 16;	/* MODIFYCHANNEL_RESPONSE */
	default: return 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u32 len = size > 0xffffffffu ? 0xffffffffu : (u32)size;
	u8 *msg = malloc(size ? size : 1);
	u32 type = 0xdeadbeef, t = 0;
	int ret, expect;

	ASSERT(msg);
	if (size)
		memcpy(msg, in, size);
	ret = hvlis_chanmsg_check(msg, len, &type);

	if (len >= 4)
		memcpy(&t, in, 4);
	if (len < 8 || len > 240)
		expect = -EMSGSIZE;
	else if (!host_min_len(t))
		expect = -EPROTO;
	else if (len < host_min_len(t))
		expect = -EMSGSIZE;
	else
		expect = 0;
	ASSERT(ret == expect);
	ASSERT(memcmp(msg, in, size) == 0);	/* the check does not write */

	if (ret) {
		ASSERT(type == 0xdeadbeef);
	} else {
		ASSERT(type == t);
		ASSERT(type < HVLIS_CHANMSG_COUNT);
		if (type == HVLIS_CHANMSG_OFFERCHANNEL) {
			const struct hvlis_msg_offer_channel *m = (const void *)msg;
			u32 relid;
			u8 mon_id = in[188], mon_flags = in[189];
			int oret;

			ASSERT(len >= sizeof(*m));
			memcpy(&relid, in + 184, 4);
			oret = hvlis_offer_check(m);
			expect = relid == 0 || relid > 2047 ||
				 ((mon_flags & 1) && mon_id > 127) ? -EPROTO : 0;
			ASSERT(oret == expect);
		}
	}
	free(msg);
	return 0;
}
