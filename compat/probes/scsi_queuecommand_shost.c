// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_QUEUECOMMAND_SHOST: queuecommand(struct Scsi_Host *, struct
 * scsi_cmnd *) returning int (2.6.37); before it, (cmd, done).
 */
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>

static int qc(struct Scsi_Host *h, struct scsi_cmnd *c)
{
	return 0;
}

static struct scsi_host_template t = {
	.queuecommand = qc,
};

void hvlis_probe(void)
{
	(void)t;
}
