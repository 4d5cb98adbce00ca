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
#  - hvsim and hv_vmbus are loaded, the guest connected to the host with
#    protocol 5.3, and two devices the host then offers (hot add) appear on
#    the bus, processed by udev (MODALIAS in its database);
#  - the daemons are installed with their units, man pages and udev rules,
#    the units pass "systemd-analyze verify" without a word, and none of
#    them runs: the host offers no integration service here (sd-services
#    does), so hv_utils never loads, there is no /dev/vmbus/hv_* device and
#    udev never wanted them;
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
UNITS="hv-kvp-daemon.service hv-vss-daemon.service hv-fcopy-daemon.service"

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
	sim_ctl add net
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
	for u in $UNITS; do
		[ -f "/usr/lib/systemd/system/$u" ] || vm_fail "$u not installed"
	done
	# one run for the three (each run loads every unit: slow under TCG);
	# --man=no: the rootfs has no man, the pages are checked below
	# shellcheck disable=SC2086 # a list of names
	# Strict: a warning (unknown key, bad value) is a defect of the unit too.
	if ! out=$(systemd-analyze verify --man=no $UNITS 2>&1) || [ -n "$out" ]; then
		vm_fail "systemd-analyze verify of the daemons' units: failed or warned"
		echo "$out" | vm_detail "systemd-analyze verify"
	else
		vm_log "ok: systemd-analyze verify $UNITS"
	fi
	for u in $UNITS; do
		u=${u%.service}
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
	[ ! -e /dev/vmbus/hv_kvp ] || vm_fail "/dev/vmbus/hv_kvp exists without a KVP device"
	[ ! -d /sys/module/hv_utils ] || vm_fail "hv_utils loaded without an integration service"

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
