// SPDX-License-Identifier: GPL-2.0-only
/*
 * GET_IP_INFO and SET_IP_INFO: the IP settings of one network adapter.
 *
 * GET_IP_INFO names the adapter by MAC address; the answer holds its
 * addresses and their masks (IPv4 dotted, IPv6 "/len"), default gateways,
 * DNS servers (hv_get_dns_info) and whether DHCP is on (hv_get_dhcp_info),
 * each list ';'-separated, as the in-box daemon answers.
 *
 * SET_IP_INFO names the adapter by the VMBus instance GUID of its netvsc
 * device (sysfs .../device/device_id). Everything the host sent is checked
 * first: every field NUL-terminated, every list item an IP address (or a
 * mask / prefix length) that inet_pton accepts, one mask per address. The
 * checked settings go, normalised, into a temp file for hv_set_ifconfig
 * (run without a shell), so nothing the host wrote reaches a file name or
 * a command line unchecked. Under systemd (--ifconfig-socket) the file's
 * content goes instead to hvlis-ifconfig@.service, a helper outside the
 * daemon's sandbox that takes it as data: the daemon itself needs no way
 * to start programs outside its sandbox.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kvp.h"

#define MAX_ITEMS	64
#define ITEM_LEN	64
#define MAC_LEN		17
#define GUID_LEN	36

/* ---- small helpers ------------------------------------------------- */

/* A ';'-separated list being built in a fixed buffer. */
struct list {
	char *buf;
	size_t cap;	/* bytes usable, including the NUL */
	size_t len;
};

static void list_init(struct list *l, void *buf, size_t cap)
{
	l->buf = buf;
	l->cap = cap;
	l->len = 0;
	if (cap)
		l->buf[0] = '\0';
}

static bool list_add(struct list *l, const char *item)
{
	size_t n = strlen(item) + (l->len ? 1 : 0);

	if (l->len + n + 1 > l->cap)
		return false;
	if (l->len)
		l->buf[l->len++] = ';';
	memcpy(l->buf + l->len, item, strlen(item) + 1);
	l->len += strlen(item);
	return true;
}

static bool read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, " \t\r\n")] = '\0';
	return ok;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "00:15:5D:0A:0B:0C" or with '-': out gets lower case with ':'. */
static bool parse_mac(const char *s, char out[MAC_LEN + 1])
{
	int i;

	if (strlen(s) != MAC_LEN)
		return false;
	for (i = 0; i < MAC_LEN; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':' && s[i] != '-')
				return false;
			out[i] = ':';
		} else {
			if (hexval(s[i]) < 0)
				return false;
			out[i] = "0123456789abcdef"[hexval(s[i])];
		}
	}
	out[MAC_LEN] = '\0';
	return true;
}

/* A GUID with or without braces: out gets it lower case, no braces. */
static bool parse_guid(const char *s, char out[GUID_LEN + 1])
{
	size_t len = strlen(s);
	int i;

	if (len == GUID_LEN + 2 && s[0] == '{' && s[len - 1] == '}')
		s++;
	else if (len != GUID_LEN)
		return false;
	for (i = 0; i < GUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			out[i] = '-';
		} else {
			if (hexval(s[i]) < 0)
				return false;
			out[i] = "0123456789abcdef"[hexval(s[i])];
		}
	}
	out[GUID_LEN] = '\0';
	return true;
}

/*
 * The string in a host field, checked: NUL-terminated within the field,
 * at most max_len bytes. NULL (logged) if not.
 */
static const char *field_str(struct kvp_ctx *ctx, const uint8_t *field,
			     size_t size, size_t max_len, const char *op,
			     const char *name)
{
	ssize_t len = hvd_field_strlen(field, size);

	if (len < 0) {
		hvd_log(ctx->log, LOG_WARNING, "%s: %s is not NUL-terminated", op, name);
		return NULL;
	}
	if ((size_t)len > max_len) {
		hvd_log(ctx->log, LOG_WARNING, "%s: %s is %zd bytes, more than %zu",
			op, name, len, max_len);
		return NULL;
	}
	return (const char *)field;
}

/* ---- interfaces in sysfs ------------------------------------------- */

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Calls match(ctx, name, arg) for each interface under sysfs_net, in name
 * order, until it returns true. Interface names that would not be safe in
 * a file name are skipped. Returns true if one matched.
 */
static bool for_each_iface(struct kvp_ctx *ctx,
			   bool (*match)(struct kvp_ctx *, const char *, void *),
			   void *arg)
{
	struct dirent **names;
	bool found = false;
	int n, i;

	n = scandir(ctx->sysfs_net, &names, not_hidden, alphasort);
	if (n < 0) {
		hvd_log(ctx->log, LOG_ERR, "cannot list %s: %s", ctx->sysfs_net,
			strerror(errno));
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!found && hvd_name_safe(names[i]->d_name, IFNAMSIZ - 1))
			found = match(ctx, names[i]->d_name, arg);
		free(names[i]);
	}
	free(names);
	return found;
}

static bool iface_mac(struct kvp_ctx *ctx, const char *ifname,
		      char mac[MAC_LEN + 1])
{
	char path[512], line[64];

	snprintf(path, sizeof(path), "%s/%s/address", ctx->sysfs_net, ifname);
	return read_first_line(path, line, sizeof(line)) && parse_mac(line, mac);
}

/* ---- GET_IP_INFO --------------------------------------------------- */

static void add_v6_prefix(struct list *l, const struct sockaddr_in6 *mask)
{
	char buf[16];
	unsigned int plen = 0, i;

	for (i = 0; i < 16; i++)
		plen += (unsigned int)__builtin_popcount(mask->sin6_addr.s6_addr[i]);
	snprintf(buf, sizeof(buf), "/%u", plen);
	list_add(l, buf);
}

/* Addresses and masks of ifname; returns false if getifaddrs failed. */
static bool fill_addresses(struct kvp_ctx *ctx, const char *ifname,
			   struct kvp_ip_info *ip)
{
	struct ifaddrs *ifa, *p;
	struct list addrs, masks;
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	const void *ap, *mp;
	int fam;

	list_init(&addrs, ip->ip_addr, KVP_MAX_IP_ADDR);
	list_init(&masks, ip->sub_net, KVP_MAX_IP_ADDR);
	if (getifaddrs(&ifa) < 0) {
		hvd_log(ctx->log, LOG_ERR, "getifaddrs: %s", strerror(errno));
		return false;
	}
	for (p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_addr || strcmp(p->ifa_name, ifname))
			continue;
		fam = p->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		ap = fam == AF_INET ? (const void *)&((struct sockaddr_in *)p->ifa_addr)->sin_addr
				    : (const void *)&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr;
		if (!inet_ntop(fam, ap, a, sizeof(a)) || !list_add(&addrs, a))
			continue;
		if (fam == AF_INET) {
			ip->addr_family |= KVP_ADDR_FAMILY_IPV4;
			mp = p->ifa_netmask ? &((struct sockaddr_in *)p->ifa_netmask)->sin_addr : NULL;
			if (mp && inet_ntop(AF_INET, mp, m, sizeof(m)))
				list_add(&masks, m);
		} else {
			ip->addr_family |= KVP_ADDR_FAMILY_IPV6;
			if (p->ifa_netmask)
				add_v6_prefix(&masks, (struct sockaddr_in6 *)p->ifa_netmask);
		}
	}
	freeifaddrs(ifa);
	return true;
}

/* IPv4 default routes of ifname from <proc_net>/route. */
static void fill_gateways_v4(struct kvp_ctx *ctx, const char *ifname,
			     struct list *gw)
{
	char path[512], line[512], dev[IFNAMSIZ + 1], a[INET_ADDRSTRLEN];
	unsigned int dst, via, flags, refcnt, use, metric, mask;
	struct in_addr in;
	FILE *f;

	snprintf(path, sizeof(path), "%s/route", ctx->proc_net);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%16s %x %x %x %u %u %u %x", dev, &dst, &via,
			   &flags, &refcnt, &use, &metric, &mask) != 8)
			continue;
		if (strcmp(dev, ifname) || dst || mask || !(flags & 0x2) || !via)
			continue;
		in.s_addr = via;	/* printed as the raw network-order word */
		if (inet_ntop(AF_INET, &in, a, sizeof(a)))
			list_add(gw, a);
	}
	fclose(f);
}

static bool hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (hexval(hex[2 * i]) < 0 || hexval(hex[2 * i + 1]) < 0)
			return false;
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	}
	return true;
}

/* IPv6 default routes of ifname from <proc_net>/ipv6_route. */
static void fill_gateways_v6(struct kvp_ctx *ctx, const char *ifname,
			     struct list *gw)
{
	char path[512], line[512], dst[33], src[33], via[33], dev[IFNAMSIZ + 1];
	char a[INET6_ADDRSTRLEN];
	unsigned int dplen, splen, metric, refcnt, use, flags;
	struct in6_addr in6, zero = IN6ADDR_ANY_INIT;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ipv6_route", ctx->proc_net);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dst,
			   &dplen, src, &splen, via, &metric, &refcnt, &use,
			   &flags, dev) != 10)
			continue;
		if (strcmp(dev, ifname) || dplen != 0 || strspn(dst, "0") != 32)
			continue;
		if (!hex_to_bytes(via, in6.s6_addr, 16) ||
		    !memcmp(&in6, &zero, sizeof(in6)))
			continue;
		if (inet_ntop(AF_INET6, &in6, a, sizeof(a)))
			list_add(gw, a);
	}
	fclose(f);
}

static bool is_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* DNS servers: one address per line from hv_get_dns_info <ifname>. */
static void fill_dns(struct kvp_ctx *ctx, const char *ifname,
		     struct kvp_ip_info *ip)
{
	char script[512], out[4096], *line, *save = NULL;
	char *argv[] = { script, (char *)ifname, NULL };
	struct hvd_run_result res;
	struct list dns;

	list_init(&dns, ip->dns_addr, KVP_MAX_IP_ADDR);
	snprintf(script, sizeof(script), "%s/hv_get_dns_info", ctx->scripts_dir);
	if (ctx->run(ctx, argv, out, sizeof(out), &res) < 0 || res.status != 0) {
		hvd_log(ctx->log, LOG_WARNING, "%s failed; no DNS servers in the answer", script);
		return;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (*line && is_ip(line))
			list_add(&dns, line);
	}
}

static void fill_dhcp(struct kvp_ctx *ctx, const char *ifname,
		      struct kvp_ip_info *ip)
{
	char script[512], out[128];
	char *argv[] = { script, (char *)ifname, NULL };
	struct hvd_run_result res;

	snprintf(script, sizeof(script), "%s/hv_get_dhcp_info", ctx->scripts_dir);
	ip->dhcp_enabled = 0;
	if (ctx->run(ctx, argv, out, sizeof(out), &res) == 0 && res.status == 0)
		ip->dhcp_enabled = strncmp(out, "Enabled", 7) == 0;
}

struct get_req {
	const char *mac;
	struct kvp_ip_info *ip;
	bool any;	/* an interface had the MAC (even without addresses) */
};

static void clear_answer(struct kvp_ip_info *ip)
{
	ip->addr_family = 0;
	ip->dhcp_enabled = 0;
	memset(ip->ip_addr, 0, sizeof(ip->ip_addr));
	memset(ip->sub_net, 0, sizeof(ip->sub_net));
	memset(ip->gate_way, 0, sizeof(ip->gate_way));
	memset(ip->dns_addr, 0, sizeof(ip->dns_addr));
}

static bool get_match(struct kvp_ctx *ctx, const char *ifname, void *arg)
{
	struct get_req *req = arg;
	char mac[MAC_LEN + 1];
	struct list gw;

	if (!iface_mac(ctx, ifname, mac) || strcmp(mac, req->mac))
		return false;
	req->any = true;
	clear_answer(req->ip);
	if (!fill_addresses(ctx, ifname, req->ip) || !req->ip->ip_addr[0])
		return false;	/* e.g. an SR-IOV VF with its netvsc's MAC */
	list_init(&gw, req->ip->gate_way, KVP_MAX_GATEWAY);
	fill_gateways_v4(ctx, ifname, &gw);
	fill_gateways_v6(ctx, ifname, &gw);
	fill_dns(ctx, ifname, req->ip);
	fill_dhcp(ctx, ifname, req->ip);
	hvd_log(ctx->log, LOG_DEBUG, "GET_IP_INFO %s: %s: %s", req->mac, ifname,
		(char *)req->ip->ip_addr);
	return true;
}

uint32_t kvp_ip_get(struct kvp_ctx *ctx, struct kvp_ip_info *ip)
{
	char mac[MAC_LEN + 1];
	const char *id;
	struct get_req req = { .mac = mac, .ip = ip };

	id = field_str(ctx, ip->adapter_id, sizeof(ip->adapter_id),
		       KVP_MAX_ADAPTER_ID, "GET_IP_INFO", "adapter_id");
	if (!id)
		return HV_E_FAIL;
	if (!parse_mac(id, mac)) {
		hvd_log(ctx->log, LOG_WARNING, "GET_IP_INFO: adapter_id is not a MAC address");
		return HV_E_FAIL;
	}
	if (for_each_iface(ctx, get_match, &req))
		return HV_S_OK;
	clear_answer(ip);
	hvd_log(ctx->log, LOG_WARNING, "GET_IP_INFO: %s %s", mac,
		req.any ? "has no IP address" : "is not the MAC of any interface");
	return HV_E_FAIL;
}

void kvp_ip_all_addresses(struct kvp_ctx *ctx, int family, char *out,
			  size_t out_size)
{
	struct ifaddrs *ifa, *p;
	char a[INET6_ADDRSTRLEN];
	struct list l;
	const void *ap;

	list_init(&l, out, out_size);
	if (getifaddrs(&ifa) < 0) {
		hvd_log(ctx->log, LOG_ERR, "getifaddrs: %s", strerror(errno));
		return;
	}
	for (p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != family ||
		    (p->ifa_flags & IFF_LOOPBACK))
			continue;
		ap = family == AF_INET ? (const void *)&((struct sockaddr_in *)p->ifa_addr)->sin_addr
				       : (const void *)&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr;
		if (inet_ntop(family, ap, a, sizeof(a)))
			list_add(&l, a);
	}
	freeifaddrs(ifa);
	memset(out + l.len, 0, out_size - l.len);
}

/* ---- SET_IP_INFO --------------------------------------------------- */

struct addr {
	int family;
	unsigned char bytes[16];
	int plen;
};

struct ip_set {
	char ifname[IFNAMSIZ];
	char mac[MAC_LEN + 1];
	bool dhcp;
	struct addr addrs[MAX_ITEMS];
	size_t n_addrs;
	struct addr gws[MAX_ITEMS];
	size_t n_gws;
	struct addr dns[MAX_ITEMS];
	size_t n_dns;
};

/*
 * Splits a host list ("a; b;c") into items. Only the characters of IP
 * addresses and masks are allowed. False (logged) on anything else.
 */
static bool split_list(struct kvp_ctx *ctx, const uint8_t *field, size_t size,
		       size_t max_len, const char *name,
		       char items[MAX_ITEMS][ITEM_LEN], size_t *n)
{
	const char *s = field_str(ctx, field, size, max_len, "SET_IP_INFO", name);
	size_t len;

	*n = 0;
	if (!s)
		return false;
	if (strspn(s, "0123456789abcdefABCDEF.:/; ") != strlen(s)) {
		hvd_log(ctx->log, LOG_WARNING,
			"SET_IP_INFO: %s has characters that are not part of an IP address list",
			name);
		return false;
	}
	while (*s) {
		s += strspn(s, "; ");
		len = strcspn(s, "; ");
		if (!len)
			break;
		if (len >= ITEM_LEN || *n == MAX_ITEMS) {
			hvd_log(ctx->log, LOG_WARNING, "SET_IP_INFO: %s: %s", name,
				len >= ITEM_LEN ? "an item is too long" : "too many items");
			return false;
		}
		memcpy(items[*n], s, len);
		items[(*n)++][len] = '\0';
		s += len;
	}
	return true;
}

static bool parse_addr(const char *s, struct addr *a)
{
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

/* Prefix length of a contiguous mask, or -1. */
static int mask_plen(const unsigned char *b, size_t n)
{
	int plen = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == 0xff) {
			plen += 8;
			continue;
		}
		plen += __builtin_popcount(b[i]);
		if ((unsigned char)(0xff << (8 - __builtin_popcount(b[i]))) != b[i])
			return -1;
		for (i++; i < n; i++)
			if (b[i])
				return -1;
	}
	return plen;
}

/* A mask for an address of family fam: dotted/colon form or a length. */
static int parse_plen(const char *s, int fam)
{
	unsigned char b[16];
	int max = fam == AF_INET ? 32 : 128;
	char *end;
	long v;

	if (inet_pton(fam, s, b) == 1)
		return mask_plen(b, fam == AF_INET ? 4 : 16);
	if (*s == '/')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return (*end || v < 0 || v > max) ? -1 : (int)v;
}

static bool parse_addr_list(struct kvp_ctx *ctx, const uint8_t *field,
			    size_t size, size_t max_len, const char *name,
			    struct addr *out, size_t *n)
{
	char items[MAX_ITEMS][ITEM_LEN];
	size_t i;

	if (!split_list(ctx, field, size, max_len, name, items, n))
		return false;
	for (i = 0; i < *n; i++) {
		if (!parse_addr(items[i], &out[i])) {
			hvd_log(ctx->log, LOG_WARNING,
				"SET_IP_INFO: %s: item %zu is not an IP address", name, i + 1);
			return false;
		}
	}
	return true;
}

static bool parse_set(struct kvp_ctx *ctx, const struct kvp_ip_info *ip,
		      struct ip_set *set)
{
	char masks[MAX_ITEMS][ITEM_LEN];
	size_t n_masks, i;

	set->dhcp = ip->dhcp_enabled != 0;
	if (!parse_addr_list(ctx, ip->ip_addr, sizeof(ip->ip_addr), KVP_MAX_IP_ADDR,
			     "ip_addr", set->addrs, &set->n_addrs) ||
	    !split_list(ctx, ip->sub_net, sizeof(ip->sub_net), KVP_MAX_IP_ADDR,
			"sub_net", masks, &n_masks) ||
	    !parse_addr_list(ctx, ip->gate_way, sizeof(ip->gate_way), KVP_MAX_GATEWAY,
			     "gate_way", set->gws, &set->n_gws) ||
	    !parse_addr_list(ctx, ip->dns_addr, sizeof(ip->dns_addr), KVP_MAX_IP_ADDR,
			     "dns_addr", set->dns, &set->n_dns))
		return false;
	if (n_masks != set->n_addrs) {
		hvd_log(ctx->log, LOG_WARNING,
			"SET_IP_INFO: %zu addresses but %zu subnet masks", set->n_addrs, n_masks);
		return false;
	}
	for (i = 0; i < n_masks; i++) {
		set->addrs[i].plen = parse_plen(masks[i], set->addrs[i].family);
		if (set->addrs[i].plen < 0) {
			hvd_log(ctx->log, LOG_WARNING,
				"SET_IP_INFO: sub_net: item %zu is not a mask for address %zu",
				i + 1, i + 1);
			return false;
		}
	}
	return true;
}

struct set_req {
	const char *guid;
	struct ip_set *set;
};

static bool set_match(struct kvp_ctx *ctx, const char *ifname, void *arg)
{
	struct set_req *req = arg;
	char path[512], line[128], guid[GUID_LEN + 1];

	snprintf(path, sizeof(path), "%s/%s/device/device_id", ctx->sysfs_net, ifname);
	if (!read_first_line(path, line, sizeof(line)) || !parse_guid(line, guid) ||
	    strcmp(guid, req->guid))
		return false;
	snprintf(req->set->ifname, sizeof(req->set->ifname), "%s", ifname);
	return true;
}

static void write_addrs(FILE *f, const char *var, const struct addr *a,
			size_t n, int fam, bool with_plen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	fprintf(f, "%s=", var);
	for (i = 0; i < n; i++) {
		if (a[i].family != fam || !inet_ntop(fam, a[i].bytes, buf, sizeof(buf)))
			continue;
		fprintf(f, "%s%s", sep, buf);
		if (with_plen)
			fprintf(f, "/%d", a[i].plen);
		sep = " ";
	}
	fputc('\n', f);
}

static void write_all_dns(FILE *f, const struct ip_set *s)
{
	char buf[INET6_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	fputs("DNS=", f);
	for (i = 0; i < s->n_dns; i++) {
		if (inet_ntop(s->dns[i].family, s->dns[i].bytes, buf, sizeof(buf))) {
			fprintf(f, "%s%s", sep, buf);
			sep = " ";
		}
	}
	fputc('\n', f);
}

/* The settings file hv_set_ifconfig reads (format: its man page). */
static int write_settings(int fd, const struct ip_set *s)
{
	FILE *f = fdopen(fd, "w");

	if (!f)
		return -1;
	fputs("# hvlis hv_kvp_daemon: IP settings from the Hyper-V host (SET_IP_INFO)\n", f);
	fprintf(f, "DEVICE=%s\nHWADDR=%s\nDHCP=%s\n", s->ifname, s->mac,
		s->dhcp ? "yes" : "no");
	write_addrs(f, "IPV4_ADDRESSES", s->addrs, s->n_addrs, AF_INET, true);
	write_addrs(f, "IPV4_GATEWAYS", s->gws, s->n_gws, AF_INET, false);
	write_addrs(f, "IPV6_ADDRESSES", s->addrs, s->n_addrs, AF_INET6, true);
	write_addrs(f, "IPV6_GATEWAYS", s->gws, s->n_gws, AF_INET6, false);
	write_all_dns(f, s);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * Hands the settings file's content (data: the helper checks every line as
 * hv_set_ifconfig does) to the helper service on ctx->ifconfig_socket,
 * which applies them outside the daemon's sandbox.
 */
static int ask_helper(struct kvp_ctx *ctx, const char *path, struct hvd_run_result *res)
{
	char buf[16384];
	ssize_t n;
	int fd;

	res->status = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || (size_t)n == sizeof(buf))
		return -1;
	return hvd_ask(ctx->log, ctx->ifconfig_socket, buf, (size_t)n, NULL, 0,
		       ctx->script_timeout_ms, res);
}

static uint32_t apply_settings(struct kvp_ctx *ctx, const struct ip_set *set)
{
	char path[512], script[512];
	char *argv[] = { script, path, NULL };
	struct hvd_run_result res;
	int fd;

	snprintf(path, sizeof(path), "%s/.hv_set_ifconfig.XXXXXX", ctx->pool_dir);
	snprintf(script, sizeof(script), "%s/hv_set_ifconfig", ctx->scripts_dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		hvd_log(ctx->log, LOG_ERR, "SET_IP_INFO: cannot create a temp file in %s: %s",
			ctx->pool_dir, strerror(errno));
		return HV_E_FAIL;
	}
	if (write_settings(fd, set) < 0) {
		hvd_log(ctx->log, LOG_ERR, "SET_IP_INFO: writing %s failed", path);
		unlink(path);
		return HV_E_FAIL;
	}
	if (ctx->ifconfig_socket) {
		if (ask_helper(ctx, path, &res) < 0 || res.status != 0) {
			hvd_log(ctx->log, LOG_ERR, "SET_IP_INFO: %s (%s) failed (status %d)",
				ctx->ifconfig_socket, set->ifname, res.status);
			unlink(path);
			return HV_E_FAIL;
		}
	} else if (ctx->run(ctx, argv, NULL, 0, &res) < 0 || res.status != 0) {
		hvd_log(ctx->log, LOG_ERR, "SET_IP_INFO: %s %s failed (status %d)",
			script, set->ifname, res.status);
		unlink(path);
		return HV_E_FAIL;
	}
	unlink(path);
	hvd_log(ctx->log, LOG_INFO, "SET_IP_INFO: %s configured", set->ifname);
	return HV_S_OK;
}

uint32_t kvp_ip_set(struct kvp_ctx *ctx, struct kvp_ip_info *ip)
{
	struct ip_set set;
	struct set_req req = { .set = &set };
	char guid[GUID_LEN + 1];
	const char *id;

	memset(&set, 0, sizeof(set));
	id = field_str(ctx, ip->adapter_id, sizeof(ip->adapter_id),
		       KVP_MAX_ADAPTER_ID, "SET_IP_INFO", "adapter_id");
	if (!id)
		return HV_INVALIDARG;
	if (!parse_guid(id, guid)) {
		hvd_log(ctx->log, LOG_WARNING, "SET_IP_INFO: adapter_id is not a GUID");
		return HV_INVALIDARG;
	}
	if (!parse_set(ctx, ip, &set))
		return HV_INVALIDARG;
	req.guid = guid;
	if (!for_each_iface(ctx, set_match, &req)) {
		hvd_log(ctx->log, LOG_WARNING, "SET_IP_INFO: no interface has device id {%s}", guid);
		return HV_GUID_NOTFOUND;
	}
	if (!iface_mac(ctx, set.ifname, set.mac)) {
		hvd_log(ctx->log, LOG_ERR, "SET_IP_INFO: %s: no MAC address", set.ifname);
		return HV_E_FAIL;
	}
	return apply_settings(ctx, &set);
}

int kvp_run_script(struct kvp_ctx *ctx, char *const argv[], char *out,
		   size_t out_size, struct hvd_run_result *res)
{
	return hvd_run(ctx->log, argv, out, out_size, ctx->script_timeout_ms, res);
}
