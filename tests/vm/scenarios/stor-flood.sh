# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stor-flood: a flood of completions (tests/hvsim/stor_host.c fault
# "flood": 1000 completions with transaction ids never used, written in one
# burst before the real one, then one signal). The guest's channel callback
# handles at most its budget of packets per run (hv_storvsc's
# completion_budget, 64 here) and schedules the rest for another run: the
# read completes with no reset, every bogus completion is counted and
# dropped, at least 1000/64 runs ended on the budget, and no run handled
# more than the budget (debugfs hv_storvsc/<device>: unknown_tids,
# budget_exhausted, max_batch; max_run_ns is logged, not asserted).

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_KMODS="sd_mod scsi_transport_fc"

BUDGET=64

# col FILE NAME: the sum over the channel lines of column NAME (by header)
col() {
	awk -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
		c { s += $c } END { print c ? s + 0 : "missing" }' "$1"
}
colmax() {
	awk -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
		c && $c > m { m = $c } END { print c ? m + 0 : "missing" }' "$1"
}

guest() {
	local r sd i dev f unk0 unk ex mb rc

	sim_start
	sim_ctl add scsi gen=2022 subch=0 ram=16M
	r=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load completion_budget=$BUDGET || vm_fail "insmod hv_storvsc failed"
	if ! sd=$(stor_wait_disk "$r" 0); then
		vm_fail "no disk"
		return
	fi
	# a guest that strands the flood's tail would time out and reset
	echo 5 > "/sys/block/$sd/device/timeout"
	dev=$(vmbus_dev "$r") && f=/sys/kernel/debug/hv_storvsc/$(basename "$dev")
	[ -r "$f" ] || { vm_fail "no guest counters ($f)"; return; }
	unk0=$(col "$f" unknown_tids)
	stor_ctl "$r" fault flood
	timeout 60 dd if="/dev/$sd" of=/dev/null bs=64k count=1 iflag=direct 2> /dev/null
	rc=$?
	vm_detail "guest channels" < "$f"
	expect "flood: the read" "$rc" 0
	expect "flood: fired" "$(stor_stat "$r" fault_flood)" 1
	expect "flood: completions the host could not send" "$(stor_stat "$r" dropped)" 0
	expect "flood: resets" "$(stor_stat "$r" resets)" 0
	unk=$(col "$f" unknown_tids)
	[ "$unk" = missing ] || unk=$((unk - unk0))
	expect "flood: bogus completions counted" "$unk" 1000
	ex=$(col "$f" budget_exhausted)
	mb=$(colmax "$f" max_batch)
	vm_log "flood: runs ended on the budget $ex, longest run $mb packets, $(colmax "$f" max_run_ns) ns"
	if [ "$ex" = missing ] || [ "$ex" -lt $((1000 / BUDGET)) ]; then
		vm_fail "flood: runs ended on the budget: $ex, expected at least $((1000 / BUDGET))"
	fi
	expect "flood: longest run = the budget" "$mb" "$BUDGET"
	dd if="/dev/$sd" of=/dev/null bs=64k count=16 iflag=direct 2> /dev/null ||
		vm_fail "I/O after the flood failed"
	stor_unload || vm_fail "rmmod hv_storvsc failed"
}
