#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-rotate.sh - issue 15: Alice rotates her encryption subkey and
# the update rides the stick.  Alice and Bob accepted each other's keys
# with mule-key import; Bob seals to Alice's old subkey until an item of
# hers (carrying her certificate, envelope version 2) reaches him; then
# to the new one.  Alice's get warns while Bob still seals to the
# retired subkey, and notes which subkey each peer seals to.  The
# scenario runs on a directory and on a FAT32 stick (fusefat).  Items
# crafted with a wrong certificate are refused; a version 1 item is
# still read; an old certificate takes nothing back.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
command -v python3 >/dev/null 2>&1 || {
	echo "1..0 # SKIP python3 not found (stick-craft.py, key-craft.py)"; exit 0; }
umask 022
TZ=UTC
export TZ
kcraft() { python3 "$srcdir/tests/key-craft.py" "$@"; }

# === Alice and Bob accept each other's keys ===============================
alice_and_bob
MALLORY=$(foreign_key mallory 'Mallory <mallory@example.org>')
[ -n "$MALLORY" ] || { echo "Bail out! cannot generate test keys"; exit 99; }
why=""
st 0 with_timeout env GNUPGHOME="$BH" mule-key import -q --fingerprint "$ALICE" "$T/alice.asc"
st 0 with_timeout env GNUPGHOME="$AH" mule-key import -q --fingerprint "$BOB" "$T/bob.asc"
verdict "Alice and Bob accept each other's keys (mule-key import --fingerprint)"
for h in "$AH" "$BH"; do gpgconf --homedir "$h" --kill all >/dev/null 2>&1; rm -f "$h"/S.*; done
BASE_AH=$AH BASE_BH=$BH
mkdir -p "$T/alice" "$T/bob"
SRC="$T/src"
mkdir -p "$SRC"
printf 'quarterly report\n' >"$SRC/report.txt"
new_home "$T/empty-home"

# enc_subkeys HOME FPR: the encryption subkeys of key FPR in HOME, oldest
# first (one fingerprint a line).
enc_subkeys() {
	GNUPGHOME=$1 gpg --batch --with-colons --list-keys -- "$2" 2>/dev/null |
	    awk -F: '$1 == "sub" { e = ($12 ~ /e/) ; next }
	        $1 == "fpr" && e { print $10; e = 0 }'
}
# sealed_to ITEM: the key IDs an item is encrypted to, as gpg lists them.
sealed_to() {
	GNUPGHOME=$T/empty-home gpg --batch --list-packets "$1" 2>/dev/null |
	    sed -n 's/^:pubkey enc packet:.* keyid \([0-9A-F]*\).*/\1/p'
}
keyid() { printf '%s\n' "$1" | cut -c25-40; }
# newest ITEM-DIR: the newest item file of a folder
only_item() { items "$1" | tail -n 1; }
# used FILE: the "PEER SUBKEY" pairs of a subkeys-used file, sorted
used() { awk '{ print $1, $2 }' "$1" 2>/dev/null | sort; }

# === the rotation, the update on the stick =================================
# rotation NAME STICK: the scenario on the (initialised) stick STICK, with
# fresh copies of the two homes.  Each verdict's name starts with NAME.
# mk_a: Alice's mule-key (in the home $MK_HOME if set).  secret_of HOME FPR: "+" if the secret of the
# subkey FPR is there, "#" if not.
MK_HOME=
mk_a() {
	with_timeout env GNUPGHOME="${MK_HOME:-$AH}" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-key "$@"
}
secret_of() {
	GNUPGHOME=$1 gpg --batch --with-colons --list-secret-keys 2>/dev/null |
	    awk -F: -v f="$2" '/^(sec|ssb)/ { s = $15 } /^fpr/ && $10 == f {
		print (s == "#" ? "#" : "+"); exit }'
}
rotation() {
	rn=$1
	S=$2
	AH="$T/$rn-alice-home" BH="$T/$rn-bob-home"
	new_home "$AH"
	new_home "$BH"
	cp -R "$BASE_AH/." "$AH/" && cp -R "$BASE_BH/." "$BH/"
	ASTATE="$T/state/$rn-alice" BSTATE="$T/state/$rn-bob"
	IN="$T/in/$rn-bob" AIN="$T/in/$rn-alice"
	BOX="$S/MULE/to/$BOB" ABOX="$S/MULE/to/$ALICE"
	mkdir -p "$ASTATE" "$BSTATE" "$IN" "$AIN"
	why=""
	st 0 ms_a init "$S"
	OLD=$(enc_subkeys "$AH" "$ALICE")
	[ "$(printf '%s\n' "$OLD" | grep -c .)" -eq 1 ] || why="$why Alice has subkeys '$OLD';"
	GNUPGHOME=$AH gpg --batch --export --export-options export-minimal \
	    "$ALICE" >"$T/$rn-alice-old.pgp" 2>/dev/null
	GNUPGHOME=$AH mule-key rotate -q --force >"$T/$rn-rotate" 2>&1 ||
	    why="$why mule-key rotate failed: $(cat "$T/$rn-rotate");"
	NEW=$(enc_subkeys "$AH" "$ALICE" | grep -vx "$OLD")
	[ "$(printf '%s\n' "$NEW" | grep -c .)" -eq 1 ] || why="$why no one new subkey: '$NEW';"
	verdict "$rn: Alice rotates her encryption subkey (mule-key rotate --force)"

	# Bob has not had the update: he seals to the old subkey.
	why=""
	printf 'sealed to the old one\n' >"$T/$rn-y0"
	st 0 ms_b put "$S" -r "$ALICE" - <"$T/$rn-y0"
	Y0=$(only_item "$ABOX")
	Y0ID=$(env_of "$AH" "$ABOX/$Y0" | field id)
	[ "$(sealed_to "$ABOX/$Y0")" = "$(keyid "$OLD")" ] ||
	    why="$why sealed to '$(sealed_to "$ABOX/$Y0")', not the old subkey $(keyid "$OLD");"
	verdict "$rn: control: Bob, without the update, seals to Alice's old subkey"
	cp "$ABOX/$Y0" "$T/$rn-y0.gpg"

	why=""
	st 0 ms_a get "$S" -C "$AIN" --json --remove
	grep -q '"status": "delivered"' "$T/out" || why="$why not delivered;"
	grep -q "\"retired_subkey\": \"$OLD\"" "$T/out" || why="$why no retired_subkey field;"
	[ "$(grep -c "warning: \"Bob <bob@example.org>\" ($BOB) still seals to your retired subkey $OLD" "$T/err")" -eq 1 ] ||
	    why="$why not one warning 'BOB still seals to your retired subkey OLD';"
	[ "$(used "$ASTATE/mule/subkeys-used")" = "$BOB $OLD" ] ||
	    why="$why subkeys-used: '$(cat "$ASTATE/mule/subkeys-used" 2>/dev/null)';"
	cmp -s "$T/$rn-y0" "$(dir_of "$AIN" "$BOB" "$Y0ID")/message.txt" 2>/dev/null ||
	    why="$why the message differs;"
	verdict "$rn: Alice's get delivers it, warns once that Bob still seals to her retired subkey (--json: retired_subkey), notes 'BOB OLD' in subkeys-used"

	# Prune (issue 15) from what get noted: Bob still seals to the old
	# subkey, so its secret stays.
	why=""
	st 2 mk_a prune --grace 0
	grep -q "kept the secret of subkey $OLD: .*($BOB) has sent nothing sealed to a newer subkey" \
	    "$T/err" || why="$why not said why: $(cat "$T/err");"
	[ "$(secret_of "$AH" "$OLD")" = + ] || why="$why the old secret is gone;"
	verdict "$rn: mule-key prune refuses while Bob, as get noted, still seals to the old subkey"

	# Alice's next item carries her new certificate.
	why=""
	st 0 ms_a put "$S" -r "$BOB" "$SRC/report.txt"
	X1=$(only_item "$BOX")
	cp "$BOX/$X1" "$T/$rn-x1.gpg"
	plain "$BH" "$BOX/$X1" | tar -xOf - MULE-CERT.pgp >"$T/$rn-cert.pgp" 2>/dev/null
	GNUPGHOME=$T/empty-home gpg --batch --with-colons --import-options show-only \
	    --import "$T/$rn-cert.pgp" 2>/dev/null | grep -q "^fpr:*$NEW:" ||
	    why="$why its MULE-CERT.pgp lacks the new subkey;"
	verdict "$rn: Alice puts an item for Bob: it carries her certificate with the new subkey"

	why=""
	st 0 ms_b get "$S" -C "$IN" --receipts --remove
	[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not one item delivered;"
	enc_subkeys "$BH" "$ALICE" | grep -qx "$NEW" || why="$why Bob's keyring lacks the new subkey;"
	GNUPGHOME=$BH gpg --batch --with-colons --list-keys "$ALICE" 2>/dev/null |
	    awk -F: '$1 == "uid" && $2 == "f" { f = 1 } END { exit !f }' ||
	    why="$why Alice's key is no longer valid for Bob;"
	grep -q "key \"Alice <alice@example.org>\" ($ALICE) updated from its item: 1 new subkey" "$T/err" ||
	    why="$why no note of the update;"
	grep -q 'still seals' "$T/err" && why="$why a warning about retired subkeys;"
	verdict "$rn: Bob's get merges Alice's new subkey (gpg --list-keys), her key still valid"

	why=""
	R1=$(only_item "$ABOX")
	GNUPGHOME=$BH gpg --batch --export --export-options export-minimal "$BOB" \
	    >"$T/$rn-bob.pgp" 2>/dev/null
	[ -n "$R1" ] && [ "$(env_of "$AH" "$ABOX/$R1" | field kind)" = receipt ] ||
	    why="$why no receipt for Alice;"
	plain "$AH" "$ABOX/$R1" | tar -xOf - MULE-CERT.pgp 2>/dev/null |
	    cmp -s - "$T/$rn-bob.pgp" || why="$why the receipt does not carry Bob's certificate;"
	[ "$(sealed_to "$ABOX/$R1")" = "$(keyid "$NEW")" ] ||
	    why="$why the receipt is sealed to '$(sealed_to "$ABOX/$R1")';"
	verdict "$rn: Bob's receipt carries his certificate, and is sealed to Alice's new subkey"

	why=""
	printf 'sealed to the new one\n' >"$T/$rn-y1"
	snap "$ABOX"
	st 0 ms_b put "$S" -r "$ALICE" - <"$T/$rn-y1"
	Y1=$(added "$ABOX")
	[ "$(sealed_to "$ABOX/$Y1")" = "$(keyid "$NEW")" ] ||
	    why="$why sealed to '$(sealed_to "$ABOX/$Y1")', not the new subkey $(keyid "$NEW");"
	verdict "$rn: Bob's next item for Alice is sealed to her new subkey (gpg --list-packets)"

	why=""
	st 0 ms_a get "$S" -C "$AIN" --remove
	[ "$(grep -c '^delivered ' "$T/out")" -eq 2 ] || why="$why not the receipt and the item delivered;"
	grep -q 'still seals' "$T/err" && why="$why warned: $(cat "$T/err");"
	[ "$(used "$ASTATE/mule/subkeys-used")" = "$(printf '%s\n' "$BOB $OLD" "$BOB $NEW" | sort)" ] ||
	    why="$why subkeys-used: '$(cat "$ASTATE/mule/subkeys-used" 2>/dev/null)';"
	awk -v now="$(date +%s)" 'NF != 3 || $3 > now || now - $3 > 600 { bad = 1 }
	    END { exit bad }' "$ASTATE/mule/subkeys-used" || why="$why a line with a wrong time;"
	verdict "$rn: Alice's get takes in both, warns nothing, and subkeys-used has 'BOB OLD' and 'BOB NEW' lines with their times"

	# Bob seals to the new subkey now: prune destroys the old secret; the
	# item sealed to it no longer opens.  (In a copy of Alice's home: the
	# tests below still need the old secret.)
	why=""
	AP="$T/$rn-alice-pruned"
	new_home "$AP"
	cp -R "$AH/." "$AP/"
	MK_HOME=$AP
	st 0 mk_a prune --grace 0
	MK_HOME=
	grep -q "destroyed the secret of subkey $OLD" "$T/err" || why="$why not listed;"
	[ "$(secret_of "$AP" "$OLD")" = '#' ] || why="$why the old secret is still there;"
	[ "$(secret_of "$AP" "$NEW")" = + ] || why="$why the new secret is gone;"
	verdict "$rn: once Bob seals to the new subkey, prune destroys the old secret only"
	why=""
	with_timeout env GNUPGHOME="$AP" mule-open -o "$T/$rn-y0.out" "$T/$rn-y0.gpg" \
	    >/dev/null 2>"$T/err"
	[ $? -eq 1 ] || why="$why not exit 1;"
	one_error_of mule-open "$T/err" || why="$why not one error line;"
	grep -q "sealed to your subkey $OLD, whose secret is not here" "$T/err" ||
	    why="$why not said: $(cat "$T/err");"
	[ -e "$T/$rn-y0.out" ] && why="$why output written;"
	verdict "$rn: the item sealed to the pruned subkey is refused with one line"
}

S0="$T/sticks/dir"
mkdir -p "$S0"
rotation dir "$S0"

# With hidden recipients the item names no key ID: gpg still says which
# subkey decrypted it.  Bob's keyring from before the update seals to the
# old subkey.
why=""
printf 'hidden, to the old one\n' >"$T/hidden"
with_timeout env GNUPGHOME="$BASE_BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
    mule-stick put "$S" -r "$ALICE" --hide-recipients - <"$T/hidden" >"$T/out" 2>"$T/err" ||
    why="$why put failed;"
H=$(only_item "$S/MULE/to/anyone")
[ "$(sealed_to "$S/MULE/to/anyone/$H")" = 0000000000000000 ] || why="$why not hidden;"
st 0 ms_a get "$S" -C "$AIN" --remove
[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not delivered;"
grep -q "warning: \"Bob <bob@example.org>\" ($BOB) still seals to your retired subkey $OLD" "$T/err" ||
    why="$why no warning;"
verdict "an item with hidden recipients sealed to the old subkey: Alice's get still tells the subkey, and warns"

# === items whose certificate is wrong ======================================
# Bob has Alice's new subkey now; the crafted items are signed and sealed
# by Alice, so that only their certificate is wrong.
plain "$BH" "$T/dir-x1.gpg" >"$T/tmpl.tar" 2>/dev/null
GNUPGHOME=$AH gpg --batch --export --export-options export-minimal "$ALICE" \
    >"$T/alice-now.pgp" 2>/dev/null
GNUPGHOME=$T/mallory-home gpg --batch --export --export-options export-minimal \
    "$MALLORY" >"$T/mallory.pgp" 2>/dev/null
NPK=$(kcraft list "$T/alice-now.pgp" | wc -l)
MSUB=$(kcraft index "$T/mallory.pgp" 14 1)
# Mallory's subkey with Mallory's binding, after Alice's subkeys.
kcraft take "$T/mallory.pgp" "$MSUB" $((MSUB + 1)) >"$T/msub.pkt"
kcraft insert "$T/alice-now.pgp" "$NPK" "$T/msub.pkt" >"$T/bound-by-mallory.pgp"
# Mallory's subkey with a binding of Alice's (issued by her primary key,
# but over another subkey): only gpg can tell.
ASUB=$(kcraft index "$T/alice-now.pgp" 14 1)
kcraft take "$T/mallory.pgp" "$MSUB" >"$T/msub-bare.pkt"
kcraft take "$T/alice-now.pgp" $((ASUB + 1)) >"$T/abind.pkt"
kcraft cat "$T/msub-bare.pkt" "$T/abind.pkt" >"$T/msub-abind.pkt"
kcraft insert "$T/alice-now.pgp" "$NPK" "$T/msub-abind.pkt" >"$T/copied-binding.pgp"
head -c 70000 /dev/urandom >"$T/huge.pgp"
MSUBFPR=$(enc_subkeys "$T/mallory-home" "$MALLORY")

# refused DESC REASON CRAFT-ARG...: an item crafted from the template with
# CRAFT-ARGs, signed by Alice, is rejected by Bob's get: exit 1, one
# "rejected CID: ...REASON..." line and nothing else on stdout, nothing
# on stderr, nothing delivered, Bob's keyring unchanged; moved to
# MULE/rejected, or with STAYS=1 left where it is.
refused() {
	rf_desc=$1 rf_reason=$2
	shift 2
	why=""
	tree "$IN" >"$T/tree.before"
	GNUPGHOME=$BH gpg --batch --with-colons --list-keys >"$T/keys.before" 2>/dev/null
	craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$(newid)" "recipient=$BOB $SEQ" "$@"
	SEQ=$((SEQ + 1))
	st 1 ms_b get "$S" -C "$IN" --remove
	[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q "^rejected $CRAFTED: .*$rf_reason" "$T/out" ||
	    why="$why not one 'rejected CID: ...$rf_reason...' line;"
	[ -s "$T/err" ] && why="$why stderr not empty;"
	tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
	GNUPGHOME=$BH gpg --batch --with-colons --list-keys 2>/dev/null |
	    cmp -s - "$T/keys.before" || why="$why Bob's keyring changed;"
	if [ "${STAYS:-0}" = 1 ]; then
		[ -e "$BOX/$CRAFTED.gpg" ] || why="$why not left in MULE/to/BOB;"
	else
		[ -e "$BOX/$CRAFTED.gpg" ] && why="$why still in MULE/to/BOB;"
		[ -n "$(find "$S/MULE/rejected" -name "$CRAFTED*")" ] ||
		    why="$why not moved to MULE/rejected;"
	fi
	verdict "$rf_desc"
}
SEQ=100
why=""
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$(newid)" "recipient=$BOB $SEQ"
SEQ=$((SEQ + 1))
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not delivered;"
verdict "control: a crafted item with Alice's certificate as it is, signed by Alice, is delivered"

refused "a certificate of another key (Mallory's), in an item signed by Alice: rejected" \
    "of key $MALLORY, not of the sender $ALICE" "file:MULE-CERT.pgp=$T/mallory.pgp"
refused "Alice's certificate with a subkey bound by another key (Mallory's subkey and binding): rejected" \
    "subkey $MSUBFPR is bound by another key" "file:MULE-CERT.pgp=$T/bound-by-mallory.pgp"
refused "Alice's certificate with Mallory's subkey under a binding of Alice's made for another subkey: rejected (gpg drops it)" \
    "subkey $MSUBFPR is not bound to the key by a valid signature" \
    "file:MULE-CERT.pgp=$T/copied-binding.pgp"
why=""
enc_subkeys "$BH" "$ALICE" | grep -qx "$MSUBFPR" && why="$why it has;"
[ -n "$MSUBFPR" ] || why="$why no subkey of Mallory's found;"
verdict "control: Bob's keyring does not have Mallory's subkey on Alice's key"
refused "a certificate that is not one (text): rejected" \
    "the sender's certificate (MULE-CERT.pgp): " "content:MULE-CERT.pgp=not a certificate"
refused "an empty certificate: rejected" "certificate (MULE-CERT.pgp) is empty" \
    "content:MULE-CERT.pgp="
refused "a certificate of 70,000 bytes (over 64 KiB): rejected" "larger than 65536 bytes" \
    "file:MULE-CERT.pgp=$T/huge.pgp"
refused "a version 2 envelope without its certificate entry: rejected" \
    "no certificate (MULE-CERT.pgp)" "drop:MULE-CERT.pgp"
refused "a version 2 envelope without its cert line: rejected" "a field is missing" "cert=-"
refused "a hard link to the certificate entry, which is not delivered: rejected" \
    "a hard link to the sender's certificate" "link:copy.pgp=MULE-CERT.pgp"
STAYS=1 refused "a version 3 envelope: rejected as a newer format, and left on the stick for a newer mule" \
    "newer envelope format (version 3" "mule-envelope=3"
rm -f "$BOX/$CRAFTED.gpg"

# === older items ===========================================================
why=""
OLDID=$(newid)
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$OLDID" "recipient=$BOB $SEQ" "mule-envelope=1" \
    "cert=-" "drop:MULE-CERT.pgp"
SEQ=$((SEQ + 1))
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(delivered_ids "$ALICE")" = "$OLDID" ] || why="$why not delivered;"
d=$(dir_of "$IN" "$ALICE" "$OLDID")
[ "$(ls -A "$d" 2>/dev/null)" = report.txt ] || why="$why it holds: $(ls -A "$d" 2>/dev/null | tr '\n' ' ');"
verdict "a version 1 item (no certificate) is still read and delivered"

why=""
V1ID=$(newid)
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$V1ID" "recipient=$BOB $SEQ" "mule-envelope=1" \
    "cert=-" "content:MULE-CERT.pgp=a file of the user's"
SEQ=$((SEQ + 1))
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(delivered_ids "$ALICE")" = "$V1ID" ] || why="$why not delivered;"
[ "$(cat "$(dir_of "$IN" "$ALICE" "$V1ID")/MULE-CERT.pgp" 2>/dev/null)" = "a file of the user's" ] ||
    why="$why MULE-CERT.pgp not delivered as the user's file;"
verdict "in a version 1 item, a second entry named MULE-CERT.pgp is the user's file, delivered"

why=""
RID=$(newid)
cp "$T/dir-alice-old.pgp" "$T/alice-old.pgp"
craft "$T/tmpl.tar" "$AH" "$ALICE" "id=$RID" "recipient=$BOB $SEQ" \
    "file:MULE-CERT.pgp=$T/alice-old.pgp"
SEQ=$((SEQ + 1))
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(delivered_ids "$ALICE")" = "$RID" ] || why="$why not delivered;"
[ "$(enc_subkeys "$BH" "$ALICE" | tr '\n' ' ')" = "$OLD $NEW " ] ||
    why="$why Bob's keyring has subkeys '$(enc_subkeys "$BH" "$ALICE" | tr '\n' ' ')';"
st 0 ms_b put "$S" -r "$ALICE" "$SRC/report.txt"
[ "$(sealed_to "$ABOX/$(only_item "$ABOX")")" = "$(keyid "$NEW")" ] || why="$why not sealed to the new subkey;"
verdict "an item with Alice's certificate from before the rotation (a replay of it) is delivered and takes nothing away: Bob still seals to the new subkey"

# === a new user ID ==========================================================
# uid_validity HOME FPR UID: gpg's validity of user ID UID of key FPR
uid_validity() {
	GNUPGHOME=$1 gpg --batch --with-colons --list-keys -- "$2" 2>/dev/null |
	    awk -F: -v u="$3" '$1 == "uid" && $10 == u { print $2 }'
}
why=""
GNUPGHOME=$AH gpg --batch --pinentry-mode loopback --passphrase '' \
    --quick-add-uid "$ALICE" 'Alice Two <alice2@example.org>' >/dev/null 2>&1 ||
    why="$why gpg --quick-add-uid failed;"
st 0 ms_a put "$S" -r "$BOB" "$SRC/report.txt"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "key \"Alice <alice@example.org>\" ($ALICE) updated from its item: 0 new subkeys, 1 new user ID (not certified" "$T/err" ||
    why="$why no note of the new user ID;"
v=$(uid_validity "$BH" "$ALICE" 'Alice Two <alice2@example.org>')
[ -n "$v" ] && [ "$v" != f ] && [ "$v" != u ] || why="$why its validity is '$v';"
[ "$(uid_validity "$BH" "$ALICE" 'Alice <alice@example.org>')" = f ] ||
    why="$why the first user ID is no longer valid;"
verdict "a new user ID rides an item: merged, not certified (no passphrase in get), the key still accepted"

why=""
GNUPGHOME=$AH gpg --batch --armor --export --export-options export-minimal "$ALICE" \
    >"$T/alice-two.asc" 2>/dev/null
st 0 with_timeout env GNUPGHOME="$BH" mule-key import -q "$T/alice-two.asc"
[ "$(uid_validity "$BH" "$ALICE" 'Alice Two <alice2@example.org>')" = f ] ||
    why="$why not certified: '$(uid_validity "$BH" "$ALICE" 'Alice Two <alice2@example.org>')';"
verdict "... mule-key import of Alice's export then certifies it"

# === a reader that knows version 1 only ====================================
# MULE_V1_STICK: a mule-stick built from a tree before envelope version 2
# (git archive of that commit, configure, make src/mule-stick).
if [ -n "${MULE_V1_STICK:-}" ] && [ -x "$MULE_V1_STICK" ]; then
	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	tree "$IN" >"$T/tree.before"
	with_timeout env GNUPGHOME="$BH" XDG_STATE_HOME="$BSTATE" "$MULE_V1_STICK" \
	    get "$S" -C "$IN" >"$T/out" 2>"$T/err"
	[ $? -eq 1 ] || why="$why exit status not 1;"
	grep -q "^rejected $NEW: a malformed envelope: not version 1" "$T/out" ||
	    why="$why no 'rejected CID: a malformed envelope: not version 1';"
	tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
	[ -n "$(find "$S/MULE/rejected" -name "$NEW*")" ] || why="$why not moved to MULE/rejected;"
	verdict "a version 1 reader ($MULE_V1_STICK) rejects a version 2 item whole: exit 1, nothing delivered, moved to MULE/rejected"
else
	skip "MULE_V1_STICK (a mule-stick of envelope version 1) not given: the old reader's refusal is only tested at the parser (unit-envelope)"
fi

# === the same rotation on a FAT32 stick ====================================
if command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 &&
    [ -c /dev/fuse ] && truncate -s 40M "$T/fat.img" &&
    mkfs.vfat -F 32 "$T/fat.img" >/dev/null 2>&1 && mkdir -p "$T/fat" &&
    fusefat -o rw+ "$T/fat.img" "$T/fat" >/dev/null 2>&1; then
	rotation fat "$T/fat"
	fusermount -u "$T/fat" 2>/dev/null
else
	for i in 1 2 3 4 5 6 7 8; do
		skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse): the rotation ran on a directory only"
	done
fi

done_testing
