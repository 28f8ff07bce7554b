/* SPDX-License-Identifier: GPL-3.0-or-later */
/* batch.c - mule-stick put of many items: side by side, all or nothing. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "core/progress.h"
#include "core/testhook.h"
#include "core/text.h"
#include "pgp/gpg.h"
#include "stick/envelope.h"
#include "stick/jobs.h"
#include "stick/put.h"
#include "stick/report.h"
#include "stick/sent.h"
#include "stick/space.h"
#include "stick/update.h"

/* What put's jobs (stick/jobs.h) share: the items, and what is stored
 * of each. */
struct put_items {
	const struct mule_stick *stick;
	const char *const *items;
	struct mule_stick_stored *stored;	/* one per item */
};

static gpg_error_t
put_one(void *arg, const struct mule_gpg_opts *gopts,
    const struct mule_stick_route *route, size_t i)
{
	struct put_items *p = arg;

	return mule_stick_put(gopts, p->stick, route, p->items[i], i,
	    &p->stored[i]);
}

/* The sent record learns the items once they are all in place, one
 * record per item and recipient (receipts come from each). */
static gpg_error_t
record_sent(const struct mule_stick_route *r,
    const struct mule_stick_stored *stored, size_t nitems)
{
	struct mule_sent_item *rec;
	int64_t now = (int64_t)time(NULL);
	size_t i, k, n = 0;
	gpg_error_t err;

	rec = calloc(nitems * r->nrecipients + 1, sizeof *rec);
	if (!rec)
		return gpg_error_from_syserror();
	for (i = 0; i < nitems; i++)
		for (k = 0; k < r->nrecipients; k++, n++) {
			memcpy(rec[n].sender, r->sender, 41);
			memcpy(rec[n].recipient, r->recipients[k], 41);
			memcpy(rec[n].id, stored[i].id, 33);
			memcpy(rec[n].cid, stored[i].cid, 65);
			snprintf(rec[n].kind, sizeof rec[n].kind, "%s",
			    stored[i].kind);
			rec[n].size = stored[i].size;
			rec[n].name = stored[i].name;	/* as put shows it */
			rec[n].state = MULE_SENT_PUT;
			rec[n].put = now;
		}
	err = mule_sent_record(r->state_dir, rec, n);
	free(rec);
	return err;
}

gpg_error_t
mule_stick_items_exist(const char *const *items, size_t n)
{
	struct stat st;
	gpg_error_t err;
	char *shown;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(items[i], "-") || lstat(items[i], &st) == 0)
			continue;
		err = gpg_error_from_syserror();
		shown = mule_escape(items[i], strlen(items[i]));
		err = mule_error_set(err, NULL, "%s: %s", shown ? shown : "?",
		    strerror(errno));
		free(shown);
		return err;
	}
	return 0;
}

gpg_error_t
mule_stick_put_items(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_put_opts *o,
    const char *const *items, size_t nitems)
{
	struct mule_gpg_opts binary = *gopts;
	struct mule_stick_route route;
	struct mule_membuf cert = { NULL, 0, 0, 0, NULL };
	struct mule_stick_jobs jobs;
	struct put_items put;
	struct mule_reporter *rep = NULL;
	uint64_t *seqs = NULL;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err, e;
	size_t i;

	memset(&route, 0, sizeof route);
	route.hide_recipients = o->hide_recipients;
	route.split = o->split;
	route.quiet = o->quiet;
	binary.armor = 0;	/* items are binary OpenPGP */
	/* First: a signal from here on still prints a whole JSON array. */
	err = mule_reporter_new(&rep, &binary, o->json, o->quiet);
	route.names = rep ? mule_reporter_names(rep) : NULL;
	if (!err)
		err = mule_gpg_ctx_new(&ctx, &binary);
	if (!err)
		err = mule_stick_route_resolve(ctx, o->signer, o->recipients,
		    o->nrecipients, o->recipient_files, o->nrecipient_files,
		    &route);
	memset(&jobs, 0, sizeof jobs);
	memset(&put, 0, sizeof put);
	put.stick = s;
	put.items = items;
	/* The context holds the signer now: the first job's. */
	if (!err) {
		err = mule_stick_jobs_init(&jobs, &binary, &route, ctx);
		ctx = NULL;
	}
	/* Every item carries the signer's certificate: exported once. */
	if (!err && !(err = mule_stick_cert_export(&binary, route.sender,
	    &cert)))
		route.cert = &cert;
	/* Every item must be there before numbers are taken for them: a
	 * number never used would look like a lost item to the reader. */
	if (!err)
		err = mule_stick_items_exist(items, nitems);
	/* Room for them, before anything is sealed or numbered. */
	if (!err)
		err = mule_stick_space_check(s, items, nitems,
		    route.hide_recipients ? 1 : route.nrecipients, cert.len);
	/* What killed puts left here is settled first: the numbers they
	 * give back are taken again now. */
	if (!err)
		err = mule_stick_route_prepare(s, &route);
	if (!err && (!(seqs = calloc(nitems, route.nrecipients
	    * sizeof *seqs)) || !(put.stored = calloc(nitems,
	    sizeof *put.stored))))
		err = gpg_error_from_syserror();
	/* All the numbers at once: one lock and one write, not one per
	 * item. */
	if (!err)
		err = mule_stick_route_number(&route, nitems, seqs);
	mule_test_pause("stick-put-after-number");
	/* The first item alone (jobs.c), then the others side by side. */
	if (!err) {
		jobs.progress = mule_progress_new("putting", o->quiet
		    || o->json, 0, nitems);
		mule_progress_unit(jobs.progress, "item", "items");
		err = mule_stick_jobs_run(&jobs, nitems, put_one, &put);
		mule_progress_done(jobs.progress);
		jobs.progress = NULL;
	}
	if (!err)
		err = mule_stick_route_sync(s, &route);
	if (!err)
		err = record_sent(&route, put.stored, nitems);
	/* All or nothing: a failed put takes back the items it stored, so
	 * that running it again puts none twice. */
	for (i = 0; !err && i < nitems; i++)
		err = mule_stick_put_report(rep, &route, &put.stored[i]);
	if (rep) {
		gpg_error_t ferr = mule_reporter_finish(rep);

		err = err ? err : ferr;
	}
	for (i = 0; err && put.stored && i < nitems; i++)
		mule_stick_put_undo(s, &route, &put.stored[i]);
	if (err && put.stored)
		(void)mule_stick_route_sync(s, &route);
	mule_test_pause("stick-put-before-settle");
	/* Numbers kept for the items in place, given back for those that
	 * never were (or were taken back untouched); what is not known is
	 * left to the next put here. */
	e = put.stored ? mule_stick_route_settle(&route, put.stored, nitems)
	    : 0;
	if (e && !err) {
		mule_warn("sequence numbers not settled (%s): the next put "
		    "settles them", gpg_strerror(e));
		mule_error_clear();
	}
	mule_reporter_free(rep);
	for (i = 0; put.stored && i < nitems; i++)
		free(put.stored[i].name);
	free(put.stored);
	free(seqs);
	mule_stick_jobs_release(&jobs);
	gpgme_release(ctx);
	mule_stick_route_release(&route);
	mule_membuf_release(&cert);
	return err;
}
