# SPDX-License-Identifier: GPL-3.0-or-later
# faults-lib.sh - the fault sweep, shared by the t-faults-*.sh scripts
# (split so that make -j runs them side by side): the cast, the inputs,
# each command's checks and the sweep.  A script sources it, calls
# "sweep NAME DESC" for each of its commands, then faults_done.
#
# The fault sweep: every write path of mule fails at every point, one
# point at a time, and is still safe.  Built with --enable-test-hooks,
# mule's own calls of write, fsync, rename, mkdir, unlink and malloc go
# through src/lib/core/fault.c, and MULE_FAULT=KIND:N makes the Nth call of
# KIND fail (ENOSPC, EIO or ENOMEM); gpg and gpg-agent are not touched.
# For each command and each KIND, N = 1, 2, ... through every call a run
# without a fault makes, and on until a run succeeds; at every N:
#   - the exit status is 2 (an operational error), with an error line;
#   - no output file, no part, nothing delivered is left (a temporary
#     .mule-* may be, when the fault hit the call that would remove it);
#   - the next run without a fault succeeds and leaves no temporary;
#   - nothing outside the target changed, and TMPDIR is empty;
#   - mule-stick: after the next run, each item is delivered exactly once,
#     none is rejected, and a third run finds nothing new.
# FAULT_KINDS limits the kinds (default: all six).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"

if ! has_test_hooks; then
	echo "1..0 # SKIP needs a build with --enable-test-hooks"
	exit 0
fi
umask 022
# An ASan or UBSan report must not pass for one of our exit statuses.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
export ASAN_OPTIONS UBSAN_OPTIONS
KINDS=${FAULT_KINDS:-write fsync rename mkdir unlink malloc}

# --- the cast and the inputs -------------------------------------------------------
alice_and_bob
GNUPGHOME=$BH gpg -q --import "$T/alice.asc" &&
GNUPGHOME=$AH gpg -q --import "$T/bob.asc" &&
GNUPGHOME=$AH gpg --batch --yes -q --quick-lsign-key "$BOB" >/dev/null 2>&1 &&
GNUPGHOME=$BH gpg --batch --yes -q --quick-lsign-key "$ALICE" >/dev/null 2>&1 || {
	echo "Bail out! cannot exchange the test keys"; exit 99; }
mkdir -p "$T/alice" "$T/bob" "$T/tmp"
ASTATE="$T/state/alice"
BSTATE="$T/state/bob"

# The pristine inputs: a note, a tree (several parts of 64 KiB when
# bundled), a message from Alice to Bob, a bundle in parts, a stick with
# three items for Bob and one for Alice herself.
P="$T/pristine"
mkdir -p "$P/in/tree/sub" "$P/outside" "$P/stick"
head -c 150000 /dev/urandom | base64 >"$P/in/note"
head -c 100000 /dev/urandom >"$P/in/tree/random.bin"
cp "$P/in/note" "$P/in/tree/sub/note.txt"
echo 'keep me' >"$P/outside/keep"
a() { with_timeout env GNUPGHOME="$AH" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" "$@"; }
b() { with_timeout env GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" "$@"; }
if ! { a mule-seal -r "$BOB" -o "$P/in/msg.asc" "$P/in/note" &&
    a mule-bundle -r "$BOB" --split 64K -o "$P/in/b.tar.asc" "$P/in/tree" &&
    a mule-stick init "$P/stick" &&
    a mule-stick put "$P/stick" -r "$BOB" "$P/in/note" "$P/in/tree" &&
    echo 'a third' | a mule-stick put "$P/stick" -r "$BOB" - &&
    echo 'to myself' | a mule-stick put "$P/stick" -r "$ALICE" - ; } \
    >"$T/setup.log" 2>&1; then
	sed 's/^/#   /' "$T/setup.log" >&2
	echo "Bail out! cannot make the inputs"
	exit 99
fi
rm -rf "$ASTATE" "$BSTATE"
# Alice's outbox for sync: the note (for Bob and herself), the tree in
# parts of 64 KiB, and a message, queued; $P/state is her state then.
if ! { a env XDG_STATE_HOME="$P/state" mule-stick put --queue -r "$BOB" \
    -r "$ALICE" "$P/in/note" &&
    a env XDG_STATE_HOME="$P/state" mule-stick put --queue -r "$BOB" \
    --split 64K "$P/in/tree" &&
    echo 'queued' | a env XDG_STATE_HOME="$P/state" mule-stick put \
    --queue -r "$BOB" - ; } >"$T/setup.log" 2>&1; then
	sed 's/^/#   /' "$T/setup.log" >&2
	echo "Bail out! cannot queue the outbox"
	exit 99
fi
# What Bob's inbox holds after one good get: its listing.
mkdir -p "$T/ref/inbox" "$BSTATE"
cp -R "$P/stick" "$T/ref/stick"
b mule-stick get "$T/ref/stick" -C "$T/ref/inbox" --remove >/dev/null 2>&1 ||
    { echo "Bail out! the reference get failed"; exit 99; }
rm -rf "$BSTATE"
# contents DIR: every file below DIR as "SHA-256 base name", sorted (item
# folders are named by time and ID, which differ from run to run).
contents() {
	(cd "$1" && find . -type f ! -name '.mule-*' -exec sha256sum {} + |
	    sed 's,  .*/,  ,' | sort)
}
contents "$T/ref/inbox" >"$T/ref/inbox.list"

# --- the sweep ----------------------------------------------------------------------
W="$T/w"
# fresh: a new copy of the pristine inputs in $W, fresh state, empty TMPDIR.
fresh() {
	rm -rf "$W" "$ASTATE" "$BSTATE" "$T/tmp"
	mkdir -p "$T/tmp" "$ASTATE" "$BSTATE"
	cp -R "$P" "$W"
	mkdir -p "$W/out" "$W/dest" "$W/inbox"
}

# temporaries DIR: the .mule-* names below DIR.
temporaries() {
	find "$1" -name '.mule-*' 2>/dev/null
}

# untouched: the inputs and the directory beside the target are as they
# were, and TMPDIR is empty.
untouched() {
	[ "$(tree "$W/outside")" = "$(tree "$P/outside")" ] || {
		echo "the directory beside the target changed"; return 1; }
	cmp -s "$W/in/note" "$P/in/note" || { echo "the input changed"; return 1; }
	[ -z "$(ls -A "$T/tmp")" ] || {
		echo "TMPDIR holds: $(ls -A "$T/tmp" | tr '\n' ' ')"; return 1; }
}

# Each command is four functions: run_X (the command, in $W, stdout in
# $W/stdout, stderr in $W/err), failed_X (what must hold after it failed),
# done_X (what must hold after it succeeded), and the next run is run_X
# again, followed by done_X and no temporary in the target.
# Each prints what is wrong, if anything, and returns 1.

run_seal() {
	a mule-seal -r "$BOB" -o "$W/out/msg.asc" "$W/in/note"
}
failed_seal() {
	[ -z "$(ls "$W/out")" ] || { echo "left: $(ls "$W/out")"; return 1; }
}
done_seal() {
	b mule-open -q "$W/out/msg.asc" 2>/dev/null | cmp -s - "$P/in/note" ||
	    { echo "the sealed message does not open to the note"; return 1; }
}
target_seal="$W/out"

run_open_file() {
	b mule-open -o "$W/out/note" "$W/in/msg.asc"
}
failed_open_file() { failed_seal; }
done_open_file() {
	cmp -s "$W/out/note" "$P/in/note" || { echo "the note differs"; return 1; }
}
target_open_file="$W/out"

# To standard output, held back in TMPDIR (MULE_TEST_HOLD_THRESHOLD) until
# the signature checked out: after a fault, what came out is a prefix of
# the signed note, never more.
run_open_stdout() {
	MULE_TEST_HOLD_THRESHOLD=4096 b mule-open "$W/in/msg.asc" >"$W/out/stdout"
}
failed_open_stdout() {
	n=$(wc -c <"$W/out/stdout")
	head -c "$n" "$P/in/note" | cmp -s - "$W/out/stdout" ||
	    { echo "stdout is not a prefix of the note"; return 1; }
}
done_open_stdout() {
	cmp -s "$W/out/stdout" "$P/in/note" || { echo "stdout differs"; return 1; }
}
target_open_stdout="$W/out"

run_manifest() {
	a mule-sign --manifest "$W/in/tree" -o "$W/out/MANIFEST.asc"
}
failed_manifest() { failed_seal; }
done_manifest() {
	b mule-verify -q --manifest "$W/in/tree" \
	    --manifest-file "$W/out/MANIFEST.asc" >/dev/null 2>&1 ||
	    { echo "the manifest does not verify"; return 1; }
}
target_manifest="$W/out"

run_bundle_c() {
	a mule-bundle -r "$BOB" --split 64K -o "$W/out/b.tar.asc" "$W/in/tree"
}
failed_bundle_c() { failed_seal; }
done_bundle_c() {
	mkdir -p "$W/check" && b mule-bundle -q -x -C "$W/check" \
	    "$W/out/b.tar.asc.001" >/dev/null 2>&1 &&
	    [ "$(tree "$W/check/tree")" = "$(tree "$P/in/tree")" ] ||
	    { echo "the bundle does not extract to the tree"; return 1; }
	rm -rf "$W/check"
}
target_bundle_c="$W/out"

run_bundle_x() {
	b mule-bundle -x -C "$W/dest" "$W/in/b.tar.asc.001"
}
failed_bundle_x() {
	left=$(ls -A "$W/dest" | grep -v '^\.mule-')
	[ -z "$left" ] || { echo "extracted: $left"; return 1; }
}
done_bundle_x() {
	[ "$(tree "$W/dest/tree")" = "$(tree "$P/in/tree")" ] ||
	    { echo "the extracted tree differs"; return 1; }
}
target_bundle_x="$W/dest"

# put: what a failed put left on the stick, a good put then added to:
# Bob gets every item whole (none rejected), the note and the tree once,
# numbered 1 and 2 (a failed put gives its numbers back).
run_put() {
	a mule-stick put "$W/stick" -r "$BOB" "$W/in/note" "$W/in/tree"
}
failed_put() {
	:
}
done_put() {
	mkdir -p "$W/inbox"
	b mule-stick get "$W/stick" -C "$W/inbox" --remove >"$W/get.out" 2>&1 ||
	    { echo "get after put: $(tail -1 "$W/get.out")"; return 1; }
	[ -z "$(ls -A "$W/stick/MULE/rejected" 2>/dev/null)" ] ||
	    { echo "rejected: $(ls "$W/stick/MULE/rejected")"; return 1; }
	# What was on the stick, and this put's note and tree once more:
	# never twice (a failed put takes back what it stored).
	{ awk '{ print $2 }' "$T/ref/inbox.list"
	  printf '%s\n' note note.txt random.bin; } | sort >"$W/want"
	contents "$W/inbox" | awk '{ print $2 }' | sort >"$W/names"
	cmp -s "$W/want" "$W/names" ||
	    { echo "delivered: $(uniq -c "$W/names" | tr -s ' \n' ' ')"; return 1; }
	# The numbers of a failed put went back: Bob's two are 1 and 2.
	[ "$(awk -v b="$BOB" '$2 == b && NF == 3 { print $3 }' \
	    "$ASTATE/mule/sequence" 2>/dev/null)" = 2 ] ||
	    { echo "numbers: $(tr '\n' ' ' <"$ASTATE/mule/sequence")"; return 1; }
	rm -rf "$W/inbox" "$BSTATE"
	mkdir -p "$BSTATE"
}
target_put="$W/stick"

# get: the next get delivers the rest; each item arrives exactly once,
# none is rejected, the stick keeps only Alice's own item, and a third
# get finds nothing.
run_get() {
	b mule-stick get "$W/stick" -C "$W/inbox" --remove
}
failed_get() {
	[ -z "$(ls -A "$W/stick/MULE/rejected" 2>/dev/null)" ] ||
	    { echo "rejected: $(ls "$W/stick/MULE/rejected")"; return 1; }
}
done_get() {
	failed_get || return 1
	[ "$(contents "$W/inbox")" = "$(cat "$T/ref/inbox.list")" ] ||
	    { echo "the inbox is not each item once"; return 1; }
	[ -z "$(ls -A "$W/stick/MULE/to/$BOB" 2>/dev/null)" ] ||
	    { echo "items left for Bob"; return 1; }
	[ -n "$(ls -A "$W/stick/MULE/to/$ALICE" 2>/dev/null)" ] ||
	    { echo "Alice's own item is gone"; return 1; }
	b mule-stick get "$W/stick" -C "$W/inbox" --remove >"$W/third" 2>&1 ||
	    { echo "a third get: $(tail -1 "$W/third")"; return 1; }
	[ "$(contents "$W/inbox")" = "$(cat "$T/ref/inbox.list")" ] ||
	    { echo "a third get delivered again"; return 1; }
}
target_get="$W/inbox"

# sync: Alice's outbox onto the stick.  After a failure, no item is on
# the stick in part, and each is queued or recorded; after the next
# sync, the outbox is empty, and Bob gets what was on the stick and each
# queued item once, none rejected.
run_sync() {
	env XDG_STATE_HOME="$W/state" GNUPGHOME="$AH" HOME="$T/alice" \
	    mule-stick sync "$W/stick"
}
failed_sync() {
	a mule-stick list "$W/stick" 2>/dev/null | grep -q incomplete &&
	    { echo "an item is on the stick in part"; return 1; }
	for f in "$W/state/mule/outbox"/*.gpg; do
		[ -e "$f" ] || continue
		[ -e "${f%.gpg}.to" ] || [ -e "${f%.gpg}.done" ] ||
		    { echo "an item without its record: $f"; return 1; }
	done
}
done_sync() {
	[ -z "$(ls -A "$W/state/mule/outbox")" ] ||
	    { echo "the outbox holds: $(ls -A "$W/state/mule/outbox" | tr '\n' ' ')"; return 1; }
	mkdir -p "$W/inbox"
	b mule-stick get "$W/stick" -C "$W/inbox" --remove >"$W/get.out" 2>&1 ||
	    { echo "get after sync: $(tail -1 "$W/get.out")"; return 1; }
	[ -z "$(ls -A "$W/stick/MULE/rejected" 2>/dev/null)" ] ||
	    { echo "rejected: $(ls "$W/stick/MULE/rejected")"; return 1; }
	{ awk '{ print $2 }' "$T/ref/inbox.list"
	  printf '%s\n' note message.txt note.txt random.bin; } | sort >"$W/want"
	contents "$W/inbox" | awk '{ print $2 }' | sort >"$W/names"
	cmp -s "$W/want" "$W/names" ||
	    { echo "delivered: $(uniq -c "$W/names" | tr -s ' \n' ' ')"; return 1; }
	rm -rf "$W/inbox" "$BSTATE"
	mkdir -p "$BSTATE"
}
target_sync="$W/stick"

# calls NAME KIND: how many calls of KIND run_NAME makes without a fault.
calls() {
	fresh
	rm -f "$T/count"
	MULE_FAULT_COUNT="$T/count" TMPDIR="$T/tmp" "run_$1" >/dev/null 2>&1
	# Every process of the command appends its counts; add them up.
	awk -v k="$2" '$1 == k { n += $2 } END { print n + 0 }' "$T/count"
}

# sweep NAME DESC [KINDS]: the sweep of run_NAME over KINDS (default
# every kind), those of FAULT_KINDS if it is set; one TAP line
# per kind, with the number of fault points tried.  N goes on past the
# calls a run without a fault makes until a run succeeds.  A run that
# succeeds with a fault planned "shrugged it off": threads and pipes make
# the count of calls vary a little from run to run, so the Nth call may
# not come, and a few failures change nothing (syncing the removal of a
# temporary name); what such a run made is checked all the same.
sweep() {
	for kind in ${3:-$KINDS}; do
		case " $KINDS " in
		*" $kind "*) ;;
		*) continue ;;
		esac
		total=$(calls "$1" "$kind")
		n=1
		bad=""
		shrugged=0
		while :; do
			fresh
			MULE_FAULT=$kind:$n TMPDIR="$T/tmp" "run_$1" \
			    >"$W/stdout.log" 2>"$W/err"
			rc=$?
			eval "target=\$target_$1"
			if [ "$rc" -eq 0 ]; then
				why=$("done_$1") || bad="$bad; at $n (exit 0): $why"
				[ "$n" -gt "$total" ] && break
				shrugged=$((shrugged + 1))
				n=$((n + 1))
				continue
			fi
			why=""
			if [ "$rc" -ne 2 ]; then
				why="exit $rc: $(grep -v '^mule-[a-z]*: hint' "$W/err" | head -3 | tr '\n' ' ')"
			elif ! grep -q '^mule[a-z-]*: error: ' "$W/err"; then
				why="no error line: $(head -c 200 "$W/err")"
			fi
			[ -n "$why" ] || why=$("failed_$1") || :
			[ -n "$why" ] || why=$(untouched) || :
			if [ -z "$why" ]; then
				# The next run, without a fault.
				TMPDIR="$T/tmp" "run_$1" >"$W/stdout.log" 2>"$W/err2"
				rc2=$?
				if [ "$rc2" -ne 0 ]; then
					why="the next run: exit $rc2: $(head -2 "$W/err2" | tr '\n' ' ')"
				else
					why=$("done_$1") || :
					[ -n "$why" ] || why=$(untouched) || :
					left=$(temporaries "$target" | tr '\n' ' ')
					[ -n "$why" ] || [ -z "$left" ] ||
					    why="left after the next run: $left"
				fi
			fi
			[ -z "$why" ] || bad="$bad; at $n: $why"
			n=$((n + 1))
			if [ "$n" -gt 5000 ]; then
				bad="$bad; still failing at 5000"
				break
			fi
		done
		points=$((n - 1))
		what="$2: all $points $kind faults are safe"
		[ "$shrugged" -eq 0 ] || what="$what ($shrugged shrugged off)"
		if [ -z "$bad" ]; then
			ok "$what"
		else
			diag "$2, $kind faults:$(printf '%s' "$bad" | head -c 1500)"
			not_ok "$what"
		fi
		printf '%s\t%s\t%s\t%s\n' "$2" "$kind" "$points" "$shrugged" \
		    >>"$T/points"
	done
}

# faults_done: the count of fault points per command and in all, then the
# plan.
faults_done() {
	[ -f "$T/points" ] && awk -F '\t' '{ n[$1] += $3; t += $3 } END {
		for (c in n) printf "# %s: %d fault points\n", c, n[c]
		printf "# %d fault points in all\n", t }' "$T/points" | sort >&2
	done_testing
}
