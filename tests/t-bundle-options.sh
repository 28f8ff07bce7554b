#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-bundle-options.sh - mule-bundle: the output formats and keys
# (--binary, --symmetric, --hide-recipients, --no-sign, -L, -C), the
# signer policy, tampered bundles, existing names in DIR, --split and
# --pad. After every refusal: the exit status, nothing on standard output,
# one error line, the destination as it was and no .mule-* temporary in
# it.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/bundle-lib.sh"
bundle_world
mk "$T/plain.asc" "$S/plain" ||
    { echo "Bail out! cannot make the plain bundle"; exit 99; }
mkdir -p "$T/o"
# --- output formats and keys ---------------------------------------------------
mk "$T/plain.gpg" --binary "$S/plain"
check "--binary: not armoured" sh -c '! grep -q "BEGIN PGP" "$1" &&
	[ "$(od -An -tu1 -N1 "$1" | tr -d " ")" -ge 128 ]' - "$T/plain.gpg"
if xt "$T/d-bin" "$T/plain.gpg" && same_tree "$S/plain" "$T/d-bin/plain"; then
	ok "... and extracts"
else
	not_ok "... and extracts"
fi
mb -r bob@example.org -u alice@example.org "$S/plain" >"$T/stdout.asc" 2>/dev/null
if grep -q 'BEGIN PGP MESSAGE' "$T/stdout.asc" && fresh "$T/d-stdin" \
    && run_status 0 mb -x -C "$T/d-stdin" <"$T/stdout.asc" \
    && same_tree "$S/plain" "$T/d-stdin/plain"; then
	ok "create without -o writes stdout; -x without BUNDLE reads stdin"
else
	not_ok "create without -o writes stdout; -x without BUNDLE reads stdin"
fi

printf 'Bundle-S3cret\n' >"$T/sym.pass"
printf 'not-it\n' >"$T/wrong.pass"
if run_status 0 mb --symmetric --passphrase-file "$T/sym.pass" \
    -u alice@example.org -o "$T/sym.asc" "$S/plain" \
    && { packets "$T/sym.asc" >"$T/sym.pkt"; grep -q 'symkey enc packet' "$T/sym.pkt"; } \
    && ! grep -q 'pubkey enc packet' "$T/sym.pkt"; then
	ok "--symmetric --passphrase-file: for a passphrase only"
else
	not_ok "--symmetric --passphrase-file: for a passphrase only"
fi
if xt "$T/d-sym" --passphrase-file "$T/sym.pass" "$T/sym.asc" \
    && same_tree "$S/plain" "$T/d-sym/plain" && grep -q "$ALICE" "$T/err"; then
	ok "... extracts with --passphrase-file, signed by Alice"
else
	not_ok "... extracts with --passphrase-file, signed by Alice"
fi
fresh "$T/d-symw"
x_refused "... a wrong passphrase: exit 1" 1 "$T/d-symw" \
    --passphrase-file "$T/wrong.pass" "$T/sym.asc"

BOBSUB=$(gpg --with-colons --list-keys "$BOB" | awk -F: '/^sub/ { print $5; exit }')
mk "$T/hid.asc" --hide-recipients "$S/plain"
packets "$T/hid.asc" >"$T/hid.pkt"
if grep -q 'pubkey enc packet:.*keyid 0000000000000000' "$T/hid.pkt" \
    && ! grep -q "$BOBSUB" "$T/hid.pkt"; then
	ok "--hide-recipients: keyid 0000000000000000, not Bob's"
else
	not_ok "--hide-recipients: keyid 0000000000000000, not Bob's"
fi
if xt "$T/d-hid" "$T/hid.asc" && same_tree "$S/plain" "$T/d-hid/plain"; then
	ok "... and extracts"
else
	not_ok "... and extracts"
fi

run_status 0 mb --no-sign -r bob@example.org -o "$T/ns.asc" "$S/plain"
check "--no-sign: exit 0" [ $? -eq 0 ]
fresh "$T/d-ns"
echo 'keep' >"$T/d-ns/keep"
x_refused "... -x refuses the unsigned bundle (exit 1), DIR as it was" 1 \
    "$T/d-ns" "$T/ns.asc"
refuses "... -t too, printing nothing" 1 mb -t "$T/ns.asc"
if xt "$T/d-ns2" --allow-unsigned "$T/ns.asc" \
    && same_tree "$S/plain" "$T/d-ns2/plain"; then
	ok "... --allow-unsigned extracts it"
else
	not_ok "... --allow-unsigned extracts it"
fi

# --- signer policy ------------------------------------------------------------------
if xt "$T/d-sa" --signer "$ALICE" "$T/plain.asc" \
    && same_tree "$S/plain" "$T/d-sa/plain"; then
	ok "--signer ALICE accepts Alice's bundle"
else
	not_ok "--signer ALICE accepts Alice's bundle"
fi
if xt "$T/d-sf" --signer-file "$T/alice.asc" "$T/plain.asc" \
    && same_tree "$S/plain" "$T/d-sf/plain"; then
	ok "--signer-file alice.asc accepts it"
else
	not_ok "--signer-file alice.asc accepts it"
fi
fresh "$T/d-sb"
x_refused "--signer BOB refuses Alice's bundle (exit 1)" 1 "$T/d-sb" \
    --signer "$BOB" "$T/plain.asc"
refuses "... and -t --signer BOB prints nothing (exit 1)" 1 \
    mb -t --signer "$BOB" "$T/plain.asc"
foreign_key mallory 'Mallory <mallory@example.org>' >"$T/mallory.fpr"
GNUPGHOME="$T/mallory-home" gpg --batch -q --import "$T/bob.asc" 2>/dev/null
(GNUPGHOME="$T/mallory-home"; export GNUPGHOME
    mb -r "$BOB" -o "$T/mal.asc" "$S/plain") >/dev/null 2>"$T/mal.err"
[ -s "$T/mal.asc" ] || sed 's/^/#   stderr: /' "$T/mal.err" >&2
check "Mallory (a key not in Bob's keyring) made a bundle for Bob" [ -s "$T/mal.asc" ]
fresh "$T/d-mal"
echo 'keep' >"$T/d-mal/keep"
x_refused "... -x refuses it (exit 1), DIR as it was" 1 "$T/d-mal" "$T/mal.asc"
refuses "... -t prints nothing (exit 1)" 1 mb -t "$T/mal.asc"

# --- tampering ------------------------------------------------------------------
n=$(size "$T/plain.gpg")
flip "$T/plain.gpg" $((n / 2)) "$T/flip.gpg"
fresh "$T/d-flip"
echo 'keep' >"$T/d-flip/keep"
x_refused "a flipped byte in a --binary bundle: exit 1, DIR as it was" 1 \
    "$T/d-flip" "$T/flip.gpg"
refuses "... -t prints nothing (exit 1)" 1 mb -t "$T/flip.gpg"
n=$(size "$T/plain.asc")
head -c $((n * 2 / 3)) "$T/plain.asc" >"$T/trunc.asc"
x_refused "a truncated armoured bundle: exit 1, DIR as it was" 1 \
    "$T/d-flip" "$T/trunc.asc"
refuses "... -t prints nothing (exit 1)" 1 mb -t "$T/trunc.asc"

# --- existing names in DIR -------------------------------------------------------
echo 'one' >"$S/note.txt"
touch -d '2001-02-03 04:05:06' "$S/note.txt"
mk "$T/note.asc" "$S/note.txt"
fresh "$T/d-ex"
echo 'old' >"$T/d-ex/note.txt"
x_refused "-x where a top-level name exists: exit 2, nothing changed" 2 \
    "$T/d-ex" "$T/note.asc"
check "... the hint names --overwrite" grep -q 'hint:.*--overwrite' "$T/err"
if run_status 0 mb -x --overwrite -C "$T/d-ex" "$T/note.asc" \
    && cmp -s "$S/note.txt" "$T/d-ex/note.txt" && no_temps "$T/d-ex" \
    && [ "$(ls_dest "$T/d-ex")" = note.txt ]; then
	ok "--overwrite replaces the file"
else
	not_ok "--overwrite replaces the file"
fi
fresh "$T/d-ex2"
mkdir -p "$T/d-ex2/plain/sub"
echo 'old' >"$T/d-ex2/plain/a.txt"
echo 'mine' >"$T/d-ex2/plain/sub/mine"
if run_status 0 mb -x --overwrite -C "$T/d-ex2" "$T/plain.asc" \
    && cmp -s "$S/plain/a.txt" "$T/d-ex2/plain/a.txt" \
    && cmp -s "$S/plain/sub/b.bin" "$T/d-ex2/plain/sub/b.bin" \
    && [ "$(cat "$T/d-ex2/plain/sub/mine")" = mine ] && no_temps "$T/d-ex2"; then
	ok "--overwrite merges directories: files replaced, others kept"
else
	not_ok "--overwrite merges directories: files replaced, others kept"
fi
fresh "$T/d-ex3"
mkdir "$T/d-ex3/note.txt"
x_refused "--overwrite never replaces a directory by a file: exit 2" 2 \
    "$T/d-ex3" --overwrite "$T/note.asc"

# --- --split -------------------------------------------------------------------
mkdir -p "$T/sp" "$S/sp"
head -c 230000 /dev/urandom >"$S/sp/data"
if mk "$T/sp/B.asc" --split 64K "$S/sp" && [ ! -e "$T/sp/B.asc" ] \
    && [ -f "$T/sp/B.asc.001" ]; then
	ok "--split 64K -o B.asc writes B.asc.001 ..."
else
	not_ok "--split 64K -o B.asc writes B.asc.001 ..."
fi
parts=$(ls "$T/sp" | grep -c '^B\.asc\.[0-9][0-9][0-9]$')
bad="" total=0
i=1
while [ $i -le "$parts" ]; do
	f=$(printf '%s/sp/B.asc.%03d' "$T" $i)
	[ -f "$f" ] || { bad="$bad missing ${f##*/};"; break; }
	sz=$(size "$f")
	total=$((total + sz))
	if [ $i -lt "$parts" ]; then
		[ "$sz" -eq 65536 ] || bad="$bad ${f##*/} has $sz bytes;"
	else
		[ "$sz" -ge 1 ] && [ "$sz" -le 65536 ] || bad="$bad last part has $sz bytes;"
	fi
	i=$((i + 1))
done
[ "$(ls -A "$T/sp" | wc -l)" -eq "$parts" ] || bad="$bad other files in the directory;"
[ "$total" -gt $((4 * 65536)) ] || bad="$bad only $total bytes in all;"
[ -n "$bad" ] && diag "$parts parts:$bad"
check "every part but the last is exactly 65536 bytes ($parts parts)" [ -z "$bad" ]
if xt "$T/d-sp1" "$T/sp/B.asc.001" && same_tree "$S/sp" "$T/d-sp1/sp"; then
	ok "-x B.asc.001 finds the other parts"
else
	not_ok "-x B.asc.001 finds the other parts"
fi
if xt "$T/d-sp2" "$T/sp"/B.asc.* && same_tree "$S/sp" "$T/d-sp2/sp"; then
	ok "-x with all parts in order"
else
	not_ok "-x with all parts in order"
fi
cat "$T/sp"/B.asc.* | gpg -q --batch -d 2>/dev/null | tar -t >"$T/tar.out" 2>&1
check "cat B.asc.* | gpg -d | tar -t works" grep -qx 'sp/data' "$T/tar.out"
mkdir -p "$T/sp-miss"
cp "$T/sp"/B.asc.* "$T/sp-miss/"
rm "$T/sp-miss/B.asc.002"
fresh "$T/d-spm"
x_refused "a missing middle part (B.asc.002) is refused, DIR as it was" "1 2" \
    "$T/d-spm" "$T/sp-miss/B.asc.001"
set -- "$T/sp/B.asc.002" "$T/sp/B.asc.001"
i=3
while [ $i -le "$parts" ]; do
	set -- "$@" "$(printf '%s/sp/B.asc.%03d' "$T" $i)"
	i=$((i + 1))
done
x_refused "parts out of order (002 001 003 ...) are refused" "1 2" "$T/d-spm" "$@"
set --
x_refused "the first two parts only are refused" "1 2" "$T/d-spm" \
    "$T/sp/B.asc.001" "$T/sp/B.asc.002"
mkdir -p "$T/sp-last"
cp "$T/sp"/B.asc.* "$T/sp-last/"
rm "$(ls "$T/sp-last"/B.asc.* | tail -n 1)"
x_refused "a missing last part is refused" "1 2" "$T/d-spm" "$T/sp-last/B.asc.001"
x_refused "a first part that is not there (no part at all): exit 2" 2 "$T/d-spm" \
    "$T/sp-last/none.asc.001"
check "... 'No such file', not an empty bundle (fuzz-parts)" \
    grep -q 'none\.asc\.001: No such file' "$T/err"
refuses "--split without -o: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org --split 64K "$S/sp"
refuses "--split 512 (below 1K): exit 2" 2 \
    mb -r bob@example.org -u alice@example.org --split 512 -o "$T/o/small.asc" "$S/sp"

# --- --pad ---------------------------------------------------------------------
mkdir -p "$S/pad"
head -c 600000 /dev/urandom >"$S/pad/data"
tries=0
while :; do
	mk "$T/nopad.asc" "$S/pad"
	L=$(gpg -q --batch -d "$T/nopad.asc" 2>/dev/null | wc -c)
	[ "$L" -gt 0 ] && [ "$(padme "$L")" -ne "$L" ] && break
	tries=$((tries + 1))
	[ $tries -ge 4 ] && break
	head -c 7000 /dev/urandom >>"$S/pad/data"
	rm -f "$T/nopad.asc"
done
mk "$T/pad.asc" --pad "$S/pad"
P=$(gpg -q --batch -d "$T/pad.asc" 2>/dev/null | wc -c)
if [ "$P" -gt "$L" ] && [ $((P % 512)) -eq 0 ] && [ "$P" -eq "$(padme "$L")" ]; then
	ok "--pad: the tar grows from $L to the Padmé size $P, a multiple of 512"
else
	diag "without --pad $L bytes, with --pad $P, Padmé size $(padme "$L")"
	not_ok "--pad: the tar grows to the Padmé size, a multiple of 512"
fi
if xt "$T/d-pad" "$T/pad.asc" && same_tree "$S/pad" "$T/d-pad/pad"; then
	ok "... and extracts identically"
else
	not_ok "... and extracts identically"
fi

done_testing
