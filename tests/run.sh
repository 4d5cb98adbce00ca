#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvlis test runner: `make check` calls `tests/run.sh all`.
#
# usage: tests/run.sh [all|deps|spdx|style|unit|fuzz|daemons|ktrees|compat|compat-rhel|matrix|dkms|packaging|modinfo|vmprep|vm|vmsmoke|vmall]...
#
# compat-rhel: the probe answers on the RHEL trees built by hand (not in
# all: a clean machine has none; make check-compat-rhel).
# vm, vmsmoke, vmall run two scenarios at once (HVLIS_VM_JOBS, default 2
# here; run-vm.sh alone runs one at a time).
#
# vmsmoke: the VM smoke set on Debian's 5.10 and 6.12 kernels, booting the
# modules this run's matrix built (in all, last: see docs/testing.md, "Time
# (CI budget)", for what it costs; make check-vmsmoke runs it alone);
# vmall: every VM scenario on all four Debian kernels (not in all: long).
#
# After each suite a line "time: NAME wall W s, cpu U+S s" (not a case)
# gives its wall time and the user+system CPU time of its whole process tree
# (every child waited for, QEMU included); all of them are also appended to
# tests/build/logs/times.txt.  On a shared machine the CPU time is what to
# compare, not the wall time (docs/testing.md, "Time").
#
# Every suite prints one line per case, "PASS: <name>" or "FAIL: <name>";
# this script counts them and ends with the summary line
# "N passed, N failed". A suite that exits non-zero without reporting a
# failure counts as one failed case, so a crash is never a pass. Suites
# whose tools are missing install them (tests/deps.sh) and fail loudly if
# that is impossible; nothing is skipped silently.
set -u
top=$(cd "$(dirname "$0")/.." && pwd -P)
logdir="$top/tests/build/logs"
mkdir -p "$logdir"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(all)
if [ "${suites[0]}" = all ]; then
	suites=(deps spdx style unit fuzz daemons ktrees compat matrix dkms packaging modinfo vm vmsmoke)
fi

passed=0
failed=0
failures=()
hz=$(getconf CLK_TCK)
# the matrix's scratch copies, kept: vmsmoke boots the modules built there
matrix_out="$top/tests/build/matrix"
matrix_ran=
# VM scenarios at once (run-vm.sh): two, one per core of the CI machine
vm_jobs=${HVLIS_VM_JOBS:-2}

# child_cpu: user and system CPU time, in clock ticks, of this shell's
# children waited for so far (cutime and cstime of /proc/PID/stat)
child_cpu() {
	local st f
	st=$(cat "/proc/$$/stat")
	# fields from the 3rd (state) on: cutime is the 16th, cstime the 17th
	read -r -a f <<< "${st##*) }"
	echo "${f[13]} ${f[14]}"
}

run_suite() { # name command...
	local name=$1 log="$logdir/$1.log" rc p f t0 c0 c1 line
	shift
	echo "== $name: $*"
	t0=$SECONDS
	c0=$(child_cpu)
	"$@" > "$log" 2>&1
	rc=$?
	c1=$(child_cpu)
	line=$(awk -v n="$name" -v w=$((SECONDS - t0)) -v hz="$hz" -v a="$c0" -v b="$c1" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "time: %s wall %d s, cpu %.0f+%.0f s", n, w, (y[1] - x[1]) / hz, (y[2] - x[2]) / hz }')
	grep -E '^(PASS|FAIL): ' "$log"
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name (exited $rc with no failed case; see $log)"
		f=1
	fi
	if [ "$f" -gt 0 ]; then
		failures+=("$name: see $log")
		tail -n 20 "$log" | sed 's/^/    | /'
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "$line"
	echo "$(date -u +%FT%TZ) $line" >> "$logdir/times.txt"
}

for s in "${suites[@]}"; do
	case "$s" in
	deps) run_suite deps "$top/tests/deps.sh" ;;
	spdx) run_suite spdx "$top/tests/spdx-check.sh" ;;
	style)
		run_suite style "$top/tests/style/checkpatch.sh"
		run_suite modules-list "$top/tests/style/modules-list.sh"
		run_suite compat-headers "$top/tests/style/compat-headers.sh"
		run_suite layering "$top/tests/style/layering.sh"
		;;
	unit) run_suite unit make -C "$top/tests/unit" check ;;
	fuzz) run_suite fuzz make -C "$top/tests/fuzz" smoke ;;
	daemons) run_suite daemons "$top/tests/daemons/run.sh" ;;
	ktrees) run_suite ktrees "$top/tests/matrix/prep-ktrees.sh" ;;
	compat) run_suite compat "$top/tests/compat/test-engine.sh" ;;
	compat-rhel) run_suite compat-rhel "$top/tests/compat/test-engine.sh" rhel ;;
	vm) HVLIS_VM_JOBS=$vm_jobs run_suite vm "$top/tests/vm/run-vm.sh" ;;
	vmprep) run_suite vmprep "$top/tests/vm/prep-test.sh" ;;
	vmsmoke | vmall)
		# the modules of this run's matrix, if it ran before (else
		# run-kernels.sh builds them)
		args=()
		[ "$s" = vmsmoke ] || args=(--all)
		if [ -n "$matrix_ran" ]; then
			HVLIS_VM_JOBS=$vm_jobs HVLIS_VM_PREBUILT=$matrix_out \
				run_suite "$s" "$top/tests/vm/run-kernels.sh" "${args[@]}"
		else
			HVLIS_VM_JOBS=$vm_jobs run_suite "$s" "$top/tests/vm/run-kernels.sh" "${args[@]}"
		fi
		;;
	dkms)
		# the kernel the packaging suite, later in this run, builds with
		# DKMS: the dkms suite leaves it to that one (test-dkms.sh)
		pkg_krel=
		for t in "${suites[@]}"; do
			[ "$t" != packaging ] || pkg_krel=$("$top/tests/packaging/run.sh" --krel)
		done
		HVLIS_DKMS_SKIP_KREL=$pkg_krel run_suite dkms "$top/tests/dkms/test-dkms.sh"
		;;
	packaging) run_suite packaging "$top/tests/packaging/run.sh" ;;
	modinfo) run_suite modinfo "$top/tests/vm/modinfo-check.sh" ;;
	matrix)
		rm -rf "$matrix_out"
		HVLIS_MATRIX_OUT=$matrix_out HVLIS_MATRIX_KEEP=1 \
			run_suite matrix "$top/tests/matrix/run-matrix.sh"
		matrix_ran=1
		run_suite own-hypercall "$top/tests/matrix/own-hypercall.sh"
		;;
	*) echo "tests/run.sh: unknown suite '$s'" >&2; exit 2 ;;
	esac
done

echo
for f in "${failures[@]+"${failures[@]}"}"; do
	echo "failed suite: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
