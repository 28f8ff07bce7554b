/* SPDX-License-Identifier: GPL-3.0-or-later */
/* generate.c - the user's own key. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/text.h"
#include "key/generate.h"
#include "key/keyring.h"
#include "pgp/gpg.h"

#define DAY 86400UL

/* A user ID we are willing to make: text without control characters. */
static gpg_error_t
check_userid(const char *uid)
{
	const unsigned char *p;

	if (!*uid || strlen(uid) > 1024)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_USER_ID),
		    "mule-key generate \"Your Name <you@example.org>\"",
		    "a user ID is a name and an address, up to 1024 bytes");
	for (p = (const unsigned char *)uid; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return mule_error_set(mule_fail_code(GPG_ERR_INV_USER_ID),
			    NULL, "the user ID has a control character");
	return 0;
}

/* gpg 2.2 keeps an expiry as 32-bit seconds since 1970: one past
 * 2106-02-07 wraps around to a date in the past, silently. */
gpg_error_t
mule_key_check_days(const char *option, unsigned long days)
{
	uint64_t when = (uint64_t)time(NULL) + (uint64_t)days * DAY;

	if (when >= UINT32_MAX)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE), NULL,
		    "%s: %lu days is past 2106, which OpenPGP cannot say",
		    option, days);
	return 0;
}

/* Refuse to make a second key for UID: peers would not know which. */
static gpg_error_t
check_unique(gpgme_ctx_t ctx, const char *uid)
{
	gpgme_key_t *keys = NULL;
	size_t n, i;
	gpg_error_t err;

	err = mule_keys_list(ctx, 0, &keys, &n);
	for (i = 0; !err && i < n; i++)
		if (mule_key_has_uid(keys[i], uid))
			err = mule_error_set(mule_fail_code(GPG_ERR_USER_ID_EXISTS),
			    "give --force to make another one anyway",
			    "key %s already has this user ID", keys[i]->fpr);
	mule_keys_release(keys);
	return err;
}

static gpg_error_t
make_subkey(gpgme_ctx_t ctx, const struct mule_generate_opts *o,
    gpgme_key_t key)
{
	gpg_error_t err;

	err = gpgme_op_createsubkey(ctx, key, "cv25519", 0,
	    o->subkey_days * DAY, GPGME_CREATE_ENCR
	    | (o->no_passphrase ? GPGME_CREATE_NOPASSWD : 0));
	if (err)
		mule_error_set(err, gpg_err_code(err) == GPG_ERR_BAD_PASSPHRASE
		    ? "the passphrase asked for now is the one just chosen"
		    : NULL, "making the encryption subkey: %s: the new key is "
		    "deleted again", gpg_strerror(err));
	return err;
}

gpg_error_t
mule_key_generate(const struct mule_gpg_opts *gopts,
    const struct mule_generate_opts *o, gpgme_key_t *key)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_genkey_result_t res;
	unsigned flags = GPGME_CREATE_SIGN | GPGME_CREATE_CERT;
	char fpr[41];
	gpg_error_t err;
	int lock = -1;

	*key = NULL;
	err = check_userid(o->userid);
	if (!err)
		err = mule_key_check_days("--expire", o->expire_days);
	if (!err)
		err = mule_key_check_days("--subkey-days", o->subkey_days);
	if (!err)
		err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = mule_keyring_lock(gopts, &lock);
	if (!err && !o->force)
		err = check_unique(ctx, o->userid);
	if (err)
		goto leave;
	if (!o->expire_days)
		flags |= GPGME_CREATE_NOEXPIRE;
	if (o->no_passphrase)
		flags |= GPGME_CREATE_NOPASSWD;
	if (o->force)
		flags |= GPGME_CREATE_FORCE;
	err = gpgme_op_createkey(ctx, o->userid, "ed25519", 0,
	    o->expire_days * DAY, NULL, flags);
	if (err) {
		mule_error_set(err, NULL, "making the key: %s", gpg_strerror(err));
		goto leave;
	}
	res = gpgme_op_genkey_result(ctx);
	if (!res || !res->fpr) {
		err = mule_error_set(mule_fail_code(GPG_ERR_GENERAL), NULL,
		    "making the key: gpg did not say which key it made");
		goto leave;
	}
	/* (the result goes with the next operation) */
	snprintf(fpr, sizeof fpr, "%s", res->fpr);
	err = mule_key_by_fpr(ctx, fpr, key);
	if (!err && !*key)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY), NULL,
		    "the new key %s is not in the keyring", fpr);
	if (err)
		goto leave;
	err = make_subkey(ctx, o, *key);
	if (err) {
		if (gpgme_op_delete_ext(ctx, *key, GPGME_DELETE_ALLOW_SECRET
		    | GPGME_DELETE_FORCE)) {
			mule_error_clear();
			mule_error_set(err, "delete it: gpg --delete-secret-and-"
			    "public-keys FINGERPRINT", "making the encryption "
			    "subkey: %s; the primary key %s was made and could "
			    "not be removed", gpg_strerror(err), fpr);
		}
		goto leave;
	}
	gpgme_key_unref(*key);
	*key = NULL;
	err = mule_key_by_fpr(ctx, fpr, key);
leave:
	if (err) {
		gpgme_key_unref(*key);
		*key = NULL;
	}
	mule_keyring_unlock(lock);
	gpgme_release(ctx);
	return err;
}
