#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The pump (src/lib/pgp/pump.c): mule moves the bytes between gpg and its
# own readers and writers, GPGME only the first 4 KiB of each pipe.  Sizes
# at the edges of its steps, from files and from pipes, through every
# tool; no data byte formatted by GPGME; failures in the middle of a
# stream: --max-size, a damaged message, gpg that stops reading, a
# passphrase asked while the data flows.
. "$srcdir/tests/lib.sh"

umask 022
setup_keys

# PIPE_BUF and GPGME's first step (4 KiB), the step towards gpg and the
# first one from it (16 KiB) and past it, the step from gpg once grown
# (256 KiB), past the 1 MiB pipe.
SIZES="4095 4096 4097 16383 16384 16385 20481 262143 262144 262145 1048577"
for n in $SIZES; do
	head -c "$n" /dev/urandom >"$T/d$n"
done

for n in $SIZES; do
	why=""
	rm -f "$T/m$n" "$T/o$n" "$T/s$n" "$T/v$n" "$T/a$n"
	mule-seal -q --binary -r bob@example.org -o "$T/m$n" "$T/d$n" \
	    2>"$T/err" || why="$why seal: exit $?;"
	mule-open -q -o "$T/o$n" "$T/m$n" 2>>"$T/err" || why="$why open: exit $?;"
	cmp -s "$T/d$n" "$T/o$n" || why="$why opened file differs;"
	# From pipes: sources that may block, at GPGME's pace.
	cat "$T/d$n" | mule-seal -q -r bob@example.org 2>>"$T/err" |
	    mule-open -q >"$T/p$n" 2>>"$T/err"
	cmp -s "$T/d$n" "$T/p$n" || why="$why piped round trip differs;"
	mule-sign -q --inline --binary -o "$T/s$n" "$T/d$n" 2>>"$T/err" ||
	    why="$why sign: exit $?;"
	mule-verify -q -o "$T/v$n" "$T/s$n" 2>>"$T/err" || why="$why verify: exit $?;"
	cmp -s "$T/d$n" "$T/v$n" || why="$why verified content differs;"
	mule-sign -q --detach -o "$T/a$n" "$T/d$n" 2>>"$T/err" ||
	    why="$why sign --detach: exit $?;"
	mule-verify -q "$T/a$n" "$T/d$n" 2>>"$T/err" ||
	    why="$why detached, from the file: exit $?;"
	mule-verify -q "$T/a$n" - <"$T/d$n" 2>>"$T/err" ||
	    why="$why detached, from standard input: exit $?;"
	verdict "$n bytes: seal, open, sign and verify, from files and from pipes"
done

# A wrong byte at each edge: the detached check sees every byte.
for off in 4095 4096 16384 16385 262144 1048576; do
	flip "$T/d1048577" "$off" "$T/bad"
	run_status 1 mule-verify "$T/a1048577" "$T/bad"
	check "detached, one bit flipped at byte $off: exit 1" [ $? -eq 0 ]
done

# --- GPGME formats no data ---------------------------------------------------------
# GPGME 1.18 formats what it moves into trace lines whatever GPGME_DEBUG
# says; with GPGME_DEBUG those lines are written out, so they can be
# counted.  1 MiB through mule-open (four pipes) used to give about 97,000.
gpgme_lines() {
	grep -c -E '_gpgme_io_(read|write): check:' "$T/gpgme.log"
}
# The trace's timestamps come from localtime(), which is not thread-safe:
# under ThreadSanitizer, mule-open's two threads tracing at once are
# GPGME's race, not ours.
printf 'race:libgpgme.so\n' >"$T/gpgme-trace.supp"
traced() {
	TSAN_OPTIONS="${TSAN_OPTIONS:-} suppressions=$T/gpgme-trace.supp" \
	    GPGME_DEBUG="10:$T/gpgme.log" "$@"
}
for tool in open sign seal; do
	rm -f "$T/gpgme.log" "$T/dbg"
	case $tool in
	open) traced mule-open -q -o "$T/dbg" "$T/m1048577" ;;
	sign) traced mule-sign -q --detach -o "$T/dbg" "$T/d1048577" ;;
	seal) traced mule-seal -q -r bob@example.org -o "$T/dbg" "$T/d1048577" ;;
	esac
	rc=$? lines=$(gpgme_lines)
	why=""
	[ $rc -eq 0 ] || why=" exit $rc;"
	# The trace works: gpg's status lines are in it.
	grep -q '_gpgme_io_read: check: .*GNUPG' "$T/gpgme.log" || why="$why no trace;"
	[ "$lines" -lt 2000 ] || why="$why $lines trace lines;"
	verdict "mule-$tool of 1 MiB: GPGME traces its status, not the data ($lines lines)"
done

# --- failures in the middle of a stream ----------------------------------------------
refused_by mule-open 1 "$T/m1048577" --max-size 100K
grep -q 'exceeds --max-size' "$T/err" || why="$why no 'exceeds --max-size' in the error;"
verdict "--max-size 100K on 1 MiB: exit 1 while gpg still decrypts, nothing left"
refused_by mule-verify 1 "$T/s1048577" --max-size 300K
verdict "mule-verify --max-size 300K on 1 MiB: exit 1, nothing left"
flip "$T/m1048577" 600000 "$T/damaged"
refused_by mule-open 1 "$T/damaged"
verdict "a bit flipped in the middle of 1 MiB: exit 1, nothing left"
head -c 700000 "$T/m1048577" >"$T/cut"
refused_by mule-open 1 "$T/cut"
verdict "1 MiB cut short at 700,000 bytes: exit 1, nothing left"

# gpg gives up at the start (no key for it) while mule still writes.
CAROL=$(foreign_key carol 'Carol <carol@example.org>')
head -c 8388608 /dev/urandom >"$T/d8m"
mule-seal -q --binary -R "$T/carol.asc" -o "$T/for-carol" "$T/d8m" 2>"$T/err"
check "sealed 8 MiB for a key not in the keyring ($CAROL)" [ -s "$T/for-carol" ]
refused_by mule-open 1 "$T/for-carol"
grep -q 'not for you' "$T/err" || why="$why no 'not for you' in the error;"
verdict "... mule-open: exit 1, not for us, nothing left, no hang"

# A protected key: the passphrase goes on gpg's command pipe while the
# data waits in the other.
printf 'dave-pass\n' >"$T/pass"
use_pinentry none
run_status 0 with_timeout mule-sign -u "$DAVE" --passphrase-file "$T/pass" \
    --detach -o "$T/dave.sig" "$T/d1048577"
check "Dave's protected key signs 1 MiB with --passphrase-file" [ $? -eq 0 ]
run_status 0 mule-verify --signer "$DAVE" "$T/dave.sig" "$T/d1048577"
check "... and the signature verifies" [ $? -eq 0 ]
mule-seal -q --binary -r dave@example.org -o "$T/for-dave" "$T/d1048577"
why=""
run_status 0 with_timeout mule-open --passphrase-file "$T/pass" \
    -o "$T/dave.out" "$T/for-dave" || why=" exit;"
cmp -s "$T/d1048577" "$T/dave.out" || why="$why opened file differs;"
verdict "1 MiB sealed for Dave opens with --passphrase-file"
# At a terminal the agent asks its pinentry instead, while the data waits.
use_pinentry dave-pass
why=""
run_status 0 with_timeout mule-open -o "$T/dave.pin" "$T/for-dave" || why=" exit;"
cmp -s "$T/d1048577" "$T/dave.pin" || why="$why opened file differs;"
[ "$(pinentry_asked)" -eq 1 ] || why="$why pinentry asked $(pinentry_asked) times;"
verdict "... and with the pinentry, asked once, as at a terminal"
use_pinentry cancel
refused_by mule-open 2 "$T/for-dave"
verdict "... Cancel at the pinentry: exit 2, nothing left"
printf 'wrong\n' >"$T/wrong"
use_pinentry none
refused_by mule-open 2 "$T/for-dave" --passphrase-file "$T/wrong"
verdict "... a wrong passphrase: exit 2, nothing left"

done_testing
