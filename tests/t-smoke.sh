#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's demonstration round trip, as a test.
. "$srcdir/tests/lib.sh"
setup_keys
echo 'meet at noon' | mule-seal -r bob@example.org >"$T/note.asc"
check "mule-seal exits 0 and writes armour" grep -q 'BEGIN PGP MESSAGE' "$T/note.asc"
run_status 0 mule-open "$T/note.asc"
check "mule-open prints the note" [ "$(cat "$T/out")" = "meet at noon" ]
check "mule-open names the signer" grep -q "good signature from \"Alice <alice@example.org>\" $ALICE" "$T/err"
done_testing
