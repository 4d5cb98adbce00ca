# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-basic: hv_storvsc on the simulated host's storage (tests/hvsim/
# stor_host.c), newest host. A SCSI controller with a 64 MiB RAM disk and
# an IDE controller with a 32 MiB one: both appear as sd disks by
# themselves, with the host's identity; ext4 made on the SCSI disk, a file
# written, read back after a remount with the caches dropped and checked by
# checksum; fstrim reaches the host as UNMAP; the host's counters show the
# I/O; WRITE SAME is never sent; e2fsck finds the file system clean.
# Discard as the host says it works: a blkdiscard of written blocks on the
# RAM disk reads back as zeros (LBPRZ) and counts its blocks at the host;
# on a second LUN backed by a file (bdev=, on the guest's tmpfs) the host
# punches holes, so the file's allocated blocks go away.
# A Fibre Channel adapter with an 8 MiB RAM disk: its disk works, and the
# port and node names the host reports (FCHBA_DATA) are the SCSI host's
# /sys/class/fc_host/hostN/port_name and node_name.

# shellcheck disable=SC2034
VM_TIMEOUT=240
VM_KMODS="sd_mod scsi_transport_fc ext4 crc32c_generic"
VM_BINARIES="mkfs.ext4 e2fsck"
BASIC_LUN1_MB=16

guest() {
	local r ide fc fd fh sd hd sd1 sum1 sum2 w rd i u0 u1 b0 b1

	sim_start
	sim_ctl add scsi ram=64M
	r=$(stor_relid)
	# LUN 1: a file on tmpfs, every block allocated
	dd if=/dev/zero of=/tmp/lun1.img bs=1M count=$BASIC_LUN1_MB 2> /dev/null
	stor_ctl "$r" lun 1 bdev /tmp/lun1.img quiet || vm_fail "adding the file-backed LUN 1 failed"
	sim_ctl add ide ram=32M channel=1
	ide=$(stor_relid)
	sim_ctl add fc ram=8M
	fc=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	i=0
	while [ "$i" -lt 200 ] && { ! sd=$(stor_disk "$r" 0) || ! hd=$(stor_disk "$ide" 0) ||
		! sd1=$(stor_disk "$r" 1) || ! fd=$(stor_disk "$fc" 0); }; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$sd" ] || { vm_fail "no disk for the SCSI controller"; vm_kmsg | tail -n 30 | vm_detail log; return; }
	[ -n "$hd" ] || vm_fail "no disk for the IDE controller"
	wait_blk "$sd" || vm_fail "no /dev/$sd"
	vm_log "SCSI disk: $sd, IDE disk: $hd"
	expect "host: SCSI version" "$(stor_stat "$r" version)" 6.2
	expect "host: SCSI ready" "$(stor_stat "$r" ready)" 1
	expect "$sd vendor" "$(tr -d ' ' < "/sys/block/$sd/device/vendor")" "Msft"
	expect "$sd model" "$(sed 's/ *$//' "/sys/block/$sd/device/model")" "Virtual Disk"
	expect "$sd size (sectors)" "$(cat "/sys/block/$sd/size")" 131072
	[ -z "$hd" ] || expect "$hd size (sectors)" "$(cat "/sys/block/$hd/size")" 65536

	mkfs.ext4 -q -F "/dev/$sd" || vm_fail "mkfs.ext4 /dev/$sd failed"
	mkdir -p /mnt
	mount -t ext4 "/dev/$sd" /mnt || { vm_fail "mount /dev/$sd failed"; return; }
	dd if=/dev/urandom of=/mnt/file bs=64k count=128 2> /dev/null || vm_fail "writing /mnt/file failed"
	sum1=$(md5sum < /mnt/file)
	umount /mnt || vm_fail "umount failed"
	echo 3 > /proc/sys/vm/drop_caches
	mount -t ext4 "/dev/$sd" /mnt || { vm_fail "second mount failed"; return; }
	sum2=$(md5sum < /mnt/file)
	expect "checksum after remount" "$sum2" "$sum1"
	w=$(stor_stat "$r" lun0_bytes_written)
	rd=$(stor_stat "$r" lun0_bytes_read)
	vm_log "host: LUN 0 bytes written $w, read $rd, flushes $(stor_stat "$r" lun0_flushes)"
	[ "${w:-0}" -ge 8388608 ] || vm_fail "host saw only $w bytes written (8 MiB file)"
	[ "${rd:-0}" -ge 8388608 ] || vm_fail "host saw only $rd bytes read (8 MiB file)"
	[ "$(stor_stat "$r" lun0_flushes)" -gt 0 ] || vm_fail "no SYNCHRONIZE CACHE reached the host"

	rm /mnt/file
	fstrim -v /mnt || vm_fail "fstrim failed"
	[ "$(stor_stat "$r" lun0_unmap_ranges)" -gt 0 ] || vm_fail "fstrim sent no UNMAP to the host"
	vm_log "host: UNMAP commands $(stor_stat "$r" lun0_unmaps), ranges $(stor_stat "$r" lun0_unmap_ranges), blocks $(stor_stat "$r" lun0_unmap_blocks)"
	umount /mnt || vm_fail "final umount failed"
	e2fsck -fn "/dev/$sd" > /tmp/fsck 2>&1 || { vm_fail "e2fsck found errors"; vm_detail e2fsck < /tmp/fsck; }

	# discard on the RAM backend: 1 MiB at 60 MiB (the file system is done
	# with), written, discarded, read back as zeros (LBPRZ)
	dd if=/dev/zero of=/tmp/zero bs=64k count=16 2> /dev/null
	dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
	dd if=/tmp/pat of="/dev/$sd" bs=64k seek=960 oflag=direct conv=notrunc 2> /dev/null ||
		vm_fail "writing at 60 MiB failed"
	dd if="/dev/$sd" bs=64k skip=960 count=16 iflag=direct 2> /dev/null | cmp -s - /tmp/pat ||
		vm_fail "the pattern at 60 MiB did not read back"
	u0=$(stor_stat "$r" lun0_unmap_blocks)
	blkdiscard -o $((60 << 20)) -l $((1 << 20)) "/dev/$sd" || vm_fail "blkdiscard on /dev/$sd failed"
	u1=$(stor_stat "$r" lun0_unmap_blocks)
	expect "host: LUN 0 blocks unmapped by blkdiscard of 1 MiB" "$((u1 - u0))" 2048
	dd if="/dev/$sd" bs=64k skip=960 count=16 iflag=direct 2> /dev/null | cmp -s - /tmp/zero ||
		vm_fail "discarded blocks of the RAM disk do not read back as zeros"
	# discard on the file backend frees the file's blocks
	if [ -n "$sd1" ] && wait_blk "$sd1"; then
		b0=$(stat -c %b /tmp/lun1.img)
		blkdiscard "/dev/$sd1" || vm_fail "blkdiscard on /dev/$sd1 failed"
		b1=$(stat -c %b /tmp/lun1.img)
		vm_log "host: LUN 1 file blocks before $b0, after $b1; unmapped $(stor_stat "$r" lun1_unmap_blocks)"
		expect "host: LUN 1 blocks unmapped" "$(stor_stat "$r" lun1_unmap_blocks)" $((BASIC_LUN1_MB * 2048))
		[ "$b0" -ge $((BASIC_LUN1_MB * 2048)) ] || vm_fail "the LUN 1 file had $b0 blocks before"
		[ "$b1" -lt $((b0 / 8)) ] || vm_fail "the LUN 1 file kept $b1 of $b0 blocks after the discard"
		dd if="/dev/$sd1" bs=64k count=16 iflag=direct 2> /dev/null | cmp -s - /tmp/zero ||
			vm_fail "the discarded file-backed LUN does not read back as zeros"
	else
		vm_fail "no disk for the file-backed LUN 1"
	fi

	if [ -n "$hd" ]; then
		dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
		dd if=/tmp/pat of="/dev/$hd" bs=64k oflag=direct 2> /dev/null || vm_fail "write to /dev/$hd failed"
		sum1=$(md5sum < /tmp/pat)
		sum2=$(dd if="/dev/$hd" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
		expect "IDE disk checksum" "$sum2" "$sum1"
		[ "$(stor_stat "$ide" lun0_bytes_written)" -ge 1048576 ] || vm_fail "IDE host saw no writes"
	fi
	# Fibre Channel: the names the host made up (stor_host.c: NAA 5, the
	# relid), the disk usable
	for fh in "$(vmbus_dev "$fc")"/host*; do break; done
	fh=$(basename "$fh")
	vm_log "FC adapter: relid $fc, SCSI $fh, disk ${fd:-none}"
	expect "FC port_name" "$(cat "/sys/class/fc_host/$fh/port_name" 2> /dev/null)" \
		"$(printf '0x500000006876%04x' $(((fc << 4) | 1)))"
	expect "FC node_name" "$(cat "/sys/class/fc_host/$fh/node_name" 2> /dev/null)" \
		"$(printf '0x500000006876%04x' $((fc << 4)))"
	if [ -n "$fd" ] && wait_blk "$fd"; then
		dd if=/tmp/pat of="/dev/$fd" bs=64k oflag=direct 2> /dev/null || vm_fail "write to /dev/$fd failed"
		sum2=$(dd if="/dev/$fd" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
		expect "FC disk checksum" "$sum2" "$(md5sum < /tmp/pat)"
	else
		vm_fail "no disk for the FC adapter"
	fi
	expect "host: WRITE SAME commands" "$(stor_stat "$r" write_same)" 0
	expect "host: bad packets" "$(stor_stat "$r" bad_packets)" 0
	expect "host: bad SRBs" "$(stor_stat "$r" bad_srbs)" 0
	vm_detail "host counters" < "$HVSIM/stor"
}
