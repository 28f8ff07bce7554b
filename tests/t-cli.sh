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

done_testing
