#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run.sh - mule-seal, mule-open, mule-sign and mule-verify against gpg,
# in the same run.
#
# Usage: sh bench/run.sh [quick]
#
# Every figure is a median of several interleaved runs, and every time is
# compared with gpg doing the same job on the same data in the same run, as
# a ratio: the machines are shared and noisy, absolute times mean little.
# See bench/README for what each line measures.
#
# Environment: MULE_SEAL, MULE_OPEN, MULE_SIGN, MULE_VERIFY (the binaries;
# default: src/ of this tree), RUNS (timed runs per large-data and manifest
# line), MSG_RUNS (timed loops per small-message line), SIG_MIB (size of the
# detached-signature file), TMPDIR (where the throwaway directory goes).

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	SIZE_MIB=64		# throughput lines
	MEM_SIZES="10 1024"	# peak-memory lines, MiB
	NMSG=200		# small-message loops
	NFILES=10000		# manifest lines: files (in 50 directories)
	: "${SIG_MIB:=1024}"	# detached sign / verify lines
	: "${RUNS:=7}"
	: "${MSG_RUNS:=5}"
	;;
quick)
	SIZE_MIB=16
	MEM_SIZES="10"
	NMSG=50
	NFILES=2000
	: "${SIG_MIB:=128}"
	: "${RUNS:=5}"
	: "${MSG_RUNS:=3}"
	;;
*)
	echo "usage: sh bench/run.sh [quick]" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
mule_binaries SEAL OPEN SIGN VERIFY
need_tools gpg
need_ns_date

one_home

BUILT=$(built_times "$SEAL" "$OPEN" "$SIGN" "$VERIFY")
copy_binaries SEAL OPEN SIGN VERIFY
VERSION=$("$SEAL" --version 2>/dev/null | head -1)

# ---------------------------------------------------------------- keys
keys_in_one_home
start_agent "$GNUPGHOME"

# ---------------------------------------------------------------- tools
# check WHAT CMD [WHO]: a command must succeed once before it is timed.
# WHO names the side in the message (default: mule).
check() {
	if eval "$2"; then
		return 0
	fi
	say "$1: the ${3:-mule} command failed, not timed: $2"
	return 1
}

FMT='%-46s %11s %11s %7s %8s  %s\n'	# the table's rows
MISS=MISS	# a line below its target

# ---------------------------------------------------------------- data
LOAD0=$(loadavg)
say "mode $mode: ${SIZE_MIB} MiB, $RUNS runs; $NMSG messages, $MSG_RUNS loops;" \
    "${SIG_MIB} MiB detached, $NFILES files"
D=$T/data
mkdir "$D"
head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$D/random"

# Text with realistic compressibility (bench/lib.sh, text): a 4 MiB block
# generated and repeated; the repeats are far beyond deflate's 32 KiB
# window, so they do not make it easier to compress.
text 4194304 | head -c 4194304 >"$D/text.block"
: >"$D/text"
k=0
while [ $k -lt $((SIZE_MIB / 4)) ]; do
	cat "$D/text.block" >>"$D/text"
	k=$((k + 1))
done
head -c 1024 "$D/text" >"$D/msg"
say "text compresses to $(gzip -6 <"$D/text" | wc -c | awk -v s=$((SIZE_MIB * 1048576)) '{ printf "%.0f%%", 100 * $1 / s }') with gzip -6"

Q='2>/dev/null'
MS="$SEAL -q -r $BOB"
MO="$OPEN -q"
GS="gpg --batch -q -sea -r $BOB"
GD="gpg --batch -q -d"

# ---------------------------------------------------------------- seal
say "seal, ${SIZE_MIB} MiB random"
what="seal armoured ${SIZE_MIB} MiB random vs gpg -sea"
if check "$what" "$MS $D/random >$T/m.asc" \
    && measure_cmds "$RUNS" "$MS $D/random >$T/m.asc $Q" \
    "$GS <$D/random >$T/g.asc $Q" \
    "$GS -z0 <$D/random >$T/g0.asc $Q"; then
	timed_row "$what" speedup ">=" 2.0
	timed_row "  same, vs gpg -sea -z0 (information)" speedup - - "$med3"
else
	row "$what" - - - ">= 2.0x" ERROR
fi

say "seal, ${SIZE_MIB} MiB text"
what="seal armoured ${SIZE_MIB} MiB text vs gpg -sea"
if check "$what" "$MS $D/text >$T/mt.asc" \
    && measure_cmds "$RUNS" "$MS $D/text >$T/mt.asc $Q" \
    "$GS <$D/text >$T/gt.asc $Q"; then
	timed_row "$what" speedup ">=" 1.0
else
	row "$what" - - - ">= 1.0x" ERROR
fi

# ---------------------------------------------------------------- open
# The same file for both: what mule-seal wrote (checked to open to the input).
for fmt in armoured binary; do
	if [ $fmt = armoured ]; then
		in=$T/o.asc opt= target=0.8
	else
		in=$T/o.gpg opt=--binary target=0.4
	fi
	say "open, ${SIZE_MIB} MiB random, $fmt"
	what="open $fmt ${SIZE_MIB} MiB vs gpg -d"
	if check "$what" "$MS $opt $D/random >$in" \
	    && check "$what" "$MO $in >$T/plain" \
	    && cmp -s "$T/plain" "$D/random"; then
		rm -f "$T/plain"
		if measure_cmds "$RUNS" "$MO $in >/dev/null $Q" "$GD $in >/dev/null $Q"
		then
			timed_row "$what" speedup ">=" $target
		else
			row "$what" - - - ">= $target""x" ERROR
		fi
	else
		say "$what: mule-open did not give back the input"
		row "$what" - - - ">= $target""x" ERROR
	fi
done

# ---------------------------------------------------------------- memory
# Peak resident set of the mule process (see find_memtool).
find_memtool
# peak CMD: KiB in $kib, or non-zero.
peak() {
	rm -f "$T/mem"
	eval "$MEMTOOL $1" && [ -s "$T/mem" ] && kib=$(cat "$T/mem")
}

if [ -n "$MEMTOOL" ]; then
	for size in $MEM_SIZES; do
		say "memory, $size MiB"
		if [ "$size" -ge 1024 ]; then
			label="$((size / 1024)) GiB"
		else
			label="$size MiB"
		fi
		src=$D/mem.$size
		head -c $((size * 1048576)) /dev/urandom >"$src"
		sealed=$T/mem.$size.asc
		reps=1
		[ "$size" -lt 1024 ] && reps=3
		for job in seal-stdout seal-o open-stdout open-o; do
			case $job in
			seal-stdout)
				mcmd="$MS $src >$T/x.asc"
				gcmd="$GS <$src >$T/x.asc"
				what="peak RSS mule-seal $label to stdout" ;;
			seal-o)
				mcmd="$MS -o $T/x.asc $src"
				gcmd="$GS -o $T/x.asc $src"
				what="peak RSS mule-seal $label to -o" ;;
			open-stdout)
				mcmd="$MO $sealed >/dev/null"
				gcmd="$GD $sealed >/dev/null"
				what="peak RSS mule-open $label to stdout" ;;
			open-o)
				mcmd="$MO -o $T/x.out $sealed"
				gcmd="$GD -o $T/x.out $sealed"
				what="peak RSS mule-open $label to -o" ;;
			esac
			: >"$T/km"
			: >"$T/kg"
			ok=1
			k=0
			while [ $k -lt $reps ]; do
				rm -f "$T/x.asc" "$T/x.out"
				if peak "$mcmd $Q"; then
					echo "$kib" >>"$T/km"
				else
					ok=0
					say "$what: the mule command failed: $mcmd"
					break
				fi
				# The first seal to stdout keeps its output for the opens.
				[ "$job" = seal-stdout ] && [ $k -eq 0 ] && \
				    cp "$T/x.asc" "$sealed"
				rm -f "$T/x.asc" "$T/x.out"
				if peak "$gcmd $Q"; then
					echo "$kib" >>"$T/kg"
				fi
				k=$((k + 1))
			done
			if [ $ok = 1 ]; then
				km=$(median "$T/km")
				kg=$(median "$T/kg")
				row "$what" "$(mib "$km")" "$(mib "${kg:-0}")" - "<= 8 MiB" \
				    "$(verdict "$km" "<=" 8192)"
			else
				row "$what" - - - "<= 8 MiB" ERROR
			fi
		done
		rm -f "$src" "$sealed" "$T/x.asc" "$T/x.out"
	done
fi

# ---------------------------------------------------------------- small
# 1 KiB messages, one process per message, gpg-agent running: the start-up
# cost of a call.  Ratio: mule's time per call over gpg's (lower is better).
loop() {	# loop CMD: run CMD $NMSG times
	l=0
	while [ $l -lt "$NMSG" ]; do
		eval "$1" || return 1
		l=$((l + 1))
	done
}
say "small messages, $NMSG per loop"
what="seal 1 KiB, per call, vs gpg -se -r FPR"
if check "$what" "$MS $D/msg >$T/s.asc" \
    && check "$what" "$MO $T/s.asc >$T/s.out" && cmp -s "$T/s.out" "$D/msg"; then
	if measure_cmds "$MSG_RUNS" "loop '$MS $D/msg >$T/s1.asc $Q'" \
	    "loop 'gpg --batch -q -se -r $BOB <$D/msg >$T/s2.gpg $Q'"; then
		m=$((med1 / NMSG)) g=$((med2 / NMSG))
		r=$(slowdown "$m" "$g")
		row "$what" "$(msecs "$m")" "$(msecs "$g")" "$(x2 "$r")" "<= 2.0x" \
		    "$(verdict "$r" "<=" 2.0)"
	else
		row "$what" - - - "<= 2.0x" ERROR
	fi
	what="open 1 KiB, per call, vs gpg -d"
	if measure_cmds "$MSG_RUNS" "loop '$MO $T/s.asc >/dev/null $Q'" \
	    "loop 'gpg -q --batch -d $T/s.asc >/dev/null $Q'"; then
		m=$((med1 / NMSG)) g=$((med2 / NMSG))
		r=$(slowdown "$m" "$g")
		row "$what" "$(msecs "$m")" "$(msecs "$g")" "$(x2 "$r")" "<= 2.0x" \
		    "$(verdict "$r" "<=" 2.0)"
	else
		row "$what" - - - "<= 2.0x" ERROR
	fi
else
	row "$what" - - - "<= 2.0x" ERROR
	row "open 1 KiB, per call, vs gpg -d" - - - "<= 2.0x" ERROR
fi

# ---------------------------------------------------------------- sign
# Detached signature over a large file: mule-sign --detach (armoured)
# against gpg --detach-sign -a, both to -o in the temporary directory and
# replacing the previous round's file (--force / --yes).  Then both verify
# the same signature, mule-sign's.  Ratio = gpg's time / mule's time.
MSIGN="$SIGN -q -u $ALICE"
MVERIFY="$VERIFY -q"
if [ "$SIG_MIB" -ge 1024 ] && [ $((SIG_MIB % 1024)) -eq 0 ]; then
	SIG_LABEL="$((SIG_MIB / 1024)) GiB"
else
	SIG_LABEL="$SIG_MIB MiB"
fi
say "detached signature, $SIG_LABEL random"
SD=$D/signed
head -c $((SIG_MIB * 1048576)) /dev/urandom >"$SD"
what="sign --detach $SIG_LABEL vs gpg --detach-sign -a"
ms="$MSIGN --detach -o $T/m.sig --force $SD"
gs="gpg --batch -q -u $ALICE --detach-sign -a -o $T/g.sig --yes $SD"
if check "$what" "$ms" && check "$what" "$gs" gpg \
    && measure_cmds "$RUNS" "$ms $Q" "$gs $Q"; then
	timed_row "$what" speedup ">=" 0.5
else
	row "$what" - - - ">= 0.5x" ERROR
fi
what="verify detached $SIG_LABEL vs gpg --verify"
mv="$MVERIFY $T/m.sig $SD"
gv="gpg --batch -q --verify $T/m.sig $SD"
if [ -s "$T/m.sig" ] && check "$what" "$mv" && check "$what" "$gv 2>/dev/null" gpg \
    && measure_cmds "$RUNS" "$mv $Q" "$gv $Q"; then
	timed_row "$what" speedup ">=" 0.5
else
	row "$what" - - - ">= 0.5x" ERROR
fi
rm -f "$SD" "$T/m.sig" "$T/g.sig"

# ---------------------------------------------------------------- manifest
# $NFILES files of 5000 random bytes in 50 directories.  mule-sign
# --manifest DIR against `find . -type f -print0 | xargs -0 sha256sum`
# (run in DIR) followed by gpg --clearsign of the list; both outputs go
# outside DIR, so both sides hash the same files.  Then mule-verify
# --manifest DIR --manifest-file (mule's manifest) against gpg --verify of
# gpg's signed list followed by `sha256sum -c` of that list (information).
say "manifest, $NFILES files"
MD=$D/tree
mkdir "$MD"
per=$((NFILES / 50))
k=0
while [ $k -lt 50 ]; do
	dir=$MD/$(printf 'dir%02d' $k)
	mkdir "$dir" || exit 2
	head -c $((per * 5000)) /dev/urandom | split -b 5000 -a 4 -d - "$dir/file-" \
	    || { say "split failed"; exit 2; }
	k=$((k + 1))
done
NF=$(find "$MD" -type f | wc -l)
NF=$((NF + 0))
what="sign --manifest $NF files vs sha256sum+gpg"
ms="$MSIGN --manifest $MD >$T/mm.asc"
gs="(cd $MD && find . -type f -print0 | xargs -0 sha256sum >$T/gl) \
 && gpg --batch -q -u $ALICE --clearsign -o $T/gl.asc --yes $T/gl"
if [ "$NF" -ne $((per * 50)) ]; then
	say "manifest: $NF files made, $((per * 50)) wanted"
	row "$what" - - - "> 1.0x" ERROR
elif check "$what" "$ms" && check "$what" "$gs" gpg \
    && [ "$(grep -c ' dir[0-9][0-9]/file-[0-9]*$' "$T/mm.asc")" -eq "$NF" ] \
    && [ "$(wc -l <"$T/gl")" -eq "$NF" ]; then
	if measure_cmds "$RUNS" "$ms $Q" "$gs $Q"; then
		timed_row "$what" speedup ">" 1.0
	else
		row "$what" - - - "> 1.0x" ERROR
	fi
else
	say "$what: a manifest does not list the $NF files"
	row "$what" - - - "> 1.0x" ERROR
fi
what="verify --manifest $NF files vs sha256sum -c"
mv="$MVERIFY --manifest $MD --manifest-file $T/mm.asc"
gv="gpg --batch -q --verify $T/gl.asc && (cd $MD && sha256sum --quiet -c $T/gl)"
if [ -s "$T/mm.asc" ] && [ -s "$T/gl.asc" ] && check "$what" "$mv" \
    && check "$what" "($gv) 2>/dev/null" gpg \
    && measure_cmds "$RUNS" "$mv $Q" "($gv) $Q"; then
	timed_row "$what" speedup - -
else
	row "$what" - - - "-" ERROR
fi
rm -rf "$MD" "$T/mm.asc" "$T/gl" "$T/gl.asc"

# ---------------------------------------------------------------- table
echo "mule benchmark ($mode): $(machine)," \
    "medians of $RUNS runs ($MSG_RUNS loops of $NMSG messages)"
echo "$VERSION, binaries built $BUILT"
table
if grep -q ' ERROR$' "$RESULTS"; then
	exit 1
fi
exit 0
