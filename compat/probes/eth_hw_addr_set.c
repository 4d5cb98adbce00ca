// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ETH_HW_ADDR_SET: eth_hw_addr_set(), how a driver sets its
 * net_device's address (5.15, when dev_addr became const); before, the
 * driver copied into dev_addr itself.
 */
#include <linux/etherdevice.h>

void hvlis_probe(void)
{
	static const u8 mac[ETH_ALEN] = { 0x00, 0x15, 0x5d };

	eth_hw_addr_set((struct net_device *)0, mac);
}
