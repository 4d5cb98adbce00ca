# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-rings: a broken or hostile host corrupts the rings of an open
# channel (hvlis_echo on hvsim's echo device, relid 1): ring indices out of
# range or misaligned, and packets whose descriptor lies about its offset
# or length. The guest's receive (or send) on that channel must fail with
# -EIO and say so in the log, the channel's bad_packets counter must move,
# the other echo device (relid 2) must keep working, and closing and
# reopening the faulted channel (unbind, bind) must make it work again.
# Interrupt storms on a healthy and on a corrupt channel's event flag follow.

# shellcheck disable=SC2034
VM_TIMEOUT=150

# ring_case WHAT FAULT-ARGS: the fault hits relid 1's inbound ring
ring_case() {
	local what=$1 bad0 bad1
	shift
	bad0=$(cat "$(vmbus_dev 1)/channels/1/bad_packets")
	kmsg_mark
	sim_fault "$@"
	expect_kmsg "$what" "hv_vmbus: relid 1: inbound ring holds a corrupt packet; channel unusable"
	expect_kmsg "$what: echo driver" "hvlis_echo: channel 0: receive failed: -5"
	bad1=$(cat "$(vmbus_dev 1)/channels/1/bad_packets")
	[ "$bad1" -gt "$bad0" ] || vm_fail "$what: bad_packets of relid 1 stayed $bad0"
	recover "$what"
}

# out_case WHAT FAULT-ARGS: the fault hits relid 1's outbound ring
out_case() {
	local what=$1 r
	shift
	kmsg_mark
	sim_fault "$@"
	if echo "1 16 16" > /sys/kernel/debug/hvlis_echo/run 2> /dev/null; then
		vm_fail "$what: an echo run through the corrupt ring succeeded"
	fi
	r=$(cat /sys/kernel/debug/hvlis_echo/result)
	case $r in
	*"error -5") vm_log "ok: $what: $r" ;;
	*) vm_fail "$what: echo run said '$r', expected error -5" ;;
	esac
	expect_kmsg "$what" "hv_vmbus: relid 1: outbound ring indices corrupt; channel unusable"
	sleep 0.3	# the echo of relid 2's packet, sent before the failure
	recover "$what"
}

# The other device works; closing and reopening the faulted channel heals it.
recover() {
	echo_unbind 1
	echo_run "$1: other device" 30 16 2000 1
	echo_bind 1 || vm_fail "$1: bind of relid 1 after the fault failed"
	echo_run "$1: reopened" 30 16 2000 2
}

guest() {
	local d e0 e1 i0 i1

	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 100 16 4000 2
	# data bytes of relid 1's inbound ring: readable + writable
	d=$(vmbus_dev 1)
	RING_SIZE=$(($(cat "$d/in_read_bytes_avail") + $(cat "$d/in_write_bytes_avail")))
	expect "outbound ring of the same size" \
		"$(($(cat "$d/out_read_bytes_avail") + $(cat "$d/out_write_bytes_avail")))" "$RING_SIZE"
	vm_log "ring data size $RING_SIZE bytes"

	# the host's index of the guest-inbound ring
	ring_case "write index = ring size" ring-index 1 in-write "$RING_SIZE"
	ring_case "write index far out" ring-index 1 in-write 0xfffffff8
	ring_case "write index misaligned" ring-index 1 in-write 12
	ring_case "write index misaligned, past the end" ring-index 1 in-write $((RING_SIZE + 4))
	# the guest's own index of that ring, overwritten by the host
	ring_case "read index misaligned" ring-index 1 in-read 4
	sleep 5		# the guest rate-limits its lines: 10 per 5 s

	# packets whose descriptor lies
	ring_case "offset8 < 2" ring-lie 1 offset
	ring_case "len8 < offset8" ring-lie 1 inverted
	ring_case "len8 beyond the data" ring-lie 1 beyond
	ring_case "len8 0xffff" ring-lie 1 huge
	ring_case "write index moved by 16 bytes" ring-lie 1 tiny
	sleep 5

	# the guest-outbound ring: the host's read index, the guest's write index
	out_case "outbound read index out of range" ring-index 1 out-read "$RING_SIZE"
	out_case "outbound read index misaligned" ring-index 1 out-read 0x1004
	out_case "outbound write index misaligned" ring-index 1 out-write 0x7

	# storms of channel events: healthy channel, then corrupt channel
	e0=$(cat "$(vmbus_dev 1)/channels/1/interrupts")
	sim_fault storm 20000 1
	e1=$(cat "$(vmbus_dev 1)/channels/1/interrupts")
	expect "events counted for 20000 flagged interrupts" "$((e1 - e0))" 20000
	echo_run "after an event storm" 50 16 2000 2
	sleep 5
	kmsg_mark
	sim_fault ring-index 1 in-write 12
	expect_kmsg "corrupt, then stormed" "hv_vmbus: relid 1: inbound ring holds a corrupt packet; channel unusable"
	i0=$(cat "$(vmbus_dev 1)/channels/1/bad_packets")
	sim_fault storm 20000 1
	i1=$(cat "$(vmbus_dev 1)/channels/1/bad_packets")
	vm_log "bad_packets of relid 1 during the storm: $i0 -> $i1"
	[ "$i1" -gt "$i0" ] || vm_fail "the storm on the corrupt channel read nothing"
	# events for relids nobody has
	sim_fault storm 1000 77
	sim_fault storm 1000 2047
	recover "storm on a corrupt channel"

	expect "host: fault_ring-index" "$(sim_stat fault_ring-index)" 9
	expect "host: fault_ring-lie" "$(sim_stat fault_ring-lie)" 5
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: connected after unload" "$(sim_stat connected)" 0
	expect "host: channels open" "$(sim_stat channels_open)" 0
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
