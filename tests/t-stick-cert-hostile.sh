#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-cert-hostile.sh - the sender's certificate that every item
# carries, made hostile by a sender Bob certified: Mallory, who holds her
# own secret key and so can self-sign anything onto her certificate
# (tests/cert-forge.py makes the self-signatures).  Each case is an item
# signed and sealed by Mallory for Bob whose MULE-CERT.pgp is crafted;
# Bob's get runs on a fresh copy of his home, so the cases do not meet.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
scenario hostile
forge() { python3 "$srcdir/tests/cert-forge.py" "$@"; }
new_home "$T/empty-home"
MH=$T/mallory-home
MSTATE=$T/state/hostile-mallory
mkdir -p "$T/mallory" "$MSTATE"
ms_m() {
	with_timeout env GNUPGHOME="$MH" HOME="$T/mallory" XDG_STATE_HOME="$MSTATE" \
	    mule-stick "$@"
}
# Mallory's secret key (no passphrase: a test key), her certificate, and
# an item of hers for Bob, decrypted: the template of the crafted ones.
GNUPGHOME=$MH gpg --batch --pinentry-mode loopback --passphrase '' \
    --export-secret-keys "$MALLORY" >"$T/msec.pgp" 2>/dev/null
GNUPGHOME=$MH gpg --batch --export --export-options export-minimal "$MALLORY" \
    >"$T/mcert.pgp" 2>/dev/null
why=""
st 0 ms_m put "$S" -r "$BOB" "$SRC/msg"
plain "$BH" "$BOX"/*.gpg >"$T/tmpl.tar"
st 0 ms_b get "$S" -C "$IN" --remove
tar -tf "$T/tmpl.tar" | grep -qx MULE-CERT.pgp || why="$why the template has no certificate;"
verdict "control: Mallory's item, as put makes it, is delivered to Bob"
gpgconf --homedir "$BH" --kill all >/dev/null 2>&1
rm -rf "$T/bob-base" && cp -R "$BH" "$T/bob-base" && rm -f "$T/bob-base"/S.*

# fresh_bob: Bob's home as it was before the cases (or as in $BASE).
fresh_bob() {
	gpgconf --homedir "$BH" --kill all >/dev/null 2>&1
	rm -rf "$BH" && cp -R "${BASE:-$T/bob-base}" "$BH"
}
# mallory_item CERT: an item of Mallory's for Bob carrying CERT ($CRAFTED)
SEQ=2
mallory_item() {
	craft "$T/tmpl.tar" "$MH" "$MALLORY" "id=$(newid)" "recipient=$BOB $SEQ" \
	    "file:MULE-CERT.pgp=$1"
	SEQ=$((SEQ + 1))
}
bob_keys() { GNUPGHOME=$BH gpg --batch --with-colons --list-keys 2>/dev/null; }

# refused DESC REASON CERT: Mallory's item with CERT is rejected by Bob's
# get: exit 1, one "rejected CID: ...REASON..." line, nothing delivered,
# moved to MULE/rejected, and Bob's keyring unchanged.
refused() {
	why=""
	fresh_bob
	tree "$IN" >"$T/tree.before"
	bob_keys >"$T/keys.before"
	mallory_item "$3"
	st 1 ms_b get "$S" -C "$IN" --remove
	[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q "^rejected $CRAFTED: .*$2" "$T/out" ||
	    why="$why not one 'rejected CID: ...$2...' line;"
	tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
	bob_keys | cmp -s - "$T/keys.before" || why="$why Bob's keyring changed;"
	[ -e "$BOX/$CRAFTED.gpg" ] && why="$why still in MULE/to/BOB;"
	verdict "$1"
	rm -f "$BOX/$CRAFTED.gpg"
}

# === keys whose signatures take long to check ==================================
# gpg checks the back-signature of a signing subkey each time it lists
# the key, with the subkey's public exponent: one of 16384 bits over a
# 16384-bit modulus costs about 2 s of CPU, and a certificate of 64 KiB
# holds nine of them: 20 s for every later listing of Mallory's key.
# Such keys are refused: an RSA exponent of more than 64 bits (OpenSSL's
# bound for keys over 3072 bits), a DSA key of more than 3072 bits.
forge rsa-sign "$T/msec.pgp" "$T/mcert.pgp" 3072 2048 1 >"$T/rsa-e.pgp"
refused "a signing subkey whose RSA public exponent has 2048 bits: rejected" \
    "public exponent of 2048 bits" "$T/rsa-e.pgp"
forge dsa "$T/msec.pgp" "$T/mcert.pgp" 4096 >"$T/dsa.pgp"
refused "a DSA subkey of 4096 bits: rejected" "DSA of 4096 bits" "$T/dsa.pgp"

# Merges only add: item after item, a key could grow without end, and
# gpg checks every signing subkey's back-signature at each listing.  A
# merge may not make the key hold more subkeys or user IDs than one
# certificate may (100 of each).
forge subkeys "$T/msec.pgp" "$T/mcert.pgp" 60 >"$T/m-60a.pgp"
forge subkeys "$T/msec.pgp" "$T/mcert.pgp" 60 >"$T/m-60b.pgp"
why=""
fresh_bob
mallory_item "$T/m-60a.pgp"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "updated from its item: 60 new subkeys" "$T/err" || why="$why not merged;"
verdict "an item of Mallory's with 60 new subkeys: merged"
gpgconf --homedir "$BH" --kill all >/dev/null 2>&1
cp -R "$BH" "$T/bob-60" && rm -f "$T/bob-60"/S.*
BASE=$T/bob-60 refused "... another with 60 more: rejected (the key would hold 121 subkeys)" \
    "would hold 121 subkeys (at most 100)" "$T/m-60b.pgp"

# === what gpg's merge and the update rules must keep out ========================
# (These held when the code was reviewed; here so that they go on holding
# on the stick's path.)
kcraft() { python3 "$srcdir/tests/key-craft.py" "$@"; }
GNUPGHOME=$AH gpg --batch --export "$ALICE" >"$T/acert.pgp" 2>/dev/null
GNUPGHOME=$BH gpg --batch --export "$BOB" >"$T/bcert.pgp" 2>/dev/null
# Another key's (sub)key bound by Mallory: gpg would find the wrong key by
# its fingerprint.
forge bind "$T/msec.pgp" "$T/mcert.pgp" "$T/acert.pgp" 0c sub:1 >"$T/m-asub.pgp"
refused "Alice's encryption subkey, bound by Mallory: rejected" \
    "the key has a (sub)key of key $ALICE" "$T/m-asub.pgp"
forge bind "$T/msec.pgp" "$T/mcert.pgp" "$T/bcert.pgp" 02 >"$T/m-bob.pgp"
refused "Bob's own primary key as a signing subkey of Mallory's (no back-signature): rejected" \
    "the key has a (sub)key of key $BOB" "$T/m-bob.pgp"
# A user ID naming an accepted person, or Bob himself.
n=0
for u in 'Alice <alice@example.org>' 'Mo <ALICE@Example.ORG>' 'alice@example.org' \
    'Bob <bob@example.org>'; do
	n=$((n + 1))
	forge uid "$T/msec.pgp" "$T/mcert.pgp" "$u" >"$T/m-name$n.pgp"
	refused "a new user ID '$u', which names an accepted person: rejected" \
	    "names the person of accepted key" "$T/m-name$n.pgp"
done
# What gpg would take but a certificate never holds.
kcraft packet 12 'trusted' >"$T/trust.pkt"
kcraft insert "$T/mcert.pgp" 2 "$T/trust.pkt" >"$T/m-trust.pgp"
refused "a trust packet in the certificate: rejected" "a trust packet" "$T/m-trust.pgp"
refused "Mallory's secret key as her certificate: rejected" "a secret key" "$T/msec.pgp"

# A certification of Mallory's new user ID by Alice, whom Bob trusts to
# certify (ownertrust full): gpg would make the user ID valid, but the
# merge takes the key's own signatures only.
forge uid "$T/msec.pgp" "$T/mcert.pgp" 'Zed <zed@example.org>' >"$T/m-zed.pgp"
AC=$T/alice-certifies
new_home "$AC"
cp -R "$AH/." "$AC/" && rm -f "$AC"/S.*
GNUPGHOME=$AC gpg --batch -q --import "$T/m-zed.pgp" 2>/dev/null
GNUPGHOME=$AC gpg --batch -q --pinentry-mode loopback --passphrase '' \
    --quick-sign-key "$MALLORY" 'Zed <zed@example.org>' >/dev/null 2>&1
GNUPGHOME=$AC gpg --batch --export "$MALLORY" >"$T/m-zed-alice.pgp" 2>/dev/null
why=""
fresh_bob
printf '%s:4:\n' "$ALICE" | GNUPGHOME=$BH gpg --batch --import-ownertrust 2>/dev/null
[ "$(GNUPGHOME=$T/empty-home gpg --batch --list-packets "$T/m-zed-alice.pgp" 2>/dev/null |
    grep -c "keyid $(printf '%s' "$ALICE" | cut -c25-40)")" -ge 1 ] ||
    why="$why the certificate lacks Alice's certification;"
mallory_item "$T/m-zed-alice.pgp"
st 0 ms_b get "$S" -C "$IN" --remove
v=$(GNUPGHOME=$BH gpg --batch --with-colons --list-keys -- "$MALLORY" 2>/dev/null |
    awk -F: '$1 == "uid" && $10 ~ /zed@/ { print $2 }')
[ -n "$v" ] && [ "$v" != f ] && [ "$v" != u ] && [ "$v" != m ] || why="$why its validity is '$v';"
verdict "a new user ID certified by Alice, whom Bob trusts fully: merged without her certification, not valid"

# An old certificate takes nothing back: Mallory's key expires and her
# subkey is revoked; an item with her certificate from before changes
# neither.
forge expire "$T/msec.pgp" "$T/mcert.pgp" 315360000 >"$T/m-exp.pgp"
forge revsub "$T/msec.pgp" "$T/m-exp.pgp" 1 >"$T/m-exp-rev.pgp"
why=""
fresh_bob
mallory_item "$T/m-exp-rev.pgp"
st 0 ms_b get "$S" -C "$IN" --remove
bob_keys >"$T/keys.after"
mallory_item "$T/mcert.pgp"
st 0 ms_b get "$S" -C "$IN" --remove
k=$(GNUPGHOME=$BH gpg --batch --with-colons --list-keys -- "$MALLORY" 2>/dev/null)
[ -n "$(printf '%s\n' "$k" | awk -F: '$1 == "pub" { print $7 }')" ] || why="$why no expiry;"
[ "$(printf '%s\n' "$k" | awk -F: '$1 == "sub" { print $2 }')" = r ] || why="$why the subkey is not revoked;"
bob_keys | cmp -s - "$T/keys.after" || why="$why the keyring changed;"
verdict "Mallory's expiry and subkey revocation, merged, stay when an item carries her older certificate"

# === user IDs ===================================================================
# uid_validity UID: gpg's validity of user ID UID of Mallory's key for Bob
uid_validity() {
	GNUPGHOME=$BH gpg --batch --with-colons --list-keys -- "$MALLORY" 2>/dev/null |
	    awk -F: -v u="$1" '$1 == "uid" && $10 == u { print $2 }'
}
mk_b() {
	with_timeout env GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
	    mule-key "$@"
}
# A user ID naming Carol, whom Bob has not accepted yet: nothing refuses
# it, and it arrives uncertified.  A later mule-key import of Mallory's
# certificate must not certify it unless that file carries it (and says
# so): it was never on a file Bob imported, and once certified, Bob's
# items for carol@example.org are sealed to Mallory.
forge uid "$T/msec.pgp" "$T/mcert.pgp" 'Carol <carol@example.org>' >"$T/m-carol.pgp"
why=""
fresh_bob
mallory_item "$T/m-carol.pgp"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "updated from its item: 0 new subkeys, 1 new user ID (not certified" "$T/err" ||
    why="$why no note of the new user ID;"
v=$(uid_validity 'Carol <carol@example.org>')
[ -n "$v" ] && [ "$v" != f ] && [ "$v" != u ] || why="$why its validity is '$v';"
verdict "a user ID naming a person Bob has not accepted yet rides Mallory's item: merged, uncertified"
why=""
st 0 mk_b import "$T/mallory.asc"
v=$(uid_validity 'Carol <carol@example.org>')
[ "$v" != f ] && [ "$v" != u ] || why="$why certified: '$v';"
grep -q "updated: 0 new user IDs" "$T/err" || why="$why not '0 new user IDs';"
st 2 ms_b put "$S" -r carol@example.org "$SRC/msg"
grep -q "recipient 'carol@example.org': key $MALLORY is not certified" "$T/err" ||
    why="$why put -r carol@example.org did not refuse Mallory's key;"
verdict "... mule-key import of a certificate of Mallory's without it does not certify it: put -r carol@example.org refuses her key"
why=""
GNUPGHOME=$BH gpg --batch --armor --export "$MALLORY" >"$T/m-now.asc" 2>/dev/null
st 0 mk_b import "$T/m-now.asc"
grep -q "key $MALLORY updated: 1 new user ID" "$T/err" || why="$why not '1 new user ID';"
verdict "... one that carries it certifies it (the update rules of mule-key import), and says 1 new user ID"

# === the same on a FAT stick ==================================================
if fat_scenario hostile-fat; then
	fresh_bob
	ms_m put "$S" -r "$BOB" "$SRC/msg" >/dev/null 2>&1
	ms_b get "$S" -C "$IN" --remove >/dev/null 2>&1
	refused "on a FAT stick: a subkey whose RSA public exponent has 2048 bits: rejected" \
	    "public exponent of 2048 bits" "$T/rsa-e.pgp"
	refused "on a FAT stick: a new user ID naming Alice: rejected" \
	    "names the person of accepted key $ALICE" "$T/m-name1.pgp"
	fat_done
else
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
fi

done_testing
