#!/bin/sh
# The manual pages, so that they cannot rot: (a) mandoc -Tlint is clean,
# (b) each page documents exactly the options its tool's --help lists,
# (c) the EXAMPLES of mule.1, mule-seal.1 and mule-open.1 run and exit 0.
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

for tool in mule mule-seal mule-open; do
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

# examples PAGE: the EXAMPLES blocks of PAGE as "N<TAB>line", roff
# escapes undone (\e last, so that "\e-" stays a backslash and a dash).
examples() {
	awk '
	/^\.Sh / { in_ex = ($0 == ".Sh EXAMPLES"); inblk = 0; next }
	in_ex && /^\.Bd -literal/ { inblk = 1; n++; next }
	in_ex && inblk && /^\.Ed/ { inblk = 0; next }
	in_ex && inblk { print n "\t" $0 }
	' "$1" | sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
	    -e 's/\\e/\\/g'
}

# run_example PAGE N FIXTURE: run block N of PAGE in a copy of FIXTURE.
run_example() {
	script="$T/example.sh"
	examples "$1" | awk -F '\t' -v n="$2" '$1 == n { sub(/^[^\t]*\t/, ""); print }' \
	    >"$script.orig"
	desc="${1##*/} example $2: $(sed -n '1{s/[[:space:]]*\\$//;p;}' "$script.orig")"
	sed "s|/media/stick|$T/run/stick|g" "$script.orig" >"$script"
	if grep -qE '(^|[|] *)tar ' "$script" && ! command -v tar >/dev/null 2>&1; then
		skip "$desc (no tar)"
		return
	fi
	rm -rf "$T/run"
	cp -R "$3" "$T/run"
	(cd "$T/run" && sh -e "$script") >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -q '^mule[a-z-]*: error: ' "$T/err"; then
		ok "$desc"
	else
		diag "exit status $rc; the example was:"
		sed 's/^/#   | /' "$script" >&2
		sed 's/^/#   stderr: /' "$T/err" >&2
		not_ok "$desc"
	fi
}

for pf in mule.1:"$S" mule-seal.1:"$S" mule-open.1:"$R"; do
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

plan "$test_count"
done_testing
