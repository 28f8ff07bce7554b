/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parallel.c - run independent jobs on a few threads. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/parallel.h"

#define MAX_JOBS 4

static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;

struct pool {
	pthread_mutex_t lock;
	size_t next, n;
	mule_job_fn fn;
	void *arg;
	int stop;
	size_t failed_at;	/* lowest failed job */
	gpg_error_t err;
	struct mule_error_record record;
};

void
mule_parallel_lock(void)
{
	pthread_mutex_lock(&shared);
}

void
mule_parallel_unlock(void)
{
	pthread_mutex_unlock(&shared);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	gpg_error_t err;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->stop || p->next == p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		mule_error_clear();
		err = p->fn(p->arg, i);
		if (!err)
			continue;
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		if (!p->err || i < p->failed_at) {
			p->err = err;
			p->failed_at = i;
			mule_error_save(&p->record);
		}
		pthread_mutex_unlock(&p->lock);
	}
}

static unsigned
jobs(size_t n)
{
	const char *env = getenv("MULE_JOBS");
	/* Two per core: a job spends much of its time waiting (for gpg to
	 * start, for gpg-agent, for fsync), so twice as many keep the cores
	 * busy. */
	long k = env ? strtol(env, NULL, 10)
	    : 2 * sysconf(_SC_NPROCESSORS_ONLN);

	if (k < 1)
		k = 1;
	if (k > MAX_JOBS)
		k = MAX_JOBS;
	return (size_t)k > n ? (unsigned)n : (unsigned)k;
}

/* Jobs FIRST .. N-1 side by side. */
static gpg_error_t
run_from(size_t first, size_t n, mule_job_fn fn, void *arg)
{
	pthread_t threads[MAX_JOBS];
	struct pool p;
	sigset_t all, old;
	unsigned k, started = 0, want = jobs(n - first);

	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.lock, NULL);
	p.next = first;
	p.n = n;
	p.fn = fn;
	p.arg = arg;
	/* Signals stay with this thread, which owns the temporaries. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (k = 1; k < want; k++)
		if (pthread_create(&threads[started], NULL, worker, &p) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	worker(&p);		/* this thread works too */
	for (k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.err)
		mule_error_restore(&p.record);
	return p.err;
}

gpg_error_t
mule_parallel_run(size_t n, mule_job_fn fn, void *arg)
{
	return run_from(0, n, fn, arg);
}

gpg_error_t
mule_parallel_run_first_alone(size_t n, mule_job_fn fn, void *arg)
{
	gpg_error_t err;

	if (!n)
		return 0;
	mule_error_clear();
	if ((err = fn(arg, 0)))
		return err;
	return run_from(1, n, fn, arg);
}
