/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's core, shared by the files of the host (not by device kinds,
 * which see hvsim_dev.h only): its state, channels, rings, GPADLs, and the
 * functions one file of the core calls in another.
 */
#ifndef HVSIM_CORE_H
#define HVSIM_CORE_H

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
#include <linux/ktime.h>
#include <linux/bitops.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <hvlis/compat_cpu.h>
#include <hvlis/compat_mm.h>
#include <hvlis/vmbus_proto.h>
#include <hvlis/chanmsg.h>
#include <hvlis/transport.h>
#include "hvsim.h"
#include "hvsim_dev.h"
#include <linux/sched/mm.h>

#define SIM_MAX_CHANS		128
#define SIM_MSG_TYPE_VMBUS	1	/* SynIC message type of VMBus messages */
#define SIM_CONN_BASE		0x1000	/* channel connection ids */

struct sim_msg {
	struct list_head node;
	u32 conn_id;	/* guest -> host: the connection it was posted to */
	u32 len;
	u32 claim;	/* host -> guest: the payload_size stated (faults lie) */
	bool hurry;	/* host -> guest: into the slot in the EOM that frees it */
	u8 data[HVLIS_MESSAGE_PAYLOAD_BYTES];
};

/* A fault that fires when the guest next does something (an OPENCHANNEL...). */
struct sim_armed {
	enum hvsim_fault kind;
	u32 relid;
	u32 arg;
	u32 left;	/* times it still fires; 0: free slot */
};

#define SIM_MAX_ARMED		16
#define SIM_FAKE_RELID_BASE	1000	/* offers that no host channel backs */
#define SIM_STATUS_UNSUCCESSFUL	0xc0000001

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

/*
 * One channel. Its lock (ring_lock) serialises the data path, the
 * channel's rings and signals, without the host's lock: the channel's
 * worker taking packets out of the guest's ring, a kind's answers into
 * it (hvsim_chan_give() and the other dev_helpers.c senders), ring faults.
 * What says whether and where the rings are (used, relid, ops, priv,
 * open, rescinded, gen, ring_va, guest_out, guest_in, target_vp) changes
 * only with both sim.lock and ring_lock held (sim.lock first; the two are
 * never taken the other way round), so either lock is enough to read it:
 * once a close, rescind or UNLOAD has cleared open under ring_lock and
 * unmapped the rings, no data path can reach them, and the ring GPADL can
 * be torn down (it is in use until then). The rest of the channel's
 * state is sim.lock's; its data path counters are ring_lock's.
 */
struct sim_chan {
	/*
	 * Set up once (hvsim_init()) and kept for the module's life:
	 * sim_chan_clear() leaves them, so a stale queued work item or a
	 * waiter on ring_lock never meets a cleared lock or work, and gen
	 * goes on counting when a slot is reused (a packet's channel is
	 * still it only if gen did not move).
	 */
	struct mutex ring_lock;
	struct work_struct work;
	u32 gen;			/* opens so far, of any channel in the slot */
	u8 *work_buf;			/* the work's packet buffer, kept (xchg) */
	/* The rest is cleared when the slot is freed or taken. */
	bool used;
	u32 relid;
	u32 conn_id;
	struct hvlis_guid type, instance;
	u16 sub_index;
	bool offered, open, rescinded;
	bool monitored;		/* offered with a monitor id */
	bool mute;		/* rescind-after-gpadl: its requests go unanswered */
	u8 monitor_id;
	u32 target_vp;
	u32 moves;			/* MODIFYCHANNELs taken */
	struct sim_gpadl *ring_gpadl;
	void *ring_va;
	struct sim_ring guest_out;	/* the guest writes, we read */
	struct sim_ring guest_in;	/* we write, the guest reads */
	const struct hvsim_dev_ops *ops;	/* its kind's operations */
	void *priv;			/* ... and its state */
	bool want_signal;		/* packet_locked: an answer needs a signal */
	/*
	 * A packet kind's batch: while the channel's worker serves the
	 * packets it found (batching), the answers that would signal the
	 * guest set batch_signal instead, and the worker signals once when
	 * the batch ends (or when an answer finds the ring full).
	 */
	bool batching, batch_signal;
	u64 batches, signals_saved;	/* batches of >= 1 packet; signals saved */
	u64 packets, signals_in, signals_out, bad, waits;
	u64 signals_monitor;		/* pending bits taken from the monitor page */
	u64 monitored_hypercalls;	/* HvSignalEvents although monitored */
};

/* The host: its queues, channels, GPADLs, faults and counters (host.c). */
struct sim_host {
	void (*isr)(void);
	void **msg_page;		/* per CPU */
	void **event_page;		/* per CPU */

	spinlock_t q_lock;		/* the two message queues */
	struct list_head to_host;
	struct list_head to_guest;
	struct workqueue_struct *wq;	/* ordered: host message processing */
	struct workqueue_struct *dev_wq;	/* kinds' packet operations */
	struct workqueue_struct *local_wq;	/* ... served on the signaller's CPU */
	struct work_struct host_work;
	struct delayed_work deliver_work;
	struct delayed_work monitor_work;	/* polls the guest's monitor page */

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

	/* fault injection */
	struct sim_armed armed[SIM_MAX_ARMED];
	u32 next_fake;			/* fake offers: relid and instance */
	atomic_t no_eom_left;		/* messages still to deliver as "pending" */
	atomic_t eom_wait;		/* one of them is out: only an EOM goes on */
	atomic_t hurry_next;		/* rescind-after-gpadl: the next message hurries */
	atomic_t hold;			/* rescind-after-gpadl: queueing two, wait */
	atomic_t hurry_done;		/* rescind-after-gpadl: the rescind went in */
	atomic_t unload_behind;		/* unload-behind firings left */
	struct delayed_work late_work;	/* gpadl-late: the late answer */
	u32 late_handle;
	void (*crash_fn)(void);		/* the guest's kexec/crash handler */

	/* counters */
	atomic_t msgs_from_guest, msgs_to_guest, bad_msgs, unloads, eoms;
	atomic_t gpadls_created, gpadls_torn, opens, closes, relids_released;
	atomic_t teardowns_after_rescind;
	atomic_t monitor_signals, monitor_stray, monitored_hypercalls;
	atomic_t unload_responses, gpadl_pages_freed, requests_after_rescind;
	atomic_t modifies, modifies_refused;	/* MODIFYCHANNEL */
	atomic_t lock_held;		/* "lock hold" has sim.lock (control.c) */
	atomic_t faults[HVSIM_FAULT_COUNT];
	struct dentry *dir;
};

extern struct sim_host sim;

/* host.c */
void *sim_gpa_to_va(u64 gpa);
unsigned int sim_vp_to_cpu(u32 vp);
void sim_raise_irq_fn(void *unused);
void sim_raise_irq(unsigned int cpu);

/* msgs.c */
void sim_deliver_soon(unsigned long delay);
void sim_queue_msg(const void *msg, u32 len, u32 claim);
void sim_queue_to_guest(const void *msg, u32 len);
bool sim_put_in_slot(struct hvlis_hv_message *slot, struct sim_msg *m, u8 msg_flags);
void sim_deliver_fn(struct work_struct *work);
void sim_send_offer(struct sim_chan *c);
void sim_unmap_ring(struct sim_chan *c);
void sim_send_rescind(struct sim_chan *c);
void sim_chan_forget(struct sim_chan *c);
void sim_host_fn(struct work_struct *work);

/* gpadl.c */
struct sim_gpadl *sim_gpadl_find(u32 handle);
void sim_gpadl_free(struct sim_gpadl *g);
void sim_on_gpadl_header(const u8 *msg, u32 len);
void sim_on_gpadl_body(const u8 *msg, u32 len);
void sim_on_gpadl_teardown(const u8 *msg);

/* ring.c */
bool sim_ring_attach(struct sim_ring *r, void *base, u32 bytes);
void sim_ring_put(struct sim_ring *r, u32 at, const void *src, u32 len);
long sim_ring_used(const struct sim_ring *r);
int sim_ring_give(struct sim_ring *r, const void *pkt, u32 len, bool *signal);
bool sim_set_event(unsigned int cpu, u32 relid);
void sim_signal_guest(struct sim_chan *c);
void sim_chan_kick(struct sim_chan *c);
void sim_chan_answered(struct sim_chan *c, bool sig);
void sim_chan_flush_signal(struct sim_chan *c);
void sim_chan_work_fn(struct work_struct *work);

/* channels.c */
struct sim_chan *sim_chan_by_relid(u32 relid);
struct sim_chan *sim_chan_lock_open(u32 relid);
void sim_chan_clear(struct sim_chan *c);
void sim_monitor_fn(struct work_struct *work);
void sim_rescind_with_subchannels(struct sim_chan *c);

/* faults.c */
void sim_late_fn(struct work_struct *work);
bool sim_gpadl_fault(struct sim_gpadl *g);
void sim_unload_fault(void);

#endif
