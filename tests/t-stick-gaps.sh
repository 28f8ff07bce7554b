#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-gaps.sh - mule-stick, no false gaps (issue 16): a put killed
# (SIGKILL) at every step, then run again; a put that fails on a full FAT
# stick; a receipt killed on its way; every time the readers' gets report
# no gap, deliver every item once, and no number is used twice (the
# readers' journals).  The sequence file of an older mule, and a corrupt
# or hostile one.  Alice and Bob, and Carol for items for two (their
# world: stick_world in stick-lib.sh).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
import_certified "$T/carol-home" "$T/alice.asc" ||
    { echo "Bail out! cannot give Carol Alice's key"; exit 99; }
mkdir -p "$T/carol"
random_sources r3m:3145728 r40k:40960 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }
for n in 1 2 3 4 5 6; do printf 'item %s\n' $n >"$T/f$n"; done
printf 'the one that was killed\n' >"$T/x"

ms_c() {
	with_timeout env GNUPGHOME="$T/carol-home" HOME="$T/carol" \
	    XDG_STATE_HOME="$CSTATE" mule-stick "$@"
}
scenario_gaps() {
	scenario "$1"
	CSTATE="$T/state/$1-carol"
	CIN="$T/in/$1-carol"
	CBOX="$S/MULE/to/$CAROL"
	mkdir -p "$CSTATE" "$CIN"
	why=""
}
fat_gaps() {
	fat_scenario "$1" "${2:-64M}" || return 1
	scenario_gaps "$1"
}

# killed_put POINT ARG...: Alice's put stopped at the pause point POINT,
# then killed with SIGKILL.
killed_put() {
	kp=$1; shift
	if pause_at "$kp" env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick put "$S" "$@"; then
		kill -9 "$paused"
		wait "$paused" 2>/dev/null
	else
		why="$why put did not stop at $kp ($(head -c 300 "$T/err"));"
	fi
}

# json_count STATUS: the objects of that status in get --json's $T/out
json_count() {
	python3 -c 'import json, sys
try:
    a = json.load(open(sys.argv[1]))
except Exception:
    print(-1); sys.exit()
print(sum(1 for o in a if o.get("status") == sys.argv[2]))' "$T/out" "$1"
}

# fetch WHO [ARG...]: WHO's (b or c) get --json into their inbox; adds to
# $why unless it exits 0 with no gap and nothing rejected.
fetch() {
	fe=$1; shift
	if [ "$fe" = b ]; then fe_in=$IN; else fe_in=$CIN; fi
	st 0 "ms_$fe" get "$S" -C "$fe_in" --json "$@"
	[ "$(json_count gap)" = 0 ] || why="$why $fe's get reports a gap;"
	[ "$(json_count rejected)" = 0 ] || why="$why $fe's get rejects;"
}

# numbered STATE SENDER RECIPIENT N WHO: RECIPIENT's journal (in STATE)
# holds N items from SENDER numbered 1..N, each number once.
numbered() {
	nb_got=$(awk -v s="$2" -v r="$3" '$1 == "delivered" && $2 == s &&
	    $5 == r { print $6 }' "$1/mule/journal" 2>/dev/null | sort -n |
	    tr '\n' ' ')
	nb_want=$(seq 1 "$4" | tr '\n' ' ')
	[ "$nb_got" = "$nb_want" ] ||
	    why="$why $5 got the numbers '$nb_got', not '$nb_want';"
}

# settled STATE: nothing reserved, pending or free is left in the
# sequence file
settled() {
	st_left=$(grep -E '^[0-9A-F]{40} [0-9A-F]{40} (reserved|pending|free) ' \
	    "$1/mule/sequence" 2>/dev/null | cut -d' ' -f3,4 | tr '\n' ' ')
	[ -z "$st_left" ] || why="$why left in the sequence file: $st_left;"
}

# count DIR N WHAT: DIR holds N items (a split one counts once)
count() {
	cn=$(items "$1" | grep -cE '\.gpg(\.001)?$')
	[ "$cn" -eq "$2" ] || why="$why $3 holds $cn items, not $2;"
}

# === one recipient: put killed at each step ===============================================
# one_case POINT N [PUT-OPTION...]: Alice puts f1 for Bob, her put of x is
# killed at POINT, she puts x and f3 again: Bob's folder holds N items
# (x twice when the killed one was in place), his get delivers all N,
# numbered 1..N.
one_case() {
	oc=$1 oc_n=$2; shift 2
	scenario_gaps "one-$oc$(echo "$*" | tr -d ' -')"
	case " $* " in
	*" --hide-recipients "*) oc_box="$S/MULE/to/anyone" ;;
	*) oc_box=$BOX ;;
	esac
	if ! has_test_hooks; then
		skip "put killed at $oc: needs --enable-test-hooks"
		return
	fi
	st 0 ms_a put "$S" -r "$BOB" "$@" "$T/f1"
	killed_put "$oc" -r "$BOB" "$@" "$T/x"
	st 0 ms_a put "$S" -r "$BOB" "$@" "$T/x" "$T/f3"
	settled "$ASTATE"
	count "$oc_box" "$oc_n" "Bob's folder"
	fetch b
	[ "$(json_count delivered)" = "$oc_n" ] ||
	    why="$why $(json_count delivered) delivered, not $oc_n;"
	numbered "$BSTATE" "$ALICE" "$BOB" "$oc_n" Bob
	verdict "put ${*:+$* }killed at $oc, run again: Bob's get delivers all $oc_n items, numbered 1..$oc_n, no gap"
}
one_case stick-put-after-number 3
one_case stick-put-after-pending 3
one_case stick-put-after-pending 3 --split 1K
one_case stick-put-after-rename 4
one_case stick-put-after-rename 4 --split 1K
one_case stick-put-before-settle 4
one_case stick-put-after-pending 3 --hide-recipients

# Interrupted by a signal (Ctrl-C, or TERM from a shutdown) between the
# pending record and the rename: the temporary stays as the proof that
# the item never got into place, and the next put takes its number back.
for sig in INT TERM; do
	scenario_gaps "signal-$sig"
	if ! has_test_hooks; then
		skip "put interrupted by SIG$sig: needs --enable-test-hooks"
		continue
	fi
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f1"
	if pause_at stick-put-copy-after-pending env GNUPGHOME="$AH" \
	    HOME="$T/alice" XDG_STATE_HOME="$ASTATE" mule-stick put "$S" \
	    -r "$BOB" -r "$CAROL" --split 1K "$SRC/r40k"; then
		kill -"$sig" "$paused"
		kill -CONT "$paused"
		wait "$paused" 2>/dev/null
	else
		why="$why put did not stop;"
	fi
	pause_at stick-put-after-pending env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick put "$S" -r "$BOB" \
	    -r "$CAROL" "$T/x" && { kill -"$sig" "$paused"; kill -CONT "$paused";
	    wait "$paused" 2>/dev/null; }
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f3"
	settled "$ASTATE"
	count "$BOX" 3 "Bob's folder"
	count "$CBOX" 3 "Carol's folder"
	fetch b
	numbered "$BSTATE" "$ALICE" "$BOB" 3 Bob
	fetch c
	numbered "$CSTATE" "$ALICE" "$CAROL" 3 Carol
	verdict "puts interrupted by SIG$sig before a rename (a split item's copy for Carol, an item for both): the next put completes the first and takes the second's numbers, no gap"
done

# === two recipients ========================================================================
# two_case POINT N: the same for items for Bob and Carol, killed at POINT;
# both folders hold N items, and both gets deliver them numbered 1..N.
two_case() {
	tc=$1 tc_n=$2
	scenario_gaps "two-$tc"
	if ! has_test_hooks; then
		skip "put for two killed at $tc: needs --enable-test-hooks"
		return
	fi
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f1"
	killed_put "$tc" -r "$BOB" -r "$CAROL" "$T/x"
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/x" "$T/f3"
	settled "$ASTATE"
	count "$BOX" "$tc_n" "Bob's folder"
	count "$CBOX" "$tc_n" "Carol's folder"
	fetch b
	numbered "$BSTATE" "$ALICE" "$BOB" "$tc_n" Bob
	fetch c
	numbered "$CSTATE" "$ALICE" "$CAROL" "$tc_n" Carol
	verdict "put for Bob and Carol killed at $tc, run again: both get all $tc_n items, numbered 1..$tc_n, no gap"
}
two_case stick-put-after-pending 3
two_case stick-put-after-rename 4
two_case stick-put-copying 4
two_case stick-put-copy-after-pending 4
two_case stick-put-before-settle 4

# The copy for Carol never made, and the only other one taken by Bob:
# the item went missing for Carol, the one gap there is.
scenario_gaps two-taken
if has_test_hooks; then
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f1"
	killed_put stick-put-copying -r "$BOB" -r "$CAROL" "$T/x"
	fetch b --remove
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f3"
	settled "$ASTATE"
	fetch b
	numbered "$BSTATE" "$ALICE" "$BOB" 3 Bob
	st 0 ms_c get "$S" -C "$CIN" --json
	[ "$(json_count gap)" = 1 ] && grep -q '"missing sequence 2"' "$T/out" ||
	    why="$why Carol's get does not report 2 missing;"
	verdict "killed before Carol's copy, Bob's taken by get --remove: Bob 1..3, Carol a gap at 2 (the item went missing for her), no number twice"
else
	skip "needs --enable-test-hooks"
fi

# === batches ===============================================================================
# batch_case POINT: a put of four items killed at POINT (wherever each
# item was then), all four put again: no gap, no number twice.
batch_case() {
	bc=$1
	scenario_gaps "batch-$bc"
	if ! has_test_hooks; then
		skip "batch killed at $bc: needs --enable-test-hooks"
		return
	fi
	st 0 ms_a put "$S" -r "$BOB" "$T/f1"
	killed_put "$bc" -r "$BOB" "$T/f2" "$SRC/r40k" "$T/f4" "$T/f5"
	killed=$(items "$BOX" | grep -c .)
	st 0 ms_a put "$S" -r "$BOB" "$T/f2" "$SRC/r40k" "$T/f4" "$T/f5"
	settled "$ASTATE"
	n=$(items "$BOX" | grep -c .)
	[ "$n" -ge 5 ] || why="$why only $n items;"
	fetch b
	[ "$(json_count delivered)" = "$n" ] ||
	    why="$why $(json_count delivered) delivered, not $n;"
	numbered "$BSTATE" "$ALICE" "$BOB" "$n" Bob
	verdict "a put of four killed at $bc ($((killed - 1)) in place then), all put again: Bob gets $n, numbered 1..$n, no gap"
}
# Two at a time: when one stops, the others are wherever they are.
MULE_JOBS=2
export MULE_JOBS
batch_case stick-put-after-number
batch_case stick-put-after-pending
batch_case stick-put-after-rename
batch_case stick-put-before-settle
unset MULE_JOBS

# === taken by the reader before the next put ===========================================
# Killed once the item was in place: Bob takes it (get --remove) before
# Alice puts again.  It is neither there nor its temporary: it may have
# been taken, so its number is kept (and it was).
scenario_gaps taken
if has_test_hooks; then
	st 0 ms_a put "$S" -r "$BOB" "$T/f1"
	killed_put stick-put-before-settle -r "$BOB" "$T/x"
	fetch b --remove
	count "$BOX" 0 "Bob's folder"
	st 0 ms_a put "$S" -r "$BOB" "$T/f3"
	settled "$ASTATE"
	fetch b
	numbered "$BSTATE" "$ALICE" "$BOB" 3 Bob
	verdict "killed after the rename, the item taken by Bob's get --remove before the next put: its number is not given again (Bob 1..3, no gap)"
else
	skip "needs --enable-test-hooks"
fi

# The killed put's stick is away: its numbers stay reserved while Alice
# puts on another stick, and are settled when she comes back.
scenario_gaps away-2
S2=$S
BOX2=$BOX
scenario_gaps away-1
S1=$S
if has_test_hooks; then
	killed_put stick-put-before-settle -r "$BOB" "$T/x"
	S=$S2
	st 0 ms_a put "$S2" -r "$BOB" "$T/f2"
	e=$(env_of "$BH" "$BOX2/$(items "$BOX2" | head -1)" | field recipient)
	[ "$e" = "$BOB 2" ] || why="$why the item on the other stick says '$e';"
	grep -q " pending 1 " "$ASTATE/mule/sequence" ||
	    why="$why the first stick's number is no longer pending;"
	S=$S1
	st 0 ms_a put "$S1" -r "$BOB" "$T/f3"
	settled "$ASTATE"
	e=$(for f in $(items "$BOX"); do env_of "$BH" "$BOX/$f" | field recipient; done | sort | tr '\n' ' ')
	[ "$e" = "$BOB 1 $BOB 3 " ] || why="$why the first stick's items say '$e';"
	verdict "a stick that is away: its pending numbers are kept meanwhile (the other stick's item is 2), settled when Alice puts there again"
else
	skip "needs --enable-test-hooks"
fi

# === receipts ==============================================================================
# Bob's get --receipts killed while the receipt is on its way: his next
# put for Alice takes the number back, and Alice sees no gap.
scenario_gaps receipt
if has_test_hooks; then
	st 0 ms_a put "$S" -r "$BOB" "$T/f1"
	if pause_at stick-put-after-pending env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" mule-stick get "$S" -C "$IN" --receipts; then
		kill -9 "$paused"
		wait "$paused" 2>/dev/null
	else
		why="$why get did not stop;"
	fi
	count "$ABOX" 0 "Alice's folder"
	st 0 ms_b put "$S" -r "$ALICE" "$T/f2"
	st 0 ms_a get "$S" -C "$AIN" --json
	[ "$(json_count gap)" = 0 ] || why="$why Alice's get reports a gap;"
	numbered "$ASTATE" "$BOB" "$ALICE" 1 Alice
	verdict "get --receipts killed before the receipt's rename: Bob's next put takes its number, Alice sees no gap"
else
	skip "needs --enable-test-hooks"
fi

# === a full stick ==========================================================================
# A put that fails on a full FAT stick gives its numbers back: the next
# item takes them.
if fat_gaps full 1M; then
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f1"
	st 2 ms_a put "$S" -r "$BOB" -r "$CAROL" "$SRC/r3m"
	st 2 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f2" "$SRC/r3m"
	settled "$ASTATE"
	st 0 ms_a put "$S" -r "$BOB" -r "$CAROL" "$T/f3"
	settled "$ASTATE"
	fetch b
	numbered "$BSTATE" "$ALICE" "$BOB" 2 Bob
	fetch c
	numbered "$CSTATE" "$ALICE" "$CAROL" 2 Carol
	verdict "puts that fail on a full FAT stick (one item, and a batch) give their numbers back: the next item is 2, for Bob and Carol, no gap"
	fat_done
else
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
fi

# === two people over a FAT stick ===========================================================
# Alice's put killed after its rename on FAT, Bob's receipts and his own
# put back: every number once, both ways.
if fat_gaps fat; then
	if has_test_hooks; then
		st 0 ms_a put "$S" -r "$BOB" "$T/f1"
		killed_put stick-put-after-pending -r "$BOB" "$T/x"
		st 0 ms_a put "$S" -r "$BOB" "$T/x" "$SRC/r40k"
		killed_put stick-put-after-rename -r "$BOB" "$T/f4"
		st 0 ms_a put "$S" -r "$BOB" "$T/f5"
		settled "$ASTATE"
		fetch b --receipts --remove
		numbered "$BSTATE" "$ALICE" "$BOB" 5 Bob
		st 0 ms_b put "$S" -r "$ALICE" "$T/f6"
		settled "$BSTATE"
		st 0 ms_a get "$S" -C "$AIN" --json
		[ "$(json_count gap)" = 0 ] || why="$why Alice's get reports a gap;"
		numbered "$ASTATE" "$BOB" "$ALICE" 2 Alice
		verdict "two people over FAT, puts killed before and after the rename: Bob gets 1..5, Alice Bob's receipt and item 1..2, no gap"
	else
		skip "needs --enable-test-hooks"
	fi
	fat_done
else
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
fi

# === the sequence file =====================================================================
# An older mule's file: its numbers go on.
scenario_gaps older
mkdir -p "$ASTATE/mule"
printf '%s %s 7\n' "$ALICE" "$BOB" >"$ASTATE/mule/sequence"
put_new a "$S" -r "$BOB" "$T/f1"
e=$(env_of "$BH" "$BOX/$NEW.gpg" | field recipient)
[ "$e" = "$BOB 8" ] || why="$why the item says '$e';"
[ "$(cat "$ASTATE/mule/sequence")" = "$ALICE $BOB 8" ] ||
    why="$why the file: $(cat "$ASTATE/mule/sequence");"
verdict "the sequence file of an older mule ('ALICE BOB 7'): the next item is 8, and the file stays in its form"

# corrupt DESC: put with the sequence file as it is now refuses with one
# error line naming it, exit 2, puts nothing, and leaves it as it was.
corrupt() {
	co_desc=$1
	cp -P "$ASTATE/mule/sequence" "$T/seq.before" 2>/dev/null
	st 2 ms_a put "$S" -r "$BOB" "$T/f2"
	grep -q '^mule-stick: error: sequence numbers' "$T/err" ||
	    why="$why no error about the sequence numbers;"
	one_error_of mule-stick "$T/err" || why="$why not one error line;"
	count "$BOX" 0 "Bob's folder"
	cmp -s "$T/seq.before" "$ASTATE/mule/sequence" ||
	    [ -L "$ASTATE/mule/sequence" ] || why="$why the file changed;"
	verdict "a corrupt or hostile sequence file ($co_desc): exit 2, one error line about it, nothing put"
}
scenario_gaps corrupt
mkdir -p "$ASTATE/mule"
printf 'garbage\n' >"$ASTATE/mule/sequence"
corrupt "a line of garbage"
printf '%s %s 3\n%s %s free 9\n' "$ALICE" "$BOB" "$ALICE" "$BOB" \
    >"$ASTATE/mule/sequence"
corrupt "a free number above the last one"
printf '%s %s 3\n%s %s pending 2 0123456789abcdef %s ../x m\n' "$ALICE" \
    "$BOB" "$ALICE" "$BOB" "$(printf '%064d' 0)" >"$ASTATE/mule/sequence"
corrupt "a pending number at a location with a slash"
printf '%s %s 1%0100d\n' "$ALICE" "$BOB" 0 >"$ASTATE/mule/sequence"
corrupt "a number of 101 digits"
head -c 20000000 /dev/zero | tr '\0' '\n' >"$ASTATE/mule/sequence"
corrupt "20 MB"
rm -f "$ASTATE/mule/sequence"
printf '%s %s 3\n' "$ALICE" "$BOB" >"$T/elsewhere"
ln -s "$T/elsewhere" "$ASTATE/mule/sequence"
corrupt "a symlink"
[ "$(cat "$T/elsewhere")" = "$ALICE $BOB 3" ] || why="$why the symlink's target changed;"
verdict "... the symlink's target is untouched"

done_testing
