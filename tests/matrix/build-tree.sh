#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-tree.sh - build hvlis against one prepared kernel tree and say what happened
#
# usage: tests/matrix/build-tree.sh [-o OUTDIR] [--no-test-modules] KDIR
#
# KDIR is any prepared kernel build tree (a distribution's kernel-devel or
# linux-headers tree, or a source tree after `make olddefconfig
# modules_prepare`). The script copies this source tree into OUTDIR/src (so
# nothing in the checkout is touched), then
#
#   1. runs the compat probes (compat/probe.sh) and lists every probe's
#      answer, where the export checks came from, and which warnings of the
#      tree's own headers are silenced (compat/hdrwarn);
#   2. builds every module (`make -k modules`, warnings are errors in our
#      files) and, unless --no-test-modules, the simulated host and the test
#      modules (tests/hvsim, tests/drivers/*);
#   3. reports per module: PASS (its .ko exists, no warning from our files)
#      or FAIL with the first diagnostics of our files, each followed by the
#      compat probe that covers the identifier it names ("probe X answered
#      no") or, when no probe covers it, the API it is ("no compat probe
#      covers 'foo'").
#
# Output: "PASS: tree/<module>" / "FAIL: tree/<module>: reason" lines (the form
# tests/run.sh counts), a probe table and the log paths. Exit status 0 if every
# module passed, 1 if one failed, 2 if the tree cannot be used at all.
#
# Environment: MAKEFLAGS as usual (-j is taken from it, default -j1); CC and
# friends are the tree's (pass CC=... through the environment if the tree was
# prepared with a compiler that is not the default one: make reads it).
set -uo pipefail

SELF=$(realpath "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd -P)
readonly SELF REPO

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$SELF"
	exit "${1:-2}"
}

out= test_modules=1
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	--no-test-modules) test_modules=0; shift ;;
	-h | --help) usage 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
kdir=$(cd "$1" 2> /dev/null && pwd -P) || { echo "build-tree: no such directory: $1" >&2; exit 2; }
[ -f "$kdir/Makefile" ] || { echo "build-tree: $kdir is not a kernel build tree (no Makefile)" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/hvlis-tree.XXXXXX")
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
src=$out/src
krel=$("$REPO/compat/kernelrelease.sh" "$kdir" 2> /dev/null || echo unknown)

echo "tree:     $kdir"
echo "release:  $krel"
echo "compiler: $(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$kdir/.config" 2> /dev/null |
	grep . || echo "not recorded in .config")"
echo "output:   $out"

# 0. a clean copy of the sources (no build products, no .git)
rm -rf "$src"
mkdir -p "$src"
(cd "$REPO" && tar --exclude=.git --exclude=./.build --exclude=./tests/build \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude=Module.symvers --exclude='*.order' -cf - .) | tar -xf - -C "$src"

# 1. the probes
cfgdir=$(make -s --no-print-directory -C "$src" print-cfgdir KDIR="$kdir")
if ! make -s --no-print-directory -C "$src" -f compat/config.mk KDIR="$kdir" CFGDIR="$cfgdir" \
	> "$out/probes.log" 2>&1; then
	echo "FAIL: tree/probes: the compat probe engine failed on $kdir:"
	sed 's/^/  /' "$out/probes.log"
	echo "  (compiler output: $cfgdir/probe.log)"
	exit 2
fi
hdr=$cfgdir/hvlis_config.h
cp "$cfgdir/probe.log" "$out/probe-compiler.log" 2> /dev/null
echo
echo "probes ($(grep -c '^#define HAVE_' "$hdr") of $(find "$src/compat/probes" -name '*.c' | wc -l) present):"
for p in "$src"/compat/probes/*.c; do
	n=$(basename "$p" .c)
	m="HAVE_$(tr '[:lower:]' '[:upper:]' <<< "$n")"
	case $n in hvlis_probe_true | hvlis_probe_false) continue ;; esac
	if grep -q "^#define $m 1" "$hdr"; then a=yes; else a=no; fi
	printf '  %-32s %s\n' "$n" "$a"
done
sed -n -e 's|^/\* \(export checks: .*\) \*/$|  \1|p' \
	-e 's|^/\* \(features that need an export .*\) \*/$|  \1|p' "$hdr"
sed -n 's|^/\* \(the tree.s own headers warn .*\) \*/$|  \1|p' "$hdr"
sed -n 's|^/\* \(the tree.s objtool .*\) \*/$|  \1|p' "$hdr"
grep -q 'own headers warn' "$hdr" || echo "  the tree's own headers give no warning we know of under this compiler"
echo

# 2. the builds (-k: one module's failure does not hide another's)
make -k -C "$src" modules KDIR="$kdir" HVLIS_WERROR=1 > "$out/modules.log" 2>&1
mods_rc=$?
hvsim_rc=0
if [ "$test_modules" = 1 ]; then
	# what test-modules adds: the simulated host and the test drivers,
	# built against our exports
	: > "$out/hvsim.log"
	for d in $(make -s -C "$src" print-test-module-dirs); do
		make -k -C "$kdir" M="$src/$d" HVLIS_TOP="$src" HVLIS_CFGDIR="$cfgdir" \
			HVLIS_WERROR=1 HVLIS_VERSION="$(make -s -C "$src" version)" \
			KBUILD_EXTRA_SYMBOLS="$src/modules/Module.symvers" modules >> "$out/hvsim.log" 2>&1 ||
			hvsim_rc=$?
	done
fi

# probe_for IDENT: the probes whose source names IDENT, with their answers
probe_for() {
	local f n m a list=
	for f in $(grep -lw -- "$1" "$src"/compat/probes/*.c 2> /dev/null); do
		n=$(basename "$f" .c)
		m="HAVE_$(tr '[:lower:]' '[:upper:]' <<< "$n")"
		if grep -q "^#define $m 1" "$hdr"; then a=yes; else a=no; fi
		list="$list${list:+, }probe $n answered $a"
	done
	echo "$list"
}

# explain LOG DIR: the first diagnostics from our files under DIR, each
# with the probe or API it is about
explain() {
	local log=$1 dir=$2 line id why shown=0
	while IFS= read -r line; do
		echo "    ${line#"$src"/}"
		why=
		# the identifiers the message quotes ('x', ‘x’ or "x")
		for id in $(grep -oE "['‘\"][A-Za-z_][A-Za-z0-9_]*['’\"]" <<< "$line" | tr -d "'‘’\""); do
			case $id in int | long | char | void | struct | const | unsigned) continue ;; esac
			why=$(probe_for "$id")
			if [ -n "$why" ]; then
				echo "      -> '$id': $why (see $cfgdir/probe.log)"
			else
				echo "      -> '$id': no compat probe covers it; this kernel's API differs here"
			fi
			break
		done
		[ -z "$why" ] && [[ $line == *"-Werror="* ]] &&
			echo "      -> a warning in our code ($(grep -oE -- '-Werror=[a-z0-9-]+' <<< "$line" | head -n 1))"
		shown=$((shown + 1))
		[ $shown -lt 6 ] || break
	done < <(grep -E "^$dir/[^:]*(:[0-9]+:([0-9]+:)?|\.o:) (error|warning|fatal error):" "$log")
	[ $shown -gt 0 ] || grep -E 'ERROR|Error|error:|undefined|Unknown symbol' "$log" | head -n 4 | sed 's/^/    /'
}

# report NAME KO LOG DIR RC
failed=0
report() {
	local name=$1 ko=$2 log=$3 dir=$4 nwarn
	# compiler warnings, and objtool's about our objects ("x.o: warning: objtool: ...")
	nwarn=$(grep -cE "^$dir/[^:]*(:[0-9]+:([0-9]+:)?|\.o:) warning:" "$log")
	if [ -f "$ko" ] && [ "$nwarn" -eq 0 ] && ! grep -qE "^$dir/[^:]*:[0-9]+:([0-9]+:)? (fatal )?error:" "$log"; then
		echo "PASS: tree/$name ($krel)"
	else
		failed=1
		if [ -f "$ko" ]; then
			echo "FAIL: tree/$name ($krel): built, but with $nwarn warning(s) from our files"
		else
			echo "FAIL: tree/$name ($krel): not built"
		fi
		explain "$log" "$dir"
		echo "    (log: $log)"
	fi
}

# the modules of modules.list (modules/include and modules/proto are none)
for m in $(sh "$src/modules/modules-list.sh" dirs); do
	report "$m" "$src/modules/$m/$m.ko" "$out/modules.log" "$src/modules/$m"
done
# errors in the shared headers and compat shims count for every module; say where
if grep -qE "^$src/(modules/include|compat)/[^:]*:[0-9]+:([0-9]+:)? (warning|error):" "$out/modules.log"; then
	echo "FAIL: tree/shared-headers ($krel): diagnostics in modules/include or compat/include"
	explain "$out/modules.log" "$src/(modules/include|compat)"
	failed=1
fi
if [ "$test_modules" = 1 ]; then
	report hvsim "$src/tests/hvsim/hvsim.ko" "$out/hvsim.log" "$src/tests/hvsim"
	report hvlis_echo "$src/tests/drivers/hvlis_echo/hvlis_echo.ko" "$out/hvsim.log" \
		"$src/tests/drivers/hvlis_echo"
fi
logs="$out/modules.log"
[ "$test_modules" = 0 ] || logs="$logs $out/hvsim.log"
echo "logs: $logs $out/probe-compiler.log (make exit status: modules $mods_rc, hvsim $hvsim_rc)"
exit $failed
