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
	ALICE=$(gen_key "$AH" 'Alice <alice@example.org>')
	BOB=$(gen_key "$BH" 'Bob <bob@example.org>')
	[ -n "$ALICE" ] && [ -n "$BOB" ] || {
		echo "Bail out! cannot generate test keys"; exit 99; }
	GNUPGHOME=$AH gpg --export --armor "$ALICE" >"$T/alice.asc"
	GNUPGHOME=$BH gpg --export --armor "$BOB" >"$T/bob.asc"
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
