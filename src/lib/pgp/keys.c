/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keys.c - turning what the user typed into keys. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"
#include "core/fd.h"
#include "core/secret.h"
#include "core/strlist.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "pgp/keyfile.h"
#include "pgp/keys.h"

struct mule_keyhome {
	char *dir;
	int slot;
	gpgme_ctx_t ctx;	/* the import's, until mule_keyhome_ctx */
};

static int
key_usable(gpgme_key_t key, int for_signing)
{
	if (key->revoked || key->expired || key->disabled || key->invalid)
		return 0;
	return for_signing ? key->can_sign && key->secret : key->can_encrypt;
}

/* A key ID: 8 or 16 hex digits, optionally after "0x". */
static int
is_keyid(const char *n)
{
	size_t len;

	if (n[0] == '0' && (n[1] == 'x' || n[1] == 'X'))
		n += 2;
	len = strlen(n);
	return (len == 8 || len == 16) && strspn(n, "0123456789abcdefABCDEF")
	    == len;
}

/* Does user ID U match NAME?  Stricter than gpg's search, which finds
 * substrings (so "alice@example.org" would find "malice@example.org"):
 * an e-mail address, bare or in angle brackets, and a full "Name <email>"
 * must match exactly (ignoring case); "=TEXT" is gpg's exact form; only
 * a plain name is looked for as part of a user ID. */
static int
uid_matches(gpgme_user_id_t u, const char *name)
{
	size_t len = strlen(name);

	if (!u->uid)
		return 0;
	if (name[0] == '=')
		return !strcmp(u->uid, name + 1);
	if (name[0] == '<' && len > 2 && name[len - 1] == '>')
		return u->email && strlen(u->email) == len - 2
		    && !strncasecmp(u->email, name + 1, len - 2);
	if (len && name[len - 1] == '>')
		return !strcasecmp(u->uid, name);
	if (strchr(name, '@') && !strchr(name, ' '))
		return u->email && !strcasecmp(u->email, name);
	return strcasestr(u->uid, name) != NULL;
}

/* Does KEY match NAME (gpg found it by key ID, or one of its user IDs
 * matches), and is a matching user ID valid? */
static int
key_matches(gpgme_key_t key, const char *name, int *valid)
{
	gpgme_user_id_t u;
	int by_keyid = is_keyid(name), match = 0;

	*valid = 0;
	for (u = key->uids; u; u = u->next) {
		if (!by_keyid && !uid_matches(u, name))
			continue;
		match = 1;
		if (!u->revoked && !u->invalid
		    && u->validity >= GPGME_VALIDITY_FULL)
			*valid = 1;
	}
	return match;
}

/* Find the one usable and valid key for NAME.  *KEY gets a reference. */
static gpg_error_t
find_key(gpgme_ctx_t ctx, const char *name, int for_signing, gpgme_key_t *key)
{
	gpgme_key_t k, found = NULL, unusable = NULL, untrusted = NULL;
	int nfound = 0, valid;
	gpg_error_t err;
	char hint[200];
	const char *role = for_signing ? "signing key" : "recipient";

	*key = NULL;
	err = gpgme_op_keylist_start(ctx, name, for_signing);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if (!key_matches(k, name, &valid)) {
			gpgme_key_unref(k);
			continue;
		}
		if (!key_usable(k, for_signing)) {
			if (!unusable) {
				unusable = k;
				continue;
			}
		} else if (!for_signing && !valid) {
			if (!untrusted) {
				untrusted = k;
				continue;
			}
		} else {
			if (nfound++ == 0) {
				found = k;
				continue;
			}
		}
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) != GPG_ERR_EOF) {
		mule_error_set(err, NULL, "looking up %s '%s': %s", role, name,
		    gpg_strerror(err));
		goto leave;
	}
	err = 0;
	if (nfound > 1) {
		err = mule_error_set(mule_fail_code(GPG_ERR_AMBIGUOUS_NAME),
		    "name the key by its full fingerprint",
		    "%s '%s' matches %d keys", role, name, nfound);
	} else if (found) {
		*key = found;
		found = NULL;
	} else if (untrusted) {
		snprintf(hint, sizeof hint, "check the fingerprint with its "
		    "owner, then certify it (gpg --lsign-key %s) or name it by "
		    "fingerprint: -r %s", untrusted->fpr, untrusted->fpr);
		err = mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_PUBKEY),
		    hint, "recipient '%s': key %s is not certified", name,
		    untrusted->fpr);
	} else if (unusable) {
		err = mule_error_set(mule_fail_code(for_signing
		    ? GPG_ERR_UNUSABLE_SECKEY : GPG_ERR_UNUSABLE_PUBKEY), NULL,
		    "%s '%s': key %s cannot %s (%s)", role, name, unusable->fpr,
		    for_signing ? "sign" : "encrypt",
		    unusable->revoked ? "revoked" : unusable->expired
		    ? "expired" : unusable->disabled ? "disabled"
		    : for_signing && !unusable->secret ? "no secret key"
		    : "no usable subkey");
	} else {
		err = mule_error_set(mule_fail_code(for_signing
		    ? GPG_ERR_NO_SECKEY : GPG_ERR_NO_PUBKEY),
		    for_signing ? NULL : "import the key, or give its key file "
		    "with -R", "%s '%s': no such key", role, name);
	}
leave:
	gpgme_key_unref(found);
	gpgme_key_unref(unusable);
	gpgme_key_unref(untrusted);
	return err;
}

static gpg_error_t
append(char **s, size_t *len, const char *line)
{
	size_t l = strlen(line);
	char *p = realloc(*s, *len + l + 2);

	if (!p)
		return gpg_error_from_syserror();
	memcpy(p + *len, line, l);
	p[*len + l] = '\n';
	p[*len + l + 1] = '\0';
	*s = p;
	*len += l + 1;
	return 0;
}

static gpg_error_t
check_key_file(const char *file)
{
	size_t l = strlen(file);

	/* GPGME's recipient string is line-based and trims blanks. */
	if (strchr(file, '\n') || file[0] == ' ' || file[0] == '\t'
	    || (l && (file[l - 1] == ' ' || file[l - 1] == '\t')))
		return mule_error_set(mule_fail_code(GPG_ERR_INV_NAME),
		    "rename the file", "key file name '%s' is not supported",
		    file);
	if (access(file, R_OK) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL,
		    "key file %s: %s", file, strerror(errno));
	return 0;
}

gpg_error_t
mule_recipients_resolve(gpgme_ctx_t ctx, const char *const *names,
    size_t nnames, const char *const *files, size_t nfiles, char **recpstring)
{
	char fpr[41];
	char *s = NULL, *dotted = NULL;
	size_t len = 0, i;
	gpgme_key_t key = NULL;
	gpg_error_t err = 0;

	*recpstring = NULL;
	/* Fingerprints first: no line of them can look like an option. */
	for (i = 0; !err && i < nnames; i++) {
		if (mule_fpr_parse(names[i], fpr)) {
			err = append(&s, &len, fpr);
			continue;
		}
		err = find_key(ctx, names[i], 0, &key);
		if (!err)
			err = append(&s, &len, key->fpr);
		gpgme_key_unref(key);
		key = NULL;
	}
	if (!err && nfiles)
		err = append(&s, &len, "--file");
	for (i = 0; !err && i < nfiles; i++) {
		err = check_key_file(files[i]);
		if (err)
			break;
		/* A name starting with "-" would be read as an option line. */
		if (files[i][0] == '-') {
			if (asprintf(&dotted, "./%s", files[i]) < 0)
				err = gpg_error_from_syserror();
			else
				err = append(&s, &len, dotted);
			free(dotted);
			dotted = NULL;
		} else {
			err = append(&s, &len, files[i]);
		}
	}
	if (err) {
		free(s);
		return err;
	}
	*recpstring = s;
	return 0;
}

gpg_error_t
mule_key_get(gpgme_ctx_t ctx, const char *fpr, int secret, gpgme_key_t *key)
{
	gpgme_key_t extra = NULL;
	gpg_error_t err;

	*key = NULL;
	err = gpgme_op_keylist_start(ctx, fpr, secret);
	if (!err)
		err = gpgme_op_keylist_next(ctx, key);
	if (!err && !gpgme_op_keylist_next(ctx, &extra)) {
		gpgme_key_unref(extra);
		err = gpg_error(GPG_ERR_AMBIGUOUS_NAME);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) == GPG_ERR_EOF)
		err = gpg_error(secret ? GPG_ERR_NO_SECKEY : GPG_ERR_NO_PUBKEY);
	if (err) {
		gpgme_key_unref(*key);
		*key = NULL;
	}
	return err;
}

gpg_error_t
mule_signer_use(gpgme_ctx_t ctx, const char *name)
{
	gpgme_key_t key = NULL;
	char fpr[41];
	gpg_error_t err;

	if (mule_fpr_parse(name, fpr)) {
		err = mule_key_get(ctx, fpr, 1, &key);
		if (err)
			return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY),
			    NULL, "signing key %s: no such secret key", fpr);
		if (!key_usable(key, 1)) {
			gpgme_key_unref(key);
			return mule_error_set(mule_fail_code(GPG_ERR_UNUSABLE_SECKEY),
			    NULL, "signing key %s cannot sign", fpr);
		}
	} else {
		err = find_key(ctx, name, 1, &key);
		if (err)
			return err;
	}
	gpgme_signers_clear(ctx);
	err = gpgme_signers_add(ctx, key);
	gpgme_key_unref(key);
	return err;
}

/* A signing key named by its full fingerprint needs no key listing
 * (a gpg run): gpg finds the key as it signs, and refuses one that
 * cannot sign with a status line that pgp/sign.c turns into the error.
 * GPGME 1.18 takes signers only as key objects and hands gpg nothing
 * of them but subkeys->keyid (as -u), so a key object holding the
 * fingerprint there is all it needs.  The context owns it: it is
 * allocated as GPGME allocates keys, and GPGME frees it when the
 * signers are cleared (gpgme_key_unref frees fpr, the subkeys and the
 * key; keyid points into the subkey's fpr). */
gpg_error_t
mule_signer_name(gpgme_ctx_t ctx, const char *name)
{
	gpgme_key_t key;
	gpgme_subkey_t sub;
	char fpr[41];
	gpg_error_t err;

	if (!mule_fpr_parse(name, fpr))
		return mule_signer_use(ctx, name);
	key = calloc(1, sizeof *key);
	sub = calloc(1, sizeof *sub);
	if (!key || !sub || !(key->fpr = strdup(fpr))
	    || !(sub->fpr = strdup(fpr))) {
		err = gpg_error_from_syserror();
		if (key)
			free(key->fpr);
		if (sub)
			free(sub->fpr);
		free(key);
		free(sub);
		return err;
	}
	sub->keyid = sub->fpr;
	sub->secret = sub->can_sign = 1;
	key->protocol = GPGME_PROTOCOL_OpenPGP;
	key->secret = key->can_sign = 1;
	key->subkeys = sub;
	gpgme_signers_clear(ctx);
	err = gpgme_signers_add(ctx, key);
	if (err) {		/* not the context's: never referenced */
		free(sub->fpr);
		free(sub);
		free(key->fpr);
		free(key);
	}
	return err;
}

gpg_error_t
mule_signer_pin_userid(gpgme_ctx_t ctx, const char *name, char ***fprs,
    size_t *nfprs)
{
	gpgme_key_t k;
	gpg_error_t err;
	size_t before = *nfprs;
	int valid;

	err = gpgme_op_keylist_start(ctx, name, 0);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if (key_matches(k, name, &valid) && valid)
			err = mule_strlist_add(fprs, nfprs, k->fpr);
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) != GPG_ERR_EOF)
		return mule_error_set(err, NULL, "looking up signer '%s': %s",
		    name, gpg_strerror(err));
	if (*nfprs == before)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "--signer takes a full fingerprint, or a user ID of a key "
		    "you certified", "signer '%s': no valid key with that user ID",
		    name);
	return 0;
}

/* Whether the key file's first MiB holds a secret key. */
static int
holds_secret_key(gpgme_data_t data)
{
	size_t size = 1 << 20;
	char *chunk = malloc(size);
	ssize_t n;
	int secret = 0;

	if (!chunk || gpgme_data_seek(data, 0, SEEK_SET) != 0) {
		free(chunk);
		return 0;
	}
	n = gpgme_data_read(data, chunk, size);
	if (n > 0) {
		secret = mule_keyfile_holds_secret((const unsigned char *)chunk,
		    (size_t)n);
		mule_wipe(chunk, (size_t)n);
	}
	free(chunk);
	gpgme_data_seek(data, 0, SEEK_SET);
	return secret;
}

static gpg_error_t
import_file(gpgme_ctx_t ctx, const char *file, char ***fprs, size_t *nfprs)
{
	gpgme_data_t data = NULL;
	gpgme_import_result_t res;
	gpgme_import_status_t st;
	size_t before = *nfprs;
	gpg_error_t err;

	err = gpgme_data_new_from_file(&data, file, 1);
	if (err) {
		mule_error_set(err, NULL, "signer file %s: %s", file,
		    gpg_strerror(err));
		goto leave;
	}
	/* A secret key would be written to disk by gpg-agent in the
	 * throwaway home: refuse it before gpg sees it. */
	if (holds_secret_key(data)) {
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE),
		    "export only the public key, with gpg --export --armor "
		    "(not --export-secret-keys)",
		    "signer file %s holds a secret key", file);
		goto leave;
	}
	err = gpgme_op_import(ctx, data);
	res = gpgme_op_import_result(ctx);
	if (!err && res && res->secret_read) {
		err = mule_error_set(mule_fail_code(GPG_ERR_INV_VALUE), NULL,
		    "signer file %s holds a secret key", file);
		goto leave;
	}
	for (st = res ? res->imports : NULL; !err && st; st = st->next)
		if (!st->result && st->fpr)
			err = mule_strlist_add(fprs, nfprs, st->fpr);
	if (!err && *nfprs == before && res && res->imports)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "gpg refuses a key \"created in the future\" when this "
		    "computer's clock is behind; check it",
		    "signer file %s: the key in it cannot be used: %s", file,
		    gpg_strerror(res->imports->result));
	else if (!err && *nfprs == before && res && res->considered)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "gpg refuses a key \"created in the future\" when this "
		    "computer's clock is behind; check it",
		    "signer file %s: no usable OpenPGP public key in it", file);
	else if (!err && *nfprs == before)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_PUBKEY),
		    "a key file holds one public key, as gpg --export --armor "
		    "writes it", "%s is not an OpenPGP key", file);
	else if (err)
		mule_error_set(err, NULL, "signer file %s: %s", file,
		    gpg_strerror(err));
leave:
	gpgme_data_release(data);
	return err;
}

/* The throwaway home's gpg.conf.  Its keys are public only, so no gpg
 * run in it needs gpg-agent; without "no-autostart" the import starts
 * one (about 4 ms a call, and a process that outlives us until it sees
 * its socket gone). */
static gpg_error_t
write_home_conf(const char *dir)
{
	static const char conf[] = "no-autostart\n";
	char *path = NULL;
	gpg_error_t err;
	int fd;

	if (asprintf(&path, "%s/gpg.conf", dir) < 0)
		return gpg_error_from_syserror();
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	err = fd < 0 ? gpg_error_from_syserror()
	    : mule_write_all(fd, conf, sizeof conf - 1);
	if (fd >= 0 && close(fd) < 0 && !err)
		err = gpg_error_from_syserror();
	if (err)
		mule_error_set(err, "set TMPDIR to a writable directory",
		    "creating a temporary gpg home: %s", gpg_strerror(err));
	free(path);
	return err;
}

gpg_error_t
mule_keyhome_new(struct mule_keyhome **home, const char *const *files,
    size_t nfiles, char ***fprs, size_t *nfprs)
{
	struct mule_gpg_opts gopts = { 0 };
	struct mule_keyhome *h;
	const char *tmp = getenv("TMPDIR");
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err = 0;
	size_t i;

	*home = NULL;
	h = calloc(1, sizeof *h);
	if (!h)
		return gpg_error_from_syserror();
	h->slot = -1;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&h->dir, "%s/mule-home-XXXXXX", tmp) < 0) {
		h->dir = NULL;
		err = gpg_error_from_syserror();
		goto leave;
	}
	if (!mkdtemp(h->dir)) {
		err = gpg_error_from_syserror();
		mule_error_set(err, "set TMPDIR to a writable directory",
		    "creating a temporary gpg home: %s", strerror(errno));
		free(h->dir);
		h->dir = NULL;
		goto leave;
	}
	h->slot = mule_cleanup_add(h->dir, MULE_CLEANUP_HOME);
	err = write_home_conf(h->dir);
	if (err)
		goto leave;
	gopts.homedir = h->dir;
	err = mule_gpg_ctx_new(&ctx, &gopts);
	for (i = 0; !err && i < nfiles; i++)
		err = import_file(ctx, files[i], fprs, nfprs);
leave:
	if (err) {
		gpgme_release(ctx);
		mule_keyhome_free(h);
		return err;
	}
	h->ctx = ctx;
	*home = h;
	return 0;
}

/* Every context made for the throwaway home runs gpg --version first
 * (GPGME does, for each context given a home of its own): the one the
 * keys were imported with is handed on instead, once. */
gpg_error_t
mule_keyhome_ctx(struct mule_keyhome *h, gpgme_ctx_t *ctx)
{
	struct mule_gpg_opts gopts = { 0 };

	if (h->ctx) {
		*ctx = h->ctx;
		h->ctx = NULL;
		return 0;
	}
	gopts.homedir = h->dir;
	return mule_gpg_ctx_new(ctx, &gopts);
}

gpg_error_t
mule_keyhome_copy(struct mule_keyhome *h, gpgme_ctx_t from,
    char *const *fprs, size_t nfprs)
{
	struct mule_gpg_opts gopts = { 0 };
	const char **patterns = NULL;
	gpgme_data_t keys = NULL;
	gpgme_ctx_t to = NULL;
	gpg_error_t err;
	size_t i;

	if (!nfprs)
		return 0;
	patterns = calloc(nfprs + 1, sizeof *patterns);
	if (!patterns)
		return gpg_error_from_syserror();
	for (i = 0; i < nfprs; i++)
		patterns[i] = fprs[i];
	gopts.homedir = h->dir;
	err = gpgme_data_new(&keys);
	if (!err)
		err = gpgme_op_export_ext(from, patterns, 0, keys);
	if (!err)
		err = gpgme_data_seek(keys, 0, SEEK_SET) < 0
		    ? gpg_error_from_syserror() : 0;
	if (!err)
		to = h->ctx;	/* the import's context, kept for this */
	if (!err && !to)
		err = mule_gpg_ctx_new(&to, &gopts);
	if (!err)
		err = gpgme_op_import(to, keys);
	if (err)
		mule_error_set(err, NULL, "copying the --signer keys: %s",
		    gpg_strerror(err));
	if (to != h->ctx)
		gpgme_release(to);
	gpgme_data_release(keys);
	free(patterns);
	return err;
}

const char *
mule_keyhome_dir(const struct mule_keyhome *h)
{
	return h->dir;
}

/* Remove directory NAME below DIRFD and the files in it (gpg makes only
 * flat ones, such as private-keys-v1.d). */
static void
remove_subdir(int dirfd_, const char *name)
{
	struct dirent *de;
	int fd = openat(dirfd_, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	unlinkat(dirfd_, name, AT_REMOVEDIR);
}

void
mule_keyhome_free(struct mule_keyhome *h)
{
	DIR *d;
	struct dirent *de;

	if (!h)
		return;
	gpgme_release(h->ctx);
	if (h->dir) {
		/* Only gpg wrote here; remove what it left, one level deep. */
		d = opendir(h->dir);
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno == EISDIR)
				remove_subdir(dirfd(d), de->d_name);
		}
		if (d)
			closedir(d);
		rmdir(h->dir);
	}
	mule_cleanup_forget(h->slot);
	free(h->dir);
	free(h);
}
