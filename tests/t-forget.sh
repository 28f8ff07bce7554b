#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --forget-passphrase (mule-open, mule-bundle, mule-stick): gpg-agent
# keeps a key's passphrase after a run; with the flag it keeps none that
# the run unlocked, however the run ends (success, rejection, an
# operational error, SIGTERM), while a passphrase it held before the run
# stays held.  Without the flag a second run opens from the cache: the
# tests could fail.  The agent's failures (ERR, no answer, an answer we
# cannot read, a file where its socket should be) are exit 2, from a fake
# agent.
. "$srcdir/tests/lib.sh"

setup_keys
umask 022
echo 'for dave' >"$T/note.txt"
printf 'dave-pass\n' >"$T/pass"
mule-seal -u alice@example.org -r dave@example.org --binary \
    -o "$T/msg.gpg" "$T/note.txt" 2>/dev/null ||
    { echo "Bail out! cannot seal for dave"; exit 99; }
# Dave's keygrips: his primary key signs, his subkey decrypts.
gpg --with-keygrip --with-colons -K "$DAVE" 2>/dev/null |
    awk -F: '/^grp/ { print $10 }' >"$T/grips"
SIGN=$(sed -n 1p "$T/grips") ENC=$(sed -n 2p "$T/grips")
[ ${#SIGN} -eq 40 ] && [ ${#ENC} -eq 40 ] ||
    { echo "Bail out! no keygrips for dave"; exit 99; }

# held GRIP: the agent of $GNUPGHOME holds GRIP's passphrase.
held() {
	gpg-connect-agent --no-autostart "keyinfo $1" /bye 2>/dev/null |
	    awk '$1 == "S" && $2 == "KEYINFO" { print $7 }' | grep -qx 1
}
# fresh: an agent that holds nothing and has no pinentry (as in cron).
fresh() { use_pinentry none; }
opened() { [ "$(cat "$T/out")" = 'for dave' ]; }
open_pf() { with_timeout mule-open --passphrase-file "$T/pass" "$@"; }

# --- mule-open -------------------------------------------------------------------
fresh
run_status 0 open_pf "$T/msg.gpg" && opened
check "mule-open --passphrase-file: opens" [ $? -eq 0 ]
check "... without the flag the agent holds Dave's passphrase afterwards" held "$ENC"
run_status 0 with_timeout mule-open "$T/msg.gpg" && opened
check "... and a second run with no passphrase opens from its cache" [ $? -eq 0 ]

fresh
run_status 0 open_pf --forget-passphrase "$T/msg.gpg" && opened
check "mule-open --forget-passphrase: opens" [ $? -eq 0 ]
check "... the agent no longer holds the passphrase" eval '! held "$ENC"'
expect_fail "... a second run with no passphrase source fails: exit 2" 2 \
    with_timeout mule-open "$T/msg.gpg"
check "... for want of the passphrase" grep -q "is protected by a passphrase and there is no terminal" "$T/err"

use_pinentry dave-pass
run_status 0 with_timeout mule-open --forget-passphrase "$T/msg.gpg" && opened &&
    run_status 0 with_timeout mule-open --forget-passphrase "$T/msg.gpg" && opened
check "the pinentry: two runs with --forget-passphrase both open" [ $? -eq 0 ]
check "... and the same agent asked the pinentry each time ($(pinentry_asked))" \
    [ "$(pinentry_asked)" -eq 2 ]
check "... and holds nothing afterwards" eval '! held "$ENC"'

fresh
open_pf "$T/msg.gpg" >/dev/null 2>&1
run_status 0 open_pf --forget-passphrase "$T/msg.gpg" && opened
check "held before the run: mule-open --forget-passphrase opens" [ $? -eq 0 ]
check "... and the passphrase the agent held before stays held" held "$ENC"
run_status 0 with_timeout mule-open "$T/msg.gpg" && opened
check "... a later run with no passphrase opens from the cache" [ $? -eq 0 ]

fresh
with_timeout mule-sign -u dave@example.org --passphrase-file "$T/pass" \
    -o "$T/signed.asc" "$T/note.txt" 2>/dev/null
check "Dave's signing key held (mule-sign without the flag)" held "$SIGN"
run_status 0 open_pf --forget-passphrase "$T/msg.gpg" && opened
check "mule-open --forget-passphrase then: opens" [ $? -eq 0 ]
check "... exactly the key it unlocked is forgotten: the decryption key" eval '! held "$ENC"'
check "... the signing key held before stays" held "$SIGN"

# Rejected after the decryption: the signer is not the one asked for.
fresh
run_status 1 open_pf --signer bob@example.org "$T/msg.gpg"
check "a signer not accepted, without the flag: exit 1" [ $? -eq 0 ]
check "... after the decryption: the passphrase is held" held "$ENC"
fresh
expect_fail "a signer not accepted, --forget-passphrase: exit 1, one error" 1 \
    open_pf --forget-passphrase --signer bob@example.org "$T/msg.gpg"
check "... the passphrase is not held" eval '! held "$ENC"'

# An operational error after the decryption: standard output is full.
fresh
open_pf --forget-passphrase "$T/msg.gpg" >/dev/full 2>"$T/err"
check "standard output full, --forget-passphrase: exit 2" [ $? -eq 2 ]
check "... one error" [ "$(grep -c ': error: ' "$T/err")" -eq 1 ]
check "... the passphrase is not held" eval '! held "$ENC"'

# No agent running when the run starts: gpg starts one.
fresh
gpgconf --kill gpg-agent
run_status 0 open_pf --forget-passphrase "$T/msg.gpg" && opened
check "no agent at the start: opens" [ $? -eq 0 ]
check "... the agent gpg started holds nothing" eval '! held "$ENC"'

# --- mule-bundle ------------------------------------------------------------------
mkdir -p "$T/tree"
echo 'bundled' >"$T/tree/file.txt"
bundle() {
	with_timeout mule-bundle -u dave@example.org -r dave@example.org \
	    --passphrase-file "$T/pass" "$@" "$T/tree"
}
fresh
run_status 0 bundle -o "$T/b0.asc"
check "mule-bundle -u dave without the flag: the signing key is held" held "$SIGN"
fresh
run_status 0 bundle --forget-passphrase -o "$T/b.asc" && [ -s "$T/b.asc" ]
check "mule-bundle -c --forget-passphrase: bundled" [ $? -eq 0 ]
check "... the signing key is not held" eval '! held "$SIGN"'
fresh
mkdir "$T/x1"
run_status 0 with_timeout mule-bundle -x -C "$T/x1" --passphrase-file "$T/pass" \
    "$T/b.asc"
check "mule-bundle -x without the flag: the decryption key is held" held "$ENC"
fresh
mkdir "$T/x2"
run_status 0 with_timeout mule-bundle -x -C "$T/x2" --passphrase-file "$T/pass" \
    --forget-passphrase "$T/b.asc" &&
    [ "$(cat "$T/x2/tree/file.txt")" = bundled ]
check "mule-bundle -x --forget-passphrase: extracted" [ $? -eq 0 ]
check "... the decryption key is not held" eval '! held "$ENC"'
fresh
run_status 0 with_timeout mule-bundle -t --passphrase-file "$T/pass" \
    --forget-passphrase "$T/b.asc" && grep -q 'tree/file.txt' "$T/out"
check "mule-bundle -t --forget-passphrase: listed" [ $? -eq 0 ]
check "... the decryption key is not held" eval '! held "$ENC"'
fresh
mkdir "$T/x3"
expect_fail "mule-bundle -x --forget-passphrase, a signer not accepted: exit 1" 1 \
    with_timeout mule-bundle -x -C "$T/x3" --passphrase-file "$T/pass" \
    --signer bob@example.org --forget-passphrase "$T/b.asc"
check "... the decryption key is not held" eval '! held "$ENC"'

# --- mule-stick -------------------------------------------------------------------
S="$T/stick"
mkdir "$S" && mule-stick init "$S" >/dev/null 2>&1 ||
    { echo "Bail out! cannot make a stick"; exit 99; }
n=0
# ms STATE ARG...: mule-stick with its own state (journal) directory
ms() {
	ms_state=$1; shift
	with_timeout env MULE_JOBS=2 XDG_STATE_HOME="$T/$ms_state" \
	    mule-stick "$@" --passphrase-file "$T/pass"
}
put() {
	n=$((n + 1))
	echo "item $n" >"$T/item$n.txt"
	ms put-state put "$S" -u dave@example.org -r dave@example.org \
	    "$@" "$T/item$n.txt"
}
fresh
run_status 0 put
check "mule-stick put -u dave without the flag: the signing key is held" held "$SIGN"
fresh
run_status 0 put --forget-passphrase
check "mule-stick put --forget-passphrase: put" [ $? -eq 0 ]
check "... the signing key is not held" eval '! held "$SIGN"'
fresh
mkdir "$T/in1"
run_status 0 ms get1 get "$S" -C "$T/in1"
check "mule-stick get without the flag: the decryption key is held" held "$ENC"
fresh
mkdir "$T/in2"
run_status 0 ms get2 get "$S" -C "$T/in2" --forget-passphrase &&
    [ "$(grep -c '^delivered ' "$T/out")" -eq 2 ]
check "mule-stick get --forget-passphrase (two jobs): two items delivered" [ $? -eq 0 ]
check "... the decryption key is not held" eval '! held "$ENC"'

# SIGTERM in the middle of the run: the handler forgets.
if has_test_hooks; then
	# killed STATE ARG...: mule-stick get stopped before it removes its
	# first item, then sent SIGTERM; ok if it died of it.
	killed() {
		k_state=$1; shift
		mkdir -p "$T/in-$k_state"
		pause_at stick-get-before-remove env XDG_STATE_HOME="$T/$k_state" \
		    mule-stick get "$S" -C "$T/in-$k_state" --remove \
		    --passphrase-file "$T/pass" "$@" || return 1
		kill -TERM "$paused"
		resume
		[ $? -eq 143 ]
	}
	fresh
	check "mule-stick get, SIGTERM after the decryption, without the flag: killed" \
	    killed kill1
	check "... the decryption key is held" held "$ENC"
	fresh
	check "mule-stick get --forget-passphrase, SIGTERM after the decryption: killed" \
	    killed kill2 --forget-passphrase
	check "... the handler made the agent forget: not held" eval '! held "$ENC"'
	fresh
	n=$((n + 1))
	echo "item $n" >"$T/item$n.txt"
	if pause_at stick-put-after-rename env XDG_STATE_HOME="$T/put-state" \
	    mule-stick put "$S" -u dave@example.org -r dave@example.org \
	    --passphrase-file "$T/pass" --forget-passphrase "$T/item$n.txt"; then
		kill -TERM "$paused"
		resume
		check "mule-stick put --forget-passphrase, SIGTERM after signing: killed" [ $? -eq 143 ]
	else
		not_ok "mule-stick put --forget-passphrase, SIGTERM after signing: killed"
	fi
	check "... the signing key is not held" eval '! held "$SIGN"'
else
	for i in 1 2 3 4 5 6; do skip "SIGTERM: needs --enable-test-hooks"; done
fi

# --- the agent fails: a fake one ---------------------------------------------------
# mule-stick init needs no key: the fake answers only for the forgetting.
FH="$T/fake-home"
new_home "$FH"
gpgconf --homedir "$FH" --create-socketdir >/dev/null 2>&1
SOCK=$("$MULE_BUILDDIR/tests/agent-socket" "$FH")
# fake MODE: the fake agent of $FH, answering as MODE says (fake-agent.py)
fake() {
	stop_fake
	: >"$T/fake.log"
	python3 "$srcdir/tests/fake-agent.py" "$SOCK" "$1" "$T/fake.log" &
	fake_pid=$!
	f_i=0
	while [ ! -S "$SOCK" ] && [ $f_i -lt 100 ]; do sleep 0.1; f_i=$((f_i + 1)); done
}
stop_fake() {
	[ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null
	fake_pid=
	rm -f "$SOCK"
}
init_fake() {
	rm -rf "$T/fs" && mkdir "$T/fs" &&
	    with_timeout mule-stick init "$T/fs" --homedir "$FH" --forget-passphrase
}
A=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
B=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
if command -v python3 >/dev/null 2>&1; then
	fake forgets
	run_status 0 init_fake
	check "an agent that forgets: exit 0" [ $? -eq 0 ]
	check "... it was asked to forget only the key the run added to it" \
	    [ "$(grep CLEAR "$T/fake.log")" = "CLEAR_PASSPHRASE --mode=normal $B" ]
	check "... and then asked again what it holds" \
	    [ "$(grep -c '^KEYINFO --list$' "$T/fake.log")" -eq 3 ]
	fake refuses
	expect_fail "an agent that answers ERR: exit 2, one error" 2 init_fake
	check "... it names the key and what the agent said" grep -q \
	    "error: gpg-agent at $SOCK did not forget the passphrase of the key with keygrip $B: Not supported" "$T/err"
	check "... with a hint" grep -q "hint: gpgconf --reload gpg-agent" "$T/err"
	fake ignores
	expect_fail "an agent that says OK and still holds it: exit 2" 2 init_fake
	check "... it says so" grep -q "keygrip $B: it still holds it" "$T/err"
	fake inquire
	expect_fail "an agent that answers with an INQUIRE: exit 2" 2 init_fake
	check "... it says so" grep -q "which passphrases it holds: an answer mule cannot read" "$T/err"
	check "... and nothing was made" [ -z "$(ls -A "$T/fs")" ]
	fake long
	expect_fail "an agent that answers with a line too long: exit 2" 2 init_fake
	fake silent
	expect_fail "an agent that does not answer: exit 2, within the time" 2 init_fake
	check "... it says so" grep -q "no answer in 5 seconds" "$T/err"
	stop_fake
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do skip "python3 not found"; done
fi
echo 'socket=/nowhere' >"$SOCK"
expect_fail "a file where the agent's socket should be: exit 2" 2 init_fake
check "... it says so" grep -q "is not gpg-agent's socket" "$T/err"
rm -f "$SOCK"
run_status 0 init_fake
check "no agent at all: nothing to forget, exit 0" [ $? -eq 0 ]

done_testing
