# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# faults-teardown: a hostile host races the guest's channel teardown and
# open (issue 16, items 2, 7, 8, 9):
#  - close race: a driver closes a channel while another close of it is
#    still under way (held up by a GPADL_TEARDOWN the host never answers);
#    the second close must return only once the channel is closed (the
#    channel then opens again at once), else a driver racing a sub-channel
#    rescind frees what a callback still uses;
#  - rescind-after-gpadl: the host answers the ring GPADL of an open and
#    rescinds the channel in the very EOM by which the guest takes that
#    answer, then ignores the channel's OPENCHANNEL, as a host may for a
#    rescinded channel; the open must not send OPENCHANNEL for a channel it
#    knows rescinded (hvsim counts requests_after_rescind): in a probe on
#    the offers workqueue, where the rescind's work waits behind it, that
#    request would wait out its 10 s timeout and stall every offer and
#    rescind behind it;
#  - gpadl-late: the host creates the ring GPADL but answers only after the
#    guest gave up; the guest must leak the ring, not free pages the host
#    now holds (the host counts the GPADL's pages found free);
#  - storm-through while a device with an open channel is rescinded: its
#    event flag raised over and over while the channel goes away (a
#    tasklet scheduled after the last kill would run on a freed channel).

# shellcheck disable=SC2034
VM_TIMEOUT=200

uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%d", b - a }'; }

guest() {
	local t r i relid

	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	echo_run "before" 30 16 2000 2

	# Two closes of one channel, the first held up in its GPADL teardown
	kmsg_mark
	sim_fault teardown-hang 1
	echo race > /sys/kernel/debug/hvlis_echo/close || vm_fail "close race: command failed"
	r=$(cat /sys/kernel/debug/hvlis_echo/close)
	vm_log "close race: $r"
	case " $r " in
	*" result pass "*) vm_log "ok: close race: the second close waited for the first" ;;
	*)
		vm_fail "close race: the second close returned while the first was still closing"
		echo_unbind 1
		echo_bind 1 || vm_fail "bind after the close race failed"
		;;
	esac
	expect_kmsg "close race" "hv_vmbus: relid 1: ring GPADL not released; leaking its pages" 15
	echo_run "after the close race (the channel opened again)" 30 16 2000 2

	# Rescind right after the open's GPADL, before OPENCHANNEL is armed. The
	# bind runs on CPU 1, which the host keeps busy from its GPADL answer
	# until the guest has taken the rescind on CPU 0: the opener wakes only
	# after the guest marked the channel rescinded.
	echo_unbind 1
	kmsg_mark
	sim_fault rescind-after-gpadl 1
	t=$(uptime_s)
	if taskset 2 sh -c "echo $(basename "$(vmbus_dev 1)") > /sys/bus/vmbus/drivers/hvlis_echo/bind" 2> /dev/null; then
		vm_fail "rescind after GPADL: bind of relid 1 succeeded"
	fi
	vm_log "rescind after GPADL: the bind took $(elapsed "$t") s"
	expect_kmsg "rescind after GPADL" "hv_vmbus: device relid 1 rescinded by the host"
	expect "host: fault_rescind-after-gpadl" "$(sim_stat fault_rescind-after-gpadl)" 1
	expect "host: requests for the channel after the guest saw its rescind" \
		"$(sim_stat requests_after_rescind)" 0
	if kmsg_new | grep -q "relid 1: the host did not answer (expected message type 6)"; then
		vm_fail "rescind after GPADL: the open waited out its timeout although the channel was rescinded"
	fi
	sleep 0.5
	vmbus_dev 1 > /dev/null && vm_fail "the rescinded device is still on the bus"
	expect "host: relids released" "$(sim_stat relids_released)" 1
	echo_run "other device after the rescind" 30 16 2000 1
	sim_ctl add echo
	sleep 1
	vmbus_dev 1 > /dev/null || vm_fail "the device added again is not on the bus"
	echo_run "device added again" 30 16 2000 2

	# GPADL_CREATED after the guest gave up: the ring must stay allocated
	echo_unbind 1
	kmsg_mark
	sim_fault gpadl-late 1
	echo_bind 1 && vm_fail "late GPADL: bind of relid 1 succeeded"
	expect_kmsg "late GPADL" "hv_vmbus: relid 1: the host did not answer (expected message type 10) within 10000 ms"
	expect_kmsg "late GPADL: the answer came" "hv_vmbus: host answer of type 10 matches no request; dropped" 5
	expect "host: guest pages freed under a live GPADL" "$(sim_stat gpadl_pages_freed)" 0
	expect_kmsg "late GPADL" "hv_vmbus: relid 1: ring GPADL not released; leaking its pages"
	echo_bind 1 || vm_fail "bind after a late GPADL answer failed"
	echo_run "after a late GPADL answer" 30 16 2000 2

	# Rescinds of open channels under an interrupt storm on their relid
	for i in 1 2 3; do
		relid=$(sim_add_relid echo)
		[ -n "$relid" ] || { vm_fail "storm round $i: no new device"; break; }
		sleep 0.5
		sim_fault storm-through 30000 "$relid" &
		sleep 0.3
		sim_ctl rescind "$relid"
		wait
		sleep 0.5
		vmbus_dev "$relid" > /dev/null && vm_fail "storm round $i: relid $relid still on the bus"
	done
	[ "$(sim_stat fault_storm-through)" -gt 0 ] || vm_fail "no storm-through interrupt was raised"
	vm_log "storm-through interrupts: $(sim_stat fault_storm-through)"
	echo_run "after the storms" 30 16 2000 2

	expect "host: faults still armed" "$(sim_stat faults_armed)" 0
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: connected after unload" "$(sim_stat connected)" 0
	expect "host: channels open" "$(sim_stat channels_open)" 0
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: bad messages from the guest" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
