# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-reload: load and unload hv_vmbus 50 times with devices present and a
# driver bound, traffic on every tenth round. Afterwards the host holds no
# open channel or GPADL, the bus is gone, and the kernel's slab, vmalloc and
# per-CPU memory have not grown beyond noise.

# shellcheck disable=SC2034
VM_TIMEOUT=300

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

guest() {
	local i slab0 vm0 pcpu0 slab1 vm1 pcpu1

	sim_start
	sim_ctl add echo
	sim_ctl add net
	sim_ctl add idle
	for i in $(seq 1 50); do
		vmbus_load || { vm_fail "round $i: insmod hv_vmbus failed"; break; }
		insmod /lib/hvlis/hvlis_echo.ko || vm_fail "round $i: insmod hvlis_echo failed"
		[ "$(ls /sys/bus/vmbus/devices | wc -l)" = 3 ] || vm_fail "round $i: not 3 devices"
		[ $((i % 10)) -ne 0 ] || echo_run "round $i" 100 16 3000 1
		rmmod hvlis_echo || vm_fail "round $i: rmmod hvlis_echo failed"
		vmbus_unload || { vm_fail "round $i: rmmod hv_vmbus failed"; break; }
		[ ! -d /sys/bus/vmbus ] || vm_fail "round $i: /sys/bus/vmbus left behind"
		[ "$(sim_stat channels_open)" = 0 ] || vm_fail "round $i: host still has open channels"
		[ "$(sim_stat gpadls_live)" = 0 ] || vm_fail "round $i: host still has GPADLs"
		if [ "$i" = 5 ]; then
			# after warm-up: caches and lazily allocated kernel state exist
			sync
			echo 3 > /proc/sys/vm/drop_caches
			slab0=$(meminfo Slab) vm0=$(meminfo VmallocUsed) pcpu0=$(meminfo Percpu)
		fi
	done
	sync
	echo 3 > /proc/sys/vm/drop_caches
	slab1=$(meminfo Slab) vm1=$(meminfo VmallocUsed) pcpu1=$(meminfo Percpu)
	vm_log "after round 5: Slab ${slab0} kB, VmallocUsed ${vm0} kB, Percpu ${pcpu0} kB"
	vm_log "after round 50: Slab ${slab1} kB, VmallocUsed ${vm1} kB, Percpu ${pcpu1} kB"
	# 45 leaked rounds of our smallest allocations would exceed these
	[ $((slab1 - slab0)) -lt 400 ] || vm_fail "Slab grew by $((slab1 - slab0)) kB over 45 rounds"
	[ $((vm1 - vm0)) -lt 200 ] || vm_fail "VmallocUsed grew by $((vm1 - vm0)) kB over 45 rounds"
	[ $((pcpu1 - pcpu0)) -lt 64 ] || vm_fail "Percpu grew by $((pcpu1 - pcpu0)) kB over 45 rounds"
	expect "host: unloads" "$(sim_stat unloads)" 50
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
