# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-sysfs: the per-device attributes that upstream's vmbus bus has and
# tools read (vendor, device, numa_node, the monitor files of monitored
# channels), the per-channel files of channels/<relid>/ (each a number,
# the counters moving with traffic as upstream's do), and driver_override, which the bus's match honours: a device
# named for another driver is left alone by hvlis_echo, and binds again
# once the override is cleared; a device named for hvlis_echo_alt (a second
# driver of the same class) is handed to it, as driverctl and DPDK do, and
# echoes through it.

# shellcheck disable=SC2034
VM_TIMEOUT=120

attr() { cat "$(vmbus_dev "$1")/$2" 2>&1; }

guest() {
	local d e1 e3 s c1 c3 f r ev0 oe0 in0 ft0 ff0 if0 ev oe ft ff inf

	sim_start
	sim_ctl add echo monitor=37
	sim_ctl add scsi
	sim_ctl add echo
	sim_ctl add kvp
	sim_ctl add net
	sim_ctl add 44c4f61d-4444-4400-9d52-802e27ede19f
	sim_ctl add 01234567-89ab-4def-8000-0123456789ab
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	sleep 1

	# vendor: Microsoft's PCI id on every device; device: the class's number
	for d in /sys/bus/vmbus/devices/*; do
		expect "$(basename "$d") vendor" "$(cat "$d/vendor")" 0x1414
	done
	expect "scsi device" "$(attr 2 device)" 0x1
	expect "kvp device" "$(attr 4 device)" 0x9
	expect "net device" "$(attr 5 device)" 0x3
	expect "pci device" "$(attr 6 device)" 0x5
	expect "unknown class device" "$(attr 7 device)" 0x10
	expect "echo (test class) device" "$(attr 1 device)" 0x10
	expect "numa_node" "$(attr 1 numa_node)" 0

	# monitor files: only for the monitored channel, with what the host
	# wrote for monitor id 37 (group 1, bit 5)
	for f in server_monitor_pending client_monitor_pending \
		server_monitor_latency client_monitor_latency \
		server_monitor_conn_id client_monitor_conn_id; do
		[ -e "$(vmbus_dev 1)/$f" ] || vm_fail "monitored device lacks $f"
		[ -e "$(vmbus_dev 3)/$f" ] && vm_fail "unmonitored device has $f"
	done
	expect "server latency" "$(attr 1 server_monitor_latency)" $((0x100 | 37))
	expect "client latency" "$(attr 1 client_monitor_latency)" $((0x200 | 37))
	expect "server conn id" "$(attr 1 server_monitor_conn_id)" "$(sim_dev 1 conn_id)"
	expect "client conn id" "$(attr 1 client_monitor_conn_id)" "$(sim_dev 1 conn_id)"
	attr 1 client_monitor_pending | grep -Eqx '[0-9]+' ||
		vm_fail "client_monitor_pending is not a number: $(attr 1 client_monitor_pending)"

	# driver_override
	insmod /lib/hvlis/hvlis_echo.ko alt_driver=1 || vm_fail "insmod hvlis_echo failed"
	e1=$(basename "$(vmbus_dev 1)")
	e3=$(basename "$(vmbus_dev 3)")
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e1" ] || vm_fail "echo 1 not bound at load"

	# per-channel files upstream has (channels/<relid>/): each reads a
	# number; latency and pending only on the monitored channel, latency
	# what the host wrote in the guest's monitor page
	c1="$(vmbus_dev 1)/channels/1"
	c3="$(vmbus_dev 3)/channels/3"
	for f in cpu events interrupts out_full_total out_full_first intr_out_empty \
		intr_in_full subchannel_id monitor_id in_mask out_mask read_avail write_avail; do
		for d in "$c1" "$c3"; do
			grep -Eqx '[0-9]+' "$d/$f" 2> /dev/null ||
				vm_fail "${d#/sys/bus/vmbus/devices/}/$f is not a number: $(cat "$d/$f" 2>&1)"
		done
	done
	for f in latency pending; do
		[ -e "$c1/$f" ] || vm_fail "monitored channel lacks $f"
		[ -e "$c3/$f" ] && vm_fail "unmonitored channel has $f"
	done
	expect "channel latency" "$(cat "$c1/latency")" $((0x200 | 37))
	grep -Eqx '[0-9]+' "$c1/pending" || vm_fail "channel pending is not a number: $(cat "$c1/pending")"
	[ "$(cat "$c3/write_avail")" -gt 0 ] || vm_fail "idle channel: no room to write"
	# traffic moves them: every send into an empty ring signals the host
	# (intr_out_empty, counted in events); each full ring the driver met
	# is one out_full_total (its ring_full_retries), the first of each run
	# one out_full_first
	sum() { local f=$1 n=0 d; for d in "$c1" "$c3"; do n=$((n + $(cat "$d/$f"))); done; echo $n; }
	ev0=$(sum events); oe0=$(sum intr_out_empty); in0=$(sum interrupts)
	ft0=$(sum out_full_total); ff0=$(sum out_full_first); if0=$(sum intr_in_full)
	echo "600 2000 4000" > /sys/kernel/debug/hvlis_echo/run || vm_fail "echo run for the counters failed"
	r=$(cat /sys/kernel/debug/hvlis_echo/result)
	vm_log "counters run: $r"
	set -- $r
	expect "counters run: received" "$6" 1200
	ev=$(($(sum events) - ev0)); oe=$(($(sum intr_out_empty) - oe0))
	ft=$(($(sum out_full_total) - ft0)); ff=$(($(sum out_full_first) - ff0))
	inf=$(($(sum intr_in_full) - if0))
	vm_log "per-channel deltas: events $ev intr_out_empty $oe out_full_total $ft out_full_first $ff intr_in_full $inf interrupts $(($(sum interrupts) - in0))"
	[ "$oe" -gt 0 ] || vm_fail "intr_out_empty did not move with traffic"
	[ "$ev" -ge $((oe + inf)) ] || vm_fail "events ($ev) below intr_out_empty + intr_in_full ($oe + $inf)"
	[ "$(($(sum interrupts) - in0))" -gt 0 ] || vm_fail "interrupts did not move with traffic"
	expect "out_full_total = the driver's ring-full retries" "$ft" "${10}"
	[ "$ff" -le "$ft" ] || vm_fail "out_full_first ($ff) above out_full_total ($ft)"
	[ "$ft" -eq 0 ] || [ "$ff" -gt 0 ] || vm_fail "rings were full $ft times, never a first time"

	expect "override at first" "$(attr 1 driver_override)" ""
	echo other_driver > "$(vmbus_dev 1)/driver_override" || vm_fail "driver_override write failed"
	expect "override set" "$(attr 1 driver_override)" other_driver
	echo_unbind 1
	echo "$e1" > /sys/bus/vmbus/drivers_probe
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e1" ] && vm_fail "overridden device bound to hvlis_echo"
	echo_bind 1 && vm_fail "explicit bind of an overridden device to hvlis_echo succeeded"
	# naming the driver itself allows it
	echo hvlis_echo > "$(vmbus_dev 1)/driver_override"
	echo "$e1" > /sys/bus/vmbus/drivers_probe
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e1" ] || vm_fail "device named for hvlis_echo not bound"
	# an empty write clears it; a too-long name is refused
	echo > "$(vmbus_dev 1)/driver_override" || vm_fail "clearing driver_override failed"
	expect "override cleared" "$(attr 1 driver_override)" ""
	head -c 100 /dev/zero | tr '\0' x > /tmp/long
	cat /tmp/long > "$(vmbus_dev 3)/driver_override" 2> /dev/null &&
		vm_fail "a 100-character driver_override was accepted"
	# the other device was never touched
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e3" ] || vm_fail "echo 3 lost its driver"
	echo_run "after override" 200 16 3000 2
	# handed to the second driver by name: unbind, drivers_probe
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo_alt/$e1" ] && vm_fail "hvlis_echo_alt bound echo 1 at load"
	echo hvlis_echo_alt > "$(vmbus_dev 1)/driver_override" || vm_fail "override to hvlis_echo_alt failed"
	echo_unbind 1
	echo "$e1" > /sys/bus/vmbus/drivers_probe
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo_alt/$e1" ] || vm_fail "echo 1 not handed to hvlis_echo_alt"
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e1" ] && vm_fail "echo 1 still bound to hvlis_echo"
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo_alt/$e3" ] && vm_fail "echo 3 moved to hvlis_echo_alt"
	echo_run "echo 1 through hvlis_echo_alt" 200 16 3000 2
	# hvlis_echo_alt has no suspend/resume hooks: the device cannot hibernate
	echo 1 > "$(vmbus_dev 1)/test_pm_cycle" 2> /dev/null &&
		vm_fail "a device of a driver without PM hooks went through freeze/thaw"
	echo_run "after the refused freeze" 50 16 3000 2
	# and back: cleared, unbound from the alternative, probed: the first
	# matching driver (hvlis_echo) takes it again
	echo > "$(vmbus_dev 1)/driver_override"
	basename "$(vmbus_dev 1)" > /sys/bus/vmbus/drivers/hvlis_echo_alt/unbind ||
		vm_fail "unbind from hvlis_echo_alt failed"
	echo "$e1" > /sys/bus/vmbus/drivers_probe
	[ -e "/sys/bus/vmbus/drivers/hvlis_echo/$e1" ] || vm_fail "echo 1 not back with hvlis_echo"

	# A rescinded sub-channel leaves sysfs before its relid is released:
	# the host may hand that relid to the next sub-channel at once.
	sim_ctl sub 3 1
	sleep 1
	s=
	for d in "$(vmbus_dev 3)"/channels/*; do
		[ "${d##*/}" != 3 ] && s=${d##*/}
	done
	[ -n "$s" ] || vm_fail "no sub-channel of relid 3 in sysfs"
	sim_ctl rescind "$s"
	sleep 1
	[ -d "$(vmbus_dev 3)/channels/$s" ] && vm_fail "rescinded sub-channel $s still in sysfs"
	sim_ctl sub 3 1
	sleep 1
	[ -d "$(vmbus_dev 3)/channels/$s" ] || vm_fail "the next sub-channel did not get relid $s again"
	expect "host: channels open after the reuse" "$(sim_stat channels_open)" 3

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
