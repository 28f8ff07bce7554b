/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sent.h - what I put, for whom, and which receipts came back.
 *
 * The sent record (one per sending user, $XDG_STATE_HOME/mule/sent, mode
 * 0600 in the 0700 state directory) is append-only text like the
 * journal: each write of lines fsync'ed before it is reported, a last
 * line cut short by a crash dropped when the record is opened, any other
 * line that is not a record an error (repair or move the file).  One
 * line per item per recipient, and one per item acknowledged:
 *
 *   queued SENDER RECIPIENT ID CID KIND TIME SIZE NAME
 *   put SENDER RECIPIENT ID CID KIND TIME SIZE NAME
 *   ack SENDER RECIPIENT ID TIME RECEIPT-ID RECEIPT-CREATED
 *
 * SENDER and RECIPIENT are primary fingerprints (40 upper-case hex), ID
 * and RECEIPT-ID item IDs (32 lower-case hex), CID the item's SHA-256
 * (64 lower-case hex), KIND lower-case letters (files, message), TIME
 * and RECEIPT-CREATED seconds since 1970, SIZE the sealed item's bytes,
 * NAME what the item was put as (the argument, or "(standard input)"),
 * every byte outside '!'..'~' and '%' itself as %XX (upper-case hex):
 * any name is one field, and its canonical form is the only one read.
 *
 * "queued" is an item sealed into the outbox, "put" one on a stick (it
 * supersedes a "queued" line of the same item), "ack" a receipt from
 * RECIPIENT, signed by it, that lists ID: the time it was taken in, and
 * the time the recipient sealed the receipt.  A line repeated (a run
 * done again after a crash) changes nothing; the first ack counts.
 * Receipts themselves are not recorded: none comes back for them.
 */
#ifndef MULE_STICK_SENT_H
#define MULE_STICK_SENT_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

/* The longest NAME, in bytes before encoding. */
#define MULE_SENT_NAME_MAX 4096

enum mule_sent_state { MULE_SENT_QUEUED, MULE_SENT_PUT };

/* One item for one recipient, as recorded (or to be recorded). */
struct mule_sent_item {
	char sender[41];
	char recipient[41];
	char id[33];
	char cid[65];
	char kind[16];
	uint64_t size;
	const char *name;	/* raw bytes, no NUL inside; owned by the
				 * record in one read from it */
	enum mule_sent_state state;
	int64_t queued;		/* when sealed into the outbox, or 0 */
	int64_t put;		/* when put on a stick, or 0 (queued) */
	int acked;
	int64_t ack_time;	/* when the receipt was taken in */
	int64_t receipt_created;	/* when the recipient sealed it */
	char receipt[33];	/* the receipt's item ID */
};

/* An item acknowledged by a receipt. */
struct mule_sent_ack {
	char sender[41];	/* me: whom the receipt is addressed to */
	char recipient[41];	/* the receipt's signer */
	char id[33];
	int64_t time;
	char receipt[33];
	int64_t receipt_created;
};

struct mule_sent;

/* The path of the sent record in STATE_DIR (NULL: mule_state_dir,
 * made if missing), malloc'ed in *PATH. */
gpg_error_t mule_sent_path(const char *state_dir, char **path);

/* Open (create, mode 0600) the sent record at PATH, lock it for this
 * process (the next one waits) and read it. */
gpg_error_t mule_sent_open(struct mule_sent **s, const char *path);

/* The record in the LEN bytes at TEXT, read as mule_sent_open reads its
 * file, for the tests and the fuzz harness (adding to it fails).  NAME
 * is for messages. */
gpg_error_t mule_sent_parse(struct mule_sent **s, const char *name,
    const void *text, size_t len);

void mule_sent_close(struct mule_sent *s);

/* The items recorded, one per item and recipient, in the order they
 * were first recorded; I < mule_sent_count. */
size_t mule_sent_count(const struct mule_sent *s);
const struct mule_sent_item *mule_sent_get(const struct mule_sent *s,
    size_t i);

/* The item ID that SENDER sent to RECIPIENT, or NULL. */
const struct mule_sent_item *mule_sent_find(const struct mule_sent *s,
    const char *sender, const char *recipient, const char *id);

/* Does S record the item CID as put on a stick by SENDER?  put records
 * its items only once they are in place in every folder. */
int mule_sent_put_cid(const struct mule_sent *s, const char *sender,
    const char *cid);

/* Record the N ITEMS (each in its state, with its time) with one write
 * and one fsync; on failure the file is cut back to what it was. */
gpg_error_t mule_sent_add(struct mule_sent *s,
    const struct mule_sent_item *items, size_t n);

/* Record the N ACKS the same way. */
gpg_error_t mule_sent_add_acks(struct mule_sent *s,
    const struct mule_sent_ack *acks, size_t n);

/* Open the record of STATE_DIR (NULL: the default), add the N ITEMS,
 * close it: what put (and the outbox) call once items are in place. */
gpg_error_t mule_sent_record(const char *state_dir,
    const struct mule_sent_item *items, size_t n);

#endif
