#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-fuzz-lists.sh - every fuzz harness of contrib/fuzz links: each mule_
# function its harness and its sources (contrib/fuzz/run.sh --sources)
# call is defined in those sources.  run.sh names them by hand, and needs
# clang and libFuzzer to try; this reads the objects make check has just
# built with nm, in a second.  (A list that missed a file added by
# another change broke every harness once, and only CI's fuzz step saw
# it.)  The checker is tried on a list with a file taken out, and must
# catch it.
. "$srcdir/tests/lib.sh"

command -v nm >/dev/null 2>&1 || { echo "1..0 # SKIP no nm"; exit 77; }

# missing NAME SRC...: the mule_ symbols NAME's objects use but do not
# define; empty if it links.  Exit 2 if an object is not there.
missing() {
	m_name=$1; shift
	m_objs="contrib/fuzz/fuzz-$m_name.o"
	for m_s; do
		m_objs="$m_objs src/lib/${m_s%.c}.o"
	done
	for m_o in $m_objs; do
		[ -f "$m_o" ] || { echo "no $m_o" >&2; return 2; }
	done
	# shellcheck disable=SC2086
	nm --defined-only $m_objs | awk 'NF == 3 { print $3 }' | sort -u >"$T/def"
	# shellcheck disable=SC2086
	nm --undefined-only $m_objs | awk '{ print $NF }' | grep '^mule_' |
	    sort -u >"$T/undef"
	comm -23 "$T/undef" "$T/def"
}

"$srcdir/contrib/fuzz/run.sh" --sources >"$T/lists"
check "run.sh --sources lists every harness (18 or more)" \
    [ "$(wc -l <"$T/lists")" -ge 18 ]
while read -r name srcs; do
	# shellcheck disable=SC2086
	gaps=$(missing "$name" $srcs)
	rc=$?
	if [ $rc -eq 2 ]; then
		skip "fuzz-$name: objects not built (make check builds them)"
		continue
	fi
	[ -n "$gaps" ] && diag "fuzz-$name lacks: $(echo $gaps)"
	check "fuzz-$name: its sources define every mule_ function it calls" \
	    [ -z "$gaps" ]
done <"$T/lists"

# The checker itself: the status harness without pgp/keyname.c (the gap
# that broke CI once) must be caught.
srcs=$(awk '$1 == "status" { $1 = ""; print }' "$T/lists" |
    sed 's# pgp/keyname.c##')
# shellcheck disable=SC2086
gaps=$(missing status $srcs)
check "... and a list without pgp/keyname.c is caught (mule_keyname_ctx)" \
    sh -c 'printf "%s\n" "$1" | grep -q "^mule_keyname_ctx$"' sh "$gaps"
done_testing
