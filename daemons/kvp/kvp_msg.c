// SPDX-License-Identifier: GPL-2.0-only
/*
 * One message from the kernel in, the answer out (in the same buffer).
 *
 * Answers, as the in-box daemon gives them (hvlis/uapi/kvp.h has the sources):
 *   GET, SET, DELETE: HV_S_OK, or HV_S_CONT on any failure (no such key,
 *     a malformed key or value, no such pool, pool full, I/O error);
 *   ENUMERATE: HV_S_OK with a key and value, HV_S_CONT past the last one
 *     (or for no such pool);
 *   GET_IP_INFO: HV_S_OK, or HV_E_FAIL;
 *   SET_IP_INFO: HV_S_OK, HV_INVALIDARG for malformed settings,
 *     HV_GUID_NOTFOUND for an unknown adapter, HV_E_FAIL otherwise;
 *   any other operation: HV_ERROR_NOT_SUPPORTED (the in-box daemon answers
 *     HV_S_OK without doing anything).
 * A message that is not exactly KVP_MSG_SIZE bytes is logged and dropped;
 * the kernel never sends one.
 */
#include <string.h>

#include "kvp.h"

static const char *op_name(unsigned int op)
{
	static const char *const names[KVP_OP_COUNT] = {
		"GET", "SET", "DELETE", "ENUMERATE", "GET_IP_INFO", "SET_IP_INFO",
	};

	return op < KVP_OP_COUNT ? names[op] : "unknown operation";
}

/*
 * The string in the first size bytes of a host field: size within 1..max,
 * NUL-terminated within size bytes, well-formed UTF-8. Its length in *len,
 * or false (logged).
 */
static bool host_string(struct kvp_ctx *ctx, const uint8_t *field,
			uint32_t size, size_t max, const char *op,
			const char *what, size_t *len)
{
	ssize_t n;

	if (size == 0 || size > max) {
		hvd_log(ctx->log, LOG_WARNING, "%s: %s size %u is not within 1..%zu",
			op, what, size, max);
		return false;
	}
	n = hvd_field_strlen(field, size);
	if (n < 0) {
		hvd_log(ctx->log, LOG_WARNING,
			"%s: %s is not NUL-terminated within its %u bytes", op, what, size);
		return false;
	}
	if (!hvd_utf8_valid((const char *)field, (size_t)n)) {
		hvd_log(ctx->log, LOG_WARNING, "%s: %s is not valid UTF-8", op, what);
		return false;
	}
	*len = (size_t)n;
	return true;
}

static uint32_t do_get(struct kvp_ctx *ctx, unsigned int pool, struct kvp_keyval *kv)
{
	char value[KVP_MAX_VALUE_SIZE];
	size_t klen;
	uint32_t st;

	if (!host_string(ctx, kv->key, kv->key_size, KVP_MAX_KEY_SIZE, "GET", "key", &klen))
		return HV_S_CONT;
	st = kvp_pool_get(ctx, pool, (const char *)kv->key, klen, value);
	memset(kv->value, 0, sizeof(kv->value));
	if (st == HV_S_OK) {
		memcpy(kv->value, value, sizeof(kv->value));
		kv->value_size = (uint32_t)strlen(value) + 1;
	}
	return st;
}

static uint32_t do_set(struct kvp_ctx *ctx, unsigned int pool, struct kvp_keyval *kv)
{
	size_t klen, vlen;

	if (!host_string(ctx, kv->key, kv->key_size, KVP_MAX_KEY_SIZE, "SET", "key", &klen) ||
	    !host_string(ctx, kv->value, kv->value_size, KVP_MAX_VALUE_SIZE, "SET",
			 "value", &vlen))
		return HV_S_CONT;
	return kvp_pool_set(ctx, pool, (const char *)kv->key, klen,
			    (const char *)kv->value, vlen);
}

static uint32_t do_delete(struct kvp_ctx *ctx, unsigned int pool, struct kvp_delete *d)
{
	size_t klen;

	if (!host_string(ctx, d->key, d->key_size, KVP_MAX_KEY_SIZE, "DELETE", "key", &klen))
		return HV_S_CONT;
	return kvp_pool_delete(ctx, pool, (const char *)d->key, klen);
}

static uint32_t do_enumerate(struct kvp_ctx *ctx, unsigned int pool,
			     struct kvp_enumerate *e)
{
	char key[KVP_MAX_KEY_SIZE] = "", value[KVP_MAX_VALUE_SIZE] = "";
	uint32_t st;

	if (pool == KVP_POOL_AUTO)
		st = kvp_auto_enumerate(ctx, e->index, key, value);
	else
		st = kvp_pool_enumerate(ctx, pool, e->index, key, value);
	memset(e->data.key, 0, sizeof(e->data.key));
	memset(e->data.value, 0, sizeof(e->data.value));
	if (st != HV_S_OK)
		return st;
	memcpy(e->data.key, key, sizeof(key));
	memcpy(e->data.value, value, sizeof(value));
	e->data.key_size = (uint32_t)strlen(key) + 1;
	e->data.value_size = (uint32_t)strlen(value) + 1;
	return HV_S_OK;
}

/* The kernel's answer to our registration: its version string. */
static void do_register(struct kvp_ctx *ctx, const struct kvp_register *r)
{
	char e[HVD_ESC_SIZE];

	if (hvd_field_strlen(r->version, sizeof(r->version)) < 0)
		hvd_log(ctx->log, LOG_WARNING,
			"registration answer: version is not NUL-terminated; cutting it");
	hvd_utf8_sanitize(ctx->kernel_version, sizeof(ctx->kernel_version),
			  r->version, sizeof(r->version));
	ctx->registered = true;
	hvd_log(ctx->log, LOG_INFO, "registered with the kernel; KVP LIC version %s",
		hvd_esc(e, sizeof(e), ctx->kernel_version));
}

enum kvp_verdict kvp_handle(struct kvp_ctx *ctx, struct kvp_msg *msg, size_t len)
{
	unsigned int op, pool;
	uint32_t st;

	if (len != KVP_MSG_SIZE) {
		hvd_log(ctx->log, LOG_WARNING,
			"dropped a message of %zu bytes (a KVP message has %d)",
			len, KVP_MSG_SIZE);
		return KVP_NO_ANSWER;
	}
	op = msg->hdr.operation;
	pool = msg->hdr.pool;
	hvd_log(ctx->log, LOG_DEBUG, "%s (%u), pool %u", op_name(op), op, pool);
	switch (op) {
	case KVP_OP_REGISTER1:
		do_register(ctx, &msg->body.reg);
		return KVP_NO_ANSWER;
	case KVP_OP_GET:
		st = do_get(ctx, pool, &msg->body.get);
		break;
	case KVP_OP_SET:
		st = do_set(ctx, pool, &msg->body.set);
		break;
	case KVP_OP_DELETE:
		st = do_delete(ctx, pool, &msg->body.del);
		break;
	case KVP_OP_ENUMERATE:
		st = do_enumerate(ctx, pool, &msg->body.enumerate);
		break;
	case KVP_OP_GET_IP_INFO:
		st = kvp_ip_get(ctx, &msg->body.ip);
		break;
	case KVP_OP_SET_IP_INFO:
		st = kvp_ip_set(ctx, &msg->body.ip);
		break;
	default:
		hvd_log(ctx->log, LOG_WARNING, "operation %u is not supported", op);
		st = HV_ERROR_NOT_SUPPORTED;
		break;
	}
	msg->error = st;
	return KVP_ANSWER;
}

void kvp_registration_msg(struct kvp_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.operation = KVP_OP_REGISTER1;
}
