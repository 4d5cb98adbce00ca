#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# modules-list.sh - read modules/modules.list, the one list of hvlis's
# kernel modules (see that file for its format)
#
# usage: modules-list.sh [-f LIST] COMMAND
#   names              every module name, one per line
#   dirs               every module's directory under modules/, one per line
#   boot               the boot modules (the initramfs list), one per line
#   dkms-conf          the BUILT_MODULE_* block dkms.conf must hold
#   update-dkms-conf [FILE]
#                      rewrite that block in FILE (default: dkms.conf next
#                      to modules/), between its "BEGIN modules.list" and
#                      "END modules.list" marker lines
# The list is checked first: three fields per line, a name and directory
# of [A-Za-z0-9_-] only, no name twice, boot "boot" or "-", at least one
# module. A bad list prints "modules-list.sh: LIST:LINE: reason" on stderr
# and exits 1, so no consumer sees half a list.
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
list=$here/modules.list
if [ "${1:-}" = -f ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [-f LIST] COMMAND" >&2; exit 2; }
	list=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: $0 [-f LIST] names|dirs|boot|dkms-conf|update-dkms-conf [FILE]" >&2; exit 2; }
[ -r "$list" ] || { echo "modules-list.sh: cannot read $list" >&2; exit 1; }

# the list without comments and blank lines, as "name dir boot", checked
parsed() {
	awk -v f="$list" '
	{ sub(/#.*/, "") }
	NF == 0 { next }
	NF != 3 { printf "modules-list.sh: %s:%d: %d fields, want 3 (name directory boot)\n", f, NR, NF > "/dev/stderr"; bad = 1; next }
	$1 !~ /^[A-Za-z0-9_-]+$/ || $2 !~ /^[A-Za-z0-9_-]+$/ {
		printf "modules-list.sh: %s:%d: name or directory with a character outside [A-Za-z0-9_-]\n", f, NR > "/dev/stderr"; bad = 1; next }
	$3 != "boot" && $3 != "-" { printf "modules-list.sh: %s:%d: boot field \"%s\", want \"boot\" or \"-\"\n", f, NR, $3 > "/dev/stderr"; bad = 1; next }
	seen[$1]++ { printf "modules-list.sh: %s:%d: %s listed twice\n", f, NR, $1 > "/dev/stderr"; bad = 1; next }
	{ out[++n] = $1 " " $2 " " $3 }
	END {
		if (!bad && n == 0) { printf "modules-list.sh: %s: no module listed\n", f > "/dev/stderr"; bad = 1 }
		if (bad) exit 1
		for (i = 1; i <= n; i++) print out[i]
	}' "$list"
}

dkms_block() {
	echo "$1" | awk '{
		printf "BUILT_MODULE_NAME[%d]=\"%s\"\n", NR - 1, $1
		printf "BUILT_MODULE_LOCATION[%d]=\"modules/%s/\"\n", NR - 1, $2
		printf "DEST_MODULE_LOCATION[%d]=\"/updates/dkms\"\n", NR - 1
	}'
}

mods=$(parsed) || exit 1
case $1 in
names) echo "$mods" | awk '{ print $1 }' ;;
dirs) echo "$mods" | awk '{ print $2 }' ;;
boot) echo "$mods" | awk '$3 == "boot" { print $1 }' ;;
dkms-conf) dkms_block "$mods" ;;
update-dkms-conf)
	conf=${2:-$here/../dkms.conf}
	if [ "$(grep -c '^# BEGIN modules.list' "$conf")" != 1 ] || [ "$(grep -c '^# END modules.list' "$conf")" != 1 ]; then
		echo "modules-list.sh: $conf: want one '# BEGIN modules.list' and one '# END modules.list' line" >&2
		exit 1
	fi
	block=$(dkms_block "$mods")
	tmp=$(mktemp "$conf.XXXXXX")
	awk -v block="$block" '
	/^# END modules.list/ { print block; skip = 0 }
	!skip { print }
	/^# BEGIN modules.list/ { skip = 1 }' "$conf" > "$tmp"
	chmod --reference="$conf" "$tmp" 2> /dev/null || true
	mv "$tmp" "$conf"
	;;
*) echo "modules-list.sh: unknown command '$1'" >&2; exit 2 ;;
esac
