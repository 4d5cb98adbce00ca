// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_SCSI_SCAN_MODE: scsi_scan_target() takes an enum scsi_scan_mode
 * (SCSI_SCAN_RESCAN); before it an int, 1 to rescan (2.6.32).
 */
#include <scsi/scsi_device.h>

void hvlis_probe(void)
{
	enum scsi_scan_mode m = SCSI_SCAN_RESCAN;

	scsi_scan_target((struct device *)0, 0, 0, SCAN_WILD_CARD, m);
}
