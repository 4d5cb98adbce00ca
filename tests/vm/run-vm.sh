#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-vm.sh - run the hvlis VM test scenarios under QEMU
#
# usage: tests/vm/run-vm.sh [SCENARIO...]
#        SCENARIO is a name (tests/vm/scenarios/NAME.sh) or a path; default:
#        every tests/vm/scenarios/*.sh
#
# Prepares the host and kernel (prep-vm.sh, cached), builds the project's
# modules for the VM kernel release (make -C REPO modules KDIR=...), then runs
# each scenario in its own VM (see README.md) and prints exactly one line per
# scenario on stdout:
#     PASS: vm/NAME
#     FAIL: vm/NAME: reason[; reason...]
# Timings and failure details go to stderr.  Serial logs are in
# tests/build/vm/NAME.log.  Exits 1 if any scenario failed.
#
# Environment:
#   HVLIS_VM_TIMEOUT   default per-scenario timeout in seconds (120)
#   HVLIS_VM_JOBS      how many scenarios run at once, each in its own VM
#                      (1-9, default 1; tests/run.sh sets 2 for make check):
#                      the result lines still come in the scenarios' order
#   HVLIS_VM_ACCEL     tcg (default) or kvm
#   HVLIS_VM_TCG_THREAD single (default: both vCPUs on one host thread) or
#                      multi (QEMU's multi-threaded TCG, which crashes guests
#                      that patch their kernel text; only to reproduce that)
#   HVLIS_VM_NOBUILD=1 do not run make (use the .ko files as they are)
#   HVLIS_VM_MODTREE   take the modules from this copy of the sources, built
#                      there for the VM kernel with HVLIS_TEST_HOOKS=1 (the
#                      matrix's, see run-kernels.sh); no module build here
#   HVLIS_VM_KERNEL    the kernel to boot (default: Debian's 6.1): a matrix
#                      tree name (debian-5.10, debian-6.12, debian-sid) or
#                      release, or a directory with a kernel of one's own
#                      (image, lib/modules/REL, build); see README.md
#   HVLIS_VM_KREL, HVLIS_VM_CACHE: see prep-vm.sh
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

case ${1:-} in
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

# the scenarios: names and files
names=()
files=()
if [ $# -eq 0 ]; then
	for f in "$VM_DIR"/scenarios/*.sh; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
fi
for s in "$@"; do
	case $s in
	*/* | *.sh) f=$s ;;
	*) f="$VM_DIR/scenarios/$s.sh" ;;
	esac
	n=$(basename "$f" .sh)
	names+=("$n")
	files+=("$f")
done
[ ${#names[@]} -gt 0 ] || { vm_say "no scenarios"; exit 1; }

# fail_all REASON: the same failure for every scenario
fail_all() {
	local n
	for n in "${names[@]}"; do
		echo "FAIL: vm/$n: $1"
	done
	exit 1
}

jobs=${HVLIS_VM_JOBS:-1}
case $jobs in
[1-9]) ;;
*) fail_all "HVLIS_VM_JOBS=$jobs is not a number 1-9" ;;
esac
vm_accel_args > /dev/null 2>&1 ||
	fail_all "HVLIS_VM_TCG_THREAD=${HVLIS_VM_TCG_THREAD:-} is not single or multi"

mkdir -p "$VM_OUT"
t0=$EPOCHREALTIME
if ! "$VM_DIR/prep-vm.sh" > "$VM_OUT/prep.log" 2>&1; then
	tail -n 5 "$VM_OUT/prep.log" | sed 's/^/    | /' >&2
	fail_all "VM preparation failed (see $VM_OUT/prep.log)"
fi
vm_kernel_select 2> "$VM_OUT/select.err" || fail_all "$(cat "$VM_OUT/select.err")"
rel=$VM_KSEL_REL
vm_conf_load "$(basename "$VM_KSEL_DIR")" || fail_all "prep-vm.sh left no $VM_KSEL_DIR/vm.conf"
t1=$EPOCHREALTIME
vm_say "kernel $rel ($VM_IMAGE_PKG $VM_IMAGE_VERSION), booting $(basename "$VM_KERNEL"); prep $(vm_secs "$t0" "$t1") s"

if [ -n "${HVLIS_VM_MODTREE:-}" ]; then
	[ -d "$HVLIS_VM_MODTREE/modules" ] || fail_all "HVLIS_VM_MODTREE=$HVLIS_VM_MODTREE holds no modules/"
	vm_say "modules for $rel taken from $HVLIS_VM_MODTREE"
	if ! make -C "$VM_TOP" daemons > "$VM_OUT/build.log" 2>&1; then
		tail -n 10 "$VM_OUT/build.log" | sed 's/^/    | /' >&2
		fail_all "daemon build failed (see $VM_OUT/build.log)"
	fi
elif [ -z "${HVLIS_VM_NOBUILD:-}" ]; then
	if ! vm_build_modules "$rel" "$VM_OUT/build.log" "$VM_KSEL_KDIR"; then
		tail -n 10 "$VM_OUT/build.log" | sed 's/^/    | /' >&2
		fail_all "module build for $rel failed (see $VM_OUT/build.log)"
	fi
	vm_say "modules built for $rel in $(vm_secs "$t1" "$EPOCHREALTIME") s"
	# the daemons, for the systemd scenarios' disk images
	if ! make -C "$VM_TOP" daemons >> "$VM_OUT/build.log" 2>&1; then
		tail -n 10 "$VM_OUT/build.log" | sed 's/^/    | /' >&2
		fail_all "daemon build failed (see $VM_OUT/build.log)"
	fi
fi
# every .ko must be for this very kernel, or insmod fails for the wrong reason
kos=$(vm_project_kos)
[ -n "$kos" ] || fail_all "no modules/*/*.ko built"
while IFS= read -r k; do
	vm=$(modinfo -F vermagic "$k" 2> /dev/null)
	[ "${vm%% *}" = "$rel" ] || fail_all "$(basename "$k") is built for '${vm%% *}', not $rel"
done <<< "$kos"
# and none of them may be built into the kernel: insmod would refuse it
# ("module is already loaded"; Debian's 7.2 has CONFIG_HYPERV_VMBUS=y)
builtin="$VM_MODROOT/lib/modules/$rel/modules.builtin"
if [ -f "$builtin" ]; then
	while IFS= read -r k; do
		m=$(basename "$k")
		! grep -q "/$m\$" "$builtin" ||
			fail_all "${m%.ko} is built into $rel (its modules.builtin): hvlis's ${m%.ko} cannot load there"
	done <<< "$kos"
fi
# and with the test-only knobs (HVLIS_TEST_HOOKS=1), which scenarios set
hvko=$(grep '/hv_vmbus\.ko$' <<< "$kos") || fail_all "no hv_vmbus.ko built"
modinfo -F parm "$hvko" 2> /dev/null | grep -q '^test_stall_offers:' ||
	fail_all "$hvko is built without HVLIS_TEST_HOOKS=1 (no parameter test_stall_offers)"

# run_one I: scenario I, its result line on stdout; 0 on PASS
run_one() {
	if [ ! -f "${files[$1]}" ]; then
		echo "FAIL: vm/${names[$1]}: no such scenario (${files[$1]})"
		return 1
	fi
	vm_run_scenario "${names[$1]}" "${files[$1]}" "$VM_KERNEL" "$rel" "$VM_MODROOT"
}

failed=0
if [ "$jobs" = 1 ]; then
	for i in "${!names[@]}"; do
		run_one "$i" || failed=$((failed + 1))
	done
	[ "$failed" -eq 0 ]
	exit
fi

# HVLIS_VM_JOBS > 1: up to that many scenarios at once.  What they share is
# made first, here: the systemd scenarios' root file system (each scenario
# then makes its own images, initramfs and logs under its own name, and the
# guest tools are renamed into place whole: vm_mkinitramfs).  Each one's
# output is kept in par/I.out and par/I.err and printed in the scenarios'
# order once it and all before it are done.
for i in "${!names[@]}"; do
	[ -f "${files[$i]}" ] || continue
	vars=$(vm_scenario_vars "${files[$i]}" 2> /dev/null) || continue
	if grep -qx 'sc_rootfs=systemd' <<< "$vars"; then
		vm_sd_rootfs || true # on failure each systemd scenario fails and says why
		break
	fi
done
par="$VM_OUT/par"
rm -rf "$par"
mkdir -p "$par"
started=0
printed=0
# flush: print the finished results in order
flush() {
	while [ "$printed" -lt "$started" ] && [ -f "$par/$printed.rc" ]; do
		cat "$par/$printed.out"
		cat "$par/$printed.err" >&2
		[ "$(cat "$par/$printed.rc")" = 0 ] || failed=$((failed + 1))
		printed=$((printed + 1))
	done
}
# running: scenarios started and not finished
running() {
	local n=0 j
	for ((j = 0; j < started; j++)); do
		[ -f "$par/$j.rc" ] || n=$((n + 1))
	done
	echo "$n"
}
for i in "${!names[@]}"; do
	while [ "$(running)" -ge "$jobs" ]; do
		wait -n 2> /dev/null
		# 127: no child left (one killed before it wrote its status)
		[ $? -ne 127 ] || break
		flush
	done
	{
		run_one "$i" > "$par/$i.out" 2> "$par/$i.err"
		echo $? > "$par/$i.rc.tmp" && mv "$par/$i.rc.tmp" "$par/$i.rc"
	} &
	started=$((started + 1))
done
wait
flush
# a scenario whose runner was killed before it wrote its status, and the
# ones after it
while [ "$printed" -lt "$started" ]; do
	if [ -f "$par/$printed.rc" ]; then
		flush
		continue
	fi
	echo "FAIL: vm/${names[$printed]}: its runner ended without a result (see $par/$printed.err)"
	failed=$((failed + 1))
	printed=$((printed + 1))
done
[ "$failed" -eq 0 ]
