# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-early-packet: the host opens a channel, writes a packet into its
# inbound ring and signals it, and only then (20 ms later) sends
# OPENCHANNEL_RESULT. A real host may do this: events are delivered at
# once, while a message can wait behind a busy message slot. The guest has
# set up the rings and the callback before it sent OPENCHANNEL, so it must
# take that packet, and the channel must then echo as any other.

# shellcheck disable=SC2034
VM_TIMEOUT=90

guest() {
	local d n

	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 50 16 2000 2

	echo_unbind 1
	kmsg_mark
	sim_fault early-packet 1
	echo_bind 1 || vm_fail "bind of relid 1 failed"
	expect "host: fault_early-packet" "$(sim_stat fault_early-packet)" 1
	d=$(vmbus_dev 1)
	n=0
	while [ "$(cat "$d/in_read_bytes_avail")" != 0 ] && [ "$n" -lt 20 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	expect "bytes left in relid 1's inbound ring" "$(cat "$d/in_read_bytes_avail")" 0
	kmsg_new | vm_detail "kernel log since the fault"
	echo_run "after the early packet" 50 16 2000 2

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
