/* SPDX-License-Identifier: GPL-3.0-or-later */
/* envelope.c - what a mule-stick item says about itself. */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#include "core/error.h"
#include "core/text.h"
#include "stick/envelope.h"

static const char *const kinds[] = { "message", "files", "receipt" };

const char *
mule_item_kind_name(enum mule_item_kind kind)
{
	return kinds[kind];
}

void
mule_envelope_new_id(char id[33])
{
	unsigned char rnd[16];

	gcry_randomize(rnd, sizeof rnd, GCRY_STRONG_RANDOM);
	mule_hex_encode(id, rnd, sizeof rnd);
}

gpg_error_t
mule_envelope_format(const struct mule_envelope *env, char **text,
    size_t *len)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	size_t i;

	if (!f)
		return gpg_error_from_syserror();
	fprintf(f, "mule-envelope: %d\nid: %s\nkind: %s\nsender: %s\n",
	    env->version, env->id, kinds[env->kind], env->sender);
	if (env->version >= 2)
		fprintf(f, "cert: %s\n", MULE_ENVELOPE_CERT_NAME);
	for (i = 0; i < env->nrecipients; i++)
		fprintf(f, "recipient: %s %" PRIu64 "\n", env->recipients[i].fpr,
		    env->recipients[i].seq);
	fprintf(f, "created: %" PRId64 "\n", env->created);
	if (fclose(f)) {
		free(s);
		return gpg_error_from_syserror();
	}
	*text = s;
	*len = n;
	return 0;
}


/* A decimal number without sign or leading zeros, at most 18 digits. */
static int
parse_number(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	if (!n || n > 18 || (n > 1 && s[0] == '0'))
		return 0;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 1;
}

/* Does ENV name the key of the 40 hex digits at FPR already? */
static int
named_before(const struct mule_envelope *env, const char *fpr)
{
	size_t i;

	for (i = 0; i < env->nrecipients; i++)
		if (!memcmp(env->recipients[i].fpr, fpr, 40))
			return 1;
	return 0;
}

static gpg_error_t
bad(const char *what)
{
	return mule_reject(GPG_ERR_INV_DATA, NULL, "a malformed envelope: %s",
	    what);
}

/* The first line, "mule-envelope: N": *VERSION is N, *REST the next
 * line.  A version we do not know is a newer format, not a malformed
 * one: the item may be good, for a newer mule. */
static gpg_error_t
parse_version(const char *text, size_t len, int *version, const char **rest)
{
	static const char key[] = "mule-envelope: ";
	const char *nl;
	uint64_t v;

	nl = len > sizeof key - 1 ? memchr(text, '\n', len) : NULL;
	if (!nl || memcmp(text, key, sizeof key - 1)
	    || !parse_number(text + sizeof key - 1,
	    (size_t)(nl - text) - (sizeof key - 1), &v) || !v)
		return bad("no version line");
	if (v > MULE_ENVELOPE_VERSION)
		return mule_reject(GPG_ERR_UNKNOWN_VERSION, NULL,
		    "a newer envelope format (version %" PRIu64 ", this mule "
		    "reads up to %d): upgrade mule to read it", v,
		    MULE_ENVELOPE_VERSION);
	*version = (int)v;
	*rest = nl + 1;
	return 0;
}

gpg_error_t
mule_envelope_parse(const char *text, size_t len, struct mule_envelope *env)
{
	const char *line = text, *end = text + len, *nl, *v;
	int have_id = 0, have_kind = 0, have_sender = 0, have_created = 0;
	int have_cert = 0;
	size_t l, k, vl;
	uint64_t num;
	gpg_error_t err;

	memset(env, 0, sizeof *env);
	if (len > MULE_ENVELOPE_MAX_SIZE)
		return bad("too large");
	err = parse_version(text, len, &env->version, &line);
	if (err)
		return err;
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			return bad("no final newline");
		l = (size_t)(nl - line);
		v = memchr(line, ':', l);
		if (!v || v + 1 >= nl || v[1] != ' ')
			return bad("a line without \"key: value\"");
		k = (size_t)(v - line);
		v += 2;
		vl = (size_t)(nl - v);
		if (k == 2 && !memcmp(line, "id", 2)) {
			if (have_id++ || vl != 32 || !mule_is_hex(v, 32, 0))
				return bad("id");
			memcpy(env->id, v, 32);
		} else if (k == 4 && !memcmp(line, "kind", 4)) {
			size_t i;

			for (i = 0; i < 3; i++)
				if (vl == strlen(kinds[i])
				    && !memcmp(v, kinds[i], vl))
					break;
			if (have_kind++ || i == 3)
				return bad("kind");
			env->kind = (enum mule_item_kind)i;
		} else if (k == 6 && !memcmp(line, "sender", 6)) {
			if (have_sender++ || vl != 40 || !mule_is_hex(v, 40, 1))
				return bad("sender");
			memcpy(env->sender, v, 40);
		} else if (k == 9 && !memcmp(line, "recipient", 9)) {
			size_t r = env->nrecipients;

			if (r == MULE_ENVELOPE_MAX_RECIPIENTS || vl < 42
			    || !mule_is_hex(v, 40, 1) || v[40] != ' '
			    || !parse_number(v + 41, vl - 41, &num) || !num)
				return bad("recipient");
			/* One sequence number per key: a second line for it
			 * would be a second, conflicting number. */
			if (named_before(env, v))
				return bad("a recipient named twice");
			memcpy(env->recipients[r].fpr, v, 40);
			env->recipients[r].seq = num;
			env->nrecipients++;
		} else if (k == 4 && !memcmp(line, "cert", 4)
		    && env->version >= 2) {
			if (have_cert++ || vl != strlen(MULE_ENVELOPE_CERT_NAME)
			    || memcmp(v, MULE_ENVELOPE_CERT_NAME, vl))
				return bad("cert");
		} else if (k == 7 && !memcmp(line, "created", 7)) {
			if (have_created++ || !parse_number(v, vl, &num))
				return bad("created");
			env->created = (int64_t)num;
		} else
			return bad("an unknown field");
	}
	if (!have_id || !have_kind || !have_sender || !have_created
	    || !env->nrecipients || (env->version >= 2 && !have_cert))
		return bad("a field is missing");
	return 0;
}

uint64_t
mule_envelope_seq_for(const struct mule_envelope *env, const char *fpr)
{
	size_t i;

	for (i = 0; i < env->nrecipients; i++)
		if (!strcmp(env->recipients[i].fpr, fpr))
			return env->recipients[i].seq;
	return 0;
}

const char *
mule_envelope_addressee(const struct mule_envelope *env,
    const char *folder_fpr, char (*mine)[41], size_t nmine)
{
	size_t i;

	if (folder_fpr)
		return mule_envelope_seq_for(env, folder_fpr) ? folder_fpr
		    : NULL;
	for (i = 0; i < nmine; i++)
		if (mule_envelope_seq_for(env, mine[i]))
			return mine[i];
	return NULL;
}

void
mule_envelope_leaf(const struct mule_envelope *env,
    char leaf[MULE_ENVELOPE_LEAF_MAX])
{
	snprintf(leaf, MULE_ENVELOPE_LEAF_MAX, "%" PRId64 "-%s", env->created,
	    env->id);
}
