/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the integration components (IC) in hvsim: ic_host.c is
 * the framework (negotiation, one request at a time with its answer, the
 * "ic" control verbs and the ic status file); each service (ic_<name>.c)
 * describes itself with struct hvsim_ic_service.
 */
#ifndef HVSIM_IC_H
#define HVSIM_IC_H

#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/seq_file.h>
#include <hvlis/ic_proto.h>

#define HVSIM_IC_MAX_VERSIONS	8
#define HVSIM_IC_MAX_PKT	(4 * PAGE_SIZE)
#define HVSIM_IC_TIMEOUT_MS	5000
#define HVSIM_IC_MAX_CHANNELS	128

struct hvsim_ic;

struct hvsim_ic_verb {
	const char *name;
	/* @args: the rest of the command line (may be NULL). 0 or -errno. */
	int (*run)(struct hvsim_ic *ic, char *args);
};

struct hvsim_ic_service {
	const char *name;		/* "heartbeat": the name in commands */
	struct hvlis_guid class_id;
	u8 msgtype;
	/* What the host offers in NEGOTIATE unless a test says otherwise. */
	u32 fw[HVSIM_IC_MAX_VERSIONS];
	unsigned int nfw;
	u32 msg[HVSIM_IC_MAX_VERSIONS];
	unsigned int nmsg;
	const struct hvsim_ic_verb *verbs;	/* ends with a NULL name */
	/* Extra lines for the ic file; may be NULL. Called with ic->lock. */
	void (*show)(struct hvsim_ic *ic, struct seq_file *s);
	size_t priv_size;		/* zeroed state for the service */
};

struct hvsim_ic {
	struct list_head node;
	u32 relid;
	const struct hvsim_ic_service *svc;
	struct mutex lock;		/* one transaction at a time; all below */
	u32 fw[HVSIM_IC_MAX_VERSIONS];	/* offered in the next NEGOTIATE */
	unsigned int nfw;
	u32 msg[HVSIM_IC_MAX_VERSIONS];
	unsigned int nmsg;
	u32 fw_agreed, msg_agreed;	/* from the guest's answer; 0: none */
	bool negotiated;		/* an answer came, agreeing or not */
	bool closed;			/* the channel is not open */
	u64 requests, answers, failures, timeouts, bad_answers;
	u32 last_status;
	u8 tid;				/* ictransaction_id of the next request */
	void *priv;			/* svc->priv_size bytes */
	bool flooding;			/* "flood": answers are counted only */
	u64 flood_sent, flood_answers;

	/* The transaction in flight; resp_* written by the receive path. */
	spinlock_t rx_lock;
	u64 want_tid;			/* 0: none */
	struct completion done;
	u8 *resp;
	u32 resp_len;
};

/*
 * Send one request with @body (@len bytes) as message type @msgtype and
 * wait for the answer. On 0, *@answer points at the answer's packet
 * (headers included, ic->resp, valid until the next transaction) and
 * *@answer_len is its length; the IC status is in its header.
 * Caller holds ic->lock.
 */
int hvsim_ic_transact(struct hvsim_ic *ic, u8 msgtype, const void *body, u32 len,
		      u8 **answer, u32 *answer_len);
/* The answer's status, or HVLIS_IC_E_FAIL when it has no header. */
u32 hvsim_ic_status(const u8 *answer, u32 len);
int hvsim_ic_parse_versions(char *list, u32 *out, unsigned int *n);

/* The ic kind's ctl command and debugfs file (hvsim_ic_kind). */
int hvsim_ic_command(char *args);
void hvsim_ic_show(struct seq_file *s);

/* ic_host.c calls this (host.c): an in-band packet to the guest. */
int hvsim_chan_send(u32 relid, const void *payload, u32 len, u64 tid);
#define HVSIM_SEND_NO_SIGNAL		1
#define HVSIM_SEND_SIGNAL		2
int hvsim_chan_send_hostile(u32 relid, const void *payload, u32 len, u64 tid,
			    unsigned int how);
void hvsim_chan_kick(u32 relid);

extern const struct hvsim_ic_service hvsim_ic_heartbeat;
extern const struct hvsim_ic_service hvsim_ic_shutdown, hvsim_ic_timesync;
extern const struct hvsim_ic_service hvsim_ic_kvp, hvsim_ic_vss, hvsim_ic_fcopy;

#endif
