/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.h - items sealed while the stick is away, and their way onto it.
 *
 * mule-stick put --queue seals items into the outbox, a folder of the
 * state directory ($XDG_STATE_HOME/mule/outbox, mode 0700, files 0600):
 * they are sealed already, so no plaintext waits there.  mule-stick sync
 * moves them onto a stick.  For an item of content ID CID:
 *
 *   CID.gpg   the item, one file (split, if asked, as it goes onto the
 *             stick)
 *   CID.to    its record: queued
 *   CID.done  the same record, renamed: the item is on a stick
 *
 * An item is queued once CID.to has its name (CID.gpg is renamed into
 * place first); sync copies it into every folder on the stick (or none),
 * flushes them, renames CID.to to CID.done (flushed), then removes
 * CID.gpg and CID.done.  A record that says done is never copied again,
 * and a copy found whole in place (a sync killed after the copy, before
 * the record) is recorded, not copied again.  A CID.gpg without a record
 * is what a killed queue left: sync removes it.  Queue (while it renames
 * its items into place) and sync lock outbox.lock beside the folder:
 * queues share it, a sync holds it alone.
 *
 * The record, text, every line once and in this order but recipient and
 * folder (one or more each, at most MULE_OUTBOX_MAX_RECIPIENTS):
 *
 *   mule-outbox: 1
 *   id: <32 lower-case hex>           the item's ID
 *   cid: <64 lower-case hex>          its content ID: the file's name
 *   kind: files|message
 *   sender: <FPR>
 *   recipient: <FPR>                  whom it is sealed for
 *   folder: <FPR>|anyone              where it goes on the stick
 *   name: <lower-case hex>            the argument's bytes (no NUL)
 *   size: <bytes>
 *   created: <seconds since 1970>
 *   split: <part size, 0: one file>
 *
 * It is local and private, and parsed strictly all the same.
 */
#ifndef MULE_STICK_OUTBOX_H
#define MULE_STICK_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <gpg-error.h>

#include "stick/put.h"
#include "stick/sequence.h"

/* Where the sequence numbers of queued items are pending (sequence.h). */
#define MULE_OUTBOX_LOCATION "outbox"

#define MULE_OUTBOX_MAX_RECIPIENTS 64
#define MULE_OUTBOX_RECORD_MAX 65536

struct mule_outbox_item {
	char id[33];
	char cid[65];
	char kind[8];		/* files or message */
	char sender[41];
	char recipients[MULE_OUTBOX_MAX_RECIPIENTS][41];
	size_t nrecipients;
	char folders[MULE_OUTBOX_MAX_RECIPIENTS][41];	/* FPR or anyone */
	size_t nfolders;
	char *name;		/* the argument, raw (owned) */
	uint64_t size;
	int64_t created;
	uint64_t split;
	int on_stick;		/* CID.done: recorded as on a stick */
	struct timespec queued;	/* the record's mtime: the order of items
				 * queued within one second (not in it) */
	char *bad;		/* the record is unusable: why (owned) */
};

/* The record of ITEM as text (malloc'ed). */
gpg_error_t mule_outbox_format(const struct mule_outbox_item *item,
    char **text, size_t *len);

/* Parse the LEN bytes at TEXT strictly into ITEM (its name malloc'ed:
 * mule_outbox_item_release); anything but the form above is an error
 * (operational: the outbox is ours).  NAME is for messages. */
gpg_error_t mule_outbox_parse(const char *name, const char *text, size_t len,
    struct mule_outbox_item *item);

void mule_outbox_item_release(struct mule_outbox_item *item);

/* The outbox of the state directory, open and (once locked) ours. */
struct mule_outbox {
	char *path;		/* STATE/outbox */
	int fd;			/* the folder, held open */
	int lock;		/* STATE/outbox.lock, or -1 */
};

/* Open the outbox of STATE_DIR (NULL: mule_state_dir): made, mode 0700,
 * if CREATE; a folder that is not a real directory of this user is an
 * error.  Without CREATE, a missing outbox is OB->fd -1, no error. */
gpg_error_t mule_outbox_open(struct mule_outbox *ob, const char *state_dir,
    int create);

/* Lock the outbox: shared (queues) or EXCLUSIVE (sync); waits. */
gpg_error_t mule_outbox_lock(struct mule_outbox *ob, int exclusive);

/* Let the lock go (it goes with mule_outbox_close too). */
void mule_outbox_unlock(struct mule_outbox *ob);

void mule_outbox_close(struct mule_outbox *ob);

/* What the outbox holds: *ITEMS, oldest first (each to be released),
 * one for each record; one that cannot be read or is not well formed
 * has only its CID, and in BAD why.  *ORPHANS: the CIDs of files
 * CID.gpg without a record. */
gpg_error_t mule_outbox_list(const struct mule_outbox *ob,
    struct mule_outbox_item **items, size_t *n, char (**orphans)[65],
    size_t *norphans);

/* Write ITEM's record as CID.to (flushed: the item is queued), with
 * CID.gpg in place already. */
gpg_error_t mule_outbox_add(const struct mule_outbox *ob,
    const struct mule_outbox_item *item);

/* Rename CID.to to CID.done and flush the folder: on the stick. */
gpg_error_t mule_outbox_record(const struct mule_outbox *ob, const char *cid);

/* Remove CID.gpg, then its records (CID.to, CID.done: the one that
 * says done last), flushing the folder after each; a file already gone
 * is no error. */
gpg_error_t mule_outbox_remove(const struct mule_outbox *ob, const char *cid);

/* Does the outbox of STATE_DIR (NULL: mule_state_dir) hold the item CID,
 * queued or recorded as on a stick?  For the sequence numbers: such an
 * item keeps the number it was sealed with.  0 on any error. */
int mule_outbox_holds(const char *state_dir, const char *cid);

/* The probe of mule_sequence_reconcile for MULE_OUTBOX_LOCATION (ARG:
 * the struct mule_outbox, locked): an item of a dead run is in place if
 * the outbox holds its record (CID.to or CID.done), and never was if it
 * does not.  Right only while no sync can have removed such an item:
 * every sync reconciles first, under its lock, before it removes any. */
gpg_error_t mule_outbox_probe(void *arg, struct mule_sequence_item *item);

/* What mule-stick put --queue was told. */
struct mule_outbox_queue_opts {
	struct mule_stick_put_opts put;	/* -r, -u, --hide-recipients,
					 * --split, -q, --json */
	const char *state_dir;		/* NULL: mule_state_dir */
};

/* Seal every one of ITEMS (as mule_stick_put_items) into the outbox and
 * queue them, printing a line for each (or a JSON array).  All or
 * nothing: on a failure no item is queued. */
gpg_error_t mule_outbox_queue(const struct mule_gpg_opts *gopts,
    const struct mule_outbox_queue_opts *o, const char *const *items,
    size_t nitems);

/* What mule-stick sync was told. */
struct mule_outbox_sync_opts {
	const char *state_dir;		/* NULL: mule_state_dir */
	int json;
	int quiet;
};

/* Move the queued items onto the stick at STICK, oldest first, printing
 * a line for each (or a JSON array).  Nothing queued: nothing printed,
 * 0, whether a stick is there or not.  An item that cannot go (the
 * stick is full, a folder there is planted, its record is damaged)
 * stays queued and the others go on; the error then says so. */
gpg_error_t mule_outbox_sync(const struct mule_gpg_opts *gopts,
    const char *stick, const struct mule_outbox_sync_opts *o);

#endif
