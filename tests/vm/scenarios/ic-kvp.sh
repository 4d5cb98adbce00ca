# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-kvp: hv_utils' KVP service between the simulated host and our
# hv_kvp_daemon (daemons/bin, started here on /dev/vmbus/hv_kvp). Without
# a daemon every host request fails at once and the guest logs that once.
# With it: SET (string, u32, u64, non-ASCII) lands in the pool file, GET,
# ENUMERATE and DELETE round-trip with the host's UTF-16, the auto pool
# enumerates the guest's intrinsics, GET_IP_INFO reports a dummy
# interface's address, SET_IP_INFO writes its ifupdown configuration
# (written, not applied). Malformed host requests fail and change nothing.
# A stopped daemon times out (daemon_timeout=2), logged once; a daemon
# killed with a request fails it at once; a daemon's late answer is dropped,
# not taken for the next request's. The device takes one opener, and
# hv_utils cannot be unloaded while the daemon holds it.

# shellcheck disable=SC2034
VM_TIMEOUT=240
# shellcheck disable=SC2034
VM_KMODS="dummy"

kvp_status() { ic_field kvp kvp_status; }
kvp_ok() {
	sim_ic kvp "$@" || vm_fail "kvp $*: the host got no answer"
	expect "kvp $*: status" "$(kvp_status)" 0x00000000
}
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
count_kmsg() { kmsg_new | grep -cF -- "$1"; }
GUID=5a3e2f1c-8b7d-4e6f-9a0b-1c2d3e4f5a6b

guest() {
	local i key mac t0 t1 pid f

	sim_start
	sim_ctl add kvp
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	mkdir -p /var/lib/hyperv /etc/network/interfaces.d
	printf 'NAME="hvlis test"\nID=hvlis\nVERSION_ID="1.0"\nPRETTY_NAME="hvlis test guest"\n' > /etc/os-release
	: > /etc/network/interfaces
	hostname kvpguest
	kmsg_mark
	utils_load daemon_timeout=2 || vm_fail "insmod hv_utils failed"
	wait_ic kvp negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field kvp fw)" 3.0
	expect "negotiated message version" "$(ic_field kvp msg)" 4.0
	[ -c /dev/vmbus/hv_kvp ] || vm_fail "no character device /dev/vmbus/hv_kvp"

	# No daemon: failures at once, one log line for all of them.
	t0=$(uptime_ms)
	for i in 1 2 3; do
		sim_ic kvp set 0 k v || vm_fail "set without a daemon: no answer"
		expect "set without a daemon: status" "$(kvp_status)" 0x80004005
	done
	t1=$(uptime_ms)
	vm_log "three requests without a daemon: $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "failing without a daemon took $((t1 - t0)) ms"
	expect_kmsg "no daemon logged" "kvp: no daemon has /dev/vmbus/hv_kvp open"
	expect "no-daemon log lines" "$(count_kmsg "kvp: no daemon has")" 1

	# Our daemon registers.
	kmsg_mark
	# The VM has no netvsc device, whose sysfs device_id names an adapter
	# in SET_IP_INFO: the daemon's --sysfs-net gets a copy of hvdummy0's
	# sysfs directory with a VMBus instance GUID added.
	ip link add hvdummy0 type dummy || vm_fail "cannot create a dummy interface"
	ip addr add 192.0.2.7/24 dev hvdummy0 && ip link set hvdummy0 up ||
		vm_fail "cannot configure hvdummy0"
	mkdir -p /tmp/net/hvdummy0/device
	cp /sys/class/net/hvdummy0/address /sys/class/net/hvdummy0/ifindex /tmp/net/hvdummy0/
	echo "{$GUID}" > /tmp/net/hvdummy0/device/device_id
	HV_SET_IFCONFIG_APPLY=0 hv_kvp_daemon -n --sysfs-net /tmp/net > /tmp/kvpd.log 2>&1 &
	pid=$!
	expect_kmsg "daemon registered" "kvp: daemon registered on /dev/vmbus/hv_kvp"
	cat /dev/vmbus/hv_kvp > /tmp/second.out 2>&1 && vm_fail "a second open of /dev/vmbus/hv_kvp worked"
	grep -q "busy" /tmp/second.out || vm_fail "second open: $(cat /tmp/second.out)"

	kvp_ok set 0 alpha one two three
	tr '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | grep -qx alpha || vm_fail "alpha is not in .kvp_pool_0"
	tr '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | grep -qx "one two three" ||
		vm_fail "alpha's value is not in .kvp_pool_0"
	kvp_ok get 0 alpha
	expect "get alpha" "$(ic_field kvp kvp_value)" one_two_three
	kvp_ok set 0 grüße "żółw 🐢 ok"
	kvp_ok get 0 grüße
	expect "get a non-ASCII key" "$(ic_field kvp kvp_value)" "żółw_🐢_ok"
	kvp_ok set_u32 1 n32 4000000000
	kvp_ok get 1 n32
	expect "REG_U32 as a string" "$(ic_field kvp kvp_value)" 4000000000
	kvp_ok set_u64 1 n64 18446744073709551615
	kvp_ok get 1 n64
	expect "REG_U64 as a string" "$(ic_field kvp kvp_value)" 18446744073709551615
	kvp_ok enumerate 0 0
	expect "enumerate pool 0 index 0: key" "$(ic_field kvp kvp_key)" alpha
	expect "enumerate pool 0 index 0: value" "$(ic_field kvp kvp_value)" one_two_three
	kvp_ok delete 0 alpha
	sim_ic kvp get 0 alpha || vm_fail "get after delete: no answer"
	[ "$(kvp_status)" != 0x00000000 ] || vm_fail "get of a deleted key succeeded"
	tr '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | grep -qx alpha && vm_fail "alpha still in the pool file"

	# The auto pool: the guest's intrinsics.
	for i in 0 1 2 3 4 5 6 7 8 9; do
		sim_ic kvp enumerate 2 "$i" || vm_fail "enumerate 2 $i: no answer"
		key=$(ic_field kvp kvp_key)
		vm_log "auto pool $i: $key = $(ic_field kvp kvp_value) ($(kvp_status))"
		case $key in
		FullyQualifiedDomainName | OSName | OSMajorVersion | ProcessorArchitecture)
			[ "$(ic_field kvp kvp_value)" != - ] || vm_fail "$key is empty" ;;
		esac
	done
	kvp_ok enumerate 2 0
	expect "auto pool 0" "$(ic_field kvp kvp_key)" FullyQualifiedDomainName
	expect "host name" "$(ic_field kvp kvp_value)" kvpguest
	kvp_ok enumerate 2 5
	expect "auto pool 5" "$(ic_field kvp kvp_key)" OSName
	sim_ic kvp enumerate 2 10 || vm_fail "enumerate past the end: no answer"
	[ "$(kvp_status)" != 0x00000000 ] || vm_fail "enumerate past the end succeeded"

	# IP: the dummy interface with an address.
	mac=$(tr a-f A-F < /sys/class/net/hvdummy0/address)
	kvp_ok get_ip_info "$mac"
	vm_log "get_ip_info $mac: ip $(ic_field kvp kvp_ip) mask $(ic_field kvp kvp_mask) gw $(ic_field kvp kvp_gw) dns $(ic_field kvp kvp_dns) dhcp $(ic_field kvp kvp_dhcp)"
	case ";$(ic_field kvp kvp_ip);" in
	*";192.0.2.7;"*) vm_log "ok: hvdummy0's address reported" ;;
	*) vm_fail "get_ip_info: address list '$(ic_field kvp kvp_ip)' lacks 192.0.2.7" ;;
	esac
	case ";$(ic_field kvp kvp_mask);" in
	*";255.255.255.0;"*) vm_log "ok: netmask reported" ;;
	*) vm_fail "get_ip_info: netmask list '$(ic_field kvp kvp_mask)'" ;;
	esac
	kvp_ok set_ip_info "{$GUID}" 0 192.0.2.8 255.255.255.0 192.0.2.1 192.0.2.53
	f=/etc/network/interfaces.d/hyperv-hvdummy0
	[ -f "$f" ] || vm_fail "set_ip_info wrote no $f"
	vm_detail "ifupdown configuration" < "$f"
	grep -q "192.0.2.8" "$f" && grep -q "192.0.2.1" "$f" && grep -q "192.0.2.53" "$f" ||
		vm_fail "$f lacks the address, gateway or DNS server"
	sim_ic kvp get_ip_info 00:00:5E:00:53:99 || vm_fail "get_ip_info of an unknown MAC: no answer"
	[ "$(kvp_status)" != 0x00000000 ] || vm_fail "get_ip_info of an unknown MAC succeeded"

	# Malformed host requests: failure, a log line, nothing written.
	kmsg_mark
	for i in keysize valuesize surrogate pool type op; do
		sim_ic kvp hostile "$i" || vm_fail "hostile $i: no answer"
		expect "hostile $i: status" "$(kvp_status)" 0x80004005
	done
	expect_kmsg "a lone surrogate logged" "kvp: the host's key is not valid UTF-16"
	tr '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | grep -qx key && vm_fail "a hostile SET landed in pool 0"
	sim_ic kvp send 2 3 || vm_fail "a 3-byte KVP request: no answer"
	expect "3-byte request: status" "$(ic_field kvp last_status)" 0x80004005
	kvp_ok get 0 grüße

	# A daemon that does not answer: the host fails after daemon_timeout.
	kmsg_mark
	kill -STOP "$pid"
	for i in 1 2; do
		t0=$(uptime_ms)
		sim_ic kvp get 0 grüße || vm_fail "get with a stopped daemon: no answer"
		t1=$(uptime_ms)
		expect "stopped daemon: status" "$(kvp_status)" 0x80004005
		vm_log "stopped daemon: failure after $((t1 - t0)) ms"
		[ $((t1 - t0)) -ge 1500 ] && [ $((t1 - t0)) -lt 4500 ] ||
			vm_fail "the timeout took $((t1 - t0)) ms, not about 2000"
	done
	expect "timeout log lines" "$(count_kmsg "kvp: the daemon did not answer within 2 s")" 1
	kill -CONT "$pid"
	kvp_ok get 0 grüße
	expect "after the stop" "$(ic_field kvp kvp_value)" "żółw_🐢_ok"

	# The daemon killed with a request: failure at once, not after 2 s.
	kmsg_mark
	kill -STOP "$pid"
	( sleep 0.5; kill -KILL "$pid" ) &
	t0=$(uptime_ms)
	sim_ic kvp get 0 grüße || vm_fail "get with a dying daemon: no answer"
	t1=$(uptime_ms)
	wait
	expect "killed daemon: status" "$(kvp_status)" 0x80004005
	vm_log "killed daemon: failure after $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "the failure took $((t1 - t0)) ms"
	expect_kmsg "daemon gone logged" "kvp: the daemon went away with a request"
	sim_ic kvp get 0 grüße && expect "no daemon again" "$(kvp_status)" 0x80004005

	# A new daemon reads the same pools.
	hv_kvp_daemon -n > /tmp/kvpd2.log 2>&1 &
	pid=$!
	wait_kmsg "kvp: daemon registered" || vm_fail "the second daemon did not register"
	kvp_ok get 0 grüße
	rmmod hv_utils 2> /dev/null && vm_fail "hv_utils unloaded under an open device"
	kill "$pid"
	wait "$pid"

	# A late answer: the daemon has read SET_IP_INFO, whose script takes
	# 3 s, longer than daemon_timeout=2. The host gets a failure after 2 s;
	# the late answer must not be taken for the answer to the next request.
	mkdir -p /tmp/slow
	printf '#!/bin/sh\nsleep 3\n' > /tmp/slow/hv_set_ifconfig
	chmod 755 /tmp/slow/hv_set_ifconfig
	kmsg_mark
	hv_kvp_daemon -n --sysfs-net /tmp/net --scripts-dir /tmp/slow > /tmp/kvpd3.log 2>&1 &
	pid=$!
	wait_kmsg "kvp: daemon registered" || vm_fail "the third daemon did not register"
	sim_ic kvp set_ip_info "{$GUID}" 0 192.0.2.9 255.255.255.0 192.0.2.1 192.0.2.53 ||
		vm_fail "slow set_ip_info: no answer"
	expect "slow set_ip_info: status" "$(kvp_status)" 0x80004005
	kvp_ok get 0 grüße
	expect "get after a late answer" "$(ic_field kvp kvp_value)" "żółw_🐢_ok"
	expect_kmsg "late answer dropped" "kvp: dropped the daemon's late answer"
	kill "$pid"
	wait "$pid"
	vm_detail "daemon log" < /tmp/kvpd.log
	vm_detail "host ic state" < "$HVSIM/ic"
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	[ -e /dev/vmbus/hv_kvp ] && vm_fail "/dev/vmbus/hv_kvp outlived hv_utils"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
