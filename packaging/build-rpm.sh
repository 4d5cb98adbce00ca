#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: packaging/build-rpm.sh        (what `make rpm` runs)
#
# Builds the RPM packages into packaging/out/: stages the source
# (packaging/stage.sh) as hvlis-<version>.tar.gz, writes the spec with the
# version from dkms.conf and a changelog entry, and runs rpmbuild -ba in
# packaging/out/rpmbuild. Works on Debian (apt-get install rpm) as on RHEL;
# no git needed.
# Results: packaging/out/hvlis-dkms-<version>-1.noarch.rpm,
# hvlis-daemons-<version>-1.x86_64.rpm (not for RHEL/CentOS 6) and
# hvlis-<version>-1.src.rpm (plus %{?dist} on RHEL).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd -P)
out=$top/packaging/out
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$ver" ] || { echo "build-rpm: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
arch_re=$(sed -n 's/^BUILD_EXCLUSIVE_ARCH="\(.*\)"$/\1/p' "$top/dkms.conf")
command -v rpmbuild > /dev/null || {
	echo "build-rpm: rpmbuild is missing; install it (Debian: apt-get install rpm; RHEL: yum install rpm-build)" >&2
	exit 1
}

work=$out/rpmbuild
rm -rf "$work"
mkdir -p "$work/SOURCES" "$work/SPECS" "$work/stage"
"$top/packaging/stage.sh" "$work/stage/hvlis-$ver"

# Same date rule as build-deb.sh: the last commit's, else dkms.conf's mtime.
when=$(git -C "$top" log -1 --format=%ct 2> /dev/null || true)
[ -n "$when" ] || when=$(stat -c %Y "$top/dkms.conf")
maint=$(sed -n 's/^Maintainer: //p' "$top/packaging/debian/control")

tar -C "$work/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$when" \
	-czf "$work/SOURCES/hvlis-$ver.tar.gz" "hvlis-$ver"

spec=$work/SPECS/hvlis.spec
{
	sed -e "s/@HVLIS_VERSION@/$ver/g" -e "s/@HVLIS_ARCH_RE@/${arch_re:-.}/g" "$top/packaging/rpm/hvlis.spec"
	echo "* $(LC_ALL=C date -u -d "@$when" '+%a %b %d %Y') $maint - $ver-1"
	echo "- Package hvlis $ver (the version in dkms.conf)."
} > "$spec"

# On a machine whose packages rpm does not manage (Debian: the rpm database
# is empty), BuildRequires (gcc, make) cannot be checked: skip the check,
# the build itself fails if a tool is missing.
set -- --define "_topdir $work" --define "packager $maint"
rpm -q rpm > /dev/null 2>&1 || set -- "$@" --nodeps
SOURCE_DATE_EPOCH=$when rpmbuild -ba "$@" "$spec" > "$work/build.log" 2>&1 || {
	tail -n 30 "$work/build.log" >&2
	echo "build-rpm: rpmbuild failed; full log: $work/build.log" >&2
	exit 1
}
find "$work/RPMS" "$work/SRPMS" -name '*.rpm' -exec cp {} "$out/" \;
echo "build-rpm: built in $out:"
find "$work/RPMS" "$work/SRPMS" -name '*.rpm' -printf '  %f\n' | sort
