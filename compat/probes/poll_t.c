// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_POLL_T: __poll_t and the EPOLL* event bits for ->poll() (4.16) */
#include <linux/poll.h>

void hvlis_probe(void)
{
	__poll_t m = EPOLLIN | EPOLLRDNORM | EPOLLHUP;

	(void)m;
}
