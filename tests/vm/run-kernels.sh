#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-kernels.sh - run VM scenarios on other kernels than the default 6.1
#
# usage: tests/vm/run-kernels.sh [--all] [KERNEL...]
#
# For each KERNEL (a value of HVLIS_VM_KERNEL: a matrix tree name, a release
# or a directory with a kernel of one's own; default: debian-5.10 and
# debian-6.12; with --all also debian-6.1 and debian-sid, whose kernel has
# hv_vmbus built in, CONFIG_HYPERV_VMBUS=y, so that hvlis's cannot load:
# run-vm.sh fails every scenario there at once, see docs/testing.md) runs
# run-vm.sh with HVLIS_VM_KERNEL=KERNEL:
# the kernel's image is prepared (prep-vm.sh), the modules, the simulated
# host and the test modules are built for exactly that kernel with its own
# compiler, and the scenarios run in it.  Without --all the scenarios are
# the smoke set (SMOKE below: the bus, the protocol versions, an
# integration service, storage I/O, network I/O, one fault scenario, one
# systemd scenario); with --all every scenario, and the default kernels
# include debian-6.1.
#
# HVLIS_VM_PREBUILT=DIR (tests/run.sh sets it to the matrix's output when
# the matrix ran before in the same run): a matrix tree whose build in DIR
# passed with HVLIS_TEST_HOOKS=1 (DIR/results/TREE: status PASS, hooks 1,
# its release) boots the modules built there (HVLIS_VM_MODTREE=DIR/work/TREE)
# instead of building them again; any other kernel builds its own.
#
# Prints run-vm.sh's lines with the kernel in the name,
#     PASS: vm@KERNEL/NAME
#     FAIL: vm@KERNEL/NAME: reason
# (KERNEL's base name for a directory) and, on stderr, the time each
# kernel took.  Logs in tests/build/vm-KERNEL/.  Exits 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
SMOKE=(vmbus-bus vmbus-versions ic-heartbeat stor-basic net-basic faults-msgs sd-boot)

all=
if [ "${1:-}" = --all ]; then
	all=1
	shift
fi
case ${1:-} in
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac
kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	kernels=(debian-5.10 debian-6.12)
	[ -z "$all" ] || kernels=(debian-5.10 debian-6.1 debian-6.12 debian-sid)
fi
scenarios=("${SMOKE[@]}")
[ -z "$all" ] || scenarios=()

# prebuilt KERNEL: the matrix's build of KERNEL in $HVLIS_VM_PREBUILT if it
# passed with the test hooks, else nothing
prebuilt() {
	local r=${HVLIS_VM_PREBUILT:-}/results/$1 work
	[ -n "${HVLIS_VM_PREBUILT:-}" ] && [ -f "$r" ] || return 0
	if grep -qx 'status PASS' "$r" && grep -qx 'hooks 1' "$r"; then
		work=$(sed -n 's/^work //p' "$r")
		[ -d "$work/modules" ] && echo "$work"
	fi
	return 0
}

failed=0
for k in "${kernels[@]}"; do
	label=$(basename "$k")
	t0=$SECONDS
	modtree=$(prebuilt "$k")
	if [ -n "$modtree" ]; then
		echo "run-kernels: $label: the modules built by the matrix in $modtree" >&2
	elif [ -n "${HVLIS_VM_PREBUILT:-}" ]; then
		echo "run-kernels: $label: no build with HVLIS_TEST_HOOKS=1 in $HVLIS_VM_PREBUILT, building" >&2
	fi
	HVLIS_VM_KERNEL=$k HVLIS_VM_MODTREE=$modtree "$here/run-vm.sh" "${scenarios[@]}" |
		sed -u "s#^\(PASS\|FAIL\): vm/#\1: vm@$label/#"
	rc=${PIPESTATUS[0]}
	echo "run-kernels: $label: $((SECONDS - t0)) s (exit $rc)" >&2
	[ "$rc" -eq 0 ] || failed=1
done
exit "$failed"
