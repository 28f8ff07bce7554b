/* SPDX-License-Identifier: GPL-3.0-or-later */
/* put.h - mule-stick put: seal items onto a stick. */
#ifndef MULE_STICK_PUT_H
#define MULE_STICK_PUT_H

#include <stddef.h>
#include <stdint.h>
#include <gpgme.h>

#include "core/stream.h"
#include "stick/envelope.h"
#include "stick/sequence.h"

struct mule_gpg_opts;
struct mule_keyfile;
struct mule_output;
struct mule_reporter;
struct mule_stick;

/* Who sends, to whom, how. */
struct mule_stick_names;

struct mule_stick_route {
	char sender[41];
	char (*recipients)[41];
	size_t nrecipients;
	struct mule_keyfile **keyfiles;	/* per recipient, the -R key file
				 * it came from (owned), or NULL: the
				 * keyring's key; NULL: all the keyring's */
	int hide_recipients;
	struct mule_stick_names *names;	/* learns the keys resolved, for
				 * the report (NULL: none) */
	uint64_t split;		/* part size, 0: one file */
	const char *state_dir;	/* sequence numbers (NULL: mule_state_dir) */
	int quiet;
	gpgme_ctx_t ctx;	/* signing with the sender's key, for every
				 * item (NULL: made per item) */
	struct mule_sequence *seq;	/* the run that took the numbers
					 * (mule_stick_route_number), closed
					 * by mule_stick_route_release */
	const uint64_t *seqs;	/* the numbers of a batch of items: item
				 * I's for recipient K at [I * nrecipients
				 * + K], or NULL */
	char location[MULE_SEQUENCE_LOCATION_MAX + 1];	/* the stick, as
				 * pending numbers name it
				 * (mule_stick_route_prepare) */
	const struct mule_membuf *cert;	/* the sender's certificate, which
				 * every item carries (stick/update.h);
				 * NULL: exported for each item */
};

/* Take the sequence numbers of N items for R at once, in a run of R's
 * (opened if R has none): R->seqs gets SEQS, which must hold N per
 * recipient. */
gpg_error_t mule_stick_route_number(struct mule_stick_route *r, size_t n,
    uint64_t *seqs);

/* Resolve -u (NULL: the default key, pgp/defkey.h), -r NAMES and -R
 * FILES (read once, checked as mule-seal does, not imported) into
 * primary fingerprints in R. */
gpg_error_t mule_stick_route_resolve(gpgme_ctx_t ctx, const char *signer,
    const char *const *names, size_t nnames, const char *const *files,
    size_t nfiles, struct mule_stick_route *r);
void mule_stick_route_release(struct mule_stick_route *r);

/* Where an item is (mule_stick_stored.where). */
enum mule_stick_where {
	MULE_STICK_NOWHERE,	/* never in place, or in place and taken
				 * back by us before anyone took it: its
				 * numbers go back */
	MULE_STICK_IN_PLACE,	/* in every folder: its numbers are kept */
	MULE_STICK_UNSURE	/* may be in place, or have been taken: the
				 * next put there decides */
};

/* What mule_stick_put stored: enough to report it, or to take it back. */
struct mule_stick_stored {
	char id[33];
	char cid[65];
	size_t nparts;		/* 0: one file */
	uint64_t size;		/* bytes on the stick (in one folder) */
	char *name;		/* the argument, raw (owned) */
	const char *kind;	/* message or files */
	enum mule_stick_where where;
};

/* Settle the numbers of the N items of R's batch: kept for those in
 * place, given back for those nowhere, left to the next put's reconcile
 * for the others (mule_sequence_settle). */
gpg_error_t mule_stick_route_settle(const struct mule_stick_route *r,
    const struct mule_stick_stored *stored, size_t n);

/* What mule-stick put was told. */
struct mule_stick_put_opts {
	const char *signer;		/* -u; NULL: the default key */
	const char *const *recipients;	/* -r */
	size_t nrecipients;
	const char *const *recipient_files;	/* -R */
	size_t nrecipient_files;
	int hide_recipients;
	uint64_t split;			/* --split, 0: none */
	int quiet;
	int json;			/* report as one JSON array */
};

/* Is every one of ITEMS there ("-", standard input, always is)?  The
 * error names the first that is not, escaped: a name may hold any byte
 * (a glob over files that came in, say). */
gpg_error_t mule_stick_items_exist(const char *const *items, size_t n);

/* Seal every one of ITEMS (files, directories, "-" for standard input,
 * which must all exist) and store them on S, side by side (MULE_JOBS),
 * reporting each (stick/report.h) once all are in place.  All or nothing: a failure takes
 * back what was stored, so that running it again puts no item twice. */
gpg_error_t mule_stick_put_items(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_put_opts *o,
    const char *const *items, size_t nitems);

/* Seal ITEM (a file, a directory, or "-" for standard input) for R and
 * store it on S, in every folder or in none; INDEX is its place in a
 * batch numbered with mule_stick_route_number, for R prepared with
 * mule_stick_route_prepare.  STORED->where says where it is, also after
 * a failure. */
gpg_error_t mule_stick_put(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_route *r,
    const char *item, size_t index, struct mule_stick_stored *stored);

/* An item sealed into a local folder and not yet in place there: what
 * mule-stick put --queue keeps in the outbox (stick/outbox.h). */
struct mule_stick_sealed {
	char id[33];
	char cid[65];
	char *name;			/* the argument, raw (owned) */
	const char *kind;		/* message or files */
	uint64_t size;			/* bytes */
	int64_t created;		/* the envelope's time */
	struct mule_output *out;	/* CID.gpg in the folder, written and
					 * not committed (owned) */
};

/* Seal ITEM for R, as mule_stick_put does (INDEX: its place in a batch
 * numbered with mule_stick_route_number), into folder FD (FOLDER, for
 * messages; stale temporaries there are the caller's to remove) as one
 * file, whatever R->split says: SEALED->out, which the caller commits
 * (it becomes FOLDER/CID.gpg) or frees.  Nothing is recorded pending:
 * that is the caller's too. */
gpg_error_t mule_stick_seal(const struct mule_gpg_opts *gopts,
    const struct mule_stick_route *r, const char *item, size_t index,
    int fd, const char *folder, struct mule_stick_sealed *sealed);

/* Free what SEALED holds; an uncommitted file is removed. */
void mule_stick_sealed_release(struct mule_stick_sealed *sealed);

/* Report STORED, put for R, to REP. */
gpg_error_t mule_stick_put_report(struct mule_reporter *rep,
    const struct mule_stick_route *r, const struct mule_stick_stored *stored);

/* Take STORED back from the stick: a put of several items is all or
 * nothing, so that running it again never puts an item twice.  Its
 * place (STORED->where) says then whether its numbers can go back. */
void mule_stick_put_undo(const struct mule_stick *s,
    const struct mule_stick_route *r, struct mule_stick_stored *stored);

/* Before items are put for R: find the stick's location (R->location),
 * settle the numbers that killed puts left pending there
 * (mule_sequence_reconcile with mule_stick_probe, stick/place.h), make
 * R's folders, and remove what killed puts left there (once, not once
 * per item). */
gpg_error_t mule_stick_route_prepare(const struct mule_stick *s,
    struct mule_stick_route *r);

/* Make the items put for R durable: fsync their folders (each item's
 * file is fsync'ed as it is committed). */
gpg_error_t mule_stick_route_sync(const struct mule_stick *s,
    const struct mule_stick_route *r);

/* Store a receipt (kind receipt, "receipt.txt" holding TEXT) for R,
 * prepared (mule_stick_route_prepare), numbered and settled in a run of
 * its own; its ID and CID come back (nothing is printed). */
gpg_error_t mule_stick_put_receipt(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_route *r,
    const char *text, size_t len, char id[33], char cid[65]);

#endif
