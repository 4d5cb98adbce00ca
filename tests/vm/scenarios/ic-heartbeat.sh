# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-heartbeat: the IC framework and the heartbeat service of hv_utils on
# the simulated host. The host negotiates when the guest opens the channel;
# the guest must pick the newest versions both sides list (3.0/3.0 by
# default, 1.0/1.0 when the host offers only those, none when nothing is
# common) and answer every heartbeat with its sequence number plus one.
# Malformed requests: a packet shorter than the IC headers (VMBus pads
# lengths to 8 bytes, so at most 24 bytes) is dropped
# unanswered, an unknown message type and a short heartbeat get HV_E_FAIL,
# a request longer than hv_utils' buffer is skipped unanswered, and the
# heartbeats go on afterwards. Unloading hv_utils closes the
# channel; loading it again negotiates again.

# shellcheck disable=SC2034
VM_TIMEOUT=180

guest() {
	local n

	sim_start
	sim_ctl add heartbeat
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load || vm_fail "insmod hv_utils failed"
	wait_ic heartbeat negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field heartbeat fw)" 3.0
	expect "negotiated message version" "$(ic_field heartbeat msg)" 3.0
	expect_kmsg "guest log" "hv_utils: heartbeat: IC framework 3.0, message version 3.0"

	sim_ic heartbeat beat 25 || vm_fail "25 heartbeats failed"
	expect "heartbeats answered right" "$(ic_field heartbeat heartbeat_ok)" 25
	sim_ic heartbeat beat 5 || vm_fail "5 more heartbeats failed"
	expect "heartbeat count advances" "$(ic_field heartbeat heartbeat_ok)" 30

	# An older host: only 1.0 of each.
	sim_ic heartbeat versions fw=1.0 msg=1.0 || vm_fail "versions command failed"
	sim_ic heartbeat negotiate || vm_fail "renegotiation failed"
	expect "WS2008 framework" "$(ic_field heartbeat fw)" 1.0
	expect "WS2008 message version" "$(ic_field heartbeat msg)" 1.0
	sim_ic heartbeat beat 3 || vm_fail "heartbeats on 1.0 failed"

	# A host listing several, out of order: the newest common pair wins.
	sim_ic heartbeat versions fw=1.0,3.0,9.0 msg=9.9,1.0,3.0 || vm_fail "versions failed"
	sim_ic heartbeat negotiate || vm_fail "renegotiation failed"
	expect "newest common framework" "$(ic_field heartbeat fw)" 3.0
	expect "newest common message version" "$(ic_field heartbeat msg)" 3.0

	# Nothing in common: a valid answer that lists nothing, and a warning.
	kmsg_mark
	sim_ic heartbeat versions fw=2.0 msg=3.0 || vm_fail "versions failed"
	sim_ic heartbeat negotiate || vm_fail "negotiation without a common version failed"
	expect "no common version: negotiated" "$(ic_field heartbeat negotiated)" 1
	expect "no common version: framework" "$(ic_field heartbeat fw)" 0.0
	expect_kmsg "no common version logged" "heartbeat: the host offers no version we speak"
	sim_ic heartbeat versions fw=3.0 msg=3.0 && sim_ic heartbeat negotiate ||
		vm_fail "renegotiation failed"

	# Malformed requests.
	kmsg_mark
	for n in 0 1 8 24; do
		sim_ic heartbeat runt "$n" || vm_fail "a $n-byte runt was answered, or the host failed"
	done
	expect_kmsg "runt logged" "hv_utils: heartbeat: dropped a packet of"
	sim_ic heartbeat send 99 16 || vm_fail "unknown message type got no answer"
	expect "unknown type: status" "$(ic_field heartbeat last_status)" 0x80004005
	expect_kmsg "unknown type logged" "heartbeat: unexpected message type 99"
	sim_ic heartbeat send 1 4 || vm_fail "short heartbeat got no answer"
	expect "short heartbeat: status" "$(ic_field heartbeat last_status)" 0x80004005
	# Longer than any request hv_utils takes: skipped unanswered (the host
	# times out after 5 s), and the ring moves on past it.
	sim_ic heartbeat send 1 8000 && vm_fail "an 8000-byte heartbeat was answered"
	expect "oversized request: host timeouts" "$(ic_field heartbeat timeouts)" 1
	expect_kmsg "oversized request logged" "heartbeat: dropped a packet of"
	sim_ic heartbeat beat 3 || vm_fail "heartbeats after malformed requests failed"
	expect "timeouts" "$(ic_field heartbeat timeouts)" 1
	expect "bad answers" "$(ic_field heartbeat bad_answers)" 0

	# Unload: the channel closes and requests fail at once; reload renegotiates.
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	wait_ic heartbeat open 0 || vm_fail "the host still sees the channel open"
	sim_ic heartbeat beat 1 && vm_fail "a heartbeat on a closed channel succeeded"
	utils_load || vm_fail "second insmod hv_utils failed"
	wait_ic heartbeat open 1 || vm_fail "no reopen"
	wait_ic heartbeat negotiated 1 || vm_fail "no renegotiation"
	sim_ic heartbeat beat 10 || vm_fail "heartbeats after reload failed"
	vm_detail "host ic state" < "$HVSIM/ic"

	rmmod hv_utils || vm_fail "final rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
