# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-offload: hv_netvsc's checksum and LSOv2 offloads against the
# simulated host (tests/hvsim/net_host.c, a 2016 host: TCP/UDP checksums
# both ways and LSOv2 over IPv4 and IPv6). The guest queries the
# capabilities and sets the offload parameters: ethtool -k (guest/ethq.c)
# shows tx, tso and rx on, the host has TCP/IPv4 checksums both ways and
# LSOv2 on. TCP both ways, content checked by md5sum: the host segmented
# LSOv2 frames and computed checksums the guest left to it (its stack
# checks every segment it receives), and marked frames to the guest
# "checksum succeeded" (the guest counts them: rx_csum_ok); the same over
# IPv6 (2001:db8:5::1 and ::2): LSOv2 IPv6 frames segmented, TCP/IPv6
# checksums computed by the host and marked good to the guest. The
# rx-csum-failed fault spoils 3 TCP frames to the guest after their
# checksum and marks them "failed": the guest's stack checks them and drops
# them (Tcp InCsumErrors), TCP resends, the content is intact. Then
# ethtool -K tx off rx off (tso goes with tx): the host has everything
# off, and TCP both ways adds nothing to its offload counters; back on,
# a transfer from the guest is LSO'd again. No frame refused, no bad
# packet or RNDIS message.

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer ethq"

MAC=00:15:5d:00:05:01

# off_xfer TAG KIB [GUEST HOST]: KIB KiB host -> guest, then guest -> host,
# md5 checked, between the addresses GUEST and HOST (192.0.2.1 and .2)
off_xfer() {
	local gp hp ga=${3:-192.0.2.1} ha=${4:-192.0.2.2}
	dd if=/dev/urandom of="/tmp/$1" bs=1k count="$2" 2> /dev/null
	tcpxfer recv "$ga" 5001 "/tmp/$1.g" > /tmp/x1 2>&1 &
	gp=$!
	$NS tcpxfer send "$ga" 5001 "/tmp/$1" > /tmp/x2 2>&1 ||
		{ vm_fail "$1: host -> guest TCP send failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$gp" || { vm_fail "$1: guest TCP receive failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "$1: host -> guest (md5)" "$(md5sum < "/tmp/$1.g")" "$(md5sum < "/tmp/$1")"
	$NS tcpxfer recv "$ha" 5002 "/tmp/$1.h" > /tmp/x1 2>&1 &
	hp=$!
	tcpxfer send "$ha" 5002 "/tmp/$1" > /tmp/x2 2>&1 ||
		{ vm_fail "$1: guest -> host TCP send failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$hp" || { vm_fail "$1: host TCP receive failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "$1: guest -> host (md5)" "$(md5sum < "/tmp/$1.h")" "$(md5sum < "/tmp/$1")"
	rm -f "/tmp/$1" "/tmp/$1.g" "/tmp/$1.h"
}

# tcp_csum_errors: the guest's Tcp InCsumErrors (/proc/net/snmp)
tcp_csum_errors() {
	awk '$1 == "Tcp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "InCsumErrors") c = i; n = 1 }
		else print $c }' /proc/net/snmp
}

guest() {
	local r e0 e1 lso0 csum0 rxok0

	sim_start
	sim_ctl add net gen=2016 mac=$MAC
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup $MAC || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	expect "guest: offloads" "$(ethq "$NET_ETH" offload | tr '\n' ' ')" "tx on tso on rx on "
	expect "host: TCP/IPv4 checksums (TX and RX)" "$(net_field "$r" offload_tcp4)" 4
	expect "host: TCP/IPv6 checksums (TX and RX)" "$(net_field "$r" offload_tcp6)" 4
	expect "host: LSOv2 IPv4" "$(net_field "$r" offload_lso4)" 2
	expect "host: LSOv2 IPv6" "$(net_field "$r" offload_lso6)" 2

	off_xfer on 2048
	[ "$(net_field "$r" tx_lso)" -gt 0 ] || vm_fail "the host segmented no LSOv2 frame"
	[ "$(net_field "$r" tx_lso_segs)" -gt "$(net_field "$r" tx_lso)" ] ||
		vm_fail "LSOv2 frames were not cut into segments"
	[ "$(net_field "$r" tx_csum)" -gt 0 ] || vm_fail "the host computed no checksum"
	[ "$(net_field "$r" rx_csum_ok)" -gt 0 ] || vm_fail "the host marked no checksum good"
	[ "$(ethq "$NET_ETH" stat tx_lso)" -gt 0 ] || vm_fail "the guest sent no LSOv2 frame"
	[ "$(ethq "$NET_ETH" stat rx_csum_ok)" -gt 0 ] || vm_fail "the guest took no checked frame"
	vm_log "offloads on: host tx_lso $(net_field "$r" tx_lso) ($(net_field "$r" tx_lso_segs) segments), tx_csum $(net_field "$r" tx_csum), rx_csum_ok $(net_field "$r" rx_csum_ok)"

	# IPv6: TCP over IPv6 with the host segmenting (LSOv2 IPv6) and
	# computing and checking the TCP/IPv6 checksums
	# (no duplicate address detection: the addresses are usable at once)
	echo 0 > "/proc/sys/net/ipv6/conf/$NET_ETH/accept_dad"
	$NS sh -c 'echo 0 > /proc/sys/net/ipv6/conf/hvsimnet0/accept_dad'
	ip -6 addr add 2001:db8:5::1/64 dev "$NET_ETH" || vm_fail "guest: ip -6 addr add failed"
	$NS ip -6 addr add 2001:db8:5::2/64 dev hvsimnet0 || vm_fail "host: ip -6 addr add failed"
	lso0=$(net_field "$r" tx_lso)
	csum0=$(net_field "$r" tx_csum)
	rxok0=$(net_field "$r" rx_csum_ok)
	off_xfer v6 1024 2001:db8:5::1 2001:db8:5::2
	[ "$(net_field "$r" tx_lso)" -gt "$lso0" ] || vm_fail "the host segmented no IPv6 LSOv2 frame"
	[ "$(net_field "$r" tx_csum)" -gt "$csum0" ] ||
		vm_fail "the host computed no TCP/IPv6 checksum"
	[ "$(net_field "$r" rx_csum_ok)" -gt "$rxok0" ] ||
		vm_fail "the host marked no TCP/IPv6 checksum good"
	vm_log "IPv6: host tx_lso $lso0 -> $(net_field "$r" tx_lso), tx_csum $csum0 -> $(net_field "$r" tx_csum), rx_csum_ok $rxok0 -> $(net_field "$r" rx_csum_ok)"

	# Three frames to the guest spoiled and marked "failed": dropped, resent.
	e0=$(tcp_csum_errors)
	sim_ctl net "$r" fault rx-csum-failed count=3
	off_xfer fault 1024
	expect "host: rx-csum-failed fired" "$(net_field "$r" fault_rx-csum-failed)" 3
	expect "host: frames marked failed" "$(net_field "$r" rx_csum_failed)" 3
	expect "guest: frames the host said failed" "$(ethq "$NET_ETH" stat rx_csum_bad)" 3
	e1=$(tcp_csum_errors)
	expect "guest: TCP checksum errors (dropped by its stack)" "$((e1 - e0))" 3

	# ethtool -K tx off rx off: TSO goes with tx, the host gets it all off.
	ethq "$NET_ETH" offload tx off || vm_fail "ethtool -K tx off failed"
	ethq "$NET_ETH" offload rx off || vm_fail "ethtool -K rx off failed"
	expect "guest: offloads off" "$(ethq "$NET_ETH" offload | tr '\n' ' ')" "tx off tso off rx off "
	expect "host: TCP/IPv4 checksums off" "$(net_field "$r" offload_tcp4)" 1
	expect "host: LSOv2 IPv4 off" "$(net_field "$r" offload_lso4)" 1
	lso0=$(net_field "$r" tx_lso)
	csum0=$(net_field "$r" tx_csum)
	rxok0=$(net_field "$r" rx_csum_ok)
	off_xfer off 1024
	expect "host: no LSOv2 with tso off" "$(net_field "$r" tx_lso)" "$lso0"
	expect "host: no checksum left to it with tx off" "$(net_field "$r" tx_csum)" "$csum0"
	expect "host: no checksum info with rx off" "$(net_field "$r" rx_csum_ok)" "$rxok0"

	ethq "$NET_ETH" offload tx on || vm_fail "ethtool -K tx on failed"
	ethq "$NET_ETH" offload tso on || vm_fail "ethtool -K tso on failed"
	ethq "$NET_ETH" offload rx on || vm_fail "ethtool -K rx on failed"
	expect "host: TCP/IPv4 checksums back on" "$(net_field "$r" offload_tcp4)" 4
	off_xfer again 1024
	[ "$(net_field "$r" tx_lso)" -gt "$lso0" ] || vm_fail "no LSOv2 frame after tso on"

	expect "host: offload refused" "$(net_field "$r" offload_refused)" 0
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	vm_detail "host counters" < "$HVSIM/net"
}
