# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-fcopy: hv_utils' file copy service between the simulated host and our
# hv_fcopy_daemon (daemons/bin, on /dev/vmbus/hv_fcopy). Without a daemon
# the host's START fails at once, logged once. With it: a 10 MiB file
# arrives byte for byte (CRC-32 of what the host sent against busybox
# crc32 of the file) under its name, non-ASCII names too; an existing file
# is kept without OVER_WRITE and replaced with it; a missing directory
# fails without CREATE_PATH and is made with it; a cancelled copy leaves
# nothing. Malformed host messages fail. A stopped daemon times out
# (daemon_timeout=2), logged once; a killed one fails the copy at once.

# shellcheck disable=SC2034
VM_TIMEOUT=300

fc() { sim_ic fcopy copy "$@" || vm_fail "fcopy copy $*: the host got no answer"; }
fc_status() { ic_field fcopy fcopy_status; }
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
count_kmsg() { kmsg_new | grep -cF -- "$1"; }
crc_of() { crc32 "$1" | cut -d' ' -f1; }
expect_copied() {
	expect "$1: status" "$(fc_status)" 0x00000000
	expect "$1: failed operation" "$(ic_field fcopy fcopy_failed_op)" -1
	[ -f "$2" ] || { vm_fail "$1: no $2"; return; }
	expect "$1: size" "$(stat -c %s "$2")" "$3"
	expect "$1: CRC-32" "$(crc_of "$2")" "$(ic_field fcopy fcopy_crc)"
}
no_temp() {
	# shellcheck disable=SC2012
	[ "$(ls -A "$1" | grep -c '^\.hv_fcopy')" = 0 ] || vm_fail "$2: a temporary file is left in $1"
}

guest() {
	local t0 t1 pid c i

	sim_start
	sim_ctl add fcopy
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load daemon_timeout=2 || vm_fail "insmod hv_utils failed"
	wait_ic fcopy negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field fcopy fw)" 3.0
	expect "negotiated message version" "$(ic_field fcopy msg)" 1.1
	[ -c /dev/vmbus/hv_fcopy ] || vm_fail "no character device /dev/vmbus/hv_fcopy"
	mkdir -p /tmp/in

	# No daemon.
	t0=$(uptime_ms)
	fc a.bin /tmp/in 0 100
	expect "no daemon: status" "$(fc_status)" 0x80004005
	expect "no daemon: failed operation" "$(ic_field fcopy fcopy_failed_op)" 0
	fc a.bin /tmp/in 0 100
	t1=$(uptime_ms)
	vm_log "two copies without a daemon: $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "failing without a daemon took $((t1 - t0)) ms"
	expect_kmsg "no daemon logged" "fcopy: no daemon has /dev/vmbus/hv_fcopy open"
	expect "no-daemon log lines" "$(count_kmsg "fcopy: no daemon has")" 1
	[ -e /tmp/in/a.bin ] && vm_fail "a.bin appeared without a daemon"

	kmsg_mark
	hv_fcopy_daemon -n > /tmp/fcd.log 2>&1 &
	pid=$!
	expect_kmsg "daemon registered" "fcopy: daemon registered on /dev/vmbus/hv_fcopy"

	# 10 MiB, byte for byte.
	t0=$(uptime_ms)
	fc big.bin /tmp/in 0 10485760 seed=7
	t1=$(uptime_ms)
	vm_log "10 MiB in $((t1 - t0)) ms, $(ic_field fcopy fcopy_frags) fragments"
	expect_copied "10 MiB copy" /tmp/in/big.bin 10485760
	c=$(crc_of /tmp/in/big.bin)
	no_temp /tmp/in "10 MiB copy"

	fc "grüße-😀.txt" /tmp/in 0 5000 seed=3
	expect_copied "non-ASCII name" "/tmp/in/grüße-😀.txt" 5000

	# OVER_WRITE: without it the file stays, with it the file is replaced.
	fc big.bin /tmp/in 0 1000 seed=5
	expect "existing file without OVER_WRITE: status" "$(fc_status)" 0x80070050
	expect "existing file kept" "$(crc_of /tmp/in/big.bin)" "$c"
	fc big.bin /tmp/in 1 1000 seed=5
	expect_copied "OVER_WRITE" /tmp/in/big.bin 1000

	# CREATE_PATH.
	fc f.bin /tmp/in/new/deep 0 10
	expect "missing directory without CREATE_PATH: status" "$(fc_status)" 0x80070003
	[ -e /tmp/in/new ] && vm_fail "a directory was made without CREATE_PATH"
	fc f.bin /tmp/in/new/deep 2 10
	expect_copied "CREATE_PATH" /tmp/in/new/deep/f.bin 10

	# CANCEL after 3 fragments: nothing left.
	fc c.bin /tmp/in 0 100000 cancel_at=3
	expect "cancel: status of CANCEL" "$(fc_status)" 0x00000000
	expect "cancel: fragments sent" "$(ic_field fcopy fcopy_frags)" 3
	[ -e /tmp/in/c.bin ] && vm_fail "a cancelled copy left c.bin"
	no_temp /tmp/in "cancel"

	# Malformed host messages.
	kmsg_mark
	for i in fragsize noterm surrogate short; do
		sim_ic fcopy hostile "$i" || vm_fail "hostile $i: no answer"
		expect "hostile $i: status" "$(fc_status)" 0x80004005
	done
	expect_kmsg "bad fragment logged" "fcopy: a fragment of 7000 bytes"
	expect_kmsg "bad name logged" "fcopy: a name from the host is not NUL-terminated UTF-16"
	[ -e /tmp/x.bin ] && vm_fail "a hostile START made /tmp/x.bin"
	fc after.bin /tmp/in 0 20000 seed=9
	expect_copied "a copy after malformed messages" /tmp/in/after.bin 20000

	# A stopped daemon: the host fails after daemon_timeout, logged once.
	kmsg_mark
	kill -STOP "$pid"
	for i in 1 2; do
		t0=$(uptime_ms)
		fc s.bin /tmp/in 0 100
		t1=$(uptime_ms)
		expect "stopped daemon: status" "$(fc_status)" 0x80004005
		vm_log "stopped daemon: failure after $((t1 - t0)) ms"
		[ $((t1 - t0)) -ge 1500 ] && [ $((t1 - t0)) -lt 4500 ] ||
			vm_fail "the timeout took $((t1 - t0)) ms, not about 2000"
	done
	expect "timeout log lines" "$(count_kmsg "fcopy: the daemon did not answer within 2 s")" 1
	kill -CONT "$pid"
	fc s.bin /tmp/in 0 30000 seed=1
	expect_copied "a copy after the stop" /tmp/in/s.bin 30000

	# The daemon killed in mid-copy: the host fails at once, no file.
	kmsg_mark
	kill -STOP "$pid"
	( sleep 0.5; kill -KILL "$pid" ) &
	t0=$(uptime_ms)
	fc k.bin /tmp/in 0 100
	t1=$(uptime_ms)
	wait
	expect "killed daemon: status" "$(fc_status)" 0x80004005
	vm_log "killed daemon: failure after $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 1500 ] || vm_fail "the failure took $((t1 - t0)) ms"
	expect_kmsg "daemon gone logged" "fcopy: the daemon went away with a request"
	[ -e /tmp/in/k.bin ] && vm_fail "k.bin appeared"

	hv_fcopy_daemon -n > /tmp/fcd2.log 2>&1 &
	pid=$!
	wait_kmsg "fcopy: daemon registered" || vm_fail "the second daemon did not register"
	fc last.bin /tmp/in 0 7000 seed=2
	expect_copied "a copy with a new daemon" /tmp/in/last.bin 7000
	rmmod hv_utils 2> /dev/null && vm_fail "hv_utils unloaded under an open device"
	kill "$pid"
	wait "$pid"
	vm_detail "daemon log" < /tmp/fcd.log
	vm_detail "host ic state" < "$HVSIM/ic"
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
