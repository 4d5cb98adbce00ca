#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-matrix.sh - build the hvlis modules against every prepared kernel tree
#
# usage: tests/matrix/run-matrix.sh [ROOT]
#        ROOT defaults to ${HVLIS_KTREES:-/var/cache/hvlis/ktrees}
#
# Reads ROOT/trees.list (written by tests/matrix/prep-ktrees.sh, one line per
# tree: "<name> <absolute build dir> <kernel release>") and, for every tree,
# copies the source tree with rsync (without .git, without what .gitignore
# ignores and without kbuild products) into a scratch directory of its own, runs the build command there with the tree's
# build dir as KDIR, and checks the result.  A tree PASSes when the command
# succeeds, its log has no "warning:" at all (any case; the project Makefile
# also builds with -Werror) and at least one .ko exists under modules/*/
# afterwards.  Missing trees FAIL: nothing is skipped.
#
# Output: a table (tree, kernel release, compiler, each .ko, PASS/FAIL),
# the log path of each failure, and one line per tree for test runners:
#   matrix: <tree> <release> PASS|FAIL
# followed by the same in the form tests/run.sh counts:
#   PASS|FAIL: matrix/<tree> (<release>)
# The exit status is non-zero if any tree failed.
#
# Environment:
#   HVLIS_KTREES            default for ROOT
#   HVLIS_MATRIX_TREES      trees that must be built (default: debian-5.10
#                           debian-6.1 debian-6.12 debian-sid, plus any other
#                           tree of trees.list); "all" = just the trees of
#                           trees.list
#   HVLIS_MATRIX_SRC        source tree to build (default: this repository)
#   HVLIS_MATRIX_CMD        build command, run by bash in the scratch copy;
#                           {kdir} = the tree's build dir, {jobs} = nproc,
#                           {hooks} = 1 for a tree of HVLIS_MATRIX_HOOKS, else 0
#                           (default: make -j{jobs} test-modules KDIR={kdir}
#                           HVLIS_TEST_HOOKS={hooks})
#   HVLIS_MATRIX_HOOKS      trees built with the test-only knobs
#                           (HVLIS_TEST_HOOKS=1), as the VM tests need them
#                           (default: debian-5.10 debian-6.12 debian-sid; the
#                           other trees are built as the packages build them,
#                           so both configurations are built with -Werror);
#                           "none" for no tree
#   HVLIS_MATRIX_PARALLEL   trees built at the same time (default 1)
#   HVLIS_MATRIX_OUT        directory for logs and scratch copies (default: a
#                           new /tmp/hvlis-matrix.XXXXXX); scratch copies of
#                           passing trees are removed unless HVLIS_MATRIX_KEEP=1
#                           (tests/run.sh keeps them in tests/build/matrix:
#                           the vmsmoke suite boots the modules built there,
#                           see tests/vm/run-kernels.sh)

set -euo pipefail

readonly DEFAULT_TREES="debian-5.10 debian-6.1 debian-6.12 debian-sid"
readonly DEFAULT_HOOKS="debian-5.10 debian-6.12 debian-sid"
# What must not go from the source tree into a scratch copy: .git, whatever
# the .gitignore files ignore (build output of the live tree), and kbuild
# products in any case (also for a source tree without .gitignore).
readonly EXCLUDES=(--exclude=.git --filter=':- .gitignore' --exclude='*.o' --exclude='*.ko'
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order
	--exclude=Module.symvers --exclude=.tmp_versions --exclude='*.dwo')

SELF=$(realpath "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd)
readonly SELF REPO

log() {
	printf '[%s] run-matrix: %s\n' "$(date +%T)" "$*" >&2
}

die() {
	log "ERROR: $*"
	exit 1
}

# short_cc TEXT: "gcc-16 (Debian 16.2.0-4) 16.2.0" -> "gcc 16.2.0-4"
short_cc() {
	if [[ $1 =~ \(Debian\ ([^\)]+)\) ]]; then
		printf 'gcc %s\n' "${BASH_REMATCH[1]}"
	else
		printf '%s\n' "$1"
	fi
}

# compiler_of BUILDDIR WORKDIR: the compiler that built the modules (from the
# .comment section of a .ko), else the one the kernel config names
compiler_of() {
	local ko cc
	ko=$(find "$2" -name '*.ko' -print -quit 2>/dev/null)
	if [[ -n $ko ]]; then
		cc=$(readelf -p .comment "$ko" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] *//p' |
			grep -m 1 '^GCC: ' || true)
		if [[ -n $cc ]]; then
			short_cc "${cc#GCC: }"
			return
		fi
	fi
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$1/.config" 2>/dev/null || true)
	printf '%s (config)\n' "$(short_cc "${cc:-unknown}")"
}

# copy_tree SRC DST: copy the source tree (see EXCLUDES).  SRC may be a live
# tree: files vanishing during the copy (rsync exit status 24) are fine.
copy_tree() {
	local rc=0
	rsync -a "${EXCLUDES[@]}" "$1/" "$2/" || rc=$?
	((rc == 0 || rc == 24))
}

# build_tree NAME BUILDDIR RELEASE: build in a scratch copy, write the result
# to $OUT/results/NAME
build_tree() {
	local name=$1 kdir=$2 release=$3 work=$OUT/work/$1 logf=$OUT/logs/$1.log
	local res=$OUT/results/$1 cmd rc=0 start warnings status=PASS ko kos=() line hooks=0
	start=$SECONDS
	rm -rf "$work"
	mkdir -p "$work"
	[[ " $HOOKS " != *" $name "* ]] || hooks=1
	cmd=${CMD//\{kdir\}/$kdir}
	cmd=${cmd//\{jobs\}/$(nproc)}
	cmd=${cmd//\{hooks\}/$hooks}
	{
		printf '# tree %s (%s), build dir %s\n# in %s: %s\n' "$name" "$release" "$kdir" "$work" "$cmd"
		if ! copy_tree "$SRC" "$work"; then
			printf '# copying %s to %s failed\n' "$SRC" "$work"
			rc=125
		else
			(cd "$work" && env -u KBUILD_OUTPUT -u KERNELRELEASE -u KBUILD_EXTMOD -u M -u O \
				LC_ALL=C bash -c "$cmd") || rc=$?
		fi
		printf '# exit status %s\n' "$rc"
	} >"$logf" 2>&1
	warnings=$(grep -ci 'warning:' "$logf" || true)
	((rc == 0 && warnings == 0)) || status=FAIL
	{
		printf 'rc %s\nwarnings %s\nseconds %s\n' "$rc" "$warnings" "$((SECONDS - start))"
		printf 'release %s\nhooks %s\nwork %s\n' "$release" "$hooks" "$work"
		printf 'compiler %s\n' "$(compiler_of "$kdir" "$work")"
		# the modules: every .ko under modules/*/ (a build without any fails)
		if [[ -d $work/modules ]]; then
			mapfile -t kos < <(find "$work"/modules -mindepth 2 -name '*.ko' -printf '%f\n' | sort)
		fi
		for ko in "${kos[@]}"; do
			printf 'module %s\n' "$ko"
		done
		if ((${#kos[@]} == 0)); then
			printf 'module -\n'
			status=FAIL
		fi
		printf 'status %s\n' "$status"
	} >"$res.tmp"
	mv "$res.tmp" "$res"
	line="$name $release $status ($((SECONDS - start))s"
	((hooks == 0)) || line+=", HVLIS_TEST_HOOKS=1"
	((warnings == 0)) || line+=", $warnings warning(s)"
	((rc == 0)) || line+=", exit $rc"
	log "$line)"
	if [[ $status == PASS && ${HVLIS_MATRIX_KEEP:-0} != 1 ]]; then
		rm -rf "$work"
	fi
}

result_get() {	# result_get NAME KEY
	sed -n "s/^$2 //p" "$OUT/results/$1" 2>/dev/null | head -n 1
}

main() {
	local root list t kdir release names=() want=() missing=() failed=()
	local name mod kos st running=0 cc
	case ${1-} in
	-h | --help)
		sed -n '4,/^$/s/^# \{0,1\}//p' "$SELF"
		return 0
		;;
	esac
	[[ $# -le 1 ]] || die "usage: $0 [ROOT]"
	root=$(realpath -m "${1:-${HVLIS_KTREES:-/var/cache/hvlis/ktrees}}")
	list=$root/trees.list
	SRC=$(realpath -e "${HVLIS_MATRIX_SRC:-$REPO}") || die "no source tree ${HVLIS_MATRIX_SRC:-$REPO}"
	# test-modules: the shipped modules, then the test-only ones (tests/hvsim)
	CMD=${HVLIS_MATRIX_CMD:-make -j\{jobs\} test-modules KDIR=\{kdir\} HVLIS_TEST_HOOKS=\{hooks\}}
	HOOKS=${HVLIS_MATRIX_HOOKS:-$DEFAULT_HOOKS}
	[[ $HOOKS != none ]] || HOOKS=
	command -v rsync >/dev/null || die "rsync is missing: apt-get install rsync (prep-ktrees.sh installs it)"
	if [[ -n ${HVLIS_MATRIX_OUT:-} ]]; then
		OUT=$(realpath -m "$HVLIS_MATRIX_OUT")
		mkdir -p "$OUT"
	else
		OUT=$(mktemp -d "${TMPDIR:-/tmp}/hvlis-matrix.XXXXXX")
	fi
	rm -rf "$OUT/results"
	mkdir -p "$OUT/logs" "$OUT/work" "$OUT/results"

	declare -A KDIR=() REL=()
	if [[ -f $list ]]; then
		while read -r name kdir release _; do
			[[ -z $name || $name == \#* ]] && continue
			KDIR[$name]=$kdir
			REL[$name]=$release
			names+=("$name")
		done <"$list"
	fi
	if [[ ${HVLIS_MATRIX_TREES:-} == all ]]; then
		want=("${names[@]}")
	elif [[ -n ${HVLIS_MATRIX_TREES:-} ]]; then
		read -ra want <<<"$HVLIS_MATRIX_TREES"
	else
		# the expected trees (missing ones fail), then any other listed tree
		read -ra want <<<"$DEFAULT_TREES"
		for t in "${names[@]}"; do
			[[ " ${want[*]} " == *" $t "* ]] || want+=("$t")
		done
	fi
	if ((${#want[@]} == 0)); then
		read -ra want <<<"$DEFAULT_TREES"
	fi

	for t in "${want[@]}"; do
		kdir=${KDIR[$t]:-}
		if [[ -z $kdir || ! -f $kdir/Makefile ]]; then
			missing+=("$t")
		fi
	done
	if ((${#missing[@]})); then
		if [[ ! -f $list ]]; then
			log "ERROR: $list does not exist"
		fi
		for t in "${missing[@]}"; do
			log "ERROR: kernel tree $t is missing or broken (${KDIR[$t]:-not in $list})"
		done
		log "ERROR: prepare the trees first:  $REPO/tests/matrix/prep-ktrees.sh $root"
	fi

	log "source $SRC, command '$CMD', logs in $OUT/logs"
	for t in "${want[@]}"; do
		[[ " ${missing[*]} " == *" $t "* ]] && continue
		if ((${HVLIS_MATRIX_PARALLEL:-1} > 1)); then
			if ((running >= HVLIS_MATRIX_PARALLEL)); then
				wait -n || true
				running=$((running - 1))
			fi
			build_tree "$t" "${KDIR[$t]}" "${REL[$t]}" &
			running=$((running + 1))
		else
			build_tree "$t" "${KDIR[$t]}" "${REL[$t]}"
		fi
	done
	wait

	# the table
	printf '\n%-12s %-22s %-22s %-20s %s\n' TREE RELEASE COMPILER MODULE RESULT
	for t in "${want[@]}"; do
		if [[ " ${missing[*]} " == *" $t "* ]]; then
			printf '%-12s %-22s %-22s %-20s %s\n' "$t" "${REL[$t]:--}" - - "FAIL (tree missing: run prep-ktrees.sh)"
			failed+=("$t")
			continue
		fi
		st=$(result_get "$t" status)
		cc=$(result_get "$t" compiler)
		while read -r mod; do
			if [[ $mod == - ]]; then
				printf '%-12s %-22s %-22s %-20s %s\n' "$t" "${REL[$t]}" "$cc" "(no .ko)" FAIL
			else
				printf '%-12s %-22s %-22s %-20s %s\n' "$t" "${REL[$t]}" "$cc" "$mod" "${st:-FAIL}"
			fi
		done < <(sed -n 's/^module //p' "$OUT/results/$t" 2>/dev/null || true)
		if [[ $st != PASS ]]; then
			failed+=("$t")
			printf '%-12s   FAIL: exit %s, %s warning(s); log: %s\n' "" \
				"$(result_get "$t" rc)" "$(result_get "$t" warnings)" "$OUT/logs/$t.log"
		fi
	done
	printf '\n'
	for t in "${want[@]}"; do
		if [[ " ${failed[*]} " == *" $t "* ]]; then
			printf 'matrix: %s %s FAIL\n' "$t" "${REL[$t]:--}"
		else
			printf 'matrix: %s %s PASS\n' "$t" "${REL[$t]}"
		fi
	done
	# the same in the "PASS: <case>" / "FAIL: <case>" form tests/run.sh counts
	for t in "${want[@]}"; do
		if [[ " ${failed[*]} " == *" $t "* ]]; then
			printf 'FAIL: matrix/%s (%s)\n' "$t" "${REL[$t]:-tree missing}"
		else
			printf 'PASS: matrix/%s (%s)\n' "$t" "${REL[$t]}"
		fi
	done
	log "$((${#want[@]} - ${#failed[@]}))/${#want[@]} trees passed; logs in $OUT/logs"
	if ((${#failed[@]})); then
		# show where the first failure went wrong
		for t in "${failed[@]}"; do
			[[ -f $OUT/logs/$t.log ]] || continue
			log "first errors/warnings of $t ($OUT/logs/$t.log):"
			grep -iE 'error|warning:' "$OUT/logs/$t.log" | head -n 10 >&2 || true
		done
		exit 1
	fi
}

main "$@"
