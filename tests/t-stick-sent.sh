#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-sent.sh - mule-stick sent: the sender's record of what it put
# and which receipts came back (their world: stick_world in stick-lib.sh),
# over a FAT stick.  Alice puts 3 items for Bob and 1 for Carol; Bob gets
# them with --receipts; Alice's get takes his receipt in.  --older, -r,
# -q, --json and its schema; receipts from Mallory and malformed ones
# acknowledge nothing; a torn and a corrupt sent record; file modes.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

if ! fat_scenario sent; then
	echo "1..0 # SKIP no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
	exit 0
fi
SENT="$ASTATE/mule/sent"
CBOX="$S/MULE/to/$CAROL"

# sj PYTHON: run PYTHON with R, the JSON document in $T/out; what it
# prints is added to $why (and a document that does not parse).
cat >"$T/sj.py" <<'EOF'
import json, re, sys
try:
    R = json.load(open(sys.argv[1]))
except Exception as e:
    print('stdout is not one JSON document: %s;' % e)
    sys.exit(0)
def by(field, value): return [x for x in R if x.get(field) == value]
exec(sys.argv[2])
EOF
sj() { why="$why$(python3 "$T/sj.py" "$T/out" "$1" 2>&1)"; }
first_words() { awk '{ print $1 }' "$T/out" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'; }

# === put records, and sent shows them pending ================================
why=""
st 0 ms_a put "$S" -r "$BOB" "$SRC/report.txt" "$SRC/notes"
st 0 ms_a put "$S" -r bob@example.org - <"$SRC/msg"
st 0 ms_a put "$S" -r "$CAROL" "$SRC/report.txt"
BCIDS=$(items "$BOX" | sed 's/\.gpg$//' | sort | tr '\n' ' ')
CCID=$(items "$CBOX" | sed 's/\.gpg$//')
[ "$(echo $BCIDS | wc -w)" -eq 3 ] && [ -n "$CCID" ] ||
    why="$why not 3 items for Bob and 1 for Carol on the stick;"
st 0 ms_a sent --json
sj "
if len(R) != 4: print(' %d items, not 4;' % len(R))
if sorted(x['cid'] for x in by('recipient', '$BOB')) != '$BCIDS'.split():
    print(' the CIDs for Bob are not those on the stick;')
if [x['cid'] for x in by('recipient', '$CAROL')] != ['$CCID']:
    print(' the CID for Carol is not the one on the stick;')
if any(x['status'] != 'pending' for x in R): print(' not all pending;')
if any(x['sender'] != '$ALICE' for x in R): print(' a sender is not Alice;')
names = sorted(x['name'] for x in by('recipient', '$BOB'))
if names != sorted(['$SRC/report.txt', '$SRC/notes', '(standard input)']):
    print(' names for Bob: %s;' % names)
kinds = sorted(x['kind'] for x in by('recipient', '$BOB'))
if kinds != ['files', 'files', 'message']: print(' kinds %s;' % kinds)"
verdict "put records every item per recipient: sent --json lists 4 pending items, named as put, with the CIDs on the stick"

why=""
st 0 ms_a sent
[ "$(first_words)" = "pending:4 to:2 " ] || why="$why first words: $(first_words);"
head -n 1 "$T/out" | grep -q "^to \"Bob <bob@example.org>\" ($BOB): 3 items, 0 acknowledged, 3 pending\$" ||
    why="$why the first line is not Bob's summary;"
grep -q "^pending to \"Carol <carol@example.org>\" ($CAROL): $SRC/report.txt, [0-9.]* [KM]\{0,1\}i\{0,1\}B, put [0-9-]*T[0-9:]*Z, waiting 0 days\$" "$T/out" ||
    why="$why no pending line for Carol's report.txt (name, size, ISO 8601 time);"
grep -q '^pending to "Bob .*: (standard input), ' "$T/out" || why="$why standard input not named so;"
[ -s "$T/err" ] && why="$why stderr not empty;"
verdict "sent: a summary line per recipient by name, one 'pending' line per item, exit 0"

why=""
[ "$(stat -c %a "$ASTATE/mule" 2>/dev/null)" = 700 ] ||
    why="$why the state directory is mode $(stat -c %a "$ASTATE/mule" 2>/dev/null);"
[ "$(stat -c %a "$SENT" 2>/dev/null)" = 600 ] ||
    why="$why the sent record is mode $(stat -c %a "$SENT" 2>/dev/null);"
[ "$(grep -c '^put ' "$SENT")" -eq 4 ] || why="$why not 4 put lines in the record;"
verdict "the sent record is \$XDG_STATE_HOME/mule/sent, mode 0600 in a 0700 directory, one line per item per recipient"

# === Bob's receipt comes back ==================================================
why=""
st 0 ms_b get "$S" -C "$IN" --receipts --json
RID=$(python3 -c 'import json, sys
print("".join(x["id"] for x in json.load(open(sys.argv[1])) if x["status"] == "receipt"))' "$T/out")
RCID=$(python3 -c 'import json, sys
print("".join(x["cid"] for x in json.load(open(sys.argv[1])) if x["status"] == "receipt"))' "$T/out")
[ -n "$RID" ] && [ -f "$ABOX/$RCID.gpg" ] || why="$why no receipt from Bob on the stick;"
st 0 ms_b sent --json
[ "$(tr -d ' \n' <"$T/out")" = "[]" ] || why="$why Bob's record lists: $(cat "$T/out");"
[ -n "$(grep -v '^$' "$BSTATE/mule/sent" 2>/dev/null)" ] && why="$why Bob's record holds lines;"
verdict "Bob's get --receipts puts one receipt; receipts are not recorded as sent items (none comes back for them)"

# craft_for_alice TEMPLATE.tar HOME SIGNER ARG...: a crafted item for
# Alice, signed by SIGNER in HOME, stored in her folder; CRAFTED its CID.
craft_for_alice() {
	ca_tmpl=$1 ca_home=$2 ca_signer=$3
	shift 3
	CRAFTED=""
	if ! python3 "$srcdir/tests/stick-craft.py" "$ca_tmpl" "$T/crafted.tar" "$@" 2>"$T/craft.err"; then
		why="$why craft.py failed: $(cat "$T/craft.err");"
		return 1
	fi
	if ! GNUPGHOME=$ca_home mule-seal -q --binary -r "$ALICE" -u "$ca_signer" \
	    -o "$T/crafted.gpg" "$T/crafted.tar" 2>"$T/craft.err"; then
		why="$why mule-seal failed: $(cat "$T/craft.err");"
		return 1
	fi
	CRAFTED=$(sha "$T/crafted.gpg")
	cp "$T/crafted.gpg" "$ABOX/$CRAFTED.gpg" && rm -f "$T/crafted.gpg"
}

# Mallory, whom Alice knows (she certified his key), sends her a receipt
# that lists her items for Bob and for Carol.
why=""
plain "$AH" "$ABOX/$RCID.gpg" >"$T/rtmpl.tar"
tar -tf "$T/rtmpl.tar" | grep -qx receipt.txt || why="$why the receipt has no receipt.txt;"
import_certified "$AH" "$T/mallory.asc" && import_certified "$T/mallory-home" "$T/alice.asc" ||
    why="$why cannot exchange Alice's and Mallory's keys;"
GNUPGHOME="$T/mallory-home" gpg --batch --export --export-options export-minimal "$MALLORY" \
    >"$T/mallory-min.pgp" 2>/dev/null
ms_a sent --json >"$T/before.json"
python3 -c 'import json, sys
for x in json.load(open(sys.argv[1])): print(x["id"])' "$T/before.json" >"$T/all-ids.txt"
[ "$(wc -l <"$T/all-ids.txt")" -eq 4 ] || why="$why not 4 IDs to list;"
MID=$(newid)
craft_for_alice "$T/rtmpl.tar" "$T/mallory-home" "$MALLORY" "id=$MID" "sender=$MALLORY" \
    "recipient=$ALICE 1" "file:MULE-CERT.pgp=$T/mallory-min.pgp" "file:receipt.txt=$T/all-ids.txt"
MCID=$CRAFTED
verdict "Mallory crafts a receipt for Alice listing her 4 items (3 for Bob, 1 for Carol)"

why=""
st 0 ms_a get "$S" -C "$AIN" --json
sj "
d = [x for x in R if x['status'] == 'delivered' and x.get('kind') == 'receipt']
if sorted(x['id'] for x in d) != sorted(['$RID', '$MID']):
    print(' delivered receipts: %s;' % [x['id'] for x in d])"
cp "$T/err" "$T/get.err"
st 0 ms_a sent --json
sj "
b = by('recipient', '$BOB')
if len(b) != 3 or any(x['status'] != 'acknowledged' for x in b):
    print(' Bob\\'s items: %s;' % [x['status'] for x in b])
if any(x['receipt'] != '$RID' for x in b):
    print(' acknowledged by receipts %s, not Bob\\'s;' % [x['receipt'] for x in b])
c = by('recipient', '$CAROL')
if len(c) != 1 or c[0]['status'] != 'pending' or c[0]['acknowledged'] is not None:
    print(' Carol\\'s item: %s;' % c)"
verdict "Alice's get takes in Bob's receipt: his 3 items acknowledged by it, Carol's still pending"

why=""
[ -d "$AIN/$MALLORY" ] || why="$why Mallory's receipt was not delivered;"
[ "$(grep -c '^ack ' "$SENT")" -eq 3 ] || why="$why $(grep -c '^ack ' "$SENT") ack lines, not 3;"
grep '^ack ' "$SENT" | grep -q "$MID" && why="$why an ack names Mallory's receipt;"
grep -q "warning: receipt $MID from \"Mallory <mallory@example.org>\" ($MALLORY): 4 of the 4 items it lists were never sent to it by \"Alice <alice@example.org>\" ($ALICE), ignored\$" "$T/get.err" ||
    why="$why no warning counting Mallory's 4 unknown IDs;"
grep -q "warning: receipt $RID" "$T/get.err" && why="$why a warning for Bob's receipt;"
verdict "Mallory's receipt is delivered but acknowledges nothing; get warns: 4 of the 4 items it lists were never sent to Mallory"

why=""
cp "$SENT" "$T/sent.x"
st 0 ms_a get "$S" -C "$AIN"
cmp -s "$SENT" "$T/sent.x" || why="$why the record changed;"
verdict "a receipt already taken in changes nothing the next time"

# === --older, -r, -q ===========================================================
why=""
now=$(date +%s)
# Bob's items put 20 days ago, Carol's 9 days and 23 hours ago.
awk -v now="$now" -v bob="$BOB" -v carol="$CAROL" '
	$1 == "put" && $3 == bob { $7 = now - 20 * 86400 }
	$1 == "put" && $3 == carol { $7 = now - 10 * 86400 + 3600 }
	{ print }' "$SENT" >"$T/sent.aged" && cat "$T/sent.aged" >"$SENT"
st 0 ms_a sent --older 9 --json
sj "
if [x['recipient'] for x in R] != ['$CAROL']: print(' --older 9 shows %d items;' % len(R))
elif R[0]['age_days'] != 9: print(' age_days %s, not 9;' % R[0]['age_days'])"
st 0 ms_a sent --older 10 --json
sj "
if R: print(' --older 10 shows %d items;' % len(R))"
st 0 ms_a sent --older 0
[ "$(first_words)" = "pending:1 to:1 " ] || why="$why --older 0: $(first_words);"
grep -q '^pending to "Carol .*, waiting 9 days$' "$T/out" || why="$why no 'waiting 9 days';"
verdict "--older DAYS: only items not acknowledged for more than DAYS days (acknowledged ones never), their age in days"

why=""
st 0 ms_a sent --older 5 -q
[ "$(first_words)" = "pending:1 " ] || why="$why -q: $(first_words);"
st 0 ms_a sent --older 30 -q
[ -s "$T/out" ] && why="$why -q with nothing to show printed: $(cat "$T/out");"
st 0 ms_a sent --older 30
[ "$(cat "$T/out")" = "no items" ] || why="$why without -q: '$(cat "$T/out")';"
verdict "-q: item lines only, nothing at all when no item is waiting (for cron); without it 'no items'"

why=""
st 0 ms_a sent -r carol@example.org --json
sj "
if [x['recipient'] for x in R] != ['$CAROL']: print(' -r carol: %s;' % [x['recipient'] for x in R])"
st 0 ms_a sent -r "$BOB" -r "$CAROL"
[ "$(first_words)" = "acknowledged:3 pending:1 to:2 " ] || why="$why -r both: $(first_words);"
st 0 ms_a sent -r "$BOB"
[ "$(first_words)" = "acknowledged:3 to:1 " ] || why="$why -r BOB: $(first_words);"
grep -q "^acknowledged by \"Bob <bob@example.org>\" ($BOB): $SRC/notes, .*, put [0-9-]*T[0-9:]*Z, acknowledged [0-9-]*T[0-9:]*Z\$" "$T/out" ||
    why="$why no 'acknowledged by' line for notes;"
st 2 ms_a sent -r nobody@example.org
one_error_of mule-stick "$T/err" || why="$why an unknown -r: not one error line;"
verdict "-r USERID (user ID or fingerprint, repeatable) shows only those recipients; an unknown one is an error (exit 2)"

# === --json: the schema ========================================================
why=""
st 0 ms_a sent --json
sj "
ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
want = {'status', 'recipient', 'recipient_name', 'sender', 'sender_name', 'id',
        'cid', 'kind', 'name', 'size', 'queued', 'put', 'age_days',
        'acknowledged', 'receipt', 'receipt_sealed'}
def hexof(v, n, up): return isinstance(v, str) and re.fullmatch('[0-9A-F]{%d}' % n if up else '[0-9a-f]{%d}' % n, v)
def time_or_null(v): return v is None or (isinstance(v, str) and ISO.match(v))
if not isinstance(R, list) or len(R) != 4: print(' not an array of 4;')
for x in R:
    if set(x) != want: print(' fields %s;' % sorted(set(x) ^ want))
    if x['status'] not in ('queued', 'pending', 'acknowledged'): print(' status %s;' % x['status'])
    for k in ('recipient', 'sender'):
        if not hexof(x[k], 40, True): print(' %s %r;' % (k, x[k]))
        if not isinstance(x[k + '_name'], str): print(' %s_name %r;' % (k, x[k + '_name']))
    if not hexof(x['id'], 32, False) or not hexof(x['cid'], 64, False): print(' id or cid;')
    if not isinstance(x['kind'], str) or not isinstance(x['name'], str): print(' kind or name;')
    for k in ('size', 'age_days'):
        if type(x[k]) is not int or x[k] < 0: print(' %s %r;' % (k, x[k]))
    for k in ('queued', 'put', 'acknowledged', 'receipt_sealed'):
        if not time_or_null(x[k]): print(' %s %r;' % (k, x[k]))
    if x['put'] is None: print(' put is null;')
    acked = x['status'] == 'acknowledged'
    if acked != (x['acknowledged'] is not None) or acked != (x['receipt'] is not None) \
            or acked != (x['receipt_sealed'] is not None):
        print(' acknowledged, receipt and receipt_sealed do not go with status;')
    if x['receipt'] is not None and not hexof(x['receipt'], 32, False): print(' receipt %r;' % x['receipt'])
if by('recipient', '$BOB')[0]['recipient_name'] != 'Bob <bob@example.org>': print(' recipient_name;')
if by('recipient', '$CAROL')[0]['age_days'] != 9: print(' age_days;')"
verdict "--json: one array, every documented field with its type (times ISO 8601 UTC or null, sizes and ages integers)"

# === malformed receipts from Bob acknowledge nothing ===========================
why=""
st 0 ms_a put "$S" -r "$BOB" "$SRC/notes/one.txt"
ms_a sent --json >"$T/b4.json"
B4=$(python3 -c 'import json, sys
print("".join(x["id"] for x in json.load(open(sys.argv[1])) if x["name"].endswith("one.txt")))' "$T/b4.json")
[ ${#B4} -eq 32 ] || why="$why no item ID for one.txt;"
seq=2
for variant in badline upper dup empty drop link; do
	case $variant in
	badline) printf '%s\nnot an item ID\n' "$B4" >"$T/rt.txt" ;;
	upper) printf '%s\n' "$B4" | tr a-f A-F >"$T/rt.txt" ;;
	dup) printf '%s\n%s\n' "$B4" "$B4" >"$T/rt.txt" ;;
	empty) : >"$T/rt.txt" ;;
	drop | link) printf '%s\n' "$B4" >"$T/rt.txt" ;;
	esac
	case $variant in
	drop) extra="drop:receipt.txt" ;;
	link) extra="sender=$BOB" ;;
	*) extra="file:receipt.txt=$T/rt.txt" ;;
	esac
	tmpl="$T/rtmpl.tar"
	if [ $variant = link ]; then
		# receipt.txt a symlink to ids.txt, a file beside it that
		# lists B4: the link is not followed.
		python3 - "$T/rtmpl.tar" "$T/rtmpl-link.tar" "$T/rt.txt" <<'EOF'
import hashlib, io, sys, tarfile
tin = tarfile.open(sys.argv[1])
tout = tarfile.open(sys.argv[2], 'w', format=tarfile.PAX_FORMAT)
ids = open(sys.argv[3], 'rb').read()
for m in tin.getmembers():
    d = tin.extractfile(m).read() if m.isfile() else None
    if m.name == 'receipt.txt':
        f = tarfile.TarInfo('ids.txt'); f.size = len(ids); f.mode = 0o644
        tout.addfile(f, io.BytesIO(ids))
        li = tarfile.TarInfo('receipt.txt'); li.type = tarfile.SYMTYPE
        li.linkname = 'ids.txt'; li.mode = 0o777
        tout.addfile(li)
        continue
    if m.name == 'MULE-MANIFEST.sha256':
        d = b''.join(l + b'\n' for l in d.splitlines() if not l.endswith(b'  receipt.txt'))
        d += hashlib.sha256(ids).hexdigest().encode() + b'  ids.txt\n'
        m.size = len(d)
    tout.addfile(m, io.BytesIO(d) if d is not None else None)
tout.close()
EOF
		tmpl="$T/rtmpl-link.tar"
	fi
	craft_for_alice "$tmpl" "$BH" "$BOB" "id=$(newid)" "recipient=$ALICE $seq" "$extra"
	seq=$((seq + 1))
	case $variant in
	badline) reason="line 2 is not an item ID (32 lower-case hex digits)" ;;
	upper) reason="line 1 is not an item ID (32 lower-case hex digits)" ;;
	dup) reason="line 2 lists an item a second time" ;;
	empty) reason="it lists no item" ;;
	drop) reason="no receipt.txt in it" ;;
	link) reason="its receipt.txt is not a regular file" ;;
	esac
	st 0 ms_a get "$S" -C "$AIN" --json
	cp "$T/err" "$T/get.err"
	sj "
if not [x for x in R if x['status'] == 'delivered' and x.get('kind') == 'receipt']:
    print(' $variant: no receipt delivered;')"
	grep -q "^mule-stick: warning: receipt [0-9a-f]\{32\} from \"Bob <bob@example.org>\" ($BOB): $reason; nothing acknowledged\$" "$T/get.err" ||
	    why="$why $variant: no warning '$reason; nothing acknowledged';"
	st 0 ms_a sent --json
	sj "
x = by('id', '$B4')
if len(x) != 1 or x[0]['status'] != 'pending': print(' $variant: B4 is %s;' % [y['status'] for y in x])"
done
verdict "a receipt from Bob with a bad line, upper-case hex, an ID twice, no ID, no receipt.txt, or receipt.txt a symlink: delivered, nothing acknowledged, a warning that says why"

why=""
printf '%s\n' "$B4" >"$T/rt.txt"
craft_for_alice "$T/rtmpl.tar" "$BH" "$BOB" "id=$(newid)" "recipient=$ALICE $seq" "file:receipt.txt=$T/rt.txt"
st 0 ms_a get "$S" -C "$AIN"
st 0 ms_a sent --json
sj "
x = by('id', '$B4')
if len(x) != 1 or x[0]['status'] != 'acknowledged': print(' B4 is %s;' % [y['status'] for y in x])
if [y['recipient'] for y in R] != ['$BOB'] * 4 + ['$CAROL']:
    print(' not grouped by recipient, Bob first: %s;' % [y['recipient_name'] for y in R])"
verdict "... while the same crafted receipt with a well-formed receipt.txt acknowledges the item (the control); Bob's later item is listed in his group"

# === an item name of any bytes =================================================
why=""
odd=$(printf 'odd %%41 name\nline two')
printf 'x\n' >"$SRC/$odd"
st 0 ms_a put "$S" -r "$CAROL" "$SRC/$odd"
[ "$(wc -l <"$SENT")" -eq "$(grep -c '^[a-z]* ' "$SENT")" ] || why="$why a record line does not start with its word;"
grep -q "odd%20%2541%20name%0Aline%20two\$" "$SENT" || why="$why the name is not percent-encoded;"
st 0 ms_a sent --json
sj "
if not by('name', '''$SRC/$odd'''): print(' the name does not come back whole;')"
st 0 ms_a sent -q -r "$CAROL"
grep -q 'odd %41 name\\x0aline two, ' "$T/out" || why="$why the line does not show the name escaped;"
verdict "an item name with spaces, '%' and a newline: one field in the record, whole in --json, escaped in lines"

# === a torn and a corrupt record ==============================================
why=""
cp "$SENT" "$T/sent.good"
printf 'put %s %s 0123' "$ALICE" "$BOB" >>"$SENT"
st 0 ms_a sent --json
sj "
if len(R) != 6: print(' %d items, not 6;' % len(R))"
cmp -s "$SENT" "$T/sent.good" || why="$why the torn line was not cut off;"
verdict "a last line cut short by a crash is dropped (and cut off the file)"

why=""
{ head -n 2 "$T/sent.good"; echo "put not a record"; tail -n +3 "$T/sent.good"; } >"$SENT"
st 2 ms_a sent
[ -s "$T/out" ] && why="$why stdout not empty;"
one_error_of mule-stick "$T/err" || why="$why not one error line;"
grep -q "error: .*sent: line 3 is not a sent record" "$T/err" || why="$why the error does not name line 3;"
snap "$BOX"
st 2 ms_a put "$S" -r "$BOB" "$SRC/report.txt"
[ -z "$(added "$BOX")" ] || why="$why put left an item: $(added "$BOX");"
verdict "a corrupt line: sent and put fail (exit 2) naming the line, and put takes its item back"

why=""
cp "$T/sent.good" "$SENT"
st 0 ms_a sent
st 2 ms_a sent "$S"
st 2 ms_a sent --older soon
st 2 ms_a get "$S" -C "$AIN" --older 3
st 2 ms_a list "$S" -r "$BOB"
verdict "usage: sent takes no stick, --older a number and only for sent, -r not for list (exit 2)"

fat_done
done_testing
