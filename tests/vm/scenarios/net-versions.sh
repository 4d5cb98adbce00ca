# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-versions: hv_netvsc against network hosts of each generation from
# WS2008 R2 (tests/hvsim/net_host.c): adapters of hosts 2008r2, 2012,
# 2012r2 and 2016 at once, each negotiating that host's newest NVSP version
# (2: 0x30002 on the wire, shown 3.2; 4.0, 5.0, 6.0) and bringing RNDIS up; ping both ways through the
# 2008 R2 one; link down and up from the host reach the guest's carrier
# (RNDIS status indications) and traffic flows again after.

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_BINARIES="ip"

net_carrier() { cat "/sys/class/net/$1/carrier" 2> /dev/null; }

# wait_carrier IF VALUE: up to 10 s
wait_carrier() {
	local i=0
	while [ "$i" -lt 100 ] && [ "$(net_carrier "$1")" != "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(net_carrier "$1")" = "$2" ]
}

guest() {
	local r g v rs eth i

	sim_start
	i=1
	for g in 2008r2 2012 2012r2 2016; do
		sim_ctl add net gen=$g mac=00:15:5d:00:01:0$i
		rs="$rs $(net_relid)"
		i=$((i + 1))
	done
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return; }
	# the first adapter (2008 R2) gets the namespace and the addresses
	net_setup 00:15:5d:00:01:01 || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	set -- 3.2 4.0 5.0 6.0
	i=1
	for r in $rs; do
		eth=
		g=0
		while [ "$g" -lt 100 ] && ! eth=$(net_eth "00:15:5d:00:01:0$i"); do
			sleep 0.1
			g=$((g + 1))
		done
		[ -n "$eth" ] || vm_fail "no interface for adapter $i"
		v=$1
		shift
		expect "host $(net_field "$r" gen): NVSP version" "$(net_field "$r" nvsp)" "$v"
		expect "host $(net_field "$r" gen): RNDIS up" "$(net_field "$r" rndis_up)" 1
		i=$((i + 1))
	done
	ping -c 2 -W 5 192.0.2.2 > /tmp/ping 2>&1 || { vm_fail "guest -> host ping (2008 R2) failed"; vm_detail ping < /tmp/ping; }
	$NS busybox ping -c 2 -W 5 192.0.2.1 > /tmp/ping 2>&1 || { vm_fail "host -> guest ping (2008 R2) failed"; vm_detail ping < /tmp/ping; }

	r=$(echo "$rs" | awk '{ print $1 }')
	wait_carrier "$NET_ETH" 1 || vm_fail "$NET_ETH has no carrier to begin with"
	sim_ctl net "$r" link down
	wait_carrier "$NET_ETH" 0 || vm_fail "$NET_ETH kept its carrier after the host's link down"
	sim_ctl net "$r" link up
	wait_carrier "$NET_ETH" 1 || vm_fail "$NET_ETH got no carrier after the host's link up"
	expect "host: indications sent" "$(net_field "$r" indications)" 2
	ping -c 2 -W 5 192.0.2.2 > /tmp/ping 2>&1 || { vm_fail "ping after link down/up failed"; vm_detail ping < /tmp/ping; }
	expect "host: bad packets" "$(awk '$2 == "bad_packets" { s += $3 } END { print s + 0 }' "$HVSIM/net")" 0
}
