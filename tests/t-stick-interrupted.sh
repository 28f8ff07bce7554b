#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-interrupted.sh - mule-stick, a USB stick as a mailbox between
# Alice and Bob (their world: stick_world in stick-lib.sh): concurrent
# puts; get killed with SIGKILL and run again.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r8m-1:8388608 r8m-2:8388608 r8m-3:8388608 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# === concurrent puts =====================================================================
scenario conc
why=""
for n in 1 2 3; do
	printf 'concurrent %s\n' $n >"$T/conc$n"
	ms_a put "$S" -r "$BOB" - <"$T/conc$n" >"$T/conc$n.out" 2>"$T/conc$n.err" &
	eval "cpid$n=\$!"
done
for n in 1 2 3; do
	eval "wait \$cpid$n"
	rc=$?
	[ $rc -eq 0 ] || why="$why put $n exit $rc: $(cat "$T/conc$n.err");"
done
[ "$(items "$BOX" | wc -l)" -eq 3 ] || why="$why MULE/to/BOB holds $(items "$BOX" | wc -l) items;"
[ -z "$(temps "$BOX")" ] || why="$why temporaries left;"
SEQS=$(for f in $(items "$BOX"); do env_of "$BH" "$BOX/$f" | field recipient; done | sort | tr '\n' ' ')
[ "$SEQS" = "$BOB 1 $BOB 2 $BOB 3 " ] || why="$why recipient lines: '$SEQS';"
verdict "three concurrent puts: three items, sequence numbers 1, 2, 3"

# === get killed with SIGKILL =============================================================
scenario kill
why=""
KIDS=""
for n in 1 2 3; do
	put_new a "$S" -r "$BOB" "$SRC/r8m-$n"
	KIDS="$KIDS $(env_of "$BH" "$BOX/$NEW.gpg" | field id)"
	printf 'small %s\n' $n >"$T/k$n"
	put_new a "$S" -r "$BOB" - <"$T/k$n"
	KIDS="$KIDS $(env_of "$BH" "$BOX/$NEW.gpg" | field id)"
done
[ "$(items "$BOX" | wc -l)" -eq 6 ] || why="$why not six items to begin with;"
# kill after 0.04 s, 0.07 s, ... until a run finishes by itself: the
# deaths sweep through every stage of the deliveries
t=4 killed=0
while [ $t -lt 200 ]; do
	secs="$((t / 100)).$((t / 10 % 10))$((t % 10))"
	env GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
	    timeout -s KILL "$secs" mule-stick get "$S" -C "$IN" >>"$T/kill.out" 2>&1
	rc=$?
	[ $rc -eq 137 ] || [ $rc -eq 124 ] || break
	killed=$((killed + 1))
	t=$((t + 3))
done
diag "get was killed $killed times (after 0.04 s .. $secs s)"
[ $killed -ge 3 ] || why="$why only $killed runs were killed;"
st 0 ms_b get "$S" -C "$IN"
for i in $KIDS; do
	grep -qE "^(delivered from .*\($ALICE\): .*-$i|already-delivered from .*\($ALICE\): item $i)\$" "$T/out" ||
	    why="$why the final run does not report $i;"
done
verdict "get killed with SIGKILL again and again, then rerun: exit 0, every item reported"

why=""
for i in $KIDS; do
	n=$(dir_of "$IN" "$ALICE" "$i" | wc -l)
	[ "$n" -eq 1 ] || why="$why $i delivered $n times;"
done
[ "$(ls "$IN/$ALICE" 2>/dev/null | wc -l)" -eq 6 ] ||
    why="$why the inbox holds: $(ls -A "$IN/$ALICE" 2>/dev/null | tr '\n' ' ');"
set -- $KIDS
for n in 1 2 3; do
	cmp -s "$SRC/r8m-$n" "$(dir_of "$IN" "$ALICE" "${1:-none}")/r8m-$n" ||
	    why="$why r8m-$n differs;"
	[ $# -ge 2 ] && shift 2
done
verdict "... every item delivered exactly once (one folder each, content intact)"

why=""
[ -d "$IN/$ALICE" ] || why="$why nothing delivered;"
[ -z "$(temps "$IN")$(temps "$IN/$ALICE")" ] ||
    why="$why left in the inbox: $(temps "$IN") $(temps "$IN/$ALICE");"
verdict "... no staging directory left in the inbox"

why=""
J="$BSTATE/mule/journal"
[ "$(echo $KIDS | wc -w)" -eq 6 ] && [ -s "$J" ] || why="$why no journal, or not six items;"
for i in $KIDS; do
	n=$(grep "$i" "$J" 2>/dev/null | grep -c .)
	[ "$n" -eq 1 ] || why="$why $i on $n journal lines;"
done
verdict "... the journal has one line per item"

done_testing
