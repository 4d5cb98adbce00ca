/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The character devices between hv_utils and its daemons
 * (/dev/vmbus/hv_kvp, hv_vss, hv_fcopy) and the relay that carries one host
 * request at a time to the daemon and its answer back. KVP, VSS and file
 * copy each describe their messages with struct relay_ops; everything else
 * (the device, the daemon's register handshake state, the timeout, the
 * failure answers when no daemon is there) is shared.
 */
#ifndef HVLIS_DEVTRANSPORT_H
#define HVLIS_DEVTRANSPORT_H

#include <linux/mutex.h>
#include <linux/workqueue.h>
#include "hv_utils.h"

struct hvt;
struct relay;

struct relay_ops {
	const char *devname;		/* "vmbus/hv_kvp" */
	size_t max_in;			/* the largest write the daemon makes */
	size_t max_out;			/* the largest message to the daemon */
	/*
	 * The daemon wrote @msg (@len bytes) before registering: check its
	 * register message, answer it with relay_to_daemon() if the ABI has
	 * an answer. 0: registered; -errno: refused (the write fails).
	 */
	int (*handshake)(struct relay *r, const u8 *msg, size_t len);
	/*
	 * A host request (@len bytes at @pkt, headers included): build the
	 * daemon's message in @out (max_out bytes, zeroed) and return its
	 * length, or return 0 with *@status set to answer the host at once.
	 * Process context, under the relay lock.
	 */
	int (*to_daemon)(struct relay *r, u8 *pkt, u32 len, u8 *out, u32 *status);
	/*
	 * The daemon's answer @msg (@mlen bytes) to the request in @pkt:
	 * rewrite the host's packet and set *@status. -errno: a malformed
	 * answer (the write fails; the request stays with the daemon).
	 */
	int (*from_daemon)(struct relay *r, u8 *pkt, u32 len, const u8 *msg, size_t mlen,
			   u32 *status);
	/* How long the daemon has for the request in @pkt, in seconds. */
	unsigned int (*timeout)(struct relay *r, const u8 *pkt, u32 len);
};

struct relay {
	struct util_dev *ud;
	const struct relay_ops *ops;
	struct hvt *t;
	struct mutex lock;		/* all below; the transport's ops run under it */
	bool registered;		/* the daemon completed its handshake */
	bool with_daemon;		/* the pending request went to the daemon */
	bool stopping;
	bool warned_absent, warned_timeout;
	u8 *pkt;			/* the pending host request (ud->buf) */
	u32 len;
	u64 tid;
	u8 *out;			/* ops->max_out bytes */
	unsigned long deadline;		/* jiffies: the daemon's time is up */
	unsigned int timeout_s;
	unsigned int stale;		/* read requests that timed out, unanswered */
	struct work_struct work;
	struct delayed_work timeout_work;
	u64 relayed, failed;
};

int relay_init(struct relay *r, struct util_dev *ud, const struct relay_ops *ops);
void relay_stop(struct relay *r);
void relay_deinit(struct relay *r);
bool relay_request(struct relay *r, u8 *pkt, u32 len);
int relay_to_daemon(struct relay *r, const void *msg, size_t len);

/* struct util_service hooks of a service that relays (->relay set). */
int relay_service_init(struct util_dev *ud);
bool relay_service_request(struct util_dev *ud, u8 *pkt, u32 len, u32 *status);
void relay_service_stop(struct util_dev *ud);
void relay_service_deinit(struct util_dev *ud);

/* Seconds; 0 (the default) means each service's own (30 s, 15 min). */
extern unsigned int hv_utils_daemon_timeout;

#endif
