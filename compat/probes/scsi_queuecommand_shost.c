// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_QUEUECOMMAND_SHOST: queuecommand(struct Scsi_Host *, struct
 * scsi_cmnd *) (2.6.37); before it, (cmd, done). Its return type is probed
 * apart (scsi_qc_status).
 */
#include <scsi/scsi_host.h>
#include <scsi/scsi_cmnd.h>

static struct scsi_host_template t;

void hvlis_probe(void)
{
	struct Scsi_Host *h = NULL;
	struct scsi_cmnd *c = NULL;

	(void)sizeof(t.queuecommand(h, c));
}
