// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_READ_ONCE_CONST: READ_ONCE() accepts a const object (RHEL 6's backport does not) */
#include <linux/compiler.h>

void hvlis_probe(void)
{
	static const int x;
	int v = READ_ONCE(x);

	(void)v;
}
