# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-vss: hv_utils' VSS (backup) service between the simulated host and our
# hv_vss_daemon (daemons/bin, on /dev/vmbus/hv_vss). The VM has no disk: an
# ext4 file system on a loop device (mke2fs from the host) is what gets
# frozen. Without a daemon FREEZE fails at once, logged once; GET_DM_INFO
# is answered by the kernel alone. With it: FREEZE blocks writes to the
# file system until THAW; HOT_BACKUP answers VSS_HBU_NO_AUTO_RECOVERY; a
# FREEZE without THAW is undone by the daemon's own --thaw-timeout. A
# stopped daemon times out (daemon_timeout=3); a killed one fails at once.

# shellcheck disable=SC2034
VM_TIMEOUT=240
# shellcheck disable=SC2034
VM_KMODS="loop crc32c_generic ext4"
# shellcheck disable=SC2034
VM_BINARIES="mke2fs"

vss() { sim_ic vss "$@" || vm_fail "vss $*: the host got no answer"; }
vss_status() { ic_field vss vss_status; }
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
count_kmsg() { kmsg_new | grep -cF -- "$1"; }
# writes_blocked: a write to the file system does not finish within 1 s
writes_blocked() {
	rm -f /tmp/wrote
	( echo "$1" > /mnt/vss/probe && sync -f /mnt/vss/probe 2> /dev/null; touch /tmp/wrote ) &
	sleep 1
	[ ! -e /tmp/wrote ]
}

guest() {
	local t0 t1 pid i

	dd if=/dev/zero of=/tmp/fs.img bs=1M count=16 2> /dev/null
	# the full path: busybox sh runs its own applets before PATH
	/usr/sbin/mke2fs -q -t ext4 -F /tmp/fs.img || vm_fail "mke2fs failed"
	mkdir -p /mnt/vss
	losetup /dev/loop0 /tmp/fs.img || vm_fail "losetup failed"
	mount -t ext4 /dev/loop0 /mnt/vss || vm_fail "cannot mount the ext4 file system"
	echo before > /mnt/vss/data

	sim_start
	sim_ctl add vss
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load daemon_timeout=3 || vm_fail "insmod hv_utils failed"
	wait_ic vss negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field vss fw)" 3.0
	expect "negotiated message version" "$(ic_field vss msg)" 5.0
	[ -c /dev/vmbus/hv_vss ] || vm_fail "no character device /dev/vmbus/hv_vss"

	# No daemon.
	t0=$(uptime_ms)
	vss freeze
	expect "freeze without a daemon" "$(vss_status)" 0x80004005
	vss hot_backup
	expect "hot backup without a daemon" "$(vss_status)" 0x80004005
	t1=$(uptime_ms)
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "failing without a daemon took $((t1 - t0)) ms"
	expect_kmsg "no daemon logged" "vss: no daemon has /dev/vmbus/hv_vss open"
	expect "no-daemon log lines" "$(count_kmsg "vss: no daemon has")" 1
	writes_blocked x && vm_fail "the file system froze without a daemon"
	vss dm_info
	expect "dm_info, kernel only: status" "$(vss_status)" 0x00000000
	expect "dm_info flags" "$(ic_field vss vss_flags)" 0x0
	vss short
	expect "a short request" "$(vss_status)" 0x80004005

	kmsg_mark
	hv_vss_daemon -n --thaw-timeout 6 > /tmp/vssd.log 2>&1 &
	pid=$!
	expect_kmsg "daemon registered" "vss: daemon registered on /dev/vmbus/hv_vss"

	vss hot_backup
	expect "hot backup: status" "$(vss_status)" 0x00000000
	expect "hot backup: flags" "$(ic_field vss vss_flags)" 0x5

	vss freeze
	expect "freeze: status" "$(vss_status)" 0x00000000
	writes_blocked frozen || vm_fail "a write went through a frozen file system"
	vss thaw
	expect "thaw: status" "$(vss_status)" 0x00000000
	sleep 1
	[ -e /tmp/wrote ] || vm_fail "the write blocked by the freeze did not finish after THAW"
	expect "data written after thaw" "$(cat /mnt/vss/probe)" frozen

	# FREEZE and no THAW: the daemon thaws by itself after --thaw-timeout.
	vss freeze
	expect "second freeze: status" "$(vss_status)" 0x00000000
	writes_blocked late || vm_fail "a write went through a frozen file system"
	i=0
	while [ ! -e /tmp/wrote ] && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e /tmp/wrote ] || vm_fail "the daemon did not thaw within 15 s after a FREEZE alone"
	vm_log "the daemon's thaw timeout released the write after $((i / 10 + 1)) s"
	vss thaw
	vm_log "THAW after the daemon's own thaw: status $(vss_status)"

	# A stopped daemon: the host fails after daemon_timeout, logged once.
	kmsg_mark
	kill -STOP "$pid"
	for i in 1 2; do
		t0=$(uptime_ms)
		vss hot_backup
		t1=$(uptime_ms)
		expect "stopped daemon: status" "$(vss_status)" 0x80004005
		vm_log "stopped daemon: failure after $((t1 - t0)) ms"
		[ $((t1 - t0)) -ge 2500 ] && [ $((t1 - t0)) -lt 4900 ] ||
			vm_fail "the timeout took $((t1 - t0)) ms, not about 3000"
	done
	expect "timeout log lines" "$(count_kmsg "vss: the daemon did not answer within 3 s")" 1
	kill -CONT "$pid"
	vss hot_backup
	expect "after the stop" "$(vss_status)" 0x00000000

	# Killed with a request: failure at once.
	kmsg_mark
	kill -STOP "$pid"
	( sleep 0.5; kill -KILL "$pid" ) &
	t0=$(uptime_ms)
	vss freeze
	t1=$(uptime_ms)
	wait
	expect "killed daemon: status" "$(vss_status)" 0x80004005
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "the failure took $((t1 - t0)) ms"
	expect_kmsg "daemon gone logged" "vss: the daemon went away with a request"
	writes_blocked y && vm_fail "the file system is frozen after the daemon died"

	vm_detail "daemon log" < /tmp/vssd.log
	vm_detail "host ic state" < "$HVSIM/ic"
	umount /mnt/vss || vm_fail "umount failed"
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
