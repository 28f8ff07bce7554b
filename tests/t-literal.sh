#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Only the bytes a signature covers are released.  The literal data
# packet's header (format byte, file name, date) is not signed: flipping a
# binary-signed literal's format from 'b' to 't' or 'u' makes gpg drop
# every CR on output and still say "good signature".  A binary signature
# therefore counts only over a 'b' literal, and a text-mode signature only
# with --text (or in clear-signed text), in mule-verify, in mule-open
# (also when someone else wrapped the signed message in their own
# encryption to us), in mule-bundle and in mule-stick.
. "$srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "1..0 # SKIP python3 not found"; exit 0; }
setup_keys
printf 'line one\r\nline two\r\n' >"$T/crlf.bin"

# setfmt IN OUT FORMAT: IN, an uncompressed signed message, with the
# format byte of its literal packet set to FORMAT.
setfmt() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
src, out, fmt = sys.argv[1:4]
d = bytearray(open(src, "rb").read())
i = 0
while i < len(d):
    ctb = d[i]
    if ctb & 0x40:                       # new format
        tag, l0 = ctb & 0x3f, d[i + 1]
        if l0 < 192: hl, n = 2, l0
        elif l0 < 224: hl, n = 3, ((l0 - 192) << 8) + d[i + 2] + 192
        else: hl, n = 6, int.from_bytes(d[i + 2:i + 6], "big")
    else:                                # old format
        tag, lt = (ctb >> 2) & 0xf, ctb & 3
        hl = {0: 2, 1: 3, 2: 5}[lt]
        n = int.from_bytes(d[i + 1:i + hl], "big")
    if tag == 11:
        d[i + hl] = ord(fmt)
        open(out, "wb").write(d)
        sys.exit(0)
    i += hl + n
sys.exit("no literal packet")
EOF
}

# A binary signature, uncompressed so the literal can be reached.
gpg --batch -q -z 0 -u "$ALICE" -s -o "$T/b.gpg" "$T/crlf.bin"
setfmt "$T/b.gpg" "$T/t.gpg" t
setfmt "$T/b.gpg" "$T/u.gpg" u
run_status 0 mule-verify "$T/b.gpg" && cmp -s "$T/out" "$T/crlf.bin"
check "control: the binary-signed message verifies, CR LF kept" [ $? -eq 0 ]
for f in t u; do
	expect_fail "mule-verify: a binary signature over a literal flipped to '$f': exit 1, nothing released" 1 \
	    mule-verify "$T/$f.gpg"
	check "... the error says the format byte was changed" \
	    grep -q "over data marked as text" "$T/err"
done
gpg --batch -q --enarmor <"$T/t.gpg" | sed 's/ARMORED FILE/MESSAGE/' >"$T/t.asc"
expect_fail "mule-verify: the same, armoured: exit 1" 1 mule-verify "$T/t.asc"
check "... for the same reason" grep -q "over data marked as text" "$T/err"

# Someone with Bob's public key wraps the flipped signed message in their
# own encryption: gpg -e, no signature of theirs.
# gpg -e would wrap the file as a literal of its own: the packets are put
# inside the encryption with nest-sed.py instead.
if command -v openssl >/dev/null 2>&1; then
	echo x | mule-seal -u "$ALICE" -r "$BOB" --binary -o "$T/outer.gpg"
	sk=$(gpg --batch --show-session-key -d -o /dev/null "$T/outer.gpg" 2>&1 |
	    sed -n 's/.*session key: .\([0-9]*:[0-9A-F]*\).*/\1/p')
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-b.gpg" "$T/b.gpg"
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-t.gpg" "$T/t.gpg"
	run_status 0 mule-open "$T/wrap-b.gpg" && cmp -s "$T/out" "$T/crlf.bin"
	check "control: mule-open opens the wrapped binary-signed message, CR LF kept" [ $? -eq 0 ]
	if refused_by mule-open 1 "$T/wrap-t.gpg"; then
		ok "mule-open: a wrapped binary signature over a literal flipped to 't': exit 1, nothing released"
	else failed "mule-open: a wrapped binary signature over a literal flipped to 't': exit 1, nothing released"; fi
	gpg --batch -q -z 0 -u "$ALICE" --textmode -s -o "$T/ts.gpg" "$T/crlf.bin"
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-ts.gpg" "$T/ts.gpg"
	if refused_by mule-open 1 "$T/wrap-ts.gpg"; then
		ok "mule-open: a text-mode signature without --text: exit 1, nothing released"
	else failed "mule-open: a text-mode signature without --text: exit 1, nothing released"; fi
	check "... the hint names --text" grep -q "use --text" "$T/err"
	run_status 0 mule-open --text "$T/wrap-ts.gpg" &&
	    [ "$(cat "$T/out")" = "$(printf 'line one\nline two')" ] &&
	    ! grep -q "$(printf '\r')" "$T/out"
	check "mule-open --text: released with LF line ends" [ $? -eq 0 ]
	# The grammar holds inside the encryption too.
	printf '\313\016b\000\000\000\000\000appended' >"$T/extra.pkt"
	cat "$T/b.gpg" "$T/extra.pkt" >"$T/b-plus.gpg"
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-plus.gpg" "$T/b-plus.gpg"
	if refused_by mule-open 1 "$T/wrap-plus.gpg"; then
		ok "mule-open: a literal appended to the signed message inside the encryption: exit 1"
	else failed "mule-open: a literal appended to the signed message inside the encryption: exit 1"; fi
	printf 'one\rtwo\n' >"$T/lonecr.txt"
	gpg --batch -q -z 0 -u "$ALICE" --textmode -s -o "$T/lcr.gpg" "$T/lonecr.txt"
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-lcr.gpg" "$T/lcr.gpg"
	if refused_by mule-open 1 "$T/wrap-lcr.gpg" --text; then
		ok "mule-open --text: a CR that ends no line: exit 1 (gpg would drop it)"
	else failed "mule-open --text: a CR that ends no line: exit 1 (gpg would drop it)"; fi
	setfmt "$T/ts.gpg" "$T/tsb.gpg" b
	python3 "$srcdir/tests/vectors/nest-sed.py" "$T/outer.gpg" "$sk" \
	    "$T/wrap-tsb.gpg" "$T/tsb.gpg"
	run_status 0 mule-open --text "$T/wrap-tsb.gpg" &&
	    [ "$(cat "$T/out")" = "$(printf 'line one\nline two')" ] &&
	    ! grep -q "$(printf '\r')" "$T/out"
	check "mule-open --text: a text signature over a literal marked 'b': LF line ends" [ $? -eq 0 ]
else
	for i in 1 2 3 4 5 6 7 8; do skip "no openssl to build the wrapped messages"; done
fi

# Text-mode signatures in mule-verify: inline and detached.
gpg --batch -q -u "$ALICE" --textmode -s -o "$T/ti.gpg" "$T/crlf.bin"
expect_fail "mule-verify: an inline text-mode signature without --text: exit 1" 1 \
    mule-verify "$T/ti.gpg"
run_status 0 mule-verify --text "$T/ti.gpg" &&
    [ "$(cat "$T/out")" = "$(printf 'line one\nline two')" ]
check "mule-verify --text: accepted, LF line ends" [ $? -eq 0 ]

# A bundle: tar | gpg --textmode -se is refused (no --text in mule-bundle).
mkdir -p "$T/tree" && echo data >"$T/tree/f"
tar -C "$T" -cf "$T/tree.tar" tree
gpg --batch -q --trust-model always -u "$ALICE" -r "$BOB" --textmode -se \
    -o "$T/tb.gpg" "$T/tree.tar" 2>/dev/null
mkdir "$T/x"
expect_fail "mule-bundle -x: a text-mode signature: exit 1" 1 \
    mule-bundle -x -C "$T/x" "$T/tb.gpg"
check "... nothing extracted" [ -z "$(ls -A "$T/x")" ]
gpg --batch -q --trust-model always -u "$ALICE" -r "$BOB" -se \
    -o "$T/bb.gpg" "$T/tree.tar" 2>/dev/null
run_status 0 mule-bundle -x -C "$T/x" "$T/bb.gpg" && [ "$(cat "$T/x/tree/f")" = data ]
check "control: the same bundle with a binary signature extracts" [ $? -eq 0 ]

done_testing
