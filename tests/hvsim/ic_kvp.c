// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim: the host side of KVP. Strings go out as UTF-16LE with their sizes
 * in bytes (the NUL included), as Hyper-V sends them, and come back
 * converted to UTF-8 for the ic file.
 *
 *   ic kvp set <pool> <key> <value...>     REG_SZ (the value may hold spaces)
 *   ic kvp set_u32 <pool> <key> <n>        REG_U32
 *   ic kvp set_u64 <pool> <key> <n>        REG_U64
 *   ic kvp get <pool> <key>
 *   ic kvp delete <pool> <key>
 *   ic kvp enumerate <pool> <index>
 *   ic kvp get_ip_info <mac>               adapter by MAC (AA:BB:...), IPv4
 *   ic kvp set_ip_info <adapter> <dhcp 0|1> <addrs> <masks> <gws> <dns>
 *                                          adapter: the netvsc instance GUID;
 *                                          lists ';'-separated, "-" for empty
 *   ic kvp hostile <case>                  a malformed request; the guest
 *                                          must answer it with a failure:
 *                                          keysize, surrogate, pool, type,
 *                                          valuesize, op
 *
 * A verb succeeds when the guest answered (any status); the status is
 * "last_status" and "kvp_status". The ic file shows the last answer:
 * kvp_key, kvp_value (spaces shown as '_', "-" when empty), and for
 * get_ip_info kvp_ip, kvp_mask, kvp_gw, kvp_dns, kvp_dhcp, kvp_family.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/nls.h>
#include <hvlis/uapi/kvp.h>
#include "hvsim.h"
#include "hvsim_ic.h"

#define KVP_SHOW_BYTES	2048

struct kvp_state {
	u32 status;
	u64 ops;
	char key[KVP_SHOW_BYTES], value[KVP_SHOW_BYTES];
	char ip[KVP_SHOW_BYTES], mask[KVP_SHOW_BYTES], gw[KVP_SHOW_BYTES], dns[KVP_SHOW_BYTES];
	u8 dhcp, family;
};

/* UTF-8 to UTF-16LE in a field of @units; the size in bytes with the NUL. */
static int to16(const char *s, u8 *field, unsigned int units)
{
	int n = utf8s_to_utf16s((const u8 *)s, strlen(s), UTF16_LITTLE_ENDIAN,
				(wchar_t *)field, units - 1);

	if (n < 0)
		return n;
	field[2 * n] = 0;
	field[2 * n + 1] = 0;
	return 2 * (n + 1);
}

/* A host field of UTF-16 into @dst for the ic file. */
static void from16(const u8 *field, unsigned int units, char *dst, size_t size)
{
	int n = utf16s_to_utf8s((const wchar_t *)field, units, UTF16_LITTLE_ENDIAN, (u8 *)dst,
				size - 1);

	dst[n < 0 ? 0 : n] = '\0';
}

static int parse_pool(char **args, u8 *pool)
{
	char *p = strsep(args, " ");

	return p && !kstrtou8(p, 0, pool) ? 0 : -EINVAL;
}

static int kvp_do(struct hvsim_ic *ic, void *body, u32 len, u8 **ans)
{
	struct kvp_state *st = ic->priv;
	u32 alen;
	int ret;

	st->key[0] = '\0';
	st->value[0] = '\0';
	ret = hvsim_ic_transact(ic, HVLIS_ICMSGTYPE_KVPEXCHANGE, body, len, ans, &alen);
	if (ret)
		return ret;
	st->ops++;
	st->status = hvsim_ic_status(*ans, alen);
	if (alen < HVLIS_IC_BODY_OFFSET + len) {
		ic->bad_answers++;
		return -EPROTO;
	}
	*ans += HVLIS_IC_BODY_OFFSET;
	return 0;
}

static int kvp_keyop(struct hvsim_ic *ic, char *args, u8 op, int type)
{
	struct kvp_state *st = ic->priv;
	struct hvlis_ic_kvp_msg *m;
	struct hvlis_ic_kvp_value *v;
	char *key;
	u8 *ans;
	u8 pool;
	int n, ret = -EINVAL;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	if (parse_pool(&args, &pool))
		goto out;
	key = strsep(&args, " ");
	if (!key || !*key)
		goto out;
	m->hdr.operation = op;
	m->hdr.pool = pool;
	v = &m->body.set;
	if (op == KVP_OP_DELETE) {
		n = to16(key, m->body.del.key, sizeof(m->body.del.key) / 2);
		if (n < 0)
			goto out;
		m->body.del.key_size = n;
	} else {
		n = to16(key, v->key, sizeof(v->key) / 2);
		if (n < 0)
			goto out;
		v->key_size = n;
	}
	if (op == KVP_OP_SET) {
		if (!args)
			goto out;
		v->value_type = type;
		if (type == KVP_REG_U32) {
			u32 x;

			if (kstrtou32(args, 0, &x))
				goto out;
			v->value_u32 = x;
			v->value_size = 4;
		} else if (type == KVP_REG_U64) {
			u64 x;

			if (kstrtou64(args, 0, &x))
				goto out;
			v->value_u64 = x;
			v->value_size = 8;
		} else {
			n = to16(args, v->value, sizeof(v->value) / 2);
			if (n < 0)
				goto out;
			v->value_size = n;
		}
	}
	ret = kvp_do(ic, m, sizeof(*m), &ans);
	if (ret)
		goto out;
	if (op == KVP_OP_GET && st->status == HVLIS_IC_S_OK) {
		v = &((struct hvlis_ic_kvp_msg *)ans)->body.get;
		from16(v->value, min_t(u32, v->value_size, sizeof(v->value)) / 2, st->value,
		       sizeof(st->value));
		snprintf(st->key, sizeof(st->key), "%s", key);
	}
out:
	kfree(m);
	return ret;
}

static int kvp_set(struct hvsim_ic *ic, char *args)
{
	return kvp_keyop(ic, args, KVP_OP_SET, KVP_REG_SZ);
}

static int kvp_set_u32(struct hvsim_ic *ic, char *args)
{
	return kvp_keyop(ic, args, KVP_OP_SET, KVP_REG_U32);
}

static int kvp_set_u64(struct hvsim_ic *ic, char *args)
{
	return kvp_keyop(ic, args, KVP_OP_SET, KVP_REG_U64);
}

static int kvp_get(struct hvsim_ic *ic, char *args)
{
	return kvp_keyop(ic, args, KVP_OP_GET, 0);
}

static int kvp_delete(struct hvsim_ic *ic, char *args)
{
	return kvp_keyop(ic, args, KVP_OP_DELETE, 0);
}

static int kvp_enumerate(struct hvsim_ic *ic, char *args)
{
	struct kvp_state *st = ic->priv;
	struct hvlis_ic_kvp_msg *m;
	struct hvlis_ic_kvp_value *v;
	u8 *ans, pool;
	u32 index;
	int ret = -EINVAL;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	/* parsed into a local: the wire structs are packed (no pointers into them) */
	if (parse_pool(&args, &pool) || !args || kstrtou32(args, 0, &index))
		goto out;
	m->body.enumerate.index = index;
	m->hdr.operation = KVP_OP_ENUMERATE;
	m->hdr.pool = pool;
	ret = kvp_do(ic, m, sizeof(*m), &ans);
	if (ret || st->status != HVLIS_IC_S_OK)
		goto out;
	v = &((struct hvlis_ic_kvp_msg *)ans)->body.enumerate.data;
	from16(v->key, min_t(u32, v->key_size, sizeof(v->key)) / 2, st->key, sizeof(st->key));
	from16(v->value, min_t(u32, v->value_size, sizeof(v->value)) / 2, st->value,
	       sizeof(st->value));
out:
	kfree(m);
	return ret;
}

static int kvp_ip(struct hvsim_ic *ic, char *args, u8 op)
{
	struct kvp_state *st = ic->priv;
	struct hvlis_ic_kvp_ip_msg *m;
	char *mac, *f[5];
	u8 *ans;
	int i, ret = -EINVAL;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	mac = strsep(&args, " ");
	if (!mac || !*mac || to16(mac, m->ip.adapter_id, HVLIS_IC_KVP_ADAPTER_UNITS) < 0)
		goto out;
	m->operation = op;
	m->pool = KVP_POOL_AUTO;
	m->ip.addr_family = KVP_ADDR_FAMILY_IPV4;
	if (op == KVP_OP_SET_IP_INFO) {
		for (i = 0; i < 5; i++) {
			f[i] = strsep(&args, " ");
			if (!f[i] || !*f[i])
				goto out;
			if (!strcmp(f[i], "-"))
				f[i] = "";
		}
		m->ip.dhcp_enabled = f[0][0] == '1';
		if (to16(f[1], m->ip.ip_addr, HVLIS_IC_KVP_IP_UNITS) < 0 ||
		    to16(f[2], m->ip.sub_net, HVLIS_IC_KVP_IP_UNITS) < 0 ||
		    to16(f[3], m->ip.gate_way, HVLIS_IC_KVP_GW_UNITS) < 0 ||
		    to16(f[4], m->ip.dns_addr, HVLIS_IC_KVP_IP_UNITS) < 0)
			goto out;
	}
	st->ip[0] = '\0';
	st->mask[0] = '\0';
	st->gw[0] = '\0';
	st->dns[0] = '\0';
	ret = kvp_do(ic, m, sizeof(*m), &ans);
	if (ret || st->status != HVLIS_IC_S_OK || op != KVP_OP_GET_IP_INFO)
		goto out;
	m = memcpy(m, ans, sizeof(*m));
	from16(m->ip.ip_addr, HVLIS_IC_KVP_IP_UNITS, st->ip, sizeof(st->ip));
	from16(m->ip.sub_net, HVLIS_IC_KVP_IP_UNITS, st->mask, sizeof(st->mask));
	from16(m->ip.gate_way, HVLIS_IC_KVP_GW_UNITS, st->gw, sizeof(st->gw));
	from16(m->ip.dns_addr, HVLIS_IC_KVP_IP_UNITS, st->dns, sizeof(st->dns));
	from16(m->ip.adapter_id, HVLIS_IC_KVP_ADAPTER_UNITS, st->key, sizeof(st->key));
	st->dhcp = m->ip.dhcp_enabled;
	st->family = m->ip.addr_family;
out:
	kfree(m);
	return ret;
}

static int kvp_get_ip_info(struct hvsim_ic *ic, char *args)
{
	return kvp_ip(ic, args, KVP_OP_GET_IP_INFO);
}

static int kvp_set_ip_info(struct hvsim_ic *ic, char *args)
{
	return kvp_ip(ic, args, KVP_OP_SET_IP_INFO);
}

static int kvp_hostile(struct hvsim_ic *ic, char *args)
{
	struct hvlis_ic_kvp_msg *m;
	struct hvlis_ic_kvp_value *v;
	u8 *ans;
	int ret = -EINVAL;

	if (!args)
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	v = &m->body.set;
	m->hdr.operation = KVP_OP_SET;
	v->value_type = KVP_REG_SZ;
	v->key_size = to16("key", v->key, 256);
	v->value_size = to16("value", v->value, 1024);
	if (!strcmp(args, "keysize")) {
		v->key_size = 4096;
	} else if (!strcmp(args, "valuesize")) {
		v->value_size = 0xffffffff;
	} else if (!strcmp(args, "surrogate")) {
		v->key[2] = 0x00;
		v->key[3] = 0xdc;	/* a lone low surrogate */
	} else if (!strcmp(args, "pool")) {
		m->hdr.pool = 200;
	} else if (!strcmp(args, "type")) {
		v->value_type = 99;
	} else if (!strcmp(args, "op")) {
		m->hdr.operation = 77;
	} else {
		goto out;
	}
	ret = kvp_do(ic, m, sizeof(*m), &ans);
out:
	kfree(m);
	return ret;
}

static void show_str(struct seq_file *s, const char *name, const char *v)
{
	seq_printf(s, " %s ", name);
	if (!*v)
		seq_putc(s, '-');
	for (; *v; v++)
		seq_putc(s, *v == ' ' || *v == '\n' || *v == '\t' ? '_' : *v);
}

static void kvp_show(struct hvsim_ic *ic, struct seq_file *s)
{
	struct kvp_state *st = ic->priv;

	seq_printf(s, "  kvp_ops %llu kvp_status 0x%08x kvp_dhcp %u kvp_family %u\n",
		   st->ops, st->status, st->dhcp, st->family);
	seq_puts(s, " ");
	show_str(s, "kvp_key", st->key);
	seq_puts(s, "\n ");
	show_str(s, "kvp_value", st->value);
	seq_puts(s, "\n ");
	show_str(s, "kvp_ip", st->ip);
	show_str(s, "kvp_mask", st->mask);
	show_str(s, "kvp_gw", st->gw);
	show_str(s, "kvp_dns", st->dns);
	seq_putc(s, '\n');
}

static const struct hvsim_ic_verb kvp_verbs[] = {
	{ "set", kvp_set },
	{ "set_u32", kvp_set_u32 },
	{ "set_u64", kvp_set_u64 },
	{ "get", kvp_get },
	{ "delete", kvp_delete },
	{ "enumerate", kvp_enumerate },
	{ "get_ip_info", kvp_get_ip_info },
	{ "set_ip_info", kvp_set_ip_info },
	{ "hostile", kvp_hostile },
	{ }
};

const struct hvsim_ic_service hvsim_ic_kvp = {
	.name = "kvp",
	.class_id = HVLIS_GUID_KVP,
	.msgtype = HVLIS_ICMSGTYPE_KVPEXCHANGE,
	.fw = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0) },
	.nfw = 2,
	.msg = { HVLIS_IC_VER(1, 0), HVLIS_IC_VER(3, 0), HVLIS_IC_VER(4, 0) },
	.nmsg = 3,
	.verbs = kvp_verbs,
	.show = kvp_show,
	.priv_size = sizeof(struct kvp_state),
};
