#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-key-rotate.sh - forward secrecy by rotation (issue 15).  mule-key
# rotate at half-life: nothing before (it says when), --force, the new
# subkey's lifetime, a protected key from cron (--passphrase-file) and at
# a terminal (the agent's pinentry), and peers then seal to the new
# subkey.  mule-key prune: held by each rule (exit 2, why, nothing
# destroyed), --force, allowed after; never the primary key, a signing
# subkey or the current subkey; an old message is then refused with one
# line while a current one opens.  The agent's socket as gpgconf finds
# it, with and without /run/user, and prune through it.
#
# Alice's key is made with gpg's --faked-system-time, so that it has a
# past: an encryption subkey that expired, a signing subkey that
# expired, and the current encryption subkey, past half-life.
. "$srcdir/tests/lib.sh"
AS="$MULE_BUILDDIR/tests/agent-socket"	# prints the socket mule finds
[ -x "$AS" ] || { echo "Bail out! no $AS: make check builds it"; exit 99; }

A="$T/alice-home" B="$T/bob-home" C="$T/carol-home"
for h in "$A" "$B" "$C"; do new_home "$h"; done
mkdir -p "$XDG_STATE_HOME/mule"
USED="$XDG_STATE_HOME/mule/subkeys-used"
DAY=86400
now=$(date +%s)
echo alice-pass >"$T/alice.pass"
echo wrong-pass >"$T/wrong.pass"

ka() { with_timeout env GNUPGHOME="$A" mule-key "$@"; }
kb() { with_timeout env GNUPGHOME="$B" mule-key "$@"; }

# colons HOME: HOME's secret keys, with keygrips (gpg --with-colons).
colons() { GNUPGHOME=$1 gpg --batch --with-colons --with-keygrip -K 2>/dev/null; }
# field HOME FPR N: field N of the sec/ssb line of the (sub)key FPR: 6
# made, 7 expires, 12 capabilities, 15 secret ('+' here, '#' gone).
field() {
	colons "$1" | awk -F: -v f="$2" -v n="$3" '
	    /^(sec|ssb)/ { line = $0 } /^fpr/ && $10 == f {
		split(line, x, ":"); print x[n]; exit }'
}
secret() { field "$1" "$2" 15; }
# grip HOME FPR: its keygrip.
grip() {
	colons "$1" | awk -F: -v f="$2" '
	    /^fpr/ { hit = $10 == f } /^grp/ && hit { print $10; exit }'
}
# enc HOME: the fingerprints of the encryption subkeys, oldest first.
enc() {
	colons "$1" | awk -F: '/^ssb/ { e = $12 ~ /e/; t = $6 }
	    /^fpr/ && e { print t, $10; e = 0 }' | sort -n | cut -d' ' -f2
}
newest() { enc "$1" | tail -n 1; }
# days_left HOME FPR: whole days until the subkey FPR expires.
days_left() { echo $(( ($(field "$1" "$2" 7) - $(date +%s) + 600) / DAY )); }
day() { date -u -d "@$1" +%F; }
keyid() { echo "$1" | cut -c25-40; }
# sealed_to MSG: the key ID a message is encrypted to.
sealed_to() { packets "$1" | awk '/^:pubkey enc packet:/ { print $NF }'; }

# fake DAYS ARG...: Alice's gpg, its clock set back DAYS days.
fake() {
	fk_days=$1
	shift
	GNUPGHOME=$A gpg --batch --pinentry-mode loopback --passphrase alice-pass \
	    --faked-system-time "$((now - fk_days * DAY))" "$@" 2>/dev/null
}
fake 100 --quick-gen-key 'Alice <alice@example.org>' ed25519 cert,sign never
AF=$(colons "$A" | awk -F: '/^fpr/ { print $10; exit }')
fake 100 --quick-add-key "$AF" cv25519 encr 60d	# S1: expired 40 days ago
fake 100 --quick-add-key "$AF" ed25519 sign 60d	# a signing subkey, expired
fake 50 --quick-add-key "$AF" cv25519 encr 60d	# S2: half-life 20 days ago
S1=$(enc "$A" | sed -n 1p) S2=$(enc "$A" | sed -n 2p)
SIG=$(colons "$A" | awk -F: '/^ssb/ { s = $12 ~ /s/ } /^fpr/ && s { print $10; exit }')
[ -n "$AF" ] && [ -n "$S1" ] && [ -n "$S2" ] && [ -n "$SIG" ] ||
    { echo "Bail out! cannot make Alice's key with a past"; exit 99; }

# Bob, a peer, makes his key with mule-key; they accept each other's.
kb generate -q --no-passphrase 'Bob <bob@example.org>' >"$T/bob.card" 2>"$T/err" ||
    { echo "Bail out! cannot make Bob's key"; exit 99; }
BF=$(sed -n 's/^fingerprint  //p' "$T/bob.card" | tr -d ' ')
ka export -o "$T/alice.asc" && kb export -o "$T/bob.asc" &&
    kb import -q --fingerprint "$AF" "$T/alice.asc" &&
    ka import -q --passphrase-file "$T/alice.pass" --fingerprint "$BF" "$T/bob.asc" ||
    { echo "Bail out! Alice and Bob cannot accept each other's keys"; exit 99; }

# === rotate ==================================================================
why=""
B1=$(newest "$B")
b1_made=$(field "$B" "$B1" 6) b1_exp=$(field "$B" "$B1" 7)
run_status 0 kb rotate || why="$why exit;"
grep -q "not rotated: the encryption subkey $B1 is not half through its life; the next rotation is due on $(day $((b1_made + (b1_exp - b1_made) / 2)))" \
    "$T/err" || why="$why does not say when it is due;"
[ "$(enc "$B" | wc -l)" -eq 1 ] || why="$why a subkey was made;"
verdict "rotate before half-life does nothing, and says when the next one is due"

why=""
run_status 0 kb rotate --force || why="$why exit;"
B2=$(newest "$B")
[ "$B2" != "$B1" ] && [ "$(enc "$B" | wc -l)" -eq 2 ] || why="$why no new subkey;"
[ "$(days_left "$B" "$B2")" -eq 60 ] || why="$why lives $(days_left "$B" "$B2") days, not 60;"
grep -q "new encryption subkey $B2, expires .* (--force)" "$T/err" || why="$why not said;"
grep -q "the subkey $B1 it replaces keeps its secret until mule-key prune" "$T/err" ||
    why="$why the old one not named;"
[ "$(secret "$B" "$B1")" = + ] || why="$why the old secret is gone;"
verdict "rotate --force: a new Curve25519 encryption subkey for 60 days; the old one stays"

# (a second apart: gpg, and mule, take the newest valid subkey, and two
# made within a second have the same timestamp)
sleep 1
why=""
run_status 0 kb rotate --force --subkey-days 10 || why="$why exit;"
B3=$(sed -n 's/.*new encryption subkey \([0-9A-F]\{40\}\), .*/\1/p' "$T/err")
[ -n "$B3" ] && [ "$B3" = "$(newest "$B")" ] || why="$why not the newest;"
[ "$(days_left "$B" "$B3")" -eq 10 ] || why="$why lives $(days_left "$B" "$B3") days, not 10;"
[ "$(field "$B" "$B3" 12)" = e ] || why="$why it is not an encryption-only subkey;"
verdict "rotate --subkey-days 10: the new subkey lives 10 days"

expect_fail "rotate --subkey-days past 2106 is refused (exit 2)" 2 \
    kb rotate --force --subkey-days 40000
expect_fail "rotate takes no argument (exit 2)" 2 kb rotate me
expect_fail "prune --subkey-days is not an option of prune (exit 2)" 2 \
    kb prune --subkey-days 3

# A message Bob seals now goes to Alice's current subkey S2.
echo 'old news' | GNUPGHOME=$B mule-seal -r alice@example.org -o "$T/old.gpg" 2>"$T/err"
check "before the rotation, Bob seals to Alice's subkey S2" \
    [ "$(sealed_to "$T/old.gpg")" = "$(keyid "$S2")" ]

# === prune ===================================================================
# untouched CURRENT: the primary key, the signing subkey and the current
# encryption subkey CURRENT keep their secrets and key files.
untouched() {
	for f in "$AF" "$SIG" "$1"; do
		[ "$(secret "$A" "$f")" = + ] ||
		    why="$why the secret of $f is gone;"
		[ -f "$A/private-keys-v1.d/$(grip "$A" "$f").key" ] ||
		    why="$why the key file of $f is gone;"
	done
}
# kept FPR: FPR's secret and key file are still there.
kept() {
	[ "$(secret "$A" "$1")" = + ] && [ -f "$A/private-keys-v1.d/$(grip "$A" "$1").key" ] ||
	    why="$why the secret of $1 is gone;"
}
G1=$(grip "$A" "$S1") G2=$(grip "$A" "$S2")

# Before Alice rotates: S1 is retired, S2 current.  S1 stopped being
# current 50 days ago (S2 was made), so it no longer waits; but a message
# sealed to it arrived 5 days ago (it was on its way a long time).
printf '%s %s %s\n' "$BF" "$S1" "$((now - 5 * DAY))" >"$USED"
why=""
expect_fail "prune, a message sealed to S1 arrived within the grace period: exit 2" 2 ka prune
grep -q "error: kept the secret of subkey $S1: a message sealed to it arrived on $(day $((now - 5 * DAY))), within the grace period of 30 days$" \
    "$T/err" || why="$why not the arrival and one rotation period;"
grep -q "hint: prune again after $(day $((now + 25 * DAY)));" "$T/err" || why="$why no date in the hint;"
kept "$S1"
untouched "$S2"
verdict "... it says which message and until when; nothing destroyed"

why=""
expect_fail "prune --grace 4, Bob still seals to S1: exit 2" 2 ka prune --grace 4
grep -q "error: kept the secret of subkey $S1: Bob <bob@example.org> ($BF) has sent nothing sealed to a newer subkey of yours yet" \
    "$T/err" || why="$why the peer not named;"
grep -q 'hint: carry your certificate to them' "$T/err" || why="$why no hint;"
kept "$S1"
untouched "$S2"
verdict "... the peer named; nothing destroyed"

# Allowed after: Bob seals to S2.
printf '%s %s %s\n' "$BF" "$S2" "$((now - 3 * DAY))" >>"$USED"
why=""
run_status 0 ka prune --grace 4 || why="$why exit;"
grep -q "destroyed the secret of subkey $S1 (made $(day $((now - 100 * DAY))), expired)" "$T/err" ||
    why="$why not listed;"
grep -q 'a deleted file is not securely erased' "$T/err" || why="$why no word on erasure;"
grep -q -e 'error' -e 'warning' "$T/err" && why="$why an error or warning;"
[ "$(secret "$A" "$S1")" = '#' ] && [ ! -e "$A/private-keys-v1.d/$G1.key" ] ||
    why="$why S1's secret is still there;"
GNUPGHOME=$A gpg --batch --with-colons -k "$AF" 2>/dev/null | grep -q "^fpr:*$S1:" ||
    why="$why S1's public part is gone;"
untouched "$S2"
verdict "prune once Bob seals to the newer subkey: S1's secret destroyed, its public part kept"

# Alice's key is protected.  Nobody to ask, Cancel, a wrong passphrase:
# nothing is made.
use_pinentry none "$A"
expect_fail "rotate of a protected key without pinentry or --passphrase-file: exit 2" 2 ka rotate
check "... it says the key needs its passphrase" \
    grep -q "error: no new subkey: your key $AF needs its passphrase, and no pinentry could ask for it" "$T/err"
use_pinentry cancel "$A"
expect_fail "rotate, Cancel at the pinentry: exit 2" 2 ka rotate
check "... it says no passphrase came from the pinentry" \
    grep -q "error: no new subkey: no passphrase for your key $AF came from the pinentry" "$T/err"
use_pinentry none "$A"
expect_fail "rotate --passphrase-file with a wrong passphrase: exit 2" 2 \
    ka rotate --passphrase-file "$T/wrong.pass"
check "... it says wrong passphrase" \
    grep -q "error: wrong passphrase for your key $AF: no new subkey" "$T/err"
check "... and no subkey was made in any of these" [ "$(enc "$A" | wc -l)" -eq 2 ]

# From cron: past half-life, no --force needed.
why=""
run_status 0 ka rotate -q --passphrase-file "$T/alice.pass" || why="$why exit;"
[ ! -s "$T/err" ] || why="$why -q is not quiet;"
S3=$(newest "$A")
[ "$S3" != "$S2" ] && [ "$(enc "$A" | wc -l)" -eq 3 ] || why="$why no new subkey;"
[ "$(days_left "$A" "$S3")" -eq 60 ] || why="$why lives $(days_left "$A" "$S3") days;"
verdict "rotate from cron (--passphrase-file, no pinentry): due at half-life, rotated"
run_status 0 ka rotate --passphrase-file "$T/alice.pass" &&
    grep -q "not rotated: the encryption subkey $S3 is not half through" "$T/err"
check "... and the next run does nothing" [ $? -eq 0 ]

# At a terminal: Carol's key (passphrase, a subkey that never expires,
# as gpg makes it) rotates at once, and pinentry asks.
GNUPGHOME=$C gpg --batch --pinentry-mode loopback --passphrase carol-pass \
    --quick-gen-key 'Carol <carol@example.org>' future-default default never 2>/dev/null
C1=$(newest "$C")
why=""
use_pinentry carol-pass "$C"
run_status 0 with_timeout env GNUPGHOME="$C" mule-key rotate || why="$why exit;"
C2=$(newest "$C")
[ "$C2" != "$C1" ] || why="$why no new subkey;"
# (made a second after the key at least: gpg seals to the first of two
# subkeys of one second)
[ "$(field "$C" "$C2" 6)" -gt "$(field "$C" "$C1" 6)" ] ||
    why="$why made in the second of the old one;"
grep -q "new encryption subkey $C2, expires .* (the old one never expired)" "$T/err" ||
    why="$why the reason not said;"
[ "$(pinentry_asked)" -ge 1 ] || why="$why pinentry not asked;"
verdict "rotate at a terminal: pinentry asks; a subkey that never expires is replaced at once"

# Bob takes Alice's update; his mule-seal and gpg then seal to S3.
why=""
ka export -o "$T/alice2.asc" || why="$why export;"
run_status 0 kb import "$T/alice2.asc" || why="$why import;"
grep -q "key $AF updated: 0 new user IDs, 1 new subkey" "$T/err" || why="$why not an update;"
echo 'new news' | GNUPGHOME=$B mule-seal -r alice@example.org -o "$T/new.gpg" 2>/dev/null
[ "$(sealed_to "$T/new.gpg")" = "$(keyid "$S3")" ] || why="$why mule-seal seals to $(sealed_to "$T/new.gpg");"
echo x | GNUPGHOME=$B gpg --batch -e -r alice@example.org >"$T/gpg.gpg" 2>/dev/null
[ "$(sealed_to "$T/gpg.gpg")" = "$(keyid "$S3")" ] || why="$why gpg seals to $(sealed_to "$T/gpg.gpg");"
verdict "the peer takes the update; its mule-seal and gpg then seal to the new subkey"

# After the rotation: S2 was current until today, and waits for the grace
# period: kept, and said so, but no error (it is how things are after
# each rotation, so that cron mails nothing).
why=""
run_status 0 ka prune || why="$why exit;"
grep -q "kept the secret of subkey $S2 until $(day $(($(date +%s) + 30 * DAY))): it was your current encryption subkey until $(date -u +%F) (grace period: 30 days)" \
    "$T/err" || why="$why not said until when;"
grep -q -e 'error' -e 'warning' -e destroyed "$T/err" && why="$why an error, warning or destruction;"
kept "$S2"
untouched "$S3"
verdict "prune right after the rotation: S2 waits for the grace period (exit 0, said)"
run_status 0 ka prune -q && [ ! -s "$T/err" ]
check "... and with -q says nothing" [ $? -eq 0 ]

# No grace: Bob still seals to S2 (the brief's case: a peer still uses the
# old subkey).
why=""
expect_fail "prune --grace 0, Bob has not sealed to S3 yet: exit 2" 2 ka prune --grace 0
grep -q "error: kept the secret of subkey $S2: Bob <bob@example.org> ($BF) has sent nothing sealed to a newer subkey" \
    "$T/err" || why="$why not said;"
kept "$S2"
untouched "$S3"
verdict "... nothing destroyed"

# Allowed after: Bob's first item sealed to S3 arrived.
printf '%s %s %s\n' "$BF" "$S3" "$(date +%s)" >>"$USED"
why=""
run_status 0 ka prune --grace 0 || why="$why exit;"
grep -q "destroyed the secret of subkey $S2 (made $(day $((now - 50 * DAY))), superseded)" "$T/err" ||
    why="$why not listed;"
[ "$(secret "$A" "$S2")" = '#' ] && [ ! -e "$A/private-keys-v1.d/$G2.key" ] ||
    why="$why S2's secret is still there;"
untouched "$S3"
verdict "prune once Bob seals to S3: S2's secret destroyed"

why=""
run_status 0 ka prune || why="$why exit;"
grep -q "nothing to destroy: no retired encryption subkey of $AF has its secret here" "$T/err" ||
    why="$why not said;"
untouched "$S3"
verdict "prune again: nothing to destroy, the primary, signing and current secrets stay"

# The old message is refused with one line, the new one opens.
use_pinentry none "$A"
GNUPGHOME=$A
export GNUPGHOME
refused_by mule-open 1 "$T/old.gpg"
unset GNUPGHOME
grep -q "error: no secret key for this message: it was sealed to your subkey $S2, whose secret is not here (mule-key prune" \
    "$T/err" || why="$why not said which subkey;"
verdict "mule-open of a message sealed to the pruned subkey: exit 1, one line, nothing released"
run_status 0 with_timeout env GNUPGHOME="$A" mule-open --passphrase-file "$T/alice.pass" "$T/new.gpg" &&
    [ "$(cat "$T/out")" = 'new news' ] && grep -q 'good signature from "Bob' "$T/err"
check "... a message sealed to the current subkey opens" [ $? -eq 0 ]

# --force, through a relative --homedir (GNUPGHOME unset): Bob (a peer
# that Carol's keyring does not have: named by fingerprint) sealed to
# Carol's old subkey C1 and never to C2, which holds C1; --force destroys
# it anyway, and says what it overrode.
printf '%s %s %s\n' "$BF" "$C1" "$(date +%s)" >>"$USED"
why=""
(cd "$T" && with_timeout env -u GNUPGHOME mule-key --homedir carol-home prune \
    --force --grace 0) >"$T/out" 2>"$T/err" || why="$why exit $?;"
grep -q "destroyed the secret of subkey $C1" "$T/err" || why="$why not listed;"
grep -q "warning: --force: $C1 destroyed although peer $BF has sent nothing sealed to a newer subkey" \
    "$T/err" || why="$why no warning;"
[ "$(secret "$C" "$C1")" = '#' ] && [ "$(secret "$C" "$C2")" = + ] &&
    [ "$(secret "$C" "$(colons "$C" | awk -F: '/^fpr/ { print $10; exit }')")" = + ] ||
    why="$why wrong secrets destroyed;"
verdict "prune --force, relative --homedir: a held subkey destroyed, with a warning"

# An offline primary key (its secret elsewhere, as some keep it): rotate
# cannot sign a new subkey and says so; prune still works.  Carol gets a
# third subkey (gpg), then her primary secret goes.
CF=$(colons "$C" | awk -F: '/^fpr/ { print $10; exit }')
sleep 1
GNUPGHOME=$C gpg --batch --pinentry-mode loopback --passphrase carol-pass \
    --quick-add-key "$CF" cv25519 encr 60d 2>/dev/null
C3=$(newest "$C")
GNUPGHOME=$C gpg --batch --yes --delete-secret-keys "$CF!" 2>/dev/null
why=""
[ "$(secret "$C" "$CF")" = '#' ] && [ "$C3" != "$C2" ] || why="$why no offline primary to test with;"
run_status 2 with_timeout env GNUPGHOME="$C" mule-key rotate --force || why="$why exit;"
one_error_of mule-key "$T/err" || why="$why not one error line;"
grep -q "error: the secret of your primary key $CF is not here, and it must sign the new subkey" \
    "$T/err" || why="$why not said;"
verdict "rotate with an offline primary key: exit 2, it says the primary's secret is not here"
why=""
run_status 0 with_timeout env GNUPGHOME="$C" mule-key prune --force || why="$why exit;"
grep -q "destroyed the secret of subkey $C2" "$T/err" || why="$why not listed;"
[ "$(secret "$C" "$C2")" = '#' ] && [ "$(secret "$C" "$C3")" = + ] ||
    why="$why wrong secrets;"
verdict "prune with an offline primary key: the retired secret destroyed, the current one kept"

# An agent that forbids silent deletion asks through pinentry; with none,
# nothing is destroyed.
why=""
use_pinentry none "$B"
echo no-allow-loopback-pinentry >>"$B/gpg-agent.conf"
run_status 2 kb prune --force || why="$why exit;"
one_error_of mule-key "$T/err" || why="$why not one error line;"
grep -q "error: gpg-agent at .* did not destroy the secret key $(grip "$B" "$B1"): " "$T/err" ||
    why="$why not said;"
[ "$(secret "$B" "$B1")" = + ] && [ "$(secret "$B" "$B2")" = + ] || why="$why a secret was destroyed;"
verdict "prune where the agent forbids silent deletion and no pinentry confirms: exit 2, nothing destroyed"

# === the agent's socket ==========================================================
# same_socket ARG...: agent-socket [HOMEDIR] prints what gpgconf does,
# in the environment and directory of the caller.
same_socket() {
	if [ $# -gt 0 ]; then
		ss_g=$(gpgconf --homedir "$1" --list-dirs agent-socket 2>/dev/null)
	else
		ss_g=$(gpgconf --list-dirs agent-socket 2>/dev/null)
	fi
	ss_m=$("$AS" "$@" 2>&1)
	[ -n "$ss_g" ] && [ "$ss_g" = "$ss_m" ] || {
		diag "gpgconf: $ss_g" "mule:    $ss_m"; return 1; }
}
mkdir -p "$T/fake/.gnupg" && chmod 700 "$T/fake/.gnupg"

# Without /run/user/UID (as root in CI, and here unless it exists):
# the home itself.
check "socket = gpgconf's: --homedir" same_socket "$A"
check "socket = gpgconf's: GNUPGHOME" \
    sh -c 'export GNUPGHOME=$1; [ "$(gpgconf --list-dirs agent-socket)" = "$("$2")" ]' \
    sh "$A" "$AS"
why=""
for args in "$A/" "$A//" "$A/./"; do
	same_socket "$args" || why="$why $args;"
done
(cd "$T" && same_socket alice-home) || why="$why relative;"
(cd "$A" && same_socket .) || why="$why .;"
(HOME=$T/fake; export HOME; same_socket "~/.gnupg") || why="$why ~/.gnupg;"
(HOME=$T/fake; export HOME; unset GNUPGHOME; same_socket) ||
    why="$why the default home;"
(HOME=$T/fake GNUPGHOME=$T/fake/.gnupg; export HOME GNUPGHOME; same_socket) ||
    why="$why GNUPGHOME = the default;"
verdict "socket = gpgconf's: trailing slashes, /./, relative, ~, the default home"

# With /run/user/UID: in a mount namespace of our own, with a tmpfs
# there, so that no other agent of this machine sees it.  gpgconf makes
# the directories it names (as the agent does when it starts), so it
# runs first.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
    unshare -m true 2>/dev/null; then
	unshare -m sh -c '
		set -u
		T=$1 AS=$2 A=$3 B=$4 U=/run/user/$(id -u)
		mount -t tmpfs -o mode=755 tmpfs /run/user || exit 3
		mkdir -m 700 "$U" || exit 3
		# cmp_socket [HOMEDIR]: "same SOCKET" or "differ: ..."
		cmp_socket() {
			if [ $# -gt 0 ]; then
				g=$(gpgconf --homedir "$1" --list-dirs agent-socket)
			else
				g=$(gpgconf --list-dirs agent-socket)
			fi
			m=$("$AS" "$@" 2>&1)
			[ "$g" = "$m" ] && echo "same $g" || echo "differ: $g / $m"
		}
		cmp_socket "$A"
		(cd "$T" && cmp_socket alice-home)
		(HOME=$T/fake; export HOME; unset GNUPGHOME; cmp_socket)
		(HOME=$T/fake GNUPGHOME=$T/fake/.gnupg; export HOME GNUPGHOME
		    cmp_socket)
		chmod 755 "$U/gnupg"; cmp_socket "$A"; chmod 700 "$U/gnupg"
		chown 1 "$U"; cmp_socket "$A"; chown 0 "$U"
		# prune through the agent there: Bob, whose own agent is
		# stopped first (its socket is in the home)
		gpgconf --homedir "$B" --kill gpg-agent
		sed -i /no-allow-loopback-pinentry/d "$B/gpg-agent.conf"
		env -u GNUPGHOME mule-key --homedir "$B" prune --force >/dev/null 2>"$T/ns-err"
		echo "prune $?"
		ls "$U"/gnupg/d.*/S.gpg-agent 2>/dev/null | sed "s,^,socket ,"
		gpgconf --homedir "$B" --list-dirs agent-socket | sed "s,^,gpgconf ,"
		gpgconf --homedir "$B" --kill gpg-agent
	' sh "$T" "$AS" "$A" "$B" >"$T/ns-out" 2>&1
	sed 's/^/# ns: /' "$T/ns-out" >&2
	check "with /run/user/UID: socket = gpgconf's for --homedir (d.ZBASE32)" \
	    grep -qx "same /run/user/$(id -u)/gnupg/d\.[a-z0-9]\{24\}/S.gpg-agent" "$T/ns-out"
	check "... for a relative --homedir" [ "$(sed -n 2p "$T/ns-out")" = "$(sed -n 1p "$T/ns-out")" ]
	check "... for the default home: the socket directory itself" \
	    [ "$(sed -n 3p "$T/ns-out")" = "same /run/user/$(id -u)/gnupg/S.gpg-agent" ]
	check "... for GNUPGHOME naming the default home" \
	    [ "$(sed -n 4p "$T/ns-out")" = "same /run/user/$(id -u)/gnupg/S.gpg-agent" ]
	check "... with the gnupg directory open to others: the home" \
	    [ "$(sed -n 5p "$T/ns-out")" = "same $A/S.gpg-agent" ]
	check "... with /run/user/UID not ours: the home" \
	    [ "$(sed -n 6p "$T/ns-out")" = "same $A/S.gpg-agent" ]
	why=""
	grep -qx 'prune 0' "$T/ns-out" || why="$why prune failed: $(cat "$T/ns-err");"
	sock=$(sed -n 's/^socket //p' "$T/ns-out")
	[ -n "$sock" ] && grep -qx "gpgconf $sock" "$T/ns-out" ||
	    why="$why the agent's socket is not in /run/user;"
	[ "$(secret "$B" "$B1")" = '#' ] && [ "$(secret "$B" "$B2")" = '#' ] &&
	    [ "$(secret "$B" "$B3")" = + ] && [ "$(secret "$B" "$BF")" = + ] ||
	    why="$why the wrong secrets;"
	verdict "prune through the agent in /run/user/UID/gnupg/d.*: the retired secrets destroyed"
else
	skip "with /run/user/UID: needs root and unshare -m (a mount namespace)"
fi

done_testing
