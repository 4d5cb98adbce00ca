# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-basic: hv_netvsc on the simulated host's network adapter
# (tests/hvsim/net_host.c), newest host. The guest's eth<N> (the adapter's
# MAC) and the host's hvsimnet0, moved into its own network namespace "hs",
# get 192.0.2.1 and 192.0.2.2: ping both ways (also 1500-byte frames); TCP
# (guest/tcpxfer.c) both ways, with a 1 MiB receive buffer (recv_buf_kib):
# 8 MiB to the guest, 4 MiB back, content checked by md5sum; the host's
# counters show the bytes both ways, the receive buffer wrapped, every
# transfer-page packet completed (no slot left in use), nothing bad.

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer"

guest() {
	local r i size slots hp gp

	sim_start
	sim_ctl add net mac=00:15:5d:00:00:10
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup 00:15:5d:00:00:10 || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	vm_log "guest interface: $NET_ETH"
	expect "host: NVSP version" "$(net_field "$r" nvsp)" 6.1
	expect "host: RNDIS up" "$(net_field "$r" rndis_up)" 1
	ping -c 3 -W 5 192.0.2.2 > /tmp/ping1 2>&1 || { vm_fail "guest -> host ping failed"; vm_detail ping < /tmp/ping1; }
	$NS busybox ping -c 3 -W 5 192.0.2.1 > /tmp/ping2 2>&1 || { vm_fail "host -> guest ping failed"; vm_detail ping < /tmp/ping2; }
	[ "$(net_field "$r" filter)" != 0 ] || vm_fail "the guest set no packet filter"

	ping -c 2 -s 1472 -W 5 192.0.2.2 > /tmp/ping3 2>&1 ||
		{ vm_fail "guest -> host ping of 1500 bytes failed"; vm_detail ping < /tmp/ping3; }

	# A 1 MiB receive buffer: 8 MiB to the guest wrap it several times.
	slots=$(net_field "$r" recv_slots)
	size=128
	vm_log "receive buffer: $slots slots; 8 MiB to the guest, 4 MiB back"
	dd if=/dev/urandom of=/tmp/h bs=64k count="$size" 2> /dev/null
	dd if=/dev/urandom of=/tmp/g bs=64k count=64 2> /dev/null
	tcpxfer recv 192.0.2.1 5001 /tmp/got.h > /tmp/x1 2>&1 &
	gp=$!
	$NS tcpxfer send 192.0.2.1 5001 /tmp/h > /tmp/x2 2>&1 || { vm_fail "host -> guest TCP send failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$gp" || { vm_fail "guest TCP receive failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "host -> guest file (md5)" "$(md5sum < /tmp/got.h)" "$(md5sum < /tmp/h)"
	rm -f /tmp/got.h /tmp/h
	$NS tcpxfer recv 192.0.2.2 5002 /tmp/got.g > /tmp/x1 2>&1 &
	hp=$!
	tcpxfer send 192.0.2.2 5002 /tmp/g > /tmp/x2 2>&1 || { vm_fail "guest -> host TCP send failed"; vm_detail tcpxfer < /tmp/x2; }
	wait "$hp" || { vm_fail "host TCP receive failed"; vm_detail tcpxfer < /tmp/x1; }
	expect "guest -> host file (md5)" "$(md5sum < /tmp/got.g)" "$(md5sum < /tmp/g)"
	rm -f /tmp/got.g /tmp/g

	[ "$(net_sum "$r" from_guest_bytes)" -ge 4194304 ] ||
		vm_fail "host saw $(net_sum "$r" from_guest_bytes) bytes from the guest"
	[ "$(net_sum "$r" to_guest_bytes)" -ge $((size * 65536)) ] ||
		vm_fail "host sent $(net_sum "$r" to_guest_bytes) bytes to the guest"
	expect "host: receive slots (1 MiB)" "$slots" $((1048576 / 1728))
	[ "$(net_field "$r" recv_wraps)" -ge 4 ] ||
		vm_fail "the receive buffer wrapped $(net_field "$r" recv_wraps) times, not 4"
	i=0
	while [ "$i" -lt 50 ] && [ "$(net_field "$r" recv_slots_used)" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "host: receive slots still in use" "$(net_field "$r" recv_slots_used)" 0
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	vm_detail "host counters" < "$HVSIM/net"
}
