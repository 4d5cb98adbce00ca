#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# compat-headers.sh - the compat layer is split by subsystem
# (compat/include/hvlis/compat_*.h, compat.h only an umbrella) and files
# include what they use (no build, a second):
#   compat-headers/umbrella   compat.h holds no shim of its own, only
#                             #include lines of compat_*.h
#   compat-headers/arch       only compat_x86.h includes arch headers
#                             (asm/*) beyond the barriers compat_base.h
#                             needs, and only hv_x86.c includes compat_x86.h
#   compat-headers/users      no file under modules/, tests/hvsim or tests/drivers uses the
#                             umbrella; every file that uses a shim includes
#                             the compat header that defines it, or a header
#                             that does
# Prints PASS:/FAIL: lines; exits 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
inc=$top/compat/include/hvlis
failed=0
pass() { echo "PASS: compat-headers/$1"; }
fail() { echo "FAIL: compat-headers/$1"; failed=1; }
report() { # name, then the problems
	local n=$1 r
	shift
	if [ $# -eq 0 ]; then pass "$n"; else
		r=$(printf '%s; ' "$@")
		fail "$n: ${r%; }"
	fi
}

# --- umbrella: after comments, only guards and includes of compat_*.h
bad=()
body=$(sed -e 's|/\*.*\*/||' -e '/\/\*/,/\*\//d' "$inc/compat.h" | grep -v '^[[:space:]]*$' |
	grep -vE '^#(ifndef|define|endif)[[:space:]]*(HVLIS_COMPAT_H)?[[:space:]]*$' |
	grep -vE '^#include <hvlis/compat_[a-z0-9]+\.h>$')
[ -z "$body" ] || bad+=("compat.h has more than includes: $(head -n 1 <<< "$body")")
report umbrella "${bad[@]+"${bad[@]}"}"

# --- arch
bad=()
for h in "$inc"/compat*.h; do
	n=$(basename "$h")
	[ "$n" = compat_x86.h ] && continue
	while IFS= read -r a; do
		case "$a" in asm/barrier.h | asm/system.h) [ "$n" = compat_base.h ] && continue ;; esac
		bad+=("$n includes <$a>")
	done < <(sed -n 's|^#include <\(asm/[^>]*\)>.*|\1|p' "$h")
done
while IFS= read -r f; do
	[ "$f" = modules/hv_vmbus/hv_x86.c ] || bad+=("$f includes compat_x86.h")
done < <(cd "$top" && grep -rl --include='*.[ch]' 'hvlis/compat_x86.h' modules tests/hvsim tests/drivers compat/include | grep -v compat/include)
report arch "${bad[@]+"${bad[@]}"}"

# --- users: each shim's defining header, and who may use the shim
declare -A defines=(
	[compat_bus.h]='DEVICE_ATTR_RO|__ATTR_RO_MODE|hvlis_uevent_dev_t|hvlis_match_drv_t|hvlis_bus_remove_ret_t|HVLIS_BUS_REMOVE_OK'
	[compat_cpu.h]='cpus_read_lock|cpus_read_unlock|alloc_ordered_workqueue'
	[compat_power.h]='hvlis_orderly_reboot|hibernation_available'
	[compat_time.h]='hvlis_set_wallclock'
	[compat_poll.h]='hvlis_poll_t|HVLIS_POLL_(IN|OUT|HUP)'
	[compat_net.h]='hvlis_netif_napi_add'
	[compat_ptp.h]='hvlis_ptp_set_no_freq_adj'
	[compat_scsi.h]='hvlis_scsi_done|HVLIS_SHT_VIRT_BOUNDARY|hvlis_shost_set_hw_queues|hvlis_qc_status_t'
	[compat_x86.h]='hvlis_rdmsr|hvlis_wrmsr|hvlis_setup_vmbus_handler|hvlis_remove_vmbus_handler|HVLIS_ARCH_VMBUS_VECTOR|PAGE_KERNEL_ROX'
)
bad=()
cd "$top" || exit 1
while IFS= read -r f; do
	grep -q '#include <hvlis/compat\.h>' "$f" && bad+=("$f includes the umbrella compat.h")
	# what f includes, one level down into the project's own headers
	incs=$(sed -n 's|^#include [<"]\(.*\)[>"].*|\1|p' "$f")
	for i in $incs; do
		for d in "$(dirname "$f")/$i" "modules/include/$i" "compat/include/$i"; do
			[ -f "$d" ] && incs="$incs $(sed -n 's|^#include [<"]\(.*\)[>"].*|\1|p' "$d")"
		done
	done
	for h in "${!defines[@]}"; do
		grep -qwE "${defines[$h]}" "$f" || continue
		grep -qw "hvlis/$h" <<< "$incs" || bad+=("$f uses $h's shims without including it")
	done
done < <(git ls-files 'modules/*.[ch]' 'tests/hvsim/*.[ch]' 'tests/drivers/*.[ch]' 2> /dev/null ||
	find modules tests/hvsim tests/drivers -name '*.[ch]' ! -name '*.mod.c')
report users "${bad[@]+"${bad[@]}"}"
exit $failed
