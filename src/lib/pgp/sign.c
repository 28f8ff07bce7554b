/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sign.c - signatures without encryption. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/output.h"
#include "core/text.h"
#include "pgp/data.h"
#include "pgp/gpg.h"
#include "pgp/keyname.h"
#include "pgp/keys.h"
#include "pgp/manifest.h"
#include "pgp/pump.h"
#include "pgp/sign.h"

#define HINT "name a signing key with -u"

/* The signing key of CTX could not be unlocked (CODE): name it. */
static gpg_error_t
locked(gpgme_ctx_t ctx, gpg_err_code_t code)
{
	gpgme_key_t key = gpgme_signers_enum(ctx, 0);
	char *name = NULL;
	gpg_error_t err;

	/* A key named by fingerprint was not listed (mule_signer_name):
	 * look its user ID up now, on this path only. */
	if (key && !key->uids && key->fpr)
		name = mule_keyname(ctx, key->fpr, 1);
	if (!name)
		name = mule_keyname_of(key);

	err = mule_keyname_locked(code, "the signing key", name);
	free(name);
	gpgme_key_unref(key);
	return err;
}

/* gpg says "no secret key" (INV_SGNR 9) also for a secret key whose
 * signing subkeys expired or were revoked: tell the two apart, on this
 * failure path only. */
static gpg_error_t
no_seckey(gpgme_ctx_t ctx, const char *given, const char *hint)
{
	gpgme_key_t key = NULL;
	gpg_error_t err;
	const char *why;
	char fpr[41];

	/* GIVEN lives in the operation's result, which the listing below
	 * frees.  A key listed before signing is given by key ID. */
	if (!given || !mule_fpr_parse(given, fpr))
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), hint,
		    "signing key %s: no usable secret key", given
		    && strspn(given, "0123456789ABCDEFabcdef") == strlen(given)
		    ? given : "(default)");
	if (mule_key_get(ctx, fpr, 1, &key) || !key)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), hint,
		    "signing key %s: no such secret key", fpr);
	why = key->revoked ? "revoked" : key->expired ? "expired"
	    : key->disabled ? "disabled" : "no usable signing subkey";
	err = mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_SECKEY), hint,
	    "signing key %s cannot sign (%s)", fpr, why);
	gpgme_key_unref(key);
	return err;
}

gpg_error_t
mule_sign_explain(gpgme_ctx_t ctx, gpg_error_t err, const char *hint,
    const char *what)
{
	gpgme_sign_result_t res = gpgme_op_sign_result(ctx);

	gpgme_invalid_key_t bad = res ? res->invalid_signers : NULL;

	/* gpg's word on the key it was told to sign with (a key named by
	 * fingerprint is checked only here: mule_signer_name). */
	if (bad && gpg_err_code(bad->reason) == GPG_ERR_NO_SECKEY)
		return no_seckey(ctx, bad->fpr, hint);
	if (bad)
		return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_SECKEY),
		    hint, "signing key %s cannot sign: %s",
		    bad->fpr ? bad->fpr : "(default)",
		    gpg_strerror(bad->reason));
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_SECKEY:
	case GPG_ERR_UNUSABLE_SECKEY:
		return mule_error_set(mule_fail_code(gpg_err_code(err)), hint,
		    "no usable secret key to sign with");
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
	case GPG_ERR_ENOTTY:
		return locked(ctx, gpg_err_code(err));
	default:
		return mule_error_set(err, NULL, "%s failed: %s", what,
		    gpg_strerror(err));
	}
}

static gpg_error_t
sign_source(const struct mule_gpg_opts *gopts, enum mule_sign_mode mode,
    const char *signer, struct mule_source *src, struct mule_output *out);

gpg_error_t
mule_sign(const struct mule_gpg_opts *gopts, enum mule_sign_mode mode,
    const char *signer, int in_fd, struct mule_output *out)
{
	struct mule_source src;

	mule_source_init_fd(&src, in_fd);
	src.progress = gopts->progress;
	return sign_source(gopts, mode, signer, &src, out);
}

gpg_error_t
mule_sign_manifest(const struct mule_gpg_opts *gopts, const char *signer,
    const char *dir, const char *output_path, int include_mailbox,
    struct mule_output *out, struct mule_manifest_skips *skips)
{
	char *names[2] = { NULL, NULL };
	struct mule_manifest_exclude ex = { names, 1, 0, 0, 0, 0,
	    !include_mailbox };
	/* The manifest text, built in memory (about 100 bytes a file). */
	struct mule_membuf text = { NULL, 0, 0, 0, NULL };
	struct mule_source src;
	struct stat st;
	gpg_error_t err;

	memset(skips, 0, sizeof *skips);
	names[0] = strdup(MULE_MANIFEST_NAME);
	if (output_path && strcmp(output_path, "-"))
		names[1] = mule_manifest_relative(dir, output_path);
	else if (fstat(1, &st) == 0 && S_ISREG(st.st_mode)) {
		/* "mule-sign --manifest DIR > DIR/SUMS.asc" */
		ex.have_inode = 1;
		ex.dev = st.st_dev;
		ex.ino = st.st_ino;
	}
	if (names[1])
		ex.n = 2;
	err = names[0] ? mule_manifest_build(dir, &ex, mule_membuf_write, &text,
	    skips) : gpg_error_from_syserror();
	free(names[0]);
	free(names[1]);
	if (!err) {
		mule_source_init_fd(&src, -1);
		src.read = mule_membuf_read;
		src.arg = &text;
		err = sign_source(gopts, MULE_SIGN_CLEAR, signer, &src, out);
	}
	mule_membuf_release(&text);
	return err;
}

static gpg_error_t
sign_source(const struct mule_gpg_opts *gopts, enum mule_sign_mode mode,
    const char *signer, struct mule_source *srcp, struct mule_output *out)
{
	struct mule_pump pump;
	static const gpgme_sig_mode_t modes[] = {
		[MULE_SIGN_CLEAR] = GPGME_SIG_MODE_CLEAR,
		[MULE_SIGN_DETACH] = GPGME_SIG_MODE_DETACH,
		[MULE_SIGN_INLINE] = GPGME_SIG_MODE_NORMAL,
	};
	struct mule_sink sink = { mule_output_write, out, 0, 0, 0, 0 };
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_sign_result_t res;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err;

	err = mule_gpg_ctx_new(&ctx, gopts);
	/* Without -u gpg signs with its default key (pgp/defkey.h). */
	if (!err && signer)
		err = mule_signer_name(ctx, signer);
	if (!err)
		err = mule_data_from_source(&in, srcp);
	if (!err)
		err = mule_data_to_sink(&sig, &sink);
	if (err)
		goto leave;
	gpgme_set_textmode(ctx, mode == MULE_SIGN_CLEAR);
	mule_pump_begin(&pump, ctx);
	err = mule_pump_run(&pump, gpgme_op_sign_start(ctx, in, sig,
	    modes[mode]));
	if (err) {
		gpg_error_t own = mule_data_own_error(srcp, &sink);

		err = own ? own : mule_sign_explain(ctx, err, HINT, "signing");
		goto leave;
	}
	res = gpgme_op_sign_result(ctx);
	if (!res || !res->signatures || res->invalid_signers)
		err = mule_sign_explain(ctx, mule_fail_code(GPG_ERR_NO_SECKEY),
		    HINT, "signing");
leave:
	gpgme_data_release(in);
	gpgme_data_release(sig);
	gpgme_release(ctx);
	return err;
}
