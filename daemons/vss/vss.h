// SPDX-License-Identifier: GPL-2.0-only
/* hv_vss_daemon internals; the handler is driven directly by the fuzzer. */
#ifndef HVLIS_VSS_H
#define HVLIS_VSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvd.h"
#include <hvlis/uapi/vss.h>

#define VSS_DEVICE		"/dev/vmbus/hv_vss"
#define VSS_MOUNTS		"/proc/self/mounts"
#define VSS_SYSFS_BLOCK		"/sys/dev/block"
#define VSS_THAW_TIMEOUT_S	120
/* What may be frozen, for a restarted daemon to thaw (tmpfs: never frozen) */
#define VSS_STATE_FILE		"/run/hvlis-vss/frozen"

struct vss_mount {
	char *dir;
	dev_t dev;		/* of the file system (st_dev of dir) */
	bool loop;		/* on a loop device (maybe through dm/md) */
};

struct vss_ctx {
	struct hvd_log *log;
	const char *mounts;		/* /proc/self/mounts format */
	const char *sysfs_block;
	int thaw_timeout_ms;
	/* FIFREEZE/FITHAW on a directory: 0 or -errno (fuzzers stub it) */
	int (*fsctl)(const char *dir, unsigned long cmd);
	bool use_guardian;
	const char *state_file;		/* NULL: none (fuzzers) */
	uint64_t watchdog_usec;		/* systemd's watchdog interval, 0: none */
	/* what is frozen now, in the order it was frozen */
	struct vss_mount *frozen;
	size_t n_frozen;
	long long thaw_deadline_ms;
	int guardian_fd;		/* write end of the guardian's pipe */
	pid_t guardian_pid;
	struct hvd_log_queue held;
	uint32_t kernel_version;
	bool registered;
};

enum vss_verdict {
	VSS_ANSWER,
	VSS_NO_ANSWER,
};

/* vss_msg.c */
enum vss_verdict vss_handle(struct vss_ctx *ctx, void *buf, size_t len);
void vss_registration_msg(struct vss_msg *msg);

/* vss_freeze.c */
uint32_t vss_freeze(struct vss_ctx *ctx);
uint32_t vss_thaw(struct vss_ctx *ctx, const char *why);
/* At start-up: thaws what a previous run left frozen (its state file). */
void vss_recover(struct vss_ctx *ctx);
bool vss_is_frozen(const struct vss_ctx *ctx);
int vss_fsctl(const char *dir, unsigned long cmd);
long long vss_now_ms(void);

#endif /* HVLIS_VSS_H */
