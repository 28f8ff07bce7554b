#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile neighbours (issue 10): somebody with write access to DIR changes
# it while mule-bundle -x commits.  Each race is made to fire every time
# with a pause point (--enable-test-hooks): the process stops there, the
# test swaps a directory for a symlink to a victim directory outside DIR
# (or creates the file in between), and lets it go on.  Then: the exit
# status, the victim byte for byte as it was (modes, times, contents),
# and nothing left in DIR that should not be.  Without hooks, only the
# plain regression tests and the FAT round trips run.
. "$srcdir/tests/lib.sh"

TZ=UTC
export TZ

setup_keys

mb() { with_timeout mule-bundle "$@"; }

# mk OUT PATH...: a bundle to Bob, signed by Alice.
mk() {
	mk_out=$1; shift
	mb -q -r bob@example.org -u alice@example.org -o "$mk_out" "$@" \
	    >/dev/null 2>"$T/mk.err" || {
		sed 's/^/#   mk: /' "$T/mk.err" >&2
		return 1
	}
}

# snap DIR: every entry below DIR and DIR itself (type, mode, size,
# mtime, link target) and every file's digest.
snap() {
	(cd "$1" && find . -printf '%P|%y|%m|%s|%T@|%l\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort -k2)
}

# entries DIR: the names in DIR, on one line.
entries() { ls -A "$1" | tr '\n' ' '; }

# skip_hooks N: N skip lines, for a build without pause points.
skip_hooks() {
	i=0
	while [ $i -lt "$1" ]; do
		skip "built without --enable-test-hooks"
		i=$((i + 1))
	done
}

# --- bundles ------------------------------------------------------------------
# u.asc: a/b (a file in a directory) and then z (a file): with --overwrite
# into a DIR that has a/, the commit merges a/b into it first.
mkdir -p "$T/src/u/a" && echo new >"$T/src/u/a/b" && echo zz >"$T/src/u/z"
mk "$T/u.asc" "$T/src/u/a" "$T/src/u/z" || exit 99
# m.asc: a/ with b/ (mode 555: its mode is set last) holding a file, and
# c/ (mode 700), both last changed in 2001.
mkdir -p "$T/src/m/a/b" "$T/src/m/a/c" && echo x >"$T/src/m/a/b/f"
chmod 555 "$T/src/m/a/b" && chmod 700 "$T/src/m/a/c"
touch -d @978307200 "$T/src/m/a/b" "$T/src/m/a/c"
mk "$T/m.asc" "$T/src/m/a" || exit 99
chmod 755 "$T/src/m/a/b"

# victim NAME: a directory outside every DIR, with what the undo or the
# modes would reach: b (a file), c and sub/ with a file.
victim() {
	rm -rf "${T:?}/$1" && mkdir -p "$T/$1/sub" &&
	    echo precious >"$T/$1/b" && echo other >"$T/$1/sub/c" &&
	    mkdir "$T/$1/c" && chmod 751 "$T/$1/c" "$T/$1/sub" &&
	    touch -d @1500000000 "$T/$1/b" "$T/$1/c" "$T/$1/sub/c" "$T/$1/sub" \
	    "$T/$1"
}

# --- plain regressions (no pause) ------------------------------------------
# A commit that fails half-way undoes its moves: the file merged into a/
# goes, a/old stays.
rm -rf "$T/d0" && mkdir -p "$T/d0/a" "$T/d0/z" && echo old >"$T/d0/a/old"
run_status 2 mb -x --overwrite -C "$T/d0" "$T/u.asc"
check "--overwrite, a directory where the bundle has a file: exit 2" \
    grep -q "z: a directory, which a file never replaces" "$T/err"
check "... the file merged before it is taken back, a/old stays, no temporary" \
    [ "$(entries "$T/d0")" = "a z " ] && [ "$(entries "$T/d0/a")" = "old " ]
# Directory modes and times, set in staging before the move (555 last).
rm -rf "$T/d0" && mkdir "$T/d0"
run_status 0 mb -x -C "$T/d0" "$T/m.asc"
check "modes and times of the directories: b 555, c 700, both of 2001" \
    [ "$(stat -c '%a %Y' "$T/d0/a/b" "$T/d0/a/c" | tr '\n' ' ')" = \
    "555 978307200 700 978307200 " ]
chmod 755 "$T/d0/a/b"

# More directories than are held open (256): the modes set last, and the
# undo of a merge, find the rest again below DIR.
mkdir -p "$T/src/many/w" && echo z >"$T/src/many/z"
i=0
while [ $i -lt 300 ]; do
	mkdir "$T/src/many/w/d$i" && echo f >"$T/src/many/w/d$i/f"
	i=$((i + 1))
done
chmod 555 "$T"/src/many/w/d*
mk "$T/many.asc" "$T/src/many/w" "$T/src/many/z" || exit 99
rm -rf "$T/d0" && mkdir "$T/d0"
run_status 0 mb -x -C "$T/d0" "$T/many.asc"
check "300 directories of mode 555: every one gets it (exit 0)" \
    [ "$(find "$T/d0/w" -mindepth 1 -type d -perm 555 | wc -l)" -eq 300 ]
chmod -R u+w "$T/d0"
rm -rf "$T/d0" && mkdir -p "$T/d0/z"
i=0
while [ $i -lt 300 ]; do mkdir -p "$T/d0/w/d$i"; i=$((i + 1)); done
run_status 2 mb -x --overwrite -C "$T/d0" "$T/many.asc"
check "300 directories merged into, then a failure: exit 2" \
    grep -q "z: a directory, which a file never replaces" "$T/err"
check "... every file merged is taken back, no temporary" \
    [ "$(find "$T/d0" -type f | wc -l)" -eq 0 ] && no_temps "$T/d0"

# --- 0: the staging directory itself -------------------------------------------
# Between its mkdir and its open, another user puts a directory of theirs
# (mode 777) in its place: mule must not write the unverified plaintext
# into it, nor empty it when it gives up.
if has_test_hooks; then
	rm -rf "$T/d3" && mkdir "$T/d3"
	if pause_at staging-new-after-mkdir mule-bundle -x -C "$T/d3" "$T/u.asc"
	then
		stage=$(cd "$T/d3" && ls -d .mule-*.stage)
		mv "$T/d3/$stage" "$T/d3/ours" && mkdir -m 777 "$T/d3/$stage" &&
		    echo mine >"$T/d3/$stage/keep" &&
		    chown -R 65534:65534 "$T/d3/$stage"
		resume
		st=$?
	else
		st=none
		stage=none
	fi
	check "staging swapped for another user's directory: exit 2" \
	    [ "$st" = 2 ] && grep -q 'another directory took its place' "$T/err"
	check "... nothing written into it, nothing taken from it" \
	    [ "$(entries "$T/d3/$stage")" = "keep " ] &&
	    [ "$(cat "$T/d3/$stage/keep")" = mine ]
else
	skip_hooks 2
fi

# --- 1: the undo after a failure half-way -----------------------------------
# Paused after a/b was merged into DIR/a: DIR/a becomes a symlink to the
# victim, and z a directory so that the commit fails and undoes a/b.  By
# path, the undo moved victim/b into staging, which was then deleted.
if has_test_hooks; then
	victim victim1
	before=$(snap "$T/victim1")
	rm -rf "$T/d1" && mkdir -p "$T/d1/a"
	if pause_at staging-commit-after-first-move \
	    mule-bundle -x --overwrite -C "$T/d1" "$T/u.asc"; then
		mv "$T/d1/a" "$T/d1/a.moved" && ln -s ../victim1 "$T/d1/a" &&
		    mkdir "$T/d1/z"
		resume
		st=$?
	else
		st=none
	fi
	check "undo race: the commit fails (exit 2)" [ "$st" = 2 ]
	check "... the victim outside DIR is unchanged" \
	    [ "$(snap "$T/victim1")" = "$before" ]
	check "... a/b, followed by its held directory, is taken back too" \
	    [ -z "$(entries "$T/d1/a.moved")" ]
	check "... DIR holds what the neighbour made, and no temporary" \
	    [ "$(entries "$T/d1")" = "a a.moved z " ]

	# The same, the directory of the merge replaced by one of the
	# neighbour's own that holds a file named b: left alone.
	rm -rf "$T/d1" && mkdir -p "$T/d1/a"
	if pause_at staging-commit-after-first-move \
	    mule-bundle -x --overwrite -C "$T/d1" "$T/u.asc"; then
		mv "$T/d1/a" "$T/d1/a.moved" && mkdir "$T/d1/a" &&
		    echo theirs >"$T/d1/a/b" && mkdir "$T/d1/z"
		resume
		st=$?
	else
		st=none
	fi
	check "undo race, a/ replaced by another directory: exit 2" [ "$st" = 2 ]
	check "... its b (not the one moved) is left alone" \
	    [ "$(cat "$T/d1/a/b")" = theirs ] &&
	    [ -z "$(entries "$T/d1/a.moved")" ]

	# The staging directory renamed away and a directory of DIR put
	# under its name: the failed commit removes only its own.
	rm -rf "$T/d1" && mkdir -p "$T/d1/a" "$T/d1/keep" &&
	    echo kept >"$T/d1/keep/f"
	if pause_at staging-commit-after-first-move \
	    mule-bundle -x --overwrite -C "$T/d1" "$T/u.asc"; then
		stage=$(cd "$T/d1" && ls -d .mule-*.stage)
		mv "$T/d1/$stage" "$T/d1/elsewhere" &&
		    mv "$T/d1/keep" "$T/d1/$stage" && mkdir "$T/d1/z"
		resume
		st=$?
	else
		st=none
		stage=none
	fi
	check "staging swapped for a directory of DIR: exit 2" [ "$st" = 2 ]
	check "... which is not removed: only the real staging is emptied" \
	    [ "$(cat "$T/d1/$stage/f" 2>/dev/null)" = kept ] &&
	    [ -z "$(entries "$T/d1/elsewhere")" ]
else
	skip_hooks 8
fi

# --- 2: modes and times after the commit --------------------------------------
# Paused after the moves, before the mode that is set last: DIR/a becomes
# a symlink to the victim.  By path, mule chmod'ed and utime'd victim/b
# and victim/c (exit 0).
if has_test_hooks; then
	victim victim2
	before=$(snap "$T/victim2")
	rm -rf "$T/d2" && mkdir "$T/d2"
	if pause_at staging-before-meta mule-bundle -x -C "$T/d2" "$T/m.asc"
	then
		mv "$T/d2/a" "$T/d2/a.moved" && ln -s ../victim2 "$T/d2/a"
		resume
		st=$?
	else
		st=none
	fi
	check "meta race: the extraction succeeds (exit 0)" [ "$st" = 0 ]
	check "... the victim outside DIR is unchanged" \
	    [ "$(snap "$T/victim2")" = "$before" ]
	check "... the directories extracted got their modes and times" \
	    [ "$(stat -c '%a %Y' "$T/d2/a.moved/b" "$T/d2/a.moved/c" |
	    tr '\n' ' ')" = "555 978307200 700 978307200 " ]
	chmod 755 "$T/d2/a.moved/b"
else
	skip_hooks 3
fi

# --- 3: on FAT (fusefat): no RENAME_NOREPLACE, no hard links ------------------
FAT="$T/fat"
if command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 \
    && [ -c /dev/fuse ] && mkdir "$FAT" && truncate -s 16M "$T/fat.img" &&
    mkfs.vfat -n MULE "$T/fat.img" >/dev/null 2>&1 &&
    fusefat -o rw+ "$T/fat.img" "$FAT" >/dev/null 2>&1 &&
    mkdir "$FAT/x" 2>/dev/null; then
	# Round trips, and --overwrite, which replaces file by file.
	mkdir -p "$T/src/t/d/e" && echo one >"$T/src/t/x.txt" &&
	    echo two >"$T/src/t/d/y.txt" && touch -d @978307200 "$T/src/t/d"
	mk "$T/t1.asc" "$T/src/t"
	echo three >"$T/src/t/d/y.txt" && echo new >"$T/src/t/d/e/n.txt"
	touch -d @978307200 "$T/src/t/d"
	mk "$T/t2.asc" "$T/src/t"
	run_status 0 mb -x -C "$FAT/x" "$T/t1.asc"
	check "FAT: a tree extracts (exit 0)" \
	    [ "$(cat "$FAT/x/t/x.txt" "$FAT/x/t/d/y.txt" | tr '\n' ' ')" = \
	    "one two " ] && [ -d "$FAT/x/t/d/e" ]
	check "... a directory keeps its time (made, filled, then dated)" \
	    [ "$(stat -c %Y "$FAT/x/t/d")" = 978307200 ]
	check "... and no temporary is left" no_temps "$FAT/x"
	run_status 2 mb -x -C "$FAT/x" "$T/t2.asc"
	check "FAT: again without --overwrite: exit 2, nothing changed" \
	    grep -q 'exists' "$T/err" && [ "$(cat "$FAT/x/t/d/y.txt")" = two ] &&
	    [ ! -e "$FAT/x/t/d/e/n.txt" ]
	run_status 0 mb -x --overwrite -C "$FAT/x" "$T/t2.asc"
	check "FAT: --overwrite replaces and adds files (exit 0)" \
	    [ "$(cat "$FAT/x/t/x.txt" "$FAT/x/t/d/y.txt" "$FAT/x/t/d/e/n.txt" |
	    tr '\n' ' ')" = "one three new " ]
	check "... and leaves no temporary anywhere" \
	    [ -z "$(find "$FAT/x" -name '.mule-*' -o -name '.fuse_hidden*')" ]
	rm -rf "${FAT:?}/x" && mkdir "$FAT/x" && mkdir "$FAT/x/z"
	run_status 2 mb -x --overwrite -C "$FAT/x" "$T/u.asc"
	check "FAT: a commit that fails half-way is undone (exit 2)" \
	    [ "$(entries "$FAT/x")" = "z " ]

	mkdir -p "$T/src/f" && echo ours >"$T/src/f/f.txt"
	mk "$T/f.asc" "$T/src/f/f.txt"
	mule-seal -q -r bob@example.org -u alice@example.org \
	    <"$T/src/f/f.txt" >"$T/f.msg" 2>/dev/null
	if has_test_hooks; then
		# The name is reserved, then somebody removes the reservation
		# and writes a file of their own there, or writes into it.
		for how in replace write; do
			rm -rf "${FAT:?}/x" && mkdir "$FAT/x"
			if pause_at noreplace-after-check \
			    mule-bundle -x -C "$FAT/x" "$T/f.asc"; then
				[ $how = replace ] && rm -f "$FAT/x/f.txt"
				echo theirs >"$FAT/x/f.txt"
				resume
				st=$?
			else
				st=none
			fi
			check "FAT no-replace race ($how): exit 2, 'exists'" \
			    [ "$st" = 2 ] && grep -q 'f.txt: exists' "$T/err"
			check "... their file is kept, no temporary is left" \
			    [ "$(cat "$FAT/x/f.txt")" = theirs ] &&
			    [ "$(entries "$FAT/x")" = "f.txt " ]
		done
		# The same for an atomic output (mule-open -o).
		rm -rf "${FAT:?}/x" && mkdir "$FAT/x"
		if pause_at noreplace-after-check \
		    mule-open -o "$FAT/x/out.txt" "$T/f.msg"; then
			rm -f "$FAT/x/out.txt"
			echo theirs >"$FAT/x/out.txt"
			resume
			st=$?
		else
			st=none
		fi
		check "FAT no-replace race, mule-open -o: exit 2" [ "$st" = 2 ]
		check "... their file is kept, no temporary is left" \
		    [ "$(cat "$FAT/x/out.txt")" = theirs ] &&
		    [ "$(entries "$FAT/x")" = "out.txt " ]
	else
		skip_hooks 6
	fi
	rm -rf "${FAT:?}/x" && mkdir "$FAT/x"
	run_status 0 with_timeout mule-open -o "$FAT/x/out.txt" "$T/f.msg"
	check "FAT: mule-open -o writes the file (exit 0)" \
	    [ "$(cat "$FAT/x/out.txt")" = ours ] &&
	    [ "$(entries "$FAT/x")" = "out.txt " ]
	run_status 2 with_timeout mule-open -o "$FAT/x/out.txt" "$T/f.msg"
	check "FAT: ... again: exit 2, the file as it was" \
	    grep -q 'exists' "$T/err"
	fusermount -u "$FAT" 2>/dev/null
else
	i=0
	while [ $i -lt 15 ]; do
		skip "no fusefat, mkfs.vfat or /dev/fuse"
		i=$((i + 1))
	done
fi

done_testing
