# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-multichannel: a 2012 R2 host offering sub-channels. The guest asks
# for them (CREATE_SUB_CHANNELS), and I/O from both CPUs is served on more
# than one channel, as the host's per-channel counters show; every sector
# reads back as written (guest/storverify.c, four workers). The guest's
# per-channel counters (debugfs hv_storvsc/<device>) agree with the host's:
# for each channel, the completions the guest took are the SRBs the host
# answered on it, none bad, none with an unknown transaction id. The disk
# has one blk-mq hardware queue per channel (/sys/block/sdX/mq), and every
# command a sub-channel carried was sent there by its hardware queue (the
# guest's hwq_ios). The host served each channel's packets in batches, one
# signal to the guest per batch (hvsim's devices file: batches, at least
# one and at most one per packet of the channel). A channel's data path is
# its own: with the host's global lock held by another worker ("lock hold"),
# direct reads of the disk are still served (60 s is a hang guard, not a
# speed goal; the lock is released after).

# shellcheck disable=SC2034
VM_TIMEOUT=240
VM_KMODS="sd_mod scsi_transport_fc"
VM_GUEST_TOOLS="storverify"

guest() {
	local r sd i out dev f idx ios comp bad unk late runs exh mb mrn hwq rea hios used nq q rel bat pk

	sim_start
	sim_ctl add scsi gen=2012r2 subch=4 ram=32M
	r=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	if ! sd=$(stor_wait_disk "$r" 0); then
		vm_fail "no disk"
		return
	fi
	sleep 1
	vm_log "host: sub-channels created $(stor_stat "$r" subch_created)"
	[ "$(stor_stat "$r" subch_created)" -ge 1 ] || vm_fail "the guest asked for no sub-channels"
	# four workers on their own slices of the disk, over both CPUs
	out=$(storverify "/dev/$sd" 300 4 1 2>&1) || vm_fail "verify run failed"
	echo "$out" | vm_detail storverify
	sim_ctl lock hold
	expect "host's global lock held" "$(cat "$HVSIM/lock_held")" 1
	out=$(timeout 60 dd if="/dev/$sd" of=/dev/null bs=4096 count=256 iflag=direct 2>&1) ||
		vm_fail "direct reads stalled while the host's global lock was held: $out"
	expect "host's global lock still held after those reads" "$(cat "$HVSIM/lock_held")" 1
	sim_ctl lock release
	expect "host's global lock released" "$(cat "$HVSIM/lock_held")" 0
	grep "^$r chan" "$HVSIM/stor" | vm_detail "host channels"
	# one blk-mq hardware queue per channel: the primary and the sub-channel
	nq=0
	for q in "/sys/block/$sd/mq"/*; do
		[ -e "$q" ] && nq=$((nq + 1))
	done
	expect "blk-mq hardware queues of $sd" "$nq" 2
	i=$(stor_chans_used "$r")
	[ "$i" -ge 2 ] || vm_fail "I/O used $i channel(s), expected at least 2"
	dev=$(vmbus_dev "$r") && f=/sys/kernel/debug/hv_storvsc/$(basename "$dev")
	if [ -n "$f" ] && [ -r "$f" ]; then
		vm_detail "guest channels" < "$f"
		used=0
		# shellcheck disable=SC2034
		while read -r idx ios comp bad unk late runs exh mb mrn hwq rea; do
			[ "$idx" = subchannel ] && continue
			hios=$(stor_stat "$r" "chan${idx}_ios")
			expect "channel $idx: guest completions = host SRBs answered" "$comp" "$hios"
			expect "channel $idx: bad completions" "$bad" 0
			expect "channel $idx: unknown transaction ids" "$unk" 0
			[ "$comp" -gt 0 ] && used=$((used + 1))
			rel=$(stor_stat "$r" "chan${idx}_relid")
			bat=$(sim_dev "$rel" batches)
			pk=$(sim_dev "$rel" packets)
			vm_log "channel $idx (relid $rel): host packets $pk in $bat batches, signals saved $(sim_dev "$rel" signals_saved); guest rearms $rea"
			if [ "$comp" -gt 0 ] && { [ -z "$bat" ] || [ "$bat" -lt 1 ] || [ "$bat" -gt "$pk" ]; }; then
				vm_fail "channel $idx: the host served $pk packets in '$bat' batches"
			fi
			# every command a sub-channel carried came by its blk-mq queue
			if [ "$idx" -gt 0 ]; then
				expect "channel $idx: commands sent by their hardware queue" "$hwq" "$ios"
			elif [ "${hwq:-0}" -eq 0 ]; then
				vm_fail "channel 0: no command sent by its hardware queue"
			fi
		done < "$f"
		[ "$used" -ge 2 ] || vm_fail "the guest counted completions on $used channel(s)"
	else
		vm_fail "no per-channel counters of the guest (debugfs hv_storvsc/<device>)"
	fi
	stor_unload || vm_fail "rmmod hv_storvsc failed"
}
