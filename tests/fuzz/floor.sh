#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# floor.sh HARNESS LOG [FLOORS]: did a libFuzzer run cover enough?
#
# Reads the coverage libFuzzer reports at the end of a run (the last
# "cov: N ft: M" of LOG: N edges, M features of the instrumented code) and
# compares it with HARNESS's line in FLOORS (default: floors.txt beside this
# script). Prints "cov N ft M" and exits 0 when both reach their floors;
# otherwise prints the reason and exits 1. A harness without a floor, or a
# log without a coverage line, fails too: every harness must show that it
# gets past the rejection path of its handler.
set -u
h=$1 log=$2
floors=${3:-$(dirname "$0")/floors.txt}
line=$(grep -E "cov: [0-9]+ ft: [0-9]+" "$log" 2> /dev/null | tail -n 1)
cov=$(sed -n 's/.* cov: \([0-9][0-9]*\) .*/\1/p' <<< "$line")
ft=$(sed -n 's/.* ft: \([0-9][0-9]*\).*/\1/p' <<< "$line")
if [ -z "$cov" ] || [ -z "$ft" ]; then
	echo "no coverage line (cov: N ft: M) in $log"
	exit 1
fi
read -r min_cov min_ft <<< "$(awk -v h="$h" '$1 == h { print $2, $3 }' "$floors")"
if [ -z "${min_cov:-}" ] || [ -z "${min_ft:-}" ]; then
	echo "cov $cov ft $ft, but $h has no floor in $floors"
	exit 1
fi
if [ "$cov" -lt "$min_cov" ] || [ "$ft" -lt "$min_ft" ]; then
	echo "covered cov $cov ft $ft, below the floor cov $min_cov ft $min_ft (only the rejection path?)"
	exit 1
fi
echo "cov $cov ft $ft (floor $min_cov $min_ft)"
