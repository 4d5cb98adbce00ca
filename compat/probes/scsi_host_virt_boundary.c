// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_SCSI_HOST_VIRT_BOUNDARY: scsi_host_template.virt_boundary_mask (5.0) */
#include <scsi/scsi_host.h>

static struct scsi_host_template t = {
	.virt_boundary_mask = 4095,
};

void hvlis_probe(void)
{
	(void)t;
}
