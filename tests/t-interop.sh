#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Interoperability: what mule-seal writes, gpg, Sequoia (sq, sqop), RNP
# and GopenPGP (gosop) open and verify; what they write, mule-open opens.
. "$srcdir/tests/lib.sh"

# opens_as DESC EXPECTED MSG [MULE-OPEN-OPTIONS...]: mule-open accepts MSG,
# writes EXPECTED and names Alice as the signer.
opens_as() {
	oa_desc=$1 oa_want=$2 oa_msg=$3
	shift 3
	if run_status 0 mule-open "$@" "$oa_msg" && cmp -s "$oa_want" "$T/out" \
	    && grep -q "good signature from \"Alice <alice@example.org>\" $ALICE," "$T/err"; then
		ok "$oa_desc"
	else
		cmp "$oa_want" "$T/out" >&2
		not_ok "$oa_desc"
	fi
}

# have TOOL: is TOOL installed?
have() {
	command -v "$1" >/dev/null 2>&1
}

# skip_n N REASON: skip N tests.
skip_n() {
	sn=$1
	shift
	while [ "$sn" -gt 0 ]; do
		skip "$*"
		sn=$((sn - 1))
	done
}

# gpg_opens DESC EXPECTED MSG [GPG-OPTIONS...]: gpg decrypts MSG to
# EXPECTED and reports a valid signature by Alice's primary key.
gpg_opens() {
	go_desc=$1 go_want=$2 go_msg=$3
	shift 3
	rm -f "$T/gpg.status"
	if gpg --batch --status-file "$T/gpg.status" "$@" -d "$go_msg" \
	    >"$T/gpg.out" 2>"$T/gpg.err" \
	    && cmp -s "$go_want" "$T/gpg.out" \
	    && grep -q '^\[GNUPG:\] DECRYPTION_OKAY' "$T/gpg.status" \
	    && grep -q "^\[GNUPG:\] GOODSIG " "$T/gpg.status" \
	    && grep -Eq "^\[GNUPG:\] VALIDSIG $ALICE .* $ALICE\$" "$T/gpg.status"; then
		ok "$go_desc"
	else
		sed 's/^/#   gpg: /' "$T/gpg.err" >&2
		not_ok "$go_desc"
	fi
}

setup_keys
HOME="$T/fakehome"	# sq, rnp and gosop must not touch the real one
export HOME
mkdir "$HOME"

gpg --batch --export-secret-keys --armor "$ALICE" >"$T/alice-sec.asc"
gpg --batch --export-secret-keys --armor "$BOB" >"$T/bob-sec.asc"
{ printf 'bin\000ary\000'; head -c 50000 /dev/urandom; } >"$T/bin"
head -c 1048576 /dev/urandom >"$T/big"
i=0
while [ $i -lt 200 ]; do
	echo "line $i of a plain text message"
	i=$((i + 1))
done >"$T/text"
printf 'correct horse battery\n' >"$T/pass"

# --- mule-seal -> gpg -----------------------------------------------------
mule-seal -r bob@example.org "$T/bin" >"$T/m.asc"
gpg_opens "gpg -d opens armoured mule-seal output, VALIDSIG by Alice" \
    "$T/bin" "$T/m.asc"
check "gpg saw an integrity-protected message" \
    grep -q '^\[GNUPG:\] GOODMDC' "$T/gpg.status"
mule-seal -r bob@example.org --binary "$T/big" >"$T/m.gpg"
gpg_opens "gpg -d opens binary mule-seal output (1 MiB)" "$T/big" "$T/m.gpg"
# Bob's own home: his secret key and Alice's public key.  (In the shared
# home gpg would try Alice's secret key on the anonymous recipient first,
# log a failure and exit 2 despite decrypting.)
new_home "$T/bobhome"
gpg --homedir "$T/bobhome" --batch --import "$T/bob-sec.asc" "$T/alice.asc" \
    >/dev/null 2>&1
mule-seal -r bob@example.org --hide-recipients "$T/bin" >"$T/mh.asc"
gpg_opens "gpg -d (Bob's home) opens --hide-recipients output" "$T/bin" \
    "$T/mh.asc" --homedir "$T/bobhome"
mule-seal -r bob@example.org --compress "$T/text" >"$T/mc.asc"
gpg_opens "gpg -d opens --compress output" "$T/text" "$T/mc.asc"
mule-seal -c --passphrase-file "$T/pass" "$T/bin" >"$T/ms.asc"
gpg_opens "gpg -d opens symmetric (-c) signed output" "$T/bin" "$T/ms.asc" \
    --pinentry-mode loopback --passphrase 'correct horse battery'
mule-seal -r bob@example.org -R "$T/alice.asc" "$T/bin" >"$T/m2.asc"
gpg_opens "gpg -d opens a message for two recipients" "$T/bin" "$T/m2.asc"

# --- gpg -> mule-open -----------------------------------------------------------
gpg --batch -se -a -r "$BOB" -u "$ALICE" -o "$T/g.asc" "$T/bin"
opens_as "mule-open opens armoured gpg -se output" "$T/bin" "$T/g.asc"
gpg --batch -se -r "$BOB" -u "$ALICE" -o "$T/g.gpg" "$T/big"
opens_as "mule-open opens binary gpg -se output (1 MiB)" "$T/big" "$T/g.gpg"
gpg --batch -se -a -r "$BOB" -o "$T/gd.asc" "$T/text"
check "gpg -se with defaults compresses" \
    sh -c 'gpg --batch --list-packets "$1" 2>/dev/null | grep -q "compressed packet"' \
    sh "$T/gd.asc"
opens_as "mule-open opens gpg -se with gpg's defaults" "$T/text" "$T/gd.asc"
gpg --batch -se -z 0 -r "$BOB" -o "$T/gz.gpg" "$T/text"
opens_as "mule-open opens gpg -se -z 0 (uncompressed)" "$T/text" "$T/gz.gpg"
gpg --batch -se --throw-keyids -r "$BOB" -o "$T/gt.gpg" "$T/bin"
opens_as "mule-open opens gpg -se --throw-keyids" "$T/bin" "$T/gt.gpg"
gpg --batch -se -r "$ALICE" -r "$BOB" -o "$T/g2.gpg" "$T/bin"
opens_as "mule-open opens gpg -se to two recipients" "$T/bin" "$T/g2.gpg"
gpg --batch --pinentry-mode loopback --passphrase 'correct horse battery' \
    -c -s -u "$ALICE" -o "$T/gc.gpg" "$T/bin" 2>/dev/null
opens_as "mule-open opens gpg -c -s with --passphrase-file" "$T/bin" \
    "$T/gc.gpg" --passphrase-file "$T/pass"
gpg --batch -e -r "$BOB" -o "$T/ge.gpg" "$T/bin"
expect_fail "mule-open refuses unsigned gpg -e output (exit 1)" 1 \
    mule-open "$T/ge.gpg"

# --- Sequoia: sqop ------------------------------------------------------------
if have sqop; then
	if sqop decrypt --verifications-out "$T/sqop.v" \
	    --verify-with "$T/alice.asc" "$T/bob-sec.asc" <"$T/m.asc" \
	    >"$T/sqop.out" 2>"$T/sqop.err" && cmp -s "$T/bin" "$T/sqop.out"; then
		ok "sqop decrypt opens mule-seal output"
	else
		sed 's/^/#   sqop: /' "$T/sqop.err" >&2
		not_ok "sqop decrypt opens mule-seal output"
	fi
	check "sqop verified Alice's signature" grep -q " $ALICE $ALICE" "$T/sqop.v"
	if sqop decrypt --verifications-out "$T/sqop.v2" \
	    --verify-with "$T/alice.asc" "$T/bob-sec.asc" <"$T/mh.asc" \
	    >"$T/sqop.out" 2>/dev/null && cmp -s "$T/bin" "$T/sqop.out" \
	    && grep -q " $ALICE $ALICE" "$T/sqop.v2"; then
		ok "sqop decrypt opens --hide-recipients output"
	else
		not_ok "sqop decrypt opens --hide-recipients output"
	fi
	if sqop decrypt --with-password "$T/pass" <"$T/ms.asc" \
	    >"$T/sqop.out" 2>/dev/null && cmp -s "$T/bin" "$T/sqop.out"; then
		ok "sqop decrypt --with-password opens mule-seal -c output"
	else
		not_ok "sqop decrypt --with-password opens mule-seal -c output"
	fi
	sqop encrypt --sign-with "$T/alice-sec.asc" "$T/bob.asc" <"$T/bin" \
	    >"$T/q.asc"
	opens_as "mule-open opens sqop encrypt --sign-with (armoured)" \
	    "$T/bin" "$T/q.asc"
	sqop encrypt --no-armor --sign-with "$T/alice-sec.asc" "$T/bob.asc" \
	    <"$T/big" >"$T/q.gpg"
	opens_as "mule-open opens sqop encrypt --no-armor (1 MiB)" \
	    "$T/big" "$T/q.gpg"
	# A key made by Sequoia, not in the keyring.
	sqop generate-key 'Carol <carol@example.org>' >"$T/carol-sec.asc"
	sqop extract-cert <"$T/carol-sec.asc" >"$T/carol.cert"
	CAROL=$(gpg --with-colons --show-keys "$T/carol.cert" 2>/dev/null |
	    awk -F: '/^fpr/ { print $10; exit }')
	sqop encrypt --sign-with "$T/carol-sec.asc" "$T/bob.asc" <"$T/text" \
	    >"$T/qc.asc"
	expect_fail "mule-open refuses a message signed by an unknown Sequoia key" \
	    1 mule-open "$T/qc.asc"
	if run_status 0 mule-open --signer-file "$T/carol.cert" "$T/qc.asc" \
	    && cmp -s "$T/text" "$T/out" && [ -n "$CAROL" ] \
	    && grep -q "good signature from \"Carol <carol@example.org>\" $CAROL," "$T/err"; then
		ok "... and accepts it with --signer-file CAROL-CERT"
	else
		not_ok "... and accepts it with --signer-file CAROL-CERT"
	fi
	if mule-seal -R "$T/carol.cert" "$T/bin" >"$T/mq.asc" \
	    && sqop decrypt --verifications-out "$T/sqop.v3" \
	    --verify-with "$T/alice.asc" "$T/carol-sec.asc" <"$T/mq.asc" \
	    >"$T/sqop.out" 2>/dev/null && cmp -s "$T/bin" "$T/sqop.out" \
	    && grep -q " $ALICE $ALICE" "$T/sqop.v3"; then
		ok "mule-seal -R SEQUOIA-CERT: sqop opens it with Carol's key"
	else
		not_ok "mule-seal -R SEQUOIA-CERT: sqop opens it with Carol's key"
	fi
else
	skip_n 9 "sqop is not installed"
fi

# --- Sequoia: sq ---------------------------------------------------------------
if have sq; then
	if sq decrypt --recipient-key "$T/bob-sec.asc" \
	    --signer-cert "$T/alice.asc" "$T/m.gpg" >"$T/sq.out" 2>"$T/sq.err" \
	    && cmp -s "$T/big" "$T/sq.out" && grep -q '1 good signature' "$T/sq.err"; then
		ok "sq decrypt --signer-cert opens and verifies mule-seal output"
	else
		sed 's/^/#   sq: /' "$T/sq.err" >&2
		not_ok "sq decrypt --signer-cert opens and verifies mule-seal output"
	fi
	sq encrypt --recipient-cert "$T/bob.asc" --signer-key "$T/alice-sec.asc" \
	    "$T/bin" >"$T/sq.asc"
	opens_as "mule-open opens sq encrypt (default padding compression)" \
	    "$T/bin" "$T/sq.asc"
	sq encrypt --binary --compression none --recipient-cert "$T/bob.asc" \
	    --signer-key "$T/alice-sec.asc" "$T/big" >"$T/sq.gpg"
	opens_as "mule-open opens sq encrypt --binary --compression none" \
	    "$T/big" "$T/sq.gpg"
else
	skip_n 3 "sq is not installed"
fi

# --- RNP ---------------------------------------------------------------------------
if have rnp && have rnpkeys; then
	mkdir "$T/rnp" && chmod 700 "$T/rnp"
	for k in alice.asc bob.asc alice-sec.asc bob-sec.asc; do
		rnpkeys --homedir "$T/rnp" --import "$T/$k" </dev/null >/dev/null 2>&1
	done
	alice_lc=$(echo "$ALICE" | tr 'A-F' 'a-f')
	if rnp --homedir "$T/rnp" --decrypt "$T/m.asc" --output - </dev/null \
	    >"$T/rnp.out" 2>"$T/rnp.err" && cmp -s "$T/bin" "$T/rnp.out" \
	    && grep -q 'Good signature' "$T/rnp.err" \
	    && grep -q "$alice_lc" "$T/rnp.err"; then
		ok "rnp --decrypt opens and verifies mule-seal output"
	else
		sed 's/^/#   rnp: /' "$T/rnp.err" >&2
		not_ok "rnp --decrypt opens and verifies mule-seal output"
	fi
	if rnp --homedir "$T/rnp" --decrypt "$T/m.gpg" --output - </dev/null \
	    >"$T/rnp.out" 2>"$T/rnp.err" && cmp -s "$T/big" "$T/rnp.out" \
	    && grep -q 'Good signature' "$T/rnp.err"; then
		ok "rnp --decrypt opens binary mule-seal output (1 MiB)"
	else
		not_ok "rnp --decrypt opens binary mule-seal output (1 MiB)"
	fi
	if rnp --homedir "$T/rnp" --decrypt --password 'correct horse battery' \
	    "$T/ms.asc" --output - </dev/null >"$T/rnp.out" 2>"$T/rnp.err" \
	    && cmp -s "$T/bin" "$T/rnp.out"; then
		ok "rnp --decrypt --password opens mule-seal -c output"
	else
		not_ok "rnp --decrypt --password opens mule-seal -c output"
	fi
	rnp --homedir "$T/rnp" -e -s -r bob@example.org -u alice@example.org \
	    --armor "$T/bin" --output "$T/r.asc" </dev/null >/dev/null 2>&1
	opens_as "mule-open opens rnp -e -s --armor" "$T/bin" "$T/r.asc"
	rnp --homedir "$T/rnp" -e -s -r bob@example.org -u alice@example.org \
	    "$T/big" --output "$T/r.gpg" </dev/null >/dev/null 2>&1
	opens_as "mule-open opens binary rnp -e -s (1 MiB)" "$T/big" "$T/r.gpg"
	rnp --homedir "$T/rnp" -e -r bob@example.org \
	    "$T/bin" --output "$T/ru.gpg" </dev/null >/dev/null 2>&1
	expect_fail "mule-open refuses unsigned rnp -e output (exit 1)" 1 \
	    mule-open "$T/ru.gpg"
else
	skip_n 6 "rnp is not installed"
fi

# --- GopenPGP: gosop (text plaintext: its decrypt corrupts binary) ----------------
if have gosop; then
	mule-seal -r bob@example.org "$T/text" >"$T/mt.asc"
	if gosop decrypt --verify-out "$T/gosop.v" --verify-with "$T/alice.asc" \
	    "$T/bob-sec.asc" <"$T/mt.asc" >"$T/gosop.out" 2>"$T/gosop.err" \
	    && cmp -s "$T/text" "$T/gosop.out"; then
		ok "gosop decrypt opens mule-seal output"
	else
		sed 's/^/#   gosop: /' "$T/gosop.err" >&2
		not_ok "gosop decrypt opens mule-seal output"
	fi
	check "gosop verified Alice's signature" grep -q " $ALICE $ALICE" "$T/gosop.v"
	mule-seal -r bob@example.org --hide-recipients "$T/text" >"$T/mth.asc"
	if gosop decrypt "$T/bob-sec.asc" <"$T/mth.asc" >"$T/gosop.out" 2>/dev/null \
	    && cmp -s "$T/text" "$T/gosop.out"; then
		ok "gosop decrypt opens --hide-recipients output"
	else
		not_ok "gosop decrypt opens --hide-recipients output"
	fi
	gosop encrypt --sign-with "$T/alice-sec.asc" "$T/bob.asc" <"$T/text" \
	    >"$T/go.asc"
	opens_as "mule-open opens gosop encrypt --sign-with" "$T/text" "$T/go.asc"
	gosop encrypt --as text --sign-with "$T/alice-sec.asc" "$T/bob.asc" \
	    <"$T/text" >"$T/got.asc"
	# A text-mode signature counts only where text is expected.
	expect_fail "mule-open refuses gosop's text-mode signature without --text" 1 \
	    mule-open "$T/got.asc"
	opens_as "mule-open --text opens gosop encrypt --as text" "$T/text" \
	    "$T/got.asc" --text
	gosop encrypt --no-armor --sign-with "$T/alice-sec.asc" "$T/bob.asc" \
	    <"$T/text" >"$T/go.gpg"
	opens_as "mule-open opens gosop encrypt --no-armor" "$T/text" "$T/go.gpg"
else
	skip_n 7 "gosop is not installed"
fi

done_testing
