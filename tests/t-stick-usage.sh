#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-stick-usage.sh - mule-stick, a USB stick as a mailbox between Alice
# and Bob (their world: stick_world in stick-lib.sh): exit statuses and
# usage errors.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/stick-lib.sh"
stick_test_start

# === exit statuses =======================================================================
scenario usage
# usage DESC ARG...: exit 2, nothing on stdout, one error line
usage() {
	u_desc=$1; shift
	why=""
	st 2 ms_b "$@"
	[ -s "$T/out" ] && why="$why standard output not empty;"
	one_error_of mule-stick "$T/err" || why="$why stderr is not one error line;"
	verdict "$u_desc"
}
usage "no subcommand: exit 2"
usage "an unknown subcommand: exit 2" frobnicate "$S"
usage "put without STICK: exit 2" put
usage "put without ITEM: exit 2" put "$S" -r "$BOB"
usage "list without STICK: exit 2" list
usage "get without STICK: exit 2" get
usage "get without -C: exit 2" get "$S"
usage "an unknown option: exit 2" get "$S" -C "$IN" --no-such-option
usage "retry without STICK: exit 2" retry
usage "retry --json: exit 2" retry "$S" --json
usage "retry -C: exit 2" retry "$S" -C "$IN"
usage "put --journal: exit 2" put "$S" -r "$BOB" --journal "$T/j" "$SRC/msg"
usage "list with a second argument: exit 2" list "$S" "$S"
why=""
st 0 ms_b --help
grep -q 'mule-stick' "$T/out" || why="$why no usage on stdout;"
verdict "--help exits 0 with usage"
why=""
st 0 ms_b --version
grep -q '^mule-stick (mule) [0-9]' "$T/out" || why="$why '$(head -n 1 "$T/out")';"
verdict "--version exits 0"

done_testing
