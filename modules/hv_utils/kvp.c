// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVP (key-value pair exchange): the host reads and writes the guest's
 * key-value pools, asks for the guest's intrinsics (host name, OS,
 * addresses) and reads or sets an adapter's IP configuration. The daemon
 * (hv_kvp_daemon, /dev/vmbus/hv_kvp) does all of it; this relays.
 *
 * Host and daemon speak the same message layout but different strings:
 * the host UTF-16LE with sizes in bytes, the daemon UTF-8. Every string
 * from the host is converted in relay_msg.c (its size checked against the
 * field; a lone surrogate refused), numbers of a SET become decimal
 * strings, and the daemon's strings are checked here for their NUL before
 * they are converted back. The daemon answers with its status in the header's
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
#include "relay_msg.h"

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

static int kvp_to_daemon(struct relay *r, u8 *pkt, u32 len, u8 *out, u32 *status)
{
	return hvlis_kvp_to_daemon(pkt, len, out);
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
