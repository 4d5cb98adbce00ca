# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-vrss: hv_netvsc's vRSS on a host offering 4 sub-channels to a guest
# of 2 CPUs. The guest asks for min(host, CPUs) - 1 = 1 sub-channel, opens
# it from the sub-channel callback and sets the RSS parameters: ethtool -l
# (guest/ethq.c, through the ioctl) shows 2 of 2 channels, the host has
# the table. 8 TCP flows to the guest and 8 from it (16 flows' frames
# each way, so all on one channel by chance is 1 in 2^15), content checked by
# md5sum, after the interface went down and up (every queue restarted):
# the host's per-channel counters show both channels carrying
# frames each way, and ethtool -S the guest's per-queue counters. Then
# "ethtool -L combined 1" with 2 flows each way running: the host's table
# points at channel 0 only and the guest sends on queue 0 only (a new flow
# adds nothing on channel 1 either way), back to 2 with the flows running, every flow's content intact. Then an unload
# and reload with the sub-channel open (2 channels again), and a rescind
# of the primary with the sub-channel open: the interface goes, no oops
# (the harness fails the scenario on any oops, WARNING or hung task).

# shellcheck disable=SC2034
VM_TIMEOUT=150
VM_BINARIES="ip"
VM_GUEST_TOOLS="tcpxfer ethq"

MAC=00:15:5d:00:03:01

# vrss_wait_chans N: wait (10 s) until ethtool -l says N combined channels
vrss_wait_chans() {
	local i=0
	while [ "$i" -lt 100 ]; do
		[ "$(ethq "$NET_ETH" channels 2> /dev/null)" = "max $1 combined $1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# vrss_flows TAG N KIB PORT: N flows host -> guest and N guest -> host of
# KIB KiB each (ports PORT+ and PORT+500+: flows running at the same time
# need their own), run in the background (the host side's
# in one shell in its namespace: one "ip netns exec" each way, which is
# slow under TCG); vrss_check TAG N waits for them and checks every
# file's md5 (a transfer cut short fails there)
vrss_flows() {
	local i=0
	dd if=/dev/urandom of="/tmp/$1.src" bs=1k count="$3" 2> /dev/null
	$NS busybox sh -c "i=0; while [ \$i -lt $2 ]; do
		tcpxfer recv 192.0.2.2 \$(($4 + 500 + i)) /tmp/$1.h\$i > /dev/null 2> /tmp/$1.eh\$i &
		i=\$((i + 1)); done; wait" &
	echo $! >> "/tmp/$1.pids"
	while [ "$i" -lt "$2" ]; do
		tcpxfer recv 192.0.2.1 $(($4 + i)) "/tmp/$1.g$i" > /dev/null 2> "/tmp/$1.eg$i" &
		echo $! >> "/tmp/$1.pids"
		i=$((i + 1))
	done
	$NS busybox sh -c "i=0; while [ \$i -lt $2 ]; do
		tcpxfer send 192.0.2.1 \$(($4 + i)) /tmp/$1.src > /dev/null 2>> /tmp/$1.es &
		i=\$((i + 1)); done; wait" &
	echo $! >> "/tmp/$1.pids"
	i=0
	while [ "$i" -lt "$2" ]; do
		tcpxfer send 192.0.2.2 $(($4 + 500 + i)) "/tmp/$1.src" > /dev/null 2>> "/tmp/$1.es" &
		echo $! >> "/tmp/$1.pids"
		i=$((i + 1))
	done
}
vrss_check() {
	local p i=0 want bad=0
	while read -r p; do
		wait "$p" || bad=$((bad + 1))
	done < "/tmp/$1.pids"
	[ "$bad" = 0 ] || { vm_fail "$1: $bad transfer process(es) failed"; cat /tmp/"$1".e* | vm_detail "$1 errors"; }
	want=$(md5sum < "/tmp/$1.src")
	while [ "$i" -lt "$2" ]; do
		expect "$1: flow $i to the guest (md5)" "$(md5sum < "/tmp/$1.g$i")" "$want"
		expect "$1: flow $i to the host (md5)" "$(md5sum < "/tmp/$1.h$i")" "$want"
		i=$((i + 1))
	done
	rm -f /tmp/"$1".*
}

guest() {
	local r i c0 c1 g0 g1 q

	sim_start
	sim_ctl add net mac=$MAC subch=4
	r=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=2048 || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup $MAC || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	vrss_wait_chans 2 || vm_fail "ethtool -l: $(ethq "$NET_ETH" channels 2>&1), not 2 of 2"
	expect "host: sub-channels created" "$(net_field "$r" subch_created)" 1
	expect "host: RSS table set" "$(net_field "$r" rss)" 1
	vm_kmsg | grep hv_netvsc | tail -n 5 | vm_detail "hv_netvsc said"
	# down and up: every queue must run again, not only queue 0
	ip link set "$NET_ETH" down
	ip link set "$NET_ETH" up

	# 8 flows each way: both channels carry frames both ways
	vm_log "vRSS up at $(cut -d' ' -f1 /proc/uptime) s"
	vrss_flows a 8 32 6000
	vm_log "flows started at $(cut -d' ' -f1 /proc/uptime) s"
	vrss_check a 8
	vm_log "flows checked at $(cut -d' ' -f1 /proc/uptime) s"
	c0=$(net_field "$r" chan0_to_guest_frames)
	c1=$(net_field "$r" chan1_to_guest_frames)
	g0=$(net_field "$r" chan0_from_guest_frames)
	g1=$(net_field "$r" chan1_from_guest_frames)
	vm_log "frames to the guest: channel 0 $c0, channel 1 $c1; from it: $g0, $g1"
	if [ "$c0" -le 10 ] || [ "$c1" -le 10 ]; then
		vm_fail "the host did not spread frames to the guest: $c0 / $c1"
	fi
	if [ "$g0" -le 10 ] || [ "$g1" -le 10 ]; then
		vm_fail "the guest did not spread its frames: $g0 / $g1"
	fi
	for q in 0 1; do
		[ "$(ethq "$NET_ETH" stat rx_queue_${q}_packets)" -gt 10 ] ||
			vm_fail "ethtool -S rx_queue_${q}_packets: $(ethq "$NET_ETH" stat rx_queue_${q}_packets 2>&1)"
		[ "$(ethq "$NET_ETH" stat tx_queue_${q}_packets)" -gt 10 ] ||
			vm_fail "ethtool -S tx_queue_${q}_packets: $(ethq "$NET_ETH" stat tx_queue_${q}_packets 2>&1)"
	done

	# ethtool -L 1 and back to 2 with flows running
	vrss_flows b 2 128 6100
	sleep 0.5
	vm_log "-L 1 at $(cut -d' ' -f1 /proc/uptime) s"
	ethq "$NET_ETH" combined 1 || vm_fail "ethtool -L combined 1 refused"
	expect "ethtool -l after -L 1" "$(ethq "$NET_ETH" channels)" "max 2 combined 1"
	ethq "$NET_ETH" combined 3 2> /dev/null && vm_fail "ethtool -L combined 3 (of 2) accepted"
	sleep 0.2
	c1=$(net_field "$r" chan1_to_guest_frames)
	g1=$(net_field "$r" chan1_from_guest_frames)
	vrss_flows c 1 32 6200
	vrss_check c 1
	expect "frames to the guest on channel 1 with one queue" "$(net_field "$r" chan1_to_guest_frames)" "$c1"
	expect "frames from the guest on channel 1 with one queue" "$(net_field "$r" chan1_from_guest_frames)" "$g1"
	ethq "$NET_ETH" combined 2 || vm_fail "ethtool -L combined 2 refused"
	expect "ethtool -l after -L 2" "$(ethq "$NET_ETH" channels)" "max 2 combined 2"
	vrss_check b 2

	vm_log "flows done at $(cut -d' ' -f1 /proc/uptime) s"
	# unload and reload with the sub-channel open
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc with a sub-channel open failed"
	expect "host: receive slots in use after unload" "$(net_field "$r" recv_slots_used)" 0
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=2048 || { vm_fail "insmod hv_netvsc (again) failed"; return; }
	i=0
	while [ "$i" -lt 100 ] && ! NET_ETH=$(net_eth $MAC); do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$NET_ETH" ] || { vm_fail "no interface after the reload"; return; }
	ip addr add 192.0.2.1/24 dev "$NET_ETH"
	ip link set "$NET_ETH" up
	vrss_wait_chans 2 || vm_fail "after the reload: $(ethq "$NET_ETH" channels 2>&1), not 2 of 2"
	ping -c 2 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "no ping after the reload"

	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
	expect "host: unknown completions" "$(net_field "$r" unknown_completions)" 0

	# a rescind of the primary with the sub-channel open, traffic flowing
	tcpxfer recv 192.0.2.1 5003 /dev/null > /dev/null 2>&1 &
	i=$!
	$NS tcpxfer send 192.0.2.1 5003 /dev/zero > /dev/null 2>&1 &
	q=$!
	sleep 1
	sim_ctl rescind "$r"
	c0=0
	while [ "$c0" -lt 100 ] && [ -e "/sys/class/net/$NET_ETH" ]; do
		sleep 0.1
		c0=$((c0 + 1))
	done
	[ -e "/sys/class/net/$NET_ETH" ] && vm_fail "$NET_ETH still there 10 s after the rescind"
	kill "$i" "$q" 2> /dev/null
	$NET_IP netns del hs
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc failed after the rescind"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
