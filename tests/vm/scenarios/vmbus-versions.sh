# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# vmbus-versions: hv_vmbus against each host generation. The simulated host
# accepts versions up to the one chosen, so the guest's fallback from 5.3
# downwards runs; then a channel is opened and echoes packets, which
# exercises the signalling paths of that generation (the interrupt page
# before Windows Server 2012, event flags after).

# shellcheck disable=SC2034
VM_TIMEOUT=300

one() { # VERSION NAME
	local v=$1 name=$2
	sim_ctl version "$v"
	vmbus_load || { vm_fail "$v: insmod hv_vmbus failed"; return; }
	expect "$v: negotiated" "$(sim_stat version)" "$v"
	vm_kmsg | grep -q "hv_vmbus: VMBus protocol $v negotiated ($name host)" ||
		vm_fail "$v: no negotiation line naming $name"
	insmod /lib/hvlis/hvlis_echo.ko || vm_fail "$v: insmod hvlis_echo failed"
	echo_run "$v" 200 16 2000 1
	rmmod hvlis_echo || vm_fail "$v: rmmod hvlis_echo failed"
	vmbus_unload || vm_fail "$v: rmmod hv_vmbus failed"
}

guest() {
	sim_start
	sim_ctl add echo
	one 5.3 "Windows Server 2022"
	one 5.2 "Windows Server 2019"
	one 5.0 "Windows 10 v5.0"
	one 4.1 "Windows 10 v4.1"
	one 4.0 "Windows Server 2016"
	one 3.0 "Windows Server 2012 R2"
	one 2.4 "Windows Server 2012"
	one 1.1 "Windows Server 2008 R2"
	one 0.13 "Windows Server 2008"
	expect "host: unloads" "$(sim_stat unloads)" 9
	expect "host: bad messages" "$(sim_stat bad_msgs)" 0
	expect "host: gpadls live" "$(sim_stat gpadls_live)" 0
}
