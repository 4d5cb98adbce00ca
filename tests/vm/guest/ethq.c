// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethq: the few ethtool requests the net-* scenarios need, through the
 * SIOCETHTOOL ioctl (the busybox image has no ethtool).
 *
 *   ethq IFACE channels       prints "max N combined M" (ethtool -l)
 *   ethq IFACE combined N     sets N combined channels (ethtool -L)
 *   ethq IFACE stat NAME      prints counter NAME of ethtool -S
 *   ethq IFACE drv            "ethtool -i": driver, version, firmware, bus
 *                             (one "key value" line each)
 *   ethq IFACE ring           "ethtool -g": rx_max, tx_max, rx, tx (one
 *                             "key value" line each)
 *   ethq IFACE offload        "ethtool -k": tx (checksums), tso, rx (one
 *                             "key on|off" line each)
 *   ethq IFACE offload tx|tso|rx on|off   "ethtool -K"
 *   ethq IFACE txvlan [on|off] "ethtool -k"/"-K" of tx-vlan-offload (the
 *                             legacy flags: prints "txvlan on|off")
 *
 * Exits 0 on success, 1 on any error (said on stderr; a refused -L
 * prints the errno the driver returned).
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd = -1;
static struct ifreq ifr;

static int eth_ioctl(void *data)
{
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static int channels(int set, unsigned int n)
{
	struct ethtool_channels ch;

	memset(&ch, 0, sizeof(ch));
	ch.cmd = ETHTOOL_GCHANNELS;
	if (eth_ioctl(&ch)) {
		fprintf(stderr, "ethq: ETHTOOL_GCHANNELS: %s\n", strerror(errno));
		return 1;
	}
	if (!set) {
		printf("max %u combined %u\n", ch.max_combined, ch.combined_count);
		return 0;
	}
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.combined_count = n;
	if (eth_ioctl(&ch)) {
		fprintf(stderr, "ethq: ETHTOOL_SCHANNELS %u: %s\n", n, strerror(errno));
		return 1;
	}
	return 0;
}

static int show_stat(const char *name)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} info;
	struct ethtool_gstrings *str = NULL;
	struct ethtool_stats *st = NULL;
	uint32_t n, i;
	int ret = 1;

	memset(&info, 0, sizeof(info));
	info.hdr.cmd = ETHTOOL_GSSET_INFO;
	info.hdr.sset_mask = 1ull << ETH_SS_STATS;
	if (eth_ioctl(&info) || !(info.hdr.sset_mask & (1ull << ETH_SS_STATS))) {
		fprintf(stderr, "ethq: ETHTOOL_GSSET_INFO: %s\n", strerror(errno));
		return 1;
	}
	n = info.len;
	str = calloc(1, sizeof(*str) + (size_t)n * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)n * sizeof(uint64_t));
	if (!str || !st)
		goto out;
	str->cmd = ETHTOOL_GSTRINGS;
	str->string_set = ETH_SS_STATS;
	str->len = n;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	if (eth_ioctl(str) || eth_ioctl(st)) {
		fprintf(stderr, "ethq: ETHTOOL_GSTRINGS/GSTATS: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < n && i < str->len && i < st->n_stats; i++) {
		if (!strncmp((const char *)str->data + (size_t)i * ETH_GSTRING_LEN, name,
			     ETH_GSTRING_LEN)) {
			printf("%llu\n", (unsigned long long)st->data[i]);
			ret = 0;
			goto out;
		}
	}
	fprintf(stderr, "ethq: no counter %s\n", name);
out:
	free(str);
	free(st);
	return ret;
}

static int drv(void)
{
	struct ethtool_drvinfo d;

	memset(&d, 0, sizeof(d));
	d.cmd = ETHTOOL_GDRVINFO;
	if (eth_ioctl(&d)) {
		fprintf(stderr, "ethq: ETHTOOL_GDRVINFO: %s\n", strerror(errno));
		return 1;
	}
	printf("driver %.32s\nversion %.32s\nfirmware %.32s\nbus %.32s\n", d.driver, d.version,
	       d.fw_version, d.bus_info);
	return 0;
}

static int ring(void)
{
	struct ethtool_ringparam r;

	memset(&r, 0, sizeof(r));
	r.cmd = ETHTOOL_GRINGPARAM;
	if (eth_ioctl(&r)) {
		fprintf(stderr, "ethq: ETHTOOL_GRINGPARAM: %s\n", strerror(errno));
		return 1;
	}
	printf("rx_max %u\ntx_max %u\nrx %u\ntx %u\n", r.rx_max_pending, r.tx_max_pending,
	       r.rx_pending, r.tx_pending);
	return 0;
}

/* The legacy get/set commands of the three offloads the scenarios toggle. */
static const struct {
	const char *name;
	uint32_t get, set;
} offloads[] = {
	{ "tx", ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM },
	{ "tso", ETHTOOL_GTSO, ETHTOOL_STSO },
	{ "rx", ETHTOOL_GRXCSUM, ETHTOOL_SRXCSUM },
};

static int offload(const char *name, const char *onoff)
{
	struct ethtool_value v;
	unsigned int i;

	for (i = 0; i < sizeof(offloads) / sizeof(offloads[0]); i++) {
		if (name && strcmp(name, offloads[i].name))
			continue;
		memset(&v, 0, sizeof(v));
		if (name) {
			if (strcmp(onoff, "on") && strcmp(onoff, "off"))
				break;
			v.cmd = offloads[i].set;
			v.data = !strcmp(onoff, "on");
			if (eth_ioctl(&v)) {
				fprintf(stderr, "ethq: offload %s %s: %s\n", name, onoff,
					strerror(errno));
				return 1;
			}
			return 0;
		}
		v.cmd = offloads[i].get;
		if (eth_ioctl(&v)) {
			fprintf(stderr, "ethq: offload %s: %s\n", offloads[i].name, strerror(errno));
			return 1;
		}
		printf("%s %s\n", offloads[i].name, v.data ? "on" : "off");
	}
	if (!name)
		return 0;
	fprintf(stderr, "ethq: offload: tx|tso|rx on|off\n");
	return 1;
}

/* tx-vlan-offload through the legacy flags: read them, change one bit. */
static int txvlan(const char *onoff)
{
	struct ethtool_value v;

	memset(&v, 0, sizeof(v));
	v.cmd = ETHTOOL_GFLAGS;
	if (eth_ioctl(&v)) {
		fprintf(stderr, "ethq: txvlan: %s\n", strerror(errno));
		return 1;
	}
	if (!onoff) {
		printf("txvlan %s\n", v.data & ETH_FLAG_TXVLAN ? "on" : "off");
		return 0;
	}
	if (strcmp(onoff, "on") && strcmp(onoff, "off")) {
		fprintf(stderr, "ethq: txvlan: on|off\n");
		return 1;
	}
	v.cmd = ETHTOOL_SFLAGS;
	if (!strcmp(onoff, "on"))
		v.data |= ETH_FLAG_TXVLAN;
	else
		v.data &= ~(uint32_t)ETH_FLAG_TXVLAN;
	if (eth_ioctl(&v)) {
		fprintf(stderr, "ethq: txvlan %s: %s\n", onoff, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: ethq IFACE channels|combined N|stat NAME|drv|ring|offload [tx|tso|rx on|off]|txvlan [on|off]\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ethq: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, argv[1]);
	if (!strcmp(argv[2], "channels"))
		return channels(0, 0);
	if (!strcmp(argv[2], "combined") && argc == 4)
		return channels(1, (unsigned int)strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[2], "stat") && argc == 4)
		return show_stat(argv[3]);
	if (!strcmp(argv[2], "drv"))
		return drv();
	if (!strcmp(argv[2], "ring"))
		return ring();
	if (!strcmp(argv[2], "offload") && argc == 3)
		return offload(NULL, NULL);
	if (!strcmp(argv[2], "offload") && argc == 5)
		return offload(argv[3], argv[4]);
	if (!strcmp(argv[2], "txvlan") && argc <= 4)
		return txvlan(argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "ethq: unknown request %s\n", argv[2]);
	return 1;
}
