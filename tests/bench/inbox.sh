#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Gets Debian's in-box KVP daemon (package hyperv-daemons) without installing
# it: `apt-get download` into a cache, `dpkg-deb -x` into a directory next to
# it. Nothing lands on the system: no unit, no udev rule, no maintainer
# script runs. Prints "<path of hv_kvp_daemon> <package version>".
#
#   tests/bench/inbox.sh [CACHE_DIR]     (default /var/cache/hvlis/inbox)
#
# Exits 1 with the reason on stderr if the package cannot be had; callers
# report that as a failure, never as a skip.
set -u
pkg=hyperv-daemons
cache=${1:-${HVLIS_INBOX_CACHE:-/var/cache/hvlis/inbox}}
die() { echo "inbox.sh: $*" >&2; exit 1; }

if ! command -v apt-get > /dev/null || ! command -v dpkg-deb > /dev/null; then
	die "needs apt-get and dpkg-deb (a Debian system) to fetch $pkg"
fi
mkdir -p "$cache" || die "cannot create $cache"
first() { # the first existing file of a glob's expansion
	local f
	for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done
}
candidate() { apt-cache policy "$pkg" 2> /dev/null | sed -n 's/^  Candidate: //p'; }
ver=$(candidate)
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	apt-get update -qq > /dev/null 2>&1
	ver=$(candidate)
fi
deb=""
if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
	deb=$(first "$cache/${pkg}_${ver//:/%3a}_"*.deb)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download -q "$pkg=$ver") > "$cache/download.log" 2>&1 ||
			(apt-get update -qq && cd "$cache" && apt-get download -q "$pkg=$ver") >> "$cache/download.log" 2>&1
		deb=$(first "$cache/${pkg}_${ver//:/%3a}_"*.deb)
	fi
fi
if [ -z "$deb" ]; then
	# the archive is out of reach: an earlier download still counts
	deb=$(first "$cache/${pkg}_"*.deb)
	[ -n "$deb" ] || die "cannot get $pkg: apt knows no candidate ('${ver:-none}') or the download failed (see $cache/download.log)"
	echo "inbox.sh: using the cached $(basename "$deb"); $pkg $ver could not be downloaded" >&2
fi
dver=$(dpkg-deb -f "$deb" Version) || die "$deb is not a Debian package"
root=$cache/$pkg-$dver
if [ ! -x "$root/usr/sbin/hv_kvp_daemon" ]; then
	if ! { rm -rf "$root.tmp" && mkdir -p "$root.tmp" && dpkg-deb -x "$deb" "$root.tmp" &&
		rm -rf "$root" && mv "$root.tmp" "$root"; }; then
		die "cannot extract $deb"
	fi
fi
[ -x "$root/usr/sbin/hv_kvp_daemon" ] || die "$deb has no usr/sbin/hv_kvp_daemon"
echo "$root/usr/sbin/hv_kvp_daemon $dver"
