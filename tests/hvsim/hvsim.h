/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsim internals shared by the host core and its control interface. */
#ifndef HVSIM_H
#define HVSIM_H

#include <linux/seq_file.h>
#include <hvlis/vmbus_proto.h>

enum sim_kind {
	SIM_IDLE,	/* offered, opens, swallows packets */
	SIM_ECHO,	/* sends every packet back */
};

/* The test echo device class: f00dcafe-0000-4000-8000-68766c697331 */
#define HVSIM_GUID_ECHO HVLIS_GUID(0xf00dcafe, 0x0000, 0x4000, \
	0x80, 0x00, 0x68, 0x76, 0x6c, 0x69, 0x73, 0x31)

/* A class no driver binds: f00dcafe-0000-4000-8000-68766c697332 */
#define HVSIM_GUID_IDLE HVLIS_GUID(0xf00dcafe, 0x0000, 0x4000, \
	0x80, 0x00, 0x68, 0x76, 0x6c, 0x69, 0x73, 0x32)

const char *hvsim_kind_name(enum sim_kind kind);
int hvsim_add_device(enum sim_kind kind, const struct hvlis_guid *type,
		     const struct hvlis_guid *instance, u16 sub_index);
int hvsim_rescind(u32 relid);
int hvsim_add_subchannels(u32 relid, unsigned int count);
void hvsim_show_devices(struct seq_file *s);
void hvsim_show_stats(struct seq_file *s);
unsigned int *hvsim_host_version(void);
void hvsim_debugfs_init(void);
void hvsim_debugfs_exit(void);

#endif
