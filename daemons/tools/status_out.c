// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvlis-status: the report as text (file names and log lines escaped, so a
 * log cannot send terminal escapes) or as one JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include "hvd.h"
#include "status.h"

const char *st_origin_name(enum st_origin o)
{
	static const char *const n[] = { "none", "hvlis", "distribution", "builtin", "unknown" };

	return n[o];
}

const char *st_dkms_name(enum st_dkms d)
{
	static const char *const n[] = { "not added", "added", "built", "installed" };

	return n[d];
}

const char *st_initrd_name(enum st_initrd i)
{
	static const char *const n[] = { "n/a", "no image", "unknown", "holds", "other copy", "lacks" };

	return n[i];
}

const char *st_level_name(enum st_level l)
{
	static const char *const n[] = { "ok", "warning", "boot-critical", "usage", "internal" };

	return n[l];
}

/* ---- text ---------------------------------------------------------------- */

#define E(buf, s) hvd_esc(buf, sizeof(buf), (s) ? (s) : "-")

static void text_mod(FILE *f, const struct st_kernel *k, const struct st_mod *m)
{
	char e1[HVD_ESC_SIZE], e2[HVD_ESC_SIZE];

	fprintf(f, "  %s: ", m->name);
	if (m->origin == OR_NODEP)
		fputs("unknown (no modules.dep)", f);
	else if (m->origin == OR_NONE)
		fputs("not found", f);
	else
		fprintf(f, "modprobe loads %s (%s)", E(e1, m->resolved), st_origin_name(m->origin));
	if (m->initrd == IN_OTHER)
		fprintf(f, "; initramfs: holds another copy, %s", E(e2, m->initrd_copy));
	else if (m->initrd == IN_UNKNOWN)
		fprintf(f, "; initramfs: unknown (%s)", k->lister ? "cannot list it" : "no lsinitramfs or lsinitrd");
	else if (m->initrd != IN_NA)
		fprintf(f, "; initramfs: %s", m->initrd == IN_HOLDS ? "holds it" : st_initrd_name(m->initrd));
	fputc('\n', f);
}

static void text_failed(FILE *f, const struct st_kernel *k)
{
	char e[HVD_ESC_SIZE];
	const char *p, *nl;

	fprintf(f, "  last failed build: %s\n", E(e, k->failed_log));
	for (p = k->failed_tail; p && *p; p = nl ? nl + 1 : NULL) {
		char *line;

		nl = strchr(p, '\n');
		line = xasprintf("%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		fprintf(f, "    | %s\n", hvd_esc(e, sizeof(e), line));
		free(line);
	}
	if (k->probe_log)
		fprintf(f, "  compat probes' log of that build: %s\n", E(e, k->probe_log));
}

static void text_kernel(FILE *f, const struct st_kernel *k)
{
	char e[HVD_ESC_SIZE];
	size_t i;

	fprintf(f, "kernel %s%s\n", E(e, k->rel), k->running ? " (running)" : "");
	fprintf(f, "  dkms: %s", st_dkms_name(k->dkms));
	if (k->dkms_version)
		fprintf(f, " (hvlis %s)", E(e, k->dkms_version));
	fprintf(f, "; headers: %s\n", k->headers ? "yes" : "no");
	fprintf(f, "  initramfs: %s", k->image ? E(e, k->image) : "none");
	if (k->image)
		fprintf(f, " (%s)", k->lister ? k->lister : "unknown: no lsinitramfs or lsinitrd");
	fputc('\n', f);
	if (k->builtin_mods)
		fprintf(f, "  built-in VMBus: hvlis not used for %s (built into the kernel: %s)\n",
			E(e, k->rel), k->builtin_mods);
	for (i = 0; i < k->n_mods; i++)
		text_mod(f, k, &k->mods[i]);
	if (k->failed_log)
		text_failed(f, k);
	if (k->autoinstall_skip)
		fputs("  DKMS autoinstall: skipped (/run/hvlis/autoinstall-skip)\n", f);
}

static void text_loaded(FILE *f, const struct st_loaded *l)
{
	char e[HVD_ESC_SIZE];

	fprintf(f, "  %s: ", l->name);
	if (!l->loaded)
		fputs("not loaded\n", f);
	else if (l->builtin)
		fputs("built into the kernel\n", f);
	else if (!l->srcversion)
		fputs("loaded (no srcversion: origin unknown)\n", f);
	else if (!l->from)
		fprintf(f, "loaded, srcversion %s, from no file under /lib/modules\n", E(e, l->srcversion));
	else
		fprintf(f, "loaded, srcversion %s, from %s (%s)\n", E(e, l->srcversion), l->from,
			st_origin_name(l->origin));
}

static void text_devices(FILE *f, const struct st_report *r)
{
	size_t i, n = 0;

	fputs("unbound VMBus devices:", f);
	if (!r->devices_checked) {
		fputs(*r->root ? " not checked (--root)\n" : " none (no VMBus)\n", f);
		return;
	}
	fputc('\n', f);
	for (i = 0; i < r->devices.n; i++) {
		const struct vmbus_dev *d = &r->devices.devs[i];

		if (d->driver)
			continue;
		fprintf(f, "  VMBUS ID %3s: Class_ID = %s - %s\n", d->id, d->class_id ? d->class_id : "",
			vmbus_class_name(d->class_id));
		n++;
	}
	if (!n)
		fputs("  none\n", f);
}

void st_print_text(FILE *f, const struct st_report *r)
{
	char e[HVD_ESC_SIZE];
	size_t i;

	fprintf(f, "hvlis-status: hvlis %s; modules:", HVLIS_VERSION);
	for (i = 0; st_modules[i]; i++)
		fprintf(f, " %s%s", st_modules[i], st_is_boot_module(st_modules[i]) ? " (boot)" : "");
	fputc('\n', f);
	if (r->inactive)
		fprintf(f, "stack: inactive (/etc/depmod.d/hvlis-inactive.conf): %s\n",
			E(e, r->inactive_reason ? r->inactive_reason : "no reason recorded"));
	else
		fputs("stack: active (no /etc/depmod.d/hvlis-inactive.conf)\n", f);
	for (i = 0; i < r->n_kernels; i++)
		text_kernel(f, &r->kernels[i]);
	if (r->loaded_checked)
		fprintf(f, "loaded (kernel %s):\n", E(e, r->running));
	else
		fprintf(f, "loaded: not checked (%s)\n",
			r->running ? "--kernel names another kernel" : "running kernel unknown");
	for (i = 0; i < r->n_loaded; i++)
		text_loaded(f, &r->loaded[i]);
	text_devices(f, r);
	fputs("problems:\n", f);
	for (i = 0; i < r->n_problems; i++)
		fprintf(f, "  [%s] %s\n", st_level_name(r->problems[i].level),
			hvd_esc(e, sizeof(e), r->problems[i].text));
	if (!r->n_problems)
		fputs("  none\n", f);
	fprintf(f, "status: %d (%s)\n", r->level, st_level_name(r->level));
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_bool(FILE *f, bool *first, const char *key, bool v)
{
	json_key(f, first, key);
	fputs(v ? "true" : "false", f);
}

static void json_mod(FILE *f, const struct st_mod *m)
{
	bool first = true;

	fputc('{', f);
	json_kv(f, &first, "name", m->name);
	json_bool(f, &first, "boot", m->boot);
	json_kv(f, &first, "resolved", m->resolved);
	json_kv(f, &first, "origin", st_origin_name(m->origin));
	json_kv(f, &first, "initramfs", m->initrd == IN_NA ? NULL : st_initrd_name(m->initrd));
	json_kv(f, &first, "initramfs_copy", m->initrd_copy);
	fputc('}', f);
}

static void json_kernel(FILE *f, const struct st_kernel *k)
{
	bool first = true;
	size_t i;

	fputc('{', f);
	json_kv(f, &first, "release", k->rel);
	json_bool(f, &first, "running", k->running);
	json_bool(f, &first, "headers", k->headers);
	json_kv(f, &first, "dkms", st_dkms_name(k->dkms));
	json_kv(f, &first, "dkms_version", k->dkms_version);
	json_kv(f, &first, "initramfs", k->image);
	json_kv(f, &first, "initramfs_lister", k->lister);
	json_kv(f, &first, "failed_build_log", k->failed_log);
	json_kv(f, &first, "failed_build_tail", k->failed_tail);
	json_kv(f, &first, "failed_build_probe_log", k->probe_log);
	json_bool(f, &first, "autoinstall_skip", k->autoinstall_skip);
	json_bool(f, &first, "builtin_vmbus", k->builtin_mods != NULL);
	json_kv(f, &first, "builtin_modules", k->builtin_mods);
	json_key(f, &first, "modules");
	fputc('[', f);
	for (i = 0; i < k->n_mods; i++) {
		if (i)
			fputc(',', f);
		json_mod(f, &k->mods[i]);
	}
	fputs("]}", f);
}

static void json_loaded(FILE *f, const struct st_loaded *l)
{
	bool first = true;

	fputc('{', f);
	json_kv(f, &first, "name", l->name);
	json_bool(f, &first, "loaded", l->loaded);
	json_bool(f, &first, "builtin", l->builtin);
	json_kv(f, &first, "srcversion", l->srcversion);
	json_kv(f, &first, "from", l->from);
	json_kv(f, &first, "origin", l->loaded ? st_origin_name(l->origin) : NULL);
	json_bool(f, &first, "is_resolved", l->is_resolved);
	fputc('}', f);
}

static void json_devices(FILE *f, const struct st_report *r)
{
	bool comma = false;
	size_t i;

	if (!r->devices_checked) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (i = 0; i < r->devices.n; i++) {
		const struct vmbus_dev *d = &r->devices.devs[i];
		bool first = true;

		if (d->driver)
			continue;
		fputs(comma ? ",{" : "{", f);
		comma = true;
		json_kv(f, &first, "id", d->id);
		json_kv(f, &first, "class_id", d->class_id);
		json_kv(f, &first, "class_name", vmbus_class_name(d->class_id));
		json_kv(f, &first, "device_id", d->device_id);
		fputc('}', f);
	}
	fputc(']', f);
}

void st_print_json(FILE *f, const struct st_report *r)
{
	bool first = true;
	size_t i;

	fputc('{', f);
	json_kv(f, &first, "version", HVLIS_VERSION);
	json_kv(f, &first, "root", *r->root ? r->root : "/");
	json_kv(f, &first, "running_kernel", r->running);
	json_key(f, &first, "stack");
	{
		bool f2 = true;

		fputc('{', f);
		json_bool(f, &f2, "active", !r->inactive);
		json_kv(f, &f2, "inactive_reason", r->inactive_reason);
		fputc('}', f);
	}
	json_key(f, &first, "kernels");
	fputc('[', f);
	for (i = 0; i < r->n_kernels; i++) {
		if (i)
			fputc(',', f);
		json_kernel(f, &r->kernels[i]);
	}
	fputc(']', f);
	json_key(f, &first, "loaded");
	fputs(r->loaded_checked ? "[" : "null", f);
	for (i = 0; i < r->n_loaded; i++) {
		if (i)
			fputc(',', f);
		json_loaded(f, &r->loaded[i]);
	}
	if (r->loaded_checked)
		fputc(']', f);
	json_key(f, &first, "unbound_devices");
	json_devices(f, r);
	json_key(f, &first, "problems");
	fputc('[', f);
	for (i = 0; i < r->n_problems; i++) {
		bool f2 = true;

		fputs(i ? ",{" : "{", f);
		json_kv(f, &f2, "level", st_level_name(r->problems[i].level));
		json_kv(f, &f2, "text", r->problems[i].text);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, &first, "status");
	fprintf(f, "%d}\n", r->level);
}
