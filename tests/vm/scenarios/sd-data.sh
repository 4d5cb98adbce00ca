# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-data: the data disk of the systemd scenarios, as the VSS and fcopy
# scenarios will use it, exercised with the kernel's own tools (no
# hv_utils yet):
#  - fsfreeze -f /data blocks a writer until fsfreeze -u, then the write
#    completes;
#  - a 10 MiB file written to /data arrives intact on the data image: the
#    host (check_disk) reads it back with debugfs and compares its sha256
#    with the one the guest computed (guest and host agree on the content
#    without sharing anything but the disk).
# The runner fails any scenario that leaves a file system frozen; the
# harness checks both images are clean after the power-off.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_TIMEOUT=300
# shellcheck disable=SC2034
VM_DATA_MB=128

guest() {
	local pid n

	expect "system state" "$SD_STATE" running
	fsfreeze -f /data || vm_fail "fsfreeze -f /data failed"
	vm_log "/data frozen"
	(echo "written while frozen" > /data/frozen.txt && sync /data/frozen.txt && echo done > /run/writer.done) &
	pid=$!
	sleep 2
	[ ! -e /run/writer.done ] || vm_fail "a write to frozen /data completed"
	kill -0 "$pid" 2> /dev/null || vm_fail "the writer did not block on frozen /data"
	fsfreeze -u /data || vm_fail "fsfreeze -u /data failed"
	n=0
	while [ ! -e /run/writer.done ] && [ "$n" -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e /run/writer.done ] || vm_fail "the writer did not finish within 10 s of the thaw"
	wait "$pid"
	expect "/data/frozen.txt" "$(cat /data/frozen.txt 2> /dev/null)" "written while frozen"

	head -c 10485760 /dev/urandom > /data/big.bin || vm_fail "cannot write the 10 MiB file"
	expect "size of /data/big.bin" "$(stat -c %s /data/big.bin)" 10485760
	sha256sum < /data/big.bin | cut -d' ' -f1 > /data/big.sha256
	vm_log "big.bin sha256 $(cat /data/big.sha256)"
}

check_disk() {
	local want got
	want=$(vm_img_cat "$2" /big.sha256)
	[ -n "$want" ] || { echo "no /big.sha256 on the data image"; return 1; }
	got=$(vm_img_sha256 "$2" /big.bin)
	[ "$got" = "$want" ] || { echo "big.bin on the data image has sha256 $got, the guest wrote $want"; return 1; }
	[ "$(vm_img_cat "$2" /frozen.txt)" = "written while frozen" ] ||
		{ echo "frozen.txt on the data image is not what the guest wrote"; return 1; }
	echo "big.bin on the image: sha256 $got, as written" >&2
}
