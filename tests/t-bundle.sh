#!/bin/sh
# mule-bundle: round trips of awkward trees (empty files and directories,
# deep paths, long and unprintable names, symlinks, 200 MiB), the creation
# options (--binary, --symmetric, --hide-recipients, --no-sign, -L, -C,
# --split, --pad), -t and -tv, interoperability with gpg + GNU tar, bsdtar,
# sha256sum and gpgtar, the signer policy, tampered bundles, existing
# files, atomic output, a full disk, signals, and usage errors.  After
# every refusal: the exit status, nothing on standard output, one error
# line, the destination as it was and no .mule-* temporary in it.
. "$srcdir/tests/lib.sh"

TZ=UTC
export TZ

# --- helpers ---------------------------------------------------------------
mb() { with_timeout mule-bundle "$@"; }

# mk OUT OPTION-OR-PATH...: a bundle to Bob, signed by Alice, in OUT.
mk() {
	mk_out=$1; shift
	if ! mb -r bob@example.org -u alice@example.org -o "$mk_out" "$@" \
	    >"$T/mk.out" 2>"$T/mk.err"; then
		diag "mule-bundle -o ${mk_out#"$T"/} $* failed"
		sed 's/^/#   stderr: /' "$T/mk.err" >&2
		return 1
	fi
}

# tree_list DIR: one NUL-terminated record per entry below DIR: name,
# type, permission bits, and for regular files the size and the mtime
# (seconds), for symlinks the target; sorted.
tree_list() {
	(cd "$1" 2>/dev/null && find . -mindepth 1 \
	    \( -type f -printf '%P\t%y\t%m\t%s\t%Ts\0' \) -o \
	    \( ! -type f -printf '%P\t%y\t%m\t%l\0' \)) | sort -z
}

# same_tree A B: diff -r (symlinks compared as links) finds nothing, and
# types, modes, sizes, mtimes of files and link targets agree.
same_tree() {
	if ! diff -r --no-dereference "$1" "$2" >"$T/diff.out" 2>&1; then
		diag "diff -r ${1#"$T"/} ${2#"$T"/}:"
		head -n 5 "$T/diff.out" | sed 's/^/#   /' >&2
		return 1
	fi
	tree_list "$1" >"$T/a.lst"
	tree_list "$2" >"$T/b.lst"
	if ! cmp -s "$T/a.lst" "$T/b.lst"; then
		diag "types, modes, sizes, mtimes or link targets differ:"
		tr '\0' '\n' <"$T/a.lst" >"$T/a.txt"
		tr '\0' '\n' <"$T/b.lst" >"$T/b.txt"
		diff "$T/a.txt" "$T/b.txt" | head -n 8 | sed 's/^/#   /' >&2
		return 1
	fi
}

# ls_dest DIR: the names in DIR, but for a MULE-MANIFEST.sha256 (whether
# -x places the manifest in DIR is tested once, not everywhere).
ls_dest() { ls -A "$1" | grep -vx 'MULE-MANIFEST.sha256'; }

# fresh DIR: DIR exists and is empty.
fresh() { rm -rf "$1" && mkdir -p "$1"; }

# xt DEST BUNDLE-OR-OPTION...: extract into a fresh DEST; exit 0.
xt() {
	xt_dest=$1; shift
	fresh "$xt_dest"
	run_status 0 mb -x -C "$xt_dest" "$@"
}

# x_refused DESC STATUSES DEST ARG...: mule-bundle -x -C DEST ARG... exits
# with one of STATUSES (e.g. "1" or "1 2"), prints nothing on standard
# output and one error line, and leaves DEST exactly as it was, with no
# .mule-* temporary.
x_refused() {
	xr_desc=$1 xr_want=$2 xr_dest=$3
	shift 3
	why=""
	tree_list "$xr_dest" >"$T/before.lst"
	mb -x -C "$xr_dest" "$@" >"$T/out" 2>"$T/err"
	xr_got=$?
	case " $xr_want " in
	*" $xr_got "*) ;;
	*) why="$why exit $xr_got, not $xr_want;" ;;
	esac
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-bundle "$T/err" || why="$why stderr is not one error line;"
	tree_list "$xr_dest" | cmp -s - "$T/before.lst" ||
	    why="$why ${xr_dest#"$T"/} changed;"
	no_temps "$xr_dest" || why="$why temporary left in ${xr_dest#"$T"/};"
	if [ -z "$why" ]; then ok "$xr_desc"; else failed "$xr_desc"; fi
}

# refuses DESC STATUS COMMAND...: exit STATUS, nothing on standard output,
# one error line (and at most one hint).
refuses() {
	rf_desc=$1 rf_want=$2
	shift 2
	why=""
	"$@" >"$T/out" 2>"$T/err"
	rf_got=$?
	[ "$rf_got" -eq "$rf_want" ] || why="$why exit $rf_got, not $rf_want;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-bundle "$T/err" || why="$why stderr is not one error line;"
	if [ -z "$why" ]; then ok "$rf_desc"; else failed "$rf_desc"; fi
}

count_entries() { find "$1" -printf x | wc -c; }

# padme L: the Padmé length for L bytes.
padme() {
	pl=$1 e=0 s=0
	while [ $((1 << (e + 1))) -le "$pl" ]; do e=$((e + 1)); done
	while [ $((1 << (s + 1))) -le "$e" ]; do s=$((s + 1)); done
	s=$((s + 1))
	pm=$(((1 << (e - s)) - 1))
	echo $(((pl + pm) & ~pm))
}

# wait_stage DIR: wait (up to 30 s) until a file of more than 10 MiB lies
# in a .mule-*.stage directory in DIR: the extraction is under way.
wait_stage() {
	ws=0
	while [ $ws -lt 300 ]; do
		[ -n "$(find "$1" -path "$1/.mule-*" -type f -size +20480 \
		    2>/dev/null)" ] && return 0
		sleep 0.1
		ws=$((ws + 1))
	done
	return 1
}

# A background job of a script starts with SIGINT ignored; give the
# signal tests a mule-bundle that has it at its default.
if env --default-signal=INT true 2>/dev/null; then
	DEFSIG="env --default-signal=INT,TERM"
else
	DEFSIG=env
fi

umask 022
setup_keys
plan 104

NL='
'
FF=$(printf '\377')
LONG=$(printf '%0255d' 0 | tr 0 n)
S="$T/src"
mkdir -p "$S"

# --- the trees -------------------------------------------------------------------
# plain: ordinary names (sha256sum -c can check its manifest).
mkdir -p "$S/plain/sub/deeper" "$S/plain/emptydir"
echo 'hello' >"$S/plain/a.txt"
head -c 1048576 /dev/urandom >"$S/plain/sub/b.bin"
echo 'c' >"$S/plain/sub/deeper/c"
: >"$S/plain/empty"
echo 'spaced' >"$S/plain/with space.txt"
find "$S/plain" -type f -exec touch -d '2001-02-03 04:05:06' {} +

# odd: everything awkward.
O="$S/odd"
mkdir -p "$O/emptydir" "$O/private"
chmod 700 "$O/private"
echo 'regular' >"$O/regular"
: >"$O/empty"
p="$O/deep"
for i in $(seq 1 60); do p="$p/d$i"; done
mkdir -p "$p"
echo 'at the bottom' >"$p/leaf"
DEEPLEAF=${p#"$S"/}/leaf
echo 'long' >"$O/$LONG"
echo 'space' >"$O/with space"
echo 'trailing' >"$O/trailing "
echo 'newline' >"$O/two${NL}lines"
echo 'backslash' >"$O/back\\slash"
echo 'not utf-8' >"$O/bad${FF}name"
echo 'utf-8' >"$O/café"
echo 'dash' >"$O/-dash"
echo 'hidden' >"$O/.hidden"
echo 'secret' >"$O/secret"
chmod 600 "$O/secret"
printf '#!/bin/sh\n' >"$O/script"
chmod 755 "$O/script"
ln "$O/regular" "$O/hard"
ln -s regular "$O/link"
ln -s emptydir "$O/linkdir"
ln -s no-such-target "$O/dangling"
ln -s ../odd/regular "$O/up"
ln -s ../../regular "$O/deep/d1/d2/back"
find "$O" -type f -exec touch -d '2001-02-03 04:05:06' {} +
[ "$(id -u)" -eq 0 ] && chown -h -R 1234:1234 "$O"
ODDN=$(count_entries "$O")
ODDF=$(find "$O" -type f -printf x | wc -c)

# big: 200 MiB of random bytes.
mkdir -p "$S/big"
head -c 200M /dev/urandom >"$S/big/r200"
echo 'small' >"$S/big/small"

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

# --- output atomicity -----------------------------------------------------------
fresh "$T/oa"
echo 'existing' >"$T/oa/B.asc"
refuses "-o onto an existing file: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/oa/B.asc" "$S/plain"
check "... the file is unchanged, the hint names --force" sh -c '
	[ "$(cat "$1/oa/B.asc")" = existing ] && grep -q "hint:.*--force" "$1/err" &&
	! ls -A "$1/oa" | grep -q "^\.mule-"' - "$T"
if run_status 0 mb -r bob@example.org -u alice@example.org --force \
    -o "$T/oa/B.asc" "$S/plain" && xt "$T/d-force" "$T/oa/B.asc" \
    && same_tree "$S/plain" "$T/d-force/plain" && no_temps "$T/oa"; then
	ok "--force replaces it"
else
	not_ok "--force replaces it"
fi
refuses "an unknown recipient: exit 2" 2 \
    mb -r nobody@example.org -u alice@example.org -o "$T/oa/none.asc" "$S/plain"
check "... no output file, no temporary" \
    sh -c '[ ! -e "$1/none.asc" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/oa"

mkdir -p "$S/three" "$T/full" "$T/full2"
head -c 3145728 /dev/urandom >"$S/three/data"
mk "$T/three.asc" "$S/three"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null \
    && mount -t tmpfs -o size=1m tmpfs "$T/full2" 2>/dev/null; then
	refuses "a full disk while creating a 3 MiB bundle: exit 2" 2 \
	    mb -r bob@example.org -u alice@example.org -o "$T/full/B.asc" "$S/three"
	check "... and nothing is left there" [ -z "$(ls -A "$T/full")" ]
	echo 'marker' >"$T/full2/marker"
	x_refused "a full disk while extracting 3 MiB: exit 2, the tmpfs as it was" 2 \
	    "$T/full2" "$T/three.asc"
else
	skip "mount -t tmpfs refused: no full-disk test"
	skip "mount -t tmpfs refused: no full-disk test"
	skip "mount -t tmpfs refused: no full-disk test"
fi

# --- signals during -x of the 200 MiB bundle ------------------------------------------
BIGN=$(size "$T/big.asc")
for sig in INT TERM; do
	fresh "$T/sig-$sig"
	feed "$T/big.asc" $((BIGN * 3 / 4))
	$DEFSIG mule-bundle -q -x -C "$T/sig-$sig" \
	    <"$T/fifo" >"$T/out" 2>"$T/err" &
	pid=$!
	why=""
	wait_stage "$T/sig-$sig" || why="$why the extraction never got under way;"
	kill -$sig $pid
	{ wait $pid; st=$?; } 2>/dev/null
	stop_feeder
	[ "$st" -eq 0 ] && why="$why exit 0;"
	[ -z "$(ls -A "$T/sig-$sig")" ] || why="$why DIR not empty:$(ls -A "$T/sig-$sig" | tr '\n' ' ');"
	if [ -z "$why" ]; then
		ok "SIG$sig during -x of 200 MiB: nothing left in DIR (exit $st)"
	else
		failed "SIG$sig during -x of 200 MiB: nothing left in DIR"
	fi
done

fresh "$T/sig-KILL"
feed "$T/big.asc" $((BIGN * 3 / 4))
mule-bundle -q -x -C "$T/sig-KILL" <"$T/fifo" >/dev/null 2>&1 &
pid=$!
wait_stage "$T/sig-KILL"
stage=$(ls -A "$T/sig-KILL" | grep "^\.mule-$pid-.*\.stage\$")
smode=$(stat -c %a "$T/sig-KILL/$stage" 2>/dev/null)
kill -KILL $pid
{ wait $pid; } 2>/dev/null
stop_feeder
if [ -n "$stage" ] && [ -d "$T/sig-KILL/$stage" ] && [ "$smode" = 700 ]; then
	ok "the staging directory is .mule-PID-RAND.stage, mode 700"
else
	diag "staging: '$stage', mode '$smode'; in DIR: $(ls -A "$T/sig-KILL" | tr '\n' ' ')"
	not_ok "the staging directory is .mule-PID-RAND.stage, mode 700"
fi
if run_status 0 mb -x -C "$T/sig-KILL" "$T/note.asc" \
    && [ "$(ls_dest "$T/sig-KILL")" = note.txt ]; then
	ok "after SIGKILL, the next -x there removes the stale staging dir"
else
	diag "in DIR: $(ls -A "$T/sig-KILL" | tr '\n' ' ')"
	not_ok "after SIGKILL, the next -x there removes the stale staging dir"
fi

fresh "$T/sig-file"
$DEFSIG mule-bundle -q -x -C "$T/sig-file" "$T/big.asc" \
    >"$T/out" 2>"$T/err" &
pid=$!
why=""
wait_stage "$T/sig-file" || why="$why the extraction never got under way;"
kill -TERM $pid
{ wait $pid; st=$?; } 2>/dev/null
[ "$st" -eq 0 ] && why="$why exit 0;"
[ -z "$(ls -A "$T/sig-file")" ] || why="$why DIR not empty:$(ls -A "$T/sig-file" | tr '\n' ' ');"
if [ -z "$why" ]; then
	ok "SIGTERM during -x BIG.asc (a file argument): nothing left in DIR (exit $st)"
else
	failed "SIGTERM during -x BIG.asc (a file argument): nothing left in DIR"
fi

# The same with a made-up stale one (its PID dead), and one of a live
# mule-bundle (waiting for its input).
sh -c 'exit 0' &
dead=$!
wait $dead
fresh "$T/stale"
fresh "$T/waiting"
feed /dev/null 0
mule-bundle -q -x -C "$T/waiting" <"$T/fifo" >/dev/null 2>&1 &
live=$!
mkdir -p "$T/stale/.mule-$dead-Ab12Cd.stage/plain/sub" \
    "$T/stale/.mule-$live-Zz9Yy8.stage"
echo 'junk' >"$T/stale/.mule-$dead-Ab12Cd.stage/plain/sub/junk"
run_status 0 mb -x -C "$T/stale" "$T/note.asc"
st=$?
kill -TERM $live 2>/dev/null
{ wait $live; } 2>/dev/null
stop_feeder
if [ $st -eq 0 ] \
    && [ ! -e "$T/stale/.mule-$dead-Ab12Cd.stage" ] \
    && cmp -s "$S/note.txt" "$T/stale/note.txt"; then
	ok "a stale staging dir of a dead PID (with files in it) is removed"
else
	diag "in DIR: $(ls -A "$T/stale" | tr '\n' ' ')"
	not_ok "a stale staging dir of a dead PID (with files in it) is removed"
fi
check "... the staging dir of a live mule-bundle is left alone" \
    [ -d "$T/stale/.mule-$live-Zz9Yy8.stage" ]

no_gpg_left "no gpg process of the interrupted runs is left behind"

# --- usage errors -----------------------------------------------------------------
refuses "an unknown option: exit 2" 2 mb --no-such-option "$S/plain"
check "... the hint points to --help" grep -q "hint: see 'mule-bundle --help'" "$T/err"
refuses "-t and -x together: exit 2" 2 mb -t -x "$T/plain.asc"
refuses "create without PATH: exit 2" 2 \
    mb -r bob@example.org -u alice@example.org -o "$T/o/nopath.asc"
check "... and no output file" [ ! -e "$T/o/nopath.asc" ]
fresh "$T/d-nodir"
rmdir "$T/d-nodir"
refuses "-x -C a missing DIR: exit 2" 2 mb -x -C "$T/d-nodir" "$T/plain.asc"
check "... which is not created" [ ! -e "$T/d-nodir" ]
if run_status 0 mb --help && grep -q '^usage: mule-bundle' "$T/out"; then
	ok "--help exits 0 with usage"
else
	not_ok "--help exits 0 with usage"
fi
if run_status 0 mb --version && grep -q '^mule-bundle (mule) [0-9]' "$T/out"; then
	ok "--version exits 0"
else
	not_ok "--version exits 0"
fi

done_testing
