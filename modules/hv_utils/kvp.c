// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP (key-value pair exchange): the host reads and writes the guest's
 * key-value pools, asks for the guest's intrinsics (host name, OS,
 * addresses) and reads or sets an adapter's IP configuration. The daemon
 * (hv_kvp_daemon, /dev/vmbus/hv_kvp) does all of it; this relays.
 *
 * Host and daemon speak the same message layout but different strings:
 * the host UTF-16LE with sizes in bytes, the daemon UTF-8. Every string
 * from the host is converted here (its size checked against the field;
 * a lone surrogate refused), numbers of a SET become decimal strings,
 * and the daemon's strings are checked for their NUL before they are
 * converted back. The daemon answers with its status in the header's
 * place; a non-zero status goes to the host as it is (HV_S_CONT ends an
 * enumeration).
 *
 * The handshake: the daemon writes a whole message with operation
 * KVP_OP_REGISTER1; the kernel answers with a message of the same
 * operation and the driver version "3.1" in its register body.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <hvlis/uapi/kvp.h>
#include "devtransport.h"
#include "utf16.h"

#define KVP_DRV_VERSION		"3.1"
#define KVP_TIMEOUT_S		30

static const u32 kvp_fw[] = { HVLIS_IC_FW_CURRENT, HVLIS_IC_FW_WS2008 };
static const u32 kvp_msg_ver[] = { HVLIS_IC_KVP_4_0, HVLIS_IC_KVP_3_0, HVLIS_IC_KVP_1_0 };

static int kvp_handshake(struct relay *r, const u8 *msg, size_t len)
{
	struct kvp_msg *ans = (struct kvp_msg *)r->out;

	if (len < KVP_MSG_SIZE)
		return -EINVAL;
	if (msg[0] != KVP_OP_REGISTER1) {
		pr_warn("kvp: the daemon registers with operation %u; this driver speaks %u (KVP_OP_REGISTER1)\n",
			msg[0], KVP_OP_REGISTER1);
		return -EINVAL;
	}
	memset(ans, 0, KVP_MSG_SIZE);
	ans->hdr.operation = KVP_OP_REGISTER1;
	memcpy(ans->body.reg.version, KVP_DRV_VERSION, sizeof(KVP_DRV_VERSION));
	return relay_to_daemon(r, ans, KVP_MSG_SIZE);
}

/* A host string of @size bytes (the NUL included) in a field of @field bytes. */
static int host_str(const u8 *src, u32 size, u32 field, u8 *dst, size_t dst_size,
		    const char *what)
{
	int n;

	if (size > field) {
		pr_warn_ratelimited("kvp: the host's %s is %u bytes, more than %u\n", what,
				    size, field);
		return -EINVAL;
	}
	n = hvlis_utf16_to_utf8(src, size / 2, false, (char *)dst, dst_size);
	if (n < 0)
		pr_warn_ratelimited("kvp: the host's %s is not valid UTF-16 or too long: %d\n",
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

static int kvp_to_daemon(struct relay *r, u8 *pkt, u32 len, u8 *out, u32 *status)
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
		pr_warn_ratelimited("kvp: request for pool %u\n", in->hdr.pool);
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
			return n;
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
			pr_warn_ratelimited("kvp: SET of value type %u\n", v->value_type);
			return -EINVAL;
		}
		if (n < 0)
			return n;
		m->body.set.value_size = n + 1;
		return KVP_MSG_SIZE;
	case KVP_OP_DELETE:
		if (blen < offsetof(struct hvlis_ic_kvp_msg, body) + sizeof(in->body.del))
			goto short_msg;
		n = host_str(in->body.del.key, in->body.del.key_size, sizeof(in->body.del.key),
			     m->body.del.key, sizeof(m->body.del.key), "key");
		if (n < 0)
			return n;
		m->body.del.key_size = n + 1;
		return KVP_MSG_SIZE;
	case KVP_OP_ENUMERATE:
		if (blen < offsetof(struct hvlis_ic_kvp_msg, body) + sizeof(in->body.enumerate))
			goto short_msg;
		m->body.enumerate.index = in->body.enumerate.index;
		return KVP_MSG_SIZE;
	default:
		pr_warn_ratelimited("kvp: unknown operation %u\n", in->hdr.operation);
		return -EINVAL;
	}
short_msg:
	pr_warn_ratelimited("kvp: request of %u bytes is too short\n", len);
	return -EINVAL;
}

/* A daemon string (UTF-8 in a field of @field bytes) into a host field. */
static int daemon_str(const u8 *src, size_t field, u8 *dst, unsigned int units,
		      const char *what)
{
	int n = hvlis_utf8_to_utf16((const char *)src, field, dst, units);

	if (n < 0)
		pr_warn_ratelimited("kvp: the daemon's %s is not NUL-terminated UTF-8 or too long: %d\n",
				    what, n);
	return n;
}

static int kvp_from_daemon(struct relay *r, u8 *pkt, u32 len, const u8 *msg, size_t mlen,
			   u32 *status)
{
	const struct kvp_msg *a = (const void *)msg;
	u8 *body = pkt + HVLIS_IC_BODY_OFFSET;
	struct hvlis_ic_kvp_value *v;
	struct hvlis_ic_kvp_ip_msg *ip;
	const struct kvp_keyval *kv;
	int k = 0, n;

	if (mlen < KVP_MSG_SIZE)
		return -EINVAL;
	*status = a->error;
	if (a->error)
		return 0;
	switch (body[0]) {
	case KVP_OP_GET:
	case KVP_OP_ENUMERATE:
		if (body[0] == KVP_OP_GET) {
			v = &((struct hvlis_ic_kvp_msg *)body)->body.get;
			kv = &a->body.get;
		} else {
			v = &((struct hvlis_ic_kvp_msg *)body)->body.enumerate.data;
			kv = &a->body.enumerate.data;
			k = daemon_str(kv->key, sizeof(kv->key), v->key, sizeof(v->key) / 2, "key");
			if (k >= 0)
				v->key_size = 2 * (k + 1);
		}
		n = daemon_str(kv->value, sizeof(kv->value), v->value, sizeof(v->value) / 2,
			       "value");
		if (k < 0 || n < 0) {
			*status = HVLIS_IC_E_FAIL;
			return 0;
		}
		v->value_size = 2 * (n + 1);
		v->value_type = KVP_REG_SZ;
		break;
	case KVP_OP_GET_IP_INFO:
		ip = (struct hvlis_ic_kvp_ip_msg *)body;
		if (daemon_str(a->body.ip.ip_addr, sizeof(a->body.ip.ip_addr), ip->ip.ip_addr,
			       HVLIS_IC_KVP_IP_UNITS, "address list") < 0 ||
		    daemon_str(a->body.ip.sub_net, sizeof(a->body.ip.sub_net), ip->ip.sub_net,
			       HVLIS_IC_KVP_IP_UNITS, "netmask list") < 0 ||
		    daemon_str(a->body.ip.gate_way, sizeof(a->body.ip.gate_way), ip->ip.gate_way,
			       HVLIS_IC_KVP_GW_UNITS, "gateway list") < 0 ||
		    daemon_str(a->body.ip.dns_addr, sizeof(a->body.ip.dns_addr), ip->ip.dns_addr,
			       HVLIS_IC_KVP_IP_UNITS, "DNS list") < 0 ||
		    daemon_str(a->body.ip.adapter_id, sizeof(a->body.ip.adapter_id),
			       ip->ip.adapter_id, HVLIS_IC_KVP_ADAPTER_UNITS, "adapter id") < 0) {
			*status = HVLIS_IC_E_FAIL;
			return 0;
		}
		ip->ip.dhcp_enabled = a->body.ip.dhcp_enabled;
		ip->ip.addr_family = a->body.ip.addr_family;
		break;
	default:
		break;
	}
	return 0;
}

static unsigned int kvp_timeout(struct relay *r, const u8 *pkt, u32 len)
{
	return KVP_TIMEOUT_S;
}

static const struct relay_ops kvp_relay = {
	.devname = "vmbus/hv_kvp",
	.max_in = KVP_MSG_SIZE,
	.max_out = KVP_MSG_SIZE,
	.handshake = kvp_handshake,
	.to_daemon = kvp_to_daemon,
	.from_daemon = kvp_from_daemon,
	.timeout = kvp_timeout,
};

const struct util_service util_kvp = {
	.name = "kvp",
	.msgtype = HVLIS_ICMSGTYPE_KVPEXCHANGE,
	.fw_versions = kvp_fw,
	.n_fw = ARRAY_SIZE(kvp_fw),
	.msg_versions = kvp_msg_ver,
	.n_msg = ARRAY_SIZE(kvp_msg_ver),
	.buf_bytes = 2 * PAGE_SIZE,
	.init = relay_service_init,
	.request = relay_service_request,
	.stop = relay_service_stop,
	.deinit = relay_service_deinit,
	.relay = &kvp_relay,
};
