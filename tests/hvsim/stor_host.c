// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage side of hvsim: a VSTOR host (StorVSP) for the synthetic SCSI
 * and IDE controllers (and the Fibre Channel adapter: a SCSI controller
 * that also answers FCHBA_DATA with made-up port and node names), as a
 * host of a chosen generation answers it.
 *
 * Wire formats: hvlis/vstor_proto.h. A controller is one primary channel
 * plus, once the guest asks (CREATE_SUB_CHANNELS, 2012 and later), that
 * many sub-channels; I/O is served on every one of them and counted per
 * channel. Data moves through the GPA ranges of the guest's GPA-direct
 * packets: the host maps the PFNs the guest names, as it maps GPADL pages,
 * and copies between them and the LUN's backing, which is RAM (vzalloc) or
 * a file or block device of this VM opened by path (filp_open, so a QEMU
 * disk of the VM can be served and checked after power-off).
 *
 * SCSI targets: the SCSI controller has LUNs 0..63 on path 0, target 0;
 * the IDE controller one disk, LUN 0 (at the path and target its instance
 * GUID names: bytes 0..3 the IDE channel, 4..5 the device). Commands:
 * INQUIRY (standard; VPD 0x00 0x80 0x83 0xb0 0xb1 0xb2), REPORT LUNS,
 * READ CAPACITY (10, 16), READ and WRITE (6, 10, 16), TEST UNIT READY,
 * MODE SENSE (6, 10: caching and control pages), SYNCHRONIZE CACHE (10,
 * 16), UNMAP, REQUEST SENSE, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL,
 * VERIFY (10, 16); anything else is CHECK CONDITION, ILLEGAL REQUEST,
 * INVALID COMMAND OPERATION CODE (WRITE SAME is counted: the guest must
 * never send it).
 *
 * Control (the ctl file, see control.c):
 *   add scsi|ide|fc [instance] [monitored] [gen=G] [ram=SIZE | bdev=PATH]
 *       [lun=N] [subch=N] [maxxfer=BYTES] [channel=N] [target=N]
 *     a controller of host generation G (2008 2008r2 2012 2012r2 2016
 *     2019 2022, default 2022), with one disk (LUN N, default 0) if ram=
 *     or bdev= is given; subch: sub-channels it offers at most (default 4,
 *     none before 2012); maxxfer: max transfer bytes (default 1 MiB);
 *     channel/target: an IDE disk's location (default 0/0; also used to
 *     build the instance GUID when none is given)
 *   stor <relid> lun <n> ram <size> [quiet]   hot-add a RAM disk
 *   stor <relid> lun <n> bdev <path> [quiet]  hot-add a disk backed by path
 *   stor <relid> lun <n> remove [quiet]       hot-remove it
 *     the host tells the guest (ENUMERATE_BUS after an add, REMOVE_DEVICE
 *     after a removal) unless quiet
 *   stor <relid> notify enumerate|remove      send that message alone
 *   stor <relid> gen <G>                      the generation, for the next
 *                                             initialization
 *   stor <relid> fault <name> [count=N]       arm a fault for the next N
 *                                             (default 1) data commands
 *                                             (READ/WRITE) or resets:
 *     error        CHECK CONDITION, MEDIUM ERROR sense, AUTOSENSE_VALID
 *     error-nosense  SRB_STATUS_ERROR, CHECK CONDITION, no sense
 *     invalid-lun  SRB_STATUS_INVALID_LUN
 *     busy         SCSI status BUSY
 *     lie-length   done, but the completion says 64 KiB more than asked
 *     sense-length CHECK CONDITION whose sense_info_length says 255
 *     short        a completion packet shorter than a VSTOR packet
 *     unknown-tid  first a completion with a transaction id never used
 *     dup          the completion sent twice
 *     hang         not served until a reset (RESET_LUN/BUS/ADAPTER),
 *                  which completes it as ABORTED before it is answered;
 *                  a rescind drops it
 *     lost         never served, never completed, not even by a reset
 *     reset-hang   the next reset is never answered
 *     flood        first 1000 completions with transaction ids never
 *                  used, as fast as the guest's ring takes them
 *
 * The stor file: one "<relid> <key> <value>" line per counter of each
 * controller (see stor_show()); lun<N>_* per disk and chan<I>_* per channel
 * (I = sub-channel index, 0 the primary).
 */
#define pr_fmt(fmt) "hvsim: stor: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/rwsem.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/ratelimit.h>
#include <hvlis/compat_base.h>
#include <hvlis/compat_fs.h>
#include <hvlis/vstor_proto.h>
#include "hvsim.h"
#include "hvsim_dev.h"
#include "hvsim_ic.h"

#define STOR_MAX_LUNS		64
#define STOR_MAX_CHANS		17	/* the primary and 16 sub-channels */
#define STOR_BLOCK		512u
#define STOR_DEF_MAXXFER	0x100000u	/* 1 MiB */
#define STOR_DEF_SUBCH		4
#define STOR_LIE_EXTRA		65536u
/*
 * Fault flood: completions with transaction ids the guest never used (slot
 * I + 1, generation 0, which the guest never gives out) sent before the
 * real one, as fast as the guest's ring takes them.
 */
#define STOR_FLOOD_PKTS		1000u

/* SCSI operation codes (SPC/SBC) */
#define OP_TEST_UNIT_READY	0x00
#define OP_REQUEST_SENSE	0x03
#define OP_READ_6		0x08
#define OP_WRITE_6		0x0a
#define OP_INQUIRY		0x12
#define OP_MODE_SENSE_6		0x1a
#define OP_START_STOP		0x1b
#define OP_PREVENT_ALLOW	0x1e
#define OP_READ_CAPACITY_10	0x25
#define OP_READ_10		0x28
#define OP_WRITE_10		0x2a
#define OP_VERIFY_10		0x2f
#define OP_SYNC_CACHE_10	0x35
#define OP_WRITE_SAME_10	0x41
#define OP_UNMAP		0x42
#define OP_MODE_SENSE_10	0x5a
#define OP_READ_16		0x88
#define OP_WRITE_16		0x8a
#define OP_VERIFY_16		0x8f
#define OP_SYNC_CACHE_16	0x91
#define OP_WRITE_SAME_16	0x93
#define OP_SERVICE_IN_16	0x9e
#define SA_READ_CAPACITY_16	0x10
#define OP_REPORT_LUNS		0xa0

/* SCSI status, sense keys, additional sense codes */
#define SAM_GOOD		0x00
#define SAM_CHECK_CONDITION	0x02
#define SAM_BUSY		0x08
#define SK_MEDIUM_ERROR		0x03
#define SK_ILLEGAL_REQUEST	0x05
#define ASC_WRITE_ERROR		0x0c
#define ASC_READ_ERROR		0x11
#define ASC_PARAM_LIST_LENGTH	0x1a
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD_CDB	0x24
#define ASC_INVALID_FIELD_PARAM	0x26
#define SENSE_FIXED_LEN		18

enum stor_fault {
	SF_ERROR, SF_ERROR_NOSENSE, SF_INVALID_LUN, SF_BUSY, SF_LIE_LENGTH,
	SF_SENSE_LENGTH, SF_SHORT, SF_UNKNOWN_TID, SF_DUP, SF_HANG, SF_LOST,
	SF_RESET_HANG, SF_FLOOD, SF_COUNT
};

static const char *const fault_names[SF_COUNT] = {
	"error", "error-nosense", "invalid-lun", "busy", "lie-length",
	"sense-length", "short", "unknown-tid", "dup", "hang", "lost", "reset-hang",
	"flood",
};

struct stor_gen {
	const char *name;
	u16 version;		/* newest VSTOR version it accepts */
	bool multi;		/* offers sub-channels */
};

static const struct stor_gen gens[] = {
	{ "2008", HVLIS_VSTOR_WIN6, false },
	{ "2008r2", HVLIS_VSTOR_WIN7, false },
	{ "2012", HVLIS_VSTOR_WIN8, true },
	{ "2012r2", HVLIS_VSTOR_WIN8_1, true },
	{ "2016", HVLIS_VSTOR_WIN10, true },
	{ "2019", HVLIS_VSTOR_WIN10, true },
	{ "2022", HVLIS_VSTOR_WIN10, true },
};

static const u16 known_versions[] = {
	HVLIS_VSTOR_WIN6, HVLIS_VSTOR_WIN7, HVLIS_VSTOR_WIN8, HVLIS_VSTOR_WIN8_1,
	HVLIS_VSTOR_WIN10,
};

struct stor_lun {
	bool present;
	u64 blocks;
	u8 *ram;		/* RAM backing, or */
	struct file *file;	/* a file or block device of this VM */
	char path[64];
	atomic64_t reads, writes, bytes_read, bytes_written, flushes;
	atomic64_t unmaps, unmap_ranges, unmap_blocks, errors;
};

struct stor_chan {
	u32 relid;		/* 0: none */
	bool open;
	atomic64_t ios, bytes;
};

/* A request the host holds back (fault hang). */
struct stor_held {
	struct list_head node;
	u32 relid;
	u64 tid;
	u32 psize;
	struct hvlis_vstor_packet pkt;
};

struct stor_dev {
	struct list_head node;
	u32 relid;		/* the primary channel */
	bool dead;		/* primary released: gone for good */
	bool ide, fc;
	struct hvlis_guid class_id, instance;
	u8 ide_path, ide_target;
	const struct stor_gen *gen;
	u16 max_subch;
	u32 max_transfer;

	struct mutex lock;	/* the protocol state, faults and held list */
	u16 version;		/* negotiated; 0: none yet */
	bool began, ready;
	u16 subch_created;
	u32 fault_left[SF_COUNT];
	struct list_head held;

	struct rw_semaphore luns_sem;	/* I/O: read; LUN add/remove: write */
	struct stor_lun luns[STOR_MAX_LUNS];
	struct stor_chan chans[STOR_MAX_CHANS];

	struct work_struct sub_work;	/* offer or rescind sub-channels */
	u16 sub_want;			/* offer this many; 0: rescind all */

	atomic64_t faults_fired[SF_COUNT];
	atomic64_t bad_packets, bad_srbs, unknown_ops, write_same, unknown_cmds;
	atomic64_t resets, version_refused, inits, enumerates, removes;
	atomic64_t held_now, aborted, dropped;
};

static LIST_HEAD(devs);
static DEFINE_MUTEX(devs_lock);
static u32 ide_instances;

/* ------------------------------------------------------------- helpers */

static void put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(u8 *p, u32 v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void put_be64(u8 *p, u64 v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static u16 get_be16(const u8 *p)
{
	return (u16)p[0] << 8 | p[1];
}

static u32 get_be32(const u8 *p)
{
	return (u32)get_be16(p) << 16 | get_be16(p + 2);
}

static u64 get_be64(const u8 *p)
{
	return (u64)get_be32(p) << 32 | get_be32(p + 4);
}

static bool version_known(u16 v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known_versions); i++)
		if (known_versions[i] == v)
			return true;
	return false;
}

static const struct stor_gen *gen_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gens); i++)
		if (!strcmp(gens[i].name, name))
			return &gens[i];
	return NULL;
}

static bool take_fault(struct stor_dev *d, enum stor_fault f)
{
	bool hit = false;

	/*
	 * Nothing armed (every request but a few in the fault scenarios): no
	 * lock. Arming races with the requests in flight anyway; the fault
	 * fires on a request the guest sends after the arming returned.
	 */
	if (!READ_ONCE(d->fault_left[f]))
		return false;
	mutex_lock(&d->lock);
	if (d->fault_left[f]) {
		d->fault_left[f]--;
		hit = true;
	}
	mutex_unlock(&d->lock);
	if (hit) {
		atomic64_inc(&d->faults_fired[f]);
		pr_info("relid %u: fault %s\n", d->relid, fault_names[f]);
	}
	return hit;
}

/* ---------------------------------------------------------- LUN backing */

static void lun_free(struct stor_lun *l)
{
	if (l->file) {
		vfs_fsync(l->file, 0);
		fput(l->file);
	}
	vfree(l->ram);
	memset(l, 0, sizeof(*l));
}

static int lun_setup(struct stor_lun *l, const char *how, const char *arg)
{
	u64 bytes;
	loff_t size;

	memset(l, 0, sizeof(*l));
	if (!strcmp(how, "ram")) {
		bytes = memparse(arg, NULL) & ~(u64)(STOR_BLOCK - 1);
		if (!bytes || bytes > (4ull << 30))
			return -EINVAL;
		l->ram = vzalloc(bytes);
		if (!l->ram)
			return -ENOMEM;
		l->blocks = bytes / STOR_BLOCK;
		strscpy(l->path, "ram", sizeof(l->path));
	} else if (!strcmp(how, "bdev")) {
		l->file = filp_open(arg, O_RDWR | O_LARGEFILE, 0);
		if (IS_ERR(l->file)) {
			int err = PTR_ERR(l->file);

			l->file = NULL;
			pr_err("cannot open %s: %d\n", arg, err);
			return err;
		}
		size = vfs_llseek(l->file, 0, SEEK_END);
		if (size < (loff_t)STOR_BLOCK) {
			fput(l->file);
			l->file = NULL;
			return size < 0 ? (int)size : -EINVAL;
		}
		l->blocks = (u64)size / STOR_BLOCK;
		strscpy(l->path, arg, sizeof(l->path));
	} else {
		return -EINVAL;
	}
	l->present = true;
	return 0;
}

static int lun_rw(struct stor_lun *l, bool write, u64 off, void *buf, u32 len)
{
	loff_t pos = off;
	ssize_t n;

	if (l->ram) {
		if (write)
			memcpy(l->ram + off, buf, len);
		else
			memcpy(buf, l->ram + off, len);
		return 0;
	}
	n = write ? hvlis_kernel_write(l->file, buf, len, &pos) :
		    hvlis_kernel_read(l->file, buf, len, &pos);
	return n == len ? 0 : -EIO;
}

static int lun_zero(struct stor_lun *l, u64 off, u64 len)
{
	static const u8 zeros[4096];
	u32 n;
	int ret;

	if (l->ram) {
		memset(l->ram + off, 0, len);
		return 0;
	}
	if (!vfs_fallocate(l->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len))
		return 0;
	while (len) {
		n = min_t(u64, len, sizeof(zeros));
		ret = lun_rw(l, true, off, (void *)zeros, n);
		if (ret)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

/* ------------------------------------------------------- SCSI commands */

struct stor_io {
	struct stor_dev *d;
	struct stor_lun *l;	/* NULL: no disk at this address */
	const struct hvlis_vstor_srb *srb;
	u8 *buf;		/* the guest's data buffer, mapped */
	u32 buf_len;		/* bytes the guest offers (data_transfer_length) */
	bool data_in;
	/* result */
	u8 srb_status, scsi_status;
	u32 xfer;
	u8 sense[SENSE_FIXED_LEN];
	bool has_sense;
	bool is_data;		/* READ/WRITE: faults apply */
};

static void check_condition(struct stor_io *io, u8 key, u8 asc, u8 ascq)
{
	io->srb_status = HVLIS_SRB_STATUS_ERROR;
	io->scsi_status = SAM_CHECK_CONDITION;
	memset(io->sense, 0, sizeof(io->sense));
	io->sense[0] = 0x70;		/* current error, fixed format */
	io->sense[2] = key;
	io->sense[7] = SENSE_FIXED_LEN - 8;
	io->sense[12] = asc;
	io->sense[13] = ascq;
	io->has_sense = true;
	io->xfer = 0;
}

/* Give the guest up to alloc bytes of a reply built in resp. */
static void data_reply(struct stor_io *io, const u8 *resp, u32 len, u32 alloc)
{
	u32 n = min3(len, alloc, io->buf_len);

	if (!io->data_in && n) {
		io->srb_status = HVLIS_SRB_STATUS_INVALID_REQUEST;
		return;
	}
	if (n)
		memcpy(io->buf, resp, n);
	io->xfer = n;
}

static void serial_of(struct stor_dev *d, unsigned int lun, char *out, size_t size)
{
	snprintf(out, size, "%02x%02x%02x%02x%02x%02x%02x%02x-%u", d->instance.b[0],
		 d->instance.b[1], d->instance.b[2], d->instance.b[3], d->instance.b[12],
		 d->instance.b[13], d->instance.b[14], d->instance.b[15], lun);
}

static void do_inquiry(struct stor_io *io, const u8 *cdb)
{
	u8 r[96];
	u32 alloc = get_be16(cdb + 3), len;
	char serial[40];
	unsigned int lun = io->srb->lun;
	size_t n;

	memset(r, 0, sizeof(r));
	if (!(cdb[1] & 1)) {
		if (cdb[2]) {
			check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
			return;
		}
		r[0] = io->l ? 0x00 : 0x7f;	/* disk; or "no LUN here" */
		r[2] = 0x05;			/* SPC-3 */
		r[3] = 0x02;			/* response data format 2 */
		r[4] = 36 - 5;
		r[7] = 0x02;			/* command queueing */
		memcpy(r + 8, "Msft    ", 8);
		memcpy(r + 16, "Virtual Disk    ", 16);
		memcpy(r + 32, "1.0 ", 4);
		data_reply(io, r, 36, alloc);
		return;
	}
	if (!io->l) {
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	r[1] = cdb[2];
	switch (cdb[2]) {
	case 0x00:			/* supported pages */
		r[3] = 6;
		r[4] = 0x00;
		r[5] = 0x80;
		r[6] = 0x83;
		r[7] = 0xb0;
		r[8] = 0xb1;
		r[9] = 0xb2;
		len = 10;
		break;
	case 0x80:			/* unit serial number */
		serial_of(io->d, lun, serial, sizeof(serial));
		n = strlen(serial);
		r[3] = n;
		memcpy(r + 4, serial, n);
		len = 4 + n;
		break;
	case 0x83:			/* device identification: T10 vendor id */
		serial_of(io->d, lun, serial, sizeof(serial));
		n = strlen(serial);
		r[4] = 0x02;		/* ASCII */
		r[5] = 0x01;		/* T10 vendor identification, of the LUN */
		r[7] = 8 + n;
		memcpy(r + 8, "Msft    ", 8);
		memcpy(r + 16, serial, n);
		r[3] = 4 + 8 + n;
		len = 16 + n;
		break;
	case 0xb0:			/* block limits */
		r[3] = 0x3c;
		put_be32(r + 8, io->d->max_transfer / STOR_BLOCK);	/* max transfer */
		put_be32(r + 12, io->d->max_transfer / STOR_BLOCK);	/* optimal */
		put_be32(r + 20, 0x400000);	/* max unmap LBA count */
		put_be32(r + 24, 64);		/* max unmap descriptors */
		put_be32(r + 28, 1);		/* unmap granularity */
		len = 64;
		break;
	case 0xb1:			/* block device characteristics */
		r[3] = 0x3c;
		put_be16(r + 4, 1);	/* non-rotating */
		len = 64;
		break;
	case 0xb2:			/* logical block provisioning */
		r[3] = 4;
		r[5] = 0x80 | 0x04;	/* LBPU (UNMAP), LBPRZ (reads zeros) */
		r[6] = 0x02;		/* thin provisioned */
		len = 8;
		break;
	default:
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	data_reply(io, r, len, alloc);
}

static void do_report_luns(struct stor_io *io, const u8 *cdb)
{
	struct stor_dev *d = io->d;
	u32 alloc = get_be32(cdb + 6), n = 0, i;
	u8 *r = kzalloc(8 + 8 * STOR_MAX_LUNS, GFP_KERNEL);

	if (!r) {
		io->srb_status = HVLIS_SRB_STATUS_BUSY;
		return;
	}
	for (i = 0; i < STOR_MAX_LUNS; i++) {
		if (!d->luns[i].present)
			continue;
		r[8 + 8 * n + 1] = i;	/* peripheral addressing, bus 0 */
		n++;
	}
	put_be32(r, 8 * n);
	data_reply(io, r, 8 + 8 * n, alloc);
	kfree(r);
}

static void do_read_capacity(struct stor_io *io, const u8 *cdb, bool long_form)
{
	u64 last = io->l->blocks - 1;
	u8 r[32];

	memset(r, 0, sizeof(r));
	if (!long_form) {
		put_be32(r, last > 0xffffffffull ? 0xffffffff : (u32)last);
		put_be32(r + 4, STOR_BLOCK);
		data_reply(io, r, 8, 8);
		return;
	}
	put_be64(r, last);
	put_be32(r + 8, STOR_BLOCK);
	r[14] = 0x80 | 0x40;	/* LBPME, LBPRZ */
	data_reply(io, r, 32, get_be32(cdb + 10));
}

static void do_mode_sense(struct stor_io *io, const u8 *cdb, bool ten)
{
	u8 r[64];
	u32 hdr = ten ? 8 : 4, len = hdr, alloc = ten ? get_be16(cdb + 7) : cdb[4];
	u8 page = cdb[2] & 0x3f;

	memset(r, 0, sizeof(r));
	if ((cdb[2] >> 6) == 3) {	/* saved values: none */
		check_condition(io, SK_ILLEGAL_REQUEST, 0x39, 0);
		return;
	}
	if (page == 0x08 || page == 0x3f) {	/* caching: write cache on */
		r[len] = 0x08;
		r[len + 1] = 0x12;
		r[len + 2] = 0x04;
		len += 20;
	}
	if (page == 0x0a || page == 0x3f) {	/* control */
		r[len] = 0x0a;
		r[len + 1] = 0x0a;
		len += 12;
	}
	if (len == hdr && page != 0x00) {
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (ten) {
		put_be16(r, len - 2);
		r[3] = 0x10;		/* DPOFUA */
	} else {
		r[0] = len - 1;
		r[2] = 0x10;
	}
	data_reply(io, r, len, alloc);
}

static void do_rw(struct stor_io *io, const u8 *cdb, bool write)
{
	struct stor_lun *l = io->l;
	u64 lba, bytes;
	u32 nblk;
	int ret;

	switch (cdb[0]) {
	case OP_READ_6:
	case OP_WRITE_6:
		lba = (u32)(cdb[1] & 0x1f) << 16 | get_be16(cdb + 2);
		nblk = cdb[4] ? cdb[4] : 256;
		break;
	case OP_READ_10:
	case OP_WRITE_10:
		lba = get_be32(cdb + 2);
		nblk = get_be16(cdb + 7);
		break;
	default:
		lba = get_be64(cdb + 2);
		nblk = get_be32(cdb + 10);
		break;
	}
	if (lba > l->blocks || nblk > l->blocks - lba) {
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
		return;
	}
	bytes = (u64)nblk * STOR_BLOCK;
	if (bytes > io->buf_len || bytes > io->d->max_transfer || (nblk && io->data_in == write)) {
		io->srb_status = HVLIS_SRB_STATUS_INVALID_REQUEST;
		atomic64_inc(&io->d->bad_srbs);
		return;
	}
	if (!nblk)
		return;
	ret = lun_rw(l, write, lba * STOR_BLOCK, io->buf, bytes);
	if (ret) {
		atomic64_inc(&l->errors);
		check_condition(io, SK_MEDIUM_ERROR, write ? ASC_WRITE_ERROR : ASC_READ_ERROR, 0);
		return;
	}
	io->xfer = bytes;
	if (write) {
		atomic64_inc(&l->writes);
		atomic64_add(bytes, &l->bytes_written);
	} else {
		atomic64_inc(&l->reads);
		atomic64_add(bytes, &l->bytes_read);
	}
}

static void do_unmap(struct stor_io *io, const u8 *cdb)
{
	struct stor_lun *l = io->l;
	u32 plen = get_be16(cdb + 7), dlen, i, nblk;
	const u8 *p = io->buf, *desc;
	u64 lba;

	if (!plen)
		return;
	if (plen < 8 || plen > io->buf_len || io->data_in) {
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH, 0);
		return;
	}
	dlen = get_be16(p + 2);
	if (dlen % 16 || dlen > plen - 8 || dlen / 16 > 64) {
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_PARAM, 0);
		return;
	}
	atomic64_inc(&l->unmaps);
	for (i = 0; i < dlen / 16; i++) {
		desc = p + 8 + 16 * i;
		lba = get_be64(desc);
		nblk = get_be32(desc + 8);
		if (lba > l->blocks || nblk > l->blocks - lba) {
			check_condition(io, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
			return;
		}
		if (lun_zero(l, lba * STOR_BLOCK, (u64)nblk * STOR_BLOCK)) {
			atomic64_inc(&l->errors);
			check_condition(io, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
			return;
		}
		atomic64_inc(&l->unmap_ranges);
		atomic64_add(nblk, &l->unmap_blocks);
	}
}

/* Run the CDB of io->srb against io->l; fills the result fields of io. */
static void scsi_exec(struct stor_io *io)
{
	const u8 *cdb = io->srb->cdb;
	u8 sense[SENSE_FIXED_LEN];

	io->srb_status = HVLIS_SRB_STATUS_SUCCESS;
	io->scsi_status = SAM_GOOD;
	if (cdb[0] != OP_INQUIRY && cdb[0] != OP_REPORT_LUNS && cdb[0] != OP_REQUEST_SENSE &&
	    !io->l) {
		io->srb_status = HVLIS_SRB_STATUS_INVALID_LUN;
		return;
	}
	switch (cdb[0]) {
	case OP_TEST_UNIT_READY:
	case OP_START_STOP:
	case OP_PREVENT_ALLOW:
	case OP_VERIFY_10:
	case OP_VERIFY_16:
		break;
	case OP_INQUIRY:
		do_inquiry(io, cdb);
		break;
	case OP_REPORT_LUNS:
		do_report_luns(io, cdb);
		break;
	case OP_REQUEST_SENSE:
		memset(sense, 0, sizeof(sense));
		sense[0] = 0x70;
		sense[7] = SENSE_FIXED_LEN - 8;
		data_reply(io, sense, sizeof(sense), cdb[4]);
		break;
	case OP_READ_CAPACITY_10:
		do_read_capacity(io, cdb, false);
		break;
	case OP_SERVICE_IN_16:
		if ((cdb[1] & 0x1f) == SA_READ_CAPACITY_16)
			do_read_capacity(io, cdb, true);
		else
			check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		break;
	case OP_MODE_SENSE_6:
	case OP_MODE_SENSE_10:
		do_mode_sense(io, cdb, cdb[0] == OP_MODE_SENSE_10);
		break;
	case OP_READ_6:
	case OP_READ_10:
	case OP_READ_16:
		do_rw(io, cdb, false);
		break;
	case OP_WRITE_6:
	case OP_WRITE_10:
	case OP_WRITE_16:
		do_rw(io, cdb, true);
		break;
	case OP_SYNC_CACHE_10:
	case OP_SYNC_CACHE_16:
		atomic64_inc(&io->l->flushes);
		if (io->l->file && vfs_fsync(io->l->file, 0)) {
			atomic64_inc(&io->l->errors);
			check_condition(io, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
		}
		break;
	case OP_UNMAP:
		do_unmap(io, cdb);
		break;
	case OP_WRITE_SAME_10:
	case OP_WRITE_SAME_16:
		atomic64_inc(&io->d->write_same);
		pr_warn_ratelimited("relid %u: guest sent WRITE SAME\n", io->d->relid);
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
		break;
	default:
		atomic64_inc(&io->d->unknown_cmds);
		check_condition(io, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
		break;
	}
}

static bool is_data_cmd(u8 op)
{
	return op == OP_READ_6 || op == OP_READ_10 || op == OP_READ_16 ||
	       op == OP_WRITE_6 || op == OP_WRITE_10 || op == OP_WRITE_16;
}

/* ------------------------------------------------------------ packets */

/* Send a completion: a COMP packet with the guest's transaction id. */
static void send_completion(struct stor_dev *d, u32 relid, u64 tid,
			    const struct hvlis_vstor_packet *vp, u32 psize)
{
	int ret = hvsim_chan_complete(relid, HVLIS_PKT_COMP, tid, vp, psize);

	if (ret) {
		atomic64_inc(&d->dropped);
		pr_warn_ratelimited("relid %u: completion of %#llx not sent: %d\n", relid, tid,
				    ret);
	}
}

/* A host message of its own (ENUMERATE_BUS, REMOVE_DEVICE): in-band, tid 0. */
static int send_notice(struct stor_dev *d, u32 op)
{
	struct hvlis_vstor_packet vp;
	u32 psize;

	mutex_lock(&d->lock);
	psize = hvlis_vstor_packet_size(d->version);
	mutex_unlock(&d->lock);
	memset(&vp, 0, sizeof(vp));
	vp.operation = op;
	return hvsim_chan_complete(d->relid, HVLIS_PKT_DATA_INBAND, 0, &vp, psize);
}

static void complete_held(struct stor_dev *d, struct stor_held *h)
{
	h->pkt.operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	h->pkt.flags = 0;
	h->pkt.status = 0;
	h->pkt.srb.srb_status = HVLIS_SRB_STATUS_ABORTED;
	h->pkt.srb.scsi_status = SAM_GOOD;
	h->pkt.srb.data_transfer_length = 0;
	h->pkt.srb.sense_info_length = 0;
	send_completion(d, h->relid, h->tid, &h->pkt, h->psize);
	atomic64_inc(&d->aborted);
}

/* A reset: complete what is held (aborted), then answer it. */
static void on_reset(struct stor_dev *d, u32 relid, u64 tid, struct hvlis_vstor_packet *vp,
		     u32 psize)
{
	struct stor_held *h, *tmp;
	LIST_HEAD(flush);

	atomic64_inc(&d->resets);
	if (take_fault(d, SF_RESET_HANG))
		return;
	mutex_lock(&d->lock);
	list_splice_init(&d->held, &flush);
	mutex_unlock(&d->lock);
	list_for_each_entry_safe(h, tmp, &flush, node) {
		list_del(&h->node);
		atomic64_dec(&d->held_now);
		complete_held(d, h);
		kfree(h);
	}
	vp->operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	vp->status = HVLIS_VSTOR_STATUS_SUCCESS;
	send_completion(d, relid, tid, vp, psize);
}

static void sub_work_fn(struct work_struct *work)
{
	struct stor_dev *d = container_of(work, struct stor_dev, sub_work);
	u32 relids[STOR_MAX_CHANS];
	unsigned int i, n = 0;
	u16 want;
	int ret;

	mutex_lock(&d->lock);
	want = d->sub_want;
	d->sub_want = 0;
	for (i = 1; !want && i < STOR_MAX_CHANS; i++)
		if (d->chans[i].relid)
			relids[n++] = d->chans[i].relid;
	mutex_unlock(&d->lock);
	if (want) {
		ret = hvsim_add_subchannels(d->relid, want);
		if (ret)
			pr_err("relid %u: %u sub-channels not offered: %d\n", d->relid, want, ret);
		return;
	}
	/* The primary closed: its sub-channels go too, as on Hyper-V. */
	for (i = 0; i < n; i++)
		hvsim_rescind(relids[i]);
}

static void on_init_op(struct stor_dev *d, u32 relid, u16 sub, u64 tid,
		       struct hvlis_vstor_packet *vp, u32 psize)
{
	u32 status = HVLIS_VSTOR_STATUS_SUCCESS;
	u16 v, n;

	mutex_lock(&d->lock);
	switch (vp->operation) {
	case HVLIS_VSTOR_OP_BEGIN_INITIALIZATION:
		d->began = true;
		d->ready = false;
		atomic64_inc(&d->inits);
		break;
	case HVLIS_VSTOR_OP_QUERY_PROTOCOL_VERSION:
		v = vp->version.major_minor;
		if (!version_known(v) || v > d->gen->version) {
			status = HVLIS_VSTOR_STATUS_REVISION_MISMATCH;
			atomic64_inc(&d->version_refused);
		} else {
			WRITE_ONCE(d->version, v);
			psize = min(psize, hvlis_vstor_packet_size(v));
		}
		break;
	case HVLIS_VSTOR_OP_QUERY_PROPERTIES:
		memset(&vp->props, 0, sizeof(vp->props));
		if (d->gen->multi && d->max_subch && !d->ide) {
			vp->props.max_channel_cnt = d->max_subch;
			vp->props.flags = HVLIS_VSTOR_PROP_MULTI_CHANNEL;
		}
		vp->props.max_transfer_bytes = d->max_transfer;
		break;
	case HVLIS_VSTOR_OP_END_INITIALIZATION:
		d->ready = true;
		break;
	case HVLIS_VSTOR_OP_CREATE_SUB_CHANNELS:
		n = vp->sub_channel_count;
		if (sub || !d->gen->multi || d->ide || !n || n > d->max_subch ||
		    d->subch_created) {
			status = HVLIS_VSTOR_STATUS_INVALID_PARAMETER;
			break;
		}
		d->subch_created = n;
		d->sub_want = n;
		break;
	case HVLIS_VSTOR_OP_FCHBA_DATA:
		if (!d->fc) {
			atomic64_inc(&d->unknown_ops);
			status = HVLIS_VSTOR_STATUS_INVALID_DEVICE_REQUEST;
			break;
		}
		/* made-up names: NAA 5, a vendor id nobody has, the relid */
		memset(&vp->wwn, 0, sizeof(vp->wwn));
		vp->wwn.primary_active = 1;
		put_be64(vp->wwn.primary_port_wwn, 0x5000000068760000ull | d->relid << 4 | 1);
		put_be64(vp->wwn.primary_node_wwn, 0x5000000068760000ull | d->relid << 4);
		put_be64(vp->wwn.secondary_port_wwn, 0x5000000068760000ull | d->relid << 4 | 3);
		put_be64(vp->wwn.secondary_node_wwn, 0x5000000068760000ull | d->relid << 4 | 2);
		break;
	default:
		atomic64_inc(&d->unknown_ops);
		status = HVLIS_VSTOR_STATUS_INVALID_DEVICE_REQUEST;
		break;
	}
	mutex_unlock(&d->lock);
	vp->operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	vp->flags = 0;
	vp->status = status;
	send_completion(d, relid, tid, vp, psize);
	/* Offers only after the guest has its answer. */
	if (!status && d->sub_want)
		schedule_work(&d->sub_work);
}

/*
 * Fault flood: STOR_FLOOD_PKTS completions nobody asked for, written as one
 * burst with no signal (the real completion follows, then one signal), so
 * the guest finds them all in its ring at once.
 */
static void send_flood(struct stor_dev *d, u32 relid, const struct hvlis_vstor_packet *vp,
		       u32 psize)
{
	u32 i;

	for (i = 0; i < STOR_FLOOD_PKTS; i++)
		if (hvsim_chan_send_hostile(relid, vp, psize, i + 1, HVSIM_SEND_NO_SIGNAL)) {
			atomic64_inc(&d->dropped);
			break;
		}
}

/* The SRB's disk; NULL if there is none at its address. */
static struct stor_lun *lun_at(struct stor_dev *d, const struct hvlis_vstor_srb *srb)
{
	if (d->ide)
		return srb->lun == 0 && d->luns[0].present ? &d->luns[0] : NULL;
	if (srb->path_id || srb->target_id || srb->lun >= STOR_MAX_LUNS)
		return NULL;
	return d->luns[srb->lun].present ? &d->luns[srb->lun] : NULL;
}

static void finish_srb(struct stor_dev *d, u32 relid, u16 sub, u64 tid,
		       struct hvlis_vstor_packet *vp, u32 psize, struct stor_io *io)
{
	struct hvlis_vstor_srb *srb = &vp->srb;
	u32 sense_max = hvlis_vstor_sense_size(READ_ONCE(d->version));
	u32 asked = srb->data_transfer_length;
	bool flood = false;

	vp->operation = HVLIS_VSTOR_OP_COMPLETE_IO;
	vp->flags = 0;
	vp->status = HVLIS_VSTOR_STATUS_SUCCESS;
	srb->srb_status = io->srb_status;
	srb->scsi_status = io->scsi_status;
	srb->data_transfer_length = io->xfer;
	srb->sense_info_length = 0;
	if (io->has_sense) {
		memset(srb->payload, 0, sizeof(srb->payload));
		memcpy(srb->sense_data, io->sense, min_t(u32, sense_max, SENSE_FIXED_LEN));
		srb->sense_info_length = min_t(u32, sense_max, SENSE_FIXED_LEN);
		srb->srb_status |= HVLIS_SRB_STATUS_AUTOSENSE_VALID;
	}
	if (io->is_data) {
		if (take_fault(d, SF_LIE_LENGTH))
			srb->data_transfer_length = asked + STOR_LIE_EXTRA;
		if (take_fault(d, SF_SENSE_LENGTH)) {
			srb->srb_status = HVLIS_SRB_STATUS_ERROR | HVLIS_SRB_STATUS_AUTOSENSE_VALID;
			srb->scsi_status = SAM_CHECK_CONDITION;
			srb->sense_info_length = 0xff;
			srb->data_transfer_length = 0;
		}
		if (take_fault(d, SF_UNKNOWN_TID))
			send_completion(d, relid, tid ^ 0x5a5a00000000ull ^ 0xdead, vp, psize);
		if (take_fault(d, SF_SHORT)) {
			/* 16 bytes of payload: less than any VSTOR packet */
			send_completion(d, relid, tid, vp, 16);
			return;
		}
		if (take_fault(d, SF_DUP))
			send_completion(d, relid, tid, vp, psize);
		flood = take_fault(d, SF_FLOOD);
		if (flood)
			send_flood(d, relid, vp, psize);
	}
	if (sub < STOR_MAX_CHANS) {
		atomic64_inc(&d->chans[sub].ios);
		atomic64_add(io->xfer, &d->chans[sub].bytes);
	}
	send_completion(d, relid, tid, vp, psize);
	if (flood)
		hvsim_chan_kick(relid);
}

static void on_srb(struct stor_dev *d, u32 relid, u16 sub, u64 tid,
		   struct hvlis_vstor_packet *vp, u32 psize, u8 *buf, u32 buf_len)
{
	struct hvlis_vstor_srb *srb = &vp->srb;
	struct stor_held *h;
	struct stor_io io;

	memset(&io, 0, sizeof(io));
	io.d = d;
	io.srb = srb;
	io.srb_status = HVLIS_SRB_STATUS_SUCCESS;
	if (!srb->cdb_length || srb->cdb_length > HVLIS_VSTOR_CDB_MAX ||
	    srb->data_transfer_length > buf_len || srb->data_transfer_length > d->max_transfer) {
		atomic64_inc(&d->bad_srbs);
		io.srb_status = HVLIS_SRB_STATUS_INVALID_REQUEST;
		finish_srb(d, relid, sub, tid, vp, psize, &io);
		return;
	}
	io.buf = buf;
	io.buf_len = srb->data_transfer_length;
	io.data_in = srb->data_in == HVLIS_VSTOR_DATA_IN;
	io.is_data = is_data_cmd(srb->cdb[0]);
	if (io.is_data && take_fault(d, SF_LOST))
		return;		/* never to be heard of again */
	if (io.is_data && take_fault(d, SF_HANG)) {
		h = kzalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return;
		h->relid = relid;
		h->tid = tid;
		h->psize = psize;
		h->pkt = *vp;
		mutex_lock(&d->lock);
		list_add_tail(&h->node, &d->held);
		mutex_unlock(&d->lock);
		atomic64_inc(&d->held_now);
		return;
	}
	down_read(&d->luns_sem);
	io.l = lun_at(d, srb);
	if (io.is_data && io.l && take_fault(d, SF_ERROR)) {
		check_condition(&io, SK_MEDIUM_ERROR,
				io.data_in ? ASC_READ_ERROR : ASC_WRITE_ERROR, 0);
	} else if (io.is_data && io.l && take_fault(d, SF_ERROR_NOSENSE)) {
		io.srb_status = HVLIS_SRB_STATUS_ERROR;
		io.scsi_status = SAM_CHECK_CONDITION;
	} else if (io.is_data && io.l && take_fault(d, SF_INVALID_LUN)) {
		io.srb_status = HVLIS_SRB_STATUS_INVALID_LUN;
	} else if (io.is_data && io.l && take_fault(d, SF_BUSY)) {
		io.srb_status = HVLIS_SRB_STATUS_ERROR;
		io.scsi_status = SAM_BUSY;
	} else if (!d->ide && (srb->path_id || srb->target_id)) {
		io.srb_status = HVLIS_SRB_STATUS_INVALID_LUN;
	} else {
		scsi_exec(&io);
	}
	up_read(&d->luns_sem);
	finish_srb(d, relid, sub, tid, vp, psize, &io);
}

/*
 * Where a GPA-direct packet's data is: one range, its PFNs inside the
 * packet's header area. *buf_len is the range's byte count. A range within
 * one page of the kernel's direct map (a 4 KiB request) is used there, as
 * a host with the guest's memory mapped for good would: *vmapped false.
 * Any other range is mapped with vmap(): *vmapped true, vunmap it. (A
 * vmap() and vunmap() per request cost more than the request's own copy,
 * the kernel's vmap lock and, every so many, a TLB flush on every CPU.)
 * Returns the range's mapping or NULL with *err set.
 */
static void *map_range(struct stor_dev *d, const u8 *pkt, u32 len, u8 **buf, u32 *buf_len,
		       bool *vmapped, int *err)
{
	const struct hvlis_packet_desc *desc = (const void *)pkt;
	struct hvlis_gpa_direct_header gh;
	struct hvlis_gpa_range r;
	u32 off = desc->offset8 * 8u, npfn;
	u64 *pfns;
	void *va;

	*err = -EINVAL;
	if (off < sizeof(gh) + sizeof(r))
		return NULL;
	memcpy(&gh, pkt, sizeof(gh));
	memcpy(&r, pkt + sizeof(gh), sizeof(r));
	if (gh.range_count != 1 || !r.byte_count || r.byte_offset >= HVLIS_HV_PAGE_SIZE ||
	    r.byte_count > d->max_transfer)
		return NULL;
	npfn = DIV_ROUND_UP(r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
	if (sizeof(gh) + sizeof(r) + (u64)npfn * sizeof(u64) > off)
		return NULL;
	*vmapped = false;
	if (npfn == 1 && HVLIS_HV_PAGE_SIZE == PAGE_SIZE) {
		u64 pfn;

		memcpy(&pfn, pkt + sizeof(gh) + sizeof(r), sizeof(pfn));
		if (pfn_valid(pfn) && !PageHighMem(pfn_to_page(pfn))) {
			va = page_address(pfn_to_page(pfn));
			*buf = (u8 *)va + r.byte_offset;
			*buf_len = r.byte_count;
			return va;
		}
	}
	*vmapped = true;
	pfns = kmalloc_array(npfn, sizeof(u64), GFP_KERNEL);
	if (!pfns) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(pfns, pkt + sizeof(gh) + sizeof(r), npfn * sizeof(u64));
	va = hvsim_map_pfns(pfns, npfn);
	if (!va) {
		pr_warn_ratelimited("relid %u: cannot map %u page(s) from PFN %#llx (range %u+%u)\n",
				    d->relid, npfn, pfns[0], r.byte_offset, r.byte_count);
		kfree(pfns);
		*err = -EFAULT;
		return NULL;
	}
	kfree(pfns);
	*buf = (u8 *)va + r.byte_offset;
	*buf_len = r.byte_count;
	return va;
}

static void stor_packet(void *priv, u32 relid, u16 sub, const u8 *pkt, u32 len)
{
	const struct hvlis_packet_desc *desc = (const void *)pkt;
	struct stor_dev *d = priv;
	struct hvlis_vstor_packet vp;
	u32 off = desc->offset8 * 8u, blen = len - off, psize, need;
	u8 *buf = NULL;
	u32 buf_len = 0;
	void *map = NULL;
	bool vmapped = false;
	u16 version;
	int err = 0;

	if (desc->type != HVLIS_PKT_DATA_INBAND &&
	    desc->type != HVLIS_PKT_DATA_USING_GPA_DIRECT) {
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: packet type %u ignored\n", relid, desc->type);
		return;
	}
	if (blen < 12) {
		atomic64_inc(&d->bad_packets);
		return;
	}
	memset(&vp, 0, sizeof(vp));
	memcpy(&vp, pkt + off, min_t(u32, blen, sizeof(vp)));
	/* Before a version is agreed, answer in the size the guest used. */
	psize = blen >= HVLIS_VSTOR_PACKET_SIZE_WIN8 ? HVLIS_VSTOR_PACKET_SIZE_WIN8 :
		HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8;
	need = HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8;
	/*
	 * The version once, without the controller's lock, which all its
	 * channels share (it is written under the lock, read whole here: the
	 * lock would not keep it from changing after we let go anyway).
	 */
	version = READ_ONCE(d->version);
	if (version) {
		need = hvlis_vstor_packet_size(version);
		psize = need;
	}
	if (blen < need) {
		atomic64_inc(&d->bad_packets);
		pr_warn_ratelimited("relid %u: %u-byte VSTOR packet, want %u\n", relid, blen, need);
		vp.operation = HVLIS_VSTOR_OP_COMPLETE_IO;
		vp.status = HVLIS_VSTOR_STATUS_INVALID_PARAMETER;
		send_completion(d, relid, desc->trans_id, &vp, psize);
		return;
	}
	switch (vp.operation) {
	case HVLIS_VSTOR_OP_EXECUTE_SRB:
		if (desc->type == HVLIS_PKT_DATA_USING_GPA_DIRECT) {
			map = map_range(d, pkt, len, &buf, &buf_len, &vmapped, &err);
			if (!map) {
				atomic64_inc(&d->bad_packets);
				pr_warn_ratelimited("relid %u: bad GPA range: %d\n", relid, err);
				buf_len = 0;
			}
		}
		on_srb(d, relid, sub, desc->trans_id, &vp, psize, buf, buf_len);
		if (map && vmapped)
			vunmap(map);
		break;
	case HVLIS_VSTOR_OP_RESET_LUN:
	case HVLIS_VSTOR_OP_RESET_BUS:
	case HVLIS_VSTOR_OP_RESET_ADAPTER:
		on_reset(d, relid, desc->trans_id, &vp, psize);
		break;
	default:
		on_init_op(d, relid, sub, desc->trans_id, &vp, psize);
		break;
	}
}

/* ----------------------------------------------------- channel events */

static void stor_offer(void *priv, u32 relid, u16 sub, struct hvlis_offer *offer)
{
	struct stor_dev *d = priv;
	struct hvlis_vstor_offer_props p;

	if (sub < STOR_MAX_CHANS)
		d->chans[sub].relid = relid;
	memset(&p, 0, sizeof(p));
	if (d->ide) {
		p.path_id = d->ide_path;
		p.target_id = d->ide_target;
		p.flags = HVLIS_VSTOR_OFFER_EMULATED_IDE;
	}
	memcpy(offer->user_def, &p, sizeof(p));
}

static void stor_opened(void *priv, u32 relid, u16 sub)
{
	struct stor_dev *d = priv;

	if (sub < STOR_MAX_CHANS) {
		d->chans[sub].relid = relid;
		d->chans[sub].open = true;
	}
	if (!sub) {
		/* A new guest driver: initialization starts over. */
		mutex_lock(&d->lock);
		WRITE_ONCE(d->version, 0);
		d->began = false;
		d->ready = false;
		d->subch_created = 0;
		mutex_unlock(&d->lock);
	}
}

static void drop_held(struct stor_dev *d, u32 relid)
{
	struct stor_held *h, *tmp;

	mutex_lock(&d->lock);
	list_for_each_entry_safe(h, tmp, &d->held, node) {
		if (relid && h->relid != relid)
			continue;
		list_del(&h->node);
		kfree(h);
		atomic64_dec(&d->held_now);
	}
	mutex_unlock(&d->lock);
}

static void stor_closed(void *priv, u32 relid, u16 sub, bool gone)
{
	struct stor_dev *d = priv;
	unsigned int i;
	bool subs = false;

	if (sub < STOR_MAX_CHANS)
		d->chans[sub].open = false;
	/* Nobody to complete them for any more. */
	drop_held(d, relid);
	if (sub || gone)
		return;
	mutex_lock(&d->lock);
	d->ready = false;
	for (i = 1; i < STOR_MAX_CHANS; i++)
		subs |= d->chans[i].relid != 0;
	if (subs) {
		d->sub_want = 0;
		schedule_work(&d->sub_work);
	}
	mutex_unlock(&d->lock);
}

static void stor_released(void *priv, u32 relid, u16 sub)
{
	struct stor_dev *d = priv;

	if (sub < STOR_MAX_CHANS && d->chans[sub].relid == relid)
		d->chans[sub].relid = 0;
	if (!sub)
		d->dead = true;	/* the LUNs stay until hvsim unloads */
}

static const struct hvsim_dev_ops stor_ops = {
	.name = "stor",
	.offer = stor_offer,
	.opened = stor_opened,
	.closed = stor_closed,
	.released = stor_released,
	.packet = stor_packet,
	.serve_on_signaller = true,
};

/* ------------------------------------------------------------ control */

/**
 * hvsim_stor_class() - is this a class the storage host serves
 * @class_id: a device class
 *
 * Return: true for the synthetic SCSI, IDE and Fibre Channel controllers.
 */
bool hvsim_stor_class(const struct hvlis_guid *class_id)
{
	static const struct hvlis_guid scsi = HVLIS_GUID_SCSI, ide = HVLIS_GUID_IDE;
	static const struct hvlis_guid fc = HVLIS_GUID_FC;

	return !memcmp(class_id, &scsi, sizeof(scsi)) || !memcmp(class_id, &ide, sizeof(ide)) ||
	       !memcmp(class_id, &fc, sizeof(fc));
}

static struct stor_dev *dev_by_relid(u32 relid)
{
	struct stor_dev *d;

	list_for_each_entry(d, &devs, node)
		if (!d->dead && d->relid == relid)
			return d;
	return NULL;
}

static int lun_add(struct stor_dev *d, unsigned int lun, const char *how, const char *arg)
{
	struct stor_lun *l;
	int ret;

	if (lun >= STOR_MAX_LUNS || (d->ide && lun))
		return -EINVAL;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	ret = lun_setup(l, how, arg);
	if (!ret) {
		down_write(&d->luns_sem);
		if (d->luns[lun].present) {
			ret = -EEXIST;
			lun_free(l);
		} else {
			d->luns[lun] = *l;
		}
		up_write(&d->luns_sem);
	}
	kfree(l);
	if (!ret && d->relid)
		pr_info("relid %u: LUN %u: %s, %llu blocks\n", d->relid, lun, d->luns[lun].path,
			d->luns[lun].blocks);
	return ret;
}

static int lun_remove(struct stor_dev *d, unsigned int lun)
{
	int ret = 0;

	if (lun >= STOR_MAX_LUNS)
		return -EINVAL;
	down_write(&d->luns_sem);
	if (d->luns[lun].present)
		lun_free(&d->luns[lun]);
	else
		ret = -ENOENT;
	up_write(&d->luns_sem);
	return ret;
}

static int notify(struct stor_dev *d, u32 op)
{
	int ret = send_notice(d, op);

	if (!ret)
		atomic64_inc(op == HVLIS_VSTOR_OP_ENUMERATE_BUS ? &d->enumerates : &d->removes);
	return ret;
}

/* Tell the guest, if one is there to tell. */
static void notify_if_ready(struct stor_dev *d, u32 op)
{
	bool ready;

	mutex_lock(&d->lock);
	ready = d->ready;
	mutex_unlock(&d->lock);
	if (ready)
		notify(d, op);
}

/**
 * hvsim_stor_add() - add a storage controller (the "add scsi|ide" command)
 * @class_id: HVLIS_GUID_SCSI or HVLIS_GUID_IDE
 * @instance: its instance, or NULL to make one
 * @monitor: as for hvsim_add_device()
 * @opts: key=value options, space-separated (see the top of this file)
 *
 * Return: the primary channel's relid, or -errno.
 */
int hvsim_stor_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		   int monitor, char *opts)
{
	static const struct hvlis_guid ide = HVLIS_GUID_IDE, fc = HVLIS_GUID_FC;
	char *tok, *val, *how = NULL, *what = NULL;
	unsigned int lun = 0, v;
	struct stor_dev *d;
	int ret = 0, relid;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->class_id = *class_id;
	d->ide = !memcmp(class_id, &ide, sizeof(ide));
	d->fc = !memcmp(class_id, &fc, sizeof(fc));
	d->gen = &gens[ARRAY_SIZE(gens) - 1];
	d->max_subch = STOR_DEF_SUBCH;
	d->max_transfer = STOR_DEF_MAXXFER;
	mutex_init(&d->lock);
	init_rwsem(&d->luns_sem);
	INIT_LIST_HEAD(&d->held);
	INIT_WORK(&d->sub_work, sub_work_fn);
	while (opts && (tok = strsep(&opts, " ")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val) {
			ret = -EINVAL;
			break;
		}
		*val++ = '\0';
		if (!strcmp(tok, "gen")) {
			d->gen = gen_by_name(val);
			if (!d->gen)
				ret = -EINVAL;
		} else if (!strcmp(tok, "ram") || !strcmp(tok, "bdev")) {
			how = tok;
			what = val;
		} else if (!strcmp(tok, "lun") && !kstrtouint(val, 0, &v) && v < STOR_MAX_LUNS) {
			lun = v;
		} else if (!strcmp(tok, "subch") && !kstrtouint(val, 0, &v) &&
			   v < STOR_MAX_CHANS) {
			d->max_subch = v;
		} else if (!strcmp(tok, "maxxfer") && !kstrtouint(val, 0, &v) &&
			   v >= HVLIS_HV_PAGE_SIZE && v <= (8u << 20)) {
			d->max_transfer = v & ~(HVLIS_HV_PAGE_SIZE - 1);
		} else if (!strcmp(tok, "channel") && !kstrtouint(val, 0, &v) && v < 2) {
			d->ide_path = v;
		} else if (!strcmp(tok, "target") && !kstrtouint(val, 0, &v) && v < 2) {
			d->ide_target = v;
		} else {
			ret = -EINVAL;
		}
		if (ret) {
			pr_err("add: bad option '%s=%s'\n", tok, val);
			break;
		}
	}
	if (!ret && how)
		ret = lun_add(d, lun, how, what);
	if (ret)
		goto fail;
	if (instance) {
		d->instance = *instance;
	} else {
		/* bytes 0..3: IDE channel, 4..5: device, as Linux reads them */
		static const struct hvlis_guid base = HVLIS_GUID(0, 0, 0x4000,
			0x80, 0x00, 0x68, 0x76, 0x73, 0x74, 0x00, 0x00);

		d->instance = base;
		d->instance.b[0] = d->ide ? d->ide_path : 0;
		d->instance.b[4] = d->ide ? d->ide_target : 0;
		mutex_lock(&devs_lock);
		v = ++ide_instances;
		mutex_unlock(&devs_lock);
		d->instance.b[14] = v >> 8;
		d->instance.b[15] = v;
	}
	mutex_lock(&devs_lock);
	list_add_tail(&d->node, &devs);
	mutex_unlock(&devs_lock);
	relid = hvsim_add_dev(&stor_ops, d, class_id, &d->instance, 0, monitor);
	mutex_lock(&devs_lock);
	if (relid < 0) {
		list_del(&d->node);
		mutex_unlock(&devs_lock);
		ret = relid;
		goto fail;
	}
	d->relid = relid;
	mutex_unlock(&devs_lock);
	pr_info("relid %u: %s controller, host %s\n", relid,
		d->ide ? "IDE" : d->fc ? "Fibre Channel" : "SCSI", d->gen->name);
	for (v = 0; v < STOR_MAX_LUNS; v++)
		if (d->luns[v].present)
			pr_info("relid %u: LUN %u: %s, %llu blocks\n", relid, v, d->luns[v].path,
				d->luns[v].blocks);
	return relid;
fail:
	for (v = 0; v < STOR_MAX_LUNS; v++)
		if (d->luns[v].present)
			lun_free(&d->luns[v]);
	kfree(d);
	return ret;
}

static int cmd_lun(struct stor_dev *d, char *args)
{
	char *n = strsep(&args, " "), *verb = args ? strsep(&args, " ") : NULL, *arg = NULL;
	unsigned int lun;
	bool quiet = false;
	int ret;

	if (!n || !verb || kstrtouint(n, 0, &lun))
		return -EINVAL;
	if (strcmp(verb, "remove"))
		arg = args ? strsep(&args, " ") : NULL;
	if (args && !strcmp(strim(args), "quiet"))
		quiet = true;
	else if (args && *strim(args))
		return -EINVAL;
	if (!strcmp(verb, "remove")) {
		ret = lun_remove(d, lun);
		if (!ret && !quiet)
			notify_if_ready(d, HVLIS_VSTOR_OP_REMOVE_DEVICE);
		return ret;
	}
	if (!arg || !*arg)
		return -EINVAL;
	ret = lun_add(d, lun, verb, arg);
	if (!ret && !quiet)
		notify_if_ready(d, HVLIS_VSTOR_OP_ENUMERATE_BUS);
	return ret;
}

/**
 * hvsim_stor_command() - the "stor" command of the ctl file
 * @args: "<relid> <verb> [args]" (see the top of this file)
 *
 * Return: 0 or -errno.
 */
int hvsim_stor_command(char *args)
{
	const struct stor_gen *g;
	struct stor_dev *d;
	unsigned int relid;
	char *verb;
	int ret = hvsim_cmd_args(&args, &relid, &verb);

	if (ret)
		return ret;
	ret = -EINVAL;
	mutex_lock(&devs_lock);
	d = dev_by_relid(relid);
	mutex_unlock(&devs_lock);
	if (!d)
		return -ENOENT;
	/* Devices are freed only when hvsim unloads: d stays valid. */
	if (!strcmp(verb, "lun")) {
		ret = cmd_lun(d, args);
	} else if (!strcmp(verb, "fault")) {
		ret = hvsim_fault_arm(fault_names, SF_COUNT, args, &d->lock, d->fault_left);
	} else if (!strcmp(verb, "notify") && args) {
		if (!strcmp(args, "enumerate"))
			ret = notify(d, HVLIS_VSTOR_OP_ENUMERATE_BUS);
		else if (!strcmp(args, "remove"))
			ret = notify(d, HVLIS_VSTOR_OP_REMOVE_DEVICE);
	} else if (!strcmp(verb, "gen") && args) {
		g = gen_by_name(args);
		if (g) {
			mutex_lock(&d->lock);
			d->gen = g;
			mutex_unlock(&d->lock);
			ret = 0;
		}
	}
	if (ret)
		pr_err("stor %u %s: %d\n", relid, verb, ret);
	return ret;
}

#define SHOW(d, key, val) seq_printf(s, "%u %s %llu\n", (d)->relid, key, \
				     (unsigned long long)(val))
#define LSHOW(name, val) do {						\
		snprintf(key, sizeof(key), "lun%u_" name, i);		\
		SHOW(d, key, val);					\
	} while (0)

/**
 * hvsim_stor_show() - the stor file: every controller's counters
 * @s: the file
 */
void hvsim_stor_show(struct seq_file *s)
{
	struct stor_dev *d;
	struct stor_lun *l;
	unsigned int i, f;
	char key[48];

	mutex_lock(&devs_lock);
	list_for_each_entry(d, &devs, node) {
		if (d->dead)
			continue;
		mutex_lock(&d->lock);
		seq_printf(s, "%u class %s\n%u gen %s\n%u version %u.%u\n%u ready %d\n",
			   d->relid, d->ide ? "ide" : d->fc ? "fc" : "scsi", d->relid,
			   d->gen->name, d->relid, HVLIS_VSTOR_VERSION_MAJOR(d->version),
			   HVLIS_VSTOR_VERSION_MINOR(d->version), d->relid, d->ready);
		SHOW(d, "subch_max", d->gen->multi && !d->ide ? d->max_subch : 0);
		SHOW(d, "subch_created", d->subch_created);
		for (f = 0; f < SF_COUNT; f++) {
			snprintf(key, sizeof(key), "fault_%s", fault_names[f]);
			SHOW(d, key, atomic64_read(&d->faults_fired[f]));
		}
		for (f = 0, i = 0; f < SF_COUNT; f++)
			i += d->fault_left[f];
		SHOW(d, "faults_armed", i);
		mutex_unlock(&d->lock);
		SHOW(d, "max_transfer", d->max_transfer);
		SHOW(d, "inits", atomic64_read(&d->inits));
		SHOW(d, "version_refused", atomic64_read(&d->version_refused));
		SHOW(d, "bad_packets", atomic64_read(&d->bad_packets));
		SHOW(d, "bad_srbs", atomic64_read(&d->bad_srbs));
		SHOW(d, "unknown_ops", atomic64_read(&d->unknown_ops));
		SHOW(d, "unknown_cmds", atomic64_read(&d->unknown_cmds));
		SHOW(d, "write_same", atomic64_read(&d->write_same));
		SHOW(d, "resets", atomic64_read(&d->resets));
		SHOW(d, "held", atomic64_read(&d->held_now));
		SHOW(d, "aborted", atomic64_read(&d->aborted));
		SHOW(d, "dropped", atomic64_read(&d->dropped));
		SHOW(d, "enumerates", atomic64_read(&d->enumerates));
		SHOW(d, "removes", atomic64_read(&d->removes));
		for (i = 0; i < STOR_MAX_CHANS; i++) {
			if (!d->chans[i].relid && !atomic64_read(&d->chans[i].ios))
				continue;
			snprintf(key, sizeof(key), "chan%u_relid", i);
			SHOW(d, key, d->chans[i].relid);
			snprintf(key, sizeof(key), "chan%u_ios", i);
			SHOW(d, key, atomic64_read(&d->chans[i].ios));
			snprintf(key, sizeof(key), "chan%u_bytes", i);
			SHOW(d, key, atomic64_read(&d->chans[i].bytes));
		}
		down_read(&d->luns_sem);
		for (i = 0; i < STOR_MAX_LUNS; i++) {
			l = &d->luns[i];
			if (!l->present)
				continue;
			seq_printf(s, "%u lun%u_backing %s\n", d->relid, i, l->path);
			LSHOW("blocks", l->blocks);
			LSHOW("reads", atomic64_read(&l->reads));
			LSHOW("writes", atomic64_read(&l->writes));
			LSHOW("bytes_read", atomic64_read(&l->bytes_read));
			LSHOW("bytes_written", atomic64_read(&l->bytes_written));
			LSHOW("flushes", atomic64_read(&l->flushes));
			LSHOW("unmaps", atomic64_read(&l->unmaps));
			LSHOW("unmap_ranges", atomic64_read(&l->unmap_ranges));
			LSHOW("unmap_blocks", atomic64_read(&l->unmap_blocks));
			LSHOW("errors", atomic64_read(&l->errors));
		}
		up_read(&d->luns_sem);
	}
	mutex_unlock(&devs_lock);
}

/**
 * hvsim_stor_exit() - free every controller (hvsim unloads; no channel runs)
 */
void hvsim_stor_exit(void)
{
	struct stor_dev *d, *tmp;
	unsigned int i;

	list_for_each_entry_safe(d, tmp, &devs, node) {
		cancel_work_sync(&d->sub_work);
		drop_held(d, 0);
		for (i = 0; i < STOR_MAX_LUNS; i++)
			if (d->luns[i].present)
				lun_free(&d->luns[i]);
		list_del(&d->node);
		kfree(d);
	}
}
