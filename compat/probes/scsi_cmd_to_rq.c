// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_SCSI_CMD_TO_RQ: scsi_cmd_to_rq() (5.15); before it, cmd->request */
#include <scsi/scsi_cmnd.h>

static struct request *rq;

void hvlis_probe(void)
{
	rq = scsi_cmd_to_rq((struct scsi_cmnd *)0);
}
