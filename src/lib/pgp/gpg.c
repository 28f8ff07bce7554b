/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpg.c - GPGME set-up. */
#include <config.h>

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/secret.h"
#include "pgp/gpg.h"

/* The home every gpg of this process gets through GNUPGHOME. */
static const char *process_home;

gpg_error_t
mule_gpg_init(unsigned flags, const char *homedir)
{
	gpgme_engine_info_t info;
	gpg_error_t err;

	/* GPGME runs gpg --version again for every context given a home
	 * (gpgme_ctx_set_engine_info), and gpgme_set_engine_info runs it
	 * once more; gpg reads GNUPGHOME as it reads --homedir, for nothing. */
	if (homedir) {
		if (setenv("GNUPGHOME", homedir, 1) < 0)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "--homedir: %s", strerror(errno));
		process_home = homedir;
	}

	/* Each of these saves a helper process per run: gpgconf would be
	 * asked where gpg lives, and gpgsm for its version. */
	if (!(flags & MULE_GPG_AGENT))
		gpgme_set_global_flag("disable-gpgconf", "1");
	setlocale(LC_ALL, "");
	if (!gpgme_check_version("1.18.0"))
		return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
		    "install GPGME 1.18 or later", "GPGME is too old");
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (!err)
		err = gpgme_get_engine_info(&info);
	if (err)
		return mule_error_set(err, "install GnuPG 2.2 or later (Debian: gnupg)",
		    "no usable gpg: %s", gpg_strerror(err));
	for (; info; info = info->next) {
		if (info->protocol != GPGME_PROTOCOL_OpenPGP)
			continue;
		if (!info->version || strverscmp(info->version, "2.2.0") < 0)
			return mule_error_set(mule_fail_code(GPG_ERR_NOT_SUPPORTED),
			    "install GnuPG 2.2 or later",
			    "gpg %s is too old", info->version ? info->version : "?");
	}
	return 0;
}

static gpgme_error_t
passphrase_cb(void *hook, const char *uid_hint, const char *info,
    int prev_was_bad, int fd)
{
	struct mule_passphrase *pass = hook;
	const char *text = mule_passphrase_get(pass);

	(void)uid_hint;
	(void)info;
	/* Never retry: the same passphrase would fail again.  (What was
	 * refused, a key's passphrase or a message's, the status lines of
	 * the operation tell: see status.c.) */
	if (prev_was_bad)
		return gpg_error(GPG_ERR_BAD_PASSPHRASE);
	if (gpgme_io_writen(fd, text, strlen(text)) || gpgme_io_writen(fd, "\n", 1))
		return gpg_error_from_syserror();
	return 0;
}

gpg_error_t
mule_gpg_ctx_new(gpgme_ctx_t *ctx, const struct mule_gpg_opts *o)
{
	gpgme_ctx_t c = NULL;
	gpg_error_t err;

	*ctx = NULL;
	err = gpgme_new(&c);
	if (!err)
		err = gpgme_set_protocol(c, GPGME_PROTOCOL_OpenPGP);
	if (!err && o->homedir && !(process_home
	    && !strcmp(o->homedir, process_home)))
		err = gpgme_ctx_set_engine_info(c, GPGME_PROTOCOL_OpenPGP,
		    NULL, o->homedir);
	if (err)
		goto leave;
	gpgme_set_armor(c, o->armor);
	gpgme_set_offline(c, 1);
	/* Our own checks decide validity; never let gpg fetch keys. */
	gpgme_set_ctx_flag(c, "auto-key-retrieve", "0");
	gpgme_set_ctx_flag(c, "no-symkey-cache", "1");
	if (o->pass) {
		err = gpgme_set_pinentry_mode(c, GPGME_PINENTRY_MODE_LOOPBACK);
		if (err)
			goto leave;
		gpgme_set_passphrase_cb(c, passphrase_cb, o->pass);
	}
	*ctx = c;
	c = NULL;
leave:
	if (err)
		mule_error_set(err, NULL, "setting up GPGME: %s", gpg_strerror(err));
	gpgme_release(c);
	return err;
}
