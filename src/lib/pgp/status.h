/* SPDX-License-Identifier: GPL-3.0-or-later */
/* status.h - gpg's status lines, as mule reads them.
 *
 * GPGME 1.18's result objects lack what the policy needs (the primary
 * key's fingerprint, the signature class, whether gpg started to decrypt
 * in a verify-only run), so every run collects the lines itself.
 */
#ifndef MULE_STATUS_H
#define MULE_STATUS_H

#include <stddef.h>
#include <gpgme.h>

/* What gpg said about each signature, from its status lines (GPGME 1.18's
 * result object lacks the primary-key fingerprint and signature class). */
struct mule_sigstatus {
	char fpr[41];		/* signing key, from VALIDSIG */
	char primary[41];	/* primary key, from VALIDSIG */
	unsigned sigclass;
	char *uid;		/* from GOODSIG and friends, decoded, untrusted */
	size_t uid_len;
};

struct mule_verify_status {
	struct mule_sigstatus *sigs;
	size_t nsigs;
	unsigned plaintexts;	/* PLAINTEXT lines: literal data packets */
	unsigned literal_format;	/* of the first: 'b', 't', 'u', ... */
	int forbid_decryption;	/* a verify-only run: stop gpg decrypting */
	int saw_decryption;	/* ... and gpg started to */
	int forbid_symmetric;	/* no passphrase packet in the message:
				 * stop gpg asking for one */
	int saw_symmetric;	/* gpg asked for a passphrase the message
				 * has no packet for, or from inside the
				 * encryption (crafted data): stopped */
	int asked_symmetric;	/* it asked for the message's passphrase */
	int decrypting;		/* the encrypted data has been reached */
	gpg_error_t key_error;	/* gpg-agent could not use our secret key */
	char key_fpr[41];	/* ... this one */
	char considered[41];	/* the key gpg looked at last */
	char decryption_key[41];	/* the (sub)key that decrypted the
					 * session key (DECRYPTION_KEY) */
};

/* Collect status lines of the next operation on CTX into ST. */
gpg_error_t mule_verify_status_attach(gpgme_ctx_t ctx,
    struct mule_verify_status *st);

/* The same for a run that must only verify: gpg's "verify" is its
 * --decrypt, which would decrypt an encrypted message nested in a
 * compressed packet with the user's secret key (or ask for a
 * passphrase).  The run is stopped when gpg starts to decrypt, and
 * mule_verify_status_refusal says so. */
gpg_error_t mule_verify_status_attach_verify_only(gpgme_ctx_t ctx,
    struct mule_verify_status *st);

/* What the status callback of the two functions above does with one
 * status line: KEYWORD and ARGS as GPGME passes them (the rest of the
 * line after one space, or ""; "" and "" at the end).  0, or an error
 * that stops the run (GPG_ERR_CANCELED where the line is refused). */
gpg_error_t mule_verify_status_line(struct mule_verify_status *st,
    const char *keyword, const char *args);

/* gpg reports decryption, integrity and even a good signature when it
 * then fails to decompress (an unknown method): no literal data comes
 * out.  A message must hold exactly one literal data packet. */
gpg_error_t mule_verify_status_one_literal(const struct mule_verify_status *st);

/* A rejection if gpg started to decrypt in a verify-only run, else 0. */
gpg_error_t mule_verify_status_refusal(const struct mule_verify_status *st);
void mule_verify_status_release(struct mule_verify_status *st);

#endif
