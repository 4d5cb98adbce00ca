# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# lib.sh - shared by prep-vm.sh, run-vm.sh and modinfo-check.sh (sourced,
# bash).  Knows where things are, which kernel release the VM tests use, how
# to build the project's modules for it, and how to run one scenario in a VM
# and judge it (vm_run_scenario).  See README.md for the scenario convention.

# extended patterns (vm_qemu strips terminal controls with one)
shopt -s extglob

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
VM_TOP=$(cd "$VM_DIR/../.." && pwd -P)
VM_CACHE=${HVLIS_VM_CACHE:-/var/cache/hvlis/vm}
# the matrix's kernel build trees (tests/matrix/prep-ktrees.sh)
VM_KTREES=${HVLIS_KTREES:-/var/cache/hvlis/ktrees}
# Another kernel than the default 6.1 gets its own output directory, so its
# logs never mix with the default kernel's: tests/build/vm-LABEL
if [ -n "${HVLIS_VM_KERNEL:-}" ]; then
	VM_OUT=${HVLIS_VM_OUT:-$VM_TOP/tests/build/vm-$(basename "$HVLIS_VM_KERNEL")}
else
	VM_OUT=${HVLIS_VM_OUT:-$VM_TOP/tests/build/vm}
fi
# Bump when the way prep-vm.sh prepares a kernel changes: invalidates stamps.
# shellcheck disable=SC2034 # used by prep-vm.sh
VM_RECIPE=1
VM_MARKER='HVLIS-VM-RESULT:'
# more QEMU options for vm_qemu (the systemd scenarios' disks)
VM_QEMU_EXTRA=()
VM_DEFAULT_TIMEOUT=${HVLIS_VM_TIMEOUT:-120}
# A serial log containing any of these fails the scenario, whatever the
# guest said.  (Debian's kernel has no lockdep: the lock patterns only fire
# on a debug kernel, but they cost nothing.)
VM_BAD_PATTERNS=(
	'Oops'
	'BUG:'
	'kernel BUG at'
	'WARNING:'
	'general protection'
	'Call Trace'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'blocked for more than'
	'rcu_sched self-detected stall'
	'rcu: INFO:'
	'UBSAN:'
	'Kernel panic'
	'unable to handle'
)

vm_say() { echo "$(basename "$0" .sh): $*" >&2; }

# vm_release: the kernel release the VM tests use: $HVLIS_VM_KREL, else the
# newest 6.1.0-N-amd64 whose headers are installed in /usr/src.
vm_release() {
	if [ -n "${HVLIS_VM_KREL:-}" ]; then
		echo "$HVLIS_VM_KREL"
		return 0
	fi
	local d best=
	for d in /usr/src/linux-headers-6.1.0-*-amd64; do
		[ -f "$d/Makefile" ] || continue
		d=${d#/usr/src/linux-headers-}
		best=$(printf '%s\n%s\n' "$best" "$d" | sed '/^$/d' | sort -V | tail -n 1)
	done
	[ -n "$best" ] || return 1
	echo "$best"
}

# vm_kernel_select: which kernel the VM tests boot, from HVLIS_VM_KERNEL
# (else HVLIS_VM_KREL, else the default 6.1).  HVLIS_VM_KERNEL is one of
#   - a directory with a kernel of one's own (see README.md): the image
#     (vmlinux, vmlinuz, bzImage or boot/vmlinuz-REL), its modules in
#     lib/modules/REL (as `make modules_install INSTALL_MOD_PATH=DIR` leaves
#     them) and its build tree in build (else lib/modules/REL/build);
#   - a tree name of the matrix (debian-5.10, debian-6.1, debian-6.12,
#     debian-sid) or the release of one (VM_KTREES/trees.list): Debian's
#     image package of exactly that release and version;
#   - a release whose headers are installed on the host (/usr/src).
# Sets VM_KSEL_KIND (host, ktree or dir), VM_KSEL_REL, VM_KSEL_KDIR (the
# build tree), VM_KSEL_DIR (the kernel's cache directory), VM_KSEL_SRC (the
# directory of a dir kernel), VM_KSEL_VERSION (the package version; for a
# dir kernel a checksum of its image).  Fails with a message on stderr.
# shellcheck disable=SC2034 # VM_KSEL_* are read by prep-vm.sh and run-vm.sh
vm_kernel_select() {
	local k=${HVLIS_VM_KERNEL:-${HVLIS_VM_KREL:-}} d n line
	VM_KSEL_KIND="" VM_KSEL_REL="" VM_KSEL_KDIR="" VM_KSEL_DIR="" VM_KSEL_SRC="" VM_KSEL_VERSION=""
	if [ -z "$k" ]; then
		VM_KSEL_REL=$(vm_release) || {
			echo "no kernel headers: install linux-headers-6.1.0-N-amd64 or set HVLIS_VM_KERNEL" >&2
			return 1
		}
		k=$VM_KSEL_REL
	fi
	if [[ $k == */* ]]; then
		[ -d "$k" ] || { echo "HVLIS_VM_KERNEL=$k: no such directory" >&2; return 1; }
		VM_KSEL_KIND=dir
		VM_KSEL_SRC=$(cd "$k" && pwd -P)
		n=0
		for d in "$VM_KSEL_SRC"/lib/modules/*/; do
			[ -d "$d" ] || continue
			VM_KSEL_REL=$(basename "$d")
			n=$((n + 1))
		done
		[ "$n" = 1 ] || {
			echo "HVLIS_VM_KERNEL=$k: want exactly one lib/modules/RELEASE in it, found $n" >&2
			return 1
		}
		for d in "$VM_KSEL_SRC/build" "$VM_KSEL_SRC/lib/modules/$VM_KSEL_REL/build"; do
			if [ -f "$d/Makefile" ]; then
				VM_KSEL_KDIR=$(cd "$d" && pwd -P)
				break
			fi
		done
		[ -n "$VM_KSEL_KDIR" ] || {
			echo "HVLIS_VM_KERNEL=$k: no build tree (build/ or lib/modules/$VM_KSEL_REL/build)" >&2
			return 1
		}
		VM_KSEL_DIR="$VM_CACHE/dir-$(printf '%s' "$VM_KSEL_SRC" | cksum | cut -d' ' -f1)-$VM_KSEL_REL"
		return 0
	fi
	if [ -f "/usr/src/linux-headers-$k/Makefile" ] &&
		dpkg-query -W -f '${Version}' "linux-headers-$k" > /dev/null 2>&1; then
		VM_KSEL_KIND=host
		VM_KSEL_REL=$k
		VM_KSEL_KDIR=$(vm_kdir "$k")
		VM_KSEL_VERSION=$(dpkg-query -W -f '${Version}' "linux-headers-$k")
	elif line=$(awk -v k="$k" '$1 == k || $3 == k { print; exit }' "$VM_KTREES/trees.list" 2> /dev/null) &&
		[ -n "$line" ]; then
		read -r n d VM_KSEL_REL <<< "$line"
		# debian-6.1 is installed on the host
		if [ -f "/usr/src/linux-headers-$VM_KSEL_REL/Makefile" ] &&
			dpkg-query -W -f '${Version}' "linux-headers-$VM_KSEL_REL" > /dev/null 2>&1; then
			VM_KSEL_KIND=host
			VM_KSEL_KDIR=$(vm_kdir "$VM_KSEL_REL")
			VM_KSEL_VERSION=$(dpkg-query -W -f '${Version}' "linux-headers-$VM_KSEL_REL")
		else
			VM_KSEL_KIND=ktree
			VM_KSEL_KDIR=$d
			VM_KSEL_VERSION=$(sed -n "s/^key linux-headers-$VM_KSEL_REL=//p" "$VM_KTREES/$n/.hvlis-stamp")
			[ -n "$VM_KSEL_VERSION" ] || {
				echo "$VM_KTREES/$n/.hvlis-stamp names no linux-headers-$VM_KSEL_REL version" >&2
				return 1
			}
		fi
	else
		echo "HVLIS_VM_KERNEL=$k: not a directory, a matrix tree ($VM_KTREES/trees.list) or installed headers" >&2
		return 1
	fi
	[ -f "$VM_KSEL_KDIR/Makefile" ] || { echo "no kernel build tree for $VM_KSEL_REL in $VM_KSEL_KDIR" >&2; return 1; }
	VM_KSEL_DIR="$VM_CACHE/$VM_KSEL_REL"
}

# vm_kdir REL: the kernel build tree for REL
vm_kdir() {
	if [ -f "/lib/modules/$1/build/Makefile" ]; then
		echo "/lib/modules/$1/build"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}

# vm_build_modules REL LOG [KDIR]: build the project's modules for REL (in the
# build tree KDIR, default vm_kdir REL), output in LOG.  The objects of a build
# for another tree are removed first: kbuild would not always notice.
vm_build_modules() {
	local kdir=${3:-} stamp="$VM_TOP/tests/build/.vm-modules-for" want
	[ -n "$kdir" ] || kdir=$(vm_kdir "$1")
	mkdir -p "$(dirname "$2")" "$VM_TOP/tests/build"
	want="$1 $(cd "$kdir" && pwd -P)"
	if [ "$(cat "$stamp" 2> /dev/null)" != "$want" ]; then
		find "$VM_TOP/modules" "$VM_TOP/tests/hvsim" "$VM_TOP/tests/drivers" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
			-o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.order' -o -name 'Module.symvers' \
			-o -name '*.a' -o -name '.*.d' \) -delete
		echo "$want" > "$stamp"
	fi
	# test-modules: the modules, then the test-only ones (tests/hvsim,
	# tests/drivers/*);
	# and the daemons, which every initramfs carries (vm_add_daemons)
	# HVLIS_TEST_HOOKS: the test-only knobs some scenarios set (ic-relay)
	make -j"$(getconf _NPROCESSORS_ONLN 2> /dev/null || echo 2)" -C "$VM_TOP" test-modules KDIR="$kdir" HVLIS_TEST_HOOKS=1 > "$2" 2>&1 &&
		make -C "$VM_TOP/daemons" >> "$2" 2>&1
}

# vm_add_daemons ROOT: the project's daemons (daemons/bin) in /usr/sbin with
# their libraries, their helper scripts in /usr/libexec/hvlis, as a package
# installs them; the ic-kvp, ic-vss and ic-fcopy scenarios start them
vm_add_daemons() {
	local d s
	for d in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon; do
		vm_add_binary "$1" "$VM_TOP/daemons/bin/$d" "/usr/sbin/$d" || return 1
	done
	mkdir -p "$1/usr/libexec/hvlis"
	for s in hv_get_dns_info hv_get_dhcp_info hv_set_ifconfig; do
		install -m 0755 "$VM_TOP/scripts/$s" "$1/usr/libexec/hvlis/$s" || return 1
	done
}

# vm_project_kos: the project's built modules, one path per line: those of
# this tree, or of the tree HVLIS_VM_MODTREE names (a copy of the sources
# where they were built, as the matrix keeps them: run-kernels.sh)
vm_project_kos() {
	local k t=${HVLIS_VM_MODTREE:-$VM_TOP}
	for k in "$t"/modules/*/*.ko "$t"/tests/hvsim/*.ko "$t"/tests/drivers/*/*.ko; do
		[ -f "$k" ] && echo "$k"
	done
	return 0
}

# vm_project_kdeps: the kernel modules the project's built modules depend on
# (modinfo's depends=, the project's own modules left out), one per line:
# modprobe would load them first, and insmod does not (hv_utils needs ptp
# where PTP is a module, as on 5.10; built-in ones are skipped by
# vm_kmod_order)
vm_project_kdeps() {
	local k own=" "
	while IFS= read -r k; do
		k=$(basename "$k" .ko)
		own="$own${k//-/_} "
	done < <(vm_project_kos)
	while IFS= read -r k; do
		modinfo -F depends "$k" 2> /dev/null | tr ',' '\n'
	done < <(vm_project_kos) | tr '-' '_' | sed '/^$/d' | sort -u | while IFS= read -r k; do
		[[ $own == *" $k "* ]] || echo "$k"
	done
}

# vm_secs START END: END - START (EPOCHREALTIME values) in seconds, 1 decimal
vm_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# vm_conf_load REL: read what prep-vm.sh recorded for REL (VM_KERNEL, ...)
vm_conf_load() {
	local conf="$VM_CACHE/$1/vm.conf"
	[ -f "$conf" ] || return 1
	# shellcheck source=/dev/null
	. "$conf"
}

# vm_accel_args: -accel options. HVLIS_VM_ACCEL=tcg (default) or kvm.  No
# automatic choice: a /dev/kvm that opens can still fail on the first vCPU
# (nested virtualisation without the MSRs QEMU sets), and TCG is the
# reference the timeouts are made for.
#
# TCG runs both vCPUs on one host thread (thread=single) unless
# HVLIS_VM_TCG_THREAD=multi: QEMU 7.2's multi-threaded TCG executes stale
# code after the guest kernel patches its own text (a static key flipped
# with int3 and text_poke), and the guest dies of an "int3" oops, a double
# fault or a soft lockup with none of our modules involved (seen on 5.10,
# 6.1 and 6.12; docs/testing.md, "The emulator").  vm/tcg-textpoke proves
# the setting.
vm_accel_args() {
	local t=${HVLIS_VM_TCG_THREAD:-single}

	case ${HVLIS_VM_ACCEL:-tcg} in
	kvm) echo "-accel kvm" ;;
	*)
		case $t in
		single | multi) echo "-accel tcg,thread=$t" ;;
		*)
			echo "vm: HVLIS_VM_TCG_THREAD must be single or multi, not '$t'" >&2
			return 1
			;;
		esac
		;;
	esac
}

# vm_kmod_order MODROOT REL NAME...: the kernel modules (paths relative to
# MODROOT/lib/modules/REL) to load for NAMEs, dependencies first.  Built-in
# modules are skipped.  A NAME the kernel does not know is looked up by
# its former name, for older kernels: crc32c_generic (what ext4 asks for
# on Debian) is crc32c in RHEL 7's 3.10 (crypto/crc32c.c).  Fails naming
# an unknown module.
vm_kmod_order() {
	local root=$1 rel=$2
	shift 2
	awk -v want="$*" -v builtin="$root/lib/modules/$rel/modules.builtin" '
	function norm(p,   b) {
		b = p; sub(/.*\//, "", b); sub(/\.ko(\.(xz|zst|gz))?$/, "", b)
		gsub(/-/, "_", b); return b
	}
	function visit(p,   n, i, d) {
		if (p in done) return
		done[p] = 1
		n = split(deps[p], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print p
	}
	BEGIN {
		while ((getline l < builtin) > 0) isbuiltin[norm(l)] = 1
		former["crc32c_generic"] = "crc32c"
	}
	{
		p = $1; sub(/:$/, "", p)
		path[norm(p)] = p
		deps[p] = ""
		for (i = 2; i <= NF; i++) deps[p] = deps[p] " " $i
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			m = w[i]; gsub(/-/, "_", m)
			if (!(m in path) && !(m in isbuiltin) && (m in former)) m = former[m]
			if (m in path) visit(path[m])
			else if (m in isbuiltin) continue
			else { print "unknown kernel module: " w[i] > "/dev/stderr"; bad = 1 }
		}
		exit bad
	}' "$root/lib/modules/$rel/modules.dep"
}

# vm_scenario_vars FILE: print the scenario's settings as shell assignments
# (sourcing it in a subshell: top level only sets variables and defines
# functions, by convention)
vm_scenario_vars() {
	(
		VM_KMODS="" VM_TIMEOUT="" VM_APPEND="" VM_QEMU_ARGS="" VM_GUEST_TOOLS="" VM_BINARIES=""
		VM_ROOTFS="" VM_END="" VM_DATA_MB="" VM_HVLIS_LOAD="" VM_MODPROBE_CONF="" VM_EXPECT_DIRTY=""
		VM_ROOT_DISK="" VM_BOOT="" VM_ROOT_MB=""
		# shellcheck source=/dev/null
		. "$1" > /dev/null || exit 1
		declare -F guest > /dev/null || { echo "no guest() function" >&2; exit 1; }
		case $VM_ROOTFS in
		'' | systemd) ;;
		*) echo "VM_ROOTFS must be empty or 'systemd', not '$VM_ROOTFS'" >&2; exit 1 ;;
		esac
		case ${VM_ROOT_DISK:-virtio} in
		virtio | storvsc) ;;
		*) echo "VM_ROOT_DISK must be virtio or storvsc, not '$VM_ROOT_DISK'" >&2; exit 1 ;;
		esac
		case ${VM_BOOT:-harness} in
		harness) ;;
		image) [ "$VM_ROOTFS" = systemd ] || { echo "VM_BOOT=image needs VM_ROOTFS=systemd" >&2; exit 1; } ;;
		*) echo "VM_BOOT must be harness or image, not '$VM_BOOT'" >&2; exit 1 ;;
		esac
		case ${VM_END:-poweroff} in
		poweroff | sysrq-reboot | none) ;;
		*) echo "VM_END must be poweroff, sysrq-reboot or none, not '$VM_END'" >&2; exit 1 ;;
		esac
		printf 'sc_kmods=%q\nsc_timeout=%q\nsc_append=%q\nsc_has_check=%q\n' \
			"$VM_KMODS" "${VM_TIMEOUT:-$VM_DEFAULT_TIMEOUT}" "$VM_APPEND" \
			"$(declare -F check_log > /dev/null && echo 1)"
		printf 'sc_rootfs=%q\nsc_end=%q\nsc_data_mb=%q\nsc_hvlis_load=%q\nsc_modprobe_conf=%q\n' \
			"$VM_ROOTFS" "${VM_END:-poweroff}" "${VM_DATA_MB:-64}" "$VM_HVLIS_LOAD" "$VM_MODPROBE_CONF"
		printf 'sc_expect_dirty=%q\nsc_has_check_disk=%q\nsc_has_prepare_image=%q\nsc_has_prepare_data=%q\n' \
			"$VM_EXPECT_DIRTY" "$(declare -F check_disk > /dev/null && echo 1)" \
			"$(declare -F prepare_image > /dev/null && echo 1)" \
			"$(declare -F prepare_data > /dev/null && echo 1)"
		printf 'sc_qemu=%q\nsc_tools=%q\nsc_binaries=%q\n' "$VM_QEMU_ARGS" "$VM_GUEST_TOOLS" \
			"$VM_BINARIES"
		printf 'sc_root_disk=%q\nsc_boot=%q\nsc_root_mb=%q\n' "${VM_ROOT_DISK:-virtio}" \
			"${VM_BOOT:-harness}" "$VM_ROOT_MB"
	)
}

# vm_add_binary ROOT HOSTPATH GUESTPATH: copy a dynamically linked host
# program and the libraries ldd names for it into ROOT
vm_add_binary() {
	local root=$1 lib libs
	if [ ! -x "$2" ]; then
		echo "vm_add_binary: no program '$2' (for $3)" >&2
		return 1
	fi
	mkdir -p "$root/$(dirname "$3")"
	cp -L "$2" "$root/$3" || return 1
	libs=$(ldd "$2" | grep -o '/[^ ]*') || true
	for lib in $libs; do
		[ -e "$root/$lib" ] && continue
		mkdir -p "$root/$(dirname "$lib")"
		cp -L "$lib" "$root/$lib" || return 1
	done
}

# vm_initramfs_base DIR INIT: the part every initramfs of the VM tests has,
# in the empty directory DIR: static busybox, INIT as /init, /dev/console,
# kmod's module tools
vm_initramfs_base() {
	local st=$1 m
	mkdir -p "$st"/{bin,dev,proc,sys,hvlis}
	cp /bin/busybox "$st/bin/busybox"
	ln -s busybox "$st/bin/sh"
	install -m 0755 "$2" "$st/init"
	# the console must exist before devtmpfs is mounted (the kernel opens
	# it for /init); the built-in initramfs usually has one already
	mknod "$st/dev/console" c 5 1 2> /dev/null || true
	# kmod's module tools (guest-lib.sh makes the guest shell use them
	# instead of busybox's): busybox insmod retries a failed finit_module()
	# with init_module(), so the init of a module that fails to load runs
	# twice
	vm_add_binary "$st" "$(command -v kmod)" /usr/bin/kmod || return 1
	mkdir -p "$st/usr/sbin"
	for m in insmod rmmod lsmod modprobe modinfo depmod; do
		ln -s ../bin/kmod "$st/usr/sbin/$m"
	done
}

# vm_copy_kmods MODROOT REL DEST LIST: copy the kernel modules of LIST
# (paths relative to MODROOT/lib/modules/REL, from vm_kmod_order) under
# DEST, uncompressed, keeping their paths
vm_copy_kmods() {
	local root=$1 rel=$2 dest=$3 m
	for m in $4; do
		mkdir -p "$dest/$(dirname "$m")"
		case $m in
		*.ko.xz) xz -dc "$root/lib/modules/$rel/$m" > "$dest/${m%.xz}" ;;
		*.ko.zst) zstd -dcq "$root/lib/modules/$rel/$m" > "$dest/${m%.zst}" ;;
		*.ko.gz) gzip -dc "$root/lib/modules/$rel/$m" > "$dest/${m%.gz}" ;;
		*) cp "$root/lib/modules/$rel/$m" "$dest/$m" ;;
		esac || return 1
	done
}

# vm_cpio DIR OUT: DIR as an uncompressed cpio newc archive (unpacking is
# cheap, decompressing under TCG is not)
vm_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2"
}

# vm_add_hvlis_kmod DIR: /usr/libexec/hvlis/hvlis-kmod and
# /usr/src/hvlis-VER/modules/{modules.list,modules-list.sh,vmbus-classes.list}
vm_add_hvlis_kmod() {
	local ver boot src
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$VM_TOP/dkms.conf")
	boot=$(sh "$VM_TOP/modules/modules-list.sh" boot | xargs) || return 1
	src=$1/usr/src/hvlis-$ver/modules
	mkdir -p "$1/usr/libexec/hvlis" "$src" || return 1
	sed -e "s/@HVLIS_BOOT_MODULES@/$boot/g" -e "s/@HVLIS_VERSION@/$ver/g" \
		"$VM_TOP/packaging/kernel-hooks/hvlis-kmod" > "$1/usr/libexec/hvlis/hvlis-kmod" &&
		chmod 755 "$1/usr/libexec/hvlis/hvlis-kmod" &&
		cp "$VM_TOP/modules/modules.list" "$VM_TOP/modules/modules-list.sh" \
			"$VM_TOP/modules/vmbus-classes.list" "$src/"
}

# vm_mkinitramfs NAME SCENARIO REL MODROOT KMODS OUT [TOOLS [BINARIES]]:
# build the initramfs of a (busybox) scenario.  TOOLS: programs
# guest/NAME.c, built here and put in /usr/bin; BINARIES (the scenario's
# VM_BINARIES): host programs copied with their libraries: NAME (found in
# PATH) to /usr/sbin/NAME, or HOSTPATH=GUESTPATH
vm_mkinitramfs() {
	local name=$1 scn=$2 rel=$3 root=$4 kmods=$5 out=$6 tools=${7:-} bins=${8:-}
	local st="$VM_OUT/work/$name" k m order t b
	rm -rf "$st"
	mkdir -p "$st"
	vm_initramfs_base "$st" "$VM_DIR/guest/init" || return 1
	mkdir -p "$st"/{tmp,etc,lib/hvlis}
	cp "$VM_DIR/guest/guest-lib.sh" "$st/hvlis/guest-lib.sh"
	cp "$VM_DIR/guest/lsvmbus-sh" "$st/hvlis/lsvmbus-sh"
	# the project's user tools, where a package would put them
	mkdir -p "$st/usr/bin"
	vm_add_binary "$st" "$VM_TOP/daemons/bin/lsvmbus" /usr/bin/lsvmbus || return 1
	vm_add_binary "$st" "$VM_TOP/daemons/bin/hvlis-status" /usr/bin/hvlis-status || return 1
	# hvlis-dkms's hvlis-kmod and the lists it reads, where the package puts
	# them (filled in as debian/rules does)
	vm_add_hvlis_kmod "$st" || return 1
	for t in $tools; do
		mkdir -p "$VM_OUT/tools"
		# built under a name of this process, then renamed: two
		# scenarios running at once (HVLIS_VM_JOBS) never copy a half
		# written program
		cc -O2 -Wall -Wextra -Werror -o "$VM_OUT/tools/$t.$BASHPID" "$VM_DIR/guest/$t.c" &&
			mv -f "$VM_OUT/tools/$t.$BASHPID" "$VM_OUT/tools/$t" || return 1
		vm_add_binary "$st" "$VM_OUT/tools/$t" "/usr/bin/$t" || return 1
	done
	vm_add_daemons "$st" || return 1
	for b in $bins; do
		case $b in
		/*=/*) vm_add_binary "$st" "${b%%=*}" "${b#*=}" || return 1 ;;
		*) vm_add_binary "$st" "$(PATH=$PATH:/usr/sbin:/sbin command -v "$b")" "/usr/sbin/$b" ||
			return 1 ;;
		esac
	done
	cp "$scn" "$st/hvlis/scenario.sh"
	while IFS= read -r k; do
		cp "$k" "$st/lib/hvlis/"
	done < <(vm_project_kos)
	: > "$st/hvlis/kmods"
	# what the project's modules need of the kernel's, loaded first
	kmods="$(vm_project_kdeps | tr '\n' ' ')$kmods"
	if [ -n "${kmods// /}" ]; then
		# shellcheck disable=SC2086 # a list of names
		order=$(vm_kmod_order "$root" "$rel" $kmods) || return 1
		vm_copy_kmods "$root" "$rel" "$st/lib/modules/$rel" "$order" || return 1
		for m in $order; do
			echo "/lib/modules/$rel/${m%.ko*}.ko" >> "$st/hvlis/kmods"
		done
		for m in modules.order modules.builtin modules.builtin.modinfo; do
			[ ! -f "$root/lib/modules/$rel/$m" ] || cp "$root/lib/modules/$rel/$m" "$st/lib/modules/$rel/"
		done
		depmod -b "$st" "$rel"
	fi
	{
		printf 'VM_SCENARIO=%s\n' "$name"
		printf 'VM_KREL=%s\n' "$rel"
		printf 'VM_HUNG_TASK_SECS=%s\n' "${HVLIS_VM_HUNG_TASK_SECS:-30}"
	} > "$st/hvlis/env"
	vm_cpio "$st" "$out"
}

# vm_qemu KERNEL INITRD APPEND TIMEOUT LOG [QEMU_ARGS]: boot, serial console
# (with \r removed) to LOG, qemu's own messages to LOG.qemu.  VM_QEMU_EXTRA
# (array): more QEMU options (disks); VM_QEMU_MEM: MiB of memory (512).  Sets vm_rc (qemu's exit
# status, 124 on timeout), vm_t_cpu (QEMU's user+system CPU seconds), vm_t_total and vm_t_result (seconds from start to
# exit and to the result marker; vm_t_result empty without a marker).
vm_qemu() {
	local kernel=$1 initrd=$2 append=$3 tmo=$4 log=$5 t0 t1 tm=
	local rcf="$log.rc" tmf="$log.t" cpf="$log.cpu"
	local -a accel extra
	read -r -a accel <<< "$(vm_accel_args)"
	read -r -a extra <<< "${6:-}"
	rm -f "$rcf" "$tmf" "$cpf"
	t0=$EPOCHREALTIME
	{
		timeout -k 5 "$tmo" qemu-system-x86_64 "${accel[@]}" \
			-machine q35 -cpu max -smp 2 -m "${VM_QEMU_MEM:-512}" \
			-nographic -no-reboot -nic none \
			-kernel "$kernel" -initrd "$initrd" -append "$append" \
			"${VM_QEMU_EXTRA[@]}" "${extra[@]}" \
			< /dev/null 2> "$log.qemu"
		echo $? > "$rcf"
		# this subshell's children: QEMU's user and system CPU time
		times > "$cpf"
	} 2> /dev/null | {
		local line seen=
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%$'\r'}
			# the firmware's terminal controls
			line=${line//$'\e'@(c|\[*([0-9;?])[a-zA-Z])/}
			printf '%s\n' "$line"
			if [ -z "$seen" ] && [[ $line == *"$VM_MARKER"* ]]; then
				seen=1
				echo "$EPOCHREALTIME" > "$tmf"
			fi
		done
	} > "$log"
	t1=$EPOCHREALTIME
	vm_rc=$(cat "$rcf" 2> /dev/null || echo 255)
	[ -f "$tmf" ] && tm=$(cat "$tmf")
	# "0m1.50s 0m0.20s" (the shell's), then the same for its children
	vm_t_cpu=$(sed -n '2{s/^\([0-9]*\)m\([0-9.]*\)s \([0-9]*\)m\([0-9.]*\)s$/\1 \2 \3 \4/p}' "$cpf" 2> /dev/null |
		awk '{ printf "%.1f", $1 * 60 + $2 + $3 * 60 + $4 }')
	rm -f "$rcf" "$tmf" "$cpf"
	vm_t_total=$(vm_secs "$t0" "$t1")
	vm_t_result=
	[ -n "$tm" ] && vm_t_result=$(vm_secs "$t0" "$tm")
	return 0
}

# vm_log_problems LOG: the kernel problems in a serial log, "'PATTERN' (line
# N: text)", one per pattern found; nothing if clean
vm_log_problems() {
	local p hit
	for p in "${VM_BAD_PATTERNS[@]}"; do
		hit=$(grep -n -F -m 1 -- "$p" "$1" || true)
		[ -n "$hit" ] || continue
		printf "'%s' (line %s: %.100s)\n" "$p" "${hit%%:*}" "${hit#*:}"
	done
}

# vm_run_scenario NAME FILE KERNEL REL MODROOT: run one scenario and print
# its one result line, "PASS: vm/NAME" or "FAIL: vm/NAME: reason".  Details
# and timings go to stderr.  Returns 0 on PASS.  Sets vm_t_result/vm_t_total.
vm_run_scenario() {
	local name=$1 scn=$2 kernel=$3 rel=$4 root=$5
	local log="$VM_OUT/$name.log" cpio="$VM_OUT/$name.cpio" vars reasons=() r
	local sc_kmods sc_timeout sc_append sc_has_check sc_qemu sc_tools sc_binaries result problems chk=
	# systemd scenarios (lib-systemd.sh reads them from here)
	local sc_rootfs sc_end sc_data_mb sc_hvlis_load sc_modprobe_conf
	local sc_expect_dirty sc_has_check_disk sc_has_prepare_image sc_has_prepare_data sc_root_disk
	local sc_boot sc_root_mb
	vm_t_result="" vm_t_total=""
	mkdir -p "$VM_OUT"
	if ! vars=$(vm_scenario_vars "$scn" 2> "$VM_OUT/$name.err"); then
		echo "FAIL: vm/$name: bad scenario file: $(head -n 1 "$VM_OUT/$name.err")"
		return 1
	fi
	eval "$vars"
	local -a VM_QEMU_EXTRA=()
	local VM_QEMU_MEM=512 t_img=
	if [ "$sc_rootfs" = systemd ]; then
		local t0=$EPOCHREALTIME
		if ! vm_sd_rootfs; then
			echo "FAIL: vm/$name: cannot build the root file system: $(tail -n 1 "$VM_OUT/rootfs.log") (see $VM_OUT/rootfs.log)"
			return 1
		fi
		: > "$VM_OUT/$name.err"
		# VM_BOOT=image: the kernel and initramfs are the image's own
		# (vm_sd_images copies them out)
		if [ "$sc_boot" = image ]; then
			kernel="$VM_OUT/$name.vmlinuz"
			cpio="$VM_OUT/$name.initrd"
		elif ! vm_sd_initramfs "$name" "$rel" "$root" "$cpio" 2> "$VM_OUT/$name.err"; then
			echo "FAIL: vm/$name: cannot build the initramfs: $(head -n 1 "$VM_OUT/$name.err")"
			return 1
		fi
		if ! vm_sd_images "$name" "$scn" "$rel" "$root" "$VM_SD_ROOTFS" 2>> "$VM_OUT/$name.err"; then
			echo "FAIL: vm/$name: cannot build the disk images: $(head -n 1 "$VM_OUT/$name.err")"
			return 1
		fi
		t_img=$(vm_secs "$t0" "$EPOCHREALTIME")
		VM_QEMU_MEM=$VM_SD_MEM
		VM_QEMU_EXTRA=(-drive "file=$VM_OUT/$name.root.img,format=raw,if=virtio"
			-drive "file=$VM_OUT/$name.data.img,format=raw,if=virtio")
	elif ! vm_mkinitramfs "$name" "$scn" "$rel" "$root" "$sc_kmods" "$cpio" "$sc_tools" "$sc_binaries" \
		2> "$VM_OUT/$name.err"; then
		echo "FAIL: vm/$name: cannot build the initramfs: $(head -n 1 "$VM_OUT/$name.err")"
		return 1
	fi
	# HVLIS_VM_TIMEOUT_SCALE: a whole factor for every timeout, for a host
	# so loaded that QEMU gets a fraction of a CPU (the timeout only guards
	# against a hung VM; nothing is judged by time)
	case ${HVLIS_VM_TIMEOUT_SCALE:-1} in
	[1-9] | [1-9][0-9]) sc_timeout=$((sc_timeout * ${HVLIS_VM_TIMEOUT_SCALE:-1})) ;;
	*)
		echo "FAIL: vm/$name: HVLIS_VM_TIMEOUT_SCALE=$HVLIS_VM_TIMEOUT_SCALE is not a whole number 1-99"
		return 1
		;;
	esac
	# no_timer_check: on a loaded host, TCG delivers the PIT's ticks too late
	# for the kernel's boot-time IO-APIC timer check, which then panics
	# ("IO-APIC + timer doesn't work!"; seen with 5.10 and 6.12 at load 16)
	vm_qemu "$kernel" "$cpio" "console=ttyS0 panic=-1 quiet no_timer_check $sc_append" "$sc_timeout" "$log" \
		"$sc_qemu"

	result=$(sed -n "s/.*$VM_MARKER //p" "$log" | tail -n 1)
	if [ "$vm_rc" = 124 ] || [ "$vm_rc" = 137 ]; then
		reasons+=("timeout after $sc_timeout s")
	elif [ "$vm_rc" != 0 ]; then
		reasons+=("qemu exited with status $vm_rc: $(head -n 1 "$log.qemu")")
	fi
	case $result in
	PASS*) ;;
	FAIL*) reasons+=("guest: ${result#FAIL: }") ;;
	'') reasons+=("no result marker") ;;
	*) reasons+=("bad result marker '$result'") ;;
	esac
	problems=$(vm_log_problems "$log")
	if [ -n "$problems" ]; then
		while IFS= read -r r; do
			reasons+=("kernel log has $r")
		done <<< "$problems"
	fi
	if [ -n "$sc_has_check" ] && [ -n "$result" ]; then
		if ! chk=$(VM_KREL=$rel VM_LOG=$log bash -c '
			. "$1"; . "$2"; check_log "$3"' check "$VM_DIR/lib.sh" "$scn" "$log" 2>&1); then
			reasons+=("check_log: $(printf '%s\n' "$chk" | head -n 1)")
		else
			chk=
		fi
	fi

	if [ "$sc_rootfs" = systemd ] && [ -n "$result" ]; then
		vm_sd_judge "$name" "$scn" "$log" "$rel" || true
	fi

	if [ ${#reasons[@]} -eq 0 ]; then
		echo "PASS: vm/$name"
		# ~170 MB each: kept for a failed scenario (or when asked)
		[ "$sc_rootfs" != systemd ] || [ -n "${HVLIS_VM_KEEP_IMAGES:-}" ] ||
			rm -f "$VM_OUT/$name.root.img" "$VM_OUT/$name.data.img" "$VM_OUT/$name.vmlinuz" \
				"$VM_OUT/$name.initrd"
		vm_say "vm/$name: ${t_img:+images $t_img s, }boot-to-result ${vm_t_result} s, qemu total ${vm_t_total} s, qemu cpu ${vm_t_cpu:-?} s; log $log"
		return 0
	fi
	r=$(printf '%s; ' "${reasons[@]}")
	echo "FAIL: vm/$name: ${r%; }"
	vm_say "vm/$name: qemu status $vm_rc after ${vm_t_total} s (cpu ${vm_t_cpu:-?} s); log $log"
	[ -z "$chk" ] || printf '%s\n' "$chk" | sed -n '2,40s/^/    | check_log: /p' >&2
	if grep -q '^hvlis-vm: \(FAIL\|[|]\)' "$log"; then
		grep '^hvlis-vm: \(FAIL\|[|]\)' "$log" | head -n 60 | sed 's/^/    | /' >&2
	else
		tail -n 15 "$log" | sed 's/^/    | /' >&2
	fi
	return 1
}

# shellcheck source-path=SCRIPTDIR source=lib-systemd.sh
. "$VM_DIR/lib-systemd.sh"
