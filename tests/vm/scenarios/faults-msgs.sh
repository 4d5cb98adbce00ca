# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-msgs: a broken or hostile host sends channel messages that are too
# short, claim more than a SynIC message holds, carry types a host must not
# send, answer requests nobody made, offer impossible channels or rescind
# unknown ones; it holds messages back until the guest writes EOM, and
# raises the VMBus interrupt 100000 times with nothing to do. The guest
# (hv_vmbus on hvsim, hvlis_echo bound to two echo devices) must log each
# bad message, act on none, and keep working: echoes pass after every
# group of faults and hv_vmbus unloads cleanly. A few faults and storms are
# repeated against a Windows Server 2008 host (interrupt page signalling).

# shellcheck disable=SC2034
VM_TIMEOUT=150

# echoes through both devices still pass
usable() {
	echo_run "after $1" 50 16 2000 2
}

guest() {
	local t e n before after e0 m0

	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	expect "devices on the bus" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	usable "loading"

	# Messages shorter than their type: one byte short, and much shorter.
	# (The guest rate-limits these lines: at most 10 per 5 s.)
	kmsg_mark
	sim_fault short 1 100
	sim_fault short 6 8
	for t in 2 4 10 12 15 17 24; do
		sim_fault short "$t"
	done
	expect_kmsg "100-byte OFFERCHANNEL" "hv_vmbus: dropped a malformed host message (type 1, 100 bytes): -90"
	expect_kmsg "8-byte OPENCHANNEL_RESULT" "hv_vmbus: dropped a malformed host message (type 6, 8 bytes): -90"
	for e in "2, 11" "4, 7" "10, 19" "12, 11" "15, 15" "17, 7" "24, 15"; do
		expect_kmsg "short message" "hv_vmbus: dropped a malformed host message (type $e bytes): -90"
	done
	usable "short messages"
	sleep 5

	# Types a host must not send, and a message with no type at all.
	kmsg_mark
	sim_fault badtype 99
	sim_fault badtype 14
	sim_fault badtype 3
	sim_fault badtype 16
	sim_fault badtype 0
	sim_fault badtype 25
	sim_fault badtype 0xffffffff
	sim_fault short 1 0
	sim_fault short 1 3
	expect_kmsg "type 99" "hv_vmbus: dropped a malformed host message (type 99, 16 bytes): -71"
	expect_kmsg "INITIATE_CONTACT from the host" "hv_vmbus: dropped a malformed host message (type 14, 40 bytes): -71"
	expect_kmsg "REQUESTOFFERS from the host" "hv_vmbus: dropped a malformed host message (type 3, 8 bytes): -71"
	expect_kmsg "UNLOAD from the host" "hv_vmbus: dropped a malformed host message (type 16, 8 bytes): -71"
	expect_kmsg "type 0" "hv_vmbus: dropped a malformed host message (type 0, 16 bytes): -71"
	expect_kmsg "type 25" "hv_vmbus: dropped a malformed host message (type 25, 16 bytes): -71"
	expect_kmsg "type 2^32-1" "hv_vmbus: dropped a malformed host message (type 4294967295, 16 bytes): -71"
	expect_kmsg "empty message" "hv_vmbus: dropped a malformed host message (type 0, 0 bytes): -90"
	expect_kmsg "3-byte message" "hv_vmbus: dropped a malformed host message (type 0, 3 bytes): -90"

	# SynIC payload_size beyond the 240 bytes a message slot holds
	sim_fault long
	sim_fault long 241 4
	expect_kmsg "255-byte claim" "hv_vmbus: dropped a host message of type 0x1 claiming 255 bytes"
	expect_kmsg "241-byte claim" "hv_vmbus: dropped a host message of type 0x1 claiming 241 bytes"
	usable "bad types and lengths"

	# Answers to requests nobody made
	kmsg_mark
	for t in 6 12 15 17 24; do
		sim_fault unsolicited "$t"
	done
	sim_fault gpadl-created-unknown
	sim_fault gpadl-created-unknown 2 0xe1e11
	for t in 6 12 15 17 24 10; do
		expect_kmsg "unsolicited type $t" "hv_vmbus: host answer of type $t matches no request; dropped"
	done
	[ "$(kmsg_new | grep -c 'host answer of type 10 matches no request')" -eq 2 ] ||
		vm_fail "not two lines for the two unknown GPADL_CREATED"
	usable "unsolicited answers"

	# Impossible offers: relid 0, 2048, 65535, a relid in use, monitor ids > 127
	kmsg_mark
	for n in 0 2048 65535; do
		sim_fault offer-relid "$n"
	done
	sim_fault offer-relid 1
	sim_fault offer-relid 2
	sim_fault offer-monitor 200
	sim_fault offer-monitor 128
	for n in 0 2048 65535; do
		expect_kmsg "offer of relid $n" "hv_vmbus: rejected an offer of class f00dcafe-0000-4000-8000-68766c697332: relid $n or monitor id 0 out of range"
	done
	expect_kmsg "duplicate relid 1" "hv_vmbus: rejected a second offer for relid 1 (class f00dcafe-0000-4000-8000-68766c697332)"
	expect_kmsg "duplicate relid 2" "hv_vmbus: rejected a second offer for relid 2 (class f00dcafe-0000-4000-8000-68766c697332)"
	expect_kmsg "monitor id 200" "or monitor id 200 out of range"
	expect_kmsg "monitor id 128" "or monitor id 128 out of range"
	sleep 0.5
	expect "devices on the bus after bad offers" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	expect "relid 1 still the echo device" "$(cat "$(vmbus_dev 1)/class_id")" "{f00dcafe-0000-4000-8000-68766c697331}"

	# Rescinds of relids the guest does not have
	for n in 5 1000 2047 2048 65535; do
		sim_fault rescind-unknown "$n"
	done
	for n in 5 1000 2047; do
		expect_kmsg "rescind of relid $n" "hv_vmbus: rejected a rescind of relid $n: no such channel"
	done
	for n in 2048 65535; do
		expect_kmsg "rescind of relid $n" "hv_vmbus: rejected a rescind of relid $n: out of range"
	done
	expect "devices on the bus after bad rescinds" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	usable "bad offers and rescinds"

	# Messages flagged "more pending": the host goes on only after an EOM
	before=$(sim_stat eoms)
	m0=$(sim_stat msgs_to_guest)
	sim_fault no-eom 50
	n=0
	while [ "$(sim_stat msgs_to_guest)" -lt $((m0 + 50)) ] && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	after=$(sim_stat eoms)
	expect "host: messages delivered with the pending flag" "$(($(sim_stat msgs_to_guest) - m0))" 50
	[ "$((after - before))" -ge 50 ] ||
		vm_fail "guest wrote $((after - before)) EOMs for 50 messages flagged pending"
	vm_log "EOMs: $before -> $after"
	expect "host: fault_no-eom" "$(sim_stat fault_no-eom)" 50
	usable "messages that need an EOM"

	# Interrupt storm with nothing to do
	e0=$(cat "$(vmbus_dev 1)/channels/1/interrupts")
	t=$(cut -d' ' -f1 /proc/uptime)
	sim_fault storm 100000
	vm_log "100000 empty interrupts took $(awk -v a="$t" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s"
	expect "host: fault_storm" "$(sim_stat fault_storm)" 100000
	[ "$(cat "$(vmbus_dev 1)/channels/1/interrupts")" -lt $((e0 + 1000)) ] ||
		vm_fail "empty interrupts were counted as channel events"
	usable "an interrupt storm"

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: connected after unload" "$(sim_stat connected)" 0

	# Windows Server 2008: one event flag, then the interrupt page
	sim_ctl version 0.13
	vmbus_load || vm_fail "0.13: insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "0.13: insmod hvlis_echo failed"
	expect "host: negotiated" "$(sim_stat version)" 0.13
	kmsg_mark
	sim_fault short 1 100
	sim_fault badtype 99
	expect_kmsg "0.13: short offer" "hv_vmbus: dropped a malformed host message (type 1, 100 bytes): -90"
	expect_kmsg "0.13: type 99" "hv_vmbus: dropped a malformed host message (type 99, 16 bytes): -71"
	e0=$(cat "$(vmbus_dev 1)/channels/1/interrupts")
	sim_fault storm 20000
	sim_fault storm 5000 1
	expect "0.13: events counted for 5000 flagged interrupts" \
		"$(($(cat "$(vmbus_dev 1)/channels/1/interrupts") - e0))" 5000
	usable "0.13: faults and storms"
	rmmod hvlis_echo || vm_fail "0.13: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "0.13: rmmod hv_vmbus failed"

	expect "host: connected after unload" "$(sim_stat connected)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: fault_short" "$(sim_stat fault_short)" 12
	expect "host: fault_badtype" "$(sim_stat fault_badtype)" 8
	expect "host: fault_long" "$(sim_stat fault_long)" 2
	expect "host: fault_unsolicited" "$(sim_stat fault_unsolicited)" 5
	expect "host: fault_offer-relid" "$(sim_stat fault_offer-relid)" 5
	expect "host: fault_rescind-unknown" "$(sim_stat fault_rescind-unknown)" 5
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
