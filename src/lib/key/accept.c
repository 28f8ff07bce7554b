/* SPDX-License-Identifier: GPL-3.0-or-later */
/* accept.c - a peer's key into the user's keyring, after an active
 * comparison. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/text.h"
#include "key/accept.h"
#include "key/cert.h"
#include "key/keyring.h"
#include "key/words.h"
#include "pgp/gpg.h"

/* Answers a person may get wrong in form before we give up. */
#define ASK_TRIES 3

/* Whether the person (or the script) confirmed C's fingerprint. */
static gpg_error_t
confirm(const struct mule_accept_opts *o, const struct mule_candidate *c)
{
	const char *fpr = c->cert->primary.fpr;
	enum mule_words_answer a = MULE_WORDS_MALFORMED;
	char *typed = NULL;
	gpg_error_t err = 0;
	int i;

	if (o->fingerprint) {
		a = mule_words_check(fpr, o->fingerprint);
		if (a == MULE_WORDS_MALFORMED)
			return mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE),
			    "give the words or the 40 hex digits that mule-key "
			    "fingerprint shows on the other machine",
			    "--fingerprint: neither %d words of the list nor a "
			    "full fingerprint", MULE_WORDS_BYTES);
	} else if (!o->ask) {
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PIN_ENTRY),
		    "at a terminal, mule-key asks; in a script, give "
		    "--fingerprint with what mule-key fingerprint shows on the "
		    "other machine", "no terminal to compare the fingerprint "
		    "on, and no --fingerprint: nothing imported");
	} else {
		for (i = 0; i < ASK_TRIES && a == MULE_WORDS_MALFORMED; i++) {
			free(typed);
			typed = NULL;
			err = o->ask(o->ask_arg, c, i, &typed);
			if (err)
				return err;
			a = mule_words_check(fpr, typed);
		}
		free(typed);
	}
	if (a == MULE_WORDS_MATCH)
		return 0;
	if (a == MULE_WORDS_MISMATCH)
		return mule_reject(GPG_ERR_BAD_SIGNATURE,
		    "this is not the key shown on the other machine: it may "
		    "have been swapped on the way",
		    "%s: the fingerprint does not match: nothing imported",
		    c->name);
	return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
	    "%s: no well-formed answer after %d tries: nothing imported",
	    c->name, ASK_TRIES);
}

/* Whether KEY has user ID UID, valid: certified (mule_key_accepted). */
static int
has_valid_uid(gpgme_key_t key, const char *uid)
{
	gpgme_user_id_t u;

	for (u = key->uids; u; u = u->next)
		if (u->uid && !strcmp(u->uid, uid) && !u->revoked
		    && u->validity >= GPGME_VALIDITY_FULL)
			return 1;
	return 0;
}

/* Refuse C if it shares a (sub)key with another key of the keyring (a
 * subkey that is someone's primary key would make gpg find the wrong key
 * by that fingerprint), or if one of its user IDs, new to the key OLD
 * (NULL: a key not there yet) or there but not certified (one that a
 * mule-stick item brought), names the person of another accepted key
 * as the mule tools resolve names (the same user ID or e-mail address,
 * ignoring case): its owner would pass for someone the user knows.  (One
 * who really replaced a key deletes the old one first.)  Counts the new
 * user IDs in *NEW_UIDS. */
static gpg_error_t
check_impersonation(gpgme_ctx_t ctx, const struct mule_candidate *c,
    gpgme_key_t old, int *new_uids)
{
	gpgme_key_t *keys = NULL;
	gpgme_user_id_t u;
	size_t n, i;
	char *esc, hint[128];
	gpg_error_t err;

	err = mule_keys_list(ctx, 0, &keys, &n);
	for (i = 0; !err && i < n; i++)
		if (strcasecmp(keys[i]->fpr, c->cert->primary.fpr)
		    && mule_key_shares_subkey(keys[i], c->key))
			err = mule_reject(GPG_ERR_AMBIGUOUS_NAME, NULL,
			    "%s: the key has a (sub)key of key %s: nothing "
			    "imported", c->name, keys[i]->fpr);
	for (u = c->key->uids; !err && u; u = u->next) {
		if (!u->uid || u->revoked || (old && has_valid_uid(old, u->uid)))
			continue;
		*new_uids += !(old && mule_key_has_uid(old, u->uid));
		for (i = 0; i < n; i++) {
			if (!strcasecmp(keys[i]->fpr, c->cert->primary.fpr)
			    || !mule_key_accepted(keys[i])
			    || !mule_key_names(keys[i], u))
				continue;
			esc = mule_escape(u->uid, strlen(u->uid));
			snprintf(hint, sizeof hint, "if that person replaced "
			    "their key, delete the old one first (gpg "
			    "--delete-keys %s)", keys[i]->fpr);
			err = mule_reject(GPG_ERR_AMBIGUOUS_NAME, hint,
			    "%s: user ID \"%s\" names the person of accepted key "
			    "%s: nothing imported", c->name, esc ? esc : "?",
			    keys[i]->fpr);
			free(esc);
			break;
		}
	}
	mule_keys_release(keys);
	return err;
}

static int
count_new_subkeys(gpgme_key_t cand, gpgme_key_t old)
{
	gpgme_subkey_t s, t;
	int n = 0;

	for (s = cand->subkeys ? cand->subkeys->next : NULL; s; s = s->next) {
		for (t = old ? old->subkeys : NULL; t; t = t->next)
			if (s->fpr && t->fpr && !strcasecmp(s->fpr, t->fpr))
				break;
		n += !t;
	}
	return n;
}

static gpg_error_t
import_minimal(gpgme_ctx_t ctx, const struct mule_candidate *c)
{
	gpg_error_t err;

	if (gpgme_data_seek(c->minimal, 0, SEEK_SET) < 0)
		return gpg_error_from_syserror();
	err = gpgme_op_import(ctx, c->minimal);
	if (err)
		mule_error_set(err, NULL, "importing %s: %s", c->name,
		    gpg_strerror(err));
	return err;
}

/* Certify KEY (only user ID UID, or all when NULL) locally with MINE. */
static gpg_error_t
certify(gpgme_ctx_t ctx, gpgme_key_t mine, gpgme_key_t key, const char *uid)
{
	gpg_error_t err;

	gpgme_signers_clear(ctx);
	err = gpgme_signers_add(ctx, mine);
	if (!err)
		err = gpgme_op_keysign(ctx, key, uid, 0, GPGME_KEYSIGN_LOCAL
		    | GPGME_KEYSIGN_NOEXPIRE | (uid ? 0 : GPGME_KEYSIGN_LFSEP));
	gpgme_signers_clear(ctx);
	/* Already certified: that is what we wanted. */
	if (gpg_err_code(err) == GPG_ERR_CONFLICT)
		err = 0;
	return err;
}

static gpg_error_t
reload(gpgme_ctx_t ctx, struct mule_accept_report *r)
{
	gpgme_key_unref(r->key);
	r->key = NULL;
	return mule_key_by_fpr(ctx, r->fpr, &r->key);
}

/* C merged into the accepted key OLD: every part of it is bound by the
 * key's own signatures, so nothing is compared; gpg's merge only adds. */
static gpg_error_t
merge(gpgme_ctx_t ctx, struct mule_candidate *c, gpgme_key_t old,
    struct mule_accept_report *r)
{
	gpgme_user_id_t u;
	gpgme_subkey_t s;
	int nuids = 0, nsubkeys = 0;
	gpg_error_t err;

	r->update = 1;
	err = check_impersonation(ctx, c, old, &r->new_uids);
	if (err)
		return err;
	r->new_subkeys = count_new_subkeys(c->key, old);
	/* Since merges only add, the key may hold after it no more than
	 * one certificate may: else update after update (an item each)
	 * could grow it without end, and gpg checks it again at each
	 * listing. */
	for (u = old->uids; u; u = u->next)
		nuids++;
	for (s = old->subkeys ? old->subkeys->next : NULL; s; s = s->next)
		nsubkeys++;
	if (nsubkeys + r->new_subkeys > MULE_CERT_MAX_SUBKEYS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "%s: the key would "
		    "hold %d subkeys (at most %d): nothing imported", c->name,
		    nsubkeys + r->new_subkeys, MULE_CERT_MAX_SUBKEYS);
	if (nuids + r->new_uids > MULE_CERT_MAX_UIDS)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL, "%s: the key would "
		    "hold %d user IDs (at most %d): nothing imported", c->name,
		    nuids + r->new_uids, MULE_CERT_MAX_UIDS);
	err = import_minimal(ctx, c);
	if (!err)
		err = reload(ctx, r);
	if (!err)
		r->newly_revoked = !old->revoked && r->key && r->key->revoked;
	return err;
}

/* Whether U, a user ID of the key as the keyring has it after the
 * merge of C, is one to certify: not revoked, not certified yet, and
 * carried by the file C. */
static int
to_certify(const struct mule_candidate *c, gpgme_user_id_t u)
{
	return u->uid && !u->revoked && u->validity < GPGME_VALIDITY_FULL
	    && mule_key_has_uid(c->key, u->uid);
}

/* An update of the accepted key OLD. */
static gpg_error_t
update(gpgme_ctx_t ctx, const struct mule_accept_opts *o,
    struct mule_candidate *c, gpgme_key_t old, struct mule_accept_report *r)
{
	gpgme_key_t mine = NULL;
	gpgme_user_id_t u;
	gpg_error_t err = 0;
	int uncertified = 0;

	r->update = 1;
	if (o->fingerprint && mule_words_check(r->fpr, o->fingerprint)
	    != MULE_WORDS_MATCH)
		return confirm(o, c);
	err = merge(ctx, c, old, r);
	if (err)
		return err;
	/* One that a mule-stick item brought uncertified is new to the
	 * user: counted. */
	for (u = r->key ? r->key->uids : NULL; u; u = u->next)
		if (to_certify(c, u)) {
			uncertified = 1;
			r->new_uids += mule_key_has_uid(old, u->uid);
		}
	/* New user IDs are the same key's: certify them too, so that the
	 * key stays accepted when its owner retires an old one, and so are
	 * those that a mule-stick item brought, which it could not certify
	 * (nobody to ask for the passphrase).  Only those the file carries,
	 * which check_impersonation looked at: not others the keyring has
	 * for the key (an item may have brought one that no file the user
	 * imported ever showed).  If that cannot be done now, the key is
	 * still accepted through the others. */
	if (uncertified && r->key && !r->key->revoked) {
		if (!mule_key_mine(ctx, o->mine, &mine))
			for (u = r->key->uids; u; u = u->next)
				if (to_certify(c, u))
					certify(ctx, mine, r->key, u->uid);
		gpgme_key_unref(mine);
		mule_error_clear();
		err = reload(ctx, r);
	}
	return err;
}

/* What a key not accepted yet must pass before it is imported: usable,
 * nobody else's user ID, one's own key there to certify it, and the
 * person's (or the script's) confirmation of its fingerprint. */
static gpg_error_t
check_first(gpgme_ctx_t ctx, const struct mule_accept_opts *o,
    struct mule_candidate *c)
{
	gpgme_key_t mine = NULL;
	gpg_error_t err;
	int new_uids = 0;

	if (c->key->revoked)
		return mule_reject(GPG_ERR_CERT_REVOKED, NULL,
		    "%s: the key is revoked: nothing imported", c->name);
	if (!mule_key_encryption_subkey(c->key))
		return mule_reject(GPG_ERR_WRONG_KEY_USAGE,
		    "ask its owner for a key with a current encryption subkey",
		    "%s: the key has no usable encryption subkey (expired, "
		    "revoked or missing): nothing imported", c->name);
	err = mule_key_mine(ctx, o->mine, &mine);
	gpgme_key_unref(mine);
	if (!err)
		err = check_impersonation(ctx, c, NULL, &new_uids);
	if (!err)
		err = confirm(o, c);
	return err;
}

/* A key not accepted yet, confirmed (OLD: the keyring's copy, if it has
 * one): imported and certified in one step. */
static gpg_error_t
first(gpgme_ctx_t ctx, const struct mule_accept_opts *o,
    struct mule_candidate *c, gpgme_key_t old, struct mule_accept_report *r)
{
	gpgme_key_t mine = NULL;
	gpgme_user_id_t u;
	gpg_error_t err;

	err = mule_key_mine(ctx, o->mine, &mine);
	/* (again under the lock: an accepted key may have come meanwhile) */
	if (!err)
		err = check_impersonation(ctx, c, NULL, &r->new_uids);
	if (!err)
		err = import_minimal(ctx, c);
	if (!err)
		err = reload(ctx, r);
	if (!err && !r->key)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY), NULL,
		    "%s: gpg did not import the key", c->name);
	if (err)
		goto leave;
	/* Only the user IDs the file carries, which were shown and checked:
	 * not others the keyring may have had for this key. */
	for (u = c->key->uids; !err && u; u = u->next)
		if (u->uid && !u->revoked)
			err = certify(ctx, mine, r->key, u->uid);
	if (!err)
		err = reload(ctx, r);
	r->mine_not_ultimate = mine->owner_trust != GPGME_VALIDITY_ULTIMATE;
	snprintf(r->mine_fpr, sizeof r->mine_fpr, "%s", mine->fpr
	    ? mine->fpr : "");
	if (!err && (!r->key || (!r->mine_not_ultimate
	    && !mule_key_accepted(r->key))))
		err = mule_fail_code(GPG_ERR_NOT_TRUSTED);
	if (err) {
		mule_error_set(err, gpg_err_code(err) == GPG_ERR_BAD_PASSPHRASE
		    ? NULL : "certifying needs your key's passphrase: run "
		    "it at a terminal, or give --passphrase-file",
		    "certifying the key with yours: %s: nothing imported",
		    gpg_strerror(err));
		/* Never imported-but-uncertified: take it out again, unless
		 * the keyring had it before. */
		if (!old && r->key && gpgme_op_delete_ext(ctx, r->key,
		    GPGME_DELETE_FORCE)) {
			mule_error_clear();
			mule_error_set(err, "delete it: gpg --delete-keys "
			    "FINGERPRINT", "certifying the key with yours: %s; "
			    "the key %s was imported and could not be removed",
			    gpg_strerror(err), r->fpr);
		}
	}
leave:
	gpgme_key_unref(mine);
	return err;
}

gpg_error_t
mule_accept(const struct mule_gpg_opts *gopts,
    const struct mule_accept_opts *o, struct mule_candidate *c,
    struct mule_accept_report *r)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t old = NULL;
	gpg_error_t err;
	int lock = -1, checked = 0;

	memset(r, 0, sizeof *r);
	memcpy(r->fpr, c->cert->primary.fpr, sizeof r->fpr);
	err = mule_gpg_ctx_new(&ctx, gopts);
	/* A key not accepted yet is confirmed first, unlocked: another
	 * import need not wait for a person to type. */
	if (!err)
		err = mule_key_by_fpr(ctx, r->fpr, &old);
	if (!err && !(old && mule_key_accepted(old))) {
		err = check_first(ctx, o, c);
		checked = 1;
	}
	if (!err)
		err = mule_keyring_lock(gopts, &lock);
	/* Then, locked, as it is now (another run may have changed it). */
	gpgme_key_unref(old);
	old = NULL;
	if (!err)
		err = mule_key_by_fpr(ctx, r->fpr, &old);
	if (!err && old && mule_key_accepted(old))
		err = update(ctx, o, c, old, r);
	else if (!err) {
		/* (no longer accepted since we looked: never unconfirmed) */
		if (!checked)
			err = check_first(ctx, o, c);
		if (!err)
			err = first(ctx, o, c, old, r);
	}
	if (!err && r->key) {
		r->revoked = r->key->revoked;
		r->encrypt = mule_key_encryption_subkey(r->key);
	}
	mule_keyring_unlock(lock);
	gpgme_key_unref(old);
	gpgme_release(ctx);
	return err;
}

gpg_error_t
mule_accept_update(const struct mule_gpg_opts *gopts,
    struct mule_candidate *c, struct mule_accept_report *r)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t old = NULL;
	gpg_error_t err;
	int lock = -1;

	memset(r, 0, sizeof *r);
	memcpy(r->fpr, c->cert->primary.fpr, sizeof r->fpr);
	err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = mule_keyring_lock(gopts, &lock);
	if (!err)
		err = mule_key_by_fpr(ctx, r->fpr, &old);
	/* Never a new key, and never one the user did not accept. */
	if (!err && old && mule_key_accepted(old))
		err = merge(ctx, c, old, r);
	if (!err && r->key) {
		r->revoked = r->key->revoked;
		r->encrypt = mule_key_encryption_subkey(r->key);
	}
	mule_keyring_unlock(lock);
	gpgme_key_unref(old);
	gpgme_release(ctx);
	return err;
}

void
mule_accept_report_release(struct mule_accept_report *r)
{
	gpgme_key_unref(r->key);
	r->key = NULL;
}
