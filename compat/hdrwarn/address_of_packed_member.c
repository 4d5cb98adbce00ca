// SPDX-License-Identifier: GPL-2.0-only
/*
 * -Waddress-of-packed-member (gcc 9 and later): kernels from 5.1 turn it
 * off, older ones (RHEL 7's 3.10, RHEL 8's 4.18) leave it on, and their
 * asm/mshyperv.h (inlines that take the address of a member of a packed
 * struct, included by hv_vmbus) emits it: a header we do not own. On a
 * kernel without that header both compilations fail: nothing to silence.
 */
#include <linux/module.h>
#include <asm/mshyperv.h>
