// SPDX-License-Identifier: GPL-2.0-only
/*
 * IC packet checks and the version negotiation (see hvlis/ic_proto.h).
 * Pure functions over a packet buffer the host wrote: every length comes
 * from the caller, never from the packet alone.
 */
#include "ic_msg.h"

/**
 * hvlis_ic_check() - is this a packet the IC framework can look at?
 * @pkt: the packet's payload
 * @len: its length in bytes (as received; VMBus pads it to 8)
 *
 * Return: 0 when both headers fit; -EBADMSG otherwise.
 */
int hvlis_ic_check(const u8 *pkt, u32 len)
{
	if (!pkt || len < HVLIS_IC_BODY_OFFSET)
		return -EBADMSG;
	return 0;
}

/* The newest of @ours (newest first) that @theirs also lists. */
static bool pick(const struct hvlis_ic_version *theirs, unsigned int ntheirs,
		 const u32 *ours, unsigned int nours, u32 *out)
{
	unsigned int i, j;

	for (i = 0; i < nours; i++) {
		for (j = 0; j < ntheirs; j++) {
			if (theirs[j].major == HVLIS_IC_VER_MAJOR(ours[i]) &&
			    theirs[j].minor == HVLIS_IC_VER_MINOR(ours[i])) {
				*out = ours[i];
				return true;
			}
		}
	}
	return false;
}

/**
 * hvlis_ic_negotiate() - answer a NEGOTIATE request in place
 * @pkt: the request; rewritten into the answer's body
 * @len: its length
 * @fw: framework versions the guest speaks, newest first
 * @nfw: how many
 * @msg: message versions of the service, newest first
 * @nmsg: how many
 * @choice: receives the versions agreed on (zeroed when none)
 *
 * The host lists its framework versions and then its message versions.
 * The answer names one of each, the newest both sides know, with both
 * counts 1; without a common pair both counts are 0. The caller still
 * sets the status and the response flags (hvlis_ic_set_response()).
 *
 * Return: 0 when versions were agreed; -ENOMSG when none are common (the
 * answer says so); -EBADMSG when the lists do not fit in the packet (the
 * answer then lists nothing, if its counts fit at all).
 */
int hvlis_ic_negotiate(u8 *pkt, u32 len, const u32 *fw, unsigned int nfw,
		       const u32 *msg, unsigned int nmsg,
		       struct hvlis_ic_choice *choice)
{
	struct hvlis_ic_negotiate *neg;
	struct hvlis_ic_version *v;
	u32 nfw_host, nmsg_host, need;
	bool ok;

	choice->framework = 0;
	choice->message = 0;
	if (hvlis_ic_check(pkt, len) ||
	    !hvlis_ic_body_fits(len, sizeof(struct hvlis_ic_negotiate)))
		return -EBADMSG;
	neg = (struct hvlis_ic_negotiate *)(pkt + HVLIS_IC_BODY_OFFSET);
	nfw_host = neg->icframe_vercnt;
	nmsg_host = neg->icmsg_vercnt;
	need = sizeof(*neg) + (nfw_host + nmsg_host) * sizeof(*v);
	/* The answer has two entries, whatever the request had. */
	if (!hvlis_ic_body_fits(len, need) ||
	    !hvlis_ic_body_fits(len, sizeof(*neg) + 2 * sizeof(*v))) {
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		return -EBADMSG;
	}
	v = neg->icversion_data;
	ok = pick(v, nfw_host, fw, nfw, &choice->framework) &&
	     pick(v + nfw_host, nmsg_host, msg, nmsg, &choice->message);
	hvlis_ic_hdr(pkt)->icmsgsize = sizeof(*neg) + 2 * sizeof(*v);
	if (!ok) {
		choice->framework = 0;
		choice->message = 0;
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		return -ENOMSG;
	}
	neg->icframe_vercnt = 1;
	neg->icmsg_vercnt = 1;
	v[0].major = HVLIS_IC_VER_MAJOR(choice->framework);
	v[0].minor = HVLIS_IC_VER_MINOR(choice->framework);
	v[1].major = HVLIS_IC_VER_MAJOR(choice->message);
	v[1].minor = HVLIS_IC_VER_MINOR(choice->message);
	return 0;
}

/**
 * hvlis_ic_set_response() - turn a request into its answer
 * @pkt: a packet that passed hvlis_ic_check()
 * @status: HVLIS_IC_S_OK or an HRESULT
 */
void hvlis_ic_set_response(u8 *pkt, u32 status)
{
	struct hvlis_ic_hdr *h = hvlis_ic_hdr(pkt);

	h->status = status;
	h->icflags = HVLIS_ICFLAG_TRANSACTION | HVLIS_ICFLAG_RESPONSE;
}
