#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/stick.sh - mule-stick put / get against a loop of gpg calls doing
# the same job, in the same run.
#
# Usage: sh bench/stick.sh [quick]
#
# Two workloads, made once: many small messages (full: 1,000 files of
# 1 KiB; quick: 100) and a few large bundles (full: 10 directories holding
# one file of 50 MiB each; quick: 3 of 20 MiB), all incompressible.  For
# each: `mule-stick put` of all items in one call against a shell loop of
# `gpg -se` (one call per item, `tar -c | gpg -se` for the directories),
# and `mule-stick get` (every check it makes) against a loop of `gpg -d`
# (`gpg -d | tar -x` for the directories).  Alice puts, Bob gets; each has
# a GnuPG home of their own.  Every time is the median of interleaved runs
# and is reported as the ratio mule / gpg (target <= 1.0x: no slower than
# the loop, issue 5).  Then one traced put and get of the messages: how
# many fsync calls mule-stick makes and how long they take; and, between
# the workloads, the CPU time an item on each side and how often put's gpg
# processes slept on a lock.  See bench/README for each line.
#
# Environment: MULE_STICK (the binary; default: src/mule-stick of this
# tree), MSG_RUNS and BIG_RUNS (timed rounds per line for the messages and
# the bundles; full 5 and 3, quick 3 and 3), TMPDIR
# (where the throwaway directory goes: the stick, the gpg outputs and the
# extracted copies all live there, on one file system), NO_STRACE=1 (skip
# the fsync analysis and the count of gpg's sleeps on a lock).

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	NMSG=1000	# messages ...
	MSG_BYTES=1024	# ... of this many bytes
	NBIG=10		# bundles: directories of one file ...
	BIG_MIB=50	# ... of this many MiB
	: "${MSG_RUNS:=5}"
	: "${BIG_RUNS:=3}"
	;;
quick)
	NMSG=100
	MSG_BYTES=1024
	NBIG=3
	BIG_MIB=20
	: "${MSG_RUNS:=3}"
	: "${BIG_RUNS:=3}"
	;;
*)
	echo "usage: sh bench/stick.sh [quick]" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
mule_binaries STICK
need_tools gpg gpgconf gpg-connect-agent tar sha256sum
need_ns_date

START=$(date +%s)
make_tmpdir
two_home_paths

BUILT=$(built_time "$STICK")
copy_binaries STICK
VERSION=$("$STICK" --version 2>/dev/null | head -1)

# ---------------------------------------------------------------- keys
# Each side generates its own key, imports the other's public key and
# certifies it with a local signature (as a user of mule-stick would).
two_homes
# The same user IDs on both sides (each side looks the keys up).
R=bob@example.org
U=alice@example.org

# ---------------------------------------------------------------- tools
FMT='%-48s %11s %11s %7s %8s  %s\n'	# the table's rows
# result WHAT NITEMS: the row of med1 (mule) against med2 (gpg), and the
# same per item (info).
result() {
	timed_row "$1" slowdown "<=" 1.0
	row "  same, per item" "$(msecs $((med1 / $2)))" "$(msecs $((med2 / $2)))" \
	    "$(x2 "$r")" - info
}

# digests DIR: "SHA-256 NAME" of every regular file below DIR (but the
# MULE-* files mule-bundle puts in its tar), sorted; the names are unique.
digests() {
	find "$1" -type f ! -name 'MULE-*' -exec sha256sum {} + \
	    | sed 's#  .*/#  #' | sort
}
# nitems DIR: the number of items (<CID>.gpg) in a stick folder
nitems() { ls -A "$1" 2>/dev/null | grep -c -E '^[0-9a-f]{64}\.gpg$'; }

# ---------------------------------------------------------------- data
LOAD0=$(loadavg)
D=$T/data
mkdir "$D"
define_random
say "mode $mode: $NMSG messages of $MSG_BYTES bytes ($MSG_RUNS runs)," \
    "$NBIG bundles of $BIG_MIB MiB ($BIG_RUNS runs)"
# Messages: msg/m0001 ... (all different).  Bundles: big/b01/b01.data ...
mkdir "$D/msg" "$D/big"
random $((NMSG * MSG_BYTES)) | split -b "$MSG_BYTES" -a 4 -d - "$D/msg/t" \
    || { say "split failed"; exit 2; }
k=0
for f in "$D"/msg/t*; do
	k=$((k + 1))
	mv "$f" "$D/msg/$(printf 'm%04d' $k)"
done
k=1
while [ $k -le "$NBIG" ]; do
	b=$(printf 'b%02d' $k)
	mkdir "$D/big/$b" && random $((BIG_MIB * 1048576)) >"$D/big/$b/$b.data" \
	    || { say "cannot make $D/big/$b"; exit 2; }
	k=$((k + 1))
done
[ "$(ls "$D/msg" | wc -l)" -eq "$NMSG" ] && [ "$(ls "$D/big" | wc -l)" -eq "$NBIG" ] \
    || { say "the data was not made"; exit 2; }
digests "$D/msg" >"$T/want.msg"
digests "$D/big" >"$T/want.big"

# An initialised empty stick, copied for every put.
mkdir "$T/stick.empty"
GNUPGHOME=$AH XDG_STATE_HOME=$AS "$STICK" init "$T/stick.empty" >/dev/null 2>&1 \
    && [ -d "$T/stick.empty/MULE/to" ] || { say "mule-stick init failed"; exit 2; }
rm -rf "$AS"
sync

# Everything below is in $T, on one file system; say which.
FSTYPE=$(findmnt -n -o FSTYPE -T "$T" 2>/dev/null || stat -f -c %T "$T" 2>/dev/null)
[ -n "$FSTYPE" ] || FSTYPE='?'
FSDEV=$(df -P "$T" 2>/dev/null | awk 'NR == 2 { print $1 }')
case $FSTYPE in
tmpfs|ramfs) say "note: $T is on $FSTYPE: fsync costs nothing there" ;;
esac

Q='2>/dev/null'
S=$T/stick		# the stick being written (put) or read (get)
BOX=$S/MULE/to/$BOB	# Bob's folder on it
SIZES=$T/sizes
: >"$SIZES"

# Untimed preparations.  The stick: for put, an empty initialised stick and
# a fresh state directory for Alice; for get, a copy of the stick that
# mule-stick's trial put wrote ($T/stick.full), a fresh state directory for
# Bob (so an empty journal) and an empty DIR.
prep_put() { rm -rf "$S" "$AS" && cp -a "$T/stick.empty" "$S" && mkdir "$AS" && fresh "$1"; }
prep_get() { rm -rf "$S" "$BS" "$1" && cp -a "$T/stick.full" "$S" && mkdir "$BS" "$1" && sync; }

# ---------------------------------------------------------------- workload
# workload NAME LABEL NITEMS RUNS: NAME is msg or big; the items are
# $D/NAME/*.
workload() {
	name=$1 label=$2 ni=$3 runs=$4
	src=$D/$name
	go=$T/gout	# gpg's put output (timed runs)
	gi=$T/gin	# gpg's put output kept from the trial, gpg's get input
	md=$T/mdir gd=$T/gdir sd=$T/sdir	# get output: mule, gpg, gpg on mule's
	mput="GNUPGHOME=$AH XDG_STATE_HOME=$AS $STICK put $S -r $R -u $U $src/* >/dev/null"
	mget="GNUPGHOME=$BH XDG_STATE_HOME=$BS $STICK get $S -C $md >$T/get.out"
	if [ "$name" = msg ]; then
		gput() { echo "for f in $src/*; do GNUPGHOME=$AH gpg --batch -q -se -r $R -u $U -o $1/\${f##*/}.gpg \$f; done"; }
		gget="for f in $gi/*.gpg; do b=\${f##*/}; GNUPGHOME=$BH gpg --batch -q -d -o $gd/\${b%.gpg} \$f; done"
	else
		gput() { echo "for f in $src/*; do b=\${f##*/}; tar -C $src -cf - \$b | GNUPGHOME=$AH gpg --batch -q -se -r $R -u $U -o $1/\$b.gpg; done"; }
		gget="for f in $gi/*.gpg; do GNUPGHOME=$BH gpg --batch -q -d \$f | tar -x -C $gd -f -; done"
	fi
	sget="for f in $T/stick.full/MULE/to/$BOB/*.gpg; do GNUPGHOME=$BH gpg --batch -q -d \$f | tar -x -C $sd -f -; done"

	# ---- put
	say "$label: put"
	what="put $label vs gpg -se loop"
	ok_m=0 ok_g=0
	rm -rf "$T/stick.full" "$gi"
	if prep_put "$go" && eval "$mput $Q" && [ "$(nitems "$BOX")" -eq "$ni" ]; then
		ok_m=1
		mv "$S" "$T/stick.full"
	else
		say "$what: mule-stick put failed, or did not write $ni items: $mput"
	fi
	if fresh "$gi" && eval "$(gput "$gi") $Q" \
	    && [ "$(ls "$gi" | grep -c '\.gpg$')" -eq "$ni" ]; then
		ok_g=1
	else
		say "$what: the gpg loop failed: $(gput "$gi")"
	fi
	if [ $ok_m = 1 ] && [ $ok_g = 1 ] \
	    && measure "$runs" "prep_put $go" "$mput $Q" "fresh $go" "$(gput "$go") $Q"
	then
		result "$what" "$ni"
		eval "MED_${name}_PUT=\$med1"
	else
		row "$what" - - - "<= 1.0x" ERROR
	fi
	if [ $ok_m = 1 ] && [ $ok_g = 1 ]; then
		printf '  %-9s mule-stick %s in %s items, gpg -se %s\n' "$name:" \
		    "$(du -sk --apparent-size "$T/stick.full/MULE/to/$BOB" | awk '{ printf "%.1f MiB", $1 / 1024 }')" \
		    "$ni" "$(du -sk --apparent-size "$gi" | awk '{ printf "%.1f MiB", $1 / 1024 }')" >>"$SIZES"
	fi
	rm -rf "$go" "$S" "$AS"

	# ---- get
	# mule-stick get of the items its trial put wrote, against the gpg
	# loop on the items the gpg loop's trial wrote, and (information) the
	# gpg loop on mule-stick's items.  Each must give back every item once
	# before it is timed.
	say "$label: get"
	what="get $label vs gpg -d loop"
	info="  same, gpg -d|tar -x on mule's items (info)"
	ok=1
	if [ $ok_m = 1 ] && prep_get "$md" && eval "$mget $Q" \
	    && [ "$(grep -c '^delivered ' "$T/get.out")" -eq "$ni" ] \
	    && [ "$(wc -l <"$T/get.out")" -eq "$ni" ] \
	    && digests "$md" | cmp -s - "$T/want.$name"; then
		:
	else
		ok=0
		say "$what: mule-stick get failed, or did not deliver the $ni items" \
		    "(exactly once each, with their content): $mget"
	fi
	if [ $ok_g = 1 ] && fresh "$gd" && eval "$gget $Q" \
	    && digests "$gd" | cmp -s - "$T/want.$name"; then
		:
	else
		ok=0
		say "$what: the gpg loop did not give back the $ni items: $gget"
	fi
	if [ $ok_m = 1 ] && fresh "$sd" && eval "$sget $Q" \
	    && digests "$sd" | cmp -s - "$T/want.$name"; then
		:
	else
		ok=0
		say "$what: the gpg loop on mule's items did not give them back: $sget"
	fi
	if [ $ok = 1 ] && measure "$runs" "prep_get $md" "$mget $Q" "fresh $gd" "$gget $Q" \
	    "fresh $sd" "$sget $Q"; then
		result "$what" "$ni"
		timed_row "$info" slowdown - - "$med3"
		eval "MED_${name}_GET=\$med1 GMED_${name}_GET=\$med2"
	else
		row "$what" - - - "<= 1.0x" ERROR
		row "$info" - - - - ERROR
	fi
	rm -rf "$md" "$gd" "$sd" "$S" "$BS"
}

# MED_msg_PUT, MED_msg_GET: mule-stick's medians for the messages, for
# the fsync analysis (empty if not measured); GMED_*_GET: the gpg loops'.
MED_msg_PUT= MED_msg_GET= MED_big_PUT= MED_big_GET=
GMED_msg_GET= GMED_big_GET=
workload msg "$NMSG x $MSG_BYTES B" "$NMSG" "$MSG_RUNS"

# With --seccomp-bpf only the traced calls stop a traced process, so a
# traced run takes about as long as an untraced one (strace >= 5.3).
SECCOMP=
command -v strace >/dev/null 2>&1 \
    && strace -f --seccomp-bpf -e trace=fsync -o /dev/null true 2>/dev/null \
    && SECCOMP=--seccomp-bpf

# ---------------------------------------------------------------- cpu
# Untimed: the CPU time of one put and one get of the messages, and of
# the gpg loops, in every process each side starts (perf stat's
# task-clock follows the gpg processes GPGME double-forks, which no
# rusage of ours sees).  mule-stick get runs two gpg processes an item
# (decrypt, then verify what was inside) where the loop runs one, and
# spreads its items over the cores: so its CPU an item, over the number
# of cores, is as fast as it can go on this machine.
CPU=$T/cpu
: >"$CPU"
# cpu_ms CMD: the task-clock of CMD (a string for eval) in ms, or nothing.
cpu_ms() {
	perf stat -x, -e task-clock -o "$T/perf.out" -- sh -c "$1" >/dev/null 2>&1 \
	    || return 1
	awk -F, '$3 ~ /^task-clock/ && $1 ~ /^[0-9.]+$/ { printf "%.0f\n", $1; f = 1 } END { exit !f }' \
	    "$T/perf.out"
}
# cpu_line WHAT GPGLOOP MULE-MS GPG-MS GPG-MEDIAN-NS: one line of $CPU
cpu_line() {
	awk -v w="$1" -v g="$2" -v m="$3" -v q="$4" -v med="$5" -v n="$NMSG" -v c="$CORES" 'BEGIN {
	    printf "  %s: mule-stick %.2f ms an item, %s %.2f ms an item (%.2fx the CPU)",
	        w, m / n, g, q / n, m / q
	    if (med != "")
	        printf "; over %d cores, %.2f ms an item, %.2fx the loop'"'"'s median time", c, m / n / c, m * 1e6 / c / med
	    printf "\n" }' >>"$CPU"
}
CORES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
if ! command -v perf >/dev/null 2>&1 || ! perf stat -e task-clock -o /dev/null true >/dev/null 2>&1; then
	say "cpu: no perf (apt-get install linux-perf), or not allowed: not measured"
	echo "  not measured: no perf, or not allowed" >>"$CPU"
elif [ -d "$T/stick.full" ] && [ -d "$T/gin" ]; then
	say "cpu: one put and one get of $NMSG messages, and the gpg loops"
	m=$(prep_put "$T/gout" && cpu_ms "$mput") && [ "$(nitems "$BOX")" -eq "$NMSG" ] \
	    && g=$(fresh "$T/gout" && cpu_ms "$(gput "$T/gout")") \
	    && cpu_line "put $NMSG x $MSG_BYTES B" "gpg -se loop" "$m" "$g" "" \
	    || echo "  ERROR: the put or its gpg loop failed under perf stat" >>"$CPU"
	rm -rf "$S" "$AS" "$T/gout"
	m=$(prep_get "$md" && cpu_ms "$mget") \
	    && [ "$(grep -c '^delivered ' "$T/get.out")" -eq "$NMSG" ] \
	    && g=$(fresh "$gd" && cpu_ms "$gget") \
	    && cpu_line "get $NMSG x $MSG_BYTES B" "gpg -d loop" "$m" "$g" "$GMED_msg_GET" \
	    || echo "  ERROR: the get or its gpg loop failed under perf stat" >>"$CPU"
	rm -rf "$md" "$gd" "$S" "$BS"
else
	echo "  not measured: the messages' put failed" >>"$CPU"
fi
# One more put of the messages, untimed, under strace: how often a gpg
# process slept because another one held a lock.  libgcrypt locks
# GNUPGHOME/random_seed as gpg reads it (at the first random number) and
# writes it (at its exit); a gpg process that finds it locked sleeps 0.25 s
# before trying again, then 1.25 s, 2.25 s...  (select with no file
# descriptors: the only pure sleeps in gpg).  The gpg loop runs one gpg at
# a time, and never waits.
if [ "${NO_STRACE:-}" = 1 ]; then
	echo "  sleeps: skipped (NO_STRACE=1)" >>"$CPU"
elif ! command -v strace >/dev/null 2>&1; then
	echo "  sleeps: not measured: no strace" >>"$CPU"
elif [ ! -d "$T/stick.full" ]; then
	echo "  sleeps: not measured: the messages' put failed" >>"$CPU"
else
	say "locks: one traced put of $NMSG messages"
	if prep_put "$T/gout" && eval "strace -f -qq $SECCOMP -e trace=pselect6,?select -o $T/st.sleep env $mput $Q" \
	    && [ "$(nitems "$BOX")" -eq "$NMSG" ]; then
		awk -v n="$NMSG" '/select6?\(0, NULL, NULL, NULL, \{/ {
		    s = $0; sub(/.*tv_sec=/, "", s); sec = s + 0
		    u = $0; sub(/.*tv_(nsec|usec)=/, "", u); u = u + 0
		    t = sec + (index($0, "tv_nsec") ? u / 1e9 : u / 1e6)
		    k++; sum += t; if (t >= 1) long++ }
		    END { printf "  put %d x %s: gpg processes slept %d times waiting for a lock (%d of them 1 s or more), %.2f s in all, in parallel jobs\n", n, "'"$MSG_BYTES"' B", k, long, sum }' \
		    "$T/st.sleep" >>"$CPU"
	else
		echo "  ERROR: the traced put failed" >>"$CPU"
	fi
	rm -rf "$S" "$AS" "$T/gout"
fi

workload big "$NBIG x $BIG_MIB MiB" "$NBIG" "$BIG_RUNS"

# ---------------------------------------------------------------- fsync
# Untimed: one put and one get of each workload under strace -c -f -w (the
# wall time of each call, in every process mule-stick starts; with
# --seccomp-bpf only the traced calls stop the process, so the run is
# barely slowed).  The gpg loops of the messages are traced the same way
# for comparison (strace around each gpg call).  The traced sync calls:
SYNCCALLS=fsync,fdatasync,syncfs,sync,sync_file_range
FSYNC=$T/fsync
: >"$FSYNC"
# traced OUT CMD: runs CMD (a string for eval, with a literal $ST in front
# of what is to be traced) under strace -c; its table to OUT.  CMD sets rc
# and the wall time tw.
traced() {
	ST="strace -f -c -w $SECCOMP -e trace=$SYNCCALLS,execve -o $1"
	eval "$2"
}
# syncsum OUT: "CALLS SECONDS PROGRAMS" from strace -c tables (the sync
# calls; execve, i.e. programs started, including the traced one).
syncsum() {
	awk -v calls="$SYNCCALLS" 'BEGIN { n = split(calls, c, ","); for (i = 1; i <= n; i++) want[c[i]] = 1 }
	    $NF in want { s += $2; k += $4 }
	    $NF == "execve" { e += $4 }
	    END { printf "%d %.6f %d\n", k, s, e }' "$1"
}
# report WHAT NITEMS OUT TRACED-NS MEDIAN-NS
report() {
	set -- "$1" "$2" "$3" "$4" "$5" $(syncsum "$3")
	printf '  %s: %d sync calls (%.2f per item), %.3f s in them; %d programs started\n' \
	    "$1" "$6" "$(awk -v k="$6" -v n="$2" 'BEGIN { print k / n }')" "$7" "$8" >>"$FSYNC"
	printf '      traced run %.3f s, %.1f%% of it in sync calls' \
	    "$(awk -v t="$4" 'BEGIN { print t / 1e9 }')" \
	    "$(awk -v s="$7" -v t="$4" 'BEGIN { print 100 * s * 1e9 / t }')" >>"$FSYNC"
	if [ -n "$5" ]; then
		awk -v s="$7" -v m="$5" 'BEGIN {
		    printf "; %.1f%% of the timed median (%.3f s)\n", 100 * s * 1e9 / m, m / 1e9 }' >>"$FSYNC"
	else
		echo >>"$FSYNC"
	fi
	awk -v calls="$SYNCCALLS" 'BEGIN { n = split(calls, c, ","); for (i = 1; i <= n; i++) want[c[i]] = 1 }
	    $NF in want && $4 > 0 { printf "      %-16s %6d calls %10.6f s %8d us/call\n", $NF, $4, $2, $3 }' \
	    "$3" >>"$FSYNC"
}
# fsync_of NAME LABEL NITEMS: a traced put then a traced get of $D/NAME/*
fsync_of() {
	name=$1 label=$2 ni=$3
	say "fsync: one traced put and get of $label"
	rc=1 tw=0
	prep_put "$T/gout" && traced "$T/st.put.$name" \
	    "t0=\$(now); GNUPGHOME=$AH XDG_STATE_HOME=$AS \$ST $STICK put $S -r $R -u $U $D/$name/* >/dev/null $Q; rc=\$?; tw=\$((\$(now) - t0))"
	if [ $rc -ne 0 ] || [ "$(nitems "$BOX")" -ne "$ni" ]; then
		echo "  ERROR: the traced put of $label failed" >>"$FSYNC"
		row "fsync analysis, put $label" - - - - ERROR
		return
	fi
	eval "report \"mule-stick put, \$label\" \$ni \$T/st.put.\$name \$tw \"\${MED_${name}_PUT:-}\""
	rm -rf "$T/stick.full" && mv "$S" "$T/stick.full"
	rc=1
	prep_get "$T/mdir" && traced "$T/st.get.$name" \
	    "t0=\$(now); GNUPGHOME=$BH XDG_STATE_HOME=$BS \$ST $STICK get $S -C $T/mdir >$T/get.out $Q; rc=\$?; tw=\$((\$(now) - t0))"
	if [ $rc -ne 0 ] || [ "$(grep -c '^delivered ' "$T/get.out")" -ne "$ni" ]; then
		echo "  ERROR: the traced get of $label failed" >>"$FSYNC"
		row "fsync analysis, get $label" - - - - ERROR
		return
	fi
	eval "report \"mule-stick get, \$label\" \$ni \$T/st.get.\$name \$tw \"\${MED_${name}_GET:-}\""
	rm -rf "$T/mdir" "$S" "$AS" "$BS"
}
if [ "${NO_STRACE:-}" = 1 ]; then
	say "fsync: skipped (NO_STRACE=1)"
	echo "  skipped (NO_STRACE=1)" >>"$FSYNC"
elif ! command -v strace >/dev/null 2>&1; then
	say "fsync: no strace (apt-get install strace): not measured"
	echo "  not measured: no strace" >>"$FSYNC"
else
	fsync_of msg "$NMSG x $MSG_BYTES B" "$NMSG"
	fsync_of big "$NBIG x $BIG_MIB MiB" "$NBIG"
	say "fsync: the gpg loops of $NMSG messages, traced"
	: >"$T/st.gput.all"
	: >"$T/st.gget.all"
	fresh "$T/gin" && traced "$T/st.gput" \
	    "for f in $D/msg/*; do GNUPGHOME=$AH \$ST gpg --batch -q -se -r $R -u $U -o $T/gin/\${f##*/}.gpg \$f; cat $T/st.gput >>$T/st.gput.all; done $Q"
	fresh "$T/gdir" && traced "$T/st.gget" \
	    "for f in $T/gin/*.gpg; do b=\${f##*/}; GNUPGHOME=$BH \$ST gpg --batch -q -d -o $T/gdir/\${b%.gpg} \$f; cat $T/st.gget >>$T/st.gget.all; done $Q"
	for w in put get; do
		set -- $(syncsum "$T/st.g$w.all")
		printf '  gpg %s loop, %d messages: %d sync calls, %.3f s in them; %d programs started\n' \
		    $w "$NMSG" "$1" "$2" "$3" >>"$FSYNC"
	done
	rm -rf "$T/gin" "$T/gdir"
fi

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule-stick benchmark ($mode): $(machine)," \
    "medians of $MSG_RUNS runs ($BIG_RUNS for the bundles)"
echo "$VERSION, binary built $BUILT; $NMSG messages of $MSG_BYTES bytes," \
    "$NBIG bundles of one $BIG_MIB MiB file; stick and gpg outputs on $FSDEV ($FSTYPE)"
table
echo "output sizes:"
cat "$SIZES"
echo "fsync (strace -f -c -w; sync calls = $SYNCCALLS):"
cat "$FSYNC"
echo "cpu and locks (one untimed run each; CPU: perf stat -e task-clock, every process; sleeps: strace -f):"
cat "$CPU"
summary
