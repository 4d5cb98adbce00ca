// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: GPADLs. The guest's GPADL_HEADER and GPADL_BODY messages are
 * assembled into a page list per handle, answered with GPADL_CREATED, and
 * torn down on GPADL_TEARDOWN (or forgotten with their channel).
 */
#define pr_fmt(fmt) "hvsim: " fmt

#include "hvsim_core.h"

/* --------------------------------------------------------- host messages */

struct sim_gpadl *sim_gpadl_find(u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, &sim.gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

void sim_gpadl_free(struct sim_gpadl *g)
{
	list_del(&g->node);
	vfree(g->pfns);
	kfree(g);
}

static void gpadl_maybe_created(struct sim_gpadl *g)
{
	struct hvlis_msg_gpadl_created r;

	if (g->created || g->have < g->npfns)
		return;
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_CREATED;
	r.child_relid = g->relid;
	r.gpadl = g->handle;
	if (hvsim_armed_take(HVSIM_FAULT_GPADL_FAIL, g->relid, NULL)) {
		/* Refused: the host keeps nothing of it. */
		r.creation_status = SIM_STATUS_UNSUCCESSFUL;
		sim_gpadl_free(g);
	} else {
		g->created = true;
		atomic_inc(&sim.gpadls_created);
		if (sim_gpadl_fault(g))
			return;
	}
	sim_queue_to_guest(&r, sizeof(r));
}

void sim_on_gpadl_header(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_header *h = (const void *)msg;
	struct sim_gpadl *g;
	u32 n, in_msg;

	if (len < sizeof(*h) + sizeof(struct hvlis_gpa_range) || h->range_count != 1 ||
	    h->range_buflen < sizeof(struct hvlis_gpa_range) ||
	    !sim_chan_by_relid(h->child_relid) ||
	    sim_gpadl_find(h->gpadl)) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_HEADER (relid %u, gpadl %#x)\n", h->child_relid, h->gpadl);
		return;
	}
	if (sim_chan_by_relid(h->child_relid)->mute) {
		/* fault rescind-after-gpadl: never answered */
		atomic_inc(&sim.requests_after_rescind);
		pr_warn("GPADL_HEADER of relid %u after its rescind\n", h->child_relid);
		return;
	}
	n = (h->range_buflen - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	in_msg = (len - sizeof(*h) - sizeof(struct hvlis_gpa_range)) / sizeof(u64);
	if (!n || h->range[0].byte_count != n * HVLIS_HV_PAGE_SIZE || in_msg > n) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL %#x: inconsistent sizes\n", h->gpadl);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return;
	g->pfns = vmalloc(n * sizeof(u64));
	if (!g->pfns) {
		kfree(g);
		return;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npfns = n;
	g->have = in_msg;
	g->next_msgnum = 1;
	memcpy(g->pfns, h->range[0].pfn_array, in_msg * sizeof(u64));
	list_add_tail(&g->node, &sim.gpadls);
	gpadl_maybe_created(g);
}

void sim_on_gpadl_body(const u8 *msg, u32 len)
{
	const struct hvlis_msg_gpadl_body *b = (const void *)msg;
	struct sim_gpadl *g = sim_gpadl_find(b->gpadl);
	u32 n = (len - sizeof(*b)) / sizeof(u64);

	if (!g || g->created || b->msgnumber != g->next_msgnum || n > g->npfns - g->have) {
		atomic_inc(&sim.bad_msgs);
		pr_err("bad GPADL_BODY (gpadl %#x, msg %u)\n", b->gpadl, b->msgnumber);
		return;
	}
	memcpy(g->pfns + g->have, b->pfn, n * sizeof(u64));
	g->have += n;
	g->next_msgnum++;
	gpadl_maybe_created(g);
}

void sim_on_gpadl_teardown(const u8 *msg)
{
	const struct hvlis_msg_gpadl_teardown *t = (const void *)msg;
	struct hvlis_msg_gpadl_torndown r;
	struct sim_gpadl *g = sim_gpadl_find(t->gpadl);
	struct sim_chan *c;

	if (!g || g->in_use) {
		atomic_inc(&sim.bad_msgs);
		pr_err("GPADL_TEARDOWN of %s gpadl %#x\n", g ? "an in-use" : "an unknown",
		       t->gpadl);
		return;
	}
	/*
	 * After a rescind the host drops the channel's GPADLs itself and a
	 * guest must not ask; we answer anyway, but count it.
	 */
	c = sim_chan_by_relid(g->relid);
	if (c && c->rescinded) {
		atomic_inc(&sim.teardowns_after_rescind);
		pr_warn("GPADL_TEARDOWN of gpadl %#x after relid %u was rescinded\n",
			t->gpadl, g->relid);
	}
	if (hvsim_armed_take(HVSIM_FAULT_TEARDOWN_HANG, g->relid, NULL))
		return;	/* never answered; the GPADL stays the host's */
	sim_gpadl_free(g);
	atomic_inc(&sim.gpadls_torn);
	memset(&r, 0, sizeof(r));
	r.header.msgtype = HVLIS_CHANMSG_GPADL_TORNDOWN;
	r.gpadl = t->gpadl;
	sim_queue_to_guest(&r, sizeof(r));
}
