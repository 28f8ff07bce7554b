#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-bundle: one test per problem found by the review of the extraction
# code, so that none comes back.
. "$srcdir/tests/lib.sh"

setup_keys

# tar_of OUT KIND: a crafted plain tar (python's tarfile).
tar_of() {
	python3 - "$1" "$2" <<'EOF'
import io, sys, tarfile
out, kind = sys.argv[1], sys.argv[2]
t = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)
def add(name, typ=tarfile.REGTYPE, data=b"", mode=0o644, link=None):
    ti = tarfile.TarInfo(name); ti.type = typ; ti.mode = mode
    ti.mtime = 1700000000
    if link is not None: ti.linkname = link
    if typ == tarfile.REGTYPE:
        ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)
if kind == "implied":        # 5 entries, 200 directories implied each
    for i in range(5):
        add("%d/" % i + "d/" * 199 + "f", data=b"x")
elif kind == "deep":
    add("a/" * 300 + "f", data=b"x")
elif kind == "mode0-conflict":
    add("top", tarfile.DIRTYPE, mode=0o755)
    add("top/sub", tarfile.DIRTYPE, mode=0o000)
    add("top/sub/f", data=b"x")
    add("top2", data=b"y")
elif kind == "merge":
    add("a", tarfile.DIRTYPE, mode=0o777)
    add("a/ro", tarfile.DIRTYPE, mode=0o555)
    add("a/ro/f", data=b"new")
elif kind == "manifest-link":
    add("f", data=b"x")
    add("MULE-MANIFEST.sha256", tarfile.LNKTYPE, link="f")
t.close()
EOF
}

# sealed KIND: $T/KIND.asc, the crafted tar validly signed by Alice.
sealed() {
	tar_of "$T/$1.tar" "$1" &&
	    mule-seal -r bob@example.org -u alice@example.org <"$T/$1.tar" \
	    >"$T/$1.asc" 2>/dev/null
}

fresh() { rm -rf "$1" && mkdir -p "$1"; }

# --- implied directories count as entries ---------------------------------
sealed implied
fresh "$T/d"
run_status 1 with_timeout mule-bundle -x --max-files 100 -C "$T/d" "$T/implied.asc"
check "implied directories count for --max-files (exit 1)" \
    grep -q 'more entries than --max-files' "$T/err"
check "... and nothing is left in DIR" [ -z "$(ls -A "$T/d")" ]

# --- depth limit, both ways -------------------------------------------------
sealed deep
fresh "$T/d"
run_status 1 with_timeout mule-bundle -x -C "$T/d" "$T/deep.asc"
check "a path 301 levels deep is refused (exit 1)" \
    grep -q 'more than 256 levels' "$T/err"
p="$T/src/deep"
i=0
while [ $i -lt 260 ]; do p="$p/d"; i=$((i + 1)); done
mkdir -p "$p" && echo x >"$p/f"
run_status 2 mule-bundle -r bob@example.org -u alice@example.org \
    -o "$T/deep-made.asc" "$T/src/deep"
check "creating a tree 261 levels deep fails (exit 2), no output" \
    [ ! -e "$T/deep-made.asc" ]

# --- symlinks that extracting would refuse are not stored -------------------
mkdir -p "$T/src/links"
echo pointed-at >"$T/src/pointed-at.txt"
ln -s "$T/src/pointed-at.txt" "$T/src/links/abs"
run_status 2 mule-bundle -r bob@example.org -u alice@example.org \
    -o "$T/links.asc" "$T/src/links"
check "an absolute symlink makes creating fail (exit 2) with a hint to -L" \
    grep -q 'hint: -L' "$T/err"
run_status 0 mule-bundle -L -r bob@example.org -u alice@example.org \
    -o "$T/links.asc" "$T/src/links"
check "... and -L stores what it points to" [ -s "$T/links.asc" ]

# --- the output's own temporary is not bundled -------------------------------
mkdir -p "$T/src/self" && echo data >"$T/src/self/a.txt"
run_status 0 mule-bundle -r bob@example.org -u alice@example.org \
    -o "$T/src/self/out.asc" "$T/src/self"
mule-bundle -t "$T/src/self/out.asc" >"$T/list" 2>/dev/null
check "-o inside the bundled directory: its temporary is not in the bundle" \
    sh -c '! grep -q "\.mule-" "$1" && grep -qx "self/a.txt" "$1"' - "$T/list"

# --- a manifest name that is not a regular file --------------------------------
sealed manifest-link
fresh "$T/d"
run_status 1 mule-bundle -x -C "$T/d" "$T/manifest-link.asc"
check "a hard link named MULE-MANIFEST.sha256 is refused (exit 1)" \
    [ -z "$(ls -A "$T/d")" ]

# --- a tree without files: an empty manifest -----------------------------------
# Its MULE-MANIFEST.sha256 is empty, and -x once parsed it at NULL + 0,
# which aborted a clang sanitizer build (fuzz-digests).
mkdir -p "$T/src/nofiles/only/dirs"
run_status 0 mule-bundle -r bob@example.org -u alice@example.org \
    -o "$T/nofiles.asc" "$T/src/nofiles"
fresh "$T/d"
run_status 0 with_timeout mule-bundle -x -C "$T/d" "$T/nofiles.asc"
check "a tree without files (an empty manifest) is extracted (exit 0)" \
    [ -d "$T/d/nofiles/only/dirs" ]

# --- a FIFO among the parts does not hang the reader ---------------------------
mkdir -p "$T/src/big"
head -c 300000 /dev/urandom >"$T/src/big/r"
mule-bundle -q -r bob@example.org -u alice@example.org --split 64K \
    -o "$T/parts.asc" "$T/src/big"
rm -f "$T/parts.asc.003" && mkfifo "$T/parts.asc.003"
fresh "$T/d"
run_status 1 with_timeout mule-bundle -x -C "$T/d" "$T/parts.asc.001"
check "a FIFO as part 3 is refused (exit 1), without hanging" \
    grep -q 'not a regular file' "$T/err"

# --- more than 999 parts --------------------------------------------------------
# A part number past 999 would sort wrongly for cat NAME.*: refused, and
# the parts written so far are temporaries that go with the failure.
mkdir -p "$T/src/many" "$T/many"
head -c 1100000 /dev/urandom >"$T/src/many/r"
run_status 2 mule-bundle --binary -r bob@example.org -u alice@example.org \
    --split 1K -o "$T/many/B.gpg" "$T/src/many"
check "--split into more than 999 parts fails (exit 2), saying so" \
    grep -q 'more than 999 parts' "$T/err"
check "... and leaves no part and no temporary" [ -z "$(ls -A "$T/many")" ]

# --- a rejected entry, then an input that stalls --------------------------------
# The writer of the FIFO stays open after the hostile entry went through:
# the rejection comes at once, not when the input ends (issue 10).
python3 - "$T/stall.tar" <<'EOF'
import io, os, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
for name, data in (("../evil", b"x"), ("big", os.urandom(4 << 20))):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644
    t.addfile(ti, io.BytesIO(data))
t.close()
EOF
mule-seal -q --binary -r bob@example.org -u alice@example.org \
    <"$T/stall.tar" >"$T/stall.gpg" 2>/dev/null
fresh "$T/d"
feed "$T/stall.gpg" 300000
run_status 1 timeout 30 mule-bundle -x -C "$T/d" "$T/fifo"
check "a rejected entry, then a stalled FIFO: exit 1 at once, not a hang" \
    grep -q "entry '\.\./evil'" "$T/err"
stop_feeder
check "... and nothing is left in DIR" [ -z "$(ls -A "$T/d")" ]
no_gpg_left "... and no gpg is left running"

# --- EPIPE does not hide gpg's verdict ---------------------------------------
# A 3 MB file into a 1 MiB file system: the disk fills (exit 2) long
# before gpg reads the end of the input.  When the end was tampered with,
# gpg's verdict explains the outcome: the input is rejected (exit 1).
mkdir -p "$T/src/full" "$T/full"
head -c 3000000 /dev/urandom >"$T/src/full/big"
mule-bundle -q --binary -r bob@example.org -u alice@example.org \
    -o "$T/full.gpg" "$T/src/full"
flip "$T/full.gpg" $(($(size "$T/full.gpg") - 5000)) "$T/full-bad.gpg"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
	run_status 2 mule-bundle -x -C "$T/full" "$T/full.gpg"
	check "genuine bundle, disk full: exit 2, saying so" \
	    grep -q 'No space left on device' "$T/err"
	run_status 1 mule-bundle -x -C "$T/full" "$T/full-bad.gpg"
	check "tampered bundle, disk full first: exit 1, gpg's verdict" \
	    grep -q 'damaged, truncated or forged' "$T/err"
	check "... and nothing is left in DIR" [ -z "$(ls -A "$T/full")" ]
	umount "$T/full"
else
	skip "cannot mount a tmpfs (not root?)"
	skip "cannot mount a tmpfs"
	skip "cannot mount a tmpfs"
fi

# --- directory modes: only what was moved in, after the move -------------------
# Needs an unprivileged user: root ignores directory permissions.
if nobody_tools mule-bundle; then
	U="$T/nobody"
	mkdir -p "$U/d" "$U/m/a"
	cp -r "$GNUPGHOME" "$U/gh"
	sealed mode0-conflict && cp "$T/mode0-conflict.asc" "$U/"
	sealed merge && cp "$T/merge.asc" "$U/"
	echo keep >"$U/d/top2"
	echo old >"$U/m/a/keep"
	chmod 700 "$U/m/a"
	chown -R 65534:65534 "$U"
	chmod 755 "$T"
	as_nobody() {
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    env GNUPGHOME="$U/gh" HOME="$U" "$@"
	}
	run_status 2 as_nobody "$NOBODY_BIN/mule-bundle" -x -C "$U/d" \
	    "$U/mode0-conflict.asc"
	check "a conflict after a mode 0000 directory was staged: exit 2" \
	    grep -q 'exists' "$T/err"
	check "... and the staging directory is gone" \
	    [ "$(ls -A "$U/d")" = "top2" ]
	run_status 0 as_nobody "$NOBODY_BIN/mule-bundle" -x --overwrite \
	    -C "$U/m" "$U/merge.asc"
	check "--overwrite merges a read-only directory in (exit 0)" \
	    [ -f "$U/m/a/ro/f" ] && [ -f "$U/m/a/keep" ]
	check "... and leaves the mode of the directory it merged into" \
	    [ "$(stat -c %a "$U/m/a")" = 700 ]
	as_nobody gpgconf --kill all >/dev/null 2>&1
	chmod -R u+rwx "$U" 2>/dev/null
else
	skip "not root, no setpriv, or user nobody cannot reach TMPDIR: cannot run as an unprivileged user"
	skip "not root, or no setpriv"
	skip "not root, or no setpriv"
	skip "not root, or no setpriv"
fi

done_testing
