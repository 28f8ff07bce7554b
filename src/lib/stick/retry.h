/* SPDX-License-Identifier: GPL-3.0-or-later */
/* retry.h - mule-stick retry: items get rejected put back for the next
 * get, only into the folders of my own keys, on the word of this
 * machine's journal. */
#ifndef MULE_STICK_RETRY_H
#define MULE_STICK_RETRY_H

#include <stddef.h>
#include <gpg-error.h>

struct mule_gpg_opts;
struct mule_stick;

struct mule_stick_retry_opts {
	const char *journal;	/* NULL: in the state directory */
	const char *state_dir;	/* NULL: the default */
	const char *const *ids;	/* content IDs, or unique prefixes of at
				 * least MULE_STICK_RETRY_PREFIX hex digits */
	size_t nids;		/* 0: every item this machine rejected
				 * from one of its folders */
};

#define MULE_STICK_RETRY_PREFIX 8

/* Move the rejected items IDS back from MULE/rejected into the folder
 * to/FPR that this machine's journal says get took each from, where FPR
 * is the primary fingerprint of one of my secret keys, and record it in
 * the journal; one line per item on standard output.  All or nothing: an
 * item that cannot be retried (no record here, rejected from to/anyone,
 * not mine, delivered before, incomplete, its name taken in the folder,
 * an ID that matches none or several) is an error (exit 2), and nothing
 * is moved. */
gpg_error_t mule_stick_retry(const struct mule_gpg_opts *gopts,
    const struct mule_stick *s, const struct mule_stick_retry_opts *o);

#endif
