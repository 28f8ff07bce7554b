#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Failure paths of mule-open and mule-seal: outputs that cannot be
# written, inputs that cannot be read, a full disk, --max-size, the
# encrypted spool, and signals in the middle of a run.  After every
# failure: the right exit status, nothing released, no output file and
# no .mule-* temporary (after SIGKILL at most one, which the next run in
# that directory removes).
. "$srcdir/tests/lib.sh"

# --- helpers ---------------------------------------------------------------
if command -v timeout >/dev/null 2>&1; then
	mo() { timeout 120 mule-open "$@"; }	# a hang fails as status 124
else
	mo() { mule-open "$@"; }
fi

# one_error FILE: one "error:" line from any mule tool, at most one hint.
one_error() { one_error_of 'mule-[a-z]*' "$1"; }

# fails STATUS COMMAND...: the command exits STATUS with nothing on
# standard output and one error line.  On failure $why says why.
fails() {
	want=$1; shift
	why=""
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got, not $want;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error "$T/err" || why="$why stderr is not one error line;"
	[ -z "$why" ]
}

count_temps() { ls -A "$1" 2>/dev/null | grep -c '^\.mule-'; }

# wait_temp DIR BLOCKS: wait (up to 20 s) for a .mule-* file in DIR
# bigger than BLOCKS 512-byte blocks: the run is under way.
wait_temp() {
	i=0
	while [ $i -lt 200 ]; do
		[ -n "$(find "$1" -name '.mule-*' -size +"$2" 2>/dev/null)" ] &&
		    return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# spool_fd PID DIR: the /proc path of PID's open file under DIR, if any.
spool_fd() {
	for f in /proc/"$1"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		"$2"/*) echo "$f"; return 0 ;;
		esac
	done
	return 1
}

setup_keys

# --- inputs, made once ---------------------------------------------------------
echo 'meet at noon' >"$T/note"
mule-seal -q -r "$BOB" -o "$T/note.asc" "$T/note" ||
    { echo "Bail out! cannot seal"; exit 99; }
head -c 3145728 /dev/urandom >"$T/big3"
mule-seal -q --binary -r "$BOB" -o "$T/big3.gpg" "$T/big3"
head -c 1048576 /dev/urandom >"$T/mib"
mule-seal -q --binary -r "$BOB" -o "$T/mib.gpg" "$T/mib"
head -c 67108864 /dev/urandom >"$T/r64"
mule-seal -q --binary -r "$BOB" -o "$T/r64.gpg" "$T/r64"
head -c 209715200 /dev/zero |
    mule-seal -q --compress --binary -r "$BOB" -o "$T/zeros.gpg"
# 5 MiB of a distinctive, compressible text.
awk 'BEGIN { for (i = 0; i < 131072; i++)
	printf "MULE-CANARY-3f9d plaintext line %08d\n", i }' |
    head -c 5242880 >"$T/canary"
mule-seal -q --binary -r "$BOB" -o "$T/canary.gpg" "$T/canary"
[ -s "$T/r64.gpg" ] && [ -s "$T/zeros.gpg" ] && [ -s "$T/canary.gpg" ] ||
    { echo "Bail out! cannot seal the large inputs"; exit 99; }

# --- output paths ------------------------------------------------------------------
mkdir "$T/adir"
fails 2 mo -o "$T/adir" "$T/note.asc"
[ -d "$T/adir" ] && [ -z "$(ls -A "$T/adir")" ] || why="$why directory changed;"
verdict "mule-open -o DIRECTORY: exit 2, directory untouched"
fails 2 mo --force -o "$T/adir" "$T/note.asc"
[ -d "$T/adir" ] && [ -z "$(ls -A "$T/adir")" ] || why="$why directory changed;"
verdict "mule-open --force -o DIRECTORY: exit 2, directory untouched"

mkdir "$T/o"
echo original >"$T/o/exists"
fails 2 mo -o "$T/o/exists" "$T/note.asc"
[ "$(cat "$T/o/exists")" = original ] || why="$why original changed;"
no_temps "$T/o" || why="$why temporary left;"
verdict "mule-open -o EXISTING: exit 2, original untouched"
run_status 0 mo --force -o "$T/o/exists" "$T/note.asc"
check "mule-open --force -o EXISTING replaces it" \
    sh -c '[ "$(cat "$1/exists")" = "meet at noon" ] && [ ! -s "$2" ] &&
	! ls -A "$1" | grep -q "^\.mule-"' - "$T/o" "$T/out"
echo original >"$T/o/sealed"
fails 2 mule-seal -r "$BOB" -o "$T/o/sealed" "$T/note"
[ "$(cat "$T/o/sealed")" = original ] || why="$why original changed;"
no_temps "$T/o" || why="$why temporary left;"
verdict "mule-seal -o EXISTING: exit 2, original untouched"
fails 2 mo -o "$T/nodir/out" "$T/note.asc"
[ -e "$T/nodir" ] && why="$why directory created;"
verdict "mule-open -o in a nonexistent directory: exit 2"

# --- unreadable inputs --------------------------------------------------------------
fails 2 mo "$T/no-such-file"
verdict "mule-open of a nonexistent file: exit 2"
fails 2 mo "$T/adir"
verdict "mule-open of a directory: exit 2"
if [ -r /proc/self/mem ]; then
	# Reading a process's own memory at offset 0 fails with EIO.
	fails 2 mo -o "$T/o/eio" /proc/self/mem
	[ -e "$T/o/eio" ] && why="$why output file created;"
	no_temps "$T/o" || why="$why temporary left;"
	verdict "mule-open of an input that fails with EIO: exit 2, nothing left"
else
	skip "no /proc/self/mem for an input that fails to read"
fi
cp "$T/note.asc" "$T/locked.asc" && chmod 000 "$T/locked.asc"
if [ "$(id -u)" -ne 0 ]; then
	fails 2 mo "$T/locked.asc"
	verdict "mule-open of an unreadable file: exit 2"
	fails 2 mule-seal -r "$BOB" "$T/locked.asc"
	verdict "mule-seal of an unreadable file: exit 2"
elif nobody_tools mule-open mule-seal; then
	# root reads anything: drop to nobody, who can reach the file but
	# not read it.
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	fails 2 nobody "$NOBODY_BIN/mule-open" "$T/locked.asc"
	verdict "mule-open of an unreadable file: exit 2"
	fails 2 nobody "$NOBODY_BIN/mule-seal" -r "$BOB" "$T/locked.asc"
	verdict "mule-seal of an unreadable file: exit 2"
else
	skip "root without setpriv, or nobody cannot reach TMPDIR: cannot make a file unreadable"
	skip "root without setpriv, or nobody cannot reach TMPDIR: cannot make a file unreadable"
fi

# --- a full disk -------------------------------------------------------------------------
mkdir "$T/full"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
	fails 2 mo -o "$T/full/out" "$T/big3.gpg"
	[ -e "$T/full/out" ] && why="$why partial output file;"
	no_temps "$T/full" || why="$why temporary left;"
	[ -z "$(ls -A "$T/full")" ] || why="$why the disk is not empty;"
	verdict "mule-open -o onto a full disk: exit 2, no partial file, no temporary"
	grep -q "$T/full/out" "$T/err" && grep -qi 'no space' "$T/err"
	check "... and the error names the output and the lack of space" [ $? -eq 0 ]
	fails 2 mule-seal -r "$BOB" -o "$T/full/sealed" "$T/big3"
	[ -z "$(ls -A "$T/full")" ] || why="$why something left on the disk;"
	verdict "mule-seal -o onto a full disk: exit 2, nothing left"
else
	skip "cannot mount a small tmpfs here (not root?)"
	skip "cannot mount a small tmpfs here (not root?)"
	skip "cannot mount a small tmpfs here (not root?)"
fi

# --- --max-size -----------------------------------------------------------------------
# 200 MiB of zeros sealed with compression is a few hundred KiB: opening
# it with --max-size 1M must stop at the limit rather than inflate it all.
fails 1 mo --max-size 1M "$T/zeros.gpg"
verdict "--max-size 1M on a 200 MiB compressed message: exit 1, nothing released"
rm -rf "$T/m" && mkdir "$T/m"
fails 1 mo --max-size 1M -o "$T/m/out" "$T/zeros.gpg"
[ -e "$T/m/out" ] && why="$why output file created;"
no_temps "$T/m" || why="$why temporary left;"
verdict "... and with -o: exit 1, no output file, no temporary"
run_status 0 mo --max-size 1M "$T/mib.gpg"
check "--max-size exactly the plaintext size passes" cmp -s "$T/out" "$T/mib"
fails 1 mo --max-size 1048575 "$T/mib.gpg"
verdict "--max-size one byte short: exit 1, nothing released"
bad=""
for v in abc -1 1.5M 1X 0x10 '' ' 1' 1K2 99999999999999999999 17179869184G; do
	fails 2 mo --max-size "$v" "$T/note.asc" || bad="$bad '$v':$why"
done
why=$bad
verdict "an invalid --max-size value: exit 2 (10 values)"

# --- the encrypted spool ------------------------------------------------------------------
# With a 1000-byte hold threshold, 5 MiB are spooled to $TMPDIR (encrypted)
# until the signature is checked.  Standard output is a FIFO we do not
# read at first, so mule-open blocks while the spool is still open and
# its content can be read through /proc.
mkdir "$T/spool"
rm -f "$T/ofifo" && mkfifo "$T/ofifo"
TMPDIR="$T/spool" MULE_TEST_HOLD_THRESHOLD=1000 \
    mule-open "$T/canary.gpg" >"$T/ofifo" 2>"$T/spool.err" &
pid=$!
exec 3<"$T/ofifo"
copied=""
if [ -d /proc/$$/fd ]; then
	i=0
	while [ $i -lt 200 ]; do
		f=$(spool_fd "$pid" "$T/spool") &&
		    [ "$(stat -L -c %s "$f" 2>/dev/null || echo 0)" -ge 5242880 ] &&
		    cat "$f" >"$T/spool.copy" 2>/dev/null && copied=yes && break
		sleep 0.1
		i=$((i + 1))
	done
fi
cat <&3 >"$T/spool.out"
exec 3<&-
wait "$pid"
st=$?
check "spooled run (hold threshold 1000 bytes): exit 0, output identical" \
    sh -c '[ "$1" -eq 0 ] && cmp -s "$2" "$3"' - "$st" "$T/spool.out" "$T/canary"
if [ -n "$copied" ]; then
	raw=$(($(wc -c <"$T/spool.copy")))
	packed=$(gzip -c <"$T/spool.copy" | wc -c)
	why=""
	grep -q 'MULE-CANARY' "$T/spool.copy" && why="$why plaintext in the spool;"
	[ "$packed" -gt $((raw * 95 / 100)) ] ||
	    why="$why the spool compresses ($raw -> $packed bytes): not encrypted;"
	verdict "the spool file holds no plaintext (no canary, incompressible)"
else
	skip "could not read the spool through /proc"
fi
check "the spool directory is empty afterwards, with no plaintext in it" \
    sh -c '[ -z "$(ls -A "$1")" ] && ! grep -rq MULE-CANARY "$1"' - "$T/spool"

# The same message, its integrity code altered near the end: all 5 MiB
# are spooled before gpg finds out.
# (A bit flipped, not a byte written: an 'X' where there was one already
# changed nothing, one run in 256.)
n=$(($(wc -c <"$T/canary.gpg")))
flip "$T/canary.gpg" $((n - 10)) "$T/canary-bad.gpg"
fails 1 env TMPDIR="$T/spool" MULE_TEST_HOLD_THRESHOLD=1000 \
    mule-open "$T/canary-bad.gpg"
[ -z "$(ls -A "$T/spool")" ] || why="$why spool directory not empty;"
verdict "a tampered message under the same threshold: exit 1, nothing released"
fails 2 env TMPDIR="$T/no-such-dir" MULE_TEST_HOLD_THRESHOLD=1000 \
    mule-open "$T/canary.gpg"
verdict "no usable TMPDIR for the spool: exit 2, nothing released"

# --- signals -------------------------------------------------------------------------------
# mule-open -o, 20 MB of a 64 MiB message sent, then the sender stalls.
mkdir "$T/sig"
feed "$T/r64.gpg" 20000000
mule-open -o "$T/sig/out" <"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
why=""
wait_temp "$T/sig" 200 || why="$why the run never got under way;"
kill -TERM "$pid"
{ wait "$pid"; st=$?; } 2>/dev/null
stop_feeder
[ "$st" -eq 0 ] && why="$why exit 0;"
[ -e "$T/sig/out" ] && why="$why output file created;"
no_temps "$T/sig" || why="$why temporary left;"
[ -s "$T/out" ] && why="$why standard output not empty;"
verdict "SIGTERM to mule-open -o mid-way: no output file, no temporary"

feed "$T/r64.gpg" 20000000
mule-open -o "$T/sig/out" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
why=""
wait_temp "$T/sig" 200 || why="$why the run never got under way;"
kill -KILL "$pid"
{ wait "$pid"; } 2>/dev/null
stop_feeder
[ -e "$T/sig/out" ] && why="$why output file created;"
[ "$(count_temps "$T/sig")" -le 1 ] || why="$why more than one temporary;"
verdict "SIGKILL to mule-open -o mid-way: no output file, at most one temporary"
left=$(count_temps "$T/sig")
run_status 0 mo -o "$T/sig/next" "$T/note.asc"
check "... and the next mule-open -o there removes it (there was $left)" \
    sh -c '[ "$(cat "$1/next")" = "meet at noon" ] &&
	! ls -A "$1" | grep -q "^\.mule-"' - "$T/sig"

mkdir "$T/sig2"
feed "$T/r64" 20000000
mule-seal -r "$BOB" -o "$T/sig2/sealed" <"$T/fifo" >"$T/out" 2>"$T/err" &
pid=$!
why=""
wait_temp "$T/sig2" 200 || why="$why the run never got under way;"
kill -TERM "$pid"
{ wait "$pid"; st=$?; } 2>/dev/null
stop_feeder
[ "$st" -eq 0 ] && why="$why exit 0;"
[ -e "$T/sig2/sealed" ] && why="$why output file created;"
no_temps "$T/sig2" || why="$why temporary left;"
verdict "SIGTERM to mule-seal -o mid-way: no output file, no temporary"

feed "$T/r64" 20000000
mule-seal -r "$BOB" -o "$T/sig2/sealed" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
why=""
wait_temp "$T/sig2" 200 || why="$why the run never got under way;"
kill -KILL "$pid"
{ wait "$pid"; } 2>/dev/null
stop_feeder
[ -e "$T/sig2/sealed" ] && why="$why output file created;"
[ "$(count_temps "$T/sig2")" -le 1 ] || why="$why more than one temporary;"
verdict "SIGKILL to mule-seal -o mid-way: no output file, at most one temporary"
left=$(count_temps "$T/sig2")
run_status 0 mule-seal -r "$BOB" -o "$T/sig2/next" "$T/note"
check "... and the next mule-seal -o there removes it (there was $left)" \
    sh -c '[ -s "$1/next" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/sig2"

# A run must not remove the temporary of another run that is alive.
feed "$T/r64.gpg" 20000000
mule-open -o "$T/sig/live" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
wait_temp "$T/sig" 200
before=$(count_temps "$T/sig")
run_status 0 mo -o "$T/sig/other" "$T/note.asc"
after=$(count_temps "$T/sig")
kill -TERM "$pid"
{ wait "$pid"; } 2>/dev/null
stop_feeder
check "a run leaves the temporary of a live run alone ($before, then $after)" \
    [ "$before$after" = 11 ]

# SIGINT to mule-open writing to standard output (spooling by then).
mkdir "$T/spool2"
feed "$T/r64.gpg" 20000000
TMPDIR="$T/spool2" mule-open <"$T/fifo" >"$T/int.out" 2>"$T/int.err" &
pid=$!
i=0
while [ $i -lt 200 ] && ! spool_fd "$pid" "$T/spool2" >/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -ge 200 ] && sleep 2
kill -INT "$pid"
{ wait "$pid"; st=$?; } 2>/dev/null
stop_feeder
check "SIGINT to mule-open writing to standard output: nothing written (exit $st)" \
    sh -c '[ "$1" -ne 0 ] && [ ! -s "$2" ]' - "$st" "$T/int.out"
check "... and nothing left in TMPDIR" [ -z "$(ls -A "$T/spool2")" ]

no_gpg_left "no gpg process of these runs is left behind"

done_testing
