// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: a simulated Hyper-V host for testing hvlis without a hypervisor.
 * Test-only; never packaged.
 *
 * It implements hv_vmbus's transport seam (struct hvlis_transport) and plays
 * the host side of VMBus: version negotiation as a chosen host generation,
 * offers from a device list that tests configure, GPADLs, channel open and
 * close, rescinds, UNLOAD. It touches guest memory only through the
 * physical addresses the guest hands over (SynIC pages, monitor and
 * interrupt pages, GPADL page lists), as a real host does, and it raises
 * the VMBus interrupt with an IPI to the target CPU, so the guest's handler
 * runs in hard interrupt context.
 *
 * The host-side ring code here is written separately from the guest's
 * ring_core.c on purpose: a shared bug would otherwise go unseen.
 *
 * Control: /sys/kernel/debug/hvsim/ (see tests/hvsim/README.md).
 *
 * Load order: insmod hvsim.ko; configure; insmod hv_vmbus.ko transport=hvsim.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/bitops.h>
#include <hvlis/compat.h>
#include <hvlis/vmbus_proto.h>
#include "../../modules/hv_vmbus/vmbus_priv.h"
#include "hvsim.h"

#define SIM_MAX_CHANS		128
#define SIM_MSG_TYPE_VMBUS	1	/* SynIC message type of VMBus messages */
#define SIM_CONN_BASE		0x1000	/* channel connection ids */

static unsigned int host_version = HVLIS_VMBUS_WIN10_V5_3;
module_param(host_version, uint, 0644);
MODULE_PARM_DESC(host_version, "newest VMBus version this host accepts (major << 16 | minor)");

struct sim_msg {
	struct list_head node;
	u32 conn_id;	/* guest -> host: the connection it was posted to */
	u32 len;
	u8 data[HVLIS_MESSAGE_PAYLOAD_BYTES];
};

/* Host view of one ring: control page at base, data after it. */
struct sim_ring {
	struct hvlis_ring_header *hdr;
	u8 *data;
	u32 size;
};

struct sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u32 npfns;	/* expected */
	u32 have;	/* received so far */
	u32 next_msgnum;
	u64 *pfns;
	bool created;
	bool in_use;	/* by an open channel */
};

struct sim_chan {
	bool used;
	u32 relid;
	u32 conn_id;
	enum sim_kind kind;
	struct hvlis_guid type, instance;
	u16 sub_index;
	bool offered, open, rescinded;
	u32 target_vp;
	struct sim_gpadl *ring_gpadl;
	void *ring_va;
	struct sim_ring guest_out;	/* the guest writes, we read */
	struct sim_ring guest_in;	/* we write, the guest reads */
	struct work_struct work;
	u64 packets, signals_in, signals_out, bad, waits;
};

static struct {
	void (*isr)(void);
	void **msg_page;		/* per CPU */
	void **event_page;		/* per CPU */

	spinlock_t q_lock;		/* the two message queues */
	struct list_head to_host;
	struct list_head to_guest;
	struct workqueue_struct *wq;	/* ordered: host message processing */
	struct work_struct host_work;
	struct delayed_work deliver_work;

	struct mutex lock;		/* everything below */
	bool connected;
	u32 version;
	u32 msg_conn_id;
	u32 msg_vp;
	void *int_page;
	void *monitor_page[2];
	struct sim_chan chans[SIM_MAX_CHANS];
	struct list_head gpadls;
	u32 next_instance;

	/* counters */
	atomic_t msgs_from_guest, msgs_to_guest, bad_msgs, unloads, eoms;
	atomic_t gpadls_created, gpadls_torn, opens, closes, relids_released;
	struct dentry *dir;
} sim;

/* ---------------------------------------------------------------- helpers */

static void *gpa_to_va(u64 gpa)
{
	if (!gpa || !pfn_valid(gpa >> PAGE_SHIFT))
		return NULL;
	return phys_to_virt(gpa);
}

static unsigned int vp_to_cpu(u32 vp)
{
	return vp < nr_cpu_ids && cpu_online(vp) ? vp : 0;
}

static void raise_irq_fn(void *unused)
{
	if (sim.isr)
		sim.isr();
}

static void raise_irq(unsigned int cpu)
{
	/* In process context; on the target CPU the handler runs in hardirq. */
	smp_call_function_single(cpu, raise_irq_fn, NULL, 0);
}

/* ------------------------------------------------- host -> guest messages */

static void queue_to_guest(const void *msg, u32 len)
{
	struct sim_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned long flags;

	if (!m)
		return;
	m->len = len;
	memcpy(m->data, msg, len);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	mod_delayed_work(system_wq, &sim.deliver_work, 0);
}

static void deliver_fn(struct work_struct *work)
{
	unsigned int cpu = vp_to_cpu(sim.msg_vp);
	struct hvlis_hv_message_page *page;
	struct hvlis_hv_message *slot;
	struct sim_msg *m;
	unsigned long flags;

	for (;;) {
		page = sim.msg_page ? sim.msg_page[cpu] : NULL;
		if (!page)
			return;
		slot = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
		spin_lock_irqsave(&sim.q_lock, flags);
		m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
		if (!m) {
			spin_unlock_irqrestore(&sim.q_lock, flags);
			return;
		}
		if (READ_ONCE(slot->header.message_type) != HVLIS_HVMSG_NONE) {
			/* Slot busy: ask for an EOM, and look again soon anyway. */
			slot->header.message_flags |= HVLIS_MSG_FLAG_PENDING;
			spin_unlock_irqrestore(&sim.q_lock, flags);
			mod_delayed_work(system_wq, &sim.deliver_work, 1);
			return;
		}
		list_del(&m->node);
		spin_unlock_irqrestore(&sim.q_lock, flags);

		memcpy(slot->payload, m->data, m->len);
		slot->header.payload_size = m->len;
		slot->header.message_flags = 0;
		slot->header.sender = 0;
		wmb();
		WRITE_ONCE(slot->header.message_type, SIM_MSG_TYPE_VMBUS);
		kfree(m);
		atomic_inc(&sim.msgs_to_guest);
		raise_irq(cpu);
	}
}

/* ------------------------------------------------------ host ring access */

static bool ring_attach(struct sim_ring *r, void *base, u32 bytes)
{
	if (bytes < 2 * HVLIS_HV_PAGE_SIZE)
		return false;
	r->hdr = base;
	r->data = (u8 *)base + HVLIS_HV_PAGE_SIZE;
	r->size = bytes - HVLIS_HV_PAGE_SIZE;
	return true;
}

/* Copies at a ring offset; 'at' may be past the end (it wraps). */
static void ring_get(const struct sim_ring *r, u32 at, void *dst, u32 len)
{
	u32 first;

	at %= r->size;
	first = min(len, r->size - at);
	memcpy(dst, r->data + at, first);
	memcpy((u8 *)dst + first, r->data, len - first);
}

static void ring_put(struct sim_ring *r, u32 at, const void *src, u32 len)
{
	u32 first;

	at %= r->size;
	first = min(len, r->size - at);
	memcpy(r->data + at, src, first);
	memcpy(r->data, (const u8 *)src + first, len - first);
}

/* Bytes in the ring, or -1 if the guest's indices make no sense. */
static long ring_used(const struct sim_ring *r)
{
	u32 rd = READ_ONCE(r->hdr->read_index), wr = READ_ONCE(r->hdr->write_index);

	if (rd >= r->size || wr >= r->size || (rd | wr) & 7)
		return -1;
	return wr >= rd ? wr - rd : r->size - rd + wr;
}

/*
 * Look at the next packet the guest wrote, without consuming it. Returns
 * its length, 0 if none, -1 if the guest's ring is corrupt.
 */
static long ring_peek(struct sim_ring *r, void *buf, u32 buf_len)
{
	struct hvlis_packet_desc d;
	long used = ring_used(r);
	u32 rd, len;

	if (used <= 0)
		return used;
	rmb();
	rd = READ_ONCE(r->hdr->read_index);
	ring_get(r, rd, &d, sizeof(d));
	len = d.len8 * 8u;
	if (d.offset8 < 2 || d.len8 < d.offset8 || len + 8 > used || len > buf_len)
		return -1;
	ring_get(r, rd, buf, len);
	return len;
}

/*
 * Consume the packet of 'len' bytes that ring_peek() returned. *signal: the
 * guest asked (pending_send_sz) to hear when room frees up, and now it has.
 */
static void ring_consume(struct sim_ring *r, u32 len, bool *signal)
{
	u32 rd = READ_ONCE(r->hdr->read_index), pending, free_before;

	free_before = r->size - ring_used(r);
	mb();
	WRITE_ONCE(r->hdr->read_index, (rd + len + 8) % r->size);
	mb();
	pending = READ_ONCE(r->hdr->pending_send_sz);
	*signal = pending && free_before <= pending && free_before + len + 8 > pending;
}

/* Write one packet for the guest. Returns 0, -ENOSPC or -EIO; *signal as rule. */
static int ring_give(struct sim_ring *r, const void *pkt, u32 len, bool *signal)
{
	long used = ring_used(r);
	u32 wr, padded = (len + 7) & ~7u;
	u64 trailer;
	static const u8 zero[8];

	*signal = false;
	if (used < 0)
		return -EIO;
	if (r->size - used <= padded + 8)
		return -ENOSPC;
	wr = READ_ONCE(r->hdr->write_index);
	ring_put(r, wr, pkt, len);
	ring_put(r, wr + len, zero, padded - len);
	trailer = (u64)wr << 32;
	ring_put(r, wr + padded, &trailer, 8);
	mb();
	WRITE_ONCE(r->hdr->write_index, (wr + padded + 8) % r->size);
	mb();
	*signal = !READ_ONCE(r->hdr->interrupt_mask) &&
		  READ_ONCE(r->hdr->read_index) == wr;
	return 0;
}

/* ------------------------------------------------------------- channels */

static void signal_guest(struct sim_chan *c)
{
	unsigned int cpu = vp_to_cpu(c->target_vp);
	struct hvlis_hv_event_page *ev = sim.event_page ? sim.event_page[cpu] : NULL;

	if (!ev)
		return;
	if (sim.version >= HVLIS_VMBUS_WIN8) {
		set_bit(c->relid, (unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	} else {
		if (!sim.int_page)
			return;
		set_bit(c->relid, (unsigned long *)sim.int_page);	/* receive half */
		set_bit(0, (unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	}
	c->signals_out++;
	raise_irq(cpu);
}

/*
 * Echo device: every packet the guest sends comes back unchanged. When the
 * guest's inbound ring has no room, the packet stays in its outbound ring
 * and we ask (pending_send_sz) to be signalled when room frees, as a host
 * that honours flow control does.
 */
static void chan_work_fn(struct work_struct *work)
{
	struct sim_chan *c = container_of(work, struct sim_chan, work);
	bool sig, want_guest = false;
	u8 *buf;
	long len;
	int ret;

	buf = kmalloc(HVLIS_HV_PAGE_SIZE * 8, GFP_KERNEL);
	if (!buf)
		return;
	mutex_lock(&sim.lock);
	while (c->open && !c->rescinded) {
		len = ring_peek(&c->guest_out, buf, HVLIS_HV_PAGE_SIZE * 8);
		if (len == 0)
			break;
		if (len < 0) {
			c->bad++;
			pr_err_ratelimited("relid %u: guest ring corrupt\n", c->relid);
			break;
		}
		if (c->kind == SIM_ECHO) {
			ret = ring_give(&c->guest_in, buf, len, &sig);
			if (ret == -ENOSPC) {
				WRITE_ONCE(c->guest_in.hdr->pending_send_sz, (u32)len + 16);
				mb();
				/* Room may have freed before it saw our request. */
				if (c->guest_in.size - ring_used(&c->guest_in) > (u32)len + 16)
					continue;
				c->waits++;
				break;
			}
			if (ret) {
				c->bad++;
				break;
			}
			WRITE_ONCE(c->guest_in.hdr->pending_send_sz, 0);
			want_guest |= sig;
		}
		ring_consume(&c->guest_out, len, &sig);
		want_guest |= sig;
		c->packets++;
	}
	if (want_guest)
		signal_guest(c);
	mutex_unlock(&sim.lock);
	kfree(buf);
}

static struct sim_chan *chan_by_relid(u32 relid)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && sim.chans[i].relid == relid)
			return &sim.chans[i];
	return NULL;
}

static void send_offer(struct sim_chan *c)
{
	struct hvlis_msg_offer_channel m;

	memset(&m, 0, sizeof(m));
	m.header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m.offer.if_type = c->type;
	m.offer.if_instance = c->instance;
	m.offer.sub_channel_index = c->sub_index;
	m.child_relid = c->relid;
	m.connection_id = c->conn_id;
	m.interrupt_flags = HVLIS_OFFER_DEDICATED_INTERRUPT;
	c->offered = true;
	queue_to_guest(&m, sizeof(m));
}

static void unmap_ring(struct sim_chan *c)
{
	if (c->ring_va)
		vunmap(c->ring_va);
	c->ring_va = NULL;
	if (c->ring_gpadl)
		c->ring_gpadl->in_use = false;
	c->ring_gpadl = NULL;
}

static void send_rescind(struct sim_chan *c)
{
	struct hvlis_msg_rescind_offer m;

	c->rescinded = true;
	c->open = false;
	unmap_ring(c);
	memset(&m, 0, sizeof(m));
	m.header.msgtype = HVLIS_CHANMSG_RESCIND_CHANNELOFFER;
	m.child_relid = c->relid;
	queue_to_guest(&m, sizeof(m));
}

/* --------------------------------------------------------- host messages */

static struct sim_gpadl *gpadl_find(u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, &sim.gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void gpadl_free(struct sim_gpadl *g)
{
	list_del(&g->node);
	vfree(g->pfns);
	kfree(g);
}

static void gpadl_maybe_created(struct sim_gpadl *g)
{
	struct hvlis_msg_gpadl_created r;

	if (g->created || g->have < g->npfns)
		return;
	g->created = true;
	atomic_inc(&sim.gpadls_created);
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
	r.child_relid = g->relid;
	r.gpadl = g->handle;
	queue_to_guest(&r, sizeof(r));
}

static void on_gpadl_header(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_header *h = (const void *)msg;
	struct sim_gpadl *g;
	u32 n, in_msg;

	if (len < sizeof(*h) + sizeof(struct hvlis_gpa_range) || h->range_count != 1 ||
	    h->range_buflen < sizeof(struct hvlis_gpa_range) || !chan_by_relid(h->child_relid) ||
	    gpadl_find(h->gpadl)) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_HEADER (relid %u, gpadl %#x)\n", h->child_relid, h->gpadl);
		return;
	}
	n = (h->range_buflen - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	in_msg = (len - sizeof(*h) - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	if (!n || h->range[0].byte_count != n * HVLIS_HV_PAGE_SIZE || in_msg > n) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL %#x: inconsistent sizes\n", h->gpadl);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return;
	g->pfns = vmalloc(n * sizeof(u64));
	if (!g->pfns) {
		kfree(g);
		return;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npfns = n;
	g->have = in_msg;
	g->next_msgnum = 1;
	memcpy(g->pfns, h->range[0].pfn_array, in_msg * sizeof(u64));
	list_add_tail(&g->node, &sim.gpadls);
	gpadl_maybe_created(g);
}

static void on_gpadl_body(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_body *b = (const void *)msg;
	struct sim_gpadl *g = gpadl_find(b->gpadl);
	u32 n = (len - sizeof(*b)) / sizeof(u64);

	if (!g || g->created || b->msgnumber != g->next_msgnum || n > g->npfns - g->have) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_BODY (gpadl %#x, msg %u)\n", b->gpadl, b->msgnumber);
		return;
	}
	memcpy(g->pfns + g->have, b->pfn, n * sizeof(u64));
	g->have += n;
	g->next_msgnum++;
	gpadl_maybe_created(g);
}

static void on_gpadl_teardown(const u8 *msg)
{
	const struct hvlis_msg_gpadl_teardown *t = (const void *)msg;
	struct hvlis_msg_gpadl_torndown r;
	struct sim_gpadl *g = gpadl_find(t->gpadl);

	if (!g || g->in_use) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL_TEARDOWN of %s gpadl %#x\n", g ? "an in-use" : "an unknown", t->gpadl);
		return;
	}
	gpadl_free(g);
	atomic_inc(&sim.gpadls_torn);
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_TORNDOWN;
	r.gpadl = t->gpadl;
	queue_to_guest(&r, sizeof(r));
}

static void *map_gpadl(struct sim_gpadl *g)
{
	struct page **pages = kcalloc(g->npfns, sizeof(*pages), GFP_KERNEL);
	void *va = NULL;
	u32 i;

	if (!pages)
		return NULL;
	for (i = 0; i < g->npfns; i++) {
		if (!pfn_valid(g->pfns[i]))
			goto out;
		pages[i] = pfn_to_page(g->pfns[i]);
	}
	va = vmap(pages, g->npfns, VM_MAP, PAGE_KERNEL);
out:
	kfree(pages);
	return va;
}

static void on_open(const u8 *msg)
{
	const struct hvlis_msg_open_channel *o = (const void *)msg;
	struct hvlis_msg_open_result r;
	struct sim_chan *c = chan_by_relid(o->child_relid);
	struct sim_gpadl *g = gpadl_find(o->ring_gpadl);
	u32 status = 0, out_pages;

	if (!c || c->open || c->rescinded || !g || !g->created || g->in_use ||
	    o->downstream_ring_page_offset < 2 ||
	    o->downstream_ring_page_offset + 2 > g->npfns) {
		status = 0xc0000001;	/* STATUS_UNSUCCESSFUL */
	} else {
		c->ring_va = map_gpadl(g);
		if (!c->ring_va) {
			status = 0xc0000017;	/* STATUS_NO_MEMORY */
		} else {
			out_pages = o->downstream_ring_page_offset;
			ring_attach(&c->guest_out, c->ring_va, out_pages * HVLIS_HV_PAGE_SIZE);
			ring_attach(&c->guest_in, (u8 *)c->ring_va + out_pages * HVLIS_HV_PAGE_SIZE,
				    (g->npfns - out_pages) * HVLIS_HV_PAGE_SIZE);
			g->in_use = true;
			c->ring_gpadl = g;
			c->target_vp = o->target_vp;
			c->open = true;
			atomic_inc(&sim.opens);
		}
	}
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_OPENCHANNEL_RESULT;
	r.child_relid = o->child_relid;
	r.open_id = o->open_id;
	r.status = status;
	queue_to_guest(&r, sizeof(r));
}

static void on_close(const u8 *msg)
{
	const struct hvlis_msg_close_channel *m = (const void *)msg;
	struct sim_chan *c = chan_by_relid(m->child_relid);

	if (!c || !c->open) {
		atomic_inc(&sim.bad_msgs);
		pr_err("CLOSECHANNEL of relid %u, which is not open\n", m->child_relid);
		return;
	}
	c->open = false;
	unmap_ring(c);
	atomic_inc(&sim.closes);
}

static void on_relid_released(const u8 *msg)
{
	const struct hvlis_msg_relid_released *m = (const void *)msg;
	struct sim_chan *c = chan_by_relid(m->child_relid);

	struct sim_gpadl *g, *tmp;

	if (!c || !c->rescinded) {
		atomic_inc(&sim.bad_msgs);
		pr_err("RELID_RELEASED for relid %u, which was not rescinded\n", m->child_relid);
		return;
	}
	/* The relid is gone, and with it the GPADLs the guest made for it. */
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		if (g->relid == m->child_relid)
			gpadl_free(g);
	memset(c, 0, sizeof(*c));
	atomic_inc(&sim.relids_released);
}

static bool version_known(u32 v)
{
	unsigned int i;

	for (i = 0; hvlis_vmbus_version_at(i); i++)
		if (hvlis_vmbus_version_at(i) == v)
			return true;
	return false;
}

static void on_initiate_contact(const u8 *msg, u32 conn_id)
{
	const struct hvlis_msg_initiate_contact *ic = (const void *)msg;
	struct hvlis_msg_version_response r;
	u32 v = ic->vmbus_version_requested;
	u32 want_conn = v >= HVLIS_VMBUS_WIN10_V5 ? HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4 :
			HVLIS_VMBUS_MESSAGE_CONNECTION_ID;

	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_VERSION_RESPONSE;
	if (v <= host_version && version_known(v) && conn_id == want_conn && !sim.connected) {
		sim.monitor_page[0] = gpa_to_va(ic->monitor_page1);
		sim.monitor_page[1] = gpa_to_va(ic->monitor_page2);
		sim.int_page = v < HVLIS_VMBUS_WIN10_V5 ? gpa_to_va(ic->interrupt_page_or_sint) : NULL;
		if (!sim.monitor_page[0] || !sim.monitor_page[1] ||
		    (v < HVLIS_VMBUS_WIN10_V5 && !sim.int_page)) {
			pr_err("INITIATE_CONTACT with unusable page addresses\n");
		} else {
			sim.connected = true;
			sim.version = v;
			sim.msg_vp = ic->target_vcpu;
			sim.msg_conn_id = want_conn;
			r.version_supported = 1;
			r.msg_conn_id = want_conn;
			pr_info("guest connected with VMBus %u.%u\n", v >> 16, v & 0xffff);
		}
	}
	queue_to_guest(&r, sizeof(r));
}

static void on_request_offers(void)
{
	struct hvlis_chanmsg_header done;
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !sim.chans[i].offered && !sim.chans[i].rescinded)
			send_offer(&sim.chans[i]);
	memset(&done, 0, sizeof(done));
	done.msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED;
	queue_to_guest(&done, sizeof(done));
}

static void on_unload(void)
{
	struct hvlis_chanmsg_header r;
	struct sim_gpadl *g, *tmp;
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (!c->used)
			continue;
		c->open = false;
		unmap_ring(c);
		if (c->rescinded) {
			memset(c, 0, sizeof(*c));	/* the guest is gone: relid free */
			continue;
		}
		c->offered = false;	/* offered again to the next guest */
	}
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		gpadl_free(g);
	sim.connected = false;
	sim.version = 0;
	atomic_inc(&sim.unloads);
	memset(&r, 0, sizeof(r));
	r.msgtype = HVLIS_CHANMSG_UNLOAD_RESPONSE;
	queue_to_guest(&r, sizeof(r));
}

static void handle_guest_msg(const u8 *msg, u32 len, u32 conn_id)
{
	const struct hvlis_chanmsg_header *h = (const void *)msg;
	static const u16 min_len[HVLIS_CHANMSG_COUNT] = {
		[HVLIS_CHANMSG_REQUESTOFFERS] = sizeof(struct hvlis_chanmsg_header),
		[HVLIS_CHANMSG_OPENCHANNEL] = sizeof(struct hvlis_msg_open_channel),
		[HVLIS_CHANMSG_CLOSECHANNEL] = sizeof(struct hvlis_msg_close_channel),
		[HVLIS_CHANMSG_GPADL_HEADER] = sizeof(struct hvlis_msg_gpadl_header),
		[HVLIS_CHANMSG_GPADL_BODY] = sizeof(struct hvlis_msg_gpadl_body),
		[HVLIS_CHANMSG_GPADL_TEARDOWN] = sizeof(struct hvlis_msg_gpadl_teardown),
		[HVLIS_CHANMSG_RELID_RELEASED] = sizeof(struct hvlis_msg_relid_released),
		[HVLIS_CHANMSG_INITIATE_CONTACT] = sizeof(struct hvlis_msg_initiate_contact),
		[HVLIS_CHANMSG_UNLOAD] = sizeof(struct hvlis_chanmsg_header),
	};

	if (len < sizeof(*h) || h->msgtype >= HVLIS_CHANMSG_COUNT ||
	    !min_len[h->msgtype] || len < min_len[h->msgtype]) {
		atomic_inc(&sim.bad_msgs);
		pr_err("guest sent a bad message: type %u, %u bytes\n",
		       len >= 4 ? h->msgtype : 0, len);
		return;
	}
	if (h->msgtype != HVLIS_CHANMSG_INITIATE_CONTACT &&
	    (!sim.connected || conn_id != sim.msg_conn_id)) {
		atomic_inc(&sim.bad_msgs);
		pr_err("guest sent type %u before connecting or on connection %u\n",
		       h->msgtype, conn_id);
		return;
	}
	switch (h->msgtype) {
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		on_initiate_contact(msg, conn_id);
		break;
	case HVLIS_CHANMSG_REQUESTOFFERS:
		on_request_offers();
		break;
	case HVLIS_CHANMSG_GPADL_HEADER:
		on_gpadl_header(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_BODY:
		on_gpadl_body(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
		on_gpadl_teardown(msg);
		break;
	case HVLIS_CHANMSG_OPENCHANNEL:
		on_open(msg);
		break;
	case HVLIS_CHANMSG_CLOSECHANNEL:
		on_close(msg);
		break;
	case HVLIS_CHANMSG_RELID_RELEASED:
		on_relid_released(msg);
		break;
	case HVLIS_CHANMSG_UNLOAD:
		on_unload();
		break;
	}
}

static void host_fn(struct work_struct *work)
{
	struct sim_msg *m;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&sim.q_lock, flags);
		m = list_first_entry_or_null(&sim.to_host, struct sim_msg, node);
		if (m)
			list_del(&m->node);
		spin_unlock_irqrestore(&sim.q_lock, flags);
		if (!m)
			return;
		mutex_lock(&sim.lock);
		handle_guest_msg(m->data, m->len, m->conn_id);
		mutex_unlock(&sim.lock);
		kfree(m);
	}
}

/* ------------------------------------------------------ the transport */

static int sim_init(void (*isr)(void))
{
	unsigned int n = nr_cpu_ids;

	sim.msg_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	sim.event_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	if (!sim.msg_page || !sim.event_page) {
		kfree(sim.msg_page);
		kfree(sim.event_page);
		sim.msg_page = sim.event_page = NULL;
		return -ENOMEM;
	}
	sim.isr = isr;
	return 0;
}

static void sim_exit(void)
{
	unsigned long flags;
	struct sim_msg *m, *tmp;

	sim.isr = NULL;
	cancel_delayed_work_sync(&sim.deliver_work);
	flush_workqueue(sim.wq);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_for_each_entry_safe(m, tmp, &sim.to_guest, node) {
		list_del(&m->node);
		kfree(m);
	}
	spin_unlock_irqrestore(&sim.q_lock, flags);
	kfree(sim.msg_page);
	kfree(sim.event_page);
	sim.msg_page = sim.event_page = NULL;
}

static void sim_synic_enable(unsigned int cpu, void *msg_page, void *event_page)
{
	sim.msg_page[cpu] = msg_page;
	sim.event_page[cpu] = event_page;
}

static void sim_synic_disable(unsigned int cpu)
{
	sim.msg_page[cpu] = NULL;
	sim.event_page[cpu] = NULL;
}

static u32 sim_vp_index(unsigned int cpu)
{
	return cpu;
}

static u16 sim_post_message(u32 conn_id, const void *payload, u32 len)
{
	struct sim_msg *m;
	unsigned long flags;

	if (len > HVLIS_MESSAGE_PAYLOAD_BYTES)
		return HVLIS_HV_STATUS_INVALID_PARAMETER;
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return HVLIS_HV_STATUS_INSUFFICIENT_MEMORY;
	m->len = len;
	m->conn_id = conn_id;
	memcpy(m->data, payload, len);
	atomic_inc(&sim.msgs_from_guest);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_host);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	queue_work(sim.wq, &sim.host_work);
	return HVLIS_HV_STATUS_SUCCESS;
}

static u16 sim_signal_event(u32 conn_id, u16 flag)
{
	unsigned long *send_half;
	unsigned int i;

	if (conn_id == HVLIS_VMBUS_EVENT_CONNECTION_ID && sim.version == HVLIS_VMBUS_WS2008) {
		/* WS2008: one shared event; the relid bits say which channels. */
		if (!sim.int_page)
			return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
		send_half = (unsigned long *)((u8 *)sim.int_page + HVLIS_HV_PAGE_SIZE / 2);
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *c = &sim.chans[i];

			if (c->used && test_and_clear_bit(c->relid, send_half)) {
				c->signals_in++;
				queue_work(sim.wq, &c->work);
			}
		}
		return HVLIS_HV_STATUS_SUCCESS;
	}
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (c->used && c->conn_id == conn_id) {
			c->signals_in++;
			queue_work(sim.wq, &c->work);
			return HVLIS_HV_STATUS_SUCCESS;
		}
	}
	return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
}

static void sim_eom(void)
{
	atomic_inc(&sim.eoms);
	mod_delayed_work(system_wq, &sim.deliver_work, 0);
}

const struct hvlis_transport hvsim_transport = {
	.name = "hvsim",
	.init = sim_init,
	.exit = sim_exit,
	.synic_enable = sim_synic_enable,
	.synic_disable = sim_synic_disable,
	.vp_index = sim_vp_index,
	.post_message = sim_post_message,
	.signal_event = sim_signal_event,
	.eom = sim_eom,
	.owner = THIS_MODULE,
};
EXPORT_SYMBOL_GPL(hvsim_transport);

/* ------------------------------------------------------------- control */

int hvsim_add_device(enum sim_kind kind, const struct hvlis_guid *type,
		     const struct hvlis_guid *instance, u16 sub_index)
{
	unsigned int i;
	struct sim_chan *c = NULL;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		if (!sim.chans[i].used) {
			c = &sim.chans[i];
			break;
		}
	}
	if (!c) {
		mutex_unlock(&sim.lock);
		return -ENOSPC;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->relid = i + 1;
	c->conn_id = SIM_CONN_BASE + c->relid;
	c->kind = kind;
	c->type = *type;
	c->instance = *instance;
	c->sub_index = sub_index;
	INIT_WORK(&c->work, chan_work_fn);
	if (sim.connected)
		send_offer(c);	/* hot add */
	i = c->relid;
	mutex_unlock(&sim.lock);
	return i;
}

/* A device goes away: its sub-channels first, then the primary. */
static void rescind_with_subchannels(struct sim_chan *c)
{
	unsigned int i;

	if (!c->sub_index) {
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *s = &sim.chans[i];

			if (s->used && s != c && s->sub_index && !s->rescinded && s->offered &&
			    !memcmp(&s->instance, &c->instance, sizeof(s->instance)) &&
			    !memcmp(&s->type, &c->type, sizeof(s->type)))
				send_rescind(s);
		}
	}
	send_rescind(c);
}

int hvsim_rescind(u32 relid)
{
	struct sim_chan *c;
	int ret = 0;

	mutex_lock(&sim.lock);
	c = chan_by_relid(relid);
	if (!c || c->rescinded)
		ret = -ENOENT;
	else if (!sim.connected || !c->offered)
		memset(c, 0, sizeof(*c));	/* never offered: just forget */
	else
		rescind_with_subchannels(c);
	mutex_unlock(&sim.lock);
	return ret;
}

int hvsim_add_subchannels(u32 relid, unsigned int count)
{
	struct sim_chan *p;
	struct hvlis_guid type, instance;
	enum sim_kind kind;
	unsigned int i, next = 1;
	int ret = 0;

	mutex_lock(&sim.lock);
	p = chan_by_relid(relid);
	if (!p || p->sub_index) {
		mutex_unlock(&sim.lock);
		return -ENOENT;
	}
	type = p->type;
	instance = p->instance;
	kind = p->kind;
	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !memcmp(&sim.chans[i].instance, &instance, 16) &&
		    sim.chans[i].sub_index >= next)
			next = sim.chans[i].sub_index + 1;
	mutex_unlock(&sim.lock);
	for (i = 0; i < count && ret >= 0; i++)
		ret = hvsim_add_device(kind, &type, &instance, next + i);
	return ret < 0 ? ret : 0;
}

void hvsim_show_devices(struct seq_file *s)
{
	unsigned int i;
	char t[37], in[37];

	mutex_lock(&sim.lock);
	seq_puts(s, "relid sub kind class instance offered open rescinded packets signals_in signals_out bad waits\n");
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (!c->used)
			continue;
		hvlis_guid_to_string(&c->type, t);
		hvlis_guid_to_string(&c->instance, in);
		seq_printf(s, "%u %u %s %s %s %d %d %d %llu %llu %llu %llu %llu\n", c->relid,
			   c->sub_index, hvsim_kind_name(c->kind), t, in, c->offered, c->open,
			   c->rescinded, c->packets, c->signals_in, c->signals_out, c->bad,
			   c->waits);
	}
	mutex_unlock(&sim.lock);
}

void hvsim_show_stats(struct seq_file *s)
{
	unsigned int i, nchan = 0, nopen = 0, ngpadl = 0;
	struct sim_gpadl *g;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		nchan += sim.chans[i].used;
		nopen += sim.chans[i].used && sim.chans[i].open;
	}
	list_for_each_entry(g, &sim.gpadls, node)
		ngpadl++;
	seq_printf(s, "connected %d\nversion %u.%u\nhost_version %u.%u\n", sim.connected,
		   sim.version >> 16, sim.version & 0xffff, host_version >> 16, host_version & 0xffff);
	seq_printf(s, "channels %u\nchannels_open %u\ngpadls_live %u\n", nchan, nopen, ngpadl);
	mutex_unlock(&sim.lock);
	seq_printf(s, "msgs_from_guest %d\nmsgs_to_guest %d\nbad_msgs %d\neoms %d\n",
		   atomic_read(&sim.msgs_from_guest), atomic_read(&sim.msgs_to_guest),
		   atomic_read(&sim.bad_msgs), atomic_read(&sim.eoms));
	seq_printf(s, "gpadls_created %d\ngpadls_torn %d\nopens %d\ncloses %d\n",
		   atomic_read(&sim.gpadls_created), atomic_read(&sim.gpadls_torn),
		   atomic_read(&sim.opens), atomic_read(&sim.closes));
	seq_printf(s, "relids_released %d\nunloads %d\n", atomic_read(&sim.relids_released),
		   atomic_read(&sim.unloads));
}

unsigned int *hvsim_host_version(void)
{
	return &host_version;
}

static int __init hvsim_init(void)
{
	spin_lock_init(&sim.q_lock);
	INIT_LIST_HEAD(&sim.to_host);
	INIT_LIST_HEAD(&sim.to_guest);
	INIT_LIST_HEAD(&sim.gpadls);
	mutex_init(&sim.lock);
	INIT_WORK(&sim.host_work, host_fn);
	INIT_DELAYED_WORK(&sim.deliver_work, deliver_fn);
	sim.wq = alloc_ordered_workqueue("hvsim_host", 0);
	if (!sim.wq)
		return -ENOMEM;
	hvsim_debugfs_init();
	pr_info("simulated Hyper-V host ready (accepts VMBus up to %u.%u)\n",
		host_version >> 16, host_version & 0xffff);
	return 0;
}

static void __exit hvsim_exit(void)
{
	unsigned int i;
	struct sim_gpadl *g, *tmp;

	hvsim_debugfs_exit();
	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used)
			cancel_work_sync(&sim.chans[i].work);
	destroy_workqueue(sim.wq);
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		gpadl_free(g);
	for (i = 0; i < SIM_MAX_CHANS; i++)
		unmap_ring(&sim.chans[i]);
}

module_init(hvsim_init);
module_exit(hvsim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis test: simulated Hyper-V host (never for production)");
