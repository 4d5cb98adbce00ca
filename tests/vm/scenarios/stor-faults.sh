# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-faults: a storage host that errs or lies (tests/hvsim/stor_host.c,
# "stor <relid> fault ..."). For each fault one direct read or write meets
# it; the guest survives: no oops, no hang, the host's fault counter shows
# the fault fired, and afterwards I/O works and data reads back intact.
#   error, error-nosense, busy: error completions
#   lie-length, sense-length, short, unknown-tid, dup: completions that lie
#   hang: a completion that comes only when the guest resets (its SCSI
#     timeout, set to 5 s here, ends in a reset the host answers)
#   reset-hang with hang: the reset is not answered either
#   lost: never completed at all
#   invalid-lun: the guest drops the disk; the host's ENUMERATE_BUS
#     brings it back
# Finally a rescind of the controller with I/O held in the host: the disk
# goes away and the reader ends with an error.

# shellcheck disable=SC2034
VM_TIMEOUT=420
VM_KMODS="sd_mod scsi_transport_fc"

R=
SD=
io_ok() {
	local s2
	dd if=/tmp/pat of="/dev/$SD" bs=64k oflag=direct 2> /dev/null || { vm_fail "$1: write after the fault failed"; return; }
	s2=$(dd if="/dev/$SD" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
	expect "$1: checksum after the fault" "$s2" "$S1"
}

# fault NAME OP: arm NAME, do one 64 KiB direct OP (read|write), check it
# fired and I/O is fine afterwards
fault() {
	local f=$1 before after t0
	before=$(stor_stat "$R" "fault_$f")
	stor_ctl "$R" fault "$f"
	t0=$(cut -d. -f1 /proc/uptime)
	if [ "$2" = read ]; then
		timeout 120 dd if="/dev/$SD" of=/dev/null bs=64k count=1 iflag=direct 2> /dev/null
	else
		timeout 120 dd if=/tmp/pat of="/dev/$SD" bs=64k count=1 oflag=direct 2> /dev/null
	fi
	vm_log "$f: $2 returned $? after $(($(cut -d. -f1 /proc/uptime) - t0)) s"
	after=$(stor_stat "$R" "fault_$f")
	[ "$after" -gt "$before" ] || vm_fail "$f: the fault did not fire"
	[ -b "/dev/$SD" ] || { vm_fail "$f: /dev/$SD is gone"; return; }
	io_ok "$f"
}

guest() {
	local i f pid

	dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
	S1=$(md5sum < /tmp/pat)
	sim_start
	sim_ctl add scsi ram=16M
	R=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	i=0
	while [ "$i" -lt 200 ] && ! SD=$(stor_disk "$R" 0); do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$SD" ] || ! wait_blk "$SD"; then
		vm_fail "no disk"
		return
	fi
	echo 5 > "/sys/block/$SD/device/timeout"
	io_ok start
	for f in error:read error:write error-nosense:read busy:write lie-length:read \
		sense-length:read short:read unknown-tid:write dup:read hang:read; do
		fault "${f%:*}" "${f#*:}"
	done
	vm_log "host: resets $(stor_stat "$R" resets), aborted $(stor_stat "$R" aborted)"
	[ "$(stor_stat "$R" resets)" -gt 0 ] || vm_fail "hang: the guest never reset"
	[ "$(stor_stat "$R" aborted)" -gt 0 ] || vm_fail "hang: the host completed nothing at the reset"
	stor_ctl "$R" fault reset-hang
	fault hang read
	fault lost write

	# invalid-lun: the guest drops the LUN (as Linux's storvsc does); the
	# host still has it, and a rescan it asks for brings it back
	stor_ctl "$R" fault invalid-lun
	dd if="/dev/$SD" of=/dev/null bs=64k count=1 iflag=direct 2> /dev/null &&
		vm_fail "invalid-lun: the read succeeded"
	[ "$(stor_stat "$R" fault_invalid-lun)" = 1 ] || vm_fail "invalid-lun: the fault did not fire"
	wait_noblk "$SD" 20 && vm_log "invalid-lun: the guest removed $SD"
	stor_ctl "$R" notify enumerate
	i=0
	while [ "$i" -lt 200 ] && { ! SD=$(stor_disk "$R" 0) || ! wait_blk "$SD" 1; }; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$SD" ] || [ ! -b "/dev/$SD" ]; then
		vm_fail "invalid-lun: the disk did not come back after ENUMERATE_BUS"
		return
	fi
	echo 5 > "/sys/block/$SD/device/timeout"
	io_ok invalid-lun

	# rescind with I/O in flight
	stor_ctl "$R" fault hang count=4
	dd if="/dev/$SD" of=/dev/null bs=64k count=4 iflag=direct 2> /dev/null &
	pid=$!
	sleep 1
	[ "$(stor_stat "$R" held)" -ge 1 ] || vm_fail "rescind: no I/O held in the host"
	sim_ctl rescind "$R"
	wait_noblk "$SD" 60 || vm_fail "rescind: /dev/$SD still there after 60 s"
	i=0
	while [ "$i" -lt 600 ] && kill -0 "$pid" 2> /dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2> /dev/null; then
		vm_fail "rescind: the reader still waits 60 s later"
	else
		wait "$pid" && vm_fail "rescind: the reader saw no error"
	fi
	stor_unload || vm_fail "rmmod hv_storvsc failed"
	vm_detail "host counters" < "$HVSIM/stor"
}
