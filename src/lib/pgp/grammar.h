/* SPDX-License-Identifier: GPL-3.0-or-later */
/* grammar.h - exactly one signed message: the packet grammar of an
 * inline-signed (binary or dearmoured) message, checked on the bytes gpg
 * gets.
 *
 * gpg 2.2 verifies the first signed message it finds and ignores what
 * follows a compressed packet of indeterminate length (every gpg-made
 * message is one).  This reader passes the input through unchanged while
 * it follows the framing, inflating the compressed packet itself, and
 * refuses anything but:
 *
 *   Marker* ( Compressed(Signed) | Signed )     then the end of the input
 *   Signed := OnePass^n Literal Signature^n     (n >= 1)
 *           | Signature^n Literal               (the old form, n >= 1)
 *
 * Marker packets only at the very start (at most 4).  One level of
 * compression (ZIP, ZLIB, BZIP2, or 0: uncompressed), around the whole
 * signed message, as gpg makes it; its stream must end exactly where the input (or the
 * packet) ends.  Indeterminate lengths only for the compressed packet,
 * partial lengths only for it and the literal.  Every signature and
 * one-pass signature of one class, at most MULE_GRAMMAR_MAX_SIGS of
 * them; a literal of format 'b', 't' or 'u' holding at most MAX_LITERAL
 * bytes; packets other than the literal at most 1 MiB together.
 */
#ifndef MULE_GRAMMAR_H
#define MULE_GRAMMAR_H

#include <stddef.h>
#include <stdint.h>
#include <gpg-error.h>

#include "core/stream.h"

#define MULE_GRAMMAR_MAX_SIGS 32

/* What the checker saw of the signed data. */
struct mule_grammar_literal {
	int sigclass;		/* of every signature; -1 before the first */
	unsigned format;	/* the literal's format byte; 0 before it */
	int lone_cr;		/* its data holds a CR not followed by LF */
	int nul;		/* ... or a NUL byte */
	uint64_t size;		/* bytes of literal data */
};

struct mule_grammar;

/* A checker reading from SRC (which may be NULL when it is only fed with
 * mule_grammar_feed), refusing more than MAX_LITERAL bytes of literal
 * data (0: no limit).  Returns an operational error if out of memory. */
gpg_error_t mule_grammar_new(struct mule_grammar **g, struct mule_source *src,
    uint64_t max_literal);

/* Accept a literal with no signature as the whole message too (the
 * policy then decides whether unsigned data is acceptable). */
void mule_grammar_allow_unsigned(struct mule_grammar *g);

/* The data came out of an encryption (mule-open): encrypted data in it
 * is crafted, not a message to open; and bytes after the end of the
 * compressed stream, up to the end of a compressed packet of definite
 * length, are ignored, as Sequoia pads its messages so (the MDC covers
 * them). */
void mule_grammar_inside_encryption(struct mule_grammar *g);

/* A mule_read_fn: read from the source and check what passes; the first
 * rejection (exit 1) is returned then and by every later call. */
gpg_error_t mule_grammar_read(void *g, void *buf, size_t n, size_t *got);

/* After gpg is done: read through the checker what gpg left unread, then
 * the verdict: 0 if the input held exactly one signed message. */
gpg_error_t mule_grammar_finish(struct mule_grammar *g);

/* The same without a source: check N more bytes at P, or the end. */
gpg_error_t mule_grammar_feed(struct mule_grammar *g, const void *p, size_t n);
gpg_error_t mule_grammar_end(struct mule_grammar *g);

/* What was seen; valid until mule_grammar_free. */
const struct mule_grammar_literal *mule_grammar_literal(
    const struct mule_grammar *g);

void mule_grammar_free(struct mule_grammar *g);

#endif
