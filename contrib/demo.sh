#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# demo.sh - a demonstration round trip in throwaway keyrings: Alice and
# Bob make their keys and exchange them with mule-key, Alice seals a note
# for Bob, Bob opens it, then a tampered copy is refused, and a folder
# travels as a bundle.
# Run from the top of a built tree: sh contrib/demo.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/src:$PATH"
demo=$(mktemp -d "${TMPDIR:-/tmp}/mule-demo.XXXXXX")
A="$demo/alice" B="$demo/bob" stick="$demo/stick"
trap 'gpgconf --homedir "$A" --kill all 2>/dev/null
gpgconf --homedir "$B" --kill all 2>/dev/null; rm -rf "$demo"' EXIT
mkdir -m 700 "$A" "$B"
mkdir "$stick"

# Keys protected by passphrases, as real keys are; the demo gives them by
# file (--passphrase-file), as a cron job would.  At a terminal, leave the
# option out and gpg-agent's pinentry asks.
echo 'alice demo passphrase' >"$demo/alice.pass"
echo 'bob demo passphrase' >"$demo/bob.pass"
echo "== Alice and Bob make their keys, each on a machine of their own"
GNUPGHOME=$A mule-key generate -q --passphrase-file "$demo/alice.pass" \
    'Alice <alice@example.org>' | tee "$demo/alice.card"
GNUPGHOME=$B mule-key generate -q --passphrase-file "$demo/bob.pass" \
    'Bob <bob@example.org>' | tee "$demo/bob.card"

echo "== they carry their certificates on the stick, and each types the"
echo "== words the other reads out (a script gives them with --fingerprint)"
GNUPGHOME=$A mule-key export -o "$stick/alice.asc"
GNUPGHOME=$B mule-key export -o "$stick/bob.asc"
words() {
	awk '/^words/ { sub(/^words +/, ""); w = $0; getline;
	    sub(/^ +/, ""); print w " " $0 }' "$1"
}
GNUPGHOME=$B mule-key import --passphrase-file "$demo/bob.pass" \
    --fingerprint "$(words "$demo/alice.card")" "$stick/alice.asc"
GNUPGHOME=$A mule-key import --passphrase-file "$demo/alice.pass" \
    --fingerprint "$(words "$demo/bob.card")" "$stick/bob.asc"

echo "== Alice seals a note for Bob"
echo 'meet at noon' | GNUPGHOME=$A mule-seal -r bob@example.org \
    --passphrase-file "$demo/alice.pass" -o "$stick/note.asc"
cat "$stick/note.asc"

echo "== Bob opens it"
GNUPGHOME=$B mule-open --passphrase-file "$demo/bob.pass" "$stick/note.asc"

echo "== someone changes one character on the way"
sed '4s/./X/5' "$stick/note.asc" >"$stick/tampered.asc"
# (one time in 64 that character is an X already)
cmp -s "$stick/note.asc" "$stick/tampered.asc" &&
    sed '4s/./Y/5' "$stick/note.asc" >"$stick/tampered.asc"
status=0
GNUPGHOME=$B mule-open --passphrase-file "$demo/bob.pass" \
    "$stick/tampered.asc" || status=$?
echo "mule-open exited $status (1: input rejected); nothing was printed"
[ "$status" -eq 1 ]

echo "== Alice bundles a folder for Bob"
mkdir -p "$demo/reports/2026" "$demo/inbox"
echo 'quarterly figures' >"$demo/reports/2026/q3.txt"
echo 'draft' >"$demo/reports/notes.txt"
(cd "$demo" && GNUPGHOME=$A mule-bundle -r bob@example.org \
    --passphrase-file "$demo/alice.pass" -o "$stick/for-bob.asc" reports)
echo "== Bob lists it (after it is verified), then extracts it"
GNUPGHOME=$B mule-bundle -t --passphrase-file "$demo/bob.pass" \
    "$stick/for-bob.asc"
GNUPGHOME=$B mule-bundle -x --passphrase-file "$demo/bob.pass" \
    -C "$demo/inbox" "$stick/for-bob.asc"
cat "$demo/inbox/reports/2026/q3.txt"
echo "== demo done"
