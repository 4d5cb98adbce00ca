# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vm-net: the network benchmark (`make bench-net`, tests/bench/net-run.sh;
# a VM scenario kept out of tests/vm/scenarios so `make check` never runs
# it). In one VM: the guest's hv_netvsc interface on the simulated host's
# adapter (tests/hvsim, newest host, its default sub-channels), its host
# side hvsimnet0 in the namespace "hs" (net_setup), and beside it a veth
# pair between the same two namespaces. netload (tests/bench/netload.c)
# sends from the guest's namespace to "hs" on each: TCP with 1 and with 4
# streams, UDP datagrams of 64 bytes; every byte is checked by the
# receiver. Each round runs every load on both paths, the order of the
# paths alternating from round to round; the host side (check_log) takes
# the medians and the ratios netvsc / veth and writes
# tests/build/vm/bench-net.txt. It fails only if the measurement fails (a
# wrong byte, a transfer that did not finish, an interface missing): the
# numbers never do. After the rounds, one more 4-stream TCP run on each
# path with the kernel's tick profile reset before and dumped after, and
# the host's and the guest's channel counters around the netvsc one.
#
# HVLIS_BENCH_REPS (rounds, default 3) and HVLIS_BENCH_SECS (seconds per
# run, default 4) reach the guest on the kernel command line.

# shellcheck disable=SC2034
BENCH_REPS=${HVLIS_BENCH_REPS:-3}
BENCH_SECS=${HVLIS_BENCH_SECS:-4}
BENCH_LOADS="tcp1 tcp4 udp64"
BENCH_MAC=00:15:5d:00:00:b1
VM_TIMEOUT=$((300 + BENCH_REPS * 6 * (BENCH_SECS + 15)))
VM_KMODS="veth"
VM_APPEND="hvlis_bench=$BENCH_REPS,$BENCH_SECS profile=4"
VM_BINARIES="ip ${HVLIS_NETLOAD:-/nonexistent/netload}=/usr/bin/netload ${HVLIS_BLKLOAD:-/nonexistent/blkload}=/usr/bin/blkload"
VM_GUEST_TOOLS="ethq"

# bench_wait FILE: up to 30 s for the receiver to say it is ready
bench_wait() {
	local i=0
	while [ "$i" -lt 300 ] && [ ! -e "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# bench_run KIND ADDR LOAD SECS PORT: one run, receiver in "hs", sender
# here; prints the receiver's line; non-zero (and the reason on stderr)
# if either side failed
bench_run() {
	local kind=$1 addr=$2 load=$3 secs=$4 port=$5 rp rc=0
	rm -f /tmp/rdy /tmp/rx /tmp/rxerr /tmp/txerr
	case $load in
	tcp*)
		$NS netload tcp-recv "$addr" "$port" "${load#tcp}" /tmp/rdy > /tmp/rx 2> /tmp/rxerr &
		rp=$!
		bench_wait /tmp/rdy || echo "receiver not ready" >> /tmp/txerr
		netload tcp-send "$addr" "$port" "${load#tcp}" "$secs" 2>> /tmp/txerr || rc=1
		;;
	udp*)
		$NS netload udp-recv "$addr" "$port" "${load#udp}" /tmp/rdy > /tmp/rx 2> /tmp/rxerr &
		rp=$!
		bench_wait /tmp/rdy || echo "receiver not ready" >> /tmp/txerr
		netload udp-send "$addr" "$port" "${load#udp}" "$secs" 2>> /tmp/txerr || rc=1
		;;
	esac
	wait "$rp" || rc=1
	if [ "$rc" != 0 ] || [ ! -s /tmp/rx ]; then
		echo "$kind $load: $(cat /tmp/rxerr /tmp/txerr | tr '\n' ' ')" >&2
		return 1
	fi
	echo "$(cat /tmp/rx) sender: $(tail -n 1 /tmp/txerr)"
}

guest() {
	local p reps secs r rep load paths d kind addr out port=5201 eth dev

	p=$(sed -n 's/.*hvlis_bench=\([0-9]*\),\([0-9]*\).*/\1 \2/p' /proc/cmdline)
	reps=${p% *}
	secs=${p#* }
	if [ -z "$reps" ] || [ -z "$secs" ]; then
		vm_fail "no hvlis_bench= on the command line"
		return
	fi

	sim_start
	sim_ctl add net mac=$BENCH_MAC
	r=$(net_relid)
	vmbus_load || { vm_fail "insmod hv_vmbus transport=hvsim failed"; return; }
	insmod /lib/hvlis/hv_netvsc.ko || { vm_fail "insmod hv_netvsc failed"; return; }
	net_setup $BENCH_MAC || { vm_kmsg | tail -n 30 | vm_detail log; return; }
	eth=$NET_ETH
	$NET_IP link add nbv0 type veth peer name nbv1 || { vm_fail "no veth pair"; return; }
	$NET_IP link set nbv1 netns hs || { vm_fail "nbv1 not moved to hs"; return; }
	$NET_IP addr add 198.51.100.1/24 dev nbv0
	$NET_IP link set nbv0 up
	$NET_IP -n hs addr add 198.51.100.2/24 dev nbv1
	$NET_IP -n hs link set nbv1 up || { vm_fail "nbv1 not up"; return; }
	ping -c 2 -W 5 192.0.2.2 > /dev/null 2>&1 || vm_fail "no ping over $eth"
	ping -c 2 -W 5 198.51.100.2 > /dev/null 2>&1 || vm_fail "no ping over the veth pair"
	echo "HVLIS-BENCH-INFO: netvsc $eth (MTU $(cat /sys/class/net/"$eth"/mtu), $(ethq "$eth" channels), offloads $(ethq "$eth" offload | tr '\n' ' ')) -> hvsimnet0 in hs; veth nbv0 (MTU $(cat /sys/class/net/nbv0/mtu), offloads $(ethq nbv0 offload | tr '\n' ' ')) -> nbv1 in hs; host: NVSP $(net_field "$r" nvsp), sub-channels $(net_field "$r" subch_created); $(nproc) CPUs; $(uname -r)"

	rep=1
	while [ "$rep" -le "$reps" ]; do
		if [ $((rep % 2)) = 1 ]; then
			paths="netvsc:192.0.2.2 veth:198.51.100.2"
		else
			paths="veth:198.51.100.2 netvsc:192.0.2.2"
		fi
		for load in $BENCH_LOADS; do
			for d in $paths; do
				kind=${d%%:*}
				addr=${d#*:}
				port=$((port + 1))
				if out=$(bench_run "$kind" "$addr" "$load" "$secs" "$port" 2> /tmp/err); then
					echo "HVLIS-BENCH: $rep $kind $load $out"
				else
					vm_fail "$(cat /tmp/err)"
				fi
			done
		done
		rep=$((rep + 1))
	done
	dev=$(vmbus_dev "$r") || vm_fail "no VMBus device of relid $r"
	for d in netvsc:192.0.2.2 veth:198.51.100.2; do
		kind=${d%%:*}
		port=$((port + 1))
		bench_counters "$dev" > /tmp/cnt0
		echo > /proc/profile || { vm_fail "no /proc/profile"; break; }
		out=$(bench_run "$kind" "${d#*:}" tcp4 "$secs" "$port" 2> /tmp/err) ||
			vm_fail "profiled $kind run failed: $(cat /tmp/err)"
		echo "HVLIS-BENCH-INFO: profiled run: $kind tcp4 $out"
		blkload --profile | sed "s/^/$kind /" >> /tmp/prof
		bench_counters "$dev" > /tmp/cnt1
		[ "$kind" = netvsc ] && bench_counters_delta /tmp/cnt0 /tmp/cnt1 "$out"
	done
	[ -s /tmp/prof ] && kprof_top /tmp/prof
	# the host's counters and the guest's: where the packets went
	awk -v r="$r" '$1 == r { s = s sep $2 " " $3; sep = ", " } END { print "HVLIS-BENCH-INFO: host adapter counters: " s }' "$HVSIM/net"
	for k in tx_packets rx_packets tx_busy; do
		echo "HVLIS-BENCH-INFO: guest $eth $k $(ethq "$eth" stat $k 2>&1)"
	done
	expect "host: bad packets" "$(net_field "$r" bad_packets)" 0
	expect "host: bad RNDIS" "$(net_field "$r" bad_rndis)" 0
}

# bench_counters DEV: "WHO CHANNEL COUNTER VALUE" lines: the simulated
# host's per-channel counters of the network adapter (hvsim's devices file:
# packets, signals from and to the guest, batches) and the guest's (hv_vmbus
# sysfs channels/<relid>/: interrupts, events, signals on an empty ring,
# ring-full sends)
bench_counters() {
	local c f
	awk '$3 == "net" { print "host", $1, "packets", $9; print "host", $1, "signals_in", $10
		print "host", $1, "signals_out", $11; print "host", $1, "batches", $20 }' "$HVSIM/devices"
	for c in "$1"/channels/*; do
		for f in interrupts events intr_out_empty out_full_total; do
			[ -r "$c/$f" ] && echo "guest ${c##*/} $f $(cat "$c/$f")"
		done
	done
}

# bench_counters_delta BEFORE AFTER RUNLINE: the counters' growth over the
# profiled netvsc run, per MB received (bytes from RUNLINE), as INFO lines
bench_counters_delta() {
	local bytes
	bytes=$(echo "$3" | sed -n 's/.* bytes \([0-9]*\) .*/\1/p')
	awk -v mb="$((${bytes:-0} / 1000000))" '
	FNR == NR { was[$1 " " $2 " " $3] = $4; next }
	{
		k = $1 " " $2 " " $3
		d = $4 - was[k]
		printf "HVLIS-BENCH-INFO: netvsc tcp4 counters: %s channel %s %s +%d (%.1f per MB)\n", \
			$1, $2, $3, d, mb ? d / mb : 0
	}' "$1" "$2"
}


check_log() {
	local out="$VM_OUT/bench-net.txt" n want
	want=$((BENCH_REPS * 6))
	n=$(grep -c '^HVLIS-BENCH: ' "$1")
	[ "$n" = "$want" ] || { echo "expected $want benchmark lines, found $n"; return 1; }
	{
		echo "# hvlis network benchmark, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$VM_TOP" rev-parse --short HEAD 2> /dev/null), QEMU TCG -smp 2 on $(nproc) host cores (load $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
		echo "# $BENCH_REPS rounds of $BENCH_SECS s per run; medians; ratio = netvsc / veth; guest namespace -> hs"
		sed -n 's/^HVLIS-BENCH-INFO: /# /p' "$1"
		echo
		sed -n 's/^HVLIS-BENCH: //p' "$1" | awk '
		function med(s,   n, i, j, t, a) {
			n = split(s, a, " ")
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j] + 0 < a[j - 1] + 0; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		# rep kind load tcp streams N bytes B secs S mbps X cpu_us_per_mb C ctxt_per_mb W intr_per_mb I ...
		# rep kind load udp size N pkts P lost L secs S pps X cpu_us_per_kpkt C ctxt_per_kpkt W intr_per_kpkt I ...
		{
			w = $3
			if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
			if ($4 == "tcp") {
				v[w, $2] = v[w, $2] " " $12; unit[w] = "MB/s"
				c[w, $2] = c[w, $2] " " $14; x[w, $2] = x[w, $2] " " $16; n[w, $2] = n[w, $2] " " $18
				per[w] = "MB"
			} else {
				v[w, $2] = v[w, $2] " " $14; unit[w] = "packets/s"
				c[w, $2] = c[w, $2] " " $16; x[w, $2] = x[w, $2] " " $18; n[w, $2] = n[w, $2] " " $20
				l[w, $2] = l[w, $2] " " ($8 + $10 ? 100 * $10 / ($8 + $10) : 0)
				per[w] = "1000 packets"
			}
		}
		END {
			print "| load | unit | netvsc | veth | netvsc / veth |"
			print "|---|---|---|---|---|"
			for (i = 1; i <= nw; i++) {
				w = order[i]
				a = med(v[w, "netvsc"]); b = med(v[w, "veth"])
				f = unit[w] == "MB/s" ? "%.1f" : "%.0f"
				printf "| %s | %s | " f " | " f " | %.2f |\n", w, unit[w], a, b, b ? a / b : 0
			}
			print ""
			print "Per MB (TCP) or per 1000 packets (UDP), medians, netvsc / veth (the whole guest, both CPUs):"
			print ""
			print "| load | busy CPU us | context switches | interrupts | UDP lost % |"
			print "|---|---|---|---|---|"
			for (i = 1; i <= nw; i++) {
				w = order[i]
				printf "| %s | %.0f / %.0f | %.2f / %.2f | %.2f / %.2f | %s |\n", w, \
					med(c[w, "netvsc"]), med(c[w, "veth"]), med(x[w, "netvsc"]), med(x[w, "veth"]), \
					med(n[w, "netvsc"]), med(n[w, "veth"]), \
					(w ~ /^udp/) ? sprintf("%.1f / %.1f", med(l[w, "netvsc"]), med(l[w, "veth"])) : "-"
			}
		}'
		echo
		echo "Tick profile of the profiled 4-stream TCP runs (the top 12 functions of each path; share of all samples of both CPUs, idle included; (modules) is all module code: hv_netvsc, hv_vmbus, hvsim, veth):"
		echo
		sed -n 's/^HVLIS-PROF: /    /p' "$1"
		echo
		echo "# raw runs"
		sed -n 's/^HVLIS-BENCH: /# /p' "$1"
	} > "$out"
	cat "$out" >&2
}
