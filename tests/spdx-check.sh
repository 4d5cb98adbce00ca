#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every tracked file (but the fuzz corpora, which are raw inputs, and the
# license text itself) names its license in an SPDX tag near the top.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
while IFS= read -r f; do
	case "$f" in
	tests/fuzz/corpus/* | LICENSE) continue ;;
	esac
	if ! head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-only'; then
		echo "FAIL: spdx/$f: no 'SPDX-License-Identifier: GPL-2.0-only' in its first lines"
		fail=1
	fi
done < <(git ls-files 2> /dev/null || find . -type f ! -path './.git/*' | sed 's|^\./||')
[ "$fail" = 1 ] || echo "PASS: spdx/all-files"
exit $fail
