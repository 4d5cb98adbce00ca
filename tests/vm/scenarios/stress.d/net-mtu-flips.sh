# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-mtu-flips (outside make check: make check-vm-stress): hv_netvsc's
# MTU flipped 1500 <-> 9000 twenty times while the host sends the guest a
# TCP transfer and a ping flood, so that every data-path rebuild starts
# with the guest's receive busy. The guest must send the host no
# completion of a transfer-page packet after it revoked the receive
# buffer (the simulated host counts those, late_completions: issue 14's
# "unknown completions" of net-mtu), and none the host does not know; the
# transfer arrives whole.

# shellcheck disable=SC2034
VM_TIMEOUT=300
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer"

guest() {
	local r gp sp fp n m b0

	net_jumbo_up 00:15:5d:00:00:31 || return
	r=$NET_RELID
	dd if=/dev/urandom of=/tmp/h bs=64k count=640 2> /dev/null
	tcpxfer recv 192.0.2.1 5001 /tmp/got.h > /tmp/x1 2>&1 &
	gp=$!
	$NS tcpxfer send 192.0.2.1 5001 /tmp/h > /tmp/x2 2>&1 &
	sp=$!
	$NS busybox ping -i 0.01 -W 1 192.0.2.1 > /dev/null 2>&1 &
	fp=$!
	n=1
	while [ "$n" -le 20 ]; do
		# each rebuild starts with frames coming in (or the transfer over)
		b0=$(net_sum "$r" to_guest_frames)
		while [ "$(net_sum "$r" to_guest_frames)" -lt $((b0 + 50)) ]; do
			sleep 0.05
		done
		if [ $((n % 2)) = 1 ]; then m=9000; else m=1500; fi
		ip link set "$NET_ETH" mtu "$m" || vm_fail "flip $n: MTU $m refused"
		n=$((n + 1))
	done
	kill "$fp"
	wait "$sp" || { vm_fail "host -> guest send across the flips failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$gp" || { vm_fail "guest receive across the flips failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "transfer across the flips (md5)" "$(md5sum < /tmp/got.h)" "$(md5sum < /tmp/h)"
	rm -f /tmp/got.h /tmp/h
	expect "host: late completions" "$(net_field "$r" late_completions)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	vm_log "host: revokes $(net_field "$r" revokes), completions $(net_field "$r" completions), not_ready $(net_field "$r" not_ready)"
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
