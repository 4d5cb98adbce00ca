#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The KVP daemon benchmark (`make bench`): hvlis's hv_kvp_daemon and Debian's
# in-box one, driven side by side in one run by the same fake kernel peer
# (kvp_bench.c) through the same kind of socket (devshim.c stands in for
# /dev/vmbus/hv_kvp). See docs/benchmarks.md for the method and the caveats.
#
#   tests/bench/run.sh [disk|tmpfs]...     default: both
#   KEYS=200 REPS=5 VALUE_SIZE=100 tests/bench/run.sh
#
# Results: tests/build/bench/kvp-<fs>.txt. A wrong answer from either daemon
# makes the run fail; the speed and memory numbers never do. Needs root
# (mount namespace); nothing outside tests/build/bench and the package cache
# (/var/cache/hvlis/inbox) is written.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
B=$top/tests/build/bench
KEYS=${KEYS:-200}
REPS=${REPS:-5}
VALUE_SIZE=${VALUE_SIZE:-100}
mkdir -p "$B"

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (a private mount namespace for the daemons' /var/lib)"
fss=("$@")
[ ${#fss[@]} -gt 0 ] || fss=(disk tmpfs)

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
# hvlis's daemon with the flags `make daemons` uses (the Makefile's defaults)
make -s -C "$top/daemons" BUILD="$B/hvlis" > "$B/build.log" 2>&1 || die "building the daemons failed: $(tail -n 5 "$B/build.log")"
gcc -std=c11 -Wall -Wextra -Werror -O2 -I"$top/daemons/kvp" -o "$B/kvp_bench" "$here/kvp_bench.c" || die "building kvp_bench failed"
gcc -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o "$B/devshim.so" "$here/devshim.c" -ldl || die "building devshim.so failed"
read -r inbox inbox_ver < <("$here/inbox.sh") || true
[ -n "${inbox:-}" ] || die "Debian's hyperv-daemons could not be had (see the message above); the benchmark needs it"

rc=0
for fs in "${fss[@]}"; do
	case $fs in disk | tmpfs) ;; *) die "unknown pool file system '$fs' (disk or tmpfs)" ;; esac
	out=$B/kvp-$fs.txt
	{
		echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, $(gcc --version | head -n 1)"
		echo "# work directory on $(df -T "$B" | awk 'NR == 2 { print $2 }'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
		"$B/kvp_bench" --work "$B/work" --shim "$B/devshim.so" \
			--ours "$B/hvlis/hv_kvp_daemon" --inbox "$inbox" \
			--label-ours "hvlis $ver hv_kvp_daemon (make daemons: -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong)" \
			--label-inbox "Debian hyperv-daemons $inbox_ver hv_kvp_daemon ($inbox)" \
			--keys "$KEYS" --reps "$REPS" --value-size "$VALUE_SIZE" --pool-fs "$fs" || rc=1
		echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	} > "$out" 2>&1
	grep -v '^PASS: ' "$out"
	echo "(written to $out)"
	echo
done
exit $rc
