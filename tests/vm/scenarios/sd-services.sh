# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# sd-services: the integration services end to end, as on a Hyper-V VM: a
# Debian guest with systemd on ext4 disks, hvsim and hv_vmbus loaded at
# boot. The host then offers heartbeat, shutdown, time sync, KVP, VSS and
# file copy (hot add); udev loads hv_utils for them (MODALIAS), hv_utils
# creates /dev/vmbus/hv_kvp, hv_vss and hv_fcopy, and udev starts the
# three daemons through our rules and units (nothing here starts them by
# hand). Then, from the host's side:
#  - heartbeats are answered and the count advances;
#  - KVP: a value the host sets on the external pool lands in
#    /var/lib/hyperv/.kvp_pool_0 and reads back; the guest's intrinsics
#    (FullyQualifiedDomainName, OSName, OSVersion) come back from the
#    auto pool; IP injection for real: the host adds a network adapter,
#    udev loads hv_netvsc for it, systemd-networkd runs, and SET_IP_INFO
#    to that adapter's instance GUID is applied from inside the daemon's
#    sandbox, which cannot reach systemd (nsenter into its mount
#    namespace: systemd-run fails there, works outside) nor write
#    /etc/systemd/network: through hvlis-ifconfig.socket and its helper
#    service, which writes /etc/systemd/network/10-hyperv-IF.network and
#    has networkd apply it; the adapter then has the injected address and
#    reaches the host side (hvsimnet0 in namespace "hs"), and GET_IP_INFO
#    of its MAC reports that address;
#  - time sync: a SYNC 30 s ahead moves the guest clock by 30 s (+-2 s);
#  - VSS: a freeze blocks a writer on /data until the thaw;
#  - file copy: a 10 MiB file arrives under /data/incoming (CREATE_PATH),
#    CRC-32 as the host sent it (the host's check_disk reads it back from
#    the data image); the same name is refused without OVER_WRITE and
#    replaced with it; a cancelled copy leaves nothing; with the daemon
#    stopped the host gets a failure;
#  - shutdown: the host's power-off request is answered, and systemd then
#    powers the VM off on its own (check_log: the kernel's "reboot: Power
#    down" after the request); both file systems are clean afterwards
#    (the harness's disk check).
# One thing differs from Hyper-V: the units' ConditionVirtualization=
# microsoft cannot hold under QEMU (systemd-detect-virt says qemu, from
# CPUID, whatever SMBIOS says), so prepare_image adds a drop-in that
# clears that one condition; everything else about the units is as
# packaged.

# shellcheck disable=SC2034
VM_ROOTFS=systemd
# shellcheck disable=SC2034
VM_TIMEOUT=420
# shellcheck disable=SC2034
VM_HVLIS_LOAD="hvsim hv_vmbus"
# shellcheck disable=SC2034
VM_MODPROBE_CONF="options hv_vmbus transport=hvsim"
# shellcheck disable=SC2034
VM_DATA_MB=96
# the network adapter SET_IP_INFO configures
MAC=00:15:5d:00:05:31
# the host powers the VM off: the runner must not
# shellcheck disable=SC2034
VM_END=none

UNITS="hv-kvp-daemon.service hv-vss-daemon.service hv-fcopy-daemon.service"

# wait_for WHAT SECS COMMAND...: poll COMMAND every 0.2 s
wait_for() {
	local what=$1 n=$(($2 * 5))
	shift 2
	while ! "$@" > /dev/null 2>&1; do
		n=$((n - 1))
		if [ "$n" -le 0 ]; then
			vm_fail "$what: not within the time allowed"
			return 1
		fi
		sleep 0.2
	done
	vm_log "ok: $what"
}

# host side: the drop-ins that clear ConditionVirtualization (see above);
# ethq (tests/vm/guest, the image has no ethtool) for the adapter's
# channels and offloads
prepare_image() {
	local u
	mkdir -p "$1/usr/local/sbin"
	cc -O2 -Wall -Wextra -Werror -o "$1/usr/local/sbin/ethq" "$VM_DIR/guest/ethq.c" || return 1
	for u in $UNITS; do
		mkdir -p "$1/etc/systemd/system/$u.d"
		printf '[Unit]\n# hvlis VM test: QEMU is not Hyper-V to systemd-detect-virt\nConditionVirtualization=\n' \
			> "$1/etc/systemd/system/$u.d/hvlis-test.conf"
	done
}

# demo TEXT / demo_lines: lines make demo prints (scripts/demo.sh)
demo() { printf 'DEMO: %s\n' "$*"; }
demo_lines() { sed 's/^/DEMO:   /'; }

kvp_ok() {
	sim_ic kvp "$@" || vm_fail "kvp $*: the host got no answer"
	expect "kvp $*: status" "$(ic_field kvp kvp_status)" 0x00000000
}

# CRC-32 (zlib's) of a file, from the gzip trailer: 8 hex digits
crc_of() {
	gzip -c < "$1" | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n'
}

# ip_inject: the host's SET_IP_INFO configures the adapter of $MAC for real
ip_inject() {
	local eth guid pid f out

	sim_ctl add net mac=$MAC
	wait_for "hv_netvsc loaded by udev" 30 test -d /sys/module/hv_netvsc
	wait_for "the adapter's interface" 30 net_eth $MAC
	eth=$(net_eth $MAC)
	guid=$(cat "/sys/class/net/$eth/device/device_id")
	mkdir -p /run/netns
	if ! { ip netns add hs && ip link set hvsimnet0 netns hs && ip -n hs link set lo up &&
		ip -n hs addr add 192.0.2.2/24 dev hvsimnet0 && ip -n hs link set hvsimnet0 up; }; then
		vm_fail "host side: hvsimnet0 not set up in namespace hs"
	fi
	systemctl start systemd-networkd || vm_fail "systemd-networkd did not start"
	wait_for "systemd-networkd's state file" 30 test -f /run/systemd/netif/state

	grep -q -- '^ExecStart=.* --ifconfig-socket /run/hvlis-ifconfig.sock' /usr/lib/systemd/system/hv-kvp-daemon.service ||
		vm_fail "the packaged KVP unit does not use the helper socket"
	systemctl is-active -q hvlis-ifconfig.socket || vm_fail "hvlis-ifconfig.socket is not listening"
	pid=$(systemctl show -p MainPID --value hv-kvp-daemon.service)
	# (no --wait: that needs a D-Bus daemon, which the root file system
	# lacks; without it root's systemd-run talks to /run/systemd/private)
	systemd-run --quiet --unit=hvlis-test-control true ||
		vm_fail "control: systemd-run does not work outside the sandbox"
	if nsenter -t "$pid" -m systemd-run --quiet --unit=hvlis-test-sandbox true 2> /run/sandbox-run.err; then
		vm_fail "systemd-run works from inside the KVP daemon's sandbox"
	else
		vm_log "ok: systemd-run from the KVP daemon's mount namespace fails: $(head -n 1 /run/sandbox-run.err)"
	fi
	nsenter -t "$pid" -m sh -c 'mkdir -p /etc/systemd/network && echo x > /etc/systemd/network/hvlis-probe' 2> /dev/null &&
		vm_fail "/etc/systemd/network is writable in the KVP daemon's sandbox"

	kvp_ok set_ip_info "$guid" 0 192.0.2.8 255.255.255.0 192.0.2.1 192.0.2.53
	f=/etc/systemd/network/10-hyperv-$eth.network
	[ -f "$f" ] || vm_fail "set_ip_info wrote no $f"
	vm_detail "networkd configuration written by the helper" < "$f"
	if ! { grep -qx "Address=192.0.2.8/24" "$f" && grep -qx "Gateway=192.0.2.1" "$f" &&
		grep -qx "DNS=192.0.2.53" "$f"; }; then
		vm_fail "$f lacks the address, gateway or DNS server"
	fi
	journalctl --no-pager -q -u 'hvlis-ifconfig@*' | grep -q "$eth configured (networkd)" ||
		vm_fail "the helper service did not log the configuration"
	journalctl --no-pager -q -u 'hvlis-ifconfig@*' | vm_detail "hvlis-ifconfig@ journal"
	wait_for "192.0.2.8 on $eth" 30 sh -c "ip -4 -o addr show dev $eth | grep -q ' 192.0.2.8/24 '"
	# the host side answers a TCP connection to a closed port with a reset
	out=$(timeout 10 bash -c 'exec 3<> /dev/tcp/192.0.2.2/9' 2>&1)
	case $out in
	*"Connection refused"*)
		vm_log "ok: the host side answered from 192.0.2.2 (connection refused)"
		demo "# guest -> host side (192.0.2.2, namespace hs), TCP to a closed port: $out"
		;;
	*) vm_fail "no answer from the host side at 192.0.2.2: $out" ;;
	esac
	kvp_ok get_ip_info "$MAC"
	case " $(ic_field kvp kvp_ip) " in
	*192.0.2.8*) ;;
	*) vm_fail "get_ip_info $MAC: address list '$(ic_field kvp kvp_ip)' lacks 192.0.2.8" ;;
	esac
	demo "# host: a network adapter (MAC $MAC); udev loaded hv_netvsc: $eth"
	demo "# host: SET_IP_INFO 192.0.2.8/24 gateway 192.0.2.1 DNS 192.0.2.53 to $guid"
	demo "# the KVP daemon (no way out of its sandbox) handed it to hvlis-ifconfig@.service,"
	demo "# which wrote $f and had systemd-networkd apply it:"
	demo "\$ ip -4 addr show dev $eth"
	ip -4 addr show dev "$eth" | demo_lines
	demo "# host: GET_IP_INFO $MAC -> addresses $(ic_field kvp kvp_ip), DHCP $(ic_field kvp kvp_dhcp)"
	demo "\$ ethtool -l $eth; ethtool -k $eth   (the image has no ethtool: tests/vm/guest/ethq.c)"
	{ /usr/local/sbin/ethq "$eth" channels && /usr/local/sbin/ethq "$eth" offload; } > /run/ethq.out 2>&1 ||
		vm_fail "ethq $eth: $(cat /run/ethq.out)"
	demo_lines < /run/ethq.out
}

guest() {
	local k u t0 t1 pid n

	expect "system state" "$SD_STATE" running
	for k in heartbeat shutdown timesync kvp vss fcopy; do
		sim_ctl add "$k"
	done
	wait_for "hv_utils loaded by udev" 30 test -d /sys/module/hv_utils
	for k in hv_kvp hv_vss hv_fcopy; do
		wait_for "/dev/vmbus/$k" 30 test -c "/dev/vmbus/$k"
	done
	for u in $UNITS; do
		wait_for "$u started by udev" 60 systemctl is-active -q "$u"
	done
	udevadm settle -t 30 || vm_fail "udevadm settle timed out"
	lsvmbus | vm_detail "lsvmbus"
	demo "# lsvmbus"
	lsvmbus | demo_lines
	demo "# systemctl is-active $UNITS   (started by udev when hv_utils made /dev/vmbus/*)"
	# shellcheck disable=SC2086 # a list of names
	systemctl is-active $UNITS | tr '\n' ' ' | demo_lines
	for k in heartbeat shutdown timesync kvp vss fcopy; do
		wait_ic "$k" negotiated 1 || vm_fail "$k: no negotiation"
	done
	vm_detail "host ic state" < "$HVSIM/ic"

	# heartbeat
	sim_ic heartbeat beat 5 || vm_fail "heartbeats failed"
	sim_ic heartbeat beat 5 || vm_fail "heartbeats failed"
	expect "heartbeats answered" "$(ic_field heartbeat heartbeat_ok)" 10

	# KVP: the host's value in the guest's pool; the guest's intrinsics back
	kvp_ok set 0 hvlis-demo "set by the host"
	wait_for "the host's key in .kvp_pool_0" 10 grep -qa hvlis-demo /var/lib/hyperv/.kvp_pool_0
	kvp_ok get 0 hvlis-demo
	expect "kvp get: value" "$(ic_field kvp kvp_value)" "set_by_the_host"
	demo "# host: KVP set, pool 0 (external): hvlis-demo = 'set by the host'; in the guest:"
	demo "\$ tr -s '\\0' '\\n' < /var/lib/hyperv/.kvp_pool_0   (key, then value)"
	tr -s '\0' '\n' < /var/lib/hyperv/.kvp_pool_0 | demo_lines
	demo "# host: KVP enumerate, pool 2 (the guest's intrinsics):"
	for n in 0 5 8; do
		kvp_ok enumerate 2 "$n"
		vm_log "auto pool $n: $(ic_field kvp kvp_key) = $(ic_field kvp kvp_value)"
		demo "  $(ic_field kvp kvp_key) = $(ic_field kvp kvp_value | tr _ ' ')"
		[ "$(ic_field kvp kvp_value)" != - ] || vm_fail "auto pool $n: empty value"
	done
	kvp_ok enumerate 2 0
	expect "auto pool 0: key" "$(ic_field kvp kvp_key)" FullyQualifiedDomainName
	kvp_ok enumerate 2 5
	expect "auto pool 5: key" "$(ic_field kvp kvp_key)" OSName

	# SET_IP_INFO from inside the KVP daemon's sandbox (issue 16, item 19),
	# applied for real to a netvsc adapter (issue 14)
	ip_inject

	# time sync: 30 s ahead
	t0=$(date +%s)
	sim_ic timesync sync 30000 || vm_fail "time sync: the host got no answer"
	sleep 1
	t1=$(date +%s)
	n=$((t1 - t0))
	vm_log "the clock moved by $n s over a +30 s SYNC and a 1 s sleep"
	[ "$n" -ge 29 ] && [ "$n" -le 33 ] || vm_fail "the clock moved by $n s, not about 31"
	sim_ic timesync sync 0 || vm_fail "time sync back: no answer"

	# VSS: a writer on /data blocks while the host has it frozen
	sim_ic vss freeze || vm_fail "vss freeze: the host got no answer"
	expect "vss freeze: status" "$(ic_field vss vss_status)" 0x00000000
	(echo "written while frozen" > /data/frozen.txt && sync /data/frozen.txt &&
		echo done > /run/writer.done) &
	pid=$!
	sleep 2
	[ ! -e /run/writer.done ] || vm_fail "a write to /data completed while the host had it frozen"
	sim_ic vss thaw || vm_fail "vss thaw: the host got no answer"
	expect "vss thaw: status" "$(ic_field vss vss_status)" 0x00000000
	wait_for "the writer finished after the thaw" 15 test -e /run/writer.done
	wait "$pid"

	# file copy: 10 MiB, into a directory that does not exist yet
	sim_ic fcopy copy big.bin /data/incoming 2 10485760 ||
		vm_fail "fcopy: the host got no answer"
	expect "fcopy: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	expect "fcopy: size" "$(stat -c %s /data/incoming/big.bin 2> /dev/null)" 10485760
	expect "fcopy: CRC-32" "$(crc_of /data/incoming/big.bin)" "$(ic_field fcopy fcopy_crc)"
	ic_field fcopy fcopy_crc > /data/incoming/big.crc
	# the same name again: refused without OVER_WRITE, replaced with it
	sim_ic fcopy copy small.bin /data/incoming 2 4096 || vm_fail "fcopy small: no answer"
	expect "fcopy small: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	sim_ic fcopy copy small.bin /data/incoming 2 8192 || vm_fail "fcopy small again: no answer"
	expect "fcopy without OVER_WRITE: status" "$(ic_field fcopy fcopy_status)" 0x80070050
	expect "fcopy without OVER_WRITE: size kept" "$(stat -c %s /data/incoming/small.bin)" 4096
	sim_ic fcopy copy small.bin /data/incoming 3 8192 || vm_fail "fcopy OVER_WRITE: no answer"
	expect "fcopy with OVER_WRITE: status" "$(ic_field fcopy fcopy_status)" 0x00000000
	expect "fcopy with OVER_WRITE: size" "$(stat -c %s /data/incoming/small.bin)" 8192
	# a cancelled copy leaves nothing behind
	sim_ic fcopy copy cancelled.bin /data/incoming 2 1048576 cancel_at=20 ||
		vm_fail "fcopy cancel: no answer"
	expect "/data/incoming after a cancelled copy" "$(ls -A /data/incoming | tr '\n' ' ')" \
		"big.bin big.crc small.bin "
	# no daemon: the host gets a failure at once
	systemctl stop hv-fcopy-daemon.service || vm_fail "cannot stop hv-fcopy-daemon"
	t0=$(cut -d' ' -f1 /proc/uptime)
	sim_ic fcopy copy nodaemon.bin /data/incoming 2 4096 || vm_fail "fcopy without a daemon: no answer"
	t1=$(cut -d' ' -f1 /proc/uptime)
	vm_log "fcopy without a daemon answered after $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
	expect "fcopy without a daemon: status" "$(ic_field fcopy fcopy_status)" 0x80004005
	[ ! -e /data/incoming/nodaemon.bin ] || vm_fail "a file arrived without a daemon"
	systemctl start hv-fcopy-daemon.service || vm_fail "cannot start hv-fcopy-daemon again"
	ls -la /data/incoming | vm_detail "/data/incoming"

	# shutdown: the result first (the runner dies with everything else),
	# then the host asks the guest to power off; systemd does the rest
	demo "# host: shutdown (power off); the guest's log and systemd take over:"
	vm_result
	vm_log "the host asks for a power-off"
	sim_ic shutdown request 0 hvlis test || vm_log "FAIL: the shutdown request got no answer"
	vm_log "shutdown answered: $(ic_field shutdown last_status)"
	sleep 600
}

# The kernel's lines and the guest's reach the serial console on different
# paths, so their order there is not the order they happened in: only the
# guest's own lines are looked for after the result marker.
check_log() {
	local after
	after=$(sed -n '/HVLIS-VM-RESULT:/,$p' "$1")
	if ! printf '%s\n' "$after" | grep -q "shutdown answered: 0x00000000"; then
		echo "the guest did not answer the host's shutdown request with HV_S_OK"
		return 1
	fi
	if ! grep -q "hv_utils: shutdown requested by the host: powering off" "$1"; then
		echo "hv_utils did not log the host's shutdown request"
		return 1
	fi
	if ! printf '%s\n' "$after" | grep -q "reboot: Power down"; then
		echo "the guest did not power off after the host's request"
		return 1
	fi
}

check_disk() {
	local want got
	want=$(vm_img_cat "$2" /incoming/big.crc)
	[ -n "$want" ] || { echo "no /incoming/big.crc on the data image"; return 1; }
	got=$(vm_img_cat "$2" /incoming/big.bin | gzip -c | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n')
	[ "$got" = "$want" ] || { echo "big.bin on the data image has CRC-32 $got, the host sent $want"; return 1; }
	[ "$(vm_img_cat "$2" /frozen.txt)" = "written while frozen" ] ||
		{ echo "frozen.txt on the data image is not what the guest wrote"; return 1; }
	vm_img_cat "$1" /var/lib/hyperv/.kvp_pool_0 | grep -qa hvlis-demo ||
		{ echo "the host's KVP key is not in .kvp_pool_0 on the root image"; return 1; }
	echo "data image: big.bin CRC-32 $got as sent; root image: the host's KVP key in .kvp_pool_0" >&2
}
