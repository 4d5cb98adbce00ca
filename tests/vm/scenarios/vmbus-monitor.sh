# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-monitor: monitored channels. The simulated host offers two echo
# devices with monitor ids in different trigger groups (1 and 40) and one
# without. The guest must signal the monitored ones only through the second
# monitor page (the host counts HvSignalEvents for them as a protocol
# violation) and the other one by hypercall. Echo traffic on all of them,
# content checked; sysfs shows the monitor ids; a monitored device is
# rescinded and two are hot-added (the lowest free id, 0, and the last,
# 127); monitored sub-channels; unload leaves no channel or GPADL. Each host
# generation gets a fresh host.

# shellcheck disable=SC2034
VM_TIMEOUT=300

# the number of devices on the bus
ndevs() {
	set -- /sys/bus/vmbus/devices/*
	if [ -e "$1" ]; then echo $#; else echo 0; fi
}

# mon_chan WHAT DEV_RELID RELID ID: channel RELID of the device DEV_RELID is
# monitored with ID and was signalled through the monitor page only
mon_chan() {
	local what="$1: relid $3" d ev
	d=$(vmbus_dev "$2") || { vm_fail "$what: no device with relid $2"; return; }
	[ "$2" = "$3" ] && expect "$what: device monitor_id" "$(cat "$d/monitor_id")" "$4"
	expect "$what: channel monitor_id" "$(cat "$d/channels/$3/monitor_id")" "$4"
	expect "$what: host's monitor id" "$(sim_dev "$3" monitor)" "$4"
	expect "$what: HvSignalEvents" "$(sim_dev "$3" signals_in)" 0
	expect "$what: monitored_hypercalls" "$(sim_dev "$3" monitored_hypercalls)" 0
	[ "$(sim_dev "$3" signals_monitor)" -gt 0 ] ||
		vm_fail "$what: the host took no signal from the monitor page"
	ev=$(cat "$d/channels/$3/events")
	[ "$ev" -gt 0 ] || vm_fail "$what: the guest counted no signals to the host"
	vm_log "$what: guest signals $ev, host took $(sim_dev "$3" signals_monitor) from the monitor page"
}

# plain WHAT RELID: an unmonitored channel, signalled by hypercall only
plain() {
	local what="$1: relid $2"
	expect "$what: host's monitor id" "$(sim_dev "$2" monitor)" -
	expect "$what: monitor signals" "$(sim_dev "$2" signals_monitor)" 0
	[ "$(sim_dev "$2" signals_in)" -gt 0 ] || vm_fail "$what: no HvSignalEvent"
}

host_clean() { # WHAT
	expect "$1: host monitored_hypercalls" "$(sim_stat monitored_hypercalls)" 0
	expect "$1: host monitor_stray" "$(sim_stat monitor_stray)" 0
	[ "$(sim_stat monitor_signals)" -gt 0 ] || vm_fail "$1: host monitor_signals is 0"
}

one() { # VERSION SUBCHANNELS(yes/no)
	local v=$1
	sim_start
	sim_ctl version "$v"
	sim_ctl add echo monitor=1
	sim_ctl add echo monitor=40
	sim_ctl add echo
	# ids are unique and 0..127
	echo "add echo monitor=40" > "$HVSIM/ctl" 2> /dev/null && vm_fail "$v: monitor id 40 given twice"
	echo "add echo monitor=128" > "$HVSIM/ctl" 2> /dev/null && vm_fail "$v: monitor id 128 accepted"
	vmbus_load || { vm_fail "$v: insmod hv_vmbus failed"; return; }
	expect "$v: negotiated" "$(sim_stat version)" "$v"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "$v: insmod hvlis_echo failed"
	expect "$v: devices" "$(ndevs)" 3

	echo_run "$v: 3 devices" 1000 16 3000 3
	mon_chan "$v" 1 1 1
	mon_chan "$v" 2 2 40
	plain "$v" 3
	host_clean "$v"

	# rescind of a monitored device; hot add of two more
	sim_ctl rescind 2
	sleep 1
	vmbus_dev 2 > /dev/null && vm_fail "$v: rescinded device still on the bus"
	expect "$v: relids released" "$(sim_stat relids_released)" 1
	sim_ctl add echo monitored
	sim_ctl add echo monitor=127 12345678-9abc-4def-8000-0123456789AB
	sleep 1
	expect "$v: instance of relid 4" "$(cat "$(vmbus_dev 4)/device_id" 2>&1)" \
		"{12345678-9abc-4def-8000-0123456789ab}"
	expect "$v: devices after hot add" "$(ndevs)" 4
	echo_run "$v: 4 devices" 500 16 3000 4
	mon_chan "$v" 1 1 1
	mon_chan "$v" 2 2 0
	mon_chan "$v" 4 4 127
	plain "$v" 3

	if [ "$2" = yes ]; then
		# sub-channels of a monitored device get the next free ids
		sim_ctl sub 1 2
		sleep 1
		echo_run "$v: 6 channels" 500 16 3000 6
		mon_chan "$v" 1 5 2
		mon_chan "$v" 1 6 3
	fi
	host_clean "$v"
	vm_detail "$v: host devices" < "$HVSIM/devices"

	rmmod hvlis_echo || vm_fail "$v: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "$v: rmmod hv_vmbus failed"
	expect "$v: host channels open" "$(sim_stat channels_open)" 0
	expect "$v: host live GPADLs" "$(sim_stat gpadls_live)" 0
	expect "$v: host bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "$v: rmmod hvsim failed"
}

guest() {
	one 5.3 yes
	one 2.4 yes
	one 0.13 no
}
