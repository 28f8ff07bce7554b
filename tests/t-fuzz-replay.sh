#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every fuzz corpus through every fuzz harness (contrib/fuzz), built with
# tests/fuzz-replay.c as main instead of libFuzzer: the inputs the fuzzers
# found interesting, and every crash they ever found, stay fixed with any
# compiler.  Under --enable-sanitizers this is where ASan and UBSan see them.
. "$srcdir/tests/lib.sh"

CORPUS="$srcdir/contrib/fuzz/corpus"
# The harnesses write only below TMPDIR (the tar policy's scratch directory).
TMPDIR="$T"
export TMPDIR

for src in "$srcdir"/contrib/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	prog="$MULE_BUILDDIR/tests/$name"
	if [ ! -x "$prog" ]; then
		not_ok "$name is built for replay (add it to FUZZ_REPLAY in tests/local.mk)"
		continue
	fi
	if [ ! -d "$CORPUS/${name#fuzz-}" ]; then
		not_ok "$name has a seed corpus in contrib/fuzz/corpus/${name#fuzz-}"
		continue
	fi
	if "$prog" "$CORPUS"/* >"$T/out" 2>"$T/err"; then
		ok "$name: $(cat "$T/out") from every corpus, no crash"
	else
		sed 's/^/#   /' "$T/err" | tail -40 >&2
		not_ok "$name: every corpus replays without a crash"
	fi
	left=$(find "$T" -mindepth 1 -maxdepth 1 ! -name out ! -name err \
	    ! -name state | head -3)
	check "$name leaves nothing in TMPDIR" [ -z "$left" ]
done

done_testing
