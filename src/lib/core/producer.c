/* SPDX-License-Identifier: GPL-3.0-or-later */
/* producer.c - a worker thread that writes a stream into a pipe. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/error.h"
#include "core/producer.h"

/* A larger pipe means fewer switches between the threads. */
#define PIPE_SIZE (1024 * 1024)

struct mule_producer {
	pthread_t thread;
	mule_produce_fn fn;
	void *arg;
	int write_fd;
	gpg_error_t err;
	struct mule_error_record record;
};

static void *
run(void *arg)
{
	struct mule_producer *p = arg;

	p->err = p->fn(p->arg, p->write_fd);
	close(p->write_fd);
	mule_error_save(&p->record);
	return NULL;
}

gpg_error_t
mule_producer_start(struct mule_producer **out, mule_produce_fn fn,
    void *arg, int *read_fd)
{
	struct mule_producer *p;
	sigset_t all, old;
	int fds[2], rc;

	p = calloc(1, sizeof *p);
	if (!p)
		return gpg_error_from_syserror();
	if (pipe2(fds, O_CLOEXEC) < 0) {
		gpg_error_t err = gpg_error_from_syserror();

		free(p);
		return mule_error_set(err, NULL, "pipe: %s", gpg_strerror(err));
	}
#ifdef F_SETPIPE_SZ
	fcntl(fds[1], F_SETPIPE_SZ, PIPE_SIZE);	/* best effort */
#endif
	p->fn = fn;
	p->arg = arg;
	p->write_fd = fds[1];
	/* Signals go to the calling thread, which owns the temporaries:
	 * the worker starts with them all blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&p->thread, NULL, run, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		close(fds[0]);
		close(fds[1]);
		free(p);
		return mule_error_set(gpg_error_from_errno(rc), NULL,
		    "cannot start a thread: %s", gpg_strerror(
		    gpg_error_from_errno(rc)));
	}
	*read_fd = fds[0];
	*out = p;
	return 0;
}

gpg_error_t
mule_producer_finish(struct mule_producer *p, int read_fd, gpg_error_t err)
{
	return mule_producer_finish_cut(p, read_fd, err, NULL);
}

gpg_error_t
mule_producer_finish_cut(struct mule_producer *p, int read_fd,
    gpg_error_t err, const int *cut)
{
	if (read_fd >= 0)
		close(read_fd);
	pthread_join(p->thread, NULL);
	if (p->err && !(err && (gpg_err_code(p->err) == GPG_ERR_EPIPE
	    || (cut && *cut)))) {
		err = p->err;
		mule_error_clear();
		mule_error_restore(&p->record);
	}
	free(p);
	return err;
}
