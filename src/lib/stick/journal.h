/* SPDX-License-Identifier: GPL-3.0-or-later */
/* journal.h - what mule-stick has delivered.
 *
 * The journal (one per receiving user, $XDG_STATE_HOME/mule/journal by
 * default) is append-only text, each line fsync'ed before the item it
 * records is reported:
 *
 *   delivered SENDER ID CID RECIPIENT SEQ
 *   removed SENDER ID CID FOLDER        (FOLDER: a fingerprint, or anyone)
 *
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

struct mule_journal;

/* Open (create) the journal at PATH and lock it for this process. */
gpg_error_t mule_journal_open(struct mule_journal **j, const char *path);

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

void mule_journal_close(struct mule_journal *j);

#endif
