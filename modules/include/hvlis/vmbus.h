/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hv_vmbus API for VMBus device drivers (VSCs): hv_netvsc, hv_storvsc,
 * hv_utils, hv_balloon and the test drivers.
 *
 * Every exported symbol is prefixed hvlis_: an in-box driver built against
 * the distribution's own hv_vmbus can never bind to ours by accident (it
 * fails to load with an unknown symbol instead of calling into a different
 * ABI).
 */
#ifndef HVLIS_VMBUS_H
#define HVLIS_VMBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <hvlis/vmbus_proto.h>
#include <hvlis/ring.h>

struct hvlis_channel;

/* One entry of a driver's id table; the table ends with an all-zero GUID. */
struct hvlis_device_id {
	struct hvlis_guid guid;
	unsigned long driver_data;
};

/* A VMBus device: one primary channel offered by the host. */
struct hvlis_device {
	struct device dev;
	struct hvlis_channel *channel;	/* the primary channel */
	struct hvlis_guid class_id;	/* offer's if_type */
	struct hvlis_guid instance_id;	/* offer's if_instance */
	struct kobject *channels_kobj;	/* sysfs: channels/<relid>/ */
	char *driver_override;		/* sysfs: bind only to this driver */
};

/* The longest driver name driver_override accepts (without the NUL). */
#define HVLIS_DRIVER_NAME_MAX	64

/*
 * A VMBus device driver. suspend() and resume() serve hibernation (the
 * bus's freeze/poweroff and thaw/restore): suspend closes every channel the
 * driver opened, resume opens them again; without them a bound device
 * refuses to hibernate (-EOPNOTSUPP).
 */
struct hvlis_driver {
	const char *name;
	const struct hvlis_device_id *id_table;
	int (*probe)(struct hvlis_device *dev, const struct hvlis_device_id *id);
	void (*remove)(struct hvlis_device *dev);
	void (*shutdown)(struct hvlis_device *dev);
	int (*suspend)(struct hvlis_device *dev);
	int (*resume)(struct hvlis_device *dev);
	struct device_driver driver;
};

#define to_hvlis_device(d)	container_of(d, struct hvlis_device, dev)
#define to_hvlis_driver(d)	container_of(d, struct hvlis_driver, driver)

int __hvlis_driver_register(struct hvlis_driver *drv, struct module *owner);
#define hvlis_driver_register(drv) __hvlis_driver_register(drv, THIS_MODULE)
void hvlis_driver_unregister(struct hvlis_driver *drv);

static inline void *hvlis_get_drvdata(struct hvlis_device *dev)
{
	return dev_get_drvdata(&dev->dev);
}

static inline void hvlis_set_drvdata(struct hvlis_device *dev, void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

/* Channel callback: runs in softirq context on the channel's target CPU. */
typedef void (*hvlis_channel_cb)(void *context);

int hvlis_channel_open(struct hvlis_channel *ch, u32 send_ring_bytes,
		       u32 recv_ring_bytes, const void *user_data, u32 user_len,
		       hvlis_channel_cb cb, void *context);
void hvlis_channel_close(struct hvlis_channel *ch);

int hvlis_sendpacket(struct hvlis_channel *ch, const void *data, u32 len,
		     u64 trans_id, u16 type, u16 flags);
int hvlis_sendpacket_pagebuffer(struct hvlis_channel *ch,
				const struct hvlis_page_buffer *pb, u32 count,
				const void *data, u32 len, u64 trans_id);
int hvlis_sendpacket_mpb(struct hvlis_channel *ch, const struct hvlis_gpa_range *ranges,
			 u32 ranges_bytes, u32 range_count, const void *data, u32 len,
			 u64 trans_id);
int hvlis_recvpacket(struct hvlis_channel *ch, void *buf, u32 buf_len,
		     u32 *data_len, u64 *trans_id);
int hvlis_recvpacket_raw(struct hvlis_channel *ch, void *buf, u32 buf_len,
			 u32 *pkt_len);
int hvlis_skippacket(struct hvlis_channel *ch);

int hvlis_gpadl_establish(struct hvlis_channel *ch, void *buf, u32 size,
			  u32 *gpadl);
int hvlis_gpadl_teardown(struct hvlis_channel *ch, u32 gpadl);

void hvlis_channel_set_subchannel_cb(struct hvlis_channel *primary,
				     void (*cb)(struct hvlis_channel *sub));
unsigned int hvlis_channel_subchannel_index(const struct hvlis_channel *ch);
struct hvlis_channel *hvlis_channel_primary(struct hvlis_channel *ch);
bool hvlis_channel_rescinded(const struct hvlis_channel *ch);
void hvlis_channel_set_context(struct hvlis_channel *ch, void *context);
void *hvlis_channel_context(const struct hvlis_channel *ch);
const struct hvlis_offer *hvlis_channel_offer(const struct hvlis_channel *ch);
int hvlis_channel_set_cpu(struct hvlis_channel *ch, unsigned int cpu);
u32 hvlis_vmbus_version(void);
u64 hvlis_read_ref_time(void);

/* Request and answer (request.c): the init handshakes every driver does. */
#define HVLIS_REQUEST_TID_FLAG	(1ULL << 63)	/* ids the helper hands out */
int hvlis_chan_request(struct hvlis_channel *ch, const void *data, u32 len,
		       void *answer, u32 answer_max, u32 *answer_len,
		       unsigned int timeout_ms);
bool hvlis_chan_request_complete(struct hvlis_channel *ch, u64 trans_id,
				 const void *data, u32 len);
/* end of request.c */

/* ---- Batched in-place receive and send flow control (channel_iter.c) */
int hvlis_channel_iter_begin(struct hvlis_channel *ch, struct hvlis_ring_iter *it);
int hvlis_channel_iter_next(struct hvlis_channel *ch, struct hvlis_ring_iter *it,
			    void *bounce, u32 bounce_len,
			    struct hvlis_packet_desc *desc, const void **pkt,
			    u32 *pkt_len);
void hvlis_channel_iter_end(struct hvlis_channel *ch, struct hvlis_ring_iter *it);
void hvlis_channel_mask_interrupts(struct hvlis_channel *ch);
u32 hvlis_channel_unmask_interrupts(struct hvlis_channel *ch);
u32 hvlis_channel_write_avail(struct hvlis_channel *ch);
void hvlis_channel_set_pending_send(struct hvlis_channel *ch, u32 bytes);

#endif
