/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCSI midlayer differences for hv_storvsc, keyed by the HAVE_* results of
 * compat/probes (scsi_*.c). Only hv_storvsc includes this.
 */
#ifndef HVLIS_COMPAT_SCSI_H
#define HVLIS_COMPAT_SCSI_H

#include <hvlis/compat_base.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

/* Completing a command: scsi_done() (5.16+) or the command's own hook. */
static inline void hvlis_scsi_done(struct scsi_cmnd *cmd)
{
#ifdef HAVE_SCSI_DONE
	scsi_done(cmd);
#else
	cmd->scsi_done(cmd);
#endif
}

/*
 * A host template initialiser that keeps every segment but the first
 * starting, and every one but the last ending, on a page boundary, where
 * the template has the field (5.0+); elsewhere the driver bounces.
 */
#ifdef HAVE_SCSI_HOST_VIRT_BOUNDARY
#define HVLIS_SHT_VIRT_BOUNDARY(mask)	.virt_boundary_mask = (mask),
#else
#define HVLIS_SHT_VIRT_BOUNDARY(mask)
#endif
/* One blk-mq hardware queue per channel, where the host has the field. */
#ifdef HAVE_SCSI_HOST_NR_HW_QUEUES
#define hvlis_shost_set_hw_queues(shost, n)	((shost)->nr_hw_queues = (n))
#else
#define hvlis_shost_set_hw_queues(shost, n)	do { } while (0)
#endif
/*
 * The blk-mq hardware queue a command was dispatched on, or -1 where the
 * kernel cannot say (no blk-mq, no blk_mq_unique_tag(), or a host on the
 * legacy request path): the driver then picks a channel by CPU.
 */
#if defined(HAVE_SCSI_HOST_NR_HW_QUEUES) && defined(HAVE_BLK_MQ_UNIQUE_TAG)
#include <linux/blk-mq.h>
static inline int hvlis_scsi_cmd_hwq(struct scsi_cmnd *cmd)
{
	struct request *rq;

#ifdef HAVE_SHOST_USE_BLK_MQ
	if (!shost_use_blk_mq(cmd->device->host))
		return -1;
#endif
#ifdef HAVE_SCSI_CMD_TO_RQ
	rq = scsi_cmd_to_rq(cmd);
#else
	rq = cmd->request;
#endif
	return blk_mq_unique_tag_to_hwq(blk_mq_unique_tag(rq));
}
#else
static inline int hvlis_scsi_cmd_hwq(struct scsi_cmnd *cmd)
{
	return -1;
}
#endif

/*
 * The Fibre Channel transport class, for the FC adapter's port and node
 * names: where the kernel has it and its transport template has no
 * eh_timed_out of its own (up to 4.10 the FC class's would run on every
 * timeout and expect a remote port above the target, which the synthetic
 * adapter's targets lack). Elsewhere the FC adapter is a plain SCSI host.
 */
#if defined(HAVE_SCSI_TRANSPORT_FC) && !defined(HAVE_SCSI_TRANSPORT_EH_TIMED_OUT)
#include <scsi/scsi_transport_fc.h>
#define HVLIS_FC_TRANSPORT	1
#endif

/* What queuecommand returns: enum scsi_qc_status (7.x) or int. */
#ifdef HAVE_SCSI_QC_STATUS
#define hvlis_qc_status_t	enum scsi_qc_status
#else
#define hvlis_qc_status_t	int
#endif

/*
 * queuecommand: (shost, cmd) from 2.6.37; before, (cmd, done), called with
 * the host lock held and interrupts off (unless the template sets RHEL 6's
 * lockless, HVLIS_SHT_LOCKLESS). The driver writes the modern one, defines
 * its entry with HVLIS_DEF_SCSI_QUEUECOMMAND(fn) and names that entry in
 * its template with HVLIS_SCSI_QUEUECOMMAND(fn). On the old midlayer the
 * entry keeps @done where hvlis_scsi_done() finds it and calls fn, which
 * needs nothing of the host lock and takes its own locks with interrupts
 * saved, so it may be called with them off.
 */
#ifdef HAVE_SCSI_QUEUECOMMAND_SHOST
#define HVLIS_DEF_SCSI_QUEUECOMMAND(fn)
#define HVLIS_SCSI_QUEUECOMMAND(fn)	fn
#else
#define HVLIS_DEF_SCSI_QUEUECOMMAND(fn)					\
static int fn##_hvlis_old(struct scsi_cmnd *cmd, void (*done)(struct scsi_cmnd *)) \
{									\
	cmd->scsi_done = done;						\
	return fn(cmd->device->host, cmd);				\
}

#define HVLIS_SCSI_QUEUECOMMAND(fn)	fn##_hvlis_old
#endif

/* RHEL 6: queuecommand without the host lock (the driver has its own). */
#ifdef HAVE_SCSI_HOST_LOCKLESS
#define HVLIS_SHT_LOCKLESS	.lockless = 1,
#else
#define HVLIS_SHT_LOCKLESS
#endif

/*
 * WRITE SAME never sent, where the template can say so; before (2.6.32)
 * sd sends it for discard only and picks UNMAP when the device's VPD pages
 * offer it, as Hyper-V's (and the simulated host's) do.
 */
#ifdef HAVE_SCSI_HOST_NO_WRITE_SAME
#define HVLIS_SHT_NO_WRITE_SAME	.no_write_same = 1,
#else
#define HVLIS_SHT_NO_WRITE_SAME
#endif

/* scsi_scan_target()'s last argument: an enum, before it an int (1: rescan). */
#ifndef HAVE_SCSI_SCAN_MODE
#define SCSI_SCAN_RESCAN	1
#endif

#endif
