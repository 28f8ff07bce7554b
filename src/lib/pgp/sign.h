/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sign.h - signatures without encryption (mule-sign). */
#ifndef MULE_SIGN_H
#define MULE_SIGN_H

#include <gpgme.h>

struct mule_gpg_opts;
struct mule_output;

enum mule_sign_mode {
	MULE_SIGN_CLEAR,	/* clear-signed text */
	MULE_SIGN_DETACH,	/* detached signature */
	MULE_SIGN_INLINE	/* an OpenPGP message holding data and signature */
};

/* Sign what is read from IN_FD into OUT (not committed) with SIGNER (NULL:
 * the default key, pgp/defkey.h).  Armour follows gopts->armor; a clear
 * signature is always text.  Key problems are operational errors (exit 2). */
gpg_error_t mule_sign(const struct mule_gpg_opts *gopts,
    enum mule_sign_mode mode, const char *signer, int in_fd,
    struct mule_output *out);

/* Explain a failed signing operation on CTX (also an encrypt-and-sign):
 * an invalid signer, no secret key, a wrong passphrase, a cancelled
 * pinentry.  HINT says what to do about a key; WHAT names the operation.
 * Every such failure is operational (exit 2). */
gpg_error_t mule_sign_explain(gpgme_ctx_t ctx, gpg_error_t err,
    const char *hint, const char *what);

struct mule_manifest_skips;

/* Clear-sign the manifest of DIR (see manifest.h) into OUT.  It leaves
 * out MANIFEST.asc, the output OUTPUT_PATH (NULL: standard output) when
 * it lies inside DIR, also when the shell created it there, mule's
 * temporaries, and a stick's mailbox unless INCLUDE_MAILBOX; what was
 * skipped (symlinks, devices) is named in SKIPS. */
gpg_error_t mule_sign_manifest(const struct mule_gpg_opts *gopts,
    const char *signer, const char *dir, const char *output_path,
    int include_mailbox, struct mule_output *out,
    struct mule_manifest_skips *skips);

#endif
