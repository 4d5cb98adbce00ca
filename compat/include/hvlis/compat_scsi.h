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
/* What queuecommand returns: enum scsi_qc_status (7.x) or int. */
#ifdef HAVE_SCSI_QC_STATUS
#define hvlis_qc_status_t	enum scsi_qc_status
#else
#define hvlis_qc_status_t	int
#endif

#ifndef HAVE_SCSI_QUEUECOMMAND_SHOST
#error "hvlis: hv_storvsc needs queuecommand(struct Scsi_Host *, struct scsi_cmnd *) (2.6.37+)"
#endif

#endif
