#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/qr-rate.sh - how fast mule-qr makes and reads PNG frames, and how
# many bytes a second an animation carries at 5 frames a second when a
# fifth of the frames are lost.
#
# Usage: sh bench/qr-rate.sh [quick]
#
# Timed (medians of interleaved runs): mule-qr encode of 20 KiB of random
# data to PNG frames (52 plain and 52 fountain frames, the defaults) and
# mule-qr decode of those frames (which stops once complete, after the
# 52 plain ones); target: each under a second.  Counted:
# the endless stream of UR parts (mule-qr encode --text --extra 900, ten
# times len), each part lost with probability 0.2 by a seeded filter,
# read by mule-qr decode --text until complete; the frames needed are
# the parts sent up to the last one read, lost ones included.  The rate
# is the payload over the time those frames take at 5 frames a second.
# See bench/README.
#
# Environment: MULE_QR (the binary; default: src/mule-qr of this tree),
# RUNS (timed rounds; full 7, quick 5), SEEDS (loss patterns; full 100,
# quick 20), FPS (frames a second, 5), TMPDIR.

set -u
LC_ALL=C
export LC_ALL

mode=${1:-full}
case $mode in
full)
	: "${RUNS:=7}"
	: "${SEEDS:=100}"
	;;
quick)
	: "${RUNS:=5}"
	: "${SEEDS:=20}"
	;;
*)
	echo "usage: sh bench/qr-rate.sh [quick]" >&2
	exit 2
	;;
esac
: "${FPS:=5}"

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
mule_binaries QR
need_tools awk sort cmp
need_ns_date

START=$(date +%s)
make_tmpdir
trap 'cleanup' EXIT
trap 'exit 130' INT TERM HUP
BUILT=$(built_time "$QR")
copy_binaries QR
VERSION=$("$QR" --version 2>/dev/null | head -1)
LOAD0=$(loadavg)
say "mode $mode: $RUNS runs, $SEEDS loss patterns, $FPS frames a second"

define_random
random 20480 >"$T/p20k"
random 414 >"$T/p414"
FMT='%-52s %10s %10s %7s %8s  %s\n'

# ---------------------------------------------------------------- timed
# Trial runs: the frames must be 104 and decode to the payload.
EP="rm -rf $T/frames"
EC="$QR encode -q -o $T/frames $T/p20k"
DP="rm -f $T/out"
DC="$QR decode -q -o $T/out $T/frames"
ok=1
if eval "$EP" && eval "$EC" && [ "$(ls "$T/frames" | wc -l)" -eq 104 ] &&
    eval "$DP" && eval "$DC" && cmp -s "$T/out" "$T/p20k"; then
	:
else
	ok=0
	say "mule-qr did not make 104 frames of 20 KiB, or did not read them back"
fi
what_e="encode 20 KiB to 104 PNG frames"
# decode reads the frames in name order and stops once complete: after
# the 52 plain frames here.
what_d="decode them (zbar; complete after 52 frames)"
if [ $ok = 1 ] && measure "$RUNS" "$EP" "$EC" "$DP" "$DC"; then
	E_MED=$med1 D_MED=$med2
	for x in e d; do
		eval "m=\$$(echo "$x" | tr a-z A-Z)_MED what=\$what_$x"
		row "$what" "$(secs "$m")" - - "< 1.0 s" \
		    "$(awk -v t="$m" 'BEGIN { print t < 1e9 ? "PASS" : "FAIL" }')"
	done
	row "  same, per frame: encode / decode" "$(msecs $((E_MED / 104)))" \
	    "$(msecs $((D_MED / 52)))" - - info
else
	row "$what_e" - - - "< 1.0 s" ERROR
	row "$what_d" - - - "< 1.0 s" ERROR
fi

# ---------------------------------------------------------------- counted
# lossy SEED: the lines of standard input, each kept with probability 0.8
# (Park-Miller, the same in any awk), prefixed by its number in the
# stream and a tab.
lossy() {
	awk -v s="$1" 'BEGIN { x = (s * 7919) % 2147483646 + 1
	    for (i = 0; i < 10; i++) x = (x * 16807) % 2147483647 }
	    { x = (x * 16807) % 2147483647
	      if (x / 2147483647 >= 0.2) printf "%d\t%s\n", NR, $0 }'
}

# stream NAME FILE: the mean frames sent until decoded over SEEDS loss
# patterns into SENT_NAME (and the mean received into RECV_NAME), len
# into LEN_NAME; exit status 1 if a pattern did not decode.
stream() {
	"$QR" encode -q --text --extra 900 "$2" >"$T/stream.txt" || return 1
	s=1 sent=0 recv=0
	while [ $s -le "$SEEDS" ]; do
		lossy "$s" <"$T/stream.txt" >"$T/kept"
		rm -f "$T/out"
		cut -f2 "$T/kept" | "$QR" decode --text -o "$T/out" \
		    2>"$T/err" || return 1
		cmp -s "$T/out" "$2" || return 1
		n=$(sed -n 's/^mule-qr: [0-9]* bytes from \([0-9]*\) parts\{0,1\}$/\1/p' "$T/err")
		[ -n "$n" ] || return 1
		recv=$((recv + n))
		sent=$((sent + $(sed -n "${n}p" "$T/kept" | cut -f1)))
		s=$((s + 1))
	done
	len=$(head -1 "$T/stream.txt" | sed -n 's|^UR:BYTES/1-\([0-9]*\)/.*|\1|p')
	eval "SENT_$1=\$(awk -v a=$sent -v n=$SEEDS 'BEGIN { printf \"%.2f\", a / n }')"
	eval "RECV_$1=\$(awk -v a=$recv -v n=$SEEDS 'BEGIN { printf \"%.2f\", a / n }')"
	eval "LEN_$1=\${len:-1}"
}

# rate BYTES FRAMES: bytes a second at FPS frames a second.
rate() { awk -v b="$1" -v f="$2" -v r="$FPS" 'BEGIN { printf "%.0f B/s", b * r / f }'; }
# at FRAMES: how long FRAMES take at FPS.
at() { awk -v f="$1" -v r="$FPS" 'BEGIN { printf "%.1f s", f / r }'; }

what_s="20 KiB at $FPS frames/s, 20 % lost: frames sent"
if stream k20 "$T/p20k"; then
	row "$what_s" "$SENT_k20" - \
	    "$(awk -v s="$SENT_k20" -v l="$LEN_k20" 'BEGIN { printf "%.2fx", s / l }')" \
	    - info
	row "  same, of them received (len $LEN_k20)" "$RECV_k20" - \
	    "$(awk -v s="$RECV_k20" -v l="$LEN_k20" 'BEGIN { printf "%.2fx", s / l }')" \
	    - info
	row "  time to carry 20 KiB" "$(at "$SENT_k20")" "$(at "$LEN_k20")" - - info
	row "  effective rate (vs no loss)" "$(rate 20480 "$SENT_k20")" \
	    "$(rate 20480 "$LEN_k20")" - - info
else
	row "$what_s" - - - - ERROR
fi
# The payload a user knows: a minimal Ed25519 certificate is 414 bytes,
# one code, whole in any frame that is read.
"$QR" encode -q --text "$T/p414" >"$T/key.txt" 2>/dev/null
if [ "$(wc -l <"$T/key.txt")" -eq 1 ] && grep -q '^UR:BYTES/[A-Z]*$' "$T/key.txt"; then
	row "414-byte key (minimal certificate): frames" 1 - - - info
else
	row "414-byte key (minimal certificate): frames" - - - - ERROR
fi

# ---------------------------------------------------------------- table
END=$(date +%s)
echo "mule-qr rate benchmark ($mode): $(date -u +%Y-%m-%d), $(nproc 2>/dev/null || echo '?') cores, medians of $RUNS runs, $SEEDS loss patterns"
echo "$VERSION, binary built $BUILT; 20 KiB of random data, fragments of 400 B, level L, $FPS frames/s"
echo "load average at start: $LOAD0, at end: $(loadavg)"
printf "$FMT" what mule-qr 'no loss' ratio target result
cat "$RESULTS"
summary
