// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_TRANSPORT_EH_TIMED_OUT: struct scsi_transport_template has
 * eh_timed_out (up to 4.10): the FC class's own then runs on a command's
 * timeout and expects a remote port above the target, which hv_storvsc's
 * targets do not have; hv_storvsc uses the FC class only without it.
 */
#include <scsi/scsi_transport.h>

static struct scsi_transport_template t;

void hvlis_probe(void)
{
	(void)sizeof(t.eh_timed_out);
}
