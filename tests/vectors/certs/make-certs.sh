#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make-certs.sh DIR - make the certificates that tests/unit-cert.c reads,
# with gpg in throwaway homes, and list each one's fingerprints.  Keys
# are random: after a rerun, update the fingerprints in unit-cert.c.
set -eu
out=$(cd "$1" && pwd)
top=$(mktemp -d)
trap 'for h in "$top"/*/; do
	GNUPGHOME=$h gpgconf --kill gpg-agent >/dev/null 2>&1 || true
done; rm -rf "$top"' EXIT

home() {
	GNUPGHOME="$top/$1"
	mkdir -m 700 "$GNUPGHOME"
	export GNUPGHOME
}
g() {
	gpg --batch --quiet --yes --passphrase '' --pinentry-mode loopback "$@"
}
# fpr WHO: the fingerprint of WHO's primary key
fpr() {
	g --with-colons --list-keys "$1" | awk -F: '/^fpr/ { print $10; exit }'
}
# put NAME FPR: export FPR to NAME.pgp and list it
put() {
	g --export "$2" >"$out/$1.pgp"
	echo "== $1.pgp"
	g --with-colons --show-keys "$out/$1.pgp" | grep -E '^(pub|sub|fpr|uid|uat)'
}

# Alice: ed25519 and a cv25519 subkey, two user IDs and a photo (a user
# attribute); also her secret key.
home alice
g --quick-gen-key 'Alice <alice@example.org>' future-default default never
a=$(fpr alice@example.org)
g --quick-add-uid "$a" 'Alice Liddell <al@example.net>'
printf '\377\330\377\340\000\020JFIF\000\001\001\000\000\001\000\001\000\000\377\331' \
    >"$top/photo.jpg"
printf 'addphoto\n%s\nsave\n' "$top/photo.jpg" |
    gpg --batch --command-fd 0 --edit-key "$a" >/dev/null 2>&1
put ed25519 "$a"
g --export-secret-keys "$a" >"$out/ed25519-secret.pgp"

# Bob certifies Alice with SHA-1: a weak signature, but not Alice's own.
home bob
g --import "$out/ed25519.pgp"
g --quick-gen-key 'Bob <bob@example.org>' rsa2048 default never
g --allow-weak-key-signatures --cert-digest-algo SHA1 \
    --quick-sign-key "$a" 'Alice <alice@example.org>' >/dev/null
put ed25519-bob-sha1 "$a"

# RSA 3072 with an RSA 3072 encryption subkey; RSA 1024 (weak).
home rsa
g --quick-gen-key 'Rhea <rhea@example.org>' rsa3072 default never
r=$(fpr rhea@example.org)
g --quick-add-key "$r" rsa3072 encr never
put rsa3072 "$r"
g --quick-gen-key 'Rex <rex@example.org>' rsa1024 default never
put rsa1024 "$(fpr rex@example.org)"

# Self-signatures with SHA-1 (weak) on an otherwise strong key.
g --allow-weak-key-signatures --cert-digest-algo SHA1 \
    --quick-gen-key 'Shaun <shaun@example.org>' rsa3072 default never
put rsa3072-sha1 "$(fpr shaun@example.org)"

# DSA 2048 with an ElGamal 2048 subkey (ElGamal: weak).
g --quick-gen-key 'Dora <dora@example.org>' dsa2048 default never 2>/dev/null
d=$(fpr dora@example.org)
g --quick-add-key "$d" elg2048 encr never
put dsa2048-elg "$d"

# ECDSA on NIST P-256 with ECDH subkeys on P-521 and brainpoolP512r1.
g --quick-gen-key 'Nina <nina@example.org>' nistp256 default never
n=$(fpr nina@example.org)
g --quick-add-key "$n" nistp521 encr never
g --quick-add-key "$n" brainpoolP512r1 encr never
put ecc-nist "$n"
