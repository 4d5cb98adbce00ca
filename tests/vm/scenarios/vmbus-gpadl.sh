# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-gpadl: GPADLs that carry data, not only rings. hvlis_echo makes a
# buffer of N pages a GPADL of its channel (hvlis_gpadl_establish), the
# simulated host reads it through the PFNs it was given and returns a
# checksum, which must match the guest's; then hvlis_gpadl_teardown. Sizes
# at the edges of what the messages carry (26 PFNs in GPADL_HEADER, 28 in
# each GPADL_BODY): 1, 26, 27, 54, 55 and 256 pages (1 MiB, vmalloc'd, ten
# messages), each needing exactly that many messages; the largest a GPADL
# can be (8190 pages, 32 MiB, 293 messages) and one page more, which the
# guest must refuse without sending anything. Ranges across pages
# and bad requests (past the end, a handle nobody has, another channel's
# GPADL) are answered with an error, not a crash. Echo traffic is unchanged
# by all this. Against a 2022 and a 2012 host.
#
# The multi-page-buffer send (hvlis_sendpacket_mpb(), the storage data
# path) is checked on the same device: one or more ranges of any length and
# offset go out in one GPA-direct packet, the host checksums their bytes in
# order and answers with a completion; ranges the send must refuse (a byte
# offset outside the first page, a PFN list one short, a packet larger than
# the ring) never reach the host.
#
# The checksum requests use hv_vmbus's request helper; a request the host
# never answers ends at once with -ENODEV when the channel is rescinded.

# shellcheck disable=SC2034
VM_TIMEOUT=240

# messages that describe a GPADL of $1 pages
gpadl_msgs() {
	if [ "$1" -le 26 ]; then
		echo 1
	else
		echo $((1 + ($1 - 26 + 27) / 28))
	fi
}

sizes() { # WHAT
	local what=$1 p c0 t0 l0 m0 want
	c0=$(sim_stat gpadls_created)
	t0=$(sim_stat gpadls_torn)
	l0=$(sim_stat gpadls_live)
	for p in 1 26 27 54 55 256; do
		m0=$(sim_stat msgs_from_guest)
		echo_gpadl "$what: $p pages" "$p"
		expect "$what: $p pages: host's page count" "$(gpadl_field host_pages)" "$p"
		# the GPADL's messages and its teardown, nothing else
		want=$(($(gpadl_msgs "$p") + 1))
		expect "$what: $p pages: messages to the host" "$(($(sim_stat msgs_from_guest) - m0))" "$want"
	done
	expect "$what: host gpadls_created" "$(sim_stat gpadls_created)" "$((c0 + 6))"
	expect "$what: host gpadls_torn" "$(sim_stat gpadls_torn)" "$((t0 + 6))"
	expect "$what: host gpadls_live" "$(sim_stat gpadls_live)" "$l0"
}

largest() { # WHAT
	local what=$1 m0
	m0=$(sim_stat msgs_from_guest)
	echo_gpadl "$what: 8190 pages" 8190
	expect "$what: 8190 pages: messages to the host" "$(($(sim_stat msgs_from_guest) - m0))" \
		"$(($(gpadl_msgs 8190) + 1))"
	m0=$(sim_stat msgs_from_guest)
	echo 8191 > /sys/kernel/debug/hvlis_echo/gpadl 2> /dev/null &&
		vm_fail "$what: a GPADL of 8191 pages was accepted"
	expect "$what: 8191 pages: messages to the host" "$(($(sim_stat msgs_from_guest) - m0))" 0
}

bad_requests() { # WHAT
	local what=$1 e0
	e0=$(sim_stat csum_errors)
	echo_gpadl "$what: range across pages" 3 100 8000
	echo_gpadl "$what: last byte" 2 8191 1
	echo_gpadl "$what: past the end" 2 8000 200
	expect "$what: past the end: host status" "$(gpadl_field host_status)" -22
	echo_gpadl "$what: offset past the end" 2 9000 1
	echo_gpadl "$what: length wrapping around" 2 4096 4294967295
	expect "$what: wrapping length: host status" "$(gpadl_field host_status)" -22
	echo_gpadl "$what: empty range" 2 0 0
	echo_gpadl "$what: unknown handle" 2 0 4096 wrong-handle
	expect "$what: unknown handle: host status" "$(gpadl_field host_status)" -2
	echo_gpadl "$what: another channel's GPADL" 2 0 4096 other-channel
	expect "$what: another channel's GPADL: host status" "$(gpadl_field host_status)" -2
	expect "$what: host csum_errors" "$(($(sim_stat csum_errors) - e0))" 6
}

# echo_mpb WHAT RANGES LENGTH OFFSET [MODE]: one "mpb" command that must pass
echo_mpb() {
	local what=$1 r
	shift
	echo "$*" > /sys/kernel/debug/hvlis_echo/mpb || vm_fail "$what: mpb command '$*' failed"
	r=$(cat /sys/kernel/debug/hvlis_echo/mpb)
	vm_log "$what: $r"
	case " $r " in
	*" result pass "*) ;;
	*) vm_fail "$what: multi-page-buffer check failed: $r" ;;
	esac
}

mpb() { # WHAT
	local what=$1 q0 e0
	q0=$(sim_stat mpb_requests)
	e0=$(sim_stat mpb_errors)
	echo_mpb "$what: one byte" 1 1 0
	echo_mpb "$what: one page" 1 4096 0
	echo_mpb "$what: last byte of a page" 1 1 4095
	echo_mpb "$what: across pages" 1 10000 100
	echo_mpb "$what: 64 KiB + 1 at an odd offset" 1 65537 4093
	echo_mpb "$what: 256 KiB" 1 262144 0
	echo_mpb "$what: 3 ranges" 3 5000 7
	echo_mpb "$what: 64 ranges of 512 bytes" 64 512 3584
	expect "$what: host mpb_requests" "$(($(sim_stat mpb_requests) - q0))" 8
	echo_mpb "$what: byte offset past the first page" 2 100 0 bad-offset
	echo_mpb "$what: PFN list one short" 2 5000 0 short
	echo_mpb "$what: larger than the ring" 1 4096 0 huge
	expect "$what: refused sends reached the host" "$(($(sim_stat mpb_requests) - q0))" 8
	expect "$what: host mpb_errors" "$(($(sim_stat mpb_errors) - e0))" 0
}

# The checksum requests go through hv_vmbus's request helper
# (hvlis_chan_request()). One the host takes and never answers, and the
# channel rescinded meanwhile: the wait must end at once with -ENODEV
# (-19), not with -ETIMEDOUT (-110) after its 10 s.
silent_rescind() {
	local pid

	sim_fault csum-silent 1
	echo 2 > /sys/kernel/debug/hvlis_echo/gpadl 2> /dev/null &
	pid=$!
	sleep 1
	sim_ctl rescind 1
	wait "$pid" && vm_fail "silent request: the gpadl command succeeded"
	GPADL_RESULT=$(cat /sys/kernel/debug/hvlis_echo/gpadl)
	vm_log "silent request, then a rescind: $GPADL_RESULT"
	expect "silent request: fault fired" "$(sim_stat fault_csum-silent)" 1
	expect "silent request ended by the rescind: error" "$(gpadl_field error)" -19
	expect "host: faults still armed" "$(sim_stat faults_armed)" 0
	# the host's second device again, for the 2012 round
	sim_ctl add echo
}

guest() {
	sim_start
	sim_ctl add echo
	sim_ctl add echo
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "insmod hvlis_echo failed"
	sizes 5.3
	largest 5.3
	bad_requests 5.3
	mpb 5.3
	expect "host csum_requests" "$(sim_stat csum_requests)" 15
	# echo is unchanged, packets of the request's size included
	echo_run "echo afterwards" 500 16 3000 2
	echo_run "24-byte packets" 300 24 24 2
	expect "host gpadls_live with 2 open channels" "$(sim_stat gpadls_live)" 2
	silent_rescind
	rmmod hvlis_echo || vm_fail "rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"

	sim_ctl version 2.4
	vmbus_load || vm_fail "2.4: insmod hv_vmbus failed"
	expect "2.4: negotiated" "$(sim_stat version)" 2.4
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "2.4: insmod hvlis_echo failed"
	sizes 2.4
	mpb 2.4
	echo_run "2.4: echo afterwards" 200 16 3000 2
	rmmod hvlis_echo || vm_fail "2.4: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "2.4: rmmod hv_vmbus failed"
	expect "host channels open" "$(sim_stat channels_open)" 0
	expect "host gpadls_live" "$(sim_stat gpadls_live)" 0
	expect "host bad messages" "$(sim_stat bad_msgs)" 0
	rmmod hvsim || vm_fail "rmmod hvsim failed"
}
