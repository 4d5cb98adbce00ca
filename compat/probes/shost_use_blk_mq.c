// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SHOST_USE_BLK_MQ: shost_use_blk_mq() (3.17 to 4.20), where a SCSI
 * host may still run on the legacy request path (scsi_mod.use_blk_mq=0);
 * without it a kernel with nr_hw_queues always uses blk-mq.
 */
#include <scsi/scsi_host.h>

static bool mq;

void hvlis_probe(void)
{
	mq = shost_use_blk_mq((struct Scsi_Host *)0);
}
