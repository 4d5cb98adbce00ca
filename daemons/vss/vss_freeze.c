// SPDX-License-Identifier: GPL-2.0-only
/*
 * Freezing and thawing the guest's file systems for a host backup.
 *
 * Which: every mount of a block device (/dev/...) that is not read-only or
 * vfat, once per file system. Order: file systems on loop devices first
 * (last mounted first), then the others in mount order, "/" last; thawing
 * goes in exactly the reverse order. Freezing a loop-backed file system
 * writes to its backing file, so it must happen before the file system
 * holding that file is frozen (the in-box daemon skips loop devices
 * instead; they then are not consistent in the backup).
 *
 * While anything is frozen nothing may write to disk, logging included
 * (syslog and the journal write to disk): log lines are held and written
 * out after the thaw. Three things thaw: the host's THAW, a timeout
 * (--thaw-timeout) and, if the daemon dies, a guardian process forked
 * before the freeze, which learns through a pipe what was frozen and thaws
 * it when the pipe closes without the daemon having said "thawed".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "vss.h"

#define GUARDIAN_DONE (-1)

long long vss_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vss_fsctl(const char *dir, unsigned long cmd)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
	int unused = 0, r;

	if (fd < 0)
		return -errno;
	/* declared _IOWR(.., int): the kernel ignores the int, but pass one */
	r = ioctl(fd, cmd, &unused) < 0 ? -errno : 0;
	close(fd);
	return r;
}

bool vss_is_frozen(const struct vss_ctx *ctx)
{
	return ctx->frozen != NULL;
}

/* Is the block device at sysfs dir a loop device, or built on one? */
static bool sysfs_is_loop(const char *dir, int depth)
{
	char path[512];
	struct dirent *e;
	bool loop = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/loop", dir);
	if (access(path, F_OK) == 0)
		return true;
	if (depth > 8)
		return false;
	snprintf(path, sizeof(path), "%s/slaves", dir);
	d = opendir(path);
	while (d && !loop && (e = readdir(d))) {
		char sub[768];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		loop = sysfs_is_loop(sub, depth + 1);
	}
	if (d)
		closedir(d);
	return loop;
}

static bool dev_is_loop(const struct vss_ctx *ctx, const char *fsname)
{
	char dir[512];
	struct stat st;

	if (stat(fsname, &st) < 0 || !S_ISBLK(st.st_mode))
		return false;
	snprintf(dir, sizeof(dir), "%s/%u:%u", ctx->sysfs_block,
		 major(st.st_rdev), minor(st.st_rdev));
	return sysfs_is_loop(dir, 0);
}

static void free_list(struct vss_mount *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].dir);
	free(list);
}

static bool seen_dev(const struct vss_mount *list, size_t n, dev_t dev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dev && list[i].dev == dev)
			return true;
	return false;
}

/* The file systems to freeze, in mount order. -1 if the list is unreadable. */
static int collect(struct vss_ctx *ctx, struct vss_mount **out, size_t *n)
{
	FILE *f = setmntent(ctx->mounts, "re");
	struct vss_mount *list = NULL, *grown;
	struct mntent *ent;
	struct stat st;

	*n = 0;
	if (!f) {
		hvd_log(ctx->log, LOG_ERR, "cannot read %s: %s", ctx->mounts, strerror(errno));
		return -1;
	}
	while ((ent = getmntent(f))) {
		if (strncmp(ent->mnt_fsname, "/dev/", 5) || hasmntopt(ent, "ro") ||
		    !strcmp(ent->mnt_type, "vfat"))
			continue;
		/* a directory we cannot stat stays in, and fails the freeze */
		if (stat(ent->mnt_dir, &st) < 0)
			st.st_dev = 0;
		if (seen_dev(list, *n, st.st_dev))
			continue;	/* another mount of the same file system */
		grown = realloc(list, (*n + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[*n].dir = strdup(ent->mnt_dir);
		list[*n].dev = st.st_dev;
		list[*n].loop = dev_is_loop(ctx, ent->mnt_fsname);
		if (list[*n].dir)
			(*n)++;
	}
	endmntent(f);
	*out = list;
	return 0;
}

/* Reorders list in place: loop-backed (reversed), the others, "/" last. */
static void freeze_order(struct vss_mount *list, size_t n)
{
	struct vss_mount *tmp = malloc(n * sizeof(*list));
	size_t i, o = 0;

	if (!tmp)
		return;
	for (i = n; i-- > 0;)
		if (list[i].loop)
			tmp[o++] = list[i];
	for (i = 0; i < n; i++)
		if (!list[i].loop && strcmp(list[i].dir, "/"))
			tmp[o++] = list[i];
	for (i = 0; i < n; i++)
		if (!list[i].loop && !strcmp(list[i].dir, "/"))
			tmp[o++] = list[i];
	memcpy(list, tmp, n * sizeof(*list));
	free(tmp);
}

/* ---- the guardian --------------------------------------------------- */

static void guardian_thaw(const struct vss_mount *list, const int *order, size_t n)
{
	size_t i, thawed = 0;

	for (i = n; i-- > 0;)
		if (vss_fsctl(list[order[i]].dir, FITHAW) == 0)
			thawed++;
	fprintf(stderr, "hv_vss_daemon: guardian: the daemon died with file systems frozen; thawed %zu\n",
		thawed);
}

static void guardian_main(int rfd, const struct vss_mount *list, size_t n)
{
	int *order = calloc(n ? n : 1, sizeof(int));
	size_t count = 0;
	sigset_t all;
	int idx, fd;
	ssize_t r;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);	/* only SIGKILL stops us */
	for (fd = 3; fd < 1024; fd++)
		if (fd != rfd)
			close(fd);
	for (;;) {
		r = read(rfd, &idx, sizeof(idx));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == sizeof(idx) && idx == GUARDIAN_DONE)
			_exit(0);
		if (r == sizeof(idx) && idx >= 0 && (size_t)idx < n && order && count < n) {
			order[count++] = idx;
			continue;
		}
		break;	/* EOF: the daemon is gone */
	}
	if (order)
		guardian_thaw(list, order, count);
	_exit(0);
}

static int guardian_start(struct vss_ctx *ctx, const struct vss_mount *list, size_t n)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	ctx->guardian_pid = fork();
	if (ctx->guardian_pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (ctx->guardian_pid == 0) {
		close(p[1]);
		guardian_main(p[0], list, n);
	}
	close(p[0]);
	ctx->guardian_fd = p[1];
	return 0;
}

static void guardian_tell(struct vss_ctx *ctx, int idx)
{
	if (ctx->guardian_fd >= 0 && write(ctx->guardian_fd, &idx, sizeof(idx)) != sizeof(idx))
		hvd_log(ctx->log, LOG_WARNING, "guardian: %s", strerror(errno));
}

static void guardian_stop(struct vss_ctx *ctx)
{
	int st;

	if (ctx->guardian_fd < 0)
		return;
	guardian_tell(ctx, GUARDIAN_DONE);
	close(ctx->guardian_fd);
	ctx->guardian_fd = -1;
	while (waitpid(ctx->guardian_pid, &st, 0) < 0 && errno == EINTR)
		;
	ctx->guardian_pid = 0;
}

/* ---- freeze and thaw ------------------------------------------------ */

/* Thaws list[0..n) in reverse; returns how many failed. */
static size_t thaw_list(struct vss_ctx *ctx, const struct vss_mount *list, size_t n)
{
	size_t i, failed = 0;
	int r;

	for (i = n; i-- > 0;) {
		r = ctx->fsctl(list[i].dir, FITHAW);
		if (r && r != -EINVAL) {	/* EINVAL: it was not frozen */
			hvd_log(ctx->log, LOG_ERR, "THAW of %s failed: %s", list[i].dir,
				strerror(-r));
			failed++;
		}
	}
	return failed;
}

/* Freezes list in order; what it froze goes to ctx->frozen. 0 or -1. */
static int freeze_list(struct vss_ctx *ctx, struct vss_mount *list, size_t n)
{
	size_t i;
	int r;

	ctx->frozen = calloc(n ? n : 1, sizeof(*ctx->frozen));
	if (!ctx->frozen)
		return -1;
	ctx->n_frozen = 0;
	for (i = 0; i < n; i++) {
		r = ctx->fsctl(list[i].dir, FIFREEZE);
		if (r == -EBUSY) {	/* frozen by someone else: theirs to thaw */
			hvd_log(ctx->log, LOG_INFO, "%s was already frozen", list[i].dir);
			continue;
		}
		if (r) {
			hvd_log(ctx->log, LOG_ERR, "FREEZE of %s failed: %s", list[i].dir,
				strerror(-r));
			return -1;
		}
		guardian_tell(ctx, (int)i);
		ctx->frozen[ctx->n_frozen++] = list[i];
		list[i].dir = NULL;	/* now owned by ctx->frozen */
	}
	return 0;
}

static void forget_frozen(struct vss_ctx *ctx)
{
	free_list(ctx->frozen, ctx->n_frozen);
	ctx->frozen = NULL;
	ctx->n_frozen = 0;
}

uint32_t vss_freeze(struct vss_ctx *ctx)
{
	struct vss_mount *list;
	size_t n;

	if (vss_is_frozen(ctx)) {
		ctx->thaw_deadline_ms = vss_now_ms() + ctx->thaw_timeout_ms;
		return HV_S_OK;		/* a repeated FREEZE: still frozen */
	}
	if (collect(ctx, &list, &n) < 0)
		return HV_E_FAIL;
	freeze_order(list, n);
	if (ctx->use_guardian && guardian_start(ctx, list, n) < 0) {
		hvd_log(ctx->log, LOG_ERR, "FREEZE: cannot start the guardian: %s; not freezing",
			strerror(errno));
		free_list(list, n);
		return HV_E_FAIL;
	}
	hvd_log_hold(ctx->log, &ctx->held);
	if (freeze_list(ctx, list, n) < 0) {
		thaw_list(ctx, ctx->frozen, ctx->n_frozen);
		guardian_stop(ctx);
		forget_frozen(ctx);
		free_list(list, n);
		hvd_log_release(ctx->log);
		hvd_log(ctx->log, LOG_ERR, "FREEZE failed; everything is thawed again");
		return HV_E_FAIL;
	}
	free_list(list, n);
	if (ctx->n_frozen == 0) {
		guardian_stop(ctx);
		forget_frozen(ctx);
		hvd_log_release(ctx->log);
		hvd_log(ctx->log, LOG_INFO, "FREEZE: no file system to freeze");
		return HV_S_OK;
	}
	ctx->thaw_deadline_ms = vss_now_ms() + ctx->thaw_timeout_ms;
	hvd_log(ctx->log, LOG_INFO, "froze %zu file systems", ctx->n_frozen);
	return HV_S_OK;
}

uint32_t vss_thaw(struct vss_ctx *ctx, const char *why)
{
	size_t failed, n;

	if (!vss_is_frozen(ctx))
		return HV_S_OK;
	n = ctx->n_frozen;
	failed = thaw_list(ctx, ctx->frozen, ctx->n_frozen);
	guardian_stop(ctx);
	forget_frozen(ctx);
	hvd_log_release(ctx->log);
	hvd_log(ctx->log, failed ? LOG_ERR : LOG_INFO, "thawed %zu file systems (%s)%s",
		n - failed, why, failed ? "; some could not be thawed" : "");
	return failed ? HV_E_FAIL : HV_S_OK;
}
