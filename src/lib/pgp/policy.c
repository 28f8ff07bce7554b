/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy.c - the one signer policy every tool uses. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/strlist.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "pgp/keyname.h"
#include "pgp/keys.h"
#include "pgp/policy.h"

static const char hint_clock[] =
    "check this computer's clock (offline machines drift); if it is "
    "right, the signature is suspect";

/* The hint for an uncertified signer FPR, in BUF. */
static const char *
hint_certify(char *buf, size_t size, const char *fpr)
{
	snprintf(buf, size, "check the fingerprint with its owner, then "
	    "certify the key (gpg --lsign-key %s) or pin it with --signer %s",
	    fpr, fpr);
	return buf;
}

gpg_error_t
mule_policy_build(const struct mule_gpg_opts *gopts,
    const struct mule_signer_opts *a, struct mule_policy *p,
    struct mule_keyhome **home)
{
	gpgme_ctx_t ctx = NULL;
	char fpr[41];
	gpg_error_t err = 0;
	size_t i;

	memset(p, 0, sizeof *p);
	*home = NULL;
	p->allow_unsigned = a->allow_unsigned;
	/* Only a user ID needs the keyring: a context costs a gpg run. */
	if (a->nsigners)
		err = mule_gpg_ctx_new(&ctx, gopts);
	for (i = 0; !err && i < a->nsigners; i++) {
		if (mule_fpr_parse(a->signers[i], fpr))
			err = mule_strlist_add(&p->pinned, &p->npinned, fpr);
		else
			err = mule_signer_pin_userid(ctx, a->signers[i],
			    &p->pinned, &p->npinned);
	}
	/* Verifying happens in a home with only the signer files' keys, so
	 * the keys pinned by --signer go there too. */
	if (!err && a->nsigner_files) {
		size_t from_keyring = p->npinned;

		err = mule_keyhome_new(home, a->signer_files,
		    a->nsigner_files, &p->pinned, &p->npinned);
		if (!err)
			err = mule_keyhome_copy(*home, ctx, p->pinned,
			    from_keyring);
	}
	gpgme_release(ctx);
	if (err)
		mule_policy_release(p);
	return err;
}

void
mule_policy_release(struct mule_policy *p)
{
	mule_strlist_free(p->pinned, p->npinned);
	memset(p, 0, sizeof *p);
}

static int
is_pinned(const struct mule_policy *p, const char *fpr)
{
	size_t i;

	if (!fpr || !*fpr)
		return 0;
	for (i = 0; i < p->npinned; i++)
		if (!strcasecmp(p->pinned[i], fpr))
			return 1;
	return 0;
}

static const struct mule_sigstatus *
status_for(const struct mule_verify_status *st, size_t index,
    gpgme_signature_t sig)
{
	if (index < st->nsigs && sig->fpr
	    && !strcasecmp(st->sigs[index].fpr, sig->fpr))
		return &st->sigs[index];
	return NULL;
}

/* For a key gpg calls expired: was it still valid when it signed?  The
 * signing subkey and its primary key must both have been unexpired. */
static int
expired_before_signing(gpgme_ctx_t keyctx, gpgme_signature_t sig)
{
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	long when = (long)sig->timestamp;
	int before = 0, found = 0;

	if (!keyctx || gpgme_get_key(keyctx, sig->fpr, &key, 0))
		return 1;
	for (sub = key->subkeys; sub; sub = sub->next) {
		int primary = sub == key->subkeys;

		if (!primary && (!sub->fpr || strcasecmp(sub->fpr, sig->fpr)))
			continue;
		if (!primary || !strcasecmp(sub->fpr, sig->fpr))
			found = 1;
		if (sub->expires && sub->expires <= when)
			before = 1;
	}
	gpgme_key_unref(key);
	return before || !found;
}

/* The bytes released must be the bytes signed.  A literal packet's
 * header is not covered by its signature: flipping its format from 'b'
 * to 't' makes gpg drop every CR of a binary-signed message on output
 * while it still reports a good signature. */
static gpg_error_t
check_class(const struct mule_policy *p, const struct mule_verify_status *st,
    const struct mule_sigstatus *ss, const char *fpr)
{
	switch (ss->sigclass) {
	case 0x00:
		if (st->plaintexts && st->literal_format != 'b')
			return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
			    "the binary signature by key %s is over data marked "
			    "as text (the unsigned format byte was changed)",
			    fpr);
		return 0;
	case 0x01:
		if (!p->text_ok)
			return mule_reject(GPG_ERR_WRONG_KEY_USAGE,
			    p->offers_text ? "a text signature survives "
			    "line-ending changes; use --text if the data is text"
			    : "sign binary data with a binary signature",
			    "the signature by key %s is a text-mode signature",
			    fpr);
		return 0;
	default:
		return mule_reject(GPG_ERR_WRONG_KEY_USAGE, NULL,
		    "the signature by key %s is of class 0x%02x, not over "
		    "data", fpr, ss->sigclass);
	}
}

/* Same text, ignoring case; neither empty. */
static int
same(const char *a, const char *b)
{
	return a && b && *a && *b && !strcasecmp(a, b);
}

/* A user ID of SIGNER that names the person of U (same name or same
 * e-mail address), or NULL. */
static gpgme_user_id_t
claims(gpgme_key_t signer, gpgme_user_id_t u)
{
	gpgme_user_id_t c;

	for (c = signer->uids; c; c = c->next)
		if (c->uid && (same(c->email, u->email)
		    || same(c->name, u->name)))
			return c;
	return NULL;
}

/* Whether the uncertified key PRIMARY claims, by a user ID, to be a
 * person whose key the user certified: then the rejection says so.
 * (Only on the way to a rejection: it lists the keyring.) */
static gpg_error_t
impersonation(gpgme_ctx_t keyctx, const char *primary)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t signer = NULL, k;
	gpgme_user_id_t u, c = NULL;
	char *claim = NULL, *who = NULL, fpr[41] = "";
	struct mule_error_record saved;
	gpg_error_t err = 0;

	if (!keyctx)
		return 0;
	mule_error_save(&saved);
	if (mule_keyname_ctx(keyctx, &ctx)
	    || mule_key_get(ctx, primary, 0, &signer)
	    || gpgme_op_keylist_start(ctx, NULL, 0))
		goto leave;
	while (!c && !gpgme_op_keylist_next(ctx, &k)) {
		for (u = k->uids; !c && u && k->fpr
		    && strcasecmp(k->fpr, primary); u = u->next)
			if (!u->revoked && !u->invalid
			    && u->validity >= GPGME_VALIDITY_FULL
			    && (c = claims(signer, u))) {
				snprintf(fpr, sizeof fpr, "%s", k->fpr);
				who = mule_escape(same(c->name, u->name)
				    ? u->name : u->email, strlen(same(c->name,
				    u->name) ? u->name : u->email));
				claim = mule_escape(c->uid, strlen(c->uid));
			}
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
leave:
	gpgme_key_unref(signer);
	gpgme_release(ctx);
	mule_error_restore(&saved);
	if (claim && who)
		err = mule_reject(GPG_ERR_NOT_TRUSTED, "do not trust this "
		    "message; if they have a new key, check its fingerprint "
		    "with them before you certify it", "signed by a key that "
		    "claims to be %s (%s), but the %s you certified is %s: "
		    "this may be an impersonation", claim, primary, who, fpr);
	free(claim);
	free(who);
	return err;
}

static gpg_error_t
check_one(const struct mule_policy *p, gpgme_signature_t sig,
    const struct mule_verify_status *st, const struct mule_sigstatus *ss,
    gpgme_ctx_t keyctx)
{
	gpg_error_t err;
	const char *fpr = sig->fpr ? sig->fpr : "(unknown)";
	const char *primary = ss && ss->primary[0] ? ss->primary : fpr;
	char hint[200];

	/* First, since a wrong clock also makes gpg refuse the key itself
	 * ("created in the future"), which would read as an unknown key. */
	if ((long long)sig->timestamp > (long long)time(NULL) + MULE_CLOCK_SKEW)
		return mule_reject(GPG_ERR_TIME_CONFLICT, hint_clock,
		    "the signature by key %s was made in the future", primary);
	switch (gpg_err_code(sig->status)) {
	case GPG_ERR_NO_ERROR:
		break;
	case GPG_ERR_BAD_SIGNATURE:
		return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
		    "bad signature by key %s: the data was altered", fpr);
	case GPG_ERR_NO_PUBKEY:
		if (p->npinned && is_pinned(p, fpr))
			return mule_reject(GPG_ERR_NO_PUBKEY,
			    "import it, or give its key file with --signer-file",
			    "signed by key %s, which you pinned but which is "
			    "not in your keyring", fpr);
		if (p->npinned)
			return mule_reject(GPG_ERR_NOT_TRUSTED,
			    "--signer and --signer-file name the keys to accept",
			    "signed by key %s, which is not among the given "
			    "signers", fpr);
		return mule_reject(GPG_ERR_NO_PUBKEY,
		    "get the signer's key and check it, then import and certify "
		    "it, or give its key file with --signer-file",
		    "signed by an unknown key %s", fpr);
	case GPG_ERR_CERT_REVOKED:
		return mule_reject(GPG_ERR_CERT_REVOKED, NULL,
		    "signed by key %s, which is revoked", primary);
	case GPG_ERR_SIG_EXPIRED:
		return mule_reject(GPG_ERR_SIG_EXPIRED, NULL,
		    "the signature by key %s has expired", primary);
	case GPG_ERR_KEY_EXPIRED:
		if (expired_before_signing(keyctx, sig))
			return mule_reject(GPG_ERR_KEY_EXPIRED, NULL,
			    "signed by key %s after it expired", primary);
		/* Expired since: good, if the signer is pinned. */
		if (!is_pinned(p, primary) && !is_pinned(p, fpr))
			return mule_reject(GPG_ERR_KEY_EXPIRED, (snprintf(hint,
			    sizeof hint, "pin it with --signer %s to accept it "
			    "anyway", primary), hint),
			    "signed by key %s, which has expired since", primary);
		break;
	default:
		return mule_reject(gpg_err_code(sig->status), NULL,
		    "signature by key %s: %s", fpr, gpg_strerror(sig->status));
	}
	if (sig->wrong_key_usage)
		return mule_reject(GPG_ERR_WRONG_KEY_USAGE, NULL,
		    "key %s is not meant for signing", fpr);
	if (sig->hash_algo == GPGME_MD_MD5 || sig->hash_algo == GPGME_MD_SHA1
	    || sig->hash_algo == GPGME_MD_RMD160)
		return mule_reject(GPG_ERR_DIGEST_ALGO,
		    "ask the sender to use a current OpenPGP implementation",
		    "signature by key %s uses the broken hash %s", primary,
		    gpgme_hash_algo_name(sig->hash_algo));
	if (!ss || !ss->fpr[0])
		return mule_reject(GPG_ERR_BAD_SIGNATURE, NULL,
		    "gpg did not confirm the signature by key %s", fpr);
	if ((err = check_class(p, st, ss, primary)))
		return err;
	if (p->npinned) {
		if (!is_pinned(p, primary) && !is_pinned(p, fpr))
			return mule_reject(GPG_ERR_NOT_TRUSTED,
			    "--signer and --signer-file name the keys to accept",
			    "signed by key %s, which is not among the given "
			    "signers", primary);
	} else if (sig->validity < GPGME_VALIDITY_FULL) {
		if ((err = impersonation(keyctx, primary)))
			return err;
		return mule_reject(GPG_ERR_NOT_TRUSTED, hint_certify(hint,
		    sizeof hint, primary), "signed by key %s, which you have "
		    "not certified", primary);
	}
	return 0;
}

gpg_error_t
mule_policy_check(const struct mule_policy *p, gpgme_verify_result_t res,
    const struct mule_verify_status *st, gpgme_ctx_t keyctx,
    struct mule_verdict *v)
{
	gpgme_signature_t sig;
	const struct mule_sigstatus *ss;
	struct mule_signer *s;
	gpg_error_t err;
	size_t i = 0;

	memset(v, 0, sizeof *v);
	if (!res || !res->signatures) {
		if (p->allow_unsigned) {
			v->was_unsigned = 1;
			return 0;
		}
		return mule_reject(GPG_ERR_NO_DATA, p->offers_allow_unsigned
		    ? "if you expect unsigned input, use --allow-unsigned"
		    : NULL, "the message is not signed");
	}
	for (sig = res->signatures; sig; sig = sig->next, i++) {
		ss = status_for(st, i, sig);
		err = check_one(p, sig, st, ss, keyctx);
		if (err) {
			mule_verdict_release(v);
			return err;
		}
		s = realloc(v->signers, (v->nsigners + 1) * sizeof *s);
		if (!s) {
			mule_verdict_release(v);
			return gpg_error_from_syserror();
		}
		v->signers = s;
		s = &v->signers[v->nsigners++];
		memset(s, 0, sizeof *s);
		snprintf(s->fpr, sizeof s->fpr, "%s", ss->primary[0]
		    ? ss->primary : ss->fpr);
		snprintf(s->sigfpr, sizeof s->sigfpr, "%s", ss->fpr);
		s->sigclass = ss->sigclass;
		s->uid = ss->uid ? mule_escape(ss->uid, ss->uid_len)
		    : strdup("");
		if (!s->uid) {
			err = gpg_error_from_syserror();
			mule_verdict_release(v);
			return err;
		}
		s->when = (time_t)sig->timestamp;
	}
	return 0;
}

void
mule_verdict_release(struct mule_verdict *v)
{
	size_t i;

	for (i = 0; i < v->nsigners; i++)
		free(v->signers[i].uid);
	free(v->signers);
	memset(v, 0, sizeof *v);
}
