/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.c - what mule-stick tells about each item, as lines or JSON. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/jsonlog.h"
#include "core/progress.h"
#include "core/text.h"
#include "stick/names.h"
#include "stick/report.h"

static const char *const status_names[] = {
	"delivered", "already-delivered", "replay", "gap", "rejected",
	"receipt", "put", "queued", "synced", "kept"
};

/* An item that the user puts: on a stick, or by way of the outbox. */
static int
outgoing(enum mule_report_status status)
{
	return status == MULE_REPORT_PUT || status == MULE_REPORT_QUEUED
	    || status == MULE_REPORT_SYNCED || status == MULE_REPORT_KEPT;
}

struct mule_reporter {
	struct mule_stick_names *names;
	struct mule_jsonlog *log;	/* NULL: lines */
	int quiet;
	struct mule_progress *progress;	/* NULL: none */
};

gpg_error_t
mule_reporter_new(struct mule_reporter **out, const struct mule_gpg_opts *gopts,
    int json, int quiet)
{
	struct mule_reporter *rep = calloc(1, sizeof *rep);
	gpg_error_t err;

	if (!rep)
		return gpg_error_from_syserror();
	rep->quiet = quiet;
	err = mule_stick_names_new(&rep->names, gopts);
	if (!err && json)
		err = mule_jsonlog_new(&rep->log, STDOUT_FILENO);
	if (err) {
		mule_reporter_free(rep);
		return err;
	}
	*out = rep;
	return 0;
}

void
mule_reporter_free(struct mule_reporter *rep)
{
	if (!rep)
		return;
	mule_progress_done(rep->progress);
	mule_jsonlog_free(rep->log);
	mule_stick_names_free(rep->names);
	free(rep);
}

struct mule_stick_names *
mule_reporter_names(struct mule_reporter *rep)
{
	return rep->names;
}

/* RAW escaped for a line (out of memory: "?"). */
static void
put_escaped(FILE *f, const char *raw)
{
	char *e = mule_escape(raw, strlen(raw));

	fputs(e ? e : "?", f);
	free(e);
}

static void
put_person(FILE *f, struct mule_stick_names *names, const char *fpr)
{
	char *p = mule_stick_person(names, fpr);

	fputs(p ? p : fpr, f);
	free(p);
}

static void
put_recipients(FILE *f, struct mule_stick_names *names,
    const struct mule_report *r)
{
	size_t i;

	for (i = 0; i < r->nrecipients; i++) {
		fputs(i ? ", " : "", f);
		put_person(f, names, r->recipients[i]);
	}
	if (r->hidden)
		fputs(" (hidden recipients)", f);
}

/* The item's name: "report.pdf", "notes and 2 more". */
static void
put_name(FILE *f, const struct mule_report *r)
{
	put_escaped(f, r->name ? r->name : "(nothing)");
	if (r->more_names)
		fprintf(f, " and %zu more", r->more_names);
}

static void
line(FILE *f, struct mule_stick_names *names, const struct mule_report *r)
{
	char size[MULE_SIZE_TEXT], when[MULE_TIME_TEXT];

	fputs(status_names[r->status], f);
	switch (r->status) {
	case MULE_REPORT_DELIVERED:
		fputs(" from ", f);
		put_person(f, names, r->sender);
		fputs(": ", f);
		put_name(f, r);
		mule_size_text(r->size, size);
		mule_time_text(r->created, when);
		fprintf(f, ", %s, sealed %s -> ", size, when);
		put_escaped(f, r->dir ? r->dir : "");
		break;
	case MULE_REPORT_ALREADY:
	case MULE_REPORT_REPLAY:
		fputs(" from ", f);
		put_person(f, names, r->sender);
		fprintf(f, ": item %s", r->id);
		if (r->reason) {
			fputs(": ", f);
			put_escaped(f, r->reason);
		}
		break;
	case MULE_REPORT_GAP:
		fputs(" from ", f);
		put_person(f, names, r->sender);
		fputs(": ", f);
		put_escaped(f, r->reason ? r->reason : "");
		break;
	case MULE_REPORT_REJECTED:
		fprintf(f, " %s: ", r->cid);
		put_escaped(f, r->reason ? r->reason : "");
		break;
	case MULE_REPORT_RECEIPT:
		fputs(" to ", f);
		put_person(f, names, r->sender);
		fprintf(f, ": for %zu item%s, item %s", r->items,
		    r->items == 1 ? "" : "s", r->id);
		break;
	case MULE_REPORT_KEPT:
		if (!r->id) {	/* a record that cannot be read */
			fprintf(f, " %s: ", r->cid);
			put_escaped(f, r->reason ? r->reason : "");
			break;
		}
		/* FALLTHROUGH */
	case MULE_REPORT_PUT:
	case MULE_REPORT_QUEUED:
	case MULE_REPORT_SYNCED:
		fputs(" ", f);
		put_name(f, r);
		fputs(" for ", f);
		put_recipients(f, names, r);
		mule_size_text(r->size, size);
		fprintf(f, ": %s", size);
		if (r->nparts)
			fprintf(f, " in %zu parts", r->nparts);
		fprintf(f, ", item %s", r->id);
		if (r->status == MULE_REPORT_SYNCED && r->recorded_before)
			fputs(" (on a stick since an earlier sync)", f);
		else if (r->status == MULE_REPORT_SYNCED && !r->copied)
			fputs(" (found whole on the stick: not copied again)",
			    f);
		if (r->status == MULE_REPORT_KEPT) {
			fputs(": ", f);
			put_escaped(f, r->reason ? r->reason : "");
		}
		break;
	}
	fputc('\n', f);
}

static void
json_str(FILE *f, const char *key, const char *value)
{
	fprintf(f, ", \"%s\": ", key);
	mule_json_string(f, value, strlen(value));
}

static void
object(FILE *f, struct mule_stick_names *names, const struct mule_report *r)
{
	char when[MULE_TIME_TEXT];
	size_t i;

	fprintf(f, "{\"status\": \"%s\"", status_names[r->status]);
	if (r->sender)
		mule_stick_json_person(f, names, "sender", r->sender);
	if (r->nrecipients && !outgoing(r->status))
		mule_stick_json_person(f, names, "recipient",
		    r->recipients[0]);
	if (r->id)
		json_str(f, "id", r->id);
	if (r->cid)
		json_str(f, "cid", r->cid);
	if (r->kind)
		json_str(f, "kind", r->kind);
	if (r->name) {
		json_str(f, "name", r->name);
		fprintf(f, ", \"more_names\": %zu", r->more_names);
	}
	if (r->has_size)
		fprintf(f, ", \"size\": %" PRIu64, r->size);
	if (outgoing(r->status) && r->id)
		fprintf(f, ", \"parts\": %zu", r->nparts);
	if (r->created) {
		mule_time_text(r->created, when);
		json_str(f, "created", when);
	}
	if (r->seq)
		fprintf(f, ", \"seq\": %" PRIu64, r->seq);
	if (outgoing(r->status) && r->id) {
		fputs(", \"recipients\": [", f);
		for (i = 0; i < r->nrecipients; i++) {
			const char *uid = mule_stick_name_of(names,
			    r->recipients[i]);

			fputs(i ? ", {\"fpr\": " : "{\"fpr\": ", f);
			mule_json_string(f, r->recipients[i],
			    strlen(r->recipients[i]));
			fputs(", \"name\": ", f);
			if (uid)
				mule_json_string(f, uid, strlen(uid));
			else
				fputs("null", f);
			fputs("}", f);
		}
		fprintf(f, "], \"hidden_recipients\": %s",
		    r->hidden ? "true" : "false");
	}
	if (outgoing(r->status) && r->status != MULE_REPORT_PUT && r->id) {
		fprintf(f, ", \"split\": %" PRIu64 ", \"folders\": [",
		    r->split);
		for (i = 0; i < r->nfolders; i++) {
			fputs(i ? ", " : "", f);
			mule_json_string(f, r->folders[i],
			    strlen(r->folders[i]));
		}
		fputs("]", f);
	}
	if (r->status == MULE_REPORT_SYNCED)
		fprintf(f, ", \"copied\": %s, \"recorded_before\": %s",
		    r->copied ? "true" : "false",
		    r->recorded_before ? "true" : "false");
	if (r->retired)
		json_str(f, "retired_subkey", r->retired);
	if (r->dir)
		json_str(f, "dir", r->dir);
	if (r->status == MULE_REPORT_GAP)
		fprintf(f, ", \"missing_from\": %" PRIu64 ", \"missing_to\": %"
		    PRIu64, r->gap_from, r->gap_to);
	if (r->status == MULE_REPORT_RECEIPT)
		fprintf(f, ", \"items\": %zu", r->items);
	if (r->reason)
		json_str(f, "reason", r->reason);
	fputc('}', f);
}

void
mule_reporter_progress(struct mule_reporter *rep, const char *what,
    int quiet, uint64_t total)
{
	if (!rep || rep->log || rep->progress)
		return;
	rep->progress = mule_progress_new(what, quiet, 0, total);
	mule_progress_unit(rep->progress, "item", "items");
}

static gpg_error_t
report_one(struct mule_reporter *rep, const struct mule_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!rep->log) {
		if (rep->quiet)
			return 0;
		mule_progress_hide();
		line(stdout, rep->names, r);
		if (fflush(stdout) == EOF)
			return mule_error_set(gpg_error_from_syserror(), NULL,
			    "standard output: %s", strerror(errno));
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return gpg_error_from_syserror();
	object(f, rep->names, r);
	if (fclose(f) == EOF) {
		free(text);
		return gpg_error_from_syserror();
	}
	return mule_jsonlog_add(rep->log, text);
}

gpg_error_t
mule_report(struct mule_reporter *rep, const struct mule_report *r)
{
	gpg_error_t err = report_one(rep, r);

	/* A gap is no item. */
	if (!err && r->status != MULE_REPORT_GAP)
		mule_progress_add(rep->progress, r->has_size ? r->size : 0, 1);
	return err;
}

gpg_error_t
mule_reporter_finish(struct mule_reporter *rep)
{
	gpg_error_t err = rep->log ? mule_jsonlog_finish(rep->log) : 0;

	if ((fflush(stdout) == EOF || ferror(stdout)) && !err)
		err = mule_error_set(mule_fail_code(GPG_ERR_EIO), NULL,
		    "writing the report to standard output failed");
	return err;
}
