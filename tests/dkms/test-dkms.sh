#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# DKMS builds hvlis for every prepared matrix tree exactly as a user's
# machine would: the source is added under /usr/src/hvlis-<version>, then
#   dkms build hvlis/<version> -k <release> --kernelsourcedir <tree>
# must produce every module in dkms.conf for each kernel, except a kernel
# with the VMBus driver built in, which DKMS must skip (dkms.conf). Everything added
# is removed again at the end (also on failure). Prints PASS:/FAIL: lines.
#
# HVLIS_DKMS_SKIP_KREL=RELEASE (tests/run.sh sets it when the packaging
# suite runs too): the tree of that release is not built here, an INFO line
# says so; the packaging suite's DKMS builds every module of dkms.conf for
# exactly that release (pkg/deb/install, pkg/deb/dkms-installed-RELEASE,
# pkg/deb/every-module-resolves-to-dkms-copy).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
ktrees=${HVLIS_KTREES:-/var/cache/hvlis/ktrees}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
src=/usr/src/hvlis-$ver
logdir="$top/tests/build/dkms"
mkdir -p "$logdir"

# DKMS state is machine-wide: never run at the same time as the packaging test.
exec 8> /run/lock/hvlis-dkms-tests.lock
flock -w 600 8 || { echo "FAIL: dkms/lock: another DKMS test holds /run/lock/hvlis-dkms-tests.lock"; exit 1; }

if ! command -v dkms > /dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dkms \
		> "$logdir/apt.log" 2>&1
fi
command -v dkms > /dev/null || { echo "FAIL: dkms/tool: dkms is not installed and could not be"; exit 1; }
[ -f "$ktrees/trees.list" ] || { echo "FAIL: dkms/trees: no $ktrees/trees.list (tests/matrix/prep-ktrees.sh)"; exit 1; }

cleanup() {
	dkms remove "hvlis/$ver" --all > /dev/null 2>&1
	rm -rf "$src" "/var/lib/dkms/hvlis/$ver"
}
if dkms status hvlis 2> /dev/null | grep -q .; then
	echo "FAIL: dkms/clean-start: hvlis is already registered with DKMS here; not touching it"
	exit 1
fi
trap cleanup EXIT

# What a package installs: the tracked sources (no build output).
rm -rf "$src"
mkdir -p "$src"
(cd "$top" && git ls-files -z 2> /dev/null | xargs -0 -I{} cp --parents {} "$src/") ||
	rsync -a --exclude .git --exclude .build --exclude tests/build "$top/" "$src/"
if dkms add "hvlis/$ver" > "$logdir/add.log" 2>&1; then
	echo "PASS: dkms/add"
else
	echo "FAIL: dkms/add: $(tail -n 2 "$logdir/add.log" | tr '\n' ' ')"
	exit 1
fi

mods=$("$top/modules/modules-list.sh" names)
while read -r name kdir release; do
	[ -n "$name" ] || continue
	log="$logdir/build-$name.log"
	# a kernel with the VMBus driver built in (sid's 7.2): dkms.conf makes
	# DKMS skip it (exit 77, nothing built), so its in-box drivers stay
	if grep -q -x 'CONFIG_HYPERV_VMBUS=y' "$kdir/.config" 2> /dev/null; then
		dkms build "hvlis/$ver" -k "$release" --kernelsourcedir "$kdir" > "$log" 2>&1
		rc=$?
		built=$(find "/var/lib/dkms/hvlis/$ver/$release" -name '*.ko*' 2> /dev/null | head -n 1)
		if [ "$rc" = 77 ] && [ -z "$built" ]; then
			echo "PASS: dkms/build/$name-vmbus-built-in-skipped ($release: dkms build exit 77, nothing built)"
		else
			echo "FAIL: dkms/build/$name-vmbus-built-in-skipped: dkms build exited $rc${built:+, built $built} ($log)"
		fi
		continue
	fi
	if [ "$release" = "${HVLIS_DKMS_SKIP_KREL:-}" ]; then
		echo "INFO: dkms/build/$name ($release): not built here, the packaging suite of this run builds it with DKMS (pkg/deb/install)"
		continue
	fi
	if ! dkms build "hvlis/$ver" -k "$release" --kernelsourcedir "$kdir" > "$log" 2>&1; then
		echo "FAIL: dkms/build/$name: dkms build failed ($log): $(grep -m1 -iE 'error' "$log")"
		cp "/var/lib/dkms/hvlis/$ver/build/make.log" "$logdir/make-$name.log" 2> /dev/null
		continue
	fi
	missing=
	for m in $mods; do
		ko=$(find "/var/lib/dkms/hvlis/$ver/$release" -name "$m.ko*" 2> /dev/null | head -n 1)
		if [ -z "$ko" ]; then
			missing="$missing $m"
		elif ! modinfo -F vermagic "$ko" | grep -q "^$release "; then
			missing="$missing $m(vermagic)"
		fi
	done
	if [ -z "$missing" ]; then
		echo "PASS: dkms/build/$name ($release)"
	else
		echo "FAIL: dkms/build/$name: not built:$missing"
	fi
done < "$ktrees/trees.list"
