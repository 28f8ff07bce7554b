#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-stick get: regression tests for the holes of issue 9, each crafted
# by hand on the stick as whoever handles it could.
#
#  3. A delivered item removed with --remove and put back in another
#     folder (to/anyone, or another of the reader's folders) is a replay,
#     exit 1, moved to rejected/; a copy put for two of the reader's keys
#     is still only a copy, also after a run killed between the two.
#  4. A split item with a part missing is rejected, exit 1, and moved
#     aside with its parts; only a temporary named exactly as mule names
#     them, of a mule-stick that runs, written less than a day ago, makes
#     an item without its first part one that is still being written.
#  5. An item with a name that the file system of -C refuses (FAT, which
#     says EPERM through fusefat) is rejected, exit 1, not an error.
#
# Bob has two secret keys (BOB and BOB2), so two folders of his own.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"

command -v python3 >/dev/null 2>&1 || {
	echo "1..0 # SKIP python3 not found"; exit 0; }
umask 022

alice_and_bob
BOB2=$(gen_key "$BH" 'Bob at work <bob@work.example>')
[ -n "$BOB2" ] || { echo "Bail out! cannot generate test keys"; exit 99; }
GNUPGHOME=$BH gpg --export --armor "$BOB" "$BOB2" >"$T/bob.asc"
for x in "$AH:$T/bob.asc:$BOB $BOB2" "$BH:$T/alice.asc:$ALICE"; do
	h=${x%%:*} rest=${x#*:}
	f=${rest%%:*} fprs=${rest#*:}
	GNUPGHOME=$h gpg --batch -q --import "$f" 2>/dev/null
	for fpr in $fprs; do
		GNUPGHOME=$h gpg --batch --yes -q --quick-lsign-key "$fpr" \
		    >/dev/null 2>&1 || { echo "Bail out! cannot certify"; exit 99; }
	done
done

mkdir -p "$T/alice" "$T/bob"

# scenario NAME: a fresh stick $S, fresh state, an empty inbox $IN; $BOX
# and $BOX2 are Bob's folders, $ANY the shared one, $REJ rejected/.
scenario() {
	S="$T/sticks/$1"
	ASTATE="$T/state/$1-alice"
	BSTATE="$T/state/$1-bob"
	IN="$T/in/$1"
	BOX="$S/MULE/to/$BOB"
	BOX2="$S/MULE/to/$BOB2"
	ANY="$S/MULE/to/anyone"
	REJ="$S/MULE/rejected"
	J="$BSTATE/mule/journal"
	mkdir -p "$S" "$ASTATE" "$BSTATE" "$IN"
	ms_a init "$S" >/dev/null 2>&1
}

# st WANT CMD...: run CMD (stdout $T/out, stderr $T/err); add to $why
# unless it exits WANT.
st() {
	st_want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	st_got=$?
	[ "$st_got" -eq "$st_want" ] || why="$why exit $st_got, not $st_want;"
}

env_id() { plain "$BH" "$@" | tar -xOf - MULE-ENVELOPE 2>/dev/null | sed -n 's/^id: //p'; }

# put_one DESC-FILE FOLDER ARG...: Alice puts; CID of the new item in
# FOLDER (the first one named by -r), its ID in ID.
put_one() {
	po_box=$1; shift
	items "$po_box" >"$T/snap"
	st 0 ms_a put "$S" "$@"
	CID=$(items "$po_box" | comm -13 "$T/snap" - | head -n 1)
	CID=${CID%%.gpg*}
	[ -n "$CID" ] || why="$why put made no item in $po_box;"
	ID=$(env_id "$po_box/$CID".gpg*)
}

# quiet_get: stderr holds no error line (get reports on stdout)
no_error() {
	grep -q 'error:' "$T/err" && why="$why an error on stderr;"
}

# replayed CID ID FOLDER: "replay ALICE ID: REASON" on stdout, nothing
# delivered, the item's files gone from FOLDER and found in rejected/.
replayed() {
	grep -q "^replay from .*($ALICE): item $2: it came back" "$T/out" ||
	    why="$why no 'replay ALICE ID: it came back...' line;"
	grep -q '^delivered ' "$T/out" && why="$why something delivered;"
	[ -n "$(items "$3" | grep "^$1")" ] && why="$why still in $3;"
	[ -n "$(items "$REJ" | grep "^$1")" ] || why="$why not in rejected/;"
	no_error
}

printf 'for Bob\n' >"$T/m1"
printf 'for both of Bob\n' >"$T/m2"


# === 3. a removed item planted in another folder ===========================
scenario anyone
why=""
put_one "$BOX" -r "$BOB" "$T/m1"
cp "$BOX/$CID.gpg" "$T/copy"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "^delivered from .*($ALICE): .*-$ID$" "$T/out" || why="$why not delivered;"
[ -z "$(items "$BOX")" ] || why="$why not removed;"
tree "$IN" >"$T/tree.before"
cp "$T/copy" "$ANY/$CID.gpg"
st 1 ms_b get "$S" -C "$IN"
replayed "$CID" "$ID" "$ANY"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "3: delivered, removed, put back in to/anyone: replay, exit 1, moved to rejected/, inbox unchanged"

why=""
mkdir -p "$BOX2" && cp "$T/copy" "$BOX2/$CID.gpg"
st 1 ms_b get "$S" -C "$IN" --remove
replayed "$CID" "$ID" "$BOX2"
tree "$IN" | cmp -s - "$T/tree.before" || why="$why the inbox changed;"
verdict "3: ... put back in another of Bob's folders (one it is not for): replay, exit 1, moved aside"

why=""
cp "$T/copy" "$BOX/$CID.gpg"
st 1 ms_b get "$S" -C "$IN"
replayed "$CID" "$ID" "$BOX"
verdict "3: ... put back in its own folder: replay, exit 1, moved aside (as before)"

scenario hidden
why=""
put_one "$ANY" -r "$BOB" --hide-recipients "$T/m1"
cp "$ANY/$CID.gpg" "$T/copy"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "^delivered from .*($ALICE): .*-$ID$" "$T/out" || why="$why not delivered;"
[ -z "$(items "$ANY")" ] || why="$why not removed from to/anyone;"
mkdir -p "$BOX" && cp "$T/copy" "$BOX/$CID.gpg"
st 1 ms_b get "$S" -C "$IN"
replayed "$CID" "$ID" "$BOX"
verdict "3: a hidden-recipient item, delivered and removed, put back in Bob's folder: replay, exit 1"

# --- the copies that are not replays ----------------------------------------
scenario both
why=""
put_one "$BOX" -r "$BOB" -r "$BOB2" "$T/m2"
[ -f "$BOX2/$CID.gpg" ] || why="$why no copy in the second folder;"
cp "$BOX/$CID.gpg" "$T/copy"
st 0 ms_b get "$S" -C "$IN" --remove
[ "$(grep -c "^delivered from .*($ALICE): .*-$ID$" "$T/out")" -eq 1 ] || why="$why not delivered once;"
[ "$(grep -c "^already-delivered from .*($ALICE): item $ID\$" "$T/out")" -eq 1 ] ||
    why="$why the other copy not already-delivered;"
[ -z "$(items "$BOX")$(items "$BOX2")" ] || why="$why not removed from both;"
[ -z "$(items "$REJ")" ] || why="$why something in rejected/;"
verdict "3: an item for two of Bob's keys: delivered once, the other copy already-delivered, both removed, exit 0"

why=""
# A run killed after it removed the first copy, before the second: the
# second copy is back and the journal has no removal for its folder.
cp "$T/copy" "$BOX2/$CID.gpg"
grep -v "^removed .* $BOB2\$" "$J" >"$T/j" && cat "$T/j" >"$J"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "^already-delivered from .*($ALICE): item $ID\$" "$T/out" || why="$why not already-delivered;"
grep -q '^delivered \|^replay \|^rejected ' "$T/out" && why="$why delivered, replayed or rejected;"
[ -z "$(items "$BOX2")" ] || why="$why the copy was not removed;"
[ -z "$(items "$REJ")" ] || why="$why something in rejected/;"
verdict "3: ... the second copy left by a run killed midway: already-delivered and removed, exit 0"

why=""
cp "$T/copy" "$BOX2/$CID.gpg"
st 1 ms_b get "$S" -C "$IN"
replayed "$CID" "$ID" "$BOX2"
verdict "3: ... and once removed from there too, put back: replay, exit 1"

why=""
# Delivered without --remove: the journal says nothing was removed, so a
# copy elsewhere is still an item delivered before.
scenario kept
put_one "$BOX" -r "$BOB" "$T/m1"
st 0 ms_b get "$S" -C "$IN"
cp "$BOX/$CID.gpg" "$ANY/$CID.gpg"
st 0 ms_b get "$S" -C "$IN"
[ "$(grep -c "^already-delivered from .*($ALICE): item $ID\$" "$T/out")" -eq 2 ] ||
    why="$why not two already-delivered lines;"
st 0 ms_b get "$S" -C "$IN" --remove
[ -z "$(items "$BOX")" ] || why="$why not removed from Bob's folder;"
st 1 ms_b get "$S" -C "$IN"
replayed "$CID" "$ID" "$ANY"
verdict "3: delivered and kept, copied to to/anyone: already-delivered until a --remove; then a replay"

# === 4. a split item with a part missing ====================================
head -c 307200 /dev/urandom >"$T/r300k"

# split_item FOLDER ARG...: Alice puts r300k in parts of 64K; CID, ID set
split_item() {
	sp_box=$1; shift
	put_one "$sp_box" "$@" --split 64K "$T/r300k"
	[ "$(items "$sp_box" | grep -c "^$CID")" -ge 5 ] || why="$why not 5 parts;"
}

# rejected_whole CID FOLDER ERE: "rejected CID: REASON" (REASON matching
# ERE), nothing delivered, every part gone from FOLDER, the ones that
# were there in rejected/ ($T/parts lists them).
rejected_whole() {
	grep -Eq "^rejected $1: $3" "$T/out" ||
	    why="$why no 'rejected CID: $3' line;"
	grep -q '^delivered \|^already' "$T/out" && why="$why delivered;"
	[ -n "$(items "$2" | grep "^$1")" ] && why="$why parts left in the folder;"
	items "$REJ" | grep "^$1" | cmp -s - "$T/parts" ||
	    why="$why rejected/ holds: $(items "$REJ" | grep "^$1" | sed 's/.*gpg//' | tr '\n' ' ');"
	[ -z "$(ls -A "$IN")" ] || why="$why the inbox is not empty;"
	no_error
}

scenario part
why=""
split_item "$BOX" -r "$BOB"
rm -f "$BOX/$CID.gpg.003"
items "$BOX" | grep "^$CID" >"$T/parts"
st 1 ms_b get "$S" -C "$IN"
rejected_whole "$CID" "$BOX" 'part 003 .*missing'
verdict "4: a split item without part 003: rejected, exit 1, its other parts moved to rejected/"

why=""
split_item "$BOX" -r "$BOB"
rm -f "$BOX/$CID.gpg.001"
items "$BOX" | grep "^$CID" >"$T/parts"
# Lookalikes of a temporary: another name, a process that is not
# mule-stick (init), a process that is gone.
: >"$BOX/.mule-tmp.tmp"
: >"$BOX/.mule-1-0123456789ab.tmp"
sh -c 'exit 0' & dead=$!
wait $dead
: >"$BOX/.mule-$dead-0123456789ab.tmp"
: >"$BOX/.mule-$$-0123456789ab.tmp"
st 1 ms_b get "$S" -C "$IN"
rejected_whole "$CID" "$BOX" 'its first part is missing'
verdict "4: ... without its first part, beside temporaries of no running mule-stick: rejected, exit 1, moved aside"

why=""
split_item "$BOX" -r "$BOB"
rm -f "$BOX/$CID.gpg.002"
mkdir "$BOX/$CID.gpg.002"	# planted where the part was: never moved
items "$BOX" | grep "^$CID" | grep -v '\.002$' >"$T/parts"
st 1 ms_b get "$S" -C "$IN"
grep -q "warning: .*$CID.gpg.002: not a regular file, skipped" "$T/err" ||
    why="$why no warning about the directory;"
grep -v 'warning:' "$T/err" >"$T/err2" && mv "$T/err2" "$T/err"
[ -d "$BOX/$CID.gpg.002" ] || why="$why the planted directory was moved;"
rmdir "$BOX/$CID.gpg.002" 2>/dev/null
rejected_whole "$CID" "$BOX" 'part 002 .*missing'
verdict "4: ... a directory planted as part 002: rejected, exit 1, the files moved aside, the directory left alone"

scenario busy
why=""
split_item "$BOX" -r "$BOB"
rm -f "$BOX/$CID.gpg.001"
items "$BOX" | grep "^$CID" >"$T/parts"
# A put that runs (it waits for its standard input), on another stick.
mkdir -p "$T/other" && ms_a init "$T/other" >/dev/null 2>&1
rm -f "$T/fifo" && mkfifo "$T/fifo"
env GNUPGHOME="$AH" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
    mule-stick put "$T/other" -r "$BOB" - <"$T/fifo" >/dev/null 2>&1 &
putpid=$!
exec 3>"$T/fifo"
n=0
while [ "$(cat /proc/$putpid/comm 2>/dev/null)" != mule-stick ] && [ $n -lt 50 ]; do
	sleep 0.1; n=$((n + 1))
done
: >"$BOX/.mule-$putpid-0123456789ab.tmp"
st 0 ms_b get "$S" -C "$IN"
grep -q "warning: .*$CID: an item still being written, skipped" "$T/err" ||
    why="$why no warning that it is still being written;"
[ -s "$T/out" ] && why="$why a report line;"
items "$BOX" | grep "^$CID" | cmp -s - "$T/parts" || why="$why its parts moved;"
[ -z "$(items "$REJ")" ] || why="$why something in rejected/;"
verdict "4: ... beside a temporary of a mule-stick that runs: still being written, skipped with a warning, exit 0"

why=""
touch -d '2 days ago' "$BOX/.mule-$putpid-0123456789ab.tmp"
st 1 ms_b get "$S" -C "$IN"
rejected_whole "$CID" "$BOX" 'its first part is missing'
verdict "4: ... once that temporary is more than a day old: rejected, exit 1, moved aside"
exec 3>&-
wait $putpid

scenario shared
why=""
split_item "$ANY" -r "$BOB" --hide-recipients
rm -f "$ANY/$CID.gpg.002"
items "$ANY" | grep "^$CID" >"$T/parts"
st 1 ms_b get "$S" -C "$IN"
rejected_whole "$CID" "$ANY" 'part 002 .*missing'
verdict "4: a split item in to/anyone without part 002: rejected, exit 1, moved aside too (no use to anyone)"

scenario leftover
why=""
split_item "$BOX" -r "$BOB"
st 0 ms_b get "$S" -C "$IN"
grep -q "^delivered from .*($ALICE): .*-$ID$" "$T/out" || why="$why not delivered;"
mkdir -p "$T/keep" && cp "$BOX/$CID".gpg.* "$T/keep/"
rm -f "$BOX/$CID.gpg.001"	# as a killed --remove leaves it
st 0 ms_b get "$S" -C "$IN"
grep -q "^already-delivered from .*($ALICE): item $ID\$" "$T/out" || why="$why not already-delivered;"
st 0 ms_b get "$S" -C "$IN" --remove
[ -z "$(items "$BOX")" ] || why="$why --remove left parts;"
grep -q "^removed .* $CID $BOB\$" "$J" || why="$why no removal in the journal;"
cp "$T/keep/$CID.gpg.002" "$T/keep/$CID.gpg.003" "$BOX/"
items "$BOX" >"$T/parts"
st 1 ms_b get "$S" -C "$IN"
grep -q "^replay from .*($ALICE): item $ID: " "$T/out" || why="$why not a replay;"
[ -z "$(items "$BOX")" ] || why="$why still in the folder;"
verdict "4: what a killed --remove leaves of a delivered item: already-delivered, removed with --remove; parts put back: replay"

scenario split2
why=""
split_item "$BOX" -r "$BOB" -r "$BOB2"
[ "$(items "$BOX" | sed 's,^,x,')" = "$(items "$BOX2" | sed 's,^,x,')" ] ||
    why="$why the two folders differ;"
ls -A "$BOX" "$BOX2" | grep -q '^\.mule-' && why="$why a temporary left;"
st 0 ms_b get "$S" -C "$IN" --remove
grep -q "^delivered from .*($ALICE): .*-$ID$" "$T/out" || why="$why not delivered;"
cmp -s "$T/r300k" "$(find "$IN" -name r300k | head -n 1)" || why="$why content differs;"
verdict "4: a split item for two of Bob's keys: every part in both folders, delivered once, exit 0"

# === 5. a name the file system refuses ======================================
HAVE_FAT=""
command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 &&
    [ -c /dev/fuse ] && HAVE_FAT=yes
scenario fatname
FAT="$T/fat"
if [ -n "$HAVE_FAT" ] && truncate -s 40M "$T/fat.img" &&
    mkfs.vfat -F 32 "$T/fat.img" >/dev/null 2>&1 && mkdir -p "$FAT" &&
    fusefat -o rw+ "$T/fat.img" "$FAT" >/dev/null 2>&1; then
	why=""
	mkdir -p "$FAT/inbox" "$T/odd/sub"
	printf 'fine\n' >"$T/odd/fine.txt"
	printf 'colon\n' >"$T/odd/sub/a:b"
	put_one "$BOX" -r "$BOB" "$T/odd"
	ODD=$CID ODDID=$ID
	put_one "$BOX" -r "$BOB" "$T/m1"
	GOOD=$CID GOODID=$ID
	st 1 ms_b get "$S" -C "$FAT/inbox"
	grep -q "^rejected $ODD: entry 'odd/sub/a:b': a name the file system of the target refuses\$" "$T/out" ||
	    why="$why no 'rejected CID: entry ...: a name the file system ... refuses' line;"
	grep -q "^delivered from .*($ALICE): .*-$GOODID$" "$T/out" || why="$why the good item not delivered;"
	[ -n "$(items "$BOX" | grep "^$ODD")" ] && why="$why still in Bob's folder;"
	[ -n "$(items "$REJ" | grep "^$ODD")" ] || why="$why not in rejected/;"
	[ -z "$(find "$FAT/inbox" -name 'odd' -o -name 'fine.txt' -o -name '.mule-*')" ] ||
	    why="$why something of it (or a staging directory) in the inbox;"
	no_error
	verdict "5: get -C onto FAT of an item with a file named 'a:b': rejected, exit 1, moved aside; the other item delivered"
	fusermount -u "$FAT" 2>/dev/null
else
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
fi

done_testing
