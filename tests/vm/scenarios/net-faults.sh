# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-faults: hv_netvsc against a hostile network host (tests/hvsim/
# net_host.c). Each fault of the host rides on a frame to the guest
# (pings from the host side): RNDIS lengths and data offsets/lengths that
# lie, a per-packet-info record claiming 2 GiB, receive-buffer ranges past
# the buffer, a send-section index, a transfer page set never given, a
# completion of a send never made. After each, pings both ways still go
# through, and the guest counted it (ethtool -S through guest/ethq.c):
# rx_bad once for each malformed frame, tx_bad_tid for the invented
# completion, nothing for the section index (meaningless in a receive,
# the frame is good). Then a rescind of the adapter with TCP traffic flowing: the
# interface goes, the transfer ends, hv_netvsc unloads. The harness fails
# the scenario on any oops, WARNING or hung task in the kernel log.

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer ethq"

guest() {
	local r f i xp sp b0 b1 bad0 tid0 want

	sim_start
	sim_ctl add net mac=00:15:5d:00:00:20
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup 00:15:5d:00:00:20 || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	ping -c 1 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "no ping before the faults"
	for f in lie-length data-offset data-length bad-ppi recv-offset recv-count \
		section-index set-id unknown-tid; do
		bad0=$(ethq "$NET_ETH" stat rx_bad)
		tid0=$(ethq "$NET_ETH" stat tx_bad_tid)
		sim_ctl net "$r" fault "$f"
		# the fault spoils one frame to the guest: some ping must carry it
		i=0
		while [ "$i" -lt 5 ] && [ "$(net_field "$r" "fault_$f")" = 0 ]; do
			$NS busybox ping -c 1 -W 1 192.0.2.1 > /dev/null 2>&1
			i=$((i + 1))
		done
		expect "host: fault $f committed" "$(net_field "$r" "fault_$f")" 1
		case $f in
		section-index | unknown-tid) want=$bad0 ;;
		*) want=$((bad0 + 1)) ;;
		esac
		expect "guest: rx_bad after fault $f" "$(ethq "$NET_ETH" stat rx_bad)" "$want"
		[ "$f" = unknown-tid ] && want=$((tid0 + 1)) || want=$tid0
		expect "guest: tx_bad_tid after fault $f" "$(ethq "$NET_ETH" stat tx_bad_tid)" "$want"
		$NS busybox ping -c 1 -W 5 192.0.2.1 > /tmp/ping 2>&1 ||
			{ vm_fail "host -> guest ping failed after fault $f"; vm_detail ping < /tmp/ping; }
		ping -c 1 -W 5 192.0.2.2 > /tmp/ping 2>&1 ||
			{ vm_fail "guest -> host ping failed after fault $f"; vm_detail ping < /tmp/ping; }
	done
	expect "host: faults still armed" "$(net_field "$r" faults_armed)" 0
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	vm_kmsg | grep hv_netvsc | tail -n 20 | vm_detail "hv_netvsc said"

	# a rescind with traffic flowing to the guest: an endless stream
	tcpxfer recv 192.0.2.1 5003 /dev/null > /dev/null 2>&1 &
	xp=$!
	$NS tcpxfer send 192.0.2.1 5003 /dev/zero > /dev/null 2>&1 &
	sp=$!
	b0=$(net_sum "$r" to_guest_bytes)
	i=0
	while [ "$i" -lt 100 ] && [ "$(net_sum "$r" to_guest_bytes)" -lt $((b0 + 2097152)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	b1=$(net_sum "$r" to_guest_bytes)
	[ "$b1" -ge $((b0 + 2097152)) ] || vm_fail "the stream to the guest did not flow ($((b1 - b0)) bytes)"
	vm_log "rescind after $((b1 - b0)) bytes of the stream"
	sim_ctl rescind "$r"
	i=0
	while [ "$i" -lt 100 ] && [ -e "/sys/class/net/$NET_ETH" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -e "/sys/class/net/$NET_ETH" ]; then
		vm_fail "$NET_ETH still there 10 s after the rescind"
	fi
	kill "$xp" "$sp" 2> /dev/null
	$NET_IP netns del hs
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc failed after the rescind"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
