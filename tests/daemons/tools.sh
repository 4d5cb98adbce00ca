# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by tests/daemons/run.sh (step "tools"): lsvmbus's options, and
# hvlis-status (the ASan/UBSan build) against fake root trees (--root) in
# every state it reports: hvlis installed for a kernel, not built, a failed
# build with a log (the hooks' copy and DKMS's make.log), initramfs images
# with and without hvlis's hv_vmbus, modprobe resolving to the
# distribution's file, built-in modules, no modules.dep, no initramfs
# lister, loaded modules matched by srcversion. Each case checks the text,
# the JSON (python3 -m json.tool and jq) and the exit status.
#
# The module files are small ELF objects with a .modinfo section, which
# modinfo reads like a real module's; an initramfs image is the listing a
# fake lsinitramfs (first in PATH) prints.

# B, top and SAN come from run.sh
# shellcheck disable=SC2154
T=$B/status
# hvlis-status reports on every module of modules/modules.list and checks
# the initramfs for its boot modules, so the fake trees carry all of them
MODS=$("$top/modules/modules-list.sh" names)
BOOT_MODS=$("$top/modules/modules-list.sh" boot)
# srcv PREFIX MODULE: a fake srcversion, e.g. DISTRO hv_vmbus -> DISTROVMBUS
srcv() { local n=${2#hv_}; echo "$1${n^^}"; }
# boot_paths DIR [EXCEPT]: DIR/<module>.ko for each boot module but EXCEPT
boot_paths() {
	local m
	for m in $BOOT_MODS; do
		[ "$m" = "${2:-}" ] || echo "$1/$m.ko"
	done
}
ST=""		# the hvlis-status under test
ST_OUT=""	# its stdout
ST_RC=0		# its exit status

# fake_ko FILE NAME SRCVERSION
fake_ko() {
	mkdir -p "$(dirname "$1")"
	printf 'srcversion=%s\0name=%s\0' "$3" "$2" > "$T/modinfo.bin"
	objcopy --add-section .modinfo="$T/modinfo.bin" "$T/empty.o" "$1"
}

# fake_kernel ROOT REL: a kernel with the distribution's copy of every
# module hvlis builds, and headers; modules.dep resolves to the distribution's
fake_kernel() {
	local m=$1/lib/modules/$2 k
	for k in $MODS; do
		fake_ko "$m/kernel/drivers/hv/$k.ko" "$k" "$(srcv DISTRO "$k")"
		echo "kernel/drivers/hv/$k.ko:"
	done > "$T/dep.tmp"
	mkdir -p "$m/build/include"
	mv "$T/dep.tmp" "$m/modules.dep"
}

# fake_dkms_added ROOT: hvlis 0.1.0 added to DKMS
fake_dkms_added() {
	mkdir -p "$1/var/lib/dkms/hvlis/0.1.0/source"
	: > "$1/var/lib/dkms/hvlis/0.1.0/source/dkms.conf"
}

# fake_dkms_installed ROOT REL: built and installed for REL, as DKMS does it
fake_dkms_installed() {
	local d=$1/var/lib/dkms/hvlis m=$1/lib/modules/$2
	local k
	fake_dkms_added "$1"
	for k in $MODS; do
		fake_ko "$d/0.1.0/$2/x86_64/module/$k.ko" "$k" "$(srcv HVLIS "$k")"
		fake_ko "$m/updates/dkms/$k.ko" "$k" "$(srcv HVLIS "$k")"
		echo "updates/dkms/$k.ko:"
	done > "$T/dep.tmp"
	mv "$T/dep.tmp" "$m/modules.dep"
	ln -s "0.1.0/$2/x86_64" "$d/kernel-$2-x86_64"
}

# fake_image ROOT REL PATH...: an initramfs holding lib/modules/REL/PATH...,
# listed as lsinitramfs does (paths), or with IMG_LONG=1 as lsinitrd does
# (ls -l lines)
fake_image() {
	local r=$1 rel=$2 p pre=""
	shift 2
	[ "${IMG_LONG:-0}" = 1 ] && pre="-rw-r--r--   1 root     root       123456 Jan  1 00:00 "
	mkdir -p "$r/boot"
	{
		echo "${pre}usr/lib/modules/$rel"
		for p in "$@"; do echo "${pre}usr/lib/modules/$rel/$p"; done
		echo "${pre}usr/bin/busybox"
	} > "$r/boot/initrd.img-$rel"
}

# fake_running ROOT REL [MODULE SRCVERSION]...: REL runs, with those modules loaded
fake_running() {
	local r=$1
	mkdir -p "$r/proc/sys/kernel"
	echo "$2" > "$r/proc/sys/kernel/osrelease"
	shift 2
	while [ $# -ge 2 ]; do
		mkdir -p "$r/sys/module/$1"
		echo live > "$r/sys/module/$1/initstate"
		echo "$2" > "$r/sys/module/$1/srcversion"
		shift 2
	done
}

# st NAME ARGS...: run hvlis-status, keep stdout and the exit status; the
# --json variant must be valid JSON with the same status
st() {
	local name=$1
	shift
	ST_OUT=$(PATH=$T/bin "$ST" "$@" 2> "$T/$name.err")
	ST_RC=$?
	printf '%s\n' "$ST_OUT" > "$T/$name.txt"
	PATH=$T/bin "$ST" --json "$@" > "$T/$name.json" 2>> "$T/$name.err"
	local jrc=$?
	if [ -s "$T/$name.err" ]; then
		fail "tools/status-$name-stderr" "$(head -c 600 "$T/$name.err" | tr '\n' ' ')"
	elif [ "$jrc" != "$ST_RC" ] || ! python3 -m json.tool "$T/$name.json" > /dev/null 2>&1 ||
		! jq -e ".status == $ST_RC" "$T/$name.json" > /dev/null 2>&1; then
		fail "tools/status-$name-json" "exit $jrc (text: $ST_RC) or bad JSON: $(head -c 400 "$T/$name.json")"
	else
		pass "tools/status-$name-json"
	fi
}

# has NAME LINE...: the text output holds each line exactly
has() {
	local name=$1 l miss=""
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$T/$name.txt" || miss="$miss [$l]"
	done
	if [ -z "$miss" ]; then pass "tools/status-$name-text"; else
		fail "tools/status-$name-text" "missing$miss in: $(tr '\n' '|' < "$T/$name.txt")"
	fi
}

# jq_ok NAME FILTER: the JSON output satisfies FILTER
jq_ok() {
	if jq -e "$2" "$T/$1.json" > /dev/null 2>&1; then pass "tools/status-$1-jq"; else
		fail "tools/status-$1-jq" "'$2' is false for $(jq -c . "$T/$1.json" 2>&1 | head -c 600)"
	fi
}

rc_is() { # NAME WANT
	if [ "$ST_RC" = "$2" ]; then pass "tools/status-$1-exit-$2"; else
		fail "tools/status-$1-exit-$2" "exit $ST_RC: $(tail -n 4 "$T/$1.txt" | tr '\n' '|')"
	fi
}

tools_setup() {
	rm -rf "$T" && mkdir -p "$T/bin"
	echo 'int hvlis_fake;' | gcc -x c -c -o "$T/empty.o" - || return 1
	# the tools hvlis-status runs: modinfo, and an initramfs lister
	ln -s "$(command -v modinfo || echo /usr/sbin/modinfo)" "$T/bin/modinfo"
	# shellcheck disable=SC2016 # $1 is the fake lister's
	printf '#!/bin/sh\nexec /bin/cat "$1"\n' > "$T/bin/lsinitramfs"
	chmod +x "$T/bin/lsinitramfs"
}

lsvmbus_tests() {
	local l=$B/asan/lsvmbus out rc
	out=$("$l" -h 2>&1)
	rc=$?
	if [ $rc = 0 ] && echo "$out" | grep -q -- '--json'; then pass tools/lsvmbus-help; else fail tools/lsvmbus-help "exit $rc: $out"; fi
	"$l" --bogus > /dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then pass tools/lsvmbus-bad-option; else fail tools/lsvmbus-bad-option "exit $rc, want 2"; fi
	if [ -e /sys/bus/vmbus/devices ]; then
		check tools/lsvmbus-json sh -c "'$l' --json | jq -e '.devices | type == \"array\"'"
	else
		out=$("$l" 2>&1)
		rc=$?
		if [ $rc = 1 ] && [ "$out" = "lsvmbus: /sys/bus/vmbus/devices does not exist: hv_vmbus is not loaded, or this is not a Hyper-V guest" ]; then
			pass tools/lsvmbus-no-vmbus
		else fail tools/lsvmbus-no-vmbus "exit $rc: $out"; fi
	fi
}

status_usage() {
	"$ST" --bogus > /dev/null 2>&1
	ST_RC=$?
	rc_is usage-bad-option 3
	"$ST" --kernel ../x --root "$T" > /dev/null 2>&1
	ST_RC=$?
	rc_is usage-bad-kernel 3
	"$ST" --root > /dev/null 2>&1
	ST_RC=$?
	rc_is usage-no-argument 3
	ST_OUT=$("$ST" -h)
	ST_RC=$?
	rc_is usage-help 0
}

# hvlis installed for the running kernel, its initramfs has hvlis's
# hv_vmbus, hv_vmbus loaded from it; a second kernel with only the
# distribution's modules and no headers
status_installed() {
	local r=$T/installed
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	# shellcheck disable=SC2046
	fake_image "$r" 6.1.0-1-amd64 $(boot_paths updates/dkms) kernel/drivers/scsi/sd_mod.ko
	fake_running "$r" 6.1.0-1-amd64 hv_vmbus HVLISVMBUS
	fake_kernel "$r" 5.10.0-9-amd64
	rm -r "$r/lib/modules/5.10.0-9-amd64/build"
	fake_dkms_added "$r"
	st installed --root "$r"
	rc_is installed 0
	has installed "kernel 6.1.0-1-amd64 (running)" "  dkms: installed (hvlis 0.1.0); headers: yes" \
		"  initramfs: /boot/initrd.img-6.1.0-1-amd64 (lsinitramfs)" \
		"  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis); initramfs: holds it" \
		"  hv_utils: modprobe loads updates/dkms/hv_utils.ko (hvlis)" \
		"kernel 5.10.0-9-amd64" "  dkms: added (hvlis 0.1.0); headers: no" "  initramfs: none" \
		"  hv_vmbus: modprobe loads kernel/drivers/hv/hv_vmbus.ko (distribution); initramfs: no image" \
		"  hv_vmbus: loaded, srcversion HVLISVMBUS, from /lib/modules/6.1.0-1-amd64/updates/dkms/hv_vmbus.ko (hvlis)" \
		"  hv_utils: not loaded" "unbound VMBus devices: not checked (--root)" "problems:" "  none" "status: 0 (ok)"
	jq_ok installed '.running_kernel == "6.1.0-1-amd64" and (.kernels | length == 2) and
		(.kernels[] | select(.release == "6.1.0-1-amd64") | .dkms == "installed" and .running and
		 .modules[0].origin == "hvlis" and .modules[0].initramfs == "holds" and .initramfs_lister == "lsinitramfs") and
		(.kernels[] | select(.release == "5.10.0-9-amd64") | .dkms == "added" and (.headers | not) and
		 .modules[0].origin == "distribution" and .modules[0].initramfs == "no image") and
		(.loaded[0] | .is_resolved and .origin == "hvlis") and .unbound_devices == null and .problems == []'
	st installed-one --root "$r" --kernel 5.10.0-9-amd64
	rc_is installed-one 0
	has installed-one "loaded: not checked (--kernel names another kernel)"
	jq_ok installed-one '[.kernels[].release] == ["5.10.0-9-amd64"] and .loaded == null'
}

# the initramfs lacks hvlis's hv_vmbus: the distribution's copy, or none
status_initramfs() {
	local r=$T/initrd-other
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	# shellcheck disable=SC2046
	fake_image "$r" 6.1.0-1-amd64 kernel/drivers/hv/hv_vmbus.ko $(boot_paths updates/dkms hv_vmbus)
	st initrd-other --root "$r"
	rc_is initrd-other 2
	has initrd-other "  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis); initramfs: holds another copy, kernel/drivers/hv/hv_vmbus.ko" \
		"status: 2 (boot-critical)" "loaded: not checked (running kernel unknown)"
	jq_ok initrd-other '.kernels[0].modules[0].initramfs == "other copy" and
		.kernels[0].modules[0].initramfs_copy == "kernel/drivers/hv/hv_vmbus.ko" and
		(.problems | length == 1) and .problems[0].level == "boot-critical" and .running_kernel == null'
	r=$T/initrd-none
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	fake_image "$r" 6.1.0-1-amd64 kernel/drivers/scsi/sd_mod.ko
	st initrd-none --root "$r"
	rc_is initrd-none 2
	has initrd-none "  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis); initramfs: lacks"
	jq_ok initrd-none '.kernels[0].modules[0].initramfs == "lacks" and .problems[0].level == "boot-critical"'
	# DKMS installed hvlis compressed (a kernel built with module
	# compression: Debian's 6.12), initramfs-tools copied it decompressed:
	# the same file, which the image holds
	r=$T/initrd-xz
	fake_kernel "$r" 6.12.9-amd64
	fake_dkms_installed "$r" 6.12.9-amd64
	for k in $MODS; do
		mv "$r/lib/modules/6.12.9-amd64/updates/dkms/$k.ko" "$r/lib/modules/6.12.9-amd64/updates/dkms/$k.ko.xz"
		echo "updates/dkms/$k.ko.xz:"
	done > "$r/lib/modules/6.12.9-amd64/modules.dep"
	# shellcheck disable=SC2046
	fake_image "$r" 6.12.9-amd64 $(boot_paths updates/dkms)
	st initrd-xz --root "$r"
	rc_is initrd-xz 0
	has initrd-xz "  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko.xz (hvlis); initramfs: holds it"
	jq_ok initrd-xz '.kernels[0].modules[0].initramfs == "holds" and (.problems | length == 0)'
	# hvlis removed, the image still holds its copy: as bad
	r=$T/initrd-stale
	fake_kernel "$r" 6.1.0-1-amd64
	fake_image "$r" 6.1.0-1-amd64 updates/dkms/hv_vmbus.ko
	st initrd-stale --root "$r"
	rc_is initrd-stale 2
	has initrd-stale "  dkms: not added; headers: yes" \
		"  hv_vmbus: modprobe loads kernel/drivers/hv/hv_vmbus.ko (distribution); initramfs: holds another copy, updates/dkms/hv_vmbus.ko"
	# the distribution's modules and a dracut image with them, listed by
	# lsinitrd: fine
	r=$T/initrd-distro
	fake_kernel "$r" 6.1.0-1-amd64
	IMG_LONG=1 fake_image "$r" 6.1.0-1-amd64 kernel/drivers/hv/hv_vmbus.ko
	mkdir -p "$r/boot" && mv "$r/boot/initrd.img-6.1.0-1-amd64" "$r/boot/initramfs-6.1.0-1-amd64.img"
	mv "$T/bin/lsinitramfs" "$T/bin/lsinitrd"
	st initrd-distro --root "$r"
	mv "$T/bin/lsinitrd" "$T/bin/lsinitramfs"
	rc_is initrd-distro 0
	has initrd-distro "  initramfs: /boot/initramfs-6.1.0-1-amd64.img (lsinitrd)" \
		"  hv_vmbus: modprobe loads kernel/drivers/hv/hv_vmbus.ko (distribution); initramfs: holds it"
}

# no lister installed: the initramfs cannot be checked
status_no_lister() {
	local r=$T/nolister
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	fake_image "$r" 6.1.0-1-amd64 kernel/drivers/hv/hv_vmbus.ko
	mv "$T/bin/lsinitramfs" "$T/lsinitramfs.off"
	st nolister --root "$r"
	mv "$T/lsinitramfs.off" "$T/bin/lsinitramfs"
	rc_is nolister 0
	has nolister "  initramfs: /boot/initrd.img-6.1.0-1-amd64 (unknown: no lsinitramfs or lsinitrd)" \
		"  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis); initramfs: unknown (no lsinitramfs or lsinitrd)"
	jq_ok nolister '.kernels[0].initramfs_lister == null and .kernels[0].modules[0].initramfs == "unknown" and .problems == []'
}

# failed builds: the hooks' copy of the log, DKMS's make.log, escapes
status_failed() {
	local r=$T/failed
	fake_kernel "$r" 6.2.0-1-amd64
	fake_dkms_added "$r"
	mkdir -p "$r/var/log/hvlis" "$r/run/hvlis"
	{
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i"; done
		printf 'error: \033[31mred\033[0m "q"\n'
	} > "$r/var/log/hvlis/make-6.2.0-1-amd64.log"
	# the compat probes' log the hooks keep with it (hvlis-kmod keep_probe_log)
	echo "fatal error: x.h: No such file or directory" > "$r/var/log/hvlis/probe-6.2.0-1-amd64.log"
	echo 6.2.0-1-amd64 > "$r/run/hvlis/autoinstall-skip"
	st failed --root "$r"
	rc_is failed 1
	has failed "  dkms: added (hvlis 0.1.0); headers: yes" \
		"  hv_vmbus: modprobe loads kernel/drivers/hv/hv_vmbus.ko (distribution); initramfs: no image" \
		"  last failed build: /var/log/hvlis/make-6.2.0-1-amd64.log" "    | line 4" "    | line 12" \
		'    | error: \x1b[31mred\x1b[0m "q"' \
		"  compat probes' log of that build: /var/log/hvlis/probe-6.2.0-1-amd64.log" \
		"  DKMS autoinstall: skipped (/run/hvlis/autoinstall-skip)" \
		"  [warning] kernel 6.2.0-1-amd64: hvlis's last build failed; log: /var/log/hvlis/make-6.2.0-1-amd64.log" \
		"  [warning] kernel 6.2.0-1-amd64: hvlis 0.1.0 is added but not installed for it" "status: 1 (warning)"
	if grep -qx '    | line 3' "$T/failed.txt"; then fail tools/status-failed-tail "more than 10 lines of the log"; else pass tools/status-failed-tail; fi
	jq_ok failed '.kernels[0].failed_build_log == "/var/log/hvlis/make-6.2.0-1-amd64.log" and
		(.kernels[0].failed_build_tail | endswith("error: \u001b[31mred\u001b[0m \"q\"") and startswith("line 4\n")) and
		.kernels[0].failed_build_probe_log == "/var/log/hvlis/probe-6.2.0-1-amd64.log" and
		.kernels[0].autoinstall_skip and (.problems | length == 3)'
	# a probe log that is a link is not named (it is not the hooks' copy)
	mv "$r/var/log/hvlis/probe-6.2.0-1-amd64.log" "$r/var/log/hvlis/elsewhere.log"
	ln -s elsewhere.log "$r/var/log/hvlis/probe-6.2.0-1-amd64.log"
	st failed-probelink --root "$r"
	jq_ok failed-probelink '.kernels[0].failed_build_log == "/var/log/hvlis/make-6.2.0-1-amd64.log" and
		.kernels[0].failed_build_probe_log == null'
	# no copy in /var/log/hvlis: DKMS's make.log, if it is about this kernel
	rm -r "$r/var/log/hvlis" "$r/run/hvlis"
	mkdir -p "$r/var/lib/dkms/hvlis/0.1.0/build"
	printf 'DKMS make.log for hvlis-0.1.0 for kernel 6.2.0-1-amd64 (x86_64)\nboom\n' > "$r/var/lib/dkms/hvlis/0.1.0/build/make.log"
	st failed-dkms --root "$r"
	rc_is failed-dkms 1
	has failed-dkms "  last failed build: /var/lib/dkms/hvlis/0.1.0/build/make.log" "    | boom"
	jq_ok failed-dkms '.kernels[0].failed_build_probe_log == null'
	sed -i 's/6.2.0-1-amd64/6.2.0-2-amd64/' "$r/var/lib/dkms/hvlis/0.1.0/build/make.log"
	st failed-other --root "$r"
	jq_ok failed-other '.kernels[0].failed_build_log == null'
}

# loaded modules: from the distribution's file, from no known file, built in;
# a kernel without modules.dep
status_loaded() {
	local r=$T/loaded
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	fake_running "$r" 6.1.0-1-amd64 hv_vmbus DISTROVMBUS hv_utils NOSUCHVERSION
	st loaded --root "$r"
	rc_is loaded 1
	has loaded "  hv_vmbus: loaded, srcversion DISTROVMBUS, from /lib/modules/6.1.0-1-amd64/kernel/drivers/hv/hv_vmbus.ko (distribution)" \
		"  hv_utils: loaded, srcversion NOSUCHVERSION, from no file under /lib/modules" \
		"  [warning] hv_vmbus is loaded from /lib/modules/6.1.0-1-amd64/kernel/drivers/hv/hv_vmbus.ko, not from the file modprobe loads now (reload it or reboot)"
	jq_ok loaded '(.loaded[0] | .origin == "distribution" and (.is_resolved | not)) and (.loaded[1] | .from == null and .loaded)'
	r=$T/builtin
	fake_kernel "$r" 6.1.0-1-amd64
	echo 'kernel/drivers/hv/hv_vmbus.ko' > "$r/lib/modules/6.1.0-1-amd64/modules.builtin"
	sed -i '/hv_vmbus.ko:/d' "$r/lib/modules/6.1.0-1-amd64/modules.dep"
	mkdir -p "$r/sys/module/hv_vmbus/parameters"
	fake_running "$r" 6.1.0-1-amd64
	fake_kernel "$r" 6.3.0-1-amd64
	rm "$r/lib/modules/6.3.0-1-amd64/modules.dep"
	st builtin --root "$r"
	# hvlis is not used for a kernel with VMBus built in: worth a look
	rc_is builtin 1
	has builtin "  hv_vmbus: modprobe loads kernel/drivers/hv/hv_vmbus.ko (builtin); initramfs: no image" \
		"  hv_vmbus: built into the kernel" "  hv_vmbus: unknown (no modules.dep); initramfs: no image" \
		"  built-in VMBus: hvlis not used for 6.1.0-1-amd64 (built into the kernel: hv_vmbus)"
	jq_ok builtin '(.loaded[0] | .builtin and .origin == "builtin") and
		(.kernels[] | select(.release == "6.3.0-1-amd64") | .modules[0].origin == "unknown")'
	# DKMS installed hvlis, but modprobe resolves elsewhere (depmod not run)
	r=$T/nodepmod
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	fake_kernel "$r" 6.1.0-1-amd64
	st nodepmod --root "$r"
	rc_is nodepmod 1
	has nodepmod "  [warning] kernel 6.1.0-1-amd64: DKMS installed hvlis, but modprobe loads hv_vmbus from kernel/drivers/hv/hv_vmbus.ko (run depmod 6.1.0-1-amd64)"
}

# A kernel with the VMBus driver built in (Debian sid's 7.2): hvlis is not
# used for it, which the text, the JSON (builtin_vmbus, builtin_modules) and
# the exit status say, with no "added but not installed" complaint; another
# kernel with hvlis installed is untouched. hvlis's modules installed for
# such a kernel anyway (an older hvlis, a build by hand): boot-critical.
status_builtin_vmbus() {
	local r=$T/bivmbus k=7.2.13+deb14-amd64
	fake_kernel "$r" 6.1.0-1-amd64
	fake_dkms_installed "$r" 6.1.0-1-amd64
	# shellcheck disable=SC2046
	fake_image "$r" 6.1.0-1-amd64 $(boot_paths updates/dkms)
	fake_kernel "$r" "$k"
	printf 'kernel/drivers/pci/controller/pci-hyperv-intf.ko\nkernel/drivers/hv/hv_vmbus.ko\n' \
		> "$r/lib/modules/$k/modules.builtin"
	sed -i '/hv_vmbus.ko:/d' "$r/lib/modules/$k/modules.dep"
	st bivmbus --root "$r"
	rc_is bivmbus 1
	has bivmbus "kernel $k" "  built-in VMBus: hvlis not used for $k (built into the kernel: hv_vmbus)" \
		"  [warning] built-in VMBus: hvlis not used for $k (built into the kernel: hv_vmbus); it keeps the distribution's drivers" \
		"  hv_vmbus: modprobe loads updates/dkms/hv_vmbus.ko (hvlis); initramfs: holds it"
	if grep -q 'but not installed' "$T/bivmbus.txt" || [ "$(grep -c '^  \[' "$T/bivmbus.txt")" != 1 ]; then
		fail tools/status-bivmbus-one-problem "$(sed -n '/^problems:/,$p' "$T/bivmbus.txt" | tr '\n' '|')"
	else
		pass tools/status-bivmbus-one-problem
	fi
	jq_ok bivmbus '(.kernels[] | select(.release == "7.2.13+deb14-amd64") | .builtin_vmbus and
		.builtin_modules == "hv_vmbus") and (.kernels[] | select(.release == "6.1.0-1-amd64") |
		(.builtin_vmbus | not) and .builtin_modules == null and .dkms == "installed") and
		(.problems | length == 1) and .status == 1'
	r=$T/bivmbus-installed
	fake_kernel "$r" "$k"
	printf 'kernel/drivers/hv/hv_vmbus.ko\n' > "$r/lib/modules/$k/modules.builtin"
	fake_dkms_installed "$r" "$k"
	st bivmbus-installed --root "$r"
	rc_is bivmbus-installed 2
	has bivmbus-installed "  [boot-critical] kernel $k has hv_vmbus built in, yet hvlis's modules are installed for it and cannot load there (remove them: dkms remove hvlis/0.1.0 -k $k)"
	jq_ok bivmbus-installed '.kernels[0].builtin_vmbus and .status == 2'
}

tools_tests() {
	ST=$B/asan/hvlis-status
	# always: make rebuilds what changed (run alone, this step would test
	# the binaries of an earlier run)
	check tools/build-asan make -s -C "$top/daemons" BUILD="$B/asan" CC=gcc CFLAGS="-O1 -g $SAN" LDFLAGS="$SAN"
	need jq jq || return
	need objcopy binutils || return
	tools_setup || { fail tools/setup "cannot make the fake module object"; return; }
	lsvmbus_tests
	status_usage
	status_installed
	status_initramfs
	status_no_lister
	status_failed
	status_loaded
	status_builtin_vmbus
}
