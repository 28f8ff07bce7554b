#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-names.sh - items whose names hold any byte (their world:
# stick_world in stick-lib.sh, over a FAT stick where there is one): a
# newline, ESC sequences, a carriage return, bytes that are not UTF-8, a
# C1 control and a bidirectional override in UTF-8, a leading dash,
# spaces, percent signs, quotes and a backslash, through put, put
# --queue, sync, sent, list and get.  No raw control byte reaches
# standard output or standard error (each line escaped, one line per
# item); each --json document is valid, and its "name" gives the raw name
# back (UTF-8 as it is, a byte that is not UTF-8 as \u00XX); the outbox
# record and the sent record keep the name whole; Bob's files have their
# names byte for byte.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# The names, one per line, in hexadecimal (a newline is one of the
# bytes): a newline; ESC sequences; a CR; bytes that are not UTF-8; a
# Latin-1 name; a C1 control (CSI) in UTF-8; a bidi override (RLO) in
# UTF-8; a leading dash; leading and trailing spaces; percent signs and a
# trailing newline; a quote and a backslash; plain UTF-8 (Jürgen).
NAMES_HEX="$T/names.hex"
export NAMES_HEX
cat >"$NAMES_HEX" <<'EOF'
6e65770a6c696e65
6573631b5b33316d7265641b5b306d
63720d68696464656e
626164fffe757466
72e973756de9
63c29b31
61e280ae67706a2e657865
2d64617368
20206c65616420747261696c2020
31303025323520254120250a
71756f74652262616b5c736c617368
4ac3bc7267656e
EOF
NNAMES=$(grep -c . "$NAMES_HEX")
ODD="$T/odd"
mkdir -p "$ODD"

# names.py: the names as files in $ODD (make), or the command after it
# run with each argument @NAMES@ replaced by the names (run: as typed
# after "--" in a shell, so that a leading dash is no option), or with
# @MISSING@ by each name with "missing-" before it.
cat >"$T/names.py" <<'EOF'
import os, sys
names = [bytes.fromhex(h) for h in open(os.environ['NAMES_HEX']).read().split()]
if sys.argv[1] == 'make':
    for i, n in enumerate(names):
        with open(os.path.join(sys.argv[2].encode(), n), 'wb') as f:
            f.write(b'item %d\n' % i)
    sys.exit(0)
args = []
for a in sys.argv[2:]:
    if a == '@NAMES@':
        args += names
    elif a == '@MISSING@':
        args += [b'missing-' + n for n in names]
    else:
        args.append(os.fsencode(a))
os.execvp(args[0], args)
EOF
python3 "$T/names.py" make "$ODD" || { echo "Bail out! cannot make the odd names"; exit 99; }

# msn_a / msn_b ARG...: mule-stick as Alice / Bob, @NAMES@ expanded
msn_a() {
	with_timeout env GNUPGHOME="$AH" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
	    python3 "$T/names.py" run mule-stick "$@"
}

# check.py MODE FILE [ARG]: the checks; each prints what is wrong
cat >"$T/check.py" <<'EOF'
import codecs, json, os, re, sys

names = [bytes.fromhex(h) for h in open(os.environ['NAMES_HEX']).read().split()]
prefix = os.environ.get('PREFIX', '').encode()
full = [prefix + n for n in names] * int(os.environ.get('COPIES', '1'))

def bytes_as_chars(e):
    return (''.join(chr(b) for b in e.object[e.start:e.end]), e.end)
codecs.register_error('bytes_as_chars', bytes_as_chars)

def as_json(raw):
    """What mule-stick(1) says "name" is: UTF-8 as it is, a byte that is
    not UTF-8 as the character of its number (\\u00XX)."""
    return raw.decode('utf-8', errors='bytes_as_chars')

def raw_of(s):
    """The raw name back from "name": UTF-8 text as it is; a name with
    bytes that are not UTF-8 (no character above U+00FF), one byte per
    character."""
    if all(ord(c) < 0x100 for c in s) and s.encode('latin-1') in full \
            and s.encode('latin-1') != s.encode('utf-8'):
        try:
            s.encode('latin-1').decode('utf-8')
        except UnicodeDecodeError:
            return s.encode('latin-1')
    return s.encode('utf-8')

def printable(cp):
    return cp >= 0xa0 and not 0x202a <= cp <= 0x202e and not 0x2066 <= cp <= 0x2069

def escaped(raw):
    """The name as a line shows it (mule(7)): printable UTF-8 kept, every
    other byte, the backslash and the double quote, as \\xNN."""
    out, i = [], 0
    while i < len(raw):
        b = raw[i]
        if 0x20 <= b < 0x7f and b not in (0x5c, 0x22):
            out.append(chr(b)); i += 1; continue
        n = 2 if 0xc2 <= b <= 0xdf else 3 if 0xe0 <= b <= 0xef else 4 if 0xf0 <= b <= 0xf4 else 0
        try:
            ch = raw[i:i + n].decode('utf-8') if n else ''
        except UnicodeDecodeError:
            ch = ''
        if len(ch) == 1 and printable(ord(ch)):
            out.append(ch); i += n
        else:
            out.append('\\x%02x' % b); i += 1
    return ''.join(out)

C1 = re.compile(rb'\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]')

def terminal_safe(data, what):
    """No byte a terminal acts on but the newline that ends a line."""
    bad = sorted(set(b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f))
    if bad:
        print('%s: raw control bytes %s' % (what, bad))
    try:
        data.decode('utf-8')
    except UnicodeDecodeError as e:
        print('%s: not UTF-8 (%s)' % (what, e))
    if C1.search(data):
        print('%s: a raw C1 control or bidi override' % what)

mode, path = sys.argv[1], sys.argv[2]
if mode == 'lines':
    # WORD lines, one per item (and recipient), each naming its item as
    # "WORD NAME for ..." or "WORD to ...: NAME, ..."
    data = open(path, 'rb').read()
    word = sys.argv[3]
    terminal_safe(data, 'standard output')
    lines = [l for l in data.decode('utf-8', 'replace').split('\n')
             if l.startswith(word + ' ')]
    if len(lines) != len(full):
        print('%d %s lines, not %d' % (len(lines), word, len(full)))
    for n in full:
        e = escaped(n)
        if not any(l.startswith(word + ' ' + e + ' for ') or ('): ' + e + ', ') in l
                   for l in lines):
            print('no %s line shows %r as %s' % (word, n, e))
elif mode == 'stderr':
    # one error line, naming the first of the names escaped
    data = open(path, 'rb').read()
    terminal_safe(data, 'standard error')
    lines = data.decode('utf-8', 'replace').split('\n')[:-1]
    if len(lines) != 1 or escaped(full[0]) not in lines[0]:
        print('stderr is not one line naming %s: %r' % (escaped(full[0]), lines))
elif mode == 'json':
    # the objects of STATUS name the items; each raw name comes back
    data = open(path, 'rb').read()
    terminal_safe(data, 'the JSON document')
    doc = json.loads(data)
    got = [x['name'] for x in doc if x['status'] == sys.argv[3]]
    if sorted(got) != sorted(as_json(n) for n in full):
        print('%s names %r, not %r' % (sys.argv[3], got, [as_json(n) for n in full]))
    if sorted(raw_of(s) for s in got) != sorted(full):
        print('the raw names do not come back: %r' % [raw_of(s) for s in got])
elif mode == 'outbox':
    # the records in the outbox: "name: HEX" holds the argument's bytes
    got = []
    for f in sorted(os.listdir(path)):
        if f.endswith('.to') or f.endswith('.done'):
            for l in open(os.path.join(path, f), 'rb').read().split(b'\n'):
                if l.startswith(b'name: '):
                    got.append(bytes.fromhex(l[6:].decode()))
    if sorted(got) != sorted(full):
        print('outbox names %r, not %r' % (got, full))
elif mode == 'sent':
    # the sent record: every line printable ASCII; the last field of
    # each WORD line decodes (%XX) to a name, each name once
    data = open(path, 'rb').read()
    lines = data.split(b'\n')[:-1]
    bad = [l for l in lines if re.search(rb'[^!-~ ]', l)]
    if bad:
        print('record lines with raw bytes: %r' % bad)
    got = [re.sub(rb'%([0-9A-Fa-f]{2})', lambda m: bytes([int(m.group(1), 16)]),
                  l.split(b' ')[-1])
           for l in lines if l.split(b' ')[0] == sys.argv[3].encode()]
    if sorted(got) != sorted(full):
        print('%s records give back %r, not %r' % (sys.argv[3], got, full))
elif mode == 'files':
    # the items Bob got: one file each, named byte for byte
    got = []
    for d, subdirs, files in os.walk(path.encode()):
        got += files
    if sorted(got) != sorted(full):
        print('delivered files %r, not %r' % (sorted(got), sorted(names)))
EOF
# names_ok MODE FILE [ARG]: check.py's findings added to $why
names_ok() {
	nk_out=$(python3 "$T/check.py" "$@" 2>&1) || nk_out="$nk_out (check.py failed)"
	[ -z "$nk_out" ] || why="$why $(printf '%s' "$nk_out" | tr '\n' ' ');"
}
no_stderr() { [ ! -s "$T/err" ] || why="$why stderr: $(cat -v "$T/err");"; }

fat_scenario names 64M "-s 64" || { diag "no FAT file system: a directory instead"; scenario names; }
OB="$ASTATE/mule/outbox"
SENT="$ASTATE/mule/sent"
cd "$ODD" || exit 99

# === put ===========================================================================
why=""
snap "$BOX"
st 0 msn_a put "$S" -r "$BOB" -- @NAMES@
names_ok lines "$T/out" put
[ "$(added "$BOX" | wc -l)" -eq "$NNAMES" ] || why="$why not $NNAMES items on the stick;"
no_stderr
verdict "put: a line for each of the $NNAMES items, each name escaped, no raw control byte on standard output"

why=""
rm -rf "$S/MULE/to/$CAROL"
st 0 msn_a put "$S" -r "$CAROL" --json -- @NAMES@
names_ok json "$T/out" put
no_stderr
verdict "put --json: valid, each \"name\" the raw name (not UTF-8: a byte as \\u00XX)"

why=""
st 2 msn_a put "$S" -r "$BOB" -- @MISSING@
PREFIX=missing- names_ok stderr "$T/err"
[ ! -s "$T/out" ] || why="$why standard output: $(cat -v "$T/out");"
st 2 msn_a put --queue -r "$BOB" -- @MISSING@
PREFIX=missing- names_ok stderr "$T/err"
verdict "put and put --queue of items that are not there: one error line, the name escaped"

# === put --queue and sync ==========================================================
why=""
st 0 msn_a put --queue -r "$BOB" -- @NAMES@
names_ok lines "$T/out" queued
names_ok outbox "$OB"
no_stderr
verdict "put --queue: a 'queued' line each, names escaped; the outbox records hold each name's bytes"

why=""
st 0 msn_a put --queue -r "$CAROL" --json -- @NAMES@
names_ok json "$T/out" queued
verdict "put --queue --json: each \"name\" the raw name"

why=""
st 0 ms_a sync "$S" --json
# each item twice: queued for Bob and for Carol
COPIES=2 names_ok json "$T/out" synced
[ -z "$(ls -A "$OB")" ] || why="$why the outbox is not empty: $(ls -A "$OB" | tr '\n' ' ');"
verdict "sync --json: a \"synced\" object for each item and recipient, each \"name\" the raw name, read back from the outbox records"

# === the sent record ==============================================================
why=""
# four put lines an item: put for Bob and for Carol, queued for each then
# synced; two queued lines (the queue's, superseded by the sync's put)
COPIES=4 names_ok sent "$SENT" put
COPIES=2 names_ok sent "$SENT" queued
st 0 ms_a sent -r "$BOB"
# each item twice for Bob: put, and queued then synced
COPIES=2 names_ok lines "$T/out" pending
verdict "the sent record: printable lines, each name %-encoded and whole; sent: a 'pending' line for each item, names escaped"

why=""
st 0 ms_a sent --json -r "$CAROL"
# Carol's items twice too: put, and queued then synced
COPIES=2 names_ok json "$T/out" pending
verdict "sent --json: a pending object for each of Carol's items, each \"name\" the raw name"

# === Bob's side: list and get =======================================================
why=""
st 0 ms_b list "$S"
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b < 32 and b != 10 for b in d))' "$T/out" ||
    why="$why a raw control byte in list's lines;"
# list shows every folder: Bob's items and Carol's, each twice
[ "$(grep -c '^  [0-9a-f]\{64\}  ' "$T/out")" -eq $((4 * NNAMES)) ] || why="$why not $((4 * NNAMES)) item lines;"
st 0 ms_b list "$S" --json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
n = sum(1 for x in d if x["status"] == "waiting" and x["recipient"] == sys.argv[2])
sys.exit(n != int(sys.argv[3]))' "$T/out" "$BOB" $((2 * NNAMES)) ||
    why="$why list --json does not give Bob $((2 * NNAMES)) waiting items;"
verdict "list: the $((4 * NNAMES)) items of Bob's and Carol's folders, one line each; --json: Bob's $((2 * NNAMES))"

why=""
st 0 ms_b get "$S" -C "$IN"
COPIES=2 names_ok lines "$T/out" delivered
grep -q '^gap ' "$T/out" && why="$why a gap;"
COPIES=2 names_ok files "$IN"
verdict "get: a 'delivered' line for each item, names escaped; the files Bob got carry the names byte for byte"

why=""
mkdir -p "$T/in2"
st 0 ms_b get "$S" -C "$T/in2" --journal "$T/journal2" --json
COPIES=2 names_ok json "$T/out" delivered
verdict "get --json: each \"name\" the raw name of the file in the item"

cd "$T" || exit 99
fat_done
done_testing
