/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyring.h - what mule-key asks of the user's keyring: which key is
 * mine, which peers are accepted, which subkey encrypts. */
#ifndef MULE_KEYRING_H
#define MULE_KEYRING_H

#include <stddef.h>
#include <gpgme.h>

struct mule_gpg_opts;

/* Every key in CTX's keyring in one listing (secret ones with their
 * secret flag set when SECRET), in *KEYS (NULL-terminated, *N of them);
 * free with mule_keys_release. */
gpg_error_t mule_keys_list(gpgme_ctx_t ctx, int secret, gpgme_key_t **keys,
    size_t *n);
void mule_keys_release(gpgme_key_t *keys);

/* Take the keyring of GOPTS's home for this process alone, until
 * mule_keyring_unlock(*FD): two gpg runs that change one keybox at once
 * can lose one's change (two imports, each certifying its key: one
 * certification was gone).  An flock on the home directory, so nothing
 * is written there; it only keeps mule-key runs apart, not gpg's own. */
gpg_error_t mule_keyring_lock(const struct mule_gpg_opts *gopts, int *fd);
void mule_keyring_unlock(int fd);

/* The key with primary fingerprint FPR in CTX's keyring, or NULL in
 * *KEY (not an error). */
gpg_error_t mule_key_by_fpr(gpgme_ctx_t ctx, const char *fpr,
    gpgme_key_t *key);

/* The user's own key: NAME (a fingerprint, user ID or e-mail address of
 * a secret key), or when NAME is NULL the only secret key that can
 * certify. */
gpg_error_t mule_key_mine(gpgme_ctx_t ctx, const char *name,
    gpgme_key_t *key);

/* The one key in the keyring that answers to NAME exactly (fingerprint,
 * user ID or e-mail address). */
gpg_error_t mule_key_find(gpgme_ctx_t ctx, const char *name,
    gpgme_key_t *key);

/* Whether KEY (listed with its validity) counts for every mule tool: a
 * user ID of it valid in the keyring (certified by the user, or the key
 * ultimately trusted), and neither revoked nor expired. */
int mule_key_accepted(gpgme_key_t key);

/* KEY's newest encryption subkey that can be used now, or NULL. */
gpgme_subkey_t mule_key_encryption_subkey(gpgme_key_t key);

/* Whether KEY has a user ID (not revoked) that names the same person as
 * UID, as the mule tools resolve names: the same user ID or the same
 * e-mail address, ignoring case. */
int mule_key_names(gpgme_key_t key, gpgme_user_id_t uid);

/* Whether keys A and B have a (sub)key fingerprint in common. */
int mule_key_shares_subkey(gpgme_key_t a, gpgme_key_t b);

/* Whether KEY has a user ID that is exactly UID. */
int mule_key_has_uid(gpgme_key_t key, const char *uid);

#endif
