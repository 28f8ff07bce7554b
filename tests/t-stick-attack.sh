#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-attack.sh - mule-stick under attack, from the review of issue 16
# (their world: stick_world in stick-lib.sh): a stick that shows a killed
# put's temporary again to have a number given back twice; MULE/ID of odd
# kinds; sync onto a folder planted or swapped as a symlink; -R files that
# never end; a stick manifest with a MULE/ planted or swapped beside the
# mailbox it leaves out; what list makes of a time no clock has shown.
# Each case: exit 1 or 2 as documented, nothing written outside the
# stick's MULE/, no number used for two items.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
for n in 1 2 3; do printf 'item %s\n' $n >"$T/f$n"; done
printf 'the one that was killed\n' >"$T/x"

# numbers_once STATE SENDER RECIPIENT: RECIPIENT's journal (in STATE)
# holds no number from SENDER twice
numbers_once() {
	no_twice=$(awk -v s="$2" -v r="$3" '$1 == "delivered" && $2 == s &&
	    $5 == r { print $6 }' "$1/mule/journal" 2>/dev/null | sort -n | uniq -d |
	    tr '\n' ' ')
	[ -z "$no_twice" ] || why="$why number(s) $no_twice carried by two items;"
}

# === a number given back twice ==============================================================
# Alice's put of x is killed once x is in place and in her sent record,
# before its number is settled.  Whoever holds the stick then keeps x,
# removes it from Bob's folder and puts a file under the name of the
# temporary x was written to (a FAT directory keeps the name of a renamed
# file; here it is read from Alice's sequence file).  The next put must
# not take x's number for another item: Bob would get two items numbered
# 2, and the one withheld would leave no gap.
scenario replant
why=""
if has_test_hooks; then
	st 0 ms_a put "$S" -r "$BOB" "$T/f1"
	if pause_at stick-put-before-settle env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick put "$S" -r "$BOB" "$T/x"; then
		kill -9 "$paused"
		wait "$paused" 2>/dev/null
	else
		why="$why put did not stop;"
	fi
	XC=$(awk '$3 == "pending" { print $6 }' "$ASTATE/mule/sequence")
	MARK=$(awk '$3 == "pending" { print $8 }' "$ASTATE/mule/sequence")
	[ -n "$XC" ] && [ -f "$BOX/$XC.gpg" ] || why="$why x is not pending and in place;"
	mv "$BOX/$XC.gpg" "$T/kept.gpg" && : >"$BOX/$MARK"
	put_new a "$S" -r "$BOB" "$T/f3"
	e=$(env_of "$BH" "$BOX/$NEW.gpg" | field recipient)
	[ "$e" = "$BOB 3" ] || why="$why the next item says '$e', not '$BOB 3';"
	mv "$T/kept.gpg" "$BOX/$XC.gpg"
	st 0 ms_b get "$S" -C "$IN"
	numbers_once "$BSTATE" "$ALICE" "$BOB"
	verdict "a put killed after its sent record, x taken off the stick and its temporary shown again: x's number stays x's (the next item is 3, Bob gets no number twice)"
else
	skip "needs --enable-test-hooks"
fi

# === MULE/ID ================================================================================
# Each odd MULE/ID: put exits 2 with one error line naming it, takes no
# number, and writes nothing on the stick; the ID is left as it was.
scenario ids
why=""
mkdir -p "$T/elsewhere"
for v in dir symlink fifo long newline space upper empty binary; do
	rm -rf "$S/MULE/ID"
	case $v in
	dir) mkdir "$S/MULE/ID" ;;
	symlink) printf '0123456789abcdef\n' >"$T/elsewhere/id" &&
		ln -s "$T/elsewhere/id" "$S/MULE/ID" ;;
	fifo) mkfifo "$S/MULE/ID" ;;
	long) printf '0123456789abcdef\n0123456789abcdef\n' >"$S/MULE/ID" ;;
	newline) printf '0123456789abcde\n\n' >"$S/MULE/ID" ;;
	space) printf '01234567 9abcdef\n' >"$S/MULE/ID" ;;
	upper) printf '0123456789ABCDEF\n' >"$S/MULE/ID" ;;
	empty) : >"$S/MULE/ID" ;;
	binary) head -c 5000 /dev/urandom >"$S/MULE/ID" ;;
	esac
	ls -la "$S/MULE/ID" >"$T/id.before" 2>&1
	tree "$S" >"$T/stick.before"
	st 2 ms_a put "$S" -r "$BOB" "$T/f1"
	one_error_of mule-stick "$T/err" && grep -q 'MULE/ID: not a stick ID' "$T/err" ||
	    why="$why $v: not one error about MULE/ID;"
	tree "$S" | cmp -s - "$T/stick.before" || why="$why $v: the stick changed;"
	[ ! -s "$ASTATE/mule/sequence" ] || why="$why $v: a number was taken;"
done
rm -rf "$S/MULE/ID"
put_new a "$S" -r "$BOB" "$T/f1"
grep -qx '[0-9a-f]\{16\}' "$S/MULE/ID" || why="$why no new ID made;"
verdict "MULE/ID a directory, a symlink, a FIFO, too long, with a newline, a space, upper case, empty, binary: put exits 2 naming it, nothing written or numbered; removed, the next put makes a new one"

# === sync onto a folder that is not one =====================================================
scenario syncfolder
why=""
rm -rf "$T/outside" && mkdir -p "$T/outside"
st 0 ms_a put --queue -r "$BOB" "$T/f1"
mkdir -p "$S/MULE/to" && ln -s "$T/outside" "$BOX"
st 2 ms_a sync "$S"
grep -q "not a directory" "$T/err" || why="$why no 'not a directory';"
[ -z "$(ls -A "$T/outside")" ] || why="$why written through the symlink;"
rm -f "$BOX"
if has_test_hooks; then
	# Swapped for a symlink once sync has opened it: sync goes on in the
	# folder it holds, wherever that was moved on the stick.
	if pause_at outbox-sync-after-open env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick sync "$S"; then
		mv "$BOX" "$S/moved" && ln -s "$T/outside" "$BOX"
		resume || why="$why sync after the swap failed;"
	else
		why="$why sync did not stop;"
	fi
	[ -z "$(ls -A "$T/outside")" ] || why="$why written through the symlink;"
	[ "$(items "$S/moved" | grep -c .)" -eq 1 ] || why="$why the item is not in the folder sync held;"
fi
verdict "sync onto to/FPR planted as a symlink: exit 2, nothing written outside; swapped for one mid-run: the folder it holds gets the item, nothing outside"

# === -R files that never end ================================================================
scenario keyfiles
why=""
st 2 ms_a put "$S" -R /dev/zero "$T/f1"
grep -q 'key file /dev/zero: larger than 16 MiB' "$T/err" || why="$why /dev/zero: $(cat "$T/err");"
mkfifo "$T/key.fifo"
(cat "$T/bob.asc" >"$T/key.fifo") &
st 0 ms_a put "$S" -R "$T/key.fifo" "$T/f1"
wait
[ "$(items "$BOX" | grep -c .)" -eq 1 ] || why="$why the FIFO's key was not used;"
verdict "put -R /dev/zero: exit 2 after 16 MiB; -R a FIFO fed a key: read once, used"

# === a stick's manifest and what is planted beside MULE/ ==================================
# The default manifest leaves the mailbox out (MULE/VERSION alone): a
# MULE/ further down, MULE/ as a symlink, or MULE/VERSION made a directory
# is no mailbox left out, and each fails mule-verify --strict (exit 1).
scenario manifest
why=""
printf 'the update\n' >"$S/update.txt"
GNUPGHOME=$AH mule-sign -q --manifest "$S" >"$T/m.asc" 2>"$T/err" ||
    why="$why mule-sign failed: $(cat "$T/err");"
mv_verify() {
	st "$1" env GNUPGHOME="$BH" mule-verify --manifest "$S" \
	    --manifest-file "$T/m.asc" --strict
	grep -q "$2" "$T/err" || why="$why no '$2';"
}
mv_verify 0 'the mailbox MULE/ is not in the manifest'
mkdir -p "$S/sub/MULE" && printf 'mule-stick 1\n' >"$S/sub/MULE/VERSION" &&
    printf 'planted\n' >"$S/sub/MULE/planted.txt"
mv_verify 1 'unlisted: sub/MULE/planted.txt'
rm -rf "$S/sub"
mv "$S/MULE" "$S/real" && ln -s real "$S/MULE"
mv_verify 1 'not a regular file: MULE/VERSION'
rm "$S/MULE" && mv "$S/real" "$S/MULE"
mv "$S/MULE/VERSION" "$T/VERSION" && mkdir "$S/MULE/VERSION"
mv_verify 1 'not a regular file: MULE/VERSION'
rmdir "$S/MULE/VERSION" && mv "$T/VERSION" "$S/MULE/VERSION"
mv_verify 0 '1 file match\|files match'
verdict "a manifest without the mailbox: a MULE/ planted further down, MULE/ a symlink, MULE/VERSION a directory each fail verify --strict (exit 1); put back, it passes"

# === list: a time no clock has shown ========================================================
# An item written, the stick says, at the first second a 64-bit clock
# holds (a file system that keeps 64-bit seconds, as btrfs does, or a
# tmpfs) is very old, not in the future; its age is a number, not a
# wrapped one.
scenario oldtime
why=""
put_new a "$S" -r "$BOB" "$T/f1"
python3 -c 'import os, sys; os.utime(sys.argv[1], ns=(0, -2**63 * 10**9))' \
    "$BOX/$NEW.gpg" 2>/dev/null || why="$why cannot set the time;"
st 0 ms_b list "$S" --json
python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))
ages = [o["age_seconds"] for o in a if o.get("cid") == sys.argv[2]]
sys.exit(0 if ages and ages[0] >= 0 else 1)' "$T/out" "$NEW" ||
    why="$why age_seconds: $(grep -o '"age_seconds": [-0-9]*' "$T/out");"
st 0 ms_b list "$S"
grep -q "$NEW .* days ago)" "$T/out" || why="$why the line: $(grep "$NEW" "$T/out");"
verdict "list of an item whose time is the first second of a 64-bit clock: age_seconds not below 0, 'days ago', not 'in the future'"

done_testing
