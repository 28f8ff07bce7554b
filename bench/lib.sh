# SPDX-License-Identifier: GPL-3.0-or-later
# bench/lib.sh - what bench/run.sh, bench/bundle.sh, bench/stick.sh,
# bench/key-list.sh and bench/qr-rate.sh share: preconditions, the
# throwaway directory and its cleanup, keys, interleaved timing and
# medians, and the rows of the result table.
#
# Source it from a benchmark, after $top is set:  . "$top/bench/lib.sh"
# It only defines functions; nothing runs until the script calls them.
# Settings a script may make before calling them: FMT (the printf format
# of a table row: what, mule, gpg, ratio, target, result) and MISS (the
# result word of a line that misses its target; default FAIL).

# say TEXT...: progress on standard error.
say() { printf '%s\n' "bench: $*" >&2; }

# need_binaries FILE...: every FILE is an executable, or exit 2.
need_binaries() {
	for b; do
		if [ ! -x "$b" ]; then
			echo "bench: $b is missing: build mule first" >&2
			exit 2
		fi
	done
}

# mule_binaries NAME...: for each NAME (SEAL, OPEN, ..., for mule-seal,
# mule-open, ...) the variable NAME is $MULE_NAME if that is set, else
# src/mule-name of this tree ($top); each must be an executable, or exit 2.
mule_binaries() {
	for mb_v; do
		mb_tool=mule-$(printf '%s' "$mb_v" | tr '[:upper:]' '[:lower:]')
		eval "$mb_v=\${MULE_$mb_v:-\$top/src/$mb_tool}"
		eval "need_binaries \"\$$mb_v\""
	done
}

# need_tools PROGRAM...: every PROGRAM is on PATH, or exit 2.
need_tools() {
	for p; do
		command -v "$p" >/dev/null 2>&1 || { echo "bench: $p is missing" >&2; exit 2; }
	done
}

# need_ns_date: date +%N gives nanoseconds (GNU date), or exit 2.
need_ns_date() {
	case $(date +%N 2>/dev/null) in
	''|*[!0-9]*)
		echo "bench: date +%N does not give nanoseconds (GNU date needed)" >&2
		exit 2
		;;
	esac
}

# make_tmpdir: the throwaway directory $T (under $TMPDIR, default /tmp),
# or exit 2; $RESULTS in it, empty, collects the rows of the table.
make_tmpdir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/mule-bench.XXXXXX") || exit 2
	RESULTS=$T/results
	: >"$RESULTS"
}

# one_home: the throwaway directory $T (make_tmpdir) with GNUPGHOME
# ($T/gnupg, exported) in it, and the traps that stop its gpg-agent and
# remove $T at the end, also on Ctrl-C.
one_home() {
	make_tmpdir
	GNUPGHOME=$T/gnupg
	export GNUPGHOME
	trap 'cleanup "$GNUPGHOME"' EXIT
	trap 'exit 130' INT TERM HUP
}

# cleanup HOME...: stops the gpg-agent of every GnuPG HOME that was made
# and removes $T.  For the EXIT trap, e.g.  trap 'cleanup "$GNUPGHOME"' EXIT
cleanup() {
	for h; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	done
	rm -rf "$T"
}

# built_times FILE...: when the FILEs were built: one time if all were
# built in the same minute, else "NAME TIME" for each, comma-separated.
built_times() {
	bt_all=
	for bt_f; do
		bt_all="$bt_all$(basename "$bt_f") $(built_time "$bt_f")
"
	done
	if [ "$(printf '%s' "$bt_all" | cut -d' ' -f2- | sort -u | wc -l)" -eq 1 ]; then
		printf '%s' "$bt_all" | head -1 | cut -d' ' -f2-
	else
		printf '%s' "$bt_all" | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $0 }'
	fi
}

# built_time FILE: when FILE was built (its mtime, to the minute, UTC).
built_time() { date -u -r "$1" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?'; }

# copy_binaries VAR...: runs copies, so that a rebuild during the run cannot
# mix two versions: each binary named by a variable VAR is copied into
# $T/bin and VAR set to the copy (unless it is a libtool wrapper script,
# which must stay where it is).
copy_binaries() {
	mkdir -p "$T/bin"
	for v; do
		eval "f=\$$v"
		if [ "$(head -c 2 "$f")" != "#!" ]; then
			cp "$f" "$T/bin/" && eval "$v=\$T/bin/\$(basename \"\$f\")"
		fi
	done
}

# ---------------------------------------------------------------- keys
# gen_key HOME "Name <email>": a key without passphrase in the GnuPG HOME.
gen_key() {
	gpg --homedir "$1" --batch --passphrase '' --quick-gen-key "$2" \
	    future-default default never >/dev/null 2>&1
}

# fpr_of HOME USERID: the fingerprint of USERID's key in HOME.
fpr_of() {
	gpg --homedir "$1" --batch --with-colons --list-keys -- "$2" 2>/dev/null \
	    | awk -F: '$1 == "fpr" { print $10; exit }'
}

# keys_in_one_home: Alice's and Bob's keys in one new $GNUPGHOME, their
# fingerprints in ALICE and BOB; exit 2 on failure.
keys_in_one_home() {
	mkdir -m 700 "$GNUPGHOME"
	for who in 'Alice <alice@example.org>' 'Bob <bob@example.org>'; do
		gen_key "$GNUPGHOME" "$who" || { say "key generation failed"; exit 2; }
	done
	BOB=$(fpr_of "$GNUPGHOME" bob@example.org)
	[ -n "$BOB" ] || { say "no fingerprint for Bob"; exit 2; }
	ALICE=$(fpr_of "$GNUPGHOME" alice@example.org)
	[ -n "$ALICE" ] || { say "no fingerprint for Alice"; exit 2; }
}

# start_agent HOME: the gpg-agent of HOME runs from here on (cleanup stops
# it), so that no timed run pays for starting it.
start_agent() { GNUPGHOME=$1 gpg-connect-agent /bye >/dev/null 2>&1; }

# ---------------------------------------------------------------- timing
now() { date +%s%N; }

# median FILE: the median of the numbers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ a[NR] = $1 }
	    END { if (NR % 2) print a[(NR + 1) / 2];
		  else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# measure RUNS PREP1 CMD1 [PREP2 CMD2 ...]: runs every CMD (a string for
# eval) RUNS times, interleaved, with the starting command rotated each
# round so that no command always runs first.  PREPn runs, untimed, just
# before each run of CMDn (it clears the previous run's output, restores
# what CMDn needs and syncs).
# Nanoseconds go to $T/t.1, $T/t.2, ...; the medians to med1, med2, ...
# Returns non-zero if a run failed.
measure() { measure_every 2 "$@"; }

# measure_cmds RUNS CMD1 [CMD2 ...]: the same, without preparations.
measure_cmds() { measure_every 1 "$@"; }

# measure_every STRIDE RUNS ARG...: the loop of both; STRIDE is 2 if the
# ARGs are PREP CMD pairs, 1 if they are CMDs.
measure_every() {
	stride=$1 runs=$2
	shift 2
	n=$(($# / stride))
	i=1
	while [ $i -le $n ]; do : >"$T/t.$i"; i=$((i + 1)); done
	r=0
	while [ $r -lt "$runs" ]; do
		j=0
		while [ $j -lt $n ]; do
			i=$(( (r + j) % n + 1 ))
			if [ "$stride" -eq 2 ]; then
				eval "p=\${$((2 * i - 1))} c=\${$((2 * i))}"
				if ! eval "$p"; then
					say "failed: $p"
					return 1
				fi
			else
				eval "c=\${$i}"
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

# Peak resident set: GNU time's %M, i.e. wait4()'s ru_maxrss of the child,
# or without GNU time a python3 wrapper that reads the same from
# os.wait4().  GPGME starts gpg with a double fork, so gpg is not a child
# that mule waits for and is not counted: the figure is mule's own VmHWM.
# find_memtool: MEMTOOL, a command prefix that writes the peak KiB of the
# command after it to $T/mem; empty (and said) if there is neither.
find_memtool() {
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
}

# ---------------------------------------------------------------- data
# define_random: random BYTES writes BYTES incompressible bytes:
# AES-128-CTR of zeros under a random key (about 1 GB/s here), or
# /dev/urandom without openssl.
define_random() {
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
}

# fresh DIR: an empty directory DIR, nothing dirty in the page cache.
fresh() { rm -rf "$1" && mkdir "$1" && sync; }

# ---------------------------------------------------------------- table
row() {	# row WHAT MULE GPG RATIO TARGET RESULT
	printf "$FMT" "$1" "$2" "$3" "$4" "$5" "$6" >>"$RESULTS"
}
secs() { awk -v n="$1" 'BEGIN { printf "%.3f s", n / 1e9 }'; }
msecs() { awk -v n="$1" 'BEGIN { printf "%.2f ms", n / 1e6 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# Ratios, unrounded (the verdict uses these; the table shows two decimals).
# gpg's time over mule's (higher is better for mule).
speedup() { awk -v m="$1" -v g="$2" 'BEGIN { printf "%.6f", g / m }'; }
# mule's time over gpg's (lower is better for mule).
slowdown() { awk -v m="$1" -v g="$2" 'BEGIN { printf "%.6f", m / g }'; }
x2() { awk -v r="$1" 'BEGIN { printf "%.2fx", r }'; }
# verdict RATIO OP LIMIT: PASS if RATIO OP LIMIT holds (OP one of >=, >,
# <, <=), else $MISS.
verdict() {
	awk -v r="$1" -v op="$2" -v l="$3" -v miss="${MISS:-FAIL}" 'BEGIN {
	    ok = (op == ">=") ? r >= l : (op == ">") ? r > l : (op == "<") ? r < l : r <= l
	    print ok ? "PASS" : miss }'
}
# timed_row WHAT RATIO OP LIMIT [GPG-NS]: the row of med1 (mule) against
# GPG-NS (default med2), both in seconds, with their ratio by RATIO
# (speedup or slowdown; also left in r), the target "OP LIMITx" and the
# verdict; OP - makes it an information line (target -, result info).
timed_row() {
	tr_g=${5:-$med2}
	r=$($2 "$med1" "$tr_g")
	if [ "$3" = - ]; then
		row "$1" "$(secs "$med1")" "$(secs "$tr_g")" "$(x2 "$r")" - info
	else
		row "$1" "$(secs "$med1")" "$(secs "$tr_g")" "$(x2 "$r")" \
		    "$3 $4x" "$(verdict "$r" "$3" "$4")"
	fi
}

# loadavg: the three load averages.
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null; }

# machine: "DATE, N cores, GPG VERSION" for the table's heading.
machine() {
	echo "$(date -u +%Y-%m-%d), $(nproc 2>/dev/null || echo '?') cores, $(gpg --version | head -1)"
}

# table: the load averages (at the start: $LOAD0), the column heads and
# the rows.
table() {
	echo "load average at start: $LOAD0, at end: $(loadavg)"
	printf "$FMT" what mule gpg ratio target result
	cat "$RESULTS"
}

# summary: the PASS / FAIL / ERROR counts and how long the run took
# ($START to $END), then exit: 1 if a line is ERROR (a FAIL is a result,
# not an error), 0 otherwise.
summary() {
	npass=$(grep -c ' PASS$' "$RESULTS")
	nfail=$(grep -c ' FAIL$' "$RESULTS")
	nerr=$(grep -c ' ERROR$' "$RESULTS")
	echo "summary: $npass PASS, $nfail FAIL, $nerr ERROR; the run took $((END - START)) s"
	if [ "$nerr" -gt 0 ]; then
		exit 1
	fi
	exit 0
}

# text BYTES: at least BYTES of text with realistic compressibility, the
# same every run (a fixed seed: mawk, gawk and busybox awk each give their
# own, fixed text): a vocabulary of 5000 made-up words with English letter
# frequencies, drawn with a Zipf-like skew, in sentences and paragraphs of
# varying length wrapped at 72 columns.  gzip -6 makes it about 36% of its
# size at about the speed it compresses real prose (English is 35-40%).
text() {
	awk -v bytes="$1" -v nw=5000 -v ex=6 'BEGIN {
	srand(20261126)
	n = split("82 15 28 43 127 22 20 61 70 2 8 40 24 67 75 19 1 60 63 91 28 10 24 2 20 1", fr, " ")
	for (i = 1; i <= n; i++) { cum += fr[i]; cf[i] = cum }
	for (w = 1; w <= nw; w++) {
		len = 2 + int(rand() * rand() * 9) + (w > 100) + (w > 1000)
		s = ""
		for (k = 0; k < len; k++) {
			r = rand() * cum
			for (i = 1; cf[i] < r; i++) ;
			s = s substr("abcdefghijklmnopqrstuvwxyz", i, 1)
		}
		word[w] = s
	}
	out = 0; line = ""
	while (out < bytes) {
		nwords = 4 + int(rand() * 18)
		for (k = 0; k < nwords; k++) {
			x = word[1 + int(nw * rand() ^ ex)]
			if (k == 0) x = toupper(substr(x, 1, 1)) substr(x, 2)
			if (k == nwords - 1) x = x "."
			else if (rand() < 0.08) x = x ","
			if (length(line) + length(x) + 1 > 72) {
				print line; out += length(line) + 1; line = x
			} else
				line = line == "" ? x : line " " x
		}
		if (rand() < 0.15) {
			print line; print ""; out += length(line) + 2; line = ""
		}
	}
	}'
}

# two_home_paths: where two_homes puts Alice's and Bob's GnuPG homes (AH,
# BH) and their XDG_STATE_HOME (AS for Alice's puts, with the sequence
# numbers; BS for Bob's gets, with the journal), all in $T; no GNUPGHOME
# of the caller's is used, and an exit stops both agents and removes $T.
two_home_paths() {
	AH=$T/alice-gnupg
	BH=$T/bob-gnupg
	AS=$T/alice-state
	BS=$T/bob-state
	unset GNUPGHOME
	trap 'cleanup "$AH" "$BH"' EXIT
	trap 'exit 130' INT TERM HUP
}

# two_homes: Alice's GnuPG home $AH and Bob's $BH (two_home_paths), each
# with its own key without passphrase, the
# other's public key imported and certified with a local signature (as a
# user of mule-stick would), the trust database up to date and the agent
# running; their fingerprints in ALICE and BOB, their public keys in
# $T/alice.pub and $T/bob.pub.  Exits 2 if any of it fails.
two_homes() {
	mkdir -m 700 "$AH" "$BH"
	gen_key "$AH" 'Alice <alice@example.org>' && gen_key "$BH" 'Bob <bob@example.org>' \
	    || { say "key generation failed"; exit 2; }
	ALICE=$(fpr_of "$AH" alice@example.org)
	BOB=$(fpr_of "$BH" bob@example.org)
	[ -n "$ALICE" ] && [ -n "$BOB" ] || { say "no fingerprints"; exit 2; }
	gpg --homedir "$AH" --batch --export "$ALICE" >"$T/alice.pub" \
	    && gpg --homedir "$BH" --batch --export "$BOB" >"$T/bob.pub" \
	    && gpg --homedir "$AH" --batch -q --import "$T/bob.pub" 2>/dev/null \
	    && gpg --homedir "$BH" --batch -q --import "$T/alice.pub" 2>/dev/null \
	    && gpg --homedir "$AH" --batch --yes -q --quick-lsign-key "$BOB" >/dev/null 2>&1 \
	    && gpg --homedir "$BH" --batch --yes -q --quick-lsign-key "$ALICE" >/dev/null 2>&1 \
	    || { say "cannot exchange and certify the keys"; exit 2; }
	for h in "$AH" "$BH"; do
		gpg --homedir "$h" --batch --check-trustdb >/dev/null 2>&1
		start_agent "$h"
	done
}
