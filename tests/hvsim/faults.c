// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: faults a broken or hostile host commits on command (the "fault"
 * command of the ctl file, listed in control.c): armed ones that fire when
 * the guest next does something, malformed and unsolicited messages,
 * impossible offers, corrupt rings, interrupt storms, late answers; and the
 * guest's crash path run on command.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

/**
 * hvsim_armed_take() - an armed fault for this relid: consume one firing
 * @kind: the fault
 * @relid: the channel it was armed for
 * @arg: receives its argument (may be NULL)
 *
 * Called with the host's lock held (a kind's packet_locked operation may).
 *
 * Return: true if it fires now.
 */
bool hvsim_armed_take(enum hvsim_fault kind, u32 relid, u32 *arg)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_ARMED; i++) {
		struct sim_armed *a = &sim.armed[i];

		if (!a->left || a->kind != kind || a->relid != relid)
			continue;
		a->left--;
		if (arg)
			*arg = a->arg;
		atomic_inc(&sim.faults[kind]);
		pr_info("fault %s fires on relid %u\n", hvsim_fault_name(kind), relid);
		return true;
	}
	return false;
}

/**
 * hvsim_parse_fault() - parse a device kind's "fault NAME [count=N]" command
 * @names: the kind's fault names
 * @n: how many there are
 * @args: "NAME [count=N]" (split in place); NULL is refused
 * @count: where the count goes (1 unless count=N, N > 0, says otherwise)
 *
 * Return: the index of NAME in @names, or -EINVAL (an unknown name is logged).
 */
int hvsim_parse_fault(const char *const *names, unsigned int n, char *args,
		      unsigned int *count)
{
	char *name = args ? strsep(&args, " ") : NULL, *tok;
	unsigned int i;

	*count = 1;
	while (args && (tok = strsep(&args, " ")) != NULL) {
		if (!*tok)
			continue;
		if (strncmp(tok, "count=", 6) || kstrtouint(tok + 6, 0, count) || !*count)
			return -EINVAL;
	}
	for (i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	pr_err("unknown fault '%s'\n", name ? name : "");
	return -EINVAL;
}

/* -------------------------------------------------------- fault injection */

/* Payload length of a channel message type; 0 for numbers VMBus does not use. */
static u32 chanmsg_size(u32 type)
{
	switch (type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		return sizeof(struct hvlis_msg_offer_channel);
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
		return sizeof(struct hvlis_msg_rescind_offer);
	case HVLIS_CHANMSG_REQUESTOFFERS:
	case HVLIS_CHANMSG_ALLOFFERS_DELIVERED:
	case HVLIS_CHANMSG_UNLOAD:
	case HVLIS_CHANMSG_UNLOAD_RESPONSE:
		return sizeof(struct hvlis_chanmsg_header);
	case HVLIS_CHANMSG_OPENCHANNEL:
		return sizeof(struct hvlis_msg_open_channel);
	case HVLIS_CHANMSG_OPENCHANNEL_RESULT:
		return sizeof(struct hvlis_msg_open_result);
	case HVLIS_CHANMSG_CLOSECHANNEL:
		return sizeof(struct hvlis_msg_close_channel);
	case HVLIS_CHANMSG_GPADL_HEADER:
		return sizeof(struct hvlis_msg_gpadl_header);
	case HVLIS_CHANMSG_GPADL_BODY:
		return sizeof(struct hvlis_msg_gpadl_body);
	case HVLIS_CHANMSG_GPADL_CREATED:
		return sizeof(struct hvlis_msg_gpadl_created);
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
		return sizeof(struct hvlis_msg_gpadl_teardown);
	case HVLIS_CHANMSG_GPADL_TORNDOWN:
		return sizeof(struct hvlis_msg_gpadl_torndown);
	case HVLIS_CHANMSG_RELID_RELEASED:
		return sizeof(struct hvlis_msg_relid_released);
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		return sizeof(struct hvlis_msg_initiate_contact);
	case HVLIS_CHANMSG_VERSION_RESPONSE:
		return sizeof(struct hvlis_msg_version_response);
	case HVLIS_CHANMSG_TL_CONNECT_REQUEST:
		return sizeof(struct hvlis_msg_tl_connect_request);
	case HVLIS_CHANMSG_MODIFYCHANNEL:
		return sizeof(struct hvlis_msg_modify_channel);
	case HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		return sizeof(struct hvlis_msg_modify_channel_response);
	default:
		return 0;
	}
}

/* A relid and an instance for an offer no host channel backs. */
static u32 fake_relid(struct hvlis_guid *instance)
{
	static const struct hvlis_guid base = HVLIS_GUID(0, 0xfa17, 0x4000,
		0x80, 0x00, 0x68, 0x76, 0x73, 0x69, 0x6d, 0xfa);
	u32 n = sim.next_fake++;

	*instance = base;
	instance->b[0] = n & 0xff;
	instance->b[1] = (n >> 8) & 0xff;
	return SIM_FAKE_RELID_BASE + n % (HVLIS_MAX_RELID + 1 - SIM_FAKE_RELID_BASE);
}

static void fill_offer(void *buf, u32 relid, const struct hvlis_guid *type,
		       const struct hvlis_guid *instance, u16 sub_index)
{
	struct hvlis_msg_offer_channel *m = buf;

	m->header.msgtype = HVLIS_CHANMSG_OFFERCHANNEL;
	m->offer.if_type = *type;
	m->offer.if_instance = *instance;
	m->offer.sub_channel_index = sub_index;
	m->child_relid = relid;
	m->connection_id = SIM_CONN_BASE + relid;
	m->interrupt_flags = HVLIS_OFFER_DEDICATED_INTERRUPT;
}

/*
 * A well-formed message of any type into buf (HVLIS_MESSAGE_PAYLOAD_BYTES),
 * about 'relid', so that a guest that took a truncated one would act on it.
 * 'extra' is the gpadl, status or the like. Returns its natural length.
 */
static u32 build_msg(u8 *buf, u32 type, u32 relid, u32 extra)
{
	static const struct hvlis_guid idle = HVSIM_GUID_IDLE;
	struct hvlis_chanmsg_header *h = (void *)buf;
	struct hvlis_guid instance;
	u32 len = chanmsg_size(type);

	memset(buf, 0, HVLIS_MESSAGE_PAYLOAD_BYTES);
	switch (type) {
	case HVLIS_CHANMSG_OFFERCHANNEL:
		fill_offer(buf, fake_relid(&instance), &idle, &instance, 0);
		break;
	case HVLIS_CHANMSG_OPENCHANNEL_RESULT: {
		struct hvlis_msg_open_result *m = (void *)buf;

		m->child_relid = relid;
		m->open_id = relid;
		m->status = extra;
		break;
	}
	case HVLIS_CHANMSG_GPADL_CREATED: {
		struct hvlis_msg_gpadl_created *m = (void *)buf;

		m->child_relid = relid;
		m->gpadl = extra;
		break;
	}
	case HVLIS_CHANMSG_GPADL_TORNDOWN:
		((struct hvlis_msg_gpadl_torndown *)buf)->gpadl = extra;
		break;
	case HVLIS_CHANMSG_VERSION_RESPONSE: {
		struct hvlis_msg_version_response *m = (void *)buf;

		m->version_supported = 1;
		m->msg_conn_id = HVLIS_VMBUS_MESSAGE_CONNECTION_ID_4;
		break;
	}
	case HVLIS_CHANMSG_INITIATE_CONTACT:
		((struct hvlis_msg_initiate_contact *)buf)->vmbus_version_requested =
			HVLIS_VMBUS_WIN10_V5_3;
		break;
	case HVLIS_CHANMSG_RESCIND_CHANNELOFFER:
	case HVLIS_CHANMSG_OPENCHANNEL:
	case HVLIS_CHANMSG_CLOSECHANNEL:
	case HVLIS_CHANMSG_GPADL_TEARDOWN:
	case HVLIS_CHANMSG_RELID_RELEASED:
	case HVLIS_CHANMSG_MODIFYCHANNEL:
	case HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE:
		/* child_relid comes first after the header in all of them */
		memcpy(buf + sizeof(*h), &relid, sizeof(relid));
		break;
	}
	h->msgtype = type;
	return len ? len : 16;
}

/* Arm a fault for the next 'count' times its moment comes on 'relid'. */
static int arm(enum hvsim_fault kind, u32 relid, u32 arg, u32 count)
{
	struct sim_armed *a, *free_slot = NULL;
	unsigned int i;

	if (!relid || relid > HVLIS_MAX_RELID)
		return -EINVAL;
	for (i = 0; i < SIM_MAX_ARMED; i++) {
		a = &sim.armed[i];
		if (a->left && a->kind == kind && a->relid == relid) {
			free_slot = a;	/* re-arm: the new count replaces the old */
			break;
		}
		if (!a->left && !free_slot)
			free_slot = a;
	}
	if (!free_slot)
		return -ENOSPC;
	free_slot->kind = kind;
	free_slot->relid = relid;
	free_slot->arg = arg;
	free_slot->left = count;
	pr_info("fault %s armed for relid %u (%u times)\n", hvsim_fault_name(kind), relid, count);
	return 0;
}

/*
 * ring-index: set one index of an open channel's rings, then signal.
 * Under the channel's ring_lock (its data path may be at the rings).
 */
static int ring_set_index_locked(struct sim_chan *c, u32 which, u32 value)
{
	u32 relid = c->relid;
	u32 *idx;

	/*
	 * The ring header is packed, but each index sits at a 4-byte aligned
	 * offset of a page-aligned header, so the pointer is aligned; it is
	 * computed from the offset because gcc cannot know that.
	 */
	switch (which) {
	case HVSIM_RING_IN_WRITE:
		idx = (u32 *)((u8 *)c->guest_in.hdr +
			      offsetof(struct hvlis_ring_header, write_index));
		break;
	case HVSIM_RING_IN_READ:
		idx = (u32 *)((u8 *)c->guest_in.hdr +
			      offsetof(struct hvlis_ring_header, read_index));
		break;
	case HVSIM_RING_OUT_WRITE:
		idx = (u32 *)((u8 *)c->guest_out.hdr +
			      offsetof(struct hvlis_ring_header, write_index));
		break;
	case HVSIM_RING_OUT_READ:
		idx = (u32 *)((u8 *)c->guest_out.hdr +
			      offsetof(struct hvlis_ring_header, read_index));
		break;
	default:
		return -EINVAL;
	}
	pr_info("fault: relid %u: ring index %u: %#x -> %#x\n", relid, which, READ_ONCE(*idx),
		value);
	/* Whatever the host wrote before lands first, the signal comes after. */
	mb();
	WRITE_ONCE(*idx, value);
	mb();	/* see above */
	sim_signal_guest(c);
	return 0;
}

/*
 * ring-lie: plant one packet in the guest's inbound ring whose descriptor
 * does not match what was written, move the write index past it and signal.
 */
static int ring_lie_locked(struct sim_chan *c, u32 how)
{
	struct {
		struct hvlis_packet_desc d;
		u8 payload[16];
	} __packed pkt;
	struct sim_ring *r;
	u32 relid = c->relid, wr, advance = sizeof(pkt) + 8;
	u64 trailer;
	long used;

	r = &c->guest_in;
	used = sim_ring_used(r);
	if (used < 0 || r->size - used <= 2 * sizeof(pkt))
		return -ENOSPC;
	memset(&pkt, 0x5a, sizeof(pkt));
	pkt.d.type = HVLIS_PKT_DATA_INBAND;
	pkt.d.flags = 0;
	pkt.d.trans_id = 0xbadbadbadull;
	pkt.d.offset8 = sizeof(pkt.d) / 8;
	pkt.d.len8 = sizeof(pkt) / 8;
	switch (how) {
	case HVSIM_LIE_OFFSET:
		pkt.d.offset8 = 1;
		break;
	case HVSIM_LIE_INVERTED:
		pkt.d.offset8 = 4;
		pkt.d.len8 = 3;
		break;
	case HVSIM_LIE_BEYOND:
		pkt.d.len8 = sizeof(pkt) / 8 + 2;
		break;
	case HVSIM_LIE_HUGE:
		pkt.d.len8 = 0xffff;
		break;
	case HVSIM_LIE_TINY:
		advance = sizeof(pkt.d);
		break;
	default:
		return -EINVAL;
	}
	wr = READ_ONCE(r->hdr->write_index);
	sim_ring_put(r, wr, &pkt, sizeof(pkt));
	trailer = (u64)wr << 32;
	sim_ring_put(r, wr + sizeof(pkt), &trailer, sizeof(trailer));
	/* As sim_ring_give(): the packet, then the index, then the signal. */
	mb();
	WRITE_ONCE(r->hdr->write_index, (wr + advance) % r->size);
	mb();	/* see above */
	pr_info("fault: relid %u: planted a packet with offset8 %u len8 %u, write index +%u\n",
		relid, pkt.d.offset8, pkt.d.len8, advance);
	sim_signal_guest(c);
	return 0;
}

/* A ring fault on relid's open channel, under its ring_lock; -ENOENT if none. */
static int ring_fault(enum hvsim_fault kind, u32 relid, u32 a, u32 b)
{
	struct sim_chan *c = sim_chan_lock_open(relid);
	int ret;

	if (!c)
		return -ENOENT;
	if (kind == HVSIM_FAULT_RING_INDEX)
		ret = ring_set_index_locked(c, a, b);
	else
		ret = ring_lie_locked(c, a);
	mutex_unlock(&c->ring_lock);
	return ret;
}

struct storm_args {
	u32 n;
	bool with_relid;
	u32 relid;
};

/*
 * storm: raise the VMBus interrupt n times, each time waiting for the
 * handler; with a relid, set that relid's event flag first each time.
 */
static long storm_fn(void *data)
{
	const struct storm_args *a = data;
	u32 n = a->n, relid = a->relid, i = 0, chunk;
	bool with_relid = a->with_relid;
	struct sim_chan *c;
	unsigned int cpu;

	while (i < n) {
		mutex_lock(&sim.lock);
		if (!sim.connected || !sim.isr) {
			mutex_unlock(&sim.lock);
			return i ? 0 : -ENOTCONN;
		}
		c = with_relid ? sim_chan_by_relid(relid) : NULL;
		cpu = sim_vp_to_cpu(c && c->open ? c->target_vp : sim.msg_vp);
		for (chunk = 0; chunk < 256 && i < n; chunk++, i++) {
			if (with_relid && !sim_set_event(cpu, relid))
				break;
			smp_call_function_single(cpu, sim_raise_irq_fn, NULL, 1);
		}
		atomic_add(chunk, &sim.faults[HVSIM_FAULT_STORM]);
		mutex_unlock(&sim.lock);
		if (chunk < 256 && i < n)
			return -ENOTCONN;
		cond_resched();
	}
	pr_info("fault: %u interrupts raised%s\n", n, with_relid ? " with an event flag" : "");
	return 0;
}

static int storm(u32 n, bool with_relid, u32 relid)
{
	struct storm_args a = { .n = n, .with_relid = with_relid, .relid = relid };
	unsigned int from;

	if (!n || n > 10000000 || (with_relid && (!relid || relid > HVLIS_MAX_RELID)))
		return -EINVAL;
	/* Real IPIs: send from a CPU other than the one messages go to. */
	from = cpumask_any_but(cpu_online_mask, sim_vp_to_cpu(sim.msg_vp));
	if (from >= nr_cpu_ids)
		return storm_fn(&a);
	return work_on_cpu(from, storm_fn, &a);
}

/* Message faults; called with sim.lock held, the guest connected. */
static int fault_msg(enum hvsim_fault kind, const u32 *arg, unsigned int nargs)
{
	static const struct hvlis_guid idle = HVSIM_GUID_IDLE;
	u8 buf[HVLIS_MESSAGE_PAYLOAD_BYTES];
	struct hvlis_msg_offer_channel *offer = (void *)buf;
	struct hvlis_guid instance;
	struct sim_chan *c;
	u32 len, claim, relid;

	switch (kind) {
	case HVSIM_FAULT_SHORT:
		len = chanmsg_size(arg[0]);
		if (!len)
			return -EINVAL;
		build_msg(buf, arg[0], 1, 0);
		if (nargs > 1) {
			if (arg[1] >= len)
				return -EINVAL;
			len = arg[1];
		} else {
			len--;
		}
		sim_queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_LONG:
		claim = nargs > 0 ? arg[0] : 255;
		if (claim <= HVLIS_MESSAGE_PAYLOAD_BYTES || claim > 255)
			return -EINVAL;
		len = build_msg(buf, nargs > 1 ? arg[1] : HVLIS_CHANMSG_OFFERCHANNEL, 1, 0);
		sim_queue_msg(buf, len, claim);
		return 0;
	case HVSIM_FAULT_BADTYPE:
		len = build_msg(buf, arg[0], 1, 0);
		if (nargs > 1) {
			if (arg[1] > HVLIS_MESSAGE_PAYLOAD_BYTES)
				return -EINVAL;
			len = arg[1];
		}
		sim_queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_UNSOLICITED:
		len = build_msg(buf, arg[0], nargs > 1 ? arg[1] : 1,
				nargs > 2 ? arg[2] : 0xdead0000);
		sim_queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_GPADL_CREATED_UNKNOWN:
		len = build_msg(buf, HVLIS_CHANMSG_GPADL_CREATED, nargs > 0 ? arg[0] : 1,
				nargs > 1 ? arg[1] : 0xdead0000 + sim.next_fake++);
		sim_queue_to_guest(buf, len);
		return 0;
	case HVSIM_FAULT_OFFER_RELID:
	case HVSIM_FAULT_OFFER_MONITOR:
		memset(buf, 0, sizeof(buf));
		relid = fake_relid(&instance);
		if (kind == HVSIM_FAULT_OFFER_RELID)
			relid = arg[0];
		fill_offer(buf, relid, &idle, &instance, 0);
		if (kind == HVSIM_FAULT_OFFER_MONITOR) {
			if (arg[0] > 255)
				return -EINVAL;
			offer->monitor_id = arg[0];
			offer->monitor_flags = HVLIS_OFFER_MONITOR_ALLOCATED;
		}
		sim_queue_to_guest(buf, sizeof(*offer));
		return 0;
	case HVSIM_FAULT_OFFER_DUP:
		c = sim_chan_by_relid(arg[0]);
		if (!c || !c->offered || c->rescinded)
			return -ENOENT;
		memset(buf, 0, sizeof(buf));
		fill_offer(buf, fake_relid(&instance), &c->type, &c->instance, c->sub_index);
		sim_queue_to_guest(buf, sizeof(*offer));
		return 0;
	case HVSIM_FAULT_RESCIND_UNKNOWN:
		len = build_msg(buf, HVLIS_CHANMSG_RESCIND_CHANNELOFFER, arg[0], 0);
		sim_queue_to_guest(buf, len);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------ teardown and unload faults */

/* gpadl-late: the answer, long after the guest stopped waiting for it. */
void sim_late_fn(struct work_struct *work)
{
	struct hvlis_msg_gpadl_created r;
	struct sim_gpadl *g;
	u32 i, freed = 0;

	mutex_lock(&sim.lock);
	g = sim_gpadl_find(sim.late_handle);
	if (g) {
		/* The host holds these pages: the guest must not have freed any. */
		for (i = 0; i < g->npfns; i++)
			freed += pfn_valid(g->pfns[i]) && !page_count(pfn_to_page(g->pfns[i]));
		atomic_add(freed, &sim.gpadl_pages_freed);
		if (freed)
			pr_err("GPADL %#x: the guest freed %u of its %u pages while the host holds them\n",
			       g->handle, freed, g->npfns);
		memset(&r, 0, sizeof(r));
		r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
		r.child_relid = g->relid;
		r.gpadl = g->handle;
		sim_queue_to_guest(&r, sizeof(r));
	}
	mutex_unlock(&sim.lock);
}

/*
 * A GPADL was just created: gpadl-late holds its answer back, and
 * rescind-after-gpadl rescinds the channel right behind it. Returns true if
 * the answer is not to go out now. Called with sim.lock held.
 */
bool sim_gpadl_fault(struct sim_gpadl *g)
{
	struct sim_chan *c = sim_chan_by_relid(g->relid);

	if (hvsim_armed_take(HVSIM_FAULT_GPADL_LATE, g->relid, NULL)) {
		sim.late_handle = g->handle;
		mod_delayed_work(system_wq, &sim.late_work,
				 msecs_to_jiffies(HVLIS_REQUEST_TIMEOUT_MS + 1000));
		return true;
	}
	if (c && !c->rescinded &&
	    hvsim_armed_take(HVSIM_FAULT_RESCIND_AFTER_GPADL, g->relid, NULL)) {
		struct hvlis_msg_gpadl_created r;

		memset(&r, 0, sizeof(r));
		r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
		r.child_relid = g->relid;
		r.gpadl = g->handle;
		/* Both queued before the first goes out: it says "more pending". */
		atomic_set(&sim.hold, 1);
		atomic_set(&sim.hurry_done, 0);
		sim_queue_to_guest(&r, sizeof(r));
		c->mute = true;
		atomic_set(&sim.hurry_next, 1);
		sim_rescind_with_subchannels(c);
		atomic_set(&sim.hold, 0);
		sim_deliver_soon(0);
		return true;
	}
	return false;
}

/* unload-behind: a message ahead of UNLOAD_RESPONSE, which then needs an EOM. */
void sim_unload_fault(void)
{
	struct sim_msg *m;
	unsigned long flags;

	if (!atomic_add_unless(&sim.unload_behind, -1, 0))
		return;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->len = sizeof(struct hvlis_chanmsg_header);
	m->claim = m->len;
	((struct hvlis_chanmsg_header *)m->data)->msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED;
	atomic_inc(&sim.faults[HVSIM_FAULT_UNLOAD_BEHIND]);
	pr_info("fault unload-behind: UNLOAD_RESPONSE waits behind a message and for an EOM\n");
	/* Both queued before either goes out, and only an EOM brings the second. */
	atomic_set(&sim.eom_wait, 1);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_add_tail(&m->node, &sim.to_guest);
	spin_unlock_irqrestore(&sim.q_lock, flags);
}

struct storm_through_args {
	u32 n, relid;
	bool old_host;		/* WS2008/WIN7: the interrupt page flag */
	bool stop;
};

/* On the target CPU, interrupts off, like the SynIC. */
static void storm_through_ipi(void *data)
{
	struct storm_through_args *a = data;
	unsigned int cpu = smp_processor_id();
	struct hvlis_hv_event_page *ev;

	/*
	 * The guest frees its event page only after its SynIC is off here,
	 * and hv_vmbus forgets sim.isr only after that.
	 */
	ev = sim.event_page ? READ_ONCE(sim.event_page[cpu]) : NULL;
	if (!ev || !READ_ONCE(sim.isr)) {
		a->stop = true;
		return;
	}
	set_bit(a->old_host ? 0 : a->relid,
		(unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags);
	sim.isr();
}

static long storm_through_fn(void *data)
{
	struct storm_through_args *a = data;
	unsigned int cpu = sim_vp_to_cpu(sim.msg_vp);
	u32 i;

	for (i = 0; i < a->n && !a->stop; i++) {
		smp_call_function_single(cpu, storm_through_ipi, a, 1);
		/* Bursts with gaps: the guest is to go on unloading, not starve. */
		if (!(i % 64))
			usleep_range(200, 400);
	}
	atomic_add(i, &sim.faults[HVSIM_FAULT_STORM_THROUGH]);
	pr_info("fault storm-through: %u interrupts raised%s\n", i,
		a->stop ? ", then the guest's SynIC was off" : "");
	return 0;
}

/*
 * irq-other: one interrupt with relid's event flag on the CPU that is not
 * the message CPU, raised from the message CPU and not waited for, so both
 * CPUs go on while the guest's handler runs there.
 */
static int irq_other(u32 relid)
{
	unsigned int cpu, self;
	int ret = 0;

	if (!relid || relid > HVLIS_MAX_RELID)
		return -EINVAL;
	mutex_lock(&sim.lock);
	if (!sim.connected || !sim.isr || sim.version < HVLIS_VMBUS_WIN8) {
		mutex_unlock(&sim.lock);
		return -ENOTCONN;
	}
	self = get_cpu();
	cpu = cpumask_any_but(cpu_online_mask, sim_vp_to_cpu(sim.msg_vp));
	if (cpu >= nr_cpu_ids || cpu == self || !sim_set_event(cpu, relid))
		ret = -EBUSY;
	else
		sim_raise_irq(cpu);
	put_cpu();
	if (!ret)
		atomic_inc(&sim.faults[HVSIM_FAULT_IRQ_OTHER]);
	mutex_unlock(&sim.lock);
	return ret;
}

static int storm_through(u32 n, bool with_relid, u32 relid)
{
	struct storm_through_args a = { .n = n, .relid = relid };
	unsigned int from;

	if (!n || n > 10000000 || (with_relid && (!relid || relid > HVLIS_MAX_RELID)))
		return -EINVAL;
	mutex_lock(&sim.lock);
	a.old_host = sim.version < HVLIS_VMBUS_WIN8;
	if (!sim.connected || (!a.old_host && !with_relid)) {
		mutex_unlock(&sim.lock);
		return -EINVAL;
	}
	mutex_unlock(&sim.lock);
	from = cpumask_any_but(cpu_online_mask, sim_vp_to_cpu(sim.msg_vp));
	if (from >= nr_cpu_ids)
		return -ENODEV;
	return work_on_cpu(from, storm_through_fn, &a);
}

static long crash_on_cpu(void *unused)
{
	unsigned long flags;

	/* hv_vmbus forgets its handler before it goes (test use only) */
	if (!READ_ONCE(sim.crash_fn))
		return -ENODEV;
	pr_info("running the guest's crash handler on CPU %u, interrupts off\n",
		smp_processor_id());
	local_irq_save(flags);
	sim.crash_fn();
	local_irq_restore(flags);
	return 0;
}

/**
 * hvsim_crash() - run the guest's kexec/crash handler as a crash would
 * On the CPU that takes the guest's messages, with interrupts off there, so
 * the guest's handler must poll for UNLOAD_RESPONSE as after a panic.
 *
 * Return: 0, or -ENODEV if hv_vmbus registered no handler.
 */
int hvsim_crash(void)
{
	return work_on_cpu(sim_vp_to_cpu(sim.msg_vp), crash_on_cpu, NULL);
}

/**
 * hvsim_fault() - commit a fault of a broken or hostile host
 * @kind: which (see enum hvsim_fault and the ctl commands in control.c)
 * @arg: its numeric arguments
 * @nargs: how many of them were given (the rest take defaults)
 * @count: how many times: messages sent, or moments an armed fault fires
 *
 * Message and ring faults happen now; open-fail, open-hang,
 * rescind-during-open, gpadl-fail, teardown-hang and early-packet are armed
 * and fire when the guest next asks for that on that relid. Every fault committed is
 * counted in the stats ("fault_<name>").
 *
 * Return: 0; -ENOTCONN without a connected guest; -ENOENT if the channel
 * does not exist or is not open; -ENOSPC if no more faults can be armed
 * or the ring has no room; -EINVAL for bad arguments.
 */
int hvsim_fault(enum hvsim_fault kind, const u32 *arg, unsigned int nargs, u32 count)
{
	int ret = 0;
	u32 i, n;

	if (kind >= HVSIM_FAULT_COUNT || !count)
		return -EINVAL;
	switch (kind) {
	case HVSIM_FAULT_STORM:
		if ((u64)arg[0] * count > 10000000)
			return -EINVAL;
		return storm(arg[0] * count, nargs > 1, nargs > 1 ? arg[1] : 0);
	case HVSIM_FAULT_STORM_THROUGH:
		if ((u64)arg[0] * count > 10000000)
			return -EINVAL;
		return storm_through(arg[0] * count, nargs > 1, nargs > 1 ? arg[1] : 0);
	case HVSIM_FAULT_UNLOAD_BEHIND:
		atomic_add(count, &sim.unload_behind);
		return 0;
	case HVSIM_FAULT_IRQ_OTHER:
		return irq_other(arg[0]);
	case HVSIM_FAULT_NO_EOM:
		/* Harmless messages, each delivered as "more are pending". */
		if ((u64)(nargs ? arg[0] : 1) * count > 1000)
			return -EINVAL;
		n = (nargs ? arg[0] : 1) * count;
		if (!n)
			return -EINVAL;
		mutex_lock(&sim.lock);
		if (!sim.connected) {
			mutex_unlock(&sim.lock);
			return -ENOTCONN;
		}
		atomic_add(n, &sim.no_eom_left);
		for (i = 0; i < n; i++) {
			struct hvlis_chanmsg_header done = {
				.msgtype = HVLIS_CHANMSG_ALLOFFERS_DELIVERED,
			};

			sim_queue_to_guest(&done, sizeof(done));
		}
		mutex_unlock(&sim.lock);
		return 0;
	default:
		break;
	}

	mutex_lock(&sim.lock);
	switch (kind) {
	case HVSIM_FAULT_OPEN_FAIL:
	case HVSIM_FAULT_MODIFY_FAIL:
		ret = arm(kind, arg[0], nargs > 1 ? arg[1] : SIM_STATUS_UNSUCCESSFUL, count);
		break;
	case HVSIM_FAULT_OPEN_HANG:
	case HVSIM_FAULT_RESCIND_DURING_OPEN:
	case HVSIM_FAULT_GPADL_FAIL:
	case HVSIM_FAULT_TEARDOWN_HANG:
	case HVSIM_FAULT_EARLY_PACKET:
	case HVSIM_FAULT_GPADL_LATE:
	case HVSIM_FAULT_RESCIND_AFTER_GPADL:
	case HVSIM_FAULT_CSUM_SILENT:
		ret = arm(kind, arg[0], 0, count);
		break;
	case HVSIM_FAULT_RING_INDEX:
		for (i = 0; i < count && !ret; i++)
			ret = ring_fault(kind, arg[0], arg[1], arg[2]);
		if (!ret)
			atomic_add(count, &sim.faults[kind]);
		break;
	case HVSIM_FAULT_RING_LIE:
		for (i = 0; i < count && !ret; i++)
			ret = ring_fault(kind, arg[0], arg[1], 0);
		if (!ret)
			atomic_add(count, &sim.faults[kind]);
		break;
	default:
		if (!sim.connected) {
			ret = -ENOTCONN;
			break;
		}
		for (i = 0; i < count && !ret; i++)
			ret = fault_msg(kind, arg, nargs);
		if (!ret) {
			atomic_add(count, &sim.faults[kind]);
			pr_info("fault %s: %u message(s) sent\n", hvsim_fault_name(kind), count);
		}
		break;
	}
	mutex_unlock(&sim.lock);
	return ret;
}
