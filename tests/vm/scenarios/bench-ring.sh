# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# bench-ring: throughput of one channel ring (guest -> simulated host ->
# guest) for 64 B, 1 KiB and 16 KiB packets, beside memcpy bandwidth
# measured in the same VM in the same run. A benchmark, not a timed test:
# it fails only if the measurement itself fails. The host side copies the
# result lines to tests/build/vm/bench-ring.txt.

# shellcheck disable=SC2034
VM_TIMEOUT=180

guest() {
	local size r

	sim_start
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	for size in 64 1024 16384; do
		if echo "$size 3000" > /sys/kernel/debug/hvlis_echo/bench; then
			r=$(cat /sys/kernel/debug/hvlis_echo/bench)
			echo "HVLIS-BENCH: $r"
			case "$r" in
			*" error 0") ;;
			*) vm_fail "benchmark of $size B failed: $r" ;;
			esac
		else
			vm_fail "benchmark of $size B could not run"
		fi
	done
	rmmod hvlis_echo
	vmbus_unload
}

check_log() {
	local out="$VM_OUT/bench-ring.txt"
	{
		echo "# hvlis ring benchmark, $(date -u +%Y-%m-%dT%H:%MZ), QEMU TCG -smp 2, $(nproc) host cores"
		sed -n 's/^HVLIS-BENCH: //p' "$1"
	} > "$out"
	[ "$(grep -c '^bench ' "$out")" = 3 ] || { echo "expected 3 benchmark lines in $out"; return 1; }
}
