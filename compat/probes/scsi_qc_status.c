// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_SCSI_QC_STATUS: queuecommand returns enum scsi_qc_status (7.x), not int */
#include <scsi/scsi.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>

static enum scsi_qc_status qc(struct Scsi_Host *h, struct scsi_cmnd *c)
{
	return SCSI_MLQUEUE_HOST_BUSY;
}

static struct scsi_host_template t = {
	.queuecommand = qc,
};

void hvlis_probe(void)
{
	(void)t;
}
