// SPDX-License-Identifier: GPL-2.0-only
/*
 * The idle and echo device kinds of hvsim.
 *
 * idle: offered, opens, swallows every packet (the stand-ins that carry a
 * real device class no host side here plays, and any class GUID).
 *
 * echo (class HVSIM_GUID_ECHO, bound by the test driver hvlis_echo): every
 * packet comes back unchanged, except two requests (hvsim.h): a GPADL
 * checksum request, answered with the checksum of a range of a GPADL of
 * the channel, so a GPADL that carries data, not only rings, is checked end
 * to end; and a GPA-direct packet with the multi-page-buffer magic,
 * answered with a completion carrying the checksum of all its ranges. The
 * echo works in place (packet_locked): when the guest's inbound ring has no
 * room for the answer, the packet stays in its outbound ring and the host
 * asks to be signalled when room frees, as a host that honours flow
 * control does.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include <linux/kernel.h>
#include <linux/vmalloc.h>
#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <hvlis/vmbus_proto.h>
#include "hvsim.h"
#include "hvsim_dev.h"

/* Room for the larger of the two answers (40 and 32 bytes), descriptor included. */
#define ECHO_ANSWER_MAX	(sizeof(struct hvlis_packet_desc) + sizeof(struct hvsim_mpb_resp))

static atomic_t csum_requests, csum_errors;	/* GPADL checksums answered, refused */
static atomic_t mpb_requests, mpb_errors;	/* GPA-direct checksums */

/* Idle channels: no packet operation, so the host swallows their packets. */
const struct hvsim_dev_ops hvsim_idle_ops = {
	.name = "idle",
	.keep_subchannels = true,
};

/*
 * Checksum bytes [offset, offset + length) of a GPADL of this channel,
 * mapping only the pages of the range. Called with host.c's lock held.
 */
static int gpadl_csum(u32 relid, const struct hvsim_csum_req *req, u32 *csum, u32 *npages)
{
	u64 end = (u64)req->offset + req->length;
	const u64 *pfns;
	u32 first, n, npfns;
	int ret;
	u8 *va;

	ret = hvsim_gpadl_pfns_locked(relid, req->gpadl, &pfns, &npfns);
	if (ret)
		return ret;
	*npages = npfns;
	if (!req->length || end > (u64)npfns * HVLIS_HV_PAGE_SIZE)
		return -EINVAL;
	first = req->offset / HVLIS_HV_PAGE_SIZE;
	n = (u32)((end - 1) / HVLIS_HV_PAGE_SIZE) - first + 1;
	va = hvsim_map_pfns(pfns + first, n);
	if (!va)
		return -EFAULT;
	*csum = hvsim_csum(HVSIM_CSUM_SEED, va + req->offset % HVLIS_HV_PAGE_SIZE, req->length);
	vunmap(va);
	return 0;
}

/*
 * If the packet 'pkt' of 'len' bytes (descriptor included) is a checksum
 * request, build the answer packet in 'out' and return its length, with
 * *status the answer's status; else return 0: the packet is echoed.
 */
static u32 csum_answer(u32 relid, const u8 *pkt, u32 len, u8 *out, int *status)
{
	const struct hvlis_packet_desc *d = (const void *)pkt;
	struct hvsim_csum_resp resp;
	struct hvsim_csum_req req;
	u32 off = d->offset8 * 8u;
	u32 csum = 0, npages = 0;

	/* The host's ring_peek() checked 16 <= off <= len. */
	if (d->type != HVLIS_PKT_DATA_INBAND || len - off != sizeof(req))
		return 0;
	memcpy(&req, pkt + off, sizeof(req));
	if (req.magic != HVSIM_CSUM_REQ_MAGIC)
		return 0;
	memset(&resp, 0, sizeof(resp));
	resp.magic = HVSIM_CSUM_RESP_MAGIC;
	resp.gpadl = req.gpadl;
	resp.offset = req.offset;
	resp.length = req.length;
	/* locals: the response is packed (no pointers into it) */
	resp.status = gpadl_csum(relid, &req, &csum, &npages);
	resp.checksum = csum;
	resp.npages = npages;
	*status = resp.status;
	return hvsim_pkt_build(out, ECHO_ANSWER_MAX, HVLIS_PKT_DATA_INBAND, d->trans_id, &resp,
			       sizeof(resp));
}

/*
 * A GPA-direct packet to the echo device: checksum every range's bytes, in
 * order, mapping each range's pages. 'pkt' is the host's own copy of the
 * packet (len bytes, descriptor included), so the guest cannot change it
 * under us. Builds the completion in 'out' and returns its length; 0 for a
 * packet without the request's magic (dropped). Called with host.c's lock
 * held.
 */
static u32 mpb_answer(const u8 *pkt, u32 len, u8 *out, int *status)
{
	const struct hvlis_gpa_direct_header *h = (const void *)pkt;
	const struct hvlis_packet_desc *d = (const void *)pkt;
	u32 off = d->offset8 * 8u, i, pos = sizeof(*h);
	struct hvsim_mpb_resp resp;
	struct hvsim_mpb_req req;
	struct hvlis_gpa_range r;
	u64 total = 0, npfns;
	u32 h_csum = HVSIM_CSUM_SEED;
	u8 *va;

	/* The host's ring_peek() checked 16 <= off <= len. */
	if (off < sizeof(*h) || len - off < sizeof(req))
		return 0;
	memcpy(&req, pkt + off, sizeof(req));
	if (req.magic != HVSIM_MPB_REQ_MAGIC)
		return 0;
	memset(&resp, 0, sizeof(resp));
	resp.magic = HVSIM_MPB_RESP_MAGIC;
	resp.ranges = h->range_count;
	/*
	 * The host's own walk of the ranges (not hv_vmbus's checker: the two
	 * sides must not share a mistake). Every range first, then the data.
	 */
	for (i = 0; i < h->range_count; i++) {
		if (pos > off || off - pos < sizeof(r))
			goto malformed;
		memcpy(&r, pkt + pos, sizeof(r));
		if (!r.byte_count || r.byte_offset >= HVLIS_HV_PAGE_SIZE)
			goto malformed;
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		if (npfns > (off - pos - sizeof(r)) / sizeof(u64))
			goto malformed;
		pos += sizeof(r) + npfns * sizeof(u64);
		total += r.byte_count;
	}
	if (!h->range_count || pos != off)
		goto malformed;
	resp.bytes = total;
	pos = sizeof(*h);
	for (i = 0; i < h->range_count; i++) {
		memcpy(&r, pkt + pos, sizeof(r));
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		va = hvsim_map_pfns((const u64 *)(pkt + pos + sizeof(r)), npfns);
		if (!va) {
			resp.status = -EFAULT;
			goto answer;
		}
		h_csum = hvsim_csum(h_csum, va + r.byte_offset, r.byte_count);
		vunmap(va);
		pos += sizeof(r) + npfns * sizeof(u64);
	}
	resp.checksum = h_csum;
	goto answer;
malformed:
	resp.status = -EINVAL;
answer:
	*status = resp.status;
	return hvsim_pkt_build(out, ECHO_ANSWER_MAX, HVLIS_PKT_COMP, d->trans_id, &resp,
			       sizeof(resp));
}

/* One packet of an echo channel, still in the guest's ring (host.c's lock held). */
static int echo_packet(void *priv, struct sim_chan *c, u32 relid, const u8 *pkt, u32 len)
{
	u8 answer[ECHO_ANSWER_MAX];
	bool is_mpb, is_csum;
	int ret, status = 0;
	u32 out_len;

	BUILD_BUG_ON(sizeof(struct hvsim_mpb_resp) < sizeof(struct hvsim_csum_resp));
	is_mpb = ((const struct hvlis_packet_desc *)pkt)->type == HVLIS_PKT_DATA_USING_GPA_DIRECT;
	if (is_mpb && !mpb_answer(pkt, len, answer, &status))
		return -EPROTO;	/* GPA direct without a request: dropped */
	out_len = is_mpb ? ECHO_ANSWER_MAX : csum_answer(relid, pkt, len, answer, &status);
	is_csum = out_len;
	if (!is_csum)
		out_len = len;
	if (is_csum && !is_mpb && hvsim_armed_take(HVSIM_FAULT_CSUM_SILENT, relid, NULL))
		return 0;	/* the guest waits for an answer in vain */
	ret = hvsim_chan_reply_locked(c, is_csum ? answer : pkt, out_len);
	if (ret)
		return ret;
	if (is_mpb) {
		atomic_inc(&mpb_requests);
		if (status)
			atomic_inc(&mpb_errors);
	} else if (is_csum) {
		atomic_inc(&csum_requests);
		if (status) {
			atomic_inc(&csum_errors);
			pr_info("relid %u: checksum request refused: %d\n", relid, status);
		}
	}
	return 0;
}

static const struct hvsim_dev_ops echo_ops = {
	.name = "echo",
	.packet_locked = echo_packet,
	.keep_subchannels = true,
};

static bool echo_claims(const struct hvlis_guid *class_id)
{
	static const struct hvlis_guid echo = HVSIM_GUID_ECHO;

	return !memcmp(class_id, &echo, sizeof(echo));
}

static int echo_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		    bool given, int monitor, char *opts)
{
	if (*opts)
		return -EINVAL;
	return hvsim_add_dev(&echo_ops, NULL, class_id, instance, 0, monitor);
}

static void echo_stats(struct seq_file *s)
{
	seq_printf(s, "mpb_requests %d\nmpb_errors %d\n", atomic_read(&mpb_requests),
		   atomic_read(&mpb_errors));
	seq_printf(s, "csum_requests %d\ncsum_errors %d\n", atomic_read(&csum_requests),
		   atomic_read(&csum_errors));
}

const struct hvsim_kind hvsim_echo_kind = {
	.name = "echo",
	.claims = echo_claims,
	.add = echo_add,
	.stats = echo_stats,
};
