# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-shutdown-nos4: the shutdown service in a VM whose firmware offers no
# ACPI S4 state (as Hyper-V does when the VM may not hibernate): hibernate
# requests, forced or not, get HV_E_FAIL and a log line, and no uevent;
# 100 of them back to back get at most 10 log lines a minute (issue 16
# item 10; 20 counted, in case a minute boundary falls inside the flood).
# Then a restart request, for real: answered HV_S_OK, the kernel runs
# /sbin/reboot, which waits for /init's result line and restarts the VM
# (QEMU runs with -no-reboot, so the VM ends); check_log makes sure that
# restart, not /init's power off, ended the VM.

# shellcheck disable=SC2034
VM_TIMEOUT=180
# shellcheck disable=SC2034
VM_QEMU_ARGS="-global ICH9-LPC.disable_s4=1"

guest() {
	local f i n pid

	sim_start
	sim_ctl add shutdown
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	utils_load || vm_fail "insmod hv_utils failed"
	wait_ic shutdown negotiated 1 || vm_fail "no negotiation within 10 s"

	# shellcheck disable=SC2016 # expanded by the script written
	printf '#!/bin/sh\necho "$ACTION $SUBSYSTEM $EVENT" >> /tmp/uevents\n' > /tmp/uevent.sh
	chmod +x /tmp/uevent.sh
	uevent /tmp/uevent.sh &
	pid=$!
	for f in 4 5; do
		kmsg_mark
		sim_ic shutdown request "$f" || vm_fail "hibernate ($f): no answer"
		expect "hibernate ($f): status" "$(ic_field shutdown last_status)" 0x80004005
		expect_kmsg "hibernate ($f) logged" \
			"shutdown: the host asked to hibernate, but the kernel or the VM (no ACPI S4) cannot hibernate: refused"
	done
	kmsg_mark
	i=0
	while [ "$i" -lt 100 ]; do
		sim_ic shutdown request 4 || { vm_fail "hibernate flood: request $i got no answer"; break; }
		i=$((i + 1))
	done
	expect "hibernate flood: status" "$(ic_field shutdown last_status)" 0x80004005
	n=$(kmsg_new | grep -c "shutdown: the host asked to hibernate")
	vm_log "100 hibernate requests: $n log lines"
	[ "$n" -ge 1 ] || vm_fail "100 hibernate requests: not one logged"
	[ "$n" -le 20 ] || vm_fail "100 hibernate requests logged $n lines (no rate limit)"
	sleep 0.5
	grep -q hibernate /tmp/uevents 2> /dev/null && vm_fail "a refused hibernation sent a uevent"
	kill "$pid"

	mkdir -p /sbin
	cat > /sbin/reboot << 'EOF'
#!/bin/sh
echo "hvlis-vm: /sbin/reboot started by the kernel" > /dev/console
: > /tmp/reboot-ran
i=0
while [ ! -e /tmp/hvlis-vm.result-printed ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "hvlis-vm: /sbin/reboot: restarting now" > /dev/console
exec /bin/busybox reboot -f
EOF
	chmod +x /sbin/reboot
	echo 30 > /tmp/hvlis-vm.await-poweroff
	kmsg_mark
	sim_ic shutdown request 2 || vm_fail "restart: no answer"
	expect "restart: status" "$(ic_field shutdown last_status)" 0x00000000
	expect_kmsg "restart logged" "shutdown requested by the host: restarting (reason 0x80000000)"
	i=0
	while [ ! -e /tmp/reboot-ran ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e /tmp/reboot-ran ] || vm_fail "the kernel did not run /sbin/reboot"
}

# After the result line: /sbin/reboot restarted the VM; /init did nothing.
check_log() {
	local after
	after=$(sed -n '/HVLIS-VM-RESULT:/,$p' "$1")
	if ! printf "%s\n" "$after" | grep -q "hvlis-vm: /sbin/reboot: restarting now"; then
		echo "/sbin/reboot did not restart the guest"
		return 1
	fi
	if printf "%s\n" "$after" | grep -q "nobody powered the guest off"; then
		echo "/init had to power the guest off"
		return 1
	fi
	if ! printf "%s\n" "$after" | grep -q "reboot: Restarting system"; then
		echo "the kernel did not say 'reboot: Restarting system'"
		return 1
	fi
}
