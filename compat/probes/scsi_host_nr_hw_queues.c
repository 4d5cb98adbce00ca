// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_SCSI_HOST_NR_HW_QUEUES: Scsi_Host.nr_hw_queues, one blk-mq queue per channel (3.17) */
#include <scsi/scsi_host.h>

void hvlis_probe(void)
{
	struct Scsi_Host *h = NULL;

	(void)sizeof(h->nr_hw_queues = 2);
}
