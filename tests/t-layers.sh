#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-layers.sh - src/lib keeps its layers: every include of ours names its
# layer ("core/error.h"), points down or sideways, never up; no two
# modules include each other, also in a ring; core needs no GPGME.  The
# rules are those of src/lib/README.  The checker is tried on copies with
# a planted upward include, a planted cycle and an include without a
# layer, and must catch each.
. "$srcdir/tests/lib.sh"

# includes LIB: "FILE INCLUDED" for every quoted include below LIB.
includes() {
	(cd "$1" && find . -name '*.[ch]' | sed 's,^\./,,' | sort |
	    xargs awk '/^[ \t]*#[ \t]*include[ \t]*"/ {
		split($0, q, "\""); print FILENAME, q[2] }')
}

# violations LIB: one line per include that breaks a rule; nothing if
# the tree keeps its layers.
violations() {
	(cd "$1" && find . -name '*.[ch]' | sed 's,^\./,,') >"$T/files"
	includes "$1" | awk -v files="$T/files" '
	BEGIN {
		# the layers each layer may include, itself among them
		ok["core"] = " core "
		ok["pgp"] = " core pgp "
		ok["key"] = " core pgp key "
		ok["tar"] = " core pgp tar "
		ok["stick"] = " core pgp key tar stick "
		ok["qr"] = " core pgp tar qr "
		ok["top"] = " core pgp key tar stick qr top "
		while ((getline f < files) > 0)
			have[f] = 1
	}
	function layer(path) {
		return index(path, "/") ? substr(path, 1, index(path, "/") - 1) \
		    : "top"
	}
	{
		from = layer($1); to = layer($2)
		if (!(from in ok))
			print $1 ": in a folder that is no layer (" from ")"
		else if (!($2 in have))
			print $1 ": includes \"" $2 "\", which is not LAYER/FILE below src/lib"
		else if (index(ok[from], " " to " ") == 0)
			print $1 ": " from " may not include " $2 " (" to ")"
	}'
	# Modules that include each other, also through others: tsort
	# reports a loop in the graph of module -> module it includes.
	includes "$1" | sed 's/\.[ch]\( \)/\1/; s/\.h$//' |
	    awk '$1 != $2' | tsort 2>&1 >/dev/null |
	    sed -n 's/^tsort: /cycle: /p' | grep -v 'input contains a loop' |
	    sed 's/^cycle: -: //'
	grep -l '#[[:space:]]*include[[:space:]]*<gpgme.h>' "$1"/core/*.[ch] \
	    2>/dev/null | sed 's,.*/core/,core/,; s,$,: core includes gpgme.h,'
	true
}

LIB="$srcdir/src/lib"
v=$(violations "$LIB")
if [ -z "$v" ]; then
	ok "src/lib keeps its layers: no upward include, no cycle, core without GPGME"
else
	echo "$v" | sed 's/^/# /' >&2
	not_ok "src/lib keeps its layers"
fi
n=$(includes "$LIB" | wc -l)
check "the checker saw the includes ($n)" [ "$n" -gt 100 ]

# The checker must catch what it is for: copies with one fault each.
plant() {
	rm -rf "$T/lib" && cp -R "$LIB" "$T/lib" && chmod -R u+w "$T/lib"
}
# caught DESC ERE: the checker, run on the planted copy, reports a line
# matching ERE.
caught() {
	violations "$T/lib" >"$T/v"
	if grep -Eq -- "$2" "$T/v"; then
		ok "$1"
	else
		sed 's/^/#   reported: /' "$T/v" >&2
		not_ok "$1"
	fi
}
plant
printf '#include "tar/tar.h"\n' >>"$T/lib/core/text.h"
caught "an upward include (core -> tar) is caught" \
    '^core/text.h: core may not include tar/tar.h'
plant
printf '#include "stick/folder.h"\n' >>"$T/lib/tar/bundle.c"
caught "an include from tar up to stick is caught" \
    '^tar/bundle.c: tar may not include stick/folder.h'
plant
printf '#include "core/error.h"\n' >>"$T/lib/core/cleanup.c"
printf '#include "core/cleanup.h"\n' >>"$T/lib/core/error.h"
printf '#include "core/cleanup.h"\n' >>"$T/lib/core/error.c"
caught "a cycle inside a layer (error <-> cleanup) is caught" \
    '^cycle: core/(cleanup|error)$'
plant
printf '#include "text.h"\n' >>"$T/lib/core/secret.c"
caught "an include without its layer is caught" \
    '^core/secret.c: includes "text.h"'
plant
printf '#include <gpgme.h>\n' >>"$T/lib/core/stream.h"
caught "GPGME in core is caught" '^core/stream.h: core includes gpgme.h'
plant
mkdir "$T/lib/misc" && printf '#include "core/error.h"\n' >"$T/lib/misc/x.c"
caught "a folder that is no layer is caught" \
    '^misc/x.c: in a folder that is no layer'

done_testing
