# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-cpu: moving a channel to another CPU (MODIFYCHANNEL) through its
# writable channels/<relid>/cpu file. On a 5.3 host the move waits for
# MODIFYCHANNEL_RESPONSE; the host then raises the channel's interrupts on
# the new VP, and the guest sees them there (interrupts grows, none on
# another CPU than the channel's). A refused move changes nothing; a 4.1
# host moves without answering; a 4.0 host has no MODIFYCHANNEL and the
# write is refused before anything is sent.
#
# Then the suspend and resume hooks: the VM cannot hibernate under TCG, so
# the test build's test_pm_cycle file runs a device's freeze and thaw (the
# bus's dev_pm_ops) in place. hvlis_echo closes its channels (primary and
# sub-channel) and opens them again; the host sees the closes and opens,
# and echoes still come back.

# shellcheck disable=SC2034
VM_TIMEOUT=180

chan() { echo "$(vmbus_dev 1)/channels/1/$1"; }
cval() { cat "$(chan "$1")"; }

# one VERSION: load, check the channel on CPU 0, move it to CPU 1, traffic
moved() {
	local v=$1 i0 o0 m0
	sim_ctl version "$v"
	vmbus_load || { vm_fail "$v: insmod hv_vmbus failed"; return; }
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "$v: insmod hvlis_echo failed"
	expect "$v: cpu at first" "$(cval cpu)" 0
	expect "$v: host's vp at first" "$(sim_dev 1 vp)" 0
	m0=$(sim_dev 1 moves)
	echo_run "$v: on CPU 0" 100 16 2000 1
	echo 1 > "$(chan cpu)" || vm_fail "$v: writing 1 to cpu failed"
	expect "$v: cpu after the move" "$(cval cpu)" 1
	expect "$v: moves" "$(cval moves)" 1
	expect "$v: host's vp after the move" "$(sim_dev 1 vp)" 1
	expect "$v: host's moves" "$(sim_dev 1 moves)" $((m0 + 1))
	# the same CPU again: nothing to do, nothing sent
	echo 1 > "$(chan cpu)" || vm_fail "$v: writing 1 again failed"
	expect "$v: host's moves after a no-op" "$(sim_dev 1 moves)" $((m0 + 1))
	i0=$(cval interrupts)
	o0=$(cval interrupts_other_cpu)
	echo_run "$v: on CPU 1" 200 16 2000 1
	[ "$(cval interrupts)" -gt "$i0" ] || vm_fail "$v: no interrupt after the move"
	expect "$v: interrupts on another CPU after the move" "$(cval interrupts_other_cpu)" "$o0"
	rmmod hvlis_echo || vm_fail "$v: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "$v: rmmod hv_vmbus failed"
}

# freeze and thaw of one device, in place (hv_vmbus's test_pm_cycle)
pm_cycle() {
	local c0 o0 d
	sim_ctl version 5.3
	vmbus_load || { vm_fail "pm: insmod hv_vmbus failed"; return; }
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "pm: insmod hvlis_echo failed"
	sim_ctl sub 1 1
	sleep 1
	echo_run "pm: before" 100 16 2000 2
	c0=$(sim_stat closes)
	o0=$(sim_stat opens)
	kmsg_mark
	echo 1 > "$(vmbus_dev 1)/test_pm_cycle" || vm_fail "pm: the freeze/thaw cycle failed"
	expect_kmsg "pm: suspend hook" "suspended: 2 channels closed"
	expect_kmsg "pm: resume hook" "resumed: 2 channels opened again"
	expect "pm: host closes" "$(sim_stat closes)" $((c0 + 2))
	expect "pm: host opens" "$(sim_stat opens)" $((o0 + 2))
	expect "pm: host channels open" "$(sim_stat channels_open)" 2
	echo_run "pm: after the cycle" 200 16 2000 2
	# a device without a driver has nothing to suspend (a driver without
	# the hooks refuses: vmbus-sysfs, hvlis_echo_alt)
	echo_unbind 1
	d=$(vmbus_dev 1)
	echo 1 > "$d/test_pm_cycle" || vm_fail "pm: a cycle of an unbound device failed"
	echo 2 > "$d/test_pm_cycle" 2> /dev/null && vm_fail "pm: test_pm_cycle took 2"
	rmmod hvlis_echo || vm_fail "pm: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "pm: rmmod hv_vmbus failed"
}

guest() {
	local before
	sim_start
	sim_ctl add echo
	moved 5.3
	expect "host: modifies" "$(sim_stat modifies)" 1

	# a refused move (5.3): the write fails, the channel stays where it was
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	sim_fault modify-fail 1
	echo 1 > "$(chan cpu)" 2> /dev/null && vm_fail "a refused move succeeded"
	expect "cpu after a refused move" "$(cval cpu)" 0
	expect "host's vp after a refused move" "$(sim_dev 1 vp)" 0
	expect "host: refused" "$(sim_stat modifies_refused)" 1
	# no such CPU, not a number
	echo 7 > "$(chan cpu)" 2> /dev/null && vm_fail "a move to CPU 7 succeeded"
	echo x > "$(chan cpu)" 2> /dev/null && vm_fail "a move to CPU x succeeded"
	echo_run "after the refused move" 100 16 2000 1
	expect "interrupts on another CPU" "$(cval interrupts_other_cpu)" 0
	# a closed channel cannot move
	echo_unbind 1
	echo 1 > "$(chan cpu)" 2> /dev/null && vm_fail "a closed channel moved"
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"

	# 4.1: MODIFYCHANNEL without an answer
	moved 4.1

	# 4.0: no MODIFYCHANNEL; refused in the guest
	sim_ctl version 4.0
	vmbus_load || vm_fail "4.0: insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "4.0: insmod hvlis_echo failed"
	before=$(sim_stat modifies)
	echo 1 > "$(chan cpu)" 2> /dev/null && vm_fail "4.0: a move succeeded"
	expect "4.0: cpu" "$(cval cpu)" 0
	expect "4.0: host's modifies" "$(sim_stat modifies)" "$before"
	echo_run "4.0" 100 16 2000 1
	rmmod hvlis_echo || vm_fail "4.0: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "4.0: rmmod hv_vmbus failed"

	expect "host: modifies" "$(sim_stat modifies)" 2
	pm_cycle
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	expect "host: gpadls live" "$(sim_stat gpadls_live)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
