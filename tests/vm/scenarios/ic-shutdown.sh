# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-shutdown: the shutdown service of hv_utils on the simulated host.
# Negotiation picks message version 3.2. Unknown request flags and bodies
# too short get HV_E_FAIL and a log line, and nothing happens. The VM has
# ACPI S4 (QEMU's default), so a hibernate request is answered HV_S_OK and
# becomes a change uevent with EVENT=hibernate on the device. A restart
# request makes the kernel run /sbin/reboot (here a stand-in that only
# records it). Last, a power-off request: answered HV_S_OK, then the kernel
# runs /sbin/poweroff, which waits for /init's result line and powers the
# VM off; check_log makes sure that, not /init, ended the VM.
# (ic-shutdown-nos4 covers a VM without S4, and a real restart.)

# shellcheck disable=SC2034
VM_TIMEOUT=180

# wait_file PATH [SECS]: wait (default 10 s) until PATH exists
wait_file() {
	local i=0 n=$((${2:-10} * 10))
	while [ "$i" -le "$n" ]; do
		[ -e "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

guest() {
	local f pid i

	sim_start
	sim_ctl add shutdown
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load || vm_fail "insmod hv_utils failed"
	wait_ic shutdown negotiated 1 || vm_fail "no negotiation within 10 s"
	expect "negotiated framework" "$(ic_field shutdown fw)" 3.0
	expect "negotiated message version" "$(ic_field shutdown msg)" 3.2
	expect_kmsg "guest log" "hv_utils: shutdown: IC framework 3.0, message version 3.2"

	# Requests the guest must refuse.
	for f in 6 7 8 255; do
		kmsg_mark
		sim_ic shutdown request "$f" || vm_fail "flags $f: no answer"
		expect "flags $f: status" "$(ic_field shutdown last_status)" 0x80004005
		expect_kmsg "flags $f logged" "shutdown: unknown request flags $(printf '%#x' "$f"): refused"
	done
	kmsg_mark
	sim_ic shutdown send 3 4 || vm_fail "a short request got no answer"
	expect "short request: status" "$(ic_field shutdown last_status)" 0x80004005
	expect_kmsg "short request logged" "shutdown: request of 32 bytes is too short"

	# Hibernate: answered, and userspace gets the uevent.
	# shellcheck disable=SC2016 # expanded by the script written
	printf '#!/bin/sh\necho "$ACTION $SUBSYSTEM $EVENT" >> /tmp/uevents\n' > /tmp/uevent.sh
	chmod +x /tmp/uevent.sh
	uevent /tmp/uevent.sh &
	pid=$!
	sleep 0.5
	kmsg_mark
	sim_ic shutdown request 4 || vm_fail "hibernate: no answer"
	expect "hibernate: status" "$(ic_field shutdown last_status)" 0x00000000
	expect_kmsg "hibernate logged" "shutdown requested by the host: hibernating (uevent EVENT=hibernate for userspace)"
	i=0
	while ! grep -q "change vmbus hibernate" /tmp/uevents 2> /dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "change vmbus hibernate" /tmp/uevents 2> /dev/null ||
		vm_fail "no change uevent with EVENT=hibernate from the vmbus device"
	kill "$pid"

	# Restart: the kernel runs userspace's /sbin/reboot (a stand-in here).
	mkdir -p /sbin
	# shellcheck disable=SC2016 # expanded by the script written
	printf '#!/bin/sh\necho "$0 $*" > /tmp/reboot-ran\n' > /sbin/reboot
	chmod +x /sbin/reboot
	kmsg_mark
	sim_ic shutdown request 3 "planned restart" || vm_fail "restart: no answer"
	expect "restart: status" "$(ic_field shutdown last_status)" 0x00000000
	expect_kmsg "restart logged" \
		'shutdown requested by the host: restarting (reason 0x80000000, "planned restart")'
	wait_file /tmp/reboot-ran || vm_fail "the kernel did not run /sbin/reboot"
	expect "refused requests" "$(ic_field shutdown shutdown_failed)" 4
	expect "refused, all kinds" "$(ic_field shutdown failures)" 5
	expect "timeouts" "$(ic_field shutdown timeouts)" 0
	vm_detail "host ic state" < "$HVSIM/ic"

	# Power off, for real. /sbin/poweroff waits for /init's result line.
	cat > /sbin/poweroff << 'EOF'
#!/bin/sh
echo "hvlis-vm: /sbin/poweroff started by the kernel" > /dev/console
: > /tmp/poweroff-ran
i=0
while [ ! -e /tmp/hvlis-vm.result-printed ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "hvlis-vm: /sbin/poweroff: powering off now" > /dev/console
exec /bin/busybox poweroff -f
EOF
	chmod +x /sbin/poweroff
	echo 30 > /tmp/hvlis-vm.await-poweroff
	kmsg_mark
	sim_ic shutdown request 0 || vm_fail "power off: no answer"
	expect "power off: status" "$(ic_field shutdown last_status)" 0x00000000
	expect_kmsg "power off logged" "shutdown requested by the host: powering off (reason 0x80000000)"
	wait_file /tmp/poweroff-ran || vm_fail "the kernel did not run /sbin/poweroff"
}

# After the result line: /sbin/poweroff, not /init, powered the VM off.
check_log() {
	local after
	after=$(sed -n '/HVLIS-VM-RESULT:/,$p' "$1")
	if ! printf "%s\n" "$after" | grep -q "hvlis-vm: /sbin/poweroff: powering off now"; then
		echo "/sbin/poweroff did not power the guest off"
		return 1
	fi
	if printf "%s\n" "$after" | grep -q "nobody powered the guest off"; then
		echo "/init had to power the guest off"
		return 1
	fi
	if ! printf "%s\n" "$after" | grep -q "reboot: Power down"; then
		echo "the kernel did not say 'reboot: Power down'"
		return 1
	fi
}
