# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# lib-systemd.sh - the systemd VM scenarios (VM_ROOTFS=systemd), sourced by
# lib.sh.  Such a scenario boots the VM kernel with a small initramfs
# (guest/init-root) that mounts a virtio disk holding a Debian bookworm root
# file system with systemd (rootfs/build-rootfs.sh, cached) plus the
# scenario's payload, and hands over to systemd; a second virtio disk holds
# the file system mounted on /data.  hvlis-test.service runs the scenario's
# guest() after boot (guest/sd-run).  After the VM the harness checks both
# disk images (vm_disk_check) and runs the scenario's check_disk.  See
# README.md, "systemd scenarios".
#
# The sc_* variables are vm_run_scenario's locals (the scenario's settings).
# shellcheck disable=SC2154

# kernel modules the initramfs loads to mount the root disk (dependencies
# are added); ext4 computes metadata checksums with crc32c
VM_SD_INITRD_KMODS="virtio_pci virtio_blk crc32c_generic ext4"
# VM_ROOT_DISK=storvsc: the kernel modules the initramfs also loads for the
# SCSI disk hv_storvsc makes of the root image (served by hvsim)
VM_SD_STOR_KMODS="sd_mod scsi_transport_fc"
# ... and the project's, from /lib/hvlis, in this order
VM_SD_STOR_HVLIS="hvsim hv_vmbus hv_storvsc"
# kernel modules systemd loads itself early (autofs for automount units)
VM_SD_IMAGE_KMODS="autofs4"
# units masked in the images: nothing in the VMs needs them, and each costs
# a second or more under TCG (systemd-analyze blame): gettys on tty2-6,
# modules that are built in or unused, the journal flush (the journal is
# volatile), the pstore import
VM_SD_MASK="getty-static.service modprobe@loop.service modprobe@dm_mod.service
	modprobe@drm.service modprobe@efi_pstore.service modprobe@fuse.service
	systemd-journal-flush.service systemd-pstore.service"
# (a scenario's VM_ROOT_MB overrides it)
VM_SD_ROOT_MB=${HVLIS_VM_ROOT_MB:-1024}
# shellcheck disable=SC2034 # used by lib.sh
VM_SD_MEM=${HVLIS_VM_SD_MEM:-1024}

# vm_sd_rootfs: set VM_SD_ROOTFS to the path of the cached root file system
# tree (built if needed; output in VM_OUT/rootfs.log).  The result is kept
# for the rest of the run: after a failure the next scenarios fail at once
# instead of trying again.
VM_SD_ROOTFS=
VM_SD_ROOTFS_FAILED=
vm_sd_rootfs() {
	[ -z "$VM_SD_ROOTFS_FAILED" ] || return 1
	[ -z "$VM_SD_ROOTFS" ] || return 0
	if ! VM_SD_ROOTFS=$("$VM_DIR/rootfs/build-rootfs.sh" 2> "$VM_OUT/rootfs.log") ||
		[ ! -d "$VM_SD_ROOTFS" ]; then
		VM_SD_ROOTFS=
		VM_SD_ROOTFS_FAILED=1
		return 1
	fi
}

# vm_sd_initramfs NAME REL MODROOT OUT: the initramfs of a systemd scenario:
# the common base (vm_initramfs_base) with guest/init-root as /init and the
# modules of VM_SD_INITRD_KMODS, listed in load order in /hvlis/kmods.
# With VM_ROOT_DISK=storvsc (sc_root_disk) also VM_SD_STOR_KMODS and, in
# /lib/hvlis with their names in /hvlis/root-storvsc, the project's modules
# of VM_SD_STOR_HVLIS: init-root serves the root disk (/dev/vda) through
# hvsim's storage host and mounts the SCSI disk hv_storvsc makes of it.
vm_sd_initramfs() {
	local name=$1 rel=$2 root=$3 out=$4 st="$VM_OUT/work/$1/initramfs" order m kmods k
	rm -rf "$st"
	mkdir -p "$st/newroot"
	vm_initramfs_base "$st" "$VM_DIR/guest/init-root" || return 1
	kmods=$VM_SD_INITRD_KMODS
	[ "${sc_root_disk:-virtio}" != storvsc ] || kmods="$kmods $VM_SD_STOR_KMODS"
	# shellcheck disable=SC2086 # a list of names
	order=$(vm_kmod_order "$root" "$rel" $kmods) || return 1
	vm_copy_kmods "$root" "$rel" "$st/lib/modules/$rel" "$order" || return 1
	: > "$st/hvlis/kmods"
	for m in $order; do
		echo "/lib/modules/$rel/${m%.ko*}.ko" >> "$st/hvlis/kmods"
	done
	if [ "${sc_root_disk:-virtio}" = storvsc ]; then
		mkdir -p "$st/lib/hvlis"
		for m in $VM_SD_STOR_HVLIS; do
			k=$(vm_project_kos | grep "/$m\.ko\$") || { echo "no $m.ko built" >&2; return 1; }
			cp "$k" "$st/lib/hvlis/" || return 1
			echo "$m" >> "$st/hvlis/root-storvsc"
		done
	fi
	vm_cpio "$st" "$out"
}

# vm_sd_images NAME SCENARIO REL MODROOT ROOTFS: make the scenario's disk
# images VM_OUT/NAME.root.img (label hvroot: ROOTFS + the payload) and
# VM_OUT/NAME.data.img (label hvdata, sc_data_mb MiB, empty unless the
# scenario's prepare_data fills it).  The payload:
#   - the project's modules in /lib/modules/REL/updates/hvlis/ (depmod run,
#     so modprobe finds them) and, as in the busybox VMs, /lib/hvlis/*.ko;
#   - the Debian kernel modules of VM_SD_INITRD_KMODS and VM_KMODS, with
#     their dependencies, in /lib/modules/REL/kernel/;
#   - /etc/fstab: / on LABEL=hvroot, /data on LABEL=hvdata;
#   - the daemons, their scripts, units and udev rules: make -C daemons
#     install (the units and rules are packaging/systemd, packaging/udev);
#   - /etc/modules-load.d/hvlis-test.conf: VM_KMODS then VM_HVLIS_LOAD,
#     /etc/modprobe.d/hvlis-test.conf: VM_MODPROBE_CONF;
#   - /hvlis/: guest-lib.sh, scenario.sh, env, sd-run, and
#     hvlis-test.service enabled; /usr/bin/lsvmbus;
#   - the units of VM_SD_MASK masked;
#   - emergency.service and rescue.service run /hvlis/sd-emergency (FAIL
#     marker with the failed units, power-off) instead of a login shell;
#   - whatever the scenario's prepare_image adds (bash on the host, $1 = the
#     tree; replace files with rm + create, never write into one in place:
#     the tree shares its files with the cache through hard links).
vm_sd_images() {
	local name=$1 scn=$2 rel=$3 root=$4 rootfs=$5
	local w="$VM_OUT/work/$name" tree pl order m k
	tree="$w/tree"
	pl="$w/payload"
	rm -rf "$tree" "$pl"
	mkdir -p "$w"
	# hard links: fast, and the cache is only read (files that differ are
	# replaced, never written in place)
	cp -al "$rootfs" "$tree" 2> /dev/null || { rm -rf "$tree" && cp -a "$rootfs" "$tree"; } || return 1

	mkdir -p "$pl/usr/lib/modules/$rel/updates/hvlis" "$pl/usr/lib/hvlis" "$pl/hvlis" \
		"$pl/etc/modules-load.d" "$pl/etc/modprobe.d" "$pl/etc/systemd/system/multi-user.target.wants" \
		"$pl/usr/bin"
	while IFS= read -r k; do
		cp "$k" "$pl/usr/lib/modules/$rel/updates/hvlis/"
		ln -s "../modules/$rel/updates/hvlis/$(basename "$k")" "$pl/usr/lib/hvlis/$(basename "$k")"
	done < <(vm_project_kos)
	# (and what the project's modules need of the kernel's: modprobe loads it)
	# shellcheck disable=SC2086,SC2046 # lists of names
	order=$(vm_kmod_order "$root" "$rel" $VM_SD_INITRD_KMODS $VM_SD_IMAGE_KMODS $sc_kmods \
		$(vm_project_kdeps)) || return 1
	vm_copy_kmods "$root" "$rel" "$pl/usr/lib/modules/$rel" "$order" || return 1
	for m in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$root/lib/modules/$rel/$m" ] || cp "$root/lib/modules/$rel/$m" "$pl/usr/lib/modules/$rel/"
	done
	make -s -C "$VM_TOP/daemons" install DESTDIR="$pl" PREFIX=/usr > "$w/daemons-install.log" 2>&1 || {
		echo "make -C daemons install failed: $(tail -n 1 "$w/daemons-install.log")" >&2
		return 1
	}
	{
		echo "# hvlis VM scenario $name: loaded at boot by systemd-modules-load"
		for m in $sc_kmods $sc_hvlis_load; do echo "$m"; done
	} > "$pl/etc/modules-load.d/hvlis-test.conf"
	printf '# hvlis VM scenario %s\n%s\n' "$name" "$sc_modprobe_conf" > "$pl/etc/modprobe.d/hvlis-test.conf"
	# root: disk 1; /data: disk 2.  Both always there, so no nofail:
	# local-fs.target (and so multi-user.target) waits for /data.  No fsck
	# at boot (pass 0): the harness checks the images after the VM.
	cat > "$pl/etc/fstab" <<-'EOT'
		# hvlis test VM (tests/vm/lib-systemd.sh)
		LABEL=hvroot	/	ext4	rw,errors=remount-ro	0	0
		LABEL=hvdata	/data	ext4	rw	0	0
	EOT
	# root on the SCSI disk: the virtio disk under it has the same label,
	# and nothing may touch it but hvsim
	if [ "${sc_root_disk:-virtio}" = storvsc ]; then
		sed -i 's|^LABEL=hvroot\t|/dev/sda\t|' "$pl/etc/fstab"
	fi
	for m in $VM_SD_MASK; do
		ln -s /dev/null "$pl/etc/systemd/system/$m"
	done
	cp "$VM_DIR/guest/guest-lib.sh" "$pl/hvlis/guest-lib.sh"
	cp "$scn" "$pl/hvlis/scenario.sh"
	install -m 0755 "$VM_DIR/guest/sd-run" "$pl/hvlis/sd-run"
	install -m 0755 "$VM_DIR/guest/sd-emergency" "$pl/hvlis/sd-emergency"
	for m in emergency rescue; do
		mkdir -p "$pl/etc/systemd/system/$m.service.d"
		printf '[Service]\nExecStart=\nExecStart=/hvlis/sd-emergency %s\n%s\n' "$m" \
			'StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/console' \
			> "$pl/etc/systemd/system/$m.service.d/hvlis.conf"
	done
	cp "$VM_DIR/guest/hvlis-test.service" "$pl/etc/systemd/system/hvlis-test.service"
	ln -s ../hvlis-test.service "$pl/etc/systemd/system/multi-user.target.wants/hvlis-test.service"
	# the rootfs is Debian's: it has libudev1
	cp "$VM_TOP/daemons/bin/lsvmbus" "$pl/usr/bin/lsvmbus"
	{
		printf 'VM_SCENARIO=%s\n' "$name"
		printf 'VM_KREL=%s\n' "$rel"
		printf 'VM_HUNG_TASK_SECS=%s\n' "${HVLIS_VM_HUNG_TASK_SECS:-30}"
		printf 'VM_END=%s\n' "$sc_end"
		# /tmp is on the root disk: the failures of this boot only
		printf 'VM_FAILURES=/run/hvlis-vm.failures\n'
	} > "$pl/hvlis/env"
	# onto the tree: replace, never write through a hard link
	cp -a --remove-destination "$pl/." "$tree/" || return 1
	depmod -b "$tree" "$rel" || return 1
	if [ -n "$sc_has_prepare_image" ]; then
		VM_KREL=$rel bash -c '. "$1"; . "$2"; prepare_image "$3"' prep "$VM_DIR/lib.sh" "$scn" "$tree" ||
			{ echo "prepare_image failed" >&2; return 1; }
	fi

	rm -f "$VM_OUT/$name.root.img" "$VM_OUT/$name.data.img" "$VM_OUT/$name.vmlinuz" "$VM_OUT/$name.initrd"
	if [ "${sc_boot:-harness}" = image ]; then
		vm_sd_boot_files "$tree" "$VM_OUT/$name" || return 1
	fi
	mkfs.ext4 -q -F -L hvroot -d "$tree" "$VM_OUT/$name.root.img" "${sc_root_mb:-$VM_SD_ROOT_MB}M" >&2 ||
		return 1
	mkdir -p "$w/data"
	if [ -n "$sc_has_prepare_data" ]; then
		rm -rf "$w/data"
		mkdir -p "$w/data"
		VM_KREL=$rel bash -c '. "$1"; . "$2"; prepare_data "$3"' prep "$VM_DIR/lib.sh" "$scn" "$w/data" ||
			{ echo "prepare_data failed" >&2; return 1; }
	fi
	mkfs.ext4 -q -F -L hvdata -d "$w/data" "$VM_OUT/$name.data.img" "${sc_data_mb}M" >&2 || return 1
	rm -rf "$tree" "$pl"
}

# vm_sd_boot_files TREE OUT: VM_BOOT=image: the kernel and initramfs the
# tree's /vmlinuz and /initrd.img name (Debian's links to the newest
# kernel, kept by the kernel packages), resolved inside TREE, copied to
# OUT.vmlinuz and OUT.initrd
vm_sd_boot_files() {
	local tree=$1 out=$2 f l
	for f in vmlinuz initrd.img; do
		l=$(readlink "$tree/$f") || { echo "the image has no /$f link (VM_BOOT=image)" >&2; return 1; }
		case $l in
		/*) ;;
		*) l="/$l" ;;
		esac
		if [ ! -f "$tree$l" ] || [ -L "$tree$l" ]; then
			echo "the image's /$f names $l, which is no file" >&2
			return 1
		fi
		if [ "$f" = vmlinuz ]; then
			cp "$tree$l" "$out.vmlinuz" || return 1
		else
			cp "$tree$l" "$out.initrd" || return 1
		fi
	done
}

# vm_disk_check IMAGE: "clean" if the ext4 file system of IMAGE was
# unmounted cleanly and e2fsck -fn finds nothing; else the reasons, one per
# line, and non-zero
vm_disk_check() {
	local img=$1 hdr state feat bad=0 out
	if ! hdr=$(dumpe2fs -h "$img" 2> /dev/null); then
		echo "$(basename "$img"): dumpe2fs cannot read it"
		return 1
	fi
	state=$(sed -n 's/^Filesystem state: *//p' <<< "$hdr")
	feat=$(sed -n 's/^Filesystem features: *//p' <<< "$hdr")
	if [ "$state" != clean ]; then
		echo "$(basename "$img"): state '$state', not clean"
		bad=1
	fi
	if [[ " $feat " == *" needs_recovery "* ]]; then
		echo "$(basename "$img"): needs_recovery (the journal was not closed: no clean unmount)"
		bad=1
	fi
	if ! out=$(e2fsck -fn "$img" 2>&1); then
		echo "$(basename "$img"): e2fsck -fn: $(grep -v '^e2fsck [0-9]' <<< "$out" | head -n 3 | tr '\n' ' ')"
		bad=1
	fi
	[ "$bad" = 0 ] && echo clean
	[ "$bad" = 0 ]
}

# vm_sd_judge NAME SCENARIO LOG REL: the host's checks after a systemd
# scenario's VM; adds to the caller's reasons array (vm_run_scenario):
#   - VM_END=poweroff or none: the kernel's "reboot: Power down" follows
#     the marker (a clean power-off);
#   - unless VM_EXPECT_DIRTY=1: both images are clean (vm_disk_check);
#   - the scenario's check_disk ROOT_IMAGE DATA_IMAGE (bash, lib.sh
#     sourced; first output line = reason, stderr to NAME.check.log) if it
#     has one.
vm_sd_judge() {
	local name=$1 scn=$2 log=$3 rel=$4 img out
	local rimg="$VM_OUT/$name.root.img" dimg="$VM_OUT/$name.data.img"
	if [ "$sc_end" != sysrq-reboot ] && ! sed -n "/$VM_MARKER/,\$p" "$log" | grep -q 'reboot: Power down'; then
		reasons+=("no clean power-off after the result (no 'reboot: Power down')")
	fi
	if [ -z "$sc_expect_dirty" ]; then
		for img in "$rimg" "$dimg"; do
			out=$(vm_disk_check "$img") || reasons+=("disk: $(head -n 1 <<< "$out")")
		done
	fi
	if [ -n "$sc_has_check_disk" ]; then
		# stdout: the reason and details; stderr: notes kept in NAME.check.log
		if ! out=$(VM_KREL=$rel VM_LOG=$log bash -c '
			. "$1"; . "$2"; check_disk "$3" "$4"' check "$VM_DIR/lib.sh" "$scn" "$rimg" "$dimg" \
			2> "$VM_OUT/$name.check.log"); then
			reasons+=("check_disk: $(head -n 1 <<< "$out")")
			sed -n '2,20s/^/    | check_disk: /p' <<< "$out" >&2
		fi
	fi
}

# Helpers for check_disk (host side, read-only: debugfs opens the image
# without writing).
#   vm_img_cat IMAGE PATH      the file PATH of IMAGE on stdout
#   vm_img_exists IMAGE PATH   0 if PATH exists in IMAGE
#   vm_img_sha256 IMAGE PATH   sha256 of the file PATH of IMAGE
vm_img_cat() { debugfs -R "cat $2" "$1" 2> /dev/null; }
vm_img_exists() { debugfs -R "stat $2" "$1" 2>&1 | grep -q '^Inode: '; }
vm_img_sha256() { vm_img_cat "$1" "$2" | sha256sum | cut -d' ' -f1; }
