# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-dup-offer: the host offers a second primary channel (new relid
# 1000) with the class and instance GUIDs of a device the guest already
# has. The guest must reject the offer with a log line naming the relid,
# without any kernel stack dump, keep the original device working, and
# unload cleanly.

# shellcheck disable=SC2034
VM_TIMEOUT=90

guest() {
	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 50 16 2000 2

	kmsg_mark
	sim_fault offer-dup 1
	expect_kmsg "duplicate offer" "relid 1000"
	sleep 0.5
	if kmsg_new | grep -qE "cannot create duplicate filename|Call Trace"; then
		vm_fail "a second offer of an existing instance made the kernel dump a stack"
		kmsg_new | vm_detail "kernel log since the offer"
	fi
	expect "devices on the bus" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	expect "relid 1 still the echo device" "$(cat "$(vmbus_dev 1)/id")" 1
	echo_run "after the duplicate offer" 50 16 2000 2

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
