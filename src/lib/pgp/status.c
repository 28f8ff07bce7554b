/* SPDX-License-Identifier: GPL-3.0-or-later */
/* status.c - gpg's status lines, as mule reads them. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/text.h"
#include "pgp/status.h"

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
	/* DECRYPTION_KEY FPR PRIMARY-FPR OWNERTRUST: which of our
	 * subkeys opened the message (also with hidden recipients). */
	if (!strcmp(keyword, "DECRYPTION_KEY")) {
		n = sscanf(args, "%63s", field[0]);
		if (n != 1 || !mule_fpr_parse(field[0], st->decryption_key))
			st->decryption_key[0] = 0;
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
