/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.h - what mule-stick has delivered.
 *
 * The journal (one per receiving user, $XDG_STATE_HOME/mule/journal by
 * default) is append-only text, each line fsync'ed before the item it
 * records is reported:
 *
 *   delivered SENDER ID CID RECIPIENT SEQ
 *   removed SENDER ID CID FOLDER        (FOLDER: a fingerprint, or anyone)
 *   rejected CID FOLDER TIME REASON     moved from FOLDER to MULE/rejected
 *   retried CID FOLDER TIME             moved back into FOLDER by retry
 *
 * TIME is in seconds since 1970; REASON is the reason's bytes, each byte
 * outside '!'..'~' and each '%' written as %XX (upper-case hex), and
 * nothing else written so: any reason fits in one field of one line.
 * A line cut short by a crash is dropped when the journal is opened.
 * The sender's sequence numbers live in "sequence" beside it
 * (stick/sequence.h).
 */
#ifndef MULE_JOURNAL_H
#define MULE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "core/state.h"

struct mule_journal_record {
	char sender[41];
	char id[33];
	char cid[65];
	char recipient[41];
	uint64_t seq;
	int removed;
	char folder[41];	/* removed: from which folder */
};

/* What this machine last did with the item CID in MULE/rejected. */
struct mule_journal_rejection {
	char cid[65];
	char folder[41];	/* rejected from, or retried into: a
				 * fingerprint, or anyone */
	int64_t time;
	int retried;		/* 0: rejected, for REASON */
	char *reason;		/* rejected: the raw reason (owned by the
				 * journal), else NULL */
};

/* The longest reason kept, in bytes: a longer one is cut. */
#define MULE_JOURNAL_REASON_MAX 1024

struct mule_journal;

/* The journal's path, malloc'ed: GIVEN (--journal), or "journal" in
 * the state directory DIR, or in the default one for DIR NULL (made if
 * missing). */
gpg_error_t mule_journal_path(const char *given, const char *dir,
    char **path);

/* Open (create) the journal at PATH and lock it for this process. */
gpg_error_t mule_journal_open(struct mule_journal **j, const char *path);

/* Read the journal at PATH as it is, for a look (mule-stick list): no
 * lock, nothing written or cut; a missing file is an empty journal.
 * mule_journal_add* fail on it. */
gpg_error_t mule_journal_open_read(struct mule_journal **j, const char *path);

/* The journal in the LEN bytes at TEXT, read as mule_journal_open reads
 * its file (a last line without a newline is dropped), for the tests and
 * the fuzz harness: it has no file, and mule_journal_add fails on it.
 * NAME is for messages. */
gpg_error_t mule_journal_parse(struct mule_journal **j, const char *name,
    const void *text, size_t len);

const struct mule_journal_record *mule_journal_find(
    const struct mule_journal *j, const char *sender, const char *id);
const struct mule_journal_record *mule_journal_find_cid(
    const struct mule_journal *j, const char *cid);

/* Was the item CID removed from the stick's FOLDER after delivery? */
int mule_journal_removed_from(const struct mule_journal *j, const char *cid,
    const char *folder);

/* Was the item CID removed from the stick, from any folder, by an
 * earlier run (a record that was in the journal when it was opened)? */
int mule_journal_removed_earlier(const struct mule_journal *j,
    const char *cid);

/* The highest sequence number delivered from SENDER to RECIPIENT. */
uint64_t mule_journal_max_seq(const struct mule_journal *j,
    const char *sender, const char *recipient);

gpg_error_t mule_journal_add(struct mule_journal *j,
    const struct mule_journal_record *r);

/* Record that the item CID was moved from FOLDER (a fingerprint, or
 * anyone) to MULE/rejected at TIME for REASON (a string, cut to
 * MULE_JOURNAL_REASON_MAX bytes); or, with REASON NULL, that retry moved
 * it back into FOLDER at TIME. */
gpg_error_t mule_journal_add_rejection(struct mule_journal *j,
    const char *cid, const char *folder, int64_t time, const char *reason);

/* The last rejection or retry of CID recorded, or NULL. */
const struct mule_journal_rejection *mule_journal_rejection(
    const struct mule_journal *j, const char *cid);

void mule_journal_close(struct mule_journal *j);

#endif
