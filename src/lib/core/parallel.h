/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parallel.h - run independent jobs on a few threads.
 *
 * mule-stick seals and opens one item per gpg run; a gpg run is mostly
 * waiting for one core, so items go side by side, one per core.
 */
#ifndef MULE_PARALLEL_H
#define MULE_PARALLEL_H

#include <stddef.h>
#include <gpg-error.h>

typedef gpg_error_t (*mule_job_fn)(void *arg, size_t i);

/* Run FN(ARG, i) for i = 0 .. N-1 on up to MULE_JOBS threads (two per
 * core, at most 4; the environment variable MULE_JOBS overrides it).
 * After a job fails no new one starts; the error of the failed job
 * with the lowest I comes back, its message recorded. */
gpg_error_t mule_parallel_run(size_t n, mule_job_fn fn, void *arg);

/* As mule_parallel_run, but job 0 runs alone first, and the others only
 * once it succeeded: jobs that sign with one key, which gpg-agent may
 * have to unlock.  The first asks for the passphrase alone, and Cancel
 * or a wrong passphrase there ends the run before another job asks. */
gpg_error_t mule_parallel_run_first_alone(size_t n, mule_job_fn fn,
    void *arg);

/* One lock for the jobs' shared state (reports, journal, counters). */
void mule_parallel_lock(void);
void mule_parallel_unlock(void);

#endif
