#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-key import refuses what mule-key(1) says it refuses, and then
# imports nothing: secret keys, several keys, revoked keys and keys
# without a usable encryption subkey, weak keys and self-signatures, keys
# that are not v4, parts that gpg would drop silently (a changed file),
# bad armour, photo IDs, junk, a file over --max-size, a file cut
# anywhere, and a key made in the future.  mule-key fingerprint refuses a
# sample of them too.
#
# Each refusal: exit 1, nothing on standard output, one error line (then
# at most a hint) saying why, no throwaway home left behind, and Bob's
# keyring as it was.  Each is given the key's right fingerprint, so that
# the file is the only reason to refuse.  Each kind of crafting has a
# control: what the hostile file is made from is accepted (in a copy of
# Bob's home), or gpg itself takes the key, so that no refusal is an
# accident of the test.  The hostile keys are made by gpg in Eve's home,
# the packet surgery is tests/key-craft.py's.
. "$srcdir/tests/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is missing (key-craft.py crafts the keys)"
	exit 0
fi
# The interpreter itself, not a wrapper (a pyenv shim takes half a
# second to start it, and the crafting runs it sixty times).
PYTHON=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$PYTHON" ] ||
    PYTHON=python3
craft() { "$PYTHON" "$srcdir/tests/key-craft.py" "$@"; }

# Bob, who imports; the control home, a copy of his; Alice, a stranger
# whose key is spliced into Eve's; Eve's home, where the hostile keys are
# made; a home where gpg alone imports them.
BH="$T/bob-home"
CH="$T/control-home"
EH="$T/eve-home"
GH="$T/gpg-home"
K="$T/keys"
new_home "$BH"
new_home "$CH"
new_home "$EH"
new_home "$GH"
mkdir "$K"
cached_home bob "$BH" make_one 'Bob <bob@example.org>' &&
    cached_home bob "$CH" make_one 'Bob <bob@example.org>' || {
	echo "Bail out! cannot generate test keys"; exit 99; }
rm -f "$BH/fprs" "$BH/key.asc" "$CH/fprs" "$CH/key.asc"
foreign_key alice 'Alice <alice@example.org>' >"$T/alice.fpr"
ALICE=$(cat "$T/alice.fpr")
[ -n "$ALICE" ] || { echo "Bail out! cannot make Alice's key"; exit 99; }
GNUPGHOME=$BH
export GNUPGHOME
TMPDIR="$T/tmp"		# where mule-key makes its throwaway homes
export TMPDIR
mkdir "$TMPDIR"

# --- Eve's keys --------------------------------------------------------------
eg() {
	GNUPGHOME=$EH gpg --batch --pinentry-mode loopback --passphrase '' \
	    "$@" >/dev/null 2>&1
}
# evil_key 'UID' ALGO USAGE [GPG-OPTION...]: a key of Eve's home that
# does not expire; prints its fingerprint.
evil_key() {
	ek_uid=$1 ek_algo=$2 ek_usage=$3
	shift 3
	eg "$@" --quick-gen-key "$ek_uid" "$ek_algo" "$ek_usage" never ||
	    return 1
	ek_fpr=$(GNUPGHOME=$EH gpg --batch --with-colons --list-keys -- \
	    "=$ek_uid" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
	[ -n "$ek_fpr" ] && echo "$ek_fpr"
}
# export_key FPR NAME: FPR's public key to $K/NAME.pgp, binary.
export_key() {
	GNUPGHOME=$EH gpg --batch --export -- "$1" >"$K/$2.pgp" 2>/dev/null &&
	    [ -s "$K/$2.pgp" ]
}
bail() { echo "Bail out! cannot make $1"; exit 99; }

# Eve: Ed25519 and a Curve25519 subkey, two user IDs (a changed
# self-signature then drops one, and gpg keeps the key).
E=$(evil_key 'Eve <eve@example.org>' future-default default) &&
    eg --quick-add-uid "$E" 'Eve Two <eve2@example.org>' &&
    export_key "$E" eve &&
    GNUPGHOME=$EH gpg --batch --armor --export "$E" >"$K/eve.asc" &&
    GNUPGHOME=$EH gpg --batch --pinentry-mode loopback --passphrase '' \
    --export-secret-keys "$E" >"$K/eve-secret.pgp" &&
    GNUPGHOME=$EH gpg --batch --pinentry-mode loopback --passphrase '' \
    --armor --export-secret-keys "$E" >"$K/eve-secret.asc" || bail "Eve's key"
GNUPGHOME=$T/alice-home gpg --batch --export "$ALICE" >"$K/alice.pgp"
# No encryption subkey; one expired (made in 2020, for a day); one revoked.
S=$(evil_key 'Sig Only <sign@example.org>' ed25519 sign) &&
    export_key "$S" sign-only || bail "a sign-only key"
X=$(evil_key 'Ex Pired <expired@example.org>' ed25519 sign \
    --faked-system-time 20200101T000000) &&
    eg --faked-system-time 20200101T000000 \
    --quick-add-key "$X" cv25519 encr 1d &&
    export_key "$X" expired || bail "a key with an expired subkey"
RV=$(evil_key 'Re Voked <revoked@example.org>' future-default default) &&
    export_key "$RV" revoked-before &&
    printf 'key 1\nrevkey\ny\n0\n\ny\nsave\n' |
    eg --command-fd 0 --edit-key "$RV" &&
    export_key "$RV" revoked || bail "a key with a revoked subkey"
# A revoked key: gpg's own revocation certificate for it, imported.
RK=$(evil_key 'Re Tired <retired@example.org>' future-default default) &&
    export_key "$RK" retired-before &&
    sed 's/^:-----/-----/' "$EH/openpgp-revocs.d/$RK.rev" >"$K/retired.rev" &&
    eg --import "$K/retired.rev" &&
    export_key "$RK" retired || bail "a revoked key"
# Weak keys: RSA 1024, DSA 1024, ElGamal (under DSA 2048), an RSA 1024
# subkey; self-signatures with SHA-1, MD5, RIPEMD-160, a SHA-1 binding.
R1=$(evil_key 'Rsa Small <rsa1024@example.org>' rsa1024 default) &&
    export_key "$R1" rsa1024 || bail "an RSA 1024 key"
D1=$(evil_key 'Dsa Small <dsa1024@example.org>' dsa1024 default) &&
    export_key "$D1" dsa1024 || bail "a DSA 1024 key"
D2=$(evil_key 'El Gamal <elg@example.org>' dsa2048 default) &&
    eg --quick-add-key "$D2" elg2048 encr never &&
    export_key "$D2" elgamal || bail "an ElGamal key"
W=$(evil_key 'Sub Small <rsa-sub@example.org>' ed25519 sign) &&
    eg --quick-add-key "$W" rsa1024 encr never &&
    export_key "$W" rsa-subkey || bail "a key with an RSA 1024 subkey"
H2=$(evil_key 'Sha One <sha1@example.org>' future-default default \
    --cert-digest-algo SHA1) && export_key "$H2" sha1 || bail "a SHA-1 key"
H1=$(evil_key 'Md Five <md5@example.org>' future-default default \
    --cert-digest-algo MD5) && export_key "$H1" md5 || bail "an MD5 key"
H3=$(evil_key 'Ripe Md <ripemd@example.org>' future-default default \
    --cert-digest-algo RIPEMD160) && export_key "$H3" ripemd160 ||
    bail "a RIPEMD-160 key"
HB=$(evil_key 'Sha Binding <sha1-binding@example.org>' ed25519 sign) &&
    eg --cert-digest-algo SHA1 --quick-add-key "$HB" cv25519 encr never &&
    export_key "$HB" sha1-binding || bail "a key with a SHA-1 binding"
# A photo ID (a 1x1 JPEG) added by gpg, and the key before it.
P=$(evil_key 'Pho To <photo@example.org>' future-default default) &&
    export_key "$P" photo-before &&
    craft jpeg >"$K/photo.jpg" &&
    printf 'addphoto\n%s\nsave\n' "$K/photo.jpg" |
    eg --command-fd 0 --edit-key "$P" &&
    export_key "$P" photo || bail "a key with a photo ID"
# A key made next year (at the start of this month).
FU=$(evil_key 'Fu Ture <future@example.org>' future-default default \
    --faked-system-time "$(($(date -u +%Y) + 1))$(date -u +%m)01T000000") &&
    export_key "$FU" future || bail "a key from the future"

# --- helpers -----------------------------------------------------------------
# keyring: Bob's keyring, public and secret, for before and after.
keyring() {
	gpg --batch --with-colons --list-keys 2>/dev/null | grep -v '^tru:'
	gpg --batch --with-colons --list-secret-keys 2>/dev/null |
	    grep -v '^tru:'
}
keyring >"$T/keyring.before"

# unchanged FPR: Bob's keyring is as it was, so FPR is not in it (gpg
# --list-keys FPR fails), and no throwaway home was left in $TMPDIR;
# adds to $why.
unchanged() {
	keyring >"$T/keyring.now"
	cmp -s "$T/keyring.before" "$T/keyring.now" ||
	    why="$why Bob's keyring changed;"
	grep -q "^fpr:*$1:" "$T/keyring.now" && why="$why $1 was imported;"
	if [ -n "$(ls -A "$TMPDIR")" ]; then
		why="$why left in TMPDIR: $(ls -A "$TMPDIR" | tr '\n' ' ');"
		rm -rf "$TMPDIR" && mkdir "$TMPDIR"
	fi
}

# refusal_ok STATUS PATTERN: the command that wrote $T/out and $T/err
# (exiting STATUS) refused: exit 1, nothing on standard output, one
# error line matching the ERE PATTERN, at most a hint after it.
refusal_ok() {
	[ "$1" -eq 1 ] || why="$why exit $1, not 1;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-key "$T/err" ||
	    why="$why stderr is not one error line;"
	head -n 1 "$T/err" | grep -Eq -- "$2" ||
	    why="$why the error does not say /$2/;"
}

# refused DESC PATTERN FPR FILE [OPTION...]: mule-key import, in Bob's
# home and given FPR as the fingerprint, refuses FILE ("-:FILE": FILE
# read from standard input), and imports nothing.
refused() {
	rf_desc=$1 rf_pat=$2 rf_fpr=$3 rf_file=$4
	shift 4
	rf_in=/dev/null
	case $rf_file in
	-:*) rf_in=${rf_file#-:} rf_file=- ;;
	esac
	why=""
	with_timeout mule-key import --fingerprint "$rf_fpr" "$@" "$rf_file" \
	    <"$rf_in" >"$T/out" 2>"$T/err"
	refusal_ok $? "$rf_pat"
	unchanged "$rf_fpr"
	verdict "$rf_desc"
}

# fpr_refused DESC PATTERN FILE: mule-key fingerprint refuses FILE.
fpr_refused() {
	why=""
	with_timeout mule-key fingerprint "$3" >"$T/out" 2>"$T/err"
	refusal_ok $? "$2"
	verdict "$1"
}

# accepted DESC FPR FILE [OPTION...]: a control: mule-key import accepts
# FILE in the control home (exit 0, the key there and certified, no
# throwaway home left); the key is deleted again.
accepted() {
	ac_desc=$1 ac_fpr=$2 ac_file=$3
	shift 3
	why=""
	with_timeout env GNUPGHOME="$CH" mule-key import \
	    --fingerprint "$ac_fpr" "$@" "$ac_file" >"$T/out" 2>"$T/err"
	ac_got=$?
	[ "$ac_got" -eq 0 ] || why="$why exit $ac_got, not 0;"
	GNUPGHOME=$CH gpg --batch --with-colons --list-keys -- "$ac_fpr" \
	    2>/dev/null | grep -q '^uid:f:' || why="$why not there, certified;"
	[ -z "$(ls -A "$TMPDIR")" ] || why="$why left in TMPDIR;"
	GNUPGHOME=$CH gpg --batch --yes --delete-keys -- "$ac_fpr" \
	    >/dev/null 2>&1
	verdict "$ac_desc"
}

# gpg_lists FPR FILE: gpg alone imports FILE into a home of its own and
# lists FPR there (with-colons): the refusal is mule's, the key is sound.
gpg_lists() {
	GNUPGHOME=$GH gpg --batch --import "$2" >/dev/null 2>&1
	GNUPGHOME=$GH gpg --batch --with-colons --list-options \
	    show-unusable-subkeys --list-keys -- "$1" 2>/dev/null
}

# not COMMAND...: COMMAND fails.
not() { ! "$@"; }

# signed_with FILE ALGO: every signature in FILE has digest algo ALGO.
signed_with() {
	packets "$1" | grep 'digest algo' >"$T/digests"
	[ -s "$T/digests" ] && ! grep -qv "digest algo $2," "$T/digests"
}

# --- controls: the files the hostile ones are made from ----------------------
craft cat "$K/eve.pgp" >"$K/eve-new.pgp"
craft armor "$K/eve.pgp" 'PUBLIC KEY BLOCK' >"$K/eve-craft.asc"
craft cat "$K/eve.pgp" "$K/alice.pgp" >"$K/eve-alice.pgp"
accepted "control: Eve's key as gpg exports it (binary)" "$E" "$K/eve.pgp"
accepted "control: ... in armour" "$E" "$K/eve.asc"
accepted "control: ... from standard input" "$E" - <"$K/eve.asc"
accepted "control: ... with new-format packet headers (key-craft.py)" \
    "$E" "$K/eve-new.pgp"
accepted "control: ... in key-craft.py's armour" "$E" "$K/eve-craft.asc"
accepted "control: Alice's key, which is spliced into Eve's" "$ALICE" \
    "$K/alice.pgp"
accepted "control: a file of exactly --max-size bytes" "$E" "$K/eve.pgp" \
    --max-size "$(size "$K/eve.pgp")"
accepted "control: the photo ID key before its photo" "$P" \
    "$K/photo-before.pgp"
accepted "control: the key with a revoked subkey before the revocation" \
    "$RV" "$K/revoked-before.pgp"
accepted "control: the revoked key before its revocation" "$RK" \
    "$K/retired-before.pgp"

# --- secret keys -------------------------------------------------------------
refused "a secret key in armour (PRIVATE KEY BLOCK)" 'holds a secret key' \
    "$E" "$K/eve-secret.asc"
refused "... from standard input" 'holds a secret key' "$E" \
    "-:$K/eve-secret.asc"
refused "a secret key, binary" 'a secret key' "$E" "$K/eve-secret.pgp"
craft armor "$K/eve-secret.pgp" 'PUBLIC KEY BLOCK' >"$K/secret-as-public.asc"
refused "secret key packets in PUBLIC KEY BLOCK armour" 'a secret key' "$E" \
    "$K/secret-as-public.asc"
# The secret subkey packet in place of the public one; the secret primary
# key packet in place of the public one.
craft take "$K/eve-secret.pgp" "$(craft index "$K/eve-secret.pgp" 7 1)" \
    >"$K/secret-subkey.pkt"
sub=$(craft index "$K/eve-new.pgp" 14 1)
npk=$(($(craft list "$K/eve-new.pgp" | wc -l)))	# packets in all
craft drop "$K/eve-new.pgp" "$sub" >"$K/no-subkey.pgp"
craft insert "$K/no-subkey.pgp" "$sub" "$K/secret-subkey.pkt" \
    >"$K/spliced-subkey.pgp"
refused "a public key with a secret subkey spliced in" 'a secret key' "$E" \
    "$K/spliced-subkey.pgp"
craft take "$K/eve-secret.pgp" 0 >"$K/secret-primary.pkt"
craft drop "$K/eve-new.pgp" 0 >"$K/no-primary.pgp"
craft insert "$K/no-primary.pgp" 0 "$K/secret-primary.pkt" \
    >"$K/spliced-primary.pgp"
refused "a public key whose primary key packet is the secret one" \
    'a secret key' "$E" "$K/spliced-primary.pgp"

# --- several keys ------------------------------------------------------------
refused "two keys, binary" 'several keys' "$E" "$K/eve-alice.pgp"
craft cat "$K/eve.pgp" "$K/eve.pgp" >"$K/eve-twice.pgp"
refused "the same key twice" 'several keys' "$E" "$K/eve-twice.pgp"
craft armor "$K/eve-alice.pgp" 'PUBLIC KEY BLOCK' >"$K/eve-alice.asc"
refused "two keys in one armour block" 'several keys' "$E" "$K/eve-alice.asc"
cat "$K/eve.asc" "$T/alice.asc" >"$K/two-blocks.asc"
refused "two armour blocks, one after the other" 'after the end' "$E" \
    "$K/two-blocks.asc"
check "... and Alice was not imported either" \
    not grep -q "^fpr:*$ALICE:" "$T/keyring.now"

# --- keys that cannot be used ------------------------------------------------
why=""
gpg_lists "$S" "$K/sign-only.pgp" >"$T/list"
grep -q '^pub:' "$T/list" || why="$why gpg does not list it;"
grep -q '^sub:' "$T/list" && why="$why it has a subkey;"
verdict "control: gpg takes the sign-only key, which has no subkey"
refused "a sign-only key" 'no usable encryption subkey' "$S" \
    "$K/sign-only.pgp"
gpg_lists "$X" "$K/expired.pgp" >"$T/list"
check "control: gpg takes the key with the expired subkey, and says so" \
    grep -q '^sub:e:' "$T/list"
refused "a key whose only encryption subkey expired" \
    'no usable encryption subkey' "$X" "$K/expired.pgp"
gpg_lists "$RV" "$K/revoked.pgp" >"$T/list"
check "control: gpg takes the key with the revoked subkey, and says so" \
    grep -q '^sub:r:' "$T/list"
refused "a key whose only encryption subkey is revoked" \
    'no usable encryption subkey' "$RV" "$K/revoked.pgp"
gpg_lists "$RK" "$K/retired.pgp" >"$T/list"
check "control: gpg takes the revoked key, and says so" \
    grep -q '^pub:r:' "$T/list"
refused "a revoked key" 'the key is revoked' "$RK" "$K/retired.pgp"

# --- weak keys and self-signatures -------------------------------------------
# weak NAME FPR PATTERN DESC: gpg takes it, mule refuses it.
weak() {
	gpg_lists "$2" "$K/$1.pgp" >"$T/list"
	check "control: gpg takes the $4" grep -q '^pub:' "$T/list"
	refused "a weak key: $4" "$3" "$2" "$K/$1.pgp"
}
weak rsa1024 "$R1" 'primary key .* RSA of 1024 bits' "RSA 1024 primary key"
weak dsa1024 "$D1" 'primary key .* DSA of 1024 bits' "DSA 1024 primary key"
weak elgamal "$D2" 'subkey .* ElGamal' "ElGamal subkey of DSA 2048"
weak rsa-subkey "$W" 'subkey .* RSA of 1024 bits' \
    "RSA 1024 subkey of Ed25519"
check "control: the SHA-1 key's signatures are all SHA-1 (digest algo 2)" \
    signed_with "$K/sha1.pgp" 2
weak sha1 "$H2" 'type 0x13 on user ID 1 uses SHA-1' \
    "key self-signed with SHA-1"
check "control: the RIPEMD-160 key's signatures are all RIPEMD-160" \
    signed_with "$K/ripemd160.pgp" 3
weak ripemd160 "$H3" 'uses RIPEMD-160' "key self-signed with RIPEMD-160"
# gpg 2.2 makes MD5 signatures but rejects them: no gpg control.
check "control: the MD5 key's signatures are all MD5 (digest algo 1)" \
    signed_with "$K/md5.pgp" 1
refused "a weak key: key self-signed with MD5" 'uses MD5' "$H1" "$K/md5.pgp"
why=""
packets "$K/sha1-binding.pgp" >"$T/list"
grep -A1 'sigclass 0x13' "$T/list" | grep -q 'digest algo 8,' ||
    why="$why the user ID's self-signature is not SHA-256;"
grep -A1 'sigclass 0x18' "$T/list" | grep -q 'digest algo 2,' ||
    why="$why the binding is not SHA-1;"
verdict "control: only the subkey binding of that key is SHA-1"
weak sha1-binding "$HB" 'type 0x18 on subkey .* uses SHA-1' \
    "subkey bound with SHA-1"

# --- keys that are not v4 ----------------------------------------------------
for v in 3 5 6; do
	craft version "$K/eve-new.pgp" 0 $v >"$K/v$v.pgp"
	refused "the primary key packet patched to v$v" "a v$v key" "$E" \
	    "$K/v$v.pgp"
	craft version "$K/eve-new.pgp" "$sub" $v >"$K/sub-v$v.pgp"
	refused "the subkey packet patched to v$v" "a v$v key" "$E" \
	    "$K/sub-v$v.pgp"
done

# --- parts gpg drops: someone changed the file -------------------------------
craft packet 13 'Mallory <mallory@example.org>' >"$K/uid.pkt"
craft insert "$K/eve-new.pgp" "$sub" "$K/uid.pkt" >"$K/bare-uid.pgp"
refused "a user ID with no self-signature" \
    'user ID "Mallory <mallory@example.org>" is not bound' "$E" \
    "$K/bare-uid.pgp"
craft insert "$K/eve-new.pgp" "$npk" "$K/uid.pkt" >"$K/last-uid.pgp"
refused "... appended after the subkey" 'a user ID after a subkey' "$E" \
    "$K/last-uid.pgp"
# A user ID (with its self-signature) retagged as a trust packet: gpg
# would take the key without that user ID and say nothing.
craft packet 12 'Mallory <mallory@example.org>' >"$K/trust.pkt"
craft insert "$K/eve-new.pgp" "$sub" "$K/trust.pkt" >"$K/trust.pgp"
refused "a trust packet (a user ID retagged, say)" 'a trust packet' "$E" \
    "$K/trust.pgp"
# uid 1's self-signature is the packet after it (packet 2)
craft take "$K/eve-new.pgp" 2 >"$K/uid1-sig.pkt"
craft cat "$K/uid.pkt" "$K/uid1-sig.pkt" >"$K/uid-copied-sig.pkt"
craft insert "$K/eve-new.pgp" "$sub" "$K/uid-copied-sig.pkt" \
    >"$K/copied-sig.pgp"
refused "a user ID with another user ID's self-signature" \
    'user ID "Mallory <mallory@example.org>" is not bound' "$E" \
    "$K/copied-sig.pgp"
asub=$(craft index "$K/alice.pgp" 14 1)
craft take "$K/alice.pgp" "$asub" >"$K/alice-subkey.pkt"
craft insert "$K/eve-new.pgp" "$npk" "$K/alice-subkey.pkt" \
    >"$K/bare-subkey.pgp"
refused "another key's subkey with no binding" 'subkey .* is not bound' \
    "$E" "$K/bare-subkey.pgp"
craft take "$K/eve-new.pgp" "$((sub + 1))" >"$K/binding.pkt"
craft cat "$K/alice-subkey.pkt" "$K/binding.pkt" >"$K/subkey-copied.pkt"
craft insert "$K/eve-new.pgp" "$npk" "$K/subkey-copied.pkt" \
    >"$K/copied-binding.pgp"
refused "a subkey with another subkey's binding" 'subkey .* is not bound' \
    "$E" "$K/copied-binding.pgp"
# Signatures 1 and 2: the user IDs' self-signatures; 3: the binding.
craft flip "$K/eve-new.pgp" 2 >"$K/flipped-uid2.pgp"
refused "a bit flipped in the second user ID's self-signature" \
    'user ID "Eve Two <eve2@example.org>" is not bound' "$E" \
    "$K/flipped-uid2.pgp"
gpg_lists "$E" "$K/flipped-uid2.pgp" >"$T/list"
check "control: gpg keeps that key, without the second user ID" \
    eval 'grep -q "^uid:.*eve@" "$T/list" && not grep -q eve2@ "$T/list"'
craft flip "$K/eve-new.pgp" 3 >"$K/flipped-binding.pgp"
refused "a bit flipped in the subkey's binding" 'subkey .* is not bound' \
    "$E" "$K/flipped-binding.pgp"

# --- armour ------------------------------------------------------------------
{ echo Hello; cat "$K/eve.asc"; } >"$K/text-before.asc"
refused "text before the armour" 'text before the key block' "$E" \
    "$K/text-before.asc"
{ cat "$K/eve.asc"; echo Bye; } >"$K/text-after.asc"
refused "text after the armour" 'after the end' "$E" "$K/text-after.asc"
craft armor "$K/eve.pgp" 'PUBLIC KEY BLOCK' bad >"$K/bad-crc.asc"
refused "armour with a bad checksum" 'checksum mismatch' "$E" \
    "$K/bad-crc.asc"
sed '$d' "$K/eve.asc" >"$K/no-end.asc"
refused "armour without its end line" 'truncated' "$E" "$K/no-end.asc"
head -c "$(($(size "$K/eve.asc") / 2))" "$K/eve.asc" >"$K/half.asc"
refused "armour cut in the middle" 'truncated' "$E" "$K/half.asc"
craft armor "$K/eve.pgp" MESSAGE >"$K/message.asc"
refused "a key in armour of the wrong kind (PGP MESSAGE)" \
    'not an OpenPGP certificate' "$E" "$K/message.asc"
craft armor /dev/null 'PUBLIC KEY BLOCK' >"$K/empty.asc"
refused "an empty armour block" 'empty' "$E" "$K/empty.asc"

# --- photo IDs ---------------------------------------------------------------
gpg_lists "$P" "$K/photo.pgp" >"$T/list"
check "control: the photo ID key has a user attribute, which gpg keeps" \
    grep -q '^uat:' "$T/list"
refused "a key with a photo ID" 'photo ID' "$P" "$K/photo.pgp"
craft take "$K/photo.pgp" "$(craft index "$K/photo.pgp" 17 1)" >"$K/uat.pkt"
craft insert "$K/eve-new.pgp" "$sub" "$K/uat.pkt" >"$K/bare-uat.pgp"
refused "a photo ID packet with no signature" 'photo ID' "$E" \
    "$K/bare-uat.pgp"

# --- junk, size, truncation --------------------------------------------------
: >"$K/empty"
refused "an empty file" 'is empty' "$E" "$K/empty"
refused "... from standard input" 'is empty' "$E" "-:$K/empty"
craft random 4096 1 >"$K/random"
refused "random bytes" 'not an OpenPGP certificate' "$E" "$K/random"
craft random 4096 2 >"$K/random-packets"
refused "random bytes that start like a packet" 'cut short|not a valid' \
    "$E" "$K/random-packets"
refused "... from standard input" 'cut short|not a valid' "$E" \
    "-:$K/random-packets"
printf 'Eve <eve@example.org>\nfingerprint %s\n' "$E" >"$K/text"
refused "a text file" 'not an OpenPGP certificate' "$E" "$K/text"
refused "a valid key over --max-size 100" 'larger than 100 bytes' "$E" \
    "$K/eve.pgp" --max-size 100
refused "... one byte over --max-size" 'larger than' "$E" "$K/eve.pgp" \
    --max-size "$(($(size "$K/eve.pgp") - 1))"
refused "... from standard input" 'larger than 100 bytes' "$E" \
    "-:$K/eve.asc" --max-size 100

# Cut at every 37th byte: each refused; the keyring looked at once.
why=""
cuts=0
n=37
while [ $n -lt "$(size "$K/eve.pgp")" ]; do
	head -c $n "$K/eve.pgp" >"$K/cut"
	with_timeout mule-key import --fingerprint "$E" "$K/cut" \
	    >"$T/out" 2>"$T/err"
	got=$?
	[ $got -eq 1 ] && [ ! -s "$T/out" ] && one_error_of mule-key "$T/err" ||
	    why="$why cut at $n: exit $got, $(head -n 1 "$T/err");"
	cuts=$((cuts + 1))
	n=$((n + 37))
done
unchanged "$E"
verdict "Eve's key cut at every 37th byte ($cuts cuts): each refused, \
nothing imported"

# --- a key from the future ---------------------------------------------------
# gpg refuses a key made after its clock's now: mule says so, with the
# clock hint.
refused "a key made next year" 'gpg does not accept the key' "$FU" \
    "$K/future.pgp"
check "... with the hint to check the clock" \
    grep -q '^mule-key: hint: .*created in the future' "$T/err"

# --- mule-key fingerprint refuses them too -----------------------------------
why=""
with_timeout mule-key fingerprint "$K/eve.pgp" >"$T/out" 2>"$T/err" ||
    why="$why exit $?;"
grep -q "^uri *OPENPGP4FPR:$E\$" "$T/out" || why="$why no fingerprint shown;"
verdict "control: mule-key fingerprint shows Eve's key"
fpr_refused "fingerprint: a secret key (armour)" 'holds a secret key' \
    "$K/eve-secret.asc"
fpr_refused "fingerprint: a secret subkey spliced in" 'a secret key' \
    "$K/spliced-subkey.pgp"
fpr_refused "fingerprint: two keys" 'several keys' "$K/eve-alice.pgp"
fpr_refused "fingerprint: a v5 key" 'a v5 key' "$K/v5.pgp"
fpr_refused "fingerprint: an RSA 1024 key" 'RSA of 1024 bits' \
    "$K/rsa1024.pgp"
fpr_refused "fingerprint: a key self-signed with SHA-1" 'uses SHA-1' \
    "$K/sha1.pgp"
fpr_refused "fingerprint: text before the armour" 'text before the key block' \
    "$K/text-before.asc"
# mule-key(1): mule's own reading of the file refuses a photo ID.
fpr_refused "fingerprint: a key with a photo ID" 'photo ID' "$K/photo.pgp"
fpr_refused "fingerprint: a photo ID packet with no signature" 'photo ID' \
    "$K/bare-uat.pgp"

done_testing
