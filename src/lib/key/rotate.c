/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rotate.c - a new encryption subkey at half-life. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "key/agent.h"
#include "key/generate.h"
#include "key/keyring.h"
#include "key/rotate.h"
#include "pgp/gpg.h"

#define DAY 86400L

unsigned long
mule_rotation_days(unsigned long days)
{
	return days > 1 ? days / 2 : 1;
}

/* Whether the current subkey S (or none) is to be replaced now, and why,
 * in R. */
static int
due(const struct mule_rotate_opts *o, gpgme_subkey_t s,
    struct mule_rotate_report *r)
{
	if (!s) {
		r->why = MULE_ROTATE_NONE;
		return 1;
	}
	snprintf(r->old, sizeof r->old, "%s", s->fpr ? s->fpr : "");
	r->old_created = s->timestamp;
	r->old_expires = s->expires;
	if (!s->expires) {
		r->why = MULE_ROTATE_NO_EXPIRY;
		return 1;
	}
	r->due = s->timestamp + (s->expires - s->timestamp) / 2;
	if (o->now >= r->due)
		r->why = MULE_ROTATE_DUE;
	else
		r->why = o->force ? MULE_ROTATE_FORCED : MULE_ROTATE_NOT_DUE;
	return r->why != MULE_ROTATE_NOT_DUE;
}

/* gpg 2.2 says nothing on its status lines when --quick-add-key fails
 * (GPGME: "General error"), not even for a wrong passphrase; what it
 * asked on the way tells the likely cause. */
struct asked {
	int pinentry;		/* the agent launched a pinentry */
	int passphrase;		/* gpg asked us (loopback) */
};

static gpgme_error_t
watch_status(void *arg, const char *keyword, const char *args)
{
	struct asked *a = arg;

	if (!strcmp(keyword, "PINENTRY_LAUNCHED"))
		a->pinentry = 1;
	else if (!strcmp(keyword, "GET_HIDDEN")
	    && !strncmp(args, "passphrase.enter", 16))
		a->passphrase = 1;
	return 0;
}

/* The error of making the subkey of KEY: above all, its passphrase. */
static gpg_error_t
explain(gpg_error_t err, const char *key, const struct asked *a)
{
	if (gpg_err_source(err) == GPG_ERR_SOURCE_PINENTRY)
		err = mule_fail_code(GPG_ERR_NO_PIN_ENTRY);
	if (gpg_err_code(err) == GPG_ERR_GENERAL && a->passphrase)
		err = mule_fail_code(GPG_ERR_BAD_PASSPHRASE);
	switch (gpg_err_code(err)) {
	case GPG_ERR_BAD_PASSPHRASE:
		return mule_error_set(err, "check the passphrase (file) and "
		    "try again", "wrong passphrase for your key %s: no new "
		    "subkey", key);
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		return mule_error_set(err, NULL, "cancelled: no passphrase "
		    "was given for your key %s: no new subkey", key);
	case GPG_ERR_GENERAL:
		if (a->pinentry)
			return mule_error_set(err, "from cron, give "
			    "--passphrase-file (or --passphrase-fd)", "no new "
			    "subkey: no passphrase for your key %s came from "
			    "the pinentry (cancelled, a wrong one, or no "
			    "terminal for it)", key);
		/* fall through */
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
	case GPG_ERR_NO_PASSPHRASE:
		return mule_error_set(err, "from cron, give --passphrase-file "
		    "(or --passphrase-fd); at a terminal, pinentry asks",
		    "no new subkey: your key %s needs its passphrase, and no "
		    "pinentry could ask for it", key);
	default:
		return mule_error_set(err, NULL, "making the new encryption "
		    "subkey of %s: %s", key, gpg_strerror(err));
	}
}

/* Whether the user's primary key K (listed with keygrips) has a
 * passphrase, in *PROTECTED as the agent says (key/agent.h): the new
 * subkey gets the same protection; without NOPASSWD, gpg 2.2 asks for a
 * new passphrase when the primary key has none. */
static gpg_error_t
protection(const struct mule_gpg_opts *gopts, gpgme_key_t k, int *protected)
{
	gpgme_ctx_t agent = NULL;
	char *socket = NULL;
	gpg_error_t err;

	*protected = -1;
	if (!k->subkeys->keygrip)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), NULL,
		    "gpg did not list the keygrip of your key %s", k->fpr);
	err = mule_agent_socket(gopts->homedir, &socket);
	if (!err)
		err = mule_agent_ctx_new(&agent, socket);
	if (!err)
		err = mule_agent_key_protection(agent, socket,
		    k->subkeys->keygrip, protected);
	if (gpg_err_code(err) == GPG_ERR_NO_SECKEY) {
		mule_error_clear();
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
		    "rotate on the machine that holds it", "the secret of your "
		    "primary key %s is not here, and it must sign the new "
		    "subkey", k->fpr);
	}
	gpgme_release(agent);
	free(socket);
	return err;
}

static int
has_subkey(gpgme_key_t k, const char *fpr)
{
	gpgme_subkey_t s;

	for (s = k->subkeys; s; s = s->next)
		if (s->fpr && !strcmp(s->fpr, fpr))
			return 1;
	return 0;
}

/* gpg seals to the newest encryption subkey and, of several made in the
 * same second, to the first: a new one made in the second of the
 * current one would never be used.  Wait until the clock is past every
 * subkey of KEY (a second at most, unless the clock went back). */
static gpg_error_t
wait_past(gpgme_key_t key)
{
	gpgme_subkey_t s;
	long newest = 0;

	for (s = key->subkeys; s; s = s->next)
		if (s->timestamp > newest)
			newest = s->timestamp;
	if (newest > (long)time(NULL) + 2)
		return mule_error_set(mule_fail_code(GPG_ERR_INV_TIME),
		    "check this computer's clock", "a subkey of %s was made "
		    "%ld seconds from now", key->fpr,
		    newest - (long)time(NULL));
	while ((long)time(NULL) <= newest)
		usleep(100000);
	return 0;
}

/* Make the subkey; KEY is the user's; reload it into *KEY. */
static gpg_error_t
make(gpgme_ctx_t ctx, const struct mule_gpg_opts *gopts,
    const struct mule_rotate_opts *o, gpgme_key_t *key,
    struct mule_rotate_report *r)
{
	struct asked asked = { 0, 0 };
	gpgme_subkey_t s;
	gpgme_key_t old;
	gpg_error_t err;
	int protected;

	if ((err = protection(gopts, *key, &protected))
	    || (err = wait_past(*key)))
		return err;
	r->no_passphrase = !protected;
	gpgme_set_status_cb(ctx, watch_status, &asked);
	err = gpgme_set_ctx_flag(ctx, "full-status", "1");
	if (!err)
		err = gpgme_op_createsubkey(ctx, *key, "cv25519", 0,
		    o->subkey_days * DAY, GPGME_CREATE_ENCR
		    | (r->no_passphrase ? GPGME_CREATE_NOPASSWD : 0));
	gpgme_set_status_cb(ctx, NULL, NULL);
	gpgme_set_ctx_flag(ctx, "full-status", "0");
	if (err)
		return explain(err, r->key, &asked);
	old = *key;
	*key = NULL;
	err = mule_key_by_fpr(ctx, r->key, key);
	if (!err && !*key)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY), NULL,
		    "your key %s is gone from the keyring", r->key);
	/* The new one is the encryption subkey that was not there (not
	 * "the newest": two made within a second have one timestamp). */
	for (s = *key ? (*key)->subkeys : NULL; s; s = s->next)
		if (s->can_encrypt && s->fpr && !has_subkey(old, s->fpr))
			break;
	gpgme_key_unref(old);
	if (!err && !s)
		err = mule_error_set(mule_fail_code(GPG_ERR_GENERAL), NULL,
		    "gpg made no new encryption subkey for %s", r->key);
	if (err)
		return err;
	snprintf(r->new_fpr, sizeof r->new_fpr, "%s", s->fpr);
	r->new_expires = s->expires;
	return 0;
}

gpg_error_t
mule_key_rotate(const struct mule_gpg_opts *gopts,
    const struct mule_rotate_opts *o, struct mule_rotate_report *r)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpg_error_t err;
	int lock = -1;

	memset(r, 0, sizeof *r);
	err = mule_key_check_days("--subkey-days", o->subkey_days);
	if (!err)
		err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = mule_keyring_lock(gopts, &lock);
	if (!err)
		err = gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL
		    | GPGME_KEYLIST_MODE_WITH_KEYGRIP);
	/* (a secret listing, which starts the agent we ask then) */
	if (!err)
		err = mule_key_mine(ctx, o->mine, &key);
	if (err)
		goto leave;
	snprintf(r->key, sizeof r->key, "%s", key->fpr);
	if (due(o, mule_key_encryption_subkey(key), r))
		err = make(ctx, gopts, o, &key, r);
leave:
	mule_keyring_unlock(lock);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}
