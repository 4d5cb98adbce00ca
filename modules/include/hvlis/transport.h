/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The transport seam of hv_vmbus: everything it needs from the hypervisor.
 * hv_vmbus's hv_x86.c implements it on Hyper-V; a simulated host (the
 * test-only tests/hvsim) implements it without one and exports it as
 * <name>_transport, which hv_vmbus's "transport" module parameter names.
 * Public so that an implementation needs no hv_vmbus internals: it
 * includes this header and the wire formats (hvlis/vmbus_proto.h), never a
 * file under modules/hv_vmbus/.
 */
#ifndef HVLIS_TRANSPORT_H
#define HVLIS_TRANSPORT_H

#include <hvlis/types.h>

struct module;

/*
 * How long hv_vmbus waits for the host's answer to a request (open,
 * GPADL, ...) before failing it: part of the contract with a host, which
 * a simulated host needs to answer late on purpose.
 */
#define HVLIS_REQUEST_TIMEOUT_MS	10000

/**
 * struct hvlis_transport - what hv_vmbus needs from the hypervisor
 * @name: shown in the log
 * @init: detect the hypervisor and set up hypercalls; -ENODEV if absent.
 *	  @isr is the function to call, in interrupt context on the CPU that
 *	  was interrupted, whenever the VMBus SINT fires.
 * @exit: undo @init
 * @synic_enable: on @cpu itself: point the SynIC at the message and event
 *	  pages (page-aligned, one 4 KiB page each), unmask the VMBus SINT
 * @synic_disable: on @cpu itself: mask the SINT, detach the pages
 * @vp_index: the hypervisor's number for a CPU
 * @post_message: HvPostMessage; returns the hypervisor status code
 * @signal_event: HvSignalEvent; returns the hypervisor status code
 * @eom: end of message on this CPU: the next queued message may come
 * @ref_time: the partition reference counter (100 ns ticks), any context;
 *	  NULL when the transport has none
 * @set_crash_handler: NULL on Hyper-V, where the kernel's arch hooks call
 *	  hv_vmbus on kexec and crash; a simulated host gets here the function
 *	  those hooks would call (NULL: forget it), to drive that path itself
 */
struct hvlis_transport {
	const char *name;
	int (*init)(void (*isr)(void));
	void (*exit)(void);
	void (*synic_enable)(unsigned int cpu, void *msg_page, void *event_page);
	void (*synic_disable)(unsigned int cpu);
	u32 (*vp_index)(unsigned int cpu);
	u16 (*post_message)(u32 connection_id, const void *payload, u32 len);
	u16 (*signal_event)(u32 connection_id, u16 flag);
	void (*eom)(void);
	u64 (*ref_time)(void);
	void (*set_crash_handler)(void (*fn)(void));
	struct module *owner;
};

#endif
