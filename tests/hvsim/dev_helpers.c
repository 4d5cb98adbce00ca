// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: what device kinds (hvsim_dev.h) call to answer the guest and
 * to reach its memory: in-band packets (hvsim_chan_send()), whole packets
 * such as completions (hvsim_chan_give()), transfer-page packets
 * (hvsim_chan_give_xfer()), the bytes of a GPA-direct packet
 * (hvsim_gpa_gather()), guest pages and GPADLs mapped
 * (hvsim_map_pfns(), hvsim_gpadl_map()).
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"
#include "hvsim_ic.h"

/**
 * hvsim_chan_send() - an in-band packet from the host to the guest
 * @relid: an open channel
 * @payload: the packet's payload
 * @len: its length
 * @tid: the transaction id the guest sees
 *
 * Return: 0; -ENODEV if the channel is not open; -ENOSPC if the guest's
 * inbound ring is full; -EIO if the guest corrupted it; -ENOMEM.
 */
int hvsim_chan_send(u32 relid, const void *payload, u32 len, u64 tid)
{
	return hvsim_chan_send_hostile(relid, payload, len, tid, 0);
}

/**
 * hvsim_chan_send_hostile() - hvsim_chan_send() as a hostile host may send
 * @relid: the channel
 * @payload: the packet's payload
 * @len: its length
 * @tid: the transaction id the guest sees
 * @how: HVSIM_SEND_NO_SIGNAL: do not signal (a burst); HVSIM_SEND_SIGNAL:
 *	 signal whether or not the ring was empty
 *
 * Return: as hvsim_chan_send().
 */
int hvsim_chan_send_hostile(u32 relid, const void *payload, u32 len, u64 tid,
			    unsigned int how)
{
	struct hvlis_packet_desc *d;
	struct sim_chan *c;
	u32 total = sizeof(*d) + ALIGN(len, 8);
	bool sig;
	int ret;
	u8 *pkt;

	if (len > HVLIS_HV_PAGE_SIZE * 8)
		return -EMSGSIZE;
	pkt = kzalloc(total, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	d = (void *)pkt;
	d->type = HVLIS_PKT_DATA_INBAND;
	d->offset8 = sizeof(*d) / 8;
	d->len8 = total / 8;
	d->trans_id = tid;
	memcpy(pkt + sizeof(*d), payload, len);
	c = sim_chan_lock_open(relid);
	if (!c) {
		ret = -ENODEV;
	} else {
		ret = sim_ring_give(&c->guest_in, pkt, total, &sig);
		if (!ret && ((sig && !(how & HVSIM_SEND_NO_SIGNAL)) || (how & HVSIM_SEND_SIGNAL)))
			sim_signal_guest(c);
		mutex_unlock(&c->ring_lock);
	}
	kfree(pkt);
	return ret;
}

/**
 * hvsim_chan_kick() - signal the guest about a channel, whatever its ring holds
 * @relid: the channel
 */
void hvsim_chan_kick(u32 relid)
{
	struct sim_chan *c = sim_chan_lock_open(relid);

	if (!c)
		return;
	sim_signal_guest(c);
	mutex_unlock(&c->ring_lock);
}

/**
 * hvsim_chan_give() - a whole packet from the host to the guest
 * @relid: an open channel
 * @pkt: the packet, descriptor included, as the guest will read it
 * @len: its length, a multiple of 8
 *
 * Waits (up to 10 s, polling) while the guest's inbound ring is full.
 * Takes the channel's ring_lock only, never the host's lock. May sleep;
 * call without the channel's ring_lock.
 *
 * Return: 0; -ENODEV if the channel is not open; -ENOSPC if the ring
 * stayed full; -EIO if the guest corrupted it; -EINVAL for a bad length.
 */
int hvsim_chan_give(u32 relid, const void *pkt, u32 len)
{
	unsigned long until = jiffies + 10 * HZ;
	struct sim_chan *c;
	bool sig, waited = false;
	int ret;

	if (len < sizeof(struct hvlis_packet_desc) || len % 8 || len > HVLIS_HV_PAGE_SIZE * 8)
		return -EINVAL;
	for (;;) {
		c = sim_chan_lock_open(relid);
		if (!c) {
			ret = -ENODEV;
		} else {
			ret = sim_ring_give(&c->guest_in, pkt, len, &sig);
			if (!ret)
				sim_chan_answered(c, sig);
			/* Full: what the batch owes may be what the guest waits for. */
			if (ret == -ENOSPC)
				sim_chan_flush_signal(c);
			if (ret == -ENOSPC && !waited) {
				c->waits++;
				waited = true;
			}
			mutex_unlock(&c->ring_lock);
		}
		if (ret != -ENOSPC || time_after(jiffies, until))
			return ret;
		usleep_range(100, 500);
	}
}

/**
 * hvsim_chan_give_xfer() - a transfer-page packet from the host to the guest
 * @relid: an open channel
 * @set_id: the transfer page set (the id the guest gave its buffer)
 * @offset: the one range's byte offset in that buffer
 * @count: the range's byte count
 * @payload: the in-band payload after the range (a device message)
 * @len: its length, at most 64 bytes
 * @tid: the transaction id; the packet asks for a completion
 *
 * Builds the packet (type HVLIS_PKT_DATA_USING_XFER_PAGES, one range) and
 * gives it as hvsim_chan_give() does, waiting while the ring is full.
 *
 * Return: as hvsim_chan_give(); -EINVAL for a payload too long.
 */
int hvsim_chan_give_xfer(u32 relid, u16 set_id, u32 offset, u32 count, const void *payload,
			 u32 len, u64 tid)
{
	struct {
		struct hvlis_xfer_page_header h;
		struct hvlis_xfer_page_range r;
		u8 payload[64];
	} __packed pkt;
	u32 hlen = sizeof(pkt.h) + sizeof(pkt.r);

	if (len > sizeof(pkt.payload))
		return -EINVAL;
	memset(&pkt, 0, sizeof(pkt));
	pkt.h.desc.type = HVLIS_PKT_DATA_USING_XFER_PAGES;
	pkt.h.desc.flags = HVLIS_PKT_FLAG_COMPLETION_REQUESTED;
	pkt.h.desc.offset8 = hlen / 8;
	pkt.h.desc.len8 = (hlen + ALIGN(len, 8)) / 8;
	pkt.h.desc.trans_id = tid;
	pkt.h.xfer_pageset_id = set_id;
	pkt.h.range_count = 1;
	pkt.r.byte_count = count;
	pkt.r.byte_offset = offset;
	memcpy(pkt.payload, payload, len);
	return hvsim_chan_give(relid, &pkt, hlen + ALIGN(len, 8));
}

/**
 * hvsim_gpa_gather() - copy out the bytes of a GPA-direct packet's ranges
 * @pkt: the packet, descriptor included (the host's own copy)
 * @len: its length
 * @dst: where the bytes go, all ranges in order
 * @dst_max: room in @dst
 * @copied: set to the bytes copied
 *
 * Walks and checks every range (a byte offset inside the first page, a
 * nonzero count, all its PFNs inside the header area the descriptor's
 * offset gives) before it maps and copies any. May sleep.
 *
 * Return: 0; -EINVAL for a malformed packet; -EMSGSIZE if the ranges hold
 * more than @dst_max bytes; -EFAULT if a PFN is not RAM.
 */
int hvsim_gpa_gather(const u8 *pkt, u32 len, u8 *dst, u32 dst_max, u32 *copied)
{
	const struct hvlis_gpa_direct_header *h = (const void *)pkt;
	struct hvlis_gpa_range r;
	u32 off, i, pos = sizeof(*h), done = 0;
	u64 total = 0, npfns;
	u8 *va;

	*copied = 0;
	if (len < sizeof(*h))
		return -EINVAL;
	off = h->desc.offset8 * 8u;
	if (off < sizeof(*h) || off > len || !h->range_count)
		return -EINVAL;
	for (i = 0; i < h->range_count; i++) {
		if (pos > off || off - pos < sizeof(r))
			return -EINVAL;
		memcpy(&r, pkt + pos, sizeof(r));
		if (!r.byte_count || r.byte_offset >= HVLIS_HV_PAGE_SIZE)
			return -EINVAL;
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		if (npfns > (off - pos - sizeof(r)) / sizeof(u64))
			return -EINVAL;
		pos += sizeof(r) + npfns * sizeof(u64);
		total += r.byte_count;
	}
	if (total > dst_max)
		return -EMSGSIZE;
	pos = sizeof(*h);
	for (i = 0; i < h->range_count; i++) {
		memcpy(&r, pkt + pos, sizeof(r));
		npfns = DIV_ROUND_UP((u64)r.byte_offset + r.byte_count, HVLIS_HV_PAGE_SIZE);
		va = hvsim_map_pfns((const u64 *)(pkt + pos + sizeof(r)), npfns);
		if (!va)
			return -EFAULT;
		memcpy(dst + done, va + r.byte_offset, r.byte_count);
		vunmap(va);
		done += r.byte_count;
		pos += sizeof(r) + npfns * sizeof(u64);
	}
	*copied = done;
	return 0;
}

/**
 * hvsim_map_pfns() - map guest pages as the host sees them
 * @pfns: their page frame numbers, as the guest gave them
 * @n: how many
 *
 * Return: one virtual mapping of the @n pages in order (vunmap() it), or
 * NULL if a PFN is not RAM or memory ran out.
 */
void *hvsim_map_pfns(const u64 *pfns, u32 n)
{
	struct page **pages = kcalloc(n, sizeof(*pages), GFP_KERNEL);
	void *va = NULL;
	u32 i;

	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!pfn_valid(pfns[i]))
			goto out;
		pages[i] = pfn_to_page(pfns[i]);
	}
	va = vmap(pages, n, VM_MAP, PAGE_KERNEL);
out:
	kfree(pages);
	return va;
}

/**
 * hvsim_gpadl_pfns_locked() - the page list of a created GPADL of a channel
 * @relid: the channel
 * @handle: the GPADL
 * @pfns: set to its page frame numbers (valid while the lock is held)
 * @npfns: set to their number
 *
 * Called with the host's lock held (a kind's packet_locked operation);
 * map the pages with hvsim_map_pfns().
 *
 * Return: 0; -ENOENT if the channel has no created GPADL of that handle.
 */
int hvsim_gpadl_pfns_locked(u32 relid, u32 handle, const u64 **pfns, u32 *npfns)
{
	struct sim_gpadl *g;

	lockdep_assert_held(&sim.lock);
	g = sim_gpadl_find(handle);
	if (!g || !g->created || g->relid != relid)
		return -ENOENT;
	*pfns = g->pfns;
	*npfns = g->npfns;
	return 0;
}

/**
 * hvsim_gpadl_map() - map a GPADL the guest established for a channel
 * @relid: the channel the GPADL must belong to
 * @handle: the GPADL's handle, as the guest named it (e.g. in a
 *	device's own message)
 * @map: filled in: the mapping of all its pages in order
 *
 * Looks the GPADL up among those the host answered with GPADL_CREATED.
 * Each page is referenced for as long as the mapping lives, so a guest
 * that tears the GPADL down (or frees the pages) while the host still
 * writes through the mapping cannot have the host write into memory
 * reused for something else. May sleep; call without sim.lock.
 *
 * Return: 0; -ENOENT if there is no such created GPADL of @relid; -EFAULT
 * if a page is not RAM; -ENOMEM.
 */
int hvsim_gpadl_map(u32 relid, u32 handle, struct hvsim_map *map)
{
	struct sim_gpadl *g;
	u64 *pfns = NULL;
	u32 i, n = 0;
	int ret = -ENOENT;

	memset(map, 0, sizeof(*map));
	mutex_lock(&sim.lock);
	g = sim_gpadl_find(handle);
	if (g && g->created && g->relid == relid) {
		n = g->npfns;
		pfns = kvcalloc(n, sizeof(u64), GFP_KERNEL);
		if (pfns)
			memcpy(pfns, g->pfns, n * sizeof(u64));
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&sim.lock);
	if (!pfns)
		return ret;
	map->pages = kvcalloc(n, sizeof(*map->pages), GFP_KERNEL);
	ret = -ENOMEM;
	if (!map->pages)
		goto out;
	ret = -EFAULT;
	for (i = 0; i < n; i++) {
		if (!pfn_valid(pfns[i]))
			goto out;
		map->pages[i] = pfn_to_page(pfns[i]);
	}
	map->va = vmap(map->pages, n, VM_MAP, PAGE_KERNEL);
	ret = -ENOMEM;
	if (!map->va)
		goto out;
	for (i = 0; i < n; i++)
		get_page(map->pages[i]);
	map->npages = n;
	map->bytes = n * HVLIS_HV_PAGE_SIZE;
	ret = 0;
out:
	kvfree(pfns);
	if (ret) {
		kvfree(map->pages);
		memset(map, 0, sizeof(*map));
	}
	return ret;
}

/**
 * hvsim_gpadl_unmap() - undo hvsim_gpadl_map()
 * @map: the mapping; cleared. An empty (zeroed) one is fine.
 */
void hvsim_gpadl_unmap(struct hvsim_map *map)
{
	u32 i;

	if (map->va)
		vunmap(map->va);
	for (i = 0; map->pages && i < map->npages; i++)
		put_page(map->pages[i]);
	kvfree(map->pages);
	memset(map, 0, sizeof(*map));
}

/**
 * hvsim_pkt_build() - a whole packet, descriptor first, as the guest reads it
 * @out: where it goes
 * @out_max: room at @out
 * @type: the descriptor's type (HVLIS_PKT_COMP, HVLIS_PKT_DATA_INBAND, ...)
 * @tid: its transaction id
 * @payload: the payload after the descriptor
 * @len: its length (padded with zeroes to a multiple of 8)
 *
 * Return: the packet's length; 0 if it does not fit in @out_max.
 */
u32 hvsim_pkt_build(void *out, u32 out_max, u16 type, u64 tid, const void *payload, u32 len)
{
	struct hvlis_packet_desc d;
	u32 total = sizeof(d) + ALIGN(len, 8);

	if (len > HVLIS_HV_PAGE_SIZE * 8 || total > out_max)
		return 0;
	memset(&d, 0, sizeof(d));
	d.type = type;
	d.offset8 = sizeof(d) / 8;
	d.len8 = total / 8;
	d.trans_id = tid;
	memset(out, 0, total);
	memcpy(out, &d, sizeof(d));
	memcpy((u8 *)out + sizeof(d), payload, len);
	return total;
}

/**
 * hvsim_chan_complete() - a completion (or another short packet) to the guest
 * @relid: an open channel
 * @type: the packet's type: HVLIS_PKT_COMP for a completion
 * @tid: the transaction id it answers
 * @payload: the payload (a device message)
 * @len: its length, at most 256 bytes
 *
 * Builds the packet (hvsim_pkt_build()) and gives it as hvsim_chan_give()
 * does, waiting while the guest's inbound ring is full. May sleep.
 *
 * Return: as hvsim_chan_give(); -EMSGSIZE for a payload too long.
 */
int hvsim_chan_complete(u32 relid, u16 type, u64 tid, const void *payload, u32 len)
{
	u8 pkt[sizeof(struct hvlis_packet_desc) + 256];
	u32 total = hvsim_pkt_build(pkt, sizeof(pkt), type, tid, payload, len);

	if (!total)
		return -EMSGSIZE;
	return hvsim_chan_give(relid, pkt, total);
}

/**
 * hvsim_cmd_args() - split a device kind's ctl command "<relid> <verb> [args]"
 * @args: the command's words (split in place); left at the verb's
 *	arguments, NULL when there are none
 * @relid: set to the relid
 * @verb: set to the verb
 *
 * Return: 0; -EINVAL when the relid or the verb is missing or the relid
 * is not a number.
 */
int hvsim_cmd_args(char **args, unsigned int *relid, char **verb)
{
	char *r = *args ? strsep(args, " ") : NULL;

	*verb = *args ? strsep(args, " ") : NULL;
	if (!r || !*verb || kstrtouint(r, 0, relid))
		return -EINVAL;
	return 0;
}

/**
 * hvsim_fault_arm() - a device kind's "fault NAME [count=N]" verb
 * @names: the kind's fault names
 * @n: how many there are
 * @args: "NAME [count=N]" (split in place)
 * @lock: the lock of @left
 * @left: per fault, the firings still to come; NAME's gets N more
 *
 * Return: 0 or -EINVAL (hvsim_parse_fault()).
 */
int hvsim_fault_arm(const char *const *names, unsigned int n, char *args, struct mutex *lock,
		    u32 *left)
{
	unsigned int count;
	int f = hvsim_parse_fault(names, n, args, &count);

	if (f < 0)
		return f;
	mutex_lock(lock);
	left[f] += count;
	mutex_unlock(lock);
	return 0;
}
