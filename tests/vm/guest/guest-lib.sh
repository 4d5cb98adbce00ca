# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# guest-lib.sh - helpers for the guest() part of the VM scenarios.  Sourced by
# /init inside the VM (busybox sh) before the scenario; see ../README.md.
#
# Every line the harness may show on a failure starts with "hvlis-vm: ":
#   vm_log MSG...     an informational line
#   vm_fail MSG...    a failed check: the scenario fails, and the first
#                     vm_fail message becomes the reason on the FAIL line;
#                     the guest goes on, so report everything that is wrong
#   vm_detail TITLE   copies stdin below TITLE as "hvlis-vm: | " lines, which
#                     the harness prints under the FAIL line
#   vm_kmsg           the kernel log without timestamps (dmesg)

VM_FAILURES=/tmp/hvlis-vm.failures

# The module tools are kmod's (/usr/sbin), as on a real system.  busybox sh
# runs its own applets before looking at PATH, and busybox insmod retries a
# failed finit_module() with init_module(): a module whose init fails would
# be initialised twice.  Shell functions come before applets.
insmod() { /usr/sbin/insmod "$@"; }
rmmod() { /usr/sbin/rmmod "$@"; }
lsmod() { /usr/sbin/lsmod "$@"; }
modprobe() { /usr/sbin/modprobe "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }

vm_log() {
	echo "hvlis-vm: $*"
}

vm_fail() {
	echo "hvlis-vm: FAIL: $*"
	echo "$*" >> "$VM_FAILURES"
}

vm_detail() {
	local line
	echo "hvlis-vm: | $1"
	while IFS= read -r line; do
		echo "hvlis-vm: |     $line"
	done
}

vm_kmsg() {
	dmesg | sed 's/^\[ *[0-9]*\.[0-9]*\] //'
}

# ---- the simulated Hyper-V host (tests/hvsim) ------------------------------
#   sim_start [PARAM...]   insmod hvsim.ko (debugfs mounted first)
#   sim_ctl CMD...         one command to /sys/kernel/debug/hvsim/ctl
#   sim_stat NAME          a value from /sys/kernel/debug/hvsim/stats
#   vmbus_load [PARAM...]  insmod hv_vmbus.ko transport=hvsim
#   vmbus_unload           rmmod hv_vmbus
#   expect NAME GOT WANT   vm_fail unless GOT = WANT
HVSIM=/sys/kernel/debug/hvsim
sim_start() {
	grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
	insmod /lib/hvlis/hvsim.ko "$@" || vm_fail "insmod hvsim.ko failed"
}
sim_ctl() { echo "$*" > "$HVSIM/ctl" || vm_fail "hvsim command '$*' failed"; }
sim_stat() { awk -v k="$1" '$1 == k { print $2 }' "$HVSIM/stats"; }
vmbus_load() { insmod /lib/hvlis/hv_vmbus.ko transport=hvsim "$@"; }
vmbus_unload() { rmmod hv_vmbus; }
expect() {
	if [ "$2" = "$3" ]; then
		vm_log "ok: $1 = $2"
	else
		vm_fail "$1 is '$2', expected '$3'"
	fi
}
#   echo_run WHAT COUNT MIN MAX CHANNELS
#                          run the hvlis_echo test driver: COUNT packets of
#                          MIN..MAX bytes on every open channel; fails
#                          unless all CHANNELS*COUNT come back intact
echo_run() {
	local what=$1 count=$2 min=$3 max=$4 nch=$5 r
	echo "$count $min $max" > /sys/kernel/debug/hvlis_echo/run ||
		vm_fail "$what: echo run failed"
	r=$(cat /sys/kernel/debug/hvlis_echo/result)
	vm_log "$what: $r"
	set -- $r
	# channels N sent N received N bad N ring_full_retries N error N
	expect "$what: channels" "$2" "$nch"
	expect "$what: sent" "$4" "$((count * nch))"
	expect "$what: received" "$6" "$((count * nch))"
	expect "$what: bad" "$8" 0
	expect "$what: error" "${12}" 0
}
