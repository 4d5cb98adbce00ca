# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# ic-inbox: Debian's own daemons (package hyperv-daemons, the in-box
# hv_kvp_daemon, hv_vss_daemon and hv_fcopy_daemon, fetched unpacked by
# tests/bench/inbox.sh, never installed) against hvlis's hv_utils on the
# simulated host: the user ABI is the in-box driver's, so they register and
# serve KVP (pools, UTF-16 keys and values, the auto pool), VSS (freeze and
# thaw of an ext4 file system on a RAM disk: Debian's VSS daemon leaves
# loop devices alone) and file copy (1 MiB byte for byte, cancel; Debian's
# file copy daemon reads the device with pread()).

# shellcheck disable=SC2034
VM_TIMEOUT=240
# shellcheck disable=SC2034
VM_KMODS="brd crc32c_generic ext4"
if [ -n "${VM_TOP:-}" ]; then
	# On the host, where the harness reads the settings: Debian's daemons.
	# Without them the initramfs cannot be built and the scenario fails.
	INBOX=$(bash "$VM_TOP/tests/bench/inbox.sh" 2> /dev/null | cut -d' ' -f1)
	INBOX=${INBOX%/hv_kvp_daemon}
	# shellcheck disable=SC2034
	VM_BINARIES="mke2fs"
	for d in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon; do
		VM_BINARIES="$VM_BINARIES ${INBOX:-/nonexistent}/$d=/opt/inbox/$d"
	done
fi

kvp_ok() {
	sim_ic kvp "$@" || vm_fail "kvp $*: the host got no answer"
	expect "kvp $*: status" "$(ic_field kvp kvp_status)" 0x00000000
}
writes_blocked() {
	rm -f /tmp/wrote
	( echo "$1" > /mnt/vss/probe && sync -f /mnt/vss/probe 2> /dev/null; touch /tmp/wrote ) &
	sleep 1
	[ ! -e /tmp/wrote ]
}

guest() {
	local s kp vp fp

	# the full path: busybox sh runs its own applets before PATH
	/usr/sbin/mke2fs -q -t ext4 -F /dev/ram0 || vm_fail "mke2fs on /dev/ram0 failed"
	mkdir -p /mnt/vss /var/lib/hyperv /tmp/in
	mount -t ext4 /dev/ram0 /mnt/vss || vm_fail "cannot mount the ext4 file system"
	# Debian's daemon finds the host name's FQDN with getaddrinfo()
	hostname inboxguest
	echo "127.0.1.1 inboxguest" > /etc/hosts
	echo "hosts: files" > /etc/nsswitch.conf

	sim_start
	for s in kvp vss fcopy; do
		sim_ctl add "$s"
	done
	vmbus_load || vm_fail "insmod hv_vmbus transport=hvsim failed"
	kmsg_mark
	utils_load daemon_timeout=5 || vm_fail "insmod hv_utils failed"
	for s in kvp vss fcopy; do
		wait_ic "$s" negotiated 1 || vm_fail "$s: no negotiation within 10 s"
	done

	# Debian's daemons log to syslog only
	syslogd -O /tmp/syslog || vm_fail "syslogd did not start"
	/opt/inbox/hv_kvp_daemon -n > /tmp/kvpd.log 2>&1 &
	kp=$!
	/opt/inbox/hv_vss_daemon -n > /tmp/vssd.log 2>&1 &
	vp=$!
	/opt/inbox/hv_fcopy_daemon -n > /tmp/fcd.log 2>&1 &
	fp=$!
	for s in kvp vss fcopy; do
		expect_kmsg "Debian's $s daemon registered" "$s: daemon registered on /dev/vmbus/hv_$s"
	done

	# KVP
	kvp_ok set 0 alpha one two
	tr '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | grep -qx "one two" ||
		vm_fail "Debian's daemon did not write alpha to .kvp_pool_0"
	kvp_ok get 0 alpha
	expect "get alpha" "$(ic_field kvp kvp_value)" one_two
	kvp_ok set 1 grüße "żółw 🐢"
	kvp_ok get 1 grüße
	expect "non-ASCII round trip" "$(ic_field kvp kvp_value)" "żółw_🐢"
	kvp_ok enumerate 0 0
	expect "enumerate 0 0: key" "$(ic_field kvp kvp_key)" alpha
	kvp_ok enumerate 2 0
	expect "auto pool 0: key" "$(ic_field kvp kvp_key)" FullyQualifiedDomainName
	expect "auto pool 0: value" "$(ic_field kvp kvp_value)" inboxguest
	kvp_ok delete 0 alpha
	sim_ic kvp get 0 alpha || vm_fail "get after delete: no answer"
	[ "$(ic_field kvp kvp_status)" != 0x00000000 ] || vm_fail "get of a deleted key succeeded"

	# VSS
	sim_ic vss hot_backup || vm_fail "hot_backup: no answer"
	expect "hot backup: status" "$(ic_field vss vss_status)" 0x00000000
	expect "hot backup: flags" "$(ic_field vss vss_flags)" 0x5
	sim_ic vss freeze || vm_fail "freeze: no answer"
	expect "freeze: status" "$(ic_field vss vss_status)" 0x00000000
	writes_blocked frozen || vm_fail "a write went through a frozen file system"
	sim_ic vss thaw || vm_fail "thaw: no answer"
	expect "thaw: status" "$(ic_field vss vss_status)" 0x00000000
	sleep 1
	[ -e /tmp/wrote ] || vm_fail "the write blocked by the freeze did not finish after THAW"

	# File copy
	# Debian's daemon makes with CREATE_PATH only the directories followed
	# by a '/' in the path: /tmp/in/sub alone fails ("Open Failed").
	sim_ic fcopy copy big.bin /tmp/in/sub/ 2 1048576 seed=4 || vm_fail "copy: no answer"
	expect "copy: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	expect "copy: failed operation" "$(ic_field fcopy fcopy_failed_op)" -1
	[ -f /tmp/in/sub/big.bin ] || vm_fail "no /tmp/in/sub/big.bin"
	expect "copy: CRC-32" "$(crc32 /tmp/in/sub/big.bin | cut -d' ' -f1)" "$(ic_field fcopy fcopy_crc)"
	sim_ic fcopy copy "é-😀.txt" /tmp/in 0 3000 seed=8 || vm_fail "copy: no answer"
	expect "non-ASCII name: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	expect "non-ASCII name: CRC-32" "$(crc32 "/tmp/in/é-😀.txt" | cut -d' ' -f1)" \
		"$(ic_field fcopy fcopy_crc)"
	sim_ic fcopy copy c.bin /tmp/in 0 100000 cancel_at=2 || vm_fail "cancel: no answer"
	expect "cancel: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	[ -e /tmp/in/c.bin ] && vm_fail "Debian's daemon left c.bin after a cancel"

	kill "$kp" "$vp" "$fp"
	wait "$kp" "$vp" "$fp"
	vm_detail "Debian's daemons' syslog" < /tmp/syslog
	vm_detail "host ic state" < "$HVSIM/ic"
	umount /mnt/vss || vm_fail "umount failed"
	rmmod hv_utils || vm_fail "rmmod hv_utils failed"
	vmbus_unload || vm_fail "rmmod hv_vmbus failed"
}
