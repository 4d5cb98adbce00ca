// SPDX-License-Identifier: GPL-2.0-only
/*
 * One transport for the three daemon devices of hv_utils, and the relay
 * on top of it.
 *
 * The device (/dev/vmbus/hv_kvp, hv_vss, hv_fcopy; a misc device named
 * "vmbus/hv_<x>" as the in-box driver names it) takes one opener at a time
 * (-EBUSY for a second). read() returns exactly one whole message: -EINVAL
 * when the buffer is shorter, -EAGAIN with O_NONBLOCK when none is there.
 * write() takes one whole message; pread()/pwrite() work the same (the
 * offset is ignored). poll() reports a message to read;
 * POLLHUP | POLLERR once the device is gone (hot removal). Closing the
 * device tells the relay, which fails a request the daemon held at once.
 *
 * The device's state (struct hvt) is reference counted: a daemon may keep
 * the file open after the VMBus device went away; its calls then fail with
 * -ENODEV. The file holds the module (fops owner), so hv_utils cannot be
 * unloaded under an open device.
 *
 * The relay: the framework hands a request over in softirq context and
 * stops draining the channel until the answer went out (util_done()), so
 * there is one transaction at a time, as the in-box driver has it. The
 * request goes to the daemon from a work item. Without a registered daemon
 * the host gets HV_E_FAIL at once; without an answer in time (30 s; VSS
 * freeze 15 min; the daemon_timeout parameter overrides both) too. Each of
 * the two is logged once, until a daemon registers or answers again.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/sched.h>
#include <linux/kref.h>
#include <linux/jiffies.h>
#include <hvlis/compat_poll.h>
#include "devtransport.h"

unsigned int hv_utils_daemon_timeout;
module_param_named(daemon_timeout, hv_utils_daemon_timeout, uint, 0644);
MODULE_PARM_DESC(daemon_timeout,
		 "seconds a daemon has to answer a host request (0: 30 s, VSS freeze 15 min)");

struct hvt {
	struct kref kref;
	struct list_head node;		/* hvt_list */
	struct miscdevice misc;
	char name[32];
	struct mutex lock;		/* the relay's lock too */
	wait_queue_head_t wq;
	struct relay *r;		/* NULL once the device is gone */
	bool open;
	size_t max_in;
	u8 *out;			/* the message for the daemon */
	size_t out_len;			/* 0: none */
};

static LIST_HEAD(hvt_list);
static DEFINE_MUTEX(hvt_list_lock);

static void hvt_free(struct kref *kref)
{
	struct hvt *t = container_of(kref, struct hvt, kref);

	kfree(t->out);
	kfree(t);
}

static void relay_daemon_gone(struct relay *r);
static int relay_from_daemon(struct relay *r, const u8 *msg, size_t len);

static int hvt_open(struct inode *inode, struct file *file)
{
	struct hvt *t, *found = NULL;
	int ret = 0;

	mutex_lock(&hvt_list_lock);
	list_for_each_entry(t, &hvt_list, node) {
		if (t->misc.minor == iminor(inode)) {
			found = t;
			kref_get(&t->kref);
			break;
		}
	}
	mutex_unlock(&hvt_list_lock);
	if (!found)
		return -ENODEV;
	t = found;
	mutex_lock(&t->lock);
	/*
	 * A failed open touches nothing: the message waiting for the daemon
	 * that has the device (a request, the handshake's answer) stays.
	 * Nothing is waiting on a successful one (release emptied it).
	 */
	if (!t->r)
		ret = -ENODEV;
	else if (t->open)
		ret = -EBUSY;
	else
		t->open = true;
	mutex_unlock(&t->lock);
	if (ret) {
		kref_put(&t->kref, hvt_free);
		return ret;
	}
	file->private_data = t;
	/*
	 * Not nonseekable_open(): the in-box hv_fcopy_daemon reads with
	 * pread(fd, buf, size, 0), which that would refuse (ESPIPE). The
	 * offset is ignored.
	 */
	return 0;
}

static int hvt_release(struct inode *inode, struct file *file)
{
	struct hvt *t = file->private_data;

	mutex_lock(&t->lock);
	t->open = false;
	t->out_len = 0;
	if (t->r)
		relay_daemon_gone(t->r);
	mutex_unlock(&t->lock);
	kref_put(&t->kref, hvt_free);
	return 0;
}

static ssize_t hvt_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct hvt *t = file->private_data;
	ssize_t ret;

	for (;;) {
		mutex_lock(&t->lock);
		if (!t->r) {
			ret = -ENODEV;
		} else if (t->out_len) {
			if (count < t->out_len) {
				ret = -EINVAL;
			} else if (copy_to_user(buf, t->out, t->out_len)) {
				ret = -EFAULT;
			} else {
				ret = t->out_len;
				t->out_len = 0;
			}
		} else {
			ret = -EAGAIN;
		}
		mutex_unlock(&t->lock);
		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;
		if (wait_event_interruptible(t->wq, READ_ONCE(t->out_len) || !READ_ONCE(t->r)))
			return -ERESTARTSYS;
	}
}

static ssize_t hvt_write(struct file *file, const char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct hvt *t = file->private_data;
	u8 *msg;
	int ret;

	if (!count || count > t->max_in)
		return -EINVAL;
	msg = kmalloc(count, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	if (copy_from_user(msg, buf, count)) {
		kfree(msg);
		return -EFAULT;
	}
	mutex_lock(&t->lock);
	ret = t->r ? relay_from_daemon(t->r, msg, count) : -ENODEV;
	mutex_unlock(&t->lock);
	kfree(msg);
	return ret ? ret : count;
}

static hvlis_poll_t hvt_poll(struct file *file, poll_table *wait)
{
	struct hvt *t = file->private_data;
	hvlis_poll_t mask = HVLIS_POLL_OUT;

	poll_wait(file, &t->wq, wait);
	if (READ_ONCE(t->out_len))
		mask |= HVLIS_POLL_IN;
	if (!READ_ONCE(t->r))
		mask |= HVLIS_POLL_HUP;
	return mask;
}

static const struct file_operations hvt_fops = {
	.owner = THIS_MODULE,
	.open = hvt_open,
	.release = hvt_release,
	.read = hvt_read,
	.write = hvt_write,
	.poll = hvt_poll,
};

/* A message for the daemon, under t->lock. -EPIPE: no reader. */
static int hvt_queue(struct hvt *t, const void *msg, size_t len)
{
	if (!t->open)
		return -EPIPE;
	if (t->out_len || len > t->r->ops->max_out)
		return -EBUSY;
	memcpy(t->out, msg, len);
	t->out_len = len;
	wake_up_interruptible(&t->wq);
	return 0;
}

/* ------------------------------------------------------------ relay */

/**
 * relay_to_daemon() - queue a message for the daemon (the handshake's answer)
 * @r: the relay, its lock held (the ops run under it)
 * @msg: the message
 * @len: its length
 *
 * Return: 0, -EPIPE without a reader, -EBUSY with a message unread.
 */
int relay_to_daemon(struct relay *r, const void *msg, size_t len)
{
	lockdep_assert_held(&r->t->lock);
	return hvt_queue(r->t, msg, len);
}

/* Answer the pending request. Lock held. */
static void relay_answer(struct relay *r, u32 status)
{
	r->with_daemon = false;
	if (r->stopping)
		return;
	if (status != HVLIS_IC_S_OK)
		r->failed++;
	util_answer(r->ud, r->pkt, r->len, r->tid, status);
	util_done(r->ud);
}

static void relay_absent(struct relay *r)
{
	if (!r->warned_absent)
		pr_warn("%s: no daemon has /dev/%s open; host requests fail until one registers\n",
			r->ud->svc->name, r->ops->devname);
	r->warned_absent = true;
	relay_answer(r, HVLIS_IC_E_FAIL);
}

static void relay_work(struct work_struct *work)
{
	struct relay *r = container_of(work, struct relay, work);
	u32 status = HVLIS_IC_E_FAIL;
	struct hvt *t;
	int n;

	if (READ_ONCE(r->stopping))
		UTIL_TEST_DELAY(3);	/* test builds: run late, after the teardown */
	t = r->t;
	mutex_lock(&t->lock);
	if (r->stopping)
		goto out;
	memset(r->out, 0, r->ops->max_out);
	n = r->ops->to_daemon(r, r->pkt, r->len, r->out, &status);
	if (n <= 0) {
		relay_answer(r, n < 0 ? HVLIS_IC_E_FAIL : status);
		goto out;
	}
	if (!r->registered || hvt_queue(t, r->out, n)) {
		relay_absent(r);
		goto out;
	}
	r->with_daemon = true;
	r->timeout_s = hv_utils_daemon_timeout ? hv_utils_daemon_timeout :
		r->ops->timeout(r, r->pkt, r->len);
	r->deadline = jiffies + r->timeout_s * HZ;
	cancel_delayed_work(&r->timeout_work);
	schedule_delayed_work(&r->timeout_work, r->timeout_s * HZ);
out:
	mutex_unlock(&t->lock);
}

static void relay_timeout(struct work_struct *work)
{
	struct relay *r = container_of(to_delayed_work(work), struct relay, timeout_work);
	struct hvt *t = r->t;

	mutex_lock(&t->lock);
	if (r->with_daemon && !r->stopping) {
		if (time_before(jiffies, r->deadline)) {
			/* Armed again for a later request: wait for its deadline. */
			schedule_delayed_work(&r->timeout_work, r->deadline - jiffies);
		} else {
			if (!r->warned_timeout)
				pr_warn("%s: the daemon did not answer within %u s; the host gets a failure\n",
					r->ud->svc->name, r->timeout_s);
			r->warned_timeout = true;
			if (t->out_len)
				t->out_len = 0;	/* unread: drop it */
			else
				r->stale++;	/* read: its answer may still come */
			relay_answer(r, HVLIS_IC_E_FAIL);
		}
	}
	mutex_unlock(&t->lock);
}

/* The daemon wrote a message. t->lock held. */
static int relay_from_daemon(struct relay *r, const u8 *msg, size_t len)
{
	u32 status = HVLIS_IC_E_FAIL;
	int ret;

	if (r->stopping)
		return -ENODEV;
	if (!r->registered) {
		ret = r->ops->handshake(r, msg, len);
		if (ret) {
			pr_warn_ratelimited("%s: refused a register message of %zu bytes: %d\n",
					    r->ud->svc->name, len, ret);
			return ret;
		}
		r->registered = true;
		r->warned_absent = false;
		pr_info("%s: daemon registered on /dev/%s\n", r->ud->svc->name, r->ops->devname);
		return 0;
	}
	if (r->stale) {
		/* Daemons answer in order: this is for a request that timed out. */
		r->stale--;
		pr_info_ratelimited("%s: dropped the daemon's late answer\n", r->ud->svc->name);
		return 0;
	}
	if (!r->with_daemon) {
		pr_warn_ratelimited("%s: the daemon answered a request it does not have\n",
				    r->ud->svc->name);
		return -EINVAL;
	}
	ret = r->ops->from_daemon(r, r->pkt, r->len, msg, len, &status);
	if (ret) {
		pr_warn_ratelimited("%s: malformed answer from the daemon (%zu bytes): %d\n",
				    r->ud->svc->name, len, ret);
		return ret;
	}
	cancel_delayed_work(&r->timeout_work);
	r->warned_timeout = false;
	r->relayed++;
	relay_answer(r, status);
	return 0;
}

/* The daemon closed the device. t->lock held. */
static void relay_daemon_gone(struct relay *r)
{
	if (r->registered)
		pr_info("%s: daemon closed /dev/%s\n", r->ud->svc->name, r->ops->devname);
	r->registered = false;
	r->stale = 0;
	if (r->with_daemon) {
		pr_warn("%s: the daemon went away with a request; the host gets a failure\n",
			r->ud->svc->name);
		cancel_delayed_work(&r->timeout_work);
		relay_answer(r, HVLIS_IC_E_FAIL);
	}
}

/**
 * relay_request() - take a host request for the daemon
 * @r: the service's relay
 * @pkt: the request (the framework's buffer, kept until the answer)
 * @len: its length
 *
 * Softirq context. The framework stops draining the channel until the
 * relay answered (util_answer(), util_done()).
 *
 * Return: false (the answer comes later), as struct util_service's
 * ->request() returns it.
 */
bool relay_request(struct relay *r, u8 *pkt, u32 len)
{
	r->pkt = pkt;
	r->len = len;
	r->tid = r->ud->tid;
	schedule_work(&r->work);
	return false;
}

/**
 * relay_init() - create the daemon device of a service
 * @r: the relay, in the service's state
 * @ud: the device
 * @ops: the service's messages
 *
 * Return: 0 or -errno (the device name is taken, no memory).
 */
int relay_init(struct relay *r, struct util_dev *ud, const struct relay_ops *ops)
{
	struct hvt *t;
	int ret;

	memset(r, 0, sizeof(*r));
	r->ud = ud;
	r->ops = ops;
	INIT_WORK(&r->work, relay_work);
	INIT_DELAYED_WORK(&r->timeout_work, relay_timeout);
	r->out = kzalloc(ops->max_out, GFP_KERNEL);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!r->out || !t)
		goto nomem;
	t->out = kzalloc(ops->max_out, GFP_KERNEL);
	if (!t->out)
		goto nomem;
	kref_init(&t->kref);
	mutex_init(&t->lock);
	init_waitqueue_head(&t->wq);
	t->max_in = ops->max_in;
	t->r = r;
	snprintf(t->name, sizeof(t->name), "%s", ops->devname);
	t->misc.minor = MISC_DYNAMIC_MINOR;
	t->misc.name = t->name;
	t->misc.nodename = t->name;
	t->misc.fops = &hvt_fops;
	r->t = t;
	/* Not under hvt_list_lock: misc's own lock is held around our open. */
	ret = misc_register(&t->misc);
	if (ret) {
		pr_err("%s: cannot create /dev/%s: %d\n", ud->svc->name, ops->devname, ret);
		r->t = NULL;
		kref_put(&t->kref, hvt_free);
		kfree(r->out);
		return ret;
	}
	mutex_lock(&hvt_list_lock);
	list_add(&t->node, &hvt_list);
	mutex_unlock(&hvt_list_lock);
	return 0;
nomem:
	if (t)
		kfree(t->out);
	kfree(t);
	kfree(r->out);
	return -ENOMEM;
}

/**
 * relay_stop() - no more answers: the channel is about to close
 * @r: the relay
 *
 * May sleep. A request with the daemon stays unanswered (the channel goes).
 * The work items are cancelled in relay_deinit(), once the channel is
 * closed: until then a host packet may still queue the relay's work.
 */
void relay_stop(struct relay *r)
{
	mutex_lock(&r->t->lock);
	r->stopping = true;
	mutex_unlock(&r->t->lock);
}

/**
 * relay_deinit() - remove the daemon device
 * @r: the relay, stopped, its channel closed
 *
 * An open file stays valid; its calls fail with -ENODEV from now on.
 */
void relay_deinit(struct relay *r)
{
	struct hvt *t = r->t;

	/* The channel is closed: nothing queues these any more. */
	cancel_work_sync(&r->work);
	cancel_delayed_work_sync(&r->timeout_work);

	mutex_lock(&hvt_list_lock);
	list_del(&t->node);
	mutex_unlock(&hvt_list_lock);
	misc_deregister(&t->misc);
	mutex_lock(&t->lock);
	t->r = NULL;
	t->out_len = 0;
	mutex_unlock(&t->lock);
	wake_up_interruptible_all(&t->wq);
	kref_put(&t->kref, hvt_free);
	kfree(r->out);
}

/**
 * relay_service_init() - ->init of a relaying service: its daemon device
 * @ud: the device; ud->svc->relay says what to relay
 *
 * Return: 0 or -errno.
 */
int relay_service_init(struct util_dev *ud)
{
	struct relay *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int ret;

	if (!r)
		return -ENOMEM;
	ret = relay_init(r, ud, ud->svc->relay);
	if (ret) {
		kfree(r);
		return ret;
	}
	ud->priv = r;
	return 0;
}

/**
 * relay_service_request() - ->request of a relaying service
 * @ud: the device
 * @pkt: the host's request
 * @len: its length
 * @status: unused: the answer comes later (or at once from the relay)
 *
 * Return: false: relay_request() answers through util_answer().
 */
bool relay_service_request(struct util_dev *ud, u8 *pkt, u32 len, u32 *status)
{
	return relay_request(ud->priv, pkt, len);
}

/**
 * relay_service_stop() - ->stop of a relaying service
 * @ud: the device
 */
void relay_service_stop(struct util_dev *ud)
{
	relay_stop(ud->priv);
}

/**
 * relay_service_deinit() - ->deinit of a relaying service
 * @ud: the device
 */
void relay_service_deinit(struct util_dev *ud)
{
	relay_deinit(ud->priv);
	kfree(ud->priv);
}
