#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the kernel's checkpatch.pl --strict on every kernel source file of
# the project (modules/, compat/, tests/hvsim/, tests/drivers/, tests/include/). checkpatch comes from
# Debian's linux-source-6.1 package (downloaded once, only the three files
# it needs extracted into a cache; nothing is installed). Findings listed in
# checkpatch-allow.txt, with their reasons, are accepted; any other finding
# fails its file. Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
cache=${HVLIS_TOOLS_CACHE:-/var/cache/hvlis/tools}/checkpatch
allow="$top/tests/style/checkpatch-allow.txt"

get_checkpatch() {
	[ -x "$cache/scripts/checkpatch.pl" ] && return 0
	local tmp deb
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq linux-source-6.1 > /dev/null 2>&1) || {
		apt-get update -qq > /dev/null 2>&1
		(cd "$tmp" && apt-get download -qq linux-source-6.1 > /dev/null 2>&1)
	}
	deb=$(ls "$tmp"/linux-source-6.1_*.deb 2> /dev/null | head -n 1)
	[ -n "$deb" ] || { rm -rf "$tmp"; return 1; }
	mkdir -p "$cache"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$tmp" --wildcards 'linux-source-6.1/scripts/checkpatch.pl' \
			'linux-source-6.1/scripts/spelling.txt' \
			'linux-source-6.1/scripts/const_structs.checkpatch'
	mkdir -p "$cache/scripts"
	cp "$tmp"/linux-source-6.1/scripts/* "$cache/scripts/"
	rm -rf "$tmp"
	[ -x "$cache/scripts/checkpatch.pl" ]
}

if ! get_checkpatch; then
	echo "FAIL: style/checkpatch: cannot get checkpatch.pl from Debian's linux-source-6.1"
	exit 1
fi

cd "$top" || exit 1
files=$(find modules compat tests/hvsim tests/drivers tests/include -name '*.[ch]' ! -name '*.mod.c' | sort)
fail=0
for f in $files; do
	out=$("$cache/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		--file "$f" 2> /dev/null | grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):')
	bad=$(while IFS= read -r line; do
		[ -n "$line" ] || continue
		type=$(sed -n 's/^[^ ]*: \(ERROR\|WARNING\|CHECK\):\([A-Z_]*\):.*/\2/p' <<< "$line")
		grep -q "^$f:$type " "$allow" || echo "$line"
	done <<< "$out")
	if [ -z "$bad" ]; then
		echo "PASS: style/$f"
	else
		echo "FAIL: style/$f: $(head -n 1 <<< "$bad")"
		sed 's/^/    /' <<< "$bad"
		fail=1
	fi
done
exit $fail
