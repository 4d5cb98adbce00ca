/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File I/O from the kernel (the simulated host's file-backed disks):
 * hvlis_kernel_read()/hvlis_kernel_write() with the 4.14 argument order,
 * advancing *pos, on every kernel that has kernel_write() (3.9). Keyed by
 * HAVE_KERNEL_READ_POS (compat/probes/kernel_read_pos.c). And
 * DEFINE_SHOW_ATTRIBUTE (4.16) where <linux/seq_file.h> lacks it.
 */
#ifndef HVLIS_COMPAT_FS_H
#define HVLIS_COMPAT_FS_H

#include <hvlis/compat_base.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

/*
 * DEFINE_SHOW_ATTRIBUTE(name): name_fops, a read-only seq_file of one
 * record, written by name_show() with the inode's i_private as s->private.
 * A macro of <linux/seq_file.h> since 4.16: tested by its own name.
 */
#ifndef DEFINE_SHOW_ATTRIBUTE
#define DEFINE_SHOW_ATTRIBUTE(name)						\
static int name##_open(struct inode *inode, struct file *file)			\
{										\
	return single_open(file, name##_show, inode->i_private);		\
}										\
static const struct file_operations name##_fops = {				\
	.owner = THIS_MODULE,							\
	.open = name##_open,							\
	.read = seq_read,							\
	.llseek = seq_lseek,							\
	.release = single_release,						\
}
#endif

#ifdef HAVE_KERNEL_READ_POS
#define hvlis_kernel_read(f, buf, n, pos)	kernel_read(f, buf, n, pos)
#define hvlis_kernel_write(f, buf, n, pos)	kernel_write(f, buf, n, pos)
#else
static inline ssize_t hvlis_kernel_read(struct file *f, void *buf, size_t n, loff_t *pos)
{
	int r = kernel_read(f, *pos, buf, n);

	if (r > 0)
		*pos += r;
	return r;
}

static inline ssize_t hvlis_kernel_write(struct file *f, const void *buf, size_t n,
					 loff_t *pos)
{
	ssize_t r = kernel_write(f, buf, n, *pos);

	if (r > 0)
		*pos += r;
	return r;
}
#endif

#endif
