#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-stick: a stick that changes under us (issue 10).  Whoever controls
# the stick while mule-stick runs (a hostile USB gadget, a FUSE driver,
# a shared directory) swaps a folder for a symlink to a victim directory
# outside the stick, at the worst moment: after the folder was checked,
# before an item is removed, moved to rejected/ or written.  The test
# stops mule-stick at a pause point (--enable-test-hooks), makes the
# swap, and lets it go on.  The victim holds files with the very names
# mule-stick is about to remove or move; it must not change by a byte,
# and the item must be handled inside the stick, or refused.
#
# get runs with MULE_JOBS=1, so that it stops where the test expects.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"

if ! has_test_hooks; then
	echo "1..0 # SKIP built without --enable-test-hooks"
	exit 0
fi
umask 022

alice_and_bob
for x in "$AH:$T/bob.asc:$BOB" "$BH:$T/alice.asc:$ALICE"; do
	h=${x%%:*} rest=${x#*:}
	f=${rest%%:*} fpr=${rest#*:}
	GNUPGHOME=$h gpg --batch -q --import "$f" 2>/dev/null
	GNUPGHOME=$h gpg --batch --yes -q --quick-lsign-key "$fpr" \
	    >/dev/null 2>&1 || { echo "Bail out! cannot certify"; exit 99; }
done
mkdir -p "$T/alice" "$T/bob"

# The commands, as programs (pause_at needs one): Alice's and Bob's.
ms_a() {
	with_timeout env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick "$@"
}
ms_b() {
	with_timeout env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" MULE_JOBS=1 mule-stick "$@"
}
# paused_a NAME ARGS / paused_b NAME ARGS: mule-stick stopped at NAME
paused_a() {
	pa=$1; shift
	pause_at "$pa" env GNUPGHOME="$AH" HOME="$T/alice" \
	    XDG_STATE_HOME="$ASTATE" mule-stick "$@" ||
	    why="$why did not stop at $pa;"
}
paused_b() {
	pb=$1; shift
	pause_at "$pb" env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" MULE_JOBS=1 mule-stick "$@" ||
	    why="$why did not stop at $pb;"
}
# resumed WANT: continue the paused run; add to $why unless it exits WANT
resumed() {
	[ -n "${paused:-}" ] || return
	resume
	rs_got=$?
	[ "$rs_got" -eq "$1" ] || why="$why exit $rs_got, not $1;"
	paused=""
}

# scenario NAME: a fresh stick $S laid out by Alice, fresh state, an
# empty inbox $IN, a victim directory $V outside the stick.
scenario() {
	S="$T/sticks/$1"
	ASTATE="$T/state/$1-alice"
	BSTATE="$T/state/$1-bob"
	IN="$T/in/$1"
	V="$T/victim/$1"
	BOX="$S/MULE/to/$BOB"
	REJ="$S/MULE/rejected"
	J="$BSTATE/mule/journal"
	mkdir -p "$S" "$ASTATE" "$BSTATE" "$IN" "$V"
	ms_a init "$S" >/dev/null 2>&1 || why="$why init failed;"
	printf 'not yours\n' >"$V/keep.txt"
}

# tree DIR: names, types, sizes, modes, times and contents below DIR
tree() {
	(cd "$1" 2>/dev/null && find . -printf '%p %y %s %m %T@\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}
# victim_like DIR...: copy into $V what is in each DIR (item names and
# all), so that whatever is removed or moved by name would hit it; then
# remember $V.
victim_like() {
	for vl in "$@"; do
		cp -p "$vl"/* "$V"/ 2>/dev/null
	done
	tree "$V" >"$T/victim.before"
}
victim_same() {
	tree "$V" | cmp -s - "$T/victim.before" ||
	    why="$why the victim outside the stick changed;"
}
# swap DIR: DIR becomes a symlink to the victim; what it held is kept on
# the stick beside it, as DIR.old (the directory mule-stick holds open).
swap() {
	mv "$1" "$1.old" && ln -s "$V" "$1" || why="$why cannot swap $1;"
}

# put_one ARG...: Alice puts for Bob; the new item's CID in $CID
put_one() {
	items "$BOX" >"$T/snap"
	ms_a put "$S" -r "$BOB" "$@" >"$T/out" 2>"$T/err" ||
	    why="$why put failed;"
	CID=$(items "$BOX" | comm -13 "$T/snap" - | head -n 1)
	CID=${CID%%.gpg*}
	[ -n "$CID" ] || why="$why put made no item;"
}
# forged: the item $CID renamed to another content ID, so that get
# rejects it ("its content does not match its name"); the new CID in $CID
forged() {
	FAKE=$(printf 'forged %s' "$CID" | sha256sum | cut -d' ' -f1)
	mv "$BOX/$CID.gpg" "$BOX/$FAKE.gpg" && CID=$FAKE
}

printf 'for Bob\n' >"$T/m1"
printf 'for Bob, again\n' >"$T/m2"
head -c 5000 /dev/urandom >"$T/big"


# === get --remove: to/FPR swapped after the item was decrypted ============
scenario remove
why=""
put_one "$T/m1"
victim_like "$BOX"
paused_b stick-get-before-remove get "$S" -C "$IN" --remove
swap "$BOX"
resumed 0
victim_same
grep -q "^delivered from .*($ALICE): " "$T/out" || why="$why not delivered;"
[ -z "$(items "$BOX.old")" ] || why="$why not removed from the folder it was in;"
grep -q "^removed $ALICE .* $CID $BOB\$" "$J" || why="$why no removal in the journal;"
verdict "get --remove, to/FPR swapped for a symlink before the unlink: the item removed from its own folder, the victim unchanged, exit 0"

# === the same for an item the journal knows (already-delivered) ===========
scenario known
why=""
put_one "$T/m1"
ms_b get "$S" -C "$IN" >"$T/out" 2>"$T/err" || why="$why first get failed;"
victim_like "$BOX"
paused_b stick-get-before-remove get "$S" -C "$IN" --remove
swap "$BOX"
resumed 0
victim_same
grep -q "^already-delivered from .*($ALICE): " "$T/out" || why="$why not already-delivered;"
[ -z "$(items "$BOX.old")" ] || why="$why not removed from the folder it was in;"
verdict "get --remove of an already-delivered item, to/FPR swapped before the unlink: removed inside the stick, the victim unchanged, exit 0"

# === MULE/ itself swapped ==================================================
scenario mule
why=""
put_one "$T/m1"
mkdir -p "$V/to/$BOB" "$V/rejected"
cp -p "$BOX/$CID.gpg" "$V/to/$BOB/"
cp -p "$S/MULE/VERSION" "$V/"
tree "$V" >"$T/victim.before"
paused_b stick-get-before-remove get "$S" -C "$IN" --remove
swap "$S/MULE"
resumed 0
victim_same
grep -q "^delivered from .*($ALICE): " "$T/out" || why="$why not delivered;"
[ -z "$(items "$S/MULE.old/to/$BOB")" ] || why="$why not removed from the folder it was in;"
verdict "get --remove, MULE/ swapped for a symlink before the unlink: removed inside the stick, the victim unchanged, exit 0"

# === a rejected item: to/FPR swapped before it is moved aside =============
scenario reject
why=""
put_one "$T/m1"
forged
victim_like "$BOX"
paused_b stick-get-before-reject get "$S" -C "$IN"
swap "$BOX"
resumed 1
victim_same
grep -q "^rejected $CID: its content does not match its name" "$T/out" ||
    why="$why no 'rejected CID: ...' line;"
[ -z "$(items "$BOX.old")" ] || why="$why still in its folder;"
[ -n "$(items "$REJ" | grep "^$CID")" ] || why="$why not in rejected/;"
verdict "get of a forged item, to/FPR swapped before the move to rejected/: moved from its own folder to rejected/, the victim unchanged, exit 1"

# === a split item with a part missing, the same swap =======================
scenario split
why=""
put_one --split 1K "$T/big"
rm -f "$BOX/$CID.gpg.002"
victim_like "$BOX"
paused_b stick-get-before-reject get "$S" -C "$IN"
swap "$BOX"
resumed 1
victim_same
grep -q "^rejected $CID: part 002 " "$T/out" || why="$why not rejected as incomplete;"
[ -z "$(items "$BOX.old")" ] || why="$why parts left in its folder;"
[ "$(items "$REJ" | grep -c "^$CID")" -ge 2 ] || why="$why the parts not in rejected/;"
verdict "get of a split item with a part missing, to/FPR swapped before the move: every part moved inside the stick, the victim unchanged, exit 1"

# === rejected/ swapped before it is opened, and after ======================
scenario rejected-before
why=""
put_one "$T/m1"
forged
victim_like "$BOX"
paused_b stick-get-before-reject get "$S" -C "$IN"
swap "$REJ"
resumed 1
victim_same
grep -q "^rejected $CID: " "$T/out" || why="$why not rejected;"
grep -q "warning: $CID: could not be moved to rejected/, left in place" "$T/err" ||
    why="$why no warning that it was left in place;"
[ -n "$(items "$BOX" | grep "^$CID")" ] || why="$why not left in place;"
verdict "get of a forged item, rejected/ swapped for a symlink before the move: refused, left in place with a warning, the victim unchanged, exit 1"

scenario rejected-after
why=""
put_one "$T/m1"
forged
victim_like "$BOX"
paused_b stick-reject-after-open get "$S" -C "$IN"
swap "$REJ"
resumed 1
victim_same
[ -z "$(items "$BOX")" ] || why="$why still in its folder;"
[ -n "$(items "$REJ.old" | grep "^$CID")" ] ||
    why="$why not in the rejected/ that was opened;"
verdict "get of a forged item, rejected/ swapped after it was opened: moved into the rejected/ opened, the victim unchanged, exit 1"

# === rejected/ a symlink planted before the run ============================
scenario rejected-planted
why=""
put_one "$T/m1"
forged
victim_like "$BOX"
rmdir "$REJ" && ln -s "$V" "$REJ" || why="$why cannot plant;"
ms_b get "$S" -C "$IN" --remove >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || why="$why exit not 1;"
victim_same
grep -q "^rejected $CID: " "$T/out" || why="$why not rejected;"
grep -q "could not be moved to rejected/, left in place" "$T/err" ||
    why="$why no warning;"
[ -n "$(items "$BOX" | grep "^$CID")" ] || why="$why not left in place;"
verdict "get with rejected/ a symlink planted before the run: the forged item left in place with a warning, the victim unchanged, exit 1"

# === put: to/FPR swapped once it was opened ================================
scenario put
why=""
ms_a put "$S" -r "$BOB" "$T/m1" >/dev/null 2>&1 || why="$why first put failed;"
victim_like "$BOX"
paused_a stick-put-after-open put "$S" -r "$BOB" --split 1K "$T/big"
swap "$BOX"
# The item is written where the folder was opened; the flush of the
# folders at the end finds the symlink and says so.
resumed 2
victim_same
ls -A "$V" | grep -q '^\.mule-' && why="$why a temporary in the victim;"
[ "$(items "$BOX.old" | grep -c '\.gpg\.')" -ge 2 ] ||
    why="$why the parts not in the folder opened;"
ls -A "$BOX.old" | grep -q '^\.mule-\|^pending-' && why="$why a temporary left;"
grep -q "^mule-stick: error: .*/MULE/to/$BOB: not a directory\$" "$T/err" ||
    why="$why no 'not a directory' error;"
verdict "put --split, to/FPR swapped for a symlink once it was opened: every part written in the folder opened, the victim unchanged, then exit 2 (not a directory)"

# === init: MULE/ swapped once it was made ==================================
why=""
S="$T/sticks/init"
V="$T/victim/init"
mkdir -p "$S" "$V"
printf 'not yours\n' >"$V/keep.txt"
tree "$V" >"$T/victim.before"
ASTATE="$T/state/init-alice"
paused_a stick-init-after-open init "$S"
swap "$S/MULE"
resumed 0
victim_same
for f in VERSION README.txt to/anyone rejected; do
	[ -e "$S/MULE.old/$f" ] || why="$why no $f in the MULE opened;"
done
verdict "init, MULE/ swapped for a symlink once it was made: laid out in the MULE opened, the victim unchanged, exit 0"
done_testing
