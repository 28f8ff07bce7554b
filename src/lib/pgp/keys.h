/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keys.h - turning what the user typed into keys.
 *
 * A key named by full fingerprint, or given as a key file, is used as
 * named: the user chose it.  A key found by user ID, e-mail or key ID must
 * be unique and valid in the keyring (certified by the user, or ultimately
 * trusted); otherwise the error names it and hints at the fingerprint.
 */
#ifndef MULE_KEYS_H
#define MULE_KEYS_H

#include <stddef.h>
#include <gpgme.h>

/* Build in *RECPSTRING (malloc'ed) the recipient list for GPGME's _ext
 * operations: the fingerprints for NAMES, then the key FILES. */
gpg_error_t mule_recipients_resolve(gpgme_ctx_t ctx,
    const char *const *names, size_t nnames,
    const char *const *files, size_t nfiles, char **recpstring);

/* The one key FPR names, listed in CTX itself (no operation running):
 * gpgme_get_key lists in a context of its own, and in GPGME 1.18 that
 * costs a gpg --version run besides the listing. */
gpg_error_t mule_key_get(gpgme_ctx_t ctx, const char *fpr, int secret,
    gpgme_key_t *key);

/* Make NAME the one signing key of CTX (gpgme_signers_add). */
gpg_error_t mule_signer_use(gpgme_ctx_t ctx, const char *name);
/* The same for signing only: a full fingerprint is not looked up, gpg
 * checks the key as it signs (see mule_sign_explain). */
gpg_error_t mule_signer_name(gpgme_ctx_t ctx, const char *name);

/* Resolve NAME (a user ID or e-mail) to the fingerprints of keys with a
 * valid matching user ID; appends to *FPRS / *NFPRS (malloc'ed). */
gpg_error_t mule_signer_pin_userid(gpgme_ctx_t ctx, const char *name,
    char ***fprs, size_t *nfprs);

/* A throwaway gpg home holding only the keys of the given files. */
struct mule_keyhome;

/* Create a throwaway home in TMPDIR and import FILES into it; the
 * primary fingerprints imported are appended to *FPRS / *NFPRS.  Nothing
 * is imported into the user's keyring. */
gpg_error_t mule_keyhome_new(struct mule_keyhome **home,
    const char *const *files, size_t nfiles, char ***fprs, size_t *nfprs);

/* Copy the keys with fingerprints FPRS from the keyring of FROM into HOME
 * (for --signer used together with --signer-file). */
gpg_error_t mule_keyhome_copy(struct mule_keyhome *home, gpgme_ctx_t from,
    char *const *fprs, size_t nfprs);

const char *mule_keyhome_dir(const struct mule_keyhome *home);

/* A context in HOME, for the caller to release: the first one asked for
 * is the one the keys were imported with (its gpg already asked for its
 * version), later ones are new. */
gpg_error_t mule_keyhome_ctx(struct mule_keyhome *home, gpgme_ctx_t *ctx);

/* Remove the home and everything in it.  NULL is fine. */
void mule_keyhome_free(struct mule_keyhome *home);

#endif
