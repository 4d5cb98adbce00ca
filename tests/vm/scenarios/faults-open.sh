# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-open: a broken or hostile host refuses, ignores or answers with a
# rescind the requests of a channel open and close: OPENCHANNEL answered
# with an error status, a GPADL refused, OPENCHANNEL never answered (the
# guest times out after 10 s), a GPADL_TEARDOWN never answered (the guest
# times out and leaks the ring rather than reuse pages the host may still
# hold), and OPENCHANNEL answered by a rescind of the channel. Each time the
# driver's open (here: binding hvlis_echo to relid 1) fails with the right
# error and a clear log line, the host is left with no stray GPADL, the
# other echo device (relid 2) keeps working, and a second bind succeeds.

# shellcheck disable=SC2034
VM_TIMEOUT=150

# bind_fails WHAT: binding relid 1 must fail now, and work the next time
bind_fails() {
	if echo_bind 1; then
		vm_fail "$1: bind of relid 1 succeeded"
	else
		vm_log "ok: $1: bind of relid 1 failed"
	fi
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%d", b - a }'; }

guest() {
	local t s

	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 50 16 2000 2

	# OPENCHANNEL refused
	for s in 0xc0000001 0xc000009a; do
		echo_unbind 1
		kmsg_mark
		sim_fault open-fail 1 "$s"
		bind_fails "open refused with $s"
		expect_kmsg "open refused with $s" "hv_vmbus: relid 1: the host refused to open the channel (status $s)"
		expect "host: live GPADLs after the refused open" "$(sim_stat gpadls_live)" 1
		echo_run "other device after a refused open" 30 16 2000 1
		echo_bind 1 || vm_fail "second bind after a refused open failed"
		echo_run "after a refused open" 30 16 2000 2
	done

	# GPADL refused
	echo_unbind 1
	kmsg_mark
	sim_fault gpadl-fail 1
	bind_fails "GPADL refused"
	expect_kmsg "GPADL refused" "the host refused GPADL"
	expect "host: live GPADLs after the refused GPADL" "$(sim_stat gpadls_live)" 1
	echo_bind 1 || vm_fail "second bind after a refused GPADL failed"
	echo_run "after a refused GPADL" 30 16 2000 2

	# OPENCHANNEL never answered: a 10 s timeout, then the GPADL goes back
	echo_unbind 1
	kmsg_mark
	sim_fault open-hang 1
	t=$(uptime_s)
	bind_fails "open not answered"
	vm_log "the bind took $(elapsed "$t") s"
	[ "$(elapsed "$t")" -ge 9 ] || vm_fail "the guest gave up an unanswered open before 10 s"
	expect_kmsg "open not answered" "hv_vmbus: relid 1: the host did not answer (expected message type 6) within 10000 ms"
	expect "host: live GPADLs after the unanswered open" "$(sim_stat gpadls_live)" 1
	expect "host: channels open after the unanswered open" "$(sim_stat channels_open)" 1
	echo_run "other device after an unanswered open" 30 16 2000 1
	echo_bind 1 || vm_fail "second bind after an unanswered open failed"
	echo_run "after an unanswered open" 30 16 2000 2

	# GPADL_TEARDOWN never answered: the close times out, the ring leaks
	kmsg_mark
	sim_fault teardown-hang 1
	t=$(uptime_s)
	echo_unbind 1
	vm_log "the unbind took $(elapsed "$t") s"
	expect_kmsg "teardown not answered" "hv_vmbus: relid 1: the host did not answer (expected message type 12) within 10000 ms"
	expect_kmsg "teardown not answered" "hv_vmbus: relid 1: ring GPADL not released; leaking its pages"
	expect "host: live GPADLs (one left to the host)" "$(sim_stat gpadls_live)" 2
	echo_bind 1 || vm_fail "bind after an unanswered teardown failed"
	echo_run "after an unanswered teardown" 30 16 2000 2

	# OPENCHANNEL answered by a rescind (the open runs in the bind write)
	echo_unbind 1
	kmsg_mark
	sim_fault rescind-during-open 1
	t=$(uptime_s)
	bind_fails "rescind during open"
	[ "$(elapsed "$t")" -lt 5 ] || vm_fail "the open of a rescinded channel took $(elapsed "$t") s"
	expect_kmsg "rescind during open" "hv_vmbus: device relid 1 rescinded by the host"
	sleep 0.5
	vmbus_dev 1 > /dev/null && vm_fail "the rescinded device is still on the bus"
	expect "host: relids released" "$(sim_stat relids_released)" 1
	expect "host: GPADL teardowns after a rescind" "$(sim_stat teardowns_after_rescind)" 0
	echo_run "other device after a rescind during open" 30 16 2000 1
	sim_ctl add echo
	sleep 1
	vmbus_dev 1 > /dev/null || vm_fail "the device added again after the rescind is not on the bus"
	echo_run "device added again" 30 16 2000 2

	expect "host: fault_open-fail" "$(sim_stat fault_open-fail)" 2
	expect "host: fault_gpadl-fail" "$(sim_stat fault_gpadl-fail)" 1
	expect "host: fault_open-hang" "$(sim_stat fault_open-hang)" 1
	expect "host: fault_teardown-hang" "$(sim_stat fault_teardown-hang)" 1
	expect "host: fault_rescind-during-open" "$(sim_stat fault_rescind-during-open)" 1
	expect "host: faults still armed" "$(sim_stat faults_armed)" 0
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: connected after unload" "$(sim_stat connected)" 0
	expect "host: channels open" "$(sim_stat channels_open)" 0
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
