#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hvlis test runner: `make check` calls `tests/run.sh all`.
#
# usage: tests/run.sh [all|deps|spdx|style|unit|fuzz|daemons|ktrees|compat|matrix|dkms|packaging|modinfo|vm|vmsmoke|vmall]...
#
# vmsmoke: the VM smoke set on Debian's 5.10, 6.12 and sid kernels;
# vmall: every VM scenario on all four Debian kernels (not in all: long).
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
	suites=(deps spdx style unit fuzz daemons ktrees compat matrix dkms packaging modinfo vm)
fi

passed=0
failed=0
failures=()

run_suite() { # name command...
	local name=$1 log="$logdir/$1.log" rc p f
	shift
	echo "== $name: $*"
	"$@" > "$log" 2>&1
	rc=$?
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
	vm) run_suite vm "$top/tests/vm/run-vm.sh" ;;
	vmsmoke) run_suite vmsmoke "$top/tests/vm/run-kernels.sh" ;;
	vmall) run_suite vmall "$top/tests/vm/run-kernels.sh" --all ;;
	dkms) run_suite dkms "$top/tests/dkms/test-dkms.sh" ;;
	packaging) run_suite packaging "$top/tests/packaging/run.sh" ;;
	modinfo) run_suite modinfo "$top/tests/vm/modinfo-check.sh" ;;
	matrix)
		run_suite matrix "$top/tests/matrix/run-matrix.sh"
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
