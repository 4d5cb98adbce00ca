# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-mtu: hv_netvsc's MTU 1500 -> 9000 -> 1500 (issue 14; LIS users
# crashed here). The simulated host's adapter and its switch port
# (hvsimnet0, namespace "hs") take 9000. Each change tears the data path
# down and brings it back (channel, NVSP with the new MTU in the NDIS
# configuration, buffers, RNDIS) without losing the interface: a TCP
# transfer to the guest runs across both changes and arrives whole (md5).
# The host drops frames longer than the guest's MTU (to_guest_too_big):
# a jumbo ping to the guest fails at 1500 and goes through at 9000; at
# 9000, jumbo frames flow both ways (pings of 9000 bytes, TCP with a
# 8960-byte MSS, content checked; the host's jumbo counters); back at
# 1500 the jumbo ping fails again and TCP still works. An MTU above the
# driver's maximum (9001) is refused. The host's fault stale-give makes
# certain the window of a host thread whose give failed around a rebuild
# and that took the frame's slots back only after the guest's new receive
# buffer was in use: the late undo must free nothing of the new buffer
# (it freed a frame in flight there, whose completion was then unknown).

# shellcheck disable=SC2034
VM_TIMEOUT=150
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer"

# wait_bytes RELID BYTES PID FROM: until the host has sent the guest BYTES,
# or the receiver PID has ended (all of it arrived, or it failed); no time
# limit of its own: under load, TCP's retransmission backoff after a
# rebuild takes what it takes (the scenario's timeout is the bound).
# True if bytes went on past FROM (the md5 check after says whether all of
# it arrived: a fast transfer may end before BYTES).
wait_bytes() {
	while [ "$(net_sum "$1" to_guest_bytes)" -lt "$2" ] && kill -0 "$3" 2> /dev/null; do
		sleep 0.1
	done
	[ "$(net_sum "$1" to_guest_bytes)" -gt "$4" ]
}

# xfer DIR PORT FILE: a checked TCP transfer (DIR: in = to the guest, out = from it)
xfer() {
	local p
	if [ "$1" = in ]; then
		tcpxfer recv 192.0.2.1 "$2" /tmp/got > /tmp/x1 2>&1 &
		p=$!
		$NS tcpxfer send 192.0.2.1 "$2" "$3" > /tmp/x2 2>&1 || { vm_fail "TCP $1 $2: send failed"; vm_detail tcpxfer < /tmp/x2; }
	else
		$NS tcpxfer recv 192.0.2.2 "$2" /tmp/got > /tmp/x1 2>&1 &
		p=$!
		tcpxfer send 192.0.2.2 "$2" "$3" > /tmp/x2 2>&1 || { vm_fail "TCP $1 $2: send failed"; vm_detail tcpxfer < /tmp/x2; }
	fi
	wait "$p" || { vm_fail "TCP $1 $2: receive failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "TCP $1 $2 (md5)" "$(md5sum < /tmp/got)" "$(md5sum < "$3")"
	rm -f /tmp/got
}

guest() {
	local r gp sp b0 t0 j0 j1 n0 ifi i

	net_jumbo_up 00:15:5d:00:00:30 || return
	r=$NET_RELID
	ifi=$(cat "/sys/class/net/$NET_ETH/ifindex")
	expect "host: guest MTU at probe" "$(net_field "$r" guest_mtu)" 1514
	$NET_IP -d link show "$NET_ETH" | grep -q "maxmtu 9000" ||
		{ vm_fail "max MTU is not 9000"; $NET_IP -d link show "$NET_ETH" | vm_detail link; }
	if ip link set "$NET_ETH" mtu 9001 2> /dev/null; then
		vm_fail "MTU 9001 was taken"
	fi
	t0=$(net_field "$r" to_guest_too_big)
	if $NS busybox ping -c 1 -W 1 -s 8972 192.0.2.1 > /dev/null 2>&1; then
		vm_fail "a 9000-byte ping reached the guest at MTU 1500"
	fi
	[ "$(net_field "$r" to_guest_too_big)" -gt "$t0" ] ||
		vm_fail "the host did not drop the jumbo frame for the guest at 1500"

	# 10 MiB to the guest, both MTU changes in the middle of it
	dd if=/dev/urandom of=/tmp/h bs=64k count=160 2> /dev/null
	n0=$(net_field "$r" ndis_configs)
	b0=$(net_sum "$r" to_guest_bytes)
	tcpxfer recv 192.0.2.1 5001 /tmp/got.h > /tmp/x1 2>&1 &
	gp=$!
	$NS tcpxfer send 192.0.2.1 5001 /tmp/h > /tmp/x2 2>&1 &
	sp=$!
	wait_bytes "$r" $((b0 + 2097152)) "$gp" "$b0" || vm_fail "the transfer did not start"
	ip link set "$NET_ETH" mtu 9000 || vm_fail "MTU 9000 refused"
	expect "host: guest MTU" "$(net_field "$r" guest_mtu)" 9014
	b0=$(net_sum "$r" to_guest_bytes)
	wait_bytes "$r" $((b0 + 2097152)) "$gp" "$b0" || vm_fail "the transfer did not go on at 9000"
	ip link set "$NET_ETH" mtu 1500 || vm_fail "MTU 1500 refused"
	expect "host: guest MTU" "$(net_field "$r" guest_mtu)" 1514
	b0=$(net_sum "$r" to_guest_bytes)
	wait_bytes "$r" $((b0 + 1048576)) "$gp" "$b0" || vm_fail "the transfer did not go on at 1500"
	wait "$sp" || { vm_fail "host -> guest send across the changes failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$gp" || { vm_fail "guest receive across the changes failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "transfer across the changes (md5)" "$(md5sum < /tmp/got.h)" "$(md5sum < /tmp/h)"
	rm -f /tmp/got.h /tmp/h
	expect "host: NDIS configurations for the changes" "$(net_field "$r" ndis_configs)" $((n0 + 2))
	expect "interface index kept" "$(cat "/sys/class/net/$NET_ETH/ifindex")" "$ifi"

	# at 9000: jumbo frames both ways
	ip link set "$NET_ETH" mtu 9000 || vm_fail "MTU 9000 refused"
	j0=$(net_field "$r" jumbo_to_guest)
	j1=$(net_field "$r" jumbo_from_guest)
	ping -c 2 -W 5 -s 8972 192.0.2.2 > /tmp/ping 2>&1 ||
		{ vm_fail "guest -> host 9000-byte ping failed"; vm_detail ping < /tmp/ping; }
	$NS busybox ping -c 2 -W 5 -s 8972 192.0.2.1 > /tmp/ping 2>&1 ||
		{ vm_fail "host -> guest 9000-byte ping failed"; vm_detail ping < /tmp/ping; }
	dd if=/dev/urandom of=/tmp/j bs=64k count=32 2> /dev/null
	xfer in 5002 /tmp/j
	xfer out 5003 /tmp/j
	[ "$(net_field "$r" jumbo_to_guest)" -ge $((j0 + 64)) ] ||
		vm_fail "host sent $(($(net_field "$r" jumbo_to_guest) - j0)) jumbo frames to the guest"
	[ "$(net_field "$r" jumbo_from_guest)" -ge $((j1 + 64)) ] ||
		vm_fail "host got $(($(net_field "$r" jumbo_from_guest) - j1)) jumbo frames from the guest"

	# A frame to the guest at 9000 whose give fails (the frame is lost);
	# the host takes its slots back only once the 1500 receive buffer has
	# a frame at the same first slot: a late undo must free nothing of
	# the new buffer (else that frame's completion is "unknown").
	sim_ctl net "$r" fault stale-give
	for i in 1 2 3; do
		[ "$(net_field "$r" fault_stale-give)" = 1 ] && break
		$NS busybox ping -c 1 -W 1 192.0.2.1 > /dev/null 2>&1
	done
	expect "host: stale-give fired at 9000" "$(net_field "$r" fault_stale-give)" 1

	# back to 1500
	ip link set "$NET_ETH" mtu 1500 || vm_fail "MTU 1500 refused"
	t0=$(net_field "$r" to_guest_too_big)
	if $NS busybox ping -c 1 -W 1 -s 8972 192.0.2.1 > /dev/null 2>&1; then
		vm_fail "a 9000-byte ping reached the guest back at MTU 1500"
	fi
	[ "$(net_field "$r" to_guest_too_big)" -gt "$t0" ] ||
		vm_fail "the host did not drop the jumbo frame for the guest back at 1500"
	xfer in 5004 /tmp/j
	rm -f /tmp/j
	expect "host: stale-give's late undo" "$(net_field "$r" stale_undos)" 1

	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	expect "host: late completions" "$(net_field "$r" late_completions)" 0
	vm_kmsg | grep hv_netvsc | tail -n 12 | vm_detail "hv_netvsc said"
	$NET_IP netns del hs
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
