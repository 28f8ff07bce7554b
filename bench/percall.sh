#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/percall.sh - the cost of one mule call in every common form,
# against gpg doing the same job, in the same run (issue 19).
#
# Usage: sh bench/percall.sh [quick]
#
# One line per form: seal (-u FPR, -r by e-mail, -R KEYFILE), open (plain,
# --signer FPR, --signer-file), sign and verify (clear and detached),
# mule-stick put and get of one item.  A 1 KiB message; per form a loop of
# NCALLS calls (one process per call, gpg-agent running), timed in
# interleaved rounds; per-call time = the median loop time / NCALLS.
# Ratio = mule's time / gpg's (lower is better), target <= 1.5x.  Beside
# each line, the number of gpg processes each side starts (one untimed run
# under strace -f -e trace=execve), and after the table what they were.
# See bench/README for each line.
#
# Environment: MULE_SEAL, MULE_OPEN, MULE_SIGN, MULE_VERIFY, MULE_STICK
# (the binaries; default: src/ of this tree), NCALLS (calls per loop;
# full 20, quick 10), RUNS (timed rounds per line; full 5, quick 3),
# TMPDIR (where the throwaway directory goes), NO_STRACE=1 (do not count
# the gpg processes).

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	: "${NCALLS:=20}"
	: "${RUNS:=5}"
	;;
quick)
	: "${NCALLS:=10}"
	: "${RUNS:=3}"
	;;
*)
	echo "usage: sh bench/percall.sh [quick]" >&2
	exit 2
	;;
esac
case $NCALLS in
''|*[!0-9]*|0|1) echo "bench: NCALLS must be a number >= 2" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"
mule_binaries SEAL OPEN SIGN VERIFY STICK
need_tools gpg gpgconf gpg-connect-agent tar cmp
need_ns_date

START=$(date +%s)
make_tmpdir
two_home_paths

BUILT=$(built_times "$SEAL" "$OPEN" "$SIGN" "$VERIFY" "$STICK")
copy_binaries SEAL OPEN SIGN VERIFY STICK
VERSION=$("$SEAL" --version 2>/dev/null | head -1)
GPGME=$(dpkg-query -W -f '${Version}' libgpgme11 2>/dev/null) || GPGME=

# ---------------------------------------------------------------- keys
# As in bench/stick.sh: each side makes its key, imports the other's and
# certifies it with a local signature.
LOAD0=$(loadavg)
say "mode $mode: $NCALLS calls per loop, $RUNS rounds"
two_homes

# ---------------------------------------------------------------- data
# The message: 16 lines of 63 characters and a newline, 1024 bytes of
# text that a clear signature keeps as it is (no trailing blanks).
MSG=$T/msg
awk 'BEGIN { for (i = 1; i <= 16; i++) {
	s = sprintf("line %02d:", i)
	while (length(s) < 62) s = s " lorem ipsum dolor sit amet"
	print substr(s, 1, 62) "." } }' >"$MSG"
[ "$(wc -c <"$MSG")" -eq 1024 ] || { say "the message is not 1024 bytes"; exit 2; }

Q='2>/dev/null'
# TRACE: empty, or the strace prefix of the one counted run.
TRACE=
# l: the number of the call in a loop (the stick get reads stick number l).
l=1

# ---------------------------------------------------------------- forms
# m_NAME [OUT] is mule's call of the form NAME, g_NAME [OUT] gpg's; each
# writes to OUT if given (the trial run), else where the timed calls
# write.  Alice seals and signs in her home, Bob opens and verifies in his.
m_seal_u() { GNUPGHOME=$AH $TRACE "$SEAL" -q -r "$BOB" -u "$ALICE" "$MSG" >"${1:-$T/m.out}"; }
g_seal_u() { GNUPGHOME=$AH $TRACE gpg --batch -q -sea -r "$BOB" -u "$ALICE" <"$MSG" >"${1:-$T/g.out}"; }
m_seal_mail() { GNUPGHOME=$AH $TRACE "$SEAL" -q -r bob@example.org "$MSG" >"${1:-$T/m.out}"; }
g_seal_mail() { GNUPGHOME=$AH $TRACE gpg --batch -q -sea -r bob@example.org <"$MSG" >"${1:-$T/g.out}"; }
m_seal_file() { GNUPGHOME=$AH $TRACE "$SEAL" -q -R "$T/bob.pub" -u "$ALICE" "$MSG" >"${1:-$T/m.out}"; }
g_seal_file() { GNUPGHOME=$AH $TRACE gpg --batch -q -sea -f "$T/bob.pub" -u "$ALICE" <"$MSG" >"${1:-$T/g.out}"; }

# The opens read what mule-seal -u FPR wrote, the verifies what mule-sign
# wrote (made below, before the lines): the same input for both sides.
m_open() { GNUPGHOME=$BH $TRACE "$OPEN" -q "$T/sealed.asc" >"${1:-/dev/null}"; }
m_open_fpr() { GNUPGHOME=$BH $TRACE "$OPEN" -q --signer "$ALICE" "$T/sealed.asc" >"${1:-/dev/null}"; }
m_open_file() { GNUPGHOME=$BH $TRACE "$OPEN" -q --signer-file "$T/alice.pub" "$T/sealed.asc" >"${1:-/dev/null}"; }
g_open() { GNUPGHOME=$BH $TRACE gpg --batch -q -d "$T/sealed.asc" >"${1:-/dev/null}"; }
g_open_fpr() { g_open "$@"; }
g_open_file() { g_open "$@"; }

m_sign_clear() { GNUPGHOME=$AH $TRACE "$SIGN" -q -u "$ALICE" "$MSG" >"${1:-$T/m.out}"; }
g_sign_clear() { GNUPGHOME=$AH $TRACE gpg --batch -q -u "$ALICE" --clearsign <"$MSG" >"${1:-$T/g.out}"; }
m_sign_detach() { GNUPGHOME=$AH $TRACE "$SIGN" -q -u "$ALICE" --detach "$MSG" >"${1:-$T/m.out}"; }
g_sign_detach() { GNUPGHOME=$AH $TRACE gpg --batch -q -u "$ALICE" --detach-sign -a <"$MSG" >"${1:-$T/g.out}"; }

m_verify_clear() { GNUPGHOME=$BH $TRACE "$VERIFY" -q --signer "$ALICE" "$T/clear.asc" >"${1:-/dev/null}"; }
g_verify_clear() { GNUPGHOME=$BH $TRACE gpg --batch -q --verify "$T/clear.asc" 2>/dev/null; }
m_verify_detach() { GNUPGHOME=$BH $TRACE "$VERIFY" -q --signer "$ALICE" "$T/msg.sig" "$MSG"; }
g_verify_detach() { GNUPGHOME=$BH $TRACE gpg --batch -q --verify "$T/msg.sig" "$MSG" 2>/dev/null; }

# The stick.  put: each call puts the message as a new item onto one
# stick, empty at the start of each round, with Alice's state directory
# fresh at the start of each round (so each call numbers the next item);
# gpg -se writes call l's output to its own file.  get: call l reads stick
# l, which holds item l (one of NCALLS items put before the rounds), with
# Bob's state fresh at the start of each round (so his journal grows by
# one item per call); gpg -d | tar -x reads the same item (a copy) into
# a directory of its own.  Restoring the sticks is untimed.
S=$T/stick			# the stick of the put loop
m_put() { GNUPGHOME=$AH XDG_STATE_HOME=$AS $TRACE "$STICK" put "$S" -q -r "$BOB" -u "$ALICE" "$MSG" >/dev/null; }
g_put() { GNUPGHOME=$AH $TRACE gpg --batch -q -se -r "$BOB" -u "$ALICE" -o "$T/gput/$l.gpg" "$MSG"; }
m_get() { GNUPGHOME=$BH XDG_STATE_HOME=$BS $TRACE "$STICK" get "$T/sticks/$l" -q -C "$T/mget" >"${1:-/dev/null}"; }
g_get() { GNUPGHOME=$BH $TRACE gpg --batch -q -d "$T/items/$l.gpg" | tar -x -C "$T/gget/$l" -f -; }
prep_put() { rm -rf "$S" "$AS" && cp -a "$T/stick.empty" "$S" && mkdir "$AS" && sync; }
prep_gput() { fresh "$T/gput"; }
prep_get() {
	rm -rf "$T/sticks" "$BS" "$T/mget" && cp -a "$T/sticks.full" "$T/sticks" \
	    && mkdir "$BS" "$T/mget" && sync
}
prep_gget() {
	rm -rf "$T/gget" && mkdir "$T/gget" || return 1
	k=1
	while [ $k -le "$NCALLS" ]; do
		mkdir "$T/gget/$k" || return 1
		k=$((k + 1))
	done
	sync
}

# Checks after the trial run of a form (mule's output in $T/trial).
# opened: the output is the message.
opened() { cmp -s "$T/trial" "$MSG"; }
# sealed: the output is armoured and gpg -d (as Bob) gives back the
# message.
sealed() {
	head -1 "$T/trial" | grep -q '^-----BEGIN PGP MESSAGE-----' \
	    && GNUPGHOME=$BH gpg --batch -q -d "$T/trial" 2>/dev/null | cmp -s - "$MSG"
}
# put_one: the put left one more item in Bob's folder (l items after
# call l).
nitems() {
	ni=0
	for it in "$1"/*.gpg; do
		case ${it##*/} in
		*[!0-9a-f]*.gpg) ;;
		????????????????????????????????????????????????????????????????.gpg) ni=$((ni + 1)) ;;
		esac
	done
	echo $ni
}
put_one() { [ "$(nitems "$S/MULE/to/$BOB")" -eq "$l" ]; }
# got_one: get said "delivered" once, and delivered the message.
got_one() {
	[ "$(grep -c '^delivered ' "$T/trial")" -eq 1 ] && [ "$(wc -l <"$T/trial")" -eq 1 ] \
	    && [ "$(find "$T/mget" -type f -name msg | wc -l)" -eq "$l" ] \
	    && find "$T/mget" -type f -name msg -exec cmp -s "$MSG" {} \;
}
# gpg_got: gpg -d | tar -x gave back the message.
gpg_got() { cmp -s "$T/gget/$l/msg" "$MSG"; }

# loop NAME: the function NAME, NCALLS times, l = 1 ... NCALLS.
loop() {
	l=1
	while [ $l -le "$NCALLS" ]; do
		"$1" || return 1
		l=$((l + 1))
	done
}

# ---------------------------------------------------------------- processes
# Counted in one untimed run per side under strace: execve of gpg (the
# successful ones, -z), and of any other program but the traced one and
# tar (gpg-agent, for instance).
SF=$T/strace
if [ "${NO_STRACE:-}" = 1 ]; then
	COUNT="skipped (NO_STRACE=1)"
elif ! command -v strace >/dev/null 2>&1; then
	COUNT="not counted: no strace (apt-get install strace)"
else
	COUNT=
fi
# gpg_runs OUT: "N|WHAT" from strace's output OUT: N gpg processes, WHAT
# the list of them by command (and the other programs started).  A gpg
# run with no command is GPGME's verify (gpg's default action).
gpg_runs() {
	awk '/ execve\("/ {
		p = $0
		sub(/^[0-9]+ +execve\("/, "", p)
		sub(/".*/, "", p)
		sub(/.*\//, "", p)
		if (p != "gpg") {
			if (NR > 1 && p != "tar") other[p]++
			next
		}
		n++
		c = ""
		for (i = 3; i <= NF; i++) {
			w = $i
			gsub(/[][",]/, "", w)
			if (w ~ /^-[acdes]+$/ && w ~ /[cdes]/)	# -sea, -d, ...
				c = c (c == "" ? "" : " ") w
			else if (w ~ /^--(version|encrypt|sign|decrypt|verify|clearsign|detach-sign|symmetric|import|export|list-keys|list-secret-keys|locate-keys|fingerprint|check-trustdb|update-trustdb|gen-key|quick-[a-z-]+|edit-key|delete-[a-z-]+|list-config|gpgconf-list)$/)
				c = c (c == "" ? "" : " ") w
			if (w == "--unwrap") c = c " --unwrap"
		}
		if (c == "") c = "no command (verify)"
		if (!(c in cnt)) order[++no] = c
		cnt[c]++
	}
	END {
		s = ""
		for (i = 1; i <= no; i++)
			s = s (i > 1 ? ", " : "") order[i] (cnt[order[i]] > 1 ? " x" cnt[order[i]] : "")
		for (p in other)
			s = s (s == "" ? "" : "; ") "also " p (other[p] > 1 ? " x" other[p] : "")
		printf "%d|%s\n", n, s
	}' "$1"
}
# count NAME: the runs of m_NAME and g_NAME, traced: nm and ng (gpg
# processes), wm and wg (what they were); "-" where not counted.
count() {
	nm=- ng=- wm='' wg=''
	[ -z "$COUNT" ] || return 0
	TRACE="strace -f -z -qq -e trace=execve -e signal=none -o $SF"
	rm -f "$SF"
	if "m_$1" "$T/traced" 2>/dev/null && [ -s "$SF" ]; then
		x=$(gpg_runs "$SF")
		nm=${x%%|*} wm=${x#*|}
	fi
	rm -f "$SF"
	if "g_$1" "$T/traced.g" 2>/dev/null && [ -s "$SF" ]; then
		x=$(gpg_runs "$SF")
		ng=${x%%|*} wg=${x#*|}
	fi
	TRACE=
}

# ---------------------------------------------------------------- table
FMT='%-22s %10s %10s %7s %6s %8s  %s\n'	# what mule gpg ratio runs target result
MISS=MISS	# a line above its target
PROCS=$T/procs
: >"$PROCS"
prow() {	# prow WHAT MULE GPG RATIO RUNS TARGET RESULT
	printf "$FMT" "$1" "$2" "$3" "$4" "$5" "$6" "$7" >>"$RESULTS"
}

# form WHAT NAME [CHECK [PREP-M PREP-G [GCHECK]]]: the line of a form.
# The trial run (after PREP-M, with l = 1) must exit 0 and pass CHECK;
# gpg's (after PREP-G) must exit 0 and pass GCHECK.  Then the second call
# (l = 2) of each side is counted under strace, and NCALLS calls of each
# are timed in RUNS interleaved rounds, each round after its PREP.
form() {
	what=$1 name=$2 ck=${3:-:} pm=${4:-:} pg=${5:-:} gck=${6:-:}
	say "$what"
	rm -f "$T/trial" "$T/trial.g"
	l=1
	if ! { $pm && "m_$name" "$T/trial" && $ck; }; then
		say "$what: the mule command failed, or its output is wrong; not timed"
		prow "$what" - - - - "<= 1.5x" ERROR
		return
	fi
	if ! { $pg && "g_$name" "$T/trial.g" 2>"$T/trial.err" && $gck; }; then
		cat "$T/trial.err" >&2
		say "$what: the gpg command failed; not timed"
		prow "$what" - - - - "<= 1.5x" ERROR
		return
	fi
	l=2
	count "$name"
	printf '  %-20s mule %s: %s\n  %-20s gpg  %s: %s\n' "$what" "$nm" "$wm" "" "$ng" "$wg" >>"$PROCS"
	nprocs=$nm:$ng
	[ "$nprocs" = -:- ] && nprocs=-
	if measure "$RUNS" "$pm" "loop m_$name $Q" "$pg" "loop g_$name $Q"; then
		m=$((med1 / NCALLS)) g=$((med2 / NCALLS))
		r=$(slowdown "$m" "$g")
		prow "$what" "$(msecs "$m")" "$(msecs "$g")" "$(x2 "$r")" "$nprocs" "<= 1.5x" \
		    "$(verdict "$r" "<=" 1.5)"
	else
		prow "$what" - - - "$nprocs" "<= 1.5x" ERROR
	fi
}

# ---------------------------------------------------------------- inputs
# What the opens and verifies read, made by mule: if one cannot be made,
# its lines are ERROR.
say "inputs: a sealed message, a clear-signed one, a detached signature"
m_seal_u "$T/sealed.asc" || rm -f "$T/sealed.asc"
m_sign_clear "$T/clear.asc" || rm -f "$T/clear.asc"
m_sign_detach "$T/msg.sig" || rm -f "$T/msg.sig"
# The sticks of the get line: an initialised empty stick (also the put
# line's), then NCALLS copies of it, item l put onto copy l (Alice's
# state kept, so they are numbered 1 ... NCALLS for Bob), and a copy of
# each item for gpg.
mkdir "$T/stick.empty"
GNUPGHOME=$AH XDG_STATE_HOME=$AS "$STICK" init "$T/stick.empty" >/dev/null 2>&1 \
    && [ -d "$T/stick.empty/MULE/to" ] || { say "mule-stick init failed"; exit 2; }
rm -rf "$AS"
say "inputs: $NCALLS sticks of one item each"
mkdir "$T/sticks.full" "$T/items" "$AS"
sticks_ok=1
k=1
while [ $k -le "$NCALLS" ]; do
	d=$T/sticks.full/$k
	if cp -a "$T/stick.empty" "$d" \
	    && GNUPGHOME=$AH XDG_STATE_HOME=$AS "$STICK" put "$d" -q -r "$BOB" -u "$ALICE" "$MSG" >/dev/null \
	    && [ "$(nitems "$d/MULE/to/$BOB")" -eq 1 ]; then
		cp "$d/MULE/to/$BOB"/*.gpg "$T/items/$k.gpg"
	else
		sticks_ok=0
		say "mule-stick put of item $k failed"
		break
	fi
	k=$((k + 1))
done
rm -rf "$AS"

# gpg --version: what GPGME runs once per process (information).
g_version() { gpg --version >/dev/null; }

# ---------------------------------------------------------------- lines
have() { [ -s "$T/$1" ] || { say "$T/$1 was not made"; return 1; }; }
form "seal -u FPR" seal_u sealed
form "seal -r e-mail" seal_mail sealed
form "seal -R KEYFILE" seal_file sealed
for f in open:open open_fpr:"open --signer FPR" open_file:"open --signer-file"; do
	if have sealed.asc; then
		form "${f#*:}" "${f%%:*}" opened
	else
		prow "${f#*:}" - - - - "<= 1.5x" ERROR
	fi
done
form "sign clear" sign_clear
form "sign detached" sign_detach
if have clear.asc; then
	form "verify clear" verify_clear opened
else
	prow "verify clear" - - - - "<= 1.5x" ERROR
fi
if have msg.sig; then
	form "verify detached" verify_detach
else
	prow "verify detached" - - - - "<= 1.5x" ERROR
fi
form "stick put, one item" put put_one prep_put prep_gput
if [ $sticks_ok = 1 ]; then
	form "stick get, one item" get got_one prep_get prep_gget gpg_got
else
	prow "stick get, one item" - - - - "<= 1.5x" ERROR
fi
say "gpg --version"
if measure_cmds "$RUNS" "loop g_version"; then
	prow "  gpg --version (info)" - "$(msecs $((med1 / NCALLS)))" - - - info
fi

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule per-call benchmark ($mode): $(machine)," \
    "medians of $RUNS rounds of $NCALLS calls"
echo "$VERSION, binaries built $BUILT${GPGME:+; GPGME $GPGME}; a message of 1024 bytes," \
    "gpg-agent running, keys without passphrase"
echo "load average at start: $LOAD0, at end: $(loadavg)"
printf "$FMT" what mule gpg ratio runs target result
cat "$RESULTS"
echo "times per call; runs = gpg processes per call, mule's : gpg's"
if [ -n "$COUNT" ]; then
	echo "gpg processes: $COUNT"
else
	echo "gpg processes per call (strace -f -e trace=execve, one untimed call of each side):"
	cat "$PROCS"
fi
npass=$(grep -c ' PASS$' "$RESULTS")
nmiss=$(grep -c ' MISS$' "$RESULTS")
nerr=$(grep -c ' ERROR$' "$RESULTS")
echo "summary: $npass PASS, $nmiss MISS, $nerr ERROR; the run took $((END - START)) s"
[ "$nerr" -eq 0 ]
