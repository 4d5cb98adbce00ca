// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_HOST_NO_WRITE_SAME: scsi_host_template.no_write_same (3.x, with
 * the block layer's WRITE SAME); 2.6.32's sd sends WRITE SAME for discard
 * only, and only when the device's VPD pages do not offer UNMAP.
 */
#include <scsi/scsi_host.h>

static struct scsi_host_template t = {
	.no_write_same = 1,
};

void hvlis_probe(void)
{
	(void)t;
}
