#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# modules-list.sh - modules/modules.list is the one list of hvlis's kernel
# modules; check that nothing disagrees with it (no build, a second).
#
#   modules-list/parser   modules/modules-list.sh reads the list and refuses
#                         malformed ones (wrong field count, a name twice,
#                         a bad boot field, no module at all)
#   modules-list/dirs     every listed directory is a module directory
#                         under modules/, and every module directory there
#                         is listed
#   modules-list/dkms.conf  dkms.conf's BUILT_MODULE_* entries are exactly
#                         the generated block (fix: modules/modules-list.sh
#                         update-dkms-conf)
#   modules-list/consumers  Kbuild, the initramfs files and the packaging
#                         take the list from it instead of naming modules
#   modules-list/boot     the modules a root file system on synthetic
#                         devices needs (hv_vmbus, hv_storvsc, hv_netvsc)
#                         are boot modules when they are listed
# Prints PASS:/FAIL: lines; exits 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
ml=$top/modules/modules-list.sh
failed=0
pass() { echo "PASS: modules-list/$1"; }
fail() { echo "FAIL: modules-list/$1"; failed=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- parser
bad=()
names=$("$ml" names 2> "$tmp/err") || bad+=("the list itself: $(head -n 1 "$tmp/err")")
[ -n "$names" ] || bad+=("no module names")
printf '%s\n' '# c' 'a  da  boot' 'b db -  # trailing comment' '' > "$tmp/good"
[ "$("$ml" -f "$tmp/good" boot 2>&1)" = a ] || bad+=("good list: boot is not 'a'")
[ "$("$ml" -f "$tmp/good" dirs 2>&1 | xargs)" = "da db" ] || bad+=("good list: dirs are not 'da db'")
i=0
for l in 'a da' 'a da boot extra' 'a da yes' 'a/b da boot' $'a da boot\na db -' '# only a comment'; do
	i=$((i + 1))
	printf '%s\n' "$l" > "$tmp/bad$i"
	if out=$("$ml" -f "$tmp/bad$i" names 2>&1); then
		bad+=("accepted list $i ($(tr '\n' '|' <<< "$l"))")
	elif ! grep -q "^modules-list.sh: $tmp/bad$i" <<< "$out"; then
		bad+=("list $i refused without saying where: $out")
	fi
done
if [ ${#bad[@]} -eq 0 ]; then pass "parser ($(xargs <<< "$names"); $i bad lists refused)"; else
	r=$(printf '%s; ' "${bad[@]}"); fail "parser: ${r%; }"; fi

# --- dirs
bad=()
dirs=$("$ml" dirs 2> /dev/null)
for d in $dirs; do
	[ -f "$top/modules/$d/Kbuild" ] || [ -f "$top/modules/$d/Makefile" ] ||
		bad+=("modules/$d/ listed but has no Kbuild or Makefile")
done
for k in "$top"/modules/*/Kbuild "$top"/modules/*/Makefile; do
	[ -f "$k" ] || continue
	d=$(basename "$(dirname "$k")")
	grep -qxF -- "$d" <<< "$dirs" || bad+=("modules/$d/ builds a module but is not in modules.list")
done
if [ ${#bad[@]} -eq 0 ]; then pass "dirs"; else
	r=$(printf '%s; ' "${bad[@]}"); fail "dirs: ${r%; }"; fi

# --- dkms.conf
want=$("$ml" dkms-conf 2> /dev/null)
have=$(grep -E '^(BUILT_MODULE_NAME|BUILT_MODULE_LOCATION|DEST_MODULE_LOCATION)\[' "$top/dkms.conf")
inblock=$(sed -n '/^# BEGIN modules.list/,/^# END modules.list/p' "$top/dkms.conf" | grep -v '^# ')
if [ -n "$want" ] && [ "$have" = "$want" ] && [ "$inblock" = "$want" ]; then
	pass "dkms.conf ($(grep -c '^BUILT_MODULE_NAME' <<< "$have") modules)"
else
	fail "dkms.conf: its BUILT_MODULE_* entries differ from modules/modules.list (run modules/modules-list.sh update-dkms-conf)"
	diff <(echo "$want") <(echo "$have") | sed 's/^/    | /' >&2
fi

# --- consumers
bad=()
grep -q 'modules-list.sh dirs' "$top/modules/Kbuild" || bad+=("modules/Kbuild does not take its directories from modules-list.sh")
grep -Eq '^obj-m.*hv_' "$top/modules/Kbuild" && bad+=("modules/Kbuild names a module itself")
for f in packaging/dracut/50-hvlis.conf packaging/initramfs-tools/hvlis packaging/kernel-hooks/hvlis-kmod; do
	grep -q '@HVLIS_BOOT_MODULES@' "$top/$f" || bad+=("$f lacks @HVLIS_BOOT_MODULES@")
done
for f in packaging/debian/rules packaging/rpm/hvlis.spec daemons/Makefile; do
	grep -q 'modules-list.sh boot' "$top/$f" || bad+=("$f does not take the boot modules from modules-list.sh")
done
[ -e "$top/packaging/boot-modules" ] && bad+=("packaging/boot-modules is back: the boot modules live in modules/modules.list")
if [ ${#bad[@]} -eq 0 ]; then pass "consumers"; else
	r=$(printf '%s; ' "${bad[@]}"); fail "consumers: ${r%; }"; fi

# --- boot
boot=$("$ml" boot 2> /dev/null)
bad=()
for m in hv_vmbus hv_storvsc hv_netvsc; do
	grep -qxF -- "$m" <<< "$names" || continue
	grep -qxF -- "$m" <<< "$boot" || bad+=("$m is listed but not a boot module")
done
[ -n "$boot" ] || bad+=("no boot module")
if [ ${#bad[@]} -eq 0 ]; then pass "boot ($(xargs <<< "$boot"))"; else
	r=$(printf '%s; ' "${bad[@]}"); fail "boot: ${r%; }"; fi
exit $failed
