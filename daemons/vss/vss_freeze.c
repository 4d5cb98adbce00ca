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
 * out after the thaw. Four things thaw:
 *  - the host's THAW;
 *  - the thaw deadline (--thaw-timeout after the FREEZE began; a repeated
 *    FREEZE does not move it);
 *  - a guardian process forked before the first FIFREEZE. The daemon tells
 *    it through a pipe which file system it is about to freeze, before the
 *    ioctl, and which it turned out not to own (EBUSY). The guardian holds
 *    the deadline itself and thaws at it even if the daemon is alive but
 *    stuck; when the pipe closes without the daemon having said "thawed"
 *    (it died, even inside a long FIFREEZE) it thaws everything it was told;
 *  - a restarted daemon: before each FIFREEZE the daemon also records what
 *    may be frozen in a state file on /run (tmpfs, which is never frozen);
 *    at start-up it thaws whatever a previous run left listed there, in
 *    case the guardian died too.
 * A freeze can take long (dirty data is written out first): systemd's
 * watchdog gets a longer interval (WATCHDOG_USEC=) for the time of it.
 *
 * A file system mounted twice is frozen once. An entry hidden by a later
 * mount on the same directory (stacked mounts) is reached through another
 * mount of the same device if there is one; if there is none it cannot be
 * frozen, and the FREEZE fails rather than skip it silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <mntent.h>
#include <poll.h>
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
/* the daemon's own timer thaws at the deadline; the guardian a bit later */
#define GUARDIAN_GRACE_MS 500
/* list[idx] was not frozen by us after all (EBUSY): forget it */
#define GUARDIAN_FORGET(idx) (-2 - (idx))

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

struct mount_ent {
	char *fsname;
	char *dir;
	bool candidate;		/* a writable block-device file system */
};

static void free_ents(struct mount_ent *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].fsname);
		free(e[i].dir);
	}
	free(e);
}

/* The whole mount table, in order. -1 if it is unreadable. */
static int read_table(struct vss_ctx *ctx, struct mount_ent **out, size_t *n)
{
	FILE *f = setmntent(ctx->mounts, "re");
	struct mount_ent *e = NULL, *grown;
	struct mntent *ent;

	*n = 0;
	if (!f) {
		hvd_log(ctx->log, LOG_ERR, "cannot read %s: %s", ctx->mounts, strerror(errno));
		return -1;
	}
	while ((ent = getmntent(f))) {
		grown = realloc(e, (*n + 1) * sizeof(*e));
		if (!grown)
			break;
		e = grown;
		e[*n].fsname = strdup(ent->mnt_fsname);
		e[*n].dir = strdup(ent->mnt_dir);
		e[*n].candidate = !strncmp(ent->mnt_fsname, "/dev/", 5) &&
				  !hasmntopt(ent, "ro") && strcmp(ent->mnt_type, "vfat");
		if (!e[*n].fsname || !e[*n].dir) {
			free(e[*n].fsname);
			free(e[*n].dir);
			break;
		}
		(*n)++;
	}
	endmntent(f);
	*out = e;
	return 0;
}

/* Is entry i hidden by a later mount on the same directory? */
static bool covered(const struct mount_ent *e, size_t n, size_t i)
{
	size_t j;

	for (j = i + 1; j < n; j++)
		if (!strcmp(e[j].dir, e[i].dir))
			return true;
	return false;
}

/*
 * A visible entry of the same device as entry i (the same file system, even
 * if that mount is read-only: FIFREEZE acts on the file system), or -1.
 */
static ssize_t alias_of(const struct mount_ent *e, size_t n, size_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (k != i && !strcmp(e[k].fsname, e[i].fsname) && !covered(e, n, k))
			return (ssize_t)k;
	return -1;
}

/*
 * The file systems to freeze, in mount order. -1 if the table is
 * unreadable or a file system in it cannot be reached (logged).
 */
static int collect(struct vss_ctx *ctx, struct vss_mount **out, size_t *n)
{
	struct vss_mount *list = NULL, *grown;
	struct mount_ent *e;
	size_t ne, i;
	bool hidden = false;
	struct stat st;

	*n = 0;
	*out = NULL;
	if (read_table(ctx, &e, &ne) < 0)
		return -1;
	for (i = 0; i < ne; i++) {
		const char *dir = e[i].dir;
		ssize_t k;

		if (!e[i].candidate)
			continue;
		if (covered(e, ne, i)) {
			k = alias_of(e, ne, i);
			if (k < 0) {
				hvd_log(ctx->log, LOG_ERR,
					"%s on %s is hidden by a later mount on the same directory and mounted nowhere else: it cannot be frozen",
					e[i].fsname, e[i].dir);
				hidden = true;
				continue;
			}
			dir = e[k].dir;	/* frozen through that other mount */
		}
		/* a directory we cannot stat stays in, and fails the freeze */
		if (stat(dir, &st) < 0)
			st.st_dev = 0;
		if (seen_dev(list, *n, st.st_dev))
			continue;	/* another mount of the same file system */
		grown = realloc(list, (*n + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[*n].dir = strdup(dir);
		list[*n].dev = st.st_dev;
		list[*n].loop = dev_is_loop(ctx, e[i].fsname);
		if (list[*n].dir)
			(*n)++;
	}
	free_ents(e, ne);
	if (hidden) {
		free_list(list, *n);
		*n = 0;
		return -1;
	}
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

/* Thaws order[0..n) in reverse; returns how many it thawed. */
static size_t guardian_thaw(const struct vss_mount *list, const int *order, size_t n)
{
	size_t i, thawed = 0;

	for (i = n; i-- > 0;)
		if (vss_fsctl(list[order[i]].dir, FITHAW) == 0)
			thawed++;
	return thawed;
}

static void guardian_forget(int *order, size_t *count, int idx)
{
	size_t i;

	for (i = 0; i < *count; i++) {
		if (order[i] == idx) {
			memmove(order + i, order + i + 1, (*count - i - 1) * sizeof(*order));
			(*count)--;
			return;
		}
	}
}

/*
 * Reads what the daemon is about to freeze (and what it forgets), thaws
 * all of it at the deadline and again when the daemon goes away without
 * saying "thawed".
 */
static void guardian_main(int rfd, const struct vss_mount *list, size_t n,
			  long long deadline)
{
	int *order = calloc(n ? n : 1, sizeof(int));
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	bool past_deadline = false;
	size_t count = 0;
	long long left;
	sigset_t all;
	int idx, fd, r;
	ssize_t got;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);	/* only SIGKILL stops us */
	for (fd = 3; fd < 1024; fd++)
		if (fd != rfd)
			close(fd);
	if (!order)
		_exit(1);
	for (;;) {
		left = deadline - vss_now_ms();
		r = poll(&pfd, 1, past_deadline ? -1 : (int)(left < 0 ? 0 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			past_deadline = true;
			fprintf(stderr, "hv_vss_daemon: guardian: no thaw by the deadline; thawed %zu\n",
				guardian_thaw(list, order, count));
			continue;
		}
		got = read(rfd, &idx, sizeof(idx));
		if (got < 0 && errno == EINTR)
			continue;
		if (got != sizeof(idx))
			break;	/* EOF: the daemon is gone */
		if (idx == GUARDIAN_DONE)
			_exit(0);
		if (idx >= 0 && (size_t)idx < n && count < n)
			order[count++] = idx;
		else if (idx <= -2 && (size_t)GUARDIAN_FORGET(idx) < n)
			guardian_forget(order, &count, GUARDIAN_FORGET(idx));
	}
	fprintf(stderr, "hv_vss_daemon: guardian: the daemon died with file systems frozen; thawed %zu\n",
		guardian_thaw(list, order, count));
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
		guardian_main(p[0], list, n, ctx->thaw_deadline_ms + GUARDIAN_GRACE_MS);
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

/* ---- the state file --------------------------------------------------- */

/*
 * Records what is frozen, plus extra (about to be), NUL-separated, for a
 * restarted daemon. The file lives on /run, a tmpfs, which is never frozen.
 */
static void state_save(struct vss_ctx *ctx, const char *extra)
{
	char *slash, dir[512];
	size_t i;
	int fd;
	bool ok = true;

	if (!ctx->state_file)
		return;
	fd = open(ctx->state_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == ENOENT) {
		snprintf(dir, sizeof(dir), "%s", ctx->state_file);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0755);
		}
		fd = open(ctx->state_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0600);
	}
	if (fd < 0) {
		hvd_log(ctx->log, LOG_WARNING, "cannot write %s: %s", ctx->state_file,
			strerror(errno));
		return;
	}
	for (i = 0; i < ctx->n_frozen && ok; i++)
		ok = write(fd, ctx->frozen[i].dir, strlen(ctx->frozen[i].dir) + 1) ==
		     (ssize_t)(strlen(ctx->frozen[i].dir) + 1);
	if (extra && ok)
		ok = write(fd, extra, strlen(extra) + 1) == (ssize_t)(strlen(extra) + 1);
	if (!ok)
		hvd_log(ctx->log, LOG_WARNING, "writing %s failed", ctx->state_file);
	close(fd);
}

static void state_clear(struct vss_ctx *ctx)
{
	if (ctx->state_file && unlink(ctx->state_file) < 0 && errno != ENOENT)
		hvd_log(ctx->log, LOG_WARNING, "cannot remove %s: %s", ctx->state_file,
			strerror(errno));
}

void vss_recover(struct vss_ctx *ctx)
{
	char buf[65536], *p, *dirs[1024];
	size_t n = 0, i, thawed = 0;
	ssize_t len;
	int fd;

	if (!ctx->state_file)
		return;
	fd = open(ctx->state_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		len = 0;
	buf[len] = '\0';
	for (p = buf; p < buf + len && n < sizeof(dirs) / sizeof(dirs[0]); p += strlen(p) + 1)
		if (*p == '/')
			dirs[n++] = p;
	for (i = n; i-- > 0;) {
		if (ctx->fsctl(dirs[i], FITHAW) == 0) {
			thawed++;
			hvd_log(ctx->log, LOG_WARNING,
				"%s was left frozen by a previous run (it died while freezing); thawed it",
				dirs[i]);
		}
	}
	hvd_log(ctx->log, LOG_INFO, "%s: %zu file systems listed, %zu were still frozen",
		ctx->state_file, n, thawed);
	state_clear(ctx);
}

/* ---- systemd's watchdog ----------------------------------------------- */

/*
 * Nothing pings the watchdog while FIFREEZE runs, which may take long:
 * for the time of the freeze it gets the thaw timeout on top (the
 * guardian thaws by then whatever happens), then its own interval again.
 */
static void watchdog_extend(struct vss_ctx *ctx, bool extend)
{
	char msg[96];

	if (!ctx->watchdog_usec)
		return;
	snprintf(msg, sizeof(msg), "WATCHDOG=1\nWATCHDOG_USEC=%llu",
		 (unsigned long long)(ctx->watchdog_usec +
				      (extend ? (uint64_t)ctx->thaw_timeout_ms * 1000 : 0)));
	hvd_notify(msg);
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
		if (vss_now_ms() >= ctx->thaw_deadline_ms) {
			hvd_log(ctx->log, LOG_ERR, "FREEZE: still freezing at the thaw deadline");
			return -1;
		}
		/* first the guardian and the state file, then the ioctl */
		state_save(ctx, list[i].dir);
		guardian_tell(ctx, (int)i);
		r = ctx->fsctl(list[i].dir, FIFREEZE);
		if (r == -EBUSY) {	/* frozen by someone else: theirs to thaw */
			guardian_tell(ctx, GUARDIAN_FORGET((int)i));
			hvd_log(ctx->log, LOG_INFO, "%s was already frozen", list[i].dir);
			continue;
		}
		if (r) {
			hvd_log(ctx->log, LOG_ERR, "FREEZE of %s failed: %s", list[i].dir,
				strerror(-r));
			return -1;
		}
		ctx->frozen[ctx->n_frozen++] = list[i];
		list[i].dir = NULL;	/* now owned by ctx->frozen */
	}
	state_save(ctx, NULL);
	if (vss_now_ms() >= ctx->thaw_deadline_ms) {
		hvd_log(ctx->log, LOG_ERR, "FREEZE: done only after the thaw deadline");
		return -1;
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
	int r;

	if (vss_is_frozen(ctx)) {
		/* a repeated FREEZE: still frozen; the deadline does not move */
		hvd_log(ctx->log, LOG_INFO, "FREEZE while frozen: thaw deadline in %lld ms",
			ctx->thaw_deadline_ms - vss_now_ms());
		return HV_S_OK;
	}
	if (collect(ctx, &list, &n) < 0)
		return HV_E_FAIL;
	freeze_order(list, n);
	ctx->thaw_deadline_ms = vss_now_ms() + ctx->thaw_timeout_ms;
	if (ctx->use_guardian && guardian_start(ctx, list, n) < 0) {
		hvd_log(ctx->log, LOG_ERR, "FREEZE: cannot start the guardian: %s; not freezing",
			strerror(errno));
		free_list(list, n);
		return HV_E_FAIL;
	}
	hvd_log_hold(ctx->log, &ctx->held);
	watchdog_extend(ctx, true);
	r = freeze_list(ctx, list, n);
	watchdog_extend(ctx, false);
	if (r < 0) {
		thaw_list(ctx, ctx->frozen, ctx->n_frozen);
		guardian_stop(ctx);
		state_clear(ctx);
		forget_frozen(ctx);
		free_list(list, n);
		hvd_log_release(ctx->log);
		hvd_log(ctx->log, LOG_ERR, "FREEZE failed; everything is thawed again");
		return HV_E_FAIL;
	}
	free_list(list, n);
	if (ctx->n_frozen == 0) {
		guardian_stop(ctx);
		state_clear(ctx);
		forget_frozen(ctx);
		hvd_log_release(ctx->log);
		hvd_log(ctx->log, LOG_INFO, "FREEZE: no file system to freeze");
		return HV_S_OK;
	}
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
	if (!failed)
		state_clear(ctx);
	forget_frozen(ctx);
	hvd_log_release(ctx->log);
	hvd_log(ctx->log, failed ? LOG_ERR : LOG_INFO, "thawed %zu file systems (%s)%s",
		n - failed, why, failed ? "; some could not be thawed" : "");
	return failed ? HV_E_FAIL : HV_S_OK;
}
