# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# subch-remove: a sub-channel offer that arrives while its driver goes
# away (issue 12). The offers workqueue reads the primary's sub-channel
# callback, then calls it; hv_netvsc and hv_storvsc open the sub-channel
# there, reaching their device state through the primary's context. A
# test build's hv_vmbus.test_subch_cb_delay_ms holds the next sub-channel
# offer 3 s between the two; meanwhile the driver is unloaded (rmmod), and
# its remove clears the callback (hvlis_channel_set_subchannel_cb(NULL)).
# That must wait for the callback in progress: without the wait, remove
# freed the device state and the module while the offer held a pointer to
# both, and the held offer then called into the unloaded module (an oops).
# Checked from the kernel log: the callback was still set when the hold
# ended (the clear waited), and the hold had ended before rmmod returned.
# For each driver, then a reload that works (the sub-channels open).

# shellcheck disable=SC2034
VM_TIMEOUT=120
VM_KMODS="sd_mod scsi_transport_fc"
VM_APPEND="slub_debug=FZP"

P=/sys/module/hv_vmbus/parameters

# subch_hold NAME UNLOAD...: the hold armed before, the driver just loaded:
# wait until its sub-channel offer is held, unload it, check the order.
subch_hold() {
	local name=$1 i=0
	shift
	while [ "$i" -lt 300 ] && ! kmsg_new | grep -q "callback held 3000 ms"; do
		sleep 0.1
		i=$((i + 1))
	done
	kmsg_new | grep -q "callback held 3000 ms" ||
		{ vm_fail "$name: no sub-channel offer was held"; return 1; }
	kmsg_new | grep -q "callback held; the primary" &&
		{ vm_fail "$name: the hold ended before the unload began"; return 1; }
	"$@" || vm_fail "$name: unload failed"
	# the unload waited for the held callback: the hold's end is logged already
	kmsg_new | grep -q "callback held; the primary's is still set" ||
		vm_fail "$name: the unload did not wait for the sub-channel callback"
	kmsg_new | grep "test: sub-channel" | vm_detail "$name"
}

guest() {
	local r sd i

	sim_start
	sim_ctl add net mac=00:15:5d:00:04:01
	sim_ctl add scsi gen=2012r2 subch=4 ram=8M
	vmbus_load || { vm_fail "insmod hv_vmbus failed"; return; }
	[ -w "$P/test_subch_cb_delay_ms" ] || { vm_fail "hv_vmbus is not a test build"; return; }

	# hv_netvsc: probe asks for a sub-channel, rmmod while its offer is held
	r=$(net_relid)
	kmsg_mark
	echo 3000 > "$P/test_subch_cb_delay_ms"
	insmod /lib/hvlis/hv_netvsc.ko || { vm_fail "insmod hv_netvsc failed"; return; }
	subch_hold hv_netvsc rmmod hv_netvsc
	echo 0 > "$P/test_subch_cb_delay_ms"
	insmod /lib/hvlis/hv_netvsc.ko || vm_fail "reload of hv_netvsc failed"
	i=0
	while [ "$i" -lt 100 ] && [ "$(net_field "$r" subch_created)" -lt 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "hv_netvsc reloaded: host sub-channels" "$(net_field "$r" subch_created)" 1
	rmmod hv_netvsc || vm_fail "rmmod hv_netvsc failed"

	# hv_storvsc: the same with the storage controller's sub-channel
	r=$(stor_relid)
	kmsg_mark
	echo 3000 > "$P/test_subch_cb_delay_ms"
	stor_load || { vm_fail "insmod hv_storvsc failed"; return; }
	subch_hold hv_storvsc stor_unload
	echo 0 > "$P/test_subch_cb_delay_ms"
	stor_load || vm_fail "reload of hv_storvsc failed"
	sd=$(stor_wait_disk "$r" 0) || vm_fail "no disk after the reload"
	[ -n "$sd" ] && { dd if="/dev/$sd" of=/dev/null bs=4k count=16 2> /dev/null || vm_fail "no read from $sd"; }
	stor_unload || vm_fail "rmmod hv_storvsc failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
