// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_SCSI_DONE: scsi_done(cmd) completes a command (5.16); before it, cmd->scsi_done */
#include <scsi/scsi_cmnd.h>

void hvlis_probe(void)
{
	scsi_done((struct scsi_cmnd *)0);
}
