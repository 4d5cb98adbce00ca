// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_HOST_LOCKLESS: scsi_host_template.lockless (RHEL 6's 2.6.32):
 * set, the midlayer calls the (cmd, done) queuecommand without the host
 * lock held. Upstream has no such field.
 */
#include <scsi/scsi_host.h>

static struct scsi_host_template t = {
	.lockless = 1,
};

void hvlis_probe(void)
{
	(void)t;
}
