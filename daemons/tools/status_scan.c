// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvlis-status: what it looks at, under --root: DKMS's tree
 * (/var/lib/dkms/hvlis), the module dependency data of each kernel
 * (/lib/modules/REL/modules.dep, modules.builtin), its initramfs (listed
 * by lsinitramfs or lsinitrd), the logs of failed builds the kernel hooks
 * keep (/var/log/hvlis, /run/hvlis) and the modules loaded (/sys/module,
 * matched to files by srcversion, read with modinfo).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "hvd.h"
#include "status.h"

#define DEP_MAX (64u << 20)
#define LIST_MAX (64u << 20)
#define LOG_MAX (16u << 20)
#define TAIL_LINES 10
#define TOOL_TIMEOUT_MS 120000

char *st_path(const struct st_report *r, const char *fmt, ...)
{
	va_list ap;
	char *rel, *p;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0)
		rel = NULL;
	va_end(ap);
	if (!rel)
		exit(ST_INTERNAL);
	p = xasprintf("%s%s", r->root, rel);
	free(rel);
	return p;
}

static bool exists(const char *path, bool want_dir)
{
	struct stat st;

	return stat(path, &st) == 0 && (!want_dir || S_ISDIR(st.st_mode));
}

/* True if path names module mod: NAME.ko[.gz|.xz|.zst], '-' same as '_'. */
static bool ko_is(const char *path, size_t len, const char *mod)
{
	const char *b = path + len, *end = path + len;
	size_t ml = strlen(mod), i;

	while (b > path && b[-1] != '/')
		b--;
	if ((size_t)(end - b) < ml + 3)
		return false;
	for (i = 0; i < ml; i++) {
		char c = b[i] == '-' ? '_' : b[i], m = mod[i] == '-' ? '_' : mod[i];

		if (c != m)
			return false;
	}
	b += ml;
	if (strncmp(b, ".ko", 3) != 0)
		return false;
	b += 3;
	len = (size_t)(end - b);
	return len == 0 || (len == 3 && (!strncmp(b, ".gz", 3) || !strncmp(b, ".xz", 3))) ||
	       (len == 4 && !strncmp(b, ".zst", 4));
}

/*
 * len without a trailing .gz, .xz or .zst: initramfs-tools copies a
 * compressed module decompressed, and it is still the same file
 */
static size_t ko_plain_len(const char *path, size_t len)
{
	static const char *const ext[] = { ".gz", ".xz", ".zst" };
	size_t i, el;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		el = strlen(ext[i]);
		if (len > el && !strncmp(path + len - el, ext[i], el))
			return len - el;
	}
	return len;
}

/* True if the image's path (len bytes) is the module file rel, compressed or not. */
static bool same_ko(const char *path, size_t len, const char *rel)
{
	size_t a = ko_plain_len(path, len), b = ko_plain_len(rel, strlen(rel));

	return a == b && !strncmp(path, rel, a);
}

static enum st_origin origin_of(const char *rel)
{
	if (!strncmp(rel, "updates/dkms/", 13) || !strncmp(rel, "updates/hvlis/", 14))
		return OR_HVLIS;
	return OR_DISTRO;
}

/* The entry of mod in a modules.dep / modules.builtin text, or NULL. */
static char *find_ko(const char *text, const char *mod, bool dep)
{
	const char *p, *nl;
	size_t n;

	for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (dep) {
			const char *colon = memchr(p, ':', n);

			if (!colon)
				continue;
			n = (size_t)(colon - p);
		}
		if (ko_is(p, n, mod))
			return xasprintf("%.*s", (int)n, p);
	}
	return NULL;
}

static void resolve(const struct st_report *r, struct st_kernel *k)
{
	char *dp = st_path(r, "/lib/modules/%s/modules.dep", k->rel);
	char *bp = st_path(r, "/lib/modules/%s/modules.builtin", k->rel);
	char *dep = tools_read_file(dp, DEP_MAX, NULL);
	char *bi = tools_read_file(bp, DEP_MAX, NULL);
	size_t i;

	for (i = 0; bi && i < k->n_mods; i++) {
		char *hit = find_ko(bi, k->mods[i].name, false), *all;

		if (!hit)
			continue;
		free(hit);
		all = xasprintf("%s%s%s", k->builtin_mods ? k->builtin_mods : "",
				k->builtin_mods ? " " : "", k->mods[i].name);
		free(k->builtin_mods);
		k->builtin_mods = all;
	}
	for (i = 0; i < k->n_mods; i++) {
		struct st_mod *m = &k->mods[i];

		m->origin = OR_NODEP;
		if (!dep)
			continue;
		m->resolved = find_ko(dep, m->name, true);
		if (m->resolved)
			m->origin = origin_of(m->resolved);
		else if (bi && (m->resolved = find_ko(bi, m->name, false)))
			m->origin = OR_BUILTIN;
		else
			m->origin = OR_NONE;
	}
	free(dep);
	free(bi);
	free(dp);
	free(bp);
}

/* kernel-REL-ARCH -> VER/REL/ARCH: installed if that has the modules. */
static bool dkms_installed(const struct st_report *r, struct st_kernel *k, const char *tree,
			   const char *ent)
{
	size_t pl = strlen("kernel-") + strlen(k->rel) + 1;
	char *link, *dir, target[4096];
	ssize_t n;
	bool ok;

	if (strncmp(ent, "kernel-", 7) || strlen(ent) <= pl ||
	    strncmp(ent + 7, k->rel, strlen(k->rel)) || ent[pl - 1] != '-' || strchr(ent + pl, '-'))
		return false;
	link = xasprintf("%s/%s", tree, ent);
	n = readlink(link, target, sizeof(target) - 1);
	free(link);
	if (n <= 0 || target[0] == '/' || memchr(target, '/', (size_t)n) == NULL)
		return false;
	target[n] = '\0';
	dir = xasprintf("%s/%s/module", tree, target);
	ok = exists(dir, true);
	free(dir);
	(void)r;
	if (ok) {
		*strchr(target, '/') = '\0';
		free(k->dkms_version);
		k->dkms_version = xstrdup(target);
	}
	return ok;
}

/* VER/REL/<arch>/module exists for some arch */
static bool dkms_built(const char *tree, const char *ver, const char *rel)
{
	char *kd = xasprintf("%s/%s/%s", tree, ver, rel);
	DIR *d = opendir(kd);
	struct dirent *e;
	bool built = false;

	while (d && !built && (e = readdir(d))) {
		char *m;

		if (e->d_name[0] == '.')
			continue;
		m = xasprintf("%s/%s/module", kd, e->d_name);
		built = exists(m, true);
		free(m);
	}
	if (d)
		closedir(d);
	free(kd);
	return built;
}

static void dkms_version_state(struct st_kernel *k, const char *tree, const char *ver)
{
	char *src = xasprintf("%s/%s/source", tree, ver);
	enum st_dkms s = DK_NO_TREE;

	if (dkms_built(tree, ver, k->rel))
		s = DK_BUILT;
	else if (exists(src, false))
		s = DK_ADDED;
	free(src);
	if (s > k->dkms) {
		k->dkms = s;
		free(k->dkms_version);
		k->dkms_version = xstrdup(ver);
	}
}

static void scan_dkms(const struct st_report *r, struct st_kernel *k)
{
	char *tree = st_path(r, "/var/lib/dkms/hvlis");
	DIR *d = opendir(tree);
	struct dirent *e;

	k->dkms = DK_NO_TREE;
	while (d && (e = readdir(d)) && k->dkms != DK_INSTALLED) {
		if (e->d_name[0] == '.')
			continue;
		if (dkms_installed(r, k, tree, e->d_name)) {
			k->dkms = DK_INSTALLED;
		} else if (strncmp(e->d_name, "kernel-", 7) && strcmp(e->d_name, "original_module")) {
			dkms_version_state(k, tree, e->d_name);
		}
	}
	if (d)
		closedir(d);
	free(tree);
}

/* build/include of the kernel; an absolute build link points into the root */
static bool has_headers(const struct st_report *r, const char *rel)
{
	char *b = st_path(r, "/lib/modules/%s/build", rel), *inc, t[4096];
	ssize_t n = readlink(b, t, sizeof(t) - 1);
	bool ok;

	if (n > 0 && t[0] == '/') {
		t[n] = '\0';
		inc = st_path(r, "%s/include", t);
	} else {
		inc = xasprintf("%s/include", b);
	}
	ok = exists(inc, true);
	free(inc);
	free(b);
	return ok;
}

/* The last TAIL_LINES lines of text. */
static char *tail_of(const char *text, size_t len)
{
	size_t n = len, lines = 0;

	while (n > 0 && text[n - 1] == '\n')
		n--;
	len = n;
	while (n > 0 && !(text[n - 1] == '\n' && ++lines == TAIL_LINES))
		n--;
	return xasprintf("%.*s", (int)(len - n), text + n);
}

/* path (under the root) holds a log; shown without the root */
static bool try_log(const struct st_report *r, struct st_kernel *k, char *path,
		    const char *must_have)
{
	size_t len;
	char *text = tools_read_file(path, LOG_MAX, &len);

	if (!text || (must_have && !strstr(text, must_have))) {
		free(text);
		free(path);
		return false;
	}
	k->failed_log = xstrdup(path + strlen(r->root));
	k->failed_tail = tail_of(text, len);
	free(text);
	free(path);
	return true;
}

/*
 * The hooks keep the compat probes' compiler output of a failed build next
 * to its make log (hvlis-kmod keep_probe_log): a regular file, not a link.
 */
static void scan_probe_log(const struct st_report *r, struct st_kernel *k)
{
	char *path = st_path(r, "/var/log/hvlis/probe-%s.log", k->rel);
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		k->probe_log = xstrdup(path + strlen(r->root));
	free(path);
}

static void scan_failed(const struct st_report *r, struct st_kernel *k)
{
	char *tree, *mark, *need, *skip;
	struct dirent *e;
	DIR *d;

	skip = st_path(r, "/run/hvlis/autoinstall-skip");
	mark = tools_read_file(skip, 4096, NULL);
	k->autoinstall_skip = mark && !strncmp(mark, k->rel, strlen(k->rel)) &&
			      (mark[strlen(k->rel)] == '\n' || !mark[strlen(k->rel)]);
	free(mark);
	free(skip);
	if (k->dkms >= DK_BUILT)
		return;
	if (try_log(r, k, st_path(r, "/var/log/hvlis/make-%s.log", k->rel), NULL)) {
		scan_probe_log(r, k);
		return;
	}
	tree = st_path(r, "/var/lib/dkms/hvlis");
	need = xasprintf("for kernel %s ", k->rel);
	d = opendir(tree);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "kernel-", 7))
			continue;
		if (try_log(r, k, xasprintf("%s/%s/build/make.log", tree, e->d_name), need))
			break;
	}
	if (d)
		closedir(d);
	free(need);
	free(tree);
}

/* name in PATH, as an absolute path, or NULL */
static char *find_tool(const char *name)
{
	const char *env = getenv("PATH");
	char *path = xstrdup(env ? env : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL, *dir, *found = NULL;

	for (dir = strtok_r(path, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, name);

		if (dir[0] == '/' && access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(path);
	return found;
}

/* stdout of argv (no shell) into a new buffer; NULL if it failed */
static char *run_tool(char *const argv[], size_t max)
{
	struct hvd_run_result res;
	struct hvd_log log;
	char *out = xcalloc(max + 1, 1);

	hvd_log_open(&log, "hvlis-status", true, false);
	if (hvd_run(&log, argv, out, max + 1, TOOL_TIMEOUT_MS, &res) < 0 || res.status != 0 ||
	    res.truncated) {
		free(out);
		return NULL;
	}
	return out;
}

/* Which copies of each boot module a listing of the image holds. */
static void match_listing(struct st_kernel *k, const char *list)
{
	char *pre = xasprintf("lib/modules/%s/", k->rel);
	const char *p, *nl, *hit;
	size_t i, n;

	for (i = 0; i < k->n_mods; i++)
		if (k->mods[i].boot)
			k->mods[i].initrd = IN_LACKS;
	for (p = list; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		hit = strstr(p, pre);
		if (!hit)
			break;
		if (nl && hit > nl) {
			/* on to the line of that hit, in one step */
			nl = memrchr(p, '\n', (size_t)(hit - p));
			continue;
		}
		hit += strlen(pre);
		n = strcspn(hit, " \t\n");
		for (i = 0; i < k->n_mods; i++) {
			struct st_mod *m = &k->mods[i];

			if (!m->boot || m->initrd == IN_HOLDS || !ko_is(hit, n, m->name))
				continue;
			if (m->resolved && same_ko(hit, n, m->resolved)) {
				m->initrd = IN_HOLDS;
			} else if (m->initrd == IN_LACKS) {
				m->initrd = IN_OTHER;
				m->initrd_copy = xasprintf("%.*s", (int)n, hit);
			}
		}
	}
	free(pre);
}

static void scan_initrd(const struct st_report *r, struct st_kernel *k)
{
	static const char *const listers[] = { "lsinitramfs", "lsinitrd" };
	char *img = NULL, *tool = NULL, *list;
	size_t i;

	for (i = 0; i < k->n_mods; i++)
		k->mods[i].initrd = k->mods[i].boot ? IN_NO_IMAGE : IN_NA;
	for (i = 0; i < 2 && !k->image; i++) {
		k->image = xasprintf(i ? "/boot/initramfs-%s.img" : "/boot/initrd.img-%s", k->rel);
		img = st_path(r, "%s", k->image);
		if (!exists(img, false)) {
			free(k->image);
			free(img);
			k->image = img = NULL;
		}
	}
	if (!img)
		return;
	for (i = 0; i < 2 && !tool; i++)
		if ((tool = find_tool(listers[i])))
			k->lister = listers[i];
	for (i = 0; i < k->n_mods; i++)
		if (k->mods[i].boot)
			k->mods[i].initrd = IN_UNKNOWN;
	if (tool) {
		char *argv[] = { tool, img, NULL };

		list = run_tool(argv, LIST_MAX);
		if (list)
			match_listing(k, list);
		free(list);
	}
	free(tool);
	free(img);
}

void st_scan_kernel(const struct st_report *r, struct st_kernel *k)
{
	size_t i, n = 0;

	while (st_modules[n])
		n++;
	k->mods = xcalloc(n, sizeof(*k->mods));
	k->n_mods = n;
	for (i = 0; i < n; i++) {
		k->mods[i].name = st_modules[i];
		k->mods[i].boot = st_is_boot_module(st_modules[i]);
	}
	k->running = r->running && !strcmp(r->running, k->rel);
	k->headers = has_headers(r, k->rel);
	scan_dkms(r, k);
	resolve(r, k);
	scan_failed(r, k);
	scan_initrd(r, k);
}

/* srcversion of a module file (modinfo reads any compression), or NULL */
static char *srcversion_of(const char *file)
{
	char *tool = find_tool("modinfo"), *out;
	char *argv[] = { tool, "-F", "srcversion", (char *)file, NULL };

	if (!tool)
		return NULL;
	out = run_tool(argv, 4096);
	free(tool);
	if (out)
		out[strcspn(out, "\n")] = '\0';
	if (out && !*out) {
		free(out);
		out = NULL;
	}
	return out;
}

static const struct st_kernel *running_kernel(const struct st_report *r)
{
	size_t i;

	for (i = 0; i < r->n_kernels; i++)
		if (r->kernels[i].running)
			return &r->kernels[i];
	return NULL;
}

/* Does file (relative to lib/modules/REL) carry the loaded srcversion? */
static bool match_file(const struct st_report *r, struct st_loaded *l, const char *rel)
{
	char *p = st_path(r, "/lib/modules/%s/%s", r->running, rel);
	char *sv = exists(p, false) ? srcversion_of(p) : NULL;
	bool ok = sv && !strcmp(sv, l->srcversion);

	free(sv);
	free(p);
	if (ok)
		l->from = xasprintf("/lib/modules/%s/%s", r->running, rel);
	return ok;
}

static void find_origin(const struct st_report *r, struct st_loaded *l)
{
	static const char *const dirs[] = { "updates/dkms", "updates/hvlis", "kernel/drivers/hv" };
	static const char *const exts[] = { "", ".xz", ".zst", ".gz" };
	const struct st_kernel *k = running_kernel(r);
	size_t i, j;

	for (i = 0; k && i < k->n_mods; i++) {
		const struct st_mod *m = &k->mods[i];

		if (strcmp(m->name, l->name) || !m->resolved || m->origin == OR_BUILTIN)
			continue;
		if (match_file(r, l, m->resolved)) {
			l->origin = m->origin;
			l->is_resolved = true;
			return;
		}
	}
	for (i = 0; i < 3; i++)
		for (j = 0; j < 4; j++) {
			char *rel = xasprintf("%s/%s.ko%s", dirs[i], l->name, exts[j]);
			bool ok = match_file(r, l, rel);

			if (ok)
				l->origin = origin_of(rel);
			free(rel);
			if (ok)
				return;
		}
}

void st_scan_loaded(const struct st_report *r, struct st_loaded *l)
{
	char *dir = st_path(r, "/sys/module/%s", l->name);
	char *init = xasprintf("%s/initstate", dir);
	char *svp = xasprintf("%s/srcversion", dir);

	l->origin = OR_NONE;
	if (exists(dir, true)) {
		l->loaded = true;
		l->builtin = !exists(init, false);
		l->srcversion = tools_read_file(svp, 256, NULL);
		if (l->srcversion)
			l->srcversion[strcspn(l->srcversion, "\n")] = '\0';
		if (l->builtin)
			l->origin = OR_BUILTIN;
		else if (l->srcversion && r->running)
			find_origin(r, l);
	}
	free(svp);
	free(init);
	free(dir);
}
