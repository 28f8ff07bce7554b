/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report.h - what mule-stick tells about each item: a line for a person,
 * or an object of one JSON array for a script (mule-stick(1) documents
 * both; JSON fields are only ever added, never renamed).
 *
 * Lines name keys by user ID beside the fingerprint (stick/names.h),
 * times in ISO 8601 UTC, sizes in IEC units:
 *
 *   delivered from "Alice <alice@example.org>" (FPR): report.pdf, 1.2 MiB,
 *       sealed 2026-12-05T16:40:12Z -> inbox/FPR/1796489612-ID
 *   put report.pdf for "Bob <bob@example.org>" (FPR): 1.2 MiB, item ID
 *   queued, synced, kept: the same, for the outbox (stick/outbox.h)
 *
 * The JSON array is whole even when a signal ends the run (core/jsonlog).
 */
#ifndef MULE_STICK_REPORT_H
#define MULE_STICK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_gpg_opts;
struct mule_stick_names;

enum mule_report_status {
	MULE_REPORT_DELIVERED, MULE_REPORT_ALREADY, MULE_REPORT_REPLAY,
	MULE_REPORT_GAP, MULE_REPORT_REJECTED, MULE_REPORT_RECEIPT,
	MULE_REPORT_PUT, MULE_REPORT_QUEUED, MULE_REPORT_SYNCED,
	MULE_REPORT_KEPT
};

/* One item's report; what does not apply is NULL or 0. */
struct mule_report {
	enum mule_report_status status;
	const char *sender;	/* FPR; for a receipt, the items' sender */
	const char *const *recipients;	/* FPRs (put; get: my key) */
	size_t nrecipients;
	int hidden;		/* put: --hide-recipients */
	const char *id, *cid;
	const char *kind;	/* message, files, receipt */
	const char *name;	/* the item's first name, raw bytes */
	size_t more_names;	/* other names at the top of the item */
	uint64_t size;		/* delivered: file data; put: on the stick */
	int has_size;
	int64_t created;	/* when it was sealed; 0: unknown */
	uint64_t seq;		/* my number in its sender's sequence */
	size_t nparts;		/* put: parts on the stick, 0: one file */
	const char *dir;	/* delivered: where */
	const char *reason;	/* raw: escaped when shown */
	const char *retired;	/* delivered: sealed to my retired subkey */
	uint64_t gap_from, gap_to;	/* gap: the numbers missing */
	size_t items;		/* receipt: how many items it lists */
	/* queued, synced, kept (the outbox): */
	uint64_t split;		/* part size on the stick, 0: one file */
	const char *const *folders;	/* FPRs, or "anyone" alone */
	size_t nfolders;
	int copied;		/* synced: this run copied it */
	int recorded_before;	/* synced: an earlier run had recorded it */
};

struct mule_reporter;

/* Report as lines on standard output, or (JSON) as one array printed by
 * mule_reporter_finish or by a signal; QUIET: no lines (JSON is still
 * printed). */
gpg_error_t mule_reporter_new(struct mule_reporter **rep,
    const struct mule_gpg_opts *gopts, int json, int quiet);

/* Show a progress line labelled WHAT on stderr (core/progress.h) that
 * counts the items reported, of TOTAL (0: unknown), and their sizes;
 * none with JSON or QUIET.  mule_reporter_free ends it. */
void mule_reporter_progress(struct mule_reporter *rep, const char *what,
    int quiet, uint64_t total);

/* Report R: its line now, flushed, or its object into the array.  One
 * thread at a time. */
gpg_error_t mule_report(struct mule_reporter *rep, const struct mule_report *r);

/* Print the JSON array (if JSON) and check that standard output took
 * everything. */
gpg_error_t mule_reporter_finish(struct mule_reporter *rep);

void mule_reporter_free(struct mule_reporter *rep);

/* The names in REP, for other reports of the same run. */
struct mule_stick_names *mule_reporter_names(struct mule_reporter *rep);

#endif
