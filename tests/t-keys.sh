#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Key selection: recipient and signer files that are never imported,
# certification as the signature policy, pinned signers, look-alike user
# IDs, unusable (unknown, ambiguous, expired, revoked) keys, -u, and
# unsigned messages.
. "$srcdir/tests/lib.sh"

# keyring: what the keyring holds (public and secret), for before/after.
keyring() {
	gpg --batch --with-colons --list-keys 2>/dev/null | grep -v '^tru:'
	gpg --batch --with-colons --list-secret-keys 2>/dev/null | grep -v '^tru:'
}

# enc_keyid FPR: the key ID of the encryption subkey of FPR, as gpg sees it
# in HOME (default $GNUPGHOME).
enc_keyid() {
	gpg --batch --with-colons --list-keys "$1" 2>/dev/null |
	    awk -F: '/^sub/ && $12 ~ /e/ { print $5; exit }'
}

# packet_keyids MSG: the key IDs a message is encrypted to.
packet_keyids() {
	gpg --batch --list-packets "$1" 2>/dev/null |
	    sed -n 's/^:pubkey enc packet:.*keyid \([0-9A-F]*\).*/\1/p'
}

# encrypted_to MSG KEYID: MSG is encrypted to KEYID (non-empty) alone.
encrypted_to() {
	[ -n "$2" ] && [ "$(packet_keyids "$1")" = "$2" ]
}

# not_encrypted_to MSG KEYID: MSG is not encrypted to KEYID (non-empty).
not_encrypted_to() {
	[ -n "$2" ] && ! packet_keyids "$1" | grep -q "$2"
}

# names_fpr_with_hint FPR: the last command's stderr has an error line
# naming FPR and a hint line.
names_fpr_with_hint() {
	grep -q ": error: .*$1" "$T/err" && grep -q ': hint: ' "$T/err"
}

setup_keys
TMPDIR="$T/tmp"		# where mule-open makes its temporary gpg homes
export TMPDIR
mkdir "$TMPDIR"

echo 'for your eyes only' >"$T/plain"
# Not in $(...): foreign_key registers the home (for agent shutdown) in
# the shell that runs it.
foreign_key carol 'Carol <carol@example.org>' >"$T/carol.fpr"
CAROL=$(cat "$T/carol.fpr")
[ -n "$CAROL" ] || { echo "Bail out! cannot make Carol's key"; exit 99; }
keyring >"$T/keyring.before"

# --- -R: recipient files, not imported -----------------------------------------
if run_status 0 mule-seal -R "$T/bob.asc" "$T/plain" && cp "$T/out" "$T/rb.asc" \
    && run_status 0 mule-open "$T/rb.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "-R bob.asc: Bob can open it"
else
	not_ok "-R bob.asc: Bob can open it"
fi
run_status 0 mule-seal -R "$T/carol.asc" "$T/plain"
cp "$T/out" "$T/rc.asc"
check "-R carol.asc (a key not in the keyring) exits 0" grep -q 'BEGIN PGP' "$T/rc.asc"
check "... encrypted to Carol's subkey" encrypted_to "$T/rc.asc" \
    "$(GNUPGHOME="$T/carol-home" enc_keyid "$CAROL")"
if GNUPGHOME="$T/carol-home" run_status 0 mule-open --signer-file "$T/alice.asc" \
    "$T/rc.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "... and Carol opens it (with Alice's key as --signer-file)"
else
	not_ok "... and Carol opens it (with Alice's key as --signer-file)"
fi
keyring >"$T/keyring.after"
check "-R imported nothing into the keyring" cmp -s "$T/keyring.before" "$T/keyring.after"
expect_fail "-R with a missing file is exit 2" 2 \
    mule-seal -R "$T/no-such.asc" "$T/plain"

# --- --signer-file: accepted, not imported -----------------------------------------
GNUPGHOME="$T/carol-home" mule-seal -R "$T/bob.asc" "$T/plain" >"$T/from-carol.asc"
expect_fail "a message signed by an unknown key is refused (exit 1)" 1 \
    mule-open "$T/from-carol.asc"
check "... and the error names the signing key" grep -q ": error: .*$CAROL" "$T/err"
if run_status 0 mule-open --signer-file "$T/carol.asc" "$T/from-carol.asc" \
    && cmp -s "$T/plain" "$T/out" \
    && grep -q "good signature from \"Carol <carol@example.org>\" $CAROL," "$T/err"; then
	ok "--signer-file carol.asc accepts Carol's message"
else
	not_ok "--signer-file carol.asc accepts Carol's message"
fi
keyring >"$T/keyring.after"
check "--signer-file imported nothing into the keyring" \
    cmp -s "$T/keyring.before" "$T/keyring.after"
check "... and left no temporary gpg home" [ -z "$(ls -A "$TMPDIR")" ]
# The throwaway home holds public keys only: no gpg-agent is started for
# it (gpg.conf: no-autostart), so none outlives the run.
agents=$(for p in /proc/[0-9]*; do
	[ "$(cat "$p/comm" 2>/dev/null)" = gpg-agent ] &&
	    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep "mule-home-"
done)
[ -n "$agents" ] && diag "agents: $agents"
check "... and started no gpg-agent for it" [ -z "$agents" ]
expect_fail "--signer-file alice.asc refuses Carol's message (exit 1)" 1 \
    mule-open --signer-file "$T/alice.asc" "$T/from-carol.asc"
expect_fail "--signer-file bob.asc refuses Alice's message (exit 1)" 1 \
    mule-open --signer-file "$T/bob.asc" "$T/rb.asc"
# Alice's key is in the keyring and certified: she is not "unknown", she
# is not among the signers given (the words --signer uses).
check "... saying she is not among the given signers" \
    grep -q "error: .*$ALICE.*not among the given signers" "$T/err"
expect_fail "--signer-file with a missing file is exit 2" 2 \
    mule-open --signer-file "$T/no-such.asc" "$T/rb.asc"
check "no temporary gpg home left after the refusals" [ -z "$(ls -A "$TMPDIR")" ]

# --- an uncertified signer in the keyring ------------------------------------------------
gpg --batch --import "$T/carol.asc" >/dev/null 2>&1
expect_fail "a message by an imported, uncertified key is refused (exit 1)" 1 \
    mule-open "$T/from-carol.asc"
check "... the error names its fingerprint, with a hint" names_fpr_with_hint "$CAROL"
if run_status 0 mule-open --signer "$CAROL" "$T/from-carol.asc" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "--signer CAROL-FPR accepts it"
else
	not_ok "--signer CAROL-FPR accepts it"
fi
expect_fail "--signer ALICE-FPR refuses Carol's message (exit 1)" 1 \
    mule-open --signer "$ALICE" "$T/from-carol.asc"
expect_fail "--signer 'Carol <carol@example.org>' (uncertified) is exit 2" 2 \
    mule-open --signer 'Carol <carol@example.org>' "$T/from-carol.asc"
if run_status 0 mule-open --signer 'Alice <alice@example.org>' "$T/rb.asc" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "--signer 'Alice <alice@example.org>' accepts Alice"
else
	not_ok "--signer 'Alice <alice@example.org>' accepts Alice"
fi
expect_fail "--signer 'Alice <alice@example.org>' refuses Carol (exit 1)" 1 \
    mule-open --signer 'Alice <alice@example.org>' "$T/from-carol.asc"
# Both options are repeatable and each names a signer to accept.
if run_status 0 mule-open --signer "$ALICE" --signer-file "$T/carol.asc" \
    "$T/rb.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "--signer ALICE-FPR --signer-file carol.asc accepts Alice's message"
else
	not_ok "--signer ALICE-FPR --signer-file carol.asc accepts Alice's message"
fi
if run_status 0 mule-open --signer "$ALICE" --signer-file "$T/carol.asc" \
    "$T/from-carol.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "--signer ALICE-FPR --signer-file carol.asc accepts Carol's message"
else
	not_ok "--signer ALICE-FPR --signer-file carol.asc accepts Carol's message"
fi
mule-seal -u "$BOB" -r bob@example.org "$T/plain" >"$T/bob-self.asc"
expect_fail "... and refuses Bob's message (exit 1)" 1 \
    mule-open --signer "$ALICE" --signer-file "$T/carol.asc" "$T/bob-self.asc"

# --- recipients in the keyring that are not certified --------------------------------------
expect_fail "-r carol@example.org (uncertified) is exit 2" 2 \
    mule-seal -r carol@example.org "$T/plain"
check "... the error names the fingerprint, with a hint" names_fpr_with_hint "$CAROL"
check "... the hint tells how to name it by fingerprint" grep -q "hint: .*-r $CAROL\$" "$T/err"
run_status 0 mule-seal -r "$CAROL" "$T/plain"
cp "$T/out" "$T/rcf.asc"
if GNUPGHOME="$T/carol-home" run_status 0 mule-open --signer-file "$T/alice.asc" \
    "$T/rcf.asc" && cmp -s "$T/plain" "$T/out"; then
	ok "-r CAROL-FPR (full fingerprint) is accepted"
else
	not_ok "-r CAROL-FPR (full fingerprint) is accepted"
fi

# --- a look-alike: another key with Alice's user ID --------------------------------------
foreign_key evil 'Alice <alice@example.org>' >"$T/evil.fpr"
EVIL=$(cat "$T/evil.fpr")
gpg --batch --import "$T/evil.asc" >/dev/null 2>&1
run_status 0 mule-seal -r alice@example.org "$T/plain"
cp "$T/out" "$T/to-alice.asc"
check "-r alice@example.org picks the real Alice's subkey" \
    encrypted_to "$T/to-alice.asc" "$(enc_keyid "$ALICE")"
EVILSUB=$(GNUPGHOME="$T/evil-home" enc_keyid "$EVIL")
check "... not the look-alike's" \
    not_encrypted_to "$T/to-alice.asc" "$EVILSUB"
expect_fail "... which cannot open it (exit 1)" 1 \
    env GNUPGHOME="$T/evil-home" mule-open --signer-file "$T/alice.asc" "$T/to-alice.asc"
GNUPGHOME="$T/evil-home" mule-seal -R "$T/bob.asc" "$T/plain" >"$T/from-evil.asc"
expect_fail "a message signed by the look-alike is refused (exit 1)" 1 \
    mule-open "$T/from-evil.asc"
check "... naming the look-alike's fingerprint" names_fpr_with_hint "$EVIL"
expect_fail "--signer 'Alice <alice@example.org>' refuses the look-alike (exit 1)" 1 \
    mule-open --signer 'Alice <alice@example.org>' "$T/from-evil.asc"

# --- unknown and ambiguous recipients ----------------------------------------------------
expect_fail "unknown recipient is exit 2" 2 \
    mule-seal -r nobody@example.org "$T/plain"
check "... with a hint" grep -q ': hint: ' "$T/err"
GINA1=$(gen_key "$GNUPGHOME" 'Gina <gina@example.org>')
GINA2=$(gen_key "$GNUPGHOME" 'Gina at work <gina@example.org>')
expect_fail "an ambiguous user ID (two valid keys) is exit 2" 2 \
    mule-seal -r gina@example.org "$T/plain"
check "... with a hint" grep -q ': hint: ' "$T/err"
if run_status 0 mule-seal -r "$GINA2" "$T/plain" \
    && encrypted_to "$T/out" "$(enc_keyid "$GINA2")"; then
	ok "... while the full fingerprint picks one"
else
	not_ok "... while the full fingerprint picks one"
fi

# --- expired and revoked recipients --------------------------------------------------------
# Old lives two seconds, from the moment Bob's key was made, and signs a
# message to Bob in its second second.  Every clock of this is set with
# --faked-system-time, so no second boundary and no slow machine can
# fall between making the key, signing, and the key's end.
BOB_CREATED=$(gpg --with-colons --list-keys "$BOB" 2>/dev/null |
    awk -F: '/^pub/ { print $6; exit }')
gpg --batch --passphrase '' --faked-system-time "$BOB_CREATED!" \
    --quick-gen-key 'Old <old@example.org>' future-default default seconds=2 \
    >/dev/null 2>&1
OLD=$(gpg --with-colons --list-keys old@example.org 2>/dev/null |
    awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --faked-system-time "$((BOB_CREATED + 1))!" -se -u "$OLD" \
    -r "$BOB" -o "$T/from-old.gpg" "$T/plain" >/dev/null 2>&1
check "Old's message was made while Old was valid" \
    sh -c '[ -n "$1" ] && [ -s "$2" ]' - "$OLD" "$T/from-old.gpg"
# ... and Old has ended by the real clock.
while [ "$(date +%s)" -le $((BOB_CREATED + 2)) ]; do sleep 0.2; done
REV=$(gen_key "$GNUPGHOME" 'Rev <rev@example.org>')
# A message Rev signs while the key is good; Rev is revoked below.
mule-seal -u "$REV" -r bob@example.org "$T/plain" >"$T/from-rev.asc"
run_status 0 mule-open "$T/from-rev.asc"
check "Rev's message opens before the revocation" cmp -s "$T/plain" "$T/out"
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$REV.rev" >"$T/rev.rev"
gpg --batch --import "$T/rev.rev" >/dev/null 2>&1
check "the revocation is imported" \
    sh -c 'gpg --with-colons --list-keys "$1" 2>/dev/null | grep -q "^pub:r:"' sh "$REV"
sleep 2
mkdir "$T/o"
expect_fail "an expired recipient is exit 2" 2 \
    mule-seal -r old@example.org -o "$T/o/old.asc" "$T/plain"
check "... saying it expired" grep -q 'expired' "$T/err"
expect_fail "an expired recipient by fingerprint is exit 2" 2 \
    mule-seal -r "$OLD" -o "$T/o/old.asc" "$T/plain"
# -R reads the key file itself (no gpg run, issue 19); gpg's refusal of
# the key names the user's file, never mule's private copy of it.
gpg --batch --export "$OLD" >"$T/old-key.pgp" 2>/dev/null
expect_fail "an expired recipient by -R is exit 2" 2 \
    mule-seal -R "$T/old-key.pgp" -o "$T/o/old.asc" "$T/plain"
check "... naming the file and the key" \
    grep -q "error: key file $T/old-key.pgp: key $OLD cannot encrypt" "$T/err"
check "... and no temporary file name" sh -c '! grep -q "mule-key-" "$1"' sh "$T/err"
mkdir "$T/stick-old" && mule-stick init "$T/stick-old" >/dev/null 2>&1 ||
    { echo "Bail out! cannot lay out a stick"; exit 99; }
expect_fail "mule-stick put -R with the expired key file is exit 2" 2 \
    mule-stick put "$T/stick-old" -R "$T/old-key.pgp" "$T/plain"
check "... naming the file and the key, not the private copy" sh -c \
    'grep -q "error: key file $1: key $2 cannot encrypt" "$3" && ! grep -q "mule-key-" "$3"' \
    sh "$T/old-key.pgp" "$OLD" "$T/err"
check "... and nothing on the stick" [ -z "$(find "$T/stick-old/MULE" -name '*.gpg*')" ]
expect_fail "a message signed by a key that has expired since is exit 1" 1 \
    mule-open "$T/from-old.gpg"
check "... naming the key, with a hint" names_fpr_with_hint "$OLD"
if run_status 0 mule-open --signer "$OLD" "$T/from-old.gpg" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "... and accepted with --signer OLD-FPR"
else
	not_ok "... and accepted with --signer OLD-FPR"
fi
expect_fail "a revoked recipient is exit 2" 2 \
    mule-seal -r rev@example.org -o "$T/o/rev.asc" "$T/plain"
check "... saying it is revoked" grep -q 'revoked' "$T/err"
expect_fail "a revoked recipient by fingerprint is exit 2" 2 \
    mule-seal -r "$REV" -o "$T/o/rev.asc" "$T/plain"
check "no output file and no temporaries after refused recipients" \
    [ -z "$(ls -A "$T/o")" ]
expect_fail "a message signed by a since-revoked key is refused (exit 1)" 1 \
    mule-open "$T/from-rev.asc"
check "... saying the key is revoked" grep -q "error: .*$REV.*revoked" "$T/err"
expect_fail "... even with --signer REV-FPR (exit 1)" 1 \
    mule-open --signer "$REV" "$T/from-rev.asc"
expect_fail "-u with a revoked key is exit 2" 2 \
    mule-seal -u "$REV" -r bob@example.org "$T/plain"
# A signing key named by fingerprint is not looked up before gpg signs
# (issue 19): gpg's refusal is the error, and it still says why.
check "... saying it is revoked" grep -q "error: signing key $REV cannot sign (revoked)" "$T/err"
expect_fail "mule-sign -u with an expired key (Old) is exit 2" 2 \
    mule-sign -u "$OLD" "$T/plain"
check "... saying it expired" grep -q "error: signing key $OLD cannot sign (expired)" "$T/err"
expect_fail "mule-seal -u with an expired key (Old) is exit 2" 2 \
    mule-seal -u "$OLD" -r bob@example.org -o "$T/o/old-signed.asc" "$T/plain"
check "... saying it expired" grep -q "error: signing key $OLD cannot sign (expired)" "$T/err"
check "... and leaving no file" [ -z "$(ls -A "$T/o")" ]
expect_fail "mule-sign -u with an unknown fingerprint is exit 2" 2 \
    mule-sign -u 0123456789ABCDEF0123456789ABCDEF01234567 "$T/plain"
check "... saying there is no such secret key" \
    grep -q "error: signing key 0123456789ABCDEF0123456789ABCDEF01234567: no such secret key" "$T/err"

# --- -u: sign with another key -----------------------------------------------------------------
if run_status 0 mule-seal -u bob@example.org -r alice@example.org "$T/plain" \
    && cp "$T/out" "$T/from-bob.asc" && run_status 0 mule-open "$T/from-bob.asc" \
    && grep -q "good signature from \"Bob <bob@example.org>\" $BOB," "$T/err"; then
	ok "-u bob@example.org signs as Bob"
else
	not_ok "-u bob@example.org signs as Bob"
fi
if run_status 0 mule-seal -u "$BOB" -r alice@example.org "$T/plain" \
    && cp "$T/out" "$T/from-bob2.asc" && run_status 0 mule-open "$T/from-bob2.asc" \
    && grep -q "good signature from \"Bob <bob@example.org>\" $BOB," "$T/err"; then
	ok "-u BOB-FPR signs as Bob"
else
	not_ok "-u BOB-FPR signs as Bob"
fi
expect_fail "-u with an unknown key is exit 2" 2 \
    mule-seal -u nobody@example.org -r bob@example.org "$T/plain"
expect_fail "-u with a public-only key (Carol) is exit 2" 2 \
    mule-seal -u "$CAROL" -r bob@example.org "$T/plain"
check "... saying there is no such secret key" \
    grep -q "error: signing key $CAROL: no such secret key" "$T/err"
expect_fail "mule-sign -u with a public-only key (Carol) is exit 2" 2 \
    mule-sign -u "$CAROL" "$T/plain"
check "... saying there is no such secret key" \
    grep -q "error: signing key $CAROL: no such secret key" "$T/err"
expect_fail "-u with --no-sign is a usage error (exit 2)" 2 \
    mule-seal -u "$BOB" --no-sign -r bob@example.org "$T/plain"

# --- a keyring without a secret key -------------------------------------------------------------
new_home "$T/pubonly"
gpg --homedir "$T/pubonly" --batch --import "$T/alice.asc" "$T/bob.asc" >/dev/null 2>&1
expect_fail "no secret key to sign with is exit 2" 2 \
    mule-seal --homedir "$T/pubonly" -R "$T/bob.asc" -o "$T/o/nosec.asc" "$T/plain"
check "... with a hint to use --no-sign" grep -q 'hint: .*--no-sign' "$T/err"
check "... and no output file" [ -z "$(ls -A "$T/o")" ]

# --- unsigned messages -------------------------------------------------------------------------
run_status 0 mule-seal --no-sign -r bob@example.org "$T/plain"
cp "$T/out" "$T/unsigned.asc"
expect_fail "an unsigned message is refused (exit 1)" 1 mule-open "$T/unsigned.asc"
check "... saying it is not signed" grep -q 'error: .*not signed' "$T/err"
if run_status 0 mule-open --allow-unsigned "$T/unsigned.asc" \
    && cmp -s "$T/plain" "$T/out" \
    && grep -q '^mule-open: warning: .*not signed' "$T/err"; then
	ok "--allow-unsigned opens it, with a warning"
else
	not_ok "--allow-unsigned opens it, with a warning"
fi
expect_fail "--allow-unsigned with --signer is a usage error (exit 2)" 2 \
    mule-open --allow-unsigned --signer "$ALICE" "$T/unsigned.asc"
expect_fail "--allow-unsigned with --signer-file is a usage error (exit 2)" 2 \
    mule-open --allow-unsigned --signer-file "$T/alice.asc" "$T/unsigned.asc"

# --- an e-mail address names that address, not every one containing it ----------------------
# Malice is a different person whose key you have certified.
MALICE=$(gen_key "$GNUPGHOME" 'Malice <malice@example.org>')
mule-seal -u "$MALICE" -r bob@example.org "$T/plain" >"$T/from-malice.asc"
expect_fail "--signer alice@example.org refuses Malice <malice@example.org> (exit 1)" 1 \
    mule-open --signer alice@example.org "$T/from-malice.asc"
if run_status 0 mule-open --signer alice@example.org "$T/rb.asc" \
    && cmp -s "$T/plain" "$T/out"; then
	ok "--signer alice@example.org still accepts Alice"
else
	not_ok "--signer alice@example.org still accepts Alice"
fi
if run_status 0 mule-seal -r alice@example.org "$T/plain" \
    && encrypted_to "$T/out" "$(enc_keyid "$ALICE")"; then
	ok "-r alice@example.org is Alice, not also malice@example.org"
else
	not_ok "-r alice@example.org is Alice, not also malice@example.org"
fi
if run_status 0 mule-seal -u alice@example.org -r bob@example.org "$T/plain" \
    && cp "$T/out" "$T/u-alice.asc" && run_status 0 mule-open "$T/u-alice.asc" \
    && grep -q "good signature from \"Alice <alice@example.org>\" $ALICE," "$T/err"; then
	ok "-u alice@example.org is Alice, not also malice@example.org"
else
	not_ok "-u alice@example.org is Alice, not also malice@example.org"
fi

done_testing
