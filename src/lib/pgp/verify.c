/* verify.c - the one signature policy every tool uses. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/text.h"
#include "pgp/verify.h"

static const char hint_clock[] =
    "check this computer's clock (offline machines drift); if it is "
    "right, the signature is suspect";

static const char hint_certify[] =
    "check the fingerprint with its owner, then certify the key "
    "(gpg --lsign-key FPR) or pin it with --signer FPR";

static struct mule_sigstatus *
status_new_sig(struct mule_verify_status *st)
{
	struct mule_sigstatus *s;

	s = realloc(st->sigs, (st->nsigs + 1) * sizeof *s);
	if (!s)
		return NULL;
	st->sigs = s;
	s = &st->sigs[st->nsigs++];
	memset(s, 0, sizeof *s);
	return s;
}

gpg_error_t
mule_verify_status_line(struct mule_verify_status *st, const char *keyword,
    const char *args)
{
	struct mule_sigstatus *s;
	const char *p;
	char field[11][64];
	int n;

	if (st->forbid_decryption && (!strcmp(keyword, "ENC_TO")
	    || !strncmp(keyword, "BEGIN_DECRYPTION", 16)
	    || !strncmp(keyword, "DECRYPTION_", 11)
	    || !strncmp(keyword, "NEED_PASSPHRASE", 15)
	    || !strcmp(keyword, "PINENTRY_LAUNCHED"))) {
		st->saw_decryption = 1;
		return gpg_error(GPG_ERR_CANCELED);
	}
	if (!strcmp(keyword, "BEGIN_DECRYPTION"))
		st->decrypting = 1;
	/* A passphrase asked for where the message has no passphrase packet
	 * (encrypted data without a session key packet: "assuming IDEA"), or
	 * from inside the encryption, is the input's doing: nobody is asked,
	 * and no passphrase given for a key is handed to it. */
	if (!strcmp(keyword, "NEED_PASSPHRASE_SYM")) {
		if (st->forbid_symmetric || st->decrypting) {
			st->saw_symmetric = 1;
			return gpg_error(GPG_ERR_CANCELED);
		}
		st->asked_symmetric = 1;
		return 0;
	}
	if (!strcmp(keyword, "KEY_CONSIDERED")) {
		n = sscanf(args, "%63s", field[0]);
		if (n != 1 || !mule_fpr_parse(field[0], st->considered))
			st->considered[0] = 0;
		return 0;
	}
	/* gpg-agent could not decrypt the session key with our key: a
	 * passphrase not given, wrong, or no pinentry to ask for it. */
	if (!strcmp(keyword, "ERROR")
	    && !strncmp(args, "pkdecrypt_failed ", 17)) {
		st->key_error = (gpg_error_t)strtoul(args + 17, NULL, 10);
		memcpy(st->key_fpr, st->considered, sizeof st->key_fpr);
		return 0;
	}
	if (!strcmp(keyword, "NEWSIG"))
		return status_new_sig(st) ? 0 : gpg_error_from_syserror();
	if (!strcmp(keyword, "PLAINTEXT")) {
		/* FORMAT TIMESTAMP NAME; FORMAT is the literal's byte in hex. */
		if (!st->plaintexts++)
			st->literal_format = (unsigned)strtoul(args, NULL, 16);
		return 0;
	}
	if (!st->nsigs)
		return 0;
	s = &st->sigs[st->nsigs - 1];
	if (!strcmp(keyword, "GOODSIG") || !strcmp(keyword, "EXPSIG")
	    || !strcmp(keyword, "EXPKEYSIG") || !strcmp(keyword, "REVKEYSIG")
	    || !strcmp(keyword, "BADSIG")) {
		p = strchr(args, ' ');
		if (p && !s->uid)
			s->uid = mule_percent_decode(p + 1, &s->uid_len);
	} else if (!strcmp(keyword, "VALIDSIG")) {
		/* FPR DATE TIMESTAMP EXPIRE VERSION RESERVED PKALGO HASHALGO
		 * CLASS PRIMARY-FPR */
		n = sscanf(args, "%63s %63s %63s %63s %63s %63s %63s %63s %63s %63s",
		    field[0], field[1], field[2], field[3], field[4], field[5],
		    field[6], field[7], field[8], field[9]);
		if (n >= 1)
			mule_fpr_parse(field[0], s->fpr);
		if (n >= 9)
			s->sigclass = (unsigned)strtoul(field[8], NULL, 16);
		if (n >= 10)
			mule_fpr_parse(field[9], s->primary);
	}
	return 0;
}

static gpgme_error_t
status_cb(void *hook, const char *keyword, const char *args)
{
	return mule_verify_status_line(hook, keyword, args);
}

gpg_error_t
mule_verify_status_attach(gpgme_ctx_t ctx, struct mule_verify_status *st)
{
	memset(st, 0, sizeof *st);
	gpgme_set_status_cb(ctx, status_cb, st);
	return gpgme_set_ctx_flag(ctx, "full-status", "1");
}

gpg_error_t
mule_verify_status_attach_verify_only(gpgme_ctx_t ctx,
    struct mule_verify_status *st)
{
	gpg_error_t err = mule_verify_status_attach(ctx, st);

	st->forbid_decryption = 1;
	/* Nobody is asked for anything: not even a pinentry may appear
	 * before the status line that stops the run arrives. */
	if (!err)
		err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_CANCEL);
	return err;
}

gpg_error_t
mule_verify_status_one_literal(const struct mule_verify_status *st)
{
	if (st->plaintexts != 1)
		return mule_reject(GPG_ERR_BAD_DATA, NULL,
		    "the input holds %s literal data packet (damaged, or "
		    "compressed with an unknown method)",
		    st->plaintexts ? "more than one" : "no");
	return 0;
}

gpg_error_t
mule_verify_status_refusal(const struct mule_verify_status *st)
{
	if (!st->saw_decryption)
		return 0;
	return mule_reject(GPG_ERR_NO_DATA, "open it with mule-open",
	    "the input holds an encrypted message");
}

void
mule_verify_status_release(struct mule_verify_status *st)
{
	size_t i;

	for (i = 0; i < st->nsigs; i++)
		free(st->sigs[i].uid);
	free(st->sigs);
	memset(st, 0, sizeof *st);
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

static gpg_error_t
check_one(const struct mule_policy *p, gpgme_signature_t sig,
    const struct mule_verify_status *st, const struct mule_sigstatus *ss,
    gpgme_ctx_t keyctx)
{
	gpg_error_t err;
	const char *fpr = sig->fpr ? sig->fpr : "(unknown)";
	const char *primary = ss && ss->primary[0] ? ss->primary : fpr;

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
			    "import it, or give it with --signer-file KEYFILE",
			    "signed by key %s, which you pinned but which is "
			    "not in your keyring", fpr);
		if (p->npinned)
			return mule_reject(GPG_ERR_NOT_TRUSTED,
			    "--signer and --signer-file name the keys to accept",
			    "signed by key %s, which is not among the given "
			    "signers", fpr);
		return mule_reject(GPG_ERR_NO_PUBKEY,
		    "get the signer's key and check it, then import and certify "
		    "it, or use --signer-file KEYFILE",
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
			return mule_reject(GPG_ERR_KEY_EXPIRED,
			    "pin it with --signer FPR to accept it anyway",
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
		return mule_reject(GPG_ERR_NOT_TRUSTED, hint_certify,
		    "signed by key %s, which you have not certified", primary);
	}
	return 0;
}

gpg_error_t
mule_verify_check(const struct mule_policy *p, gpgme_verify_result_t res,
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
