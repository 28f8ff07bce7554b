#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# demo.sh - a demonstration round trip in a throwaway keyring: Alice seals
# a note for Bob, Bob opens it, then a tampered copy is refused.
# Run from the top of a built tree: sh contrib/demo.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/src:$PATH"
GNUPGHOME=$(mktemp -d "${TMPDIR:-/tmp}/mule-demo.XXXXXX")
export GNUPGHOME
trap 'gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null; rm -rf "$GNUPGHOME"' EXIT
chmod 700 "$GNUPGHOME"

# Keys protected by passphrases, as real keys are; the demo gives them by
# file (--passphrase-file), as a cron job would.  At a terminal, leave the
# option out and gpg-agent's pinentry asks.
echo 'alice demo passphrase' >"$GNUPGHOME/alice.pass"
echo 'bob demo passphrase' >"$GNUPGHOME/bob.pass"
for who in Alice Bob; do
	lc=$(echo "$who" | tr 'A-Z' 'a-z')
	gpg --batch --pinentry-mode loopback \
	    --passphrase-file "$GNUPGHOME/$lc.pass" --quick-gen-key \
	    "$who <$lc@example.org>" future-default default never 2>/dev/null
done
echo "== keys in the throwaway keyring $GNUPGHOME"
gpg --list-keys --keyid-format none 2>/dev/null | grep -E '^(uid| )'

echo "== Alice seals a note for Bob"
echo 'meet at noon' | mule-seal -u alice@example.org -r bob@example.org \
    --passphrase-file "$GNUPGHOME/alice.pass" -o "$GNUPGHOME/note.asc"
cat "$GNUPGHOME/note.asc"

echo "== Bob opens it"
mule-open --passphrase-file "$GNUPGHOME/bob.pass" "$GNUPGHOME/note.asc"

echo "== someone changes one character on the way"
sed '4s/./X/5' "$GNUPGHOME/note.asc" >"$GNUPGHOME/tampered.asc"
# (one time in 64 that character is an X already)
cmp -s "$GNUPGHOME/note.asc" "$GNUPGHOME/tampered.asc" &&
    sed '4s/./Y/5' "$GNUPGHOME/note.asc" >"$GNUPGHOME/tampered.asc"
status=0
mule-open --passphrase-file "$GNUPGHOME/bob.pass" "$GNUPGHOME/tampered.asc" ||
    status=$?
echo "mule-open exited $status (1: input rejected); nothing was printed"
[ "$status" -eq 1 ]

echo "== Alice bundles a folder for Bob"
mkdir -p "$GNUPGHOME/reports/2026" "$GNUPGHOME/inbox"
echo 'quarterly figures' >"$GNUPGHOME/reports/2026/q3.txt"
echo 'draft' >"$GNUPGHOME/reports/notes.txt"
mule-bundle -u alice@example.org -r bob@example.org \
    --passphrase-file "$GNUPGHOME/alice.pass" \
    -o "$GNUPGHOME/for-bob.asc" "$GNUPGHOME/reports"
echo "== Bob lists it (after it is verified), then extracts it"
mule-bundle -t --passphrase-file "$GNUPGHOME/bob.pass" "$GNUPGHOME/for-bob.asc"
mule-bundle -x --passphrase-file "$GNUPGHOME/bob.pass" -C "$GNUPGHOME/inbox" \
    "$GNUPGHOME/for-bob.asc"
cat "$GNUPGHOME/inbox/reports/2026/q3.txt"
echo "== demo done"
