#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mule-sign and mule-verify round trips: clear-signed text (and what a
# clear signature does not cover), detached and inline signatures over
# sizes 0, 1 and 1 MiB and binary data, atomic -o, -u, passphrases,
# usage errors, the success line and --status-fd, and interoperability
# both ways with gpg and (where installed) Sequoia's sqop.
. "$srcdir/tests/lib.sh"

AL='Alice <alice@example.org>'

have() {
	command -v "$1" >/dev/null 2>&1
}

# canon FILE: what mule-verify must print for FILE clear-signed: the
# signed text, every line without its trailing blanks (spaces, tabs and
# CRs, which a clear signature does not cover), each ending in a newline.
# A clear-signed text cannot tell "" from "\n": empty input is one empty
# line, as gpg prints it.
canon() {
	if [ -s "$1" ]; then
		awk '{ sub(/[ \t\r]+$/, ""); print }' "$1"
	else
		echo
	fi
}

# said_good NAME FPR [FILE]: FILE (default $T/err) is exactly the one
# success line naming NAME, FPR and a time.
said_good() {
	sg_f=${3:-$T/err}
	[ "$(wc -l <"$sg_f")" -eq 1 ] && [ "$(sed -E 's/, made [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC$/, made TIME/' "$sg_f")" \
	    = "mule-verify: good signature from \"$1\" $2, made TIME" ]
}

# why_not DESC: report the last run (stderr, differences) and fail DESC.
why_not() {
	sed 's/^/#   stderr: /' "$T/err" >&2
	[ -f "$T/want" ] && [ -f "$T/out" ] && ! cmp -s "$T/want" "$T/out" &&
	    diag "output differs from the expected text:" &&
	    od -c "$T/out" | head -8 | sed 's/^/#   got:  /' >&2 &&
	    od -c "$T/want" | head -8 | sed 's/^/#   want: /' >&2
	not_ok "$1"
}

# clear_round_trip DESC FILE: mule-sign FILE (clear-signed, the default);
# mule-verify prints exactly canon FILE and names Alice.
clear_round_trip() {
	crt_desc=$1
	canon "$2" >"$T/want"
	rm -f "$T/out"
	if mule-sign "$2" >"$T/clear.asc" 2>"$T/err" \
	    && head -1 "$T/clear.asc" | grep -qx -- '-----BEGIN PGP SIGNED MESSAGE-----' \
	    && run_status 0 mule-verify "$T/clear.asc" \
	    && cmp -s "$T/want" "$T/out" && said_good "$AL" "$ALICE"; then
		ok "$crt_desc"
	else
		why_not "$crt_desc"
	fi
}

# first_byte FILE: the first byte of FILE, in decimal.
first_byte() {
	od -An -tu1 -N1 "$1" | tr -d ' '
}

# armoured FILE KIND: FILE starts with the BEGIN line of KIND.
armoured() {
	[ "$(head -1 "$1")" = "-----BEGIN PGP $2-----" ]
}

# binary_packets FILE: FILE starts with an OpenPGP packet header, not text.
binary_packets() {
	[ "$(first_byte "$1")" -ge 128 ]
}

# detached_round_trip DESC FILE [MULE-SIGN-OPTIONS...]: a detached
# signature over FILE, in the format the options ask for, that
# mule-verify accepts, with nothing on standard output.
detached_round_trip() {
	drt_desc=$1 drt_file=$2
	shift 2
	rm -f "$T/det.sig"
	if run_status 0 mule-sign --detach "$@" -o "$T/det.sig" "$drt_file" \
	    && [ ! -s "$T/out" ] && { case " $* " in
		*" --binary "*) binary_packets "$T/det.sig" ;;
		*) armoured "$T/det.sig" SIGNATURE ;;
	    esac; } \
	    && run_status 0 mule-verify "$T/det.sig" "$drt_file" \
	    && [ ! -s "$T/out" ] && said_good "$AL" "$ALICE"; then
		ok "$drt_desc"
	else
		why_not "$drt_desc"
	fi
}

# inline_round_trip DESC FILE [MULE-SIGN-OPTIONS...]: an inline-signed
# message that mule-verify turns back into FILE, byte for byte.
inline_round_trip() {
	irt_desc=$1 irt_file=$2
	shift 2
	if run_status 0 mule-sign --inline "$@" "$irt_file" \
	    && cp "$T/out" "$T/inline.msg" && { case " $* " in
		*" --binary "*) binary_packets "$T/inline.msg" ;;
		*) armoured "$T/inline.msg" MESSAGE ;;
	    esac; } \
	    && run_status 0 mule-verify "$T/inline.msg" \
	    && cmp -s "$irt_file" "$T/out" && said_good "$AL" "$ALICE"; then
		ok "$irt_desc"
	else
		why_not "$irt_desc"
	fi
}

# gpg_accepts DESC FPR GPG-VERIFY-ARGS...: gpg --verify exits 0 and
# reports a good signature and VALIDSIG by FPR (signing and primary key;
# $PRIMARY instead, if set, for the primary key).
gpg_accepts() {
	ga_desc=$1 ga_fpr=$2 ga_pri=${PRIMARY:-$2}
	shift 2
	if gpg --batch --status-fd 3 --verify "$@" 3>"$T/gpg.status" \
	    >"$T/gpg.out" 2>"$T/gpg.err" \
	    && grep -q '^\[GNUPG:\] GOODSIG ' "$T/gpg.status" \
	    && grep -Eq "^\[GNUPG:\] VALIDSIG $ga_fpr .* $ga_pri\$" "$T/gpg.status"; then
		ok "$ga_desc"
	else
		sed 's/^/#   gpg: /' "$T/gpg.err" >&2
		not_ok "$ga_desc"
	fi
}

# gpg_time FILE...: the signature time gpg reports for FILE, in the
# --status-fd format (YYYY-MM-DDTHH:MM:SSZ).
gpg_time() {
	ts=$(gpg --batch --status-fd 1 --verify "$@" 2>/dev/null |
	    awk '$2 == "VALIDSIG" { print $5; exit }')
	[ -n "$ts" ] && date -u -d "@$ts" +%Y-%m-%dT%H:%M:%SZ
}

# STATUS_RE: one --status-fd line (see mule.7, STATUS LINES).
STATUS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [0-9A-F]{40} [0-9A-F]{40} mode:(text|binary)$'

# wait_for_temp DIR: wait (up to 5 s) until a .mule-* temporary exists.
wait_for_temp() {
	n=0
	while [ $n -lt 50 ]; do
		ls -A "$1" | grep -q '^\.mule-' && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

setup_keys
HOME="$T/fakehome"	# sqop must not touch the real one
export HOME
mkdir "$HOME" "$T/o"

# --- clear-signed text --------------------------------------------------------------
printf 'spaces   \ntabs\t\t\nmixed \t \t\nnone\n  leading blanks stay\n\tindented\n' \
    >"$T/blanks.txt"
clear_round_trip "clear-signed: trailing blanks are not part of the output" "$T/blanks.txt"
printf -- '-\n--\n- x\n-x\n-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nend\n' \
    >"$T/dashes.txt"
clear_round_trip "clear-signed: lines starting with '-' (armour lines too) come back" \
    "$T/dashes.txt"
check "... and they were dash-escaped in the signed message" \
    grep -qx -- '- -----END PGP SIGNATURE-----' "$T/clear.asc"
printf 'From alice\nFrom \n>From bob\nfrom lower case\n From indented\n' >"$T/from.txt"
clear_round_trip "clear-signed: lines starting with 'From ' come back" "$T/from.txt"
printf 'one\r\ntwo  \r\n\r\nthree\t\r\nfour\r\n' >"$T/crlf.txt"
clear_round_trip "clear-signed: CRLF text comes back as its signed text, CRs not covered dropped" \
    "$T/crlf.txt"
: >"$T/empty"
clear_round_trip "clear-signed: empty input comes back as one empty line" "$T/empty"
printf 'first line\nlast words, no newline' >"$T/nonl.txt"
clear_round_trip "clear-signed: no final newline" "$T/nonl.txt"
i=0
while [ $i -lt 300 ]; do
	printf 'line %d: caf\303\251 \342\202\254 \t\n' $i
	i=$((i + 1))
done >"$T/long.txt"
head -c 3000 /dev/zero | tr '\0' 'x' >>"$T/long.txt"
echo >>"$T/long.txt"
clear_round_trip "clear-signed: 300 lines of UTF-8 and a 3000-byte line" "$T/long.txt"
if run_status 0 mule-sign <"$T/from.txt" && cp "$T/out" "$T/stdin.asc" \
    && canon "$T/from.txt" >"$T/want" \
    && run_status 0 mule-verify <"$T/stdin.asc" && cmp -s "$T/want" "$T/out"; then
	ok "clear-signed: standard input to standard output, both ways"
else
	why_not "clear-signed: standard input to standard output, both ways"
fi

# What a clear signature does not cover, an attacker may add: it must
# not reach the output.
printf 'pay bob 10 euros\n\nthanks\n' >"$T/note.txt"
mule-sign "$T/note.txt" >"$T/note.asc" 2>/dev/null
canon "$T/note.txt" >"$T/want"
# pad SUFFIX: note.asc with SUFFIX added to every line of the signed text.
pad() {
	awk -v s="$1" '/^-----BEGIN PGP SIGNATURE-----$/ { t = 0 }
	    t { $0 = $0 s } /^$/ && !seen { t = 1; seen = 1 } { print }' "$T/note.asc"
}
pad ' 	  ' >"$T/note-blanks.asc"
if ! cmp -s "$T/note.asc" "$T/note-blanks.asc" \
    && run_status 0 mule-verify "$T/note-blanks.asc" && cmp -s "$T/want" "$T/out"; then
	ok "spaces and tabs added at line ends in transit do not reach the output"
else
	why_not "spaces and tabs added at line ends in transit do not reach the output"
fi
pad "$(printf '\r')" >"$T/note-cr.asc"
if ! cmp -s "$T/note.asc" "$T/note-cr.asc" \
    && run_status 0 mule-verify "$T/note-cr.asc" && cmp -s "$T/want" "$T/out"; then
	ok "CRs added at line ends in transit do not reach the output"
else
	why_not "CRs added at line ends in transit do not reach the output"
fi

# --- detached signatures ---------------------------------------------------------------
printf 'x' >"$T/one"
head -c 1048576 /dev/urandom >"$T/mib"
{ printf 'a\r\nb\000c\r\n\000\377'; head -c 70001 /dev/urandom; printf '\r'; } >"$T/bin"
detached_round_trip "detached, armoured: 0 bytes" "$T/empty"
detached_round_trip "detached, armoured: 1 byte" "$T/one"
detached_round_trip "detached, armoured: 1 MiB" "$T/mib"
detached_round_trip "detached, armoured: binary data (NULs, CRs)" "$T/bin"
detached_round_trip "detached, --binary: 0 bytes" "$T/empty" --binary
detached_round_trip "detached, --binary: 1 byte" "$T/one" --binary
detached_round_trip "detached, --binary: 1 MiB" "$T/mib" --binary
detached_round_trip "detached, --binary: binary data (NULs, CRs)" "$T/bin" --binary
mule-sign --detach -o "$T/mib.sig" "$T/mib" 2>/dev/null
if run_status 0 mule-verify "$T/mib.sig" - <"$T/mib" && [ ! -s "$T/out" ] \
    && said_good "$AL" "$ALICE"; then
	ok "detached: the data on standard input ('-')"
else
	why_not "detached: the data on standard input ('-')"
fi
{ head -c 1048575 "$T/mib"; printf 'Z'; } >"$T/mib-changed"
cmp -s "$T/mib" "$T/mib-changed" && { head -c 1048575 "$T/mib"; printf 'Y'; } >"$T/mib-changed"
expect_fail "detached: the 1 MiB file with its last byte changed is refused (exit 1)" 1 \
    mule-verify "$T/mib.sig" "$T/mib-changed"
if run_status 0 mule-sign --detach --binary <"$T/bin" && cp "$T/out" "$T/bin.sig" \
    && binary_packets "$T/bin.sig" && run_status 0 mule-verify "$T/bin.sig" "$T/bin"; then
	ok "detached: binary signature of standard input to standard output"
else
	why_not "detached: binary signature of standard input to standard output"
fi

# --- inline-signed messages ------------------------------------------------------------
inline_round_trip "inline, armoured: binary data comes back byte for byte" "$T/bin"
inline_round_trip "inline, --binary: binary data comes back byte for byte" "$T/bin" --binary
inline_round_trip "inline, armoured: 0 bytes" "$T/empty"
inline_round_trip "inline, --binary: 1 MiB" "$T/mib" --binary

# --- -o: atomic, never over an existing file unless --force ---------------------------
if run_status 0 mule-sign -o "$T/o/note.asc" "$T/note.txt" && [ ! -s "$T/out" ] \
    && run_status 0 mule-verify "$T/o/note.asc" && cmp -s "$T/want" "$T/out" \
    && no_temps "$T/o"; then
	ok "-o writes the clear-signed text to the file, nothing on stdout, no temporaries"
else
	why_not "-o writes the clear-signed text to the file, nothing on stdout, no temporaries"
fi
echo 'precious' >"$T/o/exists"
expect_fail "-o over an existing file is refused without --force (exit 2)" 2 \
    mule-sign --detach -o "$T/o/exists" "$T/one"
check "... which is left as it was, and no temporaries" \
    sh -c '[ "$(cat "$1/exists")" = precious ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/o"
check "... with a hint to use --force" grep -q 'hint: .*--force' "$T/err"
if run_status 0 mule-sign --detach --force -o "$T/o/exists" "$T/one" \
    && armoured "$T/o/exists" SIGNATURE \
    && run_status 0 mule-verify "$T/o/exists" "$T/one" && no_temps "$T/o"; then
	ok "-o --force replaces it with the signature"
else
	why_not "-o --force replaces it with the signature"
fi
# The final name appears only once the signature is complete.
rm -rf "$T/late" "$T/fifo"
mkdir "$T/late" && mkfifo "$T/fifo"
mule-sign --detach -o "$T/late/sig" <"$T/fifo" >"$T/late.out" 2>"$T/late.err" &
late_pid=$!
exec 4>"$T/fifo"
head -c 4096 "$T/mib" >&4
late_mid=0
wait_for_temp "$T/late" && [ ! -e "$T/late/sig" ] && late_mid=1
tail -c +4097 "$T/mib" >&4
exec 4>&-
wait $late_pid
late_rc=$?
if [ $late_mid -eq 1 ] && [ $late_rc -eq 0 ] && [ ! -s "$T/late.out" ] \
    && no_temps "$T/late" && mule-verify -q "$T/late/sig" "$T/mib" 2>/dev/null; then
	ok "-o: only a temporary while the input streams, then the final file, no temporaries"
else
	diag "mid-stream temporary only: $late_mid, exit $late_rc"
	sed 's/^/#   stderr: /' "$T/late.err" >&2
	not_ok "-o: only a temporary while the input streams, then the final file, no temporaries"
fi
if run_status 0 mule-verify -o "$T/o/verified" "$T/o/note.asc" && [ ! -s "$T/out" ] \
    && cmp -s "$T/want" "$T/o/verified" && no_temps "$T/o"; then
	ok "mule-verify -o writes the verified text to the file, nothing on stdout"
else
	why_not "mule-verify -o writes the verified text to the file, nothing on stdout"
fi
expect_fail "mule-verify -o over an existing file is refused without --force (exit 2)" 2 \
    mule-verify -o "$T/o/exists" "$T/o/note.asc"

# --- -u, keys ------------------------------------------------------------------------------
if run_status 0 mule-sign -u bob@example.org "$T/note.txt" && cp "$T/out" "$T/bob.asc" \
    && run_status 0 mule-verify --status-fd 3 "$T/bob.asc" 3>"$T/status" \
    && said_good 'Bob <bob@example.org>' "$BOB" \
    && grep -q " $BOB $BOB mode:text\$" "$T/status"; then
	ok "-u bob@example.org signs as Bob"
else
	why_not "-u bob@example.org signs as Bob"
fi
if run_status 0 mule-sign --detach -u "$BOB" "$T/bin" && cp "$T/out" "$T/bob.sig" \
    && run_status 0 mule-verify "$T/bob.sig" "$T/bin" \
    && said_good 'Bob <bob@example.org>' "$BOB"; then
	ok "-u BOB-FPR signs as Bob"
else
	why_not "-u BOB-FPR signs as Bob"
fi
# A key that signs with a subkey: the status line names both.
gpg --batch --passphrase '' --quick-gen-key 'Sub <sub@example.org>' ed25519 cert never \
    >/dev/null 2>&1
SUBP=$(gpg --with-colons --list-keys sub@example.org 2>/dev/null |
    awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --passphrase '' --quick-add-key "$SUBP" ed25519 sign never >/dev/null 2>&1
SUBS=$(gpg --with-colons --list-keys sub@example.org 2>/dev/null |
    awk -F: '/^sub/ { s = 1 } s && /^fpr/ { print $10; exit }')
if [ -n "$SUBP" ] && [ -n "$SUBS" ] && [ "$SUBP" != "$SUBS" ] \
    && run_status 0 mule-sign --detach -u sub@example.org "$T/one" \
    && cp "$T/out" "$T/sub.sig" \
    && run_status 0 mule-verify --status-fd 3 "$T/sub.sig" "$T/one" 3>"$T/status" \
    && said_good 'Sub <sub@example.org>' "$SUBP" \
    && [ "$(wc -l <"$T/status")" -eq 1 ] \
    && grep -Eq "^[^ ]+ $SUBS $SUBP mode:binary\$" "$T/status"; then
	ok "a signing subkey: status line SIGFPR is the subkey, then the primary key"
else
	cat "$T/status" >&2
	why_not "a signing subkey: status line SIGFPR is the subkey, then the primary key"
fi
expect_fail "-u with an unknown key is exit 2" 2 \
    mule-sign -u nobody@example.org "$T/note.txt"
new_home "$T/pubonly"
gpg --homedir "$T/pubonly" --batch --import "$T/alice.asc" "$T/bob.asc" >/dev/null 2>&1
expect_fail "no secret key to sign with is exit 2" 2 \
    mule-sign --homedir "$T/pubonly" -o "$T/o/nosec.asc" "$T/note.txt"
check "... and no output file, no temporaries" [ ! -e "$T/o/nosec.asc" ]
expect_fail "-u naming a key whose secret part is absent is exit 2" 2 \
    mule-sign --homedir "$T/pubonly" --detach -u "$ALICE" "$T/one"

# --- a passphrase-protected key (Dave) ------------------------------------------------------
# No passphrase of Dave's may be cached by the agent while a wrong one is
# tried.
gpgconf --homedir "$GNUPGHOME" --kill gpg-agent >/dev/null 2>&1
echo 'dave-pass' >"$T/dave.pass"
echo 'not-daves' >"$T/wrong.pass"
expect_fail "wrong passphrase (--passphrase-file) is exit 2" 2 \
    mule-sign -u "$DAVE" --passphrase-file "$T/wrong.pass" -o "$T/o/dave.asc" \
    "$T/note.txt"
check "... and no output file, no temporaries" \
    sh -c '[ ! -e "$1/dave.asc" ] && ! ls -A "$1" | grep -q "^\.mule-"' - "$T/o"
check "... saying the passphrase is wrong" grep -q 'error: .*passphrase' "$T/err"
expect_fail "wrong passphrase (--passphrase-fd) is exit 2, nothing on stdout" 2 \
    mule-sign -u "$DAVE" --detach --passphrase-fd 3 "$T/note.txt" 3<"$T/wrong.pass"
if run_status 0 mule-sign -u "$DAVE" --passphrase-fd 3 "$T/note.txt" 3<"$T/dave.pass" \
    && cp "$T/out" "$T/dave.asc" && run_status 0 mule-verify "$T/dave.asc" \
    && cmp -s "$T/want" "$T/out" && said_good 'Dave <dave@example.org>' "$DAVE"; then
	ok "Dave's key with --passphrase-fd"
else
	why_not "Dave's key with --passphrase-fd"
fi
gpgconf --homedir "$GNUPGHOME" --kill gpg-agent >/dev/null 2>&1
if run_status 0 mule-sign -u "$DAVE" --detach --passphrase-file "$T/dave.pass" "$T/bin" \
    && cp "$T/out" "$T/dave.sig" && run_status 0 mule-verify "$T/dave.sig" "$T/bin" \
    && said_good 'Dave <dave@example.org>' "$DAVE"; then
	ok "Dave's key with --passphrase-file"
else
	why_not "Dave's key with --passphrase-file"
fi
expect_fail "--passphrase-file with --passphrase-fd is a usage error (exit 2)" 2 \
    mule-sign -u "$DAVE" --passphrase-file "$T/dave.pass" --passphrase-fd 3 \
    "$T/note.txt" 3<"$T/dave.pass"

# --- usage errors -----------------------------------------------------------------------
expect_fail "--binary with a clear signature is a usage error (exit 2)" 2 \
    mule-sign --binary "$T/note.txt"
check "... pointing to --help" grep -q "hint: .*mule-sign --help" "$T/err"
expect_fail "--detach with --inline is a usage error (exit 2)" 2 \
    mule-sign --detach --inline "$T/note.txt"
expect_fail "two files to sign is a usage error (exit 2)" 2 \
    mule-sign --detach "$T/note.txt" "$T/one"
expect_fail "mule-verify with three arguments is a usage error (exit 2)" 2 \
    mule-verify "$T/mib.sig" "$T/mib" "$T/one"
expect_fail "mule-verify - - is a usage error (exit 2)" 2 mule-verify - -
expect_fail "mule-verify -o with a detached signature is a usage error (exit 2)" 2 \
    mule-verify -o "$T/o/never" "$T/mib.sig" "$T/mib"
expect_fail "signing a missing file is exit 2" 2 mule-sign "$T/no-such-file"

# --- the success line, -q and --status-fd ----------------------------------------------------
mule-sign --detach -o "$T/bin.asig" "$T/bin" 2>/dev/null
canon "$T/long.txt" >"$T/want"
mule-sign "$T/long.txt" >"$T/clear.asc" 2>/dev/null
run_status 0 mule-verify --status-fd 3 "$T/clear.asc" 3>"$T/status"
if [ "$(wc -l <"$T/status")" -eq 1 ] && grep -Eq "$STATUS_RE" "$T/status" \
    && grep -q " $ALICE $ALICE mode:text\$" "$T/status"; then
	ok "--status-fd: clear-signed text gives one line TIME SIGFPR PRIMARYFPR mode:text"
else
	sed 's/^/#   status: /' "$T/status" >&2
	not_ok "--status-fd: clear-signed text gives one line TIME SIGFPR PRIMARYFPR mode:text"
fi
check "... and the time is the signature's, as gpg reports it" \
    [ "$(cut -d' ' -f1 "$T/status")" = "$(gpg_time "$T/clear.asc")" ]
check "... and nothing of it on stdout (only the text) or stderr" \
    sh -c 'cmp -s "$1/want" "$1/out" && ! grep -q "mode:" "$1/err"' - "$T"
check "... and the success line names the same time" \
    grep -q ", made $(cut -d' ' -f1 "$T/status" | sed 's/T/ /;s/Z$/ UTC/')\$" "$T/err"
run_status 0 mule-verify --status-fd 3 "$T/bin.asig" "$T/bin" 3>"$T/status"
if [ "$(wc -l <"$T/status")" -eq 1 ] && grep -Eq "$STATUS_RE" "$T/status" \
    && grep -q " $ALICE $ALICE mode:binary\$" "$T/status" \
    && [ "$(cut -d' ' -f1 "$T/status")" = "$(gpg_time "$T/bin.asig" "$T/bin")" ]; then
	ok "--status-fd: a detached signature gives mode:binary and its time"
else
	sed 's/^/#   status: /' "$T/status" >&2
	not_ok "--status-fd: a detached signature gives mode:binary and its time"
fi
mule-sign --inline --binary -o "$T/inline.gpg" "$T/bin" 2>/dev/null
run_status 0 mule-verify --status-fd 1 -o "$T/o/inline.out" "$T/inline.gpg"
if [ "$(wc -l <"$T/out")" -eq 1 ] && grep -Eq "$STATUS_RE" "$T/out" \
    && grep -q " $ALICE $ALICE mode:binary\$" "$T/out" \
    && cmp -s "$T/bin" "$T/o/inline.out"; then
	ok "--status-fd 1 with -o: only the status line on stdout (inline: mode:binary)"
else
	sed 's/^/#   stdout: /' "$T/out" >&2
	not_ok "--status-fd 1 with -o: only the status line on stdout (inline: mode:binary)"
fi
# Two signatures (Alice's and Bob's) in one detached signature file.
mule-sign --detach --binary -o "$T/a.sig" "$T/bin" 2>/dev/null
mule-sign --detach --binary -u "$BOB" -o "$T/b.sig" "$T/bin" 2>/dev/null
cat "$T/a.sig" "$T/b.sig" >"$T/ab.sig"
run_status 0 mule-verify --status-fd 3 "$T/ab.sig" "$T/bin" 3>"$T/status"
if [ "$(wc -l <"$T/status")" -eq 2 ] && [ "$(grep -Ec "$STATUS_RE" "$T/status")" -eq 2 ] \
    && sed -n 1p "$T/status" | grep -q " $ALICE $ALICE mode:binary\$" \
    && sed -n 2p "$T/status" | grep -q " $BOB $BOB mode:binary\$" \
    && [ "$(grep -c '^mule-verify: good signature from' "$T/err")" -eq 2 ]; then
	ok "--status-fd: two signatures give two lines, in order, and two success lines"
else
	sed 's/^/#   status: /' "$T/status" >&2
	not_ok "--status-fd: two signatures give two lines, in order, and two success lines"
fi
printf 'something else\n' >"$T/other"
expect_fail "--status-fd: a refused signature is exit 1" 1 \
    mule-verify --status-fd 3 "$T/bin.asig" "$T/other" 3>"$T/status"
check "... and writes nothing on the status descriptor" [ ! -s "$T/status" ]
if run_status 0 mule-verify -q --status-fd 3 "$T/clear.asc" 3>"$T/status" \
    && [ ! -s "$T/err" ] && cmp -s "$T/want" "$T/out" \
    && grep -Eq "$STATUS_RE" "$T/status"; then
	ok "-q: no success line on stderr; the text and the status line still come"
else
	why_not "-q: no success line on stderr; the text and the status line still come"
fi
# A user ID with a terminal escape sequence is printed escaped.
gpg --batch --passphrase '' --quick-gen-key "$(printf 'Esc\033[31mRed <esc@example.org>')" \
    future-default default never >/dev/null 2>&1
ESC=$(gpg --with-colons --list-keys esc@example.org 2>/dev/null |
    awk -F: '/^fpr/ { print $10; exit }')
mule-sign -u "$ESC" -o "$T/esc.asc" "$T/note.txt" 2>/dev/null
if [ -n "$ESC" ] && run_status 0 mule-verify "$T/esc.asc" \
    && ! grep -q "$(printf '\033')" "$T/err" \
    && grep -q "good signature from \"Esc.*Red <esc@example.org>\" $ESC," "$T/err"; then
	ok "the success line escapes a user ID with a terminal escape sequence"
else
	why_not "the success line escapes a user ID with a terminal escape sequence"
fi

# --- gpg verifies what mule-sign makes --------------------------------------------------------
mule-sign -o "$T/c.asc" "$T/from.txt" 2>/dev/null
gpg_accepts "gpg --verify accepts our clear-signed text (VALIDSIG by Alice)" "$ALICE" \
    "$T/c.asc"
gpg --batch -o - -d "$T/c.asc" >"$T/gpg.text" 2>/dev/null
canon "$T/from.txt" >"$T/want"
check "... and gpg reads the same text out of it" cmp -s "$T/want" "$T/gpg.text"
mule-sign --detach -o "$T/d.asc" "$T/bin" 2>/dev/null
gpg_accepts "gpg --verify accepts our armoured detached signature" "$ALICE" \
    "$T/d.asc" "$T/bin"
mule-sign --detach --binary -o "$T/d.gpg" "$T/mib" 2>/dev/null
gpg_accepts "gpg --verify accepts our binary detached signature (1 MiB)" "$ALICE" \
    "$T/d.gpg" "$T/mib"
mule-sign --inline -o "$T/i.asc" "$T/bin" 2>/dev/null
gpg_accepts "gpg --verify accepts our inline-signed message" "$ALICE" "$T/i.asc"
gpg --batch -o - -d "$T/i.asc" >"$T/gpg.bin" 2>/dev/null
check "... and gpg reads the same bytes out of it" cmp -s "$T/bin" "$T/gpg.bin"
PRIMARY=$SUBP gpg_accepts "gpg --verify accepts our signature by a signing subkey (-u)" \
    "$SUBS" "$T/sub.sig" "$T/one"

# --- mule-verify accepts what gpg makes -------------------------------------------------------
gpg --batch -u "$ALICE" --clearsign -o "$T/g.asc" "$T/dashes.txt" 2>/dev/null
canon "$T/dashes.txt" >"$T/want"
if run_status 0 mule-verify "$T/g.asc" && cmp -s "$T/want" "$T/out" \
    && said_good "$AL" "$ALICE"; then
	ok "mule-verify accepts gpg --clearsign"
else
	why_not "mule-verify accepts gpg --clearsign"
fi
gpg --batch -u "$ALICE" --clearsign -o "$T/g2.asc" "$T/crlf.txt" 2>/dev/null
canon "$T/crlf.txt" >"$T/want"
if run_status 0 mule-verify "$T/g2.asc" && cmp -s "$T/want" "$T/out"; then
	ok "mule-verify accepts gpg --clearsign of CRLF text, printing the signed text"
else
	why_not "mule-verify accepts gpg --clearsign of CRLF text, printing the signed text"
fi
gpg --batch -u "$ALICE" -a --detach-sign -o "$T/g.sig.asc" "$T/bin" 2>/dev/null
if run_status 0 mule-verify "$T/g.sig.asc" "$T/bin" && [ ! -s "$T/out" ] \
    && said_good "$AL" "$ALICE"; then
	ok "mule-verify accepts gpg --detach-sign -a"
else
	why_not "mule-verify accepts gpg --detach-sign -a"
fi
gpg --batch -u "$ALICE" --detach-sign -o "$T/g.sig" "$T/mib" 2>/dev/null
if run_status 0 mule-verify "$T/g.sig" "$T/mib" && said_good "$AL" "$ALICE"; then
	ok "mule-verify accepts gpg --detach-sign (binary, 1 MiB)"
else
	why_not "mule-verify accepts gpg --detach-sign (binary, 1 MiB)"
fi
gpg --batch -u "$ALICE" -s -o "$T/g.gpg" "$T/bin" 2>/dev/null
if run_status 0 mule-verify "$T/g.gpg" && cmp -s "$T/bin" "$T/out" \
    && said_good "$AL" "$ALICE"; then
	ok "mule-verify accepts gpg -s, writing the signed bytes"
else
	why_not "mule-verify accepts gpg -s, writing the signed bytes"
fi
gpg --batch -u "$ALICE" -sa -o "$T/g-sa.asc" "$T/bin" 2>/dev/null
if run_status 0 mule-verify "$T/g-sa.asc" && cmp -s "$T/bin" "$T/out"; then
	ok "mule-verify accepts gpg -sa"
else
	why_not "mule-verify accepts gpg -sa"
fi

# --- Sequoia's sqop, both ways ------------------------------------------------------------------
if have sqop; then
	gpg --batch --export-secret-keys --armor "$ALICE" >"$T/alice-sec.asc"
	if sqop verify "$T/d.asc" "$T/alice.asc" <"$T/bin" >"$T/sq.out" 2>"$T/sq.err" \
	    && grep -q " $ALICE $ALICE" "$T/sq.out"; then
		ok "sqop verify accepts our armoured detached signature"
	else
		sed 's/^/#   sqop: /' "$T/sq.err" >&2
		not_ok "sqop verify accepts our armoured detached signature"
	fi
	if sqop verify "$T/d.gpg" "$T/alice.asc" <"$T/mib" >"$T/sq.out" 2>"$T/sq.err" \
	    && grep -q " $ALICE $ALICE" "$T/sq.out"; then
		ok "sqop verify accepts our binary detached signature (1 MiB)"
	else
		sed 's/^/#   sqop: /' "$T/sq.err" >&2
		not_ok "sqop verify accepts our binary detached signature (1 MiB)"
	fi
	if sqop inline-verify "$T/alice.asc" <"$T/c.asc" >"$T/sq.out" 2>"$T/sq.err" \
	    && canon "$T/from.txt" >"$T/want" && cmp -s "$T/want" "$T/sq.out"; then
		ok "sqop inline-verify accepts our clear-signed text"
	else
		sed 's/^/#   sqop: /' "$T/sq.err" >&2
		not_ok "sqop inline-verify accepts our clear-signed text"
	fi
	sqop sign --as=binary "$T/alice-sec.asc" <"$T/bin" >"$T/sq.sig" 2>/dev/null
	if armoured "$T/sq.sig" SIGNATURE && run_status 0 mule-verify --status-fd 3 \
	    "$T/sq.sig" "$T/bin" 3>"$T/status" && said_good "$AL" "$ALICE" \
	    && grep -q " mode:binary\$" "$T/status"; then
		ok "mule-verify accepts sqop sign --as=binary (armoured)"
	else
		why_not "mule-verify accepts sqop sign --as=binary (armoured)"
	fi
	sqop sign --as=binary --no-armor "$T/alice-sec.asc" <"$T/mib" >"$T/sq.gpg" 2>/dev/null
	if binary_packets "$T/sq.gpg" && run_status 0 mule-verify "$T/sq.gpg" "$T/mib"; then
		ok "mule-verify accepts sqop sign --as=binary --no-armor (1 MiB)"
	else
		why_not "mule-verify accepts sqop sign --as=binary --no-armor (1 MiB)"
	fi
	sqop inline-sign --as=clearsigned "$T/alice-sec.asc" <"$T/from.txt" \
	    >"$T/sq.asc" 2>/dev/null
	canon "$T/from.txt" >"$T/want"
	if run_status 0 mule-verify "$T/sq.asc" && cmp -s "$T/want" "$T/out"; then
		ok "mule-verify accepts sqop inline-sign --as=clearsigned"
	else
		why_not "mule-verify accepts sqop inline-sign --as=clearsigned"
	fi
	sqop inline-sign "$T/alice-sec.asc" <"$T/bin" >"$T/sq-inline.asc" 2>/dev/null
	if run_status 0 mule-verify "$T/sq-inline.asc" && cmp -s "$T/bin" "$T/out"; then
		ok "mule-verify accepts sqop inline-sign (binary data)"
	else
		why_not "mule-verify accepts sqop inline-sign (binary data)"
	fi
else
	for i in 1 2 3 4 5 6 7; do
		skip "sqop is not installed"
	done
fi

done_testing
