// SPDX-License-Identifier: GPL-2.0-only
/*
 * SynIC: the per-CPU message and event pages and the VMBus interrupt.
 *
 * The host delivers channel messages in the VMBus SINT's slot of CPU 0's
 * message page and signals channels by setting the channel's relid bit in
 * the event flags (or, with WS2008/2008 R2 hosts, in the shared interrupt
 * page). The interrupt handler only looks and schedules: messages are
 * copied out and handled in a tasklet, channel callbacks run in each
 * channel's tasklet.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/gfp.h>
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <hvlis/compat_base.h>
#include "vmbus_priv.h"

#ifdef HAVE_CPUHP_SETUP_STATE
#include <linux/cpuhotplug.h>
static int hp_state = -1;
#endif

/**
 * hvlis_release_message_slot() - free a SynIC message slot, EOM if asked
 * @vb: the bus
 * @m: the slot, its message copied out
 *
 * When the host flagged another message as pending behind this one, it is
 * delivered only after an EOM on this CPU.
 */
void hvlis_release_message_slot(struct hvlis_vmbus *vb, struct hvlis_hv_message *m)
{
	WRITE_ONCE(m->header.message_type, HVLIS_HVMSG_NONE);
	/* The slot must read as free before the hypervisor is told so. */
	virt_mb();
	if (READ_ONCE(m->header.message_flags) & HVLIS_MSG_FLAG_PENDING) {
		atomic64_inc(&vb->eom_writes);
		vb->tp->eom();
	}
}

static void msg_tasklet_fn(unsigned long data)
{
	struct hvlis_synic_cpu *sc = (struct hvlis_synic_cpu *)data;
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_hv_message_page *page = sc->msg_page;
	struct hvlis_hv_message *m = &page->sint_message[HVLIS_VMBUS_MESSAGE_SINT];
	u8 buf[HVLIS_MESSAGE_PAYLOAD_BYTES];
	u32 type, len;

	type = READ_ONCE(m->header.message_type);
	if (type == HVLIS_HVMSG_NONE)
		return;
	/* Read the message only after seeing that it is there. */
	virt_rmb();
	len = READ_ONCE(m->header.payload_size);
	if (type == HVLIS_HVMSG_TIMER_EXPIRED) {
		/* A legacy-mode stimer message on our SINT: not ours to use. */
		atomic64_inc(&vb->timer_msgs);
		hvlis_release_message_slot(vb, m);
		return;
	}
	if (len > HVLIS_MESSAGE_PAYLOAD_BYTES) {
		atomic64_inc(&vb->msgs_bad);
		pr_err_ratelimited("dropped a host message of type %#x claiming %u bytes\n",
				   type, len);
		hvlis_release_message_slot(vb, m);
		return;
	}
	memcpy(buf, m->payload, len);
	hvlis_release_message_slot(vb, m);
	atomic64_inc(&vb->msgs_in);
	hvlis_handle_message(vb, buf, len);
}

static void scan_events(struct hvlis_vmbus *vb, struct hvlis_synic_cpu *sc)
{
	struct hvlis_hv_event_page *ev = sc->event_page;
	unsigned long *flags = (unsigned long *)ev->sint_flags[HVLIS_VMBUS_MESSAGE_SINT].flags;
	unsigned long *int_page;
	unsigned int word, bit, relid;
	struct hvlis_channel *ch;

	if (vb->version == HVLIS_VMBUS_WS2008 || vb->version == HVLIS_VMBUS_WIN7) {
		/*
		 * Old hosts: one flag says "look at the interrupt page". It is
		 * freed only after the SynIC is off on every CPU; read it once.
		 */
		int_page = READ_ONCE(vb->int_page);
		if (!int_page || !test_and_clear_bit(0, flags))
			return;
		flags = int_page;
	}
	for (word = 0; word < (HVLIS_MAX_RELID + 1) / BITS_PER_LONG; word++) {
		if (!READ_ONCE(flags[word]))
			continue;
		for (bit = 0; bit < BITS_PER_LONG; bit++) {
			relid = word * BITS_PER_LONG + bit;
			if (!test_and_clear_bit(relid, flags))
				continue;
			rcu_read_lock();
			ch = rcu_dereference(vb->relid_map[relid]);
			if (ch)
				hvlis_channel_event(ch);
			rcu_read_unlock();
		}
	}
}

/**
 * hvlis_vmbus_isr() - the VMBus interrupt
 *
 * Called by the transport in interrupt context on the interrupted CPU.
 */
void hvlis_vmbus_isr(void)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_synic_cpu *sc;
	struct hvlis_hv_message_page *page;

	if (!vb->cpu)
		return;
	sc = per_cpu_ptr(vb->cpu, smp_processor_id());
	if (!sc->enabled)
		return;
	scan_events(vb, sc);
	page = sc->msg_page;
	if (READ_ONCE(page->sint_message[HVLIS_VMBUS_MESSAGE_SINT].header.message_type) !=
	    HVLIS_HVMSG_NONE)
		tasklet_schedule(&sc->msg_tasklet);
}

static int synic_cpu_up(unsigned int cpu)
{
	struct hvlis_synic_cpu *sc = per_cpu_ptr(hvlis_vmbus.cpu, cpu);

	hvlis_vmbus.tp->synic_enable(cpu, sc->msg_page, sc->event_page);
	sc->enabled = true;
	return 0;
}

static int synic_cpu_down(unsigned int cpu)
{
	struct hvlis_vmbus *vb = &hvlis_vmbus;
	struct hvlis_synic_cpu *sc = per_cpu_ptr(vb->cpu, cpu);
	struct hvlis_channel *ch, *sub;
	bool busy = false;

	/* Channels are bound to their CPU; moving them is not supported yet. */
	if (vb->connected && !vb->unloading) {
		if (cpu == HVLIS_CONNECT_CPU)
			return -EBUSY;
		mutex_lock(&vb->chan_mutex);
		list_for_each_entry(ch, &vb->channels, node) {
			if (ch->state != HVLIS_CHAN_OFFERED && ch->target_cpu == cpu)
				busy = true;
			list_for_each_entry(sub, &ch->subchannels, sub_node)
				if (sub->state != HVLIS_CHAN_OFFERED && sub->target_cpu == cpu)
					busy = true;
		}
		mutex_unlock(&vb->chan_mutex);
		if (busy) {
			pr_warn("CPU %u serves open VMBus channels and stays online\n", cpu);
			return -EBUSY;
		}
	}
	sc->enabled = false;
	vb->tp->synic_disable(cpu);
	return 0;
}

#ifndef HAVE_CPUHP_SETUP_STATE
static void synic_up_local(void *unused)
{
	synic_cpu_up(smp_processor_id());
}
#endif

static void synic_down_local(void *unused)
{
	synic_cpu_down(smp_processor_id());
}

static void free_cpu_pages(struct hvlis_vmbus *vb)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct hvlis_synic_cpu *sc = per_cpu_ptr(vb->cpu, cpu);

		tasklet_kill(&sc->msg_tasklet);
		free_page((unsigned long)sc->msg_page);
		free_page((unsigned long)sc->event_page);
	}
	free_percpu(vb->cpu);
	vb->cpu = NULL;
}

/**
 * hvlis_synic_init() - set up the SynIC on every CPU
 * @vb: the bus
 *
 * Return: 0 or a negative errno; on failure nothing is left enabled.
 */
int hvlis_synic_init(struct hvlis_vmbus *vb)
{
	unsigned int cpu;
	int __maybe_unused ret;

	vb->cpu = alloc_percpu(struct hvlis_synic_cpu);
	if (!vb->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct hvlis_synic_cpu *sc = per_cpu_ptr(vb->cpu, cpu);

		tasklet_init(&sc->msg_tasklet, msg_tasklet_fn, (unsigned long)sc);
		sc->msg_page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
		sc->event_page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
		if (!sc->msg_page || !sc->event_page) {
			free_cpu_pages(vb);
			return -ENOMEM;
		}
	}
#ifdef HAVE_CPUHP_SETUP_STATE
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvlis/vmbus:online",
				synic_cpu_up, synic_cpu_down);
	if (ret < 0) {
		free_cpu_pages(vb);
		return ret;
	}
	hp_state = ret;
#else
	/* No hotplug state machine: CPUs onlined later get no channels. */
	on_each_cpu(synic_up_local, NULL, 1);
#endif
	return 0;
}

/**
 * hvlis_synic_exit() - disable the SynIC on every CPU and free its pages
 * @vb: the bus (disconnected from the host already)
 */
void hvlis_synic_exit(struct hvlis_vmbus *vb)
{
	if (!vb->cpu)
		return;
#ifdef HAVE_CPUHP_SETUP_STATE
	if (hp_state >= 0)
		cpuhp_remove_state(hp_state);
	hp_state = -1;
#else
	on_each_cpu(synic_down_local, NULL, 1);
#endif
	free_cpu_pages(vb);
}

/**
 * hvlis_synic_crash_disable() - disable the SynIC on this CPU only
 *
 * For the kexec and crash paths, where other CPUs may be stopped.
 */
void hvlis_synic_crash_disable(void)
{
	if (hvlis_vmbus.cpu)
		synic_down_local(NULL);
}
