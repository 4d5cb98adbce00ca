#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# modinfo-check.sh - check the metadata of the built modules (no VM)
#
# usage: tests/vm/modinfo-check.sh
#
# Builds the project's modules for the VM kernel release (as run-vm.sh does:
# $HVLIS_VM_KREL, else the newest installed linux-headers-6.1.0-N-amd64;
# HVLIS_VM_NOBUILD=1 skips the build), then checks
#   - that every module of modules/modules.list was built, in its
#     directory, and that no other modules/*/*.ko was (case modinfo/list),
# and every built module (modules/*/*.ko, tests/hvsim/*.ko, tests/drivers/*/*.ko) with modinfo:
#   - vermagic names the target release,
#   - version: is PACKAGE_VERSION of dkms.conf,
#   - a module of modules.list carries at least one alias (udev loads it
#     by alias), and the aliases listed below are all there.
# Prints one line per module, "PASS: modinfo/NAME" or
# "FAIL: modinfo/NAME: reason[; reason...]"; exits 1 if any failed.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# the aliases each module must carry, one per line
declare -A want_aliases=(
	[hv_vmbus]='acpi*:VMBUS:*
acpi*:VMBus:*'
	[hv_utils]='vmbus:394f16571591784eab55382f3bd5422d
vmbus:31600b0e13523449818b38d90ced39db
vmbus:30e62795aed07b49adcee80ab0175caf
vmbus:e7f4a0a9455a964db8278a841e8c03e6
vmbus:292efa3523ea364296ae3a6ebacba440
vmbus:e34bd134e4dec8419ae76b174977c192'
	[hv_storvsc]='vmbus:d96361baa104294db60572e2ffb1dc7f
vmbus:32264132cb86a2449b5c50d1417354f5
vmbus:4acc9b2f6900f34ab76b6fd0be528cda'
	[hv_netvsc]='vmbus:635161f83edfc546913ff2d2f965ed0e'
)

if ! rel=$(vm_release); then
	echo "FAIL: modinfo: no kernel headers (install linux-headers-6.1.0-N-amd64 or set HVLIS_VM_KREL)"
	exit 1
fi
pkgver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$VM_TOP/dkms.conf")
if [ -z "$pkgver" ]; then
	echo "FAIL: modinfo: no PACKAGE_VERSION in $VM_TOP/dkms.conf"
	exit 1
fi
if [ -z "${HVLIS_VM_NOBUILD:-}" ] && ! vm_build_modules "$rel" "$VM_OUT/build.log"; then
	tail -n 10 "$VM_OUT/build.log" | sed 's/^/    | /' >&2
	echo "FAIL: modinfo: module build for $rel failed (see $VM_OUT/build.log)"
	exit 1
fi
kos=$(vm_project_kos)
if [ -z "$kos" ]; then
	echo "FAIL: modinfo: no modules/*/*.ko built"
	exit 1
fi

failed=0
# the one list of modules against what the build made
if ! listed=$("$VM_TOP/modules/modules-list.sh" names) ||
	! listdirs=$("$VM_TOP/modules/modules-list.sh" dirs); then
	echo "FAIL: modinfo/list: modules/modules.list is unreadable or malformed"
	exit 1
fi
bad=()
while read -r name dir; do
	[ -f "$VM_TOP/modules/$dir/$name.ko" ] || bad+=("$name: no modules/$dir/$name.ko")
done < <(paste -d ' ' <(echo "$listed") <(echo "$listdirs"))
while IFS= read -r ko; do
	case "$ko" in "$VM_TOP"/modules/*) ;; *) continue ;; esac
	grep -qxF -- "$(basename "$ko" .ko)" <<< "$listed" || bad+=("${ko#"$VM_TOP"/} is not in modules.list")
done <<< "$kos"
if [ ${#bad[@]} -eq 0 ]; then
	echo "PASS: modinfo/list ($(xargs <<< "$listed"))"
else
	r=$(printf '%s; ' "${bad[@]}")
	echo "FAIL: modinfo/list: ${r%; }"
	failed=$((failed + 1))
fi

while IFS= read -r ko; do
	name=$(basename "$ko" .ko)
	bad=()
	if ! info=$(modinfo "$ko" 2>&1); then
		echo "FAIL: modinfo/$name: modinfo failed: $(head -n 1 <<< "$info")"
		failed=$((failed + 1))
		continue
	fi
	field() { sed -n "s/^$1: *//p" <<< "$info"; }

	vermagic=$(field vermagic)
	[ "${vermagic%% *}" = "$rel" ] || bad+=("vermagic '$vermagic' is not for $rel")
	version=$(field version)
	[ "$version" = "$pkgver" ] || bad+=("version '$version', dkms.conf says '$pkgver'")
	aliases=$(field alias)
	if grep -qxF -- "$name" <<< "$listed" && [ -z "$aliases" ]; then
		bad+=("no alias (udev could not load it)")
	fi
	while IFS= read -r a; do
		[ -n "$a" ] || continue
		grep -qxF -- "$a" <<< "$aliases" || bad+=("no alias $a")
	done <<< "${want_aliases[$name]:-}"

	if [ ${#bad[@]} -eq 0 ]; then
		echo "PASS: modinfo/$name"
	else
		r=$(printf '%s; ' "${bad[@]}")
		echo "FAIL: modinfo/$name: ${r%; }"
		while IFS= read -r l; do echo "    | $l"; done <<< "$info" >&2
		failed=$((failed + 1))
	fi
done <<< "$kos"
[ "$failed" -eq 0 ]
