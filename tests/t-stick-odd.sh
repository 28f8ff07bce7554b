#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-odd.sh - mule-stick, a USB stick as a mailbox between Alice and
# Bob (their world: stick_world in stick-lib.sh): a gap in the sequence
# numbers; symlinks, FIFOs and odd names on the stick.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# === a gap ================================================================================
# gap_case NAME ORDER: Alice puts 3 items, the 2nd vanishes, Bob gets;
# ORDER "up" or "down": the 3rd item's file name sorts after (before) the
# 1st's (the puts are redone until it does), so a get that goes through
# the folder in either order is seen.  Adds to $why.
gap_case() {
	for gc_try in 1 2 3 4 5 6 7 8; do
		scenario "$1-$gc_try"
		for n in one two three; do printf '%s\n' $n >"$T/gap-$n"; done
		put_new a "$S" -r "$BOB" - <"$T/gap-one"; GP1=$NEW
		put_new a "$S" -r "$BOB" - <"$T/gap-two"; GP2=$NEW
		put_new a "$S" -r "$BOB" - <"$T/gap-three"; GP3=$NEW
		[ -n "$why" ] && return
		if [ "$2" = up ]; then
			[ "$GP3" \> "$GP1" ] && break
		else
			[ "$GP3" \< "$GP1" ] && break
		fi
	done
	GP1ID=$(env_of "$BH" "$BOX/$GP1.gpg" | field id)
	GP3ID=$(env_of "$BH" "$BOX/$GP3.gpg" | field id)
	[ "$(env_of "$BH" "$BOX/$GP2.gpg" | field recipient)" = "$BOB 2" ] ||
	    why="$why the second item is not 'BOB 2';"
	rm -f "$BOX/$GP2.gpg"
	st 0 ms_b get "$S" -C "$IN"
	[ "$(delivered_ids "$ALICE" | tr '\n' ' ')" = "$(printf '%s\n' "$GP1ID" "$GP3ID" | sort | tr '\n' ' ')" ] ||
	    why="$why items 1 and 3 not delivered;"
	grep -qE "^gap from .*\($ALICE\): missing sequence 2(\.\.2)?\$" "$T/out" ||
	    why="$why no 'gap ALICE: missing sequence 2' line ($2);"
}
why=""
gap_case gapup up
[ -n "$why" ] && sed 's/^/#   stdout (up): /' "$T/out" >&2
gap_case gapdown down
verdict "Alice puts 3 items, the 2nd vanishes: 1 and 3 delivered, a gap line for sequence 2, exit 0 (whatever the order of the names)"

# === symlinks, FIFOs, odd names =========================================================
scenario hyg
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"; H1=$NEW
printf 'second\n' >"$T/h2"
put_new a "$S" -r "$BOB" - <"$T/h2"; H2=$NEW
# a valid item for Bob lying outside the stick, reached by a symlink
mkdir -p "$T/outside"
OUTSIDE_STICK="$T/sticks/hyg-out"
mkdir -p "$OUTSIDE_STICK"
ms_a init "$OUTSIDE_STICK" >/dev/null 2>&1
printf 'outside\n' | ms_a put "$OUTSIDE_STICK" -r "$BOB" - >/dev/null 2>&1
OUTF=$(items "$OUTSIDE_STICK/MULE/to/$BOB" | head -n 1)
mv "$OUTSIDE_STICK/MULE/to/$BOB/$OUTF" "$T/outside/$OUTF"
OUTID=$(env_of "$BH" "$T/outside/$OUTF" | field id)
OUTSUM=$(sha "$T/outside/$OUTF")
ln -s "$T/outside/$OUTF" "$BOX/$OUTF"
FIFO=$(printf 'fifo' | sha256sum | cut -d' ' -f1).gpg
mkfifo "$BOX/$FIFO"
ODD="evil
name.gpg"
echo 'junk' >"$BOX/$ODD"
H1ID=$(env_of "$BH" "$BOX/$H1.gpg" | field id)
H2ID=$(env_of "$BH" "$BOX/$H2.gpg" | field id)
env GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
    timeout 20 mule-stick get "$S" -C "$IN" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 124 ] || [ $rc -eq 137 ] && why="$why get hung (exit $rc);"
[ $rc -eq 0 ] || why="$why exit $rc, not 0;"
[ "$(delivered_ids "$ALICE" | tr '\n' ' ')" = "$(printf '%s\n' "$H1ID" "$H2ID" | sort | tr '\n' ' ')" ] ||
    why="$why the two real items not (or not only) delivered;"
verdict "a symlink, a FIFO and an oddly named file in MULE/to/BOB: get does not block, delivers the two real items, exit 0"

why=""
grep -q "${OUTF%.gpg}" "$T/err" || why="$why no warning naming the symlink;"
grep -q "${FIFO%.gpg}" "$T/err" || why="$why no warning naming the FIFO;"
grep -q 'evil' "$T/err" || why="$why no warning naming the odd file;"
grep -q '^name\.gpg' "$T/err" && why="$why the newline in a name printed raw;"
verdict "... a warning for each, the name with a newline escaped"

why=""
[ -L "$BOX/$OUTF" ] || why="$why the symlink is gone;"
[ -p "$BOX/$FIFO" ] || why="$why the FIFO is gone;"
[ "$(sha "$T/outside/$OUTF")" = "$OUTSUM" ] || why="$why the symlink's target changed;"
[ -z "$(dir_of "$IN" "$ALICE" "$OUTID")" ] || why="$why the item behind the symlink was delivered;"
verdict "... the symlink not followed, its target untouched, both left in place"

why=""
tree "$IN" >"$T/tree.before"
printf 'third\n' >"$T/h3"
put_new a "$S" -r "$BOB" - <"$T/h3"; H3=$NEW
H3ID=$(env_of "$BH" "$BOX/$H3.gpg" | field id)
st 0 ms_b get "$S" -C "$IN" --max-size 100
grep -q "^delivered" "$T/out" && why="$why something delivered;"
grep -q "$H3" "$T/err" || why="$why no warning naming the item;"
[ -f "$BOX/$H3.gpg" ] || why="$why the item left MULE/to/BOB;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
st 0 ms_b get "$S" -C "$IN"
[ "$(delivered_ids "$ALICE")" = "$H3ID" ] || why="$why not delivered without --max-size;"
verdict "get --max-size 100: a bigger item is skipped with a warning and left for later"

done_testing
