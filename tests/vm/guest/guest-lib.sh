# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# guest-lib.sh - helpers for the guest() part of the VM scenarios.  Sourced by
# /init inside the VM (busybox sh) before the scenario; see ../README.md.
#
# Every line the harness may show on a failure starts with "hvlis-vm: ":
#   vm_log MSG...     an informational line
#   vm_fail MSG...    a failed check: the scenario fails, and the first
#                     vm_fail message becomes the reason on the FAIL line;
#                     the guest goes on, so report everything that is wrong
#   vm_detail TITLE   copies stdin below TITLE as "hvlis-vm: | " lines, which
#                     the harness prints under the FAIL line
#   vm_kmsg           the kernel log without timestamps (dmesg)

VM_FAILURES=/tmp/hvlis-vm.failures

# The module tools are kmod's (/usr/sbin), as on a real system.  busybox sh
# runs its own applets before looking at PATH, and busybox insmod retries a
# failed finit_module() with init_module(): a module whose init fails would
# be initialised twice.  Shell functions come before applets.
insmod() { /usr/sbin/insmod "$@"; }
rmmod() { /usr/sbin/rmmod "$@"; }
lsmod() { /usr/sbin/lsmod "$@"; }
modprobe() { /usr/sbin/modprobe "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }

vm_log() {
	echo "hvlis-vm: $*"
}

vm_fail() {
	echo "hvlis-vm: FAIL: $*"
	echo "$*" >> "$VM_FAILURES"
}

vm_detail() {
	local line
	echo "hvlis-vm: | $1"
	while IFS= read -r line; do
		echo "hvlis-vm: |     $line"
	done
}

vm_kmsg() {
	dmesg | sed 's/^\[ *[0-9]*\.[0-9]*\] //'
}

# ---- the simulated Hyper-V host (tests/hvsim) ------------------------------
#   sim_start [PARAM...]   insmod hvsim.ko (debugfs mounted first)
#   sim_ctl CMD...         one command to /sys/kernel/debug/hvsim/ctl
#   sim_stat NAME          a value from /sys/kernel/debug/hvsim/stats
#   vmbus_load [PARAM...]  insmod hv_vmbus.ko transport=hvsim
#   vmbus_unload           rmmod hv_vmbus
#   expect NAME GOT WANT   vm_fail unless GOT = WANT
HVSIM=/sys/kernel/debug/hvsim
sim_start() {
	grep -q " /sys/kernel/debug " /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
	insmod /lib/hvlis/hvsim.ko "$@" || vm_fail "insmod hvsim.ko failed"
}
sim_ctl() { echo "$*" > "$HVSIM/ctl" || vm_fail "hvsim command '$*' failed"; }
# sim_add_relid KIND: add a device of KIND on the host; prints its relid
sim_add_relid() {
	local before
	before=$(awk 'NR > 1 { print $1 }' "$HVSIM/devices" | sort -n | tr '\n' ' ')
	sim_ctl add "$1"
	awk 'NR > 1 { print $1 }' "$HVSIM/devices" | sort -n | while read -r r; do
		case " $before " in *" $r "*) ;; *) echo "$r" ;; esac
	done
}
sim_stat() { awk -v k="$1" '$1 == k { print $2 }' "$HVSIM/stats"; }
vmbus_load() { insmod /lib/hvlis/hv_vmbus.ko transport=hvsim "$@"; }
vmbus_unload() { rmmod hv_vmbus; }
expect() {
	if [ "$2" = "$3" ]; then
		vm_log "ok: $1 = $2"
	else
		vm_fail "$1 is '$2', expected '$3'"
	fi
}
#   echo_dump_state        show both sides' view of every channel's rings
echo_dump_state() {
	local d f
	for d in /sys/bus/vmbus/devices/*; do
		for f in out_intr_mask out_read_index out_write_index out_read_bytes_avail \
			in_intr_mask in_read_index in_write_index in_read_bytes_avail; do
			echo "$(basename "$d") $f $(cat "$d/$f" 2>&1)"
		done
		for f in "$d"/channels/*/*; do
			echo "$(basename "$d") channels/${f#"$d"/channels/} $(cat "$f" 2>&1)"
		done
	done | vm_detail "guest ring state"
	vm_detail "host channels" < "$HVSIM/devices"
}
#   echo_run WHAT COUNT MIN MAX CHANNELS
#                          run the hvlis_echo test driver: COUNT packets of
#                          MIN..MAX bytes on every open channel; fails
#                          unless all CHANNELS*COUNT come back intact
echo_run() {
	local what=$1 count=$2 min=$3 max=$4 nch=$5 r
	if ! echo "$count $min $max" > /sys/kernel/debug/hvlis_echo/run; then
		vm_fail "$what: echo run failed"
		echo_dump_state
	fi
	r=$(cat /sys/kernel/debug/hvlis_echo/result)
	vm_log "$what: $r"
	set -- $r
	# channels N sent N received N bad N ring_full_retries N error N
	expect "$what: channels" "$2" "$nch"
	expect "$what: sent" "$4" "$((count * nch))"
	expect "$what: received" "$6" "$((count * nch))"
	expect "$what: bad" "$8" 0
	expect "$what: error" "${12}" 0
}

# ---- fault injection (scenarios faults-*.sh) -------------------------------
#   sim_fault ARGS...      "fault ARGS" to hvsim's ctl (see tests/hvsim/control.c)
#   kmsg_mark              start a new section of the kernel log
#   kmsg_new               the kernel log since the last kmsg_mark
#   wait_kmsg TEXT [SECS]  wait (default 5 s) until a line since the mark
#                          contains TEXT; non-zero if none did
#   expect_kmsg WHAT TEXT [SECS]
#                          vm_fail unless wait_kmsg TEXT succeeds
#   vmbus_dev RELID        the /sys/bus/vmbus/devices/ directory of a relid
#   echo_bind RELID / echo_unbind RELID
#                          (un)bind hvlis_echo and the device of RELID;
#                          echo_bind returns the bind write's status
sim_fault() { sim_ctl fault "$@"; }
KMSG_MARK=0
kmsg_mark() {
	KMSG_MARK=$((KMSG_MARK + 1))
	echo "hvlis-vm-mark $KMSG_MARK." > /dev/kmsg
}
kmsg_new() {
	vm_kmsg | awk -v m="hvlis-vm-mark $KMSG_MARK." 'on { print } index($0, m) { on = 1 }'
}
wait_kmsg() {
	local i=0 n=$((${2:-5} * 10))
	while [ "$i" -le "$n" ]; do
		kmsg_new | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
expect_kmsg() {
	if wait_kmsg "$2" "$3"; then
		vm_log "ok: $1: logged '$2'"
	else
		vm_fail "$1: the kernel log lacks '$2'"
		kmsg_new | tail -n 20 | vm_detail "kernel log since the fault"
	fi
}
vmbus_dev() {
	local d
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$d/id" 2> /dev/null)" = "$1" ] && { echo "$d"; return 0; }
	done
	return 1
}
echo_unbind() {
	local d
	d=$(vmbus_dev "$1") || { vm_fail "no device with relid $1"; return 1; }
	basename "$d" > /sys/bus/vmbus/drivers/hvlis_echo/unbind ||
		vm_fail "unbind of relid $1 failed"
}
echo_bind() {
	local d
	d=$(vmbus_dev "$1") || { vm_fail "no device with relid $1"; return 1; }
	basename "$d" > /sys/bus/vmbus/drivers/hvlis_echo/bind 2> /dev/null
}

# ---- monitored channels, GPADLs (vmbus-monitor.sh, vmbus-gpadl.sh) ---------
#   sim_dev RELID COLUMN   one column (by its header name: signals_in,
#                          monitor, signals_monitor, ...) of a channel's line
#                          in hvsim's devices file
#   echo_gpadl WHAT ARGS...
#                          hvlis_echo's gpadl command ("<pages> [<offset>
#                          <length> [wrong-handle|other-channel]]"); fails
#                          unless the result says pass; the result line is
#                          left in GPADL_RESULT
#   gpadl_field NAME       a value of GPADL_RESULT (host_pages, host_status...)
sim_dev() {
	awk -v r="$1" -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == r && (k in col) { print $col[k] }' "$HVSIM/devices"
}
GPADL_RESULT=
echo_gpadl() {
	local what=$1
	shift
	echo "$*" > /sys/kernel/debug/hvlis_echo/gpadl || vm_fail "$what: gpadl command '$*' failed"
	GPADL_RESULT=$(cat /sys/kernel/debug/hvlis_echo/gpadl)
	vm_log "$what: $GPADL_RESULT"
	case " $GPADL_RESULT " in
	*" result pass "*) ;;
	*) vm_fail "$what: GPADL check failed: $GPADL_RESULT" ;;
	esac
}
gpadl_field() {
	echo "$GPADL_RESULT" | awk -v k="$1" '{ for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1) }'
}

# ---- integration services (scenarios ic-*.sh; tests/hvsim/ic_host.c) -------
#   utils_load             insmod hv_utils.ko
#   sim_ic SERVICE VERB [ARGS...]
#                          "ic SERVICE VERB ARGS" to hvsim's ctl; returns the
#                          write's status (no vm_fail: tests expect failures)
#   ic_field SERVICE KEY   a value from SERVICE's lines in hvsim's ic file
#                          ("negotiated", "fw", "msg", "answers",
#                          "last_status", or a service's own key)
#   wait_ic SERVICE KEY VALUE [SECS]
#                          wait (default 10 s) until ic_field says VALUE
utils_load() { insmod /lib/hvlis/hv_utils.ko "$@"; }
sim_ic() { echo "ic $*" > "$HVSIM/ctl" 2> /dev/null; }
ic_field() {
	awk -v s="$1" -v k="$2" '
		/^[a-z]/ { mine = ($1 == s) }
		mine { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$HVSIM/ic"
}
wait_ic() {
	local i=0 n=$((${4:-10} * 10))
	while [ "$i" -le "$n" ]; do
		[ "$(ic_field "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- storage (scenarios stor-*.sh; tests/hvsim/stor_host.c) ---------------
#   stor_load [PARAM...]   insmod hv_storvsc.ko
#   stor_unload            rmmod hv_storvsc
#   stor_relid [N]         the relid of the N-th (default: last) storage
#                          controller hvsim has (primary channels, in order)
#   stor_stat RELID KEY    a counter of hvsim's stor file ("version",
#                          "chan0_ios", "lun0_bytes_written", ...)
#   stor_ctl RELID ARGS... "stor RELID ARGS" to hvsim's ctl
#   wait_blk NAME [SECS]   wait (default 20 s) until /dev/NAME is a block
#                          device (and /sys/block/NAME exists); non-zero if not
#   wait_noblk NAME [SECS] wait until /sys/block/NAME is gone
#   stor_disk RELID LUN    the sdX name of that controller's LUN (sysfs:
#                          the SCSI host whose parent is the VMBus device)
#   stor_wait_disk RELID LUN [SECS]
#                          wait (default 20 s) for that LUN's disk and its
#                          block device; print its sdX name, non-zero if none
#   stor_chans_used RELID  how many of the controller's channels served I/O
stor_load() { insmod /lib/hvlis/hv_storvsc.ko "$@"; }
stor_unload() { rmmod hv_storvsc; }
stor_relid() {
	awk -v n="${1:-0}" 'NR > 1 && $3 == "stor" && $2 == 0 { r[++c] = $1 }
		END { if (c) print r[n ? n : c] }' "$HVSIM/devices"
}
stor_stat() { awk -v r="$1" -v k="$2" '$1 == r && $2 == k { print $3 }' "$HVSIM/stor"; }
stor_ctl() { local r=$1; shift; sim_ctl stor "$r" "$@"; }
wait_blk() {
	local i=0 n=$((${2:-20} * 10))
	while [ "$i" -le "$n" ]; do
		[ -b "/dev/$1" ] && [ -e "/sys/block/$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
wait_noblk() {
	local i=0 n=$((${2:-20} * 10))
	while [ "$i" -le "$n" ]; do
		[ -e "/sys/block/$1" ] || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
stor_disk() {
	local d v b
	v=$(vmbus_dev "$1") || return 1
	for b in /sys/block/sd*; do
		[ -e "$b" ] || continue
		d=$(readlink -f "$b/device")
		case $d in
		"$(readlink -f "$v")"/*) ;;
		*) continue ;;
		esac
		[ "${d##*:}" = "$2" ] && { basename "$b"; return 0; }
	done
	return 1
}
stor_wait_disk() {
	local i=0 n=$((${3:-20} * 10)) sd
	while ! sd=$(stor_disk "$1" "$2"); do
		[ "$i" -lt "$n" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
	wait_blk "$sd" "${3:-20}" || return 1
	echo "$sd"
}
stor_chans_used() {
	awk -v r="$1" '$1 == r && $2 ~ /^chan[0-9]+_ios$/ && $3 > 0 { n++ } END { print n + 0 }' \
		"$HVSIM/stor"
}

# ---- the network host (tests/hvsim/net_host.c) ------------------------------
#   net_field RELID KEY    a value from /sys/kernel/debug/hvsim/net
#   net_relid              the relid of the last adapter added
#   net_eth MAC            the guest interface with that MAC address
#   net_setup MAC          wait for the guest interface of MAC (sets NET_ETH),
#                          move hvsimnet0 into namespace "hs" (iproute2's ip:
#                          VM_BINARIES="ip"), addresses 192.0.2.1 (guest)
#                          and 192.0.2.2 (host side), both up; non-zero if
#                          any step failed (said by vm_fail)
#   net_jumbo_up MAC       the simulated host and an adapter of MAC able to
#                          take MTU 9000 (its relid in NET_RELID), hv_vmbus
#                          and hv_netvsc (1 MiB receive buffer) loaded,
#                          net_setup MAC, hvsimnet0 at MTU 9000; non-zero
#                          if hv_netvsc or net_setup failed (said by vm_fail)
#   NS CMD...              run CMD in namespace "hs" (as "$NS" CMD)
NET_IP=/usr/sbin/ip
NS="$NET_IP netns exec hs"
net_field() { awk -v r="$1" -v k="$2" '$1 == r && $2 == k { print $3 }' "$HVSIM/net"; }
# net_sum RELID KEY: KEY summed over the adapter's channels (chan<N>_KEY)
net_sum() {
	awk -v r="$1" -v k="$2" 'BEGIN { s = 0 }
		$1 == r && $2 ~ /^chan[0-9]+_/ && substr($2, index($2, "_") + 1) == k { s += $3 }
		END { print s }' "$HVSIM/net"
}
net_relid() { awk '$2 == "gen" { r = $1 } END { print r }' "$HVSIM/net"; }
net_eth() {
	local f
	for f in /sys/class/net/*/address; do
		[ "$(cat "$f")" = "$1" ] || continue
		f=${f%/address}
		echo "${f##*/}"
		return 0
	done
	return 1
}
net_setup() {
	local i=0
	NET_ETH=
	while [ "$i" -lt 100 ] && ! NET_ETH=$(net_eth "$1"); do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$NET_ETH" ] || { vm_fail "no guest interface with MAC $1"; return 1; }
	mkdir -p /run/netns /var/run/netns
	$NET_IP netns add hs || { vm_fail "ip netns add failed"; return 1; }
	$NET_IP link set hvsimnet0 netns hs || { vm_fail "hvsimnet0 not moved"; return 1; }
	$NET_IP -n hs link set lo up
	$NET_IP -n hs addr add 192.0.2.2/24 dev hvsimnet0
	$NET_IP -n hs link set hvsimnet0 up || { vm_fail "hvsimnet0 not up"; return 1; }
	ip addr add 192.0.2.1/24 dev "$NET_ETH"
	ip link set "$NET_ETH" up || { vm_fail "$NET_ETH not up"; return 1; }
}
net_jumbo_up() {
	sim_start
	sim_ctl add net mac="$1" mtu=9000
	NET_RELID=$(net_relid)
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	insmod /lib/hvlis/hv_netvsc.ko recv_buf_kib=1024 || { vm_fail "insmod hv_netvsc failed"; return 1; }
	net_setup "$1" || { vm_kmsg | tail -n 30 | vm_detail log; return 1; }
	$NET_IP -n hs link set hvsimnet0 mtu 9000 || vm_fail "hvsimnet0 takes no MTU 9000"
}

# ---- kernel profiles (tests/bench: vm-stor.sh, vm-net.sh) --------------------
# kprof_top FILE: the profiled runs' tick samples of /proc/profile (blkload
# --profile: "KIND step BYTES" and "KIND BUCKET COUNT" lines, KIND first)
# named by kernel function from /proc/kallsyms (the image has no
# System.map); every sample outside the kernel image (modules: hvsim's
# host side, hvlis's drivers, brd, ...) counts as "(modules)"; prints the
# 12 largest of each KIND as "HVLIS-PROF: KIND PERCENT % FUNCTION" lines
kprof_top() {
	awk '
	function hex(s,   i, r) {
		r = 0
		s = tolower(s)
		for (i = 1; i <= length(s); i++)
			r = r * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return r
	}
	BEGIN {
		# the low 32 bits: the kernel image lies in one 4 GiB window
		while ((getline l < "/proc/kallsyms") > 0) {
			split(l, f, " ")
			if (f[4] != "") continue
			a = hex(substr(f[1], 9))
			if (f[3] == "_stext") st = a
			if (f[3] == "_etext") et = a
			if (f[2] ~ /^[tT]$/) { ns++; sa[ns] = a; sn[ns] = f[3] }
		}
		if (!st || !et) print "x 0 no-addresses-in-/proc/kallsyms 0"
	}
	$2 == "step" { sz[$1] = $3; next }
	$2 == "buckets" { next }
	{
		k = $1; tot[k] += $3
		pc = st + $2 * sz[k]
		if (!st || pc + sz[k] >= et) { name = "(modules)" }
		else {
			lo = 1; hi = ns
			while (lo < hi) { mid = int((lo + hi + 1) / 2); if (sa[mid] <= pc) lo = mid; else hi = mid - 1 }
			name = sn[lo]
		}
		cnt[k, name] += $3
	}
	END {
		for (key in cnt) {
			split(key, p, SUBSEP)
			printf "%s %d %s %.1f\n", p[1], cnt[key], p[2], 100 * cnt[key] / tot[p[1]]
		}
	}' "$1" | sort -k1,1 -k2,2nr | awk '
	$1 != last { last = $1; n = 0 }
	++n <= 12 { printf "HVLIS-PROF: %s %5.1f %% %s\n", $1, $4, $3 }'
}

# ---- systemd scenarios (VM_ROOTFS=systemd, see ../README.md) ---------------
#   SD_STATE               what "systemctl is-system-running --wait" said
#                          before guest() (set by /hvlis/sd-run)
#   sd_wait_active UNIT [SECS]
#                          wait (default 20 s) until UNIT is active; non-zero
#                          if it is not by then
#   expect_unit UNIT STATE vm_fail unless "systemctl is-active UNIT" is STATE
sd_wait_active() {
	local i=0 n=$((${2:-20} * 10))
	while [ "$i" -le "$n" ]; do
		[ "$(systemctl is-active "$1" 2> /dev/null)" = active ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
expect_unit() {
	expect "$1" "$(systemctl is-active "$1" 2> /dev/null)" "$2"
}
#   vm_result [RC]         the end of the checks: fail (and thaw) any ext4
#                          file system left frozen, print the result marker
#                          (PASS unless a vm_fail or a non-zero RC).  Once
#                          per boot; /hvlis/sd-run calls it after guest().
#                          A guest() that ends the VM itself (VM_END=none,
#                          e.g. a shutdown asked by the host) calls it
#                          first: the runner is stopped with everything else.
VM_RESULT_DONE=/run/hvlis-vm.result
vm_result() {
	local mp reason
	[ ! -e "$VM_RESULT_DONE" ] || return 0
	: > "$VM_RESULT_DONE"
	# A frozen file system would also hang the shutdown.  FITHAW succeeds
	# only on a frozen one: fsfreeze -u both finds and repairs it.
	for mp in $(findmnt -n -l -t ext4 -o TARGET); do
		if fsfreeze -u "$mp" 2> /dev/null; then
			vm_fail "$mp was left frozen (thawed by the runner)"
		fi
	done
	reason=$(head -n 1 "$VM_FAILURES")
	if [ -z "$reason" ] && [ "${1:-0}" -ne 0 ]; then
		reason="guest() exited with status $1"
	fi
	if [ -n "$reason" ]; then
		journalctl -b --no-pager -q -p warning 2>&1 | tail -n 40 | vm_detail "journal, warnings and worse"
	fi
	vm_log "result at uptime $(cut -d' ' -f1 /proc/uptime) s; the VM ends by: $VM_END"
	if [ -z "$reason" ]; then
		echo "HVLIS-VM-RESULT: PASS"
	else
		echo "HVLIS-VM-RESULT: FAIL: $reason"
	fi
}
