/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy.h - the one signer policy every tool uses.
 *
 * A message is accepted when it has at least one signature (unless
 * unsigned input is explicitly allowed) and every signature is
 *  - cryptographically good (GPGME reports a forged signature in the
 *    result object, not as an error return, so we look there),
 *  - made with a hash other than MD5, SHA-1 or RIPEMD-160,
 *  - by a key that is not revoked and was not expired when it signed,
 *  - not made in the future (beyond a small clock skew), and
 *  - over exactly the bytes released: a binary signature (class 0x00)
 *    only over a binary literal ('b': gpg changes the line ends of any
 *    other, and the literal's header is not signed), a text signature
 *    (0x01) only where the tool accepts text (clear-signed input,
 *    --text), no other class,
 *  - by an accepted signer: when signers are pinned (--signer,
 *    --signer-file) only by one of them; otherwise by a key that is valid
 *    in the user's keyring (certified by the user, or ultimately trusted).
 *    A key that is merely present is never enough.
 */
#ifndef MULE_POLICY_H
#define MULE_POLICY_H

#include <stddef.h>
#include <time.h>
#include <gpgme.h>

#include "pgp/status.h"

struct mule_gpg_opts;
struct mule_keyhome;

/* Who counts as a signer, as the user said it on the command line. */
struct mule_signer_opts {
	const char **signers;		/* --signer FPR|USERID */
	size_t nsigners;
	const char **signer_files;	/* --signer-file KEYFILE */
	size_t nsigner_files;
	int allow_unsigned;		/* --allow-unsigned */
};

struct mule_policy {
	char **pinned;		/* primary or subkey fingerprints, upper case */
	size_t npinned;
	int allow_unsigned;
	int offers_allow_unsigned;	/* the tool has --allow-unsigned */
	int text_ok;		/* text-mode signatures (class 0x01) count */
	int offers_text;	/* the tool has --text */
};

/* An accepted signer, for the success message. */
struct mule_signer {
	char fpr[41];		/* primary key fingerprint */
	char sigfpr[41];	/* the (sub)key that made the signature */
	unsigned sigclass;	/* 0x00 binary, 0x01 text */
	char *uid;		/* escaped, safe to print */
	time_t when;
};

struct mule_verdict {
	struct mule_signer *signers;
	size_t nsigners;
	int was_unsigned;
	char decrypted_by[41];	/* mule_open*: the secret (sub)key that
				 * decrypted the message, as gpg said it
				 * (DECRYPTION_KEY); "" if it did not */
};

/* Build the policy for ACCEPT.  A key home is created for signer files
 * (free it with mule_keyhome_free after the operation); a user ID given
 * to --signer is looked up in GOPTS's keyring. */
gpg_error_t mule_policy_build(const struct mule_gpg_opts *gopts,
    const struct mule_signer_opts *accept, struct mule_policy *policy,
    struct mule_keyhome **home);
void mule_policy_release(struct mule_policy *policy);

/* Apply POLICY to RES.  On acceptance fill V and return 0; otherwise
 * return a rejection with the reason recorded.  KEYCTX (may be NULL) is
 * used to look up a key's expiry when gpg reports it expired. */
gpg_error_t mule_policy_check(const struct mule_policy *policy,
    gpgme_verify_result_t res, const struct mule_verify_status *st,
    gpgme_ctx_t keyctx, struct mule_verdict *v);

void mule_verdict_release(struct mule_verdict *v);

/* Seconds a signature may lie in the future (clock skew) before it is
 * refused. */
#define MULE_CLOCK_SKEW 300

#endif
