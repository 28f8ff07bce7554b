#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile archives for mule-bundle -x and -t: plain tar streams made by
# tests/vectors/make-hostile-tars.py (".." components, absolute names,
# links that leave the directory, writing through links, devices,
# duplicates, long names, huge and sparse sizes, many entries, bad
# manifests, data after the end, reserved names, not tar at all), sealed
# here with a VALID signature by Alice, so that only mule-bundle's
# extraction defences stand between them and the disk.
#
# Every refusal must be: exit 1, nothing on standard output, one
# "error:" line (at most one "hint:" after it) that names the entry,
# the directory exactly as it was (no .mule-* staging directory), and
# nothing written outside it; -t on the same bundle exits 1 and prints
# nothing.  The few lookalikes that are not hostile (setuid bits, "./",
# Readme + README on a case-sensitive file system, a 255-byte name, a
# link that stays inside, a hard link to an earlier file, zero padding)
# must extract.  A harmless archive signed by a key that is neither
# certified nor pinned is refused (and accepted once pinned).  On a FAT
# file system (fusefat, when available), Readme + README and a symlink
# are refused.
. "$srcdir/tests/lib.sh"
VEC="$srcdir/tests/vectors"

command -v python3 >/dev/null 2>&1 || {
	echo "1..0 # SKIP python3 not found"; exit 0; }
umask 022

# The places a hostile archive aims at.  $D is the directory extracted
# into (it holds keep.txt); the staging directory is one level below it,
# so "../" from there is still $D, "../../" is $W and "../../../" is $T.
# $OUT is what absolute names and links point at; the three "target"
# files are what hard links point at.  Nothing may ever appear named
# "escaped*", and no target may gain a link.
W="$T/w"
D="$W/dest"
OUT="$T/outside"
# The victim of the absolute links: a file of our own with a known
# checksum (not a system file, which another process may change).
VICTIM="$T/victim/passwd"
mkdir -p "$T/victim" && printf 'root:x:0:0:victim:/root:/bin/sh\n' >"$VICTIM"
VICTIM_SUM=fb74792f67fdc629f69bf3e6e3933a00ecbc14c2dd3d5688d5e12770aeb91242

# XD is the directory mule-bundle extracts into: $D, or one on a FAT
# file system below.
XD=$D

# reset_world: $D (and $XD) hold only keep.txt, the targets are in place,
# nothing "escaped*" anywhere.
reset_world() {
	find "$T" -name 'escaped*' -exec rm -rf {} + 2>/dev/null
	rm -rf "$W" "$OUT" "$T/target" "$T"/.mule-*
	mkdir -p "$D" "$OUT"
	printf 'keep\n' >"$D/keep.txt"
	printf 'outside target\n' >"$OUT/target"
	printf 'parent target\n' >"$W/target"
	printf 'top target\n' >"$T/target"
	if [ "$XD" != "$D" ]; then
		rm -rf "$XD" && mkdir "$XD" && printf 'keep\n' >"$XD/keep.txt"
	fi
}

# snapshot FILE: what $XD holds (names, types, modes, sizes, link counts,
# link targets, contents of files under 1 MiB: not those of a 10 GiB
# sparse file a broken extraction wrote); not times, which a removed
# staging directory changes.
snapshot() {
	(cd "$XD" && find . -printf '%p %y %m %s %n %l\n' | sort &&
	    find . -type f -size -1024k -exec sha256sum {} + | sort) >"$1" 2>&1
}

# outside_ok: nothing was written outside $XD; adds to $why.
outside_ok() {
	found=$(find "$T" -name 'escaped*' | head -3 | tr '\n' ' ')
	[ -z "$found" ] || why="$why wrote $found;"
	[ "$(ls -A "$OUT")" = target ] ||
	    why="$why $OUT now holds: $(ls -A "$OUT" | tr '\n' ' ');"
	[ "$(ls -A "$W" | tr '\n' ' ')" = "dest target " ] ||
	    why="$why $W now holds: $(ls -A "$W" | tr '\n' ' ');"
	for f in "$OUT/target" "$W/target" "$T/target"; do
		[ "$(stat -c %h "$f" 2>/dev/null)" = 1 ] ||
		    why="$why $f gained a hard link (or vanished);"
	done
	[ "$(cat "$OUT/target" "$W/target" "$T/target" 2>/dev/null)" = \
	    "$(printf 'outside target\nparent target\ntop target')" ] ||
	    why="$why a target file was written;"
	no_temps "$T" && no_temps "$W" || why="$why a .mule-* outside DIR;"
	[ "$(stat -c %h "$VICTIM")" = 1 ] ||
	    why="$why $VICTIM gained a hard link;"
}

mb() { with_timeout mule-bundle "$@"; }

# refuses_x DESC ERE BUNDLE [OPTION...]: -x into $XD refuses BUNDLE:
# exit 1, nothing on standard output, one error line, $XD as it was,
# nothing outside (a test); and, unless ERE is "-", the error line
# matches ERE (grep -E; a second test).
refuses_x() {
	desc=$1 pat=$2 msg=$3
	shift 3
	reset_world
	snapshot "$T/before"
	why=""
	mb -x -C "$XD" "$@" "$msg" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 1 ] || why="$why exit $got, not 1;"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-bundle "$T/err" ||
	    why="$why stderr is not one error line;"
	snapshot "$T/after"
	cmp -s "$T/before" "$T/after" || why="$why DIR changed:$(diff \
	    "$T/before" "$T/after" | grep '^>' | head -4 | cut -c1-120 |
	    tr '\n' ' ');"
	outside_ok
	if [ -z "$why" ]; then
		ok "$desc: -x refused, DIR unchanged, nothing outside"
	else
		failed "$desc: -x refused, DIR unchanged, nothing outside"
	fi
	if [ "$pat" != - ]; then
		if grep '^mule-bundle: error: ' "$T/err" | grep -Eq -- "$pat"
		then
			ok "$desc: the error names it (/$pat/)"
		else
			diag "error line: $(sed -n 1p "$T/err" | cut -c1-300)"
			not_ok "$desc: the error names it (/$pat/)"
		fi
	fi
}

# refuses_t DESC BUNDLE [OPTION...]: -t refuses BUNDLE: exit 1, nothing on
# standard output, one error line (a test).
refuses_t() {
	desc=$1 msg=$2
	shift 2
	reset_world
	why=""
	mb -t "$@" "$msg" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 1 ] || why="$why exit $got, not 1;"
	[ -s "$T/out" ] && why="$why standard output not empty: $(head -3 \
	    "$T/out" | cut -c1-80 | tr '\n' '|');"
	one_error_of mule-bundle "$T/err" ||
	    why="$why stderr is not one error line;"
	outside_ok
	if [ -z "$why" ]; then
		ok "$desc: -t refused, nothing listed"
	else
		failed "$desc: -t refused, nothing listed"
	fi
}

# refuses DESC ERE BUNDLE [OPTION...]: refuses_x and refuses_t.
refuses() {
	refuses_x "$@"
	desc=$1 msg=$3
	shift 3
	refuses_t "$desc" "$msg" "$@"
}

# extracts BUNDLE [OPTION...]: -x into $XD exits 0, no error line, keep.txt
# intact, no temporary, nothing outside.  Sets $why; the caller adds its
# own checks of $XD and then calls report.
extracts() {
	msg=$1
	shift
	reset_world
	why=""
	mb -x -C "$XD" "$@" "$msg" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 0 ] || why="$why exit $got, not 0;"
	grep -q '^mule-bundle: error: ' "$T/err" && why="$why an error line;"
	[ "$(cat "$XD/keep.txt" 2>/dev/null)" = keep ] ||
	    why="$why keep.txt changed;"
	no_temps "$XD" || why="$why a .mule-* left in DIR;"
	outside_ok
}

# has NAME TEXT: $XD/NAME is a regular file holding the line TEXT.
has() {
	[ -f "$XD/$1" ] && [ ! -L "$XD/$1" ] &&
	    [ "$(cat "$XD/$1" 2>/dev/null)" = "$2" ] ||
	    why="$why $1 missing or not '$2';"
}

# mode_is NAME OCTAL: stat's %a of $XD/NAME.
mode_is() {
	m=$(stat -c %a "$XD/$1" 2>/dev/null)
	[ "$m" = "$2" ] || why="$why $1 has mode ${m:-none}, not $2;"
}

report() {
	if [ -z "$why" ]; then ok "$1"; else failed "$1"; fi
}

# lists DESC "ERE;..." BUNDLE [OPTION...]: -t exits 0 and every ERE
# (separated by ";") matches a whole line of its output.
lists() {
	desc=$1 res=$2 msg=$3
	shift 3
	reset_world
	why=""
	mb -t "$@" "$msg" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 0 ] || why="$why exit $got, not 0;"
	oldifs=$IFS
	IFS=';'
	for re in $res; do
		grep -Eqx -- "$re" "$T/out" || why="$why no line /$re/;"
	done
	IFS=$oldifs
	[ -n "$why" ] && diag "-t printed: $(head -5 "$T/out" | tr '\n' '|')"
	outside_ok
	report "$desc"
}

# --- the vectors ----------------------------------------------------------------
# VECTOR, an ERE the -x error line must match (- for none: no single
# entry is at fault), then mule-bundle options.
cat >"$T/refused" <<'EOF'
dotdot-up             \.\./escaped
dotdot-up2            \.\./\.\./escaped
dotdot-mid            a/\.\./\.\./escaped
dotdot-trailing       a/\.\.
dotdot-bare           \.\.
dotdot-escaped        evil\\(n|x0a)name/
absolute              outside/escaped
symlink-abs           link-abs
symlink-up            link-up
symlink-dir-up        d/link
symlink-through       link-sub/f
symlink-out-through   link-out
symlink-chain         link-chain|d/x
hardlink-abs          hl-victim
hardlink-abs-out      hl-out
hardlink-up           hl-up
hardlink-up2          hl-up2
hardlink-later        hl-early
hardlink-missing      hl-none
hardlink-dir          hl-dir
hardlink-symlink      hl-sl
chardev               dev-null
blockdev              dev-sda
fifo                  pipe-entry
duplicate             dup\.txt
duplicate-dir         twice
duplicate-dotslash    dup\.txt
file-then-dir         same
dir-then-file         same
file-then-child       same
long-component        long-cccccccccc
long-path             longpath-pppppppppp
huge-size             [Ss]ize|[Ll]imit|large   --max-size 1M
huge-size             [Ss]ize|[Ll]imit|large
huge-size-gnu         [Ss]ize|[Ll]imit|large   --max-size 1M
sparse-gnu            [Ss]ize|[Ll]imit|large   --max-size 1M
sparse-pax            [Ss]ize|[Ll]imit|large   --max-size 1M
sparse-sum            [Ss]ize|[Ll]imit|large   --max-size 1M
many-entries          [Ee]ntries|[Ff]iles|[Ll]imit   --max-files 100
manifest-not-last     MULE-MANIFEST|later
manifest-bad-digest   a\.txt
hardlink-chain-forged h2
hardlink-with-data    -
manifest-ghost        ghost\.txt
manifest-missing      b\.txt
trailing-garbage      -
trailing-garbage-late -
truncated             -
not-tar               -
reserved-stage        \.mule-123-abc\.stage
reserved-dir          \.mule-x
reserved-dotslash     \.mule-y
EOF

# Case-folding: Readme and README are one name only where the file
# system folds case (FAT, some macOS volumes); on ext4 or tmpfs they are
# two files and the archive must extract.
mkdir "$T/cf" && : >"$T/cf/a"
if [ -e "$T/cf/A" ]; then CASEFOLD=1; NCASE=3; else CASEFOLD=0; NCASE=2; fi

NREF=$(wc -l <"$T/refused")
NPAT=$(awk '$2 != "-"' "$T/refused" | wc -l)
setup_keys

mkdir "$T/vec" "$T/sealed"
python3 "$VEC/make-hostile-tars.py" "$T/vec" "$OUT" "$VICTIM" ||
    { echo "Bail out! make-hostile-tars.py failed"; exit 99; }
# Seal every vector with a valid signature, armoured and binary in turn.
# gpg seals them (one run each, where mule-seal takes three): what is
# tested is mule-bundle's reading, and a bundle is any signed and
# encrypted OpenPGP message.
i=0
for f in "$T"/vec/*.tar; do
	n=${f##*/}
	n=${n%.tar}
	i=$((i + 1))
	armor=--armor
	[ $((i % 2)) -eq 0 ] && armor=""
	gpg --batch -q --yes $armor -se -r "$BOB" -u "$ALICE" \
	    -o "$T/sealed/$n.msg" "$f" ||
	    { echo "Bail out! cannot seal $n"; exit 99; }
done
S="$T/sealed"
reset_world

# --- the control (18 tests with the lookalikes below) --------------------------
extracts "$S/harmless.msg"
has a.txt 'content of a.txt'
report "control: a harmless archive, validly signed, extracts"
lists "control: -t lists it" 'a\.txt' "$S/harmless.msg"
extracts "$S/manifest-good.msg"
has a.txt 'content of a.txt'
has b.txt 'content of b.txt'
report "control: an archive with a correct manifest extracts"
lists "control: -t lists it" 'a\.txt;b\.txt' "$S/manifest-good.msg"

# --- refused ----------------------------------------------------------------------
while read -r name pat opts; do
	# shellcheck disable=SC2086 # the options are words
	refuses "$name${opts:+ ($opts)}" "$pat" "$S/$name.msg" $opts
done <"$T/refused"

if [ "$CASEFOLD" = 1 ]; then
	refuses "case-pair (case-folding file system)" 'Readme|README' \
	    "$S/case-pair.msg"
else
	extracts "$S/case-pair.msg"
	has Readme 'content of Readme'
	has README 'content of README'
	report "case-pair: Readme and README both extract on a case-sensitive file system"
	lists "case-pair: -t lists both" 'Readme;README' "$S/case-pair.msg"
fi

# --- lookalikes that are accepted ---------------------------------------------------
extracts "$S/setuid.msg"
has suid-prog '#!/bin/sh'
mode_is suid-prog 755
grep -q '^mule-bundle: warning: ' "$T/err" || why="$why no warning line;"
report "setuid: extracted, exit 0, the setuid bit dropped with a warning"
lists "setuid: -t lists it" 'suid-prog' "$S/setuid.msg"

extracts "$S/setgid-sticky.msg"
has sgid-prog '#!/bin/sh'
mode_is sgid-prog 755
[ -d "$D/sticky" ] || why="$why no directory sticky;"
mode_is sticky 755
grep -q '^mule-bundle: warning: ' "$T/err" || why="$why no warning line;"
report "setgid and sticky: extracted, exit 0, the bits dropped with a warning"
lists "setgid and sticky: -t lists them" 'sgid-prog;sticky/' \
    "$S/setgid-sticky.msg"

extracts "$S/dot-slash.msg"
has ok.txt 'content of ok.txt'
[ "$(stat -c %a "$D")" = 755 ] || why="$why DIR's mode changed;"
report "'./' and './ok.txt': extracted, exit 0, ok.txt in DIR"
lists "'./': -t lists ok.txt" '(\./)?ok\.txt' "$S/dot-slash.msg"

extracts "$S/component-255.msg"
has "ok-$(printf '%252s' '' | tr ' ' c)" 'content of 255'
report "a 255-byte name extracts"
lists "a 255-byte name: -t lists it" 'ok-c{252}' "$S/component-255.msg"

extracts "$S/symlink-inside.msg"
has top.txt 'content of top.txt'
[ -L "$D/d/l" ] && [ "$(readlink "$D/d/l")" = ../top.txt ] ||
    why="$why d/l is not a link to ../top.txt;"
report "a symlink that stays inside DIR (d/l -> ../top.txt) extracts as a link"
lists "a symlink inside: -t shows it" 'top\.txt;d/;d/l -> \.\./top\.txt' \
    "$S/symlink-inside.msg"

extracts "$S/hardlink-earlier.msg"
has a.txt 'content of a.txt'
has h 'content of a.txt'
report "a hard link to an earlier file extracts (as a link or a copy)"
lists "a hard link to an earlier file: -t lists it" 'a\.txt;h( link to a\.txt)?' \
    "$S/hardlink-earlier.msg"

extracts "$S/hardlink-chain.msg"
has a.txt 'content of a.txt'
has h1 'content of a.txt'
has h2 'content of a.txt'
report "a chain of hard links (h2 -> h1 -> a.txt) with its manifest extracts"
lists "a chain of hard links: -t lists it" 'a\.txt;h1( link to a\.txt)?;h2( link to h1)?' \
    "$S/hardlink-chain.msg"

extracts "$S/trailing-zeros.msg"
has a.txt 'content of a.txt'
report "zero blocks after the end of the archive are accepted"
lists "zero blocks after the end: -t lists it" 'a\.txt' \
    "$S/trailing-zeros.msg"

# --- signers (11 tests) -------------------------------------------------------
# The archive is harmless; only who signed it differs.
TRUDY=$(foreign_key trudy 'Trudy <trudy@example.org>')
MALLORY=$(foreign_key mallory 'Mallory <mallory@example.org>')
[ -n "$TRUDY" ] && [ -n "$MALLORY" ] ||
    { echo "Bail out! cannot make the foreign keys"; exit 99; }
mule-seal -q --homedir "$T/trudy-home" -u "$TRUDY" -R "$T/bob.asc" \
    <"$T/vec/harmless.tar" >"$T/trudy.msg" &&
    mule-seal -q --homedir "$T/mallory-home" -u "$MALLORY" -R "$T/bob.asc" \
    <"$T/vec/harmless.tar" >"$T/mallory.msg" &&
    mule-seal -q --no-sign -r bob@example.org \
    <"$T/vec/harmless.tar" >"$T/unsigned.msg" ||
    { echo "Bail out! cannot seal the signer tests"; exit 99; }
gpg --batch --import "$T/mallory.asc" 2>/dev/null

refuses "signed by an unknown key" - "$T/trudy.msg"
refuses "signed by a known key that is neither certified nor pinned" - \
    "$T/mallory.msg"
refuses "... with --signer pinning someone else (Alice)" - \
    "$T/mallory.msg" --signer "$ALICE"
refuses "not signed at all" - "$T/unsigned.msg"
extracts "$T/mallory.msg" --signer "$MALLORY"
has a.txt 'content of a.txt'
report "the uncertified key pinned with --signer: extracts"
extracts "$T/trudy.msg" --signer-file "$T/trudy.asc"
has a.txt 'content of a.txt'
report "the unknown key given with --signer-file: extracts"
extracts "$S/harmless.msg" --signer "$ALICE"
has a.txt 'content of a.txt'
report "Alice's archive with --signer Alice pinned: extracts"

# --- on a FAT file system (28 tests) --------------------------------------------
# Where names fold case, Readme and README collide; where the file system
# has no symlinks, a symlink entry cannot be extracted: both exit 1 with
# DIR unchanged.  The kernel here may lack vfat; fusefat (FUSE) does it.
FAT="$T/fat"
if command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 \
    && [ -c /dev/fuse ] && mkdir "$FAT" && truncate -s 16M "$T/fat.img" &&
    mkfs.vfat -n MULE "$T/fat.img" >/dev/null 2>&1 &&
    fusefat -o rw+ "$T/fat.img" "$FAT" >/dev/null 2>&1 &&
    mkdir "$FAT/dest" 2>/dev/null; then
	XD="$FAT/dest"
	extracts "$S/harmless.msg"
	has a.txt 'content of a.txt'
	report "FAT: the harmless archive extracts (control)"
	refuses_x "FAT: case-pair (Readme + README)" 'Readme|README' \
	    "$S/case-pair.msg"
	refuses_x "FAT: a symlink (d/l -> ../top.txt)" 'd/l' \
	    "$S/symlink-inside.msg"
	# issue 9, point 5: names that FAT cannot hold (fusefat says EPERM,
	# as it does for a full disk) are the bundle's fault: exit 1, the
	# entry named, DIR unchanged.  ok.txt before them extracts fine.
	mkdir -p "$T/fatnames"
	python3 - "$T/fatnames" <<'EOF'
import io, sys, tarfile
names = {'colon': 'a:b', 'star': 'a*b', 'quest': 'a?b', 'lt': 'a<b',
         'pipe': 'a|b', 'dquote': 'a"b', 'bslash': 'a\\b', 'ctrl': 'a\x01b',
         'eacute': '\u00e9', 'nested': 'sub/a?b', 'dir': 'd:x/'}
for key, name in names.items():
    t = tarfile.open('%s/%s.tar' % (sys.argv[1], key), 'w',
                     format=tarfile.PAX_FORMAT)
    entries = ['ok.txt', name] + (['d:x/f.txt'] if key == 'dir' else [])
    for n in entries:
        ti = tarfile.TarInfo(n.rstrip('/'))
        ti.mode = 0o644
        if n.endswith('/'):
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            t.addfile(ti)
        else:
            ti.size = 6
            t.addfile(ti, io.BytesIO(b'hello\n'))
    t.close()
EOF
	while read -r n pat; do
		mule-seal -q --binary -r bob@example.org -u alice@example.org \
		    <"$T/fatnames/$n.tar" >"$T/fatnames/$n.msg" 2>/dev/null
		refuses_x "FAT: a name FAT refuses ($n)" \
		    "entry '$pat': a name the file system of the target refuses" \
		    "$T/fatnames/$n.msg"
	done <<'EOF'
colon a:b
star a[*]b
quest a[?]b
lt a<b
pipe a[|]b
dquote a.x22b
bslash a.x5cb
ctrl a.x01b
eacute é
nested sub/a[?]b
dir d:x
EOF
	XD=$D
	fusermount -u "$FAT" 2>/dev/null
	# ... but a FAT that is full says EPERM too: that stays exit 2.
	why=""
	mkdir "$T/fatfull" && truncate -s 1M "$T/full.img" &&
	    mkfs.vfat "$T/full.img" >/dev/null 2>&1 &&
	    fusefat -o rw+ "$T/full.img" "$T/fatfull" >/dev/null 2>&1 &&
	    mkdir "$T/fatfull/dest" || why="$why cannot make a small FAT;"
	mkdir "$T/big" && head -c 3145728 /dev/urandom >"$T/big/big.bin"
	(cd "$T/big" && tar -cf - big.bin) | mule-seal -q --binary \
	    -r bob@example.org -u alice@example.org >"$T/big.msg"
	mb -x -C "$T/fatfull/dest" "$T/big.msg" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq 2 ] || why="$why exit $got, not 2;"
	one_error_of mule-bundle "$T/err" || why="$why stderr is not one error line;"
	[ -z "$(ls -A "$T/fatfull/dest" 2>/dev/null)" ] || why="$why DIR not empty;"
	fusermount -u "$T/fatfull" 2>/dev/null
	if [ -z "$why" ]; then
		ok "FAT: a 3 MiB file onto a 1 MiB FAT (EPERM too): exit 2, DIR empty"
	else
		failed "FAT: a 3 MiB file onto a 1 MiB FAT (EPERM too): exit 2, DIR empty"
	fi
else
	for i in $(seq 1 28); do
		skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
	done
fi

# --- and through it all -----------------------------------------------------------
check "the victim of the absolute links untouched (contents and link count)" \
    [ "$(sha "$VICTIM") $(stat -c %h "$VICTIM")" = "$VICTIM_SUM 1" ]

done_testing
