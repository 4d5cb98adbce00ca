#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs what the test suites need from Debian's archive and reports each
# tool as a test case, so that a machine without a tool fails loudly instead
# of skipping. Set HVLIS_NO_INSTALL=1 to only check.
set -u

pkgs=(build-essential clang libclang-rt-14-dev valgrind bc bison flex libelf-dev
	libssl-dev kmod cpio xz-utils zstd rsync patchelf dwarves
	linux-headers-amd64 qemu-system-x86 busybox-static shellcheck
	iproute2 util-linux e2fsprogs man-db systemd dkms linux-libc-dev acl attr
	dpkg-dev debhelper dh-dkms lintian rpm rpmlint)

if [ "${HVLIS_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ]; then
	missing=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing: ${missing[*]}"
		apt-get update -qq || echo "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" || echo "apt-get install failed"
	fi
fi

check() { # name command...
	local name=$1
	shift
	if "$@" > /dev/null 2>&1; then
		echo "PASS: deps/$name"
	else
		echo "FAIL: deps/$name: '$*' failed; install it (see tests/deps.sh)"
	fi
}

check gcc gcc --version
check clang clang --version
check libfuzzer sh -c 'echo "int LLVMFuzzerTestOneInput(const char*d,unsigned long n){(void)d;(void)n;return 0;}" |
	clang -x c -fsanitize=fuzzer -o /dev/null -'
check valgrind valgrind --version
check make make --version
check kernel-headers-6.1 sh -c 'ls -d /usr/src/linux-headers-*-amd64 | grep -q .'
check qemu qemu-system-x86_64 --version
check busybox test -x /bin/busybox
check shellcheck shellcheck --version
# the fcopy tests give files ACLs and extended attributes
check acl setfacl --version
check attr setfattr --version
# tests/unit/test_interop.c compares our daemon ABI with the published header
check linux-libc-dev test -f /usr/include/linux/hyperv.h
