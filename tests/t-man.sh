#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual pages, so that they cannot rot: (a) mandoc -Tlint is clean,
# (b) each page documents exactly the options its tool's --help lists,
# (c) the EXAMPLES of mule.1, mule-seal.1, mule-open.1, mule-sign.1,
# mule-verify.1 and mule-qr.1 (when built) run and exit 0, (d) the manifest and status-line formats
# that mule.7 shows are what mule-sign and mule-verify produce.
#
# Examples are the .Bd -literal blocks of the EXAMPLES section; each block
# runs as one "sh -e" script in a fresh copy of a fixture directory, with
# the throwaway keyring of setup_keys.  The one liberty taken with the
# text: /media/stick, the stick's mount point, becomes a directory there.
# mule.7's examples are not run: they need a second machine and gpg's
# interactive --lsign-key.
. "$srcdir/tests/lib.sh"
MAN="$srcdir/man"

# --- (a) lint ------------------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	for page in "$MAN"/*.1 "$MAN"/*.7; do
		name=${page##*/}
		if out=$(mandoc -Tlint -Wwarning "$page" 2>&1) && [ -z "$out" ]; then
			ok "mandoc -Tlint -Wwarning $name is clean"
		else
			printf '%s\n' "$out" | sed 's/^/#   /' >&2
			not_ok "mandoc -Tlint -Wwarning $name is clean"
		fi
	done
else
	skip "mandoc is not installed: man pages not linted"
fi

# --- (b) options: --help and the page agree --------------------------------------
# help_options TOOL: every option that "TOOL --help" names, one a line.
help_options() {
	"$BIN/$1" --help | {
		h=$(cat)
		printf '%s\n' "$h" | grep -oE -- '--[a-z][a-z0-9-]*'
		printf '%s\n' "$h" | sed -n 's/^ *\(-[A-Za-z]\), .*/\1/p'
	} | sort -u
}

# page_options PAGE: the options in the page's ".It Fl ..." item heads.
page_options() {
	awk '/^\.It Fl / {
		for (i = 2; i < NF; i++)
			if ($i == "Fl")
				print "-" $(i + 1)
	}' "$1" | sort -u
}

# missing LIST1 LIST2: the lines of LIST1 that are not in LIST2.
missing() {
	printf '%s\n' "$1" | while read -r o; do
		[ -n "$o" ] || continue
		printf '%s\n' "$2" | grep -qxF -- "$o" || echo "$o"
	done
}

# mule-qr only where it is built (./configure --without-qr leaves it out).
qr_tool=""
[ -x "$BIN/mule-qr" ] && qr_tool=mule-qr
for tool in mule mule-seal mule-open mule-sign mule-verify mule-bundle \
    mule-stick mule-key $qr_tool; do
	hopts=$(help_options "$tool")
	popts=$(page_options "$MAN/$tool.1")
	if [ -z "$hopts" ] || [ -z "$popts" ]; then
		not_ok "$tool: options found in --help and in $tool.1"
		continue
	fi
	gone=$(missing "$hopts" "$popts")
	if [ -z "$gone" ]; then
		ok "$tool.1 documents every option of $tool --help"
	else
		diag "not in $tool.1:" $gone
		not_ok "$tool.1 documents every option of $tool --help"
	fi
	# Short options are compared one way only: mule accepts -h and -V
	# without listing them.
	gone=$(missing "$(printf '%s\n' "$popts" | grep -- '^--')" "$hopts")
	if [ -z "$gone" ]; then
		ok "$tool --help lists every long option of $tool.1"
	else
		diag "not in $tool --help:" $gone
		not_ok "$tool --help lists every long option of $tool.1"
	fi
done

htools=$("$BIN/mule" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' | sort)
ptools=$(sed -n 's/^\.It Cm \([a-z][a-z]*\)$/\1/p' "$MAN/mule.1" | sort)
if [ -n "$htools" ] && [ "$htools" = "$ptools" ]; then
	ok "mule.1 and mule --help list the same tools"
else
	diag "mule --help:" $htools "mule.1:" $ptools
	not_ok "mule.1 and mule --help list the same tools"
fi
for t in $htools; do
	check "mule-$t.1 exists for the tool '$t'" [ -s "$MAN/mule-$t.1" ]
done

# --- (c) the examples run --------------------------------------------------------
setup_keys

# The sender's directory (mule.1, mule-seal.1): a note, a directory to
# archive, both public keys, a passphrase file and an empty stick.
S="$T/fixture-sender"
mkdir -p "$S/stick" "$S/Documents"
echo 'meet at noon' >"$S/note.txt"
echo 'buy milk' >"$S/Documents/todo.txt"
cp "$T/alice.asc" "$T/bob.asc" "$S/"
echo 'correct horse battery staple' >"$S/passphrase.txt"
chmod 600 "$S/passphrase.txt"

# The receiver's directory (mule-open.1): Alice's key and messages from her.
R="$T/fixture-receiver"
mkdir -p "$R/stick"
cp "$T/alice.asc" "$S/passphrase.txt" "$R/"
if ! (cd "$S" &&
    mule-seal -r bob@example.org -o "$R/note.asc" note.txt &&
    cp "$R/note.asc" "$R/stick/note.asc" &&
    tar -cf - Documents | mule-seal --binary -r bob@example.org \
	-o "$R/stick/documents.tar.gpg" &&
    mule-seal -c --passphrase-file passphrase.txt -o "$R/secret.asc" \
	note.txt &&
    mule-seal --no-sign -r bob@example.org -o "$R/stick/unsigned.asc" \
	note.txt) >"$T/fixture.log" 2>&1; then
	sed 's/^/#   /' "$T/fixture.log" >&2
	echo "Bail out! cannot make the fixtures for the examples"
	exit 99
fi

# literal_blocks PAGE SECTION: the .Bd -literal blocks of SECTION in PAGE
# as "N<TAB>line", roff escapes undone (\e last, so that "\e-" stays a
# backslash and a dash).
literal_blocks() {
	awk -v sh=".Sh $2" '
	/^\.Sh / { in_ex = ($0 == sh); inblk = 0; next }
	in_ex && /^\.Bd -literal/ { inblk = 1; n++; next }
	in_ex && inblk && /^\.Ed/ { inblk = 0; next }
	in_ex && inblk { print n "\t" $0 }
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
	    -e 's/\\e/\\/g'
}

# literal_block PAGE SECTION N: block N of SECTION, as plain lines.
literal_block() {
	literal_blocks "$1" "$2" | awk -F '\t' -v n="$3" \
	    '$1 == n { sub(/^[^\t]*\t/, ""); print }'
}

# examples PAGE: the EXAMPLES blocks of PAGE as "N<TAB>line".
examples() {
	literal_blocks "$1" EXAMPLES
}

# run_example PAGE N FIXTURE: run block N of PAGE in a copy of FIXTURE.
run_example() {
	script="$T/example.sh"
	literal_block "$1" EXAMPLES "$2" >"$script.orig"
	# A crontab (its first line names the fields) runs its commands, in
	# HOME as cron runs them: the fixture.
	run_home=$HOME
	if head -n 1 "$script.orig" | grep -q '^# minute hour day month weekday'; then
		sed -e '/^#/d' -e 's/^\([^ ]* *\)\{5\}//' "$script.orig" >"$script.cron"
		mv "$script.cron" "$script.orig"
		run_home=$T/run
	fi
	desc="${1##*/} example $2: $(sed -n '1{s/[[:space:]]*\\$//;p;}' "$script.orig")"
	# mule-qr show runs until it is stopped: here, after three codes.
	sed -e "s|/media/stick|$T/run/stick|g" \
	    -e 's|mule-qr show|mule-qr show --count 3 --fps 30|' \
	    "$script.orig" >"$script"
	if grep -qE '(^|[|] *)tar ' "$script" && ! command -v tar >/dev/null 2>&1; then
		skip "$desc (no tar)"
		return
	fi
	if grep -qE '(^|[|] *)zbarimg ' "$script" && ! command -v zbarimg >/dev/null 2>&1; then
		skip "$desc (no zbarimg)"
		return
	fi
	# mule-qr scan reads a camera: here the camera's pictures, sent
	# through the same child as frames (the test hooks' stand-in).
	if grep -q 'mule-qr scan' "$script"; then
		if ! has_test_hooks; then
			skip "$desc (a camera, or the test hooks, needed)"
			return
		fi
		sed 's|mule-qr scan|MULE_TEST_FRAMES=camera.frames mule-qr scan|' \
		    "$script" >"$script.cam" && mv "$script.cam" "$script"
	fi
	rm -rf "$T/run" "$XDG_STATE_HOME"
	cp -R "$3" "$T/run"
	# A fixture with a GnuPG home of its own runs with it.
	if [ -d "$T/run/gnupg" ]; then
		(cd "$T/run" && HOME=$run_home GNUPGHOME="$T/run/gnupg" \
		    sh -e "$script") >"$T/out" 2>"$T/err"
		rc=$?
		gpgconf --homedir "$T/run/gnupg" --kill all >/dev/null 2>&1
	else
		(cd "$T/run" && sh -e "$script") >"$T/out" 2>"$T/err"
		rc=$?
	fi
	if [ "$rc" -eq 0 ] && ! grep -q '^mule[a-z-]*: error: ' "$T/err"; then
		ok "$desc"
	else
		diag "exit status $rc; the example was:"
		sed 's/^/#   | /' "$script" >&2
		sed 's/^/#   stderr: /' "$T/err" >&2
		not_ok "$desc"
	fi
}

# The signer's directory (mule-sign.1): a note, an update, a stick with
# files to list in a manifest, and a passphrase file (Alice's key has no
# passphrase; the example shows how a protected one is unlocked).
G="$T/fixture-signer"
mkdir -p "$G/stick/Documents" "$G/update"
echo 'meet at noon' >"$G/note.txt"
echo 'buy milk' >"$G/stick/Documents/todo.txt"
echo 'read me first' >"$G/stick/README"
echo 'version 2' >"$G/update/VERSION"
if command -v tar >/dev/null 2>&1; then
	(cd "$G" && tar -cf update.tar update)
else
	cp "$G/update/VERSION" "$G/update.tar"
fi
rm -rf "$G/update"
cp "$S/passphrase.txt" "$G/"

# The verifier's directory (mule-verify.1): Alice's key, a signed note, a
# text file, and a stick that holds what she signed with mule-sign: a
# clear-signed note, an update with detached and inline signatures, and a
# manifest of it all, kept on the stick and apart.
V="$T/fixture-verifier"
mkdir -p "$V/stick"
cp "$T/alice.asc" "$V/"
echo 'buy milk' >"$V/todo.txt"
if ! (cd "$G" &&
    mule-sign -o "$V/note.txt.asc" note.txt &&
    cp "$V/note.txt.asc" "$V/stick/note.txt.asc" &&
    cp update.tar "$V/stick/update.tar" &&
    mule-sign --detach -o "$V/stick/update.tar.sig" update.tar &&
    mule-sign --inline --binary -o "$V/stick/update.tar.gpg" update.tar &&
    mule-sign --manifest "$V/stick" >"$V/stick/MANIFEST.asc" &&
    mule-sign --manifest "$V/stick" -o "$V/stick-manifest.asc") \
    >"$T/fixture.log" 2>&1; then
	sed 's/^/#   /' "$T/fixture.log" >&2
	echo "Bail out! cannot make the fixtures for the signature examples"
	exit 99
fi

# The stick examples: an initialised stick holding one item for Bob.
K="$T/fixture-stick"
cp -R "$S" "$K"
if ! (cd "$K" && mule-stick init stick &&
    mule-stick put stick -r bob@example.org note.txt) >"$T/fixture.log" 2>&1
then
	sed 's/^/#   /' "$T/fixture.log" >&2
	echo "Bail out! cannot make the fixture for the stick examples"
	exit 99
fi

# The key examples (mule-key.1), each with a GnuPG home of its own: for
# Alice's first use, an empty home where a scripted pinentry gives the
# new passphrase; for Bob, his key, Alice's certificate, its words as he
# wrote them down, Alice accepted already (the update example needs it),
# and her certificate again with a new subkey; for the cron example, a
# passphrase file (Bob's key has none: it is not read).
KA="$T/fixture-key-alice"
mkdir -p "$KA/stick"
new_home "$KA/gnupg"
use_pinentry 'a long passphrase for Alice 4' "$KA/gnupg"
KB="$T/fixture-key-bob"
new_home "$KB/gnupg"
U="$T/alice-update-home"
new_home "$U"
cp -R "$GNUPGHOME/pubring.kbx" "$GNUPGHOME/private-keys-v1.d" "$U/"
cp "$T/alice.asc" "$KB/"
echo 'not needed' >"$KB/.mule-passphrase"
if ! (gen_key "$KB/gnupg" 'Bob <bob@example.org>' >/dev/null &&
    mule-key fingerprint "$KB/alice.asc" | awk '/^words/ {
	sub(/^words +/, ""); w = $0; getline; sub(/^ +/, ""); print w " " $0 }' \
	>"$KB/alice.words" &&
    GNUPGHOME="$KB/gnupg" mule-key import --fingerprint "$ALICE" \
	"$KB/alice.asc" &&
    GNUPGHOME="$U" gpg --batch --pinentry-mode loopback --passphrase '' \
	--quick-add-key "$ALICE" cv25519 encr 90d &&
    GNUPGHOME="$U" mule-key export -o "$KB/alice-update.asc" "$ALICE") \
    >"$T/fixture.log" 2>&1
then
	sed 's/^/#   /' "$T/fixture.log" >&2
	echo "Bail out! cannot make the fixtures for the key examples"
	exit 99
fi
for h in "$KA/gnupg" "$KB/gnupg" "$U"; do
	gpgconf --homedir "$h" --kill all >/dev/null 2>&1
	rm -f "$h"/S.*
done
check "the key example's words are twelve" \
    [ "$(wc -w <"$KB/alice.words")" -eq 12 ]
n=$(examples "$MAN/mule-key.1" | awk -F '\t' 'END { print $1 + 0 }')
check "mule-key.1 has four examples to run" [ "$n" -eq 4 ]
run_example "$MAN/mule-key.1" 1 "$KA"
run_example "$MAN/mule-key.1" 2 "$KB"
run_example "$MAN/mule-key.1" 3 "$KB"
run_example "$MAN/mule-key.1" 4 "$KB"

# mule-qr.1's both ways across: the sender's directory, with photos/ (the
# frames of a note sealed for Bob) and Bob's signed reply, as reply.gpg
# and as a camera's pictures in camera/.
qr_page=""
if [ -n "$qr_tool" ]; then
	QD="$T/fixture-qr"
	cp -R "$S" "$QD"
	if ! (cd "$QD" &&
	    mule-seal -r bob@example.org note.txt | mule-qr encode -q -o photos &&
	    echo 'noon is fine' | mule-seal --binary -u bob@example.org \
		-r alice@example.org -o reply.gpg &&
	    mule-qr encode -q -o camera reply.gpg &&
	    python3 "$srcdir/tests/qr-frames.py" camera.frames \
		camera/*.png) >"$T/fixture.log" 2>&1; then
		sed 's/^/#   /' "$T/fixture.log" >&2
		echo "Bail out! cannot make the fixture for mule-qr.1"
		exit 99
	fi
	qr_page=mule-qr.1:"$QD"
fi
for pf in mule.1:"$S" mule-seal.1:"$S" mule-open.1:"$R" mule-sign.1:"$G" \
    mule-verify.1:"$V" mule-bundle.1:"$S" mule-stick.1:"$K" $qr_page; do
	page="$MAN/${pf%%:*}"
	fixture=${pf#*:}
	n=$(examples "$page" | awk -F '\t' 'END { print $1 + 0 }')
	if [ "$n" -eq 0 ]; then
		not_ok "${page##*/} has examples to run"
		continue
	fi
	i=1
	while [ "$i" -le "$n" ]; do
		run_example "$page" "$i" "$fixture"
		i=$((i + 1))
	done
done

# A check of the checker: the Bob that the examples seal to can read them.
run_status 0 sh -c "cd '$S' && mule-seal -r bob@example.org note.txt | mule-open -q"
check "a sealed example note opens" [ "$(cat "$T/out")" = "meet at noon" ]
# ... and the signed example note says what it should, in Alice's name.
run_status 0 mule-verify "$V/note.txt.asc"
check "the signed example note verifies" [ "$(cat "$T/out")" = "meet at noon" ]
check "mule-verify names the signer as mule-verify.1 shows" \
    grep -q "^mule-verify: good signature from \"Alice <alice@example.org>\" $ALICE, made [0-9-]* [0-9:]* UTC\$" "$T/err"

# --- (d) the formats that mule.7 shows ---------------------------------------------
# The manifest of mule.7's MANIFEST FORMAT example, made for real: its
# signed text must be the example, line for line.
M="$T/manifest-example"
mkdir -p "$M/Documents"
echo 'buy milk' >"$M/Documents/todo.txt"
echo x >"$M/draft "
echo 'meet at noon' >"$M/note.txt"
echo y >"$M/$(printf 'two\nlines')"
literal_block "$MAN/mule.7" "MANIFEST FORMAT" 1 >"$T/manifest.doc"
if mule-sign --manifest "$M" 2>"$T/err.sign" | mule-verify -q >"$T/manifest.txt" \
    2>"$T/err" && [ -s "$T/manifest.doc" ] \
    && cmp -s "$T/manifest.doc" "$T/manifest.txt"; then
	ok "mule.7's manifest example is what mule-sign writes"
else
	diag "mule.7 shows:"
	sed 's/^/#   | /' "$T/manifest.doc" >&2
	diag "mule-sign wrote:"
	sed 's/^/#   | /' "$T/manifest.txt" "$T/err.sign" "$T/err" >&2
	not_ok "mule.7's manifest example is what mule-sign writes"
fi

# A status line, in the shape that mule.7 and mule-verify.1 document.
doc=$(literal_block "$MAN/mule.7" "STATUS LINES" 1)
when='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
shape="^$when [^ ]+ [^ ]+ mode:(text|binary)\$"
if printf '%s\n' "$doc" | grep -qE "$shape"; then
	ok "mule.7 shows a status line"
else
	diag "mule.7's STATUS LINES example: $doc"
	not_ok "mule.7 shows a status line"
fi
# status_is MODE: $T/status is one line, for Alice's key (which signs
# with its primary key), in MODE.
status_is() {
	[ "$(grep -c '' "$T/status")" -eq 1 ] &&
	    grep -qxE "$when $ALICE $ALICE mode:$1" "$T/status"
}
rm -f "$T/status"
run_status 0 mule-verify -q --status-fd 3 "$V/stick/update.tar.sig" \
    "$V/stick/update.tar" 3>"$T/status"
check "mule-verify --status-fd writes one line in the documented format" \
    status_is binary
run_status 0 mule-verify -q --status-fd 3 "$V/note.txt.asc" 3>"$T/status"
check "a clear signature's status line says mode:text" status_is text

done_testing
