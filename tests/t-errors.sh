#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-errors.sh - errors that say what to do (issue 18): each message names
# the real key, file or stick it is about (no placeholder such as FPR or
# FILE standing for a value the tool knows), says what went wrong in a
# person's words, and its hint names only options the tool has.
. "$srcdir/tests/lib.sh"
setup_keys
umask 022

echo 'hello' >"$T/in"
printf 'dave-pass\n' >"$T/pass"
mkdir "$T/dir" && echo a >"$T/dir/a"

# says DESC ERE: the one error line in $T/err matches ERE
says() {
	if grep -Eq "$2" "$T/err"; then ok "$1"
	else
		diag "$1: no /$2/ in:"
		sed 's/^/#   stderr: /' "$T/err" >&2
		not_ok "$1"
	fi
}
# no_placeholder DESC: no word in capitals that stands for a value
no_placeholder() {
	if grep -Eq '\b(FPR|FINGERPRINT|KEY|KEYFILE|FILE|SIGFILE|DIR|STICK|NAME|USERID|YOURS|SIZE|N)\b' "$T/err"; then
		diag "$1: a placeholder in:"
		sed 's/^/#   stderr: /' "$T/err" >&2
		not_ok "$1"
	else ok "$1"; fi
}
# hint_bad TOOL: the options the hint in $T/err names that are not in
# TOOL's --help, in $ho_bad; false if there are any
hint_bad() {
	ho_bad=""
	for ho_o in $(sed -n 's/^[a-z-]*: hint: //p' "$T/err" |
	    grep -Eo '(^|[ (])--?[a-zA-Z][a-z-]*' | tr -d ' ('); do
		"$1" --help 2>&1 | grep -Eq -- "(^|[ ,])$ho_o([ ,=]|\$)" ||
		    ho_bad="$ho_bad $ho_o"
	done
	[ -z "$ho_bad" ]
}
# hint_options TOOL DESC: each option the hint names is in TOOL's --help
hint_options() {
	hint_bad "$1"
	check "$2 (${ho_bad:-options all in --help})" [ -z "$ho_bad" ]
}

# === a protected signing key, and nobody to ask for its passphrase ============
DAVE_RE="Dave <dave@example\\.org> \\($DAVE\\)"
NOTERM="is protected by a passphrase and there is no terminal to ask it at"
HINT_PASS="hint: give it with --passphrase-file \\(a file holding it\\) or --passphrase-fd"
use_pinentry none
mkdir "$T/stick" && mule-stick init "$T/stick" >/dev/null ||
    { echo "Bail out! cannot lay out a stick"; exit 99; }
for tool in seal sign bundle stick; do
	case $tool in
	seal) set -- mule-seal -u "$DAVE" -r "$ALICE" -o "$T/x.gpg" "$T/in" ;;
	sign) set -- mule-sign -u "$DAVE" -o "$T/x.asc" "$T/in" ;;
	bundle) set -- mule-bundle -u "$DAVE" -r "$ALICE" -o "$T/x.gpg" "$T/dir" ;;
	stick) set -- mule-stick put "$T/stick" -u "$DAVE" -r "$ALICE" "$T/in" ;;
	esac
	expect_fail "mule-$tool -u DAVE, no terminal: exit 2" 2 with_timeout "$@" </dev/null
	says "... the error names the signing key, and says there is no terminal" \
	    "^mule-$tool: error: the signing key $DAVE_RE $NOTERM\$"
	says "... the hint says --passphrase-file or --passphrase-fd" "^mule-$tool: $HINT_PASS\$"
	hint_options "mule-$tool" "... and mule-$tool has them"
done
use_pinentry none
run_status 0 with_timeout mule-seal -u "$DAVE" -r "$ALICE" --passphrase-file "$T/pass" \
    -o "$T/x.gpg" "$T/in" </dev/null
check "... with --passphrase-file, mule-seal signs" [ $? -eq 0 ]
# -u by fingerprint hands gpg the key without listing it (issue 19):
# what gpg-agent says of its passphrase still names the key.
printf 'not-it\n' >"$T/wrong.pass"
rm -f "$T/x.asc"
use_pinentry none	# a new agent: the right passphrase is not cached
expect_fail "mule-sign -u DAVE --passphrase-file with the wrong one: exit 2" 2 \
    with_timeout mule-sign -u "$DAVE" --passphrase-file "$T/wrong.pass" \
    -o "$T/x.asc" "$T/in" </dev/null
says "... the error names the signing key" \
    "^mule-sign: error: wrong passphrase for the signing key $DAVE_RE\$"
check "... and writes nothing" [ ! -e "$T/x.asc" ]
use_pinentry "$(cat "$T/pass")"
rm -f "$T/x.asc"
if run_status 0 with_timeout mule-sign -u "$DAVE" -o "$T/x.asc" "$T/in" </dev/null \
    && [ "$(pinentry_asked)" -ge 1 ] && gpg --batch --verify "$T/x.asc" 2>/dev/null; then
	ok "mule-sign -u DAVE at a pinentry signs"
else
	not_ok "mule-sign -u DAVE at a pinentry signs"
fi
use_pinentry cancel
rm -f "$T/x.asc"
expect_fail "mule-sign -u DAVE, Cancel at the pinentry: exit 2" 2 \
    with_timeout mule-sign -u "$DAVE" -o "$T/x.asc" "$T/in" </dev/null
says "... the error names the signing key" \
    "^mule-sign: error: cancelled: no passphrase was given for the signing key $DAVE_RE\$"
check "... and writes nothing" [ ! -e "$T/x.asc" ]

# the decrypting side
mule-seal -q -u "$ALICE" -r "$DAVE" -o "$T/for-dave.gpg" "$T/in" &&
    mule-stick put "$T/stick" -u "$ALICE" -r "$DAVE" "$T/in" >/dev/null 2>&1 ||
    { echo "Bail out! cannot seal for Dave"; exit 99; }
use_pinentry none
expect_fail "mule-open, Dave's key and no terminal: exit 2" 2 with_timeout mule-open "$T/for-dave.gpg" </dev/null
says "... the error names the key, and says there is no terminal" "^mule-open: error: the key $DAVE_RE $NOTERM\$"
says "... the hint says --passphrase-file or --passphrase-fd" "^mule-open: $HINT_PASS\$"
mkdir "$T/got"
run_status 2 with_timeout mule-stick get "$T/stick" -C "$T/got" </dev/null
check "mule-stick get, Dave's key and no terminal: exit 2" [ $? -eq 0 ]
says "... the error names the key, and says there is no terminal" "^mule-stick: error: .*the key $DAVE_RE $NOTERM"
says "... the hint says --passphrase-file or --passphrase-fd" "^mule-stick: $HINT_PASS\$"

# === -R with a file that is not a key ======================================
mule-sign -q -u "$ALICE" --detach -o "$T/sig.asc" "$T/in"
for f in in sig.asc for-dave.gpg; do
	expect_fail "mule-seal -R $f (not a key): exit 2" 2 mule-seal -u "$ALICE" -R "$T/$f" -o "$T/y.gpg" "$T/in"
	says "... \"$f is not an OpenPGP key\"" "^mule-seal: error: $T/$f is not an OpenPGP key\$"
	no_placeholder "... no placeholder in the message or hint"
done
expect_fail "mule-stick put -R in (not a key): exit 2" 2 mule-stick put "$T/stick" -u "$ALICE" -R "$T/in" "$T/in"
says "... \"in is not an OpenPGP key\"" "^mule-stick: error: $T/in is not an OpenPGP key\$"
expect_fail "mule-open --signer-file in (not a key): exit 2" 2 mule-open --signer-file "$T/in" "$T/for-dave.gpg"
says "... \"in is not an OpenPGP key\", not a word of the clock" "^mule-open: error: $T/in is not an OpenPGP key\$"
no_placeholder "... no placeholder in the message or hint"

# placeholders where the tool knows the value
F=$(foreign_key eve 'Eve <eve@example.org>')
gpg --batch -q --import "$T/eve.asc" 2>/dev/null
expect_fail "mule-seal -r an uncertified key: exit 2" 2 mule-seal -u "$ALICE" -r eve@example.org -o "$T/y.gpg" "$T/in"
says "... the hint names its fingerprint to certify" "hint: .*gpg --lsign-key $F\\) or name it by fingerprint: -r $F\$"
no_placeholder "... no placeholder"
GNUPGHOME="$T/eve-home" mule-seal -q -u "$F" -r "$F" -o "$T/from-eve.gpg" "$T/in" 2>/dev/null
GNUPGHOME="$T/eve-home" gpg --batch -q --import "$T/bob.asc" 2>/dev/null
GNUPGHOME="$T/eve-home" mule-seal -q -u "$F" -R "$T/bob.asc" -o "$T/eve-to-bob.gpg" "$T/in"
expect_fail "mule-open, an uncertified signer: exit 1" 1 mule-open "$T/eve-to-bob.gpg"
says "... the hint names its fingerprint" "hint: .*gpg --lsign-key $F\\) or pin it with --signer $F\$"
no_placeholder "... no placeholder"

# === a message for someone else ===============================================
expect_fail "mule-open, a message for Eve only: exit 1" 1 mule-open "$T/from-eve.gpg"
says "... it names Eve's key from the keyring" \
    "^mule-open: error: no secret key for this message: sealed for Eve <eve@example\\.org> \\($F\\), not for you\$"
gpg --batch --yes --delete-keys "$F" 2>/dev/null
EVE_SUB=$(GNUPGHOME="$T/eve-home" gpg --with-colons --list-keys "$F" | awk -F: '/^sub/ { print $5; exit }')
expect_fail "mule-open, a message for a key not in the keyring: exit 1" 1 mule-open "$T/from-eve.gpg"
says "... the key ID, as nothing more is known" \
    "^mule-open: error: no secret key for this message: sealed for key ID $EVE_SUB, not for you\$"
GNUPGHOME="$T/eve-home" mule-seal -q --hide-recipients -u "$F" -r "$F" -o "$T/hidden.gpg" "$T/in"
expect_fail "mule-open, a message for a hidden recipient: exit 1" 1 mule-open "$T/hidden.gpg"
says "... it says so" "sealed for 1 hidden recipient, not for you\$"
hint_options mule-open "... the hint names no option mule-open does not have"

# === an uncertified key that claims to be someone you certified ===============
M=$(foreign_key mallory 'Alice <alice@example.org>')
gpg --batch -q --import "$T/mallory.asc" 2>/dev/null
GNUPGHOME="$T/mallory-home" gpg --batch -q --import "$T/bob.asc" 2>/dev/null
GNUPGHOME="$T/mallory-home" mule-seal -q -u "$M" -R "$T/bob.asc" -o "$T/forged.gpg" "$T/in" &&
    GNUPGHOME="$T/mallory-home" mule-sign -q -u "$M" -o "$T/forged.asc" "$T/in" ||
    { echo "Bail out! cannot sign as Mallory"; exit 99; }
IMP="signed by a key that claims to be Alice <alice@example\\.org> \\($M\\), but the Alice you certified is $ALICE: this may be an impersonation"
expect_fail "mule-open, Mallory's key claiming to be Alice: exit 1" 1 mule-open "$T/forged.gpg"
says "... it says Mallory's key claims to be the Alice you certified" "^mule-open: error: $IMP\$"
expect_fail "mule-verify, the same: exit 1" 1 mule-verify "$T/forged.asc"
says "... it says so too" "^mule-verify: error: $IMP\$"
hint_options mule-verify "... the hint names no option mule-verify does not have"
GNUPGHOME="$T/eve-home" mule-sign -q -u "$F" -o "$T/eve-signed.asc" "$T/in"
gpg --batch -q --import "$T/eve.asc" 2>/dev/null
expect_fail "mule-verify, Eve's key (uncertified, claims nobody's name): exit 1" 1 mule-verify "$T/eve-signed.asc"
says "... not certified, no word of impersonation" "^mule-verify: error: signed by key $F, which you have not certified\$"

# === counts, sizes, and one escape for untrusted names ============================
mkdir "$T/one" && printf 'hello\n' >"$T/one/f"
mule-bundle -q -u "$ALICE" -r "$ALICE" -o "$T/one.gpg" "$T/one" &&
    mkdir "$T/one-x" || { echo "Bail out! cannot bundle one file"; exit 99; }
run_status 0 mule-bundle -x -C "$T/one-x" "$T/one.gpg"
check "mule-bundle -x of one file of 6 bytes: exit 0" [ $? -eq 0 ]
says "... \"1 file (6 B) extracted\", not \"1 files (0.0 MiB)\"" "^mule-bundle: 1 file \\(6 B\\) extracted into "
mule-sign -q -u "$ALICE" --manifest "$T/one" >"$T/one.asc" && mv "$T/one.asc" "$T/one/MANIFEST.asc"
run_status 0 mule-verify --manifest "$T/one"
check "mule-verify --manifest of one file: exit 0" [ $? -eq 0 ]
says "... \"1 file matches the manifest\"" "^mule-verify: 1 file matches the manifest\$"
Q=$(foreign_key quote 'Eve "the boss" <boss@example.org>')
GNUPGHOME="$T/quote-home" mule-sign -q -u "$Q" -o "$T/boss.asc" "$T/in"
run_status 0 mule-verify --signer-file "$T/quote.asc" "$T/boss.asc"
check "a signer whose user ID holds double quotes: exit 0" [ $? -eq 0 ]
says "... they are escaped as \\x22, so the quotes around it are the tool's own" \
    "^mule-verify: good signature from \"Eve \\\\x22the boss\\\\x22 <boss@example\\.org>\" $Q, "

# === no message names what is not there ===========================================
for cmd in "put -u $ALICE -r $BOB $T/in" "get -C $T/got" "list"; do
	set -- $cmd
	sub=$1; shift
	expect_fail "mule-stick $sub, a stick that is not there: exit 2" 2 mule-stick "$sub" "$T/nostick" "$@"
	says "... \"not found (is the stick mounted?)\", not \"init\"" \
	    "^mule-stick: error: $T/nostick not found \\(is the stick mounted\\?\\)\$"
	check "... no hint to init it" [ "$(grep -c init "$T/err")" -eq 0 ]
done
mkdir "$T/plain-dir"
expect_fail "mule-stick list, a directory that is not a stick: exit 2" 2 mule-stick list "$T/plain-dir"
says "... the hint names it" "^mule-stick: hint: lay it out with: mule-stick init $T/plain-dir\$"

# Every write fails in turn: no message names a temporary (.mule-*, the
# outbox's and the stick's pending-*) or an option the tool does not have.
if has_test_hooks; then
	mkdir "$T/tree" && head -c 100000 /dev/urandom >"$T/tree/r.bin"
	mule-bundle -q -u "$ALICE" -r "$BOB" -o "$T/b.gpg" "$T/tree"
	: >"$T/all.err"
	for kind in write fsync rename; do
		n=1
		while [ $n -le 20 ]; do
			rm -rf "$T/x" && mkdir "$T/x"
			set -- "put --queue -u $ALICE -r $BOB $T/tree"
			[ $n -le 8 ] && set -- "$@" "put $T/stick -u $ALICE -r $BOB $T/tree" \
			    "get $T/stick -C $T/x" "sync $T/stick"
			for c in "$@"; do
				MULE_FAULT=$kind:$n mule-stick $c >/dev/null 2>"$T/err"
				cat "$T/err" >>"$T/all.err"
				hint_bad mule-stick || cat "$T/err" >>"$T/bad-hints"
			done
			[ $n -le 8 ] && MULE_FAULT=$kind:$n mule-bundle -x -C "$T/x" "$T/b.gpg" >/dev/null 2>>"$T/all.err"
			n=$((n + 1))
		done
	done
	check "faults: errors were made ($(grep -c ': error: ' "$T/all.err"))" grep -q ': error: ' "$T/all.err"
	if grep -E '\.mule-|pending-|\.stage|\.tmp' "$T/all.err" >"$T/temps"; then
		sed 's/^/#   /' "$T/temps" >&2
		not_ok "... none names a temporary"
	else ok "... none names a temporary"; fi
	check "... no hint of mule-stick names an option it does not have" [ ! -s "$T/bad-hints" ]
else
	skip "faults: needs --enable-test-hooks"
	skip "... none names a temporary"
	skip "... no hint of mule-stick names an option it does not have"
fi

done_testing
