#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# prep-vm.sh - prepare the host and the kernel for the hvlis VM tests
#
# usage: tests/vm/prep-vm.sh
#
# Runs on Debian 12 (bookworm) amd64 as root.  Idempotent:
#  1. installs what is missing of qemu-system-x86, busybox-static, cpio, kmod,
#     binutils, e2fsprogs (the systemd scenarios' disk images) and the
#     decompressor of the kernel image (apt-get);
#  2. picks the kernel (vm_kernel_select in lib.sh): $HVLIS_VM_KERNEL (a
#     matrix tree of tests/matrix/prep-ktrees.sh, a release, or a directory
#     with a kernel of one's own: see README.md), else $HVLIS_VM_KREL, else
#     the newest 6.1.0-N-amd64 whose headers are in /usr/src;
#  3. downloads the Debian image package of exactly that release and version
#     (linux-image-REL-unsigned, else the signed linux-image-REL with the
#     linux-binary-REL, linux-modules-REL and linux-base-REL it depends on
#     in newer Debian, where the kernel is lib/modules/REL/vmlinuz;
#     never installed: apt-get download + dpkg-deb -x) into CACHE/REL/root,
#     keeps its modules tree and runs depmod on it.  The host's apt sources
#     serve the host's 6.1; the matrix's private apt state
#     ($HVLIS_KTREES/.apt, under its lock) the other matrix kernels.  A
#     directory kernel is used where it is (CACHE/dir-CKSUM-REL/root links
#     to it);
#  4. extracts the uncompressed vmlinux from the vmlinuz (extract-vmlinux.sh):
#     under TCG the kernel boots faster without decompressing itself, and
#     QEMU boots an ELF vmlinux through its PVH note;
#  5. boots a smoke test VM with the vmlinux, falling back to the vmlinuz if
#     that does not work, and records the choice in CACHE/REL/vm.conf.
#
# CACHE is ${HVLIS_VM_CACHE:-/var/cache/hvlis/vm}.  CACHE/REL/stamp records
# the recipe and the package version; while it matches, steps 3-5 are
# skipped.  HVLIS_VM_FORCE=1 prepares the kernel again.
# HVLIS_VM_BOOT=vmlinuz skips the vmlinux (to compare boot times).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

die() { vm_say "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, cache in $VM_CACHE)"
mkdir -p "$VM_CACHE"
exec 9> "$VM_CACHE/.lock"
flock 9

apt_updated=
apt_update() {
	if [ -z "$apt_updated" ]; then
		vm_say "apt-get update"
		apt-get update -qq > /dev/null
		apt_updated=1
	fi
}

# need_pkgs PKG...: install those of PKG that are not installed
need_pkgs() {
	local p missing=()
	for p in "$@"; do
		if [ "$(dpkg-query -W -f '${Status}' "$p" 2> /dev/null)" != "install ok installed" ]; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	vm_say "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" > "$VM_CACHE/apt.log" 2>&1; then
		apt_update
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" > "$VM_CACHE/apt.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed; see $VM_CACHE/apt.log"
	fi
}

need_pkgs qemu-system-x86 busybox-static cpio kmod binutils xz-utils e2fsprogs

vm_kernel_select 2> "$VM_CACHE/.select.err.$$" || die "$(cat "$VM_CACHE/.select.err.$$")"
rm -f "$VM_CACHE/.select.err.$$"
rel=$VM_KSEL_REL
dir=$VM_KSEL_DIR
# the image must be the very build the headers come from
version=$VM_KSEL_VERSION
if [ "$VM_KSEL_KIND" = dir ]; then
	# a kernel of one's own: its image, found where `make install` and
	# `make bzImage` leave it
	vmlinuz=
	for k in "$VM_KSEL_SRC/vmlinuz" "$VM_KSEL_SRC/vmlinuz-$rel" "$VM_KSEL_SRC/boot/vmlinuz-$rel" \
		"$VM_KSEL_SRC/bzImage" "$VM_KSEL_SRC/vmlinux"; do
		if [ -f "$k" ]; then
			vmlinuz=$k
			break
		fi
	done
	[ -n "$vmlinuz" ] || die "$VM_KSEL_SRC has no vmlinuz, vmlinuz-$rel, boot/vmlinuz-$rel, bzImage or vmlinux"
	[ -f "$VM_KSEL_SRC/lib/modules/$rel/modules.dep" ] || depmod -b "$VM_KSEL_SRC" "$rel" ||
		die "depmod -b $VM_KSEL_SRC $rel failed"
	version="image-$(cksum < "$vmlinuz" | cut -d' ' -f1)-modules-$(cksum < "$VM_KSEL_SRC/lib/modules/$rel/modules.dep" | cut -d' ' -f1)"
fi
[ -n "$version" ] || die "cannot tell which image package matches the headers of $rel"

pkgstamp="recipe=$VM_RECIPE release=$rel version=$version"
stamp="$pkgstamp boot=${HVLIS_VM_BOOT:-auto}"
if [ -z "${HVLIS_VM_FORCE:-}" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
	VM_CACHE=$(dirname "$dir") vm_conf_load "$(basename "$dir")" && [ -f "$VM_KERNEL" ]; then
	vm_say "$rel ready (cached): $VM_KERNEL"
	exit 0
fi
rm -f "$dir/stamp"
mkdir -p "$dir"

# apt_ktrees CMD...: an apt command on the private apt state of the matrix
# trees (tests/matrix/prep-ktrees.sh: bullseye, bookworm-backports, trixie,
# sid); nothing is installed from it
apt_ktrees() {
	local a=$VM_KTREES/.apt
	"$@" -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$a/sources.list.d" \
		-o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts="$a/preferences.d" \
		-o Dir::State::Lists="$a/lists" -o Dir::State::status=/dev/null \
		-o Dir::State::extended_states="$a/extended_states" -o Dir::Cache="$a/cache" \
		-o Dir::Cache::archives="$a/cache/archives" -o Dir::Cache::pkgcache=pkgcache.bin \
		-o Dir::Cache::srcpkgcache=srcpkgcache.bin -o Acquire::Languages=none \
		-o APT::Sandbox::User=root
}

# 3. the image package (kept while its own stamp matches: a changed boot
# choice or HVLIS_VM_FORCE=1 alone does not download it again)
if [ "$VM_KSEL_KIND" = dir ]; then
	# a new image in the directory (its checksum is in the stamp): the
	# vmlinux extracted from the old one must not be booted again
	[ "$(cat "$dir/root.stamp" 2> /dev/null)" = "$pkgstamp" ] || rm -f "$dir/vmlinux"
	rm -rf "$dir/root"
	ln -sfn "$VM_KSEL_SRC" "$dir/root"
	echo "own kernel in $VM_KSEL_SRC" > "$dir/root.pkg"
	echo "$pkgstamp" > "$dir/root.stamp"
elif [ -n "${HVLIS_VM_FORCE:-}" ] || [ ! -d "$dir/root" ] || [ ! -f "$dir/root.pkg" ] ||
	[ "$(cat "$dir/root.stamp" 2> /dev/null)" != "$pkgstamp" ]; then
	rm -f "$dir/root.stamp" "$dir/root.pkg" "$dir/vmlinux"
	# the host's apt sources for its own kernel, the matrix's private ones
	# (their lists are refreshed by prep-ktrees.sh, whose lock we take) for
	# the others
	apt=()
	if [ "$VM_KSEL_KIND" = ktree ]; then
		apt=(apt_ktrees)
		exec 8> "$VM_KTREES/.lock"
		flock 8
		[ -d "$VM_KTREES/.apt/lists" ] || die "no $VM_KTREES/.apt: run tests/matrix/prep-ktrees.sh"
	fi
	pkg=
	for p in ${HVLIS_VM_IMAGE_PKG:-"linux-image-$rel-unsigned" "linux-image-$rel"}; do
		if [ -z "$("${apt[@]}" apt-cache madison "$p" 2> /dev/null | awk -v v="$version" '$3 == v')" ]; then
			[ "$VM_KSEL_KIND" = host ] || continue
			apt_update
			[ -n "$(apt-cache madison "$p" 2> /dev/null | awk -v v="$version" '$3 == v')" ] || continue
		fi
		pkg=$p
		break
	done
	[ -n "$pkg" ] || die "no linux-image-$rel(-unsigned) of version $version in the apt sources${apt:+ of $VM_KTREES/.apt (run tests/matrix/prep-ktrees.sh)}"
	# newer Debian kernels split the image package: linux-image-REL depends
	# on linux-binary-REL (the kernel, lib/modules/REL/vmlinuz),
	# linux-modules-REL and linux-base-REL (config, modules.builtin, ...)
	# of its version
	specs=("$pkg=$version")
	for p in $("${apt[@]}" apt-cache show "$pkg=$version" 2> /dev/null | sed -n 's/^Depends: //p' |
		head -n 1 | tr ',' '\n' | sed -n "s/^ *\(linux-\(binary\|modules\|base\)-$rel\) (= .*/\1/p"); do
		specs+=("$p=$version")
	done
	vm_say "downloading ${specs[*]}"
	rm -rf "$dir/dl" "$dir/root" "$dir/root.new"
	mkdir -p "$dir/dl"
	# apt-get download drops privileges to _apt when it can write there
	chown _apt "$dir/dl" 2> /dev/null || true
	(cd "$dir/dl" && "${apt[@]}" apt-get download -qq "${specs[@]}") > "$dir/download.log" 2>&1 ||
		die "apt-get download ${specs[*]} failed; see $dir/download.log"
	[ "$VM_KSEL_KIND" = host ] || exec 8>&-
	vm_say "unpacking"
	for p in "$dir"/dl/*.deb; do
		dpkg-deb -x "$p" "$dir/root.new"
	done
	# merged /usr (trixie and later): the modules are in usr/lib/modules
	if [ ! -e "$dir/root.new/lib" ] && [ -d "$dir/root.new/usr/lib/modules/$rel" ]; then
		ln -s usr/lib "$dir/root.new/lib"
	fi
	mv "$dir/root.new" "$dir/root"
	rm -rf "$dir/dl"
	[ -d "$dir/root/lib/modules/$rel" ] || die "$pkg has no lib/modules/$rel"
	depmod -b "$dir/root" "$rel"
	echo "$pkg" > "$dir/root.pkg"
	echo "$pkgstamp" > "$dir/root.stamp"
fi
pkg=$(cat "$dir/root.pkg")
if [ "$VM_KSEL_KIND" != dir ]; then
	vmlinuz="$dir/root/boot/vmlinuz-$rel"
	[ -f "$vmlinuz" ] || vmlinuz="$dir/root/lib/modules/$rel/vmlinuz"
	[ -f "$vmlinuz" ] || die "$pkg has no boot/vmlinuz-$rel or lib/modules/$rel/vmlinuz"
fi

# 4. the uncompressed kernel; the decompressor named by the kernel config
kconfig="$dir/root/boot/config-$rel"
[ -f "$kconfig" ] || kconfig="$dir/root/lib/modules/$rel/config"
[ -f "$kconfig" ] || kconfig="$VM_KSEL_KDIR/.config"
case $(grep -E '^CONFIG_KERNEL_[A-Z0-9]+=y' "$kconfig" 2> /dev/null || true) in
*ZSTD*) need_pkgs zstd ;;
*LZ4*) need_pkgs lz4 ;;
*LZO*) need_pkgs lzop ;;
*BZIP2*) need_pkgs bzip2 ;;
esac
if [ "${HVLIS_VM_BOOT:-auto}" = vmlinuz ]; then
	rm -f "$dir/vmlinux"
elif [ ! -f "$dir/vmlinux" ] || [ -n "${HVLIS_VM_FORCE:-}" ]; then
	rm -f "$dir/vmlinux"
	if "$VM_DIR/extract-vmlinux.sh" "$vmlinuz" "$dir/vmlinux" >&2; then
		chmod 0644 "$dir/vmlinux"
		# QEMU boots an ELF kernel only through XEN_ELFNOTE_PHYS32_ENTRY (18)
		if ! readelf -n "$dir/vmlinux" | grep -A1 -E '^ +Xen ' | grep -q '0x00000012'; then
			vm_say "the vmlinux has no PVH entry note: using the vmlinuz"
			rm -f "$dir/vmlinux"
		fi
	else
		vm_say "could not extract the vmlinux: using the vmlinuz"
	fi
fi

# 5. smoke boot: the first kernel that boots to the result marker wins.
# Every initramfs carries the daemons (vm_add_daemons), so build them first:
# on a fresh clone nothing else has yet.
make -C "$VM_TOP/daemons" > "$dir/daemons-build.log" 2>&1 ||
	die "daemon build failed (see $dir/daemons-build.log)"
smoke="$VM_DIR/guest/smoke.sh"
VM_KERNEL=
for k in "$dir/vmlinux" "$vmlinuz"; do
	[ -f "$k" ] || continue
	kind=$(basename "$k" "-$rel")
	vm_say "smoke boot with the $kind"
	rm -f "$dir/smoke-$kind".*
	if VM_OUT="$dir" vm_run_scenario "smoke-$kind" "$smoke" "$k" "$rel" "$dir/root" > "$dir/smoke-$kind.res" 2>&1; then
		VM_KERNEL=$k
		vm_say "the $kind boots: result marker after $vm_t_result s"
		break
	fi
	vm_say "the $kind does not boot: $(head -n 1 "$dir/smoke-$kind.res"); see $dir/smoke-$kind.log"
done
rm -rf "$dir/work" "$dir"/smoke-*.cpio
[ -n "$VM_KERNEL" ] || die "no kernel of $pkg boots in QEMU"

{
	printf 'VM_KREL=%q\n' "$rel"
	printf 'VM_KERNEL=%q\n' "$VM_KERNEL"
	printf 'VM_MODROOT=%q\n' "$dir/root"
	printf 'VM_IMAGE_PKG=%q\n' "$pkg"
	printf 'VM_IMAGE_VERSION=%q\n' "$version"
	printf 'VM_KDIR=%q\n' "$VM_KSEL_KDIR"
} > "$dir/vm.conf"
echo "$stamp" > "$dir/stamp"
vm_say "$rel ready: $VM_KERNEL"
