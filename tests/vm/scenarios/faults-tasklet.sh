# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-tasklet: a channel's tasklet scheduled after its close killed it
# must not run on the freed channel (issue 16 item 2). The race, arranged:
#  - the host raises one interrupt for an open echo channel on CPU 1 (not
#    the message CPU, not waited for: fault irq-other); a test build's
#    hv_vmbus.test_event_delay_relid/_ms holds that handler 1 s after it
#    read the channel's callback, before it schedules the tasklet;
#  - the host rescinded the channel just before, its removal held on the
#    offers workqueue (test_stall_offers) until now; on CPU 0 the guest closes
#    it (callback cleared, tasklet killed) and unmaps the relid, whose
#    grace period waits for the held handler;
#  - the handler then schedules the tasklet; with threadirqs the interrupt's
#    exit leaves it to ksoftirqd/1, which cpuhog (SCHED_FIFO 99, RT
#    throttling off) keeps off CPU 1 for 3 s; CPU 1 is in user mode and
#    nohz_full, so the grace period ends and the channel is freed (slab
#    poisoning on) while the tasklet is still queued;
#  - when cpuhog ends, ksoftirqd/1 runs the tasklet. Without the second
#    tasklet_kill after the grace period that is a use after free (seen: an
#    oops); with it, the removal waits until the tasklet has run.

# shellcheck disable=SC2034
VM_TIMEOUT=120
# shellcheck disable=SC2034
VM_APPEND="threadirqs nohz_full=1 slub_debug=P"
# shellcheck disable=SC2034
VM_GUEST_TOOLS="cpuhog"

P=/sys/module/hv_vmbus/parameters

guest() {
	local i relid me

	sim_start
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 30 16 2000 1
	[ -w "$P/test_event_delay_relid" ] || vm_fail "hv_vmbus is not a test build"
	# this shell and its children on CPU 0, the message CPU
	# (not $$: guest() may run in a subshell; read is a builtin)
	read -r me _ < /proc/self/stat
	taskset -p 1 "$me" > /dev/null || vm_fail "taskset of the shell failed"
	echo -1 > /proc/sys/kernel/sched_rt_runtime_us || vm_fail "RT throttling stays on"

	for i in 1 2; do
		relid=$(sim_add_relid echo)
		[ -n "$relid" ] || { vm_fail "round $i: no new device"; break; }
		sleep 0.3
		kmsg_mark
		# the rescind's removal waits on the offers workqueue ...
		echo 1 > "$P/test_stall_offers"
		sim_ctl rescind "$relid"
		sleep 0.3
		echo 3000 > "$P/test_event_delay_ms"
		echo "$relid" > "$P/test_event_delay_relid"
		# cpuhog moves to CPU 1 once the handler took the relid (reads 0)
		cpuhog 1 5000 "$P/test_event_delay_relid" > /tmp/cpuhog.out 2>&1 &
		sleep 0.3
		# no fork from here: it could wait for CPU 1 (a TLB flush)
		sim_fault irq-other "$relid"
		# ... the removal runs on CPU 0 while CPU 1 holds the interrupt
		echo 0 > "$P/test_stall_offers"
		wait $! || vm_fail "round $i: $(cat /tmp/cpuhog.out)"
		vm_log "round $i: $(cat /tmp/cpuhog.out)"
		expect "round $i: the held interrupt ran" "$(cat "$P/test_event_delay_relid")" 0
		expect_kmsg "round $i: the close ran inside the held interrupt" \
			"hv_vmbus: test: relid $relid: interrupt held; callback cleared meanwhile" 10
		expect_kmsg "round $i: the rescind" "hv_vmbus: device relid $relid rescinded by the host" 10
		sleep 1
		vmbus_dev "$relid" > /dev/null && vm_fail "round $i: relid $relid still on the bus"
	done
	expect "host: irq-other interrupts" "$(sim_stat fault_irq-other)" 2
	echo_run "after" 30 16 2000 1

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: channels open" "$(sim_stat channels_open)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
