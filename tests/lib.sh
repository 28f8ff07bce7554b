# SPDX-License-Identifier: GPL-3.0-or-later
# lib.sh - shared TAP helpers and throwaway keyrings for mule's tests.
#
# Source it from a test script:  . "$srcdir/tests/lib.sh"
# It creates $T (a private scratch directory) and $GNUPGHOME inside it,
# and on exit stops every gpg-agent it started and removes $T.  It never
# touches the user's keyring.

set -u
: "${srcdir:=.}"
: "${MULE_BUILDDIR:=$(pwd)}"
BIN="$MULE_BUILDDIR/src"
PATH="$BIN:$PATH"
export PATH
unset GPG_AGENT_INFO
LC_ALL=C
export LC_ALL

# The scratch directory: in TMPDIR if it is set, else in /dev/shm where
# it is a tmpfs with 4 GiB free (the bundle tests hold 200 MiB files
# several times over; a shared machine's disk makes every fsync of
# the tools wait; what the tests check does not depend on it, and the
# fault sweep and the FAT tests cover durability), else in /tmp.
scratch_parent() {
	if [ -n "${TMPDIR:-}" ]; then
		echo "$TMPDIR"
	elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
	    [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge 4194304 ] 2>/dev/null &&
	    [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
		echo /dev/shm
	else
		echo /tmp
	fi
}
T=$(mktemp -d "$(scratch_parent)/mule-test.XXXXXX") || exit 99
chmod 700 "$T"
# mule-stick's journal and sequence numbers: never the user's own.
XDG_STATE_HOME="$T/state"
export XDG_STATE_HOME
HOMES=""
test_count=0
test_failed=0

cleanup() {
	# Every GnuPG home below $T, also those made in a subshell (as in
	# FPR=$(foreign_key ...)), where HOMES could not record them.
	for h in $HOMES $(find "$T" -maxdepth 3 -type d -name private-keys-v1.d \
	    2>/dev/null | sed 's,/private-keys-v1.d$,,'); do
		gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	# tmpfs mounts a test made below $T
	for m in $(awk -v t="$T" 'index($2, t) == 1 { print $2 }' /proc/mounts 2>/dev/null); do
		umount "$m" 2>/dev/null || fusermount -u "$m" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- TAP -------------------------------------------------------------------
# The plan comes last (done_testing), so adding a test never means
# recounting; a script that dies half-way has none, which fails it.
ok() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $*"
}
not_ok() {
	test_count=$((test_count + 1))
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $*"
}
skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - # SKIP $*"
}
diag() { printf '# %s\n' "$@" | sed 's/^/# /;s/^# # /# /' >&2; }

# check DESCRIPTION COMMAND... : ok if the command exits 0.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# run_mule EXPECTED_STATUS COMMAND...: runs COMMAND with stdout to $T/out
# and stderr to $T/err; returns 0 if it exited with EXPECTED_STATUS.
run_status() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		diag "expected exit $want, got $got: $*"
		sed 's/^/#   stderr: /' "$T/err" >&2
		return 1
	fi
	return 0
}

# expect_reject DESC STATUS COMMAND...: the command exits with STATUS,
# writes nothing on stdout, and prints exactly one "error:" line.
expect_fail() {
	desc=$1; want=$2; shift 2
	if run_status "$want" "$@" && [ ! -s "$T/out" ] \
	    && [ "$(grep -c ': error: ' "$T/err")" -eq 1 ]; then
		ok "$desc"
	else
		[ -s "$T/out" ] && diag "stdout was not empty"
		not_ok "$desc"
	fi
}

# with_timeout COMMAND...: a hang fails as status 124, not a stuck suite.
with_timeout() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 60 "$@"
	else
		"$@"
	fi
}

# one_error_of TOOL FILE: FILE holds one "TOOL: error:" line, then at most
# one "TOOL: hint:" line.
one_error_of() {
	[ "$(wc -l <"$2")" -le 2 ] &&
	    sed -n 1p "$2" | grep -q "^$1: error: " &&
	    ! sed -n '2,$p' "$2" | grep -qv "^$1: hint: "
}

# refused_by TOOL STATUS FILE [OPTION...]: TOOL refuses FILE read from
# standard input, and again named as an argument with -o: the exit
# status, nothing on standard output, one error line, and no output file
# or temporary.  On failure, $why says what went wrong.  With
# REFUSED_STDIN_ONLY=1, only the first run (loops over hundreds of
# inputs try -o on a sample: what -o leaves does not depend on where the
# input breaks).
refused_by() {
	tool=$1 want=$2 file=$3
	shift 3
	why=""
	with_timeout "$tool" "$@" <"$file" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got, not $want;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of "$tool" "$T/err" || why="$why stderr is not one error line;"
	[ "${REFUSED_STDIN_ONLY:-0}" = 1 ] && { : >"$T/err2"; [ -z "$why" ]; return; }
	rm -rf "$T/odir" && mkdir "$T/odir"
	with_timeout "$tool" "$@" -o "$T/odir/out" "$file" >"$T/out2" 2>"$T/err2"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got with -o;"
	[ -s "$T/out2" ] && why="$why standard output not empty with -o;"
	one_error_of "$tool" "$T/err2" ||
	    why="$why stderr is not one error line with -o;"
	[ -e "$T/odir/out" ] && why="$why output file created;"
	no_temps "$T/odir" || why="$why temporary left behind;"
	[ -z "$why" ]
}

# failed DESC: a failed test, with $why and the stderr of the first run.
failed() {
	diag "$1:$why"
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "$1"
}

# no_files_like DIR: no temporaries left behind in DIR.
no_temps() {
	! ls -A "$1" 2>/dev/null | grep -q '^\.mule-'
}

# done_testing: the plan, then exit 0 if every test passed.
done_testing() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# verdict DESC: ok if $why (the reasons a test collected) is empty, else
# not ok with the reasons and the last command's output ($T/out, $T/err).
verdict() {
	if [ -z "$why" ]; then
		ok "$1"
	else
		diag "$1:$why"
		[ -s "$T/out" ] && sed 's/^/#   stdout: /' "$T/out" >&2
		[ -s "$T/err" ] && sed 's/^/#   stderr: /' "$T/err" >&2
		not_ok "$1"
	fi
}

# --- files -------------------------------------------------------------------
size() { echo $(($(wc -c <"$1"))); }
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# items DIR: the stick item files in DIR (<CID>.gpg, <CID>.gpg.NNN), sorted
items() { ls -A "$1" 2>/dev/null | grep -E '^[0-9a-f]{64}\.gpg(\.[0-9]{3})?$' | sort; }

# flip FILE OFFSET OUT: OUT is FILE with one bit of the byte at OFFSET
# inverted.  OUT may be FILE itself: flipped in place, for a file too
# large to copy.
flip() {
	fl_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	{ [ "$1" = "$3" ] || cp "$1" "$3"; } &&
	    printf "$(printf '\\%03o' $((fl_b ^ 1)))" |
	    dd of="$3" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# packets MSG: gpg's packet listing of MSG, without decrypting it.
packets() {
	gpg --batch --list-packets --pinentry-mode cancel --passphrase-fd 9 \
	    "$1" 9</dev/null 2>/dev/null
}

# --- interrupted runs --------------------------------------------------------
# feed FILE BYTES: a slow sender: a FIFO $T/fifo carrying the first BYTES
# of FILE, then held open (the reader waits for more); $feeder is its pid.
feed() {
	rm -f "$T/fifo" && mkfifo "$T/fifo" || return 1
	( head -c "$2" "$1"; exec sleep 60 ) >"$T/fifo" &
	feeder=$!
}
# stop_feeder: ends the sender that feed started.
stop_feeder() {
	kill "$feeder" 2>/dev/null
	{ wait "$feeder"; } 2>/dev/null
}

# our_gpgs: gpg processes (not agents) working in this test's home.
our_gpgs() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = gpg ] || continue
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null |
		    grep -qx "GNUPGHOME=$GNUPGHOME" && echo "${p#/proc/}"
	done
}

# no_gpg_left DESC: ok if, after the interrupted runs, no gpg of ours is
# left running (they get 5 s to exit); the stragglers are named if not.
no_gpg_left() {
	ngl_i=0
	while [ $ngl_i -lt 50 ] && [ -n "$(our_gpgs)" ]; do
		sleep 0.1
		ngl_i=$((ngl_i + 1))
	done
	ngl_left=$(our_gpgs | tr '\n' ' ')
	[ -n "$ngl_left" ] && diag "gpg still running: $ngl_left"
	check "$1" [ -z "$ngl_left" ]
}

# --- keyrings ----------------------------------------------------------------
# new_home DIR: a fresh GnuPG home, registered for agent shutdown.  Its
# agent protects secret keys with a low S2K count: protecting a key with
# the calibrated count takes seconds, and no test is about the count.
new_home() {
	mkdir -p "$1" && chmod 700 "$1"
	HOMES="$HOMES $1"
	echo "s2k-count 65536" >"$1/gpg-agent.conf"
}

# --- keyrings made once ---------------------------------------------------------
# The homes every script needs (the cast of setup_keys, Alice and Bob,
# the foreign keys) are made once, by the first script that asks, in
# $KEYRINGS (the build tree, removed by make clean); each script copies
# the homes it needs.  A home there is complete once it holds "done".
# They are kept per version of this file, which makes them: a change to
# a maker gets new keyrings, not the old ones.
KEYRINGS="$MULE_BUILDDIR/tests/keyrings/$(cksum <"$srcdir/tests/lib.sh" | cut -d' ' -f1)"

# cached_home NAME DEST MAKER [ARG...]: copy the cached home NAME into DEST
# (a new_home), making it first with "MAKER DIR ARG..." if no script has.
cached_home() {
	ch_name=$1 ch_dir="$KEYRINGS/$1" ch_dest=$2 ch_maker=$3
	shift 3
	if [ ! -f "$ch_dir/done" ]; then
		mkdir -p "$KEYRINGS" || return 1
		if mkdir "$ch_dir.lock" 2>/dev/null; then
			echo $$ >"$ch_dir.lock/pid"
			# Made under $T: gpg-agent's socket path must stay
			# short (108 bytes), and a build directory may be deep
			# (make distcheck's is).
			ch_made="$T/made-$ch_name"
			rm -rf "$ch_made" "$ch_dir.new" && mkdir -m 700 "$ch_made" &&
			    echo "s2k-count 65536" >"$ch_made/gpg-agent.conf" &&
			    "$ch_maker" "$ch_made" "$@" &&
			    : >"$ch_made/done"
			gpgconf --homedir "$ch_made" --kill all >/dev/null 2>&1
			rm -f "$ch_made"/S.* "$ch_made"/*~
			# (another maker may have finished while we made it)
			[ -f "$ch_made/done" ] && [ ! -d "$ch_dir" ] &&
			    cp -R "$ch_made" "$ch_dir.new" && mv "$ch_dir.new" "$ch_dir"
			rm -rf "$ch_made" "$ch_dir.lock"
		else
			# Another script is making it: wait (a minute at most),
			# or take over from one that was killed.
			ch_i=0
			while [ ! -f "$ch_dir/done" ] && [ -d "$ch_dir.lock" ] &&
			    [ $ch_i -lt 600 ]; do
				ch_pid=$(cat "$ch_dir.lock/pid" 2>/dev/null)
				if [ -n "$ch_pid" ] && ! kill -0 "$ch_pid" 2>/dev/null; then
					rm -rf "$ch_dir.lock"
					cached_home "$ch_name" "$ch_dest" "$ch_maker" "$@"
					return
				fi
				sleep 0.1
				ch_i=$((ch_i + 1))
			done
		fi
	fi
	[ -f "$ch_dir/done" ] || return 1
	cp -R "$ch_dir/." "$ch_dest/" && rm -f "$ch_dest/done"
}

# make_cast DIR: Alice, Bob and Dave (passphrase "dave-pass") in DIR, their
# fingerprints in DIR/fprs, Alice's and Bob's public keys in DIR/*.asc.
make_cast() {
	mc_a=$(gen_key "$1" 'Alice <alice@example.org>') &&
	    mc_b=$(gen_key "$1" 'Bob <bob@example.org>') &&
	    mc_d=$(gen_key "$1" 'Dave <dave@example.org>' dave-pass) &&
	    [ -n "$mc_a" ] && [ -n "$mc_b" ] && [ -n "$mc_d" ] || return 1
	echo "$mc_a $mc_b $mc_d" >"$1/fprs"
	GNUPGHOME=$1 gpg --export --armor "$mc_a" >"$1/alice.asc" &&
	    GNUPGHOME=$1 gpg --export --armor "$mc_b" >"$1/bob.asc"
}

# make_one DIR "Name <email>": one key in DIR, its fingerprint in DIR/fprs
# and its public key in DIR/key.asc.
make_one() {
	mo_f=$(gen_key "$1" "$2") && [ -n "$mo_f" ] || return 1
	echo "$mo_f" >"$1/fprs"
	GNUPGHOME=$1 gpg --export --armor "$mo_f" >"$1/key.asc"
}

# gen_key HOME "Name <email>" [PASSPHRASE] : prints the fingerprint.
gen_key() {
	GNUPGHOME=$1 gpg --batch --pinentry-mode loopback \
	    --passphrase "${3:-}" --quick-gen-key "$2" \
	    future-default default never >/dev/null 2>&1 || return 1
	GNUPGHOME=$1 gpg --with-colons --list-keys -- "$2" 2>/dev/null |
	    awk -F: '/^fpr/ { print $10; exit }'
}

# The standard cast, in $GNUPGHOME: alice and bob (own keys, ultimately
# trusted as gpg marks keys it generates), dave (passphrase "dave-pass").
setup_keys() {
	GNUPGHOME="$T/home"
	export GNUPGHOME
	new_home "$GNUPGHOME"
	cached_home cast "$GNUPGHOME" make_cast || {
		echo "Bail out! cannot generate test keys"; exit 99; }
	read -r ALICE BOB DAVE <"$GNUPGHOME/fprs"
	mv "$GNUPGHOME/alice.asc" "$GNUPGHOME/bob.asc" "$T/"
	rm -f "$GNUPGHOME/fprs"
	export ALICE BOB DAVE
}

# foreign_key NAME "Name <email>": a key made in another home (like a
# stranger's, or an attacker's), exported to $T/NAME.asc, secret part
# left in $T/NAME-home.  Prints the fingerprint.
foreign_key() {
	new_home "$T/$1-home"
	cached_home "foreign-$1-$(printf '%s' "$2" | cksum | cut -d' ' -f1)" \
	    "$T/$1-home" make_one "$2" || return 1
	mv "$T/$1-home/key.asc" "$T/$1.asc"
	cat "$T/$1-home/fprs" && rm -f "$T/$1-home/fprs"
}

# --- passphrases ---------------------------------------------------------------
# use_pinentry ANSWER [HOME]: HOME's gpg-agent (default $GNUPGHOME) asks a
# scripted pinentry, as a person at a terminal would be asked.  ANSWER is
# the passphrase it types, "cancel" (the person presses Cancel), or
# "none" (there is no pinentry at all, as in cron).  Each GETPIN is
# counted in $T/pinentry.log.  The agent is restarted, which also forgets
# the passphrases it had cached.
use_pinentry() {
	up_home=${2:-$GNUPGHOME}
	printf '%s\n' "$1" >"$T/pinentry.answer"
	cat >"$T/pinentry" <<EOS
#!/bin/sh
echo "OK hi"
while read -r cmd rest; do
	case \$cmd in
	GETPIN)
		echo GETPIN >>"$T/pinentry.log"
		answer=\$(cat "$T/pinentry.answer")
		if [ "\$answer" = cancel ]; then
			echo "ERR 83886179 Operation cancelled"
		else
			echo "D \$answer"
			echo OK
		fi ;;
	BYE) echo OK; exit 0 ;;
	*) echo OK ;;
	esac
done
EOS
	chmod 700 "$T/pinentry"
	{
		echo "s2k-count 65536"
		if [ "$1" = none ]; then
			echo "pinentry-program $T/no-such-pinentry"
		else
			echo "pinentry-program $T/pinentry"
		fi
	} >"$up_home/gpg-agent.conf"
	: >"$T/pinentry.log"
	gpgconf --homedir "$up_home" --kill gpg-agent >/dev/null 2>&1
	return 0
}

# pinentry_asked: how many times the scripted pinentry was asked.
pinentry_asked() { wc -l <"$T/pinentry.log" | tr -d ' '; }

# --- an unprivileged user ----------------------------------------------------------
# nobody_tools TOOL...: copies of the TOOLs that user nobody (65534) can
# run, in $NOBODY_BIN below $T, so that the modes of the directories above
# the build tree do not matter (a clone under a mode-0700 home).  Needs
# root and setpriv; returns 1 if nobody cannot reach them even so (a
# mode-0700 directory above TMPDIR): skip, saying so.
nobody_tools() {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 || return 1
	NOBODY_BIN="$T/nobody-bin"
	mkdir -p "$NOBODY_BIN" || return 1
	for nt_tool in "$@"; do
		cp "$BIN/$nt_tool" "$NOBODY_BIN/" || return 1
	done
	chmod 755 "$NOBODY_BIN" "$NOBODY_BIN"/* && chmod 711 "$T" &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups \
	    test -x "$NOBODY_BIN/$1"
}

# --- race tests ------------------------------------------------------------------
# has_test_hooks: the tools were built with --enable-test-hooks.
has_test_hooks() {
	grep -q '^#define MULE_TEST_HOOKS 1' "$MULE_BUILDDIR/config.h" 2>/dev/null
}

# pause_at NAME COMMAND...: start COMMAND in the background with stdout in
# $T/out and stderr in $T/err, stopped at the pause point NAME; sets
# $paused to its pid.  Returns 1 if it did not stop there within 60 s
# (it is then killed).  Change what the test wants, then: resume.
pause_at() {
	pa_name=$1; shift
	MULE_TEST_PAUSE=$pa_name "$@" >"$T/out" 2>"$T/err" &
	paused=$!
	pa_i=0
	while [ $pa_i -lt 600 ]; do
		pa_state=$(awk '{ print $3 }' "/proc/$paused/stat" 2>/dev/null)
		[ "$pa_state" = T ] && return 0
		[ -z "$pa_state" ] || [ "$pa_state" = Z ] && break
		sleep 0.1
		pa_i=$((pa_i + 1))
	done
	kill -9 "$paused" 2>/dev/null
	wait "$paused" 2>/dev/null
	return 1
}

# resume: continue the paused command and wait for it; returns its status.
resume() {
	kill -CONT "$paused"
	wait "$paused"
}
