/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keyfile.c - a recipient's key file (-R), read once. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/text.h"
#include "pgp/armor.h"
#include "pgp/keyfile.h"
#include "pgp/packet.h"

/* Far more than a certificate with every signature it gathers. */
#define KEYFILE_MAX ((size_t)16 << 20)

struct mule_keyfile {
	char fpr[41];
	char *name;		/* the file as the user named it */
	char *copy;
	int slot;
};

int
mule_keyfile_holds_secret(const unsigned char *buf, size_t len)
{
	return len && (memmem(buf, len, "PRIVATE KEY BLOCK", 17) != NULL
	    || ((buf[0] & 0x80) && mule_packet_has_secret(buf, len)));
}

static gpg_error_t
slurp(const char *file, unsigned char **buf, size_t *len)
{
	size_t size = 0, cap = 65536;
	unsigned char *p = malloc(cap), *q;
	gpg_error_t err = 0;
	ssize_t n;
	int fd;

	*buf = NULL;
	if (!p)
		return gpg_error_from_syserror();
	fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		err = gpg_error_from_syserror();
	while (!err) {
		if (size == cap) {
			if (size > KEYFILE_MAX) {
				err = mule_error_set(mule_fail_code(GPG_ERR_TOO_LARGE),
				    NULL, "key file %s: larger than 16 MiB", file);
				break;
			}
			cap = cap * 2 > KEYFILE_MAX ? KEYFILE_MAX + 1 : cap * 2;
			q = realloc(p, cap);
			if (!q) {
				err = gpg_error_from_syserror();
				break;
			}
			p = q;
		}
		n = read(fd, p + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = gpg_error_from_syserror();
		else if (n == 0)
			break;
		else
			size += (size_t)n;
	}
	if (err)
		mule_error_set(err, NULL, "key file %s: %s", file,
		    gpg_strerror(err));
	if (fd >= 0)
		close(fd);
	if (err) {
		free(p);
		return err;
	}
	*buf = p;
	*len = size;
	return 0;
}

/* The keys in BUF as gpg reads them, without importing them: the
 * first in *KEY, their number in *N. */
static gpg_error_t
list_keys(gpgme_ctx_t ctx, const unsigned char *buf, size_t len,
    gpgme_key_t *key, int *n)
{
	gpgme_data_t data = NULL;
	gpgme_key_t k;
	gpg_error_t err;

	*key = NULL;
	*n = 0;
	err = gpgme_data_new_from_mem(&data, (const char *)buf, len, 0);
	if (!err)
		err = gpgme_op_keylist_from_data_start(ctx, data, 0);
	/* To the end of the list, as GPGME wants (see stick/put.c). */
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if ((*n)++ == 0)
			*key = k;
		else
			gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	gpgme_data_release(data);
	return gpg_err_code(err) == GPG_ERR_EOF ? 0 : err;
}

/* The number of keys in the key file BUF, and in FPR the first one's
 * fingerprint, read here rather than by a gpg run (issue 19: -R is a
 * per-call cost): binary or armoured, v4 keys, every packet whole.
 * -1 for anything else, which gpg is asked about instead.  Whether the
 * key can encrypt (expired, revoked, no subkey) gpg says as it
 * encrypts: an invalid recipient is an error there. */
static int
local_keys(unsigned char *file, size_t len, char fpr[41])
{
	struct mule_membuf raw = { file, len, 0, 0, NULL };
	struct mule_membuf bin = { NULL, 0, 0, KEYFILE_MAX, "a key file" };
	struct mule_error_record saved;
	const unsigned char *buf = file, *body;
	unsigned char digest[20];
	size_t body_len;
	int n;

	if (mule_dearmor_detect_kind(buf, len, MULE_ARMOR_PUBLIC_KEY)) {
		mule_error_save(&saved);
		if (mule_dearmor_whole(&raw, MULE_ARMOR_PUBLIC_KEY, &bin)) {
			mule_error_restore(&saved);
			free(bin.p);
			return -1;
		}
		buf = bin.p;
		len = bin.len;
	}
	n = mule_packet_public_keys(buf, len, &body, &body_len);
	if (n >= 1 && (body_len < 1 || body[0] != 4
	    || mule_packet_v4_fpr(body, body_len, digest)))
		n = -1;
	if (n >= 1)
		mule_hex_encode_upper(fpr, digest, sizeof digest);
	free(bin.p);
	return n;
}

static gpg_error_t
check_key(const char *file, gpgme_key_t key, int n)
{
	if (!n)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "a key file holds one public key, as gpg --export --armor "
		    "writes it", "%s is not an OpenPGP key", file);
	if (n > 1)
		return mule_error_set(mule_fail_code(GPG_ERR_AMBIGUOUS_NAME),
		    "give one key per file, as gpg --export --armor writes it "
		    "for one fingerprint", "key file %s holds %d keys", file, n);
	if (!key->fpr || strlen(key->fpr) != 40 || key->revoked
	    || key->expired || key->disabled || key->invalid
	    || !key->can_encrypt)
		return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_PUBKEY),
		    NULL, "key file %s: key %s cannot encrypt (%s)", file,
		    key->fpr ? key->fpr : "?", key->revoked ? "revoked"
		    : key->expired ? "expired" : key->disabled ? "disabled"
		    : "no usable subkey");
	return 0;
}

/* The private copy of BUF in TMPDIR, for gpg's --recipient-file. */
static gpg_error_t
write_copy(struct mule_keyfile *kf, const unsigned char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	gpg_error_t err;
	int fd;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	/* A line of GPGME's recipient string: no newline, no leading blank
	 * or dash (an absolute path, or one that starts with "./"). */
	if (strchr(tmp, '\n'))
		return mule_error_set(mule_fail_code(GPG_ERR_INV_NAME),
		    "set TMPDIR to a directory without a newline in its name",
		    "TMPDIR holds a newline");
	if (asprintf(&kf->copy, "%s%s/mule-key-XXXXXX", tmp[0] == '/' ? ""
	    : "./", tmp) < 0) {
		kf->copy = NULL;
		return gpg_error_from_syserror();
	}
	fd = mkstemp(kf->copy);
	if (fd < 0) {
		err = gpg_error_from_syserror();
		free(kf->copy);
		kf->copy = NULL;
		return mule_error_set(err, "set TMPDIR to a writable directory",
		    "copying a key file to %s: %s", tmp, strerror(errno));
	}
	kf->slot = mule_cleanup_add(kf->copy, MULE_CLEANUP_FILE);
	err = mule_write_all(fd, buf, len);
	if (close(fd) < 0 && !err)
		err = gpg_error_from_syserror();
	if (err)
		mule_error_set(err, NULL, "copying a key file to %s: %s", tmp,
		    gpg_strerror(err));
	return err;
}

gpg_error_t
mule_keyfile_open(gpgme_ctx_t ctx, const char *file, struct mule_keyfile **out)
{
	struct mule_keyfile *kf;
	unsigned char *buf = NULL;
	gpgme_key_t key = NULL;
	size_t len = 0;
	gpg_error_t err;
	int n = 0;

	*out = NULL;
	kf = calloc(1, sizeof *kf);
	if (!kf)
		return gpg_error_from_syserror();
	kf->slot = -1;
	if (!(kf->name = strdup(file))) {
		free(kf);
		return gpg_error_from_syserror();
	}
	err = slurp(file, &buf, &len);
	/* gpg-agent would keep a secret key it is shown: refuse it first. */
	if (!err && mule_keyfile_holds_secret(buf, len))
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE),
		    "export only the public key, with gpg --export --armor "
		    "(not --export-secret-keys)",
		    "key file %s holds a secret key", file);
	if (!err && (n = local_keys(buf, len, kf->fpr)) >= 0) {
		if (n != 1)
			err = check_key(file, NULL, n);
	} else if (!err) {
		if ((err = list_keys(ctx, buf, len, &key, &n)))
			mule_error_set(err, NULL, "key file %s: %s", file,
			    gpg_strerror(err));
		if (!err)
			err = check_key(file, key, n);
		if (!err)
			memcpy(kf->fpr, key->fpr, 41);
	}
	if (!err)
		err = write_copy(kf, buf, len);
	gpgme_key_unref(key);
	free(buf);
	if (err) {
		mule_keyfile_free(kf);
		return err;
	}
	*out = kf;
	return 0;
}

const char *
mule_keyfile_fpr(const struct mule_keyfile *kf)
{
	return kf->fpr;
}

const char *
mule_keyfile_name(const struct mule_keyfile *kf)
{
	return kf->name;
}

const char *
mule_keyfile_copy(const struct mule_keyfile *kf)
{
	return kf->copy;
}

void
mule_keyfile_free(struct mule_keyfile *kf)
{
	if (!kf)
		return;
	if (kf->copy)
		unlink(kf->copy);
	mule_cleanup_forget(kf->slot);
	free(kf->copy);
	free(kf->name);
	free(kf);
}
