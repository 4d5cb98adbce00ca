# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-versions: initialization and I/O as every host generation, each
# with its VMBus version: 2008 (VSTOR 2.0), 2008 R2 (4.2), 2012 (5.1),
# 2012 R2 (6.0), 2016, 2019, 2022 (6.2). For each: hv_vmbus and
# hv_storvsc load, the disk appears, the host agreed to the newest version
# it speaks, 1 MiB written and read back intact with O_DIRECT, then both
# modules unload.

# shellcheck disable=SC2034
VM_TIMEOUT=420
VM_KMODS="sd_mod scsi_transport_fc"

guest() {
	local g vmb want r sd s1 s2 i old=""

	dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2> /dev/null
	s1=$(md5sum < /tmp/pat)
	sim_start
	for g in 2008:0.13:2.0 2008r2:1.1:4.2 2012:2.4:5.1 2012r2:3.0:6.0 2016:4.0:6.2 \
		2019:5.2:6.2 2022:5.3:6.2; do
		vmb=${g#*:}
		want=${vmb#*:}
		vmb=${vmb%:*}
		g=${g%%:*}
		[ -z "$old" ] || sim_ctl rescind "$old"
		sim_ctl version "$vmb"
		sim_ctl add scsi gen="$g" ram=16M
		r=$(stor_relid)
		old=$r
		vmbus_load || { vm_fail "$g: insmod hv_vmbus failed"; continue; }
		stor_load || vm_fail "$g: insmod hv_storvsc failed"
		if ! sd=$(stor_wait_disk "$r" 0); then
			vm_fail "$g: no disk"
			vm_kmsg | tail -n 20 | vm_detail "$g: kernel log"
		else
			expect "$g: VSTOR version" "$(stor_stat "$r" version)" "$want"
			dd if=/tmp/pat of="/dev/$sd" bs=64k oflag=direct 2> /dev/null || vm_fail "$g: write failed"
			s2=$(dd if="/dev/$sd" bs=64k count=16 iflag=direct 2> /dev/null | md5sum)
			expect "$g: checksum" "$s2" "$s1"
			vm_log "$g: refused versions $(stor_stat "$r" version_refused), I/Os $(stor_stat "$r" chan0_ios)"
		fi
		stor_unload || vm_fail "$g: rmmod hv_storvsc failed"
		vmbus_unload || vm_fail "$g: rmmod hv_vmbus failed"
	done
}
