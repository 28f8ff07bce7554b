#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-sign --manifest and mule-verify --manifest: a tree with hostile
# names (spaces, newlines, CRs, tabs, non-UTF-8 bytes, backslashes,
# trailing blanks, leading '-', deep paths, hidden and empty files), the
# escapes, sha256sum -c compatibility, a manifest that never lists itself
# or a temporary, skipped symlinks and FIFOs, changed, missing and
# unlisted files, and hand-made hostile manifests that must not lead
# outside the directory.
. "$srcdir/tests/lib.sh"

NL='
'
CR=$(printf '\r')
TAB=$(printf '\t')

# strip FILE: the text of a clear-signed FILE, armour and dash-escapes
# removed (without gpg).
strip() {
	sed -e '1,/^$/d' -e '/^-----BEGIN PGP SIGNATURE-----$/,$d' -e 's/^- //' "$1"
}

# entry DIR PATH SHOWN: the manifest line expected for DIR/PATH, whose
# name is written SHOWN (escaped names, and only those, hold a backslash
# and start the line with one, as in sha256sum's format).
entry() {
	h=$(sha256sum <"$1/$2" | cut -c1-64)
	case $3 in
	*\\*) printf '\\%s  %s\n' "$h" "$3" ;;
	*) printf '%s  %s\n' "$h" "$3" ;;
	esac
}

# lists MANIFEST NAME: the manifest's text has a line for NAME (plain).
lists() {
	strip "$1" | grep -q "^[0-9a-f]\{64\}  $2\$"
}

# good_manifest DESC DIR [MULE-VERIFY-OPTIONS...]: mule-verify --manifest
# DIR --strict accepts it: exit 0, nothing on stdout, no warning.
good_manifest() {
	gm_desc=$1 gm_dir=$2
	shift 2
	if run_status 0 mule-verify --manifest "$gm_dir" --strict "$@" \
	    && [ ! -s "$T/out" ] && ! grep -q 'warning' "$T/err" \
	    && grep -q "^mule-verify: good signature from \"Alice <alice@example.org>\" $ALICE," "$T/err"; then
		ok "$gm_desc"
	else
		not_ok "$gm_desc"
	fi
}

# report_is STATE NAME: stderr has the line "STATE: NAME" once.
report_is() {
	[ "$(grep -cxF "mule-verify: $1: $2" "$T/err")" -eq 1 ]
}

# reports N: stderr has N lines reporting a file.
reports() {
	[ "$(grep -Ec '^mule-verify: (warning: )?(changed|missing|not a regular file|unlisted): ' \
	    "$T/err")" -eq "$1" ]
}

# one_report STATE NAME: "STATE: NAME" is the one line reporting a file.
one_report() {
	report_is "$1" "$2" && reports 1
}

# craft FILE LINE...: FILE is LINE... clear-signed by Alice with gpg.
craft() {
	cr_file=$1
	shift
	printf '%s\n' "$@" | gpg --batch -u "$ALICE" --clearsign >"$cr_file" 2>/dev/null
}

# tripwire: a FIFO $T/h/x outside the directory $T/h/H; opening it for
# reading lets the writer below go on and create $T/h/opened.
tripwire_arm() {
	rm -f "$T/h/opened"
	mkfifo "$T/h/x"
	(exec 3>"$T/h/x" && : >"$T/h/opened") 2>/dev/null &
	TRIP=$!
}
tripwire_disarm() {
	kill "$TRIP" 2>/dev/null
	wait "$TRIP" 2>/dev/null
	rm -f "$T/h/x"
}

setup_keys

# --- the tree ---------------------------------------------------------------------
D="$T/tree"
mkdir -p "$D/.hidden" "$D/deep/a/b/c/d/e/f/g" "$D/with space" "$D/dir "
echo minus >"$D/-lead"
echo dot >"$D/.dot"
echo hidden >"$D/.hidden/.h"
echo backslash first >"$D/\\start"
echo backslash >"$D/back\\slash"
echo latin1 >"$D/$(printf 'bad\377byte')"
echo utf8 >"$D/$(printf 'caf\303\251')"
echo cr >"$D/cr${CR}name"
echo deep >"$D/deep/a/b/c/d/e/f/g/h"
echo dir blank >"$D/dir /x"
: >"$D/empty"
echo newline >"$D/new${NL}line"
echo plain >"$D/plain.txt"
echo tab >"$D/tab${TAB}in"
echo trailing >"$D/trail  "
echo spaces >"$D/with space/file name.txt"
head -c 300000 /dev/urandom >"$D/deep/random.bin"
echo 'not a temporary of ours' >"$D/.mule-4242-abcdef.tmp"
ln -s plain.txt "$D/link"
ln -s no-such-target "$D/dangling"
ln -s deep "$D/linkdir"
mkfifo "$D/fifo"
{
	entry "$D" -lead -lead
	entry "$D" .dot .dot
	entry "$D" .hidden/.h .hidden/.h
	entry "$D" '\start' '\\start'
	entry "$D" 'back\slash' 'back\\slash'
	entry "$D" "$(printf 'bad\377byte')" 'bad\xffbyte'
	entry "$D" "$(printf 'caf\303\251')" "$(printf 'caf\303\251')"
	entry "$D" "cr${CR}name" 'cr\rname'
	entry "$D" deep/a/b/c/d/e/f/g/h deep/a/b/c/d/e/f/g/h
	entry "$D" deep/random.bin deep/random.bin
	entry "$D" 'dir /x' 'dir /x'
	entry "$D" empty empty
	entry "$D" "new${NL}line" 'new\nline'
	entry "$D" plain.txt plain.txt
	entry "$D" "tab${TAB}in" 'tab\x09in'
	entry "$D" 'trail  ' 'trail\x20\x20'
	entry "$D" 'with space/file name.txt' 'with space/file name.txt'
} >"$T/expected"
NFILES=$(wc -l <"$T/expected")

# --- signing -----------------------------------------------------------------------------
mule-sign --manifest "$D" >"$D/MANIFEST.asc" 2>"$T/err"
rc=$?
check "mule-sign --manifest DIR > DIR/MANIFEST.asc exits 0" [ $rc -eq 0 ]
check "... writes a clear-signed text" \
    [ "$(head -1 "$D/MANIFEST.asc")" = '-----BEGIN PGP SIGNED MESSAGE-----' ]
printf 'mule-sign: warning: skipped, not a regular file: %s\n' dangling fifo link linkdir \
    >"$T/want.err"
if sort "$T/err" | cmp -s "$T/want.err" -; then
	ok "... warns once about each symlink and FIFO it skips, and says nothing else"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "... warns once about each symlink and FIFO it skips, and says nothing else"
fi
strip "$D/MANIFEST.asc" >"$T/text"
if cmp -s "$T/expected" "$T/text"; then
	ok "the manifest: every regular file, sorted, escaped as documented; not itself, not .mule-*.tmp"
else
	diff "$T/expected" "$T/text" | sed 's/^/#   /' >&2
	not_ok "the manifest: every regular file, sorted, escaped as documented; not itself, not .mule-*.tmp"
fi
# mule-sign leaves a temporary-looking file out; mule-verify reports it
# (checked below), so that a planted file cannot hide behind the name.
rm "$D/.mule-4242-abcdef.tmp"
gpg --batch -o - -d "$D/MANIFEST.asc" >"$T/gpg.text" 2>/dev/null
check "gpg reads the same text out of it" cmp -s "$T/expected" "$T/gpg.text"
check "it does not list MANIFEST.asc" sh -c '! grep -q "MANIFEST" "$1"' - "$T/text"

# sha256sum -c reads the lines of ordinary names, and the lines whose
# only escapes are its own (\\ and \n).
grep -v '^\\' "$T/text" >"$T/plain.sums"
if (cd "$D" && sha256sum -c --strict "$T/plain.sums") >"$T/sums.out" 2>&1 \
    && [ "$(grep -c ': OK$' "$T/sums.out")" -eq "$(wc -l <"$T/plain.sums")" ] \
    && [ "$(wc -l <"$T/plain.sums")" -eq 10 ]; then
	ok "sha256sum -c accepts the 10 lines of ordinary names"
else
	sed 's/^/#   /' "$T/sums.out" >&2
	not_ok "sha256sum -c accepts the 10 lines of ordinary names"
fi
grep '^\\' "$T/text" | grep -v '\\[xr]' >"$T/escaped.sums"
if (cd "$D" && sha256sum -c --strict "$T/escaped.sums") >"$T/sums.out" 2>&1 \
    && [ "$(wc -l <"$T/escaped.sums")" -eq 3 ]; then
	ok "sha256sum -c accepts the 3 lines whose only escapes are its own (backslash, newline)"
else
	sed 's/^/#   /' "$T/sums.out" >&2
	not_ok "sha256sum -c accepts the 3 lines whose only escapes are its own (backslash, newline)"
fi

# --- verifying -------------------------------------------------------------------------
# The symlinks and the FIFO are in no manifest: mule-verify warns that
# they are unlisted (documented: they could have been planted).
printf 'mule-verify: warning: unlisted: %s\n' dangling fifo link linkdir >"$T/want.err"
if run_status 0 mule-verify --manifest "$D" && [ ! -s "$T/out" ] \
    && [ "$(wc -l <"$T/err")" -eq 6 ] \
    && grep -q "^mule-verify: good signature from \"Alice <alice@example.org>\" $ALICE, made " "$T/err" \
    && grep -qx "mule-verify: $NFILES files match the manifest" "$T/err" \
    && grep ' unlisted: ' "$T/err" | sort | cmp -s "$T/want.err" -; then
	ok "mule-verify --manifest DIR: exit 0, the signer, '$NFILES files match', symlinks and FIFO unlisted"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "mule-verify --manifest DIR: exit 0, the signer, '$NFILES files match', symlinks and FIFO unlisted"
fi
expect_fail "... with --strict the symlinks and FIFO make it exit 1" 1 \
    mule-verify --strict --manifest "$D"
rm "$D/link" "$D/dangling" "$D/linkdir" "$D/fifo"
good_manifest "... and without them --strict passes (MANIFEST.asc is not unlisted)" "$D"
echo planted >"$D/.mule-4242-abcdef.tmp"
if run_status 0 mule-verify --manifest "$D" \
    && grep -qx 'mule-verify: warning: unlisted: .mule-4242-abcdef.tmp' "$T/err"; then
	ok "a planted file named like a mule temporary is reported as unlisted"
else
	not_ok "a planted file named like a mule temporary is reported as unlisted"
fi
rm "$D/.mule-4242-abcdef.tmp"
if run_status 0 mule-verify -q --manifest "$D" && [ ! -s "$T/err" ] && [ ! -s "$T/out" ]; then
	ok "... and -q says nothing"
else
	not_ok "... and -q says nothing"
fi
run_status 0 mule-verify --manifest "$D" --status-fd 3 3>"$T/status"
if [ "$(wc -l <"$T/status")" -eq 1 ] \
    && grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z $ALICE $ALICE mode:text\$" \
    "$T/status"; then
	ok "--status-fd with --manifest: one line for the manifest's signature"
else
	sed 's/^/#   status: /' "$T/status" >&2
	not_ok "--status-fd with --manifest: one line for the manifest's signature"
fi
cp "$D/MANIFEST.asc" "$T/elsewhere.asc"
good_manifest "--manifest-file F (outside DIR) is used instead of DIR/MANIFEST.asc" "$D" \
    --manifest-file "$T/elsewhere.asc"

# --- the manifest never lists itself ---------------------------------------------------------
# small_tree DIR: a fresh small tree.
small_tree() {
	rm -rf "$1"
	mkdir -p "$1/sub"
	echo one >"$1/one"
	echo two >"$1/sub/two"
}
S="$T/s1"
small_tree "$S"
if run_status 0 mule-sign --manifest "$S" -o "$S/MANIFEST.asc" && [ ! -s "$T/out" ] \
    && [ "$(strip "$S/MANIFEST.asc" | wc -l)" -eq 2 ] && no_temps "$S"; then
	ok "-o DIR/MANIFEST.asc: not listed (its temporary neither), none left"
else
	strip "$S/MANIFEST.asc" | sed 's/^/#   listed: /' >&2
	not_ok "-o DIR/MANIFEST.asc: not listed (its temporary neither), none left"
fi
good_manifest "... and it verifies with --strict" "$S"
expect_fail "-o DIR/MANIFEST.asc again, without --force, is exit 2" 2 \
    mule-sign --manifest "$S" -o "$S/MANIFEST.asc"
if run_status 0 mule-sign --manifest "$S" --force -o "$S/MANIFEST.asc" \
    && [ "$(strip "$S/MANIFEST.asc" | wc -l)" -eq 2 ] && no_temps "$S"; then
	ok "... with --force it is replaced, still not listing itself"
else
	not_ok "... with --force it is replaced, still not listing itself"
fi
# other_manifest DESC HOW PATH: the manifest of the small tree $S is
# written to PATH (inside it) by -o (HOW=o) or by redirection (HOW=r);
# it does not list PATH, and mule-verify --manifest-file PATH --strict
# accepts the tree.
other_manifest() {
	om_desc=$1 om_how=$2 om_path=$3
	rm -f "$T/om.err"
	case $om_how in
	o) mule-sign --manifest "$S" -o "$om_path" 2>"$T/om.err" ;;
	r) mule-sign --manifest "$S" >"$om_path" 2>"$T/om.err" ;;
	esac
	if [ "$(strip "$om_path" | wc -l)" -eq 2 ] && lists "$om_path" one \
	    && lists "$om_path" sub/two && no_temps "$S" && no_temps "$S/sub"; then
		ok "$om_desc: not listed"
	else
		strip "$om_path" | sed 's/^/#   listed: /' >&2
		sed 's/^/#   stderr: /' "$T/om.err" >&2
		not_ok "$om_desc: not listed"
	fi
	good_manifest "... and --manifest-file it --strict accepts the tree" "$S" \
	    --manifest-file "$om_path"
}
S="$T/s2"
small_tree "$S"
other_manifest "-o DIR/other.asc" o "$S/other.asc"
S="$T/s3"
small_tree "$S"
other_manifest "> DIR/other.asc" r "$S/other.asc"
S="$T/s3b"
small_tree "$S"
other_manifest "-o DIR/sub/../sub/other.asc" o "$S/sub/../sub/other.asc"
S="$T/s3c"
small_tree "$S"
other_manifest "> DIR/sub/other.asc" r "$S/sub/other.asc"
S="$T/s4"
small_tree "$S"
mule-sign --manifest "$S" -o "$T/outside.asc" 2>/dev/null
if lists "$T/outside.asc" one && [ "$(strip "$T/outside.asc" | wc -l)" -eq 2 ]; then
	ok "a manifest written outside DIR lists just the files"
else
	not_ok "a manifest written outside DIR lists just the files"
fi

# --- changed, missing, unlisted ------------------------------------------------------------------
# copy_tree NAME: a copy of the tree in $T/NAME.
copy_tree() {
	rm -rf "${T:?}/${1:?}"
	cp -a "$D" "$T/$1"
}
copy_tree c1
echo tampered >>"$T/c1/plain.txt"
expect_fail "a changed file: exit 1" 1 mule-verify --manifest "$T/c1"
check "... with one line naming it" one_report changed plain.txt
check "... and the error counts it" \
    grep -q "error: 1 of $NFILES listed files do not match" "$T/err"
copy_tree c2
rm "$T/c2/with space/file name.txt"
expect_fail "a missing file: exit 1" 1 mule-verify --manifest "$T/c2"
check "... with one line naming it" one_report missing 'with space/file name.txt'
copy_tree c3
echo tampered >>"$T/c3/new${NL}line"
rm "$T/c3/deep/a/b/c/d/e/f/g/h"
echo tampered >"$T/c3/empty"
expect_fail "a name with a newline changed, a deep file missing, the empty file filled: exit 1" 1 \
    mule-verify --manifest "$T/c3"
if report_is changed 'new\x0aline' && report_is missing deep/a/b/c/d/e/f/g/h \
    && report_is changed empty && reports 3 \
    && [ "$(wc -l <"$T/err")" -eq 5 ] \
    && grep -q "error: 3 of $NFILES listed files do not match" "$T/err"; then
	ok "... one line each, the newline escaped"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "... one line each, the newline escaped"
fi
copy_tree c4
echo new >"$T/c4/unlisted file"
if run_status 0 mule-verify --manifest "$T/c4" && [ ! -s "$T/out" ] \
    && grep -qx 'mule-verify: warning: unlisted: unlisted file' "$T/err" \
    && [ "$(grep -c 'unlisted' "$T/err")" -eq 1 ]; then
	ok "an unlisted file: exit 0, with one warning naming it"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "an unlisted file: exit 0, with one warning naming it"
fi
expect_fail "... and exit 1 with --strict" 1 mule-verify --strict --manifest "$T/c4"
check "... naming it" one_report unlisted 'unlisted file'
copy_tree c5
sed 's/^\([0-9a-f]\{63\}\)[0-9a-f]  plain\.txt$/\10  plain.txt/' "$D/MANIFEST.asc" \
    >"$T/c5/MANIFEST.asc"
cmp -s "$D/MANIFEST.asc" "$T/c5/MANIFEST.asc" &&
    sed 's/^\([0-9a-f]\{63\}\)[0-9a-f]  plain\.txt$/\11  plain.txt/' "$D/MANIFEST.asc" \
    >"$T/c5/MANIFEST.asc"
expect_fail "a digest changed in the signed manifest: exit 1" 1 mule-verify --manifest "$T/c5"
check "... a bad signature, no file report" \
    sh -c '! grep -q "changed:" "$1" && grep -qi "bad signature" "$1"' - "$T/err"

# --- hand-made manifests: names that lead elsewhere, malformed lines ------------------------------
mkdir -p "$T/h/H/a"
H="$T/h/H"
echo inside >"$H/b"
echo inside too >"$H/a/b"
HB=$(sha256sum <"$H/b" | cut -c1-64)
HX=$(echo bait | sha256sum | cut -c1-64)
# The tripwire trips when opened (or bail out: it would prove nothing).
tripwire_arm
: <"$T/h/x"
sleep 0.2
[ -e "$T/h/opened" ] || { echo "Bail out! the FIFO tripwire does not work"; exit 99; }
tripwire_disarm
tripwire_arm
# mrejects DESC LINE...: a manifest of LINE..., signed by Alice, makes
# mule-verify --manifest H exit 1, stdout empty, one error line.
mrejects() {
	mr_desc=$1
	shift
	craft "$T/h/m.asc" "$@"
	expect_fail "$mr_desc" 1 mule-verify --manifest "$H" --manifest-file "$T/h/m.asc"
}
mrejects "a manifest naming ../x is refused" "$HX  ../x"
printf 'outside\n' >"$T/h/abs.txt"
mrejects "a manifest naming an absolute path (a file outside DIR) is refused" \
    "$(sha256sum <"$T/h/abs.txt" | cut -c1-64)  $T/h/abs.txt"
mrejects "a manifest naming an absolute path to a FIFO outside DIR is refused" "$HX  $T/h/x"
mrejects "a manifest naming a/../b is refused" "$HB  a/../b"
mrejects "a manifest naming a/../../x is refused" "$HX  a/../../x"
mrejects "a manifest naming ./b is refused" "$HB  ./b"
mrejects "a manifest naming a//b is refused" "$HB  a//b"
mrejects "a manifest naming b/ is refused" "$HB  b/"
mrejects "a manifest with an empty name is refused" "$HB  "
mrejects "a manifest listing a name twice is refused" "$HB  b" "$HB  a/b" "$HB  b"
mrejects "a manifest listing a name twice, once escaped, is refused" "$HB  b" "\\$HB  \\x62"
mrejects "a malformed line (one space) is refused" "$HB b"
mrejects "a malformed line (63 hex digits) is refused" "$(echo "$HB" | cut -c2-)  b"
mrejects "a malformed line (not hex) is refused" "$(echo "$HB" | sed 's/^./g/')  b"
mrejects "a blank line inside is refused" "$HB  b" "" "$HB  a/b"
mrejects "a bad escape \\q is refused" "\\$HB  b\\q"
mrejects "a short escape \\x0 is refused" "\\$HB  b\\x0"
mrejects "an escaped NUL \\x00 is refused" "\\$HB  b\\x00c"
mrejects "a trailing lone backslash is refused" "\\$HB  b\\"
mrejects "an escaped ../x (\\x2e\\x2e/x) is refused" "\\$HX  \\x2e\\x2e/x"
# A raw NUL in an escaped line once cut the name short there: "b\0c"
# was read as b (fuzz-manifest).  The shell cannot pass a NUL to craft.
printf '\\%s  b\000c\n' "$HB" | gpg --batch -u "$ALICE" --clearsign \
    >"$T/h/m.asc" 2>/dev/null
expect_fail "a raw NUL in an escaped name is refused" 1 \
    mule-verify --manifest "$H" --manifest-file "$T/h/m.asc"
sleep 0.2
check "nothing outside DIR was opened" [ ! -e "$T/h/opened" ]
tripwire_disarm

# Symlinks inside DIR that lead out: a directory (DIR/sub -> /etc) and a
# file (DIR/lnk -> the tripwire), listed with the right digests.
H2="$T/h/H2"
mkdir -p "$H2"
echo inside >"$H2/b"
# A directory of the test's own outside DIR, by an absolute link.
mkdir -p "$T/h/etc" && echo elsewhere >"$T/h/etc/hostname"
ETCF=/etc/hostname
ln -s "$T/h/etc" "$H2/sub"
ln -s ../x "$H2/lnk"
mkdir "$T/h/outdir"
ln -s ../outdir "$H2/out"
tripwire_arm
ln -s ../x "$T/h/outdir/x" 2>/dev/null
craft "$T/h/m2.asc" "$(sha256sum <"$T/h$ETCF" | cut -c1-64)  sub/${ETCF#/etc/}" \
    "$HB  b"
expect_fail "a name through a symlinked directory (sub -> a directory outside) is refused: exit 1" 1 \
    mule-verify --manifest "$H2" --manifest-file "$T/h/m2.asc"
if grep -Eqx "mule-verify: (not a regular file|missing): sub/${ETCF#/etc/}" "$T/err"; then
	ok "... reported as not a regular file (or missing)"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "... reported as not a regular file (or missing)"
fi
craft "$T/h/m3.asc" "$HB  b" "$HX  lnk" "$HX  out/x"
expect_fail "names through symlinks to a FIFO outside DIR are refused: exit 1" 1 \
    mule-verify --manifest "$H2" --manifest-file "$T/h/m3.asc"
if grep -Eqx "mule-verify: (not a regular file|missing): lnk" "$T/err" \
    && grep -Eqx "mule-verify: (not a regular file|missing): out/x" "$T/err"; then
	ok "... one line for each"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "... one line for each"
fi
sleep 0.2
check "... and the FIFO outside DIR was never opened" [ ! -e "$T/h/opened" ]
tripwire_disarm

# --- who signed the manifest ----------------------------------------------------------------------
foreign_key mallory 'Mallory <mallory@example.org>' >"$T/mallory.fpr"
MALLORY=$(cat "$T/mallory.fpr")
[ -n "$MALLORY" ] || { echo "Bail out! cannot make Mallory's key"; exit 99; }
S="$T/s5"
small_tree "$S"
mule-sign --homedir "$T/mallory-home" --manifest "$S" -o "$S/MANIFEST.asc" 2>/dev/null
expect_fail "a manifest signed by an unknown key: exit 1" 1 mule-verify --manifest "$S"
gpg --batch --import "$T/mallory.asc" >/dev/null 2>&1
expect_fail "a manifest signed by an uncertified key: exit 1" 1 mule-verify --manifest "$S"
check "... naming its fingerprint" grep -q "error: .*$MALLORY" "$T/err"
check "... and no file report, as the list is not trusted" \
    sh -c '! grep -Eq "(changed|missing|unlisted): |files match" "$1"' - "$T/err"
if run_status 0 mule-verify --manifest "$S" --signer "$MALLORY" --strict \
    && [ ! -s "$T/out" ]; then
	ok "... accepted when pinned with --signer"
else
	not_ok "... accepted when pinned with --signer"
fi
expect_fail "Alice's manifest with --signer MALLORY-FPR: exit 1" 1 \
    mule-verify --manifest "$D" --signer "$MALLORY"
strip "$D/MANIFEST.asc" | gpg --batch -u "$ALICE" -s -o "$T/inline.gpg" 2>/dev/null
expect_fail "a manifest that is not clear-signed (gpg -s): exit 1" 1 \
    mule-verify --manifest "$D" --manifest-file "$T/inline.gpg"

# --- an empty directory --------------------------------------------------------------------------
# Its manifest is empty: nothing to sort or search (qsort and bsearch on
# NULL were undefined, and aborted the sanitizer build; fuzz-manifest).
mkdir "$T/emptydir"
if mule-sign --manifest "$T/emptydir" -o "$T/emptydir/MANIFEST.asc" 2>"$T/err" \
    && [ "$(strip "$T/emptydir/MANIFEST.asc")" = "" ]; then
	ok "an empty directory is signed, with an empty manifest"
else
	sed 's/^/#   stderr: /' "$T/err" >&2
	not_ok "an empty directory is signed, with an empty manifest"
fi
good_manifest "... which verifies (--strict)" "$T/emptydir"
echo new >"$T/emptydir/new"
expect_fail "... and a file added since is unlisted (--strict): exit 1" 1 \
    mule-verify --manifest "$T/emptydir" --strict
check "... naming it" one_report unlisted new

# --- usage ----------------------------------------------------------------------------------------------
expect_fail "mule-verify --manifest DIR with an extra argument is exit 2" 2 \
    mule-verify --manifest "$D" "$D/plain.txt"
expect_fail "mule-sign --manifest DIR with an extra argument is exit 2" 2 \
    mule-sign --manifest "$D" "$D/plain.txt"
expect_fail "mule-sign --manifest --detach is exit 2" 2 mule-sign --manifest "$D" --detach
expect_fail "mule-sign --manifest of a missing directory is exit 2" 2 \
    mule-sign --manifest "$T/no-such-dir"

done_testing
