#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-fat.sh - mule-stick, a USB stick as a mailbox between Alice and
# Bob (their world: stick_world in stick-lib.sh): a full stick (tmpfs,
# small FAT), checked before sealing and said as "the stick is full"
# whatever errno the driver uses; a full stick mounted read-only; a file
# too large (EFBIG); a real FAT32 stick (fusefat) with a split item.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r300k:307200 r3m:3145728 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# === a full stick ========================================================================
# full_stick DESC DIR: put 3 MiB fails (exit 2) with "the stick is full",
# before anything is sealed, with no item, at most temporaries; so does a
# put whose size is not known before (standard input), all or nothing;
# the next put removes the temporaries and succeeds.
FULL_TESTS=6
full_stick() {
	fs_desc=$1
	S=$2
	BOX="$S/MULE/to/$BOB"
	why=""
	st 0 ms_a init "$S"
	[ -n "$why" ] && { verdict "$fs_desc: init"; i=1; while [ $i -lt $FULL_TESTS ]; do
	    skip "$fs_desc"; i=$((i + 1)); done; return; }
	st 2 ms_a put "$S" -r "$BOB" "$SRC/r3m"
	[ -z "$(items "$BOX")" ] || why="$why item files left: $(items "$BOX" | tr '\n' ' ');"
	left=$(ls -A "$BOX" 2>/dev/null | grep -v '^\.mule-.*\.tmp$')
	[ -z "$left" ] || why="$why left: $(echo $left);"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	grep -q '^mule-stick: error: the stick is full: [0-9.]* [KM]*i*B free, about [0-9.]* MiB needed$' "$T/err" ||
	    why="$why not 'the stick is full: N free, about M needed';"
	[ -z "$(ls -A "$ASTATE/mule" 2>/dev/null)" ] || why="$why state recorded: $(ls -A "$ASTATE/mule");"
	verdict "$fs_desc: put of 3 MiB fails with exit 2, 'the stick is full: N free, about M needed', nothing numbered, no item"

	why=""
	if has_test_hooks; then
		if pause_at stick-put-after-open env GNUPGHOME="$AH" HOME="$T/alice" \
		    XDG_STATE_HOME="$ASTATE" mule-stick put "$S" -r "$BOB" "$SRC/r3m"; then
			why="$why put began to store an item;"
			resume
		fi
		grep -q 'error: the stick is full: .* needed$' "$T/err" || why="$why not the check's error;"
		verdict "$fs_desc: ... said before any item is sealed (the pause point after its folder is opened is not reached)"
	else
		skip "$fs_desc: the pause point needs --enable-test-hooks"
	fi

	why=""
	st 2 ms_a put "$S" -r "$BOB" "$SRC/report.txt" - <"$SRC/r3m"
	[ -z "$(items "$BOX")" ] || why="$why item files left: $(items "$BOX" | tr '\n' ' ');"
	left=$(ls -A "$BOX" 2>/dev/null | grep -v '^\.mule-.*\.tmp$')
	[ -z "$left" ] || why="$why left: $(echo $left);"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	grep -q '^mule-stick: error: the stick is full: [0-9.]* [KM]*i*B free$' "$T/err" ||
	    why="$why not 'the stick is full: N free';"
	verdict "$fs_desc: report.txt and 3 MiB on standard input (no size to check first): exit 2, 'the stick is full', neither item left"

	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	[ -z "$(temps "$BOX")" ] || why="$why still there: $(temps "$BOX");"
	verdict "$fs_desc: the next put succeeds and removes the temporaries"
	why=""
	st 0 ms_b get "$S" -C "$IN"
	[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not one item delivered;"
	verdict "$fs_desc: Bob gets the one item"
}
# read_only DESC: the stick $S, full and mounted read-only: a put says
# so, not that the stick is full.
read_only() {
	why=""
	snap "$BOX"
	st 2 ms_a put "$S" -r "$BOB" "$SRC/report.txt"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	grep -q 'error: .*Read-only file system' "$T/err" || why="$why not 'Read-only file system';"
	grep -q 'full' "$T/err" && why="$why 'full' said;"
	[ -z "$(added "$BOX")" ] || why="$why an item was put;"
	verdict "$1"
}
scenario fullfs
mkdir -p "$T/tmpfs"
if mount -t tmpfs -o size=1m tmpfs "$T/tmpfs" 2>/dev/null; then
	full_stick "a full tmpfs (1 MiB)" "$T/tmpfs"
	head -c 2M /dev/zero >"$T/tmpfs/filler" 2>/dev/null
	if mount -o remount,ro "$T/tmpfs" 2>/dev/null; then
		read_only "a full tmpfs mounted read-only: 'Read-only file system', not full"
	else
		skip "mount -o remount,ro refused"
	fi
	umount "$T/tmpfs" 2>/dev/null
else
	i=0; while [ $i -lt $((FULL_TESTS + 1)) ]; do
	    skip "mount -t tmpfs refused: no full-disk test"; i=$((i + 1)); done
fi


scenario fullfat
if [ -n "$HAVE_FAT" ] && truncate -s 1M "$T/small.img" &&
    mkfs.vfat "$T/small.img" >/dev/null 2>&1 && fat_mount "$T/small.img" "$T/smallfat"; then
	full_stick "a full FAT stick (1 MiB image, fusefat: EPERM)" "$T/smallfat"
	head -c 2M /dev/zero >"$T/smallfat/filler" 2>/dev/null
	fusermount -u "$T/smallfat" 2>/dev/null
	if fusefat -o ro "$T/small.img" "$T/smallfat" >/dev/null 2>&1; then
		read_only "a full FAT stick mounted read-only (fusefat -o ro): 'Read-only file system', not full"
		fusermount -u "$T/smallfat" 2>/dev/null
	else
		skip "fusefat -o ro failed"
	fi
else
	i=0; while [ $i -lt $((FULL_TESTS + 1)) ]; do
	    skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"; i=$((i + 1)); done
fi

# === a file too large for the stick ============================================================
# FAT holds files under 4 GiB and says EFBIG; a file size limit makes the
# same error on any file system (SIGXFSZ ignored, as a shell may).
scenario efbig
why=""
(trap '' XFSZ; ulimit -f 200 && ms_a put "$S" -r "$BOB" "$SRC/r300k") >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 2 ] || why="$why exit $rc;"
one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
grep -q '^mule-stick: error: the stick cannot hold a file this large$' "$T/err" || why="$why the error;"
grep -q '^mule-stick: hint: .*--split 4000M' "$T/err" || why="$why no hint to --split 4000M;"
[ -z "$(items "$BOX")" ] || why="$why an item was put;"
verdict "EFBIG (a file too large for the stick): exit 2, 'the stick cannot hold a file this large', a hint to --split 4000M"

# === a real FAT32 stick ====================================================================
scenario fat
FAT="$T/fat"
if [ -n "$HAVE_FAT" ] && truncate -s 40M "$T/fat.img" &&
    mkfs.vfat -F 32 "$T/fat.img" >/dev/null 2>&1 && fat_mount "$T/fat.img" "$FAT"; then
	S=$FAT
	BOX="$S/MULE/to/$BOB"
	why=""
	st 0 ms_a init "$S"
	put_new a "$S" -r "$BOB" "$SRC/report.txt"; F1=$NEW
	put_new a "$S" -r "$BOB" - <"$SRC/msg"; F2=$NEW
	snap "$BOX"
	st 0 ms_a put "$S" -r "$BOB" --split 64K "$SRC/r300k"
	FSP=$(added "$BOX")
	F3=$(printf '%s\n' "$FSP" | head -n 1 | sed 's/\.gpg.*//')
	F3N=$(printf '%s\n' "$FSP" | grep -c .)
	[ "$F3N" -ge 5 ] || why="$why the split item has $F3N parts;"
	[ -z "$(temps "$BOX")" ] || why="$why temporaries left: $(temps "$BOX");"
	verdict "FAT32 (fusefat): init, put a file, stdin and a --split 64K item of 300 KiB"

	why=""
	st 0 ms_a list "$S"
	[ "$(grep -c '^  [0-9a-f]\{64\}  ' "$T/out")" -eq 3 ] || why="$why not three item lines;"
	awk -v c="$F3" '$1 == c' "$T/out" | grep -q "^  $F3  [0-9.]* KiB in $F3N parts, written " ||
	    why="$why the split item's line is wrong;"
	verdict "FAT32: list shows the three items, the split one with its parts"

	why=""
	fusermount -u "$FAT" 2>/dev/null
	fat_mount "$T/fat.img" "$FAT" || why="$why cannot mount it again;"
	st 0 ms_b get "$S" -C "$IN" --remove
	[ "$(grep -c '^delivered ' "$T/out")" -eq 3 ] || why="$why not three delivered;"
	cmp -s "$SRC/report.txt" "$(find "$IN" -name report.txt | head -n 1)" || why="$why report.txt differs;"
	cmp -s "$SRC/msg" "$(find "$IN" -name message.txt | head -n 1)" || why="$why message.txt differs;"
	cmp -s "$SRC/r300k" "$(find "$IN" -name r300k | head -n 1)" || why="$why r300k differs;"
	verdict "FAT32: unmounted and mounted again, Bob's get delivers all three with the right content"

	why=""
	[ -z "$(ls -A "$BOX" 2>/dev/null)" ] || why="$why MULE/to/BOB holds: $(ls -A "$BOX" | tr '\n' ' ');"
	[ "$(ls -A "$S" | tr '\n' ' ')" = "MULE " ] || why="$why the stick's top holds: $(ls -A "$S" | tr '\n' ' ');"
	verdict "FAT32: --remove empties the folder (every part), nothing outside MULE/"

	why=""
	# Delivered ONTO the FAT file system: fusefat loses what is inside a
	# renamed directory, so the delivery folder is filled file by file.
	mkdir -p "$T/ftree/sub" "$FAT/inbox"
	echo top >"$T/ftree/a.txt" && echo deep >"$T/ftree/sub/b.txt"
	put_new a "$S" -r "$BOB" "$T/ftree"
	st 0 ms_b get "$S" -C "$FAT/inbox"
	d=$(find "$FAT/inbox" -type d -name ftree | head -n 1)
	[ -n "$d" ] && cmp -s "$T/ftree/a.txt" "$d/a.txt" &&
	    cmp -s "$T/ftree/sub/b.txt" "$d/sub/b.txt" || why="$why the tree was not delivered whole;"
	[ -z "$(find "$FAT/inbox" -name '.mule-*')" ] || why="$why a staging directory was left;"
	verdict "FAT32: get -C onto the FAT file system delivers a directory item whole"
	fusermount -u "$FAT" 2>/dev/null
else
	for i in 1 2 3 4 5; do skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"; done
fi

done_testing
