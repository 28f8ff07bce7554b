#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A passphrase-protected decryption key, as most people have one: every
# tool that decrypts (mule-open, mule-bundle -x/-t, mule-stick get) works
# with the agent's own pinentry (a person at a terminal: a scripted
# pinentry here) and with --passphrase-file/--passphrase-fd (cron).
# Without a pinentry, with a wrong passphrase or Cancel, the run fails
# with exit 2 (the reader's trouble, not the message's) and releases or
# moves nothing.  A wrong passphrase for a passphrase-sealed message stays
# exit 1.  A passphrase packet crafted inside the encryption is refused,
# and the key's passphrase never reaches it.
. "$srcdir/tests/lib.sh"

setup_keys
umask 022
echo 'for dave' >"$T/note.txt"
printf 'dave-pass\n' >"$T/pass"
printf 'not-it\n' >"$T/wrong"
mule-seal -u alice@example.org -r dave@example.org --binary \
    -o "$T/msg.gpg" "$T/note.txt" 2>/dev/null ||
    { echo "Bail out! cannot seal for dave"; exit 99; }

# nothing_out: no output file, no temporary in $T/odir
opened() {
	[ "$(cat "$T/out")" = 'for dave' ]
}

# --- mule-open --------------------------------------------------------------------
use_pinentry dave-pass
run_status 0 with_timeout mule-open "$T/msg.gpg" && opened &&
    grep -q 'good signature from "Alice' "$T/err"
check "mule-open: the agent's pinentry asks for the key's passphrase; the message opens" [ $? -eq 0 ]
check "... the pinentry was asked once" [ "$(pinentry_asked)" -eq 1 ]

use_pinentry none
if refused_by mule-open 2 "$T/msg.gpg"; then ok "mule-open, no pinentry: exit 2, nothing released"
else failed "mule-open, no pinentry: exit 2, nothing released"; fi
check "... the error names the key, and the hint --passphrase-file" \
    grep -q "error: the key Dave <dave@example.org> ($DAVE) is protected by a passphrase and " "$T/err" &&
    grep -q "hint: .*--passphrase-file" "$T/err"

use_pinentry cancel
if refused_by mule-open 2 "$T/msg.gpg"; then ok "mule-open, Cancel at the pinentry: exit 2, nothing released"
else failed "mule-open, Cancel at the pinentry: exit 2, nothing released"; fi
check "... it says cancelled" grep -q "error: cancelled: no passphrase was given for the key Dave <dave@example.org> ($DAVE)" "$T/err"

use_pinentry wrong-pass
if refused_by mule-open 2 "$T/msg.gpg"; then ok "mule-open, a wrong passphrase typed: exit 2, nothing released"
else failed "mule-open, a wrong passphrase typed: exit 2, nothing released"; fi
check "... it says wrong passphrase for the key" grep -q "error: wrong passphrase for the key Dave <dave@example.org> ($DAVE)" "$T/err"

use_pinentry none
run_status 0 with_timeout mule-open --passphrase-file "$T/pass" "$T/msg.gpg" && opened
check "mule-open --passphrase-file, no pinentry: opens" [ $? -eq 0 ]
use_pinentry none
run_status 0 with_timeout mule-open --passphrase-fd 3 "$T/msg.gpg" 3<"$T/pass" && opened
check "mule-open --passphrase-fd: opens" [ $? -eq 0 ]
use_pinentry none
if refused_by mule-open 2 "$T/msg.gpg" --passphrase-file "$T/wrong"; then
	ok "mule-open --passphrase-file with a wrong passphrase: exit 2, nothing released"
else failed "mule-open --passphrase-file with a wrong passphrase: exit 2, nothing released"; fi
check "... it says wrong passphrase for the key" grep -q "error: wrong passphrase for the key Dave <dave@example.org> ($DAVE)" "$T/err"

# A passphrase-sealed message: a wrong passphrase cannot be told from a
# message made to fail, so it is a rejection.
mule-seal -c --no-sign --passphrase-file "$T/pass" -o "$T/sym.gpg" "$T/note.txt" 2>/dev/null
use_pinentry none
if refused_by mule-open 1 "$T/sym.gpg" --allow-unsigned --passphrase-file "$T/wrong"; then
	ok "a passphrase-sealed message, wrong --passphrase-file: exit 1, nothing released"
else failed "a passphrase-sealed message, wrong --passphrase-file: exit 1, nothing released"; fi
use_pinentry not-it
if refused_by mule-open 1 "$T/sym.gpg" --allow-unsigned; then
	ok "a passphrase-sealed message, wrong passphrase at the pinentry: exit 1"
else failed "a passphrase-sealed message, wrong passphrase at the pinentry: exit 1"; fi
use_pinentry dave-pass
run_status 0 with_timeout mule-open --allow-unsigned "$T/sym.gpg" && opened
check "... and the right one at the pinentry opens it" [ $? -eq 0 ]

# --- crafted: a passphrase packet inside the encryption ---------------------------
# Inside a message validly encrypted to Dave, a whole message sealed with
# Dave's key passphrase.  Were that passphrase handed to it, it would open.
if command -v openssl >/dev/null 2>&1; then
	gpg --batch -q --pinentry-mode loopback --passphrase dave-pass -c \
	    -o "$T/inner.gpg" "$T/note.txt" 2>/dev/null
	mule-seal -u alice@example.org -r dave@example.org --binary \
	    -o "$T/outer.gpg" "$T/note.txt" 2>/dev/null
	sk=$(gpg --batch --pinentry-mode loopback --passphrase dave-pass \
	    --show-session-key -d -o /dev/null "$T/outer.gpg" 2>&1 |
	    sed -n 's/.*session key: .\([0-9]*:[0-9A-F]*\).*/\1/p')
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/harvest.gpg" "$T/inner.gpg"
	use_pinentry none
	if refused_by mule-open 1 "$T/harvest.gpg" --passphrase-file "$T/pass"; then
		ok "harvest: a passphrase packet inside the encryption is refused; --passphrase-file is not handed to it"
	else failed "harvest: a passphrase packet inside the encryption is refused; --passphrase-file is not handed to it"; fi
	check "... the error says so" grep -Eq "asks for a passphrase|holds no signed data" "$T/err"
	use_pinentry dave-pass
	refused_by mule-open 1 "$T/harvest.gpg"
	check "harvest: with a pinentry too, exit 1, nothing released" [ -z "$why" ]
	# refused_by runs twice; each run may ask for the key, never more.
	check "... the pinentry was asked for the key only ($(pinentry_asked) <= 2)" \
	    [ "$(pinentry_asked)" -le 2 ]
	# Encrypted data with no session key packet ("assuming IDEA"), inside
	# a compressed packet inside the encryption: gpg would ask for a
	# passphrase for it while it inflates.
	python3 - "$T/cinner.gpg" <<'EOF'
import os, sys
sed = bytes([0xc0 | 9, 40]) + os.urandom(40)
open(sys.argv[1], "wb").write(bytes([0xc0 | 8, len(sed) + 1, 0]) + sed)
EOF
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/cnest.gpg" "$T/cinner.gpg"
	use_pinentry dave-pass
	refused_by mule-open 1 "$T/cnest.gpg"
	check "compressed-nest: encrypted data in a compressed packet inside the encryption: exit 1, nothing released" \
	    [ -z "$why" ]
	check "... the pinentry was asked for the key only ($(pinentry_asked) <= 2)" \
	    [ "$(pinentry_asked)" -le 2 ]
	check "... the error says so, without a hint to use mule-open" \
	    grep -q "error: encrypted data .* inside the encrypted message" "$T/err"
else
	for i in 1 2 3 4 5 6 7; do skip "harvest: no openssl to build the vector"; done
fi

# --- a protected signing key -------------------------------------------------------
use_pinentry none
expect_fail "mule-sign -u dave, no pinentry: exit 2, nothing written" 2 \
    with_timeout mule-sign -u dave@example.org "$T/note.txt"
check "... the error names the key, and the hint --passphrase-file" \
    grep -q "error: the signing key Dave <dave@example.org> ($DAVE) is protected by a passphrase and " "$T/err" &&
    grep -q "hint: .*--passphrase-file" "$T/err"
use_pinentry none
expect_fail "mule-seal -u dave --passphrase-file wrong: exit 2, nothing written" 2 \
    with_timeout mule-seal -u dave@example.org -r alice@example.org \
    --passphrase-file "$T/wrong" "$T/note.txt"
use_pinentry dave-pass
run_status 0 with_timeout mule-sign -u dave@example.org -o "$T/signed.asc" "$T/note.txt" &&
    [ -s "$T/signed.asc" ]
check "mule-sign -u dave with the pinentry: signed" [ $? -eq 0 ]

# --- mule-bundle ---------------------------------------------------------------------
mkdir -p "$T/tree/sub"
echo 'bundled' >"$T/tree/sub/file.txt"
mule-bundle -u alice@example.org -r dave@example.org -o "$T/b.asc" "$T/tree" 2>/dev/null ||
    { echo "Bail out! cannot bundle for dave"; exit 99; }
use_pinentry dave-pass
mkdir "$T/x1"
run_status 0 with_timeout mule-bundle -x -C "$T/x1" "$T/b.asc" &&
    [ "$(cat "$T/x1/tree/sub/file.txt")" = bundled ]
check "mule-bundle -x: the pinentry asks, the bundle is extracted" [ $? -eq 0 ]
use_pinentry dave-pass
run_status 0 with_timeout mule-bundle -t "$T/b.asc" && grep -q 'tree/sub/file.txt' "$T/out"
check "mule-bundle -t: the pinentry asks, the bundle is listed" [ $? -eq 0 ]
for mode in none cancel wrong-pass; do
	use_pinentry $mode
	rm -rf "$T/x2" && mkdir "$T/x2"
	expect_fail "mule-bundle -x, pinentry '$mode': exit 2" 2 \
	    with_timeout mule-bundle -x -C "$T/x2" "$T/b.asc"
	check "... DIR is left empty" [ -z "$(ls -A "$T/x2")" ]
done
use_pinentry none
expect_fail "mule-bundle -t, no pinentry: exit 2, nothing listed" 2 \
    with_timeout mule-bundle -t "$T/b.asc"
check "... the error names the key" grep -q "the key Dave <dave@example.org> ($DAVE) is protected by a passphrase" "$T/err"
use_pinentry none
rm -rf "$T/x3" && mkdir "$T/x3"
run_status 0 with_timeout mule-bundle -x -C "$T/x3" --passphrase-file "$T/pass" "$T/b.asc" &&
    [ "$(cat "$T/x3/tree/sub/file.txt")" = bundled ]
check "mule-bundle -x --passphrase-file: extracted" [ $? -eq 0 ]
use_pinentry none
rm -rf "$T/x4" && mkdir "$T/x4"
expect_fail "mule-bundle -x --passphrase-file wrong: exit 2" 2 \
    with_timeout mule-bundle -x -C "$T/x4" --passphrase-file "$T/wrong" "$T/b.asc"
check "... DIR is left empty" [ -z "$(ls -A "$T/x4")" ]

# --- mule-stick get --------------------------------------------------------------------
S="$T/stick"
mkdir -p "$S" "$T/state"
mule-stick init "$S" >/dev/null 2>&1
for i in 1 2 3; do
	echo "item $i" >"$T/item$i.txt"
	mule-stick put "$S" -u alice@example.org -r dave@example.org \
	    "$T/item$i.txt" >/dev/null 2>&1
done
DBOX="$S/MULE/to/$DAVE"
ls "$DBOX" | sort >"$T/box.before"
check "three items for Dave on the stick" [ "$(wc -l <"$T/box.before")" -eq 3 ]

# stick_untouched: Dave's items all still in his folder, nothing moved
# aside, nothing delivered, nothing journalled.
stick_untouched() {
	ls "$DBOX" | sort | cmp -s - "$T/box.before" &&
	    [ -z "$(ls -A "$S/MULE/rejected" 2>/dev/null)" ] &&
	    [ -z "$(ls -A "$T/inbox")" ] &&
	    ! grep -q . "$T/state/mule/journal" 2>/dev/null
}
for mode in none cancel wrong-pass; do
	use_pinentry $mode
	rm -rf "$T/inbox" && mkdir "$T/inbox"
	run_status 2 with_timeout env MULE_JOBS=2 XDG_STATE_HOME="$T/state" \
	    mule-stick get "$S" -C "$T/inbox" --remove
	check "mule-stick get, pinentry '$mode', two jobs: exit 2" [ $? -eq 0 ]
	check "... every item stays where it was, nothing delivered or journalled" stick_untouched
done
use_pinentry none
rm -rf "$T/inbox" && mkdir "$T/inbox"
run_status 2 with_timeout env MULE_JOBS=2 XDG_STATE_HOME="$T/state" \
    mule-stick get "$S" -C "$T/inbox" --remove --passphrase-file "$T/wrong"
check "mule-stick get --passphrase-file wrong: exit 2" [ $? -eq 0 ]
check "... every item stays where it was" stick_untouched
check "... the error says wrong passphrase for the key" grep -q "wrong passphrase for the key Dave <dave@example.org> ($DAVE)" "$T/err"

use_pinentry dave-pass
rm -rf "$T/inbox" && mkdir "$T/inbox"
run_status 0 with_timeout env MULE_JOBS=2 XDG_STATE_HOME="$T/state" \
    mule-stick get "$S" -C "$T/inbox"
check "mule-stick get with the pinentry: exit 0, three items delivered" \
    [ "$(grep -c '^delivered ' "$T/out")" -eq 3 ]
use_pinentry none
rm -rf "$T/inbox" && mkdir "$T/inbox"
run_status 0 with_timeout env XDG_STATE_HOME="$T/state2" \
    mule-stick get "$S" -C "$T/inbox" --passphrase-file "$T/pass" --remove
check "mule-stick get --passphrase-file: exit 0, three items delivered" \
    [ "$(grep -c '^delivered ' "$T/out")" -eq 3 ]
check "... and removed from the stick" [ -z "$(ls -A "$DBOX")" ]

done_testing
