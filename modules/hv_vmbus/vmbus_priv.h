/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_vmbus internals. Layers, bottom up:
 *
 *   transport   the hypervisor-facing operations (struct hvlis_transport):
 *               HvPostMessage, HvSignalEvent, SynIC registers, the interrupt.
 *               hv_x86.c implements it on Hyper-V; the test-only simulated
 *               host (tests/hvsim) implements it without a hypervisor.
 *   synic       per-CPU message and event pages, the interrupt handler.
 *   connection  version negotiation, posting messages, request/response,
 *               unload.
 *   channels    offers, rescinds, open/close, GPADLs, ring buffers.
 *   bus         the "vmbus" bus type, devices, drivers, sysfs, uevents.
 */
#ifndef HVLIS_VMBUS_PRIV_H
#define HVLIS_VMBUS_PRIV_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <linux/kref.h>
#include <linux/kobject.h>
#include <hvlis/types.h>
#include <hvlis/ring.h>
#include <hvlis/chanmsg.h>
#include <hvlis/vmbus.h>
#include <hvlis/transport.h>

#define HVLIS_CONNECT_CPU	0	/* messages arrive on CPU 0 */
#define HVLIS_OFFERS_TIMEOUT_MS		60000

extern const struct hvlis_transport hvlis_hyperv_transport;

enum hvlis_channel_state {
	HVLIS_CHAN_OFFERED,
	HVLIS_CHAN_OPENING,
	HVLIS_CHAN_OPEN,
	HVLIS_CHAN_CLOSING,
};

struct hvlis_channel {
	struct kref ref;
	struct hvlis_msg_offer_channel offer;
	u32 relid;
	u32 sig_conn_id;		/* connection id for HvSignalEvent */
	bool dedicated_interrupt;
	bool monitored;
	u8 monitor_grp, monitor_bit;
	enum hvlis_channel_state state;
	bool rescinded;			/* set at once when the rescind arrives */
	bool rescind_handled;		/* the rescind's work has run */
	bool relid_released;		/* RELID_RELEASED sent (or not needed) */

	struct hvlis_channel *primary;	/* NULL for a primary channel */
	struct list_head subchannels;	/* primary: its sub-channels */
	struct list_head sub_node;
	struct list_head node;		/* vmbus.channels (primaries) */
	struct hvlis_device *device;	/* primary: its device */
	/* primary: called for each sub-channel offered, under subchannel_cb_lock */
	void (*subchannel_cb)(struct hvlis_channel *sub);
	struct mutex subchannel_cb_lock;	/* a call of subchannel_cb, and its change */

	unsigned int target_cpu;	/* changed only under chan_mutex */
	u32 target_vp;
	bool moving;			/* a MODIFYCHANNEL is under way */

	/* Open channel: both rings in one GPADL, outbound first. */
	void *ring_pages;
	u32 ring_alloc_bytes;
	u32 ring_gpadl;
	struct hvlis_ring out, in;
	spinlock_t out_lock;		/* senders; state changes to/from OPEN */
	spinlock_t in_lock;		/* receivers; state changes to/from OPEN */

	hvlis_channel_cb callback;
	void *context;
	struct tasklet_struct tasklet;

	/* request.c: hvlis_chan_request() callers waiting for an answer */
	spinlock_t req_lock;
	struct list_head requests;
	u64 req_seq;			/* under req_lock */

	struct kobject kobj;		/* channels/<relid> in sysfs */
	bool kobj_added;

	/* counters, shown in sysfs */
	u64 interrupts;			/* signals from the host */
	u64 interrupts_other_cpu;	/* ... seen on a CPU not its target */
	u64 moves;			/* CPU moves the host accepted */
	u64 sig_events;			/* signals to the host */
	u64 intr_out_empty;		/* ... a send into an empty outbound ring */
	u64 intr_in_full;		/* ... a read made room the host waits for */
	u64 out_full;			/* sends that found no room */
	u64 out_full_first;		/* ... the first of a run of them */
	bool out_full_now;		/* the last send found no room */
	u64 bad_packets;		/* host packets rejected */
};

/* A guest request waiting for the host's answer. */
struct hvlis_waiter {
	struct list_head node;
	u32 resp_type;
	u64 key;
	u32 relid;		/* 0, or the channel whose rescind fails it */
	int error;
	struct completion done;
	u8 resp[HVLIS_MESSAGE_PAYLOAD_BYTES];
	u32 resp_len;
};

struct hvlis_synic_cpu {
	void *msg_page;
	void *event_page;
	struct tasklet_struct msg_tasklet;
	bool enabled;
};

/* Bits of hvlis_vmbus.queued: an offer, a rescind per relid; ALLOFFERS_DELIVERED. */
#define HVLIS_QSLOT_OFFER(relid)	(relid)
#define HVLIS_QSLOT_RESCIND(relid)	(HVLIS_MAX_RELID + 1 + (relid))
#define HVLIS_QSLOT_ALLOFFERS		(2 * (HVLIS_MAX_RELID + 1))
#define HVLIS_QSLOTS			(HVLIS_QSLOT_ALLOFFERS + 1)

struct hvlis_vmbus {
	const struct hvlis_transport *tp;
	u32 version;
	u32 msg_conn_id;
	bool connected;
	bool unloading;

	struct hvlis_synic_cpu __percpu *cpu;
	void *int_page;			/* WS2008/WIN7 interrupt page */
	void *monitor_pages[2];		/* [0] host->guest, [1] guest->host */

	/* relid -> channel, looked up from the interrupt handler */
	struct hvlis_channel __rcu *relid_map[HVLIS_MAX_RELID + 1];
	spinlock_t relid_lock;		/* writers of relid_map */

	struct mutex chan_mutex;	/* offers, rescinds, open/close */
	wait_queue_head_t close_wq;	/* a close finished (CLOSING -> OFFERED) */
	struct list_head channels;	/* primary channels */
	struct workqueue_struct *wq;	/* ordered: offers and rescinds */
	/* which offers, rescinds (per relid) and ALLOFFERS_DELIVERED wait on wq */
	DECLARE_BITMAP(queued, HVLIS_QSLOTS);

	spinlock_t waiter_lock;		/* waiters */
	struct list_head waiters;	/* requests waiting for an answer */
	struct completion offers_done;
	atomic_t next_gpadl;
	unsigned int next_cpu;		/* round-robin channel placement */

	/* counters */
	atomic64_t msgs_in, msgs_bad, timer_msgs, eom_writes;
	atomic64_t rescinds_unknown;	/* of a relid with no channel, no offer queued */
	atomic64_t msgs_dup;		/* an offer or rescind that waited already */
};

extern struct hvlis_vmbus hvlis_vmbus;

/* stats.c */
void hvlis_stats_init(struct hvlis_vmbus *vb);
void hvlis_stats_exit(void);

/* synic.c */
int hvlis_synic_init(struct hvlis_vmbus *vb);
void hvlis_synic_exit(struct hvlis_vmbus *vb);
void hvlis_vmbus_isr(void);
void hvlis_synic_crash_disable(void);
void hvlis_release_message_slot(struct hvlis_vmbus *vb, struct hvlis_hv_message *m);

/* connection.c */
int hvlis_post_msg(struct hvlis_vmbus *vb, const void *msg, u32 len, bool can_sleep);
int hvlis_request(struct hvlis_vmbus *vb, const void *msg, u32 len,
		  struct hvlis_waiter *w, u32 resp_type, u64 key, u32 relid);
void hvlis_waiter_init(struct hvlis_waiter *w);
int hvlis_waiter_arm(struct hvlis_vmbus *vb, struct hvlis_waiter *w,
		     u32 resp_type, u64 key, u32 relid);
int hvlis_waiter_wait(struct hvlis_vmbus *vb, struct hvlis_waiter *w, int post_ret);
void hvlis_fail_waiters(struct hvlis_vmbus *vb, u32 relid, int error);
bool hvlis_complete_waiter(struct hvlis_vmbus *vb, u32 type, u64 key,
			   const void *msg, u32 len);
int hvlis_connect(struct hvlis_vmbus *vb);
void hvlis_disconnect(struct hvlis_vmbus *vb, bool crash);
void hvlis_connection_free(struct hvlis_vmbus *vb);
void hvlis_signal_host(struct hvlis_channel *ch);

/* channel_mgmt.c */
void hvlis_handle_message(struct hvlis_vmbus *vb, const void *msg, u32 len);
void hvlis_channels_exit(struct hvlis_vmbus *vb);
void hvlis_channel_put(struct hvlis_channel *ch);
struct hvlis_channel *hvlis_channel_get(struct hvlis_channel *ch);
void hvlis_channel_event(struct hvlis_channel *ch);

/* request.c */
void hvlis_chan_requests_fail(struct hvlis_channel *ch, int error);

/* channel.c */
int hvlis_channel_sysfs_add(struct hvlis_channel *ch);
void hvlis_channel_sysfs_del(struct hvlis_channel *ch);

/* bus.c */
int hvlis_bus_init(void);
void hvlis_bus_exit(void);
int hvlis_device_add(struct hvlis_channel *ch);
void hvlis_device_del(struct hvlis_channel *ch);
extern struct bus_type hvlis_bus;

#endif
