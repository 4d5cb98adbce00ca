// SPDX-License-Identifier: GPL-2.0-only
/* hv_fcopy_daemon internals; the handler is driven directly by the fuzzer. */
#ifndef HVLIS_FCOPY_H
#define HVLIS_FCOPY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvd.h"
#include <hvlis/uapi/fcopy.h>

#define FCOPY_DEVICE	"/dev/vmbus/hv_fcopy"
#define FCOPY_FILE_MODE	0644
#define FCOPY_DIR_MODE	0755

struct fcopy_ctx {
	const struct hvd_log *log;
	/* prepended to every path from the host: "" (the fuzzer: a temp dir) */
	const char *root;
	/* openat2(RESOLVE_NO_SYMLINKS) and O_TMPFILE; cleared where missing */
	bool use_openat2;
	bool use_tmpfile;
	/* the copy under way */
	bool active;
	bool overwrite;
	int fd;				/* the temporary file */
	int dirfd;			/* the target directory, opened at START */
	bool named_tmp;			/* tmp names the file in dirfd (else O_TMPFILE) */
	char tmp[32];			/* its name, random */
	char name[W_MAX_PATH * 2];	/* the target's name in dirfd */
	char target[HVD_ESC_SIZE];	/* the target's full path, escaped, for logs */
	uint64_t file_size;		/* as announced: no write goes beyond it */
	uint64_t written;
};

void fcopy_init(struct fcopy_ctx *ctx, const struct hvd_log *log, const char *root);

/* One message in (len bytes as read), the status to answer out. */
uint32_t fcopy_handle(struct fcopy_ctx *ctx, const void *buf, size_t len);

/* Drops the copy under way, if any: closes and removes the temp file. */
void fcopy_abort(struct fcopy_ctx *ctx, const char *why);

/*
 * Copies the name in a START_FILE_COPY field (size bytes: UTF-8, as the
 * kernel converted it from the host's UTF-16) to dst. Returns its length,
 * or -1 if there is no NUL in the field, the UTF-8 is malformed (overlong,
 * a surrogate, beyond U+10FFFF) or dst is too small.
 */
int fcopy_field_name(char *dst, size_t dst_size, const unsigned char *field, size_t size);

#endif /* HVLIS_FCOPY_H */
