#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# usage: compat/kernelrelease.sh KDIR
# Prints the release string modules built against KDIR carry (UTS_RELEASE),
# which is what `uname -r` says on that kernel and what DKMS calls it.
set -eu
for f in "$1/include/generated/utsrelease.h" "$1/include/linux/utsrelease.h"; do
	if [ -f "$f" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f"
		exit 0
	fi
done
echo "hvlis: cannot tell the kernel release of '$1' (no utsrelease.h; is it a prepared kernel build tree?)" >&2
exit 1
