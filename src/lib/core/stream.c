/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stream.c - sources and sinks for mule's own parsers (stream.h). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/progress.h"
#include "core/stream.h"

gpg_error_t
mule_sink_put(struct mule_sink *sink, const void *buf, size_t n)
{
	gpg_error_t err;

	if (sink->limit && sink->total + n > sink->limit) {
		sink->over_limit = 1;
		return gpg_error(GPG_ERR_TOO_LARGE);
	}
	err = sink->write(sink->arg, buf, n);
	if (err) {
		if (!sink->err)
			sink->err = err;
		return err;
	}
	sink->total += n;
	return 0;
}

gpg_error_t
mule_membuf_write(void *arg, const void *data, size_t n)
{
	struct mule_membuf *m = arg;
	unsigned char *p;

	if (m->limit && n > m->limit - m->len)
		return mule_reject(GPG_ERR_TOO_LARGE, NULL,
		    "%s is larger than %zu bytes", m->what ? m->what
		    : "the input", m->limit);
	if (!n)
		return 0;
	/* One spare byte, so that text can be NUL-terminated. */
	p = realloc(m->p, m->len + n + 1);
	if (!p)
		return gpg_error_from_syserror();
	memcpy(p + m->len, data, n);
	m->p = p;
	m->len += n;
	m->p[m->len] = '\0';
	return 0;
}

gpg_error_t
mule_membuf_read(void *arg, void *data, size_t n, size_t *got)
{
	struct mule_membuf *m = arg;

	if (n > m->len - m->off)
		n = m->len - m->off;
	if (n)
		memcpy(data, m->p + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

void
mule_membuf_release(struct mule_membuf *m)
{
	free(m->p);
	m->p = NULL;
	m->len = m->off = 0;
}

gpg_error_t
mule_membuf_read_fd(struct mule_membuf *buf, int fd)
{
	struct mule_source src;
	unsigned char chunk[16384];
	size_t got;
	gpg_error_t err;

	mule_source_init_fd(&src, fd);
	do {
		err = mule_source_read(&src, chunk, sizeof chunk, &got);
		if (!err && got)
			err = mule_membuf_write(buf, chunk, got);
	} while (!err && got);
	mule_source_release(&src);
	return err;
}

void
mule_source_init_fd(struct mule_source *src, int fd)
{
	memset(src, 0, sizeof *src);
	src->fd = fd;
}

static gpg_error_t
source_read_raw(struct mule_source *src, void *buf, size_t n, size_t *got)
{
	ssize_t r;

	if (src->fd < 0)
		return src->read(src->arg, buf, n, got);
	/* A terminal's end of file (Ctrl-D) is not sticky: asked again
	 * after it, read would wait for another. */
	*got = 0;
	if (src->eof)
		return 0;
	do
		r = read(src->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return gpg_error_from_syserror();
	*got = (size_t)r;
	src->eof = r == 0;
	mule_progress_add(src->progress, (uint64_t)r, 0);
	return 0;
}

gpg_error_t
mule_source_peek(struct mule_source *src, size_t n)
{
	size_t got;
	gpg_error_t err;

	src->pre = malloc(n);
	if (!src->pre)
		return gpg_error_from_syserror();
	while (src->pre_len < n) {
		err = source_read_raw(src, src->pre + src->pre_len,
		    n - src->pre_len, &got);
		if (err)
			return mule_error_set(err, NULL, "reading the input: %s",
			    gpg_strerror(err));
		if (!got)
			break;
		src->pre_len += got;
	}
	return 0;
}

void
mule_source_release(struct mule_source *src)
{
	free(src->pre);
	src->pre = NULL;
}

gpg_error_t
mule_source_read(struct mule_source *src, void *buf, size_t n, size_t *got)
{
	gpg_error_t err;

	if (src->pre_off < src->pre_len) {
		*got = src->pre_len - src->pre_off;
		if (*got > n)
			*got = n;
		memcpy(buf, src->pre + src->pre_off, *got);
		src->pre_off += *got;
		src->total += *got;
		return 0;
	}
	err = source_read_raw(src, buf, n, got);
	if (err) {
		/* A rejection (from a decoding reader) keeps its message. */
		if (gpg_err_source(err) != MULE_SOURCE_REJECT)
			err = mule_error_set(err, NULL, "reading the input: %s",
			    gpg_strerror(err));
		return err;
	}
	src->total += *got;
	return 0;
}
