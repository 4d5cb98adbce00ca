#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the userspace daemons (daemons/) and their scripts and units.
# Prints one "PASS: daemons/..." or "FAIL: daemons/...: why" line per case
# and exits non-zero if any failed. A missing tool is a FAIL, never a skip.
#
#   tests/daemons/run.sh              everything (about 2 minutes)
#   CRASH_ITERATIONS=100 FUZZ_SECONDS=2 tests/daemons/run.sh   quicker
#   tests/daemons/run.sh build options scripts asan valgrind crash fuzz units abi interop tools stack
#
#   build     the daemons plain, with ASan/UBSan, with clang; the peers; an
#             install into a DESTDIR
#   options   --help, --version, bad options, a missing device
#   scripts   hv_get_dns_info, hv_get_dhcp_info, hv_set_ifconfig on fake roots
#   asan, valgrind
#             kvp_peer, vss_peer and fcopy_peer (fake kernels) against the ASan build /
#             the plain build under valgrind (asan: fcopy also with its fallbacks,
#             --no-openat2 --no-tmpfile)
#   crash     kill -9 the KVP daemon at random points of a stream of SETs and
#             DELETEs (CRASH_ITERATIONS, default 1000); pools must stay valid
#   fuzz      one libFuzzer harness per message handler (FUZZ_SECONDS each, or
#             FUZZ_RUNS executions; FUZZ_CORPUS: keep the corpora there), each
#             failing below its coverage floor (tests/fuzz/floors.txt)
#   units     systemd-analyze verify, the udev rules, man page warnings
#   abi       the message layouts against the kernel's <linux/hyperv.h>
#   tools     lsvmbus's options; hvlis-status (ASan/UBSan build) against fake
#             root trees in every state, text, JSON and exit statuses (tools.sh)
#   stack     no silent loss of devices: hvlis-kmod check-devices/activate on
#             fake sysfs and module trees, the real depmod on what activate
#             writes, hvlis-status on each state; the device-class table
#             against the modules' sources (stack.sh)
#   interop   Debian's in-box hv_kvp_daemon (hyperv-daemons, fetched with
#             apt-get download, never installed) and ours driven by the same
#             fake kernel: register, SET/GET/ENUMERATE/DELETE round trips,
#             pool files (tests/bench/kvp_bench.c, a short --check run)
#
# Everything is built and run under tests/build/daemons/; nothing is
# installed. Needs root: the KVP tests run in a private network namespace
# (unshare -n) with a veth, so GET_IP_INFO has a known interface to report;
# the VSS tests freeze loop-mounted images in a private mount namespace.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
B=$top/tests/build/daemons
CRASH_ITERATIONS=${CRASH_ITERATIONS:-1000}
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
fails=0
mkdir -p "$B/logs"

pass() { echo "PASS: daemons/$1"; }
fail() {
	echo "FAIL: daemons/$1: $2"
	fails=$((fails + 1))
}
# check NAME COMMAND...: PASS if the command succeeds, else FAIL with its output.
check() {
	local name=$1 log
	shift
	log=$B/logs/$(echo "$name" | tr / _).log
	if "$@" > "$log" 2>&1; then pass "$name"; else fail "$name" "'$*' failed: $(tail -n 5 "$log" | tr '\n' ' ')"; fi
}
ms() { echo $(($(date +%s%N) / 1000000)); }
timed() { # label start
	echo "# $1: $(($(ms) - $2)) ms"
}
need() { # tool package
	command -v "$1" > /dev/null 2>&1 && return 0
	fail "tools/$1" "$1 is not installed (apt-get install $2)"
	return 1
}

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
SAN_ARGS=("-fsanitize=address,undefined" -fno-sanitize-recover=all)
PEER_CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -O1 "-I$top/daemons/kvp" "-I$top/daemons/vss" "-I$top/daemons/fcopy" "-I$top/daemons/lib" "-I$top/modules/include")

build() {
	local t
	t=$(ms)
	check build/plain make -s -C "$top/daemons" BUILD="$B/plain" CC=gcc CFLAGS="-O2 -g -D_FORTIFY_SOURCE=2"
	check build/asan make -s -C "$top/daemons" BUILD="$B/asan" CC=gcc CFLAGS="-O1 -g $SAN" LDFLAGS="$SAN"
	need clang clang && check build/clang make -s -C "$top/daemons" BUILD="$B/clang" CC=clang CFLAGS="-O2 -g"
	check build/default make -s -C "$top/daemons"
	check build/peer-asan gcc "${PEER_CFLAGS[@]}" "${SAN_ARGS[@]}" -o "$B/kvp_peer.asan" "$here/kvp_peer.c"
	check build/peer gcc "${PEER_CFLAGS[@]}" -o "$B/kvp_peer" "$here/kvp_peer.c"
	check build/vss-peer gcc "${PEER_CFLAGS[@]}" -o "$B/vss_peer" "$here/vss_peer.c"
	check build/slow-freeze-shim gcc -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o "$B/slow_freeze.so" "$here/slow_freeze.c" -ldl
	check build/fcopy-peer gcc "${PEER_CFLAGS[@]}" -o "$B/fcopy_peer" "$here/fcopy_peer.c"
	check build/install-tree sh -c "rm -rf '$B/destdir' && make -s -C '$top/daemons' BUILD='$B/plain-install' install DESTDIR='$B/destdir' PREFIX=/usr &&
		test -x '$B/destdir/usr/sbin/hv_kvp_daemon' && test -x '$B/destdir/usr/sbin/hv_vss_daemon' &&
		test -x '$B/destdir/usr/sbin/hv_fcopy_daemon' &&
		test -f '$B/destdir/usr/lib/systemd/system/hv-fcopy-daemon.service' &&
		test -f '$B/destdir/usr/share/man/man8/hv_fcopy_daemon.8' &&
		test -x '$B/destdir/usr/libexec/hvlis/hv_set_ifconfig' &&
		test -f '$B/destdir/usr/lib/systemd/system/hv-vss-daemon.service' &&
		test -f '$B/destdir/usr/share/man/man8/hv_kvp_daemon.8' &&
		test -f '$B/destdir/usr/lib/systemd/system/hv-kvp-daemon.service' &&
		test -f '$B/destdir/usr/lib/udev/rules.d/70-hvlis-daemons.rules' &&
		test -x '$B/destdir/usr/sbin/lsvmbus' && test -x '$B/destdir/usr/sbin/hvlis-status' &&
		test -f '$B/destdir/usr/share/man/man8/hvlis-status.8' &&
		test \"\$(readlink '$B/destdir/usr/lib/systemd/system/hypervkvpd.service')\" = hv-kvp-daemon.service &&
		test \"\$(readlink '$B/destdir/usr/lib/systemd/system/hypervvssd.service')\" = hv-vss-daemon.service &&
		test \"\$(readlink '$B/destdir/usr/lib/systemd/system/hypervfcopyd.service')\" = hv-fcopy-daemon.service &&
		strings '$B/destdir/usr/sbin/hv_kvp_daemon' | grep -qx /usr/libexec/hvlis"
	timed build "$t"
}

options() {
	local d=$B/plain/hv_kvp_daemon out rc ver
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
	out=$("$d" --help 2>&1)
	rc=$?
	if [ $rc = 0 ] && echo "$out" | grep -q -- '--pool-dir DIR' && echo "$out" | grep -q -- '--no-daemon'; then
		pass options/help
	else fail options/help "exit $rc: $out"; fi
	out=$("$d" --version 2>&1)
	if [ "$out" = "hv_kvp_daemon (hvlis) $ver" ]; then pass options/version; else fail options/version "'$out'"; fi
	local v=$B/plain/hv_vss_daemon
	out=$("$v" --help 2>&1)
	if echo "$out" | grep -q -- '--thaw-timeout SECONDS' && [ "$("$v" --version)" = "hv_vss_daemon (hvlis) $ver" ]; then
		pass options/vss-help-version
	else fail options/vss-help-version "$out"; fi
	"$v" --thaw-timeout 0 > /dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then pass options/vss-bad-value; else fail options/vss-bad-value "exit $rc, want 2"; fi
	out=$("$v" -n --device "$B/nonexistent" 2>&1)
	rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -q "cannot open $B/nonexistent"; then
		pass options/vss-no-device
	else fail options/vss-no-device "exit $rc: $out"; fi
	local fc=$B/plain/hv_fcopy_daemon
	out=$("$fc" --help 2>&1)
	if echo "$out" | grep -q -- '--device PATH' && [ "$("$fc" --version)" = "hv_fcopy_daemon (hvlis) $ver" ]; then
		pass options/fcopy-help-version
	else fail options/fcopy-help-version "$out"; fi
	out=$("$fc" -n --device "$B/nonexistent" 2>&1)
	rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -q "cannot open $B/nonexistent"; then
		pass options/fcopy-no-device
	else fail options/fcopy-no-device "exit $rc: $out"; fi
	"$d" --bogus > /dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then pass options/bad-option; else fail options/bad-option "exit $rc, want 2"; fi
	"$d" --max-records 0 > /dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then pass options/bad-value; else fail options/bad-value "exit $rc, want 2"; fi
	out=$("$d" -n --device "$B/nonexistent" --pool-dir "$B/opt-pools" 2>&1)
	rc=$?
	if [ $rc = 1 ] && echo "$out" | grep -q "cannot open $B/nonexistent: No such file"; then
		pass options/no-device
	else fail options/no-device "exit $rc: $out"; fi
}

# The scripts, against fake root trees (HVLIS_ROOT).
scripts() {
	local r=$B/scripts s=$top/scripts out f
	need shellcheck shellcheck && check scripts/shellcheck shellcheck -s sh "$s/hv_get_dns_info" "$s/hv_get_dhcp_info" "$s/hv_set_ifconfig"
	check scripts/shellcheck-tests shellcheck "$here/run.sh" "$here/tools.sh" "$here/stack.sh"
	rm -rf "$r" && mkdir -p "$r/plain/etc" "$r/resolved/etc" "$r/resolved/run/systemd/resolve"
	printf '# x\nsearch example.com\nnameserver 192.0.2.53\nnameserver  2001:db8::53 # c\nnameserver bogus;rm\noptions ndots:1\n' > "$r/plain/etc/resolv.conf"
	printf 'nameserver 127.0.0.53\n' > "$r/resolved/etc/resolv.conf"
	printf 'nameserver 198.51.100.1\n' > "$r/resolved/run/systemd/resolve/resolv.conf"
	out=$(HVLIS_ROOT=$r/plain NMCLI=/nonexistent "$s/hv_get_dns_info" eth0 | tr '\n' ' ')
	if [ "$out" = "192.0.2.53 2001:db8::53 " ]; then pass scripts/dns-resolv-conf; else fail scripts/dns-resolv-conf "'$out'"; fi
	out=$(HVLIS_ROOT=$r/resolved NMCLI=/nonexistent "$s/hv_get_dns_info" | tr '\n' ' ')
	if [ "$out" = "198.51.100.1 " ]; then pass scripts/dns-resolved; else fail scripts/dns-resolved "'$out'"; fi
	if ! "$s/hv_get_dns_info" 'eth0;reboot' > /dev/null 2>&1; then pass scripts/dns-bad-name; else fail scripts/dns-bad-name "accepted"; fi

	mkdir -p "$r/deb/etc/network/interfaces.d" "$r/rh/etc/sysconfig/network-scripts" "$r/leases/var/lib/dhcp" "$r/none/etc"
	printf 'auto lo\niface lo inet loopback\niface eth0 inet dhcp\n' > "$r/deb/etc/network/interfaces"
	printf 'iface eth1 inet static\n  address 192.0.2.9/24\n' > "$r/deb/etc/network/interfaces.d/eth1"
	printf 'DEVICE=eth0\nBOOTPROTO="dhcp"\n' > "$r/rh/etc/sysconfig/network-scripts/ifcfg-eth0"
	printf 'DEVICE=eth1\nBOOTPROTO=none\n' > "$r/rh/etc/sysconfig/network-scripts/ifcfg-eth1"
	printf 'lease {\n  interface "eth0";\n}\n' > "$r/leases/var/lib/dhcp/dhclient.eth0.leases"
	out=""
	for c in deb:eth0:Enabled deb:eth1:Disabled rh:eth0:Enabled rh:eth1:Disabled leases:eth0:Enabled leases:eth1:Disabled none:eth0:Disabled; do
		IFS=: read -r root dev want <<< "$c"
		got=$(HVLIS_ROOT=$r/$root NMCLI=/nonexistent HVLIS_SYSFS_NET=$r/none "$s/hv_get_dhcp_info" "$dev")
		[ "$got" = "$want" ] || out="$out $root/$dev=$got(want $want)"
	done
	if [ -z "$out" ]; then pass scripts/dhcp-sources; else fail scripts/dhcp-sources "$out"; fi

	cp "$here/set_ifconfig.settings" "$r/settings"
	for backend in nm networkd ifcfg ifupdown; do
		rm -rf "$r/set-$backend" && mkdir -p "$r/set-$backend/etc/network"
		printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n\thostname x\n\nauto eth1\niface eth1 inet dhcp\n' \
			> "$r/set-$backend/etc/network/interfaces"
		if ! HVLIS_ROOT=$r/set-$backend HV_SET_IFCONFIG_BACKEND=$backend HV_SET_IFCONFIG_APPLY=0 NMCLI=/nonexistent \
			"$s/hv_set_ifconfig" "$r/settings" > "$B/logs/set-$backend.log" 2>&1; then
			fail "scripts/set-ifconfig-$backend" "exit status $?: $(cat "$B/logs/set-$backend.log")"
			continue
		fi
		out=$(cd "$r/set-$backend" && find . -type f | LC_ALL=C sort | while read -r f; do
			echo "== $f $(stat -c %a "$f")"
			sed 's/^uuid=.*/uuid=<random>/' "$f"
		done)
		# the expected files start with their SPDX line
		if diff -u <(tail -n +2 "$here/set_ifconfig.$backend.expected") <(echo "$out") > "$B/logs/set-$backend.diff"; then
			pass "scripts/set-ifconfig-$backend"
		else fail "scripts/set-ifconfig-$backend" "output differs: $(head -c 600 "$B/logs/set-$backend.diff")"; fi
	done
	# detection without an override
	rm -rf "$r/detect" && mkdir -p "$r/detect/etc/sysconfig/network-scripts"
	if HVLIS_ROOT=$r/detect HV_SET_IFCONFIG_APPLY=0 NMCLI=/nonexistent "$s/hv_set_ifconfig" "$r/settings" > /dev/null 2>&1 &&
		[ -f "$r/detect/etc/sysconfig/network-scripts/ifcfg-eth0" ]; then
		pass scripts/set-ifconfig-detect
	else fail scripts/set-ifconfig-detect "ifcfg not chosen"; fi
	# systemd-networkd running (its state file) wins over ifupdown's files
	rm -rf "$r/detect-nd" && mkdir -p "$r/detect-nd/etc/network" "$r/detect-nd/run/systemd/netif"
	printf 'auto lo\niface lo inet loopback\n' > "$r/detect-nd/etc/network/interfaces"
	: > "$r/detect-nd/run/systemd/netif/state"
	if HVLIS_ROOT=$r/detect-nd HV_SET_IFCONFIG_APPLY=0 NMCLI=/nonexistent "$s/hv_set_ifconfig" "$r/settings" > /dev/null 2>&1 &&
		[ -f "$r/detect-nd/etc/systemd/network/10-hyperv-eth0.network" ] &&
		[ ! -e "$r/detect-nd/etc/network/interfaces.d" ]; then
		pass scripts/set-ifconfig-detect-networkd
	else fail scripts/set-ifconfig-detect-networkd "networkd not chosen"; fi
	# applied: networkctl reload, then reconfigure of the interface
	mkdir -p "$r/nd-bin"
	printf '#!/bin/sh\necho "$*" >> "%s/networkctl.calls"\n' "$r" > "$r/nd-bin/networkctl"
	chmod 755 "$r/nd-bin/networkctl"
	rm -f "$r/networkctl.calls"
	if HVLIS_ROOT=$r/detect-nd NETWORKCTL=$r/nd-bin/networkctl NMCLI=/nonexistent "$s/hv_set_ifconfig" "$r/settings" > /dev/null 2>&1 &&
		[ "$(cat "$r/networkctl.calls" 2> /dev/null)" = "$(printf 'reload\nreconfigure eth0')" ]; then
		pass scripts/set-ifconfig-networkd-applies
	else fail scripts/set-ifconfig-networkd-applies "networkctl calls: $(cat "$r/networkctl.calls" 2> /dev/null)"; fi
	# networkctl without D-Bus fails: networkd is restarted instead
	printf '#!/bin/sh\necho "networkctl $*" >> "%s/networkctl.calls"\nexit 1\n' "$r" > "$r/nd-bin/networkctl"
	printf '#!/bin/sh\necho "systemctl $*" >> "%s/networkctl.calls"\n' "$r" > "$r/nd-bin/systemctl"
	chmod 755 "$r/nd-bin/networkctl" "$r/nd-bin/systemctl"
	rm -f "$r/networkctl.calls"
	if HVLIS_ROOT=$r/detect-nd NETWORKCTL=$r/nd-bin/networkctl SYSTEMCTL=$r/nd-bin/systemctl NMCLI=/nonexistent \
		"$s/hv_set_ifconfig" "$r/settings" > /dev/null 2>&1 &&
		[ "$(cat "$r/networkctl.calls" 2> /dev/null)" = "$(printf 'networkctl reload\nsystemctl restart systemd-networkd.service')" ]; then
		pass scripts/set-ifconfig-networkd-no-bus-restarts
	else fail scripts/set-ifconfig-networkd-no-bus-restarts "calls: $(cat "$r/networkctl.calls" 2> /dev/null)"; fi
	# settings that did not come from the daemon are refused
	out=""
	# shellcheck disable=SC2016 # the point is that they are not expanded
	for bad in 'DEVICE=eth0;reboot' 'DEVICE=../x' 'DNS=1.2.3.4 $(reboot)' 'IPV4_ADDRESSES=`id`' 'DHCP=maybe' 'PATH=/tmp'; do
		printf 'DEVICE=eth0\n%s\n' "$bad" > "$r/bad-settings"
		rm -rf "$r/bad" && mkdir -p "$r/bad/etc/network"
		if HVLIS_ROOT=$r/bad HV_SET_IFCONFIG_BACKEND=ifupdown HV_SET_IFCONFIG_APPLY=0 "$s/hv_set_ifconfig" "$r/bad-settings" > /dev/null 2>&1 ||
			[ -e "$r/bad/etc/network/interfaces.d" ]; then
			out="$out [$bad]"
		fi
	done
	if [ -z "$out" ]; then pass scripts/set-ifconfig-rejects-bad-settings; else fail scripts/set-ifconfig-rejects-bad-settings "accepted:$out"; fi

	# --from-socket (hvlis-ifconfig@.service): settings on stdin, "status N" last
	rm -rf "$r/sock" && mkdir -p "$r/sock/etc/network" "$r/sock-bin"
	printf 'auto lo\niface lo inet loopback\n' > "$r/sock/etc/network/interfaces"
	out=$(HVLIS_ROOT=$r/sock HV_SET_IFCONFIG_BACKEND=ifupdown HV_SET_IFCONFIG_APPLY=0 \
		"$s/hv_set_ifconfig" --from-socket < "$r/settings" 2> "$B/logs/set-socket.log" | tail -n 1)
	if [ "$out" = "status 0" ] && grep -q 192.0.2.10 "$r/sock/etc/network/interfaces.d/hyperv-eth0" 2> /dev/null; then
		pass scripts/set-ifconfig-from-socket
	else fail scripts/set-ifconfig-from-socket "last line '$out': $(head -c 300 "$B/logs/set-socket.log")"; fi
	rm -rf "$r/sock/etc/network/interfaces.d"
	out=$(printf 'DEVICE=eth0;reboot\n' | HVLIS_ROOT=$r/sock HV_SET_IFCONFIG_BACKEND=ifupdown HV_SET_IFCONFIG_APPLY=0 \
		"$s/hv_set_ifconfig" --from-socket 2> /dev/null | tail -n 1)
	if [ "$out" = "status 1" ] && [ ! -e "$r/sock/etc/network/interfaces.d" ]; then
		pass scripts/set-ifconfig-from-socket-rejects
	else fail scripts/set-ifconfig-from-socket-rejects "last line '$out'"; fi
	# an ifup that hangs with a child: the whole process group dies at the timeout
	printf '#!/bin/sh\nexit 0\n' > "$r/sock-bin/ifdown"
	printf '#!/bin/sh\nsleep 1000 &\necho "$$ $!" > "%s/hang.pids"\nwait\n' "$r" > "$r/sock-bin/ifup"
	chmod 755 "$r/sock-bin/ifdown" "$r/sock-bin/ifup"
	rm -f "$r/hang.pids"
	out=$(PATH=$r/sock-bin:$PATH HVLIS_ROOT=$r/sock HV_SET_IFCONFIG_BACKEND=ifupdown HV_SET_IFCONFIG_TIMEOUT=5 \
		timeout 30 "$s/hv_set_ifconfig" --from-socket < "$r/settings" 2> /dev/null | tail -n 1)
	local pid alive="" n
	# running: not gone and not a zombie nobody has reaped yet
	running() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" != Z ]; }
	# shellcheck disable=SC2013 # one line of two pids
	for pid in $(cat "$r/hang.pids" 2> /dev/null); do
		# a loaded machine may take a moment to run a SIGKILLed process's exit
		n=50
		while [ $n -gt 0 ] && running "$pid"; do
			sleep 0.1
			n=$((n - 1))
		done
		if running "$pid"; then
			alive="$alive $pid($(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null))"
			kill -KILL "$pid"
		fi
	done
	if [ "$out" = "status 137" ] && [ -s "$r/hang.pids" ] && [ -z "$alive" ]; then
		pass scripts/set-ifconfig-from-socket-timeout-kills-group
	else
		fail scripts/set-ifconfig-from-socket-timeout-kills-group "last line '$out', ifup's pids '$(cat "$r/hang.pids" 2> /dev/null)', still running:$alive"
	fi
}

# A work directory for kvp_peer: scripts (the real get scripts, a stub
# hv_set_ifconfig that keeps its input), a fake sysfs and a fake root.
prepare_work() { # dir mac
	local w=$1
	rm -rf "$w" && mkdir -p "$w/scripts" "$w/out" "$w/sysfs/v0/device" "$w/sysfs/lo" \
		"$w/sysfs/bad;name" "$w/root/etc/network"
	ln -s "$top/scripts/hv_get_dns_info" "$top/scripts/hv_get_dhcp_info" "$w/scripts/"
	cat > "$w/scripts/hv_set_ifconfig" << 'EOF'
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
out=$(dirname "$0")/../out
cp "$1" "$out/settings" || exit 3
[ -f "$out/rc" ] && exit "$(cat "$out/rc")"
exit 0
EOF
	chmod 755 "$w/scripts/hv_set_ifconfig"
	echo "$2" > "$w/sysfs/v0/address"
	echo "{f5bee29c-1741-4aad-a4c2-8fdedb46dcc2}" > "$w/sysfs/v0/device/device_id"
	echo "00:00:00:00:00:00" > "$w/sysfs/lo/address"
	echo "$2" > "$w/sysfs/bad;name/address"
	printf 'nameserver 192.0.2.53\nnameserver 2001:db8::53\n' > "$w/root/etc/resolv.conf"
	printf 'iface v0 inet dhcp\n' > "$w/root/etc/network/interfaces"
}

MAC=00:15:5d:12:34:56
# Runs a command in a new network namespace with veth v0 configured.
in_netns() {
	unshare -n -- sh -c '
		set -e
		ip link set lo up
		echo 1 > /proc/sys/net/ipv6/conf/default/addr_gen_mode
		ip link add v0 address '"$MAC"' type veth peer name v1
		ip addr add 192.0.2.5/24 dev v0
		ip link set v0 up
		ip link set v1 up
		ip -6 addr add 2001:db8::5/64 dev v0 nodad
		ip route add default via 192.0.2.1 dev v0
		ip -6 route add default via 2001:db8::1 dev v0
		exec "$@"' sh "$@"
}

functional() { # variant (asan|valgrind)
	local v=$1 w=$B/work-$1 t peer daemon extra=()
	t=$(ms)
	prepare_work "$w" "$MAC"
	case $v in
	asan)
		peer=$B/kvp_peer.asan
		daemon=$B/asan/hv_kvp_daemon
		;;
	valgrind)
		need valgrind valgrind || return
		peer=$B/kvp_peer
		daemon=$B/plain/hv_kvp_daemon
		extra=(--valgrind)
		;;
	esac
	if ! unshare -n true 2> /dev/null; then
		fail "$v/netns" "unshare -n does not work here (needs root and network namespaces)"
		return
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		HVLIS_ROOT=$w/root NMCLI=/nonexistent HVLIS_SYSFS_NET=$w/sysfs \
		in_netns "$peer" --daemon "$daemon" --work "$w" --prefix "daemons/$v/" --netns-if v0 \
		"${extra[@]}" 2> "$B/logs/functional-$v.stderr" | tee "$B/logs/functional-$v.log" | grep -E '^(PASS|FAIL|#)'
	local rc=${PIPESTATUS[0]}
	if grep -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|==[0-9]+== (Invalid|Conditional|Syscall|.*definitely lost)' \
		"$B/logs/functional-$v.stderr" > /dev/null; then
		fail "$v/sanitizer-clean" "reports in $B/logs/functional-$v.stderr"
	else
		pass "$v/sanitizer-clean"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^FAIL' "$B/logs/functional-$v.log"; then
		fail "$v/peer" "kvp_peer exited $rc (see $B/logs/functional-$v.stderr)"
	fi
	grep -q '^FAIL' "$B/logs/functional-$v.log" && fails=$((fails + 1))
	timed "functional $v" "$t"
}

# hv_vss_daemon against real file systems: loop-mounted ext4 images in a
# private mount namespace (a, a bind mount of it, b whose image lives on a,
# and a read-only one; for stacked mounts c on stack/s, bound to
# stack/alias, and d mounted over stack/s; e on stack2/t, bound read-only
# to stack2/t-ro, and f mounted over stack2/t). The daemon only ever sees a
# mount table listing those, so nothing of the machine's own is frozen;
# a tmpfs on /run (in the namespace only) takes its state file. The asan
# variant also runs the slow-freeze cases: the plain daemon with the
# slow_freeze.so shim (2 s inside each FIFREEZE), killed in the middle.
vss() { # variant (asan|valgrind)
	local v=$1 w=$B/work-vss-$1 t daemon extra=()
	t=$(ms)
	need mkfs.ext4 e2fsprogs || return
	case $v in
	asan)
		daemon=$B/asan/hv_vss_daemon
		extra=(--plain "$B/plain/hv_vss_daemon" --shim "$B/slow_freeze.so")
		;;
	valgrind)
		need valgrind valgrind || return
		daemon=$B/plain/hv_vss_daemon
		extra=(--valgrind)
		;;
	esac
	rm -rf "$w" && mkdir -p "$w/mnt/a" "$w/mnt/a-bind" "$w/mnt/b" "$w/mnt/ro" "$w/stack/s" "$w/stack/alias" \
		"$w/stack2/t" "$w/stack2/t-ro"
	# shellcheck disable=SC2016 # the inner shell expands them
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 unshare -m --propagation private -- sh -c '
		w=$1
		shift
		mk() { truncate -s "$2" "$1" && mkfs.ext4 -q -F "$1"; }
		mount -t tmpfs -o size=1m,mode=0755 hvlis-test-run /run &&
		mk "$w/a.img" 16M && mount -o loop "$w/a.img" "$w/mnt/a" &&
			mount --bind "$w/mnt/a" "$w/mnt/a-bind" &&
			mk "$w/mnt/a/b.img" 8M && mount -o loop "$w/mnt/a/b.img" "$w/mnt/b" &&
			mk "$w/ro.img" 8M && mount -o loop,ro "$w/ro.img" "$w/mnt/ro" &&
			grep " $w/mnt/" /proc/self/mounts > "$w/mounts.good" &&
			mk "$w/c.img" 8M && mount -o loop "$w/c.img" "$w/stack/s" &&
			mount --bind "$w/stack/s" "$w/stack/alias" &&
			mk "$w/d.img" 8M && mount -o loop "$w/d.img" "$w/stack/s" &&
			grep " $w/stack/" /proc/self/mounts > "$w/mounts.stack" &&
			mk "$w/e.img" 8M && mount -o loop "$w/e.img" "$w/stack2/t" &&
			mount --bind "$w/stack2/t" "$w/stack2/t-ro" && mount -o remount,bind,ro "$w/stack2/t-ro" &&
			mk "$w/f.img" 8M && mount -o loop "$w/f.img" "$w/stack2/t" &&
			grep " $w/stack2/" /proc/self/mounts > "$w/mounts.stack2" || exit 3
		"$@"
		rc=$?
		umount "$w/mnt/ro" "$w/mnt/b" "$w/mnt/a-bind" "$w/mnt/a" "$w/stack/s" "$w/stack/s" "$w/stack/alias" \
			"$w/stack2/t" "$w/stack2/t" "$w/stack2/t-ro" /run
		exit $rc' sh "$w" "$B/vss_peer" --daemon "$daemon" --work "$w" --prefix "daemons/$v/" "${extra[@]}" \
		2> "$B/logs/vss-$v.stderr" | tee "$B/logs/vss-$v.log" | grep -E '^(PASS|FAIL|#)'
	local rc=${PIPESTATUS[0]}
	if grep -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|==[0-9]+== (Invalid|Conditional|Syscall)' \
		"$B/logs/vss-$v.stderr" "$w/daemon.log" > /dev/null 2>&1; then
		fail "$v/vss-sanitizer-clean" "reports in $w/daemon.log"
	else
		pass "$v/vss-sanitizer-clean"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^FAIL' "$B/logs/vss-$v.log"; then
		fail "$v/vss-peer" "vss_peer exited $rc (see $B/logs/vss-$v.stderr)"
	fi
	grep -q '^FAIL' "$B/logs/vss-$v.log" && fails=$((fails + 1))
	timed "vss $v" "$t"
}

# hv_fcopy_daemon: fcopy_peer copies files into a work directory and a tiny tmpfs.
# Variant asan-compat runs the ASan build with --no-openat2 --no-tmpfile: the
# path walk and temporary files of kernels and file systems without them.
fcopy() { # variant (asan|asan-compat|valgrind)
	local v=$1 w=$B/work-fcopy-$1 t daemon extra=()
	t=$(ms)
	case $v in
	asan) daemon=$B/asan/hv_fcopy_daemon ;;
	asan-compat)
		daemon=$B/asan/hv_fcopy_daemon
		extra=(--daemon-arg=--no-openat2 --daemon-arg=--no-tmpfile)
		;;
	valgrind)
		need valgrind valgrind || return
		daemon=$B/plain/hv_fcopy_daemon
		extra=(--valgrind)
		;;
	esac
	need setfacl acl || return
	need setfattr attr || return
	rm -rf "$w" && mkdir -p "$w/full"
	# in a private mount namespace with a 64 KiB tmpfs on WORK/full (ERROR_DISK_FULL)
	# shellcheck disable=SC2016 # the inner shell expands them
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 unshare -m --propagation private -- sh -c '
		mount -t tmpfs -o size=64k,mode=0755 hvlis-full "$1/full" || exit 3
		shift
		exec "$@"' sh "$w" "$B/fcopy_peer" --daemon "$daemon" --work "$w" --prefix "daemons/$v/" --full "$w/full" "${extra[@]}" \
		2> "$B/logs/fcopy-$v.stderr" | tee "$B/logs/fcopy-$v.log" | grep -E '^(PASS|FAIL|#)'
	local rc=${PIPESTATUS[0]}
	if grep -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|==[0-9]+== (Invalid|Conditional|Syscall|.*definitely lost)' \
		"$B/logs/fcopy-$v.stderr" "$w/daemon.log" > /dev/null 2>&1; then
		fail "$v/fcopy-sanitizer-clean" "reports in $w/daemon.log"
	else
		pass "$v/fcopy-sanitizer-clean"
	fi
	if [ "$rc" != 0 ] && ! grep -q '^FAIL' "$B/logs/fcopy-$v.log"; then
		fail "$v/fcopy-peer" "fcopy_peer exited $rc (see $B/logs/fcopy-$v.stderr)"
	fi
	grep -q '^FAIL' "$B/logs/fcopy-$v.log" && fails=$((fails + 1))
	timed "fcopy $v" "$t"
}

crash() {
	local w=$B/work-crash t
	t=$(ms)
	prepare_work "$w" "$MAC"
	"$B/kvp_peer" --daemon "$B/plain/hv_kvp_daemon" --work "$w" --prefix daemons/ \
		--crash "$CRASH_ITERATIONS" ${CRASH_SEED:+--seed "$CRASH_SEED"} 2> "$B/logs/crash.stderr" |
		tee "$B/logs/crash.log" | grep -E '^(PASS|FAIL|#)'
	[ "${PIPESTATUS[0]}" = 0 ] || fails=$((fails + 1))
	timed crash "$t"
}

# Sizes the seeds and the harnesses' -max_len come from: the user ABI's
# headers (the same constants the daemons are built with), never numbers
# typed here. Prints NAME=VALUE lines for the shell.
abi_sizes() {
	python3 - "$top/modules/include/hvlis/uapi" << 'EOF'
import re, sys
d = {}
for h in ("kvp.h", "vss.h", "fcopy.h"):
    for m in re.finditer(r"^#define\s+(\w+)\s+([^/\n]+)", open(f"{sys.argv[1]}/{h}").read(), re.M):
        d[m.group(1)] = m.group(2).strip()
def val(name):
    v = d[name]
    return val(v) if v in d else int(v.rstrip("u"), 0)
for n in ("KVP_MSG_SIZE", "KVP_BODY_SIZE", "KVP_MAX_KEY_SIZE", "KVP_MAX_VALUE_SIZE",
          "VSS_MSG_SIZE", "FCOPY_MAX_MSG"):
    print("%s=%d" % (n, val(n)))
print("KVP_RECORD_SIZE=%d" % (val("KVP_MAX_KEY_SIZE") + val("KVP_MAX_VALUE_SIZE")))
EOF
}

# Seeds: one plausible message per handler, each exactly as long as its
# harness reads (byte 0 is the pool, then a whole body; "any": a whole
# KVP_MSG_SIZE message, header included), sizes from abi_sizes.
seeds() {
	python3 - "$B/fuzz/seeds" "$KVP_MSG_SIZE" "$KVP_BODY_SIZE" "$KVP_MAX_KEY_SIZE" \
		"$KVP_MAX_VALUE_SIZE" "$VSS_MSG_SIZE" << 'EOF'
import os, struct, sys
out = sys.argv[1]
MSG, BODY, KEY, VALUE, VSS = (int(a) for a in sys.argv[2:7])
def put(name, i, data, size=None):
    if size is not None:
        assert len(data) <= size, (name, len(data), size)
        data = data.ljust(size, b"\0")
    os.makedirs(f"{out}/{name}", exist_ok=True)
    open(f"{out}/{name}/seed{i}", "wb").write(data)
def kv(key, value):
    k = key.encode() + b"\0"; v = value.encode() + b"\0"
    return struct.pack("<III", 1, len(k), len(v)) + k.ljust(KEY, b"\0") + v.ljust(VALUE, b"\0")
for i, (k, v) in enumerate([("Key", "Value"), ("Grüße", "✓"), ("a" * 511, "b")]):
    put("set", i, bytes([0]) + kv(k, v), 1 + BODY)
    put("get", i, bytes([1]) + kv(k, ""), 1 + BODY)
    put("delete", i, bytes([3]) + struct.pack("<I", len(k.encode()) + 1) + k.encode() + b"\0", 1 + BODY)
for i in range(3):
    put("enumerate", i, bytes([i * 2]) + struct.pack("<I", i * 4), 1 + BODY)
def ip(adapter, dhcp, addr, mask, gw, dns):
    f = lambda s, n: s.encode().ljust(n, b"\0")
    return f(adapter, 256) + bytes([3, dhcp]) + f(addr, 2048) + f(mask, 2048) + f(gw, 1024) + f(dns, 2048)
assert len(ip("", 0, "", "", "", "")) <= BODY
put("get_ip_info", 0, bytes([0]) + ip("00:15:5D:00:00:01", 0, "", "", "", ""), 1 + BODY)
put("set_ip_info", 0, bytes([0]) + ip("{F5BEE29C-1741-4AAD-A4C2-8FDEDB46DCC2}", 0,
    "192.0.2.10;2001:db8::10", "255.255.255.0;64", "192.0.2.1", "192.0.2.53"), 1 + BODY)
put("set_ip_info", 1, bytes([0]) + ip("f5bee29c-1741-4aad-a4c2-8fdedb46dcc2", 1, "", "", "", ""), 1 + BODY)
put("register", 0, bytes([0]) + b"3.1".ljust(KEY, b"\0"), 1 + BODY)
# whole messages as the device delivers them: operation, pool, 2 bytes, body
hdr = lambda op, pool: struct.pack("<BBH", op, pool, 0)
put("any", 0, hdr(1, 0) + kv("k", "v"), MSG)
put("any", 1, hdr(4, 0) + ip("00:15:5D:00:00:01", 0, "", "", "", ""), MSG)
put("any", 2, hdr(0, 1) + kv("k", ""), MSG)
put("any", 3, hdr(2, 0) + struct.pack("<I", 2) + b"k\0", MSG)
put("any", 4, hdr(3, 2) + struct.pack("<I", 0), MSG)
put("any", 5, hdr(5, 0) + ip("f5bee29c-1741-4aad-a4c2-8fdedb46dcc2", 1, "", "", "", ""), MSG)
put("any", 6, hdr(100, 0) + b"3.1", MSG)
rec = lambda k, v: k.ljust(KEY, b"\0") + v.ljust(VALUE, b"\0")
put("pool_file", 0, rec(b"key", b"value") + rec(b"k2", b"v2"))
put("pool_file", 1, rec(b"x" * KEY, b"y" * VALUE) + b"partial")
# the SET's key "k" twice: only the first is replaced
put("pool_file", 2, rec(b"a", b"1") + rec(b"k", b"old") + rec(b"k", b"dup"))
for i, op in enumerate((0, 1, 2, 3, 4, 5, 6, 129)):
    put("vss", i, struct.pack("<B7xI", op, 0xffffffff if op == 3 else 0), VSS)
def u16(s):
    return s.encode("utf-16-le").ljust(520, b"\0")[:520]
hdr = lambda op: struct.pack("<I", op) + bytes(32)
put("fcopy", 0, hdr(0) + u16("f\u00fc\U0001F600.txt") + u16("/d/e") + struct.pack("<IQ", 3, 12))
put("fcopy", 1, hdr(1) + struct.pack("<IQI", 0, 0, 12) + b"hello, world".ljust(6144, b"\0"))
put("fcopy", 2, hdr(2))
put("fcopy", 3, hdr(3))
EOF
}

# fuzz_run LABEL BINARY SEEDS MAX_LEN: one harness from $B/fuzz, its
# coverage checked against tests/fuzz/floors.txt (tests/fuzz/floor.sh).
# FUZZ_RUNS set: that many executions (make fuzz-deep), else FUZZ_SECONDS;
# FUZZ_CORPUS set: the working corpus is kept there, else a fresh one;
# FUZZ_REPORT set: "harness executions cov ft" appended to it.
# FUZZ_ONLY set (outside CI): only the harnesses it names run.
# The harnesses' temp files go under $fuzz_tmp (set by fuzz()).
fuzz_run() {
	local label=$1 bin=$2 seeds=$3 maxlen=$4 work limit cov runs
	# FUZZ_ONLY (make fuzz-deep): the harnesses to run, by label; never in CI
	if [ -n "${FUZZ_ONLY:-}" ] && [ -z "${CI:-}" ]; then
		case " $FUZZ_ONLY " in
		*" $label "*) ;;
		*) echo "# fuzz/$label: not in FUZZ_ONLY, not run"; return ;;
		esac
	fi
	if [ -n "${FUZZ_CORPUS:-}" ]; then
		work=$FUZZ_CORPUS/daemons_$label
		mkdir -p "$work"
	else
		work=$B/fuzz/corpus-$label
		rm -rf "$work" && mkdir -p "$work"
	fi
	limit=-max_total_time=$FUZZ_SECONDS
	[ -n "${FUZZ_RUNS:-}" ] && limit=-runs=$FUZZ_RUNS
	mkdir -p "$B/fuzz/artifacts-$label"
	if ! (cd "$B/fuzz" && HVLIS_FUZZ_TMP=$fuzz_tmp ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" "$limit" -seed=1 -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
		-print_final_stats=1 -artifact_prefix="$B/fuzz/artifacts-$label/" \
		"$work" "$seeds" > "$B/logs/fuzz-$label.log" 2>&1); then
		fail "fuzz/$label" "libFuzzer found a failure: $B/logs/fuzz-$label.log, inputs in $B/fuzz/artifacts-$label/"
		return
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/logs/fuzz-$label.log")
	if cov=$("$top/tests/fuzz/floor.sh" "daemons_$label" "$B/logs/fuzz-$label.log"); then
		echo "# fuzz/$label: $runs inputs, $cov"
		pass "fuzz/$label"
	else
		fail "fuzz/$label" "$cov ($B/logs/fuzz-$label.log)"
	fi
	if [ -n "${FUZZ_REPORT:-}" ]; then
		echo "daemons_$label $runs $(echo "$cov" | sed -n 's/.*cov \([0-9]*\) ft \([0-9]*\).*/\1 \2/p')" >> "$FUZZ_REPORT"
	fi
}

fuzz() {
	local t name op sizes maxlen
	need clang "clang libclang-rt-14-dev" || return
	t=$(ms)
	mkdir -p "$B/fuzz"
	if ! sizes=$(abi_sizes 2> "$B/logs/fuzz-sizes.log"); then
		fail fuzz/seeds "$(cat "$B/logs/fuzz-sizes.log")"
		return
	fi
	local KVP_MSG_SIZE KVP_BODY_SIZE KVP_MAX_KEY_SIZE KVP_MAX_VALUE_SIZE KVP_RECORD_SIZE VSS_MSG_SIZE FCOPY_MAX_MSG
	eval "$sizes"
	rm -rf "$B/fuzz/seeds"
	if ! seeds > "$B/logs/fuzz-seeds.log" 2>&1; then
		fail fuzz/seeds "$(cat "$B/logs/fuzz-seeds.log")"
		return
	fi
	# the code under test, compiled once with coverage for libFuzzer
	local flags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-sanitize-recover=all
		"-I$top/daemons/lib" "-I$top/modules/include" "-I$top/daemons/kvp")
	local src obj objs=()
	rm -f "$B/fuzz/"*.o
	for src in "$top"/daemons/kvp/kvp_{msg,pool,os,ip}.c "$top"/daemons/vss/vss_{msg,freeze}.c "$top"/daemons/fcopy/fcopy_msg.c \
		"$top"/daemons/lib/{log,str,dev,notify,loop,run,opts}.c; do
		obj=$B/fuzz/$(basename "$src" .c).o
		if ! clang "${flags[@]}" "-I$top/daemons/vss" "-I$top/daemons/fcopy" -fsanitize=fuzzer-no-link,address,undefined -c -o "$obj" "$src" \
			> "$B/logs/fuzz-objs.build" 2>&1; then
			fail fuzz/build "$(head -c 400 "$B/logs/fuzz-objs.build")"
			return
		fi
		objs+=("$obj")
	done
	# stand-ins for the temp directories of harnesses that another run (a
	# deep run, another checkout) has going at the same time
	local other other2 fuzz_tmp
	other=$(mktemp -d /dev/shm/hvlis-fuzz-kvp.XXXXXX 2> /dev/null || mktemp -d /tmp/hvlis-fuzz-kvp.XXXXXX)
	other2=$(mktemp -d /tmp/hvlis-fuzz-fcopy.XXXXXX)
	# the harnesses' temp files (fuzz_tmp.h), on /dev/shm when there is one:
	# this run's own directory, removed alone at the end
	fuzz_tmp=$(mktemp -d /dev/shm/hvlis-fuzz-run.XXXXXX 2> /dev/null || mktemp -d /tmp/hvlis-fuzz-run.XXXXXX)
	# -max_len: what each harness reads (fuzz_kvp.c: byte 0 the pool, then
	# a body; "any" a whole message and 64 bytes more; a pool file at most
	# 8 records)
	for h in get:0 set:1 delete:2 enumerate:3 get_ip_info:4 set_ip_info:5 register:100 any:-1 pool_file:-2; do
		name=${h%%:*}
		op=${h#*:}
		if ! clang "${flags[@]}" -fsanitize=fuzzer,address,undefined -DFUZZ_OP="$op" \
			-o "$B/fuzz/fuzz_kvp_$name" "$here/fuzz_kvp.c" "${objs[@]}" > "$B/logs/fuzz-$name.build" 2>&1; then
			fail "fuzz/kvp_$name" "build failed: $(head -c 400 "$B/logs/fuzz-$name.build")"
			continue
		fi
		case $name in
		any) maxlen=$((KVP_MSG_SIZE + 64)) ;;
		pool_file) maxlen=$((8 * KVP_RECORD_SIZE)) ;;
		*) maxlen=$((1 + KVP_BODY_SIZE)) ;;
		esac
		fuzz_run "kvp_$name" "./fuzz_kvp_$name" "$B/fuzz/seeds/$name" "$maxlen"
	done
	# fuzz_vss.c: the message, then a fault mask, a registered flag and a
	# thaw flag; fuzz_fcopy.c: a message one byte longer than the longest
	if clang "${flags[@]}" "-I$top/daemons/vss" -fsanitize=fuzzer,address,undefined -o "$B/fuzz/fuzz_vss" \
		"$here/fuzz_vss.c" "$B"/fuzz/vss_*.o "$B"/fuzz/{log,str,dev,notify,loop,run,opts}.o > "$B/logs/fuzz-vss.build" 2>&1; then
		fuzz_run vss_any ./fuzz_vss "$B/fuzz/seeds/vss" $((VSS_MSG_SIZE + 4))
	else
		fail fuzz/vss_any "build failed: $(head -c 400 "$B/logs/fuzz-vss.build")"
	fi
	if clang "${flags[@]}" "-I$top/daemons/fcopy" -fsanitize=fuzzer,address,undefined -o "$B/fuzz/fuzz_fcopy" \
		"$here/fuzz_fcopy.c" "$B/fuzz/fcopy_msg.o" "$B"/fuzz/{log,str,dev,notify,loop,run,opts}.o > "$B/logs/fuzz-fcopy.build" 2>&1; then
		fuzz_run fcopy_any ./fuzz_fcopy "$B/fuzz/seeds/fcopy" $((FCOPY_MAX_MSG + 1))
	else
		fail fuzz/fcopy_any "build failed: $(head -c 400 "$B/logs/fuzz-fcopy.build")"
	fi
	rm -rf "$fuzz_tmp"
	if [ -d "$other" ] && [ -d "$other2" ]; then
		pass fuzz/cleanup-spares-other-runs
	else
		fail fuzz/cleanup-spares-other-runs "the cleanup removed another run's temp files"
	fi
	rm -rf "$other" "$other2"
	timed fuzz "$t"
}

units() {
	local d=$B/units u name
	need systemd-analyze systemd || return
	rm -rf "$d" && mkdir -p "$d"
	for name in kvp vss fcopy; do
		u=hv-$name-daemon.service
		# the unit as installed, with ExecStart pointing at the built daemon
		sed "s|/usr/sbin/|$B/plain/|" "$top/packaging/systemd/$u" > "$d/$u"
		if SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$d/$u" > "$B/logs/units-$name.log" 2>&1 &&
			! grep -q . "$B/logs/units-$name.log"; then
			pass "units/systemd-analyze-verify-$name"
		else
			fail "units/systemd-analyze-verify-$name" "$(head -c 800 "$B/logs/units-$name.log")"
		fi
		systemd-analyze security --offline=true "$d/$u" > "$B/logs/units-security-$name.log" 2>&1
		echo "# units: $(grep -o 'Overall exposure level.*' "$B/logs/units-security-$name.log" | head -n 1)"
		if grep -q "KERNEL==\"vmbus/hv_$name\", TAG+=\"systemd\", ENV{SYSTEMD_WANTS}+=\"$u\"" \
			"$top/packaging/udev/70-hvlis-daemons.rules"; then
			pass "units/udev-rule-$name"
		else fail "units/udev-rule-$name" "no TAG+=systemd / SYSTEMD_WANTS for hv_$name"; fi
	done
	# SET_IP_INFO's helper: the socket and its template, as installed
	for u in hvlis-ifconfig.socket hvlis-ifconfig@.service; do
		sed "s|/usr/libexec/hvlis/|$top/scripts/|" "$top/packaging/systemd/$u" > "$d/$u"
	done
	if SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$d/hvlis-ifconfig.socket" "$d/hvlis-ifconfig@.service" \
		> "$B/logs/units-ifconfig.log" 2>&1 && ! grep -q . "$B/logs/units-ifconfig.log"; then
		pass units/systemd-analyze-verify-ifconfig-helper
	else
		fail units/systemd-analyze-verify-ifconfig-helper "$(head -c 800 "$B/logs/units-ifconfig.log")"
	fi
	# The KVP daemon has no general way out of its sandbox: it neither runs
	# systemd-run (the helper socket instead) nor reaches PID 1 or D-Bus,
	# nor writes network configuration.
	u=$top/packaging/systemd/hv-kvp-daemon.service
	local out=""
	grep -q '^ExecStart=.* --ifconfig-socket /run/hvlis-ifconfig.sock' "$u" || out="$out no --ifconfig-socket;"
	grep -q '^Wants=hvlis-ifconfig.socket' "$u" || out="$out the helper socket is not wanted;"
	grep '^ListenStream=/run/hvlis-ifconfig.sock$' "$top/packaging/systemd/hvlis-ifconfig.socket" > /dev/null || out="$out socket path differs;"
	for f in /run/systemd/private /run/dbus/system_bus_socket; do
		grep -q "^InaccessiblePaths=.*-$f" "$u" || out="$out $f reachable;"
	done
	grep -q '^ReadWritePaths=' "$u" && out="$out ReadWritePaths=;"
	grep -q 'systemd-run' "$top/scripts/hv_set_ifconfig" && out="$out hv_set_ifconfig uses systemd-run;"
	if [ -z "$out" ]; then pass units/kvp-sandbox-no-way-out; else fail units/kvp-sandbox-no-way-out "$out"; fi
	if command -v udevadm > /dev/null && udevadm --help 2>&1 | grep -q '^  verify'; then
		check units/udevadm-verify udevadm verify "$top/packaging/udev/70-hvlis-daemons.rules"
	fi
	local m bad=""
	for m in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon hv_get_dns_info hv_get_dhcp_info hv_set_ifconfig lsvmbus hvlis-status; do
		if ! LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$top/scripts/man/$m.8" 2>&1 > /dev/null | grep -q .; then
			:
		else bad="$bad $m"; fi
	done
	if ! command -v man > /dev/null; then
		fail units/man-pages "man is not installed (apt-get install man-db)"
	elif [ -z "$bad" ]; then pass units/man-pages; else fail units/man-pages "warnings in:$bad"; fi
}

# The layouts of modules/include/hvlis/uapi/*.h against the system's uapi header.
abi() {
	local f=(-std=c11 -Wall -Wextra -Werror "-I$top/modules/include")
	if [ ! -f /usr/include/linux/hyperv.h ]; then
		fail abi/uapi-header "/usr/include/linux/hyperv.h is missing (apt-get install linux-libc-dev)"
		return
	fi
	if gcc "${f[@]}" -DUAPI -c -o "$B/abi_uapi.o" "$here/abi_check.c" > "$B/logs/abi.log" 2>&1 &&
		gcc "${f[@]}" -o "$B/abi_check" "$here/abi_check.c" "$B/abi_uapi.o" >> "$B/logs/abi.log" 2>&1; then
		"$B/abi_check" || fails=$((fails + 1))
	else fail abi/build "$(tail -n 5 "$B/logs/abi.log" | tr '\n' ' ')"; fi
}

# Debian's in-box KVP daemon and ours, driven alike through the stand-in device.
interop() {
	local inbox="" ver="" w=$B/interop rc
	check interop/build-bench gcc -std=c11 -Wall -Wextra -Werror -O2 "-I$top/modules/include" -o "$B/kvp_bench" "$top/tests/bench/kvp_bench.c"
	check interop/build-devshim gcc -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o "$B/devshim.so" "$top/tests/bench/devshim.c" -ldl
	read -r inbox ver < <("$top/tests/bench/inbox.sh" 2> "$B/logs/inbox.log") || true
	if [ -z "$inbox" ]; then
		fail interop/hyperv-daemons "Debian's hyperv-daemons package could not be had: $(tr '\n' ' ' < "$B/logs/inbox.log")"
		return
	fi
	pass "interop/hyperv-daemons-$ver"
	if [ ! -x "$B/plain/hv_kvp_daemon" ]; then
		fail interop/daemon "$B/plain/hv_kvp_daemon is missing (run the build step)"
		return
	fi
	rm -rf "$w" && mkdir -p "$w"
	"$B/kvp_bench" --check --keys 20 --prefix daemons/interop/ --work "$w" --shim "$B/devshim.so" \
		--ours "$B/plain/hv_kvp_daemon" --inbox "$inbox" > "$B/logs/interop.log" 2>&1
	rc=$?
	grep -E '^(PASS:|FAIL:|#) ' "$B/logs/interop.log"
	fails=$((fails + $(grep -c '^FAIL: ' "$B/logs/interop.log")))
	if [ $rc != 0 ] && ! grep -q '^FAIL: ' "$B/logs/interop.log"; then
		fail interop/kvp-bench "exit $rc: $(tail -n 3 "$B/logs/interop.log" | tr '\n' ' ')"
	fi
}

# shellcheck source=tests/daemons/tools.sh
. "$here/tools.sh"
# shellcheck source=tests/daemons/stack.sh
. "$here/stack.sh"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(build options scripts asan valgrind crash fuzz units abi interop tools stack)
start=$(ms)
for s in "${steps[@]}"; do
	case $s in
	build) build ;;
	options) options ;;
	scripts) scripts ;;
	asan | valgrind)
		functional "$s"
		vss "$s"
		fcopy "$s"
		[ "$s" = asan ] && fcopy asan-compat
		;;
	crash) crash ;;
	fuzz) fuzz ;;
	units) units ;;
	abi) abi ;;
	interop) interop ;;
	tools) tools_tests ;;
	stack) stack_tests ;;
	*)
		echo "usage: $0 [build|options|scripts|asan|valgrind|crash|fuzz|units|abi|interop|tools|stack]..." >&2
		exit 2
		;;
	esac
done
echo "# daemons: $(($(ms) - start)) ms"
[ "$fails" = 0 ]
