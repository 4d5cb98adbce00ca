// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_vss_daemon's message handler: any bytes of any
 * length, as read from the device, go through vss_handle(). FIFREEZE and
 * FITHAW are replaced by a stub that fails now and then (driven by the
 * input), the mount table is a fixed fake one, and there is no guardian
 * process: nothing real is ever frozen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "vss.h"

static struct hvd_log quiet = { .ident = "fuzz", .to_stderr = true, .max_prio = -1 };
static struct vss_ctx ctx;
static char mounts[256];
static unsigned int fail_mask;

static int stub_fsctl(const char *dir, unsigned long cmd)
{
	static unsigned int calls;

	(void)dir;
	(void)cmd;
	calls++;
	return (fail_mask >> (calls % 8)) & 1 ? -EIO : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f;

	(void)argc;
	(void)argv;
	snprintf(mounts, sizeof(mounts), "%s/hvlis-fuzz-vss-mounts.%d",
		 fuzz_tmp_parent("/tmp"), (int)getpid());
	f = fopen(mounts, "w");
	if (!f)
		abort();
	fputs("/dev/sda1 / ext4 rw 0 0\n/dev/sda2 /home xfs rw 0 0\n"
	      "/dev/sdb1 /boot/efi vfat rw 0 0\n/dev/sdc1 /mnt/ro ext4 ro 0 0\n"
	      "proc /proc proc rw 0 0\n/dev/sda2 /srv\\040x xfs rw 0 0\n", f);
	fclose(f);
	ctx.log = &quiet;
	ctx.mounts = mounts;
	ctx.sysfs_block = "/nonexistent";
	ctx.thaw_timeout_ms = 1000;
	ctx.fsctl = stub_fsctl;
	ctx.use_guardian = false;
	ctx.guardian_fd = -1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char buf[VSS_MSG_SIZE + 1];
	size_t len = size < sizeof(buf) ? size : sizeof(buf);

	fail_mask = size > VSS_MSG_SIZE + 1 ? data[VSS_MSG_SIZE + 1] : 0;
	memcpy(buf, data, len);
	ctx.registered = size > VSS_MSG_SIZE + 2 && (data[VSS_MSG_SIZE + 2] & 1);
	vss_handle(&ctx, buf, len);
	if (size > VSS_MSG_SIZE + 3 && (data[VSS_MSG_SIZE + 3] & 1))
		vss_thaw(&ctx, "fuzz");
	return 0;
}
