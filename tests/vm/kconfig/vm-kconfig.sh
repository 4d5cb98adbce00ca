#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-kconfig.sh - configure a kernel source tree for booting in the VM harness
#
# usage: tests/vm/kconfig/vm-kconfig.sh SRC [FRAGMENT...]
#
# Writes SRC/.config: the tree's `make tinyconfig` (allnoconfig before
# 3.17), then vm-guest.config (next to this script) and any further
# FRAGMENTs on top, resolved with
# `make olddefconfig` (`yes '' | make oldconfig` on trees older than 3.7,
# which have no olddefconfig).  Then lists every symbol of the fragments that
# the tree knows and that did not get the asked value (a dependency it lacks,
# or a symbol of a newer kernel): "vm-kconfig: CONFIG_X: wanted y, got m".
# Make variables (CC=...; O= is not supported) come from the environment
# as MAKEFLAGS. Build afterwards with `make -j2 bzImage modules`. Exit
# status 0 even when a symbol differs (the list says which); 2 on bad use.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
[ $# -ge 1 ] || { sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2; }
src=$1
shift
if [ ! -f "$src/Makefile" ] || [ ! -d "$src/arch/x86" ]; then
	echo "vm-kconfig: $src is not an x86 kernel source tree" >&2
	exit 2
fi
frags=("$here/vm-guest.config" "$@")
for f in "${frags[@]}"; do
	[ -r "$f" ] || { echo "vm-kconfig: cannot read $f" >&2; exit 2; }
done

# tinyconfig (3.17); allnoconfig before it
base=allnoconfig
grep -q tinyconfig "$src/scripts/kconfig/Makefile" && base=tinyconfig
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# (tinyconfig's merge messages go to the log; shown only if make fails)
make -C "$src" -s ARCH=x86_64 "$base" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
# Kconfig takes the last assignment of a symbol, so the fragments win.
cat "${frags[@]}" >> "$src/.config"
if grep -q olddefconfig "$src/scripts/kconfig/Makefile"; then
	make -C "$src" -s ARCH=x86_64 olddefconfig
else
	yes '' | make -C "$src" -s ARCH=x86_64 oldconfig > /dev/null
fi

# Report what did not come out as asked (only for symbols the tree defines).
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*} want=${line#*=} ;;
	'# CONFIG_'*' is not set') sym=${line#'# '} sym=${sym%% *} want=n ;;
	*) continue ;;
	esac
	grep -rqs --include='Kconfig*' -E "^[[:space:]]*(menu)?config[[:space:]]+${sym#CONFIG_}\$" \
		"$src/arch/x86" "$src/init" "$src/drivers" "$src/fs" "$src/net" "$src/kernel" \
		"$src/lib" "$src/mm" "$src/crypto" "$src/block" "$src/security" "$src/usr" \
		"$src/sound" "$src/Kconfig"* 2> /dev/null || continue
	got=$(sed -n "s/^$sym=//p" "$src/.config")
	[ -n "$got" ] || got=n
	if [ "$got" != "$want" ]; then
		echo "vm-kconfig: $sym: wanted $want, got $got"
		bad=1
	fi
done < <(cat "${frags[@]}")
[ $bad -eq 0 ] && echo "vm-kconfig: $src/.config has every fragment symbol as asked"
exit 0
