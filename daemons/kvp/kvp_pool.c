// SPDX-License-Identifier: GPL-2.0-only
/*
 * The five KVP pools, kept in the in-box daemon's file format so existing
 * files keep working: <pool dir>/.kvp_pool_<n> is an array of records of
 * KVP_MAX_KEY_SIZE key bytes then KVP_MAX_VALUE_SIZE value bytes, each a
 * NUL-terminated UTF-8 string (see hvlis/uapi/kvp.h for the sources).
 *
 * Every change is written to <pool>.tmp in the same directory, fsync'ed,
 * renamed over the pool and the directory fsync'ed before the host gets
 * its answer: a crash or power cut at any instant leaves either the old or
 * the new pool, never a mix, and an acknowledged SET survives.
 *
 * Locking: flock(2) on the pool file (what cloud-init's KVP writer uses),
 * plus a POSIX record lock (what the in-box daemon uses). Because a change
 * replaces the file, a locker checks after locking that the path still
 * names the file it locked, and starts again if not. A writer that appends
 * to the pool in place without that check (cloud-init does so on the guest
 * pool, 1, which the host never writes) can lose its record if it races
 * with a change to that same pool.
 *
 * Reading is tolerant: a trailing partial record is ignored, a field
 * without its NUL is cut, bytes that are not UTF-8 are answered as '?'. A
 * rewrite drops the partial record and terminates such fields, so every
 * file this daemon writes is valid.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvp.h"

#define CHUNK_RECORDS 8

struct pool_file {
	int fd;
	unsigned int pool;
	char name[32];
	char tmp[40];
	off_t size;
};

static void pool_names(struct pool_file *pf, unsigned int pool)
{
	pf->pool = pool;
	snprintf(pf->name, sizeof(pf->name), KVP_POOL_PREFIX "%u", pool);
	snprintf(pf->tmp, sizeof(pf->tmp), KVP_POOL_PREFIX "%u.tmp", pool);
}

static int lock_fd(int fd, bool excl)
{
	struct flock fl = { .l_type = excl ? F_WRLCK : F_RDLCK,
			    .l_whence = SEEK_SET };

	while (flock(fd, excl ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return -1;
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Opens (creating it if missing) and locks the current pool file. */
static int pool_lock(struct kvp_ctx *ctx, unsigned int pool, bool excl,
		     struct pool_file *pf)
{
	struct stat fst, pst;
	int tries;

	pool_names(pf, pool);
	for (tries = 0; tries < 1000; tries++) {
		pf->fd = openat(ctx->pool_dirfd, pf->name,
				O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (pf->fd < 0)
			break;
		if (lock_fd(pf->fd, excl) < 0 || fstat(pf->fd, &fst) < 0) {
			close(pf->fd);
			break;
		}
		if (fstatat(ctx->pool_dirfd, pf->name, &pst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    pst.st_ino == fst.st_ino && pst.st_dev == fst.st_dev) {
			pf->size = fst.st_size;
			return 0;
		}
		close(pf->fd);	/* replaced while we waited: lock the new one */
	}
	hvd_log(ctx->log, LOG_ERR, "pool %u: cannot open and lock %s/%s: %s",
		pool, ctx->pool_dir, pf->name, strerror(errno));
	pf->fd = -1;
	return -1;
}

static void pool_unlock(struct pool_file *pf)
{
	if (pf->fd >= 0)
		close(pf->fd);	/* drops both locks */
	pf->fd = -1;
}

static size_t pool_records(struct kvp_ctx *ctx, const struct pool_file *pf)
{
	if (pf->size % KVP_RECORD_SIZE)
		hvd_log(ctx->log, LOG_WARNING,
			"pool %u: %s is %lld bytes, not a whole number of %d-byte records; ignoring the last %lld bytes",
			pf->pool, pf->name, (long long)pf->size, KVP_RECORD_SIZE,
			(long long)(pf->size % KVP_RECORD_SIZE));
	return (size_t)(pf->size / KVP_RECORD_SIZE);
}

/* Reads records [first, first + n) into buf; returns how many it got. */
static size_t read_records(int fd, size_t first, size_t n, unsigned char *buf)
{
	size_t want = n * KVP_RECORD_SIZE, got = 0;
	off_t off = (off_t)first * KVP_RECORD_SIZE;
	ssize_t r;

	while (got < want) {
		r = pread(fd, buf + got, want - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got / KVP_RECORD_SIZE;
}

static bool record_key_is(const unsigned char *rec, const char *key,
			  size_t key_len)
{
	return strnlen((const char *)rec, KVP_MAX_KEY_SIZE) == key_len &&
	       memcmp(rec, key, key_len) == 0;
}

static void record_answer(const unsigned char *rec, char *key, char *value)
{
	if (key)
		hvd_utf8_sanitize(key, KVP_MAX_KEY_SIZE, rec, KVP_MAX_KEY_SIZE);
	if (value)
		hvd_utf8_sanitize(value, KVP_MAX_VALUE_SIZE,
				  rec + KVP_MAX_KEY_SIZE, KVP_MAX_VALUE_SIZE);
}

static bool pool_ok(struct kvp_ctx *ctx, unsigned int pool, const char *op)
{
	if (pool < KVP_POOL_COUNT)
		return true;
	hvd_log(ctx->log, LOG_WARNING, "%s: pool %u does not exist (0-%d)", op,
		pool, KVP_POOL_COUNT - 1);
	return false;
}

uint32_t kvp_pool_get(struct kvp_ctx *ctx, unsigned int pool, const char *key,
		      size_t key_len, char value[KVP_MAX_VALUE_SIZE])
{
	char e[HVD_ESC_SIZE];
	unsigned char buf[CHUNK_RECORDS * KVP_RECORD_SIZE];
	struct pool_file pf;
	size_t nrec, i, n, j;

	if (!pool_ok(ctx, pool, "GET") || pool_lock(ctx, pool, false, &pf) < 0)
		return HV_S_CONT;
	nrec = pool_records(ctx, &pf);
	for (i = 0; i < nrec; i += n) {
		n = read_records(pf.fd, i, nrec - i < CHUNK_RECORDS ? nrec - i : CHUNK_RECORDS, buf);
		if (n == 0)
			break;
		for (j = 0; j < n; j++) {
			if (record_key_is(buf + j * KVP_RECORD_SIZE, key, key_len)) {
				record_answer(buf + j * KVP_RECORD_SIZE, NULL, value);
				pool_unlock(&pf);
				return HV_S_OK;
			}
		}
	}
	pool_unlock(&pf);
	hvd_log(ctx->log, LOG_DEBUG, "GET: pool %u has no key '%s'", pool,
		hvd_esc(e, sizeof(e), key));
	return HV_S_CONT;
}

uint32_t kvp_pool_enumerate(struct kvp_ctx *ctx, unsigned int pool,
			    uint32_t index, char key[KVP_MAX_KEY_SIZE],
			    char value[KVP_MAX_VALUE_SIZE])
{
	unsigned char rec[KVP_RECORD_SIZE];
	struct pool_file pf;
	size_t got = 0;

	if (!pool_ok(ctx, pool, "ENUMERATE") || pool_lock(ctx, pool, false, &pf) < 0)
		return HV_S_CONT;
	if (index < pool_records(ctx, &pf))
		got = read_records(pf.fd, index, 1, rec);
	pool_unlock(&pf);
	if (got != 1)
		return HV_S_CONT;	/* past the end: the host stops here */
	record_answer(rec, key, value);
	return HV_S_OK;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void record_fill(unsigned char *rec, const char *key, size_t key_len,
			const char *value, size_t value_len)
{
	memset(rec, 0, KVP_RECORD_SIZE);
	memcpy(rec, key, key_len);
	memcpy(rec + KVP_MAX_KEY_SIZE, value, value_len);
}

/* A record of a foreign writer without its NULs gets them. */
static void record_repair(unsigned char *rec)
{
	rec[KVP_MAX_KEY_SIZE - 1] = 0;
	rec[KVP_RECORD_SIZE - 1] = 0;
}

/* What a rewrite does with the record whose key matches. */
struct rewrite {
	const char *key;
	size_t key_len;
	const char *value;	/* NULL: delete it */
	size_t value_len;
	bool found;
};

/* Copies the pool into the temp file, applying the change. 0 or -1. */
static int copy_with_change(struct kvp_ctx *ctx, struct pool_file *pf,
			    int tfd, struct rewrite *rw)
{
	char e[HVD_ESC_SIZE];
	unsigned char buf[CHUNK_RECORDS * KVP_RECORD_SIZE];
	size_t nrec = pool_records(ctx, pf), i, n, j, out;
	unsigned char *rec;

	for (i = 0; i < nrec; i += n) {
		n = read_records(pf->fd, i, nrec - i < CHUNK_RECORDS ? nrec - i : CHUNK_RECORDS, buf);
		if (n == 0)
			return -1;
		out = 0;
		for (j = 0; j < n; j++) {
			rec = buf + j * KVP_RECORD_SIZE;
			if (!rw->found && record_key_is(rec, rw->key, rw->key_len)) {
				rw->found = true;
				if (!rw->value)
					continue;
				record_fill(rec, rw->key, rw->key_len, rw->value, rw->value_len);
			}
			record_repair(rec);
			if (out != j)
				memcpy(buf + out * KVP_RECORD_SIZE, rec, KVP_RECORD_SIZE);
			out++;
		}
		if (write_all(tfd, buf, out * KVP_RECORD_SIZE) < 0)
			return -1;
	}
	if (rw->value && !rw->found) {
		if (nrec >= ctx->max_records) {
			hvd_log(ctx->log, LOG_WARNING,
				"SET: pool %u is full (%u records); not adding '%s'",
				pf->pool, ctx->max_records, hvd_esc(e, sizeof(e), rw->key));
			errno = ENOSPC;
			return -1;
		}
		record_fill(buf, rw->key, rw->key_len, rw->value, rw->value_len);
		if (write_all(tfd, buf, KVP_RECORD_SIZE) < 0)
			return -1;
	}
	return 0;
}

/* Writes the changed pool to <pool>.tmp and renames it over the pool. */
static uint32_t pool_rewrite(struct kvp_ctx *ctx, struct pool_file *pf,
			     struct rewrite *rw, const char *op)
{
	char e[HVD_ESC_SIZE];
	int tfd, err;

	tfd = openat(ctx->pool_dirfd, pf->tmp,
		     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (tfd < 0) {
		hvd_log(ctx->log, LOG_ERR, "%s: pool %u: cannot create %s: %s",
			op, pf->pool, pf->tmp, strerror(errno));
		return HV_S_CONT;
	}
	if (copy_with_change(ctx, pf, tfd, rw) < 0 || (!rw->found && !rw->value))
		goto fail;
	if (fchmod(tfd, 0644) < 0 || fsync(tfd) < 0)
		goto fail;
	if (close(tfd) < 0) {
		tfd = -1;
		goto fail;
	}
	tfd = -1;
	if (renameat(ctx->pool_dirfd, pf->tmp, ctx->pool_dirfd, pf->name) < 0)
		goto fail;
	if (fsync(ctx->pool_dirfd) < 0)
		hvd_log(ctx->log, LOG_WARNING, "%s: pool %u: fsync of %s: %s", op,
			pf->pool, ctx->pool_dir, strerror(errno));
	return HV_S_OK;
fail:
	err = errno;
	if (tfd >= 0)
		close(tfd);
	unlinkat(ctx->pool_dirfd, pf->tmp, 0);
	if (!rw->found && !rw->value) {
		hvd_log(ctx->log, LOG_DEBUG, "DELETE: pool %u has no key '%s'",
			pf->pool, hvd_esc(e, sizeof(e), rw->key));
	} else if (err != ENOSPC || rw->found) {
		hvd_log(ctx->log, LOG_ERR, "%s: pool %u: writing %s/%s failed: %s",
			op, pf->pool, ctx->pool_dir, pf->name, strerror(err));
	}
	return HV_S_CONT;
}

uint32_t kvp_pool_set(struct kvp_ctx *ctx, unsigned int pool, const char *key,
		      size_t key_len, const char *value, size_t value_len)
{
	struct rewrite rw = { .key = key, .key_len = key_len,
			      .value = value, .value_len = value_len };
	struct pool_file pf;
	uint32_t st;

	if (!pool_ok(ctx, pool, "SET") || pool_lock(ctx, pool, true, &pf) < 0)
		return HV_S_CONT;
	st = pool_rewrite(ctx, &pf, &rw, "SET");
	pool_unlock(&pf);
	return st;
}

uint32_t kvp_pool_delete(struct kvp_ctx *ctx, unsigned int pool,
			 const char *key, size_t key_len)
{
	struct rewrite rw = { .key = key, .key_len = key_len };
	struct pool_file pf;
	uint32_t st;

	if (!pool_ok(ctx, pool, "DELETE") || pool_lock(ctx, pool, true, &pf) < 0)
		return HV_S_CONT;
	st = pool_rewrite(ctx, &pf, &rw, "DELETE");
	pool_unlock(&pf);
	return st;
}

int kvp_pool_init(struct kvp_ctx *ctx)
{
	struct pool_file pf;
	unsigned int i;

	if (mkdir(ctx->pool_dir, 0755) < 0 && errno != EEXIST) {
		hvd_log(ctx->log, LOG_ERR, "cannot create %s: %s", ctx->pool_dir,
			strerror(errno));
		return -1;
	}
	ctx->pool_dirfd = open(ctx->pool_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx->pool_dirfd < 0) {
		hvd_log(ctx->log, LOG_ERR, "cannot open %s: %s", ctx->pool_dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < KVP_POOL_COUNT; i++) {
		if (pool_lock(ctx, i, true, &pf) < 0)
			return -1;
		/* a temp file left by a crash is only a half-done change */
		unlinkat(ctx->pool_dirfd, pf.tmp, 0);
		pool_records(ctx, &pf);
		pool_unlock(&pf);
	}
	return 0;
}

void kvp_pool_fini(struct kvp_ctx *ctx)
{
	if (ctx->pool_dirfd >= 0)
		close(ctx->pool_dirfd);
	ctx->pool_dirfd = -1;
}
