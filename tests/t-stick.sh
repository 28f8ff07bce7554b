#!/bin/sh
# mule-stick: a USB stick as a mailbox between two people with their own
# keyrings (Alice and Bob, each holding the other's public key, certified
# with a local signature).  init; a full exchange both ways with receipts;
# get twice; replays (an item back after --remove, an ID reused with other
# content); tampered and misnamed items; items for someone else; a gap in
# the sequence numbers; crafted envelopes (a sender who is not the signer,
# another recipient, a recipient named twice); symlinks, FIFOs and odd names on the stick;
# concurrent puts; get killed with SIGKILL and rerun; a real FAT32 stick
# (fusefat) with a split item; a full stick (tmpfs, small FAT); list and
# --json; exit statuses.
#
# Crafted items are made from a real item: decrypted, its MULE-ENVELOPE
# (and the manifest line for anything changed) rewritten with Python's
# tarfile, sealed again with mule-seal.  A crafted item with a correct
# envelope is delivered (the control), so a refusal of the others is due
# to what was changed.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "1..0 # SKIP python3 not found"; exit 0; }
umask 022
TZ=UTC
export TZ

# --- the cast ------------------------------------------------------------------
alice_and_bob
CAROL=$(foreign_key carol 'Carol <carol@example.org>')
MALLORY=$(foreign_key mallory 'Mallory <mallory@example.org>')
[ -n "$CAROL" ] && [ -n "$MALLORY" ] || {
	echo "Bail out! cannot generate test keys"; exit 99; }

# in HOME: import the public keys in FILEs and certify them (lsign)
import_certified() {
	ic_home=$1; shift
	for ic_f in "$@"; do
		GNUPGHOME=$ic_home gpg --batch -q --import "$ic_f" 2>/dev/null
		ic_fpr=$(GNUPGHOME=$ic_home gpg --with-colons --import-options show-only \
		    --import "$ic_f" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
		GNUPGHOME=$ic_home gpg --batch --yes -q --quick-lsign-key "$ic_fpr" \
		    >/dev/null 2>&1 || return 1
	done
}
# Alice knows Bob and Carol; Bob knows Alice and Mallory (a key he
# certified, who turns against him); Mallory knows Bob.
import_certified "$AH" "$T/bob.asc" "$T/carol.asc" &&
    import_certified "$BH" "$T/alice.asc" "$T/mallory.asc" &&
    import_certified "$T/mallory-home" "$T/bob.asc" || {
	echo "Bail out! cannot exchange the test keys"; exit 99; }

# --- helpers -------------------------------------------------------------------
# (ms_a, ms_b, plain and tree are in stick-lib.sh)
mkdir -p "$T/alice" "$T/bob"

# scenario NAME: a fresh initialised stick $S, fresh state for both, an
# empty inbox $IN for Bob and $AIN for Alice; $BOX is Bob's folder,
# $ABOX Alice's.
scenario() {
	S="$T/sticks/$1"
	ASTATE="$T/state/$1-alice"
	BSTATE="$T/state/$1-bob"
	IN="$T/in/$1-bob"
	AIN="$T/in/$1-alice"
	BOX="$S/MULE/to/$BOB"
	ABOX="$S/MULE/to/$ALICE"
	mkdir -p "$S" "$ASTATE" "$BSTATE" "$IN" "$AIN"
	ms_a init "$S" >/dev/null 2>"$T/init.err" ||
	    sed 's/^/#   init stderr: /' "$T/init.err" >&2
}

# st WANT CMD...: run CMD (stdout $T/out, stderr $T/err); add to $why
# unless it exits WANT.
st() {
	st_want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	st_got=$?
	[ "$st_got" -eq "$st_want" ] || why="$why exit $st_got, not $st_want (${2:-});"
}

# snap DIR / added DIR: the item files in DIR that were not there at snap
snap() { items "$1" >"$T/snap"; }
added() { items "$1" | comm -13 "$T/snap" -; }
temps() { ls -A "$1" 2>/dev/null | grep '^\.mule-'; }

# put_new WHO DESC-VAR ARG...: put as WHO (a or b) into Bob's (or, for b,
# Alice's) folder; sets NEW to the one new CID (empty if not exactly one
# new file, with $why filled in).
put_new() {
	pn_who=$1; shift
	if [ "$pn_who" = a ]; then pn_box=$BOX; else pn_box=$ABOX; fi
	snap "$pn_box"
	st 0 "ms_$pn_who" put "$@"
	pn_new=$(added "$pn_box")
	NEW=""
	if [ "$(printf '%s\n' "$pn_new" | grep -c .)" -ne 1 ]; then
		why="$why not one new item after put $* (got: $(echo $pn_new));"
	else
		NEW=${pn_new%.gpg}
		[ "$(sha "$pn_box/$pn_new")" = "$NEW" ] ||
		    why="$why $pn_new is not named by its SHA-256;"
	fi
}

# env_of HOME ITEM-FILE: the item's MULE-ENVELOPE
env_of() { plain "$1" "$2" | tar -xOf - MULE-ENVELOPE 2>/dev/null; }
# field KEY: the value(s) of KEY in the envelope on stdin
field() { sed -n "s/^$1: //p"; }

# delivered_ids SENDER: the IDs in "delivered SENDER ID DIR" lines of $T/out
delivered_ids() { awk -v s="$1" '$1 == "delivered" && $2 == s { print $3 }' "$T/out" | sort; }
count_lines() { grep -c "$1" "$T/out"; }
# dir_of INBOX SENDER ID: the delivered folders for ID (one per line)
dir_of() {
	find "$1/$2" -mindepth 1 -maxdepth 1 -name "*-$3" 2>/dev/null
}

# craft.py IN.tar OUT.tar [FIELD=VALUE]... [recipient=FPR SEQ]...
# [content:NAME=TEXT]: IN.tar with the envelope's fields replaced (all
# recipient lines replaced by the given ones), entry NAME's content
# replaced, and the manifest's lines for changed entries recomputed.
cat >"$T/craft.py" <<'EOF'
import hashlib, io, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
fields, recips, contents = [], None, {}
for a in sys.argv[3:]:
    if a.startswith('content:'):
        n, v = a[8:].split('=', 1)
        contents[n] = v.encode()
    else:
        k, v = a.split('=', 1)
        if k == 'recipient':
            recips = (recips or []) + [v]
        else:
            fields.append((k, v))
tin = tarfile.open(src, 'r:')
out = []
for m in tin.getmembers():
    data = tin.extractfile(m).read() if m.isfile() else None
    if m.name == 'MULE-ENVELOPE':
        new, rdone = [], False
        for l in data.decode().splitlines():
            k = l.partition(': ')[0]
            if k == 'recipient' and recips is not None:
                if not rdone:
                    new += ['recipient: ' + r for r in recips]
                    rdone = True
                continue
            for fk, fv in fields:
                if k == fk:
                    l = k + ': ' + fv
            new.append(l)
        data = ('\n'.join(new) + '\n').encode()
    elif m.name in contents:
        data = contents[m.name]
    out.append((m, data))
digests = {m.name: hashlib.sha256(d).hexdigest() for m, d in out if d is not None}
tout = tarfile.open(dst, 'w', format=tarfile.PAX_FORMAT)
for m, data in out:
    if m.name == 'MULE-MANIFEST.sha256':
        lines = []
        for l in data.decode().splitlines():
            h, sep, n = l.partition('  ')
            if sep and n in digests:
                h = digests[n]
            lines.append(h + sep + n)
        data = ('\n'.join(lines) + '\n').encode()
    if data is not None:
        m.size = len(data)
        m.pax_headers.pop('size', None)
        tout.addfile(m, io.BytesIO(data))
    else:
        tout.addfile(m)
tout.close()
EOF

# craft TEMPLATE.tar SIGNER-HOME SIGNER ARG...: a crafted item for Bob,
# signed by SIGNER, stored in $BOX as <CID>.gpg; sets CRAFTED to the CID
craft() {
	cr_tmpl=$1 cr_home=$2 cr_signer=$3
	shift 3
	CRAFTED=""
	rm -f "$T/crafted.tar" "$T/crafted.gpg"
	if ! python3 "$T/craft.py" "$cr_tmpl" "$T/crafted.tar" "$@" 2>"$T/craft.err"; then
		why="$why craft.py failed: $(cat "$T/craft.err");"
		return 1
	fi
	if ! GNUPGHOME=$cr_home mule-seal -q --binary -r "$BOB" -u "$cr_signer" \
	    -o "$T/crafted.gpg" "$T/crafted.tar" 2>"$T/craft.err"; then
		why="$why mule-seal failed: $(cat "$T/craft.err");"
		return 1
	fi
	CRAFTED=$(sha "$T/crafted.gpg")
	mv "$T/crafted.gpg" "$BOX/$CRAFTED.gpg"
}

newid() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# the sources
SRC="$T/src"
mkdir -p "$SRC/notes/sub"
printf 'quarterly report\n' >"$SRC/report.txt"
printf 'note one\n' >"$SRC/notes/one.txt"
printf 'note two\n' >"$SRC/notes/sub/two.txt"
printf 'Hello Bob,\nthe keys are under the mat.\n' >"$SRC/msg"
head -c 307200 /dev/urandom >"$SRC/r300k"
head -c 3145728 /dev/urandom >"$SRC/r3m"
for n in 1 2 3; do head -c 8388608 /dev/urandom >"$SRC/r8m-$n"; done

plan 77

# === init ===========================================================================
why=""
S="$T/sticks/init"
ASTATE="$T/state/init-alice"
mkdir -p "$S" "$ASTATE"
echo 'canary' >"$S/canary.txt"
st 0 ms_a init "$S"
[ -d "$S/MULE" ] || why="$why no MULE/;"
[ -s "$S/MULE/README.txt" ] || why="$why no (or an empty) MULE/README.txt;"
[ "$(cat "$S/MULE/VERSION" 2>/dev/null)" = "mule-stick 1" ] ||
    why="$why VERSION is '$(cat "$S/MULE/VERSION" 2>/dev/null)';"
[ "$(cat "$S/canary.txt")" = canary ] || why="$why canary.txt changed;"
verdict "init lays out MULE/, README.txt, VERSION (\"mule-stick 1\")"

why=""
mkdir -p "$S/MULE/to/$BOB"
echo 'pretend item' >"$S/MULE/to/$BOB/keep.me"
cp "$S/MULE/README.txt" "$T/readme.before"
st 0 ms_a init "$S"
[ "$(cat "$S/MULE/to/$BOB/keep.me" 2>/dev/null)" = 'pretend item' ] ||
    why="$why a file in MULE/to/BOB was lost;"
cmp -s "$T/readme.before" "$S/MULE/README.txt" || why="$why README.txt rewritten;"
[ "$(cat "$S/MULE/VERSION" 2>/dev/null)" = "mule-stick 1" ] || why="$why VERSION lost;"
[ -z "$(temps "$S/MULE")" ] || why="$why temporaries left in MULE/;"
verdict "init twice: exit 0, nothing lost"

# === a full exchange ====================================================================
scenario x
echo 'canary' >"$S/canary.txt"
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"; X1=$NEW
put_new a "$S" -r bob@example.org "$SRC/notes"; X2=$NEW
printf 'Hello Bob,\nby standard input.\n' >"$T/stdin.txt"
put_new a "$S" -r "$BOB" - <"$T/stdin.txt"; X3=$NEW
verdict "Alice puts a file, a directory and stdin for Bob: one <SHA-256>.gpg each in MULE/to/BOB"

why=""
[ -z "$(temps "$BOX")" ] || why="$why temporaries left: $(temps "$BOX");"
[ "$(ls -A "$S" | tr '\n' ' ')" = "MULE canary.txt " ] ||
    why="$why the stick's top holds: $(ls -A "$S" | tr '\n' ' ');"
[ -s "$ASTATE/mule/sequence" ] || why="$why no \$XDG_STATE_HOME/mule/sequence;"
verdict "... no temporary left, nothing written outside MULE/, the sequence file kept in XDG_STATE_HOME"

why=""
[ -n "$X1" ] && [ -n "$X2" ] && [ -n "$X3" ] || why="$why not three items;"
for c in $X1 $X2 $X3; do
	first=$(plain "$BH" "$BOX/$c.gpg" | tar -tf - 2>/dev/null | head -n 1)
	[ "$first" = MULE-ENVELOPE ] || why="$why $c: first entry is '$first';"
done
if [ -n "$X1" ]; then
	GNUPGHOME=$BH gpg -q --batch -d "$BOX/$X1.gpg" 2>/dev/null |
	    (mkdir -p "$T/plainx" && cd "$T/plainx" && tar -xf -)
	cmp -s "$SRC/report.txt" "$T/plainx/report.txt" ||
	    why="$why gpg -d ITEM | tar -x does not give report.txt;"
fi
verdict "MULE-ENVELOPE is the first entry; plain gpg -d ITEM | tar -x works"

why=""
now=$(date +%s)
seq=1
XIDS=""
for c in $X1 $X2 $X3; do
	env_of "$BH" "$BOX/$c.gpg" >"$T/env"
	e_ver=$(field mule-envelope <"$T/env")
	e_id=$(field id <"$T/env")
	e_kind=$(field kind <"$T/env")
	e_sender=$(field sender <"$T/env")
	e_rcpt=$(field recipient <"$T/env")
	e_created=$(field created <"$T/env")
	case $seq in 3) k=message ;; *) k=files ;; esac
	[ "$e_ver" = 1 ] || why="$why $c: mule-envelope '$e_ver';"
	echo "$e_id" | grep -qE '^[0-9a-f]{32}$' || why="$why $c: id '$e_id';"
	[ "$e_kind" = $k ] || why="$why $c: kind '$e_kind', not $k;"
	[ "$e_sender" = "$ALICE" ] || why="$why $c: sender '$e_sender';"
	[ "$e_rcpt" = "$BOB $seq" ] || why="$why $c: recipient '$e_rcpt', not 'BOB $seq';"
	case $e_created in
	'' | *[!0-9]*) why="$why $c: created '$e_created';" ;;
	*) [ $((now - e_created)) -lt 600 ] && [ $((e_created - now)) -lt 60 ] ||
	    why="$why $c: created $e_created, now $now;" ;;
	esac
	XIDS="$XIDS $e_id"
	seq=$((seq + 1))
done
set -- $XIDS
XI1=${1:-none1} XI2=${2:-none2} XI3=${3:-none3}
[ "$(printf '%s\n' $XIDS | sort -u | wc -l)" -eq 3 ] || why="$why the IDs are not distinct;"
verdict "the envelopes: version 1, random IDs, kinds files/files/message, sender Alice, recipient 'BOB 1..3', created now"

why=""
st 0 ms_b get "$S" -C "$IN" --receipts
[ "$(delivered_ids "$ALICE" | tr '\n' ' ')" = "$(printf '%s\n' $XIDS | sort | tr '\n' ' ')" ] ||
    why="$why delivered IDs are not the three envelope IDs;"
grep -v '^delivered ' "$T/out" | grep -qvE "^receipt $ALICE [0-9a-f]{32}\$" &&
    why="$why other lines on stdout;"
[ "$(grep -c '^receipt ' "$T/out")" -eq 1 ] || why="$why not one receipt line;"
verdict "Bob's get -C inbox --receipts: one 'delivered ALICE ID DIR' line per item, one 'receipt ALICE ID', exit 0"

why=""
for i in $XIDS; do
	d=$(dir_of "$IN" "$ALICE" "$i")
	[ "$(printf '%s\n' "$d" | grep -c .)" -eq 1 ] || { why="$why ID $i: folders '$d';"; continue; }
	printf '%s\n' "${d##*/}" | grep -qE "^[0-9]+-$i\$" || why="$why folder name ${d##*/};"
	printed=$(awk -v i="$i" '$1 == "delivered" && $3 == i { print $4 }' "$T/out")
	[ "$printed" -ef "$d" ] || why="$why printed dir '$printed' is not $d;"
done
[ "$(ls -A "$IN")" = "$ALICE" ] || why="$why inbox holds: $(ls -A "$IN" | tr '\n' ' ');"
[ -z "$(temps "$IN")$(temps "$IN/$ALICE")" ] || why="$why temporaries left in the inbox;"
verdict "... into inbox/ALICE-FPR/CREATED-ID/, as printed"

why=""
d1=$(dir_of "$IN" "$ALICE" "$XI1")
d2=$(dir_of "$IN" "$ALICE" "$XI2")
d3=$(dir_of "$IN" "$ALICE" "$XI3")
cmp -s "$SRC/report.txt" "$d1/report.txt" 2>/dev/null || why="$why report.txt differs;"
diff -r "$SRC/notes" "$d2/notes" >/dev/null 2>&1 || why="$why notes/ differs;"
cmp -s "$T/stdin.txt" "$d3/message.txt" 2>/dev/null || why="$why message.txt differs;"
verdict "... with the right content: report.txt, notes/..., message.txt"

why=""
J="$BSTATE/mule/journal"
if [ -s "$J" ]; then
	for i in $XIDS; do
		grep -q "$i" "$J" || why="$why ID $i not in the journal;"
	done
else
	why="$why no journal at \$XDG_STATE_HOME/mule/journal;"
fi
verdict "the journal (\$XDG_STATE_HOME/mule/journal) records the three IDs"

why=""
RID=none-r ARID=none-ar
RC=$(items "$ABOX")
RCID=${RC%.gpg}
if [ "$(printf '%s\n' "$RC" | grep -c .)" -ne 1 ]; then
	why="$why MULE/to/ALICE holds: $(echo $RC);"
else
	env_of "$AH" "$ABOX/$RC" >"$T/env"
	[ "$(field kind <"$T/env")" = receipt ] || why="$why kind '$(field kind <"$T/env")';"
	[ "$(field sender <"$T/env")" = "$BOB" ] || why="$why sender not Bob;"
	[ "$(field recipient <"$T/env")" = "$ALICE 1" ] ||
	    why="$why recipient '$(field recipient <"$T/env")';"
	RID=$(field id <"$T/env")
	[ "$(sha "$ABOX/$RC")" = "$RCID" ] || why="$why misnamed;"
fi
verdict "--receipts: one signed receipt item (kind receipt, Bob to 'ALICE 1') in MULE/to/ALICE"

why=""
printf 'Hi Alice, thanks.\n' >"$T/bobmsg.txt"
put_new b "$S" -r "$ALICE" - <"$T/bobmsg.txt"
BM=$NEW
BMID=$(env_of "$AH" "$ABOX/$BM.gpg" | field id)
snap "$BOX"
st 0 ms_a get "$S" -C "$AIN" --receipts
[ "$(delivered_ids "$BOB" | tr '\n' ' ')" = "$(printf '%s\n' "$RID" "$BMID" | sort | tr '\n' ' ')" ] ||
    why="$why not the receipt and the message delivered;"
rd=$(dir_of "$AIN" "$BOB" "$RID")
printf '%s\n' $XIDS | sort >"$T/want.ids"
sort "$rd/receipt.txt" 2>/dev/null | grep . | cmp -s - "$T/want.ids" ||
    why="$why receipt.txt does not list the three IDs ('$(cat "$rd/receipt.txt" 2>/dev/null | tr '\n' ' ')');"
cmp -s "$T/bobmsg.txt" "$(dir_of "$AIN" "$BOB" "$BMID")/message.txt" ||
    why="$why Bob's message differs;"
verdict "Bob puts a message for Alice; Alice's get delivers it and the receipt (receipt.txt lists the three IDs)"

why=""
ar=$(added "$BOX")
if [ "$(printf '%s\n' "$ar" | grep -c .)" -ne 1 ]; then
	why="$why new in MULE/to/BOB: '$(echo $ar)' (want one receipt, for the message only);"
else
	env_of "$BH" "$BOX/$ar" >"$T/env"
	[ "$(field kind <"$T/env")" = receipt ] || why="$why kind '$(field kind <"$T/env")';"
	plain "$BH" "$BOX/$ar" | tar -xOf - receipt.txt 2>/dev/null | grep . >"$T/rlist"
	[ "$(cat "$T/rlist")" = "$BMID" ] ||
	    why="$why its receipt.txt holds '$(tr '\n' ' ' <"$T/rlist")', not just the message's ID;"
	AR=${ar%.gpg}
	ARID=$(field id <"$T/env")
fi
verdict "... Alice's --receipts acknowledges the message only: no receipt for a receipt"

why=""
snap "$ABOX"
st 0 ms_b get "$S" -C "$IN" --receipts
[ "$(delivered_ids "$ALICE")" = "${ARID:-none}" ] || why="$why Alice's receipt not delivered;"
[ -z "$(added "$ABOX")" ] || why="$why a receipt for a receipt: $(added "$ABOX");"
verdict "Bob's get --receipts delivers Alice's receipt and writes no receipt for it"

# --- get twice ---------------------------------------------------------------------------
why=""
tree "$IN" >"$T/tree.before"
st 0 ms_b get "$S" -C "$IN"
for i in $XIDS $ARID; do
	grep -qx "already-delivered $ALICE $i" "$T/out" ||
	    why="$why no 'already-delivered ALICE $i';"
done
grep -q '^delivered ' "$T/out" && why="$why something delivered again;"
verdict "get again: 'already-delivered SENDER ID' for each, exit 0"
why=""
[ "$(ls -A "$IN/$ALICE" 2>/dev/null | wc -l)" -eq 4 ] || why="$why the inbox does not hold the four items;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "... nothing added to (or changed in) the inbox"

# --- replay: an item back after --remove --------------------------------------------------
why=""
cp "$BOX/$X1.gpg" "$T/x1.copy"
st 0 ms_b get "$S" -C "$IN" --remove
[ -z "$(items "$BOX")" ] || why="$why --remove left: $(items "$BOX" | tr '\n' ' ');"
grep -qx "already-delivered $ALICE $XI1" "$T/out" || why="$why no already-delivered line;"
verdict "get --remove deletes already-delivered items from the stick"

why=""
cp "$T/x1.copy" "$BOX/$X1.gpg"
tree "$IN" >"$T/tree.before"
st 1 ms_b get "$S" -C "$IN"
grep -q "^replay $ALICE $XI1: ." "$T/out" || why="$why no 'replay ALICE ID: REASON' line;"
grep -q '^delivered ' "$T/out" && why="$why delivered again;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "the removed item put back on the stick: replay, exit 1, inbox unchanged"

# === crafted envelopes ==================================================================
scenario craft
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"
C1=$NEW
plain "$BH" "$BOX/$C1.gpg" >"$T/tmpl.tar"
C1ID=$(tar -xOf "$T/tmpl.tar" MULE-ENVELOPE 2>/dev/null | field id)
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(delivered_ids "$ALICE")" = "$C1ID" ] || why="$why the template item was not delivered;"
CONTROL=$(newid)
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$CONTROL" "recipient=$BOB 2" \
    'content:report.txt=crafted but honest'
st 0 ms_b get "$S" -C "$IN"
[ "$(delivered_ids "$ALICE")" = "$CONTROL" ] || why="$why the crafted item was not delivered;"
[ "$(cat "$(dir_of "$IN" "$ALICE" "$CONTROL")/report.txt" 2>/dev/null)" = 'crafted but honest' ] ||
    why="$why its content differs;"
verdict "control: a crafted item with a correct envelope, signed by Alice, is delivered"

why=""
MC=$(newid)
craft "$T/tmpl.tar" "$T/mallory-home" "$MALLORY" "id=$MC" "sender=$MALLORY" \
    "recipient=$BOB 1"
st 0 ms_b get "$S" -C "$IN"
[ "$(delivered_ids "$MALLORY")" = "$MC" ] || why="$why Mallory's own item was not delivered;"
verdict "control: Mallory (certified by Bob) signing as Mallory is delivered"

# rejected_ok CID: $T/out has "rejected CID: REASON", CID left MULE/to for
# MULE/rejected/, and nothing new in the inbox; adds to $why.
rejected_ok() {
	grep -q "^rejected $1: ." "$T/out" || why="$why no 'rejected ${1:-CID}: REASON' line;"
	[ -e "$BOX/$1.gpg" ] && why="$why the item is still in MULE/to/BOB;"
	[ -n "$(find "$S/MULE/rejected" -name "*$1*" 2>/dev/null)" ] ||
	    why="$why not in MULE/rejected/;"
	grep -q '^delivered ' "$T/out" && why="$why something delivered;"
}

why=""
tree "$IN" >"$T/tree.before"
craft "$T/tmpl.tar" "$T/mallory-home" "$MALLORY" "id=$(newid)" "recipient=$BOB 3"
st 1 ms_b get "$S" -C "$IN"
rejected_ok "$CRAFTED"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "an envelope naming Alice as sender, signed by Mallory: rejected (sender is not the signer), exit 1"

why=""
craft "$T/tmpl.tar" "$T/mallory-home" "$MALLORY" "id=$(newid)" "recipient=$BOB 4"
st 1 ms_b get "$S" -C "$IN" --signer "$MALLORY"
rejected_ok "$CRAFTED"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "... also with Mallory pinned by --signer"

why=""
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$(newid)" "recipient=$CAROL 1"
st 1 ms_b get "$S" -C "$IN"
rejected_ok "$CRAFTED"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "an envelope naming Carol as the recipient, signed by Alice, encrypted to Bob: rejected"

why=""
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$(newid)" "recipient=$BOB 3" "recipient=$BOB 4"
st 1 ms_b get "$S" -C "$IN"
rejected_ok "$CRAFTED"
grep -q "^rejected $CRAFTED: .*named twice" "$T/out" || why="$why not for naming Bob twice;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "an envelope naming Bob twice, with two sequence numbers, signed by Alice: rejected (fuzz-envelope)"

why=""
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$C1ID" "recipient=$BOB 5" \
    'content:report.txt=other content, same ID'
st 1 ms_b get "$S" -C "$IN"
grep -q "^replay $ALICE $C1ID: ." "$T/out" || why="$why no 'replay ALICE ID: REASON' line;"
grep -q '^delivered ' "$T/out" && why="$why something delivered;"
[ "$(dir_of "$IN" "$ALICE" "$C1ID" | wc -l)" -eq 1 ] || why="$why the ID's folder is not there once;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "an item ID reused with other content: replay, exit 1, inbox unchanged"

# === tampered and misnamed items =========================================================
scenario tamper
why=""
printf 'good one\n' >"$T/g1"
printf 'good two\n' >"$T/g2"
printf 'to be flipped\n' >"$T/g3"
printf 'to be renamed\n' >"$T/g4"
put_new a "$S" -r "$BOB" - <"$T/g1"; G1=$NEW
put_new a "$S" -r "$BOB" - <"$T/g2"; G2=$NEW
put_new a "$S" -r "$BOB" - <"$T/g3"; G3=$NEW
put_new a "$S" -r "$BOB" - <"$T/g4"; G4=$NEW
G1ID=$(env_of "$BH" "$BOX/$G1.gpg" | field id)
G2ID=$(env_of "$BH" "$BOX/$G2.gpg" | field id)
G3ID=$(env_of "$BH" "$BOX/$G3.gpg" | field id)
G4ID=$(env_of "$BH" "$BOX/$G4.gpg" | field id)
n=$(size "$BOX/$G3.gpg")
flip "$BOX/$G3.gpg" $((n / 2)) "$T/flipped"
rm -f "$BOX/$G3.gpg"
FL=$(sha "$T/flipped")
mv "$T/flipped" "$BOX/$FL.gpg"
MN=$(printf 'not its name' | sha256sum | cut -d' ' -f1)
mv "$BOX/$G4.gpg" "$BOX/$MN.gpg"
st 1 ms_b get "$S" -C "$IN"
[ "$(delivered_ids "$ALICE" | tr '\n' ' ')" = "$(printf '%s\n' "$G1ID" "$G2ID" | sort | tr '\n' ' ')" ] ||
    why="$why the two good ones were not delivered;"
grep -q "^rejected $FL: ." "$T/out" || why="$why no 'rejected CID: REASON' for the flipped one;"
grep -q "^rejected $MN: ." "$T/out" || why="$why no 'rejected CID: REASON' for the misnamed one;"
verdict "a flipped byte (renamed to its new SHA-256) and a misnamed item among good ones: both rejected, the good ones delivered, exit 1"

why=""
for c in $FL $MN; do
	[ -e "$BOX/$c.gpg" ] && why="$why $c still in MULE/to/BOB;"
	[ -n "$(find "$S/MULE/rejected" -name "*$c*" 2>/dev/null)" ] || why="$why $c not in MULE/rejected/;"
done
[ -f "$BOX/$G1.gpg" ] && [ -f "$BOX/$G2.gpg" ] || why="$why a good item left MULE/to/BOB;"
[ "$(ls -A "$IN/$ALICE" 2>/dev/null | wc -l)" -eq 2 ] ||
    why="$why the inbox holds: $(ls -A "$IN/$ALICE" 2>/dev/null | tr '\n' ' ');"
[ -z "$(dir_of "$IN" "$ALICE" "$G3ID")$(dir_of "$IN" "$ALICE" "$G4ID")" ] ||
    why="$why a rejected item was delivered;"
verdict "... the rejected ones moved to MULE/rejected/, only the good ones in the inbox"

# === items for someone else; anyone/ ======================================================
scenario others
why=""
CBOX="$S/MULE/to/$CAROL"
ANY="$S/MULE/to/anyone"
st 0 ms_a put "$S" -r "$CAROL" "$SRC/report.txt"
st 0 ms_a put "$S" -r "$CAROL" --hide-recipients "$SRC/report.txt"
items "$ANY" >"$T/anyone.carol"
put_new a "$S" -r "$BOB" "$SRC/report.txt"; O1=$NEW
st 0 ms_a put "$S" -r "$BOB" --hide-recipients - <"$SRC/msg"
AB=$(items "$ANY" | comm -13 "$T/anyone.carol" -)
[ "$(items "$CBOX" | wc -l)" -eq 1 ] || why="$why MULE/to/CAROL holds: $(items "$CBOX" | tr '\n' ' ');"
[ "$(wc -l <"$T/anyone.carol")" -eq 1 ] || why="$why --hide-recipients for Carol: anyone/ holds $(wc -l <"$T/anyone.carol");"
[ "$(printf '%s\n' "$AB" | grep -c .)" -eq 1 ] || why="$why --hide-recipients for Bob: not one new item in anyone/;"
verdict "put -r CAROL lands in MULE/to/CAROL, --hide-recipients in MULE/to/anyone"

why=""
tree "$CBOX" >"$T/carol.before"
CAN=$(sed 's/\.gpg$//' "$T/anyone.carol")
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(grep -c '^delivered ' "$T/out")" -eq 2 ] || why="$why not two items delivered;"
[ "$(grep -cv '^delivered ' "$T/out")" -eq 0 ] || why="$why other lines on stdout;"
[ -n "$CAN" ] && grep -q "$CAN" "$T/out" "$T/err" && why="$why Carol's anyone/ item mentioned;"
[ -s "$T/err" ] && why="$why stderr not empty;"
cmp -s "$SRC/msg" "$(find "$IN/$ALICE" -name message.txt | head -n 1)" ||
    why="$why the anyone/ message for Bob differs;"
verdict "Bob's get --remove: his item and his anyone/ item delivered; Carol's anyone/ item silently skipped"

why=""
[ -n "$(items "$CBOX")" ] && [ -s "$T/anyone.carol" ] && [ -n "$O1" ] || why="$why the items were not there;"
tree "$CBOX" | cmp -s - "$T/carol.before" || why="$why MULE/to/CAROL changed;"
[ "$(items "$ANY")" = "$(cat "$T/anyone.carol")" ] ||
    why="$why anyone/ holds: $(items "$ANY" | tr '\n' ' ') (want Carol's only);"
[ -e "$BOX/$O1.gpg" ] && why="$why Bob's item not removed;"
[ -z "$(find "$S/MULE/rejected" -type f 2>/dev/null)" ] || why="$why something in MULE/rejected/;"
verdict "... Carol's folder and her anyone/ item untouched; Bob's removed"

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
	grep -qE "^gap $ALICE: missing sequence 2(\.\.2)?\$" "$T/out" ||
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
	grep -qE "^(already-)?delivered $ALICE $i( |\$)" "$T/out" ||
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

# === list and --json ====================================================================
scenario list
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"; L1=$NEW
snap "$BOX"
st 0 ms_a put "$S" -r "$BOB" --split 64K "$SRC/r300k"
LSP=$(added "$BOX")
L2=$(printf '%s\n' "$LSP" | head -n 1 | sed 's/\.gpg.*//')
L2N=$(printf '%s\n' "$LSP" | grep -c .)
L2SIZE=$(cat $(printf "$BOX/%s\n" $LSP) | wc -c)
[ "$L2N" -ge 5 ] || why="$why --split 64K of 300 KiB made $L2N parts;"
[ "$(printf '%s\n' "$LSP" | sed 's/.*\.gpg\.//' | tr '\n' ' ')" = "$(seq -f '%03g' 1 "$L2N" | tr '\n' ' ')" ] ||
    why="$why parts are: $(echo $LSP);"
[ "$(cat $(printf "$BOX/%s\n" $LSP) | sha256sum | cut -d' ' -f1)" = "$L2" ] ||
    why="$why the CID is not the SHA-256 of the parts' concatenation;"
for p in $LSP; do
	[ "$(size "$BOX/$p")" -le 65536 ] || why="$why $p is bigger than 64K;"
done
st 0 ms_a put "$S" -r "$BOB" --hide-recipients - <"$SRC/msg"
L3=$(items "$S/MULE/to/anyone" | sed 's/\.gpg$//')
verdict "put --split 64K of 300 KiB: parts <CID>.gpg.001 ... of at most 64 KiB, CID of their concatenation"

why=""
st 0 ms_a list "$S"
L1SIZE=$(size "$BOX/$L1.gpg")
L3SIZE=$(size "$S/MULE/to/anyone/$L3.gpg" 2>/dev/null)
[ "$(grep -c . "$T/out")" -eq 3 ] || why="$why not three lines;"
awk -v c="$L1" '$2 == c { print $1, $3, $5 }' "$T/out" | grep -qxE "$BOB $L1SIZE [01]" ||
    why="$why the plain item's line is wrong;"
awk -v c="$L2" '$2 == c { print $1, $3, $5 }' "$T/out" | grep -qx "$BOB $L2SIZE $L2N" ||
    why="$why the split item's line is wrong;"
awk -v c="$L3" '$2 == c { print $1, $3, $5 }' "$T/out" | grep -qxE "anyone $L3SIZE [01]" ||
    why="$why the anyone/ item's line is wrong;"
verdict "list: 'FOLDER CID SIZE AGE PARTS', one line per item (the split one once)"

# json_ok PROGRAM ARG...: the Python PROGRAM (its arguments in sys.argv[2:])
# reads $T/out without an exception; else adds its last line to $why
json_ok() {
	python3 -c "$1" "$@" <"$T/out" 2>"$T/py.err" || why="$why $(tail -n 1 "$T/py.err");"
}
why=""
st 0 ms_a list "$S" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and len(a) == 3, "not an array of 3: %r" % (a,)
bob, l1, l1s, l2, l2s, l2n, l3, l3s = sys.argv[2:10]
want = {l1: (bob, int(l1s), 1), l2: (bob, int(l2s), int(l2n)), l3: ("anyone", int(l3s), 1)}
for o in a:
    assert set(o) >= {"folder", "cid", "size", "parts", "age_seconds", "complete"}, "keys: %r" % (sorted(o),)
    assert o["cid"] in want, "cid %r" % o["cid"]
    # an item in one file: "parts" 0 (not split) or 1
    p = 1 if o["parts"] == 0 and want[o["cid"]][2] == 1 else o["parts"]
    assert (o["folder"], o["size"], p) == want[o["cid"]], "object %r" % (o,)
    assert o["complete"] is True, "complete %r" % (o,)
    assert isinstance(o["age_seconds"], (int, float)) and 0 <= o["age_seconds"] < 600, "age %r" % (o,)
' "$BOB" "$L1" "$L1SIZE" "$L2" "$L2SIZE" "$L2N" "$L3" "$L3SIZE"
verdict "list --json: an array of {folder, cid, size, parts, age_seconds, complete}"

why=""
rm -f "$BOX/$L2.gpg.002"
st 0 ms_a list "$S" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
o = [o for o in a if o["cid"] == sys.argv[2]]
assert len(o) == 1, "split item listed %d times" % len(o)
assert o[0]["complete"] is False, "complete %r" % (o[0],)
assert all(x["complete"] is True for x in a if x["cid"] != sys.argv[2]), "others"
' "$L2"
verdict "list --json: a split item missing part 002 is \"complete\": false"

# === get --json ==========================================================================
scenario json
why=""
printf 'json one\n' >"$T/j1"
printf 'json bad\n' >"$T/j3"
put_new a "$S" -r "$BOB" - <"$T/j1"; J1=$NEW
put_new a "$S" -r "$BOB" "$SRC/notes"; J2=$NEW
put_new a "$S" -r "$BOB" - <"$T/j3"; J3=$NEW
J1ID=$(env_of "$BH" "$BOX/$J1.gpg" | field id)
J2ID=$(env_of "$BH" "$BOX/$J2.gpg" | field id)
n=$(size "$BOX/$J3.gpg")
flip "$BOX/$J3.gpg" $((n / 2)) "$T/flipped"
rm -f "$BOX/$J3.gpg"
JB=$(sha "$T/flipped")
mv "$T/flipped" "$BOX/$JB.gpg"
st 1 ms_b get "$S" -C "$IN" --json --receipts
json_ok '
import json, os, sys
a = json.load(sys.stdin)
assert isinstance(a, list), "not an array"
alice, j1, j1id, j2, j2id, jb = sys.argv[2:8]
items = [o for o in a if o.get("status") not in ("gap", "receipt")]
assert len(items) == 3, "%d objects: %r" % (len(items), a)
receipts = [o for o in a if o.get("status") == "receipt"]
assert len(receipts) == 1 and receipts[0].get("sender") == alice, "receipts: %r" % receipts
by = {o.get("cid"): o for o in items}
for cid, i, kind in ((j1, j1id, "message"), (j2, j2id, "files")):
    o = by.get(cid)
    assert o, "no object for %s" % cid
    assert o["status"] == "delivered" and o["sender"] == alice and o["id"] == i, "%r" % (o,)
    assert o["kind"] == kind, "kind %r" % (o,)
    assert os.path.isdir(o["dir"]) and o["dir"].endswith("/" + alice + "/" + os.path.basename(o["dir"])) \
        and o["dir"].endswith("-" + i), "dir %r" % (o,)
o = by.get(jb)
assert o and o["status"] == "rejected" and o.get("reason"), "rejected: %r" % (o,)
' "$ALICE" "$J1" "$J1ID" "$J2" "$J2ID" "$JB"
[ "$(items "$ABOX" | wc -l)" -eq 1 ] || why="$why no receipt put in MULE/to/ALICE;"
verdict "get --json --receipts: one JSON array, one object per item: two delivered (sender, id, cid, dir, kind), one rejected with a reason; exit 1"

why=""
st 0 ms_b get "$S" -C "$IN" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
s = sorted((o["status"], o["id"]) for o in a if o.get("status") != "gap")
w = sorted([("already-delivered", sys.argv[2]), ("already-delivered", sys.argv[3])])
assert s == w, "%r" % (a,)
' "$J1ID" "$J2ID"
verdict "get --json again: two already-delivered objects, exit 0"

# === a full stick ========================================================================
# full_stick DESC DIR: put 3 MiB fails (exit 2) with no item, at most
# temporaries; the next put removes them and succeeds.
full_stick() {
	fs_desc=$1
	S=$2
	BOX="$S/MULE/to/$BOB"
	why=""
	st 0 ms_a init "$S"
	[ -n "$why" ] && { verdict "$fs_desc: init"; skip "$fs_desc"; skip "$fs_desc"; return; }
	st 2 ms_a put "$S" -r "$BOB" "$SRC/r3m"
	[ -z "$(items "$BOX")" ] || why="$why item files left: $(items "$BOX" | tr '\n' ' ');"
	left=$(ls -A "$BOX" 2>/dev/null | grep -v '^\.mule-.*\.tmp$')
	[ -z "$left" ] || why="$why left: $(echo $left);"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$fs_desc: put of 3 MiB fails with exit 2, no item, at most .mule-*.tmp"
	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	[ -z "$(temps "$BOX")" ] || why="$why still there: $(temps "$BOX");"
	verdict "$fs_desc: the next put succeeds and removes the temporaries"
	why=""
	st 0 ms_b get "$S" -C "$IN"
	[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not one item delivered;"
	verdict "$fs_desc: Bob gets the one item"
}
scenario fullfs
mkdir -p "$T/tmpfs"
if mount -t tmpfs -o size=1m tmpfs "$T/tmpfs" 2>/dev/null; then
	full_stick "a full tmpfs (1 MiB)" "$T/tmpfs"
	umount "$T/tmpfs" 2>/dev/null
else
	for i in 1 2 3; do skip "mount -t tmpfs refused: no full-disk test"; done
fi

HAVE_FAT=""
command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 &&
    [ -c /dev/fuse ] && HAVE_FAT=yes
# fat_mount IMG DIR: mount IMG (made with mkfs.vfat) on DIR with fusefat
fat_mount() { mkdir -p "$2" && fusefat -o rw+ "$1" "$2" >/dev/null 2>&1; }

scenario fullfat
if [ -n "$HAVE_FAT" ] && truncate -s 1M "$T/small.img" &&
    mkfs.vfat "$T/small.img" >/dev/null 2>&1 && fat_mount "$T/small.img" "$T/smallfat"; then
	full_stick "a full FAT stick (1 MiB image)" "$T/smallfat"
	fusermount -u "$T/smallfat" 2>/dev/null
else
	for i in 1 2 3; do skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"; done
fi

# === a real FAT32 stick ====================================================================
scenario fat
FAT="$T/fat"
if [ -n "$HAVE_FAT" ] && truncate -s 40M "$T/fat.img" &&
    mkfs.vfat -F 32 "$T/fat.img" >/dev/null 2>&1 && fat_mount "$T/fat.img" "$FAT"; then
	S=$FAT
	BOX="$S/MULE/to/$BOB"
	why=""
	st 0 ms_a init "$S"
	put_new a "$S" -r "$BOB" "$SRC/report.txt"; F1=$NEW
	put_new a "$S" -r "$BOB" - <"$SRC/msg"; F2=$NEW
	snap "$BOX"
	st 0 ms_a put "$S" -r "$BOB" --split 64K "$SRC/r300k"
	FSP=$(added "$BOX")
	F3=$(printf '%s\n' "$FSP" | head -n 1 | sed 's/\.gpg.*//')
	F3N=$(printf '%s\n' "$FSP" | grep -c .)
	[ "$F3N" -ge 5 ] || why="$why the split item has $F3N parts;"
	[ -z "$(temps "$BOX")" ] || why="$why temporaries left: $(temps "$BOX");"
	verdict "FAT32 (fusefat): init, put a file, stdin and a --split 64K item of 300 KiB"

	why=""
	st 0 ms_a list "$S"
	[ "$(grep -c . "$T/out")" -eq 3 ] || why="$why not three lines;"
	awk -v c="$F3" '$2 == c { print $1, $5 }' "$T/out" | grep -qx "$BOB $F3N" ||
	    why="$why the split item's line is wrong;"
	verdict "FAT32: list shows the three items, the split one with its parts"

	why=""
	fusermount -u "$FAT" 2>/dev/null
	fat_mount "$T/fat.img" "$FAT" || why="$why cannot mount it again;"
	st 0 ms_b get "$S" -C "$IN" --remove
	[ "$(grep -c '^delivered ' "$T/out")" -eq 3 ] || why="$why not three delivered;"
	cmp -s "$SRC/report.txt" "$(find "$IN" -name report.txt | head -n 1)" || why="$why report.txt differs;"
	cmp -s "$SRC/msg" "$(find "$IN" -name message.txt | head -n 1)" || why="$why message.txt differs;"
	cmp -s "$SRC/r300k" "$(find "$IN" -name r300k | head -n 1)" || why="$why r300k differs;"
	verdict "FAT32: unmounted and mounted again, Bob's get delivers all three with the right content"

	why=""
	[ -z "$(ls -A "$BOX" 2>/dev/null)" ] || why="$why MULE/to/BOB holds: $(ls -A "$BOX" | tr '\n' ' ');"
	[ "$(ls -A "$S" | tr '\n' ' ')" = "MULE " ] || why="$why the stick's top holds: $(ls -A "$S" | tr '\n' ' ');"
	verdict "FAT32: --remove empties the folder (every part), nothing outside MULE/"

	why=""
	# Delivered ONTO the FAT file system: fusefat loses what is inside a
	# renamed directory, so the delivery folder is filled file by file.
	mkdir -p "$T/ftree/sub" "$FAT/inbox"
	echo top >"$T/ftree/a.txt" && echo deep >"$T/ftree/sub/b.txt"
	put_new a "$S" -r "$BOB" "$T/ftree"
	st 0 ms_b get "$S" -C "$FAT/inbox"
	d=$(find "$FAT/inbox" -type d -name ftree | head -n 1)
	[ -n "$d" ] && cmp -s "$T/ftree/a.txt" "$d/a.txt" &&
	    cmp -s "$T/ftree/sub/b.txt" "$d/sub/b.txt" || why="$why the tree was not delivered whole;"
	[ -z "$(find "$FAT/inbox" -name '.mule-*')" ] || why="$why a staging directory was left;"
	verdict "FAT32: get -C onto the FAT file system delivers a directory item whole"
	fusermount -u "$FAT" 2>/dev/null
else
	for i in 1 2 3 4 5; do skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"; done
fi

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
grep -q "^delivered $ALICE " "$T/out" || why="$why the good item was not delivered;"
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
grep -q "^delivered $ALICE " "$T/out" || why="$why the good item was not delivered;"
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

# === exit statuses =======================================================================
scenario usage
# usage DESC ARG...: exit 2, nothing on stdout, one error line
usage() {
	u_desc=$1; shift
	why=""
	st 2 ms_b "$@"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$u_desc"
}
usage "no subcommand: exit 2"
usage "an unknown subcommand: exit 2" frobnicate "$S"
usage "put without STICK: exit 2" put
usage "put without ITEM: exit 2" put "$S" -r "$BOB"
usage "list without STICK: exit 2" list
usage "get without STICK: exit 2" get
usage "get without -C: exit 2" get "$S"
usage "an unknown option: exit 2" get "$S" -C "$IN" --no-such-option
why=""
st 0 ms_b --help
grep -q 'mule-stick' "$T/out" || why="$why no usage on stdout;"
verdict "--help exits 0 with usage"
why=""
st 0 ms_b --version
grep -q '^mule-stick (mule) [0-9]' "$T/out" || why="$why '$(head -n 1 "$T/out")';"
verdict "--version exits 0"

done_testing
