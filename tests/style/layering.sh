#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# layering.sh - who may include whom (docs/architecture.md, "Where the code
# lives"); no build, a second:
#   layering/hvsim   the simulated host (tests/hvsim), the test drivers
#                    (tests/drivers/*) and the protocols they share
#                    (tests/include) include public headers (hvlis/*.h),
#                    their own files and modules/proto only: no file of a
#                    module's directory
#   layering/proto   modules/proto includes hvlis/*.h and its own headers
#                    only (kernel and libc headers only in files that
#                    choose between them with __KERNEL__)
#   layering/public  modules/include includes no file of modules/proto or
#                    of a module's directory
# Prints PASS:/FAIL: lines; exits 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 1
failed=0
report() { # name, then the problems
	local n=$1 r
	shift
	if [ $# -eq 0 ]; then echo "PASS: layering/$n"; else
		r=$(printf '%s; ' "$@")
		echo "FAIL: layering/$n: ${r%; }"
		failed=1
	fi
}
# includes FILE: "LINE:target" for each #include
includes() { grep -n '^[[:space:]]*#[[:space:]]*include' "$1" | sed 's|^\([0-9]*\):.*include[[:space:]]*[<"]\([^>"]*\)[>"].*|\1:\2|'; }
modules_dirs=$(cd modules && for d in */; do d=${d%/}; case $d in include | proto) ;; *) echo "$d" ;; esac; done)

bad=()
for f in tests/hvsim/*.[ch] tests/drivers/*/*.[ch] tests/include/*/*.h; do
	case $f in *.mod.c) continue ;; esac
	while IFS=: read -r l t; do
		[ -n "$t" ] || continue
		for d in $modules_dirs; do
			case $t in */"$d"/* | "$d"/*) bad+=("$f:$l includes $t") ;; esac
		done
	done < <(includes "$f")
done
report hvsim "${bad[@]+"${bad[@]}"}"

bad=()
for f in modules/proto/*.[ch]; do
	[ -f "$f" ] || continue
	while IFS=: read -r l t; do
		[ -n "$t" ] || continue
		case $t in
		hvlis/*) ;;
		*/*) grep -q '__KERNEL__' "$f" || bad+=("$f:$l includes $t") ;;
		*) [ -f "modules/proto/$t" ] || grep -q '__KERNEL__' "$f" || bad+=("$f:$l includes $t") ;;
		esac
		case $t in *..*) bad+=("$f:$l includes $t") ;; esac
	done < <(includes "$f")
done
report proto "${bad[@]+"${bad[@]}"}"

bad=()
while IFS= read -r f; do
	while IFS=: read -r l t; do
		case $t in *..* | *proto/*) bad+=("$f:$l includes $t") ;; esac
		[ -f "modules/proto/$t" ] && bad+=("$f:$l includes $t")
	done < <(includes "$f")
done < <(find modules/include -name '*.h')
report public "${bad[@]+"${bad[@]}"}"
exit $failed
