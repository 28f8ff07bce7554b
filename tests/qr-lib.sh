# SPDX-License-Identifier: GPL-3.0-or-later
# qr-lib.sh - helpers of the mule-qr tests.  Source it after lib.sh; it
# skips the whole script when mule-qr is not built.

if [ ! -x "$BIN/mule-qr" ]; then
	skip "mule-qr is not built (./configure --without-qr)"
	done_testing
fi

have() { command -v "$1" >/dev/null 2>&1; }

# The interpreter itself, not a wrapper (a pyenv shim takes half a
# second to start it).
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) &&
    [ -x "$PYTHON" ] || PYTHON=python3

# bytes N SEED FILE: N pseudo-random bytes, the same for the same seed.
bytes() {
	"$PYTHON" -c 'import random, sys
n = int(sys.argv[1])
random.seed(int(sys.argv[2]))
sys.stdout.buffer.write(random.getrandbits(8 * n).to_bytes(n, "little"))' \
	    "$1" "$2" >"$3"
}

# craft: tests/qr-craft.py, its batch of "OUT COMMAND ARG..." lines on
# standard input (one python start for many files).
craft() {
	"$PYTHON" "$srcdir/tests/qr-craft.py" || {
		echo "Bail out! qr-craft.py failed"; exit 99; }
}

# qr_refused DESC STATUS INPUT DECODE-ARGS...: decode with INPUT on stdin,
# to stdout and again to -o FILE: the exit status, nothing on stdout, one
# error line, no file or temporary left.  On failure, $why says why and
# $T/err holds the first run's stderr.
qr_refused() {
	qd=$1 want=$2 in=$3
	shift 3
	why=""
	with_timeout mule-qr decode "$@" <"$in" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got, not $want;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-qr "$T/err" || why="$why stderr is not one error line;"
	rm -rf "$T/odir" && mkdir "$T/odir"
	with_timeout mule-qr decode -o "$T/odir/out" "$@" <"$in" >"$T/out2" 2>"$T/err2"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got with -o;"
	[ -s "$T/out2" ] && why="$why standard output not empty with -o;"
	one_error_of mule-qr "$T/err2" || why="$why stderr is not one error line with -o;"
	[ -e "$T/odir/out" ] && why="$why output file created;"
	no_temps "$T/odir" || why="$why temporary left behind;"
	if [ -z "$why" ]; then ok "$qd"; else failed "$qd"; fi
}
