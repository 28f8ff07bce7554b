#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What mule-qr decode says about its progress: the progress line on a
# terminal (a pseudo-terminal, tests/key-tty.py), updated in place and
# erased before anything else is printed, and nothing of it without a
# terminal or with -q; and decode --json, one JSON object on standard
# output for every outcome (complete, incomplete, rejected, failed), with
# the exit status unchanged and the payload only in -o FILE.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/qr-lib.sh"

P="$T/p" C="$T/c"
mkdir -p "$P" "$C"
bytes 98 1 "$P/m"		# 100 bytes of CBOR: 10 parts of 10
bytes 98 2 "$P/other"
bytes 2000 3 "$P/k2"
craft <<EOF
$C/m.txt message $P/m frag=10
$C/other.txt message $P/other frag=10
$C/half.txt message $P/m frag=10 seqs=1,2,3,4
$C/bad.txt message $P/m frag=10 seqs=1,2,3
$C/bad.txt part 4 10 100 @$P/m zeros:10 bwcrc=bad
EOF

# --- the progress line -------------------------------------------------------------
# on_tty OUT COMMAND...: run COMMAND (a shell command line, $1... are
# ARGS) on a pseudo-terminal, what the terminal showed in OUT; the status
# is COMMAND's.
: >"$T/answers"
on_tty() {
	ot_out=$1
	shift
	with_timeout "$PYTHON" "$srcdir/tests/key-tty.py" "$T/answers" \
	    sh -c "$@" >"$ot_out" 2>&1
}
# slowly FILE: its lines, a tenth of a second apart (a camera's pace):
# decode waits for each, and brings its line up to date first.
slowly='while read -r l; do printf "%s\n" "$l"; sleep 0.1; done <"$1"'

# tty_check FILE WHAT: the terminal output FILE, as a Python check: WHAT
# is "progress" (lines drawn, each consistent, then erased before the
# next message) or "none" (no progress line at all).
tty_check() {
	"$PYTHON" - "$1" "$2" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
draws = re.findall(rb'\rdecoding: ([^\r\x1b]*)\x1b\[K', data)
if sys.argv[2] == 'none':
    sys.exit(1 if b'decoding' in data or b'\x1b' in data else 0)
if not draws:
    sys.exit('no progress line')
for d in draws:
    m = re.match(rb'(\d+) codes? read, (\d+) parts? used, (\d+)/(\d+) '
                 rb'fragments, at least (\d+) more parts?$', d)
    if not m:
        if not re.match(rb'\d+ codes? read, no part yet$', d):
            sys.exit('odd line: %r' % d)
        continue
    known, length = int(m.group(3)), int(m.group(4))
    # Plain parts in order, none lost: the estimate is exact.
    if known + int(m.group(5)) != length or known >= length:
        sys.exit('estimate off: %r' % d)
# Erased (CR, erase line) after the last draw, before any other text.
last = data.rfind(b'\rdecoding: ')
rest = data[last:]
end = rest.find(b'\x1b[K')
if not rest[end + 3:].startswith(b'\r\x1b[K'):
    sys.exit('not erased: %r' % rest[end:end + 40])
PY
}

if "$PYTHON" -c 'import pty' 2>/dev/null; then
	on_tty "$T/tty" "$slowly | mule-qr decode --text -o \"\$2\"" sh \
	    "$C/m.txt" "$T/tty.out"
	st=$?
	why=""
	[ "$st" -eq 0 ] || why=" exit $st;"
	cmp -s "$T/tty.out" "$P/m" || why="$why output differs;"
	msg=$(tty_check "$T/tty" progress 2>&1) || why="$why $msg;"
	grep -q '1/10 fragments, at least 9 more parts' "$T/tty" ||
	    why="$why the first part's line missing;"
	grep -q "$(printf '\r\033\\[K')mule-qr: 98 bytes from 10 parts" "$T/tty" ||
	    why="$why the note does not follow the erased line;"
	[ -n "$why" ] && sed 's/^/# tty: /' "$T/tty" | cat -v >&2
	verdict "on a terminal: a progress line, exact estimates, erased at the end"

	on_tty "$T/tty" "$slowly | mule-qr decode -q --text -o \"\$2\"" sh \
	    "$C/m.txt" "$T/tty-q.out"
	st=$?
	why=""
	[ "$st" -eq 0 ] || why=" exit $st;"
	tty_check "$T/tty" none || why="$why a progress line with -q;"
	verdict "-q: no progress line on a terminal"

	on_tty "$T/tty" "$slowly | mule-qr decode --text -o \"\$2\"" sh \
	    "$C/half.txt" "$T/tty-half.out"
	st=$?
	why=""
	[ "$st" -eq 2 ] || why=" exit $st;"
	[ -e "$T/tty-half.out" ] && why="$why output file;"
	msg=$(tty_check "$T/tty" progress 2>&1) || why="$why $msg;"
	grep -q "$(printf '\r\033\\[K')mule-qr: error: incomplete input" "$T/tty" ||
	    why="$why the error does not follow the erased line;"
	verdict "incomplete on a terminal: the line is erased before the error"

	on_tty "$T/tty" "$slowly | mule-qr decode --text -o \"\$2\"" sh \
	    "$C/bad.txt" "$T/tty-bad.out"
	st=$?
	why=""
	[ "$st" -eq 1 ] || why=" exit $st;"
	[ -e "$T/tty-bad.out" ] && why="$why output file;"
	msg=$(tty_check "$T/tty" progress 2>&1) || why="$why $msg;"
	grep -q "$(printf '\r\033\\[K')mule-qr: error: bytewords" "$T/tty" ||
	    why="$why the error does not follow the erased line;"
	verdict "rejected on a terminal: the line is erased before the error"

	rm -rf "$T/frames"
	mule-qr encode -q --fragment 400 -o "$T/frames" "$P/k2"
	on_tty "$T/tty" 'mule-qr decode -o "$2" "$1"' sh "$T/frames" \
	    "$T/tty-frames.out"
	st=$?
	why=""
	[ "$st" -eq 0 ] || why=" exit $st;"
	cmp -s "$T/tty-frames.out" "$P/k2" || why="$why output differs;"
	msg=$(tty_check "$T/tty" progress 2>&1) || why="$why $msg;"
	verdict "images on a terminal: a progress line, erased"
else
	skip "python3 has no pty module: no progress line checked"
fi
mule-qr decode --text -o "$T/notty.out" <"$C/m.txt" 2>"$T/notty.err"
why=""
[ "$(cat "$T/notty.err")" = "mule-qr: 98 bytes from 10 parts" ] ||
    why=" stderr is not only the note;"
tty_check "$T/notty.err" none || why="$why a progress line;"
verdict "no terminal: no progress line"

# --- --json ------------------------------------------------------------------------
# json_is FILE KEY=VALUE...: FILE is one line, one JSON object, whose KEY
# is VALUE (as JSON: 98, "complete", null) or, for KEY~TEXT, whose
# string KEY contains TEXT; KEY! means KEY is absent.
json_is() {
	"$PYTHON" - "$@" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
if text.count('\n') != 1 or not text.endswith('\n'):
    sys.exit('not one line: %r' % text)
d = json.loads(text)
want = ['status', 'bytes', 'images', 'codes', 'foreign', 'other_message',
        'parts_used', 'fragments_known', 'fragments', 'parts_needed']
if any(k not in d for k in want):
    sys.exit('keys missing: %r' % d)
for a in sys.argv[2:]:
    if a.endswith('!'):
        if a[:-1] in d:
            sys.exit('%s present: %r' % (a[:-1], d))
    elif '~' in a:
        k, v = a.split('~', 1)
        if v not in d.get(k, ''):
            sys.exit('%s lacks %r: %r' % (k, v, d))
    else:
        k, v = a.split('=', 1)
        if k not in d or json.dumps(d[k]) != v:
            sys.exit('%s is not %s: %r' % (k, v, d))
PY
}
# json_run STATUS DECODE-ARGS...: decode --json, stdout in $T/out; $why
# says if the status is not STATUS.  json_ok DESC CHECKS...: the verdict,
# with json_is "$T/out" CHECKS.
json_run() {
	jr_want=$1
	shift
	why=""
	rm -f "$T/json.out"
	mule-qr decode --json "$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$jr_want" ] || why=" exit $got, not $jr_want;"
}
json_ok() {
	jo_desc=$1
	shift
	msg=$(json_is "$T/out" "$@" 2>&1) || why="$why $msg;"
	verdict "$jo_desc"
}

json_run 0 --text -o "$T/json.out" <"$C/m.txt"
json_ok "--json, complete" status='"complete"' bytes=98 codes=10 \
    parts_used=10 fragments_known=10 fragments=10 parts_needed=0 foreign=0 \
    other_message=0 images=0 error!
check "... the payload in -o FILE" cmp -s "$T/json.out" "$P/m"
check "... and the note on stderr" grep -q '^mule-qr: 98 bytes from 10 parts$' "$T/err"

json_run 2 --text -o "$T/json.out" <"$C/half.txt"
json_ok "--json, incomplete: exit 2" status='"incomplete"' bytes=0 \
    codes=4 parts_used=4 fragments_known=4 fragments=10 parts_needed=6 \
    error~'incomplete input: 4 parts seen' hint~'scan more frames'
check "... no -o file" [ ! -e "$T/json.out" ]
check "... the error on stderr as well" one_error_of mule-qr "$T/err"

json_run 1 --text -o "$T/json.out" <"$C/bad.txt"
json_ok "--json, rejected: exit 1" status='"rejected"' bytes=0 codes=4 \
    parts_used=3 error~'bytewords: checksum mismatch'
check "... no -o file" [ ! -e "$T/json.out" ]

: >"$T/empty.txt"
json_run 2 --text -o "$T/json.out" <"$T/empty.txt"
json_ok "--json, no part at all: parts_needed is null" \
    status='"incomplete"' codes=0 fragments=0 parts_needed=null

{ echo 'https://example.org/'; paste -d '\n' "$C/m.txt" "$C/other.txt"; } |
    grep . >"$T/mixed.txt"
json_run 0 --text -o "$T/json.out" <"$T/mixed.txt"
json_ok "--json counts foreign codes and parts of another message" \
    status='"complete"' codes=20 foreign=1 other_message=9 parts_used=10

if [ -d "$T/frames" ]; then
	# 12 frames; reading stops after the 6 plain ones complete it
	json_run 0 -o "$T/json.out" "$T/frames"
	json_ok "--json counts the images read" status='"complete"' images=6 \
	    codes=6 bytes=2000
fi

: >"$T/exists"
json_run 2 --text -o "$T/exists" <"$C/m.txt"
json_ok "--json, an operational error: status failed" status='"failed"' \
    error~'file exists' hint~--force
nl='
'
json_run 2 -o "$T/json.out" "$T/no-such\"${nl}file.png"
json_ok "--json escapes the error message" status='"failed"' \
    error~no-such

# Regression: a report that could not be written was exit 2 with the -o
# file written (and the note of success printed before the error).
if [ -w /dev/full ]; then
	why=""
	rm -f "$T/json.out"
	mule-qr decode --text --json -o "$T/json.out" <"$C/m.txt" >/dev/full \
	    2>"$T/err"
	got=$?
	[ "$got" -eq 2 ] || why=" exit $got, not 2;"
	one_error_of mule-qr "$T/err" || why="$why stderr is not one error line;"
	[ -e "$T/json.out" ] && why="$why the -o file was left;"
	no_temps "$T" || why="$why a temporary was left;"
	verdict "--json report lost (standard output full): exit 2, no -o file"
else
	skip "no /dev/full: a lost --json report not tried"
fi
run_status 2 mule-qr decode --text --json <"$C/m.txt"
why=""
[ -s "$T/out" ] && why=" output on stdout;"
one_error_of mule-qr "$T/err" || why="$why not one error line;"
verdict "--json without -o is a usage error"
run_status 2 mule-qr decode --text --json -o - <"$C/m.txt"
check "--json with -o - is a usage error" one_error_of mule-qr "$T/err"
run_status 2 mule-qr encode --text --json "$P/m"
check "--json is not an option of encode" one_error_of mule-qr "$T/err"

done_testing
