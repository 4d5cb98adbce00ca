// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvlis_echo: a test VMBus driver (never packaged) for hvsim's echo device.
 * It opens the primary channel and every sub-channel the host offers, and on
 * request sends packets of mixed sizes through each and checks that every
 * echo comes back whole and in order.
 *
 *   /sys/kernel/debug/hvlis_echo/run     write "<count> <min> <max>"
 *   /sys/kernel/debug/hvlis_echo/result  read the last run's result
 *   /sys/kernel/debug/hvlis_echo/bench   write "<bytes> <milliseconds>": packets
 *                                        of that size through the first
 *                                        device's primary channel, as fast as
 *                                        they go, beside memcpy of the same
 *                                        buffers; read the result back
 *   /sys/kernel/debug/hvlis_echo/gpadl   write "<pages> [<offset> <length>
 *                                        [wrong-handle | other-channel]]": a
 *                                        buffer of that many pages, filled
 *                                        with a pattern, becomes a GPADL of
 *                                        the first device's primary channel;
 *                                        the host checksums the range
 *                                        (default: all of it) and we compare;
 *                                        then the GPADL is torn down.
 *                                        wrong-handle names a handle that does
 *                                        not exist; other-channel makes the
 *                                        GPADL on the second device's channel
 *                                        but asks on the first's. Read the
 *                                        result back: "result pass" when the
 *                                        host's answer is right (an error for
 *                                        a range outside the buffer, a wrong
 *                                        handle or channel) and teardown
 *                                        worked
 *   /sys/kernel/debug/hvlis_echo/close   write anything: two closes of the
 *                                        first device's primary channel, the
 *                                        second 500 ms after the first began
 *                                        (a driver racing a rescind's close),
 *                                        then an open of it: it works only if
 *                                        the second close returned once the
 *                                        channel was closed. Read back the
 *                                        open's result ("close ... result
 *                                        pass"); on a failure unbind and bind
 *                                        the device.
 *   /sys/kernel/debug/hvlis_echo/mpb     write "<ranges> <length> <offset>
 *                                        [bad-offset | short | huge]": that
 *                                        many buffers, each <length> bytes
 *                                        at <offset> in its first page and
 *                                        filled with a pattern, go to the
 *                                        host as the ranges of one
 *                                        GPA-direct packet
 *                                        (hvlis_sendpacket_mpb()); the host
 *                                        checksums them in order and we
 *                                        compare. bad-offset (a byte offset
 *                                        of 4096), short (the last PFN
 *                                        missing) and huge (more PFNs than
 *                                        the ring holds) must be refused by
 *                                        the send without reaching the
 *                                        host. Read the result back
 */
#define pr_fmt(fmt) "hvlis_echo: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/io.h>
#include <linux/wait.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/mutex.h>
#include <linux/ktime.h>
#include <hvlis/compat_base.h>
#include <hvlis/vmbus.h>
#include <hvsim/echo_proto.h>

#define ECHO_RING_BYTES		(16 * PAGE_SIZE)
#define ECHO_MAX_PAYLOAD	(5 * PAGE_SIZE)
#define ECHO_MAX_CHANS		16

struct echo_hdr {
	u32 seq;
	u32 len;
	u32 chan;
	u32 reserved;
};

struct echo_chan {
	struct hvlis_channel *ch;
	unsigned int index;
	u32 next_seq;		/* next echo expected */
	u64 received;
	u64 bad;
	u8 *rxbuf;
	bool open;
};

struct echo_dev {
	struct hvlis_device *hd;
	struct mutex lock;		/* chans, nchans */
	struct echo_chan chans[ECHO_MAX_CHANS];
	unsigned int nchans;
};

static DECLARE_WAIT_QUEUE_HEAD(echo_wait);
static bool bench_mode;			/* callbacks only count */
static char bench_result[256] = "no benchmark yet\n";
static DEFINE_MUTEX(echo_lock);		/* the device list and runs */
static struct echo_dev *echo_devs[8];
static char last_result[256] = "no run yet\n";

/*
 * The GPADL checksum test asks through hv_vmbus's request helper
 * (hvlis_chan_request()): the callback hands it every packet first, and the
 * helper takes the one with its transaction id (echo packets have their
 * sequence number, far below).
 */
#define GPADL_MAX_PAGES		8192	/* 32 MiB: more than one GPADL describes */
#define GPADL_VMALLOC_PAGES	8	/* larger buffers are vmalloc'd */
#define GPADL_ASK_MS		10000
static DEFINE_SPINLOCK(gpadl_lock);	/* mpb_tid, mpb_resp */
static char gpadl_result[320] = "no gpadl test yet\n";

/* The multi-page-buffer test: like the GPADL test, its own ids and answer. */
#define MPB_TID_BASE		0x6d70620000000000ull
#define MPB_MAX_RANGES		64
#define MPB_MAX_LENGTH		(256 * 1024)
#define MPB_HUGE_PFNS		(ECHO_RING_BYTES / sizeof(u64))
static u64 mpb_tid;			/* the answer we wait for; 0: none */
static u64 mpb_seq;
static DECLARE_COMPLETION(mpb_done);
static struct hvsim_mpb_resp mpb_resp;
static char mpb_result[320] = "no mpb test yet\n";
static struct dentry *dir;

static u8 pattern(u32 seq, u32 i)
{
	return (u8)(seq * 31 + i * 7 + 1);
}

/*
 * VMBus packet lengths count 8-byte units: the received payload is the sent
 * one padded to a multiple of 8.
 */
static bool payload_ok(const u8 *buf, u32 len, u32 want_seq, u32 chan)
{
	const struct echo_hdr *h = (const void *)buf;
	u32 i;

	if (len < sizeof(*h) || h->len > len || len - h->len >= 8 || len % 8 ||
	    h->seq != want_seq || h->chan != chan)
		return false;
	for (i = sizeof(*h); i < h->len; i++)
		if (buf[i] != pattern(h->seq, i))
			return false;
	return true;
}

/* In the channel callback: the multi-page-buffer answer we wait for? */
static bool mpb_answer(u64 tid, const u8 *buf)
{
	const struct hvsim_mpb_resp *r = (const void *)buf;
	bool mine;

	spin_lock(&gpadl_lock);
	mine = mpb_tid && tid == mpb_tid && r->magic == HVSIM_MPB_RESP_MAGIC;
	if (mine) {
		memcpy(&mpb_resp, r, sizeof(mpb_resp));
		mpb_tid = 0;
		complete(&mpb_done);
	}
	spin_unlock(&gpadl_lock);
	return mine;
}

static void echo_callback(void *context)
{
	struct echo_chan *ec = context;
	u32 len;
	u64 tid;
	int ret;

	for (;;) {
		ret = hvlis_recvpacket(ec->ch, ec->rxbuf, ECHO_MAX_PAYLOAD, &len, &tid);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			ec->bad++;
			pr_err_ratelimited("channel %u: receive failed: %d\n", ec->index, ret);
			break;
		}
		if (hvlis_chan_request_complete(ec->ch, tid, ec->rxbuf, len))
			continue;
		if (len == sizeof(struct hvsim_mpb_resp) && mpb_answer(tid, ec->rxbuf))
			continue;
		if (!READ_ONCE(bench_mode) &&
		    (tid != ec->next_seq || !payload_ok(ec->rxbuf, len, ec->next_seq, ec->index)))
			ec->bad++;
		ec->next_seq++;
		ec->received++;
	}
	wake_up(&echo_wait);
}

static int open_chan(struct echo_dev *ed, struct hvlis_channel *ch)
{
	struct echo_chan *ec;
	int ret;

	mutex_lock(&ed->lock);
	if (ed->nchans == ECHO_MAX_CHANS) {
		mutex_unlock(&ed->lock);
		return -ENOSPC;
	}
	ec = &ed->chans[ed->nchans];
	memset(ec, 0, sizeof(*ec));
	ec->ch = ch;
	ec->index = ed->nchans;
	ec->rxbuf = kmalloc(ECHO_MAX_PAYLOAD, GFP_KERNEL);
	if (!ec->rxbuf) {
		mutex_unlock(&ed->lock);
		return -ENOMEM;
	}
	ret = hvlis_channel_open(ch, ECHO_RING_BYTES, ECHO_RING_BYTES, NULL, 0,
				 echo_callback, ec);
	if (ret) {
		kfree(ec->rxbuf);
		mutex_unlock(&ed->lock);
		return ret;
	}
	ec->open = true;
	ed->nchans++;
	mutex_unlock(&ed->lock);
	return 0;
}

static struct echo_dev *dev_of_channel(struct hvlis_channel *ch)
{
	struct hvlis_channel *primary = hvlis_channel_primary(ch);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(echo_devs); i++)
		if (echo_devs[i] && echo_devs[i]->hd->channel == primary)
			return echo_devs[i];
	return NULL;
}

static void echo_subchannel(struct hvlis_channel *sub)
{
	struct echo_dev *ed;
	int ret;

	mutex_lock(&echo_lock);
	ed = dev_of_channel(sub);
	ret = ed ? open_chan(ed, sub) : -ENODEV;
	mutex_unlock(&echo_lock);
	if (ret)
		pr_err("could not open sub-channel %u: %d\n",
		       hvlis_channel_subchannel_index(sub), ret);
	else
		pr_info("opened sub-channel %u\n", hvlis_channel_subchannel_index(sub));
}

static int echo_probe(struct hvlis_device *hd, const struct hvlis_device_id *id)
{
	struct echo_dev *ed = kzalloc(sizeof(*ed), GFP_KERNEL);
	unsigned int i;
	int ret;

	if (!ed)
		return -ENOMEM;
	ed->hd = hd;
	mutex_init(&ed->lock);
	mutex_lock(&echo_lock);
	for (i = 0; i < ARRAY_SIZE(echo_devs) && echo_devs[i]; i++)
		;
	if (i == ARRAY_SIZE(echo_devs)) {
		mutex_unlock(&echo_lock);
		kfree(ed);
		return -ENOSPC;
	}
	echo_devs[i] = ed;
	hvlis_set_drvdata(hd, ed);
	ret = open_chan(ed, hd->channel);
	if (ret) {
		echo_devs[i] = NULL;
		mutex_unlock(&echo_lock);
		kfree(ed);
		return ret;
	}
	hvlis_channel_set_subchannel_cb(hd->channel, echo_subchannel);
	mutex_unlock(&echo_lock);
	dev_info(&hd->dev, "echo device ready\n");
	return 0;
}

static void echo_remove(struct hvlis_device *hd)
{
	struct echo_dev *ed = hvlis_get_drvdata(hd);
	unsigned int i;

	mutex_lock(&echo_lock);
	hvlis_channel_set_subchannel_cb(hd->channel, NULL);
	for (i = 0; i < ARRAY_SIZE(echo_devs); i++)
		if (echo_devs[i] == ed)
			echo_devs[i] = NULL;
	mutex_unlock(&echo_lock);
	for (i = 0; i < ed->nchans; i++) {
		if (ed->chans[i].open)
			hvlis_channel_close(ed->chans[i].ch);
		kfree(ed->chans[i].rxbuf);
	}
	kfree(ed);
}

/*
 * Hibernation (hv_vmbus's freeze/thaw): close every channel, then open them
 * all again with the same rings' sizes; an echo run after it must pass.
 */
static int echo_suspend(struct hvlis_device *hd)
{
	struct echo_dev *ed = hvlis_get_drvdata(hd);
	unsigned int i, n = 0;

	mutex_lock(&echo_lock);
	mutex_lock(&ed->lock);
	for (i = 0; i < ed->nchans; i++) {
		if (!ed->chans[i].open)
			continue;
		hvlis_channel_close(ed->chans[i].ch);
		ed->chans[i].open = false;
		n++;
	}
	mutex_unlock(&ed->lock);
	mutex_unlock(&echo_lock);
	dev_info(&hd->dev, "suspended: %u channels closed\n", n);
	return 0;
}

static int echo_resume(struct hvlis_device *hd)
{
	struct echo_dev *ed = hvlis_get_drvdata(hd);
	struct echo_chan *ec;
	unsigned int i, n = 0;
	int ret = 0, err;

	mutex_lock(&echo_lock);
	mutex_lock(&ed->lock);
	for (i = 0; i < ed->nchans; i++) {
		ec = &ed->chans[i];
		if (ec->open)
			continue;
		ec->next_seq = 0;
		err = hvlis_channel_open(ec->ch, ECHO_RING_BYTES, ECHO_RING_BYTES, NULL, 0,
					 echo_callback, ec);
		if (err) {
			dev_err(&hd->dev, "resume: channel %u did not open again: %d\n", i, err);
			ret = ret ? : err;
			continue;
		}
		ec->open = true;
		n++;
	}
	mutex_unlock(&ed->lock);
	mutex_unlock(&echo_lock);
	dev_info(&hd->dev, "resumed: %u channels opened again\n", n);
	return ret;
}

static const struct hvlis_device_id echo_ids[] = {
	{ .guid = HVSIM_GUID_ECHO },
	{ },
};

static struct hvlis_driver echo_driver = {
	.name = "hvlis_echo",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
	.suspend = echo_suspend,
	.resume = echo_resume,
};

/*
 * A second driver for the same class, registered only with alt_driver=1:
 * vmbus-sysfs hands a device to it by name through driver_override (as
 * driverctl and DPDK do) and echoes packets through it. It registers after
 * hvlis_echo, which therefore binds every echo device first. It has no
 * suspend and resume hooks, so its devices refuse to hibernate.
 */
static bool alt_driver;
module_param(alt_driver, bool, 0444);
MODULE_PARM_DESC(alt_driver, "also register the driver hvlis_echo_alt (driver_override tests)");

static struct hvlis_driver echo_alt_driver = {
	.name = "hvlis_echo_alt",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
};

/* Send on every open channel of every device; wait for all echoes. */
static int echo_run(unsigned int count, u32 min, u32 max)
{
	u64 sent = 0, received = 0, bad = 0, want = 0, full = 0;
	unsigned int d, c, i, nch = 0;
	u32 rnd = 12345, len, j;
	struct echo_chan *ec;
	u8 *buf;
	int ret = 0;

	if (min < sizeof(struct echo_hdr) || max < min || max > ECHO_MAX_PAYLOAD - 64)
		return -EINVAL;
	buf = kmalloc(ECHO_MAX_PAYLOAD, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&echo_lock);
	for (d = 0; d < ARRAY_SIZE(echo_devs); d++) {
		struct echo_dev *ed = echo_devs[d];

		if (!ed)
			continue;
		for (c = 0; c < ed->nchans; c++) {
			ec = &ed->chans[c];
			ec->received = 0;
			ec->bad = 0;
			ec->next_seq = 0;
			nch++;
			for (i = 0; i < count; i++) {
				struct echo_hdr *h = (void *)buf;

				rnd = rnd * 1103515245 + 12345;
				len = min + (rnd >> 8) % (max - min + 1);
				h->seq = i;
				h->len = len;
				h->chan = ec->index;
				h->reserved = 0;
				for (j = sizeof(*h); j < len; j++)
					buf[j] = pattern(i, j);
				for (j = 0; j < 20000; j++) {
					ret = hvlis_sendpacket(ec->ch, buf, len, i,
							       HVLIS_PKT_DATA_INBAND, 0);
					if (ret != -EAGAIN)
						break;
					full++;
					usleep_range(200, 400);
				}
				/* The host stopped reading: report, don't spin. */
				if (ret == -EAGAIN)
					ret = -ETIMEDOUT;
				if (ret)
					goto done;
				sent++;
			}
			want += count;
		}
	}
	/* Wait for every echo: the callbacks count them. */
	for (i = 0; i < 200; i++) {
		received = 0;
		for (d = 0; d < ARRAY_SIZE(echo_devs); d++)
			for (c = 0; echo_devs[d] && c < echo_devs[d]->nchans; c++)
				received += echo_devs[d]->chans[c].received;
		if (received >= want)
			break;
		wait_event_timeout(echo_wait, false, HZ / 20);
	}
done:
	received = 0;
	for (d = 0; d < ARRAY_SIZE(echo_devs); d++)
		for (c = 0; echo_devs[d] && c < echo_devs[d]->nchans; c++) {
			received += echo_devs[d]->chans[c].received;
			bad += echo_devs[d]->chans[c].bad;
		}
	snprintf(last_result, sizeof(last_result),
		 "channels %u sent %llu received %llu bad %llu ring_full_retries %llu error %d\n",
		 nch, sent, received, bad, full, ret);
	mutex_unlock(&echo_lock);
	kfree(buf);
	pr_info("%s", last_result);
	return ret;
}

static u64 per_sec(u64 n, u64 ns)
{
	return ns ? div64_u64(n * NSEC_PER_SEC, ns) : 0;
}

/* memcpy bandwidth of 'size'-byte copies for about 'ms' milliseconds. */
static u64 memcpy_bytes_per_sec(u8 *a, u8 *b, u32 size, u32 ms)
{
	u64 bytes = 0, start = ktime_get_ns(), ns;
	unsigned int i;

	do {
		for (i = 0; i < 64; i++) {
			memcpy(b, a, size);
			memcpy(a, b, size);
			bytes += 2 * size;
		}
		cond_resched();
		ns = ktime_get_ns() - start;
	} while (ns < (u64)ms * NSEC_PER_MSEC);
	return per_sec(bytes, ns);
}

/*
 * Packets of 'size' bytes through the first echo device's primary channel
 * for about 'ms' milliseconds: the host sends each back; throughput counts
 * round trips completed.
 */
static int echo_bench(u32 size, u32 ms)
{
	u64 sent = 0, start, ns, deadline, rx_bps, mc_bps, ratio_milli;
	struct echo_chan *ec;
	u8 *buf, *copy;
	int ret = 0;
	unsigned int i;

	if (size < sizeof(struct echo_hdr) || size > ECHO_MAX_PAYLOAD - 64 || !ms || ms > 60000)
		return -EINVAL;
	buf = kzalloc(size, GFP_KERNEL);
	copy = kzalloc(size, GFP_KERNEL);
	if (!buf || !copy) {
		ret = -ENOMEM;
		goto out_free;
	}
	mutex_lock(&echo_lock);
	if (!echo_devs[0] || !echo_devs[0]->nchans) {
		ret = -ENODEV;
		goto out;
	}
	ec = &echo_devs[0]->chans[0];
	ec->received = 0;
	ec->bad = 0;
	WRITE_ONCE(bench_mode, true);
	start = ktime_get_ns();
	deadline = start + (u64)ms * NSEC_PER_MSEC;
	while (ktime_get_ns() < deadline) {
		ret = hvlis_sendpacket(ec->ch, buf, size, sent, HVLIS_PKT_DATA_INBAND, 0);
		if (ret == -EAGAIN) {
			usleep_range(10, 20);
			continue;
		}
		if (ret)
			goto out_bench;
		sent++;
	}
	ret = 0;
	/* let the echoes in flight arrive */
	for (i = 0; i < 500 && READ_ONCE(ec->received) < sent; i++)
		usleep_range(1000, 2000);
	if (ec->received < sent)
		ret = -ETIMEDOUT;
	ns = ktime_get_ns() - start;
	rx_bps = per_sec(ec->received * size, ns);
	mc_bps = memcpy_bytes_per_sec(buf, copy, size, ms);
	ratio_milli = mc_bps ? div64_u64(rx_bps * 100000, mc_bps) : 0;
	snprintf(bench_result, sizeof(bench_result),
		 "bench size %u packets %llu ms %llu packets_per_s %llu ring_bytes_per_s %llu memcpy_bytes_per_s %llu ratio_percent %llu.%03llu error %d\n",
		 size, ec->received, div64_u64(ns, NSEC_PER_MSEC), per_sec(ec->received, ns),
		 rx_bps, mc_bps, div64_u64(ratio_milli, 1000), ratio_milli % 1000, ret);
	pr_info("%s", bench_result);
out_bench:
	WRITE_ONCE(bench_mode, false);
out:
	mutex_unlock(&echo_lock);
out_free:
	kfree(buf);
	kfree(copy);
	return ret;
}

static u8 gpadl_pattern(size_t i)
{
	return (u8)((i >> PAGE_SHIFT) * 131 + i * 7 + 3);
}

/* Ask the host for the checksum of a range of a GPADL; wait for its answer. */
static int gpadl_ask(struct echo_chan *ec, const struct hvsim_csum_req *req,
		     struct hvsim_csum_resp *resp)
{
	u32 len;
	int ret;

	ret = hvlis_chan_request(ec->ch, req, sizeof(*req), resp, sizeof(*resp), &len,
				 GPADL_ASK_MS);
	if (!ret && (len != sizeof(*resp) || resp->magic != HVSIM_CSUM_RESP_MAGIC))
		ret = -EPROTO;
	return ret;
}

/*
 * The "gpadl" command: a buffer of 'pages' pages as a GPADL of the first
 * device's primary channel, the host's checksum of [offset, offset + length)
 * compared with ours, teardown. The buffer is freed only once the host gave
 * it back (or never had it).
 */
enum gpadl_mode {
	GPADL_RIGHT,
	GPADL_WRONG_HANDLE,	/* ask about a handle nobody has */
	GPADL_OTHER_CHANNEL,	/* ask on a channel that does not own it */
};

static int echo_gpadl(u32 pages, u32 offset, u32 length, enum gpadl_mode mode)
{
	size_t size = (size_t)pages * PAGE_SIZE, i;
	bool use_vmalloc = pages > GPADL_VMALLOC_PAGES, expect_error, pass = false;
	struct hvsim_csum_resp resp;
	struct hvsim_csum_req req;
	struct echo_chan *ec = NULL, *owner = NULL;
	u32 handle = 0, mine = 0;
	char td_str[12] = "-";		/* teardown: not tried */
	int ret, td;
	bool may_free = true;
	unsigned int d;
	u8 *buf;

	if (!pages || pages > GPADL_MAX_PAGES)
		return -EINVAL;
	buf = use_vmalloc ? vmalloc(size) : alloc_pages_exact(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		buf[i] = gpadl_pattern(i);
	expect_error = mode != GPADL_RIGHT || !length || (u64)offset + length > size;
	if (!expect_error)
		mine = hvsim_csum(HVSIM_CSUM_SEED, buf + offset, length);
	memset(&resp, 0, sizeof(resp));

	mutex_lock(&echo_lock);
	/* ec asks; owner has the GPADL: the first device, or the second */
	for (d = 0; d < ARRAY_SIZE(echo_devs) && !owner; d++) {
		if (!echo_devs[d] || !echo_devs[d]->nchans)
			continue;
		if (ec || mode != GPADL_OTHER_CHANNEL)
			owner = &echo_devs[d]->chans[0];
		if (!ec)
			ec = &echo_devs[d]->chans[0];
	}
	if (!owner) {
		ret = -ENODEV;
		goto out;
	}
	ret = hvlis_gpadl_establish(owner->ch, buf, size, &handle);
	if (ret) {
		/* Without an answer the host may hold the pages: keep them. */
		may_free = ret != -ETIMEDOUT;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.magic = HVSIM_CSUM_REQ_MAGIC;
	req.gpadl = mode == GPADL_WRONG_HANDLE ? handle ^ 0x40000000 : handle;
	req.offset = offset;
	req.length = length;
	ret = gpadl_ask(ec, &req, &resp);
	td = hvlis_gpadl_teardown(owner->ch, handle);
	snprintf(td_str, sizeof(td_str), "%d", td);
	may_free = !td;
	/* the answer is to our request; an error, or the right checksum */
	pass = !ret && !td && resp.gpadl == req.gpadl && resp.offset == offset &&
	       resp.length == length &&
	       (expect_error ? resp.status != 0 :
		!resp.status && resp.checksum == mine && resp.npages == pages);
out:
	snprintf(gpadl_result, sizeof(gpadl_result),
		 "gpadl pages %u alloc %s handle %#x offset %u length %u expect %s host_status %d host_pages %u host_csum %#x guest_csum %#x teardown %s error %d result %s\n",
		 pages, use_vmalloc ? "vmalloc" : "contig", handle, offset, length,
		 expect_error ? "error" : "csum", resp.status, resp.npages, resp.checksum, mine,
		 td_str, ret, pass ? "pass" : "fail");
	mutex_unlock(&echo_lock);
	pr_info("%s", gpadl_result);
	if (!may_free)
		pr_err("gpadl %#x: the host may still use the buffer; leaking it\n", handle);
	else if (use_vmalloc)
		vfree(buf);
	else
		free_pages_exact(buf, size);
	return ret;
}

static ssize_t gpadl_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[80], word[16] = "";
	unsigned int pages, offset = 0, length = 0;
	enum gpadl_mode mode = GPADL_RIGHT;
	int n, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%u %u %u %15s", &pages, &offset, &length, word);
	if (n < 1 || n == 2)
		return -EINVAL;
	if (n == 4) {
		if (!strcmp(word, "wrong-handle"))
			mode = GPADL_WRONG_HANDLE;
		else if (!strcmp(word, "other-channel"))
			mode = GPADL_OTHER_CHANNEL;
		else
			return -EINVAL;
	}
	if (n == 1) {
		if (!pages || pages > GPADL_MAX_PAGES)
			return -EINVAL;
		length = pages * PAGE_SIZE;
	}
	ret = echo_gpadl(pages, offset, length, mode);
	return ret ? ret : len;
}

static int gpadl_show(struct seq_file *s, void *unused)
{
	mutex_lock(&echo_lock);
	seq_puts(s, gpadl_result);
	mutex_unlock(&echo_lock);
	return 0;
}

static int gpadl_open(struct inode *inode, struct file *file)
{
	return single_open(file, gpadl_show, NULL);
}

static const struct file_operations gpadl_fops = {
	.owner = THIS_MODULE,
	.open = gpadl_open,
	.read = seq_read,
	.write = gpadl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

enum mpb_mode {
	MPB_RIGHT,
	MPB_BAD_OFFSET,		/* a byte offset outside the first page */
	MPB_SHORT,		/* ranges_bytes one PFN short */
	MPB_HUGE,		/* more PFNs than the ring can carry */
};

static u8 mpb_pattern(u32 range, u32 i)
{
	return (u8)(range * 57 + i * 13 + (i >> 12) * 3 + 5);
}

/*
 * The "mpb" command: 'nranges' buffers of 'length' bytes at 'offset' in
 * their first page, sent as the ranges of one GPA-direct packet; the host's
 * checksum of them all, in order, must be ours. The malformed modes must
 * be refused by hvlis_sendpacket_mpb() itself, so the host never sees them.
 */
static int echo_mpb(u32 nranges, u32 length, u32 offset, enum mpb_mode mode)
{
	u32 npfns = DIV_ROUND_UP(offset + length, PAGE_SIZE), r, i, pos = 0, mine;
	size_t bufsize = (size_t)npfns * PAGE_SIZE, rbytes;
	u8 *bufs[MPB_MAX_RANGES] = { NULL };
	struct hvsim_mpb_resp resp;
	struct hvsim_mpb_req req;
	struct hvlis_gpa_range *gr;
	int ret = 0, expect;
	bool pass = false;
	u64 tid, total = 0;
	u8 *ranges;

	if (!nranges || nranges > MPB_MAX_RANGES || !length || length > MPB_MAX_LENGTH ||
	    offset >= PAGE_SIZE)
		return -EINVAL;
	rbytes = nranges * (sizeof(*gr) + npfns * sizeof(u64));
	if (mode == MPB_HUGE)
		rbytes = sizeof(*gr) + MPB_HUGE_PFNS * sizeof(u64);
	ranges = kzalloc(rbytes, GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	mine = HVSIM_CSUM_SEED;
	for (r = 0; r < nranges; r++) {
		bufs[r] = alloc_pages_exact(bufsize, GFP_KERNEL);
		if (!bufs[r]) {
			ret = -ENOMEM;
			goto out_free;
		}
		for (i = 0; i < length; i++)
			bufs[r][offset + i] = mpb_pattern(r, i);
		mine = hvsim_csum(mine, bufs[r] + offset, length);
		total += length;
		if (mode == MPB_HUGE && r)
			continue;
		gr = (void *)(ranges + pos);
		gr->byte_count = length;
		gr->byte_offset = offset;
		for (i = 0; i < npfns; i++)
			gr->pfn_array[i] = virt_to_phys(bufs[r] + (size_t)i * PAGE_SIZE) >>
					   PAGE_SHIFT;
		pos += sizeof(*gr) + npfns * sizeof(u64);
	}
	switch (mode) {
	case MPB_BAD_OFFSET:
		((struct hvlis_gpa_range *)ranges)->byte_offset = PAGE_SIZE;
		break;
	case MPB_SHORT:
		rbytes -= sizeof(u64);
		break;
	case MPB_HUGE:
		/* one range whose bytes need every PFN of the list: all page 0 */
		gr = (void *)ranges;
		gr->byte_offset = 0;
		gr->byte_count = MPB_HUGE_PFNS * PAGE_SIZE;
		for (i = 0; i < MPB_HUGE_PFNS; i++)
			gr->pfn_array[i] = gr->pfn_array[0];
		nranges = 1;
		break;
	default:
		break;
	}
	expect = mode == MPB_HUGE ? -EMSGSIZE : mode == MPB_RIGHT ? 0 : -EINVAL;
	memset(&req, 0, sizeof(req));
	req.magic = HVSIM_MPB_REQ_MAGIC;
	memset(&resp, 0, sizeof(resp));

	mutex_lock(&echo_lock);
	if (!echo_devs[0] || !echo_devs[0]->nchans) {
		ret = -ENODEV;
		goto out;
	}
	spin_lock_bh(&gpadl_lock);
	reinit_completion(&mpb_done);
	tid = MPB_TID_BASE | ++mpb_seq;
	mpb_tid = tid;
	spin_unlock_bh(&gpadl_lock);
	ret = -EAGAIN;
	for (i = 0; i < 20000 && ret == -EAGAIN; i++) {
		ret = hvlis_sendpacket_mpb(echo_devs[0]->chans[0].ch, (void *)ranges, rbytes,
					   nranges, &req, sizeof(req), tid);
		if (ret == -EAGAIN)
			usleep_range(200, 400);
	}
	if (ret == -EAGAIN)
		ret = -ETIMEDOUT;
	if (!ret && !wait_for_completion_timeout(&mpb_done, 10 * HZ))
		ret = -ETIMEDOUT;
	spin_lock_bh(&gpadl_lock);
	mpb_tid = 0;
	if (!ret)
		memcpy(&resp, &mpb_resp, sizeof(resp));
	spin_unlock_bh(&gpadl_lock);
	pass = expect ? ret == expect :
	       !ret && !resp.status && resp.ranges == nranges && resp.bytes == total &&
	       resp.checksum == mine;
out:
	snprintf(mpb_result, sizeof(mpb_result),
		 "mpb ranges %u length %u offset %u pfns %u expect %d send %d host_status %d host_ranges %u host_bytes %llu host_csum %#x guest_csum %#x result %s\n",
		 nranges, length, offset, npfns, expect, ret, resp.status, resp.ranges,
		 resp.bytes, resp.checksum, mine, pass ? "pass" : "fail");
	mutex_unlock(&echo_lock);
	pr_info("%s", mpb_result);
	/* A packet sent without its answer: the host may still read the pages. */
	if (ret == -ETIMEDOUT) {
		pr_err("mpb: no answer; leaking the buffers\n");
		kfree(ranges);
		return ret;
	}
	if (ret == expect)
		ret = 0;
out_free:
	for (r = 0; r < nranges && r < MPB_MAX_RANGES; r++)
		if (bufs[r])
			free_pages_exact(bufs[r], bufsize);
	kfree(ranges);
	return ret;
}

static ssize_t mpb_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[80], word[16] = "";
	unsigned int nranges, length, offset;
	enum mpb_mode mode = MPB_RIGHT;
	int n, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%u %u %u %15s", &nranges, &length, &offset, word);
	if (n < 3)
		return -EINVAL;
	if (n == 4) {
		if (!strcmp(word, "bad-offset"))
			mode = MPB_BAD_OFFSET;
		else if (!strcmp(word, "short"))
			mode = MPB_SHORT;
		else if (!strcmp(word, "huge"))
			mode = MPB_HUGE;
		else
			return -EINVAL;
	}
	ret = echo_mpb(nranges, length, offset, mode);
	return ret ? ret : len;
}

static int mpb_show(struct seq_file *s, void *unused)
{
	mutex_lock(&echo_lock);
	seq_puts(s, mpb_result);
	mutex_unlock(&echo_lock);
	return 0;
}

static int mpb_open(struct inode *inode, struct file *file)
{
	return single_open(file, mpb_show, NULL);
}

static const struct file_operations mpb_fops = {
	.owner = THIS_MODULE,
	.open = mpb_open,
	.read = seq_read,
	.write = mpb_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t bench_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64];
	unsigned int size, ms;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u", &size, &ms) != 2)
		return -EINVAL;
	ret = echo_bench(size, ms);
	return ret ? ret : len;
}

static int bench_show(struct seq_file *s, void *unused)
{
	mutex_lock(&echo_lock);
	seq_puts(s, bench_result);
	mutex_unlock(&echo_lock);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, bench_show, NULL);
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = seq_read,
	.write = bench_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static struct hvlis_channel *close_ch;
static char close_result[96] = "no close test yet\n";

static void close_work_fn(struct work_struct *work)
{
	hvlis_channel_close(close_ch);
}

static DECLARE_WORK(close_work, close_work_fn);

/*
 * A second close must return only when the channel is closed: then it can
 * be opened again at once (-EBUSY while the first close still runs).
 */
static ssize_t close_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	struct echo_chan *ec;
	int ret;

	mutex_lock(&echo_lock);
	if (!echo_devs[0] || !echo_devs[0]->nchans) {
		mutex_unlock(&echo_lock);
		return -ENODEV;
	}
	ec = &echo_devs[0]->chans[0];
	close_ch = ec->ch;
	schedule_work(&close_work);
	msleep(500);
	hvlis_channel_close(close_ch);
	ec->next_seq = 0;
	ret = hvlis_channel_open(close_ch, ECHO_RING_BYTES, ECHO_RING_BYTES, NULL, 0,
				 echo_callback, ec);
	flush_work(&close_work);
	snprintf(close_result, sizeof(close_result),
		 "close open_after_second_close %d result %s\n", ret, ret ? "fail" : "pass");
	mutex_unlock(&echo_lock);
	pr_info("%s", close_result);
	return len;
}

static int close_show(struct seq_file *s, void *unused)
{
	mutex_lock(&echo_lock);
	seq_puts(s, close_result);
	mutex_unlock(&echo_lock);
	return 0;
}

static int close_open(struct inode *inode, struct file *file)
{
	return single_open(file, close_show, NULL);
}

static const struct file_operations close_fops = {
	.owner = THIS_MODULE,
	.open = close_open,
	.write = close_write,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t run_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64];
	unsigned int count, min, max;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u %u", &count, &min, &max) != 3)
		return -EINVAL;
	ret = echo_run(count, min, max);
	return ret ? ret : len;
}

static int result_show(struct seq_file *s, void *unused)
{
	mutex_lock(&echo_lock);
	seq_puts(s, last_result);
	mutex_unlock(&echo_lock);
	return 0;
}

static int result_open(struct inode *inode, struct file *file)
{
	return single_open(file, result_show, NULL);
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
};

static const struct file_operations result_fops = {
	.owner = THIS_MODULE,
	.open = result_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init echo_init(void)
{
	int ret;

	dir = debugfs_create_dir("hvlis_echo", NULL);
	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("result", 0444, dir, NULL, &result_fops);
	debugfs_create_file("bench", 0644, dir, NULL, &bench_fops);
	debugfs_create_file("gpadl", 0644, dir, NULL, &gpadl_fops);
	debugfs_create_file("close", 0644, dir, NULL, &close_fops);
	debugfs_create_file("mpb", 0644, dir, NULL, &mpb_fops);
	ret = hvlis_driver_register(&echo_driver);
	if (ret || !alt_driver)
		goto out;
	ret = hvlis_driver_register(&echo_alt_driver);
	if (ret)
		hvlis_driver_unregister(&echo_driver);
out:
	if (ret)
		debugfs_remove_recursive(dir);
	return ret;
}

static void __exit echo_exit(void)
{
	if (alt_driver)
		hvlis_driver_unregister(&echo_alt_driver);
	hvlis_driver_unregister(&echo_driver);
	debugfs_remove_recursive(dir);
}

module_init(echo_init);
module_exit(echo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvlis test: echo VMBus driver for the simulated host");
MODULE_VERSION(HVLIS_VERSION);
/* the echo class f00dcafe-0000-4000-8000-68766c697331 in wire order */
MODULE_ALIAS("vmbus:feca0df000000040800068766c697331");
