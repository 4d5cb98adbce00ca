# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# lsvmbus: the devices of a typical Hyper-V VM (network, SCSI, IDE and the
# integration services) offered by the simulated host, listed by lsvmbus
# (daemons/tools/lsvmbus.c) with their names, relids, channels and drivers;
# its text output must be byte for byte that of the shell script it
# replaced (guest/lsvmbus-sh), and its --json must say the same (checked
# with jq). hv_utils binds the integration services; network, SCSI, IDE
# and dynamic memory stay without a driver, and hvlis-status must list
# them as unbound and show hv_vmbus loaded from hvlis's file (a DKMS-like
# /lib/modules/REL/updates/dkms made here). make demo shows this
# scenario's output.

# shellcheck disable=SC2034
VM_TIMEOUT=120
# shellcheck disable=SC2034
VM_BINARIES="jq"

# same_output OPTION...: lsvmbus and the shell reference print the same
same_output() {
	lsvmbus "$@" > /tmp/c.out 2>&1
	sh /hvlis/lsvmbus-sh "$@" > /tmp/sh.out 2>&1
	if cmp -s /tmp/c.out /tmp/sh.out; then
		vm_log "ok: lsvmbus $* prints what the shell lsvmbus printed"
	else
		vm_fail "lsvmbus $* differs from the shell lsvmbus"
		diff /tmp/sh.out /tmp/c.out | vm_detail "diff shell C"
	fi
}

check_json() {
	local j
	j=$(lsvmbus --json) || vm_fail "lsvmbus --json failed"
	echo "$j" | jq -e '.devices | length == 10' > /dev/null || vm_fail "lsvmbus --json: not 10 devices"
	echo "$j" | jq -e '[.devices[] | select(.class_name == "Synthetic network adapter")] | length == 1 and .[0].driver == null' \
		> /dev/null || vm_fail "lsvmbus --json: the network adapter is not there without a driver"
	echo "$j" | jq -e '[.devices[] | select(.class_name == "Heartbeat")][0].driver | type == "string"' \
		> /dev/null || vm_fail "lsvmbus --json: the heartbeat device has no driver"
	echo "$j" | jq -e '[.devices[] | .channels | length >= 1] | all' > /dev/null ||
		vm_fail "lsvmbus --json: a device without channels"
	echo "$j" | jq -e '[.devices[].id | tonumber] == ([.devices[].id | tonumber] | sort)' > /dev/null ||
		vm_fail "lsvmbus --json: not sorted by relid"
}

# A DKMS-like install of the running kernel's hv_vmbus and hv_utils.
fake_dkms_tree() {
	local m=/lib/modules/$1
	mkdir -p "$m/updates/dkms"
	cp /lib/hvlis/hv_vmbus.ko /lib/hvlis/hv_utils.ko "$m/updates/dkms/"
	printf 'updates/dkms/hv_vmbus.ko:\nupdates/dkms/hv_utils.ko: updates/dkms/hv_vmbus.ko\n' >> "$m/modules.dep"
}

check_status() {
	local rel out rc j unb
	rel=$(uname -r)
	fake_dkms_tree "$rel"
	out=$(hvlis-status)
	rc=$?
	echo "DEMO: # hvlis-status"
	echo "$out" | sed 's/^/DEMO: /'
	expect "hvlis-status exit status (unbound devices)" "$rc" 1
	echo "$out" | grep -q "^  hv_vmbus: loaded, srcversion [0-9A-F]*, from /lib/modules/$rel/updates/dkms/hv_vmbus.ko (hvlis)$" ||
		vm_fail "hvlis-status does not show hv_vmbus loaded from updates/dkms"
	echo "$out" | grep -q "^  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis)" ||
		vm_fail "hvlis-status does not resolve hv_vmbus to updates/dkms"
	unb=$(echo "$out" | sed -n '/^unbound VMBus devices:/,/^problems:/p')
	echo "$unb" | grep -q "Synthetic network adapter" || vm_fail "hvlis-status: the network adapter is not unbound"
	echo "$unb" | grep -q "Heartbeat" && vm_fail "hvlis-status: the heartbeat device (hv_utils) is listed unbound"
	j=$(hvlis-status --json)
	expect "hvlis-status --json exit status" "$?" 1
	echo "$j" | jq -e '.status == 1 and .running_kernel == "'"$rel"'"' > /dev/null || vm_fail "hvlis-status --json: status/running kernel"
	echo "$j" | jq -e '[.unbound_devices[].class_name] | sort == ["Dynamic memory","Synthetic IDE controller","Synthetic SCSI controller","Synthetic network adapter"]' \
		> /dev/null || vm_fail "hvlis-status --json: unbound devices $(echo "$j" | jq -c '[.unbound_devices[].class_name]')"
	echo "$j" | jq -e '.loaded[] | select(.name == "hv_vmbus") | .loaded and .origin == "hvlis" and .is_resolved and .from == "/lib/modules/'"$rel"'/updates/dkms/hv_vmbus.ko"' \
		> /dev/null || vm_fail "hvlis-status --json: hv_vmbus not loaded from hvlis's file"
}

guest() {
	local out n k

	sim_start
	for k in shutdown timesync heartbeat kvp vss fcopy balloon ide scsi net; do
		sim_ctl add "$k"
	done
	lsvmbus > /tmp/none 2>&1 && vm_fail "lsvmbus succeeded without a VMBus"
	same_output
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
	same_output
	same_output -v
	utils_load || vm_fail "insmod hv_utils failed"
	same_output
	same_output -v
	lsvmbus | grep -q '(driver: -)$' || vm_fail "lsvmbus shows no device without a driver"
	lsvmbus | grep 'Heartbeat' | grep -q '(driver: -)$' && vm_fail "lsvmbus shows the heartbeat without hv_utils"
	check_json
	check_status
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
