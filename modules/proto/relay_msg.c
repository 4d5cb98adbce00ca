// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host requests of KVP, VSS and file copy converted into the messages their
 * daemons read (see relay_msg.h). Every string from the host is converted
 * from UTF-16LE to UTF-8 here, its size checked against its field, a lone
 * surrogate refused; numbers of a KVP SET become decimal strings.
 */
#ifdef __KERNEL__
#define pr_fmt(fmt) "hv_utils: " fmt
#include <linux/kernel.h>
#else
#include <stdio.h>
#endif
#include <hvlis/uapi/kvp.h>
#include <hvlis/uapi/vss.h>
#include <hvlis/uapi/fcopy.h>
#include "ic_msg.h"
#include "utf16.h"
#include "relay_msg.h"

#ifndef __KERNEL__
char hvlis_relay_last_warning[256];
#endif

/* A host string of @size bytes (the NUL included) in a field of @field bytes. */
static int host_str(const u8 *src, u32 size, u32 field, u8 *dst, size_t dst_size,
		    const char *what)
{
	int n;

	if (size > field) {
		hvlis_relay_warn("kvp: the host's %s is %u bytes, more than %u\n", what,
				 size, field);
		return -EINVAL;
	}
	n = hvlis_utf16_to_utf8(src, size / 2, false, (char *)dst, dst_size);
	if (n < 0)
		hvlis_relay_warn("kvp: the host's %s is not valid UTF-16 or too long: %d\n",
				 what, n);
	return n;
}

/* A host string in a fixed field of @units (NUL-terminated or full). */
static int host_field(const u8 *src, unsigned int units, u8 *dst, size_t dst_size,
		      const char *what)
{
	return host_str(src, 2 * units, 2 * units, dst, dst_size, what);
}

static int kvp_ip_to_daemon(const u8 *body, u32 blen, struct kvp_msg *m)
{
	const struct hvlis_ic_kvp_ip_msg *in = (const void *)body;
	struct kvp_ip_info *out = &m->body.ip;

	if (blen < sizeof(*in))
		return -EINVAL;
	if (host_field(in->ip.adapter_id, HVLIS_IC_KVP_ADAPTER_UNITS, out->adapter_id,
		       sizeof(out->adapter_id), "adapter id") < 0)
		return -EINVAL;
	out->addr_family = in->ip.addr_family;
	if (in->operation == KVP_OP_GET_IP_INFO)
		return KVP_MSG_SIZE;
	out->dhcp_enabled = in->ip.dhcp_enabled;
	if (host_field(in->ip.ip_addr, HVLIS_IC_KVP_IP_UNITS, out->ip_addr,
		       sizeof(out->ip_addr), "address list") < 0 ||
	    host_field(in->ip.sub_net, HVLIS_IC_KVP_IP_UNITS, out->sub_net,
		       sizeof(out->sub_net), "netmask list") < 0 ||
	    host_field(in->ip.gate_way, HVLIS_IC_KVP_GW_UNITS, out->gate_way,
		       sizeof(out->gate_way), "gateway list") < 0 ||
	    host_field(in->ip.dns_addr, HVLIS_IC_KVP_IP_UNITS, out->dns_addr,
		       sizeof(out->dns_addr), "DNS list") < 0)
		return -EINVAL;
	return KVP_MSG_SIZE;
}

/**
 * hvlis_kvp_to_daemon() - a KVP request from the host as hv_kvp_daemon reads it
 * @pkt: the request, IC headers included
 * @len: its length
 * @out: KVP_MSG_SIZE bytes, zeroed: the daemon's struct kvp_msg
 *
 * Return: KVP_MSG_SIZE, or -EINVAL (short, bad pool, operation, value type
 * or string).
 */
int hvlis_kvp_to_daemon(const u8 *pkt, u32 len, u8 *out)
{
	const u8 *body = pkt + HVLIS_IC_BODY_OFFSET;
	u32 blen = len - HVLIS_IC_BODY_OFFSET;
	const struct hvlis_ic_kvp_msg *in = (const void *)body;
	struct kvp_msg *m = (struct kvp_msg *)out;
	const struct hvlis_ic_kvp_value *v;
	int n;

	if (!hvlis_ic_body_fits(len, sizeof(struct hvlis_ic_kvp_hdr)))
		goto short_msg;
	m->hdr.operation = in->hdr.operation;
	m->hdr.pool = in->hdr.pool;
	if (in->hdr.operation == KVP_OP_GET_IP_INFO || in->hdr.operation == KVP_OP_SET_IP_INFO) {
		n = kvp_ip_to_daemon(body, blen, m);
		if (n == -EINVAL && blen < sizeof(struct hvlis_ic_kvp_ip_msg))
			goto short_msg;
		return n;
	}
	if (in->hdr.pool >= KVP_POOL_COUNT) {
		hvlis_relay_warn("kvp: request for pool %u\n", in->hdr.pool);
		return -EINVAL;
	}
	switch (in->hdr.operation) {
	case KVP_OP_GET:
	case KVP_OP_SET:
		if (blen < offsetof(struct hvlis_ic_kvp_msg, body) + sizeof(*v))
			goto short_msg;
		v = &in->body.set;
		n = host_str(v->key, v->key_size, sizeof(v->key), m->body.set.key,
			     sizeof(m->body.set.key), "key");
		if (n < 0)
			return -EINVAL;
		m->body.set.key_size = n + 1;
		if (in->hdr.operation == KVP_OP_GET) {
			/*
			 * The room for the value. The in-box driver leaves it
			 * 0, and the in-box daemon then copies 0 bytes of the
			 * value: its GETs come back empty. Ours ignores it.
			 */
			m->body.get.value_size = sizeof(m->body.get.value);
			return KVP_MSG_SIZE;
		}
		switch (v->value_type) {
		case KVP_REG_SZ:
			n = host_str(v->value, v->value_size, sizeof(v->value),
				     m->body.set.value, sizeof(m->body.set.value), "value");
			break;
		case KVP_REG_U32:
			n = snprintf((char *)m->body.set.value, sizeof(m->body.set.value), "%u",
				     v->value_u32);
			break;
		case KVP_REG_U64:
			n = snprintf((char *)m->body.set.value, sizeof(m->body.set.value), "%llu",
				     (unsigned long long)v->value_u64);
			break;
		default:
			hvlis_relay_warn("kvp: SET of value type %u\n", v->value_type);
			return -EINVAL;
		}
		if (n < 0)
			return -EINVAL;
		m->body.set.value_size = n + 1;
		return KVP_MSG_SIZE;
	case KVP_OP_DELETE:
		if (blen < offsetof(struct hvlis_ic_kvp_msg, body) + sizeof(in->body.del))
			goto short_msg;
		n = host_str(in->body.del.key, in->body.del.key_size, sizeof(in->body.del.key),
			     m->body.del.key, sizeof(m->body.del.key), "key");
		if (n < 0)
			return -EINVAL;
		m->body.del.key_size = n + 1;
		return KVP_MSG_SIZE;
	case KVP_OP_ENUMERATE:
		if (blen < offsetof(struct hvlis_ic_kvp_msg, body) + sizeof(in->body.enumerate))
			goto short_msg;
		m->body.enumerate.index = in->body.enumerate.index;
		return KVP_MSG_SIZE;
	default:
		hvlis_relay_warn("kvp: unknown operation %u\n", in->hdr.operation);
		return -EINVAL;
	}
short_msg:
	hvlis_relay_warn("kvp: request of %u bytes is too short\n", len);
	return -EINVAL;
}

/**
 * hvlis_vss_to_daemon() - a VSS request from the host as hv_vss_daemon reads it
 * @pkt: the request, IC headers included; GET_DM_INFO's flags are cleared
 *	 in place (the answer the host gets)
 * @len: its length
 * @out: VSS_MSG_SIZE bytes, zeroed: the daemon's struct vss_msg
 * @status: set to HVLIS_IC_S_OK when the host is answered at once
 *
 * FREEZE, THAW and HOT_BACKUP go to the daemon; the rest succeed here.
 *
 * Return: VSS_MSG_SIZE, 0 (answer at once), or -EINVAL (short).
 */
int hvlis_vss_to_daemon(u8 *pkt, u32 len, u8 *out, u32 *status)
{
	struct hvlis_ic_vss *in = (struct hvlis_ic_vss *)(pkt + HVLIS_IC_BODY_OFFSET);
	struct vss_msg *m = (struct vss_msg *)out;

	if (!hvlis_ic_body_fits(len, sizeof(*in))) {
		hvlis_relay_warn("vss: request of %u bytes is too short\n", len);
		return -EINVAL;
	}
	switch (in->operation) {
	case VSS_OP_FREEZE:
	case VSS_OP_THAW:
	case VSS_OP_HOT_BACKUP:
		m->hdr.operation = in->operation;
		return VSS_MSG_SIZE;
	case VSS_OP_GET_DM_INFO:
		in->flags = 0;
		break;
	default:
		break;
	}
	*status = HVLIS_IC_S_OK;
	return 0;
}

/**
 * hvlis_fcopy_to_daemon() - a file copy request as hv_fcopy_daemon reads it
 * @pkt: the request, IC headers included
 * @len: its length
 * @out: FCOPY_MAX_MSG bytes, zeroed
 *
 * START gets its names in UTF-8 (FCOPY_START_SIZE), WRITE goes as the host
 * sent it, its fragment's size checked (FCOPY_DATA_SIZE), anything else as
 * the header (FCOPY_HDR_SIZE).
 *
 * Return: the daemon message's length, or -EINVAL.
 */
int hvlis_fcopy_to_daemon(const u8 *pkt, u32 len, u8 *out)
{
	const u8 *body = pkt + HVLIS_IC_BODY_OFFSET;
	u32 blen = len - HVLIS_IC_BODY_OFFSET;
	const struct hvlis_ic_fcopy_start *st = (const void *)body;
	const struct hvlis_ic_fcopy_data *d = (const void *)body;
	struct fcopy_start *ms = (struct fcopy_start *)out;
	u32 op;

	if (!hvlis_ic_body_fits(len, sizeof(struct hvlis_ic_fcopy_hdr)))
		goto short_msg;
	op = st->hdr.operation;
	switch (op) {
	case START_FILE_COPY:
		if (blen < sizeof(*st))
			goto short_msg;
		ms->hdr.operation = op;
		if (hvlis_utf16_to_utf8(st->file_name, HVLIS_IC_FCOPY_PATH_UNITS, true,
					(char *)ms->file_name, sizeof(ms->file_name)) < 0 ||
		    hvlis_utf16_to_utf8(st->path_name, HVLIS_IC_FCOPY_PATH_UNITS, true,
					(char *)ms->path_name, sizeof(ms->path_name)) < 0) {
			hvlis_relay_warn("fcopy: a name from the host is not NUL-terminated UTF-16 or too long\n");
			return -EINVAL;
		}
		ms->copy_flags = st->copy_flags;
		ms->file_size = st->file_size;
		return FCOPY_START_SIZE;
	case WRITE_TO_FILE:
		if (blen < offsetof(struct hvlis_ic_fcopy_data, data))
			goto short_msg;
		if (d->size > HVLIS_IC_FCOPY_FRAGMENT ||
		    d->size > blen - offsetof(struct hvlis_ic_fcopy_data, data)) {
			hvlis_relay_warn("fcopy: a fragment of %u bytes in a request of %u\n",
					 d->size, len);
			return -EINVAL;
		}
		memcpy(out, body, offsetof(struct hvlis_ic_fcopy_data, data) + d->size);
		return FCOPY_DATA_SIZE;
	default:
		memcpy(out, body, FCOPY_HDR_SIZE);
		return FCOPY_HDR_SIZE;
	}
short_msg:
	hvlis_relay_warn("fcopy: request of %u bytes is too short\n", len);
	return -EINVAL;
}
