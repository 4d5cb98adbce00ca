// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compiled by compat/probe.sh twice, as it is and with
 * -fno-reorder-blocks-and-partition: a function that sets up a frame (it
 * calls another) and has an unlikely path, which gcc 8 and later move into
 * a part of their own (hvlis_cold_split.cold). An objtool that predates that
 * naming checks the part as a function and warns ("frame pointer state
 * mismatch"); if only the first object draws an objtool warning, hvlis's
 * modules are built with -fno-reorder-blocks-and-partition on that tree.
 */
#include <linux/kernel.h>
#include <linux/errno.h>

static noinline int hvlis_cold_split_step(int v)
{
	return v * 3 + 1;
}

static int hvlis_cold_split(const int *v, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		if (unlikely(v[i] < 0)) {
			pr_err("hvlis: bad value %d at %d of %d\n", v[i], i, n);
			return -EINVAL;
		}
		s += hvlis_cold_split_step(v[i]);
	}
	return s;
}

/* taken by address, so the function is compiled as it is */
int (*hvlis_cold_split_fn)(const int *v, int n) = hvlis_cold_split;
