# SPDX-License-Identifier: GPL-2.0-only
#
# modules/vmbus-classes.list -> the C table of daemons/tools/vmbus_list.c
# (see that list for its format). Fails on a malformed line, so a bad
# table never builds.
function cstr(s) { return s == "-" ? "NULL" : "\"" s "\"" }
function hex(n,  r) { r = ""; while (n-- > 0) r = r "[0-9a-f]"; return r }
BEGIN {
	# no {n} intervals: mawk (Debian's default awk) lacks them
	guid_re = "^\\{" hex(8) "-" hex(4) "-" hex(4) "-" hex(4) "-" hex(12) "\\}$"
	print "/* SPDX-License-Identifier: GPL-2.0-only */"
	print "/* Generated from modules/vmbus-classes.list by daemons/tools/vmbus_classes.awk. */"
}
{ sub(/#.*/, "") }
NF == 0 { next }
NF < 4 {
	printf "vmbus-classes.list:%d: %d fields, want 4 (guid hvlis in-box name)\n", NR, NF > "/dev/stderr"
	bad = 1; next
}
$1 !~ guid_re {
	printf "vmbus-classes.list:%d: bad class GUID %s\n", NR, $1 > "/dev/stderr"
	bad = 1; next
}
$2 !~ /^[A-Za-z0-9_-]+$/ || $3 !~ /^[A-Za-z0-9_-]+$/ {
	printf "vmbus-classes.list:%d: module names are [A-Za-z0-9_-] or -\n", NR > "/dev/stderr"
	bad = 1; next
}
seen[$1]++ {
	printf "vmbus-classes.list:%d: %s listed twice\n", NR, $1 > "/dev/stderr"
	bad = 1; next
}
{
	name = $0
	sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", name)
	sub(/[ \t]+$/, "", name)
	if (name ~ /["\\]/) {
		printf "vmbus-classes.list:%d: a name may not hold \" or \\\n", NR > "/dev/stderr"
		bad = 1; next
	}
	printf "\t{ \"%s\", %s, %s, \"%s\" },\n", $1, cstr($2), cstr($3), name
	n++
}
END {
	if (!bad && n == 0) {
		print "vmbus-classes.list: no class listed" > "/dev/stderr"
		bad = 1
	}
	exit bad
}
