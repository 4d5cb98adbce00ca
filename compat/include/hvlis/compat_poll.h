/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ->poll() differences for hv_utils' daemon devices, keyed by the HAVE_*
 * results of compat/probes.
 */
#ifndef HVLIS_COMPAT_POLL_H
#define HVLIS_COMPAT_POLL_H

#include <hvlis/compat_base.h>
#include <linux/poll.h>

/* ->poll()'s type and bits: __poll_t/EPOLL* (4.16+) or unsigned int/POLL*. */
#ifdef HAVE_POLL_T
#define hvlis_poll_t __poll_t
#define HVLIS_POLL_IN	(EPOLLIN | EPOLLRDNORM)
#define HVLIS_POLL_OUT	(EPOLLOUT | EPOLLWRNORM)
#define HVLIS_POLL_HUP	(EPOLLHUP | EPOLLERR)
#else
#define hvlis_poll_t unsigned int
#define HVLIS_POLL_IN	(POLLIN | POLLRDNORM)
#define HVLIS_POLL_OUT	(POLLOUT | POLLWRNORM)
#define HVLIS_POLL_HUP	(POLLHUP | POLLERR)
#endif

#endif
