#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# TEST ONLY (sd-install, HVLIS_INSTALL_INITRAMFS=dracut): the pre-trigger
# hook of the test's dracut module hvlistest (dracut-module-setup.sh); never
# part of hvlis's packages. What initramfs-premount does for initramfs-tools:
# loads the simulated host, has it serve the first virtio disk (the VM's
# root image) as a SCSI disk, removes that disk's node, and loads hv_vmbus
# on the simulated host; udev's trigger after this hook then loads
# hv_storvsc and sd_mod from the packaged image, and dracut mounts root=.

hvlis_test_fail() {
	echo "hvlis-vm: FAIL: initramfs (test hook): $*" > /dev/console
	echo "HVLIS-VM-RESULT: FAIL: initramfs (test hook): $*" > /dev/console
	echo o > /proc/sysrq-trigger
	sleep 1000
}

modprobe virtio_blk
i=0
while [ ! -b /dev/vda ]; do
	i=$((i + 1))
	[ "$i" -le 300 ] || hvlis_test_fail "no /dev/vda after 30 s"
	sleep 0.1
done
mount -t debugfs debugfs /sys/kernel/debug || hvlis_test_fail "cannot mount debugfs"
modprobe hvsim || hvlis_test_fail "cannot load hvsim"
echo "add scsi bdev=/dev/vda" > /sys/kernel/debug/hvsim/ctl || hvlis_test_fail "hvsim refused /dev/vda"
umount /sys/kernel/debug
rm -f /dev/vda
modprobe hv_vmbus transport=hvsim || hvlis_test_fail "cannot load hv_vmbus"
echo "hvlis-vm: initramfs (test hook): hvsim serves /dev/vda, hv_vmbus $(cat /sys/module/hv_vmbus/srcversion 2> /dev/null) loaded" > /dev/console
