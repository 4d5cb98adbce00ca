#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# prep-test.sh - tests of prep-vm.sh's cache for a kernel of one's own
#
# usage: tests/vm/prep-test.sh
#
# A directory kernel (HVLIS_VM_KERNEL=DIR) is prepared once and cached by
# the checksums of its image and its modules.dep.  When the image in DIR
# changes (a rebuilt kernel, same release), the vmlinux extracted from the
# old image must not be booted again: it was, once (EL 9.6, 2026-12-07:
# the new modules crashed the old kernel).  This test lays out DIR with
# Debian 6.1's image and modules tree (from the VM cache, prep-vm.sh of
# the host's kernel first), prepares it, then changes the image: the same
# kernel with 4 KiB of zeros appended (QEMU and the extractor ignore them;
# a kernel of another release would not boot with this modules tree), and
# prepares again: the vmlinux must be extracted anew (written after the
# change) and boot.  The same image a third time: cached, nothing
# extracted.  Its own cache (HVLIS_VM_CACHE in a temporary directory): the
# shared one is not touched.  About a minute (two smoke boots).  First,
# without a VM: vm_kmod_order finds a scenario's kernel module by its
# former name on an older kernel (kmod-*).
#
# Prints PASS: vmprep/NAME or FAIL: vmprep/NAME: reason; exits 1 on a
# failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
case ${1:-} in
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac
failed=0
pass() { echo "PASS: vmprep/$1"; }
fail() {
	echo "FAIL: vmprep/$1: $2"
	failed=1
}

# image KERNEL: prepare the shared cache's KERNEL (a matrix tree name, or
# empty for the host's) and print its vmlinuz and its release
image() {
	local conf rel root
	HVLIS_VM_KERNEL=$1 "$here/prep-vm.sh" >&2 || return 1
	conf=$(HVLIS_VM_KERNEL=$1 bash -c '. "$1/lib.sh"; vm_kernel_select > /dev/null && echo "$VM_KSEL_DIR/vm.conf"' _ "$here") ||
		return 1
	rel=$(bash -c '. "$1"; echo "$VM_KREL"' _ "$conf")
	root=$(bash -c '. "$1"; echo "$VM_MODROOT"' _ "$conf")
	echo "$root/boot/vmlinuz-$rel $rel $root"
}

# linux_version VMLINUX: the release in its "Linux version" banner
linux_version() { strings "$1" | sed -n 's/^Linux version \([^ ]*\) .*/\1/p' | head -n 1; }

tmp=$(mktemp -d /tmp/hvlis-prep-test.XXXXXX)
[ -n "${HVLIS_PREP_TEST_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# A scenario's kernel module by its former name (no VM): RHEL 7's 3.10
# calls crc32c_generic crc32c; stor-basic asks for crc32c_generic.  Built
# in there (modules.builtin), and as a module with a dependency.
kmod_order() { bash -c '. "$1/lib.sh"; shift; vm_kmod_order "$@"' _ "$here" "$@" 2>&1; }
m=$tmp/m/lib/modules/3.10.0
mkdir -p "$m"
echo "kernel/crypto/crc32c.ko" > "$m/modules.builtin"
: > "$m/modules.dep"
if out=$(kmod_order "$tmp/m" 3.10.0 crc32c_generic) && [ -z "$out" ]; then
	pass kmod-former-name-builtin
else
	fail kmod-former-name-builtin "crc32c_generic built in as crc32c: '$out'"
fi
: > "$m/modules.builtin"
printf '%s\n' "kernel/crypto/crc32c.ko: kernel/crypto/crypto_hash.ko" \
	"kernel/crypto/crypto_hash.ko:" > "$m/modules.dep"
if out=$(kmod_order "$tmp/m" 3.10.0 crc32c_generic) &&
	[ "$(echo "$out" | tr '\n' ' ')" = "kernel/crypto/crypto_hash.ko kernel/crypto/crc32c.ko " ]; then
	pass kmod-former-name-module
else
	fail kmod-former-name-module "crc32c_generic as the module crc32c: '$out'"
fi
if ! out=$(kmod_order "$tmp/m" 3.10.0 no_such_module) &&
	[ "$out" = "unknown kernel module: no_such_module" ]; then
	pass kmod-unknown
else
	fail kmod-unknown "an unknown module was not refused: '$out'"
fi
read -r img rel root <<< "$(image "")" || true
if [ ! -f "${img:-}" ]; then
	fail image-change "could not prepare the host kernel's image ('${img:-}')"
	exit 1
fi

k=$tmp/k
mkdir -p "$k/lib/modules"
cp -a "$root/lib/modules/$rel" "$k/lib/modules/"
ln -s "/usr/src/linux-headers-$rel" "$k/build"
cp "$img" "$k/vmlinuz"
export HVLIS_VM_CACHE=$tmp/cache

run_prep() { HVLIS_VM_KERNEL=$k "$here/prep-vm.sh" > "$tmp/prep-$1.log" 2>&1; }
vmlinux=
find_vmlinux() { vmlinux=$(find "$HVLIS_VM_CACHE" -path "*/dir-*-$rel/vmlinux" | head -n 1); }

if ! run_prep 1; then
	fail image-change "the first prepare failed: $(tail -n 1 "$tmp/prep-1.log")"
	exit 1
fi
find_vmlinux
if [ -z "$vmlinux" ] || [ "$(linux_version "$vmlinux")" != "$rel" ]; then
	fail image-change "after the first prepare there is no vmlinux of $rel ('$vmlinux')"
	exit 1
fi

touch "$tmp/changed"
sleep 1
head -c 4096 /dev/zero >> "$k/vmlinuz"
if ! run_prep 2; then
	fail image-change "the prepare after the image changed failed: $(tail -n 1 "$tmp/prep-2.log")"
	exit 1
fi
find_vmlinux
if [ -z "$vmlinux" ]; then
	fail image-change "no vmlinux after the image changed"
elif [ ! "$vmlinux" -nt "$tmp/changed" ]; then
	fail image-change "the image changed and the vmlinux extracted from the old one was kept"
elif ! grep -q "the vmlinux boots" "$tmp/prep-2.log"; then
	fail image-change "the new vmlinux did not boot: $(tail -n 1 "$tmp/prep-2.log")"
else
	pass image-change
fi

# the same image again: cached, nothing extracted or booted
if run_prep 3 && grep -q "ready (cached)" "$tmp/prep-3.log"; then
	pass image-unchanged
else
	fail image-unchanged "an unchanged image was prepared again: $(tail -n 1 "$tmp/prep-3.log")"
fi
exit "$failed"
