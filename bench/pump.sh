#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/pump.sh - large data through mule and through gpg, in the same
# run: the lines of issue 19 that GPGME's pump used to hold back.
#
# Usage: sh bench/pump.sh [quick]
#
# Three jobs on MIB MiB of random data (48; less, and mule's fixed cost
# per call, about 10 ms for open, starts to show), each against
# gpg doing the same job on the same file: mule-open --binary of a sealed
# message to a file, mule-sign --detach, mule-verify of that signature.
# Ratio = gpg's time / mule's (higher is better), target >= 0.9x.  One
# line of information: gpg --verify reading the data from a pipe, which
# is how every GPGME program hands gpg its data.  See bench/README.
#
# Environment: MULE_SEAL, MULE_OPEN, MULE_SIGN, MULE_VERIFY (the binaries;
# default: src/ of this tree), MIB, RUNS (timed rounds: full 9, quick 3),
# TMPDIR (where the throwaway directory goes).

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)	: "${MIB:=48}" "${RUNS:=9}" ;;
quick)	: "${MIB:=48}" "${RUNS:=3}" ;;
*)	echo "usage: sh bench/pump.sh [quick]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"
mule_binaries SEAL OPEN SIGN VERIFY
need_tools gpg gpgconf gpg-connect-agent cmp
need_ns_date

START=$(date +%s)
one_home

BUILT=$(built_times "$SEAL" "$OPEN" "$SIGN" "$VERIFY")
copy_binaries SEAL OPEN SIGN VERIFY
VERSION=$("$SEAL" --version 2>/dev/null | head -1)
LOAD0=$(loadavg)
say "mode $mode: $MIB MiB, $RUNS rounds"
keys_in_one_home
start_agent "$GNUPGHOME"

define_random
random $((MIB * 1048576)) >"$T/data"
"$SEAL" -q --binary -r "$BOB" -u "$ALICE" -o "$T/data.gpg" "$T/data" \
    || { say "mule-seal failed"; exit 2; }
"$SIGN" -q -u "$ALICE" --detach -o "$T/data.sig" "$T/data" \
    || { say "mule-sign failed"; exit 2; }

FMT='%-46s %10s %10s %7s %8s  %s\n'
# line WHAT MULE-CMD GPG-CMD [CHECK]: one untimed run of each (CHECK, if
# given, after mule's), then RUNS interleaved rounds.
line() {
	if ! eval "$2" || ! eval "$3" || ! eval "${4:-:}"; then
		row "$1" - - - ">= 0.9x" ERROR
		return
	fi
	if measure_cmds "$RUNS" "$2" "$3"; then
		timed_row "$1" speedup ">=" 0.9
	else
		row "$1" - - - ">= 0.9x" ERROR
	fi
}
say "open"
line "open --binary $MIB MiB -o FILE vs gpg -d" \
    "\"\$OPEN\" -q --force --signer \"\$ALICE\" -o \"\$T/m.out\" \"\$T/data.gpg\"" \
    "gpg --batch -q --yes -d -o \"\$T/g.out\" \"\$T/data.gpg\" 2>/dev/null" \
    "cmp -s \"\$T/m.out\" \"\$T/data\""
say "sign"
line "sign --detach $MIB MiB vs gpg --detach-sign -a" \
    "\"\$SIGN\" -q --force -u \"\$ALICE\" --detach -o \"\$T/m.sig\" \"\$T/data\"" \
    "gpg --batch -q --yes -u \"\$ALICE\" --detach-sign -a -o \"\$T/g.sig\" \"\$T/data\""
say "verify"
line "verify detached $MIB MiB vs gpg --verify" \
    "\"\$VERIFY\" -q --signer \"\$ALICE\" \"\$T/data.sig\" \"\$T/data\"" \
    "gpg --batch -q --verify \"\$T/data.sig\" \"\$T/data\" 2>/dev/null"
say "gpg through a pipe"
if measure_cmds "$RUNS" \
    "cat \"\$T/data\" | gpg --batch -q --verify \"\$T/data.sig\" - 2>/dev/null" \
    "gpg --batch -q --verify \"\$T/data.sig\" \"\$T/data\" 2>/dev/null"; then
	timed_row "  gpg --verify, data from a pipe (info)" speedup -
fi

END=$(date +%s)
echo "mule pump benchmark ($mode): $(machine), medians of $RUNS rounds"
echo "$VERSION, binaries built $BUILT; $MIB MiB of random data, gpg-agent running"
table
summary
