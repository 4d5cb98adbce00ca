// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_kvp_daemon's message handlers, built once per
 * handler with -DFUZZ_OP=<op>: the input becomes the body of a message of
 * that operation (the pool number comes from the input too, valid or not)
 * and goes through kvp_handle() exactly as the daemon calls it.
 *
 *   FUZZ_OP 0..5     GET, SET, DELETE, ENUMERATE, GET_IP_INFO, SET_IP_INFO
 *   FUZZ_OP 100      the kernel's registration answer
 *   FUZZ_OP -1       any bytes of any length, as read from the device
 *   FUZZ_OP -2       a pool file's content: enumerated, searched, rewritten;
 *                    the rewrite must be a valid pool file
 *
 * Pools live in a temp directory (on /dev/shm when there is one), helper
 * scripts are replaced by a stub, interfaces come from a fake sysfs tree.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvp.h"

#ifndef FUZZ_OP
#error "build with -DFUZZ_OP=<operation>"
#endif

static struct hvd_log quiet = { .ident = "fuzz", .to_stderr = true, .max_prio = -1 };
static struct kvp_ctx ctx;
static char dir[256], sysfs[300], pool1[300];

static int stub_run(struct kvp_ctx *c, char *const argv[], char *out,
		    size_t out_size, struct hvd_run_result *res)
{
	(void)c;
	(void)argv;
	memset(res, 0, sizeof(*res));
	if (out && out_size) {
		snprintf(out, out_size, "192.0.2.53\nnot an address\n  2001:db8::53  \nEnabled\n");
		res->out_len = strlen(out);
	}
	return 0;
}

static void put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[400];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/hvlis-fuzz-kvp.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(sysfs, sizeof(sysfs), "%s/sysfs", dir);
	mkdir(sysfs, 0755);
	snprintf(path, sizeof(path), "%s/eth0", sysfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/eth0/device", sysfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/eth0/address", sysfs);
	put(path, "00:15:5d:00:00:01\n");
	snprintf(path, sizeof(path), "%s/eth0/device/device_id", sysfs);
	put(path, "{f5bee29c-1741-4aad-a4c2-8fdedb46dcc2}\n");
	snprintf(path, sizeof(path), "%s/lo", sysfs);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lo/address", sysfs);
	put(path, "00:00:00:00:00:00\n");

	ctx.log = &quiet;
	ctx.pool_dir = dir;
	ctx.pool_dirfd = -1;
	ctx.sysfs_net = sysfs;
	ctx.proc_net = "/proc/net";
	ctx.scripts_dir = "/nonexistent";
	ctx.os_release = "/etc/os-release";
	ctx.release_file = "/etc/redhat-release";
	ctx.max_records = 32;
	ctx.lock_timeout_ms = 100;
	ctx.script_timeout_ms = 1000;
	ctx.run = stub_run;
	if (kvp_pool_init(&ctx) < 0)
		abort();
	kvp_os_load(&ctx);
	snprintf(pool1, sizeof(pool1), "%s/" KVP_POOL_PREFIX "1", dir);
	return 0;
}

/* Every record of a pool this daemon wrote is whole and terminated. */
static void check_pool_valid(void)
{
	static unsigned char buf[64 * KVP_RECORD_SIZE];
	int fd = open(pool1, O_RDONLY);
	ssize_t n, off;

	if (fd < 0)
		abort();
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n % KVP_RECORD_SIZE)
		abort();
	for (off = 0; off < n; off += KVP_RECORD_SIZE)
		if (!memchr(buf + off, 0, KVP_MAX_KEY_SIZE) ||
		    !memchr(buf + off + KVP_MAX_KEY_SIZE, 0, KVP_MAX_VALUE_SIZE))
			abort();
}

static void fuzz_pool_file(const uint8_t *data, size_t size)
{
	static struct kvp_msg m;
	int fd = open(pool1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint32_t i;

	if (size > 8 * KVP_RECORD_SIZE)
		size = 8 * KVP_RECORD_SIZE;
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	for (i = 0; i < 10; i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.operation = KVP_OP_ENUMERATE;
		m.hdr.pool = 1;
		m.body.enumerate.index = i;
		kvp_handle(&ctx, &m, KVP_MSG_SIZE);
		if (m.error == HV_S_OK &&
		    (!memchr(m.body.enumerate.data.key, 0, KVP_MAX_KEY_SIZE) ||
		     !hvd_utf8_valid((char *)m.body.enumerate.data.key,
				     strlen((char *)m.body.enumerate.data.key))))
			abort();
	}
	memset(&m, 0, sizeof(m));
	m.hdr.operation = KVP_OP_SET;
	m.hdr.pool = 1;
	memcpy(m.body.set.key, "k", 2);
	m.body.set.key_size = 2;
	memcpy(m.body.set.value, "v", 2);
	m.body.set.value_size = 2;
	kvp_handle(&ctx, &m, KVP_MSG_SIZE);
	check_pool_valid();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char buf[KVP_MSG_SIZE + 64];
	struct kvp_msg *m = (struct kvp_msg *)buf;
	size_t len = KVP_MSG_SIZE;

	if (FUZZ_OP == -2) {
		fuzz_pool_file(data, size);
		return 0;
	}
	memset(buf, 0, sizeof(buf));
	if (FUZZ_OP == -1) {
		len = size < sizeof(buf) ? size : sizeof(buf);
		memcpy(buf, data, len);
	} else {
		/* byte 0: the pool; the rest: the body */
		memcpy(buf + 4, data + (size ? 1 : 0),
		       size > 1 ? (size - 1 < KVP_MSG_SIZE - 4 ? size - 1 : KVP_MSG_SIZE - 4) : 0);
		m->hdr.operation = (uint8_t)FUZZ_OP;
		m->hdr.pool = size ? (uint8_t)(data[0] % 8) : 0;
	}
	kvp_handle(&ctx, m, len);
	return 0;
}
