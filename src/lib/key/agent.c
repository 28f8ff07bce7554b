/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agent.c - gpg-agent's socket, and DELETE_KEY through GPGME. */
#include <config.h>

#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gcrypt.h>

#include "core/error.h"
#include "core/text.h"
#include "key/agent.h"

/* NAME with a leading "~" or "~user" expanded as GnuPG does: $HOME (or
 * the password entry) for "~"; a user without an entry stays as it is. */
static char *
expand_tilde(const char *name)
{
	const char *home = NULL, *rest = name;
	struct passwd *pw;
	char *user, *out;
	size_t len;

	if (name[0] == '~' && (name[1] == '/' || !name[1])) {
		if (!(home = getenv("HOME")) && (pw = getpwuid(getuid())))
			home = pw->pw_dir;
		rest = name + 1;
	} else if (name[0] == '~') {
		len = strcspn(name + 1, "/");
		if (!(user = strndup(name + 1, len)))
			return NULL;
		if ((pw = getpwnam(user))) {
			home = pw->pw_dir;
			rest = name + 1 + len;
		}
		free(user);
	}
	if (asprintf(&out, "%s%s", home ? home : "", rest) < 0)
		return NULL;
	return out;
}

/* NAME made absolute as GnuPG's make_absfilename makes it; malloc'ed. */
static char *
absolute(const char *name)
{
	char *p = expand_tilde(name), *cwd, *out;
	size_t n;
	int rc;

	if (!p || p[0] == '/')
		return p;
	if (!(cwd = getcwd(NULL, 0))) {
		free(p);
		return NULL;
	}
	rc = asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "", p);
	free(cwd);
	free(p);
	if (rc < 0)
		return NULL;
	n = strlen(out);
	if (n > 2 && out[n - 2] == '/' && out[n - 1] == '.')
		out[n - 2] = '\0';
	return out;
}

gpg_error_t
mule_agent_home(const char *homedir, char **home, int *nondefault)
{
	char *dir = NULL, *def = NULL;
	size_t n;

	*home = NULL;
	*nondefault = 0;
	if (!homedir || !*homedir)
		homedir = getenv("GNUPGHOME");
	if (!homedir || !*homedir)
		homedir = "~/.gnupg";
	else {
		/* trailing slashes go, but not the first character */
		if (!(dir = strdup(homedir)))
			return gpg_error_from_syserror();
		for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
			dir[n - 1] = '\0';
		homedir = dir;
	}
	*home = absolute(homedir);
	def = absolute("~/.gnupg");
	if (*home && def)
		*nondefault = strcmp(*home, def) != 0;
	free(def);
	free(dir);
	if (!def || !*home) {
		gpg_error_t err = gpg_error_from_syserror();

		free(*home);
		*home = NULL;
		return mule_error_set(err, NULL, "the GnuPG home: %s",
		    gpg_strerror(err));
	}
	return 0;
}

/* Whether PATH is a directory of ours (and, with PRIVATE, open to
 * nobody else), as GnuPG requires of a socket directory. */
static int
our_dir(const char *path, int private)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)
	    || st.st_uid != getuid())
		return 0;
	return !private || !(st.st_mode & (S_IRWXG | S_IRWXO));
}

/* Zooko's base-32 of the 15 bytes at IN, 24 characters and a NUL. */
static void
zb32_15(const unsigned char *in, char out[25])
{
	static const char zb32[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
	uint64_t v;
	int i, j;

	for (i = 0; i < 3; i++) {
		for (v = 0, j = 0; j < 5; j++)
			v = v << 8 | in[5 * i + j];
		for (j = 0; j < 8; j++)
			out[8 * i + j] = zb32[(v >> (35 - 5 * j)) & 31];
	}
	out[24] = '\0';
}

/* The socket directory for HOME (NONDEFAULT as mule_agent_home says) in
 * *DIR, or NULL there when it is the home itself. */
static gpg_error_t
run_dir(const char *home, int nondefault, char **dir)
{
	static const char *const bases[] = { "/run", "/var/run" };
	unsigned char sha1[20];
	char base[64], sub[25];
	struct stat st;
	size_t i;
	int rc;

	*dir = NULL;
	for (i = 0; i < 2; i++) {
		snprintf(base, sizeof base, "%s/user/%u", bases[i],
		    (unsigned)getuid());
		if (!stat(base, &st) && S_ISDIR(st.st_mode))
			break;
	}
	if (i == 2 || st.st_uid != getuid())
		return 0;
	strcat(base, "/gnupg");
	if (!our_dir(base, 1))
		return 0;
	if (!nondefault)
		rc = asprintf(dir, "%s", base);
	else {
		gcry_md_hash_buffer(GCRY_MD_SHA1, sha1, home, strlen(home));
		zb32_15(sha1, sub);
		rc = asprintf(dir, "%s/d.%s", base, sub);
	}
	if (rc < 0) {
		*dir = NULL;
		return gpg_error_from_syserror();
	}
	if (!our_dir(*dir, 1)) {
		free(*dir);
		*dir = NULL;
	}
	return 0;
}

gpg_error_t
mule_agent_socket(const char *homedir, char **path)
{
	char *home = NULL, *dir = NULL;
	int nondefault, rc;
	gpg_error_t err;

	*path = NULL;
	err = mule_agent_home(homedir, &home, &nondefault);
	if (!err)
		err = run_dir(home, nondefault, &dir);
	if (!err) {
		rc = asprintf(path, "%s/S.gpg-agent", dir ? dir : home);
		if (rc < 0) {
			*path = NULL;
			err = gpg_error_from_syserror();
		}
	}
	if (err)
		mule_error_set(err, NULL, "finding gpg-agent's socket: %s",
		    gpg_strerror(err));
	free(home);
	free(dir);
	return err;
}

gpg_error_t
mule_agent_ctx_new(gpgme_ctx_t *ctx, const char *socket)
{
	gpgme_ctx_t c = NULL;
	gpg_error_t err;

	*ctx = NULL;
	err = gpgme_new(&c);
	if (!err)
		err = gpgme_set_protocol(c, GPGME_PROTOCOL_ASSUAN);
	/* (a NULL home keeps GPGME's "!GPG_AGENT": it tells the agent our
	 * terminal and display, for a pinentry it may need) */
	if (!err)
		err = gpgme_ctx_set_engine_info(c, GPGME_PROTOCOL_ASSUAN,
		    socket, NULL);
	if (err) {
		gpgme_release(c);
		return mule_error_set(err, gpg_err_code(err) ==
		    GPG_ERR_INV_ENGINE ? "GPGME finds gpg-agent through "
		    "gpgconf (GnuPG 2.2): is it installed?" : NULL,
		    "setting up GPGME to talk to gpg-agent: %s",
		    gpg_strerror(err));
	}
	*ctx = c;
	return 0;
}

static int
is_grip(const char *grip)
{
	return strlen(grip) == 40 && mule_is_hex(grip, 40, 1);
}

/* KEYINFO's status line: GRIP TYPE SERIALNO IDSTR CACHED PROTECTION ... */
static gpgme_error_t
keyinfo_status(void *arg, const char *status, const char *args)
{
	int *protected = arg;
	char prot = 0;

	if (strcmp(status, "KEYINFO")
	    || sscanf(args, "%*s %*s %*s %*s %*s %c", &prot) != 1)
		return 0;
	*protected = prot == 'P' ? 1 : prot == 'C' ? 0 : -1;
	return 0;
}

/* Send "VERB GRIP" to the agent at SOCKET on CTX, its status lines to
 * STATUS(ARG); the agent's own answer in *OP_ERR.  Errors: a GRIP that
 * is no keygrip, or no agent to talk to. */
static gpg_error_t
transact(gpgme_ctx_t ctx, const char *socket, const char *verb,
    const char *grip, gpgme_assuan_status_cb_t status, void *arg,
    gpgme_error_t *op_err)
{
	gpgme_error_t err;
	char cmd[80];

	*op_err = 0;
	if (!is_grip(grip))
		return mule_error_set(mule_fail_code(GPG_ERR_INV_ARG), NULL,
		    "'%s' is not a keygrip", grip);
	snprintf(cmd, sizeof cmd, "%s %s", verb, grip);
	err = gpgme_op_assuan_transact_ext(ctx, cmd, NULL, NULL, NULL, NULL,
	    status, arg, op_err);
	if (err)
		return mule_error_set(err, "gpg --list-secret-keys starts the "
		    "agent", "talking to gpg-agent at %s: %s", socket,
		    gpg_strerror(err));
	return 0;
}

gpg_error_t
mule_agent_key_protection(gpgme_ctx_t ctx, const char *socket,
    const char *grip, int *protected)
{
	gpgme_error_t err, op_err;

	*protected = -1;
	err = transact(ctx, socket, "KEYINFO", grip, keyinfo_status,
	    protected, &op_err);
	if (err)
		return err;
	if (gpg_err_code(op_err) == GPG_ERR_NO_SECKEY
	    || gpg_err_code(op_err) == GPG_ERR_NOT_FOUND)
		return mule_error_set(mule_fail_code(GPG_ERR_NO_SECKEY), NULL,
		    "gpg-agent at %s has no secret key %s", socket, grip);
	if (op_err)
		return mule_error_set(op_err, NULL, "asking gpg-agent at %s "
		    "about the key %s: %s", socket, grip, gpg_strerror(op_err));
	return 0;
}

gpg_error_t
mule_agent_delete_key(gpgme_ctx_t ctx, const char *socket, const char *grip)
{
	gpgme_error_t err, op_err;

	err = transact(ctx, socket, "DELETE_KEY --force", grip, NULL, NULL,
	    &op_err);
	if (err)
		return err;
	if (op_err)
		return mule_error_set(op_err, NULL, "gpg-agent at %s did not "
		    "destroy the secret key %s: %s", socket, grip,
		    gpg_strerror(op_err));
	return 0;
}
