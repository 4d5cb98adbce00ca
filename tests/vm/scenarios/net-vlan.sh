# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-vlan: hv_netvsc's 802.1Q tag offload against the simulated host
# (tests/hvsim/net_host.c). The guest's VLAN interface (ip link add ...
# type vlan id 5, 8021q) and one on the host's hvsimnet0 (in namespace
# "hs") get 198.51.100.1 and .2: ping both ways. Every frame the guest
# sends on VLAN 5 reaches the host with the 802.1Q per-packet info naming
# VLAN 5 and no tag in the frame (vlan_from_guest, vlan_inframe_from_guest
# 0); the host's tagged replies reach the guest as 802.1Q info and arrive
# on the VLAN interface (the guest's tx_vlan and rx_vlan). The untagged
# network still works beside it. A checked TCP transfer over VLAN 5: the
# VLAN interface has the adapter's offloads (vlan_features), so the host
# segments its LSOv2 frames; with tx-vlan-offload off the tag is in the
# frame and the guest segments and checksums (nothing refused by the
# host). Hostile 802.1Q infos (faults vlan-dup,
# vlan-short, vlan-4095: the frame is dropped and counted, rx_vlan_bad;
# vlan-vid0: the info is ignored, the frame delivered, rx_vlan_prio), each
# on the next frame to the guest; then hv_netvsc unloads with the VLAN
# interface still on it, and the VLAN interface goes with it.

# shellcheck disable=SC2034
VM_TIMEOUT=90
VM_BINARIES="ip"
VM_GUEST_TOOLS="ethq tcpxfer"
VM_KMODS="8021q"

MAC=00:15:5d:00:05:21

# vlan_fault NAME: arm fault NAME once and send untagged pings from the host
# until it fired (at most 10). The fault takes the next frame to the guest,
# whichever it is (a ping, an ARP or IPv6 frame, tagged or not): the
# guest's counters say what became of it, not the pings.
vlan_fault() {
	local i=0 p
	sim_ctl net "$r" fault "$1" count=1
	while [ "$i" -lt 10 ] && [ "$(net_field "$r" "fault_$1")" != 1 ]; do
		$NS busybox ping -c 1 -W 1 192.0.2.1 > /dev/null 2>&1 &
		p=$!
		# no need to wait out the timeout of a ping whose frame was dropped
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ "$(net_field "$r" "fault_$1")" != 1 ] || break
			sleep 0.1
		done
		kill "$p" 2> /dev/null
		wait "$p"
		i=$((i + 1))
	done
	expect "host: fault $1 fired" "$(net_field "$r" "fault_$1")" 1
	vm_log "after $1: guest rx_vlan_bad $(ethq "$NET_ETH" stat rx_vlan_bad), rx_vlan_prio $(ethq "$NET_ETH" stat rx_vlan_prio), rx_bad $(ethq "$NET_ETH" stat rx_bad)"
}

# vlan_xfer TAG KIB: KIB KiB guest -> host over VLAN 5 by TCP, md5 checked
vlan_xfer() {
	local hp
	dd if=/dev/urandom of="/tmp/$1" bs=1k count="$2" 2> /dev/null
	$NS tcpxfer recv 198.51.100.2 5005 "/tmp/$1.h" > /tmp/x1 2>&1 &
	hp=$!
	tcpxfer send 198.51.100.2 5005 "/tmp/$1" > /tmp/x2 2>&1 ||
		{ vm_fail "$1: guest -> host TCP send over VLAN 5 failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$hp" || { vm_fail "$1: host TCP receive over VLAN 5 failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "$1: guest -> host over VLAN 5 (md5)" "$(md5sum < "/tmp/$1.h")" "$(md5sum < "/tmp/$1")"
	rm -f "/tmp/$1" "/tmp/$1.h"
}

guest() {
	local r vl lso0 csum0

	sim_start
	sim_ctl add net mac=$MAC
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup $MAC || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	vl="$NET_ETH.5"
	ip link add link "$NET_ETH" name "$vl" type vlan id 5 ||
		{ vm_fail "ip link add type vlan failed"; return; }
	$NS ip link add link hvsimnet0 name hvsimnet0.5 type vlan id 5 ||
		{ vm_fail "host: ip link add type vlan failed"; return; }
	ip addr add 198.51.100.1/24 dev "$vl"
	ip link set "$vl" up || vm_fail "$vl not up"
	$NS ip addr add 198.51.100.2/24 dev hvsimnet0.5
	$NS ip link set hvsimnet0.5 up || vm_fail "hvsimnet0.5 not up"

	ping -c 2 -W 5 198.51.100.2 > /tmp/ping1 2>&1 ||
		{ vm_fail "guest -> host ping over VLAN 5 failed"; vm_detail ping < /tmp/ping1; }
	$NS busybox ping -c 2 -W 5 198.51.100.1 > /tmp/ping2 2>&1 ||
		{ vm_fail "host -> guest ping over VLAN 5 failed"; vm_detail ping < /tmp/ping2; }
	# ARP and 2 pings each way: each frame with the 802.1Q info, never in the frame
	[ "$(net_field "$r" vlan_from_guest)" -ge 4 ] ||
		vm_fail "host: $(net_field "$r" vlan_from_guest) frames with an 802.1Q info from the guest, not 4 or more"
	expect "host: last VLAN id from the guest" "$(net_field "$r" vlan_last_id)" 5
	expect "host: frames with an in-frame tag" "$(net_field "$r" vlan_inframe_from_guest)" 0
	[ "$(net_field "$r" vlan_to_guest)" -ge 4 ] ||
		vm_fail "host: $(net_field "$r" vlan_to_guest) tagged frames to the guest, not 4 or more"
	[ "$(ethq "$NET_ETH" stat tx_vlan)" -ge 4 ] || vm_fail "guest: tx_vlan below 4"
	[ "$(ethq "$NET_ETH" stat rx_vlan)" -ge 4 ] || vm_fail "guest: rx_vlan below 4"
	vm_log "VLAN 5: host vlan_from_guest $(net_field "$r" vlan_from_guest), vlan_to_guest $(net_field "$r" vlan_to_guest)"
	# the untagged network beside it
	ping -c 1 -W 5 192.0.2.2 > /tmp/ping3 2>&1 ||
		{ vm_fail "untagged ping failed"; vm_detail ping < /tmp/ping3; }

	# vlan_features: the VLAN interface's checksums and TSO are the host's,
	# each LSOv2 frame with its 802.1Q info beside the LSOv2 info
	ethq "$vl" offload | grep -qx 'tx on' ||
		vm_fail "guest: $vl has no checksum offload (vlan_features)"
	lso0=$(net_field "$r" tx_lso)
	vlan_xfer tagged 512
	[ "$(net_field "$r" tx_lso)" -gt "$lso0" ] ||
		vm_fail "host: no LSOv2 frame from $vl (its frames segmented by the guest)"
	expect "host: frames with an in-frame tag" "$(net_field "$r" vlan_inframe_from_guest)" 0
	vm_log "VLAN 5 TCP: host tx_lso $lso0 -> $(net_field "$r" tx_lso), tx_csum $(net_field "$r" tx_csum)"
	# tx-vlan-offload off: the stack puts the tag in the frame, and such a
	# frame is segmented and checksummed by the guest (nvc_features_check)
	ethq "$NET_ETH" txvlan off || vm_fail "ethtool -K txvlan off failed"
	expect "guest: txvlan" "$(ethq "$NET_ETH" txvlan)" "txvlan off"
	lso0=$(net_field "$r" tx_lso)
	csum0=$(net_field "$r" tx_csum)
	vlan_xfer inframe 512
	[ "$(net_field "$r" vlan_inframe_from_guest)" -gt 0 ] ||
		vm_fail "host: no frame with an in-frame tag after txvlan off"
	expect "host: no LSOv2 frame with an in-frame tag" "$(net_field "$r" tx_lso)" "$lso0"
	expect "host: no checksum left to it with an in-frame tag" "$(net_field "$r" tx_csum)" "$csum0"
	expect "host: offloads refused" "$(net_field "$r" offload_refused)" 0
	ethq "$NET_ETH" txvlan on || vm_fail "ethtool -K txvlan on failed"

	# Hostile 802.1Q infos, one frame each.
	vlan_fault vlan-dup
	expect "guest: frames with two 802.1Q infos dropped" "$(ethq "$NET_ETH" stat rx_vlan_bad)" 1
	vlan_fault vlan-short
	expect "guest: frames with a cut-short 802.1Q info dropped" "$(ethq "$NET_ETH" stat rx_vlan_bad)" 2
	vlan_fault vlan-4095
	expect "guest: frames naming VLAN id 4095 dropped" "$(ethq "$NET_ETH" stat rx_vlan_bad)" 3
	vlan_fault vlan-vid0
	expect "guest: 802.1Q info with VLAN id 0 ignored, frame kept" "$(ethq "$NET_ETH" stat rx_vlan_prio)" 1
	expect "guest: nothing dropped for it" "$(ethq "$NET_ETH" stat rx_vlan_bad)" 3
	expect "guest: malformed messages" "$(ethq "$NET_ETH" stat rx_bad)" 0
	vm_kmsg | grep -q "malformed 802.1Q info from the host dropped" ||
		vm_fail "no log line for the dropped frames"
	ping -c 1 -W 5 198.51.100.2 > /tmp/ping4 2>&1 ||
		{ vm_fail "ping over VLAN 5 after the faults failed"; vm_detail ping < /tmp/ping4; }

	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	vm_detail "host counters" < "$HVSIM/net"

	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc with a VLAN interface on it failed"
	[ ! -e "/sys/class/net/$vl" ] || vm_fail "$vl outlived hv_netvsc"
}
