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
#  2. picks the kernel release: $HVLIS_VM_KREL, else the newest 6.1.0-N-amd64
#     whose headers are in /usr/src/linux-headers-6.1.0-N-amd64;
#  3. downloads the Debian image package of exactly that release and version
#     (linux-image-REL-unsigned, else the signed linux-image-REL; never
#     installed: apt-get download + dpkg-deb -x) into CACHE/REL/root, keeps
#     its modules tree and runs depmod on it;
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

rel=$(vm_release) || die "no kernel headers: install linux-headers-6.1.0-N-amd64 or set HVLIS_VM_KREL"
[ -f "$(vm_kdir "$rel")/Makefile" ] || die "no kernel headers for $rel in $(vm_kdir "$rel")"
# the image must be the very build the headers come from
version=$(dpkg-query -W -f '${Version}' "linux-headers-$rel" 2> /dev/null || true)
[ -n "$version" ] || die "linux-headers-$rel is not an installed package: cannot tell which image matches"

dir="$VM_CACHE/$rel"
pkgstamp="recipe=$VM_RECIPE release=$rel version=$version"
stamp="$pkgstamp boot=${HVLIS_VM_BOOT:-auto}"
if [ -z "${HVLIS_VM_FORCE:-}" ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
	vm_conf_load "$rel" && [ -f "$VM_KERNEL" ]; then
	vm_say "$rel ready (cached): $VM_KERNEL"
	exit 0
fi
rm -f "$dir/stamp"
mkdir -p "$dir"

# 3. the image package (kept while its own stamp matches: a changed boot
# choice or HVLIS_VM_FORCE=1 alone does not download it again)
if [ -n "${HVLIS_VM_FORCE:-}" ] || [ ! -d "$dir/root" ] || [ ! -f "$dir/root.pkg" ] ||
	[ "$(cat "$dir/root.stamp" 2> /dev/null)" != "$pkgstamp" ]; then
	rm -f "$dir/root.stamp" "$dir/root.pkg" "$dir/vmlinux"
	pkg=
	for p in ${HVLIS_VM_IMAGE_PKG:-"linux-image-$rel-unsigned" "linux-image-$rel"}; do
		if [ -z "$(apt-cache madison "$p" 2> /dev/null | awk -v v="$version" '$3 == v')" ]; then
			apt_update
			[ -n "$(apt-cache madison "$p" 2> /dev/null | awk -v v="$version" '$3 == v')" ] || continue
		fi
		pkg=$p
		break
	done
	[ -n "$pkg" ] || die "no linux-image-$rel(-unsigned) of version $version in the apt sources"
	vm_say "downloading $pkg=$version"
	rm -rf "$dir/dl" "$dir/root" "$dir/root.new"
	mkdir -p "$dir/dl"
	# apt-get download drops privileges to _apt when it can write there
	chown _apt "$dir/dl" 2> /dev/null || true
	(cd "$dir/dl" && apt-get download -qq "$pkg=$version") > "$dir/download.log" 2>&1 ||
		die "apt-get download $pkg=$version failed; see $dir/download.log"
	vm_say "unpacking"
	dpkg-deb -x "$dir"/dl/*.deb "$dir/root.new"
	mv "$dir/root.new" "$dir/root"
	rm -rf "$dir/dl"
	[ -d "$dir/root/lib/modules/$rel" ] || die "$pkg has no lib/modules/$rel"
	depmod -b "$dir/root" "$rel"
	echo "$pkg" > "$dir/root.pkg"
	echo "$pkgstamp" > "$dir/root.stamp"
fi
pkg=$(cat "$dir/root.pkg")
vmlinuz="$dir/root/boot/vmlinuz-$rel"
[ -f "$vmlinuz" ] || die "$pkg has no boot/vmlinuz-$rel"

# 4. the uncompressed kernel; the decompressor named by the kernel config
case $(grep -E '^CONFIG_KERNEL_[A-Z0-9]+=y' "$dir/root/boot/config-$rel" || true) in
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
} > "$dir/vm.conf"
echo "$stamp" > "$dir/stamp"
vm_say "$rel ready: $VM_KERNEL"
