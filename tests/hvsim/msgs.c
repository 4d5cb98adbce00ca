// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: VMBus messages. Host to guest: the queue and its delivery into
 * the guest's SynIC message slot (with the EOM protocol), offers and
 * rescinds. Guest to host: the dispatch of each channel message the guest
 * posts (INITIATE_CONTACT, REQUESTOFFERS, OPENCHANNEL, CLOSECHANNEL,
 * MODIFYCHANNEL, RELID_RELEASED, UNLOAD; GPADL messages go to gpadl.c).
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

/* ------------------------------------------------- host -> guest messages */

/*
 * Deliver messages soon, from a CPU other than the guest's message CPU when
 * there is one: a real IPI, and delivery goes on while that CPU has its
 * interrupts off (the guest's crash path polls for messages so).
 */
void sim_deliver_soon(unsigned long delay)
{
	unsigned int cpu = sim_vp_to_cpu(sim.msg_vp), other;

	other = cpumask_any_but(cpu_online_mask, cpu);
	mod_delayed_work_on(other < nr_cpu_ids ? other : cpu, system_wq, &sim.deliver_work,
			    delay);
}

/* Queue a message of 'len' bytes whose SynIC header states 'claim' bytes. */
void sim_queue_msg(const void *msg, u32 len, u32 claim)
{
	struct sim_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned long flags;

	if (!m)
		return;
	m->len = len;
	m->claim = claim;
	m->hurry = atomic_xchg(&sim.hurry_next, 0);
	memcpy(m->data, msg, len);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	sim_deliver_soon(0);
}

void sim_queue_to_guest(const void *msg, u32 len)
{
	sim_queue_msg(msg, len, len);
}

/*
 * Put a message into the free slot; called with sim.q_lock held. Returns
 * true if a hurrying message follows it (fault rescind-after-gpadl).
 */
bool sim_put_in_slot(struct hvlis_hv_message *slot, struct sim_msg *m, u8 msg_flags)
{
	struct sim_msg *next = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
	bool hurry = next && next->hurry;

	/* Fault rescind-after-gpadl: the EOM for this one brings the next. */
	if (hurry)
		msg_flags |= HVLIS_MSG_FLAG_PENDING;
	memcpy(slot->payload, m->data, m->len);
	slot->header.payload_size = m->claim;
	slot->header.message_flags = msg_flags;
	slot->header.sender = 0;
	/* The message must be complete before its type says it is there. */
	wmb();
	WRITE_ONCE(slot->header.message_type, SIM_MSG_TYPE_VMBUS);
	if (m->len >= 4 && *(u32 *)m->data == HVLIS_CHANMSG_UNLOAD_RESPONSE)
		atomic_inc(&sim.unload_responses);
	atomic_inc(&sim.msgs_to_guest);
	return hurry;
}

/*
 * Fault rescind-after-gpadl, on the CPU that delivered the answer: keep it
 * (no preemption) until the guest has taken the rescind from the slot and a
 * little longer, so a thread the answer woke runs only after the guest's
 * message CPU handled the rescind.
 */
static void hold_cpu_for_rescind(struct hvlis_hv_message *slot)
{
	unsigned int us;

	preempt_disable();
	for (us = 0; us < 200000; us++) {
		if (atomic_read(&sim.hurry_done) &&
		    READ_ONCE(slot->header.message_type) == HVLIS_HVMSG_NONE)
			break;
		udelay(1);
	}
	mdelay(5);
	preempt_enable();
}

void sim_deliver_fn(struct work_struct *work)
{
	unsigned int cpu = sim_vp_to_cpu(sim.msg_vp);
	struct hvlis_hv_message_page *page;
	struct hvlis_hv_message *slot;
	struct sim_msg *m;
	unsigned long flags;
	bool hurry;
	u8 msg_flags;

	for (;;) {
		page = sim.msg_page ? sim.msg_page[cpu] : NULL;
		if (!page)
			return;
		slot = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
		spin_lock_irqsave(&sim.q_lock, flags);
		m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
		if (!m || atomic_read(&sim.hold)) {
			spin_unlock_irqrestore(&sim.q_lock, flags);
			return;
		}
		if (READ_ONCE(slot->header.message_type) != HVLIS_HVMSG_NONE) {
			/* Slot busy: ask for an EOM. */
			slot->header.message_flags |= HVLIS_MSG_FLAG_PENDING;
			/* The flag, then a second look: the guest frees, then looks. */
			mb();
			if (READ_ONCE(slot->header.message_type) == HVLIS_HVMSG_NONE) {
				/* Freed before the guest could see the flag. */
				spin_unlock_irqrestore(&sim.q_lock, flags);
				continue;
			}
			spin_unlock_irqrestore(&sim.q_lock, flags);
			/* Look again soon anyway, unless a fault wants the EOM alone. */
			if (!atomic_read(&sim.eom_wait) && !m->hurry)
				sim_deliver_soon(1);
			return;
		}
		list_del(&m->node);

		/* Fault no-eom: "more are queued", as if the guest had to wait. */
		msg_flags = 0;
		if (atomic_add_unless(&sim.no_eom_left, -1, 0)) {
			msg_flags = HVLIS_MSG_FLAG_PENDING;
			atomic_set(&sim.eom_wait, 1);
			atomic_inc(&sim.faults[HVSIM_FAULT_NO_EOM]);
		}
		hurry = sim_put_in_slot(slot, m, msg_flags);
		spin_unlock_irqrestore(&sim.q_lock, flags);
		kfree(m);
		sim_raise_irq(cpu);
		if (hurry && raw_smp_processor_id() != cpu)
			hold_cpu_for_rescind(slot);
	}
}

/*
 * A monitored channel's entries in both monitor pages, as the host keeps
 * them: its connection id in the parameter slot and a scan latency, which
 * the guest shows as {server,client}_monitor_{conn_id,latency}. The
 * latencies differ per page (0x100 | id host, 0x200 | id guest) so a test
 * can tell the pages apart.
 */
static void monitor_params_set(struct sim_chan *c)
{
	unsigned int p, grp = c->monitor_id / 32, bit = c->monitor_id % 32;
	struct hvlis_hv_monitor_page *mp;

	for (p = 0; p < 2; p++) {
		mp = sim.monitor_page[p];
		if (!mp)
			continue;
		WRITE_ONCE(mp->parameter[grp][bit].connection_id, c->conn_id);
		WRITE_ONCE(mp->latency[grp][bit], (u16)((p ? 0x200 : 0x100) | c->monitor_id));
	}
}

void sim_send_offer(struct sim_chan *c)
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
	if (c->monitored) {
		m.monitor_id = c->monitor_id;
		m.monitor_flags = HVLIS_OFFER_MONITOR_ALLOCATED;
		monitor_params_set(c);
	}
	if (c->ops->offer)
		c->ops->offer(c->priv, c->relid, c->sub_index, &m.offer);
	c->offered = true;
	sim_queue_to_guest(&m, sizeof(m));
}

/* The rings go: under the channel's ring_lock (and sim.lock but at unload). */
void sim_unmap_ring(struct sim_chan *c)
{
	lockdep_assert_held(&c->ring_lock);
	if (c->ring_va)
		vunmap(c->ring_va);
	c->ring_va = NULL;
	if (c->ring_gpadl)
		c->ring_gpadl->in_use = false;
	c->ring_gpadl = NULL;
}

void sim_send_rescind(struct sim_chan *c)
{
	struct hvlis_msg_rescind_offer m;

	/* The data path stops before the rings go (see struct sim_chan). */
	mutex_lock(&c->ring_lock);
	c->rescinded = true;
	c->open = false;
	sim_unmap_ring(c);
	mutex_unlock(&c->ring_lock);
	/* Outside ring_lock: a kind takes its own lock before it. */
	if (c->ops->closed)
		c->ops->closed(c->priv, c->relid, c->sub_index, true);
	memset(&m, 0, sizeof(m));
	m.header.msgtype = HVLIS_CHANMSG_RESCIND_CHANNELOFFER;
	m.child_relid = c->relid;
	sim_queue_to_guest(&m, sizeof(m));
}

/*
 * Fault early-packet: data for the guest on a channel just opened, signalled
 * before the open's answer goes out (events overtake messages). Under the
 * channel's ring_lock.
 */
static void early_packet(struct sim_chan *c)
{
	struct {
		struct hvlis_packet_desc d;
		u8 payload[16];
	} __packed pkt;
	bool sig;

	memset(&pkt, 0, sizeof(pkt));
	pkt.d.type = HVLIS_PKT_DATA_INBAND;
	pkt.d.offset8 = sizeof(pkt.d) / 8;
	pkt.d.len8 = sizeof(pkt) / 8;
	pkt.d.trans_id = 0xea51;
	if (sim_ring_give(&c->guest_in, &pkt, sizeof(pkt), &sig))
		return;
	sim_signal_guest(c);
	msleep(20);
}

static void on_open(const u8 *msg)
{
	const struct hvlis_msg_open_channel *o = (const void *)msg;
	struct hvlis_msg_open_result r;
	struct sim_chan *c = sim_chan_by_relid(o->child_relid);
	struct sim_gpadl *g = sim_gpadl_find(o->ring_gpadl);
	u32 status = 0, out_pages;

	if (c && c->mute) {
		/* fault rescind-after-gpadl: never answered */
		atomic_inc(&sim.requests_after_rescind);
		pr_warn("OPENCHANNEL of relid %u after its rescind\n", c->relid);
		return;
	}
	if (c && !c->open && !c->rescinded) {
		if (hvsim_armed_take(HVSIM_FAULT_OPEN_HANG, c->relid, NULL))
			return;
		if (hvsim_armed_take(HVSIM_FAULT_RESCIND_DURING_OPEN, c->relid, NULL)) {
			sim_rescind_with_subchannels(c);
			return;
		}
		if (hvsim_armed_take(HVSIM_FAULT_OPEN_FAIL, c->relid, &status))
			goto answer;
	}
	if (!c || c->open || c->rescinded || !g || !g->created || g->in_use ||
	    o->downstream_ring_page_offset < 2 ||
	    o->downstream_ring_page_offset + 2 > g->npfns) {
		status = 0xc0000001;	/* STATUS_UNSUCCESSFUL */
	} else {
		mutex_lock(&c->ring_lock);
		c->ring_va = hvsim_map_pfns(g->pfns, g->npfns);
		if (!c->ring_va) {
			status = 0xc0000017;	/* STATUS_NO_MEMORY */
		} else {
			out_pages = o->downstream_ring_page_offset;
			sim_ring_attach(&c->guest_out, c->ring_va, out_pages * HVLIS_HV_PAGE_SIZE);
			sim_ring_attach(&c->guest_in,
					(u8 *)c->ring_va + out_pages * HVLIS_HV_PAGE_SIZE,
					(g->npfns - out_pages) * HVLIS_HV_PAGE_SIZE);
			g->in_use = true;
			c->ring_gpadl = g;
			c->target_vp = o->target_vp;
			c->open = true;
			c->gen++;
			atomic_inc(&sim.opens);
			if (c->monitored)
				mod_delayed_work(system_wq, &sim.monitor_work, 0);
			if (hvsim_armed_take(HVSIM_FAULT_EARLY_PACKET, c->relid, NULL))
				early_packet(c);
		}
		mutex_unlock(&c->ring_lock);
	}
answer:
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_OPENCHANNEL_RESULT;
	r.child_relid = o->child_relid;
	r.open_id = o->open_id;
	r.status = status;
	sim_queue_to_guest(&r, sizeof(r));
	/* The kind hears of the open once the guest's answer is queued (IC speaks first). */
	if (!status && c && c->ops->opened)
		c->ops->opened(c->priv, c->relid, c->sub_index);
}

static void on_close(const u8 *msg)
{
	const struct hvlis_msg_close_channel *m = (const void *)msg;
	struct sim_chan *c = sim_chan_by_relid(m->child_relid);

	if (!c || !c->open) {
		atomic_inc(&sim.bad_msgs);
		pr_err("CLOSECHANNEL of relid %u, which is not open\n", m->child_relid);
		return;
	}
	mutex_lock(&c->ring_lock);
	c->open = false;
	sim_unmap_ring(c);
	mutex_unlock(&c->ring_lock);
	atomic_inc(&sim.closes);
	if (c->ops->closed)
		c->ops->closed(c->priv, c->relid, c->sub_index, false);
}

/*
 * MODIFYCHANNEL (VMBus 4.1+): interrupt an open channel on another VP from
 * now on. A 5.3+ host answers with MODIFYCHANNEL_RESPONSE; an older one
 * moves the channel without a word. Before 4.1 the message does not exist.
 */
static void on_modify_channel(const u8 *msg)
{
	const struct hvlis_msg_modify_channel *m = (const void *)msg;
	struct hvlis_msg_modify_channel_response r;
	struct sim_chan *c = sim_chan_by_relid(m->child_relid);
	u32 status = 0;

	if (sim.version < HVLIS_VMBUS_WIN10_V4_1) {
		atomic_inc(&sim.bad_msgs);
		pr_err("MODIFYCHANNEL of relid %u on VMBus %u.%u, which has none\n",
		       m->child_relid, sim.version >> 16, sim.version & 0xffff);
		return;
	}
	if (!c || !c->open || c->rescinded) {
		status = SIM_STATUS_UNSUCCESSFUL;
		pr_warn("MODIFYCHANNEL of relid %u, which is not open\n", m->child_relid);
	} else if (m->target_vp >= nr_cpu_ids || !cpu_online(m->target_vp)) {
		status = SIM_STATUS_UNSUCCESSFUL;
		pr_warn("MODIFYCHANNEL of relid %u to VP %u, which does not exist\n",
			m->child_relid, m->target_vp);
	} else if (!hvsim_armed_take(HVSIM_FAULT_MODIFY_FAIL, c->relid, &status)) {
		pr_info("relid %u: interrupts now go to VP %u (were VP %u)\n", c->relid,
			m->target_vp, c->target_vp);
		mutex_lock(&c->ring_lock);
		c->target_vp = m->target_vp;
		mutex_unlock(&c->ring_lock);
		c->moves++;
		atomic_inc(&sim.modifies);
	}
	if (status)
		atomic_inc(&sim.modifies_refused);
	if (sim.version < HVLIS_VMBUS_WIN10_V5_3)
		return;
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE;
	r.child_relid = m->child_relid;
	r.status = status;
	sim_queue_to_guest(&r, sizeof(r));
}

static void on_relid_released(const u8 *msg)
{
	const struct hvlis_msg_relid_released *m = (const void *)msg;
	struct sim_chan *c = sim_chan_by_relid(m->child_relid);

	struct sim_gpadl *g, *tmp;

	if (!c || !c->rescinded) {
		atomic_inc(&sim.bad_msgs);
		pr_err("RELID_RELEASED for relid %u, which was not rescinded\n", m->child_relid);
		return;
	}
	/* The relid is gone, and with it the GPADLs the guest made for it. */
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		if (g->relid == m->child_relid)
			sim_gpadl_free(g);
	sim_chan_forget(c);
	atomic_inc(&sim.relids_released);
}

/* The channel leaves the host's list (under sim.lock). */
void sim_chan_forget(struct sim_chan *c)
{
	if (c->ops && c->ops->released)
		c->ops->released(c->priv, c->relid, c->sub_index);
	mutex_lock(&c->ring_lock);
	sim_chan_clear(c);
	mutex_unlock(&c->ring_lock);
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
	if (v <= *hvsim_host_version() && version_known(v) && conn_id == want_conn &&
	    !sim.connected) {
		sim.monitor_page[0] = sim_gpa_to_va(ic->monitor_page1);
		sim.monitor_page[1] = sim_gpa_to_va(ic->monitor_page2);
		sim.int_page = v < HVLIS_VMBUS_WIN10_V5 ?
			       sim_gpa_to_va(ic->interrupt_page_or_sint) : NULL;
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
	sim_queue_to_guest(&r, sizeof(r));
}

static void on_request_offers(void)
{
	struct hvlis_chanmsg_header done;
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !sim.chans[i].offered && !sim.chans[i].rescinded)
			sim_send_offer(&sim.chans[i]);
	memset(&done, 0, sizeof(done));
	done.msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED;
	sim_queue_to_guest(&done, sizeof(done));
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
		if (c->ops->closed && (c->open || c->offered))
			c->ops->closed(c->priv, c->relid, c->sub_index, true);
		mutex_lock(&c->ring_lock);
		c->open = false;
		sim_unmap_ring(c);
		mutex_unlock(&c->ring_lock);
		/* Sub-channels the guest asked for exist per guest: it asks again. */
		if (c->rescinded || (!c->ops->keep_subchannels && c->sub_index)) {
			sim_chan_forget(c);	/* the guest is gone: relid free */
			continue;
		}
		c->offered = false;	/* offered again to the next guest */
	}
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		sim_gpadl_free(g);
	sim.connected = false;
	sim.version = 0;
	/* A no-eom fault ends with its guest (armed ones stay, per relid). */
	atomic_set(&sim.no_eom_left, 0);
	atomic_set(&sim.eom_wait, 0);
	atomic_inc(&sim.unloads);
	sim_unload_fault();
	memset(&r, 0, sizeof(r));
	r.msgtype = HVLIS_CHANMSG_UNLOAD_RESPONSE;
	sim_queue_to_guest(&r, sizeof(r));
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
		[HVLIS_CHANMSG_MODIFYCHANNEL] = sizeof(struct hvlis_msg_modify_channel),
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
		sim_on_gpadl_header(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_BODY:
		sim_on_gpadl_body(msg, len);
		break;
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
		sim_on_gpadl_teardown(msg);
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
	case HVLIS_CHANMSG_MODIFYCHANNEL:
		on_modify_channel(msg);
		break;
	}
}

void sim_host_fn(struct work_struct *work)
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
