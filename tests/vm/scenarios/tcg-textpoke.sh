# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# tcg-textpoke: the emulator runs a guest kernel that patches its own code.
# Not a test of hvlis (nothing of ours is loaded): of the harness every
# other scenario stands on.  The kernel flips a static key (schedstats: an
# int3 written over each site, the code changed, the int3 removed, with
# IPIs to the other CPU between the steps) 2 x TEXTPOKE_FLIPS times while
# both CPUs keep scheduling through the patched sites.  QEMU 7.2's
# multi-threaded TCG (HVLIS_VM_TCG_THREAD=multi) lets the other vCPU run
# stale code: an "int3" oops, a double fault or a soft lockup within a few
# hundred flips on 5.10, 6.1 and 6.12, which is how vmsmoke's faults-msgs
# died on 6.12 in CI with none of our code on the stack.  The harness runs
# TCG single-threaded (tests/vm/lib.sh, vm_accel_args), and this scenario
# fails if that ever stops being true.

# shellcheck disable=SC2034
VM_TIMEOUT=120

TEXTPOKE_FLIPS=300

guest() {
	local i=0 a b

	[ -w /proc/sys/kernel/sched_schedstats ] ||
		vm_fail "this kernel has no /proc/sys/kernel/sched_schedstats (CONFIG_SCHEDSTATS)"
	# two tasks that sleep and wake all the time: the scheduler's
	# schedstats sites run on both CPUs while they are patched
	(while :; do sleep 0.001; done) &
	a=$!
	(while :; do sleep 0.001; done) &
	b=$!
	while [ $i -lt $TEXTPOKE_FLIPS ]; do
		echo 1 > /proc/sys/kernel/sched_schedstats
		echo 0 > /proc/sys/kernel/sched_schedstats
		i=$((i + 1))
	done
	kill $a $b
	expect "static key flips done" "$i" "$TEXTPOKE_FLIPS"
	expect "schedstats off again" "$(cat /proc/sys/kernel/sched_schedstats)" 0
}
