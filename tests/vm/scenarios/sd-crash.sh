# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-crash: the harness's disk check must see a crash.  The systemd guest
# writes and syncs a file on / and on /data, prints its result, then resets
# the VM at once (VM_END=sysrq-reboot: "echo b > /proc/sysrq-trigger", no
# unmount); QEMU exits (-no-reboot).  The images are then as a power cut
# leaves them.
#
# (The file is sourced by the guest's dash too: check_disk, bash on the
# host, keeps to what dash can parse.)
#
# Host checks (check_disk; VM_EXPECT_DIRTY=1 turns the harness's own clean
# check off, this scenario asserts the opposite):
#  - vm_disk_check, the check every other systemd scenario passes, fails on
#    both images and names needs_recovery;
#  - after e2fsck -fy replays the journal of a copy of each image, the copy
#    is clean for vm_disk_check and the synced file is there, intact.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_TIMEOUT=300
# shellcheck disable=SC2034
VM_END=sysrq-reboot
# shellcheck disable=SC2034
VM_EXPECT_DIRTY=1

guest() {
	expect "system state" "$SD_STATE" running
	head -c 1048576 /dev/urandom > /data/crash.bin || vm_fail "cannot write /data/crash.bin"
	sha256sum < /data/crash.bin | cut -d' ' -f1 > /root/crash.sha256
	cp /root/crash.sha256 /data/crash.sha256
	sync
	vm_log "wrote and synced /data/crash.bin ($(cat /root/crash.sha256)), resetting without unmount"
}

check_disk() {
	local img out want bad=0
	for img in "$1" "$2"; do
		if out=$(vm_disk_check "$img"); then
			echo "$(basename "$img") passes the clean check after a crash: the check cannot see a crash"
			bad=1
		elif ! echo "$out" | grep -q needs_recovery; then
			echo "$(basename "$img"): the check failed but without needs_recovery: $out"
			bad=1
		else
			echo "$out" | sed 's/^/expected: /' >&2
		fi
		cp --sparse=always "$img" "$img.fsck"
		e2fsck -fy "$img.fsck" > "$img.fsck.log" 2>&1
		if ! out=$(vm_disk_check "$img.fsck"); then
			echo "$(basename "$img") after journal replay (e2fsck -fy): $out"
			bad=1
		fi
	done
	want=$(vm_img_cat "$1.fsck" /root/crash.sha256)
	[ -n "$want" ] || { echo "no /root/crash.sha256 on the root image after recovery"; bad=1; }
	[ "$(vm_img_cat "$2.fsck" /crash.sha256)" = "$want" ] ||
		{ echo "/data/crash.sha256 differs from /root/crash.sha256 after recovery"; bad=1; }
	[ "$(vm_img_sha256 "$2.fsck" /crash.bin)" = "$want" ] ||
		{ echo "/data/crash.bin is not what the guest wrote and synced"; bad=1; }
	rm -f "$1.fsck" "$2.fsck"
	return "$bad"
}
