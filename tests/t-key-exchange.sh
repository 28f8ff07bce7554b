#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-key-exchange.sh - mule-key between Alice and Bob, each in a GnuPG home
# of their own: generate (each passphrase path), export, fingerprint,
# import after the comparison (by --fingerprint, and at a terminal),
# updates, impersonation, revocation, two imports at once, list.
# Hostile certificates: t-key-refused.sh; other implementations and a
# FAT stick: t-key-interop.sh, t-key-fat.sh.
. "$srcdir/tests/lib.sh"

A="$T/alice-home" B="$T/bob-home" C="$T/carol-home"
for h in "$A" "$B" "$C"; do new_home "$h"; done

# ka / kb / kc ARG...: mule-key as Alice, Bob, Carol.
ka() { with_timeout env GNUPGHOME="$A" mule-key "$@"; }
kb() { with_timeout env GNUPGHOME="$B" mule-key "$@"; }
kc() { with_timeout env GNUPGHOME="$C" mule-key "$@"; }

# words FILE: the twelve words of a fingerprint card, on one line.
words() {
	awk '/^words/ { sub(/^words +/, ""); w = $0; getline;
	    sub(/^ +/, ""); print w " " $0 }' "$1"
}
# card_fpr FILE: the fingerprint of a card, without spaces.
card_fpr() { sed -n 's/^fingerprint  //p' "$1" | tr -d ' '; }

# in_keyring HOME FPR: HOME's keyring has the key FPR.
in_keyring() {
	GNUPGHOME=$1 gpg --batch --list-keys -- "$2" >/dev/null 2>&1
}
# validity HOME FPR: gpg's validity of FPR's first user ID in HOME.
validity() {
	GNUPGHOME=$1 gpg --batch --with-colons --list-keys -- "$2" 2>/dev/null |
	    awk -F: '/^uid/ { print $2; exit }'
}
# nkeys HOME: how many keys HOME's keyring has.
nkeys() {
	GNUPGHOME=$1 gpg --batch --with-colons --list-keys 2>/dev/null |
	    grep -c '^pub'
}

# === generate ================================================================
why=""
run_status 0 ka generate --no-passphrase 'Alice <alice@example.org>' ||
    why="$why exit status;"
cp "$T/out" "$T/alice.card"
AF=$(card_fpr "$T/alice.card")
grep -q '^user ID      Alice <alice@example.org>$' "$T/alice.card" ||
    why="$why no user ID line;"
grep -Eq '^fingerprint  ([0-9A-F]{4} ){5} ([0-9A-F]{4} ){4}[0-9A-F]{4}$' \
    "$T/alice.card" || why="$why no fingerprint in ten groups;"
[ "$(words "$T/alice.card" | wc -w)" -eq 12 ] || why="$why not twelve words;"
grep -qx "uri          OPENPGP4FPR:$AF" "$T/alice.card" || why="$why no URI;"
grep -q 'warning: the new key has no passphrase' "$T/err" ||
    why="$why --no-passphrase not said loudly;"
grep -q 'next: mule-key export' "$T/err" || why="$why no next steps;"
verdict "generate: the fingerprint card on stdout, the next steps on stderr"

why=""
GNUPGHOME=$A gpg --batch --with-colons --list-keys "$AF" >"$T/colons" 2>/dev/null
now=$(date +%s)
awk -F: '$1 == "pub" && $4 == 22 && $7 == "" && $9 == "u" && $12 ~ /c/ &&
    $12 ~ /s/ && $17 == "ed25519" { f = 1 } END { exit !f }' "$T/colons" ||
    why="$why primary not an ultimately trusted Ed25519 key that signs, certifies and never expires;"
awk -F: -v now="$now" '$1 == "sub" && $4 == 18 && $12 == "e" &&
    $7 - now > 59 * 86400 && $7 - now <= 60 * 86400 + 60 { f = 1 }
    END { exit !f }' "$T/colons" ||
    why="$why no Curve25519 encryption subkey of 60 days;"
[ "$(grep -c '^sub' "$T/colons")" -eq 1 ] || why="$why more than one subkey;"
verdict "generate: Ed25519 primary (sign, certify, no expiry, ultimate), Curve25519 subkey for 60 days"

expect_fail "generate: a second key for the same user ID is refused (exit 2)" 2 \
    ka generate --no-passphrase 'Alice <alice@example.org>'
check "... and no second key was made" [ "$(nkeys "$A")" -eq 1 ]

why=""
X="$T/x-home"
new_home "$X"
run_status 0 env GNUPGHOME="$X" mule-key generate -q --no-passphrase \
    --expire 365 --subkey-days 10 'Xavier <x@example.org>' || why="$why exit;"
run_status 0 env GNUPGHOME="$X" mule-key generate -q --no-passphrase \
    --force 'Xavier <x@example.org>' || why="$why --force refused;"
[ "$(nkeys "$X")" -eq 2 ] || why="$why not two keys with --force;"
GNUPGHOME=$X gpg --batch --with-colons --list-keys 'Xavier' >"$T/colons" 2>/dev/null
now=$(date +%s)
awk -F: -v now="$now" '$1 == "pub" && $7 - now > 364 * 86400 &&
    $7 - now <= 365 * 86400 + 60 { f = 1 } END { exit !f }' "$T/colons" ||
    why="$why --expire 365 not applied;"
awk -F: -v now="$now" '$1 == "sub" && $7 - now > 9 * 86400 &&
    $7 - now <= 10 * 86400 + 60 { f = 1 } END { exit !f }' "$T/colons" ||
    why="$why --subkey-days 10 not applied;"
verdict "generate --expire, --subkey-days, --force"

why=""
run_status 0 env GNUPGHOME="$X" mule-key list || why="$why list failed;"
grep -Eq '^mine +[0-9A-F]{40} [0-9]{4}-[0-9]{2}-[0-9]{2}! +Xavier <x@example.org>$' \
    "$T/out" || why="$why no '!' for a subkey that expires in 10 days;"
run_status 0 env GNUPGHOME="$X" mule-key list --json || why="$why --json failed;"
python3 -c 'import json, sys; k = json.load(open(sys.argv[1]))
assert len(k) == 2 and all(x["mine"] and x["state"] == "mine" for x in k)
assert sorted(x["expires_soon"] for x in k) == [False, True]' \
    "$T/out" 2>/dev/null || why="$why JSON wrong;"
verdict "list flags an encryption subkey that expires within two weeks ('!', expires_soon)"
why=""

# The usage errors of generate.
for args in "generate" "generate a b" "generate --no-passphrase ''" \
    "generate --subkey-days 0 x" "generate --fingerprint x y" \
    "frobnicate" "" "list extra" "import" "export --json" \
    "list --no-passphrase"; do
	eval "set -- $args"
	expect_fail "usage: mule-key $args: exit 2" 2 env GNUPGHOME="$X" mule-key "$@"
done
# gpg 2.2 keeps expiry dates in 32 bits: past 2106 they wrap to the past.
expect_fail "generate --expire past 2106 is refused (exit 2)" 2 \
    env GNUPGHOME="$X" mule-key generate --no-passphrase --force --expire 30000 x
expect_fail "generate --subkey-days past 2106 is refused (exit 2)" 2 \
    env GNUPGHOME="$X" mule-key generate --no-passphrase --force \
    --subkey-days 30000 x
expect_fail "usage: a user ID with a newline is refused (exit 2)" 2 \
    env GNUPGHOME="$X" mule-key generate --no-passphrase "$(printf 'Eve\n<e@x>')"

# Bob's key has a passphrase, from a file (the cron path).
echo 'bob passphrase 4 cron' >"$T/bob.pass"
why=""
run_status 0 kb generate --passphrase-file "$T/bob.pass" 'Bob <bob@example.org>' ||
    why="$why exit;"
cp "$T/out" "$T/bob.card"
BF=$(card_fpr "$T/bob.card")
grep -q 'no passphrase' "$T/err" && why="$why warned about no passphrase;"
echo x | GNUPGHOME=$B gpg --batch --pinentry-mode loopback --passphrase wrong \
    -s >/dev/null 2>&1 && why="$why a wrong passphrase signs;"
echo x | GNUPGHOME=$B gpg --batch --pinentry-mode loopback \
    --passphrase-file "$T/bob.pass" -s >/dev/null 2>&1 ||
    why="$why the passphrase from the file does not sign;"
verdict "generate --passphrase-file: the key is protected by that passphrase"

# At a terminal, pinentry asks; Carol's key (her passphrase from a
# scripted pinentry).
why=""
use_pinentry 'carol passphrase 4 pinentry' "$C"
run_status 0 kc generate 'Carol <carol@example.org>' || why="$why exit;"
cp "$T/out" "$T/carol.card"
CF=$(card_fpr "$T/carol.card")
[ "$(pinentry_asked)" -ge 2 ] || why="$why pinentry asked $(pinentry_asked) times;"
verdict "generate with pinentry: asked for the new passphrase, then to make the subkey"

P="$T/p-home"
new_home "$P"
use_pinentry cancel "$P"
expect_fail "generate: a cancelled pinentry exits 2" 2 \
    env GNUPGHOME="$P" mule-key generate 'Pat <pat@example.org>'
check "... and leaves no key behind" [ "$(nkeys "$P")" -eq 0 ]
use_pinentry none "$P"
expect_fail "generate: no pinentry and no --passphrase-file (cron) exits 2" 2 \
    env GNUPGHOME="$P" mule-key generate 'Pat <pat@example.org>'
check "... and leaves no key behind" [ "$(nkeys "$P")" -eq 0 ]

# === export, fingerprint ========================================================
why=""
run_status 0 ka export || why="$why exit;"
head -n 1 "$T/out" | grep -qx -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' ||
    why="$why not armoured;"
run_status 0 ka export -o "$T/alice.asc" || why="$why -o;"
[ -s "$T/alice.asc" ] && [ ! -s "$T/out" ] || why="$why -o wrote elsewhere;"
no_temps "$T" || why="$why temporary left;"
run_status 2 ka export -o "$T/alice.asc" || why="$why an existing -o replaced;"
run_status 0 ka export --force --binary -o "$T/alice.asc" || why="$why --force;"
[ "$(od -An -tx1 -N1 "$T/alice.asc" | tr -d ' ')" = 98 ] ||
    [ "$(od -An -tx1 -N1 "$T/alice.asc" | tr -d ' ')" = c6 ] ||
    why="$why --binary is not binary;"
run_status 0 ka export -o "$T/alice.asc" --force "$AF" || why="$why by FPR;"
run_status 2 ka export nobody@example.org || why="$why an unknown key exported;"
verdict "export: armoured to stdout, atomic -o, --force, --binary, by fingerprint"
kb export -o "$T/bob.asc"
kc export -o "$T/carol.asc"

why=""
run_status 0 ka fingerprint || why="$why own;"
cmp -s "$T/out" "$T/alice.card" || why="$why own card differs from generate's;"
run_status 0 kb fingerprint "$T/alice.asc" || why="$why of a file;"
cmp -s "$T/out" "$T/alice.card" || why="$why the file's card differs;"
run_status 0 kb fingerprint - <"$T/alice.asc" || why="$why of stdin;"
cmp -s "$T/out" "$T/alice.card" || why="$why stdin's card differs;"
run_status 0 ka fingerprint alice@example.org || why="$why by e-mail;"
cmp -s "$T/out" "$T/alice.card" || why="$why by e-mail differs;"
run_status 2 ka fingerprint nobody@example.org || why="$why unknown name;"
# A full fingerprint names the key, even beside a file of that name.
mkdir -p "$T/cwd" && : >"$T/cwd/$AF"
(cd "$T/cwd" && run_status 0 ka fingerprint "$AF") || why="$why by fingerprint;"
cmp -s "$T/out" "$T/alice.card" || why="$why by fingerprint differs;"
verdict "fingerprint: the same card on both machines, from the keyring, a file or stdin"

# === import: the comparison ====================================================
# Bob's home before any import, to start each first import from.
gpgconf --homedir "$B" --kill all >/dev/null 2>&1
cp -R "$B" "$T/bob-fresh"
rm -f "$T/bob-fresh"/S.*
# fresh: a copy of Bob's home as it was, in $F.
fresh() {
	[ -n "${F:-}" ] && gpgconf --homedir "$F" --kill all >/dev/null 2>&1
	F="$T/bob-$1"
	rm -rf "$F" && cp -R "$T/bob-fresh" "$F" && HOMES="$HOMES $F"
}
kf() { with_timeout env GNUPGHOME="$F" mule-key "$@"; }

AW=$(words "$T/alice.card")
CW=$(words "$T/carol.card")
for form in "words:$AW" "fingerprint:$AF" \
    "grouped lower case:$(sed -n 's/^fingerprint  //p' "$T/alice.card" | tr A-F a-f)" \
    "URI:openpgp4fpr:$AF" "upper-case words:$(echo "$AW" | tr a-z A-Z)"; do
	why=""
	fresh import
	run_status 0 kf import --passphrase-file "$T/bob.pass" \
	    --fingerprint "${form#*:}" "$T/alice.asc" || why="$why exit;"
	grep -q "key $AF accepted" "$T/err" || why="$why not reported;"
	[ "$(validity "$F" "$AF")" = f ] || why="$why not valid (certified);"
	verdict "import --fingerprint (${form%%:*}): accepted and certified"
done

why=""
echo 'meet at noon' >"$T/note"
GNUPGHOME=$F mule-seal -q -r alice@example.org --passphrase-file "$T/bob.pass" \
    -o "$T/note.asc" "$T/note" || why="$why mule-seal to Alice;"
run_status 1 env GNUPGHOME="$A" mule-open "$T/note.asc" ||
    why="$why Alice accepted Bob's signature before accepting Bob;"
run_status 0 ka import --fingerprint "$(words "$T/bob.card")" "$T/bob.asc" ||
    why="$why Alice's import of Bob;"
run_status 0 env GNUPGHOME="$A" mule-open "$T/note.asc" || why="$why mule-open;"
[ "$(cat "$T/out")" = 'meet at noon' ] || why="$why plaintext;"
grep -q "good signature from \"Bob <bob@example.org>\" $BF" "$T/err" ||
    why="$why signer not named;"
verdict "after the exchange, mule-seal and mule-open work between them"

fresh mismatch
expect_fail "import: another key's words: exit 1" 1 \
    kf import --passphrase-file "$T/bob.pass" --fingerprint "$CW" "$T/alice.asc"
check "... nothing imported" sh -c "! GNUPGHOME='$F' gpg --list-keys '$AF' >/dev/null 2>&1"
grep -q 'does not match' "$T/err"
check "... the error says the fingerprint does not match" [ $? -eq 0 ]
expect_fail "import: --fingerprint that is neither words nor a fingerprint: exit 2" 2 \
    kf import --passphrase-file "$T/bob.pass" --fingerprint yes "$T/alice.asc"
expect_fail "import: no terminal and no --fingerprint: exit 2" 2 \
    kf import --passphrase-file "$T/bob.pass" "$T/alice.asc"
check "... nothing imported" sh -c "! GNUPGHOME='$F' gpg --list-keys '$AF' >/dev/null 2>&1"

# The certification needs Bob's passphrase: no way to ask is exit 2 and
# nothing imported; the scripted pinentry or the file work.
fresh nopin
use_pinentry none "$F"
expect_fail "import: the certification cannot get Bob's passphrase: exit 2" 2 \
    kf import --fingerprint "$AF" "$T/alice.asc"
check "... nothing imported (never imported-but-uncertified)" \
    sh -c "! GNUPGHOME='$F' gpg --list-keys '$AF' >/dev/null 2>&1"
use_pinentry 'bob passphrase 4 cron' "$F"
run_status 0 kf import --fingerprint "$AF" "$T/alice.asc"
check "import: Bob's passphrase from pinentry certifies" [ "$(validity "$F" "$AF")" = f ]

# At a terminal (a pseudo-terminal, as a person has).
tty_import() {
	printf '%s\n' "$@" >"$T/answers"
	with_timeout python3 "$srcdir/tests/key-tty.py" "$T/answers" \
	    env GNUPGHOME="$F" mule-key import --passphrase-file "$T/bob.pass" \
	    "$T/alice.asc" >"$T/tty" 2>&1
}
if command -v python3 >/dev/null 2>&1; then
	fresh tty
	why=""
	tty_import "$AW"
	[ $? -eq 0 ] || why="$why exit;"
	[ "$(validity "$F" "$AF")" = f ] || why="$why not certified;"
	grep -q 'user ID   Alice <alice@example.org>' "$T/tty" || why="$why no user ID shown;"
	# Before the answer: no fingerprint, no words of it.
	sed '/^> /,$d' "$T/tty" >"$T/before"
	grep -q "$(echo "$AW" | cut -d' ' -f1-3)" "$T/before" && why="$why words shown;"
	grep -qi "$(echo "$AF" | cut -c1-8)" "$T/before" && why="$why fingerprint shown;"
	verdict "at a terminal: the typed words import; the key's words are not shown before"

	fresh tty-wrong
	tty_import "$CW"
	check "at a terminal: another key's words: exit 1" [ $? -eq 1 ]
	check "... nothing imported" sh -c "! GNUPGHOME='$F' gpg --list-keys '$AF' >/dev/null 2>&1"

	fresh tty-typo
	why=""
	tty_import "cranky equipment" "$(echo "$AW" | tr ' ' '-')"
	[ $? -eq 0 ] || why="$why exit;"
	grep -q 'neither 12 words' "$T/tty" || why="$why not asked again;"
	[ "$(validity "$F" "$AF")" = f ] || why="$why not certified;"
	verdict "at a terminal: a malformed answer is asked again"

	fresh tty-eof
	tty_import
	check "at a terminal: no answer (end of input): exit 2" [ $? -eq 2 ]
	check "... nothing imported" sh -c "! GNUPGHOME='$F' gpg --list-keys '$AF' >/dev/null 2>&1"
	fresh tty-junk
	tty_import x y z
	check "at a terminal: three malformed answers: exit 1" [ $? -eq 1 ]
else
	for i in 1 2 3 4 5 6 7; do skip "the terminal tests need python3"; done
fi

# === two imports at once, list ====================================================
# Two gpg runs that change one keybox at once can lose a change (without
# mule-key's lock, one certification in two was lost): five rounds, in
# copies of the home of Rob, whose key has no passphrase (the race is
# tighter without the loopback), each must end with both keys certified.
R0="$T/rob-fresh"
new_home "$R0"
GNUPGHOME=$R0 mule-key generate -q --no-passphrase 'Rob <rob@example.org>' \
    >/dev/null 2>&1
gpgconf --homedir "$R0" --kill all >/dev/null 2>&1
rm -f "$R0"/S.*
why=""
for round in 1 2 3 4 5; do
	R="$T/rob-$round"
	cp -R "$R0" "$R" && HOMES="$HOMES $R"
	GNUPGHOME=$R mule-key import -q --fingerprint "$AF" "$T/alice.asc" \
	    >"$T/o1" 2>"$T/e1" &
	p1=$!
	GNUPGHOME=$R mule-key import -q --fingerprint "$CF" "$T/carol.asc" \
	    >"$T/o2" 2>"$T/e2" &
	p2=$!
	wait $p1 || why="$why round $round: Alice's import failed: $(cat "$T/e1");"
	wait $p2 || why="$why round $round: Carol's import failed: $(cat "$T/e2");"
	[ "$(validity "$R" "$AF")" = f ] && [ "$(validity "$R" "$CF")" = f ] ||
	    why="$why round $round: not both certified;"
	gpgconf --homedir "$R" --kill all >/dev/null 2>&1
done
verdict "two imports at once, five times: both accepted each time"
fresh both
kf import -q --passphrase-file "$T/bob.pass" --fingerprint "$AF" "$T/alice.asc"
kf import -q --passphrase-file "$T/bob.pass" --fingerprint "$CF" "$T/carol.asc"

why=""
M=$(foreign_key mallory 'Mallory <mallory@example.org>')
GNUPGHOME=$F gpg --batch -q --import "$T/mallory.asc" 2>/dev/null
run_status 0 kf list || why="$why exit;"
grep -Eq "^mine +$BF [0-9-]{10} +Bob <bob@example.org>\$" "$T/out" || why="$why mine;"
grep -Eq "^accepted +$AF [0-9-]{10} +Alice <alice@example.org>\$" "$T/out" ||
    why="$why Alice;"
grep -Eq "^not-certified +$M never +Mallory <mallory@example.org>\$" "$T/out" ||
    why="$why Mallory merely present;"
[ "$(wc -l <"$T/out")" -eq 4 ] || why="$why not one line per key;"
run_status 0 kf list --json || why="$why --json;"
python3 -c 'import json, sys
k = {x["fingerprint"]: x for x in json.load(open(sys.argv[1]))}
a, b, m = k[sys.argv[2]], k[sys.argv[3]], k[sys.argv[4]]
assert a["state"] == "accepted" and a["accepted"] and not a["mine"]
assert a["user_ids"] == ["Alice <alice@example.org>"]
assert a["encryption_subkey"]["expires"] > 0 and not a["expires_soon"]
assert b["mine"] and b["state"] == "mine"
assert m["state"] == "not-certified" and not m["accepted"]' \
    "$T/out" "$AF" "$BF" "$M" 2>"$T/py" || why="$why JSON: $(cat "$T/py");"
run_status 0 env GNUPGHOME="$F" mule key list || why="$why mule key list;"
verdict "list: mine, accepted, not-certified (merely present); --json; mule key"

# A key not accepted yet that bears an accepted peer's user ID, even with
# its own fingerprint confirmed: refused, or mule-open would name it
# "Alice".
IMP=$(foreign_key impostor 'Alice <alice@example.org>')
expect_fail "import: a new key with an accepted peer's user ID is refused (exit 1)" 1 \
    kf import --passphrase-file "$T/bob.pass" --fingerprint "$IMP" "$T/impostor.asc"
check "... it is not in the keyring" sh -c "! GNUPGHOME='$F' gpg --list-keys '$IMP' >/dev/null 2>&1"

# Several keys of Bob's own: -u names the one that certifies.
why=""
run_status 0 kf generate -q --no-passphrase 'Bob <bob@work.example>' || why="$why second key;"
run_status 2 kf import --passphrase-file "$T/bob.pass" --fingerprint "$M" \
    "$T/mallory.asc" || why="$why imported without -u;"
run_status 0 kf import --passphrase-file "$T/bob.pass" -u "$BF" \
    --fingerprint "$M" "$T/mallory.asc" || why="$why -u refused;"
[ "$(validity "$F" "$M")" = f ] || why="$why not certified with -u;"
verdict "import: with two keys of one's own, -u chooses the one that certifies"

# Bob's own key not ultimately trusted: the certification makes nothing
# valid, and import says so.
fresh notrust
why=""
echo "$BF:2:" | GNUPGHOME=$F gpg --batch --import-ownertrust 2>/dev/null
run_status 0 kf import --passphrase-file "$T/bob.pass" --fingerprint "$AF" \
    "$T/alice.asc" || why="$why exit;"
grep -q 'not ultimately trusted' "$T/err" || why="$why not said;"
run_status 0 kf list && grep -q "^mine-not-ultimate " "$T/out" || why="$why list;"
verdict "import warns when one's own key is not ultimately trusted"

# === updates =============================================================================
# Alice adds a subkey and a user ID; Bob takes the new certificate in
# without a comparison (no terminal, no --fingerprint).
fresh update
kf import -q --passphrase-file "$T/bob.pass" --fingerprint "$AF" "$T/alice.asc"
kf import -q --passphrase-file "$T/bob.pass" --fingerprint "$CF" "$T/carol.asc"
cp -R "$A" "$T/alice-later" && rm -f "$T/alice-later"/S.*
AL="$T/alice-later"
HOMES="$HOMES $AL"
GNUPGHOME=$AL gpg --batch -q --pinentry-mode loopback --passphrase '' \
    --quick-add-key "$AF" cv25519 encr 120d 2>/dev/null
GNUPGHOME=$AL gpg --batch -q --pinentry-mode loopback --passphrase '' \
    --quick-add-uid "$AF" 'Alice <alice@work.example>' 2>/dev/null
GNUPGHOME=$AL mule-key export -o "$T/alice-v2.asc"
why=""
run_status 0 kf import --passphrase-file "$T/bob.pass" "$T/alice-v2.asc" ||
    why="$why exit;"
grep -q "key $AF updated: 1 new user ID, 1 new subkey" "$T/err" || why="$why report;"
[ "$(GNUPGHOME=$F gpg --with-colons --list-keys "$AF" | grep -c '^sub')" -eq 2 ] ||
    why="$why the subkey not merged;"
GNUPGHOME=$F gpg --with-colons --list-keys "$AF" |
    grep -q '^uid:f:.*Alice <alice@work.example>' || why="$why the new user ID not certified;"
verdict "update: a new subkey and user ID merged without a comparison"

# ... or Carol's e-mail address under another name, in other case: the
# mule tools find Carol by it.
cp -R "$AL" "$T/alice-mo" && rm -f "$T/alice-mo"/S.*
HOMES="$HOMES $T/alice-mo"
GNUPGHOME=$T/alice-mo gpg --batch -q --pinentry-mode loopback --passphrase '' \
    --quick-add-uid "$AF" 'Mo <CAROL@Example.ORG>' 2>/dev/null
GNUPGHOME=$T/alice-mo mule-key export -o "$T/alice-mo.asc"
expect_fail "update: a new user ID with another peer's e-mail address (any case) is refused" 1 \
    kf import --passphrase-file "$T/bob.pass" "$T/alice-mo.asc"

# A file name from the stick reaches the terminal escaped.
ESCNAME="$T/$(printf 'a\033[2Jb').asc"
cp "$T/alice-v2.asc" "$ESCNAME"
run_status 1 kf import --fingerprint "$CF" "$ESCNAME"
check "a file name with an escape sequence is printed escaped" \
    sh -c "! grep -q \"$(printf '\033')\" '$T/err' && grep -q 'a\\\\x1b' '$T/err'"

# Alice (or whoever holds her key) adds Carol's user ID: refused.
GNUPGHOME=$AL gpg --batch -q --pinentry-mode loopback --passphrase '' \
    --quick-add-uid "$AF" 'Carol <carol@example.org>' 2>/dev/null
GNUPGHOME=$AL mule-key export -o "$T/alice-v3.asc"
expect_fail "update: a new user ID that is another peer's is refused (exit 1)" 1 \
    kf import --passphrase-file "$T/bob.pass" "$T/alice-v3.asc"
GNUPGHOME=$F gpg --with-colons --list-keys "$AF" | grep -q 'Carol <carol'
check "... Carol's user ID did not reach Alice's key" [ $? -ne 0 ]

# A revocation: merged and reported; a message Alice signed before is
# now refused.
why=""
echo 'before the revocation' >"$T/old"
GNUPGHOME=$A mule-seal -q -r "$BF" -o "$T/old.asc" "$T/old"
GNUPGHOME=$F mule-open -q --passphrase-file "$T/bob.pass" "$T/old.asc" >/dev/null 2>&1 ||
    why="$why the old message did not open before;"
sed 's/^:-----/-----/' "$A/openpgp-revocs.d/$AF.rev" >"$T/alice.rev"
GNUPGHOME=$A gpg --batch -q --import "$T/alice.rev" 2>/dev/null
GNUPGHOME=$A mule-key export -o "$T/alice-revoked.asc" "$AF"
run_status 0 kf import --passphrase-file "$T/bob.pass" "$T/alice-revoked.asc" ||
    why="$why exit;"
grep -q "key $AF is revoked (new): gpg now refuses every message" "$T/err" ||
    why="$why not reported;"
run_status 1 env GNUPGHOME="$F" mule-open --passphrase-file "$T/bob.pass" "$T/old.asc" ||
    why="$why the old message still opens;"
run_status 0 kf list && grep -Eq "^revoked +$AF " "$T/out" || why="$why list;"
verdict "revocation: merged, reported; a message signed before is refused"

fresh revoked-first
expect_fail "import: a revoked key not accepted yet is refused (exit 1)" 1 \
    kf import --passphrase-file "$T/bob.pass" --fingerprint "$AF" "$T/alice-revoked.asc"

done_testing
