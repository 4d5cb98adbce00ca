// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_fcopy_daemon's message handler: any bytes of any
 * length, as read from the device, go through fcopy_handle(). The handler
 * keeps its state from one input to the next, so sequences (START, WRITEs,
 * COMPLETE) happen too. Every path from the "host" is put under a private
 * temporary directory (the context's root), so nothing outside it is ever
 * written; write offsets are bounded there by the file system (sparse
 * files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "fcopy.h"

static struct hvd_log quiet = { .ident = "fuzz", .to_stderr = true, .max_prio = -1 };
static struct fcopy_ctx ctx;
static char root[256];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "%s/hvlis-fuzz-fcopy.%d",
		 fuzz_tmp_parent("/tmp"), (int)getpid());
	if (mkdir(root, 0700) < 0)
		abort();
	fcopy_init(&ctx, &quiet, root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[FCOPY_MAX_MSG + 1];
	size_t len = size < sizeof(buf) ? size : sizeof(buf);
	uint32_t st;

	memcpy(buf, data, len);
	st = fcopy_handle(&ctx, buf, len);
	if (st != HV_S_OK && ctx.active)
		abort();	/* an error answer must drop the copy */
	if (ctx.active != (ctx.fd >= 0))
		abort();
	return 0;
}
