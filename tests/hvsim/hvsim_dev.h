/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device kinds of hvsim that speak for the host through a table of
 * operations (the storage host, stor_host.c): host.c owns the channels,
 * their rings and the VMBus messages; a device kind gets its offers,
 * opens, closes and packets through struct hvsim_dev_ops and answers with
 * hvsim_chan_give(). The echo and IC kinds predate the table and are still
 * wired into host.c directly.
 */
#ifndef HVSIM_DEV_H
#define HVSIM_DEV_H

#include <linux/seq_file.h>
#include <hvlis/vmbus_proto.h>

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
};

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
