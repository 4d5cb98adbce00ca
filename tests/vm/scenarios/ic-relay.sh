# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-relay: hostile hosts and racing openers against hv_utils' daemon relay
# and IC framework (issue 16, items 1, 4 and 10).
#
# - A second open of a daemon device (EBUSY) must leave the message the
#   daemon is about to read where it is: the handshake's answer, and a host
#   request (a VSS FREEZE, a file copy START) that the daemon then answers
#   with success (tests/vm/guest/devbusy.c).
# - 200 NEGOTIATEs log the outcome once; 1000 rescinds of a relid the guest
#   does not have log a bounded number of lines (at most 100, counted in
#   the serial log).
# - 4300 rescinds of an unknown relid while the offers workqueue is held
#   (hv_vmbus.test_stall_offers, a test build's knob): rejected and logged
#   at once, not queued; an offer sent behind them while the workqueue is
#   still held appears once it runs (a bound shared by all queued messages
#   once dropped it).
# - A burst of 90 heartbeats written with a single signal: every one is
#   answered, no run of the channel callback takes more than its budget
#   (32 packets; hv_utils' debugfs stats), and the longest run is logged.
# - KVP, VSS and file copy unbound from hv_utils while the host floods
#   requests and no daemon is registered; then bound again and rescinded
#   under a flood. hv_utils is a test build (HVLIS_TEST_HOOKS) loaded
#   with test_delay_ms=300: its remove waits 300 ms between stopping the
#   relay and closing the channel, and a relay work item that finds the
#   relay stopping waits 900 ms before it locks it. With slab poisoning
#   (slub_debug=P), a work item queued in that window and run after the
#   relay was freed oopses; the harness fails the scenario on it.

# shellcheck disable=SC2034
VM_TIMEOUT=300
# shellcheck disable=SC2034
VM_GUEST_TOOLS="devbusy"
# shellcheck disable=SC2034
VM_APPEND="slub_debug=P"

STATS=/sys/kernel/debug/hv_utils/stats
util_stat() {
	awk -v s="$1" -v k="$2" '$1 == s { for (i = 2; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$STATS"
}
count_kmsg() { kmsg_new | grep -cF -- "$1"; }
VSTATS=/sys/kernel/debug/hv_vmbus/stats
vmbus_stat() { awk -v k="$1" '$1 == k { print $2 }' "$VSTATS"; }

# devbusy SERVICE MODE with its output as details on failure
run_devbusy() {
	devbusy "$1" "$2" > "/tmp/devbusy.$1.$2" 2>&1 && return 0
	vm_fail "devbusy $1 $2: $(grep FAIL "/tmp/devbusy.$1.$2" | head -1)"
	vm_detail "devbusy $1 $2" < "/tmp/devbusy.$1.$2"
	return 1
}

guest() {
	local s n i pid sent dev d r

	sim_start
	for s in heartbeat kvp vss fcopy; do
		sim_ctl add "$s"
	done
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load daemon_timeout=3 test_delay_ms=300 ||
		vm_fail "insmod hv_utils test_delay_ms=300 failed (not a HVLIS_TEST_HOOKS=1 build?)"
	for s in heartbeat kvp vss fcopy; do
		wait_ic "$s" negotiated 1 || vm_fail "$s: no negotiation within 10 s"
	done
	[ -r "$STATS" ] || vm_fail "no $STATS"

	# Item 4: a second opener changes nothing.
	for s in vss fcopy; do
		run_devbusy "$s" handshake && vm_log "ok: $s: the handshake's answer outlived a second open"
	done
	kmsg_mark
	devbusy vss request > /tmp/devbusy.vss.request 2>&1 &
	pid=$!
	wait_kmsg "vss: daemon registered" || vm_fail "devbusy did not register on /dev/vmbus/hv_vss"
	sim_ic vss freeze || vm_fail "vss freeze: the host got no answer"
	if wait "$pid"; then
		vm_log "ok: vss: the FREEZE outlived three second opens"
	else
		vm_fail "vss: the FREEZE was lost to a second open"
		vm_detail "devbusy vss request" < /tmp/devbusy.vss.request
	fi
	expect "vss freeze answered by the daemon: status" "$(ic_field vss vss_status)" 0x00000000
	kmsg_mark
	devbusy fcopy request > /tmp/devbusy.fcopy.request 2>&1 &
	pid=$!
	wait_kmsg "fcopy: daemon registered" || vm_fail "devbusy did not register on /dev/vmbus/hv_fcopy"
	# size 0: START (devbusy answers it and exits), then COMPLETE (no daemon)
	sim_ic fcopy copy a.bin /tmp 0 0 || vm_fail "fcopy copy: the host got no answer"
	if wait "$pid"; then
		vm_log "ok: fcopy: the START outlived three second opens"
	else
		vm_fail "fcopy: the START was lost to a second open"
		vm_detail "devbusy fcopy request" < /tmp/devbusy.fcopy.request
	fi
	expect "fcopy: the operation that failed (2: COMPLETE, after devbusy left)" \
		"$(ic_field fcopy fcopy_failed_op)" 2

	# Item 10: log floods.
	kmsg_mark
	i=0
	while [ "$i" -lt 200 ]; do
		sim_ic heartbeat negotiate || { vm_fail "NEGOTIATE $i failed"; break; }
		i=$((i + 1))
	done
	n=$(count_kmsg "heartbeat: IC framework")
	vm_log "200 NEGOTIATEs: $n log lines"
	[ "$n" -le 5 ] || vm_fail "200 NEGOTIATEs logged $n lines"
	kmsg_mark
	sim_fault rescind-unknown 1000 count=1000
	# counted on the host, in the serial log (check_log): this many
	# lines overflow the guest's kernel log buffer
	sleep 1

	# Item 10: the offers workqueue held (a test build's knob). 4300
	# rescinds of a relid the guest has neither mapped nor queued an offer
	# for are rejected at once, nothing queued; an offer sent behind them,
	# still while the workqueue is held, waits alone and is not lost (it
	# was once: a bound shared by all queued messages dropped it).
	[ -r "$VSTATS" ] || vm_fail "no $VSTATS"
	echo 1 > /sys/module/hv_vmbus/parameters/test_stall_offers ||
		vm_fail "no hv_vmbus test_stall_offers (not a HVLIS_TEST_HOOKS=1 build?)"
	n=$(vmbus_stat rescinds_unknown)
	sim_fault rescind-unknown 1001 count=4300
	i=0
	while [ "$(vmbus_stat rescinds_unknown)" -lt $((n + 4300)) ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "rescinds of an unknown relid rejected behind a held workqueue" \
		"$(($(vmbus_stat rescinds_unknown) - n))" 4300
	expect "offers and rescinds queued after them" "$(vmbus_stat offers_rescinds_queued)" 0
	n=$(ls /sys/bus/vmbus/devices | wc -l)
	sim_ctl add idle
	i=0
	while [ "$(vmbus_stat offers_rescinds_queued)" -lt 1 ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "offers queued behind the held workqueue" "$(vmbus_stat offers_rescinds_queued)" 1
	echo 0 > /sys/module/hv_vmbus/parameters/test_stall_offers
	i=0
	while [ "$(ls /sys/bus/vmbus/devices | wc -l)" -le "$n" ] && [ "$i" -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(ls /sys/bus/vmbus/devices | wc -l)" -gt "$n" ] ||
		vm_fail "an offer sent behind 4300 rescinds of an unknown relid never appeared"
	expect "offers and rescinds queued once the workqueue ran" "$(vmbus_stat offers_rescinds_queued)" 0

	# Held again: a device offered and rescinded, then 50 copies of that
	# rescind. The first waits behind its offer; the copies are dropped as
	# duplicates; the device comes and goes once the workqueue runs.
	n=$(ls /sys/bus/vmbus/devices | wc -l)
	d=$(vmbus_stat duplicates_dropped)
	echo 1 > /sys/module/hv_vmbus/parameters/test_stall_offers
	r=$(sim_add_relid idle)
	if [ -z "$r" ]; then
		vm_fail "no relid for a new idle device"
	else
		sim_ctl rescind "$r"
		sim_fault rescind-unknown "$r" count=50
		i=0
		while [ "$(vmbus_stat duplicates_dropped)" -lt $((d + 50)) ] && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		expect "copies of a waiting rescind dropped" "$(($(vmbus_stat duplicates_dropped) - d))" 50
		expect "an offer and its rescind waiting" "$(vmbus_stat offers_rescinds_queued)" 2
	fi
	echo 0 > /sys/module/hv_vmbus/parameters/test_stall_offers
	i=0
	while [ "$(vmbus_stat offers_rescinds_queued)" != 0 ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	expect "devices after the offer and its rescind ran" "$(ls /sys/bus/vmbus/devices | wc -l)" "$n"
	vm_detail "hv_vmbus stats" < "$VSTATS"

	# Item 10: a burst of packets, one signal; the callback keeps its budget.
	sim_ic heartbeat flood 90 0 0 || vm_fail "heartbeat flood failed"
	sent=$(ic_field heartbeat flood_sent)
	i=0
	while [ "$(ic_field heartbeat flood_answers)" != "$sent" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	vm_detail "hv_utils stats after the burst" < "$STATS"
	vm_log "burst: $sent written, $(ic_field heartbeat flood_answers) answered; callback: max $(util_stat heartbeat max_batch) packets and $(util_stat heartbeat max_run_us) us in one run, $(util_stat heartbeat deferred) deferrals"
	[ "$sent" -ge 80 ] || vm_fail "the host wrote only $sent of 90 packets"
	expect "burst: every packet answered" "$(ic_field heartbeat flood_answers)" "$sent"
	[ "$(util_stat heartbeat max_batch)" -le 32 ] ||
		vm_fail "one callback run took $(util_stat heartbeat max_batch) packets (budget 32)"
	sim_ic heartbeat beat 3 || vm_fail "heartbeats after the burst failed"

	# Item 1: each relaying device unbound while the host floods it with
	# requests (10 ms apart) and no daemon is registered: packets arrive
	# between the relay's stop and the channel's close.
	for s in kvp vss fcopy; do
		dev=$(awk -v s="$s" '$1 == s { print $2 }' "$STATS")
		echo "$dev" > "/tmp/dev.$s"
		n=$(util_stat "$s" requests)
		sim_ic "$s" flood 300 10 0 &
		pid=$!
		# the guest's count (hvsim's ic file waits for the flood's end)
		i=0
		while [ "$(util_stat "$s" requests)" -lt $((n + 10)) ] && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		echo "$dev" > /sys/bus/vmbus/drivers/hv_utils/unbind || vm_fail "$s: unbind $dev failed"
		wait "$pid"
		vm_log "$s: unbound under a flood; $(ic_field "$s" flood_sent) requests written, $(ic_field "$s" flood_answers) answered"
		[ -e "/dev/vmbus/hv_$s" ] && vm_fail "/dev/vmbus/hv_$s outlived the unbind"
	done
	sleep 3	# the delayed work items of a broken teardown run now
	vm_detail "hv_utils stats" < "$STATS"
	expect "hv_utils devices left after the unbinds" "$(grep -c . "$STATS")" 1

	# The same devices bound again, then rescinded under a flood (the host
	# stops writing at the rescind).
	for s in kvp vss fcopy; do
		cat "/tmp/dev.$s" > /sys/bus/vmbus/drivers/hv_utils/bind || vm_fail "$s: bind failed"
	done
	for s in kvp vss fcopy; do
		i=0
		while [ ! -e "/dev/vmbus/hv_$s" ] && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		sleep 1	# its NEGOTIATE
		sim_ic "$s" flood 100 10 20 || vm_fail "$s: flood with a rescind failed"
		i=0
		while [ -e "/dev/vmbus/hv_$s" ] && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -e "/dev/vmbus/hv_$s" ] && vm_fail "/dev/vmbus/hv_$s outlived the rescind"
	done
	sleep 3
	expect "hv_utils devices left after the rescinds" "$(grep -c . "$STATS")" 1
	sim_ic heartbeat beat 3 || vm_fail "heartbeats after the rescinds failed"
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}

check_log() {
	local n
	n=$(grep -c "hv_vmbus: rejected a rescind of relid 1000: no such channel" "$1")
	[ "$n" -ge 1 ] || { echo "the rescinds of an unknown relid were not logged at all"; return 1; }
	[ "$n" -le 100 ] || { echo "1000 rescinds of an unknown relid logged $n lines"; return 1; }
}
