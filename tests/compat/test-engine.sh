#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the compat probe engine (compat/probe.sh):
#  - on every prepared matrix tree: the sentinels come out right (true
#    defined, false not) and each probe listed in expected.txt gives the
#    answer that kernel release must give;
#  - the engine fails loudly on a tree it cannot compile against and on a
#    directory that is no kernel tree;
#  - results for two trees land in two different files;
#  - with the argument "rhel" (make check-compat-rhel) instead: the RHEL
#    trees built by hand give the answers of expected-rhel.txt.
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

# have HEADER PROBE: 1 if the header defines HAVE_<PROBE>
have() { grep -q "^#define HAVE_$(tr '[:lower:]' '[:upper:]' <<< "$2") 1" "$1" && echo 1 || echo 0; }

# The RHEL trees built by hand (docs/kernels.md): each probe listed in
# expected-rhel.txt for a tree gives its answer there. Only with the
# argument "rhel" (make check-compat-rhel), where a tree that is missing
# fails: a clean machine has none, so make check does not run them.
rhel_trees() {
	local dir=${HVLIS_RHEL_TREES:-/var/cache/hvlis/rhel} t kdir h bad p want got
	while read -r t; do
		kdir=$dir/$t
		if [ ! -f "$kdir/Makefile" ]; then
			fail "rhel-$t/probes" "no tree at $kdir (docs/kernels.md, \"Built by hand\"; HVLIS_RHEL_TREES)"
			continue
		fi
		if ! "$top/compat/probe.sh" "$kdir" "$work/rhel-$t" < /dev/null > "$work/rhel-$t.log" 2>&1; then
			fail "rhel-$t/probes" "probe.sh failed: $(tail -n 2 "$work/rhel-$t.log" | tr '\n' ' ')"
			continue
		fi
		h=$work/rhel-$t/hvlis_config.h
		bad=
		while read -r _ p want; do
			got=no
			[ "$(have "$h" "$p")" = 1 ] && got=yes
			[ "$got" = "$want" ] || bad="$bad $p=$got(want $want)"
		done < <(awk -v t="$t" '$1 == t && NF == 3' "$top/tests/compat/expected-rhel.txt")
		if [ -n "$bad" ]; then
			fail "rhel-$t/probes" "wrong answers:$bad"
		else
			pass "rhel-$t/probes"
		fi
	done < <(awk '!/^#/ && NF == 3 { print $1 }' "$top/tests/compat/expected-rhel.txt" | sort -u)
}
case ${1:-} in
'') echo "compat: the RHEL trees built by hand are checked by make check-compat-rhel, not here" >&2 ;;
rhel)
	rhel_trees
	exit 0
	;;
*)
	echo "usage: $0 [rhel]" >&2
	exit 2
	;;
esac

if [ ! -f "$ktrees/trees.list" ]; then
	fail trees "no $ktrees/trees.list: run tests/matrix/prep-ktrees.sh"
	exit 1
fi

first=
first_name=
newest=
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
	newest=$name
	if [ -z "$first" ]; then
		first=$kdir
		first_name=$name
	elif [ "$(cd "$first" && pwd -P)" != "$(cd "$kdir" && pwd -P)" ]; then
		second=$kdir
	fi
done < "$ktrees/trees.list"

# Export checks where a tree lacks Module.symvers, and probes that compile
# against mere declarations. Each case runs the engine on a copy of the
# first tree (symbolic links, so cheap) with one thing changed.
# farm NAME: a fresh copy of $first as $work/NAME (no Module.symvers)
farm() {
	rm -rf "${work:?}/$1"
	cp -as "$(cd "$first" && pwd -P)/." "$work/$1/" && rm -f "$work/$1/Module.symvers"
}
# own_dir BASE REL: make the directories on the way to BASE/REL (a file of
# a copy made with cp -as) real ones in the copy, so that replacing that
# file cannot write into the tree copied: Debian's build dir links whole
# directories (tools -> ../../lib/linux-kbuild-X/tools), and cp -as copies
# such a link as a link. Fails if the file's directory still resolves
# outside BASE.
own_dir() {
	local base=$1 rel=$2 p='' c t
	local IFS=/
	for c in $(dirname "$rel"); do
		[ -n "$c" ] && [ "$c" != . ] || continue
		p=${p:+$p/}$c
		[ -L "$base/$p" ] || continue
		t=$(readlink -f "$base/$p") && [ -d "$t" ] || return 1
		rm -f "$base/$p" && mkdir "$base/$p" && cp -as "$t/." "$base/$p/" || return 1
	done
	case $(readlink -f "$base/$(dirname "$rel")") in
	"$(readlink -f "$base")"/*) return 0 ;;
	*) return 1 ;;
	esac
}
# probes run NAME: the engine on $work/NAME into $work/NAME.out
probes_run() { "$top/compat/probe.sh" "$work/$1" "$work/$1.out" > "$work/$1.log" 2>&1; }
# the export names (vmlinux's, roughly) of the real tree's Module.symvers
symvers_names() { awk '$3 ~ /vmlinux$/ { print $2 }' "$first/Module.symvers"; }
# wallclock_check NAME TREE CFGDIR SYMBOL: compat_time.h's
# hvlis_set_wallclock() compiles with warnings as errors against TREE and the
# engine's answers in CFGDIR, and the object calls SYMBOL (the kernel's
# setter the answers chose) and no other setter
wallclock_check() {
	local n=$1 tree=$2 cfg=$3 sym=$4 d=$work/wc-$1 calls
	rm -rf "$d"
	mkdir -p "$d"
	cat > "$d/Kbuild" <<EOK
ccflags-y := -I$top/modules/include -I$top/compat/include -I$cfg -Werror
-include $cfg/hvlis_cflags.mk
ccflags-y += \$(HVLIS_KHDR_CFLAGS)
obj-m := hvlis_wallclock.o
EOK
	cat > "$d/hvlis_wallclock.c" <<'EOC'
#include <linux/module.h>
#include <hvlis/compat_time.h>

int hvlis_test_wallclock(s64 sec, long nsec);
int hvlis_test_wallclock(s64 sec, long nsec)
{
	return hvlis_set_wallclock(sec, nsec);
}
EXPORT_SYMBOL_GPL(hvlis_test_wallclock);
MODULE_LICENSE("GPL");
EOC
	make -C "$tree" M="$d" modules > "$d/build.log" 2>&1
	if [ ! -f "$d/hvlis_wallclock.o" ] || grep -q 'hvlis_wallclock\.c.*\(warning\|error\)' "$d/build.log"; then
		fail "$n" "compat_time.h does not compile: $(grep -m 2 -E 'error|warning' "$d/build.log" | tr '\n' ' ')"
		return
	fi
	calls=$(nm -u "$d/hvlis_wallclock.o" | awk '$NF ~ /^do_settimeofday/ { print $NF }' | tr '\n' ' ')
	if [ "$calls" = "$sym " ]; then
		pass "$n"
	else
		fail "$n" "the object calls '$calls', not $sym alone"
	fi
}

if [ -n "$first" ] && [ -f "$first/Module.symvers" ]; then
	# the real tree's answers: the engine's run on it above (not run again)
	ref="$work/$first_name/hvlis_config.h"
	# answers that need an export, as the real tree gives them
	optional="hv_hypercall_pg hv_setup_vmbus_handler orderly_reboot hibernation_available"
	# features whose export is core kernel code (hvlis-probe-core-export):
	# without a list the declaration decides
	core="do_settimeofday64"

	# 1. no Module.symvers and nothing else to learn exports from: the
	#    features that need an export answer no, the log says why
	farm nolist
	if probes_run nolist; then
		h="$work/nolist.out/hvlis_config.h"
		miss=
		for p in $optional; do [ "$(have "$h" "$p")" = 0 ] || miss="$miss $p"; done
		if [ -n "$miss" ]; then
			fail exports-none "answered yes without any export list:$miss"
		elif ! grep -q 'exports cannot be checked' "$work/nolist.log" ||
			! grep -q 'export checks: impossible' "$h"; then
			fail exports-none "no warning in the build log or header"
		else
			pass exports-none
		fi
		miss=
		for p in $core; do [ "$(have "$h" "$p")" = "$(have "$ref" "$p")" ] || miss="$miss $p"; done
		if [ -z "$miss" ] && [ "$(have "$ref" do_settimeofday64)" = 1 ]; then
			pass exports-none-core-from-declaration
		else
			fail exports-none-core-from-declaration "answers differ from Module.symvers' for:$miss"
		fi
		# and hv_utils' time sync compiles with what the engine answered
		# (here: the wall clock set through do_settimeofday64)
		wallclock_check exports-none-wallclock-builds "$work/nolist" "$work/nolist.out" do_settimeofday64
	else
		fail exports-none "probe.sh failed: $(tail -n 2 "$work/nolist.log")"
	fi

	# 2. an image (vmlinux with its __ksymtab_strings) instead: the same
	#    answers as with Module.symvers for the features vmlinux exports
	farm image
	symvers_names | tr '\n' '\0' > "$work/kss.bin"
	echo 'int hvlis_test_image;' > "$work/img.c"
	if cc -c -o "$work/img.o" "$work/img.c" &&
		objcopy --add-section __ksymtab_strings="$work/kss.bin" "$work/img.o" "$work/image/vmlinux" &&
		probes_run image; then
		h="$work/image.out/hvlis_config.h"
		miss=
		for p in $optional; do [ "$(have "$h" "$p")" = "$(have "$ref" "$p")" ] || miss="$miss $p"; done
		if [ -n "$miss" ] || ! grep -q 'export checks: against .*/vmlinux' "$h"; then
			fail exports-vmlinux "answers differ from Module.symvers' for:$miss ($(grep 'export checks' "$h"))"
		else
			pass exports-vmlinux
		fi
	else
		fail exports-vmlinux "could not run: $(tail -n 2 "$work/image.log" 2> /dev/null)"
	fi

	# 3. a System.map; Debian's one-line stub must not count as one
	farm map
	printf 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n' \
		> "$work/map/System.map"
	if probes_run map && grep -q 'export checks: impossible' "$work/map.out/hvlis_config.h"; then
		symvers_names | awk '{ printf "ffffffff81000000 r __ksymtab_%s\n", $1 }' > "$work/map/System.map"
		h="$work/map.out/hvlis_config.h"
		miss=
		if probes_run map; then
			for p in $optional; do [ "$(have "$h" "$p")" = "$(have "$ref" "$p")" ] || miss="$miss $p"; done
		fi
		if [ -n "$miss" ] || ! grep -q 'export checks: against .*/System.map' "$h"; then
			fail exports-system-map "answers differ from Module.symvers' for:$miss ($(grep 'export checks' "$h"))"
		else
			pass exports-system-map
		fi
	else
		fail exports-system-map "a stub System.map was taken for an export list"
	fi

	# 4. a kernel whose headers declare the Hyper-V hooks but that does not
	#    export what they need (hv_hypercall_pg missing): HAVE_HV_DO_HYPERCALL
	#    must be no, or hv_vmbus would not load ("unknown symbol"). The same
	#    list lacks do_settimeofday64: a core export is still checked when
	#    there is a list.
	farm noexport
	grep -v -w -e hv_hypercall_pg -e do_settimeofday64 "$first/Module.symvers" > "$work/noexport/Module.symvers"
	if probes_run noexport; then
		h="$work/noexport.out/hvlis_config.h"
		if [ "$(have "$ref" hv_do_hypercall)" = 1 ] && [ "$(have "$h" hv_do_hypercall)" = 0 ]; then
			pass probe-needs-definition
		else
			fail probe-needs-definition "HAVE_HV_DO_HYPERCALL=$(have "$h" hv_do_hypercall) without hv_hypercall_pg exported (real tree: $(have "$ref" hv_do_hypercall))"
		fi
		if [ "$(have "$ref" do_settimeofday64)" = 1 ] && [ "$(have "$h" do_settimeofday64)" = 0 ]; then
			pass core-export-checked-with-list
		else
			fail core-export-checked-with-list "HAVE_DO_SETTIMEOFDAY64=$(have "$h" do_settimeofday64) with a Module.symvers that lacks it (real tree: $(have "$ref" do_settimeofday64))"
		fi
	else
		fail probe-needs-definition "probe.sh failed: $(tail -n 2 "$work/noexport.log")"
	fi

	# 5. CONFIG_HYPERV off: none of the arch hooks
	farm nohyperv
	f=include/generated/autoconf.h
	rm -f "$work/nohyperv/$f"
	grep -v -E '^#define CONFIG_HYPERV(_MODULE)? ' "$first/$f" > "$work/nohyperv/$f"
	cp "$first/Module.symvers" "$work/nohyperv/Module.symvers"
	if probes_run nohyperv; then
		h="$work/nohyperv.out/hvlis_config.h"
		miss=
		for p in hv_do_hypercall hv_hypercall_pg hv_setup_vmbus_handler hv_setup_kexec_handler \
			hv_setup_crash_handler; do
			[ "$(have "$h" "$p")" = 0 ] || miss="$miss $p"
		done
		if [ -z "$miss" ] && [ "$(have "$h" hvlis_probe_true)" = 1 ]; then
			pass probe-config-hyperv-off
		else
			fail probe-config-hyperv-off "answered yes without CONFIG_HYPERV:$miss"
		fi
	else
		fail probe-config-hyperv-off "probe.sh failed: $(tail -n 2 "$work/nohyperv.log")"
	fi
fi

# Kernel header warnings (compat/hdrwarn). A current tree's module_init()
# is clean: -Wmissing-attributes must not be silenced there. An old tree
# is played by a copy of the first tree (symbolic links) whose
# <linux/module.h> declares
# init_module/cleanup_module as kernels before 5.0 did, as aliases without
# the __copy() of the driver function's attributes: the engine must silence
# -Wmissing-attributes, hv_vmbus must then build with -Werror, and a
# deliberate warning in our own code must still stop the build.
# treecopy DIR HEADER: a copy of $first in DIR (symbolic links; its build
# dir is DIR/build) in which HEADER (e.g. include/linux/module.h) may be
# replaced; prints that header's path in the copy
treecopy() {
	local d=$1 common
	rm -rf "$d"
	mkdir -p "$d"
	common=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$first/Makefile")
	if [ -n "$common" ]; then
		# a Debian split tree: the build dir includes the -common tree's
		# Makefile, which finds its headers next to its real path
		cp -as "$common/." "$d/common/" && rm "$d/common/Makefile" &&
			cp "$common/Makefile" "$d/common/Makefile" || return 1
		cp -as "$(cd "$first" && pwd -P)/." "$d/build/" && rm "$d/build/Makefile" &&
			echo "include $d/common/Makefile" > "$d/build/Makefile" || return 1
		own_dir "$d/common" "$2" && echo "$d/common/$2"
	else
		cp -as "$(cd "$first" && pwd -P)/." "$d/build/" && rm "$d/build/Makefile" &&
			cp "$first/Makefile" "$d/build/Makefile" || return 1
		own_dir "$d/build" "$2" && echo "$d/build/$2"
	fi
}
# oldtree DIR: that copy of $first in DIR; prints its build dir
oldtree() {
	local d=$1 mh
	mh=$(treecopy "$d" include/linux/module.h) || return 1
	grep -q '__copy(initfn)' "$mh" || return 1
	sed 's/ __copy(\(init\|exit\)fn)//' "$(readlink -f "$mh")" > "$mh.new" && mv -f "$mh.new" "$mh" &&
		! grep -q '__copy(' "$mh" && echo "$d/build"
}
# seed_cfg SRC KDIR OUT: a source copy's probe results for KDIR (where its
# Makefile looks for them) are the engine's output OUT of a run on that
# same tree in this test, so the module build does not probe it again
# (config.mk reruns the engine only when a probe or the tree is newer)
seed_cfg() {
	local d
	d=$(make -s --no-print-directory -C "$1" print-cfgdir KDIR="$2") && [ -n "$d" ] &&
		mkdir -p "$d" && cp "$3/hvlis_config.h" "$3/hvlis_cflags.mk" "$d/"
}
# probes_reused SRC KDIR: the build took the seeded results (no probe run)
probes_reused() {
	local d
	d=$(make -s --no-print-directory -C "$1" print-cfgdir KDIR="$2") && [ ! -e "$d/probe-build" ]
}
jobs=$(nproc 2> /dev/null || echo 2)
if [ -n "$first" ]; then
	# the first tree's own run above (its engine output, not run again)
	if [ -f "$work/$first_name/hvlis_config.h" ] &&
		grep -q '^HVLIS_KHDR_CFLAGS :=' "$work/$first_name/hvlis_cflags.mk" &&
		! grep -q -- '-Wno-missing-attributes' "$work/$first_name/hvlis_cflags.mk"; then
		pass hdrwarn-clean-tree
	else
		fail hdrwarn-clean-tree "$(cat "$work/$first_name/hvlis_cflags.mk" 2> /dev/null || tail -n 2 "$work/$first_name.log")"
	fi
	if ! old=$(oldtree "$work/oldtree"); then
		fail hdrwarn-old-module-init "cannot make the old-style module.h from $first"
	else
		if "$top/compat/probe.sh" "$old" "$work/hwold" > "$work/hwold.log" 2>&1 &&
			grep -q '^HVLIS_KHDR_CFLAGS :=.* -Wno-missing-attributes' "$work/hwold/hvlis_cflags.mk" &&
			grep -q 'own headers warn with -Wmissing-attributes' "$work/hwold.log"; then
			pass hdrwarn-old-module-init-detected
		else
			fail hdrwarn-old-module-init-detected "$(cat "$work/hwold/hvlis_cflags.mk" 2> /dev/null || tail -n 2 "$work/hwold.log")"
		fi
		# hv_vmbus alone, from a scratch copy
		src="$work/src"
		mkdir -p "$src"
		(cd "$top" && tar --exclude=.git --exclude=./.build --exclude=./tests -cf - .) | tar -xf - -C "$src"
		sed -i 's|^obj-m += .*|obj-m += hv_vmbus/|' "$src/modules/Kbuild"
		# the engine's answers for this tree are those of hwold above
		seed_cfg "$src" "$old" "$work/hwold"
		if make -j"$jobs" -C "$src" modules KDIR="$old" HVLIS_WERROR=1 > "$work/hwbuild.log" 2>&1 &&
			probes_reused "$src" "$old" &&
			[ -f "$src/modules/hv_vmbus/hv_vmbus.ko" ] && ! grep -qi 'warning:' "$work/hwbuild.log"; then
			pass hdrwarn-old-module-init-builds-werror
		else
			fail hdrwarn-old-module-init-builds-werror "$(grep -m 2 -E 'error|warning' "$work/hwbuild.log")"
		fi
		echo 'static int hvlis_deliberately_unused;' >> "$src/modules/hv_vmbus/main.c"
		if make -j"$jobs" -C "$src" modules KDIR="$old" HVLIS_WERROR=1 > "$work/hwbad.log" 2>&1; then
			fail hdrwarn-own-warning-still-error "a deliberate warning in hv_vmbus/main.c built"
		elif grep -q 'hvlis_deliberately_unused.*-Werror=unused-variable' "$work/hwbad.log"; then
			pass hdrwarn-own-warning-still-error
		else
			fail hdrwarn-own-warning-still-error "failed for another reason: $(grep -m 2 error "$work/hwbad.log")"
		fi
	fi
fi

# The wall clock on a kernel before do_settimeofday64 (3.17), as RHEL 6 and
# 7 are: a copy of the first tree whose <linux/timekeeping.h> declares the
# old setter, do_settimeofday(const struct timespec *), in its place, with
# no Module.symvers (like the RHEL trees prepared by hand). The engine must
# answer no to do_settimeofday64 and yes to do_settimeofday, and hv_utils'
# time sync must compile and call the old setter.
if [ -n "$first" ]; then
	if ! tk=$(treecopy "$work/oldtime" include/linux/timekeeping.h) ||
		! grep -q '^extern int do_settimeofday64(' "$tk"; then
		fail old-time-api "cannot make the pre-3.17 timekeeping.h from $first"
	else
		sed 's/^extern int do_settimeofday64(.*/struct timespec { long tv_sec; long tv_nsec; };\
extern int do_settimeofday(const struct timespec *tv);/' "$(readlink -f "$tk")" > "$tk.new" &&
			mv -f "$tk.new" "$tk"
		rm -f "$work/oldtime/build/Module.symvers"
		h="$work/oldtime.out/hvlis_config.h"
		if ! "$top/compat/probe.sh" "$work/oldtime/build" "$work/oldtime.out" > "$work/oldtime.log" 2>&1; then
			fail old-time-api "probe.sh failed: $(tail -n 2 "$work/oldtime.log")"
		elif [ "$(have "$h" do_settimeofday64)" != 0 ] || [ "$(have "$h" do_settimeofday)" != 1 ]; then
			fail old-time-api "HAVE_DO_SETTIMEOFDAY64=$(have "$h" do_settimeofday64) HAVE_DO_SETTIMEOFDAY=$(have "$h" do_settimeofday) (want 0 and 1)"
		else
			pass old-time-api
			wallclock_check old-time-api-wallclock-builds "$work/oldtime/build" "$work/oldtime.out" do_settimeofday
		fi
	fi
fi

# objtool and gcc's FN.cold parts (compat/objtool/cold_split.c). A current
# tree's objtool knows them: no -fno-reorder-blocks-and-partition there (the
# newest matrix tree, the last of trees.list; Debian 5.10's objtool, with
# gcc 10, does warn about FN.cold, so the engine rightly adds the flag
# there and the first tree cannot stand for a clean one). An
# old tree's objtool (RHEL 7's, RHEL 8's under gcc 9 and later) is played by
# a copy of the first tree whose tools/objtool/objtool warns, as those do,
# about every FN.cold symbol of the object it checks: the engine must then
# add the flag, and say so.
if [ -n "$first" ]; then
	if [ -f "$work/$newest/hvlis_cflags.mk" ] &&
		! grep -q '^HVLIS_KHDR_CFLAGS :=.* -fno-reorder-blocks-and-partition' "$work/$newest/hvlis_cflags.mk"; then
		pass objtool-cold-clean-tree
	else
		fail objtool-cold-clean-tree "$newest: $(cat "$work/$newest/hvlis_cflags.mk" 2> /dev/null || echo 'no hvlis_cflags.mk')"
	fi
	realot=$(readlink -f "$first/tools/objtool/objtool")
	realsum=$(cksum < "$realot" 2> /dev/null)
	farm coldtool
	ot="$work/coldtool/tools/objtool/objtool"
	if ! own_dir "$work/coldtool" tools/objtool/objtool; then
		fail objtool-cold-old-tool-detected "cannot give the copy of $first a tools/objtool of its own"
	elif [ -e "$ot" ] || [ -L "$ot" ]; then
		rm -f "$ot"
		cat > "$ot" <<'EOT'
#!/bin/sh
# an objtool from before gcc's FN.cold parts: each one draws a warning
for o; do :; done
nm "$o" 2> /dev/null | awk '$3 ~ /[.]cold/ { print $3 }' | while read -r f; do
	echo "$o: warning: objtool: $f()+0x0: frame pointer state mismatch" >&2
done
exit 0
EOT
		chmod +x "$ot"
		if probes_run coldtool &&
			grep -q '^HVLIS_KHDR_CFLAGS :=.* -fno-reorder-blocks-and-partition' "$work/coldtool.out/hvlis_cflags.mk" &&
			grep -q "objtool does not know gcc's FN.cold parts" "$work/coldtool.log"; then
			pass objtool-cold-old-tool-detected
		else
			fail objtool-cold-old-tool-detected "$(cat "$work/coldtool.out/hvlis_cflags.mk" 2> /dev/null || tail -n 2 "$work/coldtool.log")"
		fi
	else
		fail objtool-cold-old-tool-detected "$first has no tools/objtool/objtool to stand in for"
	fi
	# the stand-in lives in the copy only (it once replaced the tree's own
	# objtool through the copy's link to Debian's tools directory)
	if [ "$(cksum < "$realot" 2> /dev/null)" = "$realsum" ]; then
		pass objtool-cold-tree-untouched
	else
		fail objtool-cold-tree-untouched "$realot changed while the stand-in was in use"
	fi
fi

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

# 6. the PTP clock where struct ptp_clock_info has gettime64 and adjfreq but
#    no adjfine (4.1 to 4.9, and vendor kernels like them): the 6.1 tree
#    (which has both) with adjfine taken out of its header. The probes must
#    pick the adjfreq variant, and hv_utils must build against it with
#    warnings as errors, register a PTP clock (ptp_clock_register used) and
#    wire compat's adjfreq callback (its symbol is in the module).
ptp_variant() {
	local k61 kb common p=$work/ptpvar h hdr=include/linux/ptp_clock_kernel.h d o l ko syms
	k61=$(awk '$1 == "debian-6.1" { print $2 }' "$ktrees/trees.list")
	if [ -z "$k61" ]; then
		fail ptp-adjfreq-variant "no debian-6.1 tree in $ktrees/trees.list"
		return
	fi
	kb=$(cd "$k61" && pwd -P)
	common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kb/Makefile")
	if [ ! -f "$common/$hdr" ] || ! grep -q '(\*adjfine)' "$common/$hdr" ||
		! grep -q '(\*adjfreq)' "$common/$hdr"; then
		fail ptp-adjfreq-variant "$kb: no common tree with adjfine and adjfreq in $hdr"
		return
	fi
	rm -rf "$p"
	mkdir -p "$p"
	if ! cp -as "$common/." "$p/common/" || ! cp -as "$kb/." "$p/build/"; then
		fail ptp-adjfreq-variant "cannot copy $kb"
		return
	fi
	# relative links (scripts, tools) would dangle in the copy
	for d in common build; do
		o=$common
		[ "$d" = build ] && o=$kb
		for l in "$p/$d"/*; do
			[ -L "$l" ] || continue
			case $(readlink "$l") in
			/*) ;;
			*) ln -sfn "$(readlink -f "$o/$(basename "$l")")" "$l" ;;
			esac
		done
	done
	# kbuild takes the source tree from where its Makefile really is
	rm -f "$p/common/Makefile" "$p/build/Makefile" "$p/common/$hdr"
	cp "$common/Makefile" "$p/common/Makefile"
	echo "include $p/common/Makefile" > "$p/build/Makefile"
	grep -v '(\*adjfine)' "$common/$hdr" > "$p/common/$hdr"
	if ! "$top/compat/probe.sh" "$p/build" "$p/out" > "$p/probe.log" 2>&1; then
		fail ptp-adjfreq-variant "probe.sh failed: $(tail -n 2 "$p/probe.log")"
		return
	fi
	h=$p/out/hvlis_config.h
	if [ "$(have "$h" ptp_clock_gettime64)" != 0 ] ||
		[ "$(have "$h" ptp_clock_gettime64_adjfreq)" != 1 ]; then
		fail ptp-adjfreq-variant "probes: HAVE_PTP_CLOCK_GETTIME64=$(have "$h" ptp_clock_gettime64) HAVE_PTP_CLOCK_GETTIME64_ADJFREQ=$(have "$h" ptp_clock_gettime64_adjfreq) (want 0 and 1)"
		return
	fi
	mkdir -p "$p/src"
	cp -a "$top/Makefile" "$top/dkms.conf" "$top/compat" "$top/modules" "$p/src/"
	make -C "$p/src" clean > /dev/null 2>&1
	# hv_utils and the hv_vmbus it links against, nothing else; the probe
	# results are those just checked (not probed again)
	sed -i 's|^obj-m += .*|obj-m += hv_vmbus/ hv_utils/|' "$p/src/modules/Kbuild"
	seed_cfg "$p/src" "$p/build" "$p/out"
	if ! make -j"$jobs" -C "$p/src" modules KDIR="$p/build" > "$p/build.log" 2>&1 ||
		! probes_reused "$p/src" "$p/build"; then
		fail ptp-adjfreq-variant "hv_utils does not build without adjfine, or its build probed again: $(grep -m 1 -E 'error|warning' "$p/build.log")"
		return
	fi
	ko=$p/src/modules/hv_utils/hv_utils.ko
	syms=$(nm "$ko" 2> /dev/null)
	if ! grep -q ' U ptp_clock_register$' <<< "$syms"; then
		fail ptp-adjfreq-variant "hv_utils.ko registers no PTP clock without adjfine"
	elif ! grep -q ' hvlis_ptp_refuse_adjfreq$' <<< "$syms" ||
		grep -q ' hvlis_ptp_refuse_adjfine$' <<< "$syms"; then
		fail ptp-adjfreq-variant "hv_utils.ko does not wire the adjfreq callback"
	else
		pass ptp-adjfreq-variant
	fi
}
ptp_variant
