/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pump.c - run one GPGME operation, moving the data's bytes ourselves. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "pgp/pump.h"

/* What one read from gpg takes, and the size we wish gpg's output pipes
 * (the kernel may keep them smaller: pipe-max-size).  Towards gpg the
 * pump does what GPGME's loop did, but for the formatting: one step of
 * 16 KiB a round, written whole, on a pipe of the usual size.  Reading
 * the source may block (a FIFO, a terminal), and meanwhile nothing gpg
 * writes is moved on; that pace keeps gpg's output moving as before. */
#define STEP_IN   (256 * 1024)
#define STEP_OUT  (16 * 1024)
#define PIPE_SIZE (1024 * 1024)

/* The pipe GPGME is serving in this thread, while it calls data.c. */
static _Thread_local struct mule_pump_fd *serving;

static gpg_error_t
add_cb(void *data, int fd, int dir, gpgme_io_cb_t fnc, void *fnc_data,
    void **tag)
{
	struct mule_pump *p = data;
	int i;

	for (i = 0; i < MULE_PUMP_FDS; i++) {
		struct mule_pump_fd *s = &p->fds[i];

		if (s->fd >= 0)
			continue;
		memset(s, 0, sizeof *s);
		s->fd = fd;
		s->dir = dir;
		s->fnc = fnc;
		s->fnc_data = fnc_data;
		*tag = s;
		return 0;
	}
	return gpg_error(GPG_ERR_EMFILE);
}

static void
free_slot(struct mule_pump_fd *s)
{
	if (s->buf) {
		mule_wipe(s->buf, s->dir ? STEP_IN : STEP_OUT);
		free(s->buf);
	}
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

static void
remove_cb(void *tag)
{
	free_slot(tag);
}

static void
event_cb(void *data, gpgme_event_io_t type, void *type_data)
{
	struct mule_pump *p = data;

	/* A synchronous call returns the error alone, not op_err. */
	if (type == GPGME_EVENT_DONE) {
		p->done = 1;
		p->err = ((struct gpgme_io_event_done_data *)type_data)->err;
	}
}

void
mule_pump_begin(struct mule_pump *p, gpgme_ctx_t ctx)
{
	struct gpgme_io_cbs cbs = { add_cb, p, remove_cb, event_cb, p };
	int i;

	memset(p, 0, sizeof *p);
	p->ctx = ctx;
	for (i = 0; i < MULE_PUMP_FDS; i++)
		p->fds[i].fd = -1;
	gpgme_set_io_cbs(ctx, &cbs);
}

/* Take the pipe being served over, if we can: else GPGME goes on
 * moving its bytes as it did. */
static struct mule_pump_fd *
take(int dir)
{
	struct mule_pump_fd *s = serving;

	if (!s || s->dir != dir || s->src || s->sink || s->drained)
		return NULL;
	s->buf = malloc(dir ? STEP_IN : STEP_OUT);
	if (!s->buf)
		return NULL;
#ifdef F_SETPIPE_SZ
	if (dir)
		(void)fcntl(s->fd, F_SETPIPE_SZ, PIPE_SIZE);
#endif
	return s;
}

int
mule_pump_take_source(struct mule_source *src, size_t *n)
{
	struct mule_pump_fd *s = serving;

	if (s && s->src == src)
		return s->drained;
	if (!(s = take(0)))
		return 0;
	s->src = src;
	/* GPGME writes this first step itself: at most PIPE_BUF bytes,
	 * which a pipe takes whole, so that nothing is left in GPGME's
	 * buffer to come after what we write. */
	if (*n > PIPE_BUF)
		*n = PIPE_BUF;
	return 0;
}

void
mule_pump_take_sink(struct mule_sink *sink)
{
	struct mule_pump_fd *s = take(1);

	if (s)
		s->sink = sink;
}

static void
serve_gpgme(struct mule_pump_fd *s)
{
	serving = s;
	s->fnc(s->fnc_data, s->fd);
	serving = NULL;
}

static gpg_error_t
move_in(struct mule_pump_fd *s)
{
	ssize_t r = read(s->fd, s->buf, STEP_IN);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0
		    : gpg_error_from_syserror();
	if (r == 0) {
		s->drained = 1;
		return 0;
	}
	return mule_sink_put(s->sink, s->buf, (size_t)r);
}

static gpg_error_t
move_out(struct mule_pump_fd *s)
{
	ssize_t w;
	gpg_error_t err;

	if (s->off == s->len) {
		err = mule_source_read(s->src, s->buf, STEP_OUT, &s->len);
		if (err) {
			if (!s->src->err)
				s->src->err = err;
			return err;
		}
		s->off = 0;
		if (!s->len) {
			s->drained = 1;
			return 0;
		}
	}
	w = write(s->fd, s->buf + s->off, s->len - s->off);
	if (w < 0 && errno == EPIPE) {
		/* gpg stopped reading; it says why on the status pipe.  GPGME
		 * does the same. */
		s->drained = 1;
		return 0;
	}
	if (w < 0)
		return errno == EINTR ? 0 : gpg_error_from_syserror();
	s->off += (size_t)w;
	return 0;
}

/* Wait for gpg's pipes once and serve those that are ready.  Handing a
 * pipe to GPGME may add or remove pipes: the round ends there. */
static gpg_error_t
pump_round(struct mule_pump *p)
{
	struct pollfd pfd[MULE_PUMP_FDS];
	struct mule_pump_fd *slot[MULE_PUMP_FDS];
	gpg_error_t err = 0;
	nfds_t n = 0, i;
	int dir;

	for (i = 0; i < MULE_PUMP_FDS; i++) {
		if (p->fds[i].fd < 0)
			continue;
		pfd[n].fd = p->fds[i].fd;
		pfd[n].events = p->fds[i].dir ? POLLIN : POLLOUT;
		slot[n++] = &p->fds[i];
	}
	if (!n)
		return gpg_error(GPG_ERR_INTERNAL);
	if (poll(pfd, n, -1) < 0)
		return errno == EINTR ? 0 : gpg_error_from_syserror();
	/* gpg's output first: its pipes never wait behind a source that
	 * blocks. */
	for (dir = 1; dir >= 0; dir--)
		for (i = 0; i < n && !err; i++) {
			struct mule_pump_fd *s = slot[i];

			if (!pfd[i].revents || s->fd != pfd[i].fd
			    || s->dir != dir)
				continue;
			if (s->src && !s->drained)
				err = move_out(s);
			else if (s->sink && !s->drained)
				err = move_in(s);
			if (!err && (s->drained || (!s->src && !s->sink))) {
				serve_gpgme(s);
				return 0;
			}
		}
	return err;
}

gpg_error_t
mule_pump_run(struct mule_pump *p, gpg_error_t start_err)
{
	gpg_error_t err = start_err;
	int i;

	while (!err && !p->done)
		err = pump_round(p);
	if (err && !start_err) {
		/* Our side failed: gpg is stopped, its pipes closed, and the
		 * operation ends with GPG_ERR_CANCELED. */
		p->own = err;
		gpgme_cancel(p->ctx);
	}
	for (i = 0; i < MULE_PUMP_FDS; i++)
		if (p->fds[i].fd >= 0)
			free_slot(&p->fds[i]);
	gpgme_set_io_cbs(p->ctx, NULL);
	if (start_err)
		return start_err;
	return p->own ? p->own : p->err;
}
