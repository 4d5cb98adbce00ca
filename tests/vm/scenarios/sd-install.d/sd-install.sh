# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-install (make check-install; not in make check, whose default list is
# tests/vm/scenarios/*.sh): the user's install path, end to end, on a root disk served
# through hvlis's own storage driver. prepare_image (host, as root) runs
# sd-install.d/install-image on a copy of the systemd VM's Debian root
# file system: apt-get in a chroot installs Debian's kernel (the VM
# kernel's very build, linux-image-REL) with its headers, dkms and
# initramfs-tools, then hvlis-dkms and hvlis-daemons from the .debs of
# this tree (make deb). Their scripts build hvlis with DKMS for that
# kernel and remake its initramfs with initramfs-tools, which then holds
# hvlis's hv_vmbus and hv_storvsc (packaging/boot-modules). A test-only
# initramfs-tools hook (sd-install.d/, never in the packages) adds the
# simulated host to that initramfs: it is loaded before hv_vmbus and
# serves the VM's raw root image (the first virtio disk) as a SCSI disk.
# install-image then updates the kernel to bookworm-backports' 6.12 (hvlis
# built for it, hvsim built for it in the chroot), installs a kernel whose
# hvlis build fails, and purges both packages in an overlay (see it).
# The VM then boots the image's own kernel and initramfs (VM_BOOT=image:
# /vmlinuz, /initrd.img: the updated kernel) with root=LABEL=hvroot, as
# /etc/fstab says too. HVLIS_INSTALL_INITRAMFS=dracut (make
# check-install-dracut, through the link sd-install-dracut.sh): dracut
# makes the initramfs, install-image stops after the first install and the
# first kernel boots.
#
# Guest checks: / is mounted from a disk (sdX) behind a VMBus device of
# the SCSI class bound to hv_storvsc, and the loaded hv_vmbus and
# hv_storvsc are DKMS's (updates/dkms, same srcversion as the file); the
# packages are installed and DKMS says "installed" for the running
# kernel; with the host's integration services added, udev loads
# hv_utils (DKMS's) and the packaged units of the three daemons are
# active; hvlis-status says, for the running kernel, that DKMS installed
# hvlis, that modprobe loads hvlis's copy of every module, that the
# initramfs holds hvlis's hv_vmbus and hv_storvsc, that the loaded
# modules are hvlis's, and exits 0 (--json agrees); a file written on /.
# Host checks (harness): clean power-off; both images clean (dumpe2fs,
# e2fsck -fn); check_disk finds the file with the guest's checksum.
#
# VM_ROOT_DISK stays virtio: that knob only switches the harness's own
# initramfs, and this scenario boots none of the harness's.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_BOOT=image
# shellcheck disable=SC2034
VM_APPEND="root=LABEL=hvroot"
# three kernels, two with headers, and a compiler: about 2.5 GiB
# shellcheck disable=SC2034
VM_ROOT_MB=4096
# shellcheck disable=SC2034
VM_TIMEOUT=600

UNITS="hv-kvp-daemon.service hv-vss-daemon.service hv-fcopy-daemon.service"
HVLIS_BOOT="hv_vmbus hv_storvsc"
HVLIS_ALL="hv_vmbus hv_utils hv_storvsc"

prepare_image() {
	local u
	"$VM_DIR/scenarios/sd-install.d/install-image" "$1" "$VM_KREL" \
		"$VM_OUT/sd-install${HVLIS_INSTALL_INITRAMFS:+-$HVLIS_INSTALL_INITRAMFS}.install.log" || return 1
	# QEMU is not Hyper-V to systemd-detect-virt (see sd-services)
	for u in $UNITS; do
		mkdir -p "$1/etc/systemd/system/$u.d"
		printf '[Unit]\n# hvlis VM test: QEMU is not Hyper-V to systemd-detect-virt\nConditionVirtualization=\n' \
			> "$1/etc/systemd/system/$u.d/hvlis-test.conf"
	done
}

# wait_for WHAT SECS COMMAND...: poll COMMAND every 0.2 s
wait_for() {
	local what=$1 secs=$2 n=$(($2 * 5))
	shift 2
	while ! "$@" 2> /dev/null; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { vm_fail "$what: not after $secs s"; return 1; }
		sleep 0.2
	done
	vm_log "ok: $what"
}

guest() {
	local src dev d m k u rel ver st out rc sum first bad ko gen want_rc
	rel=$(uname -r)
	# (DKMS compresses hvlis's modules where the kernel's are compressed)
	ko='\.ko\(\.xz\|\.zst\|\.gz\)\?'
	first=$(cat /var/lib/hvlis-test-first-kernel 2> /dev/null)
	gen=$(cat /var/lib/hvlis-test-initramfs 2> /dev/null || echo initramfs-tools)
	vm_log "initramfs generator: $gen"
	if [ "$gen" = dracut ]; then
		# install-image stops after the install: the first kernel boots
		[ -n "$first" ] || vm_fail "install-image left no name of the first kernel"
		expect "running kernel (the first one)" "$rel" "$first"
		want_rc=0
	else
		bad=$(cat /var/lib/hvlis-test-failed-kernel 2> /dev/null)
		if [ -z "$first" ] || [ -z "$bad" ]; then
			vm_fail "install-image left no names of the first and the failed kernel"
		fi
		# install-image's kernel update: the VM boots the new kernel
		expect "running kernel (the updated one)" "$rel" "$(cat /var/lib/hvlis-test-updated-kernel 2> /dev/null)"
		# a warning, for the kernel whose build failed (and only for it)
		want_rc=1
	fi

	expect "system state" "$SD_STATE" running
	expect "kernel command line's root" "$(tr ' ' '\n' < /proc/cmdline | grep '^root=')" "root=LABEL=hvroot"
	expect "fstab's root" "$(awk '$2 == "/" { print $1 }' /etc/fstab)" "LABEL=hvroot"
	src=$(findmnt -n -o SOURCE /)
	vm_log "root file system: $(findmnt -n -o SOURCE,FSTYPE,OPTIONS /)"
	case $src in
	/dev/sd[a-z]) ;;
	*) vm_fail "/ is mounted from '$src', not a SCSI disk"; return ;;
	esac
	findmnt -n -o OPTIONS / | grep -q '^rw' || vm_fail "/ is not mounted read-write"
	dev=$(readlink -f "/sys/block/${src#/dev/}/device")
	d=${dev%%/host*}
	vm_log "${src#/dev/} is $dev"
	expect "class of the root disk's VMBus device" "$(cat "$d/class_id" 2> /dev/null)" \
		"{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"
	expect "bus of the root disk's controller" "$(basename "$(readlink -f "$d/subsystem")")" vmbus
	expect "driver of the root disk's controller" "$(basename "$(readlink -f "$d/driver")")" hv_storvsc

	ver=$(dpkg-query -W -f '${Version}' hvlis-dkms 2> /dev/null)
	for m in hvlis-dkms hvlis-daemons; do
		expect "package $m" "$(dpkg-query -W -f '${Status}' "$m" 2> /dev/null)" "install ok installed"
	done
	st=$(dkms status "hvlis/$ver" -k "$rel" 2> /dev/null)
	vm_log "dkms status: $st"
	case $st in
	*"$rel"*": installed"*) ;;
	*) vm_fail "DKMS does not say hvlis/$ver is installed for $rel: '$st'" ;;
	esac

	# the host's integration services: udev loads hv_utils, the units start
	for k in heartbeat shutdown timesync kvp vss fcopy; do
		sim_ctl add "$k"
	done
	wait_for "hv_utils loaded by udev" 30 test -d /sys/module/hv_utils
	for u in $UNITS; do
		wait_for "$u started by udev" 60 systemctl is-active -q "$u"
	done
	udevadm settle -t 30 || vm_fail "udevadm settle timed out"

	# every module loaded is DKMS's file
	for m in $HVLIS_ALL; do
		k=$(modinfo -n "$m" 2> /dev/null)
		echo "$k" | grep -qx "/lib/modules/$rel/updates/dkms/$m$ko" ||
			vm_fail "modprobe's $m is '$k', not DKMS's /lib/modules/$rel/updates/dkms/$m.ko[.xz|.zst|.gz]"
		expect "srcversion of the loaded $m" "$(cat "/sys/module/$m/srcversion" 2> /dev/null)" \
			"$(modinfo -F srcversion "$k" 2> /dev/null)"
	done

	# hvlis-status
	out=$(hvlis-status 2>&1)
	rc=$?
	echo "$out" | vm_detail "hvlis-status (exit $rc)"
	expect "hvlis-status exit status" "$rc" "$want_rc"
	if [ "$gen" != dracut ]; then
		expect "hvlis-status's problems" "$(echo "$out" | awk '/^problems:/ { on = 1; next } /^[^ ]/ { on = 0 } on' |
			grep -v "^  \[warning\] kernel $bad: " | head -n 3)" ""
		echo "$out" | grep -q "^  \[warning\] kernel $bad: hvlis's last build failed; log: /var/log/hvlis/make-$bad.log\$" ||
			vm_fail "hvlis-status: no warning about the failed build for $bad"
		st=$(echo "$out" | awk -v k="kernel $bad" '$0 == k { on = 1; next } /^[^ ]/ { on = 0 } on')
		echo "$st" | grep -q "^  last failed build: /var/log/hvlis/make-$bad.log\$" ||
			vm_fail "hvlis-status: the section of $bad shows no failed build"
		echo "$st" | grep -q "^  compat probes' log of that build: /var/log/hvlis/probe-$bad.log\$" ||
			vm_fail "hvlis-status: the section of $bad names no kept probe log"
		grep -q "hvlis-test-kernel-lacks-this.h: No such file or directory" "/var/log/hvlis/probe-$bad.log" ||
			vm_fail "/var/log/hvlis/probe-$bad.log has not the compiler's error"
		for m in $HVLIS_BOOT; do
			echo "$st" | grep -q "^  $m: modprobe loads kernel/.*; initramfs: holds it\$" ||
				vm_fail "hvlis-status: $bad's initramfs does not hold the distribution's $m"
		done
		# the kernel before the update: hvlis built and in its initramfs
		st=$(echo "$out" | awk -v k="kernel $first" '$0 == k { on = 1; next } /^[^ ]/ { on = 0 } on')
		echo "$st" | grep -q "^  dkms: installed (hvlis $ver); headers: yes\$" ||
			vm_fail "hvlis-status: the first kernel $first's DKMS state is not 'installed (hvlis $ver)'"
		for m in $HVLIS_BOOT; do
			echo "$st" | grep -q "^  $m: modprobe loads updates/dkms/$m$ko (hvlis); initramfs: holds it\$" ||
				vm_fail "hvlis-status: the initramfs of the first kernel $first does not hold hvlis's $m"
		done
	fi
	echo "$out" | grep -q "^kernel $rel (running)\$" || vm_fail "hvlis-status names no running kernel $rel"
	# the running kernel's section: from its "kernel" line to the next one
	st=$(echo "$out" | awk -v k="kernel $rel (running)" '$0 == k { on = 1; next } /^[^ ]/ { on = 0 } on')
	echo "$st" | grep -q "^  dkms: installed (hvlis $ver); headers: yes\$" ||
		vm_fail "hvlis-status: the running kernel's DKMS state is not 'installed (hvlis $ver)'"
	for m in $HVLIS_ALL; do
		# (the path under /lib/modules/REL, as modules.dep names it)
		echo "$st" | grep -q "^  $m: modprobe loads updates/dkms/$m$ko (hvlis)" ||
			vm_fail "hvlis-status: modprobe does not load hvlis's $m"
	done
	for m in $HVLIS_BOOT; do
		echo "$st" | grep -q "^  $m: modprobe loads .* (hvlis); initramfs: holds it\$" ||
			vm_fail "hvlis-status: the initramfs does not hold hvlis's $m"
	done
	st=$(echo "$out" | awk '/^loaded \(kernel / { on = 1; next } /^[^ ]/ { on = 0 } on')
	for m in $HVLIS_ALL; do
		echo "$st" | grep -q "^  $m: loaded, srcversion [^ ]*, from /lib/modules/$rel/updates/dkms/$m$ko (hvlis)\$" ||
			vm_fail "hvlis-status: the loaded $m is not hvlis's"
	done
	out=$(hvlis-status --json 2>&1)
	rc=$?
	expect "hvlis-status --json exit status" "$rc" "$want_rc"
	echo "$out" | grep -q '"release":"'"$rel"'","running":true' ||
		vm_fail "hvlis-status --json: no running kernel $rel: $(echo "$out" | head -c 200)"

	head -c 1048576 /dev/urandom > /root/sd-install.bin || vm_fail "cannot write /root/sd-install.bin"
	sync
	sum=$(sha256sum < /root/sd-install.bin | cut -d' ' -f1)
	echo "$sum" > /root/sd-install.sha256
	sync
	vm_log "wrote /root/sd-install.bin through $src, sha256 $sum"
}

check_disk() {
	local want got
	want=$(vm_img_cat "$1" /root/sd-install.sha256)
	got=$(vm_img_sha256 "$1" /root/sd-install.bin)
	[ -n "$want" ] || { echo "no /root/sd-install.sha256 on the root image"; return 1; }
	[ "$want" = "$got" ] || { echo "/root/sd-install.bin on the image: sha256 $got, the guest wrote $want"; return 1; }
	echo "root image has the file the guest wrote through hv_storvsc" >&2
}
