// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus channel messages without a kernel: what the host may send us and
 * how long each must be, the protocol versions we try, GPADL splitting.
 */
#include <hvlis/chanmsg.h>

/*
 * Minimum length of each message the host sends to a guest; 0 marks types
 * a host never sends (the guest's own requests, reserved numbers).
 */
static const u16 host_msg_min_len[HVLIS_CHANMSG_COUNT] = {
	[HVLIS_CHANMSG_OFFERCHANNEL] = sizeof(struct hvlis_msg_offer_channel),
	[HVLIS_CHANMSG_RESCIND_CHANNELOFFER] = sizeof(struct hvlis_msg_rescind_offer),
	[HVLIS_CHANMSG_ALLOFFERS_DELIVERED] = sizeof(struct hvlis_chanmsg_header),
	[HVLIS_CHANMSG_OPENCHANNEL_RESULT] = sizeof(struct hvlis_msg_open_result),
	[HVLIS_CHANMSG_GPADL_CREATED] = sizeof(struct hvlis_msg_gpadl_created),
	[HVLIS_CHANMSG_GPADL_TORNDOWN] = sizeof(struct hvlis_msg_gpadl_torndown),
	[HVLIS_CHANMSG_VERSION_RESPONSE] = sizeof(struct hvlis_msg_version_response),
	[HVLIS_CHANMSG_UNLOAD_RESPONSE] = sizeof(struct hvlis_chanmsg_header),
	[HVLIS_CHANMSG_MODIFYCHANNEL_RESPONSE] =
		sizeof(struct hvlis_msg_modify_channel_response),
};

/**
 * hvlis_chanmsg_check() - validate a channel message received from the host
 * @msg: the message payload (starts with struct hvlis_chanmsg_header)
 * @len: payload length as the SynIC message header states it
 * @type: receives the message type when the message is acceptable
 *
 * Return: 0 if the message is a known host-to-guest type and at least as
 * long as that type; -EMSGSIZE for a length outside the SynIC payload or
 * shorter than the type needs; -EPROTO for a type the host must not send.
 */
int hvlis_chanmsg_check(const void *msg, u32 len, u32 *type)
{
	const struct hvlis_chanmsg_header *h = msg;
	u32 t;

	if (len < sizeof(*h) || len > HVLIS_MESSAGE_PAYLOAD_BYTES)
		return -EMSGSIZE;
	t = h->msgtype;
	if (t >= HVLIS_CHANMSG_COUNT || !host_msg_min_len[t])
		return -EPROTO;
	if (len < host_msg_min_len[t])
		return -EMSGSIZE;
	*type = t;
	return 0;
}

/**
 * hvlis_offer_check() - validate the fields of a channel offer
 * @m: the offer message (already length-checked)
 *
 * Return: 0, or -EPROTO if the relid or monitor id is out of range.
 */
int hvlis_offer_check(const struct hvlis_msg_offer_channel *m)
{
	if (m->child_relid == 0 || m->child_relid > HVLIS_MAX_RELID)
		return -EPROTO;
	if ((m->monitor_flags & HVLIS_OFFER_MONITOR_ALLOCATED) &&
	    m->monitor_id > HVLIS_MAX_MONITOR_ID)
		return -EPROTO;
	return 0;
}

/* Newest first: the order in which we ask the host. */
static const u32 version_ladder[] = {
	HVLIS_VMBUS_WIN10_V5_3,
	HVLIS_VMBUS_WIN10_V5_2,
	HVLIS_VMBUS_WIN10_V5_1,
	HVLIS_VMBUS_WIN10_V5,
	HVLIS_VMBUS_WIN10_V4_1,
	HVLIS_VMBUS_WIN10,
	HVLIS_VMBUS_WIN8_1,
	HVLIS_VMBUS_WIN8,
	HVLIS_VMBUS_WIN7,
	HVLIS_VMBUS_WS2008,
};

/**
 * hvlis_vmbus_version_at() - the i-th protocol version to offer the host
 * @i: 0 for the newest
 *
 * Return: the version, or 0 past the oldest.
 */
u32 hvlis_vmbus_version_at(unsigned int i)
{
	if (i >= ARRAY_SIZE(version_ladder))
		return 0;
	return version_ladder[i];
}

/**
 * hvlis_vmbus_version_name() - the host generation that speaks a version
 * @version: a VMBus protocol version
 *
 * Return: a constant string, "unknown" for versions not in the ladder.
 */
const char *hvlis_vmbus_version_name(u32 version)
{
	switch (version) {
	case HVLIS_VMBUS_WS2008: return "Windows Server 2008";
	case HVLIS_VMBUS_WIN7: return "Windows Server 2008 R2";
	case HVLIS_VMBUS_WIN8: return "Windows Server 2012";
	case HVLIS_VMBUS_WIN8_1: return "Windows Server 2012 R2";
	case HVLIS_VMBUS_WIN10: return "Windows Server 2016";
	case HVLIS_VMBUS_WIN10_V4_1: return "Windows 10 v4.1";
	case HVLIS_VMBUS_WIN10_V5: return "Windows 10 v5.0";
	case HVLIS_VMBUS_WIN10_V5_1: return "Windows 10 v5.1";
	case HVLIS_VMBUS_WIN10_V5_2: return "Windows Server 2019";
	case HVLIS_VMBUS_WIN10_V5_3: return "Windows Server 2022";
	default: return "unknown";
	}
}

/**
 * hvlis_gpadl_msg_count() - messages needed to describe a GPADL
 * @npfns: number of pages
 *
 * Return: 1 (the header) plus the body messages, 0 for an empty GPADL.
 */
u32 hvlis_gpadl_msg_count(u32 npfns)
{
	if (!npfns)
		return 0;
	if (npfns <= HVLIS_GPADL_HEADER_PFNS)
		return 1;
	npfns -= HVLIS_GPADL_HEADER_PFNS;
	return 1 + (npfns + HVLIS_GPADL_BODY_PFNS - 1) / HVLIS_GPADL_BODY_PFNS;
}

/**
 * hvlis_gpadl_fill() - build one message of a GPADL's description
 * @buf: HVLIS_MESSAGE_PAYLOAD_BYTES of space
 * @idx: 0 for the GPADL_HEADER, 1.. for the GPADL_BODY messages
 * @relid: the channel's relid
 * @gpadl: the handle the guest chose
 * @byte_count: length of the described buffer
 * @pfns: all page frame numbers of the buffer, in Hyper-V pages
 * @npfns: their number
 *
 * The header carries one range covering the whole buffer from offset 0.
 *
 * Return: payload length of the message, or 0 if @idx is out of range or
 * @npfns is more than one GPADL can describe.
 */
u32 hvlis_gpadl_fill(void *buf, u32 idx, u32 relid, u32 gpadl, u32 byte_count,
		     const u64 *pfns, u32 npfns)
{
	u32 first, n;

	if (npfns > HVLIS_GPADL_MAX_PFNS || idx >= hvlis_gpadl_msg_count(npfns))
		return 0;
	memset(buf, 0, HVLIS_MESSAGE_PAYLOAD_BYTES);
	if (idx == 0) {
		struct hvlis_msg_gpadl_header *h = buf;

		n = npfns < HVLIS_GPADL_HEADER_PFNS ? npfns : HVLIS_GPADL_HEADER_PFNS;
		h->header.msgtype = HVLIS_CHANMSG_GPADL_HEADER;
		h->child_relid = relid;
		h->gpadl = gpadl;
		h->range_count = 1;
		h->range_buflen = sizeof(struct hvlis_gpa_range) + npfns * sizeof(u64);
		h->range[0].byte_count = byte_count;
		h->range[0].byte_offset = 0;
		memcpy(h->range[0].pfn_array, pfns, n * sizeof(u64));
		return sizeof(*h) + sizeof(struct hvlis_gpa_range) + n * sizeof(u64);
	}
	{
		struct hvlis_msg_gpadl_body *b = buf;

		first = HVLIS_GPADL_HEADER_PFNS + (idx - 1) * HVLIS_GPADL_BODY_PFNS;
		n = npfns - first;
		if (n > HVLIS_GPADL_BODY_PFNS)
			n = HVLIS_GPADL_BODY_PFNS;
		b->header.msgtype = HVLIS_CHANMSG_GPADL_BODY;
		b->msgnumber = idx;
		b->gpadl = gpadl;
		memcpy(b->pfn, pfns + first, n * sizeof(u64));
		return sizeof(*b) + n * sizeof(u64);
	}
}

static void hex2(char *out, u8 v)
{
	static const char digits[] = "0123456789abcdef";

	out[0] = digits[v >> 4];
	out[1] = digits[v & 15];
}

/**
 * hvlis_guid_to_string() - format a wire-order GUID the way users write it
 * @g: the GUID
 * @out: receives "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" and a NUL
 */
void hvlis_guid_to_string(const struct hvlis_guid *g, char out[37])
{
	/* Byte order of the text form: the first three fields are LE. */
	static const u8 order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
				      8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned int i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		hex2(out + o, g->b[order[i]]);
		o += 2;
	}
	out[o] = '\0';
}
