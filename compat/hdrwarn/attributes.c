// SPDX-License-Identifier: GPL-2.0-only
/*
 * -Wattributes: 2.6.32's <linux/log2.h> declares ____ilog2_NaN() both
 * const and noreturn, which gcc 8 and later reject as conflicting, in every
 * file that includes <linux/kernel.h>.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
