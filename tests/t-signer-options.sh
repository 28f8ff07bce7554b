#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-signer-options.sh - --signer, --signer-file and --allow-unsigned, which
# cli parses for every tool that verifies (mule_cli_signer_option): the
# same meaning in mule-open, mule-verify, mule-bundle -t/-x and mule-stick
# get; repeated options; where an option does not belong, a usage error
# (exit 2); a pin that matches no signature, a rejection (exit 1).  Every
# refusal: its exit status, nothing on standard output, one error line.
. "$srcdir/tests/lib.sh"
setup_keys

printf 'pay bob\n' >"$T/plain"
mule-seal -q -r "$BOB" -o "$T/msg.asc" "$T/plain" &&
    mule-seal -q --no-sign -r "$BOB" -o "$T/unsigned.asc" "$T/plain" &&
    mule-sign -q -o "$T/signed.asc" "$T/plain" &&
    mkdir "$T/tree" && cp "$T/plain" "$T/tree/" &&
    mule-bundle -q -r "$BOB" -o "$T/b.asc" "$T/tree" ||
    { echo "Bail out! cannot make the test inputs"; exit 99; }
printf 'not a key at all\n' >"$T/garbage.asc"
gpg --export --armor "$DAVE" >"$T/dave.asc"
mkdir "$T/x"

# accepts DESC COMMAND...: exit 0 and the plaintext on standard output.
accepts() {
	desc=$1; shift
	if run_status 0 "$@" && grep -qx 'pay bob' "$T/out"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

# usage_error DESC ERE COMMAND...: exit 2, nothing on standard output, one
# error line, and it matches ERE (so it fails for the reason meant).
usage_error() {
	desc=$1 ue_re=$2; shift 2
	expect_fail "$desc" 2 "$@"
	check "... saying so (/$ue_re/)" grep -Eq "error: .*$ue_re" "$T/err"
}

# --- repeated options: any one pin that signed is enough ------------------
accepts "mule-open --signer BOB --signer ALICE: accepted (Alice signed)" \
    mule-open --signer "$BOB" --signer "$ALICE" "$T/msg.asc"
expect_fail "mule-open --signer BOB --signer DAVE: rejected (exit 1)" 1 \
    mule-open --signer "$BOB" --signer "$DAVE" "$T/msg.asc"
accepts "mule-open --signer-file dave.asc --signer-file alice.asc: accepted" \
    mule-open --signer-file "$T/dave.asc" --signer-file "$T/alice.asc" "$T/msg.asc"
expect_fail "mule-open --signer-file dave.asc --signer-file bob.asc: rejected (exit 1)" 1 \
    mule-open --signer-file "$T/dave.asc" --signer-file "$T/bob.asc" "$T/msg.asc"
accepts "mule-open --signer DAVE --signer-file alice.asc: accepted" \
    mule-open --signer "$DAVE" --signer-file "$T/alice.asc" "$T/msg.asc"
accepts "mule-verify --signer BOB --signer ALICE: accepted" \
    mule-verify --signer "$BOB" --signer "$ALICE" "$T/signed.asc"
expect_fail "mule-verify --signer BOB --signer DAVE: rejected (exit 1)" 1 \
    mule-verify --signer "$BOB" --signer "$DAVE" "$T/signed.asc"
expect_fail "mule-verify --signer-file dave.asc --signer-file bob.asc: rejected (exit 1)" 1 \
    mule-verify --signer-file "$T/dave.asc" --signer-file "$T/bob.asc" "$T/signed.asc"
run_status 0 mule-bundle -t --signer "$BOB" --signer "$ALICE" "$T/b.asc"
check "mule-bundle -t --signer BOB --signer ALICE: listed" grep -q 'tree/plain' "$T/out"
expect_fail "mule-bundle -t --signer BOB --signer DAVE: rejected (exit 1)" 1 \
    mule-bundle -t --signer "$BOB" --signer "$DAVE" "$T/b.asc"
expect_fail "mule-bundle -x --signer-file dave.asc: rejected (exit 1)" 1 \
    mule-bundle -x -C "$T/x" --signer-file "$T/dave.asc" "$T/b.asc"
check "... and nothing extracted" [ -z "$(ls -A "$T/x")" ]

# --- a signer option that names no key: operational (exit 2) ----------------
expect_fail "mule-open --signer-file with no key in it: exit 2" 2 \
    mule-open --signer-file "$T/garbage.asc" "$T/msg.asc"
expect_fail "mule-verify --signer-file with no key in it: exit 2" 2 \
    mule-verify --signer-file "$T/garbage.asc" "$T/signed.asc"
expect_fail "mule-bundle -t --signer-file with no key in it: exit 2" 2 \
    mule-bundle -t --signer-file "$T/garbage.asc" "$T/b.asc"
expect_fail "mule-open --signer naming no key: exit 2" 2 \
    mule-open --signer nobody@example.org "$T/msg.asc"
expect_fail "mule-verify --signer naming no key: exit 2" 2 \
    mule-verify --signer nobody@example.org "$T/signed.asc"

# --- --allow-unsigned: only alone, only where it exists -----------------------
accepts "mule-open --allow-unsigned: an unsigned message opens" \
    mule-open --allow-unsigned "$T/unsigned.asc"
expect_fail "mule-open: an unsigned message without --allow-unsigned is exit 1" 1 \
    mule-open "$T/unsigned.asc"
usage_error "mule-bundle -t --allow-unsigned --signer: usage error (exit 2)" 'excludes --signer' \
    mule-bundle -t --allow-unsigned --signer "$ALICE" "$T/b.asc"
usage_error "mule-bundle -x --allow-unsigned --signer-file: usage error (exit 2)" 'excludes --signer' \
    mule-bundle -x -C "$T/x" --allow-unsigned --signer-file "$T/alice.asc" "$T/b.asc"
usage_error "mule-verify has no --allow-unsigned (exit 2)" 'unknown option --allow-unsigned' \
    mule-verify --allow-unsigned "$T/signed.asc"
usage_error "mule-stick has no --allow-unsigned (exit 2)" 'unknown option --allow-unsigned' \
    mule-stick get "$T/stick" -C "$T/x" --allow-unsigned

# --- options where they do not belong -------------------------------------------
usage_error "mule-bundle -c --signer: usage error (exit 2)" '--signer is for -t and -x' \
    mule-bundle -r "$BOB" --signer "$ALICE" -o "$T/x.asc" "$T/tree"
check "... and no bundle written" [ ! -e "$T/x.asc" ]
usage_error "mule-bundle -c --allow-unsigned: usage error (exit 2)" '--allow-unsigned is for -t and -x' \
    mule-bundle -r "$BOB" --allow-unsigned -o "$T/x.asc" "$T/tree"
usage_error "mule-stick put --signer: usage error (exit 2)" '--signer is for get' \
    mule-stick put "$T/stick" -r "$BOB" --signer "$ALICE" "$T/plain"
usage_error "mule-stick put --signer-file: usage error (exit 2)" '--signer-file is for get' \
    mule-stick put "$T/stick" -r "$BOB" --signer-file "$T/alice.asc" "$T/plain"
check "... and no stick touched" [ ! -e "$T/stick" ]
usage_error "mule-stick put with standard input twice: usage error (exit 2)" \
    'standard input \(-\) once at most' \
    mule-stick put "$T/stick" -r "$BOB" - - </dev/null
check "... before the stick is looked at" [ ! -e "$T/stick" ]

done_testing
