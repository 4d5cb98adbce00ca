# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vm-stor: the storage benchmark (`make bench-stor`, tests/bench/stor-run.sh;
# a VM scenario kept out of tests/vm/scenarios so `make check` never runs
# it). In one VM: brd, a storvsc disk on a simulated-host controller that
# offers no sub-channels, and one on a controller that offers them, all of
# the same size and RAM-backed. Each round runs every workload on the three
# disks, the order of the disks rotating from round to round; the host side
# (check_log) takes the medians and the ratios to brd and writes
# tests/build/vm/bench-stor.txt. It fails only if the measurement fails
# (a failed or short request, a disk missing): the numbers never do.
# After the rounds, one more 4 KiB random read run at QD32 on each disk
# with the kernel's tick profile reset before and dumped after (where the
# CPU time goes; check_log names the functions from the image's System.map).
#
# HVLIS_BENCH_REPS (rounds, default 3) and HVLIS_BENCH_SECS (seconds per
# run, default 3) reach the guest on the kernel command line.

# shellcheck disable=SC2034
BENCH_MB=96
BENCH_REPS=${HVLIS_BENCH_REPS:-3}
BENCH_SECS=${HVLIS_BENCH_SECS:-3}
# the workloads: pattern, request size, depth per job, jobs
BENCH_LOADS="randread:4096:1:1 randread:4096:16:2 randwrite:4096:1:1 randwrite:4096:16:2 read:1048576:1:1 write:1048576:1:1"
VM_TIMEOUT=$((240 + BENCH_REPS * 18 * (BENCH_SECS + 5)))
VM_KMODS="sd_mod scsi_transport_fc brd"
# profile=4: the kernel's tick profile in 16-byte buckets (/proc/profile)
VM_APPEND="hvlis_bench=$BENCH_REPS,$BENCH_SECS profile=4"
VM_BINARIES="${HVLIS_BLKLOAD:-/nonexistent/blkload}=/usr/bin/blkload"

bench_disk() {
	local i=0 sd
	while [ "$i" -lt 200 ] && ! sd=$(stor_disk "$1" 0); do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$sd" ] && wait_blk "$sd" && echo "$sd"
}

guest() {
	local p reps secs r1 rn sd1 sdn rep load rest pat bs qd jobs devs d kind out

	p=$(sed -n 's/.*hvlis_bench=\([0-9]*\),\([0-9]*\).*/\1 \2/p' /proc/cmdline)
	reps=${p% *}
	secs=${p#* }
	if [ -z "$reps" ] || [ -z "$secs" ]; then
		vm_fail "no hvlis_bench= on the command line"
		return
	fi

	sim_start
	sim_ctl add scsi subch=0 ram=${BENCH_MB}M
	r1=$(stor_relid)
	sim_ctl add scsi subch=4 ram=${BENCH_MB}M
	rn=$(stor_relid)
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	stor_load || vm_fail "insmod hv_storvsc failed"
	sd1=$(bench_disk "$r1") || { vm_fail "no disk on the 1-channel controller"; return; }
	sdn=$(bench_disk "$rn") || { vm_fail "no disk on the multi-channel controller"; return; }
	rmmod brd 2> /dev/null
	modprobe brd rd_nr=1 rd_size=$((BENCH_MB * 1024)) || { vm_fail "modprobe brd failed"; return; }
	wait_blk ram0 || { vm_fail "no /dev/ram0"; return; }
	sleep 1
	expect "host: sub-channels of the 1-channel controller" "$(stor_stat "$r1" subch_created)" 0
	[ "$(stor_stat "$rn" subch_created)" -ge 1 ] || vm_fail "the guest asked for no sub-channels"
	echo "HVLIS-BENCH-INFO: disks ram0 $sd1 $sdn, ${BENCH_MB} MiB each; sub-channels $(stor_stat "$rn" subch_created); $(nproc) CPUs; $(uname -r)"
	# every block written once, so no disk serves a read from a hole
	for d in ram0 "$sd1" "$sdn"; do
		dd if=/dev/zero of="/dev/$d" bs=1M count=$BENCH_MB oflag=direct 2> /dev/null ||
			vm_fail "filling /dev/$d failed"
	done

	rep=1
	while [ "$rep" -le "$reps" ]; do
		case $((rep % 3)) in
		1) devs="brd:ram0 one:$sd1 multi:$sdn" ;;
		2) devs="one:$sd1 multi:$sdn brd:ram0" ;;
		0) devs="multi:$sdn brd:ram0 one:$sd1" ;;
		esac
		for load in $BENCH_LOADS; do
			pat=${load%%:*}
			rest=${load#*:}
			bs=${rest%%:*}
			rest=${rest#*:}
			qd=${rest%%:*}
			jobs=${rest#*:}
			for d in $devs; do
				kind=${d%%:*}
				if out=$(blkload "/dev/${d#*:}" "$pat" "$bs" "$qd" "$jobs" "$secs" 2>&1); then
					echo "HVLIS-BENCH: $rep $kind $out"
				else
					vm_fail "$kind $load failed: $out"
				fi
			done
		done
		rep=$((rep + 1))
	done
	for d in brd:ram0 "one:$sd1" "multi:$sdn"; do
		kind=${d%%:*}
		[ "$kind" = multi ] && grep -E "^$rn chan[0-9]+_ios " "$HVSIM/stor" > /tmp/chan0
		echo > /proc/profile || { vm_fail "no /proc/profile"; break; }
		out=$(blkload "/dev/${d#*:}" randread 4096 16 2 "$secs" 2>&1) || vm_fail "profiled $kind run failed: $out"
		echo "HVLIS-BENCH-INFO: profiled run: $kind $out"
		blkload --profile | sed "s/^/$kind /" >> /tmp/prof
		[ "$kind" = multi ] && bench_chans "$rn" /tmp/chan0
	done
	[ -s /tmp/prof ] && kprof_top /tmp/prof
	grep -E "^$rn chan[0-9]+_(relid|ios)|^$r1 chan0_ios" "$HVSIM/stor" | while read -r a b c; do
		echo "HVLIS-BENCH-INFO: host controller $a $b $c"
	done
	# the host's channels: packets served, signals, batches (hvsim's devices file)
	awk 'NR == 1 || $3 == "stor"' "$HVSIM/devices" | sed 's/^/HVLIS-BENCH-INFO: host channels: /'
	d=$(vmbus_dev "$rn") && d=/sys/kernel/debug/hv_storvsc/$(basename "$d")
	if [ -r "$d" ]; then
		sed 's/^/HVLIS-BENCH-INFO: guest channels of the sub-channel controller: /' "$d"
	else
		vm_fail "no per-channel counters of the guest (debugfs hv_storvsc/<device>)"
	fi
	expect "host: bad SRBs" "$(stor_stat "$rn" bad_srbs)$(stor_stat "$r1" bad_srbs)" 00
	stor_unload || vm_fail "rmmod hv_storvsc failed"
}

# bench_chans RELID BEFORE: the requests each channel of controller RELID
# served since BEFORE (its chanN_ios lines) as one INFO line; the run was
# QD 32 from two CPUs, one blk-mq hardware queue each, so every channel the
# guest opened (two with -smp 2) must have served some: a sub-channel
# controller whose sub-channel sat idle fails the benchmark
bench_chans() {
	local line n
	line=$(grep -E "^$1 chan[0-9]+_ios " "$HVSIM/stor" | awk -v f="$2" '
		BEGIN { while ((getline l < f) > 0) { split(l, a, " "); was[a[2]] = a[3] } }
		{ k = $2; sub(/^chan/, "", k); sub(/_ios$/, "", k); printf "channel %s %d, ", k, $3 - was[$2] }')
	echo "HVLIS-BENCH-INFO: QD32 run on the sub-channel controller, requests per channel: ${line%, }"
	n=$(echo "$line" | tr ',' '\n' | awk '$3 > 0 { n++ } END { print n + 0 }')
	[ "$n" -ge 2 ] || vm_fail "QD32 on the sub-channel controller used $n channel(s): ${line%, }"
}


check_log() {
	local out="$VM_OUT/bench-stor.txt" n want
	want=$((BENCH_REPS * 18))
	n=$(grep -c '^HVLIS-BENCH: ' "$1")
	[ "$n" = "$want" ] || { echo "expected $want benchmark lines, found $n"; return 1; }
	{
		echo "# hvlis storage benchmark, $(date -u +%Y-%m-%dT%H:%MZ), QEMU TCG -smp 2 on $(nproc) host cores (load $(cut -d' ' -f1-3 /proc/loadavg))"
		echo "# $BENCH_REPS rounds of $BENCH_SECS s per run; medians; ratio = storvsc / brd"
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
		{
			# rep kind dev pattern bs qd jobs ios N secs S iops X mbps Y cpu_us_per_io C
			w = $4 " " ($5 >= 1048576 ? $5 / 1048576 " MiB" : $5 / 1024 " KiB") " QD" $6 * $7
			if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
			seq = ($4 == "read" || $4 == "write")
			val = seq ? $15 : $13
			v[w, $2] = v[w, $2] " " val
			c[w, $2] = c[w, $2] " " $17
			x[w, $2] = x[w, $2] " " $19
			n[w, $2] = n[w, $2] " " $21
			unit[w] = seq ? "MB/s" : "IOPS"
		}
		END {
			print "| workload | unit | brd | storvsc 1 channel | storvsc sub-channels | ratio 1 ch | ratio sub-ch |"
			print "|---|---|---|---|---|---|---|"
			for (i = 1; i <= nw; i++) {
				w = order[i]
				b = med(v[w, "brd"]); o = med(v[w, "one"]); m = med(v[w, "multi"])
				printf "| %s | %s | %.0f | %.0f | %.0f | %.2f | %.2f |\n", \
					w, unit[w], b, o, m, b ? o / b : 0, b ? m / b : 0
			}
			print ""
			print "Per request (medians; brd / storvsc 1 channel / storvsc sub-channels):"
			print ""
			print "| workload | busy CPU us | context switches | interrupts |"
			print "|---|---|---|---|"
			for (i = 1; i <= nw; i++) {
				w = order[i]
				printf "| %s | %.0f / %.0f / %.0f | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f |\n", w, \
					med(c[w, "brd"]), med(c[w, "one"]), med(c[w, "multi"]), \
					med(x[w, "brd"]), med(x[w, "one"]), med(x[w, "multi"]), \
					med(n[w, "brd"]), med(n[w, "one"]), med(n[w, "multi"])
			}
		}'
		echo
		echo "Tick profile of the profiled 4 KiB random read runs at QD32 (the top 12 functions of each disk; share of all samples of both CPUs, idle included; (modules) is all module code):"
		echo
		sed -n 's/^HVLIS-PROF: /    /p' "$1"
		echo
		echo "# raw runs"
		sed -n 's/^HVLIS-BENCH: /# /p' "$1"
	} > "$out"
	cat "$out" >&2
}
