// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hv_storvsc's checks of what the host sends
 * (modules/proto/storvsc_msg.c). Input layout:
 *   byte 0     the negotiated version (index into stv_versions)
 *   bytes 1-8  the request the guest sent: path, target, lun, data_in,
 *              transfer length (u32 LE)
 *   the rest   one packet from the host, in a heap buffer of exactly its
 *              length (at most STV_FUZZ_MAX bytes; longer inputs are cut)
 * Every check runs on the guest's copy; the answers are then held to the
 * protocol's rules, restated here: a completion that passes names the LUN
 * asked about, moves no more than asked, returns no more sense than the
 * version holds; properties give a page-multiple transfer size; FC names
 * come from a whole, successful answer and are never zero.
 */
#include "storvsc_msg.h"

#include <stdio.h>
#include <stdlib.h>

#define STV_FUZZ_MAX	256	/* more than any VSTOR packet (64) */

static void invariant_failed(const char *what, int line)
{
	fprintf(stderr, "fuzz_storvsc:%d: invariant violated: %s\n", line, what);
	abort();
}

#define ASSERT(c) do { if (!(c)) invariant_failed(#c, __LINE__); } while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size);

int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size)
{
	struct hvlis_vstor_packet pkt;
	struct stv_srb_result res;
	struct stv_srb_sent sent;
	u32 len, sub, xfer;
	u64 wwpn, wwnn;
	u16 ver;
	u8 *buf;
	int ret;

	if (size < 9)
		return 0;
	ver = stv_versions[data[0] % stv_nversions];
	sent.path_id = data[1];
	sent.target_id = data[2];
	sent.lun = data[3];
	sent.data_in = data[4];
	sent.transfer_len = (u32)data[5] | (u32)data[6] << 8 | (u32)data[7] << 16 |
			    (u32)data[8] << 24;
	len = (u32)(size - 9);
	if (len > STV_FUZZ_MAX)
		len = STV_FUZZ_MAX;
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 9, len);

	ret = stv_msg_copy(buf, len, &pkt);
	if (ret) {
		ASSERT(len < 12);
		free(buf);
		return 0;
	}
	ret = stv_msg_srb_complete(&pkt, len, ver, &sent, &res);
	if (!ret) {
		ASSERT(len >= hvlis_vstor_packet_size(ver));
		ASSERT(pkt.operation == HVLIS_VSTOR_OP_COMPLETE_IO);
		ASSERT(pkt.srb.lun == sent.lun && pkt.srb.target_id == sent.target_id &&
		       pkt.srb.path_id == sent.path_id);
		ASSERT(res.transferred <= sent.transfer_len);
		ASSERT(res.sense_len <= hvlis_vstor_sense_size(ver));
		ASSERT(res.disp == STV_DONE || res.transferred == 0);
		ASSERT(res.srb_status && res.srb_status <= HVLIS_SRB_STATUS_INTERNAL_ERROR);
	} else {
		ASSERT(ret == -EPROTO);
	}
	ret = stv_msg_props(&pkt, len, ver, &sub, &xfer);
	if (!ret) {
		ASSERT(xfer >= HVLIS_HV_PAGE_SIZE && xfer % HVLIS_HV_PAGE_SIZE == 0);
		ASSERT(xfer <= pkt.props.max_transfer_bytes);
		ASSERT(ver >= HVLIS_VSTOR_WIN8 || sub == 0);
	}
	ret = stv_msg_fc_names(&pkt, len, &wwpn, &wwnn);
	if (!ret) {
		ASSERT(len >= 12 + sizeof(struct hvlis_vstor_fc_wwn));
		ASSERT(pkt.operation == HVLIS_VSTOR_OP_COMPLETE_IO && pkt.status == 0);
		ASSERT(pkt.wwn.primary_active <= 1);
		ASSERT(wwpn && wwnn);
	} else {
		ASSERT(ret == -EPROTO || ret == -EIO);
	}
	ret = stv_msg_ctl_status(&pkt, len);
	ASSERT(ret == 0 || ret == -EPROTO || ret == -EIO || ret == -EPROTONOSUPPORT);
	ret = stv_msg_host_op(&pkt, len);
	ASSERT(ret == -EPROTO || ret == HVLIS_VSTOR_OP_ENUMERATE_BUS ||
	       ret == HVLIS_VSTOR_OP_REMOVE_DEVICE || ret == HVLIS_VSTOR_OP_FCHBA_DATA);
	free(buf);
	return 0;
}
