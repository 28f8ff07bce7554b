/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyname.h - keys named for a person in messages: the user ID the
 * keyring holds for them, escaped, and the fingerprint.
 *
 * Used on the way to an error only: a lookup that fails gives NULL (the
 * caller falls back to what it had), and keeps the error already
 * recorded.
 */
#ifndef MULE_KEYNAME_H
#define MULE_KEYNAME_H

#include <gpgme.h>

/* A new context on the keyring of LIKE (its GnuPG home), for lookups
 * that must not disturb LIKE's results. */
gpg_error_t mule_keyname_ctx(gpgme_ctx_t like, gpgme_ctx_t *ctx);

/* "Alice <alice@example.org> (FINGERPRINT)" for the key with the
 * fingerprint or key ID ID (of the key or one of its subkeys) in the
 * keyring of LIKE, its first user ID escaped (core/text.h mule_escape).
 * SECRET: look among the secret keys only.  Malloc'ed; NULL if the key
 * is not there (or on any error). */
char *mule_keyname(gpgme_ctx_t like, const char *id, int secret);

/* The same for KEY (a listed key). */
char *mule_keyname_of(gpgme_key_t key);

/* The error for a secret key that could not be unlocked: CODE is gpg's
 * (a wrong passphrase, Cancel at the pinentry, or no pinentry: no
 * terminal to ask at); ROLE says which key ("the signing key", "the
 * key") and NAME names it (mule_keyname; NULL: not known).  Operational
 * (exit 2): the user's trouble, not the input's. */
gpg_error_t mule_keyname_locked(gpg_err_code_t code, const char *role,
    const char *name);

#endif
