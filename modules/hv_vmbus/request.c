// SPDX-License-Identifier: GPL-2.0-only
/*
 * Request and answer on a channel: the handshakes every driver does at
 * probe time (send a packet, wait for the host's completion with the same
 * transaction id). The driver's channel callback hands each completion to
 * hvlis_chan_request_complete(), which wakes the matching caller. A rescind
 * or a close ends every wait at once with -ENODEV, so a probe on the offers
 * workqueue never waits out its timeout for a channel that is gone.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "vmbus_priv.h"

struct chan_request {
	struct list_head node;		/* on ch->requests while waiting */
	struct completion done;
	u64 trans_id;
	void *answer;
	u32 answer_max;
	u32 answer_len;
	int status;
};

/* Unlink and wake one request; the caller holds ch->req_lock. */
static void request_finish(struct chan_request *req, int status)
{
	list_del_init(&req->node);
	req->status = status;
	complete(&req->done);
}

/**
 * hvlis_chan_requests_fail() - end every request waiting on a channel
 * @ch: the channel, rescinded or closing
 * @error: what the callers get (-ENODEV)
 *
 * Any context.
 */
void hvlis_chan_requests_fail(struct hvlis_channel *ch, int error)
{
	struct chan_request *req, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&ch->req_lock, flags);
	list_for_each_entry_safe(req, tmp, &ch->requests, node)
		request_finish(req, error);
	spin_unlock_irqrestore(&ch->req_lock, flags);
}

/**
 * hvlis_chan_request_complete() - hand a completion to the request it answers
 * @ch: the channel the packet came on
 * @trans_id: the packet's transaction id
 * @data: its payload, as hvlis_recvpacket() returned it
 * @len: the payload's length
 *
 * Call it from the channel callback for every packet that may answer a
 * hvlis_chan_request(). An answer longer than the caller's bound is not
 * copied: the caller gets -EMSGSIZE.
 *
 * Return: true if a waiting request took the packet (the driver drops it),
 * false if no request waits for @trans_id (a late answer, or not one).
 */
bool hvlis_chan_request_complete(struct hvlis_channel *ch, u64 trans_id,
				 const void *data, u32 len)
{
	struct chan_request *req;
	unsigned long flags;
	bool found = false;

	if (!(trans_id & HVLIS_REQUEST_TID_FLAG))
		return false;
	spin_lock_irqsave(&ch->req_lock, flags);
	list_for_each_entry(req, &ch->requests, node) {
		if (req->trans_id != trans_id)
			continue;
		found = true;
		if (len > req->answer_max) {
			req->answer_len = len;
			request_finish(req, -EMSGSIZE);
			break;
		}
		memcpy(req->answer, data, len);
		req->answer_len = len;
		request_finish(req, 0);
		break;
	}
	spin_unlock_irqrestore(&ch->req_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(hvlis_chan_request_complete);

/**
 * hvlis_chan_request() - send a request and wait for the host's answer
 * @ch: an open channel whose callback passes packets to
 *	hvlis_chan_request_complete()
 * @data: the request's payload, sent in-band with a completion requested
 * @len: its length
 * @answer: where the answer's payload goes
 * @answer_max: the most the caller takes; a longer answer is an error
 * @answer_len: set to the answer's length (also for -EMSGSIZE)
 * @timeout_ms: how long to wait for room in the ring and for the answer
 *
 * The transaction id is the helper's own (HVLIS_REQUEST_TID_FLAG set):
 * drivers keep that bit clear in the ids they choose. Process context.
 *
 * Return: 0 with the answer copied; -ENODEV if the channel is or gets
 * rescinded or closed (at once, not after the timeout); -ETIMEDOUT;
 * -EMSGSIZE if the answer was longer than @answer_max; another negative
 * errno from the send.
 */
int hvlis_chan_request(struct hvlis_channel *ch, const void *data, u32 len,
		       void *answer, u32 answer_max, u32 *answer_len,
		       unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	struct chan_request req;
	unsigned long flags;
	long left;
	int ret;

	memset(&req, 0, sizeof(req));
	INIT_LIST_HEAD(&req.node);
	init_completion(&req.done);
	req.answer = answer;
	req.answer_max = answer_max;
	*answer_len = 0;

	spin_lock_irqsave(&ch->req_lock, flags);
	/* a rescind marks the channel before it fails this list */
	if (READ_ONCE(ch->rescinded)) {
		spin_unlock_irqrestore(&ch->req_lock, flags);
		return -ENODEV;
	}
	req.trans_id = HVLIS_REQUEST_TID_FLAG | ++ch->req_seq;
	list_add_tail(&req.node, &ch->requests);
	spin_unlock_irqrestore(&ch->req_lock, flags);

	for (;;) {
		ret = hvlis_sendpacket(ch, data, len, req.trans_id, HVLIS_PKT_DATA_INBAND,
				       HVLIS_PKT_FLAG_COMPLETION_REQUESTED);
		if (ret != -EAGAIN)
			break;
		if (time_after(jiffies, deadline)) {
			ret = -ETIMEDOUT;
			break;
		}
		usleep_range(200, 400);
	}
	if (!ret) {
		left = (long)(deadline - jiffies);
		if (left > 0)
			wait_for_completion_timeout(&req.done, left);
	}

	spin_lock_irqsave(&ch->req_lock, flags);
	if (!list_empty(&req.node)) {
		/* not answered: no answer can touch req once it is unlinked */
		list_del_init(&req.node);
		if (!ret)
			ret = -ETIMEDOUT;
	} else if (!ret || ret == -ENODEV) {
		/* finished by an answer, a rescind or a close */
		ret = req.status;
	}
	spin_unlock_irqrestore(&ch->req_lock, flags);
	*answer_len = req.answer_len;
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_chan_request);
