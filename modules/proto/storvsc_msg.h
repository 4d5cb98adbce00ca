/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protocol-only half of hv_storvsc: building requests and checking every
 * byte of the host's answers. No kernel APIs here, so the same source is
 * compiled into the userspace unit tests and fuzzers.
 */
#ifndef HV_STORVSC_MSG_H
#define HV_STORVSC_MSG_H

#include <hvlis/vstor_proto.h>

/* Versions to offer, newest first (each with its own sizes). */
extern const u16 stv_versions[];
extern const unsigned int stv_nversions;

/* What a completed SRB means for the SCSI midlayer. */
enum stv_disposition {
	STV_DONE,	/* the SCSI status byte is the result (sense may follow) */
	STV_RETRY,	/* transient (busy, reset, aborted, flushed): retry */
	STV_NO_DEVICE,	/* no such LUN (any more): fail, and drop the device */
	STV_ERROR,	/* failed: the midlayer may retry a few times */
};

struct stv_srb_result {
	enum stv_disposition disp;
	u8 srb_status;		/* the code, flag bits removed */
	u8 scsi_status;
	u32 transferred;	/* bytes moved, at most what was asked */
	u32 sense_len;		/* valid sense bytes in sense[], 0 if none */
	u8 sense[HVLIS_VSTOR_SENSE_WIN8];
};

/* What an SRB asked for, kept by the guest to check the answer against. */
struct stv_srb_sent {
	u8 path_id;
	u8 target_id;
	u8 lun;
	u8 data_in;
	u32 transfer_len;
};

int stv_msg_copy(const void *buf, u32 len, struct hvlis_vstor_packet *pkt);
void stv_msg_init_request(struct hvlis_vstor_packet *pkt, u32 op);
void stv_msg_build_srb(struct hvlis_vstor_packet *pkt, u16 version, const struct stv_srb_sent *s,
		       u8 port, const u8 *cdb, u8 cdb_len, u32 timeout_s);
int stv_msg_ctl_status(const struct hvlis_vstor_packet *pkt, u32 len);
int stv_msg_props(const struct hvlis_vstor_packet *pkt, u32 len, u16 version,
		  u32 *max_subch, u32 *max_xfer);
int stv_msg_srb_complete(const struct hvlis_vstor_packet *pkt, u32 len, u16 version,
			 const struct stv_srb_sent *sent, struct stv_srb_result *res);
int stv_msg_fc_names(const struct hvlis_vstor_packet *pkt, u32 len, u64 *port, u64 *node);
int stv_msg_host_op(const struct hvlis_vstor_packet *pkt, u32 len);
int stv_msg_ide_location(const u8 instance[16], u8 *path, u8 *target);

#endif
