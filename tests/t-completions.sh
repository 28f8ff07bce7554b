#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell completions of contrib/completions: their option lists are
# those of each tool's --help (so that they cannot rot), each command's
# options are ones the tool takes for that command, and bash (with
# bash-completion's library and without it) and zsh complete commands,
# options, files and keys from the keyring.
. "$srcdir/tests/lib.sh"
setup_keys

BASHCOMP="$srcdir/contrib/completions/bash/mule"
ZSHCOMP="$srcdir/contrib/completions/zsh/_mule"
TOOLS="mule mule-seal mule-open mule-sign mule-verify mule-bundle mule-stick mule-key"
[ -x "$BIN/mule-qr" ] && TOOLS="$TOOLS mule-qr"
HAVE_BASH=0
bash -c '((BASH_VERSINFO[0] > 4 || BASH_VERSINFO[1] >= 3))' 2>/dev/null &&
    HAVE_BASH=1

# help_options TOOL: the options TOOL's --help shows, one a line, sorted.
help_options() {
	"$1" --help | grep -oE '(^|[][ ,|(])--?[A-Za-z][A-Za-z0-9-]*' |
	    sed 's/^[][ ,|(]//' | sort -u
}

# bash_tables: the completion's tables, as bash sees them: "TOOL OPTION"
# for every option of every tool, "TOOL CMD OPTION" for those of its
# commands (CMD "*" for the options every command takes).
bash_tables() {
	bash -c '
	. "$1" || exit 1
	for t in mule $_mule_tools; do
		table=_mule_opts_$t
		for o in ${!table}; do echo "$t ${o%%=*}"; done
		cmds=_mule_cmds_$t common=_mule_common_$t
		for o in ${!common}; do echo "$t * $o"; done
		for c in ${!cmds}; do
			table=_mule_cmd_${t}_$c
			for o in ${!table}; do echo "$t $c $o"; done
		done
	done' sh "$BASHCOMP"
}

if [ "$HAVE_BASH" = 1 ]; then
	bash_tables >"$T/tables" 2>"$T/err"
	check "the bash completion loads in a plain bash" [ -s "$T/tables" ] &&
	    [ ! -s "$T/err" ]
else
	skip "no bash 4.3 or later"
fi

# Each tool's option list is its --help's.
for tool in $TOOLS; do
	if [ "$HAVE_BASH" != 1 ]; then
		skip "$tool: no bash to read the tables with"
		continue
	fi
	t=${tool#mule-}
	help_options "$tool" >"$T/help"
	awk -v t="$t" '$1 == t && NF == 2 { print $2 }' "$T/tables" |
	    sort -u >"$T/listed"
	if [ -s "$T/help" ] && cmp -s "$T/help" "$T/listed"; then
		ok "$tool: the completion lists the options of its --help"
	else
		diag "$tool: < --help, > contrib/completions/bash/mule:"
		diff "$T/help" "$T/listed" | grep '^[<>]' | sed 's/^/#   /' >&2
		not_ok "$tool: the completion lists the options of its --help"
	fi
done

# Each command's options are options of the tool, and together with
# -h and -V they are all of them.
why=""
for t in stick key qr; do
	awk -v t="$t" '$1 == t && NF == 3 { print $3 }' "$T/tables" 2>/dev/null |
	    sort -u >"$T/cmdopts"
	awk -v t="$t" '$1 == t && NF == 2 { print $2 }' "$T/tables" 2>/dev/null |
	    grep -vx -e -h -e --help -e -V -e --version | sort -u >"$T/all"
	cmp -s "$T/cmdopts" "$T/all" ||
	    why="$why mule-$t's commands' options are not its options less -h and -V:$(diff "$T/all" "$T/cmdopts" | grep '^[<>]' | tr '\n' ' ');"
done
[ "$HAVE_BASH" = 1 ] || why=""
[ -s "$T/cmdopts" ] || [ "$HAVE_BASH" != 1 ] || why="$why no command options;"
verdict "the options offered after a command are the tool's options"

# probe TOOL CMD OPTION: run TOOL CMD OPTION [VALUE] with arguments that
# make it fail soon after its options are checked; fail if TOOL says the
# option is not one of CMD's.
probe() {
	pr_kind=$(grep -x "$1 $3" "$T/kinds" | head -1)
	pr_value=""
	case $3 in
	--ec) pr_value=L ;;
	--split | --max-size) pr_value=1M ;;
	--passphrase-fd) pr_value=9 ;;
	--fragment) pr_value=400 ;;
	--scale) pr_value=4 ;;
	--max-version) pr_value=20 ;;
	--fps) pr_value=5 ;;
	--extra) pr_value=100 ;;
	--expire | --subkey-days | --grace | --older | --max-files | --count)
		pr_value=1 ;;
	*) [ -n "$pr_kind" ] && pr_value="$T/none" ;;
	esac
	case $1/$2 in
	stick/sent) pr_args="" ;;
	stick/*) pr_args="$T/nostick" ;;
	key/generate) pr_args="$T/none" ;;
	key/import) pr_args="$T/none" ;;
	key/*) pr_args="" ;;
	qr/decode) pr_args="$T/none" ;;
	qr/*) pr_args="$T/none $T/none2" ;;
	esac
	# (a GnuPG home that does not exist: nothing is generated or changed)
	pr_home="--homedir=$T/nohome"
	[ "$1" = qr ] && pr_home=""
	# shellcheck disable=SC2086
	with_timeout "mule-$1" "$2" $pr_home "$3" $pr_value $pr_args \
	    </dev/null >/dev/null 2>"$T/perr"
	! grep -q 'not an option of\|is for \|not for ' "$T/perr"
}
if [ "$HAVE_BASH" = 1 ]; then
	bash -c '. "$1"; for t in $_mule_tools; do table=_mule_opts_$t;
	    for o in ${!table}; do case $o in *=*) echo "$t ${o%%=*}";;
	    esac; done; done' sh "$BASHCOMP" >"$T/kinds"
	for t in stick key qr; do
		[ "$t" = qr ] && [ ! -x "$BIN/mule-qr" ] && continue
		why=""
		for cmd in $(awk -v t="$t" '$1 == t && NF >= 2 && $2 != "*" &&
		    $2 !~ /^-/ { print $2 }' "$T/tables" | sort -u); do
			for opt in $(awk -v t="$t" -v c="$cmd" \
			    '$1 == t && ($2 == c || $2 == "*") && NF == 3 { print $3 }' \
			    "$T/tables"); do
				[ "$opt" = --homedir ] && continue
				probe "$t" "$cmd" "$opt" ||
				    why="$why $cmd $opt: $(head -1 "$T/perr");"
			done
		done
		verdict "mule-$t takes each option the completion offers after each command"
	done
else
	skip "no bash to read the tables with"
fi

# The zsh completion holds the same tables.
if [ -f "$ZSHCOMP" ] && [ -f "$BASHCOMP" ]; then
	sed -n '/^_mule_tools=/,/^_mule_cmd_qr_show=/p' "$BASHCOMP" >"$T/bash-tables"
	sed -n '/^local _mule_tools=/,/^local _mule_cmd_qr_show=/{s/^local //;p;}' \
	    "$ZSHCOMP" >"$T/zsh-tables"
	check "the zsh completion holds the bash completion's tables" \
	    cmp -s "$T/bash-tables" "$T/zsh-tables"
	check "_mule names every tool on its #compdef line" \
	    [ "$(sed -n 1p "$ZSHCOMP")" = "#compdef mule mule-seal mule-open mule-sign mule-verify mule-bundle mule-stick mule-key mule-qr" ]
fi

# --- bash, completing ---------------------------------------------------
# A second home for --homedir: Mallory's public key (and no secret one),
# with a user ID that would run a command if pasted raw, and another
# with an escape sequence.
MALLORY=$(foreign_key mallory 'Mallory <$(touch pwned)@example.net>')
gpg --batch --quiet --homedir "$T/mallory-home" --quick-add-uid "$MALLORY" \
    "$(printf 'Mal\033[31m <red@example.net>')" >/dev/null 2>&1
gpg --batch --quiet --homedir "$T/mallory-home" --quick-add-uid "$MALLORY" \
    "$(printf 'Red\033[31m')" >/dev/null 2>&1
new_home "$T/other"
gpg --batch --quiet --homedir "$T/mallory-home" --export "$MALLORY" |
    gpg --batch --quiet --homedir "$T/other" --import 2>/dev/null
mkdir "$T/files" "$T/files/adir" && : >"$T/files/afile.txt"

# bash_complete [--library] LINE...: for each LINE, the completions bash
# offers with the cursor at its end (as readline splits it into words),
# on one line, space-separated.  With --library, bash-completion's own
# library is loaded first.
bash_complete() {
	bc_lib=""
	[ "$1" = --library ] && { bc_lib=$BASH_COMPLETION_LIB; shift; }
	(cd "$T/files" && bash -c '
	lib=$1 comp=$2
	shift 2
	[ -n "$lib" ] && { . "$lib" || exit 1; }
	. "$comp" || exit 1
	for line; do
		COMP_LINE=$line COMP_POINT=${#line}
		read -ra COMP_WORDS <<<"${line//=/ = }"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		spec=$(complete -p "${COMP_WORDS[0]}")
		func=${spec#*-F }
		func=${func%% *}
		COMPREPLY=()
		"$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
		echo "${COMPREPLY[*]}"
	done' sh "$bc_lib" "$BASHCOMP" "$@")
}

BASH_COMPLETION_LIB=""
for f in "$(pkg-config --variable=datadir bash-completion 2>/dev/null)/bash-completion/bash_completion" \
    /usr/share/bash-completion/bash_completion \
    /usr/local/share/bash-completion/bash_completion /etc/bash_completion; do
	[ -f "$f" ] && { BASH_COMPLETION_LIB=$f; break; }
done

# The lines to complete, and what each must give (a shell pattern).
cat >"$T/cases" <<EOF
mule-stick g|get
mule stick g|get
mule-open --sig|--signer --signer-file
mule sign --man|--manifest
mule-seal -r |*alice@example.org*bob@example.org*
mule-seal -r a|alice@example.org
mule-seal --recipient=b|bob@example.org
mule-seal -qr a|alice@example.org
mule-open --signer $(echo "$ALICE" | cut -c1-8)|$ALICE
mule-seal -o afi|afile.txt
mule-seal afi|afile.txt
mule-bundle -C a|adir
mule-stick put |adir
mule-key |generate export fingerprint import list rotate prune
mule-qr encode --ec |L M Q H
mule-stick get -|*--signer*
mule |seal open sign verify bundle stick key qr help version
mule-seal --homedir $T/other -r |*example.net
mule-seal --homedir=$T/other -r |*example.net
mule-seal --homedir $T/other -u |
mule-stick -q g|
mule-key --homedir $T/other l|list
mule-seal -- -|
mule help st|stick
mule version |
EOF
# check_cases HOW OUTPUT: each line of OUTPUT matches its case.
check_cases() {
	cc_i=0
	while IFS='|' read -r cc_line cc_want; do
		cc_i=$((cc_i + 1))
		cc_got=$(sed -n "${cc_i}p" "$2")
		# shellcheck disable=SC2254
		case $cc_got in
		$cc_want) ok "$1: '$cc_line' completes to '$cc_got'" ;;
		*)
			diag "wanted: $cc_want"
			not_ok "$1: '$cc_line' completes to '$cc_got'"
			;;
		esac
	done <"$T/cases"
}
# check_hostile HOW OUTPUT: Mallory's names, quoted or left out.
check_hostile() {
	why=""
	ch_got=$(sed -n 18p "$2")
	case $ch_got in
	*'\$\(touch\ pwned\)@example.net'*) ;;
	*) why="$why the user ID with \$(...) is not quoted: '$ch_got';" ;;
	esac
	case $ch_got in *red@example.net*) ;; *) why="$why red@example.net left out;" ;; esac
	case $ch_got in *Red*) why="$why a name with an escape offered;" ;; esac
	case $ch_got in *alice*) why="$why --homedir not honoured;" ;; esac
	[ -e "$T/files/pwned" ] && why="$why a user ID ran a command;"
	[ -z "$(sed -n 20p "$2")" ] || why="$why -u offers keys without a secret part;"
	verdict "$1: hostile user IDs are quoted or left out, --homedir honoured"
}

set --
while IFS='|' read -r line want; do set -- "$@" "$line"; done <"$T/cases"
if [ "$HAVE_BASH" != 1 ]; then
	skip "bash: no bash 4.3 or later"
else
	bash_complete "$@" >"$T/plain" 2>"$T/err"
	check_cases "bash" "$T/plain"
	check_hostile "bash" "$T/plain"
	if [ -n "$BASH_COMPLETION_LIB" ]; then
		bash_complete --library "$@" >"$T/lib" 2>"$T/err"
		check_cases "bash-completion" "$T/lib"
		check_hostile "bash-completion" "$T/lib"
		# Its lazy loader finds the completion under each tool's
		# name, as make install lays it out.
		mkdir -p "$T/xdg/bash-completion/completions"
		cp "$BASHCOMP" "$T/xdg/bash-completion/completions/mule"
		for tool in $TOOLS; do
			[ "$tool" = mule ] ||
			    ln -s mule "$T/xdg/bash-completion/completions/$tool"
		done
		why=""
		for tool in $TOOLS; do
			XDG_DATA_DIRS="$T/xdg" BASH_COMPLETION_USER_DIR="$T/none" \
			    bash -c '. "$1"; __load_completion "$2" &&
			    complete -p "$2"' sh "$BASH_COMPLETION_LIB" "$tool" \
			    >"$T/out" 2>&1
			grep -q " -F _mule" "$T/out" || why="$why $tool;"
		done
		verdict "bash-completion's loader finds the completion of each tool"
	else
		skip "bash-completion: its library is not installed"
	fi
fi

# terminal SHELL SETUP: in an interactive SHELL on a terminal, after the
# commands SETUP, Tab completes each line of the list below (a zsh user
# ID: pasted quoted).
terminal() {
	if ! command -v python3 >/dev/null 2>&1; then
		skip "$1 on a terminal: no python3 to drive one"
		return
	fi
	tm_zsh=""
	[ "$1" = zsh ] && tm_zsh="mule-seal --homedir $T/other -r \\\$"
	(cd "$T/files" && with_timeout python3 "$srcdir/tests/shell-complete.py" \
	    "${1%%-*}" "$2" "mule-stick g" "mule-open --sig" \
	    "mule-seal -r alice@ex" "mule-seal --recipient=bob@" \
	    "mule-seal -o afi" "mule stick get --signer=bo" \
	    ${tm_zsh:+"$tm_zsh"}) >"$T/term" 2>"$T/err"
	while IFS='|' read -r tm_n tm_want; do
		[ "$tm_n" = 7 ] && [ -z "$tm_zsh" ] && continue
		tm_got=$(sed -n "${tm_n}p" "$T/term")
		check "$1 on a terminal: completes to '$tm_got'" \
		    [ "$tm_got" = "$tm_want" ]
	done <<EOF
1|mule-stick get 
2|mule-open --signer
3|mule-seal -r alice@example.org 
4|mule-seal --recipient=bob@example.org 
5|mule-seal -o afile.txt 
6|mule stick get --signer=bob@example.org 
7|mule-seal --homedir $T/other -r \\\$\\(touch\\ pwned\\)@example.net 
EOF
}
if [ "$HAVE_BASH" = 1 ]; then
	terminal bash ". '$BASHCOMP'"
	[ -n "$BASH_COMPLETION_LIB" ] &&
	    terminal bash-completion ". '$BASH_COMPLETION_LIB'; . '$BASHCOMP'"
fi

# --- zsh ------------------------------------------------------------------
if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh: not installed"
else
	zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D;
	    for t in ${=2}; do print -r -- "$t $_comps[$t]"; done' \
	    sh "$(dirname "$ZSHCOMP")" "$TOOLS" >"$T/out" 2>"$T/err"
	why=""
	for tool in $TOOLS; do
		grep -qx "$tool _mule" "$T/out" || why="$why $tool;"
	done
	[ -s "$T/err" ] && why="$why it printed $(head -1 "$T/err");"
	verdict "zsh: compinit takes _mule for every tool"
	terminal zsh "fpath=('$(dirname "$ZSHCOMP")' \$fpath); autoload -U compinit; compinit -u -D"
fi
check "no user ID ran a command" [ ! -e "$T/files/pwned" ]

done_testing
