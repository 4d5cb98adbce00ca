// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of file copy, with a pattern generator for the data.
 *
 *   ic fcopy copy <name> <dir> <flags> <bytes> [cancel_at=N] [seed=S]
 *        START_FILE_COPY (names as UTF-16LE; flags: 1 OVER_WRITE,
 *        2 CREATE_PATH), then WRITE_TO_FILE fragments of 6 KiB of the
 *        pattern, then COMPLETE_FCOPY; with cancel_at=N, CANCEL_FCOPY after
 *        N fragments instead. The first message the guest fails ends it.
 *   ic fcopy hostile <case>
 *        one malformed message, which the guest must fail: fragsize (a
 *        WRITE claiming 7000 bytes), noterm (a START whose name has no
 *        NUL), surrogate (a name with a lone surrogate), short (a START of
 *        40 bytes)
 *
 * A verb succeeds when the guest answered every message it got (any
 * status). The ic file shows fcopy_status (of the last message),
 * fcopy_failed_op (the operation that failed, -1 none), fcopy_frags,
 * fcopy_bytes (data sent) and fcopy_crc: the CRC-32 (zlib's, as busybox
 * crc32 prints it) of the data sent.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/nls.h>
#include <linux/crc32.h>
#include <hvlis/uapi/fcopy.h>
#include "hvsim.h"
#include "hvsim_ic.h"

struct fcopy_state {
	u32 status;
	int failed_op;
	u64 frags, bytes;
	u32 crc;
};

static u8 pattern(u64 off, u32 seed)
{
	return (u8)(off * 131 + (off >> 13) * 7 + seed);
}

static int fc_send(struct hvsim_ic *ic, const void *body, u32 len, u32 op)
{
	struct fcopy_state *st = ic->priv;
	u32 alen;
	u8 *ans;
	int ret;

	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_FCOPY, body, len, &ans, &alen);
	if (ret)
		return ret;
	st->status = hvsim_ic_status(ans, alen);
	if (st->status != HVLIS_IC_S_OK) {
		st->failed_op = op;
		return 1;
	}
	return 0;
}

static int name16(const char *s, u8 *field)
{
	int n = utf8s_to_utf16s((const u8 *)s, strlen(s), UTF16_LITTLE_ENDIAN,
				(wchar_t *)field, HVLIS_IC_FCOPY_PATH_UNITS - 1);

	if (n < 0)
		return n;
	field[2 * n] = 0;
	field[2 * n + 1] = 0;
	return 0;
}

static int fc_copy(struct hvsim_ic *ic, char *args)
{
	struct fcopy_state *st = ic->priv;
	struct hvlis_ic_fcopy_start *start = NULL;
	struct hvlis_ic_fcopy_data *d = NULL;
	struct hvlis_ic_fcopy_hdr end = {};
	char *name, *dir, *tok;
	u32 flags, seed = 0, i, n;
	u64 size, off, cancel_at = U64_MAX;
	int ret = -EINVAL;

	name = strsep(&args, " ");
	dir = strsep(&args, " ");
	tok = strsep(&args, " ");
	if (!name || !dir || !tok || kstrtou32(tok, 0, &flags))
		return -EINVAL;
	tok = strsep(&args, " ");
	if (!tok || kstrtou64(tok, 0, &size))
		return -EINVAL;
	while ((tok = strsep(&args, " "))) {
		if (!strncmp(tok, "cancel_at=", 10) && !kstrtou64(tok + 10, 0, &cancel_at))
			continue;
		if (!strncmp(tok, "seed=", 5) && !kstrtou32(tok + 5, 0, &seed))
			continue;
		return -EINVAL;
	}
	start = kzalloc(sizeof(*start), GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!start || !d) {
		ret = -ENOMEM;
		goto out;
	}
	st->failed_op = -1;
	st->frags = 0;
	st->bytes = 0;
	st->crc = ~0u;
	start->hdr.operation = START_FILE_COPY;
	if (name16(name, start->file_name) || name16(dir, start->path_name))
		goto out;
	start->copy_flags = flags;
	start->file_size = size;
	ret = fc_send(ic, start, sizeof(*start), START_FILE_COPY);
	for (off = 0; !ret && off < size && st->frags < cancel_at; off += n) {
		n = min_t(u64, size - off, DATA_FRAGMENT);
		memset(d, 0, sizeof(*d));
		d->hdr.operation = WRITE_TO_FILE;
		d->offset = off;
		d->size = n;
		for (i = 0; i < n; i++)
			d->data[i] = pattern(off + i, seed);
		ret = fc_send(ic, d, sizeof(*d), WRITE_TO_FILE);
		if (!ret) {
			st->crc = crc32_le(st->crc, d->data, n);
			st->frags++;
			st->bytes += n;
		}
	}
	if (!ret) {
		end.operation = st->frags < cancel_at ? COMPLETE_FCOPY : CANCEL_FCOPY;
		ret = fc_send(ic, &end, sizeof(end), end.operation);
	}
	if (ret > 0)
		ret = 0;	/* the guest failed a message: in the ic file */
out:
	st->crc = ~st->crc;
	kfree(start);
	kfree(d);
	return ret;
}

static int fc_hostile(struct hvsim_ic *ic, char *args)
{
	struct fcopy_state *st = ic->priv;
	struct hvlis_ic_fcopy_start *start;
	struct hvlis_ic_fcopy_data *d;
	int ret = -EINVAL, i;

	if (!args)
		return -EINVAL;
	start = kzalloc(sizeof(*start), GFP_KERNEL);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!start || !d) {
		ret = -ENOMEM;
		goto out;
	}
	st->failed_op = -1;
	start->hdr.operation = START_FILE_COPY;
	name16("x.bin", start->file_name);
	name16("/tmp", start->path_name);
	d->hdr.operation = WRITE_TO_FILE;
	if (!strcmp(args, "fragsize")) {
		d->size = 7000;
		ret = fc_send(ic, d, sizeof(*d), WRITE_TO_FILE);
	} else if (!strcmp(args, "noterm")) {
		for (i = 0; i < HVLIS_IC_FCOPY_PATH_UNITS; i++)
			start->file_name[2 * i] = 'a';
		ret = fc_send(ic, start, sizeof(*start), START_FILE_COPY);
	} else if (!strcmp(args, "surrogate")) {
		start->file_name[1] = 0xd8;	/* a high surrogate, then 'x' */
		ret = fc_send(ic, start, sizeof(*start), START_FILE_COPY);
	} else if (!strcmp(args, "short")) {
		ret = fc_send(ic, start, 40, START_FILE_COPY);
	}
	if (ret > 0)
		ret = 0;
out:
	kfree(start);
	kfree(d);
	return ret;
}

static void fc_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct fcopy_state *st = ic->priv;

	seq_printf(s, "  fcopy_status 0x%08x fcopy_failed_op %d fcopy_frags %llu fcopy_bytes %llu fcopy_crc %08x\n",
		   st->status, st->failed_op, st->frags, st->bytes, st->crc);
}

static const struct hvsim_ic_verb fc_verbs[] = {
	{ "copy", fc_copy },
	{ "hostile", fc_hostile },
	{ }
};

const struct hvsim_ic_service hvsim_ic_fcopy = {
	.name = "fcopy",
	.class_id = HVLIS_GUID_FCOPY,
	.msgtype = HVLIS_ICMSGTYPE_FCOPY,
	.fw = { HVLIS_IC_VER(3, 0) },
	.nfw = 1,
	.msg = { HVLIS_IC_VER(1, 1) },
	.nmsg = 1,
	.verbs = fc_verbs,
	.show = fc_show,
	.priv_size = sizeof(struct fcopy_state),
};
