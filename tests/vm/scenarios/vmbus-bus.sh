# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-bus: hv_vmbus on the simulated host (newest protocol). Devices the
# host offers appear under /sys/bus/vmbus/devices with the attributes users
# and tools read, and their uevents carry MODALIAS to userspace.

# shellcheck disable=SC2034
VM_TIMEOUT=120

guest() {
	local d n rel cls inst ma

	# Record every uevent the kernel sends to userspace (netlink).
	cat > /tmp/hotplug <<'HP'
#!/bin/sh
echo "$ACTION $SUBSYSTEM $DEVPATH MODALIAS=$MODALIAS" >> /tmp/uevents
HP
	chmod +x /tmp/hotplug
	busybox uevent /tmp/hotplug &
	sleep 0.2

	sim_start
	sim_ctl add echo
	sim_ctl add net
	sim_ctl add scsi
	sim_ctl add shutdown
	sim_ctl add kvp
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	sleep 1

	expect "host: connected" "$(sim_stat connected)" 1
	expect "host: negotiated version" "$(sim_stat version)" 5.3
	vm_kmsg | grep -q 'hv_vmbus: VMBus protocol 5.3 negotiated (Windows Server 2022 host)' ||
		vm_fail "no negotiation line in the kernel log"

	n=$(ls /sys/bus/vmbus/devices | wc -l)
	expect "devices on the bus" "$n" 5
	for d in /sys/bus/vmbus/devices/*; do
		rel=$(cat "$d/id")
		cls=$(cat "$d/class_id")
		inst=$(cat "$d/device_id")
		ma=$(cat "$d/modalias")
		vm_log "$(basename "$d"): id=$rel class=$cls device=$inst modalias=$ma"
		# the device is named by its instance GUID
		expect "$(basename "$d") device_id" "$inst" "{$(basename "$d")}"
		# modalias = vmbus: + the class GUID's 16 bytes in wire order
		echo "$ma" | grep -Eq '^vmbus:[0-9a-f]{32}$' || vm_fail "bad modalias '$ma'"
		grep -q "^MODALIAS=$ma\$" "$d/uevent" || vm_fail "$d/uevent lacks MODALIAS=$ma"
		[ -d "$d/channels/$rel" ] || vm_fail "no channels/$rel directory under $d"
		grep -q "^$rel:" "$d/channel_vp_mapping" || vm_fail "channel_vp_mapping of $d lacks relid $rel"
		grep -q "^add vmbus .*/$(basename "$d") MODALIAS=$ma\$" /tmp/uevents ||
			vm_fail "no add uevent with MODALIAS for $(basename "$d")"
	done
	# well-known classes have their well-known modaliases
	grep -qx 'vmbus:635161f83edfc546913ff2d2f965ed0e' /sys/bus/vmbus/devices/*/modalias ||
		vm_fail "no network device modalias"
	grep -qx '{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}' /sys/bus/vmbus/devices/*/class_id ||
		vm_fail "no SCSI class id"
	vm_detail "uevents seen by userspace" < /tmp/uevents

	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
	[ ! -d /sys/bus/vmbus ] || vm_fail "/sys/bus/vmbus still exists after rmmod"
	expect "host: unloads" "$(sim_stat unloads)" 1
	expect "host: connected after unload" "$(sim_stat connected)" 0
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
