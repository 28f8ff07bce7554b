/* SPDX-License-Identifier: GPL-3.0-or-later */
/* open.h - decrypt and verify, releasing nothing unverified. */
#ifndef MULE_OPEN_H
#define MULE_OPEN_H

#include <stddef.h>
#include <stdint.h>
#include <gpgme.h>

#include "pgp/data.h"
#include "pgp/policy.h"

struct mule_gpg_opts;
struct mule_output;

/* The documented default of --max-size. */
#define MULE_DEFAULT_MAX_SIZE ((uint64_t)8 << 30)

struct mule_open_opts {
	struct mule_signer_opts accept;	/* who counts as a signer */
	int text_ok;				/* --text: text-mode signatures
						 * count */
	int offers_text;			/* the tool has --text */
	uint64_t max_size;			/* 0: no limit */
	int refuse_symmetric;			/* refuse a message with a
						 * passphrase packet before gpg
						 * could ask for one (input that
						 * anyone may have planted) */
};

/* Decrypt and verify what is read from IN_FD, writing the plaintext to
 * OUT, and commit OUT only if decryption, the integrity check and the
 * signature policy all succeeded.  V gets the accepted signers. */
gpg_error_t mule_open(const struct mule_gpg_opts *gopts,
    const struct mule_open_opts *opts, int in_fd, struct mule_output *out,
    struct mule_verdict *v);

/* The same, for tools that consume the plaintext as it comes (mule-bundle
 * extracts into a staging area): the plaintext goes to WRITE(ARG) while
 * gpg decrypts, and only a 0 return says it was verified.  Nothing is
 * committed. */
gpg_error_t mule_open_to(const struct mule_gpg_opts *gopts,
    const struct mule_open_opts *opts, struct mule_source *in,
    mule_write_fn write, void *arg, struct mule_verdict *v);

/* Classify a failed gpg decryption or verification: rejections of the
 * input (exit 1) versus operational errors (exit 2).  ST (may be NULL)
 * tells whether gpg saw signatures. */
gpg_error_t mule_explain_decrypt_error(gpg_error_t err, gpgme_ctx_t ctx,
    const struct mule_verify_status *st);

#endif
