# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# lsvmbus: the devices of a typical Hyper-V VM (network, SCSI, IDE and the
# integration services) offered by the simulated host, listed by
# scripts/lsvmbus with their names, relids and channels. make demo shows
# this scenario's output.

# shellcheck disable=SC2034
VM_TIMEOUT=120

guest() {
	local out n k

	sim_start
	for k in shutdown timesync heartbeat kvp vss fcopy balloon ide scsi net; do
		sim_ctl add "$k"
	done
	lsvmbus > /tmp/none 2>&1 && vm_fail "lsvmbus succeeded without a VMBus"
	vmbus_load || vm_fail "insmod hv_vmbus failed"
	vm_kmsg | grep 'hv_vmbus:' | grep -v taint | sed 's/^/DEMO: /'
	echo "DEMO: # lsvmbus"
	out=$(lsvmbus) || vm_fail "lsvmbus failed"
	echo "$out" | sed 's/^/DEMO: /'
	echo "DEMO: # lsvmbus -v (first three)"
	lsvmbus -v | head -n 9 | sed 's/^/DEMO: /'
	n=$(echo "$out" | grep -c '^VMBUS ID')
	expect "devices listed" "$n" 10
	for k in "Synthetic network adapter" "Synthetic SCSI controller" "Synthetic IDE controller" \
		"Operating system shutdown" "Time synchronization" "Heartbeat" "Data exchange (KVP)" \
		"Backup (volume snapshot)" "Guest services (file copy)" "Dynamic memory"; do
		echo "$out" | grep -qF "$k" || vm_fail "lsvmbus does not name '$k'"
	done
	lsvmbus -v | grep -q 'Rel_ID=1, target_cpu=0' || vm_fail "lsvmbus -v shows no channel of relid 1"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
