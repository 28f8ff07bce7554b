#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-qr decode --armor: a payload whose first packet is a public key
# (tag 6, with an old- or a new-format header) comes back as a "PGP
# PUBLIC KEY BLOCK" that gpg imports; anything else as a "PGP MESSAGE".
# The key round trip is the one the issue names: mule-key export, mule-qr
# encode --text, mule-qr decode --text --armor, gpg --import.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/qr-lib.sh"

ALICE=$(foreign_key alice 'Alice <alice@example.org>')
[ -n "$ALICE" ] || { echo "Bail out! cannot make Alice's key"; exit 99; }
AH="$T/alice-home"

# imports FILE: a fresh home's gpg imports FILE as Alice's key.
imports() {
	im_home="$T/import-$$-$(date +%s%N)"
	new_home "$im_home"
	GNUPGHOME=$im_home gpg --batch --import "$1" >/dev/null 2>&1 &&
	    GNUPGHOME=$im_home gpg --with-colons --list-keys 2>/dev/null |
	    awk -F: '/^fpr/ { print $10; exit }' | grep -qx "$ALICE"
}
# block FILE KIND: FILE is one armoured block of KIND.
block() {
	[ "$(sed -n 1p "$1")" = "-----BEGIN PGP $2-----" ] &&
	    [ "$(sed -n '$p' "$1")" = "-----END PGP $2-----" ] &&
	    [ "$(grep -c '^-----' "$1")" -eq 2 ]
}

GNUPGHOME=$AH mule-key export --binary -o "$T/alice.bin" "$ALICE" 2>"$T/err" ||
    { sed 's/^/# /' "$T/err"; echo "Bail out! mule-key export failed"; exit 99; }
GNUPGHOME=$AH mule-key export -o "$T/alice-export.asc" "$ALICE" 2>/dev/null
first=$(od -An -tx1 -N1 "$T/alice.bin" | tr -d ' ')
case $first in
98|99|9a|9b) ok "mule-key export --binary starts with an old-format key packet" ;;
*) not_ok "mule-key export --binary starts with an old-format key packet (not $first)" ;;
esac

# The issue's round trip: the armoured export, as UR text, armoured again.
why=""
mule-qr encode -q --text "$T/alice-export.asc" >"$T/key.txt" || why=" encode failed;"
mule-qr decode -q --text --armor <"$T/key.txt" >"$T/key.asc" 2>"$T/err" ||
    why="$why decode failed;"
block "$T/key.asc" "PUBLIC KEY BLOCK" || why="$why not a public key block;"
imports "$T/key.asc" || why="$why gpg does not import it;"
verdict "mule-key export | encode --text | decode --text --armor: a key block gpg imports"

# The binary export through PNG frames (old-format header).
rm -rf "$T/frames"
why=""
mule-qr encode -q -o "$T/frames" "$T/alice.bin" || why=" encode failed;"
mule-qr decode -q --armor -o "$T/frames.asc" "$T/frames" 2>"$T/err" ||
    why="$why decode failed;"
block "$T/frames.asc" "PUBLIC KEY BLOCK" || why="$why not a public key block;"
imports "$T/frames.asc" || why="$why gpg does not import it;"
verdict "a binary key through PNG frames: a key block gpg imports"

# The same packets with new-format headers (key-craft.py writes them).
"$PYTHON" "$srcdir/tests/key-craft.py" cat "$T/alice.bin" >"$T/alice-new.bin"
why=""
[ "$(od -An -tx1 -N1 "$T/alice-new.bin" | tr -d ' ')" = c6 ] ||
    why=" not a new-format header;"
mule-qr encode -q --text "$T/alice-new.bin" | mule-qr decode -q --text --armor \
    >"$T/new.asc" || why="$why round trip failed;"
block "$T/new.asc" "PUBLIC KEY BLOCK" || why="$why not a public key block;"
imports "$T/new.asc" || why="$why gpg does not import it;"
verdict "a key with a new-format header: a key block gpg imports"

# Anything else is a message.
bytes 300 1 "$T/random"
"$PYTHON" "$srcdir/tests/key-craft.py" packet 13 'Alice <alice@example.org>' >"$T/uid"
"$PYTHON" "$srcdir/tests/key-craft.py" packet 5 'not a secret key' >"$T/secret"
"$PYTHON" "$srcdir/tests/key-craft.py" packet 14 'not a subkey' >"$T/subkey"
: >"$T/empty"
for f in random uid secret subkey empty; do
	why=""
	mule-qr encode -q --text "$T/$f" | mule-qr decode -q --text --armor \
	    >"$T/$f.asc" || why=" round trip failed;"
	block "$T/$f.asc" MESSAGE || why="$why not a message block;"
	verdict "--armor: $f is a PGP MESSAGE"
done
why=""
mule-qr decode -q --text <"$T/key.txt" >"$T/plain.bin" || why=" decode failed;"
cmp -s "$T/plain.bin" "$T/alice.bin" || why="$why not the binary key;"
verdict "without --armor: the key's packets as they were"

done_testing
