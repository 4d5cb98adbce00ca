#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the compat probe engine (compat/probe.sh):
#  - on every prepared matrix tree: the sentinels come out right (true
#    defined, false not) and each probe listed in expected.txt gives the
#    answer that kernel release must give;
#  - the engine fails loudly on a tree it cannot compile against and on a
#    directory that is no kernel tree;
#  - results for two trees land in two different files.
# Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
ktrees=${HVLIS_KTREES:-/var/cache/hvlis/ktrees}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS: compat/$1"; }
fail() { echo "FAIL: compat/$1: $2"; }

# version_ge A B: A >= B for dotted numeric versions
version_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

expect_for() { # probe release -> 1/0/"" (not listed)
	awk -v p="$1" '$1 == p { print $2, ($3 == "" ? "-" : $3); exit }' \
		"$top/tests/compat/expected.txt" | {
		read -r since until || { echo ""; return; }
		local want=1
		[ "$since" = none ] && want=0
		[ "$since" != - ] && [ "$since" != none ] && ! version_ge "$2" "$since" && want=0
		[ "$until" != - ] && version_ge "$2" "$until" && want=0
		echo "$want"
	}
}

if [ ! -f "$ktrees/trees.list" ]; then
	fail trees "no $ktrees/trees.list: run tests/matrix/prep-ktrees.sh"
	exit 1
fi

first=
while read -r name kdir release; do
	[ -n "$name" ] || continue
	out="$work/$name"
	if ! "$top/compat/probe.sh" "$kdir" "$out" > "$work/$name.log" 2>&1; then
		fail "$name/engine" "probe.sh failed: $(tail -n 3 "$work/$name.log" | tr '\n' ' ')"
		continue
	fi
	h="$out/hvlis_config.h"
	if grep -q '^#define HAVE_HVLIS_PROBE_TRUE 1' "$h" &&
	   ! grep -q '^#define HAVE_HVLIS_PROBE_FALSE' "$h"; then
		pass "$name/sentinels"
	else
		fail "$name/sentinels" "true/false sentinels wrong in $h"
	fi
	# upstream version of the release string, e.g. 6.1.0-56-amd64 -> 6.1
	ver=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<< "$release")
	bad=()
	nchecked=0
	for p in "$top"/compat/probes/*.c; do
		n=$(basename "$p" .c)
		want=$(expect_for "$n" "$ver")
		[ -n "$want" ] || continue
		nchecked=$((nchecked + 1))
		m="HAVE_$(tr '[:lower:]' '[:upper:]' <<< "$n")"
		got=0
		grep -q "^#define $m 1" "$h" && got=1
		[ "$got" = "$want" ] || bad+=("$m=$got (expected $want)")
	done
	if [ ${#bad[@]} -eq 0 ] && [ "$nchecked" -gt 0 ]; then
		pass "$name/expected-answers ($nchecked probes, $ver)"
	else
		fail "$name/expected-answers" "${bad[*]:-no probe checked}"
	fi
	if [ -z "$first" ]; then
		first=$kdir
	elif [ "$(cd "$first" && pwd -P)" != "$(cd "$kdir" && pwd -P)" ]; then
		second=$kdir
	fi
done < "$ktrees/trees.list"

# A tree the compiler cannot build against: the engine must refuse.
if [ -n "$first" ]; then
	if make -s -C "$top" --no-print-directory -f compat/config.mk \
		KDIR="$first" CFGDIR="$work/broken" CC=/bin/false > "$work/broken.log" 2>&1; then
		fail engine-broken-compiler "probe.sh succeeded with CC=/bin/false"
	elif grep -q 'always-true probe failed' "$work/broken.log" && [ ! -f "$work/broken/hvlis_config.h" ]; then
		pass engine-broken-compiler
	else
		fail engine-broken-compiler "wrong error: $(tail -n 2 "$work/broken.log" | tr '\n' ' ')"
	fi
fi

# Not a kernel tree.
if "$top/compat/probe.sh" "$work" "$work/none" > "$work/none.log" 2>&1; then
	fail engine-not-a-tree "probe.sh accepted $work"
elif grep -q 'not a kernel build tree' "$work/none.log"; then
	pass engine-not-a-tree
else
	fail engine-not-a-tree "wrong error: $(cat "$work/none.log")"
fi

# Results are per kernel release and tree.
if [ -n "$first" ] && [ -n "${second:-}" ]; then
	d1=$(cd "$top" && make -s --no-print-directory print-cfgdir KDIR="$first")
	d2=$(cd "$top" && make -s --no-print-directory print-cfgdir KDIR="$second")
	if [ -n "$d1" ] && [ -n "$d2" ] && [ "$d1" != "$d2" ]; then
		pass per-tree-results
	else
		fail per-tree-results "same result dir for two trees: '$d1' '$d2'"
	fi
fi
