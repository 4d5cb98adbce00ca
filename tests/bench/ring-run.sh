#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The ring benchmark outside any VM (`make bench-ring`): builds
# tests/bench/ring_bench.c with hvlis's ring code (modules/proto/ring_core.c
# and ring_iter.c, the files hv_vmbus is built from) and runs it: a producer
# and a consumer thread through the ring, beside the same two threads
# through a plain shared buffer, at 64 B, 1 KiB and 16 KiB messages. See
# docs/benchmarks.md. Not part of `make check`; never a timed test.
#
#   HVLIS_RING_REPS=7 HVLIS_RING_BYTES=1073741824 tests/bench/ring-run.sh
#
# First a self-check: with one message sent wrong on purpose (-x), both
# ways must fail, or the consumer's check is not checking and the run stops.
# Result: tests/build/bench/ring.txt. Needs no root.
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
B=$top/tests/build/bench
out=$B/ring.txt
mkdir -p "$B"
gcc -std=c11 -Wall -Wextra -Werror -O2 -g -I"$top/modules/include" \
	-o "$B/ring_bench" "$here/ring_bench.c" \
	"$top/modules/proto/ring_core.c" "$top/modules/proto/ring_iter.c" -lpthread ||
	{ echo "bench-ring: building ring_bench failed" >&2; exit 1; }

for m in ring plain; do
	log=$("$B/ring_bench" -n 1 -s 1024 -b 4194304 -m $m -x 12345 2>&1)
	rc=$?
	if [ $rc != 1 ] || ! grep -q "^FAIL: .*wrong checksum at message 12345 " <<<"$log"; then
		echo "bench-ring: FAIL: self-check ($m): a wrong message went unnoticed (exit $rc)" >&2
		echo "$log" >&2
		exit 1
	fi
done

{
	echo "# bench-ring $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null)$(git -C "$top" diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
	echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(gcc --version | head -1)"
	echo "# self-check: a wrong message fails both ways (ring, plain)"
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out"
"$B/ring_bench" -n "${HVLIS_RING_REPS:-7}" -b "${HVLIS_RING_BYTES:-1073741824}" >>"$out"
rc=$?
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
cat "$out"
exit $rc
