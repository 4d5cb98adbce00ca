// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_MQ_UNIQUE_TAG: blk_mq_unique_tag() and blk_mq_unique_tag_to_hwq()
 * (3.19): the hardware queue a blk-mq request was dispatched on.
 */
/* hvlis-probe-export: blk_mq_unique_tag */
#include <linux/blkdev.h>
#include <linux/blk-mq.h>

static u16 hwq;

void hvlis_probe(void)
{
	hwq = blk_mq_unique_tag_to_hwq(blk_mq_unique_tag((struct request *)0));
}
