#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-qr decode refuses hostile UR parts made by hand (tests/qr-craft.py,
# not our encoder): each refusal is exit 1 (2 where the input is only
# incomplete), nothing on standard output, one error line, and no -o
# file or temporary left.  What is refused: a part that contradicts the
# first one (same checksum, other lengths), sequence 0, a path that is
# not the CBOR's, CBOR that is not canonical, a fragment length that does
# not fit, len over 10,000 and a message over --max-size (refused before
# anything is sampled), a bad bytewords checksum or word, a whole message
# whose CRC-32 or CBOR is wrong, another UR type, a malformed single part.
# Controls: what each hostile part is made from is accepted, so that no
# refusal is an accident of the crafting; any case is accepted.  Parts of
# a second message are skipped and counted, and the output is exactly
# the first message.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/qr-lib.sh"

P="$T/p" C="$T/c"
mkdir -p "$P" "$C"
bytes 98 1 "$P/m"		# the message: 100 bytes of CBOR, 10 parts of 10
bytes 98 2 "$P/other"		# another message, as long
bytes 1000 3 "$P/k1000"
bytes 1006 4 "$P/k1006"
bytes 400 5 "$P/s"		# a single part

# Every crafted input in one run of qr-craft.py (OUT COMMAND ARG...).
craft <<EOF
$C/m.txt message $P/m frag=10
$C/lower.txt message $P/m frag=10 case=lower
$C/mixed.txt message $P/m frag=10 case=mixed
$C/other.txt message $P/other frag=10
$C/single.txt message $P/s single=1 frag=1000
$C/single-lower.txt message $P/s single=1 frag=1000 case=lower

# same checksum, other lengths: after parts 1-5, and alone (control)
$C/len.txt message $P/m frag=10 seqs=1,2,3,4,5
$C/len.txt part 6 20 100 @$P/m zeros:5
$C/len-alone.txt part 6 20 100 @$P/m zeros:5
$C/msglen.txt message $P/m frag=10 seqs=1,2,3,4,5
$C/msglen.txt part 6 10 99 @$P/m zeros:10
$C/msglen-alone.txt part 6 10 99 @$P/m zeros:10

$C/seq0-path.txt part 0 10 100 @$P/m zeros:10
$C/seq0-cbor.txt part 0 10 100 @$P/m zeros:10 path=1-10
$C/path-seq.txt part 2 10 100 @$P/m zeros:10 path=3-10
$C/path-len.txt part 1 10 100 @$P/m zeros:10 path=1-11

$C/wide-array.txt part 1 10 100 @$P/m zeros:10 wide=array
$C/wide-seq.txt part 1 10 100 @$P/m zeros:10 wide=seq
$C/wide-len.txt part 1 10 100 @$P/m zeros:10 wide=len
$C/wide-msglen.txt part 1 10 100 @$P/m zeros:10 wide=msglen
$C/wide-crc.txt part 1 10 100 @$P/m zeros:10 wide=crc
$C/wide-data.txt part 1 10 100 @$P/m zeros:10 wide=data
$C/indef-array.txt part 1 10 100 @$P/m zeros:10 indef=array
$C/indef-data.txt part 1 10 100 @$P/m zeros:10 indef=data
$C/trailing.txt part 1 10 100 @$P/m zeros:10 trail=00
$C/items4.txt part 1 10 100 @$P/m zeros:10 items=4
$C/items6.txt part 1 10 100 @$P/m zeros:10 items=6
$C/negative.txt part 1 10 100 @$P/m zeros:10 neg=1
$C/canonical.txt part 1 10 100 @$P/m zeros:10

$C/frag9.txt part 1 10 100 @$P/m zeros:9
$C/frag11.txt part 1 10 100 @$P/m zeros:11
$C/frag-count.txt part 1 4 9 @$P/m zeros:3
$C/empty-message.txt part 1 1 0 @$P/m zeros:0
$C/len10001.txt part 1 10001 10001 @$P/m zeros:1
$C/len-max.txt part 1 4294967295 4294967295 @$P/m zeros:1
$C/len10000.txt part 1 10000 10000 @$P/m zeros:1

$C/bwcrc.txt part 1 10 100 @$P/m zeros:10 bwcrc=bad
$C/word.txt part 1 10 100 @$P/m zeros:10 word=1
$C/crc.txt message $P/m frag=10 crc=12345678
$C/cbor-text.txt message $P/m frag=10 cbor=text
$C/cbor-array.txt message $P/m frag=10 cbor=array
$C/cbor-wide.txt message $P/m frag=10 cbor=wide
$C/cbor-indef.txt message $P/m frag=10 cbor=indef
$C/cbor-trailing.txt message $P/m frag=10 cbor=trail
$C/single-text.txt message $P/s single=1 cbor=text
$C/single-trailing.txt message $P/s single=1 cbor=trail

$C/type.txt message $P/m frag=10 type=crypto-seed seqs=1
$C/type-bytesx.txt message $P/m frag=10 type=bytesx seqs=1
$C/type-byte.txt message $P/m frag=10 type=byte seqs=1
$C/type-single.txt message $P/s single=1 type=crypto-psbt

# a forged copy of part 1 (other data, same header) before the real ones
$C/forged.txt part 1 10 100 @$P/m zeros:10
$C/forged.txt message $P/m frag=10
# a forged fountain part (seq 11 of 10) before the real ones
$C/forged-mix.txt part 11 10 100 @$P/m 0102030405060708090a
$C/forged-mix.txt message $P/m frag=10
# a malformed part of another message
$C/other-bad.txt message $P/m frag=10 seqs=1
$C/other-bad.txt part 1 10001 10001 12345678 zeros:1
# one part of another message first, then all of ours
$C/other-first.txt message $P/other frag=10 seqs=1
$C/other-first.txt message $P/m frag=10

# --max-size: the default (1 MiB: 1,048,581 bytes of CBOR), and 1000
# (1,003); a message of 1,009 bytes is a payload of 1,006
$C/max-default.txt part 1 525 1048582 @$P/m zeros:1998
$C/max-default-ok.txt part 1 525 1048581 @$P/m zeros:1998
$C/max-1000.txt part 1 201 1004 @$P/m zeros:5
$C/max-1000-ok.txt part 1 201 1003 @$P/m zeros:5
$C/k1000.txt message $P/k1000
$C/k1006.txt message $P/k1006
EOF

# --- controls ------------------------------------------------------------------
# decodes FILE PAYLOAD DESC [ARGS]: decode --text gives exactly PAYLOAD.
decodes() {
	dc_in=$1 dc_want=$2 dc_desc=$3
	shift 3
	why=""
	run_status 0 mule-qr decode --text "$@" <"$dc_in" || why=" exit status;"
	cmp -s "$T/out" "$dc_want" || why="$why output differs;"
	verdict "$dc_desc"
}
decodes "$C/m.txt" "$P/m" "control: the crafted message decodes"
decodes "$C/lower.txt" "$P/m" "lower case is accepted"
decodes "$C/mixed.txt" "$P/m" "mixed case is accepted"
decodes "$C/single.txt" "$P/s" "control: the crafted single part decodes"
decodes "$C/single-lower.txt" "$P/s" "... also in lower case"
qr_refused "control: a part of other lengths alone is only incomplete" 2 \
    "$C/len-alone.txt" --text
qr_refused "control: a part of another message length alone is only incomplete" 2 \
    "$C/msglen-alone.txt" --text
qr_refused "control: the canonical part alone is only incomplete" 2 \
    "$C/canonical.txt" --text
qr_refused "control: len 10000 is only incomplete" 2 "$C/len10000.txt" --text

# --- a part that contradicts the first ---------------------------------------------
qr_refused "same checksum, another len" 1 "$C/len.txt" --text
check "... saying what the first part said" grep -q 'where the first part said 10' "$T/err"
qr_refused "same checksum, another message length" 1 "$C/msglen.txt" --text

# --- the part itself ---------------------------------------------------------------
qr_refused "seq 0 in the path" 1 "$C/seq0-path.txt" --text
qr_refused "seq 0 in the CBOR (path 1-10)" 1 "$C/seq0-cbor.txt" --text
qr_refused "the CBOR's seq is not the path's" 1 "$C/path-seq.txt" --text
qr_refused "the CBOR's len is not the path's" 1 "$C/path-len.txt" --text
for f in wide-array wide-seq wide-len wide-msglen wide-crc wide-data \
    indef-array indef-data trailing items4 items6 negative; do
	qr_refused "non-canonical CBOR part: $f" 1 "$C/$f.txt" --text
done
qr_refused "a fragment of 9 bytes for 100 in 10" 1 "$C/frag9.txt" --text
qr_refused "a fragment of 11 bytes for 100 in 10" 1 "$C/frag11.txt" --text
qr_refused "fragments of 3 bytes that make 3 parts of 9, not 4" 1 \
    "$C/frag-count.txt" --text
qr_refused "a message of 0 bytes" 1 "$C/empty-message.txt" --text
qr_refused "len 10001" 1 "$C/len10001.txt" --text
# Refused before anything is sampled: a chooser for 2^32 - 1 fragments
# would take minutes and gigabytes (a loose bound, not a timing test).
why=""
timeout 10 mule-qr decode --text <"$C/len-max.txt" >"$T/out" 2>"$T/err"
got=$?
[ "$got" -eq 1 ] || why=" exit $got;"
verdict "len 2^32 - 1 is refused at once (within 10 s)"
qr_refused "a bad bytewords checksum" 1 "$C/bwcrc.txt" --text
qr_refused "a letter pair that is no byteword" 1 "$C/word.txt" --text

# --- the whole message -------------------------------------------------------------
qr_refused "consistent parts whose message has another CRC-32" 1 "$C/crc.txt" --text
check "... saying so" grep -q "CRC-32 is not 12345678" "$T/err"
for f in text array wide indef trailing; do
	qr_refused "a message that is no canonical byte string: $f" 1 \
	    "$C/cbor-$f.txt" --text
done
qr_refused "a single part that is a text string" 1 "$C/single-text.txt" --text
qr_refused "a single part with a byte after the byte string" 1 \
    "$C/single-trailing.txt" --text

# --- sizes -------------------------------------------------------------------------
qr_refused "a message over the default --max-size (1 MiB)" 1 "$C/max-default.txt" --text
check "... with a hint to --max-size" grep -q 'hint: .*--max-size' "$T/err"
qr_refused "control: a message of 1 MiB alone is only incomplete" 2 \
    "$C/max-default-ok.txt" --text
qr_refused "a message over --max-size 1000" 1 "$C/max-1000.txt" --text --max-size 1000
qr_refused "control: the longest message for --max-size 1000 is only incomplete" 2 \
    "$C/max-1000-ok.txt" --text --max-size 1000
decodes "$C/k1000.txt" "$P/k1000" "a payload of exactly --max-size decodes" --max-size 1000
# Regression: the limit was --max-size + 9 bytes of CBOR; a payload of
# 1,006 bytes (3 bytes of head) fitted 1,009 and came out.
qr_refused "a payload 6 bytes over --max-size is refused" 1 "$C/k1006.txt" \
    --text --max-size 1000
run_status 2 mule-qr decode --text --max-size 0 <"$C/m.txt"
check "--max-size 0 is a usage error" one_error_of mule-qr "$T/err"

# Regression: lines of 16,385 and 16,386 bytes were taken as lines (and
# skipped as foreign), not refused as over 16 KiB.
for n in 16384 16385 16386; do
	head -c $n /dev/zero | tr '\0' A >"$T/line-$n.txt"
done
printf '\r\nA\n' >>"$T/line-16384.txt"
echo >>"$T/line-16385.txt"
echo >>"$T/line-16386.txt"
run_status 2 mule-qr decode --text <"$T/line-16384.txt"
check "control: a line of 16 KiB (and a CR) is read: only incomplete" \
    grep -q 'no part of a message in 2 codes' "$T/err"
qr_refused "a line of 16 KiB + 1 byte is refused" 1 "$T/line-16385.txt" --text
qr_refused "a line of 16 KiB + 2 bytes is refused" 1 "$T/line-16386.txt" --text

# Regression: the name of an image that could not be opened (a dangling
# link, a directory named *.png) reached the terminal as it was: names
# read from a directory are anyone's.
mkdir "$T/names"
esc=$(printf '\033') bel=$(printf '\007')
ln -s "$T/nowhere" "$T/names/a${esc}]0;owned${bel}.png"
qr_refused "an image that cannot be opened: its name escaped" 2 /dev/null "$T/names"
no_esc() { ! grep -q "$esc" "$1"; }
check "... no escape character on stderr" no_esc "$T/err"
rm "$T/names"/*
mkdir "$T/names/b
x.png"
qr_refused "a directory named *.png: its name escaped" 2 /dev/null "$T/names"

# --- images ------------------------------------------------------------------------
# Regression: libpng printed its own "libpng error: ..." (and warnings)
# on stderr, before our error line.
mule-qr encode -q -o "$T/frame" "$P/s"
head -c 300 "$T/frame/0001.png" >"$T/cut.png"
qr_refused "a PNG cut short: one error line, no libpng message" 1 /dev/null \
    "$T/cut.png"
check "... saying it is damaged" grep -q 'cut.png: damaged PNG image' "$T/err"
# The frame with a broken iCCP chunk after its header: libpng warns.
"$PYTHON" - "$T/frame/0001.png" "$T/warn.png" <<'PY'
import struct, sys, zlib
png = open(sys.argv[1], 'rb').read()
body = b'x\0\0' + zlib.compress(b'junk')
chunk = (struct.pack('>I', len(body)) + b'iCCP' + body
         + struct.pack('>I', zlib.crc32(b'iCCP' + body)))
open(sys.argv[2], 'wb').write(png[:33] + chunk + png[33:])
PY
why=""
run_status 0 mule-qr decode -q "$T/warn.png" || why=" exit status;"
cmp -s "$T/out" "$P/s" || why="$why output differs;"
[ -s "$T/err" ] && why="$why something on stderr;"
verdict "a PNG that draws a libpng warning decodes, nothing on stderr"
# Regression: each scan of a progressive JPEG goes over every block, so
# scans of a few bytes each made hours of work of a 64-megapixel image.
# jpeg SCANS FILE: a grey progressive JPEG of 64x64 pixels of SCANS AC
# scans (each one run of empty blocks).
jpeg() {
	"$PYTHON" - "$@" <<'PY'
import struct, sys
def seg(m, d):
    return b'\xff' + bytes([m]) + struct.pack('>H', len(d) + 2) + d
# the symbol EOB6 (code 0), 6 bits 0: a run of 64 empty blocks; padding
scan = seg(0xda, b'\x01\x01\x00\x01\x3f\x00') + b'\x01'
open(sys.argv[2], 'wb').write(b'\xff\xd8' + seg(0xdb, b'\x00' + b'\x01' * 64)
    + seg(0xc2, struct.pack('>BHHB', 8, 64, 64, 1) + b'\x01\x11\x00')
    + seg(0xc4, b'\x10' + bytes([1] + [0] * 15) + b'\x60')
    + scan * int(sys.argv[1]) + b'\xff\xd9')
PY
}
jpeg 100 "$T/scans100.jpg"
jpeg 101 "$T/scans101.jpg"
qr_refused "control: a JPEG of 100 scans is read (no code: incomplete)" 2 \
    /dev/null "$T/scans100.jpg"
qr_refused "a JPEG of 101 scans is refused" 1 /dev/null "$T/scans101.jpg"
check "... saying so" grep -q 'more than 100 scans' "$T/err"

# --- other types, malformed lines ------------------------------------------------
qr_refused "a UR of another type" 1 "$C/type.txt" --text
qr_refused "type bytesx" 1 "$C/type-bytesx.txt" --text
qr_refused "type byte" 1 "$C/type-byte.txt" --text
qr_refused "a single part of another type" 1 "$C/type-single.txt" --text

S=$(cat "$C/single.txt")
B=${S#UR:BYTES/}
M1=$(sed -n 1p "$C/m.txt")
MB=${M1#UR:BYTES/1-10/}
n=0
for bad in "${S}A" "${S}AE" "${S}1A" "UR:BYTES/" "UR:BYTES/AE" \
    "UR:BYTES/AEADAOAXAA" "${S}/" "UR:BYTES/${B%??????????}" \
    "UR:BYTES/AB${B#??}" "UR:BYTES/$(printf '%s' "$B" | cut -c1-20) $(printf '%s' "$B" | cut -c21-)" \
    "UR:BYTES/1-/$MB" "UR:BYTES/-10/$MB" "UR:BYTES/01-10/$MB" \
    "UR:BYTES/1-010/$MB" "UR:BYTES/4294967297-10/$MB" "UR:BYTES/1-10-3/$MB" \
    "UR:BYTES/+1-10/$MB" "UR:BYTES/1_10/$MB" "UR:BYTES/1-10//$MB" \
    "UR:BYTES/1-10/${MB}AE" "UR:/1-10/$MB" "UR:BYTES"; do
	n=$((n + 1))
	printf '%s\n' "$bad" >"$T/junk-$n.txt"
	qr_refused "a malformed part ($n: $(printf '%s' "$bad" | cut -c1-24)...)" 1 \
	    "$T/junk-$n.txt" --text
done

# --- an attacker's parts among the sender's ---------------------------------------
qr_refused "a forged copy of part 1 before the real one: the CRC-32 catches it" 1 \
    "$C/forged.txt" --text
why=""
mule-qr decode --text <"$C/forged-mix.txt" >"$T/out" 2>"$T/err"
got=$?
case $got in
0) cmp -s "$T/out" "$P/m" || why=" exit 0 with other bytes;" ;;
1) [ -s "$T/out" ] && why=" exit 1 with output;" ;;
*) why=" exit $got;" ;;
esac
verdict "a forged fountain part first: the sender's bytes or a refusal, nothing else"
qr_refused "a malformed part of another message is refused" 1 "$C/other-bad.txt" --text

# --- a second message mixed in ------------------------------------------------------
paste -d '\n' "$C/m.txt" "$C/other.txt" | grep . >"$T/two.txt"
run_status 0 mule-qr decode --text <"$T/two.txt"
why=""
cmp -s "$T/out" "$P/m" || why=" output is not exactly the first message;"
grep -q 'warning: skipped 9 parts of another message' "$T/err" ||
    why="$why not 9 parts of the other counted;"
verdict "a second message mixed in: skipped, counted, the first decodes"
{ cat "$C/m.txt"; echo 'UR:BYTES/0-0/XX'; } >"$T/after.txt"
qr_refused "one part of another message first: ours is the other message" 2 \
    "$C/other-first.txt" --text
check "... and the error says how many of it were skipped" \
    grep -q '10 parts of another message skipped' "$T/err"
{ echo 'https://example.org/'; sed -n 1p "$C/m.txt"; } >"$T/foreign.txt"
qr_refused "incomplete after a foreign line: the error is still the one line" 2 \
    "$T/foreign.txt" --text
run_status 0 mule-qr decode --text <"$T/after.txt"
check "reading stops once complete: a bad line after the message is not read" \
    cmp -s "$T/out" "$P/m"
# Regression: text run together was cut wherever "ur:" came, so another
# program's "Opening hour: 9" became a UR of another type, refused (exit
# 1); in an image the same code is skipped.
for run in lines together; do
	why=""
	if [ $run = lines ]; then
		{ echo 'Opening hour: 9'; cat "$C/m.txt"; } >"$T/hour.txt"
	else
		{ printf 'Opening hour: 9'; tr -d '\n' <"$C/m.txt"; } >"$T/hour.txt"
	fi
	run_status 0 mule-qr decode --text <"$T/hour.txt" || why=" exit status;"
	cmp -s "$T/out" "$P/m" || why="$why output differs;"
	grep -q 'skipped 1 QR code that holds no UR' "$T/err" ||
	    why="$why the foreign line not counted;"
	verdict "a foreign line with \"ur:\" in it is skipped ($run)"
done

# --- armour ------------------------------------------------------------------------------
"$PYTHON" "$srcdir/tests/key-craft.py" armor "$P/m" MESSAGE bad >"$T/bad.asc"
refused_by mule-qr 1 "$T/bad.asc" encode --text
check "encode refuses armour whose checksum is wrong" [ -z "$why" ]

done_testing
