# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# net-host: the simulated host's network adapter (tests/hvsim/net_host.c)
# without a guest driver. "add net" with options offers a netvsc-class
# channel and registers the host-side netdev hvsimnet<N> with the MTU
# asked for; bad options are refused and add nothing; the net file shows
# the adapter; link down/up and faults are taken (bad ones refused) before
# any guest is there; the
# device appears on the vmbus bus with its class; hvsim unloads cleanly
# with the adapter (and its netdev) present.

# shellcheck disable=SC2034
VM_TIMEOUT=90

net_field() { awk -v r="$1" -v k="$2" '$1 == r && $2 == k { print $3 }' "$HVSIM/net"; }

guest() {
	local r d bad n

	sim_start
	for bad in "gen=1999" "mtu=100" "mtu=9001" "mac=zz:00:00:00:00:00" \
		"mac=01:00:5e:00:00:01" "subch=16" "bogus=1"; do
		if echo "add net $bad" > "$HVSIM/ctl" 2> /dev/null; then
			vm_fail "add net $bad was taken"
		fi
	done
	for n in /sys/class/net/hvsimnet*; do
		[ -e "$n" ] && vm_fail "refused adds left $n behind"
	done
	sim_ctl add net mac=00:15:5d:00:00:42 mtu=9000 gen=2016 subch=2
	r=$(awk '$2 == "gen" { print $1; exit }' "$HVSIM/net")
	[ -n "$r" ] || { vm_fail "no adapter in the net file"; return; }
	d=$(net_field "$r" host_netdev)
	expect "host netdev" "$d" hvsimnet0
	expect "host netdev mtu" "$(cat /sys/class/net/hvsimnet0/mtu 2> /dev/null)" 9000
	expect "adapter mac" "$(net_field "$r" mac)" 00:15:5d:00:00:42
	expect "adapter gen" "$(net_field "$r" gen)" 2016
	expect "adapter subch_max" "$(net_field "$r" subch_max)" 2
	expect "nvsp before a guest" "$(net_field "$r" nvsp)" 0.0
	sim_ctl net "$r" link down
	expect "link after down" "$(net_field "$r" link_up)" 0
	sim_ctl net "$r" link up
	expect "link after up" "$(net_field "$r" link_up)" 1
	sim_ctl net "$r" fault lie-length count=2
	sim_ctl net "$r" fault unknown-tid
	expect "faults armed" "$(net_field "$r" faults_armed)" 3
	echo "net $r fault nonsense" > "$HVSIM/ctl" 2> /dev/null && vm_fail "fault nonsense was taken"
	echo "net $r fault bad-ppi count=0" > "$HVSIM/ctl" 2> /dev/null && vm_fail "count=0 was taken"
	expect "faults armed after refusals" "$(net_field "$r" faults_armed)" 3
	echo "net $r link sideways" > "$HVSIM/ctl" 2> /dev/null && vm_fail "link sideways was taken"
	echo "net 9999 link up" > "$HVSIM/ctl" 2> /dev/null && vm_fail "net 9999 was taken"
	ip link set hvsimnet0 up || vm_fail "hvsimnet0 does not come up"
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	n=0
	while [ "$n" -lt 50 ] && ! grep -qs f8615163 /sys/bus/vmbus/devices/*/class_id; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -qs '{f8615163-df3e-46c5-913f-f2d2f965ed0e}' /sys/bus/vmbus/devices/*/class_id ||
		vm_fail "no network adapter on the vmbus bus"
	vm_detail "net file" < "$HVSIM/net"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	rmmod hvsim || vm_fail "rmmod hvsim failed"
	if [ -e /sys/class/net/hvsimnet0 ]; then
		vm_fail "hvsimnet0 is still there after rmmod hvsim"
	fi
}
