/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert.h - our own reading of an OpenPGP certificate (a transferable
 * public key, RFC 4880 section 11.1), in binary form.
 *
 * mule-key reads a certificate itself before gpg imports it: hostile
 * input meets this strict, bounded parser first, and what gpg 2.2 would
 * take but should not (a secret key, several keys, v5 or v6 keys, weak
 * keys or self-signatures) is refused with a clear line.  Signatures are
 * read, not verified: that stays gpg's work.  No GPGME here, so that it
 * can be fuzzed alone.
 */
#ifndef MULE_CERT_H
#define MULE_CERT_H

#include <stddef.h>
#include <gpg-error.h>

/* Bounds on what a certificate may hold; beyond them it is refused. */
#define MULE_CERT_MAX_UIDS	100	/* user IDs and attributes */
#define MULE_CERT_MAX_SUBKEYS	100
#define MULE_CERT_MAX_SIGS	4096	/* signatures in all */
#define MULE_CERT_MAX_UID_LEN	4096	/* bytes of a user ID */
#define MULE_CERT_MAX_ATTR_LEN	(128 * 1024)	/* bytes of an attribute */

/* Bounds on the work of checking a key's signatures, which gpg does
 * again each time it lists the key (a signing subkey's back-signature
 * is checked with the subkey's own public key): an RSA public exponent
 * of 16384 bits costs seconds a signature, a few DSA bits more make
 * every check slower.  OpenSSL's bounds for RSA over 3072 bits; the
 * largest DSA key GnuPG 2.2 makes. */
#define MULE_CERT_MAX_RSA_BITS	16384
#define MULE_CERT_MAX_RSA_EXP_BITS	64
#define MULE_CERT_MAX_DSA_BITS	3072

/* A signature packet, as far as the strength check needs it. */
struct mule_cert_sig {
	int version;		/* 3, 4; 5 and 6: never the primary's */
	int type;		/* signature type: 0x10-0x13, 0x18, ... */
	int algo;		/* public-key algorithm */
	int hash;		/* hash: 1 MD5, 2 SHA-1, 8 SHA-256... */
	int by_primary;		/* its issuer is the primary key, or it
				 * names no issuer */
};

struct mule_cert_key {
	int version;		/* 4: mule_cert_parse refuses all others */
	int algo;		/* OpenPGP public-key algorithm */
	unsigned bits;		/* RSA n, DSA p, ElGamal p: the bits of
				 * the value (not what its MPI header
				 * claims); ECC (18, 19, 22): the curve's
				 * size (255 for Curve25519 and Ed25519),
				 * 0 for a curve we do not know; 0 for
				 * other algorithms */
	unsigned exp_bits;	/* RSA: the bits of the public exponent e */
	char fpr[41];		/* v4 fingerprint, upper-case hex */
	unsigned long created;
	/* The primary: direct-key signatures and revocations; a subkey:
	 * its bindings and revocations. */
	struct mule_cert_sig *sigs;
	size_t nsigs;
};

struct mule_cert_uid {
	unsigned char *data;	/* the packet's bytes, then a NUL (a user
				 * ID holds none) */
	size_t len;		/* without that NUL */
	int attribute;		/* a user attribute (tag 17): a photo */
	struct mule_cert_sig *sigs;	/* its certifications, by anyone */
	size_t nsigs;
};

struct mule_cert {
	struct mule_cert_key primary;
	struct mule_cert_key *subkeys;
	size_t nsubkeys;
	struct mule_cert_uid *uids;	/* user IDs, attributes, in order */
	size_t nuids;
};

/* Parse the LEN bytes at BUF, exactly one certificate, into a new *CERT
 * (free it with mule_cert_free).  Marker packets are skipped.  Refused
 * with mule_reject (*CERT NULL):
 * input that is not OpenPGP, cut short, or has a packet of indeterminate
 * or partial length; a secret key or subkey anywhere; more than one
 * primary key; a key that is not v4 (v5 and v6: GnuPG 2.2 cannot use
 * them); a first packet other than a public key; packets that have no
 * place in a certificate (trust packets: a keyring's, never exported);
 * no user ID, a user ID after a subkey, an empty
 * one or one with a NUL; more user IDs, subkeys, signatures or bytes in
 * a user ID than the bounds above; malformed key material, signatures or
 * subpackets.  Other errors: out of memory, libgcrypt. */
gpg_error_t mule_cert_parse(const unsigned char *buf, size_t len,
    struct mule_cert **cert);

/* Refuse weak cryptography with mule_reject, naming what is weak: an
 * RSA or DSA key (primary or subkey) under 2048 bits, any ElGamal key,
 * a key too costly to check (over the bounds above),
 * an algorithm or an elliptic curve GnuPG 2.2 cannot use, or a
 * self-signature or binding (types 0x10-0x13, 0x18, 0x1F, 0x20,
 * 0x28) made by the primary key - its issuer, or no issuer - with MD5,
 * SHA-1 or RIPEMD-160.  Signatures by other keys are not looked at.
 * Returns 0 if none is found. */
gpg_error_t mule_cert_check_strength(const struct mule_cert *cert);

/* Refuse with mule_reject a subkey of CERT that its primary key alone
 * did not bind: one with a binding (0x18) or a subkey revocation (0x28)
 * whose issuer is another key, or with no binding by the primary.
 * Whether the signatures verify is gpg's to say (key/inspect).  Returns
 * 0 if every subkey is the primary's. */
gpg_error_t mule_cert_check_bindings(const struct mule_cert *cert);

/* Free CERT and all it holds; NULL is fine. */
void mule_cert_free(struct mule_cert *cert);

#endif
