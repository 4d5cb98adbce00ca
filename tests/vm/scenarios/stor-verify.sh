# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-verify: a long random read/write verify run (guest/storverify.c:
# 1..512 sectors at random offsets, O_DIRECT, two workers) on a RAM disk of
# the storage host, as the oldest and the newest host generation: the
# rings wrap around many times, and every sector written reads back as
# written.

# shellcheck disable=SC2034
VM_TIMEOUT=420
VM_KMODS="sd_mod scsi_transport_fc"
VM_GUEST_TOOLS="storverify"

guest() {
	local g r sd i out old=""

	sim_start
	for g in 2008:0.13 2022:5.3; do
		[ -z "$old" ] || sim_ctl rescind "$old"
		sim_ctl version "${g#*:}"
		g=${g%:*}
		sim_ctl add scsi gen="$g" ram=32M
		r=$(stor_relid)
		old=$r
		vmbus_load || { vm_fail "$g: insmod hv_vmbus failed"; continue; }
		stor_load || vm_fail "$g: insmod hv_storvsc failed"
		if ! sd=$(stor_wait_disk "$r" 0); then
			vm_fail "$g: no disk"
		else
			out=$(storverify "/dev/$sd" 1500 2 "$r" 2>&1) || vm_fail "$g: verify run failed"
			echo "$out" | vm_detail "$g: storverify"
			vm_log "$g: host I/Os $(stor_stat "$r" chan0_ios) on the primary, $(stor_chans_used "$r") channel(s) used"
		fi
		stor_unload || vm_fail "$g: rmmod hv_storvsc failed"
		vmbus_unload || vm_fail "$g: rmmod hv_vmbus failed"
	done
}
