// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_kvp_daemon internals. The message handlers (kvp_msg.c) are pure
 * functions of a struct kvp_ctx and one message, so the tests and the
 * fuzzers drive them directly.
 */
#ifndef HVLIS_KVP_H
#define HVLIS_KVP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvd.h"
#include <hvlis/uapi/kvp.h>

#define KVP_DEVICE		"/dev/vmbus/hv_kvp"
#define KVP_SYSFS_NET		"/sys/class/net"
#define KVP_PROC_NET		"/proc/net"
#define KVP_OS_RELEASE		"/etc/os-release"
#define KVP_DEFAULT_MAX_RECORDS	4096
/*
 * The kernel gives up on a request after 30 s, and GET_IP_INFO runs two
 * scripts: each gets at most 12 s (--script-timeout, at most 14 s), so
 * the answer comes before the kernel has given up.
 */
#define KVP_SCRIPT_TIMEOUT_MS	12000
#define KVP_SCRIPT_TIMEOUT_MAX_S	14
#define KVP_LOCK_TIMEOUT_MS	1000	/* longest wait for a pool's lock */

#ifndef HVLIS_SCRIPTS_DIR
#define HVLIS_SCRIPTS_DIR "/usr/libexec/hvlis"
#endif

/* What ENUMERATE on the auto pool answers (besides addresses). */
struct kvp_osinfo {
	char fqdn[256];
	char os_name[256];
	char os_major[64];
	char os_minor[64];
	char os_build[128];	/* uname release */
	char os_version[128];	/* uname release up to the first '-' */
	char arch[64];
};

struct kvp_ctx;

/* Runs a helper script; the daemon uses hvd_run, fuzzers a stub. */
typedef int (*kvp_run_fn)(struct kvp_ctx *ctx, char *const argv[], char *out,
			  size_t out_size, struct hvd_run_result *res);

struct kvp_ctx {
	const struct hvd_log *log;
	const char *pool_dir;
	int pool_dirfd;
	const char *sysfs_net;
	const char *proc_net;
	const char *scripts_dir;
	const char *ifconfig_socket;	/* SET_IP_INFO's helper, or NULL: run the script */
	const char *os_release;
	const char *release_file;	/* RHEL 6 fallback: /etc/redhat-release */
	unsigned int max_records;
	int lock_timeout_ms;		/* per operation; never blocks longer */
	int script_timeout_ms;
	kvp_run_fn run;
	struct kvp_osinfo os;
	char kernel_version[64];	/* from the registration answer */
	bool registered;
};

/* kvp_msg.c */
enum kvp_verdict {
	KVP_ANSWER,		/* write the message back */
	KVP_NO_ANSWER,		/* malformed or the handshake: nothing to send */
};
enum kvp_verdict kvp_handle(struct kvp_ctx *ctx, struct kvp_msg *msg, size_t len);
void kvp_registration_msg(struct kvp_msg *msg);

/* kvp_pool.c: each returns a status code (HV_S_OK, HV_S_CONT, ...) */
int kvp_pool_init(struct kvp_ctx *ctx);
void kvp_pool_fini(struct kvp_ctx *ctx);
uint32_t kvp_pool_get(struct kvp_ctx *ctx, unsigned int pool, const char *key,
		      size_t key_len, char value[KVP_MAX_VALUE_SIZE]);
uint32_t kvp_pool_set(struct kvp_ctx *ctx, unsigned int pool, const char *key,
		      size_t key_len, const char *value, size_t value_len);
uint32_t kvp_pool_delete(struct kvp_ctx *ctx, unsigned int pool,
			 const char *key, size_t key_len);
uint32_t kvp_pool_enumerate(struct kvp_ctx *ctx, unsigned int pool,
			    uint32_t index, char key[KVP_MAX_KEY_SIZE],
			    char value[KVP_MAX_VALUE_SIZE]);

/* kvp_os.c */
void kvp_os_load(struct kvp_ctx *ctx);
uint32_t kvp_auto_enumerate(struct kvp_ctx *ctx, uint32_t index,
			    char key[KVP_MAX_KEY_SIZE],
			    char value[KVP_MAX_VALUE_SIZE]);

/* kvp_ip.c */
uint32_t kvp_ip_get(struct kvp_ctx *ctx, struct kvp_ip_info *ip);
uint32_t kvp_ip_set(struct kvp_ctx *ctx, struct kvp_ip_info *ip);
/* All addresses of one family on non-loopback interfaces, ';'-separated. */
void kvp_ip_all_addresses(struct kvp_ctx *ctx, int family, char *out,
			  size_t out_size);
/* The default runner: hvd_run with ctx->script_timeout_ms. */
int kvp_run_script(struct kvp_ctx *ctx, char *const argv[], char *out,
		   size_t out_size, struct hvd_run_result *res);

#endif /* HVLIS_KVP_H */
