#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-fat.sh - mule-stick, a USB stick as a mailbox between Alice and
# Bob (their world: stick_world in stick-lib.sh): a full stick (tmpfs,
# small FAT); a real FAT32 stick (fusefat) with a split item.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r300k:307200 r3m:3145728 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# === a full stick ========================================================================
# full_stick DESC DIR: put 3 MiB fails (exit 2) with no item, at most
# temporaries; the next put removes them and succeeds.
full_stick() {
	fs_desc=$1
	S=$2
	BOX="$S/MULE/to/$BOB"
	why=""
	st 0 ms_a init "$S"
	[ -n "$why" ] && { verdict "$fs_desc: init"; skip "$fs_desc"; skip "$fs_desc"; return; }
	st 2 ms_a put "$S" -r "$BOB" "$SRC/r3m"
	[ -z "$(items "$BOX")" ] || why="$why item files left: $(items "$BOX" | tr '\n' ' ');"
	left=$(ls -A "$BOX" 2>/dev/null | grep -v '^\.mule-.*\.tmp$')
	[ -z "$left" ] || why="$why left: $(echo $left);"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$fs_desc: put of 3 MiB fails with exit 2, no item, at most .mule-*.tmp"
	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	[ -z "$(temps "$BOX")" ] || why="$why still there: $(temps "$BOX");"
	verdict "$fs_desc: the next put succeeds and removes the temporaries"
	why=""
	st 0 ms_b get "$S" -C "$IN"
	[ "$(grep -c '^delivered ' "$T/out")" -eq 1 ] || why="$why not one item delivered;"
	verdict "$fs_desc: Bob gets the one item"
}
scenario fullfs
mkdir -p "$T/tmpfs"
if mount -t tmpfs -o size=1m tmpfs "$T/tmpfs" 2>/dev/null; then
	full_stick "a full tmpfs (1 MiB)" "$T/tmpfs"
	umount "$T/tmpfs" 2>/dev/null
else
	for i in 1 2 3; do skip "mount -t tmpfs refused: no full-disk test"; done
fi


scenario fullfat
if [ -n "$HAVE_FAT" ] && truncate -s 1M "$T/small.img" &&
    mkfs.vfat "$T/small.img" >/dev/null 2>&1 && fat_mount "$T/small.img" "$T/smallfat"; then
	full_stick "a full FAT stick (1 MiB image)" "$T/smallfat"
	fusermount -u "$T/smallfat" 2>/dev/null
else
	for i in 1 2 3; do skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"; done
fi

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
