// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvlis-status: for the running kernel and every installed one, the DKMS
 * state of hvlis, which file modprobe would load for each of its modules,
 * whether the initramfs holds the boot modules modprobe would load, what
 * is loaded now and from where, the VMBus devices no driver has bound and
 * the last failed build. Text or --json; the exit status is the worst
 * problem found (see enum st_level and the man page).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"

#ifndef HVLIS_MODULES
#error "HVLIS_MODULES: the module names of modules/modules.list"
#endif
#ifndef HVLIS_BOOT_MODULES
#error "HVLIS_BOOT_MODULES: the boot modules of modules/modules.list"
#endif

#define MAX_MODULES 64
const char *st_modules[MAX_MODULES + 1];
static char modules_buf[] = HVLIS_MODULES;
static const char boot_modules[] = " " HVLIS_BOOT_MODULES " ";

bool st_is_boot_module(const char *name)
{
	char *w = xasprintf(" %s ", name);
	bool boot = strstr(boot_modules, w) != NULL;

	free(w);
	return boot;
}

static void split_modules(void)
{
	char *save = NULL, *t;
	size_t n = 0;

	for (t = strtok_r(modules_buf, " ", &save); t && n < MAX_MODULES;
	     t = strtok_r(NULL, " ", &save))
		st_modules[n++] = t;
	st_modules[n] = NULL;
}

static void problem(struct st_report *r, enum st_level lv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct st_report *r, enum st_level lv, const char *fmt, ...)
{
	struct st_problem *p;
	va_list ap;
	char *t;

	va_start(ap, fmt);
	if (vasprintf(&t, fmt, ap) < 0)
		exit(ST_INTERNAL);
	va_end(ap);
	r->problems = xreallocarray(r->problems, r->n_problems + 1, sizeof(*r->problems));
	p = &r->problems[r->n_problems++];
	p->level = lv;
	p->text = t;
	if (lv > r->level)
		r->level = lv;
}

static void add_kernel(struct st_report *r, const char *rel)
{
	size_t i;

	for (i = 0; i < r->n_kernels; i++)
		if (!strcmp(r->kernels[i].rel, rel))
			return;
	r->kernels = xreallocarray(r->kernels, r->n_kernels + 1, sizeof(*r->kernels));
	memset(&r->kernels[r->n_kernels], 0, sizeof(*r->kernels));
	r->kernels[r->n_kernels++].rel = xstrdup(rel);
}

static int cmp_kernel(const void *a, const void *b)
{
	return strcmp(((const struct st_kernel *)a)->rel, ((const struct st_kernel *)b)->rel);
}

static void list_kernels(struct st_report *r)
{
	char *dir = st_path(r, "/lib/modules");
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			add_kernel(r, e->d_name);
	if (d)
		closedir(d);
	free(dir);
	if (r->running)
		add_kernel(r, r->running);
	if (r->n_kernels)
		qsort(r->kernels, r->n_kernels, sizeof(*r->kernels), cmp_kernel);
}

static void mod_problems(struct st_report *r, const struct st_kernel *k, const struct st_mod *m)
{
	bool ours = m->origin == OR_HVLIS ||
		    (m->initrd_copy && !strncmp(m->initrd_copy, "updates/", 8));

	/* inactive on purpose: modprobe is meant to load the distribution's file */
	if (k->dkms == DK_INSTALLED && m->origin != OR_HVLIS && !r->inactive)
		problem(r, ST_WARN, "kernel %s: DKMS installed hvlis, but modprobe loads %s from %s (run depmod %s)",
			k->rel, m->name, m->resolved ? m->resolved : "nowhere", k->rel);
	if ((m->initrd == IN_LACKS || m->initrd == IN_OTHER) && ours)
		problem(r, ST_CRIT, "kernel %s: the initramfs %s %s %s, but modprobe loads %s (regenerate it: hvlis-kmod initramfs %s)",
			k->rel, k->image, m->initrd == IN_LACKS ? "has no" : "holds another",
			m->initrd == IN_LACKS ? m->name : m->initrd_copy,
			m->resolved ? m->resolved : "nothing", k->rel);
}

/*
 * A kernel with hv_vmbus (or another hvlis module) built in keeps the
 * distribution's drivers: hvlis's hv_vmbus cannot load there, so its
 * hv_storvsc and hv_netvsc could not either. Worth a look; boot-critical
 * if hvlis's modules are installed for it anyway (an older hvlis, or a
 * build by hand): modprobe would pick its disk driver, which cannot load.
 */
static void builtin_problems(struct st_report *r, const struct st_kernel *k)
{
	size_t i;

	if (!k->builtin_mods)
		return;
	for (i = 0; i < k->n_mods; i++)
		if (k->mods[i].origin == OR_HVLIS)
			break;
	if (i < k->n_mods || k->dkms == DK_INSTALLED)
		problem(r, ST_CRIT, "kernel %s has %s built in, yet hvlis's modules are installed for it and cannot load there (remove them: dkms remove hvlis/%s -k %s)",
			k->rel, k->builtin_mods, k->dkms_version ? k->dkms_version : "VERSION", k->rel);
	else
		problem(r, ST_WARN, "built-in VMBus: hvlis not used for %s (built into the kernel: %s); it keeps the distribution's drivers",
			k->rel, k->builtin_mods);
}

static void kernel_problems(struct st_report *r, const struct st_kernel *k)
{
	size_t i;

	builtin_problems(r, k);
	if (k->failed_log)
		problem(r, ST_WARN, "kernel %s: hvlis's last build failed; log: %s", k->rel, k->failed_log);
	if (k->autoinstall_skip)
		problem(r, ST_WARN, "kernel %s: DKMS's autoinstall skipped hvlis (/run/hvlis/autoinstall-skip)", k->rel);
	/* not built for a kernel with VMBus built in: on purpose (above) */
	if (!k->builtin_mods && (k->dkms == DK_BUILT || (k->dkms == DK_ADDED && k->headers)))
		problem(r, ST_WARN, "kernel %s: hvlis %s is %s but not installed for it", k->rel,
			k->dkms_version, st_dkms_name(k->dkms));
	for (i = 0; i < k->n_mods; i++)
		mod_problems(r, k, &k->mods[i]);
}

static void find_problems(struct st_report *r)
{
	size_t i;

	if (r->inactive)
		problem(r, ST_WARN, "hvlis is inactive, the distribution's drivers are used: %s",
			r->inactive_reason ? r->inactive_reason : "(no reason recorded)");
	for (i = 0; i < r->n_kernels; i++)
		kernel_problems(r, &r->kernels[i]);
	for (i = 0; i < r->n_loaded; i++) {
		const struct st_loaded *l = &r->loaded[i];

		if (l->loaded && !l->builtin && !l->is_resolved)
			problem(r, ST_WARN, "%s is loaded from %s, not from the file modprobe loads now (reload it or reboot)",
				l->name, l->from ? l->from : "a file not found under /lib/modules");
	}
	for (i = 0; r->devices_checked && i < r->devices.n; i++)
		if (!r->devices.devs[i].driver)
			problem(r, ST_WARN, "VMBus device %s (%s) has no driver", r->devices.devs[i].id,
				vmbus_class_name(r->devices.devs[i].class_id));
}

static void read_running(struct st_report *r)
{
	char *p = st_path(r, "/proc/sys/kernel/osrelease");

	r->running = tools_read_file(p, 256, NULL);
	if (r->running)
		r->running[strcspn(r->running, "\n")] = '\0';
	if (r->running && (!*r->running || strchr(r->running, '/'))) {
		free(r->running);
		r->running = NULL;
	}
	free(p);
}

/*
 * hvlis-kmod activate writes /etc/depmod.d/hvlis-inactive.conf when a VMBus
 * device of the VM has no hvlis driver (or the administrator said so), and
 * removes it when hvlis may be active; its "# hvlis-inactive: " line says why.
 */
static void read_stack(struct st_report *r)
{
	static const char tag[] = "# hvlis-inactive: ";
	char *p = st_path(r, "/etc/depmod.d/hvlis-inactive.conf");
	char *text, *line;

	r->inactive = access(p, F_OK) == 0;
	text = r->inactive ? tools_read_file(p, 64 * 1024, NULL) : NULL;
	line = text ? strstr(text, tag) : NULL;
	if (line) {
		line += sizeof(tag) - 1;
		line[strcspn(line, "\n")] = '\0';
		r->inactive_reason = xstrdup(line);
	}
	free(text);
	free(p);
}

static void usage(FILE *f)
{
	fputs("usage: hvlis-status [--json] [--kernel REL] [--root DIR] [-h]\n"
	      "  The state of hvlis for the running and every installed kernel.\n"
	      "  --json        one JSON object instead of text\n"
	      "  --kernel REL  only kernel release REL\n"
	      "  --root DIR    look at the system mounted at DIR instead of /\n"
	      "Exit status: 0 fine, 1 something to look at, 2 a boot-critical problem,\n"
	      "3 bad usage, 4 internal error.\n", f);
}

static int parse(int argc, char **argv, bool *json, const char **kernel, const char **root)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--json")) {
			*json = true;
		} else if ((!strcmp(a, "--kernel") || !strcmp(a, "--root")) && i + 1 < argc &&
			   argv[i + 1][0]) {
			*(a[2] == 'k' ? kernel : root) = argv[++i];
		} else {
			usage(stderr);
			return -1;
		}
	}
	if (*kernel && (strchr(*kernel, '/') || !strcmp(*kernel, ".") || !strcmp(*kernel, ".."))) {
		fprintf(stderr, "hvlis-status: bad kernel release '%s'\n", *kernel);
		return -1;
	}
	return 0;
}

static void free_report(struct st_report *r)
{
	size_t i, j;

	for (i = 0; i < r->n_kernels; i++) {
		struct st_kernel *k = &r->kernels[i];

		for (j = 0; j < k->n_mods; j++) {
			free(k->mods[j].resolved);
			free(k->mods[j].initrd_copy);
		}
		free(k->mods);
		free(k->rel);
		free(k->dkms_version);
		free(k->image);
		free(k->failed_log);
		free(k->failed_tail);
		free(k->probe_log);
		free(k->builtin_mods);
	}
	for (i = 0; i < r->n_loaded; i++) {
		free(r->loaded[i].srcversion);
		free(r->loaded[i].from);
	}
	for (i = 0; i < r->n_problems; i++)
		free(r->problems[i].text);
	free(r->problems);
	free(r->loaded);
	free(r->kernels);
	free(r->running);
	free(r->inactive_reason);
	vmbus_list_free(&r->devices);
}

int main(int argc, char **argv)
{
	struct st_report r = { .root = "" };
	const char *kernel = NULL, *root = NULL;
	bool json = false;
	size_t i;

	if (parse(argc, argv, &json, &kernel, &root) < 0)
		return ST_USAGE;
	split_modules();
	if (root && strcmp(root, "/"))
		r.root = root;
	read_running(&r);
	read_stack(&r);
	if (kernel)
		add_kernel(&r, kernel);
	else
		list_kernels(&r);
	for (i = 0; i < r.n_kernels; i++)
		st_scan_kernel(&r, &r.kernels[i]);
	for (i = 0; st_modules[i]; i++)
		;
	r.loaded = xcalloc(i, sizeof(*r.loaded));
	/* what is loaded belongs to the running kernel: not with --kernel OTHER */
	r.loaded_checked = r.running && (!kernel || !strcmp(kernel, r.running));
	for (r.n_loaded = 0; r.loaded_checked && st_modules[r.n_loaded]; r.n_loaded++) {
		r.loaded[r.n_loaded].name = st_modules[r.n_loaded];
		st_scan_loaded(&r, &r.loaded[r.n_loaded]);
	}
	/* the devices are the live system's: only without --root */
	if (!*r.root)
		r.devices_checked = vmbus_list_read(&r.devices) == 0;
	find_problems(&r);
	if (json)
		st_print_json(stdout, &r);
	else
		st_print_text(stdout, &r);
	free_report(&r);
	if (fflush(stdout) != 0 || ferror(stdout))
		return ST_INTERNAL;
	return r.level;
}
