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

# fresh_bob: Bob's home as it was before the cases.
fresh_bob() {
	gpgconf --homedir "$BH" --kill all >/dev/null 2>&1
	rm -rf "$BH" && cp -R "$T/bob-base" "$BH"
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

done_testing
