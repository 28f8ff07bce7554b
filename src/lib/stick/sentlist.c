/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sentlist.c - mule-stick sent: my items per recipient. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/jsonlog.h"
#include "core/nameset.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "pgp/keys.h"
#include "stick/names.h"
#include "stick/sent.h"
#include "stick/sentlist.h"

#define DAY 86400

static const char *const status_names[] = {
	"queued", "pending", "acknowledged"
};
enum { QUEUED, PENDING, ACKED };

/* ERR from resolving -r, with a hint for sent (not put's). */
static gpg_error_t
hint(gpg_error_t err)
{
	struct mule_error_record rec;

	mule_error_save(&rec);
	if (rec.err != err)
		return err;
	snprintf(rec.hint, sizeof rec.hint, "name the recipient by its "
	    "fingerprint, or by a user ID of a key in your keyring");
	mule_error_restore(&rec);
	return err;
}

/* The primary fingerprint of NAME: a full fingerprint (of a key that is
 * in the keyring or not: its items may be older than its deletion), or
 * a user ID resolved as put -r resolves it. */
static gpg_error_t
resolve(gpgme_ctx_t ctx, const char *name, char out[41])
{
	gpgme_key_t key = NULL;
	char *recp = NULL;
	gpg_error_t err = 0;

	if (!mule_fpr_parse(name, out)) {
		err = mule_recipients_resolve(ctx, &name, 1, NULL, 0, &recp);
		if (!err) {
			recp[strcspn(recp, "\n")] = '\0';
			if (!mule_fpr_parse(recp, out))
				err = gpg_error(GPG_ERR_INV_NAME);
		}
		free(recp);
		if (err)
			return hint(err);
	}
	/* A subkey's fingerprint names its primary key. */
	if (!mule_key_get(ctx, out, 0, &key) && key->fpr
	    && strlen(key->fpr) == 40)
		memcpy(out, key->fpr, 41);
	gpgme_key_unref(key);
	return 0;
}

static gpg_error_t
wanted_set(const struct mule_gpg_opts *gopts,
    const struct mule_stick_sent_opts *o, struct mule_nameset *set)
{
	gpgme_ctx_t ctx = NULL;
	char fpr[41];
	gpg_error_t err;
	size_t i;

	if (!o->nrecipients)
		return 0;
	err = mule_gpg_ctx_new(&ctx, gopts);
	for (i = 0; !err && i < o->nrecipients; i++) {
		err = resolve(ctx, o->recipients[i], fpr);
		if (!err)
			err = mule_nameset_put(set, fpr, 40, 1);
	}
	gpgme_release(ctx);
	return err;
}

static int
status_of(const struct mule_sent_item *it)
{
	return it->acked ? ACKED : it->state == MULE_SENT_QUEUED ? QUEUED
	    : PENDING;
}

/* Whole days since the item was put (or queued), never below 0. */
static int64_t
age_days(const struct mule_sent_item *it, int64_t now)
{
	int64_t t = it->put ? it->put : it->queued;

	return now > t ? (now - t) / DAY : 0;
}

static int
shown(const struct mule_sent_item *it, const struct mule_stick_sent_opts *o,
    const struct mule_nameset *want, int64_t now)
{
	int64_t t = it->put ? it->put : it->queued;

	if (o->nrecipients && mule_nameset_get(want, it->recipient, 40) < 0)
		return 0;
	return o->older < 0 || (!it->acked && now - t > (int64_t)o->older
	    * DAY);
}

/* The item's name for a line, escaped (malloc'ed). */
static char *
name_text(const struct mule_sent_item *it)
{
	return mule_escape(it->name, strlen(it->name));
}

static gpg_error_t
print_line(struct mule_stick_names *names, const struct mule_sent_item *it,
    int64_t now)
{
	char size[MULE_SIZE_TEXT], t1[MULE_TIME_TEXT], t2[MULE_TIME_TEXT];
	char *who = mule_stick_person(names, it->recipient);
	char *name = name_text(it);
	int st = status_of(it);

	if (!who || !name) {
		free(who);
		free(name);
		return gpg_error_from_syserror();
	}
	mule_size_text(it->size, size);
	mule_time_text(it->put ? it->put : it->queued, t1);
	if (st == ACKED) {
		mule_time_text(it->ack_time, t2);
		printf("acknowledged by %s: %s, %s, put %s, acknowledged %s\n",
		    who, name, size, t1, t2);
	} else
		printf("%s %s %s: %s, %s, %s %s, waiting %" PRId64 " day%s\n",
		    status_names[st], st == QUEUED ? "for" : "to", who, name,
		    size, st == QUEUED ? "queued" : "put", t1,
		    age_days(it, now), age_days(it, now) == 1 ? "" : "s");
	free(who);
	free(name);
	return 0;
}

static void
json_time(FILE *f, const char *key, int64_t t, int have)
{
	char text[MULE_TIME_TEXT];

	fprintf(f, ", \"%s\": ", key);
	if (!have) {
		fputs("null", f);
		return;
	}
	mule_time_text(t, text);
	mule_json_string(f, text, strlen(text));
}

/* IT's object, added whole to LOG (core/jsonlog.h). */
static gpg_error_t
print_json(struct mule_jsonlog *log, struct mule_stick_names *names,
    const struct mule_sent_item *it, int64_t now)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return gpg_error_from_syserror();
	fprintf(f, "{\"status\": \"%s\"", status_names[status_of(it)]);
	mule_stick_json_person(f, names, "recipient", it->recipient);
	mule_stick_json_person(f, names, "sender", it->sender);
	fprintf(f, ", \"id\": \"%s\", \"cid\": \"%s\", \"kind\": \"%s\", "
	    "\"name\": ", it->id, it->cid, it->kind);
	mule_json_string(f, it->name, strlen(it->name));
	fprintf(f, ", \"size\": %" PRIu64, it->size);
	json_time(f, "queued", it->queued, it->queued != 0);
	json_time(f, "put", it->put, it->put != 0);
	fprintf(f, ", \"age_days\": %" PRId64, age_days(it, now));
	json_time(f, "acknowledged", it->ack_time, it->acked);
	fputs(", \"receipt\": ", f);
	if (it->acked)
		fprintf(f, "\"%s\"", it->receipt);
	else
		fputs("null", f);
	json_time(f, "receipt_sealed", it->receipt_created, it->acked);
	fputs("}", f);
	if (fclose(f) == EOF) {
		free(text);
		return gpg_error_from_syserror();
	}
	return mule_jsonlog_add(log, text);
}

/* The summary line of RECIPIENT's N items from INDEX. */
static gpg_error_t
print_head(struct mule_stick_names *names, const struct mule_sent *s,
    const size_t *index, size_t n)
{
	size_t count[3] = { 0, 0, 0 }, i;
	char *who;

	for (i = 0; i < n; i++)
		count[status_of(mule_sent_get(s, index[i]))]++;
	who = mule_stick_person(names, mule_sent_get(s, index[0])->recipient);
	if (!who)
		return gpg_error_from_syserror();
	printf("to %s: %zu item%s, %zu acknowledged, %zu pending", who, n,
	    n == 1 ? "" : "s", count[ACKED], count[PENDING]);
	if (count[QUEUED])
		printf(", %zu queued", count[QUEUED]);
	putchar('\n');
	free(who);
	return 0;
}

/* The items to show, grouped by recipient (in the order each was first
 * sent to), each group in the record's order: counted, then placed. */
static gpg_error_t
select_items(const struct mule_sent *s, const struct mule_stick_sent_opts *o,
    const struct mule_nameset *want, int64_t now, size_t **index,
    size_t *n)
{
	struct mule_nameset groups = { NULL, 0, 0 };
	size_t total = mule_sent_count(s), *start, i;
	gpg_error_t err = 0;
	int *group, g, ngroups = 0;

	*n = 0;
	*index = calloc(total + 1, sizeof **index);
	start = calloc(total + 1, sizeof *start);
	group = calloc(total + 1, sizeof *group);
	if (!*index || !start || !group)
		err = gpg_error_from_syserror();
	for (i = 0; !err && i < total; i++) {
		const struct mule_sent_item *it = mule_sent_get(s, i);

		group[i] = -1;
		if (!shown(it, o, want, now))
			continue;
		g = mule_nameset_get(&groups, it->recipient, 40);
		if (g < 0 && !(err = mule_nameset_put(&groups, it->recipient,
		    40, ngroups)))
			g = ngroups++;
		group[i] = g;
		start[g + 1]++;
		(*n)++;
	}
	for (g = 1; !err && g < ngroups; g++)
		start[g] += start[g - 1];
	for (i = 0; !err && i < total; i++)
		if (group[i] >= 0)
			(*index)[start[group[i]]++] = i;
	free(start);
	free(group);
	mule_nameset_release(&groups);
	return err;
}

static gpg_error_t
print_all(const struct mule_sent *s, const struct mule_stick_sent_opts *o,
    struct mule_stick_names *names, const size_t *index, size_t n,
    int64_t now)
{
	const struct mule_sent_item *it, *prev = NULL;
	struct mule_jsonlog *log = NULL;
	gpg_error_t err = 0;
	size_t i, k;

	if (o->json && (err = mule_jsonlog_new(&log, STDOUT_FILENO)))
		return err;
	for (i = 0; !err && i < n; i++) {
		it = mule_sent_get(s, index[i]);
		if (o->json) {
			err = print_json(log, names, it, now);
			continue;
		}
		if (!o->quiet && (!prev || strcmp(prev->recipient,
		    it->recipient))) {
			for (k = i; k < n && !strcmp(mule_sent_get(s,
			    index[k])->recipient, it->recipient); k++)
				;
			err = print_head(names, s, index + i, k - i);
		}
		if (!err)
			err = print_line(names, it, now);
		prev = it;
	}
	if (log) {
		gpg_error_t ferr = mule_jsonlog_finish(log);

		err = err ? err : ferr;
	} else if (!n && !o->quiet)
		puts("no items");
	mule_jsonlog_free(log);
	return err;
}

gpg_error_t
mule_stick_sent_list(const struct mule_gpg_opts *gopts,
    const struct mule_stick_sent_opts *o)
{
	struct mule_nameset want = { NULL, 0, 0 };
	struct mule_stick_names *names = NULL;
	struct mule_sent *s = NULL;
	char *path = NULL;
	size_t *index = NULL, n = 0;
	int64_t now = (int64_t)time(NULL);
	gpg_error_t err;

	err = wanted_set(gopts, o, &want);
	if (!err)
		err = mule_sent_path(o->state_dir, &path);
	if (!err)
		err = mule_sent_open(&s, path);
	if (!err)
		err = select_items(s, o, &want, now, &index, &n);
	if (!err)
		err = mule_stick_names_new(&names, gopts);
	if (!err)
		err = print_all(s, o, names, index, n, now);
	if (!err && (fflush(stdout) == EOF || ferror(stdout)))
		err = mule_error_set(gpg_error_from_syserror(), NULL,
		    "standard output: %s", strerror(errno));
	mule_stick_names_free(names);
	mule_sent_close(s);
	mule_nameset_release(&want);
	free(index);
	free(path);
	return err;
}
