# SPDX-License-Identifier: GPL-3.0-or-later
# bundle-lib.sh - helpers of the mule-bundle tests (t-bundle-*.sh) and
# the trees they bundle.  Source it after lib.sh.
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

# bundle_world: UTC, umask 022, the cast (setup_keys) and the trees in $S: plain
# (ordinary names: sha256sum -c can check its manifest) and odd (every
# awkward name, type and mode; $ODDN entries, $ODDF files).
bundle_world() {
	TZ=UTC
	export TZ
	umask 022
	setup_keys

	NL=$(printf '\nx')
	NL=${NL%x}
	FF=$(printf '\377')
	LONG=$(printf '%0255d' 0 | tr 0 n)
	S="$T/src"
	mkdir -p "$S"
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
}

# bundle_big: $S/big, 200 MiB of random bytes and a small file.
bundle_big() {
	mkdir -p "$S/big"
	head -c 200M /dev/urandom >"$S/big/r200"
	echo 'small' >"$S/big/small"
}
