#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/key-list.sh - mule-key list and mule-key list --json against
# gpg --list-keys --with-colons, on a keyring of many accepted peers, in
# the same run.
#
# Usage: sh bench/key-list.sh [quick]
#
# The keyring: the user's own key (made by mule-key generate) and NPEERS
# peers (full: 100; quick: 20), Ed25519 keys with a Curve25519 subkey made
# in one run of gpg --gen-key in another home, imported and each certified
# with --quick-lsign-key, as mule-key import would leave them.  Every time
# is the median of interleaved runs, reported as the ratio mule / gpg
# (information: mule-key list does more than one gpg listing), and the
# median of mule-key list itself against its target: well under a second.
# See bench/README.
#
# Environment: MULE_KEY (the binary; default: src/mule-key of this tree),
# NPEERS, RUNS (timed rounds; full 7, quick 5), TMPDIR.

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	: "${NPEERS:=100}"
	: "${RUNS:=7}"
	;;
quick)
	: "${NPEERS:=20}"
	: "${RUNS:=5}"
	;;
*)
	echo "usage: sh bench/key-list.sh [quick]" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
mule_binaries KEY
need_tools gpg gpgconf gpg-connect-agent
need_ns_date

START=$(date +%s)
make_tmpdir
PH=$T/peers		# where the peers' keys are made
GNUPGHOME=$T/gnupg	# the user's keyring
export GNUPGHOME
trap 'cleanup "$PH" "$GNUPGHOME"' EXIT
trap 'exit 130' INT TERM HUP

BUILT=$(built_time "$KEY")
copy_binaries KEY
VERSION=$("$KEY" --version 2>/dev/null | head -1)

# ---------------------------------------------------------------- keys
LOAD0=$(loadavg)
say "mode $mode: $NPEERS peers, $RUNS runs"
mkdir -m 700 "$PH" "$GNUPGHOME"
t0=$(date +%s)
"$KEY" generate --no-passphrase 'Bench User <user@example.org>' >/dev/null 2>&1 \
    || { say "mule-key generate failed"; exit 2; }
# The peers: one gpg run, one parameter block per key (no passphrase).
k=1
while [ $k -le "$NPEERS" ]; do
	p=$(printf '%03d' $k)
	printf '%s\n' '%no-protection' 'Key-Type: eddsa' 'Key-Curve: ed25519' \
	    'Key-Usage: sign' 'Subkey-Type: ecdh' 'Subkey-Curve: cv25519' \
	    'Subkey-Usage: encrypt' "Name-Real: Peer $p" \
	    "Name-Email: peer$p@example.org" 'Expire-Date: 0' '%commit'
	k=$((k + 1))
done >"$T/params"
gpg --homedir "$PH" --batch --gen-key "$T/params" >/dev/null 2>&1 \
    && gpg --homedir "$PH" --batch --export >"$T/peers.pgp" 2>/dev/null \
    && gpg --batch -q --import "$T/peers.pgp" >/dev/null 2>&1 \
    || { say "cannot make and import the peers' keys"; exit 2; }
gpg --batch --with-colons --list-keys 2>/dev/null \
    | awk -F: '$1 == "pub" { p = 1 } $1 == "fpr" && p { print $10; p = 0 }' >"$T/fprs"
ME=$("$KEY" fingerprint 2>/dev/null | sed -n 's/^uri *OPENPGP4FPR://p')
grep -v "^$ME\$" "$T/fprs" >"$T/peer.fprs"
[ "$(wc -l <"$T/peer.fprs")" -eq "$NPEERS" ] \
    || { say "the keyring has $(wc -l <"$T/peer.fprs") peers, not $NPEERS"; exit 2; }
while read -r f; do
	gpg --batch --yes -q --quick-lsign-key "$f" >/dev/null 2>&1 \
	    || { say "cannot certify $f"; exit 2; }
done <"$T/peer.fprs"
gpg --batch --check-trustdb >/dev/null 2>&1
gpgconf --homedir "$PH" --kill all >/dev/null 2>&1
start_agent "$GNUPGHOME"
say "keyring made in $(($(date +%s) - t0)) s"

# ---------------------------------------------------------------- runs
FMT='%-52s %10s %10s %7s %8s  %s\n'	# the table's rows
ML="$KEY list >$T/list.out"
MJ="$KEY list --json >$T/list.json"
GL="gpg --batch --list-keys --with-colons >$T/gpg.out 2>/dev/null"
# Trial runs: each must succeed and show every key, the peers accepted.
ok=1
if eval "$ML" && [ "$(grep -c '^accepted ' "$T/list.out")" -eq "$NPEERS" ] \
    && [ "$(grep -c "^mine  *$ME " "$T/list.out")" -eq 1 ]; then
	:
else
	ok=0
	say "mule-key list failed, or did not show $NPEERS accepted peers and the user's key"
fi
if eval "$MJ" && [ "$(grep -c '"state": "accepted"' "$T/list.json")" -eq "$NPEERS" ] \
    && { ! command -v python3 >/dev/null 2>&1 \
	|| python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/list.json"; }; then
	:
else
	ok=0
	say "mule-key list --json failed, or is not JSON with $NPEERS accepted peers"
fi
if eval "$GL" && [ "$(grep -c '^pub:f:' "$T/gpg.out")" -eq "$NPEERS" ]; then
	:
else
	ok=0
	say "gpg --list-keys failed, or did not show the $NPEERS peers as fully valid"
fi

what_l="list, $NPEERS peers vs gpg --list-keys --with-colons"
what_j="list --json, $NPEERS peers vs the same"
what_a="list, $NPEERS peers: mule-key's own time"
if [ $ok = 1 ] && measure_cmds "$RUNS" "$ML" "$MJ" "$GL"; then
	ML_MED=$med1 MJ_MED=$med2 G_MED=$med3
	med1=$ML_MED
	timed_row "$what_l" slowdown - - "$G_MED"
	med1=$MJ_MED
	timed_row "$what_j" slowdown - - "$G_MED"
	row "$what_a" "$(secs "$ML_MED")" - - "< 1.0 s" \
	    "$(awk -v t="$ML_MED" 'BEGIN { print t < 1e9 ? "PASS" : "FAIL" }')"
	row "  same, per key" "$(msecs $((ML_MED / (NPEERS + 1))))" \
	    "$(msecs $((G_MED / (NPEERS + 1))))" - - info
else
	row "$what_l" - - - - ERROR
	row "$what_j" - - - - ERROR
	row "$what_a" - - - "< 1.0 s" ERROR
fi

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule-key list benchmark ($mode): $(machine), medians of $RUNS runs"
echo "$VERSION, binary built $BUILT; $NPEERS peers (Ed25519 + Curve25519," \
    "certified with --quick-lsign-key) and the user's key"
table
summary
