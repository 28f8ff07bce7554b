#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# t-key-fat.sh - the first exchange of keys between Alice and Bob over a
# real FAT32 stick (a fusefat image, as in t-stick-fat.sh): each makes a
# key with mule-key generate and exports it onto the stick; the stick is
# carried (unmounted, mounted again); each imports the other's with the
# twelve words the other's mule-key fingerprint shows; Bob seals a message
# to Alice onto the stick and she opens it.  And a swapped key: Mallory
# replaces alice.asc with a key of her own carrying Alice's user ID, and
# Bob's import with Alice's words is refused, nothing imported.
# Skipped without mkfs.vfat, fusefat or /dev/fuse.
. "$srcdir/tests/lib.sh"

NTESTS=13	# (all skipped without a FAT file system)
HAVE_FAT=""
command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 &&
    [ -c /dev/fuse ] && HAVE_FAT=yes
# fat_mount IMG DIR: mount IMG (made with mkfs.vfat) on DIR with fusefat.
fat_mount() { mkdir -p "$2" && fusefat -o rw+ "$1" "$2" >/dev/null 2>&1; }
# carry: the stick unmounted, then mounted again, as if carried across.
carry() { fusermount -u "$S" && fat_mount "$T/stick.img" "$S"; }

# Without a volume label: fusefat 0.1a lists the label as a file of 0
# bytes at the top of the stick.
S="$T/stick"
if [ -z "$HAVE_FAT" ] || ! truncate -s 40M "$T/stick.img" ||
    ! mkfs.vfat -F 32 "$T/stick.img" >/dev/null 2>&1 ||
    ! fat_mount "$T/stick.img" "$S"; then
	i=0
	while [ $i -lt $NTESTS ]; do
		skip "no FAT file system (mkfs.vfat, fusefat, /dev/fuse)"
		i=$((i + 1))
	done
	done_testing
fi

TMPDIR="$T/tmp"		# mule-key import's throwaway homes
export TMPDIR
mkdir "$TMPDIR"
A="$T/alice" B="$T/bob" M="$T/mallory"
for h in "$A" "$B" "$M"; do new_home "$h"; done
ma() { GNUPGHOME=$A "$@"; }
mb() { GNUPGHOME=$B "$@"; }
mm() { GNUPGHOME=$M "$@"; }

# fpr_of: the fingerprint of the home's own key, as mule-key shows it.
fpr_of() { mule-key fingerprint 2>/dev/null | sed -n 's/^uri *OPENPGP4FPR://p'; }
# words [KEYFILE]: the twelve words mule-key fingerprint shows, on one line.
words() {
	mule-key fingerprint "$@" 2>/dev/null | awk '/^words/ {
	    sub(/^words +/, ""); w = $0; getline; sub(/^ +/, ""); print w " " $0 }'
}
# stick_clean: no temporary of mule's (or of fusefat's) on the stick.
stick_clean() {
	no_temps "$S" && [ -z "$(find "$S" -name '.mule-*' -o -name '.fuse_hidden*')" ]
}

# --- each makes a key and writes it to the stick ------------------------------------
why=""
run_status 0 ma mule-key generate --no-passphrase 'Alice <alice@example.org>' ||
    why="$why Alice's generate failed;"
run_status 0 mb mule-key generate --no-passphrase 'Bob <bob@example.org>' ||
    why="$why Bob's generate failed;"
ALICE=$(ma fpr_of) BOB=$(mb fpr_of)
[ ${#ALICE} -eq 40 ] && [ ${#BOB} -eq 40 ] || why="$why no fingerprints;"
verdict "Alice and Bob each make a key (mule-key generate --no-passphrase)"
[ -z "$why" ] || { echo "Bail out! cannot make the keys"; exit 99; }
# Bob's home as it is now, before any import: the swap below meets it.
gpgconf --homedir "$B" --kill all >/dev/null 2>&1
new_home "$T/bob-first"
cp -R "$B/." "$T/bob-first/" && rm -f "$T/bob-first"/S.*

why=""
run_status 0 ma mule-key export -o "$S/alice.asc" || why="$why Alice's export failed;"
run_status 0 mb mule-key export -o "$S/bob.asc" || why="$why Bob's export failed;"
[ "$(ls -A "$S" | tr '\n' ' ')" = "alice.asc bob.asc " ] ||
    why="$why the stick holds: $(ls -A "$S" | tr '\n' ' ');"
stick_clean || why="$why temporaries left: $(ls -A "$S" | tr '\n' ' ');"
verdict "each exports onto the FAT stick with -o: alice.asc, bob.asc, no .mule-* left"
sha "$S/alice.asc" >"$T/alice.sha" && sha "$S/bob.asc" >"$T/bob.sha"

why=""
run_status 2 ma mule-key export -o "$S/ALICE.ASC" || why="$why not exit 2;"
grep -q 'file exists' "$T/err" || why="$why not 'file exists';"
[ "$(sha "$S/alice.asc")" = "$(cat "$T/alice.sha")" ] || why="$why alice.asc changed;"
stick_clean || why="$why temporaries left;"
verdict "export -o ALICE.ASC (the same file on FAT) without --force: exit 2, nothing changed"

# --- carried, then each takes the other's in -----------------------------------------
why=""
carry || why="$why cannot mount it again;"
[ "$(sha "$S/alice.asc")" = "$(cat "$T/alice.sha")" ] &&
    [ "$(sha "$S/bob.asc")" = "$(cat "$T/bob.sha")" ] || why="$why the files changed;"
verdict "carried (unmounted and mounted again): both certificates as written"

# What each reads out to the other: the words of their own mule-key
# fingerprint, two lines of six.
AW=$(ma words) BW=$(mb words)
why=""
[ "$(echo "$AW" | wc -w)" -eq 12 ] && [ "$(echo "$BW" | wc -w)" -eq 12 ] ||
    why="$why not twelve words: '$AW', '$BW';"
[ "$(mb words "$S/alice.asc")" = "$AW" ] ||
    why="$why alice.asc on the stick shows other words;"
verdict "the words of alice.asc on the stick are those Alice's screen shows"

why=""
run_status 0 mb mule-key import --fingerprint "$AW" "$S/alice.asc" ||
    why="$why Bob's import failed;"
run_status 0 ma mule-key import --fingerprint "$BW" "$S/bob.asc" ||
    why="$why Alice's import failed;"
mb mule-key list 2>/dev/null | grep -q "^accepted  *$ALICE " ||
    why="$why Bob has not accepted Alice;"
ma mule-key list 2>/dev/null | grep -q "^accepted  *$BOB " ||
    why="$why Alice has not accepted Bob;"
verdict "each imports the other's from the stick with --fingerprint WORDS: accepted"

# --- Bob writes to Alice over the stick -------------------------------------------------
printf 'meet at noon\nby the old mill\n' >"$T/note"
why=""
run_status 0 mb mule-seal -r alice@example.org -o "$S/note.asc" "$T/note" ||
    why="$why mule-seal failed;"
stick_clean || why="$why temporaries left;"
carry || why="$why cannot mount it again;"
verdict "Bob seals a message to Alice onto the stick (mule-seal -o), carried"
why=""
run_status 0 ma mule-open "$S/note.asc" || why="$why mule-open failed;"
cmp -s "$T/note" "$T/out" || why="$why the plaintext differs;"
grep -q "good signature from \"Bob <bob@example.org>\" $BOB," "$T/err" ||
    why="$why Bob is not named as the signer;"
verdict "Alice opens it with mule-open: the message, signed by Bob"

# --- Mallory swaps alice.asc on the stick -------------------------------------------------
why=""
run_status 0 mm mule-key generate --no-passphrase 'Alice <alice@example.org>' ||
    why="$why Mallory's generate failed;"
MALLORY=$(mm fpr_of)
[ ${#MALLORY} -eq 40 ] && [ "$MALLORY" != "$ALICE" ] || why="$why no key;"
run_status 0 mm mule-key export --force -o "$S/alice.asc" ||
    why="$why Mallory's export failed;"
stick_clean || why="$why temporaries left;"
carry || why="$why cannot mount it again;"
mule-key fingerprint "$S/alice.asc" >"$T/out" 2>/dev/null
grep -q '^user ID *Alice <alice@example.org>$' "$T/out" ||
    why="$why the swapped file does not say Alice;"
[ "$(mb words "$S/alice.asc")" != "$AW" ] || why="$why the same words;"
verdict "Mallory replaces alice.asc with her key, user ID 'Alice <alice@example.org>'"

# swap_refused DESC HOME: an import of the swapped alice.asc with Alice's
# words into HOME exits 1 and imports nothing.
swap_refused() {
	why=""
	GNUPGHOME=$2 gpg --batch --with-colons --list-keys >"$T/ring.before" 2>/dev/null
	run_status 1 env GNUPGHOME="$2" mule-key import --fingerprint "$AW" \
	    "$S/alice.asc" || why="$why not exit 1;"
	# (Where Alice is accepted already, her user ID on another key is
	# refused before the comparison.)
	grep -Eq 'the fingerprint does not match: nothing imported|names the person of accepted key' \
	    "$T/err" || why="$why not the mismatch;"
	GNUPGHOME=$2 gpg --batch --list-keys "$MALLORY" >/dev/null 2>&1 &&
	    why="$why Mallory's key is in the keyring;"
	GNUPGHOME=$2 gpg --batch --with-colons --list-keys >"$T/ring.after" 2>/dev/null
	cmp -s "$T/ring.before" "$T/ring.after" || why="$why the keyring changed;"
	verdict "$1"
}
swap_refused "Bob, before his first import, with Alice's words: exit 1, Mallory's key not imported" \
    "$T/bob-first"
why=""
run_status 1 env GNUPGHOME="$T/bob-first" mule-key import --fingerprint "$ALICE" \
    "$S/alice.asc" || why="$why not exit 1;"
GNUPGHOME="$T/bob-first" gpg --batch --list-keys "$MALLORY" >/dev/null 2>&1 &&
    why="$why Mallory's key is in the keyring;"
verdict "... with Alice's full fingerprint: exit 1 too"
swap_refused "Bob, who has Alice's key already: exit 1, his keyring unchanged" "$B"
why=""
run_status 0 mb mule-seal -r alice@example.org -o "$T/again.asc" "$T/note" ||
    why="$why mule-seal failed;"
run_status 0 ma mule-open "$T/again.asc" && cmp -s "$T/note" "$T/out" ||
    why="$why Alice cannot open it;"
verdict "... and his messages to alice@example.org still go to Alice"
stick_clean || diag "temporaries on the stick: $(ls -A "$S" | tr '\n' ' ')"
fusermount -u "$S" 2>/dev/null

done_testing
