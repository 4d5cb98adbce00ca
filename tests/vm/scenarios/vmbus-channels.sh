# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-channels: a VSC driver (tests/hvsim/hvlis_echo.c) opens a channel
# and sub-channels; thousands of packets of mixed sizes cross the rings in
# both directions, wrapping around many times, with their content checked;
# the per-channel sysfs counters move; a rescind of the open device removes
# it cleanly; a device hot-added later appears.

# shellcheck disable=SC2034
VM_TIMEOUT=240

guest() {
	local dev chans c

	sim_start
	sim_ctl add echo
	sim_ctl add idle
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	dev=$(grep -l '{f00dcafe-0000-4000-8000-68766c697331}' /sys/bus/vmbus/devices/*/class_id | head -n 1)
	dev=${dev%/class_id}
	[ -n "$dev" ] || vm_fail "no echo device on the bus"
	[ "$(basename "$(readlink "$dev/driver")")" = hvlis_echo ] || vm_fail "echo device not bound to hvlis_echo"

	# one channel: small and large packets, many wraps of the 28 KiB rings
	echo_run "primary, 16-64 B" 3000 16 64 1
	echo_run "primary, 16 B-6 KiB" 2000 16 6000 1

	# sub-channels
	sim_ctl sub 1 3
	sleep 1
	chans=$(ls "$dev/channels" | wc -l)
	expect "channel directories" "$chans" 4
	expect "channel_vp_mapping lines" "$(wc -l < "$dev/channel_vp_mapping")" 4
	echo_run "4 channels" 1000 16 4000 4
	for c in "$dev"/channels/*; do
		[ "$(cat "$c/interrupts")" -gt 0 ] || vm_fail "$c: no interrupts counted"
		[ "$(cat "$c/events")" -gt 0 ] || vm_fail "$c: no signals to the host counted"
	done
	vm_detail "host devices" < "$HVSIM/devices"

	# rescind the open device: driver removed, channels closed, relids released
	sim_ctl rescind 1
	sleep 1
	[ ! -e "$dev" ] || vm_fail "rescinded device still on the bus"
	expect "host: relids released" "$(sim_stat relids_released)" 4
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	vm_kmsg | grep -q "hv_vmbus: device relid 1 rescinded by the host" || vm_fail "no rescind line"

	# hot add
	sim_ctl add echo
	sleep 1
	expect "devices after hot add" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	echo_run "hot-added device" 200 16 1000 1

	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	expect "host: channels open" "$(sim_stat channels_open)" 0
	expect "host: live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
