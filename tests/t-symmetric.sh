#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Passphrases: symmetric encryption (-c) with --passphrase-fd and
# --passphrase-file, wrong passphrases, -c with signing and recipients,
# a passphrase-protected signing key, and no passphrase left in any file.
. "$srcdir/tests/lib.sh"

setup_keys

SYM='Symmetric-S3cret-4711'
printf '%s\n' "$SYM" >"$T/sym.pass"
printf 'not-the-passphrase\n' >"$T/wrong.pass"
printf 'dave-pass\n' >"$T/dave.pass"
{ printf 'bin\000ary\000'; head -c 20000 /dev/urandom; } >"$T/plain"
mkdir "$T/o"

# --- -c with --passphrase-fd and --passphrase-file ----------------------------
if run_status 0 mule-seal -c --passphrase-fd 3 "$T/plain" 3<"$T/sym.pass" \
    && grep -q 'BEGIN PGP MESSAGE' "$T/out"; then
	ok "mule-seal -c --passphrase-fd 3 exits 0"
else
	not_ok "mule-seal -c --passphrase-fd 3 exits 0"
fi
cp "$T/out" "$T/c-fd.asc"
packets "$T/c-fd.asc" >"$T/c-fd.pkt"
if grep -q 'symkey enc packet' "$T/c-fd.pkt" \
    && ! grep -q 'pubkey enc packet' "$T/c-fd.pkt"; then
	ok "... the message is for a passphrase only"
else
	not_ok "... the message is for a passphrase only"
fi
if run_status 0 mule-open --passphrase-fd 3 "$T/c-fd.asc" 3<"$T/sym.pass" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "mule-open --passphrase-fd 3 opens it"
else
	not_ok "mule-open --passphrase-fd 3 opens it"
fi
check "... and it was signed by Alice (the default key)" \
    grep -q "good signature from \"Alice <alice@example.org>\" $ALICE," "$T/err"
if run_status 0 mule-open --passphrase-file "$T/sym.pass" "$T/c-fd.asc" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "mule-open --passphrase-file opens it"
else
	not_ok "mule-open --passphrase-file opens it"
fi
if run_status 0 mule-seal -c --passphrase-file "$T/sym.pass" -o "$T/c-file.asc" \
    "$T/plain" && run_status 0 mule-open --passphrase-fd 3 "$T/c-file.asc" \
    3<"$T/sym.pass" && cmp -s "$T/plain" "$T/out"; then
	ok "mule-seal -c --passphrase-file; opened with --passphrase-fd"
else
	not_ok "mule-seal -c --passphrase-file; opened with --passphrase-fd"
fi
# The passphrase is the first line; a CR before its newline is not part of it.
printf '%s\r\nsecond line\n' "$SYM" >"$T/crlf.pass"
if run_status 0 mule-open --passphrase-file "$T/crlf.pass" "$T/c-fd.asc" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "only the first line of the passphrase file counts, CRLF or not"
else
	not_ok "only the first line of the passphrase file counts, CRLF or not"
fi
if run_status 0 mule-open --passphrase-fd 0 "$T/c-fd.asc" <"$T/sym.pass" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "--passphrase-fd 0 reads standard input"
else
	not_ok "--passphrase-fd 0 reads standard input"
fi

# --- wrong passphrases ---------------------------------------------------------
expect_fail "wrong passphrase (--passphrase-fd) is exit 1, stdout empty" 1 \
    mule-open --passphrase-fd 3 "$T/c-fd.asc" 3<"$T/wrong.pass"
check "... saying so" grep -q 'error: wrong passphrase' "$T/err"
expect_fail "wrong passphrase (--passphrase-file) is exit 1, stdout empty" 1 \
    mule-open --passphrase-file "$T/wrong.pass" "$T/c-fd.asc"
expect_fail "wrong passphrase with -o is exit 1" 1 \
    mule-open --passphrase-file "$T/wrong.pass" -o "$T/o/wrong" "$T/c-fd.asc"
check "... and leaves no file or temporary" [ -z "$(ls -A "$T/o")" ]
expect_fail "an empty passphrase (--passphrase-file /dev/null) is exit 1" 1 \
    mule-open --passphrase-file /dev/null "$T/c-fd.asc"

# --- passphrase options -------------------------------------------------------------
expect_fail "--passphrase-fd with --passphrase-file is a usage error (exit 2)" 2 \
    mule-open --passphrase-fd 3 --passphrase-file "$T/sym.pass" "$T/c-fd.asc" \
    3<"$T/sym.pass"
expect_fail "--passphrase-file with a missing file is exit 2" 2 \
    mule-open --passphrase-file "$T/no-such-file" "$T/c-fd.asc"
expect_fail "--passphrase-fd with a closed descriptor is exit 2" 2 \
    mule-seal -c --passphrase-fd 7 "$T/plain"
expect_fail "--passphrase-fd with a non-number is exit 2" 2 \
    mule-seal -c --passphrase-fd three "$T/plain"

# --- symmetric and signed ------------------------------------------------------------------
mule-seal -c -u bob@example.org --passphrase-file "$T/sym.pass" "$T/plain" >"$T/c-bob.asc"
packets "$T/c-bob.asc" >"$T/c-bob.pkt"
if run_status 0 mule-open --passphrase-file "$T/sym.pass" "$T/c-bob.asc" \
    && cmp -s "$T/plain" "$T/out" \
    && grep -q "good signature from \"Bob <bob@example.org>\" $BOB," "$T/err"; then
	ok "-c -u bob: opens, signed by Bob"
else
	not_ok "-c -u bob: opens, signed by Bob"
fi
mule-seal -c --no-sign --passphrase-file "$T/sym.pass" "$T/plain" >"$T/c-unsigned.asc"
expect_fail "-c --no-sign: refused without --allow-unsigned (exit 1)" 1 \
    mule-open --passphrase-file "$T/sym.pass" "$T/c-unsigned.asc"
if run_status 0 mule-open --allow-unsigned --passphrase-file "$T/sym.pass" \
    "$T/c-unsigned.asc" && cmp -s "$T/plain" "$T/out" \
    && grep -q 'warning: .*not signed' "$T/err"; then
	ok "-c --no-sign: opens with --allow-unsigned, with a warning"
else
	not_ok "-c --no-sign: opens with --allow-unsigned, with a warning"
fi

# --- symmetric and a recipient -------------------------------------------------------------
mule-seal -c -r bob@example.org --passphrase-file "$T/sym.pass" "$T/plain" \
    >"$T/c-bob-r.asc"
packets "$T/c-bob-r.asc" >"$T/c-bob-r.pkt"
if grep -q 'symkey enc packet' "$T/c-bob-r.pkt" \
    && grep -q 'pubkey enc packet' "$T/c-bob-r.pkt"; then
	ok "-c -r bob: for a passphrase and for Bob"
else
	not_ok "-c -r bob: for a passphrase and for Bob"
fi
if run_status 0 mule-open "$T/c-bob-r.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "... Bob opens it with his key"
else
	not_ok "... Bob opens it with his key"
fi
# A home with no secret key, only Alice's public key: the passphrase must do.
new_home "$T/nokeys"
gpg --homedir "$T/nokeys" --batch --import "$T/alice.asc" >/dev/null 2>&1
if run_status 0 mule-open --homedir "$T/nokeys" --signer "$ALICE" \
    --passphrase-file "$T/sym.pass" "$T/c-bob-r.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "... and a home without Bob's key opens it with the passphrase"
else
	not_ok "... and a home without Bob's key opens it with the passphrase"
fi
expect_fail "... but not with a wrong passphrase (exit 1)" 1 \
    mule-open --homedir "$T/nokeys" --signer "$ALICE" \
    --passphrase-file "$T/wrong.pass" "$T/c-bob-r.asc"

# --- Dave's passphrase-protected signing key -------------------------------------------------
# The wrong passphrase first: once right, gpg-agent caches it.
expect_fail "Dave's key with a wrong passphrase: exit 2" 2 \
    mule-seal -u dave@example.org -r bob@example.org --passphrase-fd 3 \
    -o "$T/o/dave.asc" "$T/plain" 3<"$T/wrong.pass"
check "... saying the passphrase is wrong" grep -q 'error: .*wrong passphrase' "$T/err"
check "... and no output file or temporary" [ -z "$(ls -A "$T/o")" ]
expect_fail "Dave's key, wrong passphrase, to stdout: exit 2, stdout empty" 2 \
    mule-seal -u dave@example.org -r bob@example.org --passphrase-file \
    "$T/wrong.pass" "$T/plain"
if run_status 0 mule-seal -u dave@example.org -r bob@example.org \
    --passphrase-fd 3 -o "$T/o/dave.asc" "$T/plain" 3<"$T/dave.pass" \
    && [ -s "$T/o/dave.asc" ]; then
	ok "Dave's key unlocked with --passphrase-fd signs"
else
	not_ok "Dave's key unlocked with --passphrase-fd signs"
fi
if run_status 0 mule-open "$T/o/dave.asc" && cmp -s "$T/plain" "$T/out" \
    && grep -q "good signature from \"Dave <dave@example.org>\" $DAVE," "$T/err"; then
	ok "... and the message opens, signed by Dave"
else
	not_ok "... and the message opens, signed by Dave"
fi
if run_status 0 mule-seal -c -u dave@example.org --passphrase-file "$T/dave.pass" \
    "$T/plain" && cp "$T/out" "$T/c-dave.asc" \
    && run_status 0 mule-open --passphrase-file "$T/dave.pass" "$T/c-dave.asc" \
    && cmp -s "$T/plain" "$T/out" \
    && grep -q "good signature from \"Dave <dave@example.org>\" $DAVE," "$T/err"; then
	ok "-c -u dave: one passphrase for the key and the message"
else
	not_ok "-c -u dave: one passphrase for the key and the message"
fi

# --- gpg interoperability of -c ------------------------------------------------------------
if gpg --batch --pinentry-mode loopback --passphrase "$SYM" -d "$T/c-fd.asc" \
    >"$T/gpg.out" 2>/dev/null && cmp -s "$T/plain" "$T/gpg.out"; then
	ok "gpg -d opens mule-seal -c output with the passphrase"
else
	not_ok "gpg -d opens mule-seal -c output with the passphrase"
fi
gpg --batch --pinentry-mode loopback --passphrase "$SYM" -c -o "$T/g-c.gpg" \
    "$T/plain" 2>/dev/null
expect_fail "gpg -c (unsigned) is refused by mule-open (exit 1)" 1 \
    mule-open --passphrase-file "$T/sym.pass" "$T/g-c.gpg"
if run_status 0 mule-open --allow-unsigned --passphrase-file "$T/sym.pass" \
    "$T/g-c.gpg" && cmp -s "$T/plain" "$T/out"; then
	ok "... and opened with --allow-unsigned"
else
	not_ok "... and opened with --allow-unsigned"
fi

# --- what is inside the encryption must be signed data -------------------------------------
# gpg --no-literal encrypts its input as the packet stream itself, so the
# inside of these is an armoured message, a clear-signed text and a
# binary encrypted message, not a literal.  mule-open checks the start of
# what it decrypted at the verifying gpg's first read (issue 19 moved it
# there, to let the two gpg runs overlap): each is still refused with
# exit 1, and nothing is released, to standard output or -o.
mule-sign "$T/plain" >"$T/inner-clear.asc" 2>/dev/null
cp "$T/c-fd.asc" "$T/inner-armour.asc"
gpg --batch -q --dearmor -o "$T/inner-bin.gpg" "$T/c-fd.asc" 2>/dev/null
for inner in inner-clear.asc inner-armour.asc inner-bin.gpg; do
	gpg --batch -q --yes --no-literal --compress-algo none \
	    --pinentry-mode loopback --passphrase "$SYM" -c \
	    -o "$T/nl-$inner.gpg" "$T/$inner" 2>/dev/null ||
	    { not_ok "gpg --no-literal -c of $inner"; continue; }
	if refused_by mule-open 1 "$T/nl-$inner.gpg" --passphrase-file \
	    "$T/sym.pass" && grep -q 'holds no signed data' "$T/err"; then
		ok "an encryption holding $inner, not a literal: exit 1, nothing released"
	else
		failed "an encryption holding $inner, not a literal: exit 1, nothing released"
	fi
done

# --- no passphrase anywhere ----------------------------------------------------------------
# Every file under $T but the ones this script wrote the passphrases into.
leaks() {
	grep -r -l -a -s -D skip -F -e "$SYM" -e 'dave-pass' "$T" |
	    grep -v -x -e "$T/sym.pass" -e "$T/crlf.pass" -e "$T/dave.pass"
}
check "no file under \$T holds a passphrase (stdout, stderr, messages, homes)" \
    sh -c '[ -z "$1" ]' sh "$(leaks)"
check "the messages do not hold it either" \
    sh -c '! cat "$@" | grep -a -q -F -e "Symmetric-S3cret" -e dave-pass' sh \
    "$T"/c-*.asc "$T/o/dave.asc"

done_testing
