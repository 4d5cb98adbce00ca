// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_utils' file copy host-to-daemon conversion
 * (hvlis_fcopy_to_daemon() in modules/proto/relay_msg.c): the fuzzer's
 * bytes are one host request, IC headers included, in a heap buffer of
 * exactly that length; the daemon's message goes to a heap buffer of
 * exactly FCOPY_MAX_MSG. Checked: START becomes FCOPY_START_SIZE with both
 * names NUL-terminated in their fields and the flags and size copied;
 * WRITE becomes FCOPY_DATA_SIZE, its fragment no longer than the field and
 * the packet, copied byte for byte and nothing after it; anything else is
 * the 36-byte header as sent; -EINVAL is logged; the request is not written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <hvlis/uapi/fcopy.h>
#include "relay_msg.h"

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_relay_fcopy:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u32 len = size > 0xffffu ? 0xffffu : (u32)size, op, frag, i;
	u8 *pkt = malloc(len ? len : 1), *out = calloc(1, FCOPY_MAX_MSG);
	const struct hvlis_ic_fcopy_start *st;
	const struct hvlis_ic_fcopy_data *d;
	struct fcopy_start *ms = (struct fcopy_start *)out;
	const u32 head = offsetof(struct hvlis_ic_fcopy_data, data);
	int ret;

	ASSERT(pkt && out);
	memcpy(pkt, in, len);
	hvlis_relay_last_warning[0] = 0;
	ret = hvlis_fcopy_to_daemon(pkt, len, out);
	ASSERT(!memcmp(pkt, in, len));
	if (ret < 0) {
		ASSERT(ret == -EINVAL && hvlis_relay_last_warning[0]);
		goto out;
	}
	ASSERT(len >= HVLIS_IC_BODY_OFFSET + FCOPY_HDR_SIZE);
	st = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);
	d = (const void *)(pkt + HVLIS_IC_BODY_OFFSET);
	op = st->hdr.operation;
	if (op == START_FILE_COPY) {
		ASSERT(ret == FCOPY_START_SIZE);
		ASSERT(len >= HVLIS_IC_BODY_OFFSET + sizeof(*st));
		ASSERT(ms->hdr.operation == op);
		ASSERT(memchr(ms->file_name, 0, sizeof(ms->file_name)) != NULL);
		ASSERT(memchr(ms->path_name, 0, sizeof(ms->path_name)) != NULL);
		ASSERT(ms->copy_flags == st->copy_flags && ms->file_size == st->file_size);
	} else if (op == WRITE_TO_FILE) {
		ASSERT(ret == FCOPY_DATA_SIZE);
		frag = d->size;
		ASSERT(frag <= HVLIS_IC_FCOPY_FRAGMENT && head + frag <= len - HVLIS_IC_BODY_OFFSET);
		ASSERT(!memcmp(out, d, head + frag));
		for (i = head + frag; i < FCOPY_DATA_SIZE; i++)
			ASSERT(out[i] == 0);
	} else {
		ASSERT(ret == FCOPY_HDR_SIZE);
		ASSERT(!memcmp(out, st, FCOPY_HDR_SIZE));
	}
out:
	free(pkt);
	free(out);
	return 0;
}
