# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-multichannel: a 2012 R2 host offering sub-channels. The guest asks
# for them (CREATE_SUB_CHANNELS), and I/O from both CPUs is served on more
# than one channel, as the host's per-channel counters show; every sector
# reads back as written (guest/storverify.c, four workers).

# shellcheck disable=SC2034
VM_TIMEOUT=240
VM_KMODS="sd_mod scsi_transport_fc"
VM_GUEST_TOOLS="storverify"

guest() {
	local r sd i out

	sim_start
	sim_ctl add scsi gen=2012r2 subch=4 ram=32M
	r=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	i=0
	while [ "$i" -lt 200 ] && ! sd=$(stor_disk "$r" 0); do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$sd" ] || ! wait_blk "$sd"; then
		vm_fail "no disk"
		return
	fi
	sleep 1
	vm_log "host: sub-channels created $(stor_stat "$r" subch_created)"
	[ "$(stor_stat "$r" subch_created)" -ge 1 ] || vm_fail "the guest asked for no sub-channels"
	# four workers on their own slices of the disk, over both CPUs
	out=$(storverify "/dev/$sd" 300 4 1 2>&1) || vm_fail "verify run failed"
	echo "$out" | vm_detail storverify
	grep "^$r chan" "$HVSIM/stor" | vm_detail "host channels"
	i=$(stor_chans_used "$r")
	[ "$i" -ge 2 ] || vm_fail "I/O used $i channel(s), expected at least 2"
	stor_unload || vm_fail "rmmod hv_storvsc failed"
}
