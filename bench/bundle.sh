#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/bundle.sh - mule-bundle against `tar -c | gpg -sea`, gpgtar and
# `gpg -d | tar -x`, in the same run.
#
# Usage: sh bench/bundle.sh [quick]
#
# Three trees are made once: many small files (full: 10,000 files of 5000
# bytes in 50 directories, about 50 MB; quick: 2,000) and a few large ones
# (full: 20 files of 50 MiB; quick: 5 files of 20 MiB), all incompressible;
# and small text files that compress like prose (full: 3,000 files of 0.5 to
# 4 KiB in 10 directories, about 6.7 MiB; quick: 1,000), issue 19's line.
# For each tree: create armoured against `tar -c | gpg -sea`, create
# --binary against `gpgtar --encrypt --sign`, extract against
# `gpg -d | tar -x`, and mule-bundle's own peak memory.  Every time is the
# median of interleaved runs and is reported as a ratio against the gpg
# command timed in the same rounds.  See bench/README for each line.
#
# Environment: MULE_BUNDLE (the binary; default: src/mule-bundle of this
# tree), RUNS and BIG_RUNS (timed rounds per line for the small-file and the
# large-file tree; full 5 and 3, quick 3 and 3), MEM_RUNS and BIG_MEM_RUNS
# (samples per memory line, median; full 3 and 1, quick 3 and 3), TMPDIR
# (where the throwaway directory goes).

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	NSMALL=10000	# small-file tree: files (in 50 directories) ...
	SMALL_BYTES=5000	# ... of this many bytes each
	NBIG=20		# large-file tree: files ...
	BIG_MIB=50	# ... of this many MiB each
	NTEXT=3000	# text tree: files of 512 to 4095 bytes (in 10 directories)
	: "${RUNS:=5}"		# timed rounds, small-file tree
	: "${BIG_RUNS:=3}"	# timed rounds, large-file tree
	: "${MEM_RUNS:=3}"	# memory samples, small-file tree
	: "${BIG_MEM_RUNS:=1}"	# memory samples, large-file tree
	;;
quick)
	NSMALL=2000
	SMALL_BYTES=5000
	NBIG=5
	BIG_MIB=20
	NTEXT=1000
	: "${RUNS:=3}"
	: "${BIG_RUNS:=3}"
	: "${MEM_RUNS:=3}"
	: "${BIG_MEM_RUNS:=3}"
	;;
*)
	echo "usage: sh bench/bundle.sh [quick]" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
mule_binaries BUNDLE
need_tools gpg gpgtar gpgconf tar diff
need_ns_date

START=$(date +%s)
one_home

# Progress, without the $W of the command strings (see below).
say() { printf '%s\n' "bench: $*" | sed 's#\$W ##g' >&2; }

BUILT=$(built_time "$BUNDLE")
copy_binaries BUNDLE
VERSION=$("$BUNDLE" --version 2>/dev/null | head -1)

# ---------------------------------------------------------------- keys
keys_in_one_home
gpg --batch --check-trustdb >/dev/null 2>&1
start_agent "$GNUPGHOME"

# ---------------------------------------------------------------- tools
FMT='%-50s %11s %11s %7s %9s  %s\n'	# the table's rows
# gone FILE...: FILE... removed, nothing dirty in the page cache.
gone() { rm -f "$@" && sync; }
# mule-bundle's peak memory (see find_memtool).
find_memtool

# ---------------------------------------------------------------- data
LOAD0=$(loadavg)
D=$T/data
mkdir "$D"
define_random

SMALL=files
per=$((NSMALL / 50))
NSMALL=$((per * 50))
say "mode $mode: $NSMALL files of $SMALL_BYTES bytes, $NBIG files of" \
    "$BIG_MIB MiB, $NTEXT text files; $RUNS runs"
mkdir "$D/$SMALL"
k=0
while [ $k -lt 50 ]; do
	dir=$D/$SMALL/$(printf 'dir%02d' $k)
	mkdir "$dir" || exit 2
	random $((per * SMALL_BYTES)) | split -b "$SMALL_BYTES" -a 4 -d - "$dir/file-" \
	    || { say "split failed"; exit 2; }
	k=$((k + 1))
done
BIG=large
mkdir "$D/$BIG"
random $((NBIG * BIG_MIB * 1048576)) | split -b $((BIG_MIB * 1048576)) -a 2 -d - \
    "$D/$BIG/file-" || { say "split failed"; exit 2; }

# The text tree: bench/lib.sh's text, the same as bench/run.sh's.
# Cut into NTEXT files of whole lines, one after the other from the one
# stream (no two files alike), each 512 to 4095 bytes (a size drawn with a
# fixed seed, then the line that reaches it), dealt round the directories
# dir0 ... dir9 as note-0000.txt ...
TEXT=text
mkdir "$D/$TEXT"
k=0
while [ $k -lt 10 ]; do
	mkdir "$D/$TEXT/dir$k" || exit 2
	k=$((k + 1))
done
text $((NTEXT * 4096)) | awk -v n="$NTEXT" -v top="$D/$TEXT" '
	function next_file() {
		if (out != "") close(out)
		out = ""
		if (f == n) return
		out = sprintf("%s/dir%d/note-%04d.txt", top, f % 10, f)
		want = 512 + int(rand() * (4096 - 512 - 73))
		size = 0
		f++
	}
	BEGIN { srand(20261206); next_file() }
	out != "" {
		print >out
		size += length($0) + 1
		if (size >= want) next_file()
	}' || { say "text files: awk failed"; exit 2; }
TEXT_KIB=$(du -sk --apparent-size "$D/$TEXT" | awk '{ print $1 }')
TEXT_GZ=$(find "$D/$TEXT" -type f -exec cat {} + | gzip -6 | wc -c \
    | awk -v k="$TEXT_KIB" '{ printf "%.0f%%", 100 * $1 / (k * 1024) }')
say "text tree: $NTEXT files, $(mib "$TEXT_KIB"), compresses to $TEXT_GZ with gzip -6"
for t in "$SMALL $NSMALL" "$BIG $NBIG" "$TEXT $NTEXT"; do
	set -- $t
	nf=$(find "$D/$1" -type f | wc -l)
	if [ $((nf + 0)) -ne "$2" ]; then
		say "$1: $((nf + 0)) files made, $2 wanted"
		exit 2
	fi
done
sync

Q='2>/dev/null'
MB="$BUNDLE -q"
GPG="gpg --batch -q"
SIZES=$T/sizes
: >"$SIZES"
fsize() { wc -c <"$1" | awk '{ printf "%.1f MiB", $1 / 1048576 }'; }

# nreg LISTING: the number of regular files in a tar -tvf listing.
nreg() { grep -c '^-' "$1"; }

# ---------------------------------------------------------------- per tree
# The commands are strings for eval.  Each has a literal $W in front of the
# process whose memory is wanted: empty when timed, GNU time (or the python
# wrapper) in the trial runs and the memory runs.
W=
# trial FILE CMD: runs CMD once with W=$MEMTOOL; appends the peak KiB to FILE.
trial() {
	rm -f "$T/mem"
	W=$MEMTOOL
	eval "$2"
	rc=$?
	W=
	[ $rc -eq 0 ] || return $rc
	if [ -s "$T/mem" ]; then tail -1 "$T/mem" >>"$1"; fi
	return 0
}

# bench_tree NAME LABEL NFILES RUNS MEMRUNS
bench_tree() {
	name=$1 label=$2 nf=$3 runs=$4 mruns=$5
	src=$D/$name
	ma=$T/m.asc mb=$T/m.gpg ga=$T/g.asc gb=$T/g.gpg
	xm=$T/xm xg=$T/xg xs=$T/xs
	for f in mca gca mcb gcb mx gx; do : >"$T/k.$f"; done
	mca="\$W $MB -r $BOB -u $ALICE -o $ma $src"
	gca="tar -C $D -cf - $name | \$W $GPG -sea -r $BOB -u $ALICE >$ga"
	mcb="\$W $MB --binary -r $BOB -u $ALICE -o $mb $src"
	gcb="\$W gpgtar --encrypt --sign -r $BOB -u $ALICE -o $gb -C $D $name"
	mx="\$W $MB -x -C $xm $ma"
	gx="\$W $GPG -d $ga 2>/dev/null | tar -x -C $xg -f -"
	sx="$GPG -d $ma 2>/dev/null | tar -x -C $xs -f -"

	# ---- create, armoured
	say "$label: create armoured"
	what="create armoured $label vs tar|gpg -sea"
	ok_ma=0 ok_ga=0
	gone "$ma" "$ga"
	if trial "$T/k.mca" "$mca" && [ -s "$ma" ] \
	    && $GPG -d "$ma" 2>/dev/null | tar -tvf - >"$T/list" 2>/dev/null \
	    && [ "$(nreg "$T/list")" -eq $((nf + 1)) ] \
	    && [ "$(tail -1 "$T/list" | awk '{ print $NF }')" = MULE-MANIFEST.sha256 ]
	then
		ok_ma=1
	else
		say "$what: mule-bundle failed, or gpg -d | tar -t does not list" \
		    "$nf files and the manifest last: $mca"
	fi
	if trial "$T/k.gca" "$gca" && [ -s "$ga" ]; then
		ok_ga=1
	else
		say "$what: failed: $gca"
	fi
	if [ $ok_ma = 1 ] && [ $ok_ga = 1 ] \
	    && measure "$runs" "gone $ma" "$mca $Q" "gone $ga" "$gca $Q"; then
		timed_row "$what" speedup ">=" 1.0
	else
		row "$what" - - - ">= 1.0x" ERROR
	fi

	# ---- create, binary
	say "$label: create binary"
	what="create --binary $label vs gpgtar -e -s"
	ok_mb=0 ok=1
	gone "$mb" "$gb"
	if trial "$T/k.mcb" "$mcb" && [ -s "$mb" ] \
	    && $GPG -d "$mb" 2>/dev/null | tar -tvf - >"$T/list" 2>/dev/null \
	    && [ "$(nreg "$T/list")" -eq $((nf + 1)) ] \
	    && [ "$(head -c 1 "$mb" | od -An -c | tr -d ' ')" != - ]; then
		ok_mb=1
	else
		ok=0
		say "$what: mule-bundle failed, or its output is armoured, or" \
		    "does not list $nf files and the manifest: $mcb"
	fi
	if trial "$T/k.gcb" "$gcb $Q" && [ -s "$gb" ] \
	    && $GPG -d "$gb" 2>/dev/null | tar -tvf - >"$T/list" 2>/dev/null \
	    && [ "$(nreg "$T/list")" -eq "$nf" ]; then
		:
	else
		ok=0
		say "$what: gpgtar failed or its archive does not list $nf files: $gcb"
	fi
	if [ $ok = 1 ] \
	    && measure "$runs" "gone $mb" "$mcb $Q" "gone $gb" "$gcb $Q"; then
		timed_row "$what" speedup ">=" 1.0
	else
		row "$what" - - - ">= 1.0x" ERROR
	fi
	if [ -s "$ma" ] && [ -s "$ga" ] && [ -s "$mb" ] && [ -s "$gb" ]; then
		printf '  %-8s mule .asc %s, tar|gpg -sea %s; mule --binary %s, gpgtar %s\n' \
		    "$name:" "$(fsize "$ma")" "$(fsize "$ga")" "$(fsize "$mb")" \
		    "$(fsize "$gb")" >>"$SIZES"
	fi

	# ---- extract
	# mule-bundle -x on its own armoured bundle against gpg -d | tar -x on
	# tar | gpg -sea's, and (information) on mule's bundle.  Every side
	# must give back the tree once before it is timed.
	say "$label: extract"
	what="extract $label vs gpg -d|tar -x"
	info="  same, gpg -d|tar -x on mule's bundle (info)"
	ok_mx=0 ok=1
	if [ $ok_ma = 1 ] && fresh "$xm" && trial "$T/k.mx" "$mx" \
	    && diff -r "$src" "$xm/$name" >/dev/null \
	    && [ -z "$(ls -A "$xm" | grep -v -x -e "$name" -e MULE-MANIFEST.sha256)" ]
	then
		ok_mx=1
	else
		ok=0
		say "$what: mule-bundle -x failed, or did not give back the tree" \
		    "(or left something else in the directory): $mx"
	fi
	if [ $ok_ga = 1 ] && fresh "$xg" && trial "$T/k.gx" "$gx" \
	    && diff -r "$src" "$xg/$name" >/dev/null; then
		:
	else
		ok=0
		say "$what: gpg -d | tar -x did not give back the tree: $gx"
	fi
	if [ $ok_ma = 1 ] && fresh "$xs" && eval "$sx" \
	    && diff -r "$src" "$xs/$name" >/dev/null; then
		:
	else
		ok=0
		say "$what: gpg -d | tar -x of mule's bundle did not give back the tree: $sx"
	fi
	if [ $ok = 1 ] && measure "$runs" "fresh $xm" "$mx $Q" "fresh $xg" "$gx $Q" \
	    "fresh $xs" "$sx $Q"; then
		timed_row "$what" slowdown "<=" 1.5
		timed_row "$info" slowdown - - "$med3"
	else
		row "$what" - - - "<= 1.5x" ERROR
		row "$info" - - - "-" ERROR
	fi
	rm -rf "$xg" "$xs"

	# ---- memory
	# mule: its own peak (see MEMTOOL), the median of the trial run and
	# MEMRUNS - 1 more.  gpg column, for comparison, from the gpg side's
	# trial run: the gpg process of the pipeline (gpg -sea, gpg -d), and
	# gpgtar with the gpg it waits for (wait4 counts waited-for children).
	if [ -n "$MEMTOOL" ]; then
		[ "$mruns" -gt 1 ] && say "$label: memory"
		for job in mca:ok_ma:"gone $ma":"create armoured" \
		    mcb:ok_mb:"gone $mb":"create --binary" \
		    mx:ok_mx:"fresh $xm":"extract"; do
			key=${job%%:*} rest=${job#*:}
			okv=${rest%%:*} rest=${rest#*:}
			prep=${rest%%:*} jobname=${rest#*:}
			what="peak RSS $jobname $label"
			eval "ok=\$$okv cmd=\$$key"
			k=1
			while [ "$ok" = 1 ] && [ $k -lt "$mruns" ]; do
				if ! { eval "$prep" && trial "$T/k.$key" "$cmd $Q"; }; then
					say "$what: the mule command failed: $cmd"
					ok=0
				fi
				k=$((k + 1))
			done
			g=$(echo "$key" | sed 's/^m/g/')
			if [ "$ok" = 1 ] && [ -s "$T/k.$key" ]; then
				km=$(median "$T/k.$key")
				kg=$(median "$T/k.$g")
				row "$what" "$(mib "$km")" "$(mib "${kg:-0}")" - \
				    "< 32 MiB" "$(verdict "$km" "<" 32768)"
			else
				row "$what" - - - "< 32 MiB" ERROR
			fi
		done
	fi
	rm -rf "$xm" "$xg"
	rm -f "$ma" "$mb" "$ga" "$gb"
}

SMALL_LABEL="$NSMALL files"
BIG_LABEL="$NBIG x $BIG_MIB MiB"
bench_tree "$SMALL" "$SMALL_LABEL" "$NSMALL" "$RUNS" "$MEM_RUNS"
bench_tree "$TEXT" "$NTEXT text files" "$NTEXT" "$RUNS" "$MEM_RUNS"
bench_tree "$BIG" "$BIG_LABEL" "$NBIG" "$BIG_RUNS" "$BIG_MEM_RUNS"

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule-bundle benchmark ($mode): $(machine)," \
    "medians of $RUNS runs ($BIG_RUNS for the large files)"
echo "$VERSION, binary built $BUILT; trees: $NSMALL files of $SMALL_BYTES bytes" \
    "($(du -sk --apparent-size "$D/$SMALL" | awk '{ printf "%.1f MiB", $1 / 1024 }'))," \
    "$NBIG files of $BIG_MIB MiB, $NTEXT text files of 512 to 4095 bytes" \
    "($(mib "$TEXT_KIB"), $TEXT_GZ with gzip -6)"
table
echo "output sizes:"
cat "$SIZES"
summary
