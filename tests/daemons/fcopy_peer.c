// SPDX-License-Identifier: GPL-2.0-only
/*
 * fcopy_peer: plays the kernel's side of /dev/vmbus/hv_fcopy for
 * hv_fcopy_daemon and checks the files it writes.
 *
 *   fcopy_peer --daemon BIN --work DIR [--prefix P] [--valgrind] [--full DIR]
 *              [--daemon-arg ARG]...
 *
 * The daemon is started on a unix SOCK_SEQPACKET socket in WORK (test
 * mode of --device) and copies files into WORK/dst and below. --full names
 * a small file system (run.sh mounts a tmpfs of 64 KiB) that a copy fills.
 * --daemon-arg passes an option to the daemon (--no-openat2 --no-tmpfile:
 * the fallbacks for older kernels and file systems).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <hvlis/uapi/fcopy.h>

#define BIG_SIZE (10u * 1024 * 1024)

struct peer {
	const char *daemon, *work, *prefix;
	bool valgrind;
	int timeout_ms;
	char sock[256], log[256], dst[256];
	const char *full;	/* a small file system (--full DIR), or NULL */
	const char *dargs[8];	/* --daemon-arg */
	int n_dargs;
	int lfd, cfd;
	pid_t pid;
	int failures;
	char reason[512];
};

static void why(struct peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct peer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

#define EXPECT(p, cond, ...) ((cond) ? true : (why(p, __VA_ARGS__), false))

static void report(struct peer *p, const char *name, bool ok)
{
	if (ok && !p->reason[0]) {
		printf("PASS: %sfcopy/%s\n", p->prefix, name);
	} else {
		printf("FAIL: %sfcopy/%s: %s\n", p->prefix, name, p->reason[0] ? p->reason : "check failed");
		p->failures++;
	}
	fflush(stdout);
	p->reason[0] = '\0';
}

static bool readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

static void spawn(struct peer *p)
{
	const char *argv[24];
	int n = 0, fd;

	if (p->valgrind) {
		argv[n++] = "valgrind";
		argv[n++] = "-q";
		argv[n++] = "--error-exitcode=99";
		argv[n++] = "--leak-check=full";
		argv[n++] = "--errors-for-leak-kinds=definite,indirect";
	}
	argv[n++] = p->daemon;
	argv[n++] = "-n";
	argv[n++] = "-v";
	argv[n++] = "--device";
	argv[n++] = p->sock;
	for (int i = 0; i < p->n_dargs; i++)
		argv[n++] = p->dargs[i];
	argv[n] = NULL;
	p->pid = fork();
	if (p->pid == 0) {
		fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		unsetenv("NOTIFY_SOCKET");
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
}

static bool handshake(struct peer *p)
{
	unsigned char buf[64];
	uint32_t ver;
	ssize_t n;

	if (!EXPECT(p, readable(p->lfd, p->timeout_ms * 4), "the daemon did not connect"))
		return false;
	p->cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (!EXPECT(p, p->cfd >= 0 && readable(p->cfd, p->timeout_ms), "no registration"))
		return false;
	n = recv(p->cfd, buf, sizeof(buf), 0);
	if (n == 4)
		memcpy(&ver, buf, 4);
	if (!EXPECT(p, n == 4 && ver == FCOPY_CURRENT_VERSION, "registration: %zd bytes", n))
		return false;
	/* The kernel answers protocol 1 with its own version; no status back. */
	ver = FCOPY_CURRENT_VERSION;
	if (!EXPECT(p, send(p->cfd, &ver, sizeof(ver), MSG_NOSIGNAL) == sizeof(ver),
		    "sending the kernel's version"))
		return false;
	return EXPECT(p, !readable(p->cfd, 300), "the daemon answered the kernel's version");
}

/* Sends len bytes, returns the daemon's status or -1. */
static long xfer(struct peer *p, const void *msg, size_t len)
{
	unsigned char buf[64];
	int32_t st;
	ssize_t n;

	if (send(p->cfd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		why(p, "send: %s", strerror(errno));
		return -1;
	}
	if (!readable(p->cfd, p->timeout_ms)) {
		why(p, "no answer to a message of %zu bytes", len);
		return -1;
	}
	n = recv(p->cfd, buf, sizeof(buf), 0);
	if (n != 4) {
		why(p, "answer of %zd bytes", n);
		return -1;
	}
	memcpy(&st, buf, 4);
	return (long)(uint32_t)st;
}

static bool status(struct peer *p, long got, uint32_t want, const char *what)
{
	return EXPECT(p, got == (long)want, "%s: 0x%lx, want 0x%x", what, (unsigned long)got, want);
}

/* A name as the kernel passes it: UTF-8 bytes in the W_MAX_PATH field. */
static void to_field(void *field, const char *s)
{
	unsigned char out[W_MAX_PATH * 2] = { 0 };

	memcpy(out, s, strnlen(s, sizeof(out) - 1));
	memcpy(field, out, sizeof(out));
}

static long start_raw(struct peer *p, struct fcopy_start *m)
{
	m->hdr.operation = START_FILE_COPY;
	return xfer(p, m, sizeof(*m));
}

static long start(struct peer *p, const char *name, const char *path, uint32_t flags, uint64_t size)
{
	struct fcopy_start m;

	memset(&m, 0, sizeof(m));
	to_field((char *)&m + offsetof(struct fcopy_start, file_name), name);
	to_field((char *)&m + offsetof(struct fcopy_start, path_name), path);
	m.copy_flags = flags;
	m.file_size = size;
	return start_raw(p, &m);
}

static long write_at(struct peer *p, uint64_t off, const void *data, uint32_t size)
{
	static struct fcopy_data m;

	memset(&m, 0, sizeof(m));
	m.hdr.operation = WRITE_TO_FILE;
	m.offset = off;
	m.size = size;
	memcpy(m.data, data, size > DATA_FRAGMENT ? DATA_FRAGMENT : size);
	return xfer(p, &m, sizeof(m));
}

static long simple(struct peer *p, uint32_t op)
{
	struct fcopy_hdr h;

	memset(&h, 0, sizeof(h));
	h.operation = op;
	return xfer(p, &h, sizeof(h));
}

/* Copies data as the host would; returns the first non-OK status. */
static long copy(struct peer *p, const char *name, const char *path, uint32_t flags,
		 const unsigned char *data, size_t size)
{
	long st = start(p, name, path, flags, size);
	size_t off;

	for (off = 0; st == HV_S_OK && off < size; off += DATA_FRAGMENT) {
		size_t n = size - off < DATA_FRAGMENT ? size - off : DATA_FRAGMENT;

		st = write_at(p, off, data + off, (uint32_t)n);
	}
	return st == HV_S_OK ? simple(p, COMPLETE_FCOPY) : st;
}

static bool same_file(struct peer *p, const char *path, const unsigned char *data, size_t size)
{
	static unsigned char buf[BIG_SIZE + 1];
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (!EXPECT(p, fd >= 0, "%s: %s", path, strerror(errno)))
		return false;
	while ((n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (!EXPECT(p, got == size, "%s: %zu bytes, want %zu", path, got, size))
		return false;
	for (size_t i = 0; i < size; i++)
		if (buf[i] != data[i])
			return EXPECT(p, false, "%s: differs at byte %zu", path, i);
	return true;
}

static bool mode_is(struct peer *p, const char *path, mode_t want)
{
	struct stat st;

	if (!EXPECT(p, stat(path, &st) == 0, "%s: %s", path, strerror(errno)))
		return false;
	return EXPECT(p, (st.st_mode & 07777) == want, "%s: mode %o, want %o", path,
		      st.st_mode & 07777, want);
}

/* The names in dir, sorted, space-separated ("" if empty/missing). */
static void listing(const char *dir, char *out, size_t size)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *s = ents[i]->d_name;

		if (strcmp(s, ".") && strcmp(s, ".."))
			len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
						len ? " " : "", s);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static bool dir_has(struct peer *p, const char *dir, const char *want)
{
	char got[4096];

	listing(dir, got, sizeof(got));
	return EXPECT(p, !strcmp(got, want), "%s holds '%s', want '%s'", dir, got, want);
}

/* Whether the daemon was told to use named temporary files (no O_TMPFILE). */
static bool named_tmp(const struct peer *p)
{
	for (int i = 0; i < p->n_dargs; i++)
		if (!strcmp(p->dargs[i], "--no-tmpfile"))
			return true;
	return false;
}

static bool alive(struct peer *p)
{
	return EXPECT(p, waitpid(p->pid, NULL, WNOHANG) == 0, "the daemon died") &&
	       status(p, simple(p, CANCEL_FCOPY), HV_S_OK, "CANCEL after");
}

static int stop(struct peer *p, int sig)
{
	int st, i;

	kill(p->pid, sig);
	for (i = 0; i < p->timeout_ms / 10; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			close(p->cfd);
			p->cfd = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	return -1;
}

static void t_symlinks(struct peer *p);
static void t_symlink_flip(struct peer *p);
static void t_metadata(struct peer *p);
static void t_size(struct peer *p);
static void t_squat(struct peer *p);
static void t_log_escape(struct peer *p);

static void tests(struct peer *p)
{
	static unsigned char big[BIG_SIZE];
	char path[1024], d2[512];
	uint32_t x = 12345;
	long st;
	size_t i;

	for (i = 0; i < BIG_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (unsigned char)(x >> 16);
	}

	/* 10 MiB in 6144-byte fragments; invisible until COMPLETE */
	st = start(p, "big.bin", p->dst, 0, BIG_SIZE);
	bool ok = status(p, st, HV_S_OK, "START");
	for (i = 0; ok && i < BIG_SIZE; i += DATA_FRAGMENT) {
		size_t len = BIG_SIZE - i < DATA_FRAGMENT ? BIG_SIZE - i : DATA_FRAGMENT;

		ok = status(p, write_at(p, i, big + i, (uint32_t)len), HV_S_OK, "WRITE");
	}
	snprintf(path, sizeof(path), "%s/big.bin", p->dst);
	ok = ok && EXPECT(p, access(path, F_OK) != 0, "the file is visible before COMPLETE");
	ok = ok && status(p, simple(p, COMPLETE_FCOPY), HV_S_OK, "COMPLETE");
	ok = ok && same_file(p, path, big, BIG_SIZE) && mode_is(p, path, 0644) &&
	     dir_has(p, p->dst, "big.bin");
	report(p, "copy-10MiB", ok);

	/* fragments out of order, a short file */
	ok = status(p, start(p, "rev.bin", p->dst, 0, 3 * DATA_FRAGMENT), HV_S_OK, "START");
	for (int k = 2; ok && k >= 0; k--)
		ok = status(p, write_at(p, (uint64_t)k * DATA_FRAGMENT, big + k * DATA_FRAGMENT,
					DATA_FRAGMENT), HV_S_OK, "WRITE");
	ok = ok && status(p, simple(p, COMPLETE_FCOPY), HV_S_OK, "COMPLETE");
	snprintf(path, sizeof(path), "%s/rev.bin", p->dst);
	report(p, "out-of-order", ok && same_file(p, path, big, 3 * DATA_FRAGMENT));
	unlink(path);

	/* names: ASCII, Latin-1, BMP beyond, and a surrogate pair (U+1F600) */
	static const char *const names[] = { "plain.txt", "Gr\xc3\xbc\xc3\x9f" "e.txt",
		"\xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac", "smile-\xf0\x9f\x98\x80.txt" };
	ok = true;
	for (i = 0; ok && i < 4; i++) {
		ok = status(p, copy(p, names[i], p->dst, 0, big, 10), HV_S_OK, names[i]);
		snprintf(path, sizeof(path), "%s/%s", p->dst, names[i]);
		ok = ok && same_file(p, path, big, 10);
		unlink(path);
	}
	report(p, "utf8-names", ok);

	/* malformed UTF-8 and a field without a NUL are refused */
	{
		static const char *const bad[] = { "a\xc0\x80" "b", "a\xed\xa0\x80" "b",
			"a\xf4\x90\x80\x80", "a\xe2\x9c" };
		struct fcopy_start m;

		ok = true;
		for (i = 0; ok && i < 4; i++) {
			memset(&m, 0, sizeof(m));
			to_field((char *)&m + offsetof(struct fcopy_start, path_name), p->dst);
			to_field((char *)&m + offsetof(struct fcopy_start, file_name), bad[i]);
			ok = status(p, start_raw(p, &m), HV_E_FAIL, "malformed UTF-8");
		}
		memset(&m, 0, sizeof(m));
		to_field((char *)&m + offsetof(struct fcopy_start, path_name), p->dst);
		memset((char *)&m + offsetof(struct fcopy_start, file_name), 'x',
		       sizeof(m.file_name));	/* no NUL */
		ok = ok && status(p, start_raw(p, &m), HV_E_FAIL, "no NUL");
		report(p, "bad-names", ok && dir_has(p, p->dst, "big.bin"));
	}

	/* CREATE_PATH */
	snprintf(d2, sizeof(d2), "%s/new/a/b", p->work);
	ok = status(p, copy(p, "f", d2, CREATE_PATH, big, 100), HV_S_OK, "CREATE_PATH");
	snprintf(path, sizeof(path), "%s/f", d2);
	ok = ok && same_file(p, path, big, 100) && mode_is(p, d2, 0755);
	snprintf(path, sizeof(path), "%s/new/a", p->work);
	ok = ok && mode_is(p, path, 0755);
	report(p, "create-path", ok);
	snprintf(d2, sizeof(d2), "%s/missing/x", p->work);
	ok = status(p, start(p, "f", d2, 0, 1), HV_ERROR_PATH_NOT_FOUND, "no CREATE_PATH");
	snprintf(path, sizeof(path), "%s/missing", p->work);
	report(p, "no-create-path", ok && EXPECT(p, access(path, F_OK) != 0, "created anyway"));

	/* OVER_WRITE */
	snprintf(path, sizeof(path), "%s/big.bin", p->dst);
	ok = status(p, start(p, "big.bin", p->dst, 0, 5), HV_ERROR_ALREADY_EXISTS, "no OVER_WRITE");
	ok = ok && same_file(p, path, big, BIG_SIZE) && dir_has(p, p->dst, "big.bin");
	report(p, "overwrite-off", ok);
	ok = status(p, copy(p, "big.bin", p->dst, OVER_WRITE, big + 7, 5), HV_S_OK, "OVER_WRITE");
	ok = ok && same_file(p, path, big + 7, 5) && mode_is(p, path, 0644) &&
	     dir_has(p, p->dst, "big.bin");
	report(p, "overwrite-on", ok);

	/* CANCEL leaves nothing */
	ok = status(p, start(p, "c.bin", p->dst, 0, 3 * DATA_FRAGMENT), HV_S_OK, "START");
	ok = ok && status(p, write_at(p, 0, big, DATA_FRAGMENT), HV_S_OK, "WRITE");
	{	/* the temporary file: unnamed (O_TMPFILE), or .hv_fcopy.<random> */
		char got[4096];

		listing(p->dst, got, sizeof(got));
		if (named_tmp(p))
			ok = ok && EXPECT(p, !strncmp(got, ".hv_fcopy.", 10) && strlen(got) == 26 + 8,
					  "no temporary file: '%s'", got);
		else
			ok = ok && EXPECT(p, !strcmp(got, "big.bin"), "a temporary file is visible: '%s'", got);
	}
	ok = ok && status(p, simple(p, CANCEL_FCOPY), HV_S_OK, "CANCEL");
	ok = ok && dir_has(p, p->dst, "big.bin");
	ok = ok && status(p, write_at(p, DATA_FRAGMENT, big, DATA_FRAGMENT), HV_E_FAIL,
			  "WRITE after CANCEL");
	ok = ok && status(p, simple(p, COMPLETE_FCOPY), HV_E_FAIL, "COMPLETE after CANCEL");
	report(p, "cancel-leaves-nothing", ok && dir_has(p, p->dst, "big.bin"));

	/* escapes */
	static const char *const bad_names[] = { "a/b", "..", ".", "", "../x", "/etc", "a\nb" };
	ok = true;
	for (i = 0; ok && i < 7; i++)
		ok = status(p, start(p, bad_names[i], p->dst, CREATE_PATH | OVER_WRITE, 1), HV_E_FAIL,
			    bad_names[i]);
	char bad_paths[4][512];
	snprintf(bad_paths[0], 512, "relative/dir");
	snprintf(bad_paths[1], 512, "%s/../esc", p->dst);
	snprintf(bad_paths[2], 512, "%s/..", p->dst);
	bad_paths[3][0] = '\0';
	for (i = 0; ok && i < 4; i++)
		ok = status(p, start(p, "esc", bad_paths[i], CREATE_PATH | OVER_WRITE, 1), HV_E_FAIL,
			    bad_paths[i]);
	snprintf(path, sizeof(path), "%s/esc", p->work);
	ok = ok && EXPECT(p, access(path, F_OK) != 0, "%s was created", path);
	report(p, "escapes-refused", ok && dir_has(p, p->dst, "big.bin"));

	/* a directory in the way is not replaced, even with OVER_WRITE */
	snprintf(path, sizeof(path), "%s/sub", p->dst);
	mkdir(path, 0755);
	ok = status(p, start(p, "sub", p->dst, OVER_WRITE, 1), HV_E_FAIL, "directory target");
	report(p, "directory-not-replaced", ok && dir_has(p, path, "") && dir_has(p, p->dst, "big.bin sub"));
	rmdir(path);

	/* a full file system: ERROR_DISK_FULL, and nothing is left */
	if (p->full) {
		ok = status(p, start(p, "huge.bin", p->full, 0, 1024 * 1024), HV_S_OK, "START");
		st = HV_S_OK;
		for (i = 0; ok && st == HV_S_OK && i < 1024 * 1024; i += DATA_FRAGMENT)
			st = write_at(p, i, big + i, DATA_FRAGMENT);
		ok = ok && status(p, st, HV_ERROR_DISK_FULL, "WRITE to a full disk");
		ok = ok && status(p, simple(p, COMPLETE_FCOPY), HV_E_FAIL, "COMPLETE after it");
		report(p, "disk-full", ok && dir_has(p, p->full, ""));
	}

	/* malformed messages: an error answer each, no crash; a copy under way is dropped */
	{
		static unsigned char junk[FCOPY_MAX_MSG + 100];
		struct { size_t len; uint32_t op; uint32_t want; const char *what; } cases[] = {
			{ 2, START_FILE_COPY, HV_E_FAIL, "2 bytes" },
			{ FCOPY_HDR_SIZE - 1, CANCEL_FCOPY, HV_E_FAIL, "35 bytes" },
			{ FCOPY_START_SIZE - 1, START_FILE_COPY, HV_E_FAIL, "short START" },
			{ FCOPY_START_SIZE + 1, START_FILE_COPY, HV_E_FAIL, "long START" },
			{ FCOPY_DATA_SIZE - 1, WRITE_TO_FILE, HV_E_FAIL, "short WRITE" },
			{ FCOPY_MAX_MSG + 1, COMPLETE_FCOPY, HV_E_FAIL, "oversized" },
			{ FCOPY_MAX_MSG + 100, WRITE_TO_FILE, HV_E_FAIL, "far oversized" },
			{ FCOPY_HDR_SIZE, 4, HV_ERROR_NOT_SUPPORTED, "op 4" },
			{ FCOPY_HDR_SIZE, 0xffffffffu, HV_ERROR_NOT_SUPPORTED, "op 0xffffffff" },
		};
		ok = true;
		for (i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
			ok = status(p, start(p, "m.bin", p->dst, 0, 10), HV_S_OK, "START");
			memset(junk, 0x41, sizeof(junk));
			memcpy(junk, &cases[i].op, 4);
			ok = ok && status(p, xfer(p, junk, cases[i].len), cases[i].want, cases[i].what);
			ok = ok && status(p, simple(p, COMPLETE_FCOPY), HV_E_FAIL, "COMPLETE after it") &&
			     dir_has(p, p->dst, "big.bin");
		}
		/* WRITE too large, WRITE without START */
		ok = ok && status(p, start(p, "m.bin", p->dst, 0, 10), HV_S_OK, "START");
		ok = ok && status(p, write_at(p, 0, big, DATA_FRAGMENT + 1), HV_E_FAIL, "size > 6144");
		ok = ok && status(p, write_at(p, ~0ull - 10, big, 100), HV_E_FAIL, "offset overflow");
		ok = ok && status(p, write_at(p, 0, big, 1), HV_E_FAIL, "WRITE without START");
		report(p, "bad-messages", ok && alive(p) && dir_has(p, p->dst, "big.bin"));
	}
	t_symlinks(p);
	t_symlink_flip(p);
	t_metadata(p);
	t_size(p);
	t_squat(p);
	t_log_escape(p);
}

/* ---- symlinks, metadata, sizes, squatted names, log escaping ------------ */

static bool file_is(struct peer *p, const char *path, const char *want)
{
	return same_file(p, path, (const unsigned char *)want, strlen(want));
}

static bool is_symlink_to(struct peer *p, const char *path, const char *want)
{
	char got[512];
	ssize_t n = readlink(path, got, sizeof(got) - 1);

	if (!EXPECT(p, n >= 0, "%s is no longer a symlink", path))
		return false;
	got[n] = '\0';
	return EXPECT(p, !strcmp(got, want), "%s points to '%s', want '%s'", path, got, want);
}

static void put_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, data, strlen(data)) < 0)
			perror(path);
		close(fd);
	}
}

static void sub(char *out, size_t size, const char *dir, const char *rel)
{
	snprintf(out, size, "%s/%s", dir, rel);
}

/* Copies a short string; returns the status of the first failing step. */
static long copy_str(struct peer *p, const char *name, const char *path, uint32_t flags,
		     const char *data)
{
	return copy(p, name, path, flags, (const unsigned char *)data, strlen(data));
}

/*
 * Item 13: a symlink anywhere in the target path, or as the target itself,
 * is refused; nothing is written where it points.
 */
static void t_symlinks(struct peer *p)
{
	char base[512], out[512], path[1024], d[1024], moved[1024];
	static const uint32_t flag_sets[] = { 0, CREATE_PATH, OVER_WRITE, CREATE_PATH | OVER_WRITE };
	bool ok = true;
	size_t i;

	sub(base, sizeof(base), p->work, "sym");
	sub(out, sizeof(out), p->work, "outside");
	mkdir(base, 0755);
	mkdir(out, 0755);
	sub(path, sizeof(path), out, "od");
	mkdir(path, 0755);
	sub(path, sizeof(path), out, "victim");
	put_file(path, "secret");
	sub(path, sizeof(path), base, "real");
	mkdir(path, 0755);
	sub(path, sizeof(path), base, "real/sub");
	mkdir(path, 0755);
	/* the last directory, a middle one, one deeper down, a dangling one */
	sub(path, sizeof(path), base, "l1");
	symlink("../outside", path);
	sub(path, sizeof(path), base, "real/l2");
	symlink("../../outside", path);
	sub(path, sizeof(path), base, "real/sub/l3");
	symlink("../../../outside/od", path);
	sub(path, sizeof(path), base, "dang");
	symlink("../outside/nodir", path);

	static const char *const via[] = { "l1", "l1/od", "real/l2", "real/l2/od", "real/l2/new/deeper",
		"real/sub/l3", "real/sub/l3/x", "dang", "dang/sub" };
	for (i = 0; ok && i < sizeof(via) / sizeof(via[0]); i++) {
		for (size_t f = 0; ok && f < 4; f++) {
			sub(d, sizeof(d), base, via[i]);
			ok = EXPECT(p, copy_str(p, "f", d, flag_sets[f], "data") != HV_S_OK,
				    "a copy through %s (flags %u) succeeded", via[i], flag_sets[f]);
		}
	}
	report(p, "symlink-in-path-refused", ok && dir_has(p, out, "od victim") &&
	       (sub(path, sizeof(path), out, "od"), dir_has(p, path, "")));

	/* the target itself a symlink (to a file outside, dangling): never followed or replaced */
	sub(d, sizeof(d), base, "real");
	sub(path, sizeof(path), d, "fl");
	symlink("../../outside/victim", path);
	sub(path, sizeof(path), d, "fd");
	symlink("../../outside/newfile", path);
	ok = status(p, copy_str(p, "fl", d, 0, "pwned"), HV_ERROR_ALREADY_EXISTS, "fl") &&
	     status(p, copy_str(p, "fl", d, OVER_WRITE, "pwned"), HV_E_FAIL, "fl OVER_WRITE") &&
	     status(p, copy_str(p, "fd", d, 0, "pwned"), HV_ERROR_ALREADY_EXISTS, "fd") &&
	     status(p, copy_str(p, "fd", d, OVER_WRITE, "pwned"), HV_E_FAIL, "fd OVER_WRITE");
	sub(path, sizeof(path), d, "fl");
	ok = ok && is_symlink_to(p, path, "../../outside/victim");
	sub(path, sizeof(path), d, "fd");
	ok = ok && is_symlink_to(p, path, "../../outside/newfile");
	sub(path, sizeof(path), out, "victim");
	report(p, "symlink-target-refused", ok && file_is(p, path, "secret") &&
	       dir_has(p, out, "od victim") && dir_has(p, d, "fd fl l2 sub"));

	/* races: the directory swapped for a symlink in mid-copy; the file goes
	 * into the directory opened at START, never through the new link */
	sub(d, sizeof(d), base, "race/d");
	ok = status(p, start(p, "f", d, CREATE_PATH, 4), HV_S_OK, "START");
	sub(moved, sizeof(moved), base, "race/d.moved");
	ok = ok && EXPECT(p, rename(d, moved) == 0 && symlink("../../outside", d) == 0,
			  "swapping %s: %s", d, strerror(errno));
	ok = ok && status(p, write_at(p, 0, "race", 4), HV_S_OK, "WRITE") &&
	     status(p, simple(p, COMPLETE_FCOPY), HV_S_OK, "COMPLETE");
	sub(path, sizeof(path), moved, "f");
	ok = ok && file_is(p, path, "race") && dir_has(p, out, "od victim");
	/* the target name turned into a symlink between START and COMPLETE */
	sub(d, sizeof(d), base, "real");
	ok = ok && status(p, start(p, "late", d, OVER_WRITE, 4), HV_S_OK, "START");
	sub(path, sizeof(path), d, "late");
	ok = ok && EXPECT(p, symlink("../../outside/victim", path) == 0, "symlink: %s", strerror(errno));
	ok = ok && status(p, write_at(p, 0, "race", 4), HV_S_OK, "WRITE") &&
	     status(p, simple(p, COMPLETE_FCOPY), HV_E_FAIL, "COMPLETE onto a symlink") &&
	     is_symlink_to(p, path, "../../outside/victim");
	sub(path, sizeof(path), out, "victim");
	report(p, "symlink-races", ok && file_is(p, path, "secret") && dir_has(p, out, "od victim") &&
	       dir_has(p, d, "fd fl l2 late sub"));
}

/*
 * Item 13, a race: a child swaps a directory and a symbolic link to a
 * directory outside (renameat2 RENAME_EXCHANGE, as fast as it can) while
 * copies go to the directory's name. Each copy lands in the real directory
 * or is refused; none ever reaches outside, none leaves a temporary file.
 */
static void t_symlink_flip(struct peer *p)
{
	char base[512], out[512], x[1024], xl[1024], real[1024], name[32], got[65536];
	int copied = 0, refused = 0, other = 0, n_files = 0, rounds = p->valgrind ? 100 : 300;
	struct dirent **ents;
	struct stat st;
	pid_t flipper;
	bool ok;

	sub(base, sizeof(base), p->work, "flip");
	sub(out, sizeof(out), p->work, "outside-flip");
	mkdir(base, 0755);
	mkdir(out, 0755);
	sub(x, sizeof(x), base, "x");
	sub(xl, sizeof(xl), base, "xl");
	mkdir(x, 0755);
	symlink("../outside-flip", xl);
	flipper = fork();
	if (flipper == 0) {
		for (;;)
			renameat2(AT_FDCWD, x, AT_FDCWD, xl, RENAME_EXCHANGE);
	}
	for (int i = 0; i < rounds && other == 0; i++) {
		long st_copy;

		snprintf(name, sizeof(name), "f%d", i);
		st_copy = copy_str(p, name, x, 0, "flip");
		if (st_copy == HV_S_OK)
			copied++;
		else if (st_copy == HV_E_FAIL || st_copy == HV_ERROR_PATH_NOT_FOUND)
			refused++;
		else
			other++;
	}
	kill(flipper, SIGKILL);
	waitpid(flipper, NULL, 0);
	p->reason[0] = '\0';	/* refusals are expected here */
	/* the real directory is whichever name is not the link now */
	snprintf(real, sizeof(real), "%s", lstat(x, &st) == 0 && S_ISDIR(st.st_mode) ? x : xl);
	int n = scandir(real, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		n_files += ents[i]->d_name[0] == 'f';
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	listing(real, got, sizeof(got));
	printf("# fcopy/symlink-flip: %d copied, %d refused\n", copied, refused);
	ok = EXPECT(p, other == 0, "a copy answered neither OK nor a refusal") &&
	     dir_has(p, out, "") &&
	     EXPECT(p, n >= 0 && n_files == copied && n == copied + 2,
		    "%d copies succeeded, the directory holds '%.200s'", copied, got);
	report(p, "symlink-swap-race", ok);
}

/* All extended attributes of path (ACLs included), as "name=value;..." */
static void xattrs_of(const char *path, char *outs, size_t size)
{
	char names[4096], val[1024];
	ssize_t n = llistxattr(path, names, sizeof(names));
	size_t len = 0;

	outs[0] = '\0';
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
		ssize_t v = lgetxattr(path, names + i, val, sizeof(val));

		len += (size_t)snprintf(outs + len, len < size ? size - len : 0, "%s=", names + i);
		for (ssize_t k = 0; k < v; k++)
			len += (size_t)snprintf(outs + len, len < size ? size - len : 0, "%02x",
						(unsigned char)val[k]);
		len += (size_t)snprintf(outs + len, len < size ? size - len : 0, ";");
	}
}

static bool owner_is(struct peer *p, const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;

	if (!EXPECT(p, lstat(path, &st) == 0, "%s: %s", path, strerror(errno)))
		return false;
	return EXPECT(p, st.st_uid == uid && st.st_gid == gid && (st.st_mode & 07777) == mode,
		      "%s: %u:%u mode %o, want %u:%u mode %o", path, (unsigned int)st.st_uid,
		      (unsigned int)st.st_gid, st.st_mode & 07777, (unsigned int)uid,
		      (unsigned int)gid, mode);
}

/* Item 14: OVER_WRITE keeps the replaced file's owner, group, mode, ACL and xattrs. */
static void t_metadata(struct peer *p)
{
	char path[512], cmd[1200], before[8192], after[8192];
	bool ok;

	snprintf(path, sizeof(path), "%s/shadow", p->dst);
	put_file(path, "root:*:1:0:::::\n");
	ok = EXPECT(p, chown(path, 1234, 5678) == 0 && chmod(path, 0640) == 0, "chown: %s",
		    strerror(errno));
	snprintf(cmd, sizeof(cmd), "setfacl -m u:4321:r,g::-,m::r '%s' && setfattr -n user.hvlis -v kept '%s'",
		 path, path);
	ok = ok && EXPECT(p, system(cmd) == 0, "'%s' failed (packages acl, attr)", cmd);
	xattrs_of(path, before, sizeof(before));
	ok = ok && EXPECT(p, strstr(before, "system.posix_acl_access=") && strstr(before, "user.hvlis="),
			  "the ACL and xattr were not set: %s", before);
	ok = ok && status(p, copy_str(p, "shadow", p->dst, OVER_WRITE, "root:$6$new:1:0:::::\n"), HV_S_OK,
			  "OVER_WRITE");
	xattrs_of(path, after, sizeof(after));
	ok = ok && file_is(p, path, "root:$6$new:1:0:::::\n") && owner_is(p, path, 1234, 5678, 0640) &&
	     EXPECT(p, !strcmp(before, after), "xattrs before '%s', after '%s'", before, after);
	report(p, "overwrite-keeps-owner-mode-acl", ok);
	unlink(path);

	/* a private file stays private; a new file is root's, 0644 */
	snprintf(path, sizeof(path), "%s/private", p->dst);
	put_file(path, "x");
	ok = EXPECT(p, chmod(path, 0600) == 0, "chmod");
	ok = ok && status(p, copy_str(p, "private", p->dst, OVER_WRITE, "y"), HV_S_OK, "OVER_WRITE") &&
	     file_is(p, path, "y") && owner_is(p, path, 0, 0, 0600);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fresh", p->dst);
	ok = ok && status(p, copy_str(p, "fresh", p->dst, 0, "z"), HV_S_OK, "new file") &&
	     owner_is(p, path, 0, 0, 0644);
	unlink(path);
	report(p, "overwrite-keeps-mode", ok && dir_has(p, p->dst, "big.bin"));
}

/* Item 15: writes beyond the announced size are refused and drop the copy. */
static void t_size(struct peer *p)
{
	static const struct { uint64_t off; uint32_t len; } bad[] = {
		{ 1ull << 40, 10 }, { 5, 6 }, { 10, 1 }, { 0, 11 },
	};
	char path[1024];
	bool ok = true;

	snprintf(path, sizeof(path), "%s/sized", p->dst);
	for (size_t i = 0; ok && i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = status(p, start(p, "sized", p->dst, 0, 10), HV_S_OK, "START") &&
		     status(p, write_at(p, 0, "0123456789", 5), HV_S_OK, "WRITE in range") &&
		     status(p, write_at(p, bad[i].off, "0123456789ab", bad[i].len), HV_E_FAIL,
			    "WRITE beyond the size") &&
		     dir_has(p, p->dst, "big.bin") &&
		     status(p, simple(p, COMPLETE_FCOPY), HV_E_FAIL, "COMPLETE after it");
	}
	ok = ok && status(p, copy_str(p, "sized", p->dst, 0, "0123456789"), HV_S_OK, "exact size") &&
	     file_is(p, path, "0123456789");
	unlink(path);
	ok = ok && status(p, start(p, "sized", p->dst, 0, 0), HV_S_OK, "START of 0 bytes") &&
	     status(p, write_at(p, 0, "x", 1), HV_E_FAIL, "a byte into an empty file");
	report(p, "size-enforced", ok && dir_has(p, p->dst, "big.bin"));
}

/* Item 15: temporary names cannot be squatted (the old ones were .hv_fcopy.PID.N). */
static void t_squat(struct peer *p)
{
	char dir[512], path[1024], name[64], got[64];
	int n_squat = 500, bad = 0;
	bool ok = true;

	sub(dir, sizeof(dir), p->work, "squat");
	mkdir(dir, 01777);
	for (int i = 0; i < n_squat; i++) {
		snprintf(name, sizeof(name), ".hv_fcopy.%d.%d", (int)p->pid, i);
		sub(path, sizeof(path), dir, name);
		if (i % 2)
			symlink("../outside/squatted", path);
		else
			put_file(path, "squat");
	}
	for (int k = 0; ok && k < 3; k++)
		ok = status(p, copy_str(p, "sq", dir, k ? OVER_WRITE : 0, k ? "again" : "first"),
			    HV_S_OK, "a copy among squatted names");
	sub(path, sizeof(path), dir, "sq");
	ok = ok && file_is(p, path, "again");
	for (int i = 0; ok && i < n_squat; i++) {
		snprintf(name, sizeof(name), ".hv_fcopy.%d.%d", (int)p->pid, i);
		sub(path, sizeof(path), dir, name);
		if (i % 2) {
			ssize_t len = readlink(path, got, sizeof(got) - 1);

			bad += len != (ssize_t)strlen("../outside/squatted");
		} else {
			int fd = open(path, O_RDONLY | O_NOFOLLOW);
			ssize_t len = fd >= 0 ? read(fd, got, sizeof(got)) : -1;

			bad += len != 5 || memcmp(got, "squat", 5);
			if (fd >= 0)
				close(fd);
		}
	}
	ok = ok && EXPECT(p, bad == 0, "%d squatted names were touched", bad);
	sub(path, sizeof(path), p->work, "outside/squatted");
	report(p, "squatted-temp-names", ok && EXPECT(p, access(path, F_OK) != 0, "%s created", path));
}

/* Item 20: host strings are escaped in the log; no forged lines, no terminal controls. */
static void t_log_escape(struct peer *p)
{
	static char log[1 << 20];
	char path[1024];
	int fd;
	ssize_t n;
	bool ok;

	ok = status(p, start(p, "x\nhvlis-forged: root logged in", p->dst, 0, 1), HV_E_FAIL, "newline") &&
	     status(p, start(p, "y", "/tmp/\r\nhvlis-forged: path", 0, 1), HV_E_FAIL, "CR LF") &&
	     status(p, start(p, "z\x1b[2J", p->dst, 0, 1), HV_E_FAIL, "ESC");
	/* accepted names with a C1 control (U+009B, CSI) and a backslash */
	ok = ok && status(p, copy_str(p, "c1\xc2\x9b" "1m", p->dst, 0, "a"), HV_S_OK, "C1 name") &&
	     status(p, copy_str(p, "bs\\x0ahvlis-forged", p->dst, 0, "a"), HV_S_OK, "backslash name");
	snprintf(path, sizeof(path), "%s/c1\xc2\x9b" "1m", p->dst);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bs\\x0ahvlis-forged", p->dst);
	unlink(path);
	fd = open(p->log, O_RDONLY);
	n = fd >= 0 ? read(fd, log, sizeof(log) - 1) : -1;
	if (fd >= 0)
		close(fd);
	ok = ok && EXPECT(p, n > 0, "cannot read %s", p->log);
	if (ok) {
		log[n] = '\0';
		ok = EXPECT(p, !strstr(log, "\nhvlis-forged"), "a forged line in the log") &&
		     EXPECT(p, !strchr(log, '\r') && !strchr(log, 0x1b), "CR or ESC in the log") &&
		     EXPECT(p, !strstr(log, "\xc2\x9b"), "a C1 control in the log") &&
		     EXPECT(p, strstr(log, "x\\x0ahvlis-forged") != NULL, "the refused name is not in the log, escaped") &&
		     EXPECT(p, strstr(log, "bs\\\\x0ahvlis-forged") != NULL, "a backslash is not escaped");
	}
	report(p, "log-escapes-host-strings", ok && dir_has(p, p->dst, "big.bin"));
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "daemon", required_argument, NULL, 'D' },
		{ "work", required_argument, NULL, 'w' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "valgrind", no_argument, NULL, 'g' },
		{ "full", required_argument, NULL, 'f' },
		{ "daemon-arg", required_argument, NULL, 'a' },
		{ 0 }
	};
	struct peer p = { .prefix = "", .timeout_ms = 5000, .cfd = -1 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[512];
	int c, rc;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'D': p.daemon = optarg; break;
		case 'w': p.work = optarg; break;
		case 'p': p.prefix = optarg; break;
		case 'f': p.full = optarg; break;
		case 'a':
			if (p.n_dargs == 8)
				return 2;
			p.dargs[p.n_dargs++] = optarg;
			break;
		case 'g': p.valgrind = true; p.timeout_ms = 30000; break;
		default: return 2;
		}
	}
	if (!p.daemon || !p.work) {
		fprintf(stderr, "usage: fcopy_peer --daemon BIN --work DIR [--prefix P] [--valgrind]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(p.sock, sizeof(p.sock), "%s/fcopy.sock", p.work);
	snprintf(p.log, sizeof(p.log), "%s/daemon.log", p.work);
	snprintf(p.dst, sizeof(p.dst), "%s/dst", p.work);
	mkdir(p.dst, 0755);
	unlink(p.sock);
	memcpy(sa.sun_path, p.sock, strlen(p.sock) + 1);
	p.lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (p.lfd < 0 || bind(p.lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(p.lfd, 4) < 0) {
		perror(p.sock);
		return 2;
	}

	spawn(&p);
	if (handshake(&p)) {
		report(&p, "register", true);
		tests(&p);
		/* SIGTERM in mid-copy: the temporary file goes, the daemon exits 0 */
		static unsigned char data[DATA_FRAGMENT];
		bool ok = status(&p, start(&p, "t.bin", p.dst, 0, sizeof(data)), HV_S_OK, "START");
		ok = ok && status(&p, write_at(&p, 0, data, sizeof(data)), HV_S_OK, "WRITE");
		rc = stop(&p, SIGTERM);
		ok = ok && EXPECT(&p, rc == 0, "exit status %d", rc);
		report(&p, "stop-mid-copy", ok && dir_has(&p, p.dst, "big.bin"));
	} else {
		report(&p, "register", false);
		stop(&p, SIGKILL);
	}
	/* the device going away in mid-copy: the daemon reopens, nothing is left */
	spawn(&p);
	if (handshake(&p)) {
		bool ok = status(&p, start(&p, "r.bin", p.dst, 0, 100), HV_S_OK, "START");
		close(p.cfd);
		p.cfd = -1;
		ok = ok && handshake(&p);
		ok = ok && dir_has(&p, p.dst, "big.bin");
		rc = stop(&p, SIGTERM);
		report(&p, "reopen-mid-copy", ok && EXPECT(&p, rc == 0, "exit status %d", rc));
	} else {
		report(&p, "reopen-mid-copy", false);
		stop(&p, SIGKILL);
	}
	snprintf(path, sizeof(path), "%s", p.sock);
	unlink(path);
	printf("# fcopy: %d failures\n", p.failures);
	return p.failures ? 1 : 0;
}
