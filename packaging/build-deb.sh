#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: packaging/build-deb.sh        (what `make deb` runs)
#
# Builds the Debian packages into packaging/out/: stages the source
# (packaging/stage.sh) with packaging/debian/ as debian/ in
# packaging/out/deb/hvlis-<version>/, writes debian/changelog for the
# version in dkms.conf, and runs dpkg-buildpackage there (source package
# and binary packages, unsigned). Needs dpkg-dev, debhelper and dh-dkms
# (Debian: apt-get install dpkg-dev debhelper dh-dkms) and a C compiler
# for the daemons (build-essential); no git.
# Results: packaging/out/hvlis-dkms_<version>_all.deb,
# hvlis-daemons_<version>_amd64.deb (and its -dbgsym), hvlis_<version>.dsc,
# hvlis_<version>.tar.xz, hvlis_<version>_amd64.changes, .buildinfo.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd -P)
out=$top/packaging/out
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$ver" ] || { echo "build-deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }

missing=
for t in dpkg-buildpackage dh dh_dkms; do
	command -v "$t" > /dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "build-deb: missing:$missing; install them with: apt-get install dpkg-dev debhelper dh-dkms" >&2
	exit 1
fi

work=$out/deb
src=$work/hvlis-$ver
rm -rf "$work"
mkdir -p "$work"
"$top/packaging/stage.sh" "$src"
cp -R "$top/packaging/debian" "$src/debian"
mkdir -p "$src/debian/source"
echo "3.0 (native)" > "$src/debian/source/format"

# The changelog, generated: dkms.conf holds the one version. Its date is the
# last commit's when there is git history, else dkms.conf's modification
# time, so that rebuilding the same tree gives the same packages.
when=$(git -C "$top" log -1 --format=%ct 2> /dev/null || true)
[ -n "$when" ] || when=$(stat -c %Y "$top/dkms.conf")
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
{
	echo "hvlis ($ver) unstable; urgency=medium"
	echo
	echo "  * Package hvlis $ver (the version in dkms.conf)."
	echo
	echo " -- $maint  $(LC_ALL=C date -u -R -d "@$when")"
} > "$src/debian/changelog"

(cd "$src" && dpkg-buildpackage -us -uc > "$work/build.log" 2>&1) || {
	tail -n 30 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed; full log: $work/build.log" >&2
	exit 1
}
for f in "$work"/hvlis*_"$ver"*; do
	[ -f "$f" ] && cp "$f" "$out/"
done
echo "build-deb: built in $out:"
find "$out" -maxdepth 1 -type f -name "hvlis*_$ver*" -printf '  %f\n' | sort
