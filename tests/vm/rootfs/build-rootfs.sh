#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-rootfs.sh - the cached Debian root file system of the systemd VM
# scenarios
#
# usage: tests/vm/rootfs/build-rootfs.sh        prints the cached tree's path
#
# Builds (once) a Debian bookworm tree with debootstrap --variant=minbase plus
# the packages listed in tests/vm/rootfs/packages, trimmed (no docs, man
# pages, locales, apt lists) and set up for the test VMs (see setup_tree
# below).  Cached in CACHE/rootfs-HASH/root, HASH being a hash of this
# script, the package list, the suite and the mirror: a change of any of them
# builds a new tree (old ones are removed).  CACHE is
# ${HVLIS_VM_CACHE:-/var/cache/hvlis/vm}.  The mirror is the Debian one the
# host's apt uses (the URIs of /etc/apt/sources.list.d/debian.sources or
# /etc/apt/sources.list), else http://deb.debian.org/debian.
#
# Installs debootstrap with apt-get if it is missing and fails loudly if that
# is impossible.  Nothing it fetches is part of the repository.  Runs as root.
# HVLIS_VM_ROOTFS_FORCE=1 builds the tree again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
CACHE=${HVLIS_VM_CACHE:-/var/cache/hvlis/vm}
SUITE=bookworm

say() { echo "build-rootfs: $*" >&2; }
die() { say "error: $*"; exit 1; }

case ${1:-} in
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, cache in $CACHE)"

# mirror: the host's Debian mirror (deb822 or one-line format)
mirror() {
	local m=
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
			/etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $3 == "'"$SUITE"'" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

MIRROR=$(mirror)
PKGS=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages" | tr -s ' \n' ',' | sed 's/,$//')
[ -n "$PKGS" ] || die "no packages in $here/packages"
HASH=$(cat "$0" "$here/packages" <(echo "$SUITE $MIRROR") | sha256sum | cut -c1-12)
DIR="$CACHE/rootfs-$HASH"

mkdir -p "$CACHE"
exec 9> "$CACHE/.rootfs.lock"
flock 9

if [ -f "$DIR/stamp" ] && [ -z "${HVLIS_VM_ROOTFS_FORCE:-}" ]; then
	echo "$DIR/root"
	exit 0
fi

if ! command -v debootstrap > /dev/null; then
	say "installing debootstrap"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap; } >&2 ||
		die "cannot install debootstrap (apt-get failed)"
	command -v debootstrap > /dev/null || die "debootstrap still missing after apt-get install"
fi

# setup_tree ROOT: make the tree fit for the test VMs
setup_tree() {
	local r=$1 u
	# smaller: no docs, man pages, locales, package lists or caches
	rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
		"$r"/var/cache/apt/* "$r"/var/lib/apt/lists/* "$r"/var/cache/debconf/*-old \
		"$r"/var/log/*.log
	find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
	echo hvlis-vm > "$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\thvlis-vm\n' > "$r/etc/hosts"
	# /etc/fstab comes with each scenario's image (lib-systemd.sh)
	rm -f "$r/etc/fstab"
	mkdir -p "$r/data"
	# root without a password on the serial console (a test VM without
	# network); the guest runner does not need a login
	sed -i 's/^root:[^:]*:/root::/' "$r/etc/shadow"
	# a fixed machine id: the journal and units see a normal, non-first boot
	echo 4876c15b2d6a4f4e8a1e0c5d7b9a3f21 > "$r/etc/machine-id"
	ln -sf /lib/systemd/system/multi-user.target "$r/etc/systemd/system/default.target"
	# nothing in the test VMs needs these, and some cost seconds under TCG
	for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer getty@tty1.service serial-getty@ttyS0.service \
		systemd-timesyncd.service systemd-networkd-wait-online.service; do
		ln -sf /dev/null "$r/etc/systemd/system/$u"
	done
	# the journal in memory: nothing to flush at poweroff
	mkdir -p "$r/etc/systemd/journald.conf.d"
	printf '[Journal]\nStorage=volatile\n' > "$r/etc/systemd/journald.conf.d/hvlis.conf"
}

t0=$(date +%s)
say "building $DIR (suite $SUITE, mirror $MIRROR, packages $PKGS)"
rm -rf "$DIR.tmp"
mkdir -p "$DIR.tmp"
if ! debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$DIR.tmp/root" "$MIRROR" \
	> "$DIR.tmp/debootstrap.log" 2>&1; then
	tail -n 20 "$DIR.tmp/debootstrap.log" >&2
	die "debootstrap failed (log: $DIR.tmp/debootstrap.log)"
fi
setup_tree "$DIR.tmp/root"
for p in ${PKGS//,/ }; do
	chroot "$DIR.tmp/root" dpkg-query -W -f '${Status}\n' "$p" 2> /dev/null | grep -q 'install ok installed' ||
		die "package $p is not installed in the tree"
done
chroot "$DIR.tmp/root" dpkg-query -W -f '${Package} ${Version}\n' > "$DIR.tmp/packages.txt"
{
	echo "suite=$SUITE"
	echo "mirror=$MIRROR"
	echo "packages=$PKGS"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - t0)) s"
	echo "size_kib=$(du -sk "$DIR.tmp/root" | cut -f1)"
} > "$DIR.tmp/stamp"
rm -rf "$DIR"
mv "$DIR.tmp" "$DIR"
# older trees of other recipes
for d in "$CACHE"/rootfs-*; do
	[ "$d" = "$DIR" ] || [ ! -d "$d" ] || rm -rf "$d"
done
say "built in $(($(date +%s) - t0)) s: $(sed -n 's/^size_kib=//p' "$DIR/stamp") KiB"
echo "$DIR/root"
