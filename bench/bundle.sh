#!/bin/sh
# bench/bundle.sh - mule-bundle against `tar -c | gpg -sea`, gpgtar and
# `gpg -d | tar -x`, in the same run.
#
# Usage: sh bench/bundle.sh [quick]
#
# Two trees are made once: many small files (full: 10,000 files of 5000
# bytes in 50 directories, about 50 MB; quick: 2,000) and a few large ones
# (full: 20 files of 50 MiB; quick: 5 files of 20 MiB), all incompressible.
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
BUNDLE=${MULE_BUNDLE:-$top/src/mule-bundle}
if [ ! -x "$BUNDLE" ]; then
	echo "bench: $BUNDLE is missing: build mule first" >&2
	exit 2
fi
for p in gpg gpgtar gpgconf tar diff; do
	command -v $p >/dev/null 2>&1 || { echo "bench: $p is missing" >&2; exit 2; }
done
case $(date +%N 2>/dev/null) in
''|*[!0-9]*)
	echo "bench: date +%N does not give nanoseconds (GNU date needed)" >&2
	exit 2
	;;
esac

START=$(date +%s)
T=$(mktemp -d "${TMPDIR:-/tmp}/mule-bench.XXXXXX") || exit 2
GNUPGHOME=$T/gnupg
export GNUPGHOME
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say() { printf '%s\n' "bench: $*" | sed 's#\$W ##g' >&2; }

# Run a copy, so that a rebuild during the run cannot mix two versions
# (unless it is a libtool wrapper script, which must stay where it is).
BUILT=$(date -u -r "$BUNDLE" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?')
mkdir "$T/bin"
if [ "$(head -c 2 "$BUNDLE")" != "#!" ]; then
	cp "$BUNDLE" "$T/bin/" && BUNDLE=$T/bin/$(basename "$BUNDLE")
fi
VERSION=$("$BUNDLE" --version 2>/dev/null | head -1)
now() { date +%s%N; }

# ---------------------------------------------------------------- keys
mkdir -m 700 "$GNUPGHOME"
for who in 'Alice <alice@example.org>' 'Bob <bob@example.org>'; do
	gpg --batch --passphrase '' --quick-gen-key "$who" future-default \
	    default never >/dev/null 2>&1 || { say "key generation failed"; exit 2; }
done
BOB=$(gpg --batch --with-colons --list-keys bob@example.org 2>/dev/null \
    | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$BOB" ] || { say "no fingerprint for Bob"; exit 2; }
ALICE=$(gpg --batch --with-colons --list-keys alice@example.org 2>/dev/null \
    | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$ALICE" ] || { say "no fingerprint for Alice"; exit 2; }
gpg --batch --check-trustdb >/dev/null 2>&1
gpg-connect-agent /bye >/dev/null 2>&1	# the agent runs from here on

# ---------------------------------------------------------------- tools
# median FILE: the median of the numbers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ a[NR] = $1 }
	    END { if (NR % 2) print a[(NR + 1) / 2];
		  else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# measure RUNS PREP1 CMD1 [PREP2 CMD2 ...]: runs every CMD (a string for
# eval) RUNS times, interleaved, with the starting command rotated each
# round so that no command always runs first.  PREPn runs, untimed, just
# before each run of CMDn (it removes the previous output and syncs).
# Nanoseconds go to $T/t.1, $T/t.2, ...; the medians to med1, med2, ...
# Returns non-zero if a run failed.
measure() {
	runs=$1
	shift
	n=$(($# / 2))
	i=1
	while [ $i -le $n ]; do : >"$T/t.$i"; i=$((i + 1)); done
	r=0
	while [ $r -lt "$runs" ]; do
		j=0
		while [ $j -lt $n ]; do
			i=$(( (r + j) % n + 1 ))
			eval "p=\${$((2 * i - 1))} c=\${$((2 * i))}"
			if ! eval "$p"; then
				say "failed: $p"
				return 1
			fi
			t0=$(now)
			if ! eval "$c"; then
				say "failed: $c"
				return 1
			fi
			t1=$(now)
			echo $((t1 - t0)) >>"$T/t.$i"
			j=$((j + 1))
		done
		r=$((r + 1))
	done
	i=1
	while [ $i -le $n ]; do
		eval "med$i=\$(median \"\$T/t.$i\")"
		i=$((i + 1))
	done
}

RESULTS=$T/results
: >"$RESULTS"
row() {	# row WHAT MULE GPG RATIO TARGET RESULT
	printf '%-50s %11s %11s %7s %9s  %s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
	    >>"$RESULTS"
}
secs() { awk -v n="$1" 'BEGIN { printf "%.3f s", n / 1e9 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# verdict RATIO OP LIMIT
verdict() {
	awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN {
	    ok = (op == ">=") ? r >= l : (op == "<") ? r < l : r <= l
	    print ok ? "PASS" : "FAIL" }'
}
# Creation: gpg's time over mule's (higher is better for mule).
speedup() { awk -v m="$1" -v g="$2" 'BEGIN { printf "%.6f", g / m }'; }
# Extraction: mule's time over gpg's (lower is better for mule).
slowdown() { awk -v m="$1" -v g="$2" 'BEGIN { printf "%.6f", m / g }'; }
x2() { awk -v r="$1" 'BEGIN { printf "%.2fx", r }'; }
# fresh DIR: an empty directory DIR, nothing dirty in the page cache.
fresh() { rm -rf "$1" && mkdir "$1" && sync; }
gone() { rm -f "$@" && sync; }

# Peak resident set: GNU time's %M, i.e. wait4()'s ru_maxrss of the child.
# mule-bundle reaches gpg through GPGME, which starts it with a double
# fork, so gpg is not a child that mule waits for and is not counted: the
# figure is mule-bundle's own VmHWM.
if /usr/bin/time -f %M -o "$T/mem" true 2>/dev/null && [ -s "$T/mem" ]; then
	MEMTOOL="/usr/bin/time -f %M -o $T/mem"
elif command -v python3 >/dev/null 2>&1; then
	cat >"$T/maxrss.py" <<'EOF'
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % ru.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
EOF
	MEMTOOL="python3 $T/maxrss.py $T/mem"
else
	MEMTOOL=
	say "no GNU time (apt-get install time) and no python3: memory not measured"
fi

# ---------------------------------------------------------------- data
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
D=$T/data
mkdir "$D"
# Incompressible bytes: AES-128-CTR of zeros under a random key (about
# 1 GB/s here), or /dev/urandom without openssl.
if command -v openssl >/dev/null 2>&1 && [ "$(openssl enc -aes-128-ctr \
    -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 </dev/zero 2>/dev/null \
    | head -c 32 | wc -c)" -eq 32 ]; then
	random() {	# random BYTES
		openssl enc -aes-128-ctr -iv 00000000000000000000000000000000 -K "$(head -c 16 /dev/urandom \
		    | od -An -tx1 | tr -d ' \n')" </dev/zero 2>/dev/null | head -c "$1"
	}
else
	random() { head -c "$1" /dev/urandom; }
fi

SMALL=files
per=$((NSMALL / 50))
NSMALL=$((per * 50))
say "mode $mode: $NSMALL files of $SMALL_BYTES bytes, $NBIG files of" \
    "$BIG_MIB MiB; $RUNS runs"
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
for t in "$SMALL $NSMALL" "$BIG $NBIG"; do
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
	if [ $ok_ma = 1 ] && [ $ok_ga = 1 ]; then
		if measure "$runs" "gone $ma" "$mca $Q" "gone $ga" "$gca $Q"; then
			r=$(speedup "$med1" "$med2")
			row "$what" "$(secs "$med1")" "$(secs "$med2")" "$(x2 "$r")" \
			    ">= 1.0x" "$(verdict "$r" ">=" 1.0)"
		else
			row "$what" - - - ">= 1.0x" ERROR
		fi
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
	if [ $ok = 1 ]; then
		if measure "$runs" "gone $mb" "$mcb $Q" "gone $gb" "$gcb $Q"; then
			r=$(speedup "$med1" "$med2")
			row "$what" "$(secs "$med1")" "$(secs "$med2")" "$(x2 "$r")" \
			    ">= 1.0x" "$(verdict "$r" ">=" 1.0)"
		else
			row "$what" - - - ">= 1.0x" ERROR
		fi
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
	if [ $ok = 1 ]; then
		if measure "$runs" "fresh $xm" "$mx $Q" "fresh $xg" "$gx $Q" \
		    "fresh $xs" "$sx $Q"; then
			r=$(slowdown "$med1" "$med2")
			row "$what" "$(secs "$med1")" "$(secs "$med2")" "$(x2 "$r")" \
			    "<= 1.5x" "$(verdict "$r" "<=" 1.5)"
			r=$(slowdown "$med1" "$med3")
			row "$info" "$(secs "$med1")" "$(secs "$med3")" "$(x2 "$r")" \
			    "-" info
		else
			row "$what" - - - "<= 1.5x" ERROR
			row "$info" - - - "-" ERROR
		fi
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
bench_tree "$BIG" "$BIG_LABEL" "$NBIG" "$BIG_RUNS" "$BIG_MEM_RUNS"

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule-bundle benchmark ($mode): $(date -u +%Y-%m-%d), $(nproc 2>/dev/null || echo '?') cores," \
    "$(gpg --version | head -1), medians of $RUNS runs ($BIG_RUNS for the large files)"
echo "$VERSION, binary built $BUILT; trees: $NSMALL files of $SMALL_BYTES bytes" \
    "($(du -sk --apparent-size "$D/$SMALL" | awk '{ printf "%.1f MiB", $1 / 1024 }'))," \
    "$NBIG files of $BIG_MIB MiB"
echo "load average at start: $LOAD0, at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
printf '%-50s %11s %11s %7s %9s  %s\n' what mule gpg ratio target result
cat "$RESULTS"
echo "output sizes:"
cat "$SIZES"
npass=$(grep -c ' PASS$' "$RESULTS")
nfail=$(grep -c ' FAIL$' "$RESULTS")
nerr=$(grep -c ' ERROR$' "$RESULTS")
echo "summary: $npass PASS, $nfail FAIL, $nerr ERROR; the run took $((END - START)) s"
if [ "$nerr" -gt 0 ]; then
	exit 1
fi
exit 0
