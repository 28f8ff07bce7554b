/* SPDX-License-Identifier: GPL-3.0-or-later */
/* update.c - the sender's certificate, which rides every item. */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/parallel.h"
#include "key/accept.h"
#include "key/cert.h"
#include "key/export.h"
#include "key/inspect.h"
#include "key/keyring.h"
#include "pgp/gpg.h"
#include "stick/envelope.h"
#include "stick/names.h"
#include "stick/update.h"

gpg_error_t
mule_stick_cert_check(const void *cert, size_t len, const char *sender)
{
	struct mule_cert *c = NULL;
	gpg_error_t err;

	if (!len)
		return mule_reject(GPG_ERR_NO_DATA, NULL, "the sender's "
		    "certificate (%s) is empty", MULE_ENVELOPE_CERT_NAME);
	err = mule_cert_parse(cert, len, &c);
	if (!err)
		err = mule_cert_check_strength(c);
	for (size_t i = 0; !err && i < c->nuids; i++)
		if (c->uids[i].attribute)
			err = mule_reject(GPG_ERR_INV_DATA, NULL,
			    "it has a photo ID (user attribute)");
	if (!err && strcmp(c->primary.fpr, sender))
		err = mule_reject(GPG_ERR_WRONG_SECKEY, NULL, "it is the "
		    "certificate of key %s, not of the sender %s",
		    c->primary.fpr, sender);
	if (!err)
		err = mule_cert_check_bindings(c);
	if (err && gpg_err_source(err) == MULE_SOURCE_REJECT) {
		/* The parser's message, named: one line about the item. */
		struct mule_error_record rec;

		mule_error_save(&rec);
		mule_error_clear();
		mule_reject(gpg_err_code(err), NULL, "the sender's certificate "
		    "(%s): %s", MULE_ENVELOPE_CERT_NAME, rec.err == err
		    && rec.msg[0] ? rec.msg : gpg_strerror(err));
	}
	mule_cert_free(c);
	return err;
}

gpg_error_t
mule_stick_cert_export(const struct mule_gpg_opts *gopts, const char *sender,
    struct mule_membuf *cert)
{
	struct mule_gpg_opts binary = *gopts;
	struct mule_error_record rec;
	gpg_error_t err;

	binary.armor = 0;
	memset(cert, 0, sizeof *cert);
	cert->limit = MULE_STICK_CERT_MAX;
	cert->what = "your certificate";
	/* SENDER is the fingerprint of the signing key, checked already;
	 * the certificate is checked below. */
	err = mule_key_export(&binary, sender, MULE_EXPORT_FPR,
	    mule_membuf_write, cert);
	if (!err)
		err = mule_stick_cert_check(cert->p, cert->len, sender);
	/* What a reader would reject is this user's to mend. */
	if (err && gpg_err_source(err) == MULE_SOURCE_REJECT) {
		mule_error_save(&rec);
		mule_error_clear();
		err = mule_error_set(mule_fail_code(gpg_err_code(err)),
		    gpg_err_code(err) == GPG_ERR_TOO_LARGE ? "delete retired "
		    "subkeys from your key (gpg --edit-key, delkey): peers keep "
		    "them" : NULL, "key %s: recipients would refuse your items: "
		    "%s", sender, rec.msg[0] ? rec.msg : gpg_strerror(err));
	}
	if (err)
		mule_membuf_release(cert);
	return err;
}

/* A certificate of SENDER that brings nothing new, by its digest; or a
 * sender whose key is not accepted here (nothing of it is merged). */
struct known {
	char sender[41];
	unsigned char digest[32];
	int not_accepted;
};

struct mule_stick_updates {
	const struct mule_gpg_opts *gopts;
	struct mule_stick_names *names;	/* learns each sender listed */
	pthread_mutex_t lock;
	struct known *known;
	size_t nknown;
};

gpg_error_t
mule_stick_updates_new(struct mule_stick_updates **up,
    const struct mule_gpg_opts *gopts)
{
	struct mule_stick_updates *u = calloc(1, sizeof *u);

	*up = NULL;
	if (!u)
		return gpg_error_from_syserror();
	u->gopts = gopts;
	pthread_mutex_init(&u->lock, NULL);
	*up = u;
	return 0;
}

void
mule_stick_updates_free(struct mule_stick_updates *u)
{
	if (!u)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u->known);
	free(u);
}

static gpg_error_t
remember(struct mule_stick_updates *u, const char *sender,
    const unsigned char digest[32], int not_accepted)
{
	struct known *k = realloc(u->known, (u->nknown + 1) * sizeof *k);

	if (!k)
		return gpg_error_from_syserror();
	u->known = k;
	k += u->nknown++;
	memset(k, 0, sizeof *k);
	memcpy(k->sender, sender, 41);
	if (digest)
		memcpy(k->digest, digest, 32);
	k->not_accepted = not_accepted;
	return 0;
}

/* Whether the run knows SENDER already (*SEEN), and whether DIGEST is
 * known to bring nothing (returned). */
static int
nothing_new(const struct mule_stick_updates *u, const char *sender,
    const unsigned char digest[32], int *seen)
{
	size_t i;

	*seen = 0;
	for (i = 0; i < u->nknown; i++) {
		if (strcmp(u->known[i].sender, sender))
			continue;
		*seen = 1;
		if (u->known[i].not_accepted
		    || !memcmp(u->known[i].digest, digest, 32))
			return 1;
	}
	return 0;
}

/* The first look at SENDER in this run: the digest of the keyring's
 * minimal export of the key, which items carry while nothing changed;
 * or, for a key that is not there or not accepted, a mark that nothing
 * of it is merged. */
static gpg_error_t
first_look(struct mule_stick_updates *u, const char *sender)
{
	struct mule_gpg_opts binary = *u->gopts;
	unsigned char digest[32];
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_data_t data = NULL;
	char *buf = NULL;
	size_t len = 0;
	gpg_error_t err;

	binary.armor = 0;
	err = mule_gpg_ctx_new(&ctx, &binary);
	if (!err)
		err = mule_key_by_fpr(ctx, sender, &key);
	/* The report names the sender: from this listing, not from a
	 * listing of the whole keyring (a gpg run per get). */
	if (!err && key && u->names) {
		mule_parallel_lock();
		mule_stick_names_learn(u->names, key);
		mule_parallel_unlock();
	}
	if (!err && (!key || !mule_key_accepted(key))) {
		err = remember(u, sender, NULL, 1);
		goto leave;
	}
	if (!err)
		err = gpgme_data_new(&data);
	if (!err)
		err = gpgme_op_export(ctx, sender, GPGME_EXPORT_MODE_MINIMAL,
		    data);
	if (err) {
		mule_error_set(err, NULL, "exporting %s: %s", sender,
		    gpg_strerror(err));
		goto leave;
	}
	buf = gpgme_data_release_and_get_mem(data, &len);
	data = NULL;
	gcry_md_hash_buffer(GCRY_MD_SHA256, digest, buf ? buf : "", len);
	err = remember(u, sender, digest, 0);
leave:
	gpgme_free(buf);
	gpgme_data_release(data);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}

static gpg_error_t
merge(struct mule_stick_updates *u, const char *sender, const void *cert,
    size_t len, struct mule_stick_update_result *res)
{
	struct mule_candidate *c = NULL;
	struct mule_accept_report r;
	gpg_error_t err;

	memset(&r, 0, sizeof r);
	err = mule_candidate_new_mem(&c, cert, len, "the sender's "
	    "certificate (" MULE_ENVELOPE_CERT_NAME ")");
	if (!err && strcmp(c->cert->primary.fpr, sender))
		err = mule_reject(GPG_ERR_WRONG_SECKEY, NULL, "the sender's "
		    "certificate is of another key");
	if (!err)
		err = mule_accept_update(u->gopts, c, &r);
	if (!err) {
		res->merged = r.update;
		res->new_subkeys = r.new_subkeys;
		res->new_uids = r.new_uids;
		res->revoked = r.revoked;
	}
	mule_accept_report_release(&r);
	mule_candidate_free(c);
	return err;
}

void
mule_stick_updates_names(struct mule_stick_updates *u,
    struct mule_stick_names *names)
{
	u->names = names;
}

gpg_error_t
mule_stick_update(struct mule_stick_updates *u, const char *sender,
    const void *cert, size_t len, struct mule_stick_update_result *res)
{
	unsigned char digest[32];
	gpg_error_t err = 0;
	int seen;

	memset(res, 0, sizeof *res);
	gcry_md_hash_buffer(GCRY_MD_SHA256, digest, cert, len);
	pthread_mutex_lock(&u->lock);
	if (!nothing_new(u, sender, digest, &seen) && !seen)
		err = first_look(u, sender);
	if (!err && !nothing_new(u, sender, digest, &seen)) {
		err = merge(u, sender, cert, len, res);
		/* Merged (or found unchanged): not again in this run. */
		if (!err)
			err = remember(u, sender, digest, 0);
	}
	pthread_mutex_unlock(&u->lock);
	return err;
}
