# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-rescind-hotadd: the host answers the OPENCHANNEL of a hot-added
# device with a rescind instead of OPENCHANNEL_RESULT. Here the driver's
# probe, and so the open, runs in hv_vmbus's ordered offers workqueue (the
# device was hot-added while hvlis_echo was loaded). As documented ("a
# rescind fails the requests of its channel with -ENODEV"), the open must
# fail at once with -ENODEV, the guest must not send a GPADL_TEARDOWN for
# the rescinded channel (the host has dropped its GPADLs and need not
# answer), the device must go and its relid be released; the other device
# and a device added again afterwards must work.

# shellcheck disable=SC2034
VM_TIMEOUT=120

guest() {
	local t n secs

	sim_start
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 50 16 2000 1

	kmsg_mark
	sim_fault rescind-during-open 2
	t=$(cut -d' ' -f1 /proc/uptime)
	sim_ctl add echo	# relid 2: offered now, probed in the offers workqueue
	n=0
	while [ "$n" -lt 150 ]; do
		[ "$(sim_stat relids_released)" = 1 ] && break
		sleep 0.1
		n=$((n + 1))
	done
	secs=$(awk -v a="$t" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
	vm_log "the rescind was handled and relid 2 released after $secs s"
	expect "host: fault_rescind-during-open" "$(sim_stat fault_rescind-during-open)" 1
	expect "host: relids released" "$(sim_stat relids_released)" 1
	awk -v s="$secs" 'BEGIN { exit !(s < 5) }' ||
		vm_fail "the rescind took $secs s to fail the open of relid 2 (it waited for the offers workqueue)"
	if kmsg_new | grep -q "the host did not answer (expected message type 6)"; then
		vm_fail "the open of the rescinded relid 2 timed out instead of failing with -ENODEV"
	fi
	kmsg_new | grep -F "probe of" | vm_detail "probe result"
	expect "host: GPADL teardowns after a rescind" "$(sim_stat teardowns_after_rescind)" 0
	vmbus_dev 2 > /dev/null && vm_fail "the rescinded device is still on the bus"
	kmsg_new | vm_detail "kernel log since the fault"

	echo_run "other device" 50 16 2000 1
	sim_ctl add echo
	sleep 1
	echo_run "device added again" 50 16 2000 2

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
