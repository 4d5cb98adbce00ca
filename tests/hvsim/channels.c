// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the channel table. Channels are added for a device kind
 * (hvsim_add_dev()), with sub-channels, rescinded with their sub-channels
 * first, and listed in the devices file; monitored channels get monitor ids
 * and the host polls the guest's monitor page for their signals.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

/* The channel of a relid; under sim.lock or that channel's ring_lock. */
struct sim_chan *sim_chan_by_relid(u32 relid)
{
	struct sim_chan *c;

	/* Channel i's relid is i + 1 (hvsim_add_dev()). */
	if (!relid || relid > SIM_MAX_CHANS)
		return NULL;
	c = &sim.chans[relid - 1];
	return c->used && c->relid == relid ? c : NULL;
}

/*
 * The data path's way in: the channel of a relid with its ring_lock held,
 * if it is open and not rescinded (its rings mapped until the caller
 * unlocks); NULL, nothing held, if not. Without sim.lock.
 */
struct sim_chan *sim_chan_lock_open(u32 relid)
{
	struct sim_chan *c;

	if (!relid || relid > SIM_MAX_CHANS)
		return NULL;
	c = &sim.chans[relid - 1];
	mutex_lock(&c->ring_lock);
	if (c->used && c->relid == relid && c->open && !c->rescinded)
		return c;
	mutex_unlock(&c->ring_lock);
	return NULL;
}

/*
 * A slot freed or taken: everything but what hvsim_init() set up for the
 * module's life (see struct sim_chan). Under sim.lock and ring_lock.
 */
void sim_chan_clear(struct sim_chan *c)
{
	size_t keep = offsetof(struct sim_chan, used);

	lockdep_assert_held(&sim.lock);
	lockdep_assert_held(&c->ring_lock);
	/* Through a byte pointer: the range is the struct's tail, not one field. */
	memset((u8 *)c + keep, 0, sizeof(*c) - keep);
}

/* ------------------------------------------------------ monitored channels */

static struct sim_chan *chan_by_monitor(u8 id)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && sim.chans[i].monitored && sim.chans[i].monitor_id == id)
			return &sim.chans[i];
	return NULL;
}

/* A free monitor id: 'want' if free, or the lowest free for MONITOR_ANY. */
static int monitor_alloc(int want)
{
	int id;

	if (want == HVSIM_MONITOR_ANY) {
		for (id = 0; id <= HVLIS_MAX_MONITOR_ID; id++)
			if (!chan_by_monitor(id))
				return id;
		return -ENOSPC;
	}
	if (want < 0 || want > HVLIS_MAX_MONITOR_ID)
		return -EINVAL;
	return chan_by_monitor(want) ? -EBUSY : want;
}

/*
 * A monitored channel's guest does not call HvSignalEvent: it sets bit
 * (id % 32) of trigger_group[id / 32].pending in the second monitor page
 * (guest -> host), and the host finds it with its own latency. We look
 * every jiffy while a monitored channel is open, take each bit with an
 * atomic test-and-clear (the guest may set it again meanwhile) and run the
 * channel's work. A bit of a channel not open (any more) is dropped: the
 * guest may signal just before its close or before it sees a rescind. A
 * bit of an id that no channel has (stray) is a guest error.
 */
void sim_monitor_fn(struct work_struct *work)
{
	u8 *page;
	unsigned long *pending, *send_half;
	unsigned int grp, bit, i;
	struct sim_chan *c;
	bool again = false;

	mutex_lock(&sim.lock);
	page = sim.connected ? sim.monitor_page[1] : NULL;
	for (i = 0; page && i < SIM_MAX_CHANS; i++)
		again |= sim.chans[i].used && sim.chans[i].monitored && sim.chans[i].open;
	for (grp = 0; page && grp < 4; grp++) {
		/* pending is the low half of the 8-byte aligned trigger group */
		pending = (unsigned long *)(page +
			offsetof(struct hvlis_hv_monitor_page, trigger_group) +
			grp * sizeof(struct hvlis_hv_monitor_trigger_group));
		if (!(READ_ONCE(*pending) & 0xffffffffUL))
			continue;
		for (bit = 0; bit < 32; bit++) {
			if (!test_and_clear_bit(bit, pending))
				continue;
			c = chan_by_monitor(grp * 32 + bit);
			if (!c) {
				atomic_inc(&sim.monitor_stray);
				pr_warn_ratelimited("monitor page: pending bit of id %u, which no channel has\n",
						    grp * 32 + bit);
				continue;
			}
			if (!c->open || c->rescinded)
				continue;
			/* Before 2012 the guest also sets the relid in the send half. */
			if (sim.version < HVLIS_VMBUS_WIN8 && sim.int_page) {
				send_half = (unsigned long *)((u8 *)sim.int_page +
							      HVLIS_HV_PAGE_SIZE / 2);
				clear_bit(c->relid, send_half);
			}
			c->signals_monitor++;
			atomic_inc(&sim.monitor_signals);
			sim_chan_kick(c);
		}
	}
	if (again)
		queue_delayed_work(system_wq, &sim.monitor_work, 1);
	mutex_unlock(&sim.lock);
}

/* ------------------------------------------------------------- control */

/**
 * hvsim_add_dev() - add a channel to the host's list, offer it if a guest
 *	is connected
 * @ops: its device kind's operations (see hvsim_dev.h)
 * @priv: the kind's state for this device, passed to every operation
 * @type: device class
 * @instance: device instance
 * @sub_index: 0 for a primary channel, else the sub-channel's index
 * @monitor: HVSIM_MONITOR_NONE; HVSIM_MONITOR_ANY for a monitored channel
 *	with the lowest free monitor id; or that id (0..127)
 *
 * Return: the relid; -ENOSPC if channels or monitor ids ran out; -EBUSY if
 * the monitor id is taken; -EINVAL for an id out of range.
 */
int hvsim_add_dev(const struct hvsim_dev_ops *ops, void *priv, const struct hvlis_guid *type,
		  const struct hvlis_guid *instance, u16 sub_index, int monitor)
{
	unsigned int i;
	struct sim_chan *c = NULL;
	int id = HVSIM_MONITOR_NONE;

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
	if (monitor != HVSIM_MONITOR_NONE) {
		id = monitor_alloc(monitor);
		if (id < 0) {
			mutex_unlock(&sim.lock);
			return id;
		}
	}
	mutex_lock(&c->ring_lock);
	sim_chan_clear(c);
	if (id >= 0) {
		c->monitored = true;
		c->monitor_id = id;
	}
	c->used = true;
	c->relid = i + 1;
	c->conn_id = SIM_CONN_BASE + c->relid;
	c->type = *type;
	c->instance = *instance;
	c->sub_index = sub_index;
	c->ops = ops;
	c->priv = priv;
	mutex_unlock(&c->ring_lock);
	if (sim.connected)
		sim_send_offer(c);	/* hot add */
	i = c->relid;
	mutex_unlock(&sim.lock);
	return i;
}

/* A device goes away: its sub-channels first, then the primary. */
void sim_rescind_with_subchannels(struct sim_chan *c)
{
	unsigned int i;

	if (!c->sub_index) {
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *s = &sim.chans[i];

			if (s->used && s != c && s->sub_index && !s->rescinded && s->offered &&
			    !memcmp(&s->instance, &c->instance, sizeof(s->instance)) &&
			    !memcmp(&s->type, &c->type, sizeof(s->type)))
				sim_send_rescind(s);
		}
	}
	sim_send_rescind(c);
}

int hvsim_rescind(u32 relid)
{
	struct sim_chan *c;
	int ret = 0;

	mutex_lock(&sim.lock);
	c = sim_chan_by_relid(relid);
	if (!c || c->rescinded)
		ret = -ENOENT;
	else if (!sim.connected || !c->offered)
		sim_chan_forget(c);	/* never offered: just forget */
	else
		sim_rescind_with_subchannels(c);
	mutex_unlock(&sim.lock);
	return ret;
}

int hvsim_add_subchannels(u32 relid, unsigned int count)
{
	struct sim_chan *p;
	struct hvlis_guid type, instance;
	const struct hvsim_dev_ops *ops;
	void *priv;
	unsigned int i, next = 1;
	int ret = 0, monitor;

	mutex_lock(&sim.lock);
	p = sim_chan_by_relid(relid);
	if (!p || p->sub_index) {
		mutex_unlock(&sim.lock);
		return -ENOENT;
	}
	type = p->type;
	instance = p->instance;
	ops = p->ops;
	priv = p->priv;
	/* Sub-channels of a monitored device are monitored, each with its id. */
	monitor = p->monitored ? HVSIM_MONITOR_ANY : HVSIM_MONITOR_NONE;
	for (i = 0; i < SIM_MAX_CHANS; i++)
		if (sim.chans[i].used && !memcmp(&sim.chans[i].instance, &instance, 16) &&
		    sim.chans[i].sub_index >= next)
			next = sim.chans[i].sub_index + 1;
	mutex_unlock(&sim.lock);
	for (i = 0; i < count && ret >= 0; i++)
		ret = hvsim_add_dev(ops, priv, &type, &instance, next + i, monitor);
	return ret < 0 ? ret : 0;
}

void hvsim_show_devices(struct seq_file *s)
{
	unsigned int i;
	char t[37], in[37];

	mutex_lock(&sim.lock);
	seq_puts(s, "relid sub kind class instance offered open rescinded packets signals_in signals_out bad waits monitor signals_monitor monitored_hypercalls conn_id vp moves batches signals_saved\n");
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		struct sim_chan *c = &sim.chans[i];

		if (!c->used)
			continue;
		/* The data path's counters are the channel's lock's. */
		mutex_lock(&c->ring_lock);
		hvlis_guid_to_string(&c->type, t);
		hvlis_guid_to_string(&c->instance, in);
		seq_printf(s, "%u %u %s %s %s %d %d %d %llu %llu %llu %llu %llu ", c->relid,
			   c->sub_index, c->ops->name, t, in,
			   c->offered, c->open,
			   c->rescinded, c->packets, c->signals_in, c->signals_out, c->bad,
			   c->waits);
		if (c->monitored)
			seq_printf(s, "%u", c->monitor_id);
		else
			seq_putc(s, '-');
		seq_printf(s, " %llu %llu %u %u %u %llu %llu\n", c->signals_monitor,
			   c->monitored_hypercalls, c->conn_id, c->target_vp, c->moves,
			   c->batches, c->signals_saved);
		mutex_unlock(&c->ring_lock);
	}
	mutex_unlock(&sim.lock);
}
