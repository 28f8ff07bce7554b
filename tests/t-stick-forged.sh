#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-forged.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh): crafted envelopes (a
# sender who is not the signer, another recipient, a recipient named
# twice), tampered and misnamed items, items for someone else and in
# anyone/.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

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
GNUPGHOME=$T/mallory-home gpg --batch --export --export-options export-minimal \
    "$MALLORY" >"$T/mallory.pgp" 2>/dev/null
craft "$T/tmpl.tar" "$T/mallory-home" "$MALLORY" "id=$MC" "sender=$MALLORY" \
    "recipient=$BOB 1" "file:MULE-CERT.pgp=$T/mallory.pgp"
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
grep -q "^replay from .*($ALICE): item $C1ID: ." "$T/out" || why="$why no 'replay ALICE ID: REASON' line;"
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

done_testing
