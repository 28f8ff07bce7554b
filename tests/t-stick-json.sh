#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-json.sh - mule-stick, a USB stick as a mailbox between Alice and
# Bob (their world: stick_world in stick-lib.sh): list and --json; get
# --json.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start
random_sources r300k:307200 ||
    { echo "Bail out! cannot make the random sources"; exit 99; }

# === list and --json ====================================================================
scenario list
why=""
put_new a "$S" -r "$BOB" "$SRC/report.txt"; L1=$NEW
snap "$BOX"
st 0 ms_a put "$S" -r "$BOB" --split 64K "$SRC/r300k"
LSP=$(added "$BOX")
L2=$(printf '%s\n' "$LSP" | head -n 1 | sed 's/\.gpg.*//')
L2N=$(printf '%s\n' "$LSP" | grep -c .)
L2SIZE=$(cat $(printf "$BOX/%s\n" $LSP) | wc -c)
[ "$L2N" -ge 5 ] || why="$why --split 64K of 300 KiB made $L2N parts;"
[ "$(printf '%s\n' "$LSP" | sed 's/.*\.gpg\.//' | tr '\n' ' ')" = "$(seq -f '%03g' 1 "$L2N" | tr '\n' ' ')" ] ||
    why="$why parts are: $(echo $LSP);"
[ "$(cat $(printf "$BOX/%s\n" $LSP) | sha256sum | cut -d' ' -f1)" = "$L2" ] ||
    why="$why the CID is not the SHA-256 of the parts' concatenation;"
for p in $LSP; do
	[ "$(size "$BOX/$p")" -le 65536 ] || why="$why $p is bigger than 64K;"
done
st 0 ms_a put "$S" -r "$BOB" --hide-recipients - <"$SRC/msg"
L3=$(items "$S/MULE/to/anyone" | sed 's/\.gpg$//')
verdict "put --split 64K of 300 KiB: parts <CID>.gpg.001 ... of at most 64 KiB, CID of their concatenation"

why=""
st 0 ms_a list "$S"
L1SIZE=$(size "$BOX/$L1.gpg")
L3SIZE=$(size "$S/MULE/to/anyone/$L3.gpg" 2>/dev/null)
# item_line CID: the listing's line of the item CID, without its times
item_line() { awk -v c="$1" '$1 == c' "$T/out" | sed 's/, written .*//'; }
[ "$(grep -c '^  [0-9a-f]\{64\}  ' "$T/out")" -eq 3 ] || why="$why not three item lines;"
grep -qx "for \"Bob <bob@example.org>\" ($BOB): 2 items, .*" "$T/out" ||
    why="$why no header for Bob's folder;"
grep -qx "for anyone (hidden recipients): 1 item, .*" "$T/out" ||
    why="$why no header for to/anyone;"
item_line "$L1" | grep -qxE "  $L1  [0-9.]+ (B|KiB)" || why="$why the plain item's line is '$(item_line "$L1")';"
item_line "$L2" | grep -qx "  $L2  [0-9.]* KiB in $L2N parts" ||
    why="$why the split item's line is '$(item_line "$L2")';"
item_line "$L3" | grep -qxE "  $L3  [0-9.]+ (B|KiB)" || why="$why the anyone/ item's line is '$(item_line "$L3")';"
awk -v c="$L1" '$1 == c' "$T/out" | grep -q ', written 20[0-9-]*T[0-9:]*Z ([0-9]* s ago)$' ||
    why="$why no written time;"
verdict "list: a header per folder naming the recipient, one line per item (the split one once): CID, size, parts, written"

# json_ok PROGRAM ARG...: the Python PROGRAM (its arguments in sys.argv[2:])
# reads $T/out without an exception; else adds its last line to $why
json_ok() {
	python3 -c "$1" "$@" <"$T/out" 2>"$T/py.err" || why="$why $(tail -n 1 "$T/py.err");"
}
why=""
st 0 ms_a list "$S" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and all(o["status"] in ("waiting", "rejected") for o in a), a
d = {"items": [o for o in a if o["status"] == "waiting"], "rejected": [o for o in a if o["status"] == "rejected"]}
a = d["items"]
assert isinstance(a, list) and len(a) == 3, "not an array of 3: %r" % (a,)
assert d["rejected"] == [], "rejected: %r" % (d["rejected"],)
bob, l1, l1s, l2, l2s, l2n, l3, l3s = sys.argv[2:10]
want = {l1: (bob, int(l1s), 1), l2: (bob, int(l2s), int(l2n)), l3: ("anyone", int(l3s), 1)}
for o in a:
    assert set(o) >= {"folder", "cid", "size", "parts", "age_seconds", "complete"}, "keys: %r" % (sorted(o),)
    assert o["cid"] in want, "cid %r" % o["cid"]
    # an item in one file: "parts" 0 (not split) or 1
    p = 1 if o["parts"] == 0 and want[o["cid"]][2] == 1 else o["parts"]
    assert (o["folder"], o["size"], p) == want[o["cid"]], "object %r" % (o,)
    assert o["complete"] is True, "complete %r" % (o,)
    assert isinstance(o["age_seconds"], (int, float)) and 0 <= o["age_seconds"] < 600, "age %r" % (o,)
' "$BOB" "$L1" "$L1SIZE" "$L2" "$L2SIZE" "$L2N" "$L3" "$L3SIZE"
verdict "list --json: one array of {status, folder, cid, size, parts, age_seconds, complete, ...}"

why=""
rm -f "$BOX/$L2.gpg.002"
st 0 ms_a list "$S" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
assert isinstance(a, list) and all(o["status"] in ("waiting", "rejected") for o in a), a
d = {"items": [o for o in a if o["status"] == "waiting"], "rejected": [o for o in a if o["status"] == "rejected"]}
a = d["items"]
o = [o for o in a if o["cid"] == sys.argv[2]]
assert len(o) == 1, "split item listed %d times" % len(o)
assert o[0]["complete"] is False, "complete %r" % (o[0],)
assert all(x["complete"] is True for x in a if x["cid"] != sys.argv[2]), "others"
' "$L2"
verdict "list --json: a split item missing part 002 is \"complete\": false"

# === get --json ==========================================================================
scenario json
why=""
printf 'json one\n' >"$T/j1"
printf 'json bad\n' >"$T/j3"
put_new a "$S" -r "$BOB" - <"$T/j1"; J1=$NEW
put_new a "$S" -r "$BOB" "$SRC/notes"; J2=$NEW
put_new a "$S" -r "$BOB" - <"$T/j3"; J3=$NEW
J1ID=$(env_of "$BH" "$BOX/$J1.gpg" | field id)
J2ID=$(env_of "$BH" "$BOX/$J2.gpg" | field id)
n=$(size "$BOX/$J3.gpg")
flip "$BOX/$J3.gpg" $((n / 2)) "$T/flipped"
rm -f "$BOX/$J3.gpg"
JB=$(sha "$T/flipped")
mv "$T/flipped" "$BOX/$JB.gpg"
st 1 ms_b get "$S" -C "$IN" --json --receipts
json_ok '
import json, os, sys
a = json.load(sys.stdin)
assert isinstance(a, list), "not an array"
alice, j1, j1id, j2, j2id, jb = sys.argv[2:8]
items = [o for o in a if o.get("status") not in ("gap", "receipt")]
assert len(items) == 3, "%d objects: %r" % (len(items), a)
receipts = [o for o in a if o.get("status") == "receipt"]
assert len(receipts) == 1 and receipts[0].get("sender") == alice, "receipts: %r" % receipts
by = {o.get("cid"): o for o in items}
for cid, i, kind in ((j1, j1id, "message"), (j2, j2id, "files")):
    o = by.get(cid)
    assert o, "no object for %s" % cid
    assert o["status"] == "delivered" and o["sender"] == alice and o["id"] == i, "%r" % (o,)
    assert o["kind"] == kind, "kind %r" % (o,)
    assert os.path.isdir(o["dir"]) and o["dir"].endswith("/" + alice + "/" + os.path.basename(o["dir"])) \
        and o["dir"].endswith("-" + i), "dir %r" % (o,)
o = by.get(jb)
assert o and o["status"] == "rejected" and o.get("reason"), "rejected: %r" % (o,)
' "$ALICE" "$J1" "$J1ID" "$J2" "$J2ID" "$JB"
[ "$(items "$ABOX" | wc -l)" -eq 1 ] || why="$why no receipt put in MULE/to/ALICE;"
verdict "get --json --receipts: one JSON array, one object per item: two delivered (sender, id, cid, dir, kind), one rejected with a reason; exit 1"

why=""
st 0 ms_b get "$S" -C "$IN" --json
json_ok '
import json, sys
a = json.load(sys.stdin)
s = sorted((o["status"], o["id"]) for o in a if o.get("status") != "gap")
w = sorted([("already-delivered", sys.argv[2]), ("already-delivered", sys.argv[3])])
assert s == w, "%r" % (a,)
' "$J1ID" "$J2ID"
verdict "get --json again: two already-delivered objects, exit 0"

done_testing
