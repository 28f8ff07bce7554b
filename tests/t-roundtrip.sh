#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Round trips through mule-seal and mule-open: sizes at block edges,
# binary data, standard input, atomic -o output, the dispatcher, the
# common options and the success report.
. "$srcdir/tests/lib.sh"

# roundtrip DESC FILE [SEAL-OPTIONS...]: seal FILE to Bob, open it, and
# compare the result with FILE.
roundtrip() {
	rt_desc=$1 rt_file=$2
	shift 2
	rm -f "$T/rt.msg" "$T/rt.out"
	if mule-seal -r bob@example.org "$@" "$rt_file" >"$T/rt.msg" 2>"$T/rt.err" \
	    && run_status 0 mule-open "$T/rt.msg" \
	    && cmp -s "$rt_file" "$T/out"; then
		ok "$rt_desc"
	else
		sed 's/^/#   seal: /' "$T/rt.err" >&2
		not_ok "$rt_desc"
	fi
}

# wait_for_temp DIR: wait (up to 5 s) until a .mule-* temporary exists.
wait_for_temp() {
	n=0
	while [ $n -lt 50 ]; do
		ls -A "$1" | grep -q '^\.mule-' && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# only_at_end INPUT TOOL-AND-ARGS...: run the tool with -o $T/late/out and
# a FIFO carrying INPUT as standard input; while the input is still open, the final file must
# not exist (only a temporary); at the end it must, with no temporaries.
only_at_end() {
	oae_in=$1
	shift
	rm -rf "$T/late" "$T/fifo"
	mkdir "$T/late" && mkfifo "$T/fifo" || return 1
	"$@" -o "$T/late/out" <"$T/fifo" >"$T/late.stdout" 2>"$T/late.err" &
	oae_pid=$!
	exec 4>"$T/fifo"
	head -c 2000 "$oae_in" >&4
	oae_mid=0
	wait_for_temp "$T/late" && [ ! -e "$T/late/out" ] && oae_mid=1
	tail -c +2001 "$oae_in" >&4
	exec 4>&-
	wait $oae_pid
	oae_rc=$?
	[ $oae_mid -eq 1 ] || diag "no temporary, or the final file existed early"
	[ $oae_rc -eq 0 ] || sed 's/^/#   stderr: /' "$T/late.err" >&2
	[ $oae_mid -eq 1 ] && [ $oae_rc -eq 0 ] && [ -f "$T/late/out" ] \
	    && [ ! -s "$T/late.stdout" ] && no_temps "$T/late"
}

# flip_byte IN OFFSET OUT: OUT is IN with the low bit of byte OFFSET
# (from 0) flipped.
flip_byte() {
	fb_byte=$(tail -c +$(($2 + 1)) "$1" | head -c 1 | od -An -tu1 | tr -d ' ')
	{ head -c "$2" "$1"
	  printf "\\$(printf %o $((fb_byte ^ 1)))"
	  tail -c +$(($2 + 2)) "$1"; } >"$3"
}

umask 022
setup_keys

# --- sizes -----------------------------------------------------------------
: >"$T/s0"
printf x >"$T/s1"
head -c 4095 /dev/urandom >"$T/s4095"
head -c 4096 /dev/urandom >"$T/s4096"
head -c 4097 /dev/urandom >"$T/s4097"
head -c 1048576 /dev/urandom >"$T/s1m"
{ printf 'a\000\000b\000'; head -c 70000 /dev/urandom; printf '\000'; } >"$T/nul"
for s in 0 1 4095 4096 4097; do
	roundtrip "round trip of $s bytes" "$T/s$s"
done
roundtrip "round trip of 1 MiB" "$T/s1m"
check "the binary test file holds NUL bytes" \
    [ "$(tr -d '\000' <"$T/nul" | wc -c)" -lt "$(wc -c <"$T/nul")" ]
roundtrip "round trip of binary data with NUL bytes" "$T/nul"
roundtrip "round trip of binary data, --binary output" "$T/nul" --binary

# --- standard input and "-" ---------------------------------------------------
if mule-seal -r bob@example.org <"$T/nul" >"$T/stdin.msg" \
    && run_status 0 mule-open <"$T/stdin.msg" && cmp -s "$T/nul" "$T/out"; then
	ok "no file argument: both tools read standard input"
else
	not_ok "no file argument: both tools read standard input"
fi
if mule-seal -r bob@example.org - <"$T/nul" >"$T/dash.msg" \
    && run_status 0 mule-open - <"$T/dash.msg" && cmp -s "$T/nul" "$T/out"; then
	ok "'-' means standard input for both tools"
else
	not_ok "'-' means standard input for both tools"
fi
if run_status 0 mule-seal -r bob@example.org -o - "$T/s4097" \
    && grep -q 'BEGIN PGP MESSAGE' "$T/out"; then
	ok "mule-seal -o - writes standard output"
else
	not_ok "mule-seal -o - writes standard output"
fi
expect_fail "mule-seal: a missing input file is exit 2" 2 \
    mule-seal -r bob@example.org "$T/no-such-file"
expect_fail "mule-seal: two input files are a usage error" 2 \
    mule-seal -r bob@example.org "$T/s1" "$T/s0"

# --- -o FILE: mule-seal ----------------------------------------------------------
mkdir "$T/o"
if run_status 0 mule-seal -r bob@example.org -o "$T/o/sealed.asc" "$T/nul" \
    && [ ! -s "$T/out" ] && grep -q 'BEGIN PGP MESSAGE' "$T/o/sealed.asc"; then
	ok "mule-seal -o FILE writes FILE and nothing on stdout"
else
	not_ok "mule-seal -o FILE writes FILE and nothing on stdout"
fi
run_status 0 mule-open "$T/o/sealed.asc"
check "the -o output of mule-seal opens" cmp -s "$T/nul" "$T/out"
cp "$T/o/sealed.asc" "$T/o/sealed.keep"
expect_fail "mule-seal -o an existing file is exit 2" 2 \
    mule-seal -r bob@example.org -o "$T/o/sealed.asc" "$T/s1"
check "... the existing file is unchanged" cmp -s "$T/o/sealed.asc" "$T/o/sealed.keep"
check "... and the hint names --force" grep -q 'hint:.*--force' "$T/err"
if run_status 0 mule-seal -r bob@example.org --force -o "$T/o/sealed.asc" "$T/s1" \
    && run_status 0 mule-open "$T/o/sealed.asc" && cmp -s "$T/s1" "$T/out"; then
	ok "mule-seal --force -o replaces an existing file"
else
	not_ok "mule-seal --force -o replaces an existing file"
fi
expect_fail "mule-seal -o with an unknown recipient is exit 2" 2 \
    mule-seal -r nobody@example.org -o "$T/o/none.asc" "$T/s1"
check "... and leaves no output file" [ ! -e "$T/o/none.asc" ]
expect_fail "mule-seal -o with a missing input file is exit 2" 2 \
    mule-seal -r bob@example.org -o "$T/o/none.asc" "$T/no-such-file"
check "... and leaves no output file" [ ! -e "$T/o/none.asc" ]
check "mule-seal left no .mule-* temporaries" no_temps "$T/o"

# --- -o FILE: mule-open ------------------------------------------------------------
mule-seal -r bob@example.org "$T/nul" >"$T/nul.msg"
if run_status 0 mule-open -o "$T/o/plain" "$T/nul.msg" && [ ! -s "$T/out" ] \
    && cmp -s "$T/nul" "$T/o/plain"; then
	ok "mule-open -o FILE writes FILE and nothing on stdout"
else
	not_ok "mule-open -o FILE writes FILE and nothing on stdout"
fi
check "mule-open -o FILE has mode 0600 (umask 022)" \
    [ "$(stat -c %a "$T/o/plain")" = 600 ]
printf 'keep me\n' >"$T/o/existing"
expect_fail "mule-open -o an existing file is exit 2" 2 \
    mule-open -o "$T/o/existing" "$T/nul.msg"
check "... the existing file is unchanged" [ "$(cat "$T/o/existing")" = "keep me" ]
chmod 644 "$T/o/existing"
if run_status 0 mule-open --force -o "$T/o/existing" "$T/nul.msg" \
    && cmp -s "$T/nul" "$T/o/existing" \
    && [ "$(stat -c %a "$T/o/existing")" = 600 ]; then
	ok "mule-open --force -o replaces a file, with mode 0600"
else
	not_ok "mule-open --force -o replaces a file, with mode 0600"
fi
# A damaged message: flip the low bit of a byte in the middle.
mule-seal -r bob@example.org --binary "$T/s4097" >"$T/bin.msg"
size=$(wc -c <"$T/bin.msg")
flip_byte "$T/bin.msg" $((size / 2)) "$T/bad.msg"
check "the damaged copy differs in one byte" \
    [ "$(cmp -l "$T/bin.msg" "$T/bad.msg" | wc -l)" -eq 1 ]
expect_fail "mule-open -o with a damaged message is exit 1" 1 \
    mule-open -o "$T/o/damaged" "$T/bad.msg"
check "... and leaves no output file" [ ! -e "$T/o/damaged" ]
head -c $((size - 40)) "$T/bin.msg" >"$T/short.msg"
expect_fail "mule-open -o with a truncated message is exit 1" 1 \
    mule-open -o "$T/o/truncated" "$T/short.msg"
check "... and leaves no output file" [ ! -e "$T/o/truncated" ]
# Damage near the end of 1 MiB: most of the plaintext has been decrypted
# before the damage shows, and none of it may reach standard output.
mule-seal -r bob@example.org --binary "$T/s1m" >"$T/big.msg"
size=$(wc -c <"$T/big.msg")
flip_byte "$T/big.msg" $((size - 100)) "$T/bigbad.msg"
expect_fail "1 MiB damaged near the end: exit 1, nothing on stdout" 1 \
    mule-open "$T/bigbad.msg"
expect_fail "... nor in an -o file" 1 mule-open -o "$T/o/bigbad" "$T/bigbad.msg"
check "... which does not exist" [ ! -e "$T/o/bigbad" ]
check "mule-open left no .mule-* temporaries" no_temps "$T/o"

# --- the output file appears only at the end ------------------------------------------
head -c 100000 /dev/urandom >"$T/late.in"
check "mule-seal -o: only a temporary while input flows, FILE at the end" \
    only_at_end "$T/late.in" mule-seal -r bob@example.org
mule-seal -r bob@example.org --binary "$T/late.in" >"$T/late.msg"
if only_at_end "$T/late.msg" mule-open && cmp -s "$T/late.in" "$T/late/out"; then
	ok "mule-open -o: only a temporary while input flows, FILE at the end"
else
	not_ok "mule-open -o: only a temporary while input flows, FILE at the end"
fi

# A signal while the input still flows: the temporary goes away.
rm -rf "$T/late" "$T/fifo"
mkdir "$T/late" && mkfifo "$T/fifo"
mule-open -o "$T/late/out" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
exec 4>"$T/fifo"
head -c 5000 "$T/late.msg" >&4
if wait_for_temp "$T/late"; then
	kill -TERM $pid
	exec 4>&-
	wait $pid
	if [ ! -e "$T/late/out" ] && no_temps "$T/late"; then
		ok "mule-open -o killed by SIGTERM leaves neither file nor temporary"
	else
		not_ok "mule-open -o killed by SIGTERM leaves neither file nor temporary"
	fi
else
	exec 4>&-
	wait $pid
	not_ok "mule-open -o killed by SIGTERM leaves neither file nor temporary"
fi

# --- armour as it arrives, and --max-size ---------------------------------------------
mule-seal -r bob@example.org "$T/s4097" >"$T/lf.msg"
sed 's/$/\r/' "$T/lf.msg" >"$T/crlf.msg"
run_status 0 mule-open "$T/crlf.msg"
check "armour with CRLF line ends opens" cmp -s "$T/s4097" "$T/out"
run_status 0 mule-open --max-size 4097 "$T/lf.msg"
check "--max-size equal to the plaintext size opens" cmp -s "$T/s4097" "$T/out"
expect_fail "--max-size one byte smaller is exit 1, nothing released" 1 \
    mule-open --max-size 4096 "$T/lf.msg"
expect_fail "--max-size with a bad size is exit 2" 2 \
    mule-open --max-size lots "$T/lf.msg"

# --- formats and compression --------------------------------------------------------
mule-seal -r bob@example.org --binary "$T/s1" >"$T/bin1.msg"
check "--binary output is not armoured" \
    sh -c '! grep -q "BEGIN PGP" "$1" && [ "$(head -c 1 "$1" | od -An -tu1 | tr -d " ")" -ge 128 ]' \
    sh "$T/bin1.msg"
mule-seal -r bob@example.org --binary -a "$T/s1" >"$T/arm1.msg"
check "-a after --binary gives armour again" grep -q 'BEGIN PGP MESSAGE' "$T/arm1.msg"
head -c 200000 /dev/zero | tr '\000' 'z' >"$T/text"
mule-seal -r bob@example.org --compress "$T/text" >"$T/c.msg"
mule-seal -r bob@example.org --no-compress "$T/text" >"$T/nc.msg"
check "--compress makes compressible input small" [ "$(wc -c <"$T/c.msg")" -lt 10000 ]
check "--no-compress leaves it large" [ "$(wc -c <"$T/nc.msg")" -gt 200000 ]
run_status 0 mule-open "$T/c.msg"
check "the --compress message opens" cmp -s "$T/text" "$T/out"
run_status 0 mule-open "$T/nc.msg"
check "the --no-compress message opens" cmp -s "$T/text" "$T/out"
mule-seal -r bob@example.org --compress "$T/s4097" >"$T/cr.msg"
if gpg --list-packets "$T/cr.msg" 2>/dev/null | grep -q 'compressed packet' \
    && run_status 0 mule-open "$T/cr.msg" && cmp -s "$T/s4097" "$T/out"; then
	ok "--compress compresses even random data, which opens"
else
	not_ok "--compress compresses even random data, which opens"
fi

# --- the dispatcher ----------------------------------------------------------------
if mule seal -r bob@example.org "$T/nul" >"$T/disp.msg" 2>"$T/disp.err" \
    && run_status 0 mule open "$T/disp.msg" && cmp -s "$T/nul" "$T/out"; then
	ok "mule seal | mule open round trip"
else
	not_ok "mule seal | mule open round trip"
fi
if run_status 0 mule --help && grep -q 'seal' "$T/out" && grep -q 'open' "$T/out"; then
	ok "mule --help exits 0 and lists the tools"
else
	not_ok "mule --help exits 0 and lists the tools"
fi
if run_status 0 mule --version && grep -q '^mule (mule) [0-9]' "$T/out"; then
	ok "mule --version exits 0"
else
	not_ok "mule --version exits 0"
fi
expect_fail "mule with an unknown tool is exit 2" 2 mule frobnicate
run_status 2 mule
check "mule without arguments is exit 2 with usage on stderr" \
    sh -c '[ ! -s "$1/out" ] && grep -q "^usage: mule" "$1/err"' sh "$T"

# --- --help, --version, unknown options ---------------------------------------------------
for tool in mule-seal mule-open; do
	if run_status 0 $tool --help && grep -q "^usage: $tool" "$T/out"; then
		ok "$tool --help exits 0"
	else
		not_ok "$tool --help exits 0"
	fi
	if run_status 0 $tool --version && grep -q "^$tool (mule) [0-9]" "$T/out"; then
		ok "$tool --version exits 0"
	else
		not_ok "$tool --version exits 0"
	fi
	if run_status 2 $tool --no-such-option && [ ! -s "$T/out" ] \
	    && grep -q "hint: see '$tool --help'" "$T/err"; then
		ok "$tool --no-such-option exits 2"
	else
		not_ok "$tool --no-such-option exits 2"
	fi
done

# --- hidden recipients ----------------------------------------------------------------
BOBSUB=$(gpg --with-colons --list-keys "$BOB" | awk -F: '/^sub/ { print $5; exit }')
mule-seal -r bob@example.org "$T/s1" >"$T/shown.msg"
mule-seal -r bob@example.org --hide-recipients "$T/s1" >"$T/hidden.msg"
gpg --list-packets "$T/shown.msg" >"$T/shown.pkt" 2>/dev/null
gpg --list-packets "$T/hidden.msg" >"$T/hidden.pkt" 2>/dev/null
check "without --hide-recipients the key ID of Bob's subkey is visible" \
    grep -q "pubkey enc packet:.*keyid $BOBSUB" "$T/shown.pkt"
if grep -q 'pubkey enc packet:.*keyid 0000000000000000' "$T/hidden.pkt" \
    && ! grep -q "$BOBSUB" "$T/hidden.pkt"; then
	ok "--hide-recipients: keyid 0000000000000000 and no key ID of Bob"
else
	not_ok "--hide-recipients: keyid 0000000000000000 and no key ID of Bob"
fi
run_status 0 mule-open "$T/hidden.msg"
check "a message with hidden recipients opens" cmp -s "$T/s1" "$T/out"

# --- what mule-open says on success ---------------------------------------------------------
run_status 0 mule-open "$T/nul.msg"
check "success: exactly one line on stderr" [ "$(wc -l <"$T/err")" -eq 1 ]
check "success line format" grep -Eqx \
    "mule-open: good signature from \"Alice <alice@example.org>\" $ALICE, made [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC" \
    "$T/err"
if run_status 0 mule-open -q "$T/nul.msg" && [ ! -s "$T/err" ] \
    && cmp -s "$T/nul" "$T/out"; then
	ok "mule-open -q silences the signer line"
else
	not_ok "mule-open -q silences the signer line"
fi
if run_status 0 mule-seal -q -r bob@example.org "$T/s1" && [ ! -s "$T/err" ] \
    && grep -q 'BEGIN PGP MESSAGE' "$T/out"; then
	ok "mule-seal -q prints nothing on stderr"
else
	not_ok "mule-seal -q prints nothing on stderr"
fi

done_testing
