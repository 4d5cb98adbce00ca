#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: build everything and show what a user would look at.
# Installs what it needs (Debian, as root). It shows the modules built for a
# Debian kernel, lsvmbus in a VM on the simulated Hyper-V host, a Debian
# guest with systemd on that host with hv_utils and the daemons running (a
# KVP exchange, a shutdown from the host), and what hv_vmbus does in a VM
# that is not Hyper-V.
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

say "Booting Debian's 6.1 kernel in QEMU on the simulated Hyper-V host (tests/vm, scenario lsvmbus)"
if "$top/tests/vm/run-vm.sh" lsvmbus; then
	sed -n 's/^DEMO: /  /p' "$top/tests/build/vm/lsvmbus.log"
else
	echo "  the VM scenario failed; see $top/tests/build/vm/lsvmbus.log"
fi

say "A Debian guest with systemd on the simulated Hyper-V host: hv_utils, the daemons, KVP, a shutdown (scenario sd-services)"
echo "  (builds a cached Debian root file system the first time: a few minutes)"
if "$top/tests/vm/run-vm.sh" sd-services; then
	sed -n 's/^DEMO: /  /p' "$top/tests/build/vm/sd-services.log"
	grep -E 'hv_utils: shutdown requested|reboot: Power down' "$top/tests/build/vm/sd-services.log" |
		sed 's/^/  /'
	echo "  (after the power-off the harness found both ext4 file systems clean)"
else
	echo "  the VM scenario failed; see $top/tests/build/vm/sd-services.log"
fi

say "Root on storvsc: the systemd guest boots from a disk that the simulated host serves through hv_storvsc (scenario sd-stor-root)"
if "$top/tests/vm/run-vm.sh" sd-stor-root; then
	sed -n 's/^DEMO: /  /p' "$top/tests/build/vm/sd-stor-root.log"
	echo "  (after the power-off the harness found the root image clean and the file the guest wrote on it)"
else
	echo "  the VM scenario failed; see $top/tests/build/vm/sd-stor-root.log"
fi

say "Loading hv_vmbus in a QEMU VM that is not Hyper-V (scenario enodev)"
if "$top/tests/vm/run-vm.sh" enodev; then
	grep -E 'insmod|hv_vmbus: not running' "$top/tests/build/vm/enodev.log" | sed 's/^/  /'
fi

say "Not shown"
cat <<'TXT'
  Real Hyper-V: nothing here has run on it. hv_storvsc has run only against
  the simulated host; the network (hv_netvsc) and dynamic memory
  (hv_balloon) drivers are not written yet, so hvlis must not be installed
  on a VM (see README.md "Status").
TXT
