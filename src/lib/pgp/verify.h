/* verify.h - the one signature policy every tool uses.
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
#ifndef MULE_VERIFY_H
#define MULE_VERIFY_H

#include <stddef.h>
#include <time.h>
#include <gpgme.h>

struct mule_policy {
	char **pinned;		/* primary or subkey fingerprints, upper case */
	size_t npinned;
	int allow_unsigned;
	int offers_allow_unsigned;	/* the tool has --allow-unsigned */
	int text_ok;		/* text-mode signatures (class 0x01) count */
	int offers_text;	/* the tool has --text */
};

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

/* Apply POLICY to RES.  On acceptance fill V and return 0; otherwise
 * return a rejection with the reason recorded.  KEYCTX (may be NULL) is
 * used to look up a key's expiry when gpg reports it expired. */
gpg_error_t mule_verify_check(const struct mule_policy *policy,
    gpgme_verify_result_t res, const struct mule_verify_status *st,
    gpgme_ctx_t keyctx, struct mule_verdict *v);

void mule_verdict_release(struct mule_verdict *v);

/* Seconds a signature may lie in the future (clock skew) before it is
 * refused. */
#define MULE_CLOCK_SKEW 300

#endif
