// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_fcopy_daemon's message handler.
 *
 * The host is hostile and local users may be too: they may own directories
 * on the target path, plant symbolic links there and pre-create names. So:
 *
 * - START walks the target directory from the root without following any
 *   symbolic link (openat2 with RESOLVE_NO_SYMLINKS where the kernel has it,
 *   else one openat(O_NOFOLLOW | O_DIRECTORY) per component, mkdirat where
 *   CREATE_PATH asks) and keeps that directory open: everything after is
 *   relative to it, so swapping a component for a link in mid-copy changes
 *   nothing. A target that is a symbolic link (or anything but a regular
 *   file) is never replaced.
 * - The data goes into an unnamed O_TMPFILE in that directory, or where the
 *   file system cannot do that, into a new file with a random name created
 *   with O_EXCL (0600 either way): pre-created names cannot make it fail or
 *   redirect it.
 * - No write may go beyond the size announced at START.
 * - COMPLETE gives the file the owner, group, mode, ACL and extended
 *   attributes of the file it replaces (OVER_WRITE), or root's 0644 for a
 *   new one, fsyncs it and links or renames it into place, so the file
 *   appears only whole. CANCEL, any error, and the daemon stopping drop the
 *   temporary file: a copy that does not complete leaves nothing behind.
 *
 * Every message is answered with a status: HV_S_OK, or an error for a
 * refused or failed one (short, oversized and unknown messages included).
 * Host strings are escaped in every log line (hvd_esc).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/openat2.h>) && defined(SYS_openat2)
#include <linux/openat2.h>
#define FCOPY_HAVE_OPENAT2 1
#endif
#endif

#include "fcopy.h"

void fcopy_init(struct fcopy_ctx *ctx, const struct hvd_log *log, const char *root)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->log = log;
	ctx->root = root ? root : "";
	ctx->fd = -1;
	ctx->dirfd = -1;
	ctx->use_openat2 = true;
	ctx->use_tmpfile = true;
}

static void drop(struct fcopy_ctx *ctx)
{
	if (ctx->fd >= 0)
		close(ctx->fd);
	ctx->fd = -1;
	if (ctx->named_tmp && unlinkat(ctx->dirfd, ctx->tmp, 0) < 0 && errno != ENOENT)
		hvd_log(ctx->log, LOG_WARNING, "cannot remove %s in the directory of %s: %s",
			ctx->tmp, ctx->target, strerror(errno));
	ctx->named_tmp = false;
	if (ctx->dirfd >= 0)
		close(ctx->dirfd);
	ctx->dirfd = -1;
	ctx->active = false;
}

void fcopy_abort(struct fcopy_ctx *ctx, const char *why)
{
	if (!ctx->active)
		return;
	drop(ctx);
	hvd_log(ctx->log, LOG_INFO, "copy to %s dropped: %s", ctx->target, why);
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

static uint32_t errno_status(int err)
{
	return err == ENOSPC || err == EDQUOT ? HV_ERROR_DISK_FULL : HV_E_FAIL;
}

/* 16 random hex digits: getrandom, or /dev/urandom where it is missing. */
static int random_hex(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[8];
	ssize_t n = -1;
	int i, fd;

#ifdef SYS_getrandom
	n = syscall(SYS_getrandom, r, sizeof(r), 0);
#endif
	if (n != (ssize_t)sizeof(r)) {
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, r, sizeof(r)) : -1;
		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)sizeof(r))
			return -1;
	}
	for (i = 0; i < 8; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[16] = '\0';
	return 0;
}

/* A fresh random name for a temporary file, ".hv_fcopy.<16 hex digits>". */
static int random_name(char *out, size_t size)
{
	char hex[17];

	if (size < sizeof(".hv_fcopy.") + 16 || random_hex(hex) < 0)
		return -1;
	snprintf(out, size, ".hv_fcopy.%s", hex);
	return 0;
}

/*
 * Opens the directory below dirfd named by the next component of *rest
 * (advancing *rest), creating it if create, never through a symbolic link.
 */
static int walk_one(int dirfd, const char **rest, bool create)
{
	char comp[W_MAX_PATH * 2];
	const char *p = *rest;
	size_t n;
	int fd;

	while (*p == '/')
		p++;
	n = strcspn(p, "/");
	if (n >= sizeof(comp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(comp, p, n);
	comp[n] = '\0';
	*rest = p + n;
	fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dirfd, comp, FCOPY_DIR_MODE) < 0 && errno != EEXIST)
			return -1;
		fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 && errno == ENOTDIR) {
		struct stat st;

		/* O_NOFOLLOW | O_DIRECTORY on a link: ELOOP or ENOTDIR */
		if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			errno = ELOOP;
		else
			errno = ENOTDIR;
	}
	return fd;
}

/*
 * Opens the directory path (absolute, checked by path_ok) below the root,
 * following no symbolic link, creating what is missing if create. Returns
 * the fd or -1 with errno (ELOOP: a symbolic link is in the way).
 */
static int open_dir(struct fcopy_ctx *ctx, const char *path, bool create)
{
	const char *rest = path;
	int fd, next, err;

	fd = open(ctx->root[0] ? ctx->root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (*rest == '/')
		rest++;
	if (!*rest)
		return fd;
#ifdef FCOPY_HAVE_OPENAT2
	if (ctx->use_openat2) {
		struct open_how how;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
		how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
		next = (int)syscall(SYS_openat2, fd, rest, &how, sizeof(how));
		if (next >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG &&
				  errno != EINVAL && (errno != ENOENT || !create))) {
			err = errno;
			close(fd);
			errno = err;
			return next;
		}
		if (errno != ENOENT) {
			/* an old kernel, or a seccomp filter without openat2 */
			hvd_log(ctx->log, LOG_INFO, "openat2: %s; walking paths one directory at a time",
				strerror(errno));
			ctx->use_openat2 = false;
		}
		/* ENOENT with CREATE_PATH: the walk below creates what is missing */
	}
#endif
	while (*rest) {
		next = walk_one(fd, &rest, create);
		err = errno;
		close(fd);
		if (next < 0) {
			errno = err;
			return -1;
		}
		fd = next;
		while (*rest == '/')
			rest++;
	}
	return fd;
}

/* The temporary file in ctx->dirfd: O_TMPFILE, or a random name with O_EXCL. */
static int open_tmp(struct fcopy_ctx *ctx)
{
	int i, fd;

#ifdef O_TMPFILE
	if (ctx->use_tmpfile) {
		fd = openat(ctx->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
			return fd;
		/* this file system (or kernel) has no O_TMPFILE: a named file */
	}
#endif
	for (i = 0; i < 100; i++) {
		if (random_name(ctx->tmp, sizeof(ctx->tmp)) < 0) {
			errno = EIO;
			return -1;
		}
		fd = openat(ctx->dirfd, ctx->tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			ctx->named_tmp = true;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static uint32_t do_start(struct fcopy_ctx *ctx, const struct fcopy_start *m)
{
	char name[W_MAX_PATH * 2], path[W_MAX_PATH * 2], e1[HVD_ESC_SIZE], e2[HVD_ESC_SIZE];
	char full[PATH_MAX + sizeof(name) + sizeof(path)];
	bool create, overwrite;
	struct stat st;
	uint32_t flags;
	int fd, err;

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
			hvd_esc(e1, sizeof(e1), name), hvd_esc(e2, sizeof(e2), path));
		return HV_E_FAIL;
	}
	if ((size_t)snprintf(full, sizeof(full), "%s%s%s%s", ctx->root, path,
			     path[strlen(path) - 1] == '/' ? "" : "/", name) >= sizeof(full)) {
		hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: the path is too long");
		return HV_E_FAIL;
	}
	hvd_esc(ctx->target, sizeof(ctx->target), full);
	ctx->dirfd = open_dir(ctx, path, create);
	if (ctx->dirfd < 0) {
		err = errno;
		hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: the directory of %s: %s", ctx->target,
			err == ELOOP ? "a symbolic link is on the path; refused" : strerror(err));
		if (err == ELOOP)
			return HV_E_FAIL;
		if (err == ENOSPC || err == EDQUOT)
			return HV_ERROR_DISK_FULL;
		return err == ENOENT || err == ENOTDIR ? HV_ERROR_PATH_NOT_FOUND : HV_E_FAIL;
	}
	if (fstatat(ctx->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!overwrite) {
			hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: %s exists", ctx->target);
			drop(ctx);
			return HV_ERROR_ALREADY_EXISTS;
		}
		if (!S_ISREG(st.st_mode)) {
			hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: %s is %s; not replaced",
				ctx->target, S_ISDIR(st.st_mode) ? "a directory" :
				S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
			drop(ctx);
			return HV_E_FAIL;
		}
	} else if (errno != ENOENT) {
		err = errno;
		hvd_log(ctx->log, LOG_WARNING, "START_FILE_COPY: %s: %s", ctx->target, strerror(err));
		drop(ctx);
		return HV_E_FAIL;
	}
	fd = open_tmp(ctx);
	if (fd < 0) {
		err = errno;
		hvd_log(ctx->log, LOG_WARNING, "cannot create a temporary file for %s: %s",
			ctx->target, strerror(err));
		drop(ctx);
		return errno_status(err);
	}
	memcpy(ctx->name, name, strlen(name) + 1);
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
	if (size > DATA_FRAGMENT)
		return fail(ctx, HV_E_FAIL, "WRITE_TO_FILE: bad size");
	if (offset > ctx->file_size || size > ctx->file_size - offset) {
		hvd_log(ctx->log, LOG_WARNING,
			"WRITE_TO_FILE: %u bytes at %llu, beyond the %llu announced", size,
			(unsigned long long)offset, (unsigned long long)ctx->file_size);
		return fail(ctx, HV_E_FAIL, "a write beyond the file's size");
	}
	while (done < size) {
		ssize_t n = pwrite(ctx->fd, m->data + done, size - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			hvd_log(ctx->log, LOG_WARNING, "writing %s: %s", ctx->target, strerror(err));
			return fail(ctx, errno_status(err), "a write failed");
		}
		done += (size_t)n;
	}
	ctx->written += size;
	return HV_S_OK;
}

/* Not copied: they vouch for the old content, not the new (IMA, EVM). */
static bool xattr_skipped(const char *name)
{
	return !strcmp(name, "security.ima") || !strcmp(name, "security.evm");
}

/*
 * The extended attributes of from (ACLs are system.posix_acl_*) onto to. An
 * ACL that cannot be copied fails the copy (without it the file could be
 * readable by more users than before); another attribute only warns.
 */
static int copy_xattrs(struct fcopy_ctx *ctx, int from, int to)
{
	ssize_t len = flistxattr(from, NULL, 0), i, vlen;
	char *names, *val = NULL;
	int err = 0;

	if (len < 0)
		return errno == ENOTSUP ? 0 : -1;
	if (len == 0)
		return 0;
	names = malloc((size_t)len);
	if (!names)
		return -1;
	len = flistxattr(from, names, (size_t)len);
	if (len < 0)
		err = errno;	/* ERANGE: one was added meanwhile */
	for (i = 0; i < len && !err; i += (ssize_t)strlen(names + i) + 1) {
		const char *n = names + i;
		char e[HVD_ESC_SIZE];

		if (xattr_skipped(n))
			continue;
		vlen = fgetxattr(from, n, NULL, 0);
		free(val);
		val = vlen >= 0 ? malloc((size_t)vlen + 1) : NULL;
		if (vlen < 0 || !val || (vlen = fgetxattr(from, n, val, (size_t)vlen)) < 0 ||
		    fsetxattr(to, n, val, (size_t)vlen, 0) < 0) {
			int e_n = errno ? errno : ENOMEM;

			hvd_log(ctx->log, LOG_WARNING, "%s: cannot keep the attribute %s: %s",
				ctx->target, hvd_esc(e, sizeof(e), n), strerror(e_n));
			if (!strncmp(n, "system.posix_acl_", 17))
				err = e_n;
		}
	}
	free(val);
	free(names);
	errno = err;
	return err ? -1 : 0;
}

/*
 * Owner, group, mode, ACL and attributes of the file being replaced onto
 * the temporary file; root's 0644 when there is none. 0 or -1 with errno
 * (ELOOP: the target is now a symbolic link; EISDIR: not a regular file).
 */
static int set_metadata(struct fcopy_ctx *ctx)
{
	struct stat st;
	int t, err = 0;

	if (!ctx->overwrite)
		return fchmod(ctx->fd, FCOPY_FILE_MODE);
	t = openat(ctx->dirfd, ctx->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (t < 0 && errno == ENOENT)
		return fchmod(ctx->fd, FCOPY_FILE_MODE);
	if (t < 0)
		return -1;
	if (fstat(t, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EISDIR;
	/* chown first: it clears set-user-ID; the mode comes last */
	else if (fchown(ctx->fd, st.st_uid, st.st_gid) < 0 || copy_xattrs(ctx, t, ctx->fd) < 0 ||
		 fchmod(ctx->fd, st.st_mode & 07777) < 0)
		err = errno;
	close(t);
	errno = err;
	return err ? -1 : 0;
}

/* Gives the temporary file the target's name (replacing it if overwrite). */
static int link_into_place(struct fcopy_ctx *ctx)
{
	int i;

	if (ctx->named_tmp) {
		if (ctx->overwrite)
			return renameat(ctx->dirfd, ctx->tmp, ctx->dirfd, ctx->name);
		if (renameat2(ctx->dirfd, ctx->tmp, ctx->dirfd, ctx->name, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EINVAL)
			return -1;
		/* a file system without RENAME_NOREPLACE: link() does not replace either */
		if (linkat(ctx->dirfd, ctx->tmp, ctx->dirfd, ctx->name, 0) < 0)
			return -1;
		unlinkat(ctx->dirfd, ctx->tmp, 0);
		ctx->named_tmp = false;
		return 0;
	}
	/* O_TMPFILE: link it in; to replace, under a random name first, then rename */
	if (!ctx->overwrite)
		return linkat(ctx->fd, "", ctx->dirfd, ctx->name, AT_EMPTY_PATH);
	for (i = 0; i < 100; i++) {
		if (random_name(ctx->tmp, sizeof(ctx->tmp)) < 0) {
			errno = EIO;
			return -1;
		}
		if (linkat(ctx->fd, "", ctx->dirfd, ctx->tmp, AT_EMPTY_PATH) == 0) {
			ctx->named_tmp = true;
			return renameat(ctx->dirfd, ctx->tmp, ctx->dirfd, ctx->name);
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static uint32_t do_complete(struct fcopy_ctx *ctx)
{
	int err = 0;

	if (!ctx->active)
		return fail(ctx, HV_E_FAIL, "COMPLETE_FCOPY without a copy under way");
	if (set_metadata(ctx) < 0 || fsync(ctx->fd) < 0 || link_into_place(ctx) < 0)
		err = errno;
	if (err) {
		hvd_log(ctx->log, LOG_WARNING, "completing %s: %s", ctx->target,
			err == ELOOP ? "it is now a symbolic link; not replaced" :
			err == EISDIR ? "it is no longer a regular file; not replaced" : strerror(err));
		return fail(ctx, err == EEXIST ? HV_ERROR_ALREADY_EXISTS :
			    err == ELOOP || err == EISDIR ? HV_E_FAIL : errno_status(err),
			    "COMPLETE_FCOPY failed");
	}
	ctx->named_tmp = false;		/* it is the target now */
	fsync(ctx->dirfd);
	drop(ctx);
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
