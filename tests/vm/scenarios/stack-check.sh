# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# stack-check: no silent loss of devices, in a guest. The packages' device
# check (hvlis-kmod check-devices/activate, with the class table of
# modules/vmbus-classes.list where hvlis-dkms installs them) against the
# real sysfs of hvlis's hv_vmbus, with the simulated host offering devices:
# network, SCSI and the integration services only -> hvlis may be active;
# then the host hot-adds a PCI pass-through device (by its class GUID, with
# a known instance) -> the check refuses and names the device; a synthetic
# keyboard too -> both named; ACTIVATE=force -> activate; ACTIVATE=never ->
# refuse; activate --root writes the depmod.d file naming the devices, and
# hvlis-status --root reports the stack inactive.

# shellcheck disable=SC2034
VM_TIMEOUT=120

KMOD=/usr/libexec/hvlis/hvlis-kmod
PCI='{44c4f61d-4444-4400-9d52-802e27ede19f}'
PCI_INST=3a2f0c6e-1b7d-4e55-9c41-0d8e6b5a7f12
KBD='{f912ad6d-2b17-48ea-bd65-f927a61c7684}'
KBD_INST=d34b2567-b9b6-42b9-8778-0a4ec0b955bf

# check WANT_RC TEXT...: run check-devices, which must exit WANT_RC and print each TEXT
check() {
	local want=$1 out rc t
	shift
	out=$(sh "$KMOD" check-devices 2>&1)
	rc=$?
	echo "$out" | sed 's/^/DEMO: /'
	expect "check-devices exit status" "$rc" "$want"
	for t in "$@"; do
		echo "$out" | grep -qF -- "$t" || vm_fail "check-devices did not print: $t"
	done
}

# wait_class CLASS: until hv_vmbus has a device of that class in sysfs (a
# hot-added offer is registered asynchronously)
wait_class() {
	local i=0
	while ! cat /sys/bus/vmbus/devices/*/class_id 2> /dev/null | grep -qxF "$1"; do
		i=$((i + 1))
		[ $i -lt 300 ] || { vm_fail "no device of class $1 in sysfs"; return 1; }
		sleep 0.1
	done
}

guest() {
	local k r
	[ -x "$KMOD" ] || [ -f "$KMOD" ] || { vm_fail "no $KMOD in the initramfs"; return 1; }
	sim_start
	for k in shutdown timesync heartbeat kvp net scsi; do
		sim_ctl add "$k"
	done
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	utils_load || vm_fail "insmod hv_utils failed"
	check 0 "hvlis may be the active stack: every VMBus device has an hvlis driver" \
		"Synthetic network adapter (class {f8615163-df3e-46c5-913f-f2d2f965ed0e}" "hvlis driver hv_utils)"

	# PCI pass-through offered (hot-added) by the host
	sim_ctl add "$(echo "$PCI" | tr -d '{}')" "$PCI_INST"
	wait_class "$PCI"
	check 1 "hvlis stays INACTIVE, the distribution's drivers stay active: 1 VMBus device(s) have no hvlis driver and would be lost: PCI express pass-through {$PCI_INST}" \
		"lost if hvlis is active: PCI express pass-through (class $PCI, instance {$PCI_INST}; the distribution drives it with pci_hyperv)"
	sim_ctl add "$(echo "$KBD" | tr -d '{}')" "$KBD_INST"
	wait_class "$KBD"
	check 1 "2 VMBus device(s) have no hvlis driver" "PCI express pass-through {$PCI_INST}" "Synthetic keyboard {$KBD_INST}"

	mkdir -p /etc/hvlis
	echo ACTIVATE=force > /etc/hvlis/hvlis.conf
	check 0 "hvlis may be the active stack: ACTIVATE=force in /etc/hvlis/hvlis.conf, although 2 VMBus device(s)"
	echo ACTIVATE=never > /etc/hvlis/hvlis.conf
	check 1 "ACTIVATE=never in /etc/hvlis/hvlis.conf"
	rm -f /etc/hvlis/hvlis.conf

	# activate on a copy of the installed sources and a kernel tree with the
	# distribution's hv_vmbus: the depmod.d file, and hvlis-status's report
	r=/tmp/root
	mkdir -p "$r/usr/src" "$r/lib/modules/$(uname -r)/kernel/drivers/hv" "$r/lib/modules/$(uname -r)/updates/dkms"
	cp -r /usr/src/hvlis-* "$r/usr/src/"
	cp /lib/hvlis/hv_vmbus.ko "$r/lib/modules/$(uname -r)/kernel/drivers/hv/"
	cp /lib/hvlis/hv_vmbus.ko "$r/lib/modules/$(uname -r)/updates/dkms/"
	sh "$KMOD" activate --root "$r" --sysfs /sys > /tmp/activate.out 2>&1
	expect "activate --root exit status" "$?" 1
	grep -qxF "override hv_vmbus * kernel/drivers/hv" "$r/etc/depmod.d/hvlis-inactive.conf" ||
		vm_fail "activate did not write the hv_vmbus override"
	grep -q "^# hvlis-inactive: 2 VMBus device(s) .*PCI express pass-through {$PCI_INST}" "$r/etc/depmod.d/hvlis-inactive.conf" ||
		vm_fail "the depmod.d file does not name the PCI device"
	hvlis-status --root "$r" > /tmp/status.out 2>&1
	sed 's/^/DEMO: /' /tmp/status.out
	grep -q "^stack: inactive (/etc/depmod.d/hvlis-inactive.conf): 2 VMBus device(s)" /tmp/status.out ||
		vm_fail "hvlis-status --root does not report the stack inactive"

	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
