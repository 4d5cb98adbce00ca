#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# extract-vmlinux.sh - get the uncompressed ELF vmlinux out of an x86 bzImage
#
# usage: tests/vm/extract-vmlinux.sh BZIMAGE OUT
#
# An x86 bzImage is the real-mode setup code (setup_sects + 1 sectors of 512
# bytes), then the 32/64-bit decompressor, which carries the compressed kernel
# as its payload.  Since boot protocol 2.08 the setup header says where that
# payload is: payload_offset (u32 at 0x248, relative to the start of the
# protected-mode code) and payload_length (u32 at 0x24c).  The payload is one
# compressed stream followed by the 4-byte little-endian uncompressed size.
#
# We locate the payload from the header, check that a known compression magic
# is at that offset, and decompress it.  Should the header not say (older
# protocol) or point at no known magic, every offset where a compression magic
# occurs is tried instead until one decompresses to an ELF file.  The result
# is the stripped vmlinux the decompressor would have run (with the KASLR
# relocation table appended in the payload cut off again), which QEMU can boot
# directly through its PVH ELF note.
set -euo pipefail

die() { echo "extract-vmlinux: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 BZIMAGE OUT"
img=$1
out=$2
[ -r "$img" ] || die "cannot read '$img'"

# u LEN OFFSET: unsigned little-endian integer of LEN (1, 2, 4, 8) bytes
u() { od -An -v -tu"$1" -j "$2" -N "$1" -- "$img" | tr -d ' \n'; }
ul() { od -An -v -tu"$1" -j "$2" -N "$1" -- "$3" | tr -d ' \n'; }

# the decompressor command for the magic at byte OFFSET, or nothing
compression_at() {
	local hex
	hex=$(od -An -v -tx1 -j "$1" -N 6 -- "$img" | tr -d ' \n')
	case $hex in
	fd377a585a00*) echo "xz -dc --single-stream" ;;
	28b52ffd*) echo "zstd -dcq" ;;
	1f8b08*) echo "gzip -dc" ;;
	5d0000*) echo "xz -dc --format=lzma" ;;
	425a68*) echo "bzip2 -dc" ;;
	02214c18*) echo "lz4 -dc" ;;
	894c5a*) echo "lzop -dc" ;;
	esac
}

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# try OFFSET LENGTH: decompress LENGTH bytes from OFFSET (LENGTH 0: to the end)
# into $tmp; succeed if that gives an ELF file
try() {
	local off=$1 len=$2 cmd
	cmd=$(compression_at "$off")
	[ -n "$cmd" ] || return 1
	command -v "${cmd%% *}" > /dev/null || { echo "extract-vmlinux: need ${cmd%% *} for the payload at $off" >&2; return 1; }
	if [ "$len" -gt 0 ]; then
		tail -c +$((off + 1)) -- "$img" | head -c "$len" | $cmd > "$tmp" 2> /dev/null || true
	else
		tail -c +$((off + 1)) -- "$img" | $cmd > "$tmp" 2> /dev/null || true
	fi
	[ "$(od -An -tx1 -N4 -- "$tmp" | tr -d ' \n')" = 7f454c46 ]
}

[ "$(od -An -c -j $((0x202)) -N4 -- "$img" | tr -d ' \n')" = HdrS ] || die "'$img' is not a bzImage (no HdrS signature)"
proto=$(u 2 $((0x206)))
setup_sects=$(u 1 $((0x1f1)))
[ "$setup_sects" -ne 0 ] || setup_sects=4
pm=$(((setup_sects + 1) * 512))
found=
how=
if [ "$proto" -ge $((0x208)) ]; then
	poff=$(u 4 $((0x248)))
	plen=$(u 4 $((0x24c)))
	start=$((pm + poff))
	if try "$start" $((plen - 4)); then
		found=$start
		how="setup header (protocol $(printf '%x' "$proto"), payload $plen bytes at $start)"
		# the decompressor appends the uncompressed size: check it
		want=$(u 4 $((start + plen - 4)))
	fi
fi
if [ -z "$found" ]; then
	# no usable header: scan for the magics, in file order
	while IFS=: read -r off _; do
		if try "$off" 0; then
			found=$off
			how="magic scan (stream at byte $off)"
			break
		fi
	done < <(LC_ALL=C grep -obUaP '\xfd7zXZ\x00|\x28\xb5\x2f\xfd|\x1f\x8b\x08|\x5d\x00\x00|BZh|\x02\x21\x4c\x18|\x89LZ' -- "$img" || true)
	want=
fi
[ -n "$found" ] || die "no compressed ELF kernel found in '$img'"

size=$(stat -c %s -- "$tmp")
if [ -n "$want" ] && [ "$want" -ne "$size" ]; then
	die "payload decompressed to $size bytes, the image says $want"
fi

# cut the data after the ELF file (the relocation table of the decompressor):
# a stripped vmlinux ends with its section header table
[ "$(od -An -tx1 -j 4 -N1 -- "$tmp" | tr -d ' ')" = 02 ] || die "not a 64-bit ELF kernel"
shoff=$(ul 8 $((0x28)) "$tmp")
shentsize=$(ul 2 $((0x3a)) "$tmp")
shnum=$(ul 2 $((0x3c)) "$tmp")
end=$((shoff + shentsize * shnum))
if [ "$shoff" -gt 0 ] && [ "$end" -le "$size" ]; then
	truncate -s "$end" -- "$tmp"
fi
mv -f -- "$tmp" "$out"
trap - EXIT
echo "extract-vmlinux: $img -> $out ($(stat -c %s -- "$out") bytes) via $how"
