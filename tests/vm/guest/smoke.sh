# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# The smoke boot of prep-vm.sh (not a test scenario): the kernel boots to
# /init, which reaches guest() and powers off.

guest() {
	vm_log "smoke boot: $(uname -r)"
}
