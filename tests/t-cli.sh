#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What every tool's command line shares (issue 18): --version in one
# format, mule help and mule version, -q, --status-fd, the progress line
# and the note about reading from the terminal.
. "$srcdir/tests/lib.sh"
TOOLS="seal open sign verify bundle stick key"
[ -x "$BIN/mule-qr" ] && TOOLS="$TOOLS qr"

# --- --version ---------------------------------------------------------------
mule --version >"$T/v-mule" 2>&1
why=""
sed -n 1p "$T/v-mule" | grep -Eq '^mule \(mule\) [0-9]+\.[0-9]+' ||
    why="$why first line of mule --version;"
sed -n 2p "$T/v-mule" | grep -Eq '^GPGME [0-9.]+, libgcrypt [0-9.]+, libgpg-error [0-9.]+, libarchive [0-9.]+$' ||
    why="$why library line of mule --version;"
version=$(sed -n 1p "$T/v-mule" | cut -d' ' -f3)
sed 1d "$T/v-mule" >"$T/v-rest"
for t in $TOOLS; do
	if ! mule-$t --version >"$T/v-$t" 2>"$T/err"; then
		why="$why mule-$t --version failed;"
		continue
	fi
	[ "$(sed -n 1p "$T/v-$t")" = "mule-$t (mule) $version" ] ||
	    why="$why mule-$t: first line '$(sed -n 1p "$T/v-$t")';"
	sed 1d "$T/v-$t" | cmp -s - "$T/v-rest" ||
	    why="$why mule-$t: not the same lines as mule --version;"
	[ -s "$T/err" ] && why="$why mule-$t wrote to stderr;"
done
verdict "every tool's --version has the same format"

mule-stick put --version >"$T/out" 2>&1 &&
    check "--version after a subcommand" cmp -s "$T/out" "$T/v-stick" ||
    not_ok "--version after a subcommand"
run_status 0 mule version && cmp -s "$T/out" "$T/v-mule" &&
    ok "mule version is mule --version" || not_ok "mule version is mule --version"
run_status 0 mule -V && cmp -s "$T/out" "$T/v-mule" &&
    ok "mule -V is mule --version" || not_ok "mule -V is mule --version"
expect_fail "mule version takes no arguments" 2 mule version seal

# --- mule help -----------------------------------------------------------------
why=""
run_status 0 mule help || why="$why exit;"
for t in $TOOLS; do
	grep -q "^  $t " "$T/out" || why="$why $t not listed;"
done
grep -q 'mule help TOOL' "$T/out" || why="$why no pointer to mule help TOOL;"
[ -s "$T/err" ] && why="$why stderr;"
verdict "mule help lists every tool"
run_status 0 mule --help && cp "$T/out" "$T/help2" &&
    run_status 0 mule help && cmp -s "$T/out" "$T/help2" &&
    ok "mule --help is mule help" || not_ok "mule --help is mule help"
why=""
for t in $TOOLS; do
	mule-$t --help >"$T/h-$t" 2>&1 || why="$why mule-$t --help failed;"
	run_status 0 mule help $t || why="$why mule help $t: exit;"
	cmp -s "$T/out" "$T/h-$t" || why="$why mule help $t is not mule-$t --help;"
done
verdict "mule help TOOL prints TOOL's --help"
expect_fail "mule help of an unknown tool" 2 mule help bogus
grep -q "unknown tool 'bogus'" "$T/err" && ok "... names it" || not_ok "... names it"
expect_fail "mule help with two tools" 2 mule help seal open
expect_fail "mule with an unknown tool" 2 mule bogus
run_status 2 mule && grep -q '^usage: mule' "$T/err" &&
    ok "mule alone prints the usage on stderr, exit 2" ||
    not_ok "mule alone prints the usage on stderr, exit 2"

# --- -q --------------------------------------------------------------------------
why=""
for t in $TOOLS; do
	grep -qx '  -q, --quiet                 print errors and warnings only' \
	    "$T/h-$t" || why="$why mule-$t --help;"
done
verdict "every tool's --help says the same of -q"

setup_keys
printf 'meet at noon\n' >"$T/note"
mule-seal -r bob@example.org -o "$T/note.asc" "$T/note" 2>/dev/null
mule-seal --no-sign -r bob@example.org -o "$T/unsigned.asc" "$T/note" 2>/dev/null
run_status 0 mule-open -q -o "$T/note.out" "$T/note.asc" && [ ! -s "$T/err" ] &&
    ok "mule-open -q: no note on success" || not_ok "mule-open -q: no note on success"
run_status 0 mule-open -q --allow-unsigned "$T/unsigned.asc" &&
    grep -q '^mule-open: warning: the message was not signed' "$T/err" &&
    [ "$(wc -l <"$T/err")" -eq 1 ] &&
    ok "mule-open -q: a warning is still printed" ||
    not_ok "mule-open -q: a warning is still printed"

# --- --status-fd in mule-open ----------------------------------------------------
why=""
mule-open --status-fd 3 -o "$T/s.out" "$T/note.asc" 3>"$T/status" 2>"$T/err" ||
    why=" exit $?;"
grep -Eqx "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [0-9A-F]{40} $ALICE mode:binary" \
    "$T/status" || why="$why status line: '$(cat "$T/status")';"
[ "$(wc -l <"$T/status")" -eq 1 ] || why="$why not one line;"
cmp -s "$T/s.out" "$T/note" || why="$why plaintext;"
verdict "mule-open --status-fd: one line per signature"
why=""
mule-open --status-fd 3 "$T/unsigned.asc" 3>"$T/status" >/dev/null 2>"$T/err" &&
    why=" unsigned accepted;"
[ -s "$T/status" ] && why="$why status written for a rejected message;"
mule-open --allow-unsigned --status-fd 3 "$T/unsigned.asc" 3>"$T/status" \
    >/dev/null 2>"$T/err" || why="$why --allow-unsigned refused;"
[ -s "$T/status" ] && why="$why status written for an unsigned message;"
verdict "mule-open --status-fd: nothing for a rejected or unsigned message"
expect_fail "mule-open --status-fd on a closed descriptor: usage error" 2 \
    mule-open --status-fd 9 "$T/note.asc"
grep -q -- '--status-fd 9: not an open file descriptor' "$T/err" &&
    ok "... says so" || not_ok "... says so"
expect_fail "mule-bundle --status-fd on a closed descriptor: usage error" 2 \
    mule-bundle -t --status-fd 9 "$T/note.asc"

# --- the terminal: progress and the note about standard input ----------------------
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) ||
    PYTHON=python3
if ! "$PYTHON" -c 'import pty' 2>/dev/null; then
	skip "python3 has no pty module: the terminal is not checked"
	done_testing
fi

# on_tty OUT STEPS COMMAND: run the shell command line COMMAND with a
# pseudo-terminal as its standard input, output and error (redirect in
# COMMAND what should not go there); what the terminal showed in OUT.
# STEPS as in qr-tty.py.  The status is COMMAND's.
on_tty() {
	with_timeout "$PYTHON" "$srcdir/tests/qr-tty.py" 100x24 "$2" \
	    sh -c "$3" >"$1" 2>/dev/null
}

# progress_lines FILE WHAT REGEX: FILE (what a terminal showed) has
# progress lines "WHAT: ..." each matching REGEX (Python), erased at the
# end, and nothing else than the lines in $T/allowed.  "none": no
# progress line, no escape sequence at all.
progress_lines() {
	"$PYTHON" - "$@" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
what, pattern = sys.argv[2].encode(), sys.argv[3]
draws = re.findall(rb'\r' + what + rb': ([^\r\x1b]*)\x1b\[K', data)
if pattern == 'none':
    if draws or b'\x1b' in data:
        sys.exit('a progress line: %r' % data[:200])
    sys.exit(0)
if not draws:
    sys.exit('no progress line: %r' % data[:200])
for d in draws:
    if not re.fullmatch(pattern.encode(), d):
        sys.exit('odd line: %r' % d)
last = data.rfind(b'\r' + what + b': ')
rest = data[last:]
end = rest.find(b'\x1b[K')
if not rest[end + 3:].startswith(b'\r\x1b[K'):
    sys.exit('not erased: %r' % rest[end:end + 40])
PY
}
SIZE='[0-9.]+ (B|KiB|MiB|GiB)'
OF_BIG="$SIZE of 2\\.0 MiB \\([0-9]+%\\), $SIZE/s(, [0-9]+:[0-9][0-9] left)?"
head -c 2097152 /dev/urandom >"$T/big"

if has_test_hooks; then
	export MULE_TEST_SWITCH=progress-now
	why=""
	on_tty "$T/tty" "" "mule-seal -r bob@example.org --binary -o '$T/big.gpg' '$T/big'" ||
	    why=" exit $?;"
	msg=$(progress_lines "$T/tty" sealing "$OF_BIG" 2>&1) || why="$why $msg;"
	verdict "mule-seal: a progress line on the terminal, erased at the end"

	why=""
	on_tty "$T/tty" "" "mule-open -o '$T/big.out' '$T/big.gpg'" || why=" exit $?;"
	cmp -s "$T/big.out" "$T/big" || why="$why plaintext differs;"
	msg=$(progress_lines "$T/tty" opening "$OF_BIG" 2>&1) || why="$why $msg;"
	grep -q "$(printf '\r\033\\[K')mule-open: good signature" "$T/tty" ||
	    why="$why the note does not follow the erased line;"
	verdict "mule-open: a progress line, erased before the signer's note"

	why=""
	on_tty "$T/tty" "" "mule-sign --inline --binary -o '$T/big.sig' '$T/big'" ||
	    why=" exit $?;"
	msg=$(progress_lines "$T/tty" signing "$OF_BIG" 2>&1) || why="$why $msg;"
	on_tty "$T/tty" "" "mule-verify -q -o '$T/big.v' '$T/big.sig'" || why="$why verify: exit $?;"
	cmp -s "$T/big.v" "$T/big" || why="$why verified content differs;"
	msg=$(progress_lines "$T/tty" verifying "$SIZE( of $SIZE \\([0-9]+%\\))?, $SIZE/s(, [0-9]+:[0-9][0-9] left)?" 2>&1) &&
	    why="$why a progress line with -q;"
	mule-sign --detach -o "$T/big.asc" "$T/big" 2>/dev/null
	on_tty "$T/tty" "" "mule-verify '$T/big.asc' '$T/big'" || why="$why detached: exit $?;"
	msg=$(progress_lines "$T/tty" verifying "$OF_BIG" 2>&1) || why="$why detached: $msg;"
	verdict "mule-sign and mule-verify: progress lines; none with -q"

	why=""
	on_tty "$T/tty" "" "mule-seal -q -r bob@example.org --binary -o '$T/q.gpg' '$T/big'" ||
	    why=" exit $?;"
	[ -s "$T/tty" ] && why="$why the terminal showed: $(od -c "$T/tty" | head -3);"
	mule-seal -r bob@example.org --binary -o "$T/n.gpg" "$T/big" 2>"$T/err" ||
	    why="$why no terminal: exit $?;"
	[ -s "$T/err" ] && why="$why no terminal: stderr not empty;"
	on_tty "$T/tty" "" "cat '$T/big' | mule-seal -r bob@example.org --binary -o '$T/p.gpg'" ||
	    why="$why pipe: exit $?;"
	msg=$(progress_lines "$T/tty" sealing "$SIZE, $SIZE/s" 2>&1) ||
	    why="$why from a pipe (no total, no time left): $msg;"
	verdict "no progress line with -q or without a terminal; no total from a pipe"

	# mule-stick: items.
	XDG_STATE_HOME="$T/state"
	mkdir -p "$T/stick" "$T/in" "$T/got"
	mule-stick init "$T/stick" >/dev/null 2>&1
	for i in 1 2 3; do echo "item $i" >"$T/in/f$i"; done
	why=""
	on_tty "$T/tty" "" "mule-stick put '$T/stick' -u alice@example.org -r bob@example.org '$T/in/f1' '$T/in/f2' '$T/in/f3' >'$T/put.out'" ||
	    why=" exit $?;"
	msg=$(progress_lines "$T/tty" putting "[123] of 3 items(, [0-9]+:[0-9][0-9] left)?" 2>&1) ||
	    why="$why $msg;"
	grep -q 'putting: 3 of 3 items' "$T/tty" || why="$why no 3 of 3;"
	[ "$(grep -c '^put ' "$T/put.out")" -eq 3 ] || why="$why report lines;"
	verdict "mule-stick put: a progress line of items"
	why=""
	on_tty "$T/tty" "" "mule-stick put --json '$T/stick' -u alice@example.org -r bob@example.org '$T/in/f1' >'$T/put.json'" ||
	    why=" exit $?;"
	[ -s "$T/tty" ] && why="$why the terminal showed: $(od -c "$T/tty" | head -3);"
	"$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/put.json" ||
	    why="$why not JSON;"
	verdict "mule-stick put --json: no progress line"
	why=""
	on_tty "$T/tty" "" "mule-stick get '$T/stick' -C '$T/got' >'$T/get.out'" ||
	    why=" exit $?;"
	msg=$(progress_lines "$T/tty" getting "$SIZE, [1-4] items?, $SIZE/s" 2>&1) ||
	    why="$why $msg;"
	[ "$(grep -c '^delivered ' "$T/get.out")" -eq 4 ] || why="$why report lines;"
	verdict "mule-stick get: a progress line of items"
	unset MULE_TEST_SWITCH
else
	skip "no test hooks: progress lines drawn at once not checked"
fi

# Without the test switch, a short run draws nothing: the line waits a
# second.
why=""
on_tty "$T/tty" "" "mule-seal -r bob@example.org -o '$T/short.asc' '$T/note'" ||
    why=" exit $?;"
[ -s "$T/tty" ] && why="$why the terminal showed: $(od -c "$T/tty" | head -3);"
verdict "a short run draws no progress line"

# The note about reading from the terminal: once, with the tool's name.
note='reading from the terminal; end with Ctrl-D'
why=""
on_tty "$T/tty" "text:Ctrl-D,type:hello,key:^D,key:^D" \
    "mule-seal -r bob@example.org -o '$T/typed.asc'" || why=" exit $?;"
[ "$(grep -c "mule-seal: $note" "$T/tty")" -eq 1 ] || why="$why no note, or not once;"
mule-open -q "$T/typed.asc" >"$T/typed" 2>/dev/null
[ "$(cat "$T/typed")" = hello ] || why="$why what was typed is not what was sealed;"
verdict "mule-seal: the note, once, and what was typed is sealed after one Ctrl-D"
why=""
# The stick (made above only with the test hooks).
[ -d "$T/stick" ] || { mkdir -p "$T/stick" && mule-stick init "$T/stick" >/dev/null 2>&1; }
for cmd in "mule-open" "mule-sign" "mule-verify" "mule-key import -" \
    "mule-bundle -t" "mule-stick put '$T/stick' -r bob@example.org -"; do
	tool=${cmd%% *}
	on_tty "$T/tty" "text:Ctrl-D,key:^D" "$cmd >/dev/null"
	[ "$(grep -c "$tool: $note" "$T/tty")" -eq 1 ] || why="$why $cmd;"
done
if [ -x "$BIN/mule-qr" ]; then
	on_tty "$T/tty" "text:Ctrl-D,key:^D" "mule-qr decode --text >/dev/null"
	grep -q "mule-qr: $note" "$T/tty" || why="$why mule-qr decode --text;"
fi
verdict "every tool that reads standard input says so at a terminal"
why=""
on_tty "$T/tty" "type:hello,key:^D,key:^D" \
    "mule-seal -q -r bob@example.org -o '$T/typed-q.asc'" || why=" exit $?;"
grep -q "$note" "$T/tty" && why="$why the note with -q;"
on_tty "$T/tty" "" "echo hi | mule-seal -r bob@example.org -o '$T/piped.asc'" ||
    why="$why piped: exit $?;"
grep -q "$note" "$T/tty" && why="$why the note for a pipe;"
verdict "no note with -q, nor when standard input is not a terminal"

done_testing
