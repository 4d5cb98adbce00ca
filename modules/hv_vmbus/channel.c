// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channels for VSC drivers: GPADLs, open and close, sending and receiving
 * packets through the ring buffers, and the per-channel sysfs directory.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/sysfs.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <hvlis/compat_base.h>
#include <hvlis/compat_bus.h>
#include <hvlis/compat_cpu.h>
#include "vmbus_priv.h"

#define HVLIS_GPADL_FIRST	0xe1e10

static u64 page_pfn(void *p)
{
	if (is_vmalloc_addr(p))
		return (u64)vmalloc_to_pfn(p) << (PAGE_SHIFT - HVLIS_HV_PAGE_SHIFT);
	return virt_to_phys(p) >> HVLIS_HV_PAGE_SHIFT;
}

/**
 * hvlis_gpadl_establish() - let the host address a guest buffer
 * @ch: the channel the GPADL belongs to
 * @buf: page-aligned buffer (kmalloc'd, page-allocated or vmalloc'd)
 * @size: its size, a multiple of PAGE_SIZE
 * @gpadl: receives the handle for packets and for the teardown
 *
 * Return: 0, -EINVAL for a bad buffer, -ENODEV if the channel was
 * rescinded, -EIO if the host refused, -ETIMEDOUT or another errno. After
 * -ETIMEDOUT the host may still create the GPADL over @buf: the caller must
 * then never free or reuse it (leak it).
 */
int hvlis_gpadl_establish(struct hvlis_channel *ch, void *buf, u32 size, u32 *gpadl)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_msg_gpadl_created *created;
	struct hvlis_waiter *w;
	u32 npfns, i, nmsg, len, handle;
	u8 *msg;
	u64 *pfns;
	int ret = 0;

	if (!buf || !size || size % PAGE_SIZE || offset_in_page(buf))
		return -EINVAL;
	npfns = size >> HVLIS_HV_PAGE_SHIFT;
	if (npfns > HVLIS_GPADL_MAX_PFNS)
		return -EINVAL;
	if (READ_ONCE(ch->rescinded))
		return -ENODEV;

	pfns = vmalloc(npfns * sizeof(*pfns));
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	msg = kmalloc(HVLIS_MESSAGE_PAYLOAD_BYTES, GFP_KERNEL);
	if (!pfns || !w || !msg) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npfns; i++)
		pfns[i] = page_pfn((u8 *)buf + (size_t)i * HVLIS_HV_PAGE_SIZE);

	handle = atomic_inc_return(&vb->next_gpadl) + HVLIS_GPADL_FIRST;
	hvlis_waiter_init(w);
	ret = hvlis_waiter_arm(vb, w, HVLIS_CHANMSG_GPADL_CREATED,
			       ((u64)ch->relid << 32) | handle, ch->relid);
	nmsg = hvlis_gpadl_msg_count(npfns);
	for (i = 0; i < nmsg && !ret; i++) {
		len = hvlis_gpadl_fill(msg, i, ch->relid, handle, size, pfns, npfns);
		ret = hvlis_post_msg(vb, msg, len, true);
	}
	ret = hvlis_waiter_wait(vb, w, ret);
	if (!ret) {
		created = (struct hvlis_msg_gpadl_created *)w->resp;
		if (created->creation_status) {
			pr_err("relid %u: the host refused GPADL %#x (status %#x)\n",
			       ch->relid, handle, created->creation_status);
			ret = -EIO;
		} else {
			*gpadl = handle;
		}
	}
out:
	kfree(msg);
	kfree(w);
	vfree(pfns);
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_gpadl_establish);

/**
 * hvlis_gpadl_teardown() - take a GPADL back from the host
 * @ch: the channel it was established on
 * @gpadl: the handle
 *
 * After a rescind the host has already dropped the channel's GPADLs and
 * does not answer; we then only forget the handle.
 *
 * Return: 0, or a negative errno if the host did not confirm. The buffer
 * must not be freed unless this returned 0 or the channel was rescinded.
 */
int hvlis_gpadl_teardown(struct hvlis_channel *ch, u32 gpadl)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_msg_gpadl_teardown msg;
	struct hvlis_waiter *w;
	int ret;

	if (READ_ONCE(ch->rescinded) || !vb->connected)
		return 0;
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvlis_waiter_init(w);
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = HVLIS_CHANMSG_GPADL_TEARDOWN;
	msg.child_relid = ch->relid;
	msg.gpadl = gpadl;
	ret = hvlis_request(vb, &msg, sizeof(msg), w, HVLIS_CHANMSG_GPADL_TORNDOWN,
			    gpadl, ch->relid);
	kfree(w);
	if (ret == -ENODEV)	/* rescinded while we waited */
		ret = 0;
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_gpadl_teardown);

static bool ring_size_ok(u32 bytes)
{
	return bytes >= 2 * PAGE_SIZE && bytes % PAGE_SIZE == 0;
}

static void free_rings(struct hvlis_channel *ch)
{
	vfree(ch->ring_pages);
	ch->ring_pages = NULL;
	ch->ring_alloc_bytes = 0;
}

/**
 * hvlis_channel_open() - open a channel with fresh ring buffers
 * @ch: an offered, not yet open channel
 * @send_ring_bytes: outbound ring size, page multiple, control page included
 * @recv_ring_bytes: inbound ring size, likewise
 * @user_data: device-specific bytes for the host (may be NULL)
 * @user_len: their length, at most 120
 * @cb: called in softirq context when the host signals the channel
 * @context: passed to @cb
 *
 * Return: 0; -EINVAL for bad sizes; -EBUSY if already open; -ENODEV if
 * rescinded; -EIO if the host refused; -ETIMEDOUT or another errno.
 */
int hvlis_channel_open(struct hvlis_channel *ch, u32 send_ring_bytes,
		       u32 recv_ring_bytes, const void *user_data, u32 user_len,
		       hvlis_channel_cb cb, void *context)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_msg_open_channel msg;
	struct hvlis_msg_open_result *res;
	struct hvlis_waiter *w;
	unsigned long flags;
	u32 total;
	int ret;

	if (!ring_size_ok(send_ring_bytes) || !ring_size_ok(recv_ring_bytes) ||
	    user_len > HVLIS_OPEN_USER_DATA_BYTES || (user_len && !user_data) || !cb)
		return -EINVAL;
	total = send_ring_bytes + recv_ring_bytes;
	if (total >> HVLIS_HV_PAGE_SHIFT > HVLIS_GPADL_MAX_PFNS)
		return -EINVAL;

	mutex_lock(&vb->chan_mutex);
	if (ch->rescinded)
		ret = -ENODEV;
	else if (ch->state != HVLIS_CHAN_OFFERED)
		ret = -EBUSY;
	else
		ret = 0;
	if (!ret)
		ch->state = HVLIS_CHAN_OPENING;
	mutex_unlock(&vb->chan_mutex);
	if (ret)
		return ret;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	ch->ring_pages = vmalloc(total);
	if (!w || !ch->ring_pages) {
		ret = -ENOMEM;
		goto fail;
	}
	memset(ch->ring_pages, 0, total);
	ch->ring_alloc_bytes = total;
	hvlis_ring_init(&ch->out, ch->ring_pages, send_ring_bytes);
	hvlis_ring_init(&ch->in, (u8 *)ch->ring_pages + send_ring_bytes, recv_ring_bytes);
	ch->out.hdr->feature_bits = HVLIS_RING_FEAT_PENDING_SEND_SZ;
	ch->in.hdr->feature_bits = HVLIS_RING_FEAT_PENDING_SEND_SZ;

	ret = hvlis_gpadl_establish(ch, ch->ring_pages, total, &ch->ring_gpadl);
	if (ret == -ETIMEDOUT) {
		/* The host may yet create the GPADL over the rings. */
		pr_err("relid %u: ring GPADL not released; leaking its pages\n", ch->relid);
		ch->ring_pages = NULL;
	}
	if (ret)
		goto fail;

	ch->context = context;
	WRITE_ONCE(ch->callback, cb);

	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = HVLIS_CHANMSG_OPENCHANNEL;
	msg.child_relid = ch->relid;
	msg.open_id = ch->relid;
	msg.ring_gpadl = ch->ring_gpadl;
	msg.target_vp = ch->target_vp;
	msg.downstream_ring_page_offset = send_ring_bytes >> HVLIS_HV_PAGE_SHIFT;
	if (user_len)
		memcpy(msg.user_data, user_data, user_len);
	hvlis_waiter_init(w);
	ret = hvlis_request(vb, &msg, sizeof(msg), w, HVLIS_CHANMSG_OPENCHANNEL_RESULT,
			    ((u64)ch->relid << 32) | ch->relid, ch->relid);
	if (!ret) {
		res = (struct hvlis_msg_open_result *)w->resp;
		if (res->status) {
			pr_err("relid %u: the host refused to open the channel (status %#x)\n",
			       ch->relid, res->status);
			ret = -EIO;
		}
	}
	if (ret) {
		WRITE_ONCE(ch->callback, NULL);
		tasklet_kill(&ch->tasklet);
		if (hvlis_gpadl_teardown(ch, ch->ring_gpadl)) {
			/* The host may still own the pages: leak, never reuse. */
			pr_err("relid %u: ring GPADL not released; leaking its pages\n",
			       ch->relid);
			ch->ring_pages = NULL;
		}
		goto fail;
	}
	kfree(w);
	spin_lock_irqsave(&ch->out_lock, flags);
	spin_lock(&ch->in_lock);
	ch->state = HVLIS_CHAN_OPEN;
	spin_unlock(&ch->in_lock);
	spin_unlock_irqrestore(&ch->out_lock, flags);
	/*
	 * The host may have written (and signalled) before its answer reached
	 * us; receives failed until now and no new signal will come while the
	 * ring is not empty. Run the callback once.
	 */
	tasklet_schedule(&ch->tasklet);
	return 0;

fail:
	kfree(w);
	free_rings(ch);
	mutex_lock(&vb->chan_mutex);
	ch->state = HVLIS_CHAN_OFFERED;
	mutex_unlock(&vb->chan_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_channel_open);

/**
 * hvlis_channel_close() - close an open channel and free its rings
 * @ch: the channel; closing a channel that is not open does nothing
 *
 * After this returns, the channel callback no longer runs and sends and
 * receives fail with -ENODEV; the channel can be opened again. A close
 * that finds another under way (a driver's, and a sub-channel rescind's)
 * returns only when that one is done.
 */
void hvlis_channel_close(struct hvlis_channel *ch)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_msg_close_channel msg;
	unsigned long flags;

	mutex_lock(&vb->chan_mutex);
	if (ch->state == HVLIS_CHAN_CLOSING) {
		mutex_unlock(&vb->chan_mutex);
		wait_event(vb->close_wq, READ_ONCE(ch->state) != HVLIS_CHAN_CLOSING);
		return;
	}
	if (ch->state != HVLIS_CHAN_OPEN) {
		mutex_unlock(&vb->chan_mutex);
		return;
	}
	ch->state = HVLIS_CHAN_CLOSING;
	mutex_unlock(&vb->chan_mutex);

	/* Wait out senders and receivers already inside the rings. */
	spin_lock_irqsave(&ch->out_lock, flags);
	spin_lock(&ch->in_lock);
	WRITE_ONCE(ch->callback, NULL);
	spin_unlock(&ch->in_lock);
	spin_unlock_irqrestore(&ch->out_lock, flags);
	tasklet_kill(&ch->tasklet);
	/* no callback is left to take an answer (request.c) */
	hvlis_chan_requests_fail(ch, -ENODEV);

	if (!READ_ONCE(ch->rescinded) && vb->connected) {
		memset(&msg, 0, sizeof(msg));
		msg.header.msgtype = HVLIS_CHANMSG_CLOSECHANNEL;
		msg.child_relid = ch->relid;
		if (hvlis_post_msg(vb, &msg, sizeof(msg), true))
			pr_err("relid %u: could not send CLOSECHANNEL\n", ch->relid);
	}
	if (hvlis_gpadl_teardown(ch, ch->ring_gpadl)) {
		pr_err("relid %u: ring GPADL not released; leaking its pages\n", ch->relid);
		ch->ring_pages = NULL;
	}
	free_rings(ch);
	mutex_lock(&vb->chan_mutex);
	WRITE_ONCE(ch->state, HVLIS_CHAN_OFFERED);
	mutex_unlock(&vb->chan_mutex);
	wake_up_all(&vb->close_wq);
}
EXPORT_SYMBOL_GPL(hvlis_channel_close);

/*
 * Writes one packet. A non-zero @pkt_len (the packet's length) is checked
 * against the ring's size first: such a packet could never fit and gets
 * -EMSGSIZE instead of -EAGAIN forever.
 */
static int send_vec_checked(struct hvlis_channel *ch, const struct hvlis_ring_vec *vec,
			    unsigned int nvec, u32 pkt_len)
{
	unsigned long flags;
	bool signal = false;
	int ret;

	spin_lock_irqsave(&ch->out_lock, flags);
	if (ch->state != HVLIS_CHAN_OPEN || READ_ONCE(ch->rescinded))
		ret = -ENODEV;
	else if (pkt_len && hvlis_ring_packet_bytes(pkt_len) >= ch->out.size)
		ret = -EMSGSIZE;
	else
		ret = hvlis_ring_write(&ch->out, vec, nvec, &signal);
	if (ret == -EAGAIN) {
		ch->out_full++;
		if (!ch->out_full_now)
			ch->out_full_first++;
		ch->out_full_now = true;
	} else if (!ret) {
		ch->out_full_now = false;
	}
	if (signal)
		ch->intr_out_empty++;
	spin_unlock_irqrestore(&ch->out_lock, flags);
	if (ret == -EIO)
		pr_err_ratelimited("relid %u: outbound ring indices corrupt; channel unusable\n",
				   ch->relid);
	if (signal)
		hvlis_signal_host(ch);
	return ret;
}

static int send_vec(struct hvlis_channel *ch, const struct hvlis_ring_vec *vec,
		    unsigned int nvec)
{
	return send_vec_checked(ch, vec, nvec, 0);
}

/**
 * hvlis_sendpacket() - send one in-band packet
 * @ch: an open channel
 * @data: payload
 * @len: payload length
 * @trans_id: the caller's id, echoed in the host's completion
 * @type: packet type (usually HVLIS_PKT_DATA_INBAND)
 * @flags: e.g. HVLIS_PKT_FLAG_COMPLETION_REQUESTED
 *
 * Safe in any context. Return: 0; -EAGAIN if the ring is full; -ENODEV if
 * the channel is not open or was rescinded; -EIO if the ring is corrupt;
 * -EINVAL for an impossible length.
 */
int hvlis_sendpacket(struct hvlis_channel *ch, const void *data, u32 len,
		     u64 trans_id, u16 type, u16 flags)
{
	struct hvlis_packet_desc desc;
	struct hvlis_ring_vec vec[2];
	u32 total = sizeof(desc) + len;

	if (total < len || total > 0xffff * 8u)
		return -EINVAL;
	desc.type = type;
	desc.offset8 = sizeof(desc) / 8;
	desc.len8 = (total + 7) / 8;
	desc.flags = flags;
	desc.trans_id = trans_id;
	vec[0].base = &desc;
	vec[0].len = sizeof(desc);
	vec[1].base = data;
	vec[1].len = len;
	return send_vec(ch, vec, len ? 2 : 1);
}
EXPORT_SYMBOL_GPL(hvlis_sendpacket);

/**
 * hvlis_sendpacket_pagebuffer() - send a packet that points at guest pages
 * @ch: an open channel
 * @pb: the page ranges (GPA direct)
 * @count: their number
 * @data: in-band payload after the ranges
 * @len: its length
 * @trans_id: the caller's id
 *
 * Return: as hvlis_sendpacket().
 */
int hvlis_sendpacket_pagebuffer(struct hvlis_channel *ch,
				const struct hvlis_page_buffer *pb, u32 count,
				const void *data, u32 len, u64 trans_id)
{
	struct hvlis_gpa_direct_header hdr;
	struct hvlis_ring_vec vec[3];
	u32 desc_len = sizeof(hdr) + count * sizeof(*pb);
	u32 total = desc_len + len;

	if (count > 64 || total > 0xffff * 8u || (desc_len & 7))
		return -EINVAL;
	memset(&hdr, 0, sizeof(hdr));
	hdr.desc.type = HVLIS_PKT_DATA_USING_GPA_DIRECT;
	hdr.desc.offset8 = desc_len / 8;
	hdr.desc.len8 = (total + 7) / 8;
	hdr.desc.flags = HVLIS_PKT_FLAG_COMPLETION_REQUESTED;
	hdr.desc.trans_id = trans_id;
	hdr.range_count = count;
	vec[0].base = &hdr;
	vec[0].len = sizeof(hdr);
	vec[1].base = pb;
	vec[1].len = count * sizeof(*pb);
	vec[2].base = data;
	vec[2].len = len;
	return send_vec(ch, vec, 3);
}
EXPORT_SYMBOL_GPL(hvlis_sendpacket_pagebuffer);

/**
 * hvlis_sendpacket_mpb() - send a packet whose data lies in guest pages
 * @ch: an open channel
 * @ranges: @range_count GPA ranges laid out as on the wire: each a struct
 *	    hvlis_gpa_range followed by the PFNs its bytes touch
 * @ranges_bytes: the bytes @ranges occupy
 * @range_count: number of ranges (at least one)
 * @data: in-band payload after the ranges (e.g. the device's request)
 * @len: its length
 * @trans_id: the caller's id, echoed in the host's completion
 *
 * Sends one "data using GPA direct" packet with the completion-requested
 * flag: the host reads or writes the ranges' bytes in place, in the order
 * given, and answers with a completion carrying @trans_id. Each range may
 * be of any length; its byte offset lies in its first page. The pages
 * must stay allocated until the completion arrives (or the channel is
 * closed or rescinded).
 *
 * Safe in any context. Return: 0; -EINVAL if the ranges are malformed or
 * do not match @ranges_bytes; -EMSGSIZE if the packet can never fit in the
 * outbound ring; -EAGAIN if the ring is full now; -ENODEV if the channel is
 * not open or was rescinded; -EIO if the ring is corrupt.
 */
int hvlis_sendpacket_mpb(struct hvlis_channel *ch, const struct hvlis_gpa_range *ranges,
			 u32 ranges_bytes, u32 range_count, const void *data, u32 len,
			 u64 trans_id)
{
	struct hvlis_gpa_direct_header hdr;
	struct hvlis_ring_vec vec[3];
	u32 used, desc_len, total;

	if (hvlis_gpa_ranges_check(ranges, ranges_bytes, range_count, &used, NULL) ||
	    used != ranges_bytes || (len && !data))
		return -EINVAL;
	desc_len = sizeof(hdr) + ranges_bytes;
	total = desc_len + len;
	if (desc_len < ranges_bytes || total < desc_len)
		return -EMSGSIZE;
	/* offset8 and len8 are 16-bit counts of 8-byte units. */
	if (desc_len / 8 > 0xffff || (total + 7) / 8 > 0xffff)
		return -EMSGSIZE;
	memset(&hdr, 0, sizeof(hdr));
	hdr.desc.type = HVLIS_PKT_DATA_USING_GPA_DIRECT;
	hdr.desc.offset8 = desc_len / 8;
	hdr.desc.len8 = (total + 7) / 8;
	hdr.desc.flags = HVLIS_PKT_FLAG_COMPLETION_REQUESTED;
	hdr.desc.trans_id = trans_id;
	hdr.range_count = range_count;
	vec[0].base = &hdr;
	vec[0].len = sizeof(hdr);
	vec[1].base = ranges;
	vec[1].len = ranges_bytes;
	vec[2].base = data;
	vec[2].len = len;
	return send_vec_checked(ch, vec, len ? 3 : 2, total);
}
EXPORT_SYMBOL_GPL(hvlis_sendpacket_mpb);

/* What recv() does with the next packet. */
enum recv_mode { RECV_PAYLOAD, RECV_RAW, RECV_SKIP };

static int recv(struct hvlis_channel *ch, void *buf, u32 buf_len, u32 *out_len,
		u64 *trans_id, enum recv_mode mode)
{
	struct hvlis_packet_desc desc;
	unsigned long flags;
	bool signal = false;
	int ret;

	spin_lock_irqsave(&ch->in_lock, flags);
	if (ch->state != HVLIS_CHAN_OPEN)
		ret = -ENODEV;
	else if (mode == RECV_SKIP)
		ret = hvlis_ring_skip(&ch->in, &signal);
	else
		ret = hvlis_ring_recv(&ch->in, mode == RECV_PAYLOAD, buf, buf_len, &desc,
				      out_len, &signal);
	if ((!ret || ret == -ENOBUFS) && trans_id && mode != RECV_SKIP)
		*trans_id = desc.trans_id;
	if (ret == -EIO)
		ch->bad_packets++;
	if (signal)
		ch->intr_in_full++;
	spin_unlock_irqrestore(&ch->in_lock, flags);
	if (ret == -EIO)
		pr_err_ratelimited("relid %u: inbound ring holds a corrupt packet; channel unusable\n",
				   ch->relid);
	if (signal)
		hvlis_signal_host(ch);
	return ret;
}

/**
 * hvlis_recvpacket() - take the payload of the next packet
 * @ch: an open channel
 * @buf: destination
 * @buf_len: its size
 * @data_len: receives the payload length (also on -ENOBUFS)
 * @trans_id: receives the packet's transaction id (may be NULL)
 *
 * Return: 0; -EAGAIN if there is none; -ENOBUFS if @buf is too small (the
 * packet stays); -ENODEV if not open; -EIO if the host wrote a corrupt ring.
 */
int hvlis_recvpacket(struct hvlis_channel *ch, void *buf, u32 buf_len,
		     u32 *data_len, u64 *trans_id)
{
	return recv(ch, buf, buf_len, data_len, trans_id, RECV_PAYLOAD);
}
EXPORT_SYMBOL_GPL(hvlis_recvpacket);

/**
 * hvlis_recvpacket_raw() - take the next packet, descriptor included
 * @ch: an open channel
 * @buf: destination
 * @buf_len: its size
 * @pkt_len: receives the packet length (also on -ENOBUFS)
 *
 * Return: as hvlis_recvpacket().
 */
int hvlis_recvpacket_raw(struct hvlis_channel *ch, void *buf, u32 buf_len, u32 *pkt_len)
{
	return recv(ch, buf, buf_len, pkt_len, NULL, RECV_RAW);
}
EXPORT_SYMBOL_GPL(hvlis_recvpacket_raw);

/**
 * hvlis_skippacket() - drop the next packet unread
 * @ch: an open channel
 *
 * For a packet too long for any buffer the driver has (hvlis_recvpacket()
 * said -ENOBUFS): the ring moves on past it.
 *
 * Return: 0; -EAGAIN if there is none; -ENODEV if not open; -EIO if the
 * host wrote a corrupt ring.
 */
int hvlis_skippacket(struct hvlis_channel *ch)
{
	return recv(ch, NULL, 0, NULL, NULL, RECV_SKIP);
}
EXPORT_SYMBOL_GPL(hvlis_skippacket);

/**
 * hvlis_channel_set_subchannel_cb() - be told about new sub-channels
 * @primary: the device's primary channel
 * @cb: called (in process context, on the offers workqueue) for each
 *	sub-channel the host offers; NULL: no more calls
 *
 * Returns once a call of the callback set before, if one is under way,
 * has returned: after setting NULL, no call is running or will run, and
 * the driver may free what the callback uses. So neither the callback nor
 * what it waits for may call this, and it is never called with a lock
 * the callback takes.
 */
void hvlis_channel_set_subchannel_cb(struct hvlis_channel *primary,
				     void (*cb)(struct hvlis_channel *sub))
{
	mutex_lock(&primary->subchannel_cb_lock);
	primary->subchannel_cb = cb;
	mutex_unlock(&primary->subchannel_cb_lock);
}
EXPORT_SYMBOL_GPL(hvlis_channel_set_subchannel_cb);

/**
 * hvlis_channel_subchannel_index() - 0 for a primary, else the sub-channel's
 * @ch: the channel
 *
 * Return: the offer's sub-channel index.
 */
unsigned int hvlis_channel_subchannel_index(const struct hvlis_channel *ch)
{
	return ch->offer.offer.sub_channel_index;
}
EXPORT_SYMBOL_GPL(hvlis_channel_subchannel_index);

/**
 * hvlis_channel_primary() - the primary channel of a channel
 * @ch: a primary or sub-channel
 *
 * Return: @ch itself for a primary.
 */
struct hvlis_channel *hvlis_channel_primary(struct hvlis_channel *ch)
{
	return ch->primary ? ch->primary : ch;
}
EXPORT_SYMBOL_GPL(hvlis_channel_primary);

/**
 * hvlis_channel_rescinded() - whether the host withdrew the channel
 * @ch: the channel
 *
 * Return: true once a rescind arrived.
 */
bool hvlis_channel_rescinded(const struct hvlis_channel *ch)
{
	return READ_ONCE(ch->rescinded);
}
EXPORT_SYMBOL_GPL(hvlis_channel_rescinded);

/**
 * hvlis_channel_set_context() - attach driver data to a channel
 * @ch: the channel
 * @context: the data
 */
void hvlis_channel_set_context(struct hvlis_channel *ch, void *context)
{
	ch->context = context;
}
EXPORT_SYMBOL_GPL(hvlis_channel_set_context);

/**
 * hvlis_channel_context() - the driver data attached to a channel
 * @ch: the channel
 *
 * Return: what hvlis_channel_set_context() or open stored.
 */
void *hvlis_channel_context(const struct hvlis_channel *ch)
{
	return ch->context;
}
EXPORT_SYMBOL_GPL(hvlis_channel_context);

/**
 * hvlis_channel_offer() - the host's offer for a channel
 * @ch: the channel
 *
 * Return: the offer (class, instance, user-defined bytes).
 */
const struct hvlis_offer *hvlis_channel_offer(const struct hvlis_channel *ch)
{
	return &ch->offer.offer;
}
EXPORT_SYMBOL_GPL(hvlis_channel_offer);

/**
 * hvlis_vmbus_version() - the negotiated VMBus protocol version
 *
 * Return: HVLIS_VMBUS_VERSION(major, minor), 0 if not connected.
 */
u32 hvlis_vmbus_version(void)
{
	return hvlis_vmbus.connected ? hvlis_vmbus.version : 0;
}
EXPORT_SYMBOL_GPL(hvlis_vmbus_version);

/**
 * hvlis_read_ref_time() - the partition reference counter
 *
 * The Hyper-V reference time: 100 ns ticks since the partition started,
 * the clock the host stamps time sync samples with. Any context.
 *
 * Return: the counter, or 0 when the transport cannot read one.
 */
u64 hvlis_read_ref_time(void)
{
	const struct hvlis_transport *tp = READ_ONCE(hvlis_vmbus.tp);

	return tp && tp->ref_time ? tp->ref_time() : 0;
}
EXPORT_SYMBOL_GPL(hvlis_read_ref_time);

/**
 * hvlis_channel_set_cpu() - have the host interrupt a channel on another CPU
 * @ch: an open channel (primary or sub-channel)
 * @cpu: an online CPU
 *
 * Sends MODIFYCHANNEL with @cpu's VP index (VMBus 4.1 and later). A 5.3 or
 * later host answers with MODIFYCHANNEL_RESPONSE, and the move counts only
 * if its status is 0; an older host does not answer, and the move counts
 * once the message is posted. An interrupt already on its way may still
 * arrive on the old CPU, so the channel callback may run once more there.
 * Process context; may sleep up to the request timeout.
 *
 * Return: 0 (also when @ch already targets @cpu); -EOPNOTSUPP before VMBus
 * 4.1; -EINVAL for a CPU that is not online; -EIO if the channel is not
 * open or the host refused; -EBUSY while another move of @ch is under way;
 * -ENODEV if the channel was rescinded; -ETIMEDOUT or another errno.
 */
int hvlis_channel_set_cpu(struct hvlis_channel *ch, unsigned int cpu)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	const struct hvlis_msg_modify_channel_response *res;
	struct hvlis_msg_modify_channel msg;
	struct hvlis_waiter *w = NULL;
	bool answered;
	u32 vp;
	int ret;

	if (!vb->connected || vb->version < HVLIS_VMBUS_WIN10_V4_1)
		return -EOPNOTSUPP;
	answered = vb->version >= HVLIS_VMBUS_WIN10_V5_3;
	if (answered) {
		w = kmalloc(sizeof(*w), GFP_KERNEL);
		if (!w)
			return -ENOMEM;
		hvlis_waiter_init(w);
	}
	/* @cpu stays online until the move is recorded (then hotplug checks) */
	cpus_read_lock();
	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		ret = -EINVAL;
		goto out_cpus;
	}
	mutex_lock(&vb->chan_mutex);
	if (READ_ONCE(ch->rescinded))
		ret = -ENODEV;
	else if (ch->state != HVLIS_CHAN_OPEN)
		ret = -EIO;
	else if (ch->moving)
		ret = -EBUSY;
	else
		ret = 0;
	if (ret || ch->target_cpu == cpu) {
		mutex_unlock(&vb->chan_mutex);
		goto out_cpus;
	}
	ch->moving = true;
	mutex_unlock(&vb->chan_mutex);

	vp = vb->tp->vp_index(cpu);
	memset(&msg, 0, sizeof(msg));
	msg.header.msgtype = HVLIS_CHANMSG_MODIFYCHANNEL;
	msg.child_relid = ch->relid;
	msg.target_vp = vp;
	if (answered) {
		ret = hvlis_request(vb, &msg, sizeof(msg), w,
				    HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE, ch->relid, ch->relid);
		res = (const void *)w->resp;
		if (!ret && res->status) {
			pr_err("relid %u: the host refused to move the channel to VP %u (status %#x)\n",
			       ch->relid, vp, res->status);
			ret = -EIO;
		}
	} else {
		ret = hvlis_post_msg(vb, &msg, sizeof(msg), true);
	}

	mutex_lock(&vb->chan_mutex);
	if (!ret) {
		WRITE_ONCE(ch->target_cpu, cpu);
		ch->target_vp = vp;
		ch->moves++;
	}
	ch->moving = false;
	mutex_unlock(&vb->chan_mutex);
out_cpus:
	cpus_read_unlock();
	kfree(w);
	return ret;
}
EXPORT_SYMBOL_GPL(hvlis_channel_set_cpu);

/* ---- sysfs: /sys/bus/vmbus/devices/<id>/channels/<relid>/ */

struct chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvlis_channel *ch, char *buf);
	ssize_t (*store)(struct hvlis_channel *ch, const char *buf, size_t count);
};

static ssize_t chan_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct chan_attr *a = container_of(attr, struct chan_attr, attr);

	return a->show(container_of(kobj, struct hvlis_channel, kobj), buf);
}

static ssize_t chan_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t count)
{
	struct chan_attr *a = container_of(attr, struct chan_attr, attr);

	if (!a->store)
		return -EIO;
	return a->store(container_of(kobj, struct hvlis_channel, kobj), buf, count);
}

static const struct sysfs_ops chan_sysfs_ops = {
	.show = chan_attr_show,
	.store = chan_attr_store,
};

static void chan_kobj_release(struct kobject *kobj)
{
	hvlis_channel_put(container_of(kobj, struct hvlis_channel, kobj));
}

static struct kobj_type chan_ktype = {
	.sysfs_ops = &chan_sysfs_ops,
	.release = chan_kobj_release,
};

/* Ring fields read under the ring's lock, and only while it exists. */
static ssize_t show_ring(struct hvlis_channel *ch, char *buf, bool out, int what)
{
	struct hvlis_ring *r = out ? &ch->out : &ch->in;
	spinlock_t *lock = out ? &ch->out_lock : &ch->in_lock;
	u32 to_read = 0, to_write = 0, val = 0;
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	if (ch->state == HVLIS_CHAN_OPEN) {
		hvlis_ring_space(r, &to_read, &to_write);
		val = what == 0 ? READ_ONCE(r->hdr->interrupt_mask) :
		      what == 1 ? to_read :
		      what == 2 ? to_write : READ_ONCE(r->hdr->pending_send_sz);
	}
	spin_unlock_irqrestore(lock, flags);
	return scnprintf(buf, PAGE_SIZE, "%u\n", val);
}

#define CHAN_ATTR(_name, _fmt, _expr)					\
static ssize_t chan_##_name##_show(struct hvlis_channel *ch, char *buf)	\
{									\
	return scnprintf(buf, PAGE_SIZE, _fmt "\n", _expr);		\
}									\
static struct chan_attr chan_attr_##_name = {				\
	.attr = { .name = #_name, .mode = 0444 },			\
	.show = chan_##_name##_show,					\
}

#define CHAN_RING_ATTR(_name, _out, _what)				\
static ssize_t chan_##_name##_show(struct hvlis_channel *ch, char *buf)	\
{									\
	return show_ring(ch, buf, _out, _what);				\
}									\
static struct chan_attr chan_attr_##_name = {				\
	.attr = { .name = #_name, .mode = 0444 },			\
	.show = chan_##_name##_show,					\
}

/* cpu: which CPU the host interrupts; root may move the channel (as upstream) */
static ssize_t chan_cpu_show(struct hvlis_channel *ch, char *buf)
{
	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(ch->target_cpu));
}

static ssize_t chan_cpu_store(struct hvlis_channel *ch, const char *buf, size_t count)
{
	unsigned int cpu;
	char end;
	int n, ret;

	/* a decimal number and at most a newline (no kstrtouint() on 2.6.32) */
	n = sscanf(buf, "%u%c", &cpu, &end);
	if (n < 1 || (n == 2 && end != '\n'))
		return -EINVAL;
	ret = hvlis_channel_set_cpu(ch, cpu);
	return ret ? ret : count;
}

static struct chan_attr chan_attr_cpu = {
	.attr = { .name = "cpu", .mode = 0644 },
	.show = chan_cpu_show,
	.store = chan_cpu_store,
};

CHAN_ATTR(events, "%llu", (unsigned long long)ch->sig_events);
CHAN_ATTR(interrupts, "%llu", (unsigned long long)ch->interrupts);
CHAN_ATTR(interrupts_other_cpu, "%llu", (unsigned long long)ch->interrupts_other_cpu);
CHAN_ATTR(moves, "%llu", (unsigned long long)ch->moves);
CHAN_ATTR(out_full_total, "%llu", (unsigned long long)ch->out_full);
CHAN_ATTR(out_full_first, "%llu", (unsigned long long)ch->out_full_first);
CHAN_ATTR(intr_out_empty, "%llu", (unsigned long long)ch->intr_out_empty);
CHAN_ATTR(intr_in_full, "%llu", (unsigned long long)ch->intr_in_full);
CHAN_ATTR(bad_packets, "%llu", (unsigned long long)ch->bad_packets);
CHAN_ATTR(subchannel_id, "%u", ch->offer.offer.sub_channel_index);
CHAN_ATTR(monitor_id, "%u", ch->offer.monitor_id);
CHAN_RING_ATTR(in_mask, false, 0);
CHAN_RING_ATTR(out_mask, true, 0);
CHAN_RING_ATTR(read_avail, false, 1);
CHAN_RING_ATTR(write_avail, true, 2);
CHAN_RING_ATTR(in_pending_send_sz, false, 3);
CHAN_RING_ATTR(out_pending_send_sz, true, 3);
CHAN_RING_ATTR(in_write_avail, false, 2);
CHAN_RING_ATTR(out_read_avail, true, 1);

/*
 * latency and pending: the channel's entries in the guest's (client)
 * monitor page, as upstream shows them; only on a monitored channel.
 */
static ssize_t show_monitor(struct hvlis_channel *ch, char *buf, bool latency)
{
	const struct hvlis_hv_monitor_page *mp = hvlis_vmbus.monitor_pages[1];
	u32 v;

	if (!ch->monitored || !mp)
		return -EINVAL;
	v = latency ? READ_ONCE(mp->latency[ch->monitor_grp][ch->monitor_bit]) :
	    READ_ONCE(mp->trigger_group[ch->monitor_grp].pending);
	return scnprintf(buf, PAGE_SIZE, "%u\n", v);
}

static ssize_t chan_latency_show(struct hvlis_channel *ch, char *buf)
{
	return show_monitor(ch, buf, true);
}

static ssize_t chan_pending_show(struct hvlis_channel *ch, char *buf)
{
	return show_monitor(ch, buf, false);
}

static struct chan_attr chan_attr_latency = {
	.attr = { .name = "latency", .mode = 0444 },
	.show = chan_latency_show,
};

static struct chan_attr chan_attr_pending = {
	.attr = { .name = "pending", .mode = 0444 },
	.show = chan_pending_show,
};

static struct attribute *chan_attrs[] = {
	&chan_attr_cpu.attr,
	&chan_attr_events.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_interrupts_other_cpu.attr,
	&chan_attr_moves.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_latency.attr,
	&chan_attr_pending.attr,
	&chan_attr_bad_packets.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_out_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_in_pending_send_sz.attr,
	&chan_attr_out_pending_send_sz.attr,
	&chan_attr_in_write_avail.attr,
	&chan_attr_out_read_avail.attr,
	NULL,
};

static hvlis_sysfs_mode_t chan_attr_visible(struct kobject *kobj, struct attribute *a, int n)
{
	const struct hvlis_channel *ch = container_of(kobj, struct hvlis_channel, kobj);

	if ((a == &chan_attr_latency.attr || a == &chan_attr_pending.attr) && !ch->monitored)
		return 0;
	return a->mode;
}

static const struct attribute_group chan_group = {
	.attrs = chan_attrs,
	.is_visible = chan_attr_visible,
};

/**
 * hvlis_channel_sysfs_add() - create channels/<relid> under the device
 * @ch: a channel whose primary has a registered device
 *
 * Return: 0 or a negative errno (the channel works without its directory).
 */
int hvlis_channel_sysfs_add(struct hvlis_channel *ch)
{
	struct hvlis_device *dev = hvlis_channel_primary(ch)->device;
	int ret;

	if (!dev || !dev->channels_kobj || ch->kobj_added)
		return -ENODEV;
	hvlis_channel_get(ch);	/* dropped by the kobject's release */
	ret = kobject_init_and_add(&ch->kobj, &chan_ktype, dev->channels_kobj,
				   "%u", ch->relid);
	if (!ret)
		ret = sysfs_create_group(&ch->kobj, &chan_group);
	if (ret) {
		kobject_put(&ch->kobj);
		return ret;
	}
	ch->kobj_added = true;
	kobject_uevent(&ch->kobj, KOBJ_ADD);
	return 0;
}

/**
 * hvlis_channel_sysfs_del() - remove channels/<relid>
 * @ch: the channel
 */
void hvlis_channel_sysfs_del(struct hvlis_channel *ch)
{
	if (!ch->kobj_added)
		return;
	ch->kobj_added = false;
	sysfs_remove_group(&ch->kobj, &chan_group);
	kobject_del(&ch->kobj);
	kobject_put(&ch->kobj);
}
