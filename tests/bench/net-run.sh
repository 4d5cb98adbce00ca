#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The network benchmark (`make bench-net`): builds the load generator
# (netload.c; blkload.c for its tick-profile dump), checks on the host that
# netload's receiver catches a wrong byte and a wrong datagram, then runs
# the VM scenario vm-net.sh, which measures hv_netvsc (to the simulated
# host's netdev) and a veth pair side by side in one VM. See
# docs/benchmarks.md. Not part of `make check`; never a timed test.
#
#   HVLIS_BENCH_REPS=3 HVLIS_BENCH_SECS=4 tests/bench/net-run.sh
#
# Result: tests/build/vm/bench-net.txt (and the serial log beside it).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
B=$top/tests/build/bench
mkdir -p "$B"
gcc -std=c11 -Wall -Wextra -Werror -O2 -o "$B/netload" "$here/netload.c" -lpthread ||
	{ echo "bench-net: building netload failed" >&2; exit 1; }
gcc -std=c11 -Wall -Wextra -Werror -O2 -o "$B/blkload" "$here/blkload.c" -lpthread ||
	{ echo "bench-net: building blkload failed" >&2; exit 1; }

# Self-check on the loopback: one byte / one datagram sent wrong on
# purpose must fail the receiver, else its check is not checking.
selfcheck() { # PROTO ARG CORRUPT PORT
	local rc
	rm -f "$B/netload.rdy"
	"$B/netload" "$1-recv" 127.0.0.1 "$4" "$2" "$B/netload.rdy" > /dev/null 2> "$B/netload.err" &
	local rp=$!
	for _ in $(seq 100); do [ -e "$B/netload.rdy" ] && break; sleep 0.05; done
	NETLOAD_CORRUPT=$3 "$B/netload" "$1-send" 127.0.0.1 "$4" "$2" 1 2> /dev/null
	wait $rp
	rc=$?
	if [ $rc != 1 ] || ! grep -q "wrong" "$B/netload.err"; then
		echo "bench-net: FAIL: self-check $1: a wrong byte went unnoticed (receiver exit $rc)" >&2
		cat "$B/netload.err" >&2
		exit 1
	fi
}
port=$((20000 + $$ % 20000))
selfcheck tcp 2 1000003 "$port"
selfcheck udp 64 5000 "$((port + 1))"
echo "bench-net: self-check passed: netload's receivers catch a wrong byte and a wrong datagram"

export HVLIS_NETLOAD=$B/netload HVLIS_BLKLOAD=$B/blkload
exec "$top/tests/vm/run-vm.sh" "$here/vm-net.sh"
