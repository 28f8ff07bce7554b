/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seal.c - sign and encrypt. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "pgp/armor.h"
#include "pgp/data.h"
#include "pgp/gpg.h"
#include "pgp/keyfile.h"
#include "pgp/keys.h"
#include "pgp/pump.h"
#include "pgp/seal.h"
#include "pgp/sign.h"

#define SAMPLE_SIZE (64 * 1024)

/* The error for the key file whose private copy gpg refused as the
 * recipient GIVEN (the name gpg was given), or 0 if GIVEN is no copy of
 * ours.  The copy's path must not be shown (issue 18): the user's file
 * and the key in it are. */
static gpg_error_t
explain_key_file(const char *given, gpg_error_t reason,
    struct mule_keyfile *const *kfs, size_t n)
{
	char hint[300];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!kfs[i] || strcmp(given, mule_keyfile_copy(kfs[i])))
			continue;
		snprintf(hint, sizeof hint, "check the key with: gpg "
		    "--show-keys %s", mule_keyfile_name(kfs[i]));
		return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_PUBKEY),
		    hint, "key file %s: key %s cannot encrypt (%s)",
		    mule_keyfile_name(kfs[i]), mule_keyfile_fpr(kfs[i]),
		    gpg_strerror(reason));
	}
	return 0;
}

/* Turn a failed gpg operation into a message that names the culprit. */
static gpg_error_t
explain_failure(gpgme_ctx_t ctx, gpg_error_t err,
    const struct mule_seal_opts *o, struct mule_keyfile *const *opened)
{
	gpgme_encrypt_result_t eres = gpgme_op_encrypt_result(ctx);
	const char *fpr;
	char hint[80];
	gpg_error_t named, reason;

	if (eres && eres->invalid_recipients) {
		fpr = eres->invalid_recipients->fpr;
		reason = eres->invalid_recipients->reason;
		if (fpr && ((named = explain_key_file(fpr, reason, opened,
		    o->nrecipient_files)) || (named = explain_key_file(fpr,
		    reason, o->keyfiles, o->nkeyfiles))))
			return named;
		snprintf(hint, sizeof hint, "check the key with: gpg "
		    "--list-keys %s", fpr ? fpr : "");
		return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_PUBKEY),
		    fpr ? hint : NULL, "recipient %s: %s", fpr ? fpr : "?",
		    gpg_strerror(eres->invalid_recipients->reason));
	}
	return mule_sign_explain(ctx, err, o->offers_no_sign
	    ? "name a signing key with -u, or use --no-sign"
	    : "name a signing key with -u", "sealing");
}

/* The recipient string for O: its -r names, its -R files (read and
 * checked here into OWN, which the caller frees) and the key files read
 * already. */
static gpg_error_t
resolve(gpgme_ctx_t ctx, const struct mule_seal_opts *o,
    struct mule_keyfile **own, char **recp)
{
	size_t nfiles = o->nrecipient_files + o->nkeyfiles, i;
	const char **files = calloc(nfiles ? nfiles : 1, sizeof *files);
	gpg_error_t err = files ? 0 : gpg_error_from_syserror();

	for (i = 0; !err && i < o->nrecipient_files; i++)
		if (!(err = mule_keyfile_open(ctx, o->recipient_files[i],
		    &own[i])))
			files[i] = mule_keyfile_copy(own[i]);
	for (i = 0; !err && i < o->nkeyfiles; i++)
		files[o->nrecipient_files + i] = mule_keyfile_copy(o->keyfiles[i]);
	if (!err)
		err = mule_recipients_resolve(ctx, o->recipients,
		    o->nrecipients, files, nfiles, recp);
	free(files);
	return err;
}

gpg_error_t
mule_seal(const struct mule_gpg_opts *gopts, const struct mule_seal_opts *o,
    int in_fd, mule_write_fn write, void *arg)
{
	struct mule_pump pump;
	struct mule_source src;
	struct mule_sink sink = { write, arg, 0, 0, 0, 0 };
	struct mule_armor *armor = NULL;
	gpgme_data_t plain = NULL, cipher = NULL;
	gpgme_encrypt_flags_t flags = 0;
	gpgme_sign_result_t sres;
	gpgme_ctx_t ctx = NULL;
	struct mule_keyfile **opened = NULL;
	char *recp = NULL;
	int compress = o->compress;
	gpg_error_t err = 0;
	size_t i;

	mule_source_init_fd(&src, in_fd);
	src.progress = gopts->progress;
	if (!o->nrecipients && !o->nrecipient_files && !o->nkeyfiles
	    && !o->symmetric) {
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    o->offers_symmetric ? "name recipients with -r or -R, "
		    "or use -c" : "name recipients with -r or -R",
		    "no recipients");
		goto leave;
	}
	/* A context given is reused as it is: looking the signer up again
	 * costs gpg runs per message (mule-stick put). */
	if (o->ctx)
		ctx = o->ctx;
	else
		err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err && !(opened = calloc(o->nrecipient_files + 1,
	    sizeof *opened)))
		err = gpg_error_from_syserror();
	if (!err && (o->nrecipients || o->nrecipient_files || o->nkeyfiles))
		err = resolve(ctx, o, opened, &recp);
	/* Without -u gpg signs with its default key, the very rule
	 * pgp/defkey.c follows where the signer must be known before
	 * signing (mule-stick): no key listing here, on every call. */
	if (!err && !o->no_sign && o->signer && !o->ctx)
		err = mule_signer_name(ctx, o->signer);
	if (!err)
		err = mule_source_peek(&src, SAMPLE_SIZE);
	if (err)
		goto leave;
	if (compress < 0)
		compress = mule_sample_compressible(src.pre, src.pre_len);
	if (recp)
		flags |= GPGME_ENCRYPT_ALWAYS_TRUST;	/* we checked validity */
	if (!compress)
		flags |= GPGME_ENCRYPT_NO_COMPRESS;
	if (o->hide_recipients)
		flags |= GPGME_ENCRYPT_THROW_KEYIDS;
	if (o->symmetric)
		flags |= GPGME_ENCRYPT_SYMMETRIC;
	/* gpg writes binary; we armour it on our side of the pipe. */
	if (gopts->armor) {
		gpgme_set_armor(ctx, 0);
		err = mule_armor_new(&armor, write, arg);
		if (err)
			goto leave;
		sink.write = mule_armor_write;
		sink.arg = armor;
	}
	err = mule_data_from_source(&plain, &src);
	if (!err)
		err = mule_data_to_sink(&cipher, &sink);
	if (err)
		goto leave;
	mule_pump_begin(&pump, ctx);
	if (o->no_sign)
		err = gpgme_op_encrypt_ext_start(ctx, NULL, recp, flags, plain,
		    cipher);
	else
		err = gpgme_op_encrypt_sign_ext_start(ctx, NULL, recp, flags,
		    plain, cipher);
	err = mule_pump_run(&pump, err);
	if (err) {
		gpg_error_t own = mule_data_own_error(&src, &sink);

		err = own ? own : explain_failure(ctx, err, o, opened);
		goto leave;
	}
	if (!o->no_sign) {
		sres = gpgme_op_sign_result(ctx);
		if (!sres || !sres->signatures || sres->invalid_signers)
			err = explain_failure(ctx,
			    mule_fail_code(GPG_ERR_NO_SECKEY), o, opened);
	}
	if (!err && armor)
		err = mule_armor_finish(armor);
leave:
	mule_armor_free(armor);
	gpgme_data_release(plain);
	gpgme_data_release(cipher);
	if (ctx != o->ctx)
		gpgme_release(ctx);
	mule_source_release(&src);
	free(recp);
	for (i = 0; opened && i < o->nrecipient_files; i++)
		mule_keyfile_free(opened[i]);
	free(opened);
	return err;
}
