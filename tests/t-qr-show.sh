#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-qr show (issue 14): the codes drawn in the terminal decode back to
# the payload, fit the terminal they were sized for, and the terminal is
# given back on every way out: q, Ctrl-C, Ctrl-Z, a fatal signal, a
# terminal made too small meanwhile, and an error before the first code.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/qr-lib.sh"

P="$T/p"
mkdir -p "$P"
: >"$P/empty"
bytes 414 2 "$P/key"
bytes 3000 3 "$P/3k"
absent() { ! grep -q "$@"; }
TERM_PY="$srcdir/tests/qr-term.py"
TTY_PY="$srcdir/tests/qr-tty.py"

# shown NAME COLSxLINES FILE COUNT [OPTIONS]: show COUNT codes of FILE to
# a file, sized for COLSxLINES; the codes as PNG images in $T/NAME.  $why
# says what went wrong.
shown() {
	sh_name=$1 sh_size=$2 sh_file=$3 sh_count=$4
	shift 4
	why=""
	rm -rf "${T:?}/$sh_name"
	COLUMNS=${sh_size%x*} LINES=${sh_size#*x} mule-qr show --fps 30 \
	    --count "$sh_count" "$@" "$sh_file" >"$T/show.out" 2>"$T/err" ||
	    why="$why show failed: $(cat "$T/err");"
	python3 "$TERM_PY" "$T/show.out" "$T/$sh_name" >"$T/sizes" ||
	    why="$why the codes could not be read back;"
	set -- $(cat "$T/sizes")
	[ "${1:-0}" -eq "$sh_count" ] || why="$why $1 codes, not $sh_count;"
	shift
	for s in "$@"; do
		[ "${s%x*}" -le "${sh_size%x*}" ] &&
		    [ $((${s#*x} + 1)) -le "${sh_size#*x}" ] ||
		    why="$why a code of $s cells does not fit $sh_size;"
	done
}

# --- codes written to a file decode back -----------------------------------
# (52 parts carry 3000 bytes on 80x24, 8 on the others.)
for size in 80x24 100x40 200x60; do
	shown "f$size" "$size" "$P/3k" 60
	mule-qr decode "$T/f$size" >"$T/out" 2>"$T/err" ||
	    why="$why decode failed: $(cat "$T/err");"
	cmp -s "$T/out" "$P/3k" || why="$why output differs;"
	verdict "3000 bytes shown for $size fit it and decode back"
done
# (851 characters of UR: version 16, 89x46 cells.)
shown key 89x46 "$P/key" 3
[ "$(tr ' ' '\n' <"$T/sizes" | sort -u | wc -l)" -eq 2 ] ||
    why="$why the codes differ in size;"
cmp -s "$T/key/0001.png" "$T/key/0003.png" || why="$why the codes differ;"
mule-qr decode "$T/key/0001.png" >"$T/out" 2>/dev/null &&
    cmp -s "$T/out" "$P/key" || why="$why it does not decode;"
verdict "a 414-byte key is one static code on an 89x46 terminal"
shown empty 80x24 "$P/empty" 1
mule-qr decode "$T/empty" >"$T/out" 2>/dev/null && [ ! -s "$T/out" ] ||
    why="$why it does not decode to nothing;"
verdict "an empty input is one code"
# The fingerprint URI of mule-key fingerprint, as it is (a phone's
# scanner opens it); any case in, upper case (alphanumeric mode) out.
echo 'openpgp4fpr:41559711308f2a21b9d5072d621958afcb50b5f9' >"$P/uri"
shown uri 80x24 "$P/uri" 1
zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "$T/uri/0001.png" \
    2>/dev/null >"$T/out"
[ "$(cat "$T/out")" = OPENPGP4FPR:41559711308F2A21B9D5072D621958AFCB50B5F9 ] ||
    why="$why the code holds $(cat "$T/out");"
verdict "a fingerprint URI is shown as it is"
# An armoured message is de-armoured first.
{
	echo '-----BEGIN PGP MESSAGE-----'
	echo
	base64 -w 64 "$P/3k"
	printf '=%s\n' "$(python3 -c 'import sys, base64
d = open(sys.argv[1], "rb").read()
crc = 0xB704CE
for b in d:
    crc ^= b << 16
    for _ in range(8):
        crc <<= 1
        if crc & 0x1000000: crc ^= 0x1864CFB
print(base64.b64encode((crc & 0xFFFFFF).to_bytes(3, "big")).decode())' "$P/3k")"
	echo '-----END PGP MESSAGE-----'
} >"$T/3k.asc"
shown asc 120x50 "$T/3k.asc" 20
mule-qr decode "$T/asc" >"$T/out" 2>/dev/null && cmp -s "$T/out" "$P/3k" ||
    why="$why it does not decode to the binary message;"
verdict "armoured input is shown de-armoured"

# --- what does not fit is refused before the first code --------------------
# too_small DESC SIZE FILE [OPTIONS]: exit 2, nothing on stdout, one error
# naming the size needed.
too_small() {
	ts_desc=$1 ts_size=$2 ts_file=$3
	shift 3
	why=""
	COLUMNS=${ts_size%x*} LINES=${ts_size#*x} mule-qr show "$@" "$ts_file" \
	    >"$T/out" 2>"$T/err"
	st=$?
	[ "$st" -eq 2 ] || why="$why exit $st, not 2;"
	[ -s "$T/out" ] && why="$why something on standard output;"
	one_error_of mule-qr "$T/err" || why="$why stderr is not one error;"
	verdict "$ts_desc"
}
too_small "a terminal too small for any code is refused" 30x15 "$P/3k"
grep -q 'need a terminal of 37x20; this one is 30x15' "$T/err" ||
    why="$why the size needed is not said;"
verdict "... saying the size needed"
too_small "an explicit --fragment that does not fit is refused" 80x24 \
    "$P/3k" --fragment 400
grep -q 'need a terminal of 89x46' "$T/err" ||
    why="$why the size needed is not said;"
verdict "... saying the size needed for it"
too_small "a fragment above --max-version is refused" 300x200 "$P/3k" \
    --fragment 1200

# --- usage -----------------------------------------------------------------
for args in "--fps 0" "--fps 31" "--count -1" "--extra 5" "--scale 4" \
    "--max-size 1M" "--armor" "-o x" "$P/key $P/key"; do
	# shellcheck disable=SC2086
	expect_fail "show $args is a usage error" 2 mule-qr show $args "$P/key"
done

# --- a real terminal ---------------------------------------------------------
# on_tty DESC STATUS SIZE STEPS [SHOW OPTIONS]: show 3000 bytes on a
# pseudo-terminal with qr-tty.py's STEPS; the exit status, the terminal's
# modes after, the alternate screen and cursor given back after the last
# code.
on_tty() {
	ot_desc=$1 ot_want=$2 ot_size=$3 ot_steps=$4
	shift 4
	why=""
	python3 "$TTY_PY" "$ot_size" "$ot_steps" mule-qr show --fps 20 "$@" \
	    "$P/3k" >"$T/tty.out" 2>"$T/tty.err"
	st=$?
	[ "$st" -eq "$ot_want" ] || why="$why exit $st, not $ot_want;"
	grep -q '^echo on$' "$T/tty.err" || why="$why echo left off;"
	grep -q '^canonical on$' "$T/tty.err" || why="$why raw mode left on;"
	python3 - "$T/tty.out" "$ot_want" <<'PY' || why="$why the screen was not given back;"
import sys
out = open(sys.argv[1], 'rb').read()
enter, leave = b'\x1b[?1049h\x1b[?25l', b'\x1b[?25h\x1b[?1049l'
if sys.argv[2] == '2':
    # An error before the first code: the screen was never taken.
    sys.exit(enter in out or leave in out)
# Every time the screen was taken, it was given back, after the last code.
sys.exit(not (out.count(enter) >= 1 and out.count(enter) == out.count(leave)
              and out.rindex(leave) > out.rindex(b'\x1b[H')))
PY
	verdict "$ot_desc"
}
on_tty "q ends the show: exit 0, the terminal given back" 0 100x50 \
    frames:3,key:q
on_tty "Ctrl-C ends the show: exit 0, the terminal given back" 0 100x50 \
    frames:3,key:^C
on_tty "SIGTERM: the terminal given back, then ended by the signal" 143 \
    100x50 frames:3,signal:TERM
on_tty "SIGHUP: the terminal given back, then ended by the signal" 129 \
    100x50 frames:3,signal:HUP
on_tty "Ctrl-Z gives the terminal back, and the show goes on after" 0 \
    100x50 frames:3,key:^Z,frames:6,key:q
check "... taken again after Ctrl-Z" \
    [ "$(grep -c "$(printf '\033\\[?1049h')" "$T/tty.out")" -ge 2 ]
on_tty "--count ends the show" 0 100x50 "" --count 4
on_tty "keys typed during the show are not echoed" 0 100x50 \
    frames:2,type:xyzzy,frames:4,key:q
check "... (none of them on the screen)" absent xyzzy "$T/tty.out"
on_tty "a terminal made too small says what it needs, then goes on" 0 \
    100x50 "frames:2,size:40x20,text:make the terminal at least,size:100x50,frames:8,key:q"
on_tty "an error before the first code leaves the terminal alone" 2 \
    30x15 ""
# The frames a terminal showed, status line and all, decode back.
python3 "$TTY_PY" 100x50 frames:25,key:q mule-qr show --fps 30 "$P/3k" \
    >"$T/tty.out" 2>/dev/null
rm -rf "$T/tf"
python3 "$TERM_PY" --tty "$T/tty.out" "$T/tf" >/dev/null
mule-qr decode "$T/tf" >"$T/out" 2>/dev/null
check "codes shown on a terminal decode back" cmp -s "$T/out" "$P/3k"

# A closed pipe ends the show as it ends any filter: by SIGPIPE, or when
# the signal is ignored (as the test's caller may have it), by the error.
{
	COLUMNS=100 LINES=50 mule-qr show --fps 30 --count 50 "$P/3k" \
	    2>"$T/err"
	echo $? >"$T/status"
} | head -c 10 >/dev/null
st=$(cat "$T/status")
why=""
if [ "$st" -eq 141 ]; then
	[ -s "$T/err" ] && why="$why a message after SIGPIPE;"
elif [ "$st" -eq 2 ]; then
	one_error_of mule-qr "$T/err" || why="$why not one error line;"
else
	why="$why exit $st;"
fi
verdict "a closed pipe ends the show (exit $st)"

# Regression: a full pipe (a reader that stopped reading) held the show
# in its write, deaf to SIGTERM until the reader went away.
rm -f "$T/status" "$T/pid"
{
	COLUMNS=100 LINES=50 mule-qr show --fps 30 "$P/3k" 2>"$T/err" &
	echo $! >"$T/pid"
	wait $!
	echo $? >"$T/status"
} | sleep 30 &
reader=$!
sleep 2
kill -TERM "$(cat "$T/pid")"
i=0
while [ ! -s "$T/status" ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
why=""
[ -s "$T/status" ] || why=" still running 10 s after SIGTERM;"
[ "$(cat "$T/status" 2>/dev/null)" = 143 ] ||
    why="$why exit $(cat "$T/status" 2>/dev/null), not 143;"
verdict "SIGTERM ends a show whose pipe is full"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null

done_testing
