# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-reload: hv_netvsc unloaded and loaded again 5 times while the host
# side pings the guest without pause (tests/hvsim/net_host.c). Each load
# brings the adapter up again from scratch (the host counts one more NVSP
# INIT and RNDIS INITIALIZE, and its receive buffer is revoked and mapped
# afresh); each unload leaves no receive slot in use on the host; pings
# go through after every reload.

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_BINARIES="ip"

guest() {
	local r n pp i

	sim_start
	sim_ctl add net mac=00:15:5d:00:02:01
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup 00:15:5d:00:02:01 || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	$NS busybox ping -i 0.05 -W 1 192.0.2.1 > /dev/null 2>&1 &
	pp=$!
	n=1
	while [ "$n" -le 5 ]; do
		sleep 0.5
		rmmod hv_netvsc || { vm_fail "rmmod hv_netvsc failed (round $n)"; break; }
		expect "round $n: host receive slots in use after unload" \
			"$(net_field "$r" recv_slots_used)" 0
		insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 ||
			{ vm_fail "insmod hv_netvsc failed (round $n)"; break; }
		i=0
		while [ "$i" -lt 100 ] && ! NET_ETH=$(net_eth 00:15:5d:00:02:01); do
			sleep 0.1
			i=$((i + 1))
		done
		[ -n "$NET_ETH" ] || { vm_fail "no interface after reload $n"; break; }
		ip addr add 192.0.2.1/24 dev "$NET_ETH"
		ip link set "$NET_ETH" up
		ping -c 1 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "no ping after reload $n"
		n=$((n + 1))
	done
	kill "$pp"
	expect "host: NVSP INITs" "$(net_field "$r" inits)" 6
	expect "host: RNDIS INITIALIZEs" "$(net_field "$r" rndis_inits)" 6
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0
	vm_log "host: revokes $(net_field "$r" revokes), halts $(net_field "$r" halts), not_ready $(net_field "$r" not_ready)"
}
