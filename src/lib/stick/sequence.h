/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sequence.h - the sender's sequence numbers: taken, pending, given back.
 *
 * $XDG_STATE_HOME/mule/sequence holds, for each pair of primary key
 * fingerprints (the signer's, a recipient's), lines of these forms:
 *
 *   SENDER RECIPIENT LAST           the highest number handed out
 *   SENDER RECIPIENT free N         N was given back: taken again first
 *   SENDER RECIPIENT reserved N RUN taken by the run RUN (16 hex), its
 *                                   item not yet on its way into place
 *   SENDER RECIPIENT pending N RUN CID LOCATION MARK
 *                                   the item CID is being moved into
 *                                   place at LOCATION; MARK ("-": none)
 *                                   names what stands there until it is
 *
 * The first form is all that mule wrote before; it keeps every line that
 * it does not read as that form, as it is (the third field of the
 * others is a word), and reads lines of up to 255 bytes whole (these
 * have at most 254).  Another line of the form "SENDER RECIPIENT WORD
 * ..." is a newer mule's and is kept as it is; any other is an error.
 *
 * The file is rewritten (temporary, fsync, rename) under a lock (flock)
 * on sequence.lock beside it; pending lines are appended under the same
 * lock and fsync'ed.  A run holds a lock on sequence.RUN.lock for as
 * long as it lives: the records of a run without it are a dead run's.
 *
 * Every number handed out is, until its item is settled, reserved or
 * pending; settled, it is either used for good (its record goes, LAST
 * covers it) or free again.  A number is free only when its item was
 * never in place anywhere: no two items ever carry one number.
 */
#ifndef MULE_SEQUENCE_H
#define MULE_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

/* Sequence numbers have at most 18 digits (envelope.h). */
#define MULE_SEQUENCE_MAX UINT64_C(999999999999999999)
/* A location: letters, digits and ".:_-", as "stick:ID" or "outbox". */
#define MULE_SEQUENCE_LOCATION_MAX 26
/* A mark: letters, digits and "._-", as a temporary's name. */
#define MULE_SEQUENCE_MARK_MAX 34

/* A run: the numbers it took are its own until it settles them or is
 * gone. */
struct mule_sequence;

/* Start a run on the sequence file in the state directory DIR (NULL:
 * mule_state_dir). */
gpg_error_t mule_sequence_open(struct mule_sequence **q, const char *dir);

/* End the run Q (NULL is fine): what it did not settle stays, for
 * mule_sequence_reconcile. */
void mule_sequence_close(struct mule_sequence *q);

/* Take the numbers of COUNT items from SENDER for each of the N
 * RECIPIENTS, reserved for Q: given-back ones first (lowest first), then
 * from LAST + 1.  SEQS (COUNT * N) gets item I's number for recipient R
 * at [I * N + R]. */
gpg_error_t mule_sequence_take(struct mule_sequence *q, const char *sender,
    char (*recipients)[41], size_t n, size_t count, uint64_t *seqs);

/* Before an item is moved into place: record, durably, that the item
 * CID at LOCATION carries SEQS[R] for RECIPIENTS[R] (N of them), with
 * MARKS[R] (NULL, or MARKS NULL: none) standing there until it is in
 * place.  Called again for a recipient, its record gets the new mark. */
gpg_error_t mule_sequence_pending(struct mule_sequence *q, const char *sender,
    const char *cid, const char *location, char (*recipients)[41],
    const uint64_t *seqs, const char *const *marks, size_t n);

/* What becomes of an item's numbers when its run settles it. */
enum mule_sequence_end {
	MULE_SEQUENCE_LEAVE,	/* not known: left for a reconcile */
	MULE_SEQUENCE_KEEP,	/* the item is in place: used for good */
	MULE_SEQUENCE_GIVE_BACK	/* it never was: free again */
};

/* Settle the numbers of COUNT items of Q (SEQS as mule_sequence_take
 * gave them) as ENDS says, one per item; one rewrite. */
gpg_error_t mule_sequence_settle(struct mule_sequence *q, const char *sender,
    char (*recipients)[41], size_t n, const uint64_t *seqs,
    const enum mule_sequence_end *ends, size_t count);

/* What a probe found of an item at its location, for one recipient. */
enum mule_sequence_fate {
	MULE_SEQUENCE_LATER,	/* cannot tell now: stays pending */
	MULE_SEQUENCE_THERE,	/* in place */
	MULE_SEQUENCE_NEVER,	/* never was in place */
	MULE_SEQUENCE_UNSURE	/* not there, but may have been (taken) */
};

/* A pending item of a dead run, as a probe sees it. */
struct mule_sequence_item {
	const char *sender;
	const char *cid;
	const char *location;
	size_t n;
	struct mule_sequence_copy {
		const char *recipient;
		uint64_t seq;
		const char *mark;	/* NULL: none */
		enum mule_sequence_fate fate;	/* the probe's answer, LATER
						 * to begin with */
	} *copies;
};

/* "Is ITEM in place at its location, for each recipient?": the probe
 * sets each fate (and may finish the item's move meanwhile).  An error
 * stops the reconcile. */
typedef gpg_error_t (*mule_sequence_probe_fn)(void *arg,
    struct mule_sequence_item *item);

/* Settle what dead runs left (DIR as mule_sequence_open): their reserved
 * numbers are free again (their items never started on their way); each
 * of their pending items at LOCATION goes to PROBE, and its numbers are
 * free again if it never was in place for any recipient, kept if it was
 * or may have been for one, and stay pending if a fate is LATER.
 * Pending items elsewhere stay as they are. */
gpg_error_t mule_sequence_reconcile(const char *dir, const char *location,
    mule_sequence_probe_fn probe, void *arg);

/* The LEN bytes at TEXT read as the sequence file (NAME, for messages)
 * is, and written back as a rewrite would (*OUT, malloc'ed, *OUTLEN
 * bytes; OUT may be NULL): for the tests and the fuzz harness. */
gpg_error_t mule_sequence_parse(const char *name, const void *text,
    size_t len, char **out, size_t *outlen);

#endif
