// SPDX-License-Identifier: GPL-2.0-only
/*
 * -Wmissing-attributes (gcc 9 and later): old kernels' module_init() and
 * module_exit() declare init_module/cleanup_module as aliases of the
 * driver's __init/__exit function without copying its attributes, so every
 * module warns under a compiler newer than the kernel. Nothing of ours is
 * involved: this file only uses the kernel's macros.
 */
#include <linux/init.h>

static int __init hvlis_hdrwarn_init(void)
{
	return 0;
}

static void __exit hvlis_hdrwarn_exit(void)
{
}

module_init(hvlis_hdrwarn_init);
module_exit(hvlis_hdrwarn_exit);
