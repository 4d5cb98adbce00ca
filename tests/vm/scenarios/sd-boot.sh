# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-boot: a Debian bookworm guest with systemd on a real ext4 root disk
# boots on the simulated Hyper-V host, with hvsim and hv_vmbus (transport
# hvsim) loaded at boot by systemd-modules-load, and powers off cleanly.
#
# Guest checks:
#  - systemd finished starting up and says "running" (a failed unit makes it
#    "degraded": the failed units are shown and the scenario fails);
#  - / is the ext4 root disk mounted read-write, /data the second disk;
#  - hvsim and hv_vmbus are loaded, the host negotiated with the guest and
#    the devices it offered at load time (hvsim's boot_devices default: none,
#    so the scenario adds them) appear on the bus;
#  - the daemons are installed with their units and udev rules, the units
#    pass "systemd-analyze verify" and none of them runs: there is no
#    /dev/vmbus/hv_* device (no hv_utils yet), so udev never wanted them;
#  - a file written to /data.
# Host checks (harness): clean power-off, both images clean (dumpe2fs,
# e2fsck -fn); check_disk reads the file written to /data back with debugfs.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_TIMEOUT=300
# shellcheck disable=SC2034
VM_HVLIS_LOAD="hvsim hv_vmbus"
# shellcheck disable=SC2034
VM_MODPROBE_CONF="options hv_vmbus transport=hvsim"

DAEMONS="hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon"

guest() {
	local d u n

	expect "system state" "$SD_STATE" running
	expect "root file system" "$(findmnt -n -o FSTYPE,SOURCE,OPTIONS / | awk '{ split($3, o, ","); print $1, $2, o[1] }')" \
		"ext4 /dev/vda rw"
	expect "/data" "$(findmnt -n -o FSTYPE,SOURCE /data | awk '{ print $1, $2 }')" "ext4 /dev/vdb"

	for m in hvsim hv_vmbus; do
		[ -d "/sys/module/$m" ] || vm_fail "module $m not loaded at boot"
	done
	systemctl is-active -q systemd-modules-load.service || vm_fail "systemd-modules-load.service is not active"
	grep -q " /sys/kernel/debug " /proc/mounts || vm_fail "debugfs is not mounted"
	expect "host: connected" "$(sim_stat connected)" 1
	expect "host: negotiated version" "$(sim_stat version)" 5.3

	# devices offered now reach the running guest (hot add), and udev
	sim_ctl add echo
	sim_ctl add kvp
	n=0
	while [ "$(ls /sys/bus/vmbus/devices | wc -l)" -lt 2 ] && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	expect "devices on the bus" "$(ls /sys/bus/vmbus/devices | wc -l)" 2
	udevadm settle -t 10 || vm_fail "udevadm settle timed out"
	for d in /sys/bus/vmbus/devices/*; do
		udevadm info -q property -p "$d" | grep -q '^MODALIAS=vmbus:' ||
			vm_fail "udev has no MODALIAS for $d"
	done
	lsvmbus | vm_detail "lsvmbus"

	for d in $DAEMONS; do
		[ -x "/usr/sbin/$d" ] || vm_fail "/usr/sbin/$d is not installed"
	done
	[ -f /usr/lib/udev/rules.d/70-hvlis-daemons.rules ] || vm_fail "udev rules not installed"
	for u in hv-kvp-daemon hv-vss-daemon hv-fcopy-daemon; do
		[ -f "/usr/lib/systemd/system/$u.service" ] || vm_fail "$u.service not installed"
		# --man=no: the rootfs has no man; the pages are checked below
		if ! out=$(systemd-analyze verify --man=no "$u.service" 2>&1); then
			vm_fail "systemd-analyze verify $u.service failed"
			echo "$out" | vm_detail "systemd-analyze verify $u.service"
		elif [ -n "$out" ]; then
			echo "$out" | vm_detail "systemd-analyze verify $u.service (warnings)"
		fi
		expect "$u.service" "$(systemctl is-active "$u.service")" inactive
		# never started in this boot (no invocation), nothing queued
		expect "$u.service invocation" "$(systemctl show -P InvocationID "$u.service")" ""
		expect "$u.service job" "$(systemctl list-jobs --no-legend "$u.service" | wc -l)" 0
	done
	for d in $DAEMONS; do
		[ -f "/usr/share/man/man8/$d.8" ] || vm_fail "man page $d.8 not installed"
	done
	expect "device units for /dev/vmbus" "$(systemctl list-units --all --no-legend --plain 'dev-vmbus-*' | wc -l)" 0
	ls /dev/vmbus 2> /dev/null | vm_detail "/dev/vmbus"
	[ ! -e /dev/vmbus/hv_kvp ] || vm_fail "/dev/vmbus/hv_kvp exists without hv_utils"

	echo "written by sd-boot at uptime $(cut -d' ' -f1 /proc/uptime)" > /data/sd-boot.txt ||
		vm_fail "cannot write to /data"
}

check_disk() {
	local got
	got=$(debugfs -R "cat /sd-boot.txt" "$2" 2> /dev/null)
	case $got in
	"written by sd-boot at uptime "*) ;;
	*) echo "/data/sd-boot.txt on the data disk is '$got'"; return 1 ;;
	esac
}
