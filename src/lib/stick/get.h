/* SPDX-License-Identifier: GPL-3.0-or-later */
/* get.h - mule-stick get: take in every item addressed to me. */
#ifndef MULE_STICK_GET_H
#define MULE_STICK_GET_H

#include "pgp/open.h"
#include "tar/read.h"

struct mule_gpg_opts;
struct mule_stick;

struct mule_stick_get_opts {
	struct mule_open_opts open;	/* signer policy, --max-size */
	struct mule_tarin_opts tar;	/* --max-size, --max-files */
	const char *dir;		/* -C: deliveries go below it */
	const char *journal;		/* NULL: in the state directory */
	const char *state_dir;		/* NULL: the default */
	int receipts, remove, json, quiet;
};

/* Deliver every item for one of my secret keys (and every hidden-
 * recipient item that is for me), one report per item on standard
 * output.  Returns an operational error (exit 2) or 0; *REJECTED is set
 * if an item was rejected or replayed (exit 1). */
gpg_error_t mule_stick_get(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_get_opts *o,
    int *rejected);

#endif
