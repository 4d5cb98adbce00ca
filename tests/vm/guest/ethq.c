// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethq: the few ethtool queries the net-* scenarios need, through the
 * SIOCETHTOOL ioctl (ethtool itself is not in the busybox image).
 *
 *   ethq stat IFACE NAME   the "ethtool -S" counter NAME, in decimal
 *   ethq drv IFACE         "ethtool -i": driver, version, firmware, bus
 *                          (one "key value" line each)
 *   ethq ring IFACE        "ethtool -g": rx_max, tx_max, rx, tx (one
 *                          "key value" line each)
 *
 * Exits 0 with the answer on stdout, 1 on any error (said on stderr), 2
 * for a counter the driver does not have.
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
static const char *ifname;

static int ethtool(void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static int fail(const char *what)
{
	fprintf(stderr, "ethq: %s %s: %s\n", ifname, what, strerror(errno));
	return 1;
}

static int drvinfo(struct ethtool_drvinfo *d)
{
	memset(d, 0, sizeof(*d));
	d->cmd = ETHTOOL_GDRVINFO;
	return ethtool(d);
}

static int stat_get(const char *name)
{
	struct ethtool_drvinfo d;
	struct ethtool_gstrings *gs;
	struct ethtool_stats *st;
	uint32_t n, i;

	if (drvinfo(&d))
		return fail("ETHTOOL_GDRVINFO");
	n = d.n_stats;
	gs = calloc(1, sizeof(*gs) + (size_t)n * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + (size_t)n * sizeof(uint64_t));
	if (!gs || !st)
		return fail("memory");
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = n;
	if (ethtool(gs))
		return fail("ETHTOOL_GSTRINGS");
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	if (ethtool(st))
		return fail("ETHTOOL_GSTATS");
	for (i = 0; i < n && i < gs->len && i < st->n_stats; i++) {
		const char *s = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;

		if (!strncmp(s, name, ETH_GSTRING_LEN)) {
			printf("%llu\n", (unsigned long long)st->data[i]);
			return 0;
		}
	}
	fprintf(stderr, "ethq: %s has no counter %s\n", ifname, name);
	return 2;
}

static int drv(void)
{
	struct ethtool_drvinfo d;

	if (drvinfo(&d))
		return fail("ETHTOOL_GDRVINFO");
	printf("driver %.32s\nversion %.32s\nfirmware %.32s\nbus %.32s\n", d.driver, d.version,
	       d.fw_version, d.bus_info);
	return 0;
}

static int ring(void)
{
	struct ethtool_ringparam r;

	memset(&r, 0, sizeof(r));
	r.cmd = ETHTOOL_GRINGPARAM;
	if (ethtool(&r))
		return fail("ETHTOOL_GRINGPARAM");
	printf("rx_max %u\ntx_max %u\nrx %u\ntx %u\n", r.rx_max_pending, r.tx_max_pending,
	       r.rx_pending, r.tx_pending);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ethq stat IFACE NAME | drv IFACE | ring IFACE\n");
		return 1;
	}
	ifname = argv[2];
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fail("socket");
	if (!strcmp(argv[1], "stat") && argc == 4)
		return stat_get(argv[3]);
	if (!strcmp(argv[1], "drv") && argc == 3)
		return drv();
	if (!strcmp(argv[1], "ring") && argc == 3)
		return ring();
	fprintf(stderr, "ethq: unknown command\n");
	return 1;
}
