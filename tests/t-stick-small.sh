#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-small.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh), the smaller points
# of issue 16: put -R KEYFILE (a key not in the keyring; files that are
# no key, a secret key, two keys: refused as mule-seal refuses them);
# the default signing key, gpg.conf's default-key, the same for put and
# mule-seal; a stick manifest that leaves the mailbox out, or keeps it
# with --include-mailbox, verified after a get changed MULE/.  Over a
# FAT stick (fusefat) where there is one, else over a directory.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# a_stick NAME: a FAT stick for scenario NAME, else a directory
a_stick() { fat_scenario "$1" 8M || scenario "$1"; }

# error_text FILE: the first error line of FILE without "TOOL: error: "
error_text() { sed -n 's/^[a-z-]*: error: //p' "$1" | head -n 1; }

# only_items: the item files anywhere below the stick's MULE/to
all_items() { find "$S/MULE/to" -type f 2>/dev/null | grep -v '/\.mule-'; }

# state_empty: nothing recorded in Alice's state directory (no sequence
# number taken)
state_empty() { [ -z "$(ls -A "$ASTATE/mule" 2>/dev/null)" ]; }

# Alice without Bob's key: her home, Bob's key deleted; the copies of key
# files gpg reads go to $T/tmp, which must be empty after every run.
AH2="$T/alice-nobob"
new_home "$AH2"
cp -R "$AH"/. "$AH2"/ && rm -f "$AH2"/S.* &&
    GNUPGHOME=$AH2 gpg --batch --yes -q --delete-keys "$BOB" >/dev/null 2>&1 ||
    { echo "Bail out! cannot make Alice's home without Bob"; exit 99; }
mkdir -p "$T/tmp"
ms_a2() {
	with_timeout env GNUPGHOME="$AH2" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
	    TMPDIR="$T/tmp" mule-stick "$@"
}
seal_a2() { with_timeout env GNUPGHOME="$AH2" TMPDIR="$T/tmp" mule-seal "$@"; }
keys_of() { GNUPGHOME=$1 gpg --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ { print $10 }' | sort; }

# === put -R KEYFILE =========================================================================
a_stick rkey
why=""
keys_of "$AH2" >"$T/keys.before"
grep -q "$BOB" "$T/keys.before" && why="$why Alice's home still has Bob's key;"
snap "$BOX"
st 0 ms_a2 put "$S" -R "$T/bob.asc" "$SRC/report.txt"
NEW=$(added "$BOX")
[ "$(printf '%s\n' "$NEW" | grep -c .)" -eq 1 ] || why="$why not one new item in MULE/to/BOB: '$NEW';"
NEW=${NEW%.gpg}
env_of "$BH" "$BOX/$NEW.gpg" >"$T/env"
[ "$(field recipient <"$T/env")" = "$BOB 1" ] ||
    why="$why the envelope names '$(field recipient <"$T/env")', not 'BOB 1';"
[ "$(field sender <"$T/env")" = "$ALICE" ] || why="$why sender '$(field sender <"$T/env")';"
keys_of "$AH2" | cmp -s - "$T/keys.before" || why="$why Alice's keyring changed;"
[ -z "$(ls -A "$T/tmp")" ] || why="$why left in TMPDIR: $(ls -A "$T/tmp" | tr '\n' ' ');"
verdict "put -R bob.asc by Alice, who lacks Bob's key: one item in MULE/to/BOB naming Bob, nothing imported, no copy left"

why=""
RID=$(field id <"$T/env")
st 0 ms_b get "$S" -C "$IN"
[ -n "$RID" ] && [ -n "$(dir_of "$IN" "$ALICE" "$RID")" ] || why="$why item $RID not delivered;"
cmp -s "$SRC/report.txt" "$(dir_of "$IN" "$ALICE" "$RID")/report.txt" 2>/dev/null ||
    why="$why report.txt differs;"
verdict "... and Bob gets it"

why=""
CBOX="$S/MULE/to/$CAROL"
snap "$BOX"
st 0 ms_a2 put "$S" -r carol@example.org -R "$T/bob.asc" "$SRC/msg"
NEW=$(added "$BOX")
[ "$(printf '%s\n' "$NEW" | grep -c .)" -eq 1 ] || why="$why not one new item for Bob;"
[ -n "$NEW" ] && [ -f "$CBOX/$NEW" ] || why="$why Carol's folder lacks the item;"
[ -n "$NEW" ] && env_of "$BH" "$BOX/$NEW" | field recipient | sort >"$T/rcpts"
printf '%s 1\n%s 2\n' "$CAROL" "$BOB" | sort | cmp -s - "$T/rcpts" ||
    why="$why recipients: $(tr '\n' ' ' <"$T/rcpts");"
[ -n "$NEW" ] && plain "$T/carol-home" "$CBOX/$NEW" | tar -tf - 2>/dev/null | grep -qx msg ||
    why="$why Carol cannot decrypt it;"
verdict "-r carol -R bob.asc mixed: the item in both folders, the envelope names both"

# The files mule-seal and put refuse, for the same reason in the same words.
printf 'just some text\n' >"$T/notkey.txt"
: >"$T/empty.asc"
GNUPGHOME=$BH gpg --batch --pinentry-mode loopback --passphrase '' --armor \
    --export-secret-keys "$BOB" >"$T/bob-secret.asc" 2>/dev/null
cat "$T/bob.asc" "$T/carol.asc" >"$T/two.asc"
[ -s "$T/bob-secret.asc" ] || { echo "Bail out! cannot export Bob's secret key"; exit 99; }
# Key files crafted by hand, which mule reads itself since issue 19 (no
# gpg run): an empty key packet, a v5 one, the start of Bob's key, and a
# v4 key packet of 70000 bytes (whose fingerprint mule computes; gpg
# then finds no key in it to encrypt to).
GNUPGHOME=$BH gpg --batch --export "$BOB" >"$T/bob.pgp" 2>/dev/null
python3 - "$T" <<'EOP' || { echo "Bail out! cannot craft key files"; exit 99; }
import struct, sys
t = sys.argv[1]
def pkt(tag, body):
    n = len(body)
    head = bytes([0xC0 | tag, n]) if n < 192 else \
        bytes([0xC0 | tag, 0xFF]) + struct.pack('>I', n)
    return head + body
open(t + '/empty6.pgp', 'wb').write(pkt(6, b''))
open(t + '/v5.pgp', 'wb').write(pkt(6, b'\x05' + bytes(40)))
open(t + '/cut.pgp', 'wb').write(open(t + '/bob.pgp', 'rb').read()[:50])
open(t + '/huge.pgp', 'wb').write(pkt(6, b'\x04' + bytes(70000)))
EOP
for f in "notkey.txt:is not an OpenPGP key" "empty.asc:is not an OpenPGP key" \
    "bob-secret.asc:holds a secret key" "two.asc:holds 2 keys" \
    "no-such.asc:No such file" "empty6.pgp:is not an OpenPGP key" \
    "v5.pgp:is not an OpenPGP key" "cut.pgp:is not an OpenPGP key" \
    "huge.pgp:cannot encrypt"; do
	file=${f%%:*} want=${f#*:}
	a_stick "r-$file"
	why=""
	st 2 ms_a2 put "$S" -r carol@example.org -R "$T/$file" "$SRC/report.txt"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	put_err=$(error_text "$T/err")
	case $put_err in
	*"$T/$file"*"$want"*) ;;
	*) why="$why error '$put_err';" ;;
	esac
	[ -z "$(all_items)" ] || why="$why items on the stick: $(all_items);"
	state_empty || why="$why numbers taken: $(ls -A "$ASTATE/mule");"
	[ -z "$(ls -A "$T/tmp")" ] || why="$why left in TMPDIR: $(ls -A "$T/tmp" | tr '\n' ' ');"
	st 2 seal_a2 -r carol@example.org -R "$T/$file" "$SRC/report.txt"
	[ -s "$T/out" ] && why="$why mule-seal wrote something;"
	[ "$(error_text "$T/err")" = "$put_err" ] ||
	    why="$why mule-seal says '$(error_text "$T/err")';"
	verdict "put -R $file: exit 2, '$want', nothing put or numbered; mule-seal -R refuses it in the same words"
	fat_done
done

# === the default signing key ===================================================================
# Alice's home with a second key, Alice Work, made after hers: the first
# secret key is Alice's.
AH3="$T/alice-two"
new_home "$AH3"
cp -R "$AH"/. "$AH3"/ && rm -f "$AH3"/S.*
WORK=$(gen_key "$AH3" 'Alice Work <alice-work@example.org>')
[ -n "$WORK" ] || { echo "Bail out! cannot make a second key"; exit 99; }
ms_a3() {
	with_timeout env GNUPGHOME="$AH3" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
	    mule-stick "$@"
}
# signed_by FILE: the key ID of the signature in a sealed FILE, as Bob
# reads it (gpg's GOODSIG or ERRSIG status line)
signed_by() {
	GNUPGHOME=$BH gpg --batch --status-fd 1 -d "$1" 2>/dev/null |
	    awk '$2 == "GOODSIG" || $2 == "ERRSIG" || $2 == "EXPKEYSIG" { print $3; exit }'
}
keyid() { printf '%s\n' "$1" | cut -c25-40; }

# default_key DESC CONF WANT: with CONF as Alice's gpg.conf (the lines
# given, or nothing), put without -u names WANT as the sender, and
# mule-seal without -u signs with WANT
default_key() {
	dk_desc=$1 dk_conf=$2 dk_want=$3
	a_stick "dk$((dk_n = ${dk_n:-0} + 1))"
	why=""
	printf '%s' "$dk_conf" >"$AH3/gpg.conf"
	snap "$BOX"
	st 0 ms_a3 put "$S" -r "$BOB" "$SRC/report.txt"
	dk_new=$(added "$BOX")
	[ -n "$dk_new" ] || why="$why no item;"
	dk_sender=$(env_of "$BH" "$BOX/$dk_new" | field sender)
	[ "$dk_sender" = "$dk_want" ] || why="$why put's sender is $dk_sender;"
	[ "$(signed_by "$BOX/$dk_new")" = "$(keyid "$dk_want")" ] ||
	    why="$why the item is signed by $(signed_by "$BOX/$dk_new");"
	GNUPGHOME=$AH3 mule-seal -q --binary -r "$BOB" -o "$T/dk.gpg" --force \
	    "$SRC/report.txt" 2>"$T/err" || why="$why mule-seal failed: $(cat "$T/err");"
	[ "$(signed_by "$T/dk.gpg")" = "$(keyid "$dk_want")" ] ||
	    why="$why mule-seal signed with $(signed_by "$T/dk.gpg");"
	GNUPGHOME=$AH3 mule-sign -q --detach -o "$T/dk.sig" --force "$SRC/report.txt" \
	    2>"$T/err" || why="$why mule-sign failed: $(cat "$T/err");"
	GNUPGHOME=$AH3 gpg --batch --list-packets "$T/dk.sig" 2>/dev/null |
	    grep -qi "keyid $(keyid "$dk_want")" || why="$why mule-sign signed with another key;"
	verdict "$dk_desc"
	fat_done
}
NL='
'
default_key "no gpg.conf: put and mule-seal sign with the first secret key (Alice)" \
    "" "$ALICE"
default_key "default-key alice-work@example.org: put and mule-seal (and mule-sign) sign with Alice Work" \
    "default-key alice-work@example.org$NL" "$WORK"
default_key "default-key naming no key: the first secret key (Alice), as gpg does" \
    "default-key nobody@example.org$NL" "$ALICE"
default_key "two default-key lines, the last naming no key: the last usable one (Alice Work)" \
    "# comment$NL  default-key \"$WORK\"$NL${NL}default-key nobody@example.org$NL" "$WORK"
default_key "two default-key lines, both usable: the last (Alice)" \
    "default-key $WORK${NL}default-key $ALICE$NL" "$ALICE"
default_key "default-key with an opening quote and no closing one: gpg drops the quote, so does put (Alice Work)" \
    "default-key \"$WORK$NL" "$WORK"
default_key "default-key with a closing quote and no opening one: gpg keeps it, so does put (no such key: Alice)" \
    "default-key $WORK\"$NL" "$ALICE"
rm -f "$AH3/gpg.conf"

scenario nosecret
why=""
new_home "$T/pubonly"
GNUPGHOME="$T/pubonly" gpg --batch -q --import "$T/bob.asc" 2>/dev/null
st 2 env GNUPGHOME="$T/pubonly" XDG_STATE_HOME="$ASTATE" mule-stick put "$S" -r "$BOB" "$SRC/report.txt"
one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
grep -q 'error: no usable secret key to sign with' "$T/err" || why="$why no 'no usable secret key';"
grep -q 'hint: .*-u' "$T/err" || why="$why no hint to -u;"
[ -z "$(all_items)" ] || why="$why an item was put;"
verdict "put without any secret key: exit 2, 'no usable secret key to sign with', nothing put"

# === a stick's manifest and its mailbox =====================================================
a_stick man
why=""
printf 'the update\n' >"$S/update.txt"
mkdir -p "$S/docs/MULE"
printf 'not a mailbox\n' >"$S/docs/MULE/VERSION"
put_new a "$S" -r "$BOB" "$SRC/report.txt"
GNUPGHOME=$AH mule-sign -q --manifest "$S" >"$T/man-default.asc" 2>"$T/err" ||
    why="$why mule-sign failed: $(cat "$T/err");"
GNUPGHOME=$AH mule-sign -q --manifest "$S" --include-mailbox >"$T/man-all.asc" 2>"$T/err" ||
    why="$why mule-sign --include-mailbox failed: $(cat "$T/err");"
names() { sed -e '1,/^$/d' -e '/^-----BEGIN PGP SIGNATURE/,$d' "$1" | cut -c67-; }
[ "$(names "$T/man-default.asc" | tr '\n' ' ')" = "MULE/VERSION docs/MULE/VERSION update.txt " ] ||
    why="$why the default manifest lists: $(names "$T/man-default.asc" | tr '\n' ' ');"
names "$T/man-all.asc" | grep -qx "MULE/to/$BOB/$NEW.gpg" ||
    why="$why --include-mailbox does not list the item;"
names "$T/man-all.asc" | grep -qx 'MULE/README.txt' ||
    why="$why --include-mailbox does not list MULE/README.txt;"
verdict "mule-sign --manifest STICK lists MULE/VERSION alone for the mailbox (not docs/MULE, not at the top); --include-mailbox lists all of it"

why=""
st 0 ms_b get "$S" -C "$IN" --remove --receipts
put_new a "$S" -r "$BOB" "$SRC/msg"
[ -f "$BOX/$NEW.gpg" ] || why="$why no new item;"
with_timeout env GNUPGHOME="$BH" mule-verify --manifest "$S" \
    --manifest-file "$T/man-default.asc" --strict >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] || why="$why exit $rc;"
grep -q 'unlisted\|changed\|missing' "$T/err" && why="$why MULE/ reported;"
grep -q 'mule-verify: the mailbox MULE/ is not in the manifest' "$T/err" ||
    why="$why no note about the mailbox;"
grep -q 'mule-verify: 3 files match the manifest' "$T/err" || why="$why not '3 files match';"
verdict "after Bob's get --remove --receipts and a new put changed MULE/: mule-verify --manifest --strict of the default manifest passes, with a note"

why=""
with_timeout env GNUPGHOME="$BH" mule-verify --manifest "$S" \
    --manifest-file "$T/man-all.asc" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || why="$why exit $rc, not 1;"
grep -q "mule-verify: missing: MULE/to/$BOB/" "$T/err" || why="$why the removed item is not missing;"
verdict "... the --include-mailbox manifest fails (exit 1): the item Bob removed is missing"

why=""
printf 'mule-stick 2\n' >"$S/MULE/VERSION"
st 1 env GNUPGHOME="$BH" mule-verify --manifest "$S" --manifest-file "$T/man-default.asc"
grep -q 'mule-verify: changed: MULE/VERSION' "$T/err" || why="$why MULE/VERSION not changed;"
printf 'mule-stick 1\n' >"$S/MULE/VERSION"
printf 'tampered\n' >"$S/docs/MULE/VERSION"
st 1 env GNUPGHOME="$BH" mule-verify --manifest "$S" --manifest-file "$T/man-default.asc"
grep -q 'mule-verify: changed: docs/MULE/VERSION' "$T/err" || why="$why docs/MULE/VERSION not changed;"
printf 'not a mailbox\n' >"$S/docs/MULE/VERSION"
printf 'planted\n' >"$S/docs/MULE/new.txt"
st 1 env GNUPGHOME="$BH" mule-verify --manifest "$S" --manifest-file "$T/man-default.asc" --strict
grep -q 'unlisted: docs/MULE/new.txt' "$T/err" || why="$why docs/MULE/new.txt not unlisted;"
rm -f "$S/docs/MULE/new.txt"
verdict "... the default manifest still checks MULE/VERSION, and docs/MULE like any folder"

why=""
rm -f "$S/MULE/VERSION"
GNUPGHOME=$AH mule-sign -q --manifest "$S" >"$T/man-nobox.asc" 2>"$T/err" ||
    why="$why mule-sign failed;"
names "$T/man-nobox.asc" | grep -qx 'MULE/README.txt' ||
    why="$why a MULE/ without VERSION was left out;"
printf 'mule-stick 1\n' >"$S/MULE/VERSION"
st 2 env GNUPGHOME="$AH" mule-sign --include-mailbox "$SRC/report.txt"
one_error_of mule-sign "$T/err" || why="$why --include-mailbox without --manifest: not one error line;"
verdict "a MULE/ without VERSION is no mailbox: listed; --include-mailbox without --manifest: exit 2"
fat_done

# === the item's own names are not the user's ============================================
scenario ownnames
why=""
mkdir -p "$T/own/dir"
echo 'not an envelope' >"$T/own/MULE-ENVELOPE"
echo 'not a certificate' >"$T/own/MULE-CERT.pgp"
echo "inside a directory: the user's" >"$T/own/dir/MULE-ENVELOPE"
for n in MULE-ENVELOPE MULE-CERT.pgp; do
	st 2 ms_a put "$S" -r "$BOB" "$T/own/$n"
	grep -q "$n: mule reserves this name" "$T/err" || why="$why $n: $(cat "$T/err");"
done
[ -z "$(items "$BOX")" ] || why="$why an item was put;"
[ ! -s "$ASTATE/mule/sequence" ] || ! grep -q "$BOB" "$ASTATE/mule/sequence" ||
    why="$why a number was taken;"
put_new a "$S" -r "$BOB" "$T/own/dir"
verdict "put refuses a file named MULE-ENVELOPE or MULE-CERT.pgp (exit 2, nothing put or numbered); inside a directory the name is the user's"

done_testing
