#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-report.sh - what mule-stick put and get print (their world:
# stick_world in stick-lib.sh): people named by user ID beside the
# fingerprint, times in ISO 8601 UTC, sizes in IEC units; user IDs that
# try to fool a terminal escaped; put --json; a --json array that is
# whole when SIGINT or SIGTERM ends the run.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# json_ok PROGRAM ARG...: the Python PROGRAM (its arguments in sys.argv[2:])
# reads $T/out without an exception; else adds its last line to $why
json_ok() {
	python3 -c "$1" "$@" <"$T/out" 2>"$T/py.err" || why="$why $(tail -n 1 "$T/py.err");"
}
ISO='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

# === lines for a person (over a FAT stick) ==================================================
fat_scenario lines || { diag "no FAT file system: a directory instead"; scenario lines; }
why=""
head -c 1300000 /dev/urandom >"$SRC/big.bin"
st 0 ms_a put "$S" -r "$BOB" "$SRC/report.txt"
grep -qE "^put $SRC/report.txt for \"Bob <bob@example.org>\" \($BOB\): [0-9.]+ (B|KiB), item [0-9a-f]{32}\$" "$T/out" ||
    why="$why put line: $(cat "$T/out");"
st 0 ms_a put "$S" -r "$BOB" -r carol@example.org "$SRC/notes"
grep -qE "^put $SRC/notes for \"Bob <bob@example.org>\" \($BOB\), \"Carol <carol@example.org>\" \($CAROL\): " "$T/out" ||
    why="$why two recipients: $(cat "$T/out");"
st 0 ms_a put "$S" -r "$BOB" --hide-recipients - <"$SRC/msg"
grep -qE "^put \(standard input\) for \"Bob <bob@example.org>\" \($BOB\) \(hidden recipients\): .*, item " "$T/out" ||
    why="$why hidden: $(cat "$T/out");"
st 0 ms_a put "$S" -r "$BOB" --split 256K "$SRC/big.bin"
grep -qE "^put $SRC/big.bin for .*: 1\.[0-9] MiB in [0-9]+ parts, item " "$T/out" ||
    why="$why split: $(cat "$T/out");"
verdict "put: 'put NAME for \"USER ID\" (FPR)...: SIZE [in N parts], item ID', several and hidden recipients"

why=""
st 0 ms_b get "$S" -C "$IN"
grep -qE "^delivered from \"Alice <alice@example.org>\" \($ALICE\): report\.txt, 17 B, sealed $ISO -> $IN/$ALICE/[0-9]+-[0-9a-f]{32}\$" "$T/out" ||
    why="$why the file's line;"
grep -qE "^delivered from \"Alice <alice@example.org>\" \($ALICE\): notes, 18 B, sealed $ISO -> " "$T/out" ||
    why="$why the directory's line;"
grep -qE "^delivered from \"Alice <alice@example.org>\" \($ALICE\): message\.txt, [0-9]+ B, sealed " "$T/out" ||
    why="$why the message's line;"
grep -qE "^delivered from .*: big\.bin, 1\.2 MiB, sealed " "$T/out" ||
    why="$why the split item's line;"
[ "$(grep -c . "$T/out")" -eq 4 ] || why="$why not four lines: $(cat "$T/out");"
# the time in the line is the envelope's
d=$(grep 'report\.txt' "$T/out" | sed 's/.* -> //')
c=$(basename "$d" | cut -d- -f1)
grep 'report\.txt' "$T/out" | grep -q "sealed $(date -u -d "@$c" +%Y-%m-%dT%H:%M:%SZ) " ||
    why="$why the time is not the envelope's;"
verdict "get: 'delivered from \"USER ID\" (FPR): NAME, SIZE, sealed TIME -> DIR', in IEC sizes and ISO 8601 UTC"

why=""
st 0 ms_b get "$S" -C "$IN" --receipts
grep -qE "^already-delivered from \"Alice <alice@example.org>\" \($ALICE\): item [0-9a-f]{32}\$" "$T/out" ||
    why="$why no already-delivered line;"
st 0 ms_b get "$S" -C "$IN" --receipts --remove
[ -z "$(grep -v '^already-delivered ' "$T/out")" ] || why="$why other lines: $(cat "$T/out");"
verdict "get again: 'already-delivered from \"USER ID\" (FPR): item ID'"

# === a user ID that tries to fool the terminal ===================================================
why=""
EVEH="$T/eve-home"
new_home "$EVEH"
EVEUID=$(printf 'Eve "the boss" \033[31mred\033[0m <eve@example.org>')
gen_key "$EVEH" "$EVEUID" >/dev/null 2>&1
EVE=$(GNUPGHOME=$EVEH gpg --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
if [ -n "$EVE" ]; then
	GNUPGHOME=$EVEH gpg --batch --export "$EVE" >"$T/eve.pgp" 2>/dev/null
	import_certified "$AH" "$T/eve.pgp"
	st 0 ms_a put "$S" -r "$EVE" "$SRC/report.txt"
	grep -qF "for \"Eve \\x22the boss\\x22 \\x1b[31mred\\x1b[0m <eve@example.org>\" ($EVE): " "$T/out" ||
	    why="$why not escaped: $(cat -v "$T/out");"
	tr -d '\n' <"$T/out" | LC_ALL=C grep -q "$(printf '\033')" && why="$why an ESC byte reached the output;"
	st 0 ms_a put "$S" -r "$EVE" --json "$SRC/report.txt"
	json_ok '
import json, sys
a = json.load(sys.stdin)
r = a[0]["recipients"]
assert r == [{"fpr": sys.argv[2], "name": sys.argv[3]}], "%r" % (r,)
' "$EVE" "$EVEUID"
	verdict "a user ID with quotes and escape sequences: \\x22 and \\x1b in lines, the raw user ID in JSON"
else
	skip "could not make a key with an odd user ID"
fi

# === put --json ==============================================================================
fat_done
fat_scenario putjson || { diag "no FAT file system: a directory instead"; scenario putjson; }
why=""
st 0 ms_a put "$S" -r "$BOB" -r carol@example.org --json "$SRC/report.txt" - <"$SRC/msg"
json_ok '
import json, os, sys
a = json.load(sys.stdin)
alice, bob, carol, box = sys.argv[2:6]
assert isinstance(a, list) and len(a) == 2, "%r" % (a,)
for o in a:
    assert o["status"] == "put" and o["sender"] == alice, o
    assert o["sender_name"] == "Alice <alice@example.org>", o
    assert len(o["id"]) == 32 and len(o["cid"]) == 64, o
    assert o["recipients"] == [{"fpr": bob, "name": "Bob <bob@example.org>"},
        {"fpr": carol, "name": "Carol <carol@example.org>"}], o
    assert o["hidden_recipients"] is False and o["parts"] == 0 and o["more_names"] == 0, o
    assert o["size"] == os.path.getsize(os.path.join(box, o["cid"] + ".gpg")), o
kinds = sorted((o["kind"], o["name"]) for o in a)
assert kinds[0] == ("files", sys.argv[6]) and kinds[1] == ("message", "(standard input)"), kinds
' "$ALICE" "$BOB" "$CAROL" "$BOX" "$SRC/report.txt"
verdict "put --json: one array, an object per item (sender, sender_name, id, cid, kind, name, size, parts, recipients, hidden_recipients)"

why=""
st 0 ms_b get "$S" -C "$IN" --json
json_ok '
import json, sys, re
a = json.load(sys.stdin)
alice, bob = sys.argv[2:4]
assert len(a) == 2, "%r" % (a,)
for o in a:
    assert o["status"] == "delivered" and o["sender"] == alice, o
    assert o["sender_name"] == "Alice <alice@example.org>", o
    assert o["recipient"] == bob and o["recipient_name"] == "Bob <bob@example.org>", o
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", o["created"]), o
    assert isinstance(o["seq"], int) and o["seq"] >= 1, o
    assert isinstance(o["size"], int), o
names = sorted((o["name"], o["size"]) for o in a)
assert names == [("message.txt", int(sys.argv[4])), ("report.txt", 17)], names
' "$ALICE" "$BOB" "$(size "$SRC/msg")"
verdict "get --json: sender_name, recipient, recipient_name, name, size, created (ISO 8601), seq"

# === --json whole when a signal ends the run ========================================================
# interrupted SIGNAL: get --json --remove of two items, stopped before it
# removes the first one, then SIGNAL: the array holds the delivered item
# and {"status": "interrupted", "signal": SIGNAL}.
interrupted() {
	scenario "sig$1"
	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	put_new a "$S" -r "$BOB" "$SRC/notes"
	if ! has_test_hooks; then
		skip "get --json ended by $1 (needs --enable-test-hooks)"
		return
	fi
	pause_at stick-get-before-remove env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" MULE_JOBS=1 mule-stick get "$S" -C "$IN" \
	    --json --remove || why="$why did not stop;"
	kill -s "$1" "$paused" 2>/dev/null
	resume
	rc=$?
	[ "$rc" -gt 128 ] || why="$why exit $rc, not killed by the signal;"
	json_ok '
import json, sys
a = json.load(sys.stdin)
assert len(a) == 2, "%r" % (a,)
assert a[0]["status"] == "delivered", a
assert a[1] == {"status": "interrupted", "signal": "SIG" + sys.argv[2]}, a
' "$1"
	verdict "get --json ended by SIG$1: a whole array, the item delivered, then {\"status\": \"interrupted\"}"
}
fat_done
interrupted INT
interrupted TERM

done_testing
