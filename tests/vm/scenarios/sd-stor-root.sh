# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-stor-root: root on storvsc. The systemd guest's initramfs loads hvsim,
# has it serve the root image (the first virtio disk, /dev/vda) through its
# storage host as a SCSI disk (bdev backend), loads hv_vmbus
# transport=hvsim and hv_storvsc, and mounts the SCSI disk /dev/sda as the
# root file system (VM_ROOT_DISK=storvsc, tests/vm/guest/init-root). The
# guest boots to "running" on it, writes a file, and powers off.
#
# Guest checks: / is /dev/sda, ext4, read-write; sda sits on a VMBus
# device of the SCSI class; the host's counters show the boot's I/O on it
# (reads, writes, flushes) and no WRITE SAME; a 4 MiB file written and
# synced.
# Host checks (harness): clean power-off; both images clean (dumpe2fs,
# e2fsck -fn); check_disk finds the file on the root image with the
# guest's checksum: it went through hv_storvsc and hvsim to the image.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_ROOT_DISK=storvsc
# shellcheck disable=SC2034
VM_TIMEOUT=400

guest() {
	local r sum dev

	expect "system state" "$SD_STATE" running
	expect "root file system" "$(findmnt -n -o FSTYPE,SOURCE / | awk '{ print $1, $2 }')" "ext4 /dev/sda"
	findmnt -n -o OPTIONS / | grep -q '^rw' || vm_fail "/ is not mounted read-write"
	# sda's SCSI host hangs off a VMBus device of the SCSI class
	dev=$(readlink -f /sys/block/sda/device)
	vm_log "sda is $dev"
	expect "class of sda's VMBus device" "$(cat "${dev%%/host*}/class_id" 2> /dev/null)" \
		"{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"
	expect "subsystem of sda's VMBus device" "$(basename "$(readlink -f "${dev%%/host*}/subsystem")")" vmbus
	r=$(stor_relid)
	[ -n "$r" ] || { vm_fail "hvsim has no storage controller"; return; }
	vm_log "host: LUN 0 reads $(stor_stat "$r" lun0_reads), writes $(stor_stat "$r" lun0_writes), flushes $(stor_stat "$r" lun0_flushes), backing $(awk -v r="$r" '$1 == r && $2 == "lun0_backing" { print $3 }' "$HVSIM/stor")"
	[ "$(stor_stat "$r" lun0_reads)" -gt 100 ] || vm_fail "the host served few reads: $(stor_stat "$r" lun0_reads)"
	[ "$(stor_stat "$r" lun0_writes)" -gt 0 ] || vm_fail "the host served no writes"
	expect "host: WRITE SAME" "$(stor_stat "$r" write_same)" 0
	head -c 4194304 /dev/urandom > /root/stor-root.bin || vm_fail "cannot write /root/stor-root.bin"
	sync
	sum=$(sha256sum < /root/stor-root.bin | cut -d' ' -f1)
	echo "$sum" > /root/stor-root.sha256
	sync
	vm_log "wrote /root/stor-root.bin, sha256 $sum"
	lsblk 2> /dev/null | vm_detail lsblk
	# what make demo shows
	echo "DEMO: # findmnt /"
	findmnt / | sed 's/^/DEMO:   /'
	echo "DEMO: # lsblk -S -o NAME,HCTL,VENDOR,MODEL,SIZE,TRAN"
	lsblk -S -o NAME,HCTL,VENDOR,MODEL,SIZE,TRAN 2>&1 | sed 's/^/DEMO:   /'
	echo "DEMO: # readlink -f /sys/block/sda/device"
	echo "$dev" | sed 's/^/DEMO:   /'
	if command -v lsvmbus > /dev/null; then
		echo "DEMO: # lsvmbus"
		lsvmbus | sed 's/^/DEMO:   /'
	fi
	echo "DEMO: host: LUN 0 served $(stor_stat "$r" lun0_reads) reads and $(stor_stat "$r" lun0_writes) writes since boot"
}

check_disk() {
	local want got
	want=$(vm_img_cat "$1" /root/stor-root.sha256)
	got=$(vm_img_sha256 "$1" /root/stor-root.bin)
	[ -n "$want" ] || { echo "no /root/stor-root.sha256 on the root image"; return 1; }
	[ "$want" = "$got" ] || { echo "/root/stor-root.bin on the image: sha256 $got, the guest wrote $want"; return 1; }
	echo "root image has the file the guest wrote through hv_storvsc" >&2
}
