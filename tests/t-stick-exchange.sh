#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-exchange.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh): init; a full
# exchange both ways with receipts; get twice; an item back after --remove
# (a replay).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

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
GNUPGHOME=$AH gpg --batch --export --export-options export-minimal "$ALICE" \
    >"$T/alice-minimal.pgp" 2>/dev/null
for c in $X1 $X2 $X3; do
	heads=$(plain "$BH" "$BOX/$c.gpg" | tar -tf - 2>/dev/null | head -n 2 | tr '\n' ' ')
	[ "$heads" = "MULE-ENVELOPE MULE-CERT.pgp " ] || why="$why $c: first entries are '$heads';"
	plain "$BH" "$BOX/$c.gpg" | tar -xOf - MULE-CERT.pgp 2>/dev/null |
	    cmp -s - "$T/alice-minimal.pgp" || why="$why $c: MULE-CERT.pgp is not Alice's minimal export;"
done
if [ -n "$X1" ]; then
	GNUPGHOME=$BH gpg -q --batch -d "$BOX/$X1.gpg" 2>/dev/null |
	    (mkdir -p "$T/plainx" && cd "$T/plainx" && tar -xf -)
	cmp -s "$SRC/report.txt" "$T/plainx/report.txt" ||
	    why="$why gpg -d ITEM | tar -x does not give report.txt;"
fi
verdict "MULE-ENVELOPE is the first entry, Alice's minimal certificate MULE-CERT.pgp the second; plain gpg -d ITEM | tar -x works"

why=""
now=$(date +%s)
seq=1
XIDS=""
for c in $X1 $X2 $X3; do
	env_of "$BH" "$BOX/$c.gpg" >"$T/env"
	e_ver=$(field mule-envelope <"$T/env")
	e_cert=$(field cert <"$T/env")
	e_id=$(field id <"$T/env")
	e_kind=$(field kind <"$T/env")
	e_sender=$(field sender <"$T/env")
	e_rcpt=$(field recipient <"$T/env")
	e_created=$(field created <"$T/env")
	case $seq in 3) k=message ;; *) k=files ;; esac
	[ "$e_ver" = 2 ] || why="$why $c: mule-envelope '$e_ver';"
	[ "$e_cert" = MULE-CERT.pgp ] || why="$why $c: cert '$e_cert';"
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
verdict "the envelopes: version 2, cert MULE-CERT.pgp, random IDs, kinds files/files/message, sender Alice, recipient 'BOB 1..3', created now"

why=""
st 0 ms_b get "$S" -C "$IN" --receipts
[ "$(delivered_ids "$ALICE" | tr '\n' ' ')" = "$(printf '%s\n' $XIDS | sort | tr '\n' ' ')" ] ||
    why="$why delivered IDs are not the three envelope IDs;"
grep -v '^delivered ' "$T/out" | grep -qvE "^receipt to .*\($ALICE\): for [0-9]+ items?, item [0-9a-f]{32}\$" &&
    why="$why other lines on stdout;"
[ "$(grep -c '^receipt ' "$T/out")" -eq 1 ] || why="$why not one receipt line;"
verdict "Bob's get -C inbox --receipts: one 'delivered ALICE ID DIR' line per item, one 'receipt ALICE ID', exit 0"

why=""
for i in $XIDS; do
	d=$(dir_of "$IN" "$ALICE" "$i")
	[ "$(printf '%s\n' "$d" | grep -c .)" -eq 1 ] || { why="$why ID $i: folders '$d';"; continue; }
	printf '%s\n' "${d##*/}" | grep -qE "^[0-9]+-$i\$" || why="$why folder name ${d##*/};"
	printed=$(awk -v i="$i" '$1 == "delivered" && $NF ~ ("-" i "$") { print $NF }' "$T/out")
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
	GNUPGHOME=$BH gpg --batch --export --export-options export-minimal "$BOB" \
	    >"$T/bob-minimal.pgp" 2>/dev/null
	plain "$AH" "$ABOX/$RC" | tar -xOf - MULE-CERT.pgp 2>/dev/null |
	    cmp -s - "$T/bob-minimal.pgp" || why="$why it does not carry Bob's certificate;"
fi
verdict "--receipts: one signed receipt item (kind receipt, Bob to 'ALICE 1', with Bob's certificate) in MULE/to/ALICE"

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
	grep -qx "already-delivered from .*($ALICE): item $i" "$T/out" ||
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
grep -qx "already-delivered from .*($ALICE): item $XI1" "$T/out" || why="$why no already-delivered line;"
verdict "get --remove deletes already-delivered items from the stick"

why=""
cp "$T/x1.copy" "$BOX/$X1.gpg"
tree "$IN" >"$T/tree.before"
st 1 ms_b get "$S" -C "$IN"
grep -q "^replay from .*($ALICE): item $XI1: ." "$T/out" || why="$why no 'replay ALICE ID: REASON' line;"
grep -q '^delivered ' "$T/out" && why="$why delivered again;"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "the removed item put back on the stick: replay, exit 1, inbox unchanged"

done_testing
