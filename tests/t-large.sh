#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Past 4 GiB: a file of 4 GiB + 4097 bytes through mule-seal and
# mule-open (uncompressed, so that the message is past 4 GiB too),
# mule-sign --detach and mule-verify, mule-bundle -c in parts for a FAT32
# stick and -x from them: the pump, the encrypted spool, the detached
# check, tar entries, parts.  A size, an offset or a count kept in 32 bits
# anywhere shows as wrong bytes, or at the limits: a --max-size of exactly
# the size must pass (a limit that wrapped would be 4097), one byte less
# must refuse (a count that wrapped never reaches it).  Minutes and up to
# 8.1 GiB of disk at once, so it is not part of make check: make
# check-large runs it (tests/README).
#
# The scratch directory is on disk ($TMPDIR, else /var/tmp), never on a
# tmpfs: the outputs would fill memory.
: "${TMPDIR:=/var/tmp}"
export TMPDIR
. "$srcdir/tests/lib.sh"

umask 022
FREE_KIB=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
if [ "$(stat -f -c %T "$T")" = tmpfs ]; then
	skip "data past 4 GiB: TMPDIR ($TMPDIR) is a tmpfs; set it to a disk"
	done_testing
elif [ "${FREE_KIB:-0}" -lt 9437184 ]; then
	skip "data past 4 GiB: needs 9 GiB free in TMPDIR ($TMPDIR)," \
	    "which has $((${FREE_KIB:-0} / 1048576)) GiB"
	done_testing
fi
setup_keys

# The file: 4 KiB of random bytes, a hole up to 4 GiB, 4097 random bytes
# past it.  Sparse, so that making it costs no disk.
G4=4294967296
N=$((G4 + 4097))
truncate -s "$N" "$T/big" &&
    head -c 4096 /dev/urandom | dd of="$T/big" conv=notrunc 2>/dev/null &&
    head -c 4097 /dev/urandom |
    dd of="$T/big" bs=4096 seek=$((G4 / 4096)) conv=notrunc 2>/dev/null ||
    { echo "Bail out! cannot make a sparse file of $N bytes"; exit 99; }
SUM=$(sha "$T/big")
# The same file with one bit flipped past 4 GiB.
flip "$T/big" $((G4 + 10)) "$T/bad" ||
    { echo "Bail out! cannot make the altered copy"; exit 99; }

# same FILE: FILE holds exactly the big file's bytes.
same() {
	[ -f "$1" ] || { why="$why no $1;"; return; }
	[ "$(size "$1")" = "$N" ] || { why="$why $1 is $(size "$1") bytes;"; return; }
	[ "$(sha "$1")" = "$SUM" ] || why="$why $1 differs;"
}

# --- seal and open ---------------------------------------------------------------
why=""
mule-seal -q --binary --no-compress -r bob@example.org -u alice@example.org \
    -o "$T/big.gpg" "$T/big" 2>"$T/err" || why="$why seal: exit $?;"
[ "$(size "$T/big.gpg")" -gt "$N" ] || why="$why the message is not past 4 GiB;"
mule-open -q --signer "$ALICE" --max-size "$N" -o "$T/opened" "$T/big.gpg" \
    2>>"$T/err" || why="$why open: exit $?;"
same "$T/opened"
verdict "seal, then open -o with --max-size of exactly the size: the same $N bytes"
rm -f "$T/opened"

why=""
{ mule-open -q --signer "$ALICE" "$T/big.gpg" 2>"$T/err"; echo $? >"$T/rc"; } |
    sha256sum | cut -d' ' -f1 >"$T/sum"
[ "$(cat "$T/rc")" = 0 ] || why="$why exit $(cat "$T/rc");"
[ "$(cat "$T/sum")" = "$SUM" ] || why="$why standard output differs;"
verdict "open to standard output, held in the encrypted spool: the same bytes"

# The limit is checked as the plaintext flows: refused early, at once.
expect_fail "open --max-size 5000: exit 1, nothing released" 1 \
    mule-open --signer "$ALICE" --max-size 5000 "$T/big.gpg"
why=""
mkdir "$T/od"
run_status 1 mule-open --signer "$ALICE" --max-size $((N - 1)) \
    -o "$T/od/out" "$T/big.gpg" || why="$why exit status;"
grep -q 'exceeds --max-size' "$T/err" || why="$why no --max-size error;"
[ -z "$(ls -A "$T/od")" ] || why="$why left in the directory: $(ls -A "$T/od");"
verdict "open -o --max-size one byte short: exit 1, no file, no temporary"

# A forged message: one bit flipped past 4 GiB (in place: no room for a
# copy).  Only the integrity check at the very end sees it, after 4 GiB
# went into the spool or the temporary file: neither may be released.
flip "$T/big.gpg" $((G4 + 100)) "$T/big.gpg"
why=""
{ mule-open --signer "$ALICE" "$T/big.gpg" 2>"$T/err"; echo $? >"$T/rc"; } |
    wc -c | tr -d ' ' >"$T/count"
[ "$(cat "$T/rc")" = 1 ] || why="$why exit $(cat "$T/rc");"
[ "$(cat "$T/count")" = 0 ] || why="$why $(cat "$T/count") bytes on standard output;"
one_error_of mule-open "$T/err" || why="$why stderr is not one error line;"
verdict "open of the message with a bit flipped past 4 GiB: exit 1, nothing on standard output"
why=""
run_status 1 mule-open --signer "$ALICE" -o "$T/od/out" "$T/big.gpg" ||
    why="$why exit status;"
[ -z "$(ls -A "$T/od")" ] || why="$why left in the directory: $(ls -A "$T/od");"
verdict "... with -o: exit 1, no file, no temporary"
rm -f "$T/big.gpg"

# --- sign and verify -------------------------------------------------------------
why=""
mule-sign -q --detach -u alice@example.org -o "$T/big.sig" "$T/big" \
    2>"$T/err" || why="$why sign: exit $?;"
mule-verify -q --signer "$ALICE" "$T/big.sig" "$T/big" 2>>"$T/err" ||
    why="$why verify: exit $?;"
mule-verify -q --signer "$ALICE" "$T/big.sig" - <"$T/big" 2>>"$T/err" ||
    why="$why verify from standard input: exit $?;"
verdict "sign --detach, verify from the file and from standard input"

why=""
run_status 1 mule-verify --signer "$ALICE" "$T/big.sig" "$T/bad" ||
    why="$why exit status;"
grep -q 'bad signature' "$T/err" || why="$why no bad-signature error;"
verdict "verify: one bit flipped past 4 GiB is a bad signature (exit 1)"

# --- bundle ----------------------------------------------------------------------
# Uncompressed and in parts for a FAT32 stick, as mule-bundle(1) advises:
# the bundle passes 4 GiB across its parts.
why=""
mkdir "$T/tree" "$T/x"
ln "$T/big" "$T/tree/big" && head -c 1000 /dev/urandom >"$T/tree/small"
mule-bundle -q --binary --no-compress --split 4000M -r bob@example.org \
    -u alice@example.org -o "$T/b.gpg" -C "$T" tree 2>"$T/err" ||
    why="$why create: exit $?;"
[ "$(ls "$T" | grep '^b\.gpg')" = "$(printf 'b.gpg.001\nb.gpg.002')" ] ||
    why="$why parts: $(ls "$T" | grep '^b\.gpg' | tr '\n' ' ');"
[ "$(size "$T/b.gpg.001")" = $((4000 * 1048576)) ] ||
    why="$why the first part is not 4000 MiB;"
verdict "bundle --no-compress --split 4000M: two parts, the first of 4000 MiB"

# Plain cat, gpg and tar read it back, and the size in the tar header.
why=""
cat "$T/b.gpg.001" "$T/b.gpg.002" | gpg --batch -q -o "$T/b.tar" -d 2>>"$T/err" ||
    why="$why gpg -d: exit $?;"
tar -tvf "$T/b.tar" 2>>"$T/err" >"$T/list"
awk '$NF == "tree/big" { print $3 }' "$T/list" | grep -qx "$N" ||
    why="$why gpg -d | tar -tv does not list tree/big of $N bytes;"
verdict "bundle: cat of the parts | gpg -d | tar -t lists the file's size"
# The decrypted archive's size: the largest --max-size that must pass.
P=$(size "$T/b.tar")
rm -f "$T/b.tar"

expect_fail "bundle -x --max-size 5000: exit 1" 1 \
    mule-bundle -x --signer "$ALICE" --max-size 5000 -C "$T/x" "$T/b.gpg.001"
why=""
[ -z "$(ls -A "$T/x")" ] || why="$why extracted: $(ls -A "$T/x");"
verdict "bundle -x --max-size 5000: nothing extracted, no temporary"

# One byte short of the file's size: refused by the entry's header, before
# its data (a size read in 32 bits would pass there).
why=""
run_status 1 mule-bundle -x --signer "$ALICE" --max-size $((N - 1)) \
    -C "$T/x" "$T/b.gpg.001" || why="$why exit status;"
grep -q 'more data than --max-size allows' "$T/err" ||
    why="$why not refused by the entry's size;"
[ -z "$(ls -A "$T/x")" ] || why="$why extracted: $(ls -A "$T/x");"
verdict "bundle -x --max-size one byte short of the file: exit 1 at its header"

why=""
mule-bundle -q -x --signer "$ALICE" --max-size "$P" -C "$T/x" "$T/b.gpg.001" \
    2>"$T/err" || why="$why extract: exit $?;"
same "$T/x/tree/big"
cmp -s "$T/tree/small" "$T/x/tree/small" || why="$why small file differs;"
verdict "bundle -x from the first part, --max-size of the whole archive: the same $N bytes, and the small file"
rm -rf "$T/x"

done_testing
