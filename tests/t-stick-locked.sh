#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-locked.sh - mule-stick with passphrase-protected keys, as most
# people have them (their world: stick_world in stick-lib.sh, over a FAT
# stick where there is one): Alice's signing key and Bob's key both have
# a passphrase.  At a terminal the agent's pinentry asks (a scripted one,
# use_pinentry in lib.sh); in cron nobody can be asked, and
# --passphrase-file or --passphrase-fd gives it.  put, put --queue and get
# --receipts (which signs the receipts) work both ways; sync, list, retry
# and sent need no secret key operation and never ask.  A wrong
# passphrase, Cancel at the pinentry, or no pinentry at all: put and put
# --queue exit 2, nothing is put or queued, nothing recorded as sent, and
# no sequence number is lost (Bob's get reports no gap).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# protect HOME FPR PASSPHRASE: the secret key FPR in HOME gets PASSPHRASE
protect() {
	printf '%s\n' "$3" | GNUPGHOME=$1 gpg --batch --pinentry-mode loopback \
	    --passphrase-fd 0 --passwd "$2" >/dev/null 2>&1 &&
	    gpgconf --homedir "$1" --kill gpg-agent >/dev/null 2>&1
}
protect "$AH" "$ALICE" alice-pass && protect "$BH" "$BOB" bob-pass || {
	echo "Bail out! cannot protect the keys of Alice and Bob"; exit 99; }
printf 'alice-pass\n' >"$T/alice.pass"
printf 'bob-pass\n' >"$T/bob.pass"
printf 'not-it\n' >"$T/wrong.pass"
printf 'for Bob, one\n' >"$SRC/one.txt"
printf 'for Bob, two\n' >"$SRC/two.txt"
printf 'for Bob, three\n' >"$SRC/three.txt"

# cron_a / cron_b ARG...: mule-stick as Alice / Bob the way cron runs it:
# no controlling terminal (setsid), standard input /dev/null, no GPG_TTY,
# DISPLAY or WAYLAND_DISPLAY for a pinentry to use.
NOTTY=""
command -v setsid >/dev/null 2>&1 && NOTTY="setsid -w"
cron_a() {
	with_timeout $NOTTY env -u GPG_TTY -u DISPLAY -u WAYLAND_DISPLAY \
	    GNUPGHOME="$AH" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
	    mule-stick "$@" </dev/null
}
cron_b() {
	with_timeout $NOTTY env -u GPG_TTY -u DISPLAY -u WAYLAND_DISPLAY \
	    GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
	    mule-stick "$@" </dev/null
}

stick_scenario() {
	fat_scenario "$1" || scenario "$1"
	OB="$ASTATE/mule/outbox"
	SENT="$ASTATE/mule/sent"
}
queued_n() { ls -A "$OB" 2>/dev/null | grep -c '\.to$'; }
outbox_items() { ls -A "$OB" 2>/dev/null | grep -v '^\.' | tr '\n' ' '; }
first_words() { cut -d' ' -f1 "$T/out" | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' '; }
# asked N: the pinentry was asked N times (ask_some: once or, gpg-agent
# racing itself when two jobs want the key at once, twice)
asked() { [ "$(pinentry_asked)" -eq "$1" ] || why="$why pinentry asked $(pinentry_asked) times, not $1;"; }
ask_some() {
	[ "$(pinentry_asked)" -ge 1 ] && [ "$(pinentry_asked)" -le 2 ] ||
	    why="$why pinentry asked $(pinentry_asked) times;"
}
# py PROGRAM: python3 PROGRAM with d, the JSON document in $T/out; what
# it prints is added to $why
py() {
	py_out=$(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$1" "$T/out" 2>&1) || py_out="$py_out (python failed)"
	[ -z "$py_out" ] || why="$why $py_out;"
}
# one_receipt_for N: the last --json report holds one receipt, for N items.
one_receipt_for() {
	py "
r = [x for x in d if x['status'] == 'receipt']
if len(r) != 1 or r[0]['items'] != $1: print('receipts: %s' % r)"
}

# bob_got FROM TO: Bob's get --json in $T/out delivered the items of
# Alice numbered FROM..TO, each once, and reported no gap
bob_got() {
	py "
seqs = sorted(x['seq'] for x in d if x['status'] == 'delivered' and x['sender'] == '$ALICE' and x['kind'] != 'receipt')
if seqs != list(range($1, $2 + 1)): print('delivered numbers %s, not $1..$2' % seqs)
gaps = [x for x in d if x['status'] == 'gap']
if gaps: print('gaps: %s' % gaps)"
}
# untouched DESC: a failed put --queue left the outbox and the sent
# record as they were ($T/ob.before, $T/sent.before), printed nothing on
# standard output, and one error line on standard error
snap_state() {
	outbox_items >"$T/ob.before"
	cat "$SENT" >"$T/sent.before" 2>/dev/null || : >"$T/sent.before"
}
untouched() {
	[ "$(outbox_items)" = "$(cat "$T/ob.before")" ] ||
	    why="$why the outbox changed: $(outbox_items);"
	{ cat "$SENT" 2>/dev/null || :; } | cmp -s - "$T/sent.before" ||
	    why="$why the sent record changed;"
	[ ! -s "$T/out" ] || why="$why standard output: $(cat "$T/out");"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$1"
}

# === at a terminal: the agent's pinentry =============================================
stick_scenario term
snap_state

why=""
use_pinentry cancel "$AH"
st 2 ms_a put --queue -r "$BOB" "$SRC/one.txt" "$SRC/two.txt"
asked 1
grep -q "^mule-stick: error: cancelled: no passphrase was given for the signing key" "$T/err" ||
    why="$why not 'cancelled';"
untouched "put --queue, Cancel at the pinentry: exit 2 'cancelled', nothing queued or recorded as sent"

why=""
use_pinentry wrong-pass "$AH"
st 2 ms_a put --queue -r "$BOB" "$SRC/one.txt" "$SRC/two.txt"
grep -q "^mule-stick: error: wrong passphrase for the signing key" "$T/err" ||
    why="$why not 'wrong passphrase';"
untouched "put --queue, a wrong passphrase typed: exit 2 'wrong passphrase', nothing queued or recorded as sent"

why=""
use_pinentry none "$AH"
st 2 ms_a put --queue -r "$BOB" "$SRC/one.txt"
asked 0
grep -q "^mule-stick: error: the signing key Alice <alice@example.org> ($ALICE) is protected by a passphrase and " "$T/err" &&
    grep -q "^mule-stick: hint: .*--passphrase-file" "$T/err" ||
    why="$why not 'is protected by a passphrase', hint --passphrase-file;"
[ -z "$(outbox_items)" ] || why="$why queued: $(outbox_items);"
verdict "put --queue, no pinentry at all: exit 2, the error names the key, the hint --passphrase-file"

why=""
use_pinentry alice-pass "$AH"
st 0 ms_a put --queue -r "$BOB" "$SRC/one.txt" "$SRC/two.txt"
ask_some
[ "$(first_words)" = "2 queued " ] || why="$why lines: $(first_words);"
[ "$(queued_n)" -eq 2 ] || why="$why $(queued_n) queued;"
verdict "put --queue, the passphrase typed at the pinentry: both items queued"

why=""
use_pinentry cancel "$AH"	# the agent forgets the passphrase
st 0 ms_a sync "$S"
asked 0
[ "$(first_words)" = "2 synced " ] || why="$why lines: $(first_words);"
[ "$(queued_n)" -eq 0 ] || why="$why still queued: $(queued_n);"
[ ! -s "$T/err" ] || why="$why stderr: $(cat "$T/err");"
verdict "sync, the passphrase not cached: both items onto the stick, the pinentry never asked"

why=""
use_pinentry cancel "$AH"
snap "$BOX"
st 2 ms_a put "$S" -r "$BOB" "$SRC/three.txt"
asked 1
[ -z "$(added "$BOX")" ] || why="$why an item was put;"
[ -z "$(temps "$BOX")" ] || why="$why temporaries left: $(temps "$BOX");"
use_pinentry wrong-pass "$AH"
st 2 ms_a put "$S" -r "$BOB" "$SRC/three.txt" "$SRC/one.txt"
[ -z "$(added "$BOX")" ] || why="$why an item was put;"
use_pinentry alice-pass "$AH"
put_new a "$S" -r "$BOB" "$SRC/three.txt"
ask_some
verdict "put, Cancel and a wrong passphrase at the pinentry: exit 2, nothing on the stick; then typed right, the item is put"

why=""
use_pinentry bob-pass "$BH"
st 0 ms_b get "$S" -C "$IN" --receipts --json
ask_some
bob_got 1 3
one_receipt_for 3
verdict "Bob's get --receipts at the pinentry: items 1..3 delivered, no gap (no number lost to the failed puts), a receipt signed for the three"

why=""
use_pinentry cancel "$BH"
use_pinentry cancel "$AH"
st 0 ms_b list "$S"
[ "$(pinentry_asked)" -eq 0 ] || why="$why Bob's list asked;"
grep -q "^for \"Alice <alice@example.org>\" ($ALICE): 1 item" "$T/out" || why="$why the receipt is not listed;"
st 0 ms_a list "$S"
st 0 ms_a sent
[ "$(grep -c '^pending ' "$T/out")" -eq 3 ] || why="$why not three pending;"
st 0 ms_a sent --json -q --older 0
asked 0
verdict "list (Bob, Alice) and sent, the passphrases not cached: exit 0, the pinentry never asked"

why=""
use_pinentry alice-pass "$AH"
st 0 ms_a get "$S" -C "$AIN" --remove
grep -q "^delivered from \"Bob <bob@example.org>\" ($BOB): receipt.txt" "$T/out" ||
    why="$why no receipt delivered;"
use_pinentry cancel "$AH"
st 0 ms_a sent
asked 0
[ "$(grep -c '^acknowledged ' "$T/out")" -eq 3 ] || why="$why not three acknowledged: $(cat "$T/out");"
verdict "Alice's get takes the receipt in at the pinentry; sent then shows all three acknowledged, without asking"

# A file that is no OpenPGP at all in Bob's folder: rejected.
why=""
head -c 2000 /dev/urandom >"$T/junk"
JUNK=$(sha "$T/junk")
cp "$T/junk" "$BOX/$JUNK.gpg"
use_pinentry bob-pass "$BH"
st 1 ms_b get "$S" -C "$IN" --remove
[ -f "$S/MULE/rejected/$JUNK.gpg" ] || why="$why not moved to rejected/;"
use_pinentry cancel "$BH"
st 0 ms_b list "$S"
grep -q "^  $JUNK  " "$T/out" || why="$why not listed as rejected;"
st 0 ms_b retry "$S"
grep -q "^retried $JUNK: back in the folder for \"Bob <bob@example.org>\" ($BOB)" "$T/out" ||
    why="$why not retried;"
asked 0
[ -f "$BOX/$JUNK.gpg" ] || why="$why not back in Bob's folder;"
verdict "Bob's list and retry of a rejected item, the passphrase not cached: exit 0, the pinentry never asked"

# === in cron: no terminal, no pinentry, --passphrase-file ============================
stick_scenario cron
use_pinentry none "$AH"
use_pinentry none "$BH"
snap_state

why=""
st 2 cron_a put --queue -r "$BOB" "$SRC/one.txt" "$SRC/two.txt"
grep -q "^mule-stick: error: the signing key Alice <alice@example.org> ($ALICE) is protected by a passphrase and " "$T/err" &&
    grep -q "^mule-stick: hint: .*--passphrase-file" "$T/err" ||
    why="$why not 'is protected by a passphrase', hint --passphrase-file;"
untouched "cron, put --queue without --passphrase-file: exit 2 at once, nothing queued or recorded as sent"

why=""
st 2 cron_a put --queue -r "$BOB" --passphrase-file "$T/wrong.pass" "$SRC/one.txt" "$SRC/two.txt"
grep -q "^mule-stick: error: wrong passphrase for the signing key" "$T/err" ||
    why="$why not 'wrong passphrase';"
untouched "cron, put --queue --passphrase-file with a wrong passphrase: exit 2, nothing queued or recorded as sent"

why=""
st 0 cron_a put --queue -r "$BOB" --passphrase-file "$T/alice.pass" "$SRC/one.txt" "$SRC/two.txt"
[ "$(first_words)" = "2 queued " ] || why="$why lines: $(first_words);"
st 0 cron_a put --queue -r "$BOB" --passphrase-fd 3 "$SRC/three.txt" 3<"$T/alice.pass"
[ "$(queued_n)" -eq 3 ] || why="$why $(queued_n) queued;"
verdict "cron, put --queue --passphrase-file (two items) and --passphrase-fd: queued"

why=""
st 0 cron_a sync "$S"
[ "$(first_words)" = "3 synced " ] || why="$why lines: $(first_words);"
[ ! -s "$T/err" ] || why="$why stderr: $(cat "$T/err");"
[ "$(queued_n)" -eq 0 ] || why="$why still queued: $(queued_n);"
verdict "cron, sync without any passphrase: the three items onto the stick"

why=""
snap "$BOX"
use_pinentry none "$AH"	# the agent forgets the passphrase it was given
st 2 cron_a put "$S" -r "$BOB" --passphrase-file "$T/wrong.pass" "$SRC/one.txt"
[ -z "$(added "$BOX")" ] || why="$why an item was put;"
st 2 cron_a put "$S" -r "$BOB" "$SRC/one.txt"
[ -z "$(added "$BOX")" ] || why="$why an item was put;"
put_new a "$S" -r "$BOB" --passphrase-file "$T/alice.pass" "$SRC/two.txt"
verdict "cron, put with a wrong --passphrase-file and with none: exit 2, nothing put; with the right one, put"

why=""
use_pinentry none "$BH"
st 2 cron_b get "$S" -C "$IN" --receipts
[ -z "$(ls -A "$IN")" ] || why="$why delivered without the passphrase;"
st 0 cron_b get "$S" -C "$IN" --receipts --json --passphrase-file "$T/bob.pass"
bob_got 1 4
one_receipt_for 4
verdict "cron, Bob's get --receipts --passphrase-file: items 1..4, no gap, a receipt signed for the four"

why=""
st 0 cron_b list "$S"
st 0 cron_b list "$S" --json
st 0 cron_a list "$S"
st 0 cron_a sent
[ "$(grep -c '^pending ' "$T/out")" -eq 4 ] || why="$why not four pending;"
verdict "cron, list and sent without any passphrase: exit 0"

why=""
st 0 cron_a get "$S" -C "$AIN" --remove --passphrase-fd 3 3<"$T/alice.pass"
st 0 cron_a sent --json
py "
st = [x['status'] for x in d]
if st != ['acknowledged'] * 4: print('states: %s' % st)"
verdict "cron, Alice's get --passphrase-fd takes the receipt in; sent --json: all four acknowledged"

why=""
head -c 2000 /dev/urandom >"$T/junk"
JUNK=$(sha "$T/junk")
cp "$T/junk" "$BOX/$JUNK.gpg"
st 1 cron_b get "$S" -C "$IN" --remove --passphrase-file "$T/bob.pass"
st 0 cron_b retry "$S"
grep -q "^retried $JUNK: " "$T/out" || why="$why not retried;"
[ -f "$BOX/$JUNK.gpg" ] || why="$why not back in Bob's folder;"
verdict "cron, Bob's retry of a rejected item without any passphrase: exit 0, back in his folder"

# === more items later: still no gap ===================================================
why=""
use_pinentry alice-pass "$AH"
st 0 ms_a put --queue -r "$BOB" "$SRC/one.txt"
use_pinentry none "$AH"	# (and forgets the passphrase)
st 2 cron_a put --queue -r "$BOB" --passphrase-file "$T/wrong.pass" "$SRC/two.txt"
use_pinentry cancel "$AH"
st 2 ms_a put --queue -r "$BOB" "$SRC/two.txt"
st 0 cron_a sync "$S"
rm -f "$BOX/$JUNK.gpg"
st 0 cron_b get "$S" -C "$IN" --json --passphrase-file "$T/bob.pass"
bob_got 5 5
verdict "a queue at the terminal between failed ones (cron and Cancel): Bob's next item is 5, no gap"

fat_done
done_testing
