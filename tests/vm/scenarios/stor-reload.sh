# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-reload: hv_storvsc unloaded and loaded again five times with two
# disks present (one on sub-channels): each time the disks come back with
# their data, and after the last unload the host has no storage channel
# open. Then hv_vmbus unloads and loads with the disks present, too.

# shellcheck disable=SC2034
VM_TIMEOUT=300
VM_KMODS="sd_mod scsi_transport_fc"

disk_of() {
	local i=0 d
	while [ "$i" -lt 200 ]; do
		d=$(stor_disk "$1" "$2") && wait_blk "$d" 5 && { echo "$d"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

guest() {
	local r a b n s1 s2 d

	dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
	s1=$(md5sum < /tmp/pat)
	sim_start
	sim_ctl add scsi ram=16M
	r=$(stor_relid)
	stor_ctl "$r" lun 3 ram 16M quiet
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	for n in 1 2 3 4 5 6; do
		if [ "$n" = 6 ]; then
			vmbus_unload || vm_fail "rmmod hv_vmbus failed"
			vmbus_load || vm_fail "insmod hv_vmbus (again) failed"
		fi
		stor_load || { vm_fail "round $n: insmod hv_storvsc failed"; break; }
		a=$(disk_of "$r" 0) || vm_fail "round $n: no LUN 0"
		b=$(disk_of "$r" 3) || vm_fail "round $n: no LUN 3"
		if [ "$n" = 1 ] && [ -n "$a" ]; then
			dd if=/tmp/pat of="/dev/$a" bs=64k oflag=direct 2> /dev/null || vm_fail "write failed"
			dd if=/tmp/pat of="/dev/$b" bs=64k oflag=direct 2> /dev/null || vm_fail "write failed"
		fi
		for d in $a $b; do
			s2=$(dd if="/dev/$d" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
			expect "round $n: $d checksum" "$s2" "$s1"
		done
		stor_unload || { vm_fail "round $n: rmmod hv_storvsc failed"; break; }
		for d in /sys/block/sd*; do
			[ ! -e "$d" ] || vm_fail "round $n: $d left after the unload"
		done
	done
	awk 'NR > 1 && $3 == "stor" && $7 == 1' "$HVSIM/devices" | grep -q . &&
		vm_fail "host still has storage channels open"
	vm_detail "host channels" < "$HVSIM/devices"
}
