// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc's protocol-only code: request building and validation of the
 * host's completions, properties and notifications. Every function works on
 * the guest's own copy of a packet (stv_msg_copy()), never on ring memory
 * the host can still change, and trusts no field before checking it.
 */
#include "storvsc_msg.h"

const u16 stv_versions[] = {
	HVLIS_VSTOR_WIN10, HVLIS_VSTOR_WIN8_1, HVLIS_VSTOR_WIN8,
	HVLIS_VSTOR_WIN7, HVLIS_VSTOR_WIN6,
};

const unsigned int stv_nversions = sizeof(stv_versions) / sizeof(stv_versions[0]);

/* The header (operation, flags, status): the least any packet can be. */
#define STV_HDR_BYTES	12u

/**
 * stv_msg_copy() - take a packet the host sent into a zeroed local copy
 * @buf: the received payload
 * @len: its length (VMBus pads to 8 bytes)
 * @pkt: receives at most sizeof(*pkt) bytes; the rest stays zero
 *
 * Return: 0, or -EINVAL for a packet shorter than the header.
 */
int stv_msg_copy(const void *buf, u32 len, struct hvlis_vstor_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (!buf || len < STV_HDR_BYTES)
		return -EINVAL;
	memcpy(pkt, buf, len < sizeof(*pkt) ? len : sizeof(*pkt));
	return 0;
}

/**
 * stv_msg_init_request() - a zeroed request for @op asking for a completion
 * @pkt: the packet
 * @op: enum hvlis_vstor_op
 */
void stv_msg_init_request(struct hvlis_vstor_packet *pkt, u32 op)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->operation = op;
	pkt->flags = HVLIS_VSTOR_FLAG_REQUEST_COMPLETION;
}

/**
 * stv_msg_build_srb() - an EXECUTE_SRB request as @version lays it out
 * @pkt: the packet to fill
 * @version: the negotiated version (SRB and sense sizes depend on it)
 * @s: addressing, direction and transfer length
 * @port: the port number (the guest's host number)
 * @cdb: the command; @cdb_len at most HVLIS_VSTOR_CDB_MAX (longer is cut)
 * @cdb_len: its length
 * @timeout_s: the command's timeout for the host, in seconds (WIN8+)
 */
void stv_msg_build_srb(struct hvlis_vstor_packet *pkt, u16 version, const struct stv_srb_sent *s,
		       u8 port, const u8 *cdb, u8 cdb_len, u32 timeout_s)
{
	struct hvlis_vstor_srb *srb = &pkt->srb;
	bool win8 = version >= HVLIS_VSTOR_WIN8;

	stv_msg_init_request(pkt, HVLIS_VSTOR_OP_EXECUTE_SRB);
	if (cdb_len > HVLIS_VSTOR_CDB_MAX)
		cdb_len = HVLIS_VSTOR_CDB_MAX;
	srb->length = win8 ? HVLIS_VSTOR_SRB_SIZE_WIN8 : HVLIS_VSTOR_SRB_SIZE_PRE_WIN8;
	srb->port_number = port;
	srb->path_id = s->path_id;
	srb->target_id = s->target_id;
	srb->lun = s->lun;
	srb->cdb_length = cdb_len;
	srb->sense_info_length = (u8)hvlis_vstor_sense_size(version);
	srb->data_in = s->data_in;
	srb->data_transfer_length = s->transfer_len;
	memcpy(srb->cdb, cdb, cdb_len);
	if (!win8)
		return;
	srb->win8.srb_flags = HVLIS_SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	if (s->data_in == HVLIS_VSTOR_DATA_IN)
		srb->win8.srb_flags |= HVLIS_SRB_FLAGS_DATA_IN;
	else if (s->data_in == HVLIS_VSTOR_DATA_OUT)
		srb->win8.srb_flags |= HVLIS_SRB_FLAGS_DATA_OUT;
	srb->win8.queue_tag = HVLIS_SRB_SIMPLE_TAG_REQUEST;
	srb->win8.queue_action = HVLIS_SRB_SIMPLE_TAG_REQUEST;
	srb->win8.time_out_value = timeout_s;
}

/**
 * stv_msg_ctl_status() - the outcome of a control request's completion
 * @pkt: the local copy
 * @len: the bytes the host sent
 *
 * Return: 0 on success; -EPROTONOSUPPORT if the host refused the version
 * (REVISION_MISMATCH); -EIO for another status; -EPROTO for a packet that
 * is too short or not a completion.
 */
int stv_msg_ctl_status(const struct hvlis_vstor_packet *pkt, u32 len)
{
	if (len < HVLIS_VSTOR_PACKET_SIZE_PRE_WIN8 ||
	    pkt->operation != HVLIS_VSTOR_OP_COMPLETE_IO)
		return -EPROTO;
	if (pkt->status == HVLIS_VSTOR_STATUS_SUCCESS)
		return 0;
	if (pkt->status == HVLIS_VSTOR_STATUS_REVISION_MISMATCH)
		return -EPROTONOSUPPORT;
	return -EIO;
}

/**
 * stv_msg_props() - check QUERY_PROPERTIES' answer
 * @pkt: the local copy
 * @len: the bytes the host sent
 * @version: the negotiated version
 * @max_subch: receives the sub-channels the guest may ask for (0 unless
 *	       the host offers multi-channel and speaks WIN8 or later)
 * @max_xfer: receives the largest transfer, a multiple of 4096, >= 4096
 *
 * Return: 0; -EIO if the host failed the request; -EPROTO for a short or
 * wrong packet or a transfer size below one page.
 */
int stv_msg_props(const struct hvlis_vstor_packet *pkt, u32 len, u16 version,
		  u32 *max_subch, u32 *max_xfer)
{
	const struct hvlis_vstor_channel_props *p = &pkt->props;
	int ret = stv_msg_ctl_status(pkt, len);

	if (ret)
		return ret == -EPROTONOSUPPORT ? -EIO : ret;
	if (p->max_transfer_bytes < HVLIS_HV_PAGE_SIZE)
		return -EPROTO;
	*max_xfer = p->max_transfer_bytes & ~(HVLIS_HV_PAGE_SIZE - 1);
	*max_subch = 0;
	if (version >= HVLIS_VSTOR_WIN8 && (p->flags & HVLIS_VSTOR_PROP_MULTI_CHANNEL))
		*max_subch = p->max_channel_cnt;
	return 0;
}

static u64 wwn_be64(const u8 *b)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/**
 * stv_msg_fc_names() - check FCHBA_DATA's answer: the port's names in use
 * @pkt: the local copy
 * @len: the bytes the host sent
 * @port: receives the port name (WWPN) of the active pair
 * @node: receives its node name (WWNN)
 *
 * The host sends two pairs of names (big-endian on the wire) and says
 * which is active: the primary if primary_active is 1, the secondary if 0.
 *
 * Return: 0; -EIO if the host failed the request; -EPROTO for a short or
 * wrong packet, a primary_active other than 0 or 1, or a name of zero.
 */
int stv_msg_fc_names(const struct hvlis_vstor_packet *pkt, u32 len, u64 *port, u64 *node)
{
	const struct hvlis_vstor_fc_wwn *w = &pkt->wwn;
	int ret = stv_msg_ctl_status(pkt, len);
	u64 p, n;

	if (ret)
		return ret == -EPROTONOSUPPORT ? -EIO : ret;
	if (len < STV_HDR_BYTES + sizeof(*w) || w->primary_active > 1)
		return -EPROTO;
	p = wwn_be64(w->primary_active ? w->primary_port_wwn : w->secondary_port_wwn);
	n = wwn_be64(w->primary_active ? w->primary_node_wwn : w->secondary_node_wwn);
	if (!p || !n)
		return -EPROTO;
	*port = p;
	*node = n;
	return 0;
}

static enum stv_disposition srb_disposition(u8 code, u8 scsi_status)
{
	switch (code) {
	case HVLIS_SRB_STATUS_SUCCESS:
	case HVLIS_SRB_STATUS_DATA_OVERRUN:	/* underrun: resid says it */
		return STV_DONE;
	case HVLIS_SRB_STATUS_ERROR:
		/* a device error with a SCSI status (CHECK CONDITION...) */
		return scsi_status ? STV_DONE : STV_ERROR;
	case HVLIS_SRB_STATUS_ABORTED:
	case HVLIS_SRB_STATUS_BUSY:
	case HVLIS_SRB_STATUS_TIMEOUT:
	case HVLIS_SRB_STATUS_COMMAND_TIMEOUT:
	case HVLIS_SRB_STATUS_BUS_RESET:
	case HVLIS_SRB_STATUS_REQUEST_FLUSHED:
		return STV_RETRY;
	case HVLIS_SRB_STATUS_INVALID_PATH_ID:
	case HVLIS_SRB_STATUS_NO_DEVICE:
	case HVLIS_SRB_STATUS_SELECTION_TIMEOUT:
	case HVLIS_SRB_STATUS_INVALID_LUN:
	case HVLIS_SRB_STATUS_INVALID_TARGET_ID:
		return STV_NO_DEVICE;
	default:
		return STV_ERROR;
	}
}

/**
 * stv_msg_srb_complete() - check an EXECUTE_SRB completion
 * @pkt: the local copy
 * @len: the bytes the host sent
 * @version: the negotiated version
 * @sent: what the request asked for
 * @res: receives the outcome, the bytes moved and the sense data
 *
 * The host must answer the LUN it was asked about, move no more bytes than
 * the buffer holds and return no more sense than the version allows; the
 * srb status must be a code the protocol defines.
 *
 * Return: 0, or -EPROTO for a completion that breaks any of these rules
 * (the command then fails; nothing of the packet is used).
 */
int stv_msg_srb_complete(const struct hvlis_vstor_packet *pkt, u32 len, u16 version,
			 const struct stv_srb_sent *sent, struct stv_srb_result *res)
{
	const struct hvlis_vstor_srb *srb = &pkt->srb;
	u32 sense_max = hvlis_vstor_sense_size(version);
	u8 code = HVLIS_SRB_STATUS_CODE(srb->srb_status);

	memset(res, 0, sizeof(*res));
	if (len < hvlis_vstor_packet_size(version) ||
	    pkt->operation != HVLIS_VSTOR_OP_COMPLETE_IO)
		return -EPROTO;
	if (srb->path_id != sent->path_id || srb->target_id != sent->target_id ||
	    srb->lun != sent->lun)
		return -EPROTO;
	if (code == HVLIS_SRB_STATUS_PENDING || code > HVLIS_SRB_STATUS_INTERNAL_ERROR)
		return -EPROTO;
	if (srb->data_transfer_length > sent->transfer_len)
		return -EPROTO;
	res->srb_status = code;
	res->scsi_status = srb->scsi_status;
	res->disp = srb_disposition(code, srb->scsi_status);
	/* On success the host moved what it says; on failure nothing counts. */
	if (res->disp == STV_DONE)
		res->transferred = srb->data_transfer_length;
	if ((srb->srb_status & HVLIS_SRB_STATUS_AUTOSENSE_VALID) && srb->scsi_status) {
		if (srb->sense_info_length > sense_max)
			return -EPROTO;
		res->sense_len = srb->sense_info_length;
		memcpy(res->sense, srb->sense_data, res->sense_len);
	}
	return 0;
}

/**
 * stv_msg_host_op() - a message the host started (transaction id 0)
 * @pkt: the local copy
 * @len: the bytes the host sent
 *
 * Return: HVLIS_VSTOR_OP_ENUMERATE_BUS, _REMOVE_DEVICE or _FCHBA_DATA, or
 * -EPROTO for anything else (or a packet too short for its operation).
 */
int stv_msg_host_op(const struct hvlis_vstor_packet *pkt, u32 len)
{
	switch (pkt->operation) {
	case HVLIS_VSTOR_OP_ENUMERATE_BUS:
	case HVLIS_VSTOR_OP_REMOVE_DEVICE:
		return (int)pkt->operation;
	case HVLIS_VSTOR_OP_FCHBA_DATA:
		if (len < STV_HDR_BYTES + sizeof(struct hvlis_vstor_fc_wwn))
			return -EPROTO;
		return (int)pkt->operation;
	default:
		return -EPROTO;
	}
}

/**
 * stv_msg_ide_location() - the IDE path and target from the instance GUID
 * @instance: the offer's instance GUID, wire order
 * @path: receives the IDE channel (0 or 1)
 * @target: receives the device on it (0 or 1)
 *
 * Return: 0, or -EINVAL if either is not 0 or 1.
 */
int stv_msg_ide_location(const u8 instance[16], u8 *path, u8 *target)
{
	u32 p = (u32)instance[0] | (u32)instance[1] << 8 | (u32)instance[2] << 16 |
		(u32)instance[3] << 24;
	u32 t = (u32)instance[4] | (u32)instance[5] << 8;

	if (p > 1 || t > 1)
		return -EINVAL;
	*path = (u8)p;
	*target = (u8)t;
	return 0;
}
