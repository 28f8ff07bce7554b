/* SPDX-License-Identifier: GPL-3.0-or-later */
/* names.c - the people behind the fingerprints in mule-stick's reports. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/nameset.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "stick/folder.h"
#include "stick/names.h"

struct mule_stick_names {
	const struct mule_gpg_opts *gopts;
	int loaded;
	struct mule_nameset index;	/* FPR -> index in UIDS */
	char **uids;
	size_t n;
};

gpg_error_t
mule_stick_names_new(struct mule_stick_names **out,
    const struct mule_gpg_opts *gopts)
{
	struct mule_stick_names *n = calloc(1, sizeof *n);

	if (!n)
		return gpg_error_from_syserror();
	n->gopts = gopts;
	*out = n;
	return 0;
}

void
mule_stick_names_free(struct mule_stick_names *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		free(n->uids[i]);
	free(n->uids);
	mule_nameset_release(&n->index);
	free(n);
}

/* The user ID the user vouches for most: of those neither revoked nor
 * invalid, the first of the highest validity (a new user ID an update
 * brought, not certified yet, does not name the key). */
static const char *
best_uid(gpgme_key_t key)
{
	gpgme_user_id_t u, best = NULL;

	for (u = key->uids; u; u = u->next)
		if (!u->revoked && !u->invalid && u->uid
		    && (!best || u->validity > best->validity))
			best = u;
	if (best)
		return best->uid;
	return key->uids && key->uids->uid ? key->uids->uid : NULL;
}

static gpg_error_t
add(struct mule_stick_names *n, gpgme_key_t key)
{
	const char *uid = best_uid(key);
	char **tmp;

	if (!uid || !key->fpr || strlen(key->fpr) != 40
	    || mule_nameset_get(&n->index, key->fpr, 40) >= 0)
		return 0;
	tmp = realloc(n->uids, (n->n + 1) * sizeof *tmp);
	if (!tmp)
		return gpg_error_from_syserror();
	n->uids = tmp;
	if (!(tmp[n->n] = strdup(uid)))
		return gpg_error_from_syserror();
	n->n++;
	return mule_nameset_put(&n->index, key->fpr, 40, (int)(n->n - 1));
}

/* Every public key of the keyring, once: one gpg run, however many
 * names are asked for. */
static void
load(struct mule_stick_names *n)
{
	struct mule_error_record saved;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key;
	gpg_error_t err, aerr = 0;

	n->loaded = 1;
	mule_error_save(&saved);
	err = mule_gpg_ctx_new(&ctx, n->gopts);
	if (!err)
		err = gpgme_op_keylist_start(ctx, NULL, 0);
	/* To the end of the listing: GPGME leaks a key it has queued when a
	 * listing is ended early. */
	while (!err && !(err = gpgme_op_keylist_next(ctx, &key))) {
		if (!aerr)
			aerr = add(n, key);
		gpgme_key_unref(key);
	}
	if (ctx)
		gpgme_op_keylist_end(ctx);
	gpgme_release(ctx);
	mule_error_restore(&saved);
}

void
mule_stick_names_learn(struct mule_stick_names *n, gpgme_key_t key)
{
	struct mule_error_record saved;

	/* A name is for people: out of memory here is no failure. */
	mule_error_save(&saved);
	if (n && key)
		(void)add(n, key);
	mule_error_restore(&saved);
}

const char *
mule_stick_name_of(struct mule_stick_names *n, const char *fpr)
{
	int i;

	if (!n || !fpr || strlen(fpr) != 40)
		return NULL;
	/* The keyring is listed only for a key not learned already. */
	if ((i = mule_nameset_get(&n->index, fpr, 40)) < 0 && !n->loaded) {
		load(n);
		i = mule_nameset_get(&n->index, fpr, 40);
	}
	return i < 0 ? NULL : n->uids[i];
}

char *
mule_stick_person(struct mule_stick_names *n, const char *fpr)
{
	const char *uid;
	char *q, *out;

	if (!strcmp(fpr, MULE_STICK_ANYONE))
		return strdup("anyone (hidden recipients)");
	uid = mule_stick_name_of(n, fpr);
	if (!uid)
		return strdup(fpr);
	q = mule_escape(uid, strlen(uid));
	if (!q || asprintf(&out, "\"%s\" (%s)", q, fpr) < 0)
		out = NULL;
	free(q);
	return out;
}

void
mule_stick_json_person(FILE *f, struct mule_stick_names *n, const char *key,
    const char *fpr)
{
	const char *uid = mule_stick_name_of(n, fpr);

	fprintf(f, ", \"%s\": ", key);
	mule_json_string(f, fpr, strlen(fpr));
	fprintf(f, ", \"%s_name\": ", key);
	if (uid)
		mule_json_string(f, uid, strlen(uid));
	else
		fputs("null", f);
}
