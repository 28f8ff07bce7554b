/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list.c - what mule-key shows about keys. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/strlist.h"
#include "core/text.h"
#include "key/cert.h"
#include "key/inspect.h"
#include "key/keyring.h"
#include "key/list.h"
#include "key/words.h"
#include "pgp/gpg.h"

void
mule_key_print_card(FILE *f, const char *fpr, char *const *uids,
    size_t nuids)
{
	char grouped[51], words[MULE_WORDS_SIZE], *second;
	size_t i;

	/* Only a v4 fingerprint has a card (gpg 2.2 knows no other). */
	if (mule_words_of_fpr(fpr, words) < 0)
		return;
	mule_fpr_grouped(fpr, grouped);
	for (i = 0; i < nuids; i++)
		fprintf(f, "user ID      %s\n", uids[i]);
	fprintf(f, "fingerprint  %s\n", grouped);
	/* Six words a line: easier to read out and to follow. */
	second = words;
	for (i = 0; i < MULE_WORDS_BYTES / 2 && second; i++)
		second = strchr(second + 1, ' ');
	if (second)
		*second++ = '\0';
	fprintf(f, "words        %s\n", words);
	if (second)
		fprintf(f, "             %s\n", second);
	fprintf(f, "uri          OPENPGP4FPR:%s\n", fpr);
}

/* The card of the key file WHAT: fingerprint from its key packet. */
static gpg_error_t
card_of_file(const char *what, size_t max, FILE *f)
{
	struct mule_membuf bin = { NULL, 0, 0, 0, NULL };
	struct mule_cert *cert = NULL;
	char **uids = NULL;
	size_t nuids = 0, i;
	char *esc;
	int fd = -1;
	gpg_error_t err;

	char *name = mule_escape(what, strlen(what));

	if (!name)
		return gpg_error_from_syserror();
	err = mule_input_open(&fd, what);
	if (!err)
		err = mule_certfile_read(fd, strcmp(what, "-") ? name
		    : "standard input", max, &bin, &cert);
	for (i = 0; !err && i < cert->nuids; i++) {
		if (cert->uids[i].attribute)
			continue;
		esc = mule_escape((const char *)cert->uids[i].data,
		    cert->uids[i].len);
		err = esc ? mule_strlist_add(&uids, &nuids, esc)
		    : gpg_error_from_syserror();
		free(esc);
	}
	if (!err)
		mule_key_print_card(f, cert->primary.fpr, uids, nuids);
	mule_strlist_free(uids, nuids);
	mule_cert_free(cert);
	mule_membuf_release(&bin);
	if (fd > 0)
		close(fd);
	free(name);
	return err;
}

/* The card of the key NAME in the keyring (NULL: the user's own). */
static gpg_error_t
card_of_key(const struct mule_gpg_opts *gopts, const char *name, FILE *f)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_user_id_t u;
	char **uids = NULL, *esc;
	size_t nuids = 0;
	gpg_error_t err;

	err = mule_gpg_ctx_new(&ctx, gopts);
	if (!err)
		err = name ? mule_key_find(ctx, name, &key)
		    : mule_key_mine(ctx, NULL, &key);
	for (u = key ? key->uids : NULL; !err && u; u = u->next) {
		if (u->revoked || !u->uid)
			continue;
		esc = mule_escape(u->uid, strlen(u->uid));
		err = esc ? mule_strlist_add(&uids, &nuids, esc)
		    : gpg_error_from_syserror();
		free(esc);
	}
	if (!err)
		mule_key_print_card(f, key->fpr, uids, nuids);
	mule_strlist_free(uids, nuids);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}

gpg_error_t
mule_key_fingerprint(const struct mule_gpg_opts *gopts, const char *what,
    size_t max, FILE *f)
{
	struct stat st;

	/* A full fingerprint names a key; otherwise a file by that name
	 * wins over a user ID. */
	if (what && strlen(what) == 40
	    && strspn(what, "0123456789abcdefABCDEF") == 40)
		return card_of_key(gopts, what, f);
	if (what && (!strcmp(what, "-") || stat(what, &st) == 0))
		return card_of_file(what, max, f);
	return card_of_key(gopts, what, f);
}

/* The state of KEY as one word (see mule-key(1)). */
static const char *
state_of(gpgme_key_t key, int mine)
{
	if (key->revoked)
		return "revoked";
	if (key->expired)
		return "expired";
	if (mine)
		return key->owner_trust == GPGME_VALIDITY_ULTIMATE ? "mine"
		    : "mine-not-ultimate";
	return mule_key_accepted(key) ? "accepted" : "not-certified";
}

static const char *
primary_uid(gpgme_key_t key)
{
	gpgme_user_id_t u;

	for (u = key->uids; u; u = u->next)
		if (!u->revoked && u->uid)
			return u->uid;
	return key->uids && key->uids->uid ? key->uids->uid : "";
}

void
mule_key_day(char out[MULE_KEY_DAY_SIZE], long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, MULE_KEY_DAY_SIZE, "%Y-%m-%d",
	    &tm))
		snprintf(out, MULE_KEY_DAY_SIZE, "?");
}

static void
print_line(FILE *f, gpgme_key_t key, int mine, time_t now)
{
	gpgme_subkey_t s = mule_key_encryption_subkey(key);
	const char *uid = primary_uid(key);
	char when[MULE_KEY_DAY_SIZE + 1], *esc = mule_escape(uid, strlen(uid));

	/* The encryption subkey's expiry: a date ("!" when it is near),
	 * "never", or "-" for no usable encryption subkey. */
	if (!s)
		snprintf(when, sizeof when, "-");
	else if (!s->expires)
		snprintf(when, sizeof when, "never");
	else
		mule_key_day(when, s->expires);
	fprintf(f, "%-17s %s %s%-*s", state_of(key, mine), key->fpr, when,
	    (int)(11 - strlen(when)), s && s->expires
	    && s->expires - now < MULE_EXPIRES_SOON ? "!" : "");
	fprintf(f, " %s\n", esc ? esc : "?");
	free(esc);
}

static void
print_json(FILE *f, gpgme_key_t key, int mine, time_t now, int first)
{
	gpgme_subkey_t s = mule_key_encryption_subkey(key);
	gpgme_user_id_t u;
	int n = 0;

	fprintf(f, "%s\n  {\"fingerprint\": \"%s\", \"state\": \"%s\", "
	    "\"mine\": %s, \"accepted\": %s, \"user_ids\": [", first ? "" : ",",
	    key->fpr, state_of(key, mine), mine ? "true" : "false",
	    mule_key_accepted(key) ? "true" : "false");
	for (u = key->uids; u; u = u->next) {
		if (u->revoked || !u->uid)
			continue;
		fputs(n++ ? ", " : "", f);
		mule_json_string(f, u->uid, strlen(u->uid));
	}
	fputs("], \"encryption_subkey\": ", f);
	if (s)
		fprintf(f, "{\"fingerprint\": \"%s\", \"expires\": %ld}",
		    s->fpr ? s->fpr : "", s->expires);
	else
		fputs("null", f);
	fprintf(f, ", \"expires_soon\": %s}", s && s->expires
	    && s->expires - now < MULE_EXPIRES_SOON ? "true" : "false");
}

gpg_error_t
mule_key_list(const struct mule_gpg_opts *gopts, int json, time_t now,
    FILE *f)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t *keys = NULL;
	size_t n = 0, i;
	int mine;
	gpg_error_t err;

	err = mule_gpg_ctx_new(&ctx, gopts);
	/* One listing: with validity, and which keys have a secret part. */
	if (!err)
		err = gpgme_set_keylist_mode(ctx, gpgme_get_keylist_mode(ctx)
		    | GPGME_KEYLIST_MODE_WITH_SECRET);
	if (!err)
		err = mule_keys_list(ctx, 0, &keys, &n);
	if (err)
		goto leave;
	if (json)
		fputc('[', f);
	for (i = 0; i < n; i++) {
		mine = keys[i]->secret;
		if (json)
			print_json(f, keys[i], mine, now, i == 0);
		else
			print_line(f, keys[i], mine, now);
	}
	if (json)
		fputs(n ? "\n]\n" : "]\n", f);
leave:
	mule_keys_release(keys);
	gpgme_release(ctx);
	return err;
}
