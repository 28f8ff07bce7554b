#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-outbox.sh - mule-stick put --queue and sync (issue 16): Alice
# seals items into her outbox while the stick is away, and sync moves
# them onto the stick (a FAT one through fusefat where there is one).
# Each item is on the stick exactly once, however sync is killed; one
# recorded as on a stick is never copied again; a full stick, a missing
# one, a hostile one and a damaged record leave the rest queued.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r20k:20480 r300k:307200 r600k:614400 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# stick NAME [SIZE]: fat_scenario NAME [SIZE], or a plain directory
# (scenario NAME) where there is no FAT; OB is Alice's outbox, CBOX
# Carol's folder.
stick() {
	fat_scenario "$@" || scenario "$1"
	OB="$ASTATE/mule/outbox"
	CBOX="$S/MULE/to/$CAROL"
}
# json EXPR: EXPR evaluated by python3 on the JSON document in $T/out (d)
json() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$T/out" "$1" 2>/dev/null
}
# first_words: the first word of each line of $T/out, counted ("2 synced")
first_words() { cut -d' ' -f1 "$T/out" | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' '; }
# queued: the CIDs queued in $OB; done_recs: those recorded as on a stick
queued() { ls -A "$OB" 2>/dev/null | sed -n 's/\.to$//p' | sort; }
done_recs() { ls -A "$OB" 2>/dev/null | sed -n 's/\.done$//p' | sort; }
# cids DIR: the items in DIR by CID, once each (parts counted as one)
cids() { items "$1" | sed 's/\.gpg.*//' | sort -u; }
# outbox_state: the outbox as it is (names, sizes, contents)
outbox_state() { tree "$OB"; }
# queue_new ARG...: put --queue as Alice; NEWQ is the CIDs it queued
queue_new() {
	queued >"$T/q.before"
	st 0 ms_a put --queue "$@"
	NEWQ=$(queued | comm -13 "$T/q.before" -)
	[ -n "$NEWQ" ] || why="$why nothing queued by put --queue $*;"
}
# parts_of SIZE CID: how many parts of SIZE the queued item CID makes
parts_of() { echo $((($(size "$OB/$2.gpg") + $1 - 1) / $1)); }
# delivered_count: "delivered" lines in $T/out
delivered_count() { grep -c '^delivered ' "$T/out"; }

# === put --queue, with no stick ==========================================================
scenario queue
OB="$ASTATE/mule/outbox"
why=""
st 0 ms_a put --queue -r "$BOB" "$SRC/report.txt" "$SRC/notes"
[ "$(first_words)" = "2 queued " ] || why="$why lines: $(first_words);"
[ "$(queued | wc -l)" -eq 2 ] || why="$why $(queued | wc -l) records;"
for c in $(queued); do
	[ "$(sha "$OB/$c.gpg")" = "$c" ] || why="$why $c.gpg is not named by its SHA-256;"
done
[ ! -e "$S/MULE/to/$BOB" ] || why="$why the stick was written to;"
grep -q "^queued .*report.txt for \"Bob <bob@example.org>\" ($BOB)" "$T/out" ||
    why="$why the report.txt line does not name Bob;"
verdict "put --queue without a stick: a 'queued' line naming Bob for each item, sealed into the outbox under its SHA-256"

why=""
st 0 ms_a put --queue --json -r "$BOB" -r "$CAROL" --hide-recipients - <"$SRC/msg"
c=$(json 'd[0]["cid"]')
[ "$(json 'len(d)')" = 1 ] || why="$why not one object;"
[ "$(json 'd[0]["status"]')" = queued ] || why="$why status is not queued;"
[ "$(json 'd[0]["name"]')" = "(standard input)" ] || why="$why name;"
[ "$(json 'd[0]["hidden_recipients"]')" = True ] || why="$why hidden_recipients;"
[ "$(json 'd[0]["kind"], d[0]["parts"]')" = "('message', 0)" ] || why="$why kind, parts;"
[ "$(json 'd[0]["folders"]')" = "['anyone']" ] || why="$why folders;"
[ "$(json '[r["fpr"] for r in d[0]["recipients"]]')" = "['$BOB', '$CAROL']" ] || why="$why recipients;"
[ "$(json '[r["name"] for r in d[0]["recipients"]]')" = "['Bob <bob@example.org>', 'Carol <carol@example.org>']" ] ||
    why="$why recipient names;"
[ "$(json 'd[0]["sender"] + " " + d[0]["sender_name"]')" = "$ALICE Alice <alice@example.org>" ] || why="$why sender;"
[ "$(json 'd[0]["size"]')" = "$(size "$OB/$c.gpg" 2>/dev/null)" ] || why="$why size;"
json 'd[0]["created"]' | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' || why="$why created;"
json 'd[0]["id"]' | grep -qE '^[0-9a-f]{32}$' || why="$why id;"
[ "$(json 'd[0]["split"]')" = 0 ] || why="$why split;"
verdict "put --queue --json: one array, put's fields (status, id, cid, kind, name, size, parts, created, sender, recipients, hidden_recipients) and split, folders"

why=""
[ "$(stat -c %a "$OB")" = 700 ] || why="$why the outbox is $(stat -c %a "$OB");"
for f in "$OB"/* "$ASTATE/mule/outbox.lock"; do
	[ "$(stat -c %a "$f")" = 600 ] || why="$why $(basename "$f") is $(stat -c %a "$f");"
done
[ "$(ls -A "$OB" | wc -l)" -eq 6 ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
verdict "the outbox is mode 0700, each file in it (and outbox.lock) 0600; nothing but CID.gpg and CID.to"

why=""
for text in 'quarterly report' 'note one' 'note two' 'keys are under the mat'; do
	grep -rqaF "$text" "$OB" && why="$why '$text' in plaintext;"
done
verdict "no plaintext waits in the outbox"

why=""
chmod 755 "$OB"
st 0 ms_a put --queue -r "$BOB" "$SRC/msg"
[ "$(stat -c %a "$OB")" = 700 ] || why="$why the outbox stays $(stat -c %a "$OB");"
verdict "an outbox opened up to others is made private again"

why=""
st 0 ms_a put --queue --json -R "$T/mallory.asc" "$SRC/report.txt"
[ "$(json '[r["fpr"] for r in d[0]["recipients"]]')" = "['$MALLORY']" ] || why="$why recipients: $(cat "$T/out");"
GNUPGHOME=$AH gpg --batch -k "$MALLORY" >/dev/null 2>&1 && why="$why Mallory's key was imported;"
verdict "put --queue -R KEYFILE: sealed for the key in the file, which is not imported"

# --- all or nothing -------------------------------------------------------------------
why=""
outbox_state >"$T/ob.before"
st 2 ms_a put --queue -r "$BOB" "$SRC/report.txt" "$T/no-such-file"
one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
mkfifo "$T/fifo"
st 2 ms_a put --queue -r "$BOB" "$SRC/report.txt" "$T/fifo"
grep -q 'not a file, directory or symlink' "$T/err" || why="$why the FIFO: '$(head -n 1 "$T/err")';"
[ ! -s "$T/out" ] || why="$why something printed;"
outbox_state | cmp -s "$T/ob.before" - || why="$why the outbox changed: $(ls -A "$OB" | tr '\n' ' ');"
verdict "put --queue is all or nothing: a missing item, or one that cannot be sealed, queues none (exit 2)"

# --- what is not for --queue ---------------------------------------------------------------
why=""
mkdir -p "$T/sticks/usage"
st 0 ms_a init "$T/sticks/usage"
outbox_state >"$T/ob.before"
for args in "put --queue $T/sticks/usage -r $BOB $SRC/report.txt" \
    "put --queue -r $BOB" "sync" "sync $T/sticks/usage $T/sticks/usage" \
    "sync $T/sticks/usage -r $BOB" "sync $T/sticks/usage --split 1K" \
    "get $T/sticks/usage -C $T --queue" "list $T/sticks/usage --queue" \
    "sync $T/sticks/usage --journal $T/j" "retry $T/sticks/usage --queue"; do
	# shellcheck disable=SC2086
	st 2 ms_a $args
	one_error_of mule-stick "$T/err" || why="$why '$args': not one error line;"
done
st 2 ms_a put --queue "$T/sticks/usage" -r "$BOB" "$SRC/report.txt"
grep -q 'takes no stick' "$T/err" || why="$why --queue with a stick: '$(head -n 1 "$T/err")';"
outbox_state | cmp -s "$T/ob.before" - || why="$why the outbox changed;"
verdict "usage: --queue takes no stick, sync one stick and only --json and -q, --queue is for put (exit 2)"

# === sync ==================================================================================
stick sync
why=""
queue_new -r "$BOB" "$SRC/report.txt" "$SRC/notes"; Q1=$NEWQ
queue_new -r "$BOB" --split 4K "$SRC/r20k"; Q2=$NEWQ
NP2=$(parts_of 4096 "$Q2")
queue_new -r "$BOB" - <"$SRC/msg"; Q3=$NEWQ
st 0 ms_a sent --json
[ "$(json 'sorted((x["status"], x["cid"]) for x in d)')" = "$(python3 -c 'import sys; print(sorted(("queued", c) for c in sys.argv[1:]))' $Q1 $Q2 $Q3)" ] ||
    why="$why the sent record: $(cat "$T/out");"
verdict "put --queue records its items as queued in the sent record (mule-stick sent)"

why=""
st 0 ms_a sync "$S"
[ "$(first_words)" = "4 synced " ] || why="$why lines: $(first_words);"
[ "$(cids "$BOX")" = "$(printf '%s\n' $Q1 $Q2 $Q3 | sort)" ] || why="$why the stick holds: $(cids "$BOX" | tr '\n' ' ');"
[ "$(items "$BOX" | grep -c "^$Q2\.gpg\.[0-9]*\$")" -eq "$NP2" ] ||
    why="$why the --split 4K item is not in $NP2 parts;"
[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
[ -z "$(temps "$BOX")" ] || why="$why temporaries: $(temps "$BOX");"
for c in $(items "$BOX" | grep '\.gpg$'); do
	[ "$(sha "$BOX/$c")" = "${c%.gpg}" ] || why="$why $c not named by its SHA-256;"
done
verdict "sync moves the four queued items onto the stick (the --split one in parts), a 'synced' line each, and empties the outbox"

why=""
st 0 ms_a sent --json
[ "$(json 'sorted(set(x["status"] for x in d))')" = "['pending']" ] || why="$why statuses: $(json '[x["status"] for x in d]');"
[ "$(json 'all(x["put"] and x["queued"] for x in d)')" = True ] || why="$why no put or queued time;"
[ "$(json 'len(d)')" = 4 ] || why="$why $(json 'len(d)') items;"
verdict "... and sync records them as put (pending a receipt) in the sent record"

why=""
st 0 ms_b get "$S" -C "$IN"
[ "$(delivered_count)" -eq 4 ] || why="$why $(delivered_count) delivered;"
cmp -s "$SRC/report.txt" "$(find "$IN" -name report.txt | head -n 1)" || why="$why report.txt differs;"
cmp -s "$SRC/r20k" "$(find "$IN" -name r20k | head -n 1)" || why="$why r20k differs;"
cmp -s "$SRC/msg" "$(find "$IN" -name message.txt | head -n 1)" || why="$why message.txt differs;"
grep -qE '^(gap|replay|rejected) ' "$T/out" && why="$why a gap, replay or rejection;"
verdict "Bob's get delivers each of them, whole, no gap"

why=""
st 0 ms_a sync "$S"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || why="$why it printed something;"
st 0 ms_a sync "$T/no-such-stick"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] || why="$why it printed something without a stick;"
st 0 ms_a sync "$T/no-such-stick" --json
[ "$(cat "$T/out")" = "[]" ] || why="$why --json printed '$(cat "$T/out")';"
st 0 ms_b get "$S" -C "$IN"
[ "$(delivered_count)" -eq 0 ] || why="$why delivered again;"
verdict "nothing queued: sync is silent and exits 0, with or without a stick (--json: []); Bob gets nothing twice"

# --- numbered when sealed --------------------------------------------------------------------
why=""
queue_new -r "$BOB" "$SRC/report.txt"; QA=$NEWQ
put_new a "$S" -r "$BOB" "$SRC/msg"; PB=$NEW
st 0 ms_a sync "$S"
[ "$(env_of "$BH" "$BOX/$QA.gpg" | field recipient)" = "$BOB 5" ] || why="$why the queued item is not number 5;"
[ "$(env_of "$BH" "$BOX/$PB.gpg" | field recipient)" = "$BOB 6" ] || why="$why the put after it is not number 6;"
st 0 ms_b get "$S" -C "$IN" --json
[ "$(json 'sorted(x["status"] for x in d if x["status"] != "already-delivered")')" = "['delivered', 'delivered']" ] ||
    why="$why Bob's get: $(json '[x["status"] for x in d]');"
verdict "an item takes its sequence number when it is queued: a put after it is the next, and Bob sees no gap"

# --- -q, --json --------------------------------------------------------------------------------
why=""
queue_new -q -r "$BOB" "$SRC/report.txt"
[ ! -s "$T/out" ] || why="$why put --queue -q printed;"
st 0 ms_a sync -q "$S"
[ ! -s "$T/out" ] || why="$why sync -q printed;"
queue_new -r "$BOB" -r "$CAROL" --split 1K "$SRC/notes"; QJ=$NEWQ
st 0 ms_a sync "$S" --json
[ "$(json 'len(d)')" = 1 ] || why="$why not one object;"
[ "$(json 'd[0]["status"] + " " + d[0]["cid"]')" = "synced $QJ" ] || why="$why status, cid;"
[ "$(json 'd[0]["copied"], d[0]["recorded_before"], d[0]["split"]')" = "(True, False, 1024)" ] || why="$why copied, recorded_before, split;"
[ "$(json 'd[0]["folders"]')" = "['$BOB', '$CAROL']" ] || why="$why folders;"
[ "$(cids "$CBOX")" = "$QJ" ] || why="$why not in Carol's folder;"
verdict "-q prints nothing; sync --json: status, copied, recorded_before and the fields of put --queue; an item for two in both folders"
fat_done

# === sync killed at every step ===============================================================
if has_test_hooks; then
	for p in outbox-sync-locked outbox-sync-after-open outbox-sync-in-copy \
	    outbox-sync-after-copy outbox-sync-before-record \
	    outbox-sync-after-record outbox-after-remove-item \
	    outbox-sync-after-remove; do
		stick "kill-$p"
		why=""
		queue_new -r "$BOB" -r "$CAROL" "$SRC/report.txt"; K1=$NEWQ
		queue_new -r "$BOB" --split 4K "$SRC/r20k"; K2=$NEWQ
		nfiles=$(($(parts_of 4096 "$K2") + 1))
		pause_at "$p" env GNUPGHOME="$AH" HOME="$T/alice" \
		    XDG_STATE_HOME="$ASTATE" mule-stick sync "$S" ||
		    why="$why did not stop at $p;"
		kill -9 "$paused" 2>/dev/null
		wait "$paused" 2>/dev/null
		st 0 ms_a sync "$S"
		case $p in
		outbox-sync-before-record)
			grep -q '^synced .*(found whole on the stick: not copied again)$' "$T/out" ||
			    why="$why no item was found whole: $(cat "$T/out");" ;;
		outbox-sync-after-record|outbox-after-remove-item)
			grep -q '^synced .*(on a stick since an earlier sync)$' "$T/out" ||
			    why="$why no item was recorded before: $(cat "$T/out");" ;;
		esac
		[ "$(cids "$BOX")" = "$(printf '%s\n' $K1 $K2 | sort)" ] ||
		    why="$why Bob's folder holds: $(cids "$BOX" | tr '\n' ' ');"
		[ "$(items "$BOX" | wc -l)" -eq "$nfiles" ] ||
		    why="$why Bob's folder holds $(items "$BOX" | wc -l) files, not $nfiles;"
		[ "$(cids "$CBOX")" = "$K1" ] || why="$why Carol's folder holds: $(cids "$CBOX" | tr '\n' ' ');"
		[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
		[ -z "$(temps "$BOX")$(temps "$CBOX")" ] || why="$why temporaries left;"
		st 0 ms_b get "$S" -C "$IN"
		[ "$(delivered_count)" -eq 2 ] || why="$why Bob got $(delivered_count) items;"
		verdict "sync killed (kill -9) at $p, run again: each item on the stick exactly once, the outbox empty, Bob gets both"
		fat_done
	done

	# --- on a stick, then taken by Bob: never again -------------------------------------
	for p in outbox-sync-after-record outbox-after-remove-item; do
		stick "replay-$p"
		why=""
		queue_new -r "$BOB" "$SRC/report.txt"; R1=$NEWQ
		pause_at "$p" env GNUPGHOME="$AH" HOME="$T/alice" \
		    XDG_STATE_HOME="$ASTATE" mule-stick sync "$S" ||
		    why="$why did not stop at $p;"
		kill -9 "$paused" 2>/dev/null
		wait "$paused" 2>/dev/null
		[ "$(done_recs)" = "$R1" ] || why="$why not recorded as on the stick;"
		st 0 ms_b get "$S" -C "$IN" --remove
		[ "$(delivered_count)" -eq 1 ] || why="$why Bob got $(delivered_count) items;"
		st 0 ms_a sync "$S" --json
		[ "$(json 'd[0]["status"], d[0]["copied"], d[0]["recorded_before"]')" = "('synced', False, True)" ] ||
		    why="$why sync said: $(cat "$T/out");"
		[ -z "$(items "$BOX")" ] || why="$why copied again: $(items "$BOX");"
		[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
		st 0 ms_b get "$S" -C "$IN"
		grep -qE '^(replay|delivered) ' "$T/out" && why="$why Bob's get: $(cat "$T/out");"
		verdict "killed at $p, then Bob took the item off the stick: the next sync does not copy it again (no replay for Bob)"
		fat_done
	done

	# --- a killed queue ----------------------------------------------------------------------
	# killed_queue POINT: Alice queues one item, a second queue is
	# killed at POINT, a third item is queued; sync and Bob's get.
	killed_queue() {
		queue_new -r "$BOB" "$SRC/report.txt"
		pause_at "$1" env GNUPGHOME="$AH" HOME="$T/alice" \
		    XDG_STATE_HOME="$ASTATE" mule-stick put --queue -r "$BOB" \
		    "$SRC/notes" || why="$why did not stop at $1;"
		kill -9 "$paused" 2>/dev/null
		wait "$paused" 2>/dev/null
	}
	# seqs_on_stick: the numbers of Bob's items on the stick, sorted
	seqs_on_stick() {
		for f in $(items "$BOX" | grep '\.gpg$'); do
			env_of "$BH" "$BOX/$f" | field recipient | cut -d' ' -f2
		done | sort -n | tr '\n' ' '
	}

	stick killed-queue
	why=""
	killed_queue outbox-queue-before-record
	[ "$(queued | wc -l)" -eq 1 ] || why="$why queued: $(queued | tr '\n' ' ');"
	[ "$(ls -A "$OB" | grep -c '\.gpg$')" -eq 2 ] || why="$why no item file left to tidy;"
	st 0 ms_a sync "$S"
	[ "$(cids "$BOX" | wc -l)" -eq 1 ] || why="$why the stick holds $(cids "$BOX" | wc -l) items;"
	[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
	queue_new -r "$BOB" - <"$SRC/msg"
	st 0 ms_a sync "$S"
	[ "$(seqs_on_stick)" = "1 2 " ] || why="$why numbers on the stick: $(seqs_on_stick);"
	st 0 ms_b get "$S" -C "$IN"
	grep -qE '^(gap|replay|rejected) ' "$T/out" && why="$why $(cat "$T/out");"
	verdict "put --queue killed before its record: nothing queued, sync removes the item and gives its number back; the next item takes it, Bob sees no gap"
	fat_done

	stick killed-settle
	why=""
	killed_queue outbox-queue-before-settle
	[ "$(queued | wc -l)" -eq 2 ] || why="$why queued: $(queued | tr '\n' ' ');"
	queue_new -r "$BOB" - <"$SRC/msg"
	st 0 ms_a sync "$S"
	[ "$(seqs_on_stick)" = "1 2 3 " ] || why="$why numbers on the stick: $(seqs_on_stick);"
	st 0 ms_b get "$S" -C "$IN"
	[ "$(delivered_count)" -eq 3 ] || why="$why Bob got $(delivered_count);"
	grep -qE '^(gap|replay|rejected) ' "$T/out" && why="$why $(cat "$T/out");"
	verdict "put --queue killed after its record, before its numbers were settled: the item keeps them, no number goes to two items"
	fat_done

	# --- one sync at a time, and none while a queue puts in ----------------------------------
	stick lock
	why=""
	queue_new -r "$BOB" "$SRC/report.txt"; L1=$NEWQ
	pause_at outbox-sync-locked env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick sync "$S" || why="$why did not stop;"
	ms_a put --queue -r "$BOB" "$SRC/notes" >"$T/q.out" 2>"$T/q.err" &
	qpid=$!
	ms_a sync "$S" >"$T/s2.out" 2>"$T/s2.err" &
	spid=$!
	sleep 2
	kill -0 "$qpid" 2>/dev/null || why="$why the queue did not wait;"
	kill -0 "$spid" 2>/dev/null || why="$why the second sync did not wait;"
	[ "$(queued)" = "$L1" ] || why="$why queued while the sync holds the outbox: $(queued | tr '\n' ' ');"
	resume || why="$why the first sync failed;"
	paused=""
	wait "$qpid" || why="$why the queue failed: $(cat "$T/q.err");"
	wait "$spid" || why="$why the second sync failed: $(cat "$T/s2.err");"
	st 0 ms_a sync "$S"
	[ "$(cids "$BOX" | wc -l)" -eq 2 ] || why="$why the stick holds $(cids "$BOX" | wc -l) items;"
	[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
	verdict "a queue and a second sync wait while a sync holds the outbox; then every item goes once"
	fat_done
else
	skip "built without --enable-test-hooks: no kill points"
fi

# --- both records: the one that says done wins -----------------------------------------------
stick twins
why=""
queue_new -r "$BOB" "$SRC/report.txt"; W1=$NEWQ
cp "$OB/$W1.to" "$OB/$W1.done"
st 0 ms_a sync "$S" --json
[ "$(json 'd[0]["status"], d[0]["copied"], d[0]["recorded_before"]')" = "('synced', False, True)" ] ||
    why="$why sync said: $(cat "$T/out");"
[ -z "$(items "$BOX")" ] || why="$why copied: $(items "$BOX");"
[ -z "$(ls -A "$OB")" ] || why="$why the outbox holds: $(ls -A "$OB" | tr '\n' ' ');"
verdict "an item with a record that says queued and one that says on a stick is not copied, and leaves the outbox"
fat_done

# === no stick, not a stick ====================================================================
scenario nostick
OB="$ASTATE/mule/outbox"
why=""
queue_new -r "$BOB" "$SRC/report.txt"
outbox_state >"$T/ob.before"
mkdir -p "$T/unmounted" "$T/badversion/MULE"
echo 'mule-stick 9' >"$T/badversion/MULE/VERSION"
for where in "$T/no-such-stick" "$T/unmounted" "$T/badversion"; do
	st 2 ms_a sync "$where"
	[ ! -s "$T/out" ] || why="$why $where: stdout not empty;"
	one_error_of mule-stick "$T/err" || why="$why $where: not one error line;"
done
outbox_state | cmp -s "$T/ob.before" - || why="$why the outbox changed;"
[ -z "$(ls -A "$T/unmounted")" ] || why="$why written to the unmounted mount point;"
verdict "sync to a missing stick, one not mounted (no MULE/) or with another MULE/VERSION: exit 2, one error line, the outbox untouched"

# === a full stick ================================================================================
if fat_scenario full 1M; then
	OB="$ASTATE/mule/outbox"
	CBOX="$S/MULE/to/$CAROL"
	why=""
	queue_new -r "$BOB" "$SRC/r600k"
	queue_new -r "$BOB" "$SRC/r300k" "$SRC/report.txt"
	queue_new -r "$BOB" "$SRC/r600k"; F4=$NEWQ
	st 2 ms_a sync "$S"
	[ "$(first_words)" = "1 kept 3 synced " ] || why="$why lines: $(first_words);"
	one_error_of mule-stick "$T/err" || why="$why not one error line;"
	grep -q ': the stick is full' "$T/err" || why="$why the error: '$(head -n 1 "$T/err")';"
	[ "$(queued)" = "$F4" ] || why="$why queued: $(queued | tr '\n' ' ');"
	[ "$(cids "$BOX" | wc -l)" -eq 3 ] || why="$why the stick holds $(cids "$BOX" | wc -l) items;"
	[ -z "$(temps "$BOX")" ] || why="$why temporaries left;"
	verdict "a full FAT stick (1 MiB): the items that fit go, the rest stays queued, exit 2 'the stick is full'"

	why=""
	st 0 ms_b get "$S" -C "$IN" --remove
	[ "$(delivered_count)" -eq 3 ] || why="$why Bob got $(delivered_count);"
	st 0 ms_a sync "$S"
	[ "$(first_words)" = "1 synced " ] || why="$why lines: $(first_words);"
	st 0 ms_b get "$S" -C "$IN" --remove
	[ "$(delivered_count)" -eq 1 ] || why="$why Bob got $(delivered_count);"
	grep -qE '^(gap|replay) ' "$T/out" && why="$why $(cat "$T/out");"
	verdict "once Bob made room, the next sync puts the rest; Bob gets each item once, no gap"

	why=""
	queue_new -r "$BOB" -r "$CAROL" "$SRC/r600k"
	st 2 ms_a sync "$S"
	[ -z "$(items "$BOX")$(items "$CBOX")" ] || why="$why a copy was left: $(items "$BOX") $(items "$CBOX");"
	[ -z "$(temps "$BOX")$(temps "$CBOX")" ] || why="$why temporaries left;"
	[ "$(queued | wc -l)" -eq 1 ] || why="$why not queued;"
	verdict "an item for two that fits in one folder only is taken back from it, and stays queued"

	if has_test_hooks; then
		why=""
		MULE_TEST_SWITCH=sync-ignores-free-space
		export MULE_TEST_SWITCH
		st 2 ms_a sync "$S"
		unset MULE_TEST_SWITCH
		grep -q ': the stick is full' "$T/err" || why="$why the error: '$(head -n 1 "$T/err")';"
		[ -z "$(items "$BOX")$(items "$CBOX")" ] || why="$why a copy was left;"
		[ -z "$(temps "$BOX")$(temps "$CBOX")" ] || why="$why temporaries left;"
		verdict "... also when the free space is not checked first: the driver's error (fusefat: EPERM) is 'the stick is full'"
	fi
	fat_done
else
	skip "no FAT file system: no full stick"
fi

# === a hostile stick ================================================================================
scenario hostile
OB="$ASTATE/mule/outbox"
CBOX="$S/MULE/to/$CAROL"
why=""
mkdir -p "$T/victim"
rmdir "$BOX" 2>/dev/null
ln -s "$T/victim" "$BOX"
queue_new -r "$BOB" "$SRC/report.txt"; H1=$NEWQ
queue_new -r "$CAROL" "$SRC/notes"; H2=$NEWQ
st 2 ms_a sync "$S"
one_error_of mule-stick "$T/err" || why="$why not one error line;"
grep -q 'not a directory' "$T/err" || why="$why the error: '$(head -n 1 "$T/err")';"
[ -z "$(ls -A "$T/victim")" ] || why="$why written outside: $(ls -A "$T/victim");"
[ "$(queued)" = "$H1" ] || why="$why queued: $(queued | tr '\n' ' ');"
[ "$(cids "$CBOX")" = "$H2" ] || why="$why Carol's item did not go;"
verdict "a symlink planted as to/BOB: nothing written outside the stick, Bob's item stays queued, Carol's goes (exit 2)"

# === a damaged record ===============================================================================
stick damaged
why=""
queue_new -r "$BOB" "$SRC/report.txt"; D1=$NEWQ
queue_new -r "$BOB" "$SRC/notes"; D2=$NEWQ
printf 'evil: 1\n' >>"$OB/$D1.to"
st 2 ms_a sync "$S" --json
[ "$(json '[(x["status"], x["cid"]) for x in d if x["status"] == "kept"]')" = "[('kept', '$D1')]" ] ||
    why="$why $D1 not reported as kept;"
json '[x["reason"] for x in d if x["status"] == "kept"][0]' | grep -q 'not an outbox record' ||
    why="$why the reason: $(json '[x.get("reason") for x in d]');"
one_error_of mule-stick "$T/err" || why="$why not one error line;"
grep -q "$D1.to: not an outbox record" "$T/err" || why="$why the error: '$(head -n 1 "$T/err")';"
[ "$(cids "$BOX")" = "$D2" ] || why="$why the stick holds: $(cids "$BOX" | tr '\n' ' ');"
[ -f "$OB/$D1.gpg" ] && [ -f "$OB/$D1.to" ] || why="$why the damaged item was touched;"
verdict "a damaged record in the outbox: a clear error naming it (exit 2), the other item goes, the damaged one stays"
fat_done

done_testing
