#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-bundle-interrupted.sh - mule-bundle: atomic output, signals during -x
# of a 200 MiB bundle, and usage errors. After every refusal: the exit
# status, nothing on standard output, one error line, the destination as
# it was and no .mule-* temporary in it.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/bundle-lib.sh"
bundle_world
bundle_big
mk "$T/plain.asc" "$S/plain" &&
    mk "$T/big.asc" "$S/big" || { echo "Bail out! cannot make the bundles"; exit 99; }
echo 'one' >"$S/note.txt"
touch -d '2001-02-03 04:05:06' "$S/note.txt"
mk "$T/note.asc" "$S/note.txt" ||
    { echo "Bail out! cannot make the note bundle"; exit 99; }
mkdir -p "$T/o"
# --- output atomicity -----------------------------------------------------------
fresh "$T/oa"
echo 'existing' >"$T/oa/B.asc"
refuses "-o onto an existing file: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/oa/B.asc" "$S/plain"
check "... the file is unchanged, the hint names --force" sh -c '
	[ "$(cat "$1/oa/B.asc")" = existing ] && grep -q "hint:.*--force" "$1/err" &&
	! ls -A "$1/oa" | grep -q "^\.mule-"' - "$T"
if run_status 0 mb -r bob@example.org -u alice@example.org --force \
    -o "$T/oa/B.asc" "$S/plain" && xt "$T/d-force" "$T/oa/B.asc" \
    && same_tree "$S/plain" "$T/d-force/plain" && no_temps "$T/oa"; then
	ok "--force replaces it"
else
	not_ok "--force replaces it"
fi
refuses "an unknown recipient: exit 2" 2 \
    mb -r nobody@example.org -u alice@example.org -o "$T/oa/none.asc" "$S/plain"
check "... no output file, no temporary" \
    sh -c '[ ! -e "$1/none.asc" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/oa"

mkdir -p "$S/three" "$T/full" "$T/full2"
head -c 3145728 /dev/urandom >"$S/three/data"
mk "$T/three.asc" "$S/three"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null \
    && mount -t tmpfs -o size=1m tmpfs "$T/full2" 2>/dev/null; then
	refuses "a full disk while creating a 3 MiB bundle: exit 2" 2 \
	    mb -r bob@example.org -u alice@example.org -o "$T/full/B.asc" "$S/three"
	check "... and nothing is left there" [ -z "$(ls -A "$T/full")" ]
	echo 'marker' >"$T/full2/marker"
	x_refused "a full disk while extracting 3 MiB: exit 2, the tmpfs as it was" 2 \
	    "$T/full2" "$T/three.asc"
else
	skip "mount -t tmpfs refused: no full-disk test"
	skip "mount -t tmpfs refused: no full-disk test"
	skip "mount -t tmpfs refused: no full-disk test"
fi

# --- signals during -x of the 200 MiB bundle ------------------------------------------
BIGN=$(size "$T/big.asc")
for sig in INT TERM; do
	fresh "$T/sig-$sig"
	feed "$T/big.asc" $((BIGN * 3 / 4))
	$DEFSIG mule-bundle -q -x -C "$T/sig-$sig" \
	    <"$T/fifo" >"$T/out" 2>"$T/err" &
	pid=$!
	why=""
	wait_stage "$T/sig-$sig" || why="$why the extraction never got under way;"
	kill -$sig $pid
	{ wait $pid; st=$?; } 2>/dev/null
	stop_feeder
	[ "$st" -eq 0 ] && why="$why exit 0;"
	[ -z "$(ls -A "$T/sig-$sig")" ] || why="$why DIR not empty:$(ls -A "$T/sig-$sig" | tr '\n' ' ');"
	if [ -z "$why" ]; then
		ok "SIG$sig during -x of 200 MiB: nothing left in DIR (exit $st)"
	else
		failed "SIG$sig during -x of 200 MiB: nothing left in DIR"
	fi
done

fresh "$T/sig-KILL"
feed "$T/big.asc" $((BIGN * 3 / 4))
mule-bundle -q -x -C "$T/sig-KILL" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
wait_stage "$T/sig-KILL"
stage=$(ls -A "$T/sig-KILL" | grep "^\.mule-$pid-.*\.stage\$")
smode=$(stat -c %a "$T/sig-KILL/$stage" 2>/dev/null)
kill -KILL $pid
{ wait $pid; } 2>/dev/null
stop_feeder
if [ -n "$stage" ] && [ -d "$T/sig-KILL/$stage" ] && [ "$smode" = 700 ]; then
	ok "the staging directory is .mule-PID-RAND.stage, mode 700"
else
	diag "staging: '$stage', mode '$smode'; in DIR: $(ls -A "$T/sig-KILL" | tr '\n' ' ')"
	not_ok "the staging directory is .mule-PID-RAND.stage, mode 700"
fi
if run_status 0 mb -x -C "$T/sig-KILL" "$T/note.asc" \
    && [ "$(ls_dest "$T/sig-KILL")" = note.txt ]; then
	ok "after SIGKILL, the next -x there removes the stale staging dir"
else
	diag "in DIR: $(ls -A "$T/sig-KILL" | tr '\n' ' ')"
	not_ok "after SIGKILL, the next -x there removes the stale staging dir"
fi

fresh "$T/sig-file"
$DEFSIG mule-bundle -q -x -C "$T/sig-file" "$T/big.asc" \
    >"$T/out" 2>"$T/err" &
pid=$!
why=""
wait_stage "$T/sig-file" || why="$why the extraction never got under way;"
kill -TERM $pid
{ wait $pid; st=$?; } 2>/dev/null
[ "$st" -eq 0 ] && why="$why exit 0;"
[ -z "$(ls -A "$T/sig-file")" ] || why="$why DIR not empty:$(ls -A "$T/sig-file" | tr '\n' ' ');"
if [ -z "$why" ]; then
	ok "SIGTERM during -x BIG.asc (a file argument): nothing left in DIR (exit $st)"
else
	failed "SIGTERM during -x BIG.asc (a file argument): nothing left in DIR"
fi

# The same with a made-up stale one (its PID dead), and one of a live
# mule-bundle (waiting for its input).
sh -c 'exit 0' &
dead=$!
wait $dead
fresh "$T/stale"
fresh "$T/waiting"
feed /dev/null 0
mule-bundle -q -x -C "$T/waiting" <"$T/fifo" >/dev/null 2>&1 &
live=$!
mkdir -p "$T/stale/.mule-$dead-Ab12Cd.stage/plain/sub" \
    "$T/stale/.mule-$live-Zz9Yy8.stage"
echo 'junk' >"$T/stale/.mule-$dead-Ab12Cd.stage/plain/sub/junk"
run_status 0 mb -x -C "$T/stale" "$T/note.asc"
st=$?
kill -TERM $live 2>/dev/null
{ wait $live; } 2>/dev/null
stop_feeder
if [ $st -eq 0 ] \
    && [ ! -e "$T/stale/.mule-$dead-Ab12Cd.stage" ] \
    && cmp -s "$S/note.txt" "$T/stale/note.txt"; then
	ok "a stale staging dir of a dead PID (with files in it) is removed"
else
	diag "in DIR: $(ls -A "$T/stale" | tr '\n' ' ')"
	not_ok "a stale staging dir of a dead PID (with files in it) is removed"
fi
check "... the staging dir of a live mule-bundle is left alone" \
    [ -d "$T/stale/.mule-$live-Zz9Yy8.stage" ]

no_gpg_left "no gpg process of the interrupted runs is left behind"

# --- usage errors -----------------------------------------------------------------
refuses "an unknown option: exit 2" 2 mb --no-such-option "$S/plain"
check "... the hint points to --help" grep -q "hint: see 'mule-bundle --help'" "$T/err"
refuses "-t and -x together: exit 2" 2 mb -t -x "$T/plain.asc"
refuses "create without PATH: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/o/nopath.asc"
check "... and no output file" [ ! -e "$T/o/nopath.asc" ]
fresh "$T/d-nodir"
rmdir "$T/d-nodir"
refuses "-x -C a missing DIR: exit 2" 2 mb -x -C "$T/d-nodir" "$T/plain.asc"
check "... which is not created" [ ! -e "$T/d-nodir" ]
if run_status 0 mb --help && grep -q '^usage: mule-bundle' "$T/out"; then
	ok "--help exits 0 with usage"
else
	not_ok "--help exits 0 with usage"
fi
if run_status 0 mb --version && grep -q '^mule-bundle (mule) [0-9]' "$T/out"; then
	ok "--version exits 0"
else
	not_ok "--version exits 0"
fi

done_testing
