/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_storvsc driver state. The wire formats are in hvlis/vstor_proto.h,
 * their checks in storvsc_msg.c; this is what the guest keeps.
 */
#ifndef HV_STORVSC_H
#define HV_STORVSC_H

#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/interrupt.h>
#include <hvlis/compat_scsi.h>
#include <hvlis/vmbus.h>
#include "storvsc_msg.h"

#define STV_MAX_CHANS		16	/* the primary and up to 15 sub-channels */
#define STV_MAX_XFER		(512 * 1024)	/* bytes per command, at most */
/* PFNs one command's range can need: the pages plus one for the offset. */
#define STV_MAX_PFNS		(STV_MAX_XFER / HVLIS_HV_PAGE_SIZE + 1)
#define STV_CTL_TIMEOUT		(10 * HZ)	/* one control request */
#define STV_CMD_TIMEOUT_S	60		/* told to the host (WIN8+) */

/*
 * Transaction ids: control requests have bit 63 set, I/O requests carry
 * their slot (+1) in the low 32 bits and the slot's generation above, so an
 * id is never valid twice. 0 is the host's own messages.
 */
#define STV_TID_CTL		BIT_ULL(63)
/*
 * A slot taken while its request is being built: an id no I/O completion
 * can match (ids with bit 63 go to the control path), and no request to
 * reclaim yet.
 */
#define STV_TID_FILLING		STV_TID_CTL

struct stv_host;

/* The device kinds (driver_data of the id table). */
enum stv_kind {
	STV_KIND_SCSI,
	STV_KIND_IDE,
	STV_KIND_FC,
};

/* The wire form of one command's GPA range: the range, then its PFNs. */
struct stv_gpa {
	struct hvlis_gpa_range range;
	u64 pfns[STV_MAX_PFNS];
} __packed __aligned(8);

/*
 * Per-command state, one per slot of a channel (the driver's own, so no
 * kernel needs a per-command private area): free again when the slot is.
 */
struct stv_request {
	struct scsi_cmnd *cmd;
	struct stv_srb_sent sent;
	void *bounce;			/* page-contiguous copy, or NULL */
	u32 bounce_len;
	struct stv_gpa gpa;		/* where the data is */
};

/* One VMBus channel and its outstanding commands. */
struct stv_chan {
	struct stv_host *host;
	struct hvlis_channel *ch;
	unsigned int index;		/* 0: primary */
	spinlock_t lock;		/* the slots */
	u32 depth;
	struct stv_request *reqs;	/* the slots' own requests */
	struct stv_request **slots;	/* NULL with a tid: abandoned by a reset */
	u64 *slot_tid;			/* 0: free */
	u32 gen;
	/*
	 * The channel's only reader: the VMBus callback schedules it, it
	 * handles at most the budget of packets per run and reschedules
	 * itself for the rest.
	 */
	struct tasklet_struct rx_tasklet;
	u8 rxbuf[sizeof(struct hvlis_vstor_packet) + 8];
	/* counters (debugfs: hv_storvsc/<device>) */
	atomic64_t ios, completions, bad_completions, unknown_tids, late;
	atomic64_t hwq_ios;		/* commands sent here by their blk-mq queue */
	/* runs of rx_tasklet, runs that ended on the budget; the rx_tasklet's own */
	u64 runs, budget_exhausted;
	u64 rearms;			/* runs again for what came while masked */
	u32 max_batch;			/* most packets in one run */
	u64 max_run_ns;			/* longest run */
};

struct stv_host {
	struct hvlis_device *hd;
	struct Scsi_Host *shost;
	bool ide;
	bool fc;			/* the Fibre Channel adapter */
	bool fc_names;			/* fc_wwpn/fc_wwnn came from the host */
	u64 fc_wwpn, fc_wwnn;
	u8 ide_path, ide_target;
	u16 version;
	u32 pkt_size;			/* each way, for the negotiated version */
	u32 max_xfer;
	u32 max_subch;
	u32 nr_hwq;			/* blk-mq hardware queues: channels asked for */
	u32 depth;			/* per channel */
	u32 ring_bytes;
	bool removing;			/* commands fail at once */
	bool no_rescan;			/* going away: no rescans, no removals */

	struct mutex chan_lock;		/* adding channels */
	struct stv_chan *chans[STV_MAX_CHANS];
	unsigned int nchans;		/* published with smp_store_release */

	/* one control request at a time, on the primary channel */
	struct mutex ctl_mutex;
	spinlock_t ctl_lock;		/* ctl_tid, ctl_resp, ctl_len */
	struct completion ctl_done;
	u64 ctl_tid, ctl_seq;
	struct hvlis_vstor_packet ctl_resp;
	u32 ctl_len;

	struct workqueue_struct *wq;
	struct work_struct rescan_work;
	struct dentry *dbg;		/* the channels' counters (debugfs) */
	atomic64_t host_msgs, bad_host_msgs;
};

/* storvsc_io.c */
hvlis_qc_status_t stv_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
void stv_channel_cb(void *context);
void stv_rx_tasklet(unsigned long data);
extern unsigned int stv_completion_budget;
int stv_eh_abort(struct scsi_cmnd *cmd);
int stv_eh_device_reset(struct scsi_cmnd *cmd);
int stv_eh_bus_reset(struct scsi_cmnd *cmd);
int stv_eh_host_reset(struct scsi_cmnd *cmd);
unsigned int stv_reclaim(struct stv_host *host, const struct scsi_device *sdev, int result);

/* storvsc_main.c */
int stv_ctl_request(struct stv_host *host, struct hvlis_vstor_packet *req,
		    struct hvlis_vstor_packet *resp, u32 *resp_len);

static inline struct stv_host *shost_to_stv(struct Scsi_Host *shost)
{
	return *(struct stv_host **)shost_priv(shost);
}

#endif
