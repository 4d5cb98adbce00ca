# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-mac: hv_netvsc's MAC address change (the NetworkAddress device
# parameter, OID_GEN_RNDIS_CONFIG_PARAMETER). With MAC address spoofing
# off on the simulated host (the default, as on Hyper-V) the host refuses
# the new address, "ip link set address" fails and the interface keeps
# its address; pings still go both ways. With spoofing on ("net <relid>
# macspoof on") the host takes it (guest_mac), the interface has it, and
# the host side reaches the guest at the new address (its neighbour
# entry). An MTU change rebuilds the data path, whose new RNDIS session
# starts from the adapter's own address: the driver gives the host the
# new one again. Back to the permanent address at the end. ethtool -i,
# -g and -S (guest/ethq.c) show the driver, the rings and the rebuild.

# shellcheck disable=SC2034
VM_TIMEOUT=90
VM_BINARIES="ip"
VM_GUEST_TOOLS="ethq"

guest() {
	local r new=00:15:5d:00:00:41 perm=00:15:5d:00:00:40

	sim_start
	sim_ctl add net mac=$perm
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup $perm || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	expect "host: MAC address spoofing" "$(net_field "$r" macspoof)" 0
	ethq "$NET_ETH" drv > /tmp/drv || vm_fail "ethtool -i failed"
	expect "ethtool -i driver" "$(awk '$1 == "driver" { print $2 }' /tmp/drv)" hv_netvsc
	expect "ethtool -i firmware" "$(sed -n 's/^firmware //p' /tmp/drv)" "NVSP 6.1 NDIS 6.30"
	ethq "$NET_ETH" ring > /tmp/ring || vm_fail "ethtool -g failed"
	expect "ethtool -g rx (1 MiB of 1728-byte slots)" "$(awk '$1 == "rx" { print $2 }' /tmp/ring)" 606
	expect "ethtool -g rx_max" "$(awk '$1 == "rx_max" { print $2 }' /tmp/ring)" $((31744 * 1024 / 1728))
	expect "ethtool -g tx" "$(awk '$1 == "tx" { print $2 }' /tmp/ring)" 1024
	expect "ethtool -g tx_max" "$(awk '$1 == "tx_max" { print $2 }' /tmp/ring)" 16384

	# spoofing off: refused, nothing changes
	if ip link set "$NET_ETH" address $new 2> /dev/null; then
		vm_fail "the guest took a MAC address the host refused"
	fi
	expect "guest address after the refusal" "$(cat "/sys/class/net/$NET_ETH/address")" $perm
	expect "host: MAC changes refused" "$(net_field "$r" mac_refused)" 1
	expect "host: guest MAC" "$(net_field "$r" guest_mac)" $perm
	ping -c 1 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "guest -> host ping failed after the refusal"
	$NS busybox ping -c 1 -W 5 192.0.2.1 > /dev/null 2>&1 || vm_fail "host -> guest ping failed after the refusal"
	expect "host: frames from a foreign source address" "$(net_field "$r" src_mac_refused)" 0

	# spoofing on: taken
	sim_ctl net "$r" macspoof on
	ip link set "$NET_ETH" address $new || vm_fail "MAC address $new refused with spoofing on"
	expect "guest address" "$(cat "/sys/class/net/$NET_ETH/address")" $new
	expect "host: guest MAC" "$(net_field "$r" guest_mac)" $new
	$NET_IP -n hs neigh flush dev hvsimnet0
	$NS busybox ping -c 2 -W 5 192.0.2.1 > /tmp/ping 2>&1 ||
		{ vm_fail "host -> guest ping at the new address failed"; vm_detail ping < /tmp/ping; }
	$NET_IP -n hs neigh show dev hvsimnet0 | grep -q "192.0.2.1 lladdr $new" ||
		{ vm_fail "the host side does not see the guest at $new"; $NET_IP -n hs neigh show | vm_detail neigh; }

	# a data path rebuild keeps it on both sides
	ip link set "$NET_ETH" mtu 1400 || vm_fail "MTU 1400 refused"
	expect "guest address after the MTU change" "$(cat "/sys/class/net/$NET_ETH/address")" $new
	expect "host: guest MAC after the MTU change" "$(net_field "$r" guest_mac)" $new
	ping -c 1 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "guest -> host ping failed after the MTU change"
	expect "ethtool -S reattach" "$(ethq "$NET_ETH" stat reattach)" 1

	ip link set "$NET_ETH" address $perm || vm_fail "back to the permanent address refused"
	expect "host: guest MAC at the end" "$(net_field "$r" guest_mac)" $perm
	expect "host: MAC changes taken" "$(net_field "$r" mac_changes)" 3
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
}
