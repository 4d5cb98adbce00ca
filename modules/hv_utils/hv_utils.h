/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils internals: the IC framework (util_main.c) and the services it
 * hosts. One struct util_service describes each service; the framework
 * opens its channel, answers NEGOTIATE, and hands every request of the
 * service's message type to ->request().
 */
#ifndef HVLIS_HV_UTILS_H
#define HVLIS_HV_UTILS_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <hvlis/vmbus.h>
#include "ic_msg.h"

struct util_dev;
struct relay_ops;

struct util_service {
	const char *name;		/* for the log: "heartbeat" */
	u8 msgtype;			/* HVLIS_ICMSGTYPE_* of its requests */
	const u32 *fw_versions;		/* newest first */
	unsigned int n_fw;
	const u32 *msg_versions;	/* newest first */
	unsigned int n_msg;
	u32 buf_bytes;			/* largest request it takes */

	/* Probe, before the channel opens; may be NULL. May sleep. */
	int (*init)(struct util_dev *ud);
	/* Remove, after the channel closed; may be NULL. May sleep. */
	void (*deinit)(struct util_dev *ud);
	/*
	 * A request of ->msgtype, @len bytes at @pkt (headers included, at
	 * least HVLIS_IC_BODY_OFFSET), in softirq context: must not sleep.
	 * Set *status and return true to have the framework answer at once
	 * with the (possibly rewritten) packet; return false to answer
	 * later with util_answer() (the service keeps what it needs).
	 */
	bool (*request)(struct util_dev *ud, u8 *pkt, u32 len, u32 *status);
	/* After a successful negotiation; may be NULL. Softirq context. */
	void (*negotiated)(struct util_dev *ud);
	/* Remove, before the channel closes: no answers after it; may be NULL. */
	void (*stop)(struct util_dev *ud);
	/* Services that relay to a daemon (devtransport.c): its messages. */
	const struct relay_ops *relay;
};

struct util_dev {
	struct hvlis_device *hd;
	struct hvlis_channel *ch;
	const struct util_service *svc;
	u8 *buf;			/* svc->buf_bytes, the callback's */
	struct hvlis_ic_choice ver;	/* 0 until negotiated */
	u64 requests;			/* answered, any type */
	void *priv;			/* the service's */
	u64 tid;			/* of the request ->request() has */
	spinlock_t drain_lock;		/* one reader of the channel */
	bool held;			/* a request answers later: stop draining */
	struct work_struct drain_work;	/* the rest of a drain over budget */
	struct list_head node;		/* util_devs, for the stats file */
	/* Under drain_lock: what the host's traffic costs (debugfs stats). */
	u64 runs, packets, deferred;
	u32 max_batch;			/* packets taken in one run */
	u64 max_run_ns;			/* the longest run */
};

/* Packets one run of the channel callback takes before it yields. */
#define UTIL_DRAIN_BUDGET	32

#ifdef HVLIS_TEST_HOOKS
/* Test builds only: widen teardown windows (hv_utils.test_delay_ms). */
extern unsigned int hv_utils_test_delay_ms;
#define UTIL_TEST_DELAY(mult) \
	do { if (hv_utils_test_delay_ms) msleep((mult) * hv_utils_test_delay_ms); } while (0)
#else
#define UTIL_TEST_DELAY(mult) do { } while (0)
#endif

int util_answer(struct util_dev *ud, u8 *pkt, u32 len, u64 tid, u32 status);
void util_done(struct util_dev *ud);

extern const struct util_service util_heartbeat;
extern const struct util_service util_shutdown, util_timesync;
extern const struct util_service util_kvp, util_vss, util_fcopy;

#endif
