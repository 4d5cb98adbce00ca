# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# enodev: in a plain QEMU VM (no Hyper-V) hv_vmbus must refuse to load with
# ENODEV, say so in exactly one kernel log line, and leave nothing behind.
#
# Guest checks:
#  - the VM really has no Microsoft hypervisor: CPUID 0x40000000 (vendor)
#    and 0x40000001 (interface) read through /dev/cpu/0/cpuid, and the
#    kernel's own "Hypervisor detected" line;
#  - insmod /lib/hvlis/hv_vmbus.ko fails with "No such device";
#  - lsmod (and /sys/module) has no hv_vmbus afterwards, /sys/bus/vmbus does
#    not exist;
#  - the kernel log has exactly one line from hv_vmbus itself, the expected
#    one.  The module loader's own taint notices ("hv_vmbus: loading
#    out-of-tree module taints kernel.", "hv_vmbus: module verification
#    failed: ...") carry the module's name too but are the kernel's: they
#    are shown, and not counted.
# Host check (check_log): that one line reached the serial console once.

# read by the harness (run-vm.sh)
# shellcheck disable=SC2034
VM_KMODS="cpuid"
# shellcheck disable=SC2034
VM_TIMEOUT=120

HV_MSG="hv_vmbus: not running on Hyper-V (no Microsoft hypervisor found); nothing to do"

# cpuid_regs LEAF: "EAX EBX ECX EDX" (hex) of CPUID LEAF, through the cpuid
# driver (its file offset selects the leaf, reads are 16 bytes per leaf)
cpuid_regs() {
	dd if=/dev/cpu/0/cpuid of=/tmp/cpuid bs=16 count=1 skip="$1" iflag=skip_bytes 2> /dev/null &&
		[ "$(wc -c < /tmp/cpuid)" -eq 16 ] &&
		hexdump -v -e '4/4 "%08x " "\n"' /tmp/cpuid | sed 's/ *$//'
}

# cpuid_str FIRST COUNT: COUNT bytes of the registers cpuid_regs read last
# from byte FIRST (EAX is 0-3, EBX 4-7, ...) as text
cpuid_str() {
	hexdump -v -s "$1" -n "$2" -e "$2/1 \"%_p\"" /tmp/cpuid
}

# module_lines: the kernel log lines from hv_vmbus itself (not the loader's)
module_lines() {
	vm_kmsg | grep '^hv_vmbus: ' | grep -v -e 'taints kernel\.$' -e 'tainting kernel$'
}

guest() {
	local regs vendor iface out rc n

	# 1. no Microsoft hypervisor in sight
	if regs=$(cpuid_regs $((0x40000000))); then
		vendor=$(cpuid_str 4 12)
		vm_log "CPUID 0x40000000: $regs (vendor \"$vendor\")"
		[ "$vendor" != "Microsoft Hv" ] || vm_fail "CPUID 0x40000000 says Microsoft Hv: this is Hyper-V"
	else
		vm_fail "cannot read CPUID 0x40000000 through /dev/cpu/0/cpuid"
	fi
	if regs=$(cpuid_regs $((0x40000001))); then
		iface=$(cpuid_str 0 4)
		vm_log "CPUID 0x40000001: $regs (interface \"$iface\")"
		[ "$iface" != "Hv#1" ] || vm_fail "CPUID 0x40000001 says Hv#1: a Hyper-V interface"
	else
		vm_fail "cannot read CPUID 0x40000001 through /dev/cpu/0/cpuid"
	fi
	vm_log "hypervisor CPU flag: $(grep -q '^flags.* hypervisor' /proc/cpuinfo && echo set || echo clear); kernel: $(vm_kmsg | grep 'Hypervisor detected' || echo 'no hypervisor detected')"
	if vm_kmsg | grep -q 'Hypervisor detected: Microsoft'; then
		vm_fail "the kernel detected Microsoft Hyper-V"
	fi

	# 2. the load fails with ENODEV
	out=$(insmod /lib/hvlis/hv_vmbus.ko 2>&1)
	rc=$?
	vm_log "insmod /lib/hvlis/hv_vmbus.ko: status $rc: $out"
	if [ "$rc" -eq 0 ]; then
		vm_fail "insmod hv_vmbus.ko succeeded outside Hyper-V"
	elif ! echo "$out" | grep -q 'No such device'; then
		vm_fail "insmod hv_vmbus.ko failed, but not with No such device: $out"
	fi

	# 3. nothing left behind
	if lsmod | grep -q '^hv_vmbus '; then
		vm_fail "lsmod lists hv_vmbus after the failed load"
		lsmod | vm_detail "lsmod:"
	fi
	[ ! -e /sys/module/hv_vmbus ] || vm_fail "/sys/module/hv_vmbus exists after the failed load"
	if [ -e /sys/bus/vmbus ]; then
		vm_fail "/sys/bus/vmbus exists"
		find /sys/bus/vmbus -maxdepth 2 | vm_detail "/sys/bus/vmbus:"
	fi

	# 4. exactly one line of its own in the kernel log, the expected one
	n=$(module_lines | wc -l)
	if [ "$n" -ne 1 ]; then
		vm_fail "hv_vmbus wrote $n kernel log lines, expected exactly 1"
	elif [ "$(module_lines)" != "$HV_MSG" ]; then
		vm_fail "unexpected hv_vmbus kernel log line: $(module_lines)"
	fi
	vm_kmsg | grep 'hv_vmbus' | vm_detail "kernel log lines naming hv_vmbus:"
}

# host side: the serial log has the module's line exactly once, as a kernel
# console line ("[    5.123456] hv_vmbus: ...")
check_log() {
	local n
	n=$(grep -c -E '^\[ *[0-9]+\.[0-9]+\] hv_vmbus: not running on Hyper-V \(no Microsoft hypervisor found\); nothing to do$' "$1")
	if [ "$n" -ne 1 ]; then
		echo "the serial console shows the hv_vmbus ENODEV line $n times, expected once"
		grep -n 'hv_vmbus' "$1"
		return 1
	fi
	if grep -q 'Hypervisor detected: Microsoft' "$1"; then
		echo "the kernel detected Microsoft Hyper-V"
		return 1
	fi
}
