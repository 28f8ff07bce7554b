#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regression tests, each named after the bug it guards against.
. "$srcdir/tests/lib.sh"
setup_keys

echo 'the secret plan' >"$T/plain"
mule-seal -r bob@example.org --binary -o "$T/sealed.gpg" "$T/plain"

# verify-decrypts-nested: gpg's "verify" is its --decrypt; a sealed
# message wrapped in a compressed packet was decrypted by mule-verify
# with the user's own key and released as "verified".
python3 - "$T/sealed.gpg" "$T/wrapped.gpg" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
body = b"\0" + d                      # compression algorithm 0: none
open(sys.argv[2], "wb").write(bytes([0xc8, 255]) + struct.pack(">I", len(body)) + body)
PY
expect_fail "verify-decrypts-nested: mule-verify refuses an encrypted message in a compressed packet" \
    1 mule-verify "$T/wrapped.gpg"
check "... saying it is encrypted, with a hint to mule-open" \
    grep -q 'hint: .*mule-open' "$T/err"
check "... and the plaintext was not released" sh -c '! grep -q "secret plan" "$1"' - "$T/out"
gpg --enarmor <"$T/wrapped.gpg" 2>/dev/null | sed 's/ARMORED FILE/MESSAGE/' >"$T/wrapped.asc"
expect_fail "... armoured too" 1 mule-verify "$T/wrapped.asc"

# signer-file-secret-key: a --signer-file holding a secret key made
# gpg-agent write it into the throwaway home, where it stayed.
gpg --export-secret-keys --armor "$ALICE" >"$T/alice-secret.asc"
gpg --export-secret-keys "$ALICE" >"$T/alice-secret.gpg"
mkdir "$T/tmp"
mule-seal -r bob@example.org -o "$T/note.asc" "$T/plain"
expect_fail "signer-file-secret-key: an armoured secret key as --signer-file is refused" \
    2 env TMPDIR="$T/tmp" mule-open --signer-file "$T/alice-secret.asc" "$T/note.asc"
expect_fail "... a binary one too" \
    2 env TMPDIR="$T/tmp" mule-open --signer-file "$T/alice-secret.gpg" "$T/note.asc"
check "... and nothing is left in TMPDIR" [ -z "$(ls -A "$T/tmp")" ]
mule-sign -o "$T/signed.asc" "$T/plain"
expect_fail "... mule-verify refuses it as well" \
    2 env TMPDIR="$T/tmp" mule-verify --signer-file "$T/alice-secret.asc" "$T/signed.asc"

# armour-kind-unescaped: the kind of an armour block was printed raw, so
# input could send escape sequences to the terminal through stderr.
printf -- '-----BEGIN PGP \033]0;pwned\007X-----\n' >"$T/evil.asc"
expect_fail "armour-kind-unescaped: a strange armour kind is refused" 1 mule-open "$T/evil.asc"
check "... and no escape character reaches stderr" sh -c '! grep -q "$(printf "\033")" "$1"' - "$T/err"
# signer-file-inner-not-signed: what the --signer-file path unwraps must
# be signed data; here it is bare text (gpg --no-literal).
echo 'just text' | gpg -q --batch -e -r "$BOB" --always-trust --no-literal \
    >"$T/nolit.gpg" 2>/dev/null
expect_fail "signer-file-inner-not-signed: bare text inside the encryption is refused" \
    1 mule-open --signer-file "$T/alice.asc" "$T/nolit.gpg"

# status-fd-closed: a --status-fd that is not open printed nothing, and
# a script waiting for status lines got none.
expect_fail "status-fd-closed: mule-verify --status-fd on a closed descriptor is a usage error" \
    2 mule-verify --status-fd 9 "$T/signed.asc"

# manifest-with-output: -o was silently ignored with --manifest.
mkdir "$T/tree" && echo a >"$T/tree/a"
mule-sign --manifest "$T/tree" -o "$T/tree/MANIFEST.asc"
expect_fail "manifest-with-output: -o with --manifest is a usage error" \
    2 mule-verify --manifest "$T/tree" -o "$T/o.txt"
check "... and no output file" [ ! -e "$T/o.txt" ]

# verify-max-size: a small inline-signed message that inflates had no
# limit in mule-verify.
head -c 3000000 /dev/zero | gpg -q --batch -s -u "$ALICE" -z 9 >"$T/bomb.gpg"
expect_fail "verify-max-size: signed content beyond --max-size is refused" \
    1 mule-verify --max-size 1M "$T/bomb.gpg"
run_status 0 mule-verify -q --max-size 3M -o "$T/bomb.out" "$T/bomb.gpg"
check "... and accepted up to the limit" [ "$(wc -c <"$T/bomb.out")" -eq 3000000 ]

# empty-hash-header: "Hash:" with nothing after it was reported as naming
# more than one algorithm.
sed 's/^Hash: .*/Hash:  /' "$T/signed.asc" >"$T/emptyhash.asc"
expect_fail "empty-hash-header: an empty Hash: header is refused" 1 mule-verify "$T/emptyhash.asc"
check "... saying so" grep -q 'empty Hash: header' "$T/err"

# nested-passphrase: data inside the encryption that gpg takes for a
# packet sealed with a passphrase ("assuming IDEA encrypted data": a
# flipped bit can make it so) made gpg ask for one, and mule-open (and
# mule-stick get, stopping every later item) end with exit 2 "cancelled".
# tests/vectors/nest-sed.py builds such a message, validly encrypted.
echo 'nested' | mule-seal -r bob@example.org --binary -o "$T/outer.gpg"
sk=$(gpg --batch -q --show-session-key -d "$T/outer.gpg" 2>&1 >/dev/null |
    sed -n "s/^gpg: session key: '\(.*\)'\$/\1/p")
if command -v openssl >/dev/null 2>&1 &&
    python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
    "$T/nest.gpg" 2>/dev/null; then
	expect_fail "nested-passphrase: a passphrase asked for inside the encryption is a rejection" \
	    1 with_timeout mule-open -o /dev/null "$T/nest.gpg"
else
	skip "nested-passphrase: no openssl to build the vector"
fi
done_testing
