// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_KERNEL_READ_POS: kernel_read()/kernel_write() take (file, buf,
 * count, loff_t *pos) (4.14); before, kernel_read(file, offset, addr,
 * count) and kernel_write(file, buf, count, loff_t pos)
 */
#include <linux/fs.h>

void hvlis_probe(void)
{
	static char buf[8];
	loff_t pos = 0;
	ssize_t r = kernel_read(NULL, buf, sizeof(buf), &pos);
	ssize_t w = kernel_write(NULL, buf, sizeof(buf), &pos);

	(void)r;
	(void)w;
}
