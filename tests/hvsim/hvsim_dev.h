/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device plug-ins of hvsim. The host core (host.c) owns the channels,
 * their rings and the VMBus messages; every channel belongs to a device
 * kind that speaks for the host through a table of operations, struct
 * hvsim_dev_ops: its offers, opens, closes and packets. A kind answers
 * with hvsim_chan_give() (or, in place, hvsim_chan_reply_locked()).
 * Kinds: idle and echo (echo_host.c), the integration services
 * (ic_host.c), storage (stor_host.c), network (net_host.c).
 *
 * Each kind is also listed once in the registry (struct hvsim_kind,
 * registry.c): the classes it claims, how the ctl file adds a device of
 * it, its ctl command, its debugfs file, its lines in stats, its module
 * init and exit. A new kind's host goes in a file of its own here and one
 * entry in the registry; host.c has no branch for any kind.
 */
#ifndef HVSIM_DEV_H
#define HVSIM_DEV_H

#include <linux/seq_file.h>
#include <linux/mutex.h>
#include <hvlis/vmbus_proto.h>
#include "hvsim.h"

struct sim_chan;

struct hvsim_dev_ops {
	const char *name;		/* as in the devices file */
	/*
	 * Under host.c's lock, must not call back into host.c:
	 * offer: fill in what the offer carries besides the class and instance
	 * (user_def); opened/closed: the guest opened or closed the channel
	 * (closed also for a rescind or an UNLOAD, with @gone set);
	 * released: the channel is forgotten, its relid free.
	 */
	void (*offer)(void *priv, u32 relid, u16 sub_index, struct hvlis_offer *offer);
	void (*opened)(void *priv, u32 relid, u16 sub_index);
	void (*closed)(void *priv, u32 relid, u16 sub_index, bool gone);
	void (*released)(void *priv, u32 relid, u16 sub_index);
	/*
	 * A packet the guest wrote (descriptor included, already consumed
	 * from its ring). Called without host.c's lock, in process context,
	 * one packet of a channel at a time; may sleep and may call
	 * hvsim_chan_give() and the other host.c functions.
	 */
	void (*packet)(void *priv, u32 relid, u16 sub_index, const u8 *pkt, u32 len);
	/*
	 * Instead of packet, for a kind that answers at once and leaves a
	 * packet in the guest's ring while its answer finds no room (flow
	 * control, as the echo device does): called under host.c's lock, in
	 * its ordered queue, with the packet still in the ring; answers with
	 * hvsim_chan_reply_locked(). Returns 0 (the packet is consumed),
	 * -EPROTO (consumed, counted bad), or what hvsim_chan_reply_locked()
	 * returned: -EAGAIN (look again), -ENOSPC (wait for room), -EIO.
	 * With neither packet nor packet_locked, packets are swallowed.
	 */
	int (*packet_locked)(void *priv, struct sim_chan *c, u32 relid, const u8 *pkt, u32 len);
	/*
	 * The host made the sub-channels (the ctl "sub" command): offered
	 * again to the next guest after an UNLOAD. Without it, sub-channels
	 * are the guest's (asked for through the device's protocol) and an
	 * UNLOAD forgets them.
	 */
	bool keep_subchannels;
	/*
	 * Serve a channel's packets on the CPU that signalled it (a per-CPU
	 * worker), as a host does that takes a guest's request where it
	 * arrives, instead of on whichever CPU the unbound queue picks: no
	 * hand-off to another CPU for the request, and a completion for a
	 * channel bound to that CPU raises its interrupt there. And the
	 * packets found in one go are a batch: the guest is signalled once
	 * for their answers (hvsim_chan_give()), when the batch ends. For
	 * packet kinds only; the serving must sleep, never spin, while it
	 * waits.
	 */
	bool serve_on_signaller;
};

/*
 * A device kind in the registry (registry.c). Every member may be NULL
 * but name and claims.
 */
struct hvsim_kind {
	const char *name;		/* its ctl command and debugfs file */
	bool (*claims)(const struct hvlis_guid *class_id);
	/*
	 * ctl "add": @instance is the one given (@given) or the next default
	 * one; @opts the key=value options, "" for none. Returns the relid or
	 * a negative errno.
	 */
	int (*add)(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		   bool given, int monitor, char *opts);
	int (*command)(char *args);		/* ctl "<name> ..." */
	void (*show)(struct seq_file *s);	/* debugfs file <name> */
	void (*stats)(struct seq_file *s);	/* its lines of the stats file */
	int (*init)(void);			/* module load */
	void (*exit)(void);			/* module unload, after the host stopped */
};

extern const struct hvsim_kind *const hvsim_kinds[];
extern const unsigned int hvsim_nkinds;
const struct hvsim_kind *hvsim_kind_of(const struct hvlis_guid *class_id);

/* The idle and echo kinds (echo_host.c). */
extern const struct hvsim_dev_ops hvsim_idle_ops;
extern const struct hvsim_kind hvsim_echo_kind;

/* The integration services (ic_host.c). */
extern const struct hvsim_kind hvsim_ic_kind;

int hvsim_add_dev(const struct hvsim_dev_ops *ops, void *priv, const struct hvlis_guid *type,
		  const struct hvlis_guid *instance, u16 sub_index, int monitor);
int hvsim_chan_give(u32 relid, const void *pkt, u32 len);
int hvsim_chan_give_xfer(u32 relid, u16 set_id, u32 offset, u32 count, const void *payload,
			 u32 len, u64 tid);
int hvsim_gpa_gather(const u8 *pkt, u32 len, u8 *dst, u32 dst_max, u32 *copied);
void *hvsim_map_pfns(const u64 *pfns, u32 n);

/* A GPADL of a channel, mapped by the host (hvsim_gpadl_map()). */
struct hvsim_map {
	void *va;		/* all its pages, in order */
	struct page **pages;	/* referenced while mapped */
	u32 npages;
	u32 bytes;		/* npages * HVLIS_HV_PAGE_SIZE */
};

int hvsim_gpadl_map(u32 relid, u32 handle, struct hvsim_map *map);
void hvsim_gpadl_unmap(struct hvsim_map *map);
u32 hvsim_pkt_build(void *out, u32 out_max, u16 type, u64 tid, const void *payload, u32 len);
int hvsim_chan_complete(u32 relid, u16 type, u64 tid, const void *payload, u32 len);
int hvsim_cmd_args(char **args, unsigned int *relid, char **verb);
int hvsim_fault_arm(const char *const *names, unsigned int n, char *args, struct mutex *lock,
		    u32 *left);
int hvsim_chan_reply_locked(struct sim_chan *c, const void *pkt, u32 len);
int hvsim_gpadl_pfns_locked(u32 relid, u32 handle, const u64 **pfns, u32 *npfns);
bool hvsim_armed_take(enum hvsim_fault kind, u32 relid, u32 *arg);
int hvsim_parse_fault(const char *const *names, unsigned int n, char *args,
		      unsigned int *count);

/* The storage host (stor_host.c). */
bool hvsim_stor_class(const struct hvlis_guid *class_id);
int hvsim_stor_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		   int monitor, char *opts);
int hvsim_stor_command(char *args);
void hvsim_stor_show(struct seq_file *s);
void hvsim_stor_exit(void);

/* The network host (net_host.c). */
bool hvsim_net_class(const struct hvlis_guid *class_id);
int hvsim_net_add(const struct hvlis_guid *instance, int monitor, char *opts);
int hvsim_net_command(char *args);
void hvsim_net_show(struct seq_file *s);
void hvsim_net_exit(void);

#endif
