// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_utils' handling of IC packets from the host
 * (modules/proto/ic_msg.c): the fuzzer's bytes are one packet's payload
 * in a heap buffer of exactly that length. hvlis_ic_check() and, for
 * NEGOTIATE, hvlis_ic_negotiate() with the guest lists of the time sync
 * service run on it; the answer is checked against the protocol's rules,
 * restated here: an agreed version is one the guest offers and one the
 * host listed in the right list, the newest such, and the answer lists
 * exactly it.
 */
#include "ic_msg.h"

#include <stdio.h>
#include <stdlib.h>

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_ic:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

static const u32 fw[] = { HVLIS_IC_VER(3, 0), HVLIS_IC_VER(1, 0) };
static const u32 msg[] = { HVLIS_IC_VER(4, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(1, 0) };

/* Index in @ours (newest first) of the newest version that @list holds; -1: none. */
static int newest(const u8 *list, u32 n, const u32 *ours, int nours)
{
	int i;
	u32 j;

	for (i = 0; i < nours; i++)
		for (j = 0; j < n; j++)
			if ((u32)(list[4 * j] | list[4 * j + 1] << 8) == HVLIS_IC_VER_MAJOR(ours[i]) &&
			    (u32)(list[4 * j + 2] | list[4 * j + 3] << 8) == HVLIS_IC_VER_MINOR(ours[i]))
				return i;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u32 len = size > 0xffffu ? 0xffffu : (u32)size;
	struct hvlis_ic_choice c;
	u8 *pkt = malloc(len ? len : 1), *orig = malloc(len ? len : 1);
	u32 nfw, nmsg;
	int ret, want_fw, want_msg;

	ASSERT(pkt && orig);
	memcpy(pkt, in, len);
	memcpy(orig, in, len);
	ret = hvlis_ic_check(pkt, len);
	ASSERT(ret == (len < HVLIS_IC_BODY_OFFSET ? -EBADMSG : 0));
	ret = hvlis_ic_negotiate(pkt, len, fw, 2, msg, 3, &c);
	if (len < HVLIS_IC_BODY_OFFSET + 8) {
		ASSERT(ret == -EBADMSG);
		ASSERT(!memcmp(pkt, orig, len));	/* nothing written */
		goto out;
	}
	nfw = orig[28] | orig[29] << 8;
	nmsg = orig[30] | orig[31] << 8;
	if (36 + 4 * (nfw + nmsg) > len || 36 + 8 > len) {
		ASSERT(ret == -EBADMSG);
		ASSERT(!c.framework && !c.message);
		goto out;
	}
	want_fw = newest(orig + 36, nfw, fw, 2);
	want_msg = newest(orig + 36 + 4 * nfw, nmsg, msg, 3);
	if (want_fw < 0 || want_msg < 0) {
		ASSERT(ret == -ENOMSG);
		ASSERT(!c.framework && !c.message);
		ASSERT(pkt[28] == 0 && pkt[29] == 0 && pkt[30] == 0 && pkt[31] == 0);
		goto out;
	}
	ASSERT(ret == 0);
	ASSERT(c.framework == fw[want_fw] && c.message == msg[want_msg]);
	ASSERT(pkt[28] == 1 && pkt[29] == 0 && pkt[30] == 1 && pkt[31] == 0);
	ASSERT((u32)(pkt[36] | pkt[37] << 8) == HVLIS_IC_VER_MAJOR(c.framework));
	ASSERT((u32)(pkt[42] | pkt[43] << 8) == HVLIS_IC_VER_MINOR(c.message));
	/* Only the headers and the answer's 16 bytes may have changed. */
	ASSERT(!memcmp(pkt + 44, orig + 44, len - 44));
out:
	free(pkt);
	free(orig);
	return 0;
}
