/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect.c - a certificate from across the gap, looked at first. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/strlist.h"
#include "core/text.h"
#include "key/cert.h"
#include "key/inspect.h"
#include "key/keyring.h"
#include "pgp/armor.h"
#include "pgp/gpg.h"
#include "pgp/keys.h"

/* The start of RAW after blank lines. */
static const unsigned char *
skip_blank(const struct mule_membuf *raw)
{
	size_t i = 0;

	while (i < raw->len && (raw->p[i] == '\n' || raw->p[i] == '\r'
	    || raw->p[i] == ' ' || raw->p[i] == '\t'))
		i++;
	return raw->p + i;
}

/* Why RAW, which is neither a public key block nor binary packets, is
 * refused. */
static gpg_error_t
refuse_text(const struct mule_membuf *raw, const char *name)
{
	const unsigned char *start = skip_blank(raw);
	size_t left = raw->len - (size_t)(start - raw->p);

	if (memmem(start, left, "PRIVATE KEY BLOCK", 17))
		return mule_reject(GPG_ERR_INV_DATA,
		    "export only the public key: mule-key export",
		    "%s holds a secret key", name);
	if (memmem(start, left, "-----BEGIN PGP PUBLIC KEY BLOCK-----", 36))
		return mule_reject(GPG_ERR_INV_DATA,
		    "give the armoured key block alone, as mule-key export "
		    "writes it", "%s: text before the key block", name);
	return mule_reject(GPG_ERR_INV_DATA, NULL,
	    "%s is not an OpenPGP certificate", name);
}

/* Put NAME in front of the message recorded for ERR (the parser's, which
 * does not know the file), unless it is there already. */
static void
name_the_file(gpg_error_t err, const char *name)
{
	struct mule_error_record r;

	mule_error_save(&r);
	if (r.msg[0] && !strncmp(r.msg, name, strlen(name)))
		return;
	mule_error_clear();
	if (r.msg[0])
		mule_error_set(err, r.hint[0] ? r.hint : NULL, "%s: %s", name,
		    r.msg);
	else
		mule_error_set(err, NULL, "%s: %s", name, gpg_strerror(err));
}

/* Refuse a photo ID (any user attribute) in CERT, read from NAME.  It
 * is mule's own reading that refuses it, so that mule-key fingerprint
 * refuses it as import does, and gpg never reads one. */
static gpg_error_t
refuse_attributes(const struct mule_cert *cert, const char *name)
{
	size_t i;

	for (i = 0; i < cert->nuids; i++)
		if (cert->uids[i].attribute)
			return mule_reject(GPG_ERR_INV_DATA,
			    "ask the key's owner for a copy without photo IDs",
			    "%s has a photo ID (user attribute), which mule "
			    "does not accept", name);
	return 0;
}

/* Parse the binary certificate of LEN bytes at P (from NAME) into a new
 * *CERT, and refuse weak cryptography and photo IDs. */
static gpg_error_t
read_binary(const unsigned char *p, size_t len, const char *name,
    struct mule_cert **cert)
{
	gpg_error_t err;

	*cert = NULL;
	err = mule_cert_parse(p, len, cert);
	if (!err)
		err = mule_cert_check_strength(*cert);
	if (!err)
		err = refuse_attributes(*cert, name);
	if (err) {
		name_the_file(err, name);
		mule_cert_free(*cert);
		*cert = NULL;
	}
	return err;
}

gpg_error_t
mule_certfile_read(int fd, const char *name, size_t max,
    struct mule_membuf *bin, struct mule_cert **cert)
{
	struct mule_membuf raw = { NULL, 0, 0, max, NULL };
	gpg_error_t err;

	*cert = NULL;
	memset(bin, 0, sizeof *bin);
	bin->limit = max;
	raw.what = bin->what = name;
	err = mule_membuf_read_fd(&raw, fd);
	if (err)
		goto leave;
	if (!raw.len)
		err = mule_reject(GPG_ERR_NO_DATA, NULL, "%s is empty", name);
	else if (mule_dearmor_detect_kind(raw.p, raw.len,
	    MULE_ARMOR_PUBLIC_KEY))
		err = mule_dearmor_whole(&raw, MULE_ARMOR_PUBLIC_KEY, bin);
	else if (raw.p[0] & 0x80) {
		*bin = raw;
		memset(&raw, 0, sizeof raw);
	} else
		err = refuse_text(&raw, name);
	if (!err)
		err = read_binary(bin->p, bin->len, name, cert);
	if (err)
		mule_membuf_release(bin);
leave:
	mule_membuf_release(&raw);
	return err;
}

/* Refuse C if gpg dropped a user ID or subkey of the file: its binding
 * signature did not verify. */
static gpg_error_t
check_nothing_dropped(const struct mule_candidate *c)
{
	const struct mule_cert *cert = c->cert;
	gpgme_subkey_t s;
	char *esc;
	size_t i;

	for (i = 0; i < cert->nuids; i++) {
		if (memchr(cert->uids[i].data, '\0', cert->uids[i].len)
		    || !mule_key_has_uid(c->key, (const char *)cert->uids[i].data)) {
			esc = mule_escape((const char *)cert->uids[i].data,
			    cert->uids[i].len);
			mule_reject(GPG_ERR_BAD_SIGNATURE,
			    "someone other than the key's owner changed the file",
			    "%s: user ID \"%s\" is not bound to the key by a "
			    "valid self-signature", c->name, esc ? esc : "?");
			free(esc);
			return mule_reject_code(GPG_ERR_BAD_SIGNATURE);
		}
	}
	for (i = 0; i < cert->nsubkeys; i++) {
		for (s = c->key->subkeys; s; s = s->next)
			if (s->fpr && !strcasecmp(s->fpr, cert->subkeys[i].fpr))
				break;
		if (!s)
			return mule_reject(GPG_ERR_BAD_SIGNATURE,
			    "someone other than the key's owner changed the file",
			    "%s: subkey %s is not bound to the key by a valid "
			    "signature", c->name, cert->subkeys[i].fpr);
	}
	return 0;
}

/* Import BIN into C's throwaway home and take gpg's view of the key. */
static gpg_error_t
import_throwaway(struct mule_candidate *c, const struct mule_membuf *bin)
{
	struct mule_gpg_opts gopts = { 0 };
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t data = NULL;
	char **fprs = NULL;
	size_t nfprs = 0;
	gpg_error_t err;

	err = mule_keyhome_new(&c->home, NULL, 0, &fprs, &nfprs);
	if (err)
		return err;
	gopts.homedir = mule_keyhome_dir(c->home);
	err = mule_gpg_ctx_new(&ctx, &gopts);
	if (!err)
		err = gpgme_data_new_from_mem(&data, (const char *)bin->p,
		    bin->len, 0);
	if (!err)
		err = gpgme_op_import(ctx, data);
	if (err) {
		mule_error_set(err, NULL, "%s: reading it with gpg: %s", c->name,
		    gpg_strerror(err));
		goto leave;
	}
	err = mule_key_by_fpr(ctx, c->cert->primary.fpr, &c->key);
	if (!err && !c->key) {
		err = mule_reject(GPG_ERR_BAD_SIGNATURE,
		    "gpg refuses a key \"created in the future\" when this "
		    "computer's clock is behind; check it",
		    "%s: gpg does not accept the key in it (no user ID with a "
		    "valid self-signature?)", c->name);
		goto leave;
	}
	if (!err)
		err = check_nothing_dropped(c);
	if (!err)
		err = gpgme_data_new(&c->minimal);
	if (!err)
		err = gpgme_op_export(ctx, c->cert->primary.fpr,
		    GPGME_EXPORT_MODE_MINIMAL, c->minimal);
	if (!err && gpgme_data_seek(c->minimal, 0, SEEK_SET) < 0)
		err = gpg_error_from_syserror();
leave:
	gpgme_data_release(data);
	gpgme_release(ctx);
	mule_strlist_free(fprs, nfprs);
	return err;
}

gpg_error_t
mule_candidate_new(struct mule_candidate **cp, int fd, const char *name,
    size_t max)
{
	struct mule_candidate *c;
	struct mule_membuf bin = { NULL, 0, 0, 0, NULL };
	gpg_error_t err;

	*cp = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return gpg_error_from_syserror();
	c->name = name;
	err = mule_certfile_read(fd, name, max, &bin, &c->cert);
	if (!err)
		err = import_throwaway(c, &bin);
	mule_membuf_release(&bin);
	if (err) {
		mule_candidate_free(c);
		return err;
	}
	*cp = c;
	return 0;
}

gpg_error_t
mule_candidate_new_mem(struct mule_candidate **cp, const void *buf,
    size_t len, const char *name)
{
	struct mule_candidate *c;
	struct mule_membuf bin = { NULL, 0, 0, 0, NULL };
	gpg_error_t err;

	*cp = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return gpg_error_from_syserror();
	c->name = name;
	bin.p = (unsigned char *)(uintptr_t)buf;
	bin.len = len;
	err = len ? read_binary(buf, len, name, &c->cert)
	    : mule_reject(GPG_ERR_NO_DATA, NULL, "%s is empty", name);
	if (!err)
		err = import_throwaway(c, &bin);
	if (err) {
		mule_candidate_free(c);
		return err;
	}
	*cp = c;
	return 0;
}

void
mule_candidate_free(struct mule_candidate *c)
{
	if (!c)
		return;
	gpgme_data_release(c->minimal);
	gpgme_key_unref(c->key);
	mule_keyhome_free(c->home);
	mule_cert_free(c->cert);
	free(c);
}
