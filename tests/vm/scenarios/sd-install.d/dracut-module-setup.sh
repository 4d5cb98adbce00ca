#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TEST ONLY (sd-install, HVLIS_INSTALL_INITRAMFS=dracut): the dracut module
# hvlistest the test installs as /usr/lib/dracut/modules.d/99hvlistest/
# module-setup.sh; never part of hvlis's packages. Does for dracut what
# initramfs-hook does for initramfs-tools: puts the simulated Hyper-V host
# built for the kernel (/usr/lib/hvlis-test/hvsim.ko or REL/hvsim.ko, by
# vermagic), the virtio disk drivers and the udev rule that hides the virtio
# disk into the image, and hvlis-test-hvsim.sh as a pre-trigger hook, which
# has hvsim serve that disk as a SCSI disk and loads hv_vmbus on it.
# Sourced by dracut, which sets kernel, moddir and the inst* functions.
# shellcheck disable=SC2154

check() { return 255; } # only when asked for (add_dracutmodules)
depends() { return 0; }

installkernel() {
	local f
	hostonly='' instmods virtio_pci virtio_blk
	for f in /usr/lib/hvlis-test/hvsim.ko /usr/lib/hvlis-test/*/hvsim.ko; do
		case $(modinfo -F vermagic "$f" 2> /dev/null) in
		"$kernel "*)
			inst_simple "$f" "/lib/modules/$kernel/hvlis-test/hvsim.ko"
			break
			;;
		esac
	done
}

install() {
	inst_multiple modprobe mount umount rm sleep
	inst_simple /etc/udev/rules.d/59-hvlis-test-hide-vda.rules /lib/udev/rules.d/59-hvlis-test-hide-vda.rules
	inst_hook pre-trigger 10 "$moddir/hvlis-test-hvsim.sh"
}
