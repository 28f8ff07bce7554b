#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-bundle-roundtrip.sh - mule-bundle: round trips of awkward trees (empty
# files and directories, deep paths, long and unprintable names, symlinks,
# 200 MiB), what the tar holds, -t and -tv, and interoperability with gpg
# + GNU tar, bsdtar, sha256sum and gpgtar. After every refusal: the exit
# status, nothing on standard output, one error line, the destination as
# it was and no .mule-* temporary in it.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/bundle-lib.sh"
bundle_world
bundle_big
# --- round trips ---------------------------------------------------------------
mk "$T/odd.asc" "$O"
st=$?
check "a bundle of the awkward tree is made (exit 0, nothing on stdout)" \
    sh -c '[ "$2" -eq 0 ] && [ -s "$1/odd.asc" ] && [ ! -s "$1/mk.out" ] &&
	grep -q "BEGIN PGP MESSAGE" "$1/odd.asc"' - "$T" "$st"
if xt "$T/d-odd" "$T/odd.asc" && same_tree "$O" "$T/d-odd/odd"; then
	ok "round trip: empty files and dirs, 60 levels, 255-byte, space, newline, backslash, non-UTF-8 names, symlinks, modes, mtimes"
else
	not_ok "round trip: empty files and dirs, 60 levels, 255-byte, space, newline, backslash, non-UTF-8 names, symlinks, modes, mtimes"
fi
check "... the symlinks are links again, with their targets" sh -c '
	[ -L "$1/link" ] && [ "$(readlink "$1/link")" = regular ] &&
	[ -L "$1/dangling" ] && [ "$(readlink "$1/dangling")" = no-such-target ] &&
	[ "$(readlink "$1/up")" = ../odd/regular ] && [ -L "$1/linkdir" ]' \
    - "$T/d-odd/odd"
check "... a hard link became a separate copy; modes 600/755/700 kept" sh -c '
	[ -f "$1/hard" ] && [ "$(stat -c %h "$1/hard")" -eq 1 ] &&
	[ "$(stat -c %a "$1/secret")" = 600 ] &&
	[ "$(stat -c %a "$1/script")" = 755 ] &&
	[ "$(stat -c %a "$1/private")" = 700 ]' - "$T/d-odd/odd"
check "... only the tree in DIR: the manifest is not placed there, no temporary" \
    [ "$(ls -A "$T/d-odd")" = odd ]

if mk "$T/big.asc" "$S/big" && xt "$T/d-big" "$T/big.asc" \
    && same_tree "$S/big" "$T/d-big/big"; then
	ok "round trip of a 200 MiB file"
else
	not_ok "round trip of a 200 MiB file"
fi
rm -rf "$T/d-big" "$S/big"	# 400 MiB less on the disk

mkdir -p "$T/x/reports/q1" "$T/y/photos"
echo 'r' >"$T/x/reports/q1/r.txt"
echo 'p' >"$T/y/photos/p.jpg"
if mk "$T/two.asc" "$T/x/reports" "$T/y/photos" \
    && run_status 0 mb -t "$T/two.asc" && grep -qx 'reports/' "$T/out" \
    && grep -qx 'photos/' "$T/out" && grep -qx 'reports/q1/r.txt' "$T/out" \
    && ! grep -q '^x/\|^y/\|^/' "$T/out"; then
	ok "two PATHs are stored under their last components (reports/, photos/)"
else
	not_ok "two PATHs are stored under their last components (reports/, photos/)"
fi
if xt "$T/d-two" "$T/two.asc" && same_tree "$T/x/reports" "$T/d-two/reports" \
    && same_tree "$T/y/photos" "$T/d-two/photos"; then
	ok "... and both come back"
else
	not_ok "... and both come back"
fi

mkdir -p "$T/base/a/b/c" "$T/base/other"
echo 'ab' >"$T/base/a/b/c/f"
echo 'no' >"$T/base/other/g"
if mk "$T/ab.asc" -C "$T/base" a/b && run_status 0 mb -t "$T/ab.asc" \
    && grep -qx 'a/b/c/f' "$T/out" && ! grep -q 'other' "$T/out" \
    && xt "$T/d-ab" "$T/ab.asc" && same_tree "$T/base/a/b" "$T/d-ab/a/b" \
    && [ "$(ls_dest "$T/d-ab")" = a ] && [ "$(ls -A "$T/d-ab/a")" = b ]; then
	ok "-C DIR a/b: stored as a/b/..., and only that"
else
	not_ok "-C DIR a/b: stored as a/b/..., and only that"
fi

mkdir -p "$T/z/reports" "$T/o"
refuses "two PATHs with the same last component: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/o/dup.asc" \
    "$T/x/reports" "$T/z/reports"
check "... no output file, no temporary" \
    sh -c '[ ! -e "$1/dup.asc" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/o"
mkdir -p "$T/m"
echo 'fake' >"$T/m/MULE-MANIFEST.sha256"
refuses "a PATH named MULE-MANIFEST.sha256: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/o/man.asc" \
    "$T/m/MULE-MANIFEST.sha256"
check "... no output file" [ ! -e "$T/o/man.asc" ]
refuses "a missing PATH: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/o/miss.asc" \
    "$S/plain" "$T/no-such-dir"
check "... no output file, no temporary" \
    sh -c '[ ! -e "$1/miss.asc" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/o"

mkdir -p "$T/spec"
echo 'kept' >"$T/spec/f"
mkfifo "$T/spec/fifo"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$T/spec/sock"
if run_status 0 mb -r bob@example.org -u alice@example.org -o "$T/spec.asc" \
    "$T/spec" && grep -q 'warning:.*fifo' "$T/err" \
    && grep -q 'warning:.*sock' "$T/err"; then
	ok "a FIFO and a socket are skipped with a warning each (exit 0)"
else
	not_ok "a FIFO and a socket are skipped with a warning each (exit 0)"
fi
if xt "$T/d-spec" "$T/spec.asc" && [ "$(ls -A "$T/d-spec/spec")" = f ] \
    && cmp -s "$T/spec/f" "$T/d-spec/spec/f"; then
	ok "... the bundle holds the regular file only"
else
	not_ok "... the bundle holds the regular file only"
fi

mkdir -p "$T/lt/sub"
echo 'target' >"$T/lt/file"
echo 'x' >"$T/lt/sub/x"
ln -s file "$T/lt/ln"
ln -s sub "$T/lt/lnd"
if mk "$T/lt.asc" -L "$T/lt" && xt "$T/d-lt" "$T/lt.asc" \
    && diff -r "$T/lt" "$T/d-lt/lt" >/dev/null \
    && [ -f "$T/d-lt/lt/ln" ] && [ ! -L "$T/d-lt/lt/ln" ] \
    && [ -d "$T/d-lt/lt/lnd" ] && [ ! -L "$T/d-lt/lt/lnd" ] \
    && [ -z "$(find "$T/d-lt" -type l)" ]; then
	ok "-L follows symlinks: files and directories stored in their place"
else
	not_ok "-L follows symlinks: files and directories stored in their place"
fi
if mk "$T/lt2.asc" "$T/lt" && xt "$T/d-lt2" "$T/lt2.asc" \
    && same_tree "$T/lt" "$T/d-lt2/lt"; then
	ok "... without -L they stay links"
else
	not_ok "... without -L they stay links"
fi

mkdir -p "$T/su"
echo 'suid' >"$T/su/prog"
chmod 4755 "$T/su/prog"
if mk "$T/su.asc" "$T/su" && xt "$T/d-su" "$T/su.asc" \
    && grep -q 'warning:' "$T/err" \
    && [ "$(stat -c %a "$T/d-su/su/prog")" = 755 ]; then
	ok "-x drops a setuid bit with a warning (exit 0, mode 755)"
else
	not_ok "-x drops a setuid bit with a warning (exit 0, mode 755)"
fi

# --- what is in the tar ------------------------------------------------------------
gpg -q --batch -d "$T/odd.asc" >"$T/odd.tar" 2>/dev/null
python3 - "$T/odd.tar" >"$T/py.out" 2>&1 <<'EOF'
import sys, tarfile
bad, last = [], None
with tarfile.open(sys.argv[1], mode='r:') as tf:
    for m in tf:
        if m.uid or m.gid or m.uname or m.gname:
            bad.append('owner of %r: %d/%d %r/%r' % (m.name, m.uid, m.gid, m.uname, m.gname))
        if m.islnk():
            bad.append('hard link entry %r' % m.name)
        last = m
if last is None or last.name != 'MULE-MANIFEST.sha256' or not last.isfile():
    bad.append('last entry is %r' % (last and last.name))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
st=$?
[ $st -ne 0 ] && sed 's/^/#   /' "$T/py.out" | head -n 5 >&2
check "tar: uid/gid 0 without names, no hard link entries, manifest last" [ $st -eq 0 ]
tar -xOf "$T/odd.tar" MULE-MANIFEST.sha256 >"$T/odd.man" 2>/dev/null
if [ "$(wc -l <"$T/odd.man")" -eq "$ODDF" ] \
    && grep -qx "$(sha "$O/regular")  odd/regular" "$T/odd.man" \
    && grep -qx "\\\\$(sha "$O/two${NL}lines")  odd/two\\\\nlines" "$T/odd.man" \
    && grep -qx "\\\\$(sha "$O/back\\slash")  odd/back\\\\\\\\slash" "$T/odd.man"; then
	ok "the manifest: one line per regular file, sha256sum format, escapes"
else
	head -n 3 "$T/odd.man" | sed 's/^/#   /' >&2
	not_ok "the manifest: one line per regular file, sha256sum format, escapes"
fi

# --- -t and -tv ------------------------------------------------------------------
run_status 0 mb -t "$T/odd.asc"
n=$(wc -l <"$T/out")
if grep -qx 'odd/' "$T/out" && grep -qx 'odd/emptydir/' "$T/out" \
    && grep -qx 'odd/regular' "$T/out" && grep -qx 'odd/with space' "$T/out" \
    && grep -qx 'odd/link -> regular' "$T/out" \
    && grep -qx "odd/$LONG" "$T/out" && grep -qx "$DEEPLEAF" "$T/out" \
    && { [ "$n" -eq "$ODDN" ] || [ "$n" -eq $((ODDN + 1)) ]; }; then
	ok "-t: one line per entry, directories end in /, symlinks NAME -> TARGET"
else
	diag "$n lines for $ODDN entries"
	not_ok "-t: one line per entry, directories end in /, symlinks NAME -> TARGET"
fi
# The escape style is free (\n or \x0a, \\ or \x5c), the result unambiguous.
if grep -Eq '^odd/two\\(n|x0a)lines$' "$T/out" && ! grep -qx 'lines' "$T/out" \
    && grep -Eq '^odd/back\\(\\|x5c)slash$' "$T/out" \
    && grep -qx 'odd/bad\\xffname' "$T/out" && ! grep -q "$FF" "$T/out"; then
	ok "-t escapes newline, backslash and non-UTF-8 bytes"
else
	not_ok "-t escapes newline, backslash and non-UTF-8 bytes"
fi
check "-t: a signer report on stderr" grep -q "$ALICE" "$T/err"
run_status 0 mb -q -t "$T/odd.asc"
check "-q -t: nothing on stderr" [ ! -s "$T/err" ]

run_status 0 mb -tv "$T/odd.asc"
cp "$T/out" "$T/tv.out"
if grep -Eqx "([-a-zA-Z]{10}|[0-7]{3,6}) +$(size "$O/regular") +2001-02-03 04:05 +$(sha "$O/regular") +odd/regular" "$T/tv.out" \
    && grep -Eqx "([-a-zA-Z]{10}|[0-7]{3,6}) +[0-9]+ +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +- +odd/emptydir/" "$T/tv.out" \
    && grep -Eqx "([-a-zA-Z]{10}|[0-7]{3,6}) +[0-9]+ +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +- +odd/link -> regular" "$T/tv.out" \
    && [ "$(wc -l <"$T/tv.out")" -eq "$n" ]; then
	ok "-tv: MODE SIZE DATE TIME DIGEST NAME, digest '-' for dirs and links"
else
	head -n 3 "$T/tv.out" | sed 's/^/#   /' >&2
	not_ok "-tv: MODE SIZE DATE TIME DIGEST NAME, digest '-' for dirs and links"
fi
mk "$T/plain.asc" "$S/plain"
run_status 0 mb -tv "$T/plain.asc"
bad=""
for f in a.txt sub/b.bin sub/deeper/c empty "with space.txt"; do
	grep -q " $(sha "$S/plain/$f") plain/$f\$" "$T/out" || bad="$bad $f"
done
[ -n "$bad" ] && diag "no line with the right digest for:$bad"
check "-tv: the digest of every file is sha256sum's" [ -z "$bad" ]

# --- interoperability: the other way round ------------------------------------------
# A name that is not valid UTF-8 is stored raw under the POSIX keyword
# hdrcharset=BINARY, which GNU tar 1.34 does not know: it warns, then
# extracts the name right.  That one warning is a known limit (TODO below);
# any other is a failure.
known_warning() {
	grep -v "Ignoring unknown extended header keyword .hdrcharset." \
	    "$T/tar.err" >"$T/tar.err.other"
	grep -q "hdrcharset" "$T/tar.err" && echo hdrcharset >>"$T/tar.known"
	cp "$T/tar.err.other" "$T/tar.err"
}
: >"$T/tar.known"
gpg -q --batch -d "$T/odd.asc" 2>"$T/gpg.err" | tar -t >"$T/tar.out" 2>"$T/tar.err"
known_warning
if [ ! -s "$T/tar.err" ] && [ "$(wc -l <"$T/tar.out")" -eq $((ODDN + 1)) ] \
    && [ "$(tail -n 1 "$T/tar.out")" = MULE-MANIFEST.sha256 ] \
    && grep -qx 'odd/regular' "$T/tar.out"; then
	ok "gpg -d | tar -t lists every entry, with no warning"
else
	diag "$(wc -l <"$T/tar.out") names for $ODDN entries and the manifest; last: $(tail -n 1 "$T/tar.out")"
	sed 's/^/#   tar: /' "$T/tar.err" | head -n 5 >&2
	not_ok "gpg -d | tar -t lists every entry, with no warning"
fi
fresh "$T/d-tar"
gpg -q --batch -d "$T/odd.asc" 2>"$T/gpg.err" | tar -x -C "$T/d-tar" 2>"$T/tar.err"
known_warning
if [ ! -s "$T/tar.err" ] && same_tree "$O" "$T/d-tar/odd" \
    && [ -f "$T/d-tar/MULE-MANIFEST.sha256" ]; then
	ok "gpg -d | tar -x (GNU tar) gives the same tree, with no warning"
else
	sed 's/^/#   tar: /' "$T/tar.err" | head -n 5 >&2
	not_ok "gpg -d | tar -x (GNU tar) gives the same tree, with no warning"
fi
test_count=$((test_count + 1))
if [ -s "$T/tar.known" ]; then
	echo "not ok $test_count - GNU tar reads non-UTF-8 names without a warning # TODO GNU tar 1.34 does not know pax hdrcharset=BINARY"
else
	echo "ok $test_count - GNU tar reads non-UTF-8 names without a warning # TODO GNU tar 1.34 does not know pax hdrcharset=BINARY"
fi
if command -v bsdtar >/dev/null 2>&1; then
	fresh "$T/d-bsd"
	gpg -q --batch -d "$T/odd.asc" 2>"$T/gpg.err" |
	    bsdtar -x -f - -C "$T/d-bsd" 2>"$T/tar.err"
	if [ ! -s "$T/tar.err" ] && same_tree "$O" "$T/d-bsd/odd"; then
		ok "gpg -d | bsdtar -x gives the same tree, with no warning"
	else
		sed 's/^/#   bsdtar: /' "$T/tar.err" | head -n 5 >&2
		not_ok "gpg -d | bsdtar -x gives the same tree, with no warning"
	fi
else
	skip "bsdtar is not installed (package libarchive-tools)"
fi
fresh "$T/d-sum"
gpg -q --batch -d "$T/plain.asc" 2>/dev/null | tar -x -C "$T/d-sum" 2>"$T/tar.err"
if [ ! -s "$T/tar.err" ] && same_tree "$S/plain" "$T/d-sum/plain"; then
	ok "ordinary names: gpg -d | tar -x (GNU tar) with no warning"
else
	sed 's/^/#   tar: /' "$T/tar.err" | head -n 5 >&2
	not_ok "ordinary names: gpg -d | tar -x (GNU tar) with no warning"
fi
if (cd "$T/d-sum" && sha256sum --strict -c MULE-MANIFEST.sha256) >"$T/sum.out" 2>&1 \
    && [ "$(grep -c ': OK$' "$T/sum.out")" -eq 5 ]; then
	ok "... and sha256sum -c MULE-MANIFEST.sha256 passes there"
else
	sed 's/^/#   /' "$T/sum.out" | head -n 5 >&2
	not_ok "... and sha256sum -c MULE-MANIFEST.sha256 passes there"
fi

tar -c -C "$S" odd 2>/dev/null |
    gpg -q --batch -se -r bob@example.org -u alice@example.org >"$T/tarmade.gpg" 2>/dev/null
if xt "$T/d-tarmade" "$T/tarmade.gpg" && same_tree "$O" "$T/d-tarmade/odd" \
    && [ "$(ls_dest "$T/d-tarmade")" = odd ]; then
	ok "tar -c | gpg -se (no manifest) is extracted by -x"
else
	not_ok "tar -c | gpg -se (no manifest) is extracted by -x"
fi
if command -v gpgtar >/dev/null 2>&1; then
	(cd "$S" && gpgtar --encrypt --sign -r bob@example.org -u alice@example.org \
	    -o "$T/gpgtar.gpg" plain) >/dev/null 2>&1
	if [ -s "$T/gpgtar.gpg" ] && xt "$T/d-gpgtar" "$T/gpgtar.gpg" \
	    && same_tree "$S/plain" "$T/d-gpgtar/plain"; then
		ok "gpgtar --encrypt --sign output is extracted by -x"
	else
		not_ok "gpgtar --encrypt --sign output is extracted by -x"
	fi
else
	skip "gpgtar is not installed (package gnupg-utils)"
fi

done_testing
