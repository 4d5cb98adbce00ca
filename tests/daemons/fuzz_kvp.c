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
 *   FUZZ_OP -2       a pool file's content: enumerated (every whole record,
 *                    then the end), then rewritten by a SET, which must give
 *                    exactly the expected pool file
 *
 * Pools live in a temp directory (under $HVLIS_FUZZ_TMP, else on /dev/shm
 * when there is one), helper scripts are replaced by a stub, interfaces come
 * from a fake sysfs tree.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_tmp.h"
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

/*
 * The pool-file harness spends its time in system calls and in scanning up
 * to 20 KiB of records; ASan's defaults added a quarter to that: the
 * 0xbe fill of each fresh copy of the input (which libFuzzer overwrites
 * with the input at once, so the fill shows nothing) and a 256 MiB
 * quarantine that makes every copy a fresh page fault. The code under test
 * allocates nothing on this path, so a 16 MiB quarantine (still hundreds
 * of inputs) loses no use-after-free it could catch. ASAN_OPTIONS from the
 * environment still apply on top of these.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return FUZZ_OP == -2 ? "max_malloc_fill_size=0:quarantine_size_mb=16" : "";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[400];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/hvlis-fuzz-kvp.XXXXXX",
		 fuzz_tmp_parent(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"));
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

/* A field of an answer: NUL-terminated within max, UTF-8, size = length + 1. */
static void check_answer_field(const uint8_t *field, size_t max, uint32_t size)
{
	const char *s = (const char *)field;

	if (!memchr(field, 0, max) || !hvd_utf8_valid(s, strlen(s)) ||
	    size != strlen(s) + 1)
		abort();
}

/*
 * After SET k=v the pool must be exactly what the input's whole records
 * become: each field's last byte zeroed (a foreign writer's record without
 * its NULs gets them), the first record whose key is "k" replaced by k=v,
 * or k=v appended when there is none; a trailing partial record dropped.
 */
static void check_pool_rewritten(const uint8_t *data, size_t nrec)
{
	static unsigned char want[9 * KVP_RECORD_SIZE], got[64 * KVP_RECORD_SIZE];
	unsigned char *rec;
	bool found = false;
	size_t i, n;
	ssize_t r;
	int fd;

	memcpy(want, data, nrec * KVP_RECORD_SIZE);
	for (i = 0; i < nrec; i++) {
		rec = want + i * KVP_RECORD_SIZE;
		if (!found && strnlen((char *)rec, KVP_MAX_KEY_SIZE) == 1 && rec[0] == 'k') {
			found = true;
			memset(rec, 0, KVP_RECORD_SIZE);
			memcpy(rec, "k", 2);
			memcpy(rec + KVP_MAX_KEY_SIZE, "v", 2);
		}
		rec[KVP_MAX_KEY_SIZE - 1] = 0;
		rec[KVP_RECORD_SIZE - 1] = 0;
	}
	n = nrec;
	if (!found) {
		rec = want + n++ * KVP_RECORD_SIZE;
		memset(rec, 0, KVP_RECORD_SIZE);
		memcpy(rec, "k", 2);
		memcpy(rec + KVP_MAX_KEY_SIZE, "v", 2);
	}
	fd = open(pool1, O_RDONLY);
	if (fd < 0)
		abort();
	r = read(fd, got, sizeof(got));
	close(fd);
	if (r != (ssize_t)(n * KVP_RECORD_SIZE) || memcmp(got, want, (size_t)r))
		abort();
}

/*
 * The input is a pool file of at most 8 records. ENUMERATE from index 0
 * must answer exactly its whole records, each key and value NUL-terminated,
 * UTF-8 and sized, then HV_S_CONT at the index just past them (every index
 * after that takes the same path, so the enumeration stops there); then a
 * SET must rewrite it into a valid pool (check_pool_rewritten).
 */
static void fuzz_pool_file(const uint8_t *data, size_t size)
{
	static struct kvp_msg m;
	int fd = open(pool1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t nrec;
	uint32_t i;

	if (size > 8 * KVP_RECORD_SIZE)
		size = 8 * KVP_RECORD_SIZE;
	nrec = size / KVP_RECORD_SIZE;
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	for (i = 0;; i++) {
		memset(&m, 0, sizeof(m));
		m.hdr.operation = KVP_OP_ENUMERATE;
		m.hdr.pool = 1;
		m.body.enumerate.index = i;
		kvp_handle(&ctx, &m, KVP_MSG_SIZE);
		if (m.error != HV_S_OK)
			break;
		if (i >= nrec)
			abort();
		check_answer_field(m.body.enumerate.data.key, KVP_MAX_KEY_SIZE,
				   m.body.enumerate.data.key_size);
		check_answer_field(m.body.enumerate.data.value, KVP_MAX_VALUE_SIZE,
				   m.body.enumerate.data.value_size);
	}
	if (i != nrec || m.error != HV_S_CONT)
		abort();
	memset(&m, 0, sizeof(m));
	m.hdr.operation = KVP_OP_SET;
	m.hdr.pool = 1;
	memcpy(m.body.set.key, "k", 2);
	m.body.set.key_size = 2;
	memcpy(m.body.set.value, "v", 2);
	m.body.set.value_size = 2;
	kvp_handle(&ctx, &m, KVP_MSG_SIZE);
	if (m.error != HV_S_OK)
		abort();
	check_pool_rewritten(data, nrec);
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
