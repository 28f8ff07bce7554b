/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pump.c - run one GPGME operation, moving the data's bytes ourselves. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/secret.h"
#include "pgp/pump.h"

/* What one read from gpg takes, and one read of a source: 16 KiB stay
 * in the cache between the source and the pipe (mule-sign of 512 MiB
 * took 0.70 s so, 0.84 s with 256 KiB).  Reads from gpg start at 16 KiB
 * too and grow to 256 KiB, with a large pipe, only once a read fills the
 * buffer: a small message then maps and wipes no 256 KiB, which a process
 * with threads pays for in page faults and TLB flushes on every core
 * (mule-stick get of 200 small items used 2-5% less CPU so).  A source
 * read may block (a FIFO, a terminal) and meanwhile nothing gpg writes is
 * moved on: from such a source the pump reads one step a round into a
 * pipe of the usual size, as GPGME's loop did, so that what gpg has
 * written is never kept waiting for long.  A regular file does not
 * block: it fills a large pipe (see rest()). */
#define STEP_IN_FIRST (16 * 1024)
#define STEP_IN       (256 * 1024)
#define STEP_OUT      (16 * 1024)
#define PIPE_LARGE (1024 * 1024)

/* The pipe GPGME is serving in this thread, while it calls data.c;
 * NULL elsewhere, also while an operation of an inner pump (one started
 * from a callback) is under way. */
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
drop_buffer(struct mule_pump_fd *s)
{
	if (s->buf) {
		mule_wipe(s->buf, s->size);
		free(s->buf);
	}
	s->buf = NULL;
	s->size = 0;
}

static void
free_slot(struct mule_pump_fd *s)
{
	drop_buffer(s);
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
	p->outer = serving;
	serving = NULL;
	for (i = 0; i < MULE_PUMP_FDS; i++)
		p->fds[i].fd = -1;
	gpgme_set_io_cbs(ctx, &cbs);
}

/* Ask for a pipe of SIZE; returns what the kernel gave, 0 if unknown. */
static size_t
grow_pipe(int fd, int size)
{
	int got = -1;

#if defined(F_SETPIPE_SZ) && defined(F_GETPIPE_SZ)
	(void)fcntl(fd, F_SETPIPE_SZ, size);
	got = fcntl(fd, F_GETPIPE_SZ);
#else
	(void)fd;
	(void)size;
#endif
	return got > 0 ? (size_t)got : 0;
}

static int
is_regular_file(const struct mule_source *src)
{
	struct stat st;

	return src->fd >= 0 && fstat(src->fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* Take the pipe being served over, if we can, with a buffer of SIZE:
 * else GPGME goes on moving its bytes as it did. */
static struct mule_pump_fd *
take(int dir, size_t size)
{
	struct mule_pump_fd *s = serving;

	if (!s || s->dir != dir || s->src || s->sink || s->drained)
		return NULL;
	s->buf = malloc(size);
	if (!s->buf)
		return NULL;
	s->size = size;
	return s;
}

int
mule_pump_take_source(struct mule_source *src, size_t *n)
{
	struct mule_pump_fd *s = serving;

	/* GPGME asks again only once the pump has moved everything. */
	if (s && s->src == src)
		return s->drained ? 1 : -1;
	if (!(s = take(0, STEP_OUT)))
		return 0;
	s->src = src;
	if (is_regular_file(src)) {
		s->pipe_size = grow_pipe(s->fd, PIPE_LARGE);
		s->paced = s->pipe_size >= PIPE_LARGE / 4;
	}
	/* GPGME writes this first step itself, and must write it whole:
	 * it asked only because its buffer was empty and the pipe
	 * writable, and a write of at most PIPE_BUF bytes to a writable
	 * pipe (non-blocking, as GPGME makes it) is all or nothing.  So
	 * nothing is left in GPGME's buffer to come after what we write. */
	if (*n > PIPE_BUF)
		*n = PIPE_BUF;
	return 0;
}

void
mule_pump_take_sink(struct mule_sink *sink)
{
	struct mule_pump_fd *s = take(1, STEP_IN_FIRST);

	if (s)
		s->sink = sink;
}

/* gpg writes more than a small buffer holds: a large buffer and a large
 * pipe from now on.  Without memory for it, the small one goes on. */
static void
grow_in(struct mule_pump_fd *s)
{
	unsigned char *buf = malloc(STEP_IN);

	if (!buf)
		return;
	drop_buffer(s);
	s->buf = buf;
	s->size = STEP_IN;
	(void)grow_pipe(s->fd, PIPE_LARGE);
}

static void
serve_gpgme(struct mule_pump_fd *s)
{
	struct mule_pump_fd *was = serving;

	serving = s;
	s->fnc(s->fnc_data, s->fd);
	serving = was;
}

static gpg_error_t
move_in(struct mule_pump_fd *s)
{
	ssize_t r = read(s->fd, s->buf, s->size);
	gpg_error_t err;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0
		    : gpg_error_from_syserror();
	if (r == 0) {
		s->drained = 1;
		return 0;
	}
	err = mule_sink_put(s->sink, s->buf, (size_t)r);
	if (!err && (size_t)r == s->size && s->size < STEP_IN)
		grow_in(s);
	return err;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Keeping gpg's input pipe full would cost a wake-up of ours for each
 * 8 KiB gpg reads (a reader wakes a writer that waits on a full pipe),
 * and gpg's own time with it: gpg verified 48 MiB from a file in 0.186 s
 * so, in 0.144 s when left alone.  So from a file the pump fills a large
 * pipe, then leaves it for as long as gpg takes to read a quarter of it
 * at 1 GB/s, faster than gpg goes: gpg never finds it empty, and never
 * wakes us.  (From a source that may block, mule-open's, the pump is the
 * slower side, and resting would only slow it down: mule-open of 48 MiB
 * took 0.153 s without, 0.187 s with.) */
static void
rest(struct mule_pump_fd *s)
{
	s->resume = now_ns() + s->pipe_size / 4;
}

static gpg_error_t
move_out(struct mule_pump_fd *s)
{
	ssize_t w;
	gpg_error_t err;

	/* Never wait on the pipe itself: gpg may be waiting for us to read
	 * what it wrote.  (GPGME's engine makes it non-blocking already;
	 * this does not rest on that.) */
	if (!s->nonblocking) {
		int flags = fcntl(s->fd, F_GETFL);

		if (flags < 0 || fcntl(s->fd, F_SETFL, flags | O_NONBLOCK) < 0)
			return gpg_error_from_syserror();
		s->nonblocking = 1;
	}
	do {
		if (s->off == s->len) {
			err = mule_source_read(s->src, s->buf, s->size, &s->len);
			if (err)
				return err;
			s->off = 0;
			if (!s->len) {
				s->drained = 1;
				return 0;
			}
		}
		w = write(s->fd, s->buf + s->off, s->len - s->off);
		if (w < 0 && errno == EPIPE) {
			/* gpg stopped reading; it says why on the status
			 * pipe.  GPGME does the same. */
			s->drained = 1;
			return 0;
		}
		if (w < 0 && errno != EINTR && errno != EAGAIN)
			return gpg_error_from_syserror();
		if (w > 0)
			s->off += (size_t)w;
	} while (s->paced && s->off == s->len);
	if (s->paced)
		rest(s);	/* the pipe is full */
	return 0;
}

/* The error of our side of a pipe is the source's or the sink's, as
 * data.c's callbacks keep it: mule_data_own_error reports it, and it is
 * never taken for gpg's verdict. */
static void
keep_error(struct mule_pump_fd *s, gpg_error_t err)
{
	if (s->src && !s->src->err)
		s->src->err = err;
	if (s->sink && !s->sink->err && !s->sink->over_limit)
		s->sink->err = err;
}

/* Wait for gpg's pipes once and serve those that are ready.  Handing a
 * pipe to GPGME may add or remove pipes: the round ends there. */
static gpg_error_t
pump_round(struct mule_pump *p)
{
	struct pollfd pfd[MULE_PUMP_FDS];
	struct mule_pump_fd *slot[MULE_PUMP_FDS];
	gpg_error_t err = 0;
	uint64_t now = now_ns(), wait = UINT64_MAX;
	struct timespec ts, *timeout = NULL;
	nfds_t n = 0, i;
	int dir;

	for (i = 0; i < MULE_PUMP_FDS; i++) {
		struct mule_pump_fd *s = &p->fds[i];

		if (s->fd < 0)
			continue;
		pfd[n].fd = s->fd;
		pfd[n].events = s->dir ? POLLIN : POLLOUT;
		if (s->resume > now) {
			pfd[n].fd = -1;		/* left to gpg for now */
			if (s->resume - now < wait)
				wait = s->resume - now;
		}
		slot[n++] = s;
	}
	if (!n)
		return gpg_error(GPG_ERR_INTERNAL);
	if (wait != UINT64_MAX) {
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		timeout = &ts;
	}
	if (ppoll(pfd, n, timeout, NULL) < 0)
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
			if (err)
				keep_error(s, err);
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
	if (err && !start_err)
		p->own = err;
	/* Our side failed, or a start failed half-way: gpg is stopped and
	 * GPGME closes its pipes, while our callbacks are still there to
	 * hear of it. */
	for (i = 0; i < MULE_PUMP_FDS; i++)
		if (p->fds[i].fd >= 0) {
			gpgme_cancel(p->ctx);
			break;
		}
	for (i = 0; i < MULE_PUMP_FDS; i++)
		if (p->fds[i].fd >= 0)
			free_slot(&p->fds[i]);
	gpgme_set_io_cbs(p->ctx, NULL);
	serving = p->outer;
	if (start_err)
		return start_err;
	return p->own ? p->own : p->err;
}
