/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jobs.h - items sealed side by side (put, put --queue), each job with a
 * GPGME context that already holds the signing key: looking it up costs
 * gpg runs, so contexts are kept for the next job, not made per item. */
#ifndef MULE_STICK_JOBS_H
#define MULE_STICK_JOBS_H

#include <stddef.h>
#include <gpgme.h>

#include "stick/put.h"

struct mule_gpg_opts;
struct mule_progress;

/* Item I of a batch, for ROUTE: the batch's route, its ctx signing with
 * the sender's key; GOPTS made that context. */
typedef gpg_error_t (*mule_stick_job_fn)(void *arg,
    const struct mule_gpg_opts *gopts, const struct mule_stick_route *route,
    size_t i);

struct mule_stick_jobs {
	const struct mule_gpg_opts *gopts;
	const struct mule_stick_route *route;
	gpgme_ctx_t spare[8];	/* contexts between jobs */
	size_t nspare;
	struct mule_progress *progress;	/* counts the items done, or NULL */
};

/* Set up J for the items of ROUTE (resolved), sealed with GOPTS: CTX,
 * which J takes (also on an error: it is released then), is given the
 * route's sender as its signer and serves the first job.  J is zeroed
 * first: mule_stick_jobs_release is safe on a zeroed J. */
gpg_error_t mule_stick_jobs_init(struct mule_stick_jobs *j,
    const struct mule_gpg_opts *gopts, const struct mule_stick_route *route,
    gpgme_ctx_t ctx);

/* Run FN(ARG, ...) for item 0 alone, then, if it succeeded, items 1 ..
 * N-1 side by side (MULE_JOBS, core/parallel.h): the first unlocks the
 * signing key, so that the pinentry asks once.  The error of the first
 * item that failed. */
gpg_error_t mule_stick_jobs_run(struct mule_stick_jobs *j, size_t n,
    mule_stick_job_fn fn, void *arg);

/* Release the contexts J holds. */
void mule_stick_jobs_release(struct mule_stick_jobs *j);

#endif
