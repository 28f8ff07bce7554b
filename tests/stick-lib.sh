# SPDX-License-Identifier: GPL-3.0-or-later
# stick-lib.sh - helpers of the mule-stick tests with Alice and Bob, each
# in a GnuPG home of their own ($AH, $BH) and with their own state
# directory ($ASTATE, $BSTATE, set by the test's scenario).  Source it
# after lib.sh.

# alice_and_bob: Alice and Bob, each with a key in a GnuPG home of their
# own ($AH, $BH; fingerprints $ALICE, $BOB), their public keys exported to
# $T/alice.asc and $T/bob.asc.
alice_and_bob() {
	AH="$T/alice-home"
	BH="$T/bob-home"
	new_home "$AH"
	new_home "$BH"
	cached_home alice "$AH" make_one 'Alice <alice@example.org>' &&
	    cached_home bob "$BH" make_one 'Bob <bob@example.org>' || {
		echo "Bail out! cannot generate test keys"; exit 99; }
	ALICE=$(cat "$AH/fprs") BOB=$(cat "$BH/fprs")
	mv "$AH/key.asc" "$T/alice.asc"
	mv "$BH/key.asc" "$T/bob.asc"
	rm -f "$AH/fprs" "$BH/fprs"
}

# ms_a / ms_b ARG...: mule-stick as Alice / as Bob.
ms_a() {
	with_timeout env GNUPGHOME="$AH" HOME="$T/alice" XDG_STATE_HOME="$ASTATE" \
	    mule-stick "$@"
}
ms_b() {
	with_timeout env GNUPGHOME="$BH" HOME="$T/bob" XDG_STATE_HOME="$BSTATE" \
	    mule-stick "$@"
}

# plain HOME ITEM-FILE...: the decrypted tar of an item (parts in order)
plain() {
	pl_home=$1; shift
	cat "$@" | GNUPGHOME=$pl_home gpg -q --batch -d 2>/dev/null
}

# tree DIR: a listing of DIR (names, types, sizes, contents' digests)
tree() {
	(cd "$1" 2>/dev/null && find . -printf '%p %y %s\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}

# --- the world of the mailbox tests (t-stick-*.sh) -----------------------------
# in HOME: import the public keys in FILEs and certify them (lsign)
import_certified() {
	ic_home=$1; shift
	for ic_f in "$@"; do
		GNUPGHOME=$ic_home gpg --batch -q --import "$ic_f" 2>/dev/null
		ic_fpr=$(GNUPGHOME=$ic_home gpg --with-colons --import-options show-only \
		    --import "$ic_f" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
		GNUPGHOME=$ic_home gpg --batch --yes -q --quick-lsign-key "$ic_fpr" \
		    >/dev/null 2>&1 || return 1
	done
}

# stick_world: Alice and Bob (alice_and_bob), Carol and Mallory (keys of
# their own homes, foreign_key); Alice knows Bob and Carol, Bob knows
# Alice and Mallory (a key he certified, who turns against him), Mallory
# knows Bob, each certified with a local signature; the small sources to
# put in $SRC (random ones: random_sources).
stick_world() {
	alice_and_bob
	CAROL=$(foreign_key carol 'Carol <carol@example.org>')
	MALLORY=$(foreign_key mallory 'Mallory <mallory@example.org>')
	[ -n "$CAROL" ] && [ -n "$MALLORY" ] || {
		echo "Bail out! cannot generate test keys"; exit 99; }

	import_certified "$AH" "$T/bob.asc" "$T/carol.asc" &&
	    import_certified "$BH" "$T/alice.asc" "$T/mallory.asc" &&
	    import_certified "$T/mallory-home" "$T/bob.asc" || {
		echo "Bail out! cannot exchange the test keys"; exit 99; }

	mkdir -p "$T/alice" "$T/bob"
	# the sources
	SRC="$T/src"
	mkdir -p "$SRC/notes/sub"
	printf 'quarterly report\n' >"$SRC/report.txt"
	printf 'note one\n' >"$SRC/notes/one.txt"
	printf 'note two\n' >"$SRC/notes/sub/two.txt"
	printf 'Hello Bob,\nthe keys are under the mat.\n' >"$SRC/msg"
}

# random_sources NAME:BYTES...: random files $SRC/NAME for the scripts
# that put them (r300k:307200, ...), made only there.
random_sources() {
	for rs in "$@"; do
		head -c "${rs#*:}" /dev/urandom >"$SRC/${rs%%:*}" || return 1
	done
}

# stick_test_start: what every t-stick-FEATURE.sh script starts with
# (skipped without python3, which crafts the items): UTC, umask 022, and
# stick_world.
stick_test_start() {
	command -v python3 >/dev/null 2>&1 || {
		echo "1..0 # SKIP python3 not found"; exit 0; }
	umask 022
	TZ=UTC
	export TZ
	stick_world
}

# scenario NAME: a fresh initialised stick $S, fresh state for both, an
# empty inbox $IN for Bob and $AIN for Alice; $BOX is Bob's folder,
# $ABOX Alice's.
scenario() {
	S="$T/sticks/$1"
	ASTATE="$T/state/$1-alice"
	BSTATE="$T/state/$1-bob"
	IN="$T/in/$1-bob"
	AIN="$T/in/$1-alice"
	BOX="$S/MULE/to/$BOB"
	ABOX="$S/MULE/to/$ALICE"
	mkdir -p "$S" "$ASTATE" "$BSTATE" "$IN" "$AIN"
	ms_a init "$S" >/dev/null 2>"$T/init.err" ||
	    sed 's/^/#   init stderr: /' "$T/init.err" >&2
}

# --- a FAT stick through fusefat --------------------------------------------
HAVE_FAT=""
command -v mkfs.vfat >/dev/null 2>&1 && command -v fusefat >/dev/null 2>&1 &&
    [ -c /dev/fuse ] && HAVE_FAT=yes
# fat_mount IMG DIR: mount IMG (made with mkfs.vfat) on DIR with fusefat
fat_mount() { mkdir -p "$2" && fusefat -o rw+ "$1" "$2" >/dev/null 2>&1; }

# fat_scenario NAME [SIZE [MKFS-OPTIONS]]: scenario NAME, but $S is a
# fresh FAT file system of SIZE (default 64M; mkfs.vfat with
# MKFS-OPTIONS) mounted through fusefat, initialised by Alice; 1 (and
# nothing mounted) without FAT support: skip then.  The mount is undone
# by fat_done, and by the test's cleanup.  fusefat 0.1a cannot grow a
# folder past its first cluster the way put writes (a file created, then
# renamed over: the kernel's vfat takes RENAME_NOREPLACE instead): about
# 8 items to a folder on the default 2 KiB clusters, then "No such file
# or directory" and lost entries.  A test that puts more into one folder
# asks for larger clusters ("-s 64": 32 KiB, about 140 items).
fat_scenario() {
	[ -n "$HAVE_FAT" ] || return 1
	fs_img="$T/$1.img"
	truncate -s "${2:-64M}" "$fs_img" && mkfs.vfat ${3:-} "$fs_img" >/dev/null 2>&1 &&
	    fat_mount "$fs_img" "$T/sticks/$1" || return 1
	FAT_MOUNTS="${FAT_MOUNTS:-} $T/sticks/$1"
	scenario "$1"
}
# fat_done: unmount every stick fat_scenario mounted
fat_done() {
	for fd_m in ${FAT_MOUNTS:-}; do fusermount -u "$fd_m" 2>/dev/null; done
	FAT_MOUNTS=""
}

# st WANT CMD...: run CMD (stdout $T/out, stderr $T/err); add to $why
# unless it exits WANT.
st() {
	st_want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	st_got=$?
	[ "$st_got" -eq "$st_want" ] || why="$why exit $st_got, not $st_want (${2:-});"
}

# snap DIR / added DIR: the item files in DIR that were not there at snap
snap() { items "$1" >"$T/snap"; }
added() { items "$1" | comm -13 "$T/snap" -; }
temps() { ls -A "$1" 2>/dev/null | grep '^\.mule-'; }

# put_new WHO DESC-VAR ARG...: put as WHO (a or b) into Bob's (or, for b,
# Alice's) folder; sets NEW to the one new CID (empty if not exactly one
# new file, with $why filled in).
put_new() {
	pn_who=$1; shift
	if [ "$pn_who" = a ]; then pn_box=$BOX; else pn_box=$ABOX; fi
	snap "$pn_box"
	st 0 "ms_$pn_who" put "$@"
	pn_new=$(added "$pn_box")
	NEW=""
	if [ "$(printf '%s\n' "$pn_new" | grep -c .)" -ne 1 ]; then
		why="$why not one new item after put $* (got: $(echo $pn_new));"
	else
		NEW=${pn_new%.gpg}
		[ "$(sha "$pn_box/$pn_new")" = "$NEW" ] ||
		    why="$why $pn_new is not named by its SHA-256;"
	fi
}

# env_of HOME ITEM-FILE: the item's MULE-ENVELOPE
env_of() { plain "$1" "$2" | tar -xOf - MULE-ENVELOPE 2>/dev/null; }
# field KEY: the value(s) of KEY in the envelope on stdin
field() { sed -n "s/^$1: //p"; }

# delivered_ids SENDER: the IDs of the items from SENDER in the lines
# "delivered from "NAME" (SENDER): ... -> DIR/SENDER/CREATED-ID" of $T/out
delivered_ids() {
	awk -v s="$1" '$1 == "delivered" && index($0, "(" s "): ") {
		n = split($NF, a, "-"); print a[n] }' "$T/out" | sort
}
count_lines() { grep -c "$1" "$T/out"; }
# dir_of INBOX SENDER ID: the delivered folders for ID (one per line)
dir_of() {
	find "$1/$2" -mindepth 1 -maxdepth 1 -name "*-$3" 2>/dev/null
}


# craft TEMPLATE.tar SIGNER-HOME SIGNER ARG...: a crafted item for Bob,
# signed by SIGNER, stored in $BOX as <CID>.gpg; sets CRAFTED to the CID
craft() {
	cr_tmpl=$1 cr_home=$2 cr_signer=$3
	shift 3
	CRAFTED=""
	rm -f "$T/crafted.tar" "$T/crafted.gpg"
	if ! python3 "$srcdir/tests/stick-craft.py" "$cr_tmpl" "$T/crafted.tar" "$@" 2>"$T/craft.err"; then
		why="$why craft.py failed: $(cat "$T/craft.err");"
		return 1
	fi
	if ! GNUPGHOME=$cr_home mule-seal -q --binary -r "$BOB" -u "$cr_signer" \
	    -o "$T/crafted.gpg" "$T/crafted.tar" 2>"$T/craft.err"; then
		why="$why mule-seal failed: $(cat "$T/craft.err");"
		return 1
	fi
	CRAFTED=$(sha "$T/crafted.gpg")
	mv "$T/crafted.gpg" "$BOX/$CRAFTED.gpg"
}

newid() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
