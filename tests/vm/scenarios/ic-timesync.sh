# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-timesync: the time sync service of hv_utils on the simulated host,
# whose "host clock" is the guest's wall clock plus an offset the test
# picks. Checked against the wall and monotonic clocks (clockread):
#  - negotiation picks message version 4.0 (3.0, 1.0 from older hosts);
#  - the "hyperv" PTP clock exists, fails before the first sample and then
#    reads host time;
#  - a SYNC sets the clock to host time (+30 s, -30 s: within 1 s);
#  - samples off by less than timesync_step_ms (5000) leave the clock
#    alone and only move the PTP clock; samples off by more set the clock;
#    timesync_step_ms=0 turns that off;
#  - version 4 adds the transit time through the reference counter (a
#    sample the host held back 2 s is still right); versions 3 and 1 have
#    no counter and end up that much behind;
#  - short bodies and host times before 1970 get HV_E_FAIL; a probe OK;
#  - a host sending 100 SYNCs back to back gets at most 10 log lines a
#    minute about them (issue 16 item 10; 20 counted, in case a minute
#    boundary falls inside the flood);
#  - unloading hv_utils removes the PTP clock.

# shellcheck disable=SC2034
VM_TIMEOUT=180
# shellcheck disable=SC2034
VM_GUEST_TOOLS="clockread"

# clock_mark: remember the wall and monotonic clocks (ms)
clock_mark() {
	# shellcheck disable=SC2046 # the words of one line
	set -- $(clockread)
	T_REAL=$2
	T_MONO=$4
}
# clock_err OFFSET_MS: how far the wall clock moved since clock_mark beyond
# the time that passed and OFFSET_MS (ms; 0 when it moved by exactly that)
clock_err() {
	local want=$1
	# shellcheck disable=SC2046 # the words of one line
	set -- $(clockread)
	echo $(($2 - T_REAL - ($4 - T_MONO) - want))
}
# within WHAT VALUE LIMIT: vm_fail unless |VALUE| <= LIMIT
within() {
	local v=$2
	[ "$v" -lt 0 ] && v=$((-v))
	if [ "$v" -le "$3" ]; then
		vm_log "ok: $1 = $2 (limit +-$3)"
	else
		vm_fail "$1 is $2, beyond +-$3"
	fi
}
# step VERB OFFSET_MS [DELAY_MS] WANT_MS LIMIT WHAT: send a SYNC or SAMPLE,
# wait for the clock to be set, check it moved by WANT_MS
step() {
	local verb=$1 off=$2 delay=$3 want=$4 limit=$5 what=$6
	kmsg_mark
	clock_mark
	sim_ic timesync "$verb" "$off" "$delay" || vm_fail "$what: the host's $verb failed"
	expect "$what: status" "$(ic_field timesync last_status)" 0x00000000
	expect_kmsg "$what: clock set" "time sync: clock set to the host's time"
	within "$what: clock error (ms)" "$(clock_err "$want")" "$limit"
}
# no_step OFFSET_MS WHAT: a sample that must leave the clock alone
no_step() {
	kmsg_mark
	clock_mark
	sim_ic timesync sample "$1" || vm_fail "$2: the host's sample failed"
	expect "$2: status" "$(ic_field timesync last_status)" 0x00000000
	sleep 0.5
	within "$2: clock moved (ms)" "$(clock_err 0)" 300
	if kmsg_new | grep -q "time sync: clock set"; then
		vm_fail "$2: the clock was set"
	fi
}

guest() {
	local d ptp='' r i n

	sim_start
	sim_ctl add timesync
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load || vm_fail "insmod hv_utils failed"
	wait_ic timesync negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field timesync fw)" 3.0
	expect "negotiated message version" "$(ic_field timesync msg)" 4.0
	expect_kmsg "guest log" "hv_utils: timesync: IC framework 3.0, message version 4.0"

	# The PTP clock: there, named hyperv, no time before the first sample.
	for d in /sys/class/ptp/ptp*; do
		[ "$(cat "$d/clock_name" 2> /dev/null)" = hyperv ] && ptp=/dev/${d##*/}
	done
	[ -n "$ptp" ] || vm_fail "no PTP clock named hyperv in /sys/class/ptp"
	expect_kmsg "PTP clock logged" "time sync: PTP clock \"hyperv\" is $ptp"
	clockread "$ptp" > /dev/null 2>&1 && vm_fail "the PTP clock read a time before any sample"

	# SYNC: the clock is set to host time, either way.
	step sync 30000 0 30000 1000 "SYNC +30 s"
	step sync -30000 0 -30000 1000 "SYNC -30 s"

	# Samples: small offsets only move the PTP clock.
	no_step 2000 "sample +2 s"
	r=$(clockread "$ptp") || vm_fail "the PTP clock cannot be read"
	vm_log "PTP after sample +2 s: $r"
	# shellcheck disable=SC2086 # the words of one line
	set -- $r
	within "PTP clock minus wall clock, sample +2 s (ms)" "$(($8 - 2000))" 300
	no_step -2000 "sample -2 s"
	# shellcheck disable=SC2046 # the words of one line
	set -- $(clockread "$ptp")
	within "PTP clock minus wall clock, sample -2 s (ms)" "$(($8 + 2000))" 300
	# ... and large ones set the clock too.
	step sample 8000 0 8000 1000 "sample +8 s"
	step sample -8000 0 -8000 1000 "sample -8 s"
	# shellcheck disable=SC2046 # the words of one line
	set -- $(clockread "$ptp")
	within "PTP clock minus wall clock after a step (ms)" "$8" 300
	echo 0 > /sys/module/hv_utils/parameters/timesync_step_ms || vm_fail "cannot set timesync_step_ms"
	no_step 8000 "sample +8 s, timesync_step_ms=0"
	echo 5000 > /sys/module/hv_utils/parameters/timesync_step_ms
	no_step 4900 "sample +4.9 s"

	# Transit: the host holds the message back 2 s after reading its clock.
	step sync 10000 2000 10000 500 "SYNC +10 s, 2 s in transit, version 4"

	# Malformed and odd requests.
	kmsg_mark
	sim_ic timesync send 4 8 || vm_fail "a short time sample got no answer"
	expect "short sample: status" "$(ic_field timesync last_status)" 0x80004005
	expect_kmsg "short sample logged" "is too short for message version 4.0"
	sim_ic timesync filetime 1 0 || vm_fail "a time before 1970 got no answer"
	expect "host time 0: status" "$(ic_field timesync last_status)" 0x80004005
	expect_kmsg "host time 0 logged" "time sync: host time 0 is out of range"
	sim_ic timesync probe || vm_fail "a probe got no answer"
	expect "probe: status" "$(ic_field timesync last_status)" 0x00000000

	# Older hosts: versions 3.0 and 1.0 carry no reference time.
	{ sim_ic timesync versions fw=1.0,3.0 msg=1.0,3.0 && sim_ic timesync negotiate; } ||
		vm_fail "renegotiation failed"
	expect "WS2012 host: message version" "$(ic_field timesync msg)" 3.0
	step sync 30000 0 30000 1000 "SYNC +30 s, version 3"
	expect "version 3 layout" "$(ic_field timesync timesync_layout)" 1
	step sync -10000 1500 -11500 500 "SYNC -10 s, 1.5 s in transit, version 3"
	sim_ic timesync send 4 20 || vm_fail "a short version 3 sample got no answer"
	expect "20-byte version 3 sample: status" "$(ic_field timesync last_status)" 0x80004005
	{ sim_ic timesync versions fw=1.0 msg=1.0 && sim_ic timesync negotiate; } ||
		vm_fail "renegotiation failed"
	expect "WS2008 host: message version" "$(ic_field timesync msg)" 1.0
	step sample -9000 0 -9000 1000 "sample -9 s, version 1"
	# A SYNC flood: every one answered, the log lines about it bounded.
	kmsg_mark
	i=0
	while [ "$i" -lt 100 ]; do
		sim_ic timesync sync 0 0 || { vm_fail "SYNC flood: request $i failed"; break; }
		i=$((i + 1))
	done
	sleep 0.5
	n=$(kmsg_new | grep -c "time sync: clock set to the host's time")
	vm_log "100 SYNCs: $n log lines"
	[ "$n" -ge 1 ] || vm_fail "100 SYNCs: the clock was never set"
	[ "$n" -le 20 ] || vm_fail "100 SYNCs logged $n lines (no rate limit)"
	expect "timeouts" "$(ic_field timesync timeouts)" 0
	expect "bad answers" "$(ic_field timesync bad_answers)" 0
	vm_detail "host ic state" < "$HVSIM/ic"

	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	for d in /sys/class/ptp/ptp*; do
		[ "$(cat "$d/clock_name" 2> /dev/null)" = hyperv ] && vm_fail "the PTP clock outlived hv_utils"
	done
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
