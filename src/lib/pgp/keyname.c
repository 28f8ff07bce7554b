/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyname.c - keys named for a person in messages. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "pgp/keyname.h"

gpg_error_t
mule_keyname_ctx(gpgme_ctx_t like, gpgme_ctx_t *ctx)
{
	gpgme_engine_info_t e = like ? gpgme_ctx_get_engine_info(like) : NULL;
	struct mule_gpg_opts o = { .homedir = NULL };

	while (e && e->protocol != GPGME_PROTOCOL_OpenPGP)
		e = e->next;
	o.homedir = e ? e->home_dir : NULL;
	return mule_gpg_ctx_new(ctx, &o);
}

char *
mule_keyname_of(gpgme_key_t key)
{
	gpgme_user_id_t u;
	char *esc = NULL, *out = NULL;
	const char *fpr;

	if (!key || !key->subkeys)
		return NULL;
	fpr = key->fpr ? key->fpr : key->subkeys->fpr;
	/* The first user ID that is neither revoked nor invalid, else the
	 * first. */
	for (u = key->uids; u && (u->revoked || u->invalid); u = u->next)
		;
	if (!u)
		u = key->uids;
	if (u && u->uid)
		esc = mule_escape(u->uid, strlen(u->uid));
	if (asprintf(&out, "%s%s%s%s", esc ? esc : "", esc ? " (" : "",
	    fpr ? fpr : "?", esc ? ")" : "") < 0)
		out = NULL;
	free(esc);
	return out;
}

char *
mule_keyname(gpgme_ctx_t like, const char *id, int secret)
{
	struct mule_error_record saved;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	char *pattern = NULL, *out = NULL;

	if (!id || !*id)
		return NULL;
	mule_error_save(&saved);
	if (asprintf(&pattern, "0x%s", id) < 0)
		pattern = NULL;
	if (pattern && !mule_keyname_ctx(like, &ctx)
	    && !gpgme_op_keylist_start(ctx, pattern, secret)) {
		if (!gpgme_op_keylist_next(ctx, &key)) {
			out = mule_keyname_of(key);
			gpgme_key_unref(key);
		}
		gpgme_op_keylist_end(ctx);
	}
	gpgme_release(ctx);
	free(pattern);
	mule_error_restore(&saved);
	return out;
}

gpg_error_t
mule_keyname_locked(gpg_err_code_t code, const char *role, const char *name)
{
	const char *sp = name ? " " : "";

	if (!name)
		name = "";
	switch (code) {
	case GPG_ERR_BAD_PASSPHRASE:
		return mule_error_set(mule_fail_code(GPG_ERR_BAD_PASSPHRASE),
		    "check the passphrase (or the file holding it) and try "
		    "again", "wrong passphrase for %s%s%s", role, sp, name);
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		return mule_error_set(mule_fail_code(GPG_ERR_CANCELED), NULL,
		    "cancelled: no passphrase was given for %s%s%s", role, sp,
		    name);
	default:
		break;
	}
	/* gpg-agent asks at the terminal gpg was started from; the agent's
	 * pinentry may also be missing where there is one. */
	if (!isatty(STDIN_FILENO) && !isatty(STDERR_FILENO))
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PIN_ENTRY),
		    "give it with --passphrase-file (a file holding it) or "
		    "--passphrase-fd", "%s%s%s is protected by a passphrase "
		    "and there is no terminal to ask it at", role, sp, name);
	return mule_error_set(mule_fail_code(GPG_ERR_NO_PIN_ENTRY),
	    "is a pinentry program installed?  Or give the passphrase with "
	    "--passphrase-file (a file holding it) or --passphrase-fd",
	    "%s%s%s is protected by a passphrase and no pinentry could ask "
	    "for it", role, sp, name);
}
