# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by tests/daemons/run.sh (step "stack"): no silent loss of devices.
# hvlis-kmod check-devices and activate (packaging/kernel-hooks/hvlis-kmod,
# filled in as the packages fill it in) against fake sysfs trees and fake
# module trees (--root), the depmod.d file activate writes run through the
# real depmod, and what hvlis-status (ASan/UBSan build, from tools.sh) says
# about each state. Also the one device-class table: the generator of the
# daemons' C table refuses a malformed list, and every class hvlis says it
# drives is in the id table of that hvlis module's source.

# B, top, ST and the helpers (pass, fail, fake_ko, st, has, jq_ok, rc_is) come
# from run.sh and tools.sh
# shellcheck disable=SC2154
S=$B/stack
KMOD=$S/hvlis-kmod
REL=6.1.0-9-amd64
G_NET='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
G_SCSI='{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}'
G_KVP='{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}'
G_PCI='{44c4f61d-4444-4400-9d52-802e27ede19f}'
G_KBD='{f912ad6d-2b17-48ea-bd65-f927a61c7684}'
I_PCI='{00112233-4455-6677-8899-aabbccddeeff}'
I_KBD='{d34b2567-b9b6-42b9-8778-0a4ec0b955bf}'
OUT=""	# the last run's stdout and stderr
RC=0

# stack_root NAME: a root with hvlis 0.1.0's sources (the module list and the
# class table, as /usr/src/hvlis-<ver>/modules/ has them), one kernel with
# the distribution's copy of each module and DKMS's, and an empty vmbus bus
stack_root() {
	local r=$S/$1 m k dir
	rm -rf "$r"
	mkdir -p "$r/usr/src/hvlis-0.1.0/modules" "$r/sys/bus/vmbus/devices" "$r/sys/bus/vmbus/drivers"
	cp "$top/modules/modules.list" "$top/modules/modules-list.sh" "$top/modules/vmbus-classes.list" \
		"$r/usr/src/hvlis-0.1.0/modules/"
	m=$r/lib/modules/$REL
	for k in $MODS; do
		case $k in
		hv_storvsc) dir=kernel/drivers/scsi ;;
		hv_netvsc) dir=kernel/drivers/net/hyperv ;;
		*) dir=kernel/drivers/hv ;;
		esac
		fake_ko "$m/$dir/$k.ko" "$k" "$(srcv DISTRO "$k")"
		fake_ko "$m/updates/dkms/$k.ko" "$k" "$(srcv HVLIS "$k")"
	done
	echo "$r"
}

# vmdev SYSFS NAME CLASS INSTANCE [DRIVER]: a VMBus device in a fake sysfs
vmdev() {
	local d=$1/bus/vmbus/devices/$2
	mkdir -p "$d"
	echo "$3" > "$d/class_id"
	echo "$4" > "$d/device_id"
	if [ -n "${5:-}" ]; then
		mkdir -p "$1/bus/vmbus/drivers/$5"
		ln -s "../../drivers/$5" "$d/driver"
	fi
}

# kmod_run ROOT CMD [ARGS]: hvlis-kmod CMD --root ROOT ARGS; sets OUT and RC
kmod_run() {
	local r=$1 c=$2
	shift 2
	OUT=$(sh "$KMOD" "$c" --root "$r" "$@" 2>&1)
	RC=$?
}

# expect NAME RC TEXT...: the last run exited RC and printed each TEXT (a
# fixed string somewhere in its output)
expect() {
	local name=$1 want=$2 t miss=""
	shift 2
	for t in "$@"; do
		printf '%s\n' "$OUT" | grep -qF -- "$t" || miss="$miss [$t]"
	done
	if [ "$RC" = "$want" ] && [ -z "$miss" ]; then pass "stack/$name"; else
		fail "stack/$name" "exit $RC (want $want), missing$miss in: $(printf '%s' "$OUT" | tr '\n' '|' | head -c 900)"
	fi
}

# resolves NAME ROOT DIR: with ROOT's depmod.d, depmod (the real one) makes
# every hvlis module of ROOT's kernel resolve into DIR (updates/dkms or kernel/)
resolves() {
	local name=$1 r=$2 want=$3 got
	mkdir -p "$r/etc/depmod.d"
	depmod -b "$r" -C "$r/etc/depmod.d" "$REL" 2> /dev/null
	got=$(cut -d: -f1 "$r/lib/modules/$REL/modules.dep" | sort | tr '\n' ' ')
	if [ -n "$got" ] && ! printf '%s\n' "$got" | tr ' ' '\n' | grep . | grep -qv "^$want/"; then
		pass "stack/$name-depmod"
	else
		fail "stack/$name-depmod" "modules.dep has [$got], want every module under $want/"
	fi
}

stack_setup() {
	rm -rf "$S" && mkdir -p "$S"
	sed -e "s/@HVLIS_BOOT_MODULES@/$(echo "$BOOT_MODS" | xargs)/g" -e 's/@HVLIS_VERSION@/0.1.0/g' \
		"$top/packaging/kernel-hooks/hvlis-kmod" > "$KMOD"
}

# a VM with only devices hvlis drives: hvlis becomes active
stack_supported() {
	local r
	r=$(stack_root supported)
	vmdev "$r/sys" dev-net "$G_NET" '{11111111-0000-4000-8000-000000000001}' hv_netvsc
	vmdev "$r/sys" dev-scsi "$G_SCSI" '{11111111-0000-4000-8000-000000000002}' hv_storvsc
	vmdev "$r/sys" dev-kvp "$G_KVP" '{11111111-0000-4000-8000-000000000003}'
	kmod_run "$r" check-devices
	expect supported-check 0 "hvlis may be the active stack: every VMBus device has an hvlis driver" \
		"Synthetic network adapter (class $G_NET, instance {11111111-0000-4000-8000-000000000001}: hvlis driver hv_netvsc)"
	kmod_run "$r" activate
	expect supported-activate 0 "every VMBus device has an hvlis driver"
	if [ -e "$r/etc/depmod.d/hvlis-inactive.conf" ]; then
		fail stack/supported-no-override "activate wrote $r/etc/depmod.d/hvlis-inactive.conf"
	else pass stack/supported-no-override; fi
	resolves supported "$r" updates/dkms
	st stack-supported --root "$r"
	has stack-supported "stack: active (no /etc/depmod.d/hvlis-inactive.conf)"
	jq_ok stack-supported '.stack.active == true and .stack.inactive_reason == null'
}

# PCI pass-through and a synthetic keyboard: hvlis stays inactive, the
# message names both devices, depmod prefers the distribution's modules,
# hvlis-status says so; then the administrator's opt-in activates it
stack_refused() {
	local r reason
	r=$(stack_root refused)
	vmdev "$r/sys" dev-net "$G_NET" '{11111111-0000-4000-8000-000000000001}' hv_netvsc
	vmdev "$r/sys" "$I_PCI" "$G_PCI" "$I_PCI" hv_pci
	vmdev "$r/sys" dev-kbd "$G_KBD" "$I_KBD"
	kmod_run "$r" check-devices
	expect refused-check 1 "hvlis stays INACTIVE, the distribution's drivers stay active: 2 VMBus device(s) have no hvlis driver and would be lost" \
		"PCI express pass-through $I_PCI" "Synthetic keyboard $I_KBD" \
		"lost if hvlis is active: PCI express pass-through (class $G_PCI, instance $I_PCI; the distribution drives it with hv_pci)" \
		"lost if hvlis is active: Synthetic keyboard (class $G_KBD, instance $I_KBD; the distribution drives it with hyperv_keyboard)" \
		"set ACTIVATE=force in /etc/hvlis/hvlis.conf"
	kmod_run "$r" activate
	expect refused-activate 1 "hvlis stays INACTIVE"
	if grep -qxF "override hv_vmbus * kernel/drivers/hv" "$r/etc/depmod.d/hvlis-inactive.conf" 2> /dev/null &&
		grep -qxF "override hv_storvsc * kernel/drivers/scsi" "$r/etc/depmod.d/hvlis-inactive.conf" &&
		grep -q "^# hvlis-inactive: 2 VMBus device(s) .*PCI express pass-through $I_PCI" "$r/etc/depmod.d/hvlis-inactive.conf"; then
		pass stack/refused-override
	else
		fail stack/refused-override "$(tr '\n' '|' < "$r/etc/depmod.d/hvlis-inactive.conf" 2>&1)"
	fi
	resolves refused "$r" kernel
	# a second run changes nothing
	cp -p "$r/etc/depmod.d/hvlis-inactive.conf" "$S/inactive.before"
	kmod_run "$r" activate
	if [ "$RC" = 1 ] && cmp -s "$S/inactive.before" "$r/etc/depmod.d/hvlis-inactive.conf"; then
		pass stack/refused-idempotent
	else fail stack/refused-idempotent "exit $RC, or the file changed"; fi
	# hvlis-status: inactive, why, and no "run depmod" advice for it
	fake_dkms_installed "$r" "$REL"
	depmod -b "$r" -C "$r/etc/depmod.d" "$REL" 2> /dev/null
	reason=$(sed -n 's/^# hvlis-inactive: //p' "$r/etc/depmod.d/hvlis-inactive.conf")
	st stack-refused --root "$r" --kernel "$REL"
	rc_is stack-refused 1
	has stack-refused "stack: inactive (/etc/depmod.d/hvlis-inactive.conf): $reason" \
		"  [warning] hvlis is inactive, the distribution's drivers are used: $reason"
	if grep -q "run depmod" "$T/stack-refused.txt" 2> /dev/null; then
		fail stack/refused-status-no-depmod-advice "$(grep "run depmod" "$T/stack-refused.txt")"
	else pass stack/refused-status-no-depmod-advice; fi
	jq_ok stack-refused ".stack.active == false and (.stack.inactive_reason | contains(\"$I_PCI\"))"

	# the administrator opts in
	mkdir -p "$r/etc/hvlis"
	printf '# mine\nACTIVATE = "force"   # we know\n' > "$r/etc/hvlis/hvlis.conf"
	kmod_run "$r" activate
	expect forced-activate 0 "hvlis may be the active stack: ACTIVATE=force in $r/etc/hvlis/hvlis.conf, although 2 VMBus device(s) have no hvlis driver: " \
		"PCI express pass-through $I_PCI" "Synthetic keyboard $I_KBD"
	if [ -e "$r/etc/depmod.d/hvlis-inactive.conf" ]; then
		fail stack/forced-override-gone "hvlis-inactive.conf is still there"
	else pass stack/forced-override-gone; fi
	resolves forced "$r" updates/dkms
	st stack-forced --root "$r" --kernel "$REL"
	has stack-forced "stack: active (no /etc/depmod.d/hvlis-inactive.conf)"
	jq_ok stack-forced '.stack.active == true'
}

# the other settings, other devices, bad input
stack_edges() {
	local r
	r=$(stack_root edges)
	rm -rf "$r/sys"
	kmod_run "$r" check-devices
	expect no-vmbus 0 "no VMBus devices in $r/sys (not a Hyper-V guest, or a chroot): nothing to lose"
	mkdir -p "$r/etc/hvlis"
	echo "ACTIVATE=never" > "$r/etc/hvlis/hvlis.conf"
	kmod_run "$r" activate
	expect never 1 "hvlis stays INACTIVE, the distribution's drivers stay active: ACTIVATE=never in $r/etc/hvlis/hvlis.conf"
	resolves never "$r" kernel
	echo "ACTIVATE=yes" > "$r/etc/hvlis/hvlis.conf"
	kmod_run "$r" activate
	expect bad-setting 0 "ACTIVATE=yes is not auto, force or never; taken as auto" "hvlis may be the active stack"
	resolves bad-setting "$r" updates/dkms
	rm -f "$r/etc/hvlis/hvlis.conf"
	# --sysfs: a class not in the table, bound to a driver that is not
	# hvlis's, is lost; bound to hvlis's own driver or to none, it is not
	vmdev "$S/sysfs2" x '{0badc0de-0000-4000-8000-000000000001}' '{22222222-0000-4000-8000-000000000001}' hv_sock
	vmdev "$S/sysfs2" y '{0badc0de-0000-4000-8000-000000000002}' '{22222222-0000-4000-8000-000000000002}' hv_utils
	vmdev "$S/sysfs2" z '{0badc0de-0000-4000-8000-000000000003}' '{22222222-0000-4000-8000-000000000003}'
	kmod_run "$r" check-devices --sysfs "$S/sysfs2"
	expect unknown-class 1 "1 VMBus device(s) have no hvlis driver and would be lost: Unknown device class {22222222-0000-4000-8000-000000000001}" \
		"no driver will bind: Unknown device class (class {0badc0de-0000-4000-8000-000000000003}"
	kmod_run "$r" check-devices --classes "$S/nonexistent"
	expect no-table 2 "cannot read the device class table $S/nonexistent"
	kmod_run "$r" check-devices --bogus
	expect bad-option 2 "unknown option '--bogus'"
	OUT=$(sh "$KMOD" check-devices --root 2>&1)
	RC=$?
	expect no-argument 2 "--root needs an argument"
}

# the table itself
stack_table() {
	local out rc m g guid
	out=$(printf '{f8615163-df3e-46c5-913f-f2d2f965ed0}\thv_netvsc\thv_netvsc\tShort GUID\n' |
		awk -f "$top/daemons/tools/vmbus_classes.awk" 2>&1)
	rc=$?
	if [ $rc != 0 ] && printf '%s' "$out" | grep -q "bad class GUID"; then pass stack/table-bad-guid; else
		fail stack/table-bad-guid "exit $rc: $out"; fi
	out=$(printf '{f8615163-df3e-46c5-913f-f2d2f965ed0e}\thv_netvsc\tx\n' | awk -f "$top/daemons/tools/vmbus_classes.awk" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then pass stack/table-short-line; else fail stack/table-short-line "exit 0: $out"; fi
	# every class the table gives to an hvlis module is used by that module's
	# sources (HVLIS_GUID_* names, spelled out from vmbus_proto.h), and every
	# class such a module uses is given to it by the table
	awk '/^#define HVLIS_GUID_[A-Z0-9]+[ \t]+HVLIS_GUID\(/ { n = $2; l = $0; getline; l = l $0
		gsub(/[\\ \t]/, "", l); sub(/.*HVLIS_GUID\(/, "", l); sub(/\).*/, "", l)
		split(l, p, ","); for (i in p) sub(/^0x/, "", p[i])
		printf "%s {%08s-%04s-%04s-%s%s-%s%s%s%s%s%s}\n", n, p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11] }' \
		"$top/modules/include/hvlis/vmbus_proto.h" | tr ' ' '0' | sed 's/0{/ {/' > "$S/guids"
	: > "$S/table-check"
	# shellcheck disable=SC2013 # module names and GUIDs have no blanks
	for m in $(awk '{ sub(/#.*/, "") } NF >= 4 && $2 != "-" { print $2 }' "$top/modules/vmbus-classes.list" | sort -u); do
		# hvsim's echo device: its driver is a test module, not in modules/
		[ "$m" = hvlis_echo ] && continue
		# shellcheck disable=SC2013
		for g in $(grep -ho 'HVLIS_GUID_[A-Z0-9]*' "$top/modules/$m"/*.c | sort -u); do
			guid=$(awk -v n="$g" '$1 == n { print $2 }' "$S/guids")
			awk -v c="$guid" -v m="$m" '$1 == c && $2 == m { ok = 1 } END { exit !ok }' "$top/modules/vmbus-classes.list" ||
				echo "$m uses $g ($guid), which vmbus-classes.list does not give to $m" >> "$S/table-check"
		done
		# shellcheck disable=SC2013
		for guid in $(awk -v m="$m" '$2 == m { print $1 }' "$top/modules/vmbus-classes.list"); do
			g=$(awk -v c="$guid" '$2 == c { print $1 }' "$S/guids")
			{ [ -n "$g" ] && grep -q "$g\b" "$top/modules/$m"/*.c; } ||
				echo "vmbus-classes.list gives $guid to $m, whose sources do not use it (${g:-no HVLIS_GUID_ for it})" >> "$S/table-check"
		done
	done
	if [ "$(wc -l < "$S/guids")" -ge 15 ] && [ ! -s "$S/table-check" ]; then pass stack/table-matches-modules; else
		fail stack/table-matches-modules "$(wc -l < "$S/guids") GUIDs read; $(tr '\n' '|' < "$S/table-check")"
	fi
}

# Kernels with the VMBus driver (or another hvlis module) built in: hvlis-kmod
# check-builtin and dkms.conf (sourced as DKMS sources it, with kernelver
# and kernel_source_dir set, its /lib/modules pointed at the fake root) give
# the same answer for each kernel: refused (DKMS's BUILD_EXCLUSIVE_KERNEL
# then matches no release, so DKMS skips the kernel) or not (the release
# matches as before). The kernel's modules.builtin decides; a kernel with
# headers only is judged by its .config (7.x: CONFIG_HYPERV_VMBUS; before:
# CONFIG_HYPERV).
stack_builtin() {
	local r k want how got ex m
	r=$(stack_root builtin)
	# release, expected (refused: the modules named; ok: -), how
	while read -r k want how; do
		m=$r/lib/modules/$k
		mkdir -p "$m"
		case $how in
		builtin:*) tr ',' '\n' <<< "${how#builtin:}" > "$m/modules.builtin" ;;
		config:*)
			mkdir -p "$m/build/include"
			tr ',' '\n' <<< "${how#config:}" > "$m/build/.config"
			;;
		esac
		OUT=$(sh "$KMOD" check-builtin "$k" --root "$r" 2>&1)
		RC=$?
		if [ "$want" = - ]; then
			expect "builtin-$k" 0 "kernel $k has no hvlis module built in: hvlis may be used for it"
		else
			expect "builtin-$k" 1 "built-in VMBus: hvlis not used for $k (built into the kernel: ${want//,/ })"
		fi
		got=$(kernelver=$k kernel_source_dir=$m/build bash -c \
			'eval "$(sed "s|/lib/modules/|$1/lib/modules/|g" "$2")" && [[ $kernelver =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo builds || echo skipped' \
			_ "$r" "$top/dkms.conf" 2>&1)
		ex=builds
		[ "$want" = - ] || ex=skipped
		if [ "$got" = "$ex" ]; then pass "stack/builtin-$k-dkms-conf-$ex"; else
			fail "stack/builtin-$k-dkms-conf-$ex" "dkms.conf says: $got"
		fi
	done <<- 'EOT'
		7.2.13+deb14-amd64 hv_vmbus builtin:kernel/drivers/pci/controller/pci-hyperv-intf.ko,kernel/drivers/hv/hv_vmbus.ko
		6.1.0-9-amd64 - builtin:kernel/fs/ext4/ext4.ko,kernel/drivers/hv/hv_balloon.ko
		6.13.0-1-amd64 hv_vmbus,hv_storvsc builtin:kernel/drivers/hv/hv_vmbus.ko,kernel/drivers/scsi/hv_storvsc.ko
		7.3.0-1-amd64 hv_vmbus config:CONFIG_HYPERV=y,CONFIG_HYPERV_VMBUS=y,CONFIG_HYPERV_STORAGE=m
		7.3.0-2-amd64 - config:CONFIG_HYPERV=y,CONFIG_HYPERV_VMBUS=m,CONFIG_HYPERV_UTILS=m
		7.3.0-3-amd64 - config:CONFIG_HYPERV=y,# CONFIG_HYPERV_VMBUS is not set
		5.4.0-1-generic hv_vmbus,hv_netvsc config:CONFIG_HYPERV=y,CONFIG_HYPERV_NET=y
		5.4.0-2-generic - config:CONFIG_HYPERV=m,CONFIG_HYPERV_NET=m
	EOT
	OUT=$(sh "$KMOD" check-builtin ../x --root "$r" 2>&1)
	RC=$?
	expect builtin-bad-release 2 "bad kernel release '../x'"
}

stack_tests() {
	need depmod kmod || return
	need jq jq || return
	need objcopy binutils || return
	ST=$B/asan/hvlis-status
	[ -x "$ST" ] || check stack/build-asan make -s -C "$top/daemons" BUILD="$B/asan" CC=gcc CFLAGS="-O1 -g $SAN" LDFLAGS="$SAN"
	[ -e "$T/empty.o" ] || tools_setup || { fail stack/setup "cannot make the fake module object"; return; }
	stack_setup
	stack_supported
	stack_refused
	stack_edges
	stack_table
	stack_builtin
}
