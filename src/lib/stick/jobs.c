/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jobs.c - items sealed side by side, each with a signing context. */
#include <config.h>

#include <string.h>

#include "core/parallel.h"
#include "core/progress.h"
#include "pgp/gpg.h"
#include "pgp/keys.h"
#include "stick/jobs.h"

/* One run of mule_stick_jobs_run. */
struct run {
	struct mule_stick_jobs *jobs;
	mule_stick_job_fn fn;
	void *arg;
};

gpg_error_t
mule_stick_jobs_init(struct mule_stick_jobs *j,
    const struct mule_gpg_opts *gopts, const struct mule_stick_route *route,
    gpgme_ctx_t ctx)
{
	gpg_error_t err;

	memset(j, 0, sizeof *j);
	j->gopts = gopts;
	j->route = route;
	/* The route's sender was looked up and checked already: named by
	 * fingerprint, it costs no second listing. */
	err = mule_signer_name(ctx, route->sender);
	if (err)
		gpgme_release(ctx);
	else
		j->spare[j->nspare++] = ctx;
	return err;
}

/* Item I with a context borrowed from the spares (or made, if none is
 * left), given back to them after. */
static gpg_error_t
one(void *arg, size_t i)
{
	struct run *r = arg;
	struct mule_stick_jobs *j = r->jobs;
	struct mule_stick_route route = *j->route;
	gpgme_ctx_t ctx = NULL;
	gpg_error_t err = 0;

	mule_parallel_lock();
	if (j->nspare)
		ctx = j->spare[--j->nspare];
	mule_parallel_unlock();
	if (!ctx) {
		err = mule_gpg_ctx_new(&ctx, j->gopts);
		if (!err)
			err = mule_signer_name(ctx, route.sender);
	}
	route.ctx = ctx;
	if (!err)
		err = r->fn(r->arg, j->gopts, &route, i);
	if (!err)
		mule_progress_add(j->progress, 0, 1);
	mule_parallel_lock();
	if (ctx && j->nspare < sizeof j->spare / sizeof j->spare[0])
		j->spare[j->nspare++] = ctx;
	else
		gpgme_release(ctx);
	mule_parallel_unlock();
	return err;
}

gpg_error_t
mule_stick_jobs_run(struct mule_stick_jobs *j, size_t n, mule_stick_job_fn fn,
    void *arg)
{
	struct run r = { j, fn, arg };

	/* The first item alone: it unlocks the signing key, so that the
	 * pinentry asks once and Cancel there is not asked again. */
	return mule_parallel_run_first_alone(n, one, &r);
}

void
mule_stick_jobs_release(struct mule_stick_jobs *j)
{
	size_t i;

	for (i = 0; i < j->nspare; i++)
		gpgme_release(j->spare[i]);
	j->nspare = 0;
}
