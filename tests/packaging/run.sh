#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging test: builds the Debian and RPM packages (hvlis-dkms and
# hvlis-daemons), checks them with lintian and rpmlint, installs the .debs
# for real (apt-get) and exercises what they promise on this Debian 12
# machine, then the RPM scriptlets with Debian's rpm, and checks that
# nothing is left afterwards. The modules checked are those of
# modules/modules.list, the initramfs ones its boot modules. Prints
# PASS:/FAIL: lines; exits non-zero on any failure. Runs as root.
#
#  1. tools: installs what is missing (dpkg-dev debhelper dh-dkms lintian rpm
#     rpmlint dkms shellcheck) and fails loudly if that is impossible;
#  2. static: boot module list vs dkms.conf, staged source vs git, shellcheck;
#  3. builds: `make deb`/`make rpm` recipes (packaging/build-*.sh), lintian,
#     rpmlint, the packages' files, dependencies and scriptlets (dpkg-deb,
#     rpm -qp), the RPMs' payload installed with --nodeps --noscripts into
#     an empty root, the spec's RHEL 6 condition (no hvlis-daemons);
#  4. .deb lifecycle on the host: install both; DKMS built every module for
#     the installed headers and each overrides the in-box module; the
#     daemons, scripts, man pages, units (static, started by udev) and udev
#     rules are installed; the initramfs files are installed; the initramfs
#     is regenerated (against stand-in update-initramfs/lsinitramfs/logger
#     and a stand-in /boot, since this machine has no kernel image); the
#     depmod.d opt-out; another kernel's headers installed later (the real
#     header_postinst.d hooks); builds that fail (broken kernel tree,
#     BUILD_EXCLUSIVE mismatch) through the kernel hooks, which must still
#     complete and give the kernel an initramfs with its in-box driver;
#     purge;
#  5. RPM lifecycle on the host (rpm --nodeps; Debian's dkms): install
#     (hvlis-dkms and hvlis-daemons), same-version upgrade (new release),
#     upgrade to a new version, erase;
#  6. the state recorded before (packages, DKMS, files hvlis could leave) is
#     compared with the state at the end.
#
# Everything it installs is removed again, also on failure or interrupt.
# Environment: HVLIS_PKG_KREL (kernel with headers to build for; default the
# newest installed linux-headers), HVLIS_PKG_LATER_KREL (headers package to
# install later; default 6.1.0-55-amd64).

# SC2015: `cond && pass || fail` is fine, pass cannot fail.
# SC2317: cleanup is called from the EXIT trap.
# shellcheck disable=SC2015,SC2317
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
# pkg_krel: the kernel the packages are built for now: HVLIS_PKG_KREL, else
# the last one with headers under /lib/modules (tests/run.sh asks with
# --krel, so that the dkms suite leaves that kernel to this one)
pkg_krel() {
	local d k=${HVLIS_PKG_KREL:-}
	if [ -z "$k" ]; then
		for d in /lib/modules/*/build/include; do
			[ -e "$d" ] && k=$(basename "$(dirname "$(dirname "$d")")")
		done
	fi
	echo "$k"
}
if [ "${1:-}" = --krel ]; then
	pkg_krel
	exit 0
fi
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
out=$top/packaging/out
logdir=$top/tests/build/packaging
rm -rf "$logdir"
mkdir -p "$logdir"
tmp=$(mktemp -d /tmp/hvlis-pkgtest.XXXXXX)
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

failed=0
pass() { echo "PASS: pkg/$1"; }
fail() {
	echo "FAIL: pkg/$1"
	failed=1
}
info() { echo "INFO: $*"; }
# expect NAME COMMAND...: PASS if COMMAND succeeds, else FAIL with its output
expect() {
	local name=$1 o
	shift
	if o=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name: '$*' failed: $(echo "$o" | tail -n 3 | tr '\n' ' ')"
	fi
}
elapsed() { echo "$(($(date +%s) - start))s"; }

[ "$(id -u)" = 0 ] || { fail "root: must run as root (installs packages)"; exit 1; }
# Debian's rpm keeps its database under $HOME; note whether it was there
# before this script ran any rpm command.
rpmdb_existed=
[ -e "$HOME/.rpmdb" ] && rpmdb_existed=1

# --- 1. tools ----------------------------------------------------------------

tools="dpkg-buildpackage:dpkg-dev dh:debhelper dh_dkms:dh-dkms lintian:lintian rpmbuild:rpm
	rpmlint:rpmlint dkms:dkms shellcheck:shellcheck"
missing=
for t in $tools; do
	command -v "${t%%:*}" > /dev/null || missing="$missing ${t#*:}"
done
if [ -n "$missing" ]; then
	info "installing:$missing"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing > "$logdir/apt-tools.log" 2>&1 ||
		{ apt-get update -qq > /dev/null 2>&1 &&
			apt-get install -y -qq --no-install-recommends $missing >> "$logdir/apt-tools.log" 2>&1; }
fi
for t in $tools; do
	if command -v "${t%%:*}" > /dev/null; then
		pass "tool/${t%%:*}"
	else
		fail "tool/${t%%:*}: not installed and could not be (apt-get install ${t#*:}; see $logdir/apt-tools.log)"
	fi
done
[ "$failed" = 0 ] || exit 1

krel=$(pkg_krel)
later=${HVLIS_PKG_LATER_KREL:-6.1.0-55-amd64}
if [ -z "$krel" ] || [ ! -e "/lib/modules/$krel/build/include" ]; then
	fail "headers: no kernel headers under /lib/modules/*/build (apt-get install linux-headers-amd64)"
	exit 1
fi
[ "$later" != "$krel" ] || { fail "headers: HVLIS_PKG_LATER_KREL must differ from $krel"; exit 1; }
info "building for $krel now and for $later installed later"

# One test at a time may use the system's DKMS and install packages
# (tests/dkms/test-dkms.sh takes the same lock): wait for the other.
exec 8> /run/lock/hvlis-dkms-tests.lock
if ! flock -w 1200 8; then
	fail "lock: another hvlis test has held /run/lock/hvlis-dkms-tests.lock for 20 minutes"
	exit 1
fi

# Refuse to touch an hvlis someone installed (as tests/dkms/test-dkms.sh does).
busy=
dkms status hvlis 2> /dev/null | grep -q . && busy="$busy registered-with-dkms"
for p in hvlis-dkms hvlis-daemons; do
	dpkg-query -W -f '${Status}' $p 2> /dev/null | grep -q 'ok installed\|config-files' && busy="$busy dpkg:$p"
	rpm -q $p > /dev/null 2>&1 && busy="$busy rpm:$p"
done
compgen -G '/usr/src/hvlis-*' > /dev/null && busy="$busy /usr/src/hvlis-*"
[ -e /run/hvlis ] && busy="$busy /run/hvlis"
if [ -n "$busy" ]; then
	fail "clean-start: hvlis is already on this machine ($busy); not touching it"
	exit 1
fi
pass "clean-start"

# --- cleanup -------------------------------------------------------------------


# What this run installs or creates, so that cleanup removes exactly that.
headers_installed() {
	dpkg-query -W -f '${Package} ${Status}\n' 'linux-headers-*' 2> /dev/null | awk '/ok installed/ {print $1}' | sort
}
headers_before=$(headers_installed)
installed_pkgs=
fake_krels=
noindex_krels= # kernel dirs without depmod index files at the start
for d in /lib/modules/*/; do
	[ -e "$d/modules.dep" ] || noindex_krels="$noindex_krels $(basename "$d")"
done
later_dir_existed=
[ -e "/lib/modules/$later" ] && later_dir_existed=1
optout=/etc/depmod.d/zz-hvlis-pkgtest.conf
fake_inbox=/lib/modules/$krel/kernel/drivers/hv/hv_vmbus.ko
fake_inbox_created=
pools_created= # /var/lib/hyperv, made by the test as if hv_kvp_daemon had run
hvd_installed= # Debian's hyperv-daemons, installed by the test

cleanup() {
	local k v p
	for p in hvlis-daemons hvlis-dkms; do
		if dpkg-query -W -f '${Status}' "$p" 2> /dev/null | grep -q 'installed\|config-files'; then
			apt-get purge -y -qq "$p" > "$logdir/cleanup-purge-$p.log" 2>&1 ||
				echo "CLEANUP: could not purge $p; see $logdir/cleanup-purge-$p.log" >&2
		fi
		if [ -e "$HOME/.rpmdb" ] && rpm -q "$p" > /dev/null 2>&1; then
			rpm -e --nodeps "$p" > "$logdir/cleanup-rpm-$p.log" 2>&1
		fi
	done
	for v in /var/lib/dkms/hvlis/*/; do
		[ -d "$v" ] && dkms remove -m hvlis -v "$(basename "$v")" --all > /dev/null 2>&1
	done
	rm -rf /var/lib/dkms/hvlis /usr/src/hvlis-* /var/log/hvlis
	rm -rf /run/hvlis
	if [ -n "$hvd_installed" ]; then
		apt-get purge -y -qq hyperv-daemons > "$logdir/cleanup-hyperv-daemons.log" 2>&1 ||
			echo "CLEANUP: could not purge hyperv-daemons; see $logdir/cleanup-hyperv-daemons.log" >&2
	fi
	[ -z "$pools_created" ] || rm -rf /var/lib/hyperv
	rm -f /etc/depmod.d/hvlis-inactive.conf /etc/hvlis/hvlis.conf
	rmdir /etc/hvlis 2> /dev/null
	rm -f "$optout"
	rmdir /etc/depmod.d 2> /dev/null
	if [ -n "$fake_inbox_created" ]; then
		rm -f "$fake_inbox"
		rmdir -p --ignore-fail-on-non-empty "$(dirname "$fake_inbox")" 2> /dev/null
	fi
	for k in $fake_krels; do
		rm -rf "/lib/modules/$k"
	done
	# headers this run installed (also when it was interrupted mid-install)
	installed_pkgs=$(comm -13 <(echo "$headers_before") <(headers_installed) | xargs)
	if [ -n "$installed_pkgs" ]; then
		# shellcheck disable=SC2086
		apt-get purge -y -qq $installed_pkgs > "$logdir/cleanup-headers.log" 2>&1 ||
			echo "CLEANUP: could not purge $installed_pkgs; see $logdir/cleanup-headers.log" >&2
	fi
	if [ -z "$later_dir_existed" ] && ! dpkg-query -W -f '${Status}' "linux-headers-$later" 2> /dev/null | grep -q installed; then
		rm -rf "/lib/modules/$later"
	fi
	for k in $noindex_krels; do
		[ -d "/lib/modules/$k" ] && rm -f /lib/modules/"$k"/modules.*
	done
	[ -n "$rpmdb_existed" ] || rm -rf "$HOME/.rpmdb"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The state of everything hvlis could leave behind.
snapshot() {
	echo "## packages"
	dpkg-query -W -f '${Package} ${Status}\n' 'hvlis*' 2> /dev/null
	rpm -qa 2> /dev/null | grep hvlis
	echo "## dkms"
	dkms status 2> /dev/null
	echo "## files"
	{
		find /lib/modules /var/lib/dkms /etc/kernel /usr/share/initramfs-tools /usr/lib/dracut \
			/usr/libexec /usr/share/dkms ! -name 'modules.*' 2> /dev/null
		find /usr/src /usr/share/doc /usr/share/licenses -maxdepth 1 2> /dev/null
		find /etc /usr/lib /var/lib /var/log -name '*hvlis*' 2> /dev/null
		# what hvlis-daemons installs, and what systemd and udev keep about units
		find /usr/sbin /usr/share/man/man8 /etc/dkms /run/hvlis /etc/systemd/system /lib/systemd/system \
			/usr/lib/systemd/system /lib/udev/rules.d /usr/lib/udev/rules.d /etc/udev/rules.d \
			/var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
			/var/lib/hyperv 2> /dev/null
	} | LC_ALL=C sort -u
}
snapshot > "$logdir/state-before.txt"
info "state before: $(grep -c . "$logdir/state-before.txt") lines in $logdir/state-before.txt"

# --- 2. static checks ------------------------------------------------------------

# (modules/modules.list is the one list; tests/style/modules-list.sh checks
# dkms.conf against it)
bootmods=$("$top/modules/modules-list.sh" boot | xargs)
dkmsmods=$("$top/modules/modules-list.sh" names | xargs)
bad=
[ -n "$bootmods" ] || bad=" no-boot-modules-in-modules.list"
for m in hv_vmbus hv_storvsc hv_netvsc; do
	case " $dkmsmods " in
	*" $m "*) case " $bootmods " in *" $m "*) ;; *) bad="$bad $m(boot-critical-but-not-listed)" ;; esac ;;
	esac
done
if [ -z "$bad" ]; then
	pass "static/boot-modules ($bootmods; modules.list builds: $dkmsmods)"
else
	fail "static/boot-modules: boot modules in modules/modules.list:$bad"
fi

"$top/packaging/stage.sh" "$tmp/stage" > "$logdir/stage.log" 2>&1 || fail "static/stage: see $logdir/stage.log"
(cd "$tmp/stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > "$tmp/staged.txt"
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$top" ls-files dkms.conf Makefile LICENSE modules compat daemons scripts \
		packaging/kernel-hooks packaging/initramfs-tools packaging/dracut packaging/systemd packaging/udev \
		docs/packaging.md | grep -vx scripts/demo.sh | LC_ALL=C sort > "$tmp/tracked.txt"
	lost=$(comm -23 "$tmp/tracked.txt" "$tmp/staged.txt" | xargs)
	extra=$(comm -13 "$tmp/tracked.txt" "$tmp/staged.txt" | xargs)
	if [ -z "$lost" ]; then
		pass "static/stage-keeps-every-tracked-source ($(wc -l < "$tmp/staged.txt") files)"
	else
		fail "static/stage-keeps-every-tracked-source: tracked but not staged: $lost"
	fi
	[ -z "$extra" ] || info "staged but not tracked by git (goes into packages built from this tree): $extra"
else
	info "no git checkout: staged-vs-tracked check not possible"
fi
junk=$(grep -E '\.(o|ko|mod|mod\.c|a|dwo)$|/\.[^/]*\.(cmd|d)$|Module\.symvers$|\.order$|^tests/|^docs/|^daemons/bin/' "$tmp/staged.txt" |
	grep -vx docs/packaging.md | xargs)
if [ -z "$junk" ]; then
	pass "static/stage-has-no-build-output-or-tests"
else
	fail "static/stage-has-no-build-output-or-tests: $junk"
fi

# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
expect static/shellcheck bash -c 'cd "$1" && shift && shellcheck -e SC1091 "$@"' _ "$top" \
	packaging/stage.sh packaging/build-deb.sh packaging/build-rpm.sh packaging/kernel-hooks/hvlis-kmod \
	packaging/kernel-hooks/header_postinst.d-hvlis packaging/kernel-hooks/postinst.d-zz-hvlis \
	packaging/kernel-hooks/00-hvlis packaging/kernel-hooks/postinst.d-hvlis packaging/kernel-hooks/45-hvlis.install \
	packaging/initramfs-tools/hvlis packaging/debian/hvlis-dkms.postinst.in packaging/debian/hvlis-dkms.prerm \
	packaging/debian/hvlis-dkms.postrm packaging/debian/hvlis-daemons.postinst.in packaging/debian/hvlis-daemons.postrm \
	tests/packaging/run.sh

# --- 3. builds and their checks ------------------------------------------------------

t0=$(date +%s)
if "$top/packaging/build-deb.sh" > "$logdir/build-deb.log" 2>&1; then
	pass "deb/build ($(($(date +%s) - t0))s)"
else
	fail "deb/build: see $logdir/build-deb.log"
	exit 1
fi
deb=$out/hvlis-dkms_${ver}_all.deb
changes=$out/hvlis_${ver}_$(dpkg --print-architecture).changes
lintian -I -E --pedantic --fail-on error,warning "$changes" > "$logdir/lintian.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
	pass "deb/lintian (no errors or warnings; $(grep -c '^[IPX]:' "$logdir/lintian.log") info/pedantic/experimental)"
else
	fail "deb/lintian: $(grep -E '^[EW]:' "$logdir/lintian.log" | head -n 5 | tr '\n' ' ')"
fi
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/deb-files.txt"
expect deb/arch-all sh -c "dpkg-deb -f '$deb' Architecture | grep -qx all"
expect deb/depends-dkms sh -c "dpkg-deb -f '$deb' Depends | grep -q dkms"
ddeb=$out/hvlis-daemons_${ver}_$(dpkg --print-architecture).deb
# What hvlis-daemons must hold, from the source tree: every unit under
# packaging/systemd, every man page under scripts/man, the udev rules.
# (the daemons' units; the helper units of SET_IP_INFO, a socket and a
# template, are files to ship but started by neither udev nor the scriptlets)
units=$(find "$top/packaging/systemd" -name '*.service' ! -name '*@.service' -printf '%f\n' | sed 's/\.service$//' | sort | xargs)
mans=$(find "$top/scripts/man" -name '*.8' -printf '%f\n' | sort | xargs)
dneed="/usr/sbin/hv_kvp_daemon /usr/sbin/hv_vss_daemon /usr/sbin/hv_fcopy_daemon /usr/sbin/lsvmbus /usr/sbin/hvlis-status
	/usr/libexec/hvlis/hv_get_dns_info /usr/libexec/hvlis/hv_get_dhcp_info /usr/libexec/hvlis/hv_set_ifconfig
	/lib/udev/rules.d/70-hvlis-daemons.rules /usr/share/doc/hvlis-daemons/copyright"
for u in $units; do dneed="$dneed /lib/systemd/system/$u.service"; done
dneed="$dneed /lib/systemd/system/hvlis-ifconfig.socket /lib/systemd/system/hvlis-ifconfig@.service"
# RHEL's unit names, aliases of ours
dneed="$dneed /lib/systemd/system/hypervkvpd.service /lib/systemd/system/hypervvssd.service /lib/systemd/system/hypervfcopyd.service"
for m in $mans; do dneed="$dneed /usr/share/man/man8/$m.gz"; done
if [ -f "$ddeb" ]; then
	dpkg-deb -c "$ddeb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/ddeb-files.txt"
	miss=
	for f in $dneed; do grep -qx "$f" "$tmp/ddeb-files.txt" || miss="$miss $f"; done
	[ -z "$miss" ] && pass "deb/daemons-files ($(echo "$dneed" | wc -w) files: daemons, lsvmbus, scripts, man pages, units, udev rules)" ||
		fail "deb/daemons-files: missing:$miss"
	expect deb/daemons-control sh -c "dpkg-deb -f '$ddeb' Architecture | grep -qx amd64 &&
		dpkg-deb -f '$ddeb' Depends | grep -q 'libc6' && dpkg-deb -f '$ddeb' Conflicts | grep -qx hyperv-daemons &&
		dpkg-deb -f '$ddeb' Replaces | grep -qx hyperv-daemons && dpkg-deb -f '$ddeb' Provides | grep -qx hyperv-daemons"
	dpkg-deb -e "$ddeb" "$tmp/ddebctl"
	# dh_installsystemd's part (daemon-reload on removal) and the postinst's
	# start of the daemons whose device exists
	if grep -q 'dh_installsystemd' "$tmp/ddebctl/postrm" && grep -q 'deb-systemd-invoke restart' "$tmp/ddebctl/postinst" &&
		! grep -q '@HVLIS' "$tmp/ddebctl/postinst" && ! grep -q 'enable' "$tmp/ddebctl/postinst"; then
		pass "deb/daemons-maintainer-scripts (dh_installsystemd parts; no unit enabled; started only where its device exists)"
	else
		fail "deb/daemons-maintainer-scripts: see $tmp/ddebctl"
	fi
	cmp -s "$top/packaging/udev/70-hvlis-daemons.rules" <(dpkg-deb --fsys-tarfile "$ddeb" | tar -xOf - ./lib/udev/rules.d/70-hvlis-daemons.rules) &&
		pass "deb/daemons-udev-rules-via-dh_installudev (lib/udev/rules.d/70-hvlis-daemons.rules = packaging/udev)" ||
		fail "deb/daemons-udev-rules-via-dh_installudev: differs from packaging/udev/70-hvlis-daemons.rules"
else
	fail "deb/daemons-built: $ddeb is missing"
fi

t0=$(date +%s)
if "$top/packaging/build-rpm.sh" > "$logdir/build-rpm.log" 2>&1; then
	pass "rpm/build ($(($(date +%s) - t0))s)"
else
	fail "rpm/build: see $logdir/build-rpm.log"
	exit 1
fi
rpmf=$out/hvlis-dkms-$ver-1.noarch.rpm
srpm=$out/hvlis-$ver-1.src.rpm
drpm=$out/hvlis-daemons-$ver-1.x86_64.rpm
rpmlint -c "$top/packaging/rpm/rpmlint.toml" -r "$top/packaging/rpm/hvlis.rpmlintrc" "$rpmf" "$drpm" "$srpm" \
	"$out/rpmbuild/SPECS/hvlis.spec" \
	> "$logdir/rpmlint.log" 2>&1
if grep -q ' 0 errors' "$logdir/rpmlint.log"; then
	pass "rpm/rpmlint (0 errors; $(grep -c ': W: ' "$logdir/rpmlint.log") warnings, see docs/packaging.md)"
else
	fail "rpm/rpmlint: $(grep ': E: ' "$logdir/rpmlint.log" | head -n 5 | tr '\n' ' ')"
fi
rpm -qp --queryformat '%{ARCH}' "$rpmf" 2> /dev/null > "$tmp/rpm-arch"
expect rpm/noarch grep -qx noarch "$tmp/rpm-arch"
rpm -qp --requires "$rpmf" > "$tmp/rpm-requires" 2> /dev/null
expect rpm/requires-dkms-and-kernel-devel sh -c "grep -qx dkms '$tmp/rpm-requires' && grep -qx kernel-devel '$tmp/rpm-requires'"
rpm -qp --scripts "$rpmf" > "$logdir/rpm-scripts.txt" 2> /dev/null
rpm -qp --triggers "$rpmf" >> "$logdir/rpm-scripts.txt" 2> /dev/null
# preun acts on erase only ($1 = 0); pre removes other versions; post re-registers the same version
expect rpm/scriptlets sh -c "
	sed -n '/^preuninstall/,/^postuninstall/p' '$logdir/rpm-scripts.txt' | grep -q '\"\$1\" -eq 0' &&
	sed -n '/^preinstall/,/^postinstall/p' '$logdir/rpm-scripts.txt' | grep -q 'dkms remove -m hvlis -v \"\$v\" --all' &&
	sed -n '/^postinstall/,/^preuninstall/p' '$logdir/rpm-scripts.txt' | grep -q 'dkms add -m hvlis -v $ver' &&
	grep -q '^triggerin scriptlet.*kernel-devel' '$logdir/rpm-scripts.txt'"
# hvlis-daemons: arch-specific, the distribution's daemons conflict, the
# systemd scriptlet macros (or the spec's fallbacks) for every unit
if [ -f "$drpm" ]; then
	pass "rpm/daemons-built"
	expect rpm/daemons-arch sh -c "rpm -qp --queryformat '%{ARCH}' '$drpm' | grep -qx x86_64"
	rpm -qp --requires "$drpm" > "$tmp/drpm-requires" 2> /dev/null
	rpm -qp --conflicts "$drpm" > "$tmp/drpm-conflicts" 2> /dev/null
	rpm -qp --provides "$drpm" > "$tmp/drpm-provides" 2> /dev/null
	rpm -qp --obsoletes "$drpm" > "$tmp/drpm-obsoletes" 2> /dev/null
	expect rpm/daemons-requires sh -c "grep -qx systemd '$tmp/drpm-requires' && grep -q '^libc.so.6' '$tmp/drpm-requires'"
	# the replacement of RHEL's and Fedora's daemon packages: obsoleted
	# below 7, provided at 7, a later one conflicts
	bad=
	for p in hyperv-daemons hypervkvpd hypervvssd hypervfcopyd hyperv-tools; do
		grep -qx "$p < 7" "$tmp/drpm-obsoletes" || bad="$bad obsoletes:$p"
		grep -qx "$p = 7" "$tmp/drpm-provides" || bad="$bad provides:$p"
		grep -qx "$p > 7" "$tmp/drpm-conflicts" || bad="$bad conflicts:$p"
	done
	rpm -qlp "$drpm" 2> /dev/null > "$tmp/drpm-files"
	for a in hypervkvpd hypervvssd hypervfcopyd; do
		grep -q "/systemd/system/$a.service\$" "$tmp/drpm-files" || bad="$bad alias:$a"
	done
	rpm -qp --scripts "$drpm" 2> /dev/null | sed -n '/^preinstall/,/^postinstall/p' | grep -q 'hyperv.hvlis-keep' || bad="$bad pre-keeps-pools"
	rpm -qp --scripts "$drpm" 2> /dev/null | sed -n '/^posttrans/,$p' | grep -q 'mv /var/lib/hyperv.hvlis-keep /var/lib/hyperv' || bad="$bad posttrans-restores-pools"
	[ -z "$bad" ] && pass "rpm/daemons-replace-distribution-packages (Obsoletes < 7, Provides = 7, Conflicts > 7 for hyperv-daemons, hypervkvpd, hypervvssd, hypervfcopyd, hyperv-tools; RHEL unit aliases; pools kept across hypervkvpd's %postun)" ||
		fail "rpm/daemons-replace-distribution-packages:$bad (see $tmp/drpm-*)"
	rpm -qp --scripts "$drpm" > "$logdir/drpm-scripts.txt" 2> /dev/null
	bad=
	for u in $units; do
		sed -n '/^postinstall/,/^preuninstall/p' "$logdir/drpm-scripts.txt" | grep -q "preset.*$u.service" ||
			bad="$bad post:$u"
		sed -n '/^preuninstall/,/^postuninstall/p' "$logdir/drpm-scripts.txt" | grep -q "disable --now.*$u.service" ||
			bad="$bad preun:$u"
		sed -n '/^postuninstall/,$p' "$logdir/drpm-scripts.txt" | grep -q "try-restart.*$u.service" ||
			bad="$bad postun:$u"
	done
	# shellcheck disable=SC2016 # the scriptlets' $1
	sed -n '/^postinstall/,/^preuninstall/p' "$logdir/drpm-scripts.txt" | grep -q '"$1" -eq 1' || bad="$bad post-not-on-install-only"
	# shellcheck disable=SC2016
	sed -n '/^preuninstall/,/^postuninstall/p' "$logdir/drpm-scripts.txt" | grep -q '"$1" -eq 0' || bad="$bad preun-not-on-erase-only"
	# shellcheck disable=SC2016
	sed -n '/^postuninstall/,$p' "$logdir/drpm-scripts.txt" | grep -q '"$1" -ge 1' || bad="$bad postun-not-on-upgrade-only"
	[ -z "$bad" ] && pass "rpm/daemons-systemd-scriptlets (preset on install, disable --now on erase, try-restart on upgrade: $units)" ||
		fail "rpm/daemons-systemd-scriptlets:$bad (see $logdir/drpm-scripts.txt)"
else
	fail "rpm/daemons-built: $drpm is missing"
fi
# RHEL/CentOS 6 (no systemd, no C11 compiler): hvlis-dkms only, dracut conf in /etc
el6=$(rpmspec -q --define 'rhel 6' "$out/rpmbuild/SPECS/hvlis.spec" 2> /dev/null | xargs)
el9=$(rpmspec -q --define 'rhel 9' "$out/rpmbuild/SPECS/hvlis.spec" 2> /dev/null | xargs)
if [ "$el6" = "hvlis-$ver-1.src hvlis-dkms-$ver-1.src" ] &&
	[ "$el9" = "hvlis-$ver-1.src hvlis-dkms-$ver-1.src hvlis-daemons-$ver-1.src" ] &&
	rpmspec -P --define 'rhel 6' "$out/rpmbuild/SPECS/hvlis.spec" 2> /dev/null | grep -q '^%config(noreplace) /etc/dracut.conf.d/50-hvlis.conf'; then
	pass "rpm/el6-modules-only (rhel 6: $el6; rhel 9 adds hvlis-daemons)"
else
	fail "rpm/el6-modules-only: rhel 6 gives '$el6', rhel 9 '$el9'"
fi
# Both refuse to install where dkms.conf's BUILD_EXCLUSIVE_ARCH excludes the
# machine (a stand-in uname says aarch64), and install on this one.
mkdir -p "$tmp/arm"
printf '#!/bin/sh\necho aarch64\n' > "$tmp/arm/uname"
chmod 755 "$tmp/arm/uname"
dpkg-deb -e "$deb" "$tmp/debctl"
rpm -qp --queryformat '%{PREIN}' "$rpmf" > "$tmp/rpm-pre.sh" 2> /dev/null
if ! PATH="$tmp/arm:$PATH" sh "$tmp/debctl/preinst" install > /dev/null 2>&1 &&
	sh "$tmp/debctl/preinst" install > /dev/null 2>&1 &&
	! PATH="$tmp/arm:$PATH" sh "$tmp/rpm-pre.sh" 1 > /dev/null 2>&1; then
	pass "deb-rpm/refuse-excluded-architecture"
else
	fail "deb-rpm/refuse-excluded-architecture: preinst or %pre did not refuse aarch64 (or refused x86_64)"
fi
excl_arch=$(sed -n 's/^BUILD_EXCLUSIVE_ARCH="\(.*\)"$/\1/p' "$top/dkms.conf")
spec_arch=$(sed -n 's/^ExclusiveArch: *//p' "$top/packaging/rpm/hvlis.spec")
[ "$excl_arch" = "$spec_arch" ] && pass "rpm/exclusivearch-matches-dkms.conf ($spec_arch)" ||
	fail "rpm/exclusivearch-matches-dkms.conf: spec ExclusiveArch '$spec_arch', dkms.conf BUILD_EXCLUSIVE_ARCH '$excl_arch'"
root=$tmp/rpmroot
mkdir -p "$root"
if rpm --root "$root" --initdb > /dev/null 2>&1 &&
	rpm --root "$root" --nodeps --noscripts -i "$rpmf" "$drpm" > "$logdir/rpm-root.log" 2>&1; then
	(cd "$root" && find . \( -path ./root -o -path ./var \) -prune -o \( -type f -o -type l \) -print | sed 's|^\.||' | LC_ALL=C sort) \
		> "$tmp/rpm-files.txt"
	pass "rpm/payload-installs-into-empty-root ($(wc -l < "$tmp/rpm-files.txt") files)"
else
	fail "rpm/payload-installs-into-empty-root: see $logdir/rpm-root.log"
fi
need="/usr/src/hvlis-$ver/dkms.conf /usr/src/hvlis-$ver/Makefile /usr/src/hvlis-$ver/LICENSE
	/usr/src/hvlis-$ver/modules/hv_vmbus/main.c /usr/src/hvlis-$ver/compat/probe.sh
	/usr/libexec/hvlis/hvlis-kmod /usr/lib/dracut/dracut.conf.d/50-hvlis.conf /etc/kernel/postinst.d/zz-hvlis
	/usr/lib/kernel/install.d/45-hvlis.install
	/usr/share/dkms/modules_to_force_install/hvlis"
# hvlis-daemons: the .deb's list, with units and udev rules under /usr/lib
need="$need $(echo "$dneed" | sed -e 's|/lib/systemd/|/usr/lib/systemd/|g' -e 's|/lib/udev/|/usr/lib/udev/|' \
	-e 's|/usr/share/doc/hvlis-daemons/copyright|/usr/share/licenses/hvlis-daemons-'"$ver"'/LICENSE|' | xargs)"
miss=
for f in $need; do grep -qx "$f" "$tmp/rpm-files.txt" || miss="$miss $f"; done
[ -z "$miss" ] && pass "rpm/payload-files ($(echo "$need" | wc -w) files of hvlis-dkms and hvlis-daemons)" || fail "rpm/payload-files: missing:$miss"
# (what lands in an initramfs is checked on the result: sd-install's lsinitramfs)
if grep -q "^add_drivers+=\" $bootmods " "$root/usr/lib/dracut/dracut.conf.d/50-hvlis.conf" 2> /dev/null &&
	! grep -q '@HVLIS' "$root/usr/lib/dracut/dracut.conf.d/50-hvlis.conf" "$root/usr/libexec/hvlis/hvlis-kmod" 2> /dev/null; then
	pass "rpm/payload-substituted"
else
	fail "rpm/payload-substituted: @HVLIS_...@ left in the dracut conf or hvlis-kmod"
fi
# both packages ship the very same DKMS source tree
grep "^/usr/src/hvlis-$ver/" "$tmp/rpm-files.txt" > "$tmp/rpm-src.txt"
grep "^/usr/src/hvlis-$ver/.*[^/]$" "$tmp/deb-files.txt" | LC_ALL=C sort > "$tmp/deb-src.txt"
if cmp -s "$tmp/rpm-src.txt" "$tmp/deb-src.txt"; then
	pass "deb-rpm/same-dkms-source-tree ($(wc -l < "$tmp/deb-src.txt") files)"
else
	fail "deb-rpm/same-dkms-source-tree: $(diff "$tmp/deb-src.txt" "$tmp/rpm-src.txt" | head -n 5 | tr '\n' ' ')"
fi
subset=$(sed "s|^/usr/src/hvlis-$ver/||" "$tmp/deb-src.txt" | cut -d/ -f1 | sort -u | xargs)
if [ "$subset" = "LICENSE Makefile compat dkms.conf modules" ]; then
	pass "deb/usr-src-subset ($subset)"
else
	fail "deb/usr-src-subset: /usr/src/hvlis-$ver has: $subset"
fi

# --- 4. the .deb on this machine -----------------------------------------------------

# Stand-ins: this machine has no kernel image, initramfs-tools or syslog.
# An "initramfs" here is a text file listing the module paths it holds; the
# stand-in update-initramfs writes what modprobe resolves for each boot module.
stub=$tmp/stub
boot=$tmp/boot
mkdir -p "$stub" "$boot"
cat > "$stub/update-initramfs" << EOF
#!/bin/sh
# stand-in: update-initramfs -u -k KVER
echo "\$*" >> $tmp/initramfs-calls
k=\$3
: > "$boot/initrd.img-\$k"
for m in $bootmods; do
	p=\$(modinfo -k "\$k" -n "\$m" 2> /dev/null) && echo "usr\$p" >> "$boot/initrd.img-\$k"
done
exit 0
EOF
# shellcheck disable=SC2016 # the stand-ins' own $1 and $*
printf '#!/bin/sh\ncat "$1"\n' > "$stub/lsinitramfs"
printf '#!/bin/sh\necho "$*" >> %s/syslog\n' "$tmp" > "$stub/logger"
chmod 755 "$stub"/*
: > "$tmp/initramfs-calls"
: > "$tmp/syslog"
stubenv=(env "PATH=$stub:$PATH" "HVLIS_BOOT_DIR=$boot")
# apt-get gives dpkg its own PATH (DPkg::Path): put the stand-ins first there too
aptstub=("${stubenv[@]}" apt-get -o "DPkg::Path=$stub:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
calls() { grep -c -- "-k $1\$" "$tmp/initramfs-calls"; }
image_has() { grep -q "/lib/modules/$1/$2" "$boot/initrd.img-$1"; }

# the kernel already has an initramfs, made before hvlis, with the in-box module
echo "usr/lib/modules/$krel/kernel/drivers/hv/hv_vmbus.ko" > "$boot/initrd.img-$krel"
touch -d '2020-01-01' "$boot/initrd.img-$krel"

t0=$(date +%s)
if "${aptstub[@]}" install -y "$deb" "$ddeb" > "$logdir/deb-install.log" 2>&1; then
	pass "deb/install (hvlis-dkms and hvlis-daemons, $(($(date +%s) - t0))s, DKMS build included)"
else
	fail "deb/install: $(tail -n 5 "$logdir/deb-install.log" | tr '\n' ' ')"
fi
snapshot > "$logdir/state-installed.txt"
diff "$logdir/state-before.txt" "$logdir/state-installed.txt" > "$logdir/state-added-by-install.diff"
info "the .debs added $(grep -c '^>' "$logdir/state-added-by-install.diff") entries (see $logdir/state-added-by-install.diff)"

expect "deb/dkms-installed-$krel" sh -c "dkms status -m hvlis -v $ver -k $krel | grep -q ': installed'"
# this machine has no VMBus: the postinst's device check lets hvlis be active
if [ ! -e /sys/bus/vmbus/devices ] && grep -q "hvlis may be the active stack: no VMBus devices in /sys" "$logdir/deb-install.log" &&
	[ ! -e /etc/depmod.d/hvlis-inactive.conf ]; then
	pass "deb/install-device-check-activates (no VMBus devices here: no hvlis-inactive.conf)"
else
	fail "deb/install-device-check-activates: $(grep 'hvlis: hvlis' "$logdir/deb-install.log" | tr '\n' ' ')"
fi
# every_module_ours KVER: each of dkms.conf's modules resolves (modprobe's
# view, after DKMS's depmod) to DKMS's copy under updates/, built for KVER
# from this version; prints the problems
every_module_ours() {
	local m ko
	for m in $dkmsmods; do
		ko=$(modinfo -k "$1" -n "$m" 2> /dev/null)
		case "$ko" in
		"/lib/modules/$1/updates/dkms/$m.ko"*) ;;
		*) echo "$m resolves to '$ko'" && continue ;;
		esac
		modinfo -F vermagic "$ko" | grep -q "^$1 " || echo "$m vermagic $(modinfo -F vermagic "$ko")"
		[ "$(modinfo -F version "$ko")" = "$ver" ] || echo "$m version $(modinfo -F version "$ko")"
	done
}
bad=$(every_module_ours "$krel")
[ -z "$bad" ] && pass "deb/every-module-resolves-to-dkms-copy ($krel: $dkmsmods under updates/dkms, vermagic $krel, version $ver)" ||
	fail "deb/every-module-resolves-to-dkms-copy: $bad"
ko=$(modinfo -k "$krel" -n hv_vmbus 2> /dev/null)
miss=
for f in /usr/share/initramfs-tools/hooks/hvlis /usr/lib/dracut/dracut.conf.d/50-hvlis.conf \
	/etc/kernel/header_postinst.d/00-hvlis /etc/kernel/header_postinst.d/hvlis /etc/kernel/postinst.d/00-hvlis \
	/etc/kernel/postinst.d/hvlis /usr/libexec/hvlis/hvlis-kmod; do
	[ -f "$f" ] || miss="$miss $f"
	case $f in
	/etc/*) grep -qx "$f" /var/lib/dpkg/info/hvlis-dkms.conffiles || miss="$miss $f(not-a-conffile)" ;;
	esac
done
[ -z "$miss" ] && pass "deb/initramfs-and-hook-files-installed (kernel hooks are conffiles)" || fail "deb/initramfs-and-hook-files-installed: missing$miss"
# the names are substituted; which modules the images then hold (the boot
# modules and sd_mod) is checked on a built image by sd-install (lsinitramfs)
if grep -q "^manual_add_modules $bootmods " /usr/share/initramfs-tools/hooks/hvlis &&
	grep -q "^add_drivers+=\" $bootmods " /usr/lib/dracut/dracut.conf.d/50-hvlis.conf &&
	! grep -q '@HVLIS' /usr/share/initramfs-tools/hooks/hvlis /usr/lib/dracut/dracut.conf.d/50-hvlis.conf; then
	pass "deb/initramfs-files-content (hook and dracut list $bootmods and more)"
else
	fail "deb/initramfs-files-content: hook/dracut module list or conffile wrong"
fi
if [ "$(calls "$krel")" -ge 1 ] && image_has "$krel" updates/dkms/hv_vmbus.ko; then
	pass "deb/initramfs-regenerated-on-install ($krel: $(calls "$krel") update-initramfs -u -k $krel)"
else
	fail "deb/initramfs-regenerated-on-install: calls: $(tr '\n' ';' < "$tmp/initramfs-calls") image: $(cat "$boot/initrd.img-$krel")"
fi
grep -q "regenerating the initramfs of kernel $krel" "$tmp/syslog" &&
	pass "deb/initramfs-regeneration-logged-to-syslog" ||
	fail "deb/initramfs-regeneration-logged-to-syslog: $(cat "$tmp/syslog")"

"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod status > "$logdir/status.log" 2>&1
grep -q "hv_vmbus: updates/dkms/hv_vmbus.ko; in $boot/initrd.img-$krel" "$logdir/status.log" &&
	pass "deb/hvlis-kmod-status" || fail "deb/hvlis-kmod-status: $(tr '\n' ' ' < "$logdir/status.log")"
n=$(calls "$krel")
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod initramfs --all > "$logdir/initramfs-again.log" 2>&1
[ "$(calls "$krel")" = "$n" ] && pass "deb/initramfs-sync-is-idempotent" ||
	fail "deb/initramfs-sync-is-idempotent: regenerated again with nothing changed"

# hvlis-daemons: installed where the units and rules say, the units are
# static (no [Install]: udev starts them, see 70-hvlis-daemons.rules), each
# is wanted by the rule for its device, nothing was enabled, they verify.
miss=
for f in $dneed; do [ -e "$f" ] || miss="$miss $f"; done
[ -z "$miss" ] && pass "deb/daemons-installed ($(echo "$dneed" | wc -w) files)" || fail "deb/daemons-installed: missing$miss"
bad=
for u in $units; do
	st=$(systemctl is-enabled "$u.service" 2>&1)
	[ "$st" = static ] || bad="$bad $u:is-enabled=$st"
	dev=${u%-daemon}
	dev=hv_${dev#hv-}
	grep -q "KERNEL==\"vmbus/$dev\".*SYSTEMD_WANTS}+=\"$u.service\"" /lib/udev/rules.d/70-hvlis-daemons.rules ||
		bad="$bad $u:not-wanted-by-udev-rule-for-/dev/vmbus/$dev"
	grep -q "^ExecStart=/usr/sbin/" "/lib/systemd/system/$u.service" || bad="$bad $u:ExecStart"
	SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "/lib/systemd/system/$u.service" > "$logdir/verify-$u.log" 2>&1 ||
		bad="$bad $u:systemd-analyze-verify(see $logdir/verify-$u.log)"
	[ -e "/etc/systemd/system/multi-user.target.wants/$u.service" ] && bad="$bad $u:enabled"
done
[ -z "$bad" ] && pass "deb/daemons-units-static-and-started-by-udev ($units: is-enabled static, udev SYSTEMD_WANTS, systemd-analyze verify)" ||
	fail "deb/daemons-units-static-and-started-by-udev:$bad"
bad=
for d in hv_kvp_daemon hv_vss_daemon hv_fcopy_daemon; do
	"/usr/sbin/$d" --help > /dev/null 2>&1 || bad="$bad $d"
done
/usr/sbin/lsvmbus -h > /dev/null 2>&1 || bad="$bad lsvmbus"
/usr/sbin/hvlis-status -h > /dev/null 2>&1 || bad="$bad hvlis-status"
grep -q '/usr/libexec/hvlis' /usr/sbin/hv_kvp_daemon || bad="$bad hv_kvp_daemon-scripts-dir"
[ -z "$bad" ] && pass "deb/daemons-run (--help of each daemon, lsvmbus -h, hvlis-status -h; KVP scripts dir /usr/libexec/hvlis)" ||
	fail "deb/daemons-run:$bad"

# Opt-out: an /etc/depmod.d override back to the in-box module (a stand-in
# copy when, as here, only the headers are installed), then the initramfs
# follows.
if [ ! -e "$fake_inbox" ]; then
	mkdir -p "$(dirname "$fake_inbox")" && cp "$ko" "$fake_inbox" && fake_inbox_created=1
fi
mkdir -p /etc/depmod.d
echo "override hv_vmbus * kernel/drivers/hv" > "$optout"
depmod "$krel" > /dev/null 2>&1
n=$(calls "$krel")
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod initramfs "$krel" > "$logdir/optout.log" 2>&1
if [ "$(modinfo -k "$krel" -n hv_vmbus)" = "$fake_inbox" ] && [ "$(calls "$krel")" -gt "$n" ] &&
	image_has "$krel" kernel/drivers/hv/hv_vmbus.ko; then
	pass "deb/opt-out-depmod-override (modprobe and the initramfs use kernel/drivers/hv again)"
else
	fail "deb/opt-out-depmod-override: resolves $(modinfo -k "$krel" -n hv_vmbus); image: $(cat "$boot/initrd.img-$krel")"
fi
rm -f "$optout"
rmdir /etc/depmod.d 2> /dev/null
if [ -n "$fake_inbox_created" ]; then
	rm -f "$fake_inbox"
	rmdir -p --ignore-fail-on-non-empty "$(dirname "$fake_inbox")" 2> /dev/null
	fake_inbox_created=
fi
depmod "$krel" > /dev/null 2>&1
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod initramfs "$krel" >> "$logdir/optout.log" 2>&1
image_has "$krel" updates/dkms/hv_vmbus.ko && pass "deb/opt-out-undone" ||
	fail "deb/opt-out-undone: the image did not go back to updates/dkms"

# No silent loss of devices, with the installed packages: a VM whose VMBus
# has a PCI pass-through device (a fake sysfs: this machine has no VMBus)
# keeps the distribution's stack (hvlis-kmod activate writes
# hvlis-inactive.conf, runs depmod, brings the initramfs in line) and
# hvlis-status says so; the administrator's ACTIVATE=force, and then the
# machine's real devices (none), make hvlis active again.
if [ ! -e "$fake_inbox" ]; then
	mkdir -p "$(dirname "$fake_inbox")" && cp "$ko" "$fake_inbox" && fake_inbox_created=1
fi
fsys=$tmp/fake-sysfs
mkdir -p "$fsys/bus/vmbus/devices/pci0" "$fsys/bus/vmbus/devices/net0"
echo '{44c4f61d-4444-4400-9d52-802e27ede19f}' > "$fsys/bus/vmbus/devices/pci0/class_id"
echo '{0c0ffee0-1234-4abc-8def-0123456789ab}' > "$fsys/bus/vmbus/devices/pci0/device_id"
echo '{f8615163-df3e-46c5-913f-f2d2f965ed0e}' > "$fsys/bus/vmbus/devices/net0/class_id"
echo '{11111111-1234-4abc-8def-0123456789ab}' > "$fsys/bus/vmbus/devices/net0/device_id"
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod activate --sysfs "$fsys" > "$logdir/inactive.log" 2>&1
rc=$?
/usr/sbin/hvlis-status --kernel "$krel" > "$logdir/inactive-status.log" 2>&1
if [ $rc = 1 ] && grep -q "would be lost: PCI express pass-through {0c0ffee0-1234-4abc-8def-0123456789ab}" "$logdir/inactive.log" &&
	grep -qxF "override hv_vmbus * kernel/drivers/hv" /etc/depmod.d/hvlis-inactive.conf &&
	[ "$(modinfo -k "$krel" -n hv_vmbus)" = "$fake_inbox" ] && image_has "$krel" kernel/drivers/hv/hv_vmbus.ko &&
	grep -q "^stack: inactive (/etc/depmod.d/hvlis-inactive.conf): 1 VMBus device(s) .*PCI express pass-through" "$logdir/inactive-status.log"; then
	pass "deb/pci-passthrough-keeps-distribution-stack (activate exit 1 names the device; depmod, initramfs and hvlis-status follow)"
else
	fail "deb/pci-passthrough-keeps-distribution-stack: exit $rc; resolves $(modinfo -k "$krel" -n hv_vmbus); $(tr '\n' ' ' < "$logdir/inactive.log" | tail -c 600)"
fi
mkdir -p /etc/hvlis
echo ACTIVATE=force > /etc/hvlis/hvlis.conf
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod activate --sysfs "$fsys" >> "$logdir/inactive.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ ! -e /etc/depmod.d/hvlis-inactive.conf ] && [ "$(modinfo -k "$krel" -n hv_vmbus)" = "$ko" ] &&
	image_has "$krel" updates/dkms/hv_vmbus.ko; then
	pass "deb/activate-force (ACTIVATE=force: hvlis active again, initramfs follows)"
else
	fail "deb/activate-force: exit $rc; resolves $(modinfo -k "$krel" -n hv_vmbus)"
fi
rm -f /etc/hvlis/hvlis.conf
rmdir /etc/hvlis
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod activate --sysfs "$fsys" >> "$logdir/inactive.log" 2>&1
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod activate >> "$logdir/inactive.log" 2>&1
rc=$?
/usr/sbin/hvlis-status --kernel "$krel" > "$logdir/active-status.log" 2>&1
if [ $rc = 0 ] && [ ! -e /etc/depmod.d/hvlis-inactive.conf ] && [ "$(modinfo -k "$krel" -n hv_vmbus)" = "$ko" ] &&
	grep -qxF "stack: active (no /etc/depmod.d/hvlis-inactive.conf)" "$logdir/active-status.log"; then
	pass "deb/activate-again (inactive, then the real /sys with no VMBus: active, hvlis-status says so)"
else
	fail "deb/activate-again: exit $rc; $(tr '\n' ' ' < "$logdir/active-status.log" | head -c 400)"
fi
rmdir /etc/depmod.d 2> /dev/null
if [ -n "$fake_inbox_created" ]; then
	rm -f "$fake_inbox"
	rmdir -p --ignore-fail-on-non-empty "$(dirname "$fake_inbox")" 2> /dev/null
	fake_inbox_created=
fi
depmod "$krel" > /dev/null 2>&1
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod initramfs "$krel" >> "$logdir/inactive.log" 2>&1

# Kernel run-parts order: hvlis's 00-hvlis before DKMS's hook, hvlis after
# it, both before initramfs-tools' and update-grub's (the names the package
# installed, with Debian's names for the others).
mkdir -p "$tmp/order"
for h in zz-update-grub initramfs-tools dkms /etc/kernel/postinst.d/*hvlis*; do
	printf '#!/bin/sh\n' > "$tmp/order/${h##*/}"
done
chmod 755 "$tmp/order"/*
order=$(run-parts --test "$tmp/order" | xargs -n1 basename | xargs)
[ "$order" = "00-hvlis dkms hvlis initramfs-tools zz-update-grub" ] && pass "hooks/run-parts-order ($order)" ||
	fail "hooks/run-parts-order: $order"

# Another kernel's headers installed later (its image and initramfs came first).
echo "usr/lib/modules/$later/kernel/drivers/hv/hv_vmbus.ko" > "$boot/initrd.img-$later"
touch -d '2020-01-01' "$boot/initrd.img-$later"
t0=$(date +%s)
if dpkg-query -W -f '${Status}' "linux-headers-$later" 2> /dev/null | grep -q 'ok installed'; then
	info "linux-headers-$later is installed already: running its header_postinst.d hooks as its postinst does"
	"${stubenv[@]}" run-parts --report --exit-on-error --arg="$later" /etc/kernel/header_postinst.d \
		> "$logdir/later.log" 2>&1
else
	before_pkgs=$(headers_installed)
	if ! "${aptstub[@]}" install -y --no-install-recommends "linux-headers-$later" > "$logdir/later.log" 2>&1; then
		apt-get update -qq > /dev/null 2>&1
		"${aptstub[@]}" install -y --no-install-recommends "linux-headers-$later" >> "$logdir/later.log" 2>&1
	fi
	after_pkgs=$(headers_installed)
	installed_pkgs=$(comm -13 <(echo "$before_pkgs") <(echo "$after_pkgs") | xargs)
	info "installed for the test (purged at the end): $installed_pkgs"
fi
bad=$(every_module_ours "$later")
if dkms status -m hvlis -v "$ver" -k "$later" | grep -q ': installed' && [ -z "$bad" ]; then
	pass "deb/later-kernel-built-by-kernel-hooks ($later: $dkmsmods, $(($(date +%s) - t0))s)"
else
	fail "deb/later-kernel-built-by-kernel-hooks: $bad; $(dkms status -m hvlis 2>&1 | tr '\n' ' '); see $logdir/later.log"
fi
[ ! -e /run/hvlis ] && pass "deb/later-kernel-no-autoinstall-skip-left" ||
	fail "deb/later-kernel-no-autoinstall-skip-left: /run/hvlis exists"
if [ "$(calls "$later")" -ge 1 ] && image_has "$later" updates/dkms/hv_vmbus.ko; then
	pass "deb/later-kernel-initramfs-regenerated-by-hvlis-hook (after DKMS's hook)"
else
	fail "deb/later-kernel-initramfs-regenerated-by-hvlis-hook: calls: $(tr '\n' ';' < "$tmp/initramfs-calls")"
fi

# Builds that fail: a kernel whose tree does not build, then one outside
# BUILD_EXCLUSIVE_KERNEL, each with a stand-in in-box hv_vmbus. The hooks
# run as the kernel's packages run them (run-parts --exit-on-error): the
# headers' (/etc/kernel/header_postinst.d) and the image's (a copy of
# /etc/kernel/postinst.d plus a stand-in initramfs-tools hook, as on a
# Debian machine with a kernel image). Both must complete, so that the
# kernel gets its initramfs and boot entry, with its in-box driver; the
# failure must be in syslog and its build log kept.
broken=6.1.0-99-hvlistest
excl=2.6.18-hvlistest
mkdir -p "$tmp/broken/include/generated" "$tmp/postinst.d"
echo "#define UTS_RELEASE \"$broken\"" > "$tmp/broken/include/generated/utsrelease.h"
printf '%%:\n\t@echo "hvlis test: deliberately broken kernel tree" >&2; exit 1\n' > "$tmp/broken/Makefile"
cp -p /etc/kernel/postinst.d/* "$tmp/postinst.d/"
# shellcheck disable=SC2016 # the hook's own $1
printf '#!/bin/sh\nexec update-initramfs -c -k "$1"\n' > "$tmp/postinst.d/initramfs-tools"
chmod 755 "$tmp/postinst.d/initramfs-tools"
for k in $broken $excl; do
	mkdir -p "/lib/modules/$k/kernel/drivers/hv"
	fake_krels="$fake_krels $k"
	cp "$ko" "/lib/modules/$k/kernel/drivers/hv/hv_vmbus.ko"
	ln -s "$tmp/broken" "/lib/modules/$k/build"
	depmod "$k" > /dev/null 2>&1
done
: > "$tmp/syslog"
# DKMS's own hook alone fails the kernel's installation (Debian 12's DKMS):
# the reason for /etc/kernel/*/00-hvlis
"${stubenv[@]}" /etc/kernel/postinst.d/dkms "$broken" > "$logdir/fail-dkms-hook-alone.log" 2>&1
rc=$?
[ $rc != 0 ] && pass "fail/dkms-hook-alone-fails (exit $rc: without hvlis's hooks the kernel's postinst would fail)" ||
	fail "fail/dkms-hook-alone-fails: DKMS's hook exited 0 on a tree that does not build; see $logdir/fail-dkms-hook-alone.log"
for k in $broken $excl; do
	"${stubenv[@]}" run-parts --report --exit-on-error --arg="$k" /etc/kernel/header_postinst.d \
		> "$logdir/fail-$k.log" 2>&1
	rc1=$?
	"${stubenv[@]}" run-parts --report --exit-on-error --arg="$k" --arg="/boot/vmlinuz-$k" "$tmp/postinst.d" \
		>> "$logdir/fail-$k.log" 2>&1
	rc2=$?
	bad=
	[ $rc1 = 0 ] || bad="$bad header_postinst.d-exit-$rc1"
	[ $rc2 = 0 ] || bad="$bad postinst.d-exit-$rc2"
	dkms status -m hvlis -v "$ver" -k "$k" | grep -q installed && bad="$bad dkms-says-installed"
	[ -z "$(find "/lib/modules/$k/updates" -name '*.ko*' 2> /dev/null)" ] || bad="$bad modules-under-updates"
	image_has "$k" kernel/drivers/hv/hv_vmbus.ko || bad="$bad initramfs-without-in-box-hv_vmbus"
	[ -e /run/hvlis ] && bad="$bad autoinstall-skip-left-in-/run/hvlis"
	[ -z "$bad" ] && pass "fail/hooks-complete-in-box-initramfs-$k (both hook directories exit 0; initramfs with kernel/drivers/hv/hv_vmbus.ko)" ||
		fail "fail/hooks-complete-in-box-initramfs-$k:$bad; see $logdir/fail-$k.log"
done
if grep -q "could not build or install hvlis $ver for kernel $broken.*build log: /var/log/hvlis/make-$broken.log" "$tmp/syslog" &&
	grep -q "for kernel $broken" "/var/log/hvlis/make-$broken.log" 2> /dev/null && grep -q Error "/var/log/hvlis/make-$broken.log" &&
	grep -q "kernel $excl is not one hvlis supports" "$tmp/syslog"; then
	pass "fail/logged-to-syslog-and-build-log-kept (/var/log/hvlis/make-$broken.log; $excl skip logged)"
else
	fail "fail/logged-to-syslog-and-build-log-kept: syslog: $(tr '\n' ' ' < "$tmp/syslog")"
fi
dkms build -m hvlis -v "$ver" -k "$excl" > "$logdir/fail-exclusive.log" 2>&1
rc=$?
[ $rc = 77 ] && pass "fail/build-exclusive (dkms build exits 77 = skipped for $excl)" ||
	fail "fail/build-exclusive: dkms build exited $rc; see $logdir/fail-exclusive.log"
: > "$tmp/syslog"
"${stubenv[@]}" /usr/libexec/hvlis/hvlis-kmod dkms-install "$ver" > "$logdir/fail-kmod.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "could not build or install hvlis $ver for kernel $broken.*make-$broken.log" "$tmp/syslog" &&
	grep -q "kernel $excl is not one hvlis supports" "$logdir/fail-kmod.log"; then
	pass "fail/hvlis-kmod-logs-and-continues (build failure to syslog, BUILD_EXCLUSIVE skipped, exit 0)"
else
	fail "fail/hvlis-kmod-logs-and-continues: exit $rc; syslog: $(cat "$tmp/syslog"); see $logdir/fail-kmod.log"
fi
for k in $fake_krels; do rm -rf "/lib/modules/$k"; done
fake_krels=

# Purge. First the KVP daemon's pool directory, as hv_kvp_daemon leaves it
# (systemd's StateDirectory=hyperv), which the purge removes.
if [ ! -e /var/lib/hyperv ]; then
	mkdir -p /var/lib/hyperv && : > /var/lib/hyperv/.kvp_pool_0 && pools_created=1
else
	info "/var/lib/hyperv existed before the test: its removal on purge is not checked"
fi
t0=$(date +%s)
nk=$(calls "$krel")
nl=$(calls "$later")
if "${aptstub[@]}" purge -y hvlis-dkms hvlis-daemons > "$logdir/deb-purge.log" 2>&1; then
	pass "deb/purge ($(($(date +%s) - t0))s)"
else
	fail "deb/purge: $(tail -n 5 "$logdir/deb-purge.log" | tr '\n' ' ')"
	exit 1 # the RPM phase installs the same paths: not on top of a half-removed .deb
fi
left=
dkms status hvlis 2> /dev/null | grep -q . && left="$left dkms-registration"
for m in $dkmsmods; do
	for p in /lib/modules/*/updates/dkms/"$m".ko*; do
		[ -e "$p" ] && left="$left $p"
	done
done
for p in /var/lib/dkms/hvlis /usr/src/hvlis-* /etc/kernel/header_postinst.d/hvlis /etc/kernel/header_postinst.d/00-hvlis \
	/etc/kernel/postinst.d/hvlis /etc/kernel/postinst.d/00-hvlis /run/hvlis /var/log/hvlis \
	/usr/share/initramfs-tools/hooks/hvlis /usr/lib/dracut/dracut.conf.d/50-hvlis.conf /usr/libexec/hvlis $dneed; do
	[ -e "$p" ] && left="$left $p"
done
[ -n "$pools_created" ] && [ -e /var/lib/hyperv ] && left="$left /var/lib/hyperv"
[ -z "$left" ] && pass "deb/purge-removes-modules-dkms-tree-sources-config-daemons-units" ||
	fail "deb/purge-removes-modules-dkms-tree-sources-config-daemons-units:$left"
if [ "$(calls "$krel")" -gt "$nk" ] && [ "$(calls "$later")" -gt "$nl" ] &&
	! image_has "$krel" updates/ && ! image_has "$later" updates/; then
	pass "deb/initramfs-regenerated-on-removal ($krel, $later)"
else
	fail "deb/initramfs-regenerated-on-removal: calls: $(tr '\n' ';' < "$tmp/initramfs-calls")"
fi
if [ -n "$installed_pkgs" ]; then
	# shellcheck disable=SC2086
	apt-get purge -y -qq $installed_pkgs > "$logdir/later-purge.log" 2>&1 || fail "later/purge: see $logdir/later-purge.log"
	installed_pkgs=
fi
# --- Side by side with Debian's hyperv-daemons ---------------------------------
# hvlis-daemons replaces Debian's hyperv-daemons (Conflicts, Replaces and
# Provides: hyperv-daemons, as Debian policy 7.6.2 has it for a package that
# replaces another whole): installed over the real hyperv-daemons from the
# archive, it takes over the same commands and unit names (and adds the RHEL
# names as aliases) and keeps the KVP pools in /var/lib/hyperv; removed, it
# lets hyperv-daemons come back, pools untouched.
# ours_unit UNIT: the unit file is hvlis's (static: no [Install] section;
# hyperv-daemons' units are WantedBy=multi-user.target)
ours_unit() { [ -f "/lib/systemd/system/$1" ] && ! grep -q '^\[Install\]' "/lib/systemd/system/$1"; }
if dpkg-query -W -f '${Status}' hyperv-daemons 2> /dev/null | grep -q 'installed\|config-files'; then
	fail "hvd/precondition: hyperv-daemons is already on this machine; the side-by-side phase would change it"
else
	pools_existed=
	[ -e /var/lib/hyperv ] && pools_existed=1
	if apt-get install -y --no-install-recommends hyperv-daemons > "$logdir/hvd-install-theirs.log" 2>&1; then
		hvd_installed=1
		pass "hvd/install-hyperv-daemons ($(dpkg-query -W -f '${Version}' hyperv-daemons))"
	else
		fail "hvd/install-hyperv-daemons: $(tail -n 3 "$logdir/hvd-install-theirs.log" | tr '\n' ' ')"
	fi
	# the pools as hv_kvp_daemon leaves them (StateDirectory=hyperv)
	if [ -z "$pools_existed" ]; then
		mkdir -p /var/lib/hyperv && pools_created=1
		printf 'pool-test\0value\0' > /var/lib/hyperv/.kvp_pool_0
	fi
	(cd /var/lib/hyperv && find . -type f -exec md5sum {} + | sort) > "$tmp/pools-before"
	pools_same() { (cd /var/lib/hyperv 2> /dev/null && find . -type f -exec md5sum {} + | sort) | cmp -s - "$tmp/pools-before"; }
	if "${aptstub[@]}" install -y "$ddeb" > "$logdir/hvd-install-ours.log" 2>&1; then
		pass "hvd/install-over-hyperv-daemons"
	else
		fail "hvd/install-over-hyperv-daemons: $(tail -n 5 "$logdir/hvd-install-ours.log" | tr '\n' ' ')"
	fi
	bad=
	dpkg-query -W -f '${Status}' hyperv-daemons 2> /dev/null | grep -q 'ok installed' && bad="$bad hyperv-daemons-still-installed"
	dpkg-query -W -f '${Status}' hvlis-daemons 2> /dev/null | grep -q 'ok installed' || bad="$bad hvlis-daemons-not-installed"
	grep -q /usr/libexec/hvlis /usr/sbin/hv_kvp_daemon || bad="$bad hv_kvp_daemon-not-ours"
	for u in $units; do
		ours_unit "$u.service" || bad="$bad $u.service-not-ours"
	done
	for a in hypervkvpd:hv-kvp-daemon hypervvssd:hv-vss-daemon hypervfcopyd:hv-fcopy-daemon; do
		[ "$(readlink "/lib/systemd/system/${a%%:*}.service")" = "${a#*:}.service" ] || bad="$bad alias-${a%%:*}"
	done
	pools_same || bad="$bad pools-changed"
	[ -z "$bad" ] && pass "hvd/replaced (hyperv-daemons removed, our commands and units under its names, RHEL aliases, pools kept)" ||
		fail "hvd/replaced:$bad"
	info "left by hyperv-daemons' removal (its conffiles and enablement links stay until it is purged): $(dpkg-query -W -f '${Status}' hyperv-daemons 2> /dev/null); $(find /etc/systemd/system -name 'hv-*-daemon.service' -printf '%p ' 2> /dev/null)"
	if "${aptstub[@]}" remove -y hvlis-daemons > "$logdir/hvd-remove-ours.log" 2>&1 && [ ! -e /usr/sbin/hv_kvp_daemon ] && pools_same; then
		pass "hvd/remove-ours-keeps-pools"
	else
		fail "hvd/remove-ours-keeps-pools: $(tail -n 3 "$logdir/hvd-remove-ours.log" | tr '\n' ' ')"
	fi
	bad=
	apt-get install -y --no-install-recommends hyperv-daemons > "$logdir/hvd-reinstall-theirs.log" 2>&1 || bad="$bad apt-get-install"
	dpkg-query -W -f '${Status}' hyperv-daemons 2> /dev/null | grep -q 'ok installed' || bad="$bad not-installed"
	grep -q /usr/libexec/hvlis /usr/sbin/hv_kvp_daemon 2> /dev/null && bad="$bad hv_kvp_daemon-still-ours"
	for u in $units; do
		grep -q '^WantedBy=multi-user.target' "/lib/systemd/system/$u.service" 2> /dev/null || bad="$bad $u.service-not-theirs"
	done
	[ -e /lib/systemd/system/hypervkvpd.service ] && bad="$bad our-alias-left"
	pools_same || bad="$bad pools-changed"
	[ -z "$bad" ] && pass "hvd/hyperv-daemons-comes-back (its daemons and units, pools kept)" ||
		fail "hvd/hyperv-daemons-comes-back:$bad (see $logdir/hvd-reinstall-theirs.log)"
	apt-get purge -y -qq hyperv-daemons hvlis-daemons > "$logdir/hvd-purge.log" 2>&1 || fail "hvd/purge: see $logdir/hvd-purge.log"
	hvd_installed=
	if [ -n "$pools_created" ]; then
		rm -rf /var/lib/hyperv
		pools_created=
	fi
fi

info ".deb phase done at $(elapsed)"

# --- 5. RPM scriptlets on this machine ------------------------------------------------

# Three packages: this one, the same version as a new release, a new version.
sed 's/^Release: .*/Release:        2%{?dist}/' "$out/rpmbuild/SPECS/hvlis.spec" > "$tmp/hvlis-r2.spec"
rpmbuild -bb --nodeps --define "_topdir $out/rpmbuild" --define "_rpmdir $tmp/r2" "$tmp/hvlis-r2.spec" \
	> "$logdir/rpm-r2.log" 2>&1
rpm_r2=$(find "$tmp/r2" -name "hvlis-dkms-$ver-2.noarch.rpm" 2> /dev/null)
nextver=$(echo "$ver" | awk -F. -v OFS=. '{$NF = $NF + 1; print}')
cp -R "$tmp/stage" "$tmp/next"
mkdir -p "$tmp/next/packaging/rpm" "$tmp/next/packaging/debian"
cp "$top/packaging/stage.sh" "$top/packaging/build-rpm.sh" "$tmp/next/packaging/"
cp "$top/packaging/rpm/hvlis.spec" "$tmp/next/packaging/rpm/"
cp "$top/packaging/debian/control" "$tmp/next/packaging/debian/"
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$nextver\"/" "$tmp/next/dkms.conf"
"$tmp/next/packaging/build-rpm.sh" > "$logdir/rpm-next.log" 2>&1
rpm_next=$tmp/next/packaging/out/hvlis-dkms-$nextver-1.noarch.rpm
if [ -f "$rpm_r2" ] && [ -f "$rpm_next" ]; then
	pass "rpm/upgrade-packages-built ($ver-2, $nextver-1)"
else
	fail "rpm/upgrade-packages-built: see $logdir/rpm-r2.log $logdir/rpm-next.log"
fi

registered() { # the hvlis versions DKMS knows
	for d in /var/lib/dkms/hvlis/*/source; do
		[ -e "$d" ] || [ -L "$d" ] || continue
		d=${d%/source}
		echo "${d##*/}"
	done | xargs
}
# rpm_state VERSION: exactly VERSION is registered and installed for $krel, from the right sources
rpm_state() {
	local ko
	ko=$(modinfo -k "$krel" -n hv_vmbus 2> /dev/null)
	[ "$(registered)" = "$1" ] &&
		dkms status -m hvlis -v "$1" -k "$krel" | grep -q ': installed' &&
		[ "$(modinfo -F version "$ko" 2> /dev/null)" = "$1" ] &&
		[ "$(compgen -G '/usr/src/hvlis-*' | xargs)" = "/usr/src/hvlis-$1" ]
}
# Directories the payload needs that this Debian machine lacks (on RHEL,
# /usr/lib/dracut/dracut.conf.d belongs to dracut): rpm creates them and,
# not owning them, leaves them; the test removes them after the erase.
rpm_newdirs=$(sed 's|/[^/]*$||' "$tmp/rpm-files.txt" | sort -u | while read -r d; do
	while [ -n "$d" ] && [ ! -e "$d" ]; do echo "$d"; d=${d%/*}; done
done | sort -u -r | xargs)
t0=$(date +%s)
rpm -i --nodeps "$rpmf" "$drpm" > "$logdir/rpm-install.log" 2>&1
if rpm_state "$ver"; then
	pass "rpm/install ($ver: registered, built and installed for $krel)"
else
	fail "rpm/install: registered '$(registered)'; $(dkms status 2>&1 | tr '\n' ' '); see $logdir/rpm-install.log"
fi
rpm_dfiles=$(rpm -ql hvlis-daemons 2> /dev/null | grep -v '^/usr/lib/.build-id' | xargs)
miss=
for f in $rpm_dfiles; do [ -e "$f" ] || miss="$miss $f"; done
[ -n "$rpm_dfiles" ] && [ -z "$miss" ] && rpm -V --nodeps hvlis-daemons > "$logdir/rpm-verify-daemons.log" 2>&1 &&
	pass "rpm/daemons-install ($(echo "$rpm_dfiles" | wc -w) paths, rpm -V clean)" ||
	fail "rpm/daemons-install: missing:$miss; see $logdir/rpm-verify-daemons.log"
grep -q 'Forcing version override of hvlis' "$logdir/rpm-install.log" &&
	pass "rpm/dkms-honours-version-override (modules_to_force_install/hvlis)" ||
	fail "rpm/dkms-honours-version-override: not in $logdir/rpm-install.log"
# A build that fails on RHEL: DKMS's own hook (kernel-install's
# 40-dkms.install, or postinst.d/dkms on RHEL 6/7) does not stop the
# kernel's installation and logs nothing to syslog; hvlis's hooks after it
# (45-hvlis.install, zz-hvlis) must log it, keep the build log and exit 0.
mkdir -p "/lib/modules/$broken"
fake_krels="$fake_krels $broken"
ln -s "$tmp/broken" "/lib/modules/$broken/build"
dkms autoinstall -k "$broken" > "$logdir/rpm-fail.log" 2>&1
rc0=$?
: > "$tmp/syslog"
"${stubenv[@]}" /usr/lib/kernel/install.d/45-hvlis.install add "$broken" "/boot/vmlinuz-$broken" >> "$logdir/rpm-fail.log" 2>&1
rc1=$?
"${stubenv[@]}" /etc/kernel/postinst.d/zz-hvlis "$broken" "/boot/vmlinuz-$broken" >> "$logdir/rpm-fail.log" 2>&1
rc2=$?
if [ $rc0 != 0 ] && [ $rc1 = 0 ] && [ $rc2 = 0 ] &&
	[ "$(grep -c "did not install hvlis $ver for kernel $broken.*build log: /var/log/hvlis/make-$broken.log" "$tmp/syslog")" = 2 ] &&
	grep -q "for kernel $broken" "/var/log/hvlis/make-$broken.log" 2> /dev/null; then
	pass "rpm/failed-build-logged-by-kernel-hooks (45-hvlis.install and zz-hvlis exit 0, syslog names the kernel and /var/log/hvlis/make-$broken.log)"
else
	fail "rpm/failed-build-logged-by-kernel-hooks: dkms autoinstall $rc0, 45-hvlis.install $rc1, zz-hvlis $rc2; syslog: $(tr '\n' ' ' < "$tmp/syslog"); see $logdir/rpm-fail.log"
fi
for k in $fake_krels; do rm -rf "/lib/modules/$k"; done
fake_krels=
ko1=$(modinfo -k "$krel" -n hv_vmbus 2> /dev/null)
touch -d '2020-01-01' "$ko1" 2> /dev/null
if [ -f "$rpm_r2" ]; then
	rpm -U --nodeps "$rpm_r2" > "$logdir/rpm-upgrade-release.log" 2>&1
	if rpm_state "$ver" && [ -n "$(find "$ko1" -newermt '2020-01-02' 2> /dev/null)" ] &&
		[ "$(rpm -q hvlis-dkms)" = "hvlis-dkms-$ver-2.noarch" ]; then
		pass "rpm/upgrade-same-version (module rebuilt from the new release; old preun left it alone)"
	else
		fail "rpm/upgrade-same-version: registered '$(registered)'; $(dkms status 2>&1 | tr '\n' ' '); see $logdir/rpm-upgrade-release.log"
	fi
fi
if [ -f "$rpm_next" ]; then
	rpm -U --nodeps "$rpm_next" > "$logdir/rpm-upgrade-version.log" 2>&1
	if rpm_state "$nextver" && [ ! -e "/var/lib/dkms/hvlis/$ver" ]; then
		pass "rpm/upgrade-new-version ($ver -> $nextver: old version removed from DKMS, new one installed)"
	else
		fail "rpm/upgrade-new-version: registered '$(registered)'; $(dkms status 2>&1 | tr '\n' ' '); see $logdir/rpm-upgrade-version.log"
	fi
fi
rpm -e --nodeps hvlis-dkms hvlis-daemons > "$logdir/rpm-erase.log" 2>&1
left=
[ -n "$(registered)" ] && left="$left registered:$(registered)"
for m in $dkmsmods; do
	for p in /lib/modules/*/updates/dkms/"$m".ko*; do
		[ -e "$p" ] && left="$left $p"
	done
done
for p in /var/lib/dkms/hvlis /usr/src/hvlis-* /usr/libexec/hvlis /var/log/hvlis \
	/etc/kernel/postinst.d/zz-hvlis /usr/lib/kernel/install.d/45-hvlis.install /usr/share/dkms/modules_to_force_install \
	$rpm_dfiles; do
	[ -e "$p" ] && left="$left $p"
done
[ -z "$left" ] && pass "rpm/erase ($(($(date +%s) - t0))s for the whole RPM cycle)" || fail "rpm/erase: left:$left"

# --- 6. nothing left -------------------------------------------------------------------------

for d in $rpm_newdirs; do
	[ -d "$d" ] && rmdir "$d" 2> /dev/null && info "removed $d: created by rpm --nodeps on this Debian machine (owned by dracut on RHEL)"
done
if [ -z "$later_dir_existed" ] && ! dpkg-query -W -f '${Status}' "linux-headers-$later" 2> /dev/null | grep -q installed; then
	rm -rf "/lib/modules/$later"
fi
for k in $noindex_krels; do
	[ -d "/lib/modules/$k" ] && rm -f /lib/modules/"$k"/modules.*
done
[ -n "$rpmdb_existed" ] || rm -rf "$HOME/.rpmdb"
snapshot > "$logdir/state-after.txt"
if diff "$logdir/state-before.txt" "$logdir/state-after.txt" > "$logdir/state-before-after.diff"; then
	pass "state/nothing-left ($(grep -c . "$logdir/state-before.txt") entries compared: packages, dkms status, files under /lib/modules /var/lib/dkms /usr/src /etc/kernel, initramfs and dracut dirs, *hvlis* in /etc /usr/lib /var)"
else
	fail "state/nothing-left: $(head -n 10 "$logdir/state-before-after.diff" | tr '\n' ' ')"
fi
info "depmod index files (modules.*) that DKMS's depmod created in kernel dirs that had none are removed by the test:$noindex_krels"
info "total $(elapsed)"
exit $failed
