// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc I/O: queuecommand turns a SCSI command into an EXECUTE_SRB
 * whose data travels as one GPA range, the channel callback matches each
 * completion to its request by a checked transaction id and completes the
 * command, and the reset handlers take back what a stuck host holds.
 */
#define pr_fmt(fmt) "hv_storvsc: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/scatterlist.h>
#include <linux/smp.h>
#include <linux/ktime.h>
#include <linux/hrtimer.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include "storvsc.h"

struct stv_removal {
	struct work_struct work;
	struct scsi_device *sdev;
};

static void stv_remove_fn(struct work_struct *work)
{
	struct stv_removal *r = container_of(work, struct stv_removal, work);

	sdev_printk(KERN_INFO, r->sdev, "gone from the host; removing\n");
	scsi_remove_device(r->sdev);
	scsi_device_put(r->sdev);
	kfree(r);
}

/* The host says the LUN does not exist: drop a device the midlayer added. */
static void stv_schedule_removal(struct stv_host *host, struct scsi_device *sdev)
{
	struct stv_removal *r;

	if (sdev->sdev_state != SDEV_RUNNING || READ_ONCE(host->no_rescan))
		return;
	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return;
	if (scsi_device_get(sdev)) {
		kfree(r);
		return;
	}
	r->sdev = sdev;
	INIT_WORK(&r->work, stv_remove_fn);
	queue_work(host->wq, &r->work);
}

static void stv_free_bounce(struct stv_request *req)
{
	if (req->bounce)
		free_pages_exact(req->bounce, req->bounce_len);
	req->bounce = NULL;
}

/*
 * The command's data as one GPA range. The protocol needs every page but
 * the first to start at offset 0 and every page but the last to be full;
 * the host template's virt boundary asks the block layer for that, and a
 * list that still breaks it is copied into a bounce buffer.
 */
static int stv_build_range(struct stv_request *req, struct scsi_cmnd *cmd, u32 len)
{
	struct scatterlist *sg, *sgl = scsi_sglist(cmd);
	int nents = scsi_sg_count(cmd), i;
	u64 start, end, pfn, last_pfn;
	u32 npfns = 0;
	bool ok = true;

	for_each_sg(sgl, sg, nents, i) {
		start = sg_phys(sg);
		end = start + sg->length;
		if ((i > 0 && (start & (HVLIS_HV_PAGE_SIZE - 1))) ||
		    (i < nents - 1 && (end & (HVLIS_HV_PAGE_SIZE - 1)))) {
			ok = false;
			break;
		}
		if (!sg->length)
			continue;
		if (!npfns)
			req->gpa.range.byte_offset = start & (HVLIS_HV_PAGE_SIZE - 1);
		last_pfn = (end - 1) >> HVLIS_HV_PAGE_SHIFT;
		for (pfn = start >> HVLIS_HV_PAGE_SHIFT; pfn <= last_pfn; pfn++) {
			if (npfns == STV_MAX_PFNS) {
				ok = false;
				break;
			}
			req->gpa.pfns[npfns++] = pfn;
		}
		if (!ok)
			break;
	}
	if (!ok || !npfns) {
		req->bounce_len = PAGE_ALIGN(len);
		req->bounce = alloc_pages_exact(req->bounce_len, GFP_ATOMIC | __GFP_NOWARN);
		if (!req->bounce)
			return -ENOMEM;
		if (cmd->sc_data_direction == DMA_TO_DEVICE)
			sg_copy_to_buffer(sgl, nents, req->bounce, len);
		req->gpa.range.byte_offset = 0;
		npfns = 0;
		for (i = 0; i < req->bounce_len / HVLIS_HV_PAGE_SIZE; i++)
			req->gpa.pfns[npfns++] = virt_to_phys((u8 *)req->bounce +
							  (size_t)i * HVLIS_HV_PAGE_SIZE) >>
					     HVLIS_HV_PAGE_SHIFT;
	}
	req->gpa.range.byte_count = len;
	return (int)npfns;
}

/*
 * The channel of a command: with one blk-mq hardware queue per channel, the
 * queue's own (hardware queue I on channel I; while sub-channels are still
 * opening, or if the host made fewer, the queues share the open ones);
 * without blk-mq, the submitting CPU's.
 */
static struct stv_chan *stv_pick_chan(struct stv_host *host, struct scsi_cmnd *cmd)
{
	/* pairs with stv_subchannel()'s release: the channel is set up */
	unsigned int n = smp_load_acquire(&host->nchans);
	struct stv_chan *c;
	int hwq;

	if (n <= 1)
		return host->chans[0];
	hwq = host->nr_hwq > 1 ? hvlis_scsi_cmd_hwq(cmd) : -1;
	if (hwq < 0)
		return host->chans[raw_smp_processor_id() % n];
	c = host->chans[(unsigned int)hwq % n];
	atomic64_inc(&c->hwq_ios);
	return c;
}

/* A free slot, taken while its request is built; false if the channel is full. */
static bool stv_slot_take(struct stv_chan *c, u32 *slot)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&c->lock, flags);
	for (i = 0; i < c->depth; i++)
		if (!c->slot_tid[i])
			break;
	if (i < c->depth)
		c->slot_tid[i] = STV_TID_FILLING;
	spin_unlock_irqrestore(&c->lock, flags);
	*slot = i;
	return i < c->depth;
}

/* The request of a taken slot is built: give it its transaction id. */
static u64 stv_slot_arm(struct stv_chan *c, u32 slot)
{
	unsigned long flags;
	u64 tid;

	spin_lock_irqsave(&c->lock, flags);
	if (!++c->gen)
		c->gen = 1;
	tid = ((u64)c->gen << 32) | (slot + 1);
	c->slot_tid[slot] = tid;
	c->slots[slot] = &c->reqs[slot];
	spin_unlock_irqrestore(&c->lock, flags);
	return tid;
}

/* Takes the slot back if it still holds @tid; false if a completion won. */
static bool stv_slot_put(struct stv_chan *c, u32 slot, u64 tid)
{
	unsigned long flags;
	bool mine;

	spin_lock_irqsave(&c->lock, flags);
	mine = c->slot_tid[slot] == tid;
	if (mine) {
		c->slot_tid[slot] = 0;
		c->slots[slot] = NULL;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return mine;
}

static void stv_finish(struct scsi_cmnd *cmd, int host_byte)
{
	cmd->result = host_byte << 16;
	hvlis_scsi_done(cmd);
}

/**
 * stv_queuecommand() - send one SCSI command to the host
 * @shost: our SCSI host
 * @cmd: the command
 *
 * Return: 0 (the command completes later, or already did with an error),
 * or SCSI_MLQUEUE_HOST_BUSY when the channel has no room now.
 */
hvlis_qc_status_t stv_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	struct stv_host *host = shost_to_stv(shost);
	struct stv_request *req;
	struct hvlis_vstor_packet pkt;
	struct stv_chan *c;
	u32 len = scsi_bufflen(cmd), slot;
	int npfns = 0, ret;
	u64 tid;

	BUILD_BUG_ON(offsetof(struct stv_gpa, pfns) != sizeof(struct hvlis_gpa_range));
	if (READ_ONCE(host->removing)) {
		stv_finish(cmd, DID_NO_CONNECT);
		return 0;
	}
	if (cmd->cmd_len > HVLIS_VSTOR_CDB_MAX || len > host->max_xfer) {
		stv_finish(cmd, DID_ERROR);
		return 0;
	}
	c = stv_pick_chan(host, cmd);
	if (!stv_slot_take(c, &slot))
		return SCSI_MLQUEUE_HOST_BUSY;
	req = &c->reqs[slot];
	req->cmd = cmd;
	req->bounce = NULL;
	req->sent.path_id = host->ide ? host->ide_path : (u8)cmd->device->channel;
	req->sent.target_id = host->ide ? host->ide_target : (u8)cmd->device->id;
	req->sent.lun = (u8)cmd->device->lun;
	req->sent.transfer_len = len;
	switch (cmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		req->sent.data_in = HVLIS_VSTOR_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		req->sent.data_in = HVLIS_VSTOR_DATA_IN;
		break;
	default:
		req->sent.data_in = HVLIS_VSTOR_DATA_UNKNOWN;
		break;
	}
	if (len) {
		npfns = stv_build_range(req, cmd, len);
		if (npfns < 0) {
			stv_slot_put(c, slot, STV_TID_FILLING);
			return SCSI_MLQUEUE_HOST_BUSY;
		}
	}
	stv_msg_build_srb(&pkt, host->version, &req->sent, (u8)shost->host_no, cmd->cmnd,
			  (u8)cmd->cmd_len, STV_CMD_TIMEOUT_S);

	tid = stv_slot_arm(c, slot);
	atomic64_inc(&c->ios);
	if (len)
		ret = hvlis_sendpacket_mpb(c->ch, &req->gpa.range,
					   sizeof(req->gpa.range) + npfns * sizeof(u64), 1,
					   &pkt, host->pkt_size, tid);
	else
		ret = hvlis_sendpacket(c->ch, &pkt, host->pkt_size, tid,
				       HVLIS_PKT_DATA_INBAND, HVLIS_PKT_FLAG_COMPLETION_REQUESTED);
	if (!ret)
		return 0;
	/* Not sent: unless a (forged) completion already took it, it is ours. */
	if (!stv_slot_put(c, slot, tid))
		return 0;
	stv_free_bounce(req);
	if (ret == -EAGAIN)
		return SCSI_MLQUEUE_HOST_BUSY;
	stv_finish(cmd, ret == -ENODEV ? DID_NO_CONNECT : DID_ERROR);
	return 0;
}

/* Completes @req from the host's answer (already matched to it). */
static void stv_complete_io(struct stv_chan *c, struct stv_request *req,
			    const struct hvlis_vstor_packet *pkt, u32 len)
{
	struct stv_host *host = c->host;
	struct scsi_cmnd *cmd = req->cmd;
	struct stv_srb_result res;

	if (stv_msg_srb_complete(pkt, len, host->version, &req->sent, &res)) {
		atomic64_inc(&c->bad_completions);
		pr_err_ratelimited("host %u: malformed completion (op %u, srb %#x, len %u); failing the command\n",
				   host->shost->host_no, pkt->operation, pkt->srb.srb_status, len);
		stv_free_bounce(req);
		stv_finish(cmd, DID_ERROR);
		return;
	}
	switch (res.disp) {
	case STV_DONE:
		cmd->result = res.scsi_status;
		if (res.sense_len && cmd->sense_buffer)
			memcpy(cmd->sense_buffer, res.sense,
			       min_t(u32, res.sense_len, SCSI_SENSE_BUFFERSIZE));
		if (req->bounce && cmd->sc_data_direction == DMA_FROM_DEVICE && res.transferred)
			sg_copy_from_buffer(scsi_sglist(cmd), scsi_sg_count(cmd), req->bounce,
					    res.transferred);
		scsi_set_resid(cmd, req->sent.transfer_len - res.transferred);
		break;
	case STV_RETRY:
		cmd->result = DID_SOFT_ERROR << 16;
		break;
	case STV_NO_DEVICE:
		cmd->result = DID_NO_CONNECT << 16;
		/*
		 * One answer is not proof: the rescan asks the LUN again with
		 * TEST UNIT READY, and only that answer removes it.
		 */
		if (cmd->cmnd[0] == TEST_UNIT_READY)
			stv_schedule_removal(host, cmd->device);
		else if (!READ_ONCE(host->no_rescan))
			queue_work(host->wq, &host->rescan_work);
		break;
	default:
		cmd->result = DID_ERROR << 16;
		break;
	}
	stv_free_bounce(req);
	hvlis_scsi_done(cmd);
}

/* An I/O completion: only the exact transaction id of a busy slot counts. */
static void stv_io_completion(struct stv_chan *c, u64 tid, const struct hvlis_vstor_packet *pkt,
			      u32 len)
{
	u32 slot = (u32)tid - 1;
	struct stv_request *req = NULL;
	bool known = false;

	spin_lock(&c->lock);
	if ((u32)tid && slot < c->depth && c->slot_tid[slot] == tid) {
		known = true;
		req = c->slots[slot];
		c->slots[slot] = NULL;
		/*
		 * The slot's request is read until the command is completed:
		 * the slot stays taken (and its id dead) until then.
		 */
		c->slot_tid[slot] = req ? STV_TID_FILLING : 0;
	}
	spin_unlock(&c->lock);
	if (!known) {
		atomic64_inc(&c->unknown_tids);
		pr_err_ratelimited("host %u: completion for unknown transaction %#llx dropped\n",
				   c->host->shost ? c->host->shost->host_no : 0,
				   (unsigned long long)tid);
		return;
	}
	atomic64_inc(&c->completions);
	if (!req) {
		atomic64_inc(&c->late);	/* its command was taken back by a reset */
		return;
	}
	stv_complete_io(c, req, pkt, len);
	stv_slot_put(c, slot, STV_TID_FILLING);
}

static void stv_ctl_completion(struct stv_host *host, u64 tid, const void *buf, u32 len)
{
	bool mine;

	spin_lock(&host->ctl_lock);
	mine = host->ctl_tid && tid == host->ctl_tid;
	if (mine) {
		memset(&host->ctl_resp, 0, sizeof(host->ctl_resp));
		memcpy(&host->ctl_resp, buf, min_t(u32, len, sizeof(host->ctl_resp)));
		host->ctl_len = len;
		host->ctl_tid = 0;
		complete(&host->ctl_done);
	}
	spin_unlock(&host->ctl_lock);
	if (!mine)
		atomic64_inc(&host->bad_host_msgs);
}

static void stv_host_message(struct stv_host *host, const struct hvlis_vstor_packet *pkt, u32 len)
{
	int op = stv_msg_host_op(pkt, len);

	atomic64_inc(&host->host_msgs);
	if (op == HVLIS_VSTOR_OP_ENUMERATE_BUS || op == HVLIS_VSTOR_OP_REMOVE_DEVICE) {
		if (host->shost && !READ_ONCE(host->no_rescan))
			queue_work(host->wq, &host->rescan_work);
		return;
	}
	if (op == HVLIS_VSTOR_OP_FCHBA_DATA)
		return;		/* FC names: not used yet */
	atomic64_inc(&host->bad_host_msgs);
	pr_err_ratelimited("unexpected message from the host (op %u)\n", pkt->operation);
}

/**
 * stv_channel_cb() - the channel callback: hands the reading to rx_tasklet
 * @context: the struct stv_chan
 */
void stv_channel_cb(void *context)
{
	struct stv_chan *c = context;

	tasklet_schedule(&c->rx_tasklet);
}

/**
 * stv_rx_tasklet() - completions and host messages, a budget at a time
 * @data: the struct stv_chan
 *
 * Handles at most stv_completion_budget packets; if that many came, what is
 * left is read in another run of this tasklet (the host will not signal
 * again for a ring that is not empty), so a flood of completions takes
 * turns with the rest of the CPU's work instead of holding it.
 *
 * The channel's interrupts are masked while it runs: completions the host
 * writes meanwhile are read in this run without a signal each (an IPI and
 * another run of the tasklet). A run that emptied the ring unmasks; what
 * came between its last read and the unmask raised no signal, so it runs
 * again for that (counted in rearms). A run that ended on an error does
 * not: a packet the host left unreadable must not keep it spinning.
 */
void stv_rx_tasklet(unsigned long data)
{
	struct stv_chan *c = (struct stv_chan *)data;
	struct stv_host *host = c->host;
	u32 budget = READ_ONCE(stv_completion_budget);
	struct hvlis_vstor_packet pkt;
	u64 t0 = ktime_to_ns(ktime_get()), dt;
	unsigned int n;
	u32 len;
	u64 tid;
	int ret = 0;

	hvlis_channel_mask_interrupts(c->ch);
	for (n = 0; n < budget; n++) {
		ret = hvlis_recvpacket(c->ch, c->rxbuf, sizeof(c->rxbuf), &len, &tid);
		if (ret == -EAGAIN || ret == -ENODEV)
			break;
		if (ret == -ENOBUFS) {
			atomic64_inc(&c->bad_completions);
			if (hvlis_skippacket(c->ch))
				break;
			continue;
		}
		if (ret) {
			pr_err_ratelimited("channel %u: receive failed: %d\n", c->index, ret);
			break;
		}
		if (stv_msg_copy(c->rxbuf, len, &pkt)) {
			atomic64_inc(&c->bad_completions);
			continue;
		}
		if (!tid)
			stv_host_message(host, &pkt, len);
		else if (tid & STV_TID_CTL)
			stv_ctl_completion(host, tid, c->rxbuf, len);
		else
			stv_io_completion(c, tid, &pkt, len);
	}
	dt = ktime_to_ns(ktime_get()) - t0;
	/* one writer (this tasklet); debugfs reads them as they are */
	WRITE_ONCE(c->runs, c->runs + 1);
	if (n > c->max_batch)
		WRITE_ONCE(c->max_batch, n);
	if (dt > c->max_run_ns)
		WRITE_ONCE(c->max_run_ns, dt);
	if (n == budget) {
		WRITE_ONCE(c->budget_exhausted, c->budget_exhausted + 1);
		tasklet_schedule(&c->rx_tasklet);
		return;
	}
	if (hvlis_channel_unmask_interrupts(c->ch) && ret == -EAGAIN) {
		WRITE_ONCE(c->rearms, c->rearms + 1);
		tasklet_schedule(&c->rx_tasklet);
	}
}

/**
 * stv_reclaim() - take back commands the host has not completed
 * @host: the host
 * @sdev: only this device's commands, or NULL for all
 * @result: host byte to complete them with (they are retried or failed)
 *
 * Their slots stay reserved under their transaction ids, so a completion
 * that still comes is recognised and dropped; it then frees the slot.
 *
 * Return: the number of commands taken back.
 */
unsigned int stv_reclaim(struct stv_host *host, const struct scsi_device *sdev, int result)
{
	/* pairs with stv_subchannel()'s release */
	unsigned int n = smp_load_acquire(&host->nchans), i, count = 0;
	struct stv_request *req;
	struct stv_chan *c;
	unsigned long flags;
	u32 s;

	for (i = 0; i < n; i++) {
		c = host->chans[i];
		for (s = 0; s < c->depth; s++) {
			spin_lock_irqsave(&c->lock, flags);
			req = c->slots[s];
			if (req && (!sdev || req->cmd->device == sdev))
				c->slots[s] = NULL;
			else
				req = NULL;
			spin_unlock_irqrestore(&c->lock, flags);
			if (!req)
				continue;
			/*
			 * The pages may still be the host's: a bounce buffer
			 * is leaked rather than reused.
			 */
			req->bounce = NULL;
			stv_finish(req->cmd, result);
			count++;
		}
	}
	return count;
}

static int stv_reset(struct stv_host *host, u32 op, const struct scsi_device *sdev)
{
	struct hvlis_vstor_packet req, resp;
	u32 len;
	int ret;

	stv_msg_init_request(&req, op);
	if (sdev) {
		req.srb.path_id = host->ide ? host->ide_path : (u8)sdev->channel;
		req.srb.target_id = host->ide ? host->ide_target : (u8)sdev->id;
		req.srb.lun = (u8)sdev->lun;
	}
	ret = stv_ctl_request(host, &req, &resp, &len);
	if (!ret)
		ret = stv_msg_ctl_status(&resp, len);
	/* Whatever the host said: what it holds is given up now. */
	shost_printk(KERN_INFO, host->shost, "reset op %u: %s, %u command(s) taken back\n", op,
		     ret ? "the host did not confirm" : "done", stv_reclaim(host, sdev, DID_RESET));
	return ret ? FAILED : SUCCESS;
}

/**
 * stv_eh_abort() - abort one command: the protocol cannot, so escalate
 * @cmd: the timed-out command
 *
 * Return: FAILED; the midlayer goes on to the LUN reset.
 */
int stv_eh_abort(struct scsi_cmnd *cmd)
{
	return FAILED;
}

/**
 * stv_eh_device_reset() - RESET_LUN, then take back the LUN's commands
 * @cmd: a command of the LUN
 *
 * Return: SUCCESS if the host confirmed, else FAILED (escalate).
 */
int stv_eh_device_reset(struct scsi_cmnd *cmd)
{
	return stv_reset(shost_to_stv(cmd->device->host), HVLIS_VSTOR_OP_RESET_LUN,
			 cmd->device);
}

/**
 * stv_eh_bus_reset() - RESET_BUS, then take back every command
 * @cmd: a command on the bus
 *
 * Return: SUCCESS if the host confirmed, else FAILED.
 */
int stv_eh_bus_reset(struct scsi_cmnd *cmd)
{
	return stv_reset(shost_to_stv(cmd->device->host), HVLIS_VSTOR_OP_RESET_BUS, NULL);
}

/**
 * stv_eh_host_reset() - RESET_ADAPTER, then take back every command
 * @cmd: a command of the host
 *
 * Return: SUCCESS if the host confirmed, else FAILED (the midlayer then
 * takes the devices offline: nothing waits for the host any more).
 */
int stv_eh_host_reset(struct scsi_cmnd *cmd)
{
	return stv_reset(shost_to_stv(cmd->device->host), HVLIS_VSTOR_OP_RESET_ADAPTER, NULL);
}
