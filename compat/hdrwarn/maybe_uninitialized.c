// SPDX-License-Identifier: GPL-2.0-only
/*
 * -Wmaybe-uninitialized (gcc 11 and later also warn when the address of
 * an uninitialized object goes to a function's const pointer argument):
 * RHEL 7's <linux/thread_info.h> with HARDENED_USERCOPY hands the
 * destination of every copy_from_user() to __check_object_size(const
 * void *), so each copy into a local buffer warns ("'buf' may be used
 * uninitialized"), though the copy is what fills it. Debian's 6.1
 * emits it the same way under -Werror=maybe-uninitialized, but Debian's
 * kernels (5.10 and later) build with -Wno-maybe-uninitialized anyway
 * (their Makefile), so the silencing changes nothing there; RHEL 7's
 * Makefile leaves the warning on. Nothing of ours is involved: a copy
 * into a local buffer, as any write handler does.
 */
#include <linux/module.h>
#include <linux/uaccess.h>

unsigned long hvlis_hdrwarn_copy(const char __user *from, unsigned long len);

unsigned long hvlis_hdrwarn_copy(const char __user *from, unsigned long len)
{
	char buf[16];

	if (len > sizeof(buf))
		return len;
	return copy_from_user(buf, from, len);
}
