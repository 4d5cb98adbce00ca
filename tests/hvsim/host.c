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
 * The core, one concern a file (hvsim_core.h is what they share):
 *   host.c        this file: the transport seam, the host's state, module
 *                 load and unload, the stats file
 *   msgs.c        VMBus messages both ways: the queues, delivery into the
 *                 SynIC message slots, the guest's requests (contact,
 *                 offers, open, close, modify, unload) and the offers and
 *                 rescinds the host sends
 *   gpadl.c       GPADLs: header and body assembly, teardown
 *   ring.c        the host's view of a channel's rings, events, and the
 *                 work that hands a channel's packets to its device kind
 *   channels.c    the channel table: add, sub-channels, rescind, monitored
 *                 channels, the devices file
 *   faults.c      what a broken or hostile host does, on command
 *   dev_helpers.c what device kinds call: send, give, transfer pages, map
 *                 a GPADL or guest pages (hvsim_dev.h)
 *   control.c     the debugfs control files (ctl commands)
 *   registry.c    the device kinds (hvsim_dev.h): echo and idle
 *                 (echo_host.c), integration services (ic_host.c), storage
 *                 (stor_host.c), network (net_host.c)
 *
 * The host-side ring code is written separately from the guest's
 * ring_core.c on purpose: a shared bug would otherwise go unseen.
 *
 * Control: /sys/kernel/debug/hvsim/ (see the comment at the top of
 * control.c). Besides playing a correct host it can commit, on command, the
 * faults of a broken or hostile one (hvsim_fault()): malformed and
 * unsolicited messages, impossible offers, corrupt rings, OPENCHANNELs
 * refused, never answered or answered by a rescind, interrupt storms.
 *
 * Monitored channels (add ... monitored): the offer carries a monitor id and
 * the guest signals the channel by setting its bit in the second monitor
 * page instead of by HvSignalEvent; the host polls that page
 * (sim_monitor_fn(), channels.c).
 *
 * Load order: insmod hvsim.ko; configure; insmod hv_vmbus.ko transport=hvsim.
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

static unsigned int host_version = HVLIS_VMBUS_WIN10_V5_3;
module_param(host_version, uint, 0644);
MODULE_PARM_DESC(host_version, "newest VMBus version this host accepts (major << 16 | minor)");

struct sim_host sim;

/* ---------------------------------------------------------------- helpers */

void *sim_gpa_to_va(u64 gpa)
{
	if (!gpa || !pfn_valid(gpa >> PAGE_SHIFT))
		return NULL;
	return phys_to_virt(gpa);
}

unsigned int sim_vp_to_cpu(u32 vp)
{
	return vp < nr_cpu_ids && cpu_online(vp) ? vp : 0;
}

void sim_raise_irq_fn(void *unused)
{
	if (sim.isr)
		sim.isr();
}

void sim_raise_irq(unsigned int cpu)
{
	/* In process context; on the target CPU the handler runs in hardirq. */
	smp_call_function_single(cpu, sim_raise_irq_fn, NULL, 0);
}

/* ------------------------------------------------------ the transport */

static ktime_t sim_loaded;	/* the reference counter's zero */

static int sim_init(void (*isr)(void))
{
	unsigned int n = nr_cpu_ids;

	sim.msg_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	sim.event_page = kcalloc(n, sizeof(void *), GFP_KERNEL);
	if (!sim.msg_page || !sim.event_page) {
		kfree(sim.msg_page);
		kfree(sim.event_page);
		sim.msg_page = NULL;
		sim.event_page = NULL;
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
	cancel_delayed_work_sync(&sim.monitor_work);
	flush_workqueue(sim.wq);
	spin_lock_irqsave(&sim.q_lock, flags);
	list_for_each_entry_safe(m, tmp, &sim.to_guest, node) {
		list_del(&m->node);
		kfree(m);
	}
	spin_unlock_irqrestore(&sim.q_lock, flags);
	kfree(sim.msg_page);
	kfree(sim.event_page);
	sim.msg_page = NULL;
	sim.event_page = NULL;
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
	struct sim_chan *c;
	unsigned int i;

	if (conn_id == HVLIS_VMBUS_EVENT_CONNECTION_ID && sim.version == HVLIS_VMBUS_WS2008) {
		/* WS2008: one shared event; the relid bits say which channels. */
		if (!sim.int_page)
			return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
		send_half = (unsigned long *)((u8 *)sim.int_page + HVLIS_HV_PAGE_SIZE / 2);
		for (i = 0; i < SIM_MAX_CHANS; i++) {
			struct sim_chan *c = &sim.chans[i];

			/* A monitored channel's bit is the monitor scan's. */
			if (c->used && !c->monitored && test_and_clear_bit(c->relid, send_half)) {
				c->signals_in++;
				sim_chan_kick(c);
			}
		}
		return HVLIS_HV_STATUS_SUCCESS;
	}
	/* Channel i's connection id: SIM_CONN_BASE + its relid, i + 1 (hvsim_add_dev()). */
	i = conn_id - SIM_CONN_BASE - 1;
	if (conn_id <= SIM_CONN_BASE || i >= SIM_MAX_CHANS)
		return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
	c = &sim.chans[i];
	if (!c->used || c->conn_id != conn_id)
		return HVLIS_HV_STATUS_INVALID_CONNECTION_ID;
	c->signals_in++;
	if (c->monitored) {
		/* The guest should have used the monitor page. */
		c->monitored_hypercalls++;
		atomic_inc(&sim.monitored_hypercalls);
		pr_warn_ratelimited("relid %u is monitored, yet the guest called HvSignalEvent\n",
				    c->relid);
	}
	sim_chan_kick(c);
	return HVLIS_HV_STATUS_SUCCESS;
}

/*
 * Fault rescind-after-gpadl: a hurrying message goes into the slot in the
 * EOM itself, on the guest's message CPU, as a hypervisor may deliver a
 * pending message before it returns from the EOM write.
 */
static bool eom_delivers(void)
{
	unsigned int cpu = smp_processor_id();
	struct hvlis_hv_message_page *page;
	struct hvlis_hv_message *slot;
	struct sim_msg *m;
	unsigned long flags;

	if (cpu != sim_vp_to_cpu(sim.msg_vp) || !sim.msg_page || !sim.msg_page[cpu])
		return false;
	page = sim.msg_page[cpu];
	slot = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
	spin_lock_irqsave(&sim.q_lock, flags);
	m = list_first_entry_or_null(&sim.to_guest, struct sim_msg, node);
	if (!m || !m->hurry || READ_ONCE(slot->header.message_type) != HVLIS_HVMSG_NONE) {
		spin_unlock_irqrestore(&sim.q_lock, flags);
		return false;
	}
	list_del(&m->node);
	sim_put_in_slot(slot, m, 0);
	spin_unlock_irqrestore(&sim.q_lock, flags);
	kfree(m);
	atomic_set(&sim.hurry_done, 1);
	/* An interrupt on this CPU: the handler runs now (no IPI from softirq). */
	local_irq_save(flags);
	if (sim.isr)
		sim.isr();
	local_irq_restore(flags);
	return true;
}

static void sim_eom(void)
{
	atomic_inc(&sim.eoms);
	atomic_set(&sim.eom_wait, 0);
	if (!eom_delivers())
		sim_deliver_soon(0);
}

static void sim_set_crash_handler(void (*fn)(void))
{
	WRITE_ONCE(sim.crash_fn, fn);
}

/**
 * hvsim_ref_time() - the simulated partition reference counter
 *
 * 100 ns ticks of the monotonic clock since hvsim loaded: what the guest
 * reads through the transport and what the time sync host stamps its
 * samples with.
 *
 * Return: the counter.
 */
u64 hvsim_ref_time(void)
{
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), sim_loaded)), 100);
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
	.ref_time = hvsim_ref_time,
	.set_crash_handler = sim_set_crash_handler,
	.owner = THIS_MODULE,
};
EXPORT_SYMBOL_GPL(hvsim_transport);

void hvsim_show_stats(struct seq_file *s)
{
	unsigned int i, nchan = 0, nopen = 0, ngpadl = 0, nfaults = 0, narmed = 0;
	struct sim_gpadl *g;

	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		nchan += sim.chans[i].used;
		nopen += sim.chans[i].used && sim.chans[i].open;
	}
	list_for_each_entry(g, &sim.gpadls, node)
		ngpadl++;
	seq_printf(s, "connected %d\nversion %u.%u\nhost_version %u.%u\n", sim.connected,
		   sim.version >> 16, sim.version & 0xffff, host_version >> 16,
		   host_version & 0xffff);
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
	seq_printf(s, "teardowns_after_rescind %d\n", atomic_read(&sim.teardowns_after_rescind));
	seq_printf(s, "monitor_signals %d\nmonitor_stray %d\nmonitored_hypercalls %d\n",
		   atomic_read(&sim.monitor_signals), atomic_read(&sim.monitor_stray),
		   atomic_read(&sim.monitored_hypercalls));
	seq_printf(s, "modifies %d\nmodifies_refused %d\n", atomic_read(&sim.modifies),
		   atomic_read(&sim.modifies_refused));
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->stats)
			hvsim_kinds[i]->stats(s);
	seq_printf(s, "unload_responses %d\ngpadl_pages_freed %d\nrequests_after_rescind %d\n",
		   atomic_read(&sim.unload_responses), atomic_read(&sim.gpadl_pages_freed),
		   atomic_read(&sim.requests_after_rescind));
	for (i = 0; i < HVSIM_FAULT_COUNT; i++)
		nfaults += atomic_read(&sim.faults[i]);
	seq_printf(s, "faults_injected %u\n", nfaults);
	for (i = 0; i < HVSIM_FAULT_COUNT; i++)
		seq_printf(s, "fault_%s %d\n", hvsim_fault_name(i), atomic_read(&sim.faults[i]));
	mutex_lock(&sim.lock);
	for (i = 0; i < SIM_MAX_ARMED; i++)
		narmed += sim.armed[i].left;
	narmed += atomic_read(&sim.unload_behind);
	mutex_unlock(&sim.lock);
	seq_printf(s, "faults_armed %u\n", narmed);
}

unsigned int *hvsim_host_version(void)
{
	return &host_version;
}

static int __init hvsim_init(void)
{
	unsigned int i;
	int ret;

	sim_loaded = ktime_get();
	spin_lock_init(&sim.q_lock);
	INIT_LIST_HEAD(&sim.to_host);
	INIT_LIST_HEAD(&sim.to_guest);
	INIT_LIST_HEAD(&sim.gpadls);
	mutex_init(&sim.lock);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		mutex_init(&sim.chans[i].ring_lock);
		INIT_WORK(&sim.chans[i].work, sim_chan_work_fn);
	}
	INIT_WORK(&sim.host_work, sim_host_fn);
	INIT_DELAYED_WORK(&sim.deliver_work, sim_deliver_fn);
	INIT_DELAYED_WORK(&sim.monitor_work, sim_monitor_fn);
	INIT_DELAYED_WORK(&sim.late_work, sim_late_fn);
	sim.wq = alloc_ordered_workqueue("hvsim_host", 0);
	if (!sim.wq)
		return -ENOMEM;
	/* Device kinds serve their channels in parallel; I/O may depend on it. */
	sim.dev_wq = alloc_workqueue("hvsim_dev", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	/* Per CPU (serve_on_signaller): a channel served where it signalled. */
	sim.local_wq = alloc_workqueue("hvsim_local", HVLIS_WQ_PERCPU | WQ_MEM_RECLAIM, 0);
	if (!sim.dev_wq || !sim.local_wq) {
		if (sim.dev_wq)
			destroy_workqueue(sim.dev_wq);
		if (sim.local_wq)
			destroy_workqueue(sim.local_wq);
		destroy_workqueue(sim.wq);
		return -ENOMEM;
	}
	for (i = 0; i < hvsim_nkinds; i++) {
		ret = hvsim_kinds[i]->init ? hvsim_kinds[i]->init() : 0;
		if (ret) {
			while (i--)
				if (hvsim_kinds[i]->exit)
					hvsim_kinds[i]->exit();
			destroy_workqueue(sim.local_wq);
			destroy_workqueue(sim.dev_wq);
			destroy_workqueue(sim.wq);
			return ret;
		}
	}
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
	cancel_delayed_work_sync(&sim.late_work);
	cancel_delayed_work_sync(&sim.monitor_work);
	for (i = 0; i < SIM_MAX_CHANS; i++)
		cancel_work_sync(&sim.chans[i].work);
	destroy_workqueue(sim.wq);
	destroy_workqueue(sim.dev_wq);
	destroy_workqueue(sim.local_wq);
	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->exit)
			hvsim_kinds[i]->exit();
	list_for_each_entry_safe(g, tmp, &sim.gpadls, node)
		sim_gpadl_free(g);
	for (i = 0; i < SIM_MAX_CHANS; i++) {
		mutex_lock(&sim.chans[i].ring_lock);
		sim_unmap_ring(&sim.chans[i]);
		mutex_unlock(&sim.chans[i].ring_lock);
		kfree(sim.chans[i].work_buf);	/* the works are cancelled */
	}
}

module_init(hvsim_init);
module_exit(hvsim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis test: simulated Hyper-V host (never for production)");
MODULE_VERSION(HVLIS_VERSION);
