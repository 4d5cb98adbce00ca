// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_TRANSPORT_FC: the Fibre Channel transport class
 * (CONFIG_SCSI_FC_ATTRS): fc_attach_transport() and the host's port and
 * node name attributes. Without it the FC adapter is a plain SCSI host.
 */
/* hvlis-probe-export: fc_attach_transport fc_release_transport */
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_fc.h>

#if !defined(CONFIG_SCSI_FC_ATTRS) && !defined(CONFIG_SCSI_FC_ATTRS_MODULE)
#error "no FC transport class in this kernel's configuration"
#endif

static struct fc_function_template f = {
	.show_host_node_name = 1,
	.show_host_port_name = 1,
};

void hvlis_probe(void)
{
	struct scsi_transport_template *t = fc_attach_transport(&f);
	struct Scsi_Host *h = NULL;

	fc_host_port_name(h) = 1;
	fc_host_node_name(h) = 2;
	fc_release_transport(t);
}
