/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included into every compat probe: each probe defines
 * hvlis_probe(), which is never called; it only has to compile.
 */
#include <linux/module.h>
void hvlis_probe(void);
MODULE_LICENSE("GPL");
