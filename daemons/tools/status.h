/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvlis-status: what it finds (status_scan.c), the problems it derives
 * (hvlis_status.c) and how it prints them (status_out.c).
 */
#ifndef HVLIS_STATUS_H
#define HVLIS_STATUS_H

#include "tools.h"

/* Exit statuses, and the level of a problem. */
enum st_level { ST_OK = 0, ST_WARN = 1, ST_CRIT = 2, ST_USAGE = 3, ST_INTERNAL = 4 };

enum st_origin { OR_NONE, OR_HVLIS, OR_DISTRO, OR_BUILTIN, OR_NODEP };
enum st_dkms { DK_NO_TREE, DK_ADDED, DK_BUILT, DK_INSTALLED };
enum st_initrd { IN_NA, IN_NO_IMAGE, IN_UNKNOWN, IN_HOLDS, IN_OTHER, IN_LACKS };

struct st_mod {
	const char *name;
	bool boot;
	char *resolved;		/* relative to lib/modules/REL, or NULL */
	enum st_origin origin;
	enum st_initrd initrd;
	char *initrd_copy;	/* IN_OTHER: the copy the image holds */
};

struct st_kernel {
	char *rel;
	bool running;
	bool headers;
	enum st_dkms dkms;
	char *dkms_version;
	char *image;		/* /boot/... (without the root), or NULL */
	const char *lister;	/* "lsinitramfs", "lsinitrd" or NULL */
	char *failed_log;	/* the log of a failed build, or NULL */
	char *failed_tail;	/* its last lines */
	char *probe_log;	/* the kept compat probes' log of that build, or NULL */
	bool autoinstall_skip;
	/*
	 * The hvlis modules this kernel has built in (its modules.builtin),
	 * space-separated, or NULL: hv_vmbus built in means hvlis's modules
	 * cannot work there, and DKMS does not build them for it (dkms.conf).
	 */
	char *builtin_mods;
	struct st_mod *mods;
	size_t n_mods;
};

struct st_loaded {
	const char *name;
	bool loaded;
	bool builtin;
	char *srcversion;
	char *from;		/* the matching file, or NULL */
	enum st_origin origin;
	bool is_resolved;	/* from is what modprobe would load now */
};

struct st_problem {
	enum st_level level;
	char *text;
};

struct st_report {
	const char *root;	/* "" for / */
	char *running;		/* release from ROOT/proc, or NULL */
	struct st_kernel *kernels;
	size_t n_kernels;
	struct st_loaded *loaded;
	size_t n_loaded;
	bool loaded_checked;	/* the running kernel is known and reported */
	/*
	 * hvlis is inactive: ROOT/etc/depmod.d/hvlis-inactive.conf (written by
	 * hvlis-kmod activate) makes depmod prefer the distribution's modules.
	 */
	bool inactive;
	char *inactive_reason;	/* its "# hvlis-inactive:" line, or NULL */
	bool devices_checked;
	struct vmbus_list devices;
	struct st_problem *problems;
	size_t n_problems;
	enum st_level level;
};

extern const char *st_modules[];
bool st_is_boot_module(const char *name);

/* status_scan.c */
void st_scan_kernel(const struct st_report *r, struct st_kernel *k);
void st_scan_loaded(const struct st_report *r, struct st_loaded *l);
char *st_path(const struct st_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* status_out.c */
const char *st_origin_name(enum st_origin o);
const char *st_dkms_name(enum st_dkms d);
const char *st_initrd_name(enum st_initrd i);
const char *st_level_name(enum st_level l);
void st_print_text(FILE *f, const struct st_report *r);
void st_print_json(FILE *f, const struct st_report *r);

#endif /* HVLIS_STATUS_H */
