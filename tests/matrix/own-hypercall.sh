#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# own-hypercall.sh - build hv_vmbus's own hypercall page path on a new tree
#
# usage: tests/matrix/own-hypercall.sh [KDIR]
#        KDIR defaults to the newest /usr/src/linux-headers-6.1.*-amd64
#
# Kernels without hv_do_hypercall() (RHEL 6) get hv_vmbus's own hypercall
# page; no matrix tree compiles that code. This builds hv_x86.o against KDIR
# in a scratch copy with the probe results edited: HAVE_HV_DO_HYPERCALL off
# and HAVE_VMALLOC_3ARG on, RHEL 6's __vmalloc(size, gfp, prot) mapped onto
# the tree's two-argument one. It PASSes when the object has the own-page
# code, the build printed no warning (objtool's included: it reports a bare
# indirect call in a retpoline kernel) and, on a CONFIG_RETPOLINE tree, the
# object calls a retpoline thunk. It says nothing about running the code.
#
# Output: PASS|FAIL: matrix/own-hypercall (<release>), details on stderr.

set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=${1:-$(ls -d /usr/src/linux-headers-6.1.*-amd64 2> /dev/null | sort -V | tail -n 1)}
[ -n "$kdir" ] && [ -f "$kdir/Makefile" ] || {
	echo "FAIL: matrix/own-hypercall: no kernel tree (KDIR '$kdir')"
	exit 1
}
krel=$("$top/compat/kernelrelease.sh" "$kdir")
name="matrix/own-hypercall ($krel)"
cfgdir=$(make -s -C "$top" print-cfgdir KDIR="$kdir")
make -s --no-print-directory -f "$top/compat/config.mk" KDIR="$kdir" CFGDIR="$cfgdir" > /dev/null
work=$(mktemp -d /tmp/hvlis-ownhc.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/cfg"
cp -a "$top/modules" "$top/compat" "$work/"
find "$work/modules" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \
	-o -name 'Module.symvers' -o -name 'modules.order' \) -delete
sed -e 's|^#define HAVE_HV_DO_HYPERCALL 1|/* forced off: HAVE_HV_DO_HYPERCALL */|' \
    -e 's|^/\* #undef HAVE_VMALLOC_3ARG \*/|#define HAVE_VMALLOC_3ARG 1|' \
	"$cfgdir/hvlis_config.h" > "$work/cfg/hvlis_config.h"
cat >> "$work/cfg/hvlis_config.h" << 'EOT'
/* own-hypercall.sh: RHEL 6's three-argument __vmalloc on this tree */
#include <linux/vmalloc.h>
#define __vmalloc(size, gfp, prot) \
	({ pgprot_t hvlis_prot = (prot); (void)hvlis_prot; __vmalloc(size, gfp); })
EOT
fail() {
	echo "FAIL: $name: $*"
	sed 's/^/    | /' "$work/build.log" >&2
	exit 1
}
grep -q '^#define HAVE_VMALLOC_3ARG 1' "$work/cfg/hvlis_config.h" ||
	fail "could not force HAVE_VMALLOC_3ARG"
make -C "$kdir" M="$work/modules" HVLIS_TOP="$work" HVLIS_CFGDIR="$work/cfg" \
	HVLIS_WERROR=1 HVLIS_VERSION=test hv_vmbus/hv_x86.o > "$work/build.log" 2>&1 ||
	fail "hv_x86.o did not build"
obj=$work/modules/hv_vmbus/hv_x86.o
nm "$obj" | grep -q own_hypercall_page || fail "the own hypercall page code was not compiled"
! grep -qi 'warning' "$work/build.log" || fail "the build warned"
if grep -q '^CONFIG_RETPOLINE=y' "$kdir/.config" 2> /dev/null; then
	nm "$obj" | grep -q '__x86_indirect_thunk' || fail "no retpoline thunk call in a retpoline kernel"
fi
echo "PASS: $name"
