#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-rejected.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh), over a FAT stick
# where there is one (issue 16, "rejected items are not lost"):
# operational failures (a locked key, a cancelled or wrong passphrase, a
# full disk, a stick pulled, no gpg-agent) never move an item aside;
# list shows what waits, by name, and what was rejected and why, from
# this machine's journal only; retry puts back what this machine
# rejected, into my own folders only, and get delivers it then.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r600k:614400 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# Carol writes to Bob, who has her key but has not certified it: her
# items are rejected until he does.
GNUPGHOME=$T/carol-home gpg --batch -q --import "$T/bob.asc" 2>/dev/null &&
    GNUPGHOME=$BH gpg --batch -q --import "$T/carol.asc" 2>/dev/null || {
	echo "Bail out! cannot give Carol and Bob their keys"; exit 99; }
mkdir -p "$T/carol"
ms_c() {
	with_timeout env GNUPGHOME="$T/carol-home" HOME="$T/carol" \
	    XDG_STATE_HOME="$T/state/carol" mule-stick "$@"
}

# Bob's key with a passphrase, in a home of its own ($BHL).
BHL="$T/bob-locked"
new_home "$BHL"
(cd "$BH" && tar -cf - --exclude='S.*' .) | (cd "$BHL" && tar -xf -) &&
    printf 'bob-pass\n' | GNUPGHOME=$BHL gpg --batch --pinentry-mode loopback \
    --passphrase-fd 0 --passwd "$BOB" >/dev/null 2>&1 || {
	echo "Bail out! cannot protect Bob's key"; exit 99; }
gpgconf --homedir "$BHL" --kill gpg-agent >/dev/null 2>&1
printf 'bob-pass\n' >"$T/good.pass"
printf 'not-bobs\n' >"$T/wrong.pass"
# ms_bl ARG...: mule-stick as Bob with his locked key, no terminal
ms_bl() {
	with_timeout env GNUPGHOME="$BHL" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
	    mule-stick "$@" </dev/null
}

# stick_scenario NAME: fat_scenario NAME, or a plain directory without FAT
stick_scenario() { fat_scenario "$1" || scenario "$1"; }
# mule_files: every file below the stick's MULE (names and sizes)
mule_files() { (cd "$S/MULE" && find . -type f -printf '%p %s\n' | sort); }
# rejections: the rejection records in Bob's journal
rejections() { cat "$BSTATE/mule/journal" 2>/dev/null | grep -c '^rejected '; }

# stayed DESC [OUT]: the run left the stick as it was ($T/before): every
# item in its folder, nothing in rejected/, no rejection in Bob's journal,
# one error line; no "rejected" line in its report unless OUT is "any".
stayed() {
	[ "$(mule_files)" = "$(cat "$T/before")" ] ||
	    why="$why the stick changed: $(mule_files | tr '\n' ' ');"
	[ -z "$(ls -A "$S/MULE/rejected" 2>/dev/null)" ] ||
	    why="$why rejected/ holds: $(ls -A "$S/MULE/rejected" | tr '\n' ' ');"
	[ "$(rejections)" = 0 ] || why="$why a rejection in the journal;"
	if [ "${2:-}" != any ] && grep -q '^rejected ' "$T/out"; then
		why="$why a rejected line;"
	fi
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$1"
}

# === operational failures never move an item aside ======================================
# A locked key and nobody to ask (cron): exit 2, for an item in Bob's
# folder and for one with hidden recipients.
use_pinentry none "$BHL"
stick_scenario nopin
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"
st 0 ms_a put "$S" -r "$BOB" --hide-recipients "$SRC/msg"
mule_files >"$T/before"
st 2 ms_bl get "$S" -C "$IN"
grep -q 'error: .*passphrase' "$T/err" || why="$why the error does not name the passphrase;"
stayed "a locked key, no pinentry, no --passphrase-file: exit 2, both items stay"

use_pinentry cancel "$BHL"
why=""
st 2 ms_bl get "$S" -C "$IN"
[ "$(pinentry_asked)" -ge 1 ] || why="$why the pinentry was not asked;"
stayed "a cancelled pinentry: exit 2, the items stay"

use_pinentry 'not-bobs' "$BHL"
why=""
st 2 ms_bl get "$S" -C "$IN"
grep -q 'error: .*wrong passphrase' "$T/err" || why="$why the error does not say wrong passphrase;"
stayed "a wrong passphrase at the pinentry: exit 2, the items stay"

use_pinentry none "$BHL"
why=""
st 2 ms_bl get "$S" -C "$IN" --passphrase-file "$T/wrong.pass"
grep -q 'error: .*wrong passphrase' "$T/err" || why="$why the error does not say wrong passphrase;"
stayed "a wrong --passphrase-file: exit 2, the items stay"

why=""
st 0 ms_bl get "$S" -C "$IN" --passphrase-file "$T/good.pass"
[ "$(count_lines '^delivered ')" -eq 2 ] || why="$why not two delivered;"
[ -z "$(ls -A "$S/MULE/rejected" 2>/dev/null)" ] || why="$why something in rejected/;"
verdict "... and with the right passphrase, both are delivered"

# A full -C DIR: a tmpfs, and a small FAT file system (fusefat says EPERM).
scenario fulldir
why=""
put_new a "$S" -r "$BOB" "$SRC/r600k"
mule_files >"$T/before"
mkdir -p "$T/full-tmpfs"
if mount -t tmpfs -o size=64k tmpfs "$T/full-tmpfs" 2>/dev/null; then
	st 2 ms_b get "$S" -C "$T/full-tmpfs"
	stayed "a full -C DIR (tmpfs): exit 2, the item stays"
	umount "$T/full-tmpfs" 2>/dev/null
else
	skip "mount -t tmpfs refused: no full -C DIR on tmpfs"
fi
why=""
if [ -n "$HAVE_FAT" ] && truncate -s 300K "$T/full.img" &&
    mkfs.vfat "$T/full.img" >/dev/null 2>&1 && fat_mount "$T/full.img" "$T/full-fat"; then
	st 2 ms_b get "$S" -C "$T/full-fat"
	stayed "a full -C DIR (a small FAT through fusefat): exit 2, the item stays"
	fusermount -u "$T/full-fat" 2>/dev/null
else
	skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
fi

# No gpg-agent: gpg lists no secret key, and get must not pass for a
# quiet run.
scenario noagent
why=""
NA="$T/bob-noagent"
new_home "$NA"
(cd "$BH" && tar -cf - --exclude='S.*' .) | (cd "$NA" && tar -xf -)
echo "agent-program /bin/false" >>"$NA/gpg.conf"
put_new a "$S" -r "$BOB" "$SRC/report.txt"
mule_files >"$T/before"
st 2 with_timeout env GNUPGHOME="$NA" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
    mule-stick get "$S" -C "$IN"
grep -q 'error: .*no secret key' "$T/err" || why="$why the error does not say no secret key;"
stayed "gpg-agent cannot be started: exit 2 (no secret key), the item stays"

# The stick pulled while get runs: get is stopped at a pause point, the
# FAT driver (fusefat, started by fat_scenario) is ended, as when the
# stick is pulled, and get goes on.
# fusefat_pid DIR: the fusefat that serves DIR
fusefat_pid() {
	for fp in /proc/[0-9]*; do
		[ "$(cat "$fp/comm" 2>/dev/null)" = fusefat ] || continue
		tr '\0' ' ' <"$fp/cmdline" 2>/dev/null | grep -q " $1 *\$" &&
		    echo "${fp#/proc/}"
	done
}
# pulled NAME POINT DESC [PUT-ARG...]: an item put by Alice (Carol with
# "carol" first) in a fresh FAT stick; Bob's get stopped at POINT; the
# stick pulled; get resumed: exit 2, and, the stick plugged in again,
# every item where it was.
pulled() {
	pu_name=$1 pu_point=$2 pu_desc=$3
	shift 3
	if ! has_test_hooks || ! fat_scenario "$pu_name"; then
		skip "$pu_desc (needs FAT and --enable-test-hooks)"
		return
	fi
	why=""
	if [ "${1:-}" = carol ]; then
		shift
		st 0 ms_c put "$S" -r "$BOB" "$@"
	else
		st 0 ms_a put "$S" -r "$BOB" "$@"
	fi
	mule_files >"$T/before"
	pu_fat=$(fusefat_pid "$S")
	if [ -z "$pu_fat" ]; then
		skip "$pu_desc (fusefat not found)"
		return
	fi
	pause_at "$pu_point" env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" MULE_JOBS=1 mule-stick get "$S" -C "$IN" ||
	    why="$why did not stop at $pu_point;"
	kill "$pu_fat"
	pu_i=0
	while [ $pu_i -lt 50 ] && kill -0 "$pu_fat" 2>/dev/null; do
		sleep 0.1
		pu_i=$((pu_i + 1))
	done
	resume
	pu_rc=$?
	[ "$pu_rc" -eq 2 ] || why="$why exit $pu_rc, not 2;"
	fusermount -u "$S" 2>/dev/null
	fat_mount "$T/$pu_name.img" "$S" || why="$why cannot plug it in again;"
	stayed "$pu_desc" any
}
pulled pull-before stick-get-before-item \
    "the stick pulled before an item is read: exit 2, the item stays" \
    "$SRC/report.txt"
pulled pull-reading parts-after-open \
    "the stick pulled while an item is read: exit 2, the item stays" \
    "$SRC/r600k"
pulled pull-split parts-after-open \
    "the stick pulled while a split item is read: exit 2, the item stays" \
    --split 64K "$SRC/r600k"
pulled pull-reject stick-get-before-reject \
    "the stick pulled as a rejected item is moved aside: exit 2, it stays" \
    carol "$SRC/report.txt"
fat_done

# Its folder removed under get (the item with it): exit 2, nothing in
# rejected/, nothing recorded.
if has_test_hooks; then
	scenario rmfolder
	why=""
	put_new a "$S" -r "$BOB" "$SRC/report.txt"
	pause_at stick-get-before-item env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" MULE_JOBS=1 mule-stick get "$S" -C "$IN" ||
	    why="$why did not stop;"
	rm -rf "$BOX"
	resume
	rc=$?
	[ "$rc" -eq 2 ] || why="$why exit $rc, not 2;"
	[ -z "$(ls -A "$S/MULE/rejected" 2>/dev/null)" ] || why="$why something in rejected/;"
	[ "$(rejections)" = 0 ] || why="$why a rejection in the journal;"
	grep -q '^rejected ' "$T/out" && why="$why a rejected line;"
	verdict "the folder removed while get runs: exit 2, nothing rejected or recorded"
else
	skip "built without --enable-test-hooks"
fi

# === rejected, and why: list ================================================================
stick_scenario rej
why=""
put_new a "$S" -r "$BOB" "$SRC/msg"; OK1=$NEW
snap "$BOX"
st 0 ms_c put "$S" -r "$BOB" "$SRC/report.txt"
CR=$(added "$BOX" | sed 's/\.gpg$//')
st 1 ms_b get "$S" -C "$IN"
[ "$(awk -v c="$CR" '$1 == "rejected" && index($2, c) == 1' "$T/out" | wc -l)" -eq 1 ] ||
    why="$why no rejected line for Carol's item;"
[ -f "$S/MULE/rejected/$CR.gpg" ] || why="$why Carol's item is not in rejected/;"
[ "$(rejections)" = 1 ] || why="$why not one rejection in Bob's journal;"
grep -q "^rejected $CR $BOB [0-9]* [!-~]*certified\$" "$BSTATE/mule/journal" ||
    why="$why the journal line is not 'rejected CID FOLDER TIME REASON';"
verdict "an item signed by a key Bob has not certified is rejected, moved aside, and recorded in his journal"

why=""
st 0 ms_b list "$S"
grep -q "^rejected: 1 item, " "$T/out" || why="$why no rejected section;"
awk -v c="$CR" '$1 == c { getline; print }' "$T/out" >"$T/why"
grep -q "^    rejected here 20[0-9-]*T[0-9:]*Z (.* ago), from the folder for \"Bob <bob@example.org>\" ($BOB): signed by key $CAROL, which you have not certified\$" "$T/why" ||
    why="$why the reason line is '$(cat "$T/why")';"
verdict "list on Bob's machine: the rejected item, with the reason and time from his journal"

why=""
st 0 ms_a list "$S"
awk -v c="$CR" '$1 == c { getline; print }' "$T/out" | grep -qx "    no record on this machine: rejected elsewhere, or put there by hand" ||
    why="$why no 'no record' line for it;"
grep -q "certified" "$T/out" && why="$why Alice's list shows Bob's reason;"
verdict "list on another machine (Alice's): no record of it there"

# Names, sizes and times: Alice's folder for Bob (she knows his key),
# a folder of a key nobody here knows, and a split item with a part gone.
why=""
NOBODY=0123456789ABCDEF0123456789ABCDEF01234567
mkdir -p "$S/MULE/to/$NOBODY"
cp "$BOX/$OK1.gpg" "$S/MULE/to/$NOBODY/"
snap "$BOX"
st 0 ms_a put "$S" -r "$BOB" --split 64K "$SRC/r600k"
SP=$(added "$BOX" | head -n 1 | sed 's/\.gpg\..*//')
rm -f "$BOX/$SP.gpg.002"
st 0 ms_a list "$S"
grep -qx "for \"Bob <bob@example.org>\" ($BOB): 2 items, [0-9.]* KiB" "$T/out" ||
    why="$why no header for Bob's folder;"
grep -qx "for $NOBODY: 1 item, [0-9.]* KiB" "$T/out" ||
    why="$why no header for the unknown key's folder;"
grep -qx "  $OK1  [0-9.]* KiB, written 20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z ([0-9]* s ago)" "$T/out" ||
    why="$why the plain item's line is wrong;"
grep -qx "  $SP  [0-9.]* KiB in [0-9]* parts, part 002 missing: incomplete, written .*" "$T/out" ||
    why="$why the incomplete split item's line is wrong;"
verdict "list: recipients by name where the key is known, sizes in IEC units, times in ISO 8601 UTC, incomplete split items"

# --json, parsed: the fields of old (folder, cid, size, parts,
# age_seconds, complete) and the new ones.
json_ok() {
	python3 -c "$1" "$@" <"$T/out" 2>"$T/py.err" || why="$why $(tail -n 1 "$T/py.err");"
}
why=""
st 0 ms_b list "$S" --json
json_ok '
import json, re, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and all(o["status"] in ("waiting", "rejected") for o in a), a
d = {"items": [o for o in a if o["status"] == "waiting"], "rejected": [o for o in a if o["status"] == "rejected"]}
bob, carol, cr, ok1, sp, nobody = sys.argv[2:8]
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
old = {"folder", "cid", "size", "parts", "age_seconds", "complete"}
new = {"size_text", "missing_part", "written"}
for o in d["items"] + d["rejected"]:
    assert set(o) >= old | new, "keys %r" % sorted(o)
    assert isinstance(o["size"], int) and isinstance(o["parts"], int), o
    assert isinstance(o["age_seconds"], int) and o["complete"] in (True, False), o
    assert iso.match(o["written"]), o
    assert re.match(r"^[0-9.]+ (B|KiB|MiB)$", o["size_text"]), o
for o in d["items"]:
    assert o["folder"] in (bob, nobody), o
    assert o["recipient"] == o["folder"], o
    want = "Bob <bob@example.org>" if o["folder"] == bob else None
    assert o["recipient_name"] == want, o
s = [o for o in d["items"] if o["cid"] == sp]
assert len(s) == 1 and s[0]["complete"] is False and s[0]["missing_part"] == 2, s
assert all(o["missing_part"] is None for o in d["items"] if o["cid"] != sp)
assert len(d["rejected"]) == 1, d["rejected"]
r = d["rejected"][0]
assert r["folder"] == "rejected" and r["cid"] == cr, r
assert r["recorded"] is True and iso.match(r["rejected_at"]), r
assert r["rejected_from"] == bob and r["rejected_from_name"] == "Bob <bob@example.org>", r
assert r["reason"] == "signed by key %s, which you have not certified" % carol, r
' "$BOB" "$CAROL" "$CR" "$OK1" "$SP" "$NOBODY"
verdict "list --json (Bob): one array, \"status\" waiting or rejected, every field of old and the new ones"

why=""
st 0 ms_a list "$S" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and all(o["status"] in ("waiting", "rejected") for o in a), a
d = {"items": [o for o in a if o["status"] == "waiting"], "rejected": [o for o in a if o["status"] == "rejected"]}
r = d["rejected"]
assert len(r) == 1 and r[0]["cid"] == sys.argv[2], r
assert r[0]["recorded"] is False, r
for k in ("rejected_at", "rejected_from", "rejected_from_name", "reason"):
    assert r[0][k] is None, (k, r)
' "$CR"
verdict "list --json on Alice's machine: \"recorded\": false, no reason"
rm -rf "$S/MULE/to/$NOBODY"
rm -f "$BOX/$SP".gpg.*

# A reason is shown escaped: one with control characters, as a journal
# holds it (what a reason says of an item comes from the item).
why=""
ESC=$(printf 'e%.0s' $(seq 1 64))
cp "$BOX/$OK1.gpg" "$S/MULE/rejected/$ESC.gpg"
cp "$BSTATE/mule/journal" "$T/journal.esc"
printf 'rejected %s %s 1796000000 a%%1B[2Jb%%0Ac\\\n' "$ESC" "$BOB" >>"$T/journal.esc"
st 0 ms_b list "$S" --journal "$T/journal.esc"
grep -q "$(printf '\033')" "$T/out" && why="$why a raw ESC in the output;"
awk -v c="$ESC" '$1 == c { getline; print }' "$T/out" |
    grep -qF '2026-11-30T00:53:20Z' || why="$why not the journal's time;"
awk -v c="$ESC" '$1 == c { getline; print }' "$T/out" |
    grep -qF ': a\x1b[2Jb\x0ac\x5c' || why="$why the reason is not escaped;"
st 0 ms_b list "$S" --json --journal "$T/journal.esc"
json_ok '
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and all(o["status"] in ("waiting", "rejected") for o in a), a
d = {"items": [o for o in a if o["status"] == "waiting"], "rejected": [o for o in a if o["status"] == "rejected"]}
r = [o for o in d["rejected"] if o["cid"] == sys.argv[2]]
assert r and r[0]["reason"] == "a\\x1b[2Jb\\x0ac\\x5c", r
' "$ESC"
verdict "list shows a reason with control characters escaped (\\xNN), in lines and in JSON"

why=""
for bad in 'a%1b' 'a%41' 'a%00' 'a%2' "a$(printf '\001')b"; do
	cp "$BSTATE/mule/journal" "$T/journal.bad"
	echo "rejected $ESC $BOB 1796000000 $bad" >>"$T/journal.bad"
	st 2 ms_b list "$S" --journal "$T/journal.bad"
	grep -q 'is not a journal record' "$T/err" || why="$why '$bad' accepted;"
done
cp "$BSTATE/mule/journal" "$T/journal.bad"
echo "rejected $ESC anybody 1796000000 x" >>"$T/journal.bad"
st 2 ms_b get "$S" -C "$IN" --journal "$T/journal.bad"
grep -q 'is not a journal record' "$T/err" || why="$why a bad folder accepted by get;"
verdict "a rejection line the journal did not write exactly so is not a record: list and get refuse the journal (exit 2)"
rm -f "$S/MULE/rejected/$ESC.gpg"

# An item rejected in place (to/anyone: it may be for others) is not
# recorded: it is not in rejected/, and get tries it again.
why=""
st 0 ms_c put "$S" -r "$BOB" --hide-recipients "$SRC/msg"
st 1 ms_b get "$S" -C "$IN"
[ "$(items "$S/MULE/to/anyone" | wc -l)" -eq 1 ] || why="$why the item left to/anyone;"
[ "$(rejections)" = 1 ] || why="$why the journal holds $(rejections) rejections, not 1;"
verdict "an item rejected in to/anyone stays there, and is not recorded"
rm -f "$S/MULE/to/anyone/"*.gpg

# === retry ===========================================================================================
# tree_of_mule: every file and link below MULE, to see that nothing moved
tree_of_mule() { (cd "$S/MULE" && find . ! -type d -printf '%p %y %s\n' | sort); }
# refused DESC WHO ARG...: retry as WHO (a or b) is refused: exit 2, one
# error line, nothing moved, nothing recorded.
refused() {
	rf_desc=$1 rf_who=$2
	shift 2
	tree_of_mule >"$T/tree.before"
	rf_j=$(wc -l <"$BSTATE/mule/journal")
	st 2 "ms_$rf_who" retry "$S" "$@"
	[ -s "$T/out" ] && why="$why output: $(cat "$T/out");"
	tree_of_mule | cmp -s "$T/tree.before" - || why="$why something moved;"
	[ "$(wc -l <"$BSTATE/mule/journal")" -eq "$rf_j" ] || why="$why the journal grew;"
	# (warnings about what is skipped in rejected/ aside)
	grep -v ': warning: .*, skipped$' "$T/err" >"$T/err.refused"
	one_error_of mule-stick "$T/err.refused" || why="$why stderr is not one error line;"
	verdict "$rf_desc"
}

why=""
refused "retry by Alice of an item Bob rejected (no record on her machine): refused, nothing moved" a "$CR"
grep -q 'did not reject it' "$T/err" || { why="$why not the reason: $(cat "$T/err")"; verdict "... saying why"; }

why=""
cp "$BOX/$OK1.gpg" "$T/planted.gpg"
PL=$(printf 'f%.0s' $(seq 1 64))
cp "$T/planted.gpg" "$S/MULE/rejected/$PL.gpg"
refused "retry of an item planted in rejected/: refused, nothing moved" b "$PL"
rm -f "$S/MULE/rejected/$PL.gpg"

why=""
for x in 1 2; do
	cp "$T/planted.gpg" "$S/MULE/rejected/deadbeef$(printf "$x%.0s" $(seq 1 56)).gpg"
done
refused "retry of a CID prefix that two items in rejected/ share: refused, nothing moved" b deadbeef
grep -q '2 items' "$T/err" || { why="$why not said: $(cat "$T/err")"; verdict "... saying two items match"; }
refused "retry of a prefix shorter than 8 digits, or not hex: refused" b "${CR%${CR#???????}}"
refused "retry of a prefix that is not hex: refused" b "xyz12345"
rm -f "$S/MULE/rejected/deadbeef"*

why=""
refused "retry of an item that is not in rejected/ (waiting in to/BOB): refused" b "$OK1"

why=""
cp "$S/MULE/rejected/$CR.gpg" "$BOX/$CR.gpg"
refused "retry of an item whose name is in its folder already: refused, nothing moved" b "$CR"
grep -q 'there already' "$T/err" || { why="$why not said: $(cat "$T/err")"; verdict "... saying so"; }
rm -f "$BOX/$CR.gpg"

why=""
tree_of_mule >"$T/tree.before"
st 2 ms_b retry "$S" "$CR" "$OK1"
tree_of_mule | cmp -s "$T/tree.before" - || why="$why something moved;"
grep -q "warning: $OK1: no item in rejected/" "$T/err" || why="$why no warning for the refused one;"
[ "$(grep -c ': error: 1 of the 2 items cannot be retried: nothing was moved' "$T/err")" -eq 1 ] ||
    why="$why not the one error line;"
verdict "retry of two items, one of them refused: a warning for it, one error, nothing moved at all"

# From to/anyone: a split item with hidden recipients and a part gone is
# moved aside by get (of no use to anyone), and recorded from "anyone".
why=""
snap "$S/MULE/to/anyone"
st 0 ms_a put "$S" -r "$BOB" --hide-recipients --split 64K "$SRC/r600k"
AN=$(added "$S/MULE/to/anyone" | head -n 1 | sed 's/\.gpg\..*//')
rm -f "$S/MULE/to/anyone/$AN.gpg.002"
st 1 ms_b get "$S" -C "$IN"
grep -q "^rejected $AN anyone [0-9]* " "$BSTATE/mule/journal" || why="$why not recorded from anyone;"
refused "retry of an item rejected from to/anyone: refused, nothing moved" b "$AN"
grep -q 'to/anyone' "$T/err" || { why="$why not said: $(cat "$T/err")"; verdict "... saying so"; }

# Bob certifies Carol's key, and retries: every item he rejected from his
# folder goes back (the to/anyone one stays, with a note), the next get
# delivers it.
why=""
GNUPGHOME=$BH gpg --batch --yes -q --quick-lsign-key "$CAROL" >/dev/null 2>&1 ||
    why="$why cannot certify;"
st 0 ms_b retry "$S"
grep -qx "retried $CR: back in the folder for \"Bob <bob@example.org>\" ($BOB)" "$T/out" ||
    why="$why no retried line;"
[ "$(grep -c . "$T/out")" -eq 1 ] || why="$why not one line;"
[ -f "$BOX/$CR.gpg" ] || why="$why not back in to/BOB;"
[ ! -e "$S/MULE/rejected/$CR.gpg" ] || why="$why still in rejected/;"
[ -n "$(items "$S/MULE/rejected" | grep "^$AN")" ] || why="$why the to/anyone item left rejected/;"
grep -q "^retried $CR $BOB [0-9]*\$" "$BSTATE/mule/journal" || why="$why no retried line in the journal;"
verdict "Bob certifies Carol and retries: her item is back in his folder, recorded; the to/anyone one stays"

why=""
st 0 ms_b get "$S" -C "$IN" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
a = a if isinstance(a, list) else a.get("items", a.get("reports", []))
d = [o for o in a if o.get("status") == "delivered" and o.get("cid") == sys.argv[2]]
assert len(d) == 1 and d[0]["sender"] == sys.argv[3], a
' "$CR" "$CAROL"
[ -z "$(items "$S/MULE/rejected" | grep "^$CR")" ] || why="$why in rejected/ again;"
verdict "... and get delivers it from Carol"

# A retried item that lands in rejected/ again, not by this machine:
# list shows no stale reason.
why=""
mv "$BOX/$CR.gpg" "$S/MULE/rejected/$CR.gpg"
st 0 ms_b list "$S"
awk -v c="$CR" '$1 == c { getline; print }' "$T/out" | grep -q "no record on this machine" ||
    why="$why a stale reason: $(awk -v c="$CR" '$1 == c { getline; print }' "$T/out");"
verdict "after retry, list shows no stale reason for the item"
rm -f "$S/MULE/rejected/$CR.gpg"

fat_done

# A symlink planted in rejected/ (FAT has none: on a plain directory).
scenario links
why=""
put_new a "$S" -r "$BOB" "$SRC/msg"
mkdir -p "$S/MULE/rejected"
cp "$BOX/$NEW.gpg" "$T/target.gpg"
LNK=$(printf 'c%.0s' $(seq 1 64))
ln -s "$T/target.gpg" "$S/MULE/rejected/$LNK.gpg"
st 0 ms_b get "$S" -C "$IN"
refused "retry of a symlink in rejected/: refused, nothing moved" b "$LNK"
why=""
[ "$(readlink "$S/MULE/rejected/$LNK.gpg")" = "$T/target.gpg" ] &&
    cmp -s "$T/target.gpg" "$BOX/$NEW.gpg" || why="$why the link or its target changed;"
st 0 ms_b list "$S"
grep -q "rejected/$LNK.gpg: not a regular file, skipped" "$T/err" || why="$why no warning from list;"
grep -q "$LNK" "$T/out" && why="$why list shows it;"
verdict "... the link and its target untouched; list skips it with a warning"

# A prefix of 8 digits names one item; a split item goes back whole.  On
# a fresh stick, in two parts: fusefat garbles long names (and what they
# lead to) when ten of them come back into a folder they were just
# renamed out of, which the kernel's vfat does not.
stick_scenario split
GNUPGHOME=$BH gpg --batch --yes -q --delete-key "$CAROL" >/dev/null 2>&1
why=""
snap "$BOX"
st 0 ms_c put "$S" -r "$BOB" --split 1K "$SRC/report.txt"
CS=$(added "$BOX" | head -n 1 | sed 's/\.gpg\..*//')
CSN=$(added "$BOX" | grep -c .)
st 1 ms_b get "$S" -C "$IN"
[ "$(items "$S/MULE/rejected" | grep -c "^$CS")" -eq "$CSN" ] || why="$why not all $CSN parts in rejected/;"
GNUPGHOME=$BH gpg --batch -q --import "$T/carol.asc" 2>/dev/null
GNUPGHOME=$BH gpg --batch --yes -q --quick-lsign-key "$CAROL" >/dev/null 2>&1
st 0 ms_b retry "$S" "$(echo "$CS" | cut -c1-8 | tr a-f A-F)"
[ "$(items "$BOX" | grep -c "^$CS")" -eq "$CSN" ] || why="$why not all $CSN parts back;"
[ -z "$(items "$S/MULE/rejected" | grep "^$CS")" ] || why="$why parts left in rejected/;"
[ -z "$(temps "$BOX")" ] || why="$why temporaries left;"
verdict "retry by an 8-digit prefix (either case) moves a split item back whole"
why=""
st 0 ms_b get "$S" -C "$IN"
[ "$(count_lines '^delivered ')" -eq 1 ] || why="$why not delivered;"
verdict "... and get delivers it"

fat_done

# retry killed before the first part of a split item goes back: run
# again, it finishes; get delivers the item.
if has_test_hooks; then
	stick_scenario retrykill
	GNUPGHOME=$BH gpg --batch --yes -q --delete-key "$CAROL" >/dev/null 2>&1
	why=""
	snap "$BOX"
	st 0 ms_c put "$S" -r "$BOB" --split 1K "$SRC/report.txt"
	CK=$(added "$BOX" | head -n 1 | sed 's/\.gpg\..*//')
	st 1 ms_b get "$S" -C "$IN"
	GNUPGHOME=$BH gpg --batch -q --import "$T/carol.asc" 2>/dev/null
	GNUPGHOME=$BH gpg --batch --yes -q --quick-lsign-key "$CAROL" >/dev/null 2>&1
	pause_at stick-retry-before-last env GNUPGHOME="$BH" HOME="$T/bob" \
	    XDG_STATE_HOME="$BSTATE" mule-stick retry "$S" || why="$why did not stop;"
	kill -9 "$paused" 2>/dev/null
	wait "$paused" 2>/dev/null
	[ -f "$S/MULE/rejected/$CK.gpg.001" ] && [ -f "$BOX/$CK.gpg.002" ] ||
	    why="$why not stopped half-way: $(items "$BOX" | tr '\n' ' ');"
	st 0 ms_b retry "$S"
	[ "$(items "$BOX" | grep -c "^$CK")" -eq 2 ] || why="$why not both parts back;"
	[ -z "$(items "$S/MULE/rejected")" ] || why="$why left in rejected/;"
	st 0 ms_b get "$S" -C "$IN"
	[ "$(count_lines '^delivered ')" -eq 1 ] || why="$why not delivered;"
	verdict "retry killed before part 001 goes back: run again, it finishes, and get delivers the item"
	fat_done
else
	skip "built without --enable-test-hooks"
fi
done_testing
