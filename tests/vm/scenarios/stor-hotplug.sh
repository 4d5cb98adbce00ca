# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-hotplug: the host adds a LUN to a running controller and tells the
# guest (ENUMERATE_BUS): the disk appears by itself, no manual rescan. Then
# the host removes a mounted disk while a writer keeps it busy
# (REMOVE_DEVICE): the writer gets I/O errors and ends, the disk goes away,
# the kernel logs no oops and nothing hangs; the other disk still works.

# shellcheck disable=SC2034
VM_TIMEOUT=240
VM_KMODS="sd_mod scsi_transport_fc ext4 crc32c_generic"
VM_BINARIES="mkfs.ext4"

guest() {
	local r sd sd1 i pid s1 s2

	sim_start
	sim_ctl add scsi ram=32M
	r=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	sd=$(stor_wait_disk "$r" 0) || { vm_fail "no disk for LUN 0"; return; }

	# hot add
	stor_ctl "$r" lun 1 ram 32M
	i=0
	while [ "$i" -lt 300 ] && ! sd1=$(stor_disk "$r" 1); do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$sd1" ] || { vm_fail "hot-added LUN 1 did not appear within 30 s"; return; }
	wait_blk "$sd1" || vm_fail "no /dev/$sd1"
	vm_log "hot-added LUN 1 is $sd1 (host sent $(stor_stat "$r" enumerates) ENUMERATE_BUS)"
	expect "$sd1 size" "$(cat "/sys/block/$sd1/size")" 65536

	# hot remove of a mounted, busy disk
	mkfs.ext4 -q -F "/dev/$sd1" || vm_fail "mkfs.ext4 /dev/$sd1 failed"
	mkdir -p /mnt
	mount -t ext4 "/dev/$sd1" /mnt || { vm_fail "mount /dev/$sd1 failed"; return; }
	( i=0; while [ "$i" -lt 100000 ]; do
		dd if=/dev/zero of=/mnt/busy bs=64k count=64 conv=fsync 2> /dev/null || exit 0
		i=$((i + 1))
	done; exit 1 ) &
	pid=$!
	sleep 2
	stor_ctl "$r" lun 1 remove
	wait_noblk "$sd1" 30 || vm_fail "/dev/$sd1 still there 30 s after the removal"
	i=0
	while [ "$i" -lt 300 ] && kill -0 "$pid" 2> /dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2> /dev/null; then
		vm_fail "the writer on the removed disk still runs after 30 s"
		kill "$pid"
	else
		wait "$pid" || vm_fail "the writer never saw an I/O error"
	fi
	umount -l /mnt 2> /dev/null
	vm_log "host: REMOVE_DEVICE sent $(stor_stat "$r" removes)"

	# the remaining disk is fine
	dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
	s1=$(md5sum < /tmp/pat)
	dd if=/tmp/pat of="/dev/$sd" bs=64k oflag=direct 2> /dev/null || vm_fail "write to /dev/$sd failed"
	s2=$(dd if="/dev/$sd" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
	expect "LUN 0 checksum after the removal" "$s2" "$s1"
	stor_unload || vm_fail "rmmod hv_storvsc failed"
}
