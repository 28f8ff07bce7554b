/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queue.c - mule-stick put --queue: items sealed into the outbox. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fd.h"
#include "core/output.h"
#include "core/progress.h"
#include "core/tempname.h"
#include "core/testhook.h"
#include "pgp/gpg.h"
#include "stick/envelope.h"
#include "stick/folder.h"
#include "stick/jobs.h"
#include "stick/outbox.h"
#include "stick/queued.h"
#include "stick/report.h"
#include "stick/sent.h"
#include "stick/update.h"

/* What the queue's jobs (stick/jobs.h) share: the outbox, the items,
 * and what is sealed of each. */
struct queue_items {
	const struct mule_outbox *ob;
	const char *const *items;
	struct mule_stick_sealed *sealed;	/* one per item */
};

static gpg_error_t
seal_one(void *arg, const struct mule_gpg_opts *gopts,
    const struct mule_stick_route *route, size_t i)
{
	struct queue_items *q = arg;
	gpg_error_t err;

	err = mule_stick_seal(gopts, route, q->items[i], i, q->ob->fd,
	    q->ob->path, &q->sealed[i]);
	/* Its numbers pending before it is queued: a queue killed before
	 * its record is written gives them back at the next sync. */
	if (!err)
		err = mule_sequence_pending(route->seq, route->sender,
		    q->sealed[i].cid, MULE_OUTBOX_LOCATION, route->recipients,
		    route->seqs + i * route->nrecipients, NULL,
		    route->nrecipients);
	return err;
}

/* The record of SEALED, put for R. */
static void
record_of(const struct mule_stick_route *r, const struct mule_stick_sealed *s,
    struct mule_outbox_item *it)
{
	size_t i;

	memset(it, 0, sizeof *it);
	memcpy(it->id, s->id, 33);
	memcpy(it->cid, s->cid, 65);
	snprintf(it->kind, sizeof it->kind, "%s", s->kind);
	memcpy(it->sender, r->sender, 41);
	for (i = 0; i < r->nrecipients; i++)
		memcpy(it->recipients[i], r->recipients[i], 41);
	it->nrecipients = r->nrecipients;
	if (r->hide_recipients) {
		snprintf(it->folders[0], 41, "%s", MULE_STICK_ANYONE);
		it->nfolders = 1;
	} else {
		memcpy(it->folders, it->recipients, sizeof it->folders);
		it->nfolders = it->nrecipients;
	}
	it->name = s->name;	/* borrowed */
	it->size = s->size;
	it->created = s->created;
	it->split = r->split;
}

/* Take back what was queued of the N items of SEALED: the records
 * first, so that no item is ever queued without its file. */
static void
unqueue(const struct mule_outbox *ob, const struct mule_stick_sealed *sealed,
    size_t n)
{
	struct mule_error_record why;	/* the failure's, kept */
	char name[80];
	size_t i;

	mule_error_save(&why);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s.to", sealed[i].cid);
		unlinkat(ob->fd, name, 0);
	}
	(void)mule_sync_dirfd(ob->fd);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s.gpg", sealed[i].cid);
		unlinkat(ob->fd, name, 0);
	}
	(void)mule_sync_dirfd(ob->fd);
	mule_error_restore(&why);
}

static gpg_error_t
sync_dir(const struct mule_outbox *ob)
{
	if (mule_sync_dirfd(ob->fd) < 0)
		return mule_error_set(gpg_error_from_syserror(), NULL, "%s: %s",
		    ob->path, strerror(errno));
	return 0;
}

/* Put the N sealed items in place, then their records (*DONE: how many
 * items may be in place, for unqueue). */
static gpg_error_t
commit(struct mule_outbox *ob, const struct mule_stick_route *r,
    const struct mule_stick_sealed *sealed, size_t n, size_t *done)
{
	struct mule_outbox_item it;
	gpg_error_t err = 0;
	size_t i;

	for (i = 0; !err && i < n; i++, (*done)++)
		err = mule_output_commit(sealed[i].out);
	/* The items on the disk before any record says they are there. */
	if (!err)
		err = sync_dir(ob);
	mule_test_pause("outbox-queue-before-record");
	for (i = 0; !err && i < n; i++) {
		record_of(r, &sealed[i], &it);
		err = mule_outbox_add(ob, &it);
	}
	if (!err)
		err = sync_dir(ob);
	return err;
}

/* The sent record learns the N items once they are queued (stick/sent.h:
 * "queued" lines, one per item and recipient); sync makes them "put". */
static gpg_error_t
record_sent(const struct mule_stick_route *r,
    const struct mule_stick_sealed *sealed, size_t n)
{
	struct mule_sent_item *rec;
	int64_t now = (int64_t)time(NULL);
	size_t i, k, m = 0;
	gpg_error_t err;

	rec = calloc(n * r->nrecipients + 1, sizeof *rec);
	if (!rec)
		return gpg_error_from_syserror();
	for (i = 0; i < n; i++)
		for (k = 0; k < r->nrecipients; k++, m++) {
			memcpy(rec[m].sender, r->sender, 41);
			memcpy(rec[m].recipient, r->recipients[k], 41);
			memcpy(rec[m].id, sealed[i].id, 33);
			memcpy(rec[m].cid, sealed[i].cid, 65);
			snprintf(rec[m].kind, sizeof rec[m].kind, "%s",
			    sealed[i].kind);
			rec[m].size = sealed[i].size;
			rec[m].name = sealed[i].name;
			rec[m].state = MULE_SENT_QUEUED;
			rec[m].queued = now;
		}
	err = mule_sent_record(r->state_dir, rec, m);
	free(rec);
	return err;
}

/* Say what was queued: a line for each item, or objects of the JSON
 * array. */
static gpg_error_t
report(struct mule_reporter *rep, const struct mule_stick_route *r,
    const struct mule_stick_sealed *sealed, size_t n)
{
	struct mule_outbox_item it;
	gpg_error_t err = 0;
	size_t i;

	for (i = 0; !err && i < n; i++) {
		record_of(r, &sealed[i], &it);
		err = mule_queued_report(rep, MULE_REPORT_QUEUED, &it, NULL, 0,
		    0);
	}
	return err;
}

/* Settle what killed queues left pending in the outbox, under the lock
 * (no sync meanwhile, which would remove what it moved): the numbers of
 * an item that never got its record go back, and are taken again now. */
static gpg_error_t
reconcile(struct mule_outbox *ob, const char *state_dir)
{
	gpg_error_t err = mule_outbox_lock(ob, 0);

	if (!err)
		err = mule_sequence_reconcile(state_dir, MULE_OUTBOX_LOCATION,
		    mule_outbox_probe, ob);
	mule_outbox_unlock(ob);
	return err;
}

/* Keep the numbers of the N items if they were QUEUED, else give them
 * back (none is in the outbox: never was, or taken back under the lock,
 * before any sync could take it). */
static void
settle(const struct mule_stick_route *r, size_t n, int queued)
{
	enum mule_sequence_end *ends;
	gpg_error_t err;
	size_t i;

	if (!r->seq || !r->seqs || !n)
		return;
	ends = calloc(n, sizeof *ends);
	err = ends ? 0 : gpg_error_from_syserror();
	for (i = 0; ends && i < n; i++)
		ends[i] = queued ? MULE_SEQUENCE_KEEP : MULE_SEQUENCE_GIVE_BACK;
	if (!err)
		err = mule_sequence_settle(r->seq, r->sender, r->recipients,
		    r->nrecipients, r->seqs, ends, n);
	free(ends);
	if (err) {
		mule_warn("sequence numbers not settled (%s): the next sync "
		    "settles them", gpg_strerror(err));
		mule_error_clear();
	}
}

gpg_error_t
mule_outbox_queue(const struct mule_gpg_opts *gopts,
    const struct mule_outbox_queue_opts *o, const char *const *items,
    size_t nitems)
{
	struct mule_gpg_opts binary = *gopts;
	struct mule_stick_route route;
	struct mule_membuf cert = { NULL, 0, 0, 0, NULL };
	struct mule_outbox ob;
	struct mule_reporter *rep = NULL;
	struct mule_stick_jobs jobs;
	struct queue_items queue;
	uint64_t *seqs = NULL;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err, ferr;
	size_t i, done = 0;
	int finished = 0, queued = 0;

	memset(&route, 0, sizeof route);
	memset(&jobs, 0, sizeof jobs);
	memset(&queue, 0, sizeof queue);
	memset(&ob, 0, sizeof ob);
	ob.fd = ob.lock = -1;
	route.hide_recipients = o->put.hide_recipients;
	route.split = o->put.split;
	route.quiet = o->put.quiet;
	route.state_dir = o->state_dir;
	binary.armor = 0;	/* items are binary OpenPGP */
	/* First: a signal from here on still prints a whole JSON array. */
	err = mule_reporter_new(&rep, &binary, o->put.json, o->put.quiet);
	route.names = rep ? mule_reporter_names(rep) : NULL;
	if (!err)
		err = mule_outbox_open(&ob, o->state_dir, 1);
	if (!err)
		err = mule_gpg_ctx_new(&ctx, &binary);
	if (!err)
		err = mule_stick_route_resolve(ctx, o->put.signer,
		    o->put.recipients, o->put.nrecipients,
		    o->put.recipient_files, o->put.nrecipient_files, &route);
	queue.ob = &ob;
	queue.items = items;
	if (!err) {
		err = mule_stick_jobs_init(&jobs, &binary, &route, ctx);
		ctx = NULL;
	}
	if (!err && !(err = mule_stick_cert_export(&binary, route.sender,
	    &cert)))
		route.cert = &cert;
	if (!err)
		err = mule_stick_items_exist(items, nitems);
	if (!err)
		err = reconcile(&ob, o->state_dir);
	if (!err && (!(seqs = calloc(nitems, route.nrecipients
	    * sizeof *seqs)) || !(queue.sealed = calloc(nitems,
	    sizeof *queue.sealed))))
		err = gpg_error_from_syserror();
	/* The numbers are taken now: the items are sealed now. */
	if (!err)
		err = mule_stick_route_number(&route, nitems, seqs);
	if (!err) {
		/* What killed queues left, once for all the items. */
		mule_output_clean_stale_at(ob.fd);
		jobs.progress = mule_progress_new("queueing", o->put.quiet
		    || o->put.json, 0, nitems);
		mule_progress_unit(jobs.progress, "item", "items");
		err = mule_stick_jobs_run(&jobs, nitems, seal_one, &queue);
		mule_progress_done(jobs.progress);
		jobs.progress = NULL;
	}
	/* Under the lock that a sync holds alone: it sees every item
	 * queued, or none; and none is queued unless it was reported. */
	if (!err && !(err = mule_outbox_lock(&ob, 0))) {
		err = commit(&ob, &route, queue.sealed, nitems, &done);
		if (!err)
			err = record_sent(&route, queue.sealed, nitems);
		if (!err)
			err = report(rep, &route, queue.sealed, nitems);
		ferr = mule_reporter_finish(rep);
		err = err ? err : ferr;
		finished = 1;
		if (err)
			unqueue(&ob, queue.sealed, done);
		queued = !err;
	}
	mule_test_pause("outbox-queue-before-settle");
	settle(&route, queue.sealed ? nitems : 0, queued);
	/* The JSON array, also when the run stops with an error. */
	if (rep && !finished)
		(void)mule_reporter_finish(rep);
	mule_reporter_free(rep);
	for (i = 0; queue.sealed && i < nitems; i++)
		mule_stick_sealed_release(&queue.sealed[i]);
	free(queue.sealed);
	free(seqs);
	mule_stick_jobs_release(&jobs);
	gpgme_release(ctx);
	mule_stick_route_release(&route);
	mule_membuf_release(&cert);
	mule_outbox_close(&ob);
	return err;
}
