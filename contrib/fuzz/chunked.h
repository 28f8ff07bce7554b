/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chunked.h - a mule_source over a fuzz input that serves it in odd
 * chunk sizes, so that an incremental parser sees headers, lengths and
 * lines split across reads.  Included by the harnesses (static inline:
 * one copy in each). */
#ifndef MULE_FUZZ_CHUNKED_H
#define MULE_FUZZ_CHUNKED_H

#include <stdint.h>
#include <string.h>

#include "core/stream.h"

struct chunked {
	const uint8_t *p;
	size_t len, off;
	size_t period;		/* reads of 1 to PERIOD bytes */
};

/* A mule_read_fn: the next chunk, at most N bytes. */
static inline gpg_error_t
chunked_read(void *arg, void *buf, size_t n, size_t *got)
{
	struct chunked *c = arg;
	size_t step = 1 + c->off % c->period;

	if (n > step)
		n = step;
	if (n > c->len - c->off)
		n = c->len - c->off;
	if (n)
		memcpy(buf, c->p + c->off, n);
	c->off += n;
	*got = n;
	return 0;
}

/* SRC reads the LEN bytes at P through C in chunks of 1 to PERIOD. */
static inline void
chunked_source(struct mule_source *src, struct chunked *c, const uint8_t *p,
    size_t len, size_t period)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->period = period ? period : 1;
	memset(src, 0, sizeof *src);
	src->fd = -1;
	src->read = chunked_read;
	src->arg = c;
}

#endif
