#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The storage benchmark (`make bench-stor`): builds the load generator
# (blkload.c) and runs the VM scenario vm-stor.sh, which measures brd and
# hv_storvsc disks on the simulated host's RAM side by side in one VM. See
# docs/benchmarks.md. Not part of `make check`; never a timed test.
#
#   HVLIS_BENCH_REPS=3 HVLIS_BENCH_SECS=3 tests/bench/stor-run.sh
#
# Result: tests/build/vm/bench-stor.txt (and the serial log beside it).
set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
B=$top/tests/build/bench
mkdir -p "$B"
gcc -std=c11 -Wall -Wextra -Werror -O2 -o "$B/blkload" "$here/blkload.c" -lpthread ||
	{ echo "bench-stor: building blkload failed" >&2; exit 1; }
export HVLIS_BLKLOAD=$B/blkload
exec "$top/tests/vm/run-vm.sh" "$here/vm-stor.sh"
