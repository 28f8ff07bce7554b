#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-planted.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh): what anyone can
# plant on the stick (from the review of get); sequence numbers of a put
# taken only when every item is there.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# === from the review of get: what anyone can plant on the stick ======================
scenario planted
why=""
printf 'one\n' >"$T/p1"
put_new a "$S" -r "$BOB" "$T/p1"
GOOD=$NEW
printf 'bait\n' | GNUPGHOME=$AH gpg --batch -q --pinentry-mode loopback \
    --passphrase x -c >"$T/sym.gpg" 2>/dev/null
SYM=$(sha "$T/sym.gpg")
cp "$T/sym.gpg" "$BOX/$SYM.gpg"
st 1 ms_b get "$S" -C "$IN"
grep -q "^rejected $SYM: .*passphrase" "$T/out" || why="$why no rejection naming the passphrase;"
grep -q "^delivered from .*($ALICE): " "$T/out" || why="$why the good item was not delivered;"
verdict "an item sealed with a passphrase is refused before gpg could ask for one (exit 1)"

why=""
printf 'two\n' >"$T/p2"
put_new a "$S" -r "$BOB" "$T/p2"
mkdir -p "$S/MULE/rejected/$NEW.gpg"	# planted in the way of a move aside
flip "$BOX/$NEW.gpg" 100 "$T/flipped" && mv "$T/flipped" "$BOX/$NEW.gpg"
printf 'three\n' >"$T/p3"
put_new a "$S" -r "$BOB" "$T/p3"
THREE=$NEW
st 1 ms_b get "$S" -C "$IN"
grep -q "^delivered from .*($ALICE): " "$T/out" || why="$why the good item was not delivered;"
grep -q "warning: .*left in place" "$T/err" || why="$why no warning about the blocked move;"
verdict "a directory planted in rejected/ blocks a move aside: a warning, and the run goes on"

why=""
ms_b get "$S" -C "$IN" >/dev/full 2>"$T/err"
rc=$?
[ $rc -eq 2 ] || why="$why exit $rc, not 2;"
verdict "get with its report going to a full device exits 2"

why=""
mkdir -p "$T/planted-outside"
rm -rf "$S/MULE/to" && ln -s "$T/planted-outside" "$S/MULE/to"
st 2 ms_a put "$S" -r "$BOB" "$T/p1"
[ -z "$(ls -A "$T/planted-outside")" ] || why="$why something was written through the symlink;"
st 0 ms_b get "$S" -C "$IN"
verdict "MULE/to planted as a symlink: put refuses (exit 2), nothing written outside; get skips it"

scenario numbers
printf 'one\n' >"$T/p1"
why=""
put_new a "$S" -r "$BOB" "$T/p1"
st 0 ms_b get "$S" -C "$IN"
why=""
# The sequence numbers of a put are taken only when every item is there:
# a number never used would look like a lost item to Bob.
cp "$ASTATE/mule/sequence" "$T/seq.before" 2>/dev/null || : >"$T/seq.before"
st 2 ms_a put "$S" -r "$BOB" "$T/p1" "$T/no-such-file"
cmp -s "$T/seq.before" "$ASTATE/mule/sequence" || why="$why the sequence numbers moved;"
grep -q 'no-such-file' "$T/err" || why="$why the error does not name the missing item;"
verdict "put of a missing item: exit 2, and no sequence number is used up"

why=""
# A journal line get cannot read is the reader's problem: exit 2, and the
# items stay where they are.
cp "$BSTATE/mule/journal" "$T/journal.good"
echo 'delivered not a record' >>"$BSTATE/mule/journal"
printf 'four\n' >"$T/p4"
put_new a "$S" -r "$BOB" "$T/p4"
snap "$BOX"
st 2 ms_b get "$S" -C "$IN"
grep -q 'not a journal record' "$T/err" || why="$why the error does not say the journal is bad;"
[ -z "$(added "$BOX")" ] && [ "$(items "$BOX" | wc -l)" -eq "$(wc -l <"$T/snap")" ] ||
    why="$why items on the stick changed;"
grep -q '^delivered' "$T/out" && why="$why something was delivered;"
cp "$T/journal.good" "$BSTATE/mule/journal"
verdict "a journal with a line get cannot read: exit 2, nothing delivered, the stick as it was"

# Lines are read by length and must be records exactly: a NUL byte once
# ended the reading silently, every later record was lost, and an item
# delivered before was delivered again with exit 0.
for bad in nul double-space trailing-space plus-seq; do
	why=""
	python3 - "$T/journal.good" "$BSTATE/mule/journal" "$bad" <<'EOF'
import sys
src, out, bad = sys.argv[1:4]
lines = open(src, "rb").read().split(b"\n")
first = lines[0]
if bad == "nul":
    first = first[:20] + b"\0" + first[21:]
elif bad == "double-space":
    first = first.replace(b" ", b"  ", 1)
elif bad == "trailing-space":
    first = first + b" "
else:
    head, _, seq = first.rpartition(b" ")
    first = head + b" +" + seq
lines[0] = first
open(out, "wb").write(b"\n".join(lines))
EOF
	st 2 ms_b get "$S" -C "$IN"
	grep -q 'line 1 is not a journal record' "$T/err" || why="$why the error does not name line 1;"
	grep -q '^delivered' "$T/out" && why="$why something was delivered;"
	cp "$T/journal.good" "$BSTATE/mule/journal"
	verdict "a journal line with $bad: exit 2, nothing delivered"
done

done_testing
