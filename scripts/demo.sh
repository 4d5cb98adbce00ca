#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: build everything and show what a user would look at.
# Installs what it needs (Debian, as root). Today it shows the modules built
# for a Debian kernel and what hv_vmbus does in a VM that is not Hyper-V;
# the simulated Hyper-V host that lets it show lsvmbus, KVP and a host
# shutdown does not exist yet, and the demo says so.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd -P)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Installing build and VM tools (tests/deps.sh)"
"$top/tests/deps.sh" | grep -E '^(FAIL|installing)' || true

kdir=/lib/modules/$(uname -r)/build
if [ ! -f "$kdir/Makefile" ]; then
	kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
	echo "no headers for the running kernel $(uname -r); building for $kdir instead"
fi

say "Building the modules for $(basename "$kdir") (make modules KDIR=$kdir)"
make -s -C "$top" modules KDIR="$kdir" 2>&1 | grep -v '^  \(CC\|LD\|MODPOST\)' || true

say "Building the daemons (make daemons)"
make -s -C "$top" daemons

say "What the compat probes found for this kernel"
cfg=$(ls -d "$top"/.build/"$("$top"/compat/kernelrelease.sh "$kdir")"-*/hvlis_config.h | head -n 1)
grep -E '^(#define HAVE_|/\* #undef)' "$cfg" | grep -v HVLIS_PROBE | sed 's/^/  /'

say "modinfo hv_vmbus.ko"
modinfo "$top/modules/hv_vmbus/hv_vmbus.ko" | sed 's/^/  /'

if [ -x "$top/tests/vm/run-vm.sh" ]; then
	say "Loading hv_vmbus in a QEMU VM that is not Hyper-V (tests/vm, scenario enodev)"
	if "$top/tests/vm/run-vm.sh" enodev; then
		grep -E 'insmod|hv_vmbus' "$top/tests/build/vm/enodev.log" | sed 's/^/  /' || true
	fi
else
	say "VM harness not present: cannot show a VM boot"
fi

say "Not shown yet"
cat <<'TXT'
  lsvmbus, a KVP exchange and a shutdown from the host need the simulated
  Hyper-V host (tests/hvsim), hv_utils and the daemons. They are not written
  yet; see README.md "Status".
TXT
