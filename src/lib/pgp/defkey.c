/* SPDX-License-Identifier: GPL-3.0-or-later */
/* defkey.c - the default signing key, chosen once for every tool. */
#include <config.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/strlist.h"
#include "pgp/defkey.h"

/* The gpg.conf that gpg reads in its home: gpg.conf-2.2.40, -2.2 or -2
 * if one exists (gpg's own search), else gpg.conf; *PATH NULL if there
 * is no home at all.  Out of memory is an error, not "no gpg.conf": the
 * key chosen must not depend on it. */
static gpg_error_t
conf_path(gpgme_ctx_t ctx, char **out)
{
	gpgme_engine_info_t info = gpgme_ctx_get_engine_info(ctx);
	const char *home = NULL, *version = NULL, *env;
	char *dir = NULL, *path = NULL, *cut;
	char name[64];
	struct passwd *pw;

	*out = NULL;
	for (; info; info = info->next)
		if (info->protocol == GPGME_PROTOCOL_OpenPGP) {
			home = info->home_dir;
			version = info->version;
			break;
		}
	if (!home && (env = getenv("GNUPGHOME")) && *env)
		home = env;
	if (home)
		dir = strdup(home);
	else {
		if (!(env = getenv("HOME")) || !*env)
			env = (pw = getpwuid(getuid())) ? pw->pw_dir : NULL;
		if (!env)
			return 0;
		if (asprintf(&dir, "%s/.gnupg", env) < 0)
			dir = NULL;
	}
	if (!dir)
		return gpg_error_from_syserror();
	if (version && strlen(version) < sizeof name - 10) {
		snprintf(name, sizeof name, "gpg.conf-%s", version);
		for (;;) {
			if (asprintf(&path, "%s/%s", dir, name) < 0) {
				free(dir);
				return gpg_error_from_syserror();
			}
			if (access(path, R_OK) == 0)
				break;
			free(path);
			path = NULL;
			cut = strrchr(name + 9, '-');
			if (!cut)
				cut = strrchr(name + 9, '.');
			if (!cut)
				break;
			*cut = '\0';
		}
	}
	if (!path && asprintf(&path, "%s/gpg.conf", dir) < 0) {
		free(dir);
		return gpg_error_from_syserror();
	}
	free(dir);
	*out = path;
	return 0;
}

/* The values of the default-key lines of the gpg.conf at PATH, in the
 * order given (gpg's option file syntax: "# comment" lines, a keyword,
 * blanks, the value, optionally in double quotes). */
static gpg_error_t
default_keys(const char *path, char ***names, size_t *n)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *p, *kw, *end;
	size_t cap = 0, len;
	gpg_error_t err = 0;

	if (!f && errno == ENOMEM)
		return gpg_error_from_syserror();
	if (!f)
		return 0;	/* no gpg.conf: gpg's defaults */
	while (!err && (errno = 0, getline(&line, &cap, f) > 0)) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '#')
			continue;
		for (kw = p; *p && *p != ' ' && *p != '\t' && *p != '\n'
		    && *p != '\r'; p++)
			;
		if (p - kw != 11 || strncmp(kw, "default-key", 11))
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		while (len && strchr(" \t\r\n", p[len - 1]))
			len--;
		end = p + len;
		/* As gpg reads it: an opening quote goes, and then a
		 * closing one if there is one (a value with only the
		 * opening quote still names the key). */
		if (len && p[0] == '"') {
			p++;
			if (end > p && end[-1] == '"')
				end--;
		}
		*end = '\0';
		if (*p)
			err = mule_strlist_add(names, n, p);
	}
	if (!err && (ferror(f) || errno == ENOMEM))
		err = mule_error_set(gpg_error_from_errno(errno ? errno : EIO),
		    NULL, "reading %s: %s", path, strerror(errno ? errno : EIO));
	free(line);
	fclose(f);
	return err;
}

/* A key whose secret is here and that can sign now: one of its subkeys
 * (or the primary) can. */
static int
can_sign_now(gpgme_key_t k)
{
	gpgme_subkey_t s;

	if (k->revoked || k->expired || k->disabled || k->invalid || !k->fpr
	    || strlen(k->fpr) != 40)
		return 0;
	for (s = k->subkeys; s; s = s->next)
		if (s->can_sign && s->secret && !s->revoked && !s->expired
		    && !s->disabled && !s->invalid)
			return 1;
	return 0;
}

/* NAME's first secret key if it can sign (gpg takes the first key a
 * default-key finds, or none), or with NAME NULL the first secret key
 * that can; *KEY NULL if there is none. */
static gpg_error_t
find(gpgme_ctx_t ctx, const char *name, gpgme_key_t *key)
{
	gpgme_key_t k;
	gpg_error_t err;
	int first = 1;

	*key = NULL;
	/* To the end of the list: GPGME leaks a key it has queued when a
	 * listing is ended early (LeakSanitizer saw it, now and then). */
	err = gpgme_op_keylist_start(ctx, name, 1);
	while (!err && !(err = gpgme_op_keylist_next(ctx, &k))) {
		if (!*key && (name ? first : 1) && can_sign_now(k)) {
			*key = k;
			k = NULL;
		}
		first = 0;
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (gpg_err_code(err) == GPG_ERR_EOF)
		return 0;
	gpgme_key_unref(*key);
	*key = NULL;
	return mule_error_set(err, NULL, "looking up the signing key: %s",
	    gpg_strerror(err));
}

gpg_error_t
mule_signer_default(gpgme_ctx_t ctx, const char *hint, char fpr[41])
{
	char **names = NULL, *path = NULL;
	gpgme_key_t key = NULL;
	gpg_error_t err;
	size_t n = 0, i;

	err = conf_path(ctx, &path);
	if (!err && path)
		err = default_keys(path, &names, &n);
	/* The last default-key first, as gpg tries them. */
	for (i = n; !err && !key && i > 0; i--)
		err = find(ctx, names[i - 1], &key);
	if (!err && !key)
		err = find(ctx, NULL, &key);
	if (!err && !key)
		err = mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), hint,
		    "no usable secret key to sign with");
	if (!err) {
		gpgme_signers_clear(ctx);
		err = gpgme_signers_add(ctx, key);
	}
	if (!err)
		memcpy(fpr, key->fpr, 41);
	gpgme_key_unref(key);
	mule_strlist_free(names, n);
	free(path);
	return err;
}
