// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon's message handler. A copy goes into a temporary file
 * (O_EXCL, 0600) next to its target; COMPLETE makes it 0644, fsyncs it and
 * renames it over the target, so the file appears only whole. CANCEL, any
 * error, and the daemon stopping unlink the temporary file: a copy that
 * does not complete leaves nothing behind.
 *
 * Every message is answered with a status: HV_S_OK, or an error for a
 * refused or failed one (short, oversized and unknown messages included).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcopy.h"

void fcopy_init(struct fcopy_ctx *ctx, const struct hvd_log *log, const char *root)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->log = log;
	ctx->root = root ? root : "";
	ctx->fd = -1;
}

void fcopy_abort(struct fcopy_ctx *ctx, const char *why)
{
	if (!ctx->active)
		return;
	if (ctx->fd >= 0)
		close(ctx->fd);
	ctx->fd = -1;
	if (unlink(ctx->tmp) < 0 && errno != ENOENT)
		hvd_log(ctx->log, LOG_WARNING, "cannot remove %s: %s", ctx->tmp, strerror(errno));
	hvd_log(ctx->log, LOG_INFO, "copy to %s dropped: %s", ctx->target, why);
	ctx->active = false;
}

/*
 * A name field from the kernel: UTF-8 (the kernel converted the host's
 * UTF-16), NUL-terminated within the field, well-formed. Copied to dst.
 */
int fcopy_field_name(char *dst, size_t dst_size, const unsigned char *field, size_t size)
{
	size_t i, len, k;

	for (len = 0; len < size && field[len]; len++)
		;
	if (len == size || len >= dst_size)
		return -1;
	for (i = 0; i < len; i += k) {
		unsigned char c = field[i];
		uint32_t cp;
		size_t j;

		if (c < 0x80) {
			k = 1;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 2;
		else if (c >= 0xe0 && c <= 0xef)
			k = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 4;
		else
			return -1;
		if (i + k > len)
			return -1;
		cp = c & (0x7f >> k);
		for (j = 1; j < k; j++) {
			if ((field[i + j] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (field[i + j] & 0x3f);
		}
		if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
	}
	memcpy(dst, field, len + 1);
	return (int)len;
}

/* No control characters (they have no place in a Windows name either). */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool name_ok(const char *s)
{
	return s[0] && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') && printable(s);
}

/* Absolute, without ".." components. */
static bool path_ok(const char *s)
{
	const char *p = s;

	if (s[0] != '/' || !printable(s))
		return false;
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
	}
	return true;
}

/* mkdir -p dir (an absolute path), each new directory 0755. */
static int make_dirs(char *dir)
{
	char *p = dir + 1;
	struct stat st;

	for (;;) {
		char c;

		p += strcspn(p, "/");
		c = *p;
		*p = '\0';
		if (mkdir(dir, FCOPY_DIR_MODE) < 0 && errno != EEXIST) {
			*p = c;
			return -1;
		}
		*p = c;
		if (!c)
			break;
		p++;
	}
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static uint32_t errno_status(int err)
{
	return err == ENOSPC || err == EDQUOT ? HV_ERROR_DISK_FULL : HV_E_FAIL;
}

static uint32_t do_start(struct fcopy_ctx *ctx, const struct fcopy_start *m)
{
	char name[W_MAX_PATH * 2], path[W_MAX_PATH * 2];
	bool create, overwrite;
	struct stat st;
	uint32_t flags;
	int i, fd = -1, err = 0;

	fcopy_abort(ctx, "a new START_FILE_COPY");
	memcpy(&flags, &m->copy_flags, sizeof(flags));
	create = flags & CREATE_PATH;
	overwrite = flags & OVER_WRITE;
	if (fcopy_field_name(name, sizeof(name), (const unsigned char *)m->file_name,
			     sizeof(m->file_name)) < 0 ||
	    fcopy_field_name(path, sizeof(path), (const unsigned char *)m->path_name,
			     sizeof(m->path_name)) < 0) {
		hvd_log(ctx->log, LOG_WARNING,
			"START_FILE_COPY: a name is not NUL-terminated UTF-8");
		return HV_E_FAIL;
	}
	if (!name_ok(name) || !path_ok(path)) {
		hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: refused file '%s' in '%s'",
			name, path);
		return HV_E_FAIL;
	}
	if ((size_t)snprintf(ctx->dir, sizeof(ctx->dir), "%s%s", ctx->root, path) >= sizeof(ctx->dir) ||
	    (size_t)snprintf(ctx->target, sizeof(ctx->target), "%s/%s", ctx->dir, name) >=
		    sizeof(ctx->target)) {
		hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: the path is too long");
		return HV_E_FAIL;
	}
	if (stat(ctx->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (!create) {
			hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: no directory %s", ctx->dir);
			return HV_ERROR_PATH_NOT_FOUND;
		}
		if (make_dirs(ctx->dir) < 0) {
			err = errno;
			hvd_log(ctx->log, LOG_WARNING, "cannot create %s: %s", ctx->dir, strerror(err));
			return err == ENOSPC ? HV_ERROR_DISK_FULL : HV_ERROR_PATH_NOT_FOUND;
		}
	}
	if (lstat(ctx->target, &st) == 0) {
		if (!overwrite) {
			hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: %s exists", ctx->target);
			return HV_ERROR_ALREADY_EXISTS;
		}
		if (S_ISDIR(st.st_mode)) {
			hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: %s is a directory", ctx->target);
			return HV_E_FAIL;
		}
	}
	for (i = 0; i < 100 && fd < 0; i++) {
		if ((size_t)snprintf(ctx->tmp, sizeof(ctx->tmp), "%s/.hv_fcopy.%d.%u", ctx->dir,
				     (int)getpid(), ctx->serial++) >= sizeof(ctx->tmp))
			return HV_E_FAIL;
		fd = open(ctx->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		err = errno;
		if (fd < 0 && err != EEXIST)
			break;
	}
	if (fd < 0) {
		hvd_log(ctx->log, LOG_WARNING, "cannot create %s: %s", ctx->tmp, strerror(err));
		return errno_status(err);
	}
	memcpy(&ctx->file_size, &m->file_size, sizeof(ctx->file_size));
	ctx->fd = fd;
	ctx->active = true;
	ctx->overwrite = overwrite;
	ctx->written = 0;
	hvd_log(ctx->log, LOG_INFO, "copying %llu bytes to %s",
		(unsigned long long)ctx->file_size, ctx->target);
	return HV_S_OK;
}

static uint32_t fail(struct fcopy_ctx *ctx, uint32_t st, const char *why)
{
	hvd_log(ctx->log, LOG_WARNING, "%s", why);
	fcopy_abort(ctx, why);
	return st;
}

static uint32_t do_write(struct fcopy_ctx *ctx, const struct fcopy_data *m)
{
	uint64_t offset;
	uint32_t size;
	size_t done = 0;

	if (!ctx->active)
		return fail(ctx, HV_E_FAIL, "WRITE_TO_FILE without a copy under way");
	memcpy(&offset, &m->offset, sizeof(offset));
	memcpy(&size, &m->size, sizeof(size));
	if (size > DATA_FRAGMENT || offset > (uint64_t)INT64_MAX - DATA_FRAGMENT)
		return fail(ctx, HV_E_FAIL, "WRITE_TO_FILE: bad offset or size");
	while (done < size) {
		ssize_t n = pwrite(ctx->fd, m->data + done, size - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			hvd_log(ctx->log, LOG_WARNING, "writing %s: %s", ctx->tmp, strerror(err));
			return fail(ctx, errno_status(err), "a write failed");
		}
		done += (size_t)n;
	}
	ctx->written += size;
	return HV_S_OK;
}

static uint32_t do_complete(struct fcopy_ctx *ctx)
{
	int err = 0, dfd;

	if (!ctx->active)
		return fail(ctx, HV_E_FAIL, "COMPLETE_FCOPY without a copy under way");
	if (fchmod(ctx->fd, FCOPY_FILE_MODE) < 0 || fsync(ctx->fd) < 0)
		err = errno;
	if (close(ctx->fd) < 0 && !err)
		err = errno;
	ctx->fd = -1;
	if (!err && ctx->overwrite && rename(ctx->tmp, ctx->target) < 0)
		err = errno;
	if (!err && !ctx->overwrite &&
	    renameat2(AT_FDCWD, ctx->tmp, AT_FDCWD, ctx->target, RENAME_NOREPLACE) < 0) {
		err = errno;
		/* a file system without RENAME_NOREPLACE: link() does not replace either */
		if (err == EINVAL && link(ctx->tmp, ctx->target) == 0) {
			unlink(ctx->tmp);
			err = 0;
		} else if (err == EINVAL) {
			err = errno;
		}
	}
	if (err) {
		hvd_log(ctx->log, LOG_WARNING, "completing %s: %s", ctx->target, strerror(err));
		return fail(ctx, err == EEXIST ? HV_ERROR_ALREADY_EXISTS : errno_status(err),
			    "COMPLETE_FCOPY failed");
	}
	dfd = open(ctx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ctx->active = false;
	hvd_log(ctx->log, LOG_INFO, "copied %s (%llu bytes written)", ctx->target,
		(unsigned long long)ctx->written);
	return HV_S_OK;
}

uint32_t fcopy_handle(struct fcopy_ctx *ctx, const void *buf, size_t len)
{
	uint32_t op;

	if (len < FCOPY_HDR_SIZE) {
		hvd_log(ctx->log, LOG_WARNING, "a message of %zu bytes is too short", len);
		return fail(ctx, HV_E_FAIL, "a short message");
	}
	if (len > FCOPY_MAX_MSG) {
		hvd_log(ctx->log, LOG_WARNING, "a message of more than %d bytes", FCOPY_MAX_MSG);
		return fail(ctx, HV_E_FAIL, "an oversized message");
	}
	memcpy(&op, buf, sizeof(op));
	switch (op) {
	case START_FILE_COPY:
		if (len != FCOPY_START_SIZE)
			break;
		return do_start(ctx, buf);
	case WRITE_TO_FILE:
		if (len != FCOPY_DATA_SIZE)
			break;
		return do_write(ctx, buf);
	case COMPLETE_FCOPY:
		return do_complete(ctx);
	case CANCEL_FCOPY:
		fcopy_abort(ctx, "CANCEL_FCOPY from the host");
		return HV_S_OK;
	default:
		hvd_log(ctx->log, LOG_WARNING, "operation %u is not supported", op);
		return fail(ctx, HV_ERROR_NOT_SUPPORTED, "an unknown operation");
	}
	hvd_log(ctx->log, LOG_WARNING, "operation %u in a message of %zu bytes", op, len);
	return fail(ctx, HV_E_FAIL, "a message of the wrong size");
}
