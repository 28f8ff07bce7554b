/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyring.c - what mule-key asks of the user's keyring. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.h"
#include "core/text.h"
#include "key/keyring.h"
#include "pgp/gpg.h"

gpg_error_t
mule_keyring_lock(const struct mule_gpg_opts *gopts, int *fd)
{
	const char *home = gopts->homedir, *env = getenv("GNUPGHOME");
	char *dir = NULL;
	int r;

	*fd = -1;
	if (!home && env && *env)
		home = env;
	if (!home) {
		env = getenv("HOME");
		if (asprintf(&dir, "%s/.gnupg", env ? env : "") < 0)
			return gpg_error_from_syserror();
		home = dir;
	}
	*fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		/* No home yet: gpg makes it, and nobody else can be in it. */
		free(dir);
		return 0;
	}
	while ((r = flock(*fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		mule_error_set(err, NULL, "locking the keyring in %s: %s", home,
		    strerror(errno));
		close(*fd);
		*fd = -1;
		free(dir);
		return err;
	}
	free(dir);
	return 0;
}

void
mule_keyring_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

gpg_error_t
mule_keys_list(gpgme_ctx_t ctx, int secret, gpgme_key_t **keys, size_t *n)
{
	gpgme_key_t k, *v = NULL, *nv;
	size_t cap = 0;
	gpg_error_t err;

	*keys = NULL;
	*n = 0;
	err = gpgme_op_keylist_start(ctx, NULL, secret);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if (*n + 2 > cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				err = gpg_error_from_syserror();
				gpgme_key_unref(k);
				break;
			}
			v = nv;
		}
		v[(*n)++] = k;
		v[*n] = NULL;
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) == GPG_ERR_EOF)
		err = 0;
	if (err) {
		mule_error_set(err, NULL, "listing the keyring: %s",
		    gpg_strerror(err));
		if (v)
			mule_keys_release(v);
		*n = 0;
		return err;
	}
	*keys = v;
	return 0;
}

void
mule_keys_release(gpgme_key_t *keys)
{
	size_t i;

	for (i = 0; keys && keys[i]; i++)
		gpgme_key_unref(keys[i]);
	free(keys);
}

gpg_error_t
mule_key_by_fpr(gpgme_ctx_t ctx, const char *fpr, gpgme_key_t *key)
{
	gpgme_key_t k;
	gpg_error_t err;

	/* gpg also finds a key by the fingerprint of one of its subkeys:
	 * only the key whose primary fingerprint it is counts. */
	*key = NULL;
	err = gpgme_op_keylist_start(ctx, fpr, 0);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if (!*key && k->fpr && !strcasecmp(k->fpr, fpr))
			*key = k;
		else
			gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) == GPG_ERR_EOF)
		return 0;
	gpgme_key_unref(*key);
	*key = NULL;
	return mule_error_set(err, NULL, "looking up %s: %s", fpr,
	    gpg_strerror(err));
}

/* Does the secret key K answer to NAME (its fingerprint, or exactly one
 * of its user IDs or e-mail addresses)? */
static int
answers_to(gpgme_key_t k, const char *name)
{
	gpgme_user_id_t u;

	if (k->fpr && !strcasecmp(k->fpr, name))
		return 1;
	for (u = k->uids; u; u = u->next)
		if ((u->uid && !strcmp(u->uid, name))
		    || (u->email && *u->email && !strcasecmp(u->email, name)))
			return 1;
	return 0;
}

/* The one key of the keyring (of its secret keys that can certify, when
 * MINE) that answers to NAME (any, when NULL). */
static gpg_error_t
find(gpgme_ctx_t ctx, const char *name, int mine, gpgme_key_t *key)
{
	gpgme_key_t *keys = NULL, found = NULL;
	size_t n, i, count = 0;
	gpg_error_t err;

	*key = NULL;
	err = mule_keys_list(ctx, mine, &keys, &n);
	for (i = 0; !err && i < n; i++) {
		if (mine && (!keys[i]->can_certify || keys[i]->revoked
		    || keys[i]->expired))
			continue;
		if (name && !answers_to(keys[i], name))
			continue;
		found = keys[i];
		count++;
	}
	if (err)
		goto leave;
	if (!count && !mine)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "mule-key list shows the keys you have",
		    "no key answers to '%s'", name);
	else if (!count && name)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
		    "mule-key list shows your keys",
		    "no secret key of yours answers to '%s'", name);
	else if (!count)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
		    "make one: mule-key generate \"Your Name <you@example.org>\"",
		    "you have no key of your own in this keyring");
	else if (count > 1)
		err = mule_error_set(mule_fail_code(GPG_ERR_AMBIGUOUS_NAME),
		    "name it by its fingerprint (mule-key list shows them)",
		    "%zu %s answer to %s%s%s", count,
		    mine ? "keys of yours" : "keys", name ? "'" : "",
		    name ? name : "no name", name ? "'" : "");
	else {
		/* A secret listing carries no validity: look it up again. */
		err = mule_key_by_fpr(ctx, found->fpr, key);
		if (!err && !*key)
			err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
			    NULL, "key %s has no public part", found->fpr);
	}
leave:
	mule_keys_release(keys);
	return err;
}

gpg_error_t
mule_key_mine(gpgme_ctx_t ctx, const char *name, gpgme_key_t *key)
{
	return find(ctx, name, 1, key);
}

gpg_error_t
mule_key_find(gpgme_ctx_t ctx, const char *name, gpgme_key_t *key)
{
	return find(ctx, name, 0, key);
}

int
mule_key_accepted(gpgme_key_t key)
{
	gpgme_user_id_t u;

	if (key->revoked || key->expired || key->disabled || key->invalid)
		return 0;
	for (u = key->uids; u; u = u->next)
		if (!u->revoked && !u->invalid
		    && u->validity >= GPGME_VALIDITY_FULL)
			return 1;
	return 0;
}

gpgme_subkey_t
mule_key_encryption_subkey(gpgme_key_t key)
{
	gpgme_subkey_t s, best = NULL;

	if (key->revoked || key->expired || key->disabled || key->invalid)
		return NULL;
	for (s = key->subkeys; s; s = s->next) {
		if (!s->can_encrypt || s->revoked || s->expired || s->disabled
		    || s->invalid)
			continue;
		if (!best || s->timestamp > best->timestamp)
			best = s;
	}
	return best;
}

int
mule_key_names(gpgme_key_t key, gpgme_user_id_t uid)
{
	gpgme_user_id_t u;

	for (u = key->uids; u; u = u->next) {
		if (u->revoked || !u->uid || !uid->uid)
			continue;
		if (!strcasecmp(u->uid, uid->uid)
		    || (u->email && *u->email && uid->email
		    && !strcasecmp(u->email, uid->email)))
			return 1;
	}
	return 0;
}

int
mule_key_shares_subkey(gpgme_key_t a, gpgme_key_t b)
{
	gpgme_subkey_t s, t;

	for (s = a->subkeys; s; s = s->next)
		for (t = b->subkeys; t; t = t->next)
			if (s->fpr && t->fpr && !strcasecmp(s->fpr, t->fpr))
				return 1;
	return 0;
}

int
mule_key_has_uid(gpgme_key_t key, const char *uid)
{
	gpgme_user_id_t u;

	for (u = key->uids; u; u = u->next)
		if (u->uid && !strcmp(u->uid, uid))
			return 1;
	return 0;
}
