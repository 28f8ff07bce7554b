#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile input to mule-open: garbage, truncation, tampering, messages that
# are not for us, not encrypted, not signed or signed wrongly, keys and
# signatures at the wrong time, and the static vectors in tests/vectors.
# Every refusal must be: the right exit status, nothing on standard output,
# one "error:" line (and at most one "hint:" line), and with -o no output
# file and no .mule-* temporary.
. "$srcdir/tests/lib.sh"
VEC="$srcdir/tests/vectors"

# --- helpers ---------------------------------------------------------------
mo() { with_timeout mule-open "$@"; }

# at HOME WHEN GPG-ARGS...: gpg in HOME with the clock set to WHEN.
at() {
	h=$1 w=$2; shift 2
	GNUPGHOME=$h gpg --batch --pinentry-mode loopback --passphrase '' \
	    --faked-system-time "$w!" "$@"
}

# key_at HOME WHEN "Name <email>" ALGO USAGE EXPIRE: prints the fingerprint.
key_at() {
	at "$1" "$2" --quick-gen-key "$3" "$4" "$5" "$6" >/dev/null 2>&1 ||
	    return 1
	at "$1" "$2" --with-colons --list-keys -- "$3" 2>/dev/null |
	    awk -F: '/^fpr/ { print $10; exit }'
}

one_error() { one_error_of mule-open "$1"; }

# refused STATUS FILE [OPTION...]: see refused_by in lib.sh.
refused() { refused_by mule-open "$@"; }


# rejects DESC STATUS FILE [OPTION...]
rejects() {
	desc=$1; shift
	if refused "$@"; then ok "$desc"; else failed "$desc"; fi
}

# rejects_hint DESC STATUS PATTERN FILE [OPTION...]: and the hint line
# matches PATTERN (grep -i).
rejects_hint() {
	desc=$1 st=$2 pat=$3; shift 3
	refused "$st" "$@"
	grep '^mule-open: hint: ' "$T/err" | grep -qi -- "$pat" ||
	    why="$why no hint matching '$pat';"
	if [ -z "$why" ]; then ok "$desc"; else failed "$desc"; fi
}

# made FILE TEXT: plain gpg here gets TEXT out of FILE (so that a refusal
# below is about what FILE is meant to test), or bail out.
made() {
	gpg --batch --ignore-time-conflict -d "$1" 2>/dev/null | grep -qx -- "$2" ||
	    { echo "Bail out! could not make ${1##*/}"; exit 99; }
}

# loop_refused DESC STATUS LIST-FILE: every file named in LIST-FILE is
# refused (every third also with -o); one test for all of them.
loop_refused() {
	desc=$1 st=$2 bad="" lr_i=0
	while read -r f; do
		# Every input from standard input; every third also with -o.
		lr_i=$((lr_i + 1))
		REFUSED_STDIN_ONLY=$((lr_i % 3 != 1))
		refused "$st" "$f" || bad="$bad ${f##*/}:$why (starts$(od -An \
		    -tx1 -N8 "$f" | tr -s ' '); $(sed -n 1p "$T/err"));"
		cat "$T/err" "$T/err2" >>"$T/loop.err"
	done <"$3"
	REFUSED_STDIN_ONLY=0
	if [ -z "$bad" ]; then
		ok "$desc ($(wc -l <"$3") inputs)"
	else
		diag "$desc: failed for$bad"
		not_ok "$desc"
	fi
}

# --- keys and messages -----------------------------------------------------
NVEC=$(awk '/^    [a-z0-9-]+\.(asc|gpg) +[0-9]/' "$VEC/README" | wc -l)
setup_keys

# Small enough that sampling every few dozen bytes below stays quick, big
# enough that each packet (keys, signature, data, MDC) gets many samples.
head -c 700 /dev/urandom | od -An -tx1 >"$T/plain"
mule-seal -q --binary -r "$BOB" -o "$T/msg.gpg" "$T/plain" &&
    mule-seal -q -r "$BOB" -o "$T/msg.asc" "$T/plain" ||
    { echo "Bail out! cannot seal the test messages"; exit 99; }
mo "$T/msg.gpg" >"$T/p1" 2>/dev/null && mo "$T/msg.asc" >"$T/p2" 2>/dev/null &&
    cmp -s "$T/p1" "$T/plain" && cmp -s "$T/p2" "$T/plain"
check "the untouched messages open (so the failures below are the tampering's)" [ $? -eq 0 ]

# --- garbage -------------------------------------------------------------------
printf 'this is not an OpenPGP message\nnot at all\n' >"$T/garbage.txt"
rejects "plain text is refused" 1 "$T/garbage.txt"
# Random bytes: most are not OpenPGP at all, but a few in a hundred start
# with a plausible packet header; the vectors pin down the known kinds.
: >"$T/list"
for i in $(seq 1 24); do
	head -c 4096 /dev/urandom >"$T/random-$i"
	echo "$T/random-$i" >>"$T/list"
done
loop_refused "random bytes are refused" 1 "$T/list"
gpg --export "$ALICE" >"$T/key.gpg"
rejects "an OpenPGP key given instead of a message is refused" 1 "$T/key.gpg"
gpg --export --armor "$ALICE" >"$T/key.asc"
refused 1 "$T/key.asc"
grep -qi 'text before' "$T/err" &&
    why="$why it claims text before the BEGIN line (there is none);"
if [ -z "$why" ]; then
	ok "an armoured key instead of a message is refused, and not misdescribed"
else
	failed "an armoured key instead of a message is refused, and not misdescribed"
fi
: >"$T/empty"
rejects "empty input is refused" 1 "$T/empty"

# --- truncation --------------------------------------------------------------
: >"$T/loop.err"
n=$(size "$T/msg.asc")
: >"$T/list"
for len in $(seq 1 41 $((n - 3))) $((n - 2)) $((n - 3)) $((n - 8)) $((n - 30)); do
	head -c "$len" "$T/msg.asc" >"$T/trunc-asc-$len"
	echo "$T/trunc-asc-$len" >>"$T/list"
done
loop_refused "armoured message truncated at many points is refused" 1 "$T/list"
n=$(size "$T/msg.gpg")
: >"$T/list"
for len in $(seq 1 29 $((n - 1))) $((n - 1)) $((n - 2)) $((n - 22)); do
	head -c "$len" "$T/msg.gpg" >"$T/trunc-gpg-$len"
	echo "$T/trunc-gpg-$len" >>"$T/list"
done
loop_refused "binary message truncated at many points is refused" 1 "$T/list"
check "a truncated message is never called signed-only (no mule-verify hint)" \
    sh -c '! grep -qiE "mule-verify|signed but not encrypted" "$1"' - "$T/loop.err"

# --- tampering -----------------------------------------------------------------
n=$(size "$T/msg.gpg")
: >"$T/list"
for off in $(seq 0 37 $((n - 1))) $((n - 1)); do
	flip "$T/msg.gpg" "$off" "$T/flip-$off"
	echo "$T/flip-$off" >>"$T/list"
done
loop_refused "a flipped bit anywhere in a binary message is refused" 1 "$T/list"

lines=$(wc -l <"$T/msg.asc")
: >"$T/list"
for ln in $(seq 3 $((lines - 3))); do
	for col in 1 33; do
		awk -v L="$ln" -v C="$col" 'NR == L && length($0) >= C {
			c = substr($0, C, 1); r = (c == "Q") ? "R" : "Q"
			$0 = substr($0, 1, C - 1) r substr($0, C + 1) } { print }' \
		    "$T/msg.asc" >"$T/aflip-$ln-$col"
		cmp -s "$T/aflip-$ln-$col" "$T/msg.asc" ||
		    echo "$T/aflip-$ln-$col" >>"$T/list"
	done
done
loop_refused "a changed character in the armour body is refused" 1 "$T/list"
awk '/^=/ && length($0) == 5 { c = substr($0, 3, 1)
	$0 = substr($0, 1, 2) ((c == "Q") ? "R" : "Q") substr($0, 4) } { print }' \
    "$T/msg.asc" >"$T/crcflip.asc"
if cmp -s "$T/crcflip.asc" "$T/msg.asc"; then
	skip "no armour checksum line to change"
else
	rejects "a changed armour checksum is refused" 1 "$T/crcflip.asc"
fi

# --- not for us, not from someone we accept -----------------------------------------
MALLORY=$(foreign_key mallory 'Mallory <mallory@example.org>')
foreign_key trudy 'Trudy <trudy@example.org>' >/dev/null
mule-seal -q --homedir "$T/mallory-home" -r "$MALLORY" -o "$T/other.asc" "$T/plain"
rejects "a message for another key is refused" 1 "$T/other.asc"
mule-seal -q --homedir "$T/mallory-home" -R "$T/bob.asc" -o "$T/stranger.asc" \
    "$T/plain"
rejects "a message signed by an unknown key is refused" 1 "$T/stranger.asc"
gpg --batch --import "$T/trudy.asc" 2>/dev/null
mule-seal -q --homedir "$T/trudy-home" -R "$T/bob.asc" -o "$T/uncert.asc" \
    "$T/plain"
rejects "a message signed by a known but uncertified key is refused" 1 \
    "$T/uncert.asc"

# --- signed but not encrypted ------------------------------------------------------
echo 'signed only' | gpg --batch -u "$ALICE" -s >"$T/signed.gpg" 2>/dev/null
made "$T/signed.gpg" 'signed only'
rejects_hint "a signed, unencrypted message is refused, pointing to mule-verify" \
    1 mule-verify "$T/signed.gpg"
echo 'signed only' | gpg --batch -u "$ALICE" --clearsign >"$T/clear.asc" 2>/dev/null
made "$T/clear.asc" 'signed only'
rejects_hint "a clear-signed message is refused, pointing to mule-verify" \
    1 mule-verify "$T/clear.asc"
echo 'signed only' | gpg --batch -u "$ALICE" -sa >"$T/signed.asc" 2>/dev/null
made "$T/signed.asc" 'signed only'
rejects_hint "an armoured signed message is refused, pointing to mule-verify" \
    1 mule-verify "$T/signed.asc"

# --- two messages, no signature, weak signature ----------------------------------
cat "$T/msg.gpg" "$T/msg.gpg" >"$T/two.gpg"
rejects "two binary messages concatenated are refused" 1 "$T/two.gpg"
cat "$T/msg.asc" "$T/msg.asc" >"$T/two.asc"
rejects "two armoured messages concatenated are refused" 1 "$T/two.asc"
mule-seal -q --no-sign -r "$BOB" -o "$T/unsigned.asc" "$T/plain"
rejects "an unsigned message is refused" 1 "$T/unsigned.asc"
echo 'hashed with SHA-1' | gpg --batch --digest-algo SHA1 -u "$ALICE" \
    -r "$BOB" -se >"$T/sha1.gpg" 2>/dev/null
made "$T/sha1.gpg" 'hashed with SHA-1'
rejects "a message signed with SHA-1 is refused" 1 "$T/sha1.gpg"

# --- the wrong time ------------------------------------------------------------------
# A key made on a machine whose clock says 2030, and its signature.
new_home "$T/future-home"
FUTURE=$(key_at "$T/future-home" 20300101T000000 'Future <future@example.org>' \
    future-default default never)
GNUPGHOME="$T/future-home" gpg --batch --import "$T/bob.asc" 2>/dev/null
echo 'from the future' | at "$T/future-home" 20300101T000000 \
    --trust-model always -u "$FUTURE" -r "$BOB" -se >"$T/future.gpg" 2>/dev/null
GNUPGHOME="$T/future-home" gpg --export --armor "$FUTURE" >"$T/future.asc"
gpg --batch --ignore-time-conflict --import "$T/future.asc" 2>/dev/null
made "$T/future.gpg" 'from the future'
rejects_hint "a key and signature from the future (pinned signer) are refused, hint: clock" \
    1 clock "$T/future.gpg" --signer "$FUTURE"
# A good key whose signature is dated 2030.
echo 'signed in 2030' | at "$GNUPGHOME" 20300101T000000 -u "$ALICE" -r "$BOB" \
    -se >"$T/futuresig.gpg" 2>/dev/null
made "$T/futuresig.gpg" 'signed in 2030'
rejects_hint "a signature made in the future is refused, hint: clock" \
    1 clock "$T/futuresig.gpg"

# Expiry.  The recipient must be older than the faked dates: Pat, 2019.
PAT=$(key_at "$GNUPGHOME" 20190101T000000 'Pat <pat@example.org>' \
    future-default default never)
gpg --export --armor "$PAT" >"$T/pat.asc"
# Old: made 2020-01, expires 2021-01; signed 2020-06 (expired since).
new_home "$T/old-home"
OLD=$(key_at "$T/old-home" 20200101T000000 'Old <old@example.org>' \
    future-default default 1y)
GNUPGHOME="$T/old-home" gpg --batch --import "$T/pat.asc" 2>/dev/null
echo 'expired since' | at "$T/old-home" 20200601T000000 --trust-model always \
    -u "$OLD" -r "$PAT" -se >"$T/expsince.gpg" 2>/dev/null
GNUPGHOME="$T/old-home" gpg --export --armor "$OLD" >"$T/old.asc"
# Late: made 2020-01, signed 2022-01, then (self-signature dated
# 2020-06) set to expire 2021-06: the signature came after the expiry.
new_home "$T/late-home"
LATE=$(key_at "$T/late-home" 20200101T000000 'Late <late@example.org>' \
    future-default default never)
GNUPGHOME="$T/late-home" gpg --batch --import "$T/pat.asc" 2>/dev/null
echo 'signed after expiry' | at "$T/late-home" 20220101T000000 \
    --trust-model always -u "$LATE" -r "$PAT" -se >"$T/late.gpg" 2>/dev/null
at "$T/late-home" 20200601T000000 --quick-set-expire "$LATE" 1y 2>/dev/null
GNUPGHOME="$T/late-home" gpg --export --armor "$LATE" >"$T/late.asc"
# Sub: the same, but the signature is by a signing subkey that has no
# expiry of its own; its primary key expired 2021-06.
new_home "$T/sub-home"
SUB=$(key_at "$T/sub-home" 20200101T000000 'Sub <sub@example.org>' \
    ed25519 cert never)
at "$T/sub-home" 20200101T000100 --quick-add-key "$SUB" ed25519 sign never \
    2>/dev/null
GNUPGHOME="$T/sub-home" gpg --batch --import "$T/pat.asc" 2>/dev/null
echo 'subkey after expiry' | at "$T/sub-home" 20220101T000000 \
    --trust-model always -u "$SUB" -r "$PAT" -se >"$T/sub.gpg" 2>/dev/null
at "$T/sub-home" 20200601T000000 --quick-set-expire "$SUB" 1y 2>/dev/null
GNUPGHOME="$T/sub-home" gpg --export --armor "$SUB" >"$T/sub.asc"
gpg --batch --import "$T/old.asc" "$T/late.asc" "$T/sub.asc" 2>/dev/null
made "$T/expsince.gpg" 'expired since'
made "$T/late.gpg" 'signed after expiry'
made "$T/sub.gpg" 'subkey after expiry'

rejects "a key that has expired since it signed is refused unless pinned" \
    1 "$T/expsince.gpg"
run_status 0 mo --signer "$OLD" "$T/expsince.gpg"
check "... and accepted with --signer (it was valid when it signed)" \
    [ "$(cat "$T/out")" = "expired since" ]
rejects "a signature made after the key expired is refused" 1 "$T/late.gpg"
rejects "... also with the key pinned by --signer" 1 "$T/late.gpg" --signer "$LATE"
rejects "... also with the key given by --signer-file" 1 "$T/late.gpg" \
    --signer-file "$T/late.asc"
rejects "a subkey signature made after the primary key expired is refused (--signer)" \
    1 "$T/sub.gpg" --signer "$SUB"
rejects "... and with --signer-file" 1 "$T/sub.gpg" --signer-file "$T/sub.asc"
refused 1 "$T/sub.gpg"
grep -q -- '--signer' "$T/err" && why="$why the hint invites pinning it;"
if [ -z "$why" ]; then
	ok "... refused unpinned, without a hint to pin it"
else
	failed "... refused unpinned, without a hint to pin it"
fi

# --- packet headers followed by noise -------------------------------------------------
{ printf '\204\136\003'; head -c 4000 /dev/urandom; } >"$T/pkesk-noise.gpg"
rejects "a session key packet header followed by random bytes is refused" \
    1 "$T/pkesk-noise.gpg"
{ printf '\322\377\000\000\017\240\001'; head -c 3999 /dev/urandom; } \
    >"$T/seipd-noise.gpg"
rejects "an encrypted data packet header followed by random bytes is refused" \
    1 "$T/seipd-noise.gpg"

# --- static vectors -------------------------------------------------------------------
awk '/^    [a-z0-9-]+\.(asc|gpg) +[0-9]/' "$VEC/README" >"$T/index"
while read -r file status opts; do
	# shellcheck disable=SC2046 # the options are words
	set -- $(echo "$opts" | sed "s|@VEC@|$VEC|g")
	rejects "vector $file: exit $status" "$status" "$VEC/$file" "$@"
done <"$T/index"
missing=""
for f in "$VEC"/*.asc "$VEC"/*.gpg; do
	grep -q "^    ${f##*/} " "$T/index" || missing="$missing ${f##*/}"
done
[ -n "$missing" ] && diag "not in the README index:$missing"
check "every vector file is listed in tests/vectors/README" [ -z "$missing" ]

done_testing
