#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-verify against hostile input: changed, extended, truncated or
# misplaced signed data, things that are not signed messages, and the
# signer policy (unknown, uncertified, pinned, SHA-1, future, revoked).
# Every refusal must be: the right exit status, nothing on standard
# output, one "error:" line (and at most one "hint:" line), and with -o
# no output file and no .mule-* temporary.
. "$srcdir/tests/lib.sh"

mvy() { with_timeout mule-verify "$@"; }

one_error() { one_error_of mule-verify "$1"; }

# refused STATUS FILE [OPTION...]: see refused_by in lib.sh.
refused() { refused_by mule-verify "$@"; }

# refused_detached STATUS SIGFILE FILE [OPTION...]: the same for a
# detached signature (no -o there).
refused_detached() {
	want=$1 sig=$2 data=$3
	shift 3
	why=""
	mvy "$@" "$sig" "$data" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || why="$why exit $got, not $want;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error "$T/err" || why="$why stderr is not one error line;"
	[ -z "$why" ]
}


# rejects DESC STATUS FILE [OPTION...]
rejects() {
	desc=$1
	shift
	if refused "$@"; then ok "$desc"; else failed "$desc"; fi
}

# rejects_detached DESC STATUS SIGFILE FILE [OPTION...]
rejects_detached() {
	desc=$1
	shift
	if refused_detached "$@"; then ok "$desc"; else failed "$desc"; fi
}

# rejects_hint DESC STATUS PATTERN FILE [OPTION...]: and a hint line
# matches PATTERN (grep -i).
rejects_hint() {
	desc=$1 st=$2 pat=$3
	shift 3
	refused "$st" "$@"
	grep '^mule-verify: hint: ' "$T/err" | grep -qi -- "$pat" ||
	    why="$why no hint matching '$pat';"
	if [ -z "$why" ]; then ok "$desc"; else failed "$desc"; fi
}

# rejects_saying DESC STATUS ERE FILE [OPTION...]: and the error line
# matches ERE (grep -Ei).
rejects_saying() {
	desc=$1 st=$2 pat=$3
	shift 3
	refused "$st" "$@"
	grep '^mule-verify: error: ' "$T/err" | grep -Eqi -- "$pat" ||
	    why="$why the error does not match '$pat';"
	if [ -z "$why" ]; then ok "$desc"; else failed "$desc"; fi
}

# not_saying ERE: the last error does not match ERE (a misleading
# description); for use after refused.
not_saying() {
	if grep -Eqi -- "$1" "$T/err"; then
		why="$why the error says '$1':$(sed -n 1p "$T/err" | cut -d: -f2-);"
	fi
}

# good FILE WANT: mule-verify accepts FILE and prints the contents of
# WANT, or bail out: the refusals below must be the tampering's.
good() {
	mvy "$1" >"$T/good.out" 2>/dev/null && cmp -s "$T/good.out" "$2" ||
	    { echo "Bail out! the untouched ${1##*/} is not accepted"; exit 99; }
}

# keyring: what the keyring holds (public and secret), for before/after.
keyring() {
	gpg --batch --with-colons --list-keys 2>/dev/null | grep -v '^tru:'
	gpg --batch --with-colons --list-secret-keys 2>/dev/null | grep -v '^tru:'
}

# at HOME WHEN GPG-ARGS...: gpg in HOME with the clock set to WHEN.
at() {
	h=$1 w=$2
	shift 2
	GNUPGHOME=$h gpg --batch --pinentry-mode loopback --passphrase '' \
	    --faked-system-time "$w!" "$@"
}

# --- keys and messages --------------------------------------------------------
setup_keys
TMPDIR="$T/tmp"		# where mule-verify makes its temporary gpg homes
export TMPDIR
mkdir "$TMPDIR"

printf 'pay bob 10 euros\n\nthanks, alice\n' >"$T/note.txt"
mule-sign -q -o "$T/note.asc" "$T/note.txt" ||
    { echo "Bail out! cannot sign the test message"; exit 99; }
printf 'AAA file A\n' >"$T/A"
printf 'BBB file B\n' >"$T/B"
mule-sign -q --detach -o "$T/A.sig" "$T/A" &&
    mule-sign -q --detach --binary -o "$T/A.bsig" "$T/A" &&
    mule-sign -q --inline -o "$T/A.inl" "$T/A" &&
    mule-sign -q --inline --binary -o "$T/A.gpg" "$T/A" ||
    { echo "Bail out! cannot sign the test files"; exit 99; }
mvy "$T/note.asc" 2>/dev/null | cmp -s - "$T/note.txt" &&
    mvy -q "$T/A.sig" "$T/A" && mvy -q "$T/A.bsig" "$T/A" &&
    mvy "$T/A.inl" 2>/dev/null | cmp -s - "$T/A" &&
    mvy "$T/A.gpg" 2>/dev/null | cmp -s - "$T/A"
check "the untouched messages verify (so the refusals below are the tampering's)" [ $? -eq 0 ]

# --- changes to the clear-signed message -------------------------------------------
sed 's/10 euros/99 euros/' "$T/note.asc" >"$T/word.asc"
rejects "a changed word is refused" 1 "$T/word.asc"
{ echo 'IGNORE WHAT FOLLOWS: pay mallory'; cat "$T/note.asc"; } >"$T/before.asc"
rejects "text before the clear-signed block is refused" 1 "$T/before.asc"
{ cat "$T/note.asc"; echo 'P.S. and pay mallory 1000 euros'; } >"$T/after.asc"
rejects "text after the clear-signed block is refused" 1 "$T/after.asc"
printf 'pay mallory\n' | mule-sign -q >"$T/second.asc"
cat "$T/note.asc" "$T/second.asc" >"$T/twoblocks.asc"
rejects "two clear-signed blocks concatenated are refused" 1 "$T/twoblocks.asc"
{ cat "$T/note.asc"; sed -n '/^-----BEGIN PGP SIGNATURE-----$/,$p' "$T/second.asc"; } \
    >"$T/extrasig.asc"
rejects "an extra signature block after the first is refused" 1 "$T/extrasig.asc"
# The Hash: header is not signed; one naming an algorithm that no
# signature in the message uses misstates how it was signed (the
# spoofing of CVE-2019-11841); a strict reader refuses it.
sed 's/^Hash: SHA256$/Hash: SHA256\nHash: SHA1/' "$T/note.asc" >"$T/hash2.asc"
rejects "a second Hash: header (SHA1, used by no signature) is refused" 1 "$T/hash2.asc"
sed 's/^Hash: SHA256$/Hash: SHA512/' "$T/note.asc" >"$T/hash512.asc"
refused 1 "$T/hash512.asc"
not_saying 'general error'
if [ -z "$why" ]; then
	ok "a Hash: header naming another algorithm is refused, with a clear reason"
else
	failed "a Hash: header naming another algorithm is refused, with a clear reason"
fi
sed 's/^Hash: SHA256$/Hash: SHA256\nNotDashEscaped: yes/' "$T/note.asc" >"$T/notdash.asc"
rejects "a NotDashEscaped: header is refused" 1 "$T/notdash.asc"
sed 's/^thanks, alice$/thanks, alice\n-- not dash-escaped/' "$T/note.asc" >"$T/dash.asc"
rejects "a line starting with '-' that is not dash-escaped is refused" 1 "$T/dash.asc"
sed 's/^thanks, alice$/thanks, alice\n- - and pay mallory/' "$T/note.asc" >"$T/dashadd.asc"
rejects "an added dash-escaped line is refused" 1 "$T/dashadd.asc"

# Truncated at the end of every line, and in the middle of some.
: >"$T/trunc.bad"
n=$(wc -l <"$T/note.asc")
i=1
while [ $i -le "$n" ]; do
	if [ $i -lt "$n" ]; then
		head -n $i "$T/note.asc" >"$T/trunc.asc"
		refused 1 "$T/trunc.asc" || echo "$i lines:$why" >>"$T/trunc.bad"
	fi
	head -n $i "$T/note.asc" | head -c -3 >"$T/trunc.asc"
	refused 1 "$T/trunc.asc" || echo "$i lines - 3 bytes:$why" >>"$T/trunc.bad"
	i=$((i + 1))
done
if [ ! -s "$T/trunc.bad" ]; then
	ok "the clear-signed message truncated at every line is refused ($n cuts)"
else
	sed 's/^/#   cut after /' "$T/trunc.bad" >&2
	not_ok "the clear-signed message truncated at every line is refused ($n cuts)"
fi
awk '/^=/ && length($0) == 5 { c = substr($0, 3, 1)
	$0 = substr($0, 1, 2) ((c == "Q") ? "R" : "Q") substr($0, 4) } { print }' \
    "$T/note.asc" >"$T/crc.asc"
if cmp -s "$T/crc.asc" "$T/note.asc"; then
	skip "no armour checksum line to change"
else
	rejects "a changed armour checksum is refused" 1 "$T/crc.asc"
fi
awk '/^-----BEGIN PGP SIGNATURE-----$/ { s = 1; print; next }
	s && length($0) > 20 && !done { c = substr($0, 10, 1)
	$0 = substr($0, 1, 9) ((c == "Q") ? "R" : "Q") substr($0, 11); done = 1 }
	{ print }' "$T/note.asc" >"$T/sigbody.asc"
rejects "a changed character in the signature is refused" 1 "$T/sigbody.asc"

# --- inline-signed messages --------------------------------------------------------------
{ cat "$T/A.inl"; echo 'P.S. pay mallory'; } >"$T/inl-after.asc"
rejects "text after an armoured signed message is refused" 1 "$T/inl-after.asc"
cat "$T/A.inl" "$T/A.inl" >"$T/inl-two.asc"
rejects "two armoured signed messages concatenated are refused" 1 "$T/inl-two.asc"
# A signed message made by gpg is one compressed packet of indeterminate
# length; gpg 2.2 stops where the deflate stream ends and ignores what
# follows.  mule-verify inflates the stream itself to find its end.
cat "$T/A.gpg" "$T/A.gpg" >"$T/gpg-two.gpg"
rejects "two binary signed messages concatenated are refused" 1 "$T/gpg-two.gpg"
{ cat "$T/A.gpg"; printf 'P.S. pay mallory\n'; } >"$T/gpg-after.gpg"
rejects "text appended to a binary signed message is refused" 1 "$T/gpg-after.gpg"
{ cat "$T/A.gpg"; printf 'pay mallory\n' | gpg --batch --store 2>/dev/null; } \
    >"$T/gpg-literal.gpg"
rejects_saying "an unsigned literal packet appended to a binary signed message is refused" 1 \
    'after the end of the signed message' "$T/gpg-literal.gpg"
n=$(wc -c <"$T/A.gpg")
head -c $((n - 7)) "$T/A.gpg" >"$T/gpg-trunc.gpg"
refused 1 "$T/gpg-trunc.gpg"
not_saying 'encrypted'
if [ -z "$why" ]; then
	ok "a truncated binary signed message is refused, and not called encrypted"
else
	failed "a truncated binary signed message is refused, and not called encrypted"
fi

# --- exactly one signed message, at every depth -------------------------------------------
# Hostile messages made from a good one: gpg signs at test time, without
# compression, and msg.py rearranges its packets (one-pass signature,
# literal, signature), compresses them as gpg does (one packet of
# indeterminate length), and appends or inserts what the test needs.
cat >"$T/msg.py" <<'PY'
import base64, sys, zlib

def split(d):
    out, i = [], 0
    while i < len(d):
        c = d[i]
        if c & 0x40:
            tag, l = c & 0x3f, d[i + 1]
            if l < 192:
                hl, n = 2, l
            elif l < 224:
                hl, n = 3, ((l - 192) << 8) + d[i + 2] + 192
            else:
                hl, n = 6, int.from_bytes(d[i + 2:i + 6], 'big')
        else:
            tag, ll = (c >> 2) & 15, [1, 2, 4][c & 3]
            hl, n = 1 + ll, int.from_bytes(d[i + 1:i + 1 + ll], 'big')
        out.append((tag, hl, d[i:i + hl + n]))
        i += hl + n
    return out

def packet(tag, body):
    assert len(body) < 192
    return bytes([0xc0 | tag, len(body)]) + body

def deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()

def compressed(inner, algo=1):
    return b'\xa3' + bytes([algo]) + deflate(inner)

def armor(b):
    crc = 0xb704ce
    for x in b:
        crc ^= x << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864cfb
    t = base64.b64encode(b).decode()
    body = '\n'.join(t[i:i + 64] for i in range(0, len(t), 64))
    crc = base64.b64encode((crc & 0xffffff).to_bytes(3, 'big')).decode()
    return ('-----BEGIN PGP MESSAGE-----\n\n%s\n=%s\n-----END PGP MESSAGE-----\n'
            % (body, crc)).encode()

mode, src, dst = sys.argv[1:4]
if mode == 'wrap':
    open(dst, 'wb').write(compressed(open(src, 'rb').read()))
    sys.exit(0)
pk = split(open(src, 'rb').read())
ops = b''.join(p for t, h, p in pk if t == 4)
lit = b''.join(p for t, h, p in pk if t == 11)
sig = b''.join(p for t, h, p in pk if t == 2)
msg = ops + lit + sig
other = packet(11, b'b\x00\x00\x00\x00\x00pay mallory\n')
private = packet(60, b'pay mallory')
out = {
    'after-private': lambda: compressed(msg) + private,
    'after-compressed': lambda: compressed(msg) + compressed(other),
    'after-literal': lambda: compressed(msg) + other,
    'inside-private': lambda: compressed(msg + private),
    'inside-bytes': lambda: compressed(msg + b'\x00pay mallory'),
    'two-literals': lambda: compressed(ops + lit + other + sig),
    'no-signature': lambda: compressed(lit),
    'count': lambda: compressed(ops + ops + lit + sig),
    'unknown-algo': lambda: compressed(msg, 5),
    'nested': lambda: compressed(compressed(msg)),
    'format-b': lambda: msg.replace(lit, lit[:[h for t, h, p in pk if t == 11][0]]
                                    + b'b' + lit[[h for t, h, p in pk if t == 11][0] + 1:]),
}[mode.replace('-armor', '')]()
open(dst, 'wb').write(armor(out) if mode.endswith('-armor') else out)
PY
gpg --batch -u "$ALICE" --compress-algo none -s -o "$T/A.plain.gpg" "$T/A" 2>/dev/null
# hostile MODE: $T/MODE.gpg made from the uncompressed message.
hostile() {
	python3 "$T/msg.py" "$1" "$T/A.plain.gpg" "$T/$1.gpg" ||
	    { echo "Bail out! msg.py $1 failed"; exit 99; }
}
hostile after-private
hostile after-compressed
hostile after-literal
hostile inside-private
hostile inside-bytes
hostile two-literals
hostile no-signature
hostile count
hostile unknown-algo
hostile nested
hostile nested-armor
hostile after-private-armor
hostile inside-bytes-armor
rejects_saying "a private-use packet after the compressed message is refused, naming it" 1 \
    'private' "$T/after-private.gpg"
rejects_saying "a second compressed packet after the message is refused" 1 \
    'compressed data packet after' "$T/after-compressed.gpg"
rejects_saying "a whole literal packet after the message is refused" 1 \
    'literal data packet after' "$T/after-literal.gpg"
rejects_saying "a private-use packet after the signature inside the compressed packet is refused" 1 \
    'private' "$T/inside-private.gpg"
rejects_saying "bytes after the signature inside the compressed packet are refused" 1 \
    'after the end of the signed message' "$T/inside-bytes.gpg"
rejects_saying "two literal packets inside are refused" 1 'second literal' \
    "$T/two-literals.gpg"
rejects_saying "a literal packet without signatures is refused" 1 'no signature' \
    "$T/no-signature.gpg"
rejects_saying "two one-pass signatures and one signature are refused" 1 \
    '2 one-pass signature packets but 1 signature' "$T/count.gpg"
rejects_saying "an unknown compression algorithm is refused" 1 'unknown algorithm 5' \
    "$T/unknown-algo.gpg"
rejects_saying "nested compression is refused (gpg would accept it)" 1 'nested compression' \
    "$T/nested.gpg"
rejects_saying "... also armoured" 1 'nested compression' "$T/nested-armor.gpg"
rejects_saying "an armoured message with a private packet appended inside the armour is refused" 1 \
    'private' "$T/after-private-armor.gpg"
rejects_saying "an armoured message with bytes after the signature inside the compressed packet is refused" 1 \
    'after the end of the signed message' "$T/inside-bytes-armor.gpg"
# A compression bomb: 64 MiB of zeros signed by gpg is about 64 KiB.
head -c 67108864 /dev/zero >"$T/zeros"
gpg --batch -u "$ALICE" -s -o "$T/bomb.gpg" "$T/zeros" 2>/dev/null
rm -f "$T/zeros"
rejects_saying "a deflate bomb over --max-size is refused" 1 'max-size' "$T/bomb.gpg" \
    --max-size 1M
: >"$T/list.bad"
for how in zlib bzip2 none; do
	for armour in '' -a; do
		gpg --batch -u "$ALICE" --compress-algo $how $armour -s \
		    -o "$T/made.gpg" "$T/A" 2>/dev/null
		mvy "$T/made.gpg" >"$T/made.out" 2>"$T/err" && cmp -s "$T/made.out" "$T/A" ||
		    echo "$how $armour: $(sed -n 1p "$T/err")" >>"$T/list.bad"
	done
done
# Signed from a pipe: a literal in partial lengths.
gpg --batch -u "$ALICE" --compress-algo none -s <"$T/A" >"$T/made.gpg" 2>/dev/null
mvy "$T/made.gpg" >"$T/made.out" 2>"$T/err" && cmp -s "$T/made.out" "$T/A" ||
    echo "from a pipe: $(sed -n 1p "$T/err")" >>"$T/list.bad"
if [ ! -s "$T/list.bad" ]; then
	ok "messages gpg makes with ZLIB, BZIP2 or no compression, armoured or not, are accepted"
else
	sed 's/^/#   /' "$T/list.bad" >&2
	not_ok "messages gpg makes with ZLIB, BZIP2 or no compression, armoured or not, are accepted"
fi

# --- text-mode signatures over inline-signed messages ---------------------------------------
# gpg drops every CR of a literal marked as text: only the raw literal
# shows a lone CR, which the text signature covers but is not released.
textsign() { gpg --batch -u "$ALICE" --textmode -s "$@" 2>/dev/null; }
printf 'pay bob\r\n10 euros\r\n' >"$T/crlf.txt"
printf 'pay bob\n10 euros\n' >"$T/lf.txt"
textsign -o "$T/crlf.gpg" "$T/crlf.txt"
if run_status 0 mule-verify --text "$T/crlf.gpg" && cmp -s "$T/out" "$T/lf.txt"; then
	ok "a text-mode signed message (format t) is released with LF line ends, with --text"
else
	not_ok "a text-mode signed message (format t) is released with LF line ends, with --text"
fi
rejects_hint "... and refused without --text, hint: --text" 1 '--text' "$T/crlf.gpg"
textsign --compress-algo none -o "$T/crlf.plain.gpg" "$T/crlf.txt"
python3 "$T/msg.py" format-b "$T/crlf.plain.gpg" "$T/crlf-b.gpg"
if run_status 0 mule-verify --text "$T/crlf-b.gpg" && cmp -s "$T/out" "$T/lf.txt"; then
	ok "a text signature over a literal marked binary: CR LF released as LF (gpg gives CR LF)"
else
	not_ok "a text signature over a literal marked binary: CR LF released as LF (gpg gives CR LF)"
fi
printf 'pay bob\r10 euros\r\n' | textsign >"$T/lonecr.gpg"
rejects_saying "a lone CR in a text-mode signed literal (format t) is refused" 1 'CR' \
    "$T/lonecr.gpg" --text
printf 'pay bob\r10 euros\r\n' | textsign --compress-algo none >"$T/lonecr.plain.gpg"
python3 "$T/msg.py" format-b "$T/lonecr.plain.gpg" "$T/lonecr-b.gpg"
rejects_saying "... also marked binary" 1 'CR' "$T/lonecr-b.gpg" --text
printf 'pay bob\0 10 euros\r\n' | textsign >"$T/nul.gpg"
rejects_saying "a NUL in a text-mode signed literal is refused" 1 'NUL' "$T/nul.gpg" --text

# --- a signature over other data, signatures in the wrong place ---------------------------
rejects_detached "a detached signature of file A over file B is refused" 1 \
    "$T/A.sig" "$T/B"
rejects_detached "... also a binary one" 1 "$T/A.bsig" "$T/B"
refused 1 "$T/A.sig"
not_saying 'text before'
if [ -z "$why" ]; then
	ok "an armoured detached signature given as the signed input is refused (not as 'text before')"
else
	failed "an armoured detached signature given as the signed input is refused (not as 'text before')"
fi
rejects "a binary detached signature given as the signed input is refused" 1 "$T/A.bsig"
refused_detached 1 "$T/note.asc" "$T/B"
not_saying 'allow-unsigned|not signed'
if [ -z "$why" ]; then
	ok "a clear-signed message given as SIGFILE is refused (not called unsigned)"
else
	failed "a clear-signed message given as SIGFILE is refused (not called unsigned)"
fi
gpg --batch -u "$ALICE" --textmode --detach-sign -o "$T/A.tsig" "$T/A" 2>/dev/null
refused_detached 1 "$T/A.tsig" "$T/A"
grep -q 'hint: .*--text' "$T/err" || why="$why no hint to --text;"
if [ -z "$why" ]; then
	ok "a text-mode detached signature (gpg --textmode) over a file is refused, hint: --text"
else
	failed "a text-mode detached signature (gpg --textmode) over a file is refused, hint: --text"
fi
if run_status 0 mule-verify --text "$T/A.tsig" "$T/A" && [ ! -s "$T/out" ]; then
	ok "... and accepted with --text"
else
	not_ok "... and accepted with --text"
fi
# A detached signature file holding a second signature, of another class,
# by a key nobody accepted: gpg checks only the first ("multiple
# signatures detected"), the second must not be let through unchecked.
foreign_key carol 'Carol <carol@example.org>' >"$T/carol.fpr"
CAROL=$(cat "$T/carol.fpr")
[ -n "$CAROL" ] || { echo "Bail out! cannot make Carol's key"; exit 99; }
GNUPGHOME="$T/carol-home" gpg --batch --textmode --detach-sign -o "$T/A.carol.tsig" \
    "$T/A" 2>/dev/null
cat "$T/A.bsig" "$T/A.carol.tsig" >"$T/A.mixed.sig"
rejects_detached "a detached signature file with a second, unchecked signature by an unknown key is refused" \
    1 "$T/A.mixed.sig" "$T/A"

# --- not a signed message ------------------------------------------------------------------
gpg --batch -r "$BOB" -e -a -o "$T/enc.asc" "$T/A" 2>/dev/null
rejects_hint "an armoured encrypted message is refused, hint: mule-open" \
    1 'mule-open' "$T/enc.asc"
mule-seal -q -r "$BOB" --binary -o "$T/enc.gpg" "$T/A"
rejects_hint "a binary encrypted (and signed) message is refused, hint: mule-open" \
    1 'mule-open' "$T/enc.gpg"
python3 "$T/msg.py" wrap "$T/enc.gpg" "$T/enc-inside.gpg"
rejects_hint "an encrypted message inside a compressed packet is refused, hint: mule-open" \
    1 'mule-open' "$T/enc-inside.gpg"
gpg --export --armor "$ALICE" >"$T/key.asc"
rejects_saying "an armoured public key given as input is refused, as a key" 1 'key' \
    "$T/key.asc"
gpg --batch --export-secret-keys --armor "$ALICE" >"$T/seckey.asc"
rejects_saying "an armoured secret key given as input is refused, as a key" 1 'key' \
    "$T/seckey.asc"
gpg --export "$ALICE" >"$T/key.gpg"
rejects_saying "a binary public key given as input is refused, as a key" 1 'key' \
    "$T/key.gpg"
printf 'pay mallory\n' | gpg --batch --store -o "$T/literal.gpg" 2>/dev/null
refused 1 "$T/literal.gpg"
not_saying 'allow-unsigned'
if [ -z "$why" ]; then
	ok "an unsigned literal message is refused (no hint to a missing option)"
else
	failed "an unsigned literal message is refused (no hint to a missing option)"
fi
printf 'this is not a signed message\nat all\n' >"$T/text"
rejects "plain text is refused" 1 "$T/text"
: >"$T/list.bad"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	head -c 3000 /dev/urandom >"$T/garbage"
	refused 1 "$T/garbage" ||
	    echo "$(od -An -tx1 -N8 "$T/garbage"):$why $(sed -n 1p "$T/err")" >>"$T/list.bad"
done
if [ ! -s "$T/list.bad" ]; then
	ok "random bytes are refused (20 inputs)"
else
	sed 's/^/#   starting /' "$T/list.bad" >&2
	not_ok "random bytes are refused (20 inputs)"
fi
# Packet headers a signed message may start with (compressed, also with
# an unknown algorithm, one-pass signature, literal data, signature; old
# and new formats), then noise.
: >"$T/list.bad"
for hdr in '\243\001' '\243\002' '\243\377' '\310\034\377' \
    '\310\377\000\000\017\240\001' '\220\015\003' \
    '\304\015\003\000\010\026' '\313\377\000\000\017\240' '\254\377' '\211\001\000' \
    '\302\377\000\000\017\240\004'; do
	{ printf "$hdr"; head -c 3000 /dev/urandom; } >"$T/noise"
	refused 1 "$T/noise" ||
	    printf '%s:%s %s\n' "$hdr" "$why" "$(sed -n 1p "$T/err")" >>"$T/list.bad"
done
if [ ! -s "$T/list.bad" ]; then
	ok "signed-message packet headers followed by random bytes are refused (11 inputs)"
else
	sed 's/^/#   header /' "$T/list.bad" >&2
	not_ok "signed-message packet headers followed by random bytes are refused (11 inputs)"
fi
# The same as SIGFILE, over a file.
: >"$T/list.bad"
for kind in random text key compressed; do
	case $kind in
	random) head -c 3000 /dev/urandom ;;
	text) printf 'this is not a signature\n' ;;
	key) cat "$T/key.gpg" ;;
	compressed) printf '\243\377'; head -c 3000 /dev/urandom ;;
	esac >"$T/notsig"
	refused_detached 1 "$T/notsig" "$T/A"
	not_saying 'encrypted'
	[ -z "$why" ] || echo "$kind:$why $(sed -n 1p "$T/err")" >>"$T/list.bad"
done
if [ ! -s "$T/list.bad" ]; then
	ok "a SIGFILE that is no signature (noise, text, a key, bad compression) is refused, not called encrypted"
else
	sed 's/^/#   /' "$T/list.bad" >&2
	not_ok "a SIGFILE that is no signature (noise, text, a key, bad compression) is refused, not called encrypted"
fi
: >"$T/empty"
rejects "empty input is refused" 1 "$T/empty"
expect_fail "an empty SIGFILE is refused (exit 1)" 1 mule-verify "$T/empty" "$T/A"

# --- the signer policy ----------------------------------------------------------------------
printf 'from carol\n' >"$T/c.txt"
GNUPGHOME="$T/carol-home" mule-sign -q -o "$T/c.asc" "$T/c.txt"
GNUPGHOME="$T/carol-home" mule-sign -q --detach -o "$T/c.sig" "$T/A"
keyring >"$T/keyring.before"
rejects_saying "an unknown signer is refused, naming the key" 1 "$CAROL" "$T/c.asc"
rejects_detached "... also for a detached signature" 1 "$T/c.sig" "$T/A"
if run_status 0 mule-verify --signer-file "$T/carol.asc" "$T/c.asc" \
    && [ "$(cat "$T/out")" = 'from carol' ] \
    && grep -q "good signature from \"Carol <carol@example.org>\" $CAROL," "$T/err" \
    && run_status 0 mule-verify --signer-file "$T/carol.asc" "$T/c.sig" "$T/A"; then
	ok "--signer-file carol.asc accepts Carol's signatures"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "--signer-file carol.asc accepts Carol's signatures"
fi
keyring >"$T/keyring.after"
check "... and imports nothing into the keyring, leaves no temporary home" \
    sh -c 'cmp -s "$1/keyring.before" "$1/keyring.after" && [ -z "$(ls -A "$1/tmp")" ]' - "$T"
rejects "--signer-file alice.asc refuses Carol's message" 1 "$T/c.asc" \
    --signer-file "$T/alice.asc"
gpg --batch --import "$T/carol.asc" >/dev/null 2>&1
rejects_saying "an uncertified signer (imported, not certified) is refused, naming it" \
    1 "$CAROL" "$T/c.asc"
refused_detached 1 "$T/c.sig" "$T/A"
grep -q "error: .*$CAROL" "$T/err" || why="$why the fingerprint is not named;"
grep -q 'hint: ' "$T/err" || why="$why no hint;"
if [ -z "$why" ]; then
	ok "... also for a detached signature, with a hint"
else
	failed "... also for a detached signature, with a hint"
fi
if run_status 0 mule-verify --signer "$CAROL" "$T/c.asc" \
    && [ "$(cat "$T/out")" = 'from carol' ] \
    && run_status 0 mule-verify --signer "$CAROL" "$T/c.sig" "$T/A"; then
	ok "pinned with --signer CAROL-FPR, it is accepted"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "pinned with --signer CAROL-FPR, it is accepted"
fi
rejects_saying "a signer not among --signer is refused" 1 'not among' "$T/c.asc" \
    --signer "$ALICE"
rejects_detached "... also for a detached signature" 1 "$T/c.sig" "$T/A" --signer "$ALICE"
rejects "Alice's message is refused with --signer CAROL-FPR" 1 "$T/note.asc" \
    --signer "$CAROL"
# Alice and Carol both in one signature file (one class): Carol is not
# certified.
mule-sign -q --detach --binary -o "$T/A.alice.sig" "$T/A"
GNUPGHOME="$T/carol-home" mule-sign -q --detach --binary -o "$T/A.carol.sig" "$T/A"
cat "$T/A.alice.sig" "$T/A.carol.sig" >"$T/A.both.sig"
rejects_detached "Alice's and uncertified Carol's signatures together are refused" 1 \
    "$T/A.both.sig" "$T/A"

gpg --batch -u "$ALICE" --digest-algo SHA1 --clearsign -o "$T/sha1.asc" "$T/note.txt" \
    2>/dev/null
rejects_saying "a SHA-1 clear signature is refused" 1 'SHA1|SHA-1' "$T/sha1.asc"
gpg --batch -u "$ALICE" --digest-algo SHA1 --detach-sign -o "$T/sha1.sig" "$T/A" \
    2>/dev/null
rejects_detached "a SHA-1 detached signature is refused" 1 "$T/sha1.sig" "$T/A"

# From the future: Alice's key used in a separate home whose clock says
# 2030, and a key made there and then.
new_home "$T/future-home"
gpg --batch --export-secret-keys "$ALICE" >"$T/alice-sec.gpg"
at "$T/future-home" 20300101T000000 --import "$T/alice-sec.gpg" >/dev/null 2>&1
echo 'signed in 2030' | at "$T/future-home" 20300101T000000 -u "$ALICE" \
    --clearsign >"$T/future.asc" 2>/dev/null
rejects_hint "a signature made in the future is refused, hint: clock" 1 clock \
    "$T/future.asc"
echo 'signed in 2030' >"$T/f2030"
at "$T/future-home" 20300101T000000 -u "$ALICE" --detach-sign -o "$T/future.sig" \
    "$T/f2030" 2>/dev/null
refused_detached 1 "$T/future.sig" "$T/f2030"
grep -qi 'hint: .*clock' "$T/err" || why="$why no hint about the clock;"
if [ -z "$why" ]; then
	ok "... also a detached one"
else
	failed "... also a detached one"
fi
at "$T/future-home" 20300101T000000 --quick-gen-key 'Future <future@example.org>' \
    future-default default never >/dev/null 2>&1
FUTURE=$(at "$T/future-home" 20300101T000000 --with-colons --list-keys \
    future@example.org 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
echo 'a key from 2030' | at "$T/future-home" 20300101T000000 --trust-model always \
    -u "$FUTURE" --clearsign >"$T/futurekey.asc" 2>/dev/null
at "$T/future-home" 20300101T000000 --export --armor "$FUTURE" >"$T/future.key" 2>/dev/null
gpg --batch --ignore-time-conflict --import "$T/future.key" >/dev/null 2>&1
rejects_hint "a key and signature from the future (pinned) are refused, hint: clock" \
    1 clock "$T/futurekey.asc" --signer "$FUTURE"

# Revoked: Rev signs while the key is good; then the revocation arrives.
REV=$(gen_key "$GNUPGHOME" 'Rev <rev@example.org>')
mule-sign -q -u "$REV" -o "$T/rev.asc" "$T/note.txt"
mule-sign -q -u "$REV" --detach -o "$T/rev.sig" "$T/A"
good "$T/rev.asc" "$T/note.txt"
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$REV.rev" >"$T/rev.rev"
gpg --batch --import "$T/rev.rev" >/dev/null 2>&1
rejects_saying "a revoked signer is refused, saying so" 1 'revoked' "$T/rev.asc"
rejects_detached "... also a detached signature" 1 "$T/rev.sig" "$T/A"
rejects "... even with --signer REV-FPR" 1 "$T/rev.asc" --signer "$REV"

done_testing
