#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault sweep (tests/faults-lib.sh) of mule-key: export -o, one file;
# import, whose failure must never leave the key imported but not
# certified (nor its throwaway home in TMPDIR).
. "$srcdir/tests/faults-lib.sh"

# Bob's home without Alice's key, where the import goes: it is copied
# with the inputs, so every run starts from it.
new_home "$P/keys"
cp -R "$BH/pubring.kbx" "$BH/private-keys-v1.d" "$BH/trustdb.gpg" "$P/keys/"
GNUPGHOME=$P/keys gpg --batch --yes -q --delete-keys "$ALICE" 2>/dev/null
gpgconf --homedir "$P/keys" --kill all >/dev/null 2>&1
rm -f "$P/keys"/S.*
cp "$T/alice.asc" "$P/in/alice.asc"

run_key_export() {
	a mule-key export -o "$W/out/alice.asc"
}
failed_key_export() { failed_seal; }
done_key_export() {
	a mule-key export 2>/dev/null | cmp -s - "$W/out/alice.asc" ||
	    { echo "the file is not the certificate"; return 1; }
}
target_key_export="$W/out"

# validity: gpg's validity of Alice's user ID in the import's home ("" if
# the key is not there).
validity() {
	GNUPGHOME=$W/keys gpg --batch --with-colons --list-keys "$ALICE" \
	    2>/dev/null | awk -F: '/^uid/ { print $2; exit }'
}
run_key_import() {
	with_timeout env GNUPGHOME="$W/keys" mule-key import \
	    --fingerprint "$ALICE" "$W/in/alice.asc"
	rk=$?
	gpgconf --homedir "$W/keys" --kill all >/dev/null 2>&1
	return $rk
}
failed_key_import() {
	v=$(validity)
	[ -z "$v" ] || [ "$v" = f ] ||
	    { echo "Alice's key left imported but not certified ($v)"; return 1; }
}
done_key_import() {
	[ "$(validity)" = f ] || { echo "Alice's key not certified"; return 1; }
}
target_key_import="$W/out"

sweep key_export "mule-key export -o"
sweep key_import "mule-key import"
faults_done
