/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stream.h - the readers and writers mule's own parsers work on.
 *
 * A source reads from a descriptor or from a callback (a decoding
 * reader), with bytes read ahead served first; a sink counts what it
 * accepts against a limit and keeps its first error.  Nothing here needs
 * GPGME: data.h wraps both for gpg.
 */
#ifndef MULE_STREAM_H
#define MULE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

struct mule_progress;

typedef gpg_error_t (*mule_write_fn)(void *arg, const void *buf, size_t n);
typedef gpg_error_t (*mule_read_fn)(void *arg, void *buf, size_t n,
    size_t *got);

struct mule_source {
	int fd;			/* read from FD, or ... */
	mule_read_fn read;	/* ... from READ(ARG) when fd < 0 */
	void *arg;
	unsigned char *pre;	/* bytes read ahead, served first (owned) */
	size_t pre_len, pre_off;
	uint64_t total;		/* bytes served */
	gpg_error_t err;	/* first read error */
	struct mule_progress *progress;	/* counts what FD gives; or NULL */
	int eof;		/* FD said end of file: not asked again */
};

struct mule_sink {
	mule_write_fn write;
	void *arg;
	uint64_t limit;		/* 0: none */
	uint64_t total;		/* bytes accepted */
	int over_limit;
	gpg_error_t err;	/* first write error */
};

/* Give SINK N bytes: refused (over_limit set) past its limit; a write
 * error is kept in sink->err.  Returns either, else 0. */
gpg_error_t mule_sink_put(struct mule_sink *sink, const void *buf, size_t n);

/* Bytes in memory: small things read whole (a detached signature, a
 * manifest).  Written with mule_membuf_write (a mule_write_fn, refusing
 * to grow past LIMIT when it is not 0: a rejection naming WHAT), read
 * from OFF with mule_membuf_read (a mule_read_fn). */
struct mule_membuf {
	unsigned char *p;
	size_t len, off;
	size_t limit;
	const char *what;
};

gpg_error_t mule_membuf_write(void *buf, const void *data, size_t n);
gpg_error_t mule_membuf_read(void *buf, void *data, size_t n, size_t *got);
void mule_membuf_release(struct mule_membuf *buf);

/* Read all of FD into BUF (whose limit and what are set). */
gpg_error_t mule_membuf_read_fd(struct mule_membuf *buf, int fd);

/* Initialise SRC to read from FD. */
void mule_source_init_fd(struct mule_source *src, int fd);

/* Read ahead up to N bytes into src->pre (to sample the input). */
gpg_error_t mule_source_peek(struct mule_source *src, size_t n);

/* Read up to N bytes (read-ahead bytes first); *GOT is 0 at the end. */
gpg_error_t mule_source_read(struct mule_source *src, void *buf, size_t n,
    size_t *got);

void mule_source_release(struct mule_source *src);

#endif
