/* SPDX-License-Identifier: GPL-3.0-or-later */
/* export.c - a certificate to carry across the gap. */
#include <config.h>

#include <stdlib.h>

#include "core/error.h"
#include "key/export.h"
#include "key/keyring.h"
#include "pgp/gpg.h"

gpg_error_t
mule_key_export(const struct mule_gpg_opts *gopts, const char *name,
    unsigned flags, mule_write_fn write, void *arg)
{
	const char *fpr;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_data_t data = NULL;
	char *buf = NULL;
	size_t len = 0;
	gpg_error_t err;

	err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err && !(flags & MULE_EXPORT_FPR))
		err = name ? mule_key_find(ctx, name, &key)
		    : mule_key_mine(ctx, NULL, &key);
	fpr = key ? key->fpr : name;
	if (!err)
		err = gpgme_data_new(&data);
	if (!err) {
		err = gpgme_op_export(ctx, fpr, GPGME_EXPORT_MODE_MINIMAL, data);
		if (err)
			mule_error_set(err, NULL, "exporting %s: %s", fpr,
			    gpg_strerror(err));
	}
	if (!err) {
		buf = gpgme_data_release_and_get_mem(data, &len);
		data = NULL;
		if (!buf || !len)
			err = mule_error_set(mule_fail_code(GPG_ERR_NO_DATA),
			    NULL, "gpg exported nothing for %s", fpr);
	}
	if (!err)
		err = write(arg, buf, len);
	gpgme_free(buf);
	gpgme_data_release(data);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}
