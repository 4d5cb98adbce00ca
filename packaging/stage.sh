#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: packaging/stage.sh DEST
#
# Copies into DEST (which must not exist) what the package builds need from
# the source tree, without build output, so that a package is the same
# whether it is built from a git checkout, an exported tarball or a tree
# someone has just run `make` in:
#   - the DKMS source subset, which is what /usr/src/hvlis-<version> gets:
#     dkms.conf, Makefile, LICENSE, modules/, compat/ (the top Makefile's
#     `modules` target needs nothing else; tests/ and docs/ stay out);
#   - the daemons' sources, which the package builds compile: daemons/,
#     and the scripts and man pages they install, scripts/ (without
#     scripts/demo.sh, a development tool);
#   - what the packaging itself installs: packaging/kernel-hooks/,
#     packaging/initramfs-tools/, packaging/dracut/ (their boot module
#     list comes from modules/modules.list), packaging/systemd/, packaging/udev/ and docs/packaging.md (installed
#     as package documentation).
# Build output is what .gitignore lists for modules/, compat/ and daemons/.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd -P)
dest=$1
[ ! -e "$dest" ] || { echo "$0: $dest exists" >&2; exit 1; }

# every regular file under the given paths (relative to $top), minus build output
files() {
	(cd "$top" && find "$@" \( -name .tmp_versions -o -name .build -o -path daemons/bin \) -prune -o -type f \
		! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' ! -name '.*.cmd' \
		! -name '*.order' ! -name Module.symvers ! -name '*.a' ! -name '.*.d' ! -name '*.dwo' \
		! -name '*~' ! -name '*.orig' ! -name '*.rej' ! -path scripts/demo.sh -print)
}

paths="dkms.conf Makefile LICENSE modules compat daemons scripts
	packaging/kernel-hooks packaging/initramfs-tools packaging/dracut packaging/systemd packaging/udev
	docs/packaging.md"
for p in $paths; do
	[ -e "$top/$p" ] || { echo "$0: $top/$p is missing" >&2; exit 1; }
done
mkdir -p "$dest"
# shellcheck disable=SC2086 # $paths is a list of plain words
files $paths | LC_ALL=C sort | while IFS= read -r f; do
	mkdir -p "$dest/$(dirname "$f")"
	cp -p "$top/$f" "$dest/$f"
done
