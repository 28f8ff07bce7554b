#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh [SECONDS [JOBS [NAME...]]] | run.sh --sources
#
# Build every fuzz harness of
# contrib/fuzz (or only those NAMEd) with clang's libFuzzer (ASan and UBSan
# on), run each for SECONDS (default 60), JOBS at a time (default 2), and
# print per harness: executions a second, coverage (edges and features),
# corpus size and findings.  Run it from anywhere in a configured tree
# (./autogen.sh && ./configure).  Exit 0 when no harness found anything,
# 1 when one did (its inputs are in contrib/fuzz/build/NAME/), 2 when a
# harness does not build.
#
# Each harness fuzzes a working copy of its seed corpus (build/NAME/corpus),
# so the checked-in seeds stay small; copy a finding into
# contrib/fuzz/corpus/NAME/ to keep it as a regression input, which
# "make check" replays (tests/t-fuzz-replay.sh).
set -eu
first=${1:-}
secs=${1:-60}
jobs=${2:-2}
[ $# -gt 2 ] && shift 2 || set --
only=" $* "
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$here/build}
CC=${CC:-clang}

# NAME|SOURCES (below src/lib)|LIBRARIES (pkg-config names or -l flags)|OPTIONS
harnesses() {
	cat <<'TABLE'
dearmor|pgp/armor.c core/stream.c core/error.c core/cleanup.c core/secret.c core/text.c|libgcrypt gpg-error -lm|
grammar|pgp/grammar.c pgp/packet.c core/stream.c core/error.c core/cleanup.c|libgcrypt gpg-error zlib -lbz2|
packet|pgp/packet.c core/stream.c core/error.c core/cleanup.c|libgcrypt gpg-error|
clearsig|pgp/clearsig.c core/stream.c core/error.c core/cleanup.c|gpg-error|
manifest|pgp/manifest.c core/strlist.c core/text.c core/stream.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
digests|pgp/manifest.c core/strlist.c core/text.c core/stream.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
status|pgp/status.c pgp/policy.c pgp/keyname.c pgp/keys.c pgp/keyfile.c pgp/armor.c pgp/gpg.c pgp/packet.c core/fd.c core/testhook.c core/stream.c core/strlist.c core/secret.c core/text.c core/error.c core/cleanup.c|gpgme libgcrypt gpg-error -lm|
envelope|stick/envelope.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
outbox|stick/outbox.c stick/folder.c core/state.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
journal|stick/journal.c core/record.c core/state.c core/nameset.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
sent|stick/sent.c core/record.c core/state.c core/nameset.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
receipt|stick/receipt.c stick/sent.c core/record.c core/state.c core/nameset.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
sequence|stick/sequence.c core/record.c core/state.c core/nameset.c core/fd.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
parts|tar/parts.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
tar|tar/read.c tar/tar.c tar/staging.c pgp/manifest.c core/strlist.c core/nameset.c core/fd.c core/output.c core/tempname.c core/hold.c core/secret.c core/testhook.c core/progress.c core/stream.c core/text.c core/error.c core/cleanup.c|libarchive libgcrypt gpg-error -lm|
cert|key/cert.c pgp/packet.c core/stream.c core/secret.c core/text.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
ur|qr/ur.c qr/fountain.c qr/xoshiro.c qr/bytewords.c qr/cbor.c qr/crc32.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
qr-parts|qr/ur.c qr/fountain.c qr/xoshiro.c qr/bytewords.c qr/cbor.c qr/crc32.c core/error.c core/cleanup.c|libgcrypt gpg-error -lm|
TABLE
}

# sources SRCS: the files below src/lib a harness is built from: SRCS,
# and what every harness needs with them (each reports through
# core/error.c, which hides the progress line before it prints), once.
sources() {
	srcs_out=""
	for s in $1 core/progress.c core/testhook.c; do
		case " $srcs_out " in
		*" $s "*) continue ;;
		esac
		srcs_out="$srcs_out $s"
	done
	printf '%s\n' "${srcs_out# }"
}

# --sources: "NAME FILE..." for every harness, and nothing else
# (tests/t-fuzz-lists.sh checks them against the objects of a build).
if [ "$first" = --sources ]; then
	harnesses | while IFS='|' read -r name srcs rest; do
		printf '%s %s\n' "$name" "$(sources "$srcs")"
	done
	exit 0
fi

if [ ! -f "$top/config.h" ]; then
	echo "run.sh: configure the tree first (./autogen.sh && ./configure)" >&2
	exit 2
fi
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "run.sh: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi

# libs LIST: the link flags of LIST.
libs() {
	for l in $1; do
		case $l in
		-*) printf ' %s' "$l" ;;
		*) printf ' %s' "$(pkg-config --libs "$l")" ;;
		esac
	done
}

# cflags LIST: the compile flags of LIST's pkg-config names.
cflags() {
	for l in $1; do
		case $l in
		-*) ;;
		*) printf ' %s' "$(pkg-config --cflags "$l")" ;;
		esac
	done
}

build() {
	name=$1 srcs=$2 deps=$3
	files=""
	for s in $(sources "$srcs"); do
		files="$files $top/src/lib/$s"
	done
	mkdir -p "$out/$name"
	# shellcheck disable=SC2046,SC2086
	$CC -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -I"$top" -I"$top/src/lib" \
	    $(cflags "$deps") "$here/fuzz-$name.c" $files $(libs "$deps") \
	    -o "$out/$name/fuzz-$name"
}

run() {
	name=$1 opts=$2
	dir="$out/$name"
	mkdir -p "$dir/corpus"
	rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
	# The scratch directory of a harness that writes files.
	mkdir -p "$dir/tmp"
	# shellcheck disable=SC2086
	(cd "$dir" && TMPDIR="$dir/tmp" ./"fuzz-$name" -max_total_time="$secs" \
	    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="$dir/" $opts corpus "$here/corpus/$name") \
	    >"$dir/log" 2>&1 || true
}

# report NAME: one line of the table.
report() {
	name=$1
	log="$out/$name/log"
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	found=$(find "$out/$name" -maxdepth 1 \( -name 'crash-*' -o \
	    -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	printf '%-12s %9s %7s %7s %7s %9s\n' "$name" "${execs:-?}" "${cov:-?}" \
	    "${ft:-?}" "${corp:-?}" "$found"
	[ "$found" -eq 0 ]
}

# selected: the lines of the table to build and run.
selected() {
	harnesses | while IFS='|' read -r name rest; do
		case $only in
		"  " | *" $name "*) printf '%s|%s\n' "$name" "$rest" ;;
		esac
	done
}

mkdir -p "$out"
selected >"$out.table"
if [ ! -s "$out.table" ]; then
	echo "run.sh: no harness named:$only" >&2
	exit 2
fi
status=0
while IFS='|' read -r name srcs deps opts; do
	if ! build "$name" "$srcs" "$deps"; then
		echo "run.sh: fuzz-$name does not build" >&2
		status=2
	fi
done <"$out.table"
[ "$status" -eq 0 ] || exit "$status"

n=0
while IFS='|' read -r name srcs deps opts; do
	run "$name" "$opts" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done <"$out.table"
wait

printf '%-12s %9s %7s %7s %7s %9s\n' harness 'execs/s' cov ft corpus findings
while IFS='|' read -r name srcs deps opts; do
	report "$name" || status=1
done <"$out.table"
rm -f "$out.table"
if [ "$status" -ne 0 ]; then
	echo "run.sh: findings: see contrib/fuzz/build/NAME/log and the files beside it" >&2
fi
exit "$status"
