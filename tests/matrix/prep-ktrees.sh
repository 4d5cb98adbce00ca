#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# prep-ktrees.sh - prepare the Debian kernel build trees of the hvlis build matrix
#
# usage: tests/matrix/prep-ktrees.sh [ROOT]
#        ROOT defaults to ${HVLIS_KTREES:-/var/cache/hvlis/ktrees}
#
# Runs on a Debian 12 (bookworm) amd64 host, as root, and prepares four kbuild
# trees, each usable as  make -C ROOT/<name>/build M=/abs/dir modules :
#
#   debian-5.10  newest bullseye(-security) linux-headers-5.10.0-N-amd64, its
#                -common and linux-kbuild-5.10, built with bullseye's gcc-10
#                unpacked into ROOT/toolchains (it runs on bookworm's libraries)
#   debian-6.1   newest bookworm linux-headers-6.1.0-N-amd64, installed on the
#                host with apt-get (bookworm's gcc-12 builds it as is)
#   debian-6.12  newest linux-headers-6.12.* of bookworm-backports (built with
#                bookworm's gcc-12, usable as is); trixie if backports has none
#   debian-sid   newest linux-headers-*-amd64 of sid, built with sid's gcc,
#                binutils and pahole, unpacked into ROOT/toolchains together with
#                sid's libc and patchelf'd to use it; sid's kbuild host tools
#                (modpost, objtool, ...) need a newer glibc than bookworm's, so
#                they are rebuilt from the matching linux-source with bookworm's
#                gcc (olddefconfig + modules_prepare in an O= dir)
#
# Only bookworm packages are installed into the system.  Everything else is
# fetched with a private apt state (ROOT/.apt: own sources, lists and caches;
# nothing is installed from it) and unpacked with dpkg-deb -x.  Versions are
# picked at run time (the newest ABI of each series) and the compiler of every
# tree is the one its CONFIG_CC_VERSION_TEXT names.  The absolute /usr/src
# paths of the unpacked packages are rewritten to point into ROOT.
#
# Every tree records the package versions it was prepared from in a stamp file
# and is skipped while the stamp still matches, so a second run only refreshes
# the package lists (at most every HVLIS_KTREES_MAX_AGE minutes) and compares.
# A freshly prepared tree must build a small test module without any warning.
# Each tree is prepared by a child run of this script (--tree NAME ROOT), so
# one failing tree does not stop the others; the exit status is non-zero if
# any tree failed.  At the end ROOT/trees.list lists the ready trees:
#   <name> <absolute build dir> <kernel release>
#
# Environment:
#   HVLIS_KTREES           default for ROOT
#   HVLIS_KTREES_MAX_AGE   refresh apt lists older than this many minutes
#                          (default 360; 0 = always refresh)
#   HVLIS_KTREES_FORCE=1   ignore the stamps and prepare every tree again
#   HVLIS_KTREES_JOBS      make -j for the host tool rebuild (default: nproc)

set -euo pipefail

# Bump when the way trees are prepared changes: invalidates every stamp.
readonly RECIPE=1
readonly TREES=(debian-5.10 debian-6.1 debian-6.12 debian-sid)
readonly TRIPLET=x86_64-linux-gnu
readonly SRCARCH=x86
# bookworm packages the trees and the host tool rebuild need on the host
# (rsync: run-matrix.sh copies the source tree with it)
readonly HOST_DEPS=(make gcc gcc-12 binutils bison flex bc cpio kmod xz-utils
	libelf-dev libssl-dev zlib1g-dev dwarves patchelf rsync)

SELF=$(realpath "${BASH_SOURCE[0]}")
readonly SELF
MAX_AGE=${HVLIS_KTREES_MAX_AGE:-360}
JOBS=${HVLIS_KTREES_JOBS:-$(nproc)}
TREE=""	# name of the tree being prepared (child runs only), for log lines

# ---------------------------------------------------------------- logging --

log() {
	printf '[%s] prep-ktrees: %s%s\n' "$(date +%T)" "${TREE:+[$TREE] }" "$*"
}

warn() {
	log "WARNING: $*" >&2
}

die() {
	log "ERROR: $*" >&2
	exit 1
}

# run_logged LOG CMD...: run CMD with its output in LOG; on failure show the
# end of LOG and abort.
run_logged() {
	local logf=$1
	shift
	if ! "$@" >>"$logf" 2>&1; then
		tail -n 40 "$logf" >&2 || true
		die "'$*' failed, full log: $logf"
	fi
}

# ------------------------------------------------------------ small tools --

# ver_gt A B: Debian version A is newer than B
ver_gt() {
	dpkg --compare-versions "$1" gt "$2"
}

# newest_line: read "NAME VERSION" lines, print the one with the newest VERSION
newest_line() {
	local name ver best_name="" best_ver=""
	while read -r name ver; do
		if [[ -z $best_ver ]] || ver_gt "$ver" "$best_ver"; then
			best_name=$name
			best_ver=$ver
		fi
	done
	[[ -n $best_ver ]] || return 1
	printf '%s %s\n' "$best_name" "$best_ver"
}

# is_elf FILE
is_elf() {
	[[ -f $1 && ! -L $1 && $(LC_ALL=C head -c 4 "$1" 2>/dev/null) == $'\x7fELF' ]]
}

# glibc_needed FILE: newest GLIBC_x.y symbol version FILE requires (or nothing)
glibc_needed() {
	{ objdump -T "$1" 2>/dev/null || true; } | { grep -o 'GLIBC_[0-9.]*[0-9]' || true; } |
		sed 's/^GLIBC_//' | sort -Vu | tail -n 1
}

host_glibc() {
	getconf GNU_LIBC_VERSION | awk '{ print $2 }'
}

# config_get CONFIG FILE: value of a .config symbol, quotes removed
config_get() {
	sed -n "s/^$1=//p" "$2" | sed 's/^"\(.*\)"$/\1/' | head -n 1
}

# pahole_version PAHOLE: version as the kernel encodes it (v1.24 -> 124)
pahole_version() {
	local v
	v=$("$1" --version 2>/dev/null) || return 1
	v=${v#v}
	printf '%s\n' "${v//./}"
}

# older_than_minutes FILE MINUTES: FILE is missing or older than MINUTES
older_than_minutes() {
	[[ ! -e $1 || $2 -eq 0 || -n $(find "$1" -mmin +"$2" 2>/dev/null) ]]
}

# --------------------------------------------------------- host packages --

host_installed() {	# host_installed PKG [VERSION]
	local st
	st=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) || return 1
	[[ $st == installed* ]] || return 1
	[[ -z ${2-} || $st == "installed $2" ]]
}

# host_apt_install SPEC...: apt-get install bookworm packages (PKG or PKG=VER)
host_apt_install() {
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive run_logged "$LOGDIR/host-apt.log" \
		apt-get install -y -q --no-install-recommends "$@"
}

# host_refresh_lists: apt-get update the host's lists if this script has not
# done so for MAX_AGE minutes (apt gives the list files the server's dates,
# so their mtimes do not tell when they were last checked)
host_refresh_lists() {
	local stamp=$APTDIR/host-lists-updated
	if older_than_minutes "$stamp" "$MAX_AGE"; then
		log "apt-get update (system, bookworm)"
		run_logged "$LOGDIR/host-apt.log" apt-get update -q
		mkdir -p "$APTDIR"
		touch "$stamp"
	fi
}

host_prepare() {
	local p missing=()
	for p in "${HOST_DEPS[@]}"; do
		host_installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]})); then
		host_refresh_lists
		host_apt_install "${missing[@]}"
	fi
}

# ------------------------------------------------------ private apt state --

APTDIR="" DEBS=""

# apt_priv [--host-status] CMD...: run an apt command against the private
# apt state.  Without --host-status the dpkg status is empty (nothing counts
# as installed); with it, the host's status is used (to find what the host
# lacks).
apt_priv() {
	local status=/dev/null pkgcache=pkgcache.bin
	if [[ $1 == --host-status ]]; then
		status=/var/lib/dpkg/status
		pkgcache='pkgcache-host.bin'
		shift
	fi
	"$@" -o Dir::Etc::sourcelist=/dev/null \
		-o Dir::Etc::sourceparts="$APTDIR/sources.list.d" \
		-o Dir::Etc::preferences=/dev/null \
		-o Dir::Etc::preferencesparts="$APTDIR/preferences.d" \
		-o Dir::State::Lists="$APTDIR/lists" \
		-o Dir::State::status="$status" \
		-o Dir::State::extended_states="$APTDIR/extended_states" \
		-o Dir::Cache="$APTDIR/cache" \
		-o Dir::Cache::archives="$APTDIR/cache/archives" \
		-o Dir::Cache::pkgcache="$pkgcache" \
		-o Dir::Cache::srcpkgcache=srcpkgcache.bin \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root
}

priv_sources() {
	cat <<'EOF'
# written by hvlis tests/matrix/prep-ktrees.sh; used only with -o Dir::... options
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye bookworm-backports trixie sid
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bullseye-security
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

priv_setup() {
	local src updated
	mkdir -p "$APTDIR"/{sources.list.d,preferences.d,lists/partial,cache/archives/partial} "$DEBS"
	src=$APTDIR/sources.list.d/hvlis-ktrees.sources
	updated=$APTDIR/lists-updated
	if ! cmp -s "$src" <(priv_sources); then
		priv_sources >"$src"
		rm -f "$updated"
	fi
	if older_than_minutes "$updated" "$MAX_AGE"; then
		log "apt-get update (private lists in $APTDIR)"
		if apt_priv apt-get update -q >"$LOGDIR/priv-apt-update.log" 2>&1; then
			touch "$updated"
		elif [[ -e $updated ]]; then
			warn "private apt-get update failed, using the old lists (see $LOGDIR/priv-apt-update.log)"
		else
			tail -n 20 "$LOGDIR/priv-apt-update.log" >&2
			die "private apt-get update failed (see $LOGDIR/priv-apt-update.log)"
		fi
	fi
}

# priv_newest "SUITE..." REGEX: "PACKAGE VERSION" of the newest package whose
# name matches REGEX in one of the suites
priv_newest() {
	local suites=$1 re=$2 names
	mapfile -t names < <(apt_priv apt-cache pkgnames linux-headers- | grep -E "$re" || true)
	((${#names[@]})) || return 1
	apt_priv apt-cache madison "${names[@]}" |
		awk -F'|' -v suites=" $suites " '{
			gsub(/ /, "", $1); gsub(/ /, "", $2)
			split($3, w, " "); s = w[2]; sub(/\/.*/, "", s)
			if (index(suites, " " s " ")) print $1, $2
		}' | newest_line
}

# priv_version PACKAGE "SUITE..." [WANTED]: WANTED if the suites have it, else
# the newest version of PACKAGE in the suites
priv_version() {
	local pkg=$1 suites=$2 want=${3-} list
	list=$(apt_priv apt-cache madison "$pkg" |
		awk -F'|' -v suites=" $suites " '{
			gsub(/ /, "", $1); gsub(/ /, "", $2)
			split($3, w, " "); s = w[2]; sub(/\/.*/, "", s)
			if (index(suites, " " s " ")) print $1, $2
		}')
	[[ -n $list ]] || return 1
	if [[ -n $want ]] && grep -qxF "$pkg $want" <<<"$list"; then
		printf '%s\n' "$want"
		return 0
	fi
	newest_line <<<"$list" | cut -d' ' -f2
}

# priv_suite_of PACKAGE VERSION "SUITE...": the first of the suites that has
# PACKAGE at VERSION
priv_suite_of() {
	apt_priv apt-cache madison "$1" | awk -F'|' -v v="$2" -v suites=" $3 " '
		{ gsub(/ /, "", $2); split($3, w, " "); s = w[2]; sub(/\/.*/, "", s) }
		$2 == v && index(suites, " " s " ") { print s; exit }'
}

# priv_depends PACKAGE VERSION: names of the packages PACKAGE depends on
# (first alternative of each dependency)
priv_depends() {
	apt_priv apt-cache show "$1=$2" | sed -n 's/^Depends: //p' | head -n 1 |
		tr ',' '\n' | sed 's/|.*//; s/^ *//; s/[ (].*//' | grep -v '^$'
}

# priv_closure MODE SUITE SPEC...: "PKG=VER" lines of SPEC and everything it
# needs, taken from SUITE where possible.  MODE "full": the complete closure
# (as on an empty system); MODE "host": only what the host lacks.
priv_closure() {
	local mode=$1 suite=$2 out
	shift 2
	local apt=(apt_priv)
	[[ $mode == host ]] && apt+=(--host-status)
	if ! out=$("${apt[@]}" apt-get install -s -q --no-install-recommends \
		-o APT::Default-Release="$suite" "$@" 2>&1); then
		printf '%s\n' "$out" >&2
		die "cannot resolve $* in $suite"
	fi
	awk '$1 == "Inst" {
		for (i = 3; i <= NF; i++) if ($i ~ /^\(/) { print $2 "=" substr($i, 2); break }
	}' <<<"$out"
}

# deb_file PKG=VER: path of the downloaded .deb (apt-get download names the
# file PKG_VER_ARCH.deb with the epoch colon written as %3a)
deb_file() {
	local pkg=${1%%=*} ver=${1#*=} f
	for f in "$DEBS/${pkg}_${ver//:/%3a}"_*.deb; do
		[[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
	done
	return 1
}

# fetch PKG=VER...: make sure the .debs are in $DEBS
fetch() {
	local spec todo=()
	for spec in "$@"; do
		deb_file "$spec" >/dev/null || todo+=("$spec")
	done
	if ((${#todo[@]})); then
		log "download ${#todo[@]} package(s): ${todo[*]}"
		(cd "$DEBS" && apt_priv apt-get download -q "${todo[@]}") \
			>>"$LOGDIR/download.log" 2>&1 ||
			{ tail -n 20 "$LOGDIR/download.log" >&2; die "apt-get download failed"; }
	fi
	for spec in "$@"; do
		deb_file "$spec" >/dev/null || die "$spec: downloaded .deb not found in $DEBS"
	done
}

# unpack DIR PKG=VER...: dpkg-deb -x the (fetched) packages into DIR
unpack() {
	local dir=$1 spec
	shift
	mkdir -p "$dir"
	for spec in "$@"; do
		dpkg-deb -x "$(deb_file "$spec")" "$dir"
	done
}

# ------------------------------------------------------------------ stamps --

# A stamp has "key ..." lines (what the tree was made from; they decide
# whether the tree is up to date), "deb ..." lines (.debs to keep in the
# cache) and "info ..." lines (for the summary).

stamp_ok() {	# stamp_ok STAMPFILE KEYLINES
	[[ ${HVLIS_KTREES_FORCE:-0} != 1 && -f $1 ]] &&
		[[ $(grep '^key ' "$1") == "$2" ]]
}

stamp_info() {	# stamp_info STAMPFILE FIELD
	sed -n "s/^info $2=//p" "$1" 2>/dev/null | head -n 1
}

# tree_intact DIR: the tree in DIR still has its build dir and toolchain
tree_intact() {
	local tc
	[[ -f $1/build/Makefile && -f $1/build/.config ]] || return 1
	tc=$(stamp_info "$1/.hvlis-stamp" toolchain)
	[[ -z $tc || $tc == host || -f $tc/.hvlis-stamp ]]
}

# keylines SPEC...: the key lines of a stamp
keylines() {
	printf 'key recipe=%s\n' "$RECIPE"
	printf 'key %s\n' "$@"
}

# -------------------------------------------------------------- toolchains --

TC_DIR="" TC_MODE="" TC_SUITE=""

# ensure_toolchain "SUITE..." GCCMAJOR DEBVERSION: unpack gcc-GCCMAJOR
# (DEBVERSION if the suites still have it, else their newest) into
# ROOT/toolchains and set TC_DIR, TC_SUITE (the suite it came from) and
# TC_MODE.  If that suite's glibc is not newer than the host's, the compiler runs on the
# host's libraries and binutils ("host" mode: only the missing packages are
# unpacked).  Otherwise ("full" mode) gcc, binutils and pahole are unpacked
# with SUITE's complete runtime, libc included, and their executables are
# patchelf'd to use that libc.
ensure_toolchain() {
	local suites=$1 major=$2 want=$3 suite gccver libc stamp keys spec f interp rpath
	local specs debs=()

	gccver=$(priv_version "gcc-$major" "$suites" "$want") ||
		die "gcc-$major is not in $suites"
	[[ $gccver == "$want" ]] ||
		warn "$suites: gcc-$major $gccver, not $want (the version the kernel was built with)"
	suite=$(priv_suite_of "gcc-$major" "$gccver" "$suites")
	TC_SUITE=$suite
	libc=$(priv_version libc6 "$suite") || die "libc6 is not in $suite"
	TC_MODE=host
	ver_gt "$libc" "$(dpkg-query -W -f='${Version}' libc6)" && TC_MODE=full
	TC_DIR=$ROOT/toolchains/gcc-$major-$suite
	stamp=$TC_DIR/.hvlis-stamp
	keys=$(keylines "mode=$TC_MODE" "gcc-$major=$gccver")
	if stamp_ok "$stamp" "$keys" && [[ -x $TC_DIR/usr/bin/gcc-$major ]]; then
		log "toolchain $TC_DIR is up to date (gcc-$major $gccver, $TC_MODE mode)"
		return 0
	fi

	log "toolchain: $suite gcc-$major $gccver ($TC_MODE mode) -> $TC_DIR"
	if [[ $TC_MODE == full ]]; then
		mapfile -t specs < <(priv_closure full "$suite" "gcc-$major=$gccver" \
			"binutils-${TRIPLET//_/-}" pahole)
	else
		mapfile -t specs < <(priv_closure host "$suite" "gcc-$major=$gccver")
	fi
	((${#specs[@]})) || die "empty package set for gcc-$major from $suite"
	fetch "${specs[@]}"
	rm -rf "$TC_DIR"
	unpack "$TC_DIR" "${specs[@]}"
	for spec in "${specs[@]}"; do
		debs+=("$(basename "$(deb_file "$spec")")")
	done

	if [[ $TC_MODE == full ]]; then
		interp=$(find "$TC_DIR/usr/lib/$TRIPLET" -maxdepth 1 -name 'ld-linux-x86-64.so.2' | head -n 1)
		[[ -n $interp ]] || die "no dynamic loader in $TC_DIR (libc6 not unpacked?)"
		rpath=$TC_DIR/usr/lib/$TRIPLET
		[[ -d $TC_DIR/lib/$TRIPLET ]] && rpath+=:$TC_DIR/lib/$TRIPLET
		log "patchelf: interpreter $interp, rpath $rpath"
		while IFS= read -r -d '' f; do
			is_elf "$f" || continue
			if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
				patchelf --set-interpreter "$interp" --force-rpath --set-rpath "$rpath" "$f"
			elif readelf -d "$f" 2>/dev/null | grep -q '(NEEDED)'; then
				# plugins loaded by gcc/ld (liblto_plugin.so, ...)
				patchelf --force-rpath --set-rpath "$rpath" "$f"
			fi
		done < <(find "$TC_DIR/usr/bin" "$TC_DIR/usr/libexec" -type f -print0)
		# gcc looks for as/ld in its libexec dir before $PATH: make it use
		# these binutils and not the host's older ones
		for f in as ld; do
			[[ -x $TC_DIR/usr/bin/$TRIPLET-$f ]] &&
				ln -sfn "../../../../bin/$TRIPLET-$f" "$TC_DIR/usr/libexec/gcc/$TRIPLET/$major/$f"
		done
	fi

	# the compiler must work (and, in full mode, use its own assembler)
	printf 'int hvlis_tc_probe(int x) { return x * 3; }\n' >"$TC_DIR/.probe.c"
	"$TC_DIR/usr/bin/gcc-$major" -O2 -c -o "$TC_DIR/.probe.o" "$TC_DIR/.probe.c" ||
		die "the unpacked gcc-$major cannot compile"
	rm -f "$TC_DIR/.probe.c" "$TC_DIR/.probe.o"
	if [[ $TC_MODE == full ]]; then
		f=$("$TC_DIR/usr/bin/gcc-$major" -print-prog-name=as)
		[[ $f == "$TC_DIR"/* ]] || die "gcc-$major would use the assembler $f"
		"$TC_DIR/usr/bin/pahole" --version >/dev/null || die "the unpacked pahole does not run"
	fi
	{
		printf '%s\n' "$keys"
		printf 'info cc=%s\n' "$("$TC_DIR/usr/bin/gcc-$major" --version | head -n 1)"
		printf 'info pkgs=%s\n' "${specs[*]}"
		printf 'deb %s\n' "${debs[@]}"
	} >"$stamp"
	log "toolchain ready: $(stamp_info "$stamp" cc)"
}

# --------------------------------------------------------- tree helpers --

# smoke_test BUILDDIR: build a test module against BUILDDIR; no warnings allowed
smoke_test() {
	local build=$1 dir=$ROOT/.work/smoke-$TREE logf=$LOGDIR/$TREE-smoke.log cc
	rm -rf "$dir"
	mkdir -p "$dir"
	cat >"$dir/ktree_smoke.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
/* hvlis prep-ktrees.sh: checks that a prepared kernel tree builds modules */
#include <linux/init.h>
#include <linux/module.h>

static int __init ktree_smoke_init(void)
{
	pr_info("ktree_smoke: loaded\n");
	return 0;
}

static void __exit ktree_smoke_exit(void)
{
	pr_info("ktree_smoke: unloaded\n");
}

module_init(ktree_smoke_init);
module_exit(ktree_smoke_exit);
MODULE_DESCRIPTION("hvlis kernel tree smoke test");
MODULE_LICENSE("GPL");
EOF
	printf 'obj-m := ktree_smoke.o\n' >"$dir/Kbuild"
	log "smoke test: make -C $build M=$dir modules"
	: >"$logf"
	run_logged "$logf" make -C "$build" M="$dir" modules
	if grep -qi 'warning:' "$logf"; then
		grep -i 'warning:' "$logf" | head -n 20 >&2
		die "the smoke test build has warnings (see $logf)"
	fi
	[[ -f $dir/ktree_smoke.ko ]] || die "the smoke test built no ktree_smoke.ko (see $logf)"
	cc=$(readelf -p .comment "$dir/ktree_smoke.ko" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] *//p' |
		grep -m 1 '^GCC' || true)
	log "smoke test OK (${cc:-compiler unknown})"
	rm -rf "$dir"
}

# fix_paths NEWDIR FINALDIR: the packages were unpacked into NEWDIR, which
# will be renamed to FINALDIR; point their absolute /usr/src references there
fix_paths() {
	local new=$1 final=$2 mk l t
	for mk in "$new"/usr/src/linux-headers-*/Makefile; do
		grep -q '/usr/src/' "$mk" || continue
		sed -i "s|/usr/src/|$final/usr/src/|g" "$mk"
	done
	while IFS= read -r -d '' l; do
		t=$(readlink "$l")
		[[ $t == /usr/src/* ]] && ln -sfn "$final$t" "$l"
	done < <(find "$new" -type l -lname '/*' -print0)
}

# set_compiler HDRDIR "SUITE...": make the tree use the compiler its
# CONFIG_CC_VERSION_TEXT names: the host's if it is that one, else the one of
# the suites (unpacked by ensure_toolchain)
set_compiler() {
	local hdr=$1 suites=$2 text ccname major debver kv actual
	text=$(config_get CONFIG_CC_VERSION_TEXT "$hdr/.config")
	[[ $text =~ gcc-([0-9]+)\ \(Debian\ ([^\)]+)\) ]] ||
		die "unsupported compiler in CONFIG_CC_VERSION_TEXT: '$text'"
	major=${BASH_REMATCH[1]}
	debver=${BASH_REMATCH[2]}
	ccname=${text%% *}
	CC_TEXT=$text
	TC_DIR="" TC_MODE="" TC_SUITE=""
	if command -v "$ccname" >/dev/null &&
		[[ $(LC_ALL=C "$ccname" --version 2>/dev/null | head -n 1) == "$text" ]]; then
		log "compiler: the host's $ccname is the kernel's ($text)"
		return 0
	fi
	ensure_toolchain "$suites" "$major" "$debver"
	[[ -x $TC_DIR/usr/bin/$ccname ]] || die "$TC_DIR/usr/bin/$ccname missing"
	kv=$hdr/.kernelvariables
	# shellcheck disable=SC2016 # $(...) are make expansions, written literally
	{
		printf '\n# hvlis prep-ktrees.sh: the kernel was built with %s, which bookworm lacks;\n' "$text"
		printf '# use the copy unpacked from %s (%s mode)\n' "$TC_SUITE" "$TC_MODE"
		printf 'CC = $(if $(DEBIAN_KERNEL_USE_CCACHE),$(CCACHE)) %s\n' "$TC_DIR/usr/bin/$ccname"
		if [[ $TC_MODE == full ]]; then
			printf '# with its own binutils (LD, OBJCOPY, ... are $(CROSS_COMPILE)<tool>)\n'
			printf 'override CROSS_COMPILE = %s\n' "$TC_DIR/usr/bin/$TRIPLET-"
		fi
	} >>"$kv"
	actual=$(LC_ALL=C "$TC_DIR/usr/bin/$ccname" --version | head -n 1)
	if [[ $actual == "$text" ]]; then
		log "compiler: $TC_DIR/usr/bin/$ccname ($actual)"
	else
		warn "compiler: $actual, but the kernel was built with $text"
	fi
}

# set_pahole HDRDIR: module BTF is generated when the headers ship vmlinux;
# pahole must then be the version the kernel was built with
set_pahole() {
	local hdr=$1 want have
	want=$(config_get CONFIG_PAHOLE_VERSION "$hdr/.config")
	[[ -n $want && $want != 0 && -f $hdr/vmlinux ]] || return 0
	[[ $(config_get CONFIG_DEBUG_INFO_BTF_MODULES "$hdr/.config") == y ]] || return 0
	have=$(pahole_version pahole || true)
	if [[ $have == "$want" ]]; then
		log "pahole: the host's pahole is the kernel's ($want)"
	elif [[ $TC_MODE == full ]] && [[ $(pahole_version "$TC_DIR/usr/bin/pahole" || true) == "$want" ]]; then
		printf 'PAHOLE = %s\n' "$TC_DIR/usr/bin/pahole" >>"$hdr/.kernelvariables"
		log "pahole: $TC_DIR/usr/bin/pahole ($want)"
	else
		warn "pahole: no pahole of version $want (host has ${have:-none}); module BTF may fail"
	fi
}

# fix_host_tools KBUILDDIR HDRDIR SUITE VERSION: rebuild the kbuild host
# programs that need a newer glibc than the host's from linux-source-X.Y
fix_host_tools() {
	local kb=$1 hdr=$2 suite=$3 ver=$4 glibc f need rel base sfx mm spec deb
	local work src obj logf old=() n=0
	glibc=$(host_glibc)
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		need=$(glibc_needed "$f")
		[[ -n $need ]] && ver_gt "$need" "$glibc" && old+=("${f#"$kb"/}")
	done < <(find "$kb" -type f -print0)
	if ((${#old[@]} == 0)); then
		log "kbuild host tools run with the host's glibc $glibc"
		return 0
	fi
	log "${#old[@]} kbuild host tools need a glibc newer than $glibc: ${old[*]}"

	mm=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$ver")
	spec=linux-source-$mm=$(priv_version "linux-source-$mm" "$suite" "$ver") ||
		die "linux-source-$mm is not in $suite"
	[[ $spec == *"=$ver" ]] || warn "rebuilding host tools from $spec (the headers are $ver)"
	fetch "$spec"
	SOURCE_SPEC=$spec
	deb=$(deb_file "$spec")
	work=$ROOT/.work/src-$TREE
	src=$work/linux-source-$mm
	obj=$work/obj
	logf=$LOGDIR/$TREE-hosttools.log
	: >"$logf"
	rm -rf "$work"
	mkdir -p "$obj"
	log "unpack $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards "./usr/src/linux-source-$mm.tar.*" |
		tar -xJ -C "$work"
	[[ -f $src/Makefile ]] || die "linux-source-$mm did not unpack to $src"
	cp "$hdr/.config" "$obj/.config"
	log "build host tools: olddefconfig + modules_prepare (-j$JOBS, log $logf)"
	run_logged "$logf" make -C "$src" O="$obj" olddefconfig
	run_logged "$logf" make -C "$src" O="$obj" -j"$JOBS" modules_prepare

	for rel in "${old[@]}"; do
		# Debian ships per-target variants, e.g. scripts/mod/modpost.real-lsb-64
		# and tools/objtool/objtool.real-x86, run by a small wrapper
		base=$rel sfx=""
		if [[ $rel == *.real-* ]]; then
			base=${rel%.real-*}
			sfx=${rel##*.real-}
		fi
		if [[ -n $sfx && $sfx != lsb-64 && $sfx != "$SRCARCH" ]]; then
			log "  $rel: for another target, left as is"
			continue
		fi
		if is_elf "$obj/$base"; then
			install -m 755 "$obj/$base" "$kb/$rel"
			n=$((n + 1))
			log "  $rel <- $base (rebuilt)"
		else
			log "  $rel: not built by modules_prepare (not used for M= builds), left as is"
		fi
	done
	((n > 0)) || die "no host tool could be rebuilt"
	rm -rf "$work"
}

# write_tree_stamp STAMP KEYS DEBSPEC...: stamp of a tree prepared from debs
write_tree_stamp() {
	local stamp=$1 keys=$2 spec
	shift 2
	{
		printf '%s\n' "$keys"
		printf 'info release=%s\n' "$RELEASE"
		printf 'info cc=%s\n' "$CC_TEXT"
		printf 'info toolchain=%s\n' "${TC_DIR:-host}"
		[[ -n $TC_DIR ]] && sed -n 's/^info pkgs=/info toolchain-pkgs=/p' "$TC_DIR/.hvlis-stamp"
		printf 'info suite=%s\n' "$SUITE"
		[[ -n $SOURCE_SPEC ]] && printf 'info host-tools-from=%s\n' "$SOURCE_SPEC"
		for spec in "$@" ${SOURCE_SPEC:+"$SOURCE_SPEC"}; do
			printf 'deb %s\n' "$(basename "$(deb_file "$spec")")"
		done
		if [[ -n $TC_DIR ]]; then grep '^deb ' "$TC_DIR/.hvlis-stamp"; fi
	} >"$stamp"
}

# ----------------------------------------------------------------- trees --

RELEASE="" CC_TEXT="" SUITE="" SOURCE_SPEC=""

# unpacked_tree "SUITE..." REGEX: prepare $TREE from the newest headers
# package of the suites whose name matches REGEX
unpacked_tree() {
	local suites=$1 re=$2 hdr ver common kbuild kver dep keys
	local final=$ROOT/$TREE new=$ROOT/.$TREE.new hdrdir kbdir
	read -r hdr ver < <(priv_newest "$suites" "$re") ||
		die "no package matching $re in $suites"
	RELEASE=${hdr#linux-headers-}
	SUITE=$(priv_suite_of "$hdr" "$ver" "$suites")
	common="" kbuild=""
	while read -r dep; do
		case $dep in
		linux-headers-*-common) common=$dep ;;
		linux-kbuild-*) kbuild=$dep ;;
		esac
	done < <(priv_depends "$hdr" "$ver")
	[[ -n $common && -n $kbuild ]] || die "$hdr=$ver: no -common or linux-kbuild dependency"
	kver=$(priv_version "$kbuild" "$suites" "$ver") || die "$kbuild is not in $suites"
	keys=$(keylines "$hdr=$ver" "$common=$ver" "$kbuild=$kver")
	if stamp_ok "$final/.hvlis-stamp" "$keys" && tree_intact "$final"; then
		log "up to date: $RELEASE ($hdr $ver)"
		return 0
	fi

	log "preparing $RELEASE from $SUITE: $hdr=$ver $common=$ver $kbuild=$kver"
	fetch "$hdr=$ver" "$common=$ver" "$kbuild=$kver"
	rm -rf "$new"
	unpack "$new" "$hdr=$ver" "$common=$ver" "$kbuild=$kver"
	hdrdir=$new/usr/src/linux-headers-$RELEASE
	[[ -f $hdrdir/.config && -f $hdrdir/.kernelvariables ]] ||
		die "$hdr did not unpack to $hdrdir"
	kbdir=$(realpath -e "$hdrdir/scripts/..") || die "$hdrdir/scripts is dangling"
	fix_paths "$new" "$final"
	ln -sfn "usr/src/linux-headers-$RELEASE" "$new/build"

	set_compiler "$hdrdir" "$suites"
	set_pahole "$hdrdir"
	SOURCE_SPEC=""
	fix_host_tools "$kbdir" "$hdrdir" "$SUITE" "$ver"

	rm -rf "$final"
	mv "$new" "$final"
	smoke_test "$final/build"
	write_tree_stamp "$final/.hvlis-stamp" "$keys" "$hdr=$ver" "$common=$ver" "$kbuild=$kver"
	log "ready: $final/build ($RELEASE)"
}

prep_debian_5_10() {
	unpacked_tree "bullseye-security bullseye" '^linux-headers-5\.10\.0-[0-9]+-amd64$'
}

prep_debian_6_12() {
	local re='^linux-headers-6\.12\.[0-9]+(-[0-9]+)?(\+[a-z0-9]+)?-amd64$'
	if priv_newest bookworm-backports "$re" >/dev/null; then
		unpacked_tree bookworm-backports "$re"
	else
		warn "bookworm-backports has no linux-headers-6.12.*-amd64, using trixie"
		unpacked_tree trixie "$re"
	fi
}

prep_debian_sid() {
	unpacked_tree sid '^linux-headers-[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9]+)?(\+[a-z0-9]+)?-amd64$'
}

# debian-6.1 is the host's own series: install the headers with apt-get
prep_debian_6_1() {
	local hdr ver names keys final=$ROOT/$TREE text actual
	mapfile -t names < <(apt-cache pkgnames linux-headers-6.1.0- |
		grep -E '^linux-headers-6\.1\.0-[0-9]+-amd64$' || true)
	((${#names[@]})) || die "no linux-headers-6.1.0-N-amd64 in the host's apt lists"
	read -r hdr ver < <(apt-cache madison "${names[@]}" |
		awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2 }' | newest_line) ||
		die "cannot pick a linux-headers-6.1.0-N-amd64"
	RELEASE=${hdr#linux-headers-}
	SUITE=bookworm
	keys=$(keylines "$hdr=$ver")
	if stamp_ok "$final/.hvlis-stamp" "$keys" && host_installed "$hdr" "$ver" &&
		tree_intact "$final"; then
		log "up to date: $RELEASE ($hdr $ver, installed)"
		return 0
	fi
	log "preparing $RELEASE: $hdr=$ver (installed on the host)"
	host_installed "$hdr" "$ver" || host_apt_install "$hdr=$ver"
	rm -rf "$final"
	mkdir -p "$final"
	ln -sfn "/usr/src/linux-headers-$RELEASE" "$final/build"
	[[ -f $final/build/.config ]] || die "$final/build/.config missing"
	text=$(config_get CONFIG_CC_VERSION_TEXT "$final/build/.config")
	actual=$(LC_ALL=C "${text%% *}" --version 2>/dev/null | head -n 1 || true)
	[[ $actual == "$text" ]] || warn "kernel built with '$text', host has '${actual:-nothing}'"
	CC_TEXT=$text TC_DIR="" SOURCE_SPEC=""
	smoke_test "$final/build"
	write_tree_stamp "$final/.hvlis-stamp" "$keys"
	log "ready: $final/build ($RELEASE)"
}

# ------------------------------------------------------------------ main --

setup_paths() {
	ROOT=$(realpath -m "$1")
	APTDIR=$ROOT/.apt
	DEBS=$APTDIR/debs
	LOGDIR=$ROOT/logs
	mkdir -p "$ROOT" "$LOGDIR" "$ROOT/toolchains" "$ROOT/.work"
}

# child run: prepare one tree (the parent did the host and apt setup)
one_tree() {
	TREE=$1
	setup_paths "$2"
	case " ${TREES[*]} " in
	*" $TREE "*) ;;
	*) die "unknown tree $TREE" ;;
	esac
	"prep_${TREE//[-.]/_}"
}

# prune_debs: drop cached .debs no stamp refers to
prune_debs() {
	local keep f n=0
	keep=$(cat "$ROOT"/*/.hvlis-stamp "$ROOT"/toolchains/*/.hvlis-stamp 2>/dev/null |
		sed -n 's/^deb //p' | sort -u)
	for f in "$DEBS"/*.deb; do
		[[ -f $f ]] || continue
		grep -qxF "$(basename "$f")" <<<"$keep" && continue
		rm -f "$f"
		n=$((n + 1))
	done
	((n == 0)) || log "removed $n unused .deb(s) from $DEBS"
}

summary() {
	local t stamp
	printf '\n%-12s %-24s %s\n' TREE RELEASE COMPILER
	for t in "${TREES[@]}"; do
		stamp=$ROOT/$t/.hvlis-stamp
		[[ -f $stamp ]] || { printf '%-12s %-24s %s\n' "$t" "-" "NOT READY"; continue; }
		printf '%-12s %-24s %s\n' "$t" "$(stamp_info "$stamp" release)" "$(stamp_info "$stamp" cc)"
		printf '%-12s   from %s: %s\n' "" "$(stamp_info "$stamp" suite)" \
			"$(sed -n 's/^key //p' "$stamp" | grep -v '^recipe=' | paste -sd' ')"
		if [[ $(stamp_info "$stamp" toolchain) != host ]]; then
			printf '%-12s   toolchain %s\n' "" "$(stamp_info "$stamp" toolchain)"
		fi
		if [[ -n $(stamp_info "$stamp" host-tools-from) ]]; then
			printf '%-12s   host tools rebuilt from %s\n' "" "$(stamp_info "$stamp" host-tools-from)"
		fi
	done
	printf '\n'
}

main() {
	local t failed=() start tstart list
	if [[ ${1-} == --tree ]]; then
		[[ $# -eq 3 ]] || die "usage: $0 --tree NAME ROOT"
		one_tree "$2" "$3"
		return
	fi
	case ${1-} in
	-h | --help)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$SELF"
		return 0
		;;
	esac
	[[ $# -le 1 ]] || die "usage: $0 [ROOT]"
	[[ $(id -u) -eq 0 ]] || die "must run as root (it installs bookworm packages)"
	[[ $(dpkg --print-architecture) == amd64 ]] || die "only amd64 hosts are supported"
	setup_paths "${1:-${HVLIS_KTREES:-/var/cache/hvlis/ktrees}}"
	exec 9>"$ROOT/.lock"
	if ! flock -n 9; then
		log "waiting for another prep-ktrees.sh run on $ROOT"
		flock 9
	fi
	start=$SECONDS
	log "preparing kernel trees in $ROOT (logs in $LOGDIR)"
	host_prepare
	host_refresh_lists
	priv_setup

	for t in "${TREES[@]}"; do
		tstart=$SECONDS
		if "$BASH" "$SELF" --tree "$t" "$ROOT"; then
			log "[$t] done in $((SECONDS - tstart))s"
		else
			failed+=("$t")
			log "[$t] FAILED after $((SECONDS - tstart))s"
		fi
	done

	list=$ROOT/trees.list
	for t in "${TREES[@]}"; do
		[[ " ${failed[*]} " == *" $t "* || ! -f $ROOT/$t/.hvlis-stamp ]] && continue
		printf '%s %s %s\n' "$t" "$ROOT/$t/build" "$(stamp_info "$ROOT/$t/.hvlis-stamp" release)"
	done >"$list.tmp"
	mv "$list.tmp" "$list"
	((${#failed[@]})) || prune_debs
	summary
	log "wrote $list ($(wc -l <"$list") trees) in $((SECONDS - start))s"
	if ((${#failed[@]})); then
		die "failed: ${failed[*]} (logs in $LOGDIR)"
	fi
}

main "$@"
