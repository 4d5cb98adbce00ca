// SPDX-License-Identifier: GPL-2.0-only
/*
 * The auto pool: the guest intrinsics the host asks for by index with
 * ENUMERATE (key names and order: hvlis/uapi/kvp.h). Values as the in-box daemon
 * gives them: OSName and OSMajorVersion from os-release's NAME and
 * VERSION_ID (OSMinorVersion empty), OSBuildNumber the kernel release,
 * OSVersion the release up to its first '-', ProcessorArchitecture the
 * machine, the addresses of every non-loopback interface. Without
 * os-release (RHEL/CentOS 6) NAME is the first line of redhat-release and
 * the versions come from its "release X.Y".
 */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kvp.h"

static void set_str(char *dst, size_t size, const char *src)
{
	hvd_utf8_sanitize(dst, size, src, strlen(src));
}

/* Unquotes an os-release value in place (shell-like: "..." or '...'). */
static void unquote(char *v)
{
	char *in = v, *out = v, q = 0;

	if (*in == '"' || *in == '\'')
		q = *in++;
	while (*in && *in != '\n') {
		if (q && *in == q)
			break;
		if (q == '"' && *in == '\\' && in[1])
			in++;
		*out++ = *in++;
	}
	*out = '\0';
	if (!q)
		while (out > v && isspace((unsigned char)out[-1]))
			*--out = '\0';
}

static bool read_os_release(struct kvp_ctx *ctx)
{
	FILE *f = fopen(ctx->os_release, "re");
	char line[512], *eq;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		eq = strchr(line, '=');
		if (line[0] == '#' || !eq)
			continue;
		*eq++ = '\0';
		unquote(eq);
		if (!strcmp(line, "NAME"))
			set_str(ctx->os.os_name, sizeof(ctx->os.os_name), eq);
		else if (!strcmp(line, "VERSION_ID"))
			set_str(ctx->os.os_major, sizeof(ctx->os.os_major), eq);
	}
	fclose(f);
	return true;
}

/* "CentOS release 6.10 (Final)" */
static void read_release_file(struct kvp_ctx *ctx)
{
	FILE *f = fopen(ctx->release_file, "re");
	char line[512], *p;
	unsigned int major, minor;

	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		set_str(ctx->os.os_name, sizeof(ctx->os.os_name), line);
		p = strstr(line, "release ");
		if (p && sscanf(p + 8, "%u.%u", &major, &minor) == 2) {
			snprintf(ctx->os.os_major, sizeof(ctx->os.os_major), "%u", major);
			snprintf(ctx->os.os_minor, sizeof(ctx->os.os_minor), "%u", minor);
		} else if (p && sscanf(p + 8, "%u", &major) == 1) {
			snprintf(ctx->os.os_major, sizeof(ctx->os.os_major), "%u", major);
		}
	}
	fclose(f);
}

static void read_fqdn(struct kvp_ctx *ctx)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_CANONNAME };
	struct addrinfo *ai = NULL;
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	set_str(ctx->os.fqdn, sizeof(ctx->os.fqdn), host);
	if (!host[0] || strchr(host, '.'))
		return;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai && ai->ai_canonname)
		set_str(ctx->os.fqdn, sizeof(ctx->os.fqdn), ai->ai_canonname);
	if (ai)
		freeaddrinfo(ai);
}

void kvp_os_load(struct kvp_ctx *ctx)
{
	struct utsname u;

	memset(&ctx->os, 0, sizeof(ctx->os));
	if (uname(&u) == 0) {
		set_str(ctx->os.os_build, sizeof(ctx->os.os_build), u.release);
		u.release[strcspn(u.release, "-")] = '\0';
		set_str(ctx->os.os_version, sizeof(ctx->os.os_version), u.release);
		set_str(ctx->os.arch, sizeof(ctx->os.arch), u.machine);
		set_str(ctx->os.os_name, sizeof(ctx->os.os_name), u.sysname);
	}
	if (!read_os_release(ctx))
		read_release_file(ctx);
	read_fqdn(ctx);
	hvd_log(ctx->log, LOG_DEBUG, "os: '%s' '%s' '%s', kernel %s, %s, fqdn '%s'",
		ctx->os.os_name, ctx->os.os_major, ctx->os.os_minor,
		ctx->os.os_build, ctx->os.arch, ctx->os.fqdn);
}

uint32_t kvp_auto_enumerate(struct kvp_ctx *ctx, uint32_t index,
			    char key[KVP_MAX_KEY_SIZE],
			    char value[KVP_MAX_VALUE_SIZE])
{
	static const char *const names[KVP_AUTO_COUNT] = KVP_AUTO_KEYS;
	const char *v = NULL;

	switch (index) {
	case 0: v = ctx->os.fqdn; break;
	case 1: v = ctx->registered ? ctx->kernel_version : "Unknown version"; break;
	case 2: kvp_ip_all_addresses(ctx, AF_INET, value, KVP_MAX_VALUE_SIZE); break;
	case 3: kvp_ip_all_addresses(ctx, AF_INET6, value, KVP_MAX_VALUE_SIZE); break;
	case 4: v = ctx->os.os_build; break;
	case 5: v = ctx->os.os_name; break;
	case 6: v = ctx->os.os_major; break;
	case 7: v = ctx->os.os_minor; break;
	case 8: v = ctx->os.os_version; break;
	case 9: v = ctx->os.arch; break;
	default:
		return HV_S_CONT;	/* past the last key: the host stops */
	}
	if (v)
		set_str(value, KVP_MAX_VALUE_SIZE, v);
	set_str(key, KVP_MAX_KEY_SIZE, names[index]);
	return HV_S_OK;
}
