# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-unload: the host and the guest's UNLOAD paths (issue 16, items 3
# and 5):
#  - the kexec/crash handler (what the arch hooks call on Hyper-V; here
#    hvsim's "crash" command runs it on the message CPU with interrupts
#    off) while the host has a message queued ahead of UNLOAD_RESPONSE,
#    which Hyper-V delivers only after the guest's EOM: the polling UNLOAD
#    must get its response (host: unload_responses) and say nothing of a
#    missing one; afterwards hv_vmbus unloads and a new hv_vmbus connects
#    to a host with no channel or GPADL left;
#  - a Windows Server 2008 host (interrupt page signalling) that keeps
#    raising the VMBus interrupt with its "look at the interrupt page" flag
#    through the whole unload, six times, with freed pages poisoned
#    (page_poison=1): the guest must not scan the interrupt page after it
#    freed it. hv_vmbus is a test build loaded with test_unload_delay_ms=200:
#    unload keeps the freed pages in its pointers for 200 ms, so an
#    interrupt scan in that window (before the fix: the SynIC was still on)
#    clears bits in a freed page, and the allocator reports the broken
#    poison ("pagealloc: memory corruption") when the page is used again;
#    memory is churned on both CPUs afterwards so that it is.

# shellcheck disable=SC2034
VM_TIMEOUT=180
# shellcheck disable=SC2034
VM_APPEND="page_poison=1"

guest() {
	local i

	sim_start
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 30 16 2000 1

	# The crash path's UNLOAD with a message queued ahead of the response
	kmsg_mark
	sim_fault unload-behind
	sim_ctl crash
	expect "host: fault_unload-behind" "$(sim_stat fault_unload-behind)" 1
	expect "host: unloads" "$(sim_stat unloads)" 1
	expect "host: UNLOAD_RESPONSEs delivered" "$(sim_stat unload_responses)" 1
	expect "host: connected after the crash UNLOAD" "$(sim_stat connected)" 0
	if kmsg_new | grep -q "no UNLOAD_RESPONSE"; then
		vm_fail "crash UNLOAD: the guest got no UNLOAD_RESPONSE"
	fi
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus after the crash UNLOAD failed"
	expect "host: channels open after the crash UNLOAD" "$(sim_stat channels_open)" 0
	expect "host: live GPADLs after the crash UNLOAD" "$(sim_stat gpadls_live)" 0
	vmbus_load || vm_fail "insmod hv_vmbus after the crash UNLOAD failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "after the crash UNLOAD" 30 16 2000 1
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: UNLOAD_RESPONSEs delivered" "$(sim_stat unload_responses)" 2

	# A 2008 host signals through the whole unload
	sim_ctl version 0.13
	kmsg_mark
	for i in 1 2 3 4 5 6; do
		vmbus_load test_unload_delay_ms=200 ||
			{ vm_fail "round $i: insmod hv_vmbus test_unload_delay_ms=200 failed (not a HVLIS_TEST_HOOKS=1 build?)"; break; }
		sim_fault storm-through 1000000 &
		sleep 0.3
		vmbus_unload || vm_fail "round $i: rmmod hv_vmbus failed"
		wait
	done
	vm_log "storm-through interrupts: $(sim_stat fault_storm-through)"
	if kmsg_new | grep -q "no UNLOAD_RESPONSE"; then
		vm_fail "2008 host storm: an UNLOAD got no answer"
	fi
	[ "$(sim_stat fault_storm-through)" -gt 0 ] || vm_fail "no storm-through interrupt was raised"
	# the pages freed meanwhile are allocated (and their poison checked) again
	for i in 1 2; do
		taskset "$i" dd if=/dev/zero of=/tmp/churn bs=1M count=48 2> /dev/null
		rm -f /tmp/churn
	done
	if kmsg_new | grep -q "pagealloc: "; then
		vm_fail "2008 host storm: a freed page was written (its poison is broken)"
	fi
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "after the storms" 30 16 2000 1
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: faults still armed" "$(sim_stat faults_armed)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}

# the allocator may find a broken poison after the guest's own checks
check_log() {
	if grep -q "pagealloc: " "$1"; then
		echo "a freed page was written ($(grep -m1 -o 'pagealloc: .*' "$1"))"
		return 1
	fi
}
